/*
 * android_parse — the facts an Android phone states, read from the text its tools print.
 *
 * src/probe/android.c (the prober) runs the commands over adb or fastboot; this module only
 * reads their output, so it can be tested with captures and fuzzed without a device. It
 * does no I/O. The rules every function keeps (as in ios_parse.h):
 *
 *   - Input is borrowed and never changed; it need not be NUL-terminated where a length is
 *     given. Every input is bounded by a named maximum below; past it the function fails
 *     cleanly (an error code, or an error recorded in the facts), it never reads further.
 *   - Unknown keys and lines are skipped. A known key that is missing, empty or out of
 *     range leaves its fact null with an error naming the key and the reason.
 *   - Nothing is guessed: a value is set only when the device said it.
 *
 * Decisions (to be repeated for users in docs/facts.md):
 *
 *   identity.marketing_name, first that applies:
 *     1. Google and Motorola: the model is the name ("Pixel 8 Pro", "moto g(7) power").
 *     2. A name the product side of the firmware states, in this order:
 *        ro.product.marketname, ro.product.product.marketname, ro.product.odm.marketname,
 *        ro.product.system.marketname, ro.product.system_ext.marketname,
 *        ro.config.marketing_name (Huawei/Honor). Empty values are skipped.
 *     3. ro.product.vendor.marketname, but only when nothing above named the phone and it
 *        does not look like another market's name: a vendor partition is shared between
 *        regional variants, so a name with non-ASCII letters (a Chinese name) is ignored
 *        unless the device says it is a China build (ro.boot.hwc, ro.miui.region or
 *        ro.product.locale.region is CN). Ignoring it records an error with the name.
 *     4. The model-code table (android_models, data/android-models.tsv), by make and
 *        model: SM-J410G -> Galaxy J4 Core. Not in the table: null, with an error.
 *
 *   locks.bootloader: each present source gives a verdict, compared case-insensitively:
 *     ro.boot.vbmeta.device_state locked/unlocked (Android Verified Boot 2.0);
 *     ro.boot.flash.locked 1 -> locked, 0 -> unlocked;
 *     ro.boot.verifiedbootstate green -> locked (stock keys), yellow -> locked (locked
 *     with a user-set root of trust, i.e. a custom key), orange -> unlocked, red -> no
 *     verdict (verification failed). All verdicts agree -> that word. None -> "unknown".
 *     Verdicts disagree -> "unknown" with an error naming them. sys.oem_unlock_allowed
 *     (the "OEM unlocking" switch) is a hint only: it is quoted in the error when the
 *     state stays unknown, never used as a verdict.
 *
 *   locks.rooted: true when ro.build.tags contains "test-keys" (a hint: an engineering
 *   build) or when `which su` printed a path (android_facts_su). release-keys alone sets
 *   nothing: only the su check can say false.
 *
 *   locks.frp (factory reset protection, see android_facts_frp): "unknown" is the honest
 *   default. "on" when the device has an FRP partition (ro.frp.pst set) and at least one
 *   Google account; "off" when it has one, no Google account and setup is done (a wipe
 *   would not lock it); "off" as well when there is no ro.frp.pst on Android older than
 *   5.1 (SDK < 22, before FRP). Everything else, notably a phone still in the setup
 *   wizard with no account (it may be locked to a previous owner), stays "unknown".
 *
 *   battery: see android_parse_dumpsys_battery and android_parse_power_supply.
 *
 *   device.cellular, device.nfc, device.gps: the hardware features the system declares
 *   (`pm list features`), see android_parse_features. device.class (phone or tablet):
 *   "tablet" when ro.build.characteristics lists "tablet", "phone" when it does not and
 *   the device has a mobile radio (android.hardware.telephony), else unknown; see
 *   android_facts_device_class. Headphone jack, microSD slot and wireless charging are
 *   not declared by Android: they stay null (the trainee enters them at intake).
 */
