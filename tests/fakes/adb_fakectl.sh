#!/bin/sh
# adb_fakectl.sh - start, talk to and stop tests/fakes/fake_adb.py from shell tests.
#
#   adb_fakectl.sh start DIR SCENARIO [extra fake args...]
#       starts the fake on a free 127.0.0.1 port with DIR/control.sock and
#       DIR/fake.log, waits (up to 30 s) for "ready PORT", writes the port to
#       DIR/port, prints the pid.  Then:
#       export ADB_SERVER_SOCKET=tcp:127.0.0.1:$(cat DIR/port)   (or adb -P PORT)
#   adb_fakectl.sh cmd DIR 'JSON'      one control command, prints the JSON answer
#   adb_fakectl.sh stop DIR            SIGTERM, waits for the exit, fails if it hangs
#
# C tests do the same with fork/exec:
#   python3 tests/fakes/fake_adb.py --port 0 --scenario FILE --control DIR/control.sock
# and read one line "ready PORT" from its stdout before running the client.
set -u
here=$(cd "$(dirname "$0")" && pwd)
PY=${PYTHON:-python3}
. "$here/fakectl_lib.sh"

usage() { sed -n '2,15p' "$0" >&2; exit 2; }
[ $# -ge 2 ] || usage
op=$1 dir=$2
shift 2

case "$op" in
start)
    [ $# -ge 1 ] || usage
    scenario=$1
    shift
    mkdir -p "$dir"
    rm -f "$dir/ready" "$dir/fake.pid" "$dir/port"
    "$PY" "$here/fake_adb.py" --port 0 --scenario "$scenario" \
        --control "$dir/control.sock" --log "$dir/fake.log" \
        "$@" >"$dir/ready" 2>"$dir/fake.err" </dev/null &
    pid=$!
    echo "$pid" >"$dir/fake.pid"
    fake_wait_ready fake_adb "$dir" "$pid" '^ready [0-9]+$' || exit 1
    sed -n 's/^ready \([0-9][0-9]*\)$/\1/p' "$dir/ready" >"$dir/port"
    echo "$pid"
    ;;
cmd)
    [ $# -eq 1 ] || usage
    fake_cmd "$dir" "$1"
    ;;
stop)
    fake_stop fake_adb "$dir"
    ;;
*)
    usage
    ;;
esac
