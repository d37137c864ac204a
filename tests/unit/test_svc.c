/*
 * The workshop's rules, called the way every front end calls them (src/svc/svc.h): what
 * a step of each kind accepts, where a job starts and resumes, who may grade, acknowledge
 * or move a device, and what the views say. No phone is involved: the device is known
 * from a reading kept in the records, and the checklists are written for the test.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <jansson.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "../lib/records_here.h"
#include "store/store.h"
#include "svc/svc.h"
#include "svc/svc_int.h" /* svc_trend(): a rule with no view of its own */
#include "util/clock.h"
#include "util/secret.h"

static char dir[64], lists[96];
static struct bench *b;
static json_t *view;

#define SERIAL "R58N12345AB"

static const char checks_yaml[] =
	"id: bench-check\nversion: 1\ntitle: {en: \"Bench check\"}\ndifficulty: 1\n"
	"time_minutes: 5\nrubric:\n  - id: care\n    title: {en: \"Careful\"}\n    max: 3\n"
	"steps:\n"
	"  - id: look\n    title: {en: \"Look at it\"}\n    kind: check\n"
	"  - id: voltage\n    title: {en: \"Battery voltage\"}\n    kind: measure\n"
	"    unit: V\n    range: {min: 3.6, max: 4.4}\n"
	"  - id: colour\n    title: {en: \"Colour\"}\n    kind: choice\n    options:\n"
	"      - value: black\n        label: {en: \"Black\"}\n        criteria: {en: \"dark\"}\n"
	"      - value: white\n        label: {en: \"White\"}\n        criteria: {en: \"light\"}\n"
	"  - id: remarks\n    title: {en: \"Remarks\"}\n    kind: note\n    required: false\n"
	"  - id: part\n    title: {en: \"Part fitted\"}\n    kind: parts\n    required: false\n";

/* A checklist that uses every rule of a step, done after bench-check. */
static const char rules_yaml[] =
	"id: bench-rules\nversion: 1\ncategory: diagnostics\ntitle: {en: \"Rules\"}\n"
	"difficulty: 1\ntime_minutes: 5\nprerequisites: [bench-check]\nsteps:\n"
	"  - id: tablet-only\n    title: {en: \"Tablet only\"}\n    kind: check\n"
	"    applies_if: 'device.class == \"tablet\"'\n"
	"  - id: imei\n    title: {en: \"IMEI\"}\n    kind: entry\n    format: imei\n"
	"    records: identity.imei\n"
	"  - id: health\n    title: {en: \"Battery health\"}\n    kind: measure\n    unit: \"%\"\n"
	"    range: {min: 80, max: 100}\n    tester: true\n    records: battery.health_pct\n"
	"  - id: blacklist\n    title: {en: \"Not on a blacklist\"}\n    kind: check\n"
	"    note_required: true\n"
	"  - id: power\n    title: {en: \"It powers on\"}\n    kind: check\n    on_fail: stop\n"
	"  - id: stolen\n    title: {en: \"Not reported stolen\"}\n    kind: check\n"
	"    on_fail: quarantine\n"
	"  - id: last\n    title: {en: \"Last\"}\n    kind: check\n";

static const char android_facts[] =
	"{\"platform\": \"android\", \"identity\": {\"make\": \"samsung\", \"model_id\":"
	" \"SM-A525F\", \"serial\": \"" SERIAL "\"}, \"connection\": {\"via\": \"adb\"},"
	" \"device\": {\"class\": \"phone\"}}";

static void must(enum svc_err got, enum svc_err want)
{
	if (got != want)
		fail_msg("got %s (%s), want %s", svc_strerror(got), svc_why(b), svc_strerror(want));
}

/* A reading of the device SERIAL on ON's records, as the bench makes one: FACTS, at T_MS. */
static void read_by_bench(struct bench *on, const char *platform, const char *serial,
			  const char *facts, long long t_ms)
{
	struct store_probe p = { 0 };

	p.platform = platform;
	p.serial = serial;
	p.t_ms = t_ms;
	p.tool = "test";
	p.facts = facts;
	assert_int_equal(store_record_probe(svc_store(on), &p, NULL), STORE_OK);
}

/* Everyone's secret here: a PIN for trainees, a password for the others. */
static const char *secret_of(const char *name)
{
	return strcmp(name, "amina") == 0 || strcmp(name, "bilal") == 0 ? "13572468"
									  : "a long password";
}

static char me[64];          /* who is signed in on b ("" when nobody) */
static char token[SVC_TOKEN_HEX]; /* the token of the last sign-in */
static char trainee_now[64]; /* the trainee of the last job started: she records steps */

/* NAME signs in on b, for real, as at the bench (nothing when she already is). A refused
 * sign-in leaves the one signed in before. */
static enum svc_err as(const char *name)
{
	json_t *v = NULL;
	enum svc_err err;

	if (strcmp(me, name) == 0)
		return SVC_OK;
	err = svc_login(b, name, secret_of(name), 1, token, &v);
	json_decref(v);
	if (err == SVC_OK)
		snprintf(me, sizeof(me), "%s", name);
	return err;
}

static void user(const char *name, const char *role)
{
	as("boss");
	must(svc_user_add(b, name, role, secret_of(name), NULL, &view), SVC_OK);
	json_decref(view);
}

static int setup(void **state)
{
	char path[160], why[256];
	FILE *fp;

	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/atelier-svc-XXXXXX");
	assert_non_null(mkdtemp(dir));
	assert_int_equal(records_here(dir), 0);
	snprintf(lists, sizeof(lists), "%s/shipped", dir);
	assert_int_equal(mkdir(lists, 0700), 0);
	snprintf(path, sizeof(path), "%s/bench-check.yaml", lists);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fputs(checks_yaml, fp);
	fclose(fp);
	snprintf(path, sizeof(path), "%s/bench-rules.yaml", lists);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fputs(rules_yaml, fp);
	fclose(fp);
	setenv("ATELIER_CHECKLISTS", lists, 1);
	snprintf(path, sizeof(path), "%s/data", dir);
	assert_int_equal(svc_open(path, SVC_OPEN_CREATE, &b, why, sizeof(why)), SVC_OK);
	me[0] = trainee_now[0] = '\0';
	must(svc_init(b, "boss", secret_of("boss"), &view), SVC_OK);
	json_decref(view);
	user("amina", "trainee");
	user("bilal", "trainee");
	user("ines", "instructor");
	user("sam", "instructor");
	read_by_bench(b, "android", SERIAL, android_facts, clock_wall_ms());
	view = NULL;
	return 0;
}

static int teardown(void **state)
{
	char cmd[96];

	(void)state;
	json_decref(view);
	view = NULL;
	svc_close(b);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd);
}

/* A job of CHECKLIST on device SERIAL for TRAINEE, started (or resumed); its number. */
static long long start_on(const char *serial, const char *checklist, const char *trainee)
{
	struct svc_job_start req = { serial, checklist, trainee };
	long long id;

	json_decref(view);
	view = NULL;
	must(as(trainee), SVC_OK);
	snprintf(trainee_now, sizeof(trainee_now), "%s", trainee);
	must(svc_job_start(b, &req, &view), SVC_OK);
	id = json_integer_value(json_object_get(json_object_get(view, "job"), "id"));
	json_decref(view);
	view = NULL;
	return id;
}

/* A job of CHECKLIST on the device for TRAINEE, started (or resumed); its number. */
static long long start_of(const char *checklist, const char *trainee)
{
	return start_on(SERIAL, checklist, trainee);
}

static long long start(const char *trainee)
{
	return start_of("bench-check", trainee);
}

/* The request of a step: JOB's step ID with RESULT, VALUE and NOTE (each may be NULL). */
static struct svc_step step_req(long long job, const char *id, const char *result,
				const char *value, const char *note)
{
	struct svc_step req = { 0 };

	req.job = job;
	req.step = id;
	req.result = result;
	req.value = value;
	req.note = note;
	return req;
}

static enum svc_err step(long long job, const char *id, const char *result, const char *value,
			 const char *note)
{
	struct svc_step req = step_req(job, id, result, value, note);
	enum svc_err err;

	json_decref(view);
	view = NULL;
	if (trainee_now[0])
		as(trainee_now);
	err = svc_job_step(b, &req, &view);
	return err;
}

static int why_says(const char *want)
{
	if (!strstr(svc_why(b), want))
		fail_msg("'%s' does not say '%s'", svc_why(b), want);
	return 1;
}

static int svc_array_has_test(const json_t *arr, const char *s)
{
	size_t i;
	json_t *v;

	json_array_foreach(arr, i, v)
		if (strcmp(json_string_value(v), s) == 0)
			return 1;
	return 0;
}

static const char *str_at(const json_t *o, const char *k1, const char *k2)
{
	const json_t *v = json_object_get(o, k1);

	return json_string_value(k2 ? json_object_get(v, k2) : v);
}

static void a_job_start_moves_the_device_into_repair_and_names_the_first_step(void **state)
{
	struct svc_job_start req = { SERIAL, "bench-check", "amina" };

	(void)state;
	must(as("amina"), SVC_OK);
	must(svc_job_start(b, &req, &view), SVC_OK);
	assert_false(json_is_true(json_object_get(view, "resumed")));
	assert_string_equal(str_at(view, "device_moved", "from"), "intake");
	assert_string_equal(str_at(view, "device_moved", "to"), "in_repair");
	assert_string_equal(str_at(view, "next_step", "id"), "look");
	assert_string_equal(str_at(view, "job", "trainee"), "amina");
	json_decref(view);
	/* The same device and checklist again: the open job goes on, nothing new. */
	must(svc_job_start(b, &req, &view), SVC_OK);
	assert_true(json_is_true(json_object_get(view, "resumed")));
	assert_true(json_is_null(json_object_get(view, "device_moved")));
	assert_int_equal(json_integer_value(json_object_get(json_object_get(view, "job"), "id")), 1);
}

