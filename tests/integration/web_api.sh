#!/bin/sh
# atelier serve over real HTTP: every route's role rules, sign-in with a PIN, the
# cookie, CSRF and Origin refusals, a job started, stepped, submitted, graded and
# acknowledged over the API, steps recorded at once by many connections (one commit for
# many) and the server's kept work against a change made at the terminal, bad bodies, path traversal on /static, a stalled client,
# 1,000 random bad requests, and TLS with a self-signed certificate. The requests are
# made by tests/lib/web_api.py, which prints the TAP lines.
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/../lib/accounts.sh"

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
T=$(mktemp -d)
FAKECTL="$ROOT/tests/fakes/fakectl.sh"
export FAKE_USBMUXD_KEY_CACHE="$T/keys"
mkdir -p "$FAKE_USBMUXD_KEY_CACHE" "$T/checklists"
trap 'sh "$FAKECTL" stop "$T/fake" >/dev/null 2>&1; rm -rf "$T" "$(dirname "$TAP_OUT")"' EXIT

cat > "$T/checklists/web-check.yaml" <<'YAML'
id: web-check
version: 1
title: {en: "Screen check", fr: "Contrôle de l'écran", nl: "Schermcontrole"}
applies_to:
  platforms: [ios]
difficulty: 1
time_minutes: 5
steps:
  - id: look
    title: {en: "Look at the screen", fr: "Regardez l'écran", nl: "Bekijk het scherm"}
    kind: check
    image: images/look.svg
  - id: voltage
    title: {en: "Measure the voltage", fr: "Mesurez la tension", nl: "Meet de spanning"}
    kind: measure
    unit: V
    range: {min: 3.6, max: 4.45}
YAML
cat > "$T/checklists/web-stop.yaml" <<'YAML'
id: web-stop
version: 1
title: {en: "Power check", fr: "Contrôle de l'alimentation", nl: "Controle van de voeding"}
applies_to:
  platforms: [ios]
difficulty: 1
time_minutes: 5
steps:
  - id: power
    title: {en: "It powers on", fr: "Il s'allume", nl: "Hij gaat aan"}
    kind: check
    on_fail: stop
  - id: look
    title: {en: "Look at the case", fr: "Regardez le boîtier", nl: "Bekijk de behuizing"}
    kind: check
YAML
cat > "$T/checklists/web-advanced.yaml" <<'YAML'
id: web-advanced
version: 1
title: {en: "Screen swap", fr: "Échange d'écran", nl: "Scherm wisselen"}
applies_to:
  platforms: [ios]
difficulty: 4
time_minutes: 30
requires:
  approved: [web-check]
  signed_off: [esd-safety]
steps:
  - id: open
    title: {en: "Open it", fr: "Ouvrez-le", nl: "Open het"}
    kind: check
YAML
mkdir -p "$T/checklists/images"
printf '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><rect width="10" height="10"/></svg>\n' \
    > "$T/checklists/images/look.svg"
export ATELIER_CHECKLISTS="$T/checklists"
sh "$FAKECTL" start "$T/fake" "$ROOT/tests/fakes/scenarios/iphone-ios17-paired.json" >/dev/null
export USBMUXD_SOCKET_ADDRESS="UNIX:$T/fake/usbmuxd.sock"
A="$ATELIER --data $T/data"
U=00008110-000E44540A2A0000
if ! { init_admin "$A" && add_user "$A" amina trainee && add_user "$A" sam instructor &&
       signin amina && $A probe >/dev/null; }; then
    echo "Bail out! the accounts or the first reading could not be made"
    exit 1
fi
if ! openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1 \
        -addext subjectAltName=IP:127.0.0.1 -keyout "$T/key.pem" -out "$T/cert.pem" \
        >"$T/openssl.log" 2>&1; then
    cat "$T/openssl.log" | sed 's/^/# /'
    echo "Bail out! openssl could not make a self-signed certificate"
    exit 1
fi
python3 "$ROOT/tests/lib/web_api.py" "$ATELIER_REAL" "$T/data" "$T" "$U"
