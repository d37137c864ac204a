#!/bin/sh
# The resale office's labels, as the office and a scanner see them: a certified iPhone's
# label in every size and format, its Code 128 and QR code decoded with zbarimg from the
# PNG and from the PDF printed at 300 dpi (pdftoppm), its words read back with pdftotext
# in French and English; the intake label; a device no longer certified; a phone that
# never trusted the bench; a fake CUPS lp that takes the label or refuses it; the errors.
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/../lib/accounts.sh"

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
T=$(mktemp -d)
FAKECTL="$ROOT/tests/fakes/fakectl.sh"
SC="$ROOT/tests/fakes/scenarios/iphone-ios17-paired.json"
export FAKE_USBMUXD_KEY_CACHE="$T/keys"
mkdir -p "$FAKE_USBMUXD_KEY_CACHE" "$T/checklists" "$T/out" "$T/bin"
trap 'sh "$FAKECTL" stop "$T/fake" >/dev/null 2>&1; sh "$FAKECTL" stop "$T/fake2" >/dev/null 2>&1; rm -rf "$T"' EXIT

# The workshop's own short checklists (as in certify_cli.sh); intake records the colour's
# name, which the device gives only as a code.
head_yaml() { # id title
    printf 'id: %s\nversion: 1\ntitle: {en: "%s", fr: "%s (fr)", nl: "%s (nl)"}\n' "$1" "$2" "$2" "$2"
    printf 'applies_to:\n  platforms: [ios]\ndifficulty: 1\ntime_minutes: 5\n'
}
{ head_yaml intake "Intake"; cat <<'YAML'; } > "$T/checklists/intake.yaml"
steps:
  - id: look
    title: {en: "Look at it"}
    kind: check
  - id: colour
    title: {en: "Colour's name"}
    kind: entry
    format: text
    records: identity.color_name
YAML
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
U=00008110-000E44540A2A0000
IMEI=350244331234567

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

# The intake label is printed as the phone arrives, before any work.
cd "$T/out"
$A label $U --intake >"$T/intake.out"
check "an intake label is written in the current folder, named by the stock number" \
    sh -c "grep -q '^wrote label-AT-000001.pdf: one intake label (62x29) for AT-000001 ($U)' '$T/intake.out' &&
           pdfinfo '$T/out/label-AT-000001.pdf' | grep -q '^Pages: *1$'"
pdftoppm -r 300 -png -singlefile "$T/out/label-AT-000001.pdf" "$T/intake"
check "its Code 128 carries the stock number, read from the PDF printed at 300 dpi" \
    sh -c "zbarimg --quiet --raw '$T/intake.png' 2>/dev/null | grep -qx 'AT-000001'"
check "it says the stock number, the day it arrived and the model, in the workshop's French" \
    sh -c "pdftotext '$T/out/label-AT-000001.pdf' - > '$T/intake.txt' &&
           grep -q 'AT-000001' '$T/intake.txt' && grep -q 'Réception' '$T/intake.txt' &&
           grep -q \"Reçu le \$(date +%d/%m/%Y)\" '$T/intake.txt' && grep -q 'iPhone 13' '$T/intake.txt'"
check "an intake label also comes as a 62x100 PNG with the stock number's barcode" \
    sh -c "$A label $U --intake --size 62x100 --format png --output '$T/intake.png' >/dev/null &&
           zbarimg --quiet --raw '$T/intake.png' 2>/dev/null | grep -qx 'AT-000001'"
check "the label of a device not certified says so, without a QR code" \
    sh -c "$A label $U --lang en --format png --output '$T/uncert.png' | grep -q 'AT-000001 ($U, not certified)' &&
           zbarimg --quiet '$T/uncert.png' 2>/dev/null > '$T/uncert.codes';
           grep -qx 'CODE-128:$IMEI' '$T/uncert.codes' && ! grep -q QR-Code '$T/uncert.codes'"
$A label $U --lang en --output "$T/uncert.pdf" >/dev/null
check "and in words on the label" \
    sh -c "pdftotext '$T/uncert.pdf' - | grep -q 'not certified'"

