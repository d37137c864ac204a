#!/bin/sh
# What a careless or hostile input meets: text from outside never reaches the terminal
# raw, exports write only regular files, numbers are read strictly, errors name their
# cause, a foreign database is refused, and a certificate is read in one encoding only.
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
{ head_yaml intake "Intake"; printf 'steps:\n  - id: look\n    title: {en: "Look at it"}\n    kind: check\n'; } \
    > "$T/checklists/intake.yaml"
{ head_yaml bench "Bench"; cat <<'YAML'; } > "$T/checklists/bench.yaml"
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
U=00008110-000E44540A2A0000
init_admin "$A"
add_user "$A" amina trainee
add_user "$A" claire instructor
signin amina
$A probe >/dev/null

# ---- 1. text from outside is escaped on a terminal, exact in JSON ----
NOTE=$(printf 'ok\033[2K\r#2 fake line\nthird\302\233x\177')
PART=$(printf 'Bat\033[31mtery\033[0m,aftermarket,SN\0337x')
I=$($A job start --device $U --checklist bench --trainee amina | sed -n 's/^job \([0-9]*\) started.*/\1/p')
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

# ---- a certified device to export (as tests/integration/certify_cli.sh makes one) ----
cp "$ROOT/checklists/policy.yaml" "$T/checklists/policy.yaml"
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
do_job() { # CHECKLIST STEP ARGS: one job, its steps, submitted; its number on stdout
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
$A job cancel "$I" --by claire --why "a test bench job" >/dev/null
I=$(do_job intake look "--result pass")
$A job grade "$I" --verdict approved --feedback "Careful intake." --by claire >/dev/null
W=$(do_job wipe erase "--result pass")
$A job grade "$W" --verdict approved --feedback "Wipe done right." --by claire >/dev/null
$A job check-wipe "$W" --result pass --note "setup screens shown" --by claire >/dev/null
Q=$(do_job qc grade "--value B")
$A job grade "$Q" --verdict approved --feedback "Grade B is right." --by claire >/dev/null
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
$A certify $U --by claire >"$T/certify.out" 2>&1
CID=$($A certificate list --json | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])' 2>/dev/null)
check "a device is certified for the export checks" sh -c "test -n \"$CID\" || { cat '$T/certify.out'; false; }"

# ---- 2. export writes only regular files ----
mkdir -p "$T/out"
# stray DIR: what is in DIR besides the files named after it.
stray() {
    d=$1; shift
    ls -A "$d" | { while read -r f; do
        keep=0; for k in "$@"; do [ "$f" = "$k" ] && keep=1; done
        [ $keep = 1 ] || echo "$f"
    done; }
}
if mknod "$T/out/chr" c 1 3 2>/dev/null; then
    expect_status 2 "exporting the JSON onto a character device is refused" \
        $A certificate export "$CID" --json "$T/out/chr"
    check "the refusal names the device, and it is still a character device" \
        sh -c "$A certificate export '$CID' --json '$T/out/chr' 2>&1 |
               grep -q '$T/out/chr is not a regular file' && test -c '$T/out/chr'"
    expect_status 2 "exporting the PDF onto a character device is refused" \
        $A certificate export "$CID" --pdf "$T/out/chr"
    ln -s chr "$T/out/link"
    expect_status 2 "exporting through a symlink to a character device is refused" \
        $A certificate export "$CID" --pdf "$T/out/link"
    check "the symlink and the device are left as they were" \
        sh -c "test -L '$T/out/link' && test -c '$T/out/chr'"
    rm -f "$T/out/link" "$T/out/chr"
else
    echo "ok $((TAP_N + 1)) # skip mknod of a character device is not allowed here (not root, or no CAP_MKNOD)"
    TAP_N=$((TAP_N + 1))
fi
mkfifo "$T/out/fifo"
expect_status 2 "exporting the JSON onto a FIFO is refused (and does not hang)" \
    timeout 20 $A certificate export "$CID" --json "$T/out/fifo"
expect_status 2 "exporting the PDF onto a FIFO is refused" \
    timeout 20 $A certificate export "$CID" --pdf "$T/out/fifo"
