/*
 * Certification: the policy file, every condition the policy checks (each with the words
 * the instructor reads), the certificate's content, and its signature: a round trip
 * verifies, any changed byte or another key does not.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cert/certify.h"
#include "cert/policy.h"
#include "cert/sign.h"
#include "checklist/checklist.h"
#include "job/job.h"
#include "../lib/records_here.h"
#include "store/store.h"
#include "util/clock.h"

static char dir[64];
static struct store *st;
static struct policy pol;
static struct store_user trainee, instructor;
static long long dev_id, t0;
static json_t *facts;
static json_t *extra; /* added to the device's view (device_view()) */

#define YAML_HEAD(id, title)                                                                  \
	"id: " id "\nversion: 1\ntitle: {en: \"" title "\", fr: \"" title " (fr)\"}\n"          \
	"difficulty: 1\ntime_minutes: 5\nsteps:\n"

#define YAML_HEAD_CAT(id, title, cat)                                                        \
	"id: " id "\nversion: 1\ncategory: " cat "\ntitle: {en: \"" title "\"}\n"                \
	"difficulty: 1\ntime_minutes: 5\nsteps:\n"

static const char repair_yaml[] = YAML_HEAD_CAT("screen-repair", "Screen repair", "repair")
	"  - id: fit\n    title: {en: \"Fit the screen\"}\n    kind: check\n"
	"  - id: part\n    title: {en: \"The part fitted\"}\n    kind: parts\n";
/* A workshop's own repair checklist that forgot its category. */
static const char bare_repair_yaml[] = YAML_HEAD("battery-swap", "Battery swap")
	"  - id: fit\n    title: {en: \"Fit the battery\"}\n    kind: check\n"
	"  - id: part\n    title: {en: \"The part fitted\"}\n    kind: parts\n";
static const char grades_yaml[] = YAML_HEAD("qc", "Final check")
	"  - id: screen\n    title: {en: \"Screen\"}\n    kind: choice\n    options:\n"
	"      - {value: A, label: {en: \"Like new\"}, criteria: {en: \"none\"}, ctia: A}\n"
	"      - {value: C, label: {en: \"Worn\"}, criteria: {en: \"many\"}, ctia: C}\n"
	"  - id: body\n    title: {en: \"Body\"}\n    kind: choice\n    options:\n"
	"      - {value: A, label: {en: \"Like new\"}, criteria: {en: \"none\"}, ctia: A}\n"
	"      - {value: C, label: {en: \"Worn\"}, criteria: {en: \"many\"}, ctia: C}\n";

static const char intake_yaml[] = YAML_HEAD("intake", "Intake")
	"  - id: look\n    title: {en: \"Look at it\"}\n    kind: check\n";
static const char diag_yaml[] = YAML_HEAD_CAT("diag", "Diagnostics", "diagnostics")
	"  - id: screen\n    title: {en: \"Screen works\"}\n    kind: check\n"
	"  - id: speaker\n    title: {en: \"Speaker works\"}\n    kind: check\n"
	"    required: false\n";
static const char wipe_yaml[] = YAML_HEAD("wipe", "Data wipe")
	"  - id: erase\n    title: {en: \"Erase all content\"}\n    kind: check\n";
static const char qc_yaml[] = YAML_HEAD("qc", "Final check")
	"  - id: grade\n    title: {en: \"Cosmetic grade\"}\n    kind: choice\n    options:\n"
	"      - value: A\n        label: {en: \"Like new\", fr: \"Comme neuf\"}\n"
	"        criteria: {en: \"No mark at 30 cm\", fr: \"Aucune marque à 30 cm\"}\n"
	"      - value: B\n        label: {en: \"Very good\", fr: \"Très bon état\"}\n"
	"        criteria: {en: \"Marks seen close up\", fr: \"Marques visibles de près\"}\n";

static const char ios_facts[] =
	"{\"platform\": \"ios\", \"identity\": {\"make\": \"Apple\", \"model_id\": \"iPhone14,5\","
	" \"model_number\": \"MLPF3LL/A\", \"marketing_name\": \"iPhone 13\", \"serial\":"
	" \"C1QQABCD4R\", \"udid\": \"UDID-CERT\", \"imei\": [\"350244331234567\"], \"color\":"
	" null}, \"os\": {\"name\": \"iOS\", \"version\": \"17.5.1\", \"build\": \"21F90\"},"
	" \"storage\": {\"total_bytes\": 128000000000}, \"battery\": {\"health_pct\": 91.24,"
	" \"cycle_count\": 312, \"source\": \"IORegistry AppleSmartBattery\"}, \"locks\":"
	" {\"find_my\": \"off\", \"setup_done\": false, \"activation_state\": \"Unactivated\"}}";

static const char android_facts[] =
	"{\"platform\": \"android\", \"identity\": {\"make\": \"samsung\", \"model_id\":"
	" \"SM-A528B\", \"marketing_name\": \"Galaxy A52s 5G\", \"serial\": \"R58R123ABC\"},"
	" \"os\": {\"name\": \"Android\", \"version\": \"14\"}, \"storage\": {\"total_bytes\":"
	" 110000000000}, \"battery\": {\"health_pct\": 88.0, \"cycle_count\": null},"
	" \"locks\": {\"google_accounts\": 0, \"frp\": \"off\", \"bootloader\": \"locked\","
	" \"setup_done\": false, \"encrypted\": true}}";

static void set_policy(void)
{
	policy_defaults(&pol);
	snprintf(pol.workshop_name, sizeof(pol.workshop_name), "Atelier Molenbeek");
	snprintf(pol.workshop_place, sizeof(pol.workshop_place), "Bruxelles");
	snprintf(pol.language, sizeof(pol.language), "fr");
	for (size_t i = 0; i < pol.n_required; i++) {
		static const char *const ids[] = { "intake", "diag", "wipe", "qc" };

		for (size_t k = 0; k < 4; k++)
			snprintf(pol.required[i].ids[k], POLICY_ID_MAX, "%s", ids[k]);
		pol.required[i].n = 4;
	}
	snprintf(pol.wipe_checklist, sizeof(pol.wipe_checklist), "wipe");
	snprintf(pol.grade_checklist, sizeof(pol.grade_checklist), "qc");
	snprintf(pol.grade_steps[0], POLICY_ID_MAX, "grade");
	pol.n_grade_steps = 1;
}

/* Read the device again with FACTS (as they are now) at T0 + DT. */
static void probe_at(long long dt)
{
	char *text = json_dumps(facts, 0);
	const char *platform = json_string_value(json_object_get(facts, "platform"));
	const char *serial =
		json_string_value(json_object_get(json_object_get(facts, "identity"), "serial"));
	struct store_probe p = { platform, NULL, serial, NULL, t0 + dt, "atelier test", text };

	assert_int_equal(store_record_probe(st, &p, &dev_id), STORE_OK);
	free(text);
}

/* A job of checklist YAML done by the trainee, each step with RESULTS[i] (and VALUE for a
 * choice), submitted at T0 + SUBMIT_DT; graded approved unless VERDICT says otherwise
 * ("none": not graded). Returns the job id. */
