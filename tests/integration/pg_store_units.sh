#!/bin/sh
# The store's unit tests on PostgreSQL (issue #15: "the store tests run against both
# backends"): the same test programs `make check` runs on SQLite, each of their stores
# in a database of its own on the suite's server (tests/lib/records_here.c, through
# ATELIER_UNIT_PG). A test that is SQLite's alone (its write-ahead log, a rollback
# SQLite makes after an I/O error, a file of an old schema) says so and is skipped.
. "$(dirname "$0")/../lib/tap.sh"

if [ -z "${ATELIER_TEST_PG:-}" ]; then
    echo "1..0 # SKIP no test PostgreSQL (ATELIER_TEST_PG; make check starts one)"
    exit 0
fi
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${ATELIER_BUILD:-$ROOT/build}
T=$(mktemp -d)
PREFIX="atelier_units_$$"
cleanup() {
    for d in $(psql -X -qAt "$ATELIER_TEST_PG" \
        -c "SELECT datname FROM pg_database WHERE datname LIKE '${PREFIX}\\_%'"); do
        psql -X -q "$ATELIER_TEST_PG" -c "DROP DATABASE IF EXISTS $d WITH (FORCE)" >/dev/null 2>&1
    done
    rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# The store's tests: jobs and their chains, the ledger, grades, readings of devices,
# resale, certification's rules on the records, and the service layer above them.
for t in job ledger grades probe_store resale certify svc; do
    bin="$BUILD/tests/unit_test_$t"
    [ -x "$bin" ] || { echo "Bail out! $bin is not built (make $bin)"; exit 1; }
    # cmocka's own report (tests/runner asks the unit tests for TAP).
    CMOCKA_MESSAGE_OUTPUT=STDOUT ATELIER_UNIT_PG="$ATELIER_TEST_PG" ATELIER_UNIT_PG_PREFIX="${PREFIX}_$t" "$bin" >"$T/$t.out" 2>&1
    echo $? >"$T/$t.rc"
    grep -E '^\[  (PASSED|SKIPPED|FAILED) +\]' "$T/$t.out" | sed 's/^/# /'
    check "test_$t passes on PostgreSQL" sh -c "test \"\$(cat $T/$t.rc)\" = 0 && grep -q '^\[  PASSED  \] [1-9]' $T/$t.out"
    [ "$(cat "$T/$t.rc")" = 0 ] || sed 's/^/#   /' "$T/$t.out" | grep -E 'ERROR|LINE|FAILED' | head -20
    check "its stores were on PostgreSQL, one database each" \
        sh -c "test \"\$(psql -X -qAt '$ATELIER_TEST_PG' -c \"SELECT count(*) FROM pg_database WHERE datname LIKE '${PREFIX}\\\\_${t}\\\\_%'\")\" -gt 0"
done
done_testing
