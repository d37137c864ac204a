/*
 * db — the store's one statement API; inside src/store/ only.
 *
 * The files of src/store/ run their SQL through these functions, never through a
 * database library's own, so that the same store functions can run on a second backend
 * (PostgreSQL on libpq, issue #15) behind the same calls. SQLite is the only backend
 * today (db_sqlite.c); db.c holds what is built on the calls alone.
 *
 * A statement is prepared from its SQL text (parameters `?`, `?N` or `:name`, numbered
 * from 1), bound, stepped row by row, read column by column (numbered from 0), and given
 * back with db_done(). Each connection keeps its statements prepared, looked up by their
 * SQL (db_prepare()): a statement is used by one caller at a time, and the same SQL
 * asked again while it is in use (a nested read) gets one of its own.
 *
 * Errors: a failure is recorded for store_last_error_message() and store_last_errno()
 * (the call that failed, the SQL, the database and why) and returned as an enum
 * store_err. A failed binding is not returned by db_bind_*(): it is kept and returned by
 * the next db_step(), so that a statement is bound in a row of calls and checked once.
 * Binding a parameter the statement does not have (past its last) is no failure and
 * binds nothing: helpers shared by several statements bind them all alike.
 *
 * Lifetimes: a text bound is read where it is, not copied: it must stay unchanged until
 * the statement is given back (db_done()). A text read from a column is the statement's,
 * valid until its next db_step() or db_done().
 */
#ifndef ATELIER_STORE_DB_H
#define ATELIER_STORE_DB_H

#include <stddef.h>

#include "store/store.h"

/* A prepared statement of one connection; opaque. */
struct db_stmt;

/* Prepare SQL on ST's connection into *OUT: one kept prepared when there is one not in
 * use, else a new one (kept for the next call while the connection has room). SQL is
 * copied. STORE_OK, or the failure recorded (*OUT is then NULL). */
enum store_err db_prepare(struct store *st, const char *sql, struct db_stmt **out)
    __attribute__((warn_unused_result));
/* Give S back (NULL: nothing): a statement kept by the connection is reset, its
 * parameters cleared, and waits for the next db_prepare() of its SQL; any other is
 * freed. S, and every text read from it, is no longer valid. */
void db_done(struct db_stmt *s);

/* Bind parameter I (from 1) of S to V. */
void db_bind_int64(struct db_stmt *s, int i, long long v);
/* Bind parameter I to TEXT (kept where it is until db_done(); NULL binds NULL). */
void db_bind_text(struct db_stmt *s, int i, const char *text);
/* Bind parameter I to NULL. */
void db_bind_null(struct db_stmt *s, int i);
/* Bind parameter I to the row id ID, or NULL when ID is 0 (no such row: Atelier itself,
 * no record...). */
void db_bind_id(struct db_stmt *s, int i, long long id);

/* The number of S's parameters (the largest index of its SQL). */
int db_param_count(struct db_stmt *s);
/* The name of S's parameter I (from 1) with its prefix (":udid"); NULL when it has none
 * (`?`, `?N`) or there is no such parameter. The statement's: valid until db_done(). */
const char *db_param_name(struct db_stmt *s, int i);

/* Step S: *ROW is 1 when a row is ready to read, 0 when the statement has run to its
 * end. STORE_OK, or the failure (a failed binding's too) recorded, *ROW 0. */
enum store_err db_step(struct db_stmt *s, int *row) __attribute__((warn_unused_result));
/* S's last step was not what its statement always gives: no row from a count or a
 * PRAGMA, a row from transaction control. Recorded, STORE_EINTERNAL. */
enum store_err db_unexpected(struct db_stmt *s) __attribute__((warn_unused_result));
/* Step S, a statement that changes rows, to its end: the first column of its row, if it
 * has one (RETURNING id), into *ID (may be NULL). S stays the caller's (db_done()). */
