#!/bin/sh
# Accounts that prove who acted, as the CLI shows them: each attack fails with its words
# and exit code (a forged --by, a trainee adding an admin, no session, an idle session,
# a wrong PIN five times, a disabled account), the honest path works, the session file is
# private, and the audit log keeps each of them. atelier itself runs here (no as_by).
. "$(dirname "$0")/../lib/tap.sh"

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
T=$(mktemp -d)
FAKECTL="$ROOT/tests/fakes/fakectl.sh"
J="python3 $ROOT/tests/lib/jq.py"
export FAKE_USBMUXD_KEY_CACHE="$T/keys"
mkdir -p "$FAKE_USBMUXD_KEY_CACHE" "$T/checklists"
trap 'sh "$FAKECTL" stop "$T/fake" >/dev/null 2>&1; rm -rf "$T"' EXIT
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
U=00008110-000E44540A2A0000
A="$ATELIER --data $T/data"
mkdir -p "$T/run/boss" "$T/run/amina" "$T/run/sam" "$T/run/open"
chmod 700 "$T/run" "$T/run/boss" "$T/run/amina" "$T/run/sam"
chmod 755 "$T/run/open"
echo 'boss-password-1' >"$T/boss"
echo 'sam-password-22' >"$T/sam"
echo '13572468' >"$T/amina"
echo '00000000' >"$T/wrong"
# Who is at the keyboard: her own runtime directory.
BOSS="env XDG_RUNTIME_DIR=$T/run/boss $A"
AMINA="env XDG_RUNTIME_DIR=$T/run/amina $A"
SAM="env XDG_RUNTIME_DIR=$T/run/sam $A"

check "init without a terminal makes the workshop and says how to make the first admin" \
    sh -c "$A init </dev/null >$T/out && grep -q \"no admin yet: make the first one with 'atelier init --admin NAME --secret-file FILE'\" $T/out"
check "init --admin with a secret file makes the first admin" \
    sh -c "$A init --admin boss --secret-file $T/boss </dev/null | grep -q 'first admin boss created'"
check "init again makes no second admin" \
    sh -c "$A init --admin eve --secret-file $T/boss </dev/null 2>$T/err | grep -qv 'first admin' && grep -q 'has an admin already; eve was not added' $T/err && ! $A user list | grep -q eve"
# A person at a terminal (a pseudo-terminal made by script(1), from util-linux).
printf 'ada\nada-password-1\nada-password-1\n' >"$T/tty.in"
printf 'ada\nada-password-1\nada-password-2\n' >"$T/tty.bad"
# Two more workshops, each with records of its own.
records_new "$T/tty" && records_new "$T/tty2" || echo "Bail out! no records for two more workshops"
TTY="env -u ATELIER_DB $ATELIER --data $T/tty"
TTY2="env -u ATELIER_DB $ATELIER --data $T/tty2"
check "init on a terminal asks for the first admin's name and her password twice" \
    sh -c "script -qec '$TTY init' /dev/null <$T/tty.in >$T/tty.out && grep -q 'again: ' $T/tty.out &&
           grep -q 'first admin ada created' $T/tty.out && $TTY user list | grep -q '^ada  *admin'"
check "two different passwords typed make no admin" \
    sh -c "script -qec '$TTY2 init' /dev/null <$T/tty.bad >$T/tty.out; grep -q 'the two secrets typed differ' $T/tty.out &&
           $TTY2 user list | grep -q 'no user yet'"
expect_status 2 "a secret on the command line is no option" $A login boss --secret boss-password-1
expect_status 10 "nobody signed in cannot add an account" $A user add amina --role trainee --secret-file $T/amina
check "and is told to sign in" \
    sh -c "$A user add amina --role trainee --secret-file $T/amina 2>&1 | grep -q 'nobody is signed in: atelier login NAME'"
check "no runtime directory: no session, and no /tmp instead" \
    sh -c "! env -u XDG_RUNTIME_DIR $A login boss --secret-file $T/boss 2>$T/err && grep -q 'XDG_RUNTIME_DIR is not set' $T/err"
