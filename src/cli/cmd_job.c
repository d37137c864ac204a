/* atelier job start|step|show|submit|list|verify|grade|ack */
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sodium.h>

#include "cert/lifecycle.h"
#include "cert/policy.h"
#include "checklist/checklist.h"
#include "checklist/expr.h"
#include "cli/cli.h"
#include "job/grade.h"
#include "job/job.h"
#include "probe/facts.h"
#include "probe/probe.h"
#include "store/store.h"
#include "util/clock.h"
#include "util/file.h"
#include "util/text.h"

#define JOB_MAX_PARTS 16
#define CHECKLIST_FILE_MAX (256 * 1024)
#define GRADE_FEEDBACK_MAX 4000 /* bytes of an instructor's feedback */
#define GRADE_MAX_SCORES CHECKLIST_MAX_LIST

static const char job_usage[] =
	"usage: atelier [--data DIR] job start --device ID --checklist ID --trainee NAME\n"
	"       atelier [--data DIR] job step JOB STEP [--result pass|fail|skip] [--value V]\n"
	"                   [--note TEXT] [--part NAME,SOURCE,SERIAL]... [--by NAME]\n"
	"                   [--corrects RECORD]\n"
	"       atelier [--data DIR] job show JOB [--json]\n"
	"       atelier [--data DIR] job submit JOB\n"
	"       atelier [--data DIR] job list [--device ID] [--trainee NAME] [--state S] [--json]\n"
	"       atelier [--data DIR] job verify JOB\n"
	"       atelier [--data DIR] job grade JOB --verdict approved|redo [--redo STEP,...]\n"
	"                   [--score ITEM=N]... --feedback TEXT --by NAME\n"
	"       atelier [--data DIR] job ack JOB --by NAME\n"
	"A job is one trainee's work on one device with one checklist. Each step is recorded\n"
	"for good (who, when, time spent, result, value, note, parts) and chained to the one\n"
	"before, so that 'job verify' finds any change. A wrong record is corrected by a new\n"
	"one (--corrects RECORD), never edited. An auto step reads the device again (it must\n"
	"be plugged in) and records the facts it used.\n"
	"An instructor or admin who did not work on the job grades a submitted job: approved,\n"
	"or redo with the steps to do again (the job opens again for those steps only), with\n"
	"a score for each rubric item and feedback; the trainee acknowledges it with 'job ack'.\n";

#define fail(...) cli_fail("job", EXIT_FAILURE_OTHER, __VA_ARGS__)

/* The pinned checklist of JOB, from its snapshot. */
static int load_pinned(struct store *st, const struct store_job *job, struct checklist **c)
{
	char why[256];

	if (job_checklist(st, job, c, why, sizeof(why)) != JOB_OK)
		return fail("%s", why);
	return EXIT_OK;
}

static const struct checklist_step *find_step(const struct checklist *c, const char *id)
{
	for (size_t i = 0; i < c->n_steps; i++)
		if (strcmp(c->steps[i].id, id) == 0)
			return &c->steps[i];
	return NULL;
}

static int parse_job_id(const char *s, long long *id)
{
	char *end;
	long long v = strtoll(s, &end, 10);

	if (end == s || *end || v <= 0)
		return 0;
	*id = v;
	return 1;
}

/* A device in intake goes into repair when a job starts on it (the lifecycle's rule, by
 * the job's trainee). Another bench may have moved it meanwhile: then it is left as it is,
 * and said. */
static void device_into_repair(struct store *st, const struct store_device_row *dev,
			       const char *key, const struct store_user *user, long long job_id,
			       const char *checklist_id)
{
	char reason[160], why[320];
	enum store_err err;

	if (strcmp(dev->state, "intake") != 0)
		return;
	if (!lifecycle_allowed(dev->state, "in_repair", user->role, LIFECYCLE_JOB, why,
			       sizeof(why))) {
		fprintf(stderr, "atelier job: device %s stays in %s: %s\n", key, dev->state, why);
		return;
	}
	snprintf(reason, sizeof(reason), "job %lld started: %s", job_id, checklist_id);
	err = store_device_set_state(st, dev->id, "intake", "in_repair", user->id, reason,
				     clock_wall_ms());
	if (err == STORE_OK)
		printf("device %s: intake -> in_repair (%s)\n", key, reason);
	else if (err == STORE_ESTALE)
		fprintf(stderr, "atelier job: device %s left intake meanwhile (atelier device "
			"show %s)\n", key, key);
	else
		fprintf(stderr, "atelier job: device %s stays in intake: %s\n", key,
			store_last_error_message());
}

