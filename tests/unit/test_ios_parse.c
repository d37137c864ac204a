/*
 * Unit tests of ios_parse: what a trainee sees on the device card of an iPhone, iPad or
 * iPod once Atelier has read its lockdown values and battery registry entry.
 *
 * Most tests load captures of real devices from tests/fixtures/ios-parse/ (each file
 * names its source in a comment); the rest build the one plist a rule needs. Every test
 * checks the facts a user reads, and that a fact left null says why in "errors".
 * Tests run from the repository root.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "probe/facts.h"
#include "probe/ios_parse.h"

#include <jansson.h>
#include <plist/plist.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FIXTURES "tests/fixtures/ios-parse/"
#define FIXTURE_MAX (1024 * 1024)

/* ---- helpers ---- */

/* The plist in FIXTURES/NAME; fails the test when it cannot be read. Caller frees. */
static plist_t load(const char *name)
{
	char path[256], *buf;
	plist_t p = NULL;
	size_t n;
	FILE *fp;

	snprintf(path, sizeof(path), FIXTURES "%s", name);
	fp = fopen(path, "rb");
	if (!fp)
		fail_msg("cannot open %s", path);
	buf = malloc(FIXTURE_MAX);
	assert_non_null(buf);
	n = fread(buf, 1, FIXTURE_MAX, fp);
	fclose(fp);
	plist_from_memory(buf, (uint32_t)n, &p);
	free(buf);
	if (!p)
		fail_msg("%s is not a plist", path);
	return p;
}

/* A fresh fact set; fails the test when out of memory. */
static struct facts *fresh(void)
{
	struct facts *f = facts_new();

	assert_non_null(f);
	return f;
}

/* Whether F has an error for FACT whose message contains NEEDLE. */
static int has_error(const struct facts *f, const char *fact, const char *needle)
{
	json_t *errors = json_object_get(facts_json(f), "errors");
	size_t i;
	json_t *e;

	json_array_foreach (errors, i, e) {
		const char *ef = json_string_value(json_object_get(e, "fact"));
		const char *msg = json_string_value(json_object_get(e, "message"));

		if (ef && msg && strcmp(ef, fact) == 0 && strstr(msg, needle))
			return 1;
	}
	return 0;
}

/* The facts must always serialize; returns nothing, fails the test otherwise. */
static void assert_serializes(const struct facts *f)
{
	char *s = json_dumps(facts_json(f), 0);

	assert_non_null(s);
	free(s);
}

/* The facts of F as sorted JSON text without "errors". Caller frees. */
static char *dump_without_errors(const struct facts *f)
{
	json_t *copy = json_deep_copy(facts_json(f));
	char *s;

	assert_non_null(copy);
	json_object_del(copy, "errors");
	s = json_dumps(copy, JSON_SORT_KEYS);
	json_decref(copy);
	assert_non_null(s);
	return s;
}

#define assert_fact_string(f, path, want)                                                          \
	assert_string_equal(                                                                       \
	    facts_get_string((f), (path)) ? facts_get_string((f), (path)) : "(null)", (want))
#define assert_fact_null(f, path) assert_false(facts_known((f), (path)))

static void set_str(plist_t d, const char *key, const char *v)
{
	plist_dict_set_item(d, key, plist_new_string(v));
}

static void set_uint(plist_t d, const char *key, uint64_t v)
{
	plist_dict_set_item(d, key, plist_new_uint(v));
}

static void set_bool(plist_t d, const char *key, int v)
{
	plist_dict_set_item(d, key, plist_new_bool(v ? 1 : 0));
}

/* The IMEI array as "a,b", or "" when null. */
static void imeis(const struct facts *f, char *out, size_t size)
{
	json_t *arr = json_object_get(json_object_get(facts_json(f), "identity"), "imei");
	size_t i, len = 0;
	json_t *v;

	out[0] = '\0';
	json_array_foreach (arr, i, v) {
		len += (size_t)snprintf(out + len, size - len, "%s%s", i ? "," : "",
					json_string_value(v));
		if (len >= size)
			break;
	}
}

/* ---- root domain and pre-pairing values ---- */

static void iphone_8_reads_as_iphone_8_on_ios_15(void **state)
{
	plist_t root = load("root_iphone8_ios15.6.1_tail.plist");
	struct facts *f = fresh();

	(void)state;
	iosp_parse_root(root, f);
	assert_fact_string(f, "platform", "ios");
	assert_fact_string(f, "identity.make", "Apple");
	assert_fact_string(f, "identity.model_id", "iPhone10,4");
	assert_fact_string(f, "identity.marketing_name", "iPhone 8");
	assert_fact_string(f, "os.name", "iOS");
	assert_fact_string(f, "os.version", "15.6.1");
	assert_fact_string(f, "identity.serial", "F4HTEST0JC67");
	assert_fact_string(f, "identity.udid", "c16b08b10c9dbb4ef48c88f7127431c5d9e01234");
	assert_fact_string(f, "identity.ecid", "001E64172CCD5CD2");
	/* The capture has no ModelNumber: the region alone is not a model number. */
	assert_fact_null(f, "identity.model_number");
	assert_true(has_error(f, "identity.model_number", "ModelNumber not in the root domain"));
	/* The tail of the dictionary does not hold BuildVersion: null, and said so. */
	assert_fact_null(f, "os.build");
	assert_true(has_error(f, "os.build", "BuildVersion"));
	assert_serializes(f);
	facts_free(f);
	plist_free(root);
}

static void unlocked_phone_does_not_claim_there_is_no_passcode(void **state)
{
	plist_t root = load("root_iphone8_ios15.6.1_tail.plist");
	struct facts *f = fresh();

	(void)state;
	iosp_parse_root(root, f); /* PasswordProtected false */
	assert_fact_null(f, "locks.passcode");
	assert_true(has_error(f, "locks.passcode", "unlocked now"));
	facts_free(f);
	plist_free(root);
}

static void iphone_xs_head_gives_build_activation_and_colour(void **state)
{
	plist_t root = load("root_iphone-xs_ios12.1.4_head.plist");
	struct facts *f = fresh();

	(void)state;
	iosp_parse_root(root, f);
	assert_fact_string(f, "os.build", "16D40");
	assert_fact_string(f, "locks.activation_state", "Activated");
	assert_fact_string(f, "identity.color", "1");
	assert_fact_string(f, "os.name", "iOS"); /* from DeviceClass */
	/* No ProductType in this capture: no model, no name, and the reasons. */
	assert_fact_null(f, "identity.model_id");
	assert_fact_null(f, "identity.marketing_name");
	assert_true(has_error(f, "identity.model_id", "ProductType not in the root domain"));
	assert_true(has_error(f, "identity.marketing_name", "no ProductType"));
	assert_fact_null(f, "identity.imei");
	assert_true(has_error(f, "identity.imei", "InternationalMobileEquipmentIdentity"));
	assert_serializes(f);
	facts_free(f);
	plist_free(root);
}

