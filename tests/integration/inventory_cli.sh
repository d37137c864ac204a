#!/bin/sh
# The resale office's inventory, as it opens it: one certified iPhone (done for real:
# jobs approved, the wipe checked, the screen graded A and the body B, a part fitted, a
# colour typed at intake, certified; a grade, a part and the colour each corrected once,
# the latest record counting), then devices, shelves, batches and sales written
# into the records with SQL (as the sale and shelf commands will), with the texts a
# spreadsheet trips on. The CSV is read back by Python's csv module row for row and by
# LibreOffice Calc (IMEIs stay text), the JSON lines by Python's json, the PDF by
# pdftotext; the filters, the sort, a template and the refusals.
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/../lib/accounts.sh"

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
T=$(mktemp -d)
FAKECTL="$ROOT/tests/fakes/fakectl.sh"
SC="$ROOT/tests/fakes/scenarios/iphone-ios17-paired.json"
export FAKE_USBMUXD_KEY_CACHE="$T/keys"
mkdir -p "$FAKE_USBMUXD_KEY_CACHE" "$T/checklists" "$T/lo"
trap 'sh "$FAKECTL" stop "$T/fake" >/dev/null 2>&1; [ -n "$KEEP" ] || rm -rf "$T"' EXIT

head_yaml() { # id title
    printf 'id: %s\nversion: 1\ntitle: {en: "%s"}\n' "$1" "$2"
    printf 'applies_to:\n  platforms: [ios]\ndifficulty: 1\ntime_minutes: 5\n'
}
{ head_yaml intake "Intake"; cat <<'YAML'; } > "$T/checklists/intake.yaml"
steps:
  - id: look
    title: {en: "Look at it"}
    kind: check
  - id: colour
    title: {en: "Colour on the box"}
    kind: entry
    format: text
    records: identity.color_name
YAML
{ head_yaml wipe "Data wipe"; printf 'steps:\n  - id: erase\n    title: {en: "Erase"}\n    kind: check\n'; } \
    > "$T/checklists/wipe.yaml"
{ head_yaml screen "Screen"; printf 'category: repair\n'; cat <<'YAML'; } > "$T/checklists/screen.yaml"
steps:
  - id: fit
    title: {en: "Fit the screen"}
    kind: parts
  - id: extra
    title: {en: "Other parts, if any"}
    kind: parts
    required: false
YAML
{ head_yaml diag "Diagnostics"; printf 'category: diagnostics\nsteps:\n  - id: test\n    title: {en: "Test"}\n    kind: check\n'; } \
    > "$T/checklists/diag.yaml"
{ head_yaml qc "Final check"; cat <<'YAML'; } > "$T/checklists/qc.yaml"
steps:
  - id: screen-grade
    title: {en: "Screen grade"}
    kind: choice
    options:
      - value: A
        label: {en: "Like new"}
        criteria: {en: "No mark"}
        ctia: A
      - value: B
        label: {en: "Very good"}
        criteria: {en: "Light marks"}
        ctia: B
  - id: body-grade
    title: {en: "Body grade"}
    kind: choice
    options:
      - value: A
        label: {en: "Like new"}
        criteria: {en: "No mark"}
        ctia: A
      - value: B
        label: {en: "Very good"}
        criteria: {en: "Light marks"}
        ctia: B
YAML
cp "$ROOT/checklists/policy.yaml" "$T/checklists/policy.yaml"
export ATELIER_CHECKLISTS="$T/checklists"

sh "$FAKECTL" start "$T/fake" "$SC" >/dev/null
export USBMUXD_SOCKET_ADDRESS="UNIX:$T/fake/usbmuxd.sock"
A="$ATELIER --data $T/data"
DB="$T/data/atelier.db"
U=00008110-000E44540A2A0000

$A init >/dev/null
init_admin "$A"
add_user "$A" amina trainee
add_user "$A" claire instructor
signin amina
$A probe >/dev/null
cat > "$T/data/policy.yaml" <<'YAML'
workshop:
  name: "Atelier Réemploi"
  language: fr
required_checklists:
  ios: [intake, wipe, qc]
