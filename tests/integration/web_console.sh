#!/bin/sh
# The instructors' console in real headless Chromium (tests/web/console_flow.mjs): two
# trainees work on two fake iPhones (over the API, as their screens do) while the
# instructor's overview shows both live, with the alert of a failed step that stops the
# work; she lets the work go on, grades one job "to do again" with a step ticked on the
# list and one approved with the rubric's levels in view; the trainee reads and
# acknowledges the feedback on her screen; the instructor signs a competence off, and the
# trainee, refused the screen replacement before, can now start it. French and Dutch, at
# every screen size, with the keyboard only; every screen audited and photographed.
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/../lib/accounts.sh"

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
T=$(mktemp -d)
SERVER=""
NODE="node"
FAKECTL="$ROOT/tests/fakes/fakectl.sh"
trap '[ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null; sh "$FAKECTL" stop "$T/fake" >/dev/null 2>&1; rm -rf "$T"' EXIT
export TMPDIR="$T" # Chromium's profile, Playwright's files: all in the test's folder
J="python3 $ROOT/tests/lib/jq.py"
WALK="python3 $ROOT/tests/lib/walk_job.py"
unset ATELIER_CHECKLISTS

if [ ! -d "$ROOT/node_modules/playwright-core" ] || [ ! -x /usr/bin/chromium ]; then
    echo "Bail out! the browser tools are missing: run scripts/setup-deps.sh (make check does)"
    exit 1
fi

# The workshop's own practice checklist, beside the shipped ones: a rubric with the
# meaning of each level, and a step whose failure stops the work.
mkdir -p "$T/data/checklists" "$T/shots"
cat > "$T/data/checklists/bench-check.yaml" <<'YAML'
id: bench-check
version: 1
title: {en: "Bench check", fr: "Contrôle au poste", nl: "Controle aan de werkbank"}
applies_to:
  platforms: [ios]
difficulty: 1
time_minutes: 20
competences: [device-intake]
rubric:
  - id: care
    title: {en: "Worked carefully", fr: "A travaillé avec soin", nl: "Werkte zorgvuldig"}
    max: 2
    levels:
      - {en: "Skipped checks", fr: "A sauté des contrôles", nl: "Sloeg controles over"}
      - {en: "Checked most things", fr: "A contrôlé presque tout", nl: "Controleerde bijna alles"}
      - {en: "Checked everything, in order", fr: "A tout contrôlé, dans l'ordre", nl: "Controleerde alles, in volgorde"}
  - id: record
    title: {en: "Recorded clearly", fr: "A noté clairement", nl: "Noteerde duidelijk"}
    max: 1
    levels:
      - {en: "Notes missing or unclear", fr: "Notes absentes ou peu claires", nl: "Notities ontbreken of zijn onduidelijk"}
      - {en: "Clear notes", fr: "Notes claires", nl: "Duidelijke notities"}
steps:
  - id: look
    title: {en: "Look at the device", fr: "Regardez l'appareil", nl: "Bekijk het toestel"}
    kind: check
  - id: voltage
    title: {en: "Measure the battery voltage", fr: "Mesurez la tension de la batterie", nl: "Meet de batterijspanning"}
    kind: measure
    unit: V
    range: {min: 3.6, max: 4.45}
  - id: swollen
    title: {en: "The battery is flat, not swollen", fr: "La batterie est plate, pas gonflée", nl: "De batterij is plat, niet opgezwollen"}
    kind: check
    on_fail: stop
  - id: remarks
    title: {en: "Remarks", fr: "Remarques", nl: "Opmerkingen"}
    kind: note
YAML

# Two iPhones on the bench (the fake usbmuxd's four-phone scenario), read once.
export FAKE_USBMUXD_KEY_CACHE="$T/keys"
mkdir -p "$FAKE_USBMUXD_KEY_CACHE"
sh "$FAKECTL" start "$T/fake" "$ROOT/tests/fakes/scenarios/bench-mixed.json" >/dev/null
export USBMUXD_SOCKET_ADDRESS="UNIX:$T/fake/usbmuxd.sock"
A="$ATELIER --data $T/data"
UA=00008110-000E44540A2A0010 # iPhone 13: amina's
UB=00008030-001A2B3C4D5E802E # iPhone 11: bilal's
if ! { init_admin "$A" && add_user "$A" amina trainee && add_user "$A" bilal trainee &&
       add_user "$A" sam instructor && signin amina && $A probe >/dev/null; }; then
    echo "Bail out! the accounts or the first reading could not be made"
    exit 1
fi
# Amina's first days, done at the bench: the intake of her iPhone (it waits for a
# grade), its data wipe (Erase All Content and Settings brings the fake phone back to
# its setup screens) and its diagnostics, which a screen replacement comes after.
cat > "$T/setv.py" <<'PY'
import json, os, subprocess, sys
state, fakectl, fakedir, udid = (os.environ[k] for k in ("SETV_STATE", "FAKECTL", "FAKEDIR", "UDID"))
values = json.load(open(state))
for domain, key, value in zip(*[iter(sys.argv[1:])] * 3):
    values.setdefault(domain, {})[key] = json.loads(value)
json.dump(values, open(state, "w"))
cmd = json.dumps({"cmd": "update", "udid": udid, "changes": {"values": values}})
subprocess.run(["sh", fakectl, "cmd", fakedir, cmd], check=True, stdout=subprocess.DEVNULL)
PY
python3 -c 'import json,sys; json.dump([d for d in json.load(open(sys.argv[1]))["devices"] if d["udid"] == sys.argv[3]][0]["values"], open(sys.argv[2], "w"))' \
    "$ROOT/tests/fakes/scenarios/bench-mixed.json" "$T/values.json" "$UA"
