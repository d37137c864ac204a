/* A signature, a public key and a QR text are read in their one canonical spelling only:
 * every other encoding of the same bytes is refused. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "cert/certify.h"
#include "cert/sign.h"

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
static const char b64url[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/* Set an unused low bit of the character at P (of ALPHABET): the same bytes decoded,
 * another spelling. */
static void set_unused_bit(char *p, const char *alphabet)
{
	*p = alphabet[(strchr(alphabet, *p) - alphabet) | 1];
}

static int sig_ok(const char *s)
{
	unsigned char out[64];

	return sign_value_decode(s, out) == 0;
}

static void a_signature_value_is_read_in_its_canonical_base64_only(void **state)
{
	unsigned char sig[64];
	char good[128], bad[160];
	size_t n;
	(void)state;

	for (size_t i = 0; i < sizeof(sig); i++)
		sig[i] = (unsigned char)(i * 37 + 3);
	sodium_bin2base64(good, sizeof(good), sig, sizeof(sig), sodium_base64_VARIANT_ORIGINAL);
	n = strlen(good);
	assert_int_equal(n, 88);
	assert_true(sig_ok(good));
	/* padding removed */
	snprintf(bad, sizeof(bad), "%.*s", (int)(n - 2), good);
	assert_false(sig_ok(bad));
	/* the URL-safe alphabet for the same bytes */
	sodium_bin2base64(bad, sizeof(bad), sig, sizeof(sig), sodium_base64_VARIANT_URLSAFE);
	assert_true(strcmp(bad, good) != 0); /* the bytes were chosen to need '+' or '/' */
	assert_false(sig_ok(bad));
	/* a newline or a space inside, a newline at the end, a space before */
	snprintf(bad, sizeof(bad), "%.40s\n%s", good, good + 40);
	assert_false(sig_ok(bad));
	snprintf(bad, sizeof(bad), "%.40s %s", good, good + 40);
	assert_false(sig_ok(bad));
	snprintf(bad, sizeof(bad), "%s\n", good);
	assert_false(sig_ok(bad));
	snprintf(bad, sizeof(bad), " %s", good);
	assert_false(sig_ok(bad));
	/* trailing garbage */
	snprintf(bad, sizeof(bad), "%sAA", good);
	assert_false(sig_ok(bad));
	/* the last character with its unused bits not zero */
	snprintf(bad, sizeof(bad), "%s", good);
	set_unused_bit(&bad[n - 3], b64);
	assert_true(strcmp(bad, good) != 0);
	assert_false(sig_ok(bad));
	assert_false(sig_ok(""));
}

static void a_public_key_is_read_in_its_canonical_text_only(void **state)
{
	unsigned char pk[SIGN_PK_BYTES], out[SIGN_PK_BYTES];
	char text[SIGN_PUBLIC_TEXT], bad[128];
	size_t n;
	(void)state;

	for (size_t i = 0; i < sizeof(pk); i++)
		pk[i] = (unsigned char)(250 - i * 5);
	sign_public_text(pk, text);
	n = strlen(text);
	assert_int_equal(sign_public_parse(text, out), SIGN_OK);
	assert_memory_equal(out, pk, sizeof(pk));
	snprintf(bad, sizeof(bad), "%s\n", text); /* as the key file holds it */
	assert_int_equal(sign_public_parse(bad, out), SIGN_OK);

	snprintf(bad, sizeof(bad), "%s\n\n", text);
	assert_int_equal(sign_public_parse(bad, out), SIGN_EBADKEY);
	snprintf(bad, sizeof(bad), "%s\r\n", text);
	assert_int_equal(sign_public_parse(bad, out), SIGN_EBADKEY);
	snprintf(bad, sizeof(bad), " %s", text);
	assert_int_equal(sign_public_parse(bad, out), SIGN_EBADKEY);
	snprintf(bad, sizeof(bad), "%s ", text);
	assert_int_equal(sign_public_parse(bad, out), SIGN_EBADKEY);
	assert_int_equal(sign_public_parse(text + strlen("ed25519:"), out), SIGN_EBADKEY);
	snprintf(bad, sizeof(bad), "ED25519:%s", text + strlen("ed25519:"));
	assert_int_equal(sign_public_parse(bad, out), SIGN_EBADKEY);
	snprintf(bad, sizeof(bad), "%.*s", (int)(n - 1), text); /* padding removed */
	assert_int_equal(sign_public_parse(bad, out), SIGN_EBADKEY);
	snprintf(bad, sizeof(bad), "ed25519:");
	sodium_bin2base64(bad + 8, sizeof(bad) - 8, pk, sizeof(pk), sodium_base64_VARIANT_URLSAFE);
	assert_true(strcmp(bad, text) != 0);
	assert_int_equal(sign_public_parse(bad, out), SIGN_EBADKEY);
	snprintf(bad, sizeof(bad), "%s", text);
	set_unused_bit(&bad[n - 2], b64);
	assert_true(strcmp(bad, text) != 0);
	assert_int_equal(sign_public_parse(bad, out), SIGN_EBADKEY);
	snprintf(bad, sizeof(bad), "%sAAAA", text);
	assert_int_equal(sign_public_parse(bad, out), SIGN_EBADKEY);
}

