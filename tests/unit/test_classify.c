/*
 * Unit tests of classify: what a trainee reads in the platform and mode columns when a
 * device is plugged into the bench.
 *
 * Each test builds the descriptors a real device shows (vendor and product id, the
 * interfaces of its active configuration) and checks the two words Atelier prints.
 * Every verdict must name the table row that decided it, and only "unknown" has none.
 * The last test checks that the table in docs/usb-modes.md is the table in the code.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "usb/classify.h"

#include <stdio.h>
#include <string.h>

#define DOC_PATH "docs/usb-modes.md"
#define DOC_TABLE_START "<!-- rules table"
#define DOC_TABLE_END "<!-- end of rules table -->"
#define DOC_MAX_ROWS 64
#define DOC_LINE_MAX 1024

/* ---- interfaces as devices show them ---- */

/* clang-format off */
/* class/subclass/protocol, no endpoints, no string */
#define IFACE(c, s, p) { (c), (s), (p), 0, 0, 0, NULL }
/* the same with the interface's own string */
#define NAMED(c, s, p, n) { (c), (s), (p), 0, 0, 0, (n) }
/* the same with endpoint counts: bulk-in, bulk-out, interrupt-in */
#define WITH_EPS(c, s, p, bi, bo, ii) { (c), (s), (p), (bi), (bo), (ii), NULL }
/* clang-format on */

#define ADB IFACE(0xff, 0x42, 0x01)
#define FASTBOOT IFACE(0xff, 0x42, 0x03)
#define PTP IFACE(0x06, 0x01, 0x01)
#define MTP_NAMED NAMED(0xff, 0xff, 0x00, "MTP")
#define MTP_EPS WITH_EPS(0xff, 0xff, 0x00, 1, 1, 1)
#define USBMUX IFACE(0xff, 0xfe, 0x02)
#define RNDIS_WIRELESS IFACE(0xe0, 0x01, 0x03)
#define RNDIS_MISC IFACE(0xef, 0x04, 0x01)
#define CDC_ACM IFACE(0x02, 0x02, 0x01)
#define CDC_DATA IFACE(0x0a, 0x00, 0x00)
#define HID_KEYBOARD IFACE(0x03, 0x01, 0x01)
#define HUB IFACE(0x09, 0x00, 0x00)

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* Vendors named in the tests. */
#define APPLE 0x05ac
#define GOOGLE 0x18d1
#define SAMSUNG 0x04e8
#define SONY 0x0fce
#define QUALCOMM 0x05c6
#define MEDIATEK 0x0e8d
#define CANON 0x04a9  /* a camera maker, not a phone maker */
#define NOBODY 0x1234 /* no maker we know */
#define LINUX_HUB 0x1d6b

static struct usbc_result seen(uint16_t vid, uint16_t pid, const struct usbc_iface *ifaces,
			       size_t n_ifaces)
{
	struct usbc_input in = { vid, pid, ifaces, n_ifaces };
	struct usbc_result out;

	memset(&out, 0x5a, sizeof(out)); /* classify must set every field */
	usbc_classify(&in, &out);
	return out;
}

#define SEEN(vid, pid, ifaces) seen((vid), (pid), (ifaces), N(ifaces))
#define SEEN_BARE(vid, pid) seen((vid), (pid), NULL, 0)

/* Whether SOURCE is the source of some row of the table (a verdict names its row). */
static int is_a_table_source(const char *source)
{
	struct usbc_rule_view v;

	for (size_t i = 0; usbc_rule_at(i, &v); i++)
		if (v.source == source)
			return 1;
	return 0;
}

/* What the trainee reads: the platform and mode words; a verdict other than unknown
 * names the row that decided, unknown names none. */
#define assert_seen_as(result, want_platform, want_mode)                                           \
	do {                                                                                       \
		struct usbc_result r_ = (result);                                                  \
		assert_string_equal(usbc_platform_name(r_.platform), (want_platform));             \
		assert_string_equal(usbc_mode_name(r_.mode), (want_mode));                         \
		if (strcmp((want_mode), "unknown") == 0) {                                         \
			assert_null(r_.rule_source);                                               \
		} else {                                                                           \
			assert_non_null(r_.rule_source);                                           \
			assert_true(is_a_table_source(r_.rule_source));                            \
		}                                                                                  \
	} while (0)