static void ipod_touch_first_generation_has_no_marketing_name(void **state)
{
	plist_t root = load("root_ipod1-1_ios1.1.plist");
	struct facts *f = fresh();

	(void)state;
	iosp_parse_root(root, f);
	assert_fact_string(f, "identity.model_id", "iPod1,1");
	assert_fact_null(f, "identity.marketing_name");
	assert_true(has_error(f, "identity.marketing_name", "iPod1,1 is not in the name table"));
	assert_fact_string(f, "os.name", "iOS");
	assert_fact_string(f, "os.version", "1.1");
	assert_fact_string(f, "os.build", "3A101a");
	assert_fact_string(f, "locks.activation_state", "Unactivated");
	assert_fact_string(f, "identity.serial", "9C8TEST0P14N");
	facts_free(f);
	plist_free(root);
}

static void unpaired_ipod_answers_only_its_class(void **state)
{
	plist_t values = load("preauth_ipod1-1_ios1.1.plist");
	struct facts *f = fresh();

	(void)state;
	iosp_parse_preauth(values, f);
	assert_fact_string(f, "platform", "ios");
	assert_fact_string(f, "os.name", "iOS");
	assert_fact_null(f, "identity.model_id");
	assert_fact_null(f, "os.version");
	assert_true(has_error(f, "identity.model_id", "ProductType"));
	assert_true(has_error(f, "os.version", "ProductVersion"));
	/* BuildVersion is optional before pairing: no error for it. */
	assert_false(has_error(f, "os.build", "BuildVersion"));
	assert_serializes(f);
	facts_free(f);
	plist_free(values);
}

static void unpaired_iphone_shows_model_name_and_version(void **state)
{
	plist_t v = plist_new_dict();
	struct facts *f = fresh();

	(void)state;
	set_str(v, "ProductType", "iPhone13,2");
	set_str(v, "ProductVersion", "17.5.1");
	set_str(v, "DeviceClass", "iPhone");
	iosp_parse_preauth(v, f);
	assert_fact_string(f, "identity.model_id", "iPhone13,2");
	assert_fact_string(f, "identity.marketing_name", "iPhone 12");
	assert_fact_string(f, "os.name", "iOS");
	assert_fact_string(f, "os.version", "17.5.1");
	assert_int_equal(facts_error_count(f), 0);
	facts_free(f);
	plist_free(v);
}

/* A root domain with every key the parser reads; the values are stand-ins. */
static plist_t full_root(void)
{
	plist_t r = plist_new_dict();

	set_str(r, "ProductType", "iPhone13,2");
	set_str(r, "ProductVersion", "17.5.1");
	set_str(r, "BuildVersion", "21F90");
	set_str(r, "DeviceClass", "iPhone");
	set_str(r, "ModelNumber", "MGJ93");
	set_str(r, "RegionInfo", "LL/A");
	set_str(r, "SerialNumber", "F17TEST0AB12");
	set_str(r, "UniqueDeviceID", "00008101-001D2CD90128002E");
	set_str(r, "InternationalMobileEquipmentIdentity", "350000000000001");
	set_str(r, "InternationalMobileEquipmentIdentity2", "350000000000019");
	set_uint(r, "UniqueChipID", 0x1D2CD90128002EULL);
	set_str(r, "DeviceEnclosureColor", "#e4c1b9");
	set_str(r, "DeviceColor", "1");
	set_str(r, "ActivationState", "Activated");
	set_bool(r, "PasswordProtected", 1);
	set_bool(r, "TelephonyCapability", 1);
	set_str(r, "BasebandVersion", "2.40.01");
	return r;
}

static void full_root_domain_fills_every_identity_fact(void **state)
{
	plist_t r = full_root();
	struct facts *f = fresh();
	char list[128];

	(void)state;
	iosp_parse_root(r, f);
	assert_fact_string(f, "identity.marketing_name", "iPhone 12");
	assert_fact_string(f, "identity.model_number", "MGJ93LL/A");
	assert_fact_string(f, "os.build", "21F90");
	imeis(f, list, sizeof(list));
	assert_string_equal(list, "350000000000001,350000000000019");
	/* The ECID is the second half of a 2018-and-later UDID. */
	assert_fact_string(f, "identity.ecid", "001D2CD90128002E");
	assert_fact_string(f, "identity.color", "#e4c1b9"); /* enclosure before front */
	assert_fact_string(f, "locks.activation_state", "Activated");
	assert_true(facts_known(f, "locks.passcode"));
	assert_int_equal(
	    json_is_true(json_object_get(json_object_get(facts_json(f), "locks"), "passcode")), 1);
	assert_int_equal(facts_error_count(f), 0);
	facts_free(f);
	plist_free(r);
}

static void reading_twice_does_not_double_the_imeis(void **state)
{
	plist_t r = full_root();
	struct facts *f = fresh();
	char list[128];

	(void)state;
	iosp_parse_root(r, f);
	iosp_parse_root(r, f);
	imeis(f, list, sizeof(list));
	assert_string_equal(list, "350000000000001,350000000000019");
	facts_free(f);
	plist_free(r);
}

static void model_number_without_region_keeps_the_number_and_says_why(void **state)
{
	plist_t r = full_root();
	struct facts *f = fresh();

	(void)state;
	plist_dict_remove_item(r, "RegionInfo");
	iosp_parse_root(r, f);
	assert_fact_string(f, "identity.model_number", "MGJ93");
	assert_true(has_error(f, "identity.model_number", "without its region"));
	facts_free(f);
	plist_free(r);
}

