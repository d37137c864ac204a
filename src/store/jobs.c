/* Users, jobs and step records. See store.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/db.h"
#include "store/store.h"
#include "store/store_int.h"

enum store_err store_user_add(struct store *st, const char *name, enum role role,
			      const char *code, long long t_ms, long long *id)
{
	static const char sql[] = "INSERT INTO app_user (name, role, active, created_ms, code) "
				  "VALUES (?, ?, 1, ?, ?) RETURNING id";
	struct db_stmt *stmt = NULL;
	enum store_err err = store_int_begin(st);
	long long new_id = 0;

	if (err)
		return err;
	err = db_prepare(st, sql, &stmt);
	if (!err) {
		db_bind_text(stmt, 1, name);
		db_bind_text(stmt, 2, role_name(role));
		db_bind_int64(stmt, 3, t_ms);
		db_bind_text(stmt, 4, code);
		err = db_run_change(stmt, &new_id);
	}
	if (!err)
		err = store_int_user_entry(st, NULL, new_id);
	err = store_int_end(st, stmt, err);
	if (!err && id)
		*id = new_id;
	return err;
}

#define USER_COLS "id, name, role, active, created_ms, code, erased_ms"

static void user_row(struct db_stmt *stmt, struct store_user *u)
{
	char word[16];

	u->id = db_col_int64(stmt, 0);
	db_col_copy(stmt, 1, u->name, sizeof(u->name));
	db_col_copy(stmt, 2, word, sizeof(word));
	if (!role_parse(word, &u->role))
		u->role = ROLE_NONE; /* changed outside Atelier: may do nothing */
	u->active = db_col_int64(stmt, 3);
	u->created_ms = db_col_int64(stmt, 4);
	db_col_copy(stmt, 5, u->code, sizeof(u->code));
	u->erased_ms = db_col_int64(stmt, 6);
}

static int user_item(struct db_stmt *stmt, void *item)
{
	user_row(stmt, item);
	return 1;
}

static enum store_err user_one(struct store *st, const char *sql, const char *name, long long id,
			       struct store_user *out)
{
	struct db_stmt *stmt = NULL;
	enum store_err err = db_prepare(st, sql, &stmt);

	memset(out, 0, sizeof(*out));
	if (!err && name)
		db_bind_text(stmt, 1, name);
	else if (!err)
		db_bind_int64(stmt, 1, id);
	return db_one(stmt, err, user_item, NULL, out);
}

enum store_err store_user_find(struct store *st, const char *name, struct store_user *out)
{
	return user_one(st, "SELECT " USER_COLS " FROM app_user WHERE name = ?", name, 0, out);
}

enum store_err store_user_find_code(struct store *st, const char *code, struct store_user *out)
{
	return user_one(st, "SELECT " USER_COLS " FROM app_user WHERE code = ?", code, 0, out);
}

enum store_err store_user_get(struct store *st, long long id, struct store_user *out)
{
	return user_one(st, "SELECT " USER_COLS " FROM app_user WHERE id = ?", NULL, id, out);
}

enum store_err store_user_list(struct store *st, struct store_user **out, size_t *n)
{
	static const char sql[] = "SELECT " USER_COLS " FROM app_user ORDER BY name";
	struct db_stmt *stmt = NULL;
	enum store_err err = db_prepare(st, sql, &stmt);
	void *items;

	err = db_collect(stmt, err, sizeof(**out), user_item, NULL, &items, n);
	*out = items;
	return err;
}

enum store_err store_user_set_active(struct store *st, const char *name, int active)
{
	static const char sql[] = "UPDATE app_user SET active = ? WHERE name = ?";
	struct db_stmt *stmt = NULL;
	enum store_err err = store_int_begin(st);

	if (err)
		return err;
	err = db_prepare(st, sql, &stmt);
	if (!err) {
		db_bind_int64(stmt, 1, active ? 1 : 0);
		db_bind_text(stmt, 2, name);
		err = db_run_change(stmt, NULL);
		if (!err && db_changes(st) == 0)
			err = STORE_ENOENT;
	}
	if (!err)
		err = store_int_user_entry(st, name, 0);
	return store_int_end(st, stmt, err);
}

enum store_err store_job_create(struct store *st, const struct store_job *j, long long *id)
{
	static const char sql[] = "INSERT INTO job (device_id, checklist_id, checklist_version, "
				  "checklist_hash, trainee_id, state, started_ms, bench) "
				  "VALUES (?, ?, ?, ?, ?, 'open', ?, ?) RETURNING id";
	struct db_stmt *stmt = NULL;
	/* The new job's chain is nobody else's until committed: the device's lock. */
	enum store_err err = store_int_begin_scope(st, j->device_id, 0);
	long long new_id = 0;

