/*
 * ledger — every record that matters, in chains whose heads are signed. See store.h.
 *
 * A chain is named "workshop", "device:ID" or "job:ID". Each entry of the ledger table
 * holds the chain, its position, a kind, the row it is about (REF), the time, and a body:
 * the canonical JSON of that row's columns (a fixed list per kind, so that a column added
 * later does not change an old body) and the state of the job or the device right after
 * it. Its hash covers all of that and the previous entry's hash. chain_head keeps where
 * each chain ends, signed by the workshop key through the store's sealer.
 *
 * What this catches, and where:
 *   - an entry or the row it names changed after the fact: its body or hash no longer match;
 *   - entries or rows taken away (the last steps of a job cut off): the head says more
 *     entries than there are, or an entry names a row that is gone;
 *   - a row added behind Atelier's back (a grade inserted by hand): it has no entry;
 *   - a chain rewritten and its hashes recomputed: the head's signature no longer matches,
 *     and nobody without the key can sign a new one;
 *   - a job's or device's state changed by hand: it differs from the last entry's;
 *   - a whole job or device removed: the device's or the workshop's chain names it.
 *   - an account's role, state or secret changed by hand: the "accounts" chain holds each
 *     account as Atelier last wrote it.
 * Rolling the whole file back to an older copy is not caught here (docs/security.md).
 *
 * Names, and erasing them (schema 11, docs/privacy.md). An entry's hash covers its body,
 * so a body that holds a person's name would keep it for good. From schema 11 no body
 * does: an account's entry is of kind "account", which names the row by id and holds
 * its code, role, state and a digest of its secret (secret_digest(), one-way, salted by
 * argon2id's own salt, useless to guess a PIN with), never its name; everything else
 * names people by id. The name stays in app_user.name, outside every hashed byte, and
 * an erasure overwrites it without touching a chain.
 * Entries written before schema 11 may still hold a name: the "user" entries (an
 * account's name and secret hash) and the "certificate" entries (the certificate's text,
 * which named trainees). Their hashes are signed into the heads and cannot change. So an
 * erasure *redacts* them: it checks the entry's hash against its body as it is, replaces
 * the body by the same text with the name (and a secret hash) taken out, and records, in
 * a row of "redaction" and an entry "redact" appended to the same chain, the entry's
 * original hash and the hash of the entry as redacted. Checking the chain, a redacted
 * entry is accepted when a later "redact" entry of the chain names it with both hashes:
 * its original hash still links the chain and the signed head to it, and every byte of
 * what is left is covered by the redacted hash, which the "redact" entry holds and the
 * head signs in turn. Nobody without the key can redact an entry (the "redact" entry
 * moves the signed head), nothing but the name goes (the check recomputes the redacted
 * hash over all the other fields), and an entry that did not check before is never
 * redacted (store_user_erase() refuses). What a redaction cannot give back is the name
 * itself: that is the point. Why not hash a digest of each body from the start, or
 * rehash the old chains? The first would not help the entries already written; the
 * second would throw away the signatures that prove them, and anyone who can run a
 * migration could rewrite a record on the way.
 */
#include "store/db.h"
#include "store/store.h"
#include "store/store_int.h"
#include "util/hash.h"

#include <jansson.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define GENESIS_TAG "atelier-ledger-genesis-v1"
#define ENTRY_TAG "atelier-ledger-v1"
#define HEAD_TAG "atelier-head-v1"
#define SECRET_TAG "atelier-secret-v1"

/* The row an entry of each kind is about: its columns, in a list fixed for good. */
struct kind_def {
	const char *kind;
	const char *sql; /* one ? for the row's key; NULL: the entry names no row */
	const char *row; /* the row may change (an account; its table): each change is a new
			    entry, of this kind or another of the same table, and only the row's
			    latest entry must match it. NULL: the row never changes */
};

static const struct kind_def kinds[] = {
	{ "start", "SELECT id, device_id, checklist_id, checklist_version, checklist_hash, "
		   "trainee_id, started_ms FROM job WHERE id = ?", NULL },
	{ "step", "SELECT " STORE_STEP_ROW_COLS " FROM step_record WHERE id = ?", NULL },
	{ "job_state", NULL, NULL },
	{ "event", "SELECT id, job_id, kind, user_id, t_ms, record_id, result, note FROM job_event "
		   "WHERE id = ?", NULL },
	{ "grade", "SELECT id, job_id, submitted_ms, verdict, redo, scores, feedback, by_user, t_ms "
		   "FROM grade WHERE id = ?", NULL },
	{ "ack", "SELECT grade_id, user_id, t_ms FROM grade_ack WHERE grade_id = ?", NULL },
	{ "created", "SELECT id, platform, first_seen_ms FROM device WHERE id = ?", NULL },
	{ "job", "SELECT id, checklist_id, trainee_id, started_ms FROM job WHERE id = ?", NULL },
	{ "state", "SELECT id, device_id, from_state, to_state, user_id, reason, t_ms "
		   "FROM device_event WHERE id = ?", NULL },
	{ "certificate", "SELECT id, device_id, issued_ms, by_user, key_id, body FROM certificate "
			 "WHERE id = ?", NULL },
	{ "revoke", "SELECT id, certificate_id, by_user, reason, t_ms FROM revocation WHERE id = ?",
	  NULL },
	{ "device", "SELECT id, platform, first_seen_ms FROM device WHERE id = ?", NULL },
	/* Before schema 11: the account with its name and its secret's hash. */
	{ "user", "SELECT id, name, role, active, secret_hash FROM app_user WHERE id = ?",
	  "app_user" },
	{ "signoff",
	  "SELECT id, user_id, competence, by_user, note, t_ms FROM signoff WHERE id = ?", NULL },
	/* From schema 11: the account without its name, and its secret as a digest. */
	{ "account", "SELECT id, code, role, active, secret_digest(secret_hash) AS secret, "
		     "erased_ms FROM app_user WHERE id = ?", "app_user" },
	{ "erase", "SELECT id, user_id, by_user, why, t_ms FROM erasure WHERE id = ?", NULL },
	{ "redact", "SELECT id, erasure_id, chain, seq, hash, redacted_hash FROM redaction "
		    "WHERE id = ?", NULL },
	/* From schema 13: resale. */
	{ "batch", "SELECT id, name, donor, by_user, t_ms FROM intake_batch WHERE id = ?", NULL },
	{ "batched", "SELECT id, device_id, batch_id, by_user, t_ms FROM device_batch WHERE id = ?",
	  NULL },
	{ "shelf", "SELECT id, device_id, shelf, by_user, t_ms FROM shelf_move WHERE id = ?", NULL },
	{ "sale", "SELECT id, device_id, event_id, price_cents, currency, channel, buyer_ref, "
		  "by_user, t_ms FROM sale WHERE id = ?", NULL },
	{ "destruction", "SELECT id, device_id, method, by_user, t_ms FROM destruction WHERE id = ?",
	  NULL },
};

