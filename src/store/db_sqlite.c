/*
 * The SQLite backend of the store's statement API (db.h), and the statements each
 * connection keeps prepared. The connection itself (sqlite3_open_v2, the PRAGMAs, the
 * busy handler, data_version, backups) is store.c's; the SQL functions it registers
 * (secret_digest()) and the thread that copies its write-ahead log back
 * (store_checkpoint_apart()) are here.
 */
#include <pthread.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/db.h"
#include "store/db_int.h"
#include "store/store.h"
#include "store/store_int.h"

/* A statement of the SQLite backend: its head (db_int.h) first. */
struct lite_stmt {
	struct db_stmt head;
	sqlite3_stmt *stmt;
	int slot;	       /* its place in st->cache, or -1: freed by db_done() */
	int bind_rc;	       /* the first failed binding's result, SQLITE_OK when none */
	const char *bind_call; /* and its call */
	int step_rc;	       /* the last sqlite3_step()'s result */
	char sql[];	       /* the statement's text (the cache's key, the errors' detail) */
};

/* A hash of a statement's text, 8 bytes at a time: the cache compares it before the text,
 * since many statements begin alike. A match is always checked on the text, so the hash
 * need only be quick: hashed a byte at a time (FNV-1a), the few hundred bytes of the SQL
 * of each of a step's dozen statements cost the writer 2 % of its time (perf, December
 * 2026). */
static unsigned sql_hash(const char *sql, size_t *len)
{
	size_t n = strlen(sql), i = 0;
	uint64_t h = 0x9e3779b97f4a7c15u ^ n, w = 0;

	for (; i + 8 <= n; i += 8) {
		memcpy(&w, sql + i, 8);
		h = (h ^ w) * 0xff51afd7ed558ccdu;
		h ^= h >> 32;
	}
	w = 0;
	memcpy(&w, sql + i, n - i);
	h = (h ^ w) * 0xc4ceb9fe1a85ec53u;
	h ^= h >> 29;
	*len = n;
	return (unsigned)h;
}

/* Statements are kept prepared per connection, by their SQL's text: preparing (parsing
 * and planning) cost a fifth of recording a step. A statement handed out is busy until
 * db_done(); the same SQL asked again meanwhile (a nested read) gets one of its own. When
 * the cache is full, the statement used longest ago makes room: a server's writer makes
 * every kind of change in turn, and the steps it records must stay prepared. */
static enum store_err lite_prepare(struct store *st, const char *sql, struct db_stmt **out)
{
	size_t len, oldest = STORE_STMT_CACHE;
	unsigned hash = sql_hash(sql, &len);
	int rc, keep = 1;
	sqlite3_stmt *stmt = NULL;
	struct lite_stmt *s;

	*out = NULL;
	st->n_prepared++;
	for (size_t i = 0; i < st->n_cached; i++) {
		struct store_cached *c = &st->cache[i];

		if (!c->busy && (oldest == STORE_STMT_CACHE || c->used < st->cache[oldest].used))
			oldest = i;
		if (c->hash != hash || strcmp(c->stmt->sql, sql) != 0)
			continue;
		keep = 0;
		if (!c->busy) {
			c->busy = 1;
			c->used = st->n_prepared;
			*out = &c->stmt->head;
			return STORE_OK;
		}
	}
	/* Full: the one used longest ago goes, unless every one is handed out. */
	if (keep && st->n_cached == STORE_STMT_CACHE) {
		if (oldest == STORE_STMT_CACHE) {
			keep = 0;
		} else {
			sqlite3_finalize(st->cache[oldest].stmt->stmt);
			free(st->cache[oldest].stmt);
			st->cache[oldest] = st->cache[--st->n_cached];
			if (oldest < st->n_cached)
				st->cache[oldest].stmt->slot = (int)oldest;
		}
	}
	rc = sqlite3_prepare_v3(st->db, sql, -1, keep ? SQLITE_PREPARE_PERSISTENT : 0, &stmt, NULL);
	if (rc != SQLITE_OK)
		return store_int_fail(st->db, rc, "sqlite3_prepare_v3", sql, st->path);
	s = malloc(sizeof(*s) + len + 1);
	if (!s) {
		sqlite3_finalize(stmt);
		store_int_error("out of memory");
		return STORE_EINTERNAL;
	}
	*s = (struct lite_stmt){ .head = { &db_sqlite_ops, st },
				 .stmt = stmt,
				 .slot = -1,
				 .bind_rc = SQLITE_OK,
				 .step_rc = SQLITE_DONE };
	memcpy(s->sql, sql, len + 1);
	if (keep && stmt) {
		s->slot = (int)st->n_cached;
		st->cache[st->n_cached++] =
		    (struct store_cached){ s, 1, hash, st->n_prepared };
	}
	*out = &s->head;
	return STORE_OK;
}

