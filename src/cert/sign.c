/* The workshop key and signed canonical JSON. See sign.h. */
#include "cert/sign.h"

#include <errno.h>
#include <limits.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/datadir.h"
#include "util/file.h"

#define SEED_PREFIX "ed25519-seed:"
#define PUBLIC_PREFIX "ed25519:"
#define KEY_FILE_MAX 512

const char *sign_strerror(enum sign_err err)
{
	switch (err) {
	case SIGN_OK:
		return "success";
	case SIGN_ENOKEY:
		return "no workshop key";
	case SIGN_EIO:
		return "cannot read or write the key";
	case SIGN_EOPEN:
		return "the workshop's secret key can be read by others";
	case SIGN_EBADKEY:
		return "not a workshop key";
	case SIGN_EBADSIG:
		return "the signature does not match";
	case SIGN_EOTHERKEY:
		return "signed by another key";
	case SIGN_EFORMAT:
		return "no well-formed signature";
	case SIGN_ENOMEM:
		return "out of memory";
	}
	return "unknown signing error";
}

static int ready(void)
{
	return sodium_init() >= 0;
}

static int key_path(const char *datadir, const char *name, char *out, size_t size)
{
	int n = snprintf(out, size, "%s/%s/%s", datadir, SIGN_KEY_DIR, name);

	return n > 0 && (size_t)n < size ? 0 : -1;
}

/* Read the key file PATH (small) into a new buffer; NULL with WHY on failure, and
 * *MISSING set when there is no such file. */
static char *read_key_file(const char *path, int *missing, char *why, size_t size)
{
	enum file_err e;
	char *buf = file_read(path, KEY_FILE_MAX, NULL, &e);

	*missing = 0;
	if (!buf && e == FILE_ETOOBIG)
		snprintf(why, size, "%s is too long to be an Atelier key", path);
	else if (!buf) {
		*missing = errno == ENOENT;
		snprintf(why, size, "%s: %s", path, strerror(errno));
	}
	return buf;
}

int sign_b64_exact(const char *text, size_t text_len, int variant, unsigned char *out,
		   size_t len)
{
	char again[256];
	const char *end = NULL;
	size_t got = 0;

	/* Only the one spelling of these bytes counts: the variant's alphabet and padding, no
	 * space or newline, no stray bits in the last character, nothing after. */
	if (!text || sodium_base64_ENCODED_LEN(len, variant) > sizeof(again) ||
	    sodium_base642bin(out, len, text, text_len, NULL, &got, &end, variant) != 0 ||
	    got != len || end != text + text_len)
		return -1;
	sodium_bin2base64(again, sizeof(again), out, len, variant);
	return strlen(again) == text_len && memcmp(again, text, text_len) == 0 ? 0 : -1;
}

/* Decode TEXT, exactly PREFIX and the canonical base64 of LEN bytes, ended by at most one
 * newline (the end of a key file's line), into OUT. */
static int decode_prefixed(const char *text, const char *prefix, unsigned char *out, size_t len)
{
	size_t n;

	if (strncmp(text, prefix, strlen(prefix)) != 0)
		return -1;
	text += strlen(prefix);
	n = strlen(text);
	if (n > 0 && text[n - 1] == '\n')
		n--;
	return sign_b64_exact(text, n, sodium_base64_VARIANT_ORIGINAL, out, len);
}

void sign_public_text(const unsigned char pk[SIGN_PK_BYTES], char out[SIGN_PUBLIC_TEXT])
{
	char b64[sodium_base64_ENCODED_LEN(SIGN_PK_BYTES, sodium_base64_VARIANT_ORIGINAL)];

	sodium_bin2base64(b64, sizeof(b64), pk, SIGN_PK_BYTES, sodium_base64_VARIANT_ORIGINAL);
	snprintf(out, SIGN_PUBLIC_TEXT, "%s%s", PUBLIC_PREFIX, b64);
}

