/*
 * sign — the workshop's Ed25519 key (libsodium) and signed canonical JSON.
 *
 * The key lives in DATA/keys/: workshop.key holds the 32-byte seed ("ed25519-seed:"
 * and base64, mode 0600, never printed), workshop.pub the public key as text
 * ("ed25519:" and base64), which anyone may have. A key's id is the first 8 bytes of
 * the SHA-256 of the public key, in hex.
 *
 * Canonical JSON is what jansson prints with sorted keys, no spaces, and reals with 10
 * significant digits (enough for every number a certificate holds, so that reading and
 * printing again gives the same bytes). A signed object carries
 * "signature": {"algorithm": "Ed25519", "key_id": ..., "value": base64} and the signature
 * is over the canonical text of the object without that member.
 */
#ifndef ATELIER_CERT_SIGN_H
#define ATELIER_CERT_SIGN_H

#include <jansson.h>
#include <stddef.h>

#define SIGN_KEY_DIR "keys"
#define SIGN_SECRET_FILE "workshop.key"
#define SIGN_PUBLIC_FILE "workshop.pub"
#define SIGN_BENCH_SECRET_FILE "bench.key" /* a bench's own key (svc_benchkey.c) */
#define SIGN_BENCH_PUBLIC_FILE "bench.pub"
#define SIGN_RETIRED_DIR "retired" /* keys/retired/ID.pub: public keys of former keys */
#define SIGN_PK_BYTES 32
#define SIGN_SK_BYTES 64
#define SIGN_KEY_ID_HEX 17   /* 16 hex digits and the NUL */
#define SIGN_PUBLIC_TEXT 64  /* "ed25519:" + base64 of 32 bytes + NUL fits */
#define SIGN_CANONICAL_FLAGS (JSON_COMPACT | JSON_SORT_KEYS | JSON_REAL_PRECISION(10))

enum sign_err {
	SIGN_OK = 0,
	SIGN_ENOKEY,    /* no key file: run atelier init */
	SIGN_EIO,       /* cannot read or write a key file (WHY says which and why) */
	SIGN_EOPEN,     /* the secret key file can be read by others than its owner */
	SIGN_EBADKEY,   /* a key file or key text is not what it should be */
	SIGN_EBADSIG,   /* the signature does not match */
	SIGN_EOTHERKEY, /* signed by another key than the one given */
	SIGN_EFORMAT,   /* not a signed object (no or malformed "signature") */
	SIGN_ENOMEM,
};

const char *sign_strerror(enum sign_err err);

/* Create the workshop key in DATADIR/keys unless it is there. *CREATED is 1 when it was
 * made now. Never replaces an existing key. */
enum sign_err sign_key_create(const char *datadir, int *created, char *why, size_t size)
	__attribute__((warn_unused_result));
/* The secret key of DATADIR (refused when the file is open to others). */
enum sign_err sign_key_secret(const char *datadir, unsigned char sk[SIGN_SK_BYTES], char *why,
			      size_t size) __attribute__((warn_unused_result));
/* The public key of DATADIR. */
enum sign_err sign_key_public(const char *datadir, unsigned char pk[SIGN_PK_BYTES], char *why,
			      size_t size) __attribute__((warn_unused_result));

/* The same three for the bench's own key, keys/bench.key and keys/bench.pub, with which
 * a bench whose records are on the workshop's server signs them once enrolled. */
enum sign_err sign_bench_key_create(const char *datadir, int *created, char *why, size_t size)
	__attribute__((warn_unused_result));
enum sign_err sign_bench_key_secret(const char *datadir, unsigned char sk[SIGN_SK_BYTES],
				    char *why, size_t size) __attribute__((warn_unused_result));
enum sign_err sign_bench_key_public(const char *datadir, unsigned char pk[SIGN_PK_BYTES],
				    char *why, size_t size) __attribute__((warn_unused_result));
/* Write PK as DATADIR's workshop.pub, when it has none (a bench joining a workshop);
 * SIGN_OK when it holds PK already, SIGN_EOTHERKEY when it holds another key. */
enum sign_err sign_workshop_public_write(const char *datadir, const unsigned char pk[SIGN_PK_BYTES],
					 char *why, size_t size) __attribute__((warn_unused_result));

/* "ed25519:BASE64" of PK into OUT. */
void sign_public_text(const unsigned char pk[SIGN_PK_BYTES], char out[SIGN_PUBLIC_TEXT]);
/* Parse TEXT: exactly "ed25519:" and the canonical base64 of the key (sign_b64_exact),
 * ended by at most one newline (a key file's line); nothing else. */
enum sign_err sign_public_parse(const char *text, unsigned char pk[SIGN_PK_BYTES])
	__attribute__((warn_unused_result));
/* The key id of PK into OUT. */
void sign_key_id(const unsigned char pk[SIGN_PK_BYTES], char out[SIGN_KEY_ID_HEX]);

/* Canonical text of O (a new string, free()), or NULL when out of memory. */
char *sign_canonical(const json_t *o);

/* Add the "signature" member to O, signed with SK (whose public key is PK). */
enum sign_err sign_object(json_t *o, const unsigned char sk[SIGN_SK_BYTES],
			  const unsigned char pk[SIGN_PK_BYTES]) __attribute__((warn_unused_result));
/* Check the signature of O against PK. WHY says what is wrong in plain words. */
enum sign_err sign_check(const json_t *o, const unsigned char pk[SIGN_PK_BYTES], char *why,
			 size_t size) __attribute__((warn_unused_result));

/* The signature value of O as base64url without padding (for a QR code) into OUT
 * (SIZE bytes). 0 on success, -1 when O has no well-formed signature. */
int sign_value_url(const json_t *o, char *out, size_t size);
/* Decode SIG, the canonical base64 (padded, standard alphabet) of 64 bytes, into OUT.
 * 0 on success. */
int sign_value_decode(const char *sig, unsigned char out[64]);
/* Decode the TEXT_LEN bytes of TEXT, base64 of libsodium's VARIANT, into exactly LEN
 * bytes (LEN at most 180) only when TEXT is the one spelling of them that VARIANT gives:
 * its alphabet and padding, no space or newline, no non-zero unused bits in the last
 * character, nothing after. 0 on success, -1 otherwise (OUT may then hold anything). */
int sign_b64_exact(const char *text, size_t text_len, int variant, unsigned char *out,
		   size_t len);

/* Sign the text MSG with SK: the signature in base64 (88 characters) into OUT (SIZE
 * bytes, at least 89). */
void sign_text(const unsigned char sk[SIGN_SK_BYTES], const char *msg, char *out, size_t size);
/* 1 when SIG, in its one canonical base64 spelling, signs MSG by PK; else 0. */
int sign_text_check(const unsigned char pk[SIGN_PK_BYTES], const char *msg, const char *sig);
/* The public key whose id is KEY_ID: the workshop's key, or one it retired (kept in
 * DATADIR/keys/retired/KEY_ID.pub by sign_key_rotate()). SIGN_EOTHERKEY when it is
 * neither. */
enum sign_err sign_key_public_by_id(const char *datadir, const char *key_id,
				    unsigned char pk[SIGN_PK_BYTES], char *why, size_t size)
	__attribute__((warn_unused_result));
/* Retire the workshop key (its public key kept in keys/retired/, its secret removed) and
 * make a new one. OLD_ID and NEW_ID get both ids. */
enum sign_err sign_key_rotate(const char *datadir, char old_id[SIGN_KEY_ID_HEX],
			      char new_id[SIGN_KEY_ID_HEX], char *why, size_t size)
	__attribute__((warn_unused_result));

#endif
