#!/bin/sh
# The command line as an installer and an instructor meet it: help, version, init,
# database check and backup, refusals with clear words and documented exit codes.
. "$(dirname "$0")/../lib/tap.sh"

T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
unset ATELIER_DATA XDG_DATA_HOME
export HOME="$T/home"

has() { grep -q -- "$2" "$1"; }

check "version is printed" sh -c "$ATELIER --version | grep -q '^atelier [0-9]'"
check "help lists every command" sh -c "$ATELIER --help > $T/h && grep -q init $T/h && grep -q devices $T/h && grep -q watch $T/h && grep -q 'db ' $T/h"
for c in init db devices watch; do
    check "'$c --help' explains the command" sh -c "$ATELIER $c --help | grep -q 'usage: atelier'"
done
expect_status 2 "unknown command is a usage error" $ATELIER frobnicate
check "unknown command names itself" sh -c "$ATELIER frobnicate 2>&1 | grep -q \"'frobnicate' is not a command\""
expect_status 2 "unknown option of devices is a usage error" $ATELIER devices --bogus
expect_status 2 "no command is a usage error" $ATELIER

# Data directory resolution: --data, then ATELIER_DATA, then XDG_DATA_HOME, then HOME.
check "init without options uses ~/.local/share/atelier" sh -c "$ATELIER init && test -f $HOME/.local/share/atelier/atelier.db"
check "init honours XDG_DATA_HOME" sh -c "XDG_DATA_HOME=$T/xdg $ATELIER init && test -f $T/xdg/atelier/atelier.db"
check "init honours ATELIER_DATA over XDG_DATA_HOME" sh -c "ATELIER_DATA=$T/env XDG_DATA_HOME=$T/xdg2 $ATELIER init && test -f $T/env/atelier.db && ! test -e $T/xdg2"
D="$T/bench data"
check "init --data creates the directory and the database" $ATELIER --data "$D" init
check "data directory is private (0700)" sh -c "test \"\$(stat -c %a '$D')\" = 700"
check "init again is harmless" $ATELIER --data "$D" init
check "db check of a fresh database says ok" sh -c "$ATELIER --data '$D' db check | grep -q ': ok'"

expect_status 3 "db check before init says to run init" $ATELIER --data "$T/nothing" db check
check "db check before init names the fix" sh -c "$ATELIER --data $T/nothing db check 2>&1 | grep -q \"run 'atelier init'\""
check "db check does not create a database" test ! -e "$T/nothing/atelier.db"

check "db backup writes an openable copy" sh -c "$ATELIER --data '$D' db backup $T/b1.db && $ATELIER --data '$T/restore' init >/dev/null && cp $T/b1.db $T/restore/atelier.db && $ATELIER --data '$T/restore' db check"
expect_status 2 "db backup onto the database itself is refused" $ATELIER --data "$D" db backup "$D/atelier.db"
expect_status 2 "db backup needs a file" $ATELIER --data "$D" db backup
expect_status 1 "db backup into a missing directory fails" $ATELIER --data "$D" db backup "$T/no/such/dir/b.db"
check "database still fine after the refused backups" $ATELIER --data "$D" db check

# A database made by the first release (schema 1) is brought forward, its rows kept.
O="$T/older"
mkdir -p "$O"
sqlite3 "$O/atelier.db" "CREATE TABLE bench (key TEXT PRIMARY KEY, value TEXT NOT NULL); CREATE TABLE usb_sighting (id INTEGER PRIMARY KEY, port_id TEXT NOT NULL, vendor_id TEXT NOT NULL, product_id TEXT NOT NULL, serial TEXT, platform TEXT NOT NULL, mode TEXT NOT NULL, first_seen_ms INTEGER NOT NULL, last_seen_ms INTEGER NOT NULL); INSERT INTO bench VALUES ('created_at', '2026-11-01T10:00:00.000Z'); PRAGMA user_version=1;"
check "a schema 1 database is migrated by init" \
    sh -c "$ATELIER --data $O init | grep -q 'schema version 15' && test \"\$(sqlite3 $O/atelier.db 'PRAGMA user_version')\" = 15"
check "its records are kept and the device tables added" \
    sh -c "test \"\$(sqlite3 $O/atelier.db \"SELECT value FROM bench WHERE key = 'created_at'\")\" = 2026-11-01T10:00:00.000Z && sqlite3 $O/atelier.db 'SELECT COUNT(*) FROM device, probe' >/dev/null && $ATELIER --data $O db check"

# A database from a newer Atelier is refused and left byte for byte as it was.
N="$T/newer"
mkdir -p "$N"
sqlite3 "$N/atelier.db" 'CREATE TABLE future(x); PRAGMA user_version=99;'
sum_before=$(md5sum "$N/atelier.db")
expect_status 4 "newer database is refused" $ATELIER --data "$N" init
check "refusal names both versions" sh -c "$ATELIER --data $N db check 2>&1 | grep -q 'schema version 99, newer than'"
check "newer database left untouched" sh -c "test \"\$(md5sum $N/atelier.db)\" = \"$sum_before\" && ! test -e $N/atelier.db-wal"

# A damaged file: a clear refusal, never a crash.
B="$T/broken"
mkdir -p "$B"
echo "this is not a database" > "$B/atelier.db"
expect_status 4 "a text file in place of the database is refused" $ATELIER --data "$B" db check
check "the refusal says it is not a usable database" sh -c "$ATELIER --data $B db check 2>&1 | grep -q 'not a usable Atelier database'"

# Damage inside a real database is found by db check.
C="$T/corrupt"
$ATELIER --data "$C" init >/dev/null
sqlite3 "$C/atelier.db" "PRAGMA journal_mode=DELETE; CREATE TABLE filler(x); WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM n WHERE i<2000) INSERT INTO filler SELECT printf('%0400d', i) FROM n; CREATE INDEX filler_x ON filler(x);" >/dev/null
size=$(stat -c %s "$C/atelier.db")
dd if=/dev/urandom of="$C/atelier.db" bs=4096 seek=$((size / 4096 / 2)) count=8 conv=notrunc 2>/dev/null
expect_status 4 "db check finds damage and says so" $ATELIER --data "$C" db check

done_testing