	if (err)
		return err;
	err = db_prepare(st, sql, &stmt);
	if (!err) {
		db_bind_int64(stmt, 1, j->device_id);
		db_bind_text(stmt, 2, j->checklist_id);
		db_bind_int64(stmt, 3, j->checklist_version);
		db_bind_text(stmt, 4, j->checklist_hash);
		db_bind_int64(stmt, 5, j->trainee_id);
		db_bind_int64(stmt, 6, j->started_ms);
		db_bind_text(stmt, 7, store_int_bench(st));
		err = db_run_change(stmt, &new_id);
	}
	if (!err)
		err = store_int_ledger_id(st, "job", new_id, "start", new_id, j->started_ms);
	if (!err)
		err = store_int_ledger_id(st, "device", j->device_id, "job", new_id, j->started_ms);
	err = store_int_end(st, stmt, err);
	if (!err && id)
		*id = new_id;
	return err;
}

#define JOB_COLS                                                                         \
	"id, device_id, checklist_id, checklist_version, checklist_hash, trainee_id, state, " \
	"started_ms, submitted_ms"

/* The same, of table job in a statement that joins others. */
#define JOB_COLS_Q                                                                          \
	"job.id, job.device_id, job.checklist_id, job.checklist_version, job.checklist_hash, " \
	"job.trainee_id, job.state, job.started_ms, job.submitted_ms"

static void job_row(struct db_stmt *stmt, struct store_job *j)
{
	char word[16];

	j->id = db_col_int64(stmt, 0);
	j->device_id = db_col_int64(stmt, 1);
	db_col_copy(stmt, 2, j->checklist_id, sizeof(j->checklist_id));
	j->checklist_version = db_col_int64(stmt, 3);
	db_col_copy(stmt, 4, j->checklist_hash, sizeof(j->checklist_hash));
	j->trainee_id = db_col_int64(stmt, 5);
	db_col_copy(stmt, 6, word, sizeof(word));
	if (!job_state_parse(word, &j->state))
		j->state = JOB_STATE_CANCELLED; /* changed outside Atelier: nobody works on it */
	j->started_ms = db_col_int64(stmt, 7);
	j->submitted_ms = db_col_int64(stmt, 8);
}

static int job_item(struct db_stmt *stmt, void *item)
{
	job_row(stmt, item);
	return 1;
}

enum store_err store_job_get(struct store *st, long long id, struct store_job *out)
{
	static const char sql[] = "SELECT " JOB_COLS " FROM job WHERE id = ?";
	struct db_stmt *stmt = NULL;
	enum store_err err = db_prepare(st, sql, &stmt);

	memset(out, 0, sizeof(*out));
	if (!err)
		db_bind_int64(stmt, 1, id);
	return db_one(stmt, err, job_item, NULL, out);
}

/* ---- the stamp of a job's work ---- */

static int stamp_item(struct db_stmt *stmt, void *item)
{
	struct store_work_stamp *s = item;

	db_col_copy(stmt, 0, s->state, sizeof(s->state));
	s->submitted_ms = db_col_int64(stmt, 1);
	s->graded_ms = db_col_int64(stmt, 2);
	s->last_seq = db_col_int64(stmt, 3);
	s->last_event = db_col_int64(stmt, 4);
	s->probes = db_col_int64(stmt, 5);
	s->last_probe_ms = db_col_int64(stmt, 6);
	s->device_jobs = db_col_int64(stmt, 7);
	s->device_cancelled = db_col_int64(stmt, 8);
	s->device_records = db_col_int64(stmt, 9);
	db_col_copy(stmt, 10, s->device_state, sizeof(s->device_state));
	return 1;
}

/* The stamp's contents as they are now: one read, each part on an index (step_record's
 * UNIQUE (job_id, seq), job_event_job, probe_device, job_device, the device's key). The
 * device's records are the sum of its jobs' last record numbers: a record in any of them
 * moves it; its state (set aside, certified...) moves it too. */
static enum store_err stamp_read(struct store *st, long long job, struct store_work_stamp *out)
{
	static const char sql[] =
		"SELECT j.state, COALESCE(j.submitted_ms, 0), COALESCE(j.graded_ms, 0), "
		"(SELECT COALESCE(MAX(r.seq), 0) FROM step_record r WHERE r.job_id = j.id), "
		"(SELECT COALESCE(MAX(e.id), 0) FROM job_event e WHERE e.job_id = j.id), "
		"(SELECT COUNT(*) FROM probe p WHERE p.device_id = j.device_id), "
		"(SELECT COALESCE(MAX(p.t_ms), 0) FROM probe p WHERE p.device_id = j.device_id), "
		"(SELECT COUNT(*) FROM job k WHERE k.device_id = j.device_id), "
		"(SELECT COUNT(*) FROM job k WHERE k.device_id = j.device_id AND "
		"k.state = 'cancelled'), "
		"(SELECT COALESCE(SUM(x.last), 0) FROM (SELECT (SELECT COALESCE(MAX(r.seq), 0) "
		"FROM step_record r WHERE r.job_id = k.id) AS last FROM job k "
		"WHERE k.device_id = j.device_id) x), "
		"(SELECT d.state FROM device d WHERE d.id = j.device_id) "
		"FROM job j WHERE j.id = ?";
	struct db_stmt *stmt = NULL;
	enum store_err err = db_prepare(st, sql, &stmt);

