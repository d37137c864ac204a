/*
 * probe — read many devices at once, one worker process per device.
 *
 * A worker is `atelier probe-worker PLATFORM ID TIMEOUT_MS` (this same binary): it
 * prints JSON lines on its standard output, {"step": S, "trust": T} as it goes and
 * {"facts": {...}, "result": R} at the end. Running each device in its own process
 * means a stuck phone, or a library call that never returns, is ended by the parent at
 * the deadline (SIGKILL) without blocking the others or leaking anything. The parent
 * reads all workers with poll(): no thread, no busy wait.
 */
#ifndef ATELIER_PROBE_PROBE_H
#define ATELIER_PROBE_PROBE_H

#include <jansson.h>
#include <stddef.h>

#define PROBE_ID_MAX 128
/* Bytes a worker may print in all; past it the worker is killed and the probe fails. */
#define PROBE_OUTPUT_MAX (1024 * 1024)
/* The parent waits this long past the probe timeout for a worker's final line. */
#define PROBE_GRACE_MS 3000

enum probe_platform {
	PROBE_IOS,
};

struct probe_target {
	enum probe_platform platform;
	char id[PROBE_ID_MAX]; /* UDID for iOS */
};

/* Called from probe_run() when a worker reports its trust state changing, so the
 * front end can tell the trainee ("unlock the phone", "tap Trust"). */
typedef void (*probe_trust_fn)(void *ctx, const struct probe_target *t, const char *trust);

struct probe_result {
	json_t *facts;      /* owned; never NULL after probe_run() */
	char result[32];    /* "ok" or the worker's error ("untrusted", "lost", "timeout"...) */
	long long t_ms;     /* wall clock when the probe started */
	long long took_ms;
};

/* Probe the N targets in parallel, each within TIMEOUT_MS (plus PROBE_GRACE_MS for the
 * worker to report), and fill RESULTS[0..N-1]. SELF is the path of the atelier binary
 * (NULL: /proc/self/exe). Returns 0, or -1 when workers could not be started at all. */
int probe_run(const struct probe_target *targets, size_t n, int timeout_ms, const char *self,
	      probe_trust_fn on_trust, void *ctx, struct probe_result *results);

void probe_result_release(struct probe_result *r);

/* The worker's main: `atelier probe-worker PLATFORM ID TIMEOUT_MS`. */
int probe_worker_main(int argc, char **argv);

#endif