static void a_job_needs_a_known_device_a_checklist_and_an_active_trainee(void **state)
{
	struct svc_job_start req = { "NOSUCH", "bench-check", "amina" };
	json_t *v = NULL;

	char bilal[SVC_TOKEN_HEX];

	(void)state;
	must(as("amina"), SVC_OK);
	must(svc_job_start(b, &req, &v), SVC_ENODEVICE);
	why_says("no device 'NOSUCH' is known");
	req.device = SERIAL;
	req.checklist = "nothing-like-it";
	must(svc_job_start(b, &req, &v), SVC_ENOENT);
	why_says("no checklist 'nothing-like-it'");
	req.checklist = "bench-check";
	/* The trainee is the person signed in: naming another is refused. */
	req.trainee = "nobody";
	must(svc_job_start(b, &req, &v), SVC_EDENIED);
	why_says("--trainee nobody does not match the person signed in (amina)");
	/* bilal signs in, then an admin disables his account: his session is over. */
	must(as("bilal"), SVC_OK);
	memcpy(bilal, token, sizeof(bilal));
	must(as("boss"), SVC_OK);
	must(svc_user_set_active(b, "bilal", 0, &v), SVC_OK);
	json_decref(v);
	must(svc_session_resume(b, bilal), SVC_EAUTH);
	me[0] = '\0';
	req.trainee = "bilal";
	must(svc_job_start(b, &req, &v), SVC_EAUTH);
	why_says("bilal's account is disabled");
	must(as("bilal"), SVC_EAUTH);
	why_says("bilal's account is disabled");
	assert_null(v);
}

static void each_kind_of_step_asks_for_what_it_records(void **state)
{
	long long job;

	(void)state;
	job = start("amina");
	must(step(job, "look", NULL, NULL, NULL), SVC_EINVAL);
	why_says("is a check: give --result pass or fail");
	must(step(job, "look", "maybe", NULL, NULL), SVC_EINVAL);
	why_says("pass, fail or skip");
	must(step(job, "look", "pass", "3.9", NULL), SVC_EINVAL);
	why_says("step 'look' is a check: it takes no --value");
	must(step(job, "voltage", NULL, NULL, NULL), SVC_EINVAL);
	why_says("give the value in V (3.6 to 4.4)");
	must(step(job, "voltage", NULL, "four", NULL), SVC_EINVAL);
	must(step(job, "voltage", NULL, "nan", NULL), SVC_EINVAL);
	must(step(job, "voltage", "pass", "3.1", NULL), SVC_EINVAL);
	why_says("outside the accepted range (3.6 to 4.4 V)");
	must(step(job, "colour", NULL, "green", NULL), SVC_EINVAL);
	why_says("is a choice");
	must(step(job, "remarks", NULL, NULL, NULL), SVC_EINVAL);
	must(step(job, "part", NULL, NULL, NULL), SVC_EINVAL);
	must(step(job, "nothing", "pass", NULL, NULL), SVC_ENOENT);
	/* Nothing refused was recorded. */
	json_decref(view);
	must(svc_job_show(b, job, &view), SVC_OK);
	assert_int_equal(json_array_size(json_object_get(view, "records")), 0);
	/* And what fits is. */
	must(step(job, "voltage", NULL, "3.1", NULL), SVC_OK);
	assert_string_equal(str_at(view, "result", NULL), "fail");
	must(step(job, "voltage", NULL, "4.1", NULL), SVC_OK);
	assert_string_equal(str_at(view, "result", NULL), "pass");
	must(step(job, "colour", NULL, "black", NULL), SVC_OK);
	must(step(job, "remarks", NULL, NULL, "a scratch on the back"), SVC_OK);
	must(step(job, "look", "skip", NULL, NULL), SVC_OK);
	assert_string_equal(str_at(view, "result", NULL), "skip");
}

static void a_required_step_not_done_or_skipped_blocks_the_submission(void **state)
{
	long long job;
	const json_t *missing;

	(void)state;
	job = start("amina");
	must(step(job, "look", "skip", NULL, NULL), SVC_OK);
	must(step(job, "voltage", NULL, "4.0", NULL), SVC_OK);
	json_decref(view);
	view = NULL;
	must(svc_job_submit(b, job, &view), SVC_ESTATE);
	missing = json_object_get(view, "missing");
	assert_int_equal(json_array_size(missing), 2);
	assert_string_equal(json_string_value(json_array_get(missing, 0)),
			    "step 'look' is required and was skipped");
	assert_string_equal(json_string_value(json_array_get(missing, 1)),
			    "step 'colour' is required and not done yet");
	must(step(job, "look", "pass", NULL, NULL), SVC_OK);
	must(step(job, "colour", NULL, "white", NULL), SVC_OK);
	json_decref(view);
	must(svc_job_submit(b, job, &view), SVC_OK);
	must(step(job, "look", "pass", NULL, NULL), SVC_ESTATE);
	why_says("no more steps");
}

static long long submitted_job(const char *trainee)
{
	long long job = start(trainee);

	must(step(job, "look", "pass", NULL, NULL), SVC_OK);
	must(step(job, "voltage", NULL, "4.0", NULL), SVC_OK);
	must(step(job, "colour", NULL, "white", NULL), SVC_OK);
	json_decref(view);
	view = NULL;
	must(svc_job_submit(b, job, &view), SVC_OK);
	return job;
}

/* A policy.yaml with a mistake: the policy names the data wipe, so no job is submitted
 * until it is corrected, and the steps stay recorded. */
static void a_broken_policy_stops_a_submission_and_keeps_the_steps(void **state)
{
	char path[160];
	long long job;
	FILE *fp;

	(void)state;
	snprintf(path, sizeof(path), "%s/data/policy.yaml", dir);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fputs("wipe_checklist: [data-wipe\n", fp);
	fclose(fp);
	job = start("amina");
	must(step(job, "look", "pass", NULL, NULL), SVC_OK);
	must(step(job, "voltage", NULL, "4.0", NULL), SVC_OK);
	must(step(job, "colour", NULL, "white", NULL), SVC_OK);
	json_decref(view);
	view = NULL;
	must(svc_job_submit(b, job, &view), SVC_EINVAL);
	why_says("is not submitted: the certification policy cannot be used");
	why_says("policy.yaml");
	must(svc_job_show(b, job, &view), SVC_OK);
	assert_string_equal(str_at(view, "state", NULL), "open");
	assert_int_equal(json_array_size(json_object_get(view, "records")), 3);
}

static enum svc_err grade(long long job, const char *verdict, const char *redo, int care,
			  const char *by)
{
	struct svc_grade req = { 0 };
	enum svc_err err;

	req.job = job;
	req.verdict = verdict;
	req.redo = json_array();
	if (redo)
		json_array_append_new(req.redo, json_string(redo));
	req.scores = json_object();
	if (care >= 0)
		json_object_set_new(req.scores, "care", json_integer(care));
	req.feedback = "Measured at rest, well noted.";
	req.by = by;
	json_decref(view);
	view = NULL;
	as(by);
	err = svc_job_grade(b, &req, &view);
	json_decref(req.redo);
	json_decref(req.scores);
	return err;
}

static void only_an_instructor_who_did_not_work_on_the_job_grades_it(void **state)
{
	long long job;
	struct svc_step req = { 0 };

	(void)state;
	job = start("amina");
	/* sam shows the trainee how to measure: his record is on the job. */
	req.job = job;
	req.step = "voltage";
	req.value = "4.0";
	req.by = "sam";
	as("sam");
	must(svc_job_step(b, &req, &view), SVC_OK);
	must(step(job, "look", "pass", NULL, NULL), SVC_OK);
	must(step(job, "colour", NULL, "white", NULL), SVC_OK);
	must(grade(job, "approved", NULL, 3, "ines"), SVC_ESTATE);
	why_says("not submitted yet");
	json_decref(view);
	must(svc_job_submit(b, job, &view), SVC_OK);
	must(grade(job, "approved", NULL, 3, "bilal"), SVC_EDENIED);
	why_says("a trainee cannot grade");
	must(grade(job, "approved", NULL, 3, "sam"), SVC_EDENIED);
	why_says("nobody grades their own work: sam recorded step voltage");
	must(grade(job, "approved", NULL, -1, "ines"), SVC_EINVAL);
	why_says("give --score care=N (0 to 3)");
	must(grade(job, "approved", NULL, 9, "ines"), SVC_EINVAL);
	must(grade(job, "redo", NULL, 1, "ines"), SVC_EINVAL);
	why_says("a redo names the steps");
	must(grade(job, "approved", NULL, 3, "ines"), SVC_OK);
	assert_string_equal(str_at(view, "grade", "verdict"), "approved");
	assert_int_equal(json_integer_value(json_object_get(
				 json_object_get(json_object_get(view, "grade"), "score_max"), "care")),
			 3);
	must(grade(job, "approved", NULL, 3, "ines"), SVC_ESTATE);
	why_says("already graded for this submission");
}