	memset(out, 0, sizeof(*out));
	out->job = job;
	if (!err)
		db_bind_int64(stmt, 1, job);
	return db_one(stmt, err, stamp_item, NULL, out);
}

/* Job JOB's stamp into OUT, with where the records were when it was read: VERSION
 * (store_data_version(), read before) and this connection's changes. On PostgreSQL
 * VERSION is -1: the records move under any other connection's commit at any time, and
 * the stamp is read again at each look. */
static enum store_err stamp_take(struct store *st, long long job, long long version,
			      struct store_work_stamp *out)
{
	long long changes = store_changes(st);
	enum store_err err = stamp_read(st, job, out);

	out->seen_version = err ? -1 : version;
	out->seen_changes = changes;
	return err;
}

enum store_err store_work_stamp(struct store *st, long long job, struct store_work_stamp *out)
{
	long long version = -1;
	enum store_err err = st->pg ? STORE_OK : store_data_version(st, &version);

	return err ? err : stamp_take(st, job, version, out);
}

enum store_err store_work_look(struct store *st, const struct store_work_stamp *stamp,
			       struct store_work_stamp *now, enum store_stamp_move *move)
{
	long long version = -1, steps;
	enum store_err err;

	*now = *stamp;
	*move = STORE_STAMP_MOVED;
	if (!st->pg) {
		err = store_data_version(st, &version);
		if (err)
			return err;
		if (stamp->seen_version >= 0 && version == stamp->seen_version &&
		    store_changes(st) == stamp->seen_changes) {
			*move = STORE_STAMP_SAME;
			return STORE_OK;
		}
	}
	err = stamp_take(st, stamp->job, version, now); /* the version read just above */
	if (err)
		return err == STORE_ENOENT ? STORE_OK : err;
	if (strcmp(now->state, stamp->state) != 0 || now->submitted_ms != stamp->submitted_ms ||
	    now->graded_ms != stamp->graded_ms || now->last_event != stamp->last_event ||
	    now->probes != stamp->probes || now->last_probe_ms != stamp->last_probe_ms ||
	    now->device_jobs != stamp->device_jobs ||
	    now->device_cancelled != stamp->device_cancelled ||
	    strcmp(now->device_state, stamp->device_state) != 0)
		return STORE_OK;
	steps = now->last_seq - stamp->last_seq;
	if (steps == 0 && now->device_records == stamp->device_records)
		*move = STORE_STAMP_SAME;
	else if (steps > 0 && now->device_records - stamp->device_records == steps)
		*move = STORE_STAMP_RECORDS;
	return STORE_OK;
}

int store_work_stamp_step(struct store *st, struct store_work_stamp *stamp, long long seq)
{
	stamp->seen_changes = store_changes(st);
	if (seq != stamp->last_seq + 1) {
		/* Another's records came between: the next look reads the stamp again, and
		 * finds the records added since it (this one among them). */
		stamp->seen_version = -1;
		return seq > stamp->last_seq;
	}
	stamp->last_seq = seq;
	stamp->device_records++;
	/* Its own changes move only this connection's count: another's commit since the
	 * last look still moves the version. */
	return 1;
}

void store_work_stamp_own(struct store *st, struct store_work_stamp *stamp, long long before)
{
	if (stamp->seen_changes == before)
		stamp->seen_changes = store_changes(st);
}

enum store_err store_job_set_state(struct store *st, long long id, enum job_state state,
				   long long t_ms)
{
	static const char sql[] = "UPDATE job SET state = ?, submitted_ms = CASE WHEN ? = "
				  "'submitted' THEN ? ELSE submitted_ms END WHERE id = ?";
	struct db_stmt *stmt = NULL;
	enum store_err err = store_int_begin_for(st, STORE_SCOPE_OF_JOB, id, NULL);

	if (err)
		return err;
	err = db_prepare(st, sql, &stmt);
	if (!err) {
		db_bind_text(stmt, 1, job_state_name(state));
		db_bind_text(stmt, 2, job_state_name(state));
		db_bind_int64(stmt, 3, t_ms);
		db_bind_int64(stmt, 4, id);
		err = db_run_change(stmt, NULL);
		if (!err && db_changes(st) == 0)
			err = STORE_ENOENT;
	}
	if (!err)
		err = store_int_ledger_id(st, "job", id, "job_state", 0, t_ms);
	return store_int_end(st, stmt, err);
}

