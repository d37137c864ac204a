/*
 * The inventory (store.h: store_inventory_*): one row per device, read with one statement
 * and handed out as SQLite reads it, never gathered in memory. What a row needs from the
 * jobs' records (the grade steps of the approved grading job, the parts of approved
 * repairs, the facts trainees recorded by hand) is read in the same statement through the
 * indexes (job_device, step_record_step), steered by maps the caller gives as JSON
 * (which step of which pinned checklist holds what), so that SQL needs to know nothing of
 * the checklists' files.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/db.h"
#include "store/store.h"
#include "store/store_int.h"

/* The latest record of step STEP (an expression) of job JOB. */
#define LAST_SEQ(job, step) \
	"(SELECT MAX(x.seq) FROM step_record x WHERE x.job_id = " job " AND x.step_id = " step ")"

/* COLUMN of that latest record when its result is as RESULT says, else NULL. JOB and
 * STEP are known before the record is looked up, so that it is found through
 * step_record_step by all three of its columns. Joined to the record instead (ON
 * r.job_id = j.id AND r.seq = the latest of r.step_id), SQLite's planner walked all of a
 * job's records, before the map said which step: a job whose step was recorded 35,000
 * times (web_bench) made the device list take 3 s. */
#define LAST_RECORD(column, job, step, result) \
	"(SELECT " column " FROM step_record r WHERE r.job_id = " job " AND r.step_id = " step \
	" AND r.seq = " LAST_SEQ(job, step) " AND r.result " result ")"

/* The columns, in the order of enum store_inv_col. {1}... are the parameters. */
static const char select_sql[] =
	"SELECT d.id, d.platform, d.state, d.serial, d.imei, d.first_seen_ms, "
	"json_extract(p.facts, '$.identity.make'), "
	"json_extract(p.facts, '$.identity.marketing_name'), "
	"json_extract(p.facts, '$.identity.model_number'), "
	"json_extract(p.facts, '$.identity.serial'), "
	"json_extract(p.facts, '$.identity.imei'), "
	"json_extract(p.facts, '$.identity.color_name'), "
	"json_extract(p.facts, '$.storage.total_bytes'), "
	"json_extract(p.facts, '$.battery.health_pct'), "
	"json_extract(p.facts, '$.battery.cycle_count'), "
	"json_extract(p.facts, '$.locks.find_my'), "
	"json_extract(p.facts, '$.locks.google_accounts'), "
	"json_extract(p.facts, '$.locks.frp'), "
	"json_extract(p.facts, '$.locks.bootloader'), "
	/* the grading job approved last, and the values of its grade steps */
	"q.checklist_hash, "
	"(SELECT json_group_object(s, v) FROM (SELECT g.value AS s, "
	LAST_RECORD("r.value", "q.id", "g.value", "= 'pass'") " AS v FROM json_each({5}) g) "
	"AS e WHERE v IS NOT NULL), "
	/* the parts of approved repairs: the latest record of each parts step */
	"(SELECT json_group_array(json(p)) FROM (SELECT p FROM (SELECT j.id AS o, "
	LAST_RECORD("r.parts", "j.id", "json_extract(m.value, '$.s')", "<> 'skip'") " AS p FROM job j "
	"JOIN json_each({6}) m ON json_extract(m.value, '$.h') = j.checklist_hash "
	"WHERE j.device_id = d.id AND j.state = 'submitted' AND j.graded_ms = j.submitted_ms) "
	"AS e WHERE json_valid(p) ORDER BY o) AS repaired), "
	/* facts recorded by hand, oldest job first: the newest job's word comes last */
	"(SELECT json_group_object(f, v) FROM (SELECT f, v FROM (SELECT j.id AS o, "
	"json_extract(m.value, '$.f') AS f, "
	LAST_RECORD("r.value", "j.id", "json_extract(m.value, '$.s')", "<> 'skip'") " AS v FROM job j "
	"JOIN json_each({7}) m ON json_extract(m.value, '$.h') = j.checklist_hash "
	"WHERE j.device_id = d.id AND j.state <> 'cancelled') "
	"AS e WHERE v IS NOT NULL ORDER BY o) AS entered), "
	"(SELECT shelf FROM shelf_move WHERE device_id = d.id ORDER BY id DESC LIMIT 1), "
	"b.name, b.donor, "
	"(SELECT c.id FROM certificate c WHERE c.device_id = d.id AND NOT EXISTS "
	"(SELECT 1 FROM revocation v WHERE v.certificate_id = c.id) "
	"ORDER BY c.issued_ms DESC LIMIT 1), "
	"s.price_cents, s.currency, s.channel, s.buyer_ref, s.t_ms{8} "
	"FROM device d "
	/* the latest full reading (a sighting on USB alone says nothing of the device) */
	"LEFT JOIN probe p ON p.id = (SELECT id FROM probe WHERE device_id = d.id AND "
	"COALESCE(json_extract(facts, '$.connection.via'), '') <> 'usb' "
	"ORDER BY t_ms DESC, id DESC LIMIT 1) "
	"LEFT JOIN job q ON q.id = (SELECT j.id FROM job j WHERE j.device_id = d.id AND "
	"j.checklist_id = {4} AND j.state = 'submitted' AND j.graded_ms = j.submitted_ms "
	"ORDER BY j.id DESC LIMIT 1) "
	"LEFT JOIN device_batch db ON db.device_id = d.id "
	"LEFT JOIN intake_batch b ON b.id = db.batch_id "
	/* the latest sale after the latest return (an event out of 'sold') */
	"LEFT JOIN sale s ON s.id = (SELECT s2.id FROM sale s2 WHERE s2.device_id = d.id AND "
	"s2.event_id > COALESCE((SELECT MAX(e.id) FROM device_event e WHERE e.device_id = d.id "
	"AND e.from_state = 'sold'), 0) ORDER BY s2.id DESC LIMIT 1) "
	/* the CASTs type a parameter bound NULL (PostgreSQL cannot tell it from IS NULL) */
	"WHERE (CAST({1} AS TEXT) IS NULL OR d.state = {1}) "
	"AND (CAST({2} AS TEXT) IS NULL OR d.platform = {2}) "
	"AND (CAST({3} AS BIGINT) IS NULL OR d.first_seen_ms >= {3}) ";

