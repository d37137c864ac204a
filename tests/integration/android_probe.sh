#!/bin/sh
# Reading Android phones as the trainee meets them: Atelier's adb client talks to a fake
# adb server (tests/fakes/fake_adb.py, 127.0.0.1 only) that serves real captures.
. "$(dirname "$0")/../lib/tap.sh"

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
T=$(mktemp -d)
CTL="$ROOT/tests/fakes/adb_fakectl.sh"
J="python3 $ROOT/tests/lib/jq.py"
FAKE_DIR=""
stop_fake() {
    [ -n "$FAKE_DIR" ] && sh "$CTL" stop "$FAKE_DIR" >/dev/null 2>&1
    FAKE_DIR=""
}
trap 'stop_fake; rm -rf "$T"' EXIT
# No usbmuxd here: only the Android side is under test.
export USBMUXD_SOCKET_ADDRESS="UNIX:$T/no-usbmuxd.sock"

start_fake() {
    stop_fake
    FAKE_DIR="$T/$1"
    mkdir -p "$FAKE_DIR"
    sh "$CTL" start "$FAKE_DIR" "$2" >/dev/null || { echo "fake adb did not start" >&2; exit 1; }
    export ADB_SERVER_SOCKET="tcp:127.0.0.1:$(cat "$FAKE_DIR/port")"
}

probe() {
    name=$1; shift
    $ATELIER --data "$T/data" probe --json "$@" >"$T/$name.json" 2>"$T/$name.err"
    echo $? >"$T/$name.rc"
}

# The bench: phones answering the exact commands of one probe (src/probe/android.c).
python3 - "$ROOT" "$T/bench.json" <<'PY'
import json, sys
root, out = sys.argv[1], sys.argv[2]
F = root + "/tests/fixtures/"
def probe_shell(getprop, battery, extra=None):
    s = {
        "getprop": {"stdout_file": F + "android/" + getprop},
        "dumpsys battery": {"stdout_file": F + battery},
        "cat /sys/class/power_supply/battery/uevent": {"stderr": "cat: /sys/class/power_supply/battery/uevent: Permission denied\n", "exit": 1},
        "df -k /data": "Filesystem     1K-blocks     Used Available Use% Mounted on\n/dev/block/dm-5 238244784 61234560 176879152  26% /data\n",
        "dumpsys diskstats": {"stdout_file": F + "android-shell/dumpsys-diskstats_nvidia-shield-darcy_android7.txt"},
        "cat /proc/meminfo": {"stdout_file": F + "android/meminfo_nexus5_awesome-adb.txt"},
        "dumpsys account": "Accounts: 0\n\nAccountId, Action_Type, timestamp, UID, TableName, Key\n",
        "settings get secure user_setup_complete": "0\n",
        "settings get global device_provisioned": "0\n",
        "which su": {"exit": 1},
        "service call iphonesubinfo 1 s16 com.android.shell": {"stdout_file": F + "android-shell/service-call-iphonesubinfo-1_android5.txt"},
        "pm list features": {"stdout_file": F + "android-shell/pm-list-features_sharp1-mediatek_android8plus.txt"},
    }
    s.update(extra or {})
    return s
pixel = {"serial": "3A281FDJH00ABC", "state": "device", "usb": "usb:1-4", "product": "husky",
         "model": "Pixel 8 Pro", "device": "husky", "features": ["shell_v2", "cmd"],
         "shell": probe_shell("getprop_google_pixel8pro-husky_android16.txt",
                              "android-shell/dumpsys-battery_google_pixel-c-dragon_android7.txt")}
samsung = {"serial": "52003b7ad4a8a4b1", "state": "device", "usb": "usb:1-5",
           "product": "j4corelteub", "model": "SM-J410G", "device": "j4corelte",
           "features": [], "legacy_crlf": True,
           "shell": probe_shell("getprop_samsung_galaxy-j4core-SM-J410G_android8.1.txt",
                                "android/dumpsys-battery_samsung_galaxy-s24_oneui.txt",
                                {"dumpsys account": "Accounts: 1\n  Account {name=trainee.demo@gmail.com, type=com.google}\n",
                                 "service call iphonesubinfo 1 s16 com.android.shell": "Result: Parcel(ffffffff 00000000   '........')\n",
                                 "settings get secure user_setup_complete": "1\n",
                                 "settings get global device_provisioned": "1\n"})}
