/*
 * Unit tests of android_parse: what a trainee sees on the card of an Android phone, read
 * from real captures (tests/fixtures/android, each naming its source) and from synthetic
 * edge cases. The captures' leading "# " lines are stripped before parsing, as the fake
 * adb server strips them before replaying.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "probe/android.h"
#include "probe/android_parse.h"
#include "util/imei.h"
#include "probe/facts.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FIXTURES "tests/fixtures/android/"
#define FIXTURE_MAX (4 * 1024 * 1024)

/* The capture at NAME without its leading "#" lines; *LEN its length. Caller frees. */
static char *load(const char *name, size_t *len)
{
	char path[512];
	FILE *fp;
	char *buf, *body;
	size_t n;

	snprintf(path, sizeof(path), FIXTURES "%s", name);
	fp = fopen(path, "rb");
	assert_non_null(fp);
	buf = malloc(FIXTURE_MAX);
	assert_non_null(buf);
	n = fread(buf, 1, FIXTURE_MAX - 1, fp);
	fclose(fp);
	buf[n] = '\0';
	body = buf;
	while (*body == '#') {
		char *nl = strchr(body, '\n');

		body = nl ? nl + 1 : body + strlen(body);
	}
	*len = n - (size_t)(body - buf);
	memmove(buf, body, *len + 1);
	return buf;
}

static struct facts *facts_from_getprop(const char *name)
{
	struct facts *f = facts_new();
	struct aprops *p = NULL;
	size_t len;
	char *text = load(name, &len);

	assert_non_null(f);
	assert_int_equal(aprops_parse(text, len, &p), ANDROID_PARSE_OK);
	android_facts_from_props(p, f);
	aprops_free(p);
	free(text);
	return f;
}

/* The facts serialize, as the card and the export need. */
static void assert_serializes(struct facts *f)
{
	char *json = json_dumps(facts_json(f), FACTS_JSON_FLAGS);

	assert_non_null(json);
	free(json);
}

/* ---- getprop captures ---- */

static void pixel_8_pro_shows_its_name_android_16_and_a_locked_bootloader(void **state)
{
	struct facts *f = facts_from_getprop("getprop_google_pixel8pro-husky_android16.txt");

	(void)state;
	assert_string_equal(facts_get_string(f, "platform"), "android");
	assert_string_equal(facts_get_string(f, "identity.make"), "Google");
	assert_string_equal(facts_get_string(f, "identity.model_id"), "Pixel 8 Pro");
	assert_string_equal(facts_get_string(f, "identity.marketing_name"), "Pixel 8 Pro");
	assert_string_equal(facts_get_string(f, "os.name"), "Android");
	assert_string_equal(facts_get_string(f, "os.version"), "16");
	assert_int_equal(facts_get_int(f, "os.sdk", -1), 36);
	assert_string_equal(facts_get_string(f, "os.security_patch"), "2026-03-05");
	assert_string_equal(facts_get_string(f, "os.build"),
			    "google/husky/husky:16/CP1A.260305.018/14887507:user/release-keys");
	assert_string_equal(facts_get_string(f, "locks.bootloader"), "locked");
	assert_true(
	    json_is_true(json_object_get(json_object_get(facts_json(f), "locks"), "encrypted")));
	assert_string_equal(facts_get_string(f, "identity.color"), "BLK");
	/* This capture has no ro.serialno: the serial stays unknown, with a reason. */
	assert_false(facts_known(f, "identity.serial"));
	/* release-keys says nothing about root: only the su check can. */
	assert_false(facts_known(f, "locks.rooted"));
	assert_serializes(f);
	facts_free(f);
}

static void samsung_j4_core_is_named_from_the_model_table(void **state)
{
	struct facts *f =
	    facts_from_getprop("getprop_samsung_galaxy-j4core-SM-J410G_android8.1.txt");

	(void)state;
	assert_string_equal(facts_get_string(f, "identity.make"), "samsung");
	assert_string_equal(facts_get_string(f, "identity.model_id"), "SM-J410G");
	assert_string_equal(facts_get_string(f, "identity.marketing_name"), "Galaxy J4 Core");
	assert_string_equal(facts_get_string(f, "os.version"), "8.1.0");
	assert_int_equal(facts_get_int(f, "os.sdk", -1), 27);
	assert_string_equal(facts_get_string(f, "identity.serial"), "839402d6");
	assert_string_equal(facts_get_string(f, "locks.bootloader"), "locked");
	assert_false(
	    json_is_true(json_object_get(json_object_get(facts_json(f), "locks"), "encrypted")));
	assert_false(facts_known(f, "identity.color"));
	assert_serializes(f);
	facts_free(f);
}

static void xiaomi_12x_shows_the_name_its_firmware_states(void **state)
{
	struct facts *f = facts_from_getprop("getprop_xiaomi_12X-psyche-2112123AG_android12.txt");

	(void)state;
	assert_string_equal(facts_get_string(f, "identity.make"), "Xiaomi");
	assert_string_equal(facts_get_string(f, "identity.model_id"), "2112123AG");
	assert_string_equal(facts_get_string(f, "identity.marketing_name"), "Xiaomi 12X");
	assert_string_equal(facts_get_string(f, "os.version"), "12");
	assert_int_equal(facts_get_int(f, "os.sdk", -1), 31);
	assert_string_equal(facts_get_string(f, "identity.serial"), "27dc0283");
	assert_string_equal(facts_get_string(f, "locks.bootloader"), "locked");
	/* vendor.panel.color describes the screen, not the phone: not a colour fact. */
	assert_false(facts_known(f, "identity.color"));
	assert_serializes(f);
	facts_free(f);
}

