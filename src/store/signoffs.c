/* Instructors' sign-offs of trainees for competences (schema 10). See store.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/db.h"
#include "store/store.h"
#include "store/store_int.h"

enum store_err store_signoff_add(struct store *st, const struct store_signoff *s, long long *id)
{
	static const char sql[] = "INSERT INTO signoff (user_id, competence, by_user, note, t_ms) "
				  "VALUES (?, ?, ?, ?, ?) RETURNING id";
	struct db_stmt *stmt = NULL;
	long long new_id = 0;
	enum store_err err;

	if (!s->note[0] || !s->competence[0])
		return STORE_EINVAL;
	err = store_int_begin(st);
	if (err)
		return err;
	err = db_prepare(st, sql, &stmt);
	if (!err) {
		db_bind_int64(stmt, 1, s->user_id);
		db_bind_text(stmt, 2, s->competence);
		db_bind_int64(stmt, 3, s->by_user);
		db_bind_text(stmt, 4, s->note);
		db_bind_int64(stmt, 5, s->t_ms);
		err = db_run_change(stmt, &new_id);
	}
	if (!err)
		err = store_int_ledger_id(st, "accounts", 0, "signoff", new_id, s->t_ms);
	err = store_int_end(st, stmt, err);
	if (!err && id)
		*id = new_id;
	return err;
}

static int signoff_item(struct db_stmt *stmt, void *item)
{
	struct store_signoff *s = item;

	s->id = db_col_int64(stmt, 0);
	s->user_id = db_col_int64(stmt, 1);
	db_col_copy(stmt, 2, s->competence, sizeof(s->competence));
	s->by_user = db_col_int64(stmt, 3);
	db_col_copy(stmt, 4, s->note, sizeof(s->note));
	s->t_ms = db_col_int64(stmt, 5);
	return 1;
}

enum store_err store_signoffs_of(struct store *st, long long user_id, struct store_signoff **out,
				 size_t *n)
{
	static const char sql[] = "SELECT id, user_id, competence, by_user, note, t_ms FROM signoff "
				  "WHERE user_id = ? ORDER BY id";
	struct db_stmt *stmt = NULL;
	enum store_err err = db_prepare(st, sql, &stmt);
	void *items;

	if (!err)
		db_bind_int64(stmt, 1, user_id);
	err = db_collect(stmt, err, sizeof(**out), signoff_item, NULL, &items, n);
	*out = items;
	return err;
}

static int count_item(struct db_stmt *stmt, void *item)
{
	*(long long *)item = db_col_int64(stmt, 0);
	return 1;
}

enum store_err store_approved_count(struct store *st, long long user_id, const char *checklist_id,
				    long long *n)
{
	/* Approved: submitted, and its latest submission graded (a redo would have opened it
	 * again; store_job_find()). */
	static const char sql[] =
		"SELECT count(*) FROM job WHERE trainee_id = ? AND checklist_id = ? AND "
		"state = 'submitted' AND graded_ms = submitted_ms";
	struct db_stmt *stmt = NULL;
	enum store_err err = db_prepare(st, sql, &stmt);

	*n = 0;
	if (!err) {
		db_bind_int64(stmt, 1, user_id);
		db_bind_text(stmt, 2, checklist_id);
	}
	return db_one(stmt, err, count_item, NULL, n);
}