static void a_redo_opens_the_job_for_the_named_steps_only(void **state)
{
	long long job;

	(void)state;
	job = submitted_job("amina");
	must(grade(job, "redo", "voltage", 1, "ines"), SVC_OK);
	assert_true(json_is_true(json_object_get(view, "reopened")));
	must(step(job, "look", "pass", NULL, NULL), SVC_ESTATE);
	why_says("step look is not among the steps to redo: voltage");
	json_decref(view);
	view = NULL;
	must(svc_job_submit(b, job, &view), SVC_ESTATE);
	assert_string_equal(json_string_value(json_array_get(json_object_get(view, "missing"), 0)),
			    "step 'voltage' is to be redone and has no new record since the grade");
	must(step(job, "voltage", NULL, "4.1", NULL), SVC_OK);
	json_decref(view);
	must(svc_job_submit(b, job, &view), SVC_OK);
}

static void only_the_trainee_acknowledges_her_grade(void **state)
{
	long long job;

	(void)state;
	job = submitted_job("amina");
	json_decref(view);
	view = NULL;
	must((as("amina"), svc_job_ack(b, job, "amina", &view)), SVC_ESTATE);
	why_says("has no grade yet");
	must(grade(job, "approved", NULL, 2, "ines"), SVC_OK);
	json_decref(view);
	view = NULL;
	must((as("bilal"), svc_job_ack(b, job, "bilal", &view)), SVC_EDENIED);
	/* Another trainee reads amina by her code only (T-002: she was the second account). */
	why_says("only the trainee of job 1 (T-002) acknowledges its grade");
	must((as("amina"), svc_job_ack(b, job, "amina", &view)), SVC_OK);
	assert_false(json_is_true(json_object_get(view, "already")));
	assert_string_equal(str_at(view, "grade", "ack_by"), "amina");
	json_decref(view);
	must((as("amina"), svc_job_ack(b, job, "amina", &view)), SVC_OK);
	assert_true(json_is_true(json_object_get(view, "already")));
}

static void who_moves_a_device_is_the_lifecycles_table(void **state)
{
	struct svc_move req = { SERIAL, "quarantine", "bilal", "Find My is still on" };

	(void)state;
	must(as("bilal"), SVC_OK);
	must(svc_device_set_state(b, &req, &view), SVC_OK);
	assert_string_equal(str_at(view, "from", NULL), "intake");
	json_decref(view);
	view = NULL;
	req.to = "in_repair";
	must(svc_device_set_state(b, &req, &view), SVC_EDENIED);
	why_says("only an instructor or an admin can release a device from quarantine");
	req.by = "ines";
	as("ines");
	req.why = "   ";
	must(svc_device_set_state(b, &req, &view), SVC_EINVAL);
	req.why = "the owner removed it from iCloud";
	req.to = "gone";
	must(svc_device_set_state(b, &req, &view), SVC_EINVAL);
	why_says("'gone' is not a state");
	req.to = "in_repair";
	must(svc_device_set_state(b, &req, &view), SVC_OK);
	json_decref(view);
	/* Nobody starts work on a device set aside. */
	req.to = "quarantine";
	must(svc_device_set_state(b, &req, &view), SVC_OK);
	{
		struct svc_job_start s = { SERIAL, "bench-check", "amina" };
		json_t *v = NULL;

		must(as("amina"), SVC_OK);
		must(svc_job_start(b, &s, &v), SVC_ESTATE);
		why_says("the device is in quarantine");
	}
}

static void the_job_list_says_who_and_how_it_was_graded(void **state)
{
	struct svc_job_filter f = { 0 };
	long long job;

	(void)state;
	job = submitted_job("amina");
	must(grade(job, "approved", NULL, 3, "ines"), SVC_OK);
	json_decref(view);
	/* Graded: no longer waiting for a grade, but approved. */
	f.state = "submitted";
	must(svc_job_list(b, &f, &view), SVC_OK);
	assert_int_equal(json_array_size(view), 0);
	json_decref(view);
	f.state = "approved";
	must(svc_job_list(b, &f, &view), SVC_OK);
	assert_int_equal(json_array_size(view), 1);
	assert_string_equal(str_at(json_array_get(view, 0), "trainee", NULL), "amina");
	assert_string_equal(str_at(json_array_get(view, 0), "verdict", NULL), "approved");
	assert_string_equal(str_at(json_array_get(view, 0), "stage", NULL), "approved");
	json_decref(view);
	view = NULL;
	f.state = "bogus";
	must(svc_job_list(b, &f, &view), SVC_EINVAL);
	why_says("'bogus' is not a stage of a job");
}

/* The device's facts as the rules see them (svc_device_facts()). */
static json_t *device_facts(void)
{
	struct store_device_row dev;
	json_t *facts = NULL;

	assert_int_equal(store_find_device(svc_store(b), SERIAL, &dev), STORE_OK);
	must(svc_device_facts(b, dev.id, &facts), SVC_OK);
	return facts;
}

static long long start_rules(void)
{
	return start_of("bench-rules", "amina");
}

static enum svc_err step_tester(long long job, const char *id, const char *value,
				const char *tester)
{
	struct svc_step req = { 0 };

	req.job = job;
	req.step = id;
	req.value = value;
	req.tester = tester;
	json_decref(view);
	view = NULL;
	if (trainee_now[0])
		as(trainee_now);
	return svc_job_step(b, &req, &view);
}

static void a_checklist_starts_only_after_its_prerequisite_was_submitted(void **state)
{
	struct svc_job_start req = { SERIAL, "bench-rules", "amina" };

	(void)state;
	must(as("amina"), SVC_OK);
	must(svc_job_start(b, &req, &view), SVC_ESTATE);
	why_says("'bench-rules' comes after 'bench-check': do and submit 'bench-check' on this "
		 "device first");
	submitted_job("amina");
	json_decref(view);
	must(svc_job_start(b, &req, &view), SVC_OK);
}

/* Starting a checklist that is already open on the device goes on with that job, for its
 * own trainee only. */
static void an_open_job_goes_on_only_for_its_trainee(void **state)
{
	struct svc_job_start req = { SERIAL, "bench-check", "bilal" };
	long long job;

	(void)state;
	job = start("amina");
	assert_int_equal(start("amina"), job);
	json_decref(view);
	view = NULL;
	must(as("bilal"), SVC_OK);
	must(svc_job_start(b, &req, &view), SVC_ESTATE);
	/* bilal is a trainee: amina is T-002 to her. */
	why_says("is open on this device for T-002: T-002 carries on with it");
}

/* ---- the work a bench's server keeps between steps ----
 * A server records every step on one context that keeps each job's records between
 * steps (svc_keep_work()). Another bench (here: a second context on the same records, as
 * a second process would open them) records on the same job: the server must see its
 * records, whether it can add them to what it keeps or must read the job again. */

/* The job as a context that keeps nothing reads it: its records' steps, in order. */
static void records_are(struct bench *on, long long job, const char *want)
{
	json_t *v = NULL, *rec;
	char got[256] = "";
	size_t i;

	must(svc_job_show(on, job, &v), SVC_OK);
	json_array_foreach(json_object_get(v, "records"), i, rec)
		snprintf(got + strlen(got), sizeof(got) - strlen(got), "%s%s", i ? " " : "",
			 json_string_value(json_object_get(rec, "step")));
	json_decref(v);
	assert_string_equal(got, want);
}

/* A second bench on the same records, signed in as NAME. */
static struct bench *other_bench(const char *name)
{
	char path[160], why[256], tok[SVC_TOKEN_HEX];
	struct bench *o = NULL;
	json_t *v = NULL;

	snprintf(path, sizeof(path), "%s/data", dir);
	if (svc_open(path, SVC_OPEN_STORE, &o, why, sizeof(why)) != SVC_OK)
		fail_msg("the second bench cannot open the records: %s", why);
	if (svc_login(o, name, secret_of(name), 1, tok, &v) != SVC_OK)
		fail_msg("%s cannot sign in on the second bench: %s", name, svc_why(o));
	json_decref(v);
	return o;
}

static enum svc_err step_on(struct bench *on, long long job, const char *id,
			    const char *result, const char *value, const char *note)
{
	struct svc_step req = step_req(job, id, result, value, note);
	json_t *v = NULL;
	enum svc_err err;

	err = svc_job_step(on, &req, &v);
	if (err)
		print_message("# the other bench: %s\n", svc_why(on));
	json_decref(v);
	return err;
}

static void kept_work_sees_another_benchs_records(void)
{
	struct bench *other;
	long long job;

	svc_keep_work(b);
	job = start("amina");
	must(step(job, "look", "pass", NULL, NULL), SVC_OK);
	assert_string_equal(str_at(view, "next_step", "id"), "voltage");
	/* The other bench records the voltage on the same job. */
	other = other_bench("amina");
	must(step_on(other, job, "voltage", NULL, "4.1", NULL), SVC_OK);
	/* The server's next step knows it: what comes next is after the voltage. */
	must(step(job, "colour", NULL, "black", NULL), SVC_OK);
	assert_int_equal(json_integer_value(json_object_get(view, "record")), 3);
	assert_string_equal(str_at(view, "next_step", "id"), "remarks");
	/* Two records of the other bench in a row, one of them correcting the colour. */
	must(step_on(other, job, "colour", NULL, "white", NULL), SVC_OK);
	must(step_on(other, job, "remarks", NULL, NULL, "scratched back"), SVC_OK);
	must(step(job, "part", "skip", NULL, NULL), SVC_OK);
	assert_int_equal(json_integer_value(json_object_get(view, "record")), 6);
	records_are(b, job, "look voltage colour colour remarks part");
	records_are(other, job, "look voltage colour colour remarks part");
	/* The other bench submits it: the server's next step is refused, never recorded. */
	json_decref(view);
	view = NULL;
	must(svc_job_submit(other, job, &view), SVC_OK);
	must(step(job, "remarks", NULL, NULL, "late"), SVC_ESTATE);
	records_are(other, job, "look voltage colour colour remarks part");
	svc_close(other);
}

