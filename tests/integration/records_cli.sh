#!/bin/sh
# Records nobody can quietly rewrite: someone who can write the database file (but does
# not hold the workshop key) cuts, edits, adds or recomputes records, or changes a state
# by hand; `job verify` and `db check` say what happened, with their exit codes (11: records
# were removed, 4: records were changed). And a step recorded while the job is being
# submitted is never kept after the submission.
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/../lib/accounts.sh"

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
T=$(mktemp -d)
FAKECTL="$ROOT/tests/fakes/fakectl.sh"
export FAKE_USBMUXD_KEY_CACHE="$T/keys"
mkdir -p "$FAKE_USBMUXD_KEY_CACHE" "$T/checklists"
trap 'sh "$FAKECTL" stop "$T/fake" >/dev/null 2>&1; rm -rf "$T"' EXIT

cat > "$T/checklists/bench-log.yaml" <<'YAML'
id: bench-log
version: 1
title: {en: "Bench log", fr: "Journal de l'établi", nl: "Werkbanklogboek"}
applies_to:
  platforms: [ios]
difficulty: 1
time_minutes: 5
steps:
  - id: first
    title: {en: "Look at the phone", fr: "Regardez le téléphone", nl: "Bekijk de telefoon"}
    kind: check
  - id: log
    title: {en: "Write what you did", fr: "Écrivez ce que vous avez fait", nl: "Schrijf op wat je deed"}
    kind: note
    required: false
YAML
export ATELIER_CHECKLISTS="$T/checklists"
sh "$FAKECTL" start "$T/fake" "$ROOT/tests/fakes/scenarios/iphone-ios17-paired.json" >/dev/null
export USBMUXD_SOCKET_ADDRESS="UNIX:$T/fake/usbmuxd.sock"
U=00008110-000E44540A2A0000
D="$T/data"
A="$ATELIER --data $D"
init_admin "$A"
add_user "$A" amina trainee
add_user "$A" sam instructor
signin amina
$A probe >/dev/null
$A job start --device $U --checklist bench-log --trainee amina >/dev/null
$A job step 1 first --result pass >/dev/null
$A job step 1 log --note "screen replaced, tested" >/dev/null
$A job step 1 log --note "battery at 91 %" >/dev/null

check "the honest records verify" sh -c "$A job verify 1 | grep -q 'job 1'"
check "and the database checks out" $A db check

# Each attack works on its own copy of the data directory.
copy() {
    rm -rf "$T/$1"
    cp -a "$D" "$T/$1"
    echo "$ATELIER --data $T/$1"
}
sql() {
    sqlite3 "$T/$1/atelier.db" "$2"
}

# 1. The last step record cut off (its guard dropped first).
B=$(copy cut)
sql cut "DROP TRIGGER step_record_no_delete; DELETE FROM step_record WHERE job_id = 1 AND seq = 3;"
expect_status 11 "a step record cut off the end: job verify exits 11" $B job verify 1
check "and says which record is gone" sh -c "$B job verify 1 2>&1 | grep -q 'lost records: the step named by entry 4 of job:1 (3) was removed'"
expect_status 11 "db check exits 11 too" $B db check

# 2. The record and its ledger entry cut off together.
B=$(copy cut2)
sql cut2 "DROP TRIGGER step_record_no_delete; DROP TRIGGER ledger_no_delete;
  DELETE FROM step_record WHERE job_id = 1 AND seq = 3;
  DELETE FROM ledger WHERE chain = 'job:1' AND seq = (SELECT MAX(seq) FROM ledger WHERE chain = 'job:1');"
expect_status 11 "a step and its entry cut off the end: job verify exits 11" $B job verify 1
check "and says the signed head knows more entries" sh -c "$B job verify 1 2>&1 | grep -q '1 of the 4 entries of job:1 were removed from its end'"

# 3. A note rewritten, and every hash recomputed as the program does.
B=$(copy rewritten)
sql rewritten "DROP TRIGGER step_record_no_update; DROP TRIGGER ledger_no_update;
  UPDATE step_record SET note = 'battery at 99 %' WHERE job_id = 1 AND seq = 3;"
python3 "$ROOT/tests/lib/rechain.py" "$T/rewritten/atelier.db" 1
check "the recomputed chain is whole again, hash by hash" \
    sh -c "test \"\$(sqlite3 $T/rewritten/atelier.db \"SELECT hash FROM chain_head WHERE chain = 'job:1'\")\" = \"\$(sqlite3 $T/rewritten/atelier.db \"SELECT hash FROM ledger WHERE chain = 'job:1' ORDER BY seq DESC LIMIT 1\")\""
expect_status 4 "but job verify refuses it (exit 4)" $B job verify 1
check "because the signature on the head no longer matches" \
    sh -c "$B job verify 1 2>&1 | grep -q 'signature on the head of job:1 does not match'"
expect_status 4 "db check refuses it too" $B db check

# 4. The guards dropped, nothing else.
B=$(copy triggers)
sql triggers "DROP TRIGGER grade_no_update; DROP TRIGGER ledger_no_delete;"
expect_status 4 "dropped append-only triggers: db check exits 4" $B db check
check "and names them" sh -c "$B db check 2>&1 | grep -q 'guards that keep records from being changed are gone: grade_no_update, ledger_no_delete'"

