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

usage() { sed -n '2,15p' "$0" >&2; exit 2; }
# alive PID: running and not a zombie (an orphaned fake may stay a zombie where
# PID 1 does not reap, and kill -0 succeeds on zombies)
alive() {
    st=$(ps -o stat= -p "$1" 2>/dev/null) || return 1
    [ -n "$st" ] && [ "${st#Z}" = "$st" ]
}
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
    i=0
    while [ $i -lt 300 ]; do
        port=$(sed -n 's/^ready \([0-9][0-9]*\)$/\1/p' "$dir/ready" 2>/dev/null)
        if [ -n "$port" ]; then
            echo "$port" >"$dir/port"
            echo "$pid"
            exit 0
        fi
        if ! alive "$pid"; then
            echo "fake_adb exited before ready:" >&2
            cat "$dir/fake.err" >&2
            exit 1
        fi
        sleep 0.1
        i=$((i + 1))
    done
    echo "fake_adb not ready after 30 s" >&2
    kill "$pid" 2>/dev/null
    exit 1
    ;;
cmd)
    [ $# -eq 1 ] || usage
    exec "$PY" - "$dir/control.sock" "$1" <<'PYEOF'
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.settimeout(10)
s.connect(sys.argv[1])
s.sendall(sys.argv[2].encode() + b"\n")
buf = b""
while not buf.endswith(b"\n"):
    chunk = s.recv(65536)
    if not chunk:
        break
    buf += chunk
sys.stdout.write(buf.decode())
PYEOF
    ;;
stop)
    pid=$(cat "$dir/fake.pid" 2>/dev/null) || exit 0
    alive "$pid" || { rm -f "$dir/fake.pid"; exit 0; }
    kill -TERM "$pid" 2>/dev/null
    i=0
    while alive "$pid"; do
        i=$((i + 1))
        if [ $i -gt 100 ]; then
            echo "fake_adb $pid did not stop on SIGTERM" >&2
            kill -KILL "$pid" 2>/dev/null
            exit 1
        fi
        sleep 0.1
    done
    rm -f "$dir/fake.pid"
    ;;
*)
    usage
    ;;
esac