static void asus_tablet_with_crlf_lines_reads_as_transformer_prime_on_3_2(void **state)
{
	struct facts *f = facts_from_getprop("getprop_asus_tf201-tablet_android3.2.txt");

	(void)state;
	assert_string_equal(facts_get_string(f, "identity.make"), "asus");
	assert_string_equal(facts_get_string(f, "identity.model_id"), "TF201");
	assert_string_equal(facts_get_string(f, "identity.marketing_name"),
			    "Eee Pad Transformer Prime");
	assert_string_equal(facts_get_string(f, "os.version"), "3.2.1");
	assert_int_equal(facts_get_int(f, "os.sdk", -1), 13);
	assert_string_equal(facts_get_string(f, "identity.serial"), "C1OKAS051559");
	/* Honeycomb predates security patch levels and verified boot. */
	assert_false(facts_known(f, "os.security_patch"));
	assert_string_equal(facts_get_string(f, "locks.bootloader"), "unknown");
	assert_serializes(f);
	facts_free(f);
}

static void crlf_capture_leaves_no_carriage_return_in_values(void **state)
{
	struct aprops *p = NULL;
	size_t len;
	char *text = load("getprop_asus_tf201-tablet_android3.2.txt", &len);

	(void)state;
	assert_int_equal(aprops_parse(text, len, &p), ANDROID_PARSE_OK);
	assert_true(aprops_count(p) > 100);
	for (size_t i = 0; i < aprops_count(p); i++)
		assert_null(strchr(aprops_value_at(p, i), '\r'));
	aprops_free(p);
	free(text);
}

static void every_getprop_capture_parses_without_skipped_lines(void **state)
{
	static const char *const names[] = {
		"getprop_google_pixel8pro-husky_android16.txt",
		"getprop_samsung_galaxy-j4core-SM-J410G_android8.1.txt",
		"getprop_xiaomi_12X-psyche-2112123AG_android12.txt",
		"getprop_asus_tf201-tablet_android3.2.txt",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		struct aprops *p = NULL;
		size_t len;
		char *text = load(names[i], &len);

		assert_int_equal(aprops_parse(text, len, &p), ANDROID_PARSE_OK);
		assert_true(aprops_count(p) > 100);
		assert_int_equal(aprops_skipped(p), 0);
		aprops_free(p);
		free(text);
	}
}

/* ---- getprop edge cases ---- */

static struct aprops *parse_ok(const char *text, size_t len)
{
	struct aprops *p = NULL;

	assert_int_equal(aprops_parse(text, len, &p), ANDROID_PARSE_OK);
	assert_non_null(p);
	return p;
}

static void value_spanning_lines_is_kept_whole(void **state)
{
	const char t[] = "[a]: [1]\n[ro.multi]: [first line\nsecond line\r\nthird]\n[b]: [2]\n";
	struct aprops *p = parse_ok(t, sizeof(t) - 1);

	(void)state;
	assert_string_equal(aprops_get(p, "ro.multi"), "first line\nsecond line\nthird");
	assert_string_equal(aprops_get(p, "a"), "1");
	assert_string_equal(aprops_get(p, "b"), "2");
	assert_int_equal(aprops_skipped(p), 0);
	aprops_free(p);
}

static void echoed_command_line_and_prompt_are_skipped(void **state)
{
	const char t[] =
	    "$ adb shell getprop\nhusky:/ $ getprop\n\n[ro.product.model]: [Pixel 8 Pro]\n";
	struct aprops *p = parse_ok(t, sizeof(t) - 1);

	(void)state;
	assert_string_equal(aprops_get(p, "ro.product.model"), "Pixel 8 Pro");
	assert_int_equal(aprops_count(p), 1);
	assert_int_equal(aprops_skipped(p), 2);
	aprops_free(p);
}

static void utf16le_capture_with_bom_reads_like_utf8(void **state)
{
	const char ascii[] =
	    "[ro.product.manufacturer]: [samsung]\r\n[ro.product.model]: [SM-S921B]\r\n";
	size_t n = sizeof(ascii) - 1;
	char *u = malloc(2 + 2 * n);
	struct facts *f = facts_new();
	struct aprops *p;

	(void)state;
	u[0] = (char)0xFF;
	u[1] = (char)0xFE;
	for (size_t i = 0; i < n; i++) {
		u[2 + 2 * i] = ascii[i];
		u[3 + 2 * i] = 0;
	}
	p = parse_ok(u, 2 + 2 * n);
	assert_string_equal(aprops_get(p, "ro.product.model"), "SM-S921B");
	android_facts_from_props(p, f);
	assert_string_equal(facts_get_string(f, "identity.marketing_name"), "Galaxy S24");
	aprops_free(p);
	facts_free(f);
	free(u);
}

static void utf16be_capture_without_bom_reads_like_utf8(void **state)
{
	const char ascii[] = "[ro.build.version.release]: [14]\n";
	size_t n = sizeof(ascii) - 1;
	char *u = malloc(2 * n);
	struct aprops *p;

	(void)state;
	for (size_t i = 0; i < n; i++) {
		u[2 * i] = 0;
		u[2 * i + 1] = ascii[i];
	}
	p = parse_ok(u, 2 * n);
	assert_string_equal(aprops_get(p, "ro.build.version.release"), "14");
	aprops_free(p);
	free(u);
}

static void truncated_last_line_is_skipped_not_invented(void **state)
{
	const char t[] = "[a]: [1]\n[ro.cut]: [no closing bracket";
	struct aprops *p = parse_ok(t, sizeof(t) - 1);

	(void)state;
	assert_null(aprops_get(p, "ro.cut"));
	assert_int_equal(aprops_skipped(p), 1);
	aprops_free(p);
}

static void unclosed_value_does_not_swallow_the_next_property(void **state)
{
	const char t[] = "[ro.cut]: [oops\n[ro.product.model]: [Pixel 7]\n";
	struct aprops *p = parse_ok(t, sizeof(t) - 1);

	(void)state;
	assert_null(aprops_get(p, "ro.cut"));
	assert_string_equal(aprops_get(p, "ro.product.model"), "Pixel 7");
	aprops_free(p);
}

