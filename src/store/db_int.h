/*
 * db_int — how the statement API (db.h) reaches a backend; inside src/store/ only.
 *
 * Each backend (db_sqlite.c, db_pg.c) fills one struct db_ops with its calls, and each of
 * its statements starts with a struct db_stmt naming them: db.c's calls go through it,
 * so that a store module never knows which backend it runs on. A store has one backend
 * for its whole life (store_open() chooses it from where the records are).
 */
#ifndef ATELIER_STORE_DB_INT_H
#define ATELIER_STORE_DB_INT_H

#include <stddef.h>

#include "store/db.h"
#include "store/store.h"

struct db_ops {
	const char *name; /* "SQLite", "PostgreSQL": for messages */
	enum store_err (*prepare)(struct store *st, const char *sql, struct db_stmt **out);
	void (*done)(struct db_stmt *s);
	void (*release_all)(struct store *st);
	void (*bind_int64)(struct db_stmt *s, int i, long long v);
	void (*bind_text)(struct db_stmt *s, int i, const char *text);
	void (*bind_null)(struct db_stmt *s, int i);
	int (*param_count)(struct db_stmt *s);
	const char *(*param_name)(struct db_stmt *s, int i);
	enum store_err (*step)(struct db_stmt *s, int *row);
	enum store_err (*unexpected)(struct db_stmt *s);
	long long (*changes)(struct store *st);
	int (*col_count)(struct db_stmt *s);
	const char *(*col_name)(struct db_stmt *s, int col);
	enum db_type (*col_type)(struct db_stmt *s, int col);
	const void *(*col_bytes)(struct db_stmt *s, int col, size_t *len);
	long long (*col_int64)(struct db_stmt *s, int col);
	double (*col_double)(struct db_stmt *s, int col);
	int (*col_is_null)(struct db_stmt *s, int col);
	const char *(*col_text)(struct db_stmt *s, int col);
	int (*in_transaction)(struct store *st);
	enum store_err (*begin_scope)(struct store *st, long long device, long long job);
	/* 1: begin_scope() waits only for the writes of the same device or job, so a write
	 * must name the device and job it moves (store_int_begin_for()); 0: every write
	 * waits for all the others, whatever it names. */
	int scoped;
};

/* The head of every backend's statement. */
struct db_stmt {
	const struct db_ops *ops;
	struct store *st;
};

extern const struct db_ops db_sqlite_ops;
extern const struct db_ops db_pg_ops;

#endif
