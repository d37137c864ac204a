#!/bin/sh
# From approved work to a signed certificate, as the instructor and a buyer see it:
# the workshop key made at init, certify refusing with every unmet condition then
# issuing, the JSON and the A4 PDF exported, and `atelier verify` on the JSON file and on
# the QR code read back from the PDF, valid, altered, and under another workshop's key.
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/../lib/accounts.sh"

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
T=$(mktemp -d)
FAKECTL="$ROOT/tests/fakes/fakectl.sh"
SC="$ROOT/tests/fakes/scenarios/iphone-ios17-paired.json"
J="python3 $ROOT/tests/lib/jq.py"
export FAKE_USBMUXD_KEY_CACHE="$T/keys"
mkdir -p "$FAKE_USBMUXD_KEY_CACHE" "$T/checklists" "$T/bad-policy"
trap 'sh "$FAKECTL" stop "$T/fake" >/dev/null 2>&1; rm -rf "$T"' EXIT

# Four short checklists stand for the workshop's; the shipped policy names its own, so
# the workshop's policy.yaml names these (as a workshop with its own checklists would).
head_yaml() { # id title
    printf 'id: %s\nversion: 1\ntitle: {en: "%s", fr: "%s (fr)", nl: "%s (nl)"}\n' "$1" "$2" "$2" "$2"
    printf 'applies_to:\n  platforms: [ios]\ndifficulty: 1\ntime_minutes: 5\n'
}
{ head_yaml intake "Intake"; printf 'steps:\n  - id: look\n    title: {en: "Look at it"}\n    kind: check\n'; } \
    > "$T/checklists/intake.yaml"
{ head_yaml wipe "Data wipe"; printf 'steps:\n  - id: erase\n    title: {en: "Erase all content and settings"}\n    kind: check\n'; } \
    > "$T/checklists/wipe.yaml"
{ head_yaml qc "Final check"; cat <<'YAML'; } > "$T/checklists/qc.yaml"
rubric:
  - id: grade
    title: {en: "Right grade"}
    max: 4
  - id: complete
    title: {en: "Complete and clean"}
    max: 4
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
U=00008110-000E44540A2A0000

$A init >"$T/init.out"
check "init makes the workshop key, readable by its owner only" \
    test "$(stat -c %a "$T/data/keys/workshop.key")" = 600
check "init shows the public key and never the secret one" \
    sh -c "grep -q 'public key ed25519:' '$T/init.out' &&
           ! grep -qF \"\$(sed 's/^ed25519-seed://' '$T/data/keys/workshop.key')\" '$T/init.out'"
check "'key public' prints the key init showed" \
    sh -c "grep -qF \"\$($A key public)\" '$T/init.out'"
check "running init again keeps the key" \
    sh -c "$A init | grep -q 'workshop key kept'"
init_admin "$A"
add_user "$A" amina trainee
add_user "$A" claire instructor
signin amina
$A probe >/dev/null

expect_status 1 "a trainee cannot certify" $A certify $U --by amina
check "and is told who can" sh -c "$A certify $U --by amina 2>&1 | grep -q 'only an instructor or an admin can certify'"
expect_status 9 "a device with nothing done is not certified" $A certify $U --by claire
$A certify $U --by claire >"$T/unmet.out"
check "every unmet condition is listed at once" \
    sh -c "grep -q 'conditions are not met' '$T/unmet.out' &&
           grep -q \"checklist 'diagnostics-ios' was not done on this device: no job\" '$T/unmet.out' &&
           grep -q \"the workshop's name is not set\" '$T/unmet.out' &&
           grep -q 'no cosmetic grade' '$T/unmet.out' &&
           grep -q 'nothing was changed' '$T/unmet.out'"
check "certify --json lists them for a script" \
    sh -c "$A certify $U --by claire --json > '$T/unmet.json'; $J '$T/unmet.json' \"d['certified']\" False && $J '$T/unmet.json' \"len(d['unmet']) >= 4\""

