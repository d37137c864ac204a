/* Secrets, sessions, sign-in attempts and the audit log (schema 6). See store.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/db.h"
#include "store/store.h"
#include "store/store_int.h"

/* Run SQL with up to two integer parameters and a text one (TEXT_AT: its position, 0 for
 * none); STORE_ENOENT when it changed no row and MUST_CHANGE. */
static enum store_err change(struct store *st, const char *sql, long long a, long long b,
			     int text_at, const char *text, int must_change)
{
	struct db_stmt *stmt = NULL;
	enum store_err err = db_prepare(st, sql, &stmt);
	int i = 1;

	if (!err) {
		if (text_at == 1)
			db_bind_text(stmt, i++, text);
		db_bind_int64(stmt, i++, a);
		if (text_at == 2)
			db_bind_text(stmt, i++, text);
		if (b >= 0)
			db_bind_int64(stmt, i++, b);
		err = db_run_change(stmt, NULL);
		if (!err && must_change && db_changes(st) == 0)
			err = STORE_ENOENT;
	}
	db_done(stmt);
	return err;
}

enum store_err store_user_set_secret(struct store *st, long long id, const char *hash)
{
	enum store_err err = store_int_begin(st);

	if (err)
		return err;
	err = change(st, "UPDATE app_user SET secret_hash = ? WHERE id = ?", id, -1, 1, hash, 1);
	if (!err)
		err = store_int_user_entry(st, NULL, id);
	return store_int_end(st, NULL, err);
}

enum store_err store_user_set_code(struct store *st, long long id, const char *code)
{
	enum store_err err = store_int_begin(st);

	if (err)
		return err;
	err = change(st, "UPDATE app_user SET code = ? WHERE id = ?", id, -1, 1, code, 1);
	if (!err)
		err = store_int_user_entry(st, NULL, id);
	return store_int_end(st, NULL, err);
}

/* The text column of the one row SQL (with the id ID as its parameter) selects, into
 * OUT ("" when no row or NULL). */
static enum store_err text_by_id(struct store *st, const char *sql, long long id, char *out,
				 size_t size)
{
	struct db_stmt *stmt = NULL;
	enum store_err err = db_prepare(st, sql, &stmt);
	int row = 0;

	out[0] = '\0';
	if (err)
		return err;
	db_bind_int64(stmt, 1, id);
	err = db_step(stmt, &row);
	if (!err && row)
		db_col_copy(stmt, 0, out, size);
	db_done(stmt);
	return err;
}

enum store_err store_user_secret(struct store *st, long long id, char *out, size_t size)
{
	enum store_err err =
	    text_by_id(st, "SELECT secret_hash FROM app_user WHERE id = ?", id, out, size);

	return !err && !out[0] ? STORE_ENOENT : err;
}

enum store_err store_user_set_role(struct store *st, const char *name, enum role role)
{
	static const char sql[] = "UPDATE app_user SET role = ? WHERE name = ?";
	struct db_stmt *stmt = NULL;
	enum store_err err = store_int_begin(st);

	if (err)
		return err;
	err = db_prepare(st, sql, &stmt);
	if (!err) {
		db_bind_text(stmt, 1, role_name(role));
		db_bind_text(stmt, 2, name);
		err = db_run_change(stmt, NULL);
		if (!err && db_changes(st) == 0)
			err = STORE_ENOENT;
	}
	if (!err)
		err = store_int_user_entry(st, name, 0);
	return store_int_end(st, stmt, err);
}

/* One integer from SQL, with ID as its parameter when it is 0 or more, into *OUT. */
static enum store_err count(struct store *st, const char *sql, long long id, long long *out)
{
	struct db_stmt *stmt = NULL;
	enum store_err err = db_prepare(st, sql, &stmt);
	int row = 0;

	*out = 0;
	if (err)
		return err;
	if (id >= 0)
		db_bind_int64(stmt, 1, id);
	err = db_step(stmt, &row);
	if (!err && !row)
		err = db_unexpected(stmt);
	if (!err)
		*out = db_col_int64(stmt, 0);
	db_done(stmt);
	return err;
}

enum store_err store_user_admins(struct store *st, long long *n)
{
	return count(st, "SELECT COUNT(*) FROM app_user WHERE role = 'admin' AND active = 1", -1,
		     n);
}