static long long do_job(const char *yaml, const char *const *steps, const char *const *results,
			const char *value, long long submit_dt, const char *verdict)
{
	struct checklist *c = NULL;
	struct checklist_report rep;
	struct store_job j = { 0 }, got;
	struct store_grade g = { 0 };
	long long id, gid;

	checklist_report_init(&rep);
	assert_int_equal(checklist_load_buffer("t.yaml", yaml, strlen(yaml), &c, &rep),
			 CHECKLIST_OK);
	checklist_report_release(&rep);
	assert_int_equal(store_snapshot_put(st, c->hash, c->id, c->version, yaml), STORE_OK);
	j.device_id = dev_id;
	snprintf(j.checklist_id, sizeof(j.checklist_id), "%s", c->id);
	j.checklist_version = c->version;
	snprintf(j.checklist_hash, sizeof(j.checklist_hash), "%s", c->hash);
	j.trainee_id = trainee.id;
	j.started_ms = t0;
	checklist_free(c);
	assert_int_equal(store_job_create(st, &j, &id), STORE_OK);
	for (size_t i = 0; steps[i]; i++) {
		struct store_step r = { 0 };

		snprintf(r.step_id, sizeof(r.step_id), "%s", steps[i]);
		assert_true(step_result_parse(results[i], &r.result));
		r.user_id = trainee.id;
		r.value = strcmp(steps[i], "grade") == 0 || strcmp(steps[i], "screen") == 0 ||
				  strcmp(steps[i], "body") == 0
			  ? (char *)value
			  : NULL;
		if (strcmp(steps[i], "part") == 0)
			r.parts = (char *)"[{\"name\": \"Screen\", \"origin\": \"aftermarket\", "
					  "\"serial\": \"SC-1\"}]";
		assert_int_equal(job_append(st, id, &r, NULL), JOB_OK);
	}
	assert_int_equal(store_job_set_state(st, id, JOB_STATE_SUBMITTED, t0 + submit_dt), STORE_OK);
	if (strcmp(verdict, "none") == 0)
		return id;
	assert_int_equal(store_job_get(st, id, &got), STORE_OK);
	g.job_id = id;
	g.submitted_ms = got.submitted_ms;
	assert_true(verdict_parse(verdict, &g.verdict));
	g.feedback = (char *)"Good work.";
	g.redo = strcmp(verdict, "redo") == 0 ? (char *)"[\"look\"]" : NULL;
	g.by_user = instructor.id;
	g.t_ms = t0 + submit_dt + 10;
	assert_int_equal(store_grade_add(st, &g, &gid), STORE_OK);
	return id;
}

static const char *const one_step[] = { "look", NULL };
static const char *const diag_steps[] = { "screen", "speaker", NULL };
static const char *const erase_step[] = { "erase", NULL };
static const char *const grade_step[] = { "grade", NULL };
static const char *const pass1[] = { "pass", NULL };
static const char *const pass2[] = { "pass", "pass", NULL };

static void world(const char *facts_text)
{
	int found;

	snprintf(dir, sizeof(dir), "/tmp/atelier-certify-XXXXXX");
	assert_non_null(mkdtemp(dir));
	assert_int_equal(records_here(dir), 0);
	assert_int_equal(store_open(dir, 1, &st, &found), STORE_OK);
	t0 = clock_wall_ms() - 100000;
	assert_int_equal(store_user_add(st, "amina", ROLE_TRAINEE, "T-014", t0, &trainee.id),
			 STORE_OK);
	assert_int_equal(store_user_add(st, "claire", ROLE_INSTRUCTOR, NULL, t0, &instructor.id),
			 STORE_OK);
	assert_int_equal(store_user_get(st, trainee.id, &trainee), STORE_OK);
	assert_int_equal(store_user_get(st, instructor.id, &instructor), STORE_OK);
	facts = json_loads(facts_text, 0, NULL);
	assert_non_null(facts);
	probe_at(0);
	assert_int_equal(store_device_set_state(st, dev_id, DEVICE_INTAKE, DEVICE_IN_REPAIR, trainee.id,
						"job started", t0),
			 STORE_OK);
	set_policy();
}

/* A device that meets the whole policy: four approved jobs, read again after the wipe. */
/* A second person's check of the data wipe JOB. */
static void check_wipe(long long job, enum step_result result)
{
	struct store_job_event e = { 0 };

	e.job_id = job;
	e.kind = STORE_JOB_WIPE_CHECK;
	e.user_id = instructor.id;
	e.t_ms = t0 + 350;
	e.result = result;
	snprintf(e.note, sizeof(e.note), "setup screens, no account");
	assert_int_equal(store_job_event_add(st, &e, NULL), STORE_OK);
}

static long long wipe_job;

static void passing(const char *facts_text)
{
	world(facts_text);
	do_job(intake_yaml, one_step, pass1, NULL, 100, "approved");
	do_job(diag_yaml, diag_steps, pass2, NULL, 200, "approved");
	wipe_job = do_job(wipe_yaml, erase_step, pass1, NULL, 300, "approved");
	check_wipe(wipe_job, STEP_PASS);
	do_job(qc_yaml, grade_step, pass1, "B", 400, "approved");
	probe_at(500);
}

static int setup_ios(void **state)
{
	(void)state;
	passing(ios_facts);
	return 0;
}

static int setup_android(void **state)
{
	(void)state;
	passing(android_facts);
	return 0;
}

static int setup_empty(void **state)
{
	(void)state;
	world(ios_facts);
	return 0;
}

static int teardown(void **state)
{
	char cmd[96];
	(void)state;

	json_decref(facts);
	json_decref(extra);
	extra = NULL;
	store_free(st);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd);
}

/* The device as the rules see it: its latest reading, when it was made, and EXTRA (may
 * be NULL) merged in: what trainees recorded, a sighting on USB alone. */

static json_t *device_view(void)
{
	char *text = NULL, tool[64];
	long long t = 0;
	json_t *f;
	const char *key;
	json_t *v;

	assert_int_equal(store_latest_probe_via(st, dev_id, "usb", 0, &text, &t, tool, sizeof(tool)),
			 STORE_OK);
	f = json_loads(text, 0, NULL);
	free(text);
	assert_non_null(f);
	json_object_set_new(f, "readings", json_pack("{s:I, s:s, s:n, s:n}", "full_ms", (json_int_t)t,
						     "full_tool", tool, "usb_only_ms",
						     "usb_only_tool"));
	json_object_foreach(extra, key, v)
		json_object_set(f, key, v);
	return f;
}

/* Each unmet condition is said for a screen too (certify.h: said [{say, args}]), and
 * every {name} of its text is in its arguments: a screen would show "{job}" otherwise
 * ({date} comes from date_ms, as the screen writes a day). */