/* ---- iOS ---- */

static void booted_iphone_is_ios_normal_whatever_its_interfaces(void **state)
{
	/* The first configuration shows PTP only; a later one shows usbmux. */
	const struct usbc_iface ptp_only[] = { PTP };
	const struct usbc_iface ptp_named[] = { NAMED(0x06, 0x01, 0x01, "PTP") };
	const struct usbc_iface usbmux[] = { USBMUX };
	const struct usbc_iface both[] = { PTP, USBMUX };
	const struct usbc_iface adb_looking[] = { ADB, MTP_NAMED };

	(void)state;
	assert_seen_as(SEEN(APPLE, 0x12a8, ptp_only), "ios", "normal");
	assert_seen_as(SEEN(APPLE, 0x12a8, ptp_named), "ios", "normal");
	assert_seen_as(SEEN(APPLE, 0x12a8, usbmux), "ios", "normal");
	assert_seen_as(SEEN(APPLE, 0x12a8, both), "ios", "normal");
	assert_seen_as(SEEN(APPLE, 0x12a8, adb_looking), "ios", "normal");
	assert_seen_as(SEEN_BARE(APPLE, 0x12a8), "ios", "normal");
}

static void ipads_and_iphones_at_both_ends_of_the_normal_range_are_ios_normal(void **state)
{
	const struct usbc_iface ptp_only[] = { PTP };

	(void)state;
	assert_seen_as(SEEN(APPLE, 0x1290, ptp_only), "ios", "normal");
	assert_seen_as(SEEN(APPLE, 0x12ab, ptp_only), "ios", "normal");
	assert_seen_as(SEEN(APPLE, 0x12af, ptp_only), "ios", "normal");
}

static void iphone_in_recovery_is_ios_recovery_at_both_ends_of_the_range(void **state)
{
	const struct usbc_iface recovery_ifaces[] = { IFACE(0xff, 0xff, 0x00) };

	(void)state;
	assert_seen_as(SEEN(APPLE, 0x1280, recovery_ifaces), "ios", "recovery");
	assert_seen_as(SEEN(APPLE, 0x1281, recovery_ifaces), "ios", "recovery");
	assert_seen_as(SEEN(APPLE, 0x1283, recovery_ifaces), "ios", "recovery");
	assert_seen_as(SEEN_BARE(APPLE, 0x1283), "ios", "recovery");
}

static void iphone_in_dfu_or_wtf_stage_is_ios_dfu(void **state)
{
	const struct usbc_iface dfu_ifaces[] = { IFACE(0xfe, 0x01, 0x00) };

	(void)state;
	assert_seen_as(SEEN(APPLE, 0x1227, dfu_ifaces), "ios", "dfu");
	assert_seen_as(SEEN(APPLE, 0x1222, dfu_ifaces), "ios", "dfu");
	assert_seen_as(SEEN_BARE(APPLE, 0x1227), "ios", "dfu");
}

static void apple_keyboard_is_not_a_phone(void **state)
{
	const struct usbc_iface keyboard[] = { HID_KEYBOARD };

	(void)state;
	assert_seen_as(SEEN(APPLE, 0x0250, keyboard), "unknown", "unknown");
}

static void apple_device_with_adb_looking_interface_is_not_android(void **state)
{
	/* Interface rows are never tried for Apple: no "android" for an Apple id. */
	const struct usbc_iface adb[] = { ADB };
	const struct usbc_iface mtp_and_rndis[] = { MTP_NAMED, RNDIS_WIRELESS, MTP_EPS };

	(void)state;
	assert_seen_as(SEEN(APPLE, 0x0250, adb), "unknown", "unknown");
	assert_seen_as(SEEN(APPLE, 0x1402, adb), "unknown", "unknown");
	assert_seen_as(SEEN(APPLE, 0x1402, mtp_and_rndis), "unknown", "unknown");
}