enum store_err store_user_last_signin(struct store *st, long long id, long long *t_ms)
{
	return count(st, "SELECT COALESCE(MAX(created_ms), 0) FROM session WHERE user_id = ?", id,
		     t_ms);
}

enum store_err store_session_add(struct store *st, const char *token_hash, long long user_id,
				 long long t_ms, long long *id)
{
	static const char sql[] = "INSERT INTO session (token_hash, user_id, created_ms, "
				  "last_used_ms) VALUES (?, ?, ?, ?) RETURNING id";
	struct db_stmt *stmt = NULL;
	enum store_err err = db_prepare(st, sql, &stmt);

	if (!err) {
		db_bind_text(stmt, 1, token_hash);
		db_bind_int64(stmt, 2, user_id);
		db_bind_int64(stmt, 3, t_ms);
		db_bind_int64(stmt, 4, t_ms);
		err = db_run_change(stmt, id);
	}
	db_done(stmt);
	return err;
}

static int session_item(struct db_stmt *stmt, void *item)
{
	struct store_session *s = item;

	s->id = db_col_int64(stmt, 0);
	s->user_id = db_col_int64(stmt, 1);
	s->created_ms = db_col_int64(stmt, 2);
	s->last_used_ms = db_col_int64(stmt, 3);
	s->ended_ms = db_col_int64(stmt, 4);
	return 1;
}

enum store_err store_session_find(struct store *st, const char *token_hash,
				  struct store_session *out)
{
	static const char sql[] = "SELECT id, user_id, created_ms, last_used_ms, "
				  "COALESCE(ended_ms, 0) FROM session WHERE token_hash = ?";
	struct db_stmt *stmt = NULL;
	enum store_err err = db_prepare(st, sql, &stmt);

	memset(out, 0, sizeof(*out));
	if (!err)
		db_bind_text(stmt, 1, token_hash);
	return db_one(stmt, err, session_item, NULL, out);
}

enum store_err store_sessions_of(struct store *st, long long user_id,
				 struct store_session **out, size_t *n)
{
	static const char sql[] = "SELECT id, user_id, created_ms, last_used_ms, "
				  "COALESCE(ended_ms, 0) FROM session WHERE user_id = ? ORDER BY id";
	struct db_stmt *stmt = NULL;
	enum store_err err = db_prepare(st, sql, &stmt);
	void *items;

	if (!err)
		db_bind_int64(stmt, 1, user_id);
	err = db_collect(stmt, err, sizeof(**out), session_item, NULL, &items, n);
	*out = items;
	return err;
}

enum store_err store_session_touch(struct store *st, long long id, long long t_ms)
{
	/* Many requests of one session may ask at once: a session used in the last 30 s
	 * is left as it is (no row, no write to the disk). */
	return change(st,
		      "UPDATE session SET last_used_ms = ?1 WHERE id = ?2 AND ended_ms IS NULL "
		      "AND last_used_ms < ?1 - 30000",
		      t_ms, id, 0, NULL, 0);
}

enum store_err store_session_end(struct store *st, long long id, long long t_ms)
{
	return change(st, "UPDATE session SET ended_ms = ? WHERE id = ? AND ended_ms IS NULL",
		      t_ms, id, 0, NULL, 0);
}

enum store_err store_session_end_user(struct store *st, long long user_id, long long t_ms)
{
	return change(st,
		      "UPDATE session SET ended_ms = ? WHERE user_id = ? AND ended_ms IS NULL",
		      t_ms, user_id, 0, NULL, 0);
}

enum store_err store_attempt_add(struct store *st, const char *name, const char *outcome,
				 long long t_ms)
{
	static const char sql[] = "INSERT INTO signin_attempt (name, t_ms, outcome) "
				  "VALUES (?, ?, ?)";
	struct db_stmt *stmt = NULL;
	enum store_err err = db_prepare(st, sql, &stmt);

	if (!err) {
		db_bind_text(stmt, 1, name);
		db_bind_int64(stmt, 2, t_ms);
		db_bind_text(stmt, 3, outcome);
		err = db_run_change(stmt, NULL);
	}
	db_done(stmt);
	return err;
}

