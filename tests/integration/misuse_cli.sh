#!/bin/sh
# What a careless or hostile input meets: text from outside never reaches the terminal
# raw, exports write only regular files, numbers are read strictly, errors name their
# cause, a foreign database is refused, and a certificate is read in one encoding only.
. "$(dirname "$0")/../lib/tap.sh"

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
T=$(mktemp -d)
FAKECTL="$ROOT/tests/fakes/fakectl.sh"
SC="$ROOT/tests/fakes/scenarios/iphone-ios17-paired.json"
J="python3 $ROOT/tests/lib/jq.py"
export FAKE_USBMUXD_KEY_CACHE="$T/keys"
mkdir -p "$FAKE_USBMUXD_KEY_CACHE" "$T/checklists"
trap 'sh "$FAKECTL" stop "$T/fake" >/dev/null 2>&1; rm -rf "$T"' EXIT

# no_control FILE: FILE holds no ESC, no CR, no other C0 control but the newline, no DEL
# and no C1 control (U+0080..U+009F, 0xC2 0x80..0x9F in UTF-8).
no_control() {
    ! LC_ALL=C grep -qP '[\x00-\x09\x0b-\x1f\x7f]|\xc2[\x80-\x9f]' "$1"
}
# json_is FILE EXPR TEXT: the string at EXPR (Python over d) of the JSON in FILE is TEXT,
# byte for byte.
json_is() {
    python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); v=eval(sys.argv[2]); print(repr(v)); sys.exit(0 if v == sys.argv[3] else 1)' "$@"
}

head_yaml() { # id title
    printf 'id: %s\nversion: 1\ntitle: {en: "%s", fr: "%s (fr)", nl: "%s (nl)"}\n' "$1" "$2" "$2" "$2"
    printf 'applies_to:\n  platforms: [ios]\ndifficulty: 1\ntime_minutes: 5\n'
}
{ head_yaml intake "Intake"; cat <<'YAML'; } > "$T/checklists/intake.yaml"
steps:
  - id: look
    title: {en: "Look at it"}
    kind: check
  - id: voltage
    title: {en: "Measure the voltage"}
    kind: measure
    unit: V
    range: {min: -2, max: 4.45}
  - id: part
    title: {en: "Battery fitted"}
    kind: parts
    required: false
YAML
{ head_yaml wipe "Data wipe"; printf 'steps:\n  - id: erase\n    title: {en: "Erase all content and settings"}\n    kind: check\n'; } \
    > "$T/checklists/wipe.yaml"
{ head_yaml qc "Final check"; cat <<'YAML'; } > "$T/checklists/qc.yaml"
steps:
  - id: grade
    title: {en: "Cosmetic grade"}
    kind: choice
    options:
      - value: B
        label: {en: "Very good", fr: "Très bon état", nl: "Zeer goed"}
        criteria: {en: "Marks seen close up", fr: "Marques visibles de près", nl: "Sporen van dichtbij"}
YAML
export ATELIER_CHECKLISTS="$T/checklists"

sh "$FAKECTL" start "$T/fake" "$SC" >/dev/null
export USBMUXD_SOCKET_ADDRESS="UNIX:$T/fake/usbmuxd.sock"
A="$ATELIER --data $T/data"
U=00008110-000E44540A2A0000
$A init >/dev/null
$A user add amina --role trainee >/dev/null
$A user add claire --role instructor >/dev/null
$A probe >/dev/null

# ---- 1. text from outside is escaped on a terminal, exact in JSON ----
NOTE=$(printf 'ok\033[2K\r#2 fake line\nthird\302\233x\177')
PART=$(printf 'Bat\033[31mtery\033[0m,aftermarket,SN\0337x')
I=$($A job start --device $U --checklist intake --trainee amina | sed -n 's/^job \([0-9]*\) started.*/\1/p')
$A job step "$I" look --result pass --note "$NOTE" >/dev/null
$A job step "$I" part --part "$PART" >/dev/null
$A job show "$I" >"$T/show.out"
check "job show prints the part with its control characters as '?'" \
    sh -c "grep -qF 'part Bat?[31mtery?[0m (aftermarket, serial SN?7x' '$T/show.out'"
check "job show writes no ESC, CR, other control or C1 byte" no_control "$T/show.out"
check "a note cannot fake a line of job show" sh -c "! grep -q '^#2 fake line' '$T/show.out' && ! grep -q '^third' '$T/show.out'"
$A job show "$I" --json >"$T/show.json"
check "a note is kept as one line of text: controls as '?', line breaks as spaces" \
    json_is "$T/show.json" "d['records'][0]['note']" 'ok?[2K #2 fake line third?x?'
