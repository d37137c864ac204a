/*
 * usbmux — which iOS devices usbmuxd sees now (libusbmuxd; USBMUXD_SOCKET_ADDRESS is
 * honoured). No usbmuxd running means no iOS device, not an error.
 */
#ifndef ATELIER_PROBE_USBMUX_H
#define ATELIER_PROBE_USBMUX_H

#include <stddef.h>
#include <stdint.h>

struct usbmux_dev {
	char udid[64];
	uint32_t product_id;
	int usb; /* 1 over USB, 0 over the network */
};

/* A new array in *OUT (free() it) of the devices usbmuxd lists over USB (network ones are
 * left out), *N of them. Returns 0,
 * or -1 when usbmuxd could not be asked (then *N = 0). */
int usbmux_list(struct usbmux_dev **out, size_t *n);

/* True when a USB serial string and a UDID name the same device: Apple's USB serial is
 * the UDID without its dash (newer devices) or the same 40 hex digits (older ones). */
int usbmux_same_device(const char *usb_serial, const char *udid);

#endif
