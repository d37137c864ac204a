#!/bin/sh
# A trainee's privacy, as the workshop and she herself see it (docs/privacy.md): her
# certificate names her by the code the workshop chose (JSON, PDF, verify), another
# trainee reads her by that code only, she and an admin read all her data out, and on
# her request an admin erases her name and secret: gone from the database file itself,
# while her work stays under her code and every chain and certificate still checks. A
# workshop of schema 10, whose chains hold her name, is migrated and erased the same way.
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/../lib/accounts.sh"

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
T=$(mktemp -d)
FAKECTL="$ROOT/tests/fakes/fakectl.sh"
SC="$ROOT/tests/fakes/scenarios/iphone-ios17-paired.json"
J="python3 $ROOT/tests/lib/jq.py"
export FAKE_USBMUXD_KEY_CACHE="$T/keys"
mkdir -p "$FAKE_USBMUXD_KEY_CACHE" "$T/checklists"
trap 'sh "$FAKECTL" stop "$T/fake" >/dev/null 2>&1; rm -rf "$T"' EXIT

head_yaml() { # id title
    printf 'id: %s\nversion: 1\ntitle: {en: "%s", fr: "%s (fr)", nl: "%s (nl)"}\n' "$1" "$2" "$2" "$2"
    printf 'applies_to:\n  platforms: [ios]\ndifficulty: 1\ntime_minutes: 5\n'
}
{ head_yaml intake "Intake"; printf 'steps:\n  - id: look\n    title: {en: "Look at it"}\n    kind: check\n'; } \
    > "$T/checklists/intake.yaml"
{ head_yaml wipe "Data wipe"; printf 'steps:\n  - id: erase\n    title: {en: "Erase all content and settings"}\n    kind: check\n'; } \
    > "$T/checklists/wipe.yaml"
{ head_yaml qc "Final check"; cat <<'YAML'; } > "$T/checklists/qc.yaml"
steps:
  - id: grade
    title: {en: "Cosmetic grade"}
    kind: choice
    options:
      - value: A
        label: {en: "Like new", fr: "Comme neuf", nl: "Als nieuw"}
        criteria: {en: "No mark at 30 cm", fr: "Aucune marque à 30 cm", nl: "Geen spoor op 30 cm"}
      - value: B
        label: {en: "Very good", fr: "Très bon état", nl: "Zeer goed"}
        criteria: {en: "Marks seen close up", fr: "Marques visibles de près", nl: "Sporen van dichtbij"}
YAML
export ATELIER_CHECKLISTS="$T/checklists"
sh "$FAKECTL" start "$T/fake" "$SC" >/dev/null
export USBMUXD_SOCKET_ADDRESS="UNIX:$T/fake/usbmuxd.sock"
A="$ATELIER --data $T/data"
DB="$T/data/atelier.db"
U=00008110-000E44540A2A0000

# The records as SQL: sqlite3's .dump of DB, or the test's database on PostgreSQL.
dump() {
    if records_on_pg; then pg_dump "$ATELIER_DB"; else sqlite3 "$DB" .dump; fi
}
# the file itself, every byte SQLite keeps: the database and its write-ahead log. On
# PostgreSQL every row of the records (pg_dump): the server's own files are not the
# workshop's to read.
in_file() { # WORD: how many times it is in the file (dump and raw bytes)
    { dump; records_on_pg || strings -n 3 "$DB" "$DB-wal" 2>/dev/null; } | grep -c -F -- "$1"
}

init_admin "$A"
# ---- codes ----
check "an admin adds a trainee with the code the workshop chose" \
    sh -c "$A user add amina --role trainee --code T-014 --secret-file $(secret_of amina trainee) | grep -qx 'code on certificates: T-014'"
