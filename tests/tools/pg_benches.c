/*
 * Several benches recording steps into one workshop's records at once (issue #15): N
 * bench processes, each with its own service context (svc_open()), signed in as the
 * fixture's trainee (bench/web_fixture.c: `bench-trainee`, PIN 24681357), record steps
 * for T seconds, each into its own job; benches 0 and 1 share the first job. Every
 * attempt carries a note of its own ("b3-s17.r5f2a9c01": bench 3, its 17th attempt, in
 * the run marked r5f2a9c01), so that each record found afterwards names the attempt that
 * made it (the records of other runs are left out of the check).
 *
 * Each bench writes OUT/bench-I.log, one line per outcome:
 *   ack JOB RECORD NOTE LATENCY_US T_MS   acknowledged (svc_job_step() returned OK), its
 *                                         latency on the monotonic clock, and when (ms
 *                                         from the start of the run)
 *   nothing JOB NOTE                      failed, and the reason says nothing was recorded:
 *                                         tried again with a new note
 *   fail JOB NOTE WHY                     failed without saying so (at COMMIT, or for
 *                                         another reason): in doubt, resolved by one of
 *   found JOB RECORD NOTE                   it was recorded after all (looked up in the
 *                                           job's records; never recorded again)
 *   absent JOB NOTE                         it was not: tried again with a new note
 *   unresolved JOB NOTE                     the records could not be read in time
 *   reopen WHY                            the context was closed and opened again
 *
 * With --kill (PostgreSQL only), a killer process ends one of the benches' connections
 * every 100 to 500 ms (pg_terminate_backend() on a random backend whose
 * application_name starts with "atelier": each bench's URL names it atelier-bI-gG, G
 * counting the contexts it opened). After a failure a bench goes on with the same
 * context (the store connects again at its next transaction); after 3 failures in a row,
 * or when a step is in doubt, it opens a new context. Before it looks a step in doubt
 * up, it waits until the server has no backend left of the context that sent it
 * (pg_stat_activity), so that a commit still under way cannot be missed.
 *
 * Then the check: every job's records read again (svc_job_show()), and
 *   - each acknowledged or found step is there once, with its job and record number;
 *   - no note of a bench is recorded twice, and none said to be not recorded is there;
 *   - each job's record numbers are 1..n, without a gap or a repeat;
 *   - each job's chain verifies (svc_job_verify());
 *   - every bench acknowledged steps, and some in the last quarter of the run (it went
 *     on after the failures).
 * Prints a summary line, the latencies (p50, p99, max) and each finding; exits 0 when
 * the check passes, 1 when it finds something, 2 on a usage or set-up failure.
 *
 * Each bench keeps each job's work between steps as a bench's server does (atelier
 * serve's writer, svc_keep_work()), and reads it again when another bench moved the job;
 * each step commits in a transaction of its own (the server's group commit is left
 * out). --one-off: as the command line does, every step reading the job's records
 * again.
 *
 * usage: pg_benches DATA_DIR --jobs J1,J2,... [--benches N] [--seconds T] [--pause MS]
 *                   [--kill] [--one-off] [--out DIR] [--check-only]
 *   ATELIER_DB as for atelier (unset: the SQLite file in DATA_DIR). N benches use jobs
 *   J1 (benches 0 and 1), J2... in turn; --pause MS: each bench waits MS between its
 *   steps (a trainee's pace; 0, the default: as fast as it can). --check-only: no run,
 *   the check again of the run whose logs are in --out DIR (the same options), on the
 *   records as they are now.
 */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <libpq-fe.h>

#include "svc/svc.h"

#define TRAINEE "bench-trainee"
#define TRAINEE_PIN "24681357"
#define BENCHES_MAX 256
#define JOBS_MAX 256
#define NOTE_LEN 48
#define WHY_LEN 1024
#define FAILS_BEFORE_REOPEN 3
#define GRACE_MS 60000 /* after the end: how long a step in doubt may take to resolve */
#define LINE_MAX_LEN 2048
#define LOGINS_AT_ONCE 2

