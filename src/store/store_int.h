/*
 * store_int — what the files of src/store/ share; not for other modules.
 */
#ifndef ATELIER_STORE_STORE_INT_H
#define ATELIER_STORE_STORE_INT_H

#include <limits.h>
#include <sqlite3.h>

#include "store/store.h"

struct store {
	sqlite3 *db;
	int version;
	char path[PATH_MAX];
};

/* Record the detail of a failed CALL (running SQL, when not NULL) on the database at
 * PATH for store_last_error_message() and return RC translated. Call it before
 * sqlite3_finalize(), which resets the message. */
enum store_err store_int_fail(sqlite3 *db, int rc, const char *call, const char *sql,
			      const char *path);
/* Run one statement without parameters to its end; rows are ignored. */
enum store_err store_int_run(sqlite3 *db, const char *path, const char *sql);
/* Roll back the open transaction, if any, keeping the last failure's message. */
void store_int_rollback(sqlite3 *db);

#endif
