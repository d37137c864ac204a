/*
 * Checking a certificate's text: kept apart from certify.c, which needs the store, so
 * that the fuzz target (tests/fuzz/fuzz_certificate.c) can reach it alone.
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cert/certify.h"
#include "cert/sign.h"

int certify_verify_text(const char *name, const char *buf, size_t len,
			const unsigned char pk[SIGN_PK_BYTES], json_t **out, char *why, size_t size)
{
	json_error_t jerr;
	const char *format;
	char *canon;
	int same;

	*out = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!*out) {
		snprintf(why, size, "%s:%d:%d: not a certificate: %s", name, jerr.line, jerr.column,
			 jerr.text);
		return -1;
	}
	format = json_string_value(json_object_get(*out, "format"));
	if (!format || strcmp(format, CERTIFY_FORMAT) != 0) {
		snprintf(why, size, "%s is not an Atelier certificate (no \"format\": \"%s\")", name,
			 CERTIFY_FORMAT);
		return -1;
	}
	if (sign_check(*out, pk, why, size) != SIGN_OK)
		return -1;
	/* The signature covers the content; the bytes must also be the ones issued. */
	canon = sign_canonical(*out);
	same = canon && strlen(canon) + 1 == len && memcmp(canon, buf, len - 1) == 0 &&
	       buf[len - 1] == '\n';
	free(canon);
	if (!same) {
		snprintf(why, size, "%s is not byte for byte the certificate as issued (spacing, "
				    "order or an added character changed)",
			 name);
		return -1;
	}
	return 0;
}

/* 1 when the N bytes at S are all in SET. */
static int all_in(const char *s, size_t n, const char *set)
{
	for (size_t i = 0; i < n; i++)
		if (!s[i] || !strchr(set, s[i]))
			return 0;
	return 1;
}

int certify_qr_parse(const char *text, size_t len, char *id, unsigned char sig[64], char *why,
		     size_t size)
{
	static const char digits[] = "0123456789", hex[] = "0123456789ABCDEF";
	const size_t plen = strlen(CERTIFY_QR_PREFIX);
	const char *i = text + plen, *s = i + CERTIFY_ID_LEN + 1;

	if (len < plen || memcmp(text, CERTIFY_QR_PREFIX, plen) != 0) {
		snprintf(why, size, "the QR text does not begin with '%s'", CERTIFY_QR_PREFIX);
		return -1;
	}
	if (len != plen + CERTIFY_ID_LEN + 1 + CERTIFY_QR_SIG_LEN) {
		snprintf(why, size,
			 "the QR text is %zu characters long, not %zu: it has something more or "
			 "less than '%sID:SIGNATURE' (a space, a line break, another field)",
			 len, plen + CERTIFY_ID_LEN + 1 + CERTIFY_QR_SIG_LEN, CERTIFY_QR_PREFIX);
		return -1;
	}
	if (memcmp(i, "ATL-", 4) != 0 || !all_in(i + 4, 8, digits) || i[12] != '-' ||
	    !all_in(i + 13, 8, hex) || i[CERTIFY_ID_LEN] != ':') {
		snprintf(why, size, "the QR text has no certificate id (ATL-YYYYMMDD-XXXXXXXX) "
				    "after '%s'",
			 CERTIFY_QR_PREFIX);
		return -1;
	}
	if (sign_b64_exact(s, CERTIFY_QR_SIG_LEN, sodium_base64_VARIANT_URLSAFE_NO_PADDING, sig,
			   64) != 0) {
		snprintf(why, size, "the QR text has no well-formed signature after the id (86 "
				    "characters of base64url, in its one canonical spelling)");
		return -1;
	}
	memcpy(id, i, CERTIFY_ID_LEN);
	id[CERTIFY_ID_LEN] = '\0';
	return 0;
}
