/*
 * Checklists as trainees and instructors meet them: the shipped format loads into what a
 * trainee reads (in their language, English where a translation is missing), and every
 * mistake an instructor can make in a file is reported at its line and column in plain
 * words (tests/fixtures/checklists/bad/: each FILE.yaml with the exact lines in
 * FILE.expect).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>
#include <sodium.h>

#include "checklist/checklist.h"

#define GOOD "tests/fixtures/checklists/good"
#define BAD "tests/fixtures/checklists/bad"
#define V2 "tests/fixtures/checklists/v2" /* the keys of format v2, all used */

static struct checklist *load_ok(const char *path, struct checklist_report *rep)
{
	struct checklist *c = NULL;
	enum checklist_err err;

	checklist_report_init(rep);
	err = checklist_load(path, &c, rep);
	if (err != CHECKLIST_OK) {
		checklist_lint_print(stderr, path, rep);
		fail_msg("%s: %s", path, checklist_strerror(err));
	}
	assert_non_null(c);
	assert_int_equal(rep->errors, 0);
	return c;
}

/* The lint lines for LEN bytes of YAML named NAME, as a new string. */
static char *lint_buffer(const char *name, const char *yaml, size_t len, enum checklist_err *err)
{
	struct checklist_report rep;
	struct checklist *c = NULL;
	char *text = NULL;
	size_t size = 0;
	FILE *m = open_memstream(&text, &size);

	assert_non_null(m);
	checklist_report_init(&rep);
	*err = checklist_load_buffer(name, yaml, len, &c, &rep);
	assert_true((*err == CHECKLIST_OK) == (c != NULL));
	checklist_lint_print(m, name, &rep);
	fclose(m);
	checklist_free(c);
	checklist_report_release(&rep);
	return text;
}

static char *lint_string(const char *yaml, enum checklist_err *err)
{
	return lint_buffer("mem.yaml", yaml, strlen(yaml), err);
}

