#!/bin/sh
# The command line on a bench whose records are behind the workshop's server
# (ATELIER_SERVER): atelier serve holds the data directory and the key; the bench's
# commands sign in, run a job and read it through the server's API, with the same words
# and exit statuses as on the records themselves. Commands that need the records
# themselves are refused with what to do. The data directory is kept out of reach of the
# bench's commands: they never name it (no --data), and it is moved away from the
# default place they would look.
. "$(dirname "$0")/../lib/tap.sh"

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
T=$(mktemp -d)
SERVER=""
FAKECTL="$ROOT/tests/fakes/fakectl.sh"
trap '[ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null; sh "$FAKECTL" stop "$T/fake" >/dev/null 2>&1; rm -rf "$T"' EXIT
export FAKE_USBMUXD_KEY_CACHE="$T/keys"
mkdir -p "$FAKE_USBMUXD_KEY_CACHE" "$T/checklists" "$T/run-server" "$T/run-bench" "$T/home"
chmod 700 "$T/run-server" "$T/run-bench"
cat > "$T/checklists/remote-check.yaml" <<'YAML'
id: remote-check
version: 1
title: {en: "Screen check", fr: "Contrôle de l'écran", nl: "Schermcontrole"}
applies_to:
  platforms: [ios]
difficulty: 1
time_minutes: 5
steps:
  - id: look
    title: {en: "Look at the screen", fr: "Regardez l'écran", nl: "Bekijk het scherm"}
    kind: check
YAML
export ATELIER_CHECKLISTS="$T/checklists"
sh "$FAKECTL" start "$T/fake" "$ROOT/tests/fakes/scenarios/iphone-ios17-paired.json" >/dev/null
export USBMUXD_SOCKET_ADDRESS="UNIX:$T/fake/usbmuxd.sock"
U=00008110-000E44540A2A0000
echo pw-boss-correct-horse >"$T/boss"
echo 13572468 >"$T/pin"
echo 24681357 >"$T/wrong"

# The server's side: its own data directory, its first admin, a trainee, the phone read.
S="$ATELIER --data $T/server-data"
$S init --admin boss --secret-file "$T/boss" >/dev/null
XDG_RUNTIME_DIR="$T/run-server" $S login boss --secret-file "$T/boss" >/dev/null
XDG_RUNTIME_DIR="$T/run-server" $S user add amina --role trainee --secret-file "$T/pin" >/dev/null
$S probe >/dev/null
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
$S serve --listen "127.0.0.1:$PORT" --no-usb >"$T/serve.out" 2>&1 &
SERVER=$!
n=0
until grep -q "Atelier is at" "$T/serve.out" 2>/dev/null; do
    n=$((n + 1)); [ $n -lt 100 ] || { echo "Bail out! atelier serve did not start"; exit 1; }
    sleep 0.1
done

# The bench's side: no --data, a home of its own, the server's address.
B() { HOME="$T/home" XDG_RUNTIME_DIR="$T/run-bench" ATELIER_DATA= ATELIER_SERVER="http://127.0.0.1:$PORT" "$ATELIER" "$@"; }

B login amina --secret-file "$T/wrong" >"$T/o" 2>"$T/e"; rc=$?
check "a wrong PIN through the server: refused (exit 10), the server's words" \
    sh -c "test $rc -eq 10 && grep -qi 'wrong' '$T/e'"
check "a trainee signs in on the bench through the server" \
    sh -c "HOME='$T/home' XDG_RUNTIME_DIR='$T/run-bench' ATELIER_SERVER=http://127.0.0.1:$PORT $ATELIER login amina --secret-file '$T/pin' >'$T/o' 2>&1 && grep -q amina '$T/o'"
check "her session file is in her runtime directory, not the server's" \
    sh -c "ls '$T/run-bench/atelier/' | grep -q '^session-' && ! ls '$T/run-server/atelier/' | grep -q \"\$(ls '$T/run-bench/atelier/')\""
B whoami >"$T/o" 2>&1
check "whoami names her and her role" sh -c "grep -q amina '$T/o' && grep -q trainee '$T/o'"
B job start --device "$U" --checklist remote-check --json >"$T/start.json" 2>"$T/e"
check "she starts a job through the server" \
    python3 "$ROOT/tests/lib/jq.py" "$T/start.json" "(d['job']['trainee'], d['next_step']['id'])" "('amina', 'look')"
JOB=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["job"]["id"])' "$T/start.json" 2>/dev/null)
B job step "$JOB" look --result pass --note "through the server" >"$T/o" 2>&1
check "she records a step through the server, and sees it as on the bench" \
    sh -c "grep -q look '$T/o' && grep -qi pass '$T/o'"
B job step "$JOB" nope --result pass >"$T/o" 2>&1; rc=$?
mkdir -m 700 -p "$T/run-local"
XDG_RUNTIME_DIR="$T/run-local" $S login amina --secret-file "$T/pin" >/dev/null
XDG_RUNTIME_DIR="$T/run-local" $S job step "$JOB" nope --result pass >"$T/local" 2>&1; local_rc=$?
check "a refusal keeps its words and its exit status, as on the records themselves" \
    sh -c "test $rc -ne 0 && test $rc -eq $local_rc && grep -q nope '$T/o' &&
           test \"\$(sed 's/^atelier job: //' '$T/o')\" = \"\$(sed 's/^atelier job: //' '$T/local')\""
B job submit "$JOB" >"$T/o" 2>&1
check "she submits the job through the server" sh -c "grep -qi submitted '$T/o'"
B job show "$JOB" --json >"$T/show.json" 2>&1
check "the job, read through the server, has her record" \
    python3 "$ROOT/tests/lib/jq.py" "$T/show.json" "(d['state'], [r['note'] for r in d['records']])" "('submitted', ['through the server'])"
check "the record is in the server's data, signed in her name" \
    sh -c "$S job show $JOB --json | grep -q '\"by\": \"amina\"'"
B job verify "$JOB" >"$T/o" 2>&1; rc=$?
check "a command on the records themselves is refused, saying where it runs" \
    sh -c "test $rc -ne 0 && grep -q 'server machine' '$T/o' && grep -q ATELIER_SERVER '$T/o'"
check "the bench made no data directory of its own" \
    sh -c "! find '$T/home' -name atelier.db | grep -q ."
B logout >"$T/o" 2>&1
B whoami >"$T/o" 2>&1; rc=$?
check "after logout nobody is signed in (exit 10)" test $rc -eq 10
kill "$SERVER"; wait "$SERVER" 2>/dev/null; SERVER=""
B job list >"$T/o" 2>&1; rc=$?
check "the server stopped: plain words, nothing recorded (exit not 0)" \
    sh -c "test $rc -ne 0 && grep -q 'cannot be reached' '$T/o' && grep -q 'nothing was recorded' '$T/o'"
ATELIER_SERVER=ftp://x "$ATELIER" job list >"$T/o" 2>&1; rc=$?
check "a wrong ATELIER_SERVER is said" sh -c "test $rc -ne 0 && grep -q 'ATELIER_SERVER' '$T/o'"

done_testing