enum store_err store_job_list(struct store *st, long long device_id, long long trainee_id,
			      const enum job_state *state, struct store_job **out, size_t *n)
{
	/* Only the filters given are in the SQL: "(? = 0 OR device_id = ?)" would make
	 * SQLite read every job rather than use job_device. WHERE TRUE, not WHERE 1: a
	 * number is no condition in PostgreSQL. */
	char sql[sizeof("SELECT " JOB_COLS " FROM job") + 128];
	struct db_stmt *stmt = NULL;
	enum store_err err;
	void *items;
	int k = 0;

	snprintf(sql, sizeof(sql), "SELECT " JOB_COLS " FROM job WHERE TRUE%s%s%s ORDER BY id DESC",
		 device_id ? " AND device_id = ?" : "", trainee_id ? " AND trainee_id = ?" : "",
		 state ? " AND state = ?" : "");
	err = db_prepare(st, sql, &stmt);
	if (!err) {
		if (device_id)
			db_bind_int64(stmt, ++k, device_id);
		if (trainee_id)
			db_bind_int64(stmt, ++k, trainee_id);
		if (state)
			db_bind_text(stmt, ++k, job_state_name(*state));
	}
	err = db_collect(stmt, err, sizeof(**out), job_item, NULL, &items, n);
	*out = items;
	return err;
}

static int record_job_item(struct db_stmt *stmt, void *item)
{
	struct store_record_job *r = item;

	job_row(stmt, &r->job);
	r->bench_ms = db_col_int64(stmt, 9);
	return 1;
}

enum store_err store_record_jobs(struct store *st, long long user_id,
				 struct store_record_job **out, size_t *n)
{
	static const char sql[] =
		"SELECT " JOB_COLS ", (SELECT CAST(coalesce(sum(s.spent_ms), 0) AS BIGINT) FROM "
		"step_record s WHERE s.job_id = job.id) FROM job WHERE trainee_id = ? ORDER BY id";
	struct db_stmt *stmt = NULL;
	enum store_err err = db_prepare(st, sql, &stmt);
	void *items;

	if (!err)
		db_bind_int64(stmt, 1, user_id);
	err = db_collect(stmt, err, sizeof(**out), record_job_item, NULL, &items, n);
	*out = items;
	return err;
}

/* Whether a job's latest submission is graded: job.graded_ms (schema 10) is the submission
 * its latest grade was about. A redo keeps the job's submitted_ms; a new submission moves
 * it on and has no grade yet. The waiting ones are read from the index job_waiting, whose
 * condition this is: SQLite's index says `graded_ms IS NOT submitted_ms`, which SQLite
 * (3.39 on) reads as the same operator as IS DISTINCT FROM and still uses; PostgreSQL
 * knows only IS DISTINCT FROM, and its index (schema_pg.c) is written so, because it uses
 * a partial index only for a query that states its predicate. */
#define WAITING "state = 'submitted' AND graded_ms IS DISTINCT FROM submitted_ms"

/* The statement for Q into SQL (SIZE bytes): JOB_COLS of job j, then with WIDE the
 * latest grade's verdict and submission and the trainee's name, role, code and erasure. */
static enum store_err find_sql(const struct store_job_query *q, int wide, char *sql, size_t size)
{
	const char *stage = "";

	if (q->stage) {
		switch (*q->stage) {
		case JOB_STAGE_OPEN: /* being worked on: those sent back for redo too */
			stage = " AND state = 'open'";
			break;
		case JOB_STAGE_SUBMITTED:
			stage = " AND " WAITING;
			break;
		case JOB_STAGE_APPROVED: /* graded now and not open again: approved */
			stage = " AND state = 'submitted' AND graded_ms = submitted_ms";
			break;
		case JOB_STAGE_REDO: /* graded now and open again: sent back */
			stage = " AND state = 'open' AND graded_ms = submitted_ms";
			break;
		case JOB_STAGE_CANCELLED:
			stage = " AND state = 'cancelled'";
			break;
		default:
			return STORE_EINVAL;
		}
	}
	/* Jobs never submitted (submitted_ms NULL) come first, as SQLite puts NULLs in an
	 * ascending order; PostgreSQL would put them last unless told. */
	snprintf(sql, size, "SELECT %s%s FROM job%s WHERE TRUE%s%s%s ORDER BY %s",
		 wide ? JOB_COLS_Q : JOB_COLS,
		 wide ? ", (SELECT x.verdict FROM grade x WHERE x.job_id = job.id ORDER BY x.id "
			"DESC LIMIT 1), (SELECT x.submitted_ms FROM grade x WHERE x.job_id = job.id "
			"ORDER BY x.id DESC LIMIT 1), u.name, u.role, u.code, u.erased_ms"
		      : "",
		 wide ? " LEFT JOIN app_user u ON u.id = job.trainee_id" : "",
		 q->device_id ? " AND device_id = ?" : "", q->trainee_id ? " AND trainee_id = ?" : "",
		 stage,
		 q->oldest_submission_first ? "job.submitted_ms NULLS FIRST, job.id"
					    : "job.id DESC");
	return STORE_OK;
}

