/*
 * ios_parse — facts from the plists an iOS device answers (see ios_parse.h).
 *
 * Every read goes through the get_* and want_* helpers below: they look a key up in one
 * dictionary, check its type and record under the fact's path why a value could not be
 * used, so the parse functions read as a list of "this key gives that fact".
 */
#include "probe/ios_parse.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "probe/ios_models.h"

#define SOURCE_MAX 256	  /* battery.source text */
#define CYCLES_MAX 100000 /* more charge cycles than any battery lives */

/* One dictionary being read: where it came from, for the error messages. */
struct reader {
	plist_t dict;
	struct facts *f;
	const char *where; /* "the root domain", "com.apple.disk_usage"... */
};

enum presence {
	ABSENT, /* missing or empty: the caller decides whether that is an error */
	PRESENT,
	UNUSABLE, /* wrong type or out of range: already recorded */
};

static const char *type_text(plist_type type)
{
	switch (type) {
	case PLIST_BOOLEAN:
		return "a boolean";
	case PLIST_UINT:
		return "an integer";
	case PLIST_REAL:
		return "a real";
	case PLIST_STRING:
		return "a string";
	case PLIST_ARRAY:
		return "an array";
	case PLIST_DICT:
		return "a dictionary";
	case PLIST_DATE:
		return "a date";
	case PLIST_DATA:
		return "data";
	case PLIST_KEY:
		return "a key";
	case PLIST_UID:
		return "a uid";
	default:
		return "of no known type";
	}
}

static const char *type_name(plist_t node)
{
	return type_text(plist_get_node_type(node));
}

/* True when NODE is a dictionary; otherwise records why under FACT. */
static int is_dict(plist_t node, struct facts *f, const char *fact, const char *what)
{
	if (!node) {
		facts_error(f, fact, "no %s to read", what);
		return 0;
	}
	if (plist_get_node_type(node) != PLIST_DICT) {
		facts_error(f, fact, "%s is %s, not a dictionary", what, type_name(node));
		return 0;
	}
	return 1;
}

/* Type check shared by the readers: the node at KEY, or NULL with *P set. */
static plist_t node_of(const struct reader *r, const char *key, plist_type type, const char *fact,
		       enum presence *p)
{
	plist_t node = plist_dict_get_item(r->dict, key);

	if (!node) {
		*p = ABSENT;
		return NULL;
	}
	if (plist_get_node_type(node) != type) {
		facts_error(r->f, fact, "%s in %s is %s, not %s", key, r->where, type_name(node),
			    type_text(type));
		*p = UNUSABLE;
		return NULL;
	}
	*p = PRESENT;
	return node;
}

/* Why KEY gave nothing: not there, or there but empty. */
static void report_absent(const struct reader *r, const char *key, const char *fact)
{
	if (plist_dict_get_item(r->dict, key))
		facts_error(r->f, fact, "%s in %s is empty", key, r->where);
	else
		facts_error(r->f, fact, "%s not in %s", key, r->where);
}

/* The non-empty string at KEY (borrowed from the plist), or NULL. */
static const char *get_string(const struct reader *r, const char *key, const char *fact,
			      enum presence *p)
{
	plist_t node = node_of(r, key, PLIST_STRING, fact, p);
	const char *s;

	if (!node)
		return NULL;
	s = plist_get_string_ptr(node, NULL);
	if (!s || !*s) {
		*p = ABSENT;
		return NULL;
	}
	return s;
}

/* The string at KEY, or NULL after recording why (a missing key too). */
static const char *want_string(const struct reader *r, const char *key, const char *fact)
{
	enum presence p;
	const char *s = get_string(r, key, fact, &p);

	if (p == ABSENT)
		report_absent(r, key, fact);
	return s;
}

/* Set FACT from the string at KEY. */
static void string_fact(const struct reader *r, const char *key, const char *fact)
{
	const char *s = want_string(r, key, fact);

	if (s)
		facts_set_string(r->f, fact, s);
}

/* The integer at KEY as the device stored it (64 bits, two's complement when signed). */
static enum presence get_uint(const struct reader *r, const char *key, const char *fact,
			      uint64_t *v)
{
	enum presence p;
	plist_t node = node_of(r, key, PLIST_UINT, fact, &p);

	if (node)
		plist_get_uint_val(node, v);
	return p;
}

