#!/bin/sh
# Reject calls to functions we never use: unbounded copies and formats, number
# parsers without error reporting, and non-reentrant tokenizers. Use snprintf,
# memcpy with a known length, strtol/strtoul with an end pointer, strtok_r.
# Scans every .c and .h file under src/, tests/ and bench/.
set -u
cd "$(dirname "$0")/.." || exit 2
BANNED='gets|strcpy|strcat|sprintf|vsprintf|atoi|atol|atoll|atof|strtok|tmpnam|mktemp|alloca'
# \b before the name, an opening parenthesis after: catches calls, not words in comments
# such as "snprintf" (the leading letters make it another word).
hits=$(grep -rnE "(^|[^A-Za-z0-9_])($BANNED)[[:space:]]*\(" --include='*.c' --include='*.h' \
       src tests bench 2>/dev/null | grep -vE '^[^:]+:[0-9]+:[[:space:]]*(/?\*|//)')
if [ -n "$hits" ]; then
    echo "banned functions used (see scripts/check-banned.sh for what to use instead):" >&2
    echo "$hits" >&2
    exit 1
fi
echo "check-banned: no banned function in src/, tests/, bench/"
