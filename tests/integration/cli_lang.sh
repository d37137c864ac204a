#!/bin/sh
# The command line speaks to the trainee in her language, from the catalogues the screen
# uses (po/): the trust instruction atelier probe prints while a locked iPhone (the fake
# usbmuxd) waits for her, in French and in Dutch (LANGUAGE), in English without one; the
# JSON and the numbers stay as they are in every language.
. "$(dirname "$0")/../lib/tap.sh"

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
T=$(mktemp -d)
FAKECTL="$ROOT/tests/fakes/fakectl.sh"
trap 'sh "$FAKECTL" stop "$T/fake" >/dev/null 2>&1; rm -rf "$T"' EXIT
export FAKE_USBMUXD_KEY_CACHE="$T/keys"
mkdir -p "$FAKE_USBMUXD_KEY_CACHE"
export USBMUXD_SOCKET_ADDRESS="UNIX:$T/fake/usbmuxd.sock"
export ADB_SERVER_SOCKET="tcp:127.0.0.1:9"

# probe LANG OUT [--json]: a fresh locked iPhone (PasswordProtected twice, then trusted),
# probed; its words on the terminal in OUT.err (the instruction comes as it waits).
probe() {
    sh "$FAKECTL" stop "$T/fake" >/dev/null 2>&1
    sh "$FAKECTL" start "$T/fake" "$ROOT/tests/fakes/scenarios/iphone-locked-then-trusted.json" >/dev/null
    LC_ALL=C.UTF-8 LANGUAGE="$1" $ATELIER --data "$T/data" probe $3 >"$T/$2.out" 2>"$T/$2.err"
}

probe fr fr
check "in French: the trust instruction in French" \
    grep -q "déverrouillez le téléphone avec son code, puis touchez Se fier" "$T/fr.err"
probe nl nl
check "in Dutch: the trust instruction in Dutch" grep -qi "ontgrendel" "$T/nl.err"
probe "" en
check "with no language asked: in English" \
    grep -q "unlock the phone with its passcode, then tap Trust" "$T/en.err"
probe fr frjson --json
probe "" enjson --json
check "the JSON is the same in every language, numbers with a point" \
    sh -c "grep -q '\"health_pct\": 91.4' '$T/frjson.out' &&
           test \"\$(grep -c . '$T/frjson.out')\" = \"\$(grep -c . '$T/enjson.out')\""

done_testing