/* A count or size: the integer at KEY when it fits int64_t (too big is UNUSABLE). */
static enum presence get_count(const struct reader *r, const char *key, const char *fact,
			       int64_t *v)
{
	uint64_t u = 0;
	enum presence p = get_uint(r, key, fact, &u);

	if (p != PRESENT)
		return p;
	if (u > INT64_MAX) {
		facts_error(r->f, fact, "%s in %s is out of range (%" PRIu64 ")", key, r->where, u);
		return UNUSABLE;
	}
	*v = (int64_t)u;
	return PRESENT;
}

/* The same, recording a missing key too; returns 1 when *V was set. */
static int want_count(const struct reader *r, const char *key, const char *fact, int64_t *v)
{
	enum presence p = get_count(r, key, fact, v);

	if (p == ABSENT)
		report_absent(r, key, fact);
	return p == PRESENT;
}

static enum presence get_bool(const struct reader *r, const char *key, const char *fact, int *v)
{
	enum presence p;
	plist_t node = node_of(r, key, PLIST_BOOLEAN, fact, &p);
	uint8_t b = 0;

	if (node) {
		plist_get_bool_val(node, &b);
		*v = b != 0;
	}
	return p;
}

/* Set boolean FACT from KEY, recording why when it cannot. */
static void bool_fact(const struct reader *r, const char *key, const char *fact)
{
	int v = 0;
	enum presence p = get_bool(r, key, fact, &v);

	if (p == PRESENT)
		facts_set_bool(r->f, fact, v);
	else if (p == ABSENT)
		report_absent(r, key, fact);
}

/* ---- identity and system ---- */

enum family { FAMILY_UNKNOWN, FAMILY_IPHONE, FAMILY_IPAD, FAMILY_IPOD };

static enum family family_of(const char *name)
{
	if (!name)
		return FAMILY_UNKNOWN;
	if (strncmp(name, "iPhone", 6) == 0)
		return FAMILY_IPHONE;
	if (strncmp(name, "iPad", 4) == 0)
		return FAMILY_IPAD;
	if (strncmp(name, "iPod", 4) == 0)
		return FAMILY_IPOD;
	return FAMILY_UNKNOWN;
}

/* The major number of VERSION ("17.5.1" -> 17), or -1 when it does not start with one. */
static long major_of(const char *version)
{
	char *end;
	long major;

	if (!version || *version < '0' || *version > '9')
		return -1;
	major = strtol(version, &end, 10);
	if (end == version || (*end != '.' && *end != '\0'))
		return -1;
	return major;
}

/* os.name from the device class (DeviceClass, else ProductType) and the version. */
static void set_os_name(const struct reader *r, const char *model_id, const char *version)
{
	enum presence p;
	const char *klass = get_string(r, "DeviceClass", "os.name", &p);
	enum family fam = family_of(klass ? klass : model_id);
	long major;

	switch (fam) {
	case FAMILY_IPHONE:
	case FAMILY_IPOD:
		facts_set_string(r->f, "os.name", "iOS");
		return;
	case FAMILY_IPAD:
		major = major_of(version);
		if (major < 0) {
			facts_error(
			    r->f, "os.name",
			    "an iPad without a readable ProductVersion: iOS or iPadOS unknown");
			return;
		}
		/* iPadOS is the name from version 13 on. */
		facts_set_string(r->f, "os.name", major >= 13 ? "iPadOS" : "iOS");
		return;
	case FAMILY_UNKNOWN:
		break;
	}
	if (klass || model_id)
		facts_error(r->f, "os.name", "%s is not an iPhone, iPad or iPod",
			    klass ? klass : model_id);
	else
		facts_error(r->f, "os.name", "neither DeviceClass nor ProductType in %s", r->where);
}

/* identity.model_id, identity.marketing_name, os.version, os.name and os.build; returns
 * ProductType (borrowed from the plist) or NULL. */
static const char *parse_model_and_os(const struct reader *r, int build_required)
{
	const char *model_id = want_string(r, "ProductType", "identity.model_id");
	const char *version = want_string(r, "ProductVersion", "os.version");
	const char *name;
	enum presence p;
	const char *build;

	if (model_id) {
		facts_set_string(r->f, "identity.model_id", model_id);
		name = ios_marketing_name(model_id);
		if (name)
			facts_set_string(r->f, "identity.marketing_name", name);
		else
			facts_error(
			    r->f, "identity.marketing_name",
			    "model identifier %s is not in the name table (data/ios-models.tsv)",
			    model_id);
	} else {
		facts_error(r->f, "identity.marketing_name", "no ProductType to look the name up");
	}
	if (version)
		facts_set_string(r->f, "os.version", version);
	set_os_name(r, model_id, version);

	build = get_string(r, "BuildVersion", "os.build", &p);
	if (build)
		facts_set_string(r->f, "os.build", build);
	else if (p == ABSENT && build_required)
		report_absent(r, "BuildVersion", "os.build");
	return model_id;
}

