/*
 * A person's data, read out for her and erased on request (schema 11). See store.h and
 * docs/privacy.md; how a chain stays verifiable when a name leaves it is in ledger.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/db.h"
#include "store/store.h"
#include "store/store_int.h"
#include "util/text.h"

/* What a secret's hash becomes in an entry written before schema 11. */
#define ERASED_SECRET "[erased]"

/* Run SQL with the integer A at ?1 and the text T (may be NULL: none) at ?2; *CHANGED (may
 * be NULL) gets the rows changed. */
static enum store_err run2(struct store *st, const char *sql, long long a, const char *t,
			   long long *changed)
{
	struct db_stmt *stmt = NULL;
	enum store_err err = db_prepare(st, sql, &stmt);

	if (!err) {
		db_bind_int64(stmt, 1, a);
		if (t)
			db_bind_text(stmt, 2, t);
		err = db_run_change(stmt, NULL);
		if (!err && changed)
			*changed = db_changes(st);
	}
	db_done(stmt);
	return err;
}

/* The one integer SQL (?1: A) gives into *OUT; STORE_ENOENT when no row. */
static enum store_err int_of(struct store *st, const char *sql, long long a, long long *out)
{
	struct db_stmt *stmt = NULL;
	enum store_err err = db_prepare(st, sql, &stmt);
	int row = 0;

	*out = 0;
	if (err)
		return err;
	db_bind_int64(stmt, 1, a);
	err = db_step(stmt, &row);
	if (!err && row)
		*out = db_col_int64(stmt, 0);
	else if (!err)
		err = STORE_ENOENT;
	db_done(stmt);
	return err;
}

/* Take NAME out of every string of V (in place), and with SECRET the value of every
 * "secret_hash" that is one; *CHANGED counts what changed. 0 when out of memory. */
static int redact_value(json_t *v, const char *name, const char *marker, int secret,
			size_t *changed)
{
	const char *key;
	json_t *item;
	size_t i, n;
	char *text;

	if (json_is_string(v)) {
		text = text_word_replace(json_string_value(v), name, marker, &n);
		if (!text)
			return 0;
		if (n && json_string_set(v, text) != 0) {
			free(text);
			return 0;
		}
		*changed += n;
		free(text);
		return 1;
	}
	json_object_foreach (v, key, item) {
		if (secret && strcmp(key, "secret_hash") == 0 && json_is_string(item)) {
			if (strcmp(json_string_value(item), ERASED_SECRET) != 0) {
				if (json_string_set(item, ERASED_SECRET) != 0)
					return 0;
				(*changed)++;
			}
		} else if (!redact_value(item, name, marker, secret, changed)) {
			return 0;
		}
	}
	json_array_foreach (v, i, item)
		if (!redact_value(item, name, marker, secret, changed))
			return 0;
	return 1;
}

/* Redact the entries of KIND about REF (in the accounts chain when ACCOUNTS); *COUNT
 * gets how many changed. */
static enum store_err redact_entries(struct store *st, const struct store_erasure *e,
				     long long erasure_id, const char *kind, const char *ref,
				     int accounts, size_t *count)
{
	struct store_ledger_entry *entries = NULL;
	enum store_err err;
	size_t n = 0;

	err = store_int_ledger_find(st, kind, accounts ? "accounts" : NULL, ref, &entries, &n);
	for (size_t i = 0; !err && i < n; i++) {
		json_t *body = json_loads(entries[i].body, 0, NULL);
		size_t changed = 0;
		char *text = NULL;

		if (!body) {
			store_int_error("an entry holding the name is not JSON");
			err = STORE_ECORRUPT;
		} else if (!redact_value(body, e->name, e->marker, accounts, &changed) ||
			   !(text = store_int_canonical(body))) {
			err = STORE_EINTERNAL;
		} else if (changed && strcmp(text, entries[i].body) != 0) {
			err = store_int_ledger_redact(st, erasure_id, &entries[i], text);
			if (!err)
				(*count)++;
		}
		free(text);
		json_decref(body);
	}
	store_ledger_free(entries, n);
	return err;
}

