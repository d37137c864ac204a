#!/bin/sh
# Reading iPhones as the trainee meets them: the real libimobiledevice talks to a fake
# usbmuxd + lockdownd + diagnostics_relay (tests/fakes) on a unix socket.
. "$(dirname "$0")/../lib/tap.sh"

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
T=$(mktemp -d)
FAKECTL="$ROOT/tests/fakes/fakectl.sh"
SC="$ROOT/tests/fakes/scenarios"
J="python3 $ROOT/tests/lib/jq.py"
export FAKE_USBMUXD_KEY_CACHE="$T/keys"
mkdir -p "$FAKE_USBMUXD_KEY_CACHE"
FAKE_DIR=""

stop_fake() {
    [ -n "$FAKE_DIR" ] && sh "$FAKECTL" stop "$FAKE_DIR" >/dev/null 2>&1
    FAKE_DIR=""
}
trap 'stop_fake; rm -rf "$T"' EXIT

# start_fake NAME SCENARIO [ARGS]: a fresh fake phone (or phones) for one story.
start_fake() {
    stop_fake
    FAKE_DIR="$T/$1"
    mkdir -p "$FAKE_DIR"
    shift
    sh "$FAKECTL" start "$FAKE_DIR" "$@" >/dev/null || { echo "fake did not start" >&2; exit 1; }
    export USBMUXD_SOCKET_ADDRESS="UNIX:$FAKE_DIR/usbmuxd.sock"
}

# probe NAME [ARGS]: atelier probe --json into $T/NAME.json, stderr into $T/NAME.err,
# exit status into $T/NAME.rc
probe() {
    name=$1; shift
    $ATELIER --data "$T/data" probe --json "$@" >"$T/$name.json" 2>"$T/$name.err"
    echo $? >"$T/$name.rc"
}

# --- a paired iPhone on iOS 17 ---
start_fake paired "$SC/iphone-ios17-paired.json"
probe paired
check "paired iPhone 13 is read in full (exit 0)" test "$(cat $T/paired.rc)" = 0
check "its card names it iPhone 13 on iOS 17.5.1" \
    sh -c "$J $T/paired.json \"d[0]['identity']['marketing_name']\" 'iPhone 13' && $J $T/paired.json \"d[0]['os']['version']\" 17.5.1"
check "trust is trusted" $J "$T/paired.json" "d[0]['connection']['trust']" trusted
check "battery health comes from AppleSmartBattery" \
    sh -c "$J $T/paired.json \"d[0]['battery']['health_pct']\" 91.4 && $J $T/paired.json \"'AppleSmartBattery' in d[0]['battery']['source']\""
check "cycle count, design and full-charge capacity are read" \
    sh -c "$J $T/paired.json \"d[0]['battery']['cycle_count']\" 312 && $J $T/paired.json \"d[0]['battery']['design_mah']\" 3227 && $J $T/paired.json \"d[0]['battery']['full_charge_mah']\" 2951"
check "identity: serial, both IMEIs, model number" \
    sh -c "$J $T/paired.json \"d[0]['identity']['serial']\" C1QQABCD4R && $J $T/paired.json \"len(d[0]['identity']['imei'])\" 2 && $J $T/paired.json \"d[0]['identity']['model_number']\" MLDV3CH/A"
check "storage and locks are read" \
    sh -c "$J $T/paired.json \"d[0]['storage']['total_bytes'] > 0\" && $J $T/paired.json \"d[0]['locks']['find_my']\" off && $J $T/paired.json \"d[0]['locks']['setup_done']\" True"
check "an iPhone 13 is a phone with a mobile radio, NFC, GPS and Qi charging, no jack, no card slot" \
    $J "$T/paired.json" "[d[0]['device']['class'], d[0]['device']['cellular'], d[0]['device']['nfc'], d[0]['device']['gps'], d[0]['device']['headphone_jack'], d[0]['device']['wireless_charging'], d[0]['device']['sd_card']]" "['phone', True, True, True, False, True, False]"