/* identity.model_number: "MGJ93" + "LL/A". */
static void set_model_number(const struct reader *r)
{
	const char *number = want_string(r, "ModelNumber", "identity.model_number");
	const char *region;
	enum presence p;
	char buf[FACTS_STR_MAX];

	if (!number)
		return;
	region = get_string(r, "RegionInfo", "identity.model_number", &p);
	if (!region) {
		if (p == ABSENT)
			facts_error(r->f, "identity.model_number",
				    "RegionInfo not in %s: model number without its region",
				    r->where);
		facts_set_string(r->f, "identity.model_number", number);
		return;
	}
	snprintf(buf, sizeof(buf), "%s%s", number, region);
	facts_set_string(r->f, "identity.model_number", buf);
}

/* identity.imei: one entry per SIM slot; CELLULAR as set_cellular() found it. */
static void set_imeis(const struct reader *r, int cellular)
{
	enum presence p;
	const char *imei =
	    get_string(r, "InternationalMobileEquipmentIdentity", "identity.imei", &p);
	const char *imei2;

	facts_clear(r->f, "identity.imei");
	if (imei)
		facts_append_string(r->f, "identity.imei", imei);
	else if (p == ABSENT && cellular == 0)
		facts_error(r->f, "identity.imei", "none: the device has no mobile radio");
	else if (p == ABSENT)
		report_absent(r, "InternationalMobileEquipmentIdentity", "identity.imei");
	imei2 = get_string(r, "InternationalMobileEquipmentIdentity2", "identity.imei", &p);
	if (imei2)
		facts_append_string(r->f, "identity.imei", imei2);
}

/* identity.ecid: 16 upper-case hex digits (see ios_parse.h). */
static void set_ecid(const struct reader *r)
{
	uint64_t ecid = 0;
	enum presence p = get_uint(r, "UniqueChipID", "identity.ecid", &ecid);
	char buf[24];

	if (p == ABSENT)
		report_absent(r, "UniqueChipID", "identity.ecid");
	if (p != PRESENT)
		return;
	snprintf(buf, sizeof(buf), "%016" PRIX64, ecid);
	facts_set_string(r->f, "identity.ecid", buf);
}

/* identity.color: the enclosure colour when reported, else the front colour. */
static void set_color(const struct reader *r)
{
	enum presence p1, p2 = ABSENT;
	const char *c = get_string(r, "DeviceEnclosureColor", "identity.color", &p1);

	if (!c)
		c = get_string(r, "DeviceColor", "identity.color", &p2);
	if (c)
		facts_set_string(r->f, "identity.color", c);
	else if (p1 == ABSENT && p2 == ABSENT)
		facts_error(r->f, "identity.color",
			    "neither DeviceEnclosureColor nor DeviceColor in %s", r->where);
}

/* locks.passcode: only "true" is conclusive (see ios_parse.h). */
static void set_passcode(const struct reader *r)
{
	int locked = 0;
	enum presence p = get_bool(r, "PasswordProtected", "locks.passcode", &locked);

	if (p == ABSENT)
		report_absent(r, "PasswordProtected", "locks.passcode");
	if (p != PRESENT)
		return;
	if (locked)
		facts_set_bool(r->f, "locks.passcode", 1);
	else
		facts_error(
		    r->f, "locks.passcode",
		    "PasswordProtected is false: the device is unlocked now, which does not "
		    "tell whether a passcode is set");
}

/* ---- device class and hardware ---- */

/*
 * device.class from DeviceClass, else ProductType (both start with the family's name);
 * returns the family. The device.* setters clear their own earlier errors first: the
 * pre-pairing values and then the root domain may both be read into the same facts.
 */
static enum family set_device_class(const struct reader *r, const char *model_id)
{
	enum presence p;
	const char *klass, *from;
	enum family fam;

	facts_error_clear(r->f, "device.class");
	klass = get_string(r, "DeviceClass", "device.class", &p);
	from = klass ? klass : model_id;
	fam = family_of(from);
	switch (fam) {
	case FAMILY_IPHONE:
		facts_set_string(r->f, "device.class", "phone");
		break;
	case FAMILY_IPAD:
		facts_set_string(r->f, "device.class", "tablet");
		break;
	case FAMILY_IPOD:
		facts_error(r->f, "device.class", "an iPod touch is neither a phone nor a tablet");
		break;
	case FAMILY_UNKNOWN:
		if (from)
			facts_error(r->f, "device.class", "%s is not an iPhone, iPad or iPod",
				    from);
		else
			facts_error(r->f, "device.class",
				    "neither DeviceClass nor ProductType in %s", r->where);
		break;
	}
	return fam;
}

