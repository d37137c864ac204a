#!/bin/sh
# fakectl.sh - start, talk to and stop tests/fakes/fake_usbmuxd.py from shell tests.
#
#   fakectl.sh start DIR SCENARIO [extra fake args...]
#       starts the fake with DIR/usbmuxd.sock, DIR/control.sock, DIR/state and
#       DIR/fake.log, waits (up to 30 s) for its "ready" line, prints its pid.
#       Then: export USBMUXD_SOCKET_ADDRESS=UNIX:DIR/usbmuxd.sock
#   fakectl.sh cmd DIR 'JSON'      one control command, prints the JSON answer
#   fakectl.sh stop DIR            SIGTERM, waits for the exit, fails if it hangs
#
# C tests do the same with fork/exec:
#   python3 tests/fakes/fake_usbmuxd.py --socket DIR/usbmuxd.sock
#       --scenario tests/fakes/scenarios/X.json --control DIR/control.sock
#       --state-dir DIR/state
# and read one line "ready" from its stdout before running the client.
set -u
here=$(cd "$(dirname "$0")" && pwd)
PY=${PYTHON:-python3}
. "$here/fakectl_lib.sh"

usage() { sed -n '2,16p' "$0" >&2; exit 2; }
[ $# -ge 2 ] || usage
op=$1 dir=$2
shift 2

case "$op" in
start)
    [ $# -ge 1 ] || usage
    scenario=$1
    shift
    mkdir -p "$dir"
    rm -f "$dir/ready" "$dir/fake.pid"
    "$PY" "$here/fake_usbmuxd.py" --socket "$dir/usbmuxd.sock" --scenario "$scenario" \
        --control "$dir/control.sock" --state-dir "$dir/state" --log "$dir/fake.log" \
        "$@" >"$dir/ready" 2>"$dir/fake.err" </dev/null &
    pid=$!
    echo "$pid" >"$dir/fake.pid"
    fake_wait_ready fake_usbmuxd "$dir" "$pid" '^ready$' || exit 1
    echo "$pid"
    ;;
cmd)
    [ $# -eq 1 ] || usage
    fake_cmd "$dir" "$1"
    ;;
stop)
    fake_stop fake_usbmuxd "$dir"
    ;;
*)
    usage
    ;;
esac
