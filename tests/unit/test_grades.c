/*
 * Grades and the device lifecycle in the store, against a real database in a fresh
 * folder: what an instructor's grade does to a job, what a move does to a device, and
 * that neither can be changed afterwards.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/records_here.h"
#include "store/store.h"

#define SUBMITTED_MS 5000

static char dir[64];
static struct store *st;
static long long device_id, job_id, trainee, instructor;

static int setup(void **state)
{
	struct store_probe p = { "ios", "UDID-1", "SERIAL1", NULL, 1000, "test", "{}" };
	struct store_job j = { 0 };
	int found;
	(void)state;

	snprintf(dir, sizeof(dir), "/tmp/atelier-grades-XXXXXX");
	assert_non_null(mkdtemp(dir));
	assert_int_equal(records_here(dir), 0);
	assert_int_equal(store_open(dir, 1, &st, &found), STORE_OK);
	assert_int_equal(store_record_probe(st, &p, &device_id), STORE_OK);
	assert_int_equal(store_user_add(st, "amina", ROLE_TRAINEE, NULL, 1000, &trainee), STORE_OK);
	assert_int_equal(store_user_add(st, "ines", ROLE_INSTRUCTOR, NULL, 1000, &instructor),
			 STORE_OK);
	j.device_id = device_id;
	snprintf(j.checklist_id, sizeof(j.checklist_id), "screen-check");
	j.checklist_version = 1;
	snprintf(j.checklist_hash, sizeof(j.checklist_hash), "%064d", 7);
	j.trainee_id = trainee;
	j.started_ms = 1000;
	assert_int_equal(store_job_create(st, &j, &job_id), STORE_OK);
	assert_int_equal(store_job_set_state(st, job_id, JOB_STATE_SUBMITTED, SUBMITTED_MS), STORE_OK);
	return 0;
}

static int teardown(void **state)
{
	char cmd[96];
	(void)state;

	store_free(st);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd);
}

static enum store_err grade(const char *verdict, long long submitted_ms, long long *id)
{
	struct store_grade g = { 0 };

	g.job_id = job_id;
	g.submitted_ms = submitted_ms;
	assert_true(verdict_parse(verdict, &g.verdict));
	g.redo = strcmp(verdict, "redo") == 0 ? "[\"voltage\"]" : NULL;
	g.scores = "{\"care\":2}";
	g.feedback = "Measure at rest";
	g.by_user = instructor;
	g.t_ms = 6000;
	return store_grade_add(st, &g, id);
}

static void job_state(char *state, size_t size, long long *submitted_ms)
{
	struct store_job j;

	assert_int_equal(store_job_get(st, job_id, &j), STORE_OK);
	snprintf(state, size, "%s", job_state_name(j.state));
	*submitted_ms = j.submitted_ms;
}

/* Run SQL on the database file directly, as someone with the file would. */
static int raw_sql(const char *sql)
{
	char path[128];
	sqlite3 *db;
	int rc;

	snprintf(path, sizeof(path), "%s/atelier.db", dir);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
	sqlite3_close(db);
	return rc;
}

static void a_redo_opens_the_job_again_and_keeps_the_submission_time(void **state)
{
	struct store_grade *all;
	char s[16];
	long long sub, id = 0;
	size_t n;
	(void)state;

	assert_int_equal(grade("redo", SUBMITTED_MS, &id), STORE_OK);
	assert_true(id > 0);
	job_state(s, sizeof(s), &sub);
	assert_string_equal(s, "open");
	assert_int_equal(sub, SUBMITTED_MS);
	assert_int_equal(store_grades_of(st, job_id, &all, &n), STORE_OK);
	assert_int_equal(n, 1);
	assert_int_equal(all[0].id, id);
	assert_string_equal(verdict_name(all[0].verdict), "redo");
	assert_string_equal(all[0].redo, "[\"voltage\"]");
	assert_string_equal(all[0].scores, "{\"care\":2}");
	assert_string_equal(all[0].feedback, "Measure at rest");
	assert_int_equal(all[0].by_user, instructor);
	assert_int_equal(all[0].submitted_ms, SUBMITTED_MS);
	assert_int_equal(all[0].ack_user, 0);
	store_grades_free(all, n);
}

