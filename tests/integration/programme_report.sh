#!/bin/sh
# The programme's report for its funders (atelier report programme): a workshop made here
# with known work: an iPhone read at the bench and two Android phones, two repairs with
# their parts (one sent back for redo first), a sign-off, a device in quarantine, one kept
# for parts, and a certificate and two sales written into the records as the resale
# commands write them. The CSV parsed back row for row, the PDF read back with pdftotext in
# French and in Dutch, the HTML parsed; no trainee named anywhere; the CO2e factor and its
# source printed; an empty period; and the refusals (a trainee, no period, a period the
# wrong way round, a bad day).
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/../lib/accounts.sh"

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
T=$(mktemp -d)
FAKECTL="$ROOT/tests/fakes/fakectl.sh"
export FAKE_USBMUXD_KEY_CACHE="$T/keys"
mkdir -p "$FAKE_USBMUXD_KEY_CACHE" "$T/checklists"
trap 'sh "$FAKECTL" stop "$T/fake" >/dev/null 2>&1; rm -rf "$T"' EXIT

cat > "$T/checklists/screen.yaml" <<'YAML'
id: screen
version: 1
title: {en: "Screen replacement", fr: "Remplacement de l'écran", nl: "Scherm vervangen"}
category: repair
difficulty: 1
time_minutes: 30
competences: [screen-replacement]
rubric:
  - id: care
    title: {en: "Care", fr: "Soin", nl: "Zorg"}
    max: 1
    levels:
      - {en: "Careless", fr: "Sans soin", nl: "Slordig"}
      - {en: "Careful", fr: "Soigneux", nl: "Zorgvuldig"}
parts:
  - {en: "Screen", fr: "Écran", nl: "Scherm"}
steps:
  - id: fit
    title: {en: "Fit the new screen", fr: "Posez le nouvel écran", nl: "Plaats het nieuwe scherm"}
    kind: parts
YAML
# The workshop's policy: its name, and a weight for the iPhone 13 (174 g, Apple's
# specifications); the Android phones, never read, weigh the phone's default.
cat > "$T/policy.yaml" <<'YAML'
workshop:
  name: "Atelier Réemploi"
  place: "Bruxelles"
  language: nl
programme:
  phone_g: 200
  weights_g:
    "iPhone14,5": 174
YAML
export ATELIER_CHECKLISTS="$T/checklists"
sh "$FAKECTL" start "$T/fake" "$ROOT/tests/fakes/scenarios/iphone-ios17-paired.json" >/dev/null
export USBMUXD_SOCKET_ADDRESS="UNIX:$T/fake/usbmuxd.sock"
A="$ATELIER --data $T/data"
R="$ATELIER_REAL --data $T/data"
I="env XDG_RUNTIME_DIR=$T/run/ines $R"
U=00008110-000E44540A2A0000
if ! { init_admin "$A" && add_user "$A" amina trainee && add_user "$A" bilal trainee &&
       add_user "$A" ines instructor && cp "$T/policy.yaml" "$T/data/policy.yaml" &&
       signin amina && signin bilal && $A probe >/dev/null; }; then
    echo "Bail out! the accounts or the first reading could not be made"
    exit 1
