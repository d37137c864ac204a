/*
 * The PostgreSQL backend of the store's statement API (db.h), on libpq: the records of
 * a workshop with several benches live on one PostgreSQL server (issue #15).
 *
 * The store's SQL is written once, with SQLite's parameters (`?`, `?N`, `:name`); each
 * statement is rewritten here at prepare time to PostgreSQL's `$N`, numbered the way
 * SQLite numbers them (a bare `?` is one more than the largest number so far, a name
 * keeps the number it got first). Parameters are sent as text with their type (int8 for
 * an integer, text for a text, unknown for a NULL): left to infer, PostgreSQL types
 * `? - 30000` as a 32-bit integer and refuses a parameter it cannot place
 * (docs/dev/pg-dialect.md). Since the types are known only once bound, a statement is
 * prepared on the server at its first step, and kept there (per connection, by its SQL)
 * like SQLite's.
 *
 * Rows: a statement's whole result is read at its first step (PQexecPrepared), and
 * db_step() walks it. A connection runs one statement at a time, and the store reads
 * inside a walk (a nested read): a result read at once allows it.
 *
 * Transactions: the store's own transaction control keeps its SQLite words, given their
 * PostgreSQL meaning here:
 *   - BEGIN IMMEDIATE (a write) is BEGIN at READ COMMITTED, then the workshop's write lock
 *     (pg_advisory_xact_lock), held to the end of the transaction: such writes, from every
 *     bench, follow one another and every other write, as SQLite's single writer does,
 *     so that two benches never read the same head of a chain and both append to it.
 *     They are the writes to the workshop's own chains (accounts, devices first seen,
 *     intake batches, bench keys) and the rare writes of the whole store (migrations,
 *     db copy, sealing);
 *   - a write that moves one device's records, or one job's, or a job's and its device's
 *     (db_begin_scope(), "BEGIN IMMEDIATE SCOPE d j" here) takes the workshop's write
 *     lock shared, then the device's own lock, then the job's (the two-key form of the
 *     advisory locks, a space apart from the one-key form, with a first key for devices
 *     and one for jobs), each exclusive. A step takes its job's lock alone; a job's
 *     state, grade or event, its job's and its device's; a certificate, a revocation,
 *     a device's state or resale record, its device's. So writes to different jobs and
 *     devices are made side by side, two benches on one job or device take turns, and
 *     a write with the workshop's lock waits for the scoped writes under way and holds
 *     the next ones back. What such a write reads under its locks (the job's state, the
 *     device's state, the heads of their chains) only a write holding the same lock, or
 *     the workshop's, changes: a job's state changes under its job's lock, a device's
 *     state under its device's (jobs.c, grades.c, certs.c, resale.c). Every write takes
 *     its locks in that one order (workshop, device, job) at its beginning, and none
 *     later, so two writes never wait for each other. PostgreSQL queues a lock asked for
 *     behind one that conflicts and waits already, so a stream of scoped writes does not
 *     starve the others;
 *   - BEGIN (a read) is BEGIN at REPEATABLE READ: every read of it sees one snapshot, as
 *     SQLite's read transaction does;
 *   - SAVEPOINT, RELEASE, ROLLBACK TO, COMMIT and ROLLBACK are the same words.
 *
 * A lost connection: a statement that starts a transaction, or a read outside one, is
 * sent again once on a new connection (nothing of it was done); anything else fails, and
 * the message says the server could not be reached and nothing was recorded.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <libpq-fe.h>

#include "store/db.h"
#include "store/db_int.h"
#include "store/schema_pg.h"
#include "util/hash.h"
#include "store/store.h"
#include "store/store_int.h"
#include "util/clock.h"

#define PG_STMT_CACHE 64 /* statements kept prepared per connection */
#define PG_PARAMS_MAX 65535 /* the protocol's limit on a statement's parameters */

/* PostgreSQL's type ids (pg_type.oid, fixed in catalog/pg_type.dat). */
#define OID_BOOL 16
#define OID_BYTEA 17
#define OID_INT8 20
#define OID_INT2 21
#define OID_INT4 23
#define OID_TEXT 25
#define OID_FLOAT4 700
#define OID_FLOAT8 701
#define OID_NUMERIC 1700

/* The key of the workshop's write lock (pg_advisory_xact_lock): "atelierw" in ASCII,
 * 0x6174656c69657277, written in decimal into the SQL that takes it. */
#define PG_WRITE_LOCK "7022349235276575351"
/* The first key of a job's lock (pg_advisory_xact_lock(int4, int4)): "ajob" in ASCII. The
 * second is the job's id, folded into an int4: two jobs that fold alike share a lock,
 * which only makes them take turns. */
#define PG_JOB_LOCK "1634365282"
/* The first key of a device's lock: "adev" in ASCII; its second, the device's id, folded
 * alike. */
#define PG_DEVICE_LOCK "1633969526"
/* db_begin_scope()'s word, then the device's id and the job's (0: none). */
#define PG_BEGIN_SCOPE "BEGIN IMMEDIATE SCOPE "

enum pg_kind {
	PG_QUERY, /* a statement with parameters: prepared on the server */
	PG_BEGIN, /* starts a transaction (sent again on a new connection when lost) */
	PG_CONTROL, /* the rest of transaction control: sent as it is */
};

