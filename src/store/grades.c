/* Grades and their acknowledgements; the device lifecycle's state and events. See store.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/db.h"
#include "store/store.h"
#include "store/store_int.h"

/* Reasons are kept whole: one that would not fit struct store_device_event is refused. */
#define REASON_MAX (sizeof(((struct store_device_event *)0)->reason) - 1)

/* Run SQL with one integer parameter and read one row: *FOUND is 0 when there is none;
 * else column 0 as text into TEXT (TEXT_SIZE bytes, may be 0) and column 1 into *NUM
 * (may be NULL). */
static enum store_err one_row(struct store *st, const char *sql, long long id, int *found,
			      char *text, size_t text_size, long long *num)
{
	struct db_stmt *stmt = NULL;
	enum store_err err = db_prepare(st, sql, &stmt);
	int row = 0;

	*found = 0;
	if (err)
		goto out;
	db_bind_int64(stmt, 1, id);
	err = db_step(stmt, &row);
	if (!err && row) {
		*found = 1;
		if (text_size)
			db_col_copy(stmt, 0, text, text_size);
		if (num)
			*num = db_col_int64(stmt, 1);
	}
out:
	db_done(stmt);
	return err;
}

enum store_err store_grade_add(struct store *st, const struct store_grade *g, long long *id)
{
	static const char sql_job[] = "SELECT state, submitted_ms FROM job WHERE id = ?";
	static const char sql_graded[] = "SELECT 'graded', id FROM grade "
					 "WHERE job_id = ? AND submitted_ms = ?";
	static const char sql_ins[] =
	    "INSERT INTO grade (job_id, submitted_ms, verdict, redo, scores, feedback, "
	    "by_user, t_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id";
	static const char sql_reopen[] = "UPDATE job SET state = 'open' WHERE id = ?";
	static const char sql_graded_now[] = "UPDATE job SET graded_ms = ? WHERE id = ?";
	struct db_stmt *stmt = NULL;
	char state[16];
	long long submitted = 0, new_id = 0;
	int found, redo;
	enum store_err err;
	int row = 0;

	if (!g->feedback || !g->feedback[0] ||
	    (g->verdict != VERDICT_APPROVED && g->verdict != VERDICT_REDO))
		return STORE_EINVAL;
	redo = g->verdict == VERDICT_REDO;
	err = store_int_begin_for(st, STORE_SCOPE_OF_JOB, g->job_id, NULL);
	if (err)
		return err;
	/* The job as the grader saw it: submitted at that time, and not graded since. */
	err = one_row(st, sql_job, g->job_id, &found, state, sizeof(state), &submitted);
	if (err)
		goto out;
	if (!found) {
		err = STORE_ENOENT;
		goto out;
	}
	if (strcmp(state, job_state_name(JOB_STATE_SUBMITTED)) != 0 ||
	    submitted != g->submitted_ms) {
		err = STORE_ESTALE;
		goto out;
	}
	err = db_prepare(st, sql_graded, &stmt);
	if (err)
		goto out;
	db_bind_int64(stmt, 1, g->job_id);
	db_bind_int64(stmt, 2, g->submitted_ms);
	err = db_step(stmt, &row);
	if (err)
		goto out;
	if (row) {
		err = STORE_ESTALE; /* another grader was first */
		goto out;
	}
	db_done(stmt);
	stmt = NULL;

	err = db_prepare(st, sql_ins, &stmt);
	if (err)
		goto out;
	db_bind_int64(stmt, 1, g->job_id);
	db_bind_int64(stmt, 2, g->submitted_ms);
	db_bind_text(stmt, 3, verdict_name(g->verdict));
	db_bind_text(stmt, 4, g->redo);
	db_bind_text(stmt, 5, g->scores);
	db_bind_text(stmt, 6, g->feedback);
	db_bind_int64(stmt, 7, g->by_user);
	db_bind_int64(stmt, 8, g->t_ms);
	err = db_run_change(stmt, &new_id);
	if (err)
		goto out;
	db_done(stmt);
	stmt = NULL;

	/* The job is graded for this submission (store_job_find()'s stages). */
	err = db_prepare(st, sql_graded_now, &stmt);
	if (err)
		goto out;
	db_bind_int64(stmt, 1, g->submitted_ms);
	db_bind_int64(stmt, 2, g->job_id);
	err = db_run_change(stmt, NULL);
	if (err)
		goto out;
	db_done(stmt);
	stmt = NULL;

	/* A redo opens the job again; submitted_ms keeps the time of this submission. */
	if (redo) {
		err = db_prepare(st, sql_reopen, &stmt);
		if (err)
			goto out;
		db_bind_int64(stmt, 1, g->job_id);
		err = db_run_change(stmt, NULL);
	}
	if (!err)
		err = store_int_ledger_id(st, "job", g->job_id, "grade", new_id, g->t_ms);
out:
	err = store_int_end(st, stmt, err);
	if (!err && id)
		*id = new_id;
	return err;
}

