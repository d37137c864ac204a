/*
 * store_copy(): a workshop's records moved from one store to another (SQLite to
 * PostgreSQL, or back), row for row with their ids, so that every chain and certificate
 * checks out on the target as it did on the source (`atelier db copy`, issue #15).
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/db.h"
#include "store/schema_pg.h"
#include "store/store.h"
#include "store/store_int.h"

/* Rows read from the source at a time: a page is held whole in memory on PostgreSQL. */
#define COPY_PAGE 2000

/* Every table of the schema, in the order they were made: a row's links (FOREIGN KEY)
 * point only to tables earlier in the list, or to an earlier row of its own table (a
 * correction), so rows copied in this order by their keys never point ahead. KEY is the
 * primary key the rows are read in order of. */
static const struct {
	const char *table;
	const char *key;
} tables[] = {
	{ "bench", "key" },
	{ "usb_sighting", "id" },
	{ "device", "id" },
	{ "probe", "id" },
	{ "app_user", "id" },
	{ "job", "id" },
	{ "step_record", "id" },
	{ "checklist_snapshot", "hash" },
	{ "grade", "id" },
	{ "grade_ack", "grade_id" },
	{ "device_event", "id" },
	{ "certificate", "id" },
	{ "job_event", "id" },
	{ "ledger", "id" },
	{ "chain_head", "chain" },
	{ "revocation", "id" },
	{ "session", "id" },
	{ "signin_attempt", "id" },
	{ "audit", "id" },
	{ "user_pref", "user_id" },
	{ "step_photo", "id" },
	{ "signoff", "id" },
	{ "erasure", "id" },
	{ "redaction", "id" },
	{ "intake_batch", "id" },
	{ "device_batch", "id" },
	{ "shelf_move", "id" },
	{ "sale", "id" },
	{ "destruction", "id" },
	{ "bench_key", "id" },
	{ "bench_enrolment", "id" },
};

#define N_TABLES (sizeof(tables) / sizeof(tables[0]))

/* The number of tables of ST's schema (the version row's table of PostgreSQL aside). */
static enum store_err count_tables(struct store *st, long long *n)
{
	const char *sql = store_int_is_pg(st)
				  ? "SELECT count(*) FROM information_schema.tables WHERE "
				    "table_schema = current_schema() AND table_name <> 'atelier_schema'"
				  : "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name "
				    "NOT LIKE 'sqlite%'";
	struct db_stmt *s = NULL;
	enum store_err err = db_prepare(st, sql, &s);
	int row = 0;

	*n = 0;
	if (!err)
		err = db_step(s, &row);
	if (!err && row)
		*n = db_col_int64(s, 0);
	db_done(s);
	return err;
}

/* Rows in one INSERT at most: fewer round trips to a server, and within both engines'
 * limits on a statement's parameters (SQLite 32766, PostgreSQL 65535). */
#define COPY_BATCH 200
#define COPY_PARAMS_MAX 30000

/* A value read from the source, kept until its batch is written. */
struct copy_value {
	enum db_type type;
	long long i;
	char *text;
};

/* The INSERT of ROWS rows of TABLE's columns as S (a row read from the source) names
 * them, into a new *OUT. */
static enum store_err insert_sql(struct db_stmt *s, const char *table, int rows, char **out)
{
	int n = db_col_count(s);
	size_t size = 64 + strlen(table) + (size_t)rows * ((size_t)n * 3 + 4), len;
	char *sql;

	for (int c = 0; c < n; c++)
		size += strlen(db_col_name(s, c)) + 2;
	sql = malloc(size);
	if (!sql) {
		store_int_error("out of memory");
		return STORE_EINTERNAL;
	}
	len = (size_t)snprintf(sql, size, "INSERT INTO %s (", table);
	for (int c = 0; c < n; c++)
		len += (size_t)snprintf(sql + len, size - len, "%s%s", c ? ", " : "",
					db_col_name(s, c));
	len += (size_t)snprintf(sql + len, size - len, ") VALUES ");
	for (int r = 0; r < rows; r++) {
		len += (size_t)snprintf(sql + len, size - len, "%s(", r ? ", " : "");
		for (int c = 0; c < n; c++)
			len += (size_t)snprintf(sql + len, size - len, "%s?", c ? ", " : "");
		len += (size_t)snprintf(sql + len, size - len, ")");
	}
	*out = sql;
	return STORE_OK;
}

static void values_clear(struct copy_value *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].text);
		v[i] = (struct copy_value){ 0 };
	}
}

/* Write the ROWS rows of N_COLS values V into TO with one INSERT (its text for ROWS rows
 * in *SQL, made from S's columns when not yet). */
static enum store_err flush(struct store *to, struct db_stmt *s, const char *table, int rows,
			    int n_cols, struct copy_value *v, char **sql)
{
	struct db_stmt *ins = NULL;
	enum store_err err = STORE_OK;

	if (rows == 0)
		return STORE_OK;
	if (!*sql)
		err = insert_sql(s, table, rows, sql);
	if (!err)
		err = db_prepare(to, *sql, &ins);
	for (int k = 0; !err && k < rows * n_cols; k++) {
		if (v[k].type == DB_NULL)
			db_bind_null(ins, k + 1);
		else if (v[k].type == DB_INTEGER)
			db_bind_int64(ins, k + 1, v[k].i);
		else
			db_bind_text(ins, k + 1, v[k].text);
	}
	if (!err)
		err = db_run_change(ins, NULL);
	db_done(ins);
	return err;
}

/* Copy table I of FROM into TO, page by page in the order of its key, in INSERTs of many
 * rows; *ROWS counts. */
