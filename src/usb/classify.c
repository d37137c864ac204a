#include "usb/classify.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

enum rule_kind {
	RULE_APPLE_PID,  /* vendor 05ac and product id in [pid_lo, pid_hi] */
	RULE_IFACE,      /* some interface has class/subclass/protocol (-1 = any) */
	RULE_IFACE_NAME, /* some interface's string equals name (case-insensitive) */
	RULE_IFACE_PTP_EPS, /* some interface has the class triple and the PTP endpoint set */
	RULE_PID,        /* vendor and product id in [pid_lo, pid_hi] */
};

/* Platform of a row: fixed, or Android only when the vendor makes phones (MTP, PTP and
 * RNDIS are also spoken by cameras, players and modems). */
enum rule_platform {
	RP_IOS,
	RP_ANDROID,
	RP_BY_VENDOR,
};

struct rule {
	enum rule_kind kind;
	uint16_t vendor_id;
	uint16_t pid_lo;
	uint16_t pid_hi;
	int cls;
	int subclass;
	int protocol;
	const char *name;
	enum rule_platform platform;
	enum usbc_mode mode;
	const char *source;
};

#define APPLE 0x05ac

#define SRC_USBMUXD "usbmuxd src/usb.h: PID_RANGE_LOW 0x1290 .. PID_RANGE_MAX 0x12af, normal mode"
#define SRC_IRECOVERY "libirecovery src/libirecovery.c: IRECV_K_RECOVERY_MODE_1..4 = 0x1280-0x1283"
#define SRC_IRECOVERY_DFU "libirecovery src/libirecovery.c: IRECV_K_DFU_MODE = 0x1227, IRECV_K_WTF_MODE = 0x1222"
#define SRC_ADB "AOSP packages/modules/adb adb.h: ADB_CLASS 0xff, ADB_SUBCLASS 0x42, ADB_PROTOCOL 0x1"
#define SRC_FASTBOOT "AOSP system/core/fastboot usb_linux.cpp: fastboot interface 0xff/0x42/0x03"
#define SRC_MTP "MTP spec 1.1 and libmtp: MTP interface named \"MTP\" (vendor class ff/ff/00 on older phones)"
#define SRC_MTP_EPS "USB Still Image Capture Device Definition 1.0 s. 4: bulk-in, bulk-out and interrupt-in endpoints; older Android phones (e.g. Sony Xperia, tests/fixtures/usb) serve MTP on a vendor-class ff/ff/00 interface with them"
#define SRC_PTP "USB Still Image Capture Device Definition 1.0: class 06/01/01 (PTP; MTP when named \"MTP\")"
#define SRC_RNDIS "Linux drivers/net/usb/rndis_host.c: RNDIS e0/01/03 and ef/04/01"
#define SRC_AOA "Android Open Accessory protocol: Google 18d1:2d00-2d05 (accessory, +adb, +audio)"
#define SRC_ODIN "Heimdall (Benjamin Dobell) and Samsung Odin: download mode 04e8:685d"
#define SRC_EDL "Qualcomm HS-USB QDLoader 9008 (emergency download): 05c6:9008"
#define SRC_MTK_BROM "MediaTek SP Flash Tool / mtkclient: MT65xx boot ROM 0e8d:0003"
#define SRC_MTK_PRELOADER "MediaTek SP Flash Tool / mtkclient: MT65xx preloader 0e8d:2000"

