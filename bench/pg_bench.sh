#!/bin/sh
# The records on PostgreSQL (issue #15, "Performance"), on a private server of the bench's
# own (scripts/pg-test-cluster, a unix socket in a temporary folder) made durable for the
# run (fsync, synchronous_commit and full_page_writes on: a commit waits for the disk, as
# SQLite's synchronous=FULL does), each figure beside its baseline measured in the same
# run:
#   - append latency: 8 benches recording steps at once (build/tests/pg_benches, two on
#     one job) on PostgreSQL, against ONE bench on SQLite: each as fast as it can (the
#     capacity, queueing included), then at a trainee's brisk pace (each bench pauses
#     PAUSE ms between its steps: the latency of a step itself). Target: p99 <= 15 ms,
#     printed with the ratio to SQLite's p99;
#   - 64 simulated benches on one PostgreSQL: p50, p99 and steps/s, as fast as they can
#     and at a pace of one step every 200 ms each;
#   - the inventory CSV of 100,000 devices (bench/inventory_fixture.py, its rows copied
#     to PostgreSQL): atelier report inventory --format csv against psql --csv running
#     the same query (atelier report inventory --sql) on the same database. Target
#     <= 1.5 x.
# Printed, not asserted: the machines are shared. Every run of pg_benches also checks
# that each acknowledged step is recorded once.
#
# usage: sh bench/pg_bench.sh BUILD_DIR
#   PG_BENCH_SECONDS (10): the length of each latency run; PG_BENCH_PAUSE (20): PAUSE;
#   PG_BENCH_DEVICES (100000): the inventory's devices; PG_BENCH_RUNS (3): runs of each
#   inventory command, the median kept.
set -eu
BUILD=${1:?usage: pg_bench.sh BUILD_DIR}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
ATELIER="$BUILD/atelier"
PGB="$BUILD/tests/pg_benches"
FIXTURE="$BUILD/tests/web_fixture"
CLUSTER="$ROOT/scripts/pg-test-cluster"
SECONDS_RUN=${PG_BENCH_SECONDS:-10}
PAUSE=${PG_BENCH_PAUSE:-20}
DEVICES=${PG_BENCH_DEVICES:-100000}
RUNS=${PG_BENCH_RUNS:-3}
for p in "$ATELIER" "$PGB" "$FIXTURE"; do
    [ -x "$p" ] || { echo "pg bench: $p is not built (make $p)" >&2; exit 1; }
done
[ -x /usr/bin/time ] || { echo "pg bench: /usr/bin/time is missing (Debian's time)" >&2; exit 1; }

T=$(mktemp -d)
# The server's folder directly under /tmp: as root the server runs as nobody, who must
# reach it.
PGDIR=$(mktemp -d /tmp/atelier-pgbench.XXXXXX)
trap '"$CLUSTER" stop "$PGDIR" >/dev/null 2>&1; rm -rf "$PGDIR" "$T"' EXIT
SERVER=$("$CLUSTER" start "$PGDIR")
psql -X -q -v ON_ERROR_STOP=1 "$SERVER" >/dev/null <<'SQL'
ALTER SYSTEM SET fsync = on;
ALTER SYSTEM SET synchronous_commit = on;
ALTER SYSTEM SET full_page_writes = on;
SELECT pg_reload_conf();
SQL
sleep 0.5
echo "pg bench: PostgreSQL $(psql -X -qAt "$SERVER" -c 'SHOW server_version') on a unix socket," \
    "fsync $(psql -X -qAt "$SERVER" -c 'SHOW fsync'), synchronous_commit $(psql -X -qAt "$SERVER" -c 'SHOW synchronous_commit')"

# database NAME: the URL of a new database NAME on the bench's server.
database() {
    psql -X -q -v ON_ERROR_STOP=1 "$SERVER" -c "CREATE DATABASE $1" >/dev/null
    echo "$SERVER" | sed "s|/atelier_test?|/$1?|"
}

echo "pw-bench-correct-horse" >"$T/secret"
# on URL CMD...: CMD with the records at URL ("": the SQLite file of its data directory).
on() {
    url=$1
    shift
    if [ -n "$url" ]; then ATELIER_DB=$url "$@"; else env -u ATELIER_DB "$@"; fi
}

