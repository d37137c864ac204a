#!/bin/sh
# The training record a trainee keeps (atelier report training --format pdf|html): a
# workshop made here with known work (three jobs of one checklist, one sent back for redo,
# four grades with rubric scores, a sign-off), its PDF read back with pdftotext and its
# HTML parsed back, in French and in the workshop's Dutch, against the CSV of the same
# report; a text with <script> stays text; and the refusals: nobody named, somebody
# unknown, another trainee's record, a folder that is not there, a language Atelier does
# not write.
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/../lib/accounts.sh"

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
T=$(mktemp -d)
FAKECTL="$ROOT/tests/fakes/fakectl.sh"
export FAKE_USBMUXD_KEY_CACHE="$T/keys"
mkdir -p "$FAKE_USBMUXD_KEY_CACHE" "$T/checklists"
trap 'sh "$FAKECTL" stop "$T/fake" >/dev/null 2>&1; rm -rf "$T"' EXIT

cat > "$T/checklists/basics.yaml" <<'YAML'
id: basics
version: 1
title: {en: "Safe handling", fr: "Manipulation sûre", nl: "Veilig hanteren"}
category: intake
difficulty: 1
time_minutes: 5
competences: [esd-safety]
rubric:
  - id: care
    title: {en: "Care", fr: "Soin", nl: "Zorg"}
    max: 3
    levels:
      - {en: "Careless", fr: "Sans soin", nl: "Slordig"}
      - {en: "Some care", fr: "Un peu de soin", nl: "Wat zorg"}
      - {en: "Careful", fr: "Soigneux", nl: "Zorgvuldig"}
      - {en: "Very careful", fr: "Très soigneux", nl: "Heel zorgvuldig"}
  - id: method
    title: {en: "Method", fr: "Méthode", nl: "Methode"}
    max: 4
    levels:
      - {en: "None", fr: "Aucune", nl: "Geen"}
      - {en: "Weak", fr: "Faible", nl: "Zwak"}
      - {en: "Fair", fr: "Moyenne", nl: "Redelijk"}
      - {en: "Good", fr: "Bonne", nl: "Goed"}
      - {en: "Excellent", fr: "Excellente", nl: "Uitstekend"}
steps:
  - id: strap
    title: {en: "Put on the ESD strap", fr: "Mettez le bracelet ESD", nl: "Doe de ESD-polsband om"}
    kind: check
YAML
printf 'workshop:\n  name: "Atelier <b>Réemploi</b>"\n  place: "Bruxelles"\n  language: nl\n' \
    > "$T/policy.yaml"
export ATELIER_CHECKLISTS="$T/checklists"
sh "$FAKECTL" start "$T/fake" "$ROOT/tests/fakes/scenarios/iphone-ios17-paired.json" >/dev/null
export USBMUXD_SOCKET_ADDRESS="UNIX:$T/fake/usbmuxd.sock"
A="$ATELIER --data $T/data"
# The report is asked by the one signed in, never through tests/lib/as_by (which would
# act as the trainee --trainee names).
R="$ATELIER_REAL --data $T/data"
I="env XDG_RUNTIME_DIR=$T/run/ines $R"
U=00008110-000E44540A2A0000
if ! { init_admin "$A" && add_user "$A" amina trainee && add_user "$A" bilal trainee &&
       add_user "$A" ines instructor && cp "$T/policy.yaml" "$T/data/policy.yaml" &&
       signin amina && $A probe >/dev/null; }; then
    echo "Bail out! the accounts or the first reading could not be made"
    exit 1
