#!/bin/sh
# Several benches, one workshop's records on PostgreSQL (issue #15, "Multi-bench tests"):
# bench processes record steps at once (build/tests/pg_benches, two of them into the same
# job), and what each bench was told is checked against the records afterwards:
#   - 8 benches for PG_BENCHES_SECONDS (default 30): no step lost, recorded twice or
#     forked, and every chain verifies;
#   - the same with their connections ended at random (pg_terminate_backend) for
#     PG_BENCHES_KILL_SECONDS (default 10): no acknowledged step lost, none recorded
#     twice, and the benches go on;
#   - the check itself finds a step recorded twice (it can fail);
#   - the server stopped while a job is recorded (a private server of its own, since the
#     suite's is shared; that story runs in the background meanwhile and is checked at
#     the end): `atelier job step` says the server cannot be reached and that nothing
#     was recorded; once the server is back the benches go on, the next step records
#     and the chain verifies.
# Runs on the suite's server (ATELIER_TEST_PG, from make check), in databases of its own
# dropped at the end; skipped when there is none. About 50 s with the defaults.
. "$(dirname "$0")/../lib/tap.sh"

if [ -z "${ATELIER_TEST_PG:-}" ]; then
    echo "1..0 # SKIP no test PostgreSQL (ATELIER_TEST_PG; make check starts one)"
    exit 0
fi
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${ATELIER_BUILD:-$ROOT/build}
PGB="$BUILD/tests/pg_benches"
FIXTURE="$BUILD/tests/web_fixture"
CLUSTER="$ROOT/scripts/pg-test-cluster"
RUN_SECONDS=${PG_BENCHES_SECONDS:-30}
KILL_SECONDS=${PG_BENCHES_KILL_SECONDS:-10}
for p in "$PGB" "$FIXTURE"; do
    [ -x "$p" ] || { echo "Bail out! $p is not built (make $p)"; exit 1; }
done

