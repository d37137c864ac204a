/* Devices and their probes. See store.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store.h"
#include "store/store_int.h"

static int has(const char *s)
{
	return s && *s;
}

/* Look the device up by one key column; *ID = 0 when not found. */
static enum store_err find_by(struct store *st, const char *sql, const char *value, long long *id)
{
	sqlite3_stmt *stmt = NULL;
	enum store_err err = STORE_OK;
	int rc;

	*id = 0;
	err = store_int_prepare(st, sql, &stmt);
	if (err)
		goto out;
	rc = sqlite3_bind_text(stmt, 1, value, -1, SQLITE_STATIC);
	if (rc != SQLITE_OK) {
		err = store_int_fail(st->db, rc, "sqlite3_bind_text", sql, st->path);
		goto out;
	}
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW)
		*id = sqlite3_column_int64(stmt, 0);
	else if (rc != SQLITE_DONE)
		err = store_int_fail(st->db, rc, "sqlite3_step", sql, st->path);
out:
	store_int_done(st, stmt);
	return err;
}

static enum store_err find_device_id(struct store *st, const char *udid, const char *serial,
				     const char *imei, long long *id)
{
	enum store_err err = STORE_OK;

	*id = 0;
	if (has(udid))
		err = find_by(st, "SELECT id FROM device WHERE udid = ? ORDER BY id LIMIT 1", udid,
			      id);
	if (!err && !*id && has(serial))
		err = find_by(st, "SELECT id FROM device WHERE serial = ? ORDER BY id LIMIT 1",
			      serial, id);
	if (!err && !*id && has(imei))
		err = find_by(st, "SELECT id FROM device WHERE imei = ? ORDER BY id LIMIT 1", imei,
			      id);
	return err;
}

static int bind_opt(sqlite3_stmt *stmt, int i, const char *v)
{
	return has(v) ? sqlite3_bind_text(stmt, i, v, -1, SQLITE_STATIC) : sqlite3_bind_null(stmt, i);
}

/* Run SQL with its parameters bound by BIND; one row changed or none. */
static enum store_err exec_bound(struct store *st, const char *sql, const struct store_probe *p,
				 long long id, long long *new_id)
{
	sqlite3_stmt *stmt = NULL;
	enum store_err err = STORE_OK;
	int rc;

	rc = SQLITE_OK;
	err = store_int_prepare(st, sql, &stmt);
	if (err)
		goto out;
	/* Parameters are named so that each statement takes the ones it uses. */
	for (int i = 1; i <= sqlite3_bind_parameter_count(stmt); i++) {
		const char *name = sqlite3_bind_parameter_name(stmt, i);

		if (!name)
			continue;
		if (strcmp(name, ":platform") == 0)
			rc = sqlite3_bind_text(stmt, i, p->platform, -1, SQLITE_STATIC);
		else if (strcmp(name, ":udid") == 0)
			rc = bind_opt(stmt, i, p->udid);
		else if (strcmp(name, ":serial") == 0)
			rc = bind_opt(stmt, i, p->serial);
		else if (strcmp(name, ":imei") == 0)
			rc = bind_opt(stmt, i, p->imei);
		else if (strcmp(name, ":t") == 0)
			rc = sqlite3_bind_int64(stmt, i, p->t_ms);
		else if (strcmp(name, ":tool") == 0)
			rc = sqlite3_bind_text(stmt, i, p->tool, -1, SQLITE_STATIC);
		else if (strcmp(name, ":facts") == 0)
			rc = sqlite3_bind_text(stmt, i, p->facts, -1, SQLITE_STATIC);
		else if (strcmp(name, ":id") == 0)
			rc = sqlite3_bind_int64(stmt, i, id);
		if (rc != SQLITE_OK) {
			err = store_int_fail(st->db, rc, "sqlite3_bind", sql, st->path);
			goto out;
		}
	}
	/* An INSERT ... RETURNING id (SQLite 3.35 and PostgreSQL alike) gives one row. */
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW) {
		if (new_id)
			*new_id = sqlite3_column_int64(stmt, 0);
		rc = sqlite3_step(stmt);
	}
	if (rc != SQLITE_DONE) {
		err = store_int_fail(st->db, rc, "sqlite3_step", sql, st->path);
		goto out;
	}
