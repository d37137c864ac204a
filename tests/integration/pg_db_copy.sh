#!/bin/sh
# atelier db copy: a workshop of one bench (SQLite, a certified and sold iPhone, its
# trainee's jobs, a withdrawn and a valid certificate) moved to PostgreSQL, where every
# chain and certificate checks and the screens show the same; then back into a new data
# directory's SQLite file, where the records are the same row for row as they started.
# A copy never goes into a database that holds records, and leaves nothing there when
# it is refused. Needs the suite's PostgreSQL (ATELIER_TEST_PG, made by make check).
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/../lib/accounts.sh"

if [ -z "${ATELIER_TEST_PG:-}" ]; then
    echo "1..0 # SKIP no test PostgreSQL (ATELIER_TEST_PG; make check starts one)"
    exit 0
fi
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
T=$(mktemp -d)
FAKECTL="$ROOT/tests/fakes/fakectl.sh"
SC="$ROOT/tests/fakes/scenarios/iphone-ios17-paired.json"
J="python3 $ROOT/tests/lib/jq.py"
export FAKE_USBMUXD_KEY_CACHE="$T/keys"
mkdir -p "$FAKE_USBMUXD_KEY_CACHE" "$T/checklists"
DB="atelier_copy_$$"
DB2="atelier_copy_full_$$"
URL=$(echo "$ATELIER_TEST_PG" | sed "s|/atelier_test?|/$DB?|")
URL2=$(echo "$ATELIER_TEST_PG" | sed "s|/atelier_test?|/$DB2?|")
cleanup() {
    sh "$FAKECTL" stop "$T/fake" >/dev/null 2>&1
    for d in "$DB" "$DB2"; do
        psql -X -q "$ATELIER_TEST_PG" -c "DROP DATABASE IF EXISTS $d WITH (FORCE)" >/dev/null 2>&1
    done
    rm -rf "$T"
}
trap cleanup EXIT
unset ATELIER_DB

. "$ROOT/tests/lib/certified_iphone.sh"
$A certify $U --by claire >/dev/null
CID=$($A certificate list --json | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])')
$A certificate export "$CID" --json "$T/cert.json" >/dev/null
$A device sell $S --price 89,50 --channel shop --buyer-ref INV-1 --by claire >/dev/null
$A device return $S --why "the speaker crackles" --by boss >/dev/null
check "the workshop on SQLite checks before the copy" $A db check

# What a person sees, to compare on each side of the copy.
views() { # ATELIER_DB DIR OUT
    for cmd in "job list --json" "device list --json" "certificate list --json" \
        "job show 1 --json" "device show $S --json" "audit --json"; do
        echo "== $cmd"
        ATELIER_DB=$1 XDG_RUNTIME_DIR=$(_rundir claire) $ATELIER --data "$2" $cmd 2>&1
    done >"$3"
}
views "" "$T/data" "$T/before.txt"
# The rows of every table, ordered by their first column.
rows() { # SQLITE_FILE
    for t in $(sqlite3 "$1" "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"); do
        echo "== $t"
        sqlite3 "$1" "SELECT * FROM $t ORDER BY 1"
    done
}
rows "$T/data/atelier.db" >"$T/rows.before"

psql -X -q -v ON_ERROR_STOP=1 "$ATELIER_TEST_PG" -c "CREATE DATABASE $DB" -c "CREATE DATABASE $DB2" >/dev/null
check "db copy moves the records to an empty PostgreSQL database and says the copy checks out" \
    sh -c "$A db copy --to '$URL' >$T/copy.out && grep -q '^[0-9]* rows copied from $T/data/atelier.db to postgresql://' $T/copy.out &&
           grep -q '^the copy checks out: [1-9][0-9]* chains, 1 certificates' $T/copy.out"
check "on PostgreSQL, db check finds every chain whole" \
    sh -c "ATELIER_DB='$URL' $A db check | grep -q ': ok'"
check "the certificate exported before the copy verifies against the copy's records" \
    sh -c "ATELIER_DB='$URL' $A verify '$T/cert.json' | grep -q 'was withdrawn'"
views "$URL" "$T/data" "$T/on_pg.txt"
check "jobs, devices, certificates and the audit log read the same on PostgreSQL" \
    diff "$T/before.txt" "$T/on_pg.txt"
check "the next job on PostgreSQL takes the next number, after the copied ones" \
    sh -c "ATELIER_DB='$URL' $A job start --device $U --checklist intake --trainee amina >$T/next.out &&
           ATELIER_DB='$URL' $A job list --json >$T/jobs.json &&
           $J $T/jobs.json \"sorted(j['id'] for j in d)[-1]\" 4"
check "and it checks out too" sh -c "ATELIER_DB='$URL' $A db check | grep -q ': ok'"

# A second copy into the same database is refused, and leaves it as it was.
before=$(psql -X -qAt "$URL" -c "SELECT count(*) FROM ledger")
expect_status 2 "a copy into a database that holds records is refused" $A db copy --to "$URL"
check "and the refusal says so in words" \
    sh -c "$A db copy --to '$URL' 2>&1 | grep -q 'already holds records; a copy goes into an empty database only'"
check "the refused copy added nothing there" \
    test "$(psql -X -qAt "$URL" -c "SELECT count(*) FROM ledger")" = "$before"
expect_status 2 "a copy onto the records themselves is refused" $A db copy --to "$T/data"

# Back: from the first copy (before the new job) into a new data directory's SQLite file.
check "db copy back from PostgreSQL into a new data directory checks out" \
    sh -c "$A db copy --to '$URL2' >/dev/null && ATELIER_DB='$URL2' $A db copy --to $T/back >$T/back.out &&
           grep -q '^the copy checks out: [1-9][0-9]* chains, 1 certificates' $T/back.out"
check "the workshop's keys came along" cmp "$T/data/keys/workshop.pub" "$T/back/keys/workshop.pub"
check "back on SQLite, db check finds every chain whole" sh -c "$ATELIER --data $T/back db check | grep -q ': ok'"
rows "$T/back/atelier.db" >"$T/rows.back"
check "after the trip to PostgreSQL and back, every table holds the same rows" \
    diff "$T/rows.before" "$T/rows.back"
expect_status 2 "a copy into a folder whose database holds records is refused" \
    $A db copy --to "$T/back"

done_testing