static char *read_all(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = calloc(1, (size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	return buf;
}

#define HEAD                                                                                       \
	"id: t\nversion: 1\ntitle: {en: \"T\", fr: \"T\", nl: \"T\"}\ndifficulty: 1\n"             \
	"time_minutes: 5\ncategory: qc\n"
#define STEP_TITLE "    title: {en: \"S\", fr: \"S\", nl: \"S\"}\n"
/* HEAD, then one step S whose kind (line 10) is KIND; its next keys start at line 11.
 * Texts are in the three languages, so that no translation warning hides what is tested. */
#define STEP(kind) HEAD "steps:\n  - id: s\n" STEP_TITLE "    kind: " kind "\n"
#define YES_NO                                                                                     \
	"    options:\n"                                                                           \
	"      - {value: \"yes\", label: {en: Y, fr: Y, nl: Y},"                                   \
	" criteria: {en: Y, fr: Y, nl: Y}}\n"                                                      \
	"      - {value: \"no\", label: {en: N, fr: N, nl: N},"                                    \
	" criteria: {en: N, fr: N, nl: N}}\n"
/* The start of a checklist without category (its line 4 comes next), and one step. */
#define TOP "id: t\nversion: 1\ntitle: {en: T, fr: T, nl: T}\n"
#define ONE_STEP "steps:\n  - {id: s, kind: check, title: {en: S, fr: S, nl: S}}\n"

static void every_good_checklist_loads_without_error(void **state)
{
	DIR *d = opendir(GOOD);
	struct dirent *de;
	int n = 0;
	(void)state;

	assert_non_null(d);
	while ((de = readdir(d))) {
		struct checklist_report rep;
		struct checklist *c;
		char path[512];

		if (!strstr(de->d_name, ".yaml"))
			continue;
		snprintf(path, sizeof(path), GOOD "/%s", de->d_name);
		c = load_ok(path, &rep);
		assert_true(c->n_steps > 0);
		assert_non_null(c->title.en);
		assert_string_equal(c->path, path);
		checklist_free(c);
		checklist_report_release(&rep);
		n++;
	}
	closedir(d);
	assert_true(n >= 3);
}

static void battery_replacement_shows_what_a_trainee_needs(void **state)
{
	struct checklist_report rep;
	struct checklist *c = load_ok(GOOD "/iphone-battery.yaml", &rep);
	const struct checklist_step *s;
	unsigned char digest[crypto_hash_sha256_BYTES];
	char hex[65], *bytes;
	(void)state;

	assert_int_equal(rep.count, 0); /* fully translated: not even a warning */
	assert_string_equal(c->id, "iphone-battery");
	assert_int_equal(c->version, 2);
	assert_string_equal(checklist_text(&c->title, "en"), "iPhone battery replacement");
	assert_string_equal(checklist_text(&c->title, "fr"),
			    "Remplacement de la batterie d'iPhone");
	assert_string_equal(checklist_text(&c->title, "nl"), "iPhone-batterij vervangen");
	assert_string_equal(checklist_text(&c->summary, "nl"),
			    "Een versleten batterij vervangen en de nieuwe controleren.");
	assert_int_equal(c->difficulty, 3);
	assert_int_equal(c->time_minutes, 45);
	assert_int_equal(c->n_tools, 2);
	assert_string_equal(checklist_text(&c->tools[0], "fr"), "Tournevis pentalobe P2");
	assert_int_equal(c->n_parts, 1);
	assert_string_equal(checklist_text(&c->parts[0], "nl"), "Batterij");
	assert_int_equal(c->n_prerequisites, 1);
	assert_string_equal(c->prerequisites[0], "intake-triage");
	assert_int_equal(c->n_competences, 1);
	assert_string_equal(c->competences[0], "battery-removal");
	assert_int_equal(c->n_requires_approved, 1);
	assert_string_equal(c->requires_approved[0], "intake-triage");
	assert_int_equal(c->n_requires_signed_off, 1);
	assert_string_equal(c->requires_signed_off[0], "esd-safety");
	assert_int_equal(c->n_rubric, 1);
	assert_int_equal(c->rubric[0].max, 5);
	assert_int_equal(c->rubric[0].n_levels, 6); /* what 0 to 5 mean */
	assert_string_equal(checklist_text(&c->rubric[0].levels[0], "en"),
			    "Unsafe: worked on a swollen battery");
	assert_string_equal(checklist_text(&c->rubric[0].levels[5], "nl"),
			    "Veilig van begin tot eind, zonder hulp");
	assert_int_equal(c->n_platforms, 1);
	assert_string_equal(c->platforms[0], "ios");

	assert_int_equal(c->n_steps, 6);
	s = &c->steps[0];
	assert_string_equal(s->id, "health-before");
	assert_int_equal(s->kind, CHECKLIST_KIND_AUTO);
	assert_string_equal(s->expr, "battery.health_pct < 80");
	assert_false(s->required);

	s = &c->steps[1];
	assert_int_equal(s->kind, CHECKLIST_KIND_CHECK);
	assert_int_equal(s->on_fail, CHECKLIST_ON_FAIL_QUARANTINE);
	assert_true(s->required);
	assert_int_equal(s->n_instructions, 2);
	assert_int_equal(s->instructions[0].level, CHECKLIST_WARNING);
	assert_string_equal(checklist_text(&s->instructions[0].text, "en"),
			    "A swollen battery can catch fire. Do not press on it.");
	assert_int_equal(s->instructions[1].level, CHECKLIST_NOTE);

	s = &c->steps[2];
	assert_int_equal(s->kind, CHECKLIST_KIND_PARTS);
	assert_int_equal(s->instructions[0].level, CHECKLIST_CAUTION);
	assert_int_equal(s->on_fail, CHECKLIST_ON_FAIL_CONTINUE);

	s = &c->steps[3];
	assert_int_equal(s->kind, CHECKLIST_KIND_MEASURE);
	assert_string_equal(s->unit, "V");
	assert_float_equal(s->min, 3.6, 1e-9);
	assert_float_equal(s->max, 4.45, 1e-9);
	assert_int_equal(s->on_fail, CHECKLIST_ON_FAIL_STOP);

	s = &c->steps[4];
	assert_int_equal(s->kind, CHECKLIST_KIND_CHOICE);
	assert_int_equal(s->n_options, 2);
	assert_string_equal(s->options[1].value, "reused");
	assert_string_equal(checklist_text(&s->options[1].label, "fr"), "Réutilisées");
	assert_string_equal(checklist_text(&s->options[0].criteria, "en"),
			    "Fresh pull-tab strips from the kit.");

	s = &c->steps[5];
	assert_int_equal(s->kind, CHECKLIST_KIND_NOTE);
	assert_null(s->unit);
	assert_null(s->expr);
	assert_int_equal(s->n_options, 0);

	/* the hash pins these exact bytes */
	bytes = read_all(GOOD "/iphone-battery.yaml");
	assert_non_null(bytes);
	assert_true(sodium_init() >= 0);
	crypto_hash_sha256(digest, (const unsigned char *)bytes, strlen(bytes));
	sodium_bin2hex(hex, sizeof(hex), digest, sizeof(digest));
	assert_string_equal(c->hash, hex);
	free(bytes);
	checklist_free(c);
	checklist_report_release(&rep);
}

static void a_missing_french_text_shows_english_and_lint_warns(void **state)
{
	struct checklist_report rep;
	struct checklist *c = load_ok(GOOD "/intake-triage.yaml", &rep);
	(void)state;

	assert_int_equal(rep.warnings, 2);
	assert_string_equal(checklist_text(&c->steps[2].title, "fr"), "No sign of liquid damage");
	assert_string_equal(checklist_text(&c->steps[2].title, "nl"), "Geen teken van vochtschade");
	assert_null(c->steps[2].title.fr);
	assert_string_equal(checklist_text(&c->steps[0].title, "fr"), "Identité lue par la sonde");
	/* an unknown language or none is English */
	assert_string_equal(checklist_text(&c->title, "de"), "Intake and triage");
	assert_string_equal(checklist_text(&c->title, NULL), "Intake and triage");
	checklist_free(c);
	checklist_report_release(&rep);
}

/* A rubric item says what each of its scores means; lint counts them and wants them. */
static void rubric_levels_are_one_per_score_and_lint_asks_for_them(void **state)
{
	static const char head[] = TOP "category: diagnostics\ndifficulty: 1\ntime_minutes: 5\n"
				   "rubric:\n  - id: care\n    title: {en: C, fr: C, nl: C}\n"
				   "    max: 2\n";
	char yaml[2048], *out;
	enum checklist_err err;
	(void)state;

	/* none: a warning that says what to write */
	snprintf(yaml, sizeof(yaml), "%s" ONE_STEP, head);
	out = lint_string(yaml, &err);
	assert_int_equal(err, CHECKLIST_OK);
	assert_non_null(strstr(out, "warning: rubric item 'care' has no 'levels': say what each "
				    "score, 0 to 2, means (a list of 3 texts)"));
	free(out);
	/* too few: an error, at the list, with the count wanted */
	snprintf(yaml, sizeof(yaml),
		 "%s    levels:\n      - {en: a, fr: a, nl: a}\n      - {en: b, fr: b, nl: b}\n" ONE_STEP,
		 head);
	out = lint_string(yaml, &err);
	assert_int_equal(err, CHECKLIST_EINVALID);
	assert_non_null(strstr(out, "mem.yaml:12:7: error: rubric item 'care' is scored 0 to 2: "
				    "'levels' needs 3 texts, one for each score from 0 up, not 2"));
	free(out);
	/* a level that is not a text */
	snprintf(yaml, sizeof(yaml),
		 "%s    levels: [{en: a, fr: a, nl: a}, {en: b, fr: b, nl: b}, 7]\n" ONE_STEP, head);
	out = lint_string(yaml, &err);
	assert_int_equal(err, CHECKLIST_EINVALID);
	assert_non_null(strstr(out, "'levels[2]' must be a translated text"));
	free(out);
	/* one per score, one without Dutch: loads, and the usual translation warning */
	snprintf(yaml, sizeof(yaml),
		 "%s    levels:\n      - {en: a, fr: a, nl: a}\n      - {en: b, fr: b}\n"
		 "      - {en: c, fr: c, nl: c}\n" ONE_STEP,
		 head);
	out = lint_string(yaml, &err);
	assert_int_equal(err, CHECKLIST_OK);
	assert_non_null(strstr(out, "missing Dutch translation (nl)"));
	assert_null(strstr(out, "no 'levels'"));
	free(out);
}

/* From difficulty 3 up, lint asks for a sign-off; requires is checked as it is read. */
static void requires_is_read_and_a_hard_checklist_asks_for_a_signoff(void **state)
{
	char yaml[1024], *out;
	enum checklist_err err;
	(void)state;

	snprintf(yaml, sizeof(yaml), TOP "category: repair\ndifficulty: 3\ntime_minutes: 5\n" ONE_STEP);
	out = lint_string(yaml, &err);
	assert_int_equal(err, CHECKLIST_OK);
	assert_non_null(strstr(out, "warning: difficulty 3: a trainee should start it only once an "
				    "instructor has signed her off"));
	free(out);
	snprintf(yaml, sizeof(yaml),
		 TOP "category: repair\ndifficulty: 3\ntime_minutes: 5\n"
		     "requires: {approved: [t], signed_off: [esd-safety], by: x}\n" ONE_STEP);
	out = lint_string(yaml, &err);
	assert_int_equal(err, CHECKLIST_EINVALID);
	assert_non_null(strstr(out, "a checklist cannot require an approved job of itself"));
	assert_non_null(strstr(out, "'by'"));
	assert_null(strstr(out, "should start it only once"));
	free(out);
	snprintf(yaml, sizeof(yaml),
		 TOP "category: repair\ndifficulty: 2\ntime_minutes: 5\nrequires: [a]\n"
		     "competences: [Not An Id]\n" ONE_STEP);
	out = lint_string(yaml, &err);
	assert_int_equal(err, CHECKLIST_EINVALID);
	assert_non_null(strstr(out, "'requires' must be a mapping"));
	assert_non_null(strstr(out, "competence"));
	free(out);
}

static void a_missing_translation_is_only_a_warning(void **state)
{
	struct checklist_report rep;
	struct checklist *c = load_ok(BAD "/missing-translation.yaml", &rep);
	(void)state;

	assert_int_equal(rep.warnings, 1);
	assert_int_equal(rep.items[0].severity, CHECKLIST_SEV_WARNING);
	assert_string_equal(checklist_text(&c->steps[0].title, "fr"), "Check the screen");
	checklist_free(c);
	checklist_report_release(&rep);
}

static void each_bad_file_is_reported_at_its_line_and_column(void **state)
{
	DIR *d = opendir(BAD);
	struct dirent *de;
	int n = 0;
	(void)state;

	assert_non_null(d);
	while ((de = readdir(d))) {
		struct checklist_report rep;
		struct checklist *c = NULL;
		char path[512], expect_path[512], *got = NULL, *want;
		size_t size = 0, len = strlen(de->d_name);
		FILE *m;

		if (len < 6 || strcmp(de->d_name + len - 5, ".yaml") != 0)
			continue;
		snprintf(path, sizeof(path), BAD "/%s", de->d_name);
		snprintf(expect_path, sizeof(expect_path), BAD "/%.*s.expect", (int)(len - 5),
			 de->d_name);
		want = read_all(expect_path);
		if (!want)
			fail_msg("%s has no .expect file", path);
		checklist_report_init(&rep);
		m = open_memstream(&got, &size);
		assert_non_null(m);
		if (checklist_load(path, &c, &rep) == CHECKLIST_OK)
			assert_int_equal(rep.errors, 0);
		else
			assert_null(c);
		checklist_lint_print(m, path, &rep);
		fclose(m);
		if (strcmp(got, want) != 0)
			fail_msg("%s:\n--- expected\n%s--- got\n%s", path, want, got);
		/* every line has the FILE:LINE:COL: form */
		assert_non_null(strstr(got, path));
		free(got);
		free(want);
		checklist_free(c);
		checklist_report_release(&rep);
		n++;
	}
	closedir(d);
	assert_true(n >= 11);
}

static void a_checklist_applies_by_platform_model_and_mode(void **state)
{
	struct checklist_report r1, r2, r3;
	struct checklist *iphone = load_ok(GOOD "/iphone-battery.yaml", &r1);
	struct checklist *android = load_ok(GOOD "/android-screen.yaml", &r2);
	struct checklist *any = load_ok(GOOD "/intake-triage.yaml", &r3);
	json_t *iphone12 = json_pack("{s:s, s:{s:s}, s:{s:s}}", "platform", "ios", "identity",
				     "model_id", "iPhone13,2", "connection", "mode", "normal");
	json_t *recovery = json_pack("{s:s, s:{s:s}, s:{s:s}}", "platform", "ios", "identity",
				     "model_id", "iPhone13,2", "connection", "mode", "recovery");
	json_t *old = json_pack("{s:s, s:{s:s}, s:{s:s}}", "platform", "ios", "identity",
				"model_id", "iPhone9,1", "connection", "mode", "normal");
	json_t *galaxy =
	    json_pack("{s:s, s:{s:s}}", "platform", "android", "identity", "model_id", "SM-A525F");
	json_t *unknown_model =
	    json_pack("{s:s, s:{s:n}}", "platform", "android", "identity", "model_id");
	json_t *empty = json_object();
	(void)state;

	assert_true(checklist_applies(iphone, iphone12));
	assert_false(checklist_applies(iphone, recovery));
	assert_false(checklist_applies(iphone, old));
	assert_false(checklist_applies(iphone, galaxy));
	assert_true(checklist_applies(android, galaxy));
	assert_false(checklist_applies(android, iphone12));
	assert_false(checklist_applies(android, unknown_model)); /* a model restriction, no model */
	assert_true(checklist_applies(any, empty));
	assert_true(checklist_applies(any, galaxy));
	assert_false(checklist_applies(iphone, empty));
	json_decref(iphone12);
	json_decref(recovery);
	json_decref(old);
	json_decref(galaxy);
	json_decref(unknown_model);
	json_decref(empty);
	checklist_free(iphone);
	checklist_free(android);
	checklist_free(any);
	checklist_report_release(&r1);
	checklist_report_release(&r2);
	checklist_report_release(&r3);
}

static void a_folder_loads_sorted_and_refuses_a_second_file_with_the_same_id(void **state)
{
	char dir[] = "/tmp/atelier-checklist-XXXXXX", a[128], b[128];
	struct checklist_set set;
	struct checklist_report rep;
	char *text = NULL;
	size_t size = 0;
	FILE *f, *m;
	const char *yaml = HEAD "steps:\n  - id: s\n" STEP_TITLE "    kind: check\n";
	(void)state;

	assert_non_null(mkdtemp(dir));
	snprintf(a, sizeof(a), "%s/b-first.yaml", dir);
	snprintf(b, sizeof(b), "%s/c-second.yaml", dir);
	f = fopen(a, "w");
	fputs(yaml, f);
	fclose(f);
	f = fopen(b, "w");
	fputs(yaml, f);
	fclose(f);
	checklist_set_init(&set);
	checklist_report_init(&rep);
	assert_int_equal(checklist_set_load_dir(&set, GOOD, &rep), CHECKLIST_OK);
	assert_int_equal(set.count, 3);
	assert_string_equal(set.items[0]->id, "android-screen");
	assert_string_equal(set.items[2]->id, "iphone-battery");
	assert_int_equal(checklist_set_load_dir(&set, dir, &rep), CHECKLIST_OK);
	assert_int_equal(set.count, 4);
	assert_non_null(checklist_set_find(&set, "t"));
	assert_string_equal(checklist_set_find(&set, "t")->path, a);
	assert_null(checklist_set_find(&set, "nope"));
	m = open_memstream(&text, &size);
	checklist_lint_print(m, dir, &rep);
	fclose(m);
	assert_non_null(strstr(text, b));
	assert_non_null(strstr(text, ":1:5: error: checklist id 't' is already used by "));
	assert_non_null(strstr(text, a));
	free(text);
	assert_int_equal(checklist_set_load_dir(&set, "/nonexistent/folder", &rep),
			 CHECKLIST_ENOENT);
	checklist_set_release(&set);
	checklist_report_release(&rep);
	unlink(a);
	unlink(b);
	rmdir(dir);
}

static void the_search_path_is_the_override_then_the_workshop_folder(void **state)
{
	char dirs[CHECKLIST_SEARCH_MAX][CHECKLIST_PATH_MAX];
	struct checklist_set set;
	struct checklist_report rep;
	(void)state;

	setenv("ATELIER_CHECKLISTS", GOOD, 1);
	assert_int_equal(checklist_search_path("/var/lib/bench", dirs, CHECKLIST_SEARCH_MAX), 2);
	assert_string_equal(dirs[0], GOOD);
	assert_string_equal(dirs[1], "/var/lib/bench/checklists");
	assert_int_equal(checklist_search_path(NULL, dirs, CHECKLIST_SEARCH_MAX), 1);
	checklist_set_init(&set);
	checklist_report_init(&rep);
	assert_int_equal(checklist_set_load_default(&set, "/nonexistent", &rep), CHECKLIST_OK);
	assert_int_equal(set.count, 3);
	assert_int_equal(rep.errors, 0);
	checklist_set_release(&set);
	checklist_report_release(&rep);
	unsetenv("ATELIER_CHECKLISTS");
	assert_int_equal(checklist_search_path(NULL, dirs, CHECKLIST_SEARCH_MAX), 1);
	assert_non_null(strstr(dirs[0], "checklists"));
}

static void an_image_outside_the_folder_is_an_error_and_a_missing_one_a_warning(void **state)
{
	char dir[] = "/tmp/atelier-checklist-XXXXXX", path[128], img[128], sub[128];
	const char *yaml =
	    HEAD "steps:\n  - id: s\n" STEP_TITLE "    image: images/s.png\n    kind: check\n";
	enum checklist_err err;
	char *out;
	FILE *f;
	(void)state;

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/c.yaml", dir);
	out = lint_buffer(path, yaml, strlen(yaml), &err);
	assert_int_equal(err, CHECKLIST_OK);
	if (!strstr(out, ":10:12: warning: image 'images/s.png' not found"))
		fail_msg("%s", out);
	free(out);
	snprintf(sub, sizeof(sub), "%s/images", dir);
	assert_int_equal(mkdir(sub, 0700), 0);
	snprintf(img, sizeof(img), "%s/images/s.png", dir);
	f = fopen(img, "w");
	fputs("png", f);
	fclose(f);
	out = lint_buffer(path, yaml, strlen(yaml), &err);
	assert_int_equal(err, CHECKLIST_OK);
	assert_string_equal(out, "");
	free(out);
	out = lint_string(HEAD "steps:\n  - id: s\n" STEP_TITLE "    image: /etc/passwd\n"
			       "    kind: check\n",
			  &err);
	assert_int_equal(err, CHECKLIST_EINVALID);
	assert_non_null(strstr(out, "mem.yaml:10:12: error: image path '/etc/passwd' must be "
				    "relative to the checklist's folder, not absolute"));
	free(out);
	unlink(img);
	rmdir(sub);
	rmdir(dir);
}

static void files_past_the_bounds_are_refused_cleanly(void **state)
{
	size_t big = CHECKLIST_MAX_BYTES + 1;
	char *buf = malloc(big), *out, *p;
	enum checklist_err err;
	size_t n;
	(void)state;

	assert_non_null(buf);
	memset(buf, '#', big);
	out = lint_buffer("big.yaml", buf, big, &err);
	assert_int_equal(err, CHECKLIST_ETOOBIG);
	assert_string_equal(out, "big.yaml: error: the file is larger than 256 KiB: split the "
				 "checklist\n");
	free(out);

	/* nested too deep */
	memset(buf, '[', 100);
	out = lint_buffer("deep.yaml", buf, 100, &err);
	assert_int_equal(err, CHECKLIST_EINVALID);
	assert_non_null(strstr(out, "nested more than 32 levels deep"));
	free(out);

	/* too many steps */
	n = (size_t)snprintf(buf, big, HEAD "steps:\n");
	for (int i = 0; i <= CHECKLIST_MAX_STEPS; i++)
		n += (size_t)snprintf(buf + n, big - n,
				      "  - {id: s%d, kind: check, title: {en: x}}\n", i);
	out = lint_buffer("many.yaml", buf, n, &err);
	assert_int_equal(err, CHECKLIST_EINVALID);
	assert_non_null(strstr(out, "many.yaml:8:3: error: a checklist has at most 200 steps"));
	free(out);

	/* more problems than a report keeps */
	n = (size_t)snprintf(buf, big, HEAD "steps:\n  - id: s\n" STEP_TITLE "    kind: check\n");
	for (int i = 0; i < 300; i++)
		n += (size_t)snprintf(buf + n, big - n, "bogus%d: 1\n", i);
	out = lint_buffer("noisy.yaml", buf, n, &err);
	assert_int_equal(err, CHECKLIST_EINVALID);
	assert_non_null(strstr(out, "noisy.yaml: note: 100 more problems not shown\n"));
	for (n = 0, p = out; (p = strchr(p, '\n')); p++)
		n++;
	assert_int_equal(n, CHECKLIST_MAX_PROBLEMS + 1);
	free(out);
	free(buf);
}

static void yaml_tricks_are_refused_in_plain_words(void **state)
{
	static const struct {
		const char *yaml;
		const char *want;
	} cases[] = {
		{ "", "mem.yaml:1:1: error: the file is empty" },
		{ "- a\n- b\n", "mem.yaml:1:1: error: a checklist must be a mapping of keys" },
		{ HEAD "steps: &s []\n", "mem.yaml:7:8: error: anchors and aliases" },
		{ "id: a\n---\nid: b\n",
		  "mem.yaml:2:1: error: a checklist file holds one YAML document" },
		{ HEAD "title: {en: x}\nsteps: []\n",
		  "mem.yaml:7:1: error: key 'title' is given twice (first at line 3)" },
		{ HEAD "steps: []\n", "mem.yaml:7:8: error: 'steps' must list at least one step" },
		{ HEAD "steps:\n  - id: s\n" STEP_TITLE "    kind: measure\n    unit: V\n"
		       "    range: {min: low, max: 4}\n",
		  "mem.yaml:12:18: error: 'min' must be a number, e.g. 3.6" },
		{ HEAD "steps:\n  - id: s\n" STEP_TITLE
		       "    kind: check\n    on_fail: quarantaine\n",
		  "mem.yaml:11:14: error: unknown on_fail 'quarantaine' (did you mean "
		  "'quarantine'?)" },
		{ HEAD
		  "applies_to: {platforms: [iOS], modes: [adbb]}\nsteps:\n  - id: s\n" STEP_TITLE
		  "    kind: check\n",
		  "mem.yaml:7:26: error: unknown platform 'iOS' (did you mean 'ios'?)\n"
		  "mem.yaml:7:40: error: unknown mode 'adbb' (did you mean 'adb'?)" },
		{ HEAD
		  "steps:\n  - id: s\n    title: {en: \"a\\0b\", fr: x, nl: x}\n    kind: check\n",
		  "mem.yaml:9:17: error: 'en' contains a control character (code 0)" },
		{ HEAD "steps:\n  - id: s\n" STEP_TITLE
		       "    kind: auto\n    expr: \"locks.find_my == 1\"\n",
		  "mem.yaml:11:29: error: bad expression: 'locks.find_my' is text" },
		{ HEAD "version: 0\nsteps:\n  - id: s\n" STEP_TITLE "    kind: check\n",
		  "mem.yaml:7:1: error: key 'version' is given twice (first at line 2)" },
	};
	(void)state;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		enum checklist_err err;
		char *out = lint_string(cases[i].yaml, &err);

		if (!strstr(out, cases[i].want))
			fail_msg("case %zu: want '%s' in:\n%s", i, cases[i].want, out);
		assert_int_equal(err, CHECKLIST_EINVALID);
		free(out);
	}
}

static void a_checklist_is_written_out_as_json(void **state)
{
	struct checklist_report rep;
	struct checklist *c = load_ok(GOOD "/iphone-battery.yaml", &rep);
	json_t *j = checklist_to_json(c), *step;
	(void)state;

	assert_non_null(j);
	assert_string_equal(json_string_value(json_object_get(j, "id")), "iphone-battery");
	assert_string_equal(json_string_value(json_object_get(json_object_get(j, "title"), "nl")),
			    "iPhone-batterij vervangen");
	assert_int_equal(json_array_size(json_object_get(j, "steps")), 6);
	step = json_array_get(json_object_get(j, "steps"), 3);
	assert_string_equal(json_string_value(json_object_get(step, "kind")), "measure");
	assert_float_equal(json_real_value(json_object_get(json_object_get(step, "range"), "max")),
			   4.45, 1e-9);
	assert_string_equal(json_string_value(json_object_get(j, "hash")), c->hash);
	json_decref(j);
	checklist_free(c);
	checklist_report_release(&rep);
}

static void a_phone_intake_uses_every_key_of_format_v2(void **state)
{
	struct checklist_report rep;
	struct checklist *c = load_ok(V2 "/phone-intake.yaml", &rep);
	const struct checklist_step *s;
	(void)state;

	assert_int_equal(rep.count, 0);
	assert_int_equal(c->category, CHECKLIST_CAT_INTAKE);
	assert_int_equal(c->n_classes, 1);
	assert_string_equal(c->classes[0], "phone");
	assert_int_equal(c->n_steps, 7);

	s = &c->steps[0]; /* the IMEI typed by the trainee when the phone does not say it */
	assert_int_equal(s->kind, CHECKLIST_KIND_ENTRY);
	assert_int_equal(s->format, CHECKLIST_ENTRY_IMEI);
	assert_string_equal(s->records, "identity.imei"); /* a list of texts */
	assert_string_equal(s->applies_if, "device.cellular == true && identity.imei == null");

	s = &c->steps[1];
	assert_int_equal(s->format, CHECKLIST_ENTRY_TEXT);
	assert_string_equal(s->records, "identity.color_name"); /* a text */

	s = &c->steps[2]; /* a number measured with an instrument */
	assert_int_equal(s->kind, CHECKLIST_KIND_MEASURE);
	assert_true(s->tester);
	assert_string_equal(s->records, "battery.health_pct");
	assert_int_equal(s->format, CHECKLIST_ENTRY_NONE);

	s = &c->steps[3]; /* a choice filling a text fact */
	assert_string_equal(s->records, "locks.find_my");
	assert_false(s->tester);

	s = &c->steps[4]; /* yes and no fill a yes/no fact */
	assert_string_equal(s->records, "device.nfc");

	s = &c->steps[5];
	assert_null(s->records);
	assert_null(s->applies_if);
	assert_string_equal(s->options[0].ctia, "A");
	assert_string_equal(s->options[1].ctia, "C");
	assert_null(s->options[2].ctia);

	s = &c->steps[6];
	assert_int_equal(s->kind, CHECKLIST_KIND_CHECK);
	assert_string_equal(s->applies_if, "device.headphone_jack");
	assert_null(s->records);
	checklist_free(c);
	checklist_report_release(&rep);
}

static void a_checklist_without_category_loads_with_a_warning(void **state)
{
	struct checklist_report rep;
	struct checklist *c = load_ok(BAD "/missing-category.yaml", &rep);
	json_t *j;
	(void)state;

	assert_int_equal(rep.warnings, 1);
	assert_string_equal(rep.items[0].message,
			    "category missing: certify cannot tell a repair from a check (add "
			    "category: intake, wipe, diagnostics, repair or qc)");
	assert_int_equal(rep.items[0].line, 2);
	assert_int_equal(c->category, CHECKLIST_CAT_NONE);
	j = checklist_to_json(c);
	assert_null(json_object_get(j, "category"));
	json_decref(j);
	checklist_free(c);
	checklist_report_release(&rep);
}

static void categories_and_formats_have_their_written_names(void **state)
{
	(void)state;
	assert_string_equal(checklist_category_name(CHECKLIST_CAT_INTAKE), "intake");
	assert_string_equal(checklist_category_name(CHECKLIST_CAT_REPAIR), "repair");
	assert_string_equal(checklist_category_name(CHECKLIST_CAT_QC), "qc");
	assert_string_equal(checklist_category_name(CHECKLIST_CAT_NONE), "none");
	assert_string_equal(checklist_category_name((enum checklist_category)99), "invalid");
	assert_string_equal(checklist_entry_format_name(CHECKLIST_ENTRY_IMEI), "imei");
	assert_string_equal(checklist_entry_format_name(CHECKLIST_ENTRY_TEXT), "text");
	assert_string_equal(checklist_entry_format_name(CHECKLIST_ENTRY_NONE), "none");
	assert_string_equal(checklist_kind_name(CHECKLIST_KIND_ENTRY), "entry");
}

static void valid_uses_of_the_new_keys_load(void **state)
{
	static const char *const cases[] = {
		/* applies_if on every kind, plain or quoted */
		STEP("check") "    applies_if: device.nfc == true\n",
		STEP("note") "    applies_if: 'platform == \"ios\" || storage.nominal_gb >= 64'\n",
		STEP("parts") "    applies_if: '!device.sd_card'\n",
		STEP("auto") "    expr: 'battery.health_pct >= 80'\n"
			     "    applies_if: 'device.class == \"phone\"'\n",
		/* a measure records a whole number too, and tester may be false */
		STEP("measure") "    unit: GB\n    range: {min: 16, max: 1024}\n"
				"    records: storage.nominal_gb\n    tester: false\n",
		/* a choice with yes and no fills a yes/no fact, in either order */
		STEP("choice") YES_NO "    records: device.wireless_charging\n",
		/* a choice with any options fills a text fact */
		STEP("choice") YES_NO "    records: device.class\n",
		/* every CTIA grade */
		STEP("choice") "    options:\n"
			       "      - {value: a, ctia: A, label: {en: A, fr: A, nl: A}, "
			       "criteria: {en: A, fr: A, nl: A}}\n"
			       "      - {value: b, ctia: B, label: {en: B, fr: B, nl: B}, "
			       "criteria: {en: B, fr: B, nl: B}}\n"
			       "      - {value: c, ctia: C, label: {en: C, fr: C, nl: C}, "
			       "criteria: {en: C, fr: C, nl: C}}\n"
			       "      - {value: d, ctia: D, label: {en: D, fr: D, nl: D}, "
			       "criteria: {en: D, fr: D, nl: D}}\n"
			       "      - {value: e, ctia: E, label: {en: E, fr: E, nl: E}, "
			       "criteria: {en: E, fr: E, nl: E}}\n",
		/* both classes */
		TOP "difficulty: 1\ntime_minutes: 5\ncategory: wipe\n"
		    "applies_to: {classes: [phone, tablet]}\n" ONE_STEP,
	};
	(void)state;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct checklist_report rep;
		struct checklist *c = NULL;
		enum checklist_err err;

		checklist_report_init(&rep);
		err = checklist_load_buffer("mem.yaml", cases[i], strlen(cases[i]), &c, &rep);
		if (err != CHECKLIST_OK || rep.errors) {
			checklist_lint_print(stderr, "mem.yaml", &rep);
			fail_msg("case %zu does not load", i);
		}
		checklist_free(c);
		checklist_report_release(&rep);
	}
}