static void ipad_runs_ipados_from_13_and_ios_before(void **state)
{
	static const struct {
		const char *type, *version, *os;
	} cases[] = {
		{ "iPad13,18", "17.4", "iPadOS" },
		{ "iPad7,5", "13.1", "iPadOS" },
		{ "iPad5,3", "12.5.7", "iOS" },
		{ "iPad4,1", "9.3.5", "iOS" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		plist_t v = plist_new_dict();
		struct facts *f = fresh();

		set_str(v, "ProductType", cases[i].type);
		set_str(v, "ProductVersion", cases[i].version);
		iosp_parse_preauth(v, f);
		assert_fact_string(f, "os.name", cases[i].os);
		facts_free(f);
		plist_free(v);
	}
}

static void ipad_without_version_has_no_os_name(void **state)
{
	plist_t v = plist_new_dict();
	struct facts *f = fresh();

	(void)state;
	set_str(v, "DeviceClass", "iPad");
	iosp_parse_preauth(v, f);
	assert_fact_null(f, "os.name");
	assert_true(has_error(f, "os.name", "iOS or iPadOS unknown"));
	facts_free(f);
	plist_free(v);
}

static void apple_watch_is_not_named_ios(void **state)
{
	plist_t v = plist_new_dict();
	struct facts *f = fresh();

	(void)state;
	set_str(v, "ProductType", "Watch6,1");
	set_str(v, "ProductVersion", "9.0");
	set_str(v, "DeviceClass", "Watch");
	iosp_parse_preauth(v, f);
	assert_fact_null(f, "os.name");
	assert_true(has_error(f, "os.name", "Watch is not an iPhone, iPad or iPod"));
	facts_free(f);
	plist_free(v);
}

/* ---- lockdown domains ---- */

static void storage_total_is_the_size_on_the_box(void **state)
{
	plist_t d = load("disk_usage_iphone14pro_ios26.plist");
	struct facts *f = fresh();

	(void)state;
	iosp_parse_disk_usage(d, f);
	assert_int_equal(facts_get_int(f, "storage.total_bytes", -1), 256000000000LL);
	/* Free now, not the larger TotalDataAvailable that counts purgeable space. */
	assert_int_equal(facts_get_int(f, "storage.free_bytes", -1), 6045429760LL);
	assert_int_equal(facts_error_count(f), 0);
	facts_free(f);
	plist_free(d);
}

static void ios3_disk_usage_reads_a_16_gb_device(void **state)
{
	plist_t d = load("disk_usage_ios3.plist");
	struct facts *f = fresh();

	(void)state;
	iosp_parse_disk_usage(d, f);
	assert_int_equal(facts_get_int(f, "storage.total_bytes", -1), 16239927296LL);
	assert_int_equal(facts_get_int(f, "storage.free_bytes", -1), 15510867968LL);
	facts_free(f);
	plist_free(d);
}

static void free_space_falls_back_to_total_data_available(void **state)
{
	plist_t d = plist_new_dict();
	struct facts *f = fresh();

	(void)state;
	set_uint(d, "TotalDiskCapacity", 64000000000ULL);
	set_uint(d, "TotalDataAvailable", 12000000000ULL);
	iosp_parse_disk_usage(d, f);
	assert_int_equal(facts_get_int(f, "storage.free_bytes", -1), 12000000000LL);
	plist_dict_remove_item(d, "TotalDataAvailable");
	facts_free(f);
	f = fresh();
	iosp_parse_disk_usage(d, f);
	assert_fact_null(f, "storage.free_bytes");
	assert_true(has_error(f, "storage.free_bytes", "neither AmountDataAvailable"));
	facts_free(f);
	plist_free(d);
}

static void battery_domain_gives_level_and_charging(void **state)
{
	plist_t d = load("battery_domain_iphone6s.plist");
	struct facts *f = fresh();

	(void)state;
	iosp_parse_battery_domain(d, f);
	assert_int_equal(facts_get_int(f, "battery.level_pct", -1), 100);
	assert_int_equal(
	    json_is_true(json_object_get(json_object_get(facts_json(f), "battery"), "charging")),
	    1);
	assert_int_equal(facts_error_count(f), 0);
	facts_free(f);
	plist_free(d);
}

static void charge_level_above_100_is_refused(void **state)
{
	plist_t d = plist_new_dict();
	struct facts *f = fresh();

	(void)state;
	set_uint(d, "BatteryCurrentCapacity", 250);
	set_bool(d, "BatteryIsCharging", 0);
	iosp_parse_battery_domain(d, f);
	assert_fact_null(f, "battery.level_pct");
	assert_true(has_error(f, "battery.level_pct", "not a percentage"));
	assert_true(facts_known(f, "battery.charging"));
	facts_free(f);
	plist_free(d);
}

/* ---- values asked by key ---- */

static void find_my_asked_by_key_reads_on_and_off(void **state)
{
	plist_t yes = plist_new_bool(1), no = plist_new_bool(0);
	struct facts *on = fresh(), *off = fresh();

	(void)state;
	iosp_parse_find_my(yes, on);
	iosp_parse_find_my(no, off);
	assert_fact_string(on, "locks.find_my", "on");
	assert_fact_string(off, "locks.find_my", "off");
	assert_int_equal(facts_error_count(on), 0);
	assert_int_equal(facts_error_count(off), 0);
	facts_free(on);
	facts_free(off);
	plist_free(yes);
	plist_free(no);
}

/* What a real phone answers a dump of com.apple.fmip (libimobiledevice issue #275) is no
 * answer to "is Find My on": unknown, never "off". */
static void empty_fmip_dump_is_unknown_not_off(void **state)
{
	plist_t dump = plist_new_dict();
	struct facts *f = fresh(), *none = fresh();

	(void)state;
	iosp_parse_find_my(dump, f);
	assert_fact_string(f, "locks.find_my", "unknown");
	assert_true(has_error(f, "locks.find_my", "is a dictionary, not a boolean"));
	iosp_parse_find_my(NULL, none);
	assert_fact_string(none, "locks.find_my", "unknown");
	assert_true(has_error(none, "locks.find_my",
			      "gave no IsAssociated in com.apple.fmip: check Find My in Settings"));
	facts_free(f);
	facts_free(none);
	plist_free(dump);
}

static void supervision_and_setup_are_read_by_key(void **state)
{
	plist_t yes = plist_new_bool(1), no = plist_new_bool(0), word = plist_new_string("true");
	struct facts *f = fresh(), *g = fresh();
	json_t *locks;

	(void)state;
	iosp_parse_supervised(yes, f);
	iosp_parse_setup_done(no, f);
	locks = json_object_get(facts_json(f), "locks");
	assert_true(json_is_true(json_object_get(locks, "supervised")));
	assert_true(json_is_false(json_object_get(locks, "setup_done")));
	assert_int_equal(facts_error_count(f), 0);
	/* No answer, or not a boolean: null, with the reason. */
	iosp_parse_supervised(NULL, g);
	iosp_parse_setup_done(word, g);
	assert_fact_null(g, "locks.supervised");
	assert_fact_null(g, "locks.setup_done");
	assert_true(has_error(g, "locks.supervised",
			      "no DeviceIsChaperoned in com.apple.mobile.chaperone"));
	assert_true(
	    has_error(g, "locks.setup_done", "SetupDone in com.apple.purplebuddy is a string"));
	facts_free(f);
	facts_free(g);
	plist_free(yes);
	plist_free(no);
	plist_free(word);
}

/* The root domain as a phone dumps it has only the front colour; the enclosure colour
 * comes when asked by key (libimobiledevice issue #329). */
static void enclosure_colour_asked_by_key_replaces_the_front_colour(void **state)
{
	plist_t r = full_root(), back = plist_new_string("#e4c1b9");
	struct facts *f = fresh(), *g = fresh();

	(void)state;
	plist_dict_remove_item(r, "DeviceEnclosureColor");
	iosp_parse_root(r, f);
	assert_fact_string(f, "identity.color", "1");
	iosp_parse_enclosure_color(back, f);
	assert_fact_string(f, "identity.color", "#e4c1b9");
	/* A phone that does not answer keeps its front colour, without an error. */
	iosp_parse_root(r, g);
	iosp_parse_enclosure_color(NULL, g);
	assert_fact_string(g, "identity.color", "1");
	assert_int_equal(facts_error_count(g), 0);
	facts_free(f);
	facts_free(g);
	plist_free(r);
	plist_free(back);
}

/* ---- device class and hardware ---- */

#define assert_fact_bool(f, path, want)                                                            \
	assert_true(json_is_boolean(facts_json_at(facts_json(f), (path))) &&                       \
		    json_is_true(facts_json_at(facts_json(f), (path))) == (want))

static void wifi_ipad_is_a_tablet_without_radio_gps_or_imei(void **state)
{
	plist_t root = load("presession_ipad9-wifi_ipados16.3.1.plist");
	struct facts *f = fresh();

	(void)state;
	iosp_parse_root(root, f);
	assert_fact_string(f, "identity.marketing_name", "iPad (9th generation)");
	assert_fact_string(f, "os.name", "iPadOS");
	assert_fact_string(f, "device.class", "tablet");
	assert_fact_bool(f, "device.cellular", 0);
	assert_fact_null(f, "identity.imei");
	assert_true(has_error(f, "identity.imei", "no mobile radio"));
	assert_fact_bool(f, "device.gps", 0); /* only the Wi-Fi + Cellular model has GPS */
	assert_fact_bool(f, "device.nfc", 0);
	assert_fact_bool(f, "device.headphone_jack", 1);
	assert_fact_bool(f, "device.wireless_charging", 0);
	assert_fact_bool(f, "device.sd_card", 0);
	assert_serializes(f);
	facts_free(f);
	plist_free(root);
}

/* A cellular iPad makes no calls and may say TelephonyCapability false; its IMEI and
 * modem still make it cellular, and cellular iPads have GPS. */
static void cellular_ipad_has_radio_and_gps(void **state)
{
	plist_t r = plist_new_dict();
	struct facts *f = fresh();

	(void)state;
	set_str(r, "DeviceClass", "iPad");
	set_str(r, "ProductType", "iPad12,2");
	set_str(r, "ProductVersion", "17.5.1");
	set_bool(r, "TelephonyCapability", 0);
	set_str(r, "InternationalMobileEquipmentIdentity", "356789101234563");
	iosp_parse_root(r, f);
	assert_fact_string(f, "device.class", "tablet");
	assert_fact_bool(f, "device.cellular", 1);
	assert_fact_bool(f, "device.gps", 1);
	assert_true(facts_known(f, "identity.imei"));
	plist_dict_remove_item(r, "InternationalMobileEquipmentIdentity");
	set_str(r, "BasebandVersion", "3.02.01");
	iosp_parse_root(r, f);
	assert_fact_bool(f, "device.cellular", 1);
	facts_free(f);
	plist_free(r);
}

static void iphone_8_is_a_phone_with_nfc_and_qi_but_no_jack(void **state)
{
	plist_t root = load("root_iphone8_ios15.6.1_tail.plist");
	struct facts *f = fresh();

	(void)state;
	iosp_parse_root(root, f); /* no DeviceClass in this tail: ProductType iPhone10,4 */
	assert_fact_string(f, "device.class", "phone");
	assert_fact_bool(f, "device.cellular", 1); /* TelephonyCapability true */
	assert_fact_bool(f, "device.nfc", 1);
	assert_fact_bool(f, "device.gps", 1);
	assert_fact_bool(f, "device.headphone_jack", 0);
	assert_fact_bool(f, "device.wireless_charging", 1);
	assert_fact_bool(f, "device.sd_card", 0);
	facts_free(f);
	plist_free(root);
}

static void ipod_touch_is_neither_phone_nor_tablet(void **state)
{
	plist_t r = plist_new_dict();
	struct facts *f = fresh();

	(void)state;
	set_str(r, "DeviceClass", "iPod");
	set_str(r, "ProductType", "iPod9,1");
	set_str(r, "ProductVersion", "15.8");
	set_bool(r, "TelephonyCapability", 0);
	iosp_parse_root(r, f);
	assert_fact_null(f, "device.class");
	assert_true(has_error(f, "device.class", "neither a phone nor a tablet"));
	assert_fact_bool(f, "device.cellular", 0);
	assert_fact_bool(f, "device.gps", 0);
	assert_fact_bool(f, "device.headphone_jack", 1);
	facts_free(f);
	plist_free(r);
}

static void unknown_model_has_no_features_and_says_why_once(void **state)
{
	plist_t r = full_root();
	struct facts *f = fresh();

	(void)state;
	set_str(r, "ProductType", "iPhone99,9");
	iosp_parse_root(r, f);
	iosp_parse_root(r, f);
	assert_fact_string(f, "device.class", "phone");
	assert_fact_null(f, "device.nfc");
	assert_fact_null(f, "device.gps");
	assert_fact_null(f, "device.headphone_jack");
	assert_fact_null(f, "device.wireless_charging");
	assert_fact_bool(f, "device.sd_card", 0); /* no Apple device has a card slot */
	assert_true(has_error(f, "device", "iPhone99,9 is not in data/ios-models.tsv"));
	/* Read twice (before and after trust), said once. */
	{
		json_t *errors = json_object_get(facts_json(f), "errors"), *e;
		size_t i, n = 0;

		json_array_foreach (errors, i, e)
			n += strcmp(json_string_value(json_object_get(e, "fact")), "device") == 0;
		assert_int_equal(n, 1);
	}
	facts_free(f);
	plist_free(r);
}

static void phone_that_states_no_radio_sign_has_unknown_cellular(void **state)
{
	plist_t r = full_root();
	struct facts *f = fresh();

	(void)state;
	plist_dict_remove_item(r, "TelephonyCapability");
	plist_dict_remove_item(r, "BasebandVersion");
	plist_dict_remove_item(r, "InternationalMobileEquipmentIdentity");
	plist_dict_remove_item(r, "InternationalMobileEquipmentIdentity2");
	iosp_parse_root(r, f);
	assert_fact_null(f, "device.cellular");
	assert_true(has_error(f, "device.cellular", "not known"));
	facts_free(f);
	plist_free(r);
}

static void wrong_typed_telephony_does_not_outweigh_an_imei(void **state)
{
	plist_t r = full_root();
	struct facts *f = fresh(), *g = fresh();

	(void)state;
	set_str(r, "TelephonyCapability", "true");
	iosp_parse_root(r, f);
	assert_fact_bool(f, "device.cellular", 1);
	assert_false(has_error(f, "device.cellular", "TelephonyCapability"));
	plist_dict_remove_item(r, "BasebandVersion");
	plist_dict_remove_item(r, "InternationalMobileEquipmentIdentity");
	plist_dict_remove_item(r, "InternationalMobileEquipmentIdentity2");
	iosp_parse_root(r, g);
	assert_fact_null(g, "device.cellular");
	assert_true(
	    has_error(g, "device.cellular", "TelephonyCapability in the root domain is a string"));
	facts_free(f);
	facts_free(g);
	plist_free(r);
}

/* Before trust the iPad's radio is not known, so neither is its GPS; the session's root
 * domain then settles it and the earlier reason goes. */
static void ipad_gps_waits_for_the_session(void **state)
{
	plist_t pre = plist_new_dict(), root = load("presession_ipad9-wifi_ipados16.3.1.plist");
	struct facts *f = fresh();

	(void)state;
	set_str(pre, "ProductType", "iPad12,1");
	set_str(pre, "ProductVersion", "16.3.1");
	set_str(pre, "DeviceClass", "iPad");
	iosp_parse_preauth(pre, f);
	assert_fact_string(f, "device.class", "tablet");
	assert_fact_null(f, "device.gps");
	assert_true(has_error(f, "device.gps", "only the Wi-Fi + Cellular iPad (9th generation)"));
	assert_fact_bool(f, "device.headphone_jack", 1);
	iosp_parse_root(root, f);
	assert_fact_bool(f, "device.gps", 0);
	assert_false(has_error(f, "device.gps", "Wi-Fi + Cellular"));
	facts_free(f);
	plist_free(pre);
	plist_free(root);
}

/* ---- IORegistry battery entry ---- */

static void iphone_14_pro_health_comes_from_battery_data(void **state)
{
	plist_t reply = load("ioreg_smartbattery_iphone14pro_ios26.plist");
	struct facts *f = fresh();

	(void)state;
	iosp_parse_ioregistry_entry(reply, "AppleSmartBattery", f);
	assert_true(facts_get_real(f, "battery.health_pct", -1) == 86.8);
	assert_int_equal(facts_get_int(f, "battery.design_mah", -1), 3544);
	assert_int_equal(facts_get_int(f, "battery.full_charge_mah", -1), 3075);
	assert_int_equal(facts_get_int(f, "battery.cycle_count", -1), 950);
	assert_int_equal(facts_get_int(f, "battery.level_pct", -1), 12);
	assert_true(
	    json_is_false(json_object_get(json_object_get(facts_json(f), "battery"), "charging")));
	assert_fact_string(f, "battery.source",
			   "IORegistry AppleSmartBattery: BatteryData.NominalChargeCapacity / "
			   "BatteryData.DesignCapacity, CycleCount");
	/* iOS 26 sends no Temperature. */
	assert_fact_null(f, "battery.temperature_c");
	assert_true(has_error(f, "battery.temperature_c", "no Temperature"));
	assert_serializes(f);
	facts_free(f);
	plist_free(reply);
}

static void old_iphone_armpmu_charger_gives_health(void **state)
{
	plist_t reply = load("ioreg_armpmucharger_iphone6s.plist");
	struct facts *f = fresh();

	(void)state;
	iosp_parse_ioregistry_entry(reply, "AppleARMPMUCharger", f);
	/* 1146 / 1690: the nominal capacity, not AppleRawMaxCapacity (830). */
	assert_true(facts_get_real(f, "battery.health_pct", -1) == 67.8);
	assert_int_equal(facts_get_int(f, "battery.full_charge_mah", -1), 1146);
	assert_int_equal(facts_get_int(f, "battery.cycle_count", -1), 1462);
	assert_int_equal(facts_get_int(f, "battery.level_pct", -1), 100);
	assert_fact_string(f, "battery.source",
			   "IORegistry AppleARMPMUCharger: NominalChargeCapacity / DesignCapacity, "
			   "CycleCount");
	facts_free(f);
	plist_free(reply);
}

static void ios9_power_source_uses_raw_max_capacity_in_mah(void **state)
{
	plist_t entry = load("ioreg_d1815pmu_iphone_ios7-9.plist");
	struct facts *f = fresh();

	(void)state;
	iosp_parse_ioregistry(entry, f);
	/* No NominalChargeCapacity on this generation: 1275 / 1420. */
	assert_true(facts_get_real(f, "battery.health_pct", -1) == 89.8);
	assert_int_equal(facts_get_int(f, "battery.full_charge_mah", -1), 1275);
	assert_int_equal(facts_get_int(f, "battery.design_mah", -1), 1420);
	assert_int_equal(facts_get_int(f, "battery.cycle_count", -1), 524);
	assert_true(facts_get_real(f, "battery.temperature_c", -100) == 25.9);
	/* MaxCapacity is in mAh here: 1275 of 1275 is a full charge. */
	assert_int_equal(facts_get_int(f, "battery.level_pct", -1), 100);
	assert_fact_string(f, "battery.source",
			   "IORegistry AppleD1815PMUPowerSource: AppleRawMaxCapacity / "
			   "DesignCapacity, CycleCount, Temperature");
	assert_int_equal(facts_error_count(f), 0);
	facts_free(f);
	plist_free(entry);
}

static void whole_relay_reply_and_bare_entry_read_the_same(void **state)
{
	plist_t entry = load("ioreg_d1815pmu_iphone_ios7-9.plist");
	plist_t reply = plist_new_dict(), diag = plist_new_dict();
	struct facts *a = fresh(), *b = fresh();
	char *ja, *jb;

	(void)state;
	plist_dict_set_item(diag, "IORegistry", plist_copy(entry));
	plist_dict_set_item(reply, "Diagnostics", diag);
	set_str(reply, "Status", "Success");
	iosp_parse_ioregistry(entry, a);
	iosp_parse_ioregistry(reply, b);
	ja = json_dumps(facts_json(a), JSON_SORT_KEYS);
	jb = json_dumps(facts_json(b), JSON_SORT_KEYS);
	assert_non_null(ja);
	assert_non_null(jb);
	assert_string_equal(ja, jb);
	free(ja);
	free(jb);
	facts_free(a);
	facts_free(b);
	plist_free(entry);
	plist_free(reply);
}

static void entry_missing_on_this_model_gives_no_battery_facts(void **state)
{
	plist_t reply = load("ioreg_unknown_entry_iphone8.plist");
	struct facts *f = fresh();

	(void)state;
	iosp_parse_ioregistry_entry(reply, "AppleARMPMUCharger", f);
	assert_fact_null(f, "battery.health_pct");
	assert_fact_null(f, "battery.source");
	assert_true(has_error(f, "battery", "AppleARMPMUCharger is empty"));
	/* The prober can tell, and try the next entry name. */
	assert_false(iosp_ioregistry_has_entry(reply));
	facts_free(f);
	plist_free(reply);
}

static void prober_can_tell_a_reply_holds_an_entry(void **state)
{
	plist_t entry = load("ioreg_d1815pmu_iphone_ios7-9.plist");
	plist_t printed = load("ioreg_smartbattery_iphone14pro_ios26.plist");
	plist_t reply = plist_new_dict(), diag = plist_new_dict();

	(void)state;
	plist_dict_set_item(diag, "IORegistry", plist_copy(entry));
	plist_dict_set_item(reply, "Diagnostics", diag);
	assert_true(iosp_ioregistry_has_entry(entry));
	assert_true(iosp_ioregistry_has_entry(printed));
	assert_true(iosp_ioregistry_has_entry(reply));
	plist_dict_set_item(diag, "IORegistry", plist_new_string("x"));
	assert_false(iosp_ioregistry_has_entry(reply));
	assert_false(iosp_ioregistry_has_entry(NULL));
	plist_free(entry);
	plist_free(printed);
	plist_free(reply);
}

static void failed_relay_status_is_an_error(void **state)
{
	plist_t reply = plist_new_dict();
	struct facts *f = fresh();

	(void)state;
	set_str(reply, "Status", "Failure");
	iosp_parse_ioregistry(reply, f);
	assert_true(has_error(f, "battery", "Status Failure"));
	assert_fact_null(f, "battery.design_mah");
	facts_free(f);
	plist_free(reply);
}

/* An entry with the keys of a recent AppleSmartBattery; values chosen per test. */
static plist_t smart_battery(void)
{
	plist_t e = plist_new_dict();

	set_uint(e, "DesignCapacity", 3279);
	set_uint(e, "NominalChargeCapacity", 2850);
	set_uint(e, "AppleRawMaxCapacity", 2900);
	set_uint(e, "MaxCapacity", 100);
	set_uint(e, "CurrentCapacity", 64);
	set_uint(e, "CycleCount", 312);
	set_uint(e, "Temperature", 2850);
	set_bool(e, "IsCharging", 1);
	set_uint(e, "InstantAmperage", 18446744073709551000ULL); /* -616 mA, unused */
	return e;
}

static void temperature_in_hundredths_becomes_degrees(void **state)
{
	plist_t e = smart_battery();
	struct facts *f = fresh();

	(void)state;
	iosp_parse_ioregistry(e, f);
	assert_true(facts_get_real(f, "battery.temperature_c", -100) == 28.5);
	facts_free(f);
	/* Below freezing the registry holds the two's complement: -150 is -1.5 °C. */
	set_uint(e, "Temperature", (uint64_t)(int64_t)-150);
	f = fresh();
	iosp_parse_ioregistry(e, f);
	assert_true(facts_get_real(f, "battery.temperature_c", -100) == -1.5);
	facts_free(f);
	/* 65535 hundredths is no temperature: null, with the reason. */
	set_uint(e, "Temperature", 65535);
	f = fresh();
	iosp_parse_ioregistry(e, f);
	assert_fact_null(f, "battery.temperature_c");
	assert_true(has_error(f, "battery.temperature_c", "plausible"));
	facts_free(f);
	plist_free(e);
}

static void charge_level_is_current_capacity_when_max_is_100(void **state)
{
	plist_t e = smart_battery();
	struct facts *f = fresh();

	(void)state;
	iosp_parse_ioregistry(e, f);
	assert_int_equal(facts_get_int(f, "battery.level_pct", -1), 64);
	facts_free(f);
	/* Older gauges give both in mAh: 1000 of 1500 is 67 %. */
	set_uint(e, "CurrentCapacity", 1000);
	set_uint(e, "MaxCapacity", 1500);
	f = fresh();
	iosp_parse_ioregistry(e, f);
	assert_int_equal(facts_get_int(f, "battery.level_pct", -1), 67);
	facts_free(f);
	plist_free(e);
}

static void max_capacity_percent_is_not_taken_as_mah(void **state)
{
	plist_t e = smart_battery();
	struct facts *f = fresh();

	(void)state;
	plist_dict_remove_item(e, "NominalChargeCapacity");
	plist_dict_remove_item(e, "AppleRawMaxCapacity");
	iosp_parse_ioregistry(e, f); /* MaxCapacity 100 is a percentage */
	assert_fact_null(f, "battery.health_pct");
	assert_fact_null(f, "battery.full_charge_mah");
	assert_true(has_error(f, "battery.health_pct", "no full-charge capacity"));
	assert_int_equal(facts_get_int(f, "battery.design_mah", -1), 3279);
	facts_free(f);
	plist_free(e);
}

static void design_capacity_zero_gives_null_health_with_reason(void **state)
{
	plist_t e = smart_battery();
	struct facts *f = fresh();

	(void)state;
	set_uint(e, "DesignCapacity", 0);
	iosp_parse_ioregistry(e, f);
	assert_fact_null(f, "battery.health_pct");
	assert_fact_null(f, "battery.design_mah");
	assert_true(has_error(f, "battery.health_pct", "DesignCapacity is 0 or missing"));
	/* What could be read still is. */
	assert_int_equal(facts_get_int(f, "battery.full_charge_mah", -1), 2850);
	assert_int_equal(facts_get_int(f, "battery.cycle_count", -1), 312);
	facts_free(f);
	plist_dict_remove_item(e, "DesignCapacity");
	f = fresh();
	iosp_parse_ioregistry(e, f);
	assert_true(has_error(f, "battery.health_pct", "DesignCapacity is 0 or missing"));
	assert_true(has_error(f, "battery.design_mah", "no DesignCapacity"));
	facts_free(f);
	plist_free(e);
}

static void named_entry_and_keys_make_the_source(void **state)
{
	plist_t e = smart_battery();
	struct facts *f = fresh();

	(void)state;
	iosp_parse_ioregistry_entry(e, "AppleSmartBattery", f);
	assert_fact_string(f, "battery.source",
			   "IORegistry AppleSmartBattery: NominalChargeCapacity / DesignCapacity, "
			   "CycleCount, Temperature");
	assert_true(facts_get_real(f, "battery.health_pct", -1) == 86.9); /* 2850/3279 */
	facts_free(f);
	plist_free(e);
}

/* ---- the health computation alone ---- */

static struct iosp_battery_numbers numbers(int64_t design, int64_t nominal, int64_t raw,
					   int64_t max)
{
	struct iosp_battery_numbers n = { 0 };

	n.design_mah = design;
	n.have_design = design >= 0;
	n.nominal_mah = nominal;
	n.have_nominal = nominal >= 0;
	n.raw_max_mah = raw;
	n.have_raw_max = raw >= 0;
	n.max_capacity = max;
	n.have_max = max >= 0;
	return n;
}

#define ABSENT_NUM (-1)

static void health_uses_nominal_charge_capacity_first(void **state)
{
	struct iosp_battery_numbers n = numbers(3000, 2700, 2400, 2100);
	const char *which = NULL;
	int64_t full = 0;
	double pct = 0;

	(void)state;
	assert_int_equal(iosp_health_pct(&n, &pct, &full, &which), 1);
	assert_true(pct == 90.0);
	assert_int_equal(full, 2700);
	assert_string_equal(which, "NominalChargeCapacity");
}

static void health_falls_back_to_raw_max_then_max_in_mah(void **state)
{
	struct iosp_battery_numbers n = numbers(3000, ABSENT_NUM, 2400, 2100);
	const char *which = NULL;
	int64_t full = 0;
	double pct = 0;

	(void)state;
	assert_int_equal(iosp_health_pct(&n, &pct, &full, &which), 1);
	assert_string_equal(which, "AppleRawMaxCapacity");
	assert_true(pct == 80.0);
	n = numbers(3000, ABSENT_NUM, ABSENT_NUM, 2100);
	assert_int_equal(iosp_health_pct(&n, &pct, &full, &which), 1);
	assert_string_equal(which, "MaxCapacity");
	assert_true(pct == 70.0);
	assert_int_equal(full, 2100);
	/* A nominal capacity of 0 does not count: the next key does. */
	n = numbers(3000, 0, 2400, 100);
	assert_int_equal(iosp_health_pct(&n, &pct, &full, &which), 1);
	assert_string_equal(which, "AppleRawMaxCapacity");
}

static void health_refuses_max_capacity_that_is_a_percentage(void **state)
{
	struct iosp_battery_numbers n = numbers(3000, ABSENT_NUM, ABSENT_NUM, 100);
	const char *which = "untouched";
	int64_t full = -7;
	double pct = -7;

	(void)state;
	assert_int_equal(iosp_health_pct(&n, &pct, &full, &which), 0);
	n.max_capacity = IOSP_MAX_CAPACITY_PCT_LIMIT;
	assert_int_equal(iosp_health_pct(&n, &pct, &full, &which), 0);
	n.max_capacity = IOSP_MAX_CAPACITY_PCT_LIMIT + 1;
	assert_int_equal(iosp_health_pct(&n, &pct, &full, &which), 1);
	n = numbers(3000, ABSENT_NUM, ABSENT_NUM, ABSENT_NUM);
	which = "untouched";
	assert_int_equal(iosp_health_pct(&n, &pct, &full, &which), 0);
	assert_string_equal(which, "untouched");
}

static void health_rounds_half_up_to_one_decimal(void **state)
{
	struct iosp_battery_numbers n = numbers(2300, 2000, ABSENT_NUM, ABSENT_NUM);
	const char *which;
	int64_t full;
	double pct = 0;

	(void)state;
	assert_int_equal(iosp_health_pct(&n, &pct, &full, &which), 1);
	assert_true(pct == 87.0); /* 86.96 */
	n = numbers(2000, 1739, ABSENT_NUM, ABSENT_NUM);
	assert_int_equal(iosp_health_pct(&n, &pct, &full, &which), 1);
	assert_true(pct == 87.0); /* 86.95 exactly: half up */
	n = numbers(2000, 1737, ABSENT_NUM, ABSENT_NUM);
	assert_int_equal(iosp_health_pct(&n, &pct, &full, &which), 1);
	assert_true(pct == 86.9); /* 86.85: half up */
	n = numbers(3000, 2998, ABSENT_NUM, ABSENT_NUM);
	assert_int_equal(iosp_health_pct(&n, &pct, &full, &which), 1);
	assert_true(pct == 99.9); /* 99.933 */
}

static void health_above_100_is_reported_as_is(void **state)
{
	struct iosp_battery_numbers n = numbers(1980, 2000, ABSENT_NUM, ABSENT_NUM);
	const char *which;
	int64_t full;
	double pct = 0;

	(void)state;
	assert_int_equal(iosp_health_pct(&n, &pct, &full, &which), 1);
	assert_true(pct == 101.0);
}

static void health_needs_a_plausible_design_capacity(void **state)
{
	static const int64_t bad[] = { ABSENT_NUM, 0, -3000, IOSP_MAH_MAX + 1 };
	const char *which;
	int64_t full;
	double pct;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct iosp_battery_numbers n = numbers(3000, 2700, 2400, 2100);

		n.design_mah = bad[i];
		n.have_design = bad[i] != ABSENT_NUM;
		assert_int_equal(iosp_health_pct(&n, &pct, &full, &which), 0);
	}
}