static void apple_ids_just_outside_the_phone_ranges_are_unknown(void **state)
{
	const struct usbc_iface ptp_only[] = { PTP };
	const uint16_t outside[] = {
		0x127f,		/* below recovery */
		0x1284,		/* above recovery */
		0x128f,		/* below normal */
		0x12b0,		/* above normal */
		0x1221, 0x1223, /* around WTF */
		0x1226, 0x1228, /* around DFU */
	};

	(void)state;
	for (size_t i = 0; i < N(outside); i++) {
		assert_seen_as(SEEN(APPLE, outside[i], ptp_only), "unknown", "unknown");
		assert_seen_as(SEEN_BARE(APPLE, outside[i]), "unknown", "unknown");
	}
}

/* ---- Android, by interface ---- */

static void phone_with_usb_debugging_is_android_adb(void **state)
{
	const struct usbc_iface adb_only[] = { ADB };

	(void)state;
	assert_seen_as(SEEN(GOOGLE, 0x4ee7, adb_only), "android", "adb");
	/* ADB is Android's alone: any maker. */
	assert_seen_as(SEEN(NOBODY, 0x5678, adb_only), "android", "adb");
}

static void file_transfer_with_debugging_is_adb(void **state)
{
	const struct usbc_iface mtp_then_adb[] = { MTP_NAMED, ADB };
	const struct usbc_iface adb_then_mtp[] = { ADB, MTP_NAMED };
	const struct usbc_iface ptp_then_adb[] = { PTP, ADB };

	(void)state;
	assert_seen_as(SEEN(GOOGLE, 0x4ee2, mtp_then_adb), "android", "adb");
	assert_seen_as(SEEN(GOOGLE, 0x4ee2, adb_then_mtp), "android", "adb");
	assert_seen_as(SEEN(SAMSUNG, 0x6860, mtp_then_adb), "android", "adb");
	assert_seen_as(SEEN(GOOGLE, 0x4ee6, ptp_then_adb), "android", "adb");
}

static void tethering_with_debugging_is_adb(void **state)
{
	const struct usbc_iface rndis_and_adb[] = { RNDIS_WIRELESS, CDC_DATA, ADB };
	const struct usbc_iface misc_rndis_and_adb[] = { RNDIS_MISC, CDC_DATA, ADB };

	(void)state;
	assert_seen_as(SEEN(GOOGLE, 0x4ee4, rndis_and_adb), "android", "adb");
	assert_seen_as(SEEN(SAMSUNG, 0x6864, misc_rndis_and_adb), "android", "adb");
}

static void phone_in_bootloader_is_android_fastboot(void **state)
{
	const struct usbc_iface fastboot[] = { FASTBOOT };

	(void)state;
	assert_seen_as(SEEN(GOOGLE, 0x4ee0, fastboot), "android", "fastboot");
	assert_seen_as(SEEN(NOBODY, 0x0001, fastboot), "android", "fastboot");
}

static void file_transfer_from_phone_maker_is_android_mtp(void **state)
{
	const struct usbc_iface upper[] = { MTP_NAMED };
	const struct usbc_iface lower[] = { NAMED(0xff, 0xff, 0x00, "mtp") };
	const struct usbc_iface mixed[] = { NAMED(0x06, 0x01, 0x01, "Mtp") };

	(void)state;
	assert_seen_as(SEEN(SAMSUNG, 0x6860, upper), "android", "mtp");
	assert_seen_as(SEEN(GOOGLE, 0x4ee1, lower), "android", "mtp");
	/* A still-image interface named "MTP" is MTP, not PTP. */
	assert_seen_as(SEEN(SONY, 0x0166, mixed), "android", "mtp");
}

static void file_transfer_from_unknown_maker_is_mtp_of_unknown_platform(void **state)
{
	const struct usbc_iface player[] = { MTP_NAMED };

	(void)state;
	assert_seen_as(SEEN(NOBODY, 0x0001, player), "unknown", "mtp");
}