struct pg_stmt {
	struct db_stmt head;
	int slot;	    /* its place in the connection's cache, or -1 */
	enum pg_kind kind;
	char name[24];	    /* its name on the server; "" until prepared there */
	int nparams;
	char **names;	    /* nparams names (":t") or NULLs, when the SQL names any */
	Oid *types;	    /* per parameter, as bound */
	Oid *sent;	    /* per parameter, as told to the server when preparing */
	const char **values; /* per parameter, as bound (NULL: SQL NULL) */
	char (*ints)[24];   /* room for the integers bound, as text */
	PGresult *res;	    /* the result, from the first step to db_done() */
	int row;	    /* the row read: -1 before the first */
	char *pgsql;	    /* the statement as sent */
	char sql[];	    /* as the store wrote it: the cache's key and the errors' detail */
};

struct store_pg {
	PGconn *conn;
	struct pg_stmt *cache[PG_STMT_CACHE];
	int busy[PG_STMT_CACHE];
	size_t n_cached;
	unsigned long names; /* statements named on the server so far */
	long long changes;   /* rows changed by the last change */
	long long total;     /* by every change on this connection */
	/* A transaction was begun and not yet ended, as the store sees it: after a lost
	 * connection the server has rolled it back, but the store's later statements must
	 * fail until it rolls back too, never run on a new connection outside of it. */
	int txn;
	char url[1024];	     /* as given: to connect again */
};

/* ---- errors ---- */

/* What SQLSTATE CODE means to the store (PostgreSQL's appendix A, "Error Codes"). */
static enum store_err from_sqlstate(const char *code)
{
	if (!code || strlen(code) != 5)
		return STORE_EIO;
	if (strcmp(code, "23505") == 0)
		return STORE_EEXIST; /* unique_violation */
	if (strncmp(code, "23", 2) == 0)
		return STORE_EINVAL; /* integrity constraints, and the append-only guards */
	if (strcmp(code, "40001") == 0 || strcmp(code, "40P01") == 0 ||
	    strcmp(code, "55P03") == 0)
		return STORE_EBUSY; /* serialization failure, deadlock, lock not available */
	if (strncmp(code, "08", 2) == 0 || strncmp(code, "57", 2) == 0 ||
	    strncmp(code, "53", 2) == 0 || strncmp(code, "58", 2) == 0)
		return STORE_EIO; /* connection, shutdown, out of resources, system */
	if (strcmp(code, "XX001") == 0 || strcmp(code, "XX002") == 0)
		return STORE_ECORRUPT;
	return STORE_EINTERNAL;
}

/* Record why CALL on S (or on ST, S NULL) failed, with RES (may be NULL), and return it
 * translated. */
static enum store_err pg_fail_at(struct store *st, const struct pg_stmt *s, const char *call,
				 const PGresult *res, int in_doubt)
{
	const char *code = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	const char *msg = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
	char why[512];
	enum store_err err;

	if (PQstatus(st->pg->conn) != CONNECTION_OK) {
		/* Lost while a COMMIT was on its way, the change may have been recorded or
		 * not: the person must look before doing it again. Lost earlier, the server
		 * rolled the transaction back. libpq's message: its first line. */
		char first[256];

		snprintf(first, sizeof(first), "%s", PQerrorMessage(st->pg->conn));
		first[strcspn(first, "\n")] = '\0';
		snprintf(why, sizeof(why),
			 in_doubt ? "the workshop server %s stopped answering while it recorded "
				    "this (%s): it may be recorded or not; look before doing it again"
				  : "the workshop server %s cannot be reached (%s): nothing was "
				    "recorded; try again once it answers",
			 st->path, first[0] ? first : "no answer");
		store_int_fail_text(STORE_EIO, NULL, NULL, NULL, why, EIO);
		return STORE_EIO;
	}
	if (!msg)
		msg = res ? PQresultErrorMessage(res) : PQerrorMessage(st->pg->conn);
	err = code ? from_sqlstate(code) : STORE_EINTERNAL;
	snprintf(why, sizeof(why), "%s%s%s%s", msg, code ? " (SQLSTATE " : "", code ? code : "",
		 code ? ")" : "");
	store_int_fail_text(err, call, s ? s->sql : NULL, st->path, why, 0);
	return err;
}

/* As pg_fail_at(), never in doubt. */
static enum store_err pg_fail(struct store *st, const struct pg_stmt *s, const char *call,
			      const PGresult *res)
{
	return pg_fail_at(st, s, call, res, 0);
}

/* ---- the statement's text ---- */

/* NAMES (room for *CAP) with room for N, the new places NULL: 0, or -1 when out of
 * memory. */
static int names_room(char ***names, int *cap, int n)
{
	char **grown;

	if (n <= *cap)
		return 0;
	grown = realloc(*names, sizeof(*grown) * (size_t)n);
	if (!grown)
		return -1;
	for (int k = *cap; k < n; k++)
		grown[k] = NULL;
	*names = grown;
	*cap = n;
	return 0;
}

/* SQL as PostgreSQL takes it, into a new *OUT: parameters numbered $N; the number of
 * parameters into *N and their names (a new array of *N, NULL where unnamed) into
 * *NAMES when the SQL names any. 0, or -1 when out of memory or the SQL is not one the
 * store writes (more than PG_PARAMS_MAX parameters). */
