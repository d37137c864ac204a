/*
 * store — Atelier's records in SQLite. See store.h for the contract.
 *
 * Opening is careful about one promise: a database written by a newer Atelier is never
 * modified. Its version is therefore read twice before anything can write:
 *   1. from the 100-byte file header, with read(2) and no SQLite at all, so that a
 *      refused (or non-database) file does not even get a -wal or -shm file beside it;
 *   2. with PRAGMA user_version on the new connection, which also sees a version bump
 *      that still sits in a WAL file. While that check runs, a WAL file found beside the
 *      database is not checkpointed on close, so refusing leaves it as it was.
 * Only then are the journal mode and the schema touched.
 */
#include "store/db.h"
#include "store/db_int.h"
#include "store/schema_pg.h"
#include "store/store.h"
#include "store/store_int.h"

#include "util/clock.h"
#include "util/conf.h"
#include "util/file.h"
#include "util/log.h"

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <pthread.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef ATELIER_VERSION
#define ATELIER_VERSION "0"
#endif

/* Bytes of store_last_error_message(). */
#define STORE_ERROR_SIZE 512
/* Longest SQL text quoted in an error message. */
#define STORE_ERROR_SQL_MAX 80

/* The database file header (https://www.sqlite.org/fileformat.html#the_database_header):
 * 100 bytes starting with this 16-byte magic; user_version is big-endian at offset 60. */
#define SQLITE_HEADER_SIZE 100
#define SQLITE_HEADER_MAGIC "SQLite format 3" /* sizeof includes the NUL: 16 bytes */
#define SQLITE_HEADER_USER_VERSION 60


/*
 * Migrations. migrations[N] takes the schema from version N to N + 1; its statements and
 * SET_VERSION run in one transaction. Append new versions, never edit a released one: a
 * database that already ran a step will not run it again.
 * SET_VERSION is a literal because PRAGMA values cannot be bound parameters.
 */
struct migration {
	const char *const *steps; /* NULL-terminated */
	const char *set_version;  /* "PRAGMA user_version = N + 1" */
	/* The same step on PostgreSQL, whose databases start at SCHEMA_PG_VERSION
	 * (schema_pg.c): NULL up to there; from there on, every version has one. */
	const char *const *pg_steps;
};

static const char *const schema_v1[] = {
	/* created_at, created_by_version; inserted when the database is created */
	"CREATE TABLE bench (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
	"CREATE TABLE usb_sighting ("
	"id INTEGER PRIMARY KEY, "
	"port_id TEXT NOT NULL, "
	"vendor_id TEXT NOT NULL, "
	"product_id TEXT NOT NULL, "
	"serial TEXT, "
	"platform TEXT NOT NULL, "
	"mode TEXT NOT NULL, "
	"first_seen_ms INTEGER NOT NULL, "
	"last_seen_ms INTEGER NOT NULL)",
	NULL,
};

/* Devices, known by what they say they are (UDID, serial, IMEI), never by USB port; and
 * every probe of them, kept whole with its time and the tool that read it. */
static const char *const schema_v2[] = {
	"CREATE TABLE device ("
	"id INTEGER PRIMARY KEY, "
	"platform TEXT NOT NULL, "
	"udid TEXT, "
	"serial TEXT, "
	"imei TEXT, "
	"first_seen_ms INTEGER NOT NULL, "
	"last_seen_ms INTEGER NOT NULL)",
	"CREATE INDEX device_udid ON device (udid)",
	"CREATE INDEX device_serial ON device (serial)",
	"CREATE INDEX device_imei ON device (imei)",
	"CREATE TABLE probe ("
	"id INTEGER PRIMARY KEY, "
	"device_id INTEGER NOT NULL REFERENCES device (id), "
	"t_ms INTEGER NOT NULL, "
	"tool TEXT NOT NULL, "
	"facts TEXT NOT NULL)",
	"CREATE INDEX probe_device ON probe (device_id, t_ms)",
	NULL,
};

/* Users, jobs and their append-only, hash-chained step records. */
static const char *const schema_v3[] = {
	"CREATE TABLE app_user ("
	"id INTEGER PRIMARY KEY, "
	"name TEXT NOT NULL UNIQUE, "
	"role TEXT NOT NULL CHECK (role IN ('trainee', 'instructor', 'admin')), "
	"active INTEGER NOT NULL DEFAULT 1, "
	"created_ms INTEGER NOT NULL)",
	"CREATE TABLE job ("
	"id INTEGER PRIMARY KEY, "
	"device_id INTEGER NOT NULL REFERENCES device (id), "
	"checklist_id TEXT NOT NULL, "
	"checklist_version INTEGER NOT NULL, "
	"checklist_hash TEXT NOT NULL, "
	"trainee_id INTEGER NOT NULL REFERENCES app_user (id), "
	"state TEXT NOT NULL, "
	"started_ms INTEGER NOT NULL, "
	"submitted_ms INTEGER)",
	"CREATE INDEX job_device ON job (device_id)",
	"CREATE TABLE step_record ("
	"id INTEGER PRIMARY KEY, "
	"job_id INTEGER NOT NULL REFERENCES job (id), "
	"seq INTEGER NOT NULL, "
	"step_id TEXT NOT NULL, "
	"user_id INTEGER NOT NULL REFERENCES app_user (id), "
	"t_ms INTEGER NOT NULL, "
	"spent_ms INTEGER NOT NULL, "
	"result TEXT NOT NULL, "
	"value TEXT, note TEXT, parts TEXT, facts TEXT, "
	"corrects INTEGER REFERENCES step_record (id), "
	"prev_hash TEXT NOT NULL, "
	"hash TEXT NOT NULL, "
	"UNIQUE (job_id, seq))",
	/* The exact text of every checklist version a job was started with. */
	"CREATE TABLE checklist_snapshot ("
	"hash TEXT PRIMARY KEY, "
	"checklist_id TEXT NOT NULL, "
	"version INTEGER NOT NULL, "
	"content TEXT NOT NULL)",
	"CREATE TRIGGER step_record_no_update BEFORE UPDATE ON step_record "
	"BEGIN SELECT RAISE(ABORT, 'step records are append-only'); END",
	"CREATE TRIGGER step_record_no_delete BEFORE DELETE ON step_record "
	"BEGIN SELECT RAISE(ABORT, 'step records are append-only'); END",
	NULL,
};

/* Grades, the device lifecycle and certificates; all append-only but device.state. */
static const char *const schema_v4[] = {
	"CREATE TABLE grade ("
	"id INTEGER PRIMARY KEY, "
	"job_id INTEGER NOT NULL REFERENCES job (id), "
	"submitted_ms INTEGER NOT NULL, "
	"verdict TEXT NOT NULL CHECK (verdict IN ('approved', 'redo')), "
	"redo TEXT, "
	"scores TEXT, "
	"feedback TEXT NOT NULL CHECK (length(feedback) > 0), "
	"by_user INTEGER NOT NULL REFERENCES app_user (id), "
	"t_ms INTEGER NOT NULL)",
	"CREATE INDEX grade_job ON grade (job_id, id)",
	"CREATE TABLE grade_ack ("
	"grade_id INTEGER PRIMARY KEY REFERENCES grade (id), "
	"user_id INTEGER NOT NULL REFERENCES app_user (id), "
	"t_ms INTEGER NOT NULL)",
	"ALTER TABLE device ADD COLUMN state TEXT NOT NULL DEFAULT 'intake'",
	"CREATE TABLE device_event ("
	"id INTEGER PRIMARY KEY, "
	"device_id INTEGER NOT NULL REFERENCES device (id), "
	"from_state TEXT NOT NULL, "
	"to_state TEXT NOT NULL, "
	"user_id INTEGER REFERENCES app_user (id), "
	"reason TEXT NOT NULL, "
	"t_ms INTEGER NOT NULL)",
	"CREATE INDEX device_event_device ON device_event (device_id, id)",
	"CREATE TABLE certificate ("
	"id TEXT PRIMARY KEY, "
	"device_id INTEGER NOT NULL REFERENCES device (id), "
	"issued_ms INTEGER NOT NULL, "
	"by_user INTEGER NOT NULL REFERENCES app_user (id), "
	"key_id TEXT NOT NULL, "
	"body TEXT NOT NULL)",
	"CREATE INDEX certificate_device ON certificate (device_id)",
	"CREATE TRIGGER grade_no_update BEFORE UPDATE ON grade "
	"BEGIN SELECT RAISE(ABORT, 'grades are append-only'); END",
	"CREATE TRIGGER grade_no_delete BEFORE DELETE ON grade "
	"BEGIN SELECT RAISE(ABORT, 'grades are append-only'); END",
	"CREATE TRIGGER grade_ack_no_update BEFORE UPDATE ON grade_ack "
	"BEGIN SELECT RAISE(ABORT, 'acknowledgements are append-only'); END",
	"CREATE TRIGGER grade_ack_no_delete BEFORE DELETE ON grade_ack "
	"BEGIN SELECT RAISE(ABORT, 'acknowledgements are append-only'); END",
	"CREATE TRIGGER device_event_no_update BEFORE UPDATE ON device_event "
	"BEGIN SELECT RAISE(ABORT, 'device events are append-only'); END",
	"CREATE TRIGGER device_event_no_delete BEFORE DELETE ON device_event "
	"BEGIN SELECT RAISE(ABORT, 'device events are append-only'); END",
	"CREATE TRIGGER certificate_no_update BEFORE UPDATE ON certificate "
	"BEGIN SELECT RAISE(ABORT, 'certificates are append-only'); END",
	"CREATE TRIGGER certificate_no_delete BEFORE DELETE ON certificate "
	"BEGIN SELECT RAISE(ABORT, 'certificates are append-only'); END",
	NULL,
};

