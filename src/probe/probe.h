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
	PROBE_ANDROID,
	PROBE_FASTBOOT, /* an Android bootloader, read over libusb by its USB port id */
};

struct probe_target {
	enum probe_platform platform;
	char id[PROBE_ID_MAX]; /* UDID for iOS, adb serial for Android, usb:B-P for fastboot */
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

/* SELF for a caller that has started no thread yet (no libusb context, no server): the
 * workers are forked without exec, which saves loading the binary again. */
extern const char PROBE_FORK_ONLY[];

/* Probe the N targets in parallel, each within TIMEOUT_MS (plus PROBE_GRACE_MS for the
 * worker to report), and fill RESULTS[0..N-1]. SELF is the path of the atelier binary
 * (NULL: /proc/self/exe), or PROBE_FORK_ONLY. Returns 0, or -1 when workers could not be
 * started at all. */
int probe_run(const struct probe_target *targets, size_t n, int timeout_ms, const char *self,
	      probe_trust_fn on_trust, void *ctx, struct probe_result *results);

/* The same in three steps, so the caller can work while the workers do:
 * probe_start() spawns them (NULL when out of memory; RESULTS and TARGETS must live
 * until probe_end()); probe_wait() fills RESULTS as the workers report (a worker that
 * reported may still be closing its session with the phone); probe_end() reaps every
 * worker (killing one that does not finish within PROBE_GRACE_MS) and frees the batch. */
struct probe_batch;
struct probe_batch *probe_start(const struct probe_target *targets, size_t n, int timeout_ms,
				const char *self, struct probe_result *results);
void probe_wait(struct probe_batch *b, probe_trust_fn on_trust, void *ctx);
void probe_end(struct probe_batch *b);

void probe_result_release(struct probe_result *r);

/* The worker's result word in plain words for the trainee ("it is not plugged in"). */
const char *probe_result_words(const char *result);

/* The worker's main: `atelier probe-worker ios|android|fastboot ID TIMEOUT_MS`. */
int probe_worker_main(int argc, char **argv);

#endif