enum store_err store_job_find(struct store *st, const struct store_job_query *q,
			      struct store_job **out, size_t *n)
{
	char sql[sizeof("SELECT " JOB_COLS " FROM job") + 512];
	struct db_stmt *stmt = NULL;
	enum store_err err = find_sql(q, 0, sql, sizeof(sql));
	void *items;
	int k = 0;

	if (err)
		return err;
	err = db_prepare(st, sql, &stmt);
	if (!err) {
		if (q->device_id)
			db_bind_int64(stmt, ++k, q->device_id);
		if (q->trainee_id)
			db_bind_int64(stmt, ++k, q->trainee_id);
	}
	err = db_collect(stmt, err, sizeof(**out), job_item, NULL, &items, n);
	*out = items;
	return err;
}

enum store_err store_job_each(struct store *st, const struct store_job_query *q,
			      store_job_fn fn, void *arg)
{
	char sql[sizeof("SELECT " JOB_COLS_Q " FROM job") + 768], word[16];
	struct db_stmt *stmt = NULL;
	enum store_err err = find_sql(q, 1, sql, sizeof(sql));
	int k = 0, more = 0, stop = 0;

	if (err)
		return err;
	err = db_prepare(st, sql, &stmt);
	if (err)
		return err;
	if (q->device_id)
		db_bind_int64(stmt, ++k, q->device_id);
	if (q->trainee_id)
		db_bind_int64(stmt, ++k, q->trainee_id);
	while (!stop && !(err = db_step(stmt, &more)) && more) {
		struct store_job job;
		struct store_job_grade g = { 0 };
		struct store_user u = { 0 };

		job_row(stmt, &job);
		g.graded = !db_col_is_null(stmt, 9);
		db_col_copy(stmt, 9, word, sizeof(word));
		if (g.graded && !verdict_parse(word, &g.verdict))
			g.graded = 0;
		g.submitted_ms = db_col_int64(stmt, 10);
		u.id = job.trainee_id;
		db_col_copy(stmt, 11, u.name, sizeof(u.name));
		db_col_copy(stmt, 12, word, sizeof(word));
		if (!role_parse(word, &u.role))
			u.role = ROLE_TRAINEE;
		db_col_copy(stmt, 13, u.code, sizeof(u.code));
		u.erased_ms = db_col_int64(stmt, 14);
		u.active = !db_col_is_null(stmt, 11); /* the account is there */
		stop = fn(&job, &g, &u, arg);
	}
	if (!err && stop < 0)
		err = STORE_EINTERNAL;
	db_done(stmt);
	return err;
}

/* Append R in a write transaction; with FILL, read the job's end first and let FILL
 * complete R (store_step_append_next()). */
static void step_row(struct db_stmt *stmt, struct store_step *s);