static void an_approval_leaves_the_job_submitted(void **state)
{
	struct store_grade g;
	char s[16];
	long long sub;
	(void)state;

	assert_int_equal(grade("approved", SUBMITTED_MS, NULL), STORE_OK);
	job_state(s, sizeof(s), &sub);
	assert_string_equal(s, "submitted");
	assert_int_equal(store_grade_last(st, job_id, &g), STORE_OK);
	assert_string_equal(verdict_name(g.verdict), "approved");
	assert_null(g.redo);
	store_grade_release(&g);
}

static void a_grade_about_another_submission_is_refused(void **state)
{
	struct store_grade g;
	(void)state;

	/* The grader saw an older submission. */
	assert_int_equal(grade("approved", SUBMITTED_MS - 1, NULL), STORE_ESTALE);
	/* Someone else graded it first. */
	assert_int_equal(grade("approved", SUBMITTED_MS, NULL), STORE_OK);
	assert_int_equal(grade("redo", SUBMITTED_MS, NULL), STORE_ESTALE);
	assert_int_equal(store_grade_last(st, job_id, &g), STORE_OK);
	assert_string_equal(verdict_name(g.verdict), "approved");
	store_grade_release(&g);
}

static void an_open_job_is_not_graded(void **state)
{
	struct store_grade g;
	(void)state;

	assert_int_equal(grade("redo", SUBMITTED_MS, NULL), STORE_OK);
	/* Reopened by the redo: a second grade of the same submission is stale. */
	assert_int_equal(grade("approved", SUBMITTED_MS, NULL), STORE_ESTALE);
	assert_int_equal(store_grade_last(st, job_id, &g), STORE_OK);
	assert_string_equal(verdict_name(g.verdict), "redo");
	store_grade_release(&g);
}

static void the_next_grade_is_about_the_new_submission(void **state)
{
	struct store_grade *all;
	size_t n;
	(void)state;

	assert_int_equal(grade("redo", SUBMITTED_MS, NULL), STORE_OK);
	assert_int_equal(store_job_set_state(st, job_id, JOB_STATE_SUBMITTED, 9000), STORE_OK);
	assert_int_equal(grade("approved", SUBMITTED_MS, NULL), STORE_ESTALE);
	assert_int_equal(grade("approved", 9000, NULL), STORE_OK);
	assert_int_equal(store_grades_of(st, job_id, &all, &n), STORE_OK);
	assert_int_equal(n, 2);
	assert_string_equal(verdict_name(all[0].verdict), "redo");
	assert_int_equal(all[1].submitted_ms, 9000);
	store_grades_free(all, n);
}

static void a_grade_needs_a_job_feedback_and_a_verdict(void **state)
{
	struct store_grade g = { 0 };
	(void)state;

	g.job_id = 999;
	g.submitted_ms = SUBMITTED_MS;
	g.verdict = VERDICT_APPROVED;
	g.feedback = "fine";
	g.by_user = instructor;
	assert_int_equal(store_grade_add(st, &g, NULL), STORE_ENOENT);
	g.job_id = job_id;
	g.feedback = "";
	assert_int_equal(store_grade_add(st, &g, NULL), STORE_EINVAL);
	g.feedback = "fine";
	g.verdict = (enum verdict)7; /* no such verdict */
	assert_int_equal(store_grade_add(st, &g, NULL), STORE_EINVAL);
	assert_int_equal(store_grade_last(st, job_id, &g), STORE_ENOENT);
}

static void a_redo_that_cannot_be_recorded_leaves_the_job_as_it_was(void **state)
{
	struct store_grade g = { 0 };
	char s[16];
	long long sub;
	(void)state;

	g.job_id = job_id;
	g.submitted_ms = SUBMITTED_MS;
	g.verdict = VERDICT_REDO;
	g.feedback = "again";
	g.by_user = 4242; /* no such user: the insert fails on its reference */
	assert_int_not_equal(store_grade_add(st, &g, NULL), STORE_OK);
	job_state(s, sizeof(s), &sub);
	assert_string_equal(s, "submitted");
}

