/*
 * ios — read an iPhone or iPad through usbmuxd with libimobiledevice, in the calling
 * thread. Used by the probe worker process (src/probe/probe.c), which the parent can
 * kill at its deadline: libimobiledevice calls cannot be cancelled from outside.
 *
 * One probe = the trust loop (lockdownd_client_new_with_handshake, retried while the
 * phone is locked or asks "Trust this computer?"; while it waits, a preauth read gives the
 * model and iOS version for the card), ONE lockdown session reading the root domain and
 * the disk_usage and battery domains whole, and by key the values a real device leaves
 * out of a domain dump (DeviceEnclosureColor, com.apple.fmip IsAssociated,
 * com.apple.mobile.chaperone DeviceIsChaperoned, com.apple.purplebuddy SetupDone), and ONE
 * diagnostics_relay connection reading the battery from the IORegistry.
 * A stale pair record (INVALID_HOST_ID, or an SSL error on the session) is deleted
 * from usbmuxd and pairing retried once.
 */
#ifndef ATELIER_PROBE_IOS_H
#define ATELIER_PROBE_IOS_H

#include "probe/facts.h"

enum iosp_err {
	IOSP_OK = 0,
	IOSP_ENODEV,     /* no such device at usbmuxd (unplugged, or not an iOS device) */
	IOSP_EUNTRUSTED, /* trust never granted within the timeout (locked, pending) */
	IOSP_EDENIED,    /* the user tapped Don't Trust, or MDM forbids pairing */
	IOSP_ELOST,      /* the device went away or stopped answering mid-probe */
	IOSP_EPROTOCOL,  /* lockdownd said something unexpected */
};

const char *iosp_strerror(enum iosp_err err);

/* Called as the probe moves on: STEP is a short static text ("preauth", "trust",
 * "session", "com.apple.disk_usage", "diagnostics_relay"...), TRUST the trust state
 * now ("trusted", "locked", "pending", "denied", "mdm_prohibited") or NULL. */
typedef void (*iosp_progress_fn)(void *ctx, const char *step, const char *trust);

/* Called once, when every fact is read (or the probe failed), before the session with
 * the phone is closed, so the facts can be reported without waiting for the goodbyes. */
typedef void (*iosp_finished_fn)(void *ctx, enum iosp_err err, struct facts *f);

struct iosp_opts {
	int timeout_ms;        /* for the trust loop; the worker's parent enforces the rest */
	int retry_interval_ms; /* between trust attempts; 1000-2000 */
	iosp_progress_fn progress;
	iosp_finished_fn finished; /* may be NULL */
	void *ctx;
};

/* Probe UDID into F (facts already created by the caller). Facts read before a
 * failure are kept; each fact that could not be read has an error entry. */
enum iosp_err iosp_probe(const char *udid, const struct iosp_opts *opts, struct facts *f)
	__attribute__((warn_unused_result));

#endif
