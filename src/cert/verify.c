/*
 * Checking a certificate's text: kept apart from certify.c, which needs the store, so
 * that the fuzz target (tests/fuzz/fuzz_certificate.c) can reach it alone.
 */
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
