#!/bin/sh
# The pages of atelier serve in real headless Chromium (Debian's chromium, driven by
# playwright-core; tests/web/page_check.mjs), at a 1366x768 bench screen and a 10-inch
# tablet: each loads under the server's Content-Security-Policy with no console error,
# axe-core finds no serious or critical problem, the keyboard alone reaches every
# control, and a screenshot is taken (kept in docs/screenshots/ when ATELIER_SCREENSHOTS
# names that folder).
. "$(dirname "$0")/../lib/tap.sh"

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
T=$(mktemp -d)
SERVER=""
trap '[ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null; rm -rf "$T"' EXIT
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
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
$ATELIER --data "$T/data" init >/dev/null
$ATELIER --data "$T/data" serve --listen "127.0.0.1:$PORT" >"$T/serve.out" 2>&1 &
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

# page NAME PATH: check one page; its report in $T/NAME.json.
page() {
    node "$ROOT/tests/web/page_check.mjs" "http://127.0.0.1:$PORT$2" "$T" "$1" >"$T/$1.json" 2>"$T/$1.err"
}

check "the start page opens in Chromium" page start /
for i in 0 1; do
    v=$(field "$T/start.json" "d['screens'][$i]['viewport']" 2>/dev/null)
    check "start page ($v): served, titled and headed" \
        $J "$T/start.json" "(d['screens'][$i]['status'], d['screens'][$i]['title'], d['screens'][$i]['heading'])" "(200, 'Atelier', 'Atelier')"
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
done
if [ -n "${ATELIER_SCREENSHOTS:-}" ]; then
    cp "$T"/start-*.png "$ATELIER_SCREENSHOTS"/
fi

done_testing