static void interface_named_otherwise_is_not_mtp(void **state)
{
	const struct usbc_iface longer[] = { NAMED(0xff, 0xff, 0x00, "MTP Interface") };
	const struct usbc_iface shorter[] = { NAMED(0xff, 0xff, 0x00, "MT") };
	const struct usbc_iface empty[] = { NAMED(0xff, 0xff, 0x00, "") };

	(void)state;
	assert_seen_as(SEEN(NOBODY, 0x0001, longer), "unknown", "unknown");
	assert_seen_as(SEEN(NOBODY, 0x0001, shorter), "unknown", "unknown");
	assert_seen_as(SEEN(NOBODY, 0x0001, empty), "unknown", "unknown");
}

static void photo_transfer_is_ptp_android_only_for_phone_makers(void **state)
{
	const struct usbc_iface ptp_unnamed[] = { PTP };
	const struct usbc_iface ptp_named[] = { NAMED(0x06, 0x01, 0x01, "PTP") };

	(void)state;
	assert_seen_as(SEEN(GOOGLE, 0x4ee5, ptp_unnamed), "android", "ptp");
	assert_seen_as(SEEN(SAMSUNG, 0x6865, ptp_named), "android", "ptp");
	/* A camera. */
	assert_seen_as(SEEN(CANON, 0x3218, ptp_unnamed), "unknown", "ptp");
	assert_seen_as(SEEN(CANON, 0x3218, ptp_named), "unknown", "ptp");
}

static void older_phone_serving_mtp_on_a_vendor_interface_is_android_mtp(void **state)
{
	/* The Sony Xperia Mini Pro of tests/fixtures/usb: one unnamed ff/ff/00 interface
	 * with bulk-in, bulk-out and interrupt-in endpoints. */
	const struct usbc_iface xperia[] = { MTP_EPS };
	const struct usbc_iface more_eps[] = { WITH_EPS(0xff, 0xff, 0x00, 2, 2, 1) };

	(void)state;
	assert_seen_as(SEEN(SONY, 0x0166, xperia), "android", "mtp");
	assert_seen_as(SEEN(SONY, 0x0166, more_eps), "android", "mtp");
}

static void gadget_with_the_same_endpoints_from_a_non_phone_maker_is_unknown(void **state)
{
	const struct usbc_iface gadget[] = { MTP_EPS };

	(void)state;
	assert_seen_as(SEEN(NOBODY, 0x5678, gadget), "unknown", "unknown");
	assert_seen_as(SEEN(CANON, 0x5678, gadget), "unknown", "unknown");
}

static void vendor_interface_missing_an_endpoint_is_not_mtp(void **state)
{
	const struct usbc_iface no_interrupt[] = { WITH_EPS(0xff, 0xff, 0x00, 1, 1, 0) };
	const struct usbc_iface no_bulk_in[] = { WITH_EPS(0xff, 0xff, 0x00, 0, 1, 1) };
	const struct usbc_iface no_bulk_out[] = { WITH_EPS(0xff, 0xff, 0x00, 1, 0, 1) };
	const struct usbc_iface other_protocol[] = { WITH_EPS(0xff, 0xff, 0x01, 1, 1, 1) };

	(void)state;
	assert_seen_as(SEEN(SONY, 0x0166, no_interrupt), "unknown", "unknown");
	assert_seen_as(SEEN(SONY, 0x0166, no_bulk_in), "unknown", "unknown");
	assert_seen_as(SEEN(SONY, 0x0166, no_bulk_out), "unknown", "unknown");
	assert_seen_as(SEEN(SONY, 0x0166, other_protocol), "unknown", "unknown");
}

static void tethering_is_rndis_android_only_for_phone_makers(void **state)
{
	const struct usbc_iface wireless[] = { RNDIS_WIRELESS, CDC_DATA };
	const struct usbc_iface misc[] = { RNDIS_MISC, CDC_DATA };

	(void)state;
	assert_seen_as(SEEN(GOOGLE, 0x4ee3, wireless), "android", "rndis");
	assert_seen_as(SEEN(SAMSUNG, 0x6863, misc), "android", "rndis");
	/* A modem. */
	assert_seen_as(SEEN(NOBODY, 0x0001, wireless), "unknown", "rndis");
	assert_seen_as(SEEN(NOBODY, 0x0001, misc), "unknown", "rndis");
}