/* What the device list adds to the inventory's columns. */
static const char device_list_cols[] =
	", d.udid, d.last_seen_ms, (SELECT COUNT(*) FROM probe x WHERE x.device_id = d.id)";

/* What --sort may name, and the column (1-based, of the select) it sorts by. An expression
 * repeats the select's, never names its column: PostgreSQL takes an output column's name
 * in ORDER BY only when it stands alone. */
static const struct {
	const char *name;
	const char *by;
} sorts[] = {
	{ "stock_number", "1" },
	{ "platform", "2" },
	{ "state", "3" },
	{ "serial", "COALESCE(json_extract(p.facts, '$.identity.serial'), d.serial)" },
	{ "imei1",
	  "COALESCE(json_extract(json_extract(p.facts, '$.identity.imei'), '$[0]'), d.imei)" },
	{ "make", "7" },
	{ "marketing_name", "8" },
	{ "model_number", "9" },
	{ "colour", "12" },
	{ "storage_gb", "13" },
	{ "battery_health_pct", "14" },
	{ "battery_cycles", "15" },
	/* the grade by its letters (options are written best first, A before D) */
	{ "grade", "(SELECT MAX(v) FROM (SELECT " LAST_RECORD("r.value", "q.id", "g.value", "= 'pass'")
		   " AS v FROM json_each({5}) g) AS e)" },
	{ "shelf", "24" },
	{ "intake_date", "6" },
	{ "batch", "25" },
	{ "donor", "26" },
	{ "certificate", "27" },
	{ "price", "28" },
	{ "sale_channel", "30" },
	{ "sale_date", "32" },
	{ "buyer_ref", "31" },
	{ "last_seen", "d.last_seen_ms" }, /* the device list's order */
};

