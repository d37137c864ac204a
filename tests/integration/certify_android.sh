#!/bin/sh
# An Android phone and an Android Wi-Fi tablet from intake to a verified certificate,
# with the shipped checklists and policy: Atelier's adb client against the fake adb
# server (tests/fakes/fake_adb.md), and USB through umockdev, from the real recording of
# a phone in MTP mode (tests/fixtures/usb). A factory reset turns USB debugging off: the
# phone leaves the adb server's list (the fake's "reset"), and the bench then sees it on
# USB alone, by its serial: that sighting is the evidence of the reset. Along the way,
# the refusals: a Google account still on the device, a data wipe not checked by a
# second person, a repair not approved, then not tested again.
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/../lib/accounts.sh"

. "$(dirname "$0")/../lib/walk.sh"
CTL="$ROOT/tests/fakes/adb_fakectl.sh"
# No iPhone here: usbmuxd is not asked (a socket nobody listens on).
export USBMUXD_SOCKET_ADDRESS="UNIX:$T/no-usbmuxd.sock"

# usb_bench SERIAL: AT, an `atelier` that sees one Android phone in MTP mode on USB, the real
# Sony Xperia recording with its serial string set to SERIAL (the phone adb knows). One
# umockdev testbed is made per phone and kept while the phone is on the bench: making it
# writes a few hundred sysfs files, 0.3 s of disk work, and the walks run the bench some
# 300 times. Each command joins the testbed through umockdev's preload library and its
# UMOCKDEV_DIR, as umockdev-run would hand them to it.
usb_bench() {
    usb_unplug
    grep -v '^# source:' "$ROOT/tests/fixtures/usb/sony-xperia-mini-pro.umockdev" |
        sed "s/0123456789ABCDEF/$1/g" > "$T/usb-$1.umockdev"
    rm -f "$T/usb-$1.env"
    TMPDIR="$T" umockdev-run --device "$T/usb-$1.umockdev" -- sh -c \
        'echo $$ > "$1.pid"; env | grep -E "^(LD_PRELOAD|UMOCKDEV_DIR)=" > "$1.tmp" && mv "$1.tmp" "$1"; exec sleep 3600' \
        testbed "$T/usb-$1.env" >/dev/null 2>&1 &
    n=0
    until [ -s "$T/usb-$1.env" ] || [ $n -gt 100 ]; do n=$((n + 1)); sleep 0.1; done
    [ -s "$T/usb-$1.env" ] || { echo "umockdev-run did not make its testbed" >&2; exit 1; }
    USB_PID="$T/usb-$1.env.pid"
    printf '#!/bin/sh\nexec env %s %s "$@"\n' "$(tr '\n' ' ' < "$T/usb-$1.env")" "$ATELIER" > "$T/atelier-$1"
    chmod +x "$T/atelier-$1"
    AT="$T/atelier-$1"
}
# usb_unplug: the phone on USB leaves the bench (its testbed is removed by umockdev-run).
usb_unplug() {
    [ -n "${USB_PID:-}" ] && [ -s "$USB_PID" ] && kill "$(cat "$USB_PID")" 2>/dev/null
    USB_PID=
}
trap 'usb_unplug; sh "$FAKECTL" stop "$T/fake" >/dev/null 2>&1; sh "$ROOT/tests/fakes/adb_fakectl.sh" stop "$T/adb" >/dev/null 2>&1; rm -rf "$T"' EXIT

# scenario NAME FILE SERIAL ACCOUNTS: a copy of a fake adb scenario for one device, with
# that serial and, when ACCOUNTS is 1, a Google account of its donor.
scenario() {
    python3 - "$2" "$3" "$4" > "$T/$1.json" <<'PY'
import json, sys
path, serial, accounts = sys.argv[1:]
sc = json.load(open(path))
dev = sc["devices"][0]
dev["serial"] = serial
if accounts == "1":
    dev.setdefault("shell", {})["dumpsys account"] = (
        "Accounts: 1\n  Account {name=donor.phone@gmail.com, type=com.google}\n")
print(json.dumps(sc))
PY
}
grade() { grade_job "$1" "$D" "$2" "$3"; }

D="$T/data"
init_admin "$ATELIER --data $D"
add_user "$ATELIER --data $D" nadia trainee
add_user "$ATELIER --data $D" claire instructor
signin nadia
printf 'workshop:\n  name: "Atelier Réemploi"\n  place: "Bruxelles"\n  language: fr\n' > "$D/policy.yaml"

