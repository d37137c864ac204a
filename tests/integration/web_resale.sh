#!/bin/sh
# The console's sale form and return in real headless Chromium, in French, with the
# keyboard only (tests/web/resale.mjs): a certified iPhone (tests/lib/certified_iphone.sh)
# sold from the Devices page, then taken back by an admin. Every screen is audited and
# photographed (kept in ATELIER_SCREENSHOTS when that names a folder).
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/../lib/accounts.sh"

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
T=$(mktemp -d)
SERVER=""
FAKECTL="$ROOT/tests/fakes/fakectl.sh"
SC="$ROOT/tests/fakes/scenarios/iphone-ios17-paired.json"
J="python3 $ROOT/tests/lib/jq.py"
export FAKE_USBMUXD_KEY_CACHE="$T/keys"
mkdir -p "$FAKE_USBMUXD_KEY_CACHE" "$T/shots"
trap '[ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null; sh "$FAKECTL" stop "$T/fake" >/dev/null 2>&1; rm -rf "$T"' EXIT
export TMPDIR="$T"
if [ ! -d "$ROOT/node_modules/playwright-core" ] || [ ! -x /usr/bin/chromium ]; then
    echo "Bail out! the browser tools are missing: run scripts/setup-deps.sh (make check does)"
    exit 1
fi

. "$ROOT/tests/lib/certified_iphone.sh"
check "the iPhone is certified" sh -c "$A certify $U --by claire | grep -q '^certificate ATL-'"
cat >"$T/facts.json" <<JSON
{"serial": "$S", "instructor": "claire", "password": "$(cat "$T/secret-claire")",
 "admin": "boss", "admin_password": "$(cat "$T/secret-boss")"}
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

node "$ROOT/tests/web/resale.mjs" "http://127.0.0.1:$PORT" "$T/shots" "$T/facts.json" >"$T/walk.json" 2>"$T/walk.err"
check "the resale walk ran to its end" $J "$T/walk.json" "d.get('finished', False)"
[ -s "$T/walk.json" ] || sed 's/^/# /' "$T/walk.err" | head -40
python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
for c in d["checks"]:
    detail = json.dumps(c.get("detail"), ensure_ascii=False) if not c["ok"] else ""
    print("%d\t%s\t%s" % (0 if c["ok"] else 1, c["name"].replace("\t", " "), detail.replace("\t", " ")))
' "$T/walk.json" >"$T/walk.tap" 2>/dev/null || : >"$T/walk.tap"
while IFS="$(printf '\t')" read -r status name detail; do
    printf '%s\n' "$detail" >"$TAP_OUT"
    _tap_result "$status" "$name"
done <"$T/walk.tap"
check "the sale and the return were photographed (6 or more)" \
    test "$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["screenshots"]))' "$T/walk.json" 2>/dev/null || echo 0)" -ge 6
check "the records check after the sale and the return" $ATELIER_REAL --data "$T/data" db check

if [ -n "${ATELIER_SCREENSHOTS:-}" ]; then
    mkdir -p "$ATELIER_SCREENSHOTS" && cp "$T"/shots/console-device-*.png "$ATELIER_SCREENSHOTS"/
fi

done_testing
