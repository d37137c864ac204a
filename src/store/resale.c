/* Resale: intake batches, shelf moves, sales, destruction records (schema 13). See store.h.
 * Each row goes with its ledger entry in one transaction, as every record does. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/db.h"
#include "store/store.h"
#include "store/store_int.h"

static int batch_item(struct db_stmt *stmt, void *item)
{
	struct store_batch *b = item;

	b->id = db_col_int64(stmt, 0);
	db_col_copy(stmt, 1, b->name, sizeof(b->name));
	db_col_copy(stmt, 2, b->donor, sizeof(b->donor));
	b->by_user = db_col_int64(stmt, 3);
	b->t_ms = db_col_int64(stmt, 4);
	b->devices = db_col_int64(stmt, 5);
	return 1;
}

#define BATCH_COLS                                                                     \
	"SELECT b.id, b.name, b.donor, b.by_user, b.t_ms, (SELECT COUNT(*) FROM "      \
	"device_batch x WHERE x.batch_id = b.id) FROM intake_batch b "

enum store_err store_batch_add(struct store *st, const struct store_batch *b, long long *id)
{
	static const char sql[] = "INSERT INTO intake_batch (name, donor, by_user, t_ms) "
				  "VALUES (?, ?, ?, ?) RETURNING id";
	struct db_stmt *stmt = NULL;
	long long new_id = 0;
	enum store_err err;

	if (!b->name[0] || !b->donor[0])
		return STORE_EINVAL;
	err = store_int_begin(st);
	if (err)
		return err;
	err = db_prepare(st, sql, &stmt);
	if (!err) {
		db_bind_text(stmt, 1, b->name);
		db_bind_text(stmt, 2, b->donor);
		db_bind_int64(stmt, 3, b->by_user);
		db_bind_int64(stmt, 4, b->t_ms);
		err = db_run_change(stmt, &new_id);
	}
	if (!err)
		err = store_int_ledger_id(st, "workshop", 0, "batch", new_id, b->t_ms);
	err = store_int_end(st, stmt, err);
	if (!err && id)
		*id = new_id;
	return err;
}

enum store_err store_batch_find(struct store *st, const char *name, struct store_batch *out)
{
	static const char sql[] = BATCH_COLS "WHERE b.name = ?";
	struct db_stmt *stmt = NULL;
	enum store_err err = db_prepare(st, sql, &stmt);

	memset(out, 0, sizeof(*out));
	if (!err)
		db_bind_text(stmt, 1, name);
	return db_one(stmt, err, batch_item, NULL, out);
}

enum store_err store_batch_of(struct store *st, long long device_id, struct store_batch *out)
{
	static const char sql[] =
		BATCH_COLS "WHERE b.id = (SELECT batch_id FROM device_batch WHERE device_id = ?)";
	struct db_stmt *stmt = NULL;
	enum store_err err = db_prepare(st, sql, &stmt);

	memset(out, 0, sizeof(*out));
	if (!err)
		db_bind_int64(stmt, 1, device_id);
	return db_one(stmt, err, batch_item, NULL, out);
}

enum store_err store_batch_list(struct store *st, struct store_batch **out, size_t *n)
{
	static const char sql[] = BATCH_COLS "ORDER BY b.id DESC";
	struct db_stmt *stmt = NULL;
	enum store_err err = db_prepare(st, sql, &stmt);
	void *items;

	err = db_collect(stmt, err, sizeof(**out), batch_item, NULL, &items, n);
	*out = items;
	return err;
}

enum store_err store_batch_attach(struct store *st, long long batch_id, long long device_id,
				  long long by_user, long long t_ms)
{
	static const char sql[] = "INSERT INTO device_batch (device_id, batch_id, by_user, t_ms) "
				  "VALUES (?, ?, ?, ?) RETURNING id";
	struct db_stmt *stmt = NULL;
	long long new_id = 0;
	enum store_err err = store_int_begin_scope(st, device_id, 0);

	if (err)
		return err;
	err = db_prepare(st, sql, &stmt);
	if (!err) {
		db_bind_int64(stmt, 1, device_id);
		db_bind_int64(stmt, 2, batch_id);
		db_bind_int64(stmt, 3, by_user);
		db_bind_int64(stmt, 4, t_ms);
		/* device_id is UNIQUE: a device in a batch already is STORE_EEXIST. */
		err = db_run_change(stmt, &new_id);
	}
	if (!err)
		err = store_int_ledger_id(st, "device", device_id, "batched", new_id, t_ms);
	return store_int_end(st, stmt, err);
}

