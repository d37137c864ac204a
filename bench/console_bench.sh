#!/bin/sh
# The instructors' side under load: with 50 trainees, 1,000 devices and 20,000 jobs (made
# by build/bench/web_fixture; 100 of them waiting for a grade, the others graded, one in
# ten after a redo) and 20 instructors at once (wrk, 20 connections), the 99th
# percentile of the grading queue and of a trainee's record (399 jobs), each against the
# same percentile for a small static file served in the same run (the floor). Target:
# each p99 <= 20 ms. The live overview (50 jobs in work) is measured the same way, and
# again while a step is recorded every half second (each commit has it computed again),
# and once uncached, through the command line, beside the queue read the same way.
#
# usage: sh bench/console_bench.sh BUILD_DIR
set -eu
BUILD=${1:?usage: console_bench.sh BUILD_DIR}
ATELIER="$BUILD/atelier"
T=$(mktemp -d)
SERVER=""
trap '[ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null; rm -rf "$T"' EXIT
DURATION=${CONSOLE_BENCH_SECONDS:-10}

command -v wrk >/dev/null || { echo "console bench: wrk is missing (scripts/setup-deps.sh installs it)" >&2; exit 1; }
echo "console bench: making 50 trainees, 1,000 devices and 20,000 jobs (about a minute)"
LONG=$("$BUILD/bench/web_fixture" "$T/data" 1000 20000 100 50 | awk '{ print $2 }')
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$ATELIER" --data "$T/data" serve --listen "127.0.0.1:$PORT" >"$T/serve.out" 2>&1 &
SERVER=$!
URL="http://127.0.0.1:$PORT"
n=0
until python3 -c "import urllib.request,urllib.error,sys
try: urllib.request.urlopen(sys.argv[1] + '/static/app.css')
except urllib.error.HTTPError: pass
" "$URL" 2>/dev/null; do
    n=$((n + 1)); [ $n -lt 100 ] || { echo "console bench: the server did not start" >&2; cat "$T/serve.out" >&2; exit 1; }
    sleep 0.1
done
COOKIE=$(python3 - "$URL" <<'PY'
import json, sys, urllib.request
req = urllib.request.Request(sys.argv[1] + "/api/login", method="POST",
                             data=json.dumps({"name": "bench-instructor", "secret": "bench-instructor-password"}).encode(),
                             headers={"Content-Type": "application/json"})
r = urllib.request.urlopen(req)
print(r.headers["Set-Cookie"].split(";")[0])
PY
)
# What is measured is what the console shows: check it once.
python3 - "$URL" "$COOKIE" <<'PY'
import json, sys, urllib.request
def get(path):
    req = urllib.request.Request(sys.argv[1] + path, headers={"Cookie": sys.argv[2]})
    return json.load(urllib.request.urlopen(req))
q = get("/api/queue")
r = get("/api/trainees/trainee-01")
o = get("/api/overview")
if len(o["jobs"]) != 50:
    sys.exit("console bench: the overview is not what it should be: %d jobs in work" % len(o["jobs"]))
jobs = sum(c["jobs"] for c in r["record"]["checklists"])
if len(q) != 100 or not 390 <= jobs <= 400:
    sys.exit("console bench: the fixture is not what it should be: %d waiting, %d jobs" % (len(q), jobs))
PY

p99() {
    wrk -t2 -c20 -d2s "$@" >/dev/null 2>&1
    sleep 1
    wrk --latency -t2 -c20 -d"${DURATION}s" "$@" >"$T/wrk.out" 2>&1
    if grep -q "Non-2xx" "$T/wrk.out"; then
        echo "console bench: non-2xx answers for $*:" >&2; cat "$T/wrk.out" >&2; exit 1
    fi
    awk '$1 == "99%" { v = $2; if (v ~ /us$/) { sub(/us$/, "", v); v /= 1000 }
                       else if (v ~ /ms$/) { sub(/ms$/, "", v) }
                       else if (v ~ /s$/) { sub(/s$/, "", v); v *= 1000 }
                       printf "%.2f", v }' "$T/wrk.out"
}

FLOOR=$(p99 -H "Cookie: $COOKIE" "$URL/static/app.css")
QUEUE=$(p99 -H "Cookie: $COOKIE" "$URL/api/queue")
RECORD=$(p99 -H "Cookie: $COOKIE" "$URL/api/trainees/trainee-01")
OVERVIEW=$(p99 -H "Cookie: $COOKIE" "$URL/api/overview")
# The overview again while the benches record: a step every half second (about what 50
# benches at work record), each commit having the overview computed again.
python3 - "$URL" "$COOKIE" "$LONG" >"$T/writer.cred" <<'PY'
import json, sys, urllib.request
base, cookie, job = sys.argv[1:4]
who = json.load(urllib.request.urlopen(urllib.request.Request(base + "/api/jobs/" + job, headers={"Cookie": cookie})))["trainee"]
r = urllib.request.urlopen(urllib.request.Request(base + "/api/login", method="POST",
    data=json.dumps({"name": who, "secret": "24681357"}).encode(), headers={"Content-Type": "application/json"}))