#ifndef ATELIER_PROBE_ANDROID_PARSE_H
#define ATELIER_PROBE_ANDROID_PARSE_H

#include <stddef.h>
#include <stdint.h>

#include "probe/facts.h"

/* ---- limits on what comes from the device ---- */

#define APROPS_MAX_BYTES (2 * 1024 * 1024) /* getprop output (Xiaomi 12X: 100 KB) */
#define APROPS_MAX_KEYS 8192		   /* properties kept (Xiaomi 12X: 1973) */
#define APROPS_KEY_MAX 256		   /* longest property name accepted */
#define APROPS_VALUE_MAX 8192		   /* longest value, continuation lines included */
#define ANDROID_TEXT_MAX (1024 * 1024)	   /* dumpsys, df, meminfo, uevent, parcel... */
#define ANDROID_MAH_MAX 100000		   /* capacities above this are not a battery's */
#define ANDROID_ACCOUNTS_MAX 64		   /* distinct Google accounts counted */

enum android_parse_err {
	ANDROID_PARSE_OK = 0,
	ANDROID_PARSE_ENOMEM,	/* out of memory */
	ANDROID_PARSE_ETOOBIG,	/* input longer than its maximum: nothing parsed */
	ANDROID_PARSE_ETOOMANY, /* more entries than the maximum: nothing kept */
	ANDROID_PARSE_ENODATA,	/* no usable line at all (empty, or not this tool's output) */
};

/* A lower-case sentence for ERR; static. */
const char *android_parse_strerror(enum android_parse_err err);

/* ---- properties: getprop, fastboot getvar ---- */

/*
 * A set of key/value strings read from one output, in input order. Owns its strings. A
 * repeated key is kept twice and aprops_get returns its last value. Opaque; read with
 * aprops_get and friends.
 */
struct aprops;

/*
 * Parse `getprop` output: "[key]: [value]" lines. Accepted variation: CRLF or LF line
 * ends; UTF-16 (LE or BE, with or without BOM, detected by its zero bytes) and a UTF-8
 * BOM, converted to UTF-8 first; a value running over several lines until the line that
 * ends with "]" (embedded line ends become "\n"); blank lines; lines that are not
 * properties, such as an echoed command line or shell prompt (skipped and counted, see
 * aprops_skipped); a property line that never closes is skipped and counted too.
 * NUL bytes in UTF-8 input read as '?'. Keys are kept as written, values as written.
 *
 * TEXT (LEN bytes, need not be NUL-terminated) is borrowed. On ANDROID_PARSE_OK *OUT is a
 * new set the caller frees with aprops_free(); on any error *OUT is NULL. Fails with
 * ETOOBIG past APROPS_MAX_BYTES, ETOOMANY past APROPS_MAX_KEYS, ENODATA when no
 * property line was found.
 */
enum android_parse_err aprops_parse(const char *text, size_t len, struct aprops **out)
    __attribute__((warn_unused_result));

/*
 * Parse the INFO lines of `fastboot getvar all` (or of a getvar:all over USB): each line
 * "(bootloader) key:value", "(bootloader) key: value", "INFOkey:value" or a bare
 * "key:value". The key is split from the value at the last ": " when there is one, else
 * at the last ':' ("partition-size:boot_a: 0x4000000" -> "partition-size:boot_a";
 * "slot-retry-count:b:7" -> "slot-retry-count:b" = "7"). Keys are stored lower-case and
 * may not hold blanks (a "Finished. Total time: 0.1s" line is skipped). Same ownership,
 * bounds and errors as aprops_parse.
 */
enum android_parse_err aprops_parse_getvar(const char *text, size_t len, struct aprops **out)
    __attribute__((warn_unused_result));

void aprops_free(struct aprops *p);