/* What an instructor decides about a job (cancel it, let it go on after a step that
 * stops it) and a second person's check of a data wipe; the instrument a measure was
 * taken with. Append-only like the records. */
static const char *const schema_v5[] = {
	"ALTER TABLE step_record ADD COLUMN tester TEXT",
	"CREATE TABLE job_event ("
	"id INTEGER PRIMARY KEY, "
	"job_id INTEGER NOT NULL REFERENCES job (id), "
	"kind TEXT NOT NULL CHECK (kind IN ('cancel', 'resume', 'wipe_check')), "
	"user_id INTEGER NOT NULL REFERENCES app_user (id), "
	"t_ms INTEGER NOT NULL, "
	"record_id INTEGER REFERENCES step_record (id), "
	"result TEXT CHECK (result IS NULL OR result IN ('pass', 'fail')), "
	"note TEXT NOT NULL CHECK (length(note) > 0))",
	"CREATE INDEX job_event_job ON job_event (job_id, id)",
	"CREATE TRIGGER job_event_no_update BEFORE UPDATE ON job_event "
	"BEGIN SELECT RAISE(ABORT, 'job events are append-only'); END",
	"CREATE TRIGGER job_event_no_delete BEFORE DELETE ON job_event "
	"BEGIN SELECT RAISE(ABORT, 'job events are append-only'); END",
	NULL,
};

/* The ledger: every record that matters in a chain per job, per device and for the
 * workshop, each chain's end signed (ledger.c); revocations of certificates. The records
 * already there are put into chains by store_int_ledger_adopt() in the same transaction. */
static const char *const schema_v6[] = {
	"CREATE TABLE ledger ("
	"id INTEGER PRIMARY KEY, "
	"chain TEXT NOT NULL, "
	"seq INTEGER NOT NULL, "
	"kind TEXT NOT NULL, "
	"ref TEXT, "
	"t_ms INTEGER NOT NULL, "
	"body TEXT NOT NULL, "
	"prev_hash TEXT NOT NULL, "
	"hash TEXT NOT NULL, "
	"UNIQUE (chain, seq))",
	"CREATE TABLE chain_head ("
	"chain TEXT PRIMARY KEY, "
	"seq INTEGER NOT NULL, "
	"hash TEXT NOT NULL, "
	"t_ms INTEGER NOT NULL, "
	"key_id TEXT NOT NULL, "
	"sig TEXT NOT NULL)",
	"CREATE TABLE revocation ("
	"id INTEGER PRIMARY KEY, "
	"certificate_id TEXT NOT NULL UNIQUE REFERENCES certificate (id), "
	"by_user INTEGER REFERENCES app_user (id), "
	"reason TEXT NOT NULL CHECK (length(reason) > 0), "
	"t_ms INTEGER NOT NULL)",
	"CREATE TRIGGER ledger_no_update BEFORE UPDATE ON ledger "
	"BEGIN SELECT RAISE(ABORT, 'the ledger is append-only'); END",
	"CREATE TRIGGER ledger_no_delete BEFORE DELETE ON ledger "
	"BEGIN SELECT RAISE(ABORT, 'the ledger is append-only'); END",
	"CREATE TRIGGER revocation_no_update BEFORE UPDATE ON revocation "
	"BEGIN SELECT RAISE(ABORT, 'revocations are append-only'); END",
	"CREATE TRIGGER revocation_no_delete BEFORE DELETE ON revocation "
	"BEGIN SELECT RAISE(ABORT, 'revocations are append-only'); END",
	"CREATE TRIGGER chain_head_no_delete BEFORE DELETE ON chain_head "
	"BEGIN SELECT RAISE(ABORT, 'the heads of the records are kept'); END",
	NULL,
};

/* Accounts that prove who acted (schema 7): a secret per account (argon2id; NULL for accounts of an
 * older database, which cannot sign in until an admin sets one), sessions (only the
 * hash of their token), sign-in attempts (the rate limit) and the audit log. Attempts
 * and the audit log are append-only. */
static const char *const schema_v7[] = {
	"ALTER TABLE app_user ADD COLUMN secret_hash TEXT",
	"CREATE TABLE session ("
	"id INTEGER PRIMARY KEY, "
	"token_hash TEXT NOT NULL UNIQUE, "
	"user_id INTEGER NOT NULL REFERENCES app_user (id), "
	"created_ms INTEGER NOT NULL, "
	"last_used_ms INTEGER NOT NULL, "
	"ended_ms INTEGER)",
	"CREATE INDEX session_user ON session (user_id)",
	"CREATE TABLE signin_attempt ("
	"id INTEGER PRIMARY KEY, "
	"name TEXT NOT NULL, "
	"t_ms INTEGER NOT NULL, "
	"outcome TEXT NOT NULL CHECK (outcome IN ('ok', 'wrong', 'locked', 'refused', 'cleared')))",
	"CREATE INDEX signin_attempt_name ON signin_attempt (name, id)",
	"CREATE TABLE audit ("
	"id INTEGER PRIMARY KEY, "
	"t_ms INTEGER NOT NULL, "
	"actor TEXT NOT NULL, "
	"action TEXT NOT NULL, "
	"subject TEXT NOT NULL, "
	"outcome TEXT NOT NULL, "
	"detail TEXT NOT NULL)",
	"CREATE TRIGGER signin_attempt_no_update BEFORE UPDATE ON signin_attempt "
	"BEGIN SELECT RAISE(ABORT, 'sign-in attempts are append-only'); END",
	"CREATE TRIGGER signin_attempt_no_delete BEFORE DELETE ON signin_attempt "
	"BEGIN SELECT RAISE(ABORT, 'sign-in attempts are append-only'); END",
	"CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit "
	"BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END",
	"CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit "
	"BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END",
	NULL,
};

/* Each person's language on the bench's screen (schema 8). A preference, not a record:
 * it stays out of the chains and may change freely. */
static const char *const schema_v8[] = {
	"CREATE TABLE user_pref ("
	"user_id INTEGER PRIMARY KEY REFERENCES app_user (id), "
	"lang TEXT NOT NULL CHECK (length(lang) BETWEEN 2 AND 8))",
	/* Photos an instructor attached to a checklist's step: the file is DATA/photos/
	 * SHA256.EXT; a photo is added, never changed. */
	"CREATE TABLE step_photo ("
	"id INTEGER PRIMARY KEY, "
	"checklist_id TEXT NOT NULL, "
	"step_id TEXT NOT NULL, "
	"sha256 TEXT NOT NULL CHECK (length(sha256) = 64), "
	"type TEXT NOT NULL CHECK (type IN ('image/jpeg', 'image/png')), "
	"by_user INTEGER NOT NULL REFERENCES app_user (id), "
	"t_ms INTEGER NOT NULL, "
	"UNIQUE (checklist_id, step_id, sha256))",
	"CREATE TRIGGER step_photo_no_update BEFORE UPDATE ON step_photo "
	"BEGIN SELECT RAISE(ABORT, 'step photos are added, never changed'); END",
	NULL,
};

/* The last record of each step of a job, found in the index rather than by reading the
 * job's whole history (store_steps_latest_of(): each step recorded, a device's entered
 * facts; schema 9). */
static const char *const schema_v9[] = {
	"CREATE INDEX step_record_step ON step_record (job_id, step_id, seq)",
	NULL,
};

/* An instructor's sign-off of a trainee for a competence (schema 10): kept for good, each
 * one an entry of the accounts chain. A trainee's jobs, found by her (her record), and
 * the jobs waiting for a grade, found without reading every grade. */
static const char *const schema_v10[] = {
	"CREATE TABLE signoff ("
	"id INTEGER PRIMARY KEY, "
	"user_id INTEGER NOT NULL REFERENCES app_user (id), "
	"competence TEXT NOT NULL, "
	"by_user INTEGER NOT NULL REFERENCES app_user (id), "
	"note TEXT NOT NULL CHECK (length(note) > 0), "
	"t_ms INTEGER NOT NULL)",
	"CREATE INDEX signoff_user ON signoff (user_id, competence)",
	"CREATE INDEX job_trainee ON job (trainee_id, id)",
	/* The submission the latest grade was about (NULL: never graded), kept with the grade
	 * (store_grade_add()): a job waits for a grade when it is submitted and graded_ms is
	 * not its submitted_ms, and the grading queue reads those alone from the index. */
	"ALTER TABLE job ADD COLUMN graded_ms INTEGER",
	"UPDATE job SET graded_ms = (SELECT g.submitted_ms FROM grade g WHERE g.job_id = job.id "
	"ORDER BY g.id DESC LIMIT 1)",
	"CREATE INDEX job_waiting ON job (submitted_ms, id) "
	"WHERE state = 'submitted' AND graded_ms IS NOT submitted_ms",
	"CREATE TRIGGER signoff_no_update BEFORE UPDATE ON signoff "
	"BEGIN SELECT RAISE(ABORT, 'sign-offs are append-only'); END",
	"CREATE TRIGGER signoff_no_delete BEFORE DELETE ON signoff "
	"BEGIN SELECT RAISE(ABORT, 'sign-offs are append-only'); END",
	NULL,
};