printf 'workshop:\n  language: de\n' > "$T/bad-policy/policy.yaml"
check "checklist lint checks a policy file and says where it is wrong" \
    sh -c "! $A checklist lint '$T/bad-policy/policy.yaml' > '$T/lint.out' 2>&1 &&
           grep -q 'policy.yaml:2:13: error: workshop.language: should be en, fr or nl' '$T/lint.out'"
check "the shipped policy lints clean" $A checklist lint "$ROOT/checklists/policy.yaml"
printf 'version: 1\nwarranty_months: 6\n' > "$T/bad-policy/policy.yaml"
check "a warranty shorter than the law's 12 months is refused, with where" \
    sh -c "! $A checklist lint '$T/bad-policy/policy.yaml' > '$T/lint.out' 2>&1 &&
           grep -q 'policy.yaml:2:18: error: warranty_months: should be a whole number of months, at least 12' '$T/lint.out'"
printf 'workshop:\n  timezone: Europe/Atlantis\n' > "$T/bad-policy/policy.yaml"
check "a time zone the TZ database does not know is refused" \
    sh -c "! $A checklist lint '$T/bad-policy/policy.yaml' > '$T/lint.out' 2>&1 &&
           grep -q 'policy.yaml:2:13: error: workshop.timezone: should be a time zone of the TZ database' '$T/lint.out'"
cat > "$T/data/policy.yaml" <<'YAML'
workshop:
  name: "Atelier Réemploi Molenbeek"
  place: "Bruxelles"
  language: fr
  legal_name: "Réemploi Molenbeek ASBL"
  address: "Rue de l'Atelier 12, 1080 Molenbeek-Saint-Jean"
  company_number: "BE 0123.456.789"
  contact: "+32 2 123 45 67, atelier@example.org"
  timezone: Europe/Brussels
  verify_url: "https://atelier.example.org/"
warranty_months: 12
required_checklists:
  ios: [intake, wipe, qc]
wipe_checklist: wipe
grade:
  checklist: qc
  step: grade
YAML

