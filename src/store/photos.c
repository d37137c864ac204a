/* Photos of checklists' steps (schema 8). See store.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store.h"
#include "store/store_int.h"

enum store_err store_photo_add(struct store *st, const struct store_photo *p, long long by_user)
{
	static const char sql[] = "INSERT INTO step_photo (checklist_id, step_id, sha256, type, "
				  "by_user, t_ms) VALUES (?, ?, ?, ?, ?, ?)";
	sqlite3_stmt *stmt = NULL;
	enum store_err err = store_int_prepare(st, sql, &stmt);

	if (err)
		return err;
	sqlite3_bind_text(stmt, 1, p->checklist_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 2, p->step_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 3, p->sha256, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 4, p->type, -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 5, by_user);
	sqlite3_bind_int64(stmt, 6, p->t_ms);
	err = store_int_run_change(st, stmt, sql, NULL);
	store_int_done(st, stmt);
	return err;
}

static int photo_item(sqlite3_stmt *stmt, void *item)
{
	struct store_photo *p = item;

	p->id = sqlite3_column_int64(stmt, 0);
	store_int_col_text(stmt, 1, p->checklist_id, sizeof(p->checklist_id));
	store_int_col_text(stmt, 2, p->step_id, sizeof(p->step_id));
	store_int_col_text(stmt, 3, p->sha256, sizeof(p->sha256));
	store_int_col_text(stmt, 4, p->type, sizeof(p->type));
	store_int_col_text(stmt, 5, p->by, sizeof(p->by));
	p->t_ms = sqlite3_column_int64(stmt, 6);
	return 1;
}

enum store_err store_photo_list(struct store *st, const char *checklist_id,
				struct store_photo **out, size_t *n)
{
	/* Who added it: her name, or her code once her name was erased. */
	static const char sql[] = "SELECT p.id, p.checklist_id, p.step_id, p.sha256, p.type, "
				  "CASE WHEN u.erased_ms IS NULL THEN u.name ELSE "
				  "COALESCE(u.code, 'erased') END, p.t_ms FROM step_photo p "
				  "JOIN app_user u ON u.id = p.by_user WHERE p.checklist_id = ? "
				  "ORDER BY p.id";
	sqlite3_stmt *stmt = NULL;
	enum store_err err = store_int_prepare(st, sql, &stmt);
	void *items = NULL;

	if (!err)
		sqlite3_bind_text(stmt, 1, checklist_id, -1, SQLITE_STATIC);
	err = store_int_collect(st, err, stmt, sql, sizeof(**out), photo_item, NULL, &items, n);
	*out = items;
	return err;
}

enum store_err store_photo_type(struct store *st, const char *sha256, char *type, size_t size)
{
	static const char sql[] = "SELECT type FROM step_photo WHERE sha256 = ? LIMIT 1";
	sqlite3_stmt *stmt = NULL;
	enum store_err err = store_int_prepare(st, sql, &stmt);
	int rc;

	type[0] = '\0';
	if (err)
		return err;
	sqlite3_bind_text(stmt, 1, sha256, -1, SQLITE_STATIC);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW)
		store_int_col_text(stmt, 0, type, size);
	else if (rc != SQLITE_DONE)
		err = store_int_fail(st->db, rc, "sqlite3_step", sql, st->path);
	store_int_done(st, stmt);
	return !err && !type[0] ? STORE_ENOENT : err;
}