/* Privacy (schema 11; docs/privacy.md). A trainee is named on public documents by a
 * code the workshop chooses (app_user.code; the trainees of an older database get
 * "T-" and their id, three digits at least). From now on the chains never hold a name:
 * an account's entry is of kind "account" (its id, code, role, state and a digest of its
 * secret, ledger.c), so that a name lives only in app_user.name, outside every hashed
 * byte, and erasing it changes none. An erasure is kept (who, when, why, which account:
 * never the name), and so is each redaction of an entry written before, when it still
 * held the name (ledger.c says how a chain stays verifiable). The guards that keep the
 * ledger, the certificates, the audit log and the sign-in attempts append-only let an
 * erasure through, and only while it runs: the row "erasing" of bench is written and
 * removed in its own transaction (store_user_erase()). The accounts get their first
 * "account" entry in the same transaction (store_int_ledger_adopt_accounts()). */
static const char *const schema_v11[] = {
	"ALTER TABLE app_user ADD COLUMN code TEXT",
	"ALTER TABLE app_user ADD COLUMN erased_ms INTEGER",
	"CREATE UNIQUE INDEX app_user_code ON app_user (code)",
	"UPDATE app_user SET code = printf('T-%03d', id) WHERE role = 'trainee'",
	"CREATE TABLE erasure ("
	"id INTEGER PRIMARY KEY, "
	"user_id INTEGER NOT NULL UNIQUE REFERENCES app_user (id), "
	"by_user INTEGER NOT NULL REFERENCES app_user (id), "
	"why TEXT NOT NULL CHECK (length(why) > 0), "
	"t_ms INTEGER NOT NULL)",
	"CREATE TABLE redaction ("
	"id INTEGER PRIMARY KEY, "
	"erasure_id INTEGER NOT NULL REFERENCES erasure (id), "
	"chain TEXT NOT NULL, "
	"seq INTEGER NOT NULL, "
	"hash TEXT NOT NULL, "
	"redacted_hash TEXT NOT NULL, "
	"UNIQUE (chain, seq))",
	"CREATE TRIGGER erasure_no_update BEFORE UPDATE ON erasure "
	"BEGIN SELECT RAISE(ABORT, 'erasures are append-only'); END",
	"CREATE TRIGGER erasure_no_delete BEFORE DELETE ON erasure "
	"BEGIN SELECT RAISE(ABORT, 'erasures are append-only'); END",
	"CREATE TRIGGER redaction_no_update BEFORE UPDATE ON redaction "
	"BEGIN SELECT RAISE(ABORT, 'redactions are append-only'); END",
	"CREATE TRIGGER redaction_no_delete BEFORE DELETE ON redaction "
	"BEGIN SELECT RAISE(ABORT, 'redactions are append-only'); END",
	"DROP TRIGGER ledger_no_update",
	"CREATE TRIGGER ledger_no_update BEFORE UPDATE ON ledger "
	"WHEN NOT EXISTS (SELECT 1 FROM bench WHERE key = 'erasing') "
	"BEGIN SELECT RAISE(ABORT, 'the ledger is append-only'); END",
	"DROP TRIGGER certificate_no_update",
	"CREATE TRIGGER certificate_no_update BEFORE UPDATE ON certificate "
	"WHEN NOT EXISTS (SELECT 1 FROM bench WHERE key = 'erasing') "
	"BEGIN SELECT RAISE(ABORT, 'certificates are append-only'); END",
	"DROP TRIGGER audit_no_update",
	"CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit "
	"WHEN NOT EXISTS (SELECT 1 FROM bench WHERE key = 'erasing') "
	"BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END",
	"DROP TRIGGER signin_attempt_no_delete",
	"CREATE TRIGGER signin_attempt_no_delete BEFORE DELETE ON signin_attempt "
	"WHEN NOT EXISTS (SELECT 1 FROM bench WHERE key = 'erasing') "
	"BEGIN SELECT RAISE(ABORT, 'sign-in attempts are append-only'); END",
	NULL,
};

/* The jobs in work (the instructors' overview) found without reading every job. */
static const char *const schema_v12[] = {
	"CREATE INDEX job_open ON job (id) WHERE state = 'open'",
	NULL,
};

/* Resale (issue 14): intake batches from donors and the devices in each; where a device
 * sits on the shelves; its sales (each with the lifecycle event that moved it to "sold");
 * and the destruction of a device's storage when it is recycled or kept for parts
 * without a wipe. Append-only like the records, and each row in a chain (ledger.c): a
 * batch in the workshop's chain, the rest in the device's. A buyer is named only by a
 * reference the workshop chooses (an invoice number), never by name (docs/privacy.md). */
static const char *const schema_v13[] = {
	"CREATE TABLE intake_batch ("
	"id INTEGER PRIMARY KEY, "
	"name TEXT NOT NULL UNIQUE CHECK (length(name) > 0), "
	"donor TEXT NOT NULL CHECK (length(donor) > 0), "
	"by_user INTEGER NOT NULL REFERENCES app_user (id), "
	"t_ms INTEGER NOT NULL)",
	"CREATE TABLE device_batch ("
	"id INTEGER PRIMARY KEY, "
	"device_id INTEGER NOT NULL UNIQUE REFERENCES device (id), "
	"batch_id INTEGER NOT NULL REFERENCES intake_batch (id), "
	"by_user INTEGER NOT NULL REFERENCES app_user (id), "
	"t_ms INTEGER NOT NULL)",
	"CREATE INDEX device_batch_batch ON device_batch (batch_id, device_id)",
	"CREATE TABLE shelf_move ("
	"id INTEGER PRIMARY KEY, "
	"device_id INTEGER NOT NULL REFERENCES device (id), "
	"shelf TEXT NOT NULL CHECK (length(shelf) > 0), "
	"by_user INTEGER NOT NULL REFERENCES app_user (id), "
	"t_ms INTEGER NOT NULL)",
	"CREATE INDEX shelf_move_device ON shelf_move (device_id, id)",
	"CREATE TABLE sale ("
	"id INTEGER PRIMARY KEY, "
	"device_id INTEGER NOT NULL REFERENCES device (id), "
	"event_id INTEGER NOT NULL UNIQUE REFERENCES device_event (id), "
	"price_cents INTEGER NOT NULL CHECK (price_cents >= 0), "
	"currency TEXT NOT NULL DEFAULT 'EUR', "
	"channel TEXT NOT NULL CHECK (channel IN ('shop', 'online', 'partner', 'donation')), "
	"buyer_ref TEXT, "
	"by_user INTEGER NOT NULL REFERENCES app_user (id), "
	"t_ms INTEGER NOT NULL)",
	"CREATE INDEX sale_device ON sale (device_id, id)",
	"CREATE TABLE destruction ("
	"id INTEGER PRIMARY KEY, "
	"device_id INTEGER NOT NULL REFERENCES device (id), "
	"method TEXT NOT NULL CHECK (length(method) > 0), "
	"by_user INTEGER NOT NULL REFERENCES app_user (id), "
	"t_ms INTEGER NOT NULL)",
	"CREATE INDEX destruction_device ON destruction (device_id, id)",
	"CREATE TRIGGER intake_batch_no_update BEFORE UPDATE ON intake_batch "
	"BEGIN SELECT RAISE(ABORT, 'batches are append-only'); END",
	"CREATE TRIGGER intake_batch_no_delete BEFORE DELETE ON intake_batch "
	"BEGIN SELECT RAISE(ABORT, 'batches are append-only'); END",
	"CREATE TRIGGER device_batch_no_update BEFORE UPDATE ON device_batch "
	"BEGIN SELECT RAISE(ABORT, 'batch memberships are append-only'); END",
	"CREATE TRIGGER device_batch_no_delete BEFORE DELETE ON device_batch "
	"BEGIN SELECT RAISE(ABORT, 'batch memberships are append-only'); END",
	"CREATE TRIGGER shelf_move_no_update BEFORE UPDATE ON shelf_move "
	"BEGIN SELECT RAISE(ABORT, 'shelf moves are append-only'); END",
	"CREATE TRIGGER shelf_move_no_delete BEFORE DELETE ON shelf_move "
	"BEGIN SELECT RAISE(ABORT, 'shelf moves are append-only'); END",
	"CREATE TRIGGER sale_no_update BEFORE UPDATE ON sale "
	"BEGIN SELECT RAISE(ABORT, 'sales are append-only'); END",
	"CREATE TRIGGER sale_no_delete BEFORE DELETE ON sale "
	"BEGIN SELECT RAISE(ABORT, 'sales are append-only'); END",
	"CREATE TRIGGER destruction_no_update BEFORE UPDATE ON destruction "
	"BEGIN SELECT RAISE(ABORT, 'destruction records are append-only'); END",
	"CREATE TRIGGER destruction_no_delete BEFORE DELETE ON destruction "
	"BEGIN SELECT RAISE(ABORT, 'destruction records are append-only'); END",
	NULL,
};

