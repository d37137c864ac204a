/*
 * The PostgreSQL that issue #15's store will stand on, checked through libpq itself:
 * the suite's private cluster answers (ATELIER_TEST_PG, set by `make check` from
 * scripts/pg-test-cluster), a bound parameter comes back whole, and a row locked with
 * SELECT ... FOR UPDATE by one bench holds another bench's lock until the first
 * commits: the property that keeps two benches from forking a job's chain.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libpq-fe.h>

/* How long a bench waits for the server before the test calls it stuck. */
#define WAIT_MS 10000

/* The cluster is the suite's: tables with this run's own names, dropped at the end. */
static char table[64], read_table[64];

/*
 * The connections a test opened: a failed assertion leaves the test at once, and an
 * open transaction would hold the teardown's DROP TABLE; the teardown closes them.
 */
static PGconn *conns[4];

/* A connection to the suite's cluster; skips the test when there is none. */
static PGconn *connect_or_skip(void)
{
	const char *url = getenv("ATELIER_TEST_PG");
	PGconn *c;

	if (url == NULL || *url == '\0') {
		print_message(
		    "# ATELIER_TEST_PG is not set: no PostgreSQL to test against "
		    "(make check starts one; by hand: scripts/pg-test-cluster start DIR)\n");
		skip();
	}
	c = PQconnectdb(url);
	assert_non_null(c);
	for (size_t i = 0; i < sizeof(conns) / sizeof(conns[0]); i++) {
		if (conns[i] == NULL) {
			conns[i] = c;
			break;
		}
		assert_true(i + 1 < sizeof(conns) / sizeof(conns[0]));
	}
	if (PQstatus(c) != CONNECTION_OK)
		fail_msg("cannot connect to %s: %s", url, PQerrorMessage(c));
	return c;
}

/* Runs a statement that returns no rows; fails the test with the server's words. */
static void run(PGconn *c, const char *sql)
{
	PGresult *r = PQexec(c, sql);
	ExecStatusType st = PQresultStatus(r);

	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
		fail_msg("%s: %s", sql, PQresultErrorMessage(r));
	PQclear(r);
}

/* The one integer a query returns. */
static long one_int(PGconn *c, const char *sql)
{
	PGresult *r = PQexec(c, sql);
	long v;

	if (PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) != 1)
		fail_msg("%s: %s (%d rows)", sql, PQresultErrorMessage(r), PQntuples(r));
	v = strtol(PQgetvalue(r, 0, 0), NULL, 10);
	PQclear(r);
	return v;
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * Waits up to ms for the answer to a query sent with PQsendQuery: 1 once it is all
 * there (PQgetResult will not block), 0 if the server has not answered yet.
 */
static int answered_within(PGconn *c, int ms)
{
	long end = now_ms() + ms;

	for (;;) {
		struct pollfd p = { .fd = PQsocket(c), .events = POLLIN };
		long left;

		assert_int_equal(PQconsumeInput(c), 1);
		if (!PQisBusy(c))
			return 1;
		left = end - now_ms();
		if (left <= 0)
			return 0;
		assert_true(poll(&p, 1, (int)left) >= 0);
	}
}

/* Reads the results of a sent query to the end; returns the last rows' first value. */
static long sent_result_int(PGconn *c)
{
	PGresult *r;
	long v = -1;

	while ((r = PQgetResult(c)) != NULL) {
		ExecStatusType st = PQresultStatus(r);

		if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
			fail_msg("the sent query failed: %s", PQresultErrorMessage(r));
		if (st == PGRES_TUPLES_OK && PQntuples(r) == 1)
			v = strtol(PQgetvalue(r, 0, 0), NULL, 10);
		PQclear(r);
	}
	return v;
}

static int setup(void **state)
{
	(void)state;
	snprintf(table, sizeof(table), "lock_test_%ld", (long)getpid());
	snprintf(read_table, sizeof(read_table), "read_test_%ld", (long)getpid());
	return 0;
}

/* Closes the test's connections (rolling back what a failed test left open). */
static int close_all(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(conns) / sizeof(conns[0]); i++) {
		PQfinish(conns[i]);
		conns[i] = NULL;
	}
	return 0;
}

static int teardown(void **state)
{
	const char *url = getenv("ATELIER_TEST_PG");
	char sql[192];
	PGconn *c;
	PGresult *r;
	int ok;

	(void)state;
	if (url == NULL || *url == '\0')
		return 0;
	c = PQconnectdb(url);
	snprintf(sql, sizeof(sql), "SET lock_timeout = '10s'; DROP TABLE IF EXISTS %s, %s", table,
		 read_table);
	r = PQexec(c, sql);
	ok = PQresultStatus(r) == PGRES_COMMAND_OK;
	if (!ok)
		print_message("# could not drop the test's tables: %s", PQerrorMessage(c));
	PQclear(r);
	PQfinish(c);
	return ok ? 0 : -1;
}

static void the_suites_server_is_postgresql_15_on_its_private_socket(void **state)
{
	PGconn *c = connect_or_skip();
	(void)state;

	assert_int_equal(PQserverVersion(c) / 10000, 15);
	/* A unix socket: the host libpq reached is a directory, never an address. */
	assert_int_equal(PQhost(c)[0], '/');
	assert_string_equal(PQdb(c), "atelier_test");
}