check "the FIFO is still a FIFO" test -p "$T/out/fifo"
mkdir "$T/out/dir"
expect_status 2 "exporting onto a directory is refused" $A certificate export "$CID" --json "$T/out/dir"
check "nothing else was left in the directory" sh -c "test -z \"\$(cd '$T/out' && ls -A | grep -v -x -e fifo -e dir)\""
rm -rf "$T/out/fifo" "$T/out/dir"
expect_status 2 "the JSON and the PDF to the same path are refused" \
    $A certificate export "$CID" --json "$T/out/same" --pdf "$T/out/same"
check "the refusal says why and nothing is written" \
    sh -c "$A certificate export '$CID' --json '$T/out/same' --pdf '$T/out/./same' 2>&1 |
           grep -q 'would both be written to' && test ! -e '$T/out/same'"
echo old > "$T/out/same"
ln -s same "$T/out/alias"
expect_status 2 "the same file by another name (a symlink) is refused too" \
    $A certificate export "$CID" --json "$T/out/same" --pdf "$T/out/alias"
check "and the file is left as it was" sh -c "test \"\$(cat '$T/out/same')\" = old"
rm -f "$T/out/same" "$T/out/alias"
check "an export over an existing regular file replaces it whole" \
    sh -c "echo old > '$T/out/c.json' && $A certificate export '$CID' --json '$T/out/c.json' --pdf '$T/out/c.pdf' >/dev/null &&
           $J '$T/out/c.json' \"d['id']\" '$CID' && pdfinfo '$T/out/c.pdf' | grep -q '^Pages: *1$'"
check "an export leaves no temporary file" sh -c "test \"\$(ls -A '$T/out' | sort | tr '\n' ' ')\" = 'c.json c.pdf '"
mkdir "$T/kill"
i=0
while [ $i -lt 24 ]; do
    $A certificate export "$CID" --json "$T/kill/c.json" --pdf "$T/kill/c.pdf" >/dev/null 2>&1 &
    pid=$!
    sleep "0.0$(( (i * 7) % 10 ))$(( (i * 3) % 10 ))"
    kill -9 $pid 2>/dev/null
    wait $pid 2>/dev/null
    i=$((i + 1))
done
sleep 1 # an atelier-pdf that outlived its parent ends by itself
check "what is there after the kills is whole" \
    sh -c "! test -e '$T/kill/c.json' || $J '$T/kill/c.json' \"d['id']\" '$CID'"
# A kill -9 between the link and the rename of a replacement leaves its temporary name
# (nothing can catch SIGKILL); the next export of the same files clears it.
check "after an export killed (-9) at any moment, 24 times, the next one leaves no temporary or other stray file" \
    sh -c "$A certificate export '$CID' --json '$T/kill/c.json' --pdf '$T/kill/c.pdf' >/dev/null &&
           ls -A '$T/kill' | grep -v -x -e c.json -e c.pdf | { ! grep .; }"
$A certificate export "$CID" --json "$T/kill/c.json" --pdf "$T/kill/c.pdf" >/dev/null &
pid=$!
sleep 0.05
kill -TERM $pid 2>/dev/null
wait $pid 2>/dev/null
check "an export stopped by SIGTERM leaves no temporary file" \
    sh -c "ls -A '$T/kill' | grep -v -x -e c.json -e c.pdf | { ! grep .; }"

# ---- 1 (again). what verify echoes from a file is escaped ----
$A certificate export "$CID" --json "$T/cert.json" >/dev/null
# edit VAR=EXPR: the certificate with one change (Python over c), canonical as issued.
edit() {
    python3 - "$T/cert.json" "$2" > "$T/$1" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
exec(sys.argv[2])
sys.stdout.write(json.dumps(c, sort_keys=True, separators=(",", ":"), ensure_ascii=False) + "\n")
PY
}
edit esc.json 'c["signature"]["key_id"] = "\x1b[2J\x1b]0;pwned\x07\rfake"'
$A verify "$T/esc.json" >"$T/esc.out" 2>&1
check "verify names a key id from the file with its controls as '?'" \
    grep -qF 'it names key ?[2J?]0;pwned??fake' "$T/esc.out"