/* The kept copy of certificate ID without the name; *DONE is 1 when it changed. */
static enum store_err redact_certificate(struct store *st, const struct store_erasure *e,
					 const char *id, int *done)
{
	static const char upd[] = "UPDATE certificate SET body = ? WHERE id = ?";
	struct store_certificate c;
	struct db_stmt *stmt = NULL;
	enum store_err err = store_certificate_get(st, id, &c);
	char *text;
	size_t n = 0;

	*done = 0;
	if (err)
		return err;
	text = text_word_replace(c.body, e->name, e->marker, &n);
	store_certificate_release(&c);
	if (!text)
		return STORE_EINTERNAL;
	if (n)
		err = db_prepare(st, upd, &stmt);
	if (n && !err) {
		db_bind_text(stmt, 1, text);
		db_bind_text(stmt, 2, id);
		err = db_run_change(stmt, NULL);
		*done = !err;
	}
	db_done(stmt);
	free(text);
	return err;
}

/* The audit log's lines that hold the name, with the marker in its place. */
static enum store_err redact_audit(struct store *st, const struct store_erasure *e, size_t *count)
{
	static const char sql[] = "SELECT id, actor, subject, detail FROM audit WHERE "
				  "instr(actor, ?1) > 0 OR instr(subject, ?1) > 0 OR "
				  "instr(detail, ?1) > 0";
	static const char upd[] =
	    "UPDATE audit SET actor = ?, subject = ?, detail = ? WHERE id = ?";
	struct line {
		long long id;
		char *text[3];
	} *lines = NULL;
	struct db_stmt *stmt = NULL;
	enum store_err err = db_prepare(st, sql, &stmt);
	size_t n = 0, cap = 0;
	int row = 0;

	if (err)
		return err;
	db_bind_text(stmt, 1, e->name);
	while (!(err = db_step(stmt, &row)) && row) {
		struct line *more = store_int_room_for_one(lines, n, &cap, sizeof(*lines));

		if (!more) {
			err = STORE_EINTERNAL;
			break;
		}
		lines = more;
		lines[n].id = db_col_int64(stmt, 0);
		for (int k = 0; k < 3; k++) {
			const char *t = db_col_text(stmt, k + 1);

			lines[n].text[k] = text_word_replace(t ? t : "", e->name, e->marker, NULL);
		}
		n++;
		if (!lines[n - 1].text[0] || !lines[n - 1].text[1] || !lines[n - 1].text[2]) {
			err = STORE_EINTERNAL;
			break;
		}
	}
	db_done(stmt);
	for (size_t i = 0; !err && i < n; i++) {
		stmt = NULL;
		err = db_prepare(st, upd, &stmt);
		if (!err) {
			for (int k = 0; k < 3; k++)
				db_bind_text(stmt, k + 1, lines[i].text[k]);
			db_bind_int64(stmt, 4, lines[i].id);
			err = db_run_change(stmt, NULL);
		}
		db_done(stmt);
		if (!err)
			(*count)++;
	}
	for (size_t i = 0; i < n; i++)
		for (int k = 0; k < 3; k++)
			free(lines[i].text[k]);
	free(lines);
	return err;
}

/* Everything of the erasure but the transaction around it. */
static enum store_err erase(struct store *st, const struct store_erasure *e,
			    struct store_erase_report *out)
{
	static const char sql_open[] =
	    "SELECT COUNT(*) FROM job WHERE trainee_id = ?1 AND (state = 'open' OR "
	    "(state = 'submitted' AND graded_ms IS DISTINCT FROM submitted_ms))";
	char ref[24];
	long long v, changed = 0;
	enum store_err err;