/* Read top to bottom; the first match wins. See classify.h for why this order. */
static const struct rule rules[] = {
	/* 1. Apple: the product id decides. */
	{ RULE_APPLE_PID, APPLE, 0x1290, 0x12af, -1, -1, -1, NULL, RP_IOS, USBC_MODE_NORMAL, SRC_USBMUXD },
	{ RULE_APPLE_PID, APPLE, 0x1280, 0x1283, -1, -1, -1, NULL, RP_IOS, USBC_MODE_RECOVERY, SRC_IRECOVERY },
	{ RULE_APPLE_PID, APPLE, 0x1227, 0x1227, -1, -1, -1, NULL, RP_IOS, USBC_MODE_DFU, SRC_IRECOVERY_DFU },
	{ RULE_APPLE_PID, APPLE, 0x1222, 0x1222, -1, -1, -1, NULL, RP_IOS, USBC_MODE_DFU, SRC_IRECOVERY_DFU },
	/* 2. Interface signatures, strongest first: a composite with ADB is adb. */
	{ RULE_IFACE, 0, 0, 0, 0xff, 0x42, 0x01, NULL, RP_ANDROID, USBC_MODE_ADB, SRC_ADB },
	{ RULE_IFACE, 0, 0, 0, 0xff, 0x42, 0x03, NULL, RP_ANDROID, USBC_MODE_FASTBOOT, SRC_FASTBOOT },
	{ RULE_PID, 0x18d1, 0x2d00, 0x2d05, -1, -1, -1, NULL, RP_ANDROID, USBC_MODE_ACCESSORY, SRC_AOA },
	{ RULE_IFACE_NAME, 0, 0, 0, -1, -1, -1, "MTP", RP_BY_VENDOR, USBC_MODE_MTP, SRC_MTP },
	{ RULE_IFACE, 0, 0, 0, 0x06, 0x01, 0x01, NULL, RP_BY_VENDOR, USBC_MODE_PTP, SRC_PTP },
	{ RULE_IFACE_PTP_EPS, 0, 0, 0, 0xff, 0xff, 0x00, NULL, RP_BY_VENDOR, USBC_MODE_MTP, SRC_MTP_EPS },
	{ RULE_IFACE, 0, 0, 0, 0xe0, 0x01, 0x03, NULL, RP_BY_VENDOR, USBC_MODE_RNDIS, SRC_RNDIS },
	{ RULE_IFACE, 0, 0, 0, 0xef, 0x04, 0x01, NULL, RP_BY_VENDOR, USBC_MODE_RNDIS, SRC_RNDIS },
	/* 3. Product ids, where the interfaces say nothing. */
	{ RULE_PID, 0x04e8, 0x685d, 0x685d, -1, -1, -1, NULL, RP_ANDROID, USBC_MODE_DOWNLOAD, SRC_ODIN },
	{ RULE_PID, 0x05c6, 0x9008, 0x9008, -1, -1, -1, NULL, RP_ANDROID, USBC_MODE_EDL, SRC_EDL },
	{ RULE_PID, 0x0e8d, 0x0003, 0x0003, -1, -1, -1, NULL, RP_ANDROID, USBC_MODE_BROM, SRC_MTK_BROM },
	{ RULE_PID, 0x0e8d, 0x2000, 0x2000, -1, -1, -1, NULL, RP_ANDROID, USBC_MODE_PRELOADER, SRC_MTK_PRELOADER },
};

/*
 * Vendors whose MTP/PTP/RNDIS device is an Android phone or tablet.
 * Source: Android developer docs "OEM USB drivers" vendor id list, and the ids in
 * Debian's usb.ids for the same makers.
 */
static const uint16_t android_vendors[] = {
	0x0482, /* Kyocera */
	0x0489, /* Foxconn (Nokia, Sharp ODM) */
	0x04dd, /* Sharp */
	0x04e8, /* Samsung */
	0x0502, /* Acer */
	0x05c6, /* Qualcomm */
	0x0b05, /* ASUS */
	0x0bb4, /* HTC */
	0x0e8d, /* MediaTek */
	0x0fce, /* Sony (Sony Ericsson) */
	0x1004, /* LG */
	0x109b, /* Hisense */
	0x12d1, /* Huawei */
	0x17ef, /* Lenovo */
	0x18d1, /* Google */
	0x19d2, /* ZTE */
	0x1bbb, /* TCL / Alcatel */
	0x1d4d, /* Pegatron */
	0x1ebf, /* Coolpad */
	0x2080, /* Barnes & Noble */
	0x2207, /* Rockchip */
	0x22b8, /* Motorola */
	0x22d9, /* OPPO / Realme */
	0x2717, /* Xiaomi */
	0x2916, /* Yota */
	0x2a45, /* Meizu */
	0x2a70, /* OnePlus */
	0x2ae5, /* Fairphone */
	0x2d95, /* vivo */
	0x2e04, /* HMD Global (Nokia) */
	0x1f3a, /* Allwinner */
};

int usbc_is_android_vendor(uint16_t vendor_id)
{
	for (size_t i = 0; i < sizeof(android_vendors) / sizeof(android_vendors[0]); i++)
		if (android_vendors[i] == vendor_id)
			return 1;
	return 0;
}

static int field_matches(int want, uint8_t have)
{
	return want < 0 || want == have;
}

static int rule_matches(const struct rule *r, const struct usbc_input *in)
{
	size_t i;

	switch (r->kind) {
	case RULE_APPLE_PID:
	case RULE_PID:
		return in->vendor_id == r->vendor_id && in->product_id >= r->pid_lo &&
		       in->product_id <= r->pid_hi;
	case RULE_IFACE:
		for (i = 0; i < in->n_ifaces; i++) {
			const struct usbc_iface *f = &in->ifaces[i];

			if (field_matches(r->cls, f->cls) && field_matches(r->subclass, f->subclass) &&
			    field_matches(r->protocol, f->protocol))
				return 1;
		}
		return 0;
	case RULE_IFACE_PTP_EPS:
		/* Only on phone makers' devices: other vendor-class gadgets may have the
		 * same endpoints. */
		if (!usbc_is_android_vendor(in->vendor_id))
			return 0;
		for (i = 0; i < in->n_ifaces; i++) {
			const struct usbc_iface *f = &in->ifaces[i];

			if (field_matches(r->cls, f->cls) && field_matches(r->subclass, f->subclass) &&
			    field_matches(r->protocol, f->protocol) && f->bulk_in >= 1 &&
			    f->bulk_out >= 1 && f->intr_in >= 1)
				return 1;
		}
		return 0;
	case RULE_IFACE_NAME:
		for (i = 0; i < in->n_ifaces; i++) {
			const char *name = in->ifaces[i].name;

			if (name && strcasecmp(name, r->name) == 0)
				return 1;
		}
		return 0;
	}
	return 0;
}