/* The id at the end of a chain's name ("job:12" -> 12); 0 for "workshop". */
static long long chain_id(const char *chain)
{
	const char *colon = strchr(chain, ':');

	return colon ? strtoll(colon + 1, NULL, 10) : 0;
}

static const struct kind_def *kind_find(const char *kind)
{
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (strcmp(kinds[i].kind, kind) == 0)
			return &kinds[i];
	return NULL;
}

void store_set_sealer(struct store *st, const struct store_sealer *s)
{
	if (s)
		st->sealer = *s;
	else
		memset(&st->sealer, 0, sizeof(st->sealer));
}

/* ---- hashes ---- */

static void genesis(const char *chain, char out[STORE_HASH_HEX])
{
	crypto_hash_sha256_state h;

	crypto_hash_sha256_init(&h);
	hash_feed(&h, GENESIS_TAG);
	hash_feed(&h, chain);
	hash_finish(&h, out);
}

static void entry_hash(const struct store_ledger_entry *e, char out[STORE_HASH_HEX])
{
	crypto_hash_sha256_state h;

	crypto_hash_sha256_init(&h);
	hash_feed(&h, ENTRY_TAG);
	hash_feed(&h, e->chain);
	hash_feed_num(&h, e->seq);
	hash_feed(&h, e->kind);
	hash_feed(&h, e->ref[0] ? e->ref : NULL);
	hash_feed_num(&h, e->t_ms);
	hash_feed(&h, e->body);
	hash_feed(&h, e->prev_hash);
	hash_finish(&h, out);
}

int store_head_message(const char *chain, long long seq, const char *hash, char *out, size_t size)
{
	int n = snprintf(out, size, HEAD_TAG "\n%s\n%lld\n%s\n", chain, seq, hash);

	return n < 0 || (size_t)n >= size ? -1 : 0;
}

/* ---- bodies ---- */

/* "hex:" and the bytes P (N of them) in hex, as a JSON string; NULL when out of memory. */
static json_t *hex_value(const void *p, size_t n)
{
	size_t size = 4 + 2 * n + 1;
	char *text = malloc(size);
	json_t *v = NULL;

	if (text) {
		memcpy(text, "hex:", 4);
		sodium_bin2hex(text + 4, size - 4, p, n);
		v = json_string(text);
		free(text);
	}
	return v;
}

/* The columns of the row STMT stands on, as a JSON object named by the columns; NULL
 * when out of memory. */
json_t *store_int_row_json(struct db_stmt *stmt)
{
	json_t *o = json_object();

	for (int c = 0; o && c < db_col_count(stmt); c++) {
		const char *name = db_col_name(stmt, c);
		const void *bytes;
		size_t len;
		json_t *v;

		switch (db_col_type(stmt, c)) {
		case DB_NULL:
			v = json_null();
			break;
		case DB_INTEGER:
			v = json_integer(db_col_int64(stmt, c));
			break;
		default: /* text; a real or blob is kept as its text too */
			v = json_string(db_col_text(stmt, c));
			if (!v) { /* not UTF-8: its bytes in hex, so that the body stays exact */
				bytes = db_col_bytes(stmt, c, &len);
				v = hex_value(bytes, len);
			}
			break;
		}
		if (!v || json_object_set_new(o, name, v) != 0) {
			json_decref(o);
			o = NULL;
		}
	}
	return o;
}

/* The columns of the row KIND names by REF, as a JSON object; json_null() when the kind
 * names no row; NULL (with the error in *ERR) when the row is gone or on failure. */
static json_t *row_json(struct store *st, const struct kind_def *k, const char *ref,
			enum store_err *err)
{
	struct db_stmt *stmt = NULL;
	json_t *o = NULL;
	int row = 0;

	*err = STORE_OK;
	if (!k->sql)
		return json_null();
	*err = db_prepare(st, k->sql, &stmt);
	if (*err)
		return NULL;
	db_bind_text(stmt, 1, ref);
	*err = db_step(stmt, &row);
	if (*err)
		goto out;
	if (!row) {
		*err = STORE_ENOENT;
		goto out;
	}
	o = store_int_row_json(stmt);
	if (!o)
		*err = STORE_EINTERNAL;
out:
	db_done(stmt);
	return o;
}

/* CHAIN as it is now into CN: its head and, for a job's or a device's chain, the state its
 * entries carry (added to an entry's body by put_state()), read together: one read inside
 * the write. */
static enum store_err head_and_state(struct store *st, const char *chain,
				     struct store_int_chain_now *cn)
{
	static const char sql_job[] =
		"SELECT h.seq, h.hash, j.state, j.submitted_ms FROM job j "
		"LEFT JOIN chain_head h ON h.chain = ?1 WHERE j.id = ?2";
	static const char sql_dev[] = "SELECT h.seq, h.hash, d.state, NULL FROM device d "
				      "LEFT JOIN chain_head h ON h.chain = ?1 WHERE d.id = ?2";
	const char *sql = NULL;
	struct db_stmt *stmt = NULL;
	enum store_err err;
	int row = 0;

	memset(cn, 0, sizeof(*cn));
	if (strncmp(chain, "job:", 4) == 0)
		sql = sql_job;
	else if (strncmp(chain, "device:", 7) == 0)
		sql = sql_dev;
	if (!sql) {
		struct store_chain_head head;

		err = store_chain_head(st, chain, &head);
		cn->has_head = err == STORE_OK;
		cn->seq = head.seq;
		memcpy(cn->hash, head.hash, sizeof(cn->hash));
		return err == STORE_ENOENT ? STORE_OK : err;
	}
	err = db_prepare(st, sql, &stmt);
	if (err)
		return err;
	db_bind_text(stmt, 1, chain);
	db_bind_int64(stmt, 2, chain_id(chain));
	err = db_step(stmt, &row);
	if (!err && row) {
		cn->has_head = !db_col_is_null(stmt, 0);
		if (cn->has_head) {
			cn->seq = db_col_int64(stmt, 0);
			db_col_copy(stmt, 1, cn->hash, sizeof(cn->hash));
		}
		cn->has_state = 1;
		db_col_copy(stmt, 2, cn->state, sizeof(cn->state));
		cn->submitted_null = db_col_is_null(stmt, 3);
		cn->submitted_ms = db_col_int64(stmt, 3);
	} else if (!err) {
		err = STORE_ENOENT; /* the job or device of the chain is gone */
	}
	db_done(stmt);
	return err;
}

/* The state of a job's or a device's chain, into the body O of its new entry. */
static void put_state(const char *chain, const struct store_int_chain_now *cs, json_t *o)
{
	if (!cs->has_state)
		return;
	json_object_set_new(o, "state", json_string(cs->state));
	if (strncmp(chain, "job:", 4) == 0)
		json_object_set_new(o, "submitted_ms", cs->submitted_null
							   ? json_null()
							   : json_integer(cs->submitted_ms));
}