/* ---- Android, by product id ---- */

static void samsung_in_download_mode_is_android_download(void **state)
{
	const struct usbc_iface odin[] = { CDC_ACM, CDC_DATA };

	(void)state;
	assert_seen_as(SEEN(SAMSUNG, 0x685d, odin), "android", "download");
}

static void qualcomm_phone_in_emergency_download_is_android_edl(void **state)
{
	const struct usbc_iface qdloader[] = { WITH_EPS(0xff, 0xff, 0xff, 1, 1, 0) };

	(void)state;
	assert_seen_as(SEEN(QUALCOMM, 0x9008, qdloader), "android", "edl");
}

static void mediatek_phone_in_boot_rom_or_preloader(void **state)
{
	const struct usbc_iface cdc[] = { CDC_ACM, CDC_DATA };

	(void)state;
	assert_seen_as(SEEN(MEDIATEK, 0x0003, cdc), "android", "brom");
	assert_seen_as(SEEN(MEDIATEK, 0x2000, cdc), "android", "preloader");
}

static void phone_in_accessory_mode_is_android_accessory_or_adb(void **state)
{
	const struct usbc_iface accessory[] = { WITH_EPS(0xff, 0xff, 0x00, 1, 1, 0) };
	const struct usbc_iface accessory_adb[] = { WITH_EPS(0xff, 0xff, 0x00, 1, 1, 0), ADB };

	(void)state;
	assert_seen_as(SEEN(GOOGLE, 0x2d00, accessory), "android", "accessory");
	assert_seen_as(SEEN(GOOGLE, 0x2d05, accessory), "android", "accessory");
	assert_seen_as(SEEN(GOOGLE, 0x2d01, accessory_adb), "android", "adb");
	/* Just past the accessory ids. */
	assert_seen_as(SEEN(GOOGLE, 0x2d06, accessory), "unknown", "unknown");
}

/* ---- odd shapes ---- */

static void device_without_readable_configuration_is_known_by_its_product_id_only(void **state)
{
	(void)state;
	assert_seen_as(SEEN_BARE(SAMSUNG, 0x685d), "android", "download");
	assert_seen_as(SEEN_BARE(QUALCOMM, 0x9008), "android", "edl");
	assert_seen_as(SEEN_BARE(MEDIATEK, 0x0003), "android", "brom");
	assert_seen_as(SEEN_BARE(MEDIATEK, 0x2000), "android", "preloader");
	assert_seen_as(SEEN_BARE(GOOGLE, 0x2d00), "android", "accessory");
	assert_seen_as(SEEN_BARE(SONY, 0x0166), "unknown", "unknown");
	assert_seen_as(SEEN_BARE(GOOGLE, 0x4ee7), "unknown", "unknown");
	assert_seen_as(SEEN_BARE(NOBODY, 0x5678), "unknown", "unknown");
}

static void device_with_32_interfaces_is_judged_on_all_of_them(void **state)
{
	struct usbc_iface many[32];

	(void)state;
	for (size_t i = 0; i < N(many); i++)
		many[i] = (struct usbc_iface)HID_KEYBOARD;
	assert_seen_as(SEEN(GOOGLE, 0x4ee7, many), "unknown", "unknown");

	many[31] = (struct usbc_iface)ADB;
	assert_seen_as(SEEN(GOOGLE, 0x4ee7, many), "android", "adb");
}

static void hubs_and_keyboards_are_unknown(void **state)
{
	const struct usbc_iface hub[] = { HUB };
	const struct usbc_iface keyboard[] = { HID_KEYBOARD };

	(void)state;
	assert_seen_as(SEEN(LINUX_HUB, 0x0002, hub), "unknown", "unknown");
	assert_seen_as(SEEN(0x046d, 0xc31c, keyboard), "unknown", "unknown");
}

/* ---- names ---- */

