#!/bin/sh
# accounts_cli.sh with the records on PostgreSQL (tests/lib/on_pg.sh).
exec sh "$(dirname "$0")/../lib/on_pg.sh" accounts_cli