/* 1 when KEY holds a non-empty string, 0 when it is missing or empty, -1 when it holds
 * something else. Records nothing: the caller decides whether that matters. */
static int string_there(const struct reader *r, const char *key)
{
	plist_t node = plist_dict_get_item(r->dict, key);
	const char *s;

	if (!node)
		return 0;
	if (plist_get_node_type(node) != PLIST_STRING)
		return -1;
	s = plist_get_string_ptr(node, NULL);
	return s && *s;
}

/*
 * device.cellular (see ios_parse.h). Returns 1 or 0 as set, -1 when it stays null; an
 * error is recorded only then, so that a value of the wrong type among three signs does
 * not stand beside a fact the other signs settled.
 */
static int set_cellular(const struct reader *r)
{
	plist_t tel = plist_dict_get_item(r->dict, "TelephonyCapability");
	int imei = string_there(r, "InternationalMobileEquipmentIdentity");
	int baseband = string_there(r, "BasebandVersion");
	int tel_known = tel && plist_get_node_type(tel) == PLIST_BOOLEAN;
	uint8_t telephony = 0;

	facts_error_clear(r->f, "device.cellular");
	if (tel_known)
		plist_get_bool_val(tel, &telephony);
	if ((tel_known && telephony) || imei == 1 || baseband == 1) {
		facts_set_bool(r->f, "device.cellular", 1);
		return 1;
	}
	if (tel_known && imei == 0 && baseband == 0) {
		facts_set_bool(r->f, "device.cellular", 0);
		return 0;
	}
	if (tel && !tel_known)
		facts_error(r->f, "device.cellular",
			    "TelephonyCapability in %s is %s, not a boolean", r->where,
			    type_name(tel));
	else if (!tel)
		facts_error(r->f, "device.cellular",
			    "no TelephonyCapability, IMEI or BasebandVersion in %s: whether it has "
			    "a mobile radio is not known",
			    r->where);
	else
		facts_error(r->f, "device.cellular",
			    "TelephonyCapability is false, and the IMEI or BasebandVersion in %s "
			    "is not a string: whether it has a mobile radio is not known",
			    r->where);
	return -1;
}

/* One feature of model M into boolean fact PATH; CELLULAR as set_cellular() returned. */
static void feature_fact(struct facts *f, const char *path, enum ios_feature v,
			 const struct ios_model *m, int cellular, const char *what)
{
	facts_error_clear(f, path);
	switch (v) {
	case IOS_FEATURE_YES:
	case IOS_FEATURE_NO:
		facts_set_bool(f, path, v == IOS_FEATURE_YES);
		return;
	case IOS_FEATURE_CELLULAR_ONLY:
		if (cellular >= 0) {
			facts_set_bool(f, path, cellular);
			return;
		}
		facts_error(
		    f, path,
		    "only the Wi-Fi + Cellular %s has %s, and whether this one has a mobile "
		    "radio is not known yet",
		    m->marketing_name, what);
		return;
	case IOS_FEATURE_UNKNOWN:
		break;
	}
	facts_error(f, path, "%s not known for the %s (data/ios-models.tsv)", what,
		    m->marketing_name);
}

/* device.sd_card, and the features Apple publishes for the model (ios_models). */
static void set_features(const struct reader *r, enum family fam, const char *model_id,
			 int cellular)
{
	const struct ios_model *m;

	facts_error_clear(r->f, "device");
	if (fam == FAMILY_UNKNOWN) {
		facts_error(r->f, "device",
			    "not an iPhone, iPad or iPod: its hardware is not known");
		return;
	}
	/* No iPhone, iPad or iPod touch has ever had a memory card slot. */
	facts_set_bool(r->f, "device.sd_card", 0);
	m = ios_model_find(model_id);
	if (!m) {
		facts_error(r->f, "device",
			    "%s is not in data/ios-models.tsv: NFC, GPS, headphone jack and "
			    "wireless charging not known",
			    model_id ? model_id : "a device without ProductType");
		return;
	}
	feature_fact(r->f, "device.nfc", m->nfc, m, cellular, "NFC");
	feature_fact(r->f, "device.gps", m->gps, m, cellular, "GPS");
	feature_fact(r->f, "device.headphone_jack", m->headphone_jack, m, cellular,
		     "a headphone jack");
	feature_fact(r->f, "device.wireless_charging", m->wireless_charging, m, cellular,
		     "wireless charging");
}