# ---- the phone: a Pixel 8 Pro, its IMEI hidden from the shell, no battery health ----
S=0123456789ABCDEF
scenario phone "$ROOT/tests/fakes/adb_scenarios/adb-pixel8pro-probe.json" $S 1
sh "$CTL" start "$T/adb" "$T/phone.json" >/dev/null
export ADB_SERVER_SOCKET="tcp:127.0.0.1:$(cat "$T/adb/port")"
usb_bench $S
A="$AT --data $D"
# What the trainee's hands do, as the walks need them.
cat > "$T/hands.py" <<'PY'
import json, subprocess, sys
ctl, fake, what, serial = sys.argv[1:5]
cmds = {
    # Settings > Accounts > Remove: dumpsys account lists none (AccountManagerService).
    "remove-account": [{"cmd": "set", "serial": serial,
                        "shell": {"dumpsys account": "Accounts: 0\n"}}],
    # Settings > Reset: USB debugging is off, the phone leaves adb (fake_adb.md).
    "reset": [{"cmd": "reset", "serial": serial}],
    # Set up again without an account, USB debugging on, this computer allowed.
    "debug-again": [{"cmd": "attach", "serial": serial},
                    {"cmd": "update", "serial": serial, "changes": {"state": "device"}}],
}[what]
for c in cmds:
    subprocess.run(["sh", ctl, "cmd", fake, json.dumps(c)], check=True,
                   stdout=subprocess.DEVNULL)
PY
HANDS="python3 $T/hands.py $CTL $T/adb"

$A probe --json > "$T/p1.json"
check "the phone is one card: read through adb, its USB port joined by serial" \
    sh -c "$J $T/p1.json 'len(d)' 1 && $J $T/p1.json \"d[0]['connection']['via']\" adb && $J $T/p1.json \"d[0]['identity']['serial']\" $S"
check "it says what it hides: no IMEI, no battery health, a Google account" \
    sh -c "$J $T/p1.json \"d[0]['identity']['imei']\" None && $J $T/p1.json \"d[0]['battery']['health_pct']\" None && $J $T/p1.json \"d[0]['locks']['google_accounts']\" 1"
expect_status 9 "certify refuses a phone with a Google account on it" $A certify $S --by claire
check "and says so, with what to do" sh -c "$A certify $S --by claire | grep -q '1 Google account(s) still on the device: remove them, then wipe it again'"

I=$($WALK "$AT" "$D" $S intake-triage nadia)
check "the trainee types the IMEI the phone hides; a wrong check digit is refused" \
    sh -c "$A job show $I --json > $T/i.json && $J $T/i.json \"[r['value'] for r in d['records'] if r['step'] == 'imei-entered']\" \"['353456789012348']\""
grade "$AT" "$I" intake-triage >/dev/null
expect_status 1 "diagnostics cannot start before the data wipe" \
    $A job start --device $S --checklist diagnostics-android --trainee nadia
W=$($WALK "$AT" "$D" $S data-wipe nadia \
    --before "google-accounts-removed=$HANDS remove-account $S" \
    --before "seen-without-adb=$HANDS reset $S")
$A job show "$W" --json > "$T/w.json"
check "after the reset the bench sees the phone on USB alone, by its serial" \
    sh -c "$J $T/w.json \"[r['result'] for r in d['records'] if r['step'] == 'seen-without-adb']\" \"['pass']\" &&
           $J $T/w.json \"[r['facts']['connection.via'] for r in d['records'] if r['step'] == 'seen-without-adb']\" \"['usb']\""
check "accounts, FRP and the bootloader were read before the reset" \
    sh -c "$J $T/w.json \"[r['result'] for r in d['records'] if r['step'] in ('google-accounts-removed', 'frp-off', 'bootloader-locked', 'storage-encrypted')]\" \"['pass', 'pass', 'pass', 'pass']\""
grade "$AT" "$W" data-wipe >/dev/null
check "an approved wipe waits for its second check" \
    sh -c "$A certify $S --by claire | grep -q 'data wipe (job $W) has not been checked by a second person'"
# Commands that need no USB run without the testbed.
$ATELIER --data "$D" job check-wipe "$W" --result pass --note "écran d'accueil, aucun compte" --by claire >/dev/null
DG=$($WALK "$AT" "$D" $S diagnostics-android nadia \
    --before "connect=$HANDS debug-again $S" \
    --answer "battery-health-measured=--value 87 --tester 'ISDT BG-8S'")
grade "$AT" "$DG" diagnostics-android >/dev/null
$A job show "$DG" --json > "$T/dg.json"
check "the battery health the phone hides is measured with a tester, and judged" \
    sh -c "$J $T/dg.json \"[(r['value'], r['tester']) for r in d['records'] if r['step'] == 'battery-health-measured']\" \"[('87', 'ISDT BG-8S')]\" &&
           $J $T/dg.json \"[r['result'] for r in d['records'] if r['step'] == 'battery-health']\" \"['pass']\""

# A screen replacement (difficulty 4) waits for an instructor's sign-off, given once
# nadia's intake work was approved.
check "the screen replacement waits for an instructor's sign-off" \
    sh -c "! $ATELIER --data $D job start --device $S --checklist phone-screen-replacement --trainee nadia 2>$T/err && grep -q \"nadia cannot start 'phone-screen-replacement' yet: nadia needs an instructor's sign-off for 'esd-safety'\" $T/err"