/* Schema 14: each record names the bench it was made at (the line bench: of the data
 * directory's atelier.conf, else the host's name; store_set_bench()): the job where it
 * was started, each step record, each reading of a device and each move of its state.
 * NULL for what was recorded before, on the one bench there was. */
static const char *const schema_v14[] = {
	"ALTER TABLE job ADD COLUMN bench TEXT",
	"ALTER TABLE step_record ADD COLUMN bench TEXT",
	"ALTER TABLE probe ADD COLUMN bench TEXT",
	"ALTER TABLE device_event ADD COLUMN bench TEXT",
	NULL,
};
static const char *const schema_v14_pg[] = {
	"ALTER TABLE job ADD COLUMN bench text COLLATE \"C\"",
	"ALTER TABLE step_record ADD COLUMN bench text COLLATE \"C\"",
	"ALTER TABLE probe ADD COLUMN bench text COLLATE \"C\"",
	"ALTER TABLE device_event ADD COLUMN bench text COLLATE \"C\"",
	NULL,
};

/* Schema 15: the benches' own keys (svc_benchkey.c). A bench whose records are on the
 * workshop's server signs the heads of the chains it moves with a key of its own, so
 * that the workshop key stays on the certifying station: bench_key holds each bench's
 * public key as the bench gave it, bench_enrolment the workshop key's signature of it,
 * made at the certifying station by an admin. Both are append-only. */
static const char *const schema_v15[] = {
	"CREATE TABLE bench_key ("
	"id INTEGER PRIMARY KEY, "
	"bench TEXT NOT NULL CHECK (length(bench) > 0), "
	"key_id TEXT NOT NULL UNIQUE, "
	"public TEXT NOT NULL, "
	"t_ms INTEGER NOT NULL)",
	"CREATE TABLE bench_enrolment ("
	"id INTEGER PRIMARY KEY, "
	"key_id TEXT NOT NULL UNIQUE REFERENCES bench_key (key_id), "
	"by_user INTEGER NOT NULL REFERENCES app_user (id), "
	"t_ms INTEGER NOT NULL, "
	"signer TEXT NOT NULL, "
	"sig TEXT NOT NULL)",
	"CREATE TRIGGER bench_key_no_update BEFORE UPDATE ON bench_key "
	"BEGIN SELECT RAISE(ABORT, 'bench keys are append-only'); END",
	"CREATE TRIGGER bench_key_no_delete BEFORE DELETE ON bench_key "
	"BEGIN SELECT RAISE(ABORT, 'bench keys are append-only'); END",
	"CREATE TRIGGER bench_enrolment_no_update BEFORE UPDATE ON bench_enrolment "
	"BEGIN SELECT RAISE(ABORT, 'bench enrolments are append-only'); END",
	"CREATE TRIGGER bench_enrolment_no_delete BEFORE DELETE ON bench_enrolment "
	"BEGIN SELECT RAISE(ABORT, 'bench enrolments are append-only'); END",
	NULL,
};

static const struct migration migrations[] = {
	{ schema_v1, "PRAGMA user_version = 1", NULL }, /* 0 -> 1 */
	{ schema_v2, "PRAGMA user_version = 2", NULL }, /* 1 -> 2 */
	{ schema_v3, "PRAGMA user_version = 3", NULL }, /* 2 -> 3 */
	{ schema_v4, "PRAGMA user_version = 4", NULL }, /* 3 -> 4 */
	{ schema_v5, "PRAGMA user_version = 5", NULL }, /* 4 -> 5 */
	{ schema_v6, "PRAGMA user_version = 6", NULL }, /* 5 -> 6 */
	{ schema_v7, "PRAGMA user_version = 7", NULL }, /* 6 -> 7 */
	{ schema_v8, "PRAGMA user_version = 8", NULL }, /* 7 -> 8 */
	{ schema_v9, "PRAGMA user_version = 9", NULL }, /* 8 -> 9 */
	{ schema_v10, "PRAGMA user_version = 10", NULL }, /* 9 -> 10 */
	{ schema_v11, "PRAGMA user_version = 11", NULL }, /* 10 -> 11 */
	{ schema_v12, "PRAGMA user_version = 12", NULL }, /* 11 -> 12 */
	{ schema_v13, "PRAGMA user_version = 13", NULL }, /* 12 -> 13 */
	{ schema_v14, "PRAGMA user_version = 14", schema_v14_pg }, /* 13 -> 14 */
	{ schema_v15, "PRAGMA user_version = 15", schema_pg_v15 }, /* 14 -> 15 */
};

const char *const *store_int_pg_migration(int from)
{
	if (from < SCHEMA_PG_VERSION || from >= STORE_SCHEMA_VERSION)
		return NULL;
	return migrations[from].pg_steps;
}

_Static_assert(sizeof(migrations) / sizeof(migrations[0]) == STORE_SCHEMA_VERSION,
	       "one migration per schema version");

static _Thread_local char last_error[STORE_ERROR_SIZE];
static _Thread_local int last_errno;

static void set_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void set_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(last_error, sizeof(last_error), fmt, ap);
	va_end(ap);
	last_errno = 0;
}

/* The text of errno value E. GNU strerror_r (we build with _GNU_SOURCE) is thread-safe
 * and returns the text, which may or may not be in BUF. */
static const char *errno_text(int e, char *buf, size_t size)
{
	return strerror_r(e, buf, size);
}

/* Record "CALL PATH: strerror(E)". */
static void set_errno_error(const char *call, const char *path, int e)
{
	char buf[128];

	set_error("%s %s: %s", call, path, errno_text(e, buf, sizeof(buf)));
	last_errno = e;
}

/* The directory part of FILE into OUT: "a/b" gives "a", "/b" gives "/", "b" gives ".".
 * Returns 0, or -1 when it does not fit. */

const char *store_last_error_message(void)
{
	return last_error;
}

int store_last_errno(void)
{
	return last_errno;
}

/* Why PATH (the database, with its -wal and -shm beside it) cannot be written: EROFS or
 * EACCES as access() tells for its directory, then the file; 0 when it can. */
static int unwritable(const char *path)
{
	char dir[PATH_MAX];

	if (!path)
		return 0;
	if (file_split_path(path, dir, sizeof(dir), NULL) == 0 && access(dir, W_OK) != 0 &&
	    (errno == EROFS || errno == EACCES || errno == EPERM))
		return errno;
	if (access(path, W_OK) != 0 && (errno == EROFS || errno == EACCES || errno == EPERM))
		return errno;
	return 0;
}

/* The errno that says why SQLite failed with RC on DB (at PATH): the one it saw, else the
 * one its code means (a full disk, a read-only file, a lock). A file SQLite could not
 * open (its -shm on a read-only file system gives ENOENT) is asked about directly. */
static int cause_of(sqlite3 *db, int rc, const char *path)
{
	int e = db ? sqlite3_system_errno(db) : 0;

	switch (rc & 0xff) {
	case SQLITE_FULL:
		return ENOSPC;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return EBUSY;
	case SQLITE_READONLY:
		return unwritable(path) ? unwritable(path) : EROFS;
	case SQLITE_PERM:
	case SQLITE_AUTH:
		return e == EROFS ? e : EACCES;
	case SQLITE_IOERR:
	case SQLITE_CANTOPEN:
		if (e == ENOSPC || e == EDQUOT)
			return e;
		return unwritable(path) ? unwritable(path) : e;
	default:
		return 0;
	}
}

const char *store_strerror(enum store_err err)
{
	switch (err) {
	case STORE_OK:
		return "success";
	case STORE_ENOENT:
		return "no database";
	case STORE_ETOONEW:
		return "database written by a newer version of atelier";
	case STORE_ECORRUPT:
		return "database is corrupt or not a database";
	case STORE_EBUSY:
		return "database is locked by another process";
	case STORE_EIO:
		return "cannot read or write the database";
	case STORE_EINVAL:
		return "invalid argument";
	case STORE_EINTERNAL:
		return "unexpected database error";
	case STORE_EEXIST:
		return "already recorded";
	case STORE_ESTALE:
		return "changed by someone else meanwhile";
	case STORE_ESEAL:
		return "the workshop key could not sign the records";
	case STORE_ECLOSED:
		return "the job is no longer open";
	}
	return "unknown store error";
}

long long store_int_now_ms(void)
{
	return clock_wall_ms();
}

/* Translate an SQLite result code (primary or extended) at the module boundary. */
static enum store_err from_sqlite(int rc)
{
	if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY)
		return STORE_EEXIST;
	switch (rc & 0xff) {
	case SQLITE_OK:
	case SQLITE_ROW:
	case SQLITE_DONE:
		return STORE_OK;
	case SQLITE_CORRUPT:
	case SQLITE_NOTADB:
		return STORE_ECORRUPT;
	case SQLITE_CONSTRAINT:
		return STORE_EINVAL;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return STORE_EBUSY;
	case SQLITE_IOERR:
	case SQLITE_CANTOPEN:
	case SQLITE_FULL:
	case SQLITE_READONLY:
	case SQLITE_PERM:
	case SQLITE_PROTOCOL:
		return STORE_EIO;
	default:
		return STORE_EINTERNAL;
	}
}

/* Record the detail of a failed CALL (running SQL, when not NULL) on the database at PATH
 * and return RC translated. Call it before sqlite3_finalize(), which resets the message. */
