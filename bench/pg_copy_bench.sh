#!/bin/sh
# A one-bench workshop of the size issue #15 names moved to PostgreSQL and back with
# `atelier db copy`: DEVICES devices and JOBS jobs (build/tests/web_fixture, every record
# in its signed chain), copied into an empty database on a private server of its own
# (scripts/pg-test-cluster), then from there into a new data directory's SQLite file.
# Each copy checks every chain and certificate on its target before it says it is done
# (svc_copy.c); this script also runs `atelier db check` on both targets and compares the
# row counts of the records' main tables across the three. Prints the time of each step; the figures
# are printed, not asserted (the machines are shared).
#
# usage: sh bench/pg_copy_bench.sh BUILD_DIR
#   PG_COPY_DEVICES (10000), PG_COPY_JOBS (50000)
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${1:-$ROOT/build}
ATELIER="$BUILD/atelier"
FIXTURE="$BUILD/tests/web_fixture"
CLUSTER="$ROOT/scripts/pg-test-cluster"
DEVICES=${PG_COPY_DEVICES:-10000}
JOBS=${PG_COPY_JOBS:-50000}
for p in "$ATELIER" "$FIXTURE"; do
    [ -x "$p" ] || { echo "pg copy bench: $p is not built (make $p)" >&2; exit 1; }
done

T=$(mktemp -d)
# The server's folder directly under /tmp: as root the server runs as nobody, who must
# reach it.
PGDIR=$(mktemp -d /tmp/atelier-pgcopy.XXXXXX)
trap '"$CLUSTER" stop "$PGDIR" >/dev/null 2>&1; rm -rf "$PGDIR" "$T"' EXIT
SERVER=$("$CLUSTER" start "$PGDIR")
psql -X -q -v ON_ERROR_STOP=1 "$SERVER" -c "CREATE DATABASE copied" >/dev/null
URL=$(echo "$SERVER" | sed "s|/atelier_test?|/copied?|")
unset ATELIER_DB

now() { date +%s.%N; }
took() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f s", b - a }'; }

# counts: every table's rows, one "table n" line each, from the records at $1 (a data
# directory) or $2 (a URL).
counts() {
    for t in device probe app_user job step_record grade device_event certificate ledger \
        chain_head bench_key bench_enrolment; do
        if [ -n "${2:-}" ]; then
            n=$(psql -X -qAt "$2" -c "SELECT count(*) FROM $t")
        else
            n=$(sqlite3 "$1/atelier.db" "SELECT count(*) FROM $t")
        fi
        echo "$t $n"
    done
}

echo "pg copy bench: $DEVICES devices, $JOBS jobs"
t0=$(now)
"$ATELIER" --data "$T/one" init >/dev/null
"$FIXTURE" "$T/one" "$DEVICES" "$JOBS" 100 >/dev/null
echo "  the workshop made (SQLite)                 $(took "$t0")"
counts "$T/one" >"$T/one.counts"

t0=$(now)
"$ATELIER" --data "$T/one" db copy --to "$URL" >"$T/to-pg.out" 2>&1 ||
    { cat "$T/to-pg.out"; exit 1; }
echo "  db copy to PostgreSQL, checked             $(took "$t0")"
sed 's/^/    /' "$T/to-pg.out"
counts "" "$URL" >"$T/pg.counts"
t0=$(now)
"$ATELIER" --db "$URL" --data "$T/one" db check >"$T/check-pg.out" 2>&1 ||
    { cat "$T/check-pg.out"; exit 1; }
echo "  db check on PostgreSQL                     $(took "$t0")"

t0=$(now)
"$ATELIER" --db "$URL" --data "$T/one" db copy --to "$T/back" >"$T/back.out" 2>&1 ||
    { cat "$T/back.out"; exit 1; }
echo "  db copy back to SQLite, checked            $(took "$t0")"
sed 's/^/    /' "$T/back.out"
counts "$T/back" >"$T/back.counts"
t0=$(now)
"$ATELIER" --data "$T/back" db check >"$T/check-back.out" 2>&1 ||
    { cat "$T/check-back.out"; exit 1; }
echo "  db check on the copy back                  $(took "$t0")"

if cmp -s "$T/one.counts" "$T/pg.counts" && cmp -s "$T/one.counts" "$T/back.counts"; then
    echo "  the $(wc -l <"$T/one.counts") tables counted hold the same rows on all three: $(awk '{ s += $2 } END { print s }' "$T/one.counts") rows"
else
    echo "  the row counts differ:"
    paste "$T/one.counts" "$T/pg.counts" "$T/back.counts" | sed 's/^/    /'
    exit 1
fi
