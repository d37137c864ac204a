/*
 * fastboot_fake — the bootloader side of the fastboot protocol, played by a umockdev
 * ioctl handler on a testbed device node, so libusb's Linux backend runs unmodified
 * against it.
 *
 * It answers the usbdevfs ioctls libusb 1.0.26 sends: GET_CAPABILITIES, (DISCONNECT_)
 * CLAIMINTERFACE, RELEASEINTERFACE, SETINTERFACE, CLEAR_HALT, SUBMITURB, REAPURB(NDELAY)
 * and DISCARDURB; anything else fails with ENOTTY. A bulk OUT URB is a command: its reply
 * packets (set with fbfake_reply) are queued, and each bulk IN URB completes with the
 * next one. An IN URB with nothing queued stays in flight until libusb discards it (its
 * timeout), then reaps with -ENOENT as the kernel would. A command with no reply set is
 * answered "FAILunknown command".
 *
 * The handler runs in umockdev's worker thread; the fake's state is locked, so a test
 * may set replies while nothing is in flight.
 */
#ifndef ATELIER_TESTS_FASTBOOT_FAKE_H
#define ATELIER_TESTS_FASTBOOT_FAKE_H

#include <stddef.h>

struct _UMockdevTestbed;
struct fbfake;

/* Attach a fake bootloader to DEVNODE ("/dev/bus/usb/001/002") of BED. Aborts the test
 * on failure. */
struct fbfake *fbfake_new(struct _UMockdevTestbed *bed, const char *devnode);
/* Detach and free. NULL is allowed. */
void fbfake_free(struct fbfake *fk);

/* Append PACKET (LEN bytes, sent as one bulk IN transfer) to the replies to COMMAND. */
void fbfake_reply(struct fbfake *fk, const char *command, const void *packet, size_t len);
/* The same for a NUL-terminated packet. */
void fbfake_reply_str(struct fbfake *fk, const char *command, const char *packet);
/* Replies to COMMAND from a `fastboot getvar all` capture at PATH: each
 * "(bootloader) key:value" line becomes an "INFOkey:value" packet cut at 64 bytes, other
 * lines (the "# " header, the prompt, "all:") are skipped; then "OKAY". Returns the
 * number of INFO packets. */
size_t fbfake_reply_capture(struct fbfake *fk, const char *command, const char *path);

/* Never answer bulk IN: a hung bootloader. */
void fbfake_set_silent(struct fbfake *fk, int silent);
/* Fail claiming the interface with ERRNO_ (EBUSY: another program holds it); 0 to
 * allow. */
void fbfake_set_claim_errno(struct fbfake *fk, int errno_);

/* Unplug the phone after it has sent N reply packets: from then on every ioctl fails
 * with ENODEV, as usbdevfs does for a device that is gone. */
void fbfake_unplug_after(struct fbfake *fk, unsigned n);

/* Whether the interface is claimed now (1) or was released (0). */
int fbfake_claimed(struct fbfake *fk);
/* Number of commands (bulk OUT transfers) received so far. */
unsigned fbfake_commands(struct fbfake *fk);

#endif
