/* Grades and their acknowledgements; the device lifecycle's state and events. See store.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
	sqlite3_stmt *stmt = NULL;
	enum store_err err = store_int_prepare(st, sql, &stmt);
	int rc;

	*found = 0;
	if (err)
		goto out;
	sqlite3_bind_int64(stmt, 1, id);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW) {
		*found = 1;
		if (text_size)
			store_int_col_text(stmt, 0, text, text_size);
		if (num)
			*num = sqlite3_column_int64(stmt, 1);
	} else if (rc != SQLITE_DONE) {
		err = store_int_fail(st->db, rc, "sqlite3_step", sql, st->path);
	}
out:
	store_int_done(st, stmt);
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
	sqlite3_stmt *stmt = NULL;
	char state[16];
	long long submitted = 0, new_id = 0;
	int found, redo;
	enum store_err err;
	int rc;

	if (!g->feedback || !g->feedback[0] ||
	    (g->verdict != VERDICT_APPROVED && g->verdict != VERDICT_REDO))
		return STORE_EINVAL;
	redo = g->verdict == VERDICT_REDO;
	err = store_int_begin(st);
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
	err = store_int_prepare(st, sql_graded, &stmt);
	if (err)
		goto out;
	sqlite3_bind_int64(stmt, 1, g->job_id);
	sqlite3_bind_int64(stmt, 2, g->submitted_ms);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW) {
		err = STORE_ESTALE; /* another grader was first */
		goto out;
	}
	if (rc != SQLITE_DONE) {
		err = store_int_fail(st->db, rc, "sqlite3_step", sql_graded, st->path);
		goto out;
	}
	store_int_done(st, stmt);
	stmt = NULL;

	err = store_int_prepare(st, sql_ins, &stmt);
	if (err)
		goto out;
	sqlite3_bind_int64(stmt, 1, g->job_id);
	sqlite3_bind_int64(stmt, 2, g->submitted_ms);
	sqlite3_bind_text(stmt, 3, verdict_name(g->verdict), -1, SQLITE_STATIC);
	store_int_bind_text_or_null(stmt, 4, g->redo);
	store_int_bind_text_or_null(stmt, 5, g->scores);
	sqlite3_bind_text(stmt, 6, g->feedback, -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 7, g->by_user);
	sqlite3_bind_int64(stmt, 8, g->t_ms);
	err = store_int_run_change(st, stmt, sql_ins, &new_id);
	if (err)
		goto out;
	store_int_done(st, stmt);
	stmt = NULL;

	/* The job is graded for this submission (store_job_find()'s stages). */
	err = store_int_prepare(st, sql_graded_now, &stmt);
	if (err)
		goto out;
	sqlite3_bind_int64(stmt, 1, g->submitted_ms);
	sqlite3_bind_int64(stmt, 2, g->job_id);
	err = store_int_run_change(st, stmt, sql_graded_now, NULL);
	if (err)
		goto out;
	store_int_done(st, stmt);
	stmt = NULL;

	/* A redo opens the job again; submitted_ms keeps the time of this submission. */
	if (redo) {
		err = store_int_prepare(st, sql_reopen, &stmt);
		if (err)
			goto out;
		sqlite3_bind_int64(stmt, 1, g->job_id);
		err = store_int_run_change(st, stmt, sql_reopen, NULL);
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
static int grade_row(sqlite3_stmt *stmt, struct store_grade *g)
{
	char word[16];

	memset(g, 0, sizeof(*g));
	g->id = sqlite3_column_int64(stmt, 0);
	g->job_id = sqlite3_column_int64(stmt, 1);
	g->submitted_ms = sqlite3_column_int64(stmt, 2);
	store_int_col_text(stmt, 3, word, sizeof(word));
	if (!verdict_parse(word, &g->verdict))
		g->verdict = VERDICT_REDO; /* never an approval the records do not hold */
	g->redo = store_int_col_dup(stmt, 4);
	g->scores = store_int_col_dup(stmt, 5);
	g->feedback = store_int_col_dup(stmt, 6);
	g->by_user = sqlite3_column_int64(stmt, 7);
	g->t_ms = sqlite3_column_int64(stmt, 8);
	g->ack_user = sqlite3_column_int64(stmt, 9); /* NULL reads as 0 */
	g->ack_ms = sqlite3_column_int64(stmt, 10);
	return g->feedback && (g->redo || sqlite3_column_type(stmt, 4) == SQLITE_NULL) &&
	       (g->scores || sqlite3_column_type(stmt, 5) == SQLITE_NULL);
}

static int grade_item(sqlite3_stmt *stmt, void *item)
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
	sqlite3_stmt *stmt = NULL;
	enum store_err err = store_int_prepare(st, sql, &stmt);

	memset(out, 0, sizeof(*out));
	if (!err)
		sqlite3_bind_int64(stmt, 1, job_id);
	return store_int_one(st, err, stmt, sql, grade_item, grade_item_release, out);
}

enum store_err store_grades_of(struct store *st, long long job_id, struct store_grade **out,
			       size_t *n)
{
	static const char sql[] =
	    "SELECT " GRADE_COLS GRADE_FROM "WHERE g.job_id = ? ORDER BY g.id";
	sqlite3_stmt *stmt = NULL;
	enum store_err err = store_int_prepare(st, sql, &stmt);
	void *items;

	if (!err)
		sqlite3_bind_int64(stmt, 1, job_id);
	err = store_int_collect(st, err, stmt, sql, sizeof(**out), grade_item, grade_item_release,
				&items, n);
	*out = items;
	return err;
}

