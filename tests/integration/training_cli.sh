#!/bin/sh
# What a trainee must hold before she starts a harder checklist (an approved job of the
# easier one, an instructor's sign-off), and the sign-off itself: who may give it, when,
# and that it is kept in the records' chain.
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/../lib/accounts.sh"

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
T=$(mktemp -d)
FAKECTL="$ROOT/tests/fakes/fakectl.sh"
J="python3 $ROOT/tests/lib/jq.py"
export FAKE_USBMUXD_KEY_CACHE="$T/keys"
mkdir -p "$FAKE_USBMUXD_KEY_CACHE" "$T/checklists"
trap 'sh "$FAKECTL" stop "$T/fake" >/dev/null 2>&1; rm -rf "$T"' EXIT

cat > "$T/checklists/basics.yaml" <<'YAML'
id: basics
version: 1
title: {en: "Safe handling", fr: "Manipulation sûre", nl: "Veilig hanteren"}
category: intake
difficulty: 1
time_minutes: 5
competences: [esd-safety]
steps:
  - id: strap
    title: {en: "Put on the ESD strap", fr: "Mettez le bracelet ESD", nl: "Doe de ESD-polsband om"}
    kind: check
YAML
cat > "$T/checklists/advanced.yaml" <<'YAML'
id: advanced
version: 1
title: {en: "Screen replacement", fr: "Remplacement d'écran", nl: "Scherm vervangen"}
category: repair
difficulty: 4
time_minutes: 60
competences: [screen-replacement]
requires:
  approved: [basics]
  signed_off: [esd-safety]
steps:
  - id: open
    title: {en: "Open the phone", fr: "Ouvrez le téléphone", nl: "Open de telefoon"}
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
add_user "$A" ines instructor
signin amina
$A probe >/dev/null

check "lint accepts competences and requires" $ATELIER checklist lint "$T/checklists/advanced.yaml"
# A competence the policy does not name: lint says screens will show its id; named in a
# policy.yaml beside the checklists, it is quiet.
mkdir -p "$T/lint-names"
sed 's/competences: \[esd-safety\]/competences: [soldering]/' "$T/checklists/basics.yaml" >"$T/lint-names/basics.yaml"
check "lint warns of a competence with no name in the policy, once, naming the file" \
    sh -c "$ATELIER checklist lint '$T/lint-names' >$T/lint.out 2>&1; grep -q \"^$T/lint-names/basics.yaml: warning: competence 'soldering' has no name in the policy (competences: in policy.yaml): screens and training records show its id\\\$\" $T/lint.out && grep -q '0 errors, 1 warning' $T/lint.out && ! grep -q esd-safety $T/lint.out"
printf 'competences:\n  soldering:\n    en: Soldering\n' >"$T/lint-names/policy.yaml"
check "and none once the policy beside it names it" \
    sh -c "$ATELIER checklist lint '$T/lint-names' >$T/lint.out 2>&1; grep -q '0 errors, 0 warnings' $T/lint.out && ! grep -q soldering $T/lint.out"
check "checklist show --json carries them" \
    sh -c "$A checklist show advanced --json >$T/c.json && $J $T/c.json \"(d['competences'], d['requires'])\" \"(['screen-replacement'], {'approved': ['basics'], 'signed_off': ['esd-safety']})\""

# ---- before any approved work ----
check "a trainee cannot start the harder checklist, and is told all she still needs" \
    sh -c "$A job start --device $U --checklist advanced 2>$T/err; test \$? -eq 1 && grep -q \"amina cannot start 'advanced' yet: amina needs an approved job of 'basics' and an instructor's sign-off for 'esd-safety'\" $T/err"
check "trainee show says what she may start and what she needs" \
    sh -c "$A trainee show >$T/out && grep -q '^  basics .* 0 approved  may start' $T/out && grep -q \"^  advanced .*needs an approved job of 'basics', an instructor's sign-off for 'esd-safety'\" $T/out && grep -A1 '^signed off:' $T/out | grep -q 'nothing yet'"
check "no sign-off before approved work, and the refusal names the checklist that trains it" \
    sh -c "XDG_RUNTIME_DIR=$T/run/ines $A trainee sign-off amina esd-safety --note 'Wore the strap' 2>$T/err; test \$? -eq 1 && grep -q \"amina has no approved job that trains 'esd-safety' yet (basics): a sign-off comes after approved work\" $T/err"

# ---- the easier checklist, approved ----
$A job start --device $U --checklist basics >/dev/null
$A job step 1 strap --result pass >/dev/null
$A job submit 1 >/dev/null
check "a job waiting for its grade is not approved work yet" \
    sh -c "$A job start --device $U --checklist advanced 2>$T/err; test \$? -eq 1 && grep -q \"needs an approved job of 'basics' and\" $T/err"
