/*
 * The heads of the records, signed with the workshop key, or on a bench of a workshop
 * whose records are on a server with the bench's own enrolled key (svc_benchkey.c): the
 * store's sealer (store.h, the ledger) on a struct bench. The secret key is read once, when the first head of a
 * command is signed, and zeroed when the context closes. Heads are checked against the
 * workshop's key or a key it retired (sign_key_public_by_id()), so records signed before
 * a `key rotate` still verify.
 */
#include "svc/svc_int.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "cert/sign.h"
#include "util/log.h"

static int load_key(struct bench *b)
{
	unsigned char pk[SIGN_PK_BYTES];

	if (b->key_loaded)
		return b->key_loaded;
	b->key_err = sign_key_secret(b->dir, b->sk, b->key_why, sizeof(b->key_why));
	if (b->key_err == SIGN_ENOKEY) {
		/* A bench of a workshop on a server signs with its own key (svc_benchkey.c). */
		int bench = svc_bench_key_load(b);

		if (bench != 0) {
			/* A key waiting for its enrolment is asked about again at the next
			 * write: a running server goes on once the station has enrolled it. */
			b->key_loaded = bench > 0 ? 1 : 0;
			return bench;
		}
	}
	if (b->key_err != SIGN_OK) {
		b->key_loaded = -1;
		return -1;
	}
	crypto_sign_ed25519_sk_to_pk(pk, b->sk);
	sign_key_id(pk, b->key_id);
	b->key_loaded = 1;
	return 1;
}

static int seal(void *ctx, const char *msg, char sig[STORE_SIG_TEXT],
		char key_id[STORE_KEY_ID_HEX])
{
	struct bench *b = ctx;

	if (load_key(b) < 0)
		return -1;
	sign_text(b->sk, msg, sig, STORE_SIG_TEXT);
	snprintf(key_id, STORE_KEY_ID_HEX, "%s", b->key_id);
	return 0;
}

static int check(void *ctx, const char *msg, const char *sig, const char *key_id)
{
	struct bench *b = ctx;
	const size_t n = sizeof(b->checked) / sizeof(b->checked[0]);
	struct svc_checked_key *slot;
	unsigned char pk[sizeof(b->checked[0].pk)];
	enum sign_err err;
	char why[256];

	for (size_t i = 0; i < n; i++)
		if (b->checked[i].id[0] && strcmp(b->checked[i].id, key_id) == 0)
			return sign_text_check(b->checked[i].pk, msg, sig);
	err = sign_key_public_by_id(b->dir, key_id, pk, why, sizeof(why));
	if (err == SIGN_EOTHERKEY && b->st) {
		/* Not the workshop's: a bench's own key, if the workshop enrolled it. */
		struct store_bench_key k;

		if (store_bench_key_get(b->st, key_id, &k) != STORE_OK ||
		    !svc_bench_key_trusted(b, &k, pk, why, sizeof(why)))
			return -1;
		err = SIGN_OK;
	}
	if (err == SIGN_EOTHERKEY || err == SIGN_EBADKEY)
		return -1;
	if (err)
		return 0;
	/* Kept only once found and trusted. */
	slot = &b->checked[b->next_checked++ % n];
	memcpy(slot->pk, pk, sizeof(pk));
	snprintf(slot->id, sizeof(slot->id), "%s", key_id);
	return sign_text_check(slot->pk, msg, sig);
}

void svc_seal_attach(struct bench *b, int migrated)
{
	const struct store_sealer s = { seal, check, b };
	int sealed = 0;

	if (!b->st)
		return;
	store_set_sealer(b->st, &s);
	if (!migrated)
		return;
	/* Records made before the ledger were put into chains by the migration, which had no
	 * key; they are sealed now, or at the next command that has it. */
	if (load_key(b) > 0 && store_seal_unsigned(b->st, &sealed) == STORE_OK && sealed)
		log_msg(LOG_INFO, "the records kept before this version are now signed (%d chains)",
			sealed);
}

int svc_seal_later(struct bench *b)
{
	/* The thread reads the key the writer has read: it is read here, once, first. */
	return b->st && load_key(b) > 0 && store_seal_later(b->st) == STORE_OK;
}

void svc_seal_release(struct bench *b)
{
	sodium_memzero(b->sk, sizeof(b->sk));
	b->key_loaded = 0;
}