enum store_err store_attempt_failures(struct store *st, const char *name, long long since_ms,
				      long long *n, long long *oldest_ms)
{
	static const char sql[] =
		"SELECT COUNT(*), COALESCE(MIN(t_ms), 0) FROM signin_attempt "
		"WHERE name = ?1 AND outcome = 'wrong' AND t_ms >= ?2 AND id > "
		"COALESCE((SELECT MAX(id) FROM signin_attempt WHERE name = ?1 AND "
		"outcome IN ('ok', 'cleared')), 0)";
	struct db_stmt *stmt = NULL;
	enum store_err err = db_prepare(st, sql, &stmt);
	int row = 0;

	*n = 0;
	*oldest_ms = 0;
	if (err)
		return err;
	db_bind_text(stmt, 1, name);
	db_bind_int64(stmt, 2, since_ms);
	err = db_step(stmt, &row);
	if (!err && !row)
		err = db_unexpected(stmt);
	if (!err) {
		*n = db_col_int64(stmt, 0);
		*oldest_ms = db_col_int64(stmt, 1);
	}
	db_done(stmt);
	return err;
}

enum store_err store_audit_add(struct store *st, const struct store_audit *a)
{
	static const char sql[] = "INSERT INTO audit (t_ms, actor, action, subject, outcome, "
				  "detail) VALUES (?, ?, ?, ?, ?, ?)";
	struct db_stmt *stmt = NULL;
	enum store_err err = db_prepare(st, sql, &stmt);

	if (!err) {
		db_bind_int64(stmt, 1, a->t_ms);
		db_bind_text(stmt, 2, a->actor);
		db_bind_text(stmt, 3, a->action);
		db_bind_text(stmt, 4, a->subject);
		db_bind_text(stmt, 5, a->outcome);
		db_bind_text(stmt, 6, a->detail);
		err = db_run_change(stmt, NULL);
	}
	db_done(stmt);
	return err;
}

static int audit_item(struct db_stmt *stmt, void *item)
{
	struct store_audit *a = item;

	a->id = db_col_int64(stmt, 0);
	a->t_ms = db_col_int64(stmt, 1);
	db_col_copy(stmt, 2, a->actor, sizeof(a->actor));
	db_col_copy(stmt, 3, a->action, sizeof(a->action));
	db_col_copy(stmt, 4, a->subject, sizeof(a->subject));
	db_col_copy(stmt, 5, a->outcome, sizeof(a->outcome));
	db_col_copy(stmt, 6, a->detail, sizeof(a->detail));
	return 1;
}

enum store_err store_audit_list(struct store *st, long long limit, struct store_audit **out,
				size_t *n)
{
	static const char sql[] = "SELECT id, t_ms, actor, action, subject, outcome, detail "
				  "FROM audit ORDER BY id DESC LIMIT ?";
	struct db_stmt *stmt = NULL;
	enum store_err err = db_prepare(st, sql, &stmt);
	void *items = NULL;

	if (!err)
		db_bind_int64(stmt, 1, limit);
	err = db_collect(stmt, err, sizeof(**out), audit_item, NULL, &items, n);
	*out = items;
	return err;
}

enum store_err store_audit_about(struct store *st, const char *name, struct store_audit **out,
				 size_t *n)
{
	static const char sql[] = "SELECT id, t_ms, actor, action, subject, outcome, detail "
				  "FROM audit WHERE actor = ?1 OR subject = ?1 ORDER BY id";
	struct db_stmt *stmt = NULL;
	enum store_err err = db_prepare(st, sql, &stmt);
	void *items;

	if (!err)
		db_bind_text(stmt, 1, name);
	err = db_collect(stmt, err, sizeof(**out), audit_item, NULL, &items, n);
	*out = items;
	return err;
}

enum store_err store_user_lang(struct store *st, long long id, char *out, size_t size)
{
	return text_by_id(st, "SELECT lang FROM user_pref WHERE user_id = ?", id, out, size);
}

enum store_err store_user_set_lang(struct store *st, long long id, const char *lang)
{
	return change(st,
		      "INSERT INTO user_pref (user_id, lang) VALUES (?, ?) "
		      "ON CONFLICT (user_id) DO UPDATE SET lang = excluded.lang",
		      id, -1, 2, lang, 1);
}
