#!/bin/sh
# The instructors' overview of the work on the benches (atelier job overview, the
# console's live part): every job in work with its trainee, the step in hand and since
# when, the alerts (a failed step that stops the job, one that quarantines the device),
# and when the step in hand becomes far over its time. Only instructors see it.
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/../lib/accounts.sh"

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
T=$(mktemp -d)
FAKECTL="$ROOT/tests/fakes/fakectl.sh"
J="python3 $ROOT/tests/lib/jq.py"
export FAKE_USBMUXD_KEY_CACHE="$T/keys"
mkdir -p "$FAKE_USBMUXD_KEY_CACHE" "$T/checklists"
trap 'sh "$FAKECTL" stop "$T/fake" >/dev/null 2>&1; rm -rf "$T"' EXIT

cat > "$T/checklists/bench-check.yaml" <<'YAML'
id: bench-check
version: 1
title: {en: "Bench check", fr: "Contrôle au poste", nl: "Controle aan de werkbank"}
difficulty: 1
time_minutes: 60
steps:
  - id: look
    title: {en: "Look at the device", fr: "Regardez l'appareil", nl: "Bekijk het toestel"}
    kind: check
  - id: lock
    title: {en: "Check the activation lock", fr: "Vérifiez le verrouillage", nl: "Controleer de activeringsvergrendeling"}
    kind: check
    on_fail: quarantine
  - id: swollen
    title: {en: "Look for a swollen battery", fr: "Cherchez une batterie gonflée", nl: "Zoek een opgezwollen batterij"}
    kind: check
    on_fail: stop
YAML
export ATELIER_CHECKLISTS="$T/checklists"
sh "$FAKECTL" start "$T/fake" "$ROOT/tests/fakes/scenarios/iphone-ios17-paired.json" >/dev/null
export USBMUXD_SOCKET_ADDRESS="UNIX:$T/fake/usbmuxd.sock"
A="$ATELIER --data $T/data"
U=00008110-000E44540A2A0000
init_admin "$A"
add_user "$A" amina trainee
add_user "$A" bilal trainee
add_user "$A" ines instructor
$A probe >/dev/null

check "with no job in work, the overview says so" \
    sh -c "XDG_RUNTIME_DIR=$T/run/ines $A job overview >$T/out && grep -qx 'no job in work' $T/out"
as amina $A job start --device $U --checklist bench-check --trainee amina >/dev/null
as amina $A job step 1 look --result pass >/dev/null
check "the overview shows the job, its trainee, the device and the step in hand" \
    sh -c "XDG_RUNTIME_DIR=$T/run/ines $A job overview >$T/out && grep -q '^job 1 .*amina .*Bench check .*iPhone 13 (device 1) .*step 2 of 3 .Check the activation lock. for 0 min' $T/out && test \$(wc -l <$T/out) -eq 1"
check "the overview in JSON: steps done, the step in hand, since the last record, no alert" \
    sh -c "XDG_RUNTIME_DIR=$T/run/ines $A job overview --json >$T/o.json && $J $T/o.json \"[(j['id'], j['trainee'], j['steps_done'], j['steps'], j['step']['id'], j['step']['number'], j['alerts']) for j in d['jobs']]\" \"[(1, 'amina', 1, 3, 'lock', 2, [])]\""
# A step's share of the checklist's time is 60 min / 3 steps = 20 min: far over it at 3
# times that, counted from the latest record.
check "the step in hand is far over its time at three times its share, from the latest record" \
    $J "$T/o.json" "d['jobs'][0]['slow_at_ms'] - d['jobs'][0]['last_ms']" "3600000"
check "the overview gives titles in the language asked" \
    sh -c "XDG_RUNTIME_DIR=$T/run/ines $A job overview --lang fr | grep -q 'Contrôle au poste .*Vérifiez le verrouillage'"
check "a trainee does not see the overview, and is told who does" \
    sh -c "XDG_RUNTIME_DIR=$T/run/bilal $A job overview 2>$T/err; test \$? -eq 1 && { grep -q 'bilal is a trainee: only an instructor or an admin' $T/err || { cat $T/err; false; }; }"

as amina $A job step 1 swollen --result fail --note 'the back bulges' >/dev/null 2>&1
check "a failed step that stops the job is an alert" \
    sh -c "XDG_RUNTIME_DIR=$T/run/ines $A job overview --json >$T/o.json && $J $T/o.json \"[(a['kind'], a['step'], a['record']) for a in d['jobs'][0]['alerts']]\" \"[('stopped', 'swollen', 2)]\""
check "the alert is said in words under the job" \
    sh -c "XDG_RUNTIME_DIR=$T/run/ines $A job overview >$T/out && grep -q \"! step 'Look for a swollen battery' failed: the job is stopped until an instructor resumes or cancels it\" $T/out"
as ines $A job resume 1 --why 'checked: it is only the case' >/dev/null
check "a stop an instructor let go on from is no alert any more" \
    sh -c "XDG_RUNTIME_DIR=$T/run/ines $A job overview --json >$T/o.json && $J $T/o.json \"d['jobs'][0]['alerts']\" '[]'"
as amina $A job step 1 lock --result fail --note 'iCloud lock on' >/dev/null 2>&1
check "a failed step that quarantines the device is an alert, said in words" \
    sh -c "XDG_RUNTIME_DIR=$T/run/ines $A job overview --json >$T/o.json && $J $T/o.json \"[(a['kind'], a['step']) for a in d['jobs'][0]['alerts']]\" \"[('quarantine', 'lock')]\" && XDG_RUNTIME_DIR=$T/run/ines $A job overview | grep -q \"! step 'Check the activation lock' failed: the device is in quarantine\""
check "with every step recorded there is no step in hand and nothing can be slow" \
    $J "$T/o.json" "(d['jobs'][0]['step'], d['jobs'][0]['slow_at_ms'], d['jobs'][0]['steps_done'])" "(None, None, 3)"
as ines $A job cancel 1 --why 'quarantined: back to the donor' >/dev/null
check "a cancelled job is no longer in work" \
    sh -c "XDG_RUNTIME_DIR=$T/run/ines $A job overview >$T/out && grep -qx 'no job in work' $T/out"
done_testing
