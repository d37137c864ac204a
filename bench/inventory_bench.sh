#!/bin/sh
# The resale office's lists on a large store (made by bench/inventory_fixture.py: devices
# read once, with intake, final-qc and one in five a screen repair, graded, shelved,
# batched, one in three sold), each against sqlite3 running the same query on the same
# database in the same run (the floor: SQLite's own reading and printing):
#   - atelier report inventory --format csv  vs  sqlite3 -csv  (its --sql), at 10,000,
#     50,000 and 100,000 devices: the median of RUNS runs each, their ratio (target
#     <= 1.5), and the peak memory (VmHWM, /usr/bin/time) at each size: flat when the
#     rows are streamed;
#   - atelier job list --json  vs  sqlite3 -json  (the store's statement, below), 50,000
#     jobs;
#   - atelier device list --json  vs  sqlite3 -json  (the inventory's statement with the
#     device list's columns), 100,000 devices.
# Printed, not asserted: the machines are shared.
#
# usage: sh bench/inventory_bench.sh BUILD_DIR
set -eu
BUILD=${1:?usage: inventory_bench.sh BUILD_DIR}
ATELIER="$BUILD/atelier"
ROOT=$(cd "$(dirname "$0")/.." && pwd)
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
RUNS=${INVENTORY_BENCH_RUNS:-3}
SIZES=${INVENTORY_BENCH_SIZES:-"10000 50000 100000"}
[ -x /usr/bin/time ] || { echo "inventory bench: /usr/bin/time is missing (Debian's time; scripts/setup-deps.sh)" >&2; exit 1; }

# store N: a data directory of N devices in $T/N, an admin signed in.
store() {
    d="$T/$1"
    mkdir -p "$d/run" && chmod 700 "$d/run"
    echo "pw-bench-correct-horse" > "$d/secret"
    "$ATELIER" --data "$d/data" init --admin boss --secret-file "$d/secret" >/dev/null
    XDG_RUNTIME_DIR="$d/run" "$ATELIER" --data "$d/data" login boss --secret-file "$d/secret" >/dev/null
    python3 "$ROOT/bench/inventory_fixture.py" "$d/data" "$1" | sed 's/^/  /'
}

# measure OUT CMD...: the seconds CMD takes (its output to OUT) and its peak RSS in KiB,
# "SECONDS KIB", once.
measure() {
    out=$1; shift
    /usr/bin/time -f "%e %M" -o "$T/time" "$@" > "$out"
    cat "$T/time"
}

# median LIST: the middle of RUNS numbers.
median() { printf '%s\n' "$@" | sort -n | sed -n "$(( ($# + 1) / 2 ))p"; }

# compare LABEL N A_OUT B_OUT -- ATELIER_CMD... -- BASELINE_CMD...: RUNS runs of each,
# alternating, then the medians, their ratio and atelier's peak memory.
compare() {
    label=$1; n=$2; shift 2
    a_cmd=""; b_cmd=""
    while [ "$1" != "--" ]; do a_cmd="$a_cmd '$1'"; shift; done; shift
    b_cmd="$*"
    at=""; bt=""; rss=""
    i=0
    while [ $i -lt "$RUNS" ]; do
        set -- $(eval "measure '$T/a.out' $a_cmd"); at="$at $1"; rss="$rss $2"
        set -- $(eval "measure '$T/b.out' $b_cmd"); bt="$bt $1"
        i=$((i + 1))
    done
    am=$(median $at); bm=$(median $bt); rm=$(median $rss)
    ratio=$(python3 -c "print('%.2f' % ($am / max($bm, 0.001)))")
    printf '%-34s %7s rows  atelier %6ss  sqlite3 %6ss  ratio %5s  atelier peak RSS %6s KiB\n' \
        "$label" "$n" "$am" "$bm" "$ratio" "$rm"
}

echo "inventory bench: $RUNS runs of each, the median"
for n in $SIZES; do
    echo "making $n devices"
    store "$n"
    d="$T/$n"
    XDG_RUNTIME_DIR="$d/run" "$ATELIER" --data "$d/data" report inventory --sql > "$d/inv.sql"
    [ "$n" = "$(echo "$SIZES" | awk '{ print $1 }')" ] && { echo "the inventory's statement (atelier report inventory --sql):"; sed 's/^/  /' "$d/inv.sql"; }
    # the same rows, or the comparison means nothing
    XDG_RUNTIME_DIR="$d/run" "$ATELIER" --data "$d/data" report inventory > "$d/check.csv"
    rows=$(python3 -c "import csv,sys; print(sum(1 for _ in csv.reader(open(sys.argv[1], newline='', encoding='utf-8'))) - 1)" "$d/check.csv")
    [ "$rows" = "$n" ] || { echo "inventory bench: $rows rows for $n devices" >&2; exit 1; }
    compare "report inventory --format csv" "$n" env XDG_RUNTIME_DIR="$d/run" "$ATELIER" --data "$d/data" report inventory --format csv -- \
        sqlite3 -csv "$d/data/atelier.db" "\"\$(cat '$d/inv.sql')\""
done

# The job list: 50,000 jobs (22,728 devices of the fixture hold 50,001).
echo "making 22728 devices (50,001 jobs)"
store 22728
d="$T/22728"
JOB_SQL="SELECT job.id, job.device_id, job.checklist_id, job.checklist_version, job.checklist_hash, job.trainee_id, job.state, job.started_ms, job.submitted_ms, (SELECT x.verdict FROM grade x WHERE x.job_id = job.id ORDER BY x.id DESC LIMIT 1), (SELECT x.submitted_ms FROM grade x WHERE x.job_id = job.id ORDER BY x.id DESC LIMIT 1), u.name, u.role, u.code, u.erased_ms FROM job LEFT JOIN app_user u ON u.id = job.trainee_id WHERE 1 ORDER BY job.id DESC;"
echo "the job list's statement (src/store/jobs.c, store_job_each):"
echo "  $JOB_SQL"
jobs=$(XDG_RUNTIME_DIR="$d/run" "$ATELIER" --data "$d/data" job list --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
compare "job list --json" "$jobs" env XDG_RUNTIME_DIR="$d/run" "$ATELIER" --data "$d/data" job list --json -- \
    sqlite3 -json "$d/data/atelier.db" "'$JOB_SQL'"

# The device list, on the largest store.
n=$(echo "$SIZES" | awk '{ print $NF }')
d="$T/$n"
python3 - "$d/inv.sql" > "$d/dev.sql" <<'PY'
import sys
sql = open(sys.argv[1]).read()
# the device list's columns and order (store_inventory_each with device_list)
sql = sql.replace(" FROM device d ", ", d.udid, d.last_seen_ms, (SELECT COUNT(*) FROM probe x WHERE x.device_id = d.id) FROM device d ", 1)
sql = sql[:sql.rindex("ORDER BY")] + "ORDER BY d.last_seen_ms DESC, 1 DESC;"
print(sql)
PY
compare "device list --json" "$n" env XDG_RUNTIME_DIR="$d/run" "$ATELIER" --data "$d/data" device list --json -- \
    sqlite3 -json "$d/data/atelier.db" "\"\$(cat '$d/dev.sql')\""