out:
	store_int_done(st, stmt);
	return err;
}

enum store_err store_record_probe(struct store *st, const struct store_probe *p,
				  long long *device_id)
{
	enum store_err err;
	long long id = 0;

	if (!has(p->udid) && !has(p->serial) && !has(p->imei))
		return STORE_EINVAL;
	err = store_int_begin(st);
	if (err)
		return err;
	err = find_device_id(st, p->udid, p->serial, p->imei, &id);
	if (err)
		goto out;
	if (!id) {
		err = exec_bound(st,
				 "INSERT INTO device (platform, udid, serial, imei, first_seen_ms, "
				 "last_seen_ms) VALUES (:platform, :udid, :serial, :imei, :t, :t) "
				 "RETURNING id",
				 p, 0, &id);
		if (!err)
			err = store_int_ledger_id(st, "workshop", 0, "device", id, p->t_ms);
		if (!err)
			err = store_int_ledger_id(st, "device", id, "created", id, p->t_ms);
	} else {
		/* Keys the device did not have yet are filled in; known ones are kept. */
		err = exec_bound(st,
				 "UPDATE device SET last_seen_ms = CASE WHEN last_seen_ms > :t "
				 "THEN last_seen_ms ELSE :t END, "
				 "udid = COALESCE(udid, :udid), serial = COALESCE(serial, :serial), "
				 "imei = COALESCE(imei, :imei) WHERE id = :id",
				 p, id, NULL);
	}
	if (err)
		goto out;
	err = exec_bound(st,
			 "INSERT INTO probe (device_id, t_ms, tool, facts) "
			 "VALUES (:id, :t, :tool, :facts)",
			 p, id, NULL);
	if (err)
		goto out;
	err = store_int_commit(st);
	if (!err && device_id)
		*device_id = id;
out:
	store_int_rollback(st);
	return err;
}

/* The columns of struct store_device_row, for device d. */
#define DEVICE_COLS                                                                            \
	"SELECT d.id, d.platform, d.udid, d.serial, d.imei, d.first_seen_ms, d.last_seen_ms, " \
	"(SELECT COUNT(*) FROM probe p WHERE p.device_id = d.id), d.state FROM device d "

static int device_item(sqlite3_stmt *stmt, void *item)
{
	struct store_device_row *d = item;
	char word[16];

	d->id = sqlite3_column_int64(stmt, 0);
	store_int_col_text(stmt, 1, d->platform, sizeof(d->platform));
	store_int_col_text(stmt, 2, d->udid, sizeof(d->udid));
	store_int_col_text(stmt, 3, d->serial, sizeof(d->serial));
	store_int_col_text(stmt, 4, d->imei, sizeof(d->imei));
	d->first_seen_ms = sqlite3_column_int64(stmt, 5);
	d->last_seen_ms = sqlite3_column_int64(stmt, 6);
	d->probes = sqlite3_column_int64(stmt, 7);
	store_int_col_text(stmt, 8, word, sizeof(word));
	if (!device_state_parse(word, &d->state))
		d->state = DEVICE_QUARANTINE; /* changed outside Atelier: nobody works on it */
	return 1;
}

enum store_err store_device_get(struct store *st, long long id, struct store_device_row *out)
{
	static const char sql[] = DEVICE_COLS "WHERE d.id = ?";
	sqlite3_stmt *stmt = NULL;
	enum store_err err = store_int_prepare(st, sql, &stmt);

	memset(out, 0, sizeof(*out));
	if (!err)
		sqlite3_bind_int64(stmt, 1, id);
	return store_int_one(st, err, stmt, sql, device_item, NULL, out);
}