enum sign_err sign_public_parse(const char *text, unsigned char pk[SIGN_PK_BYTES])
{
	if (!ready())
		return SIGN_ENOMEM;
	return decode_prefixed(text, PUBLIC_PREFIX, pk, SIGN_PK_BYTES) == 0 ? SIGN_OK
									    : SIGN_EBADKEY;
}

void sign_key_id(const unsigned char pk[SIGN_PK_BYTES], char out[SIGN_KEY_ID_HEX])
{
	unsigned char h[crypto_hash_sha256_BYTES];

	crypto_hash_sha256(h, pk, SIGN_PK_BYTES);
	sodium_bin2hex(out, SIGN_KEY_ID_HEX, h, (SIGN_KEY_ID_HEX - 1) / 2);
}

/* The key pair of the seed file at PATH. */
static enum sign_err load_seed(const char *path, unsigned char pk[SIGN_PK_BYTES],
			       unsigned char sk[SIGN_SK_BYTES], char *why, size_t size)
{
	unsigned char seed[crypto_sign_SEEDBYTES];
	char *buf;
	struct stat sb;
	enum sign_err err = SIGN_OK;
	int missing;

	if (lstat(path, &sb) != 0) {
		snprintf(why, size, "%s: %s", path, strerror(errno));
		return errno == ENOENT ? SIGN_ENOKEY : SIGN_EIO;
	}
	if (!S_ISREG(sb.st_mode)) {
		snprintf(why, size, "%s is not a regular file", path);
		return SIGN_EBADKEY;
	}
	if (sb.st_mode & 077) {
		snprintf(why, size, "%s can be read by others (mode %04o): run 'chmod 600 %s'",
			 path, (unsigned)(sb.st_mode & 07777), path);
		return SIGN_EOPEN;
	}
	buf = read_key_file(path, &missing, why, size);
	if (!buf)
		return SIGN_EIO;
	if (strncmp(buf, SEED_PREFIX, strlen(SEED_PREFIX)) != 0 ||
	    decode_prefixed(buf, SEED_PREFIX, seed, sizeof(seed)) != 0) {
		snprintf(why, size, "%s is not an Atelier key", path);
		err = SIGN_EBADKEY;
	} else {
		crypto_sign_seed_keypair(pk, sk, seed);
	}
	sodium_memzero(seed, sizeof(seed));
	sodium_memzero(buf, strlen(buf));
	free(buf);
	return err;
}

static enum sign_err write_public(const char *path, const unsigned char pk[SIGN_PK_BYTES],
				  char *why, size_t size)
{
	char text[SIGN_PUBLIC_TEXT + 1];

	sign_public_text(pk, text);
	strncat(text, "\n", sizeof(text) - strlen(text) - 1);
	if (file_write(path, text, strlen(text), 0644, 0) == FILE_EIO) {
		snprintf(why, size, "cannot write %s: %s", path, strerror(errno));
		return SIGN_EIO;
	}
	return SIGN_OK;
}

