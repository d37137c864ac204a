/*
 * What the store's statement API (db.h) builds on its own calls alone, the same on
 * every backend.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/db.h"
#include "store/db_int.h"
#include "store/store.h"
#include "store/store_int.h"

/* ---- the calls of the store's backend (db_int.h) ---- */

enum store_err db_prepare(struct store *st, const char *sql, struct db_stmt **out)
{
	return st->ops->prepare(st, sql, out);
}

void db_done(struct db_stmt *s)
{
	if (s)
		s->ops->done(s);
}

void db_release_all(struct store *st)
{
	if (st->ops)
		st->ops->release_all(st);
}

void db_bind_int64(struct db_stmt *s, int i, long long v)
{
	s->ops->bind_int64(s, i, v);
}

void db_bind_text(struct db_stmt *s, int i, const char *text)
{
	s->ops->bind_text(s, i, text);
}

void db_bind_null(struct db_stmt *s, int i)
{
	s->ops->bind_null(s, i);
}

void db_bind_id(struct db_stmt *s, int i, long long id)
{
	if (id)
		s->ops->bind_int64(s, i, id);
	else
		s->ops->bind_null(s, i);
}

int db_param_count(struct db_stmt *s)
{
	return s->ops->param_count(s);
}

const char *db_param_name(struct db_stmt *s, int i)
{
	return s->ops->param_name(s, i);
}

enum store_err db_step(struct db_stmt *s, int *row)
{
	return s->ops->step(s, row);
}

enum store_err db_unexpected(struct db_stmt *s)
{
	return s->ops->unexpected(s);
}

long long db_changes(struct store *st)
{
	return st->ops->changes(st);
}

int db_col_count(struct db_stmt *s)
{
	return s->ops->col_count(s);
}

const char *db_col_name(struct db_stmt *s, int col)
{
	return s->ops->col_name(s, col);
}

enum db_type db_col_type(struct db_stmt *s, int col)
{
	return s->ops->col_type(s, col);
}

const void *db_col_bytes(struct db_stmt *s, int col, size_t *len)
{
	return s->ops->col_bytes(s, col, len);
}

long long db_col_int64(struct db_stmt *s, int col)
{
	return s->ops->col_int64(s, col);
}

double db_col_double(struct db_stmt *s, int col)
{
	return s->ops->col_double(s, col);
}

int db_col_is_null(struct db_stmt *s, int col)
{
	return s->ops->col_is_null(s, col);
}

const char *db_col_text(struct db_stmt *s, int col)
{
	return s->ops->col_text(s, col);
}

int db_in_transaction(struct store *st)
{
	return st->ops->in_transaction(st);
}

/* ---- built on those calls alone ---- */

enum store_err db_run_change(struct db_stmt *s, long long *id)
{
	int row = 0;
	enum store_err err = db_step(s, &row);

	if (!err && row) {
		if (id)
			*id = db_col_int64(s, 0);
		err = db_step(s, &row);
	}
	return err;
}

void db_col_copy(struct db_stmt *s, int col, char *out, size_t size)
{
	const char *t = db_col_text(s, col);

	snprintf(out, size, "%s", t ? t : "");
}

char *db_col_dup(struct db_stmt *s, int col)
{
	const char *t = db_col_text(s, col);

	return t ? strdup(t) : NULL;
}

enum store_err db_collect(struct db_stmt *s, enum store_err prepared, size_t size,
			  int (*row)(struct db_stmt *s, void *item), void (*release)(void *item),
			  void **out, size_t *n)
{
	enum store_err err = prepared;
	char *items = NULL;
	size_t cap = 0, count = 0;
	int more = 0;

	while (!err && !(err = db_step(s, &more)) && more) {
		char *grown = store_int_room_for_one(items, count, &cap, size);

		if (!grown) {
			err = STORE_EINTERNAL;
			break;
		}
		items = grown;
		memset(items + count * size, 0, size);
		if (!row(s, items + count * size)) {
			if (release)
				release(items + count * size);
			err = STORE_EINTERNAL;
			break;
		}
		count++;
	}
	db_done(s);
	if (err) {
		for (size_t i = 0; release && i < count; i++)
			release(items + i * size);
		free(items);
		items = NULL;
		count = 0;
	}
	*out = items;
	*n = count;
	return err;
}

enum store_err db_one(struct db_stmt *s, enum store_err prepared,
		      int (*row)(struct db_stmt *s, void *item), void (*release)(void *item),
		      void *item)
{
	enum store_err err = prepared;
	int found = 0;

	if (!err)
		err = db_step(s, &found);
	if (!err && !found)
		err = STORE_ENOENT;
	else if (!err && !row(s, item)) {
		if (release)
			release(item);
		err = STORE_EINTERNAL;
	}
	db_done(s);
	return err;
}

enum store_err db_begin_scope(struct store *st, long long device, long long job)
{
	return st->ops->begin_scope(st, device, job);
}

int db_scoped(const struct store *st)
{
	return st->ops->scoped;
}

enum store_err db_run(struct store *st, const char *sql)
{
	struct db_stmt *s = NULL;
	enum store_err err = db_prepare(st, sql, &s);
	int row = 0;

	if (err)
		return err;
	err = db_step(s, &row);
	if (!err && row)
		err = db_unexpected(s);
	db_done(s);
	return err;
}