static void said_fills_its_words(const struct certify_outcome *out)
{
	size_t i;
	json_t *v;

	assert_int_equal(json_array_size(out->said), json_array_size(out->unmet));
	json_array_foreach(out->said, i, v) {
		const char *say = json_string_value(json_object_get(v, "say"));
		const json_t *args = json_object_get(v, "args");

		assert_non_null(say);
		assert_true(json_is_object(args));
		for (const char *p = strchr(say, '{'); p; p = strchr(p + 1, '{')) {
			char name[32];
			size_t n = strcspn(p + 1, "}");

			assert_true(n > 0 && n < sizeof(name));
			memcpy(name, p + 1, n);
			name[n] = '\0';
			if (!json_object_get(args, name) &&
			    !(strcmp(name, "date") == 0 && json_object_get(args, "date_ms")))
				fail_msg("'%s' has no '%s' among its arguments", say, name);
		}
	}
}

/* Evaluate; the unmet conditions as one string, lines joined by '\n'. */
static char *evaluate(json_t **cert)
{
	struct certify_outcome out;
	char why[256], *all = calloc(1, 8192);
	json_t *view = device_view();
	size_t i;
	json_t *v;

	assert_non_null(all);
	assert_int_equal(certify_evaluate(st, &pol, dev_id, &instructor, clock_wall_ms(), view,
					  &out, why, sizeof(why)),
			 CERTIFY_OK);
	json_decref(view);
	json_array_foreach(out.unmet, i, v) {
		strncat(all, json_string_value(v), 8191 - strlen(all));
		strncat(all, "\n", 8191 - strlen(all));
	}
	said_fills_its_words(&out);
	if (cert)
		*cert = json_incref(out.cert);
	certify_outcome_release(&out);
	return all;
}

static void expect_only(const char *words)
{
	char *unmet = evaluate(NULL);

	if (!strstr(unmet, words))
		fail_msg("expected '%s' in:\n%s", words, unmet);
	/* Only that condition: one line. */
	assert_non_null(strchr(unmet, '\n'));
	if (strchr(unmet, '\n')[1] != '\0')
		fail_msg("more than one condition unmet:\n%s", unmet);
	free(unmet);
}

static json_t *at(json_t *o, const char *a, const char *b)
{
	return b ? json_object_get(json_object_get(o, a), b) : json_object_get(o, a);
}

static void a_device_meeting_the_policy_gets_a_full_certificate(void **state)
{
	json_t *cert = NULL, *cl;
	char *unmet = evaluate(&cert);
	(void)state;

	assert_string_equal(unmet, "");
	free(unmet);
	assert_non_null(cert);
	assert_string_equal(json_string_value(at(cert, "format", NULL)), "atelier-certificate/1");
	assert_int_equal(strncmp(json_string_value(at(cert, "id", NULL)), "ATL-", 4), 0);
	assert_string_equal(json_string_value(at(cert, "device", "marketing_name")), "iPhone 13");
	assert_string_equal(json_string_value(at(cert, "device", "serial")), "C1QQABCD4R");
	assert_int_equal(json_integer_value(at(cert, "device", "storage_bytes")), 128000000000LL);
	assert_true(json_is_null(at(cert, "device", "color")));
	assert_string_equal(json_string_value(at(cert, "os", "version")), "17.5.1");
	assert_true(json_number_value(at(cert, "battery", "health_pct")) == 91.2);
	assert_int_equal(json_integer_value(at(cert, "battery", "cycle_count")), 312);
	assert_string_equal(json_string_value(at(cert, "battery", "tool")), "atelier test");
	assert_string_equal(json_string_value(at(cert, "cosmetic", "grade")), "B");
	assert_string_equal(json_string_value(at(cert, "cosmetic", "label")), "Très bon état");
	assert_string_equal(json_string_value(at(cert, "cosmetic", "criteria")),
			    "Marques visibles de près");
	assert_string_equal(json_string_value(at(cert, "functional", "result")), "pass");
	assert_int_equal(json_integer_value(at(cert, "functional", "steps_passed")), 5);
	assert_string_equal(json_string_value(at(cert, "sanitization", "standard")),
			    "NIST SP 800-88 Rev. 2");
	assert_string_equal(json_string_value(at(cert, "sanitization", "method")), "purge");
	/* A trainee is named by her code, never by her name (docs/privacy.md). */
	assert_string_equal(json_string_value(at(cert, "sanitization", "by")), "T-014");
	assert_string_equal(json_string_value(at(cert, "sanitization", "place")), "Bruxelles");
	assert_string_equal(json_string_value(at(cert, "workshop", "name")), "Atelier Molenbeek");
	cl = at(cert, "checklists", NULL);
	assert_int_equal(json_array_size(cl), 4);
	assert_string_equal(json_string_value(at(json_array_get(cl, 2), "id", NULL)), "wipe");
	assert_string_equal(json_string_value(at(json_array_get(cl, 2), "title", NULL)),
			    "Data wipe (fr)");
	assert_string_equal(json_string_value(at(json_array_get(cl, 3), "approved_by", NULL)),
			    "claire");
	assert_string_equal(json_string_value(json_array_get(at(cert, "trainees", NULL), 0)),
			    "T-014");
	assert_string_equal(json_string_value(at(json_array_get(cl, 3), "trainee", NULL)), "T-014");
	{
		char *text = json_dumps(cert, 0);

		assert_null(strstr(text, "amina"));
		free(text);
	}
	assert_string_equal(json_string_value(at(cert, "approved_by", NULL)), "claire");
	json_decref(cert);
}

static void every_unmet_condition_is_listed_at_once(void **state)
{
	char *unmet;
	(void)state;

	pol.workshop_name[0] = '\0';
	json_object_set_new(json_object_get(facts, "battery"), "health_pct", json_real(70.0));
	probe_at(10);
	unmet = evaluate(NULL);
	assert_non_null(strstr(unmet, "the workshop's name is not set"));
	assert_non_null(strstr(unmet, "checklist 'intake' was not done on this device: no job"));
	assert_non_null(strstr(unmet, "checklist 'diag' was not done"));
	assert_non_null(strstr(unmet, "no approved data wipe ('wipe')"));
	assert_non_null(strstr(unmet, "the battery health is 70.0 %, below the 80 %"));
	assert_non_null(strstr(unmet, "no cosmetic grade is recorded"));
	free(unmet);
}

static void a_job_waiting_for_its_grade_does_not_count(void **state)
{
	char words[128];
	long long id;
	(void)state;

	id = do_job(qc_yaml, grade_step, pass1, "A", 600, "none");
	/* The approved job before it still stands for the checklist. */
	free(evaluate(NULL));
	teardown(state);
	world(ios_facts);
	do_job(intake_yaml, one_step, pass1, NULL, 100, "approved");
	do_job(diag_yaml, diag_steps, pass2, NULL, 200, "approved");
	do_job(wipe_yaml, erase_step, pass1, NULL, 300, "approved");
	id = do_job(qc_yaml, grade_step, pass1, "B", 400, "none");
	probe_at(500);
	snprintf(words, sizeof(words), "checklist 'qc': job %lld waits for an instructor's grade",
		 id);
	/* Waiting for a grade: the checklist and its grade are both missing. */
	{
		char *unmet = evaluate(NULL);

		assert_non_null(strstr(unmet, words));
		assert_non_null(strstr(unmet, "no cosmetic grade"));
		free(unmet);
	}
}