static void lite_done(struct db_stmt *hs)
{
	struct lite_stmt *s = (struct lite_stmt *)hs;

	if (!s)
		return;
	if (s->slot < 0) {
		sqlite3_finalize(s->stmt);
		free(s);
		return;
	}
	sqlite3_reset(s->stmt);
	sqlite3_clear_bindings(s->stmt);
	s->bind_rc = SQLITE_OK;
	s->bind_call = NULL;
	s->head.st->cache[s->slot].busy = 0;
}

static void lite_release_all(struct store *st)
{
	for (size_t i = 0; i < st->n_cached; i++) {
		sqlite3_finalize(st->cache[i].stmt->stmt);
		free(st->cache[i].stmt);
	}
	st->n_cached = 0;
}

/* Keep the first failed binding of S for its next db_step(). A parameter the statement
 * does not have (SQLITE_RANGE) is not a failure: a helper shared by statements binds
 * them all the same parameters (db.h). */
static void bound(struct lite_stmt *s, int rc, const char *call)
{
	if (rc != SQLITE_OK && rc != SQLITE_RANGE && s->bind_rc == SQLITE_OK) {
		s->bind_rc = rc;
		s->bind_call = call;
	}
}

static void lite_bind_int64(struct db_stmt *hs, int i, long long v)
{
	struct lite_stmt *s = (struct lite_stmt *)hs;

	bound(s, sqlite3_bind_int64(s->stmt, i, v), "sqlite3_bind_int64");
}

static void lite_bind_text(struct db_stmt *hs, int i, const char *text)
{
	struct lite_stmt *s = (struct lite_stmt *)hs;

	bound(s, sqlite3_bind_text(s->stmt, i, text, -1, SQLITE_STATIC), "sqlite3_bind_text");
}

static void lite_bind_null(struct db_stmt *hs, int i)
{
	struct lite_stmt *s = (struct lite_stmt *)hs;

	bound(s, sqlite3_bind_null(s->stmt, i), "sqlite3_bind_null");
}

static int lite_param_count(struct db_stmt *hs)
{
	struct lite_stmt *s = (struct lite_stmt *)hs;

	return sqlite3_bind_parameter_count(s->stmt);
}

static const char *lite_param_name(struct db_stmt *hs, int i)
{
	struct lite_stmt *s = (struct lite_stmt *)hs;

	return sqlite3_bind_parameter_name(s->stmt, i);
}

static enum store_err lite_step(struct db_stmt *hs, int *row)
{
	struct lite_stmt *s = (struct lite_stmt *)hs;
	struct store *st = s->head.st;
	int rc;

	*row = 0;
	if (s->bind_rc != SQLITE_OK)
		return store_int_fail(st->db, s->bind_rc, s->bind_call, s->sql, st->path);
	rc = sqlite3_step(s->stmt);
	s->step_rc = rc;
	if (rc == SQLITE_ROW) {
		*row = 1;
		return STORE_OK;
	}
	if (rc == SQLITE_DONE)
		return STORE_OK;
	return store_int_fail(st->db, rc, "sqlite3_step", s->sql, st->path);
}