check "the instructor signs nadia off for handling a phone safely" \
    sh -c "$ATELIER --data $D trainee sign-off nadia esd-safety --note 'Strap, glasses, battery checked first' --by claire | grep -q 'nadia signed off for esd-safety by claire'"
# A screen replacement: not approved, then not tested again, then retested.
R=$($WALK "$AT" "$D" $S phone-screen-replacement nadia)
check "the part is kept with its origin" \
    sh -c "$A job show $R --json | python3 -c 'import json,sys; r=[x for x in json.load(sys.stdin)[\"records\"] if x[\"step\"] == \"record-part\"][0]; sys.exit(r[\"parts\"][0][\"origin\"] != \"genuine\")'"
check "certify refuses an unapproved repair" \
    sh -c "$A certify $S --by claire | grep -q \"checklist 'phone-screen-replacement': job $R waits for an instructor's grade\""
grade "$AT" "$R" phone-screen-replacement >/dev/null
check "and an approved repair not tested again" \
    sh -c "$A certify $S --by claire | grep -q \"the repair 'phone-screen-replacement' (job $R) was not tested again\""
DG2=$($WALK "$AT" "$D" $S diagnostics-android nadia \
    --answer "battery-health-measured=--value 87 --tester 'ISDT BG-8S'")
grade "$AT" "$DG2" diagnostics-android >/dev/null
Q=$($WALK "$AT" "$D" $S final-qc nadia --before "final-seen-without-adb=$HANDS reset $S")
grade "$AT" "$Q" final-qc >/dev/null
expect_status 0 "the shipped policy certifies the phone" $A certify $S --by claire
CID=$($A certificate list --device $S --json | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])')
$A certificate export "$CID" --json "$T/phone.json" >/dev/null
check "its certificate: phone, the IMEI typed, the colour's name, the size on the box" \
    sh -c "$J $T/phone.json \"d['device']['class']\" phone && $J $T/phone.json \"d['device']['imei']\" \"['353456789012348']\" &&
           $J $T/phone.json \"d['device']['color_name']\" Midnight && $J $T/phone.json \"d['device']['storage_gb']\" 16"
# A certificate names a trainee by her code, never by her name (docs/privacy.md).
NADIA=$(sqlite3 "$D/atelier.db" "SELECT code FROM app_user WHERE name = 'nadia'")
check "the battery measured with its tester, the part fitted, the wipe seen after the reset" \
    sh -c "$J $T/phone.json \"d['battery']['health_pct']\" 87.0 && $J $T/phone.json \"d['battery']['source'].startswith('mesurée avec ISDT BG-8S par $NADIA')\" &&
           $J $T/phone.json \"[(p['origin'], p['repair']) for p in d['parts']]\" \"[('genuine', 'phone-screen-replacement')]\" &&
           $J $T/phone.json \"d['sanitization']['method']\" purge &&
           $J $T/phone.json \"d['sanitization']['verification'].startswith('appareil revu après la réinitialisation')\""
check "it verifies" sh -c "$A verify $T/phone.json | grep -q '^valid:'"
check "it names the trainee by her code only" \
    sh -c "$J $T/phone.json \"d['trainees']\" \"['$NADIA']\" && ! grep -q nadia $T/phone.json"
sh "$CTL" stop "$T/adb" >/dev/null

# ---- the tablet: a Galaxy Tab A8 Wi-Fi, no radio, a Google account, FRP on ----
S=R9PT40A1B2C
scenario tablet "$ROOT/tests/fakes/adb_scenarios/adb-galaxy-tab-a8-wifi.json" $S 0
sh "$CTL" start "$T/adb" "$T/tablet.json" >/dev/null
export ADB_SERVER_SOCKET="tcp:127.0.0.1:$(cat "$T/adb/port")"
usb_bench $S
A="$AT --data $D"
$A probe --json > "$T/p2.json"
check "the tablet reads as a tablet without radio, its Google account locking it (FRP on)" \
    sh -c "$J $T/p2.json \"d[0]['device']['class']\" tablet && $J $T/p2.json \"d[0]['device']['cellular']\" False && $J $T/p2.json \"d[0]['locks']['frp']\" on"
ok=1
I=$($WALK "$AT" "$D" $S intake-triage nadia) && grade "$AT" "$I" intake-triage >/dev/null || ok=0
W=$($WALK "$AT" "$D" $S data-wipe nadia \
    --before "google-accounts-removed=$HANDS remove-account $S" \
    --before "seen-without-adb=$HANDS reset $S") && grade "$AT" "$W" data-wipe >/dev/null &&
    $ATELIER --data "$D" job check-wipe "$W" --result pass --note "écran d'accueil" --by claire >/dev/null || ok=0