static void input_past_the_bound_is_a_clean_error(void **state)
{
	size_t n = APROPS_MAX_BYTES + 1;
	char *big = malloc(n);
	struct aprops *p = (struct aprops *)1;

	(void)state;
	memset(big, '[', n);
	assert_int_equal(aprops_parse(big, n, &p), ANDROID_PARSE_ETOOBIG);
	assert_null(p);
	free(big);
}

static void empty_output_is_no_data(void **state)
{
	struct aprops *p = (struct aprops *)1;

	(void)state;
	assert_int_equal(aprops_parse("", 0, &p), ANDROID_PARSE_ENODATA);
	assert_null(p);
	assert_int_equal(aprops_parse(NULL, 10, &p), ANDROID_PARSE_ENODATA);
	assert_int_equal(aprops_parse("garbage\nmore garbage\n", 21, &p), ANDROID_PARSE_ENODATA);
	assert_non_null(android_parse_strerror(ANDROID_PARSE_ENODATA));
}

static void upper_case_boot_state_still_reads_as_unlocked(void **state)
{
	const char t[] =
	    "[ro.boot.verifiedbootstate]: [ORANGE]\n[ro.boot.vbmeta.device_state]: [UNLOCKED]\n";
	struct facts *f = facts_new();
	struct aprops *p = parse_ok(t, sizeof(t) - 1);

	(void)state;
	android_facts_from_props(p, f);
	assert_string_equal(facts_get_string(f, "locks.bootloader"), "unlocked");
	aprops_free(p);
	facts_free(f);
}

static void disagreeing_lock_sources_say_unknown(void **state)
{
	const char t[] = "[ro.boot.flash.locked]: [1]\n[ro.boot.verifiedbootstate]: [orange]\n";
	struct facts *f = facts_new();
	struct aprops *p = parse_ok(t, sizeof(t) - 1);

	(void)state;
	android_facts_from_props(p, f);
	assert_string_equal(facts_get_string(f, "locks.bootloader"), "unknown");
	assert_true(facts_error_count(f) > 0);
	aprops_free(p);
	facts_free(f);
}

static void test_keys_build_is_flagged_rooted(void **state)
{
	const char t[] = "[ro.build.tags]: [test-keys]\n";
	struct facts *f = facts_new();
	struct aprops *p = parse_ok(t, sizeof(t) - 1);

	(void)state;
	android_facts_from_props(p, f);
	assert_true(
	    json_is_true(json_object_get(json_object_get(facts_json(f), "locks"), "rooted")));
	/* A later "no su" does not clear the test-keys hint. */
	android_facts_su("", 0, f);
	assert_true(
	    json_is_true(json_object_get(json_object_get(facts_json(f), "locks"), "rooted")));
	aprops_free(p);
	facts_free(f);
}

static void chinese_vendor_name_on_a_global_phone_is_not_shown(void **state)
{
	const char t[] = "[ro.product.manufacturer]: [Xiaomi]\n[ro.product.model]: [2112123AG]\n"
			 "[ro.boot.hwc]: [GLOBAL]\n"
			 "[ro.product.vendor.marketname]: [\xe5\xb0\x8f\xe7\xb1\xb3 12X]\n";
	struct facts *f = facts_new();
	struct aprops *p = parse_ok(t, sizeof(t) - 1);

	(void)state;
	android_facts_from_props(p, f);
	/* The vendor name is ignored; the table names the global model. */
	assert_string_equal(facts_get_string(f, "identity.marketing_name"), "Xiaomi 12X");
	aprops_free(p);
	facts_free(f);
}

static void unknown_model_code_gives_no_name(void **state)
{
	const char t[] = "[ro.product.manufacturer]: [samsung]\n[ro.product.model]: [SM-X999Z]\n";
	struct facts *f = facts_new();
	struct aprops *p = parse_ok(t, sizeof(t) - 1);

	(void)state;
	android_facts_from_props(p, f);
	assert_false(facts_known(f, "identity.marketing_name"));
	aprops_free(p);
	facts_free(f);
}

/* ---- dumpsys battery and power_supply ---- */

static void galaxy_s24_battery_shows_level_temperature_health_and_samsung_health(void **state)
{
	struct facts *f = facts_new();
	size_t len;
	char *text = load("dumpsys-battery_samsung_galaxy-s24_oneui.txt", &len);

	(void)state;
	android_parse_dumpsys_battery(text, len, f);
	assert_int_equal(facts_get_int(f, "battery.level_pct", -1), 75);
	assert_true(facts_get_real(f, "battery.temperature_c", 0) == 35.7);
	assert_string_equal(facts_get_string(f, "battery.health"), "Good");
	assert_true(
	    json_is_true(json_object_get(json_object_get(facts_json(f), "battery"), "charging")));
	assert_true(facts_get_real(f, "battery.health_pct", 0) == 99.0);
	assert_non_null(strstr(facts_get_string(f, "battery.source"), "mSavedBatteryAsoc"));
	assert_serializes(f);
	free(text);
	facts_free(f);
}

static void battery_health_word_is_kept_when_the_phone_prints_a_word(void **state)
{
	const char t[] = "  level: 40\n  scale: 100\n  health: Overheat\n  status: 3\n";
	struct facts *f = facts_new();

	(void)state;
	android_parse_dumpsys_battery(t, sizeof(t) - 1, f);
	assert_string_equal(facts_get_string(f, "battery.health"), "Overheat");
	assert_false(
	    json_is_true(json_object_get(json_object_get(facts_json(f), "battery"), "charging")));
	facts_free(f);
}

