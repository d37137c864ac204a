#!/bin/sh
# Run one shell test with the records on PostgreSQL: a database of its own on the
# suite's private server (ATELIER_TEST_PG, made by `make check`), named in ATELIER_DB
# for every atelier the test runs, and dropped at the end whatever the result. The
# test itself is the SQLite one, unchanged: what it checks holds on both backends.
#
# usage: sh tests/lib/on_pg.sh NAME (tests/integration/pg_NAME.sh does)
name=$1
here=$(cd "$(dirname "$0")/../integration" && pwd)
if [ -z "${ATELIER_TEST_PG:-}" ]; then
    echo "1..0 # SKIP no test PostgreSQL (ATELIER_TEST_PG; make check starts one)"
    exit 0
fi
db="atelier_$(echo "$name" | tr -c 'a-z0-9_\n' '_')_$$"
# The suite's URL names its database; the same server with another one.
url=$(echo "$ATELIER_TEST_PG" | sed "s|/atelier_test?|/$db?|")
psql -X -q -v ON_ERROR_STOP=1 "$ATELIER_TEST_PG" -c "CREATE DATABASE $db" >/dev/null || {
    echo "Bail out! cannot create the database $db on $ATELIER_TEST_PG"
    exit 1
}
# The test's database, and those it made for copies or other workshops (tests/lib/tap.sh:
# records_copy, records_new name them ${db}__N).
drop() {
    for d in $(psql -X -qAt "$ATELIER_TEST_PG" \
        -c "SELECT datname FROM pg_database WHERE datname LIKE '${db}\\_\\_%'") $db; do
        psql -X -q "$ATELIER_TEST_PG" -c "DROP DATABASE IF EXISTS $d WITH (FORCE)" >/dev/null 2>&1
    done
}
trap drop EXIT
trap 'exit 130' INT TERM
ATELIER_DB=$url sh "$here/$name.sh"
rc=$?
exit $rc