/* The state of CHAIN's job or device as it is now, into O (any other chain: nothing). */
static enum store_err add_state(struct store *st, const char *chain, json_t *o)
{
	struct store_int_chain_now cs;
	enum store_err err;

	if (strncmp(chain, "job:", 4) != 0 && strncmp(chain, "device:", 7) != 0)
		return STORE_OK;
	err = head_and_state(st, chain, &cs);
	if (!err)
		put_state(chain, &cs, o);
	return err;
}

static char *dump(const json_t *o)
{
	return json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENSURE_ASCII | JSON_ENCODE_ANY);
}

char *store_int_canonical(const json_t *o)
{
	return dump(o);
}

/* The canonical text of the row KIND names by REF (NULL when none), into *OUT (free()). */
static enum store_err row_text(struct store *st, const char *kind, const char *ref, char **out)
{
	const struct kind_def *k = kind_find(kind);
	enum store_err err;
	json_t *row;

	*out = NULL;
	if (!k)
		return STORE_EINVAL;
	row = row_json(st, k, ref, &err);
	if (!row)
		return err;
	*out = dump(row);
	json_decref(row);
	return *out ? STORE_OK : STORE_EINTERNAL;
}

/* ---- the head ---- */

static int head_item(struct db_stmt *stmt, void *item)
{
	struct store_chain_head *h = item;

	db_col_copy(stmt, 0, h->chain, sizeof(h->chain));
	h->seq = db_col_int64(stmt, 1);
	db_col_copy(stmt, 2, h->hash, sizeof(h->hash));
	h->t_ms = db_col_int64(stmt, 3);
	db_col_copy(stmt, 4, h->key_id, sizeof(h->key_id));
	db_col_copy(stmt, 5, h->sig, sizeof(h->sig));
	return 1;
}

#define HEAD_COLS "chain, seq, hash, t_ms, key_id, sig"

enum store_err store_chain_head(struct store *st, const char *chain, struct store_chain_head *out)
{
	static const char sql[] = "SELECT " HEAD_COLS " FROM chain_head WHERE chain = ?";
	struct db_stmt *stmt = NULL;
	enum store_err err = db_prepare(st, sql, &stmt);

	memset(out, 0, sizeof(*out));
	if (!err)
		db_bind_text(stmt, 1, chain);
	return db_one(stmt, err, head_item, NULL, out);
}

/* Sign and write the head of CHAIN at SEQ, HASH. */
static enum store_err put_head(struct store *st, const char *chain, long long seq,
			       const char *hash, long long t_ms)
{
	static const char sql[] =
		"INSERT INTO chain_head (chain, seq, hash, t_ms, key_id, sig) VALUES (?, ?, ?, ?, ?, ?) "
		"ON CONFLICT (chain) DO UPDATE SET seq = excluded.seq, hash = excluded.hash, "
		"t_ms = excluded.t_ms, key_id = excluded.key_id, sig = excluded.sig";
	char msg[STORE_CHAIN_MAX + 2 * STORE_HASH_HEX + 64];
	char sig[STORE_SIG_TEXT] = "", key_id[STORE_KEY_ID_HEX] = "";
	struct db_stmt *stmt = NULL;
	enum store_err err;

	if (store_head_message(chain, seq, hash, msg, sizeof(msg)) != 0)
		return STORE_EINVAL;
	/* Written unsealed, for now: sealed before the batch commits (batch.c). */
	if (st->sealer.seal && store_int_seal_later(st, chain, seq, hash, msg) != 0 &&
	    st->sealer.seal(st->sealer.ctx, msg, sig, key_id) != 0)
		return STORE_ESEAL;
	err = db_prepare(st, sql, &stmt);
	if (err)
		return err;
	db_bind_text(stmt, 1, chain);
	db_bind_int64(stmt, 2, seq);
	db_bind_text(stmt, 3, hash);
	db_bind_int64(stmt, 4, t_ms);
	db_bind_text(stmt, 5, key_id);
	db_bind_text(stmt, 6, sig);
	err = db_run_change(stmt, NULL);
	db_done(stmt);
	return err;
}

/* ---- appending ---- */

/* store_int_ledger() with ROW (taken; NULL: read here), the row REF as KIND's query reads
 * it (store_int_ledger_id_row()), and the chain as the caller read it (NULL: read here). */
static enum store_err ledger_append(struct store *st, const char *chain, const char *kind,
				    const char *ref, long long t_ms, json_t *row,
				    const struct store_int_chain_now *now)
{
	static const char sql[] = "INSERT INTO ledger (chain, seq, kind, ref, t_ms, body, "
				  "prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
	struct store_ledger_entry e;
	struct store_int_chain_now cs;
	const struct kind_def *k = kind_find(kind);
	struct db_stmt *stmt = NULL;
	json_t *body = NULL;
	enum store_err err;

	memset(&e, 0, sizeof(e));
	if (!k || strlen(chain) >= sizeof(e.chain) || (ref && strlen(ref) >= sizeof(e.ref))) {
		json_decref(row);
		return STORE_EINVAL;
	}
	if (sodium_init() < 0) {
		json_decref(row);
		return STORE_EINTERNAL;
	}
	snprintf(e.chain, sizeof(e.chain), "%s", chain);
	snprintf(e.kind, sizeof(e.kind), "%s", kind);
	snprintf(e.ref, sizeof(e.ref), "%s", ref ? ref : "");
	e.t_ms = t_ms;

	if (now) {
		cs = *now;
		err = STORE_OK;
	} else {
		err = head_and_state(st, chain, &cs);
	}
	if (err) {
		json_decref(row);
		return err;
	}
	if (!cs.has_head) {
		e.seq = 1;
		genesis(chain, e.prev_hash);
	} else {
		e.seq = cs.seq + 1;
		memcpy(e.prev_hash, cs.hash, sizeof(e.prev_hash));
	}
	if (!row)
		row = row_json(st, k, e.ref, &err);
	if (!row)
		return err;
	body = json_pack("{s:o}", "row", row);
	if (!body)
		return STORE_EINTERNAL;
	put_state(chain, &cs, body);
	e.body = dump(body);
	if (!e.body) {
		err = STORE_EINTERNAL;
		goto out;
	}
	entry_hash(&e, e.hash);
	err = db_prepare(st, sql, &stmt);
	if (err)
		goto out;
	db_bind_text(stmt, 1, e.chain);
	db_bind_int64(stmt, 2, e.seq);
	db_bind_text(stmt, 3, e.kind);
	db_bind_text(stmt, 4, e.ref[0] ? e.ref : NULL);
	db_bind_int64(stmt, 5, e.t_ms);
	db_bind_text(stmt, 6, e.body);
	db_bind_text(stmt, 7, e.prev_hash);
	db_bind_text(stmt, 8, e.hash);
	err = db_run_change(stmt, NULL);
	if (!err)
		err = put_head(st, chain, e.seq, e.hash, t_ms);
out:
	db_done(stmt);
	free(e.body);
	json_decref(body);
	return err;
}