	err =
	    int_of(st, "SELECT COALESCE(erased_ms, 0) FROM app_user WHERE id = ?1", e->user_id, &v);
	if (!err && v)
		err = STORE_ESTALE; /* erased already */
	if (!err)
		err = int_of(st, sql_open, e->user_id, &v);
	if (!err && v)
		err = STORE_ESTALE; /* work still open */
	/* The guards of the append-only tables let this transaction through, and only it. */
	if (!err)
		err = run2(st, "INSERT INTO bench (key, value) VALUES ('erasing', ?2)", 0,
			   "an erasure is under way", NULL);
	if (!err) {
		struct db_stmt *stmt = NULL;
		static const char ins[] = "INSERT INTO erasure (user_id, by_user, why, t_ms) "
					  "VALUES (?, ?, ?, ?) RETURNING id";

		err = db_prepare(st, ins, &stmt);
		if (!err) {
			db_bind_int64(stmt, 1, e->user_id);
			db_bind_int64(stmt, 2, e->by_user);
			db_bind_text(stmt, 3, e->why);
			db_bind_int64(stmt, 4, e->t_ms);
			err = db_run_change(stmt, &out->erasure_id);
		}
		db_done(stmt);
	}
	if (!err)
		err = store_int_ledger_id(st, "accounts", 0, "erase", out->erasure_id, e->t_ms);
	snprintf(ref, sizeof(ref), "%lld", e->user_id);
	if (!err)
		err = redact_entries(st, e, out->erasure_id, "user", ref, 1, &out->entries);
	for (size_t i = 0; !err && i < e->n_certificates; i++) {
		int done = 0;

		err = redact_certificate(st, e, e->certificates[i], &done);
		if (!err && done) {
			out->certificates++;
			err = redact_entries(st, e, out->erasure_id, "certificate",
					     e->certificates[i], 0, &out->entries);
		}
	}
	if (!err)
		err = redact_audit(st, e, &out->audit);
	if (!err) {
		err = run2(st, "DELETE FROM signin_attempt WHERE name = ?2", 0, e->name, &changed);
		out->attempts = (size_t)changed;
	}
	if (!err) {
		err =
		    run2(st, "DELETE FROM session WHERE user_id = ?1", e->user_id, NULL, &changed);
		out->sessions = (size_t)changed;
	}
	if (!err)
		err = run2(st, "DELETE FROM user_pref WHERE user_id = ?1", e->user_id, NULL, NULL);
	if (!err) {
		static const char upd[] =
		    "UPDATE app_user SET name = '#' || id, secret_hash = NULL, "
		    "active = 0, erased_ms = ? WHERE id = ?";
		struct db_stmt *stmt = NULL;

		err = db_prepare(st, upd, &stmt);
		if (!err) {
			db_bind_int64(stmt, 1, e->t_ms);
			db_bind_int64(stmt, 2, e->user_id);
			err = db_run_change(stmt, NULL);
		}
		db_done(stmt);
	}
	if (!err)
		err = store_int_user_entry(st, NULL, e->user_id);
	if (!err)
		err = run2(st, "DELETE FROM bench WHERE key = 'erasing'", 0, NULL, NULL);
	return err;
}

enum store_err store_user_erase(struct store *st, const struct store_erasure *e,
				struct store_erase_report *out)
{
	enum store_err err;

	memset(out, 0, sizeof(*out));
	err = store_int_begin(st);
	if (err)
		return err;
	err = erase(st, e, out);
	err = store_int_end(st, NULL, err);
	if (err)
		memset(out, 0, sizeof(*out));
	return err;
}

enum store_err store_mentions(struct store *st, const char *word, char (*out)[64], size_t max,
			      size_t *n)
{
	static const char sql[] =
	    "SELECT 'job ' || job_id || ', record ' || seq, COALESCE(note, '') || ' ' || "
	    "COALESCE(value, '') || ' ' || COALESCE(parts, '') FROM step_record WHERE "
	    "instr(note, ?1) > 0 OR instr(value, ?1) > 0 OR instr(parts, ?1) > 0 "
	    "UNION ALL SELECT 'job ' || job_id || ', grade ' || id, feedback || ' ' || "
	    "COALESCE(scores, '') FROM grade WHERE instr(feedback, ?1) > 0 "
	    "UNION ALL SELECT 'job ' || job_id || ', its note ' || id, note FROM job_event "
	    "WHERE instr(note, ?1) > 0 "
	    "UNION ALL SELECT 'device ' || device_id || ', move ' || id, reason FROM device_event "
	    "WHERE instr(reason, ?1) > 0 "
	    "UNION ALL SELECT 'certificate ' || certificate_id || ' withdrawn', reason "
	    "FROM revocation WHERE instr(reason, ?1) > 0 "
	    "UNION ALL SELECT 'sign-off ' || id, note FROM signoff WHERE instr(note, ?1) > 0 "
	    "UNION ALL SELECT 'erasure ' || id, why FROM erasure WHERE instr(why, ?1) > 0";
	struct db_stmt *stmt = NULL;
	enum store_err err = db_prepare(st, sql, &stmt);
	int row = 0;

	*n = 0;
	if (err)
		return err;
	db_bind_text(stmt, 1, word);
	while (!(err = db_step(stmt, &row)) && row) {
		const char *text = db_col_text(stmt, 1);

		if (!text || !text_word_find(text, word))
			continue;
		if (*n < max)
			db_col_copy(stmt, 0, out[*n], sizeof(out[*n]));
		(*n)++;
	}
	db_done(stmt);
	return err;
}

