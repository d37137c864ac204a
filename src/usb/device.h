/*
 * device — what Atelier knows about one attached USB device, read without claiming
 * anything: descriptors come from libusb's cached copy, strings (serial, maker,
 * product, interface names) from the kernel's sysfs attributes, which the kernel read
 * when the device was enumerated. No interface is ever claimed and no control transfer
 * is sent, so usbmuxd and the adb server keep theirs undisturbed.
 *
 * A struct usbd_info is a plain value: copy it freely. Unknown text is an empty string
 * with its has_* flag 0, and becomes JSON null.
 */
#ifndef ATELIER_USB_DEVICE_H
#define ATELIER_USB_DEVICE_H

#include <jansson.h>
#include <libusb.h>
#include <stdint.h>

#include "usb/classify.h"
#include "usb/usbids.h"

#define USBD_MAX_IFACES 32  /* interfaces kept per device; more are dropped */
#define USBD_STR_MAX 128    /* bytes kept of any string, NUL included */
#define USBD_ID_MAX 48
#define USBD_PORT_DEPTH 7   /* USB 3 allows 7 tiers of hubs below the root */

/* Where device strings come from. Tests and other platforms plug in their own. */
struct usbd_strings_ops {
	/* Read attribute ATTR of the device or interface named SYSNAME ("1-2.3",
	 * "1-2.3:1.0") into OUT. Returns 1 when read, 0 when absent or unreadable. */
	int (*read)(void *ctx, const char *sysname, const char *attr, char *out, size_t size);
	void *ctx;
};

/* The default: /sys/bus/usb/devices/SYSNAME/ATTR. */
extern const struct usbd_strings_ops usbd_sysfs_strings;

struct usbd_iface {
	uint8_t number;
	uint8_t cls;
	uint8_t subclass;
	uint8_t protocol;
	uint8_t bulk_in, bulk_out, intr_in; /* endpoint counts by type */
	int has_name;
	char name[USBD_STR_MAX];
};

struct usbd_info {
	char id[USBD_ID_MAX];      /* "usb:1-2.3"; "usb:1" for a root hub */
	char sysname[USBD_ID_MAX]; /* "1-2.3" or "usb1" */
	uint8_t bus;
	uint8_t address;
	char port_path[32]; /* "2.3"; empty for a root hub */
	uint16_t vendor_id;
	uint16_t product_id;
	uint8_t dev_class;
	int has_vendor_name, has_product_name, has_serial, has_manufacturer, has_product;
	char vendor_name[USBD_STR_MAX];
	char product_name[USBD_STR_MAX];
	char serial[USBD_STR_MAX];
	char manufacturer[USBD_STR_MAX]; /* the device's own strings */
	char product[USBD_STR_MAX];
	int config_read;     /* 1 when the active configuration could be read */
	unsigned n_ifaces;
	struct usbd_iface ifaces[USBD_MAX_IFACES];
	enum usbc_platform platform;
	enum usbc_mode mode;
	const char *rule_source; /* static; NULL when no row matched */
};

/* Fill *OUT from DEV. Names come from IDS (may be NULL), falling back to the device's
 * own strings; strings from STRINGS (NULL: sysfs). Never fails: what cannot be read
 * stays unknown, so a device unplugged meanwhile still gets its id and descriptor
 * facts. */
void usbd_read(libusb_device *dev, const struct usbids *ids, const struct usbd_strings_ops *strings,
	       struct usbd_info *out);

/* Only the location: id, sysname, bus, address, port_path. Pure, no I/O. */
void usbd_read_location(libusb_device *dev, struct usbd_info *out);

/* True for phones and tablets, shown without --all: a known platform, or MTP from any
 * maker. A camera in PTP mode or an unknown modem in RNDIS mode is not one. */
int usbd_is_phone(const struct usbd_info *info);

/* A new JSON object with the keys documented in docs/usb-modes.md; NULL when out of
 * memory. The caller owns the reference. */
json_t *usbd_to_json(const struct usbd_info *info);

/* One human line (no newline) into OUT. */
void usbd_format_line(const struct usbd_info *info, char *out, size_t size);

/* Keep only printable text of S in place (control characters become '?', invalid
 * UTF-8 is replaced), trimming blanks at both ends: text_clean() of util/text.h. */
void usbd_sanitize(char *s);

#endif
