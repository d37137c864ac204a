/* Answers of the API computed from the records, kept while the records are unchanged.
 *
 * The records' generation: a number of this process that moves whenever a commit may
 * have happened. At each cached request SQLite's data_version is read on one connection
 * kept for it (routes.c: it moves with every commit of any other connection, the
 * server's writer's or the command line's), and the generation moves when it changed;
 * the writer moves it too when it commits. An answer is kept with the generation read
 * before it was computed and given only while the generation is the same: a commit can
 * only make it be computed again, never make a stale one be given.
 *
 * One computation per key: a request that misses while another computes the same answer
 * waits for it (up to CACHE_WAIT_MS) instead of computing it again, so that fifty screens
 * asking at once after a change cost one computation. An answer is given by reference
 * (counted), not copied, and freed when the last answer that uses it is sent.
 *
 * Compressed once, when kept: an answer of CACHE_GZIP_MIN bytes or more is kept gzipped
 * too (zlib's fastest level), and given so to a client that accepts gzip (every browser
 * does), the request that computed it as well. The device list of 1,000 devices is
 * 282 KB of JSON and 18 KB gzipped, made in half a millisecond: the kernel copies a
 * fifteenth of the bytes for each request, and a tablet on the workshop's Wi-Fi waits
 * for a fifteenth of them. */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <zlib.h>

#include "util/hash.h"
#include "web/web.h"

#define CACHE_SLOTS 256
#define CACHE_BYTES (8 * 1024 * 1024) /* all answers kept, at most */
#define CACHE_ONE_MAX (1024 * 1024)    /* a larger answer is not kept */
#define CACHE_KEY_MAX 512
#define CACHE_WAIT_MS 2000
#define CACHE_GZIP_MIN 1024 /* a smaller answer is kept as it is alone */

struct answer {
	atomic_int refs;
	size_t len;
	const char *type; /* static */
	unsigned char *gz; /* BODY gzipped (gz_len bytes), or NULL */
	size_t gz_len;
	char body[];
};

struct slot {
	char key[CACHE_KEY_MAX];
	long long gen;
	struct answer *a; /* NULL while empty or being computed */
	int filling;	  /* a request computes KEY at GEN now */
};

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t filled = PTHREAD_COND_INITIALIZER;
static struct slot slots[CACHE_SLOTS];
static size_t total;
static atomic_llong generation;

static void answer_release(void *p)
{
	struct answer *a = p;

	if (a && atomic_fetch_sub(&a->refs, 1) == 1) {
		free(a->gz);
		free(a);
	}
}

