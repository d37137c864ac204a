#!/bin/sh
# A trainee's job from start to submission, as the CLI shows it: every kind of step,
# an auto step read from the phone, a correction, and the checks on the way.
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/../lib/accounts.sh"

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
T=$(mktemp -d)
FAKECTL="$ROOT/tests/fakes/fakectl.sh"
J="python3 $ROOT/tests/lib/jq.py"
export FAKE_USBMUXD_KEY_CACHE="$T/keys"
mkdir -p "$FAKE_USBMUXD_KEY_CACHE" "$T/checklists"
trap 'sh "$FAKECTL" stop "$T/fake" >/dev/null 2>&1; rm -rf "$T"' EXIT

cat > "$T/checklists/battery-check.yaml" <<'YAML'
id: battery-check
version: 2
title: {en: "Battery check", fr: "Contrôle de la batterie", nl: "Batterijcontrole"}
applies_to:
  platforms: [ios]
difficulty: 1
time_minutes: 10
steps:
  - id: look
    title: {en: "Look at the battery", fr: "Regardez la batterie", nl: "Bekijk de batterij"}
    kind: check
  - id: voltage
    title: {en: "Measure the voltage", fr: "Mesurez la tension", nl: "Meet de spanning"}
    kind: measure
    unit: V
    range: {min: 3.6, max: 4.45}
  - id: grade
    title: {en: "Cosmetic grade", fr: "Grade esthétique", nl: "Cosmetische graad"}
    kind: choice
    options:
      - value: A
        label: {en: "Like new", fr: "Comme neuf", nl: "Als nieuw"}
        criteria: {en: "No mark at 30 cm", fr: "Aucune marque à 30 cm", nl: "Geen spoor op 30 cm"}
      - value: B
        label: {en: "Light marks", fr: "Marques légères", nl: "Lichte sporen"}
        criteria: {en: "Marks seen close up", fr: "Marques visibles de près", nl: "Sporen van dichtbij"}
  - id: health
    title: {en: "Battery health", fr: "Santé de la batterie", nl: "Batterijgezondheid"}
    kind: auto
    expr: 'battery.health_pct >= 80'
  - id: part
    title: {en: "Battery fitted", fr: "Batterie posée", nl: "Batterij geplaatst"}
    kind: parts
    required: false
  - id: remarks
    title: {en: "Remarks", fr: "Remarques", nl: "Opmerkingen"}
    kind: note
    required: false
YAML
export ATELIER_CHECKLISTS="$T/checklists"
sh "$FAKECTL" start "$T/fake" "$ROOT/tests/fakes/scenarios/iphone-ios17-paired.json" >/dev/null
export USBMUXD_SOCKET_ADDRESS="UNIX:$T/fake/usbmuxd.sock"
A="$ATELIER --data $T/data"
U=00008110-000E44540A2A0000
init_admin "$A"
add_user "$A" amina trainee
add_user "$A" sam instructor
signin amina

check "a job cannot start on a device never read" \
    sh -c "! $A job start --device $U --checklist battery-check --trainee amina 2>&1 | grep -q started"
$A probe >/dev/null
check "a job starts once the device is read" \
    sh -c "$A job start --device $U --checklist battery-check --trainee amina | grep -q '^job 1 started: battery-check v2'"
check "starting it again resumes the open job" \
    sh -c "$A job start --device $U --checklist battery-check --trainee amina | grep -q 'job 1 is still open'"
check "a check step is recorded" sh -c "$A job step 1 look --result pass | grep -q 'look: pass (record 1)'"
check "a measure in range passes by itself" sh -c "$A job step 1 voltage --value 3.92 | grep -q 'voltage: pass'"
check "a measure out of range cannot be recorded as a pass" \
    sh -c "! $A job step 1 voltage --value 5.1 --result pass 2>/dev/null"
