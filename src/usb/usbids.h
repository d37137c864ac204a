/*
 * usbids — vendor and product names from the system's usb.ids (Debian package usb.ids,
 * /usr/share/misc/usb.ids; $ATELIER_USB_IDS overrides the path, for tests).
 *
 * The file is read once into memory (bounded by USBIDS_MAX_BYTES) and indexed by
 * vendor; names point into that copy and live as long as the struct usbids.
 * A missing or unreadable file is not an error: every lookup then returns NULL and the
 * caller falls back to the device's own strings.
 */
#ifndef ATELIER_USB_USBIDS_H
#define ATELIER_USB_USBIDS_H

#include <stdint.h>

#define USBIDS_DEFAULT_PATH "/usr/share/misc/usb.ids"
/* usb.ids is about 0.7 MB in Debian 12; refuse anything absurdly larger. */
#define USBIDS_MAX_BYTES (8u * 1024 * 1024)

struct usbids;

/* Load PATH (NULL: $ATELIER_USB_IDS, else USBIDS_DEFAULT_PATH). Always returns a
 * handle (empty when the file cannot be read) or NULL when out of memory. */
struct usbids *usbids_new(const char *path);
void usbids_free(struct usbids *ids);

/* Number of vendors indexed; 0 when the file was missing. */
unsigned usbids_vendor_count(const struct usbids *ids);

/* Name of VENDOR_ID, or NULL. Copied into OUT (SIZE bytes) so the result is a plain
 * NUL-terminated string; returns OUT or NULL when unknown. */
const char *usbids_vendor(const struct usbids *ids, uint16_t vendor_id, char *out, unsigned size);
/* Name of VENDOR_ID:PRODUCT_ID, or NULL; same contract as usbids_vendor(). */
const char *usbids_product(const struct usbids *ids, uint16_t vendor_id, uint16_t product_id,
			   char *out, unsigned size);

#endif