static enum store_err append(struct store *st, struct store_step *r, store_step_fill_fn fill,
			     void *arg, long long *id)
{
	static const char sql[] =
		"INSERT INTO step_record (job_id, seq, step_id, user_id, t_ms, spent_ms, result, "
		"value, note, parts, facts, corrects, prev_hash, hash, tester, bench) "
		"VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING " STORE_STEP_ROW_COLS;
	/* The job's state, its last record and its chain's head, in one read: the ledger's
	 * entry is made from them too (store_int_ledger_id_row()). */
	static const char sql_open[] =
		"SELECT r.id, r.job_id, r.seq, r.step_id, r.user_id, r.t_ms, r.spent_ms, r.result, "
		"r.value, r.note, r.parts, r.facts, r.corrects, r.prev_hash, r.hash, r.tester, "
		"r.bench, j.state, j.submitted_ms, h.seq, h.hash FROM job j "
		"LEFT JOIN step_record r ON r.job_id = j.id AND "
		"r.seq = (SELECT MAX(m.seq) FROM step_record m WHERE m.job_id = j.id) "
		"LEFT JOIN chain_head h ON h.chain = ?2 WHERE j.id = ?1";
	struct db_stmt *stmt = NULL;
	struct store_step last = { 0 };
	struct store_int_chain_now chain = { 0 };
	enum store_err err;
	long long new_id = 0;
	char state[16] = "", chain_name[STORE_CHAIN_MAX];
	int has_last = 0, got = 0;
	json_t *made = NULL; /* the new row as its ledger entry keeps it (STORE_STEP_ROW_COLS) */

	/* The job must be open in the very transaction that appends: a submit that commits
	 * first closes it, and this step is then refused, never recorded after it. Only the
	 * job's chain moves: the write waits for the writes to this job alone (db.h). */
	err = store_int_begin_scope(st, 0, r->job_id);
	if (err)
		return err;
	err = db_prepare(st, sql_open, &stmt);
	if (!err) {
		int row = 0;

		snprintf(chain_name, sizeof(chain_name), "job:%lld", r->job_id);
		db_bind_int64(stmt, 1, r->job_id);
		db_bind_text(stmt, 2, chain_name);
		err = db_step(stmt, &row);
		if (!err && row) {
			db_col_copy(stmt, 17, state, sizeof(state));
			memcpy(chain.state, state, sizeof(state));
			chain.has_state = 1;
			chain.submitted_null = db_col_is_null(stmt, 18);
			chain.submitted_ms = db_col_int64(stmt, 18);
			chain.has_head = !db_col_is_null(stmt, 19);
			if (chain.has_head) {
				chain.seq = db_col_int64(stmt, 19);
				db_col_copy(stmt, 20, chain.hash, sizeof(chain.hash));
			}
			has_last = !db_col_is_null(stmt, 0);
			if (has_last && fill)
				step_row(stmt, &last);
		}
		db_done(stmt);
		stmt = NULL;
		if (!err && !state[0])
			err = STORE_ENOENT;
		else if (!err && strcmp(state, job_state_name(JOB_STATE_OPEN)) != 0)
			err = STORE_ECLOSED;
	}
	if (!err && fill) {
		struct store_job job;

		if (has_last) {
			fill(r, &last, NULL, arg);
		} else {
			err = store_job_get(st, r->job_id, &job);
			if (!err)
				fill(r, NULL, &job, arg);
		}
	}
	store_step_release(&last);
	if (!err)
		err = db_prepare(st, sql, &stmt);
	if (!err) {
		db_bind_int64(stmt, 1, r->job_id);
		db_bind_int64(stmt, 2, r->seq);
		db_bind_text(stmt, 3, r->step_id);
		db_bind_int64(stmt, 4, r->user_id);
		db_bind_int64(stmt, 5, r->t_ms);
		db_bind_int64(stmt, 6, r->spent_ms);
		db_bind_text(stmt, 7, step_result_name(r->result));
		db_bind_text(stmt, 8, r->value);
		db_bind_text(stmt, 9, r->note);
		db_bind_text(stmt, 10, r->parts);
		db_bind_text(stmt, 11, r->facts);
		db_bind_id(stmt, 12, r->corrects);
		db_bind_text(stmt, 13, r->prev_hash);
		db_bind_text(stmt, 14, r->hash);
		db_bind_text(stmt, 15, r->tester);
		db_bind_text(stmt, 16, store_int_bench(st));
		err = db_step(stmt, &got);
		if (!err && !got)
			err = db_unexpected(stmt);
		if (!err) {
			new_id = db_col_int64(stmt, 0);
			made = store_int_row_json(stmt);
			err = made ? db_step(stmt, &got) : STORE_EINTERNAL;
		}
	}
	if (!err) {
		err = store_int_ledger_id_row(st, "job", r->job_id, "step", new_id, r->t_ms, made,
					      &chain);
		made = NULL;
	}
	json_decref(made);
	/* synchronous=FULL: durable when the commit returns. */
	err = store_int_end(st, stmt, err);
	if (!err && id)
		*id = new_id;
	return err;
}

enum store_err store_step_append(struct store *st, const struct store_step *r, long long *id)
{
	struct store_step copy = *r;

	return append(st, &copy, NULL, NULL, id);
}

enum store_err store_step_append_next(struct store *st, struct store_step *rec,
				      store_step_fill_fn fill, void *arg, long long *id)
{
	return append(st, rec, fill, arg, id);
}

#define STEP_COLS                                                                         \
	"id, job_id, seq, step_id, user_id, t_ms, spent_ms, result, value, note, parts, "      \
	"facts, corrects, prev_hash, hash, tester, bench"

static void step_row(struct db_stmt *stmt, struct store_step *s)
{
	char word[16];

	memset(s, 0, sizeof(*s));
	s->id = db_col_int64(stmt, 0);
	s->job_id = db_col_int64(stmt, 1);
	s->seq = db_col_int64(stmt, 2);
	db_col_copy(stmt, 3, s->step_id, sizeof(s->step_id));
	s->user_id = db_col_int64(stmt, 4);
	s->t_ms = db_col_int64(stmt, 5);
	s->spent_ms = db_col_int64(stmt, 6);
	db_col_copy(stmt, 7, word, sizeof(word));
	if (!step_result_parse(word, &s->result))
		s->result = STEP_UNKNOWN; /* changed outside Atelier; job verify says so */
	s->value = db_col_dup(stmt, 8);
	s->note = db_col_dup(stmt, 9);
	s->parts = db_col_dup(stmt, 10);
	s->facts = db_col_dup(stmt, 11);
	s->corrects = db_col_int64(stmt, 12);
	db_col_copy(stmt, 13, s->prev_hash, sizeof(s->prev_hash));
	db_col_copy(stmt, 14, s->hash, sizeof(s->hash));
	s->tester = db_col_dup(stmt, 15);
	db_col_copy(stmt, 16, s->bench, sizeof(s->bench));
}

static int step_item(struct db_stmt *stmt, void *item)
{
	step_row(stmt, item);
	return 1;
}

