#!/bin/sh
# The workshop key stays on the certifying station (issue #15): a bench joining a
# workshop whose records are on PostgreSQL signs what it records with a key of its own,
# once an admin at the station has enrolled it (src/svc/svc_benchkey.c).
#   - the station's `atelier init` makes the workshop key and publishes its public key;
#   - a bench's `atelier init` joins: the workshop's public key, its own key, no
#     workshop key; it records nothing until enrolled, and says what to do;
#   - enrolment is refused at a bench, and done at the station by an admin;
#   - the enrolled bench records, its heads check at the station and at the bench;
#   - a bench does not certify, and says where certificates are made;
#   - a head signed by a key with a forged enrolment is found by `db check`, while the
#     same head signed by the enrolled key checks out (the check can fail, and fails for
#     that reason alone).
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/../lib/pg_own.sh"

pg_own atelier_bench_keys
url=$URL
export ATELIER_DB="$url"
sql() { psql -X -qAt -v ON_ERROR_STOP=1 "$url" -c "$1"; }
mkdir -p "$T/run-station" "$T/run-bench" "$T/bench2" && chmod 700 "$T/run-station" "$T/run-bench"
STATION="$ATELIER --data $T/station"
BENCH="$ATELIER --data $T/bench2"
echo "bench: bench-2" >"$T/bench2/atelier.conf"
echo "pw-boss-correct-horse" >"$T/secret-boss"
echo "24681357" >"$T/pin" # the fixture's trainee, bench-trainee
at_station() { XDG_RUNTIME_DIR="$T/run-station" $STATION "$@"; }
at_bench() { XDG_RUNTIME_DIR="$T/run-bench" $BENCH "$@"; }

# ---- the certifying station ----
at_station init --admin boss --secret-file "$T/secret-boss" >"$T/init-station.out" 2>&1 ||
    { cat "$T/init-station.out"; echo "Bail out! station init"; exit 1; }
set -- $("$FIXTURE" "$T/station" 4 8 10) || { echo "Bail out! the fixture"; exit 1; }
DEVICE=$1
J=$2
at_station login boss --secret-file "$T/secret-boss" >/dev/null || { echo "Bail out! login"; exit 1; }
WORKSHOP_PUB=$(at_station key public)
check "the station publishes the workshop's public key in the records" \
    sh -c "test \"\$(psql -X -qAt '$url' -c \"SELECT value FROM bench WHERE key = 'workshop_key'\")\" = '$WORKSHOP_PUB'"

# ---- a bench joins ----
at_bench init >"$T/init-bench.out" 2>&1
sed 's/^/# /' "$T/init-bench.out"
check "a bench's init joins the workshop, showing the workshop key to compare with the station's" \
    sh -c "grep -q 'joins the workshop on' $T/init-bench.out && grep -qF 'the workshop key is $WORKSHOP_PUB' $T/init-bench.out"
check "it holds the workshop's public key and a key of its own, never the workshop key" \
    sh -c "cmp -s $T/station/keys/workshop.pub $T/bench2/keys/workshop.pub && test -f $T/bench2/keys/bench.key &&
           test ! -e $T/bench2/keys/workshop.key && test \"\$(stat -c %a $T/bench2/keys/bench.key)\" = 600"
BENCH_KEY=$(sql "SELECT key_id FROM bench_key WHERE bench = 'bench-2'")
check "its key waits, and init says how it is enrolled" \
    sh -c "test -n '$BENCH_KEY' && grep -q \"bench bench-2's key $BENCH_KEY waits for its enrolment: at the certifying station, an admin runs 'atelier key enrol bench-2'\" $T/init-bench.out"
check "init again on the bench keeps the same key" \
    sh -c "XDG_RUNTIME_DIR=$T/run-bench $BENCH init >/dev/null 2>&1 && test \"\$(psql -X -qAt '$url' -c 'SELECT count(*) FROM bench_key')\" = 1"

at_bench login bench-trainee --secret-file "$T/pin" >/dev/null || { echo "Bail out! login at the bench"; exit 1; }
at_bench job step "$J" step-1 --note "before enrolment" >"$T/before.out" 2>&1
echo $? >"$T/before.rc"
sed 's/^/# /' "$T/before.out"
check "before its enrolment the bench records nothing, and says why and what to do" \
    sh -c "test \"\$(cat $T/before.rc)\" != 0 && grep -q \"nothing was recorded\" $T/before.out &&
           grep -q \"not enrolled yet: at the certifying station, an admin runs 'atelier key enrol bench-2'\" $T/before.out &&
           test \"\$(psql -X -qAt '$url' -c \"SELECT count(*) FROM step_record WHERE note = 'before enrolment'\")\" = 0"

# ---- enrolment ----
mkdir -p "$T/run-bench-boss" && chmod 700 "$T/run-bench-boss"
XDG_RUNTIME_DIR="$T/run-bench-boss" $BENCH login boss --secret-file "$T/secret-boss" >/dev/null
check "a bench cannot enrol keys: that takes the workshop key" \
    sh -c "! XDG_RUNTIME_DIR=$T/run-bench-boss $BENCH key enrol bench-2 >$T/enrol-bench.out 2>&1 &&
           grep -q 'benches are enrolled at the certifying station' $T/enrol-bench.out"
mkdir -p "$T/run-station-trainee" && chmod 700 "$T/run-station-trainee"
XDG_RUNTIME_DIR="$T/run-station-trainee" $STATION login bench-trainee --secret-file "$T/pin" >/dev/null
check "a trainee at the station cannot enrol a bench" \
    sh -c "! XDG_RUNTIME_DIR=$T/run-station-trainee $STATION key enrol bench-2 >$T/enrol-trainee.out 2>&1 &&
           grep -q 'only an admin' $T/enrol-trainee.out"