DG=$($WALK "$AT" "$D" $S diagnostics-android nadia --before "connect=$HANDS debug-again $S") &&
    grade "$AT" "$DG" diagnostics-android >/dev/null || ok=0
Q=$($WALK "$AT" "$D" $S final-qc nadia --before "final-seen-without-adb=$HANDS reset $S") &&
    grade "$AT" "$Q" final-qc >/dev/null || ok=0
check "the tablet is walked through the four checklists in their order" test $ok = 1
$A job show "$DG" --json > "$T/tdg.json"
check "no SIM, no calls, no vibration for a Wi-Fi tablet" \
    sh -c "$J $T/tdg.json \"set(['sim-detected', 'vibration', 'call-earpiece', 'proximity-sensor']) <= set(d['steps_not_applicable'])\""
expect_status 0 "the shipped policy certifies the tablet" $A certify $S --by claire
CID=$($A certificate list --device $S --json | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])')
$A certificate export "$CID" --json "$T/tablet.json" >/dev/null
check "its certificate says tablet, no IMEI, and it verifies" \
    sh -c "$J $T/tablet.json \"d['device']['class']\" tablet && $J $T/tablet.json \"d['device']['imei']\" None &&
           $A verify $T/tablet.json | grep -q '^valid:'"
check "its battery was read through adb, its reset seen on USB alone" \
    sh -c "$J $T/tablet.json \"d['battery']['tool'].endswith('adb host protocol')\" &&
           $J $T/tablet.json \"d['sanitization']['tool'].endswith('USB descriptors')\""

# The instructors' console over the same records: the certified devices, a certificate's
# PDF to download, and a withdrawal with its reason.
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$ATELIER_REAL" --data "$D" serve --listen "127.0.0.1:$PORT" >"$T/serve.out" 2>&1 &
SERVER=$!
n=0
until grep -q "Atelier is at" "$T/serve.out" 2>/dev/null || [ $n -gt 100 ]; do n=$((n + 1)); sleep 0.1; done
python3 - "http://127.0.0.1:$PORT" "$(cat "$T/secret-claire")" "$CID" "$T/cert.pdf" >"$T/console.out" 2>&1 <<'PY'
import json, sys, urllib.request, urllib.error
base, secret, cid, pdf = sys.argv[1:5]
def call(method, path, body=None, cookie=None, csrf=None):
    req = urllib.request.Request(base + path, method=method, data=json.dumps(body).encode() if body is not None else None,
                                 headers={k: v for k, v in (("Content-Type", "application/json"), ("Cookie", cookie), ("X-CSRF-Token", csrf)) if v})
    try:
        r = urllib.request.urlopen(req)
    except urllib.error.HTTPError as e:
        r = e
    return r.status, r.headers, r.read()
st, h, b = call("POST", "/api/login", {"name": "claire", "secret": secret})
cookie, csrf = h["Set-Cookie"].split(";")[0], json.loads(b)["csrf"]
st, h, b = call("GET", "/api/board?state=certified", cookie=cookie)
board = json.loads(b)["devices"]
print("board", st, [(d["state"], [c["id"] for c in d["certificates"] if not c["revoked"]]) for d in board])
st, h, b = call("GET", "/api/certificates/%s/pdf?lang=fr" % cid, cookie=cookie)
open(pdf, "wb").write(b)
print("pdf", st, h["Content-Type"], h["Content-Disposition"])
st, h, b = call("POST", "/api/certificates/%s/revoke" % cid, {"why": "returned by the buyer: the screen flickers"}, cookie, csrf)
print("revoke", st, json.loads(b).get("device_moved_to"))
st, h, b = call("GET", "/api/board?state=in_repair", cookie=cookie)
print("after", [[(c["id"], c["revoked"]["why"]) for c in d["certificates"] if c["revoked"]] for d in json.loads(b)["devices"]])
PY
kill "$SERVER" 2>/dev/null
check "the console lists the certified phone and tablet, the tablet with its certificate" \
    sh -c "grep '^board 200 ' $T/console.out | grep -q \"('certified', \['$CID'\])\" && test \$(grep '^board 200 ' $T/console.out | grep -o \"'certified'\" | wc -l) -eq 2"
check "its certificate downloads as a PDF, named after it" \
    sh -c "grep -q '^pdf 200 application/pdf attachment; filename=\"certificate-$CID.pdf\"' $T/console.out && pdftotext $T/cert.pdf - | grep -q '$CID'"
check "withdrawn from the console with its reason: the tablet is back in repair, the certificate marked withdrawn" \
    sh -c "grep -q '^revoke 200 in_repair' $T/console.out && grep '^after' $T/console.out | grep -q \"('$CID', '.*returned by the buyer: the screen flickers')\""
done_testing
