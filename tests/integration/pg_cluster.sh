#!/bin/sh
# scripts/pg-test-cluster: a private PostgreSQL in one folder, reached by its unix
# socket alone, run by an unprivileged account, stopped by its PID, and nothing of it
# written anywhere else.
. "$(dirname "$0")/../lib/tap.sh"

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
PGC="$ROOT/scripts/pg-test-cluster"
# Its own folder, beside the suite's cluster (ATELIER_TEST_PG), which it leaves alone.
T=$(mktemp -d)
M=$(mktemp -d)
trap '"$PGC" stop "$T" >/dev/null 2>&1; rm -rf "$T" "$M"' EXIT

# What the system's PostgreSQL folders hold before (postgresql-common's own cluster).
ls -laR /etc/postgresql /var/lib/postgresql /var/run/postgresql >"$M/system.before" 2>&1
touch "$M/since"

check "a cluster starts in its folder and gives its URL" \
    sh -c "'$PGC' start '$T' >'$M/url' && grep -Eqx 'postgresql://atelier@/atelier_test\\?host=$T&port=[0-9]+' '$M/url'"
URL=$(cat "$M/url")
PORT=$(cat "$T/port" 2>/dev/null)
SERVER_UID=$(stat -c %u "$T/data")
check "url gives the same URL again" sh -c "test \"\$('$PGC' url '$T')\" = '$URL'"
check "psql connects over the socket in the folder" \
    sh -c "psql -X -At '$URL' -c 'SELECT 6 * 7' | grep -qx 42"
check "the server answers on the socket alone: its configuration opens no TCP address" \
    sh -c "psql -X -At '$URL' -c 'SHOW listen_addresses' | grep -qx '' &&
           test \"\$(psql -X -At '$URL' -c 'SHOW unix_socket_directories')\" = '$T'"
check "nothing listens on its port over TCP" \
    sh -c "! ss -Hltn 2>/dev/null | awk '{ print \$4 }' | grep -Eq ':$PORT\$'"
check "connecting to 127.0.0.1 on its port is refused" \
    sh -c "! psql -X -At 'postgresql://atelier@127.0.0.1:$PORT/atelier_test?connect_timeout=5' -c 'SELECT 1'"
check "its dynamic shared memory is files in its data folder, not in /dev/shm" \
    sh -c "psql -X -At '$URL' -c 'SHOW dynamic_shared_memory_type' | grep -qx mmap"
check "the server does not run as root" \
    sh -c "pid=\$(head -n 1 '$T/data/postmaster.pid') && test \"\$(stat -c %u /proc/\$pid)\" -ne 0"
check "a second start while it runs is refused, naming the running server" \
    sh -c "! '$PGC' start '$T' 2>'$M/err' && grep -q 'already runs' '$M/err'"

PID=$(head -n 1 "$T/data/postmaster.pid" 2>/dev/null)
# Every process of the server works in its data folder (PostgreSQL chdirs there).
in_data() {
    for p in /proc/[0-9]*; do
        [ "$(readlink "$p/cwd" 2>/dev/null)" = "$T/data" ] && return 0
    done
    return 1
}
check "the postmaster and its children work in the folder" in_data
check "stop ends the postmaster and its children" \
    sh -c "'$PGC' stop '$T' && ! kill -0 '$PID' 2>/dev/null"
no_process_left() { ! in_data; }
check "no process of the server is left" no_process_left
check "stop leaves the cluster in its folder, and stopping again is quiet" \
    sh -c "test -f '$T/data/PG_VERSION' && test ! -e '$T/data/postmaster.pid' && '$PGC' stop '$T'"
check "it starts again from the same folder, with its data" \
    sh -c "'$PGC' start '$T' >/dev/null && psql -X -At '$URL' -c 'SELECT 1' | grep -qx 1 && '$PGC' stop '$T'"

# Nothing written outside its folder: the system's PostgreSQL folders are as they were,
# and no file the server could have written is found elsewhere.
ls -laR /etc/postgresql /var/lib/postgresql /var/run/postgresql >"$M/system.after" 2>&1
check "the system's PostgreSQL folders are untouched" cmp "$M/system.before" "$M/system.after"
# Another cluster's data folder (the suite's, or one of another run on this machine):
# its own writes are not this server's.
in_other_cluster() {
    d=$(dirname "$1")
    while [ "$d" != / ] && [ "$d" != . ]; do
        # A data folder, or a folder made by pg-test-cluster (DIR/data, DIR/server.log).
        [ -f "$d/PG_VERSION" ] || [ -f "$d/data/PG_VERSION" ] && return 0
        d=$(dirname "$d")
    done
    return 1
}
# Files this server could have written elsewhere: owned by its account, or named like
# its socket and lock (.s.PGSQL.PORT).
written_elsewhere() {
    find /tmp /run /var /etc /dev/shm -xdev -newer "$M/since" \( -type f -o -type s \) \
        \( -user "$SERVER_UID" -o -name ".s.PGSQL.$PORT*" \) 2>/dev/null |
        while read -r f; do
            case "$f" in "$T"/* | "$M"/*) continue ;; esac
            # Gone since: a file of another test's server, removed with its folder
            # while this one ran beside it (make check runs tests side by side).
            [ -e "$f" ] || continue
            in_other_cluster "$f" || echo "$f"
        done | grep . && return 1
    return 0
}
check "no file was written in /tmp, /run, /var or /etc outside its folder" written_elsewhere

check "a folder that does not exist cannot be stopped, and the message names it" \
    sh -c "! '$PGC' stop '$T/none' 2>'$M/err' && grep -q '$T/none' '$M/err'"
check "without PostgreSQL installed, start says what to install" \
    sh -c "! PG_BINDIR=/nonexistent '$PGC' start '$T/x' 2>'$M/err' && grep -q 'postgresql-15' '$M/err'"

done_testing