static int cmd_start(const struct cli_global *g, struct store *st, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "device", required_argument, NULL, 'd' },
		{ "checklist", required_argument, NULL, 'c' },
		{ "trainee", required_argument, NULL, 't' },
		{ NULL, 0, NULL, 0 },
	};
	const char *device = NULL, *cid = NULL, *trainee = NULL;
	struct store_device_row dev;
	struct store_user user;
	struct store_job job = { 0 }, *open_jobs = NULL;
	struct checklist_set set;
	struct checklist_report rep;
	const struct checklist *c;
	char dir[4096], *facts_text = NULL, *content = NULL, hash[65], why[320];
	unsigned char digest[crypto_hash_sha256_BYTES];
	json_t *facts = NULL;
	size_t n_open = 0;
	long long t, id;
	int ch, rc = EXIT_OK;

	optind = 0;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "d:c:t:", opts, NULL)) != -1) {
		switch (ch) {
		case 'd':
			device = optarg;
			break;
		case 'c':
			cid = optarg;
			break;
		case 't':
			trainee = optarg;
			break;
		default:
			return cli_usage_error("job", "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (!device || !cid || !trainee || optind != argc)
		return cli_usage_error("job", "job start needs --device, --checklist and --trainee");
	checklist_set_init(&set);
	checklist_report_init(&rep);
	if (store_find_device(st, device, &dev) != STORE_OK) {
		rc = fail("no device '%s' is known: read it first with 'atelier probe'", device);
		goto out;
	}
	if (store_user_find(st, trainee, &user) != STORE_OK || !user.active) {
		rc = fail("'%s' is not an active user (atelier user list)", trainee);
		goto out;
	}
	/* Quarantined, sold, recycled...: nobody works on it, and the trainee reads why. */
	if (!lifecycle_job_may_start(dev.state, why, sizeof(why))) {
		rc = fail("no job can start on %s: %s", device, why);
		goto out;
	}
	if (store_latest_probe(st, dev.id, &facts_text, &t) != STORE_OK ||
	    !(facts = json_loads(facts_text, 0, NULL))) {
		rc = fail("device '%s' has no probe yet: run 'atelier probe' first", device);
		goto out;
	}
	if (cli_data_dir(g, dir, sizeof(dir)) != EXIT_OK ||
	    checklist_set_load_default(&set, dir, &rep) != CHECKLIST_OK ||
	    !(c = checklist_set_find(&set, cid))) {
		rc = fail("no checklist '%s' (atelier checklist list)", cid);
		goto out;
	}
	if (!checklist_applies(c, facts)) {
		rc = fail("checklist '%s' does not apply to this device (its platform, model or "
			  "mode)", cid);
		goto out;
	}
	/* An open job on this device with this checklist goes on where it stopped. */
	if (store_job_list(st, dev.id, 0, "open", &open_jobs, &n_open) == STORE_OK) {
		for (size_t i = 0; i < n_open; i++) {
			if (strcmp(open_jobs[i].checklist_id, cid) == 0) {
				printf("job %lld is still open for this device and checklist: "
				       "carry on with it\n",
				       open_jobs[i].id);
				device_into_repair(st, &dev, device, &user, open_jobs[i].id, cid);
				goto out;
			}
		}
	}
	/* Pin the exact text: the job keeps it even if the file changes later. */
	content = file_read(c->path, CHECKLIST_FILE_MAX, NULL, NULL);
	if (!content || sodium_init() < 0) {
		rc = fail("cannot read %s again", c->path);
		goto out;
	}
	crypto_hash_sha256(digest, (const unsigned char *)content, strlen(content));
	sodium_bin2hex(hash, sizeof(hash), digest, sizeof(digest));
	if (strcmp(hash, c->hash) != 0) {
		rc = fail("%s changed while it was read: try again", c->path);
		goto out;
	}
	if (store_snapshot_put(st, hash, c->id, c->version, content) != STORE_OK) {
		rc = fail("cannot save the checklist (%s)", store_last_error_message());
		goto out;
	}
	job.device_id = dev.id;
	snprintf(job.checklist_id, sizeof(job.checklist_id), "%s", c->id);
	job.checklist_version = c->version;
	snprintf(job.checklist_hash, sizeof(job.checklist_hash), "%s", hash);
	job.trainee_id = user.id;
	job.started_ms = clock_wall_ms();
	if (store_job_create(st, &job, &id) != STORE_OK) {
		rc = fail("cannot record the job (%s)", store_last_error_message());
		goto out;
	}
	printf("job %lld started: %s v%d for %s by %s\n", id, c->id, c->version, device, trainee);
	device_into_repair(st, &dev, device, &user, id, c->id);
	printf("first step: %s - %s\n", c->steps[0].id, checklist_text(&c->steps[0].title, "en"));
out:
	free(open_jobs);
	free(content);
	free(facts_text);
	json_decref(facts);
	checklist_report_release(&rep);
	checklist_set_release(&set);
	return rc;
}

/* Read the device of JOB again and evaluate EXPR; *FACTS_USED a new JSON object. */
static int run_auto(struct store *st, const struct store_job *job, const char *expr_text,
		    enum expr_result *res, json_t **facts_used)
{
	struct expr *e = NULL;
	json_t *facts = NULL;
	char msg[EXPR_MSG_MAX], why[128];
	int col;

	*facts_used = NULL;
	if (expr_parse(expr_text, &e, &col, msg, sizeof(msg)) != EXPR_OK)
		return fail("the step's expression does not parse: %s", msg);
	if (cli_read_device(st, job->device_id, 30000, &facts, why, sizeof(why)) != 0) {
		expr_free(e);
		return fail("the device could not be read now (%s): plug it in, unlock it, try again",
			    why);
	}
	*res = expr_eval(e, facts, facts_used);
	json_decref(facts);
	expr_free(e);
	return EXIT_OK;
}

/* 1 when the JSON array ARR holds the string S. */
static int array_has(const json_t *arr, const char *s)
{
	size_t i;
	json_t *v;

	json_array_foreach(arr, i, v)
		if (json_is_string(v) && strcmp(json_string_value(v), s) == 0)
			return 1;
	return 0;
}

/* The strings of ARR as "a, b, c" into OUT (SIZE bytes; cut if longer). */
static char *array_join(const json_t *arr, char *out, size_t size)
{
	size_t i, len = 0;
	json_t *v;

	out[0] = '\0';
	json_array_foreach(arr, i, v) {
		int w = snprintf(out + len, size - len, "%s%s", i ? ", " : "",
				 json_is_string(v) ? json_string_value(v) : "?");

		if (w < 0 || (size_t)w >= size - len)
			break;
		len += (size_t)w;
	}
	return out;
}

/* When JOB is open again after a redo, *STEPS gets the steps to redo (a new JSON array,
 * empty when the grade names none) and *GRADE_MS the grade's time (may be NULL); else
 * *STEPS is NULL. A store failure is reported and gives its exit code. */
static int redo_in_force(struct store *st, const struct store_job *job, json_t **steps,
			 long long *grade_ms)
{
	struct store_grade g;
	enum store_err err;

	*steps = NULL;
	if (strcmp(job->state, "open") != 0)
		return EXIT_OK;
	err = store_grade_last(st, job->id, &g);
	if (err == STORE_ENOENT)
		return EXIT_OK;
	if (err)
		return fail("cannot read the grades of job %lld (%s)", job->id,
			    store_last_error_message());
	if (strcmp(g.verdict, "redo") == 0) {
		*steps = g.redo ? json_loads(g.redo, 0, NULL) : NULL;
		if (!json_is_array(*steps)) {
			json_decref(*steps);
			*steps = json_array();
		}
		if (grade_ms)
			*grade_ms = g.t_ms;
	}
	store_grade_release(&g);
	return EXIT_OK;
}

static int cmd_step(struct store *st, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "result", required_argument, NULL, 'r' },
		{ "value", required_argument, NULL, 'v' },
		{ "note", required_argument, NULL, 'n' },
		{ "part", required_argument, NULL, 'p' },
		{ "by", required_argument, NULL, 'b' },
		{ "corrects", required_argument, NULL, 'c' },
		{ NULL, 0, NULL, 0 },
	};
	const char *result = NULL, *value = NULL, *note = NULL, *by = NULL;
	struct store_step rec = { 0 };
	struct store_job job;
	struct store_user user;
	struct checklist *c = NULL;
	const struct checklist_step *s;
	json_t *parts = json_array(), *used = NULL, *redo = NULL;
	char *parts_text = NULL, *facts_text = NULL, valbuf[64], list[1024];
	long long job_id, rec_id, corrects = 0;
	int ch, rc = EXIT_OK;
	enum job_err je;

	optind = 0;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "r:v:n:p:b:c:", opts, NULL)) != -1) {
		switch (ch) {
		case 'r':
			result = optarg;
			break;
		case 'v':
			value = optarg;
			break;
		case 'n':
			note = optarg;
			break;
		case 'b':
			by = optarg;
			break;
		case 'c':
			if (!parse_job_id(optarg, &corrects))
				return cli_usage_error("job", "--corrects takes a record number");
			break;
		case 'p': {
			char name[128], source[128], serial[128];

			if (json_array_size(parts) >= JOB_MAX_PARTS ||
			    sscanf(optarg, "%127[^,],%127[^,],%127[^\n]", name, source, serial) != 3)
				return cli_usage_error("job", "--part takes NAME,SOURCE,SERIAL, not '%s'",
						       optarg);
			json_array_append_new(parts, json_pack("{s:s, s:s, s:s}", "name", name,
								"source", source, "serial", serial));
			break;
		}
		default:
			json_decref(parts);
			return cli_usage_error("job", "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (argc - optind != 2 || !parse_job_id(argv[optind], &job_id)) {
		json_decref(parts);
		return cli_usage_error("job", "job step needs JOB (a number) and STEP");
	}
	if (result && strcmp(result, "pass") && strcmp(result, "fail") && strcmp(result, "skip")) {
		json_decref(parts);
		return cli_usage_error("job", "--result is pass, fail or skip, not '%s'", result);
	}
	if (store_job_get(st, job_id, &job) != STORE_OK) {
		rc = fail("no job %s", argv[optind]);
		goto out;
	}
	rc = load_pinned(st, &job, &c);
	if (rc)
		goto out;
	/* A device set aside (quarantine) or moved on meanwhile takes no more work. */
	{
		struct store_device_row dev;
		char why[256];

		if (store_device_get(st, job.device_id, &dev) == STORE_OK &&
		    !lifecycle_job_may_start(dev.state, why, sizeof(why))) {
			rc = fail("no step can be recorded: %s", why);
			goto out;
		}
	}
	s = find_step(c, argv[optind + 1]);
	if (!s) {
		rc = fail("this job's checklist has no step '%s' (atelier job show)",
			  argv[optind + 1]);
		goto out;
	}
	/* Sent back for redo: only the steps the instructor named are recorded again. */
	rc = redo_in_force(st, &job, &redo, NULL);
	if (rc)
		goto out;
	if (redo && !array_has(redo, s->id)) {
		rc = fail("step %s is not among the steps to redo: %s", s->id,
			  array_join(redo, list, sizeof(list)));
		goto out;
	}
	if (corrects) {
		/* --corrects takes the record number `job show` prints; the store links ids. */
		struct store_step *recs = NULL;
		size_t nrec = 0;
		long long target = 0;

		if (store_steps_of(st, job_id, &recs, &nrec) == STORE_OK)
			for (size_t i = 0; i < nrec; i++)
				if (recs[i].seq == corrects)
					target = recs[i].id;
		store_steps_free(recs, nrec);
		if (!target) {
			rc = fail("this job has no record with that number%s (atelier job show)", "");
			goto out;
		}
		corrects = target;
	}
	if (by ? store_user_find(st, by, &user) != STORE_OK
	       : store_user_get(st, job.trainee_id, &user) != STORE_OK) {
		rc = fail("no user '%s'", by ? by : "(the job's trainee)");
		goto out;
	}
	if (!user.active) {
		rc = fail("user '%s' is disabled", user.name);
		goto out;
	}
	if (result && strcmp(result, "skip") == 0) {
		/* A skip needs no value; a required step still counts as not done. */
	} else if (s->kind == CHECKLIST_KIND_MEASURE) {
		char *end;
		double v;

		if (!value) {
			rc = fail("step '%s' is a measure: give --value", s->id);
			goto out;
		}
		v = strtod(value, &end);
		if (end == value || *end) {
			rc = fail("--value '%s' is not a number", value);
			goto out;
		}
		{
			const char *in_range = v >= s->min && v <= s->max ? "pass" : "fail";

			if (result && strcmp(result, in_range) != 0) {
				snprintf(valbuf, sizeof(valbuf), "%g..%g", s->min, s->max);
				rc = fail("the value is %s the accepted range; record it as it is",
					  strcmp(in_range, "pass") == 0 ? "inside" : "outside");
				goto out;
			}
			result = in_range;
		}
	} else if (s->kind == CHECKLIST_KIND_CHOICE) {
		int ok = 0;

		for (size_t i = 0; value && i < s->n_options; i++)
			ok |= strcmp(value, s->options[i].value) == 0;
		if (!ok) {
			rc = fail("step '%s' is a choice: give --value with one of its options "
				  "(atelier checklist show)", s->id);
			goto out;
		}
		if (!result)
			result = "pass";
	} else if (s->kind == CHECKLIST_KIND_PARTS) {
		if (json_array_size(parts) == 0) {
			rc = fail("step '%s' records parts: give --part NAME,SOURCE,SERIAL", s->id);
			goto out;
		}
		if (!result)
			result = "pass";
	} else if (s->kind == CHECKLIST_KIND_NOTE) {
		if (!note) {
			rc = fail("step '%s' is a note: give --note TEXT", s->id);
			goto out;
		}
		if (!result)
			result = "pass";
	} else if (s->kind == CHECKLIST_KIND_AUTO) {
		enum expr_result er = EXPR_UNKNOWN;

		rc = run_auto(st, &job, s->expr, &er, &used);
		if (rc)
			goto out;
		if (er == EXPR_UNKNOWN && !(result && note)) {
			printf("step %s: unknown (a fact could not be read); check it by hand and "
			       "record --result pass|fail --note WHAT-YOU-SAW\n", s->id);
			rc = EXIT_PROBE_INCOMPLETE;
			goto out;
		}
		if (er != EXPR_UNKNOWN) {
			if (result && strcmp(result, expr_result_name(er)) != 0) {
				rc = fail("the device itself says %s: record it as it is",
					  expr_result_name(er));
				goto out;
			}
			result = expr_result_name(er);
		}
	} else if (!result) {
		rc = fail("step '%s' is a check: give --result pass or fail", s->id);
		goto out;
	}
	snprintf(rec.step_id, sizeof(rec.step_id), "%s", s->id);
	rec.user_id = user.id;
	snprintf(rec.result, sizeof(rec.result), "%s", result);
	rec.value = (char *)value;
	rec.note = (char *)note;
	if (json_array_size(parts))
		rec.parts = parts_text = json_dumps(parts, JSON_COMPACT);
	if (used)
		rec.facts = facts_text = json_dumps(used, JSON_COMPACT | FACTS_JSON_FLAGS);
	rec.corrects = corrects;
	je = job_append(st, job_id, &rec, &rec_id);
	if (je != JOB_OK) {
		rc = fail("%s", je == JOB_ESTORE ? store_last_error_message() : job_strerror(je));
		goto out;
	}
	printf("recorded: job %lld step %s: %s (record %d%s)\n", job_id, s->id, result, rec.seq,
	       corrects ? ", a correction" : "");
out:
	json_decref(parts);
	json_decref(used);
	json_decref(redo);
	free(parts_text);
	free(facts_text);
	checklist_free(c);
	return rc;
}

/* Grade G, the NUMBER-th of its job, as JSON: what `job show --json` prints for it. */
static json_t *grade_json(struct store *st, const struct store_grade *g, size_t number)
{
	struct store_user by, acker;
	json_t *o, *v;

	if (store_user_get(st, g->by_user, &by) != STORE_OK)
		by.name[0] = '\0';
	o = json_pack("{s:I, s:s, s:s, s:s, s:I, s:I, s:b}", "grade", (json_int_t)number,
		      "verdict", g->verdict, "feedback", g->feedback ? g->feedback : "", "by",
		      by.name, "t_ms", (json_int_t)g->t_ms, "submitted_ms",
		      (json_int_t)g->submitted_ms, "acknowledged", g->ack_user != 0);
	v = g->redo ? json_loads(g->redo, 0, NULL) : NULL;
	json_object_set_new(o, "redo", v ? v : json_null());
	v = g->scores ? json_loads(g->scores, 0, NULL) : NULL;
	json_object_set_new(o, "scores", v ? v : json_null());
	if (g->ack_user && store_user_get(st, g->ack_user, &acker) == STORE_OK) {
		json_object_set_new(o, "ack_by", json_string(acker.name));
		json_object_set_new(o, "ack_t_ms", json_integer(g->ack_ms));
	} else {
		json_object_set_new(o, "ack_by", json_null());
		json_object_set_new(o, "ack_t_ms", json_null());
	}
	return o;
}

/* Print grade G (grade_json()) for a person, each line starting with INDENT; the rubric
 * of C (may be NULL) gives each score its maximum. */
static void print_grade(const json_t *g, const struct checklist *c, const char *indent)
{
	const json_t *scores = json_object_get(g, "scores"), *v;
	const char *item;
	char when[32], list[1024];

	printf("%sgrade %lld: %s, by %s, %s; ", indent,
	       (long long)json_integer_value(json_object_get(g, "grade")),
	       json_string_value(json_object_get(g, "verdict")),
	       json_string_value(json_object_get(g, "by")),
	       clock_iso8601(json_integer_value(json_object_get(g, "t_ms")), when, sizeof(when)));
	if (json_is_true(json_object_get(g, "acknowledged")))
		printf("acknowledged by %s, %s\n", json_string_value(json_object_get(g, "ack_by")),
		       clock_iso8601(json_integer_value(json_object_get(g, "ack_t_ms")), when,
				     sizeof(when)));
	else
		printf("not acknowledged yet\n");
	if (json_is_array(json_object_get(g, "redo")))
		printf("%s  redo: %s\n", indent,
		       array_join(json_object_get(g, "redo"), list, sizeof(list)));
	if (json_object_size(scores)) {
		const char *sep = " ";

		printf("%s  scores:", indent);
		json_object_foreach((json_t *)scores, item, v) {
			int max = 0;

			for (size_t i = 0; c && i < c->n_rubric; i++)
				if (strcmp(c->rubric[i].id, item) == 0)
					max = c->rubric[i].max;
			printf("%s%s %lld", sep, item, (long long)json_integer_value(v));
			sep = ", ";
			if (max)
				printf("/%d", max);
		}
		putchar('\n');
	}
	printf("%s  feedback: %s\n", indent, json_string_value(json_object_get(g, "feedback")));
}

/* 1 when RECS (job_json() records) hold a record of STEP made at T_MS or later. */
static int recorded_since(const json_t *recs, const char *step, long long t_ms)
{
	size_t k;
	json_t *r;

	json_array_foreach(recs, k, r)
		if (strcmp(json_string_value(json_object_get(r, "step")), step) == 0 &&
		    json_integer_value(json_object_get(r, "t_ms")) >= t_ms)
			return 1;
	return 0;
}

static json_t *job_json(struct store *st, const struct store_job *job, const struct checklist *c)
{
	struct store_step *steps = NULL;
	struct store_user u;
	size_t n = 0;
	json_t *o, *recs = json_array();

	if (store_user_get(st, job->trainee_id, &u) != STORE_OK)
		u.name[0] = '\0';
	o = json_pack("{s:I, s:I, s:s, s:i, s:s, s:s, s:s, s:I}", "id", (json_int_t)job->id,
		      "device", (json_int_t)job->device_id, "checklist", job->checklist_id,
		      "checklist_version", job->checklist_version, "checklist_hash",
		      job->checklist_hash, "trainee", u.name, "state", job->state, "started_ms",
		      (json_int_t)job->started_ms);
	if (store_steps_of(st, job->id, &steps, &n) == STORE_OK) {
		for (size_t i = 0; i < n; i++) {
			struct store_user by;
			json_t *r;

			if (store_user_get(st, steps[i].user_id, &by) != STORE_OK)
				by.name[0] = '\0';
			r = json_pack("{s:i, s:s, s:s, s:s, s:I, s:I}", "record", steps[i].seq, "step",
				      steps[i].step_id, "result", steps[i].result, "by", by.name, "t_ms",
				      (json_int_t)steps[i].t_ms, "spent_ms",
				      (json_int_t)steps[i].spent_ms);
			json_object_set_new(r, "value",
					    steps[i].value ? json_string(steps[i].value) : json_null());
			json_object_set_new(r, "note",
					    steps[i].note ? json_string(steps[i].note) : json_null());
			json_object_set_new(r, "parts", steps[i].parts ? json_loads(steps[i].parts, 0, NULL)
								      : json_null());
			json_object_set_new(r, "facts", steps[i].facts ? json_loads(steps[i].facts, 0, NULL)
								      : json_null());
			{
				json_int_t corr_seq = 0;

				for (size_t k = 0; k < i; k++)
					if (steps[k].id == steps[i].corrects)
						corr_seq = steps[k].seq;
				json_object_set_new(r, "corrects",
						    corr_seq ? json_integer(corr_seq) : json_null());
			}
			json_array_append_new(recs, r);
		}
		store_steps_free(steps, n);
	}
	json_object_set_new(o, "records", recs);
	if (c) {
		json_t *todo = json_array();

		for (size_t i = 0; i < c->n_steps; i++) {
			int done = 0;
			size_t k;
			json_t *r;

			json_array_foreach(recs, k, r)
				done |= strcmp(json_string_value(json_object_get(r, "step")),
					       c->steps[i].id) == 0;
			if (!done)
				json_array_append_new(todo, json_string(c->steps[i].id));
		}
		json_object_set_new(o, "steps_to_do", todo);
	}
	json_object_set_new(o, "submitted_ms",
			    job->submitted_ms ? json_integer(job->submitted_ms) : json_null());
	{
		struct store_grade *grades = NULL;
		json_t *arr = json_array(), *redo = NULL, *left = json_array();
		long long grade_ms = 0;
		size_t ng = 0;

		if (store_grades_of(st, job->id, &grades, &ng) == STORE_OK)
			for (size_t i = 0; i < ng; i++)
				json_array_append_new(arr, grade_json(st, &grades[i], i + 1));
		store_grades_free(grades, ng);
		json_object_set_new(o, "grades", arr);
		/* Steps sent back for redo that have no record since the grade. */
		if (redo_in_force(st, job, &redo, &grade_ms) == EXIT_OK && redo) {
			size_t i;
			json_t *step;

			json_array_foreach(redo, i, step)
				if (!recorded_since(recs, json_string_value(step), grade_ms))
					json_array_append(left, step);
		}
		json_decref(redo);
		json_object_set_new(o, "steps_to_redo", left);
	}
	return o;
}

static int cmd_show(struct store *st, int argc, char **argv)
{
	struct store_job job;
	struct checklist *c = NULL;
	long long id;
	int json = argc == 3 && strcmp(argv[2], "--json") == 0;
	json_t *o;
	size_t i;
	json_t *r;

	if ((argc != 2 && !json) || !parse_job_id(argv[1], &id))
		return cli_usage_error("job", "usage: job show JOB [--json]");
	if (store_job_get(st, id, &job) != STORE_OK)
		return fail("no job %s", argv[1]);
	if (load_pinned(st, &job, &c) != EXIT_OK)
		c = NULL;
	o = job_json(st, &job, c);
	if (json) {
		json_dumpf(o, stdout, JSON_INDENT(2) | FACTS_JSON_FLAGS);
		putchar('\n');
	} else {
		printf("job %lld: %s v%d, trainee %s, %s\n", id, job.checklist_id,
		       job.checklist_version,
		       json_string_value(json_object_get(o, "trainee")), job.state);
		json_array_foreach(json_object_get(o, "records"), i, r) {
			printf("  #%-3lld %-28s %-7s %5llds  by %s",
			       (long long)json_integer_value(json_object_get(r, "record")),
			       json_string_value(json_object_get(r, "step")),
			       json_string_value(json_object_get(r, "result")),
			       (long long)json_integer_value(json_object_get(r, "spent_ms")) / 1000,
			       json_string_value(json_object_get(r, "by")));
			if (json_is_string(json_object_get(r, "value")))
				printf("  value %s", json_string_value(json_object_get(r, "value")));
			if (json_is_string(json_object_get(r, "note")))
				printf("  note: %s", json_string_value(json_object_get(r, "note")));
			if (json_is_integer(json_object_get(r, "corrects")))
				printf("  (corrects #%lld)",
				       (long long)json_integer_value(json_object_get(r, "corrects")));
			putchar('\n');
		}
		if (json_array_size(json_object_get(o, "steps_to_do"))) {
			printf("  to do:");
			json_array_foreach(json_object_get(o, "steps_to_do"), i, r)
				printf(" %s", json_string_value(r));
			putchar('\n');
		}
		if (json_array_size(json_object_get(o, "steps_to_redo"))) {
			printf("  to redo:");
			json_array_foreach(json_object_get(o, "steps_to_redo"), i, r)
				printf(" %s", json_string_value(r));
			putchar('\n');
		}
		json_array_foreach(json_object_get(o, "grades"), i, r)
			print_grade(r, c, "  ");
	}
	json_decref(o);
	checklist_free(c);
	return EXIT_OK;
}

/* The id of the checklist that wipes a device's data, from the certification policy. */
static void wipe_checklist_id(const struct cli_global *g, char *out, size_t size)
{
	struct policy p;
	char dir[4096], why[1024];

	policy_defaults(&p);
	if (cli_data_dir(g, dir, sizeof(dir)) == EXIT_OK &&
	    policy_load(&p, dir, why, sizeof(why)) != POLICY_OK)
		fprintf(stderr, "atelier job: warning: %s; the wipe checklist is taken to be '%s'\n",
			why, p.wipe_checklist);
	snprintf(out, size, "%s", p.wipe_checklist);
}

static int cmd_submit(const struct cli_global *g, struct store *st, int argc, char **argv)
{
	char wipe[POLICY_ID_MAX];
	struct store_job job;
	struct checklist *c = NULL;
	long long id;
	json_t *o, *todo;
	int rc;

	if (argc != 2 || !parse_job_id(argv[1], &id))
		return cli_usage_error("job", "usage: job submit JOB");
	if (store_job_get(st, id, &job) != STORE_OK)
		return fail("no job %s", argv[1]);
	if (strcmp(job.state, "open") != 0)
		return fail("job %s is already submitted", argv[1]);
	rc = load_pinned(st, &job, &c);
	if (rc)
		return rc;
	o = job_json(st, &job, c);
	todo = json_object_get(o, "steps_to_do");
	for (size_t i = 0; i < json_array_size(todo); i++) {
		const struct checklist_step *s = find_step(c, json_string_value(json_array_get(todo, i)));

		if (s && s->required) {
			fprintf(stderr, "atelier job: step '%s' is required and not done yet\n", s->id);
			rc = EXIT_FAILURE_OTHER;
		}
	}
	/* A required step whose last word is "skip" is not done either. */
	for (size_t i = 0; i < c->n_steps; i++) {
		json_t *recs = json_object_get(o, "records"), *r, *last = NULL;
		size_t k;

		if (!c->steps[i].required)
			continue;
		json_array_foreach(recs, k, r)
			if (strcmp(json_string_value(json_object_get(r, "step")), c->steps[i].id) == 0)
				last = r;
		if (last && strcmp(json_string_value(json_object_get(last, "result")), "skip") == 0) {
			fprintf(stderr, "atelier job: step '%s' is required and was skipped\n",
				c->steps[i].id);
			rc = EXIT_FAILURE_OTHER;
		}
	}
	/* After a redo, each step sent back needs a record made since the grade. */
	{
		json_t *left = json_object_get(o, "steps_to_redo"), *v;
		size_t i;

		json_array_foreach(left, i, v) {
			fprintf(stderr,
				"atelier job: step '%s' is to be redone and has no new record "
				"since the grade\n",
				json_string_value(v));
			rc = EXIT_FAILURE_OTHER;
		}
	}
	if (!rc) {
		if (store_job_set_state(st, id, "submitted", clock_wall_ms()) != STORE_OK)
			rc = fail("cannot submit (%s)", store_last_error_message());
		else
			printf("job %lld submitted for grading\n", id);
		/* The wipe checklist's promise: this computer forgets its pairing. */
		wipe_checklist_id(g, wipe, sizeof(wipe));
		if (!rc && strcmp(job.checklist_id, wipe) == 0 && job_forget_pairing(st, &job))
			printf("this computer's pairing with the device is removed\n");
	}
	json_decref(o);
	checklist_free(c);
	return rc;
}

static int cmd_list(struct store *st, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "device", required_argument, NULL, 'd' },
		{ "trainee", required_argument, NULL, 't' },
		{ "state", required_argument, NULL, 's' },
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	const char *state = NULL;
	long long device_id = 0, trainee_id = 0;
	struct store_job *jobs = NULL;
	size_t n = 0;
	int ch, json = 0;

	optind = 0;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "d:t:s:j", opts, NULL)) != -1) {
		switch (ch) {
		case 'd': {
			struct store_device_row dev;

			if (store_find_device(st, optarg, &dev) != STORE_OK)
				return fail("no device '%s' is known", optarg);
			device_id = dev.id;
			break;
		}
		case 't': {
			struct store_user u;

			if (store_user_find(st, optarg, &u) != STORE_OK)
				return fail("no user '%s'", optarg);
			trainee_id = u.id;
			break;
		}
		case 's':
			state = optarg;
			break;
		case 'j':
			json = 1;
			break;
		default:
			return cli_usage_error("job", "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (store_job_list(st, device_id, trainee_id, state, &jobs, &n) != STORE_OK)
		return fail("cannot list jobs (%s)", store_last_error_message());
	if (json) {
		json_t *arr = json_array();

		for (size_t i = 0; i < n; i++)
			json_array_append_new(arr, json_pack("{s:I, s:I, s:s, s:i, s:s}", "id",
							     (json_int_t)jobs[i].id, "device",
							     (json_int_t)jobs[i].device_id, "checklist",
							     jobs[i].checklist_id, "checklist_version",
							     jobs[i].checklist_version, "state",
							     jobs[i].state));
		json_dumpf(arr, stdout, JSON_INDENT(2));
		putchar('\n');
		json_decref(arr);
	} else {
		for (size_t i = 0; i < n; i++)
			printf("job %-5lld device %-5lld %-28s v%-3d %s\n", jobs[i].id,
			       jobs[i].device_id, jobs[i].checklist_id, jobs[i].checklist_version,
			       jobs[i].state);
		if (n == 0)
			puts("no job");
	}
	free(jobs);
	return EXIT_OK;
}

static int cmd_verify(struct store *st, int argc, char **argv)
{
	char why[256];
	long long id;
	int bad;
	enum job_err e;

	if (argc != 2 || !parse_job_id(argv[1], &id))
		return cli_usage_error("job", "usage: job verify JOB");
	e = job_verify(st, id, &bad, why, sizeof(why));
	if (e == JOB_OK) {
		printf("job %lld: every record matches its chain\n", id);
		return EXIT_OK;
	}
	if (e == JOB_ETAMPERED) {
		fprintf(stderr, "atelier job: job %lld has been altered: %s\n", id, why);
		return EXIT_DB_REFUSED;
	}
	return fail("%s", job_strerror(e));
}

/* Add the comma-separated step ids of ARG to the JSON array REDO, each once. 0 when an id
 * is empty or too long, or there are too many. */
static int add_redo_steps(json_t *redo, const char *arg)
{
	const char *p = arg;

	for (;;) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		char id[CHECKLIST_MAX_ID + 1];

		if (len == 0 || len > CHECKLIST_MAX_ID ||
		    json_array_size(redo) >= CHECKLIST_MAX_STEPS)
			return 0;
		memcpy(id, p, len);
		id[len] = '\0';
		if (!array_has(redo, id))
			json_array_append_new(redo, json_string(id));
		if (!comma)
			return 1;
		p = comma + 1;
	}
}

/* Add ITEM=N of ARG to the JSON object SCORES. 0 when it is not of that form, or ITEM is
 * there already. */
static int add_score(json_t *scores, const char *arg)
{
	const char *eq = strchr(arg, '=');
	char item[CHECKLIST_MAX_ID + 1], *end;
	size_t len;
	long n;

	if (!eq || eq == arg || (len = (size_t)(eq - arg)) > CHECKLIST_MAX_ID ||
	    json_object_size(scores) >= GRADE_MAX_SCORES)
		return 0;
	memcpy(item, arg, len);
	item[len] = '\0';
	n = strtol(eq + 1, &end, 10);
	if (end == eq + 1 || *end || n < -1000 || n > 1000 || json_object_get(scores, item))
		return 0;
	json_object_set_new(scores, item, json_integer(n));
	return 1;
}

static int cmd_grade(struct store *st, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "verdict", required_argument, NULL, 'v' },
		{ "redo", required_argument, NULL, 'r' },
		{ "score", required_argument, NULL, 's' },
		{ "feedback", required_argument, NULL, 'f' },
		{ "by", required_argument, NULL, 'b' },
		{ NULL, 0, NULL, 0 },
	};
	const char *verdict = NULL, *feedback_arg = NULL, *by = NULL;
	char feedback[GRADE_FEEDBACK_MAX + 1], why[512];
	struct store_grade g = { 0 }, last;
	struct store_job job;
	struct store_user grader, trainee;
	struct checklist *c = NULL;
	json_t *redo = json_array(), *scores = json_object(), *shown = NULL;
	long long job_id, grade_id = 0;
	enum store_err err;
	int ch, rc = EXIT_OK;

	optind = 0;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "v:r:s:f:b:", opts, NULL)) != -1) {
		switch (ch) {
		case 'v':
			verdict = optarg;
			break;
		case 'r':
			if (!add_redo_steps(redo, optarg)) {
				rc = cli_usage_error("job",
						     "--redo takes step ids separated by "
						     "commas, not '%s'",
						     optarg);
				goto out;
			}
			break;
		case 's':
			if (!add_score(scores, optarg)) {
				rc = cli_usage_error("job",
						     "--score takes ITEM=N (a whole number), "
						     "once per item, not '%s'",
						     optarg);
				goto out;
			}
			break;
		case 'f':
			feedback_arg = optarg;
			break;
		case 'b':
			by = optarg;
			break;
		default:
			rc = cli_usage_error("job", "unknown option '%s'", argv[optind - 1]);
			goto out;
		}
	}
	if (argc - optind != 1 || !parse_job_id(argv[optind], &job_id)) {
		rc = cli_usage_error("job", "job grade needs JOB (a number)");
		goto out;
	}
	if (!verdict || (strcmp(verdict, "approved") != 0 && strcmp(verdict, "redo") != 0)) {
		rc = cli_usage_error("job", "job grade needs --verdict approved or redo");
		goto out;
	}
	if (!feedback_arg || strlen(feedback_arg) > GRADE_FEEDBACK_MAX ||
	    text_clean(feedback_arg, feedback, sizeof(feedback)) == 0) {
		rc = cli_usage_error("job",
				     "job grade needs --feedback TEXT (1 to %d bytes): what the "
				     "trainee did well and what to do better",
				     GRADE_FEEDBACK_MAX);
		goto out;
	}
	if (!by) {
		rc = cli_usage_error("job", "job grade needs --by NAME: the instructor who grades");
		goto out;
	}
	if (strcmp(verdict, "redo") == 0 && json_array_size(redo) == 0) {
		rc = cli_usage_error("job", "a redo names the steps to do again: --redo STEP,...");
		goto out;
	}
	if (strcmp(verdict, "approved") == 0 && json_array_size(redo)) {
		rc = cli_usage_error("job",
				     "an approved job has nothing to redo: leave out --redo");
		goto out;
	}

	if (store_job_get(st, job_id, &job) != STORE_OK) {
		rc = fail("no job %lld", job_id);
		goto out;
	}
	err = store_grade_last(st, job_id, &last);
	if (err == STORE_OK) {
		if (strcmp(job.state, "submitted") == 0 && last.submitted_ms == job.submitted_ms)
			rc = fail("job %lld is already graded for this submission (%s): a new "
				  "grade comes after the next submission",
				  job_id, last.verdict);
		else if (strcmp(job.state, "open") == 0)
			rc = fail("job %lld went back to its trainee for redo and is not submitted "
				  "again yet", job_id);
		store_grade_release(&last);
		if (rc)
			goto out;
	}
	if (strcmp(job.state, "submitted") != 0) {
		rc = fail("job %lld is not submitted yet: only submitted work is graded", job_id);
		goto out;
	}
	if (store_user_find(st, by, &grader) != STORE_OK || !grader.active) {
		rc = fail("'%s' is not an active user (atelier user list)", by);
		goto out;
	}
	if (!grade_may(st, &job, &grader, why, sizeof(why))) {
		rc = fail("%s", why);
		goto out;
	}
	rc = load_pinned(st, &job, &c);
	if (rc)
		goto out;
	if (!grade_fits(c, verdict, redo, scores, why, sizeof(why))) {
		rc = fail("%s", why);
		goto out;
	}

	g.job_id = job_id;
	g.submitted_ms = job.submitted_ms;
	snprintf(g.verdict, sizeof(g.verdict), "%s", verdict);
	g.redo = json_array_size(redo) ? json_dumps(redo, JSON_COMPACT) : NULL;
	g.scores = json_object_size(scores) ? json_dumps(scores, JSON_COMPACT | JSON_SORT_KEYS)
					    : NULL;
	g.feedback = feedback;
	g.by_user = grader.id;
	g.t_ms = clock_wall_ms();
	err = store_grade_add(st, &g, &grade_id);
	free(g.redo);
	free(g.scores);
	if (err == STORE_ESTALE) {
		rc = fail("job %lld changed meanwhile (graded or reopened by someone else): look "
			  "at it again (atelier job show %lld)", job_id, job_id);
		goto out;
	}
	if (err) {
		rc = fail("cannot record the grade (%s)", store_last_error_message());
		goto out;
	}
	if (store_user_get(st, job.trainee_id, &trainee) != STORE_OK)
		snprintf(trainee.name, sizeof(trainee.name), "the trainee");
	{
		struct store_grade *all = NULL;
		size_t n = 0;

		if (store_grades_of(st, job_id, &all, &n) == STORE_OK && n)
			shown = grade_json(st, &all[n - 1], n);
		store_grades_free(all, n);
	}
	printf("job %lld graded: %s\n", job_id, verdict);
	if (shown)
		print_grade(shown, c, "  ");
	if (strcmp(verdict, "redo") == 0)
		printf("job %lld is open again for %s: only the steps to redo can be recorded, "
		       "then it is submitted again\n",
		       job_id, trainee.name);
	printf("%s reads it with 'atelier job show %lld' and acknowledges it with 'atelier job "
	       "ack %lld --by %s'\n", trainee.name, job_id, job_id, trainee.name);
