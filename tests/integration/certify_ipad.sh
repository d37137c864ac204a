#!/bin/sh
# A Wi-Fi iPad from intake to a verified certificate, with the shipped checklists and
# policy, through the real libimobiledevice against the fake usbmuxd. It arrives with
# Find My on: the intake's check fails, the iPad goes to quarantine at once and certify
# refuses it; the owner removes it from their Apple ID, an instructor releases it, and it
# goes on. Tablet steps only: no SIM, no calls, no vibration; no IMEI to type.
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/../lib/accounts.sh"

. "$(dirname "$0")/../lib/walk.sh"
SC="$ROOT/tests/fakes/scenarios/ipad-wifi-paired.json"
ios_fake "$SC"
D="$T/data"
A="$ATELIER --data $D"
U=00008030-0001234A5B6C002E
# setv DOMAIN KEY VALUE: what the iPad answers from now on (the fake keeps the rest).
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
python3 -c 'import json,sys; json.dump(json.load(open(sys.argv[1]))["devices"][0]["values"], open(sys.argv[2], "w"))' "$SC" "$T/values.json"
export SETV_STATE="$T/values.json" FAKECTL FAKEDIR="$T/fake" UDID=$U
setv() { python3 "$T/setv.py" "$@"; }
grade() { grade_job "$ATELIER" "$D" "$1" "$2"; }

init_admin "$A"
add_user "$A" lina trainee
add_user "$A" claire instructor
signin lina
printf 'workshop:\n  name: "Atelier Réemploi"\n  place: "Liège"\n  language: nl\n' > "$D/policy.yaml"
$A probe --json > "$T/probe.json"
check "the bench reads the iPad as a Wi-Fi tablet without IMEI, Find My on" \
    sh -c "$J $T/probe.json \"d[0]['device']['class']\" tablet && $J $T/probe.json \"d[0]['device']['cellular']\" False &&
           $J $T/probe.json \"d[0]['identity']['imei']\" None && $J $T/probe.json \"d[0]['locks']['find_my']\" on"

# Intake: the walk stops where Find My is found on.
$WALK "$ATELIER" "$D" "$U" intake-triage lina >"$T/walk1.out" 2>&1
I=$($A job list --json | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])')
$A job show "$I" --json > "$T/intake1.json"
check "Find My on fails the intake's check, and the iPad is set aside in quarantine at once" \
    sh -c "$J $T/intake1.json \"[r['result'] for r in d['records'] if r['step'] == 'find-my-off']\" \"['fail']\" &&
           $A device show $U --json | python3 -c 'import json,sys; sys.exit(json.load(sys.stdin)[\"state\"] != \"quarantine\")' &&
           grep -q 'no step can be recorded: the device is in quarantine' $T/walk1.out"
check "steps for phones only are not asked of a tablet: no IMEI to type, no SIM check" \
    sh -c "$J $T/intake1.json \"'imei-entered' in d['steps_not_applicable'] and 'imei-blacklist' in d['steps_not_applicable'] and 'carrier-lock' in d['steps_not_applicable']\""
expect_status 9 "certify refuses a device with Find My on, in quarantine" $A certify $U --by claire
check "and says both" sh -c "$A certify $U --by claire | grep -q 'Find My (Activation Lock) is on' &&
                             $A certify $U --by claire | grep -q \"the device's state is quarantine\""
check "a trainee cannot release it" sh -c "! $A device set-state $U in_repair --by lina --why 'looks fine' 2>/dev/null"

# The owner removes the iPad from their Apple ID; the instructor releases it.
setv com.apple.fmip IsAssociated false
$A device set-state $U in_repair --by claire --why "the owner removed it from iCloud (mail of 2 Dec)" >/dev/null
REC=$(python3 -c 'import json,sys; print([r["record"] for r in json.load(open(sys.argv[1]))["records"] if r["step"] == "find-my-off"][0])' "$T/intake1.json")
check "the check is done again, as a correction, and passes" \
    sh -c "$A job step $I find-my-off --corrects $REC | grep -q 'find-my-off: pass (record [0-9]*, a correction)'"
# What Erase All Content and Settings leaves: the setup screens.
ERASE="python3 $T/setv.py com.apple.purplebuddy SetupDone false com.apple.purplebuddy SetupFinishedAllSteps false com.apple.PurpleBuddy SetupDone false"
ok=1
$WALK "$ATELIER" "$D" "$U" intake-triage lina >/dev/null && grade "$I" intake-triage >/dev/null || ok=0
# The wipe: Erase All Content and Settings brings it back to its setup screens.
if [ $ok = 1 ]; then
    W=$($WALK "$ATELIER" "$D" "$U" data-wipe lina \
        --before "setup-screen-shown=$ERASE") || ok=0
fi
check "the intake and the wipe are done on the tablet" test $ok = 1
grade "$W" data-wipe >/dev/null
check "an approved wipe still waits for its second check" \
    sh -c "$A certify $U --by claire | grep -q 'data wipe (job $W) has not been checked by a second person'"
expect_status 1 "the trainee who wiped cannot check her own wipe" \
    $A job check-wipe "$W" --result pass --note "done" --by lina
$A job check-wipe "$W" --result pass --note "Hallo-scherm, geen account" --by claire >/dev/null
ok=1
for c in diagnostics-ios final-qc; do
    job=$($WALK "$ATELIER" "$D" "$U" "$c" lina) && grade "$job" "$c" >/dev/null || { ok=0; break; }
done
check "the tablet's diagnostics and final check are walked and approved" test $ok = 1
$A job show "$job" --json > /dev/null
$A job list --device $U --json > "$T/jobs.json"
DIAG=$($A job list --device $U --json | python3 -c 'import json,sys; print([j["id"] for j in json.load(sys.stdin) if j["checklist"] == "diagnostics-ios"][0])')
$A job show "$DIAG" --json > "$T/diag.json"
check "the diagnostics left out what an iPad has not: calls, vibration, proximity, SIM" \
    sh -c "$J $T/diag.json \"set(['vibration', 'call-earpiece', 'proximity-sensor', 'sim-detected']) <= set(d['steps_not_applicable'])\""
expect_status 0 "the shipped policy certifies the iPad" $A certify $U --by claire
CID=$($A certificate list --json | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])')
$A certificate export "$CID" --json "$T/cert.json" --pdf "$T/cert.pdf" >/dev/null
check "the certificate says tablet, no IMEI, the four checklists and the wipe's second check" \
    sh -c "$J $T/cert.json \"d['device']['class']\" tablet && $J $T/cert.json \"d['device']['imei']\" None &&
           $J $T/cert.json \"[c['id'] for c in d['checklists']]\" \"['intake-triage', 'data-wipe', 'diagnostics-ios', 'final-qc']\" &&
           $J $T/cert.json \"d['sanitization']['second_check'].startswith('tweede controle door claire')\" &&
           $J $T/cert.json \"d['sanitization']['standard']\" 'NIST SP 800-88 Rev. 2'"
check "it verifies" sh -c "$A verify '$T/cert.json' | grep -q '^valid:'"
done_testing