check "verify writes no control character from the file" no_control "$T/esc.out"
check "verify --json keeps the reason exact" \
    sh -c "$A verify '$T/esc.json' --json > '$T/esc-json.out'; grep -qiF '\\u001b[2J' '$T/esc-json.out'"
printf '{"format": "atelier-certificate/1", \033[2J' > "$T/broken.json"
$A verify "$T/broken.json" >"$T/broken.out" 2>&1
check "verify of broken JSON says it is not a certificate" grep -q 'NOT VALID: .*not a certificate' "$T/broken.out"
check "and writes no control character from it" no_control "$T/broken.out"

# ---- 6. one encoding of a signature, a key and a QR text ----
check "the exported certificate verifies" sh -c "$A verify '$T/cert.json' | grep -q '^valid:'"
edit nopad.json 'c["signature"]["value"] = c["signature"]["value"].rstrip("=")'
edit url.json 'c["signature"]["value"] = c["signature"]["value"].replace("+", "-").replace("/", "_")'
edit nl.json 'v = c["signature"]["value"]; c["signature"]["value"] = v[:40] + "\n" + v[40:]'
edit tail.json 'c["signature"]["value"] += "AAAA"'
edit bits.json 'v = c["signature"]["value"]; a = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"; c["signature"]["value"] = v[:-3] + a[a.index(v[-3]) ^ 1] + "=="'
SIG=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["signature"]["value"])' "$T/cert.json")
for f in nopad url nl tail bits; do
    # A signature without '+' or '/' (about 1 in 16) is spelled the same in both alphabets:
    # there is then no other spelling to refuse (tests/unit/test_encoding.c has one).
    case "$f/$SIG" in
    url/*[+/]*) ;;
    url/*) TAP_N=$((TAP_N + 1)); echo "ok $TAP_N # skip this signature has no '+' or '/': its URL-safe spelling is the same"; continue ;;
    esac
    expect_status 8 "a signature value re-encoded ($f) does not verify" $A verify "$T/$f.json"
done
check "verify says the signature value is not well-formed" \
    sh -c "$A verify '$T/bits.json' | grep -q 'NOT VALID: its signature value is not a 64-byte Ed25519 signature'"
KEY=$($A key public)
check "the public key text verifies" sh -c "$ATELIER --data '$T/buyer' verify '$T/cert.json' --key '$KEY' | grep -q '^valid:'"
expect_status 2 "a public key without its 'ed25519:' is refused" \
    $ATELIER --data "$T/buyer" verify "$T/cert.json" --key "${KEY#ed25519:}"
expect_status 2 "a public key without its padding is refused" \
    $ATELIER --data "$T/buyer" verify "$T/cert.json" --key "${KEY%=}"
expect_status 2 "a public key with a space before it is refused" \
    $ATELIER --data "$T/buyer" verify "$T/cert.json" --key " $KEY"
printf '%s\n' "$KEY" > "$T/key.pub"
check "a key file of one line verifies" sh -c "$ATELIER --data '$T/buyer' verify '$T/cert.json' --key '$T/key.pub' | grep -q '^valid:'"
printf '%s\r\n' "$KEY" > "$T/key-crlf.pub"
expect_status 2 "a key file with a CR is refused" $ATELIER --data "$T/buyer" verify "$T/cert.json" --key "$T/key-crlf.pub"
QR=$(python3 -c '
import base64, json, sys
c = json.load(open(sys.argv[1]))
sig = base64.b64decode(c["signature"]["value"])
print("atelier-cert:1:%s:%s" % (c["id"], base64.urlsafe_b64encode(sig).decode().rstrip("=")))' "$T/cert.json")
printf '%s' "$QR" > "$T/qr.txt"
check "the QR text verifies" sh -c "$A verify '$T/qr.txt' | grep -q '^valid:'"
printf '%s\n' "$QR" > "$T/qr-nl.txt"
check "the QR text on one line of a file (as zbarimg --raw writes it) verifies" \
    sh -c "$A verify '$T/qr-nl.txt' | grep -q '^valid:'"
printf '%s \n' "$QR" > "$T/qr-space.txt"
printf '%s\r\n' "$QR" > "$T/qr-crlf.txt"
printf '%s\n\n' "$QR" > "$T/qr-2nl.txt"
printf '%s:more' "$QR" > "$T/qr-field.txt"
printf '%s==' "$QR" > "$T/qr-pad.txt"
printf '%s' "$QR" | sed 's/^atelier-cert:1:ATL-/atelier-cert:1:atl-/' > "$T/qr-case.txt"
printf '%s' "$QR" | python3 -c '
import sys
q = sys.stdin.read(); a = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
sys.stdout.write(q[:-1] + a[a.index(q[-1]) ^ 1])' > "$T/qr-bits.txt"
for f in space crlf 2nl field pad case bits; do
    expect_status 8 "a QR text with something more or other ($f) does not verify" $A verify "$T/qr-$f.txt"
done
check "verify says what is wrong with the QR text" \
    sh -c "$A verify '$T/qr-field.txt' | grep -q 'NOT VALID: the QR text is 128 characters long, not 123' &&
           $A verify '$T/qr-bits.txt' | grep -q 'NOT VALID: the QR text has no well-formed signature after the id' &&
           $A verify '$T/qr-case.txt' | grep -q 'NOT VALID: the QR text has no certificate id'"

# ---- 4. errors name their real cause ----
expect_status 2 "job list --state with an unknown word is a usage error" $A job list --state bogus
check "and lists the valid words" \
    sh -c "$A job list --state bogus 2>&1 | grep -q \"'bogus' is not a stage of a job: open, submitted, approved, redo, cancelled\""
expect_status 2 "device list --state with an unknown word is a usage error" $A device list --state bogus
check "and lists the valid words" \
    sh -c "$A device list --state bogus 2>&1 | grep -q \"'bogus' is not a state: intake, in_repair, quarantine, ready, certified, sold, recycled, parts\""
# A lock held for real: another process in a write transaction (as a second atelier
# writing would be), released when the test is done with it.
# On PostgreSQL that is the advisory lock every writing atelier takes first (db_pg.c's
# PG_WRITE_LOCK, "atelierw"); the server ends the session soon after the locker is
# killed (client_connection_check_interval), and the lock with it.
if records_on_pg; then
    printf '%s\n' "SET client_connection_check_interval = 100;" "BEGIN;" \
        "SELECT pg_advisory_xact_lock($((0x6174656c69657277)));" "\\! touch $T/locked" \
        "SELECT pg_sleep(60);" | psql -X -q "$ATELIER_DB" >/dev/null 2>&1 &
else
    python3 -c '
import sqlite3, sys, time
c = sqlite3.connect(sys.argv[1], isolation_level=None)
c.execute("BEGIN EXCLUSIVE")
open(sys.argv[2], "w").close()
time.sleep(60)' "$T/data/atelier.db" "$T/locked" &
fi
LOCKER=$!
n=0; while [ ! -e "$T/locked" ] && [ $n -lt 100 ]; do sleep 0.1; n=$((n + 1)); done
as boss $A user add zoe --role trainee --secret-file "$(secret_of zoe trainee)" >"$T/locked.out" 2>&1
check "a write to a database locked by another process fails (after waiting)" test $? = 1
check "and says the database is locked by another atelier, not SQLite's words alone" \
    grep -Eq 'cannot (add the user|keep your session): (the database is locked by another atelier|the records on the workshop server are busy with another write)' "$T/locked.out"
kill $LOCKER 2>/dev/null; wait $LOCKER 2>/dev/null
check "once the lock is gone the same command works" as boss $A user add zoe --role trainee --secret-file "$T/secret-zoe"
# A read-only file system, without privileges: a bind mount made read-only inside a
# private mount namespace of this test (unshare -rm); nothing changes outside it. As
# root a mount namespace alone does it (unshare -m): root stays root, so the test
# PostgreSQL's socket, which is nobody's when root runs the suite, stays reachable.
if [ "$(id -u)" = 0 ]; then UNSHARE="unshare -m"; else UNSHARE="unshare -rm"; fi
mkdir -p "$T/ro/out"
records_new "$T/ro/d"
RO="env -u ATELIER_DB $ATELIER --data $T/ro/d"
$RO init --admin boss --secret-file "$T/secret-boss" >/dev/null
# in_ro CMD...: CMD with $T/ro read-only; its output in $T/ro.out, its status returned.
in_ro() {
    $UNSHARE sh -c 'mount --bind "$1" "$1" && mount -o remount,ro,bind "$1" && shift && exec "$@"' \
        sh "$T/ro" "$@" >"$T/ro.out" 2>&1
}
if $UNSHARE sh -c 'mount --bind "$1" "$1" && mount -o remount,ro,bind "$1" && ! touch "$1/probe"' sh "$T/ro" 2>/dev/null; then
    if records_on_pg; then
        # On PostgreSQL the records are not in the data directory: a sign-in and db check
        # there write nothing on its file system.
        for c in "a writing command (a sign-in) on a read-only file system exits 1" \
            "and says the file system is read-only" "db check says the same"; do
            skip "$c" "the records are on PostgreSQL, not on the read-only file system"
        done
    else
        in_ro $RO login boss --secret-file "$T/secret-boss"
        check "a writing command (a sign-in) on a read-only file system exits 1" test $? = 1
        check "and says the file system is read-only" \
            grep -q "the file system holding $T/ro/d is read-only" "$T/ro.out"
        in_ro $RO db check
        check "db check says the same" grep -q "the file system holding $T/ro/d is read-only" "$T/ro.out"
    fi
    in_ro $ATELIER --data "$T/ro/new" init
    check "init of a data directory there says it cannot be made, and why" \
        grep -q "$T/ro/new: cannot create the data directory: the file system holding $T/ro is read-only" "$T/ro.out"
    in_ro $A db backup "$T/ro/out/backup.db"
    check "a backup onto a read-only file system says so" \
        grep -q "backup to $T/ro/out/backup.db failed: the file system holding $T/ro/out is read-only" "$T/ro.out"
    in_ro $A certificate export "$CID" --json "$T/ro/out/c.json"
    check "an export onto a read-only file system says so and writes nothing" \
        sh -c "grep -q 'cannot write $T/ro/out/c.json: the file system holding $T/ro/out is read-only' '$T/ro.out' &&
               test -z \"\$(ls -A '$T/ro/out')\""
else
    for what in "a writing command" "its message" "db check" "init" "db backup" "certificate export"; do
        TAP_N=$((TAP_N + 1))
        echo "ok $TAP_N # skip read-only file system ($what): $UNSHARE with a read-only bind mount is not allowed here; the errno words are unit-tested (tests/unit/test_file.c)"
    done
fi

# ---- 5. an empty or foreign atelier.db is refused, never made anew ----
# The file is SQLite's: these data directories keep their records in it on both runs.
# The same refusal on PostgreSQL (a database with another program's tables) follows.
PG_DB=${ATELIER_DB:-}
unset ATELIER_DB
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
if [ -n "$PG_DB" ]; then
    export ATELIER_DB="$PG_DB"
    records_new "$T/foreign-pg"
    FU=$(records_url "$T/foreign-pg")
    ATELIER_DB=$FU records_sql "$T/foreign-pg" "CREATE TABLE notes (t text); INSERT INTO notes VALUES ('mine')"
    FPG="env -u ATELIER_DB $ATELIER --data $T/foreign-pg"
    expect_status 4 "a PostgreSQL database with another program's tables is refused by init" $FPG init
    expect_status 4 "and by db check" $FPG db check
    foreign_pg_kept() {
        $FPG init 2>&1 | grep -q "this database holds another program's tables" &&
            test "$(ATELIER_DB=$FU records_sql "$T/foreign-pg" "SELECT string_agg(table_name, ',') FROM information_schema.tables WHERE table_schema = current_schema()")" = notes &&
            test "$(ATELIER_DB=$FU records_sql "$T/foreign-pg" "SELECT t FROM notes")" = mine
    }
    check "it is said to be another program's, and left as it was" foreign_pg_kept
fi

done_testing