fi
grade() { # JOB VERDICT CARE METHOD FEEDBACK [REDO]: ines grades amina's job
    XDG_RUNTIME_DIR=$T/run/ines $A job grade "$1" --verdict "$2" --score "care=$3" \
        --score "method=$4" --feedback "$5" ${6:+--redo "$6"} >/dev/null
}
work() { # JOB: amina does the job's one step and submits it
    $A job step "$1" strap --result pass >/dev/null && $A job submit "$1" >/dev/null
}
# Job 1, approved at once: 7 of 7. Job 2, sent back (3 of 7), then approved (5 of 7).
# Job 3, approved at once (6 of 7). So: 3 jobs, 3 approved, 2 of 3 the first time
# (67 %), 1 redo; method 4, 2, 3, 3: 3.0 of 4 on average; 4 pieces of feedback.
if ! { $A job start --device $U --checklist basics >/dev/null && work 1 &&
       grade 1 approved 3 4 "Calm and careful" &&
       $A job start --device $U --checklist basics >/dev/null && work 2 &&
       grade 2 redo 1 2 "<script>alert(1)</script> The strap goes on the wrist you work with" strap &&
       work 2 && grade 2 approved 2 3 "Right this time" &&
       $A job start --device $U --checklist basics >/dev/null && work 3 &&
       grade 3 approved 3 3 "Quick and clean" &&
       XDG_RUNTIME_DIR=$T/run/ines $A trainee sign-off amina esd-safety \
           --note "Wore the strap at every step" >/dev/null; }; then
    echo "Bail out! the trainee's work could not be recorded"
    exit 1
fi
TODAY_FR=$(date +%d/%m/%Y)
TODAY_NL=$(date +%d-%m-%Y)
$I report training --trainee amina --format csv --output "$T/amina.csv"
$I report training --trainee amina --format pdf --lang fr --output "$T/amina-fr.pdf"
$I report training --trainee amina --format pdf --output "$T/amina-nl.pdf"
$I report training --trainee amina --format html --lang fr --output "$T/amina-fr.html"
pdftotext -layout "$T/amina-fr.pdf" "$T/fr.txt" 2>/dev/null
pdftotext -layout "$T/amina-nl.pdf" "$T/nl.txt" 2>/dev/null

# has FILE REGEX...: every extended regular expression matches a line of FILE (the
# PDF's text: a no-break space is written as one, so the patterns use [[:space:] ]).
has() {
    f=$1; shift
    for re in "$@"; do
        python3 - "$f" "$re" <<'PY' || return 1
import re, sys
text = open(sys.argv[1], encoding="utf-8").read().replace("\u00a0", " ")
if not re.search(sys.argv[2], text, re.M):
    print("not found: %r in\n%s" % (sys.argv[2], "\n".join(l for l in text.splitlines() if l.strip())[-1800:]))
    sys.exit(1)
PY
    done
}

# ---- the CSV of the same report: the figures the record must show ----
check "the CSV, parsed back, has amina's figures" sh -c "python3 - '$T/amina.csv' <<'PY'
import csv, sys
r = list(csv.DictReader(open(sys.argv[1], newline='', encoding='utf-8')))
got = [(x['trainee'], x['checklist'], x['jobs'], x['approved'], x['first_time_rate'], x['redos'], x['signed_off']) for x in r]
want = [('amina', 'basics', '3', '3', '0.67', '1', 'esd-safety')]
print(got)
sys.exit(0 if got == want else 1)
PY"

# ---- the PDF, in French ----
check "the PDF is an A4 PDF of one page, titled with the trainee" \
    sh -c "pdfinfo '$T/amina-fr.pdf' >'$T/info' && grep -q '^Pages: *1\$' '$T/info' && grep -q '^Page size: *595.28 x 841.89' '$T/info' && grep -q '^Title: *Dossier de formation — amina' '$T/info'"
check "in French: its title, the trainee, the workshop and the period" \
    has "$T/fr.txt" '^Dossier de formation$' '^amina$' 'Atelier +Atelier <b>Réemploi</b>, Bruxelles' \
        "Période +$TODAY_FR – $TODAY_FR"
check "the sign-off, with its day and the instructor's name" \
    has "$T/fr.txt" '^Compétences validées$' "esd-safety +$TODAY_FR +ines"
check "the work per checklist: 3 jobs, 3 approved, 67 % the first time, 1 redo, in French" \
    has "$T/fr.txt" '^Travaux par liste de contrôle$' \
        'Manipulation sûre +3 +3 +67 % +1 +[0-9]+,[0-9] min'
