/*
 * The benches' own keys (issue #15): the workshop key stays on the certifying station.
 *
 * Every head of the records' chains is signed (store.h, the ledger). On one bench the
 * workshop key signs them. When the records are on the workshop's server, a bench that
 * records steps must sign the heads it moves, yet must not hold the key that signs
 * certificates. So:
 *   - the certifying station (the first `atelier init` on an empty server) makes the
 *     workshop key, and publishes its public key in the records (bench key
 *     "workshop_key");
 *   - a bench joining that workshop (`atelier init` on the same server, with no
 *     workshop key of its own) copies the published public key into keys/workshop.pub,
 *     shows its id to compare with the station's, makes keys/bench.key and keeps its
 *     public key in bench_key, waiting;
 *   - an admin at the certifying station enrols it (`atelier key enrol BENCH`): the
 *     workshop key signs "atelier bench key v1", the bench's name, its key id, its public
 *     key and the time; the signature is kept in bench_enrolment;
 *   - from then on the bench signs the heads it moves with its own key; anyone checking
 *     the records finds that key by its id, checks the enrolment against the workshop
 *     key (or one it retired), then the head against the bench's key. A key nobody
 *     enrolled, or an enrolment the workshop key did not sign, signs nothing that checks.
 * A bench's key signs no certificate: certify needs the workshop key, and says where it is.
 */
#include "svc/svc_int.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cert/sign.h"
#include "util/clock.h"

#define ENROL_MSG_MAX 512

/* The text the workshop key signs to enrol K. */
static void enrol_message(const struct store_bench_key *k, char *out, size_t size)
{
	snprintf(out, size, "atelier bench key v1\n%s\n%s\n%s\n%lld\n", k->bench, k->key_id,
		 k->public, k->enrolled_ms);
}

int svc_bench_joined(const struct bench *b)
{
	char secret[PATH_MAX + 32], own[PATH_MAX + 32];

	snprintf(secret, sizeof(secret), "%s/" SIGN_KEY_DIR "/" SIGN_SECRET_FILE, b->dir);
	snprintf(own, sizeof(own), "%s/" SIGN_KEY_DIR "/" SIGN_BENCH_SECRET_FILE, b->dir);
	return access(secret, F_OK) != 0 && access(own, F_OK) == 0;
}

int svc_bench_joins(struct bench *b)
{
	char path[PATH_MAX + 32], published[STORE_PUBLIC_TEXT];

	if (!b->st || !store_url_is_server(store_path(b->st)))
		return 0;
	snprintf(path, sizeof(path), "%s/" SIGN_KEY_DIR "/" SIGN_SECRET_FILE, b->dir);
	if (access(path, F_OK) == 0)
		return 0;
	return store_workshop_key_published(b->st, published) == STORE_OK;
}

enum svc_err svc_workshop_key_publish(struct bench *b)
{
	unsigned char pk[SIGN_PK_BYTES];
	char text[SIGN_PUBLIC_TEXT], published[STORE_PUBLIC_TEXT], why[512];
	enum store_err err;

	if (!b->st || !store_url_is_server(store_path(b->st)))
		return SVC_OK;
	if (sign_key_public(b->dir, pk, why, sizeof(why)) != SIGN_OK)
		return svc_fail(b, SVC_EIO, "the workshop key: %s", why);
	sign_public_text(pk, text);
	err = store_workshop_key_published(b->st, published);
	if (err == STORE_OK && strcmp(published, text) == 0)
		return SVC_OK;
	if (err == STORE_OK) {
		char id[SIGN_KEY_ID_HEX], theirs[SIGN_KEY_ID_HEX];
		unsigned char tpk[SIGN_PK_BYTES];

		sign_key_id(pk, id);
		if (sign_public_parse(published, tpk) == SIGN_OK)
			sign_key_id(tpk, theirs);
		else
			snprintf(theirs, sizeof(theirs), "?");
		/* A rotation at this station moves it on; another station's key never does. */
		if (sign_key_public_by_id(b->dir, theirs, tpk, why, sizeof(why)) != SIGN_OK)
			return svc_fail(b, SVC_EREFUSED,
					"the records on %s belong to the workshop whose key is %s; "
					"this data directory holds the workshop key %s. A bench "
					"joins a workshop without a workshop key of its own: move "
					"%s/%s aside, then run 'atelier init' again",
					store_path(b->st), theirs, id, b->dir, SIGN_KEY_DIR);
	} else if (err != STORE_ENOENT) {
		return svc_store_fail(b, err, "read the workshop's key");
	}
	err = store_workshop_key_publish(b->st, text);
	return err ? svc_store_fail(b, err, "publish the workshop's key") : SVC_OK;
}

