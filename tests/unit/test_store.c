/*
 * Unit tests of the store: what a user of Atelier sees of the database file.
 *
 * Each test gets a fresh data directory under /tmp, removed afterwards. Databases that
 * Atelier would never write itself (newer, damaged) are made here with the SQLite API.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "store/db.h"
#include "store/store.h"
#include "util/log.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef ATELIER_VERSION
#define ATELIER_VERSION "0"
#endif

#define PATH_SIZE 512
#define NEWER_VERSION 99

struct fixture {
	char dir[64]; /* from mkdtemp */
	char db[PATH_SIZE];
};

/* A file's bytes and metadata, to prove it was not touched. */
struct snapshot {
	unsigned char *bytes;
	size_t len;
	struct stat st;
};

/* ---- helpers ---- */

static void path_in(const struct fixture *f, const char *name, char *out)
{
	int n = snprintf(out, PATH_SIZE, "%s/%s", f->dir, name);

	assert_true(n > 0 && n < PATH_SIZE);
}

static int exists(const char *path)
{
	return access(path, F_OK) == 0;
}

static int has_suffix_file(const char *db, const char *suffix)
{
	char p[PATH_SIZE + 16];

	snprintf(p, sizeof(p), "%s%s", db, suffix);
	return exists(p);
}

static void assert_no_companion_files(const char *db)
{
	assert_false(has_suffix_file(db, "-wal"));
	assert_false(has_suffix_file(db, "-shm"));
	assert_false(has_suffix_file(db, "-journal"));
}

static unsigned char *read_all(const char *path, size_t *len)
{
	unsigned char *buf = NULL;
	struct stat st;
	FILE *fp;

	fp = fopen(path, "rb");
	assert_non_null(fp);
	assert_int_equal(fstat(fileno(fp), &st), 0);
	buf = malloc((size_t)st.st_size + 1);
	assert_non_null(buf);
	*len = fread(buf, 1, (size_t)st.st_size, fp);
	assert_int_equal(*len, (size_t)st.st_size);
	fclose(fp);
	return buf;
}

static void write_all(const char *path, const void *data, size_t len)
{
	FILE *fp = fopen(path, "wb");

	assert_non_null(fp);
	assert_int_equal(fwrite(data, 1, len, fp), len);
	assert_int_equal(fclose(fp), 0);
}

/* Age the file so that any write would move its mtime, whatever the clock granularity. */
static void make_old(const char *path)
{
	const struct timespec times[2] = { { 1000000000, 0 }, { 1000000000, 0 } };

	assert_int_equal(utimensat(AT_FDCWD, path, times, 0), 0);
}

static void snapshot_take(const char *path, struct snapshot *s)
{
	assert_int_equal(stat(path, &s->st), 0);
	s->bytes = read_all(path, &s->len);
}

static void assert_unchanged(const char *path, struct snapshot *s)
{
	struct stat now;
	unsigned char *bytes;
	size_t len;

	assert_int_equal(stat(path, &now), 0);
	assert_int_equal(now.st_ino, s->st.st_ino);
	assert_int_equal(now.st_size, s->st.st_size);
	assert_int_equal(now.st_mtim.tv_sec, s->st.st_mtim.tv_sec);
	assert_int_equal(now.st_mtim.tv_nsec, s->st.st_mtim.tv_nsec);
	bytes = read_all(path, &len);
	assert_int_equal(len, s->len);
	assert_memory_equal(bytes, s->bytes, len);
	free(bytes);
	free(s->bytes);
	s->bytes = NULL;
}

/* Entries of DIR whose name contains PART. */
static int count_entries(const char *dir, const char *part)
{
	struct dirent *e;
	int n = 0;
	DIR *d;

	d = opendir(dir);
	assert_non_null(d);
	while ((e = readdir(d)))
		n += strstr(e->d_name, part) != NULL;
	closedir(d);
	return n;
}