static void health_ignores_implausible_full_capacities(void **state)
{
	struct iosp_battery_numbers n = numbers(3000, IOSP_MAH_MAX + 1, -5, 2100);
	const char *which;
	int64_t full;
	double pct;

	(void)state;
	n.have_raw_max = 1; /* present but negative */
	assert_int_equal(iosp_health_pct(&n, &pct, &full, &which), 1);
	assert_string_equal(which, "MaxCapacity");
	/* The largest plausible values do not overflow. */
	n = numbers(IOSP_MAH_MAX, IOSP_MAH_MAX, ABSENT_NUM, ABSENT_NUM);
	assert_int_equal(iosp_health_pct(&n, &pct, &full, &which), 1);
	assert_true(pct == 100.0);
}

/* ---- robustness ---- */

static void wrong_type_values_are_errors_not_crashes(void **state)
{
	plist_t r = full_root(), e = smart_battery(), d = plist_new_dict();
	struct facts *f = fresh();

	(void)state;
	plist_dict_set_item(r, "ProductType", plist_new_uint(13));
	plist_dict_set_item(r, "SerialNumber", plist_new_bool(1));
	set_str(r, "UniqueChipID", "0x1D2CD90128002E");
	set_str(r, "PasswordProtected", "true");
	plist_dict_set_item(r, "InternationalMobileEquipmentIdentity", plist_new_array());
	iosp_parse_root(r, f);
	assert_fact_null(f, "identity.model_id");
	assert_true(has_error(f, "identity.model_id",
			      "ProductType in the root domain is an "
			      "integer, not a string"));
	assert_fact_null(f, "identity.serial");
	assert_true(has_error(f, "identity.serial", "is a boolean"));
	assert_fact_null(f, "identity.ecid");
	assert_true(has_error(f, "identity.ecid", "is a string, not an integer"));
	assert_fact_null(f, "locks.passcode");
	assert_true(has_error(f, "locks.passcode", "not a boolean"));
	/* The IMEI of the second slot is still read. */
	assert_true(facts_known(f, "identity.imei"));
	assert_true(has_error(f, "identity.imei", "is an array"));
	/* What had the right type still reads. */
	assert_fact_string(f, "identity.udid", "00008101-001D2CD90128002E");

	set_str(e, "DesignCapacity", "3279");
	plist_dict_set_item(e, "CycleCount", plist_new_real(312.0));
	plist_dict_set_item(e, "BatteryData", plist_new_string("none"));
	iosp_parse_ioregistry(e, f);
	assert_fact_null(f, "battery.health_pct");
	assert_true(has_error(f, "battery.design_mah", "is a string"));
	assert_true(has_error(f, "battery.cycle_count", "is a real"));
	assert_true(has_error(f, "battery", "BatteryData in the IORegistry entry is a string"));

	set_str(d, "TotalDiskCapacity", "64 GB");
	set_uint(d, "AmountDataAvailable", UINT64_MAX);
	iosp_parse_disk_usage(d, f);
	assert_fact_null(f, "storage.total_bytes");
	assert_fact_null(f, "storage.free_bytes");
	assert_true(has_error(f, "storage.free_bytes", "out of range"));
	assert_serializes(f);
	facts_free(f);
	plist_free(r);
	plist_free(e);
	plist_free(d);
}