static int rewrite(const char *sql, char **out, int *n, char ***names)
{
	size_t len = strlen(sql), cap = len * 2 + 16, o = 0;
	char *pg = malloc(cap), **named = NULL;
	int max = 0, idx, ncap = 0, any_name = 0;

	*out = NULL;
	*n = 0;
	*names = NULL;
	if (!pg)
		return -1;
	for (size_t i = 0; i < len;) {
		char c = sql[i];
		size_t j = i + 1;

		/* Room for what this step adds at most: a quoted run, or "$65535". */
		while (o + (len - i) + 16 >= cap) {
			char *grown = realloc(pg, cap *= 2);

			if (!grown)
				goto fail;
			pg = grown;
		}
		if (c == '\'' || c == '"') { /* a literal or a quoted name: as it is */
			while (j < len && sql[j] != c)
				j++;
			j = j < len ? j + 1 : j;
			memcpy(pg + o, sql + i, j - i);
			o += j - i;
			i = j;
			continue;
		}
		if (c == '?') {
			idx = 0;
			while (isdigit((unsigned char)sql[j]) && idx <= PG_PARAMS_MAX)
				idx = idx * 10 + (sql[j++] - '0');
			if (j == i + 1)
				idx = max + 1; /* a bare ? */
		} else if (c == ':' && (isalpha((unsigned char)sql[j]) || sql[j] == '_') &&
			   (i == 0 || sql[i - 1] != ':')) {
			while (isalnum((unsigned char)sql[j]) || sql[j] == '_')
				j++;
			idx = 0;
			for (int k = 0; k < ncap && !idx; k++)
				if (named[k] && strlen(named[k]) == j - i &&
				    strncmp(named[k], sql + i, j - i) == 0)
					idx = k + 1;
			if (!idx) {
				idx = max + 1;
				if (idx > PG_PARAMS_MAX || names_room(&named, &ncap, idx) != 0)
					goto fail;
				named[idx - 1] = strndup(sql + i, j - i);
				if (!named[idx - 1])
					goto fail;
				any_name = 1;
			}
		} else {
			pg[o++] = c;
			i++;
			continue;
		}
		if (idx < 1 || idx > PG_PARAMS_MAX)
			goto fail;
		if (idx > max)
			max = idx;
		o += (size_t)snprintf(pg + o, cap - o, "$%d", idx);
		i = j;
	}
	pg[o] = '\0';
	if (any_name && names_room(&named, &ncap, max) != 0)
		goto fail;
	*out = pg;
	*n = max;
	*names = any_name ? named : NULL;
	if (!any_name)
		free(named);
	return 0;
fail:
	for (int k = 0; k < ncap; k++)
		free(named[k]);
	free(named);
	free(pg);
	return -1;
}

/* The store's transaction control in PostgreSQL's words (above), written into BUF when
 * it depends on SQL's own words; NULL for any other SQL. */
static const char *control(const char *sql, enum pg_kind *kind, char *buf, size_t size)
{
	if (strncmp(sql, PG_BEGIN_SCOPE, strlen(PG_BEGIN_SCOPE)) == 0) {
		long long device = 0, job = 0;
		int n;

		sscanf(sql + strlen(PG_BEGIN_SCOPE), "%lld %lld", &device, &job);
		*kind = PG_BEGIN;
		n = snprintf(buf, size,
			     "BEGIN ISOLATION LEVEL READ COMMITTED; "
			     "SELECT pg_advisory_xact_lock_shared(" PG_WRITE_LOCK ")");
		if (device > 0)
			n += snprintf(buf + n, size - (size_t)n,
				      "; SELECT pg_advisory_xact_lock(" PG_DEVICE_LOCK ", %d)",
				      (int)(device % 2147483647));
		if (job > 0)
			snprintf(buf + n, size - (size_t)n,
				 "; SELECT pg_advisory_xact_lock(" PG_JOB_LOCK ", %d)",
				 (int)(job % 2147483647));
		return buf;
	}
	if (strcmp(sql, "BEGIN IMMEDIATE") == 0) {
		*kind = PG_BEGIN;
		return "BEGIN ISOLATION LEVEL READ COMMITTED; "
		       "SELECT pg_advisory_xact_lock(" PG_WRITE_LOCK ")";
	}
	if (strcmp(sql, "BEGIN") == 0) {
		*kind = PG_BEGIN;
		return "BEGIN ISOLATION LEVEL REPEATABLE READ";
	}
	if (strcmp(sql, "COMMIT") == 0 || strcmp(sql, "ROLLBACK") == 0 ||
	    strncmp(sql, "SAVEPOINT ", 10) == 0 || strncmp(sql, "RELEASE ", 8) == 0 ||
	    strncmp(sql, "ROLLBACK TO ", 12) == 0) {
		*kind = PG_CONTROL;
		return sql;
	}
	return NULL;
}

static void stmt_free(struct pg_stmt *s)
{
	if (!s)
		return;
	PQclear(s->res);
	for (int k = 0; s->names && k < s->nparams; k++)
		free(s->names[k]);
	free(s->names);
	free(s->types);
	free(s->sent);
	free(s->values);
	free(s->ints);
	free(s->pgsql);
	free(s);
}

static struct pg_stmt *stmt_new(struct store *st, const char *sql)
{
	size_t len = strlen(sql);
	struct pg_stmt *s = calloc(1, sizeof(*s) + len + 1);
	enum pg_kind kind = PG_QUERY;
	char buf[320];
	const char *ctl;

	if (!s)
		return NULL;
	s->head = (struct db_stmt){ &db_pg_ops, st };
	s->slot = -1;
	s->row = -1;
	memcpy(s->sql, sql, len + 1);
	ctl = control(sql, &kind, buf, sizeof(buf));
	s->kind = kind;
	if (ctl) {
		s->pgsql = strdup(ctl);
		if (!s->pgsql)
			goto fail;
		return s;
	}
	if (rewrite(sql, &s->pgsql, &s->nparams, &s->names) != 0)
		goto fail;
	if (s->nparams > 0) {
		s->types = calloc((size_t)s->nparams, sizeof(*s->types));
		s->sent = calloc((size_t)s->nparams, sizeof(*s->sent));
		s->values = calloc((size_t)s->nparams, sizeof(*s->values));
		s->ints = calloc((size_t)s->nparams, sizeof(*s->ints));
		if (!s->types || !s->sent || !s->values || !s->ints)
			goto fail;
	}
	return s;
fail:
	stmt_free(s);
	return NULL;
}