struct opts {
	const char *dir, *out, *url; /* url: ATELIER_DB, or NULL for SQLite */
	char run[16];		     /* this run's mark, at the end of every note */
	long long jobs[JOBS_MAX];
	int n_jobs, benches, kill, check_only, one_off;
	long long seconds, pause_ms;
};

/* ---- time ---- */

static long long mono_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000LL + ts.tv_nsec / 1000;
}

static void sleep_ms(long long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

/* ---- a bench ---- */

struct bench_state {
	const struct opts *o;
	int index;
	long long job;
	long long start_us, end_us; /* the run, on the monotonic clock */
	struct bench *b;
	int gen; /* contexts opened so far */
	char app[64]; /* the application_name of the context open */
	FILE *log;
};

/* The URL of O with application_name=APP into OUT. */
static void url_named(const char *url, const char *app, char *out, size_t size)
{
	snprintf(out, size, "%s%sapplication_name=%s", url, strchr(url, '?') ? "&" : "?", app);
}

static void ctx_close(struct bench_state *s, const char *why)
{
	if (!s->b)
		return;
	svc_close(s->b);
	s->b = NULL;
	fprintf(s->log, "reopen %s\n", why);
	fflush(s->log);
}

/* Open a context and sign in: 0, or -1 (try again later). */
static int ctx_open(struct bench_state *s)
{
	char why[WHY_LEN], token[SVC_TOKEN_HEX], url[1200];
	json_t *view = NULL;
	enum svc_err rc;

	s->gen++;
	snprintf(s->app, sizeof(s->app), "atelier-b%d-g%d", s->index, s->gen);
	if (s->o->url) {
		url_named(s->o->url, s->app, url, sizeof(url));
		if (setenv("ATELIER_DB", url, 1) != 0)
			return -1;
	}
	if (svc_open(s->o->dir, SVC_OPEN_STORE, &s->b, why, sizeof(why)) != SVC_OK)
		return -1;
	rc = svc_login(s->b, TRAINEE, TRAINEE_PIN, 1, token, &view);
	json_decref(view);
	if (rc != SVC_OK) {
		svc_close(s->b);
		s->b = NULL;
		return -1;
	}
	if (!s->o->one_off)
		svc_keep_work(s->b);
	return 0;
}

/* Wait (at most 5 s) until the server has no backend left named APP: a connection ended
 * by pg_terminate_backend() may still be finishing a commit. */
static void wait_backend_gone(const char *url, const char *app)
{
	char side[1200];
	const char *params[1] = { app };
	long long until = mono_us() + 5000000LL;
	PGconn *c;

	url_named(url, "pgbench-side", side, sizeof(side));
	c = PQconnectdb(side);
	while (mono_us() < until && PQstatus(c) == CONNECTION_OK) {
		PGresult *r = PQexecParams(c,
					   "SELECT count(*) FROM pg_stat_activity "
					   "WHERE application_name = $1",
					   1, NULL, params, NULL, NULL, 0);
		int gone = r && PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1 &&
			   strcmp(PQgetvalue(r, 0, 0), "0") == 0;

		PQclear(r);
		if (gone)
			break;
		sleep_ms(20);
	}
	PQfinish(c);
}

/* Look NOTE up among the records of the bench's job: 1 found (its record number into
 * *REC), 0 not there, -1 the records could not be read. */
static int lookup(struct bench_state *s, const char *note, long long *rec)
{
	json_t *view = NULL, *records, *r;
	size_t i;
	int found = 0;

	if (svc_job_show(s->b, s->job, &view) != SVC_OK) {
		json_decref(view);
		return -1;
	}
	records = json_object_get(view, "records");
	if (!json_is_array(records)) {
		json_decref(view);
		return -1;
	}
	json_array_foreach(records, i, r) {
		const char *n = json_string_value(json_object_get(r, "note"));

		if (n && strcmp(n, note) == 0) {
			*rec = json_integer_value(json_object_get(r, "record"));
			found++;
		}
	}
	json_decref(view);
	return found > 0;
}

/* A step in doubt: on a new context, once the old one's backend is gone, look it up until
 * the records can be read (the server may be down for a while). */
static void resolve(struct bench_state *s, const char *note)
{
	long long until = s->end_us + GRACE_MS * 1000LL, rec = 0;
	char old_app[64];
	int got = -1;

	snprintf(old_app, sizeof(old_app), "%s", s->app);
	ctx_close(s, "a step in doubt");
	while (got < 0 && mono_us() < until) {
		if (!s->b && ctx_open(s) != 0) {
			sleep_ms(100);
			continue;
		}
		if (s->o->url)
			wait_backend_gone(s->o->url, old_app);
		got = lookup(s, note, &rec);
		if (got < 0) {
			ctx_close(s, "the records could not be read");
			sleep_ms(100);
		}
	}
	if (got > 0)
		fprintf(s->log, "found %lld %lld %s\n", s->job, rec, note);
	else if (got == 0)
		fprintf(s->log, "absent %lld %s\n", s->job, note);
	else
		fprintf(s->log, "unresolved %lld %s\n", s->job, note);
	fflush(s->log);
}

/* One line of text: new lines and tabs of WHY as spaces. */
static void one_line(char *why)
{
	for (char *p = why; *p; p++)
		if (*p == '\n' || *p == '\r' || *p == '\t')
			*p = ' ';
}

/* Read SIZE bytes from FD: 0, or -1. */
static int read_full(int fd, void *buf, size_t size)
{
	size_t got = 0;

	while (got < size) {
		ssize_t r = read(fd, (char *)buf + got, size - got);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		got += (size_t)r;
	}
	return 0;
}

/* Open the bench's first context and sign in, holding one of the tokens of the pipe
 * TOKENS meanwhile; tried for 30 s at most (then the run tries again as it goes). */
static void signed_in(struct bench_state *s, const int tokens[2])
{
	long long until = mono_us() + 30000000LL;
	char t;

	if (read_full(tokens[0], &t, 1) != 0)
		return;
	while (ctx_open(s) != 0 && mono_us() < until)
		sleep_ms(100);
	if (write(tokens[1], &t, 1) != 1)
		return;
}

static int bench_main(struct bench_state *s)
{
	long long seq = 0;
	int fails = 0;

	while (mono_us() < s->end_us) {
		struct svc_step req = { 0 };
		char note[NOTE_LEN], step[16], why[WHY_LEN];
		json_t *view = NULL;
		long long t0, t1;
		enum svc_err rc;

		if (!s->b && ctx_open(s) != 0) {
			sleep_ms(100);
			continue;
		}
		snprintf(note, sizeof(note), "b%d-s%lld.%s", s->index, ++seq, s->o->run);
		snprintf(step, sizeof(step), "step-%lld", seq % 40);
		req.job = s->job;
		req.step = step;
		req.note = note;
		t0 = mono_us();
		rc = svc_job_step(s->b, &req, &view);
		t1 = mono_us();
		if (rc == SVC_OK) {
			fprintf(s->log, "ack %lld %lld %s %lld %lld\n", s->job,
				(long long)json_integer_value(json_object_get(view, "record")), note,
				t1 - t0, (t1 - s->start_us) / 1000);
			fflush(s->log);
			json_decref(view);
			fails = 0;
			if (s->o->pause_ms > 0)
				sleep_ms(s->o->pause_ms);
			continue;
		}
		json_decref(view);
		snprintf(why, sizeof(why), "%s", svc_why(s->b));
		one_line(why);
		if (rc == SVC_EAUTH ||
		    (strstr(why, "nothing was recorded") && !strstr(why, "\"COMMIT\""))) {
			/* Signed out (svc_actor() comes before anything is written), or the
			 * store says so: a new attempt, with a new note. */
			fprintf(s->log, "nothing %lld %s %s\n", s->job, note, why);
			fflush(s->log);
			if (rc == SVC_EAUTH || ++fails >= FAILS_BEFORE_REOPEN) {
				ctx_close(s, rc == SVC_EAUTH ? "signed out" : "failures in a row");
				fails = 0;
			}
			sleep_ms(fails ? 10 : 100);
			continue;
		}
		fprintf(s->log, "fail %lld %s %s\n", s->job, note, why);
		fflush(s->log);
		fails = 0;
		resolve(s, note);
	}
	if (s->b)
		svc_close(s->b);
	return 0;
}

/* ---- the killer ---- */

static int killer_main(const struct opts *o, long long end_us, const char *path)
{
	char url[1200];
	unsigned long long x = (unsigned long long)mono_us() ^ ((unsigned long long)getpid() << 32);
	long long kills = 0, tries = 0;
	FILE *log = fopen(path, "w");
	PGconn *c;

	if (!log)
		return 1;
	url_named(o->url, "pgbench-killer", url, sizeof(url));
	c = PQconnectdb(url);
	while (mono_us() < end_us) {
		PGresult *r;

		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		sleep_ms(100 + (long long)(x % 401));
		if (mono_us() >= end_us)
			break;
		if (PQstatus(c) != CONNECTION_OK)
			PQreset(c);
		r = PQexec(c, "SELECT pg_terminate_backend(pid) FROM (SELECT pid FROM "
			      "pg_stat_activity WHERE datname = current_database() AND pid <> "
			      "pg_backend_pid() AND application_name LIKE 'atelier%' ORDER BY "
			      "random() LIMIT 1) v");
		tries++;
		if (r && PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1 &&
		    strcmp(PQgetvalue(r, 0, 0), "t") == 0)
			kills++;
		PQclear(r);
	}
	fprintf(log, "kills %lld of %lld\n", kills, tries);
	fclose(log);
	PQfinish(c);
	return 0;
}

/* ---- the check ---- */

enum outcome { O_NONE, O_ACK, O_FOUND, O_ABSENT, O_NOTHING, O_UNRESOLVED };

struct attempt {
	char note[NOTE_LEN];
	enum outcome what;
	long long job, rec;
	int seen; /* times found in the records */
};

struct tally {
	struct attempt *a;
	size_t n, cap;
	long long *lat;
	size_t n_lat, cap_lat;
	long long acked[BENCHES_MAX], late[BENCHES_MAX];
	long long fails, nothing, reopens, signed_out, found, absent;
	int findings;
};

static void finding(struct tally *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void finding(struct tally *t, const char *fmt, ...)
{
	va_list ap;

	if (t->findings++ >= 50)
		return;
	printf("check: ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

static struct attempt *attempt_add(struct tally *t)
{
	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 4096;
		struct attempt *a = realloc(t->a, cap * sizeof(*a));

		if (!a)
			return NULL;
		t->a = a;
		t->cap = cap;
	}
	memset(&t->a[t->n], 0, sizeof(t->a[0]));
	return &t->a[t->n++];
}

static int lat_add(struct tally *t, long long us)
{
	if (t->n_lat == t->cap_lat) {
		size_t cap = t->cap_lat ? t->cap_lat * 2 : 4096;
		long long *l = realloc(t->lat, cap * sizeof(*l));

		if (!l)
			return -1;
		t->lat = l;
		t->cap_lat = cap;
	}
	t->lat[t->n_lat++] = us;
	return 0;
}

static int by_note(const void *x, const void *y)
{
	return strcmp(((const struct attempt *)x)->note, ((const struct attempt *)y)->note);
}

static int by_value(const void *x, const void *y)
{
	long long a = *(const long long *)x, b = *(const long long *)y;

	return a < b ? -1 : a > b;
}

/* Read bench I's log into T: 0, or -1 when it cannot be read. */
static int read_log(const struct opts *o, int i, long long quarter_ms, struct tally *t)
{
	char path[4096], line[LINE_MAX_LEN], word[16], note[NOTE_LEN];
	FILE *f;

	snprintf(path, sizeof(path), "%s/bench-%d.log", o->out, i);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		long long job = 0, rec = 0, lat = 0, at = 0;
		struct attempt *a;

		if (sscanf(line, "%15s", word) != 1)
			continue;
		if (strcmp(word, "reopen") == 0) {
			t->reopens++;
			t->signed_out += strncmp(line, "reopen signed out", 17) == 0;
			continue;
		}
		if (strcmp(word, "fail") == 0) {
			t->fails++;
			continue;
		}
		a = attempt_add(t);
		if (!a) {
			fclose(f);
			return -1;
		}
		if (strcmp(word, "ack") == 0 &&
		    sscanf(line, "ack %lld %lld %47s %lld %lld", &job, &rec, note, &lat, &at) == 5) {
			a->what = O_ACK;
			t->acked[i]++;
			t->late[i] += at >= quarter_ms;
			if (lat_add(t, lat) != 0) {
				fclose(f);
				return -1;
			}
		} else if (strcmp(word, "found") == 0 &&
			   sscanf(line, "found %lld %lld %47s", &job, &rec, note) == 3) {
			a->what = O_FOUND;
			t->found++;
		} else if (strcmp(word, "absent") == 0 &&
			   sscanf(line, "absent %lld %47s", &job, note) == 2) {
			a->what = O_ABSENT;
			t->absent++;
		} else if (strcmp(word, "nothing") == 0 &&
			   sscanf(line, "nothing %lld %47s", &job, note) == 2) {
			a->what = O_NOTHING;
			t->nothing++;
		} else if (strcmp(word, "unresolved") == 0 &&
			   sscanf(line, "unresolved %lld %47s", &job, note) == 2) {
			a->what = O_UNRESOLVED;
			finding(t, "bench %d: step %s stayed in doubt (the records could not be read)",
				i, note);
		} else {
			t->n--;
			finding(t, "bench %d: a line of its log is not understood: %.80s", i, line);
			continue;
		}
		snprintf(a->note, sizeof(a->note), "%s", note);
		a->job = job;
		a->rec = rec;
	}
	fclose(f);
	return 0;
}

/* 1 when NOTE is one a bench of this run (RUN) wrote ("b3-s17.RUN"). */
static int bench_note(const char *note, const char *run)
{
	const char *p = note;

	if (*p++ != 'b' || !(*p >= '0' && *p <= '9'))
		return 0;
	while (*p >= '0' && *p <= '9')
		p++;
	if (*p++ != '-' || *p++ != 's' || !(*p >= '0' && *p <= '9'))
		return 0;
	while (*p >= '0' && *p <= '9')
		p++;
	return *p == '.' && strcmp(p + 1, run) == 0;
}

/* Compare job JOB's records with the attempts (sorted by note). */
static void check_job(struct bench *b, const char *run, long long job, struct tally *t)
{
	json_t *view = NULL, *records, *r;
	long long *seqs;
	size_t i, n;

	if (svc_job_show(b, job, &view) != SVC_OK) {
		finding(t, "job %lld cannot be read: %s", job, svc_why(b));
		json_decref(view);
		return;
	}
	records = json_object_get(view, "records");
	n = json_array_size(records);
	seqs = calloc(n ? n : 1, sizeof(*seqs));
	if (!seqs) {
		finding(t, "out of memory");
		json_decref(view);
		return;
	}
	json_array_foreach(records, i, r) {
		const char *note = json_string_value(json_object_get(r, "note"));
		long long rec = json_integer_value(json_object_get(r, "record"));
		struct attempt key = { 0 }, *a;

		seqs[i] = rec;
		if (!note || !bench_note(note, run))
			continue; /* the fixture's, or another run's */
		snprintf(key.note, sizeof(key.note), "%s", note);
		a = bsearch(&key, t->a, t->n, sizeof(*t->a), by_note);
		if (!a) {
			finding(t, "job %lld record %lld: note %s, which no bench tried", job, rec,
				note);
			continue;
		}
		a->seen++;
		if (a->seen > 1)
			finding(t, "job %lld record %lld: note %s recorded again", job, rec, note);
		if (a->job != job)
			finding(t, "job %lld record %lld: note %s was sent to job %lld", job, rec,
				note, a->job);
		if (a->what == O_NOTHING || a->what == O_ABSENT)
			finding(t, "job %lld record %lld: note %s is recorded, though the bench %s",
				job, rec, note,
				a->what == O_NOTHING ? "was told nothing was recorded"
						     : "found it absent after the failure");
		else if ((a->what == O_ACK || a->what == O_FOUND) && a->rec != rec)
			finding(t, "job %lld: note %s is record %lld, acknowledged as record %lld",
				job, note, rec, a->rec);
	}
	qsort(seqs, n, sizeof(*seqs), by_value);
	for (i = 0; i < n; i++)
		if (seqs[i] != (long long)i + 1) {
			finding(t, "job %lld: its records are not numbered 1..%zu: record %lld in "
				   "place %zu",
				job, n, seqs[i], i + 1);
			break;
		}
	free(seqs);
	json_decref(view);
	view = NULL;
	if (svc_job_verify(b, job, &view) != SVC_OK)
		finding(t, "job %lld does not verify: %s", job, svc_why(b));
	json_decref(view);
}

static long long pct(const struct tally *t, double p)
{
	size_t k;

	if (!t->n_lat)
		return 0;
	k = (size_t)(p * (double)(t->n_lat - 1) + 0.5);
	return t->lat[k];
}

static int check(const struct opts *o, double seconds)
{
	struct tally t = { 0 };
	long long kills = -1, tries = -1, acked = 0;
	char why[WHY_LEN], path[4096];
	struct bench *b = NULL;
	FILE *f = NULL;
	int rc = 2;

	for (int i = 0; i < o->benches; i++)
		if (read_log(o, i, o->seconds * 750, &t) != 0) {
			fprintf(stderr, "pg_benches: bench %d's log cannot be read\n", i);
			goto out;
		}
	qsort(t.a, t.n, sizeof(*t.a), by_note);
	for (size_t i = 1; i < t.n; i++)
		if (strcmp(t.a[i - 1].note, t.a[i].note) == 0)
			finding(&t, "note %s was tried twice", t.a[i].note);
	if (o->url && setenv("ATELIER_DB", o->url, 1) != 0)
		goto out;
	if (svc_open(o->dir, SVC_OPEN_STORE, &b, why, sizeof(why)) != SVC_OK) {
		fprintf(stderr, "pg_benches: the records cannot be opened for the check: %s\n", why);
		goto out;
	}
	/* The jobs the benches used (benches 0 and 1 share the first), each once. */
	for (int j = 0; j < o->n_jobs && j < (o->benches > 1 ? o->benches - 1 : 1); j++) {
		int again = 0;

		for (int k = 0; k < j; k++)
			again |= o->jobs[k] == o->jobs[j];
		if (!again)
			check_job(b, o->run, o->jobs[j], &t);
	}
	for (size_t i = 0; i < t.n; i++)
		if ((t.a[i].what == O_ACK || t.a[i].what == O_FOUND) && t.a[i].seen == 0)
			finding(&t, "job %lld: step %s was %s but is not in the records", t.a[i].job,
				t.a[i].note, t.a[i].what == O_ACK ? "acknowledged" : "found");
	for (int i = 0; i < o->benches; i++) {
		acked += t.acked[i];
		if (t.acked[i] == 0)
			finding(&t, "bench %d had no step acknowledged", i);
		else if (t.late[i] == 0)
			finding(&t, "bench %d had no step acknowledged in the last quarter of the run",
				i);
	}
	snprintf(path, sizeof(path), "%s/killer.log", o->out);
	if (o->kill && ((f = fopen(path, "r")) == NULL ||
			fscanf(f, "kills %lld of %lld", &kills, &tries) != 2)) {
		finding(&t, "the killer left no count");
	}
	if (o->kill && f)
		fclose(f);
	qsort(t.lat, t.n_lat, sizeof(*t.lat), by_value);
	printf("benches %d seconds %.1f acknowledged %lld steps/s %.1f failures %lld "
	       "nothing_recorded %lld in_doubt_found %lld in_doubt_absent %lld reopened %lld "
	       "signed_out %lld",
	       o->benches, seconds, acked, seconds > 0 ? (double)acked / seconds : 0.0, t.fails + t.nothing,
	       t.nothing, t.found, t.absent, t.reopens, t.signed_out);
	if (o->kill)
		printf(" kills %lld", kills);
	printf("\nlatency_ms p50 %.2f p99 %.2f max %.2f\n", pct(&t, 0.50) / 1000.0,
	       pct(&t, 0.99) / 1000.0, t.n_lat ? t.lat[t.n_lat - 1] / 1000.0 : 0.0);
	printf("check: %s (%d finding%s)\n", t.findings ? "FAILED" : "ok", t.findings,
	       t.findings == 1 ? "" : "s");
	rc = t.findings ? 1 : 0;
out:
	if (b)
		svc_close(b);
	free(t.a);
	free(t.lat);
	return rc;
}

/* ---- the run ---- */

/* OUT/run keeps the run's mark for a check again (--check-only). */
static int write_run(const struct opts *o)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/run", o->out);
	f = fopen(path, "w");
	if (!f || fprintf(f, "%s\n", o->run) < 0 || fclose(f) != 0) {
		fprintf(stderr, "pg_benches: %s cannot be written\n", path);
		return -1;
	}
	return 0;
}

static int read_run(struct opts *o)
{
	char path[4096];
	FILE *f;
	int ok;

	snprintf(path, sizeof(path), "%s/run", o->out);
	f = fopen(path, "r");
	ok = f && fscanf(f, "%15s", o->run) == 1;
	if (f)
		fclose(f);
	if (!ok)
		fprintf(stderr, "pg_benches: %s cannot be read\n", path);
	return ok ? 0 : -1;
}

static int usage(void)
{
	fprintf(stderr, "usage: pg_benches DATA_DIR --jobs J1,J2,... [--benches N] [--seconds T] "
			"[--pause MS] [--kill] [--one-off] [--out DIR] [--check-only]\n");
	return 2;
}

static int number(const char *s, long long min, long long max, long long *out)
{
	char *end;

	errno = 0;
	*out = strtoll(s, &end, 10);
	return errno == 0 && end != s && *end == '\0' && *out >= min && *out <= max;
}

static int parse(int argc, char **argv, struct opts *o)
{
	const char *url = getenv("ATELIER_DB");
	long long v;

	o->benches = 8;
	o->seconds = 30;
	o->url = url && *url ? url : NULL;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;

		if (strcmp(a, "--kill") == 0) {
			o->kill = 1;
		} else if (strcmp(a, "--check-only") == 0) {
			o->check_only = 1;
		} else if (strcmp(a, "--one-off") == 0) {
			o->one_off = 1;
		} else if (strcmp(a, "--jobs") == 0 && val) {
			char *copy = strdup(val), *save = NULL;

			if (!copy)
				return -1;
			for (char *p = strtok_r(copy, ",", &save); p; p = strtok_r(NULL, ",", &save))
				if (o->n_jobs >= JOBS_MAX || !number(p, 1, 1LL << 62, &o->jobs[o->n_jobs++])) {
					free(copy);
					return -1;
				}
			free(copy);
			i++;
		} else if (strcmp(a, "--benches") == 0 && val && number(val, 1, BENCHES_MAX, &v)) {
			o->benches = (int)v;
			i++;
		} else if (strcmp(a, "--seconds") == 0 && val && number(val, 1, 86400, &v)) {
			o->seconds = v;
			i++;
		} else if (strcmp(a, "--pause") == 0 && val && number(val, 0, 60000, &v)) {
			o->pause_ms = v;
			i++;
		} else if (strcmp(a, "--out") == 0 && val) {
			o->out = val;
			i++;
		} else if (a[0] != '-' && !o->dir) {
			o->dir = a;
		} else {
			return -1;
		}
	}
	if (!o->dir || o->n_jobs == 0 || (o->kill && !o->url) || (o->check_only && !o->out))
		return -1;
	return 0;
}