# workshop URL DIR: atelier init and the fixture's workshop (64 devices, 50 open jobs);
# prints the open jobs, comma-separated.
workshop() {
    on "$1" "$ATELIER" --data "$2" init --admin boss --secret-file "$T/secret" >/dev/null
    set -- $(on "$1" "$FIXTURE" "$2" 64 128 10)
    shift
    echo "$*" | tr ' ' ','
}

# run NAME URL DIR JOBS ARGS...: pg_benches on DIR; prints "P50 P99 STEPS_PER_S" (ms).
# What its check finds (a step lost, a bench that never got a step through) is printed
# on stderr, and the figures after it.
run() {
    name=$1 url=$2 dir=$3 jobs=$4
    shift 4
    if ! on "$url" "$PGB" "$dir" --jobs "$jobs" --seconds "$SECONDS_RUN" --out "$T/$name" "$@" >"$T/$name.out" 2>&1; then
        echo "  pg bench: the run $name FAILED its check:" >&2
        grep '^check:' "$T/$name.out" | head -n 10 | sed 's/^/    /' >&2
        grep -h '^fail' "$T/$name"/bench-*.log 2>/dev/null | cut -c1-200 | sort | uniq -c |
            sort -rn | head -n 3 | sed 's/^/    /' >&2
    fi
    awk '$1 == "benches" { for (i = 1; i < NF; i++) if ($i == "steps/s") r = $(i + 1) }
         $1 == "latency_ms" { p50 = $3; p99 = $5 }
         END { printf "%s %s %s\n", p50, p99, r }' "$T/$name.out"
}

ratio() { python3 -c "import sys; print('%.2f' % (float(sys.argv[1]) / max(float(sys.argv[2]), 0.001)))" "$1" "$2"; }
verdict() { python3 -c "import sys; print('meets' if float(sys.argv[1]) <= float(sys.argv[2]) else 'MISSES')" "$1" "$2"; }

# ---- append latency ----

echo "append latency: ${SECONDS_RUN} s per run; p50 and p99 of every acknowledged step, in ms"
JOBS_SQLITE=$(workshop "" "$T/sqlite")
PG8=$(database bench8)
JOBS_PG=$(workshop "$PG8" "$T/pg8")
line() {
    printf '  %-44s p50 %7s  p99 %7s  %7s steps/s\n' "$1" "$2" "$3" "$4"
}
for mode in fast paced; do
    if [ "$mode" = fast ]; then
        extra="" label="as fast as they can"
    else
        extra="--pause $PAUSE" label="each pausing ${PAUSE} ms between steps"
    fi
    echo " $label:"
    set -- $(run "sqlite-$mode" "" "$T/sqlite" "$JOBS_SQLITE" --benches 1 $extra)
    s50=$1 s99=$2 srate=$3
    set -- $(run "pg8-$mode" "$PG8" "$T/pg8" "$JOBS_PG" --benches 8 $extra)
    p50=$1 p99=$2 prate=$3
    line "SQLite, 1 bench" "$s50" "$s99" "$srate"
    line "PostgreSQL, 8 benches (2 on one job)" "$p50" "$p99" "$prate"
    echo "  p99 PostgreSQL / SQLite: $(ratio "$p99" "$s99")   target p99 <= 15 ms: $(verdict "$p99" 15)"
done

# ---- 64 benches ----

echo "64 simulated benches on one PostgreSQL (50 open jobs: some shared):"
PG64=$(database bench64)
JOBS64=$(workshop "$PG64" "$T/pg64")
set -- $(run pg64-fast "$PG64" "$T/pg64" "$JOBS64" --benches 64)
line "as fast as they can" "$1" "$2" "$3"
set -- $(run pg64-paced "$PG64" "$T/pg64" "$JOBS64" --benches 64 --pause 200)
line "each pausing 200 ms between steps" "$1" "$2" "$3"

# ---- the inventory ----

