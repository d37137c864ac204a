#!/bin/sh
# The screen's translations: po/atelier.pot holds every text of web/ (scripts/po-update
# run again gives the same list), each catalogue of po/LINGUAS translates every one of
# them with nothing fuzzy, scripts/po2json turns each into JSON with every text, and a
# catalogue whose translation loses a {name} placeholder stops the build
# (scripts/web-build, through msgfmt --check-format).
. "$(dirname "$0")/../lib/tap.sh"

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
msgids() {
    python3 -c '
import re, sys
text = open(sys.argv[1], encoding="utf-8").read()
for e in text.split("\n\n"):
    if re.search(r"^#~", e, re.M): continue
    m = re.search(r"^msgid \"(.*)\"$", e, re.M)
    if m and m.group(1): print(m.group(1))
' "$1" | LC_ALL=C sort
}

check "scripts/po-update writes a template" sh "$ROOT/scripts/po-update" --pot "$T/atelier.pot"
msgids "$T/atelier.pot" >"$T/now"
msgids "$ROOT/po/atelier.pot" >"$T/kept"
check "po/atelier.pot has every text of web/ and no other (run make po-update)" diff "$T/kept" "$T/now"
check "the template has the screen's texts (more than 150)" test "$(wc -l <"$T/now")" -gt 150

for lang in $(sed 's/#.*//' "$ROOT/po/LINGUAS"); do
    [ "$lang" = en ] && continue
    po="$ROOT/po/$lang.po"
    check "$lang.po: msgfmt -c --check-format accepts it" msgfmt -c --check-format -o /dev/null "$po"
    msgfmt --statistics -o /dev/null "$po" 2>"$T/stats-$lang"
    check "$lang.po: every text translated, none fuzzy" \
        grep -qx "$(wc -l <"$T/now" | tr -d ' ') translated messages." "$T/stats-$lang"
    msgids "$po" >"$T/ids-$lang"
    check "$lang.po: the same texts as the template" diff "$T/now" "$T/ids-$lang"
    check "$lang.po: scripts/po2json gives JSON" sh -c "'$ROOT/scripts/po2json' '$po' >'$T/$lang.json'"
    check "$lang.json: every text, the language and its direction" python3 -c '
import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
ids = [l.rstrip("\n").replace("\\\"", "\"") for l in open(sys.argv[2], encoding="utf-8")]
missing = [i for i in ids if not d["strings"].get(i)]
assert not missing, missing[:5]
assert d["lang"] == sys.argv[3] and d["dir"] == ("rtl" if sys.argv[3] == "ar" else "ltr") and d["name"], d
' "$T/$lang.json" "$T/now" "$lang"
done

# A fuzzy entry and an empty one are left out of the JSON (the screen shows English).
cat >"$T/xx.po" <<'PO'
msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\n"
"X-Native-Name: Test\n"

#, fuzzy
msgid "Save"
msgstr "Opslaan?"

msgid "Back"
msgstr ""

#, python-brace-format
msgid "Step {n} of {total}"
msgstr "Stap {n} van {total}"
PO
check "po2json leaves out fuzzy and empty entries" sh -c "'$ROOT/scripts/po2json' '$T/xx.po' | python3 -c 'import json, sys; d = json.load(sys.stdin); assert d[\"strings\"] == {\"Step {n} of {total}\": \"Stap {n} van {total}\"}, d'"

# A translation that misspells a placeholder stops the build of the screen's files.
mkdir -p "$T/po" "$T/web"
cp "$ROOT/po/fr.po" "$T/po/fr.po"
printf 'fr\nen\n' >"$T/po/LINGUAS"
echo '<!doctype html><title>x</title>' >"$T/web/index.html"
check "the screen's files build from good catalogues" sh "$ROOT/scripts/web-build" "$T/web" "$T/po" "$T/out"
check "the built files have i18n/fr.json and the language list" test -s "$T/out/i18n/fr.json" -a -s "$T/out/i18n/index.json"
sed -i 's/^msgstr "Étape {n} sur {total}"$/msgstr "Étape {n} sur {totl}"/' "$T/po/fr.po"
check "the broken catalogue really changed" grep -q '{totl}' "$T/po/fr.po"
expect_status 1 "a placeholder lost in a translation stops the build (msgfmt --check-format)" \
    sh "$ROOT/scripts/web-build" "$T/web" "$T/po" "$T/out2"
check "and nothing half-built is left" test ! -e "$T/out2"

done_testing