# do_job CHECKLIST STEP ARGS...: one job, its steps, submitted and approved.
do_job() {
    cid=$1; shift
    out=$($A job start --device $U --checklist "$cid" --trainee amina) || return 1
    id=$(echo "$out" | sed -n 's/^job \([0-9]*\) started.*/\1/p')
    while [ $# -ge 2 ]; do
        $A job step "$id" "$1" $2 >/dev/null || return 1
        shift 2
    done
    $A job submit "$id" >/dev/null || return 1
    $A job grade "$id" --verdict approved --feedback "Good." --by claire >/dev/null || return 1
    echo "$id"
}
do_job intake look "--result pass" colour "--value Minuit" >/dev/null
W=$(do_job wipe erase "--result pass")
$A job check-wipe "$W" --result pass --note "setup screens shown" --by claire >/dev/null
do_job qc grade "--value B" >/dev/null
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
check "the iPhone is certified" sh -c "$A certify $U --by claire | grep -q '^certificate ATL-'"
CID=$($A certificate list --json | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])')
$A certificate export "$CID" --pdf "$T/cert.pdf" >/dev/null
pdftoppm -r 150 -png -singlefile "$T/cert.pdf" "$T/certpage"
zbarimg --quiet --raw "$T/certpage.png" > "$T/cert-qr.txt" 2>/dev/null
check "the certificate's own QR code was read" grep -q "^atelier-cert:1:$CID:" "$T/cert-qr.txt"

# codes FILE: the codes zbarimg reads in FILE (a PNG, or a PDF printed at 300 dpi).
codes() {
    case "$1" in
    *.pdf) pdftoppm -r 300 -png -singlefile "$1" "$1-300" && zbarimg --quiet "$1-300.png" 2>/dev/null ;;
    *) zbarimg --quiet "$1" 2>/dev/null ;;
    esac
}
for size in 62x29 62x100 a4-sheet; do
    for format in pdf png; do
        f="$T/label-$size.$format"
        $A label $U --size $size --format $format --output "$f" > "$T/label-$size-$format.out"
        codes "$f" > "$f.codes"
        check "$size $format: the label is written and says so" \
            grep -q "^wrote $f: one label ($size) for AT-000001 ($U, certificate $CID)" "$T/label-$size-$format.out"
        check "$size $format: its Code 128 carries the IMEI" grep -qx "CODE-128:$IMEI" "$f.codes"
        check "$size $format: its QR code carries the certificate's QR text" \
            grep -qxF "QR-Code:$(cat "$T/cert-qr.txt")" "$f.codes"
    done
    pdftotext -layout "$T/label-$size.pdf" "$T/label-$size.txt"
    check "$size: the label shows name, storage, colour, grade and battery with a decimal comma" \
        sh -c "grep -q 'iPhone 13' '$T/label-$size.txt' && grep -q '128.Go' '$T/label-$size.txt' &&
               grep -q 'Minuit' '$T/label-$size.txt' && grep -Eq 'Grade B|B — Très bon état' '$T/label-$size.txt' &&
               grep -q 'AT-000001' '$T/label-$size.txt' &&
               grep -q '[0-9][0-9],[0-9].%' '$T/label-$size.txt'"
done
check "the battery health on the label is the certificate's, in French" \
    sh -c "$A certificate export '$CID' --json '$T/cert.json' >/dev/null &&
           grep -q \"\$(python3 -c 'import json,sys; print((\"%.1f\" % json.load(open(sys.argv[1]))[\"battery\"][\"health_pct\"]).replace(\".\", \",\"))' '$T/cert.json')\" '$T/label-62x29.txt'"
check "the tall label names each value and the grade's words" \
    sh -c "grep -q 'Stockage' '$T/label-62x100.txt' && grep -q 'Très bon état' '$T/label-62x100.txt' &&
           grep -q 'Numéro de stock' '$T/label-62x100.txt' && grep -q '$CID' '$T/label-62x100.txt'"
$A label $U --lang en --output "$T/label-en.pdf" >/dev/null
check "--lang en writes English with a decimal point" \
    sh -c "pdftotext '$T/label-en.pdf' - > '$T/label-en.txt' && grep -q 'Battery [0-9][0-9]\.[0-9]' '$T/label-en.txt' &&
           grep -q '128 GB' '$T/label-en.txt' && ! grep -q 'Batterie' '$T/label-en.txt'"
check "--json gives the view for a script" \
    sh -c "$A label $U --output '$T/j.pdf' --json | python3 -c 'import json,sys; d=json.load(sys.stdin); assert d[\"labels\"][0][\"stock\"] == \"AT-000001\" and d[\"labels\"][0][\"barcode\"] == \"$IMEI\" and d[\"lang\"] == \"fr\" and d[\"printed\"] is None, d'"

# A sheet of several: a second phone that never trusted the bench joins the records.
sh "$FAKECTL" start "$T/fake2" "$ROOT/tests/fakes/scenarios/iphone-pending-then-denied.json" >/dev/null
USBMUXD_SOCKET_ADDRESS="UNIX:$T/fake2/usbmuxd.sock" $A probe >/dev/null 2>&1
U2=00008110-000E44540A2A0002
expect_status 1 "a phone that never trusted the bench has no label yet" $A label $U2 --output "$T/none.pdf"
check "and is told what to do, and that its intake label can be printed" \
    sh -c "$A label $U2 --output '$T/none.pdf' 2>&1 | grep -q \"device '$U2' (AT-000002) has no reading yet (its last answer: denied), so its label would be empty: read it with 'atelier probe' once it trusts the bench; its intake label can be printed now\" &&
           ! test -e '$T/none.pdf'"