int main(int argc, char **argv)
{
	static struct opts o;
	pid_t pids[BENCHES_MAX + 1];
	int tokens[2], ready[2], go[2];
	char tmp[] = "/tmp/pg_benches.XXXXXX";
	long long start, end;
	int n = 0, bad = 0;

	if (parse(argc, argv, &o) != 0)
		return usage();
	snprintf(o.run, sizeof(o.run), "r%08x",
		 (unsigned)time(NULL) ^ ((unsigned)getpid() << 12) ^ (unsigned)mono_us());
	if (o.check_only)
		return read_run(&o) == 0 ? check(&o, (double)o.seconds) : 2;
	if (!o.out) {
		o.out = mkdtemp(tmp);
		if (!o.out) {
			perror("pg_benches: mkdtemp");
			return 2;
		}
	} else if (mkdir(o.out, 0700) != 0 && errno != EEXIST) {
		fprintf(stderr, "pg_benches: %s: %s\n", o.out, strerror(errno));
		return 2;
	}
	if (write_run(&o) != 0)
		return 2;
	if (pipe(tokens) != 0 || pipe(ready) != 0 || pipe(go) != 0 ||
	    write(tokens[1], "tt", LOGINS_AT_ONCE) != LOGINS_AT_ONCE) {
		perror("pg_benches: pipe");
		return 2;
	}
	fflush(stdout);
	for (int i = 0; i < o.benches; i++) {
		pid_t pid = fork();

		if (pid < 0) {
			perror("pg_benches: fork");
			bad = 1;
			break;
		}
		if (pid == 0) {
			struct bench_state s = { 0 };
			long long when[2];
			char path[4096];
			int rc;

			snprintf(path, sizeof(path), "%s/bench-%d.log", o.out, i);
			s.o = &o;
			s.index = i;
			/* Benches 0 and 1 share the first job; the others have one each. */
			s.job = o.jobs[i == 0 ? 0 : (i - 1) % o.n_jobs];
			s.log = fopen(path, "w");
			if (!s.log)
				_exit(2);
			/* Signed in before the clock starts, a few at a time: a PIN's check
			 * (Argon2id) takes 64 MiB and a CPU for a while. */
			signed_in(&s, tokens);
			if (write(ready[1], "r", 1) != 1 || read_full(go[0], when, sizeof(when)) != 0)
				_exit(2);
			s.start_us = when[0];
			s.end_us = when[1];
			rc = bench_main(&s);
			fclose(s.log);
			exit(rc);
		}
		pids[n++] = pid;
	}
	for (int i = 0; !bad && i < n; i++) {
		char c;

		if (read_full(ready[0], &c, 1) != 0)
			bad = 1;
	}
	start = mono_us();
	end = start + o.seconds * 1000000LL;
	for (int i = 0; !bad && i < n; i++) {
		long long when[2] = { start, end };

		if (write(go[1], when, sizeof(when)) != (ssize_t)sizeof(when))
			bad = 1;
	}
	if (!bad && o.kill) {
		pid_t pid = fork();

		if (pid == 0) {
			char path[4096];

			snprintf(path, sizeof(path), "%s/killer.log", o.out);
			exit(killer_main(&o, end, path));
		}
		if (pid > 0)
			pids[n++] = pid;
		else
			bad = 1;
	}
	for (int i = 0; i < n; i++) {
		int status = 0;

		if (bad)
			kill(pids[i], SIGTERM);
		while (waitpid(pids[i], &status, 0) < 0 && errno == EINTR)
			;
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
			fprintf(stderr, "pg_benches: process %d (pid %d) ended badly (status %d)\n", i,
				(int)pids[i], status);
			bad = 1;
		}
	}
	if (bad)
		return 2;
	return check(&o, (double)o.seconds);
}