static void each_misuse_of_the_new_keys_is_reported_at_its_line_and_column(void **state)
{
	static const struct {
		const char *yaml;
		const char *want; /* the whole lint output */
	} cases[] = {
		/* applies_if: the column of the problem inside the value, plain or quoted */
		{ STEP("check") "    applies_if: device.nfc = true\n",
		  "mem.yaml:11:28: error: bad applies_if: '=' alone does not compare: "
		  "write '==' to test equality\n" },
		{ STEP("check") "    applies_if: 'device.gps && device.gsp'\n",
		  "mem.yaml:11:32: error: bad applies_if: unknown fact 'device.gsp' (did you mean "
		  "'device.gps'?)\n" },
		{ STEP("check") "    applies_if: 'storage.nominal_gb == \"128\"'\n",
		  "mem.yaml:11:40: error: bad applies_if: 'storage.nominal_gb' is a number: "
		  "compare it with a number, without quotes, e.g. 80\n" },
		{ STEP("check") "    applies_if: ''\n",
		  "mem.yaml:11:17: error: 'applies_if' has no value\n" },
		/* records on a kind that records nothing */
		{ STEP("note") "    records: identity.color_name\n",
		  "mem.yaml:11:5: error: key 'records' is only for entry, measure and choice "
		  "steps: note steps have no value to record\n" },
		{ STEP("auto") "    expr: 'device.nfc'\n    records: device.nfc\n",
		  "mem.yaml:12:5: error: key 'records' is only for entry, measure and choice "
		  "steps: auto steps have no value to record\n" },
		/* records of a fact of the wrong type */
		{ STEP("measure") "    unit: \"%\"\n    range: {min: 0, max: 100}\n"
				  "    records: device.cellular\n",
		  "mem.yaml:13:14: error: 'device.cellular' is a yes/no value: a measure step "
		  "records a number fact (such as battery.health_pct)\n" },
		{ STEP("entry") "    format: text\n    records: battery.temperature_c\n",
		  "mem.yaml:12:14: error: 'battery.temperature_c' is a number: an entry step "
		  "records a text fact (such as identity.color_name) or a list of texts "
		  "(identity.imei)\n" },
		{ STEP("choice") YES_NO "    records: os.sdk\n",
		  "mem.yaml:14:14: error: 'os.sdk' is a whole number: a choice step records a text "
		  "fact (the chosen option's value), or a yes/no fact when its options are "
		  "exactly yes and no\n" },
		{ STEP("choice") "    options:\n"
				 "      - {value: \"yes\", label: {en: Y, fr: Y, nl: Y}, criteria: "
				 "{en: Y, fr: Y, nl: Y}}\n"
				 "      - {value: \"no\", label: {en: N, fr: N, nl: N}, criteria: "
				 "{en: N, fr: N, nl: N}}\n"
				 "      - {value: maybe, label: {en: M, fr: M, nl: M}, criteria: "
				 "{en: M, fr: M, nl: M}}\n"
				 "    records: locks.passcode\n",
		  "mem.yaml:15:14: error: 'locks.passcode' is a yes/no value: a choice step "
		  "records it only when its options are exactly yes and no\n" },
		/* records of something that is not a fact */
		{ STEP("entry") "    format: text\n    records: identity.colour\n",
		  "mem.yaml:12:14: error: unknown fact 'identity.colour' (did you mean "
		  "'identity.color'?)\n" },
		{ STEP("entry") "    format: text\n    records: identity\n",
		  "mem.yaml:12:14: error: 'identity' is a group of facts, not a fact: name one of "
		  "them, e.g. 'identity.make'\n" },
		{ STEP("entry") "    format: text\n    records: 'identity.make == \"x\"'\n",
		  "mem.yaml:12:14: error: 'records' must name one fact of docs/facts.md, such as "
		  "identity.color_name (found 'identity.make == \"x\"')\n" },
		/* two steps record one fact: said at the second, naming the first */
		{ HEAD "steps:\n"
		       "  - {id: one, kind: entry, format: text, records: identity.color_name, "
		       "title: {en: A, fr: A, nl: A}}\n"
		       "  - {id: two, kind: check, title: {en: B, fr: B, nl: B}}\n"
		       "  - {id: three, kind: entry, format: text, records: identity.color_name, "
		       "title: {en: C, fr: C, nl: C}}\n",
		  "mem.yaml:10:53: error: fact 'identity.color_name' is already recorded by step "
		  "'one' (line 8): one fact is recorded by one step only\n" },
		/* entry without format or records; a format that is not one */
		{ STEP("entry") "    records: identity.color_name\n",
		  "mem.yaml:8:5: error: an entry step needs 'format': imei or text\n" },
		{ STEP("entry") "    format: text\n",
		  "mem.yaml:8:5: error: an entry step needs 'records': the fact the value fills "
		  "(e.g. records: identity.color_name)\n" },
		{ STEP("entry") "    format: number\n    records: identity.color_name\n",
		  "mem.yaml:11:13: error: unknown format 'number' (allowed: imei, text)\n" },
		{ STEP("check") "    format: text\n",
		  "mem.yaml:11:5: error: key 'format' is only for entry steps\n" },
		/* tester only on measure steps, and only true or false */
		{ STEP("choice") YES_NO "    tester: true\n",
		  "mem.yaml:14:5: error: key 'tester' is only for measure steps\n" },
		{ STEP("measure") "    unit: V\n    range: {min: 3, max: 4}\n    tester: yes\n",
		  "mem.yaml:13:13: error: 'tester' must be true or false\n" },
		/* ctia: A to E in capitals, only on the options of a choice */
		{ STEP("choice") "    options:\n"
				 "      - {value: a, ctia: a, label: {en: A, fr: A, nl: A}, "
				 "criteria: {en: A, fr: A, nl: A}}\n"
				 "      - {value: b, ctia: AB, label: {en: B, fr: B, nl: B}, "
				 "criteria: {en: B, fr: B, nl: B}}\n",
		  "mem.yaml:12:26: error: unknown ctia grade 'a' (allowed: A, B, C, D, E)\n"
		  "mem.yaml:13:26: error: unknown ctia grade 'AB' (allowed: A, B, C, D, E)\n" },
		{ STEP("measure") "    unit: V\n    range: {min: 3, max: 4}\n    ctia: A\n",
		  "mem.yaml:13:5: error: key 'ctia' goes on the options of a choice step (one "
		  "grade per option), not on the step\n" },
		/* category and classes */
		{ TOP "category: [repair]\ndifficulty: 1\ntime_minutes: 5\n" ONE_STEP,
		  "mem.yaml:4:11: error: 'category' must be one of: intake, wipe, diagnostics, "
		  "repair, qc\n" },
		{ TOP "category: QC\ndifficulty: 1\ntime_minutes: 5\n" ONE_STEP,
		  "mem.yaml:4:11: error: unknown category 'QC' (allowed: intake, wipe, "
		  "diagnostics, repair, qc)\n" },
		{ TOP "category: qc\ndifficulty: 1\ntime_minutes: 5\n"
		      "applies_to: {classes: [tablets]}\n" ONE_STEP,
		  "mem.yaml:7:24: error: unknown class 'tablets' (did you mean 'tablet'?)\n" },
		/* a misspelt new key gets its did-you-mean */
		{ STEP("check") "    applies_iff: device.nfc\n",
		  "mem.yaml:11:5: error: unknown key 'applies_iff' (did you mean "
		  "'applies_if'?)\n" },
		{ STEP("entry") "    format: text\n    record: identity.color_name\n",
		  "mem.yaml:8:5: error: an entry step needs 'records': the fact the value fills "
		  "(e.g. records: identity.color_name)\n"
		  "mem.yaml:12:5: error: unknown key 'record' (did you mean 'records'?)\n" },
		{ TOP "catgory: qc\ndifficulty: 1\ntime_minutes: 5\n" ONE_STEP,
		  "mem.yaml:1:1: warning: category missing: certify cannot tell a repair from a "
		  "check (add category: intake, wipe, diagnostics, repair or qc)\n"
		  "mem.yaml:4:1: error: unknown key 'catgory' (did you mean 'category'?)\n" },
	};
	(void)state;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		enum checklist_err err;
		char *out = lint_string(cases[i].yaml, &err);

		if (strcmp(out, cases[i].want) != 0)
			fail_msg("case %zu:\n--- expected\n%s--- got\n%s", i, cases[i].want, out);
		assert_int_equal(err, CHECKLIST_EINVALID);
		free(out);
	}
}