$A label $U $U2 --intake --size a4-sheet --format png --output "$T/sheet.png" >/dev/null
check "an A4 sheet holds a label for each device named" \
    sh -c "zbarimg --quiet --raw '$T/sheet.png' 2>/dev/null | sort > '$T/sheet.codes' &&
           printf 'AT-000001\nAT-000002\n' | cmp - '$T/sheet.codes'"
$A label $U $U2 --intake --size a4-sheet >/dev/null
check "several labels without --output are named by the first and the last" \
    sh -c "pdfinfo '$T/out/labels-AT-000001-AT-000002.pdf' | grep -q '^Pages: *1$' &&
           pdftotext '$T/out/labels-AT-000001-AT-000002.pdf' - | grep -q 'AT-000002'"

# CUPS: a fake lp first on PATH records its arguments; one printer refuses.
cat > "$T/bin/lp" <<EOF
#!/bin/sh
printf '%s\n' "\$@" > "$T/lp.args"
if [ "\$2" = broken ]; then echo "lp: The printer or class does not exist." >&2; exit 1; fi
echo "request id is \$2-7 (1 file(s))"
EOF
chmod +x "$T/bin/lp"
PATH="$T/bin:$PATH" $A label $U --output "$T/printed.pdf" --print QL-820NWB > "$T/print.out"
check "--print sends the file to the printer with lp -d PRINTER FILE" \
    sh -c "printf '%s\n' -d QL-820NWB '$T/printed.pdf' | cmp - '$T/lp.args' &&
           grep -q '^sent to printer QL-820NWB: request id is QL-820NWB-7 (1 file(s))' '$T/print.out'"
(cd "$T/out" && PATH="$T/bin:$PATH" $A label $U --print QL-820NWB >/dev/null)
check "a file named in the current folder reaches lp as a path, never as an option" \
    sh -c "printf '%s\n' -d QL-820NWB ./label-AT-000001.pdf | cmp - '$T/lp.args'"
expect_status 1 "a printer that refuses is an error" \
    env PATH="$T/bin:$PATH" $A label $U --output "$T/refused.pdf" --print broken
check "which names the printer, says what lp said and where the label is" \
    sh -c "PATH='$T/bin:$PATH' $A label $U --output '$T/refused.pdf' --print broken 2>&1 |
           grep -q \"printer 'broken' did not take the label: lp said: lp: The printer or class does not exist. (the label is in $T/refused.pdf)\""
expect_status 2 "a printer's name that is an option is refused" $A label $U --print=-h --output "$T/x.pdf"

# Errors in plain words.
expect_status 7 "an unknown device has no label" $A label 999999999999999 --output "$T/x.pdf"
check "and says which device is not known" \
    sh -c "$A label 999999999999999 2>&1 | grep -q \"no device '999999999999999' is known\""
expect_status 1 "an output in a folder that does not exist is not written" \
    $A label $U --output "$T/nowhere/label.pdf"
check "and says why" sh -c "$A label $U --output '$T/nowhere/label.pdf' 2>&1 | grep -q 'the label was not written: cannot write $T/nowhere/label.pdf'"
mkdir "$T/ro" && chmod 555 "$T/ro"
if [ "$(id -u)" != 0 ]; then
    check "an output in a folder that cannot be written is refused in plain words" \
        sh -c "! $A label $U --output '$T/ro/label.pdf' 2>'$T/ro.err' && grep -q 'cannot write $T/ro/label.pdf' '$T/ro.err'"
fi
expect_status 2 "a size that is none is refused" $A label $U --size 50x30
expect_status 2 "a format that is none is refused" $A label $U --format jpg
expect_status 2 "a PNG holds one label" $A label $U $U2 --intake --format png
expect_status 2 "a language that is none is refused" $A label $U --lang de
check "the labels' sizes and formats are named when one is wrong" \
    sh -c "$A label $U --size 50x30 2>&1 | grep -q '62x29, 62x100 or a4-sheet'"
expect_status 10 "nobody signed in prints no label" env XDG_RUNTIME_DIR="$T/run/nobody" $ATELIER_REAL --data "$T/data" label $U --output "$T/x.pdf"

# Withdrawn: the label no longer carries the QR code.
$A device set-state $U in_repair --by claire --why "returned: the speaker crackles" >/dev/null
$A label $U --format png --output "$T/withdrawn.png" > "$T/withdrawn.out"
check "a device whose certificate was withdrawn gets a label without its QR code" \
    sh -c "grep -q 'not certified' '$T/withdrawn.out' && ! zbarimg --quiet '$T/withdrawn.png' 2>/dev/null | grep -q QR-Code"
done_testing