void store_int_error(const char *text)
{
	set_error("%s", text);
	last_errno = 0;
}

enum store_err store_int_fail(sqlite3 *db, int rc, const char *call, const char *sql,
				  const char *path)
{
	const char *why = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
	enum store_err err = from_sqlite(rc);

	if (sql)
		set_error("%s \"%.*s\" %s: %s", call, STORE_ERROR_SQL_MAX, sql, path, why);
	else
		set_error("%s %s: %s", call, path, why);
	last_errno = cause_of(db, rc, path);
	return err == STORE_OK ? STORE_EINTERNAL : err;
}

enum store_err store_int_fail_text(enum store_err err, const char *call, const char *sql,
				   const char *where, const char *why, int e)
{
	if (!call)
		set_error("%s", why);
	else if (sql)
		set_error("%s \"%.*s\" %s: %s", call, STORE_ERROR_SQL_MAX, sql, where, why);
	else
		set_error("%s %s: %s", call, where, why);
	last_errno = e;
	return err;
}

/* Run one statement without parameters to its end; rows, if any, are ignored. */
enum store_err store_int_run(sqlite3 *db, const char *path, const char *sql)
{
	sqlite3_stmt *stmt = NULL;
	enum store_err err = STORE_OK;
	int rc;

	rc = sqlite3_prepare_v2(db, sql, -1, &stmt, NULL);
	if (rc != SQLITE_OK) {
		err = store_int_fail(db, rc, "sqlite3_prepare_v2", sql, path);
		goto out;
	}
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW)
		;
	if (rc != SQLITE_DONE)
		err = store_int_fail(db, rc, "sqlite3_step", sql, path);
out:
	sqlite3_finalize(stmt);
	return err;
}

/* Run SQL and give the first column of its first row as an integer (*OUT) or as text
 * (OUT_TEXT, SIZE bytes, truncated); pass the one you want. A statement without rows is
 * an internal error: only PRAGMAs that always answer are used here. */
static enum store_err sql_first(sqlite3 *db, const char *path, const char *sql, int *out,
				char *out_text, size_t size)
{
	sqlite3_stmt *stmt = NULL;
	enum store_err err = STORE_OK;
	const unsigned char *text;
	int rc;

	rc = sqlite3_prepare_v2(db, sql, -1, &stmt, NULL);
	if (rc != SQLITE_OK) {
		err = store_int_fail(db, rc, "sqlite3_prepare_v2", sql, path);
		goto out;
	}
	rc = sqlite3_step(stmt);
	if (rc != SQLITE_ROW) {
		err = store_int_fail(db, rc, "sqlite3_step", sql, path);
		goto out;
	}
	if (out)
		*out = sqlite3_column_int(stmt, 0);
	if (out_text && size > 0) {
		text = sqlite3_column_text(stmt, 0);
		snprintf(out_text, size, "%s", text ? (const char *)text : "");
	}
out:
	sqlite3_finalize(stmt);
	return err;
}

/* End a write: finalize STMT, then COMMIT when ERR is none, and roll back whatever is
 * still open (a failed COMMIT too), keeping the message of the failure that led here. */
enum store_err store_int_end(struct store *st, struct db_stmt *stmt, enum store_err err)
{
	db_done(stmt);
	if (!err)
		err = store_int_commit(st);
	if (err)
		store_int_rollback(st);
	return err;
}

int store_release_reads(struct store *st)
{
	int n = 0;

	if (!st || st->pg) /* a PostgreSQL result is read whole: it holds no snapshot */
		return 0;
	/* A statement left stepped keeps its snapshot: every later read on this connection
	 * would see the records as they were then. */
	for (sqlite3_stmt *s = sqlite3_next_stmt(st->db, NULL); s; s = sqlite3_next_stmt(st->db, s))
		if (sqlite3_stmt_busy(s)) {
			log_msg(LOG_WARN, "a statement was left open, reset now: %s", sqlite3_sql(s));
			sqlite3_reset(s);
			n++;
		}
	/* So does a read transaction left open (a COMMIT that failed): nothing was written
	 * in it, a write's own transaction ends where it began. */
	if (!st->batch && db_in_transaction(st)) {
		log_msg(LOG_WARN, "a transaction was left open, rolled back now");
		db_run(st, "ROLLBACK");
		n++;
	}
	return n;
}

enum store_err store_read_begin(struct store *st, int *begun)
{
	enum store_err err = STORE_OK;

	*begun = 0;
	if (st->batch || db_in_transaction(st))
		return STORE_OK; /* inside a write already: its reads see the same records */
	err = db_run(st, "BEGIN");
	*begun = err == STORE_OK;
	return err;
}

void store_read_end(struct store *st, int begun)
{
	/* A read transaction that cannot commit is rolled back: left open, it would keep
	 * its snapshot, and every later read on this connection would see the past. */
	if (begun && db_in_transaction(st) && db_run(st, "COMMIT") != STORE_OK &&
	    db_in_transaction(st))
		db_run(st, "ROLLBACK");
}

enum store_err store_int_begin(struct store *st)
{
	enum store_err err;

	if (!st->batch)
		return db_run(st, "BEGIN IMMEDIATE");
	if (!st->batch_begun) {
		err = db_run(st, "BEGIN IMMEDIATE");
		if (err)
			return err;
		st->batch_begun = 1;
	}
	err = db_run(st, "SAVEPOINT atelier_write");
	if (!err)
		st->savepoints++;
	return err;
}

enum store_err store_int_begin_scope(struct store *st, long long device, long long job)
{
	if (st->batch)
		return store_int_begin(st); /* the batch's writes may move any chain */
	return db_begin_scope(st, device, job);
}

/* A scope's row: the device, then the job. */
static int scope_item(struct db_stmt *stmt, void *item)
{
	long long *scope = item;

	scope[0] = db_col_int64(stmt, 0);
	scope[1] = db_col_int64(stmt, 1);
	return 1;
}

enum store_err store_int_begin_for(struct store *st, const char *sql, long long id,
				   const char *text_id)
{
	struct db_stmt *stmt = NULL;
	long long scope[2] = { 0, 0 };
	enum store_err err;

	if (st->batch || !db_scoped(st))
		return store_int_begin(st);
	/* Read outside the write: a job's device, a grade's job and a certificate's device
	 * never change once written. Nothing found: the write fails on its own (no such
	 * job), under the workshop's lock held shared. */
	err = db_prepare(st, sql, &stmt);
	if (!err && text_id)
		db_bind_text(stmt, 1, text_id);
	else if (!err)
		db_bind_int64(stmt, 1, id);
	err = db_one(stmt, err, scope_item, NULL, scope);
	if (err && err != STORE_ENOENT)
		return err;
	return db_begin_scope(st, scope[0], scope[1]);
}

enum store_err store_int_commit(struct store *st)
{
	enum store_err err;

	if (!st->batch)
		return db_run(st, "COMMIT");
	if (st->savepoints == 0 || !db_in_transaction(st))
		return STORE_EIO; /* SQLite rolled the batch back after an error (store_batch_end) */
	err = db_run(st, "RELEASE atelier_write");
	if (!err)
		st->savepoints--;
	return err;
}

/* A failed ROLLBACK leaves nothing to do: SQLite rolls back when the connection closes. */
void store_int_rollback(struct store *st)
{
	if (!db_in_transaction(st))
		return;
	if (!st->batch) {
		db_run(st, "ROLLBACK");
		return;
	}
	if (st->savepoints == 0)
		return;
	db_run(st, "ROLLBACK TO atelier_write");
	db_run(st, "RELEASE atelier_write");
	st->savepoints--;
}

/* The database files this process has open through SQLite. POSIX locks belong to the
 * process, and closing any descriptor of a file drops every lock the process holds on it:
 * a database open here is never opened and closed by hand again (peek_header), or another
 * process could write while this one's connections think they hold their locks. */
#define OPEN_FILES_MAX 16

static pthread_mutex_t open_mu = PTHREAD_MUTEX_INITIALIZER;
static struct {
	dev_t dev;
	ino_t ino;
	int count;
} open_files[OPEN_FILES_MAX];

/* 1 when the file at PATH is open through SQLite in this process. */
static int open_here(const char *path)
{
	struct stat sb;
	int found = 0;

	if (stat(path, &sb) != 0)
		return 0;
	pthread_mutex_lock(&open_mu);
	for (size_t i = 0; i < OPEN_FILES_MAX && !found; i++)
		found = open_files[i].count > 0 && open_files[i].dev == sb.st_dev &&
			open_files[i].ino == sb.st_ino;
	pthread_mutex_unlock(&open_mu);
	return found;
}

static void open_count(struct store *st, int delta)
{
	struct stat sb;

	if (delta > 0) {
		if (stat(st->path, &sb) != 0)
			return;
		st->dev = sb.st_dev;
		st->ino = sb.st_ino;
	} else if (!st->registered) {
		return;
	}
	pthread_mutex_lock(&open_mu);
	for (size_t i = 0; i < OPEN_FILES_MAX; i++) {
		if (open_files[i].count > 0 && open_files[i].dev == st->dev &&
		    open_files[i].ino == st->ino) {
			open_files[i].count += delta;
			st->registered = delta > 0;
			goto out;
		}
	}
	for (size_t i = 0; delta > 0 && i < OPEN_FILES_MAX; i++) {
		if (open_files[i].count == 0) {
			open_files[i].dev = st->dev;
			open_files[i].ino = st->ino;
			open_files[i].count = 1;
			st->registered = 1;
			break;
		}
	}
out:
	pthread_mutex_unlock(&open_mu);
}

