/*
 * The PostgreSQL schema (src/store/schema_pg.c) against the schema the real store makes in
 * SQLite: a workshop moved to PostgreSQL keeps the same tables and columns, the same
 * keys, and records that refuse to change with the same words.
 *
 * The group makes one fresh database with its own name in the suite's cluster
 * (ATELIER_TEST_PG, from scripts/pg-test-cluster), runs schema_pg_create[] in it, and
 * makes an SQLite store with store_open() in a temporary folder; both are removed at the
 * end. Each test skips, saying so, when ATELIER_TEST_PG is unset (tests/unit/test_pg.c).
 * The same rows are written into both databases with the same SQL, then both are asked
 * the same refused (or allowed) changes, and their answers compared.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "store/schema_pg.h"
#include "store/store_int.h"
#include "store/store.h"
#include "util/hash.h"
#include "util/log.h"

#include <libpq-fe.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Room for the description of one table (its columns, or its keys). */
#define DESC_SIZE 8192
/* Room for a refusal's words. */
#define MSG_SIZE 256

static struct {
	const char *url; /* NULL: no PostgreSQL, every test skips */
	char dbname[64];
	PGconn *pg;	  /* to the test's own database */
	char dir[64];	  /* the SQLite store's folder (mkdtemp) */
	char file[128];	  /* its database */
	sqlite3 *lite;	  /* a plain connection to it, as sqlite3(1) would have */
	char failed[512]; /* what went wrong in the group's setup */
} g;

/* ---- helpers ---- */

static void need_pg(void)
{
	if (!g.url) {
		print_message(
		    "# ATELIER_TEST_PG is not set: no PostgreSQL to test against "
		    "(make check starts one; by hand: scripts/pg-test-cluster start DIR)\n");
		skip();
	}
	if (g.failed[0])
		fail_msg("%s", g.failed);
}

/* Appends to BUF (SIZE bytes); the test fails rather than cut a description short. */
static void add(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void add(char *buf, size_t size, const char *fmt, ...)
{
	size_t len = strlen(buf);
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf + len, size - len, fmt, ap);
	va_end(ap);
	assert_true(n >= 0 && (size_t)n < size - len);
}

/* Runs SQL on PostgreSQL; the test fails with the server's words when it does. */
static void pg_run(const char *sql)
{
	PGresult *r = PQexec(g.pg, sql);
	ExecStatusType st = PQresultStatus(r);

	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
		fail_msg("postgresql: %s: %s", sql, PQresultErrorMessage(r));
	PQclear(r);
}

/* The rows of SQL with one text parameter ($1, may be NULL); the caller PQclear()s. */
static PGresult *pg_rows(const char *sql, const char *param)
{
	const char *params[1] = { param };
	PGresult *r = PQexecParams(g.pg, sql, param ? 1 : 0, NULL, params, NULL, NULL, 0);

	if (PQresultStatus(r) != PGRES_TUPLES_OK)
		fail_msg("postgresql: %s: %s", sql, PQresultErrorMessage(r));
	return r;
}

/* Runs SQL on the SQLite file; the test fails with SQLite's words when it does. */
static void lite_run(const char *sql)
{
	char *why = NULL;

	if (sqlite3_exec(g.lite, sql, NULL, NULL, &why) != SQLITE_OK) {
		char msg[MSG_SIZE];

		snprintf(msg, sizeof(msg), "%s", why ? why : "?");
		sqlite3_free(why);
		fail_msg("sqlite: %s: %s", sql, msg);
	}
}

static sqlite3_stmt *lite_prepare(const char *sql, const char *param)
{
	sqlite3_stmt *s = NULL;

	if (sqlite3_prepare_v2(g.lite, sql, -1, &s, NULL) != SQLITE_OK)
		fail_msg("sqlite: %s: %s", sql, sqlite3_errmsg(g.lite));
	if (param)
		assert_int_equal(sqlite3_bind_text(s, 1, param, -1, SQLITE_STATIC), SQLITE_OK);
	return s;
}

static const char *lite_text(sqlite3_stmt *s, int col)
{
	const unsigned char *t = sqlite3_column_text(s, col);

	return t ? (const char *)t : "";
}

/* SQL run on both databases, which must both accept it. */
static void both_run(const char *sql)
{
	lite_run(sql);
	pg_run(sql);
}

/*
 * What SQLite answers to SQL: "" when it is done, else the refusal's words, into MSG.
 */
static void lite_answer(const char *sql, char msg[MSG_SIZE])
{
	msg[0] = '\0';
	if (sqlite3_exec(g.lite, sql, NULL, NULL, NULL) != SQLITE_OK)
		snprintf(msg, MSG_SIZE, "%s", sqlite3_errmsg(g.lite));
}

/* The same from PostgreSQL (the primary message alone: no "ERROR:", no context), and the
 * SQLSTATE of a refusal into STATE ("" when done). */
static void pg_answer(const char *sql, char msg[MSG_SIZE], char state[8])
{
	PGresult *r = PQexec(g.pg, sql);
	ExecStatusType st = PQresultStatus(r);

	msg[0] = state[0] = '\0';
	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
		const char *m = PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY);
		const char *s = PQresultErrorField(r, PG_DIAG_SQLSTATE);

		snprintf(msg, MSG_SIZE, "%s", m ? m : "?");
		snprintf(state, 8, "%s", s ? s : "?");
	}
	PQclear(r);
}