fi
grade() { # JOB VERDICT FEEDBACK [REDO]
    XDG_RUNTIME_DIR=$T/run/ines $A job grade "$1" --verdict "$2" --score care=1 \
        --feedback "$3" ${4:+--redo "$4"} >/dev/null
}
AM="env XDG_RUNTIME_DIR=$T/run/amina $ATELIER_REAL --data $T/data"
BI="env XDG_RUNTIME_DIR=$T/run/bilal $ATELIER_REAL --data $T/data"
# amina fits a screen (aftermarket), approved at once; bilal's job goes back for redo,
# then he fits another screen and a genuine one... one record per step counts: his last.
if ! { $AM job start --device $U --checklist screen >/dev/null &&
       $AM job step 1 fit --result pass --part "=Écran ç شاشة,aftermarket,SN-1" >/dev/null &&
       $AM job submit 1 >/dev/null && grade 1 approved "Clean work" &&
       $BI job start --device $U --checklist screen >/dev/null &&
       $BI job step 2 fit --result pass --part "Screen,aftermarket,SN-2" >/dev/null &&
       $BI job submit 2 >/dev/null && grade 2 redo "The connector is loose" fit &&
       $BI job step 2 fit --result pass --part "Screen,genuine,SN-3" >/dev/null &&
       $BI job submit 2 >/dev/null && grade 2 approved "Right this time" &&
       XDG_RUNTIME_DIR=$T/run/ines $A trainee sign-off amina screen-replacement \
           --note "Two clean screens" >/dev/null; }; then
    echo "Bail out! the trainees' work could not be recorded"
    exit 1
fi
# Two Android phones arrive (never read: their model is not known), one set aside in
# quarantine, one kept for parts, through the lifecycle's own command.
NOW=$(date +%s000)
records_sql "$T/data" "INSERT INTO device (platform, serial, first_seen_ms, last_seen_ms) VALUES
    ('android', 'R58N-A', $NOW, $NOW), ('android', 'R58N-B', $NOW, $NOW)" ||
    { echo "Bail out! the Android phones could not be added"; exit 1; }
$I device set-state R58N-A quarantine --why "Google account still on it" >/dev/null &&
$I device set-state R58N-B parts --why "Board dead" >/dev/null ||
    { echo "Bail out! the devices could not be moved"; exit 1; }
# The iPhone certified and sold (89,50 euros), and a donation, as the records keep them
# (the certificate flow itself is tested by certify_cli.sh, the sale by resale_cli.sh).
IPHONE=$(records_sql "$T/data" "SELECT id FROM device WHERE udid = '$U'")
INES=$(records_sql "$T/data" "SELECT id FROM app_user WHERE name = 'ines'")
records_sql "$T/data" "INSERT INTO certificate (id, device_id, issued_ms, by_user, key_id, body)
    VALUES ('ATL-T-1', $IPHONE, $NOW, $INES, 'k', '{}');
  INSERT INTO device_event (device_id, from_state, to_state, user_id, reason, t_ms)
    VALUES ($IPHONE, 'in_repair', 'certified', $INES, 'certified', $NOW);
  INSERT INTO device_event (device_id, from_state, to_state, user_id, reason, t_ms)
    VALUES ($IPHONE, 'certified', 'sold', $INES, 'sold', $NOW);
  INSERT INTO sale (device_id, event_id, price_cents, channel, buyer_ref, by_user, t_ms)
    VALUES ($IPHONE, (SELECT MAX(id) FROM device_event), 8950, 'shop', 'F-1', $INES, $NOW);" ||
    { echo "Bail out! the certificate and the sale could not be written"; exit 1; }

FROM=$(date -d '-1 month' +%Y-%m-01)
TO=$(date -d 'tomorrow' +%Y-%m-%d)
$I report programme --from "$FROM" --to "$TO" --format csv --output "$T/p.csv"
$I report programme --from "$FROM" --to "$TO" --format json --output "$T/p.json"
$I report programme --from "$FROM" --to "$TO" --format pdf --lang fr --output "$T/fr.pdf"
$I report programme --from "$FROM" --to "$TO" --format pdf --output "$T/nl.pdf"
$I report programme --from "$FROM" --to "$TO" --format html --lang fr --output "$T/fr.html"
pdftotext -layout "$T/fr.pdf" "$T/fr.txt" 2>/dev/null
pdftotext -layout "$T/nl.pdf" "$T/nl.txt" 2>/dev/null

has() {
    f=$1; shift
    for re in "$@"; do
        python3 - "$f" "$re" <<'PY' || return 1
import re, sys
text = open(sys.argv[1], encoding="utf-8").read().replace("\u00a0", " ").replace("\u202f", " ")
if not re.search(sys.argv[2], text, re.M):
    print("not found: %r in\n%s" % (sys.argv[2], "\n".join(l for l in text.splitlines() if l.strip())[-2500:]))
    sys.exit(1)
PY
    done
}

