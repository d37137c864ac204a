/*
 * watch — the bench's live view of USB: one libusb context, a hotplug callback that
 * only queues, an event thread that blocks in libusb (no polling loop), and a registry
 * of what is attached now, keyed by the port id ("usb:1-2.3") and the bus address,
 * never by a libusb_device pointer.
 *
 * Threads: libusb's own udev monitor thread, our event thread (libusb_handle_events),
 * and the caller's thread, which takes events with usbw_next() after poll()ing
 * usbw_event_fd(). Descriptor and sysfs reads happen in the caller's thread, never in
 * the callback.
 */
#ifndef ATELIER_USB_WATCH_H
#define ATELIER_USB_WATCH_H

#include <stddef.h>
#include <stdint.h>

#include "usb/device.h"

struct usbw;

enum usbw_err {
	USBW_OK = 0,
	USBW_ELIBUSB,     /* libusb could not start (no usbfs, no sysfs) */
	USBW_ENOHOTPLUG,  /* this libusb cannot report arrivals and departures */
	USBW_ENOMEM,
	USBW_ETHREAD,     /* the event thread or its wake-up fd could not be created */
};

const char *usbw_strerror(enum usbw_err err);

enum usbw_event_kind {
	USBW_ARRIVED,
	USBW_LEFT,
};

struct usbw_event {
	enum usbw_event_kind kind;
	int64_t t_ms;          /* wall clock when libusb reported it */
	struct usbd_info dev;  /* for LEFT: as it was read on arrival */
};

/* A new watcher with its libusb context and the usb.ids names; STRINGS NULL means
 * sysfs. The caller frees it with usbw_free(). */
enum usbw_err usbw_new(const struct usbd_strings_ops *strings, struct usbw **out)
	__attribute__((warn_unused_result));

/* Stop the event thread, drop queued events, close libusb. NULL is allowed. */
void usbw_free(struct usbw *w);

/* What is attached now, read once (no hotplug needed), sorted by bus and port path.
 * *OUT is a new array the caller frees with free(); *N its length. */
enum usbw_err usbw_snapshot(struct usbw *w, struct usbd_info **out, size_t *n)
	__attribute__((warn_unused_result));

/* Start reporting: first an ARRIVED event for each device attached now, then live
 * arrivals and departures, in the order libusb saw them. */
enum usbw_err usbw_start(struct usbw *w) __attribute__((warn_unused_result));

/* A file descriptor that polls readable while events are waiting. */
int usbw_event_fd(const struct usbw *w);

/* Take the next event into *EV. Returns 1 when there was one, 0 when the queue is
 * empty. Never blocks. */
int usbw_next(struct usbw *w, struct usbw_event *ev);

/* Number of devices attached now according to the events taken so far. */
size_t usbw_attached_count(const struct usbw *w);

#endif