/*
 * Asks both databases SQL: both must refuse it with WORDS (NULL: both must do it).
 * PostgreSQL's refusal is an integrity constraint violation, as SQLite's is a constraint
 * failure.
 */
static void both_answer(const char *sql, const char *words)
{
	char lite[MSG_SIZE], pg[MSG_SIZE], state[8];

	lite_answer(sql, lite);
	pg_answer(sql, pg, state);
	if (strcmp(lite, words ? words : "") != 0)
		fail_msg("sqlite: %s: expected \"%s\", got \"%s\"", sql, words ? words : "", lite);
	if (strcmp(pg, lite) != 0)
		fail_msg("postgresql: %s: expected \"%s\" as sqlite, got \"%s\"", sql, lite, pg);
	if (words)
		assert_string_equal(state, "23000");
}

/* ---- the two databases ---- */

/* Removes the SQLite store's folder (the database and its companions). */
static void remove_store_dir(void)
{
	static const char *const names[] = { STORE_DB_NAME, STORE_DB_NAME "-wal",
					     STORE_DB_NAME "-shm", STORE_DB_NAME "-journal" };
	char p[192];

	if (!g.dir[0])
		return;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(p, sizeof(p), "%s/%s", g.dir, names[i]);
		unlink(p);
	}
	rmdir(g.dir);
	g.dir[0] = '\0';
}

/* The SQLite database as the store makes it, opened again as a plain file. */
static int make_sqlite(void)
{
	struct store *st = NULL;
	enum store_err err;

	snprintf(g.dir, sizeof(g.dir), "/tmp/atelier-pgschema-XXXXXX");
	if (!mkdtemp(g.dir)) {
		g.dir[0] = '\0';
		snprintf(g.failed, sizeof(g.failed), "mkdtemp failed");
		return -1;
	}
	err = store_open(g.dir, 1, &st, NULL);
	if (err) {
		snprintf(g.failed, sizeof(g.failed), "store_open %s: %s", g.dir,
			 store_last_error_message());
		return -1;
	}
	store_free(st);
	snprintf(g.file, sizeof(g.file), "%s/%s", g.dir, STORE_DB_NAME);
	if (sqlite3_open_v2(g.file, &g.lite, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
		snprintf(g.failed, sizeof(g.failed), "sqlite3_open_v2 %s: %s", g.file,
			 sqlite3_errmsg(g.lite));
		return -1;
	}
	/* As the store has it: the fixtures' rows must pass the same checks. */
	return sqlite3_exec(g.lite, "PRAGMA foreign_keys = ON", NULL, NULL, NULL) == SQLITE_OK ? 0
											       : -1;
}

/* A fresh database with this run's name, given the schema in one transaction. */
static int make_pg(void)
{
	const char *keys[] = { "dbname", "dbname", NULL };
	const char *values[] = { g.url, g.dbname, NULL };
	PGconn *admin = PQconnectdb(g.url);
	/* Two statements: CREATE DATABASE runs outside any transaction block. */
	const char *const make[] = { "DROP DATABASE IF EXISTS %s", "CREATE DATABASE %s" };
	char sql[256];
	PGresult *r;
	int ok = 1;

	snprintf(g.dbname, sizeof(g.dbname), "atelier_schema_%ld", (long)getpid());
	PQclear(PQexec(admin, "SET client_min_messages = warning")); /* no "does not exist" */
	for (size_t i = 0; ok && i < sizeof(make) / sizeof(make[0]); i++) {
		snprintf(sql, sizeof(sql), make[i], g.dbname);
		r = PQexec(admin, sql);
		ok = PQresultStatus(r) == PGRES_COMMAND_OK;
		if (!ok)
			snprintf(g.failed, sizeof(g.failed), "%s: %s", sql, PQerrorMessage(admin));
		PQclear(r);
	}
	PQfinish(admin);
	if (!ok)
		return -1;

	/* The URL's settings, another database: a later dbname is a plain name. */
	g.pg = PQconnectdbParams(keys, values, 1);
	if (PQstatus(g.pg) != CONNECTION_OK) {
		snprintf(g.failed, sizeof(g.failed), "connect to %s: %s", g.dbname,
			 PQerrorMessage(g.pg));
		return -1;
	}
	PQclear(PQexec(g.pg, "SET client_min_messages = warning"));
	PQclear(PQexec(g.pg, "BEGIN"));
	for (size_t i = 0; schema_pg_create[i]; i++) {
		r = PQexec(g.pg, schema_pg_create[i]);
		ok = PQresultStatus(r) == PGRES_COMMAND_OK;
		if (!ok)
			snprintf(g.failed, sizeof(g.failed), "schema_pg_create[%zu] \"%.80s\": %s",
				 i, schema_pg_create[i], PQresultErrorMessage(r));
		PQclear(r);
		if (!ok)
			return 0; /* the tests say it */
	}
	/* Then the store's migrations past the version made at once, as store_open() runs
	 * them on PostgreSQL (db_pg.c). */
	for (int v = SCHEMA_PG_VERSION; v < STORE_SCHEMA_VERSION; v++) {
		const char *const *steps = store_int_pg_migration(v);
		char set[96];

		for (size_t i = 0; steps && steps[i]; i++) {
			r = PQexec(g.pg, steps[i]);
			ok = PQresultStatus(r) == PGRES_COMMAND_OK;
			if (!ok)
				snprintf(g.failed, sizeof(g.failed), "migration %d \"%.80s\": %s", v,
					 steps[i], PQresultErrorMessage(r));
			PQclear(r);
			if (!ok)
				return 0;
		}
		if (!steps) {
			snprintf(g.failed, sizeof(g.failed), "no PostgreSQL step from version %d", v);
			return 0;
		}
		snprintf(set, sizeof(set), "UPDATE atelier_schema SET version = %d", v + 1);
		PQclear(PQexec(g.pg, set));
	}
	r = PQexec(g.pg, "COMMIT");
	ok = PQresultStatus(r) == PGRES_COMMAND_OK;
	if (!ok)
		snprintf(g.failed, sizeof(g.failed), "COMMIT: %s", PQresultErrorMessage(r));
	PQclear(r);
	return 0;
}

static int setup(void **state)
{
	const char *url = getenv("ATELIER_TEST_PG");

	(void)state;
	log_set_level(LOG_WARN);
	if (!url || !*url)
		return 0;
	g.url = url;
	/* A failure is told by each test (need_pg()), with what failed. */
	if (make_pg() != 0 || make_sqlite() != 0)
		print_message("# %s\n", g.failed);
	return 0;
}

static int teardown(void **state)
{
	char sql[128];
	PGconn *admin;
	PGresult *r;
	int ok = 1;

	(void)state;
	if (g.lite)
		sqlite3_close(g.lite);
	g.lite = NULL;
	remove_store_dir();
	if (!g.url || !g.dbname[0])
		return 0;
	PQfinish(g.pg);
	g.pg = NULL;
	admin = PQconnectdb(g.url);
	snprintf(sql, sizeof(sql), "DROP DATABASE IF EXISTS %s WITH (FORCE)", g.dbname);
	r = PQexec(admin, sql);
	ok = PQresultStatus(r) == PGRES_COMMAND_OK;
	if (!ok)
		print_message("# could not drop the test's database: %s", PQerrorMessage(admin));
	PQclear(r);
	PQfinish(admin);
	return ok ? 0 : -1;
}

/* Rolls back what a failed test left open, so that the next one starts clean. */
static int end_open_transactions(void **state)
{
	(void)state;
	if (g.pg && PQtransactionStatus(g.pg) != PQTRANS_IDLE)
		PQclear(PQexec(g.pg, "ROLLBACK"));
	if (g.lite && !sqlite3_get_autocommit(g.lite))
		sqlite3_exec(g.lite, "ROLLBACK", NULL, NULL, NULL);
	return 0;
}

/* ---- how each database describes a table ---- */

/* The tables, by name, comma-separated (PostgreSQL's atelier_schema is user_version). */
static void lite_tables(char *out, size_t size)
{
	sqlite3_stmt *s = lite_prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND "
				       "name NOT LIKE 'sqlite_%' ORDER BY name",
				       NULL);

	out[0] = '\0';
	while (sqlite3_step(s) == SQLITE_ROW)
		add(out, size, "%s%s", out[0] ? "," : "", lite_text(s, 0));
	sqlite3_finalize(s);
}

