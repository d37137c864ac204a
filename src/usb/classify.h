/*
 * classify — what a USB device is (platform) and what it can do now (mode).
 *
 * The decision is a data table (classify.c, rules[]) read top to bottom; the first row
 * that matches wins. Each row names its source. Three kinds of rows, in this order:
 *   1. Apple product ids: for vendor 05ac the product id alone decides, whatever
 *      configuration is active (a normal-mode iPhone shows PTP in its first
 *      configuration and usbmux ff/fe/02 in a later one).
 *   2. Interface signatures (class/subclass/protocol, the interface's own string, or
 *      the PTP/MTP endpoint set on a vendor-class interface):
 *      any interface of the active configuration may match, so a composite device with
 *      ADB is "adb".
 *   3. Product ids, for modes whose interfaces say nothing (Samsung Odin, Qualcomm EDL,
 *      MediaTek BROM/preloader).
 * docs/usb-modes.md shows the same table to a human; keep the two in step.
 *
 * The functions here never do I/O and never allocate: the fuzz target calls them on
 * arbitrary input.
 */
#ifndef ATELIER_USB_CLASSIFY_H
#define ATELIER_USB_CLASSIFY_H

#include <stddef.h>
#include <stdint.h>

enum usbc_platform {
	USBC_PLATFORM_UNKNOWN = 0,
	USBC_PLATFORM_IOS,
	USBC_PLATFORM_ANDROID,
};

enum usbc_mode {
	USBC_MODE_UNKNOWN = 0,
	/* iOS */
	USBC_MODE_NORMAL,
	USBC_MODE_RECOVERY,
	USBC_MODE_DFU,
	/* Android */
	USBC_MODE_ADB,
	USBC_MODE_MTP,
	USBC_MODE_PTP,
	USBC_MODE_FASTBOOT,
	USBC_MODE_DOWNLOAD,  /* Samsung Odin */
	USBC_MODE_EDL,       /* Qualcomm emergency download, 9008 */
	USBC_MODE_BROM,      /* MediaTek boot ROM */
	USBC_MODE_PRELOADER, /* MediaTek preloader */
	USBC_MODE_RNDIS,     /* USB tethering */
	USBC_MODE_ACCESSORY, /* Android Open Accessory */
	USBC_MODE_COUNT
};

/* One interface of the active configuration. NAME is the interface's string
 * (iInterface) when it could be read, else NULL. */
struct usbc_iface {
	uint8_t cls;
	uint8_t subclass;
	uint8_t protocol;
	uint8_t bulk_in;  /* endpoints of the first alternate setting, by type */
	uint8_t bulk_out;
	uint8_t intr_in;
	const char *name;
};

/* What the classifier looks at. IFACES may be NULL when N_IFACES is 0 (no readable
 * configuration). */
struct usbc_input {
	uint16_t vendor_id;
	uint16_t product_id;
	const struct usbc_iface *ifaces;
	size_t n_ifaces;
};

/* The verdict. RULE_SOURCE names the table row that decided (static string), or NULL
 * when no row matched (then platform and mode are unknown). */
struct usbc_result {
	enum usbc_platform platform;
	enum usbc_mode mode;
	const char *rule_source;
};

/* Classify IN into *OUT. Never fails: what matches no row is unknown/unknown. */
void usbc_classify(const struct usbc_input *in, struct usbc_result *out);

/* "ios", "android", "unknown". */
const char *usbc_platform_name(enum usbc_platform platform);
/* "normal", "recovery", "dfu", "adb", ... , "unknown". */
const char *usbc_mode_name(enum usbc_mode mode);

/* True when the vendor id belongs to a maker of Android phones or tablets, or of the
 * chipsets whose boot modes they expose (table in classify.c, with sources). */
int usbc_is_android_vendor(uint16_t vendor_id);

/* Row-by-row access to the table, for docs and tests. Returns 0 past the end. */
struct usbc_rule_view {
	const char *kind;     /* "apple-product-id", "interface", "product-id" */
	char match[128];      /* human text of the match, e.g. "05ac:1290-12af" or "ff/42/01" */
	const char *platform; /* platform name, or "android if the vendor makes phones" */
	const char *mode;
	const char *source;
};
int usbc_rule_at(size_t index, struct usbc_rule_view *out);

#endif