/* Run SQL on PATH with a connection of the test's own. */
static void raw_exec(const char *path, const char *sql)
{
	char *msg = NULL;
	sqlite3 *db;
	int rc;

	assert_int_equal(
		sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL),
		SQLITE_OK);
	rc = sqlite3_exec(db, sql, NULL, NULL, &msg);
	if (rc != SQLITE_OK)
		fail_msg("%s: %s", sql, msg);
	assert_int_equal(sqlite3_close(db), SQLITE_OK);
}

/* The first column of the first row of SQL on DB, as text. */
static void query_text(sqlite3 *db, const char *sql, char *out, size_t size)
{
	sqlite3_stmt *stmt;

	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &stmt, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(stmt), SQLITE_ROW);
	snprintf(out, size, "%s", (const char *)sqlite3_column_text(stmt, 0));
	sqlite3_finalize(stmt);
}

static void raw_query_text(const char *path, const char *sql, char *out, size_t size)
{
	sqlite3 *db;

	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	query_text(db, sql, out, size);
	assert_int_equal(sqlite3_close(db), SQLITE_OK);
}

/* STORE_SCHEMA_VERSION as SQLite prints it. */
static const char *current_version_text(void)
{
	static char text[16];

	snprintf(text, sizeof(text), "%d", STORE_SCHEMA_VERSION);
	return text;
}

/* Open (creating) the store in F's directory and close it again. */
static void create_store(const struct fixture *f)
{
	struct store *st = NULL;

	assert_int_equal(store_open(f->dir, 1, &st, NULL), STORE_OK);
	store_free(st);
}