static void non_dictionary_replies_set_nothing(void **state)
{
	void (*const parsers[])(plist_t, struct facts *) = {
		iosp_parse_root,	   iosp_parse_preauth,	  iosp_parse_disk_usage,
		iosp_parse_battery_domain, iosp_parse_ioregistry,
	};
	plist_t not_dicts[] = { NULL, plist_new_array(), plist_new_string("Success"),
				plist_new_uint(1) };

	(void)state;
	for (size_t i = 0; i < sizeof(parsers) / sizeof(parsers[0]); i++) {
		for (size_t j = 0; j < sizeof(not_dicts) / sizeof(not_dicts[0]); j++) {
			struct facts *f = fresh();
			struct facts *empty = fresh();
			char *got, *want;

			parsers[i](not_dicts[j], f);
			assert_int_equal(facts_error_count(f), 1);
			/* Apart from the error, the set is as new. */
			got = dump_without_errors(f);
			want = dump_without_errors(empty);
			assert_string_equal(got, want);
			free(got);
			free(want);
			facts_free(f);
			facts_free(empty);
		}
	}
	for (size_t j = 1; j < sizeof(not_dicts) / sizeof(not_dicts[0]); j++)
		plist_free(not_dicts[j]);
}

/* A value asked by key that is missing or of the wrong type: one error, nothing set but
 * the "unknown" of Find My. */