/* BODY (LEN bytes) as gzip into *OUT (free()), *OUT_LEN bytes; 0 when it is not smaller. */
static int gzip_of(const char *body, size_t len, unsigned char **out, size_t *out_len)
{
	z_stream z;
	unsigned char *buf;
	uLong room;
	int ok;

	*out = NULL;
	memset(&z, 0, sizeof(z));
	/* windowBits 15 + 16: a gzip header and trailer, not zlib's (RFC 9110 "gzip"). */
	if (len > CACHE_ONE_MAX ||
	    deflateInit2(&z, Z_BEST_SPEED, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		return 0;
	room = deflateBound(&z, (uLong)len); /* all of it in one deflate() */
	buf = malloc(room);
	if (buf) {
		z.next_in = (Bytef *)(uintptr_t)body;
		z.avail_in = (uInt)len;
		z.next_out = buf;
		z.avail_out = (uInt)room;
	}
	ok = buf && deflate(&z, Z_FINISH) == Z_STREAM_END && z.total_out < len;
	deflateEnd(&z);
	if (!ok) {
		free(buf);
		return 0;
	}
	*out = buf;
	*out_len = z.total_out;
	return 1;
}

/* Whether the q-value of one coding's parameters, P to END (";q=0.5"...), is 0. */
static int q_is_zero(const char *p, const char *end)
{
	while (p < end) {
		p += strspn(p, "; \t");
		if (end - p >= 2 && (p[0] == 'q' || p[0] == 'Q') && p[1] == '=') {
			p += 2;
			if (p >= end || *p != '0')
				return 0;
			for (p++; p < end && (*p == '.' || *p == '0'); p++)
				;
			return p >= end || *p == ' ' || *p == '\t' || *p == ';';
		}
		p += strcspn(p, ";");
	}
	return 0;
}

int web_accepts_gzip(const char *header)
{
	int gzip = -1, star = 0; /* gzip named (1 taken, 0 refused); "*" taken */
	const char *p = header;

	while (p && *p) {
		const char *end = p + strcspn(p, ","), *name, *semi;
		size_t n;

		p += strspn(p, " \t");
		name = p;
		semi = memchr(p, ';', (size_t)(end - p));
		n = (size_t)((semi ? semi : end) - name);
		while (n && (name[n - 1] == ' ' || name[n - 1] == '\t'))
			n--;
		if (n == 4 && strncasecmp(name, "gzip", 4) == 0)
			gzip = !(semi && q_is_zero(semi, end));
		else if (n == 1 && *name == '*')
			star = !(semi && q_is_zero(semi, end));
		p = *end ? end + 1 : end;
	}
	/* A coding named outright counts over "*" (RFC 9110, 12.5.3). */
	return gzip >= 0 ? gzip : star;
}

/* Answer A's body, in OUT, holding one reference: gzipped when GZIP and it was kept so. */
static void answer_give(struct answer *a, int gzip, struct web_out *out)
{
	atomic_fetch_add(&a->refs, 1);
	out->status = 200;
	out->body = a->body;
	out->len = a->len;
	out->vary_encoding = a->gz != NULL;
	if (gzip && a->gz) {
		out->body = (char *)a->gz;
		out->len = a->gz_len;
		out->encoding = "gzip";
	}
	out->owned = 0;
	out->type = a->type;
	out->api = 1;
	out->release = answer_release;
	out->release_cls = a;
}

static void drop(struct slot *sl)
{
	if (sl->a) {
		total -= sl->a->len;
		answer_release(sl->a);
	}
	memset(sl, 0, sizeof(*sl));
}

void web_cache_changed(void)
{
	atomic_fetch_add(&generation, 1);
}

long long web_cache_generation(long long data_version, long long *last)
{
	if (data_version != *last) {
		*last = data_version;
		web_cache_changed();
	}
	return atomic_load(&generation);
}

enum web_cache_hit web_cache_get(const char *key, long long gen, int gzip, struct web_out *out)
{
	struct slot *sl;
	struct timespec until;
	enum web_cache_hit hit = WEB_CACHE_COMPUTE;

	if (strlen(key) >= CACHE_KEY_MAX)
		return WEB_CACHE_NONE;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += CACHE_WAIT_MS / 1000;
	pthread_mutex_lock(&mu);
	sl = &slots[hash_text(key) % CACHE_SLOTS];
	for (;;) {
		int same = strcmp(sl->key, key) == 0 && sl->gen == gen;

		if (same && sl->a) {
			answer_give(sl->a, gzip, out);
			hit = WEB_CACHE_HIT;
			break;
		}
		if (same && sl->filling) {
			/* Another request computes it: wait for its answer. */
			if (pthread_cond_timedwait(&filled, &mu, &until) == ETIMEDOUT) {
				hit = WEB_CACHE_NONE;
				break;
			}
			continue;
		}
		/* This request computes it; an older answer in the slot goes. */
		drop(sl);
		snprintf(sl->key, sizeof(sl->key), "%s", key);
		sl->gen = gen;
		sl->filling = 1;
		break;
	}
	pthread_mutex_unlock(&mu);
	return hit;
}

void web_cache_put(const char *key, long long gen, int gzip, struct web_out *out)
{
	struct answer *a = NULL;
	struct slot *sl;

	if (out && out->status == 200 && out->body && out->len <= CACHE_ONE_MAX) {
		a = malloc(sizeof(*a) + out->len + 1);
		if (a) {
			atomic_init(&a->refs, 1);
			a->len = out->len;
			a->type = out->type;
			a->gz = NULL;
			a->gz_len = 0;
			memcpy(a->body, out->body, out->len);
			a->body[out->len] = '\0';
			/* Not compressed: kept as it is, given as it is. */
			if (out->len >= CACHE_GZIP_MIN)
				gzip_of(a->body, a->len, &a->gz, &a->gz_len);
		}
		/* This request too is answered as the ones after it will be: gzipped, when it
		 * takes gzip, and with Vary, from the answer just made (kept or not). */
		if (a && a->gz) {
			web_out_drop_body(out);
			answer_give(a, gzip, out);
		}
	}
	pthread_mutex_lock(&mu);
	sl = &slots[hash_text(key) % CACHE_SLOTS];
	if (strcmp(sl->key, key) == 0 && sl->gen == gen && sl->filling) {
		sl->filling = 0;
		if (a && total + a->len > CACHE_BYTES) /* over the bound: what is kept goes */
			for (size_t i = 0; i < CACHE_SLOTS; i++)
				if (&slots[i] != sl && !slots[i].filling)
					drop(&slots[i]);
		if (a && total + a->len <= CACHE_BYTES) {
			sl->a = a;
			total += a->len;
			a = NULL;
		} else {
			memset(sl, 0, sizeof(*sl)); /* nothing kept: the waiting compute it */
		}
	}
	pthread_cond_broadcast(&filled);
	pthread_mutex_unlock(&mu);
	answer_release(a);
}

void web_cache_free(void)
{
	pthread_mutex_lock(&mu);
	for (size_t i = 0; i < CACHE_SLOTS; i++)
		drop(&slots[i]);
	pthread_mutex_unlock(&mu);
}