static void pg_tables(char *out, size_t size)
{
	PGresult *r = pg_rows("SELECT table_name FROM information_schema.tables WHERE "
			      "table_schema = current_schema() AND table_type = 'BASE TABLE' AND "
			      "table_name <> 'atelier_schema' ORDER BY table_name",
			      NULL);

	out[0] = '\0';
	for (int i = 0; i < PQntuples(r); i++)
		add(out, size, "%s%s", out[0] ? "," : "", PQgetvalue(r, i, 0));
	PQclear(r);
}

/* 1 when COLUMN of TABLE (SQLite) refers to another table. */
static int lite_is_foreign(const char *table, const char *column)
{
	sqlite3_stmt *s = lite_prepare("SELECT 1 FROM pragma_foreign_key_list(?1) WHERE "
				       "\"from\" = ?2",
				       table);
	int found;

	sqlite3_bind_text(s, 2, column, -1, SQLITE_STATIC);
	found = sqlite3_step(s) == SQLITE_ROW;
	sqlite3_finalize(s);
	return found;
}

/*
 * One line per column, in order, with the types mapped as schema_pg.c says: INTEGER is
 * bigint, TEXT is text COLLATE "C"; a key is never NULL; an INTEGER PRIMARY KEY that is
 * not a link to another table's row is an identity, given BY DEFAULT.
 */
static void lite_columns(const char *table, char *out, size_t size)
{
	sqlite3_stmt *s = lite_prepare("SELECT name, type, \"notnull\", dflt_value, pk, "
				       "(SELECT count(*) FROM pragma_table_info(?1) WHERE pk > 0) "
				       "FROM pragma_table_info(?1) ORDER BY cid",
				       table);

	out[0] = '\0';
	while (sqlite3_step(s) == SQLITE_ROW) {
		const char *name = lite_text(s, 0), *type = lite_text(s, 1);
		int is_int = strcmp(type, "INTEGER") == 0, pk = sqlite3_column_int(s, 4);
		int rowid = is_int && pk && sqlite3_column_int(s, 5) == 1;

		assert_true(is_int || strcmp(type, "TEXT") == 0); /* no REAL, no BLOB yet */
		add(out, size, "%s %s%s%s", name, is_int ? "bigint" : "text",
		    is_int ? "" : " collate C", sqlite3_column_int(s, 2) || pk ? " not null" : "");
		if (sqlite3_column_type(s, 3) != SQLITE_NULL)
			add(out, size, " default %s", lite_text(s, 3));
		if (rowid && !lite_is_foreign(table, name))
			add(out, size, " identity by default");
		add(out, size, "\n");
	}
	sqlite3_finalize(s);
}