check "a runtime directory open to others is refused" \
    sh -c "! env XDG_RUNTIME_DIR=$T/run/open $A login boss --secret-file $T/boss 2>$T/err && grep -q 'must be a directory of yours with mode 0700' $T/err"
check "the admin signs in" sh -c "$BOSS login boss --secret-file $T/boss | grep -qx 'signed in as boss (admin)'"
expect_status 10 "a session is for its own workshop: another data directory has none" \
    env XDG_RUNTIME_DIR=$T/run/boss $TTY whoami
check "the session directory is 0700 and the session file 0600" \
    sh -c "test \"\$(stat -c %a $T/run/boss/atelier)\" = 700 && test \"\$(stat -c %a $T/run/boss/atelier/session-*)\" = 600 && grep -qE '^atelier-session 1 [0-9a-f]{64}\$' $T/run/boss/atelier/session-*"
check "the admin adds a trainee with a PIN and an instructor with a password" \
    sh -c "$BOSS user add amina --role trainee --secret-file $T/amina | grep -qx 'user amina added as trainee' &&
           $BOSS user add sam --role instructor --secret-fd 3 3<$T/sam | grep -qx 'user sam added as instructor'"
check "a PIN that is too short is refused" \
    sh -c "echo 123 | $BOSS user add bilal --role trainee --secret-fd 0 2>&1 | grep -q 'a PIN is 6 to 12 digits'"
check "with --json the refusal names the field at fault, for a script or a screen" \
    sh -c "echo 123 | $BOSS user add bilal --role trainee --secret-fd 0 --json 2>/dev/null > $T/refused.json; test \$? -ne 0 && $J $T/refused.json \"d['field'] + '/' + d['reason']\" secret/not-a-pin"
secret_not_kept() {
    ! records_raw "$T/data" | grep -q 13572468 &&
        records_sql "$T/data" "SELECT secret_hash FROM app_user WHERE name = 'amina'" | grep -q '^\$argon2id\$'
}
check "the database keeps no secret, only its argon2id hash" secret_not_kept
check "the trainee signs in with her PIN" sh -c "$AMINA login amina --secret-file $T/amina | grep -q 'signed in as amina'"
check "whoami says who is signed in" sh -c "$AMINA whoami | grep -qx 'amina (trainee)'"
expect_status 1 "a trainee cannot add an admin" $AMINA user add intruder --role admin --secret-file $T/boss
check "and reads why" sh -c "$AMINA user add intruder --role admin --secret-file $T/boss 2>&1 | grep -q 'amina is a trainee: only an admin manages accounts'"
expect_status 1 "a trainee does not read the audit log" $AMINA audit
$SAM login sam --secret-file "$T/sam" >/dev/null
$AMINA probe >/dev/null
check "the trainee starts a job as herself" \
    sh -c "$AMINA job start --device $U --checklist quick-look | grep -q 'job 1 started'"
expect_status 1 "she cannot start one in another's name" $AMINA job start --device $U --checklist quick-look --trainee sam
expect_status 1 "a trainee cannot record a step --by an instructor" $AMINA job step 1 look --result pass --by sam
check "and reads that --by is not her" \
    sh -c "$AMINA job step 1 look --result pass --by sam 2>&1 | grep -q -- '--by sam does not match the person signed in (amina)'"
check "her own step is recorded with her name" \
    sh -c "$AMINA job step 1 look --result pass | grep -q 'look: pass' && $A job show 1 --json | grep -q '\"by\": \"amina\"'"
$AMINA job submit 1 >/dev/null
expect_status 1 "a trainee cannot approve her own job with an instructor's name" \
    $AMINA job grade 1 --verdict approved --feedback 'all good' --by sam
check "she reads why, and the job stays ungraded" \
    sh -c "$AMINA job grade 1 --verdict approved --feedback 'all good' --by sam 2>&1 | grep -q -- '--by sam does not match the person signed in (amina)' && ! $A job show 1 --json | grep -q approved"