void iosp_parse_root(plist_t root, struct facts *f)
{
	struct reader r = { root, f, "the root domain" };
	const char *model_id;
	enum family fam;
	int cellular;

	if (!is_dict(root, f, "identity", "lockdown root domain"))
		return;
	facts_set_string(f, "platform", "ios");
	facts_set_string(f, "identity.make", "Apple");
	model_id = parse_model_and_os(&r, 1);
	set_model_number(&r);
	string_fact(&r, "SerialNumber", "identity.serial");
	string_fact(&r, "UniqueDeviceID", "identity.udid");
	fam = set_device_class(&r, model_id);
	cellular = set_cellular(&r);
	set_imeis(&r, cellular);
	set_ecid(&r);
	set_color(&r);
	string_fact(&r, "ActivationState", "locks.activation_state");
	set_passcode(&r);
	set_features(&r, fam, model_id, cellular);
}

void iosp_parse_preauth(plist_t values, struct facts *f)
{
	struct reader r = { values, f, "the values an unpaired device answers" };
	const char *model_id;

	if (!is_dict(values, f, "identity", "pre-pairing values"))
		return;
	facts_set_string(f, "platform", "ios");
	facts_set_string(f, "identity.make", "Apple");
	model_id = parse_model_and_os(&r, 0);
	/* Whether it has a mobile radio is read in the session (the root domain). */
	set_features(&r, set_device_class(&r, model_id), model_id, -1);
}

/* ---- lockdown domains ---- */

void iosp_parse_disk_usage(plist_t dict, struct facts *f)
{
	struct reader r = { dict, f, "com.apple.disk_usage" };
	int64_t total = 0, avail = 0;
	enum presence p;

	if (!is_dict(dict, f, "storage", "com.apple.disk_usage reply"))
		return;
	if (want_count(&r, "TotalDiskCapacity", "storage.total_bytes", &total))
		facts_set_int(f, "storage.total_bytes", total);

	/* Space free now first; TotalDataAvailable also counts purgeable space. */
	p = get_count(&r, "AmountDataAvailable", "storage.free_bytes", &avail);
	if (p == ABSENT)
		p = get_count(&r, "TotalDataAvailable", "storage.free_bytes", &avail);
	if (p == PRESENT)
		facts_set_int(f, "storage.free_bytes", avail);
	else if (p == ABSENT)
		facts_error(f, "storage.free_bytes",
			    "neither AmountDataAvailable nor TotalDataAvailable in %s", r.where);
}

void iosp_parse_battery_domain(plist_t dict, struct facts *f)
{
	struct reader r = { dict, f, "com.apple.mobile.battery" };
	int64_t level;

	if (!is_dict(dict, f, "battery", "com.apple.mobile.battery reply"))
		return;
	if (want_count(&r, "BatteryCurrentCapacity", "battery.level_pct", &level)) {
		if (level <= 100)
			facts_set_int(f, "battery.level_pct", level);
		else
			facts_error(f, "battery.level_pct",
				    "BatteryCurrentCapacity %" PRId64 " is not a percentage",
				    level);
	}
	bool_fact(&r, "BatteryIsCharging", "battery.charging");
}

/* ---- values asked by key ---- */

/* VALUE, the answer to KEY of DOMAIN, as a boolean: 1 when *V is set, else the reason is
 * recorded under FACT (HINT, when not empty, is added to it). */
static int keyed_bool(struct facts *f, plist_t value, const char *domain, const char *key,
		      const char *fact, const char *hint, int *v)
{
	uint8_t b = 0;

	if (!value) {
		facts_error(f, fact, "the device gave no %s in %s%s", key, domain, hint);
		return 0;
	}
	if (plist_get_node_type(value) != PLIST_BOOLEAN) {
		facts_error(f, fact, "%s in %s is %s, not a boolean%s", key, domain,
			    type_name(value), hint);
		return 0;
	}
	plist_get_bool_val(value, &b);
	*v = b != 0;
	return 1;
}

void iosp_parse_find_my(plist_t is_associated, struct facts *f)
{
	int on = 0;

	if (keyed_bool(f, is_associated, "com.apple.fmip", "IsAssociated", "locks.find_my",
		       ": check Find My in Settings", &on))
		facts_set_string(f, "locks.find_my", on ? "on" : "off");
	else
		facts_set_string(f, "locks.find_my", "unknown");
}

void iosp_parse_supervised(plist_t is_chaperoned, struct facts *f)
{
	int v = 0;

	if (keyed_bool(f, is_chaperoned, "com.apple.mobile.chaperone", "DeviceIsChaperoned",
		       "locks.supervised", "", &v))
		facts_set_bool(f, "locks.supervised", v);
}