/* Add COUNT sightings with the test's own connection, so the file spans many pages. */
static void add_sightings(const char *db_path, int count)
{
	static const char sql[] = "INSERT INTO usb_sighting (port_id, vendor_id, product_id, "
				  "serial, platform, mode, first_seen_ms, last_seen_ms) "
				  "VALUES (?, '05ac', '12a8', ?, 'ios', 'normal', ?, ?)";
	char port[32], serial[128];
	sqlite3_stmt *stmt;
	sqlite3 *db;
	int i;

	assert_int_equal(sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "BEGIN", NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &stmt, NULL), SQLITE_OK);
	for (i = 0; i < count; i++) {
		snprintf(port, sizeof(port), "1-%d.%d", i / 7 + 1, i % 7 + 1);
		snprintf(serial, sizeof(serial),
			 "%08d-00000000000000000000000000000000000000000000"
			 "0000000000000000000000000000000000",
			 i);
		sqlite3_bind_text(stmt, 1, port, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(stmt, 2, serial, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(stmt, 3, 1700000000000LL + i);
		sqlite3_bind_int64(stmt, 4, 1700000000000LL + i);
		assert_int_equal(sqlite3_step(stmt), SQLITE_DONE);
		sqlite3_reset(stmt);
	}
	sqlite3_finalize(stmt);
	assert_int_equal(sqlite3_exec(db, "COMMIT", NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_close(db), SQLITE_OK);
}

/*
 * The store's connection is private; to look at its settings, the test registers an
 * SQLite auto-extension, which SQLite calls with every connection this process opens.
 */
static sqlite3 *last_connection;

static int remember_connection(sqlite3 *db, char **msg, const struct sqlite3_api_routines *api)
{
	(void)msg;
	(void)api;
	last_connection = db;
	return SQLITE_OK;
}

/* ---- fixture ---- */

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	snprintf(f->dir, sizeof(f->dir), "/tmp/atelier-store-XXXXXX");
	if (!mkdtemp(f->dir)) {
		free(f);
		return -1;
	}
	snprintf(f->db, sizeof(f->db), "%s/%s", f->dir, STORE_DB_NAME);
	last_connection = NULL;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	int rc;

	sqlite3_reset_auto_extension();
	rc = nftw(f->dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
	free(f);
	return rc;
}

/* ---- opening ---- */

static void new_data_dir_gets_database_at_current_version(void **state)
{
	struct fixture *f = *state;
	struct store *st = NULL;
	char value[64];
	int found = -1;

	assert_int_equal(store_open(f->dir, 1, &st, &found), STORE_OK);
	assert_non_null(st);
	assert_int_equal(found, 0);
	assert_int_equal(store_schema_version(st), STORE_SCHEMA_VERSION);
	assert_string_equal(store_path(st), f->db);
	assert_string_equal(store_last_error_message(), "");
	store_free(st);

	assert_true(exists(f->db));
	raw_query_text(f->db, "PRAGMA user_version", value, sizeof(value));
	assert_string_equal(value, current_version_text());
	raw_query_text(f->db, "SELECT value FROM bench WHERE key = 'created_by_version'", value,
		       sizeof(value));
	assert_string_equal(value, ATELIER_VERSION);
	/* ISO 8601 UTC with milliseconds: 2026-11-27T18:13:58.123Z */
	raw_query_text(f->db, "SELECT value FROM bench WHERE key = 'created_at'", value,
		       sizeof(value));
	assert_int_equal(strlen(value), 24);
	assert_int_equal(value[10], 'T');
	assert_int_equal(value[23], 'Z');
	raw_query_text(f->db, "SELECT count(*) FROM usb_sighting", value, sizeof(value));
	assert_string_equal(value, "0");
}

static void reopening_keeps_records_and_creation_date(void **state)
{
	struct fixture *f = *state;
	struct store *st = NULL;
	char created[64], again[64], value[64];
	int found = -1;

	create_store(f);
	add_sightings(f->db, 3);
	raw_query_text(f->db, "SELECT value FROM bench WHERE key = 'created_at'", created,
		       sizeof(created));

	assert_int_equal(store_open(f->dir, 0, &st, &found), STORE_OK);
	assert_int_equal(found, STORE_SCHEMA_VERSION);
	assert_int_equal(store_schema_version(st), STORE_SCHEMA_VERSION);
	store_free(st);

	raw_query_text(f->db, "SELECT value FROM bench WHERE key = 'created_at'", again,
		       sizeof(again));
	assert_string_equal(again, created);
	raw_query_text(f->db, "SELECT count(*) FROM bench", value, sizeof(value));
	assert_string_equal(value, "2");
	raw_query_text(f->db, "SELECT count(*) FROM usb_sighting", value, sizeof(value));
	assert_string_equal(value, "3");
}

static void missing_database_without_create_is_enoent(void **state)
{
	struct fixture *f = *state;
	struct store *st = (struct store *)f; /* must be reset to NULL */

	assert_int_equal(store_open(f->dir, 0, &st, NULL), STORE_ENOENT);
	assert_null(st);
	assert_false(exists(f->db));
	assert_non_null(strstr(store_last_error_message(), f->db));
}

static void missing_data_dir_is_an_io_error_with_the_sqlite_detail(void **state)
{
	struct fixture *f = *state;
	struct store *st = NULL;
	char dir[PATH_SIZE], expected[PATH_SIZE * 2];

	path_in(f, "not-created", dir);
	assert_int_equal(store_open(dir, 1, &st, NULL), STORE_EIO);
	assert_null(st);
	assert_false(exists(dir));
	snprintf(expected, sizeof(expected),
		 "sqlite3_open_v2 %s/atelier.db: unable to open database file", dir);
	assert_string_equal(store_last_error_message(), expected);
}

/* A database as a newer Atelier leaves it, closed cleanly: version 99, maybe WAL. */
static void make_newer_database(const char *db, int wal)
{
	raw_exec(db, wal ? "PRAGMA journal_mode = WAL; CREATE TABLE future (x TEXT);"
			   "INSERT INTO future VALUES ('from the future');"
			   "PRAGMA user_version = 99;"
			 : "CREATE TABLE future (x TEXT);"
			   "INSERT INTO future VALUES ('from the future');"
			   "PRAGMA user_version = 99;");
	assert_no_companion_files(db);
	make_old(db);
}

static void assert_newer_database_refused(const struct fixture *f)
{
	struct snapshot before;
	struct store *st = NULL;
	int create, found;

	snapshot_take(f->db, &before);
	/* Neither opening nor creating may touch it. */
	for (create = 0; create <= 1; create++) {
		found = -1;
		assert_int_equal(store_open(f->dir, create, &st, &found), STORE_ETOONEW);
		assert_null(st);
		assert_int_equal(found, NEWER_VERSION);
		assert_non_null(strstr(store_last_error_message(), "newer"));
	}
	assert_unchanged(f->db, &before);
	assert_no_companion_files(f->db);
}

static void newer_database_is_refused_and_left_byte_identical(void **state)
{
	struct fixture *f = *state;

	make_newer_database(f->db, 0);
	assert_newer_database_refused(f);
}

static void newer_database_in_wal_mode_is_refused_and_left_byte_identical(void **state)
{
	struct fixture *f = *state;

	make_newer_database(f->db, 1);
	assert_newer_database_refused(f);
}

/* A newer Atelier stopped before checkpointing: the file header still says version 1,
 * the new version is only in the -wal file. Refusing must not checkpoint it. */
static void newer_version_waiting_in_wal_is_refused_and_not_checkpointed(void **state)
{
	struct fixture *f = *state;
	struct snapshot db_before, wal_before;
	struct store *st = NULL;
	char wal[PATH_SIZE];
	sqlite3 *db;
	int found = -1;

	create_store(f);
	assert_int_equal(sqlite3_open_v2(f->db, &db, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_db_config(db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, (int *)NULL),
			 SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "PRAGMA user_version = 99", NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_close(db), SQLITE_OK);
	path_in(f, "atelier.db-wal", wal);
	assert_true(exists(wal));
	make_old(f->db);
	make_old(wal);
	snapshot_take(f->db, &db_before);
	snapshot_take(wal, &wal_before);

	assert_int_equal(store_open(f->dir, 0, &st, &found), STORE_ETOONEW);
	assert_null(st);
	assert_int_equal(found, NEWER_VERSION);

	assert_unchanged(f->db, &db_before);
	assert_unchanged(wal, &wal_before);
}

static void text_file_is_reported_corrupt_not_crashed(void **state)
{
	static const char text[] = "these are my notes, not a database\n";
	struct fixture *f = *state;
	struct snapshot before;
	struct store *st = NULL;
	int create;

	write_all(f->db, text, sizeof(text) - 1);
	make_old(f->db);
	snapshot_take(f->db, &before);
	for (create = 0; create <= 1; create++) {
		assert_int_equal(store_open(f->dir, create, &st, NULL), STORE_ECORRUPT);
		assert_null(st);
		assert_non_null(strstr(store_last_error_message(), f->db));
	}
	assert_unchanged(f->db, &before);
	assert_no_companion_files(f->db);
}

/* The magic is right but the rest of the header is nonsense: SQLite itself says so. */
static void damaged_header_is_reported_corrupt_not_crashed(void **state)
{
	struct fixture *f = *state;
	unsigned char page[4096];
	struct snapshot before;
	struct store *st = NULL;

	memset(page, 0xee, sizeof(page));
	memcpy(page, "SQLite format 3", 16);
	memset(page + 60, 0, 4); /* user_version 0: passes our own header check */
	write_all(f->db, page, sizeof(page));
	make_old(f->db);
	snapshot_take(f->db, &before);

	assert_int_equal(store_open(f->dir, 1, &st, NULL), STORE_ECORRUPT);
	assert_null(st);
	assert_non_null(strstr(store_last_error_message(), "sqlite3_step"));
	assert_unchanged(f->db, &before);
	assert_no_companion_files(f->db);
}

/* ---- connection settings ---- */

static void wal_and_foreign_keys_are_on(void **state)
{
	struct fixture *f = *state;
	struct store *st = NULL;
	char value[32];

	assert_int_equal(sqlite3_auto_extension((void (*)(void))remember_connection), SQLITE_OK);
	assert_int_equal(store_open(f->dir, 1, &st, NULL), STORE_OK);
	assert_non_null(last_connection);
	query_text(last_connection, "PRAGMA journal_mode", value, sizeof(value));
	assert_string_equal(value, "wal");
	query_text(last_connection, "PRAGMA foreign_keys", value, sizeof(value));
	assert_string_equal(value, "1");
	store_free(st);
}

static void writes_are_synced_and_wait_for_locks(void **state)
{
	struct fixture *f = *state;
	struct store *st = NULL;
	char value[32], expected[32];

	assert_int_equal(sqlite3_auto_extension((void (*)(void))remember_connection), SQLITE_OK);
	assert_int_equal(store_open(f->dir, 1, &st, NULL), STORE_OK);
	assert_non_null(last_connection);
	query_text(last_connection, "PRAGMA synchronous", value, sizeof(value));
	assert_string_equal(value, "2"); /* FULL */
	query_text(last_connection, "PRAGMA busy_timeout", value, sizeof(value));
	snprintf(expected, sizeof(expected), "%d", STORE_BUSY_TIMEOUT_MS);
	assert_string_equal(value, expected);
	store_free(st);
}

/* A server's batch commits without waiting for the disk (synchronous=NORMAL for the batch
 * alone), names the log its caller must sync before saying the writes are done, and
 * leaves the connection as every other commit needs it: FULL. */
static void a_batch_begun_apart_leaves_its_log_to_sync(void **state)
{
	struct fixture *f = *state;
	struct store *st = NULL;
	char value[32], wal[PATH_MAX + 8], bad[PATH_MAX + 32];
	long long id = 0;

	assert_int_equal(sqlite3_auto_extension((void (*)(void))remember_connection), SQLITE_OK);
	assert_int_equal(store_open(f->dir, 1, &st, NULL), STORE_OK);
	assert_int_equal(store_batch_begin_apart(st), 1);
	query_text(last_connection, "PRAGMA synchronous", value, sizeof(value));
	assert_string_equal(value, "1"); /* NORMAL, for the batch */
	assert_int_equal(store_user_add(st, "amina", ROLE_TRAINEE, NULL, 1000, &id), STORE_OK);
	assert_int_equal(store_batch_end(st), STORE_OK);
	snprintf(wal, sizeof(wal), "%s-wal", f->db);
	assert_string_equal(store_batch_unsynced(st), wal);
	query_text(last_connection, "PRAGMA synchronous", value, sizeof(value));
	assert_string_equal(value, "2"); /* FULL again */
	assert_int_equal(store_wal_sync(store_batch_unsynced(st)), STORE_OK);
	/* A batch begun as before waits for the disk itself: nothing left to sync. */
	assert_int_equal(store_batch_begin(st), 1);
	assert_int_equal(store_user_add(st, "sam", ROLE_INSTRUCTOR, NULL, 1000, &id), STORE_OK);
	assert_int_equal(store_batch_end(st), STORE_OK);
	assert_string_equal(store_batch_unsynced(st), "");
	store_free(st);
	/* A log already copied into the database and removed is durable; one that cannot be
	 * opened is an error that names it. */
	assert_int_equal(store_wal_sync(wal), STORE_OK);
	snprintf(bad, sizeof(bad), "%s/not-a-dir-wal", f->db);
	assert_int_equal(store_wal_sync(bad), STORE_EIO);
	assert_non_null(strstr(store_last_error_message(), bad));
}

/* ---- check ---- */

static void integrity_check_of_fresh_db_is_clean(void **state)
{
	struct fixture *f = *state;
	struct store *st = NULL;
	char report[256];

	assert_int_equal(store_open(f->dir, 1, &st, NULL), STORE_OK);
	memset(report, 'x', sizeof(report));
	assert_int_equal(store_check(st, report, sizeof(report)), STORE_OK);
	assert_string_equal(report, "");
	store_free(st);
}

static void corrupted_page_is_found_by_check(void **state)
{
	struct fixture *f = *state;
	struct store *st = NULL;
	unsigned char *bytes, garbage[4096];
	char report[1024];
	enum store_err err;
	size_t len, page, pages, i;
	uint32_t x = 2463534242u;
	int fd;

	create_store(f);
	add_sightings(f->db, 400);
	assert_no_companion_files(f->db);
	bytes = read_all(f->db, &len);
	page = (size_t)bytes[16] << 8 | bytes[17];
	free(bytes);
	assert_int_equal(page, sizeof(garbage));
	pages = len / page;
	assert_true(pages >= 8);

	/* Overwrite a page in the middle with pseudo-random bytes (xorshift32). */
	for (i = 0; i < sizeof(garbage); i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		garbage[i] = (unsigned char)x;
	}
	fd = open(f->db, O_WRONLY);
	assert_true(fd >= 0);
	assert_int_equal(pwrite(fd, garbage, page, (off_t)(pages / 2 * page)), (ssize_t)page);
	assert_int_equal(close(fd), 0);

	/* The user must see an error, from opening or from the check. */
	report[0] = '\0';
	err = store_open(f->dir, 0, &st, NULL);
	if (err == STORE_OK) {
		err = store_check(st, report, sizeof(report));
		assert_true(report[0] != '\0');
		assert_non_null(strchr(report, '\n'));
		store_free(st);
	}
	assert_int_equal(err, STORE_ECORRUPT);
}

static void check_report_is_bounded(void **state)
{
	static const unsigned char zeros[3 * 4096];
	struct fixture *f = *state;
	struct store *st = NULL;
	char report[8];
	struct stat sb;
	int fd;

	create_store(f);
	add_sightings(f->db, 400);
	assert_int_equal(stat(f->db, &sb), 0);
	/* Zero three pages of sightings near the end (the schema's pages come first): many
	 * more findings than REPORT can hold. */
	fd = open(f->db, O_WRONLY);
	assert_true(fd >= 0);
	assert_int_equal(pwrite(fd, zeros, sizeof(zeros), (sb.st_size / 4096 - 4) * 4096),
			 (ssize_t)sizeof(zeros));
	assert_int_equal(close(fd), 0);

	memset(report, 'x', sizeof(report));
	assert_int_equal(store_open(f->dir, 0, &st, NULL), STORE_OK);
	assert_int_equal(store_check(st, report, sizeof(report)), STORE_ECORRUPT);
	assert_true(memchr(report, '\0', sizeof(report)) != NULL);
	assert_int_equal(store_check(st, NULL, 0), STORE_ECORRUPT);
	store_free(st);
}

/* ---- backup ---- */

static void backup_is_an_openable_copy_with_same_version(void **state)
{
	struct fixture *f = *state;
	struct store *st = NULL, *copy = NULL;
	char sub[PATH_SIZE], file[PATH_SIZE], value[32], report[256];
	struct stat sb;

	create_store(f);
	add_sightings(f->db, 50);
	path_in(f, "backup", sub);
	assert_int_equal(mkdir(sub, 0700), 0);
	path_in(f, "backup/atelier.db", file);

	assert_int_equal(store_open(f->dir, 0, &st, NULL), STORE_OK);
	assert_int_equal(store_backup(st, file), STORE_OK);
	store_free(st);

	assert_int_equal(count_entries(sub, ".tmp."), 0);
	assert_int_equal(stat(file, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600); /* the records are private */
	assert_int_equal(store_open(sub, 0, &copy, NULL), STORE_OK);
	assert_int_equal(store_schema_version(copy), STORE_SCHEMA_VERSION);
	assert_int_equal(store_check(copy, report, sizeof(report)), STORE_OK);
	store_free(copy);
	raw_query_text(file, "SELECT count(*) FROM usb_sighting", value, sizeof(value));
	assert_string_equal(value, "50");
	raw_query_text(file, "SELECT value FROM bench WHERE key = 'created_by_version'", value,
		       sizeof(value));
	assert_string_equal(value, ATELIER_VERSION);
}

static void backup_replaces_an_older_backup_whole(void **state)
{
	static const char old[] = "yesterday's backup, truncated";
	struct fixture *f = *state;
	struct store *st = NULL;
	char file[PATH_SIZE], value[32];

	path_in(f, "old.db", file);
	write_all(file, old, sizeof(old) - 1);
	assert_int_equal(store_open(f->dir, 1, &st, NULL), STORE_OK);
	assert_int_equal(store_backup(st, file), STORE_OK);
	store_free(st);

	raw_query_text(file, "PRAGMA user_version", value, sizeof(value));
	assert_string_equal(value, current_version_text());
	assert_int_equal(count_entries(f->dir, ".tmp."), 0);
}

static void backup_onto_database_itself_is_refused(void **state)
{
	struct fixture *f = *state;
	struct store *st = NULL;
	char other[PATH_SIZE + 16], link[PATH_SIZE], report[256];
	const char *targets[4];
	size_t i;

	create_store(f);
	add_sightings(f->db, 10);
	assert_int_equal(store_open(f->dir, 0, &st, NULL), STORE_OK);

	/* The same file by other names: "dir/./atelier.db", a symlink, and its WAL. */
	snprintf(other, sizeof(other), "%s/./%s", f->dir, STORE_DB_NAME);
	path_in(f, "link.db", link);
	assert_int_equal(symlink(f->db, link), 0);
	targets[0] = f->db;
	targets[1] = other;
	targets[2] = link;
	targets[3] = NULL;
	for (i = 0; targets[i]; i++) {
		assert_int_equal(store_backup(st, targets[i]), STORE_EINVAL);
		assert_non_null(strstr(store_last_error_message(), "database itself"));
	}
	snprintf(other, sizeof(other), "%s-wal", f->db);
	assert_int_equal(store_backup(st, other), STORE_EINVAL);

	assert_int_equal(count_entries(f->dir, ".tmp."), 0);
	assert_int_equal(store_check(st, report, sizeof(report)), STORE_OK);
	store_free(st);
}

static void failed_backup_leaves_no_temporary_file(void **state)
{
	struct fixture *f = *state;
	struct store *st = NULL;
	char file[PATH_SIZE];

	/* A directory is in the way: everything works up to the final rename. */
	path_in(f, "backup.db", file);
	assert_int_equal(mkdir(file, 0700), 0);
	assert_int_equal(store_open(f->dir, 1, &st, NULL), STORE_OK);
	assert_int_equal(store_backup(st, file), STORE_EIO);
	assert_non_null(strstr(store_last_error_message(), "rename"));
	store_free(st);

	assert_int_equal(count_entries(f->dir, ".tmp."), 0);
}

static void backup_into_missing_directory_is_an_io_error(void **state)
{
	struct fixture *f = *state;
	struct store *st = NULL;
	char file[PATH_SIZE];

	path_in(f, "nowhere/backup.db", file);
	assert_int_equal(store_open(f->dir, 1, &st, NULL), STORE_OK);
	assert_int_equal(store_backup(st, file), STORE_EIO);
	assert_non_null(strstr(store_last_error_message(), "nowhere"));
	store_free(st);
}

/* ---- messages ---- */

static void every_error_has_a_message(void **state)
{
	enum store_err err;

	(void)state;
	for (err = STORE_OK; err <= STORE_EINTERNAL; err++) {
		assert_non_null(store_strerror(err));
		assert_true(store_strerror(err)[0] != '\0');
	}
	assert_string_equal(store_strerror((enum store_err)1000), "unknown store error");
	store_free(NULL);
}

/* Whether SQL is prepared on connection DB now (kept by the store's cache). */
static int is_prepared(sqlite3 *db, const char *sql)
{
	for (sqlite3_stmt *s = sqlite3_next_stmt(db, NULL); s; s = sqlite3_next_stmt(db, s))
		if (strcmp(sqlite3_sql(s), sql) == 0)
			return 1;
	return 0;
}

/* The one integer SQL gives on ST. */
static long long run_one(struct store *st, const char *sql)
{
	struct db_stmt *stmt = NULL;
	long long v;
	int row = 0;

	assert_int_equal(db_prepare(st, sql, &stmt), STORE_OK);
	assert_int_equal(db_step(stmt, &row), STORE_OK);
	assert_true(row);
	v = db_col_int64(stmt, 0);
	db_done(stmt);
	return v;
}

/* A server's writer makes every kind of change in turn: more statements than its cache
 * holds. One used often after the cache is full is kept prepared all the same (the one
 * used longest ago makes room), and the cache never holds more than its size. */
static void statements_used_often_stay_prepared_past_the_cache_size(void **state)
{
	struct fixture *f = *state;
	struct store *st = NULL;
	const char *often = "SELECT 4242 AS often";
	char sql[64];
	int n = 0;

	assert_int_equal(sqlite3_auto_extension((void (*)(void))remember_connection), SQLITE_OK);
	assert_int_equal(store_open(f->dir, 1, &st, NULL), STORE_OK);
	for (int i = 0; i < 60; i++) {
		snprintf(sql, sizeof(sql), "SELECT %d AS once", 1000 + i);
		assert_int_equal(run_one(st, sql), 1000 + i);
	}
	for (int i = 0; i < 5; i++)
		assert_int_equal(run_one(st, often), 4242);
	assert_true(is_prepared(last_connection, often));
	assert_false(is_prepared(last_connection, "SELECT 1000 AS once")); /* made room */
	assert_true(is_prepared(last_connection, "SELECT 1059 AS once"));
	for (sqlite3_stmt *s = sqlite3_next_stmt(last_connection, NULL); s;
	     s = sqlite3_next_stmt(last_connection, s))
		n++;
	assert_true(n <= 48); /* STORE_STMT_CACHE (store_int.h) */
	store_free(st);
}

static long long sightings_seen(struct store *st)
{
	return run_one(st, "SELECT COUNT(*) FROM usb_sighting");
}

/* A pooled connection handed back with a read transaction still open (a read that did
 * not end, a COMMIT that failed) would keep its snapshot: every later read on it would
 * see the records as they were. store_release_reads() ends it, and the next read sees
 * what was committed since. */
static void a_read_left_open_is_ended_before_the_connection_is_used_again(void **state)
{
	struct fixture *f = *state;
	struct store *st = NULL;
	int begun = 0;

	assert_int_equal(store_open(f->dir, 1, &st, NULL), STORE_OK);
	assert_int_equal(store_read_begin(st, &begun), STORE_OK);
	assert_true(begun);
	assert_int_equal(sightings_seen(st), 0);
	add_sightings(f->db, 5); /* another connection commits meanwhile */
	assert_int_equal(sightings_seen(st), 0); /* the open read still sees its snapshot */
	assert_int_equal(store_release_reads(st), 1);
	assert_int_equal(sightings_seen(st), 5);
	assert_int_equal(store_release_reads(st), 0); /* nothing left open now */
	store_free(st);
}

/* Every story gets its own data directory. */
#define story(test) cmocka_unit_test_setup_teardown(test, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		story(new_data_dir_gets_database_at_current_version),
		story(reopening_keeps_records_and_creation_date),
		story(missing_database_without_create_is_enoent),
		story(missing_data_dir_is_an_io_error_with_the_sqlite_detail),
		story(newer_database_is_refused_and_left_byte_identical),
		story(newer_database_in_wal_mode_is_refused_and_left_byte_identical),
		story(newer_version_waiting_in_wal_is_refused_and_not_checkpointed),
		story(text_file_is_reported_corrupt_not_crashed),
		story(damaged_header_is_reported_corrupt_not_crashed),
		story(wal_and_foreign_keys_are_on),
		story(writes_are_synced_and_wait_for_locks),
		story(a_batch_begun_apart_leaves_its_log_to_sync),
		story(statements_used_often_stay_prepared_past_the_cache_size),
		story(integrity_check_of_fresh_db_is_clean),
		story(corrupted_page_is_found_by_check),
		story(check_report_is_bounded),
		story(backup_is_an_openable_copy_with_same_version),
		story(backup_replaces_an_older_backup_whole),
		story(backup_onto_database_itself_is_refused),
		story(failed_backup_leaves_no_temporary_file),
		story(backup_into_missing_directory_is_an_io_error),
		story(a_read_left_open_is_ended_before_the_connection_is_used_again),
		cmocka_unit_test(every_error_has_a_message),
	};

	log_set_level(LOG_WARN); /* no "created database" lines between the results */
	return cmocka_run_group_tests(tests, NULL, NULL);
}