#define GRADE_COLS                                                                                 \
	"g.id, g.job_id, g.submitted_ms, g.verdict, g.redo, g.scores, g.feedback, g.by_user, "     \
	"g.t_ms, a.user_id, a.t_ms"
#define GRADE_FROM " FROM grade g LEFT JOIN grade_ack a ON a.grade_id = g.id "

/* One row into *G; 0 when a text could not be copied (out of memory). */
static int grade_row(struct db_stmt *stmt, struct store_grade *g)
{
	char word[16];

	memset(g, 0, sizeof(*g));
	g->id = db_col_int64(stmt, 0);
	g->job_id = db_col_int64(stmt, 1);
	g->submitted_ms = db_col_int64(stmt, 2);
	db_col_copy(stmt, 3, word, sizeof(word));
	if (!verdict_parse(word, &g->verdict))
		g->verdict = VERDICT_REDO; /* never an approval the records do not hold */
	g->redo = db_col_dup(stmt, 4);
	g->scores = db_col_dup(stmt, 5);
	g->feedback = db_col_dup(stmt, 6);
	g->by_user = db_col_int64(stmt, 7);
	g->t_ms = db_col_int64(stmt, 8);
	g->ack_user = db_col_int64(stmt, 9); /* NULL reads as 0 */
	g->ack_ms = db_col_int64(stmt, 10);
	return g->feedback && (g->redo || db_col_is_null(stmt, 4)) &&
	       (g->scores || db_col_is_null(stmt, 5));
}

static int grade_item(struct db_stmt *stmt, void *item)
{
	return grade_row(stmt, item);
}

static void grade_item_release(void *item)
{
	store_grade_release(item);
}

enum store_err store_grade_last(struct store *st, long long job_id, struct store_grade *out)
{
	static const char sql[] =
	    "SELECT " GRADE_COLS GRADE_FROM "WHERE g.job_id = ? ORDER BY g.id DESC LIMIT 1";
	struct db_stmt *stmt = NULL;
	enum store_err err = db_prepare(st, sql, &stmt);

	memset(out, 0, sizeof(*out));
	if (!err)
		db_bind_int64(stmt, 1, job_id);
	return db_one(stmt, err, grade_item, grade_item_release, out);
}

enum store_err store_grades_of(struct store *st, long long job_id, struct store_grade **out,
			       size_t *n)
{
	static const char sql[] =
	    "SELECT " GRADE_COLS GRADE_FROM "WHERE g.job_id = ? ORDER BY g.id";
	struct db_stmt *stmt = NULL;
	enum store_err err = db_prepare(st, sql, &stmt);
	void *items;

	if (!err)
		db_bind_int64(stmt, 1, job_id);
	err = db_collect(stmt, err, sizeof(**out), grade_item, grade_item_release, &items, n);
	*out = items;
	return err;
}

enum store_err store_grades_of_trainee(struct store *st, long long user_id,
				       struct store_grade **out, size_t *n)
{
	static const char sql[] = "SELECT " GRADE_COLS GRADE_FROM
				  "JOIN job j ON j.id = g.job_id WHERE j.trainee_id = ? "
				  "ORDER BY g.job_id, g.id";
	struct db_stmt *stmt = NULL;
	enum store_err err = db_prepare(st, sql, &stmt);
	void *items;

	if (!err)
		db_bind_int64(stmt, 1, user_id);
	err = db_collect(stmt, err, sizeof(**out), grade_item, grade_item_release, &items, n);
	*out = items;
	return err;
}

void store_grade_release(struct store_grade *g)
{
	if (!g)
		return;
	free(g->redo);
	free(g->scores);
	free(g->feedback);
	g->redo = g->scores = g->feedback = NULL;
}

void store_grades_free(struct store_grade *g, size_t n)
{
	for (size_t i = 0; g && i < n; i++)
		store_grade_release(&g[i]);
	free(g);
}

enum store_err store_grade_ack(struct store *st, long long grade_id, long long user_id,
			       long long t_ms)
{
	/* No row inserted: no such grade. A second acknowledgement hits the primary key. */
	static const char sql[] = "INSERT INTO grade_ack (grade_id, user_id, t_ms) "
				  "SELECT id, ?, ? FROM grade WHERE id = ? RETURNING (SELECT job_id "
				  "FROM grade WHERE id = grade_id)";
	struct db_stmt *stmt = NULL;
	enum store_err err = store_int_begin_for(st, STORE_SCOPE_OF_GRADE, grade_id, NULL);
	long long job = 0;

	if (err)
		return err;
	err = db_prepare(st, sql, &stmt);
	if (!err) {
		db_bind_int64(stmt, 1, user_id);
		db_bind_int64(stmt, 2, t_ms);
		db_bind_int64(stmt, 3, grade_id);
		err = db_run_change(stmt, &job);
		if (!err && db_changes(st) == 0)
			err = STORE_ENOENT;
	}
	if (!err)
		err = store_int_ledger_id(st, "job", job, "ack", grade_id, t_ms);
	return store_int_end(st, stmt, err);
}