static void pg_columns(const char *table, char *out, size_t size)
{
	PGresult *r = pg_rows("SELECT column_name, data_type, collation_name, is_nullable, "
			      "column_default, is_identity, identity_generation "
			      "FROM information_schema.columns WHERE table_schema = "
			      "current_schema() AND table_name = $1 ORDER BY ordinal_position",
			      table);

	out[0] = '\0';
	for (int i = 0; i < PQntuples(r); i++) {
		const char *dflt = PQgetvalue(r, i, 4);
		size_t n = strlen(dflt);

		add(out, size, "%s %s%s%s%s", PQgetvalue(r, i, 0), PQgetvalue(r, i, 1),
		    PQgetisnull(r, i, 2) ? "" : " collate ",
		    PQgetisnull(r, i, 2) ? "" : PQgetvalue(r, i, 2),
		    strcmp(PQgetvalue(r, i, 3), "NO") == 0 ? " not null" : "");
		if (!PQgetisnull(r, i, 4)) {
			/* 'intake'::text is SQLite's 'intake' */
			if (n > 6 && strcmp(dflt + n - 6, "::text") == 0)
				n -= 6;
			add(out, size, " default %.*s", (int)n, dflt);
		}
		if (strcmp(PQgetvalue(r, i, 5), "YES") == 0)
			add(out, size, " identity %s",
			    strcmp(PQgetvalue(r, i, 6), "BY DEFAULT") == 0 ? "by default"
									   : "always");
		add(out, size, "\n");
	}
	PQclear(r);
}

/* qsort()'s order of the lines of a description. */
static int by_text(const void *a, const void *b)
{
	return strcmp(a, b);
}

/*
 * The table's keys and indexes, sorted: a named index with its columns (unique,
 * partial), each unique key or primary key by its columns alone (their index names are
 * the engine's own), each foreign key, and the number of CHECK constraints.
 */
static void lite_keys(const char *table, char *out, size_t size)
{
	char lines[64][160];
	size_t n = 0;
	sqlite3_stmt *s, *c;
	const char *sql;

	/* A rowid table's INTEGER PRIMARY KEY has no index: it is the rowid. */
	s = lite_prepare("SELECT name FROM pragma_table_info(?1) WHERE pk = 1 AND type = "
			 "'INTEGER' AND (SELECT count(*) FROM pragma_table_info(?1) WHERE pk > 0) "
			 "= 1",
			 table);
	if (sqlite3_step(s) == SQLITE_ROW)
		snprintf(lines[n++], sizeof(lines[0]), "key (%s) unique", lite_text(s, 0));
	sqlite3_finalize(s);

	s = lite_prepare("SELECT name, \"unique\", origin, partial FROM pragma_index_list(?1)",
			 table);
	while (sqlite3_step(s) == SQLITE_ROW) {
		char cols[128] = "";

		assert_true(n < sizeof(lines) / sizeof(lines[0]));
		c = lite_prepare("SELECT name FROM pragma_index_info(?1) ORDER BY seqno",
				 lite_text(s, 0));
		while (sqlite3_step(c) == SQLITE_ROW)
			add(cols, sizeof(cols), "%s%s", cols[0] ? "," : "", lite_text(c, 0));
		sqlite3_finalize(c);
		if (strcmp(lite_text(s, 2), "c") == 0)
			snprintf(lines[n++], sizeof(lines[0]), "index %s (%s)%s%s", lite_text(s, 0),
				 cols, sqlite3_column_int(s, 1) ? " unique" : "",
				 sqlite3_column_int(s, 3) ? " partial" : "");
		else
			snprintf(lines[n++], sizeof(lines[0]), "key (%s) unique", cols);
	}
	sqlite3_finalize(s);

	s = lite_prepare("SELECT \"from\", \"table\", \"to\" FROM pragma_foreign_key_list(?1)",
			 table);
	while (sqlite3_step(s) == SQLITE_ROW) {
		assert_true(n < sizeof(lines) / sizeof(lines[0]));
		snprintf(lines[n++], sizeof(lines[0]), "references %s -> %s (%s)", lite_text(s, 0),
			 lite_text(s, 1), lite_text(s, 2));
	}
	sqlite3_finalize(s);

	/* SQLite keeps no list of CHECKs: they are counted in the table's CREATE text. */
	sql = NULL;
	s = lite_prepare("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?1", table);
	if (sqlite3_step(s) == SQLITE_ROW) {
		int checks = 0;

		for (sql = lite_text(s, 0); (sql = strstr(sql, "CHECK (")) != NULL; sql++)
			checks++;
		snprintf(lines[n++], sizeof(lines[0]), "checks %d", checks);
	}
	sqlite3_finalize(s);

	qsort(lines, n, sizeof(lines[0]), by_text);
	out[0] = '\0';
	for (size_t i = 0; i < n; i++)
		add(out, size, "%s\n", lines[i]);
}