void iosp_parse_setup_done(plist_t setup_done, struct facts *f)
{
	int v = 0;

	if (keyed_bool(f, setup_done, "com.apple.purplebuddy", "SetupDone", "locks.setup_done", "",
		       &v))
		facts_set_bool(f, "locks.setup_done", v);
}

void iosp_parse_enclosure_color(plist_t color, struct facts *f)
{
	const char *s = NULL;

	if (color && plist_get_node_type(color) != PLIST_STRING) {
		facts_error(f, "identity.color", "DeviceEnclosureColor is %s, not a string",
			    type_name(color));
		return;
	}
	if (color)
		s = plist_get_string_ptr(color, NULL);
	if (s && *s) {
		facts_error_clear(f, "identity.color");
		facts_set_string(f, "identity.color", s);
	} else if (!facts_known(f, "identity.color")) {
		facts_error(f, "identity.color",
			    "no DeviceEnclosureColor when asked by key either");
	}
}

/* ---- IORegistry battery entry ---- */

/* Where a battery key was found: the entry itself or its BatteryData dictionary. */
struct battery_reader {
	struct reader top, data; /* data.dict NULL when there is no BatteryData */
};

/*
 * The integer KEY, from the entry, else from BatteryData; signed (the registry holds
 * negative values as their 64-bit two's complement). *PREFIX says where it was found.
 * Returns PRESENT, ABSENT or UNUSABLE (wrong type, recorded under FACT).
 */
static enum presence battery_int(const struct battery_reader *b, const char *key, const char *fact,
				 int64_t *v, const char **prefix)
{
	uint64_t u = 0;
	enum presence p = get_uint(&b->top, key, fact, &u);

	*prefix = "";
	if (p == ABSENT && b->data.dict) {
		p = get_uint(&b->data, key, fact, &u);
		*prefix = "BatteryData.";
	}
	if (p == PRESENT)
		*v = (int64_t)u;
	return p;
}

/* The integer KEY of the entry itself (not BatteryData), signed; 1 when present. */
static int battery_top_int(const struct battery_reader *b, const char *key, int64_t *v)
{
	uint64_t u = 0;

	if (get_uint(&b->top, key, "battery.full_charge_mah", &u) != PRESENT)
		return 0;
	*v = (int64_t)u;
	return 1;
}

/* Full-charge capacity candidates in order of trust. */
static int pick_full(const struct iosp_battery_numbers *n, int64_t *full, const char **which)
{
	if (n->have_nominal && n->nominal_mah > 0 && n->nominal_mah <= IOSP_MAH_MAX) {
		*full = n->nominal_mah;
		*which = "NominalChargeCapacity";
		return 1;
	}
	if (n->have_raw_max && n->raw_max_mah > 0 && n->raw_max_mah <= IOSP_MAH_MAX) {
		*full = n->raw_max_mah;
		*which = "AppleRawMaxCapacity";
		return 1;
	}
	if (n->have_max && n->max_capacity > IOSP_MAX_CAPACITY_PCT_LIMIT &&
	    n->max_capacity <= IOSP_MAH_MAX) {
		*full = n->max_capacity;
		*which = "MaxCapacity";
		return 1;
	}
	return 0;
}

static int design_ok(const struct iosp_battery_numbers *n)
{
	return n->have_design && n->design_mah > 0 && n->design_mah <= IOSP_MAH_MAX;
}

int iosp_health_pct(const struct iosp_battery_numbers *n, double *pct, int64_t *full_mah,
		    const char **which)
{
	int64_t full, tenths;
	const char *key;

	if (!design_ok(n) || !pick_full(n, &full, &key))
		return 0;
	/* full * 1000 / design, rounded half up, in integers: both are <= IOSP_MAH_MAX. */
	tenths = (full * 2000 + n->design_mah) / (2 * n->design_mah);
	*pct = (double)tenths / 10.0;
	*full_mah = full;
	*which = key;
	return 1;
}