/* Facts as a probe gives them (facts_json() layout), for the steps of phone-intake. */
static json_t *phone_facts(const char *platform, json_t *cellular, json_t *imei)
{
	return json_pack("{s:s, s:{s:o, s:n, s:n}, s:{s:o, s:n}}", "platform", platform, "device",
			 "cellular", cellular, "nfc", "headphone_jack", "identity", "imei", imei,
			 "color_name");
}

static void a_step_is_left_out_only_when_its_condition_fails(void **state)
{
	struct checklist_report rep;
	struct checklist *c = load_ok(V2 "/phone-intake.yaml", &rep);
	const struct checklist_step *imei = &c->steps[0], *health = &c->steps[2],
				    *grade = &c->steps[5], *jack = &c->steps[6];
	json_t *pixel_no_imei = phone_facts("android", json_true(), json_null());
	json_t *wifi_tablet = phone_facts("android", json_false(), json_null());
	json_t *imei_read = phone_facts("ios", json_true(), json_pack("[s]", "356938035643809"));
	json_t *cellular_unknown = phone_facts("android", json_null(), json_null());
	json_t *unknown_but_imei_read =
	    phone_facts("android", json_null(), json_pack("[s]", "356938035643809"));
	(void)state;

	/* pass: the trainee types the IMEI the phone would not give */
	assert_true(checklist_step_applies(imei, pixel_no_imei));
	/* fail: a device without a mobile radio has no IMEI to type */
	assert_false(checklist_step_applies(imei, wifi_tablet));
	/* fail: the probe read the IMEI already */
	assert_false(checklist_step_applies(imei, imei_read));
	/* unknown: the step stays; nothing is guessed away */
	assert_true(checklist_step_applies(imei, cellular_unknown));
	/* unknown && fail is fail */
	assert_false(checklist_step_applies(imei, unknown_but_imei_read));
	/* no facts at all: every fact null, so unknown */
	assert_true(checklist_step_applies(imei, NULL));
	assert_true(checklist_step_applies(jack, pixel_no_imei)); /* headphone_jack null */

	assert_true(checklist_step_applies(health, pixel_no_imei));
	assert_false(checklist_step_applies(health, imei_read)); /* an iPhone */
	/* a step without applies_if applies to every device */
	assert_true(checklist_step_applies(grade, wifi_tablet));
	assert_true(checklist_step_applies(grade, NULL));

	json_decref(pixel_no_imei);
	json_decref(wifi_tablet);
	json_decref(imei_read);
	json_decref(cellular_unknown);
	json_decref(unknown_but_imei_read);
	checklist_free(c);
	checklist_report_release(&rep);
}