static void power_supply_uevent_gives_health_percent_and_cycles(void **state)
{
	/* Values as a Motorola phone's battery uevent printed them in a public logcat
	 * (find_string "POWER_SUPPLY_CHARGE_FULL_DESIGN="), with a cycle count added. */
	const char t[] = "POWER_SUPPLY_NAME=battery\nPOWER_SUPPLY_STATUS=Charging\n"
			 "POWER_SUPPLY_HEALTH=Good\nPOWER_SUPPLY_CAPACITY=88\n"
			 "POWER_SUPPLY_TEMP=301\nPOWER_SUPPLY_CHARGE_FULL=2363000\n"
			 "POWER_SUPPLY_CHARGE_FULL_DESIGN=2366000\nPOWER_SUPPLY_CYCLE_COUNT=412\n";
	struct facts *f = facts_new();

	(void)state;
	android_parse_power_supply(t, sizeof(t) - 1, f);
	assert_int_equal(facts_get_int(f, "battery.design_mah", -1), 2366);
	assert_int_equal(facts_get_int(f, "battery.full_charge_mah", -1), 2363);
	assert_true(facts_get_real(f, "battery.health_pct", 0) == 99.9);
	assert_int_equal(facts_get_int(f, "battery.cycle_count", -1), 412);
	assert_int_equal(facts_get_int(f, "battery.level_pct", -1), 88);
	assert_string_equal(facts_get_string(f, "battery.health"), "Good");
	facts_free(f);
}

static void zero_design_capacity_gives_no_health(void **state)
{
	const char t[] = "POWER_SUPPLY_CHARGE_FULL=3000000\nPOWER_SUPPLY_CHARGE_FULL_DESIGN=0\n";
	struct facts *f = facts_new();

	(void)state;
	android_parse_power_supply(t, sizeof(t) - 1, f);
	assert_false(facts_known(f, "battery.health_pct"));
	assert_true(facts_error_count(f) > 0);
	facts_free(f);
}

/* ---- storage, memory, accounts, settings, su ---- */

static void nexus_5_memory_reads_as_about_one_gigabyte(void **state)
{
	struct facts *f = facts_new();
	size_t len;
	char *text = load("meminfo_nexus5_awesome-adb.txt", &len);

	(void)state;
	android_parse_meminfo(text, len, f);
	assert_int_equal(facts_get_int(f, "storage.ram_bytes", -1), 1027424LL * 1024);
	free(text);
	facts_free(f);
}

static void df_of_data_gives_capacity_and_free_space(void **state)
{
	const char t[] = "Filesystem     1K-blocks    Used Available Use% Mounted on\n"
			 "/dev/block/dm-46\n"
			 "               115056772 5219800 109705900   5% /data\n";
	struct facts *f = facts_new();

	(void)state;
	android_parse_df_data(t, sizeof(t) - 1, f);
	assert_int_equal(facts_get_int(f, "storage.total_bytes", -1), 115056772LL * 1024);
	assert_int_equal(facts_get_int(f, "storage.free_bytes", -1), 109705900LL * 1024);
	facts_free(f);
}

static void diskstats_gives_capacity_and_free_space(void **state)
{
	const char t[] = "Latency: 2ms [512B Data Write]\n"
			 "Data-Free: 12345K / 67890K total = 18% free\n"
			 "Cache-Free: 1K / 2K total = 50% free\n";
	struct facts *f = facts_new();

	(void)state;
	android_parse_diskstats(t, sizeof(t) - 1, f);
	assert_int_equal(facts_get_int(f, "storage.free_bytes", -1), 12345LL * 1024);
	assert_int_equal(facts_get_int(f, "storage.total_bytes", -1), 67890LL * 1024);
	facts_free(f);
}

static void two_google_accounts_turn_frp_on(void **state)
{
	const char acc[] = "User UserInfo{0:Owner:13}:\n  Accounts: 3\n"
			   "    Account {name=a@gmail.com, type=com.google}\n"
			   "    Account {name=b@gmail.com, type=com.google}\n"
			   "    Account {name=x@corp.example, type=com.google.work}\n"
			   "    Account {name=a@gmail.com, type=com.google}\n";
	const char props[] = "[ro.frp.pst]: [/dev/block/by-name/frp]\n";
	struct facts *f = facts_new();
	struct aprops *p = parse_ok(props, sizeof(props) - 1);

	(void)state;
	android_parse_accounts(acc, sizeof(acc) - 1, f);
	assert_int_equal(facts_get_int(f, "locks.google_accounts", -1), 2);
	android_facts_frp(p, f);
	assert_string_equal(facts_get_string(f, "locks.frp"), "on");
	aprops_free(p);
	facts_free(f);
}

static void no_account_and_setup_done_turns_frp_off(void **state)
{
	const char props[] = "[ro.frp.pst]: [/dev/block/persistent]\n";
	struct facts *f = facts_new();
	struct aprops *p = parse_ok(props, sizeof(props) - 1);

	(void)state;
	android_parse_accounts("Accounts: 0\n", 12, f);
	android_facts_setup_done("1\n", "1", f);
	android_facts_frp(p, f);
	assert_string_equal(facts_get_string(f, "locks.frp"), "off");
	aprops_free(p);
	facts_free(f);
}

static void phone_in_setup_wizard_without_account_has_unknown_frp(void **state)
{
	const char props[] = "[ro.frp.pst]: [/dev/block/persistent]\n";
	struct facts *f = facts_new();
	struct aprops *p = parse_ok(props, sizeof(props) - 1);

	(void)state;
	android_parse_accounts("Accounts: 0\n", 12, f);
	android_facts_setup_done("0", "1", f);
	assert_false(
	    json_is_true(json_object_get(json_object_get(facts_json(f), "locks"), "setup_done")));
	android_facts_frp(p, f);
	assert_string_equal(facts_get_string(f, "locks.frp"), "unknown");
	aprops_free(p);
	facts_free(f);
}

