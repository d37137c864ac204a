#!/bin/sh
# The web server under load: with 1,000 devices and 10,000 jobs in the store (made by
# build/bench/web_fixture) and 50 connections at once (wrk, from Debian), the 99th
# percentile of the device list, of a 100-step job page and of recording a step (all
# into the long job, and spread over 50 open jobs as 50 benches at work would), each
# against the same percentile for a small static file served in the same run (the
# floor: what the server costs before any record is read). Targets: each p99 <= 10 ms.
# The issue's figure for a step is the one into the long job at 50 connections; the 50
# jobs without a pause ask more (each step dirties pages of its own job: about 16 KB of
# write-ahead log where the long job's share them, docs/architecture.md) and are printed
# against the same 10 ms, for scale.
# Also the server's memory when idle (target <= 20 MB).
#
# usage: sh bench/web_bench.sh BUILD_DIR
set -eu
BUILD=${1:?usage: web_bench.sh BUILD_DIR}
ATELIER="$BUILD/atelier"
T=$(mktemp -d)
SERVER=""
PROBE=""
trap '[ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null; [ -n "$PROBE" ] && kill "$PROBE" 2>/dev/null; rm -rf "$T"' EXIT
DURATION=${WEB_BENCH_SECONDS:-10}

command -v wrk >/dev/null || { echo "web bench: wrk is missing (scripts/setup-deps.sh installs it)" >&2; exit 1; }
echo "web bench: making 1,000 devices and 10,000 jobs (about 20 s)"
set -- $("$BUILD/bench/web_fixture" "$T/data" 1000 10000 100)
JOB=$2
shift
OPEN_JOBS=$(echo "$@" | tr ' ' ',')
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$ATELIER" --data "$T/data" serve --listen "127.0.0.1:$PORT" >"$T/serve.out" 2>&1 &
SERVER=$!
URL="http://127.0.0.1:$PORT"
n=0
until python3 -c "import urllib.request,sys; urllib.request.urlopen(sys.argv[1] + '/api/me')" "$URL" 2>/dev/null ||
      python3 -c "import urllib.request,urllib.error,sys
try: urllib.request.urlopen(sys.argv[1] + '/api/me')
except urllib.error.HTTPError: sys.exit(0)
sys.exit(1)" "$URL"; do
    n=$((n + 1)); [ $n -lt 100 ] || { echo "web bench: the server did not start" >&2; cat "$T/serve.out" >&2; exit 1; }
    sleep 0.1
done
sleep 1
RSS_IDLE=$(awk '/VmRSS/ {print $2}' "/proc/$SERVER/status")

# Sign in as the fixture's trainee: the session cookie and the CSRF token.
python3 - "$URL" >"$T/session" <<'PY'
import json, sys, urllib.request
req = urllib.request.Request(sys.argv[1] + "/api/login", method="POST",
                             data=json.dumps({"name": "bench-trainee", "secret": "24681357"}).encode(),
                             headers={"Content-Type": "application/json"})
