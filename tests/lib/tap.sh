# Minimal TAP for shell tests: source it, call `check NAME COMMAND...` or
# `expect_status CODE NAME COMMAND...`, and `done_testing` at the end.
# Each test's output goes to $TAP_OUT, shown as TAP comments when it fails.
TAP_N=0
TAP_FAILED=0
TAP_OUT=$(mktemp -d)/out
ATELIER=${ATELIER_BIN:-build/atelier}

_tap_result() {
    TAP_N=$((TAP_N + 1))
    if [ "$1" -eq 0 ]; then
        echo "ok $TAP_N - $2"
    else
        TAP_FAILED=$((TAP_FAILED + 1))
        echo "not ok $TAP_N - $2"
        sed 's/^/# /' "$TAP_OUT" 2>/dev/null | head -40
    fi
}

# check NAME CMD...: passes when CMD exits 0.
check() {
    name=$1; shift
    if "$@" >"$TAP_OUT" 2>&1; then _tap_result 0 "$name"; else _tap_result 1 "$name"; fi
}

# expect_status CODE NAME CMD...: passes when CMD exits with CODE.
expect_status() {
    want=$1; name=$2; shift 2
    "$@" >"$TAP_OUT" 2>&1
    got=$?
    if [ "$got" -eq "$want" ]; then
        _tap_result 0 "$name"
    else
        echo "exit status $got, expected $want" >>"$TAP_OUT"
        _tap_result 1 "$name"
    fi
}

# skip NAME REASON: a check that does not apply to these records (say why in REASON),
# counted and shown as skipped.
skip() {
    TAP_N=$((TAP_N + 1))
    echo "ok $TAP_N - $1 # SKIP $2"
}

done_testing() {
    echo "1..$TAP_N"
    rm -rf "$(dirname "$TAP_OUT")"
    [ "$TAP_FAILED" -eq 0 ]
}

# records_sql DIR SQL: run SQL on the records of the data directory DIR, wherever the
# test keeps them: on PostgreSQL when ATELIER_DB names a database (tests/lib/on_pg.sh),
# else in DIR/atelier.db. Rows one per line, columns separated by |.
records_sql() {
    if [ -n "${ATELIER_DB:-}" ]; then
        psql -X -q -A -t -v ON_ERROR_STOP=1 "$ATELIER_DB" -c "$2"
    else
        sqlite3 "$1/atelier.db" "$2"
    fi
}

# records_raw DIR: every byte DIR's records hold, for a search: DIR/atelier.db as it is on
# disk, or the whole database as pg_dump writes it.
records_raw() {
    if records_on_pg; then
        pg_dump "$ATELIER_DB"
    else
        cat "$1/atelier.db"
    fi
}

# records_unguarded DIR TABLE TRIGGER SQL: run SQL on DIR's records with the append-only
# guard TRIGGER of TABLE out of the way, as someone who holds the records could: on SQLite
# the trigger is dropped (by whoever has the file), on PostgreSQL the superuser disables
# it for SQL and enables it again, so that only the rows changed tell what happened.
records_unguarded() {
    if records_on_pg; then
        records_sql "$1" "ALTER TABLE $2 DISABLE TRIGGER $3; $4; ALTER TABLE $2 ENABLE TRIGGER $3"
    else
        records_sql "$1" "DROP TRIGGER $3; $4"
    fi
}

# records_on_pg: true when the test keeps its records on PostgreSQL (tests/lib/on_pg.sh).
records_on_pg() {
    [ -n "${ATELIER_DB:-}" ]
}

# records_copy DIR COPY: COPY (replaced) becomes a copy of the data directory DIR and of
# its records. On PostgreSQL the records are copied into a database of their own, whose
# URL is written to COPY/atelier.url: run the commands on COPY with
# ATELIER_DB=$(cat COPY/atelier.url). Nobody may be connected to DIR's database.
records_copy() {
    rm -rf "$2"
    cp -a "$1" "$2" || return 1
    [ -n "${ATELIER_DB:-}" ] || return 0
    _records_db "$2" "TEMPLATE \"$(psql -X -qAt "$ATELIER_DB" -c 'SELECT current_database()')\""
}

# records_new DIR: the data directory DIR (made if missing) will be a workshop of its
# own, not the test's: on PostgreSQL an empty database is made for it, named both in
# DIR/atelier.url (records_url) and as db: in DIR/atelier.conf, as a workshop on
# PostgreSQL is set up. Run its commands with ATELIER_DB unset (env -u ATELIER_DB
# atelier --data DIR ...): they find their records there on PostgreSQL, and
# DIR/atelier.db on SQLite.
records_new() {
    mkdir -p "$1" || return 1
    [ -n "${ATELIER_DB:-}" ] || return 0
    _records_db "$1" "" && echo "db: $(cat "$1/atelier.url")" >"$1/atelier.conf"
}

# _records_db DIR OPTIONS: a new database made WITH OPTIONS, named after the test's
# ("NAME__N", dropped with it by tests/lib/on_pg.sh), its URL in DIR/atelier.url.
_records_db() {
    _records_base=$(psql -X -qAt "$ATELIER_DB" -c 'SELECT current_database()') || return 1
    _records_name="${_records_base%%__*}__$(date +%s%N)"
    psql -X -q -v ON_ERROR_STOP=1 "$ATELIER_DB" -c "CREATE DATABASE $_records_name $2" \
        >/dev/null || return 1
    echo "$ATELIER_DB" | sed "s|^\(postgres[a-z]*://[^/]*/\)[^?]*|\1$_records_name|" >"$1/atelier.url"
}

# records_url DIR: the ATELIER_DB for the data directory DIR (a copy's own, else the
# test's).
records_url() {
    if [ -f "$1/atelier.url" ]; then cat "$1/atelier.url"; else echo "${ATELIER_DB:-}"; fi
}