check "the figures are the CSV's" sh -c "python3 - '$T/amina.csv' '$T/fr.txt' <<'PY'
import csv, re, sys
row = next(csv.DictReader(open(sys.argv[1], newline='', encoding='utf-8')))
text = open(sys.argv[2], encoding='utf-8').read().replace('\u00a0', ' ')
m = re.search(r'Manipulation sûre +(\d+) +(\d+) +(\d+) % +(\d+)', text)
print(m and m.groups())
sys.exit(0 if m and (m.group(1), m.group(2), m.group(4)) == (row['jobs'], row['approved'], row['redos'])
         and int(m.group(3)) == round(float(row['first_time_rate']) * 100) else 1)
PY"
check "the rubric scores: the chart's note and each item's average out of its maximum" \
    has "$T/fr.txt" '^Notes de la grille au fil du temps$' \
        'Chaque point est un travail évalué' 'Manipulation sûre — Méthode +3,0 / 4 +4' \
        'Manipulation sûre — Soin +2,[0-9] / 3 +4'
check "the feedback received, newest first, with the verdict in French" \
    has "$T/fr.txt" '^Retours reçus$' 'Les 4 derniers sur 4' \
        "$TODAY_FR +Manipulation sûre +approuvé +ines +Quick and clean\n +\(travail n° 3\)" \
        'à refaire +ines +<script>alert\(1\)</script> The strap' \
        '(?s)Quick and clean.*Right this time.*<script>.*Calm and careful'
check "each page says which page it is, of how many" has "$T/fr.txt" 'Page 1 sur 1'

# ---- without --lang: the workshop's language (Dutch) ----
check "without --lang the record is in the workshop's language, Dutch: 67% and days with dashes" \
    has "$T/nl.txt" '^Opleidingsdossier$' 'Veilig hanteren +3 +3 +67% +1' \
        "esd-safety +$TODAY_NL +ines" 'Pagina 1 van 1'

