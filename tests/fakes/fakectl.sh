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
    i=0
    while [ $i -lt 300 ]; do
        if grep -q '^ready$' "$dir/ready" 2>/dev/null; then
            echo "$pid"
            exit 0
        fi
        if ! kill -0 "$pid" 2>/dev/null; then
            echo "fake_usbmuxd exited before ready:" >&2
            cat "$dir/fake.err" >&2
            exit 1
        fi
        sleep 0.1
        i=$((i + 1))
    done
    echo "fake_usbmuxd not ready after 30 s" >&2
    kill "$pid" 2>/dev/null
    exit 1
    ;;
cmd)
    [ $# -eq 1 ] || usage
    exec "$PY" - "$dir/control.sock" "$1" <<'EOF'
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
EOF
    ;;
stop)
    pid=$(cat "$dir/fake.pid" 2>/dev/null) || exit 0
    kill -TERM "$pid" 2>/dev/null || exit 0
    i=0
    while kill -0 "$pid" 2>/dev/null; do
        i=$((i + 1))
        if [ $i -gt 100 ]; then
            echo "fake_usbmuxd $pid did not stop on SIGTERM" >&2
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
