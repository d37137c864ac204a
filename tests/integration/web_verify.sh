#!/bin/sh
# The public verification page of atelier serve (/v/ID#SIG) in real headless Chromium
# (tests/web/verify_page.mjs), and its API without a session: a workshop of schema 10
# (tests/fixtures/store) whose certificate is withdrawn (the device came back), then the
# device certified again by this version, with a verification address in the policy.
# Screenshots are kept in ATELIER_SCREENSHOTS when that names a folder (docs/screenshots).
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
. "$ROOT/tests/lib/tap.sh"
. "$ROOT/tests/lib/accounts.sh"

T=$(mktemp -d)
SERVER=""
trap '[ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null; rm -rf "$T"' EXIT
export TMPDIR="$T"
J="python3 $ROOT/tests/lib/jq.py"
if [ ! -d "$ROOT/node_modules/playwright-core" ] || [ ! -x /usr/bin/chromium ]; then
    echo "Bail out! the browser tools are missing: run scripts/setup-deps.sh (make check does)"
    exit 1
fi

D="$T/data"
mkdir -p "$D/keys" "$T/shots"
sqlite3 "$D/atelier.db" <"$ROOT/tests/fixtures/store/schema10-names.sql"
cp "$ROOT/tests/fixtures/store/schema10-keys/workshop.key" "$ROOT/tests/fixtures/store/schema10-keys/workshop.pub" "$D/keys/"
chmod 700 "$D" "$D/keys"; chmod 600 "$D/keys/workshop.key"
cat >"$D/policy.yaml" <<'YAML'
workshop:
  name: "Atelier Réemploi Molenbeek"
  place: "Bruxelles"
  language: fr
  legal_name: "Réemploi Molenbeek ASBL"
  address: "Rue de l'Atelier 12, 1080 Molenbeek-Saint-Jean"
  company_number: "BE 0123.456.789"
  contact: "+32 2 123 45 67, atelier@example.org"
  verify_url: "https://atelier.example.org"
warranty_months: 12
required_checklists:
  ios: [intake, wipe, qc]
wipe_checklist: wipe
grade:
  checklist: qc
  step: grade
YAML
A="$ATELIER_REAL --data $D"
OLD=$(sqlite3 "$D/atelier.db" "SELECT id FROM certificate")
echo claire-password-1 >"$T/secret-claire"
as claire $A login claire --secret-file "$T/secret-claire" >/dev/null
as claire $A certificate revoke "$OLD" --why "the speaker crackles" --by claire >/dev/null
USBMUXD_SOCKET_ADDRESS="UNIX:$T/nowhere.sock" as claire $A certify 00008110-000E44540A2A0000 --by claire >/dev/null 2>&1
NEW=$($A certificate list --json | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])')
check "the device is certified again, with a new certificate" test "$NEW" != "$OLD"
$A certificate export "$NEW" --json "$T/new.json" --pdf "$T/new.pdf" >/dev/null
pdftoppm -r 150 -png -singlefile "$T/new.pdf" "$T/page"
LINK=$(zbarimg --quiet --raw "$T/page.png" 2>/dev/null)
check "its QR code holds the page's address and the signature" \
    sh -c "echo '$LINK' | grep -q '^https://atelier.example.org/v/$NEW#[A-Za-z0-9_-]\{86\}$'"
