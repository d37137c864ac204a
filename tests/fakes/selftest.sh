#!/bin/sh
# selftest.sh - acceptance test of tests/fakes/fake_usbmuxd.py against the REAL
# libimobiledevice 1.3.0 / libusbmuxd 2.0.2 tools (idevice_id, ideviceinfo,
# idevicepair, idevicediagnostics).  Prints TAP.  Skips everything (exit 0) when
# the tools are missing.
#
#   sh tests/fakes/selftest.sh          (LOOPS=50 by default for the leak test)
# $TO and pkg-config's output are split on purpose:
# shellcheck disable=SC2086,SC2046
set -u
here=$(cd "$(dirname "$0")" && pwd)
S=$here/scenarios
CTL=$here/fakectl.sh
T=$(mktemp -d "${TMPDIR:-/tmp}/fakeself.XXXXXX")
LOOPS=${LOOPS:-50}
N=0
FAILED=0
OUT=$T/out

cleanup() {
    for d in "$T"/*/; do
        [ -f "$d/fake.pid" ] && sh "$CTL" stop "$d" >/dev/null 2>&1
    done
    rm -rf "$T"
}
trap cleanup EXIT
trap "exit 1" HUP INT TERM PIPE

for tool in idevice_id ideviceinfo idevicepair idevicediagnostics python3 openssl; do
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

# out_has NAME REGEX CMD...: CMD's output (stdout+stderr) matches REGEX (grep -E)
out_has() {
    name=$1 re=$2
    shift 2
    "$@" >"$OUT" 2>&1
    grep -Eq "$re" "$OUT"
    result $? "$name"
}

# out_lacks NAME REGEX CMD...
out_lacks() {
    name=$1 re=$2
    shift 2
    "$@" >"$OUT" 2>&1
    ! grep -Eq "$re" "$OUT"
    result $? "$name"
}

start() { # start NAME SCENARIO [args]: sets D and USBMUXD_SOCKET_ADDRESS
    D=$T/$1
    scen=$2
    shift 2
    sh "$CTL" start "$D" "$scen" "$@" >"$OUT" 2>&1
    result $? "fake starts and says ready ($(basename "$scen") $*)"
    USBMUXD_SOCKET_ADDRESS=UNIX:$D/usbmuxd.sock
    export USBMUXD_SOCKET_ADDRESS
}

stop() {
    sh "$CTL" stop "$D" >"$OUT" 2>&1
    st=$?
    [ $st -eq 0 ] && [ ! -e "$D/usbmuxd.sock" ] && [ ! -e "$D/control.sock" ]
    result $? "fake stops on SIGTERM and removes its sockets"
}

cmd() { sh "$CTL" cmd "$D" "$1"; }

# jq-less JSON query: stat PATH... (python expression on the stats answer `s`)
stat() {
    cmd '{"cmd":"stats"}' | python3 -c "import json,sys; s=json.load(sys.stdin); print($1)"
}

TO="timeout 30"

# ---------------------------------------------------------------- paired iOS 17
U=00008110-000E44540A2A0000
start ios17 "$S/iphone-ios17-paired.json"
out_has "idevice_id -l lists the UDID" "^$U\$" $TO idevice_id -l
out_has "ideviceinfo: full root domain through a TLS session" "^SerialNumber: C1QQABCD4R" $TO ideviceinfo -u $U
out_has "ideviceinfo: root has ProductType and ActivationState" "ActivationState: Activated" $TO ideviceinfo -u $U
out_has "ideviceinfo -q com.apple.disk_usage" "^TotalDiskCapacity: 128035676160" $TO ideviceinfo -u $U -q com.apple.disk_usage
out_has "ideviceinfo -q com.apple.mobile.battery" "^BatteryCurrentCapacity: 87" $TO ideviceinfo -u $U -q com.apple.mobile.battery
out_has "ideviceinfo -k a big unsigned value (FamilyID = 2^64-1)" "^18446744073709551615" $TO ideviceinfo -u $U -q com.apple.mobile.iTunes -k FamilyID
out_has "ideviceinfo -x gives XML with <data> for BasebandSerialNumber" "<data>" $TO ideviceinfo -u $U -x -k BasebandSerialNumber
cmd '{"cmd":"reset_stats"}' >/dev/null
out_has "idevicediagnostics ioregentry AppleSmartBattery prints the IORegistry plist" "<key>NominalChargeCapacity</key>" $TO idevicediagnostics -u $U ioregentry AppleSmartBattery
ok "one probe = one lockdown connection, one session, one diagnostics_relay connection" \
    test "$(stat 's["devices"]["'$U'"]["lockdown_connections"], s["devices"]["'$U'"]["sessions_started"], s["devices"]["'$U'"]["sessions_stopped"], s["devices"]["'$U'"]["service_connections"]')" \
    = "1 1 1 {'com.apple.mobile.diagnostics_relay': 1}"
out_has "ioregentry of an entry the phone lacks: empty IORegistry dict" "<dict/>" $TO idevicediagnostics -u $U ioregentry AppleARMPMUCharger
out_has "idevicediagnostics diagnostics GasGauge" "<key>CycleCount</key>" $TO idevicediagnostics -u $U diagnostics GasGauge
out_has "idevicediagnostics mobilegestalt" "<key>PasswordConfigured</key>" $TO idevicediagnostics -u $U mobilegestalt PasswordConfigured
out_has "idevicepair validate on a paired phone" "^SUCCESS: Validated pairing" $TO idevicepair -u $U validate
if command -v cc >/dev/null && pkg-config --exists libimobiledevice-1.0 libusbmuxd-2.0 libplist-2.0 2>/dev/null &&
    cc -o "$T/session_cycle" "$here/session_cycle.c" \
        $(pkg-config --cflags --libs libimobiledevice-1.0 libusbmuxd-2.0 libplist-2.0) 2>"$OUT"; then
    ok "session cycle on one connection: StartSession, StopSession, plain again, StartSession (libimobiledevice API)" \
        "$T/session_cycle" $U
else
    N=$((N + 1))
    echo "ok $N - session cycle # SKIP cannot build session_cycle.c"
fi

# Listen: Attached at once, Detached / Attached / Paired pushed later.
python3 - "$D/usbmuxd.sock" "$D/control.sock" "$U" >"$T/listen.out" 2>&1 <<'EOF' &
import plistlib, socket, struct, sys, time
path = sys.argv[1]
s = socket.socket(socket.AF_UNIX); s.connect(path); s.settimeout(20)
msg = plistlib.dumps({"MessageType": "Listen", "ClientVersionString": "selftest",
                      "ProgName": "selftest", "kLibUSBMuxVersion": 3})
s.sendall(struct.pack("<IIII", 16 + len(msg), 1, 8, 7) + msg)
def read():
    h = b""
    while len(h) < 16:
        c = s.recv(16 - len(h))
        if not c: raise SystemExit("eof")
        h += c
    n, v, t, tag = struct.unpack("<IIII", h)
    b = b""
    while len(b) < n - 16:
        b += s.recv(n - 16 - len(b))
    return tag, plistlib.loads(b)
for i in range(4):
    tag, m = read()
    print(m.get("MessageType"), m.get("Number", m.get("DeviceID")), tag, flush=True)
EOF
LPID=$!
sleep 1
cmd "{\"cmd\":\"detach\",\"udid\":\"$U\"}" >/dev/null
out_lacks "after detach idevice_id no longer lists it" "$U" $TO idevice_id -l
out_has "ideviceinfo on a detached phone fails" "not found|No device" $TO ideviceinfo -u $U -k ProductType
cmd "{\"cmd\":\"attach\",\"device\":{\"udid\":\"$U\"}}" >/dev/null
out_has "after attach it is listed again" "^$U\$" $TO idevice_id -l
wait $LPID
tr '\n' ' ' <"$T/listen.out" >"$OUT"
grep -Eq "^Result 0 7 Attached 1 0 Detached 1 0 Attached 2 0" "$OUT"
result $? "Listen: Result, Attached, then Detached and Attached (new DeviceID) pushed with tag 0"

# Leak check: many full sessions, then threads / fds / open connections back down.
before=$(stat 's["global"]["open_fds"]')
i=0
bad=0
while [ $i -lt "$LOOPS" ]; do
    $TO ideviceinfo -u $U -k ProductVersion >"$OUT" 2>&1 || bad=$((bad + 1))
    i=$((i + 1))
done
[ $bad -eq 0 ]
result $? "ideviceinfo $LOOPS times in a row"
sleep 0.5
stat '" ".join(str(x) for x in (s["global"]["threads"], s["global"]["open_fds"], s["global"]["mux_open"], s["global"]["listeners"], s["devices"]["'$U'"]["open_connections"]))' >"$OUT"
read -r th fds mo li oc <"$OUT"
echo "threads=$th fds=$fds (before $before) mux_open=$mo listeners=$li device_conns=$oc" >>"$OUT"
[ "$th" -le 2 ] && [ "$fds" -le "$before" ] && [ "$mo" -eq 0 ] && [ "$li" -eq 0 ] && [ "$oc" -eq 0 ]
result $? "no thread, socket or connection left over after $LOOPS sessions"
stop

# ---------------------------------------------------------------- pairing outcomes
U=00008110-000E44540A2A0001
start locked "$S/iphone-locked-then-trusted.json"
out_has "ideviceinfo -s (no session) on an unpaired phone gives ProductType" "^ProductType: iPhone14,5" $TO ideviceinfo -s -u $U
out_has "ideviceinfo -s gives ProductVersion" "^ProductVersion: 17.5.1" $TO ideviceinfo -s -u $U
out_lacks "ideviceinfo -s does not give private keys (SerialNumber)" "^SerialNumber:" $TO ideviceinfo -s -u $U
out_has "ideviceinfo (needs pairing) on a locked phone: Password protected (-17)" "Password protected \(-17\)" $TO ideviceinfo -u $U
out_has "idevicepair pair while locked: passcode message" "because a passcode is set" $TO idevicepair -u $U pair
out_has "idevicepair pair once unlocked: SUCCESS" "^SUCCESS: Paired with device $U" $TO idevicepair -u $U pair
ok "the pair record is saved through usbmuxd SavePairRecord (state dir)" test -s "$D/state/$U.plist"
out_has "idevicepair validate" "^SUCCESS: Validated pairing with device $U" $TO idevicepair -u $U validate
out_has "ideviceinfo works after pairing" "^SerialNumber: C1QQABCD4R" $TO ideviceinfo -u $U
out_has "idevicepair unpair" "^SUCCESS: Unpaired with device $U" $TO idevicepair -u $U unpair
ok "unpair deleted the pair record (DeletePairRecord)" test ! -e "$D/state/$U.plist"
stop

U=00008110-000E44540A2A0002
start pending "$S/iphone-pending-then-denied.json"
out_has "ideviceinfo while the Trust dialog shows: Pairing dialog response pending (-19)" "Pairing dialog response pending \(-19\)" $TO ideviceinfo -u $U
out_has "idevicepair pair after Don't Trust: user denied" "said that the user denied the trust dialog" $TO idevicepair -u $U pair
out_has "idevicepair pair again: accept the trust dialog" "Please accept the trust dialog" $TO idevicepair -u $U pair
cmd "{\"cmd\":\"update\",\"udid\":\"$U\",\"changes\":{\"pair_default\":\"ok\"}}" >/dev/null
out_has "control update, then the trainee taps Trust: SUCCESS" "^SUCCESS: Paired" $TO idevicepair -u $U pair
stop

U=00008110-000E44540A2A0003
start stale "$S/iphone-stale-pair.json"
out_has "stale pair record: ideviceinfo fails with Invalid HostID (-21)" "Invalid HostID \(-21\)" $TO ideviceinfo -u $U
out_has "idevicepair validate with the stale record fails" "ERROR" $TO idevicepair -u $U validate
out_has "idevicepair pair replaces it" "^SUCCESS: Paired" $TO idevicepair -u $U pair
out_has "then ideviceinfo works" "^ProductType: iPhone14,5" $TO ideviceinfo -u $U
stop

U=00008110-000E44540A2A0005
start mdm "$S/iphone-supervised-no-pairing.json"
out_has "supervised phone that forbids pairing: MC protected (-38)" "MC protected \(-38\)" $TO ideviceinfo -u $U
stop

# ---------------------------------------------------------------- other phones
U=3a9f6c2e1b0d4e5f60718293a4b5c6d7e8f90123
start old "$S/iphone-old-armpmu.json"
out_has "iOS 9 phone (TLS 1.0 session): ideviceinfo" "^ProductVersion: 9.3.5" $TO ideviceinfo -u $U
ok "its session ran TLS 1.0" grep -q "session TLS: TLSv1 " "$D/fake.log"
out_has "idevicediagnostics ioregentry AppleARMPMUCharger" "<key>CycleCount</key>" $TO idevicediagnostics -u $U ioregentry AppleARMPMUCharger
out_has "no AppleSmartBattery entry on it" "<dict/>" $TO idevicediagnostics -u $U ioregentry AppleSmartBattery
stop

U=00008030-001A2B3C4D5E802E
start unact "$S/iphone-unactivated.json"
out_has "unactivated phone: ActivationState Unactivated (pairs without a dialog)" "^Unactivated" $TO ideviceinfo -u $U -k ActivationState
out_has "unactivated phone: purplebuddy SetupDone false (asked by key)" "^false" $TO ideviceinfo -u $U -q com.apple.purplebuddy -k SetupDone
stop

U=00008110-000E44540A2A0004
start unplug "$S/iphone-unplug-mid-session.json"
out_has "cable pulled after StartService: idevicediagnostics cannot reach the service" "ERROR" $TO idevicediagnostics -u $U ioregentry AppleSmartBattery
out_lacks "the phone is gone from the list" "$U" $TO idevice_id -l
ok "stats: detached once" test "$(stat 's["devices"]["'$U'"]["detach_count"], s["devices"]["'$U'"]["attached"]')" = "1 False"
stop

U=00008110-000E44540A2A0006
start slow "$S/iphone-slow-hang-disk.json"
timeout 5 ideviceinfo -u $U -q com.apple.disk_usage >"$OUT" 2>&1
st=$?
echo "exit status $st" >>"$OUT"
[ $st -eq 124 ]
result $? "hang_on GetValue:com.apple.disk_usage: the client waits (killed by timeout 5)"
out_has "the same phone still answers other requests (delay_ms 200)" "^17.5.1" $TO ideviceinfo -u $U -k ProductVersion
ok "stats count the hung request" test "$(stat 's["devices"]["'$U'"]["hung_requests"]')" -ge 1
stop

# ---------------------------------------------------------------- 16 phones
start bench "$S/iphone-ios17-paired.json" --clone 16
$TO idevice_id -l >"$OUT" 2>&1
[ "$(sort -u "$OUT" | grep -c .)" -eq 16 ]
result $? "--clone 16: idevice_id -l lists 16 distinct UDIDs"
last=$(sort "$OUT" | tail -n 1)
out_has "the 16th clone answers ideviceinfo with its own UDID" "^UniqueDeviceID: $last" $TO ideviceinfo -u "$last"
pids=""
for u in $($TO idevice_id -l); do
    ( $TO idevicediagnostics -u "$u" ioregentry AppleSmartBattery >"$T/bench.$u" 2>&1 ) &
    pids="$pids $!"
done
bad=0
for p in $pids; do wait "$p" || bad=$((bad + 1)); done
echo "$bad failed" >"$OUT"
[ $bad -eq 0 ] && [ "$(grep -l NominalChargeCapacity "$T"/bench.* | grep -c .)" -eq 16 ]
result $? "16 idevicediagnostics at once all get their battery entry"
stop

echo "1..$N"
[ $FAILED -eq 0 ]