/* The value of KEY (exact match), or NULL when absent. Owned by P. */
const char *aprops_get(const struct aprops *p, const char *key);
/* Number of properties (property lines, repeats included), and of skipped lines. */
size_t aprops_count(const struct aprops *p);
size_t aprops_skipped(const struct aprops *p);
/* Key and value of property I (0 <= I < aprops_count), in input order; NULL past the
 * end. Owned by P. */
const char *aprops_key_at(const struct aprops *p, size_t i);
const char *aprops_value_at(const struct aprops *p, size_t i);

/*
 * Facts from getprop: platform, identity.make, identity.model_id,
 * identity.marketing_name, identity.serial, identity.color, os.name, os.version, os.sdk,
 * os.security_patch, os.build, locks.bootloader, locks.encrypted, locks.rooted (the
 * test-keys hint only). Keys used:
 *   make: ro.product.manufacturer, else ro.product.vendor.manufacturer, else
 *     ro.product.brand (as written: "samsung", "Google");
 *   model_id: ro.product.model, else ro.product.vendor.model;
 *   serial: ro.serialno, else ro.boot.serialno;
 *   color: ro.boot.hardware.color (Pixel: "BLK"), else ro.config.color; as reported.
 *     Xiaomi's vendor.panel.color is not used: it describes the display panel;
 *   version: ro.build.version.release, else ro.build.version.release_or_codename;
 *   sdk: ro.build.version.sdk (1..1000); security_patch: ro.build.version.security_patch;
 *   build: ro.build.fingerprint, else ro.system.build.fingerprint;
 *   encrypted: ro.crypto.state encrypted -> true, unencrypted -> false.
 */
void android_facts_from_props(const struct aprops *p, struct facts *f);

/*
 * locks.frp by the rule above, from P (ro.frp.pst) and the facts already in F:
 * locks.google_accounts, locks.setup_done and os.sdk. Call it after the others.
 */
void android_facts_frp(const struct aprops *p, struct facts *f);

/* Facts from getvar: platform, connection.via and connection.mode "fastboot",
 * identity.model_id (product, the device's code name, e.g. "alioth"), identity.serial
 * (serialno), locks.bootloader (unlocked yes/no, else device-state locked/unlocked;
 * "secure" is secure boot, not the lock state, and is only quoted when unknown). */
void android_facts_from_getvar(const struct aprops *p, struct facts *f);

/* ---- shell command outputs (TEXT of LEN bytes, borrowed) ---- */

/*
 * `dumpsys battery`. Sets battery.level_pct (level * 100 / scale), battery.temperature_c
 * (temperature, tenths of a degree), battery.charging (status 2 -> true, 3/4/5 -> false;
 * other or missing status: any of "AC/USB/Wireless/Dock powered: true" -> true, all
 * false -> false), battery.health (health code 1 Unknown, 2 Good, 3 Overheat, 4 Dead,
 * 5 Over voltage, 6 Unspecified failure, 7 Cold; a word is kept as written) and, on
 * Samsung, battery.health_pct from "mSavedBatteryAsoc: [99]" (ASOC, the battery's
 * remaining capacity in % as One UI shows it), else "mSavedBatteryBsoh: 99" (BSOH,
 * state of health %). Fields seen but not used, their unit being undocumented:
 * mSavedBatteryUsage, mSavedFullStatusDuration, "LLB ..." dates, battery FirstUseDate,
 * and the log buffers' cycle_count (0 on the S24 capture). battery.source names the
 * lines used, e.g. "dumpsys battery: level/scale, temperature, status, health,
 * mSavedBatteryAsoc". Only the first occurrence of each "  key: value" line counts.
 */
void android_parse_dumpsys_battery(const char *text, size_t len, struct facts *f);