static void a_job_sent_back_for_redo_does_not_count(void **state)
{
	char words[128];
	long long id;
	(void)state;

	teardown(state);
	world(ios_facts);
	id = do_job(intake_yaml, one_step, pass1, NULL, 100, "redo");
	do_job(diag_yaml, diag_steps, pass2, NULL, 200, "approved");
	check_wipe(do_job(wipe_yaml, erase_step, pass1, NULL, 300, "approved"), STEP_PASS);
	do_job(qc_yaml, grade_step, pass1, "B", 400, "approved");
	probe_at(500);
	snprintf(words, sizeof(words), "checklist 'intake': job %lld is not finished", id);
	expect_only(words);
}

static void a_failed_required_step_blocks_certification(void **state)
{
	static const char *const failed[] = { "fail", "pass", NULL };
	char words[160];
	long long id;
	(void)state;

	id = do_job(diag_yaml, diag_steps, failed, NULL, 450, "approved");
	probe_at(600);
	snprintf(words, sizeof(words),
		 "checklist 'diag': required step 'screen' (Screen works) failed in job %lld", id);
	expect_only(words);
}

static void a_failed_optional_step_does_not(void **state)
{
	static const char *const failed[] = { "pass", "fail", NULL };
	char *unmet;
	(void)state;

	do_job(diag_yaml, diag_steps, failed, NULL, 450, "approved");
	probe_at(600);
	unmet = evaluate(NULL);
	assert_string_equal(unmet, "");
	free(unmet);
}

static void find_my_on_blocks_certification(void **state)
{
	(void)state;
	json_object_set_new(json_object_get(facts, "locks"), "find_my", json_string("on"));
	probe_at(600);
	expect_only("Find My (Activation Lock) is on: the owner must remove the device from "
		    "their Apple ID");
}

static void find_my_not_read_blocks_certification(void **state)
{
	(void)state;
	json_object_set_new(json_object_get(facts, "locks"), "find_my", json_null());
	probe_at(600);
	expect_only("whether Find My is on could not be read");
}

static void a_device_not_read_since_the_wipe_is_refused(void **state)
{
	(void)state;
	check_wipe(do_job(wipe_yaml, erase_step, pass1, NULL, 700, "approved"), STEP_PASS);
	expect_only("the device was not read since its data wipe");
}

static void a_device_set_up_again_after_the_wipe_is_refused(void **state)
{
	(void)state;
	json_object_set_new(json_object_get(facts, "locks"), "setup_done", json_true());
	probe_at(600);
	expect_only("the device has been set up again since the data wipe");
}

static void a_worn_battery_is_refused_with_its_health(void **state)
{
	(void)state;
	json_object_set_new(json_object_get(facts, "battery"), "health_pct", json_real(76.44));
	probe_at(600);
	expect_only("the battery health is 76.4 %, below the 80 % the policy asks for");
}

static void a_battery_not_read_is_refused(void **state)
{
	(void)state;
	json_object_set_new(json_object_get(facts, "battery"), "health_pct", json_null());
	probe_at(600);
	expect_only("the battery health could not be read");
}

static void the_threshold_comes_from_the_policy(void **state)
{
	char *unmet;
	(void)state;

	pol.battery_min_health_pct = 95;
	expect_only("the battery health is 91.2 %, below the 95 % the policy asks for");
	pol.check_battery = 0;
	unmet = evaluate(NULL);
	assert_string_equal(unmet, "");
	free(unmet);
}

static void no_cosmetic_grade_is_refused(void **state)
{
	(void)state;
	do_job(qc_yaml, grade_step, (const char *const[]){ "skip", NULL }, NULL, 450,
	       "approved");
	expect_only("no cosmetic grade is recorded: step 'grade' of an approved 'qc' "
		    "job");
}

static void a_quarantined_device_is_refused(void **state)
{
	(void)state;
	assert_int_equal(store_device_set_state(st, dev_id, DEVICE_IN_REPAIR, DEVICE_QUARANTINE,
						instructor.id, "reported stolen", t0 + 900),
			 STORE_OK);
	expect_only("the device's state is quarantine");
}

static void an_unnamed_workshop_is_refused(void **state)
{
	(void)state;
	pol.workshop_name[0] = '\0';
	expect_only("the workshop's name is not set");
}

static void android_google_account_frp_and_bootloader_are_checked(void **state)
{
	json_t *locks = json_object_get(facts, "locks");
	char *unmet;
	(void)state;

	json_object_set_new(locks, "google_accounts", json_integer(2));
	json_object_set_new(locks, "frp", json_string("on"));
	json_object_set_new(locks, "bootloader", json_string("unlocked"));
	probe_at(600);
	unmet = evaluate(NULL);
	assert_non_null(strstr(unmet, "2 Google account(s) still on the device"));
	assert_non_null(strstr(unmet, "Factory Reset Protection is on"));
	assert_non_null(strstr(unmet, "the bootloader is unlocked"));
	free(unmet);
}

static void an_android_device_meeting_the_policy_is_purged_by_cryptographic_erase(void **state)
{
	json_t *cert = NULL;
	char *unmet = evaluate(&cert);
	(void)state;

	assert_string_equal(unmet, "");
	free(unmet);
	assert_string_equal(json_string_value(at(cert, "sanitization", "method")), "purge");
	assert_string_equal(json_string_value(at(cert, "device", "serial")), "R58R123ABC");
	json_decref(cert);
}

static void a_wipe_not_checked_by_a_second_person_is_refused(void **state)
{
	char words[160];
	long long id;
	(void)state;

	id = do_job(wipe_yaml, erase_step, pass1, NULL, 450, "approved");
	probe_at(600);
	snprintf(words, sizeof(words),
		 "the data wipe (job %lld) has not been checked by a second person", id);
	expect_only(words);
	check_wipe(id, STEP_FAIL);
	snprintf(words, sizeof(words), "the second check of the data wipe (job %lld) failed", id);
	expect_only(words);
	/* With the wipe condition turned off, the certificate says the check is missing; it
	 * does not claim the wipe was outside the sample. */
	pol.check_wiped = 0;
	{
		json_t *cert = NULL;
		char *unmet = evaluate(&cert);

		assert_string_equal(unmet, "");
		free(unmet);
		assert_string_equal(json_string_value(at(cert, "sanitization", "second_check")),
				    "non contrôlé par une seconde personne");
		json_decref(cert);
	}
	pol.check_wiped = 1;
	check_wipe(id, STEP_PASS);
	{
		char *unmet = evaluate(NULL);

		assert_string_equal(unmet, "");
		free(unmet);
	}
}