int store_inventory_sort_ok(const char *column)
{
	for (size_t i = 0; i < sizeof(sorts) / sizeof(sorts[0]); i++)
		if (strcmp(sorts[i].name, column) == 0)
			return 1;
	return 0;
}

/* Append TEXT to the SQL under way (BUF, LEN used of SIZE); -1 when it does not fit. */
static int put(char *buf, size_t size, size_t *len, const char *text, size_t n)
{
	if (*len + n + 1 > size)
		return -1;
	memcpy(buf + *len, text, n);
	*len += n;
	buf[*len] = '\0';
	return 0;
}

/* V as an SQL literal: NULL, a number, or a quoted text ('' for '). */
static int put_literal(char *buf, size_t size, size_t *len, const char *v, int number)
{
	if (!v)
		return put(buf, size, len, "NULL", 4);
	if (number)
		return put(buf, size, len, v, strlen(v));
	if (put(buf, size, len, "'", 1))
		return -1;
	for (const char *p = v; *p; p++)
		if (put(buf, size, len, p, 1) || (*p == '\'' && put(buf, size, len, "'", 1)))
			return -1;
	return put(buf, size, len, "'", 1);
}

/* The statement for Q: its parameters as ?N, or, with LITERAL, written in it. */
static char *build(const struct store_inventory_query *q, int literal)
{
	const char *sort = q->sort ? q->sort : "stock_number", *by = "1";
	char since[32];
	const char *params[8];
	size_t size = sizeof(select_sql) + 4096, len = 0;
	char *buf;
	int bad = 0;

	snprintf(since, sizeof(since), "%lld", q->since_ms);
	params[1] = q->state;
	params[2] = q->platform;
	params[3] = q->since_ms ? since : NULL;
	params[4] = q->grade_checklist;
	params[5] = q->grade_steps;
	params[6] = q->parts_steps;
	params[7] = q->entry_steps;
	for (size_t i = 0; i < sizeof(sorts) / sizeof(sorts[0]); i++)
		if (strcmp(sorts[i].name, sort) == 0)
			by = sorts[i].by;
	if (literal)
		for (int i = 5; i <= 7; i++)
			size += 2 * strlen(params[i]);
	buf = malloc(size);
	if (!buf)
		return NULL;
	for (int part = 0; part < 2 && !bad; part++) {
		const char *s = part == 0 ? select_sql : by;

		if (part == 1)
			bad |= put(buf, size, &len, "ORDER BY ", 9);
		while (*s && !bad) {
			const char *open = strchr(s, '{');
			int n;

			if (!open) {
				bad |= put(buf, size, &len, s, strlen(s));
				break;
			}
			bad |= put(buf, size, &len, s, (size_t)(open - s));
			n = open[1] - '0';
			if (n == 8) {
				if (q->device_list)
					bad |= put(buf, size, &len, device_list_cols,
						   strlen(device_list_cols));
			} else if (literal) {
				bad |= put_literal(buf, size, &len, params[n], n == 3);
			} else {
				char mark[4] = { '?', open[1], 0, 0 };

				bad |= put(buf, size, &len, mark, 2);
			}
			s = open + 3;
		}
	}
	/* NULLs first going up and last going down, as SQLite orders them; PostgreSQL does the
	 * opposite unless told (SQLite takes the words since 3.30 and plans the same). */
	if (!bad) {
		const char *tail = q->descending ? " DESC NULLS LAST, 1 DESC" : " NULLS FIRST, 1";

		bad |= put(buf, size, &len, tail, strlen(tail));
	}
	if (bad) {
		free(buf);
		return NULL;
	}
	return buf;
}

char *store_inventory_sql(const struct store_inventory_query *q)
{
	return build(q, 1);
}

