#!/bin/sh
# Phones plugged into the bench reach the screens by themselves (GET /api/bench, the
# server-sent events of /api/events): atelier serve inside a simulated USB bench
# (tests/tools/usbbed under umockdev), iPhones behind the fake usbmuxd, an Android phone
# with USB debugging off. Prints the time from a plug to its card and to its read card.
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
if [ -z "${USBBED_CTL:-}" ]; then
    BUILD=${ATELIER_BUILD:-$ROOT/build}
    T=$(mktemp -d)
    trap 'rm -rf "$T"' EXIT
    USBBED_CTL="$T/ctl" WEB_LIVE_T="$T" umockdev-wrapper "$BUILD/tests/usbbed" "$T/ctl" -- sh "$0"
    exit $?
fi
. "$ROOT/tests/lib/tap.sh"
. "$ROOT/tests/lib/accounts.sh"

T="$WEB_LIVE_T"
FAKECTL="$ROOT/tests/fakes/fakectl.sh"
export FAKE_USBMUXD_KEY_CACHE="$T/keys"
mkdir -p "$FAKE_USBMUXD_KEY_CACHE"
# web_live.py prints the TAP itself: tap.sh's folder is removed here, done_testing is not
# called.
trap 'sh "$FAKECTL" stop "$T/fake" >/dev/null 2>&1; rm -rf "$(dirname "$TAP_OUT")"' EXIT
# No adb server answers here (a closed port): an Android phone is seen by USB alone.
export ADB_SERVER_SOCKET="tcp:127.0.0.1:9"
A="$ATELIER --data $T/data"
init_admin "$A"
add_user "$A" amina trainee
sh "$FAKECTL" start "$T/fake" "$ROOT/tests/fakes/scenarios/bench-mixed.json" >/dev/null
export USBMUXD_SOCKET_ADDRESS="UNIX:$T/fake/usbmuxd.sock"

python3 "$ROOT/tests/lib/web_live.py" "$ATELIER" "$T/data" "$T" "$USBBED_CTL" "$(secret_of amina trainee)"