static int id_item(struct db_stmt *stmt, void *item)
{
	*(long long *)item = db_col_int64(stmt, 0);
	return 1;
}

enum store_err store_batch_devices(struct store *st, long long batch_id, long long **ids,
				   size_t *n)
{
	static const char sql[] =
		"SELECT device_id FROM device_batch WHERE batch_id = ? ORDER BY device_id";
	struct db_stmt *stmt = NULL;
	enum store_err err = db_prepare(st, sql, &stmt);
	void *items;

	if (!err)
		db_bind_int64(stmt, 1, batch_id);
	err = db_collect(stmt, err, sizeof(**ids), id_item, NULL, &items, n);
	*ids = items;
	return err;
}

/* Insert SQL's row (device, text, by, t) and its entry KIND in the device's chain. */
static enum store_err device_row_add(struct store *st, const char *sql, const char *kind,
				     long long device_id, const char *text, long long by_user,
				     long long t_ms)
{
	struct db_stmt *stmt = NULL;
	long long new_id = 0;
	enum store_err err;

	if (!text || !text[0])
		return STORE_EINVAL;
	err = store_int_begin_scope(st, device_id, 0);
	if (err)
		return err;
	err = db_prepare(st, sql, &stmt);
	if (!err) {
		db_bind_int64(stmt, 1, device_id);
		db_bind_text(stmt, 2, text);
		db_bind_int64(stmt, 3, by_user);
		db_bind_int64(stmt, 4, t_ms);
		err = db_run_change(stmt, &new_id);
	}
	if (!err)
		err = store_int_ledger_id(st, "device", device_id, kind, new_id, t_ms);
	return store_int_end(st, stmt, err);
}

static int resale_item(struct db_stmt *stmt, void *item)
{
	struct store_resale_row *r = item;

	r->id = db_col_int64(stmt, 0);
	r->device_id = db_col_int64(stmt, 1);
	db_col_copy(stmt, 2, r->text, sizeof(r->text));
	r->by_user = db_col_int64(stmt, 3);
	r->t_ms = db_col_int64(stmt, 4);
	return 1;
}

static enum store_err latest_row(struct store *st, const char *sql, long long device_id,
				 struct store_resale_row *out)
{
	struct db_stmt *stmt = NULL;
	enum store_err err = db_prepare(st, sql, &stmt);

	memset(out, 0, sizeof(*out));
	if (!err)
		db_bind_int64(stmt, 1, device_id);
	return db_one(stmt, err, resale_item, NULL, out);
}

enum store_err store_shelf_move(struct store *st, long long device_id, const char *shelf,
				long long by_user, long long t_ms)
{
	return device_row_add(st,
			      "INSERT INTO shelf_move (device_id, shelf, by_user, t_ms) "
			      "VALUES (?, ?, ?, ?) RETURNING id",
			      "shelf", device_id, shelf, by_user, t_ms);
}

enum store_err store_shelf_of(struct store *st, long long device_id, struct store_resale_row *out)
{
	return latest_row(st,
			  "SELECT id, device_id, shelf, by_user, t_ms FROM shelf_move "
			  "WHERE device_id = ? ORDER BY id DESC LIMIT 1",
			  device_id, out);
}

enum store_err store_destruction_add(struct store *st, long long device_id, const char *method,
				     long long by_user, long long t_ms)
{
	return device_row_add(st,
			      "INSERT INTO destruction (device_id, method, by_user, t_ms) "
			      "VALUES (?, ?, ?, ?) RETURNING id",
			      "destruction", device_id, method, by_user, t_ms);
}