as amina $A login amina --secret-file "$T/secret-amina" >/dev/null
add_user "$A" bilal trainee
add_user "$A" claire instructor
# Each person at the keyboard, in her own runtime directory: atelier itself, not as_by
# (which would run as the person a --trainee names).
AMINA="env XDG_RUNTIME_DIR=$T/run/amina $ATELIER_REAL --data $T/data"
BILAL="env XDG_RUNTIME_DIR=$T/run/bilal $ATELIER_REAL --data $T/data"
CLAIRE="env XDG_RUNTIME_DIR=$T/run/claire $ATELIER_REAL --data $T/data"
check "a trainee added without a code gets one, never her name" \
    sh -c "$A user list --json >$T/users.json && $J $T/users.json \"[u['code'] for u in d if u['name'] == 'bilal'][0].startswith('T-')\""
expect_status 2 "a code that is somebody's name is refused" $A user set-code bilal claire
expect_status 1 "a code already taken is refused" $A user set-code bilal T-014
expect_status 2 "a code with a space is refused" $A user set-code bilal "T 1"
expect_status 1 "a trainee cannot change a code" $AMINA user set-code bilal T-020
expect_status 1 "nor can an instructor" $CLAIRE user set-code bilal T-020
check "an admin changes bilal's code" sh -c "$A user set-code bilal T-020 | grep -qx 'user bilal: code on certificates: T-020'"
check "and the audit log keeps the change" \
    sh -c "$CLAIRE audit --json >$T/audit.json && $J $T/audit.json \"[e['detail'] for e in d if e['action'] == 'user-set-code']\" \"['T-003 -> T-020']\""

# ---- a certificate names her by her code ----
cat > "$T/data/policy.yaml" <<'YAML'
workshop:
  name: "Atelier Réemploi Molenbeek"
  place: "Bruxelles"
  language: fr
required_checklists:
  ios: [intake, wipe, qc]
wipe_checklist: wipe
grade:
  checklist: qc
  step: grade
YAML
as amina $A probe >/dev/null
do_job() { # CHECKLIST STEP ARGS: started, stepped and submitted by amina
    id=$(as amina $A job start --device $U --checklist "$1" --trainee amina | sed -n 's/^job \([0-9]*\) started.*/\1/p')
    as amina $A job step "$id" "$2" $3 >/dev/null && as amina $A job submit "$id" >/dev/null && echo "$id"
}
I=$(do_job intake look "--result pass")
as claire $A job grade "$I" --verdict approved --feedback "Careful intake." --by claire >/dev/null
W=$(do_job wipe erase "--result pass")
as claire $A job grade "$W" --verdict approved --feedback "Wipe done right." --by claire >/dev/null
as claire $A job check-wipe "$W" --result pass --note "setup screens shown" --by claire >/dev/null
Q=$(do_job qc grade "--value B")
as claire $A job grade "$Q" --verdict approved --feedback "Grade B is right." --by claire >/dev/null
# Work still open holds an erasure back (before the certificate: a certified device takes
# no new job).
O=$(as amina $A job start --device $U --checklist intake --trainee amina | sed -n 's/^job \([0-9]*\) started.*/\1/p')
expect_status 1 "erase is refused while she has a job open" $A user erase amina --why "request 2026-03-02"
check "and says which, and what to do" \
    sh -c "$A user erase amina --why 'request 2026-03-02' 2>&1 | grep -q \"has work that is not finished (job $O)\" &&
           $A user erase amina --why 'request 2026-03-02' 2>&1 | grep -q 'atelier job cancel'"
as claire $A job cancel "$O" --by claire --why "she leaves the training" >/dev/null
python3 - "$SC" "$U" > "$T/wiped.json" <<'PY'
import json, sys
dev = json.load(open(sys.argv[1]))["devices"][0]
values = dev["values"]
values["com.apple.purplebuddy"] = {"SetupDone": False, "SetupFinishedAllSteps": False}
values["com.apple.PurpleBuddy"] = {"SetupDone": False}
print(json.dumps({"cmd": "update", "udid": sys.argv[2], "changes": {"values": values}}))
PY
sh "$FAKECTL" cmd "$T/fake" "$(cat "$T/wiped.json")" >/dev/null
as amina $A probe >/dev/null
expect_status 0 "the device is certified" as claire $A certify $U --by claire
CID=$($A certificate list --json | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])')
$A certificate export "$CID" --json "$T/cert.json" --pdf "$T/cert.pdf" >/dev/null
check "the certificate's JSON names the trainee by her code, everywhere" \
    sh -c "$J $T/cert.json \"d['trainees']\" \"['T-014']\" && $J $T/cert.json \"d['sanitization']['by']\" T-014 &&
           $J $T/cert.json \"set(c['trainee'] for c in d['checklists'])\" \"{'T-014'}\" && ! grep -q amina $T/cert.json"