XDG_RUNTIME_DIR=$T/run/ines $A job grade 1 --verdict approved --feedback 'Careful and calm' >/dev/null
check "with the job approved, only the sign-off is missing" \
    sh -c "$A job start --device $U --checklist advanced 2>$T/err; test \$? -eq 1 && grep -q \"amina needs an instructor's sign-off for 'esd-safety'\$\" $T/err"

# ---- who may sign off ----
check "a trainee cannot sign anyone off" \
    sh -c "XDG_RUNTIME_DIR=$T/run/bilal $A trainee sign-off amina esd-safety --note 'ok' 2>$T/err; test \$? -eq 1 && grep -q 'bilal is a trainee: only an instructor or an admin signs a trainee off' $T/err"
check "nobody signs themselves off" \
    sh -c "XDG_RUNTIME_DIR=$T/run/ines $A trainee sign-off ines esd-safety --note 'ok' 2>$T/err; test \$? -eq 1 && grep -q 'nobody signs themselves off' $T/err"
expect_status 2 "a sign-off without a note is refused" \
    env XDG_RUNTIME_DIR=$T/run/ines $A trainee sign-off amina esd-safety
check "a competence no checklist trains is refused" \
    sh -c "XDG_RUNTIME_DIR=$T/run/ines $A trainee sign-off amina soldering --note 'ok' 2>$T/err; test \$? -eq 1 && grep -q \"no checklist trains 'soldering'\" $T/err"
check "the instructor signs her off" \
    sh -c "XDG_RUNTIME_DIR=$T/run/ines $A trainee sign-off amina esd-safety --note 'Wore the strap at every step' >$T/out && grep -q '^amina signed off for esd-safety by ines on [0-9-]*\$' $T/out"
check "a second sign-off for the same competence is refused, naming the first" \
    sh -c "XDG_RUNTIME_DIR=$T/run/ines $A trainee sign-off amina esd-safety --note 'again' 2>$T/err; test \$? -eq 1 && grep -q \"amina was already signed off for 'esd-safety' by ines\" $T/err"

# ---- now she may ----
check "with both, the trainee starts the harder checklist" \
    sh -c "$A job start --device $U --checklist advanced --json >$T/j.json && $J $T/j.json \"d['job']['checklist']\" advanced"
check "trainee show lists the sign-off with who, when and the note" \
    sh -c "$A trainee show --json >$T/t.json && $J $T/t.json \"[(s['competence'], s['by'], s['note']) for s in d['signoffs']]\" \"[('esd-safety', 'ines', 'Wore the strap at every step')]\" && $J $T/t.json \"[(c['id'], c['approved'], c['ready']) for c in d['checklists']]\" \"[('advanced', 0, True), ('basics', 1, True)]\""
check "another trainee's training is hers alone" \
    sh -c "XDG_RUNTIME_DIR=$T/run/bilal $A trainee show amina 2>$T/err; test \$? -eq 1 && grep -q 'a trainee sees her own training only' $T/err"
check "an instructor sees anyone's" \
    sh -c "XDG_RUNTIME_DIR=$T/run/ines $A trainee show amina | grep -q 'esd-safety .*by ines'"
check "another trainee still needs both" \
    sh -c "XDG_RUNTIME_DIR=$T/run/bilal $A trainee show | grep -q \"^  advanced .*needs an approved job of 'basics', an instructor's sign-off for 'esd-safety'\""
XDG_RUNTIME_DIR=$T/run/ines $A job cancel 2 --why "Moved to another bench" >/dev/null
check "an instructor may show the harder checklist without a sign-off" \
    sh -c "XDG_RUNTIME_DIR=$T/run/ines $A job start --device $U --checklist advanced --trainee ines >/dev/null 2>$T/err || { cat $T/err; false; }"

# ---- her record: the work, the redos, the feedback ----
XDG_RUNTIME_DIR=$T/run/ines $A job cancel 3 --why "Demonstration over" >/dev/null
$A job start --device $U --checklist basics >/dev/null
$A job step 4 strap --result pass --note "strap on the wrong wrist" >/dev/null
$A job submit 4 >/dev/null
XDG_RUNTIME_DIR=$T/run/ines $A job grade 4 --verdict redo --redo strap --feedback 'The strap goes on the wrist you work with' >/dev/null
$A job step 4 strap --result pass >/dev/null
$A job submit 4 >/dev/null
XDG_RUNTIME_DIR=$T/run/ines $A job grade 4 --verdict approved --feedback 'Right this time' >/dev/null
$A trainee show --json >"$T/t.json"
check "her record counts the jobs per checklist, the approvals and the first-time rate" \
    sh -c "$J $T/t.json \"[(c['id'], c['jobs'], c['cancelled'], c['approved'], c['first_time_approved'], c['first_time_rate'], c['redos']) for c in d['record']['checklists']]\" \"[('basics', 2, 0, 2, 1, 0.5, 1), ('advanced', 1, 1, 0, 0, None, 0)]\""
check "the time of each submitted job is in the trend, and its average is given" \
    sh -c "$J $T/t.json \"[len(c['trend']) for c in d['record']['checklists']]\" '[2, 0]' && $J $T/t.json \"d['record']['checklists'][0]['average_minutes'] >= 0 and d['record']['checklists'][1]['average_minutes'] is None\""