/* The last two steps of the checklists below: the battery is put back only when healthy. */
#define BATTERY_BACK_STEPS                                                             \
	"  - id: keep\n    title: {en: \"Put the battery back\"}\n    kind: check\n"      \
	"    applies_if: 'battery.health_pct >= 80'\n"                                    \
	"  - id: last\n    title: {en: \"Last\"}\n    kind: check\n"

/* A record of another bench that enters a fact of the device (the battery's health): the
 * server reads the job and the device's facts again, and a step that no longer applies
 * on that fact is no longer asked for there either. */
static const char facts_yaml[] =
	"id: bench-facts\nversion: 1\ntitle: {en: \"Facts\"}\ndifficulty: 1\n"
	"time_minutes: 5\nsteps:\n"
	"  - id: health\n    title: {en: \"Battery health\"}\n    kind: measure\n"
	"    unit: \"%\"\n    range: {min: 0, max: 100}\n    records: battery.health_pct\n"
	BATTERY_BACK_STEPS;

/* A checklist of the test's own, ID, shipped with YAML. */
static void ship_checklist(const char *id, const char *yaml)
{
	char path[160];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s.yaml", lists, id);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fputs(yaml, fp);
	assert_int_equal(fclose(fp), 0);
}

static void kept_work_reads_again_after_another_bench_entered_a_fact(void)
{
	struct bench *other;
	long long job;

	ship_checklist("bench-facts", facts_yaml);
	svc_keep_work(b);
	job = start_of("bench-facts", "amina");
	must(step(job, "last", "pass", NULL, NULL), SVC_OK);
	assert_string_equal(str_at(view, "next_step", "id"), "health");
	/* The other bench measures a worn battery: it is not put back, nothing is left. */
	other = other_bench("amina");
	must(step_on(other, job, "health", NULL, "71", NULL), SVC_OK);
	must(step(job, "last", "pass", NULL, NULL), SVC_OK);
	assert_true(json_is_null(json_object_get(view, "next_step")));
	records_are(b, job, "last health last");
	svc_close(other);
}

/* Another bench reads the device again (a new probe, the battery now worn): a step that
 * applies only to a healthy battery is no longer asked for on the server either. The
 * device's probes are part of the kept work's stamp (store_work_stamp()). */
static const char read_yaml[] =
	"id: bench-read\nversion: 1\ntitle: {en: \"Read\"}\ndifficulty: 1\n"
	"time_minutes: 5\nsteps:\n"
	"  - id: first\n    title: {en: \"First\"}\n    kind: check\n"
	BATTERY_BACK_STEPS;

static void probe_with_health(struct bench *on, double health, long long later_ms)
{
	char facts[512];

	snprintf(facts, sizeof(facts),
		 "{\"platform\": \"android\", \"identity\": {\"make\": \"samsung\", "
		 "\"model_id\": \"SM-A525F\", \"serial\": \"" SERIAL "\"}, \"connection\": "
		 "{\"via\": \"adb\"}, \"device\": {\"class\": \"phone\"}, \"battery\": "
		 "{\"health_pct\": %.1f, \"source\": \"dumpsys battery\"}}",
		 health);
	read_by_bench(on, "android", SERIAL, facts, clock_wall_ms() + later_ms);
}

static void kept_work_reads_again_after_another_bench_read_the_device(void)
{
	struct bench *other;
	long long job;

	ship_checklist("bench-read", read_yaml);
	probe_with_health(b, 92.0, 1000);
	svc_keep_work(b);
	job = start_of("bench-read", "amina");
	must(step(job, "first", "pass", NULL, NULL), SVC_OK);
	assert_string_equal(str_at(view, "next_step", "id"), "keep");
	/* The phone goes to the other bench, which reads it: its battery is worn now. */
	other = other_bench("amina");
	probe_with_health(other, 71.0, 2000);
	must(step(job, "last", "pass", NULL, NULL), SVC_OK);
	assert_true(json_is_null(json_object_get(view, "next_step")));
	records_are(b, job, "first last");
	svc_close(other);
}

/* Another bench sets the device aside while the server keeps the job's work, and the
 * device's state with it (may_record() reads it once): the server's next step is refused
 * as on a context that keeps nothing. The device's state is part of the work's stamp. */
static void kept_work_stops_once_another_bench_sets_the_device_aside(void)
{
	struct svc_move req = { SERIAL, "quarantine", "ines",
				"the phone shows another owner's account" };
	struct bench *other;
	json_t *v = NULL;
	long long job;

	svc_keep_work(b);
	job = start("amina");
	must(step(job, "look", "pass", NULL, NULL), SVC_OK);
	must(step(job, "voltage", NULL, "4.1", NULL), SVC_OK); /* from the kept work */
	other = other_bench("ines");
	if (svc_device_set_state(other, &req, &v) != SVC_OK)
		fail_msg("the other bench cannot set the device aside: %s", svc_why(other));
	json_decref(v);
	must(step(job, "colour", NULL, "black", NULL), SVC_ESTATE);
	why_says("no step can be recorded");
	records_are(other, job, "look voltage");
	svc_close(other);
}

static void a_servers_kept_work_stops_once_the_device_is_set_aside_elsewhere(void **state)
{
	(void)state;
	kept_work_stops_once_another_bench_sets_the_device_aside();
}

static void a_servers_kept_work_reads_again_after_the_device_was_read_elsewhere(void **state)
{
	(void)state;
	kept_work_reads_again_after_another_bench_read_the_device();
}

static void a_servers_kept_work_sees_another_benchs_records(void **state)
{
	(void)state;
	kept_work_sees_another_benchs_records();
}

static void a_servers_kept_work_reads_again_after_a_fact_entered_elsewhere(void **state)
{
	(void)state;
	kept_work_reads_again_after_another_bench_entered_a_fact();
}

/* ---- a server's batches: every chain they move is committed signed ----
 * The server records steps in batches, and a thread of the store's own signs the heads
 * of their chains while a batch goes on (store_seal_later()). It is woken only once a few
 * heads wait; fewer are signed by the commit itself, and a head the batch moved on from
 * is not signed at all. Whichever way, the records must check. */

#define BATCH_DEVICES 10 /* more heads in one batch than wake the thread */

/* Job I of the batch test: on a device of its own, read by the bench like SERIAL. */
static long long start_on_device(int i)
{
	char serial[32], facts[512];

	snprintf(serial, sizeof(serial), "R58N9%06d", i);
	snprintf(facts, sizeof(facts),
		 "{\"platform\": \"android\", \"identity\": {\"make\": \"samsung\", "
		 "\"model_id\": \"SM-A525F\", \"serial\": \"%s\"}, \"connection\": "
		 "{\"via\": \"adb\"}, \"device\": {\"class\": \"phone\"}}",
		 serial);
	read_by_bench(b, "android", serial, facts, clock_wall_ms());
	return start_on(serial, "bench-check", "amina");
}

static void a_servers_batches_commit_every_chain_signed(void **state)
{
	static const char *const colours[] = { "black", "white" };
	long long jobs[BATCH_DEVICES];
	char unsynced[PATH_MAX + 8], why[320];
	(void)state;

	svc_keep_work(b);
	/* The workshop's key is there: heads are signed apart from the writes. */
	assert_true(svc_seal_later(b));
	for (int i = 0; i < BATCH_DEVICES; i++)
		jobs[i] = start_on_device(i);
	if (!svc_batch_begin(b)) /* PostgreSQL: each step commits alone, sealed at once */
		skip();
	/* Two heads: the thread is never woken, the commit signs them. */
	must(step(jobs[0], "look", "pass", NULL, NULL), SVC_OK);
	must(step(jobs[1], "look", "pass", NULL, NULL), SVC_OK);
	must(svc_batch_end(b, unsynced, sizeof(unsynced)), SVC_OK);
	/* The commit did not wait for the disk: its log is named, to be synced. */
	assert_non_null(strstr(unsynced, "atelier.db-wal"));
	must(svc_batch_sync(unsynced, why, sizeof(why)), SVC_OK);
	/* Ten jobs at once: the thread signs while the batch goes on. */
	assert_true(svc_batch_begin(b));
	for (int i = 0; i < BATCH_DEVICES; i++)
		must(step(jobs[i], "voltage", NULL, "4.1", NULL), SVC_OK);
	must(svc_batch_end(b, unsynced, sizeof(unsynced)), SVC_OK);
	/* One job moved twelve times: only its last head is ever committed. */
	assert_true(svc_batch_begin(b));
	for (int i = 0; i < 12; i++)
		must(step(jobs[2], "colour", NULL, colours[i % 2], NULL), SVC_OK);
	for (int i = 3; i < BATCH_DEVICES; i++)
		must(step(jobs[i], "colour", NULL, "black", NULL), SVC_OK);
	must(svc_batch_end(b, unsynced, sizeof(unsynced)), SVC_OK);
	records_are(b, jobs[2], "voltage colour colour colour colour colour colour colour "
				"colour colour colour colour colour");
	/* Every job's chain checks as committed (not as 'db check' leaves it: it signs an
	 * unsigned head first): its head is there, signed, where its records end. */
	for (int i = 0; i < BATCH_DEVICES; i++) {
		struct store_ledger_check c;
		char chain[STORE_CHAIN_MAX];

		snprintf(chain, sizeof(chain), "job:%lld", jobs[i]);
		assert_int_equal(store_ledger_check(svc_store(b), chain, &c), STORE_OK);
		if (c.verdict != STORE_LEDGER_OK)
			fail_msg("%s: %s", chain, c.why);
	}
}

