/*
 * libFuzzer target: `atelier verify` on a file someone hands in as a certificate.
 *
 * One small certificate is signed at start with a fixed key; its issued text (canonical
 * JSON and a newline) is the seed in tests/fuzz/corpus/fuzz_certificate. The property: the
 * bytes verify if and only if they are exactly that text. Anything else must be refused
 * with a reason, without a crash, a leak or undefined behaviour.
 */
#include <jansson.h>
#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cert/certify.h"
#include "cert/sign.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static unsigned char pk[SIGN_PK_BYTES];
static char *issued;

static void setup(void)
{
	unsigned char seed[crypto_sign_SEEDBYTES], sk[SIGN_SK_BYTES];
	json_t *cert;
	char *canon;

	if (sodium_init() < 0)
		abort();
	memset(seed, 7, sizeof(seed));
	crypto_sign_seed_keypair(pk, sk, seed);
	cert = json_pack("{s:s, s:s, s:{s:s, s:s}, s:{s:f, s:i}}", "format", CERTIFY_FORMAT, "id",
			 "ATL-20261127-0000FUZZ", "device", "serial", "C1QQABCD4R", "make", "Apple",
			 "battery", "health_pct", 91.2, "cycle_count", 312);
	if (!cert || sign_object(cert, sk, pk) != SIGN_OK)
		abort();
	canon = sign_canonical(cert);
	if (!canon || asprintf(&issued, "%s\n", canon) < 0)
		abort();
	free(canon);
	json_decref(cert);
	/* FUZZ_CERT_WRITE_SEED=FILE writes the seed for the corpus. */
	if (getenv("FUZZ_CERT_WRITE_SEED")) {
		FILE *f = fopen(getenv("FUZZ_CERT_WRITE_SEED"), "w");

		if (!f || fputs(issued, f) < 0 || fclose(f) != 0)
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char why[512] = "";
	json_t *out = NULL;
	int valid;

	if (!issued)
		setup();
	valid = certify_verify_text("fuzz", (const char *)data, size, pk, &out, why,
				    sizeof(why)) == 0;
	if (valid != (size == strlen(issued) && memcmp(data, issued, size) == 0))
		abort();
	if (!valid && !why[0])
		abort(); /* a refusal always says why */
	json_decref(out);
	return 0;
}
