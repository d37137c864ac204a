/*
 * records_here — where a unit test's store keeps its records: DIR's SQLite file, or,
 * when the test runs on PostgreSQL (tests/integration/pg_store_units.sh sets
 * ATELIER_UNIT_PG to a server's URL), a new database of its own on that server, named
 * in DIR/atelier.conf as a bench names its records (db: URL). The same test then runs
 * on both backends unchanged: store_open(DIR, ...) finds the records either way.
 */
#ifndef ATELIER_TESTS_RECORDS_HERE_H
#define ATELIER_TESTS_RECORDS_HERE_H

/* Call right after making DIR (mkdtemp). 0, or -1 with a message on stderr. */
int records_here(const char *dir);
/* 1 when the records are on PostgreSQL in this run. */
int records_on_pg(void);
/* Run SQL (statements separated by "; ") on DIR's records behind the store's back, as
 * someone with the database would: DIR's SQLite file, or the database DIR/atelier.conf
 * names. "DROP TRIGGER T" is given its table on PostgreSQL (T's name before "_no_").
 * 0 when every statement ran, -1 when one was refused (the rest are not run). */
int records_exec(const char *dir, const char *sql);
/* The one number QUERY gives on DIR's records, read by a connection of its own (what is
 * committed); -1 when it cannot be read. */
long long records_int(const char *dir, const char *query);

#endif
