/* Length-prefixed fields into a SHA-256. See hash.h. */
#include "util/hash.h"

#include <stdio.h>
#include <string.h>

void hash_feed(crypto_hash_sha256_state *h, const char *s)
{
	char len[24];

	snprintf(len, sizeof(len), "%ld:", s ? (long)strlen(s) : -1L);
	crypto_hash_sha256_update(h, (const unsigned char *)len, strlen(len));
	if (s)
		crypto_hash_sha256_update(h, (const unsigned char *)s, strlen(s));
}

void hash_feed_num(crypto_hash_sha256_state *h, long long v)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "%lld", v);
	hash_feed(h, buf);
}

void hash_finish(crypto_hash_sha256_state *h, char out[HASH_HEX])
{
	unsigned char d[crypto_hash_sha256_BYTES];

	crypto_hash_sha256_final(h, d);
	sodium_bin2hex(out, HASH_HEX, d, sizeof(d));
}

uint64_t hash_text(const char *s)
{
	uint64_t h = 1469598103934665603u;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211u;
	return h;
}