static void wrong_keyed_answers_set_nothing(void **state)
{
	void (*const parsers[])(plist_t, struct facts *) = {
		iosp_parse_find_my,
		iosp_parse_supervised,
		iosp_parse_setup_done,
		iosp_parse_enclosure_color,
	};
	plist_t wrong[] = { NULL, plist_new_dict(), plist_new_array(), plist_new_uint(1) };

	(void)state;
	for (size_t i = 0; i < sizeof(parsers) / sizeof(parsers[0]); i++) {
		for (size_t j = 0; j < sizeof(wrong) / sizeof(wrong[0]); j++) {
			struct facts *f = fresh();
			struct facts *want = fresh();
			char *a, *b;

			parsers[i](wrong[j], f);
			assert_int_equal(facts_error_count(f), 1);
			if (parsers[i] == iosp_parse_find_my)
				facts_set_string(want, "locks.find_my", "unknown");
			a = dump_without_errors(f);
			b = dump_without_errors(want);
			assert_string_equal(a, b);
			free(a);
			free(b);
			facts_free(f);
			facts_free(want);
		}
	}
	for (size_t j = 1; j < sizeof(wrong) / sizeof(wrong[0]); j++)
		plist_free(wrong[j]);
}

static void nested_reply_of_the_wrong_shape_is_an_error(void **state)
{
	plist_t reply = plist_new_dict(), diag = plist_new_dict();
	struct facts *f = fresh();

	(void)state;
	plist_dict_set_item(diag, "IORegistry", plist_new_array());
	plist_dict_set_item(reply, "Diagnostics", diag);
	iosp_parse_ioregistry(reply, f);
	assert_true(has_error(f, "battery", "IORegistry in the diagnostics reply is an array"));
	facts_free(f);
	f = fresh();
	plist_dict_remove_item(diag, "IORegistry");
	iosp_parse_ioregistry(reply, f);
	assert_true(has_error(f, "battery", "no IORegistry"));
	facts_free(f);
	plist_free(reply);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(iphone_8_reads_as_iphone_8_on_ios_15),
		cmocka_unit_test(unlocked_phone_does_not_claim_there_is_no_passcode),
		cmocka_unit_test(iphone_xs_head_gives_build_activation_and_colour),
		cmocka_unit_test(ipod_touch_first_generation_has_no_marketing_name),
		cmocka_unit_test(unpaired_ipod_answers_only_its_class),
		cmocka_unit_test(unpaired_iphone_shows_model_name_and_version),
		cmocka_unit_test(full_root_domain_fills_every_identity_fact),
		cmocka_unit_test(reading_twice_does_not_double_the_imeis),
		cmocka_unit_test(model_number_without_region_keeps_the_number_and_says_why),
		cmocka_unit_test(ipad_runs_ipados_from_13_and_ios_before),
		cmocka_unit_test(ipad_without_version_has_no_os_name),
		cmocka_unit_test(apple_watch_is_not_named_ios),
		cmocka_unit_test(storage_total_is_the_size_on_the_box),
		cmocka_unit_test(ios3_disk_usage_reads_a_16_gb_device),
		cmocka_unit_test(free_space_falls_back_to_total_data_available),
		cmocka_unit_test(battery_domain_gives_level_and_charging),
		cmocka_unit_test(charge_level_above_100_is_refused),
		cmocka_unit_test(find_my_asked_by_key_reads_on_and_off),
		cmocka_unit_test(empty_fmip_dump_is_unknown_not_off),
		cmocka_unit_test(supervision_and_setup_are_read_by_key),
		cmocka_unit_test(enclosure_colour_asked_by_key_replaces_the_front_colour),
		cmocka_unit_test(wifi_ipad_is_a_tablet_without_radio_gps_or_imei),
		cmocka_unit_test(cellular_ipad_has_radio_and_gps),
		cmocka_unit_test(iphone_8_is_a_phone_with_nfc_and_qi_but_no_jack),
		cmocka_unit_test(ipod_touch_is_neither_phone_nor_tablet),
		cmocka_unit_test(unknown_model_has_no_features_and_says_why_once),
		cmocka_unit_test(phone_that_states_no_radio_sign_has_unknown_cellular),
		cmocka_unit_test(wrong_typed_telephony_does_not_outweigh_an_imei),
		cmocka_unit_test(ipad_gps_waits_for_the_session),
		cmocka_unit_test(iphone_14_pro_health_comes_from_battery_data),
		cmocka_unit_test(old_iphone_armpmu_charger_gives_health),
		cmocka_unit_test(ios9_power_source_uses_raw_max_capacity_in_mah),
		cmocka_unit_test(whole_relay_reply_and_bare_entry_read_the_same),
		cmocka_unit_test(entry_missing_on_this_model_gives_no_battery_facts),
		cmocka_unit_test(prober_can_tell_a_reply_holds_an_entry),
		cmocka_unit_test(failed_relay_status_is_an_error),
		cmocka_unit_test(temperature_in_hundredths_becomes_degrees),
		cmocka_unit_test(charge_level_is_current_capacity_when_max_is_100),
		cmocka_unit_test(max_capacity_percent_is_not_taken_as_mah),
		cmocka_unit_test(design_capacity_zero_gives_null_health_with_reason),
		cmocka_unit_test(named_entry_and_keys_make_the_source),
		cmocka_unit_test(health_uses_nominal_charge_capacity_first),
		cmocka_unit_test(health_falls_back_to_raw_max_then_max_in_mah),
		cmocka_unit_test(health_refuses_max_capacity_that_is_a_percentage),
		cmocka_unit_test(health_rounds_half_up_to_one_decimal),
		cmocka_unit_test(health_above_100_is_reported_as_is),
		cmocka_unit_test(health_needs_a_plausible_design_capacity),
		cmocka_unit_test(health_ignores_implausible_full_capacities),
		cmocka_unit_test(wrong_type_values_are_errors_not_crashes),
		cmocka_unit_test(non_dictionary_replies_set_nothing),
		cmocka_unit_test(wrong_keyed_answers_set_nothing),
		cmocka_unit_test(nested_reply_of_the_wrong_shape_is_an_error),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