int svc_bench_key_trusted(struct bench *b, const struct store_bench_key *k,
			  unsigned char pk[SIGN_PK_BYTES], char *why, size_t size)
{
	unsigned char wpk[SIGN_PK_BYTES];
	char id[SIGN_KEY_ID_HEX], msg[ENROL_MSG_MAX], kwhy[256];

	if (!k->enrolled) {
		snprintf(why, size,
			 "the key %s of bench %s is not enrolled yet: at the certifying station, "
			 "an admin runs 'atelier key enrol %s'",
			 k->key_id, k->bench, k->bench);
		return 0;
	}
	if (sign_public_parse(k->public, pk) != SIGN_OK) {
		snprintf(why, size, "the key %s of bench %s is not a public key", k->key_id,
			 k->bench);
		return 0;
	}
	sign_key_id(pk, id);
	if (strcmp(id, k->key_id) != 0) {
		snprintf(why, size, "the key kept as %s of bench %s has the id %s", k->key_id,
			 k->bench, id);
		return 0;
	}
	if (sign_key_public_by_id(b->dir, k->signer, wpk, kwhy, sizeof(kwhy)) != SIGN_OK) {
		snprintf(why, size,
			 "the key %s of bench %s was enrolled by key %s, which is not this "
			 "workshop's",
			 k->key_id, k->bench, k->signer);
		return 0;
	}
	enrol_message(k, msg, sizeof(msg));
	if (!sign_text_check(wpk, msg, k->sig)) {
		snprintf(why, size,
			 "the enrolment of key %s of bench %s is not signed by the workshop key",
			 k->key_id, k->bench);
		return 0;
	}
	return 1;
}

int svc_bench_key_load(struct bench *b)
{
	unsigned char pk[SIGN_PK_BYTES], kpk[SIGN_PK_BYTES];
	struct store_bench_key k;
	char why[sizeof(b->key_why) - 32];
	enum sign_err se;
	enum store_err err;

	se = sign_bench_key_secret(b->dir, b->sk, why, sizeof(why));
	if (se == SIGN_ENOKEY)
		return 0;
	if (se != SIGN_OK) {
		b->key_err = se;
		snprintf(b->key_why, sizeof(b->key_why), "this bench's key: %s", why);
		return -1;
	}
	crypto_sign_ed25519_sk_to_pk(pk, b->sk);
	sign_key_id(pk, b->key_id);
	err = b->st ? store_bench_key_get(b->st, b->key_id, &k) : STORE_ENOENT;
	if (err == STORE_ENOENT) {
		snprintf(b->key_why, sizeof(b->key_why),
			 "this bench's key %s is not known to the workshop: run 'atelier init' "
			 "here",
			 b->key_id);
	} else if (err) {
		snprintf(b->key_why, sizeof(b->key_why), "the benches' keys could not be read (%s)",
			 store_last_error_message());
	} else if (svc_bench_key_trusted(b, &k, kpk, why, sizeof(why)) &&
		   sodium_memcmp(kpk, pk, sizeof(pk)) == 0) {
		return 1;
	} else {
		snprintf(b->key_why, sizeof(b->key_why), "%s", why);
	}
	sodium_memzero(b->sk, sizeof(b->sk));
	b->key_err = SIGN_ENOKEY;
	return -1;
}

enum svc_err svc_bench_join(struct bench *b, json_t **view)
{
	unsigned char wpk[SIGN_PK_BYTES], pk[SIGN_PK_BYTES];
	char published[STORE_PUBLIC_TEXT], why[512], wid[SIGN_KEY_ID_HEX];
	struct store_bench_key k, have;
	enum store_err err;
	int created = 0;

	*view = NULL;
	err = store_workshop_key_published(b->st, published);
	if (err)
		return svc_store_fail(b, err, "read the workshop's key");
	if (sign_public_parse(published, wpk) != SIGN_OK)
		return svc_fail(b, SVC_EREFUSED,
				"the workshop key published in %s is not a public key: at the "
				"certifying station, run 'atelier init' again",
				store_path(b->st));
	sign_key_id(wpk, wid);
	if (sign_workshop_public_write(b->dir, wpk, why, sizeof(why)) != SIGN_OK)
		return svc_fail(b, SVC_EREFUSED, "this bench joins the workshop of %s: %s",
				store_path(b->st), why);
	if (sign_bench_key_create(b->dir, &created, why, sizeof(why)) != SIGN_OK ||
	    sign_bench_key_public(b->dir, pk, why, sizeof(why)) != SIGN_OK)
		return svc_fail(b, SVC_EIO, "this bench's key: %s", why);
	memset(&k, 0, sizeof(k));
	snprintf(k.bench, sizeof(k.bench), "%s", store_bench(b->st) ? store_bench(b->st) : "");
	sign_key_id(pk, k.key_id);
	sign_public_text(pk, k.public);
	k.t_ms = clock_wall_ms();
	if (!k.bench[0])
		return svc_fail(b, SVC_EINVAL,
				"this bench has no name: put 'bench: NAME' in %s/atelier.conf",
				b->dir);
	err = store_bench_key_get(b->st, k.key_id, &have);
	if (err == STORE_ENOENT)
		err = store_bench_key_add(b->st, &k, NULL);
	else if (!err)
		k = have;
	if (err)
		return svc_store_fail(b, err, "keep this bench's key");
	*view = json_pack("{s:s, s:s, s:s, s:s, s:{s:s, s:s, s:b, s:b}}", "dir", b->dir,
			  "database", store_path(b->st), "workshop_key", wid, "workshop_public",
			  published, "bench_key", "bench", k.bench,
			  "key_id", k.key_id, "created", created, "enrolled", k.enrolled);
	return *view ? SVC_OK : svc_fail(b, SVC_EIO, "out of memory");
}