static enum store_err lite_unexpected(struct db_stmt *hs)
{
	struct lite_stmt *s = (struct lite_stmt *)hs;

	return store_int_fail(s->head.st->db, s->step_rc, "sqlite3_step", s->sql, s->head.st->path);
}

static long long lite_changes(struct store *st)
{
	return sqlite3_changes(st->db);
}

static int lite_col_count(struct db_stmt *hs)
{
	struct lite_stmt *s = (struct lite_stmt *)hs;

	return sqlite3_column_count(s->stmt);
}

static const char *lite_col_name(struct db_stmt *hs, int col)
{
	struct lite_stmt *s = (struct lite_stmt *)hs;

	return sqlite3_column_name(s->stmt, col);
}

static enum db_type lite_col_type(struct db_stmt *hs, int col)
{
	struct lite_stmt *s = (struct lite_stmt *)hs;

	switch (sqlite3_column_type(s->stmt, col)) {
	case SQLITE_NULL:
		return DB_NULL;
	case SQLITE_INTEGER:
		return DB_INTEGER;
	case SQLITE_FLOAT:
		return DB_FLOAT;
	case SQLITE_BLOB:
		return DB_BLOB;
	default:
		return DB_TEXT;
	}
}

static const void *lite_col_bytes(struct db_stmt *hs, int col, size_t *len)
{
	struct lite_stmt *s = (struct lite_stmt *)hs;
	const void *bytes = sqlite3_column_blob(s->stmt, col); /* before its length */

	*len = (size_t)sqlite3_column_bytes(s->stmt, col);
	return bytes;
}

static long long lite_col_int64(struct db_stmt *hs, int col)
{
	struct lite_stmt *s = (struct lite_stmt *)hs;

	return sqlite3_column_int64(s->stmt, col);
}

static double lite_col_double(struct db_stmt *hs, int col)
{
	struct lite_stmt *s = (struct lite_stmt *)hs;

	return sqlite3_column_double(s->stmt, col);
}

static int lite_col_is_null(struct db_stmt *hs, int col)
{
	struct lite_stmt *s = (struct lite_stmt *)hs;

	return sqlite3_column_type(s->stmt, col) == SQLITE_NULL;
}

static const char *lite_col_text(struct db_stmt *hs, int col)
{
	struct lite_stmt *s = (struct lite_stmt *)hs;

	return (const char *)sqlite3_column_text(s->stmt, col);
}

/* ---- the SQL functions the ledger's queries use, on each connection ---- */

/* secret_digest(TEXT): the hex SHA-256 of the secret's tag and TEXT (ledger.c); NULL
 * for NULL. */
static void secret_digest_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	char out[STORE_HASH_HEX];

	(void)argc;
	if (sqlite3_value_type(argv[0]) == SQLITE_NULL) {
		sqlite3_result_null(ctx);
		return;
	}
	store_int_secret_digest((const char *)sqlite3_value_text(argv[0]), out);
	sqlite3_result_text(ctx, out, -1, SQLITE_TRANSIENT);
}

enum store_err store_int_functions(struct store *st)
{
	int rc;

	if (sodium_init() < 0)
		return STORE_EINTERNAL;
	rc = sqlite3_create_function(st->db, "secret_digest", 1,
				     SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, NULL,
				     secret_digest_fn, NULL, NULL);
	return rc == SQLITE_OK
		   ? STORE_OK
		   : store_int_fail(st->db, rc, "sqlite3_create_function", NULL, st->path);
}

