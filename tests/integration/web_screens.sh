#!/bin/sh
# The trainee's screen of atelier serve in real headless Chromium (Debian's chromium,
# driven by playwright-core): the start page alone (tests/web/page_check.mjs), then a
# trainee's work with the keyboard only (tests/web/trainee_flow.mjs): sign-in with her
# PIN, the bench, a recorded device, the intake checklist with a correction, one step
# of every kind, a refused then accepted submission listed in the instructor's console
# (French, Dutch, Arabic), her grade read in My work, Dutch and Arabic (right to left),
# the quarantine screen, the console refused to her, then empty once graded; then an
# admin's accounts (tests/web/accounts.mjs): a trainee added, her PIN reset, her account
# switched off and her sign-in refused, in French; in Dutch on a small screen, switched
# on again and made an instructor; an instructor refused the accounts. At every
# screen, at 1366x768, 800x1280, 1280x800 and 360x640: no console error (the
# Content-Security-Policy refuses nothing), no serious or critical axe-core problem,
# every target at least 44 px, every control reached with Tab, and a screenshot (kept in
# ATELIER_SCREENSHOTS when that names a folder, e.g. docs/screenshots).
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
# The server runs inside a simulated USB bench (tests/tools/usbbed), so that the walk
# plugs a phone in and sees its card come: the whole test is run in it.
if [ -z "${USBBED_CTL:-}" ]; then
    BUILD=${ATELIER_BUILD:-$ROOT/build}
    U=$(mktemp -d)
    trap 'rm -rf "$U"' EXIT
    USBBED_CTL="$U/ctl" umockdev-wrapper "$BUILD/tests/usbbed" "$U/ctl" -- sh "$0"
    exit $?
fi
. "$ROOT/tests/lib/tap.sh"
. "$ROOT/tests/lib/accounts.sh"

T=$(mktemp -d)
SERVER=""
# The browser stays out of umockdev's preload: only the server needs the simulated USB.
NODE="env -u LD_PRELOAD -u UMOCKDEV_DIR node"
FAKECTL="$ROOT/tests/fakes/fakectl.sh"
trap '[ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null; sh "$FAKECTL" stop "$T/fake" >/dev/null 2>&1; rm -rf "$T"' EXIT
export TMPDIR="$T" # Chromium's profile, Playwright's files: all in the test's folder
J="python3 $ROOT/tests/lib/jq.py"
# field FILE EXPR: print a value of a page's report.
field() {
    python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2"
}

if [ ! -d "$ROOT/node_modules/playwright-core" ] || [ ! -x /usr/bin/chromium ]; then
    echo "Bail out! the browser tools are missing: run scripts/setup-deps.sh (make check does)"
    exit 1
fi

# The store: an admin, a trainee with her PIN, an instructor; an iPhone read through
# the fake usbmuxd (which stays up: automatic steps read the phone again); the
# workshop's own practice checklist beside the shipped ones.
export FAKE_USBMUXD_KEY_CACHE="$T/keys"
mkdir -p "$FAKE_USBMUXD_KEY_CACHE" "$T/data/checklists" "$T/shots"
cp "$ROOT/tests/fixtures/web/web-kinds.yaml" "$T/data/checklists/"
sh "$FAKECTL" start "$T/fake" "$ROOT/tests/fakes/scenarios/iphone-ios17-paired.json" >/dev/null
export USBMUXD_SOCKET_ADDRESS="UNIX:$T/fake/usbmuxd.sock"
A="$ATELIER --data $T/data"
if ! { init_admin "$A" && add_user "$A" amina trainee && add_user "$A" sam instructor &&
       signin amina && $A probe >/dev/null; }; then
    echo "Bail out! the accounts or the first reading could not be made"
    exit 1
fi
cat >"$T/facts.json" <<JSON
{"serial": "C1QQABCD4R", "udid": "00008110-000E44540A2A0000",
 "trainee": "amina", "pin": "$(cat "$T/secret-amina")",
 "instructor": "sam", "password": "$(cat "$T/secret-sam")",
 "admin": "boss", "admin_password": "$(cat "$T/secret-boss")",
 "usb_ctl": "$USBBED_CTL"}
JSON

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$ATELIER_REAL" --data "$T/data" serve --listen "127.0.0.1:$PORT" >"$T/serve.out" 2>&1 &
SERVER=$!
n=0
until grep -q "Atelier is at" "$T/serve.out" 2>/dev/null; do
    n=$((n + 1))
    if [ $n -gt 100 ]; then
        sed 's/^/# /' "$T/serve.out"
        echo "Bail out! atelier serve did not start"
        exit 1
    fi
    sleep 0.1
done