static void pg_keys(const char *table, char *out, size_t size)
{
	char lines[64][160];
	size_t n = 0;
	PGresult *r;

	r = pg_rows("SELECT i.relname, x.indisunique, x.indpred IS NOT NULL, "
		    "EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = x.indexrelid), "
		    "(SELECT string_agg(a.attname, ',' ORDER BY k.n) FROM "
		    "unnest(x.indkey::int2[]) WITH ORDINALITY k(attnum, n) JOIN pg_attribute a "
		    "ON a.attrelid = x.indrelid AND a.attnum = k.attnum) "
		    "FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid "
		    "WHERE x.indrelid = to_regclass(quote_ident($1))",
		    table);
	for (int i = 0; i < PQntuples(r); i++) {
		int unique = PQgetvalue(r, i, 1)[0] == 't';

		assert_true(n < sizeof(lines) / sizeof(lines[0]));
		if (PQgetvalue(r, i, 3)[0] == 't')
			snprintf(lines[n++], sizeof(lines[0]), "key (%s)%s", PQgetvalue(r, i, 4),
				 unique ? " unique" : "");
		else
			snprintf(lines[n++], sizeof(lines[0]), "index %s (%s)%s%s",
				 PQgetvalue(r, i, 0), PQgetvalue(r, i, 4), unique ? " unique" : "",
				 PQgetvalue(r, i, 2)[0] == 't' ? " partial" : "");
	}
	PQclear(r);

	r = pg_rows("SELECT a.attname, p.relname, b.attname FROM pg_constraint k "
		    "JOIN pg_class p ON p.oid = k.confrelid "
		    "JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = k.conkey[1] "
		    "JOIN pg_attribute b ON b.attrelid = k.confrelid AND b.attnum = k.confkey[1] "
		    "WHERE k.contype = 'f' AND k.conrelid = to_regclass(quote_ident($1))",
		    table);
	for (int i = 0; i < PQntuples(r); i++) {
		assert_true(n < sizeof(lines) / sizeof(lines[0]));
		snprintf(lines[n++], sizeof(lines[0]), "references %s -> %s (%s)",
			 PQgetvalue(r, i, 0), PQgetvalue(r, i, 1), PQgetvalue(r, i, 2));
	}
	PQclear(r);

	r = pg_rows("SELECT count(*) FROM pg_constraint WHERE contype = 'c' AND "
		    "conrelid = to_regclass(quote_ident($1))",
		    table);
	snprintf(lines[n++], sizeof(lines[0]), "checks %s", PQgetvalue(r, 0, 0));
	PQclear(r);

	qsort(lines, n, sizeof(lines[0]), by_text);
	out[0] = '\0';
	for (size_t i = 0; i < n; i++)
		add(out, size, "%s\n", lines[i]);
}

/* For each SQLite table: DESCRIBE it in both databases and compare. */
static void each_table_alike(void (*lite)(const char *, char *, size_t),
			     void (*pg)(const char *, char *, size_t))
{
	static char a[DESC_SIZE], b[DESC_SIZE];
	sqlite3_stmt *s = lite_prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND "
				       "name NOT LIKE 'sqlite_%' ORDER BY name",
				       NULL);
	int tables = 0;

	while (sqlite3_step(s) == SQLITE_ROW) {
		const char *table = lite_text(s, 0);

		lite(table, a, sizeof(a));
		pg(table, b, sizeof(b));
		if (strcmp(a, b) != 0)
			fail_msg("table %s differs.\nsqlite:\n%spostgresql:\n%s", table, a, b);
		tables++;
	}
	sqlite3_finalize(s);
	assert_true(tables >= 29);
}

/* ---- the same rows in both ---- */