check "the CSV, parsed back, has the period's figures row for row (a name starting with = made inert)" sh -c "python3 - '$T/p.csv' <<'PY'
import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline='', encoding='utf-8')))
assert rows[0] == ['section', 'platform', 'name', 'measure', 'value'], rows[0]
got = {(r[0], r[1], r[2], r[3]): r[4] for r in rows[1:]}
want = {
 ('devices', '', '', 'received'): '3', ('devices', '', '', 'certified'): '1',
 ('devices', '', '', 'sold'): '1', ('devices', '', '', 'donated'): '0',
 ('devices', '', '', 'quarantine'): '1', ('devices', '', '', 'parts'): '1',
 ('devices', '', '', 'revenue_cents'): '8950',
 ('model', 'ios', 'iPhone 13', 'received'): '1', ('model', 'ios', 'iPhone 13', 'certified'): '1',
 ('model', 'android', '', 'received'): '2', ('model', 'android', '', 'quarantine'): '1',
 ('repair', '', 'screen', 'approved'): '2',
 ('part', '', chr(39) + '=Écran ç شاشة (aftermarket)', 'fitted'): '1', ('part', '', 'Screen (genuine)', 'fitted'): '1',
 ('people', '', '', 'trainees'): '2', ('people', '', '', 'graded'): '2',
 ('people', '', '', 'first_time'): '1', ('people', '', '', 'first_time_rate'): '0.500',
 ('people', '', '', 'signoffs'): '1', ('competence', '', 'screen-replacement', 'signed_off'): '1',
 ('impact', '', '', 'kept_in_use'): '1', ('impact', '', '', 'weight_kg'): '0.174',
 ('impact', '', '', 'weighed_by_model'): '1', ('impact', '', '', 'co2e_kg'): '24.600',
 ('impact', '', '', 'factor_kg_per_year'): '24.600',
}
bad = {k: (got.get(k), v) for k, v in want.items() if got.get(k) != v}
print(bad or 'all %d figures' % len(want))
assert not bad
assert got[('impact', '', '', 'source')].startswith('ADEME 2022'), got[('impact', '', '', 'source')]
months = [k[2] for k in got if k[0] == 'month' and k[3] == 'received']
assert len(months) == len(set(months)) >= 2, months
PY"
check "nobody is named in the CSV, the JSON, the PDFs or the HTML" sh -c "
    ! grep -il 'amina\|bilal\|ines' '$T/p.csv' '$T/p.json' '$T/fr.txt' '$T/nl.txt' '$T/fr.html'"
check "the PDF is A4, titled in French" \
    sh -c "pdfinfo '$T/fr.pdf' > '$T/info' && grep -q '^Page size: *595.28 x 841.89' '$T/info' && grep -q '^Title: *Rapport du programme' '$T/info'"
check "in French: the workshop, the devices, with the sales in euros as French writes them" \
    has "$T/fr.txt" '^Rapport du programme' 'Atelier Réemploi, Bruxelles' '^ *Reçus +3$' \
        '^ *Certifié +1$' '^ *Vendu +1$' '^ *En quarantaine +1$' '^ *Ventes \(euros\) +89,50 €$'
check "by platform and model: the iPhone 13, and the Android phones not read" \
    has "$T/fr.txt" '^ *iOS +iPhone 13 +1 +1 +1 +0 +0 +0 +0$' '^ *Android +non lu +2 +0 +0 +0 +0 +1 +1$'
check "the repairs, the parts and their origin (a part's name as typed, with its accents)" \
    has "$T/fr.txt" "Remplacement de l'écran +2$" 'Screen +d.origine +1$' '=Écran ç [^ ]+ +compatible +1$'
