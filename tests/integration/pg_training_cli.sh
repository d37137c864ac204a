#!/bin/sh
# training_cli.sh with the records on PostgreSQL (tests/lib/on_pg.sh).
exec sh "$(dirname "$0")/../lib/on_pg.sh" training_cli