/* One row in each table that has a guard, and their parents; the same SQL for both. */
static const char *const fixture[] = {
	"INSERT INTO app_user (id, name, role, active, created_ms) "
	"VALUES (1, 'Ana', 'instructor', 1, 1000)",
	"INSERT INTO app_user (id, name, role, active, created_ms, code) "
	"VALUES (2, 'Bo', 'trainee', 1, 1000, 'T-002')",
	"INSERT INTO device (id, platform, serial, first_seen_ms, last_seen_ms) "
	"VALUES (1, 'android', 'R58M12345', 1000, 1000)",
	"INSERT INTO job (id, device_id, checklist_id, checklist_version, checklist_hash, "
	"trainee_id, state, started_ms) VALUES (1, 1, 'refurbish', 1, 'c0ffee', 2, 'open', 1000)",
	"INSERT INTO step_record (id, job_id, seq, step_id, user_id, t_ms, spent_ms, result, "
	"prev_hash, hash) VALUES (1, 1, 1, 'wipe', 2, 1100, 100, 'pass', 'genesis', 'h1')",
	"INSERT INTO grade (id, job_id, submitted_ms, verdict, feedback, by_user, t_ms) "
	"VALUES (1, 1, 1200, 'approved', 'clean work', 1, 1300)",
	"INSERT INTO grade_ack (grade_id, user_id, t_ms) VALUES (1, 2, 1400)",
	"INSERT INTO device_event (id, device_id, from_state, to_state, user_id, reason, t_ms) "
	"VALUES (1, 1, 'intake', 'certified', 1, 'checked', 1500)",
	"INSERT INTO certificate (id, device_id, issued_ms, by_user, key_id, body) "
	"VALUES ('ATL-1', 1, 1500, 1, 'k1', '{}')",
	"INSERT INTO job_event (id, job_id, kind, user_id, t_ms, note) "
	"VALUES (1, 1, 'cancel', 1, 1600, 'the screen is broken')",
	"INSERT INTO ledger (id, chain, seq, kind, ref, t_ms, body, prev_hash, hash) "
	"VALUES (1, 'job:1', 1, 'start', '1', 1000, '{}', 'genesis', 'e1')",
	"INSERT INTO chain_head (chain, seq, hash, t_ms, key_id, sig) "
	"VALUES ('job:1', 1, 'e1', 1000, 'k1', '')",
	"INSERT INTO revocation (id, certificate_id, by_user, reason, t_ms) "
	"VALUES (1, 'ATL-1', 1, 'issued by mistake', 1700)",
	"INSERT INTO signin_attempt (id, name, t_ms, outcome) VALUES (1, 'Bo', 1800, 'wrong')",
	"INSERT INTO audit (id, t_ms, actor, action, subject, outcome, detail) "
	"VALUES (1, 1800, 'Ana', 'user.add', 'Bo', 'ok', '')",
	"INSERT INTO step_photo (id, checklist_id, step_id, sha256, type, by_user, t_ms) "
	"VALUES (1, 'refurbish', 'wipe', "
	"'0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef', 'image/png', 1, "
	"1900)",
	"INSERT INTO signoff (id, user_id, competence, by_user, note, t_ms) "
	"VALUES (1, 2, 'wipe', 1, 'wipes alone now', 2000)",
	"INSERT INTO erasure (id, user_id, by_user, why, t_ms) VALUES (1, 2, 1, 'asked', 2100)",
	"INSERT INTO redaction (id, erasure_id, chain, seq, hash, redacted_hash) "
	"VALUES (1, 1, 'job:1', 1, 'e1', 'r1')",
	"INSERT INTO intake_batch (id, name, donor, by_user, t_ms) "
	"VALUES (1, 'B-2024-01', 'town hall', 1, 2200)",
	"INSERT INTO device_batch (id, device_id, batch_id, by_user, t_ms) "
	"VALUES (1, 1, 1, 1, 2200)",
	"INSERT INTO shelf_move (id, device_id, shelf, by_user, t_ms) VALUES (1, 1, 'A1', 1, 2300)",
	"INSERT INTO sale (id, device_id, event_id, price_cents, channel, by_user, t_ms) "
	"VALUES (1, 1, 1, 4900, 'shop', 1, 2400)",
	"INSERT INTO destruction (id, device_id, method, by_user, t_ms) "
	"VALUES (1, 1, 'shredded', 1, 2500)",
	"INSERT INTO bench_key (id, bench, key_id, public, t_ms) "
	"VALUES (1, 'bench-2', '0123456789abcdef', 'ed25519:AAAA', 2600)",
	"INSERT INTO bench_enrolment (id, key_id, by_user, t_ms, signer, sig) "
	"VALUES (1, '0123456789abcdef', 1, 2700, 'fedcba9876543210', 'c2ln')",
	NULL,
};

static void load_fixture_once(void)
{
	static int loaded;

	if (loaded)
		return;
	for (size_t i = 0; fixture[i]; i++)
		both_run(fixture[i]);
	loaded = 1;
}

/* A table whose rows are kept: what SQLite says to a change, and what it lets through. */
struct guarded {
	const char *table;
	const char *column; /* set to itself by the refused UPDATE */
	const char *update; /* the refusal's words; NULL: an update is allowed */
	const char *remove; /* the same for DELETE */
};

static const struct guarded guarded[] = {
	{ "step_record", "t_ms", "step records are append-only", "step records are append-only" },
	{ "grade", "t_ms", "grades are append-only", "grades are append-only" },
	{ "grade_ack", "t_ms", "acknowledgements are append-only",
	  "acknowledgements are append-only" },
	{ "device_event", "t_ms", "device events are append-only",
	  "device events are append-only" },
	{ "certificate", "issued_ms", "certificates are append-only",
	  "certificates are append-only" },
	{ "job_event", "t_ms", "job events are append-only", "job events are append-only" },
	{ "ledger", "t_ms", "the ledger is append-only", "the ledger is append-only" },
	{ "revocation", "t_ms", "revocations are append-only", "revocations are append-only" },
	{ "chain_head", "t_ms", NULL, "the heads of the records are kept" },
	{ "signin_attempt", "t_ms", "sign-in attempts are append-only",
	  "sign-in attempts are append-only" },
	{ "audit", "t_ms", "the audit log is append-only", "the audit log is append-only" },
	{ "signoff", "t_ms", "sign-offs are append-only", "sign-offs are append-only" },
	{ "erasure", "t_ms", "erasures are append-only", "erasures are append-only" },
	{ "redaction", "seq", "redactions are append-only", "redactions are append-only" },
	{ "intake_batch", "t_ms", "batches are append-only", "batches are append-only" },
	{ "device_batch", "t_ms", "batch memberships are append-only",
	  "batch memberships are append-only" },
	{ "shelf_move", "t_ms", "shelf moves are append-only", "shelf moves are append-only" },
	{ "sale", "t_ms", "sales are append-only", "sales are append-only" },
	{ "destruction", "t_ms", "destruction records are append-only",
	  "destruction records are append-only" },
	{ "bench_enrolment", "t_ms", "bench enrolments are append-only",
	  "bench enrolments are append-only" },
	{ "bench_key", "t_ms", "bench keys are append-only", "bench keys are append-only" },
	/* last: its row goes */
	{ "step_photo", "t_ms", "step photos are added, never changed", NULL },
};

/* ---- tests ---- */