static void step_item_release(void *item)
{
	store_step_release(item);
}

/* The records SQL selects for the job bound at ?1, into a new array. */
/* The records SQL gives for ?1 JOB_ID (and ?2 AFTER, when the SQL has it). */
static enum store_err steps_by_after(struct store *st, const char *sql, long long job_id,
				     long long after, struct store_step **out, size_t *n)
{
	struct db_stmt *stmt = NULL;
	enum store_err err = db_prepare(st, sql, &stmt);
	void *items;

	if (!err) {
		db_bind_int64(stmt, 1, job_id);
		if (db_param_count(stmt) > 1)
			db_bind_int64(stmt, 2, after);
	}
	err = db_collect(stmt, err, sizeof(**out), step_item, step_item_release, &items, n);
	*out = items;
	return err;
}

static enum store_err steps_by(struct store *st, const char *sql, long long job_id,
			       struct store_step **out, size_t *n)
{
	return steps_by_after(st, sql, job_id, 0, out, n);
}

enum store_err store_steps_after(struct store *st, long long job_id, long long seq,
				 struct store_step **out, size_t *n)
{
	return steps_by_after(st,
			      "SELECT " STEP_COLS " FROM step_record WHERE job_id = ?1 AND seq > ?2 "
			      "ORDER BY seq",
			      job_id, seq, out, n);
}

enum store_err store_steps_of(struct store *st, long long job_id, struct store_step **out,
			      size_t *n)
{
	return steps_by(st, "SELECT " STEP_COLS " FROM step_record WHERE job_id = ?1 ORDER BY seq",
			job_id, out, n);
}

enum store_err store_steps_latest_brief(struct store *st, long long job_id,
					struct store_step **out, size_t *n)
{
	/* The columns of STEP_COLS, the texts left out (NULL, or empty for the hashes). */
	return steps_by(st,
			"SELECT id, job_id, seq, step_id, user_id, t_ms, spent_ms, result, NULL, "
			"NULL, NULL, NULL, corrects, '', '', NULL, NULL FROM step_record WHERE job_id = ?1 "
			"AND seq IN (SELECT max(seq) FROM step_record WHERE job_id = ?1 GROUP BY "
			"step_id) ORDER BY seq",
			job_id, out, n);
}

enum store_err store_steps_latest_of(struct store *st, long long job_id,
				     struct store_step **out, size_t *n)
{
	/* The inner query reads the index step_record_step alone, as long as the job has
	 * steps, not records (a long history costs nothing); the rows wanted are then read
	 * whole, found by (job_id, seq). */
	return steps_by(st,
			"SELECT " STEP_COLS " FROM step_record WHERE job_id = ?1 AND seq IN "
			"(SELECT max(seq) FROM step_record WHERE job_id = ?1 GROUP BY step_id) "
			"ORDER BY seq",
			job_id, out, n);
}

enum store_err store_step_last(struct store *st, long long job_id, struct store_step *out)
{
	static const char sql[] = "SELECT " STEP_COLS " FROM step_record WHERE job_id = ? "
				  "ORDER BY seq DESC LIMIT 1";
	struct db_stmt *stmt = NULL;
	enum store_err err = db_prepare(st, sql, &stmt);

	memset(out, 0, sizeof(*out));
	if (!err)
		db_bind_int64(stmt, 1, job_id);
	return db_one(stmt, err, step_item, step_item_release, out);
}

enum store_err store_step_in_job(struct store *st, long long job_id, long long id)
{
	static const char sql[] = "SELECT 1 FROM step_record WHERE job_id = ? AND id = ?";
	struct db_stmt *stmt = NULL;
	enum store_err err = db_prepare(st, sql, &stmt);
	int row = 0;

	if (err)
		goto out;
	db_bind_int64(stmt, 1, job_id);
	db_bind_int64(stmt, 2, id);
	err = db_step(stmt, &row);
	if (!err && !row)
		err = STORE_ENOENT;
out:
	db_done(stmt);
	return err;
}

void store_step_release(struct store_step *s)
{
	free(s->value);
	free(s->note);
	free(s->parts);
	free(s->facts);
	free(s->tester);
	s->value = s->note = s->parts = s->facts = s->tester = NULL;
}

void store_steps_free(struct store_step *steps, size_t n)
{
	for (size_t i = 0; steps && i < n; i++)
		store_step_release(&steps[i]);
	free(steps);
}

enum store_err store_snapshot_put(struct store *st, const char *hash, const char *checklist_id,
				  int version, const char *content)
{
	static const char sql[] = "INSERT INTO checklist_snapshot (hash, checklist_id, version, "
				  "content) VALUES (?, ?, ?, ?) ON CONFLICT (hash) DO NOTHING";
	struct db_stmt *stmt = NULL;
	enum store_err err = db_prepare(st, sql, &stmt);

	if (!err) {
		db_bind_text(stmt, 1, hash);
		db_bind_text(stmt, 2, checklist_id);
		db_bind_int64(stmt, 3, version);
		db_bind_text(stmt, 4, content);
		err = db_run_change(stmt, NULL);
	}
	db_done(stmt);
	return err;
}