static void an_open_job_blocks_until_it_is_finished_or_cancelled(void **state)
{
	struct store_job_event e = { 0 };
	struct store_job j = { 0 };
	char words[200];
	long long id;
	(void)state;

	j.device_id = dev_id;
	snprintf(j.checklist_id, sizeof(j.checklist_id), "extra-check");
	j.checklist_version = 1;
	snprintf(j.checklist_hash, sizeof(j.checklist_hash), "%064d", 3);
	j.trainee_id = trainee.id;
	j.started_ms = t0 + 450;
	assert_int_equal(store_job_create(st, &j, &id), STORE_OK);
	snprintf(words, sizeof(words), "checklist 'extra-check': job %lld is not finished", id);
	expect_only(words);
	e.job_id = id;
	e.kind = STORE_JOB_CANCEL;
	e.user_id = instructor.id;
	e.t_ms = t0 + 460;
	snprintf(e.note, sizeof(e.note), "started on the wrong phone");
	assert_int_equal(store_job_event_add(st, &e, NULL), STORE_OK);
	free(evaluate(NULL));
	{
		char *unmet = evaluate(NULL);

		assert_string_equal(unmet, "");
		free(unmet);
	}
}

/* An approved job whose checklist cannot be read any more (its pinned text missing, or
 * refused by a newer loader) cannot be vouched for: said, not left off the certificate. */
/* The store itself keeps an approved job as it was graded: a cancellation that raced the
 * grade is refused where it is written. */
static void an_approved_job_cannot_be_cancelled(void **state)
{
	struct store_job_event e = { 0 };
	struct store_job j;
	(void)state;

	e.job_id = wipe_job;
	e.kind = STORE_JOB_CANCEL;
	e.user_id = instructor.id;
	e.t_ms = t0 + 900;
	snprintf(e.note, sizeof(e.note), "changed my mind");
	assert_int_equal(store_job_event_add(st, &e, NULL), STORE_ESTALE);
	assert_int_equal(store_job_get(st, wipe_job, &j), STORE_OK);
	assert_int_equal(j.state, JOB_STATE_SUBMITTED);
}

static void an_approved_job_whose_checklist_cannot_be_read_is_said(void **state)
{
	struct store_job j = { 0 }, got;
	struct store_grade g = { 0 };
	char words[200];
	long long id, gid;
	(void)state;

	j.device_id = dev_id;
	snprintf(j.checklist_id, sizeof(j.checklist_id), "lost-check");
	j.checklist_version = 2;
	snprintf(j.checklist_hash, sizeof(j.checklist_hash), "%064d", 5);
	j.trainee_id = trainee.id;
	j.started_ms = t0 + 450;
	assert_int_equal(store_job_create(st, &j, &id), STORE_OK);
	assert_int_equal(store_job_set_state(st, id, JOB_STATE_SUBMITTED, t0 + 460), STORE_OK);
	assert_int_equal(store_job_get(st, id, &got), STORE_OK);
	g.job_id = id;
	g.submitted_ms = got.submitted_ms;
	g.verdict = VERDICT_APPROVED;
	g.feedback = (char *)"Good work.";
	g.by_user = instructor.id;
	g.t_ms = t0 + 470;
	assert_int_equal(store_grade_add(st, &g, &gid), STORE_OK);
	snprintf(words, sizeof(words),
		 "checklist 'lost-check': the checklist of approved job %lld (version 2) cannot be "
		 "read",
		 id);
	expect_only(words);
}

static void a_repair_needs_a_retest_and_its_parts_reach_the_certificate(void **state)
{
	static const char *const repair_steps[] = { "fit", "part", NULL };
	json_t *cert = NULL, *parts;
	char words[160];
	long long id;
	(void)state;

	id = do_job(repair_yaml, repair_steps, pass2, NULL, 450, "approved");
	snprintf(words, sizeof(words),
		 "the repair 'screen-repair' (job %lld) was not tested again", id);
	expect_only(words);
	/* The diagnostics again, started after the repair was submitted. */
	t0 += 500;
	do_job(diag_yaml, diag_steps, pass2, NULL, 100, "approved");
	t0 -= 500;
	{
		char *unmet = evaluate(&cert);

		assert_string_equal(unmet, "");
		free(unmet);
	}
	parts = json_object_get(cert, "parts");
	assert_int_equal(json_array_size(parts), 1);
	assert_string_equal(json_string_value(json_object_get(json_array_get(parts, 0), "origin")),
			    "aftermarket");
	assert_string_equal(json_string_value(json_object_get(json_array_get(parts, 0), "name")),
			    "Screen");
	json_decref(cert);
}

static void a_checklist_without_category_that_fits_a_part_is_a_repair(void **state)
{
	static const char *const repair_steps[] = { "fit", "part", NULL };
	char words[160];
	long long id;
	(void)state;

	id = do_job(bare_repair_yaml, repair_steps, pass2, NULL, 450, "approved");
	snprintf(words, sizeof(words), "the repair 'battery-swap' (job %lld) was not tested again",
		 id);
	expect_only(words);
}

static void a_measured_battery_health_stands_where_the_device_gives_none(void **state)
{
	json_t *cert = NULL;
	char *unmet;
	(void)state;

	json_object_set_new(json_object_get(facts, "battery"), "health_pct", json_null());
	probe_at(600);
	expect_only("the battery health could not be read");
	/* What svc_device_facts() gives when a trainee measured it with a tester. */
	extra = json_pack("{s:{s:f}, s:{s:{s:f, s:I, s:i, s:s, s:s, s:I, s:I, s:s}}}",
			  "battery", "health_pct", 86.5, "entered", "battery.health_pct", "value",
			  86.5, "job", (json_int_t)7, "record", 3, "step", "battery-health-measured",
			  "by", "amina", "user", (json_int_t)trainee.id, "t_ms",
			  (json_int_t)(t0 + 550), "tester", "ISDT BG-8S");
	unmet = evaluate(&cert);
	assert_string_equal(unmet, "");
	free(unmet);
	assert_true(json_number_value(json_object_get(json_object_get(cert, "battery"),
						      "health_pct")) == 86.5);
	assert_string_equal(json_string_value(json_object_get(json_object_get(cert, "battery"),
							      "source")),
			    "mesurée avec ISDT BG-8S par T-014 (travail 7, enregistrement 3)");
	json_decref(cert);
}

static void an_android_phone_seen_on_usb_after_its_reset_is_wiped(void **state)
{
	(void)state;
	/* Read with USB debugging on and its setup done (accounts, FRP, bootloader), then
	 * reset: adb is gone, the bench sees it on USB alone. */
	json_object_set_new(json_object_get(facts, "locks"), "setup_done", json_true());
	probe_at(600);
	expect_only("the device has been set up again since the data wipe");
	extra = json_pack("{s:{s:I, s:I}}", "readings", "full_ms", (json_int_t)(t0 + 600),
			  "usb_only_ms", (json_int_t)(t0 + 700));
	{
		char *unmet = evaluate(NULL);

		assert_string_equal(unmet, "");
		free(unmet);
	}
}

static void an_unencrypted_android_phone_needs_the_policys_method(void **state)
{
	json_t *cert = NULL;
	char *unmet;
	(void)state;

	json_object_set_new(json_object_get(facts, "locks"), "encrypted", json_false());
	probe_at(600);
	expect_only("the phone's storage is not encrypted: a factory reset does not purge it");
	snprintf(pol.android_unencrypted_method, sizeof(pol.android_unencrypted_method),
		 "overwrite with the workshop's fill app, then reset");
	unmet = evaluate(&cert);
	assert_string_equal(unmet, "");
	free(unmet);
	assert_string_equal(json_string_value(at(cert, "sanitization", "method")), "clear");
	assert_string_equal(json_string_value(at(cert, "sanitization", "technique")),
			    "overwrite with the workshop's fill app, then reset");
	json_decref(cert);
}