# ---- the HTML ----
cat > "$T/htmlrows.py" <<'PY'
# The HTML page parsed back: its tables' rows as lists of cell texts, and every tag.
import html.parser, json, sys
class P(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.rows, self.tags, self.row, self.cell, self.lang = [], [], None, None, None
    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag == "html": self.lang = dict(attrs).get("lang")
        if tag == "tr": self.row = []
        if tag in ("td", "th"): self.cell = ""
    def handle_endtag(self, tag):
        if tag in ("td", "th") and self.row is not None:
            self.row.append(self.cell.replace("\u00a0", " ")); self.cell = None
        if tag == "tr": self.rows.append(self.row); self.row = None
    def handle_data(self, d):
        if self.cell is not None: self.cell += d
p = P()
p.feed(open(sys.argv[1], encoding="utf-8").read())
d = {"rows": p.rows, "tags": p.tags, "lang": p.lang}
sys.exit(0 if eval(sys.argv[2], {"d": d}) else (print(json.dumps(d["rows"], ensure_ascii=False)) or 1))
PY
H="python3 $T/htmlrows.py $T/amina-fr.html"
check "the HTML page is in French, with the same figures as the CSV" \
    $H "d['lang'] == 'fr' and ['Manipulation sûre', '3', '3', '67 %', '1'] in [r[:5] for r in d['rows']]"
check "the HTML has the sign-off with its day and instructor" \
    $H "['esd-safety', '$TODAY_FR', 'ines'] in d['rows']"
check "the HTML has each rubric item's average" \
    $H "['Manipulation sûre — Méthode', '3,0 / 4', '4'] in d['rows']"
check "a text with <script> is text on the page: no script, no handler, escaped in the file" \
    sh -c "$H \"any(r[-1].startswith('<script>alert(1)</script> The strap') for r in d['rows']) and not any(t == 'script' or any(a.startswith('on') for a in attrs) for t, attrs in d['tags'])\" && grep -q '&lt;script&gt;alert(1)&lt;/script&gt;' '$T/amina-fr.html' && ! grep -qi '<script' '$T/amina-fr.html'"
check "the workshop's name is escaped too" grep -q 'Atelier &lt;b&gt;Réemploi&lt;/b&gt;' "$T/amina-fr.html"
check "the chart is an inline SVG with a point per graded job (4)" \
    $H "sum(1 for t, a in d['tags'] if t == 'circle') == 4 and any(t == 'svg' for t, a in d['tags'])"

# ---- who, and a period ----
check "a trainee gets her own record without naming herself" \
    sh -c "XDG_RUNTIME_DIR=$T/run/amina $R report training --format pdf --lang fr --output $T/own.pdf && pdftotext $T/own.pdf - | grep -q '^amina\$'"
check "a period with no work says so, and shows its days" \
    sh -c "$I report training --trainee amina --format pdf --lang fr --from 2020-01-01 --to 2020-02-01 --output $T/old.pdf && pdftotext -layout $T/old.pdf - | tr '\302\240' '  ' >$T/old.txt && grep -q 'Période *01/01/2020 – 31/01/2020' $T/old.txt && grep -q 'Aucun travail pendant cette période.' $T/old.txt"

# ---- a competence named by the workshop (policy.yaml, competences:) ----
cat >>"$T/data/policy.yaml" <<'YAML'
competences:
  esd-safety:
    fr: "Travail sans électricité statique"
    nl: "Werken zonder statische elektriciteit"
YAML
check "a competence the policy names is written by its name, in the record's language" \
    sh -c "$I report training --trainee amina --format pdf --lang fr --output $T/named.pdf && pdftotext -layout $T/named.pdf - | tr '\302\240' '  ' >$T/named.txt && grep -q 'Travail sans électricité statique *$TODAY_FR *ines' $T/named.txt && ! grep -q 'esd-safety' $T/named.txt"
check "and in the other language of the same policy" \
    sh -c "$I report training --trainee amina --format html --lang nl --output $T/named.html && grep -q 'Werken zonder statische elektriciteit' $T/named.html && ! grep -q 'esd-safety' $T/named.html"

# ---- refusals ----
expect_status 2 "an instructor who names nobody is told to name the trainee" \
    sh -c "$I report training --format pdf --output $T/x.pdf 2>$T/err; rc=\$?; grep -q \"a training record is one trainee's: name her (--trainee NAME)\" $T/err && exit \$rc"
expect_status 1 "an unknown trainee is named in the refusal" \
    sh -c "$I report training --trainee nobody --format pdf --output $T/x.pdf 2>$T/err; rc=\$?; grep -q \"no user 'nobody' (atelier user list)\" $T/err && exit \$rc"
expect_status 1 "another trainee's record is hers alone" \
    sh -c "XDG_RUNTIME_DIR=$T/run/bilal $R report training --trainee amina --format pdf --output $T/x.pdf 2>$T/err; rc=\$?; grep -q 'bilal is a trainee: a trainee sees her own training only' $T/err && exit \$rc"
expect_status 1 "a folder that is not there: the refusal names the file and why" \
    sh -c "$I report training --trainee amina --format pdf --output $T/nowhere/a.pdf 2>$T/err; rc=\$?; cat $T/err; grep -q \"cannot write $T/nowhere/a.pdf: No such file or directory\" $T/err && exit \$rc"
if [ "$(id -u)" != 0 ]; then
    mkdir -p "$T/locked" && chmod 500 "$T/locked"
    expect_status 1 "a folder she may not write to: the refusal names the file and why" \
        sh -c "$I report training --trainee amina --format html --output $T/locked/a.html 2>$T/err; rc=\$?; grep -q 'permission denied on' $T/err && exit \$rc"
else
    mkdir -p "$T/locked" && touch "$T/locked/file"
    expect_status 1 "a folder that is a file: the refusal names the file and why" \
        sh -c "$I report training --trainee amina --format html --output $T/locked/file/a.html 2>$T/err; rc=\$?; grep -q \"cannot write $T/locked/file/a.html: Not a directory\" $T/err && exit \$rc"
fi
check "and nothing half-written is left" test ! -e "$T/nowhere" -a ! -e "$T/x.pdf"
expect_status 2 "a language Atelier does not write is refused, with the ones it does" \
    sh -c "$I report training --trainee amina --format pdf --lang de --output $T/x.pdf 2>$T/err; rc=\$?; grep -q \"the language is en, fr or nl, not 'de'\" $T/err && exit \$rc"
expect_status 2 "a format that is not one is refused, with the four there are" \
    sh -c "$I report training --trainee amina --format docx 2>$T/err; rc=\$?; grep -q \"format is csv, json, pdf or html, not 'docx'\" $T/err && exit \$rc"

done_testing
