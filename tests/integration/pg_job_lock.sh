#!/bin/sh
# Which writes wait for which on PostgreSQL (issue #15: "appends to a job's chain and the
# other chains serialise per job or per device"). Another session holds a lock, as a
# bench in the middle of a write would, and an atelier command is run meanwhile:
#   - a step on another job is recorded while one job's lock is held;
#   - a step on the job whose lock is held waits until the lock is let go;
#   - a step waits for a write that holds the workshop's write lock (a new account,
#     anything not about one device or job), and such a write waits for a step under
#     way;
#   - a job's other writes (here, cancelled) wait for that job's lock only: a job is
#     cancelled while a step of another job is under way;
#   - a device's writes (here, its shelf) wait for that device's lock only;
#   - a bench's screen (atelier serve) records a step while other benches' steps are
#     under way, and waits for the lock of its own job only;
#   - with the workshop's lock held past lock_timeout (5 s), the step fails, says the
#     records are busy, and nothing is recorded.
# The order of events is checked (which process ended first), never a duration. The
# lock keys are db_pg.c's (PG_WRITE_LOCK, PG_JOB_LOCK, PG_DEVICE_LOCK).
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/../lib/pg_own.sh"

pg_own atelier_job_lock
url=$URL
db=$DB
WRITE_LOCK=7022349235276575351
JOB_LOCK=1634365282
DEVICE_LOCK=1633969526
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
J3=$4
[ -n "$J3" ] || { echo "Bail out! the fixture made fewer than 3 open jobs"; exit 1; }
device_of() {
    psql -X -qAt "$url" -c "SELECT device_id FROM job WHERE id = $1"
}
D1=$(device_of "$J1")
D2=$(device_of "$J2")
[ -n "$D1" ] && [ -n "$D2" ] && [ "$D1" != "$D2" ] || { echo "Bail out! the jobs' devices"; exit 1; }
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

# run NAME CMD...: a command in the background, its exit status in $T/NAME.rc once it has
# ended (as step does).
run() {
    name=$1
    shift
    ( "$@" >"$T/$name.out" 2>&1; echo $? >"$T/$name.rc.tmp" && mv "$T/$name.rc.tmp" "$T/$name.rc" ) &
}
# done_well NAME: the background command NAME ended, with status 0.
done_well() {
    ended "$1" && [ "$(cat "$T/$1.rc")" = 0 ]
}
# done_before NAME HELD: ...while the session HELD still holds its lock.
done_before() {
    done_well "$1" && [ ! -f "$T/$2.done" ]
}
BOSS="env XDG_RUNTIME_DIR=$T/run-boss $A"

# 3. A step under way (the workshop's lock held shared, as every write about one device
#    or job holds it): a write about neither (a new account) waits for it.
hold s "SELECT pg_advisory_xact_lock_shared($WRITE_LOCK)" || { echo "Bail out! no lock taken"; exit 1; }
echo "24681358" >"$T/pin-new"
run useradd $BOSS user add nora.v --role trainee --secret-file "$T/pin-new"
check "a write about no device or job (a new account) waits for the steps under way" waiting useradd
sed "s/^/# /" "$T/useradd.out" 2>/dev/null
let_go s
check "and is done after them" done_well useradd

# 4. A job's other writes wait for that job's lock, not another's: J1 is cancelled while
#    a step of J2 is under way; J3's cancel waits for a step of J3. Each lock is held as
#    a bench's write holds it: the workshop's shared, then its device's or job's.
hold j2 "SELECT pg_advisory_xact_lock_shared($WRITE_LOCK); SELECT pg_advisory_xact_lock($JOB_LOCK, $J2)" || { echo "Bail out! no lock taken"; exit 1; }
run cancel1 $BOSS job cancel "$J1" --why "the phone was taken back"
check "a job is cancelled while a step of another job is under way" done_before cancel1 j2
sed "s/^/# /" "$T/cancel1.out"
let_go j2
hold j3 "SELECT pg_advisory_xact_lock_shared($WRITE_LOCK); SELECT pg_advisory_xact_lock($JOB_LOCK, $J3)" || { echo "Bail out! no lock taken"; exit 1; }
run cancel3 $BOSS job cancel "$J3" --why "the phone was taken back"
check "a job's cancel waits for a step of that job under way" waiting cancel3
let_go j3
check "and is done after it" done_well cancel3
check "the cancel is in the job's records" sh -c "psql -X -qAt '$url' -c \"SELECT state FROM job WHERE id = $J3\" | grep -qx cancelled"