print(r.headers["Set-Cookie"].split(";")[0]); print(json.load(r)["csrf"])
PY
python3 - "$URL" "$LONG" "$(sed -n 1p "$T/writer.cred")" "$(sed -n 2p "$T/writer.cred")" "$((DURATION + 4))" >"$T/writer.out" 2>&1 <<'PY' &
import json, sys, time, urllib.request
base, job, cookie, csrf, seconds = sys.argv[1:6]
end, n = time.time() + float(seconds), 0
while time.time() < end:
    urllib.request.urlopen(urllib.request.Request(base + "/api/jobs/%s/steps" % job, method="POST",
        data=json.dumps({"step": "step-7", "note": "checked under load"}).encode(),
        headers={"Content-Type": "application/json", "Cookie": cookie, "X-CSRF-Token": csrf})).read()
    n += 1
    time.sleep(0.5)
print(n)
PY
WRITER=$!
OVERVIEW_W=$(p99 -H "Cookie: $COOKIE" "$URL/api/overview")
wait "$WRITER" || { echo "console bench: the steps could not be recorded:" >&2; cat "$T/writer.out" >&2; exit 1; }
python3 - "$URL" "$LONG" "$(sed -n 1p "$T/writer.cred")" "$(sed -n 2p "$T/writer.cred")" "$((DURATION + 4))" >"$T/writer.out" 2>&1 <<'PY' &
import json, sys, time, urllib.request
base, job, cookie, csrf, seconds = sys.argv[1:6]
end = time.time() + float(seconds)
while time.time() < end:
    urllib.request.urlopen(urllib.request.Request(base + "/api/jobs/%s/steps" % job, method="POST",
        data=json.dumps({"step": "step-7", "note": "checked under load"}).encode(),
        headers={"Content-Type": "application/json", "Cookie": cookie, "X-CSRF-Token": csrf})).read()
    time.sleep(0.5)
PY
WRITER=$!
QUEUE_W=$(p99 -H "Cookie: $COOKIE" "$URL/api/queue")
wait "$WRITER" || { echo "console bench: the steps could not be recorded:" >&2; cat "$T/writer.out" >&2; exit 1; }
mkdir -p "$T/run" && chmod 700 "$T/run" && printf 'bench-instructor-password\n' >"$T/secret"
XDG_RUNTIME_DIR="$T/run" ATELIER_RUN="$T/run" "$ATELIER" --data "$T/data" login bench-instructor --secret-file "$T/secret" >/dev/null
# Uncached, once each, as a command (its start included): the overview beside the queue.
once() {
    best=""
    for _ in 1 2 3 4 5; do
        s=$(date +%s%N)
        XDG_RUNTIME_DIR="$T/run" ATELIER_RUN="$T/run" "$ATELIER" --data "$T/data" job "$1" --json >/dev/null
        e=$((($(date +%s%N) - s) / 1000))
        if [ -z "$best" ] || [ "$e" -lt "$best" ]; then best=$e; fi
    done
    echo "$best"
}

echo "console bench: 50 trainees, 1,000 devices, 20,000 jobs, 20 instructors, ${DURATION} s each, p99"
awk -v f="$FLOOR" -v q="$QUEUE" -v r="$RECORD" -v o="$OVERVIEW" -v w="$OVERVIEW_W" -v qw="$QUEUE_W" 'BEGIN {
    printf "%-40s %8.2f ms\n", "static file (the floor)", f
    printf "%-40s %8.2f ms   ratio %5.1f  (<= 20 ms: %s)\n", "the grading queue (100 jobs)", q, q / f, q <= 20 ? "meets target" : "MISSES target"
    printf "%-40s %8.2f ms   ratio %5.1f  (<= 20 ms: %s)\n", "a trainee'"'"'s record (399 jobs)", r, r / f, r <= 20 ? "meets target" : "MISSES target"
    printf "%-40s %8.2f ms   ratio %5.1f  (<= 20 ms: %s)\n", "the live overview (50 jobs in work)", o, o / f, o <= 20 ? "meets target" : "MISSES target"
    printf "%-40s %8.2f ms   ratio %5.1f  (<= 20 ms: %s)\n", "  the same, a step every 0.5 s", w, w / f, w <= 20 ? "meets target" : "MISSES target"
    printf "%-40s %8.2f ms   ratio %5.1f\n", "  the queue, a step every 0.5 s", qw, qw / f
}'
OV_ONCE=$(once overview)
Q_ONCE=$(once queue)
awk -v o="$OV_ONCE" -v q="$Q_ONCE" 'BEGIN {
    printf "uncached, as a command (best of 5, its start included): overview %.1f ms, queue %.1f ms (ratio %.1f)\n", o / 1000, q / 1000, o / q
}'
