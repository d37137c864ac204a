#!/bin/sh
# A workshop refreshes the names of Android models from Google's current list: a tablet
# the shipped table does not name is named once `atelier models import` has read
# supported_devices.csv (UTF-16, as Google publishes it); a file that is not that list is
# refused, naming its line, and the workshop's table stays as it was.
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/../lib/walk.sh"

CTL="$ROOT/tests/fakes/adb_fakectl.sh"
export USBMUXD_SOCKET_ADDRESS="UNIX:$T/no-usbmuxd.sock"
A="$ATELIER --data $T/data"

# The Galaxy Tab A8 of the fake adb server, as a newer model the shipped table lacks
# (a hand-made code: SM-X999).
python3 - "$ROOT" "$T" <<'PY'
import json, sys
root, t = sys.argv[1:]
sc = json.load(open(root + "/tests/fakes/adb_scenarios/adb-galaxy-tab-a8-wifi.json"))
dev = sc["devices"][0]
src = root + "/" + dev["shell"]["getprop"]["stdout_file"]
text = "".join(l for l in open(src, encoding="utf-8") if not l.startswith("#"))
open(t + "/getprop.txt", "w", encoding="utf-8").write(text.replace("SM-X200", "SM-X999"))
dev["shell"]["getprop"] = {"stdout_file": t + "/getprop.txt"}
dev["model"] = "SM-X999"
json.dump(sc, open(t + "/tab.json", "w"))
PY
# Google's format: UTF-16LE with a byte order mark, CRLF, four columns.
printf 'Retail Branding,Marketing Name,Device,Model\r\nSamsung,Galaxy Tab Z,gtzwifi,SM-X999\r\n' |
    iconv -f UTF-8 -t UTF-16 > "$T/supported_devices.csv"
printf 'name,model\nGalaxy Tab Z,SM-X999\n' > "$T/other.csv"

sh "$CTL" start "$T/adb" "$T/tab.json" >/dev/null
export ADB_SERVER_SOCKET="tcp:127.0.0.1:$(cat "$T/adb/port")"
$A init >/dev/null
$A probe --json > "$T/before.json"
check "a model the shipped table does not know has no name, and the card says why" \
    sh -c "$J $T/before.json \"d[0]['identity']['marketing_name']\" None &&
           $J $T/before.json \"any(e['fact'] == 'identity.marketing_name' for e in d[0]['errors'])\""
expect_status 2 "a file that is not Google's list is refused" $A models import "$T/other.csv"
check "and the refusal names the file and its line" \
    sh -c "$A models import $T/other.csv 2>&1 | grep -q 'other.csv:1' && ! test -e $T/data/android-models.tsv"
check "a file that cannot be read is named with the reason" \
    sh -c "! $A models import $T/nowhere.csv 2>$T/err && grep -q 'nowhere.csv: No such file or directory; nothing was changed' $T/err"
check "Google's list is imported into the workshop's own table" \
    sh -c "$A models import $T/supported_devices.csv | grep -q '^1 Android models named'"
$A probe --json > "$T/after.json"
check "the tablet is now named from it, and the card no longer says it is unknown" \
    sh -c "$J $T/after.json \"d[0]['identity']['marketing_name']\" 'Galaxy Tab Z' &&
           $J $T/after.json \"not any(e['fact'] == 'identity.marketing_name' for e in d[0]['errors'])\""
check "the name is kept with the device's record" \
    sh -c "$A device show R9PT40A1B2C --json | python3 -c 'import json,sys; sys.exit(json.load(sys.stdin)[\"identity\"][\"marketing_name\"] != \"Galaxy Tab Z\")'"
done_testing