/* The entry dictionary inside REPLY (see iosp_parse_ioregistry), or NULL with an error. */
static plist_t find_entry(plist_t reply, struct facts *f)
{
	struct reader r = { reply, f, "the diagnostics reply" };
	enum presence p;
	const char *status = get_string(&r, "Status", "battery", &p);
	plist_t node;

	if (status && strcmp(status, "Success") != 0) {
		facts_error(f, "battery", "the IORegistry query failed: Status %s", status);
		return NULL;
	}
	node = plist_dict_get_item(reply, "Diagnostics");
	if (node) {
		if (!is_dict(node, f, "battery", "Diagnostics in the diagnostics reply"))
			return NULL;
		reply = node;
	}
	node = plist_dict_get_item(reply, "IORegistry");
	if (node) {
		if (!is_dict(node, f, "battery", "IORegistry in the diagnostics reply"))
			return NULL;
		return node;
	}
	if (reply != r.dict) {
		facts_error(f, "battery", "no IORegistry in the Diagnostics of the reply");
		return NULL;
	}
	return reply; /* the entry itself */
}

/* Append ", TEXT" (or TEXT first) to the battery.source text. */
static void source_add(char *buf, size_t size, const char *prefix, const char *key)
{
	size_t len = strlen(buf);

	snprintf(buf + len, size - len, "%s%s%s", len ? ", " : "", prefix, key);
}

/* Health, full-charge and design capacity; adds to SOURCE what it used. */
static void battery_health(const struct battery_reader *b, char *source, size_t size)
{
	struct facts *f = b->top.f;
	struct iosp_battery_numbers n = { 0 };
	const char *pre_design = "", *pre_nominal = "", *pre_raw = "", *pre_max = "";
	const char *pre_full = "", *which = NULL;
	uint64_t max_data = 0;
	int64_t full = 0;
	double pct = 0;
	enum presence design;
	char text[96];

	design = battery_int(b, "DesignCapacity", "battery.design_mah", &n.design_mah, &pre_design);
	n.have_design = design == PRESENT;
	n.have_nominal = battery_int(b, "NominalChargeCapacity", "battery.full_charge_mah",
				     &n.nominal_mah, &pre_nominal) == PRESENT;
	n.have_raw_max = battery_int(b, "AppleRawMaxCapacity", "battery.full_charge_mah",
				     &n.raw_max_mah, &pre_raw) == PRESENT;
	/* MaxCapacity is a percentage on recent iOS: when the entry's is, BatteryData's may
	 * still be in mAh (older gauges), so look there too. */
	n.have_max = battery_top_int(b, "MaxCapacity", &n.max_capacity);
	if ((!n.have_max || n.max_capacity <= IOSP_MAX_CAPACITY_PCT_LIMIT) && b->data.dict &&
	    get_uint(&b->data, "MaxCapacity", "battery.full_charge_mah", &max_data) == PRESENT &&
	    (int64_t)max_data > IOSP_MAX_CAPACITY_PCT_LIMIT) {
		n.max_capacity = (int64_t)max_data;
		n.have_max = 1;
		pre_max = "BatteryData.";
	}

	if (design_ok(&n))
		facts_set_int(f, "battery.design_mah", n.design_mah);
	else if (n.have_design)
		facts_error(f, "battery.design_mah",
			    "%sDesignCapacity %" PRId64 " is not a capacity in mAh", pre_design,
			    n.design_mah);
	else if (design == ABSENT)
		facts_error(f, "battery.design_mah", "no DesignCapacity in the IORegistry entry");

	if (pick_full(&n, &full, &which)) {
		if (strcmp(which, "NominalChargeCapacity") == 0)
			pre_full = pre_nominal;
		else if (strcmp(which, "AppleRawMaxCapacity") == 0)
			pre_full = pre_raw;
		else
			pre_full = pre_max;
		facts_set_int(f, "battery.full_charge_mah", full);
	} else {
		facts_error(
		    f, "battery.full_charge_mah",
		    "no NominalChargeCapacity, AppleRawMaxCapacity or MaxCapacity in mAh in "
		    "the IORegistry entry");
	}

	if (iosp_health_pct(&n, &pct, &full, &which)) {
		facts_set_real(f, "battery.health_pct", pct);
		snprintf(text, sizeof(text), "%s / %sDesignCapacity", which, pre_design);
		source_add(source, size, pre_full, text);
	} else if (!design_ok(&n)) {
		facts_error(f, "battery.health_pct",
			    "DesignCapacity is 0 or missing: health cannot be computed");
	} else {
		facts_error(f, "battery.health_pct",
			    "no full-charge capacity in mAh: health cannot be computed");
	}
}

