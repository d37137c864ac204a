/*
 * android — read an Android phone or tablet through the adb server, in the calling
 * thread (the probe worker process, src/probe/probe.c, which the parent can kill at its
 * deadline).
 *
 * One probe = host:devices-l (is the phone there, in which state: the trust state and a
 * plain instruction when it is not "device"), host-serial:S:features (shell v2 or not),
 * and ONE shell connection running every command of the probe, separated by marker
 * lines (getprop, dumpsys battery, the battery's power_supply uevent, df of /data,
 * dumpsys diskstats, meminfo, dumpsys account, the two setup settings, which su, the
 * IMEI call, pm list features). The outputs are turned into facts by
 * src/probe/android_parse.c.
 */
#ifndef ATELIER_PROBE_ANDROID_H
#define ATELIER_PROBE_ANDROID_H

#include "probe/facts.h"

enum androidp_err {
	ANDROIDP_OK = 0,
	ANDROIDP_ENOSERVER,  /* no adb server, and none could be started */
	ANDROIDP_ENODEV,     /* the adb server does not list this serial */
	ANDROIDP_EUNTRUSTED, /* unauthorized, offline, no permissions, still authorizing */
	ANDROIDP_ELISTED,    /* in a mode adb cannot read (recovery, sideload, bootloader) */
	ANDROIDP_ELOST,      /* the phone went away or stopped answering mid-probe */
	ANDROIDP_EPROTOCOL,  /* the adb server answered something unexpected */
};

const char *androidp_strerror(enum androidp_err err);

/* Same shapes as iosp_opts (src/probe/ios.h). */
typedef void (*androidp_progress_fn)(void *ctx, const char *step, const char *trust);
typedef void (*androidp_finished_fn)(void *ctx, enum androidp_err err, struct facts *f);

struct androidp_opts {
	int timeout_ms; /* per adb request; the worker's parent enforces the whole probe */
	androidp_progress_fn progress;
	androidp_finished_fn finished; /* may be NULL */
	void *ctx;
};

/* Marker line between the outputs of the commands of one shell connection. */
#define ANDROIDP_MARKER "@@ATELIER-NEXT@@"

/* Probe SERIAL (an adb serial) into F. Facts read before a failure are kept. */
enum androidp_err androidp_probe(const char *serial, const struct androidp_opts *opts,
				 struct facts *f) __attribute__((warn_unused_result));

/* The shell command line of one probe (static) and the number of its sections. */
const char *androidp_script(void);
size_t androidp_sections(void);

/* Split OUT (the script's stdout) at the marker lines into at most MAX sections:
 * START[i] and LEN[i] point into OUT. Returns the number found. Exposed for tests. */
size_t androidp_split(const char *out, size_t out_len, const char **start, size_t *len,
		      size_t max);

#endif
