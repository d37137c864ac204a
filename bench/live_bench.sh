#!/bin/sh
# Plug to card and to a read card, as a screen of atelier serve sees them, with a paired
# iPhone behind the fake usbmuxd in a simulated USB bench (bench/live_bench.py).
# usage: sh bench/live_bench.sh BUILD_DIR [ROUNDS]
set -eu
BUILD=${1:?usage: live_bench.sh BUILD_DIR [ROUNDS]}
ROUNDS=${2:-20}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
T=$(mktemp -d)
trap 'sh "$ROOT/tests/fakes/fakectl.sh" stop "$T/fake" >/dev/null 2>&1; rm -rf "$T"' EXIT
A="$BUILD/atelier --data $T/data"
echo 'pw-boss-correct-horse' >"$T/boss"
echo 13572468 >"$T/pin"
$A init --admin boss --secret-file "$T/boss" >/dev/null
XDG_RUNTIME_DIR="$T/run" ; mkdir -m 700 -p "$T/run"; export XDG_RUNTIME_DIR
$A login boss --secret-file "$T/boss" >/dev/null
$A user add amina --role trainee --secret-file "$T/pin" >/dev/null
export FAKE_USBMUXD_KEY_CACHE="$T/keys"
mkdir -p "$T/keys"
sh "$ROOT/tests/fakes/fakectl.sh" start "$T/fake" "$ROOT/tests/fakes/scenarios/iphone-ios17-paired.json" >/dev/null
export USBMUXD_SOCKET_ADDRESS="UNIX:$T/fake/usbmuxd.sock"
echo "live bench: $ROUNDS plugs of a paired iPhone (fake usbmuxd, simulated USB)"
umockdev-wrapper "$BUILD/tests/usbbed" "$T/ctl" -- \
    python3 "$ROOT/bench/live_bench.py" "$BUILD/atelier" "$T/data" "$T" "$T/ctl" "$T/pin" "$ROUNDS"