/* ---- the calls (db_int.h) ---- */

static enum store_err pg_prepare(struct store *st, const char *sql, struct db_stmt **out)
{
	struct store_pg *pg = st->pg;
	/* A scoped begin names its device and job: kept, it would fill the cache. */
	int keep = pg->n_cached < PG_STMT_CACHE &&
		   strncmp(sql, PG_BEGIN_SCOPE, strlen(PG_BEGIN_SCOPE)) != 0;
	struct pg_stmt *s;

	*out = NULL;
	for (size_t i = 0; i < pg->n_cached; i++) {
		if (strcmp(pg->cache[i]->sql, sql) != 0)
			continue;
		keep = 0;
		if (!pg->busy[i]) {
			pg->busy[i] = 1;
			*out = &pg->cache[i]->head;
			return STORE_OK;
		}
	}
	s = stmt_new(st, sql);
	if (!s) {
		store_int_fail_text(STORE_EINTERNAL, "prepare", sql, st->path,
				    "out of memory, or more than 65535 parameters", ENOMEM);
		return STORE_EINTERNAL;
	}
	if (keep) {
		s->slot = (int)pg->n_cached;
		pg->cache[pg->n_cached] = s;
		pg->busy[pg->n_cached++] = 1;
	}
	*out = &s->head;
	return STORE_OK;
}

static void pg_done(struct db_stmt *hs)
{
	struct pg_stmt *s = (struct pg_stmt *)hs;

	if (s->slot < 0) {
		stmt_free(s);
		return;
	}
	PQclear(s->res);
	s->res = NULL;
	s->row = -1;
	for (int k = 0; k < s->nparams; k++) {
		s->values[k] = NULL;
		s->types[k] = 0;
	}
	s->head.st->pg->busy[s->slot] = 0;
}

static void pg_release_all(struct store *st)
{
	struct store_pg *pg = st->pg;

	for (size_t i = 0; pg && i < pg->n_cached; i++)
		stmt_free(pg->cache[i]);
	if (pg)
		pg->n_cached = 0;
}

static void pg_bind_int64(struct db_stmt *hs, int i, long long v)
{
	struct pg_stmt *s = (struct pg_stmt *)hs;

	if (i < 1 || i > s->nparams)
		return; /* a parameter the statement does not have binds nothing (db.h) */
	snprintf(s->ints[i - 1], sizeof(s->ints[i - 1]), "%lld", v);
	s->values[i - 1] = s->ints[i - 1];
	s->types[i - 1] = OID_INT8;
}

static void pg_bind_text(struct db_stmt *hs, int i, const char *text)
{
	struct pg_stmt *s = (struct pg_stmt *)hs;

	if (i < 1 || i > s->nparams)
		return;
	s->values[i - 1] = text;
	s->types[i - 1] = text ? OID_TEXT : 0;
}

static void pg_bind_null(struct db_stmt *hs, int i)
{
	struct pg_stmt *s = (struct pg_stmt *)hs;

	if (i < 1 || i > s->nparams)
		return;
	s->values[i - 1] = NULL;
	s->types[i - 1] = 0;
}

static int pg_param_count(struct db_stmt *hs)
{
	return ((struct pg_stmt *)hs)->nparams;
}

static const char *pg_param_name(struct db_stmt *hs, int i)
{
	struct pg_stmt *s = (struct pg_stmt *)hs;

	return s->names && i >= 1 && i <= s->nparams ? s->names[i - 1] : NULL;
}

/* Every statement kept is no longer prepared on the server (a new connection). */
static void forget_prepared(struct store_pg *pg)
{
	for (size_t i = 0; i < pg->n_cached; i++)
		pg->cache[i]->name[0] = '\0';
}

/* 1 when RES says a parameter's type could not be worked out from its place. */
static int untyped(const PGresult *res)
{
	const char *code = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;

	return code && strcmp(code, "42P18") == 0; /* indeterminate_datatype */
}

/* S's parameter types as the server is told them: an integer is int8; a text is left for
 * the server to type from its place (a text bound to `id = ?` is read as the number it
 * holds, as SQLite's affinity does), unless TYPED, when it is text (a parameter with no
 * place to be typed from: `? IS NULL`, one the statement does not use). */
static const Oid *types_sent(struct pg_stmt *s, int typed)
{
	for (int k = 0; k < s->nparams; k++)
		s->sent[k] = s->types[k] == OID_TEXT && !typed ? 0 : s->types[k];
	return s->sent;
}