static void every_mode_and_platform_has_its_printed_name(void **state)
{
	(void)state;
	assert_string_equal(usbc_platform_name(USBC_PLATFORM_UNKNOWN), "unknown");
	assert_string_equal(usbc_platform_name(USBC_PLATFORM_IOS), "ios");
	assert_string_equal(usbc_platform_name(USBC_PLATFORM_ANDROID), "android");

	assert_string_equal(usbc_mode_name(USBC_MODE_UNKNOWN), "unknown");
	assert_string_equal(usbc_mode_name(USBC_MODE_NORMAL), "normal");
	assert_string_equal(usbc_mode_name(USBC_MODE_RECOVERY), "recovery");
	assert_string_equal(usbc_mode_name(USBC_MODE_DFU), "dfu");
	assert_string_equal(usbc_mode_name(USBC_MODE_ADB), "adb");
	assert_string_equal(usbc_mode_name(USBC_MODE_MTP), "mtp");
	assert_string_equal(usbc_mode_name(USBC_MODE_PTP), "ptp");
	assert_string_equal(usbc_mode_name(USBC_MODE_FASTBOOT), "fastboot");
	assert_string_equal(usbc_mode_name(USBC_MODE_DOWNLOAD), "download");
	assert_string_equal(usbc_mode_name(USBC_MODE_EDL), "edl");
	assert_string_equal(usbc_mode_name(USBC_MODE_BROM), "brom");
	assert_string_equal(usbc_mode_name(USBC_MODE_PRELOADER), "preloader");
	assert_string_equal(usbc_mode_name(USBC_MODE_RNDIS), "rndis");
	assert_string_equal(usbc_mode_name(USBC_MODE_ACCESSORY), "accessory");
}

static void mode_out_of_range_is_printed_unknown(void **state)
{
	(void)state;
	assert_string_equal(usbc_mode_name(USBC_MODE_COUNT), "unknown");
	assert_string_equal(usbc_mode_name((enum usbc_mode)(USBC_MODE_COUNT + 1)), "unknown");
	assert_string_equal(usbc_mode_name((enum usbc_mode)1000), "unknown");
	assert_string_equal(usbc_platform_name((enum usbc_platform)1000), "unknown");
}

static void phone_makers_are_told_from_other_makers(void **state)
{
	(void)state;
	assert_true(usbc_is_android_vendor(SAMSUNG));
	assert_true(usbc_is_android_vendor(SONY));
	assert_true(usbc_is_android_vendor(GOOGLE));
	assert_true(usbc_is_android_vendor(QUALCOMM));
	assert_true(usbc_is_android_vendor(MEDIATEK));
	assert_true(usbc_is_android_vendor(0x2717)); /* Xiaomi */
	assert_false(usbc_is_android_vendor(APPLE));
	assert_false(usbc_is_android_vendor(CANON));
	assert_false(usbc_is_android_vendor(LINUX_HUB));
	assert_false(usbc_is_android_vendor(NOBODY));
	assert_false(usbc_is_android_vendor(0x0000));
	assert_false(usbc_is_android_vendor(0xffff));
}

/* ---- the documentation ---- */

/* The rows of the rules table of docs/usb-modes.md ("| 1 | ..."), without line ends.
 * Returns the number of rows. */
static size_t read_doc_rows(char rows[DOC_MAX_ROWS][DOC_LINE_MAX])
{
	FILE *fp = fopen(DOC_PATH, "r");
	char line[DOC_LINE_MAX];
	int in_table = 0, saw_start = 0, saw_end = 0;
	size_t n = 0;

	if (!fp)
		fail_msg("cannot open %s (tests run from the repository root)", DOC_PATH);
	while (fgets(line, sizeof(line), fp)) {
		size_t len = strlen(line);

		assert_true(len < sizeof(line) - 1 || line[len - 1] == '\n');
		while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			line[--len] = '\0';
		if (strncmp(line, DOC_TABLE_START, strlen(DOC_TABLE_START)) == 0) {
			in_table = 1;
			saw_start = 1;
			continue;
		}
		if (strcmp(line, DOC_TABLE_END) == 0) {
			saw_end = 1;
			break;
		}
		if (!in_table || strncmp(line, "| ", 2) != 0 || line[2] < '0' || line[2] > '9')
			continue;
		assert_true(n < DOC_MAX_ROWS);
		memcpy(rows[n++], line, len + 1);
	}
	fclose(fp);
	assert_true(saw_start);
	assert_true(saw_end);
	return n;
}