void usbc_classify(const struct usbc_input *in, struct usbc_result *out)
{
	out->platform = USBC_PLATFORM_UNKNOWN;
	out->mode = USBC_MODE_UNKNOWN;
	out->rule_source = NULL;

	for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++) {
		const struct rule *r = &rules[i];

		/* Apple devices are decided by their product id alone: an Apple id outside
		 * the Apple rows (a keyboard, an adapter) is not a phone, whatever its
		 * interfaces. */
		if (in->vendor_id == APPLE && r->kind != RULE_APPLE_PID)
			break;
		if (!rule_matches(r, in))
			continue;
		out->mode = r->mode;
		out->rule_source = r->source;
		switch (r->platform) {
		case RP_IOS:
			out->platform = USBC_PLATFORM_IOS;
			break;
		case RP_ANDROID:
			out->platform = USBC_PLATFORM_ANDROID;
			break;
		case RP_BY_VENDOR:
			out->platform = usbc_is_android_vendor(in->vendor_id) ? USBC_PLATFORM_ANDROID
									      : USBC_PLATFORM_UNKNOWN;
			break;
		}
		return;
	}
}

const char *usbc_platform_name(enum usbc_platform platform)
{
	switch (platform) {
	case USBC_PLATFORM_IOS:
		return "ios";
	case USBC_PLATFORM_ANDROID:
		return "android";
	case USBC_PLATFORM_UNKNOWN:
		break;
	}
	return "unknown";
}

static const char *const mode_names[USBC_MODE_COUNT] = {
	[USBC_MODE_UNKNOWN] = "unknown",	 [USBC_MODE_NORMAL] = "normal",
	[USBC_MODE_RECOVERY] = "recovery",	 [USBC_MODE_DFU] = "dfu",
	[USBC_MODE_ADB] = "adb",		 [USBC_MODE_MTP] = "mtp",
	[USBC_MODE_PTP] = "ptp",		 [USBC_MODE_FASTBOOT] = "fastboot",
	[USBC_MODE_DOWNLOAD] = "download",	 [USBC_MODE_EDL] = "edl",
	[USBC_MODE_BROM] = "brom",		 [USBC_MODE_PRELOADER] = "preloader",
	[USBC_MODE_RNDIS] = "rndis",		 [USBC_MODE_ACCESSORY] = "accessory",
};

const char *usbc_mode_name(enum usbc_mode mode)
{
	if ((unsigned)mode >= USBC_MODE_COUNT)
		return "unknown";
	return mode_names[mode];
}

static void field_text(char *out, size_t size, int v)
{
	if (v < 0)
		snprintf(out, size, "*");
	else
		snprintf(out, size, "%02x", (unsigned)(v & 0xff));
}

int usbc_rule_at(size_t index, struct usbc_rule_view *out)
{
	const struct rule *r;
	char c[4], s[4], p[4];

	if (index >= sizeof(rules) / sizeof(rules[0]))
		return 0;
	r = &rules[index];
	switch (r->kind) {
	case RULE_APPLE_PID:
	case RULE_PID:
		out->kind = r->kind == RULE_APPLE_PID ? "apple-product-id" : "product-id";
		if (r->pid_lo == r->pid_hi)
			snprintf(out->match, sizeof(out->match), "%04x:%04x", r->vendor_id, r->pid_lo);
		else
			snprintf(out->match, sizeof(out->match), "%04x:%04x-%04x", r->vendor_id,
				 r->pid_lo, r->pid_hi);
		break;
	case RULE_IFACE:
		out->kind = "interface";
		field_text(c, sizeof(c), r->cls);
		field_text(s, sizeof(s), r->subclass);
		field_text(p, sizeof(p), r->protocol);
		snprintf(out->match, sizeof(out->match), "%s/%s/%s", c, s, p);
		break;
	case RULE_IFACE_PTP_EPS:
		out->kind = "interface";
		snprintf(out->match, sizeof(out->match),
			 "ff/ff/00 with bulk-in, bulk-out and interrupt-in endpoints, phone maker only");
		break;
	case RULE_IFACE_NAME:
		out->kind = "interface";
		snprintf(out->match, sizeof(out->match), "interface string \"%s\"", r->name);
		break;
	}
	out->platform = r->platform == RP_IOS       ? "ios"
			: r->platform == RP_ANDROID ? "android"
						    : "android if the vendor makes phones, else unknown";
	out->mode = usbc_mode_name(r->mode);
	out->source = r->source;
	return 1;
}
