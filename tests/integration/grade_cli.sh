#!/bin/sh
# An instructor grades a trainee's submitted job, as the CLI shows it: who may grade,
# the feedback, a redo that opens the job again for the named steps only, the trainee's
# acknowledgement, the second submission and its approval.
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/../lib/accounts.sh"

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
T=$(mktemp -d)
FAKECTL="$ROOT/tests/fakes/fakectl.sh"
J="python3 $ROOT/tests/lib/jq.py"
export FAKE_USBMUXD_KEY_CACHE="$T/keys"
mkdir -p "$FAKE_USBMUXD_KEY_CACHE" "$T/checklists"
trap 'sh "$FAKECTL" stop "$T/fake" >/dev/null 2>&1; rm -rf "$T"' EXIT

cat > "$T/checklists/screen-check.yaml" <<'YAML'
id: screen-check
version: 1
title: {en: "Screen check", fr: "Contrôle de l'écran", nl: "Schermcontrole"}
difficulty: 1
time_minutes: 10
rubric:
  - id: care
    title: {en: "Worked carefully", fr: "A travaillé avec soin", nl: "Werkte zorgvuldig"}
    max: 3
  - id: pace
    title: {en: "Kept a good pace", fr: "A gardé un bon rythme", nl: "Hield een goed tempo"}
    max: 2
steps:
  - id: look
    title: {en: "Look at the screen", fr: "Regardez l'écran", nl: "Bekijk het scherm"}
    kind: check
  - id: voltage
    title: {en: "Measure the voltage", fr: "Mesurez la tension", nl: "Meet de spanning"}
    kind: measure
    unit: V
    range: {min: 3.6, max: 4.45}
  - id: remarks
    title: {en: "Remarks", fr: "Remarques", nl: "Opmerkingen"}
    kind: note
    required: false
YAML
cat > "$T/checklists/quick-look.yaml" <<'YAML'
id: quick-look
version: 1
title: {en: "Quick look", fr: "Coup d'œil", nl: "Snelle blik"}
difficulty: 1
time_minutes: 2
steps:
  - id: look
    title: {en: "Look at the device", fr: "Regardez l'appareil", nl: "Bekijk het toestel"}
    kind: check
YAML
export ATELIER_CHECKLISTS="$T/checklists"
sh "$FAKECTL" start "$T/fake" "$ROOT/tests/fakes/scenarios/iphone-ios17-paired.json" >/dev/null
export USBMUXD_SOCKET_ADDRESS="UNIX:$T/fake/usbmuxd.sock"
A="$ATELIER --data $T/data"
U=00008110-000E44540A2A0000
init_admin "$A"
add_user "$A" amina trainee
add_user "$A" bilal trainee
add_user "$A" sam instructor
add_user "$A" ines instructor
signin amina
$A probe >/dev/null
$A job start --device $U --checklist screen-check --trainee amina >/dev/null
$A job step 1 look --result pass >/dev/null
# sam helps amina with the measurement, so sam worked on job 1.
$A job step 1 voltage --value 3.9 --by sam >/dev/null

check "work that is not submitted cannot be graded" \
    sh -c "! $A job grade 1 --verdict approved --score care=3 --score pace=2 --feedback ok --by ines 2>$T/err && grep -q 'not submitted yet' $T/err"
$A job submit 1 >/dev/null
check "a trainee cannot grade" \
    sh -c "! $A job grade 1 --verdict approved --score care=3 --score pace=2 --feedback 'good' --by bilal 2>$T/err && grep -q 'a trainee cannot grade' $T/err"
check "an instructor who recorded a step of the job cannot grade it" \
    sh -c "! $A job grade 1 --verdict approved --score care=3 --score pace=2 --feedback 'good' --by sam 2>$T/err && grep -q 'nobody grades their own work: sam recorded step voltage of job 1' $T/err"
