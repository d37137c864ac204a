#include "probe/facts.h"

#include "util/text.h"

#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const struct fact_def facts_schema[] = {
	{ "platform", FACT_STRING, "", "ios, android or unknown" },
	{ "connection.via", FACT_STRING, "", "how it was read: usbmuxd, adb, fastboot or usb" },
	{ "connection.id", FACT_STRING, "", "the id on that channel (UDID, adb serial, usb:BUS-PORT)" },
	{ "connection.mode", FACT_STRING, "", "USB mode when read (normal, recovery, dfu, adb, fastboot...)" },
	{ "connection.usb_id", FACT_STRING, "", "the USB port it is plugged into (usb:BUS-PORTPATH)" },
	{ "connection.trust", FACT_STRING, "",
	  "trusted, locked (unlock the phone), pending (tap Trust / allow USB debugging), denied, "
	  "mdm_prohibited, unauthorized, offline, no_permissions (udev rules / plugdev)" },
	{ "identity.make", FACT_STRING, "", "maker, e.g. Apple, samsung, Google" },
	{ "identity.model_id", FACT_STRING, "", "model identifier, e.g. iPhone13,2 or SM-S921B" },
	{ "identity.model_number", FACT_STRING, "", "sales model, e.g. MGJ93LL/A (ModelNumber + RegionInfo)" },
	{ "identity.marketing_name", FACT_STRING, "", "name people know, e.g. iPhone 12; null when not known" },
	{ "identity.serial", FACT_STRING, "", "serial number" },
	{ "identity.udid", FACT_STRING, "", "Apple UDID" },
	{ "identity.imei", FACT_STRING_ARRAY, "", "IMEIs, one per SIM slot" },
	{ "identity.ecid", FACT_STRING, "", "Apple ECID (hex)" },
	{ "identity.color", FACT_STRING, "", "colour as the device reports it (a code, e.g. 1 or BLK)" },
	{ "identity.color_name", FACT_STRING, "",
	  "colour name a buyer reads, e.g. Midnight; entered by the trainee when the device gives only a code" },
	{ "device.class", FACT_STRING, "", "phone or tablet; null when not known" },
	{ "device.cellular", FACT_BOOL, "", "has a mobile radio and a SIM slot" },
	{ "device.nfc", FACT_BOOL, "", "has NFC (contactless payment)" },
	{ "device.gps", FACT_BOOL, "", "has a GPS receiver" },
	{ "device.headphone_jack", FACT_BOOL, "", "has a 3.5 mm headphone jack" },
	{ "device.sd_card", FACT_BOOL, "", "has a microSD card slot" },
	{ "device.wireless_charging", FACT_BOOL, "", "charges on a wireless (Qi) pad" },
	{ "os.name", FACT_STRING, "", "iOS, iPadOS or Android" },
	{ "os.version", FACT_STRING, "", "e.g. 17.5.1 or 14" },
	{ "os.build", FACT_STRING, "", "build id (iOS BuildVersion, Android fingerprint)" },
	{ "os.sdk", FACT_INT, "", "Android API level" },
	{ "os.security_patch", FACT_STRING, "", "Android security patch date" },
	{ "storage.total_bytes", FACT_INT, "bytes", "capacity of the data storage" },
	{ "storage.nominal_gb", FACT_INT, "GB",
	  "the size on the box (128), from total_bytes rounded up to the next standard size" },
	{ "storage.free_bytes", FACT_INT, "bytes", "free space" },
	{ "storage.ram_bytes", FACT_INT, "bytes", "memory (Android)" },
	{ "battery.level_pct", FACT_INT, "%", "charge level" },
	{ "battery.health_pct", FACT_REAL, "%", "full-charge capacity / design capacity, one decimal" },
	{ "battery.cycle_count", FACT_INT, "", "charge cycles" },
	{ "battery.design_mah", FACT_INT, "mAh", "design capacity" },
	{ "battery.full_charge_mah", FACT_INT, "mAh", "capacity when full today" },
	{ "battery.temperature_c", FACT_REAL, "°C", "temperature" },
	{ "battery.charging", FACT_BOOL, "", "charging now" },
	{ "battery.health", FACT_STRING, "", "the device's own word for health (Android)" },
	{ "battery.source", FACT_STRING, "", "which registry entry or file and keys were used" },
	{ "locks.activation_state", FACT_STRING, "", "as the device says, e.g. Activated, Unactivated" },
	{ "locks.find_my", FACT_STRING, "", "on, off or unknown" },
	{ "locks.passcode", FACT_BOOL, "", "a passcode is set" },
	{ "locks.supervised", FACT_BOOL, "", "managed by an organisation (MDM supervision)" },
	{ "locks.setup_done", FACT_BOOL, "", "setup assistant finished" },
	{ "locks.google_accounts", FACT_INT, "", "Google accounts on the device (Android)" },
	{ "locks.frp", FACT_STRING, "", "factory reset protection: on, off, unknown (Android)" },
	{ "locks.bootloader", FACT_STRING, "", "locked, unlocked, unknown (Android)" },
	{ "locks.encrypted", FACT_BOOL, "", "storage encrypted (Android)" },
	{ "locks.rooted", FACT_BOOL, "", "su present or test-keys build (Android)" },
	{ NULL, FACT_STRING, NULL, NULL },
};