static void the_grade_is_the_worse_of_screen_and_body(void **state)
{
	static const char *const both[] = { "screen", "body", NULL };
	json_t *cert = NULL;
	char *unmet;
	(void)state;

	snprintf(pol.grade_steps[0], POLICY_ID_MAX, "screen");
	snprintf(pol.grade_steps[1], POLICY_ID_MAX, "body");
	pol.n_grade_steps = 2;
	do_job(grades_yaml, both, pass2, "C", 450, "approved");
	unmet = evaluate(&cert);
	assert_string_equal(unmet, "");
	free(unmet);
	assert_string_equal(json_string_value(at(cert, "cosmetic", "grade")), "C");
	assert_string_equal(json_string_value(at(cert, "cosmetic", "ctia")), "C");
	assert_int_equal(json_array_size(at(cert, "cosmetic", "graded")), 2);
	json_decref(cert);
}

/* ---- signature ---- */

static void sign_in(const char *keydir, json_t *o)
{
	unsigned char sk[SIGN_SK_BYTES], pk[SIGN_PK_BYTES];
	char why[256];
	int created;

	assert_int_equal(sign_key_create(keydir, &created, why, sizeof(why)), SIGN_OK);
	assert_int_equal(sign_key_secret(keydir, sk, why, sizeof(why)), SIGN_OK);
	assert_int_equal(sign_key_public(keydir, pk, why, sizeof(why)), SIGN_OK);
	assert_int_equal(sign_object(o, sk, pk), SIGN_OK);
}

static char *issued_text(json_t *cert)
{
	char *canon = sign_canonical(cert), *text = NULL;

	assert_non_null(canon);
	assert_true(asprintf(&text, "%s\n", canon) > 0);
	free(canon);
	return text;
}

static void a_signed_certificate_verifies_and_any_changed_byte_does_not(void **state)
{
	unsigned char pk[SIGN_PK_BYTES];
	json_t *cert = NULL, *back = NULL;
	char why[512], *text, *unmet = evaluate(&cert);
	size_t len, failed = 0;
	(void)state;

	free(unmet);
	sign_in(dir, cert);
	assert_int_equal(sign_key_public(dir, pk, why, sizeof(why)), SIGN_OK);
	text = issued_text(cert);
	len = strlen(text);
	assert_int_equal(certify_verify_text("c.json", text, len, pk, &back, why, sizeof(why)), 0);
	json_decref(back);
	for (size_t i = 0; i < len; i++) {
		char saved = text[i];

		text[i] = (char)(saved == 'x' ? 'y' : saved == '\n' ? ' ' : 'x');
		back = NULL;
		if (certify_verify_text("c.json", text, len, pk, &back, why, sizeof(why)) != 0)
			failed++;
		else
			fail_msg("byte %zu changed from '%c' still verifies", i, saved);
		json_decref(back);
		text[i] = saved;
	}
	assert_int_equal(failed, len);
	/* A byte added or removed at the end too. */
	back = NULL;
	assert_int_not_equal(certify_verify_text("c.json", text, len - 1, pk, &back, why,
						 sizeof(why)),
			     0);
	json_decref(back);
	free(text);
	json_decref(cert);
}

static void a_certificate_signed_by_another_key_is_refused(void **state)
{
	unsigned char pk[SIGN_PK_BYTES];
	char other[80], why[512], *text, cmd[128];
	json_t *cert = NULL, *back = NULL;
	(void)state;

	free(evaluate(&cert));
	snprintf(other, sizeof(other), "%s/other", dir);
	assert_int_equal(mkdir(other, 0700), 0);
	sign_in(other, cert);
	assert_int_equal(sign_key_public(dir, pk, why, sizeof(why)), SIGN_ENOKEY);
	{
		int created;

		assert_int_equal(sign_key_create(dir, &created, why, sizeof(why)), SIGN_OK);
		assert_int_equal(created, 1);
	}
	assert_int_equal(sign_key_public(dir, pk, why, sizeof(why)), SIGN_OK);
	text = issued_text(cert);
	assert_int_not_equal(certify_verify_text("c.json", text, strlen(text), pk, &back, why,
						 sizeof(why)),
			     0);
	assert_non_null(strstr(why, "not this workshop's key"));
	json_decref(back);
	/* Claiming the workshop's key id does not help: the signature does not match. */
	{
		char id[SIGN_KEY_ID_HEX];

		sign_key_id(pk, id);
		json_object_set_new(json_object_get(cert, "signature"), "key_id", json_string(id));
		free(text);
		text = issued_text(cert);
		back = NULL;
		assert_int_not_equal(certify_verify_text("c.json", text, strlen(text), pk, &back,
							 why, sizeof(why)),
				     0);
		assert_non_null(strstr(why, "the signature does not match its content"));
		json_decref(back);
	}
	free(text);
	json_decref(cert);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", other);
	assert_int_equal(system(cmd), 0);
}

static void the_secret_key_is_private_and_never_replaced(void **state)
{
	unsigned char pk1[SIGN_PK_BYTES], pk2[SIGN_PK_BYTES], sk[SIGN_SK_BYTES];
	char path[128], why[256];
	struct stat sb;
	int created;
	(void)state;

	assert_int_equal(sign_key_create(dir, &created, why, sizeof(why)), SIGN_OK);
	assert_int_equal(created, 1);
	assert_int_equal(sign_key_public(dir, pk1, why, sizeof(why)), SIGN_OK);
	snprintf(path, sizeof(path), "%s/keys/workshop.key", dir);
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	assert_int_equal(sign_key_create(dir, &created, why, sizeof(why)), SIGN_OK);
	assert_int_equal(created, 0);
	assert_int_equal(sign_key_public(dir, pk2, why, sizeof(why)), SIGN_OK);
	assert_memory_equal(pk1, pk2, sizeof(pk1));
	assert_int_equal(chmod(path, 0644), 0);
	assert_int_equal(sign_key_secret(dir, sk, why, sizeof(why)), SIGN_EOPEN);
	assert_non_null(strstr(why, "can be read by others (mode 0644): run 'chmod 600"));
}