static void a_grade_is_acknowledged_once(void **state)
{
	struct store_grade g;
	long long id;
	(void)state;

	assert_int_equal(grade("redo", SUBMITTED_MS, &id), STORE_OK);
	assert_int_equal(store_grade_ack(st, id, trainee, 7000), STORE_OK);
	assert_int_equal(store_grade_last(st, job_id, &g), STORE_OK);
	assert_int_equal(g.ack_user, trainee);
	assert_int_equal(g.ack_ms, 7000);
	store_grade_release(&g);
	assert_int_equal(store_grade_ack(st, id, trainee, 8000), STORE_EEXIST);
	assert_int_equal(store_grade_last(st, job_id, &g), STORE_OK);
	assert_int_equal(g.ack_ms, 7000); /* the first acknowledgement stays */
	store_grade_release(&g);
	assert_int_equal(store_grade_ack(st, id + 100, trainee, 8000), STORE_ENOENT);
}

static void grades_and_acknowledgements_cannot_be_changed_or_removed(void **state)
{
	long long id;
	(void)state;

	assert_int_equal(grade("redo", SUBMITTED_MS, &id), STORE_OK);
	assert_int_equal(store_grade_ack(st, id, trainee, 7000), STORE_OK);
	assert_int_not_equal(raw_sql("UPDATE grade SET verdict = 'approved'"), SQLITE_OK);
	assert_int_not_equal(raw_sql("UPDATE grade SET feedback = 'great'"), SQLITE_OK);
	assert_int_not_equal(raw_sql("DELETE FROM grade"), SQLITE_OK);
	assert_int_not_equal(raw_sql("UPDATE grade_ack SET t_ms = 1"), SQLITE_OK);
	assert_int_not_equal(raw_sql("DELETE FROM grade_ack"), SQLITE_OK);
}

static void a_device_starts_in_intake(void **state)
{
	struct store_device_row d;
	(void)state;

	assert_int_equal(store_device_get(st, device_id, &d), STORE_OK);
	assert_string_equal(device_state_name(d.state), "intake");
	assert_int_equal(store_find_device(st, "SERIAL1", &d), STORE_OK);
	assert_string_equal(device_state_name(d.state), "intake");
}

static void a_move_changes_the_state_and_records_who_when_and_why(void **state)
{
	struct store_device_event *ev;
	struct store_device_row d;
	size_t n;
	(void)state;

	assert_int_equal(store_device_set_state(st, device_id, DEVICE_INTAKE, DEVICE_IN_REPAIR, trainee,
						"job 1 started: screen-check", 2000),
			 STORE_OK);
	assert_int_equal(
	    store_device_set_state(st, device_id, DEVICE_IN_REPAIR, DEVICE_QUARANTINE, 0, "locked", 3000),
	    STORE_OK);
	assert_int_equal(store_find_device(st, "UDID-1", &d), STORE_OK);
	assert_string_equal(device_state_name(d.state), "quarantine");
	assert_int_equal(store_device_events(st, device_id, &ev, &n), STORE_OK);
	assert_int_equal(n, 2);
	assert_string_equal(device_state_name(ev[0].from), "intake");
	assert_string_equal(device_state_name(ev[0].to), "in_repair");
	assert_int_equal(ev[0].user_id, trainee);
	assert_string_equal(ev[0].reason, "job 1 started: screen-check");
	assert_int_equal(ev[0].t_ms, 2000);
	assert_string_equal(device_state_name(ev[1].to), "quarantine");
	assert_int_equal(ev[1].user_id, 0); /* Atelier itself */
	free(ev);
}

static void a_move_from_a_state_the_device_left_is_refused(void **state)
{
	struct store_device_event *ev;
	struct store_device_row d;
	size_t n;
	(void)state;

	assert_int_equal(
	    store_device_set_state(st, device_id, DEVICE_INTAKE, DEVICE_IN_REPAIR, trainee, "job 1", 2000),
	    STORE_OK);
	/* A second bench decided on "intake" too: compare-and-set refuses it. */
	assert_int_equal(
	    store_device_set_state(st, device_id, DEVICE_INTAKE, DEVICE_QUARANTINE, trainee, "locked", 2001),
	    STORE_ESTALE);
	assert_int_equal(store_device_get(st, device_id, &d), STORE_OK);
	assert_string_equal(device_state_name(d.state), "in_repair");
	assert_int_equal(store_device_events(st, device_id, &ev, &n), STORE_OK);
	assert_int_equal(n, 1);
	free(ev);
	assert_int_equal(store_device_set_state(st, 999, DEVICE_INTAKE, DEVICE_IN_REPAIR, trainee, "x", 1),
			 STORE_ENOENT);
}