# do_job CHECKLIST STEP ARGS: one job, one or two steps, submitted and approved.
do_job() {
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
check "submitting the policy's wipe checklist makes the bench forget its pairing" \
    sh -c "sh $FAKECTL cmd $T/fake '{\"cmd\":\"stats\"}' | grep -q '\"DeletePairRecord\": 1'"
$A job grade "$W" --verdict approved --feedback "Wipe done right." --by claire >/dev/null
$A job check-wipe "$W" --result pass --note "setup screens shown, no account" --by claire >/dev/null
Q=$(do_job qc grade "--value B")
check "the jobs were recorded" test -n "$I" -a -n "$W" -a -n "$Q"

# The phone is unplugged: certify can only use what was read before the wipe.
USBMUXD_SOCKET_ADDRESS="UNIX:$T/nowhere.sock" $A certify $U --by claire >"$T/unmet2.out"
check "certify says when it cannot read the device now" \
    grep -q "could not read the device now (.*): its last reading is used" "$T/unmet2.out"
check "a job not yet graded holds certification back" \
    grep -q "checklist 'qc': job $Q waits for an instructor's grade" "$T/unmet2.out"
check "a reading from before the wipe does not show the data wiped" \
    grep -q "the device was not read since its data wipe (job $W" "$T/unmet2.out"
$A job grade "$Q" --verdict approved --score grade=4 --score complete=3 \
    --feedback "Grade B is right." --by claire >/dev/null

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

# SIGKILL while certifying, on copies of the records: the certificate and the device's
# move are kept together or not at all, the records check out, no file is left behind.
rounds=0; issued=0; torn=0
while [ $rounds -lt 12 ]; do
    C="$T/crash"
    records_copy "$T/data" "$C"
    CU=$(records_url "$C")
    ATELIER_DB=$CU as claire $ATELIER --data "$C" login claire --secret-file "$T/secret-claire" >/dev/null
    # exec: $! is atelier itself, which the kill must reach (a function or a wrapper
    # run in the background is a shell of its own, and atelier would go on under it).
    (ATELIER_DB=$CU XDG_RUNTIME_DIR=$(_rundir claire) exec $ATELIER --data "$C" certify $U \
        --by claire >/dev/null 2>&1) &
    pid=$!
    sleep "0.$(printf %02d $((rounds * 3)))"
    kill -9 $pid 2>/dev/null; wait $pid 2>/dev/null
    certs=$(ATELIER_DB=$CU records_sql "$C" "SELECT COUNT(*) FROM certificate")
    state=$(ATELIER_DB=$CU records_sql "$C" "SELECT state FROM device")
    case "$certs/$state" in
        0/certified|1/[!c]*) torn=$((torn + 1)) ;;
        1/*) issued=$((issued + 1)) ;;
    esac
    ATELIER_DB=$CU $ATELIER --data "$C" db check >/dev/null 2>&1 || torn=$((torn + 1))
    [ -z "${ATELIER_DB:-}" ] || psql -X -q "$ATELIER_DB" \
        -c "DROP DATABASE $(basename "${CU%%\?*}") WITH (FORCE)" >/dev/null 2>&1
    find "$C" -name '*tmp*' | grep -q . && torn=$((torn + 1))
    rounds=$((rounds + 1))
done
echo "# certify killed at 12 moments: $issued had issued the certificate, $((12 - issued)) had not"
check "a certify killed at any moment leaves the certificate and the device's move together, the records whole" \
    test "$torn" = 0

$A certify $U --by claire >"$T/issued.out"
check "a device meeting the policy is certified, read again as it is now" \
    sh -c "grep -q '^read the device again: its facts are up to date' '$T/issued.out' &&
           grep -q '^certificate ATL-.* issued for iPhone 13 (serial C1QQABCD4R)' '$T/issued.out'"
CID=$($A certificate list --json | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])')
check "the certificate is listed with its device" \
    sh -c "$A certificate list | grep -q \"^$CID .*iPhone 13\""
check "the device is now certified" \
    sh -c "$A device show $U --json > '$T/dev.json' && $J '$T/dev.json' \"d['state']\" certified"
check "the device shows its certificate" \
    sh -c "$J '$T/dev.json' \"[c['id'] for c in d['certificates']]\" \"['$CID']\" &&
           $A device show $U | grep -q '^certificate $CID'"
expect_status 9 "a certified device is not certified twice" $A certify $U --by claire

check "the certificate exports as JSON and PDF" \
    $A certificate export "$CID" --json "$T/cert.json" --pdf "$T/cert.pdf"
check "the JSON holds the device, the battery and the grade" \
    sh -c "$J '$T/cert.json' \"d['device']['serial']\" C1QQABCD4R &&
           $J '$T/cert.json' \"d['cosmetic']['grade']\" B &&
           $J '$T/cert.json' \"d['cosmetic']['label']\" 'Très bon état' &&
           $J '$T/cert.json' \"d['sanitization']['standard']\" 'NIST SP 800-88 Rev. 2' &&
           $J '$T/cert.json' \"d['approved_by']\" claire"
check "the certificate verifies" sh -c "$A verify '$T/cert.json' | grep -q \"^valid: certificate $CID for iPhone 13 (serial C1QQABCD4R)\""

sed 's/C1QQABCD4R/C1QQABCD4S/' "$T/cert.json" > "$T/forged.json"
expect_status 8 "a certificate with one letter changed does not verify" $A verify "$T/forged.json"
check "and verify says the content was changed" \
    sh -c "$A verify '$T/forged.json' | grep -q 'NOT VALID: the signature does not match its content'"
python3 -c "import json,sys; print(json.dumps(json.load(open(sys.argv[1])), indent=2))" \
    "$T/cert.json" > "$T/spaced.json"
expect_status 8 "a certificate re-spaced by an editor does not verify" $A verify "$T/spaced.json"

# Another workshop: records of its own (on PostgreSQL, a database of its own; the same
# database would make it a bench of this workshop, with this workshop's key).
records_new "$T/other"
env -u ATELIER_DB $ATELIER --data "$T/other" init >/dev/null
OTHER=$(env -u ATELIER_DB $ATELIER --data "$T/other" key public)
expect_status 8 "a certificate checked against another workshop's key does not verify" \
    $A verify "$T/cert.json" --key "$OTHER"
check "a buyer without Atelier data checks it with the workshop's public key" \
    sh -c "$ATELIER --data '$T/buyer' verify '$T/cert.json' --key '$($A key public)' | grep -q '^valid:'"

check "the PDF is one A4 page" sh -c "pdfinfo '$T/cert.pdf' | grep -q '^Pages: *1$'"
# Installed, atelier-pdf lives in PREFIX/lib/atelier, away from PREFIX/bin/atelier.
mkdir -p "$T/inst/bin" "$T/inst/lib/atelier"
cp "$ATELIER_REAL" "$T/inst/bin/atelier"
cp "$(dirname "$ATELIER_REAL")/atelier-pdf" "$T/inst/lib/atelier/atelier-pdf"
check "an installed atelier finds its PDF drawer in ../lib/atelier" \
    sh -c "$T/inst/bin/atelier --data $T/data certificate export '$CID' --pdf '$T/inst.pdf' >/dev/null &&
           pdfinfo '$T/inst.pdf' | grep -q '^Pages: *1$'"
rm "$T/inst/lib/atelier/atelier-pdf"
check "without it, export says what is missing and writes nothing" \
    sh -c "! $T/inst/bin/atelier --data $T/data certificate export '$CID' --pdf '$T/none.pdf' 2>'$T/none.err' &&
           grep -q 'cannot find atelier-pdf' '$T/none.err' && ! test -e '$T/none.pdf'"
pdftotext -layout "$T/cert.pdf" "$T/cert.txt"
check "the PDF shows the identity, the grade and the battery health in French" \
    sh -c "grep -q 'iPhone 13' '$T/cert.txt' && grep -q 'C1QQABCD4R' '$T/cert.txt' &&
           grep -q 'Très bon état' '$T/cert.txt' &&
           grep -q \"\$(python3 -c 'import json,sys; print(\"%.1f\" % json.load(open(sys.argv[1]))[\"battery\"][\"health_pct\"])' '$T/cert.json') %\" '$T/cert.txt' &&
           grep -q 'Certificat' '$T/cert.txt' && grep -q '$CID' '$T/cert.txt'"
# What a buyer reads: numbers, dates and words in the page's language, the workshop's
# time, the battery in plain words, the warranty, who the workshop is, each lock with
# its date, the grading scale, the note on water, and trainees by their code alone.
# Each page's text on one line, spaces folded: a value wrapped on the page reads whole.
pdftotext "$T/cert.pdf" - | tr '\n' ' ' | tr -s ' ' > "$T/cert-flow.txt"
$A certificate export "$CID" --pdf "$T/cert-nl.pdf" --lang nl >/dev/null
pdftotext "$T/cert-nl.pdf" - | tr '\n' ' ' | tr -s ' ' > "$T/cert-nl.txt"
# local DATE-ONLY LANG: the time of issue in Brussels as the page writes it.
local_time() {
    python3 - "$T/cert.json" "$1" "$2" <<'PY'
import json, sys, datetime, zoneinfo
c = json.load(open(sys.argv[1]))
t = datetime.datetime.strptime(c["issued_at"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=datetime.timezone.utc)
t = t.astimezone(zoneinfo.ZoneInfo("Europe/Brussels"))
months = {"fr": "janvier février mars avril mai juin juillet août septembre octobre novembre décembre",
          "nl": "januari februari maart april mei juni juli augustus september oktober november december"}[sys.argv[3]].split()
at = {"fr": " à ", "nl": " om "}[sys.argv[3]]
print("%d %s %d%s" % (t.day, months[t.month - 1], t.year, "" if sys.argv[2] == "1" else "%s%02d:%02d %s" % (at, t.hour, t.minute, t.tzname())))
PY
}
HEALTH=$(python3 -c 'import json,sys; print(("%.1f" % json.load(open(sys.argv[1]))["battery"]["health_pct"]).replace(".", ","))' "$T/cert.json")
CYCLES=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["battery"]["cycle_count"])' "$T/cert.json")
FR_TIME=$(local_time 0 fr)
NL_TIME=$(local_time 0 nl)
echo "# issued at $FR_TIME / $NL_TIME"
# No time on the page is said in UTC. (Not a bare "UTC": the page prints the first 256
# characters of the signature, base64, which hold those three letters about once in a
# thousand certificates.)
check "the French page writes the time of issue in Brussels, not UTC" \
    sh -c "grep -qF '$CID $FR_TIME Certificat' '$T/cert-flow.txt' && ! grep -qE '[0-9]:[0-9]{2} UTC' '$T/cert-flow.txt'"
check "the Dutch page too, in Dutch" \
    sh -c "grep -qF '$CID $NL_TIME Certificaat' '$T/cert-nl.txt' && ! grep -qE '[0-9]:[0-9]{2} UTC' '$T/cert-nl.txt'"
check "the battery reads as a buyer reads it, with a decimal comma and a narrow space before %" \
    grep -q "$HEALTH.\{1,3\}% (mesurée par le téléphone.\{1,3\}; $CYCLES cycles de charge)" "$T/cert-flow.txt"
check "in Dutch too" grep -q "$HEALTH.\{1,3\}% (gemeten door de telefoon; $CYCLES laadcycli)" "$T/cert-nl.txt"
check "no jargon of where the battery was read on the page" \
    sh -c "! grep -q 'IORegistry\\|AppleSmartBattery\\|libimobiledevice' '$T/cert-flow.txt' '$T/cert-nl.txt'"
check "the storage as it is sold, the colour code said to be a code" \
    sh -c "grep -q '128 Go' '$T/cert-flow.txt' && grep -q '128 GB' '$T/cert-nl.txt' &&
           grep -q \"non relevée (l'appareil ne donne que le code\" '$T/cert-flow.txt' &&
           grep -q 'niet genoteerd (het toestel geeft alleen code' '$T/cert-nl.txt'"
check "the workshop's legal name, address, company number and contact" \
    sh -c "grep -q 'Réemploi Molenbeek ASBL' '$T/cert-flow.txt' &&
           grep -q \"Rue de l'Atelier 12, 1080 Molenbeek-Saint-Jean\" '$T/cert-flow.txt' &&
           grep -q 'BE 0123.456.789' '$T/cert-nl.txt' && grep -q 'atelier@example.org' '$T/cert-nl.txt'"
check "the warranty from the policy" \
    sh -c "grep -q '12 mois à compter de la vente' '$T/cert-flow.txt' && grep -q '12 maanden vanaf de verkoop' '$T/cert-nl.txt'"
check "the lock check with the date it was read" \
    sh -c "grep -q 'désactivé (relevé le [0-9]* [a-zéû]* 20[0-9][0-9] à [0-9:]* CES\\?T)' '$T/cert-flow.txt' &&
           grep -q 'uit (gelezen op [0-9]* [a-z]* 20[0-9][0-9] om [0-9:]* CES\\?T)' '$T/cert-nl.txt'"
check "the wipe says who checked it" \
    sh -c "grep -q 'contrôlé par claire le' '$T/cert-flow.txt' && grep -q 'gecontroleerd door claire op' '$T/cert-nl.txt'"
check "the grading scale is at the foot, in each language" \
    sh -c "grep -q 'Échelle des grades' '$T/cert-flow.txt' && grep -q 'A — Comme neuf' '$T/cert-flow.txt' &&
           grep -q 'Schaal van de graden' '$T/cert-nl.txt' && grep -q 'A — Als nieuw. Geen spoor op 30 cm' '$T/cert-nl.txt'"
check "water resistance is said not to be guaranteed" \
    sh -c "grep -q \"L'étanchéité à l'eau n'est pas garantie\" '$T/cert-flow.txt' && grep -q 'Waterdichtheid is niet gegarandeerd' '$T/cert-nl.txt'"
check "the Dutch page has no French: grade, wipe, checklists, locks" \
    sh -c "for w in 'Très bon état' 'Marques visibles' 'effacement cryptographique' 'écrans de configuration' 'Localiser' 'Intake (fr)' 'désactivé' 'mois'; do
               ! grep -q \"\$w\" '$T/cert-nl.txt' || { echo \"# French on the Dutch page: \$w\"; exit 1; }; done &&
           grep -q 'B — Zeer goed' '$T/cert-nl.txt' && grep -q 'cryptografisch wissen' '$T/cert-nl.txt' &&
           grep -q 'Intake (nl)' '$T/cert-nl.txt'"
check "trainees appear by their code alone, on both pages" \
    sh -c "! grep -qi 'amina' '$T/cert-flow.txt' && ! grep -qi 'amina' '$T/cert-nl.txt' &&
           grep -q \"\$($J '$T/cert.json' \"d['trainees'][0]\")\" '$T/cert-flow.txt'"

pdftoppm -r 150 -png -singlefile "$T/cert.pdf" "$T/page"
zbarimg --quiet --raw "$T/page.png" > "$T/qr.txt" 2>/dev/null
check "the QR code on the page is a link to the workshop's verification page, with the signature" \
    grep -q "^https://atelier.example.org/v/$CID#[A-Za-z0-9_-]\{86\}$" "$T/qr.txt"
check "the link verifies against the workshop's records" \
    sh -c "$A verify '$T/qr.txt' | grep -q \"^valid: certificate $CID\""
sed 's|.*/v/||' "$T/qr.txt" > "$T/fragment.txt"
check "and so does its ID#SIG alone" \
    sh -c "$A verify '$T/fragment.txt' | grep -q \"^valid: certificate $CID\""