pdftotext -layout "$T/cert.pdf" "$T/cert.txt"
check "the PDF prints her code and never her name" \
    sh -c "grep -q T-014 $T/cert.txt && ! grep -qi amina $T/cert.txt"
check "verify says nothing of her name" \
    sh -c "$A verify $T/cert.json >$T/verify.out && grep -q '^valid:' $T/verify.out && ! grep -q amina $T/verify.out"

# ---- what another trainee sees ----
$BILAL job list --json >"$T/bilal-jobs.json"
check "another trainee sees amina's jobs under her code, not her name" \
    sh -c "$J $T/bilal-jobs.json \"set(j['trainee'] for j in d)\" \"{'T-014'}\" && ! grep -q amina $T/bilal-jobs.json"
check "nor in a job, its grades and records" \
    sh -c "$BILAL job show $W --json >$T/bilal-job.json && ! grep -q amina $T/bilal-job.json && grep -q claire $T/bilal-job.json"
check "nor on the device's page" \
    sh -c "$BILAL device show $U --json >$T/bilal-dev.json && ! grep -q amina $T/bilal-dev.json"
expect_status 1 "a trainee cannot look another one up by her name" $BILAL job list --trainee amina
check "and is told to use the code" \
    sh -c "$BILAL job list --trainee amina 2>&1 | grep -q 'finds another.s work by her code'"
check "in her language" \
    sh -c "env LANGUAGE=fr $BILAL job list --trainee amina 2>&1 | grep -q 'cherchez le travail'"
check "by her code she finds the jobs" \
    sh -c "$BILAL job list --trainee T-014 --json >$T/by-code.json && $J $T/by-code.json 'len(d)' 4"
check "amina sees her own name" \
    sh -c "$AMINA job list --trainee amina --json >$T/own.json && $J $T/own.json \"set(j['trainee'] for j in d)\" \"{'amina'}\""
check "an instructor sees names" \
    sh -c "$CLAIRE job list --json >$T/all.json && $J $T/all.json \"'amina' in set(j['trainee'] for j in d)\" True"
expect_status 1 "a trainee cannot read another's training record" $BILAL trainee show amina

# ---- export ----
expect_status 1 "another trainee cannot export amina's data" $BILAL user export amina
expect_status 1 "nor an instructor" $CLAIRE user export amina
check "amina exports her own data to a file only she can read" \
    sh -c "$AMINA user export amina --output $T/amina.json | grep -q 'amina.json (4 jobs)' && test \"\$(stat -c %a $T/amina.json)\" = 600"
check "it holds her account, code, jobs with their grades and feedback" \
    sh -c "$J $T/amina.json \"(d['account']['name'], d['account']['code'], d['account']['role'])\" \"('amina', 'T-014', 'trainee')\" &&
           $J $T/amina.json \"sorted(j['id'] for j in d['jobs'])\" \"[$I, $W, $Q, $O]\" &&
           $J $T/amina.json \"[g['feedback'] for j in d['jobs'] for g in j['grades'] if j['id'] == $W]\" \"['Wipe done right.']\""
check "her sessions, sign-in attempts, the audit log about her and the certificates about her work" \
    sh -c "$J $T/amina.json \"len(d['sessions']) >= 1 and d['sign_in_attempts'][-1]['outcome'] == 'ok'\" &&
           $J $T/amina.json \"'user-add' in [e['action'] for e in d['audit']]\" && $J $T/amina.json \"d['certificates']\" \"['$CID']\""
check "and never a secret" sh -c "! grep -q argon2 $T/amina.json && $J $T/amina.json \"d['account']['has_secret']\" True"
check "an admin exports it too, on the terminal" \
    sh -c "$A user export amina >$T/admin-export.json && $J $T/admin-export.json \"d['account']['code']\" T-014"

