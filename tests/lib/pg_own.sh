# What a PostgreSQL-only test shares (source it after tap.sh): skipped when the suite has
# no server (ATELIER_TEST_PG, made by make check), else ROOT, BUILD, FIXTURE (the
# workshop maker, build/tests/web_fixture), T (a temporary folder), and a database of
# its own on the suite's server: DB its name (PREFIX_PID), URL its URL. Both are removed
# at exit, after the test's own pg_own_cleanup (define it to stop what the test started).
#
# usage: pg_own PREFIX
pg_own() {
    if [ -z "${ATELIER_TEST_PG:-}" ]; then
        echo "1..0 # SKIP no test PostgreSQL (ATELIER_TEST_PG; make check starts one)"
        exit 0
    fi
    ROOT=$(cd "$(dirname "$0")/../.." && pwd)
    BUILD=${ATELIER_BUILD:-$ROOT/build}
    FIXTURE="$BUILD/tests/web_fixture"
    [ -x "$FIXTURE" ] || { echo "Bail out! $FIXTURE is not built (make $FIXTURE)"; exit 1; }
    T=$(mktemp -d)
    DB="${1}_$$"
    URL=$(echo "$ATELIER_TEST_PG" | sed "s|/atelier_test?|/$DB?|")
    trap '_pg_own_end' EXIT
    trap 'exit 130' INT TERM
    psql -X -q -v ON_ERROR_STOP=1 "$ATELIER_TEST_PG" -c "CREATE DATABASE $DB" >/dev/null || {
        echo "Bail out! cannot create the database $DB on $ATELIER_TEST_PG"
        exit 1
    }
}
pg_own_cleanup() { :; }
_pg_own_end() {
    pg_own_cleanup
    psql -X -q "$ATELIER_TEST_PG" -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null 2>&1
    rm -rf "$T"
}
