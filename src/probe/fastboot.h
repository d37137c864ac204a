/*
 * fastboot — read an Android device in FASTBOOT mode (the bootloader's USB protocol,
 * AOSP system/core/fastboot/README.md "Protocol") over libusb.
 *
 * The host claims the fastboot interface (class ff, subclass 42, protocol 03), writes one
 * command of at most FASTBOOT_CMD_MAX bytes to its bulk OUT endpoint ("getvar:all") and
 * reads replies from bulk IN, each one packet of up to 64 bytes (256 on newer devices):
 *   "INFO" + text   information, more replies follow (getvar:all: one "key:value" each)
 *   "TEXT" + text   newer bootloaders: text to print, more replies follow
 *   "OKAY" + value  the command succeeded
 *   "FAIL" + reason the command failed
 *   "DATA" + hex8   ready for a download (never asked for here: a protocol error)
 *
 * Atelier only reads: it sends getvar commands, never flash/erase/oem/reboot.
 *
 * Invariants: every transfer has a timeout and every command an overall deadline; all
 * that comes from the device is bounded (FASTBOOT_OUT_MAX bytes, FASTBOOT_LINES_MAX
 * lines) and cleaned (control bytes become '?'); the interface is released and the
 * device closed on every path. Nothing here keeps a libusb_device across calls: a
 * device is found again by its port id each time.
 *
 * The I/O goes through a small table of functions (struct fastboot_transport), so the
 * protocol logic runs unchanged against libusb (the default) or a scripted transport in
 * tests.
 */
#ifndef ATELIER_PROBE_FASTBOOT_H
#define ATELIER_PROBE_FASTBOOT_H

#include <libusb.h>
#include <stddef.h>

#include "probe/facts.h"

#define FASTBOOT_CMD_MAX 64	       /* a command, in bytes, no NUL */
#define FASTBOOT_PACKET_MAX 512	       /* receive buffer: 64 (old) and 256 (new) fit */
#define FASTBOOT_OUT_MAX (64 * 1024)   /* INFO text kept from one command */
#define FASTBOOT_LINES_MAX 2000	       /* INFO/TEXT replies accepted for one command */
#define FASTBOOT_REPLY_TIMEOUT_MS 2000 /* longest wait for one reply packet */

/* The fastboot interface's class triple. */
#define FASTBOOT_CLASS 0xff
#define FASTBOOT_SUBCLASS 0x42
#define FASTBOOT_PROTOCOL 0x03

enum fastboot_err {
	FASTBOOT_OK = 0,
	FASTBOOT_ENODEV,   /* nothing at that port, or no fastboot interface on it */
	FASTBOOT_EACCESS,  /* no permission to open it (udev rules, plugdev group) */
	FASTBOOT_EBUSY,	   /* another program holds the interface (a running `fastboot`) */
	FASTBOOT_EFAIL,	   /* the bootloader answered FAIL; the reason is returned */
	FASTBOOT_ETIMEOUT, /* no answer before the deadline */
	FASTBOOT_ELOST,	   /* the device went away during the exchange */
	FASTBOOT_EPROTO,   /* a reply that is not fastboot protocol */
	FASTBOOT_ETOOBIG,  /* more replies or text than the maxima above */
	FASTBOOT_EIO,	   /* any other USB failure */
	FASTBOOT_ENOMEM,
};

/* A lower-case phrase for ERR, for the trainee; static. */
const char *fastboot_strerror(enum fastboot_err err);

/*
 * How bytes reach the bootloader. Both functions return FASTBOOT_OK or the error that
 * ended the transfer (ETIMEOUT, ELOST, EIO); they never block longer than TIMEOUT_MS.
 *   send: write LEN bytes of BUF as one transfer.
 *   recv: read one reply packet into BUF (SIZE bytes), its length into *GOT.
 */
struct fastboot_transport {
	enum fastboot_err (*send)(void *ctx, const void *buf, size_t len, int timeout_ms);
	enum fastboot_err (*recv)(void *ctx, void *buf, size_t size, size_t *got, int timeout_ms);
	void *ctx;
};

/*
 * Run command CMD (1 to FASTBOOT_CMD_MAX bytes, e.g. "getvar:all"; longer is a
 * programmer error, asserted) on T and collect its INFO replies, within TIMEOUT_MS in
 * all (each reply waited for at most FASTBOOT_REPLY_TIMEOUT_MS). TEXT replies are skipped, but count against the maxima.
 *
 * On FASTBOOT_OK, *OUT is the INFO texts joined with "\n" (one line each, control bytes
 * as '?', NUL-terminated, *LEN bytes without the NUL), and *OKAY_VALUE (when not NULL)
 * the value OKAY carried ("" when none). On FASTBOOT_EFAIL, *OUT is the bootloader's
 * reason (cleaned, maybe ""), *LEN its length. On any other error *OUT is NULL and *LEN
 * 0. The caller frees *OUT (and *OKAY_VALUE) with free().
 */
enum fastboot_err fastboot_command(const struct fastboot_transport *t, const char *cmd,
				   int timeout_ms, char **out, size_t *len, char **okay_value)
    __attribute__((warn_unused_result));

/*
 * getvar:all on T: the INFO lines ("key:value", as the bootloader wrote them) joined
 * with "\n", the text aprops_parse_getvar() reads. Ownership and errors as
 * fastboot_command (on EFAIL *OUT is the reason).
 */
enum fastboot_err fastboot_getvar_all_on(const struct fastboot_transport *t, int timeout_ms,
					 char **out, size_t *len)
    __attribute__((warn_unused_result));

/*
 * getvar:all on the fastboot device at USB port id PORT_ID ("usb:1-4" or "1-4") found
 * in CTX: opens it, claims its fastboot interface (detaching a kernel driver if one is
 * bound), runs the command within TIMEOUT_MS, releases and closes. Ownership and
 * results as fastboot_getvar_all_on.
 */
enum fastboot_err fastboot_getvar_all(libusb_context *ctx, const char *port_id, int timeout_ms,
				      char **out, size_t *len) __attribute__((warn_unused_result));

/*
 * Probe the fastboot device at PORT_ID into F, with a libusb context of its own:
 * platform "android", connection.via/mode "fastboot", connection.id and
 * connection.usb_id the port id ("usb:1-4"), identity.model_id (product),
 * identity.serial (serialno), locks.bootloader (android_facts_from_getvar). On failure
 * F gets an error naming the port and the reason, and the error is returned.
 */
enum fastboot_err fastboot_probe(const char *port_id, int timeout_ms, struct facts *f)
    __attribute__((warn_unused_result));

#endif