sh "$FAKECTL" cmd "$FAKE_DIR" '{"cmd":"stats"}' >"$T/stats.json"
U=00008110-000E44540A2A0000
# One GetValue (ProductVersion) is libimobiledevice's handshake; the session reads three
# domains whole and four values by key.
check "eight lockdown reads: the handshake's, then three domains whole and four values by key" \
    $J "$T/stats.json" "d['devices']['$U']['requests']['GetValue']" 8
check "one lockdown session and one diagnostics_relay connection per probe" \
    sh -c "$J $T/stats.json \"d['devices']['$U']['sessions_started']\" 1 && $J $T/stats.json \"d['devices']['$U']['service_connections']['com.apple.mobile.diagnostics_relay']\" 1"
check "the session is closed after the probe" \
    sh -c "$J $T/stats.json \"d['devices']['$U']['sessions_stopped']\" 1 && $J $T/stats.json \"d['devices']['$U']['open_connections']\" 0"
check "the text card shows name, health and cycles" \
    sh -c "$ATELIER --data $T/data probe > $T/card.txt && grep -q 'iPhone 13 (iPhone14,5) - iOS 17.5.1' $T/card.txt && grep -q 'health 91.4 %, 312 cycles' $T/card.txt"
check "the probes are kept with the device's record" \
    sh -c "test \"\$(sqlite3 $T/data/atelier.db \"SELECT COUNT(*) FROM probe p JOIN device d ON d.id = p.device_id WHERE d.udid = '00008110-000E44540A2A0000'\")\" = 2"
check "a probe record keeps the facts, the time and the tool version" \
    sh -c "sqlite3 $T/data/atelier.db \"SELECT tool, facts FROM probe ORDER BY id DESC LIMIT 1\" | grep -q 'libimobiledevice.*\"health_pct\":91.4'"
check "probe DEVICE takes the UDID" \
    sh -c "$ATELIER --data $T/data probe --json 00008110-000E44540A2A0000 > $T/one.json && $J $T/one.json 'len(d)' 1"
check "probe DEVICE takes the usbmux: id that devices prints" \
    sh -c "$ATELIER --data $T/data probe --json usbmux:00008110-000E44540A2A0000 > $T/one2.json && $J $T/one2.json 'len(d)' 1"
expect_status 3 "facts that cannot be saved are shown, and the exit status says so" \
    $ATELIER --data /proc/atelier-cannot-be-here probe
check "the refusal to save says why" \
    sh -c "$ATELIER --data /proc/atelier-cannot-be-here probe 2>&1 >/dev/null | grep -q 'facts not saved' && $ATELIER --data /proc/atelier-cannot-be-here probe 2>/dev/null | grep -q 'iPhone 13'"
expect_status 7 "probe of a device that is not there says so" \
    $ATELIER --data "$T/data" probe NOSUCHDEVICE
check "devices shows the iPhone once, with its UDID" \
    sh -c "$ATELIER devices --json > $T/dev.json && $J $T/dev.json 'len(d)' 1 && $J $T/dev.json \"d[0]['udid']\" 00008110-000E44540A2A0000"

# --- Find My, asked by key: a real phone answers a dump of com.apple.fmip with nothing ---
# (libimobiledevice issue #275), and so does the fake: reading the domain whole would
# leave Find My unknown on every phone, and no phone could be certified.
check "like a real phone, the fake answers a dump of com.apple.fmip with nothing, IsAssociated by key" \
    sh -c "test -z \"\$(ideviceinfo -u $U -q com.apple.fmip 2>/dev/null)\" && test \"\$(ideviceinfo -u $U -q com.apple.fmip -k IsAssociated 2>/dev/null)\" = false"
check "so Find My off is read as off" $J "$T/paired.json" "d[0]['locks']['find_my']" off
python3 - "$SC/iphone-ios17-paired.json" "$U" >"$T/fmip-on.cmd" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))["devices"][0]
d["values"]["com.apple.fmip"]["IsAssociated"] = True
print(json.dumps({"cmd": "update", "udid": sys.argv[2], "changes": {"values": d["values"]}}))
PY
sh "$FAKECTL" cmd "$FAKE_DIR" "$(cat "$T/fmip-on.cmd")" >/dev/null
probe fmipon "$U"
check "once the owner turns Find My on, it is read as on, the domain dump still empty" \
    sh -c "$J $T/fmipon.json \"d[0]['locks']['find_my']\" on && test -z \"\$(ideviceinfo -u $U -q com.apple.fmip 2>/dev/null)\""
