# Accounts for the shell tests: source it right after tap.sh. Every person signs in for
# real (atelier login with a secret file) and keeps her session in her own runtime
# directory, $T/run/NAME (mode 0700), so that a test acts as two people in turn:
#   init_admin "$A"          atelier init with the first admin, boss ($T/secret-boss),
#                            who signs in
#   add_user "$A" NAME ROLE  boss adds NAME with a secret in $T/secret-NAME (a PIN for a
#                            trainee, else a password); NAME signs in
#   signin NAME              act as NAME from now on
#   as NAME CMD...           run CMD once as NAME
# ATELIER becomes tests/lib/as_by, which runs atelier in the runtime directory of the
# person a --by NAME (or --trainee NAME) names when she has one, else in the current
# one: a command that says who acts is run by that person, as at a real bench. The
# attacks (a --by that is not the person signed in) are in accounts_cli.sh, which runs
# atelier itself.
ATELIER_REAL=${ATELIER_REAL:-$ATELIER}
ATELIER="$(cd "$(dirname "$0")/../lib" && pwd)/as_by"
export ATELIER_REAL

# secret_of NAME ROLE: the file holding NAME's secret (written once).
secret_of() {
    f="$T/secret-$1"
    if [ ! -f "$f" ]; then
        if [ "$2" = trainee ]; then echo 13572468 >"$f"; else echo "pw-$1-correct-horse" >"$f"; fi
    fi
    echo "$f"
}

_rundir() {
    mkdir -p "$T/run/$1" && chmod 700 "$T/run" "$T/run/$1"
    echo "$T/run/$1"
}

init_admin() {
    export ATELIER_RUN="$T/run"
    $1 init --admin boss --secret-file "$(secret_of boss admin)" >/dev/null &&
        XDG_RUNTIME_DIR=$(_rundir boss) $1 login boss --secret-file "$T/secret-boss" >/dev/null &&
        signin boss
}

add_user() {
    XDG_RUNTIME_DIR=$(_rundir boss) $1 user add "$2" --role "$3" --secret-file "$(secret_of "$2" "$3")" >/dev/null &&
        XDG_RUNTIME_DIR=$(_rundir "$2") $1 login "$2" --secret-file "$T/secret-$2" >/dev/null
}

signin() {
    XDG_RUNTIME_DIR=$(_rundir "$1")
    export XDG_RUNTIME_DIR
}

as() {
    who=$1; shift
    XDG_RUNTIME_DIR=$(_rundir "$who") "$@"
}