/* Column COL as text, or NULL. */
static const char *text_at(struct db_stmt *stmt, int col)
{
	return db_col_text(stmt, col);
}

enum store_err store_inventory_each(struct store *st, const struct store_inventory_query *q,
				    store_inventory_fn fn, void *arg)
{
	char *sql = build(q, 0);
	struct db_stmt *stmt = NULL;
	struct store_inventory_row row;
	enum store_err err;
	int more = 0, stop = 0;

	if (!sql) {
		store_int_error("the inventory's statement does not fit in memory");
		return STORE_EINTERNAL;
	}
	err = db_prepare(st, sql, &stmt);
	if (err)
		goto out;
	db_bind_text(stmt, 1, q->state);
	db_bind_text(stmt, 2, q->platform);
	if (q->since_ms)
		db_bind_int64(stmt, 3, q->since_ms);
	else
		db_bind_null(stmt, 3);
	db_bind_text(stmt, 4, q->grade_checklist);
	db_bind_text(stmt, 5, q->grade_steps);
	db_bind_text(stmt, 6, q->parts_steps);
	db_bind_text(stmt, 7, q->entry_steps);
	while (!stop && !(err = db_step(stmt, &more)) && more) {
		memset(&row, 0, sizeof(row));
		row.device_id = db_col_int64(stmt, 0);
		row.platform = text_at(stmt, 1);
		row.state = text_at(stmt, 2);
		row.serial = text_at(stmt, 3);
		row.imei = text_at(stmt, 4);
		row.first_seen_ms = db_col_int64(stmt, 5);
		row.read = !db_col_is_null(stmt, 18) || !db_col_is_null(stmt, 6);
		for (int i = 0; i < STORE_INV_FACTS; i++)
			row.fact[i] = text_at(stmt, 6 + i);
		row.grade_checklist_hash = text_at(stmt, 19);
		row.grade_values = text_at(stmt, 20);
		row.parts = text_at(stmt, 21);
		row.entered = text_at(stmt, 22);
		row.shelf = text_at(stmt, 23);
		row.batch = text_at(stmt, 24);
		row.donor = text_at(stmt, 25);
		row.certificate = text_at(stmt, 26);
		row.sold = !db_col_is_null(stmt, 27);
		row.price_cents = db_col_int64(stmt, 27);
		row.currency = text_at(stmt, 28);
		row.channel = text_at(stmt, 29);
		row.buyer_ref = text_at(stmt, 30);
		row.sold_ms = db_col_int64(stmt, 31);
		if (q->device_list) {
			row.udid = text_at(stmt, 32);
			row.last_seen_ms = db_col_int64(stmt, 33);
			row.probes = db_col_int64(stmt, 34);
		}
		stop = fn(&row, arg);
	}
	if (!err && stop < 0)
		err = STORE_EINTERNAL;
out:
	db_done(stmt);
	free(sql);
	return err;
}

enum store_err store_snapshot_hashes(struct store *st, char ***out, size_t *n)
{
	static const char sql[] = "SELECT hash FROM checklist_snapshot ORDER BY hash";
	struct db_stmt *stmt = NULL;
	enum store_err err = db_prepare(st, sql, &stmt);
	char **list = NULL;
	size_t cap = 0;
	int row = 0;

	*out = NULL;
	*n = 0;
	if (err)
		return err;
	while (!(err = db_step(stmt, &row)) && row) {
		char **grown = store_int_room_for_one(list, *n, &cap, sizeof(*list));
		char *h = db_col_dup(stmt, 0);

		if (!grown || !h) {
			free(h);
			if (grown)
				list = grown;
			err = STORE_EINTERNAL;
			break;
		}
		list = grown;
		list[(*n)++] = h;
	}
	db_done(stmt);
	if (err) {
		for (size_t i = 0; i < *n; i++)
			free(list[i]);
		free(list);
		*n = 0;
		return err;
	}
	*out = list;
	return STORE_OK;
}