static void setting_null_leaves_setup_unknown(void **state)
{
	struct facts *f = facts_new();

	(void)state;
	android_parse_setting_bool("null\n", 5, "locks.setup_done", f);
	assert_false(facts_known(f, "locks.setup_done"));
	android_parse_setting_bool("1\n", 2, "locks.setup_done", f);
	assert_true(facts_known(f, "locks.setup_done"));
	facts_free(f);
}

static void su_in_path_means_rooted(void **state)
{
	struct facts *f = facts_new();

	(void)state;
	android_facts_su("/system/xbin/su\n", 16, f);
	assert_true(
	    json_is_true(json_object_get(json_object_get(facts_json(f), "locks"), "rooted")));
	facts_free(f);
	f = facts_new();
	android_facts_su("", 0, f);
	assert_true(
	    json_is_false(json_object_get(json_object_get(facts_json(f), "locks"), "rooted")));
	facts_free(f);
}

/* ---- IMEI ---- */

static void parcel_reply_gives_the_imei(void **state)
{
	struct facts *f = facts_new();
	size_t len;
	char *text = load("iphonesubinfo-1_parcel_awesome-adb.txt", &len);
	json_t *imei;

	(void)state;
	android_parse_iphonesubinfo(text, len, f);
	android_parse_iphonesubinfo(text, len, f); /* asked twice: listed once */
	imei = json_object_get(json_object_get(facts_json(f), "identity"), "imei");
	assert_int_equal(json_array_size(imei), 1);
	assert_string_equal(json_string_value(json_array_get(imei, 0)), "860955027785041");
	free(text);
	facts_free(f);
}

static void refused_parcel_leaves_the_imei_unknown(void **state)
{
	const char refused[] = "Result: Parcel(00000000 ffffffff   '........')\n";
	const char denied[] = "Result: Parcel(ffffffff 00000040 ... 'SecurityException')\n";
	struct facts *f = facts_new();

	(void)state;
	android_parse_iphonesubinfo(refused, sizeof(refused) - 1, f);
	android_parse_iphonesubinfo(denied, sizeof(denied) - 1, f);
	android_parse_iphonesubinfo("service: Service iphonesubinfo does not exist\n", 46, f);
	assert_false(facts_known(f, "identity.imei"));
	assert_int_equal(facts_error_count(f), 3);
	facts_free(f);
}

static void imei_with_a_wrong_check_digit_is_refused(void **state)
{
	const char t[] = "Result: Parcel(\n"
			 "  0x00000000: 00000000 0000000f 00360038 00390030 '........8.6.0.9.'\n"
			 "  0x00000010: 00350035 00320030 00370037 00350038 '5.5.0.2.7.7.8.5.'\n"
			 "  0x00000020: 00340030 00000032                   '0.4.2...        ')\n";
	struct facts *f = facts_new();

	(void)state;
	android_parse_iphonesubinfo(t, sizeof(t) - 1, f);
	assert_false(facts_known(f, "identity.imei"));
	assert_true(imei_valid("860955027785041"));
	assert_false(imei_valid("860955027785042"));
	facts_free(f);
}

/* ---- hardware features and phone or tablet ---- */

#define SHELL_FIXTURES "../android-shell/"

/* The value of the boolean FACT: 1, 0, or -1 when null. */
static int bool_fact(struct facts *f, const char *fact)
{
	json_t *v = facts_json_at(facts_json(f), fact);

	return json_is_boolean(v) ? json_is_true(v) : -1;
}

/* Whether an error of F is about FACT and its message holds WORDS. */
static int has_error(struct facts *f, const char *fact, const char *words)
{
	json_t *errs = json_object_get(facts_json(f), "errors"), *e;
	size_t i;

	json_array_foreach (errs, i, e) {
		const char *name = json_string_value(json_object_get(e, "fact"));
		const char *msg = json_string_value(json_object_get(e, "message"));

		if (name && msg && strcmp(name, fact) == 0 && strstr(msg, words))
			return 1;
	}
	return 0;
}

static struct facts *facts_from_features(const char *name)
{
	struct facts *f = facts_new();
	size_t len;
	char *text = load(name, &len);

	assert_non_null(f);
	android_parse_features(text, len, f);
	free(text);
	return f;
}

static void sharp_phone_has_a_mobile_radio_and_gps_but_no_nfc(void **state)
{
	/* A real capture, CRLF line ends and all. */
	struct facts *f =
	    facts_from_features(SHELL_FIXTURES "pm-list-features_sharp1-mediatek_android8plus.txt");

	(void)state;
	assert_int_equal(bool_fact(f, "device.cellular"), 1);
	assert_int_equal(bool_fact(f, "device.gps"), 1);
	assert_int_equal(bool_fact(f, "device.nfc"), 0);
	assert_int_equal(facts_error_count(f), 0);
	/* Android never says these: they stay unknown, for the trainee to enter. */
	assert_false(facts_known(f, "device.headphone_jack"));
	assert_false(facts_known(f, "device.sd_card"));
	assert_false(facts_known(f, "device.wireless_charging"));
	assert_serializes(f);
	facts_free(f);
}

static void samsung_j4_core_with_a_mobile_radio_reads_as_a_phone(void **state)
{
	/* ro.build.characteristics "default" says nothing of the form; the radio does. */
	struct facts *f =
	    facts_from_getprop("getprop_samsung_galaxy-j4core-SM-J410G_android8.1.txt");
	struct aprops *p = NULL;
	size_t len;
	char *text = load("getprop_samsung_galaxy-j4core-SM-J410G_android8.1.txt", &len);
	char *feat = load(SHELL_FIXTURES "pm-list-features_sharp1-mediatek_android8plus.txt", &len);

	(void)state;
	android_parse_features(feat, len, f);
	assert_int_equal(aprops_parse(text, strlen(text), &p), ANDROID_PARSE_OK);
	android_facts_device_class(p, f);
	assert_string_equal(facts_get_string(f, "device.class"), "phone");
	aprops_free(p);
	free(feat);
	free(text);
	facts_free(f);
}