printf 'atelier-cert:1:%s:%s\n' "$CID" "$(sed 's/.*#//' "$T/qr.txt")" > "$T/qr-old.txt"
check "the atelier-cert:1: text still verifies" \
    sh -c "$A verify '$T/qr-old.txt' | grep -q \"^valid: certificate $CID\""
sed 's/\(.*#\)\(.\)/\1A/' "$T/qr.txt" > "$T/link-bad.txt"
if cmp -s "$T/qr.txt" "$T/link-bad.txt"; then sed 's/\(.*#\)\(.\)/\1B/' "$T/qr.txt" > "$T/link-bad.txt"; fi
expect_status 8 "a link with another signature does not verify" $A verify "$T/link-bad.txt"
cp "$T/qr-old.txt" "$T/qr.txt"
sed 's/\(.*:\)\(.\)/\1A/' "$T/qr.txt" > "$T/qr-bad.txt"
if cmp -s "$T/qr.txt" "$T/qr-bad.txt"; then sed 's/\(.*:\)\(.\)/\1B/' "$T/qr.txt" > "$T/qr-bad.txt"; fi
expect_status 8 "a QR text with another signature does not verify" $A verify "$T/qr-bad.txt"
printf 'atelier-cert:1:ATL-20200101-00000000:%s\n' "$(sed 's/.*://' "$T/qr.txt")" > "$T/qr-unknown.txt"
check "a QR text of a certificate this workshop never issued is refused" \
    sh -c "$A verify '$T/qr-unknown.txt' | grep -q 'is not in this workshop.s records'"