enum store_err db_run_change(struct db_stmt *s, long long *id) __attribute__((warn_unused_result));
/* Run SQL, one statement without parameters or rows (transaction control: BEGIN,
 * SAVEPOINT, COMMIT...), kept prepared like any other: prepared, stepped to its end and
 * given back. A row is unexpected (db_unexpected()). */
enum store_err db_run(struct store *st, const char *sql);
/* Begin a write that moves the records of device DEVICE and of job JOB only (either may
 * be 0: none), and the chains of no other device or job: as BEGIN IMMEDIATE, except that
 * on a server shared by several benches it waits only for the writes to the same device
 * or job, and for the writes that name neither (db_pg.c). */
enum store_err db_begin_scope(struct store *st, long long device, long long job);
/* 1 when db_begin_scope() waits for less than every write (db_pg.c): worth a read to
 * learn a write's device before it begins. */
int db_scoped(const struct store *st);
/* The rows changed by the last statement on ST's connection that ran to its end: read
 * it right after db_run_change(). */
long long db_changes(struct store *st);

/* The kinds of value a column of a row holds. */
enum db_type { DB_NULL, DB_INTEGER, DB_FLOAT, DB_TEXT, DB_BLOB };

/* The number of columns of S's rows. */
int db_col_count(struct db_stmt *s);
/* The name of column COL (its AS, else as the backend names it); the statement's, valid
 * until db_done(). */
const char *db_col_name(struct db_stmt *s, int col);
/* Column COL of the row read: the kind of value it holds. */
enum db_type db_col_type(struct db_stmt *s, int col);
/* Its bytes as stored (text as it is, not checked to be UTF-8), *LEN of them; NULL when
 * NULL or empty. The statement's, valid as a column's text (above). */
const void *db_col_bytes(struct db_stmt *s, int col, size_t *len);
/* Column COL of the row read: as an integer (0 when NULL). */
long long db_col_int64(struct db_stmt *s, int col);
/* As a real number (0 when NULL). */
double db_col_double(struct db_stmt *s, int col);
/* 1 when it is NULL. */
int db_col_is_null(struct db_stmt *s, int col);
/* As text, NULL when NULL: the statement's (above), never to be freed. */
const char *db_col_text(struct db_stmt *s, int col);
/* As text into OUT (SIZE bytes, truncated; "" when NULL). */
void db_col_copy(struct db_stmt *s, int col, char *out, size_t size);
/* As a new string (free()), or NULL when NULL or out of memory. */
char *db_col_dup(struct db_stmt *s, int col);

/* Step S (its result from db_prepare() PREPARED: nothing is stepped unless STORE_OK;
 * parameters bound) to its end: each row becomes one item of SIZE bytes, zeroed then
 * filled by ROW (which returns 0 when out of memory), in a new array *OUT of *N items
 * (free()). On failure every item filled is released (RELEASE, when not NULL), *OUT is
 * NULL and *N 0. S is given back (db_done()) either way. */
enum store_err db_collect(struct db_stmt *s, enum store_err prepared, size_t size,
			  int (*row)(struct db_stmt *s, void *item), void (*release)(void *item),
			  void **out, size_t *n) __attribute__((warn_unused_result));
/* Step S (as above) once: its row is given to ROW for ITEM (0 when out of memory: ITEM is
 * released with RELEASE, when not NULL, and STORE_EINTERNAL returned); no row is
 * STORE_ENOENT. S is given back (db_done()) either way. */
enum store_err db_one(struct db_stmt *s, enum store_err prepared,
		      int (*row)(struct db_stmt *s, void *item), void (*release)(void *item),
		      void *item) __attribute__((warn_unused_result));

/* The connection's side (store.c, batch.c). 1 when a transaction is open on ST's
 * connection (the backend may have rolled one back after an error: a full disk). */
int db_in_transaction(struct store *st);
/* Every statement ST keeps prepared is freed (before its connection closes); none may
 * be in use. */
void db_release_all(struct store *st);

#endif
