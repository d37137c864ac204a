#!/bin/sh
# A job records 1,000 steps while the atelier process is killed (SIGKILL) at random
# moments: every step the command acknowledged is in the record afterwards, and the
# chain and the database check out.
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/../lib/accounts.sh"

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
T=$(mktemp -d)
FAKECTL="$ROOT/tests/fakes/fakectl.sh"
J="python3 $ROOT/tests/lib/jq.py"
export FAKE_USBMUXD_KEY_CACHE="$T/keys"
mkdir -p "$FAKE_USBMUXD_KEY_CACHE" "$T/checklists"
KILLER=""
trap '[ -n "$KILLER" ] && kill $KILLER 2>/dev/null; sh "$FAKECTL" stop "$T/fake" >/dev/null 2>&1; rm -rf "$T"' EXIT
STEPS=${CRASH_STEPS:-1000}

# A checklist of one note step, for iPhones.
cat > "$T/checklists/bench-log.yaml" <<'YAML'
id: bench-log
version: 1
title: {en: "Bench log", fr: "Journal de l'établi", nl: "Werkbanklogboek"}
applies_to:
  platforms: [ios]
difficulty: 1
time_minutes: 5
steps:
  - id: log
    title: {en: "Write what you did", fr: "Écrivez ce que vous avez fait", nl: "Schrijf op wat je deed"}
    kind: note
YAML
export ATELIER_CHECKLISTS="$T/checklists"

sh "$FAKECTL" start "$T/fake" "$ROOT/tests/fakes/scenarios/iphone-ios17-paired.json" >/dev/null
export USBMUXD_SOCKET_ADDRESS="UNIX:$T/fake/usbmuxd.sock"
A="$ATELIER --data $T/data"
init_admin "$A"
add_user "$A" amina trainee
signin amina
$A probe >/dev/null
JOB=$($A job start --device 00008110-000E44540A2A0000 --checklist bench-log --trainee amina | sed -n 's/^job \([0-9]*\) started.*/\1/p')
check "the job starts" test -n "$JOB"

# The killer: SIGKILL to whatever `atelier job step` runs, at random moments.
(
    while :; do
        sleep "0.0$(od -An -N1 -tu1 /dev/urandom | tr -d ' ' | cut -c1)"
        pkill -KILL -f "job step $JOB log" 2>/dev/null
    done
) &
KILLER=$!

: >"$T/acked"
i=1
while [ $i -le "$STEPS" ]; do
    if $A job step "$JOB" log --note "n$i" >/dev/null 2>&1; then
        echo "n$i" >>"$T/acked"
    fi
    i=$((i + 1))
done
kill $KILLER 2>/dev/null
wait $KILLER 2>/dev/null
KILLER=""

$A job show "$JOB" --json >"$T/job.json"
python3 - "$T/job.json" "$T/acked" >"$T/missing" <<'PY'
import json, sys
notes = {r["note"] for r in json.load(open(sys.argv[1]))["records"]}
for line in open(sys.argv[2]):
    if line.strip() not in notes:
        print(line.strip())
PY
acked=$(wc -l <"$T/acked")
check "some steps were killed and some acknowledged ($acked of $STEPS acknowledged)" \
    sh -c "test $acked -gt 0 && test $acked -le $STEPS"
check "every acknowledged step is in the record" test ! -s "$T/missing"
check "the chain of the job checks out" $A job verify "$JOB"
check "the database checks out" $A db check

done_testing
