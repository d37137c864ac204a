/*
 * What the store's statement API (db.h) builds on its own calls alone, the same on
 * every backend.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/db.h"
#include "store/store.h"
#include "store/store_int.h"

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