# ---- erase ----
HASH=$(records_sql "$T/data" "SELECT secret_hash FROM app_user WHERE name = 'amina'")
check "before: her name is in the file" test "$(in_file amina)" -gt 0
hash_kept() { test -n "$HASH" && dump | grep -qF "$HASH"; }
check "and her PIN's hash" hash_kept
expect_status 1 "a trainee cannot erase anyone" $BILAL user erase amina --why "request 2026-03-02"
expect_status 1 "nor an instructor" $CLAIRE user erase amina --why "request 2026-03-02"
expect_status 2 "erase needs --why" $A user erase amina
expect_status 2 "a reason that names her is refused: it would keep her name" \
    $A user erase amina --why "amina asked on 2 March"
check "once it is cancelled, an admin erases her" \
    sh -c "$A user erase amina --why 'request by e-mail, 2026-03-02' >$T/erase.out && grep -q 'the account is now T-014' $T/erase.out"
check "her name is nowhere in the database file or its log" test "$(in_file amina)" = 0
hash_gone() { ! { dump; records_on_pg || strings -n 8 "$DB" "$DB-wal" 2>/dev/null; } | grep -qF "$HASH"; }
check "nor her PIN's hash" hash_gone
check "every chain and certificate still checks" $A db check
check "each of her jobs still verifies" sh -c "$A job verify $I && $A job verify $W && $A job verify $Q && $A job verify $O"
check "her work stays, under her code" \
    sh -c "$CLAIRE job list --json >$T/after.json && $J $T/after.json \"sorted(j['id'] for j in d if j['trainee'] == 'T-014')\" \"[$I, $W, $Q, $O]\""
check "with its grades and sign-offs of the wipe" \
    sh -c "$CLAIRE job show $W --json >$T/w-after.json && $J $T/w-after.json \"[g['feedback'] for g in d['grades']]\" \"['Wipe done right.']\" &&
           $J $T/w-after.json \"d['wipe_check']['by']\" claire"
check "the certificate issued before still verifies" sh -c "$A verify $T/cert.json | grep -q '^valid:'"
check "the erasure is in the audit log: who, why, her number and code, not her name" \
    sh -c "$CLAIRE audit --json >$T/audit2.json && $J $T/audit2.json \"[(e['actor'], e['subject']) for e in d if e['action'] == 'user-erase']\" \"[('boss', 'user 2 (T-014)')]\""
check "the account is listed as erased, under its code" \
    sh -c "$A user list | grep -q '^T-014  *trainee  *(erased)'"
expect_status 10 "nobody signs in as her any more" $A login amina --secret-file "$T/secret-amina"
expect_status 1 "an erased person is not erased twice" $A user erase amina --why "again"

# ---- a workshop of schema 10: her name inside the chains ----
# An SQLite file whatever the records above: no PostgreSQL database was ever of schema
# 10 (they start at 13, whose chains never hold a name), so this workshop is SQLite's
# only, on both runs.
unset ATELIER_DB
M="$T/old"
mkdir -p "$M/keys"
sqlite3 "$M/atelier.db" <"$ROOT/tests/fixtures/store/schema10-names.sql"
cp "$ROOT/tests/fixtures/store/schema10-keys/workshop.key" "$ROOT/tests/fixtures/store/schema10-keys/workshop.pub" "$M/keys/"
chmod 700 "$M" "$M/keys"; chmod 600 "$M/keys/workshop.key"
DB="$M/atelier.db"
OLD="$ATELIER_REAL --data $M"
check "the schema 10 records name amina inside their chains (her account, the certificate)" \
    sh -c "test \"\$(sqlite3 $DB 'PRAGMA user_version')\" = 10 &&
           test \"\$(sqlite3 $DB \"SELECT COUNT(*) FROM ledger WHERE kind IN ('user', 'certificate') AND instr(body, 'amina') > 0\")\" -ge 2"
