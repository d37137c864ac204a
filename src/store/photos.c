/* Photos of checklists' steps (schema 8). See store.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/db.h"
#include "store/store.h"
#include "store/store_int.h"

enum store_err store_photo_add(struct store *st, const struct store_photo *p, long long by_user)
{
	static const char sql[] = "INSERT INTO step_photo (checklist_id, step_id, sha256, type, "
				  "by_user, t_ms) VALUES (?, ?, ?, ?, ?, ?)";
	struct db_stmt *stmt = NULL;
	enum store_err err = db_prepare(st, sql, &stmt);

	if (err)
		return err;
	db_bind_text(stmt, 1, p->checklist_id);
	db_bind_text(stmt, 2, p->step_id);
	db_bind_text(stmt, 3, p->sha256);
	db_bind_text(stmt, 4, p->type);
	db_bind_int64(stmt, 5, by_user);
	db_bind_int64(stmt, 6, p->t_ms);
	err = db_run_change(stmt, NULL);
	db_done(stmt);
	return err;
}

static int photo_item(struct db_stmt *stmt, void *item)
{
	struct store_photo *p = item;

	p->id = db_col_int64(stmt, 0);
	db_col_copy(stmt, 1, p->checklist_id, sizeof(p->checklist_id));
	db_col_copy(stmt, 2, p->step_id, sizeof(p->step_id));
	db_col_copy(stmt, 3, p->sha256, sizeof(p->sha256));
	db_col_copy(stmt, 4, p->type, sizeof(p->type));
	db_col_copy(stmt, 5, p->by, sizeof(p->by));
	p->t_ms = db_col_int64(stmt, 6);
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
	struct db_stmt *stmt = NULL;
	enum store_err err = db_prepare(st, sql, &stmt);
	void *items = NULL;

	if (!err)
		db_bind_text(stmt, 1, checklist_id);
	err = db_collect(stmt, err, sizeof(**out), photo_item, NULL, &items, n);
	*out = items;
	return err;
}

enum store_err store_photo_type(struct store *st, const char *sha256, char *type, size_t size)
{
	static const char sql[] = "SELECT type FROM step_photo WHERE sha256 = ? LIMIT 1";
	struct db_stmt *stmt = NULL;
	enum store_err err = db_prepare(st, sql, &stmt);
	int row = 0;

	type[0] = '\0';
	if (err)
		return err;
	db_bind_text(stmt, 1, sha256);
	err = db_step(stmt, &row);
	if (!err && row)
		db_col_copy(stmt, 0, type, size);
	db_done(stmt);
	return !err && !type[0] ? STORE_ENOENT : err;
}