SIG=${LINK#*#}
python3 - "$T/new.json" "$T/facts.json" "$OLD" "$NEW" "$SIG" <<'PY'
import json, sys, datetime, zoneinfo
c = json.load(open(sys.argv[1]))
t = datetime.datetime.strptime(c["issued_at"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=datetime.timezone.utc)
hm = t.astimezone(zoneinfo.ZoneInfo("Europe/Brussels")).strftime("%H:%M")
h = ("%.1f" % c["battery"]["health_pct"]).replace(".", ",")
json.dump({"valid": sys.argv[4], "valid_sig": sys.argv[5], "revoked": sys.argv[3],
           "revoked_why": "the speaker crackles", "trainee": "amina",
           "health_fr": h + "\u202f%", "health_nl": h + " %",
           "grade_nl": c["translations"]["nl"]["cosmetic.label"], "issued_hm": hm}, open(sys.argv[2], "w"))
PY

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$ATELIER_REAL" --data "$D" serve --listen "127.0.0.1:$PORT" --no-usb >"$T/serve.out" 2>&1 &
SERVER=$!
n=0
until grep -q "Atelier is at" "$T/serve.out" 2>/dev/null; do
    n=$((n + 1))
    [ $n -gt 100 ] && { sed 's/^/# /' "$T/serve.out"; echo "Bail out! atelier serve did not start"; exit 1; }
    sleep 0.1
done
B="http://127.0.0.1:$PORT"

# ---- the API, without a session ----
# get PATH FILE: the status; the body into FILE (a script, for the checks' sh -c).
cat >"$T/get" <<EOF2
#!/bin/sh
exec curl -s -o "\$2" -w '%{http_code}' -H 'Accept-Language: nl-BE,nl;q=0.9,en;q=0.5' "$B\$1"
EOF2
chmod +x "$T/get"
PATH="$T:$PATH"
check "the page opens for anyone, as HTML" \
    sh -c "test \"\$(curl -s -o /dev/null -w '%{http_code} %{content_type}' '$B/v/$NEW')\" = '200 text/html; charset=utf-8'"
check "a valid certificate, in the language the browser asks for, without a session" \
    sh -c "test \"\$(get '/api/public/certificates/$NEW?sig=$SIG' '$T/v.json')\" = 200 &&
           $J '$T/v.json' \"(d['state'], d['lang'])\" \"('valid', 'nl')\""
check "nobody who did the work is named" \
    sh -c "! grep -qi 'amina\|T-002\|claire' '$T/v.json'"
check "a withdrawn one, with when and why in plain words" \
    sh -c "get '/api/public/certificates/$OLD' '$T/r.json' >/dev/null &&
           $J '$T/r.json' \"(d['state'], d['revoked']['why'])\" \"('revoked', 'the speaker crackles')\" &&
           ! grep -q claire '$T/r.json'"
check "another signature than the one issued: tampered, and nothing of it shown" \
    sh -c "get '/api/public/certificates/$NEW?sig=$(echo "$SIG" | tr 'A-Za-z' 'B-ZAb-za')' '$T/t.json' >/dev/null &&
           $J '$T/t.json' \"(d['state'], d['certificate'])\" \"('tampered', None)\""
# A record changed in the database behind the server's back: its own server says so.
cp -a "$D" "$T/tamper"
sqlite3 "$T/tamper/atelier.db" "DROP TRIGGER certificate_no_update; UPDATE certificate SET body = replace(body, 'C1QQABCD4R', 'C1QQABCD4S') WHERE id = '$NEW'"
P2=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$ATELIER_REAL" --data "$T/tamper" serve --listen "127.0.0.1:$P2" --no-usb >"$T/serve2.out" 2>&1 &
S2=$!
n=0
until grep -q "Atelier is at" "$T/serve2.out" 2>/dev/null || [ $n -gt 100 ]; do n=$((n + 1)); sleep 0.1; done
check "a certificate changed in the records is shown as tampered, not as valid" \
    sh -c "curl -s 'http://127.0.0.1:$P2/api/public/certificates/$NEW' > '$T/t2.json' &&
           $J '$T/t2.json' \"(d['state'], d['certificate'])\" \"('tampered', None)\""
kill "$S2" 2>/dev/null; wait "$S2" 2>/dev/null
for id in ATL-20200101-00000000 nothing "ATL-20261203-%3Cscript%3E" "$(python3 -c 'print("A" * 200)')"; do
    check "an unknown or malformed id ($(echo "$id" | cut -c1-24)) is answered 200 'unknown', never 5xx" \
        sh -c "test \"\$(get '/api/public/certificates/$id' '$T/u.json')\" = 200 && $J '$T/u.json' \"d['state']\" unknown"
done
check "a signature far too long is a mismatch, not an error" \
    sh -c "test \"\$(get '/api/public/certificates/$NEW?sig=$(python3 -c 'print("x" * 2000)')' '$T/l.json')\" = 200 &&
           $J '$T/l.json' \"d['state']\" tampered"
check "the public route changes nothing: a POST is refused" \
    sh -c "test \"\$(curl -s -o /dev/null -w '%{http_code}' -X POST '$B/api/public/certificates/$NEW')\" = 405"

# ---- in Chromium ----
env -u LD_PRELOAD node "$ROOT/tests/web/verify_page.mjs" "$B" "$T/shots" "$T/facts.json" >"$T/walk.json" 2>"$T/walk.err"
check "the buyer's walk ran to its end" $J "$T/walk.json" "d.get('finished', False)"
[ -s "$T/walk.json" ] || sed 's/^/# /' "$T/walk.err" | head -40
python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
for c in d["checks"]:
    print("%s\t%s\t%s" % (0 if c["ok"] else 1, c["name"].replace("\t", " "), json.dumps(c.get("detail"), ensure_ascii=False)[:1500] if not c["ok"] else ""))
' "$T/walk.json" >"$T/walk.tap" 2>/dev/null || : >"$T/walk.tap"
while IFS="$(printf '\t')" read -r status name detail; do
    printf '%s\n' "$detail" >"$TAP_OUT"
    _tap_result "$status" "$name"
done <"$T/walk.tap"
if [ -n "${ATELIER_SCREENSHOTS:-}" ] && [ -d "$ATELIER_SCREENSHOTS" ]; then
    cp "$T"/shots/verify-*.png "$ATELIER_SCREENSHOTS"/
fi
done_testing