wipe_checklist: wipe
checks:
  battery_health: false
grade:
  checklist: qc
  steps: [screen-grade, body-grade]
YAML

# do_job CHECKLIST STEP ARGS...: one job, its steps, submitted; approved by claire.
do_job() {
    cid=$1; shift
    out=$($A job start --device $U --checklist "$cid" --trainee amina) || return 1
    id=$(echo "$out" | sed -n 's/^job \([0-9]*\) started.*/\1/p')
    while [ $# -ge 2 ]; do
        eval "$A job step $id $1 $2" >/dev/null || return 1
        shift 2
    done
    $A job submit "$id" >/dev/null || return 1
    $A job grade "$id" --verdict approved --feedback "Good." --by claire >/dev/null || return 1
    echo "$id"
}
# The colour typed twice, the second correcting the first: the inventory takes the latest.
do_job intake look "--result pass" colour "--value Rouge" colour "--value 'Bleu nuit'" >/dev/null
W=$(do_job wipe erase "--result pass")
$A job check-wipe "$W" --result pass --note "setup screens shown" --by claire >/dev/null
# The screen's part corrected (the latest record is the part fitted), and a part recorded
# in a step then skipped (none): the inventory lists the OLED screen alone.
do_job screen fit "--part 'Écran LCD,aftermarket,SN-0'" fit "--part 'Écran OLED,genuine,SN-1'" \
    extra "--part 'Batterie,aftermarket,SN-2'" extra "--result skip" >/dev/null
do_job diag test "--result pass" >/dev/null
# The body graded A, then corrected to B: the grade is the latest of each step.
do_job qc screen-grade "--value A" body-grade "--value A" body-grade "--value B" >/dev/null
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
CID=$(records_sql "$T/data" "SELECT id FROM certificate")
check "the iPhone is certified for real" test -n "$CID"

signin claire
# The rows the sale, shelf and batch commands will write, written here by hand: the
# certified iPhone on a shelf with Arabic and accents, in a donor's batch, sold online.
BOSS=$(records_sql "$T/data" "SELECT id FROM app_user WHERE name = 'claire'")
NOW=$(($(date +%s) * 1000))
records_sql "$T/data" "$(cat <<SQL
INSERT INTO intake_batch (name, donor, by_user, t_ms) VALUES ('B-2026-01', 'Mairie de Molenbeek, "dons"', $BOSS, $NOW);
INSERT INTO device_batch (device_id, batch_id, by_user, t_ms) VALUES (1, 1, $BOSS, $NOW);
INSERT INTO shelf_move (device_id, shelf, by_user, t_ms) VALUES (1, 'A1', $BOSS, $NOW);
INSERT INTO shelf_move (device_id, shelf, by_user, t_ms) VALUES (1, 'Étagère ç/ë — رف ٣', $BOSS, $NOW + 1);
INSERT INTO device_event (device_id, from_state, to_state, user_id, reason, t_ms) VALUES (1, 'certified', 'sold', $BOSS, 'sold', $NOW + 2);
INSERT INTO sale (device_id, event_id, price_cents, currency, channel, buyer_ref, by_user, t_ms) VALUES (1, (SELECT max(id) FROM device_event), 18950, 'EUR', 'online', '=HYPERLINK("http://x")', $BOSS, $NOW + 2);
UPDATE device SET state = 'sold' WHERE id = 1;
SQL
)"
# Devices read by other benches, with what a spreadsheet trips on: a comma, quotes and
# a newline in a name, texts that start as formulas, an Android phone with two IMEIs.
python3 - "$BOSS" "$NOW" >"$T/devices.sql" <<'PY'
import json, sys
boss = int(sys.argv[1]); now = int(sys.argv[2])
def q(v):
    return str(v) if isinstance(v, int) else "'" + v.replace("'", "''") + "'"
def device(platform, serial, state, facts, first):
    print("INSERT INTO device (platform, serial, first_seen_ms, last_seen_ms, state) VALUES (%s, %s, %s, %s, %s);"
          % (q(platform), q(serial), q(first), q(first), q(state)))
    facts.setdefault("connection", {})["via"] = "adb" if platform == "android" else "usbmuxd"
    print("INSERT INTO probe (device_id, t_ms, tool, facts) SELECT id, %s, 'test', %s FROM device WHERE serial = %s;"
          % (q(first), q(json.dumps(facts)), q(serial)))