# A certificate signed with the workshop key but absent from the records: someone who
# had the key made it. Forged here with openssl from the key file, as a thief would.
python3 - "$T/cert.json" "$T/forge.txt" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
c["id"] = "ATL-20200101-DEADBEEF"
c["signature"] = {"algorithm": "Ed25519", "key_id": c["signature"]["key_id"]}
open(sys.argv[2], "w").write(json.dumps(c, sort_keys=True, separators=(",", ":"), ensure_ascii=False))
PY
python3 -c "import base64,sys; seed=base64.b64decode(open(sys.argv[1]).read().split(':')[1]); sys.stdout.buffer.write(bytes.fromhex('302e020100300506032b657004220420')+seed)" \
    "$T/data/keys/workshop.key" > "$T/stolen.der"
openssl pkeyutl -sign -rawin -inkey "$T/stolen.der" -keyform DER -in "$T/forge.txt" -out "$T/forge.sig" 2>/dev/null
python3 - "$T/forge.txt" "$T/forge.sig" "$T/forged-id.json" <<'PY'
import base64, json, sys
c = json.loads(open(sys.argv[1]).read())
c["signature"]["value"] = base64.b64encode(open(sys.argv[2], "rb").read()).decode()
open(sys.argv[3], "w").write(json.dumps(c, sort_keys=True, separators=(",", ":"), ensure_ascii=False) + "\n")
PY
check "a certificate forged with a stolen key verifies by its signature alone" \
    sh -c "$ATELIER --data '$T/buyer' verify '$T/forged-id.json' --key '$($A key public)' | grep -q '^valid:'"