check "a choice must be one of its options" sh -c "! $A job step 1 grade --value Z 2>/dev/null"
check "a choice is recorded with its value" sh -c "$A job step 1 grade --value B | grep -q 'grade: pass'"
check "an auto step reads the phone again and decides" sh -c "$A job step 1 health | grep -q 'health: pass'"
check "a parts step needs its part" sh -c "! $A job step 1 part 2>/dev/null"
check "a part of unknown origin is refused, naming the origins" \
    sh -c "! $A job step 1 part --part 'Battery,Supplier X,BT123' 2>$T/err && grep -q 'genuine, used-original or aftermarket' $T/err"
check "a parts step records name, origin, serial and supplier" \
    sh -c "$A job step 1 part --part 'Battery,aftermarket,BT123,Pièces Dupont, Bruxelles' | grep -q 'part: pass'"
check "an unknown step is refused" sh -c "! $A job step 1 nosuchstep --result pass 2>/dev/null"
check "a correction is a new record that points at the wrong one" \
    sh -c "$A job step 1 look --result fail --note 'crack seen later' --corrects 1 | grep -q 'a correction'"
$A job show 1 --json >"$T/job.json"
check "the job shows every record in order with who and when" \
    sh -c "$J $T/job.json \"[r['step'] for r in d['records']]\" \"['look', 'voltage', 'grade', 'health', 'part', 'look']\" && $J $T/job.json \"all(r['by'] == 'amina' and r['t_ms'] > 0 for r in d['records'])\""
check "the auto step keeps the facts it used" $J "$T/job.json" "d['records'][3]['facts']['battery.health_pct']" 91.4
check "the measure keeps its value and the parts their serial" \
    sh -c "$J $T/job.json \"d['records'][1]['value']\" 3.92 && $J $T/job.json \"d['records'][4]['parts'][0]['serial']\" BT123 && $J $T/job.json \"d['records'][4]['parts'][0]['origin']\" aftermarket && $J $T/job.json \"d['records'][4]['parts'][0]['supplier']\" 'Pièces Dupont, Bruxelles'"
check "the correction points at record 1, which is unchanged" \
    sh -c "$J $T/job.json \"d['records'][5]['corrects']\" 1 && $J $T/job.json \"d['records'][0]['result']\" pass"
check "the job pins the checklist version" $J "$T/job.json" "d['checklist_version']" 2
# The file changes: the job keeps the version it started with.
sed -i 's/^version: 2/version: 3/' "$T/checklists/battery-check.yaml"
check "a changed checklist file does not change the job's steps" \
    sh -c "$A job show 1 --json | python3 -c 'import json,sys; d=json.load(sys.stdin); sys.exit(0 if d[\"checklist_version\"] == 2 else 1)'"
check "a job verifies whole" $A job verify 1
check "submitting works once the required steps are done" sh -c "$A job submit 1 | grep -q submitted"
check "a submitted job takes no more steps" sh -c "! $A job step 1 remarks --note late 2>/dev/null"
check "jobs are listed by trainee and state" \
    sh -c "$A job list --trainee amina --state submitted | grep -q '^job 1 '"
expect_status 2 "job step without a job number is a usage error" $A job step
check "an instructor's record is kept under their name" \
    sh -c "$A job start --device $U --checklist battery-check --trainee amina >/dev/null && $A job step 2 look --result pass --by sam >/dev/null && $A job show 2 --json | grep -q '\"by\": \"sam\"'"
check "a job with a required step missing cannot be submitted" sh -c "! $A job submit 2 2>/dev/null"
check "with --json the refusal lists what is missing, for a script" \
    sh -c "! $A job submit 2 --json >$T/missing.json 2>/dev/null && $J $T/missing.json \"any('voltage' in m for m in d['missing'])\" True"
check "a correction names the record number job show prints" \
    sh -c "$A job step 2 look --result fail --note again --corrects 1 >/dev/null && $A job show 2 --json | grep -q '\"corrects\": 1'"
check "correcting a record number the job does not have is refused" \
    sh -c "! $A job step 2 look --result pass --corrects 99 2>/dev/null"
for s in voltage grade health; do $A job step 2 $s --result skip >/dev/null; done
check "a required step that was skipped blocks the submission" \
    sh -c "$A job submit 2 2>&1 | grep -q 'required and was skipped'"
check "an auto step cannot be recorded against what the device says" \
    sh -c "! $A job step 2 health --result fail 2>/dev/null"

