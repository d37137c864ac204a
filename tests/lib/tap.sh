# Minimal TAP for shell tests: source it, call `check NAME COMMAND...` or
# `expect_status CODE NAME COMMAND...`, and `done_testing` at the end.
# Each test's output goes to $TAP_OUT, shown as TAP comments when it fails.
TAP_N=0
TAP_FAILED=0
TAP_OUT=$(mktemp -d)/out
ATELIER=${ATELIER_BIN:-build/atelier}

_tap_result() {
    TAP_N=$((TAP_N + 1))
    if [ "$1" -eq 0 ]; then
        echo "ok $TAP_N - $2"
    else
        TAP_FAILED=$((TAP_FAILED + 1))
        echo "not ok $TAP_N - $2"
        sed 's/^/# /' "$TAP_OUT" 2>/dev/null | head -40
    fi
}

# check NAME CMD...: passes when CMD exits 0.
check() {
    name=$1; shift
    if "$@" >"$TAP_OUT" 2>&1; then _tap_result 0 "$name"; else _tap_result 1 "$name"; fi
}

# expect_status CODE NAME CMD...: passes when CMD exits with CODE.
expect_status() {
    want=$1; name=$2; shift 2
    "$@" >"$TAP_OUT" 2>&1
    got=$?
    if [ "$got" -eq "$want" ]; then
        _tap_result 0 "$name"
    else
        echo "exit status $got, expected $want" >>"$TAP_OUT"
        _tap_result 1 "$name"
    fi
}

done_testing() {
    echo "1..$TAP_N"
    rm -rf "$(dirname "$TAP_OUT")"
    [ "$TAP_FAILED" -eq 0 ]
}