static void a_move_whose_event_cannot_be_recorded_does_not_happen(void **state)
{
	struct store_device_event *ev;
	struct store_device_row d;
	char reason[600];
	size_t n;
	(void)state;

	/* No such user: the event's reference fails, and the state change goes with it. */
	assert_int_not_equal(
	    store_device_set_state(st, device_id, DEVICE_INTAKE, DEVICE_QUARANTINE, 4242, "locked", 2000),
	    STORE_OK);
	memset(reason, 'x', sizeof(reason) - 1);
	reason[sizeof(reason) - 1] = '\0';
	assert_int_equal(
	    store_device_set_state(st, device_id, DEVICE_INTAKE, DEVICE_QUARANTINE, trainee, reason, 2000),
	    STORE_EINVAL);
	assert_int_equal(store_device_get(st, device_id, &d), STORE_OK);
	assert_string_equal(device_state_name(d.state), "intake");
	assert_int_equal(store_device_events(st, device_id, &ev, &n), STORE_OK);
	assert_int_equal(n, 0);
	free(ev);
}

static void device_events_cannot_be_changed_or_removed(void **state)
{
	(void)state;

	assert_int_equal(
	    store_device_set_state(st, device_id, DEVICE_INTAKE, DEVICE_QUARANTINE, trainee, "locked", 2000),
	    STORE_OK);
	assert_int_not_equal(raw_sql("UPDATE device_event SET reason = 'fine'"), SQLITE_OK);
	assert_int_not_equal(raw_sql("DELETE FROM device_event"), SQLITE_OK);
}

static void devices_are_listed_by_state_most_recently_seen_first(void **state)
{
	struct store_probe p = { "android", NULL, "R58N", NULL, 9000, "test", "{}" };
	struct store_device_row *list;
	long long second;
	size_t n;
	(void)state;

	assert_int_equal(store_record_probe(st, &p, &second), STORE_OK);
	assert_int_equal(store_device_list(st, NULL, &list, &n), STORE_OK);
	assert_int_equal(n, 2);
	assert_int_equal(list[0].id, second);
	assert_string_equal(list[0].serial, "R58N");
	assert_string_equal(device_state_name(list[0].state), "intake");
	assert_int_equal(list[1].id, device_id);
	assert_int_equal(list[1].probes, 1);
	free(list);
	assert_int_equal(
	    store_device_set_state(st, device_id, DEVICE_INTAKE, DEVICE_QUARANTINE, trainee, "locked", 2000),
	    STORE_OK);
	assert_int_equal(store_device_list(st, &(enum device_state){ DEVICE_QUARANTINE }, &list, &n), STORE_OK);
	assert_int_equal(n, 1);
	assert_int_equal(list[0].id, device_id);
	assert_string_equal(device_state_name(list[0].state), "quarantine");
	free(list);
	assert_int_equal(store_device_list(st, &(enum device_state){ DEVICE_SOLD }, &list, &n), STORE_OK);
	assert_int_equal(n, 0);
	free(list);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(a_redo_opens_the_job_again_and_keeps_the_submission_time),
		T(an_approval_leaves_the_job_submitted),
		T(a_grade_about_another_submission_is_refused),
		T(an_open_job_is_not_graded),
		T(the_next_grade_is_about_the_new_submission),
		T(a_grade_needs_a_job_feedback_and_a_verdict),
		T(a_redo_that_cannot_be_recorded_leaves_the_job_as_it_was),
		T(a_grade_is_acknowledged_once),
		T(grades_and_acknowledgements_cannot_be_changed_or_removed),
		T(a_device_starts_in_intake),
		T(a_move_changes_the_state_and_records_who_when_and_why),
		T(a_move_from_a_state_the_device_left_is_refused),
		T(a_move_whose_event_cannot_be_recorded_does_not_happen),
		T(device_events_cannot_be_changed_or_removed),
		T(devices_are_listed_by_state_most_recently_seen_first),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
