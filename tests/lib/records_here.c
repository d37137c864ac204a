/* See records_here.h. */
#include "records_here.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libpq-fe.h>
#include <sqlite3.h>

int records_on_pg(void)
{
	const char *url = getenv("ATELIER_UNIT_PG");

	return url && url[0];
}

int records_here(const char *dir)
{
	static unsigned n;
	const char *url = getenv("ATELIER_UNIT_PG");
	char name[64], sql[128], conf[4096], *mine = NULL;
	const char *at;
	PGconn *c;
	PGresult *r;
	FILE *f;
	int ok;

	if (!records_on_pg())
		return 0;
	/* Named after the run's prefix (the script drops them all at the end). */
	snprintf(name, sizeof(name), "%s_%ld_%u",
		 getenv("ATELIER_UNIT_PG_PREFIX") ? getenv("ATELIER_UNIT_PG_PREFIX") : "unit",
		 (long)getpid(), ++n);
	c = PQconnectdb(url);
	if (PQstatus(c) != CONNECTION_OK) {
		fprintf(stderr, "records_here: %s: %s", url, PQerrorMessage(c));
		PQfinish(c);
		return -1;
	}
	snprintf(sql, sizeof(sql), "CREATE DATABASE %s", name);
	r = PQexec(c, sql);
	ok = PQresultStatus(r) == PGRES_COMMAND_OK;
	if (!ok)
		fprintf(stderr, "records_here: %s: %s", sql, PQerrorMessage(c));
	PQclear(r);
	PQfinish(c);
	if (!ok)
		return -1;
	/* The server's URL names its database ("/atelier_test?"): the same, with ours. */
	at = strstr(url, "/atelier_test?");
	if (!at || asprintf(&mine, "%.*s/%s%s", (int)(at - url), url, name,
			    at + strlen("/atelier_test")) < 0) {
		fprintf(stderr, "records_here: %s does not name atelier_test\n", url);
		return -1;
	}
	snprintf(conf, sizeof(conf), "%s/atelier.conf", dir);
	f = fopen(conf, "w");
	ok = f && fprintf(f, "db: %s\n", mine) > 0;
	if (f && fclose(f) != 0)
		ok = 0;
	free(mine);
	if (!ok)
		fprintf(stderr, "records_here: cannot write %s\n", conf);
	return ok ? 0 : -1;
}

/* The URL DIR/atelier.conf names (db: URL) into OUT; 0 when there is none. */
static int conf_url(const char *dir, char *out, size_t size)
{
	char path[4096], line[4096];
	FILE *f;
	int found = 0;

	snprintf(path, sizeof(path), "%s/atelier.conf", dir);
	f = fopen(path, "r");
	if (!f)
		return 0;
	while (!found && fgets(line, sizeof(line), f)) {
		if (strncmp(line, "db: ", 4) != 0)
			continue;
		line[strcspn(line, "\n")] = '\0';
		snprintf(out, size, "%s", line + 4);
		found = 1;
	}
	fclose(f);
	return found;
}

/* One statement STMT on PostgreSQL's connection C. */
static int pg_one(PGconn *c, const char *stmt)
{
	char fixed[4096];
	PGresult *r;
	int ok;

	if (strncmp(stmt, "DROP TRIGGER ", 13) == 0 && !strstr(stmt, " ON ")) {
		const char *name = stmt + 13, *no = strstr(name, "_no_");

		if (!no)
			return -1;
		snprintf(fixed, sizeof(fixed), "%s ON %.*s", stmt, (int)(no - name), name);
		stmt = fixed;
	}
	r = PQexec(c, stmt);
	ok = PQresultStatus(r) == PGRES_COMMAND_OK || PQresultStatus(r) == PGRES_TUPLES_OK;
	PQclear(r);
	return ok ? 0 : -1;
}

int records_exec(const char *dir, const char *sql)
{
	char url[4096], path[4096], *copy, *stmt, *next;
	int rc = 0;

	if (!conf_url(dir, url, sizeof(url))) {
		sqlite3 *db;

		snprintf(path, sizeof(path), "%s/atelier.db", dir);
		if (sqlite3_open(path, &db) != SQLITE_OK) {
			sqlite3_close(db);
			return -1;
		}
		rc = sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK ? 0 : -1;
		sqlite3_close(db);
		return rc;
	}
	{
		PGconn *c = PQconnectdb(url);

		copy = strdup(sql);
		if (PQstatus(c) != CONNECTION_OK || !copy) {
			PQfinish(c);
			free(copy);
			return -1;
		}
		for (stmt = copy; stmt && *stmt && rc == 0; stmt = next) {
			next = strstr(stmt, "; ");
			if (next) {
				*next = '\0';
				next += 2;
			}
			rc = pg_one(c, stmt);
		}
		free(copy);
		PQfinish(c);
	}
	return rc;
}

long long records_int(const char *dir, const char *query)
{
	char url[4096], path[4096];
	long long v = -1;

	if (!conf_url(dir, url, sizeof(url))) {
		sqlite3 *db;
		sqlite3_stmt *stmt;

		snprintf(path, sizeof(path), "%s/atelier.db", dir);
		if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
		    sqlite3_prepare_v2(db, query, -1, &stmt, NULL) == SQLITE_OK) {
			if (sqlite3_step(stmt) == SQLITE_ROW)
				v = sqlite3_column_int64(stmt, 0);
			sqlite3_finalize(stmt);
		}
		sqlite3_close(db);
		return v;
	}
	{
		PGconn *c = PQconnectdb(url);
		PGresult *r = PQstatus(c) == CONNECTION_OK ? PQexec(c, query) : NULL;

		if (r && PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1)
			v = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
		PQclear(r);
		PQfinish(c);
	}
	return v;
}
