/*
 * ios_parse — the facts an iPhone, iPad or iPod states, read from the plists it answers.
 *
 * src/probe/ios.c does the talking (usbmuxd, lockdownd, diagnostics_relay); this module
 * only reads the replies, so it can be tested with captures and fuzzed without a device.
 * Each iosp_parse_* function takes one reply, sets the facts that reply holds and records
 * in F why any of those facts stays null. The rules every function keeps:
 *
 *   - The reply is borrowed: never freed nor changed. NULL, or anything but a dictionary
 *     (for a value asked by key: anything but the type of that key), records one error
 *     and sets nothing, except locks.find_my, which then says "unknown".
 *   - Unknown keys are ignored. A known key that is missing, empty, of the wrong type or
 *     out of range leaves its fact null with an error naming the key and the reason; it
 *     never aborts the rest of the reply and never crashes.
 *   - Nothing is guessed: a value is set only when the device said it, or when Apple's
 *     Tech Specs say it for the model the device names (data/ios-models.tsv).
 *
 * Decisions (to be repeated for users in docs/facts.md):
 *   - identity.ecid is UniqueChipID as 16 upper-case hex digits, zero-padded, no "0x"
 *     (0x1D2CD90128002E -> "001D2CD90128002E"): the same digits as the second half of the
 *     UDID of 2018-and-later devices (00008020-001D2CD90128002E), and the hex form iTunes
 *     and TSS tools show.
 *   - locks.passcode is set to true when PasswordProtected is true. PasswordProtected false
 *     only says the device is unlocked right now (libimobiledevice issue #1191), so it
 *     leaves the fact null with that reason instead of claiming "no passcode".
 *   - storage.total_bytes is TotalDiskCapacity, the marketed size iOS Settings shows
 *     (256000000000 on a "256 GB" phone); TotalDataCapacity is the smaller data volume.
 *     storage.free_bytes is AmountDataAvailable, space free now; TotalDataAvailable is
 *     used only when it is missing, because since iOS 17 it also counts purgeable space
 *     and can be twice what Settings shows (libimobiledevice issue #1572).
 *   - battery.health_pct = full-charge capacity / design capacity, one decimal, rounded
 *     half up (86.96 -> 87.0). Above 100 is reported as is (a new battery can read 101).
 *   - device.class is "phone" for an iPhone and "tablet" for an iPad, from DeviceClass (else
 *     ProductType); an iPod touch is neither, so it stays null with that reason.
 *   - device.cellular is true when TelephonyCapability is true (every iPhone), or an IMEI
 *     or a BasebandVersion is there (a Wi-Fi + Cellular iPad may say TelephonyCapability
 *     false: it makes no calls, yet it has a modem and a SIM); false only when
 *     TelephonyCapability is false and neither of the other two is there, as a Wi-Fi iPad
 *     answers (tests/fixtures/ios/presession-values_ipad9-wifi_ipados16.3.1_20D67.txt).
 *   - device.nfc, device.gps, device.headphone_jack and device.wireless_charging come from
 *     the model's row in data/ios-models.tsv (Apple's Tech Specs): the device does not
 *     say them. An iPad has GPS only in its Wi-Fi + Cellular model, so its device.gps
 *     follows device.cellular. device.sd_card is false on every iPhone, iPad and iPod.
 *   - Some values are missing from a dump of their whole domain (GetValue with a Domain
 *     and no Key) on a real device, which answers them only when asked by key
 *     (libimobiledevice issue #275: com.apple.fmip; #329: DeviceEnclosureColor). The
 *     prober asks those by key and gives each answer to an iosp_parse_* function of its
 *     own, below.
 */
#ifndef ATELIER_PROBE_IOS_PARSE_H
#define ATELIER_PROBE_IOS_PARSE_H

#include <plist/plist.h>
#include <stdint.h>

#include "probe/facts.h"

/* Capacities above this many mAh are not a phone's or tablet's battery: ignored. */
#define IOSP_MAH_MAX 100000
/* A MaxCapacity at or below this is a percentage (recent iOS), not mAh. */
#define IOSP_MAX_CAPACITY_PCT_LIMIT 200

/*
 * The lockdown root domain, GetValue(NULL domain, NULL key) on a paired device:
 * platform "ios", identity.make "Apple", identity.model_id (ProductType),
 * identity.marketing_name (from ios_models; null when the identifier is not in the
 * table), identity.model_number (ModelNumber + RegionInfo, "MGJ93" + "LL/A"),
 * identity.serial (SerialNumber), identity.udid (UniqueDeviceID), identity.imei
 * (InternationalMobileEquipmentIdentity, then ...Identity2 when present), identity.ecid
 * (UniqueChipID), identity.color (DeviceEnclosureColor, else DeviceColor, as reported),
 * os.name ("iOS"; "iPadOS" on an iPad from 13 on), os.version (ProductVersion), os.build
 * (BuildVersion), locks.activation_state (ActivationState), locks.passcode
 * (PasswordProtected, see above), device.class, device.cellular, device.sd_card and the
 * model's features (see above).
 */