echo "inventory CSV of $DEVICES devices, $RUNS runs of each, the median:"
INV=$(database inventory)
D="$T/inv"
mkdir -p "$D/run" && chmod 700 "$D/run"
# The rows: bench/inventory_fixture.py writes them into SQLite; copied table by table to
# a PostgreSQL database that atelier init made, over the same data directory (its key).
"$ATELIER" --data "$D/data" init --admin boss --secret-file "$T/secret" >/dev/null
python3 "$ROOT/bench/inventory_fixture.py" "$D/data" "$DEVICES" | sed 's/^/  /'
ATELIER_DB=$INV "$ATELIER" --data "$D/data" init --admin boss --secret-file "$T/secret" >/dev/null
for table in checklist_snapshot app_user intake_batch device probe job step_record grade \
    shelf_move device_batch device_event sale; do
    where=""
    [ "$table" = app_user ] && where="WHERE id > 1" # boss, made by init on both
    cols=$(sqlite3 "$D/data/atelier.db" "SELECT group_concat(name, ', ') FROM pragma_table_info('$table')")
    sqlite3 -csv "$D/data/atelier.db" "SELECT $cols FROM $table $where" >"$T/$table.csv"
    psql -X -q -v ON_ERROR_STOP=1 "$INV" -c "\\copy $table ($cols) FROM '$T/$table.csv' WITH (FORMAT csv)" >/dev/null
done
psql -X -q "$INV" -c "ANALYZE" >/dev/null
XDG_RUNTIME_DIR="$D/run" ATELIER_DB=$INV "$ATELIER" --data "$D/data" login boss --secret-file "$T/secret" >/dev/null
inv() { XDG_RUNTIME_DIR="$D/run" ATELIER_DB=$INV "$ATELIER" --data "$D/data" report inventory "$@"; }
inv --sql >"$T/inv.sql"
echo "  the inventory's statement (atelier report inventory --sql, with ATELIER_DB on PostgreSQL):"
sed 's/^/    /' "$T/inv.sql"
inv --format csv >"$T/atelier.csv"
rows=$(python3 -c "import csv,sys; print(sum(1 for _ in csv.reader(open(sys.argv[1], newline='', encoding='utf-8'))) - 1)" "$T/atelier.csv")
[ "$rows" = "$DEVICES" ] || { echo "pg bench: the inventory on PostgreSQL has $rows rows for $DEVICES devices" >&2; exit 1; }
if ! psql -X -q --csv -v ON_ERROR_STOP=1 "$INV" -f "$T/inv.sql" >"$T/psql.csv" 2>"$T/psql.err"; then
    echo "  psql --csv cannot run that statement on PostgreSQL: $(head -n 3 "$T/psql.err" | tr '\n' ' ')"
    echo "  (the text --sql prints is not the statement the store runs there: no baseline)"
    exit 0
fi
prows=$(($(python3 -c "import csv,sys; print(sum(1 for _ in csv.reader(open(sys.argv[1], newline='', encoding='utf-8'))))" "$T/psql.csv") - 1))
[ "$prows" = "$DEVICES" ] || echo "  note: psql gives $prows rows, atelier $rows"

median() { printf '%s\n' "$@" | sort -n | sed -n "$(( ($# + 1) / 2 ))p"; }
at="" bt="" i=0
while [ $i -lt "$RUNS" ]; do
    /usr/bin/time -f "%e" -o "$T/time" env XDG_RUNTIME_DIR="$D/run" ATELIER_DB="$INV" \
        "$ATELIER" --data "$D/data" report inventory --format csv >/dev/null
    at="$at $(cat "$T/time")"
    /usr/bin/time -f "%e" -o "$T/time" psql -X -q --csv "$INV" -f "$T/inv.sql" >/dev/null
    bt="$bt $(cat "$T/time")"
    i=$((i + 1))
done
am=$(median $at) bm=$(median $bt)
r=$(ratio "$am" "$bm")
printf '  atelier report inventory --format csv %6ss   psql --csv %6ss   ratio %5s   target <= 1.5: %s\n' \
    "$am" "$bm" "$r" "$(verdict "$r" 1.5)"