check "but on the bench, verify warns that its records never issued it" \
    sh -c "$A verify '$T/forged-id.json' | grep -q 'warning: certificate ATL-20200101-DEADBEEF is not in this workshop.s records'"

$A certificate revoked --output "$T/revoked-0.json" >/dev/null
check "before any withdrawal, the signed list is empty and the certificate passes it" \
    sh -c "$J '$T/revoked-0.json' \"d['revoked']\" '[]' &&
           $ATELIER --data '$T/buyer' verify '$T/cert.json' --key '$($A key public)' --revoked '$T/revoked-0.json' | grep -q '^valid:'"
$A device set-state $U in_repair --by claire --why "returned: the speaker crackles" >/dev/null
expect_status 8 "a certificate whose device came back into repair is withdrawn: not valid" \
    $A verify "$T/cert.json"
check "verify says who withdrew it, when and why" \
    sh -c "$A verify '$T/cert.json' | grep -q 'NOT VALID: certificate $CID was withdrawn by claire on 20.*: returned: the speaker crackles'"
check "the QR code is refused too" sh -c "$A verify '$T/qr.txt' | grep -q 'was withdrawn'"
last_entry_is_revoke() {
    records_sql "$T/data" "SELECT kind FROM ledger WHERE chain = 'device:1' ORDER BY seq DESC LIMIT 1" |
        grep -qx revoke
}
check "the device's history keeps the withdrawal" last_entry_is_revoke
$A certificate revoked --output "$T/revoked.json" >"$T/revoked.out"
check "the signed list of withdrawn certificates names it" \
    sh -c "grep -q 'wrote .*revoked.json (1 certificates withdrawn, signed)' '$T/revoked.out' &&
           $J '$T/revoked.json' \"[r['id'] for r in d['revoked']]\" \"['$CID']\""
