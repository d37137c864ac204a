#!/bin/sh
# The devices of the workshop and their lifecycle, as the CLI shows them: the list, one
# device with its history, who may move a device where, and jobs that start only on a
# device that can be worked on.
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/../lib/accounts.sh"

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
A="$ATELIER --data $T/data"
U=00008110-000E44540A2A0000
SERIAL=C1QQABCD4R
init_admin "$A"
add_user "$A" amina trainee
add_user "$A" sam instructor
add_user "$A" root admin
add_user "$A" old instructor
signin amina
as boss $A user disable old >/dev/null

check "no device is listed before one is read" sh -c "$A device list | grep -q '^no device$'"
$A probe >/dev/null
check "a device read for the first time is listed in intake, by its serial number" \
    sh -c "$A device list | grep -Eq '^1 +intake +ios +$SERIAL '"
check "the JSON list has the state and every key of the device" \
    sh -c "$A device list --json >$T/list.json && $J $T/list.json \"[(x['state'], x['udid'], x['serial']) for x in d]\" \"[('intake', '$U', '$SERIAL')]\""
check "a device shows its identity from the latest probe and no history yet" \
    sh -c "$A device show $SERIAL >$T/out && grep -q '^device 1 (ios): intake' $T/out && grep -q 'iPhone 13 (iPhone14,5)' $T/out && grep -q 'iOS 17.5.1' $T/out && grep -q '^history: none' $T/out && grep -q '^jobs: none' $T/out"

check "starting a job moves the device from intake to in_repair" \
    sh -c "$A job start --device $U --checklist quick-look --trainee amina >$T/out && grep -q \"device $U: intake -> in_repair (job 1 started: quick-look)\" $T/out"
$A device show $U --json >"$T/dev.json"
check "the move is in the device's history, made by the trainee, with the job" \
    sh -c "$J $T/dev.json \"d['state']\" in_repair && $J $T/dev.json \"[(h['from'], h['to'], h['by'], h['why']) for h in d['history']]\" \"[('intake', 'in_repair', 'amina', 'job 1 started: quick-look')]\""
check "the device shows its job" \
    sh -c "$J $T/dev.json \"[(j['id'], j['checklist'], j['trainee'], j['state']) for j in d['jobs']]\" \"[(1, 'quick-look', 'amina', 'open')]\""

expect_status 2 "moving a device needs --why" $A device set-state $U quarantine --by amina
expect_status 2 "an empty --why is no reason" $A device set-state $U quarantine --by amina --why ''
expect_status 2 "a state that does not exist is a usage error" \
    $A device set-state $U broken --by amina --why 'no idea'
expect_status 7 "a device nobody read is not known" \
    $A device set-state NOSUCHSERIAL quarantine --by amina --why 'lost'
check "a disabled account cannot move a device" \
    sh -c "! $A device set-state $U ready --by old --why 'done' 2>$T/err && grep -q \"old's account is disabled\" $T/err"
check "a trainee can set a device aside in quarantine" \
    sh -c "$A device set-state $U quarantine --by amina --why 'Find My is still on' | grep -qx \"device $U: in_repair -> quarantine (by amina: Find My is still on)\""
check "a trainee cannot release a device from quarantine" \
    sh -c "! $A device set-state $U in_repair --by amina --why 'looks fine' 2>$T/err && grep -q 'only an instructor or an admin can release a device from quarantine' $T/err"
check "no job starts on a device in quarantine, and the trainee reads why" \
    sh -c "! $A job start --device $U --checklist quick-look --trainee amina 2>$T/err && grep -q 'no job can start on' $T/err && grep -q 'the device is in quarantine' $T/err"
check "an open job takes no more steps while its device is in quarantine" \
    sh -c "! $A job step 1 look --result pass 2>$T/err && grep -q 'no step can be recorded: the device is in quarantine' $T/err"
check "moving a device to the state it is already in is refused" \
    sh -c "! $A device set-state $U quarantine --by sam --why 'again' 2>$T/err && grep -q 'already in quarantine' $T/err"
check "an instructor releases the device, with the reason" \
    sh -c "$A device set-state $U in_repair --by sam --why 'owner removed it from Find My' | grep -q 'quarantine -> in_repair (by sam: owner removed it from Find My)'"
check "the history shows every move: who, when and why" \
    sh -c "$A device show $U >$T/out && grep -Eq '^  [0-9T:.-]+Z  intake -> in_repair  by amina: job 1 started: quick-look' $T/out && grep -q 'in_repair -> quarantine  by amina: Find My is still on' $T/out && grep -q 'quarantine -> in_repair  by sam: owner removed it from Find My' $T/out"
check "nobody makes a device certified by hand: atelier certify does" \
    sh -c "! $A device set-state $U certified --by root --why 'looks good' 2>$T/err && grep -q \"only 'atelier certify' makes a device certified\" $T/err"
check "a trainee cannot declare a device ready" \
    sh -c "! $A device set-state $U ready --by amina --why 'done' 2>$T/err && grep -q 'only an instructor or an admin can mark a repaired device ready' $T/err"
check "an instructor marks the repaired device ready" \
    sh -c "$A device set-state $U ready --by sam --why 'final check passed' | grep -q 'in_repair -> ready'"
check "no job starts on a device that is ready for certification" \
    sh -c "! $A job start --device $U --checklist quick-look --trainee amina 2>$T/err && grep -q 'ready for certification' $T/err"
check "a device that is not certified cannot be sold, and the refusal says where it can go" \
    sh -c "! $A device set-state $U sold --by root --why 'buyer' 2>$T/err && grep -q 'cannot go from ready to sold; from ready it can go to: quarantine, in_repair, certified (atelier certify)' $T/err"
check "the list keeps the devices in one state" \
    sh -c "$A device list --state ready | grep -q '^1 ' && $A device list --state quarantine | grep -q '^no device in quarantine$'"
expect_status 2 "the list refuses a state that does not exist" $A device list --state broken
check "a device is not sent to recycling with its data still readable: the refusal says how to record a wipe or a destruction" \
    sh -c "! $A device set-state $U recycled --by sam --why 'board is dead' 2>$T/err &&
           grep -q 'no approved data wipe and no destruction record' $T/err && grep -q 'atelier device destroy' $T/err"
check "the destruction of its storage is recorded" \
    sh -c "$A device destroy $U --method 'storage shredded by the recycler' --by sam | grep -q 'destruction of its storage is recorded'"
check "a device sent to recycling stays there" \
    sh -c "$A device set-state $U recycled --by sam --why 'board is dead' >/dev/null && ! $A device set-state $U in_repair --by root --why 'try again' 2>$T/err && grep -q 'recycled is final' $T/err"
check "the history keeps every move in order" \
    sh -c "$A device show $U --json >$T/dev.json && $J $T/dev.json \"[h['to'] for h in d['history']]\" \"['in_repair', 'quarantine', 'in_repair', 'ready', 'recycled']\""
expect_status 7 "an unknown device cannot be shown" $A device show NOSUCHSERIAL

done_testing