static int text_item(struct db_stmt *stmt, void *item)
{
	char **text = item;

	*text = db_col_dup(stmt, 0);
	return *text != NULL;
}

enum store_err store_snapshot_get(struct store *st, const char *hash, char **content)
{
	static const char sql[] = "SELECT content FROM checklist_snapshot WHERE hash = ?";
	struct db_stmt *stmt = NULL;
	enum store_err err = db_prepare(st, sql, &stmt);

	*content = NULL;
	if (!err)
		db_bind_text(stmt, 1, hash);
	return db_one(stmt, err, text_item, NULL, content);
}

static const char *const event_kinds[] = { "cancel", "resume", "wipe_check" };

enum store_err store_job_event_add(struct store *st, const struct store_job_event *e,
				   long long *id)
{
	/* Checked where it is written: a job already cancelled, or approved (the grade of its
	 * current submission approves it), stays as it is. */
	static const char sql_cancel[] =
		"UPDATE job SET state = 'cancelled' WHERE id = ? AND state <> 'cancelled' "
		"AND NOT (state = 'submitted' AND EXISTS (SELECT 1 FROM grade g WHERE "
		"g.job_id = job.id AND g.submitted_ms = job.submitted_ms AND "
		"g.verdict = 'approved'))";
	static const char sql[] = "INSERT INTO job_event (job_id, kind, user_id, t_ms, record_id, "
				  "result, note) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id";
	struct db_stmt *stmt = NULL;
	enum store_err err;
	long long new_id = 0;

	if ((unsigned)e->kind > STORE_JOB_WIPE_CHECK || !e->note[0])
		return STORE_EINVAL;
	err = store_int_begin_for(st, STORE_SCOPE_OF_JOB, e->job_id, NULL);
	if (err)
		return err;
	if (e->kind == STORE_JOB_CANCEL) {
		err = db_prepare(st, sql_cancel, &stmt);
		if (err)
			goto out;
		db_bind_int64(stmt, 1, e->job_id);
		err = db_run_change(stmt, NULL);
		if (!err && db_changes(st) == 0)
			err = STORE_ESTALE;
		if (err)
			goto out;
		db_done(stmt);
		stmt = NULL;
	}
	err = db_prepare(st, sql, &stmt);
	if (err)
		goto out;
	db_bind_int64(stmt, 1, e->job_id);
	db_bind_text(stmt, 2, event_kinds[e->kind]);
	db_bind_int64(stmt, 3, e->user_id);
	db_bind_int64(stmt, 4, e->t_ms);
	db_bind_id(stmt, 5, e->record_id);
	db_bind_text(stmt, 6, e->kind == STORE_JOB_WIPE_CHECK ? step_result_name(e->result) : NULL);
	db_bind_text(stmt, 7, e->note);
	err = db_run_change(stmt, &new_id);
	if (!err)
		err = store_int_ledger_id(st, "job", e->job_id, "event", new_id, e->t_ms);
	if (!err && id)
		*id = new_id;
out:
	return store_int_end(st, stmt, err);
}

static int event_item(struct db_stmt *stmt, void *item)
{
	struct store_job_event *e = item;
	char word[16];

	e->id = db_col_int64(stmt, 0);
	e->job_id = db_col_int64(stmt, 1);
	db_col_copy(stmt, 2, word, sizeof(word));
	e->kind = STORE_JOB_RESUME;
	for (size_t i = 0; i < sizeof(event_kinds) / sizeof(event_kinds[0]); i++)
		if (strcmp(word, event_kinds[i]) == 0)
			e->kind = (enum store_job_event_kind)i;
	e->user_id = db_col_int64(stmt, 3);
	e->t_ms = db_col_int64(stmt, 4);
	e->record_id = db_col_int64(stmt, 5);
	db_col_copy(stmt, 6, word, sizeof(word));
	if (!step_result_parse(word, &e->result))
		e->result = STEP_FAIL; /* never a pass the records do not hold */
	db_col_copy(stmt, 7, e->note, sizeof(e->note));
	return 1;
}

enum store_err store_job_events(struct store *st, long long job_id,
				struct store_job_event **out, size_t *n)
{
	static const char sql[] = "SELECT id, job_id, kind, user_id, t_ms, COALESCE(record_id, 0), "
				  "result, note FROM job_event WHERE job_id = ? ORDER BY id";
	struct db_stmt *stmt = NULL;
	enum store_err err = db_prepare(st, sql, &stmt);
	void *items;

	if (!err)
		db_bind_int64(stmt, 1, job_id);
	err = db_collect(stmt, err, sizeof(**out), event_item, NULL, &items, n);
	*out = items;
	return err;
}