# ines does a quick look herself, as a demonstration: that job is hers.
$A job start --device $U --checklist quick-look --trainee ines >/dev/null
$A job step 2 look --result pass --by ines >/dev/null
$A job submit 2 >/dev/null
# The grading queue: what waits for a grade, the longest waiting first.
check "the queue shows both submitted jobs, the longest waiting first, with trainee, checklist and device" \
    sh -c "XDG_RUNTIME_DIR=$T/run/ines $A job queue >$T/out && sed -n 1p $T/out | grep -q '^job 1 .*amina .*Screen check .*iPhone 13 (device 1) .*waiting 0 min' && sed -n 2p $T/out | grep -q '^job 2 .*ines .*Quick look' && test \$(wc -l <$T/out) -eq 2"
check "the queue in JSON carries the waiting time and the submission" \
    sh -c "XDG_RUNTIME_DIR=$T/run/ines $A job queue --json >$T/q.json && $J $T/q.json \"[(j['id'], j['trainee'], j['checklist'], j['device_name']) for j in d]\" \"[(1, 'amina', 'screen-check', 'iPhone 13'), (2, 'ines', 'quick-look', 'iPhone 13')]\" && $J $T/q.json \"all(j['waiting_ms'] >= 0 and j['submitted_ms'] > 0 for j in d)\""
check "the queue gives checklist titles in the language asked" \
    sh -c "XDG_RUNTIME_DIR=$T/run/ines $A job queue --lang fr | grep -q 'Contrôle de l.écran'"
check "a trainee does not see the grading queue, and is told who does" \
    sh -c "XDG_RUNTIME_DIR=$T/run/bilal $A job queue 2>$T/err; test \$? -eq 1 && { grep -q 'bilal is a trainee: only an instructor or an admin sees the jobs waiting for a grade' $T/err || { cat $T/err; false; }; }"
check "job list --state submitted gives the jobs waiting for a grade, with trainee and verdict" \
    sh -c "$A job list --state submitted >$T/out && grep -q '^job 2 .*submitted .*ines .*not graded' $T/out && grep -q '^job 1 .*submitted .*amina .*not graded' $T/out && test \$(wc -l <$T/out) -eq 2"
check "an unknown stage is refused with the stages there are" \
    sh -c "! $A job list --state aproved 2>$T/err && grep -q \"'aproved' is not a stage of a job: open, submitted, approved, redo, cancelled\" $T/err"
check "an instructor cannot grade a job they did as its trainee" \
    sh -c "! $A job grade 2 --verdict approved --feedback 'fine' --by ines 2>$T/err && grep -q 'nobody grades their own work: ines is the trainee of job 2' $T/err"
expect_status 2 "a grade without feedback is refused" \
    $A job grade 1 --verdict approved --score care=3 --score pace=2 --by ines
check "feedback of blanks only is no feedback" \
    sh -c "$A job grade 1 --verdict approved --score care=3 --score pace=2 --feedback '   ' --by ines 2>$T/err; test \$? -eq 2 && grep -q 'a grade needs feedback' $T/err"
expect_status 2 "a redo without the steps to redo is refused" \
    $A job grade 1 --verdict redo --feedback 'again' --by ines
expect_status 2 "an approval has nothing to redo" \
    $A job grade 1 --verdict approved --redo voltage --score care=3 --score pace=2 --feedback 'ok' --by ines
check "a step to redo must be a step of the job's checklist" \
    sh -c "! $A job grade 1 --verdict redo --redo voltage,batery --feedback 'again' --by ines 2>$T/err && grep -q \"has no step 'batery'\" $T/err"
check "a score must be within its rubric item's range" \
    sh -c "! $A job grade 1 --verdict redo --redo voltage --score care=9 --feedback 'again' --by ines 2>$T/err && grep -q \"score of 'care' is 0 to 3, not 9\" $T/err"
check "a score must name a rubric item" \
    sh -c "! $A job grade 1 --verdict redo --redo voltage --score speed=1 --feedback 'again' --by ines 2>$T/err && grep -q \"no item 'speed'\" $T/err"
check "an approval scores every rubric item" \
    sh -c "! $A job grade 1 --verdict approved --score care=3 --feedback 'good' --by ines 2>$T/err && grep -q 'give --score pace=N (0 to 2)' $T/err"