enum store_err store_int_ledger(struct store *st, const char *chain, const char *kind,
				const char *ref, long long t_ms)
{
	return ledger_append(st, chain, kind, ref, t_ms, NULL, NULL);
}

enum store_err store_int_ledger_id_row(struct store *st, const char *chain_kind,
				       long long chain_id, const char *kind, long long ref,
				       long long t_ms, json_t *row,
				       const struct store_int_chain_now *now)
{
	char chain[STORE_CHAIN_MAX], r[24];

	if (chain_id)
		snprintf(chain, sizeof(chain), "%s:%lld", chain_kind, chain_id);
	else
		snprintf(chain, sizeof(chain), "%s", chain_kind);
	snprintf(r, sizeof(r), "%lld", ref);
	return ledger_append(st, chain, kind, ref ? r : NULL, t_ms, row, now);
}

enum store_err store_int_ledger_id(struct store *st, const char *chain_kind, long long chain_id,
				   const char *kind, long long ref, long long t_ms)
{
	return store_int_ledger_id_row(st, chain_kind, chain_id, kind, ref, t_ms, NULL, NULL);
}

/* ---- checking ---- */

static int entry_item(struct db_stmt *stmt, void *item)
{
	struct store_ledger_entry *e = item;

	db_col_copy(stmt, 0, e->chain, sizeof(e->chain));
	e->seq = db_col_int64(stmt, 1);
	db_col_copy(stmt, 2, e->kind, sizeof(e->kind));
	db_col_copy(stmt, 3, e->ref, sizeof(e->ref));
	e->t_ms = db_col_int64(stmt, 4);
	e->body = db_col_dup(stmt, 5);
	db_col_copy(stmt, 6, e->prev_hash, sizeof(e->prev_hash));
	db_col_copy(stmt, 7, e->hash, sizeof(e->hash));
	return e->body != NULL;
}

static void entry_release(void *item)
{
	struct store_ledger_entry *e = item;

	free(e->body);
	e->body = NULL;
}

enum store_err store_ledger_of(struct store *st, const char *chain,
			       struct store_ledger_entry **out, size_t *n)
{
	static const char sql[] = "SELECT chain, seq, kind, COALESCE(ref, ''), t_ms, body, "
				  "prev_hash, hash FROM ledger WHERE chain = ? ORDER BY seq";
	struct db_stmt *stmt = NULL;
	enum store_err err = db_prepare(st, sql, &stmt);
	void *items;

	if (!err)
		db_bind_text(stmt, 1, chain);
	err = db_collect(stmt, err, sizeof(**out), entry_item, entry_release, &items, n);
	*out = items;
	return err;
}

enum store_err store_int_ledger_find(struct store *st, const char *kind, const char *chain,
				     const char *ref, struct store_ledger_entry **out, size_t *n)
{
	static const char sql[] = "SELECT chain, seq, kind, COALESCE(ref, ''), t_ms, body, "
				  "prev_hash, hash FROM ledger WHERE kind = ?1 AND ref = ?2 AND "
				  "(CAST(?3 AS TEXT) IS NULL OR chain = ?3) ORDER BY chain, seq";
	struct db_stmt *stmt = NULL;
	enum store_err err = db_prepare(st, sql, &stmt);
	void *items;

	if (!err) {
		db_bind_text(stmt, 1, kind);
		db_bind_text(stmt, 2, ref);
		db_bind_text(stmt, 3, chain);
	}
	err = db_collect(stmt, err, sizeof(**out), entry_item, entry_release, &items, n);
	*out = items;
	return err;
}

void store_ledger_free(struct store_ledger_entry *e, size_t n)
{
	for (size_t i = 0; e && i < n; i++)
		entry_release(&e[i]);
	free(e);
}