/* The same on PostgreSQL, where other benches' commits come at any time: a database of
 * the test's own on the suite's server (ATELIER_TEST_PG), dropped at the end. */
static char pg_db[64];

static int pg_admin(const char *fmt, const char *name)
{
	char sql[160];
	PGconn *c = PQconnectdb(getenv("ATELIER_TEST_PG"));
	PGresult *r;
	int ok;

	snprintf(sql, sizeof(sql), fmt, name);
	r = PQexec(c, sql);
	ok = PQresultStatus(r) == PGRES_COMMAND_OK;
	if (!ok)
		print_message("# %s: %s", sql, PQerrorMessage(c));
	PQclear(r);
	PQfinish(c);
	return ok;
}

static int setup_pg(void **state)
{
	const char *url = getenv("ATELIER_TEST_PG");
	char mine[1200];
	const char *at;

	pg_db[0] = '\0';
	if (!url || !*url || !(at = strstr(url, "/atelier_test?")))
		return setup(state); /* the test skips itself */
	snprintf(pg_db, sizeof(pg_db), "atelier_kept_%ld", (long)getpid());
	if (!pg_admin("CREATE DATABASE %s", pg_db))
		return -1;
	snprintf(mine, sizeof(mine), "%.*s/%s%s", (int)(at - url), url, pg_db,
		 at + strlen("/atelier_test"));
	setenv("ATELIER_DB", mine, 1);
	return setup(state);
}

static int teardown_pg(void **state)
{
	int rc = teardown(state);

	unsetenv("ATELIER_DB");
	if (pg_db[0] && !pg_admin("DROP DATABASE IF EXISTS %s WITH (FORCE)", pg_db))
		rc = -1;
	return rc;
}

static void skip_without_pg(void)
{
	if (!pg_db[0]) {
		print_message("# ATELIER_TEST_PG is not set: no PostgreSQL to test against\n");
		skip();
	}
}

static void on_pg_a_servers_kept_work_sees_another_benchs_records(void **state)
{
	(void)state;
	skip_without_pg();
	kept_work_sees_another_benchs_records();
}

static void on_pg_a_servers_kept_work_reads_again_after_a_fact_entered_elsewhere(void **state)
{
	(void)state;
	skip_without_pg();
	kept_work_reads_again_after_another_bench_entered_a_fact();
}

static void on_pg_a_servers_kept_work_stops_once_the_device_is_set_aside_elsewhere(
    void **state)
{
	(void)state;
	skip_without_pg();
	kept_work_stops_once_another_bench_sets_the_device_aside();
}

static void on_pg_a_servers_kept_work_reads_again_after_the_device_was_read_elsewhere(
    void **state)
{
	(void)state;
	skip_without_pg();
	kept_work_reads_again_after_another_bench_read_the_device();
}

/* Done out of order, the last step leads back to the first one still to do. */
static void the_next_step_is_the_first_still_to_do(void **state)
{
	long long job;

	(void)state;
	submitted_job("amina");
	job = start_rules();
	must(step(job, "last", "pass", NULL, NULL), SVC_OK);
	assert_string_equal(str_at(view, "next_step", "id"), "imei");
}

static void a_step_for_other_devices_is_left_out(void **state)
{
	long long job;

	(void)state;
	submitted_job("amina");
	job = start_rules();
	must(svc_job_show(b, job, &view), SVC_OK);
	assert_true(svc_array_has_test(json_object_get(view, "steps_not_applicable"), "tablet-only"));
	assert_false(svc_array_has_test(json_object_get(view, "steps_to_do"), "tablet-only"));
	must(step(job, "tablet-only", "pass", NULL, NULL), SVC_ESTATE);
	why_says("step tablet-only is not for this device (only if device.class == \"tablet\")");
}

static void an_imei_typed_by_hand_is_checked_and_fills_the_devices_facts(void **state)
{
	json_t *facts;
	long long job;

	(void)state;
	submitted_job("amina");
	job = start_rules();
	must(step(job, "imei", NULL, "353456789012347", NULL), SVC_EINVAL);
	why_says("the last digit of 353456789012347 does not match the others");
	must(step(job, "imei", NULL, "35345678901234", NULL), SVC_EINVAL);
	why_says("an IMEI is 15 digits");
	must(step(job, "imei", NULL, "353456789012348 / 490154203237518", NULL), SVC_OK);
	facts = device_facts();
	assert_int_equal(json_array_size(json_object_get(json_object_get(facts, "identity"), "imei")),
			 2);
	assert_string_equal(json_string_value(json_array_get(
				    json_object_get(json_object_get(facts, "identity"), "imei"), 1)),
			    "490154203237518");
	assert_string_equal(json_string_value(json_object_get(
				    json_object_get(json_object_get(facts, "entered"), "identity.imei"),
				    "step")),
			    "imei");
	json_decref(facts);
}

static void a_measure_taken_with_a_tester_names_it(void **state)
{
	json_t *facts;
	long long job;

	(void)state;
	submitted_job("amina");
	job = start_rules();
	must(step_tester(job, "health", "86.5", NULL), SVC_EINVAL);
	why_says("say which one (--tester");
	must(step_tester(job, "health", "86.5", "ISDT BG-8S"), SVC_OK);
	assert_string_equal(str_at(view, "result", NULL), "pass");
	facts = device_facts();
	assert_true(json_real_value(json_object_get(json_object_get(facts, "battery"),
						    "health_pct")) == 86.5);
	assert_string_equal(json_string_value(json_object_get(
				    json_object_get(json_object_get(facts, "entered"),
						    "battery.health_pct"),
				    "tester")),
			    "ISDT BG-8S");
	json_decref(facts);
}

/* A trainee measured the battery, then a new reading gives its health: the device's word
 * is the fact, and the measure is no longer named as where it came from (the certificate
 * would otherwise say "measured with" beside the device's own number). */
static void what_the_device_reads_itself_wins_over_a_measure(void **state)
{
	json_t *facts;
	long long job;

	(void)state;
	submitted_job("amina");
	job = start_rules();
	must(step_tester(job, "health", "86.5", "ISDT BG-8S"), SVC_OK);
	probe_with_health(b, 91.0, 1000);
	facts = device_facts();
	assert_true(json_real_value(json_object_get(json_object_get(facts, "battery"),
						    "health_pct")) == 91.0);
	assert_null(json_object_get(json_object_get(facts, "entered"), "battery.health_pct"));
	json_decref(facts);
}

static void a_step_that_asks_for_a_note_needs_one(void **state)
{
	long long job;

	(void)state;
	submitted_job("amina");
	job = start_rules();
	must(step(job, "blacklist", "pass", NULL, NULL), SVC_EINVAL);
	why_says("needs a note");
	must(step(job, "blacklist", "pass", NULL, "imeicheck ref 8842"), SVC_OK);
}

static void a_failed_step_that_stops_waits_for_an_instructor(void **state)
{
	long long job;
	json_t *v = NULL;

	(void)state;
	submitted_job("amina");
	job = start_rules();
	must(step(job, "power", "fail", NULL, NULL), SVC_OK);
	assert_true(json_is_true(json_object_get(view, "stopped")));
	assert_true(json_is_null(json_object_get(view, "next_step")));
	must(step(job, "last", "pass", NULL, NULL), SVC_ESTATE);
	why_says("step power failed (record 1) and stops the job");
	must(svc_job_show(b, job, &view), SVC_OK);
	assert_string_equal(str_at(view, "stopped_by", "step"), "power");
	must((as("bilal"), svc_job_resume(b, job, "bilal", "looks fine to me", &v)), SVC_EDENIED);
	must((as("ines"), svc_job_resume(b, job, "ines", "a second battery makes it start: go on", &v)), SVC_OK);
	json_decref(v);
	must(step(job, "last", "pass", NULL, NULL), SVC_OK);
	/* Done again, the step passes: nothing is stopped, and the next step is named. */
	job = start_rules();
	must(step(job, "power", "pass", NULL, NULL), SVC_OK);
	assert_string_equal(str_at(view, "next_step", "id"), "stolen");
}

static void a_failed_quarantine_step_sets_the_device_aside_at_once(void **state)
{
	json_t *dev = NULL;
	long long job;

	(void)state;
	submitted_job("amina");
	job = start_rules();
	must(step(job, "stolen", "fail", NULL, NULL), SVC_OK);
	assert_true(strstr(str_at(view, "quarantined", "why"), "step stolen failed") != NULL);
	assert_true(json_is_null(json_object_get(view, "next_step")));
	must(svc_device_show(b, SERIAL, &dev), SVC_OK);
	assert_string_equal(str_at(dev, "state", NULL), "quarantine");
	json_decref(dev);
	must(step(job, "last", "pass", NULL, NULL), SVC_ESTATE);
	why_says("the device is in quarantine");
}

static void only_an_instructor_cancels_a_job_and_it_takes_no_more_steps(void **state)
{
	long long job;
	json_t *v = NULL;

	(void)state;
	job = start("amina");
	must((as("amina"), svc_job_cancel(b, job, "amina", "wrong phone", &v)), SVC_EDENIED);
	must((as("ines"), svc_job_cancel(b, job, "ines", "", &v)), SVC_EINVAL);
	must((as("ines"), svc_job_cancel(b, job, "ines", "started on the wrong phone", &v)), SVC_OK);
	json_decref(v);
	must((as("ines"), svc_job_cancel(b, job, "ines", "again", &v)), SVC_ESTATE);
	must(step(job, "look", "pass", NULL, NULL), SVC_ESTATE);
	why_says("is cancelled");
	json_decref(view);
	must(svc_job_show(b, job, &view), SVC_OK);
	assert_string_equal(str_at(view, "cancelled", "by"), "ines");
	/* An approved job stays as it was graded. */
	job = submitted_job("amina");
	must(grade(job, "approved", NULL, 3, "ines"), SVC_OK);
	must((as("ines"), svc_job_cancel(b, job, "ines", "changed my mind", &v)), SVC_ESTATE);
}