/* battery.level_pct from CurrentCapacity and MaxCapacity. */
static void battery_level(const struct battery_reader *b)
{
	struct facts *f = b->top.f;
	uint64_t cur = 0, max = 0;
	int64_t level;

	if (get_uint(&b->top, "CurrentCapacity", "battery.level_pct", &cur) != PRESENT ||
	    get_uint(&b->top, "MaxCapacity", "battery.level_pct", &max) != PRESENT) {
		facts_error(f, "battery.level_pct",
			    "no CurrentCapacity and MaxCapacity integers in the IORegistry entry");
		return;
	}
	if (max == 0 || max > IOSP_MAH_MAX || cur > IOSP_MAH_MAX) {
		facts_error(f, "battery.level_pct",
			    "CurrentCapacity %" PRIu64 " of MaxCapacity %" PRIu64
			    " is no charge level",
			    cur, max);
		return;
	}
	level = max == 100 ? (int64_t)cur : (int64_t)((cur * 200 + max) / (2 * max));
	if (level > 100) {
		facts_error(f, "battery.level_pct",
			    "CurrentCapacity %" PRIu64 " is above MaxCapacity %" PRIu64, cur, max);
		return;
	}
	facts_set_int(f, "battery.level_pct", level);
}

void iosp_parse_ioregistry_entry(plist_t reply, const char *entry, struct facts *f)
{
	struct battery_reader b = { { NULL, f, "the IORegistry entry" },
				    { NULL, f, "the BatteryData of the IORegistry entry" } };
	char source[SOURCE_MAX] = "";
	const char *prefix, *ioclass;
	int64_t cycles = 0, temp = 0;
	int charging = 0;
	enum presence p;
	plist_t data;

	if (!is_dict(reply, f, "battery", "IORegistry reply"))
		return;
	b.top.dict = find_entry(reply, f);
	if (!b.top.dict)
		return;
	if (plist_dict_get_size(b.top.dict) == 0) {
		facts_error(f, "battery", "the IORegistry entry %s is empty: not on this model?",
			    entry ? entry : "queried");
		return;
	}
	data = plist_dict_get_item(b.top.dict, "BatteryData");
	if (data && plist_get_node_type(data) == PLIST_DICT)
		b.data.dict = data;
	else if (data)
		facts_error(f, "battery",
			    "BatteryData in the IORegistry entry is %s, not a dictionary",
			    type_name(data));
	ioclass = get_string(&b.top, "IOClass", "battery.source", &p);

	battery_health(&b, source, sizeof(source));

	p = battery_int(&b, "CycleCount", "battery.cycle_count", &cycles, &prefix);
	if (p == PRESENT && cycles >= 0 && cycles <= CYCLES_MAX) {
		facts_set_int(f, "battery.cycle_count", cycles);
		source_add(source, sizeof(source), prefix, "CycleCount");
	} else if (p == PRESENT) {
		facts_error(f, "battery.cycle_count", "%sCycleCount %" PRId64 " is not a count",
			    prefix, cycles);
	} else if (p == ABSENT) {
		facts_error(f, "battery.cycle_count", "no CycleCount in the IORegistry entry");
	}

	/* Hundredths of a degree Celsius, signed. */
	p = battery_int(&b, "Temperature", "battery.temperature_c", &temp, &prefix);
	if (p == PRESENT && temp >= -5000 && temp <= 15000) {
		facts_set_real(f, "battery.temperature_c", (double)temp / 100.0);
		source_add(source, sizeof(source), prefix, "Temperature");
	} else if (p == PRESENT) {
		facts_error(f, "battery.temperature_c",
			    "%sTemperature %" PRId64 " is not hundredths of a plausible degree",
			    prefix, temp);
	} else if (p == ABSENT) {
		facts_error(f, "battery.temperature_c", "no Temperature in the IORegistry entry");
	}

	p = get_bool(&b.top, "IsCharging", "battery.charging", &charging);
	if (p == PRESENT)
		facts_set_bool(f, "battery.charging", charging);
	else if (p == ABSENT)
		report_absent(&b.top, "IsCharging", "battery.charging");

	battery_level(&b);

	if (source[0]) {
		char text[SOURCE_MAX + 64];

		if (!entry)
			entry = ioclass ? ioclass : "entry";
		snprintf(text, sizeof(text), "IORegistry %s: %s", entry, source);
		facts_set_string(f, "battery.source", text);
	}
}

int iosp_ioregistry_has_entry(plist_t reply)
{
	plist_t node;

	if (!reply || plist_get_node_type(reply) != PLIST_DICT)
		return 0;
	node = plist_dict_get_item(reply, "Diagnostics");
	if (node)
		reply = node;
	node = plist_dict_get_item(reply, "IORegistry");
	if (node)
		reply = node;
	return plist_get_node_type(reply) == PLIST_DICT && plist_dict_get_size(reply) > 0;
}

void iosp_parse_ioregistry(plist_t reply, struct facts *f)
{
	iosp_parse_ioregistry_entry(reply, NULL, f);
}
