/* Devices and their probes. See store.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/db.h"
#include "store/store.h"
#include "store/store_int.h"

static int has(const char *s)
{
	return s && *s;
}

/* Look the device up by one key column; *ID = 0 when not found. */
static enum store_err find_by(struct store *st, const char *sql, const char *value, long long *id)
{
	struct db_stmt *stmt = NULL;
	enum store_err err = STORE_OK;
	int row = 0;

	*id = 0;
	err = db_prepare(st, sql, &stmt);
	if (err)
		goto out;
	db_bind_text(stmt, 1, value);
	err = db_step(stmt, &row);
	if (!err && row)
		*id = db_col_int64(stmt, 0);
out:
	db_done(stmt);
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

static void bind_opt(struct db_stmt *stmt, int i, const char *v)
{
	if (has(v))
		db_bind_text(stmt, i, v);
	else
		db_bind_null(stmt, i);
}

/* Run SQL with its parameters bound by BIND; one row changed or none. */
static enum store_err exec_bound(struct store *st, const char *sql, const struct store_probe *p,
				 long long id, long long *new_id)
{
	struct db_stmt *stmt = NULL;
	enum store_err err = STORE_OK;

	err = db_prepare(st, sql, &stmt);
	if (err)
		goto out;
	/* Parameters are named so that each statement takes the ones it uses. */
	for (int i = 1; i <= db_param_count(stmt); i++) {
		const char *name = db_param_name(stmt, i);

		if (!name)
			continue;
		if (strcmp(name, ":platform") == 0)
			db_bind_text(stmt, i, p->platform);
		else if (strcmp(name, ":udid") == 0)
			bind_opt(stmt, i, p->udid);
		else if (strcmp(name, ":serial") == 0)
			bind_opt(stmt, i, p->serial);
		else if (strcmp(name, ":imei") == 0)
			bind_opt(stmt, i, p->imei);
		else if (strcmp(name, ":t") == 0)
			db_bind_int64(stmt, i, p->t_ms);
		else if (strcmp(name, ":tool") == 0)
			db_bind_text(stmt, i, p->tool);
		else if (strcmp(name, ":facts") == 0)
			db_bind_text(stmt, i, p->facts);
		else if (strcmp(name, ":id") == 0)
			db_bind_int64(stmt, i, id);
		else if (strcmp(name, ":bench") == 0)
			db_bind_text(stmt, i, store_int_bench(st));
	}
	/* An INSERT ... RETURNING id (SQLite 3.35 and PostgreSQL alike) gives one row. */
	err = db_run_change(stmt, new_id);
out:
	db_done(stmt);
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
			 "INSERT INTO probe (device_id, t_ms, tool, facts, bench) "
			 "VALUES (:id, :t, :tool, :facts, :bench)",
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

static int device_item(struct db_stmt *stmt, void *item)
{
	struct store_device_row *d = item;
	char word[16];

	d->id = db_col_int64(stmt, 0);
	db_col_copy(stmt, 1, d->platform, sizeof(d->platform));
	db_col_copy(stmt, 2, d->udid, sizeof(d->udid));
	db_col_copy(stmt, 3, d->serial, sizeof(d->serial));
	db_col_copy(stmt, 4, d->imei, sizeof(d->imei));
	d->first_seen_ms = db_col_int64(stmt, 5);
	d->last_seen_ms = db_col_int64(stmt, 6);
	d->probes = db_col_int64(stmt, 7);
	db_col_copy(stmt, 8, word, sizeof(word));
	if (!device_state_parse(word, &d->state))
		d->state = DEVICE_QUARANTINE; /* changed outside Atelier: nobody works on it */
	return 1;
}

enum store_err store_device_get(struct store *st, long long id, struct store_device_row *out)
{
	static const char sql[] = DEVICE_COLS "WHERE d.id = ?";
	struct db_stmt *stmt = NULL;
	enum store_err err = db_prepare(st, sql, &stmt);

	memset(out, 0, sizeof(*out));
	if (!err)
		db_bind_int64(stmt, 1, id);
	return db_one(stmt, err, device_item, NULL, out);
}

enum store_err store_device_list(struct store *st, const enum device_state *state,
				 struct store_device_row **out,
				 size_t *n)
{
	/* The CAST gives the first parameter a type when it is bound NULL (PostgreSQL). */
	static const char sql[] = DEVICE_COLS "WHERE (CAST(? AS TEXT) IS NULL OR d.state = ?) "
						"ORDER BY d.last_seen_ms DESC, d.id DESC";
	struct db_stmt *stmt = NULL;
	enum store_err err = db_prepare(st, sql, &stmt);
	void *items;

	if (!err) {
		db_bind_text(stmt, 1, state ? device_state_name(*state) : NULL);
		db_bind_text(stmt, 2, state ? device_state_name(*state) : NULL);
	}
	err = db_collect(stmt, err, sizeof(**out), device_item, NULL, &items, n);
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
	struct db_stmt *stmt = NULL;
	enum store_err err = STORE_OK;
	const char *text;
	int row = 0;

	*facts = NULL;
	err = db_prepare(st, sql, &stmt);
	if (err)
		goto out;
	db_bind_int64(stmt, 1, device_id);
	if (via)
		db_bind_text(stmt, 2, via);
	err = db_step(stmt, &row);
	if (err)
		goto out;
	if (!row) {
		err = STORE_ENOENT;
		goto out;
	}
	text = db_col_text(stmt, 0);
	*facts = strdup(text ? text : "{}");
	if (!*facts)
		err = STORE_EINTERNAL;
	if (t_ms)
		*t_ms = db_col_int64(stmt, 1);
	if (tool)
		db_col_copy(stmt, 2, tool, tool_size);
out:
	db_done(stmt);
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