locked = {"serial": "R58M12ABCDE", "state": "unauthorized", "usb": "usb:1-6"}
offline = {"serial": "OFF1CE000", "state": "offline", "usb": "usb:1-7"}
# The Wi-Fi tablet of tests/fakes/adb_scenarios, on a port of its own here.
tablet = json.load(open(root + "/tests/fakes/adb_scenarios/adb-galaxy-tab-a8-wifi.json"))["devices"][0]
tablet = dict(tablet, usb="usb:1-3")
json.dump({"devices": [pixel, samsung, locked, offline, tablet]}, open(out, "w"))
unplug = dict(pixel, serial="UNPLUG0001", usb="usb:1-8", unplug_at_shell=1, unplug_mode="midway")
hang = dict(pixel, serial="HANG0001", usb="usb:1-9", hang_on=["dumpsys account"])
json.dump({"devices": [unplug]}, open(out.replace("bench", "unplug"), "w"))
json.dump({"devices": [hang, samsung]}, open(out.replace("bench", "hang"), "w"))
PY

start_fake bench "$T/bench.json"
probe bench --timeout 10
P="d[[x['connection']['id'] for x in d].index('3A281FDJH00ABC')]"
S="d[[x['connection']['id'] for x in d].index('52003b7ad4a8a4b1')]"
U="d[[x['connection']['id'] for x in d].index('R58M12ABCDE')]"
O="d[[x['connection']['id'] for x in d].index('OFF1CE000')]"
W="d[[x['connection']['id'] for x in d].index('R9PT40A1B2C')]"
check "every phone and tablet the adb server lists gets a card" $J "$T/bench.json" "len(d)" 5
check "the Pixel reads as Google Pixel 8 Pro on Android 16" \
    sh -c "$J $T/bench.json \"$P['identity']['marketing_name']\" 'Pixel 8 Pro' && $J $T/bench.json \"$P['identity']['make']\" Google && $J $T/bench.json \"$P['os']['version']\" 16"
check "its bootloader is locked and it is trusted" \
    sh -c "$J $T/bench.json \"$P['locks']['bootloader']\" locked && $J $T/bench.json \"$P['connection']['trust']\" trusted"
check "its battery, storage and memory are read" \
    sh -c "$J $T/bench.json \"$P['battery']['level_pct'] is not None\" && $J $T/bench.json \"$P['storage']['total_bytes']\" 243962658816 && $J $T/bench.json \"$P['storage']['ram_bytes'] > 0\""
check "its IMEI comes from the iphonesubinfo parcel" \
    $J "$T/bench.json" "$P['identity']['imei']" "['355490061234567']"
check "an erased phone: no Google account, setup not done" \
    sh -c "$J $T/bench.json \"$P['locks']['google_accounts']\" 0 && $J $T/bench.json \"$P['locks']['setup_done']\" False"
check "the Samsung over a legacy shell (CRLF) reads as Galaxy J4 Core on 8.1.0" \
    sh -c "$J $T/bench.json \"$S['identity']['marketing_name']\" 'Galaxy J4 Core' && $J $T/bench.json \"$S['os']['version']\" 8.1.0"
check "its Samsung battery health and its Google account are read" \
    sh -c "$J $T/bench.json \"$S['battery']['health_pct'] is not None\" && $J $T/bench.json \"$S['locks']['google_accounts']\" 1 && $J $T/bench.json \"$S['locks']['setup_done']\" True"
check "the Pixel and the Samsung have a mobile radio: phones (neither says tablet)" \
    sh -c "$J $T/bench.json \"[$P['device']['class'], $S['device']['class']]\" \"['phone', 'phone']\" && $J $T/bench.json \"[$P['device']['cellular'], $S['device']['cellular']]\" '[True, True]'"
check "the Galaxy Tab A8 Wi-Fi reads as a tablet with no mobile radio and no IMEI" \
    sh -c "$J $T/bench.json \"$W['device']['class']\" tablet && $J $T/bench.json \"$W['device']['cellular']\" False && $J $T/bench.json \"$W['identity']['imei']\" None && $J $T/bench.json \"$W['identity']['model_id']\" SM-X200 && $J $T/bench.json \"$W['os']['version']\" 14"
