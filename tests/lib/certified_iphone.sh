# An iPhone made ready for certification, for the resale tests (resale_cli.sh,
# web_resale.sh): source it after tap.sh and accounts.sh with ROOT, T, A, FAKECTL and SC
# (the fake usbmuxd's scenario) set. It makes three short checklists and the workshop's
# policy, boss (admin), amina (trainee) and claire (instructor), and amina's intake,
# wipe (checked by claire) and final check, approved; the phone is then back at its
# setup screens and read again: `atelier certify $U --by claire` certifies it.
U=00008110-000E44540A2A0000
S=C1QQABCD4R
mkdir -p "$T/checklists"
# Three short checklists stand for the workshop's (as in certify_cli.sh).
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
cp "$ROOT/checklists/policy.yaml" "$T/checklists/policy.yaml"
export ATELIER_CHECKLISTS="$T/checklists"

sh "$FAKECTL" start "$T/fake" "$SC" >/dev/null
export USBMUXD_SOCKET_ADDRESS="UNIX:$T/fake/usbmuxd.sock"
A="$ATELIER --data $T/data"

$A init >/dev/null
init_admin "$A"
add_user "$A" amina trainee
add_user "$A" claire instructor
signin amina
$A probe >/dev/null
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

do_job() { # CHECKLIST STEP ARGS: one job, submitted; its id
    cid=$1; shift
    out=$($A job start --device $U --checklist "$cid" --trainee amina) || return 1
    id=$(echo "$out" | sed -n 's/^job \([0-9]*\) started.*/\1/p')
    while [ $# -ge 2 ]; do
        $A job step "$id" "$1" $2 >/dev/null || return 1
        shift 2
    done
    $A job submit "$id" >/dev/null || return 1
    echo "$id"
}
I=$(do_job intake look "--result pass")
$A job grade "$I" --verdict approved --feedback "Careful intake." --by claire >/dev/null
W=$(do_job wipe erase "--result pass")
$A job grade "$W" --verdict approved --feedback "Wipe done right." --by claire >/dev/null
$A job check-wipe "$W" --result pass --note "setup screens shown, no account" --by claire >/dev/null
Q=$(do_job qc grade "--value B")
$A job grade "$Q" --verdict approved --feedback "Grade B is right." --by claire >/dev/null
# The phone after Erase All Content and Settings: back at its setup screens.
python3 - "$SC" "$U" > "$T/wiped.json" <<'PY'
import json, sys
dev = json.load(open(sys.argv[1]))["devices"][0]
values = dev["values"]
values["com.apple.purplebuddy"] = {"SetupDone": False, "SetupFinishedAllSteps": False}
values["com.apple.PurpleBuddy"] = {"SetupDone": False}
print(json.dumps({"cmd": "update", "udid": sys.argv[2], "changes": {"values": values}}))
PY
sh "$FAKECTL" cmd "$T/fake" "$(cat "$T/wiped.json")" >/dev/null
$A probe >/dev/null