/* Send S once: its result, or NULL when out of memory (libpq's). */
static PGresult *send(struct store *st, struct pg_stmt *s)
{
	struct store_pg *pg = st->pg;
	PGresult *res;

	if (s->kind != PG_QUERY)
		return PQexec(pg->conn, s->pgsql);
	if (s->slot < 0) {
		res = PQexecParams(pg->conn, s->pgsql, s->nparams, types_sent(s, 0), s->values,
				   NULL, NULL, 0);
		if (!untyped(res))
			return res;
		PQclear(res);
		return PQexecParams(pg->conn, s->pgsql, s->nparams, types_sent(s, 1), s->values,
				    NULL, NULL, 0);
	}
	if (!s->name[0]) {
		char name[sizeof(s->name)];

		snprintf(name, sizeof(name), "atelier_%lu", ++pg->names);
		res = PQprepare(pg->conn, name, s->pgsql, s->nparams, types_sent(s, 0));
		if (untyped(res)) {
			PQclear(res);
			res = PQprepare(pg->conn, name, s->pgsql, s->nparams, types_sent(s, 1));
		}
		if (!res || PQresultStatus(res) != PGRES_COMMAND_OK)
			return res;
		PQclear(res);
		memcpy(s->name, name, sizeof(name));
	}
	return PQexecPrepared(pg->conn, s->name, s->nparams, s->values, NULL, NULL, 0);
}

/* 1 when S can be sent again on a new connection after the first was lost, outside a
 * transaction (the caller asks): it starts one, or it reads. */
static int safe_again(const struct pg_stmt *s)
{
	return s->kind == PG_BEGIN ||
	       (s->kind == PG_QUERY &&
		(strncmp(s->sql, "SELECT", 6) == 0 || strncmp(s->sql, "WITH", 4) == 0));
}

/* 1 when S is SQL, the store's own word for the end of a transaction. */
static int is(const struct pg_stmt *s, const char *sql)
{
	return strcmp(s->sql, sql) == 0;
}

static enum store_err run(struct store *st, struct pg_stmt *s)
{
	struct store_pg *pg = st->pg;
	int was_in = pg->txn;
	const char *call = s->kind == PG_QUERY ? "PQexecPrepared" : "PQexec";
	ExecStatusType status;
	PGresult *res;

	if (PQstatus(pg->conn) != CONNECTION_OK) {
		if (was_in && is(s, "ROLLBACK")) {
			/* The server rolled it back when the connection went. */
			pg->txn = 0;
			s->res = PQmakeEmptyPGresult(NULL, PGRES_COMMAND_OK);
			s->row = -1;
			return s->res ? STORE_OK : STORE_EINTERNAL;
		}
		if (was_in)
			return pg_fail(st, s, call, NULL); /* lost earlier: nothing was kept */
		PQreset(pg->conn);
		forget_prepared(pg);
	}
	res = send(st, s);
	if (PQstatus(pg->conn) != CONNECTION_OK && !was_in && safe_again(s)) {
		PQclear(res);
		PQreset(pg->conn);
		forget_prepared(pg);
		res = PQstatus(pg->conn) == CONNECTION_OK ? send(st, s) : NULL;
	}
	status = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
	if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) {
		/* A COMMIT or a ROLLBACK ends the transaction, even when it fails. */
		enum store_err err = pg_fail_at(st, s, call, res, is(s, "COMMIT"));

		if (is(s, "COMMIT") || is(s, "ROLLBACK"))
			pg->txn = 0;
		PQclear(res);
		return err;
	}
	if (s->kind == PG_BEGIN)
		pg->txn = 1;
	else if (is(s, "COMMIT") || is(s, "ROLLBACK"))
		pg->txn = 0;
	if (status == PGRES_COMMAND_OK || strncmp(PQcmdStatus(res), "SELECT", 6) != 0) {
		const char *cmd = PQcmdStatus(res);

		if (strncmp(cmd, "INSERT", 6) == 0 || strncmp(cmd, "UPDATE", 6) == 0 ||
		    strncmp(cmd, "DELETE", 6) == 0) {
			pg->changes = strtoll(PQcmdTuples(res), NULL, 10);
			pg->total += pg->changes;
		}
	}
	s->res = res;
	s->row = -1;
	return STORE_OK;
}

static enum store_err pg_step(struct db_stmt *hs, int *row)
{
	struct pg_stmt *s = (struct pg_stmt *)hs;
	enum store_err err;

	*row = 0;
	if (!s->res) {
		err = run(s->head.st, s);
		if (err)
			return err;
	}
	if (s->kind != PG_QUERY)
		return STORE_OK; /* transaction control: the write lock's row is not one */
	if (s->row < PQntuples(s->res))
		s->row++;
	*row = s->row < PQntuples(s->res);
	return STORE_OK;
}

static enum store_err pg_unexpected(struct db_stmt *hs)
{
	struct pg_stmt *s = (struct pg_stmt *)hs;

	store_int_fail_text(STORE_EINTERNAL, "PQexecPrepared", s->sql, s->head.st->path,
			    s->res && PQntuples(s->res) ? "a row where none was expected"
							: "no row where one was expected",
			    0);
	return STORE_EINTERNAL;
}

static long long pg_changes(struct store *st)
{
	return st->pg->changes;
}

static int pg_col_count(struct db_stmt *hs)
{
	struct pg_stmt *s = (struct pg_stmt *)hs;

	return s->res ? PQnfields(s->res) : 0;
}

static const char *pg_col_name(struct db_stmt *hs, int col)
{
	struct pg_stmt *s = (struct pg_stmt *)hs;

	return s->res ? PQfname(s->res, col) : NULL;
}

/* 1 when column COL of the row read holds a value. */
static int has(const struct pg_stmt *s, int col)
{
	return s->res && s->row >= 0 && s->row < PQntuples(s->res) && col >= 0 &&
	       col < PQnfields(s->res) && !PQgetisnull(s->res, s->row, col);
}

static enum db_type pg_col_type(struct db_stmt *hs, int col)
{
	struct pg_stmt *s = (struct pg_stmt *)hs;