/* ---- the policy file ---- */

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void the_shipped_policy_is_the_documented_default(void **state)
{
	struct policy shipped, defaults;
	char why[512];
	(void)state;

	policy_defaults(&defaults);
	policy_defaults(&shipped);
	assert_int_equal(policy_load_file(&shipped, "checklists/policy.yaml", why, sizeof(why)),
			 POLICY_OK);
	shipped.n_files = 0;
	memset(shipped.files, 0, sizeof(shipped.files));
	/* The weights of the models are the shipped file's alone (the code has none). */
	assert_true(shipped.programme.n_weights >= 20);
	assert_true(policy_weight_g(&shipped, "iPhone14,5", "phone", NULL) == 174);
	assert_int_equal(defaults.programme.n_weights, 0);
	memcpy(defaults.programme.weights, shipped.programme.weights,
	       sizeof(defaults.programme.weights));
	defaults.programme.n_weights = shipped.programme.n_weights;
	/* So are the competences' names: every competence a shipped checklist trains or
	 * requires is named in the three languages. */
	assert_int_equal(defaults.n_competences, 0);
	assert_int_equal(shipped.n_competences, 7);
	for (size_t i = 0; i < shipped.n_competences; i++)
		for (int l = 0; l < 3; l++)
			if (!shipped.competences[i].name[l][0])
				fail_msg("competence %s has no name in %s", shipped.competences[i].id,
					 (const char *[]){ "en", "fr", "nl" }[l]);
	assert_string_equal(policy_competence(&shipped, "esd-safety")->name[1],
			    "Travailler sans danger avec l'électricité statique (ESD)");
	memcpy(defaults.competences, shipped.competences, sizeof(defaults.competences));
	defaults.n_competences = shipped.n_competences;
	assert_memory_equal(&shipped, &defaults, sizeof(shipped));
}

static void a_workshop_names_its_competences_over_the_shipped_names(void **state)
{
	struct policy p;
	char path[128], why[512];
	(void)state;

	policy_defaults(&p);
	assert_int_equal(policy_load_file(&p, "checklists/policy.yaml", why, sizeof(why)),
			 POLICY_OK);
	snprintf(path, sizeof(path), "%s/policy.yaml", dir);
	write_file(path, "competences:\n  esd-safety:\n    fr: \"Se protéger de l'électricité "
			 "statique\"\n  soldering:\n    en: Soldering\n");
	assert_int_equal(policy_load_file(&p, path, why, sizeof(why)), POLICY_OK);
	/* Renamed in French alone: a name not given again is gone, not mixed in. */
	assert_string_equal(policy_competence(&p, "esd-safety")->name[1],
			    "Se protéger de l'électricité statique");
	assert_string_equal(policy_competence(&p, "esd-safety")->name[0], "");
	assert_string_equal(policy_competence(&p, "soldering")->name[0], "Soldering");
	assert_non_null(policy_competence(&p, "screen-replacement"));
	assert_null(policy_competence(&p, "welding"));
	/* A name in a language the checklists are not written in, or none: said where. */
	write_file(path, "competences:\n  soldering:\n    de: Löten\n");
	assert_int_equal(policy_load_file(&p, path, why, sizeof(why)), POLICY_EINVALID);
	if (!strstr(why, "policy.yaml:3:5: error: soldering: a name is in en, fr or nl"))
		fail_msg("%s", why);
	write_file(path, "competences:\n  soldering: {}\n");
	assert_int_equal(policy_load_file(&p, path, why, sizeof(why)), POLICY_EINVALID);
	if (!strstr(why, "soldering: gives no name"))
		fail_msg("%s", why);
	write_file(path, "competences:\n  Soldering!:\n    en: x\n");
	assert_int_equal(policy_load_file(&p, path, why, sizeof(why)), POLICY_EINVALID);
	if (!strstr(why, "competences: should be an id"))
		fail_msg("%s", why);
}

static void a_device_weighs_its_models_grams_else_its_class_default(void **state)
{
	struct policy p;
	char path[128], why[512];
	int listed = -1;
	(void)state;

	snprintf(path, sizeof(path), "%s/policy.yaml", dir);
	write_file(path, "programme:\n  tablet_g: 500\n  co2e_kg_per_year: 30\n"
			 "  co2e_source: \"Our own study, 2026\"\n"
			 "  weights_g:\n    \"SM-A525F\": 189\n");
	policy_defaults(&p);
	assert_int_equal(policy_load_file(&p, path, why, sizeof(why)), POLICY_OK);
	assert_true(policy_weight_g(&p, "SM-A525F", "phone", &listed) == 189);
	assert_int_equal(listed, 1);
	assert_true(policy_weight_g(&p, "SM-X200", "tablet", &listed) == 500);
	assert_int_equal(listed, 0);
	assert_true(policy_weight_g(&p, NULL, NULL, &listed) == 180);
	assert_true(p.programme.co2e_kg_per_year == 30);
	assert_string_equal(p.programme.co2e_source, "Our own study, 2026");
	assert_true(p.programme.extra_years == 1);
}

static void the_workshop_overrides_only_the_keys_it_names(void **state)
{
	struct policy p;
	char path[128], why[512];
	(void)state;

	snprintf(path, sizeof(path), "%s/policy.yaml", dir);
	write_file(path, "workshop:\n  name: \"Atelier Réemploi\"\n  language: nl\n"
			 "battery_min_health_pct: 85\nchecks:\n  bootloader_locked: false\n");
	assert_int_equal(policy_load(&p, dir, why, sizeof(why)), POLICY_OK);
	assert_string_equal(p.workshop_name, "Atelier Réemploi");
	assert_string_equal(p.language, "nl");
	assert_true(p.battery_min_health_pct == 85);
	assert_int_equal(p.check_bootloader, 0);
	assert_int_equal(p.check_locks, 1);
	assert_string_equal(policy_required_for(&p, "ios", "phone")->ids[2], "diagnostics-ios");
	assert_string_equal(policy_required_for(&p, "android", "tablet")->ids[2],
			    "diagnostics-android");
	/* A class the policy has no list for: the platform's list. */
	assert_string_equal(policy_required_for(&p, "ios", "watch")->platform, "ios");
}

/* The QR code's link, and ID#SIG alone, read as the QR text they stand for; anything
 * else is not a link. */
static void a_verification_link_reads_as_its_qr_text(void **state)
{
	static const char sig[] = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
				  "AAAAAAAAAAAAAAAAAAAAA";
	char text[400], out[CERTIFY_QR_LEN + 64];
	(void)state;

	snprintf(text, sizeof(text), "https://atelier.example.org/v/ATL-20261127-3A8AE8EE#%s\n",
		 sig);
	assert_int_equal(certify_link_to_qr(text, strlen(text), out, sizeof(out)), 0);
	assert_true(strncmp(out, "atelier-cert:1:ATL-20261127-3A8AE8EE:", 37) == 0);
	assert_string_equal(out + 37, sig);
	snprintf(text, sizeof(text), "ATL-20261127-3A8AE8EE#%s", sig);
	assert_int_equal(certify_link_to_qr(text, strlen(text), out, sizeof(out)), 0);
	assert_true(strncmp(out, "atelier-cert:1:ATL-20261127-3A8AE8EE:", 37) == 0);
	/* Not links: a certificate's JSON, a QR text, a link of another scheme. */
	snprintf(text, sizeof(text), "{\"id\":\"trainee #7\"}");
	assert_int_equal(certify_link_to_qr(text, strlen(text), out, sizeof(out)), -1);
	snprintf(text, sizeof(text), "atelier-cert:1:ATL-20261127-3A8AE8EE:%s", sig);
	assert_int_equal(certify_link_to_qr(text, strlen(text), out, sizeof(out)), -1);
	snprintf(text, sizeof(text), "ftp://x/v/ATL-20261127-3A8AE8EE#%s", sig);
	assert_int_equal(certify_link_to_qr(text, strlen(text), out, sizeof(out)), -1);
}