enum store_err store_device_list(struct store *st, const enum device_state *state,
				 struct store_device_row **out,
				 size_t *n)
{
	static const char sql[] = DEVICE_COLS "WHERE (? IS NULL OR d.state = ?) "
						"ORDER BY d.last_seen_ms DESC, d.id DESC";
	sqlite3_stmt *stmt = NULL;
	enum store_err err = store_int_prepare(st, sql, &stmt);
	void *items;

	if (!err) {
		store_int_bind_text_or_null(stmt, 1, state ? device_state_name(*state) : NULL);
		store_int_bind_text_or_null(stmt, 2, state ? device_state_name(*state) : NULL);
	}
	err = store_int_collect(st, err, stmt, sql, sizeof(**out), device_item, NULL, &items, n);
	*out = items;
	return err;
}

enum store_err store_find_device(struct store *st, const char *key, struct store_device_row *out)
{
	enum store_err err;
	long long id;

	memset(out, 0, sizeof(*out));
	err = find_device_id(st, key, key, key, &id);
	if (err)
		return err;
	return id ? store_device_get(st, id, out) : STORE_ENOENT;
}

/* The latest probe of DEVICE_ID made by SQL's filter; see store_latest_probe_via(). */
static enum store_err latest_probe(struct store *st, const char *sql, long long device_id,
				   const char *via, char **facts, long long *t_ms, char *tool,
				   size_t tool_size)
{
	sqlite3_stmt *stmt = NULL;
	enum store_err err = STORE_OK;
	const unsigned char *text;
	int rc;

	*facts = NULL;
	err = store_int_prepare(st, sql, &stmt);
	if (err)
		goto out;
	rc = sqlite3_bind_int64(stmt, 1, device_id);
	if (rc == SQLITE_OK && via)
		rc = sqlite3_bind_text(stmt, 2, via, -1, SQLITE_STATIC);
	if (rc != SQLITE_OK) {
		err = store_int_fail(st->db, rc, "sqlite3_bind", sql, st->path);
		goto out;
	}
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_DONE) {
		err = STORE_ENOENT;
		goto out;
	}
	if (rc != SQLITE_ROW) {
		err = store_int_fail(st->db, rc, "sqlite3_step", sql, st->path);
		goto out;
	}
	text = sqlite3_column_text(stmt, 0);
	*facts = strdup(text ? (const char *)text : "{}");
	if (!*facts)
		err = STORE_EINTERNAL;
	if (t_ms)
		*t_ms = sqlite3_column_int64(stmt, 1);
	if (tool)
		store_int_col_text(stmt, 2, tool, tool_size);
out:
	store_int_done(st, stmt);
	return err;
}

enum store_err store_latest_probe(struct store *st, long long device_id, char **facts,
				  long long *t_ms)
{
	static const char sql[] = "SELECT facts, t_ms, tool FROM probe WHERE device_id = ? "
				  "ORDER BY t_ms DESC, id DESC LIMIT 1";

	return latest_probe(st, sql, device_id, NULL, facts, t_ms, NULL, 0);
}

enum store_err store_latest_probe_via(struct store *st, long long device_id, const char *via,
				      int same, char **facts, long long *t_ms, char *tool,
				      size_t tool_size)
{
	/* The channel is inside the facts: SQLite's JSON functions read it where it is. */
	static const char sql_same[] =
		"SELECT facts, t_ms, tool FROM probe WHERE device_id = ? AND "
		"COALESCE(json_extract(facts, '$.connection.via'), '') = ? "
		"ORDER BY t_ms DESC, id DESC LIMIT 1";
	static const char sql_other[] =
		"SELECT facts, t_ms, tool FROM probe WHERE device_id = ? AND "
		"COALESCE(json_extract(facts, '$.connection.via'), '') <> ? "
		"ORDER BY t_ms DESC, id DESC LIMIT 1";

	return latest_probe(st, same ? sql_same : sql_other, device_id, via, facts, t_ms, tool,
			    tool_size);
}
