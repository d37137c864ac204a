#!/bin/sh
# adb_selftest.sh - acceptance test of tests/fakes/fake_adb.py against the REAL Debian
# adb 29 command-line client (package adb) and at the byte level (adb_rawcheck.py).
# Prints TAP.  Skips everything (exit 0) when adb or python3 is missing.
#
#   sh tests/fakes/adb_selftest.sh
#
# Every fake listens on a free 127.0.0.1 port and is started before any adb command,
# so the adb client never starts a server of its own.  All fakes are stopped at exit.
# shellcheck disable=SC2016
set -u
here=$(cd "$(dirname "$0")" && pwd)
S=$here/adb_scenarios
CTL=$here/adb_fakectl.sh
raw() { python3 "$here/adb_rawcheck.py" "$@"; }
T=$(mktemp -d "${TMPDIR:-/tmp}/fakeadb.XXXXXX")
N=0
FAILED=0
OUT=$T/out
FIX=$here/../fixtures/android-shell
FIXA=$here/../fixtures/android

cleanup() {
    for d in "$T"/*/; do
        [ -f "$d/fake.pid" ] && sh "$CTL" stop "$d" >/dev/null 2>&1
    done
    rm -rf "$T"
}
trap cleanup EXIT
trap "exit 1" HUP INT TERM PIPE

for tool in adb python3 timeout; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "1..0 # SKIP $tool not installed"
        exit 0
    fi
done

result() { # result STATUS NAME
    N=$((N + 1))
    if [ "$1" -eq 0 ]; then
        echo "ok $N - $2"
    else
        FAILED=$((FAILED + 1))
        echo "not ok $N - $2"
        sed 's/^/# /' "$OUT" 2>/dev/null | head -30
    fi
}

# ok NAME CMD...: CMD exits 0 (its output goes to $OUT)
ok() {
    name=$1
    shift
    "$@" >"$OUT" 2>&1
    result $? "$name"
}

# same NAME FILE CMD...: CMD's stdout+stderr is byte for byte FILE, and CMD exits RC
# (default 0; set RC=n before the call)
same() {
    name=$1 want=$2
    shift 2
    "$@" >"$T/got" 2>&1
    rc=$?
    { if cmp -s "$T/got" "$want" && [ "$rc" -eq "${RC:-0}" ]; then st=0; else st=1; fi
      echo "exit $rc (want ${RC:-0})"; diff "$want" "$T/got" | head -20; } >"$OUT"
    RC=0
    result $st "$name"
}

start() { # start NAME SCENARIO -> sets D, P; exports ADB_SERVER_SOCKET
    D=$T/$1
    sh "$CTL" start "$D" "$2" >/dev/null || { echo "Bail out! fake did not start"; exit 1; }
    P=$(cat "$D/port")
    export ADB_SERVER_SOCKET="tcp:127.0.0.1:$P"
}
stop() { sh "$CTL" stop "$D"; }
ctl() { sh "$CTL" cmd "$D" "$1"; }
stat_of() { # stat_of SERIAL KEY -> value from the control stats
    ctl '{"cmd":"stats"}' | python3 -c "import json,sys; print(json.load(sys.stdin)['devices']['$1']['$2'])"
}
A() { timeout 10 adb "$@"; }
alive() { st=$(ps -o stat= -p "$1" 2>/dev/null) || return 1; [ -n "$st" ] && [ "${st#Z}" = "$st" ]; }
strip() { sed '/^#/d' "$1"; }

# ------------------------------------------------------------------ mixed states
start mixed "$S/adb-mixed-states.json"
ok "fake prints 'ready PORT' and listens on 127.0.0.1 only" \
    sh -c "grep -qx 'ready $P' '$D/ready' && python3 -c \"
import socket, sys
s = socket.socket()
try:
    s.connect(('127.0.0.2', $P)); sys.exit('reachable on 127.0.0.2')
except OSError:
    pass\""

cat >"$T/devices-l" <<'EOF'
List of devices attached
839402d6               device usb:1-4 product:j4corelteub model:SM_J410G device:j4corelte transport_id:1
C1OKAS051559           device usb:1-5 product:JP_epad model:TF201 device:TF201 transport_id:2
R58M30ABCDE            unauthorized usb:1-6 transport_id:3
0123456789ABCDEF       offline usb:1-7 transport_id:4
HT7A1B234567           recovery usb:1-8 product:omni_j4corelte model:SM_J410G device:j4corelte transport_id:5
ZY2239XYZ              sideload usb:1-9 transport_id:6
abceb966               no permissions (user in plugdev group; are your udev rules wrong?); see [http://developer.android.com/tools/device.html] usb:1-10 transport_id:7

EOF
same "ADB_SERVER_SOCKET=tcp:127.0.0.1:PORT adb devices -l: every state in the real format" \
    "$T/devices-l" A devices -l
same "adb -P PORT devices -l: same listing" "$T/devices-l" \
    env -u ADB_SERVER_SOCKET timeout 10 adb -P "$P" devices -l
same "ANDROID_ADB_SERVER_PORT=PORT adb devices -l: same listing" "$T/devices-l" \
    env -u ADB_SERVER_SOCKET ANDROID_ADB_SERVER_PORT="$P" timeout 10 adb devices -l
printf 'List of devices attached\n839402d6\tdevice\nC1OKAS051559\tdevice\nR58M30ABCDE\tunauthorized\n0123456789ABCDEF\toffline\nHT7A1B234567\trecovery\nZY2239XYZ\tsideload\nabceb966\tno permissions (user in plugdev group; are your udev rules wrong?); see [http://developer.android.com/tools/device.html]\n\n' >"$T/devices"
same "adb devices (short form, tab separated)" "$T/devices" A devices

printf 'SM-J410G\n' >"$T/w"
same "adb -s SERIAL shell getprop ro.product.model prints the value (shell v2)" "$T/w" \
    A -s 839402d6 shell getprop ro.product.model
strip "$FIXA/getprop_samsung_galaxy-j4core-SM-J410G_android8.1.txt" >"$T/w"
same "adb -s SERIAL shell getprop returns the whole capture, headers stripped" "$T/w" \
    A -s 839402d6 shell getprop
: >"$T/w"
RC=3 same "adb shell 'exit 3': the exit code comes back through the v2 exit packet" "$T/w" \
    A -s 839402d6 shell 'exit 3'
A -s 839402d6 shell 'echo out; nosuch-cmd; echo after' >"$T/o1" 2>"$T/e1"
rc=$?
{ printf 'out\nafter\n' | cmp -s - "$T/o1" &&
  printf '/system/bin/sh: nosuch-cmd: inaccessible or not found\n' | cmp -s - "$T/e1" &&
  [ $rc -eq 0 ]; } >"$OUT" 2>&1
result $? "stdout and stderr stay separate (v2); an unknown command gets mksh's message"
: >"$T/w"
RC=1 same "'which su' on an unrooted phone: no output, exit 1" "$T/w" A -s 839402d6 shell which su
RC=127 same "unknown command alone: exit 127" /dev/null sh -c "timeout 10 adb -s 839402d6 shell nosuch 2>/dev/null"

printf 'TF201\r\n' >"$T/w"
same "device without shell_v2: the client falls back to legacy shell: (CRLF, pre-7.0 pty)" \
    "$T/w" A -s C1OKAS051559 shell getprop ro.product.model
ok "the fallback was a legacy 'shell:' request (stats shell_legacy 1, log)" \
    sh -c "[ \"\$(sh '$CTL' cmd '$D' '{\"cmd\":\"stats\"}' | python3 -c \"import json,sys; print(json.load(sys.stdin)['devices']['C1OKAS051559']['shell_legacy'])\")\" = 1 ] && grep -q \"REQ 'shell:getprop ro.product.model'\" '$D/fake.log'"

cat >"$T/w" <<'EOF'
error: device unauthorized.
This adb server's $ADB_VENDOR_KEYS is not set
Try 'adb kill-server' if that seems wrong.
Otherwise check for a confirmation dialog on your device.
EOF
RC=1 same "unauthorized device: adb's real error text" "$T/w" A -s R58M30ABCDE shell getprop
printf 'unauthorized\n' >"$T/w"
same "adb get-state on an unauthorized device answers its state" "$T/w" A -s R58M30ABCDE get-state
printf 'error: device offline\n' >"$T/w"
RC=1 same "offline device: 'error: device offline'" "$T/w" A -s 0123456789ABCDEF shell true
printf "error: insufficient permissions for device: user in plugdev group; are your udev rules wrong?\nSee [http://developer.android.com/tools/device.html] for more information\n" >"$T/w"
RC=1 same "no-permissions device: adb 29's long help text" "$T/w" A -s abceb966 shell true
printf "error: insufficient permissions for device: user in plugdev group; are your udev rules wrong?\nSee [http://developer.android.com/tools/device.html] for more information\n" >"$T/w"
RC=1 same "unknown serial while a no-permissions device is plugged: adb 29 answers the permissions text" "$T/w" A -s NOPE shell true
printf 'error: more than one device/emulator\n' >"$T/w"
RC=1 same "no -s with several devices: 'more than one device/emulator'" "$T/w" A shell true
printf 'recovery\n' >"$T/w"
same "recovery device: shell works there (getprop ro.bootmode)" "$T/w" A -s HT7A1B234567 shell getprop ro.bootmode
printf 'error: closed\n' >"$T/w"
RC=1 same "sideload device: a shell is refused with 'closed'" "$T/w" A -s ZY2239XYZ shell true

ok "raw: host:version is OKAY00040029" raw "$P" version
ok "raw: host:host-features is the real server's list" raw "$P" host-features
ok "raw: host:tport:serial answers OKAY + 8-byte LE transport id, then shell v2 packets" \
    raw "$P" tport 839402d6 1
ok "raw: legacy host:transport: answers a bare OKAY" raw "$P" transport-legacy 839402d6

(A -s NEWPHONE1 wait-for-device >"$T/wait.out" 2>&1; echo $? >"$T/wait.rc") &
sleep 1
ctl '{"cmd":"attach","device":{"serial":"NEWPHONE1","usb":"usb:2-1"}}' >/dev/null
wait
ok "adb wait-for-device returns once the device is attached (control attach)" \
    sh -c "[ \"\$(cat '$T/wait.rc')\" = 0 ]"
raw "$P" track NEWPHONE1 >"$T/track.out" 2>&1 &
tp=$!
i=0
while ! grep -q LISTENING "$T/track.out" && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
ctl '{"cmd":"detach","serial":"NEWPHONE1"}' >/dev/null
wait $tp
st=$?
cp "$T/track.out" "$OUT"
result $st "host:track-devices-l pushes a new list when a device is detached"
stop

# ------------------------------------------------------------------ one batched probe
start pixel "$S/adb-pixel8pro-probe.json"
ok "raw: unknown host service / no transport / not found texts are the real server's" raw "$P" unknown
printf "error: device 'NOPE' not found\n" >"$T/w"
RC=1 same "unknown serial: \"device 'NOPE' not found\"" "$T/w" A -s NOPE shell true
ok "compound line with 'echo MARKER' separators: every part answered, one shell service" \
    raw "$P" marker 3A281FDJH00ABC
A -s 3A281FDJH00ABC shell 'getprop; echo @@ATELIER@@; dumpsys battery; echo @@ATELIER@@; dumpsys diskstats; echo @@ATELIER@@; df /data; echo @@ATELIER@@; service call iphonesubinfo 1; echo @@ATELIER@@; settings get global device_provisioned' >"$T/probe" 2>&1
{ strip "$FIXA/getprop_google_pixel8pro-husky_android16.txt"; echo @@ATELIER@@
  strip "$FIX/dumpsys-battery_google_pixel-c-dragon_android7.txt"; echo @@ATELIER@@
  strip "$FIX/dumpsys-diskstats_nvidia-shield-darcy_android7.txt"; echo @@ATELIER@@
  printf 'Filesystem             Size   Used   Free   Blksize\n/data                   27G    19G     8G   4096\n'; echo @@ATELIER@@
  strip "$FIX/service-call-iphonesubinfo-1_android5.txt"; echo @@ATELIER@@; echo 1; } >"$T/w"
{ cmp "$T/w" "$T/probe" && [ "$(stat_of 3A281FDJH00ABC shell_services)" = 2 ] &&
  [ "$(stat_of 3A281FDJH00ABC connections)" = 2 ]; } >"$OUT" 2>&1
result $? "adb shell with a 6-part probe line: the captures in order; stats count 1 shell service per probe"
strip "$FIX/pm-list-features_sharp1-mediatek_android8plus.txt" >"$T/w"
same "adb shell pm list features: the capture, CRLF kept" "$T/w" A -s 3A281FDJH00ABC shell pm list features
ctl '{"cmd":"set","serial":"3A281FDJH00ABC","shell":{"dumpsys account":"Accounts: 0\n"}}' >/dev/null
printf 'Accounts: 0\n' >"$T/w"
same "control set: a changed answer (the account removed)" "$T/w" A -s 3A281FDJH00ABC shell dumpsys account
ctl '{"cmd":"reset","serial":"3A281FDJH00ABC"}' >/dev/null
printf "error: device '3A281FDJH00ABC' not found\n" >"$T/w"
RC=1 same "control reset: USB debugging is off, adb's own 'device not found'" "$T/w" A -s 3A281FDJH00ABC shell true
printf 'List of devices attached\n\n' >"$T/w"
same "... and adb devices -l no longer lists it" "$T/w" A devices -l
ctl '{"cmd":"attach","serial":"3A281FDJH00ABC"}' >/dev/null
printf 'unauthorized\n' >"$T/w"
same "attached again after the reset: unauthorized (adb_keys erased with /data)" "$T/w" A -s 3A281FDJH00ABC get-state
ctl '{"cmd":"update","serial":"3A281FDJH00ABC","changes":{"state":"device"}}' >/dev/null
printf 'Accounts: 0\n\nActive Sessions: 0\n' >"$T/w"
same "allowed again: no account left" "$T/w" A -s 3A281FDJH00ABC shell dumpsys account
stop

# ------------------------------------------------------------------ unplugged mid-probe
start unplug "$S/adb-unplug-midprobe.json"
A -s 839402d6 shell getprop ro.product.model >/dev/null 2>&1
A -s 839402d6 shell dumpsys battery >"$T/half" 2>/dev/null
full=$(strip "$FIXA/dumpsys-battery_samsung_galaxy-s24_oneui.txt" | wc -c)
got=$(wc -c <"$T/half")
{ echo "got $got of $full bytes"; [ "$got" -gt 0 ] && [ "$got" -lt "$full" ]; } >"$OUT"
result $? "unplug_at_shell 2 midway: the 2nd shell gets half of its output, then EOF"
printf 'List of devices attached\n\n' >"$T/w"
same "... and the device is gone from adb devices -l" "$T/w" A devices -l
printf "error: device '839402d6' not found\n" >"$T/w"
RC=1 same "... and a new shell says the device is not found" "$T/w" A -s 839402d6 shell true
ok "control attach {serial} plugs it back with a new transport id" \
    sh -c "sh '$CTL' cmd '$D' '{\"cmd\":\"attach\",\"serial\":\"839402d6\"}' | grep -q '\"transport_id\": 2'"
stop

# ------------------------------------------------------------------ hang and delay
start hang "$S/adb-hang-slow.json"
ok "hang_on: output before the hanging command arrives, then nothing (socket open)" \
    raw "$P" hang 27dc0283
t0=$(date +%s%N)
A -s 27dc0283 shell getprop ro.product.model >"$OUT" 2>&1
t1=$(date +%s%N)
{ cat "$OUT"; echo "took $(((t1 - t0) / 1000000)) ms"; [ $(((t1 - t0) / 1000000)) -ge 400 ]; } >"$T/o2"
cp "$T/o2" "$OUT"
result $? "delay_ms 200: features + transport + shell answers each wait (>= 400 ms in all)"
RC=124 same "adb shell on the hanging command does not return (timeout 2 s)" /dev/null \
    sh -c 'timeout 2 adb -s 27dc0283 shell dumpsys diskstats >/dev/null 2>&1'
stop

# ------------------------------------------------------------------ malformed replies
start bad "$S/adb-malformed.json"
ok "malformed replies once each (OKAX, bad hex length, 4-byte tport id, truncated v2 packet), then normal" \
    raw "$P" malformed
ctl '{"cmd":"update","serial":"839402d6","changes":{"max_packet":7}}' >/dev/null
ok "max_packet 7: getprop arrives as many small v2 packets" raw "$P" small-packets 839402d6 7
ctl '{"cmd":"fault","fault":{"service":"version","kind":"fail","message":"boom","times":1}}' >/dev/null
printf 'adb: failed to check server version: boom\n' >"$T/w"
RC=1 same "control fault on host:version: the real client reports the FAIL text" "$T/w" A devices
raw "$P" kill >"$OUT" 2>&1
st=$?
sleep 0.5
{ [ $st -eq 0 ] && ! alive "$(cat "$D/fake.pid")"; } >>"$OUT" 2>&1
result $? "host:kill: OKAY, then the fake exits"
rm -f "$D/fake.pid"

start term "$S/adb-mixed-states.json"
pid=$(cat "$D/fake.pid")
kill -TERM "$pid"
i=0
while alive "$pid" && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
{ ! alive "$pid" && [ ! -e "$D/control.sock" ]; } >"$OUT" 2>&1
result $? "SIGTERM: the fake exits and removes its control socket"
rm -f "$D/fake.pid"

echo "1..$N"
[ "$FAILED" -eq 0 ]