static enum store_err copy_table(struct store *from, struct store *to, size_t i, long long *rows)
{
	char first[160], next[192], *full_sql = NULL, last[512] = "";
	struct copy_value *v = NULL;
	long long last_int = 0;
	int last_is_int = 0, key_col = -1, n_cols = 0, batch = 0, in_batch = 0;
	enum store_err err = STORE_OK;

	snprintf(first, sizeof(first), "SELECT * FROM %s ORDER BY %s LIMIT %d", tables[i].table,
		 tables[i].key, COPY_PAGE);
	snprintf(next, sizeof(next), "SELECT * FROM %s WHERE %s > ? ORDER BY %s LIMIT %d",
		 tables[i].table, tables[i].key, tables[i].key, COPY_PAGE);
	for (int page = 0; !err; page++) {
		struct db_stmt *s = NULL;
		int row = 0, got = 0;

		err = db_prepare(from, page ? next : first, &s);
		if (err)
			break;
		if (page && last_is_int)
			db_bind_int64(s, 1, last_int);
		else if (page)
			db_bind_text(s, 1, last);
		while (!err && !(err = db_step(s, &row)) && row) {
			if (!v) {
				n_cols = db_col_count(s);
				batch = COPY_PARAMS_MAX / (n_cols ? n_cols : 1);
				batch = batch > COPY_BATCH ? COPY_BATCH : batch < 1 ? 1 : batch;
				v = calloc((size_t)batch * (size_t)n_cols, sizeof(*v));
				for (int c = 0; c < n_cols; c++)
					if (strcmp(db_col_name(s, c), tables[i].key) == 0)
						key_col = c;
				if (!v || key_col < 0) {
					store_int_error(!v ? "out of memory"
							   : "a table's key is not among its columns");
					err = STORE_EINTERNAL;
					break;
				}
			}
			for (int c = 0; c < n_cols && !err; c++) {
				struct copy_value *x = &v[in_batch * n_cols + c];

				/* Text, and anything else as the text it reads as (the schema has
				 * no REAL and no BLOB column). */
				x->type = db_col_type(s, c);
				if (x->type == DB_INTEGER) {
					x->i = db_col_int64(s, c);
				} else if (x->type != DB_NULL) {
					x->type = DB_TEXT;
					x->text = db_col_dup(s, c);
					if (!x->text) {
						store_int_error("out of memory");
						err = STORE_EINTERNAL;
					}
				}
			}
			if (err)
				break;
			last_is_int = db_col_type(s, key_col) == DB_INTEGER;
			if (last_is_int)
				last_int = db_col_int64(s, key_col);
			else
				db_col_copy(s, key_col, last, sizeof(last));
			got++;
			(*rows)++;
			if (++in_batch == batch) {
				err = flush(to, s, tables[i].table, in_batch, n_cols, v, &full_sql);
				values_clear(v, (size_t)in_batch * (size_t)n_cols);
				in_batch = 0;
			}
		}
		if (!err && in_batch && got < COPY_PAGE) { /* the table's last rows */
			char *rest_sql = NULL;

			err = flush(to, s, tables[i].table, in_batch, n_cols, v, &rest_sql);
			values_clear(v, (size_t)in_batch * (size_t)n_cols);
			in_batch = 0;
			free(rest_sql);
		}
		db_done(s);
		if (got < COPY_PAGE)
			break;
	}
	if (v)
		values_clear(v, (size_t)batch * (size_t)n_cols);
	free(v);
	free(full_sql);
	return err;
}

enum store_err store_copy(struct store *from, struct store *to, long long *rows)
{
	long long n_from = 0, n_to = 0, records = 0;
	enum store_err err;
	int begun = 0;

	*rows = 0;
	err = count_tables(from, &n_from);
	if (!err)
		err = count_tables(to, &n_to);
	if (err)
		return err;
	if (n_from != (long long)N_TABLES || n_to != (long long)N_TABLES) {
		char why[160];

		snprintf(why, sizeof(why),
			 "the records have %lld tables here and %lld there, and this copy knows %zu",
			 n_from, n_to, N_TABLES);
		return store_int_fail_text(STORE_EINTERNAL, NULL, NULL, NULL, why, 0);
	}
	/* The target is a workshop made for the copy: nothing but its creation rows. */
	{
		struct db_stmt *s = NULL;
		int row = 0;

		err = db_prepare(to,
				 "SELECT (SELECT count(*) FROM device) + (SELECT count(*) FROM "
				 "app_user) + (SELECT count(*) FROM ledger)",
				 &s);
		if (!err)
			err = db_step(s, &row);
		if (!err && row)
			records = db_col_int64(s, 0);
		db_done(s);
		if (err)
			return err;
		if (records > 0) {
			char why[PATH_MAX + 96];

			snprintf(why, sizeof(why),
				 "%s already holds records; a copy goes into an empty database only",
				 store_path(to));
			return store_int_fail_text(STORE_EEXIST, NULL, NULL, NULL, why, 0);
		}
	}
	/* One snapshot of the source, one transaction on the target: all or nothing. */
	err = store_read_begin(from, &begun);
	if (!err)
		err = store_int_begin(to);
	if (err) {
		store_read_end(from, begun);
		return err;
	}
	err = db_run(to, "DELETE FROM bench"); /* its own creation rows: the source's come */
	for (size_t i = 0; !err && i < N_TABLES; i++)
		err = copy_table(from, to, i, rows);
	/* A sequence does not look at the ids written into its table (schema_pg.h). */
	for (size_t i = 0; !err && store_int_is_pg(to) && schema_pg_after_copy[i]; i++) {
		struct db_stmt *s = NULL;
		int row = 0;

		err = db_prepare(to, schema_pg_after_copy[i], &s);
		while (!err && !(err = db_step(s, &row)) && row)
			;
		db_done(s);
	}
	store_read_end(from, begun);
	return store_int_end(to, NULL, err);
}