export SETV_STATE="$T/values.json" FAKECTL FAKEDIR="$T/fake" UDID=$UA
ERASE="python3 $T/setv.py com.apple.purplebuddy SetupDone false com.apple.purplebuddy SetupFinishedAllSteps false com.apple.PurpleBuddy SetupDone false"
INTAKE=$($WALK "$ATELIER" "$T/data" $UA intake-triage amina 2>"$T/walk.err") &&
    $WALK "$ATELIER" "$T/data" $UA data-wipe amina --before "setup-screen-shown=$ERASE" >/dev/null 2>>"$T/walk.err" &&
    $WALK "$ATELIER" "$T/data" $UA diagnostics-ios amina >/dev/null 2>>"$T/walk.err" || {
    sed 's/^/# /' "$T/walk.err"
    echo "Bail out! the trainee's first jobs could not be walked"
    exit 1
}
# An old iPhone set aside at intake: its Activation Lock is on.
UQ=3a9f6c2e1b0d4e5f60718293a4b5c6d7e8f90123
XDG_RUNTIME_DIR="$T/run/sam" $ATELIER_REAL --data "$T/data" device set-state $UQ quarantine \
    --why "Activation Lock on: the iCloud account of a former owner" >/dev/null || {
    echo "Bail out! the quarantine could not be recorded"
    exit 1
}
cat >"$T/facts.json" <<JSON
{"udid_a": "$UA", "udid_b": "$UB", "udid_q": "$UQ", "intake_job": $INTAKE,
 "trainees": {"amina": "$(cat "$T/secret-amina")", "bilal": "$(cat "$T/secret-bilal")"},
 "instructor": "sam", "password": "$(cat "$T/secret-sam")"}
JSON

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$ATELIER_REAL" --data "$T/data" serve --listen "127.0.0.1:$PORT" >"$T/serve.out" 2>&1 &
SERVER=$!
n=0
until grep -q "Atelier is at" "$T/serve.out" 2>/dev/null; do
    n=$((n + 1))
    if [ $n -gt 100 ]; then
        sed 's/^/# /' "$T/serve.out"
        echo "Bail out! atelier serve did not start"
        exit 1
    fi
    sleep 0.1
done

$NODE "$ROOT/tests/web/console_flow.mjs" "http://127.0.0.1:$PORT" "$T/shots" "$T/facts.json" >"$T/flow.json" 2>"$T/flow.err"
check "the console's walk ran to its end" $J "$T/flow.json" "d.get('finished', False)"
[ -s "$T/flow.json" ] || sed 's/^/# /' "$T/flow.err" | head -40
python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
for c in d["checks"]:
    detail = json.dumps(c.get("detail"), ensure_ascii=False, indent=1) if not c["ok"] else ""
    print("%d\t%s\t%s" % (0 if c["ok"] else 1, c["name"].replace("\t", " "), detail.replace("\n", "\\n").replace("\t", " ")))
' "$T/flow.json" >"$T/flow.tap" 2>/dev/null || : >"$T/flow.tap"
while IFS="$(printf '\t')" read -r status name detail; do
    printf '%s\n' "$detail" | sed 's/\\n/\n/g' >"$TAP_OUT"
    _tap_result "$status" "$name"
done <"$T/flow.tap"

# What the screen did is in the records, as the command line reads them.
check "the redo given on the screen is in the records: the step ticked, the feedback; then the approval of the work done again" \
    sh -c "XDG_RUNTIME_DIR=$T/run/sam $ATELIER_REAL --data $T/data job show 5 --json >$T/j5.json && $J $T/j5.json \"(d['grades'][-2]['verdict'], d['grades'][-2]['redo'], d['grades'][-2]['by'], d['grades'][-2]['acknowledged'], d['grades'][-1]['verdict'], d['grades'][-1]['by'])\" \"('redo', ['voltage'], 'sam', True, 'approved', 'sam')\""
check "the sign-off given on the screen is amina's record" \
    sh -c "XDG_RUNTIME_DIR=$T/run/sam $ATELIER_REAL --data $T/data trainee show amina --json >$T/amina.json && $J $T/amina.json \"[(s['competence'], s['by']) for s in d['signoffs']]\" \"[('esd-safety', 'sam')]\""
check "the release from quarantine given on the screen is in the device's history, with its reason" \
    sh -c "XDG_RUNTIME_DIR=$T/run/sam $ATELIER_REAL --data $T/data device show $UQ --json >$T/q.json && $J $T/q.json \"(d['state'], d['history'][-1]['by'], d['history'][-1]['why'])\" \"('in_repair', 'sam', 'Le propriétaire l’a retiré de son compte iCloud (courriel du 2 décembre).')\""
check "every job's records still verify" \
    sh -c "for j in 1 2 3 4 5 6; do XDG_RUNTIME_DIR=$T/run/sam $ATELIER_REAL --data $T/data job verify \$j >/dev/null || exit 1; done"
if [ -n "${ATELIER_SCREENSHOTS:-}" ]; then
    mkdir -p "$ATELIER_SCREENSHOTS" && cp "$T"/shots/*.png "$ATELIER_SCREENSHOTS"/
fi
done_testing