/* Create the key pair SECRET_NAME, PUBLIC_NAME in DATADIR/keys unless it is there. */
static enum sign_err create_pair(const char *datadir, const char *secret_name,
				 const char *public_name, int *created, char *why, size_t size)
{
	unsigned char seed[crypto_sign_SEEDBYTES], pk[SIGN_PK_BYTES], sk[SIGN_SK_BYTES];
	char dir[PATH_MAX], secret[PATH_MAX], public[PATH_MAX];
	char text[sizeof(SEED_PREFIX) +
		  sodium_base64_ENCODED_LEN(crypto_sign_SEEDBYTES, sodium_base64_VARIANT_ORIGINAL) +
		  1];
	enum sign_err err;
	enum file_err w;

	*created = 0;
	if (!ready())
		return SIGN_ENOMEM;
	if (snprintf(dir, sizeof(dir), "%s/%s", datadir, SIGN_KEY_DIR) >= (int)sizeof(dir) ||
	    key_path(datadir, secret_name, secret, sizeof(secret)) ||
	    key_path(datadir, public_name, public, sizeof(public))) {
		snprintf(why, size, "the data directory's path is too long");
		return SIGN_EIO;
	}
	if (datadir_create(dir) != DATADIR_OK) {
		snprintf(why, size, "cannot create %s: %s", dir, strerror(errno));
		return SIGN_EIO;
	}
	randombytes_buf(seed, sizeof(seed));
	memcpy(text, SEED_PREFIX, strlen(SEED_PREFIX));
	sodium_bin2base64(text + strlen(SEED_PREFIX), sizeof(text) - strlen(SEED_PREFIX) - 1, seed,
			  sizeof(seed), sodium_base64_VARIANT_ORIGINAL);
	strncat(text, "\n", sizeof(text) - strlen(text) - 1);
	w = file_write(secret, text, strlen(text), 0600, 0);
	sodium_memzero(seed, sizeof(seed));
	sodium_memzero(text, sizeof(text));
	if (w == FILE_EIO) {
		snprintf(why, size, "cannot write %s: %s", secret, strerror(errno));
		return SIGN_EIO;
	}
	*created = w == FILE_OK;
	/* Whichever key is there now (ours, or one made meanwhile) gives the public file. */
	err = load_seed(secret, pk, sk, why, size);
	sodium_memzero(sk, sizeof(sk));
	if (err)
		return err;
	if (access(public, F_OK) == 0)
		return SIGN_OK;
	return write_public(public, pk, why, size);
}

enum sign_err sign_key_create(const char *datadir, int *created, char *why, size_t size)
{
	return create_pair(datadir, SIGN_SECRET_FILE, SIGN_PUBLIC_FILE, created, why, size);
}

enum sign_err sign_bench_key_create(const char *datadir, int *created, char *why, size_t size)
{
	return create_pair(datadir, SIGN_BENCH_SECRET_FILE, SIGN_BENCH_PUBLIC_FILE, created, why,
			   size);
}

static enum sign_err secret_of(const char *datadir, const char *name,
			       unsigned char sk[SIGN_SK_BYTES], char *why, size_t size)
{
	unsigned char pk[SIGN_PK_BYTES];
	char path[PATH_MAX];

	if (!ready())
		return SIGN_ENOMEM;
	if (key_path(datadir, name, path, sizeof(path))) {
		snprintf(why, size, "the data directory's path is too long");
		return SIGN_EIO;
	}
	return load_seed(path, pk, sk, why, size);
}

enum sign_err sign_key_secret(const char *datadir, unsigned char sk[SIGN_SK_BYTES], char *why,
			      size_t size)
{
	return secret_of(datadir, SIGN_SECRET_FILE, sk, why, size);
}

enum sign_err sign_bench_key_secret(const char *datadir, unsigned char sk[SIGN_SK_BYTES],
				    char *why, size_t size)
{
	return secret_of(datadir, SIGN_BENCH_SECRET_FILE, sk, why, size);
}

enum sign_err sign_workshop_public_write(const char *datadir, const unsigned char pk[SIGN_PK_BYTES],
					 char *why, size_t size)
{
	unsigned char have[SIGN_PK_BYTES];
	char dir[PATH_MAX], path[PATH_MAX];
	enum sign_err err = sign_key_public(datadir, have, why, size);

	if (err == SIGN_OK) {
		if (sodium_memcmp(have, pk, SIGN_PK_BYTES) == 0)
			return SIGN_OK;
		snprintf(why, size, "%s/%s/%s holds another workshop's key", datadir, SIGN_KEY_DIR,
			 SIGN_PUBLIC_FILE);
		return SIGN_EOTHERKEY;
	}
	if (err != SIGN_ENOKEY)
		return err;
	if (snprintf(dir, sizeof(dir), "%s/%s", datadir, SIGN_KEY_DIR) >= (int)sizeof(dir) ||
	    key_path(datadir, SIGN_PUBLIC_FILE, path, sizeof(path))) {
		snprintf(why, size, "the data directory's path is too long");
		return SIGN_EIO;
	}
	if (datadir_create(dir) != DATADIR_OK) {
		snprintf(why, size, "cannot create %s: %s", dir, strerror(errno));
		return SIGN_EIO;
	}
	return write_public(path, pk, why, size);
}