/* ---- accounts: who acts is who signed in ---- */

static void nobody_acts_without_signing_in_and_a_by_must_be_the_person_signed_in(void **state)
{
	struct svc_job_start req = { SERIAL, "bench-check", NULL };
	json_t *v = NULL;
	long long job;

	(void)state;
	must(svc_logout(b, &v), SVC_OK); /* boss, who made the accounts, leaves */
	json_decref(v);
	me[0] = '\0';
	must(svc_job_start(b, &req, &v), SVC_EAUTH);
	why_says("nobody is signed in: atelier login NAME");
	job = start("amina");
	/* amina approves her own job in an instructor's name: refused, and kept. */
	must(step(job, "look", "pass", NULL, NULL), SVC_OK);
	{
		struct svc_grade g = { 0 };

		g.job = job;
		g.verdict = "approved";
		g.feedback = "fine";
		g.by = "ines";
		must(svc_job_grade(b, &g, &v), SVC_EDENIED);
		why_says("--by ines does not match the person signed in (amina)");
	}
	must(svc_audit_list(b, 10, &v), SVC_EDENIED); /* a trainee does not read the log */
	must(as("ines"), SVC_OK);
	must(svc_audit_list(b, 50, &v), SVC_OK);
	assert_string_equal(str_at(json_array_get(v, 1), "action", NULL), "refused");
	assert_string_equal(str_at(json_array_get(v, 1), "actor", NULL), "amina");
	json_decref(v);
}

static void a_trainees_pin_signs_in_only_at_the_bench(void **state)
{
	char t[SVC_TOKEN_HEX];
	json_t *v = NULL;

	(void)state;
	must(svc_login(b, "amina", "13572468", 0, t, &v), SVC_EAUTH);
	why_says("a trainee signs in with her PIN only at the bench itself");
	must(svc_login(b, "ines", "a long password", 0, t, &v), SVC_OK);
	json_decref(v);
	must(svc_login(b, "amina", "13572468", 1, t, &v), SVC_OK);
	json_decref(v);
}

static void five_wrong_secrets_lock_the_name_until_an_admin_sets_a_new_one(void **state)
{
	char t[SVC_TOKEN_HEX], wrong_name[128];
	json_t *v = NULL;

	(void)state;
	must(svc_login(b, "nobody", "00000000", 1, t, &v), SVC_EAUTH);
	snprintf(wrong_name, sizeof(wrong_name), "%s", svc_why(b));
	assert_string_equal(wrong_name, "wrong name or secret for nobody");
	for (int i = 0; i < 5; i++) {
		must(svc_login(b, "amina", "00000000", 1, t, &v), SVC_EAUTH);
		why_says("wrong name or secret for amina"); /* as for a name that is not there */
	}
	must(svc_login(b, "amina", "13572468", 1, t, &v), SVC_EAUTH);
	why_says("too many wrong attempts for amina: wait 15 minutes or ask an admin");
	must(as("boss"), SVC_OK);
	must(svc_user_set_secret(b, "amina", NULL, "24681357", &v), SVC_OK);
	json_decref(v);
	must(svc_login(b, "amina", "24681357", 1, t, &v), SVC_OK);
	json_decref(v);
	/* Her own secret changes with the old one only. */
	must(svc_user_set_secret(b, "amina", "13572468", "11223344", &v), SVC_EDENIED);
	json_decref(v); /* a refusal's {field, reason}, when it has one */
	v = NULL;
	must(svc_user_set_secret(b, "amina", "24681357", "1122", &v), SVC_EINVAL);
	json_decref(v); /* a refusal's {field, reason}, when it has one */
	v = NULL;
	why_says("a PIN is 6 to 12 digits");
	must(svc_user_set_secret(b, "amina", "24681357", "11223344", &v), SVC_OK);
	json_decref(v);
}

/* A trainee types her name as she writes it: capitals, accents, spaces do not count. */
static void a_name_signs_in_as_its_person_writes_it(void **state)
{
	char t[SVC_TOKEN_HEX];
	json_t *v = NULL;
	long long id = 0;

	(void)state;
	must(svc_login(b, "Amina", "13572468", 1, t, &v), SVC_OK);
	assert_string_equal(str_at(v, "name", NULL), "amina"); /* the account's own name */
	json_decref(v);
	must(svc_login(b, "ÀMÎNA", "13572468", 1, t, &v), SVC_OK);
	json_decref(v);
	/* Its wrong attempts count for the account, however it was typed; the refusal says
	 * the name as she typed it (it never tells which account a name folds to). */
	for (int i = 0; i < 5; i++) {
		must(svc_login(b, i % 2 ? "AMINA" : "Âmina", "00000000", 1, t, &v), SVC_EAUTH);
		why_says(i % 2 ? "wrong name or secret for AMINA" : "wrong name or secret for Âmina");
	}
	must(svc_login(b, "Amina", "13572468", 1, t, &v), SVC_EAUTH);
	why_says("too many wrong attempts for Amina");
	must(svc_login(b, "amina", "13572468", 1, t, &v), SVC_EAUTH);
	why_says("too many wrong attempts for amina");
	/* No new account is written like another. */
	me[0] = '\0'; /* signed in here as amina, by hand */
	must(as("boss"), SVC_OK);
	must(svc_user_add(b, "Bilal", "trainee", "24681357", NULL, &v), SVC_ESTATE);
	why_says("'Bilal' is too close to the account 'bilal'");
	assert_string_equal(str_at(v, "reason", NULL), "taken");
	json_decref(v);
	v = NULL;
	must(svc_user_add(b, "ines_", "instructor", "a long password", NULL, &v), SVC_ESTATE);
	why_says("'ines_' is too close to the account 'ines'");
	json_decref(v);
	v = NULL;
	/* Two that were (made before this rule, or by hand): only their exact names sign in. */
	assert_int_equal(store_user_add(svc_store(b), "Bilal", ROLE_TRAINEE, NULL, clock_wall_ms(),
					&id),
			 STORE_OK);
	must(svc_user_set_secret(b, "Bilal", NULL, "24681357", &v), SVC_OK);
	json_decref(v);
	must(svc_login(b, "BILAL", "13572468", 1, t, &v), SVC_EAUTH);
	why_says("wrong name or secret for BILAL");
	must(svc_login(b, "bilal", "13572468", 1, t, &v), SVC_OK);
	json_decref(v);
	must(svc_login(b, "Bilal", "24681357", 1, t, &v), SVC_OK);
	assert_string_equal(str_at(v, "name", NULL), "Bilal");
	json_decref(v);
	me[0] = '\0';
}

static void only_an_admin_manages_accounts(void **state)
{
	json_t *v = NULL;

	(void)state;
	must(as("amina"), SVC_OK);
	must(svc_user_add(b, "intruder", "admin", "a long password", NULL, &v), SVC_EDENIED);
	json_decref(v); /* a refusal's {field, reason}, when it has one */
	v = NULL;
	why_says("amina is a trainee: only an admin manages accounts");
	must(svc_user_set_role(b, "amina", "admin", &v), SVC_EDENIED);
	json_decref(v); /* a refusal's {field, reason}, when it has one */
	v = NULL;
	must(svc_user_set_secret(b, "ines", NULL, "a long password 2", &v), SVC_EDENIED);
	json_decref(v); /* a refusal's {field, reason}, when it has one */
	v = NULL;
	must(as("boss"), SVC_OK);
	must(svc_user_add(b, "lea", "instructor", "short", NULL, &v), SVC_EINVAL);
	json_decref(v); /* a refusal's {field, reason}, when it has one */
	v = NULL;
	why_says("a password has at least 10 characters");
	must(svc_user_set_role(b, "amina", "instructor", &v), SVC_OK);
	/* A PIN is no password: the account waits for a new secret. */
	assert_false(json_is_true(json_object_get(v, "has_secret")));
	json_decref(v);
	must(svc_user_set_active(b, "boss", 0, &v), SVC_EDENIED);
	json_decref(v); /* a refusal's {field, reason}, when it has one */
	v = NULL;
}

/* The view of a refusal says which field is at fault, for a screen to say so beside it. */
static void refused_field_is(json_t **v, const char *field, const char *reason)
{
	assert_non_null(*v);
	assert_string_equal(json_string_value(json_object_get(*v, "field")), field);
	assert_string_equal(json_string_value(json_object_get(*v, "reason")), reason);
	json_decref(*v);
	*v = NULL;
}