# The redo: the job opens again, for the voltage only.
check "a redo names the steps and says the job is open again" \
    sh -c "$A job grade 1 --verdict redo --redo voltage --score care=2 --feedback 'Measure at rest, with the charger unplugged' --by ines >$T/out && grep -q 'job 1 graded: redo' $T/out && grep -q 'redo: voltage' $T/out && grep -q 'open again for amina' $T/out"
$A job show 1 --json >"$T/job.json"
check "the job is open again, with the steps to redo" \
    sh -c "$J $T/job.json \"d['state']\" open && $J $T/job.json \"d['steps_to_redo']\" \"['voltage']\""
check "a job sent back for redo leaves the queue" \
    sh -c "XDG_RUNTIME_DIR=$T/run/ines $A job queue >$T/out && grep -q '^job 2 ' $T/out && ! grep -q '^job 1 ' $T/out"
check "job list --state redo gives the job sent back, open gives it too (it is worked on), and submitted no longer does" \
    sh -c "$A job list --state redo | grep -q '^job 1 .*redo .*amina .*redo' && ! $A job list --state submitted | grep -q '^job 1 ' && $A job list --state open | grep -q '^job 1 .*redo .*amina'"
check "job show keeps the grade: verdict, steps, scores, feedback, who, not acknowledged" \
    sh -c "$J $T/job.json \"[g['verdict'] for g in d['grades']]\" \"['redo']\" && $J $T/job.json \"d['grades'][0]['redo']\" \"['voltage']\" && $J $T/job.json \"d['grades'][0]['scores']['care']\" 2 && $J $T/job.json \"d['grades'][0]['feedback']\" 'Measure at rest, with the charger unplugged' && $J $T/job.json \"d['grades'][0]['by']\" ines && $J $T/job.json \"d['grades'][0]['acknowledged']\" False"
check "job show prints the grade for a person" \
    sh -c "$A job show 1 >$T/out && grep -q 'grade 1: redo, by ines' $T/out && grep -q 'to redo: voltage' $T/out && grep -q 'feedback: Measure at rest' $T/out && grep -q 'not acknowledged yet' $T/out"
check "a job sent back for redo is not graded again before it is resubmitted" \
    sh -c "! $A job grade 1 --verdict approved --score care=3 --score pace=2 --feedback 'ok' --by ines 2>$T/err && grep -q 'went back to its trainee for redo' $T/err"
check "only the steps to redo can be recorded" \
    sh -c "! $A job step 1 look --result pass 2>$T/err && grep -q 'step look is not among the steps to redo: voltage' $T/err"
check "a redone job cannot be submitted before its steps are recorded again" \
    sh -c "! $A job submit 1 2>$T/err && grep -q \"step 'voltage' is to be redone\" $T/err"

# The trainee reads and acknowledges the feedback.
# bilal is a trainee: she reads amina by her code, never her name.
AMINA_CODE=$(records_sql "$T/data" "SELECT code FROM app_user WHERE name = 'amina'")
check "someone other than the trainee cannot acknowledge the grade" \
    sh -c "! $A job ack 1 --by bilal 2>$T/err && grep -q 'only the trainee of job 1 ($AMINA_CODE) acknowledges its grade' $T/err && ! grep -q amina $T/err"
check "the trainee's acknowledgement shows the verdict and the feedback" \
    sh -c "$A job ack 1 --by amina >$T/out && grep -q ': redo' $T/out && grep -q 'feedback: Measure at rest, with the charger unplugged' $T/out && grep -q 'acknowledged by amina' $T/out"
check "acknowledging twice says it was already acknowledged, and succeeds" \
    sh -c "$A job ack 1 --by amina | grep -q 'already acknowledged'"
check "job show says who acknowledged the grade" \
    sh -c "$A job show 1 --json >$T/job.json && $J $T/job.json \"d['grades'][0]['acknowledged']\" True && $J $T/job.json \"d['grades'][0]['ack_by']\" amina"

# Redo, resubmit, approve.
check "the step to redo is recorded again" \
    sh -c "$A job step 1 voltage --value 3.85 | grep -q 'voltage: pass'"
check "the job is submitted again" sh -c "$A job submit 1 | grep -q 'submitted for grading'"
check "the new submission is approved with every rubric item scored" \
    sh -c "$A job grade 1 --verdict approved --score care=3 --score pace=2 --feedback 'Clean work, well measured' --by ines >$T/out && grep -q 'job 1 graded: approved' $T/out && grep -q 'scores: care 3/3, pace 2/2' $T/out"
