#!/bin/sh
# iOS probe benchmark (make bench): against the fake usbmuxd + lockdownd of tests/fakes,
# in this one script, median of ROUNDS runs each:
#   1. one full `atelier probe UDID` against the four commands a technician would run
#      (ideviceinfo; ideviceinfo -q com.apple.disk_usage; ideviceinfo -q
#      com.apple.mobile.battery; idevicediagnostics ioregentry AppleSmartBattery),
#      one after the other. Target: ratio <= 0.4.
#   2. sixteen phones probed in parallel against one phone. Target: ratio <= 2.
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
ATELIER=${1:-$ROOT/build/atelier}
ROUNDS=${ROUNDS:-15}
T=$(mktemp -d)
export FAKE_USBMUXD_KEY_CACHE="$T/keys"
mkdir -p "$FAKE_USBMUXD_KEY_CACHE"
FAKECTL="$ROOT/tests/fakes/fakectl.sh"
SC="$ROOT/tests/fakes/scenarios/iphone-ios17-paired.json"
UDID=00008110-000E44540A2A0000
trap 'sh "$FAKECTL" stop "$T/one" >/dev/null 2>&1; sh "$FAKECTL" stop "$T/many" >/dev/null 2>&1; rm -rf "$T"' EXIT

now_ms() { date +%s%3N; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

# time_cmd CMD...: wall milliseconds of CMD, output discarded; fails the bench on error.
time_cmd() {
    s=$(now_ms)
    "$@" >/dev/null 2>&1 || { echo "ios_bench: '$*' failed" >&2; exit 1; }
    echo $(( $(now_ms) - s ))
}

four_commands() {
    ideviceinfo -u "$UDID" && ideviceinfo -u "$UDID" -q com.apple.disk_usage &&
        ideviceinfo -u "$UDID" -q com.apple.mobile.battery &&
        idevicediagnostics -u "$UDID" ioregentry AppleSmartBattery
}

sh "$FAKECTL" start "$T/one" "$SC" >/dev/null
export USBMUXD_SOCKET_ADDRESS="UNIX:$T/one/usbmuxd.sock"
# Warm up (pair records, page cache).
"$ATELIER" --data "$T/data" probe "$UDID" >/dev/null 2>&1 || true
four_commands >/dev/null 2>&1
base=$(for i in $(seq "$ROUNDS"); do time_cmd four_commands; done | median)
probe=$(for i in $(seq "$ROUNDS"); do time_cmd "$ATELIER" --data "$T/data" probe "$UDID"; done | median)
sh "$FAKECTL" stop "$T/one" >/dev/null

sh "$FAKECTL" start "$T/many" "$SC" --clone 16 >/dev/null
export USBMUXD_SOCKET_ADDRESS="UNIX:$T/many/usbmuxd.sock"
"$ATELIER" --data "$T/data" probe >/dev/null 2>&1 || true
one=$(for i in $(seq "$ROUNDS"); do time_cmd "$ATELIER" --data "$T/data" probe "$UDID"; done | median)
all=$(for i in $(seq "$ROUNDS"); do time_cmd "$ATELIER" --data "$T/data" probe; done | median)
sh "$FAKECTL" stop "$T/many" >/dev/null

ok=1
r1=$(awk -v a="$probe" -v b="$base" 'BEGIN {printf "%.2f", a / b}')
r2=$(awk -v a="$all" -v b="$one" 'BEGIN {printf "%.2f", a / b}')
awk -v r="$r1" 'BEGIN {exit !(r <= 0.4)}' || ok=0
v1=$(awk -v r="$r1" 'BEGIN {print (r <= 0.4) ? "meets target" : "MISSES TARGET"}')
v2=$(awk -v r="$r2" 'BEGIN {print (r <= 2) ? "meets target" : "MISSES TARGET"}')
awk -v r="$r2" 'BEGIN {exit !(r <= 2)}' || ok=0
echo "ios bench: fake usbmuxd + lockdownd, median of $ROUNDS runs"
printf '%-44s %8s ms\n' "four ideviceinfo/idevicediagnostics commands" "$base"
printf '%-44s %8s ms   ratio %s  (<= 0.4: %s)\n' "atelier probe UDID (one session + relay)" "$probe" "$r1" "$v1"
printf '%-44s %8s ms\n' "atelier probe, 1 of 16 phones" "$one"
printf '%-44s %8s ms   ratio %s  (<= 2: %s)\n' "atelier probe, all 16 phones in parallel" "$all" "$r2" "$v2"
[ "$ok" = 1 ]