static void a_fresh_workshop_database_is_at_the_stores_schema_version(void **state)
{
	PGresult *r;
	(void)state;

	need_pg();
	assert_true(SCHEMA_PG_VERSION <= STORE_SCHEMA_VERSION);
	r = pg_rows("SELECT version FROM atelier_schema", NULL);
	assert_int_equal(PQntuples(r), 1);
	assert_int_equal(strtol(PQgetvalue(r, 0, 0), NULL, 10), STORE_SCHEMA_VERSION);
	PQclear(r);
	/* One row, ever: a second version would leave the reader guessing. */
	{
		char msg[MSG_SIZE], st[8];

		pg_answer("INSERT INTO atelier_schema (id, version) VALUES (2, 14)", msg, st);
		assert_string_equal(st, "23514"); /* check_violation */
	}
}

static void every_table_has_the_sqlite_columns_in_the_same_order(void **state)
{
	static char a[DESC_SIZE], b[DESC_SIZE];
	(void)state;

	need_pg();
	lite_tables(a, sizeof(a));
	pg_tables(b, sizeof(b));
	assert_string_equal(b, a);
	each_table_alike(lite_columns, pg_columns);
}

static void every_key_index_and_check_of_sqlite_is_there(void **state)
{
	PGresult *r;
	(void)state;

	need_pg();
	each_table_alike(lite_keys, pg_keys);
	/* The partial index of the grading queue keeps SQLite's meaning of IS NOT. */
	r = pg_rows("SELECT pg_get_expr(indpred, indrelid) FROM pg_index WHERE indexrelid = "
		    "'job_waiting'::regclass",
		    NULL);
	assert_non_null(strstr(PQgetvalue(r, 0, 0), "graded_ms IS DISTINCT FROM submitted_ms"));
	PQclear(r);
}

static void every_sqlite_trigger_has_its_namesake_on_the_same_table(void **state)
{
	static char a[DESC_SIZE], b[DESC_SIZE];
	sqlite3_stmt *s;
	PGresult *r;
	(void)state;

	need_pg();
	s = lite_prepare("SELECT name, tbl_name FROM sqlite_master WHERE type = 'trigger' "
			 "ORDER BY name",
			 NULL);
	a[0] = '\0';
	while (sqlite3_step(s) == SQLITE_ROW)
		add(a, sizeof(a), "%s on %s\n", lite_text(s, 0), lite_text(s, 1));
	sqlite3_finalize(s);
	/* Each table that refuses DELETE refuses TRUNCATE too: those are PostgreSQL's own. */
	r = pg_rows("SELECT t.tgname, c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = "
		    "t.tgrelid WHERE NOT t.tgisinternal AND c.relnamespace = "
		    "current_schema()::regnamespace AND t.tgname NOT LIKE '%\\_no\\_truncate' "
		    "ORDER BY t.tgname COLLATE \"C\"",
		    NULL);
	b[0] = '\0';
	for (int i = 0; i < PQntuples(r); i++)
		add(b, sizeof(b), "%s on %s\n", PQgetvalue(r, i, 0), PQgetvalue(r, i, 1));
	PQclear(r);
	assert_string_equal(b, a);
	r = pg_rows("SELECT count(*) FROM pg_trigger WHERE tgname LIKE '%\\_no\\_truncate' AND "
		    "replace(tgname, '_no_truncate', '_no_delete') IN (SELECT tgname FROM "
		    "pg_trigger)",
		    NULL);
	assert_int_equal(strtol(PQgetvalue(r, 0, 0), NULL, 10),
			 sizeof(guarded) / sizeof(guarded[0]) - 1);
	PQclear(r);
}

static void a_kept_record_refuses_a_change_with_the_words_sqlite_uses(void **state)
{
	char sql[256];
	(void)state;

	need_pg();
	load_fixture_once();
	for (size_t i = 0; i < sizeof(guarded) / sizeof(guarded[0]); i++) {
		const struct guarded *t = &guarded[i];

		snprintf(sql, sizeof(sql), "UPDATE %s SET %s = %s", t->table, t->column, t->column);
		both_answer(sql, t->update);
		snprintf(sql, sizeof(sql), "DELETE FROM %s", t->table);
		both_answer(sql, t->remove);
		if (t->remove) {
			char msg[MSG_SIZE], st[8];

			snprintf(sql, sizeof(sql), "TRUNCATE %s CASCADE", t->table);
			pg_answer(sql, msg, st);
			assert_string_equal(msg, t->remove);
		}
	}
	/* What may change still does: a device's state, a job's, a session. */
	both_answer("UPDATE device SET state = 'in_repair' WHERE id = 1", NULL);
	both_answer("UPDATE job SET state = 'submitted', submitted_ms = 1200 WHERE id = 1", NULL);
	both_answer("UPDATE app_user SET active = 0 WHERE id = 2", NULL);
	both_answer("UPDATE chain_head SET seq = 2, hash = 'e2', sig = 'signed' WHERE chain = "
		    "'job:1'",
		    NULL);
}