enum store_err store_destruction_of(struct store *st, long long device_id,
				    struct store_resale_row *out)
{
	return latest_row(st,
			  "SELECT id, device_id, method, by_user, t_ms FROM destruction "
			  "WHERE device_id = ? ORDER BY id DESC LIMIT 1",
			  device_id, out);
}

enum store_err store_sale_add(struct store *st, struct store_sale *s, const char *reason,
			      long long *id)
{
	static const char sql[] =
		"INSERT INTO sale (device_id, event_id, price_cents, currency, channel, "
		"buyer_ref, by_user, t_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id";
	struct db_stmt *stmt = NULL;
	long long new_id = 0, event = 0;
	enum store_err err;

	if (s->price_cents < 0 || !s->channel[0] || !s->currency[0])
		return STORE_EINVAL;
	err = store_int_begin_scope(st, s->device_id, 0);
	if (err)
		return err;
	err = store_int_device_move(st, s->device_id, DEVICE_CERTIFIED, DEVICE_SOLD, s->by_user,
				    reason, s->t_ms, &event);
	if (!err)
		err = db_prepare(st, sql, &stmt);
	if (!err) {
		db_bind_int64(stmt, 1, s->device_id);
		db_bind_int64(stmt, 2, event);
		db_bind_int64(stmt, 3, s->price_cents);
		db_bind_text(stmt, 4, s->currency);
		db_bind_text(stmt, 5, s->channel);
		db_bind_text(stmt, 6, s->buyer_ref[0] ? s->buyer_ref : NULL);
		db_bind_int64(stmt, 7, s->by_user);
		db_bind_int64(stmt, 8, s->t_ms);
		err = db_run_change(stmt, &new_id);
	}
	if (!err)
		err = store_int_ledger_id(st, "device", s->device_id, "sale", new_id, s->t_ms);
	err = store_int_end(st, stmt, err);
	if (!err) {
		s->id = new_id;
		s->event_id = event;
		if (id)
			*id = new_id;
	}
	return err;
}

static int sale_item(struct db_stmt *stmt, void *item)
{
	struct store_sale *s = item;

	s->id = db_col_int64(stmt, 0);
	s->device_id = db_col_int64(stmt, 1);
	s->event_id = db_col_int64(stmt, 2);
	s->price_cents = db_col_int64(stmt, 3);
	db_col_copy(stmt, 4, s->currency, sizeof(s->currency));
	db_col_copy(stmt, 5, s->channel, sizeof(s->channel));
	db_col_copy(stmt, 6, s->buyer_ref, sizeof(s->buyer_ref));
	s->by_user = db_col_int64(stmt, 7);
	s->t_ms = db_col_int64(stmt, 8);
	return 1;
}

enum store_err store_sale_of(struct store *st, long long device_id, struct store_sale *out)
{
	static const char sql[] = "SELECT id, device_id, event_id, price_cents, currency, channel, "
				  "buyer_ref, by_user, t_ms FROM sale WHERE device_id = ? "
				  "ORDER BY id DESC LIMIT 1";
	struct db_stmt *stmt = NULL;
	enum store_err err = db_prepare(st, sql, &stmt);

	memset(out, 0, sizeof(*out));
	if (!err)
		db_bind_int64(stmt, 1, device_id);
	return db_one(stmt, err, sale_item, NULL, out);
}

enum store_err store_approved_job(struct store *st, long long device_id, const char *checklist_id,
				  struct store_job *out)
{
	/* Approved: submitted, and that submission graded (a redo opens the job again;
	 * store_approved_count()). */
	static const char sql[] = "SELECT id FROM job WHERE device_id = ? AND checklist_id = ? AND "
				  "state = 'submitted' AND graded_ms = submitted_ms "
				  "ORDER BY id DESC LIMIT 1";
	struct db_stmt *stmt = NULL;
	enum store_err err = db_prepare(st, sql, &stmt);
	long long job = 0;

	memset(out, 0, sizeof(*out));
	if (!err) {
		db_bind_int64(stmt, 1, device_id);
		db_bind_text(stmt, 2, checklist_id);
	}
	err = db_one(stmt, err, id_item, NULL, &job);
	return err ? err : store_job_get(st, job, out);
}