static void a_checklist_for_phones_leaves_out_tablets_and_unknown_classes(void **state)
{
	struct checklist_report r1, r2;
	struct checklist *phones = load_ok(V2 "/phone-intake.yaml", &r1);
	struct checklist *any = load_ok(GOOD "/intake-triage.yaml", &r2);
	json_t *phone = json_pack("{s:s, s:{s:s}}", "platform", "ios", "device", "class", "phone");
	json_t *tablet =
	    json_pack("{s:s, s:{s:s}}", "platform", "ios", "device", "class", "tablet");
	json_t *null_class = json_pack("{s:s, s:{s:n}}", "platform", "ios", "device", "class");
	json_t *no_device = json_pack("{s:s}", "platform", "android");
	(void)state;

	assert_true(checklist_applies(phones, phone));
	assert_false(checklist_applies(phones, tablet));
	assert_false(checklist_applies(phones, null_class)); /* a class restriction, no class */
	assert_false(checklist_applies(phones, no_device));
	assert_true(checklist_applies(any, tablet));
	assert_true(checklist_applies(any, null_class));
	json_decref(phone);
	json_decref(tablet);
	json_decref(null_class);
	json_decref(no_device);
	checklist_free(phones);
	checklist_free(any);
	checklist_report_release(&r1);
	checklist_report_release(&r2);
}