static void galaxy_tab_a8_wifi_reads_as_a_tablet_without_a_mobile_radio(void **state)
{
	struct facts *f = facts_from_features(
	    SHELL_FIXTURES "pm-list-features_samsung_galaxy-tab-a8-SM-X200_android14_standin.txt");
	struct aprops *p = NULL;
	size_t len;
	char *text = load("getprop_samsung_galaxy-tab-a8-SM-X200_android14_standin.txt", &len);

	(void)state;
	assert_int_equal(aprops_parse(text, len, &p), ANDROID_PARSE_OK);
	android_facts_from_props(p, f);
	android_facts_device_class(p, f);
	assert_string_equal(facts_get_string(f, "device.class"), "tablet");
	assert_int_equal(bool_fact(f, "device.cellular"), 0);
	assert_int_equal(bool_fact(f, "device.nfc"), 0);
	assert_int_equal(bool_fact(f, "device.gps"), 1);
	assert_string_equal(facts_get_string(f, "identity.model_id"), "SM-X200");
	assert_string_equal(facts_get_string(f, "os.version"), "14");
	assert_int_equal(facts_get_int(f, "os.sdk", -1), 34);
	assert_string_equal(facts_get_string(f, "identity.serial"), "R9PT40A1B2C");
	assert_serializes(f);
	aprops_free(p);
	free(text);
	facts_free(f);
}

static void old_tablet_list_without_versions_reads_the_same(void **state)
{
	/* Android 3.2: no "=version" on any line, CRLF from the legacy shell; the tablet
	 * says "tablet" itself (its real getprop). */
	struct facts *f = facts_from_features(SHELL_FIXTURES
					      "pm-list-features_asus_tf201_android3.2_standin.txt");
	struct aprops *p = NULL;
	size_t len;
	char *text = load("getprop_asus_tf201-tablet_android3.2.txt", &len);

	(void)state;
	assert_int_equal(bool_fact(f, "device.cellular"), 0);
	assert_int_equal(bool_fact(f, "device.gps"), 1);
	assert_int_equal(aprops_parse(text, len, &p), ANDROID_PARSE_OK);
	android_facts_device_class(p, f);
	assert_string_equal(facts_get_string(f, "device.class"), "tablet");
	aprops_free(p);
	free(text);
	facts_free(f);
}

static void nfc_card_emulation_alone_is_not_nfc(void **state)
{
	const char t[] =
	    "feature:android.hardware.nfc.hce\nfeature:android.hardware.telephony.gsm\n"
	    "feature:android.hardware.location\nfeature:android.hardware.wifi\n";
	struct facts *f = facts_new();

	(void)state;
	android_parse_features(t, sizeof(t) - 1, f);
	assert_int_equal(bool_fact(f, "device.nfc"), 0);
	assert_int_equal(bool_fact(f, "device.cellular"), 0);
	assert_int_equal(bool_fact(f, "device.gps"), 0);
	facts_free(f);
}

static void versioned_nfc_line_and_a_prompt_read_as_nfc(void **state)
{
	/* An echoed prompt, and the "=version" form of Android 7 and later. */
	const char t[] = "j6lte:/ $ pm list features\n  feature:android.hardware.nfc=1 \r\n"
			 "feature:android.hardware.telephony\n";
	struct facts *f = facts_new();

	(void)state;
	android_parse_features(t, sizeof(t) - 1, f);
	assert_int_equal(bool_fact(f, "device.nfc"), 1);
	assert_int_equal(bool_fact(f, "device.cellular"), 1);
	facts_free(f);
}

static void no_feature_list_leaves_cellular_nfc_gps_unknown_with_a_reason(void **state)
{
	/* Without pm (recovery) or with its package manager down, nothing reaches stdout. */
	const char prompt_only[] = "~ # \n";
	const char software_only[] = "feature:android.software.webview\n";
	struct facts *f = facts_new();

	(void)state;
	android_parse_features("", 0, f);
	assert_false(facts_known(f, "device.cellular"));
	assert_false(facts_known(f, "device.nfc"));
	assert_false(facts_known(f, "device.gps"));
	assert_true(has_error(f, "device", "printed nothing"));
	android_parse_features(prompt_only, sizeof(prompt_only) - 1, f);
	android_parse_features(software_only, sizeof(software_only) - 1, f);
	assert_true(has_error(f, "device", "no android.hardware feature"));
	assert_false(facts_known(f, "device.cellular"));
	android_parse_features(NULL, 0, f);
	assert_int_equal(facts_error_count(f), 4);
	/* And the form cannot be told without them, unless the maker says tablet. */
	android_facts_device_class(NULL, f);
	assert_false(facts_known(f, "device.class"));
	assert_true(has_error(f, "device.class", "getprop not read"));
	facts_free(f);
}

static void device_class_follows_characteristics_then_the_radio(void **state)
{
	static const struct {
		const char *characteristics; /* NULL: not in getprop */
		int cellular;		     /* -1: features not read */
		const char *want;	     /* NULL: unknown */
	} cases[] = {
		{ "tablet,nosdcard", 1, "tablet" }, /* a tablet with a SIM slot stays a tablet */
		{ " Tablet ", 0, "tablet" },
		{ "tablet", -1, "tablet" },
		{ "nosdcard", 1, "phone" },
		{ NULL, 1, "phone" },
		{ "tabletop", 1, "phone" }, /* whole items only */
		{ "nosdcard", 0, NULL },    /* a Wi-Fi device that does not say: unknown */
		{ "default", -1, NULL },
		{ NULL, 0, NULL },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct facts *f = facts_new();
		struct aprops *p = NULL;
		char props[128];

		snprintf(props, sizeof(props), "[ro.build.characteristics]: [%s]\n[x]: [y]\n",
			 cases[i].characteristics ? cases[i].characteristics : "");
		p = parse_ok(props, strlen(props));
		if (cases[i].cellular >= 0)
			facts_set_bool(f, "device.cellular", cases[i].cellular);
		android_facts_device_class(p, f);
		if (cases[i].want) {
			assert_string_equal(facts_get_string(f, "device.class"), cases[i].want);
		} else {
			assert_false(facts_known(f, "device.class"));
			assert_true(has_error(f, "device.class", "ro.build.characteristics"));
		}
		aprops_free(p);
		facts_free(f);
	}
}