	if (!has(s, col))
		return DB_NULL;
	switch (PQftype(s->res, col)) {
	case OID_BOOL:
	case OID_INT2:
	case OID_INT4:
	case OID_INT8:
		return DB_INTEGER;
	case OID_NUMERIC:
		/* sum() of integers: an integer as long as it has no fraction. */
		return strchr(PQgetvalue(s->res, s->row, col), '.') ? DB_FLOAT : DB_INTEGER;
	case OID_FLOAT4:
	case OID_FLOAT8:
		return DB_FLOAT;
	case OID_BYTEA:
		return DB_BLOB;
	default:
		return DB_TEXT;
	}
}

static const char *pg_col_text(struct db_stmt *hs, int col)
{
	struct pg_stmt *s = (struct pg_stmt *)hs;

	if (!has(s, col))
		return NULL;
	if (PQftype(s->res, col) == OID_BOOL) /* as SQLite gives a truth value */
		return PQgetvalue(s->res, s->row, col)[0] == 't' ? "1" : "0";
	return PQgetvalue(s->res, s->row, col);
}

static const void *pg_col_bytes(struct db_stmt *hs, int col, size_t *len)
{
	struct pg_stmt *s = (struct pg_stmt *)hs;
	const char *t = pg_col_text(hs, col);

	*len = t ? (PQftype(s->res, col) == OID_BOOL ? 1 : (size_t)PQgetlength(s->res, s->row, col))
		 : 0;
	return t && *len ? t : NULL;
}

static long long pg_col_int64(struct db_stmt *hs, int col)
{
	const char *t = pg_col_text(hs, col);

	return t ? strtoll(t, NULL, 10) : 0;
}

static double pg_col_double(struct db_stmt *hs, int col)
{
	const char *t = pg_col_text(hs, col);

	return t ? strtod(t, NULL) : 0;
}

static int pg_col_is_null(struct db_stmt *hs, int col)
{
	return !has((struct pg_stmt *)hs, col);
}

static int pg_in_transaction(struct store *st)
{
	PGTransactionStatusType t = PQtransactionStatus(st->pg->conn);

	if (PQstatus(st->pg->conn) != CONNECTION_OK)
		return st->pg->txn; /* until the store rolls back (run()) */
	return t == PQTRANS_INTRANS || t == PQTRANS_INERROR || t == PQTRANS_ACTIVE;
}

static enum store_err pg_begin_scope(struct store *st, long long device, long long job)
{
	char sql[80];

	snprintf(sql, sizeof(sql), PG_BEGIN_SCOPE "%lld %lld", device, job);
	return db_run(st, sql);
}

const struct db_ops db_pg_ops = {
	.name = "PostgreSQL",
	.prepare = pg_prepare,
	.done = pg_done,
	.release_all = pg_release_all,
	.bind_int64 = pg_bind_int64,
	.bind_text = pg_bind_text,
	.bind_null = pg_bind_null,
	.param_count = pg_param_count,
	.param_name = pg_param_name,
	.step = pg_step,
	.unexpected = pg_unexpected,
	.changes = pg_changes,
	.col_count = pg_col_count,
	.col_name = pg_col_name,
	.col_type = pg_col_type,
	.col_bytes = pg_col_bytes,
	.col_int64 = pg_col_int64,
	.col_double = pg_col_double,
	.col_is_null = pg_col_is_null,
	.col_text = pg_col_text,
	.in_transaction = pg_in_transaction,
	.begin_scope = pg_begin_scope,
	.scoped = 1,
};

/* ---- the connection ---- */

int store_int_is_pg_url(const char *url)
{
	return url && (strncmp(url, "postgresql://", 13) == 0 || strncmp(url, "postgres://", 11) == 0);
}

/* NOTICEs (the schema's "creating...") are not the person's business. */
static void quiet(void *arg, const char *message)
{
	(void)arg;
	(void)message;
}

/* URL as it may be shown: without a password ("user:secret@" becomes "user@"). */
void store_int_url_shown(const char *url, char *out, size_t size)
{
	const char *scheme = strstr(url, "://"), *at, *colon;

	snprintf(out, size, "%s", url);
	if (!scheme)
		return;
	scheme += 3;
	at = strchr(scheme, '@');
	colon = strchr(scheme, ':');
	if (at && colon && colon < at)
		snprintf(out, size, "%.*s%s", (int)(colon - url), url, at);
	/* A password given as a parameter (?password=...) is cut with all after it. */
	if ((at = strstr(out, "password=")) != NULL)
		*(char *)at = '\0';
}

/* Run SQL (no parameters) on ST's connection: STORE_OK, or its failure recorded. */
static enum store_err exec_simple(struct store *st, const char *sql)
{
	PGresult *res = PQexec(st->pg->conn, sql);
	ExecStatusType status = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
	enum store_err err = STORE_OK;

	if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK)
		err = pg_fail(st, NULL, sql, res);
	PQclear(res);
	return err;
}

/* The first column of the first row of SQL as an integer into *OUT (-1 when NULL or no
 * row). */
static enum store_err first_int(struct store *st, const char *sql, long long *out)
{
	PGresult *res = PQexec(st->pg->conn, sql);
	enum store_err err = STORE_OK;

	*out = -1;
	if (!res || PQresultStatus(res) != PGRES_TUPLES_OK)
		err = pg_fail(st, NULL, sql, res);
	else if (PQntuples(res) > 0 && !PQgetisnull(res, 0, 0))
		*out = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
	PQclear(res);
	return err;
}

/* The version of the schema on the server: 0 when the database is empty, -1 when it
 * holds another program's tables. */
