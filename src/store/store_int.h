/*
 * store_int — what the files of src/store/ share; not for other modules.
 *
 * The files of the records run their SQL through the statement API (db.h) alone. Only
 * the SQLite backend's own files (store.c: the connection, PRAGMAs, migrations, the
 * check, backups; db_sqlite.c: the statements, SQL functions, the checkpointing thread)
 * include <sqlite3.h>: here the connection is only named, so that a file of the records
 * that called SQLite itself would not compile.
 */
#ifndef ATELIER_STORE_STORE_INT_H
#define ATELIER_STORE_STORE_INT_H

#include <limits.h>
#include <sys/types.h>

#include <jansson.h>

#include "store/db.h"
#include "store/store.h"

struct sqlite3; /* <sqlite3.h>'s connection (its typedef sqlite3) */

#define STORE_STMT_CACHE 48 /* statements kept prepared per connection */

/* A statement kept prepared for the next call with the same SQL (db_prepare(), in
 * db_sqlite.c). */
struct lite_stmt;
struct store_cached {
	struct lite_stmt *stmt; /* its text inside */
	int busy;	      /* handed out, not yet given back with db_done() */
	unsigned hash;	      /* of its text (db_sqlite.c): compared before the text */
	unsigned long long used; /* when it was last handed out: the oldest goes first */
};

struct store {
	/* The backend's: SQLite's connection (store.c opens it, db_sqlite.c runs statements
	 * on it) and its checkpointing thread. A second backend (PostgreSQL, issue #15) adds
	 * its connection here. */
	const struct db_ops *ops; /* db_int.h: the backend's calls */
	struct sqlite3 *db;
	char bench[STORE_BENCH_MAX + 1]; /* where its records are made (store_set_bench()) */
	struct store_pg *pg; /* PostgreSQL's (db_pg.c), when the records are there */
	struct store_checkpointer *checkpointer; /* store_checkpoint_apart() (db_sqlite.c) */
	/* The statement API's (db.h): statements kept prepared, by their SQL. */
	struct store_cached cache[STORE_STMT_CACHE];
	size_t n_cached;
	unsigned long long n_prepared; /* statements handed out: the cache's clock */
	int version;
	int registered; /* counted in the process's open databases (store.c) */
	dev_t dev;
	ino_t ino;
	char path[PATH_MAX];
	struct store_sealer sealer;
	/* store_batch_begin(): the writes that follow share one transaction, begun at the
	 * first of them; each write's own transaction is a savepoint inside it. */
	int batch;	/* a batch is open */
	int batch_begun; /* its BEGIN IMMEDIATE has run */
	int savepoints;	 /* savepoints open inside it */
	int batch_apart; /* store_batch_begin_apart(): its commit does not wait for the disk */
	char unsynced[PATH_MAX + 8]; /* the log that batch left to sync (store_batch_unsynced()) */
	struct store_sealing *sealing; /* store_seal_later(): heads sealed by a thread (batch.c) */
};

/* Append an entry of KIND about row REF (NULL: none) to CHAIN at T_MS, and move its signed
 * head. Inside the caller's transaction: the record and its entry commit together. */
enum store_err store_int_ledger(struct store *st, const char *chain, const char *kind,
				const char *ref, long long t_ms);
/* The same for chain CHAIN_KIND:CHAIN_ID ("workshop" when CHAIN_ID is 0) and a numeric REF
 * (0: none). */
enum store_err store_int_ledger_id(struct store *st, const char *chain_kind, long long chain_id,
				   const char *kind, long long ref, long long t_ms);
/* A chain as it is now, read inside the write that appends to it: its head (SEQ, HASH;
 * none yet: HAS_HEAD 0) and, for a job's or a device's chain (HAS_STATE), the state its
 * entries carry (a job's also its submission time, SUBMITTED_NULL when it has none). */
struct store_int_chain_now {
	int has_head, has_state, submitted_null;
	long long seq, submitted_ms;
	char hash[STORE_HASH_HEX];
	char state[32];
};
/* The same with ROW (taken; NULL: read here), the row REF as KIND's query reads it: the
 * columns an INSERT ... RETURNING gave back, in the order and with the names of that query
 * (kinds[] in ledger.c), saving the write a read of the row it has just made; and with the
 * chain as NOW (NULL: read here): a step's append reads its job's head and state with the
 * job's last record, and they are not read again. */
enum store_err store_int_ledger_id_row(struct store *st, const char *chain_kind,
				       long long chain_id, const char *kind, long long ref,
				       long long t_ms, json_t *row,
				       const struct store_int_chain_now *now);
/* The columns of a step's row as its ledger entry keeps them, in their order: the "step"
 * kind's query (ledger.c) and the step's INSERT ... RETURNING (jobs.c) both name them
 * here. Fixed for good: the entries already written hold them. */