/*
 * /sys/class/power_supply/battery/uevent (KEY=VALUE lines, "POWER_SUPPLY_" prefix
 * optional). Sets battery.design_mah (CHARGE_FULL_DESIGN, µAh), battery.full_charge_mah
 * (CHARGE_FULL), battery.health_pct (full / design, one decimal, rounded half up, not
 * capped), battery.cycle_count (CYCLE_COUNT, as read), battery.health (HEALTH word),
 * battery.level_pct (CAPACITY), battery.temperature_c (TEMP, tenths), battery.charging
 * (STATUS Charging -> true; Discharging, Not charging, Full -> false). A fact another
 * source already set is overwritten; battery.source gets "; <this source>" appended.
 */
void android_parse_power_supply(const char *text, size_t len, struct facts *f);

/* `df -k /data` (toybox/busybox: "Filesystem 1K-blocks Used Available Use% Mounted on",
 * a long filesystem name may wrap the row): storage.total_bytes and storage.free_bytes
 * (Available) of the row mounted on /data. */
void android_parse_df_data(const char *text, size_t len, struct facts *f);

/* `dumpsys diskstats` "Data-Free: 12345K / 67890K total = 18% free": storage.free_bytes
 * and storage.total_bytes of the data partition (not the size on the box). */
void android_parse_diskstats(const char *text, size_t len, struct facts *f);

/* /proc/meminfo "MemTotal: N kB": storage.ram_bytes = N * 1024 (the kernel's view, a
 * little below the RAM on the box). */
void android_parse_meminfo(const char *text, size_t len, struct facts *f);

/* `dumpsys account`: locks.google_accounts, the number of distinct names in
 * "Account {name=..., type=com.google}" lines (other types such as com.google.work are
 * not counted). An output with no "Accounts:" and no "Account {" line is an error. */
void android_parse_accounts(const char *text, size_t len, struct facts *f);

/* `settings get <ns> <key>` for a boolean FACT (a FACT_BOOL path): "1" -> true,
 * "0" -> false, "null" (not set) or anything else -> null with an error. */
void android_parse_setting_bool(const char *text, size_t len, const char *fact, struct facts *f);

/* locks.setup_done from `settings get secure user_setup_complete` and `settings get
 * global device_provisioned` (either may be NULL when not read): true when both read
 * "1", false when either reads "0", else null with an error. */
void android_facts_setup_done(const char *user_setup_complete, const char *device_provisioned,
			      struct facts *f);

/* `which su` (or `command -v su`): a line that is a path ending in "/su" -> locks.rooted
 * true; empty output or "not found" -> false, unless a test-keys build already set it
 * true. */
void android_facts_su(const char *which_su_output, size_t len, struct facts *f);

/*
 * `service call iphonesubinfo N ...`: the Parcel dump "Result: Parcel(0x00000000: 00000000
 * 0000000f 00350033 ... '...')". Word 0 is the exception code (non-zero: the phone
 * refused, e.g. a SecurityException), word 1 the string length in UTF-16 units
 * (ffffffff: null string, i.e. refused or no modem), then two UTF-16 units per word, low
 * half first. A 15-digit Luhn-valid string is appended to identity.imei (unless already
 * there); anything else leaves it alone with an error saying why.
 *
 * Which transaction is the IMEI: IPhoneSubInfo.aidl orders its methods, and `service call`
 * takes the 1-based position. getDeviceId() is method 1 on Android 5.0 to 9
 * (`service call iphonesubinfo 1`, documented for 5.0+ by mzlogin/awesome-adb); on
 * Samsung's Android 6 framework getImeiForSubscriber is 4 (pandalion98/SPay-inner-workings
 * IPhoneSubInfo TRANSACTION_getImeiForSubscriber = 4). From Android 6 getDeviceId takes a
 * calling package ("service call iphonesubinfo 1 s16 com.android.shell"); from Android 10
 * reading the IMEI needs READ_PRIVILEGED_PHONE_STATE, so the shell is refused and the
 * numbers shift between releases: on SDK >= 29 expect a refusal and a null IMEI. The
 * prober chooses the call; this only reads the reply.
 */