static enum store_err read_version(struct store *st, long long *version)
{
	long long exists, tables;
	enum store_err err;

	err = first_int(st, "SELECT CASE WHEN to_regclass('atelier_schema') IS NULL THEN 0 "
			    "ELSE 1 END",
			&exists);
	if (err)
		return err;
	if (exists == 1)
		return first_int(st, "SELECT version FROM atelier_schema WHERE id = 1", version);
	err = first_int(st,
			"SELECT count(*) FROM information_schema.tables "
			"WHERE table_schema = current_schema()",
			&tables);
	if (err)
		return err;
	*version = tables == 0 ? 0 : -1;
	return STORE_OK;
}

/* Give an empty database the schema, under a lock that a second bench doing the same
 * waits for (schema_pg.h); the bench's creation rows as SQLite's first migration writes
 * them. */
static enum store_err create_schema(struct store *st, long long *version)
{
	char lock[96], now[32], sql[256];
	enum store_err err;

	snprintf(lock, sizeof(lock), "SELECT pg_advisory_xact_lock(%lld)", SCHEMA_PG_LOCK);
	err = exec_simple(st, "BEGIN");
	if (!err)
		err = exec_simple(st, lock);
	if (!err)
		err = read_version(st, version);
	if (!err && *version == 0) {
		for (size_t i = 0; !err && schema_pg_create[i]; i++)
			err = exec_simple(st, schema_pg_create[i]);
		clock_iso8601(clock_wall_ms(), now, sizeof(now));
		snprintf(sql, sizeof(sql),
			 "INSERT INTO bench (key, value) VALUES ('created_at', '%s'), "
			 "('created_by_version', '%s')",
			 now, ATELIER_VERSION);
		if (!err)
			err = exec_simple(st, sql);
		if (!err)
			err = read_version(st, version);
	}
	if (!err)
		err = exec_simple(st, "COMMIT");
	if (err)
		exec_simple(st, "ROLLBACK");
	return err;
}

/* Take the schema one version forward from *VERSION, in one transaction holding the
 * version's row (FOR UPDATE): a second bench opening the same database at the same
 * moment waits, then finds the work done. *VERSION gets the version reached. */
static enum store_err migrate_once(struct store *st, long long *version)
{
	const char *const *steps;
	long long found = -1;
	char sql[96];
	enum store_err err = exec_simple(st, "BEGIN");

	if (!err)
		err = first_int(st, "SELECT version FROM atelier_schema WHERE id = 1 FOR UPDATE",
				&found);
	if (!err && found != *version) {
		*version = found; /* another bench did it */
		err = exec_simple(st, "COMMIT");
		if (!err && found > STORE_SCHEMA_VERSION)
			err = STORE_ETOONEW;
		goto out;
	}
	steps = err ? NULL : store_int_pg_migration((int)found);
	if (!err && !steps) {
		store_int_fail_text(STORE_EINTERNAL, "migrate", NULL, st->path,
				    "no PostgreSQL step for this schema version", 0);
		err = STORE_EINTERNAL;
	}
	for (size_t i = 0; !err && steps[i]; i++)
		err = exec_simple(st, steps[i]);
	snprintf(sql, sizeof(sql), "UPDATE atelier_schema SET version = %lld WHERE id = 1",
		 found + 1);
	if (!err)
		err = exec_simple(st, sql);
	if (!err)
		err = exec_simple(st, "COMMIT");
	if (!err)
		*version = found + 1;
out:
	if (err && PQtransactionStatus(st->pg->conn) != PQTRANS_IDLE)
		exec_simple(st, "ROLLBACK");
	return err;
}

enum store_err store_int_pg_open(struct store *st, const char *url, int create, int *found)
{
	struct store_pg *pg = calloc(1, sizeof(*pg));
	long long version = 0;
	enum store_err err;

	if (found)
		*found = 0;
	if (!pg) {
		store_int_fail_text(STORE_EINTERNAL, "calloc", NULL, url, "out of memory", ENOMEM);
		return STORE_EINTERNAL;
	}
	st->pg = pg;
	st->ops = &db_pg_ops;
	snprintf(pg->url, sizeof(pg->url), "%s", url);
	store_int_url_shown(url, st->path, sizeof(st->path));
	/* Settings given with the connection, so that a new one (PQreset() after a loss)
	 * has them too: a lock another bench holds (the write lock above all) is waited for
	 * as long as SQLite's busy timeout, then refused (55P03: STORE_EBUSY), never for
	 * ever; NOTICEs stay on the server. The URL's own settings come first. */
	{
		char options[128];
		const char *keys[] = { "dbname", "options", "fallback_application_name", NULL };
		const char *values[] = { url, options, "atelier", NULL };

		snprintf(options, sizeof(options),
			 "-c lock_timeout=%d -c client_min_messages=warning", STORE_BUSY_TIMEOUT_MS);
		pg->conn = PQconnectdbParams(keys, values, 1);
	}
	if (!pg->conn || PQstatus(pg->conn) != CONNECTION_OK)
		return pg_fail(st, NULL, "PQconnectdb", NULL);
	PQsetNoticeProcessor(pg->conn, quiet, NULL);
	err = STORE_OK;
	if (!err)
		err = read_version(st, &version);
	if (err)
		return err;
	if (version < 0) {
		store_int_fail_text(STORE_ECORRUPT, "open", NULL, st->path,
				    "this database holds another program's tables; give Atelier a "
				    "database of its own",
				    0);
		return STORE_ECORRUPT;
	}
	if (version == 0 && !create) {
		store_int_fail_text(STORE_ENOENT, "open", NULL, st->path,
				    "no Atelier records in this database yet (atelier init makes them)",
				    ENOENT);
		return STORE_ENOENT;
	}
	if (version == 0) {
		err = create_schema(st, &version);
		if (err)
			return err;
	}
	if (found)
		*found = (int)version;
	if (version > STORE_SCHEMA_VERSION) {
		char why[160];

		snprintf(why, sizeof(why),
			 "schema version %lld is newer than this atelier's %d; left untouched",
			 version, STORE_SCHEMA_VERSION);
		store_int_fail_text(STORE_ETOONEW, "open", NULL, st->path, why, 0);
		return STORE_ETOONEW;
	}
	if (version < SCHEMA_PG_VERSION) {
		store_int_fail_text(STORE_ECORRUPT, "open", NULL, st->path,
				    "this database's schema is older than any Atelier made on "
				    "PostgreSQL",
				    0);
		return STORE_ECORRUPT;
	}
	while (version < STORE_SCHEMA_VERSION) {
		err = migrate_once(st, &version);
		if (err)
			return err;
	}
	st->version = (int)version;
	return STORE_OK;
}