static enum sign_err public_of(const char *datadir, const char *name,
			       unsigned char pk[SIGN_PK_BYTES], char *why, size_t size)
{
	char path[PATH_MAX], *buf;
	enum sign_err err = SIGN_OK;
	int missing;

	if (!ready())
		return SIGN_ENOMEM;
	if (key_path(datadir, name, path, sizeof(path))) {
		snprintf(why, size, "the data directory's path is too long");
		return SIGN_EIO;
	}
	buf = read_key_file(path, &missing, why, size);
	if (!buf)
		return missing ? SIGN_ENOKEY : SIGN_EIO;
	if (decode_prefixed(buf, PUBLIC_PREFIX, pk, SIGN_PK_BYTES) != 0) {
		snprintf(why, size, "%s is not an Atelier public key", path);
		err = SIGN_EBADKEY;
	}
	free(buf);
	return err;
}

enum sign_err sign_key_public(const char *datadir, unsigned char pk[SIGN_PK_BYTES], char *why,
			      size_t size)
{
	return public_of(datadir, SIGN_PUBLIC_FILE, pk, why, size);
}

enum sign_err sign_bench_key_public(const char *datadir, unsigned char pk[SIGN_PK_BYTES],
				    char *why, size_t size)
{
	return public_of(datadir, SIGN_BENCH_PUBLIC_FILE, pk, why, size);
}

char *sign_canonical(const json_t *o)
{
	return json_dumps(o, SIGN_CANONICAL_FLAGS);
}

/* The text that is signed: O with its signature member reduced to algorithm and key id. */
static char *signed_text(const json_t *o, const char *key_id)
{
	json_t *copy = json_deep_copy(o);
	char *text = NULL;

	if (!copy)
		return NULL;
	if (json_object_set_new(copy, "signature",
				json_pack("{s:s, s:s}", "algorithm", "Ed25519", "key_id", key_id)) ==
	    0)
		text = sign_canonical(copy);
	json_decref(copy);
	return text;
}

enum sign_err sign_object(json_t *o, const unsigned char sk[SIGN_SK_BYTES],
			  const unsigned char pk[SIGN_PK_BYTES])
{
	unsigned char sig[crypto_sign_BYTES];
	char id[SIGN_KEY_ID_HEX];
	char b64[sodium_base64_ENCODED_LEN(crypto_sign_BYTES, sodium_base64_VARIANT_ORIGINAL)];
	char *text;

	if (!ready() || !json_is_object(o))
		return SIGN_EFORMAT;
	sign_key_id(pk, id);
	text = signed_text(o, id);
	if (!text)
		return SIGN_ENOMEM;
	crypto_sign_detached(sig, NULL, (const unsigned char *)text, strlen(text), sk);
	free(text);
	sodium_bin2base64(b64, sizeof(b64), sig, sizeof(sig), sodium_base64_VARIANT_ORIGINAL);
	if (json_object_set_new(o, "signature",
				json_pack("{s:s, s:s, s:s}", "algorithm", "Ed25519", "key_id", id,
					  "value", b64)) != 0)
		return SIGN_ENOMEM;
	return SIGN_OK;
}

int sign_value_decode(const char *sig, unsigned char out[64])
{
	if (!ready() || !sig)
		return -1;
	return sign_b64_exact(sig, strlen(sig), sodium_base64_VARIANT_ORIGINAL, out, 64);
}

/* The signature member's fields, checked for shape. */
static enum sign_err signature_of(const json_t *o, const char **key_id, const char **value,
				  char *why, size_t size)
{
	json_t *s = json_object_get(o, "signature");
	const char *alg;

	if (!json_is_object(s)) {
		snprintf(why, size, "it has no signature");
		return SIGN_EFORMAT;
	}
	alg = json_string_value(json_object_get(s, "algorithm"));
	*key_id = json_string_value(json_object_get(s, "key_id"));
	*value = json_string_value(json_object_get(s, "value"));
	if (!alg || strcmp(alg, "Ed25519") != 0) {
		snprintf(why, size, "its signature algorithm is not Ed25519");
		return SIGN_EFORMAT;
	}
	if (!*key_id || !*value || json_object_size(s) != 3) {
		snprintf(why, size, "its signature is incomplete or has extra fields");
		return SIGN_EFORMAT;
	}
	return SIGN_OK;
}

