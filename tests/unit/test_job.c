/* A job's record: appended, chained, durable, and any change to it is found. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "job/job.h"
#include "../lib/records_here.h"
#include "store/store.h"
#include "store/store_int.h" /* the batch's connection, to roll it back as SQLite would */

static char dir[64];
static struct store *st;
static long long job_id, trainee, instructor;

static int setup(void **state)
{
	struct store_probe p = { "ios", "UDID-1", "SERIAL1", NULL, 1000, "test", "{}" };
	struct store_job j = { 0 };
	long long dev;
	int found;
	(void)state;

	snprintf(dir, sizeof(dir), "/tmp/atelier-job-XXXXXX");
	assert_non_null(mkdtemp(dir));
	assert_int_equal(records_here(dir), 0);
	assert_int_equal(store_open(dir, 1, &st, &found), STORE_OK);
	assert_int_equal(store_record_probe(st, &p, &dev), STORE_OK);
	assert_int_equal(store_user_add(st, "amina", ROLE_TRAINEE, NULL, 1000, &trainee), STORE_OK);
	assert_int_equal(store_user_add(st, "sam", ROLE_INSTRUCTOR, NULL, 1000, &instructor),
			 STORE_OK);
	j.device_id = dev;
	snprintf(j.checklist_id, sizeof(j.checklist_id), "intake-triage");
	j.checklist_version = 1;
	snprintf(j.checklist_hash, sizeof(j.checklist_hash), "%064d", 7);
	j.trainee_id = trainee;
	j.started_ms = 1000;
	assert_int_equal(store_job_create(st, &j, &job_id), STORE_OK);
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

static void record(const char *step, const char *result, const char *note, long long corrects,
		   long long *id)
{
	struct store_step r = { 0 };

	snprintf(r.step_id, sizeof(r.step_id), "%s", step);
	assert_true(step_result_parse(result, &r.result));
	r.user_id = trainee;
	r.note = (char *)note;
	r.corrects = corrects;
	assert_int_equal(job_append(st, job_id, &r, id), JOB_OK);
}

/* Change one column of one record behind the program's back, as an attacker with the
 * database file would (dropping the append-only guard first). */
static void tamper(const char *sql)
{
	assert_int_equal(records_exec(dir, "DROP TRIGGER step_record_no_update; "
					   "DROP TRIGGER step_record_no_delete"),
			 0);
	assert_int_equal(records_exec(dir, sql), 0);
}

static void steps_are_kept_in_order_with_who_when_and_time_spent(void **state)
{
	struct store_step *steps;
	size_t n;
	int bad;
	char why[128];
	(void)state;

	record("identity", "pass", NULL, 0, NULL);
	record("swollen-battery", "pass", "no swelling", 0, NULL);
	record("liquid", "fail", "red indicator in the SIM tray", 0, NULL);
	assert_int_equal(store_steps_of(st, job_id, &steps, &n), STORE_OK);
	assert_int_equal(n, 3);
	assert_int_equal(steps[0].seq, 1);
	assert_string_equal(steps[2].step_id, "liquid");
	assert_string_equal(step_result_name(steps[2].result), "fail");
	assert_string_equal(steps[2].note, "red indicator in the SIM tray");
	assert_int_equal(steps[1].user_id, trainee);
	assert_true(steps[0].t_ms > 1000);
	assert_true(steps[0].spent_ms >= 0);
	assert_string_equal(steps[1].prev_hash, steps[0].hash);
	store_steps_free(steps, n);
	assert_int_equal(job_verify(st, job_id, &bad, why, sizeof(why)), JOB_OK);
}

static void a_correction_is_a_new_record_pointing_at_the_old_one(void **state)
{
	struct store_step *steps;
	size_t n;
	long long first;
	(void)state;

	record("liquid", "fail", NULL, 0, &first);
	record("liquid", "pass", "it was a sticker, not the indicator", first, NULL);
	assert_int_equal(store_steps_of(st, job_id, &steps, &n), STORE_OK);
	assert_int_equal(n, 2);
	assert_string_equal(step_result_name(steps[0].result), "fail"); /* the original stays as it was */
	assert_int_equal(steps[1].corrects, first);
	store_steps_free(steps, n);
}

static void correcting_a_record_of_another_job_is_refused(void **state)
{
	struct store_step r = { 0 };
	(void)state;

	snprintf(r.step_id, sizeof(r.step_id), "identity");
	r.result = STEP_PASS;
	r.user_id = trainee;
	r.corrects = 9999;
	assert_int_equal(job_append(st, job_id, &r, NULL), JOB_EBADCORR);
}

static void the_database_refuses_to_edit_or_delete_a_record(void **state)
{
	(void)state;

	record("identity", "pass", NULL, 0, NULL);
	assert_int_equal(records_exec(dir, "UPDATE step_record SET result = 'fail'"), -1);
	assert_int_equal(records_exec(dir, "DELETE FROM step_record"), -1);
	assert_int_equal(records_int(dir, "SELECT COUNT(*) FROM step_record WHERE result = 'pass'"),
			 1);
}

static void a_changed_result_is_found_at_its_record(void **state)
{
	char why[128];
	int bad = 0;
	(void)state;

	record("identity", "pass", NULL, 0, NULL);
	record("swollen-battery", "fail", NULL, 0, NULL);
	record("liquid", "pass", NULL, 0, NULL);
	tamper("UPDATE step_record SET result = 'pass' WHERE seq = 2");
	assert_int_equal(job_verify(st, job_id, &bad, why, sizeof(why)), JOB_ETAMPERED);
	assert_int_equal(bad, 2);
	assert_non_null(strstr(why, "record 2 was changed"));
}

static void a_removed_record_is_found(void **state)
{
	char why[128];
	int bad = 0;
	(void)state;

	record("identity", "pass", NULL, 0, NULL);
	record("swollen-battery", "fail", NULL, 0, NULL);
	record("liquid", "pass", NULL, 0, NULL);
	tamper("DELETE FROM step_record WHERE seq = 2");
	assert_int_equal(job_verify(st, job_id, &bad, why, sizeof(why)), JOB_ETAMPERED);
	assert_int_equal(bad, 2);
}

static void a_changed_checklist_pin_is_found(void **state)
{
	char why[128];
	int bad = 0;
	(void)state;

	record("identity", "pass", NULL, 0, NULL);
	tamper("UPDATE job SET checklist_version = 2");
	assert_int_equal(job_verify(st, job_id, &bad, why, sizeof(why)), JOB_ETAMPERED);
	assert_int_equal(bad, 1);
}

static void a_submitted_job_takes_no_more_steps(void **state)
{
	struct store_step r = { 0 };
	(void)state;

	assert_int_equal(store_job_set_state(st, job_id, JOB_STATE_SUBMITTED, 5000), STORE_OK);
	snprintf(r.step_id, sizeof(r.step_id), "identity");
	r.result = STEP_PASS;
	r.user_id = trainee;
	assert_int_equal(job_append(st, job_id, &r, NULL), JOB_ECLOSED);
}

/* What a second bench racing us would try: record 1 of the job again. */
static enum store_err append_at_taken_place(void)
{
	struct store_step r = { 0 };

	snprintf(r.step_id, sizeof(r.step_id), "identity");
	r.result = STEP_FAIL;
	r.job_id = job_id;
	r.seq = 1;
	r.user_id = trainee;
	snprintf(r.prev_hash, sizeof(r.prev_hash), "x");
	snprintf(r.hash, sizeof(r.hash), "y");
	return store_step_append(st, &r, NULL);
}

static void two_records_can_never_take_the_same_place(void **state)
{
	(void)state;

	record("identity", "pass", NULL, 0, NULL);
	assert_int_equal(append_at_taken_place(), STORE_EEXIST);
}

/* Rows of step_record as another connection sees them: what is committed. */
static int committed_records(void)
{
	return (int)records_int(dir, "SELECT COUNT(*) FROM step_record");
}

static void the_steps_of_a_batch_commit_together_and_a_refused_one_leaves_the_others(void **state)
{
	struct store_step *recs = NULL;
	size_t n = 0;
	int bad = 0;
	char why[256];
	(void)state;

	/* On PostgreSQL no batch opens: each write commits alone, under its own job's and
	 * device's locks (store.h), and is there at once. */
	assert_int_equal(store_batch_begin(st), !records_on_pg());
	if (records_on_pg()) {
		record("identity", "pass", "first", 0, NULL);
		assert_int_equal(committed_records(), 1);
		assert_int_equal(store_batch_end(st), STORE_OK);
		assert_int_equal(committed_records(), 1);
		return;
	}
	record("identity", "pass", "first", 0, NULL);
	/* A second bench's step at a taken place: refused, in its own savepoint. */
	assert_int_equal(append_at_taken_place(), STORE_EEXIST);
	record("screen", "fail", "second", 0, NULL);
	assert_int_equal(committed_records(), 0); /* nothing is done before the commit */
	assert_int_equal(store_batch_end(st), STORE_OK);
	assert_int_equal(committed_records(), 2);
	assert_int_equal(store_steps_of(st, job_id, &recs, &n), STORE_OK);
	assert_int_equal(n, 2);
	assert_string_equal(recs[0].note, "first");
	assert_string_equal(recs[1].note, "second");
	store_steps_free(recs, n);
	assert_int_equal(job_verify(st, job_id, &bad, why, sizeof(why)), JOB_OK);
	/* Outside a batch, a step commits at once again. */
	record("battery", "pass", "third", 0, NULL);
	assert_int_equal(committed_records(), 3);
}

static void a_batch_rolled_back_by_sqlite_keeps_none_of_its_steps_and_says_so(void **state)
{
	int bad = 0;
	char why[256];
	(void)state;

	if (records_on_pg())
		skip(); /* SQLite's own rollback after an I/O error */
	record("identity", "pass", "before", 0, NULL);
	store_batch_begin(st);
	record("screen", "pass", "lost", 0, NULL);
	record("battery", "pass", "lost too", 0, NULL);
	/* What SQLite does after an I/O error or a full disk inside a transaction. */
	assert_int_equal(sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(store_batch_end(st), STORE_EIO);
	assert_non_null(strstr(store_last_error_message(), "none of them was kept"));
	assert_int_equal(committed_records(), 1);
	assert_int_equal(job_verify(st, job_id, &bad, why, sizeof(why)), JOB_OK);
	record("screen", "pass", "again", 0, NULL); /* the store goes on */
	assert_int_equal(committed_records(), 2);
}

static void a_batch_never_ended_keeps_nothing(void **state)
{
	int found, opened;
	(void)state;

	opened = store_batch_begin(st);
	record("identity", "pass", "not yet", 0, NULL);
	store_free(st); /* the server stops before the commit */
	st = NULL;
	assert_int_equal(store_open(dir, 0, &st, &found), STORE_OK);
	/* PostgreSQL: no batch, the step was committed alone before it was answered. */
	assert_int_equal(committed_records(), opened ? 0 : 1);
	assert_int_equal(opened, !records_on_pg());
}

/* Size of the database file itself, without its write-ahead log. */
static long long db_file_size(void)
{
	char path[128];
	struct stat sb;

	snprintf(path, sizeof(path), "%s/atelier.db", dir);
	return stat(path, &sb) == 0 ? (long long)sb.st_size : -1;
}

static void the_log_is_copied_into_the_database_by_a_thread_of_its_own(void **state)
{
	char note[600];
	long long before;
	int bad = 0;
	char why[256];
	(void)state;

	if (records_on_pg())
		skip(); /* SQLite's write-ahead log */
	assert_int_equal(store_checkpoint_apart(st, STORE_LOG_RESTART_PAGES), STORE_OK);
	before = db_file_size();
	memset(note, 'n', sizeof(note) - 1);
	note[sizeof(note) - 1] = '\0';
	/* Well over 1,000 pages of log, in batches as a server makes them. */
	for (int batch = 0; batch < 40; batch++) {
		store_batch_begin(st);
		for (int i = 0; i < 50; i++)
			record("screen", "pass", note, 0, NULL);
		assert_int_equal(store_batch_end(st), STORE_OK);
	}
	for (int waited = 0; waited < 100 && db_file_size() <= before; waited++)
		usleep(50000);
	assert_true(db_file_size() > before); /* while the store is still open */
	assert_int_equal(committed_records(), 2000);
	assert_int_equal(job_verify(st, job_id, &bad, why, sizeof(why)), JOB_OK);
}

/* Size of the write-ahead log's file. */
static long long log_file_size(void)
{
	char path[128];
	struct stat sb;

	snprintf(path, sizeof(path), "%s/atelier.db-wal", dir);
	return stat(path, &sb) == 0 ? (long long)sb.st_size : 0;
}

#define RESTART_AT 1000 /* pages of log */

/* A server's batches one after the other, never a pause: the log's file stays near the
 * length at which it is made to start over, where it grew by all that was written. */
static void the_log_starts_over_under_a_load_that_never_pauses(void **state)
{
	char note[600];
	long long largest = 0, bound = 3LL * RESTART_AT * (4096 + 24);
	int bad = 0, batches = 0;
	char why[256];
	(void)state;

	if (records_on_pg())
		skip(); /* SQLite's write-ahead log */
	assert_int_equal(store_checkpoint_apart(st, RESTART_AT), STORE_OK);
	memset(note, 'n', sizeof(note) - 1);
	note[sizeof(note) - 1] = '\0';
	for (; batches < 300; batches++) {
		long long now;

		store_batch_begin(st);
		for (int i = 0; i < 50; i++)
			record("screen", "pass", note, 0, NULL);
		assert_int_equal(store_batch_end(st), STORE_OK);
		now = log_file_size();
		if (now > largest)
			largest = now;
	}
	assert_true(largest > RESTART_AT * 4096LL); /* it did reach the line */
	assert_true(largest < bound);
	/* Nothing written was lost on the way: every record is there, and chained. */
	assert_int_equal(committed_records(), 50 * batches);
	assert_int_equal(job_verify(st, job_id, &bad, why, sizeof(why)), JOB_OK);
	assert_int_equal(bad, 0);
}

static void a_wipe_sample_is_drawn_from_each_job_and_keeps_its_share(void **state)
{
	struct store_job j = { 0 };
	int drawn = 0, again = 0;
	(void)state;

	snprintf(j.checklist_id, sizeof(j.checklist_id), "data-wipe");
	snprintf(j.checklist_hash, sizeof(j.checklist_hash), "%064d", 1);
	for (j.id = 1; j.id <= 2000; j.id++) {
		j.started_ms = 1000 + j.id;
		drawn += job_wipe_sampled(&j, 5);
		again += job_wipe_sampled(&j, 5);
		assert_true(job_wipe_sampled(&j, 100));
	}
	/* 5 % of 2000 is 100; the draw is the job's own hash, the same every time. */
	assert_int_equal(drawn, again);
	assert_in_range(drawn, 60, 140);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_wipe_sample_is_drawn_from_each_job_and_keeps_its_share),
		cmocka_unit_test_setup_teardown(steps_are_kept_in_order_with_who_when_and_time_spent, setup, teardown),
		cmocka_unit_test_setup_teardown(a_correction_is_a_new_record_pointing_at_the_old_one, setup, teardown),
		cmocka_unit_test_setup_teardown(correcting_a_record_of_another_job_is_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(the_database_refuses_to_edit_or_delete_a_record, setup, teardown),
		cmocka_unit_test_setup_teardown(a_changed_result_is_found_at_its_record, setup, teardown),
		cmocka_unit_test_setup_teardown(a_removed_record_is_found, setup, teardown),
		cmocka_unit_test_setup_teardown(a_changed_checklist_pin_is_found, setup, teardown),
		cmocka_unit_test_setup_teardown(a_submitted_job_takes_no_more_steps, setup, teardown),
		cmocka_unit_test_setup_teardown(two_records_can_never_take_the_same_place, setup, teardown),
		cmocka_unit_test_setup_teardown(
			the_steps_of_a_batch_commit_together_and_a_refused_one_leaves_the_others, setup,
			teardown),
		cmocka_unit_test_setup_teardown(
			a_batch_rolled_back_by_sqlite_keeps_none_of_its_steps_and_says_so, setup, teardown),
		cmocka_unit_test_setup_teardown(a_batch_never_ended_keeps_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(
			the_log_is_copied_into_the_database_by_a_thread_of_its_own, setup, teardown),
		cmocka_unit_test_setup_teardown(the_log_starts_over_under_a_load_that_never_pauses,
						setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