check "the redo is listed with its steps, its reason and who sent it back" \
    sh -c "$J $T/t.json \"[(r['job'], r['steps'], r['feedback'], r['by']) for r in d['record']['redos']]\" \"[(4, ['strap'], 'The strap goes on the wrist you work with', 'ines')]\""
check "every piece of feedback she received is there, oldest first" \
    sh -c "$J $T/t.json \"[(f['job'], f['verdict'], f['feedback'], f['acknowledged']) for f in d['record']['feedback']]\" \"[(1, 'approved', 'Careful and calm', False), (4, 'redo', 'The strap goes on the wrist you work with', False), (4, 'approved', 'Right this time', False)]\""
check "trainee show prints her work in words" \
    sh -c "$A trainee show >$T/out && grep -q '^  basics .*2 jobs, 2 approved, 50 % approved the first time, 1 redo, [0-9]* min on average' $T/out && grep -q '^  job 4 basics, .*, by ines: The strap goes on the wrist you work with' $T/out && grep -q 'approved by ines (not acknowledged): Right this time' $T/out"

# ---- the training report ----
rows() { # FILE: the CSV parsed back, as Python sees it
    python3 -c 'import csv,sys; print(list(csv.DictReader(open(sys.argv[1], newline="", encoding="utf-8"))))' "$1"
}
check "the training report is CSV with a header row, lines ended by CRLF" \
    sh -c "XDG_RUNTIME_DIR=$T/run/ines $A report training >$T/r.csv && head -1 $T/r.csv | od -c | grep -q '\\\\r  *\\\\n' && head -1 $T/r.csv | grep -q '^trainee,checklist,jobs,cancelled,approved,first_time_approved,first_time_rate,redos,average_minutes,signed_off'"
check "every trainee's figures per checklist, read back, are those of her record" \
    sh -c "python3 - $T/r.csv <<'PY'
import csv, sys
r = list(csv.DictReader(open(sys.argv[1], newline='', encoding='utf-8')))
got = sorted((x['trainee'], x['checklist'], x['jobs'], x['cancelled'], x['approved'], x['first_time_approved'], x['first_time_rate'], x['redos'], x['signed_off']) for x in r)
want = [('amina', 'advanced', '1', '1', '0', '0', '', '0', 'esd-safety'), ('amina', 'basics', '2', '0', '2', '1', '0.50', '1', 'esd-safety')]
print(got)
sys.exit(0 if got == want else 1)
PY"
check "a period that ends before the first job holds no row" \
    sh -c "XDG_RUNTIME_DIR=$T/run/ines $A report training --from 2020-01-01 --to 2020-02-01 >$T/r.csv && test \$(wc -l <$T/r.csv) -eq 1"
check "a trainee reports on herself" \
    sh -c "$A report training --format json >$T/r.json && $J $T/r.json \"sorted(set(x['trainee'] for x in d['rows']))\" \"['amina']\""
# (atelier itself, not tests/lib/as_by, which would act as the trainee --trainee names)
check "but not on another trainee" \
    sh -c "XDG_RUNTIME_DIR=$T/run/bilal $ATELIER_REAL --data $T/data report training --trainee amina 2>$T/err; test \$? -eq 1 && grep -q 'a trainee sees her own training only' $T/err"
check "a day that is not a date is refused, with an example" \
    sh -c "XDG_RUNTIME_DIR=$T/run/ines $A report training --from 2026-02-30 2>$T/err; test \$? -eq 2 && grep -q \"\\-\\-from takes a day such as 2026-12-01, not '2026-02-30'\" $T/err"
check "an unknown format is refused, naming the four there are (the PDF: training_report.sh)" \
    sh -c "XDG_RUNTIME_DIR=$T/run/ines $A report training --format xlsx 2>$T/err; test \$? -eq 2 && grep -q 'csv, json, pdf or html' $T/err"
check "--output writes the file whole" \
    sh -c "XDG_RUNTIME_DIR=$T/run/ines $A report training --trainee amina --output $T/out.csv && grep -q '^amina,basics,2,0,2,1,0.50,1,' $T/out.csv"

# ---- kept for good ----
check "the sign-off is in the records' chain, and the database checks" $A db check
signoff_changed() {
    ! records_sql "$T/data" "UPDATE signoff SET competence = 'x'" 2>"$T/err" &&
        grep -q 'sign-offs are append-only' "$T/err"
}
check "a sign-off cannot be changed in the database" signoff_changed
records_sql "$T/data" "INSERT INTO signoff (user_id, competence, by_user, note, t_ms) SELECT id, 'screen-replacement', id, 'forged', 1 FROM app_user WHERE name = 'bilal'"
check "a sign-off added behind Atelier's back is found by db check" \
    sh -c "! $A db check >$T/out 2>&1 && grep -q 'sign-off' $T/out"

done_testing