/* The QR text of signature SIG for ID into OUT. */
static void qr_of(const char *id, const unsigned char sig[64], char *out, size_t size)
{
	char s[100];

	sodium_bin2base64(s, sizeof(s), sig, 64, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	snprintf(out, size, "%s%s:%s", CERTIFY_QR_PREFIX, id, s);
}

static int qr_ok(const char *text)
{
	char id[CERTIFY_ID_LEN + 1], why[256];
	unsigned char sig[64];

	return certify_qr_parse(text, strlen(text), id, sig, why, sizeof(why)) == 0;
}

static void a_qr_text_is_read_strictly(void **state)
{
	unsigned char sig[64], got[64];
	char good[200], bad[260], id[CERTIFY_ID_LEN + 1], why[256], s[100];
	size_t n;
	(void)state;

	for (size_t i = 0; i < sizeof(sig); i++)
		sig[i] = (unsigned char)(255 - i * 11);
	qr_of("ATL-20261127-7F3A9C2E", sig, good, sizeof(good));
	n = strlen(good);
	assert_int_equal(certify_qr_parse(good, n, id, got, why, sizeof(why)), 0);
	assert_string_equal(id, "ATL-20261127-7F3A9C2E");
	assert_memory_equal(got, sig, sizeof(sig));

	snprintf(bad, sizeof(bad), "%s\n", good);
	assert_false(qr_ok(bad)); /* a newline is not part of it */
	snprintf(bad, sizeof(bad), "%s ", good);
	assert_false(qr_ok(bad));
	snprintf(bad, sizeof(bad), " %s", good);
	assert_false(qr_ok(bad));
	snprintf(bad, sizeof(bad), "%s:extra", good);
	assert_false(qr_ok(bad));
	assert_non_null(strstr(good, ":1:"));
	snprintf(bad, sizeof(bad), "atelier-cert:2:%s", good + strlen(CERTIFY_QR_PREFIX));
	assert_false(qr_ok(bad));
	snprintf(bad, sizeof(bad), "ATELIER-CERT:1:%s", good + strlen(CERTIFY_QR_PREFIX));
	assert_false(qr_ok(bad));
	qr_of("ATL-20261127-7f3a9c2e", sig, bad, sizeof(bad)); /* lower-case hex */
	assert_false(qr_ok(bad));
	qr_of("ATL-2026112-7F3A9C2E0", sig, bad, sizeof(bad)); /* right length, wrong shape */
	assert_false(qr_ok(bad));
	/* the signature padded, in the standard alphabet, or with its unused bits set */
	sodium_bin2base64(s, sizeof(s), sig, 64, sodium_base64_VARIANT_URLSAFE);
	snprintf(bad, sizeof(bad), "%sATL-20261127-7F3A9C2E:%s", CERTIFY_QR_PREFIX, s);
	assert_false(qr_ok(bad));
	sodium_bin2base64(s, sizeof(s), sig, 64, sodium_base64_VARIANT_ORIGINAL_NO_PADDING);
	snprintf(bad, sizeof(bad), "%sATL-20261127-7F3A9C2E:%s", CERTIFY_QR_PREFIX, s);
	assert_true(strcmp(bad, good) != 0);
	assert_false(qr_ok(bad));
	snprintf(bad, sizeof(bad), "%s", good);
	set_unused_bit(&bad[n - 1], b64url);
	assert_true(strcmp(bad, good) != 0);
	assert_false(qr_ok(bad));
	/* a NUL inside */
	memcpy(bad, good, n);
	bad[n - 5] = '\0';
	assert_int_equal(certify_qr_parse(bad, n, id, got, why, sizeof(why)), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_signature_value_is_read_in_its_canonical_base64_only),
		cmocka_unit_test(a_public_key_is_read_in_its_canonical_text_only),
		cmocka_unit_test(a_qr_text_is_read_strictly),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