static void an_admins_refusal_names_the_field_and_the_list_says_who_signed_in_last(void **state)
{
	json_t *v = NULL, *u;
	size_t i;
	int seen = 0;

	(void)state;
	must(as("ines"), SVC_OK);
	must(svc_user_accounts(b, &v), SVC_EDENIED);
	why_says("only an admin manages accounts");
	assert_null(v);
	must(as("boss"), SVC_OK);
	must(svc_user_add(b, "lea trainee", "trainee", "24681357", NULL, &v), SVC_EINVAL);
	refused_field_is(&v, "name", "not-a-name");
	must(svc_user_add(b, "amina", "trainee", "24681357", NULL, &v), SVC_ESTATE);
	refused_field_is(&v, "name", "taken");
	must(svc_user_add(b, "lea", "boss", "24681357", NULL, &v), SVC_EINVAL);
	refused_field_is(&v, "role", "not-a-role");
	must(svc_user_add(b, "lea", "trainee", "12ab56", NULL, &v), SVC_EINVAL);
	refused_field_is(&v, "secret", "not-a-pin");
	must(svc_user_add(b, "lea", "instructor", "short", NULL, &v), SVC_EINVAL);
	refused_field_is(&v, "secret", "too-short");
	must(svc_user_add(b, "lea", "trainee", "24681357", "T 1", &v), SVC_EINVAL);
	refused_field_is(&v, "code", "not-a-code");
	must(svc_user_add(b, "lea", "trainee", "24681357", "amina", &v), SVC_EINVAL);
	refused_field_is(&v, "code", "a-name");
	must(svc_user_set_active(b, "nobody", 0, &v), SVC_ENOENT);
	refused_field_is(&v, "name", "unknown");
	must(svc_user_set_active(b, "boss", 0, &v), SVC_EDENIED);
	refused_field_is(&v, "name", "own-account");
	must(svc_user_set_role(b, "boss", "instructor", &v), SVC_EDENIED);
	refused_field_is(&v, "role", "own-account");
	must(svc_user_set_secret(b, "amina", NULL, "", &v), SVC_EINVAL);
	refused_field_is(&v, "secret", "empty");
	/* The list an admin reads: every account, when each last signed in, never a secret. */
	must(svc_user_accounts(b, &v), SVC_OK);
	json_array_foreach (v, i, u) {
		const char *name = json_string_value(json_object_get(u, "name"));
		json_t *last = json_object_get(u, "last_signin_ms");

		assert_null(json_object_get(u, "secret_hash"));
		if (strcmp(name, "boss") == 0 || strcmp(name, "ines") == 0)
			assert_true(json_integer_value(last) > 0);
		if (strcmp(name, "sam") == 0)
			assert_true(json_is_null(last)); /* never signed in */
		if (strcmp(name, "amina") == 0) /* a trainee's code, for public documents */
			assert_string_equal(json_string_value(json_object_get(u, "code")), "T-002");
		seen++;
	}
	assert_int_equal(seen, 5);
	json_decref(v);
}

static void an_ended_session_is_over(void **state)
{
	char t[SVC_TOKEN_HEX];
	json_t *v = NULL;

	(void)state;
	must(as("ines"), SVC_OK);
	memcpy(t, token, sizeof(t));
	must(svc_logout(b, &v), SVC_OK);
	json_decref(v);
	me[0] = '\0';
	must(svc_session_resume(b, t), SVC_EAUTH);
	why_says("ines's session has ended: sign in again (atelier login ines)");
	must(svc_whoami(b, &v), SVC_EAUTH);
	must(svc_session_resume(b, "not a token"), SVC_EAUTH);
}

/* The training record a trainee keeps: her figures per checklist, her scores on the scale
 * of the rubric her jobs were started with, the latest feedback first, in her language;
 * an instructor names the trainee, and a trainee reads her own only. */
static void a_trainees_record_has_her_figures_scores_and_latest_feedback(void **state)
{
	struct svc_training_req req = { "amina", 0, 0, NULL };
	const json_t *c, *p, *f;
	double shares[3];
	long long j1, j2, last = 0;
	json_t *v = NULL;
	size_t i;

	(void)state;
	j1 = submitted_job("amina");
	must(grade(j1, "approved", NULL, 3, "ines"), SVC_OK);
	j2 = submitted_job("amina");
	must(grade(j2, "redo", "voltage", 1, "ines"), SVC_OK);
	must(step(j2, "voltage", NULL, "4.1", NULL), SVC_OK);
	json_decref(view);
	must(svc_job_submit(b, j2, &view), SVC_OK);
	must(grade(j2, "approved", NULL, 2, "ines"), SVC_OK);
	json_decref(view);
	view = NULL;
	as("ines");
	must(svc_training_doc(b, &req, &view), SVC_OK);
	assert_string_equal(str_at(view, "lang", NULL), "en"); /* no choice: the workshop's */
	c = json_array_get(json_object_get(view, "checklists"), 0);
	assert_string_equal(str_at(c, "title", NULL), "Bench check");
	assert_int_equal(json_integer_value(json_object_get(c, "jobs")), 2);
	assert_int_equal(json_integer_value(json_object_get(c, "approved")), 2);
	assert_true(json_real_value(json_object_get(c, "first_time_rate")) == 0.5);
	assert_int_equal(json_integer_value(json_object_get(c, "redos")), 1);
	assert_true(json_is_null(json_object_get(c, "trend"))); /* two jobs tell no trend */
	/* care out of 3: 3, then 1, then 2, as shares of the maximum, in the order given */
	assert_int_equal(json_array_size(json_object_get(json_object_get(view, "scores"), "points")),
			 3);
	json_array_foreach(json_object_get(json_object_get(view, "scores"), "points"), i, p) {
		assert_true(json_integer_value(json_object_get(p, "t_ms")) >= last);
		last = json_integer_value(json_object_get(p, "t_ms"));
		shares[i] = json_real_value(json_object_get(p, "share")) * 3;
	}
	assert_true(shares[0] + shares[1] + shares[2] > 5.99 && shares[0] + shares[1] + shares[2] < 6.01);
	p = json_array_get(json_object_get(json_object_get(view, "scores"), "items"), 0);
	assert_string_equal(str_at(p, "item_title", NULL), "Careful");
	assert_true(json_real_value(json_object_get(p, "average")) == 2.0);
	assert_int_equal(json_integer_value(json_object_get(p, "max")), 3);
	assert_int_equal(json_integer_value(json_object_get(p, "count")), 3);
	assert_int_equal(json_integer_value(json_object_get(view, "feedback_total")), 3);
	json_array_foreach(json_object_get(view, "feedback"), i, f)
		assert_true(json_integer_value(json_object_get(f, "t_ms")) <=
			    json_integer_value(json_object_get(
				    json_array_get(json_object_get(view, "feedback"), 0), "t_ms")));
	/* her language: the one she chose on the screen, unless another is asked */
	as("amina");
	must(svc_set_lang(b, "fr-be", &v), SVC_OK);
	json_decref(v);
	json_decref(view);
	must(svc_training_doc(b, &req, &view), SVC_OK);
	assert_string_equal(str_at(view, "lang", NULL), "fr");
	req.lang = "nl";
	json_decref(view);
	must(svc_training_doc(b, &req, &view), SVC_OK);
	assert_string_equal(str_at(view, "lang", NULL), "nl");
	req.lang = "de";
	json_decref(view);
	must(svc_training_doc(b, &req, &view), SVC_EINVAL);
	why_says("the language is en, fr or nl, not 'de'");
	/* who */
	req.lang = NULL;
	req.trainee = NULL;
	as("ines");
	must(svc_training_doc(b, &req, &view), SVC_EINVAL);
	why_says("name her (--trainee NAME)");
	req.trainee = "amina";
	as("bilal");
	must(svc_training_doc(b, &req, &view), SVC_EDENIED);
	why_says("a trainee sees her own training only");
}

/* A label is refused in plain words before anything is drawn: a size, format, printer
 * or language that is none, a PNG of several labels, an unknown device, a device that
 * never trusted the bench, nobody signed in. */
static void a_label_is_refused_before_anything_is_drawn(void **state)
{
	const char *one[] = { SERIAL }, *two[] = { SERIAL, SERIAL }, *nosuch[] = { "NOSUCH" };
	const char *pending[] = { "PENDING01" };
	struct svc_label_req req = { .devices = one, .n_devices = 1 };
	char out[160];
	json_t *v = NULL;

	(void)state;
	snprintf(out, sizeof(out), "%s/label.pdf", dir);
	req.output = out;
	must(as("amina"), SVC_OK);
	req.size = "50x30";
	must(svc_label(b, &req, &v), SVC_EINVAL);
	why_says("62x29, 62x100 or a4-sheet, not '50x30'");
	req.size = NULL;
	req.format = "jpg";
	must(svc_label(b, &req, &v), SVC_EINVAL);
	req.format = "png";
	req.devices = two;
	req.n_devices = 2;
	must(svc_label(b, &req, &v), SVC_EINVAL);
	why_says("a PNG holds one label: 2 devices were named");
	req.format = NULL;
	req.devices = one;
	req.n_devices = 1;
	req.printer = "-o";
	must(svc_label(b, &req, &v), SVC_EINVAL);
	why_says("'-o' is not a printer's name");
	req.printer = NULL;
	req.lang = "de";
	must(svc_label(b, &req, &v), SVC_EINVAL);
	req.lang = NULL;
	req.devices = nosuch;
	must(svc_label(b, &req, &v), SVC_ENODEVICE);
	why_says("no device 'NOSUCH' is known");
	/* A phone that asked to be trusted and was not: nothing to put on its label. */
	read_by_bench(b, "ios", "PENDING01",
		      "{\"platform\": \"ios\", \"identity\": {\"serial\": \"PENDING01\"},"
		      " \"connection\": {\"via\": \"usbmuxd\", \"trust\": \"pending\"}}",
		      clock_wall_ms());
	req.devices = pending;
	must(svc_label(b, &req, &v), SVC_ESTATE);
	why_says("device 'PENDING01' (AT-000002) has no reading yet (its last answer: pending)");
	why_says("its intake label can be printed now (atelier label PENDING01 --intake)");
	must(svc_logout(b, &v), SVC_OK);
	json_decref(v);
	v = NULL;
	me[0] = '\0';
	req.devices = one;
	must(svc_label(b, &req, &v), SVC_EAUTH);
	assert_null(v);
	assert_int_equal(access(out, F_OK), -1);
}