check "they are migrated and check" sh -c "$OLD db check && test \"\$(sqlite3 $DB 'PRAGMA user_version')\" = 15"
check "her account got a code, so that nothing falls back to her name" \
    sh -c "test \"\$(sqlite3 $DB \"SELECT code FROM app_user WHERE name = 'amina'\")\" = T-002"
OCID=$(sqlite3 "$DB" "SELECT id FROM certificate")
$OLD certificate export "$OCID" --json "$T/old-cert.json" --pdf "$T/old-cert.pdf" >/dev/null
check "the certificate issued before keeps its signed content, her name in it" \
    sh -c "$J $T/old-cert.json \"d['trainees']\" \"['amina']\" && $OLD verify $T/old-cert.json | grep -q '^valid:'"
check "its page, a public document, names her by her code, and its dates in the workshop's time, not UTC" \
    sh -c "pdftotext '$T/old-cert.pdf' - > '$T/old-cert.txt' && ! grep -qi amina '$T/old-cert.txt' &&
           grep -q 'T-002' '$T/old-cert.txt' && ! grep -q UTC '$T/old-cert.txt'"
check "and its Dutch page too" \
    sh -c "$OLD certificate export $OCID --pdf $T/old-nl.pdf --lang nl >/dev/null && pdftotext $T/old-nl.pdf - | grep -q 'Certificaat van geschiktheid'"
pdftoppm -r 150 -png -singlefile "$T/old-cert.pdf" "$T/old-page"
zbarimg --quiet --raw "$T/old-page.png" > "$T/old-qr.txt" 2>/dev/null
echo boss-password-1 >"$T/oldboss"
as oldboss $OLD login boss --secret-file "$T/oldboss" >/dev/null
as oldboss $OLD user erase amina --why "request 2026-03-02" >"$T/old-erase.out"
check "an admin erases her: the entries that held her name are redacted" \
    sh -c "grep -q 'the account is now T-002' $T/old-erase.out &&
           test \"\$(sqlite3 $DB 'SELECT COUNT(*) FROM redaction')\" -ge 3 &&
           test \"\$(sqlite3 $DB \"SELECT COUNT(*) FROM ledger WHERE kind = 'redact'\")\" = \"\$(sqlite3 $DB 'SELECT COUNT(*) FROM redaction')\""
check "her name is nowhere in the migrated file" test "$(in_file amina)" = 0
check "every chain still checks, and its signed heads" $OLD db check
check "a redacted entry changed by hand is still found" \
    sh -c "cp -a $M $T/tamper && sqlite3 $T/tamper/atelier.db \"DROP TRIGGER ledger_no_update; UPDATE ledger SET body = replace(body, 'T-002', 'T-003') WHERE seq = (SELECT seq FROM redaction LIMIT 1) AND chain = (SELECT chain FROM redaction LIMIT 1)\" &&
           ! $ATELIER_REAL --data $T/tamper db check 2>$T/tamper.err && grep -q 'was changed after it was written' $T/tamper.err"
check "the switch an erasure uses, left on by hand, is found" \
    sh -c "cp -a $M $T/switch && sqlite3 $T/switch/atelier.db \"INSERT INTO bench VALUES ('erasing', 'x')\" &&
           ! $ATELIER_REAL --data $T/switch db check 2>$T/switch.err && grep -q \"switched off by a row 'erasing'\" $T/switch.err"
check "the buyer's copy of the old certificate still verifies, by its file and by its QR code" \
    sh -c "$OLD verify $T/old-cert.json | grep -q '^valid:' && grep -q '^atelier-cert:1:' $T/old-qr.txt && $OLD verify $T/old-qr.txt | grep -q '^valid:'"
check "the copy kept here is not given out again, and says why" \
    sh -c "! $OLD certificate export $OCID --json $T/again.json 2>$T/again.err && grep -q 'name was erased since' $T/again.err && ! test -e $T/again.json"
check "her jobs stay, under her code" \
    sh -c "$OLD job list --json >$T/old-jobs.json && $J $T/old-jobs.json \"set(j['trainee'] for j in d)\" \"{'T-002'}\" && $J $T/old-jobs.json 'len(d)' 3"

done_testing