enum store_err store_grades_of_trainee(struct store *st, long long user_id,
				       struct store_grade **out, size_t *n)
{
	static const char sql[] = "SELECT " GRADE_COLS GRADE_FROM
				  "JOIN job j ON j.id = g.job_id WHERE j.trainee_id = ? "
				  "ORDER BY g.job_id, g.id";
	sqlite3_stmt *stmt = NULL;
	enum store_err err = store_int_prepare(st, sql, &stmt);
	void *items;

	if (!err)
		sqlite3_bind_int64(stmt, 1, user_id);
	err = store_int_collect(st, err, stmt, sql, sizeof(**out), grade_item, grade_item_release,
				&items, n);
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
	sqlite3_stmt *stmt = NULL;
	enum store_err err = store_int_begin(st);
	long long job = 0;

	if (err)
		return err;
	err = store_int_prepare(st, sql, &stmt);
	if (!err) {
		sqlite3_bind_int64(stmt, 1, user_id);
		sqlite3_bind_int64(stmt, 2, t_ms);
		sqlite3_bind_int64(stmt, 3, grade_id);
		err = store_int_run_change(st, stmt, sql, &job);
		if (!err && sqlite3_changes(st->db) == 0)
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
	    "INSERT INTO device_event (device_id, from_state, to_state, user_id, reason, t_ms) "
	    "VALUES (?, ?, ?, ?, ?, ?) RETURNING id";
	sqlite3_stmt *stmt = NULL;
	enum store_err err;
	long long event = 0;
	char now[16];
	int found;

	if (!reason || strlen(reason) > REASON_MAX)
		return STORE_EINVAL;
	/* Compare and set: the change applies only to the state the caller decided on. */
	err = store_int_prepare(st, sql_cas, &stmt);
	if (err)
		goto out;
	sqlite3_bind_text(stmt, 1, device_state_name(to), -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 2, device_id);
	sqlite3_bind_text(stmt, 3, device_state_name(from), -1, SQLITE_STATIC);
	err = store_int_run_change(st, stmt, sql_cas, NULL);
	if (err)
		goto out;
	if (sqlite3_changes(st->db) == 0) {
		err = one_row(st, sql_now, device_id, &found, now, sizeof(now), NULL);
		if (!err)
			err = found ? STORE_ESTALE : STORE_ENOENT;
		goto out;
	}
	store_int_done(st, stmt);
	stmt = NULL;

	err = store_int_prepare(st, sql_event, &stmt);
	if (err)
		goto out;
	sqlite3_bind_int64(stmt, 1, device_id);
	sqlite3_bind_text(stmt, 2, device_state_name(from), -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 3, device_state_name(to), -1, SQLITE_STATIC);
	store_int_bind_id(stmt, 4, user_id); /* 0: Atelier itself */
	sqlite3_bind_text(stmt, 5, reason, -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 6, t_ms);
	err = store_int_run_change(st, stmt, sql_event, &event);
	if (!err)
		err = store_int_ledger_id(st, "device", device_id, "state", event, t_ms);
	/* A certificate says the device is ready for reuse: once it goes back to work (a
	 * return, a fault found), that is no longer true. */
	if (!err && (from == DEVICE_CERTIFIED || from == DEVICE_SOLD) && to != DEVICE_SOLD)
		err = store_int_revoke_device(st, device_id, user_id, reason, t_ms);
	if (!err && event_id)
		*event_id = event;
out:
	store_int_done(st, stmt);
	return err;
}

enum store_err store_device_set_state(struct store *st, long long device_id,
				      enum device_state from, enum device_state to, long long user_id, const char *reason,
				      long long t_ms)
{
	enum store_err err;

	if (!reason || strlen(reason) > REASON_MAX)
		return STORE_EINVAL;
	err = store_int_begin(st);
	if (err)
		return err;
	err = store_int_device_move(st, device_id, from, to, user_id, reason, t_ms, NULL);
	return store_int_end(st, NULL, err);
}

static int event_item(sqlite3_stmt *stmt, void *item)
{
	struct store_device_event *e = item;
	char word[16];

	e->id = sqlite3_column_int64(stmt, 0);
	e->device_id = sqlite3_column_int64(stmt, 1);
	store_int_col_text(stmt, 2, word, sizeof(word));
	if (!device_state_parse(word, &e->from))
		e->from = DEVICE_QUARANTINE;
	store_int_col_text(stmt, 3, word, sizeof(word));
	if (!device_state_parse(word, &e->to))
		e->to = DEVICE_QUARANTINE;
	e->user_id = sqlite3_column_int64(stmt, 4);
	store_int_col_text(stmt, 5, e->reason, sizeof(e->reason));
	e->t_ms = sqlite3_column_int64(stmt, 6);
	return 1;
}

enum store_err store_device_events(struct store *st, long long device_id,
				   struct store_device_event **out, size_t *n)
{
	static const char sql[] =
	    "SELECT id, device_id, from_state, to_state, COALESCE(user_id, 0), reason, t_ms "
	    "FROM device_event WHERE device_id = ? ORDER BY id";
	sqlite3_stmt *stmt = NULL;
	enum store_err err = store_int_prepare(st, sql, &stmt);
	void *items;

	if (!err)
		sqlite3_bind_int64(stmt, 1, device_id);
	err = store_int_collect(st, err, stmt, sql, sizeof(**out), event_item, NULL, &items, n);
	*out = items;
	return err;
}