/*
 * Read the version from the file header without SQLite (see the top of this file).
 * *EXISTS is 0 when there is no file. An empty file (SQLite would take it for a new
 * database) and a file that is not an SQLite database give STORE_ECORRUPT: Atelier never
 * writes one, so it is a damaged or foreign file, never silently made a database.
 */
static enum store_err peek_header(const char *path, int *exists, int *version)
{
	unsigned char hdr[SQLITE_HEADER_SIZE];
	const unsigned char *v = hdr + SQLITE_HEADER_USER_VERSION;
	enum store_err err = STORE_OK;
	size_t got = 0;
	uint32_t raw;
	ssize_t n;
	int fd;

	*exists = 0;
	*version = 0;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		if (errno == ENOENT)
			return STORE_OK;
		set_errno_error("open", path, errno);
		return STORE_EIO;
	}
	*exists = 1;
	while (got < sizeof(hdr)) {
		n = read(fd, hdr + got, sizeof(hdr) - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			set_errno_error("read", path, errno);
			err = STORE_EIO;
			goto out;
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	if (got == 0) {
		set_error("%s is empty (0 bytes)", path);
		err = STORE_ECORRUPT;
		goto out;
	}
	if (got < sizeof(hdr) || memcmp(hdr, SQLITE_HEADER_MAGIC, sizeof(SQLITE_HEADER_MAGIC))) {
		set_error("%s: not an sqlite database (no sqlite header)", path);
		err = STORE_ECORRUPT;
		goto out;
	}
	raw = (uint32_t)v[0] << 24 | (uint32_t)v[1] << 16 | (uint32_t)v[2] << 8 | v[3];
	/* SQLite reads it as signed; a negative version was never written by Atelier. */
	if (raw > INT32_MAX) {
		set_error("%s: user_version %" PRIu32 " is not an atelier schema version", path,
			  raw);
		err = STORE_ECORRUPT;
		goto out;
	}
	*version = (int)raw;
out:
	close(fd);
	return err;
}

/*
 * STORE_ECORRUPT when the SQLite database open in ST, at schema VERSION, is another
 * program's: at version 0 it must hold nothing yet (Atelier creates it), from version 1
 * it must have Atelier's bench table. Only reads: a foreign file is left untouched.
 */
static enum store_err refuse_foreign(struct store *st, int version)
{
	int n = 0;
	enum store_err err;

	err = sql_first(st->db, st->path,
			version == 0 ? "SELECT count(*) FROM sqlite_master"
				     : "SELECT count(*) FROM sqlite_master WHERE type = 'table' "
				       "AND name = 'bench'",
			&n, NULL, 0);
	if (err)
		return err;
	if ((version == 0 && n == 0) || (version > 0 && n == 1))
		return STORE_OK;
	set_error("%s is an SQLite database of another program", st->path);
	return STORE_ECORRUPT;
}

static enum store_err refuse_newer(const char *path, int version)
{
	set_error("%s: schema version %d is newer than this atelier's %d; left untouched", path,
		  version, STORE_SCHEMA_VERSION);
	return STORE_ETOONEW;
}

/* The rows of the bench table written when the database is created. A step of the first
 * migration, SQLite's own like the others: prepared here, not kept in the connection's
 * statements (it runs once). */
static enum store_err record_creation(struct store *st)
{
	static const char sql[] = "INSERT INTO bench (key, value) VALUES (?, ?)";
	sqlite3_stmt *stmt = NULL;
	enum store_err err = STORE_OK;
	char now[32];
	const char *const rows[][2] = {
		{ "created_at", clock_iso8601(clock_wall_ms(), now, sizeof(now)) },
		{ "created_by_version", ATELIER_VERSION },
	};
	size_t i;
	int rc;

	rc = sqlite3_prepare_v2(st->db, sql, -1, &stmt, NULL);
	if (rc != SQLITE_OK) {
		err = store_int_fail(st->db, rc, "sqlite3_prepare_v2", sql, st->path);
		goto out;
	}
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		sqlite3_reset(stmt);
		rc = sqlite3_bind_text(stmt, 1, rows[i][0], -1, SQLITE_STATIC);
		if (rc == SQLITE_OK)
			rc = sqlite3_bind_text(stmt, 2, rows[i][1], -1, SQLITE_STATIC);
		if (rc != SQLITE_OK) {
			err = store_int_fail(st->db, rc, "sqlite3_bind_text", sql, st->path);
			goto out;
		}
		rc = sqlite3_step(stmt);
		if (rc != SQLITE_DONE) {
			err = store_int_fail(st->db, rc, "sqlite3_step", sql, st->path);
			goto out;
		}
	}
out:
	sqlite3_finalize(stmt);
	return err;
}

/*
 * Take the schema one version forward in one transaction. *VERSION gets the version
 * found (STORE_ETOONEW, or STORE_OK with nothing done when it is already current) or
 * reached. BEGIN IMMEDIATE takes the write lock before the version is read again, so two
 * processes opening the same new database do not both run the step.
 */
static enum store_err migrate_once(struct store *st, int *version)
{
	const struct migration *m;
	enum store_err err;
	int found, now;
	size_t i;

	err = store_int_begin(st);
	if (err)
		goto out;
	err = sql_first(st->db, st->path, "PRAGMA user_version", &found, NULL, 0);
	if (err)
		goto out;
	*version = found;
	if (found > STORE_SCHEMA_VERSION) {
		err = refuse_newer(st->path, found); /* a newer Atelier migrated meanwhile */
		goto out;
	}
	if (found < 0) {
		set_error("%s: user_version %d is not an atelier schema version", st->path, found);
		err = STORE_ECORRUPT;
		goto out;
	}
	if (found == STORE_SCHEMA_VERSION)
		goto out; /* another process did it; the rollback below releases the lock */

	m = &migrations[found];
	for (i = 0; m->steps[i]; i++) {
		err = store_int_run(st->db, st->path, m->steps[i]);
		if (err)
			goto out;
	}
	if (found == 0) {
		err = record_creation(st);
		if (err)
			goto out;
	}
	if (found == 5) {
		err = store_int_ledger_adopt(st);
		if (err)
			goto out;
	}
	if (found == 6) {
		err = store_int_ledger_adopt_users(st);
		if (err)
			goto out;
	}
	if (found == 10) {
		err = store_int_ledger_adopt_accounts(st);
		if (err)
			goto out;
	}
	err = store_int_run(st->db, st->path, m->set_version);
	if (err)
		goto out;
	/* Guards the hand-written SET_VERSION literal against a typo. */
	err = sql_first(st->db, st->path, "PRAGMA user_version", &now, NULL, 0);
	if (err)
		goto out;
	if (now != found + 1) {
		set_error("%s: migration from version %d set version %d", st->path, found, now);
		err = STORE_EINTERNAL;
		goto out;
	}
	err = store_int_commit(st);
	if (err)
		goto out;
	*version = now;
	if (found == 0)
		log_msg(LOG_DEBUG, "created database %s (schema version %d)", st->path, now);
	else
		log_msg(LOG_DEBUG, "migrated database %s from schema version %d to %d", st->path,
			found, now);
out:
	store_int_rollback(st);
	return err;
}

/* Connection settings; none of them is applied before the version has been accepted. */
static enum store_err configure(struct store *st)
{
	enum store_err err;
	char mode[16];

	err = sql_first(st->db, st->path, "PRAGMA journal_mode = WAL", NULL, mode, sizeof(mode));
	if (err)
		return err;
	/* SQLite answers with the mode in force, which stays the old one if WAL is refused
	 * (e.g. a file system without shared memory). */
	if (strcasecmp(mode, "wal") != 0) {
		set_error("PRAGMA journal_mode = WAL %s: journal mode stayed \"%s\"", st->path,
			  mode);
		return STORE_EIO;
	}
	err = store_int_run(st->db, st->path, "PRAGMA synchronous = FULL");
	if (err)
		return err;
	/* What a change or a removal leaves behind in the file is overwritten with zeros:
	 * an erased name or an old secret's hash stays in no free space (docs/privacy.md). */
	err = store_int_run(st->db, st->path, "PRAGMA secure_delete = ON");
	if (err)
		return err;
	return store_int_run(st->db, st->path, "PRAGMA foreign_keys = ON");
}

/* SQLite counts the memory it takes, under one mutex of the whole process: the server's
 * threads (a connection each) then queue for it at each allocation. Nothing here reads
 * the count (sqlite3_memory_used()). It can be turned off only before SQLite starts: a
 * process that started it already keeps counting, which is only slower. */
static pthread_once_t lite_config_once = PTHREAD_ONCE_INIT;