check "an admin at the station enrols it" \
    sh -c "XDG_RUNTIME_DIR=$T/run-station $STATION key enrol bench-2 >$T/enrol.out 2>&1 &&
           grep -q \"bench bench-2's key $BENCH_KEY is enrolled\" $T/enrol.out"
check "a second enrolment is refused: nothing waits" \
    sh -c "! XDG_RUNTIME_DIR=$T/run-station $STATION key enrol bench-2 >$T/enrol2.out 2>&1 &&
           grep -q 'enrolled already' $T/enrol2.out"
check "an unknown bench is refused by name" \
    sh -c "! XDG_RUNTIME_DIR=$T/run-station $STATION key enrol bench-9 >$T/enrol9.out 2>&1 &&
           grep -q 'no bench bench-9 has given its key' $T/enrol9.out"

# ---- the enrolled bench records ----
check "the enrolled bench records a step" \
    sh -c "XDG_RUNTIME_DIR=$T/run-bench $BENCH job step $J step-1 --note 'after enrolment' >/dev/null 2>&1"
check "the job's head is signed with the bench's key" \
    sh -c "test \"\$(psql -X -qAt '$url' -c \"SELECT key_id FROM chain_head WHERE chain = 'job:$J'\")\" = '$BENCH_KEY'"
check "the station checks it: job verify and db check" \
    sh -c "$STATION job verify $J >/dev/null && $STATION db check >$T/check1.out 2>&1"
check "the bench checks it too" sh -c "$BENCH db check >/dev/null 2>&1"
check "key benches lists the bench, enrolled" \
    sh -c "$STATION key benches | grep -q '^bench-2 .*key $BENCH_KEY  enrolled '"
check "the bench does not certify, and says where certificates are made" \
    sh -c "! XDG_RUNTIME_DIR=$T/run-bench-boss $BENCH certify $DEVICE >$T/certify.out 2>&1 &&
           grep -q 'this bench does not certify: certificates are signed with the workshop key, at the certifying station' $T/certify.out"
sed 's/^/# /' "$T/certify.out"

# ---- a forged enrolment ----
# Someone who can write to the database makes a key, keeps it as a bench's with an
# enrolment signed by that key itself (not the workshop's), and signs the job's head with
# it. The same head signed with the enrolled key is the control.
python3 - "$url" "$J" "$T/bench2/keys/bench.key" "$T/forge.sql" "$T/control.sql" <<'PY'
import base64, hashlib, subprocess, sys
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives import serialization
url, job, bench_key, forge, control = sys.argv[1:6]
def q(sql):
    return subprocess.run(["psql", "-X", "-qAt", url, "-c", sql], check=True,
                          capture_output=True, text=True).stdout.strip()
def pub_text(k):
    raw = k.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return "ed25519:" + base64.b64encode(raw).decode(), hashlib.sha256(raw).hexdigest()[:16]
seq, h = q("SELECT seq, hash FROM chain_head WHERE chain = 'job:%s'" % job).split("|")
msg = ("atelier-head-v1\njob:%s\n%s\n%s\n" % (job, seq, h)).encode()
rogue = Ed25519PrivateKey.generate()
pub, kid = pub_text(rogue)
enrol = ("atelier bench key v1\nbench-2\n%s\n%s\n1\n" % (kid, pub)).encode()
sig = lambda k, m: base64.b64encode(k.sign(m)).decode()
signer = q("SELECT signer FROM bench_enrolment LIMIT 1")
with open(forge, "w") as f:
    f.write("INSERT INTO bench_key (bench, key_id, public, t_ms) VALUES ('bench-2', '%s', '%s', 1);\n" % (kid, pub))
    f.write("INSERT INTO bench_enrolment (key_id, by_user, t_ms, signer, sig) VALUES ('%s', 1, 1, '%s', '%s');\n"
            % (kid, signer, sig(rogue, enrol)))
    f.write("UPDATE chain_head SET key_id = '%s', sig = '%s' WHERE chain = 'job:%s';\n" % (kid, sig(rogue, msg), job))
seed = base64.b64decode(open(bench_key).read().strip()[len("ed25519-seed:"):])
real = Ed25519PrivateKey.from_private_bytes(seed)
real_pub, real_kid = pub_text(real)
with open(control, "w") as f:
    f.write("UPDATE chain_head SET key_id = '%s', sig = '%s' WHERE chain = 'job:%s';\n" % (real_kid, sig(real, msg), job))
PY
psql -X -q -v ON_ERROR_STOP=1 "$url" -f "$T/forge.sql" >/dev/null
check "db check finds the head signed by a key the workshop never enrolled" \
    sh -c "! $STATION db check >$T/check-forged.out 2>&1 && grep -q 'job:$J' $T/check-forged.out"
sed 's/^/# /' "$T/check-forged.out" | head -5
check "key benches shows the forged key as not trusted" \
    sh -c "$STATION key benches | grep -q 'not trusted: the enrolment of key .* of bench bench-2 is not signed by the workshop key'"
psql -X -q -v ON_ERROR_STOP=1 "$url" -f "$T/control.sql" >/dev/null
check "and only that head: the others check out" sh -c "test \"\$(grep -c 'job:' $T/check-forged.out)\" = 1"
check "the same head signed again with the enrolled key checks out" \
    sh -c "$STATION db check >/dev/null 2>&1 && $STATION job verify $J >/dev/null 2>&1"
done_testing