/* ---- the write-ahead log copied back apart from the commits (batch.c) ----
 *
 * SQLite copies the write-ahead log back into the database every 1,000 pages, in the
 * commit that crosses the line: that commit, and every change waiting behind it, then
 * waits for a few thousand page writes and an fsync. With store_checkpoint_apart(), a
 * thread of the store's own does it on a connection of its own (a passive checkpoint,
 * which never holds up a writer), woken by the commit that crosses the line.
 *
 * The log starts over from its beginning only at the first write of a transaction that
 * began with the whole log copied back (SQLite's walRestartLog()). Under a load that never
 * pauses that never happens: the thread copies while the writer commits more, so the log
 * grew without end (388 MB in half a minute of web_bench's 50 connections), and every
 * page of it was written into a new part of the file, which the kernel must allocate and
 * zero first: a fifth of the writer's time (perf, December 2026). So once the log holds
 * restart_pages pages, the thread is woken at every commit to stay close behind, and the
 * commit that finds it less than RESTART_TAIL pages behind copies the rest itself (two
 * syncs and those pages); the next transaction then starts the log over, unless a reader
 * still holds an older snapshot, and then the next commit tries again. Overwritten, the
 * log's pages are in the page cache already. */

#define CHECKPOINT_PAGES 1000 /* SQLite's own line */
#define RESTART_TAIL 512      /* pages the last copy may leave to the writer's commit */

struct store_checkpointer {
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t work;
	sqlite3 *db; /* the thread's connection */
	int due, stop;
	int asked_at;	   /* the log's length when the thread was last woken */
	int restart_pages; /* the log's length from which it is made to start over */
	int copied;	   /* under mu: the log's pages copied back at the thread's last copy */
};

static void *checkpointer_main(void *arg)
{
	struct store_checkpointer *c = arg;

	pthread_mutex_lock(&c->mu);
	for (;;) {
		int in_log = 0, copied = 0;

		while (!c->stop && !c->due)
			pthread_cond_wait(&c->work, &c->mu);
		if (c->stop)
			break;
		c->due = 0;
		pthread_mutex_unlock(&c->mu);
		/* Passive: what no reader still needs is copied, and nobody waits for it. */
		if (sqlite3_wal_checkpoint_v2(c->db, NULL, SQLITE_CHECKPOINT_PASSIVE, &in_log,
					      &copied) != SQLITE_OK)
			copied = 0;
		pthread_mutex_lock(&c->mu);
		c->copied = copied;
	}
	pthread_mutex_unlock(&c->mu);
	return NULL;
}