static int attempt_row(struct db_stmt *stmt, void *item)
{
	struct store_attempt *a = item;

	a->t_ms = db_col_int64(stmt, 0);
	db_col_copy(stmt, 1, a->outcome, sizeof(a->outcome));
	return 1;
}

enum store_err store_attempts_of(struct store *st, const char *name, struct store_attempt **out,
				 size_t *n)
{
	static const char sql[] = "SELECT t_ms, outcome FROM signin_attempt WHERE name = ? "
				  "ORDER BY id";
	struct db_stmt *stmt = NULL;
	enum store_err err = db_prepare(st, sql, &stmt);
	void *items;

	if (!err)
		db_bind_text(stmt, 1, name);
	err = db_collect(stmt, err, sizeof(**out), attempt_row, NULL, &items, n);
	*out = items;
	return err;
}

static int act_row(struct db_stmt *stmt, void *item)
{
	struct store_act *a = item;

	db_col_copy(stmt, 0, a->what, sizeof(a->what));
	a->job = db_col_int64(stmt, 1);
	a->device = db_col_int64(stmt, 2);
	db_col_copy(stmt, 3, a->ref, sizeof(a->ref));
	a->t_ms = db_col_int64(stmt, 4);
	return 1;
}

enum store_err store_user_acts(struct store *st, long long user_id, struct store_act **out,
			       size_t *n)
{
	/* Her own jobs are read whole elsewhere: here, what she did in others' records. */
	static const char sql[] =
	    "SELECT 'step', s.job_id, j.device_id, CAST(s.seq AS TEXT), s.t_ms "
	    "FROM step_record s JOIN job j ON j.id = s.job_id "
	    "WHERE s.user_id = ?1 AND j.trainee_id <> ?1 "
	    "UNION ALL SELECT 'grade', g.job_id, j.device_id, CAST(g.id AS TEXT), g.t_ms "
	    "FROM grade g JOIN job j ON j.id = g.job_id WHERE g.by_user = ?1 "
	    "UNION ALL SELECT 'ack', g.job_id, j.device_id, CAST(a.grade_id AS TEXT), a.t_ms "
	    "FROM grade_ack a JOIN grade g ON g.id = a.grade_id JOIN job j ON j.id = g.job_id "
	    "WHERE a.user_id = ?1 AND j.trainee_id <> ?1 "
	    "UNION ALL SELECT 'event', e.job_id, j.device_id, CAST(e.id AS TEXT), e.t_ms "
	    "FROM job_event e JOIN job j ON j.id = e.job_id WHERE e.user_id = ?1 "
	    "UNION ALL SELECT 'move', 0, device_id, CAST(id AS TEXT), t_ms FROM device_event "
	    "WHERE user_id = ?1 "
	    "UNION ALL SELECT 'signoff', 0, 0, CAST(id AS TEXT), t_ms FROM signoff "
	    "WHERE by_user = ?1 "
	    "UNION ALL SELECT 'certificate', 0, device_id, id, issued_ms FROM certificate "
	    "WHERE by_user = ?1 "
	    "UNION ALL SELECT 'revoke', 0, c.device_id, c.id, r.t_ms FROM revocation r "
	    "JOIN certificate c ON c.id = r.certificate_id WHERE r.by_user = ?1 "
	    "ORDER BY 5, 1";
	struct db_stmt *stmt = NULL;
	enum store_err err = db_prepare(st, sql, &stmt);
	void *items;

	if (!err)
		db_bind_int64(stmt, 1, user_id);
	err = db_collect(stmt, err, sizeof(**out), act_row, NULL, &items, n);
	*out = items;
	return err;
}