struct facts {
	json_t *root;   /* nested object */
	json_t *errors; /* array */
	size_t n_errors_dropped;
};

const struct fact_def *facts_def(const char *path)
{
	for (const struct fact_def *d = facts_schema; path && d->path; d++)
		if (strcmp(d->path, path) == 0)
			return d;
	return NULL;
}

/* The object holding PATH's last component, and that component. */
static json_t *parent_of(json_t *root, const char *path, const char **leaf)
{
	const char *dot = strchr(path, '.');
	char group[64];
	size_t len;

	if (!dot) {
		*leaf = path;
		return root;
	}
	len = (size_t)(dot - path);
	assert(len < sizeof(group));
	memcpy(group, path, len);
	group[len] = '\0';
	*leaf = dot + 1;
	return json_object_get(root, group);
}

struct facts *facts_new(void)
{
	struct facts *f = calloc(1, sizeof(*f));

	if (!f)
		return NULL;
	f->root = json_object();
	f->errors = json_array();
	if (!f->root || !f->errors)
		goto fail;
	for (const struct fact_def *d = facts_schema; d->path; d++) {
		const char *dot = strchr(d->path, '.');
		json_t *parent = f->root;

		if (dot) {
			char group[64];
			size_t len = (size_t)(dot - d->path);

			memcpy(group, d->path, len);
			group[len] = '\0';
			parent = json_object_get(f->root, group);
			if (!parent) {
				parent = json_object();
				if (!parent || json_object_set_new(f->root, group, parent) != 0)
					goto fail;
			}
		}
		if (json_object_set_new(parent, dot ? dot + 1 : d->path, json_null()) != 0)
			goto fail;
	}
	return f;
fail:
	facts_free(f);
	return NULL;
}

void facts_free(struct facts *f)
{
	if (!f)
		return;
	json_decref(f->root);
	json_decref(f->errors);
	free(f);
}

static void set(struct facts *f, const char *path, enum fact_type type, json_t *value)
{
	const struct fact_def *d = facts_def(path);
	const char *leaf;
	json_t *parent;

	assert(d && "fact not in the schema");
	assert(d->type == type && "fact set with the wrong type");
	(void)d;
	(void)type;
	parent = parent_of(f->root, path, &leaf);
	if (!value)
		value = json_null(); /* out of memory: the fact stays unknown */
	json_object_set_new(parent, leaf, value);
}

void facts_sanitize(const char *in, char *out, size_t size)
{
	text_clean(in, out, size);
}

void facts_set_string(struct facts *f, const char *path, const char *value)
{
	char clean[FACTS_STR_MAX];

	if (!value) {
		facts_clear(f, path);
		return;
	}
	facts_sanitize(value, clean, sizeof(clean));
	set(f, path, FACT_STRING, json_string(clean));
}

void facts_set_int(struct facts *f, const char *path, int64_t value)
{
	set(f, path, FACT_INT, json_integer((json_int_t)value));
}

void facts_set_real(struct facts *f, const char *path, double value)
{
	set(f, path, FACT_REAL, json_real(value));
}

void facts_set_bool(struct facts *f, const char *path, int value)
{
	set(f, path, FACT_BOOL, json_boolean(value));
}