/* Set the finding (the first one wins) and return its verdict. */
static enum store_ledger_verdict found(struct store_ledger_check *c, enum store_ledger_verdict v,
				       const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static enum store_ledger_verdict found(struct store_ledger_check *c, enum store_ledger_verdict v,
				       const char *fmt, ...)
{
	va_list ap;

	if (c->verdict != STORE_LEDGER_OK)
		return c->verdict;
	c->verdict = v;
	va_start(ap, fmt);
	vsnprintf(c->why, sizeof(c->why), fmt, ap);
	va_end(ap);
	return v;
}

/* The rows of a chain's own tables that no entry names: added behind Atelier's back. */
struct orphan_query {
	const char *prefix; /* "job:", "device:", "workshop", "accounts"; "": every chain */
	const char *what;
	const char *sql; /* ?1: the id, ?2: the chain */
};

static const struct orphan_query orphans[] = {
	{ "job:", "step record", "SELECT seq FROM step_record s WHERE job_id = ?1 AND NOT EXISTS "
		  "(SELECT 1 FROM ledger l WHERE l.chain = ?2 AND l.kind = 'step' AND "
		  "l.ref = CAST(s.id AS TEXT)) ORDER BY seq LIMIT 1" },
	{ "job:", "job event", "SELECT id FROM job_event e WHERE job_id = ?1 AND NOT EXISTS "
		  "(SELECT 1 FROM ledger l WHERE l.chain = ?2 AND l.kind = 'event' AND "
		  "l.ref = CAST(e.id AS TEXT)) LIMIT 1" },
	{ "job:", "grade", "SELECT id FROM grade g WHERE job_id = ?1 AND NOT EXISTS "
		  "(SELECT 1 FROM ledger l WHERE l.chain = ?2 AND l.kind = 'grade' AND "
		  "l.ref = CAST(g.id AS TEXT)) LIMIT 1" },
	{ "job:", "acknowledgement", "SELECT a.grade_id FROM grade_ack a JOIN grade g ON "
		  "g.id = a.grade_id WHERE g.job_id = ?1 AND NOT EXISTS (SELECT 1 FROM ledger l "
		  "WHERE l.chain = ?2 AND l.kind = 'ack' AND l.ref = CAST(a.grade_id AS TEXT)) LIMIT 1" },
	{ "device:", "device event", "SELECT id FROM device_event e WHERE device_id = ?1 AND NOT "
		  "EXISTS (SELECT 1 FROM ledger l WHERE l.chain = ?2 AND l.kind = 'state' AND "
		  "l.ref = CAST(e.id AS TEXT)) LIMIT 1" },
	{ "device:", "job", "SELECT id FROM job j WHERE device_id = ?1 AND NOT EXISTS (SELECT 1 "
		  "FROM ledger l WHERE l.chain = ?2 AND l.kind = 'job' AND "
		  "l.ref = CAST(j.id AS TEXT)) LIMIT 1" },
	{ "device:", "certificate", "SELECT id FROM certificate c WHERE device_id = ?1 AND NOT "
		  "EXISTS (SELECT 1 FROM ledger l WHERE l.chain = ?2 AND l.kind = 'certificate' AND "
		  "l.ref = c.id) LIMIT 1" },
	{ "device:", "revocation", "SELECT r.id FROM revocation r JOIN certificate c ON "
		  "c.id = r.certificate_id WHERE c.device_id = ?1 AND NOT EXISTS (SELECT 1 FROM "
		  "ledger l WHERE l.chain = ?2 AND l.kind = 'revoke' AND "
		  "l.ref = CAST(r.id AS TEXT)) LIMIT 1" },
	{ "workshop", "device", "SELECT id FROM device d WHERE NOT EXISTS (SELECT 1 FROM ledger l "
		  "WHERE l.chain = ?2 AND l.kind = 'device' AND l.ref = CAST(d.id AS TEXT)) LIMIT 1" },
	{ "accounts", "account", "SELECT id FROM app_user u WHERE ?1 = 0 AND NOT EXISTS (SELECT 1 "
		  "FROM ledger l WHERE l.chain = ?2 AND l.kind IN ('user', 'account') AND "
		  "l.ref = CAST(u.id AS TEXT)) LIMIT 1" },
	{ "accounts", "erasure", "SELECT id FROM erasure e WHERE ?1 = 0 AND NOT EXISTS (SELECT 1 "
		  "FROM ledger l WHERE l.chain = ?2 AND l.kind = 'erase' AND "
		  "l.ref = CAST(e.id AS TEXT)) LIMIT 1" },
	/* Any chain: a redaction names the chain of the entry it took a name out of. */
	{ "", "redaction", "SELECT id FROM redaction r WHERE r.chain = ?2 AND NOT EXISTS (SELECT 1 "
		  "FROM ledger l WHERE l.chain = ?2 AND l.kind = 'redact' AND "
		  "l.ref = CAST(r.id AS TEXT)) LIMIT 1" },
	{ "accounts", "sign-off", "SELECT id FROM signoff s WHERE ?1 = 0 AND NOT EXISTS (SELECT 1 "
		  "FROM ledger l WHERE l.chain = ?2 AND l.kind = 'signoff' AND "
		  "l.ref = CAST(s.id AS TEXT)) LIMIT 1" },
	{ "workshop", "intake batch", "SELECT id FROM intake_batch x WHERE NOT EXISTS (SELECT 1 "
		  "FROM ledger l WHERE l.chain = ?2 AND l.kind = 'batch' AND "
		  "l.ref = CAST(x.id AS TEXT)) LIMIT 1" },
	{ "device:", "batch membership", "SELECT id FROM device_batch x WHERE device_id = ?1 AND NOT EXISTS (SELECT 1 "
		  "FROM ledger l WHERE l.chain = ?2 AND l.kind = 'batched' AND "
		  "l.ref = CAST(x.id AS TEXT)) LIMIT 1" },
	{ "device:", "shelf move", "SELECT id FROM shelf_move x WHERE device_id = ?1 AND NOT EXISTS (SELECT 1 "
		  "FROM ledger l WHERE l.chain = ?2 AND l.kind = 'shelf' AND "
		  "l.ref = CAST(x.id AS TEXT)) LIMIT 1" },
	{ "device:", "sale", "SELECT id FROM sale x WHERE device_id = ?1 AND NOT EXISTS (SELECT 1 "
		  "FROM ledger l WHERE l.chain = ?2 AND l.kind = 'sale' AND "
		  "l.ref = CAST(x.id AS TEXT)) LIMIT 1" },
	{ "device:", "destruction record", "SELECT id FROM destruction x WHERE device_id = ?1 AND NOT EXISTS (SELECT 1 "
		  "FROM ledger l WHERE l.chain = ?2 AND l.kind = 'destruction' AND "
		  "l.ref = CAST(x.id AS TEXT)) LIMIT 1" },
};

static enum store_err check_orphans(struct store *st, const char *chain,
				    struct store_ledger_check *c)
{
	long long id = chain_id(chain);

	for (size_t i = 0; i < sizeof(orphans) / sizeof(orphans[0]); i++) {
		const struct orphan_query *q = &orphans[i];
		struct db_stmt *stmt = NULL;
		enum store_err err;
		int row = 0;

		if (strncmp(chain, q->prefix, strlen(q->prefix)) != 0)
			continue;
		err = db_prepare(st, q->sql, &stmt);
		if (err)
			return err;
		db_bind_int64(stmt, 1, id);
		db_bind_text(stmt, 2, chain);
		err = db_step(stmt, &row);
		if (!err && row)
			found(c, STORE_LEDGER_ADDED,
			      "%s %lld of %s is not in its records: it was added "
			      "behind Atelier's back",
			      q->what, (long long)db_col_int64(stmt, 0), chain);
		db_done(stmt);
		if (err)
			return err;
	}
	return STORE_OK;
}

/* json_equal(), for which two missing values are not equal. */
static int same(const json_t *a, const json_t *b)
{
	return (!a && !b) || (a && b && json_equal(a, b));
}

/* Does the state in the last entry's BODY match the job's or device's state now? */
static enum store_err check_state(struct store *st, const char *chain, const char *body,
				  struct store_ledger_check *c)
{
	json_t *then = json_loads(body, 0, NULL), *now = json_object();
	enum store_err err = STORE_OK;

	if (!then || !now) {
		err = STORE_EINTERNAL;
		goto out;
	}
	err = add_state(st, chain, now);
	if (err == STORE_ENOENT) {
		found(c, STORE_LEDGER_REMOVED, "%s has records but is gone from the database", chain);
		err = STORE_OK;
		goto out;
	}
	if (err)
		goto out;
	if (!same(json_object_get(then, "state"), json_object_get(now, "state")) ||
	    !same(json_object_get(then, "submitted_ms"), json_object_get(now, "submitted_ms")))
		found(c, STORE_LEDGER_ALTERED, "the state of %s is '%s', but its records end with '%s': "
		      "it was changed behind Atelier's back", chain,
		      json_string_value(json_object_get(now, "state")) ?: "?",
		      json_string_value(json_object_get(then, "state")) ?: "?");
out:
	json_decref(then);
	json_decref(now);
	return err;
}

/* Does a later entry of E (N of them) speak for the same row as E[I], a row that changes? */
static int superseded(const struct store_ledger_entry *e, size_t n, size_t i)
{
	const struct kind_def *k = kind_find(e[i].kind), *later;

	if (!k || !k->row)
		return 0;
	for (size_t j = i + 1; j < n; j++) {
		later = kind_find(e[j].kind);
		if (later && later->row && strcmp(later->row, k->row) == 0 &&
		    strcmp(e[j].ref, e[i].ref) == 0)
			return 1;
	}
	return 0;
}

/* A redaction a "redact" entry of the chain speaks for: entry SEQ, its original HASH and
 * the hash of the entry as redacted, said at position AT. */
struct redacted {
	long long seq, at;
	char hash[STORE_HASH_HEX], redacted_hash[STORE_HASH_HEX];
};

/* The redactions the "redact" entries of CHAIN (E, N of them) speak for, in a new array
 * (free()), *NR of them. Entries not yet checked are read here: one that was forged fails
 * its own check further on, so the chain fails all the same. */
static enum store_err redactions_of(const char *chain, const struct store_ledger_entry *e,
				    size_t n, struct redacted **out, size_t *nr)
{
	struct redacted *r = NULL;
	size_t cap = 0;

	*out = NULL;
	*nr = 0;
	for (size_t i = 0; i < n; i++) {
		json_t *body, *row;
		const char *c, *h, *rh;

		if (strcmp(e[i].kind, "redact") != 0)
			continue;
		body = json_loads(e[i].body, 0, NULL);
		row = json_object_get(body, "row");
		c = json_string_value(json_object_get(row, "chain"));
		h = json_string_value(json_object_get(row, "hash"));
		rh = json_string_value(json_object_get(row, "redacted_hash"));
		if (c && h && rh && strcmp(c, chain) == 0 && strlen(h) < STORE_HASH_HEX &&
		    strlen(rh) < STORE_HASH_HEX) {
			void *more = store_int_room_for_one(r, *nr, &cap, sizeof(*r));

			if (!more) {
				json_decref(body);
				free(r);
				*nr = 0;
				return STORE_EINTERNAL;
			}
			r = more;
			r[*nr].seq = json_integer_value(json_object_get(row, "seq"));
			r[*nr].at = e[i].seq;
			snprintf(r[*nr].hash, sizeof(r[*nr].hash), "%s", h);
			snprintf(r[*nr].redacted_hash, sizeof(r[*nr].redacted_hash), "%s", rh);
			(*nr)++;
		}
		json_decref(body);
	}
	*out = r;
	return STORE_OK;
}

/* The redaction of entry SEQ said by an entry after it, or NULL. */
static const struct redacted *redaction_for(const struct redacted *r, size_t n, long long seq)
{
	for (size_t i = 0; i < n; i++)
		if (r[i].seq == seq && r[i].at > seq)
			return &r[i];
	return NULL;
}

enum store_err store_ledger_check(struct store *st, const char *chain, struct store_ledger_check *c)
{
	struct store_ledger_entry *e = NULL;
	struct store_chain_head head;
	struct redacted *reds = NULL;
	char prev[STORE_HASH_HEX], h[STORE_HASH_HEX];
	char msg[STORE_CHAIN_MAX + 2 * STORE_HASH_HEX + 64];
	enum store_err err;
	size_t n = 0, nreds = 0, i;
	int has_head;

	memset(c, 0, sizeof(*c));
	if (sodium_init() < 0)
		return STORE_EINTERNAL;
	err = store_chain_head(st, chain, &head);
	if (err && err != STORE_ENOENT)
		return err;
	has_head = err == STORE_OK;
	err = store_ledger_of(st, chain, &e, &n);
	if (err)
		return err;
	c->entries = n;
	err = redactions_of(chain, e, n, &reds, &nreds);
	if (err)
		goto out;
	genesis(chain, prev);
	for (i = 0; i < n && c->verdict == STORE_LEDGER_OK; i++) {
		const struct redacted *red = redaction_for(reds, nreds, e[i].seq);
		char *row = NULL;
		json_t *body;

		if (e[i].seq != (long long)i + 1) {
			found(c, STORE_LEDGER_REMOVED, "entry %zu of %s is missing", i + 1, chain);
			break;
		}
		if (strcmp(e[i].prev_hash, prev) != 0) {
			found(c, STORE_LEDGER_ALTERED, "entry %lld of %s does not follow entry %lld",
			      e[i].seq, chain, e[i].seq - 1);
			break;
		}
		entry_hash(&e[i], h);
		/* A redacted entry: its original hash goes on linking the chain, and what is
		 * left of it must be what the redaction said. */
		if (red ? strcmp(e[i].hash, red->hash) != 0 || strcmp(h, red->redacted_hash) != 0
			: strcmp(h, e[i].hash) != 0) {
			found(c, STORE_LEDGER_ALTERED, "entry %lld of %s was changed after it was "
			      "written", e[i].seq, chain);
			break;
		}
		memcpy(prev, e[i].hash, sizeof(prev));
		if (superseded(e, n, i))
			continue;
		/* The row it names must still be there, exactly as it was. */
		err = row_text(st, e[i].kind, e[i].ref, &row);
		if (err == STORE_ENOENT) {
			found(c, STORE_LEDGER_REMOVED, "the %s named by entry %lld of %s (%s) was "
			      "removed", e[i].kind, e[i].seq, chain, e[i].ref);
			err = STORE_OK;
			break;
		}
		if (err == STORE_EINVAL) {
			found(c, STORE_LEDGER_ALTERED, "entry %lld of %s has an unknown kind", e[i].seq,
			      chain);
			err = STORE_OK;
			break;
		}
		if (err)
			break;
		body = json_loads(e[i].body, 0, NULL);
		{
			char *then = body ? dump(json_object_get(body, "row")) : NULL;

			if (!then || strcmp(then, row) != 0)
				found(c, STORE_LEDGER_ALTERED, "the %s named by entry %lld of %s (%s) "
				      "was changed after it was written", e[i].kind, e[i].seq, chain,
				      e[i].ref);
			free(then);
		}
		json_decref(body);
		free(row);
	}
	if (err)
		goto out;
	if (c->verdict == STORE_LEDGER_OK) {
		if (!has_head && n > 0) {
			found(c, STORE_LEDGER_ALTERED, "the end of %s's records is not known (its head "
			      "was removed)", chain);
		} else if (has_head && head.seq > (long long)n) {
			found(c, STORE_LEDGER_REMOVED, "%lld of the %lld entries of %s were removed "
			      "from its end", head.seq - (long long)n, head.seq, chain);
		} else if (has_head && (head.seq != (long long)n || strcmp(head.hash, prev) != 0)) {
			found(c, STORE_LEDGER_ALTERED, "%s does not end where its signed head says", chain);
		} else if (has_head && st->sealer.check) {
			int ok;

			if (store_head_message(chain, head.seq, head.hash, msg, sizeof(msg)) != 0)
				ok = 0;
			else if (!head.sig[0])
				ok = -2;
			else
				ok = st->sealer.check(st->sealer.ctx, msg, head.sig, head.key_id);
			if (ok == -2)
				found(c, STORE_LEDGER_UNSIGNED, "the head of %s is not signed", chain);
			else if (ok == -1)
				found(c, STORE_LEDGER_ALTERED, "the head of %s is signed with key %s, which "
				      "is not one of the workshop's", chain, head.key_id);
			else if (ok != 1)
				found(c, STORE_LEDGER_ALTERED, "the signature on the head of %s does not "
				      "match: its records were rewritten", chain);
		}
	}
	if (c->verdict == STORE_LEDGER_OK && n > 0) {
		err = check_state(st, chain, e[n - 1].body, c);
	} else if (c->verdict == STORE_LEDGER_OK && strchr(chain, ':')) {
		/* A job or device with no records at all was put in behind Atelier's back. */
		json_t *now = json_object();

		err = now ? add_state(st, chain, now) : STORE_EINTERNAL;
		json_decref(now);
		if (err == STORE_OK)
			found(c, STORE_LEDGER_ADDED, "%s has no records: it was added behind "
			      "Atelier's back", chain);
		if (err == STORE_ENOENT)
			err = STORE_OK;
	}
	if (!err && c->verdict == STORE_LEDGER_OK)
		err = check_orphans(st, chain, c);
out:
	free(reds);
	store_ledger_free(e, n);
	return err;
}

/* ---- legacy records, and heads to sign ---- */

/* Each chain's rows in a database from before the ledger, in the order they were made. */
static const char sql_adopt[] =
	"SELECT 'workshop', 'device', CAST(id AS TEXT), first_seen_ms, 0, id FROM device "
	"UNION ALL SELECT 'device:' || id, 'created', CAST(id AS TEXT), first_seen_ms, 0, id FROM device "
	"UNION ALL SELECT 'device:' || device_id, 'job', CAST(id AS TEXT), started_ms, 1, id FROM job "
	"UNION ALL SELECT 'device:' || device_id, 'state', CAST(id AS TEXT), t_ms, 2, id "
	"FROM device_event "
	"UNION ALL SELECT 'device:' || device_id, 'certificate', id, issued_ms, 3, 0 FROM certificate "
	"UNION ALL SELECT 'job:' || id, 'start', CAST(id AS TEXT), started_ms, 0, id FROM job "
	"UNION ALL SELECT 'job:' || job_id, 'step', CAST(id AS TEXT), t_ms, 1, id FROM step_record "
	"UNION ALL SELECT 'job:' || job_id, 'event', CAST(id AS TEXT), t_ms, 2, id FROM job_event "
	"UNION ALL SELECT 'job:' || job_id, 'grade', CAST(id AS TEXT), t_ms, 3, id FROM grade "
	"UNION ALL SELECT 'job:' || g.job_id, 'ack', CAST(a.grade_id AS TEXT), a.t_ms, 4, a.grade_id "
	"FROM grade_ack a JOIN grade g ON g.id = a.grade_id "
	"ORDER BY 1, 4, 5, 6";

struct adopt_row {
	char chain[STORE_CHAIN_MAX], kind[16], ref[STORE_REF_MAX];
	long long t_ms;
};

static int adopt_item(struct db_stmt *stmt, void *item)
{
	struct adopt_row *r = item;

	db_col_copy(stmt, 0, r->chain, sizeof(r->chain));
	db_col_copy(stmt, 1, r->kind, sizeof(r->kind));
	db_col_copy(stmt, 2, r->ref, sizeof(r->ref));
	r->t_ms = db_col_int64(stmt, 3);
	return 1;
}

/* An entry for each row SQL gives (chain, kind, ref, t_ms), at T_MS when it is not 0. */
static enum store_err adopt_rows(struct store *st, const char *sql, long long t_ms)
{
	struct adopt_row *rows = NULL;
	struct db_stmt *stmt = NULL;
	enum store_err err = db_prepare(st, sql, &stmt);
	void *items;
	size_t n = 0;

	err = db_collect(stmt, err, sizeof(*rows), adopt_item, NULL, &items, &n);
	if (err)
		return err;
	rows = items;
	for (size_t i = 0; i < n && !err; i++)
		err = store_int_ledger(st, rows[i].chain, rows[i].kind, rows[i].ref,
				       t_ms ? t_ms : rows[i].t_ms);
	free(rows);
	return err;
}

enum store_err store_int_ledger_adopt(struct store *st)
{
	return adopt_rows(st, sql_adopt, 0);
}

enum store_err store_int_user_entry(struct store *st, const char *name, long long id)
{
	static const char sql[] = "SELECT id FROM app_user WHERE name = ?";
	struct db_stmt *stmt = NULL;
	enum store_err err;
	int row = 0;

	if (name) {
		err = db_prepare(st, sql, &stmt);
		if (err)
			return err;
		db_bind_text(stmt, 1, name);
		err = db_step(stmt, &row);
		if (!err && row)
			id = db_col_int64(stmt, 0);
		else if (!err)
			err = STORE_ENOENT;
		db_done(stmt);
		if (err)
			return err;
	}
	return store_int_ledger_id(st, "accounts", 0, "account", id, store_int_now_ms());
}

enum store_err store_int_ledger_adopt_users(struct store *st)
{
	return adopt_rows(st, "SELECT 'accounts', 'user', CAST(id AS TEXT), created_ms "
			      "FROM app_user ORDER BY id",
			  0);
}

enum store_err store_int_ledger_adopt_accounts(struct store *st)
{
	return adopt_rows(st, "SELECT 'accounts', 'account', CAST(id AS TEXT), 0 "
			      "FROM app_user ORDER BY id",
			  store_int_now_ms());
}

/* ---- the digest of a secret, and redactions ---- */

void store_int_secret_digest(const char *text, char *out)
{
	crypto_hash_sha256_state h;

	crypto_hash_sha256_init(&h);
	hash_feed(&h, SECRET_TAG);
	hash_feed(&h, text);
	hash_finish(&h, out);
}

enum store_err store_int_ledger_redact(struct store *st, long long erasure_id,
				       const struct store_ledger_entry *e, const char *body)
{
	static const char ins[] = "INSERT INTO redaction (erasure_id, chain, seq, hash, "
				  "redacted_hash) VALUES (?, ?, ?, ?, ?) RETURNING id";
	static const char upd[] = "UPDATE ledger SET body = ? WHERE chain = ? AND seq = ? AND "
				  "hash = ?";
	struct store_ledger_entry r = *e;
	char h[STORE_HASH_HEX], ref[24];
	struct db_stmt *stmt = NULL;
	enum store_err err;
	long long id = 0;

	/* Only an entry that is what it was written as is redacted: a redaction must never
	 * cover a change made behind Atelier's back. */
	entry_hash(e, h);
	if (strcmp(h, e->hash) != 0) {
		store_int_error("an entry holding the name was changed after it was written");
		return STORE_ECORRUPT;
	}
	r.body = (char *)body;
	entry_hash(&r, h);
	err = db_prepare(st, ins, &stmt);
	if (!err) {
		db_bind_int64(stmt, 1, erasure_id);
		db_bind_text(stmt, 2, e->chain);
		db_bind_int64(stmt, 3, e->seq);
		db_bind_text(stmt, 4, e->hash);
		db_bind_text(stmt, 5, h);
		err = db_run_change(stmt, &id);
	}
	db_done(stmt);
	stmt = NULL;
	if (!err)
		err = db_prepare(st, upd, &stmt);
	if (!err) {
		db_bind_text(stmt, 1, body);
		db_bind_text(stmt, 2, e->chain);
		db_bind_int64(stmt, 3, e->seq);
		db_bind_text(stmt, 4, e->hash);
		err = db_run_change(stmt, NULL);
		if (!err && db_changes(st) != 1)
			err = STORE_ESTALE;
	}
	db_done(stmt);
	if (err)
		return err;
	snprintf(ref, sizeof(ref), "%lld", id);
	return store_int_ledger(st, e->chain, "redact", ref, store_int_now_ms());
}

enum store_err store_seal_unsigned(struct store *st, int *sealed)
{
	static const char sql[] = "SELECT " HEAD_COLS " FROM chain_head WHERE sig = '' ORDER BY chain";
	static const char upd[] = "UPDATE chain_head SET key_id = ?, sig = ? WHERE chain = ? "
				  "AND seq = ? AND sig = ''";
	struct store_chain_head *heads = NULL;
	struct db_stmt *stmt = NULL;
	enum store_err err;
	void *items;
	size_t n = 0;

	*sealed = 0;
	if (!st->sealer.seal)
		return STORE_OK;
	err = db_prepare(st, sql, &stmt);
	err = db_collect(stmt, err, sizeof(*heads), head_item, NULL, &items, &n);
	if (err || n == 0) {
		free(items);
		return err;
	}
	heads = items;
	err = store_int_begin(st);
	for (size_t i = 0; i < n && !err; i++) {
		char msg[STORE_CHAIN_MAX + 2 * STORE_HASH_HEX + 64];
		char sig[STORE_SIG_TEXT], key_id[STORE_KEY_ID_HEX];

		if (store_head_message(heads[i].chain, heads[i].seq, heads[i].hash, msg,
				       sizeof(msg)) != 0 ||
		    st->sealer.seal(st->sealer.ctx, msg, sig, key_id) != 0) {
			err = STORE_ESEAL;
			break;
		}
		err = db_prepare(st, upd, &stmt);
		if (err)
			break;
		db_bind_text(stmt, 1, key_id);
		db_bind_text(stmt, 2, sig);
		db_bind_text(stmt, 3, heads[i].chain);
		db_bind_int64(stmt, 4, heads[i].seq);
		err = db_run_change(stmt, NULL);
		db_done(stmt);
		stmt = NULL;
		if (!err)
			(*sealed)++;
	}
	err = store_int_end(st, NULL, err);
	free(heads);
	if (err)
		*sealed = 0;
	return err;
}

/* Names of the triggers that keep records append-only, for store_check(). */
static const char *const triggers[] = {
	"step_record_no_update", "step_record_no_delete", "grade_no_update", "grade_no_delete",
	"grade_ack_no_update", "grade_ack_no_delete", "device_event_no_update",
	"device_event_no_delete", "certificate_no_update", "certificate_no_delete",
	"job_event_no_update", "job_event_no_delete", "ledger_no_update", "ledger_no_delete",
	"revocation_no_update", "revocation_no_delete", "chain_head_no_delete",
	"signin_attempt_no_update", "signin_attempt_no_delete", "audit_no_update",
	"audit_no_delete", "signoff_no_update", "signoff_no_delete", "erasure_no_update",
	"erasure_no_delete", "redaction_no_update", "redaction_no_delete",
	"intake_batch_no_update", "intake_batch_no_delete", "device_batch_no_update",
	"device_batch_no_delete", "shelf_move_no_update", "shelf_move_no_delete",
	"sale_no_update", "sale_no_delete", "destruction_no_update", "destruction_no_delete",
	"bench_key_no_update", "bench_key_no_delete", "bench_enrolment_no_update",
	"bench_enrolment_no_delete",
};

enum store_err store_check_triggers(struct store *st, char *missing, size_t size)
{
	static const char lite[] = "SELECT 1 FROM sqlite_master WHERE type = 'trigger' AND name = ?";
	/* On PostgreSQL a trigger can also be there and switched off (ALTER TABLE ... DISABLE
	 * TRIGGER): only one that fires counts. */
	static const char pg[] = "SELECT 1 FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
				 "WHERE t.tgname = ? AND t.tgenabled <> 'D' "
				 "AND c.relnamespace = current_schema()::regnamespace";
	const char *sql = store_int_is_pg(st) ? pg : lite;
	enum store_err err = STORE_OK;

	if (size)
		missing[0] = '\0';
	for (size_t i = 0; i < sizeof(triggers) / sizeof(triggers[0]) && !err; i++) {
		struct db_stmt *stmt = NULL;
		int row = 0;

		err = db_prepare(st, sql, &stmt);
		if (err)
			break;
		db_bind_text(stmt, 1, triggers[i]);
		err = db_step(stmt, &row);
		if (!err && !row) {
			size_t len = strlen(missing);

			snprintf(missing + len, size - len, "%s%s", len ? ", " : "", triggers[i]);
		}
		db_done(stmt);
	}
	/* The guards let an erasure through while this row is there, in the erasure's own
	 * transaction (privacy.c): found at any other time, they were switched off by hand. */
	if (!err) {
		static const char flag[] = "SELECT 1 FROM bench WHERE key = 'erasing'";
		struct db_stmt *stmt = NULL;
		int row = 0;

		err = db_prepare(st, flag, &stmt);
		if (!err) {
			err = db_step(stmt, &row);
			if (!err && row) {
				size_t len = strlen(missing);

				snprintf(missing + len, size - len, "%s%s", len ? ", " : "",
					 "those of the ledger, certificates, audit log and sign-in "
					 "attempts (switched off by a row 'erasing' of the bench "
					 "table)");
			}
		}
		db_done(stmt);
	}
	return err;
}

static int chain_item_fn(struct db_stmt *stmt, void *item)
{
	db_col_copy(stmt, 0, item, STORE_CHAIN_MAX);
	return 1;
}

enum store_err store_chains(struct store *st, char (**out)[STORE_CHAIN_MAX], size_t *n)
{
	/* Every chain that has entries or a head, and every job and device, which must have one. */
	static const char sql[] =
		"SELECT chain FROM chain_head UNION SELECT chain FROM ledger "
		"UNION SELECT 'device:' || id FROM device UNION SELECT 'job:' || id FROM job "
		"UNION SELECT 'workshop' FROM device UNION SELECT 'accounts' FROM app_user "
		"ORDER BY 1";
	struct db_stmt *stmt = NULL;
	enum store_err err = db_prepare(st, sql, &stmt);
	void *items;

	err = db_collect(stmt, err, STORE_CHAIN_MAX, chain_item_fn, NULL, &items, n);
	*out = items;
	return err;
}