static void a_wrong_policy_file_says_where(void **state)
{
	static const struct {
		const char *text, *words;
	} cases[] = {
		{ "battery_min_health_pct: lots\n", "policy.yaml:1:25: error: battery_min_health_pct: "
						    "should be a number from 0 to 100" },
		{ "version: 1\nchecks:\n  locks_of: true\n", "policy.yaml:3:3: error: locks_of: unknown "
							     "check" },
		{ "workshop:\n  language: de\n", "policy.yaml:2:13: error: workshop.language: should be "
						 "en, fr or nl" },
		{ "required_checklists:\n  ios: [Intake Triage]\n", "policy.yaml:2:9: error: ios: should "
								    "be an id" },
		{ "colour: red\n", "policy.yaml:1:1: error: colour: unknown key" },
		{ "warranty_months: 6\n", "policy.yaml:1:18: error: warranty_months: should be a "
					  "whole number of months, at least 12" },
		{ "workshop:\n  timezone: ../../etc/passwd\n", "policy.yaml:2:13: error: "
							    "workshop.timezone: should be a time "
							    "zone" },
		{ "workshop:\n  verify_url: http://atelier.example.org\n",
		  "policy.yaml:2:15: error: workshop.verify_url: should be the https address" },
		{ "workshop: [\n", "policy.yaml:2:1: error: not valid YAML" },
		{ "programme:\n  co2e_kg_per_year: -3\n", "policy.yaml:2:21: error: "
							    "programme.co2e_kg_per_year: should be a "
							    "number above 0" },
		{ "programme:\n  weights_g:\n    \"iPhone14,5\": heavy\n",
		  "policy.yaml:3:19: error: programme.weights_g: should be a number above 0" },
		{ "programme:\n  trees: 3\n", "policy.yaml:2:3: error: trees: unknown key in "
						 "programme" },
	};
	char path[128], why[512];
	struct policy p;
	(void)state;

	snprintf(path, sizeof(path), "%s/policy.yaml", dir);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		write_file(path, cases[i].text);
		policy_defaults(&p);
		assert_int_equal(policy_load_file(&p, path, why, sizeof(why)), POLICY_EINVALID);
		if (!strstr(why, cases[i].words))
			fail_msg("case %zu: expected '%s' in '%s'", i, cases[i].words, why);
		/* Nothing of a wrong file is taken. */
		assert_true(p.battery_min_health_pct == 80);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(a_device_weighs_its_models_grams_else_its_class_default,
						setup_empty, teardown),
		cmocka_unit_test_setup_teardown(a_device_meeting_the_policy_gets_a_full_certificate,
						setup_ios, teardown),
		cmocka_unit_test_setup_teardown(every_unmet_condition_is_listed_at_once,
						setup_empty, teardown),
		cmocka_unit_test_setup_teardown(a_job_waiting_for_its_grade_does_not_count,
						setup_ios, teardown),
		cmocka_unit_test_setup_teardown(a_job_sent_back_for_redo_does_not_count, setup_ios,
						teardown),
		cmocka_unit_test_setup_teardown(a_failed_required_step_blocks_certification,
						setup_ios, teardown),
		cmocka_unit_test_setup_teardown(a_failed_optional_step_does_not, setup_ios,
						teardown),
		cmocka_unit_test_setup_teardown(find_my_on_blocks_certification, setup_ios,
						teardown),
		cmocka_unit_test_setup_teardown(find_my_not_read_blocks_certification, setup_ios,
						teardown),
		cmocka_unit_test_setup_teardown(a_device_not_read_since_the_wipe_is_refused,
						setup_ios, teardown),
		cmocka_unit_test_setup_teardown(a_device_set_up_again_after_the_wipe_is_refused,
						setup_ios, teardown),
		cmocka_unit_test_setup_teardown(a_worn_battery_is_refused_with_its_health,
						setup_ios, teardown),
		cmocka_unit_test_setup_teardown(a_battery_not_read_is_refused, setup_ios,
						teardown),
		cmocka_unit_test_setup_teardown(the_threshold_comes_from_the_policy, setup_ios,
						teardown),
		cmocka_unit_test_setup_teardown(no_cosmetic_grade_is_refused, setup_ios, teardown),
		cmocka_unit_test_setup_teardown(a_wipe_not_checked_by_a_second_person_is_refused,
						setup_ios, teardown),
		cmocka_unit_test_setup_teardown(an_open_job_blocks_until_it_is_finished_or_cancelled,
						setup_ios, teardown),
		cmocka_unit_test_setup_teardown(an_approved_job_cannot_be_cancelled, setup_ios,
						teardown),
		cmocka_unit_test_setup_teardown(an_approved_job_whose_checklist_cannot_be_read_is_said,
						setup_ios, teardown),
		cmocka_unit_test_setup_teardown(
			a_repair_needs_a_retest_and_its_parts_reach_the_certificate, setup_ios,
			teardown),
		cmocka_unit_test_setup_teardown(
			a_checklist_without_category_that_fits_a_part_is_a_repair, setup_ios, teardown),
		cmocka_unit_test_setup_teardown(
			a_measured_battery_health_stands_where_the_device_gives_none, setup_ios,
			teardown),
		cmocka_unit_test_setup_teardown(an_android_phone_seen_on_usb_after_its_reset_is_wiped,
						setup_android, teardown),
		cmocka_unit_test_setup_teardown(an_unencrypted_android_phone_needs_the_policys_method,
						setup_android, teardown),
		cmocka_unit_test_setup_teardown(the_grade_is_the_worse_of_screen_and_body, setup_ios,
						teardown),
		cmocka_unit_test_setup_teardown(a_quarantined_device_is_refused, setup_ios,
						teardown),
		cmocka_unit_test_setup_teardown(an_unnamed_workshop_is_refused, setup_ios,
						teardown),
		cmocka_unit_test_setup_teardown(
			android_google_account_frp_and_bootloader_are_checked, setup_android,
			teardown),
		cmocka_unit_test_setup_teardown(
			an_android_device_meeting_the_policy_is_purged_by_cryptographic_erase,
			setup_android, teardown),
		cmocka_unit_test_setup_teardown(
			a_signed_certificate_verifies_and_any_changed_byte_does_not, setup_ios,
			teardown),
		cmocka_unit_test_setup_teardown(a_certificate_signed_by_another_key_is_refused,
						setup_ios, teardown),
		cmocka_unit_test_setup_teardown(the_secret_key_is_private_and_never_replaced,
						setup_empty, teardown),
		cmocka_unit_test_setup_teardown(the_shipped_policy_is_the_documented_default,
						setup_empty, teardown),
		cmocka_unit_test_setup_teardown(a_workshop_names_its_competences_over_the_shipped_names,
						setup_empty, teardown),
		cmocka_unit_test_setup_teardown(the_workshop_overrides_only_the_keys_it_names,
						setup_empty, teardown),
		cmocka_unit_test(a_verification_link_reads_as_its_qr_text),
		cmocka_unit_test_setup_teardown(a_wrong_policy_file_says_where, setup_empty,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