static void a_note_sent_as_a_bound_parameter_comes_back_whole(void **state)
{
	/* Quotes, a statement's end, accents and Arabic script: data, never SQL. */
	const char *note = "l'écran d'un « iPhone » fêlé'); DROP TABLE notes; -- شاشة";
	PGconn *c = connect_or_skip();
	const char *params[1];
	char id[32];
	PGresult *r;
	(void)state;

	run(c, "CREATE TEMPORARY TABLE notes (id serial PRIMARY KEY, note text NOT NULL)");
	params[0] = note;
	r = PQexecParams(c, "INSERT INTO notes (note) VALUES ($1) RETURNING id", 1, NULL, params,
			 NULL, NULL, 0);
	if (PQresultStatus(r) != PGRES_TUPLES_OK)
		fail_msg("insert: %s", PQresultErrorMessage(r));
	snprintf(id, sizeof(id), "%s", PQgetvalue(r, 0, 0));
	PQclear(r);

	params[0] = id;
	r = PQexecParams(c, "SELECT note FROM notes WHERE id = $1", 1, NULL, params, NULL, NULL, 0);
	if (PQresultStatus(r) != PGRES_TUPLES_OK)
		fail_msg("select: %s", PQresultErrorMessage(r));
	assert_int_equal(PQntuples(r), 1);
	assert_string_equal(PQgetvalue(r, 0, 0), note);
	PQclear(r);
	assert_int_equal(one_int(c, "SELECT count(*) FROM notes"), 1);
}

/*
 * Two benches append to the same job: each locks the job's row, reads the chain's
 * length, and writes it one longer. The second waits for the first's commit and then
 * reads its append: the chain grows to 2 and never forks at 1.
 */
static void a_locked_job_holds_the_second_bench_until_the_first_commits(void **state)
{
	PGconn *a = connect_or_skip();
	PGconn *b = connect_or_skip();
	char sql[256], wait_sql[160];
	long waiting = 0, end;
	(void)state;

	snprintf(sql, sizeof(sql),
		 "CREATE TABLE %s (job int PRIMARY KEY, steps int NOT NULL);"
		 " INSERT INTO %s VALUES (1, 0)",
		 table, table);
	run(a, sql);

	run(a, "BEGIN");
	snprintf(sql, sizeof(sql), "SELECT steps FROM %s WHERE job = 1 FOR UPDATE", table);
	assert_int_equal(one_int(a, sql), 0);

	snprintf(sql, sizeof(sql), "BEGIN; SELECT steps FROM %s WHERE job = 1 FOR UPDATE", table);
	assert_int_equal(PQsendQuery(b, sql), 1);

	/* The server itself says the second bench waits on a lock (not merely slow). */
	snprintf(
	    wait_sql, sizeof(wait_sql),
	    "SELECT count(*) FROM pg_stat_activity WHERE pid = %d AND wait_event_type = 'Lock'",
	    PQbackendPID(b));
	end = now_ms() + WAIT_MS;
	while (now_ms() < end && (waiting = one_int(a, wait_sql)) == 0)
		usleep(20 * 1000);
	assert_int_equal(waiting, 1);
	assert_int_equal(answered_within(b, 300), 0);

	snprintf(sql, sizeof(sql), "UPDATE %s SET steps = steps + 1 WHERE job = 1", table);
	run(a, sql);
	run(a, "COMMIT");

	/* Let go, the second bench reads the first one's append. */
	assert_int_equal(answered_within(b, WAIT_MS), 1);
	assert_int_equal(sent_result_int(b), 1);
	snprintf(sql, sizeof(sql), "UPDATE %s SET steps = steps + 1 WHERE job = 1", table);
	run(b, sql);
	run(b, "COMMIT");

	snprintf(sql, sizeof(sql), "SELECT steps FROM %s WHERE job = 1", table);
	assert_int_equal(one_int(a, sql), 2);
}

/* The lock holds writers only: a report reading the job is answered at once. */
static void a_plain_read_of_a_locked_job_is_answered_at_once(void **state)
{
	PGconn *a = connect_or_skip();
	PGconn *b = connect_or_skip();
	char sql[256];
	(void)state;

	snprintf(sql, sizeof(sql),
		 "CREATE TABLE %s (job int PRIMARY KEY, steps int NOT NULL);"
		 " INSERT INTO %s VALUES (2, 5)",
		 read_table, read_table);
	run(a, sql);
	run(a, "BEGIN");
	snprintf(sql, sizeof(sql), "SELECT steps FROM %s WHERE job = 2 FOR UPDATE", read_table);
	assert_int_equal(one_int(a, sql), 5);

	snprintf(sql, sizeof(sql), "SELECT steps FROM %s WHERE job = 2", read_table);
	assert_int_equal(PQsendQuery(b, sql), 1);
	assert_int_equal(answered_within(b, WAIT_MS), 1);
	assert_int_equal(sent_result_int(b), 5);
	run(a, "COMMIT");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(the_suites_server_is_postgresql_15_on_its_private_socket,
					  close_all),
		cmocka_unit_test_teardown(a_note_sent_as_a_bound_parameter_comes_back_whole,
					  close_all),
		cmocka_unit_test_teardown(
		    a_locked_job_holds_the_second_bench_until_the_first_commits, close_all),
		cmocka_unit_test_teardown(a_plain_read_of_a_locked_job_is_answered_at_once,
					  close_all),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
