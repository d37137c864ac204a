/*
 * hash — the one way Atelier feeds fields into a SHA-256 that chains records (the
 * steps of a job, the ledger's entries): each field as "LENGTH:" and its bytes, a
 * missing one as "-1:", so that no two different lists of fields give the same stream
 * (a note "ab" with a value "c" and a note "a" with a value "bc" differ; so do a missing
 * note and an empty one). And a quick hash of a text for tables kept in memory.
 */
#ifndef ATELIER_UTIL_HASH_H
#define ATELIER_UTIL_HASH_H

#include <sodium.h>
#include <stdint.h>

#define HASH_HEX 65 /* 64 hex digits and the NUL */

/* Feed S (may be NULL) into H. */
void hash_feed(crypto_hash_sha256_state *h, const char *s);
/* Feed V, in decimal, into H. */
void hash_feed_num(crypto_hash_sha256_state *h, long long v);
/* Finish H into OUT, in lower-case hex. */
void hash_finish(crypto_hash_sha256_state *h, char out[HASH_HEX]);

/* FNV-1a (64 bits) of the text S: to spread texts over the slots of a table in memory,
 * never to stand for them in what is kept or signed. */
uint64_t hash_text(const char *s);

#endif