static void probe_line_ends_with_the_feature_list_and_splits_back(void **state)
{
	const char *script = androidp_script();
	const char *tail = "pm list features 2>/dev/null";
	size_t n = androidp_sections(), len[16], got;
	const char *start[16];
	char out[512] = "";

	(void)state;
	assert_true(n <= 16);
	assert_true(strlen(script) > strlen(tail));
	/* Last, so a slow pm (a Java VM of its own before Android 7) holds up nothing. */
	assert_string_equal(script + strlen(script) - strlen(tail), tail);
	for (size_t i = 0; i < n; i++)
		snprintf(out + strlen(out), sizeof(out) - strlen(out), "%s%zu\n",
			 i ? ANDROIDP_MARKER "\n" : "", i);
	got = androidp_split(out, strlen(out), start, len, n);
	assert_int_equal(got, n);
	assert_int_equal(len[n - 1], strlen("11\n"));
	assert_memory_equal(start[n - 1], "11\n", 3);
}

/* ---- adb devices ---- */

static void devices_l_lists_serial_state_port_and_model(void **state)
{
	const char t[] =
	    "0123456789ABCDEF       device usb:1-4 product:husky model:Pixel_8_Pro device:husky "
	    "transport_id:7\n"
	    "R58M12ABCDE            unauthorized usb:1-2.3 transport_id:8\n"
	    "ZY22GXYZ               no permissions (missing udev rules? user is in the plugdev "
	    "group); see [http://developer.android.com/tools/device.html] usb:2-1 transport_id:9\n"
	    "emulator-5554\toffline\n";
	struct adb_device_entry e[8];
	size_t n = 0;

	(void)state;
	assert_int_equal(android_parse_devices_l(t, sizeof(t) - 1, e, 8, &n), ANDROID_PARSE_OK);
	assert_int_equal(n, 4);
	assert_string_equal(e[0].serial, "0123456789ABCDEF");
	assert_string_equal(e[0].state, "device");
	assert_string_equal(e[0].usb, "1-4");
	assert_string_equal(e[0].model, "Pixel_8_Pro");
	assert_string_equal(e[0].product, "husky");
	assert_string_equal(e[0].device, "husky");
	assert_true(e[0].has_transport_id);
	assert_int_equal(e[0].transport_id, 7);
	assert_string_equal(e[1].state, "unauthorized");
	assert_string_equal(e[1].usb, "1-2.3");
	assert_string_equal(e[2].state,
			    "no permissions (missing udev rules? user is in the plugdev group); "
			    "see [http://developer.android.com/tools/device.html]");
	assert_string_equal(e[2].usb, "2-1");
	assert_string_equal(e[3].serial, "emulator-5554");
	assert_string_equal(e[3].state, "offline");
	assert_false(e[3].has_transport_id);

	assert_string_equal(android_trust_of_state(e[0].state), "trusted");
	assert_string_equal(android_trust_of_state(e[1].state), "unauthorized");
	assert_string_equal(android_trust_of_state(e[2].state), "no_permissions");
	assert_string_equal(android_trust_of_state(e[3].state), "offline");
	assert_non_null(strstr(android_state_instruction(e[1].state), "allow USB debugging"));
	assert_non_null(strstr(android_state_instruction(e[2].state), "plugdev"));
	assert_string_equal(android_mode_of_state("bootloader"), "fastboot");
	assert_null(android_trust_of_state("recovery"));
	assert_non_null(android_state_instruction("weird"));
}

static void more_phones_than_room_keeps_the_first(void **state)
{
	const char t[] = "A device\nB device\nC device\n";
	struct adb_device_entry e[2];
	size_t n = 0;

	(void)state;
	assert_int_equal(android_parse_devices_l(t, sizeof(t) - 1, e, 2, &n),
			 ANDROID_PARSE_ETOOMANY);
	assert_int_equal(n, 2);
	assert_string_equal(e[1].serial, "B");
	assert_int_equal(android_parse_devices_l("", 0, e, 2, &n), ANDROID_PARSE_OK);
	assert_int_equal(n, 0);
}

/* ---- fastboot ---- */

static void poco_f3_in_fastboot_shows_unlocked_bootloader_and_alioth(void **state)
{
	struct facts *f = facts_new();
	struct aprops *p = NULL;
	size_t len;
	char *text = load("fastboot-getvar-all_xiaomi_poco-f3-alioth_unlocked.txt", &len);

	(void)state;
	assert_int_equal(aprops_parse_getvar(text, len, &p), ANDROID_PARSE_OK);
	assert_string_equal(aprops_get(p, "erase-block-size"), "0x1000");
	assert_string_equal(aprops_get(p, "partition-size:mdm1m9kefsc"), "0x100000");
	assert_string_equal(aprops_get(p, "partition-type:mdm1m9kefsc"), "raw");
	assert_string_equal(aprops_get(p, "slot-retry-count:b"), "7");
	assert_string_equal(aprops_get(p, "variant"), "SM8 UFS");
	assert_string_equal(aprops_get(p, "dp"), "0xFF"); /* keys are stored lower-case */
	android_facts_from_getvar(p, f);
	assert_string_equal(facts_get_string(f, "locks.bootloader"), "unlocked");
	assert_string_equal(facts_get_string(f, "identity.model_id"), "alioth");
	assert_string_equal(facts_get_string(f, "identity.serial"), "8d1cac2");
	assert_string_equal(facts_get_string(f, "connection.mode"), "fastboot");
	assert_serializes(f);
	aprops_free(p);
	free(text);
	facts_free(f);
}