enum sign_err sign_check(const json_t *o, const unsigned char pk[SIGN_PK_BYTES], char *why,
			 size_t size)
{
	unsigned char sig[crypto_sign_BYTES];
	char id[SIGN_KEY_ID_HEX], *text;
	const char *key_id, *value;
	enum sign_err err;
	int bad;

	if (!ready())
		return SIGN_ENOMEM;
	if (!json_is_object(o)) {
		snprintf(why, size, "it is not a JSON object");
		return SIGN_EFORMAT;
	}
	err = signature_of(o, &key_id, &value, why, size);
	if (err)
		return err;
	if (sign_value_decode(value, sig) != 0) {
		snprintf(why, size, "its signature value is not a 64-byte Ed25519 signature");
		return SIGN_EFORMAT;
	}
	sign_key_id(pk, id);
	if (strcmp(key_id, id) != 0) {
		snprintf(why, size, "it names key %s, not this workshop's key %s", key_id, id);
		return SIGN_EOTHERKEY;
	}
	text = signed_text(o, key_id);
	if (!text)
		return SIGN_ENOMEM;
	bad = crypto_sign_verify_detached(sig, (const unsigned char *)text, strlen(text), pk);
	free(text);
	if (bad) {
		snprintf(why, size, "the signature does not match its content: it was changed "
				    "after it was signed, or signed by another key");
		return SIGN_EBADSIG;
	}
	return SIGN_OK;
}