static void the_new_keys_are_written_out_as_json_only_when_set(void **state)
{
	struct checklist_report r1, r2;
	struct checklist *c = load_ok(V2 "/phone-intake.yaml", &r1);
	struct checklist *old = load_ok(GOOD "/iphone-battery.yaml", &r2);
	json_t *j = checklist_to_json(c), *o = checklist_to_json(old), *steps, *st, *opts, *classes;
	(void)state;

	assert_non_null(j);
	assert_non_null(o);
	assert_string_equal(json_string_value(json_object_get(j, "category")), "intake");
	classes = json_object_get(json_object_get(j, "applies_to"), "classes");
	assert_int_equal(json_array_size(classes), 1);
	assert_string_equal(json_string_value(json_array_get(classes, 0)), "phone");
	steps = json_object_get(j, "steps");

	st = json_array_get(steps, 0);
	assert_string_equal(json_string_value(json_object_get(st, "kind")), "entry");
	assert_string_equal(json_string_value(json_object_get(st, "format")), "imei");
	assert_string_equal(json_string_value(json_object_get(st, "records")), "identity.imei");
	assert_string_equal(json_string_value(json_object_get(st, "applies_if")),
			    "device.cellular == true && identity.imei == null");
	assert_null(json_object_get(st, "tester"));

	st = json_array_get(steps, 2);
	assert_true(json_is_true(json_object_get(st, "tester")));
	assert_string_equal(json_string_value(json_object_get(st, "records")),
			    "battery.health_pct");
	assert_null(json_object_get(st, "format"));

	st = json_array_get(steps, 5);
	assert_null(json_object_get(st, "applies_if"));
	assert_null(json_object_get(st, "records"));
	opts = json_object_get(st, "options");
	assert_string_equal(json_string_value(json_object_get(json_array_get(opts, 0), "ctia")),
			    "A");
	assert_null(json_object_get(json_array_get(opts, 2), "ctia"));

	/* a checklist that uses none of them: the same JSON as before, plus its category */
	assert_string_equal(json_string_value(json_object_get(o, "category")), "repair");
	assert_null(json_object_get(json_object_get(o, "applies_to"), "classes"));
	for (size_t i = 0; i < json_array_size(json_object_get(o, "steps")); i++) {
		st = json_array_get(json_object_get(o, "steps"), i);
		assert_null(json_object_get(st, "applies_if"));
		assert_null(json_object_get(st, "records"));
		assert_null(json_object_get(st, "format"));
		assert_null(json_object_get(st, "tester"));
		opts = json_object_get(st, "options");
		for (size_t k = 0; k < json_array_size(opts); k++)
			assert_null(json_object_get(json_array_get(opts, k), "ctia"));
	}
	json_decref(j);
	json_decref(o);
	checklist_free(c);
	checklist_free(old);
	checklist_report_release(&r1);
	checklist_report_release(&r2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_good_checklist_loads_without_error),
		cmocka_unit_test(battery_replacement_shows_what_a_trainee_needs),
		cmocka_unit_test(a_missing_french_text_shows_english_and_lint_warns),
		cmocka_unit_test(a_missing_translation_is_only_a_warning),
		cmocka_unit_test(rubric_levels_are_one_per_score_and_lint_asks_for_them),
		cmocka_unit_test(requires_is_read_and_a_hard_checklist_asks_for_a_signoff),
		cmocka_unit_test(each_bad_file_is_reported_at_its_line_and_column),
		cmocka_unit_test(a_checklist_applies_by_platform_model_and_mode),
		cmocka_unit_test(a_folder_loads_sorted_and_refuses_a_second_file_with_the_same_id),
		cmocka_unit_test(the_search_path_is_the_override_then_the_workshop_folder),
		cmocka_unit_test(
		    an_image_outside_the_folder_is_an_error_and_a_missing_one_a_warning),
		cmocka_unit_test(files_past_the_bounds_are_refused_cleanly),
		cmocka_unit_test(yaml_tricks_are_refused_in_plain_words),
		cmocka_unit_test(a_checklist_is_written_out_as_json),
		cmocka_unit_test(a_phone_intake_uses_every_key_of_format_v2),
		cmocka_unit_test(a_checklist_without_category_loads_with_a_warning),
		cmocka_unit_test(categories_and_formats_have_their_written_names),
		cmocka_unit_test(valid_uses_of_the_new_keys_load),
		cmocka_unit_test(each_misuse_of_the_new_keys_is_reported_at_its_line_and_column),
		cmocka_unit_test(a_step_is_left_out_only_when_its_condition_fails),
		cmocka_unit_test(a_checklist_for_phones_leaves_out_tablets_and_unknown_classes),
		cmocka_unit_test(the_new_keys_are_written_out_as_json_only_when_set),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