enum store_err store_int_device_move(struct store *st, long long device_id,
				     enum device_state from, enum device_state to, long long user_id,
				     const char *reason, long long t_ms, long long *event_id)
{
	static const char sql_cas[] = "UPDATE device SET state = ? WHERE id = ? AND state = ?";
	static const char sql_now[] = "SELECT state, id FROM device WHERE id = ?";
	static const char sql_event[] =
	    "INSERT INTO device_event (device_id, from_state, to_state, user_id, reason, t_ms, "
	    "bench) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id";
	struct db_stmt *stmt = NULL;
	enum store_err err;
	long long event = 0;
	char now[16];
	int found;

	if (!reason || strlen(reason) > REASON_MAX)
		return STORE_EINVAL;
	/* Compare and set: the change applies only to the state the caller decided on. */
	err = db_prepare(st, sql_cas, &stmt);
	if (err)
		goto out;
	db_bind_text(stmt, 1, device_state_name(to));
	db_bind_int64(stmt, 2, device_id);
	db_bind_text(stmt, 3, device_state_name(from));
	err = db_run_change(stmt, NULL);
	if (err)
		goto out;
	if (db_changes(st) == 0) {
		err = one_row(st, sql_now, device_id, &found, now, sizeof(now), NULL);
		if (!err)
			err = found ? STORE_ESTALE : STORE_ENOENT;
		goto out;
	}
	db_done(stmt);
	stmt = NULL;

	err = db_prepare(st, sql_event, &stmt);
	if (err)
		goto out;
	db_bind_int64(stmt, 1, device_id);
	db_bind_text(stmt, 2, device_state_name(from));
	db_bind_text(stmt, 3, device_state_name(to));
	db_bind_id(stmt, 4, user_id); /* 0: Atelier itself */
	db_bind_text(stmt, 5, reason);
	db_bind_int64(stmt, 6, t_ms);
	db_bind_text(stmt, 7, store_int_bench(st));
	err = db_run_change(stmt, &event);
	if (!err)
		err = store_int_ledger_id(st, "device", device_id, "state", event, t_ms);
	/* A certificate says the device is ready for reuse: once it goes back to work (a
	 * return, a fault found), that is no longer true. */
	if (!err && (from == DEVICE_CERTIFIED || from == DEVICE_SOLD) && to != DEVICE_SOLD)
		err = store_int_revoke_device(st, device_id, user_id, reason, t_ms);
	if (!err && event_id)
		*event_id = event;
out:
	db_done(stmt);
	return err;
}

enum store_err store_device_set_state(struct store *st, long long device_id,
				      enum device_state from, enum device_state to, long long user_id, const char *reason,
				      long long t_ms)
{
	enum store_err err;

	if (!reason || strlen(reason) > REASON_MAX)
		return STORE_EINVAL;
	err = store_int_begin_scope(st, device_id, 0);
	if (err)
		return err;
	err = store_int_device_move(st, device_id, from, to, user_id, reason, t_ms, NULL);
	return store_int_end(st, NULL, err);
}

static int event_item(struct db_stmt *stmt, void *item)
{
	struct store_device_event *e = item;
	char word[16];

	e->id = db_col_int64(stmt, 0);
	e->device_id = db_col_int64(stmt, 1);
	db_col_copy(stmt, 2, word, sizeof(word));
	if (!device_state_parse(word, &e->from))
		e->from = DEVICE_QUARANTINE;
	db_col_copy(stmt, 3, word, sizeof(word));
	if (!device_state_parse(word, &e->to))
		e->to = DEVICE_QUARANTINE;
	e->user_id = db_col_int64(stmt, 4);
	db_col_copy(stmt, 5, e->reason, sizeof(e->reason));
	e->t_ms = db_col_int64(stmt, 6);
	return 1;
}

enum store_err store_device_events(struct store *st, long long device_id,
				   struct store_device_event **out, size_t *n)
{
	static const char sql[] =
	    "SELECT id, device_id, from_state, to_state, COALESCE(user_id, 0), reason, t_ms "
	    "FROM device_event WHERE device_id = ? ORDER BY id";
	struct db_stmt *stmt = NULL;
	enum store_err err = db_prepare(st, sql, &stmt);
	void *items;

	if (!err)
		db_bind_int64(stmt, 1, device_id);
	err = db_collect(stmt, err, sizeof(**out), event_item, NULL, &items, n);
	*out = items;
	return err;
}