# 5. A trainee approves her own job by writing a grade into the file.
B=$(copy forged)
sql forged "UPDATE job SET state = 'submitted', submitted_ms = 5 WHERE id = 1;
  INSERT INTO grade (job_id, submitted_ms, verdict, feedback, by_user, t_ms) VALUES (1, 5, 'approved', 'ok', 2, 6);"
expect_status 4 "a state changed by hand and a grade written in: job verify exits 4" $B job verify 1
check "the state changed by hand is named" \
    sh -c "$B job verify 1 2>&1 | grep -q \"the state of job:1 is 'submitted', but its records end with 'open'\""
B=$(copy forged2)
sql forged2 "INSERT INTO grade (job_id, submitted_ms, verdict, feedback, by_user, t_ms) VALUES (1, 5, 'approved', 'ok', 2, 6);"
check "a grade written in is named" \
    sh -c "$B job verify 1 2>&1 | grep -q 'grade 1 of job:1 is not in its records: it was added behind'"

# 6. A device moved to certified by hand.
B=$(copy certified)
sql certified "UPDATE device SET state = 'certified';"
expect_status 4 "a device state changed by hand: db check exits 4" $B db check
check "and says which device" sh -c "$B db check 2>&1 | grep -q \"the state of device:1 is 'certified', but its records end with 'in_repair'\""

# 7. The head of the job's chain removed.
B=$(copy headless)
sql headless "DROP TRIGGER chain_head_no_delete; DELETE FROM chain_head WHERE chain = 'job:1';"
expect_status 4 "the head of a chain removed: job verify exits 4" $B job verify 1
check "and says the end is not known" sh -c "$B job verify 1 2>&1 | grep -q 'end of job:1.s records is not known'"

# 8. The whole job removed.
B=$(copy nojob)
sql nojob "PRAGMA foreign_keys = OFF; DROP TRIGGER step_record_no_delete; DROP TRIGGER ledger_no_delete;
  DROP TRIGGER chain_head_no_delete; DELETE FROM step_record WHERE job_id = 1;
  DELETE FROM ledger WHERE chain = 'job:1'; DELETE FROM chain_head WHERE chain = 'job:1';
  DELETE FROM job WHERE id = 1;"
expect_status 11 "a whole job removed: db check exits 11" $B db check
check "the device's records still name it" sh -c "$B db check 2>&1 | grep -q 'the job named by entry 2 of device:1 (1) was removed'"

# 9. A trainee makes herself an admin, or gives the admin a secret she knows.
B=$(copy promoted)
sql promoted "UPDATE app_user SET role = 'admin' WHERE name = 'amina';"
expect_status 4 "an account's role changed by hand: db check exits 4" $B db check
check "and names the account changed" \
    sh -c "$B db check 2>&1 | grep -q \"the account named by entry [0-9]* of accounts ($(sql promoted "SELECT id FROM app_user WHERE name = 'amina'")) was changed after it was written\""
B=$(copy rekeyed)
sql rekeyed "UPDATE app_user SET secret_hash = (SELECT secret_hash FROM app_user WHERE name = 'amina') WHERE name = 'boss';"
expect_status 4 "an account's secret replaced by hand: db check exits 4" $B db check
B=$(copy intruder)
sql intruder "INSERT INTO app_user (name, role, active, created_ms) VALUES ('intruder', 'admin', 1, 1);"
check "an account written in by hand is named" \
    sh -c "$B db check 2>&1 | grep -q 'account [0-9]* of accounts is not in its records: it was added behind'"
as boss $A user set-role sam admin >/dev/null
as boss $A user disable sam >/dev/null
check "while accounts changed through Atelier check out" $A db check

# 10. The honest copy still checks out after all that.
check "the original is untouched and still verifies" $A job verify 1
$A job submit 1 >/dev/null

# 11. A step and the submission at the same moment, 100 times: the step is either in the
# submitted job, or refused; never recorded after the submission.
rounds=${RACE_ROUNDS:-100}
late=0; refused=0; kept=0; bad=0
i=0
while [ $i -lt "$rounds" ]; do
    J=$($A job start --device $U --checklist bench-log --trainee amina | sed -n 's/^job \([0-9]*\) started.*/\1/p')
    $A job step "$J" first --result pass >/dev/null
    $A job step "$J" log --note "race $i" >"$T/step.out" 2>&1 &
    sp=$!
    $A job submit "$J" >/dev/null 2>&1
    wait $sp && kept=$((kept + 1)) || {
        grep -q 'submitted' "$T/step.out" && refused=$((refused + 1)) || bad=$((bad + 1))
    }
    # In the job's chain, no step entry may follow the submission.
    n=$(sqlite3 "$D/atelier.db" "SELECT COUNT(*) FROM ledger s, ledger j WHERE s.chain = 'job:$J' AND j.chain = 'job:$J' AND s.kind = 'step' AND j.kind = 'job_state' AND s.seq > j.seq")
    [ "$n" = 0 ] || late=$((late + 1))
    i=$((i + 1))
done
echo "# race: $kept steps kept before the submission, $refused refused after it"
check "no step is recorded after its job was submitted ($rounds rounds)" test "$late" = 0
check "a step that lost the race says the job is submitted" test "$bad" = 0
check "and every job still verifies" sh -c "$A db check"

done_testing