check "the enclosure colour, left out of the root domain's dump, is asked by key" \
    sh -c "$J $T/fmipon.json \"d[0]['identity']['color']\" 5 && ! ideviceinfo -u $U 2>/dev/null | grep -q DeviceEnclosureColor"

# --- a Wi-Fi iPad: no modem, so no IMEI and no GPS ---
start_fake ipad "$SC/ipad-wifi-paired.json"
probe ipad
$ATELIER --data "$T/data" probe >"$T/ipad.txt" 2>"$T/ipad-card.err"
check "a Wi-Fi iPad is read in full (exit 0)" test "$(cat $T/ipad.rc)" = 0
check "its card names it iPad (9th generation) on iPadOS 16.3.1" \
    grep -q 'iPad (9th generation) (iPad12,1) - iPadOS 16.3.1' "$T/ipad.txt"
check "it is a tablet without a mobile radio: no IMEI, no GPS" \
    $J "$T/ipad.json" "[d[0]['device']['class'], d[0]['device']['cellular'], d[0]['identity']['imei'], d[0]['device']['gps']]" "['tablet', False, None, False]"
check "the card shows no IMEI, and says why" \
    sh -c "! grep -q IMEI $T/ipad.txt && grep -q 'identity.imei: none: the device has no mobile radio' $T/ipad.txt"
check "from its Tech Specs: a headphone jack, no NFC, no wireless charging, no card slot" \
    $J "$T/ipad.json" "[d[0]['device']['headphone_jack'], d[0]['device']['nfc'], d[0]['device']['wireless_charging'], d[0]['device']['sd_card']]" "[True, False, False, False]"
check "its battery health comes from AppleSmartBattery" \
    sh -c "$J $T/ipad.json \"d[0]['battery']['health_pct']\" 88.9 && $J $T/ipad.json \"d[0]['battery']['cycle_count']\" 412"
check "Find My on is read on the tablet too" $J "$T/ipad.json" "d[0]['locks']['find_my']" on

# --- an old iPhone: battery in AppleARMPMUCharger ---
start_fake old "$SC/iphone-old-armpmu.json"
probe old
check "old iPhone 5s is named and read" \
    sh -c "$J $T/old.json \"d[0]['identity']['marketing_name']\" 'iPhone 5s' && test \"\$(cat $T/old.rc)\" = 0"
check "its health comes from AppleARMPMUCharger" \
    sh -c "$J $T/old.json \"d[0]['battery']['health_pct']\" 89.8 && $J $T/old.json \"'AppleARMPMUCharger' in d[0]['battery']['source']\""

# --- erased, in Setup Assistant ---
start_fake unact "$SC/iphone-unactivated.json"
probe unact
check "an erased phone shows Unactivated and setup not done" \
    sh -c "$J $T/unact.json \"d[0]['locks']['activation_state']\" Unactivated && $J $T/unact.json \"d[0]['locks']['setup_done']\" False"

# --- passcode-locked, then trusted ---
start_fake locked "$SC/iphone-locked-then-trusted.json"
$ATELIER --data "$T/data" probe --timeout 20 >"$T/locked.txt" 2>"$T/locked.err"
echo $? >"$T/locked.rc"
check "a locked phone gets 'unlock the phone' while waiting" grep -q "unlock the phone" "$T/locked.err"
check "once unlocked and trusted it is read in full" \
    sh -c "test \"\$(cat $T/locked.rc)\" = 0 && grep -q 'health 91.4 %' $T/locked.txt"

# --- Trust pending, then denied ---
start_fake denied "$SC/iphone-pending-then-denied.json"
$ATELIER --data "$T/data" probe --timeout 20 >"$T/denied.txt" 2>"$T/denied.err"
echo $? >"$T/denied.rc"
check "pending says 'tap Trust'" grep -q "tap Trust on the phone" "$T/denied.err"
check "denied says what to do next" grep -q "said Don't Trust: unplug it" "$T/denied.err"
check "a denied probe exits 6 and shows the model read before trust" \
    sh -c "test \"\$(cat $T/denied.rc)\" = 6 && grep -q 'iPhone 13 (iPhone14,5) - iOS 17.5.1' $T/denied.txt && grep -q 'trust: denied' $T/denied.txt"

