#!/bin/sh
# Which writes wait for which on PostgreSQL (issue #15: "appends to a job's chain
# serialise per job"). Another session holds a lock, as a bench in the middle of a write
# would, and `atelier job step` is run meanwhile:
#   - a step on another job is recorded while that job's lock is held;
#   - a step on the job whose lock is held waits until the lock is let go;
#   - a step waits for a write that holds the workshop's write lock (a grade, a
#     certificate: anything but a step);
#   - such a write waits for a step under way;
#   - with the workshop's lock held past lock_timeout (5 s), the step fails, says the
#     records are busy, and nothing is recorded.
# The order of events is checked (which process ended first), never a duration. The
# lock keys are db_pg.c's (PG_WRITE_LOCK, PG_JOB_LOCK).
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/../lib/pg_own.sh"

pg_own atelier_job_lock
url=$URL
db=$DB
WRITE_LOCK=7022349235276575351
JOB_LOCK=1634365282
pg_own_cleanup() {
    exec 7>&- 2>/dev/null
    for p in $(cat "$T"/*.pid 2>/dev/null); do kill "$p" 2>/dev/null; done
}
export ATELIER_DB="$url" XDG_RUNTIME_DIR="$T/run"
mkdir -p "$T/run" && chmod 700 "$T/run"
A="$ATELIER --data $T/data"
echo "pw-boss-correct-horse" >"$T/secret-boss"
echo "24681357" >"$T/pin" # the fixture's trainee, bench-trainee
$A init --admin boss --secret-file "$T/secret-boss" >/dev/null || { echo "Bail out! init"; exit 1; }
set -- $("$FIXTURE" "$T/data" 4 8 10) || { echo "Bail out! the fixture"; exit 1; }
J1=$2
J2=$3
$A login bench-trainee --secret-file "$T/pin" >/dev/null || { echo "Bail out! login"; exit 1; }
# The instructor's own session, for the writes only she may make.
mkdir -p "$T/run-boss" && chmod 700 "$T/run-boss"
XDG_RUNTIME_DIR="$T/run-boss" $A login boss --secret-file "$T/secret-boss" >/dev/null ||
    { echo "Bail out! login boss"; exit 1; }

# hold NAME SQL: a session that takes a lock with SQL in a transaction and keeps it,
# reading what to do next from a pipe (on descriptor 7) until let_go; $T/NAME.held
# appears once it holds the lock, $T/NAME.done once its transaction has ended.
hold() {
    mkfifo "$T/$1.fifo"
    ( psql -X -q -v ON_ERROR_STOP=1 "$url" <"$T/$1.fifo" >"$T/$1.psql" 2>&1; touch "$T/$1.done" ) &
    exec 7>"$T/$1.fifo"
    printf 'BEGIN;\n%s;\n\\! touch %s\n' "$2" "$T/$1.held" >&7
    n=0
    until [ -f "$T/$1.held" ] || [ $n -gt 200 ]; do n=$((n + 1)); sleep 0.05; done
    [ -f "$T/$1.held" ]
}
# let_go NAME: the session commits, letting go of its lock, and ends.
let_go() {
    echo "COMMIT;" >&7
    exec 7>&-
    n=0
    until [ -f "$T/$1.done" ] || [ $n -gt 400 ]; do n=$((n + 1)); sleep 0.05; done
}
# step NAME JOB STEP: `atelier job step` in the background, its exit status in
# $T/NAME.rc once it has ended.
step() {
    ( $A job step "$2" "$3" --note "$1" >"$T/$1.out" 2>&1; echo $? >"$T/$1.rc.tmp" && mv "$T/$1.rc.tmp" "$T/$1.rc" ) &
    echo $! >"$T/$1.step.pid"
}
# ended NAME: the background step has ended (waits up to 20 s for it).
ended() {
    n=0
    until [ -f "$T/$1.rc" ] || [ $n -gt 400 ]; do n=$((n + 1)); sleep 0.05; done
    [ -f "$T/$1.rc" ]
}
# waiting NAME: the step is still running a second after it started, and its session
# waits for a lock on the server (pg_stat_activity).
waiting() {
    sleep 1
    [ ! -f "$T/$1.rc" ] &&
        psql -X -qAt "$url" -c "SELECT count(*) FROM pg_stat_activity WHERE datname = '$db'
            AND wait_event_type = 'Lock' AND wait_event = 'advisory'" | grep -qx '[1-9][0-9]*'
}

# count NOTE: how many step records carry NOTE.
count() {
    psql -X -qAt "$url" -c "SELECT count(*) FROM step_record WHERE note = '$1'"
}
# recorded NAME: the background step NAME ended well, and is recorded once.
recorded() {
    ended "$1" && [ "$(cat "$T/$1.rc")" = 0 ] && [ "$(count "$1")" = 1 ]
}
# recorded_before NAME HELD: recorded while the session HELD still holds its lock.
recorded_before() {
    recorded "$1" && [ ! -f "$T/$2.done" ]
}
# refused NAME: the background step NAME failed, and nothing of it is recorded.
refused() {
    ended "$1" && [ "$(cat "$T/$1.rc")" != 0 ] && [ "$(count "$1")" = 0 ]
}

# 1. Job J1's lock is held: a step on J2 is recorded meanwhile, one on J1 waits for it.
hold j1 "SELECT pg_advisory_xact_lock($JOB_LOCK, $J1)" || { echo "Bail out! no lock taken"; exit 1; }
step other "$J2" step-1
check "a step on another job is recorded while one job's lock is held" recorded_before other j1
step same "$J1" step-1
check "a step on the job whose lock is held waits for it" waiting same
let_go j1
check "and is recorded once the lock is let go" recorded same

# 2. The workshop's write lock (any other write) is held: a step waits for it.
hold w "SELECT pg_advisory_xact_lock($WRITE_LOCK)" || { echo "Bail out! no lock taken"; exit 1; }
step behind "$J2" step-2
check "a step waits for a write that holds the workshop's write lock" waiting behind
let_go w
check "and is recorded after it" recorded behind

# 3. A step under way (the workshop's lock held shared, as an append holds it): any other
#    write waits for it; here a job cancelled.
hold s "SELECT pg_advisory_xact_lock_shared($WRITE_LOCK)" || { echo "Bail out! no lock taken"; exit 1; }
( XDG_RUNTIME_DIR="$T/run-boss" $A job cancel "$J1" --why "the phone was taken back" >"$T/cancel.out" 2>&1; echo $? >"$T/cancel.rc.tmp" && mv "$T/cancel.rc.tmp" "$T/cancel.rc" ) &
check "another write (a job cancelled) waits for the steps under way" waiting cancel
cat "$T/cancel.out" 2>/dev/null | sed "s/^/# /"
let_go s
check "and is done after them" sh -c "test -f $T/cancel.rc || sleep 5; test \"\$(cat $T/cancel.rc)\" = 0"

# 4. The workshop's lock held past lock_timeout: the step fails in plain words, and
#    nothing of it is recorded.
hold long "SELECT pg_advisory_xact_lock($WRITE_LOCK)" || { echo "Bail out! no lock taken"; exit 1; }
step late "$J2" step-3
check "a step that waits past the lock timeout fails, and nothing of it is recorded" refused late
let_go long
sed 's/^/# /' "$T/late.out"
check "it says the records are busy, and to try again" grep -qi "busy.*try again\|try again.*busy" "$T/late.out"
check "every chain still verifies" sh -c "$A db check >$T/check.out 2>&1"
done_testing
