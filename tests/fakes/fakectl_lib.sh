# fakectl_lib.sh - what fakectl.sh and adb_fakectl.sh share: sourced, not run.
# Each fake writes its "ready" line to DIR/ready, its pid is in DIR/fake.pid and its
# control socket is DIR/control.sock. The sourcing script sets $here (its folder).

# alive PID: running and not a zombie (an orphaned fake may stay a zombie where
# PID 1 does not reap, and kill -0 succeeds on zombies)
alive() {
    st=$(ps -o stat= -p "$1" 2>/dev/null) || return 1
    [ -n "$st" ] && [ "${st#Z}" = "$st" ]
}

# fake_wait_ready NAME DIR PID REGEX: wait (up to 30 s) for a line matching REGEX
# (grep -E) in DIR/ready; fails, with the fake's standard error, if it dies first.
fake_wait_ready() {
    name=$1 dir=$2 pid=$3 re=$4
    i=0
    while [ $i -lt 300 ]; do
        if grep -Eq "$re" "$dir/ready" 2>/dev/null; then
            return 0
        fi
        if ! alive "$pid"; then
            echo "$name exited before ready:" >&2
            cat "$dir/fake.err" >&2
            return 1
        fi
        sleep 0.1
        i=$((i + 1))
    done
    echo "$name not ready after 30 s" >&2
    kill "$pid" 2>/dev/null
    return 1
}

# fake_cmd DIR JSON: one control command; prints the JSON answer.
fake_cmd() {
    "${PY:-python3}" "$here/fakecommon.py" control "$1/control.sock" "$2"
}

# fake_stop NAME DIR: SIGTERM, wait for the exit (10 s), fail if it hangs.
fake_stop() {
    name=$1 dir=$2
    pid=$(cat "$dir/fake.pid" 2>/dev/null) || return 0
    alive "$pid" || { rm -f "$dir/fake.pid"; return 0; }
    kill -TERM "$pid" 2>/dev/null
    i=0
    while alive "$pid"; do
        i=$((i + 1))
        if [ $i -gt 100 ]; then
            echo "$name $pid did not stop on SIGTERM" >&2
            kill -KILL "$pid" 2>/dev/null
            return 1
        fi
        sleep 0.1
    done
    rm -f "$dir/fake.pid"
}
