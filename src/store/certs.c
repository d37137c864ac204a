/* Certificates. See store.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/db.h"
#include "store/store.h"
#include "store/store_int.h"

#define CERT_COLS "id, device_id, issued_ms, by_user, key_id, body"
/* CERT_COLS, and whether the kept text was redacted (an erased name taken out): 1 or 0, an
 * integer on both backends (PostgreSQL's EXISTS alone is a boolean). */
#define CERT_READ                                                                            \
	CERT_COLS ", CASE WHEN EXISTS (SELECT 1 FROM redaction r JOIN ledger l ON "           \
		  "l.chain = r.chain AND l.seq = r.seq WHERE l.kind = 'certificate' AND "     \
		  "l.ref = certificate.id) THEN 1 ELSE 0 END"

static enum store_err bound_change(struct store *st, const char *sql, const char *t1,
				   const char *t2, long long i1, const char *t3)
{
	struct db_stmt *stmt = NULL;
	enum store_err err = db_prepare(st, sql, &stmt);

	if (!err) {
		db_bind_text(stmt, 1, t1);
		db_bind_text(stmt, 2, t2);
		db_bind_int64(stmt, 3, i1);
		if (t3)
			db_bind_text(stmt, 4, t3);
		err = db_run_change(stmt, NULL);
		if (!err && db_changes(st) != 1)
			err = STORE_ESTALE;
	}
	db_done(stmt);
	return err;
}

static enum store_err insert_cert(struct store *st, const struct store_certificate *c)
{
	static const char sql[] = "INSERT INTO certificate (" CERT_COLS ") VALUES (?, ?, ?, ?, ?, ?)";
	struct db_stmt *stmt = NULL;
	enum store_err err = db_prepare(st, sql, &stmt);

	if (!err) {
		db_bind_text(stmt, 1, c->id);
		db_bind_int64(stmt, 2, c->device_id);
		db_bind_int64(stmt, 3, c->issued_ms);
		db_bind_int64(stmt, 4, c->by_user);
		db_bind_text(stmt, 5, c->key_id);
		db_bind_text(stmt, 6, c->body);
		err = db_run_change(stmt, NULL);
	}
	db_done(stmt);
	return err;
}

static enum store_err insert_event(struct store *st, const struct store_certificate *c,
				   enum device_state from, const char *reason, long long *id)
{
	static const char sql[] = "INSERT INTO device_event (device_id, from_state, to_state, "
				  "user_id, reason, t_ms, bench) VALUES (?, ?, 'certified', ?, ?, ?, ?) "
				  "RETURNING id";
	struct db_stmt *stmt = NULL;
	enum store_err err = db_prepare(st, sql, &stmt);

	if (!err) {
		db_bind_int64(stmt, 1, c->device_id);
		db_bind_text(stmt, 2, device_state_name(from));
		db_bind_int64(stmt, 3, c->by_user);
		db_bind_text(stmt, 4, reason);
		db_bind_int64(stmt, 5, c->issued_ms);
		db_bind_text(stmt, 6, store_int_bench(st));
		err = db_run_change(stmt, id);
	}
	db_done(stmt);
	return err;
}

enum store_err store_certificate_add(struct store *st, const struct store_certificate *c,
				     enum device_state from, const char *reason)
{
	static const char move[] = "UPDATE device SET state = ? WHERE state = ? AND id = ?";
	enum store_err err = store_int_begin_scope(st, c->device_id, 0);
	long long event = 0;

	if (err)
		return err;
	err = bound_change(st, move, device_state_name(DEVICE_CERTIFIED), device_state_name(from),
			   c->device_id, NULL);
	if (!err)
		err = insert_event(st, c, from, reason, &event);
	if (!err)
		err = insert_cert(st, c);
	if (!err)
		err = store_int_ledger_id(st, "device", c->device_id, "state", event, c->issued_ms);
	if (!err) {
		char chain[STORE_CHAIN_MAX];

		snprintf(chain, sizeof(chain), "device:%lld", c->device_id);
		err = store_int_ledger(st, chain, "certificate", c->id, c->issued_ms);
	}
	if (!err)
		err = store_int_commit(st);
	if (err)
		store_int_rollback(st);
	return err;
}

static void cert_row(struct db_stmt *stmt, struct store_certificate *c)
{
	db_col_copy(stmt, 0, c->id, sizeof(c->id));
	c->device_id = db_col_int64(stmt, 1);
	c->issued_ms = db_col_int64(stmt, 2);
	c->by_user = db_col_int64(stmt, 3);
	db_col_copy(stmt, 4, c->key_id, sizeof(c->key_id));
	c->body = db_col_dup(stmt, 5);
	c->redacted = db_col_int64(stmt, 6);
}

static int cert_item(struct db_stmt *stmt, void *item)
{
	struct store_certificate *c = item;

	cert_row(stmt, c);
	return c->body != NULL;
}

static void cert_item_release(void *item)
{
	store_certificate_release(item);
}

enum store_err store_certificate_get(struct store *st, const char *id,
				     struct store_certificate *out)
{
	static const char sql[] = "SELECT " CERT_READ " FROM certificate WHERE id = ?";
	struct db_stmt *stmt = NULL;
	enum store_err err = db_prepare(st, sql, &stmt);

	memset(out, 0, sizeof(*out));
	if (!err)
		db_bind_text(stmt, 1, id);
	return db_one(stmt, err, cert_item, cert_item_release, out);
}