check "the trainees counted, the first-time rate, the sign-off" \
    has "$T/fr.txt" 'Stagiaires au travail +2$' 'Approuvés du premier coup +50 %$' \
        'screen-replacement +1$'
check "the e-waste kept in use: 0,2 kg, 24,6 kg CO2e, the factor and its source" \
    has "$T/fr.txt" 'Poids +0,2 kg$' 'CO2e évité +24,6 kg CO₂e$' 'ADEME 2022'
check "the charts' titles, in French" \
    has "$T/fr.txt" 'Appareils reçus et certifiés, par mois' 'Heures à l.établi par mois'
check "the Dutch PDF is all Dutch: no French word" \
    sh -c "has() { :; }; grep -q 'Programmarapport' '$T/nl.txt' && grep -q 'Ontvangen' '$T/nl.txt' && ! grep -q 'Reçus\|Certifiés\|Stagiaires\|Poids' '$T/nl.txt'"
check "the HTML: one page, no script, its charts as SVG with their titles" sh -c "python3 - '$T/fr.html' <<'PY'
import sys
from html.parser import HTMLParser
class P(HTMLParser):
    def __init__(s):
        super().__init__(); s.tags = []; s.labels = []
    def handle_starttag(s, tag, attrs):
        s.tags.append(tag)
        a = dict(attrs)
        if tag == 'svg': s.labels.append(a.get('aria-label'))
p = P(); p.feed(open(sys.argv[1], encoding='utf-8').read())
print(p.labels)
assert 'script' not in p.tags
assert p.labels == ['Appareils reçus et certifiés, par mois', 'Heures à l\u2019établi par mois'] or len(p.labels) == 2, p.labels
assert p.tags.count('rect') >= 4 and 'polyline' in p.tags
PY"
check "an empty period: every count is 0, and the PDF says so" sh -c "
    $I report programme --from 2020-01-01 --to 2020-02-01 --format csv | python3 -c '
import csv, sys
rows = list(csv.reader(sys.stdin))[1:]
nums = [r[4] for r in rows if r[0] in (\"devices\", \"people\") and r[4] not in (\"\",)]
print(nums)
assert all(n in (\"0\", \"\") for n in nums if n != \"0.000\"), nums
' && $I report programme --from 2020-01-01 --to 2020-02-01 --format pdf --lang fr --output '$T/empty.pdf' &&
    pdftotext -layout '$T/empty.pdf' - | grep -q 'Aucun appareil dans cette période.'"
# refused NAME TEXT CMD...: CMD fails, and says TEXT.
refused() {
    name=$1; text=$2; shift 2
    check "$name" sh -c '"$@" > "'"$T"'/refused.out" 2>&1; rc=$?; cat "'"$T"'/refused.out"; [ $rc -ne 0 ] && grep -qF -- "$0" "'"$T"'/refused.out"' "$text" "$@"
}
refused "a trainee is refused" "only an instructor or an admin reads the programme" \
    env XDG_RUNTIME_DIR="$T/run/amina" $R report programme --from "$FROM" --to "$TO"
refused "a period is required" "give --from DAY and --to DAY" \
    $I report programme --from "$FROM"
# A competence the workshop's policy names is counted under its name, in the report's
# language (policy.yaml, competences:).
printf 'competences:\n  screen-replacement:\n    fr: "Remplacer un écran"\n' >>"$T/data/policy.yaml"
check "a competence named by the policy is counted under its French name" \
    sh -c "$I report programme --from '$FROM' --to '$TO' --format pdf --lang fr --output '$T/named.pdf' && pdftotext -layout '$T/named.pdf' - | grep -q 'Remplacer un écran *1\$' && ! pdftotext -layout '$T/named.pdf' - | grep -q 'screen-replacement'"
refused "a period the wrong way round is refused" "the period ends before it starts" \
    $I report programme --from 2026-12-01 --to 2026-11-01
refused "a day that is not one is refused" "--from takes a day such as" \
    $I report programme --from 2026-13-45 --to 2026-12-01
done_testing