device("android", "R58N", "ready", {"platform": "android",
    "identity": {"make": "samsung", "marketing_name": 'Galaxy "S10", 128\nGo', "model_number": "-SM-G973F",
                 "serial": "R58N", "imei": ["356938035643809", "356938035643817"], "color_name": "+Prism White"},
    "storage": {"total_bytes": 120000000000}, "battery": {"health_pct": 87.44, "cycle_count": 412},
    "locks": {"google_accounts": 0, "frp": "off", "bootloader": "locked"}}, now - 86400000 * 10)
device("ios", "F2LX", "in_repair", {"platform": "ios",
    "identity": {"make": "Apple", "marketing_name": "@iPhone 8", "serial": "F2LX", "imei": ["013440001234568"]},
    "storage": {"total_bytes": 64000000000}, "locks": {"find_my": "off"}}, now - 86400000 * 400)
print("INSERT INTO shelf_move (device_id, shelf, by_user, t_ms) SELECT id, %s, %s, %s FROM device WHERE serial = 'R58N';"
      % (q('C,3 "haut"'), q(boss), q(now)))
PY
records_sql "$T/data" "$(cat "$T/devices.sql")"

I=$A
$I report inventory >"$T/inv.csv"
check "the CSV's header names every column, in order" \
    sh -c "head -1 '$T/inv.csv' | tr -d '\r' | grep -qx 'stock_number,platform,imei1,imei2,serial,make,marketing_name,model_number,storage_gb,colour,grade,grade_ctia,battery_health_pct,battery_cycles,parts,find_my,google_accounts,frp,bootloader,state,shelf,intake_date,batch,donor,certificate,price,currency,sale_channel,sale_date,buyer_ref'"
check "every row ends in CRLF, as RFC 4180 says" \
    python3 -c "
import sys
data = open('$T/inv.csv', 'rb').read()
assert data.endswith(b'\r\n'), data[-20:]
lines = data.split(b'\r\n')
# a line break inside a quoted field is the only bare LF
assert all(b'\n' not in l or l.count(b'\"') % 2 == 1 for l in lines[:1]), lines[0]
"
cat > "$T/read.py" <<'PY'
import csv, io, sys
rows = list(csv.DictReader(io.open(sys.argv[1], encoding="utf-8", newline="")))
by = {r["stock_number"]: r for r in rows}
PY
check "Python's csv module reads the rows back, each as written" \
    python3 -c "
exec(open('$T/read.py').read().replace('sys.argv[1]', '\"$T/inv.csv\"'))
assert [r['stock_number'] for r in rows] == ['AT-000001', 'AT-000002', 'AT-000003'], rows
r = by['AT-000001']
assert r['marketing_name'] == 'iPhone 13', r
assert r['grade'] == 'B' and r['grade_ctia'] == 'B', r         # the worse of A and B
assert r['colour'] == 'Bleu nuit', r                           # typed at intake
assert r['parts'] == 'Écran OLED (genuine)', r
assert r['certificate'] == '$CID', r
assert r['state'] == 'sold' and r['sale_channel'] == 'online' and r['price'] == '189.50', r
assert r['currency'] == 'EUR' and r['batch'] == 'B-2026-01', r
assert r['donor'] == 'Mairie de Molenbeek, \"dons\"', r
assert r['shelf'] == 'Étagère ç/ë — رف ٣', r                   # the latest move
assert r['buyer_ref'] == \"'=HYPERLINK(\\\"http://x\\\")\", r  # made inert
assert r['find_my'] == 'off' and r['serial'] == 'C1QQABCD4R', r
s = by['AT-000002']
assert s['marketing_name'] == 'Galaxy \"S10\", 128\nGo', s
assert s['model_number'] == \"'-SM-G973F\" and s['colour'] == \"'+Prism White\", s
assert s['imei1'] == '356938035643809' and s['imei2'] == '356938035643817', s
assert s['storage_gb'] == '128' and s['battery_health_pct'] == '87.4' and s['battery_cycles'] == '412', s
assert s['shelf'] == 'C,3 \"haut\"' and s['bootloader'] == 'locked' and s['frp'] == 'off', s
assert s['grade'] == '' and s['certificate'] == '' and s['price'] == '', s
assert by['AT-000003']['marketing_name'] == \"'@iPhone 8\", by['AT-000003']
"

