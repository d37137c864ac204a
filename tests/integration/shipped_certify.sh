#!/bin/sh
# The shipped checklists and the shipped policy take a real-looking iPhone all the way
# to a signed certificate: intake, diagnostics, data wipe (the phone goes back to its
# setup screens in the middle, and the bench forgets its pairing), final check, each
# graded by an instructor; then certify, export and verify.
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/../lib/accounts.sh"

. "$(dirname "$0")/../lib/walk.sh"
SC="$ROOT/tests/fakes/scenarios/iphone-ios17-paired.json"
ios_fake "$SC"
D="$T/data"
A="$ATELIER --data $D"
U=00008110-000E44540A2A0000
init_admin "$A"
add_user "$A" amina trainee
add_user "$A" claire instructor
signin amina
printf 'workshop:\n  name: "Atelier Réemploi"\n  place: "Liège"\n  language: fr\n' > "$D/policy.yaml"
$A probe >/dev/null

# The phone after Erase All Content and Settings: back at its setup screens.
python3 - "$SC" "$U" > "$T/wiped.json" <<'PY'
import json, sys
dev = json.load(open(sys.argv[1]))["devices"][0]
values = dev["values"]
values["com.apple.purplebuddy"] = {"SetupDone": False, "SetupFinishedAllSteps": False}
values["com.apple.PurpleBuddy"] = {"SetupDone": False}
print(json.dumps({"cmd": "update", "udid": sys.argv[2], "changes": {"values": values}}))
PY
WIPE="sh $FAKECTL cmd $T/fake '$(cat "$T/wiped.json")' >/dev/null"

grade() { grade_job "$ATELIER" "$D" "$1" "$2"; }

ok=1
for c in intake-triage data-wipe diagnostics-ios final-qc; do
    case $c in
    data-wipe)
        job=$($WALK "$ATELIER" "$D" "$U" "$c" amina --before "setup-screen-shown=$WIPE") &&
        $A job check-wipe "$job" --result pass --note "Hello screen, no account, no photo" \
            --by claire >/dev/null || { ok=0; break; } ;;
    *)
        job=$($WALK "$ATELIER" "$D" "$U" "$c" amina) || { ok=0; break; } ;;
    esac
    grade "$job" "$c" >/dev/null || { ok=0; break; }
done
check "a trainee walks the four shipped checklists in their order and an instructor approves each" test "$ok" = 1
check "the bench forgot its pairing with the wiped iPhone, and paired again by itself" \
    sh -c "sh $FAKECTL cmd $T/fake '{\"cmd\":\"stats\"}' > '$T/stats.json' &&
           $J '$T/stats.json' \"d['global']['mux_requests'].get('DeletePairRecord', 0) >= 1\""
expect_status 0 "the shipped policy certifies the phone" $A certify $U --by claire
CID=$($A certificate list --json | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])')
$A certificate export "$CID" --json "$T/cert.json" --pdf "$T/cert.pdf" >/dev/null
check "the certificate names the four checklists, the grade and the wipe" \
    sh -c "$J '$T/cert.json' \"[c['id'] for c in d['checklists']]\" \"['intake-triage', 'data-wipe', 'diagnostics-ios', 'final-qc']\" &&
           $J '$T/cert.json' \"d['cosmetic']['label']\" 'Très bon état' &&
           $J '$T/cert.json' \"d['sanitization']['method']\" purge &&
           $J '$T/cert.json' \"d['sanitization']['place']\" 'Liège'"
check "it verifies" sh -c "$A verify '$T/cert.json' | grep -q '^valid:'"
check "its PDF is in French" sh -c "pdftotext '$T/cert.pdf' - | grep -q 'Certificat'"
done_testing