# After a data wipe is submitted, the bench forgets its pairing with the iPhone.
cat > "$T/checklists/data-wipe.yaml" <<'YAML'
id: data-wipe
version: 1
title: {en: "Data wipe", fr: "Effacement", nl: "Wissen"}
difficulty: 1
time_minutes: 5
steps:
  - id: erased
    title: {en: "Erased", fr: "Effacé", nl: "Gewist"}
    kind: check
YAML
$A job start --device $U --checklist data-wipe --trainee amina >/dev/null
JOB=$($A job list --json | python3 -c 'import json,sys; print([j["id"] for j in json.load(sys.stdin) if j["checklist"] == "data-wipe"][0])')
$A job step "$JOB" erased --result pass >/dev/null
check "submitting a data wipe removes this computer's pairing with the iPhone" \
    sh -c "$A job submit $JOB | grep -q 'pairing with the device is removed' && sh $FAKECTL cmd $T/fake '{\"cmd\":\"stats\"}' | grep -q '\"DeletePairRecord\": 1'"

# An auto step on a fact the phone does not give: the bench cannot decide, and says how
# to record it by hand, as text or as JSON. (An iPhone has no factory reset protection
# fact: locks.frp is Android's, docs/facts.md.)
cat > "$T/checklists/frp-check.yaml" <<'YAML'
id: frp-check
version: 1
title: {en: "FRP", fr: "FRP", nl: "FRP"}
difficulty: 1
time_minutes: 5
steps:
  - id: frp
    title: {en: "Reset protection off", fr: "Protection désactivée", nl: "Beveiliging uit"}
    kind: auto
    expr: 'locks.frp == "off"'
YAML
$A job start --device $U --checklist frp-check --trainee amina >/dev/null
JOB=$($A job list --json | python3 -c 'import json,sys; print([j["id"] for j in json.load(sys.stdin) if j["checklist"] == "frp-check"][0])')
expect_status 6 "an auto step the bench cannot decide exits 6" $A job step "$JOB" frp
check "it says how to record it by hand" \
    sh -c "$A job step $JOB frp | grep -q 'check it by hand and record --result pass|fail --note'"
check "with --json it says so in JSON" \
    sh -c "$A job step $JOB frp --json >$T/undecided.json; $J $T/undecided.json \"d['decided']\" False && $J $T/undecided.json \"d['step']\" frp"
check "recorded by hand with a note, it is kept" \
    sh -c "$A job step $JOB frp --result pass --note 'no Google account screen' | grep -q 'frp: pass'"

# Each record names the bench it was made at: the host's name, or the line bench: of the
# data directory's atelier.conf.
HOST=$(hostname | cut -c1-63)
check "a step names the bench it was recorded at: the host's name by default" \
    sh -c "$A job show $JOB --json >$T/at.json && $J $T/at.json \"d['records'][-1]['bench']\" '$HOST'"
printf '# this bench\nbench: établi 3\n' >"$T/data/atelier.conf"
$A job step "$JOB" frp --result pass --note 'checked again' >/dev/null
check "with bench: in atelier.conf, the next step names that bench" \
    sh -c "$A job show $JOB --json >$T/at.json && $J $T/at.json \"d['records'][-1]['bench']\" 'établi 3'"
check "job show says where each step was recorded" \
    sh -c "$A job show $JOB | grep -q 'frp .* by amina at établi 3'"
printf 'bench établi 3\n' >"$T/data/atelier.conf"
check "a line of atelier.conf that is not a setting is refused, naming the file and the line" \
    sh -c "! $A job show $JOB 2>$T/conf.err && grep -q 'atelier.conf line 1: a setting is \"key: value\"' $T/conf.err"
printf 'bench: %s\n' "$(printf 'x%.0s' $(seq 1 70))" >"$T/data/atelier.conf"
check "a bench's name longer than 63 characters is refused, saying so" \
    sh -c "! $A job show $JOB 2>$T/conf.err && grep -q 'is not a bench.s name (1 to 63 characters' $T/conf.err"
rm "$T/data/atelier.conf"

done_testing