void iosp_parse_root(plist_t root, struct facts *f);

/*
 * The values an unpaired device answers, gathered in one dictionary (ProductType,
 * ProductVersion, DeviceClass, BuildVersion...): platform, identity.make,
 * identity.model_id, identity.marketing_name, os.version, os.name, os.build when
 * BuildVersion is there, device.class, device.sd_card and the model's features; an
 * iPad's device.gps waits for the root domain, which says whether it has a radio.
 */
void iosp_parse_preauth(plist_t values, struct facts *f);

/* com.apple.disk_usage: storage.total_bytes and storage.free_bytes (see above). */
void iosp_parse_disk_usage(plist_t dict, struct facts *f);

/* com.apple.mobile.battery: battery.level_pct (BatteryCurrentCapacity, 0-100) and
 * battery.charging (BatteryIsCharging). */
void iosp_parse_battery_domain(plist_t dict, struct facts *f);

/*
 * The answers to values asked by key. Each VALUE is what GetValue returned for that
 * domain and key, borrowed; NULL when the device answered none, which records why.
 */

/*
 * com.apple.fmip IsAssociated: locks.find_my "on" when true, "off" when false, and
 * "unknown" with an error when there is no boolean. IsAssociated is only a hint that the
 * device is tied to an Apple ID; the activation lock is decided by Apple's servers, so a
 * checklist must still have the trainee look at Settings.
 */
void iosp_parse_find_my(plist_t is_associated, struct facts *f);

/* com.apple.mobile.chaperone DeviceIsChaperoned: locks.supervised. */
void iosp_parse_supervised(plist_t is_chaperoned, struct facts *f);

/* com.apple.purplebuddy SetupDone: locks.setup_done. */
void iosp_parse_setup_done(plist_t setup_done, struct facts *f);

/*
 * DeviceEnclosureColor of the root domain: identity.color, replacing the front colour
 * (DeviceColor) the root domain gave. No answer keeps that colour, without an error.
 */
void iosp_parse_enclosure_color(plist_t color, struct facts *f);

/*
 * The diagnostics_relay reply to an IORegistry entry query (AppleSmartBattery on the
 * iPhone 8 and later, AppleARMPMUCharger before): the whole reply
 * {Status, Diagnostics {IORegistry {...}}}, the {IORegistry {...}} that idevicediagnostics
 * prints, or the entry dictionary itself. A Status other than "Success" is an error.
 *
 * Sets battery.design_mah (DesignCapacity), battery.full_charge_mah and
 * battery.health_pct (see iosp_health_pct), battery.cycle_count (CycleCount),
 * battery.temperature_c (Temperature, hundredths of a degree: 2850 -> 28.5),
 * battery.charging (IsCharging), battery.level_pct (CurrentCapacity, scaled by
 * MaxCapacity when that is not 100) and battery.source, e.g.
 * "IORegistry AppleSmartBattery: NominalChargeCapacity / DesignCapacity, CycleCount,
 * Temperature". Each key is looked up in the entry first, then in its BatteryData
 * dictionary ("BatteryData." in the source text). The entry is named by its IOClass
 * when the reply carries one; iosp_parse_ioregistry_entry() names it explicitly.
 */
void iosp_parse_ioregistry(plist_t reply, struct facts *f);

/* The same, with ENTRY (e.g. "AppleSmartBattery", the name queried) used in
 * battery.source; ENTRY NULL behaves like iosp_parse_ioregistry(). */
void iosp_parse_ioregistry_entry(plist_t reply, const char *entry, struct facts *f);

/*
 * Whether REPLY (any of the three shapes above) holds a non-empty entry dictionary. A
 * device answers a query for an entry it does not have with Status "Success" and an
 * empty IORegistry dictionary (the AppleARMPMUCharger of an iPhone 8, libimobiledevice
 * issue #570), so the prober asks this before giving up on the next entry name.
 */
int iosp_ioregistry_has_entry(plist_t reply);

/* The capacities health is computed from, as read (have_* says whether each was). */
struct iosp_battery_numbers {
	int64_t design_mah, nominal_mah, raw_max_mah, max_capacity;
	int have_design, have_nominal, have_raw_max, have_max;
};

/*
 * Battery health from N: the full-charge capacity is NominalChargeCapacity, else
 * AppleRawMaxCapacity, else MaxCapacity when it is in mAh (above
 * IOSP_MAX_CAPACITY_PCT_LIMIT); each must be 1..IOSP_MAH_MAX to count. The result is
 * full * 100 / DesignCapacity rounded half up to one decimal, not capped at 100.
 * Returns 1 and sets *PCT, *FULL_MAH and *WHICH (static key name, e.g.
 * "NominalChargeCapacity"); returns 0 and leaves them untouched when no full-charge
 * capacity counts or DesignCapacity is missing, 0, negative or above IOSP_MAH_MAX.
 */
int iosp_health_pct(const struct iosp_battery_numbers *n, double *pct, int64_t *full_mah,
		    const char **which) __attribute__((warn_unused_result));

#endif