void android_parse_iphonesubinfo(const char *text, size_t len, struct facts *f);

/*
 * `pm list features`: one "feature:NAME" line per feature the system declares. Android 7
 * and later append "=VERSION" when the feature has one ("feature:android.hardware.
 * vulkan.level=1"); the OpenGL ES line is "feature:reqGlEsVersion=0x30002" at every
 * release (AOSP Pm.java and PackageManagerShellCommand.runListFeatures). Names are
 * compared whole: android.hardware.nfc.hce is not android.hardware.nfc. Other lines (an
 * echoed prompt, a blank line) are skipped; CR before the line end is dropped.
 *
 * Sets device.cellular (android.hardware.telephony), device.nfc (android.hardware.nfc)
 * and device.gps (android.hardware.location.gps): true when the feature is listed, false
 * when the list was read and it is not. The list counts as read when it holds at least
 * one android.hardware.* feature (every device declares some: touchscreen, wifi...).
 * Otherwise the three stay null with one error under "device": nothing printed (no `pm`,
 * as in recovery, or a package manager not running; `pm` prints its complaints on
 * standard error, which the prober drops) or no hardware feature in what was printed.
 */
void android_parse_features(const char *text, size_t len, struct facts *f);

/*
 * device.class from ro.build.characteristics in P (the maker's comma-separated list, e.g.
 * "tablet,nosdcard") and device.cellular already in F (call android_parse_features first):
 * "tablet" when an item of the list is "tablet" (any letter case); "phone" when none is and
 * device.cellular is true; otherwise null with an error saying which of the two was
 * missing. P may be NULL (getprop not read).
 */
void android_facts_device_class(const struct aprops *p, struct facts *f);

/* ---- adb host protocol: host:devices-l ---- */

#define ADB_SERIAL_MAX 128
#define ADB_STATE_MAX 256
#define ADB_FIELD_MAX 128

/* One line of host:devices-l. Strings are NUL-terminated, cut at their maximum. */
struct adb_device_entry {
	char serial[ADB_SERIAL_MAX];
	char state[ADB_STATE_MAX]; /* "device", "unauthorized", "no permissions (...)" */
	char usb[ADB_FIELD_MAX];   /* "1-4" from "usb:1-4"; "" when not given */
	char product[ADB_FIELD_MAX];
	char model[ADB_FIELD_MAX];
	char device[ADB_FIELD_MAX];
	uint64_t transport_id;
	int has_transport_id;
};

/*
 * The host:devices-l payload (or host:devices, "SERIAL\tSTATE"): one entry per line
 * "SERIAL<blanks>STATE [usb:X] [product:X] [model:X] [device:X] [transport_id:N]". The
 * state runs until the first known "key:" word, so "no permissions (missing udev rules?
 * user is in the plugdev group); see [http://...]" is kept whole. Lines without a state
 * are skipped. Fills OUT[0..MAX-1], sets *N. ETOOMANY when there were more than MAX
 * lines (the first MAX are kept and *N = MAX); ETOOBIG past ANDROID_TEXT_MAX (*N = 0).
 */
enum android_parse_err android_parse_devices_l(const char *text, size_t len,
					       struct adb_device_entry *out, size_t max, size_t *n);

/* The connection.trust word for an adb STATE: "trusted" (device), "unauthorized",
 * "pending" (authorizing, connecting), "offline", "no_permissions"; NULL for a mode
 * rather than a trust state (recovery, sideload, rescue, bootloader, host) or an unknown
 * state. Static string. */
const char *android_trust_of_state(const char *state);

/* The connection.mode for an adb STATE: "adb" (device), "recovery", "sideload",
 * "rescue", "fastboot" (bootloader); NULL otherwise. Static string. */
const char *android_mode_of_state(const char *state);

/* A plain English instruction for the trainee for an adb STATE (never NULL). Static. */
const char *android_state_instruction(const char *state);

#endif