check "its GPS is read, NFC is absent, and what Android never says stays unknown" \
    sh -c "$J $T/bench.json \"$W['device']['gps'], $W['device']['nfc']\" '(True, False)' && $J $T/bench.json \"$W['device']['headphone_jack'], $W['device']['sd_card'], $W['device']['wireless_charging']\" '(None, None, None)'"
check "a Google account on the tablet and its FRP partition: FRP on" \
    sh -c "$J $T/bench.json \"$W['locks']['google_accounts']\" 1 && $J $T/bench.json \"$W['locks']['frp']\" on"
check "an unauthorized phone says what to do" \
    sh -c "$J $T/bench.json \"$U['connection']['trust']\" unauthorized && $J $T/bench.json \"any('allow' in e['message'].lower() for e in $U['errors'])\""
check "an offline phone is offline" $J "$T/bench.json" "$O['connection']['trust']" offline
check "a phone not read makes the exit status 6" test "$(cat $T/bench.rc)" = 6
sh "$CTL" cmd "$FAKE_DIR" '{"cmd":"stats"}' >"$T/stats.json"
check "all shell commands of one probe go over one connection, the feature list last" \
    sh -c "$J $T/stats.json \"[v['shell_services'] for k, v in sorted(d['devices'].items()) if k in ('3A281FDJH00ABC', '52003b7ad4a8a4b1', 'R9PT40A1B2C')]\" '[1, 1, 1]' && $J $T/stats.json \"d['devices']['R9PT40A1B2C']['shell_commands'][0].endswith('; pm list features 2>/dev/null')\""
check "probe SERIAL reads just that phone, and the card names it" \
    sh -c "$ATELIER --data $T/data probe 3A281FDJH00ABC > $T/card.txt; grep -q 'Pixel 8 Pro' $T/card.txt && grep -q 'Android 16' $T/card.txt"
check "probe by USB port id finds the adb phone" \
    sh -c "$ATELIER --data $T/data probe --json usb:1-5 > $T/port.json; $J $T/port.json 'len(d)' 1 && $J $T/port.json \"d[0]['connection']['id']\" 52003b7ad4a8a4b1"
check "each phone is its own device record, known by its serial" \
    sh -c "test \"\$(sqlite3 $T/data/atelier.db \"SELECT COUNT(*) FROM device WHERE platform = 'android' AND serial IN ('3A281FDJH00ABC', '839402d6')\")\" = 2"

# The wipe path, as a trainee walks it: remove the Google account, factory reset (USB
# debugging goes off with it), finish the setup wizard, turn USB debugging on again.
# The real adb 29 server's answer to a transport request for a serial it does not list
# (tests/fixtures/android/adb29-debian_local-captures.txt, part A).
not_found_reply() {
    want=$(printf "device '%s' not found" "$1")
    got=$(python3 "$ROOT/tests/fakes/adb_rawcheck.py" "$(cat "$FAKE_DIR/port")" req "host:tport:serial:$1")
    echo "got $got"
    [ "$got" = "$(printf 'b"FAIL%04x%s"' ${#want} "$want")" ]
}
sh "$CTL" cmd "$FAKE_DIR" '{"cmd":"set","serial":"52003b7ad4a8a4b1","shell":{"dumpsys account":"Accounts: 0\n"}}' >/dev/null
probe noaccount --timeout 10 52003b7ad4a8a4b1
check "once its Google account is removed, the Samsung's FRP reads off" \
    sh -c "$J $T/noaccount.json \"d[0]['locks']['google_accounts']\" 0 && $J $T/noaccount.json \"d[0]['locks']['frp']\" off"
sh "$CTL" cmd "$FAKE_DIR" '{"cmd":"reset","serial":"52003b7ad4a8a4b1"}' >/dev/null
probe afterreset --timeout 10
check "after a factory reset the Samsung is gone from adb: no card for it, the others are read" \
    sh -c "$J $T/afterreset.json 'len(d)' 4 && $J $T/afterreset.json \"'52003b7ad4a8a4b1' not in [x['connection']['id'] for x in d]\""
