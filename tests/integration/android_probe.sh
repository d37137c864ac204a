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
json.dump({"devices": [pixel, samsung, locked, offline]}, open(out, "w"))
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
check "every phone the adb server lists gets a card" $J "$T/bench.json" "len(d)" 4
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
check "an unauthorized phone says what to do" \
    sh -c "$J $T/bench.json \"$U['connection']['trust']\" unauthorized && $J $T/bench.json \"any('allow' in e['message'].lower() for e in $U['errors'])\""
check "an offline phone is offline" $J "$T/bench.json" "$O['connection']['trust']" offline
check "a phone not read makes the exit status 6" test "$(cat $T/bench.rc)" = 6
sh "$CTL" cmd "$FAKE_DIR" '{"cmd":"stats"}' >"$T/stats.json"
check "all shell commands of one probe go over one connection" \
    sh -c "$J $T/stats.json \"[v['shell_services'] for k, v in d['devices'].items() if k in ('3A281FDJH00ABC', '52003b7ad4a8a4b1')]\" '[1, 1]'"
check "probe SERIAL reads just that phone, and the card names it" \
    sh -c "$ATELIER --data $T/data probe 3A281FDJH00ABC > $T/card.txt; grep -q 'Pixel 8 Pro' $T/card.txt && grep -q 'Android 16' $T/card.txt"
check "probe by USB port id finds the adb phone" \
    sh -c "$ATELIER --data $T/data probe --json usb:1-5 > $T/port.json; $J $T/port.json 'len(d)' 1 && $J $T/port.json \"d[0]['connection']['id']\" 52003b7ad4a8a4b1"
check "each phone is its own device record, known by its serial" \
    sh -c "test \"\$(sqlite3 $T/data/atelier.db \"SELECT COUNT(*) FROM device WHERE platform = 'android' AND serial IN ('3A281FDJH00ABC', '839402d6')\")\" = 2"

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
