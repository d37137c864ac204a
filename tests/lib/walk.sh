# What the walk tests share (source it after tap.sh): ROOT, T (removed at exit, with the
# fakes started by ios_fake), J, WALK, and:
#   ios_fake SCENARIO   start the fake usbmuxd on SCENARIO for the real libimobiledevice
#   grade_job ATELIER DATA JOB CHECKLIST   approved by claire, every rubric item at its
#                       maximum, with short feedback
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
T=$(mktemp -d)
J="python3 $ROOT/tests/lib/jq.py"
WALK="python3 $ROOT/tests/lib/walk_job.py"
FAKECTL="$ROOT/tests/fakes/fakectl.sh"
trap 'sh "$FAKECTL" stop "$T/fake" >/dev/null 2>&1; sh "$ROOT/tests/fakes/adb_fakectl.sh" stop "$T/adb" >/dev/null 2>&1; rm -rf "$T"' EXIT
unset ATELIER_CHECKLISTS

ios_fake() {
    export FAKE_USBMUXD_KEY_CACHE="$T/keys"
    mkdir -p "$FAKE_USBMUXD_KEY_CACHE"
    sh "$FAKECTL" start "$T/fake" "$1" >/dev/null || { echo "fake usbmuxd did not start" >&2; exit 1; }
    export USBMUXD_SOCKET_ADDRESS="UNIX:$T/fake/usbmuxd.sock"
}

grade_job() {
    scores=$($1 --data "$2" checklist show "$4" --json |
        python3 -c 'import json,sys; print(" ".join("--score %s=%d" % (r["id"], r["max"]) for r in json.load(sys.stdin).get("rubric", [])))')
    $1 --data "$2" job grade "$3" --verdict approved $scores --feedback "Careful work, well recorded." --by claire
}