T=$(mktemp -d)
STOPDIR=""
STORY=""
db="atelier_benches_$$"
url=$(echo "$ATELIER_TEST_PG" | sed "s|/atelier_test?|/$db?|")
cleanup() {
    [ -n "$STORY" ] && kill "$STORY" 2>/dev/null && wait "$STORY" 2>/dev/null
    if [ -n "$STOPDIR" ]; then
        "$CLUSTER" stop "$STOPDIR" >/dev/null 2>&1
        rm -rf "$STOPDIR"
    fi
    psql -X -q "$ATELIER_TEST_PG" -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1
    psql -X -q "$ATELIER_TEST_PG" -c "DROP DATABASE IF EXISTS ${db}_k WITH (FORCE)" >/dev/null 2>&1
    rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
psql -X -q -v ON_ERROR_STOP=1 "$ATELIER_TEST_PG" -c "CREATE DATABASE $db" >/dev/null || {
    echo "Bail out! cannot create the database $db on $ATELIER_TEST_PG"
    exit 1
}

echo "pw-boss-correct-horse" >"$T/secret-boss"
echo "24681357" >"$T/pin" # the fixture's trainee, bench-trainee
mkdir -p "$T/run" && chmod 700 "$T/run"

# workshop DATA_DIR: atelier init with an admin, then the fixture's devices, jobs and
# trainee; prints the open jobs, comma-separated (the first 7, or all when fewer).
workshop() {
    "$ATELIER" --data "$1" init --admin boss --secret-file "$T/secret-boss" >/dev/null || return 1
    set -- $("$FIXTURE" "$1" 16 32 10) || return 1
    shift # the long job's device
    [ $# -ge 7 ] || return 1
    echo "$1,$2,$3,$4,$5,$6,$7"
}

# ran_ok OUT: the run whose output is OUT (its exit status in OUT.rc) found nothing.
ran_ok() {
    cat "$1"
    [ "$(cat "$1.rc")" = 0 ] && grep -q '^check: ok (0 findings)$' "$1"
}

# figure OUT WORD: the number after WORD in the run's summary line.
figure() {
    awk -v w="$2" '$1 == "benches" { for (i = 1; i < NF; i++) if ($i == w) print $(i + 1) }' "$1"
}

# benches NAME ARGS...: one run of pg_benches on the first workshop, its output in
# $T/NAME.out (exit status in $T/NAME.out.rc), its summary as TAP comments.
benches() {
    name=$1
    shift
    "$PGB" "$T/data" --jobs "$JOBS" --out "$T/$name" "$@" >"$T/$name.out" 2>"$T/$name.err"
    echo $? >"$T/$name.out.rc"
    grep -E '^(benches|latency)' "$T/$name.out" | sed 's/^/# /'
}

# ---- the server stopped while a job is recorded (in the background, on its own server) ----

# A server of its own, in a folder directly under /tmp (as root the server runs as nobody,
# who must reach it). Its story runs while the suite's server takes the 8 benches below;
# its outcomes are kept in $T/stop/ and checked at the end.
STOPDIR=$(mktemp -d /tmp/atelier-pgstop.XXXXXX)
if ! stop_url=$("$CLUSTER" start "$STOPDIR" 2>"$T/cluster.err"); then
    echo "Bail out! the private server did not start: $(cat "$T/cluster.err")"
    exit 1
fi
mkdir -p "$T/stop" "$T/run2" && chmod 700 "$T/run2"
A2="$ATELIER --data $T/data2"
(
    export ATELIER_DB="$stop_url" XDG_RUNTIME_DIR="$T/run2"
    S="$T/stop"
    JOB=$(workshop "$T/data2" | cut -d, -f1) || exit 1
    echo "$JOB" >"$S/job"
    $A2 login bench-trainee --secret-file "$T/pin" >/dev/null || exit 1
    # Two benches on one job for 6 s; the server is down from about 1.5 s to 3 s.
    "$PGB" "$T/data2" --jobs "$JOB" --benches 2 --seconds 6 --out "$S/benches" >"$S/benches.out" 2>"$S/benches.err" &
    benches=$!
    sleep 1.5
    "$CLUSTER" stop "$STOPDIR"
    $A2 job step "$JOB" step-1 --note "while the server is down" >"$S/down.out" 2>&1
    echo $? >"$S/down.out.rc"
    sleep 1
    "$CLUSTER" start "$STOPDIR" >/dev/null
    wait "$benches"
    echo $? >"$S/benches.out.rc"
    $A2 job step "$JOB" step-2 --note "after the restart" >"$S/after.out" 2>&1
    echo $? >"$S/after.out.rc"
    $A2 job show "$JOB" --json >"$S/show.json" 2>&1
    $A2 job verify "$JOB" >"$S/verify.out" 2>&1
    echo $? >"$S/verify.out.rc"
    $A2 db check >"$S/check.out" 2>&1
    echo $? >"$S/check.out.rc"
) >"$T/stop/story.log" 2>&1 &
STORY=$!

# ---- 8 benches, 2 of them on the same job ----

export ATELIER_DB="$url"
JOBS=$(workshop "$T/data") || { echo "Bail out! the workshop could not be made"; exit 1; }
benches steady --benches 8 --seconds "$RUN_SECONDS"
check "8 benches recording for ${RUN_SECONDS} s (2 on one job): every acknowledged step is recorded once, in order, none lost or forked, every chain verifies" \
    ran_ok "$T/steady.out"
check "the benches recorded hundreds of steps" test "$(figure "$T/steady.out" acknowledged)" -ge 200

# ---- the same, with connections ended at random (a workshop of its own) ----

psql -X -q -v ON_ERROR_STOP=1 "$ATELIER_TEST_PG" -c "CREATE DATABASE ${db}_k" >/dev/null || {
    echo "Bail out! cannot create the database ${db}_k on $ATELIER_TEST_PG"
    exit 1
}
export ATELIER_DB=$(echo "$ATELIER_TEST_PG" | sed "s|/atelier_test?|/${db}_k?|")
JOBS_K=$(workshop "$T/data-k") || { echo "Bail out! the second workshop could not be made"; exit 1; }
"$PGB" "$T/data-k" --jobs "$JOBS_K" --out "$T/killed" --benches 8 --seconds "$KILL_SECONDS" --kill \
    >"$T/killed.out" 2>"$T/killed.err"
echo $? >"$T/killed.out.rc"
grep -E '^(benches|latency)' "$T/killed.out" | sed 's/^/# /'
check "connections ended at random for ${KILL_SECONDS} s: no acknowledged step lost, none recorded twice, every bench went on" \
    ran_ok "$T/killed.out"
check "the killer ended connections" test "$(figure "$T/killed.out" kills)" -ge 5
check "some steps failed under the killer (it hit transactions, not idle connections)" \
    test "$(figure "$T/killed.out" failures)" -ge 1
check "every job's chain verifies (atelier job verify)" \
    sh -c "for j in \$(echo $JOBS_K | tr , ' '); do $ATELIER --data $T/data-k job verify \$j || exit 1; done"
check "the records check (atelier db check)" "$ATELIER" --data "$T/data-k" db check

# The check can fail: an acknowledged step's note recorded a second time is found.
set -- $(grep -m 1 '^ack' "$T/killed/bench-2.log")
XDG_RUNTIME_DIR="$T/run" "$ATELIER" --data "$T/data-k" login bench-trainee --secret-file "$T/pin" >/dev/null
XDG_RUNTIME_DIR="$T/run" "$ATELIER" --data "$T/data-k" job step "$2" step-3 --note "$4" >/dev/null
"$PGB" "$T/data-k" --jobs "$JOBS_K" --benches 8 --seconds "$KILL_SECONDS" --kill --out "$T/killed" \
    --check-only >"$T/again.out" 2>&1
echo $? >"$T/again.out.rc"
check "the check finds an acknowledged step recorded twice" \
    sh -c "cat $T/again.out; [ \$(cat $T/again.out.rc) = 1 ] && grep -q 'note $4 recorded again' $T/again.out"

export ATELIER_DB="$url"
check "the first workshop's records check too (atelier db check)" "$ATELIER" --data "$T/data" db check

# ---- the server stopped: what the story in the background saw ----

wait "$STORY"
S="$T/stop"
JOB=$(cat "$S/job" 2>/dev/null)
[ -n "$JOB" ] || { cat "$S/story.log"; echo "Bail out! the workshop on the private server could not be made"; exit 1; }
grep -E '^(benches|latency)' "$S/benches.out" | sed 's/^/# /'
check "with the server stopped, atelier job step fails" \
    sh -c "cat $S/down.out; [ \$(cat $S/down.out.rc) -ne 0 ]"
check "it says the server cannot be reached and that nothing was recorded" \
    sh -c "cat $S/down.out; tr '\n' ' ' <$S/down.out | grep 'cannot be reached' | grep -q 'nothing was recorded'"
check "the benches went on once the server was back: every acknowledged step recorded once" \
    ran_ok "$S/benches.out"
check "the benches saw the server gone" test "$(figure "$S/benches.out" failures)" -ge 1
check "the next step from the command line records" \
    sh -c "cat $S/after.out; grep -q 'recorded: job $JOB step step-2' $S/after.out"
check "the step tried while the server was down is not there" \
    sh -c "grep -q 'after the restart' $S/show.json && ! grep -q 'while the server is down' $S/show.json"
check "the job's chain verifies after the restart" sh -c "cat $S/verify.out; [ \$(cat $S/verify.out.rc) = 0 ]"
check "the records check after the restart" sh -c "cat $S/check.out; [ \$(cat $S/check.out.rc) = 0 ]"

done_testing