check "--state keeps the devices in that state" \
    sh -c "$I report inventory --state ready | tail -n +2 | grep -c '^AT-' | grep -qx 1 &&
           $I report inventory --state ready | grep -q '^AT-000002,'"
check "--platform keeps iPhones or Android phones" \
    sh -c "test \$($I report inventory --platform ios | tail -n +2 | grep -c '^AT-') = 2 &&
           test \$($I report inventory --platform android | tail -n +2 | grep -c '^AT-') = 1"
check "--grade keeps the devices of that grade" \
    sh -c "$I report inventory --grade B | tail -n +2 | cut -d, -f1 | tr -d '\r' | grep -qx AT-000001 &&
           test \$($I report inventory --grade A | wc -l) = 1"
check "--since keeps the devices first seen from that day on" \
    sh -c "test \$($I report inventory --since \$(date -d '-30 days' +%F) | tail -n +2 | grep -c '^AT-') = 2"
check "nothing found is the header alone" \
    sh -c "$I report inventory --state recycled > '$T/empty.csv' && test \$(wc -l < '$T/empty.csv') = 1"
check "--sort orders by a column, '-' for the largest first" \
    sh -c "$I report inventory --sort -intake_date | cut -d, -f1 | tr -d '\r' | tail -n +2 | head -1 | grep -qx AT-000001 &&
           $I report inventory --sort intake_date | cut -d, -f1 | tr -d '\r' | sed -n 2p | grep -qx AT-000003"
expect_status 2 "a sort by something that is not a column is refused" $I report inventory --sort nothing
expect_status 2 "an unknown state is refused" $I report inventory --state lost
expect_status 2 "an unknown format is refused" $I report inventory --format xls
expect_status 1 "a trainee does not read the inventory" as amina $ATELIER_REAL --data "$T/data" report inventory

$I report inventory --format jsonl >"$T/inv.jsonl"
check "JSON lines: one object a line, numbers as numbers, nothing as null" \
    python3 -c "
import json
rows = [json.loads(l) for l in open('$T/inv.jsonl', encoding='utf-8')]
assert len(rows) == 3, rows
a, s = rows[0], rows[1]
assert a['shelf'] == 'Étagère ç/ë — رف ٣' and a['price'] == 189.5 and a['grade'] == 'B', a
assert s['battery_cycles'] == 412 and s['storage_gb'] == 128 and s['grade'] is None, s
assert s['imei2'] == '356938035643817', s
"
$I report inventory --format html --output "$T/inv.html"
check "HTML: a table, every text escaped" \
    sh -c "grep -q '<table>' '$T/inv.html' && grep -q 'Galaxy &quot;S10&quot;, 128' '$T/inv.html' &&
           ! grep -q '<iPhone' '$T/inv.html' && grep -q 'رف ٣' '$T/inv.html'"

printf '# a test marketplace\nSKU\tstock_number\nTitle\tmarketing_name\nIMEI\timei1\nCondition\tgrade\nShips from\t=Bruxelles\n' \
    > "$T/data/templates.tsv"
mkdir -p "$T/data/templates" && mv "$T/data/templates.tsv" "$T/data/templates/shop.tsv"
check "--template writes a marketplace's columns, with its constants" \
    sh -c "$I report inventory --template shop --state sold | tr -d '\r' > '$T/shop.csv' &&
           head -1 '$T/shop.csv' | grep -qx 'SKU,Title,IMEI,Condition,Ships from' &&
           sed -n 2p '$T/shop.csv' | grep -qx 'AT-000001,iPhone 13,\"350244331234567\",B,Bruxelles'"