static void lite_config(void)
{
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

/* The records' URL for DIR ($ATELIER_DB, else db: in DIR/atelier.conf) into URL (SIZE
 * bytes): 1 when there is one, 0 when the records are DIR's SQLite file, -1 when
 * atelier.conf cannot be read (WHY). */
static int records_url(const char *dir, char *url, size_t size, char *why, size_t why_size)
{
	const char *env = getenv("ATELIER_DB");

	if (env && *env) {
		snprintf(url, size, "%s", env);
		return 1;
	}
	return conf_get(dir, "db", url, size, why, why_size);
}

int store_url_is_server(const char *path)
{
	return path && store_int_is_pg_url(path);
}

int store_records_on_server(const char *dir, char *shown, size_t size)
{
	char url[1024], why[PATH_MAX + 128];

	if (records_url(dir, url, sizeof(url), why, sizeof(why)) != 1)
		return 0;
	store_int_url_shown(url, shown, size);
	return 1;
}

enum store_err store_open(const char *dir, int create, struct store **out, int *found_version)
{
	/* Where the records are: $ATELIER_DB (atelier --db URL sets it), else the line db:
	 * of the data directory's atelier.conf, else the SQLite file in it. */
	char url[1024], why[PATH_MAX + 128];
	int set;

	assert(dir && out);
	*out = NULL;
	last_error[0] = '\0';
	set = records_url(dir, url, sizeof(url), why, sizeof(why));
	if (set < 0) {
		set_error("%s", why);
		return STORE_EINVAL;
	}
	if (set && !store_int_is_pg_url(url)) {
		set_error("%s: the records' place is a postgresql:// URL; leave db: and "
			  "ATELIER_DB out for the SQLite file in the data directory",
			  url);
		return STORE_EINVAL;
	}
	return store_open_at(dir, set ? url : NULL, create, out, found_version);
}

enum store_err store_open_at(const char *dir, const char *url, int create, struct store **out,
			     int *found_version)
{
	/* A store is used by one thread at a time (svc contexts are not shared): its
	 * connection needs no mutex of its own. */
	const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_EXRESCODE | SQLITE_OPEN_NOMUTEX |
			  (create ? SQLITE_OPEN_CREATE : 0);
	struct store *st = NULL;
	enum store_err err = STORE_OK;
	char wal[PATH_MAX + sizeof("-wal")];
	int exists, version, wal_existed, rc, n;

	assert(dir && out);
	*out = NULL;
	if (found_version)
		*found_version = 0;
	last_error[0] = '\0';

	st = calloc(1, sizeof(*st));
	if (!st) {
		set_error("calloc struct store: out of memory");
		err = STORE_EINTERNAL;
		goto out;
	}
	if (url) {
		if (!store_int_is_pg_url(url)) {
			set_error("%s: not a postgresql:// URL", url);
			err = STORE_EINVAL;
			goto out;
		}
		err = store_int_pg_open(st, url, create, found_version);
		if (err)
			goto out;
		*out = st;
		st = NULL;
		goto out;
	}
	n = snprintf(st->path, sizeof(st->path), "%s/%s", dir, STORE_DB_NAME);
	if (n < 0 || (size_t)n >= sizeof(st->path)) {
		set_error("%s/%s: path too long", dir, STORE_DB_NAME);
		err = STORE_EINVAL;
		goto out;
	}
	snprintf(wal, sizeof(wal), "%s-wal", st->path);

	if (open_here(st->path)) {
		exists = 1; /* looked at when it was first opened; SQLite checks the rest */
		version = 0;
	} else {
		err = peek_header(st->path, &exists, &version);
		if (err)
			goto out;
	}
	if (found_version)
		*found_version = version;
	if (!exists && !create) {
		set_errno_error("open", st->path, ENOENT);
		err = STORE_ENOENT;
		goto out;
	}
	if (version > STORE_SCHEMA_VERSION) {
		err = refuse_newer(st->path, version);
		goto out;
	}
	wal_existed = access(wal, F_OK) == 0;

	st->ops = &db_sqlite_ops;
	pthread_once(&lite_config_once, lite_config);
	rc = sqlite3_open_v2(st->path, &st->db, flags, NULL);
	if (rc == SQLITE_OK)
		open_count(st, 1);
	if (rc != SQLITE_OK) {
		err = store_int_fail(st->db, rc, "sqlite3_open_v2", NULL, st->path);
		/* Removed since peek_header() looked: without CREATE, still "no database". */
		if (!create && st->db && sqlite3_system_errno(st->db) == ENOENT)
			err = STORE_ENOENT;
		goto out;
	}
	sqlite3_extended_result_codes(st->db, 1);
	err = store_int_functions(st);
	if (err)
		goto out;
	/* Until the version is accepted, closing must not checkpoint a WAL we did not write. */
	if (wal_existed)
		sqlite3_db_config(st->db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, (int *)NULL);
	/* Not a write: even the version read waits for another process's lock. */
	sqlite3_busy_timeout(st->db, STORE_BUSY_TIMEOUT_MS);

	err = sql_first(st->db, st->path, "PRAGMA user_version", &version, NULL, 0);
	if (err)
		goto out;
	if (found_version)
		*found_version = version;
	if (version > STORE_SCHEMA_VERSION) {
		err = refuse_newer(st->path, version);
		goto out;
	}
	if (version < 0) {
		set_error("%s: user_version %d is not an atelier schema version", st->path,
			  version);
		err = STORE_ECORRUPT;
		goto out;
	}
	if (exists) {
		err = refuse_foreign(st, version);
		if (err)
			goto out;
	}
	if (wal_existed)
		sqlite3_db_config(st->db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 0, (int *)NULL);

	err = configure(st);
	if (err)
		goto out;
	while (version < STORE_SCHEMA_VERSION) {
		err = migrate_once(st, &version);
		if (err == STORE_ETOONEW && found_version)
			*found_version = version;
		if (err)
			goto out;
	}
	st->version = version;
	*out = st;
	st = NULL;
out:
	store_free(st);
	return err;
}

void store_free(struct store *st)
{
	int rc;

	if (!st)
		return;
	store_int_sealing_stop(st);
	if (st->pg || !st->ops) {
		store_int_pg_close(st);
		free(st);
		return;
	}
	store_int_checkpointer_stop(st);
	db_release_all(st);
	rc = sqlite3_close(st->db);
	open_count(st, -1);
	/* Only an unfinalized statement (a bug here) makes close fail; say so. */
	if (rc != SQLITE_OK)
		log_msg(LOG_WARN, "sqlite3_close %s: %s", st->path, sqlite3_errstr(rc));
	free(st);
}

enum store_err store_data_version(struct store *st, long long *out)
{
	static const char sql[] = "PRAGMA data_version";
	struct db_stmt *stmt = NULL;
	enum store_err err;
	int row = 0;

	*out = 0;
	if (st->pg)
		return store_int_pg_data_version(st, out);
	err = db_prepare(st, sql, &stmt);
	if (err)
		return err;
	err = db_step(stmt, &row);
	if (!err && row)
		*out = db_col_int64(stmt, 0);
	else if (!err)
		err = db_unexpected(stmt);
	db_done(stmt);
	return err;
}

long long store_changes(struct store *st)
{
	return st->pg ? store_int_pg_total_changes(st) : sqlite3_total_changes64(st->db);
}

int store_schema_version(const struct store *st)
{
	assert(st);
	return st->version;
}

enum store_err store_set_bench(struct store *st, const char *name)
{
	size_t len = name ? strlen(name) : 0;

	if (!name) {
		st->bench[0] = '\0';
		return STORE_OK;
	}
	if (len == 0 || len > STORE_BENCH_MAX)
		return STORE_EINVAL;
	for (const unsigned char *p = (const unsigned char *)name; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return STORE_EINVAL;
	memcpy(st->bench, name, len + 1);
	return STORE_OK;
}

const char *store_bench(const struct store *st)
{
	return store_int_bench(st);
}

const char *store_path(const struct store *st)
{
	assert(st);
	return st->path;
}

/* Append one line to the report, truncating quietly: the return code says it all. */
static void report_line(char *report, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void report_line(char *report, size_t size, const char *fmt, ...)
{
	size_t len;
	va_list ap;

	if (!report || size == 0)
		return;
	len = strlen(report);
	if (len + 1 >= size)
		return;
	va_start(ap, fmt);
	vsnprintf(report + len, size - len, fmt, ap);
	va_end(ap);
	len = strlen(report);
	if (len + 1 < size) {
		report[len] = '\n';
		report[len + 1] = '\0';
	}
}

/*
 * Run a check PRAGMA and report its rows. integrity_check answers one row "ok" when
 * clean; foreign_key_check answers no rows when clean. *FOUND counts the findings. An
 * SQLite error that means corruption is a finding too.
 */
static enum store_err run_check(struct store *st, const char *sql, int fk, char *report,
				size_t size, int *found)
{
	sqlite3_stmt *stmt = NULL;
	enum store_err err = STORE_OK;
	const unsigned char *text, *parent;
	int rc;

	rc = sqlite3_prepare_v2(st->db, sql, -1, &stmt, NULL);
	if (rc != SQLITE_OK) {
		err = store_int_fail(st->db, rc, "sqlite3_prepare_v2", sql, st->path);
		goto out;
	}
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		if (fk) {
			/* Columns: table, rowid, parent table, constraint index. */
			text = sqlite3_column_text(stmt, 0);
			parent = sqlite3_column_text(stmt, 2);
			report_line(report, size,
				    "foreign key: row %lld of %s refers to a missing row of %s",
				    (long long)sqlite3_column_int64(stmt, 1),
				    text ? (const char *)text : "?",
				    parent ? (const char *)parent : "?");
			(*found)++;
			continue;
		}
		text = sqlite3_column_text(stmt, 0);
		if (text && strcmp((const char *)text, "ok") == 0)
			continue;
		report_line(report, size, "%s", text ? (const char *)text : "?");
		(*found)++;
	}
	if (rc != SQLITE_DONE) {
		err = store_int_fail(st->db, rc, "sqlite3_step", sql, st->path);
		if (err == STORE_ECORRUPT) {
			report_line(report, size, "%s", last_error);
			(*found)++;
			err = STORE_OK;
		}
	}
out:
	sqlite3_finalize(stmt);
	return err;
}

enum store_err store_check(struct store *st, char *report, size_t report_size)
{
	enum store_err err;
	int found = 0;

	assert(st);
	assert(report || report_size == 0);
	last_error[0] = '\0';
	if (report_size > 0)
		report[0] = '\0';
	if (st->pg) /* the server keeps its pages and keys whole itself */
		return store_int_pg_check(st, report, report_size);

	err = run_check(st, "PRAGMA integrity_check", 0, report, report_size, &found);
	if (err)
		return err;
	err = run_check(st, "PRAGMA foreign_key_check", 1, report, report_size, &found);
	if (err)
		return err;
	if (found) {
		set_error("%s: %d problem(s) found by the integrity check", st->path, found);
		return STORE_ECORRUPT;
	}
	return STORE_OK;
}

/*
 * Whether FILE would replace the database or one of its companion files. FILE's
 * directory is resolved and its last component kept, so a FILE that does not exist yet
 * is compared too; an existing FILE is also resolved whole (a symlink to the database).
 */
static enum store_err check_backup_target(const struct store *st, const char *file)
{
	static const char *const suffixes[] = { "", "-wal", "-shm", "-journal" };
	char db_real[PATH_MAX], dir[PATH_MAX], dir_real[PATH_MAX];
	char entry[PATH_MAX], file_real[PATH_MAX];
	const char *candidates[2] = { entry, NULL };
	const char *slash = strrchr(file, '/');
	const char *base = slash ? slash + 1 : file;
	size_t db_len, c, s;
	int n;

	if (*base == '\0' || strcmp(base, ".") == 0 || strcmp(base, "..") == 0) {
		set_error("backup %s: not a file name", file);
		return STORE_EINVAL;
	}
	if (!realpath(st->path, db_real)) {
		set_errno_error("realpath", st->path, errno);
		return STORE_EIO;
	}
	if (file_split_path(file, dir, sizeof(dir), NULL) != 0) {
		set_error("backup %s: path too long", file);
		return STORE_EINVAL;
	}
	if (!realpath(dir, dir_real)) {
		set_errno_error("realpath", dir, errno);
		return STORE_EIO;
	}
	n = snprintf(entry, sizeof(entry), "%s/%s", strcmp(dir_real, "/") ? dir_real : "", base);
	if (n < 0 || (size_t)n >= sizeof(entry)) {
		set_error("backup %s: path too long", file);
		return STORE_EINVAL;
	}
	if (realpath(file, file_real))
		candidates[1] = file_real;

	db_len = strlen(db_real);
	for (c = 0; c < 2 && candidates[c]; c++) {
		if (strncmp(candidates[c], db_real, db_len) != 0)
			continue;
		for (s = 0; s < sizeof(suffixes) / sizeof(suffixes[0]); s++) {
			if (strcmp(candidates[c] + db_len, suffixes[s]) == 0) {
				set_error("backup %s: this is the database itself (%s)", file,
					  db_real);
				return STORE_EINVAL;
			}
		}
	}
	return STORE_OK;
}

/* fsync the directory holding FILE, so that a rename in it is durable. */
static enum store_err sync_dir_of(const char *file)
{
	char dir[PATH_MAX];
	enum store_err err = STORE_OK;
	int fd;

	if (file_split_path(file, dir, sizeof(dir), NULL) != 0) {
		set_error("backup %s: path too long", file);
		return STORE_EINVAL;
	}
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		set_errno_error("open", dir, errno);
		return STORE_EIO;
	}
	if (fsync(fd) != 0) {
		set_errno_error("fsync", dir, errno);
		err = STORE_EIO;
	}
	close(fd);
	return err;
}

enum store_err store_backup(struct store *st, const char *file)
{
	char tmp[PATH_MAX], buf[128];
	sqlite3 *dst = NULL;
	sqlite3_backup *bk = NULL;
	enum store_err err;
	int fd = -1, tmp_made = 0, rc, n;

	assert(st && file);
	last_error[0] = '\0';

	err = st->pg ? STORE_OK : check_backup_target(st, file);
	if (err)
		goto out;
	n = snprintf(tmp, sizeof(tmp), "%s.tmp.XXXXXX", file);
	if (n < 0 || (size_t)n >= sizeof(tmp)) {
		set_error("backup %s: path too long", file);
		err = STORE_EINVAL;
		goto out;
	}
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0) {
		set_errno_error("mkostemp", tmp, errno);
		err = STORE_EIO;
		goto out;
	}
	tmp_made = 1;
	if (st->pg) {
		/* PostgreSQL's own tool writes the copy (pg_dump's custom format, read back
		 * with pg_restore), then it is made durable and put in place as below. */
		err = store_int_pg_backup(st, tmp);
		if (err)
			goto out;
		goto written;
	}

	rc = sqlite3_open_v2(tmp, &dst, SQLITE_OPEN_READWRITE | SQLITE_OPEN_EXRESCODE, NULL);
	if (rc != SQLITE_OK) {
		err = store_int_fail(dst, rc, "sqlite3_open_v2", NULL, tmp);
		goto out;
	}
	/* The temporary file is thrown away on failure, so it needs no journal of its own,
	 * and no -journal file is left to clean up. */
	err = store_int_run(dst, tmp, "PRAGMA journal_mode = OFF");
	if (err)
		goto out;
	bk = sqlite3_backup_init(dst, "main", st->db, "main");
	if (!bk) {
		err = store_int_fail(dst, sqlite3_errcode(dst), "sqlite3_backup_init", NULL, tmp);
		goto out;
	}
	/* All pages in one step: one consistent snapshot. In WAL mode this reader does not
	 * block writers, so other connections keep writing meanwhile. */
	rc = sqlite3_backup_step(bk, -1);
	if (rc != SQLITE_DONE) {
		err = store_int_fail(dst, rc, "sqlite3_backup_step", NULL, tmp);
		goto out;
	}
	rc = sqlite3_backup_finish(bk);
	bk = NULL;
	if (rc != SQLITE_OK) {
		err = store_int_fail(dst, rc, "sqlite3_backup_finish", NULL, tmp);
		goto out;
	}
	/* Close SQLite's descriptor before ours: closing any descriptor of a file drops all
	 * of the process's POSIX locks on it, SQLite's included. */
	rc = sqlite3_close(dst);
	if (rc != SQLITE_OK) {
		err = store_int_fail(dst, rc, "sqlite3_close", NULL, tmp);
		goto out;
	}
	dst = NULL;
written:
	if (fsync(fd) != 0) {
		set_errno_error("fsync", tmp, errno);
		err = STORE_EIO;
		goto out;
	}
	rc = close(fd);
	fd = -1;
	if (rc != 0) {
		set_errno_error("close", tmp, errno);
		err = STORE_EIO;
		goto out;
	}
	if (rename(tmp, file) != 0) {
		set_errno_error("rename", file, errno);
		err = STORE_EIO;
		goto out;
	}
	tmp_made = 0; /* it is FILE now */
	err = sync_dir_of(file);
out:
	if (bk)
		sqlite3_backup_finish(bk);
	if (dst)
		sqlite3_close(dst);
	if (fd >= 0)
		close(fd);
	if (tmp_made && unlink(tmp) != 0)
		log_msg(LOG_WARN, "unlink %s: %s", tmp, errno_text(errno, buf, sizeof(buf)));
	return err;
}

void *store_int_room_for_one(void *arr, size_t n, size_t *cap, size_t size)
{
	void *grown;

	if (n < *cap)
		return arr;
	grown = realloc(arr, (*cap ? *cap * 2 : 16) * size);
	if (grown)
		*cap = *cap ? *cap * 2 : 16;
	return grown;
}

/* The SQLite backend's own: VACUUM, then the log emptied (store_compact() in store.h,
 * used by privacy's erasures). */
enum store_err store_compact(struct store *st)
{
	static const char ckpt[] = "PRAGMA wal_checkpoint(TRUNCATE)";
	sqlite3_stmt *stmt = NULL;
	enum store_err err;
	int rc;

	if (st->pg)
		return store_int_pg_compact(st);
	err = store_int_run(st->db, st->path, "VACUUM");
	if (err)
		return err;
	/* Its first column is 1 when another connection kept the log from being emptied. */
	rc = sqlite3_prepare_v2(st->db, ckpt, -1, &stmt, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW)
		err = sqlite3_column_int(stmt, 0) ? STORE_EBUSY : STORE_OK;
	else
		err = store_int_fail(st->db, rc, "sqlite3_step", ckpt, st->path);
	sqlite3_finalize(stmt);
	return err;
}