# ---- the start page alone ----
page() {
    $NODE "$ROOT/tests/web/page_check.mjs" "http://127.0.0.1:$PORT$2" "$T/shots" "$1" >"$T/$1.json" 2>"$T/$1.err"
}
check "the start page opens in Chromium" page start /
screens=$(field "$T/start.json" "len(d['screens'])" 2>/dev/null || echo 0)
i=0
while [ "$i" -lt "$screens" ]; do
    v=$(field "$T/start.json" "d['screens'][$i]['viewport']")
    check "start page ($v): served, titled Atelier, the sign-in's heading" \
        $J "$T/start.json" "(d['screens'][$i]['status'], d['screens'][$i]['title'], d['screens'][$i]['heading'])" "(200, 'Atelier', 'Sign in to Atelier')"
    check "start page ($v): no console error (nothing refused by the Content-Security-Policy)" \
        $J "$T/start.json" "d['screens'][$i]['console_errors']" "[]"
    check "start page ($v): no serious accessibility problem (axe-core)" \
        $J "$T/start.json" "d['screens'][$i]['axe_serious']" "[]"
    check "start page ($v): the keyboard reaches every control" \
        $J "$T/start.json" "d['screens'][$i]['reached_by_tab'] >= d['screens'][$i]['controls']"
    check "start page ($v): every target is at least 44 px" \
        $J "$T/start.json" "d['screens'][$i]['small_targets']" "[]"
    check "start page ($v): a screenshot was taken" \
        test -s "$(field "$T/start.json" "d['screens'][$i]['screenshot']")"
    i=$((i + 1))
done

# ---- a trainee's work ----
$NODE "$ROOT/tests/web/trainee_flow.mjs" "http://127.0.0.1:$PORT" "$T/shots" "$T/facts.json" >"$T/flow.json" 2>"$T/flow.err"
check "the trainee's walk ran to its end" $J "$T/flow.json" "d.get('finished', False)"
# Printed only (the targets are measured in bench/): a plug to its card on the screen.
field "$T/flow.json" "'# plug to card on the screen: %(plug_to_card_ms)d ms; to the read card: %(plug_to_read_card_ms)d ms' % d['timings']" 2>/dev/null || :
[ -s "$T/flow.json" ] || sed 's/^/# /' "$T/flow.err" | head -40
# walk_tap NAME: one TAP line per check of the walk's report $T/NAME.json, its detail
# shown when it fails.
walk_tap() {
    python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
for c in d["checks"]:
    detail = json.dumps(c.get("detail"), ensure_ascii=False, indent=1) if not c["ok"] else ""
    print("%d\t%s\t%s" % (0 if c["ok"] else 1, c["name"].replace("\t", " "), detail.replace("\n", "\\n").replace("\t", " ")))
' "$T/$1.json" >"$T/$1.tap" 2>/dev/null || : >"$T/$1.tap"
    while IFS="$(printf '\t')" read -r status name detail; do
        printf '%s\n' "$detail" | sed 's/\\n/\n/g' >"$TAP_OUT"
        _tap_result "$status" "$name"
    done <"$T/$1.tap"
}
walk_tap flow
# every_shot NAME MIN: each screenshot the walk $T/NAME.json names is a file that is not
# empty, and there are MIN or more.
every_shot() {
    field "$T/$1.json" "'\\n'.join(d['screenshots'])" >"$T/shots.list" || return 1
    [ "$(wc -l <"$T/shots.list")" -ge "$2" ] || { echo "only $(wc -l <"$T/shots.list") screenshots"; return 1; }
    while read -r f; do [ -s "$f" ] || { echo "empty or missing: $f"; return 1; }; done <"$T/shots.list"
}
check "every screen's screenshot was taken (60 or more)" every_shot flow 60

# ---- an admin's accounts, in French, then Dutch on a small screen ----
$NODE "$ROOT/tests/web/accounts.mjs" "http://127.0.0.1:$PORT" "$T/shots" "$T/facts.json" >"$T/accounts.json" 2>"$T/accounts.err"
check "the admin's walk through the accounts ran to its end" $J "$T/accounts.json" "d.get('finished', False)"
[ -s "$T/accounts.json" ] || sed 's/^/# /' "$T/accounts.err" | head -40
walk_tap accounts
check "every screen of the accounts was photographed (8 or more)" every_shot accounts 8

# ---- the inventory: sorted with the keyboard, filtered, downloaded; in French, Arabic ----
$NODE "$ROOT/tests/web/inventory.mjs" "http://127.0.0.1:$PORT" "$T/shots" "$T/facts.json" >"$T/inventory.json" 2>"$T/inventory.err"
check "the instructor's walk through the inventory ran to its end" $J "$T/inventory.json" "d.get('finished', False)"
[ -s "$T/inventory.json" ] || sed 's/^/# /' "$T/inventory.err" | head -40
walk_tap inventory
check "every screen of the inventory was photographed (3 or more)" every_shot inventory 3

if [ -n "${ATELIER_SCREENSHOTS:-}" ]; then
    mkdir -p "$ATELIER_SCREENSHOTS" && cp "$T"/shots/*.png "$ATELIER_SCREENSHOTS"/
fi

done_testing