enum store_err store_certificate_list(struct store *st, long long device_id,
				      struct store_certificate **out, size_t *n)
{
	static const char sql[] = "SELECT " CERT_READ " FROM certificate WHERE (? = 0 OR "
				  "device_id = ?) ORDER BY issued_ms DESC, id";
	struct db_stmt *stmt = NULL;
	enum store_err err = db_prepare(st, sql, &stmt);
	void *items;

	if (!err) {
		db_bind_int64(stmt, 1, device_id);
		db_bind_int64(stmt, 2, device_id);
	}
	err = db_collect(stmt, err, sizeof(**out), cert_item, cert_item_release, &items, n);
	*out = items;
	return err;
}

void store_certificate_release(struct store_certificate *c)
{
	if (c) {
		free(c->body);
		c->body = NULL;
	}
}

void store_certificates_free(struct store_certificate *c, size_t n)
{
	for (size_t i = 0; c && i < n; i++)
		store_certificate_release(&c[i]);
	free(c);
}


/* ---- revocations ---- */

/* Inside a transaction: revoke CERT_ID, and its entry in DEVICE_ID's chain. */
enum store_err store_int_revoke(struct store *st, const char *cert_id, long long device_id,
				long long by_user, const char *reason, long long t_ms)
{
	static const char sql[] = "INSERT INTO revocation (certificate_id, by_user, reason, t_ms) "
				  "VALUES (?, ?, ?, ?) RETURNING id";
	struct db_stmt *stmt = NULL;
	enum store_err err = db_prepare(st, sql, &stmt);
	long long id = 0;

	if (!err) {
		db_bind_text(stmt, 1, cert_id);
		db_bind_id(stmt, 2, by_user);
		db_bind_text(stmt, 3, reason);
		db_bind_int64(stmt, 4, t_ms);
		err = db_run_change(stmt, &id);
	}
	db_done(stmt);
	if (!err)
		err = store_int_ledger_id(st, "device", device_id, "revoke", id, t_ms);
	return err;
}

enum store_err store_certificate_revoke(struct store *st, const char *cert_id, long long by_user,
					const char *reason, long long t_ms)
{
	struct store_certificate c = { 0 };
	struct store_revocation r;
	enum store_err err;

	if (!reason || !reason[0] || strlen(reason) >= sizeof(r.reason))
		return STORE_EINVAL;
	err = store_int_begin_for(st, STORE_SCOPE_OF_CERT, 0, cert_id);
	if (err)
		return err;
	err = store_certificate_get(st, cert_id, &c);
	if (!err) {
		err = store_revocation_get(st, cert_id, &r);
		if (err == STORE_OK)
			err = STORE_EEXIST;
		else if (err == STORE_ENOENT)
			err = store_int_revoke(st, cert_id, c.device_id, by_user, reason, t_ms);
	}
	store_certificate_release(&c);
	return store_int_end(st, NULL, err);
}

#define REVOCATION_COLS "id, certificate_id, COALESCE(by_user, 0), reason, t_ms"

static int revocation_item(struct db_stmt *stmt, void *item)
{
	struct store_revocation *r = item;

	r->id = db_col_int64(stmt, 0);
	db_col_copy(stmt, 1, r->certificate_id, sizeof(r->certificate_id));
	r->by_user = db_col_int64(stmt, 2);
	db_col_copy(stmt, 3, r->reason, sizeof(r->reason));
	r->t_ms = db_col_int64(stmt, 4);
	return 1;
}

enum store_err store_revocation_get(struct store *st, const char *cert_id,
				    struct store_revocation *out)
{
	static const char sql[] = "SELECT " REVOCATION_COLS " FROM revocation "
				  "WHERE certificate_id = ?";
	struct db_stmt *stmt = NULL;
	enum store_err err = db_prepare(st, sql, &stmt);

	memset(out, 0, sizeof(*out));
	if (!err)
		db_bind_text(stmt, 1, cert_id);
	return db_one(stmt, err, revocation_item, NULL, out);
}

enum store_err store_revocations(struct store *st, struct store_revocation **out, size_t *n)
{
	static const char sql[] = "SELECT " REVOCATION_COLS " FROM revocation ORDER BY id";
	struct db_stmt *stmt = NULL;
	enum store_err err = db_prepare(st, sql, &stmt);
	void *items;

	err = db_collect(stmt, err, sizeof(**out), revocation_item, NULL, &items, n);
	*out = items;
	return err;
}

enum store_err store_int_revoke_device(struct store *st, long long device_id, long long by_user,
				       const char *reason, long long t_ms)
{
	static const char sql[] = "SELECT id FROM certificate c WHERE device_id = ? AND NOT EXISTS "
				  "(SELECT 1 FROM revocation r WHERE r.certificate_id = c.id) "
				  "ORDER BY issued_ms LIMIT 1";
	enum store_err err = STORE_OK;

	/* One at a time until none is left: each revocation is a row and an entry. */
	while (!err) {
		struct db_stmt *stmt = NULL;
		char id[64] = "";
		int row = 0;

		err = db_prepare(st, sql, &stmt);
		if (err)
			break;
		db_bind_int64(stmt, 1, device_id);
		err = db_step(stmt, &row);
		if (!err && row)
			db_col_copy(stmt, 0, id, sizeof(id));
		db_done(stmt);
		if (err || !id[0])
			break;
		err = store_int_revoke(st, id, device_id, by_user, reason, t_ms);
	}
	return err;
}