enum svc_err svc_bench_enrol(struct bench *b, const char *by_name, const char *bench_name,
			     json_t **view)
{
	unsigned char sk[SIGN_SK_BYTES], wpk[SIGN_PK_BYTES], pk[SIGN_PK_BYTES];
	char why[512], msg[ENROL_MSG_MAX];
	struct store_bench_key *keys = NULL, *k = NULL;
	struct store_user by;
	size_t n = 0;
	enum store_err err;
	enum svc_err rc;

	*view = NULL;
	rc = svc_actor(b, by_name, &by);
	if (rc)
		return rc;
	if (!svc_may(b, &by, SVC_ROTATE_KEY, NULL))
		return SVC_EDENIED;
	if (sign_key_secret(b->dir, sk, why, sizeof(why)) != SIGN_OK)
		return svc_fail(b, SVC_ENODATA,
				"benches are enrolled at the certifying station, which holds the "
				"workshop key (%s)",
				why);
	err = store_bench_keys(b->st, &keys, &n);
	if (err) {
		sodium_memzero(sk, sizeof(sk));
		return svc_store_fail(b, err, "read the benches' keys");
	}
	/* The newest key the bench gave that is not enrolled yet. */
	for (size_t i = n; i-- > 0;)
		if (strcmp(keys[i].bench, bench_name) == 0 && !keys[i].enrolled) {
			k = &keys[i];
			break;
		}
	if (!k) {
		int known = 0;

		for (size_t i = 0; i < n; i++)
			known |= strcmp(keys[i].bench, bench_name) == 0;
		free(keys);
		sodium_memzero(sk, sizeof(sk));
		return svc_fail(b, known ? SVC_ESTATE : SVC_ENOENT,
				known ? "bench %s has no key waiting: its key is enrolled already"
				      : "no bench %s has given its key: run 'atelier init' on that "
					"bench first ('atelier key benches' lists them)",
				bench_name);
	}
	if (sign_public_parse(k->public, pk) != SIGN_OK) {
		free(keys);
		sodium_memzero(sk, sizeof(sk));
		return svc_fail(b, SVC_EREFUSED, "the key of bench %s is not a public key",
				bench_name);
	}
	crypto_sign_ed25519_sk_to_pk(wpk, sk);
	sign_key_id(wpk, k->signer);
	k->enrolled_by = by.id;
	k->enrolled_ms = clock_wall_ms();
	enrol_message(k, msg, sizeof(msg));
	sign_text(sk, msg, k->sig, sizeof(k->sig));
	sodium_memzero(sk, sizeof(sk));
	err = store_bench_key_enrol(b->st, k);
	if (err) {
		free(keys);
		return svc_store_fail(b, err, "enrol the bench's key");
	}
	svc_audit(b, "bench-enrol", bench_name, "ok", k->key_id);
	*view = json_pack("{s:s, s:s, s:s, s:s}", "bench", k->bench, "key_id", k->key_id,
			  "signer", k->signer, "by", by.name);
	free(keys);
	return *view ? SVC_OK : svc_fail(b, SVC_EIO, "out of memory");
}

enum svc_err svc_bench_keys(struct bench *b, json_t **view)
{
	unsigned char pk[SIGN_PK_BYTES];
	struct store_bench_key *keys = NULL;
	size_t n = 0;
	enum store_err err = store_bench_keys(b->st, &keys, &n);
	json_t *list;

	*view = NULL;
	if (err)
		return svc_store_fail(b, err, "read the benches' keys");
	list = json_array();
	for (size_t i = 0; list && i < n; i++) {
		char why[512] = "", at[32] = "";
		int ok = svc_bench_key_trusted(b, &keys[i], pk, why, sizeof(why));

		if (keys[i].enrolled)
			clock_iso8601_s(keys[i].enrolled_ms, at, sizeof(at));
		json_array_append_new(list,
				      json_pack("{s:s, s:s, s:b, s:s?, s:s?}", "bench", keys[i].bench,
						"key_id", keys[i].key_id, "enrolled", ok,
						"enrolled_at", at[0] ? at : NULL, "why",
						ok ? NULL : why));
	}
	free(keys);
	*view = list ? json_pack("{s:o}", "benches", list) : NULL;
	return *view ? SVC_OK : svc_fail(b, SVC_EIO, "out of memory");
}