out:
	json_decref(redo);
	json_decref(scores);
	json_decref(shown);
	checklist_free(c);
	return rc;
}

static int cmd_ack(struct store *st, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "by", required_argument, NULL, 'b' },
		{ NULL, 0, NULL, 0 },
	};
	struct store_grade *grades = NULL;
	struct store_job job;
	struct store_user user, trainee;
	struct checklist *c = NULL;
	const char *by = NULL;
	json_t *shown = NULL;
	long long job_id;
	size_t n = 0;
	enum store_err err;
	int ch, rc = EXIT_OK;

	optind = 0;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "b:", opts, NULL)) != -1) {
		if (ch == 'b')
			by = optarg;
		else
			return cli_usage_error("job", "unknown option '%s'", argv[optind - 1]);
	}
	if (argc - optind != 1 || !parse_job_id(argv[optind], &job_id) || !by)
		return cli_usage_error("job", "usage: job ack JOB --by NAME");
	if (store_job_get(st, job_id, &job) != STORE_OK)
		return fail("no job %lld", job_id);
	if (store_user_find(st, by, &user) != STORE_OK || !user.active)
		return fail("'%s' is not an active user (atelier user list)", by);
	if (user.id != job.trainee_id) {
		if (store_user_get(st, job.trainee_id, &trainee) != STORE_OK)
			snprintf(trainee.name, sizeof(trainee.name), "?");
		return fail("only the trainee of job %lld (%s) acknowledges its grade", job_id,
			    trainee.name);
	}
	if (store_grades_of(st, job_id, &grades, &n) != STORE_OK)
		return fail("cannot read the grades of job %lld (%s)", job_id,
			    store_last_error_message());
	if (n == 0) {
		rc = fail("job %lld has no grade yet", job_id);
		goto out;
	}
	/* The latest grade is the one in force; older ones were acknowledged or replaced. */
	err = store_grade_ack(st, grades[n - 1].id, user.id, clock_wall_ms());
	if (err != STORE_OK && err != STORE_EEXIST) {
		rc = fail("cannot record the acknowledgement (%s)", store_last_error_message());
		goto out;
	}
	if (err == STORE_OK) {
		/* Read it again, with the acknowledgement just recorded. */
		store_grades_free(grades, n);
		grades = NULL;
		if (store_grades_of(st, job_id, &grades, &n) != STORE_OK || n == 0) {
			rc = fail("cannot read the grades of job %lld (%s)", job_id,
				  store_last_error_message());
			goto out;
		}
	}
	if (load_pinned(st, &job, &c) != EXIT_OK)
		c = NULL;
	shown = grade_json(st, &grades[n - 1], n);
	printf("job %lld, %s v%d: %s\n", job_id, job.checklist_id, job.checklist_version,
	       grades[n - 1].verdict);
	print_grade(shown, c, "  ");
	if (err == STORE_EEXIST)
		printf("already acknowledged: nothing changed\n");
	else
		printf("acknowledged by %s\n", user.name);
	if (strcmp(grades[n - 1].verdict, "redo") == 0 && strcmp(job.state, "open") == 0)
		printf("next: record the steps to redo (atelier job step %lld STEP), then submit "
		       "again (atelier job submit %lld)\n", job_id, job_id);
out:
	json_decref(shown);
	checklist_free(c);
	store_grades_free(grades, n);
	return rc;
}

int cli_cmd_job(const struct cli_global *g, int argc, char **argv)
{
	static const struct cli_sub subs[] = {
		{ "start", NULL, cmd_start },
		{ "step", cmd_step, NULL },
		{ "show", cmd_show, NULL },
		{ "submit", NULL, cmd_submit },
		{ "list", cmd_list, NULL },
		{ "verify", cmd_verify, NULL },
		{ "grade", cmd_grade, NULL },
		{ "ack", cmd_ack, NULL },
		{ NULL, NULL, NULL },
	};

	return cli_run_sub(g, "job", job_usage, subs, argc, argv);
}
