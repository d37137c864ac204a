/* The benches' own keys and their enrolment by the workshop key (schema 15), and the
 * workshop's public key as the certifying station published it. See store.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/db.h"
#include "store/store.h"
#include "store/store_int.h"

enum store_err store_bench_key_add(struct store *st, const struct store_bench_key *k,
				   long long *id)
{
	static const char sql[] = "INSERT INTO bench_key (bench, key_id, public, t_ms) "
				  "VALUES (?, ?, ?, ?) RETURNING id";
	struct db_stmt *stmt = NULL;
	long long new_id = 0;
	enum store_err err;

	if (!k->bench[0] || !k->key_id[0] || !k->public[0])
		return STORE_EINVAL;
	err = store_int_begin(st);
	if (err)
		return err;
	err = db_prepare(st, sql, &stmt);
	if (!err) {
		db_bind_text(stmt, 1, k->bench);
		db_bind_text(stmt, 2, k->key_id);
		db_bind_text(stmt, 3, k->public);
		db_bind_int64(stmt, 4, k->t_ms);
		err = db_run_change(stmt, &new_id);
	}
	err = store_int_end(st, stmt, err);
	if (!err && id)
		*id = new_id;
	return err;
}

enum store_err store_bench_key_enrol(struct store *st, const struct store_bench_key *k)
{
	static const char sql[] = "INSERT INTO bench_enrolment (key_id, by_user, t_ms, signer, sig) "
				  "VALUES (?, ?, ?, ?, ?)";
	struct db_stmt *stmt = NULL;
	enum store_err err;

	if (!k->key_id[0] || !k->signer[0] || !k->sig[0])
		return STORE_EINVAL;
	err = store_int_begin(st);
	if (err)
		return err;
	err = db_prepare(st, sql, &stmt);
	if (!err) {
		db_bind_text(stmt, 1, k->key_id);
		db_bind_int64(stmt, 2, k->enrolled_by);
		db_bind_int64(stmt, 3, k->enrolled_ms);
		db_bind_text(stmt, 4, k->signer);
		db_bind_text(stmt, 5, k->sig);
		err = db_run_change(stmt, NULL);
	}
	return store_int_end(st, stmt, err);
}

#define KEY_COLS                                                                          \
	"SELECT k.id, k.bench, k.key_id, k.public, k.t_ms, e.by_user, e.t_ms, e.signer, e.sig " \
	"FROM bench_key k LEFT JOIN bench_enrolment e ON e.key_id = k.key_id "

static int key_item(struct db_stmt *stmt, void *item)
{
	struct store_bench_key *k = item;

	memset(k, 0, sizeof(*k));
	k->id = db_col_int64(stmt, 0);
	db_col_copy(stmt, 1, k->bench, sizeof(k->bench));
	db_col_copy(stmt, 2, k->key_id, sizeof(k->key_id));
	db_col_copy(stmt, 3, k->public, sizeof(k->public));
	k->t_ms = db_col_int64(stmt, 4);
	k->enrolled = !db_col_is_null(stmt, 5);
	k->enrolled_by = db_col_int64(stmt, 5);
	k->enrolled_ms = db_col_int64(stmt, 6);
	db_col_copy(stmt, 7, k->signer, sizeof(k->signer));
	db_col_copy(stmt, 8, k->sig, sizeof(k->sig));
	return 1;
}

enum store_err store_bench_key_get(struct store *st, const char *key_id,
				   struct store_bench_key *out)
{
	static const char sql[] = KEY_COLS "WHERE k.key_id = ?";
	struct db_stmt *stmt = NULL;
	enum store_err err = db_prepare(st, sql, &stmt);

	if (!err)
		db_bind_text(stmt, 1, key_id);
	return db_one(stmt, err, key_item, NULL, out);
}

enum store_err store_bench_keys(struct store *st, struct store_bench_key **out, size_t *n)
{
	static const char sql[] = KEY_COLS "ORDER BY k.id";
	struct db_stmt *stmt = NULL;
	enum store_err err = db_prepare(st, sql, &stmt);
	void *items;

	err = db_collect(stmt, err, sizeof(**out), key_item, NULL, &items, n);
	*out = items;
	return err;
}

enum store_err store_workshop_key_publish(struct store *st, const char *public_text)
{
	static const char sql[] = "INSERT INTO bench (key, value) VALUES ('workshop_key', ?) "
				  "ON CONFLICT (key) DO UPDATE SET value = excluded.value";
	struct db_stmt *stmt = NULL;
	enum store_err err = store_int_begin(st);

	if (err)
		return err;
	err = db_prepare(st, sql, &stmt);
	if (!err) {
		db_bind_text(stmt, 1, public_text);
		err = db_run_change(stmt, NULL);
	}
	return store_int_end(st, stmt, err);
}

static int text_item(struct db_stmt *stmt, void *item)
{
	char *out = item;

	db_col_copy(stmt, 0, out, STORE_PUBLIC_TEXT);
	return 1;
}

enum store_err store_workshop_key_published(struct store *st, char out[STORE_PUBLIC_TEXT])
{
	static const char sql[] = "SELECT value FROM bench WHERE key = 'workshop_key'";
	struct db_stmt *stmt = NULL;
	enum store_err err = db_prepare(st, sql, &stmt);

	out[0] = '\0';
	return db_one(stmt, err, text_item, NULL, out);
}