void facts_append_string(struct facts *f, const char *path, const char *value)
{
	const struct fact_def *d = facts_def(path);
	char clean[FACTS_STR_MAX];
	const char *leaf;
	json_t *parent, *arr;

	assert(d && d->type == FACT_STRING_ARRAY);
	(void)d;
	if (!value)
		return;
	facts_sanitize(value, clean, sizeof(clean));
	parent = parent_of(f->root, path, &leaf);
	arr = json_object_get(parent, leaf);
	if (!json_is_array(arr)) {
		arr = json_array();
		if (!arr)
			return;
		json_object_set_new(parent, leaf, arr);
	}
	json_array_append_new(arr, json_string(clean));
}

void facts_clear(struct facts *f, const char *path)
{
	const char *leaf;
	json_t *parent;

	assert(facts_def(path));
	parent = parent_of(f->root, path, &leaf);
	json_object_set_new(parent, leaf, json_null());
}

static json_t *get(const struct facts *f, const char *path)
{
	const char *leaf;
	json_t *parent;

	assert(facts_def(path));
	parent = parent_of(f->root, path, &leaf);
	return json_object_get(parent, leaf);
}

int facts_known(const struct facts *f, const char *path)
{
	json_t *v = get(f, path);

	return v && !json_is_null(v);
}

const char *facts_get_string(const struct facts *f, const char *path)
{
	return json_string_value(get(f, path));
}

int64_t facts_get_int(const struct facts *f, const char *path, int64_t dflt)
{
	json_t *v = get(f, path);

	return json_is_integer(v) ? (int64_t)json_integer_value(v) : dflt;
}

double facts_get_real(const struct facts *f, const char *path, double dflt)
{
	json_t *v = get(f, path);

	return json_is_number(v) ? json_number_value(v) : dflt;
}

void facts_error(struct facts *f, const char *fact, const char *fmt, ...)
{
	char msg[512], clean[512];
	va_list ap;
	json_t *e;

	if (json_array_size(f->errors) >= FACTS_MAX_ERRORS) {
		f->n_errors_dropped++;
		return;
	}
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	facts_sanitize(msg, clean, sizeof(clean));
	e = json_pack("{s:s, s:s}", "fact", fact, "message", clean);
	if (e)
		json_array_append_new(f->errors, e);
}

void facts_error_clear(struct facts *f, const char *fact)
{
	size_t i = 0;

	while (i < json_array_size(f->errors)) {
		const char *name =
			json_string_value(json_object_get(json_array_get(f->errors, i), "fact"));

		if (name && strcmp(name, fact) == 0)
			json_array_remove(f->errors, i);
		else
			i++;
	}
}

size_t facts_error_count(const struct facts *f)
{
	return json_array_size(f->errors) + f->n_errors_dropped;
}

json_t *facts_json(const struct facts *f)
{
	json_object_set(f->root, "errors", f->errors);
	return f->root;
}

json_t *facts_json_at(const json_t *root, const char *path)
{
	const char *dot;

	while (root && (dot = strchr(path, '.'))) {
		root = json_object_getn(root, path, (size_t)(dot - path));
		path = dot + 1;
	}
	return root ? json_object_get(root, path) : NULL;
}

const char *facts_json_string(const json_t *root, const char *path)
{
	return json_string_value(facts_json_at(root, path));
}

int facts_json_set(json_t *root, const char *path, json_t *value)
{
	const char *dot = strchr(path, '.');
	json_t *group;

	if (!value || !json_is_object(root)) {
		json_decref(value);
		return -1;
	}
	if (!dot)
		return json_object_set_new(root, path, value);
	group = json_object_getn(root, path, (size_t)(dot - path));
	if (!json_is_object(group)) {
		group = json_object();
		if (!group || json_object_setn_new(root, path, (size_t)(dot - path), group) != 0) {
			json_decref(value);
			return -1;
		}
	}
	return json_object_set_new(group, dot + 1, value);
}

int facts_nominal_gb(long long total_bytes)
{
	/* Flash is sold in these sizes; a phone states its data partition (Android) or its
	 * whole capacity in decimal units (iOS), both at most the size on the box. */
	for (int gb = 8; gb <= 2048; gb *= 2)
		if (total_bytes > 0 && (double)total_bytes <= (double)gb * 1e9 * 1.02)
			return gb;
	return 0;
}

void facts_derive(json_t *root)
{
	json_t *total = facts_json_at(root, "storage.total_bytes");
	int gb = json_is_integer(total) ? facts_nominal_gb(json_integer_value(total)) : 0;

	if (json_is_object(root))
		facts_json_set(root, "storage.nominal_gb", gb ? json_integer(gb) : json_null());
}