expect_status 8 "away from the bench, a buyer with the list finds it withdrawn" \
    $ATELIER --data "$T/buyer" verify "$T/cert.json" --key "$($A key public)" --revoked "$T/revoked.json"
sed 's/"revoked":\[[^]]*\]/"revoked":[]/' "$T/revoked.json" > "$T/revoked-emptied.json"
expect_status 2 "a list emptied by hand is not trusted" \
    $ATELIER --data "$T/buyer" verify "$T/cert.json" --key "$($A key public)" --revoked "$T/revoked-emptied.json"
check "and verify says so" \
    sh -c "$ATELIER --data '$T/buyer' verify '$T/cert.json' --key '$($A key public)' --revoked '$T/revoked-emptied.json' 2>&1 | grep -q 'cannot be trusted'"
expect_status 1 "a withdrawn certificate is not withdrawn twice" $A certificate revoke "$CID" --why again --by claire
expect_status 1 "a trainee cannot withdraw a certificate" $A certificate revoke "$CID" --why no --by amina

# The key changes: what the old key signed still verifies on the bench, new records are
# signed with the new key, and every chain still checks out.
expect_status 1 "an instructor cannot change the workshop key" $A key rotate --by claire
OLDKEY=$($A key public)
check "an admin rotates the key" sh -c "$A key rotate --by boss | grep -q 'key .* is retired'"
check "the public key is a new one" test "$($A key public)" != "$OLDKEY"
check "the old key's public half is kept" sh -c "ls '$T/data/keys/retired/' | grep -q '.pub$'"
check "the records signed with the old key still check out" $A db check
check "a certificate the old key signed is still checked with it" \
    sh -c "$A verify '$T/forged-id.json' | grep -q '^valid:'"
certificate_refuses_change() {
    records_sql "$T/data" "SELECT count(*) FROM certificate" | grep -qx '[1-9][0-9]*' &&
        ! records_sql "$T/data" "UPDATE certificate SET body = 'x'" 2>/dev/null
}
check "the certificate cannot be changed in the database" certificate_refuses_change
done_testing