/* The stock number on a label and in the inventory: AT- and at least six digits. */
static void a_stock_number_is_at_and_six_digits(void **state)
{
	char out[SVC_STOCK_MAX];

	(void)state;
	assert_string_equal(svc_stock_number(42, out, sizeof(out)), "AT-000042");
	assert_string_equal(svc_stock_number(1, out, sizeof(out)), "AT-000001");
	assert_string_equal(svc_stock_number(1234567, out, sizeof(out)), "AT-1234567");
	assert_string_equal(svc_stock_number(9223372036854775807LL, out, sizeof(out)),
			    "AT-9223372036854775807");
}

/* The trend of a checklist's time: the later half of the jobs against the earlier half,
 * with a margin for the noise. */
static void the_trend_compares_the_later_jobs_with_the_earlier_ones(void **state)
{
	const double faster[] = { 20, 18, 30, 12, 10 }, slower[] = { 5, 5, 9, 9 };
	const double steady[] = { 10, 11, 10.5, 10 }, seconds[] = { 0.4, 0.3, 0.1, 0.05 };
	const double few[] = { 30, 10, 5 };
	double a = 0, z = 0;

	(void)state;
	assert_string_equal(svc_trend(faster, 5, &a, &z), "faster");
	assert_true(a == 19 && z == 11); /* the middle job is in neither half */
	assert_string_equal(svc_trend(slower, 4, &a, &z), "slower");
	assert_string_equal(svc_trend(steady, 4, &a, &z), "steady");
	assert_string_equal(svc_trend(seconds, 4, &a, &z), "steady"); /* seconds are noise */
	assert_null(svc_trend(few, 3, &a, &z));
}

/* docs/privacy.md: a person's data read out by herself or an admin, and her name erased on
 * her request once her work is done, her work staying under her code. */
static void a_person_is_erased_on_request_and_her_work_stays(void **state)
{
	struct svc_job_filter f = { 0 };
	json_t *v = NULL;
	long long job;

	(void)state;
	job = submitted_job("amina");
	must(as("bilal"), SVC_OK);
	must(svc_user_export(b, "amina", NULL, &v), SVC_EDENIED);
	must(as("amina"), SVC_OK);
	must(svc_user_export(b, "amina", NULL, &v), SVC_OK);
	assert_string_equal(json_string_value(json_object_get(json_object_get(v, "account"), "name")),
			    "amina");
	assert_int_equal(json_array_size(json_object_get(v, "jobs")), 1);
	json_decref(v);
	v = NULL;
	must(as("ines"), SVC_OK);
	must(svc_user_erase(b, "amina", "request of 2 March", &v), SVC_EDENIED);
	must(as("boss"), SVC_OK);
	must(svc_user_erase(b, "amina", NULL, &v), SVC_EINVAL);
	must(svc_user_erase(b, "amina", "amina asked for it", &v), SVC_EINVAL);
	why_says("write it without her name (her code is T-002)");
	must(svc_user_erase(b, "boss", "request of 2 March", &v), SVC_EDENIED);
	must(svc_user_erase(b, "amina", "request of 2 March", &v), SVC_ESTATE);
	why_says("has work that is not finished (job 1)");
	json_decref(v);
	v = NULL;
	must(grade(job, "approved", NULL, 2, "ines"), SVC_OK);
	must(as("boss"), SVC_OK);
	must(svc_user_erase(b, "amina", "request of 2 March", &v), SVC_OK);
	assert_string_equal(json_string_value(json_object_get(v, "code")), "T-002");
	json_decref(v);
	v = NULL;
	/* Her work stays, under her code; her account has no name left. */
	must(svc_job_list(b, &f, &v), SVC_OK);
	assert_string_equal(json_string_value(json_object_get(json_array_get(v, 0), "trainee")),
			    "T-002");
	json_decref(v);
	v = NULL;
	must(svc_user_export(b, "T-002", NULL, &v), SVC_OK);
	assert_true(json_is_null(json_object_get(json_object_get(v, "account"), "name")));
	assert_int_equal(json_array_size(json_object_get(v, "jobs")), 1);
	json_decref(v);
	v = NULL;
	must(svc_user_erase(b, "amina", "again", &v), SVC_ENOENT);
	must(svc_login(b, "amina", secret_of("amina"), 1, token, &v), SVC_EAUTH);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
			nobody_acts_without_signing_in_and_a_by_must_be_the_person_signed_in, setup,
			teardown),
		cmocka_unit_test_setup_teardown(a_trainees_pin_signs_in_only_at_the_bench, setup,
						teardown),
		cmocka_unit_test_setup_teardown(
			five_wrong_secrets_lock_the_name_until_an_admin_sets_a_new_one, setup,
			teardown),
		cmocka_unit_test_setup_teardown(a_name_signs_in_as_its_person_writes_it, setup,
						teardown),
		cmocka_unit_test_setup_teardown(only_an_admin_manages_accounts, setup, teardown),
		cmocka_unit_test_setup_teardown(
			an_admins_refusal_names_the_field_and_the_list_says_who_signed_in_last,
			setup, teardown),
		cmocka_unit_test_setup_teardown(an_ended_session_is_over, setup, teardown),
		cmocka_unit_test_setup_teardown(a_person_is_erased_on_request_and_her_work_stays,
						setup, teardown),
		cmocka_unit_test_setup_teardown(
			a_job_start_moves_the_device_into_repair_and_names_the_first_step, setup,
			teardown),
		cmocka_unit_test_setup_teardown(
			a_job_needs_a_known_device_a_checklist_and_an_active_trainee, setup, teardown),
		cmocka_unit_test_setup_teardown(each_kind_of_step_asks_for_what_it_records, setup,
						teardown),
		cmocka_unit_test_setup_teardown(
			a_required_step_not_done_or_skipped_blocks_the_submission, setup, teardown),
		cmocka_unit_test_setup_teardown(
			only_an_instructor_who_did_not_work_on_the_job_grades_it, setup, teardown),
		cmocka_unit_test_setup_teardown(a_redo_opens_the_job_for_the_named_steps_only, setup,
						teardown),
		cmocka_unit_test_setup_teardown(only_the_trainee_acknowledges_her_grade, setup,
						teardown),
		cmocka_unit_test_setup_teardown(who_moves_a_device_is_the_lifecycles_table, setup,
						teardown),
		cmocka_unit_test_setup_teardown(the_job_list_says_who_and_how_it_was_graded, setup,
						teardown),
		cmocka_unit_test_setup_teardown(
			a_checklist_starts_only_after_its_prerequisite_was_submitted, setup, teardown),
		cmocka_unit_test_setup_teardown(an_open_job_goes_on_only_for_its_trainee, setup,
						teardown),
		cmocka_unit_test_setup_teardown(the_next_step_is_the_first_still_to_do, setup,
						teardown),
		cmocka_unit_test_setup_teardown(a_servers_batches_commit_every_chain_signed, setup,
						teardown),
		cmocka_unit_test_setup_teardown(a_servers_kept_work_sees_another_benchs_records,
						setup, teardown),
		cmocka_unit_test_setup_teardown(
			a_servers_kept_work_reads_again_after_a_fact_entered_elsewhere, setup,
			teardown),
		cmocka_unit_test_setup_teardown(
			a_servers_kept_work_reads_again_after_the_device_was_read_elsewhere, setup,
			teardown),
		cmocka_unit_test_setup_teardown(
			on_pg_a_servers_kept_work_reads_again_after_the_device_was_read_elsewhere,
			setup_pg, teardown_pg),
		cmocka_unit_test_setup_teardown(
			a_servers_kept_work_stops_once_the_device_is_set_aside_elsewhere, setup,
			teardown),
		cmocka_unit_test_setup_teardown(
			on_pg_a_servers_kept_work_stops_once_the_device_is_set_aside_elsewhere,
			setup_pg, teardown_pg),
		cmocka_unit_test_setup_teardown(on_pg_a_servers_kept_work_sees_another_benchs_records,
						setup_pg, teardown_pg),
		cmocka_unit_test_setup_teardown(
			on_pg_a_servers_kept_work_reads_again_after_a_fact_entered_elsewhere, setup_pg,
			teardown_pg),
		cmocka_unit_test_setup_teardown(a_step_for_other_devices_is_left_out, setup,
						teardown),
		cmocka_unit_test_setup_teardown(
			an_imei_typed_by_hand_is_checked_and_fills_the_devices_facts, setup, teardown),
		cmocka_unit_test_setup_teardown(a_measure_taken_with_a_tester_names_it, setup,
						teardown),
		cmocka_unit_test_setup_teardown(a_broken_policy_stops_a_submission_and_keeps_the_steps,
						setup, teardown),
		cmocka_unit_test_setup_teardown(what_the_device_reads_itself_wins_over_a_measure,
						setup, teardown),
		cmocka_unit_test_setup_teardown(a_step_that_asks_for_a_note_needs_one, setup,
						teardown),
		cmocka_unit_test_setup_teardown(a_failed_step_that_stops_waits_for_an_instructor,
						setup, teardown),
		cmocka_unit_test_setup_teardown(
			a_failed_quarantine_step_sets_the_device_aside_at_once, setup, teardown),
		cmocka_unit_test_setup_teardown(
			only_an_instructor_cancels_a_job_and_it_takes_no_more_steps, setup, teardown),
		cmocka_unit_test_setup_teardown(
			a_trainees_record_has_her_figures_scores_and_latest_feedback, setup, teardown),
		cmocka_unit_test(the_trend_compares_the_later_jobs_with_the_earlier_ones),
		cmocka_unit_test(a_stock_number_is_at_and_six_digits),
		cmocka_unit_test_setup_teardown(a_label_is_refused_before_anything_is_drawn, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