check "the shipped generic template is found" \
    sh -c "$I report inventory --template generic-listing | head -1 | grep -q 'sku'"
check "an unknown template is refused, naming where to write it" \
    sh -c "! $I report inventory --template nowhere 2>'$T/tpl.err' && grep -q 'templates/nowhere.tsv' '$T/tpl.err'"

check "--output writes the file" sh -c "$I report inventory --output '$T/out.csv' && cmp '$T/out.csv' '$T/inv.csv'"
# The statement is the one the store runs, on SQLite or on PostgreSQL, so the tool of the
# records' own database runs it as it is printed.
sql_runs() {
    $I report inventory --sql >"$T/inv.sql" || return 1
    if records_on_pg; then
        psql -X -q --csv -t -v ON_ERROR_STOP=1 "$ATELIER_DB" -f "$T/inv.sql"
    else
        sqlite3 -csv "$DB" <"$T/inv.sql"
    fi | python3 -c 'import csv,sys; assert len(list(csv.reader(sys.stdin))) == 3'
}
check "the SQL it runs is printed, and sqlite3 (or psql) runs it" sql_runs

$I report inventory --format pdf --output "$T/inv.pdf"
check "the PDF reads back: its rows, in landscape" \
    sh -c "pdftotext -layout '$T/inv.pdf' - > '$T/pdf.txt' && grep -q 'AT-000001' '$T/pdf.txt' &&
           grep -q 'AT-000003' '$T/pdf.txt' && grep -q 'Galaxy' '$T/pdf.txt' &&
           pdfinfo '$T/inv.pdf' | grep -q 'Page size: *841.89 x 595.28'"

# LibreOffice Calc opens the CSV as the docs say (quoted fields as text), and the values
# come back the same: IMEIs as the 15 digits, not 3.5E+14.
if command -v soffice >/dev/null; then
    cp "$T/inv.csv" "$T/lo/inv.csv"
    (cd "$T/lo" && HOME="$T/lo" timeout 120 soffice -env:UserInstallation=file://$T/lo/profile --headless \
        --infilter='CSV:44,34,76,1,,0,true,true' --convert-to xlsx inv.csv >/dev/null 2>&1)
    check "LibreOffice Calc reads the CSV back with the same values, IMEIs as text" \
        python3 - "$T/lo/inv.xlsx" "$T/inv.csv" <<'PY'
import csv, io, re, sys, zipfile
from xml.etree import ElementTree as ET
ns = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
z = zipfile.ZipFile(sys.argv[1])
shared = [ "".join(t.text or "" for t in si.iter("{%s}t" % ns["m"]))
           for si in ET.fromstring(z.read("xl/sharedStrings.xml")).findall("m:si", ns)]
sheet = ET.fromstring(z.read("xl/worksheets/sheet1.xml"))
got = []
for row in sheet.iter("{%s}row" % ns["m"]):
    cells = {}
    for c in row.findall("m:c", ns):
        col = re.match(r"[A-Z]+", c.get("r")).group(0)
        idx = 0
        for ch in col: idx = idx * 26 + ord(ch) - 64
        v = c.find("m:v", ns)
        text = None if v is None else (shared[int(v.text)] if c.get("t") == "s" else v.text)
        cells[idx - 1] = (c.get("t"), text)
    got.append(cells)
want = list(csv.reader(io.open(sys.argv[2], encoding="utf-8", newline="")))
assert len(got) == len(want), (len(got), len(want))
head = want[0]
for g, w in zip(got[1:], want[1:]):
    for i, value in enumerate(w):
        t, text = g.get(i, (None, None))
        if head[i] in ("imei1", "imei2", "serial", "stock_number", "marketing_name", "shelf", "donor", "buyer_ref", "colour", "model_number"):
            assert (text or "") == value, (head[i], text, value)
            if value:
                assert t == "s", (head[i], t, text)   # text, never a number
        if head[i] in ("battery_cycles", "storage_gb") and value:
            assert t != "s" and float(text) == float(value), (head[i], t, text)
PY
else
    check "LibreOffice Calc is installed (scripts/setup-deps.sh)" false
fi

done_testing
