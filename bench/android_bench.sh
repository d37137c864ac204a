#!/bin/sh
# Android probe benchmark (make bench): against the fake adb server of tests/fakes, in
# this one script, median of ROUNDS runs each: one `atelier probe SERIAL` against reading
# the same facts with one `adb shell` command per fact (Debian's adb client), one after
# the other. Target: ratio <= 0.5.
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
ATELIER=${1:-$ROOT/build/atelier}
ROUNDS=${ROUNDS:-9}
T=$(mktemp -d)
CTL="$ROOT/tests/fakes/adb_fakectl.sh"
SERIAL=3A281FDJH00ABC
trap 'sh "$CTL" stop "$T/f" >/dev/null 2>&1; rm -rf "$T"' EXIT
export USBMUXD_SOCKET_ADDRESS="UNIX:$T/no-usbmuxd.sock"

python3 - "$ROOT" "$T/bench.json" <<'PY'
import json, sys
root, out = sys.argv[1], sys.argv[2]
F = root + "/tests/fixtures/"
shell = {
    "getprop": {"stdout_file": F + "android/getprop_google_pixel8pro-husky_android16.txt"},
    "dumpsys battery": {"stdout_file": F + "android-shell/dumpsys-battery_google_pixel-c-dragon_android7.txt"},
    "cat /sys/class/power_supply/battery/uevent": {"exit": 1},
    "df -k /data": "Filesystem     1K-blocks     Used Available Use% Mounted on\n/dev/block/dm-5 238244784 61234560 176879152  26% /data\n",
    "dumpsys diskstats": {"stdout_file": F + "android-shell/dumpsys-diskstats_nvidia-shield-darcy_android7.txt"},
    "cat /proc/meminfo": {"stdout_file": F + "android/meminfo_nexus5_awesome-adb.txt"},
    "dumpsys account": "Accounts: 0\n",
    "settings get secure user_setup_complete": "0\n",
    "settings get global device_provisioned": "0\n",
    "which su": {"exit": 1},
    "service call iphonesubinfo 1 s16 com.android.shell": {"stdout_file": F + "android-shell/service-call-iphonesubinfo-1_android5.txt"},
    "pm list features": {"stdout_file": F + "android-shell/pm-list-features_sharp1-mediatek_android8plus.txt"},
}
json.dump({"devices": [{"serial": "3A281FDJH00ABC", "state": "device", "usb": "usb:1-4",
                        "model": "Pixel 8 Pro", "features": ["shell_v2", "cmd"],
                        "shell": shell}]}, open(out, "w"))
PY

now_ms() { date +%s%3N; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
time_cmd() {
    s=$(now_ms)
    "$@" >/dev/null 2>&1 || { echo "android_bench: '$*' failed" >&2; exit 1; }
    echo $(( $(now_ms) - s ))
}

# One adb shell command per fact of the card (the facts atelier probe reads).
per_fact() {
    for cmd in "getprop ro.product.manufacturer" "getprop ro.product.model" \
        "getprop ro.product.marketname" "getprop ro.serialno" "getprop ro.boot.hardware.color" \
        "getprop ro.build.version.release" "getprop ro.build.version.sdk" \
        "getprop ro.build.version.security_patch" "getprop ro.build.fingerprint" \
        "getprop ro.boot.flash.locked" "getprop ro.boot.verifiedbootstate" \
        "getprop ro.boot.vbmeta.device_state" "getprop ro.crypto.state" "getprop ro.build.tags" \
        "getprop ro.frp.pst" "getprop ro.build.characteristics" "pm list features" \
        "pm list features" "pm list features" "dumpsys battery" "dumpsys battery" "dumpsys battery" \
        "dumpsys battery" "df -k /data" "df -k /data" "cat /proc/meminfo" "dumpsys account" \
        "settings get secure user_setup_complete" "settings get global device_provisioned" \
        "which su" "service call iphonesubinfo 1 s16 com.android.shell"; do
        adb -s "$SERIAL" shell "$cmd" >/dev/null 2>&1 || true
    done
}

sh "$CTL" start "$T/f" "$T/bench.json" >/dev/null
PORT=$(cat "$T/f/port")
export ADB_SERVER_SOCKET="tcp:127.0.0.1:$PORT" ANDROID_ADB_SERVER_PORT="$PORT"
"$ATELIER" --data "$T/data" probe "$SERIAL" >/dev/null 2>&1 || true
base=$(for i in $(seq "$ROUNDS"); do time_cmd per_fact; done | median)
probe=$(for i in $(seq "$ROUNDS"); do time_cmd "$ATELIER" --data "$T/data" probe "$SERIAL"; done | median)
r=$(awk -v a="$probe" -v b="$base" 'BEGIN {printf "%.2f", a / b}')
v=$(awk -v r="$r" 'BEGIN {print (r <= 0.5) ? "meets target" : "MISSES TARGET"}')
echo "android bench: fake adb server, median of $ROUNDS runs"
printf '%-48s %8s ms\n' "31 adb shell commands, one per fact" "$base"
printf '%-48s %8s ms   ratio %s  (<= 0.5: %s)\n' "atelier probe SERIAL (one shell connection)" "$probe" "$r" "$v"
awk -v r="$r" 'BEGIN {exit !(r <= 0.5)}'