#define STORE_STEP_ROW_COLS                                                            \
	"id, job_id, seq, step_id, user_id, t_ms, spent_ms, result, value, note, parts, " \
	"facts, corrects, prev_hash, hash, tester"
/* The columns of the row STMT stands on, as the ledger keeps a row: a JSON object. */
json_t *store_int_row_json(struct db_stmt *stmt);
/* Inside a transaction: move DEVICE_ID from FROM to TO (compare and set: STORE_ESTALE when
 * it is no longer in FROM, STORE_ENOENT when there is no such device), keep the event
 * with REASON (1 to 511 bytes) and its entry of the device's chain, and revoke its
 * certificates when it leaves certified or sold for anything but sold (grades.c). *EVENT_ID
 * (may be NULL) gets the event's id. */
enum store_err store_int_device_move(struct store *st, long long device_id,
				     enum device_state from, enum device_state to, long long user_id,
				     const char *reason, long long t_ms, long long *event_id);
/* Inside a transaction: revoke certificate CERT_ID of DEVICE_ID (certs.c). */
enum store_err store_int_revoke(struct store *st, const char *cert_id, long long device_id,
				long long by_user, const char *reason, long long t_ms);
/* Inside a transaction: revoke every certificate of DEVICE_ID not revoked yet. */
enum store_err store_int_revoke_device(struct store *st, long long device_id, long long by_user,
				       const char *reason, long long t_ms);
/* Inside a transaction: the account NAME (or ID when NAME is NULL) as it is now, as an
 * entry of the "accounts" chain. */
enum store_err store_int_user_entry(struct store *st, const char *name, long long id);
/* The accounts of a database made before they had a chain (a migration). */
enum store_err store_int_ledger_adopt_users(struct store *st);
/* Every account's first entry of kind "account", without its name (the migration to
 * schema 11). */
enum store_err store_int_ledger_adopt_accounts(struct store *st);
/* The entries of KIND about row REF (of CHAIN only, unless NULL), by chain and position,
 * in a new array (store_ledger_free()). */
enum store_err store_int_ledger_find(struct store *st, const char *kind, const char *chain,
				     const char *ref, struct store_ledger_entry **out, size_t *n);
/* O as the ledger writes its bodies: canonical JSON (sorted keys, compact, ASCII); a new
 * string (free()), NULL when out of memory. */
char *store_int_canonical(const json_t *o);
/* The SQL functions the ledger's queries use (secret_digest()), on ST's connection
 * (db_sqlite.c). */
enum store_err store_int_functions(struct store *st);
/* secret_digest(TEXT) (an SQL function of the ledger's queries): the hex SHA-256 of
 * the secrets' tag and TEXT, into OUT (STORE_HASH_HEX bytes). */
void store_int_secret_digest(const char *text, char *out);
/* Inside a transaction: entry E (as read, its hash checked here first: STORE_ECORRUPT
 * when it does not match its body) gets BODY, the same with a name taken out, under
 * erasure ERASURE_ID; the redaction is kept and appended to E's chain ("redact"). */
enum store_err store_int_ledger_redact(struct store *st, long long erasure_id,
				       const struct store_ledger_entry *e, const char *body);
/* Wall-clock milliseconds now. */
long long store_int_now_ms(void);
/* Put the records of a database made before the ledger into chains (a migration). */
enum store_err store_int_ledger_adopt(struct store *st);

/* The SQLite backend's own (store.c, db_sqlite.c): the files of the records run their SQL
 * through the statement API (db.h) and never call these. */

/* Record the detail of a failed CALL (running SQL, when not NULL) on the database at
 * PATH for store_last_error_message() and return RC translated. Call it before
 * sqlite3_finalize(), which resets the message. */
enum store_err store_int_fail(struct sqlite3 *db, int rc, const char *call, const char *sql,
			      const char *path);
/* Run one statement without parameters to its end on DB, at PATH (a PRAGMA, a
 * migration's step, on a connection of its own too); rows are ignored. */
enum store_err store_int_run(struct sqlite3 *db, const char *path, const char *sql);

/* Record that CALL (running SQL, when not NULL) on the records at WHERE failed with ERR
 * because of WHY, with the system's errno E (0: none), for store_last_error_message()
 * and store_last_errno(); ERR. */
enum store_err store_int_fail_text(enum store_err err, const char *call, const char *sql,
				   const char *where, const char *why, int e);
/* The name of the bench ST records at, NULL when none was given. */
static inline const char *store_int_bench(const struct store *st)
{
	return st->bench[0] ? st->bench : NULL;
}
/* 1 when ST's records are on PostgreSQL: for the few statements written twice
 * (docs/dev/pg-dialect.md). */