int sign_value_url(const json_t *o, char *out, size_t size)
{
	unsigned char sig[crypto_sign_BYTES];
	const char *value = json_string_value(json_object_get(json_object_get(o, "signature"),
							      "value"));

	if (!value || sign_value_decode(value, sig) != 0 ||
	    size < sodium_base64_ENCODED_LEN(crypto_sign_BYTES,
					     sodium_base64_VARIANT_URLSAFE_NO_PADDING))
		return -1;
	sodium_bin2base64(out, size, sig, sizeof(sig), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	return 0;
}

/* ---- signed text (the heads of the records) and the keys a workshop has had ---- */

void sign_text(const unsigned char sk[SIGN_SK_BYTES], const char *msg, char *out, size_t size)
{
	unsigned char sig[crypto_sign_BYTES];

	crypto_sign_detached(sig, NULL, (const unsigned char *)msg, strlen(msg), sk);
	sodium_bin2base64(out, size, sig, sizeof(sig), sodium_base64_VARIANT_ORIGINAL);
}

int sign_text_check(const unsigned char pk[SIGN_PK_BYTES], const char *msg, const char *sig)
{
	unsigned char bin[crypto_sign_BYTES];
	char again[sodium_base64_ENCODED_LEN(crypto_sign_BYTES, sodium_base64_VARIANT_ORIGINAL)];
	size_t got = 0;

	if (!ready() || !sig ||
	    sodium_base642bin(bin, sizeof(bin), sig, strlen(sig), NULL, &got, NULL,
			      sodium_base64_VARIANT_ORIGINAL) != 0 ||
	    got != sizeof(bin))
		return 0;
	/* One spelling only: the bytes encoded again must be the text given. */
	sodium_bin2base64(again, sizeof(again), bin, sizeof(bin), sodium_base64_VARIANT_ORIGINAL);
	if (strcmp(again, sig) != 0)
		return 0;
	return crypto_sign_verify_detached(bin, (const unsigned char *)msg, strlen(msg), pk) == 0;
}

static int retired_path(const char *datadir, const char *key_id, char *out, size_t size)
{
	int n = snprintf(out, size, "%s/%s/%s/%s.pub", datadir, SIGN_KEY_DIR, SIGN_RETIRED_DIR,
			 key_id);

	return n > 0 && (size_t)n < size ? 0 : -1;
}

enum sign_err sign_key_public_by_id(const char *datadir, const char *key_id,
				    unsigned char pk[SIGN_PK_BYTES], char *why, size_t size)
{
	char id[SIGN_KEY_ID_HEX], path[PATH_MAX], *buf;
	enum sign_err err;
	int missing;

	if (!ready())
		return SIGN_ENOMEM;
	if (strlen(key_id) != SIGN_KEY_ID_HEX - 1 ||
	    strspn(key_id, "0123456789abcdef") != SIGN_KEY_ID_HEX - 1) {
		snprintf(why, size, "'%.20s' is not a key id", key_id);
		return SIGN_EBADKEY;
	}
	err = sign_key_public(datadir, pk, why, size);
	if (err == SIGN_OK) {
		sign_key_id(pk, id);
		if (strcmp(id, key_id) == 0)
			return SIGN_OK;
	}
	if (retired_path(datadir, key_id, path, sizeof(path))) {
		snprintf(why, size, "the data directory's path is too long");
		return SIGN_EIO;
	}
	buf = read_key_file(path, &missing, why, size);
	if (!buf) {
		if (missing)
			snprintf(why, size, "key %s is not a key of this workshop", key_id);
		return missing ? SIGN_EOTHERKEY : SIGN_EIO;
	}
	err = decode_prefixed(buf, PUBLIC_PREFIX, pk, SIGN_PK_BYTES) == 0 ? SIGN_OK : SIGN_EBADKEY;
	free(buf);
	if (err == SIGN_OK) {
		sign_key_id(pk, id);
		if (strcmp(id, key_id) != 0)
			err = SIGN_EBADKEY; /* a file named for one key that holds another */
	}
	if (err)
		snprintf(why, size, "%s is not the public key %s", path, key_id);
	return err;
}

enum sign_err sign_key_rotate(const char *datadir, char old_id[SIGN_KEY_ID_HEX],
			      char new_id[SIGN_KEY_ID_HEX], char *why, size_t size)
{
	unsigned char pk[SIGN_PK_BYTES], sk[SIGN_SK_BYTES];
	char secret[PATH_MAX], public[PATH_MAX], dir[PATH_MAX], retired[PATH_MAX];
	enum sign_err err;
	int created = 0;

	if (!ready())
		return SIGN_ENOMEM;
	err = sign_key_secret(datadir, sk, why, size);
	sodium_memzero(sk, sizeof(sk));
	if (err)
		return err;
	err = sign_key_public(datadir, pk, why, size);
	if (err)
		return err;
	sign_key_id(pk, old_id);
	if (key_path(datadir, SIGN_SECRET_FILE, secret, sizeof(secret)) ||
	    key_path(datadir, SIGN_PUBLIC_FILE, public, sizeof(public)) ||
	    key_path(datadir, SIGN_RETIRED_DIR, dir, sizeof(dir)) ||
	    retired_path(datadir, old_id, retired, sizeof(retired))) {
		snprintf(why, size, "the data directory's path is too long");
		return SIGN_EIO;
	}
	if (datadir_create(dir) != DATADIR_OK) {
		snprintf(why, size, "cannot create %s: %s", dir, strerror(errno));
		return SIGN_EIO;
	}
	/* The old public key is kept first, so that whatever happens next, what it signed
	 * still verifies; then the old secret goes, and a new pair is made. */
	err = write_public(retired, pk, why, size);
	if (err)
		return err;
	if (unlink(secret) != 0 || unlink(public) != 0) {
		snprintf(why, size, "cannot remove the old key in %s: %s", dir, strerror(errno));
		return SIGN_EIO;
	}
	err = sign_key_create(datadir, &created, why, size);
	if (err)
		return err;
	err = sign_key_public(datadir, pk, why, size);
	if (!err)
		sign_key_id(pk, new_id);
	return err;
}