static void docs_table_matches_the_code(void **state)
{
	static char rows[DOC_MAX_ROWS][DOC_LINE_MAX];
	size_t n_doc = read_doc_rows(rows), n_code = 0;
	struct usbc_rule_view v;

	(void)state;
	for (size_t i = 0; usbc_rule_at(i, &v); i++) {
		char expected[DOC_LINE_MAX];
		char number[16];
		const char *row = NULL;
		int len;

		len = snprintf(expected, sizeof(expected), "| %zu | %s | `%s` | %s | %s | %s |",
			       i + 1, v.kind, v.match, v.platform, v.mode, v.source);
		assert_true(len > 0 && (size_t)len < sizeof(expected));
		snprintf(number, sizeof(number), "| %zu |", i + 1);
		for (size_t k = 0; k < n_doc; k++)
			if (strncmp(rows[k], number, strlen(number)) == 0)
				row = rows[k];
		if (!row)
			fail_msg("%s has no row %zu; the code has: %s", DOC_PATH, i + 1, expected);
		assert_string_equal(row, expected);
		n_code++;
	}
	assert_int_equal(n_doc, n_code);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(booted_iphone_is_ios_normal_whatever_its_interfaces),
		cmocka_unit_test(ipads_and_iphones_at_both_ends_of_the_normal_range_are_ios_normal),
		cmocka_unit_test(iphone_in_recovery_is_ios_recovery_at_both_ends_of_the_range),
		cmocka_unit_test(iphone_in_dfu_or_wtf_stage_is_ios_dfu),
		cmocka_unit_test(apple_keyboard_is_not_a_phone),
		cmocka_unit_test(apple_device_with_adb_looking_interface_is_not_android),
		cmocka_unit_test(apple_ids_just_outside_the_phone_ranges_are_unknown),
		cmocka_unit_test(phone_with_usb_debugging_is_android_adb),
		cmocka_unit_test(file_transfer_with_debugging_is_adb),
		cmocka_unit_test(tethering_with_debugging_is_adb),
		cmocka_unit_test(phone_in_bootloader_is_android_fastboot),
		cmocka_unit_test(file_transfer_from_phone_maker_is_android_mtp),
		cmocka_unit_test(file_transfer_from_unknown_maker_is_mtp_of_unknown_platform),
		cmocka_unit_test(interface_named_otherwise_is_not_mtp),
		cmocka_unit_test(photo_transfer_is_ptp_android_only_for_phone_makers),
		cmocka_unit_test(older_phone_serving_mtp_on_a_vendor_interface_is_android_mtp),
		cmocka_unit_test(gadget_with_the_same_endpoints_from_a_non_phone_maker_is_unknown),
		cmocka_unit_test(vendor_interface_missing_an_endpoint_is_not_mtp),
		cmocka_unit_test(tethering_is_rndis_android_only_for_phone_makers),
		cmocka_unit_test(samsung_in_download_mode_is_android_download),
		cmocka_unit_test(qualcomm_phone_in_emergency_download_is_android_edl),
		cmocka_unit_test(mediatek_phone_in_boot_rom_or_preloader),
		cmocka_unit_test(phone_in_accessory_mode_is_android_accessory_or_adb),
		cmocka_unit_test(
		    device_without_readable_configuration_is_known_by_its_product_id_only),
		cmocka_unit_test(device_with_32_interfaces_is_judged_on_all_of_them),
		cmocka_unit_test(hubs_and_keyboards_are_unknown),
		cmocka_unit_test(every_mode_and_platform_has_its_printed_name),
		cmocka_unit_test(mode_out_of_range_is_printed_unknown),
		cmocka_unit_test(phone_makers_are_told_from_other_makers),
		cmocka_unit_test(docs_table_matches_the_code),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
