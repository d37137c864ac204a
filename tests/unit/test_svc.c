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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "store/store.h"
#include "svc/svc.h"
#include "util/clock.h"

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

static const char android_facts[] =
	"{\"platform\": \"android\", \"identity\": {\"make\": \"samsung\", \"model_id\":"
	" \"SM-A525F\", \"serial\": \"" SERIAL "\"}, \"connection\": {\"via\": \"adb\"}}";

static void must(enum svc_err got, enum svc_err want)
{
	if (got != want)
		fail_msg("got %s (%s), want %s", svc_strerror(got), svc_why(b), svc_strerror(want));
}

static void user(const char *name, const char *role)
{
	must(svc_user_add(b, name, role, &view), SVC_OK);
	json_decref(view);
}

static int setup(void **state)
{
	char path[160], why[256];
	struct store_probe p = { 0 };
	FILE *fp;

	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/atelier-svc-XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(lists, sizeof(lists), "%s/shipped", dir);
	assert_int_equal(mkdir(lists, 0700), 0);
	snprintf(path, sizeof(path), "%s/bench-check.yaml", lists);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fputs(checks_yaml, fp);
	fclose(fp);
	setenv("ATELIER_CHECKLISTS", lists, 1);
	snprintf(path, sizeof(path), "%s/data", dir);
	assert_int_equal(svc_open(path, SVC_OPEN_CREATE, &b, why, sizeof(why)), SVC_OK);
	user("amina", "trainee");
	user("bilal", "trainee");
	user("ines", "instructor");
	user("sam", "instructor");
	p.platform = "android";
	p.serial = SERIAL;
	p.t_ms = clock_wall_ms();
	p.tool = "test";
	p.facts = android_facts;
	assert_int_equal(store_record_probe(svc_store(b), &p, NULL), STORE_OK);
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

static long long start(const char *trainee)
{
	struct svc_job_start req = { SERIAL, "bench-check", trainee };
	long long id;

	must(svc_job_start(b, &req, &view), SVC_OK);
	id = json_integer_value(json_object_get(json_object_get(view, "job"), "id"));
	json_decref(view);
	view = NULL;
	return id;
}

static enum svc_err step(long long job, const char *id, const char *result, const char *value,
			 const char *note)
{
	struct svc_step req = { 0 };
	enum svc_err err;

	req.job = job;
	req.step = id;
	req.result = result;
	req.value = value;
	req.note = note;
	json_decref(view);
	view = NULL;
	err = svc_job_step(b, &req, &view);
	return err;
}

static int why_says(const char *want)
{
	if (!strstr(svc_why(b), want))
		fail_msg("'%s' does not say '%s'", svc_why(b), want);
	return 1;
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

	(void)state;
	must(svc_job_start(b, &req, &v), SVC_ENODEVICE);
	why_says("no device 'NOSUCH' is known");
	req.device = SERIAL;
	req.checklist = "nothing-like-it";
	must(svc_job_start(b, &req, &v), SVC_ENOENT);
	why_says("no checklist 'nothing-like-it'");
	req.checklist = "bench-check";
	req.trainee = "nobody";
	must(svc_job_start(b, &req, &v), SVC_ENOENT);
	must(svc_user_set_active(b, "bilal", 0, &v), SVC_OK);
	json_decref(v);
	req.trainee = "bilal";
	must(svc_job_start(b, &req, &v), SVC_EDENIED);
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
	must(svc_job_ack(b, job, "amina", &view), SVC_ESTATE);
	why_says("has no grade yet");
	must(grade(job, "approved", NULL, 2, "ines"), SVC_OK);
	json_decref(view);
	view = NULL;
	must(svc_job_ack(b, job, "bilal", &view), SVC_EDENIED);
	why_says("only the trainee of job 1 (amina) acknowledges its grade");
	must(svc_job_ack(b, job, "amina", &view), SVC_OK);
	assert_false(json_is_true(json_object_get(view, "already")));
	assert_string_equal(str_at(view, "grade", "ack_by"), "amina");
	json_decref(view);
	must(svc_job_ack(b, job, "amina", &view), SVC_OK);
	assert_true(json_is_true(json_object_get(view, "already")));
}

static void who_moves_a_device_is_the_lifecycles_table(void **state)
{
	struct svc_move req = { SERIAL, "quarantine", "bilal", "Find My is still on" };

	(void)state;
	must(svc_device_set_state(b, &req, &view), SVC_OK);
	assert_string_equal(str_at(view, "from", NULL), "intake");
	json_decref(view);
	view = NULL;
	req.to = "in_repair";
	must(svc_device_set_state(b, &req, &view), SVC_EDENIED);
	why_says("only an instructor or an admin can release a device from quarantine");
	req.by = "ines";
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
	f.state = "submitted";
	must(svc_job_list(b, &f, &view), SVC_OK);
	assert_int_equal(json_array_size(view), 1);
	assert_string_equal(str_at(json_array_get(view, 0), "trainee", NULL), "amina");
	assert_string_equal(str_at(json_array_get(view, 0), "verdict", NULL), "approved");
	json_decref(view);
	view = NULL;
	f.state = "bogus";
	must(svc_job_list(b, &f, &view), SVC_EINVAL);
	why_says("'bogus' is not a job state");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
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
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