static void raw_info_lines_with_upper_case_keys_parse_too(void **state)
{
	const char t[] = "INFOProduct:sargo\nINFOUnlocked: no\nINFOserialno:ABC123\n";
	struct facts *f = facts_new();
	struct aprops *p = NULL;

	(void)state;
	assert_int_equal(aprops_parse_getvar(t, sizeof(t) - 1, &p), ANDROID_PARSE_OK);
	android_facts_from_getvar(p, f);
	assert_string_equal(facts_get_string(f, "locks.bootloader"), "locked");
	assert_string_equal(facts_get_string(f, "identity.model_id"), "sargo");
	aprops_free(p);
	facts_free(f);
}

static void a_design_capacity_too_small_for_a_phone_gives_no_health(void **state)
{
	static const char uevent[] = "POWER_SUPPLY_CHARGE_FULL=2363000\n"
				     "POWER_SUPPLY_CHARGE_FULL_DESIGN=2000\n";
	struct facts *f = facts_new();
	(void)state;

	android_parse_power_supply(uevent, sizeof(uevent) - 1, f);
	assert_false(facts_known(f, "battery.health_pct"));
	assert_false(facts_known(f, "battery.design_mah"));
	assert_true(facts_error_count(f) > 0);
	facts_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_design_capacity_too_small_for_a_phone_gives_no_health),
		cmocka_unit_test(pixel_8_pro_shows_its_name_android_16_and_a_locked_bootloader),
		cmocka_unit_test(samsung_j4_core_is_named_from_the_model_table),
		cmocka_unit_test(xiaomi_12x_shows_the_name_its_firmware_states),
		cmocka_unit_test(asus_tablet_with_crlf_lines_reads_as_transformer_prime_on_3_2),
		cmocka_unit_test(crlf_capture_leaves_no_carriage_return_in_values),
		cmocka_unit_test(every_getprop_capture_parses_without_skipped_lines),
		cmocka_unit_test(value_spanning_lines_is_kept_whole),
		cmocka_unit_test(echoed_command_line_and_prompt_are_skipped),
		cmocka_unit_test(utf16le_capture_with_bom_reads_like_utf8),
		cmocka_unit_test(utf16be_capture_without_bom_reads_like_utf8),
		cmocka_unit_test(truncated_last_line_is_skipped_not_invented),
		cmocka_unit_test(unclosed_value_does_not_swallow_the_next_property),
		cmocka_unit_test(input_past_the_bound_is_a_clean_error),
		cmocka_unit_test(empty_output_is_no_data),
		cmocka_unit_test(upper_case_boot_state_still_reads_as_unlocked),
		cmocka_unit_test(disagreeing_lock_sources_say_unknown),
		cmocka_unit_test(test_keys_build_is_flagged_rooted),
		cmocka_unit_test(chinese_vendor_name_on_a_global_phone_is_not_shown),
		cmocka_unit_test(unknown_model_code_gives_no_name),
		cmocka_unit_test(
		    galaxy_s24_battery_shows_level_temperature_health_and_samsung_health),
		cmocka_unit_test(battery_health_word_is_kept_when_the_phone_prints_a_word),
		cmocka_unit_test(power_supply_uevent_gives_health_percent_and_cycles),
		cmocka_unit_test(zero_design_capacity_gives_no_health),
		cmocka_unit_test(nexus_5_memory_reads_as_about_one_gigabyte),
		cmocka_unit_test(df_of_data_gives_capacity_and_free_space),
		cmocka_unit_test(diskstats_gives_capacity_and_free_space),
		cmocka_unit_test(two_google_accounts_turn_frp_on),
		cmocka_unit_test(no_account_and_setup_done_turns_frp_off),
		cmocka_unit_test(phone_in_setup_wizard_without_account_has_unknown_frp),
		cmocka_unit_test(setting_null_leaves_setup_unknown),
		cmocka_unit_test(su_in_path_means_rooted),
		cmocka_unit_test(parcel_reply_gives_the_imei),
		cmocka_unit_test(refused_parcel_leaves_the_imei_unknown),
		cmocka_unit_test(imei_with_a_wrong_check_digit_is_refused),
		cmocka_unit_test(sharp_phone_has_a_mobile_radio_and_gps_but_no_nfc),
		cmocka_unit_test(samsung_j4_core_with_a_mobile_radio_reads_as_a_phone),
		cmocka_unit_test(galaxy_tab_a8_wifi_reads_as_a_tablet_without_a_mobile_radio),
		cmocka_unit_test(old_tablet_list_without_versions_reads_the_same),
		cmocka_unit_test(nfc_card_emulation_alone_is_not_nfc),
		cmocka_unit_test(versioned_nfc_line_and_a_prompt_read_as_nfc),
		cmocka_unit_test(no_feature_list_leaves_cellular_nfc_gps_unknown_with_a_reason),
		cmocka_unit_test(device_class_follows_characteristics_then_the_radio),
		cmocka_unit_test(probe_line_ends_with_the_feature_list_and_splits_back),
		cmocka_unit_test(devices_l_lists_serial_state_port_and_model),
		cmocka_unit_test(more_phones_than_room_keeps_the_first),
		cmocka_unit_test(poco_f3_in_fastboot_shows_unlocked_bootloader_and_alioth),
		cmocka_unit_test(raw_info_lines_with_upper_case_keys_parse_too),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