/* After each commit on the writer's connection (sqlite3_wal_hook): the log's length. */
static int checkpoint_hook(void *arg, sqlite3 *db, const char *name, int pages)
{
	struct store_checkpointer *c = arg;
	int restart = c->restart_pages > 0 && pages >= c->restart_pages, behind;

	(void)name;
	if (restart) {
		pthread_mutex_lock(&c->mu);
		/* What the thread copied last may be of the log before it started over:
		 * then "behind" is too small, and the copy below merely longer. */
		behind = pages - c->copied;
		pthread_mutex_unlock(&c->mu);
		if (behind >= 0 && behind < RESTART_TAIL) {
			/* Busy when the thread is copying: the next commit tries again. */
			sqlite3_wal_checkpoint_v2(db, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
			return SQLITE_OK;
		}
	}
	/* While readers keep the log from being copied back whole, it stays past the line:
	 * the thread is woken again once it has grown by the line again, not at each
	 * commit (until restart_pages). Each checkpoint copies a page once however often it
	 * changed since the last, and syncs the log and the database: at a tenth of the
	 * line, checkpoints took 9 % of the server's processor at 50 connections, at the
	 * line 3 % (perf, December 2026). Readers look for a page only in the log written
	 * since the last checkpoint (SQLite's wal-index), so a longer log costs them
	 * nothing. Only the writer's connection calls the hook. */
	if (restart || (pages >= CHECKPOINT_PAGES &&
			(pages < c->asked_at || pages - c->asked_at >= CHECKPOINT_PAGES))) {
		c->asked_at = pages;
		pthread_mutex_lock(&c->mu);
		c->due = 1;
		pthread_cond_signal(&c->work);
		pthread_mutex_unlock(&c->mu);
	}
	return SQLITE_OK;
}

enum store_err store_checkpoint_apart(struct store *st, int restart_pages)
{
	struct store_checkpointer *c;

	if (st->checkpointer || st->pg) /* PostgreSQL has no such log to copy back */
		return STORE_OK;
	c = calloc(1, sizeof(*c));
	if (!c)
		return STORE_EINTERNAL;
	if (sqlite3_open_v2(st->path, &c->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) !=
	    SQLITE_OK) {
		store_int_fail(c->db, sqlite3_errcode(c->db), "sqlite3_open_v2", NULL, st->path);
		sqlite3_close(c->db);
		free(c);
		return STORE_EIO;
	}
	/* A connection knows the log is there only once it has read the database. */
	if (sqlite3_exec(c->db, "SELECT count(*) FROM sqlite_master", NULL, NULL, NULL) !=
	    SQLITE_OK) {
		store_int_fail(c->db, sqlite3_errcode(c->db), "sqlite3_exec", NULL, st->path);
		sqlite3_close(c->db);
		free(c);
		return STORE_EIO;
	}
	c->restart_pages = restart_pages;
	pthread_mutex_init(&c->mu, NULL);
	pthread_cond_init(&c->work, NULL);
	if (pthread_create(&c->thread, NULL, checkpointer_main, c) != 0) {
		pthread_cond_destroy(&c->work);
		pthread_mutex_destroy(&c->mu);
		sqlite3_close(c->db);
		free(c);
		return STORE_EINTERNAL;
	}
	pthread_setname_np(c->thread, "atelier-ckpt"); /* not its starter's name */
	/* In place of SQLite's own checkpoints (sqlite3_wal_autocheckpoint is this hook). */
	sqlite3_wal_hook(st->db, checkpoint_hook, c);
	st->checkpointer = c;
	return STORE_OK;
}

void store_int_checkpointer_stop(struct store *st)
{
	struct store_checkpointer *c = st->checkpointer;

	if (!c)
		return;
	sqlite3_wal_autocheckpoint(st->db, CHECKPOINT_PAGES); /* SQLite's own again */
	pthread_mutex_lock(&c->mu);
	c->stop = 1;
	pthread_cond_signal(&c->work);
	pthread_mutex_unlock(&c->mu);
	pthread_join(c->thread, NULL);
	pthread_cond_destroy(&c->work);
	pthread_mutex_destroy(&c->mu);
	sqlite3_close(c->db);
	free(c);
	st->checkpointer = NULL;
}

static int lite_in_transaction(struct store *st)
{
	return !sqlite3_get_autocommit(st->db);
}

/* One file, one writer at a time: every write waits for the others. */
static enum store_err lite_begin_scope(struct store *st, long long device, long long job)
{
	(void)device;
	(void)job;
	return db_run(st, "BEGIN IMMEDIATE");
}

const struct db_ops db_sqlite_ops = {
	.name = "SQLite",
	.prepare = lite_prepare,
	.done = lite_done,
	.release_all = lite_release_all,
	.bind_int64 = lite_bind_int64,
	.bind_text = lite_bind_text,
	.bind_null = lite_bind_null,
	.param_count = lite_param_count,
	.param_name = lite_param_name,
	.step = lite_step,
	.unexpected = lite_unexpected,
	.changes = lite_changes,
	.col_count = lite_col_count,
	.col_name = lite_col_name,
	.col_type = lite_col_type,
	.col_bytes = lite_col_bytes,
	.col_int64 = lite_col_int64,
	.col_double = lite_col_double,
	.col_is_null = lite_col_is_null,
	.col_text = lite_col_text,
	.in_transaction = lite_in_transaction,
	.begin_scope = lite_begin_scope,
	.scoped = 0,
};