check "the instructor signed in grades it" \
    sh -c "$SAM job grade 1 --verdict approved --feedback 'Careful work.' | grep -q approved"
check "reading needs no session" sh -c "$A job show 1 | grep -q quick-look"
# Idle for 31 minutes: the session's last use is moved back in this test's own database.
records_sql "$T/data" "UPDATE session SET last_used_ms = last_used_ms - 31*60*1000 WHERE ended_ms IS NULL AND user_id = (SELECT id FROM app_user WHERE name = 'sam')"
expect_status 10 "a session unused for 30 minutes is over" $SAM job cancel 1 --why test
check "and says to sign in again" \
    sh -c "$SAM whoami 2>&1 | grep -q \"sam's session has ended: sign in again (atelier login sam)\""
check "logout ends the session and removes its file" \
    sh -c "$AMINA logout | grep -qx 'amina signed out' && ! ls $T/run/amina/atelier/session-* 2>/dev/null"
expect_status 10 "after logout nobody is signed in" $AMINA whoami
for i in 1 2 3 4 5; do $AMINA login amina --secret-file "$T/wrong" 2>>"$T/wrong.err"; done
check "a wrong PIN says the same as a name that does not exist" \
    sh -c "grep -q 'wrong name or secret for amina' $T/wrong.err &&
           $BOSS login nobody --secret-file $T/wrong 2>&1 | grep -q 'wrong name or secret for nobody'"
expect_status 10 "after five wrong PINs the right one is refused" $AMINA login amina --secret-file $T/amina
check "with the lockout's words" \
    sh -c "$AMINA login amina --secret-file $T/amina 2>&1 | grep -q 'too many wrong attempts for amina: wait 15 minutes or ask an admin'"
check "an admin's new secret lifts the lockout" \
    sh -c "echo 24681357 >$T/amina2 && $BOSS user set-secret amina --secret-file $T/amina2 >/dev/null && $AMINA login amina --secret-file $T/amina2 | grep -q 'signed in as amina'"
check "a disabled account's session ends at once" \
    sh -c "$BOSS user disable amina >/dev/null && ! $AMINA whoami 2>$T/err && grep -q \"amina's account is disabled\" $T/err"
check "and it cannot sign in" \
    sh -c "! $AMINA login amina --secret-file $T/amina2 2>$T/err && grep -q \"amina's account is disabled\" $T/err"
check "the audit log lists newest first, for an admin" \
    sh -c "$BOSS audit --json > $T/audit.json && $J $T/audit.json \"d[0]['action']\" login"
check "read on the terminal, each entry starts with its date and time" \
    sh -c "$BOSS audit --limit 3 > $T/audit.txt && test \$(wc -l < $T/audit.txt) = 3 &&
           ! grep -Evq '^20[0-9]{2}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z  ' $T/audit.txt"
for want in "login amina wrong" "login amina locked" "login amina ok" "logout amina ok" \
            "logout sam idle" "refused sam refused" "user-add amina ok" "user-set-secret amina ok" \
            "user-disable amina ok" "refused manage-users refused"; do
    set -- $want
    check "the audit log keeps: $want" \
        python3 -c "import json,sys; a=json.load(open('$T/audit.json')); sys.exit(not any(e['action']=='$1' and e['subject']=='$2' and e['outcome']=='$3' for e in a))"
done
check "the audit log keeps the action tried without a session" \
    python3 -c "import json,sys; a=json.load(open('$T/audit.json')); sys.exit(not any(e['action']=='refused' and e['outcome']=='no-session' and e['actor']=='' for e in a))"
check "the audit log never holds a secret" sh -c "! grep -q '13572468\|24681357\|boss-password' $T/audit.json"
audit_kept() {
    ! records_sql "$T/data" 'DELETE FROM audit' 2>"$T/err" && grep -q 'the audit log is append-only' "$T/err" &&
        ! records_sql "$T/data" "UPDATE audit SET actor = 'x'" 2>"$T/err" &&
        grep -q 'the audit log is append-only' "$T/err"
}
check "the audit log cannot be changed" audit_kept

done_testing