# --- a stale pair record is repaired by itself ---
start_fake stale "$SC/iphone-stale-pair.json"
probe stale
check "a stale pair record is replaced and the phone read" \
    sh -c "test \"\$(cat $T/stale.rc)\" = 0 && $J $T/stale.json \"d[0]['connection']['trust']\" trusted && $J $T/stale.json \"d[0]['battery']['health_pct']\" 91.4"

# --- MDM forbids pairing ---
start_fake mdm "$SC/iphone-supervised-no-pairing.json"
probe mdm
check "a phone whose profile forbids pairing is mdm_prohibited" \
    sh -c "$J $T/mdm.json \"d[0]['connection']['trust']\" mdm_prohibited && test \"\$(cat $T/mdm.rc)\" = 6"

# --- unplugged in the middle of the session ---
python3 - "$SC/iphone-unplug-mid-session.json" "$T/unplug.json.in" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
# After the session started and the first domains were read.
d["devices"][0]["unplug_after_requests"] = 6
json.dump(d, open(sys.argv[2], "w"))
PY
start_fake unplug "$T/unplug.json.in"
start=$(date +%s)
probe unplug --timeout 20
took=$(( $(date +%s) - start ))
check "an unplug mid-session ends the probe at once with a clear error" \
    sh -c "test $took -lt 8 && test \"\$(cat $T/unplug.rc)\" = 6 && $J $T/unplug.json \"any('went away' in e['message'] for e in d[0]['errors'])\""
check "what was read before the unplug is kept" \
    $J "$T/unplug.json" "d[0]['identity']['model_id']" "iPhone14,5"

# --- a phone that stops answering: the deadline holds ---
start_fake hang "$SC/iphone-slow-hang-disk.json"
start=$(date +%s)
probe hang --timeout 3
took=$(( $(date +%s) - start ))
check "a phone stuck mid-probe is given up at the deadline" \
    sh -c "test $took -lt 12 && test \"\$(cat $T/hang.rc)\" = 6 && $J $T/hang.json \"any('no answer in time' in e['message'] for e in d[0]['errors'])\""

# --- a stuck phone among others: the others are read all the same ---
python3 - "$SC/bench-mixed.json" "$T/mixed.json.in" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["devices"][0]["hang_on"] = "GetValue:com.apple.disk_usage"
json.dump(d, open(sys.argv[2], "w"))
PY
start_fake mixed "$T/mixed.json.in"
start=$(date +%s)
probe mixed --timeout 4
took=$(( $(date +%s) - start ))
check "a stuck phone does not hold up the three others" \
    sh -c "test $took -lt 12 && $J $T/mixed.json 'len(d)' 4 && $J $T/mixed.json \"sorted(x['connection']['trust'] or '-' for x in d)\" \"['-', 'trusted', 'trusted', 'trusted']\""
check "the three others are read in full, the stuck one says it did not answer" \
    sh -c "$J $T/mixed.json \"len([x for x in d if x['battery']['health_pct'] is not None])\" 3 && $J $T/mixed.json \"any('no answer in time' in e['message'] for x in d for e in x['errors'])\""

# --- sixteen phones at once ---
start_fake sixteen "$SC/iphone-ios17-paired.json" --clone 16
probe sixteen
check "sixteen phones are read at once, all in full" \
    sh -c "$J $T/sixteen.json 'len(d)' 16 && $J $T/sixteen.json \"all(x['battery']['health_pct'] == 91.4 for x in d)\" && $J $T/sixteen.json 'len(set(x[\"identity\"][\"udid\"] for x in d))' 16"
stop_fake

# --- no usbmuxd at all ---
export USBMUXD_SOCKET_ADDRESS="UNIX:$T/nothing.sock"
check "with no usbmuxd and no phone, probe says nothing is attached" \
    sh -c "$ATELIER --data $T/data probe | grep -q 'no phone or tablet attached'"

check "no probe worker crashed or reported a fault" sh -c "! grep -l 'worker exited\\|worker killed' $T/*.err"

done_testing
