#!/bin/sh
# Every command reads its line the same way, as git does: options before or after the
# positionals, --name=value or --name value, -j for --json, and `--` before a positional
# that starts with a dash.
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/../lib/accounts.sh"

T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
A="$ATELIER --data $T/data"
J="python3 $(dirname "$0")/../lib/jq.py"

init_admin "$A"
add_user "$A" amina trainee
signin amina

check "user list -j is user list --json" \
    sh -c "$A user list -j > $T/u.json && $J $T/u.json \"d[0]['name']\" amina"
check "user add takes --role before its NAME" \
    sh -c "XDG_RUNTIME_DIR=$T/run/boss $A user add --role instructor ines --secret-file $T/secret-boss | grep -qx 'user ines added as instructor'"
check "--role=VALUE is --role VALUE" \
    sh -c "XDG_RUNTIME_DIR=$T/run/boss $A user add sam --role=instructor --secret-file=$T/secret-boss | grep -qx 'user sam added as instructor'"
check "device list --json after the subcommand, -j anywhere" \
    sh -c "$A device list -j | grep -qx '\\[\\]'"
expect_status 2 "an unknown option is a usage error" $A user list --jsonn
check "and it names the option and the help" \
    sh -c "$A user list --jsonn 2>&1 | grep -q \"unknown option '--jsonn'\" && $A user list --jsonn 2>&1 | grep -q \"try 'atelier user --help'\""
expect_status 2 "a flag given a value is a usage error" $A user list --json=yes
expect_status 2 "an option without its value is a usage error" $A user add bilal --role
expect_status 2 "a positional too many is a usage error" $A job show 1 2
expect_status 2 "a job that is not a number is a usage error" $A job show first
check "job show --json 1 reads the job, as job show 1 --json" \
    sh -c "$A job show --json 1 2>&1 | grep -q 'no job 1' && $A job show 1 --json 2>&1 | grep -q 'no job 1'"
expect_status 1 "and a job that does not exist is not a usage error" $A job show --json 1
check "-- ends the options: a name starting with a dash is a name" \
    sh -c "XDG_RUNTIME_DIR=$T/run/boss $A user add --role trainee --secret-file $T/secret-amina -- -x 2>&1 | grep -q \"'-x' is not a name\""
check "--help after a positional still explains the command" \
    sh -c "$A job show 1 --help | grep -q '^usage: atelier'"

done_testing