void store_int_pg_close(struct store *st)
{
	if (!st->pg)
		return;
	pg_release_all(st);
	PQfinish(st->pg->conn);
	free(st->pg);
	st->pg = NULL;
}

long long store_int_pg_total_changes(struct store *st)
{
	return st->pg->total;
}

enum store_err store_int_pg_data_version(struct store *st, long long *out)
{
	/* The server's snapshot (the transactions running and the next to start) moves
	 * whenever a write starts or ends on any connection: a version that changes at
	 * least when the records do. */
	PGresult *res = PQexec(st->pg->conn, "SELECT pg_current_snapshot()::text");
	enum store_err err = STORE_OK;

	*out = 0;
	if (!res || PQresultStatus(res) != PGRES_TUPLES_OK || PQntuples(res) != 1) {
		err = pg_fail(st, NULL, "SELECT pg_current_snapshot()", res);
	} else {
		*out = (long long)(hash_text(PQgetvalue(res, 0, 0)) >> 1);
	}
	PQclear(res);
	return err;
}

enum store_err store_int_pg_check(struct store *st, char *report, size_t size)
{
	/* The server checks its pages and keys itself; what can go wrong in its catalogue is
	 * an index left invalid by a failed build. The guards are store_check_triggers()'s. */
	PGresult *res = PQexec(st->pg->conn,
			       "SELECT c.relname FROM pg_index i JOIN pg_class c ON c.oid = "
			       "i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
			       "WHERE n.nspname = current_schema() AND NOT i.indisvalid "
			       "ORDER BY 1");
	enum store_err err = STORE_OK;
	int n;

	if (!res || PQresultStatus(res) != PGRES_TUPLES_OK) {
		err = pg_fail(st, NULL, "the check of the indexes", res);
		PQclear(res);
		return err;
	}
	n = PQntuples(res);
	for (int i = 0; i < n; i++) {
		size_t len = strlen(report);

		snprintf(report + len, size - len, "index %s is not valid (REINDEX it)\n",
			 PQgetvalue(res, i, 0));
	}
	PQclear(res);
	if (n > 0) {
		char why[96];

		snprintf(why, sizeof(why), "%d problem(s) found by the check", n);
		store_int_fail_text(STORE_ECORRUPT, "check", NULL, st->path, why, 0);
		return STORE_ECORRUPT;
	}
	return STORE_OK;
}

enum store_err store_int_pg_compact(struct store *st)
{
	return exec_simple(st, "VACUUM (ANALYZE)");
}

enum store_err store_int_pg_backup(struct store *st, const char *tmp)
{
	char out[512] = "", why[700];
	int pipefd[2], status = 0;
	size_t got = 0;
	ssize_t r;
	pid_t pid;

	if (pipe2(pipefd, O_CLOEXEC) != 0)
		return store_int_fail_text(STORE_EIO, "pipe", NULL, tmp, strerror(errno), errno);
	pid = fork();
	if (pid < 0) {
		close(pipefd[0]);
		close(pipefd[1]);
		return store_int_fail_text(STORE_EIO, "fork", NULL, tmp, strerror(errno), errno);
	}
	if (pid == 0) {
		dup2(pipefd[1], STDERR_FILENO);
		dup2(pipefd[1], STDOUT_FILENO);
		/* The URL as it was given: a password belongs in ~/.pgpass or a service file
		 * (docs/install.md), not in the URL that ps shows. */
		execlp("pg_dump", "pg_dump", "--format=custom", "--no-password", "--file", tmp,
		       "--dbname", st->pg->url, (char *)NULL);
		dprintf(STDERR_FILENO, "pg_dump cannot be run: %s (Debian's postgresql-client-15)",
			strerror(errno));
		_exit(127);
	}
	close(pipefd[1]);
	while ((r = read(pipefd[0], out + got, sizeof(out) - 1 - got)) > 0 ||
	       (r < 0 && errno == EINTR))
		if (r > 0)
			got += (size_t)r;
	out[got] = '\0';
	close(pipefd[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		for (size_t n = strlen(out); n > 0 && out[n - 1] == '\n'; n--)
			out[n - 1] = '\0';
		snprintf(why, sizeof(why), "pg_dump failed: %s", out[0] ? out : "no message");
		return store_int_fail_text(STORE_EIO, "pg_dump", NULL, st->path, why, 0);
	}
	return STORE_OK;
}