static inline int store_int_is_pg(const struct store *st)
{
	return st->pg != NULL;
}
/* URL as it may be shown, without a password, into OUT (SIZE bytes). */
void store_int_url_shown(const char *url, char *out, size_t size);
/* 1 when URL names a PostgreSQL database (postgresql://, postgres://). */
int store_int_is_pg_url(const char *url);
/* Open ST on the PostgreSQL database at URL (db_pg.c): connected, its schema made when
 * CREATE and the database is empty, its version checked (*FOUND, may be NULL). */
enum store_err store_int_pg_open(struct store *st, const char *url, int create, int *found);
/* The statements that take a PostgreSQL database from schema FROM to FROM + 1 (the same
 * list as SQLite's migrations, store.c); NULL when there is no such step. */
const char *const *store_int_pg_migration(int from);
/* Close ST's PostgreSQL connection, if any. */
void store_int_pg_close(struct store *st);
/* Rows changed by every change on ST's PostgreSQL connection (store_changes()). */
long long store_int_pg_total_changes(struct store *st);
/* A number that changes when the records on the server may have (store_data_version()). */
enum store_err store_int_pg_data_version(struct store *st, long long *out);
/* store_check() on PostgreSQL: what the server can say is wrong (REPORT, SIZE bytes). */
enum store_err store_int_pg_check(struct store *st, char *report, size_t size);
/* store_compact() on PostgreSQL: VACUUM, ANALYZE. */
enum store_err store_int_pg_compact(struct store *st);
/* A copy of the records on the server into the file TMP (pg_dump, custom format). */
enum store_err store_int_pg_backup(struct store *st, const char *tmp);
/* Set the message of store_last_error_message() to TEXT. */
void store_int_error(const char *text);
/* Inside a batch whose heads are sealed later (store_seal_later()): queue the head SEQ,
 * HASH of CHAIN, whose signed message is MSG, for the sealing thread; 0 when queued (the
 * head is then written unsealed, and sealed before the batch commits), -1 when it must be
 * sealed now. */
int store_int_seal_later(struct store *st, const char *chain, long long seq, const char *hash,
			 const char *msg);
/* Stop the sealing thread, if any (store_free). */
void store_int_sealing_stop(struct store *st);
/* Stop the checkpointing thread, if any (store_free). */
void store_int_checkpointer_stop(struct store *st);
/* Begin a write (BEGIN IMMEDIATE; a savepoint inside an open batch). */
enum store_err store_int_begin(struct store *st);
/* As store_int_begin(), for a write that moves the records of device DEVICE and job JOB
 * only (either may be 0), and reads nothing that a write to another device or job
 * changes (db_begin_scope()). A step names its job alone: it changes neither the job's
 * state nor its device's; a write that changes a job's state names its device too, since
 * the device's other writes (a certificate) read the states of its jobs. */
enum store_err store_int_begin_scope(struct store *st, long long device, long long job);
/* As store_int_begin_scope(), for the device and job that SQL (one parameter: ID, or
 * TEXT_ID when not NULL) reads as its row's two columns: "SELECT device_id, id FROM job
 * WHERE id = ?". Read only where the backend's locks are scoped. */
enum store_err store_int_begin_for(struct store *st, const char *sql, long long id,
				   const char *text_id);
/* store_int_begin_for()'s SQL: a job's device and the job; a grade's; a certificate's
 * device. */
#define STORE_SCOPE_OF_JOB "SELECT device_id, id FROM job WHERE id = ?"
#define STORE_SCOPE_OF_GRADE                                                        \
	"SELECT j.device_id, j.id FROM grade g JOIN job j ON j.id = g.job_id WHERE g.id = ?"
#define STORE_SCOPE_OF_CERT "SELECT device_id, 0 FROM certificate WHERE id = ?"
/* Commit the write begun with store_int_begin() (inside a batch: release its savepoint,
 * the batch commits later). */
enum store_err store_int_commit(struct store *st);
/* Roll back the write in progress, if any (inside a batch: to its savepoint, leaving the
 * batch's earlier writes), keeping the last failure's message. */
void store_int_rollback(struct store *st);
/* End a transaction begun with BEGIN IMMEDIATE after its last statement S (given back
 * here, db_done(); may be NULL): COMMIT when ERR is STORE_OK, else roll back. The final
 * result. */
enum store_err store_int_end(struct store *st, struct db_stmt *s, enum store_err err);
/* ARR (holding N items of SIZE bytes in room for *CAP) with room for one more: ARR
 * itself, or a larger copy; NULL when out of memory (ARR is then left as it was). */
void *store_int_room_for_one(void *arr, size_t n, size_t *cap, size_t size);

#endif