# 5. A device's writes wait for that device's lock, not another's.
hold d1 "SELECT pg_advisory_xact_lock_shared($WRITE_LOCK); SELECT pg_advisory_xact_lock($DEVICE_LOCK, $D1)" || { echo "Bail out! no lock taken"; exit 1; }
run shelf2 $BOSS device shelf "AT-$(printf %06d "$D2")" "shelf B2"
check "a device is put on a shelf while another device's write is under way" done_before shelf2 d1
sed "s/^/# /" "$T/shelf2.out"
run shelf1 $BOSS device shelf "AT-$(printf %06d "$D1")" "shelf A1"
check "a device's write waits for one of that device under way" waiting shelf1
let_go d1
check "and is done after it" done_well shelf1
# A job's write takes its device's lock too: a certificate reads the states of the
# device's jobs under that lock.
hold d2 "SELECT pg_advisory_xact_lock_shared($WRITE_LOCK); SELECT pg_advisory_xact_lock($DEVICE_LOCK, $D2)" || { echo "Bail out! no lock taken"; exit 1; }
run cancel2 $BOSS job cancel "$J2" --why "the phone was taken back"
check "a job's cancel waits for a write of its device under way" waiting cancel2
let_go d2
check "and is done after it" done_well cancel2

# 6. A bench's screen: `atelier serve` on the same records, signed in as the trainee.
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
$A serve --listen "127.0.0.1:$PORT" >"$T/serve.out" 2>&1 &
echo $! >"$T/serve.pid"
WEB="http://127.0.0.1:$PORT"
cat >"$T/web_step.py" <<'PY'
# web_step.py URL JOB STEP NOTE: sign in as the fixture's trainee and record a step on
# the bench's screen; exits 0 when the server answered 200.
import json, sys, urllib.request, urllib.error
url, job, step, note = sys.argv[1:5]
def call(path, body, cookie=None, csrf=None):
    req = urllib.request.Request(url + path, method="POST", data=json.dumps(body).encode(),
                                 headers={"Content-Type": "application/json"})
    if cookie:
        req.add_header("Cookie", cookie)
        req.add_header("X-CSRF-Token", csrf)
    return urllib.request.urlopen(req, timeout=30)
r = call("/api/login", {"name": "bench-trainee", "secret": "24681357"})
cookie = r.headers["Set-Cookie"].split(";")[0]
csrf = json.load(r)["csrf"]
try:
    r = call("/api/jobs/%s/steps" % job, {"step": step, "note": note}, cookie, csrf)
    print(r.status)
except urllib.error.HTTPError as e:
    print(e.code, e.read().decode())
    sys.exit(1)
PY
n=0
until python3 -c "import urllib.request,urllib.error,sys
try: urllib.request.urlopen(sys.argv[1] + '/api/me')
except urllib.error.HTTPError: sys.exit(0)
except Exception: sys.exit(1)" "$WEB"; do
    n=$((n + 1)); [ $n -lt 100 ] || { echo "Bail out! the server did not start"; sed "s/^/# /" "$T/serve.out"; exit 1; }
    sleep 0.1
done
J4=$5
[ -n "$J4" ] || { echo "Bail out! the fixture made fewer than 4 open jobs"; exit 1; }
hold s2 "SELECT pg_advisory_xact_lock_shared($WRITE_LOCK)" || { echo "Bail out! no lock taken"; exit 1; }
run screen1 python3 "$T/web_step.py" "$WEB" "$J4" step-4 screen1
check "the screen records a step while other benches' steps are under way" done_before screen1 s2
sed "s/^/# /" "$T/screen1.out"
check "recorded once" sh -c "test \"\$(psql -X -qAt '$url' -c \"SELECT count(*) FROM step_record WHERE note = 'screen1'\")\" = 1"
let_go s2
hold j4 "SELECT pg_advisory_xact_lock_shared($WRITE_LOCK); SELECT pg_advisory_xact_lock($JOB_LOCK, $J4)" || { echo "Bail out! no lock taken"; exit 1; }
run screen2 python3 "$T/web_step.py" "$WEB" "$J4" step-5 screen2
check "the screen's step waits for its own job's lock" waiting screen2
let_go j4
check "and is recorded after it" done_well screen2
kill "$(cat "$T/serve.pid")" 2>/dev/null
rm -f "$T/serve.pid"

# 7. The workshop's lock held past lock_timeout: the step fails in plain words, and
#    nothing of it is recorded.
hold long "SELECT pg_advisory_xact_lock($WRITE_LOCK)" || { echo "Bail out! no lock taken"; exit 1; }
step late "$J4" step-6
check "a step that waits past the lock timeout fails, and nothing of it is recorded" refused late
let_go long
sed 's/^/# /' "$T/late.out"
check "it says the records are busy, and to try again" grep -qi "busy.*try again\|try again.*busy" "$T/late.out"
check "every chain still verifies" sh -c "$A db check >$T/check.out 2>&1"
done_testing