check "job show --json keeps the part's name and serial exactly" \
    json_is "$T/show.json" "d['records'][1]['parts'][0]['name'] + '|' + d['records'][1]['parts'][0]['serial']" \
    "$(printf 'Bat\033[31mtery\033[0m|SN\0337x')"
STEP=$(printf 'x\033]0;pwned\007\rlook')
$A job step "$I" "$STEP" --result pass 2>"$T/step.err"
check "an unknown step id is named in the refusal with its controls as '?'" \
    sh -c "grep -qF 'x?]0;pwned??look' '$T/step.err'"
check "the refusal writes no control character" no_control "$T/step.err"
ODD="$T/checklists/$(printf 'odd\033[2J\r').yaml"
printf 'id: odd\n' > "$ODD"
$A checklist list >"$T/list.out" 2>&1
check "a checklist file left out is named with its controls as '?'" \
    grep -qF 'odd?[2J?.yaml' "$T/list.out"
check "checklist list writes no control character" no_control "$T/list.out"
rm "$ODD"

# ---- 3. numbers are read in one strict form, limits are said ----
for v in nan inf infinity 0x4 " 4" "4 " "" 1e3 +4 4,5 "123456789012345678901" 1234567890123456; do
    expect_status 2 "a measure of '$v' is refused" $A job step "$I" voltage --value "$v"
done
check "the refusal says what a number looks like" \
    sh -c "$A job step $I voltage --value nan 2>&1 | grep -q \"the value 'nan' is not a number: step 'voltage' takes a number like 3.92 or -1.5, in V from -2 to 4.45\""
check "an absurdly long number is refused with the limit said" \
    sh -c "$A job step $I voltage --value 1234567890123456 2>&1 | grep -q 'is too long (at most 20 characters and 15 significant digits)'"
for v in 3.92 -1.5 4 4. .5; do
    check "a measure of '$v' is recorded" sh -c "$A job step $I voltage --value '$v' | grep -q 'voltage: pass'"
done
check "the value is kept as it was typed" json_is /dev/stdin "d['records'][-1]['value']" .5 <<EOF2
$($A job show "$I" --json)
EOF2
expect_status 2 "a job number in hexadecimal is refused" $A job show 0x1
expect_status 2 "a job number with a space is refused" $A job show " $I"
expect_status 2 "--corrects takes digits only" $A job step "$I" look --result pass --corrects 1e0
expect_status 2 "--timeout takes digits only" $A probe --timeout 0x10
expect_status 2 "--timeout refuses a space" $A probe --timeout " 5"
check "--score refuses a number with a space before it" \
    sh -c "$A job grade $I --verdict approved --score 'look= 4' --feedback ok --by claire 2>&1 | grep -q 'score takes ITEM=N'"
LONG=$(python3 -c 'print("S" * 128)')
expect_status 2 "a part serial longer than its limit is refused, not cut" \
    $A job step "$I" part --part "Battery,aftermarket,$LONG"
check "and the limit is said" \
    sh -c "$A job step $I part --part 'Battery,aftermarket,$LONG' 2>&1 | grep -q \"a part's serial is at most 127 bytes; this one has 128\""

# ---- 5. an empty or foreign atelier.db is refused, never made anew ----
mkdir -p "$T/empty" "$T/text" "$T/foreign"
: > "$T/empty/atelier.db"
expect_status 4 "init refuses an empty atelier.db as a damaged database" $ATELIER --data "$T/empty" init
check "and says it is empty, leaving it at 0 bytes" \
    sh -c "$ATELIER --data '$T/empty' init 2>&1 | grep -q '$T/empty/atelier.db is empty (0 bytes)' &&
           test ! -s '$T/empty/atelier.db'"
expect_status 4 "a writing command refuses an empty atelier.db too" \
    $ATELIER --data "$T/empty" user add zoe --role trainee
echo "not a database" > "$T/text/atelier.db"
expect_status 4 "a text file as atelier.db is refused" $ATELIER --data "$T/text" init
check "and is named as not an Atelier database" \
    sh -c "$ATELIER --data '$T/text' job list 2>&1 | grep -q '$T/text/atelier.db is not a usable Atelier database'"
python3 -c 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute("CREATE TABLE notes (t TEXT)"); c.commit()' \
    "$T/foreign/atelier.db"
cp "$T/foreign/atelier.db" "$T/foreign.orig"
expect_status 4 "another program's SQLite database is refused by init" $ATELIER --data "$T/foreign" init
expect_status 4 "and by db check" $ATELIER --data "$T/foreign" db check
check "it is said to be another program's, and left byte for byte as it was" \
    sh -c "$ATELIER --data '$T/foreign' init 2>&1 | grep -q 'is an SQLite database of another program' &&
           cmp '$T/foreign/atelier.db' '$T/foreign.orig'"

done_testing
