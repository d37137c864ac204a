/* Answers of the API computed from the records, kept while the records are unchanged.
 *
 * The version of the records is read on one service context of its own that never
 * writes (svc_records_version: SQLite's data_version, which moves with every commit of
 * any other connection, this server's threads and the command line alike). An answer is
 * kept under its key (who asks, the path and the query) with the version read before it
 * was computed; it is given again only while the version is the same, so a commit made
 * meanwhile can only make it be computed again, never make a stale one be given. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "web/web.h"

#define CACHE_SLOTS 256
#define CACHE_BYTES (8 * 1024 * 1024) /* all answers kept, at most */
#define CACHE_ONE_MAX (1024 * 1024)    /* a larger answer is not kept */
#define CACHE_KEY_MAX 512

struct slot {
	char key[CACHE_KEY_MAX];
	long long version;
	char *body;
	size_t len;
	const char *type; /* static */
};

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static struct slot slots[CACHE_SLOTS];
static size_t total;
static struct bench *version_bench; /* never writes */

static unsigned long hash_key(const char *s)
{
	unsigned long h = 1469598103934665603UL; /* FNV-1a */

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211UL;
	return h;
}

static void drop(struct slot *sl)
{
	total -= sl->len;
	free(sl->body);
	memset(sl, 0, sizeof(*sl));
}

int web_cache_version(const struct web_ctx *ctx, long long *out)
{
	char why[256];
	int ok = 0;

	pthread_mutex_lock(&mu);
	if (!version_bench &&
	    svc_open(ctx->data_opt, SVC_OPEN_STORE, &version_bench, why, sizeof(why)) != SVC_OK)
		version_bench = NULL; /* tried again at the next request */
	if (version_bench && svc_records_version(version_bench, out) == SVC_OK)
		ok = 1;
	pthread_mutex_unlock(&mu);
	return ok;
}

int web_cache_get(const char *key, long long version, struct web_out *out)
{
	struct slot *sl;
	int hit = 0;

	if (strlen(key) >= CACHE_KEY_MAX)
		return 0;
	pthread_mutex_lock(&mu);
	sl = &slots[hash_key(key) % CACHE_SLOTS];
	if (sl->body && sl->version == version && strcmp(sl->key, key) == 0) {
		char *copy = malloc(sl->len + 1);

		if (copy) {
			memcpy(copy, sl->body, sl->len + 1);
			out->status = 200;
			out->body = copy;
			out->len = sl->len;
			out->owned = 1;
			out->type = sl->type;
			out->api = 1;
			hit = 1;
		}
	}
	pthread_mutex_unlock(&mu);
	return hit;
}

void web_cache_put(const char *key, long long version, const char *body, size_t len,
		   const char *type)
{
	struct slot *sl;
	char *copy;

	if (strlen(key) >= CACHE_KEY_MAX || len > CACHE_ONE_MAX)
		return;
	copy = malloc(len + 1);
	if (!copy)
		return;
	memcpy(copy, body, len);
	copy[len] = '\0';
	pthread_mutex_lock(&mu);
	sl = &slots[hash_key(key) % CACHE_SLOTS];
	drop(sl);
	/* Over the bound: what is kept goes; answers are cheap to compute again. */
	if (total + len > CACHE_BYTES)
		for (size_t i = 0; i < CACHE_SLOTS; i++)
			drop(&slots[i]);
	snprintf(sl->key, sizeof(sl->key), "%s", key);
	sl->version = version;
	sl->body = copy;
	sl->len = len;
	sl->type = type;
	total += len;
	pthread_mutex_unlock(&mu);
}

void web_cache_free(void)
{
	pthread_mutex_lock(&mu);
	for (size_t i = 0; i < CACHE_SLOTS; i++)
		drop(&slots[i]);
	svc_close(version_bench);
	version_bench = NULL;
	pthread_mutex_unlock(&mu);
}