static void an_erasure_changes_only_what_sqlite_lets_it_change(void **state)
{
	static const char *const let_through[] = {
		"UPDATE ledger SET body = '{\"name\":null}' WHERE id = 1",
		"UPDATE certificate SET body = '{\"trainee\":\"T-002\"}' WHERE id = 'ATL-1'",
		"UPDATE audit SET subject = 'T-002' WHERE id = 1",
		"DELETE FROM signin_attempt WHERE name = 'Bo'",
	};
	char lite[MSG_SIZE], pg[MSG_SIZE], st[8];
	(void)state;

	need_pg();
	load_fixture_once();
	both_run("BEGIN");
	both_run("INSERT INTO bench (key, value) VALUES ('erasing', '2')");
	for (size_t i = 0; i < sizeof(let_through) / sizeof(let_through[0]); i++)
		both_answer(let_through[i], NULL);
	/* The door opens for these four alone: the rest stays shut during an erasure. */
	both_answer("UPDATE step_record SET note = 'x'", "step records are append-only");
	lite_answer("DELETE FROM ledger", lite);
	assert_string_equal(lite, "the ledger is append-only");
	/* (PostgreSQL's transaction failed with that refusal: the rest is SQLite's.) */
	both_run("ROLLBACK");
	both_run("BEGIN");
	both_run("INSERT INTO bench (key, value) VALUES ('erasing', '2')");
	pg_answer("DELETE FROM ledger", pg, st);
	assert_string_equal(pg, "the ledger is append-only");
	both_run("ROLLBACK");
	/* Rolled back, and shut again. */
	both_answer("UPDATE ledger SET body = 'x'", "the ledger is append-only");
	both_answer("DELETE FROM signin_attempt", "sign-in attempts are append-only");
}

static void a_secret_digest_and_instr_give_what_sqlite_gives(void **state)
{
	/* A PIN's argon2id hash; a note in French; an empty text. */
	static const char *const secrets[] = {
		"$argon2id$v=19$m=65536,t=3,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo",
		"écran fêlé, « iPhone »",
		"",
	};
	crypto_hash_sha256_state h;
	char want[HASH_HEX];
	PGresult *r;
	(void)state;

	need_pg();
	for (size_t i = 0; i < sizeof(secrets) / sizeof(secrets[0]); i++) {
		/* ledger.c's secret_digest_fn(): SECRET_TAG "atelier-secret-v1", then the text. */
		crypto_hash_sha256_init(&h);
		hash_feed(&h, "atelier-secret-v1");
		hash_feed(&h, secrets[i]);
		hash_finish(&h, want);
		r = pg_rows("SELECT secret_digest($1)", secrets[i]);
		assert_string_equal(PQgetvalue(r, 0, 0), want);
		PQclear(r);
	}
	r = pg_rows("SELECT secret_digest(NULL) IS NULL", NULL);
	assert_string_equal(PQgetvalue(r, 0, 0), "t");
	PQclear(r);

	/* instr() counts characters, as SQLite's does for text. */
	{
		static const char sql[] =
		    "SELECT instr('écran fêlé', 'fêlé'), instr('abc', 'z'), instr('abc', '')";
		sqlite3_stmt *s = lite_prepare(sql, NULL);
		char a[64], b[64];

		assert_int_equal(sqlite3_step(s), SQLITE_ROW);
		snprintf(a, sizeof(a), "%d %d %d", sqlite3_column_int(s, 0),
			 sqlite3_column_int(s, 1), sqlite3_column_int(s, 2));
		sqlite3_finalize(s);
		r = pg_rows(sql, NULL);
		snprintf(b, sizeof(b), "%s %s %s", PQgetvalue(r, 0, 0), PQgetvalue(r, 0, 1),
			 PQgetvalue(r, 0, 2));
		PQclear(r);
		assert_string_equal(b, a);
	}
}

static void copied_ids_leave_the_next_new_id_free(void **state)
{
	PGresult *r;
	(void)state;

	need_pg();
	pg_run("INSERT INTO usb_sighting (id, port_id, vendor_id, product_id, platform, mode, "
	       "first_seen_ms, last_seen_ms) VALUES (41, '1-2', '05ac', '12a8', 'ios', 'normal', "
	       "1, 1)");
	for (size_t i = 0; schema_pg_after_copy[i]; i++)
		pg_run(schema_pg_after_copy[i]);
	r = pg_rows("INSERT INTO usb_sighting (port_id, vendor_id, product_id, platform, mode, "
		    "first_seen_ms, last_seen_ms) VALUES ('1-3', '18d1', '4ee7', 'android', "
		    "'adb', 2, 2) RETURNING id",
		    NULL);
	assert_string_equal(PQgetvalue(r, 0, 0), "42");
	PQclear(r);
	/* The fixture's batch was written with its id, 1: the next is 2. */
	load_fixture_once();
	r = pg_rows("INSERT INTO intake_batch (name, donor, by_user, t_ms) "
		    "VALUES ('B-new', 'school', 1, 3) RETURNING id",
		    NULL);
	assert_string_equal(PQgetvalue(r, 0, 0), "2");
	PQclear(r);
	/* A table still empty starts at 1. */
	r = pg_rows("INSERT INTO session (token_hash, user_id, created_ms, last_used_ms) "
		    "VALUES ('t0', 1, 4, 4) RETURNING id",
		    NULL);
	assert_string_equal(PQgetvalue(r, 0, 0), "1");
	PQclear(r);
}

#define story(f) cmocka_unit_test_teardown(f, end_open_transactions)

int main(void)
{
	const struct CMUnitTest tests[] = {
		story(a_fresh_workshop_database_is_at_the_stores_schema_version),
		story(every_table_has_the_sqlite_columns_in_the_same_order),
		story(every_key_index_and_check_of_sqlite_is_there),
		story(every_sqlite_trigger_has_its_namesake_on_the_same_table),
		story(a_kept_record_refuses_a_change_with_the_words_sqlite_uses),
		story(an_erasure_changes_only_what_sqlite_lets_it_change),
		story(a_secret_digest_and_instr_give_what_sqlite_gives),
		story(copied_ids_leave_the_next_new_id_free),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