r = urllib.request.urlopen(req)
cookie = r.headers["Set-Cookie"].split(";")[0]
print(cookie)
print(json.load(r)["csrf"])
PY
COOKIE=$(sed -n 1p "$T/session")
CSRF=$(sed -n 2p "$T/session")
cat >"$T/step.lua" <<EOF
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["X-CSRF-Token"] = "$CSRF"
wrk.headers["Cookie"] = "$COOKIE"
wrk.body = '{"step": "step-7", "note": "checked under load"}'
EOF
# Fifty benches at work: each request records a step of the next of the 50 open jobs.
cat >"$T/steps50.lua" <<EOF
local jobs = { $OPEN_JOBS }
local n = 0
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["X-CSRF-Token"] = "$CSRF"
wrk.headers["Cookie"] = "$COOKIE"
wrk.body = '{"step": "step-7", "note": "checked under load"}'
request = function()
    n = n + 1
    return wrk.format(nil, "/api/jobs/" .. jobs[n % #jobs + 1] .. "/steps")
end
EOF

# The same fifty benches, each pausing after each answer before its next step, PAUSE ms
# on average (wrk's delay(), drawn between 0 and 2 x PAUSE: trainees do not record in
# step with each other, and 50 connections pausing alike would fire together): a load
# below the server's capacity, where a step's latency is its own cost and not the queue
# of 50 connections that never pause.
for PAUSE in 50 20; do
    sed -e "s/^request = function()/delay = function() return math.random(0, $((2 * PAUSE))) end\\nrequest = function()/" \
        "$T/steps50.lua" >"$T/paced$PAUSE.lua"
done

# p99 in milliseconds of wrk's latency distribution, after 2 s of the same load left
# out (the server opens the contexts it keeps: the steady state is measured).
p99() {
    wrk -t2 -c50 -d2s "$@" >/dev/null 2>&1
    sleep 1 # the warm-up's connections close: the server takes WEB_CONN_MAX (64) at once
    wrk --latency -t2 -c50 -d"${DURATION}s" "$@" >"$T/wrk.out" 2>&1
    if grep -q "Non-2xx" "$T/wrk.out"; then
        echo "web bench: non-2xx answers for $*:" >&2; cat "$T/wrk.out" >&2; exit 1
    fi
    # A connection the server closed or dropped (over WEB_CONN_MAX, say) is counted
    # apart from the answers: the latencies would then be of the ones that got through.
    if grep -q "Socket errors" "$T/wrk.out"; then
        echo "web bench: connections failed for $*:" >&2; cat "$T/wrk.out" >&2; exit 1
    fi
    awk '$1 == "99%" { v = $2; if (v ~ /us$/) { sub(/us$/, "", v); v /= 1000 }
                       else if (v ~ /ms$/) { sub(/ms$/, "", v) }
                       else if (v ~ /s$/) { sub(/s$/, "", v); v *= 1000 }
                       printf "%.2f", v }' "$T/wrk.out"
}

# The share of the processors' time the host took back from this machine (steal, in
# /proc/stat) while the runs were made: a virtual machine on a busy host waits for it,
# and every figure above then measures the host as much as the server.
cpu_now() { awk '$1 == "cpu" { print $2+$3+$4+$5+$6+$7+$8+$9, $9 }' /proc/stat; }
CPU0=$(cpu_now)
# The reads as the screens make them: Chromium asks for gzip (its Accept-Encoding), and the
# server sends a kept answer gzipped (src/web/cache.c). The device list is also read as a
# client that takes no gzip would, for scale: 282 KB an answer in place of 18 KB.
BROWSER="Accept-Encoding: gzip, deflate, br"
FLOOR=$(p99 -H "Cookie: $COOKIE" -H "$BROWSER" "$URL/static/app.css")
DEVICES=$(p99 -H "Cookie: $COOKIE" -H "$BROWSER" "$URL/api/devices")
DEVICES_PLAIN=$(p99 -H "Cookie: $COOKIE" "$URL/api/devices")
JOBPAGE=$(p99 -H "Cookie: $COOKIE" -H "$BROWSER" "$URL/api/jobs/$JOB")
STEP=$(p99 -s "$T/step.lua" "$URL/api/jobs/$JOB/steps")
STEP50=$(p99 -s "$T/steps50.lua" "$URL/")
# p99() runs in a subshell: its rate is read back from its last output.
RATE50=$(awk '$1 == "Requests/sec:" { printf "%.0f", $2 }' "$T/wrk.out")
# The write-ahead log's file after those runs that never pause: SQLite starts the log over
# only once it was copied back whole, which such a load never leaves time for; the
# server makes it start over at 64 MiB (db_sqlite.c). Before, it grew by all that was
# written: 388 MB in half a minute.
LOG_AFTER=$(stat -c %s "$T/data/atelier.db-wal" 2>/dev/null || echo 0)
# The disk while the paced runs are made: an fdatasync() of a 4 KiB append every 20 ms,
# in the bench's folder, for as long as both runs last. A step is answered once its batch
# is synced, so a sync the disk holds up for 10 ms or more (a busy host's disk does)
# holds up the steps waiting for it: this says how often the disk alone did so.
python3 - "$T/probe.test" $((2 * (DURATION + 3) + 2)) >"$T/probe.out" <<'PY' &
import os, sys, time
fd = os.open(sys.argv[1], os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
end = time.monotonic() + float(sys.argv[2])
t = []
while time.monotonic() < end:
    os.write(fd, b"x" * 4096)
    s = time.perf_counter()
    os.fdatasync(fd)
    t.append((time.perf_counter() - s) * 1000)
    time.sleep(0.02)
t.sort()
print("%.2f %.2f %d %d" % (t[int(len(t) * 0.99)], t[-1], sum(1 for x in t if x >= 10), len(t)))
PY
PROBE=$!
PACED50=$(p99 -s "$T/paced50.lua" "$URL/")
RATE_P50=$(awk '$1 == "Requests/sec:" { printf "%.0f", $2 }' "$T/wrk.out")
PACED20=$(p99 -s "$T/paced20.lua" "$URL/")
RATE_P20=$(awk '$1 == "Requests/sec:" { printf "%.0f", $2 }' "$T/wrk.out")
wait "$PROBE"
PROBE=""
read -r PROBE99 PROBEMAX PROBESLOW PROBEN <"$T/probe.out"
# The disk's own cost of a commit in this run: the p99 of 300 fdatasync() of a 4 KiB
# append, in the bench's folder (SQLite's WAL makes one per commit, synchronous=FULL).
SYNC99=$(python3 - "$T/sync.test" <<'PY'
import os, sys, time
fd = os.open(sys.argv[1], os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
t = []
for _ in range(300):
    os.write(fd, b"x" * 4096)
    s = time.perf_counter()
    os.fdatasync(fd)
    t.append((time.perf_counter() - s) * 1000)
t.sort()
print("%.2f" % t[296])
PY
)
# The device list computed afresh: the figure above is of an answer kept while the
# records are unchanged (src/web/cache.c), and every step recorded changes them. Here each
# read follows a step, after all the runs above made the 50 open jobs' records grow to
# thousands each (the time a trainee's history screen waits, as it opens, on a workshop
# at work). Median and slowest of 20.
FRESH=$(python3 - "$URL" "$COOKIE" "$CSRF" "$JOB" <<'PY'
import json, sys, time, urllib.request
url, cookie, csrf, job = sys.argv[1:5]
t = []
for _ in range(20):
    req = urllib.request.Request(url + "/api/jobs/%s/steps" % job, method="POST",
                                 data=json.dumps({"step": "step-7", "note": "again"}).encode(),
                                 headers={"Content-Type": "application/json", "Cookie": cookie,
                                          "X-CSRF-Token": csrf})
    urllib.request.urlopen(req).read()
    s = time.perf_counter()
    urllib.request.urlopen(urllib.request.Request(url + "/api/devices", headers={"Cookie": cookie})).read()
    t.append((time.perf_counter() - s) * 1000)
t.sort()
print("%.1f %.1f" % (t[len(t) // 2], t[-1]))
PY
)
RSS_AFTER=$(awk '/VmRSS/ {print $2}' "/proc/$SERVER/status")
STEAL=$(echo "$CPU0 $(cpu_now)" | awk '{ t = $3 - $1; printf "%.1f", (t > 0 ? 100 * ($4 - $2) / t : 0) }')

echo "web bench: 1,000 devices, 10,000 jobs, 50 connections, ${DURATION} s each, p99"
awk -v f="$FLOOR" -v d="$DEVICES" -v j="$JOBPAGE" -v s="$STEP" -v s50="$STEP50" -v r50="$RATE50" -v p50="$PACED50" -v rp50="$RATE_P50" -v p20="$PACED20" -v rp20="$RATE_P20" -v sy="$SYNC99" -v pp="$PROBE99" -v pm="$PROBEMAX" -v ps="$PROBESLOW" -v pn="$PROBEN" -v r="$RSS_IDLE" -v a="$RSS_AFTER" -v st="$STEAL" -v lg="$LOG_AFTER" -v fr="$FRESH" -v dp="$DEVICES_PLAIN" 'BEGIN {
    printf "%-34s %8.2f ms\n", "static file (the floor)", f
    printf "%-34s %8.2f ms   ratio %5.1f  (<= 10 ms: %s)\n", "device list", d, d / f, d <= 10 ? "meets target" : "MISSES target"
    printf "%-34s %8.2f ms   ratio %5.1f  (a client that takes no gzip, for scale)\n", "  uncompressed", dp, dp / f
    split(fr, fa, " ")
    printf "%-34s %8.1f ms   median, slowest %.1f ms (alone, after a step: for scale)\n", "  computed afresh", fa[1], fa[2]
    printf "%-34s %8.2f ms   ratio %5.1f  (<= 10 ms: %s)\n", "a 100-step job page", j, j / f, j <= 10 ? "meets target" : "MISSES target"
    printf "%-34s %8.2f ms   ratio %5.1f  (<= 10 ms: %s)\n", "recording a step (one job)", s, s / f, s <= 10 ? "meets target" : "MISSES target"
    printf "%-34s %8.2f ms   ratio %5.1f  (<= 10 ms: %s)\n", "recording a step (50 jobs)", s50, s50 / f, s50 <= 10 ? "met" : "not met"
    printf "  (stricter than the issue'"'"'s figure, which is the line above: no pause, the server at\n"
    printf "   capacity, %d steps/s; a closed loop of 50 connections waits 50 / capacity on\n", r50
    printf "   average, Little'"'"'s law; the paced lines below are 50 benches at work)\n"
    printf "%-34s %8.2f ms   ratio %5.1f  (<= 10 ms: %s) at %d steps/s\n", "step, 50 benches, ~50 ms pauses", p50, p50 / f, p50 <= 10 ? "meets target" : "MISSES target", rp50
    printf "%-34s %8.2f ms   ratio %5.1f  (<= 10 ms: %s) at %d steps/s\n", "step, 50 benches, ~20 ms pauses", p20, p20 / f, p20 <= 10 ? "meets target" : "MISSES target", rp20
    printf "%-34s %8.2f ms   (the disk, for scale)\n", "fdatasync of 4 KiB, p99", sy
    printf "%-34s %8.2f ms   max %.2f ms; %d of %d syncs took 10 ms or more\n", "  the same during the paced runs", pp, pm, ps, pn
    printf "   (a step waits for its batch'"'"'s sync: a disk that holds syncs up misses the paced\n"
    printf "   targets whatever the server does)\n"
    printf "%-34s %8.1f %%    (taken by the host during the runs; above a few %%,\n", "processor time stolen", st
    printf "   the figures measure the other guests of the host as much as the server)\n"
    printf "%-34s %8.1f MB   (<= 20 MB: %s); %.1f MB after the load\n", "server RSS when idle", r / 1024, r / 1024 <= 20 ? "meets target" : "MISSES target", a / 1024
    printf "%-34s %8.1f MB   (made to start over at 64 MiB: %s)\n", "write-ahead log after no pause", lg / 1048576, lg <= 80 * 1048576 ? "bounded" : "GREW PAST IT"
}'