expect_status 7 "asked for by its serial, atelier probe says plainly it is not attached" \
    sh -c "$ATELIER --data $T/data probe 52003b7ad4a8a4b1 2>$T/gone.err; rc=\$?; grep -q \"no attached device is '52003b7ad4a8a4b1'\" $T/gone.err && exit \$rc"
check "the adb server answers its serial as the real one does: device not found" \
    not_found_reply 52003b7ad4a8a4b1
sh "$CTL" cmd "$FAKE_DIR" '{"cmd":"attach","serial":"52003b7ad4a8a4b1"}' >/dev/null
probe back --timeout 10 52003b7ad4a8a4b1
check "USB debugging on again after setup: the reset phone no longer knows this computer" \
    sh -c "$J $T/back.json \"d[0]['connection']['trust']\" unauthorized && test \"\$(cat $T/back.rc)\" = 6"
sh "$CTL" cmd "$FAKE_DIR" '{"cmd":"update","serial":"52003b7ad4a8a4b1","changes":{"state":"device"}}' >/dev/null
probe wiped --timeout 10 52003b7ad4a8a4b1
check "once allowed, it reads as wiped: no Google account, setup done, FRP off" \
    sh -c "$J $T/wiped.json \"d[0]['locks']['google_accounts']\" 0 && $J $T/wiped.json \"d[0]['locks']['setup_done']\" True && $J $T/wiped.json \"d[0]['locks']['frp']\" off && $J $T/wiped.json \"d[0]['device']['class']\" phone"
check "the wiped phone keeps its one device record; its latest probe says FRP off" \
    sh -c "test \"\$(sqlite3 $T/data/atelier.db \"SELECT COUNT(*) FROM device WHERE serial = '839402d6'\")\" = 1 && test \"\$(sqlite3 $T/data/atelier.db \"SELECT json_extract(facts, '\$.locks.frp') FROM probe WHERE device_id = (SELECT id FROM device WHERE serial = '839402d6') ORDER BY id DESC LIMIT 1\")\" = off"

# The tablet scenario alone: read, then reset.
start_fake tablet "$ROOT/tests/fakes/adb_scenarios/adb-galaxy-tab-a8-wifi.json"
$ATELIER --data "$T/data" probe >"$T/tab1.txt" 2>&1
sh "$CTL" cmd "$FAKE_DIR" '{"cmd":"reset","serial":"R9PT40A1B2C"}' >/dev/null
$ATELIER --data "$T/data" probe >"$T/tab2.txt" 2>&1
echo $? >"$T/tab2.rc"
check "the tablet alone, reset: no card, and atelier probe says no phone or tablet is attached" \
    sh -c "grep -qF 'Galaxy Tab A8 (SM-X200) - Android 14' $T/tab1.txt && grep -qxF \"no phone or tablet attached (plug one in; 'atelier devices' lists what USB sees)\" $T/tab2.txt && ! grep -q R9PT40A1B2C $T/tab2.txt && test \"\$(cat $T/tab2.rc)\" = 0"
check "... and the adb server answers its serial as the real one does: device not found" \
    not_found_reply R9PT40A1B2C

start_fake unplug "$T/unplug.json"
start=$(date +%s)
probe unplug --timeout 10
took=$(( $(date +%s) - start ))
check "a phone unplugged mid-probe ends its probe at once with a clear error" \
    sh -c "test $took -lt 8 && test \"\$(cat $T/unplug.rc)\" = 6 && $J $T/unplug.json \"any('went away' in e['message'] for e in d[0]['errors'])\""

start_fake hang "$T/hang.json"
start=$(date +%s)
probe hang --timeout 3
took=$(( $(date +%s) - start ))
check "a shell that never answers is given up at the deadline, the other phone is read" \
    sh -c "test $took -lt 12 && $J $T/hang.json 'len(d)' 2 && $J $T/hang.json \"[x['identity']['marketing_name'] for x in d if x['connection']['id'] == '52003b7ad4a8a4b1']\" \"['Galaxy J4 Core']\""
stop_fake

check "no probe worker crashed or reported a fault" sh -c "! grep -l 'worker exited\\|worker killed' $T/*.err"

done_testing