$A job show 1 --json >"$T/job.json"
check "the job keeps both grades, the second about the new submission" \
    sh -c "$J $T/job.json \"[g['verdict'] for g in d['grades']]\" \"['redo', 'approved']\" && $J $T/job.json \"d['grades'][1]['submitted_ms'] > d['grades'][0]['submitted_ms']\" && $J $T/job.json \"d['grades'][1]['submitted_ms'] == d['submitted_ms']\" && $J $T/job.json \"d['state']\" submitted"
check "job list --state approved gives the approved job with its verdict" \
    sh -c "$A job list --state approved --json >$T/l.json && $J $T/l.json \"[(j['id'], j['stage'], j['state'], j['verdict'], j['trainee']) for j in d]\" \"[(1, 'approved', 'submitted', 'approved', 'amina')]\""
check "the approved job is out of the queue, the other still waits" \
    sh -c "XDG_RUNTIME_DIR=$T/run/ines $A job queue --json >$T/q.json && $J $T/q.json \"[j['id'] for j in d]\" '[2]'"
check "the records of the first submission are kept as they were" \
    sh -c "$J $T/job.json \"[(r['step'], r['value']) for r in d['records']]\" \"[('look', None), ('voltage', '3.9'), ('voltage', '3.85')]\""
check "a submission is graded once" \
    sh -c "! $A job grade 1 --verdict approved --score care=1 --score pace=1 --feedback 'again' --by sam 2>$T/err && grep -q 'already graded for this submission' $T/err"
check "the record of the job still verifies" $A job verify 1
check "the device shows its job with the latest verdict" \
    sh -c "$A device show $U --json >$T/dev.json && $J $T/dev.json \"[(j['id'], j['verdict']) for j in d['jobs']]\" \"[(2, None), (1, 'approved')]\""
check "a job without a grade cannot be acknowledged" \
    sh -c "! $A job ack 2 --by ines 2>$T/err && grep -q 'has no grade yet' $T/err"

# A database of schema 9 (before graded_ms) keeps its stages when it is migrated: the
# grades already given are read into graded_ms. SQLite only: a PostgreSQL database
# starts at schema 13 or later (db_pg.c): it has no schema 9 to come from.
if records_on_pg; then
    for c in "after the migration from schema 9, the queue still holds only the job not graded" \
        "and the approved job is still approved" "and the migrated database checks"; do
        skip "$c" "no schema 9 on PostgreSQL: its records start at schema 13 or later"
    done
else
    python3 - "$T/data/atelier.db" <<'PY'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
c.executescript("DROP TABLE bench_enrolment; DROP TABLE bench_key; "
                "ALTER TABLE job DROP COLUMN bench; ALTER TABLE step_record DROP COLUMN bench; "
                "ALTER TABLE probe DROP COLUMN bench; ALTER TABLE device_event DROP COLUMN bench; "
                "DROP TABLE sale; DROP TABLE shelf_move; DROP TABLE device_batch; DROP TABLE intake_batch; DROP TABLE destruction; DROP INDEX job_open; DROP TABLE redaction; DROP TABLE erasure; DROP INDEX app_user_code; "
                "ALTER TABLE app_user DROP COLUMN code; ALTER TABLE app_user DROP COLUMN erased_ms; "
                "DROP INDEX job_waiting; DROP INDEX job_trainee; DROP TABLE signoff; "
                "ALTER TABLE job DROP COLUMN graded_ms; PRAGMA user_version = 9;")
c.close()
PY
    check "after the migration from schema 9, the queue still holds only the job not graded" \
        sh -c "XDG_RUNTIME_DIR=$T/run/ines $A job queue --json >$T/q.json && $J $T/q.json \"[j['id'] for j in d]\" '[2]'"
    check "and the approved job is still approved" \
        sh -c "$A job list --state approved --json >$T/l.json && $J $T/l.json \"[j['id'] for j in d]\" '[1]'"
    check "and the migrated database checks" $A db check
fi

done_testing
