/*
 * store — Atelier's records in SQLite. The one module that speaks SQL.
 *
 * The database is DATA_DIR/atelier.db. Opening it creates the schema or migrates it
 * forward, one version at a time, each step in its own transaction; PRAGMA user_version
 * holds the version. A database whose version is newer than this program's is refused
 * before anything is written to it (not even the journal mode is changed).
 * Connections run in WAL mode with foreign keys on, synchronous=FULL and a busy
 * timeout, so a record acknowledged to the user is on disk.
 * Every statement is prepared with bound parameters. Queries and row changes are kept
 * portable (CASE rather than two-argument MAX, INSERT ... RETURNING rather than
 * last_insert_rowid) so that the shared records can later live in PostgreSQL behind the
 * same functions. What is SQLite's own stays in the connection and migration code:
 * PRAGMAs, BEGIN IMMEDIATE, and the DDL (INTEGER PRIMARY KEY would be an identity
 * column there).
 */
#ifndef ATELIER_STORE_STORE_H
#define ATELIER_STORE_STORE_H

#include <stddef.h>

#include "store/status.h"

#define STORE_DB_NAME "atelier.db"
/* Schema version this program writes. */
#define STORE_SCHEMA_VERSION 15
/* Bytes of a bench's name at most (store_set_bench()). */
#define STORE_BENCH_MAX 63
/* Milliseconds a statement waits for another process's lock. */
#define STORE_BUSY_TIMEOUT_MS 5000

struct store;

enum store_err {
	STORE_OK = 0,
	STORE_ENOENT,     /* no database there (store_open without create) */
	STORE_ETOONEW,    /* the database was written by a newer Atelier: left untouched */
	STORE_ECORRUPT,   /* not a database, or integrity check failed */
	STORE_EBUSY,      /* locked by another process past the busy timeout */
	STORE_EIO,        /* cannot read/write the file or the directory */
	STORE_EINVAL,     /* a bad argument (e.g. backup onto the database itself) */
	STORE_EINTERNAL,  /* an unexpected SQLite error (details in the last message) */
	STORE_EEXIST,     /* a record with that name or position is already there */
	STORE_ESTALE,     /* the row is no longer in the state the caller saw */
	STORE_ESEAL,      /* the workshop key could not sign the head of a chain */
	STORE_ECLOSED,    /* the job is no longer open: no step can be added */
};

const char *store_strerror(enum store_err err);

/* Open DIR/atelier.db. With CREATE, a missing database is created; without it, a
 * missing one gives STORE_ENOENT. On success *OUT is a new handle the caller frees
 * with store_free(). On failure *OUT is NULL and store_last_error_message() may add
 * the SQLite detail; a refused newer database gives STORE_ETOONEW and the version found
 * is in *FOUND_VERSION when FOUND_VERSION is not NULL. (Clarification: *FOUND_VERSION is
 * set whenever a version was read, also on success, where it is the version before any
 * migration: 0 for a new database.) DIR itself is not created: the caller does that. */
enum store_err store_open(const char *dir, int create, struct store **out, int *found_version)
	__attribute__((warn_unused_result));

/* Close and free; NULL is allowed. */
void store_free(struct store *st);
/* Group commit: the writes made on ST from now on share one transaction (each write
 * keeps its own savepoint, so a refused one leaves the others), begun at the first of
 * them and made durable by store_batch_end() with one commit. A write is not done until
 * the batch ends well: on failure (STORE_EIO, the reason in store_last_error_message())
 * none of the batch's writes is kept.
 * Only where one writer holds the whole store at a time (SQLite): one transaction for
 * many writes would there hold the lock they all take anyway. On a server shared by
 * several benches (PostgreSQL), a write takes the locks of its own device and job only,
 * and a batch would hold them all until its end, or take them in another order than
 * another bench's batch: each write commits alone there, and store_batch_begin() returns
 * 0 (no batch is open, store_batch_end() has nothing to do); 1 when the batch is open. */
int store_batch_begin(struct store *st);
enum store_err store_batch_end(struct store *st);
/* store_batch_begin() for a server's writer, whose commit does not wait for the disk:
 * SQLite writes the batch to its write-ahead log without syncing it (synchronous=NORMAL
 * for the batch alone; FULL again after it). The batch is then committed, seen by every
 * reader, but durable only once the file store_batch_unsynced() names has been synced
 * (store_wal_sync()): none of its writes may be said done before. Meanwhile the writer
 * goes on with the next batch; a later sync covers the earlier batches (the log is
 * written in order, and a crash loses only its end). */
int store_batch_begin_apart(struct store *st);
/* After store_batch_end() of a batch begun apart that committed: the file to sync before
 * its writes are done; "" when nothing is left to sync (the commit waited for the disk). */
const char *store_batch_unsynced(const struct store *st);
/* Sync the write-ahead log WAL to the disk (store_batch_unsynced()): STORE_OK once every
 * batch committed before is durable. Safe on any thread, beside the writer's work: it
 * touches no connection. A log already gone was copied into the database, which SQLite
 * syncs before it removes the log: durable too. */
enum store_err store_wal_sync(const char *wal);
/* A server's writer: the heads a batch moves are signed by a thread of their own while
 * the batch goes on, and written with their signatures before it commits (never
 * committed unsigned), rather than one by one in the write that moves them. ST's sealer
 * must be safe to call from another thread (its key already read). Nothing to do where
 * no batch opens (PostgreSQL: store_batch_begin()). */
enum store_err store_seal_later(struct store *st) __attribute__((warn_unused_result));
/* A server's writer: the write-ahead log is copied back into the database by a thread
 * with a connection of its own, not in ST's commits, except that once the log holds
 * restart_pages pages (0: never) a commit copies the last few pages the thread left, so
 * that the log starts over from its beginning at the next write even under a load that
 * never pauses (db_sqlite.c). */
#define STORE_LOG_RESTART_PAGES 16384 /* 64 MiB of log with 4 KiB pages */
enum store_err store_checkpoint_apart(struct store *st, int restart_pages)
	__attribute__((warn_unused_result));

/* Reset every statement of ST left stepped (a read not finished), and roll back a read
 * transaction left open (a store_read_begin() not ended, a COMMIT that failed): their
 * snapshot would hide later commits from this connection. Gives how many there were
 * (each is logged as a warning). Not during a batch. */
int store_release_reads(struct store *st);

/* Many reads as one: from store_read_begin() to store_read_end() they see the records
 * as they were at the first (one read transaction: SQLite takes its lock and checks its
 * cache once, not at each statement). Only reads may come between. BEGUN says whether
 * this call began the transaction (none inside a write or a batch); give it back to
 * store_read_end(). */
enum store_err store_read_begin(struct store *st, int *begun) __attribute__((warn_unused_result));
void store_read_end(struct store *st, int begun);

/* The schema version of the open database (after migration: STORE_SCHEMA_VERSION). */
int store_schema_version(const struct store *st);
/* A number that changes whenever another connection (of this process or another) has
 * committed a change since the last call on ST (SQLite's PRAGMA data_version); a
 * connection that never writes sees every change in it. */
enum store_err store_data_version(struct store *st, long long *out)
	__attribute__((warn_unused_result));

/* Rows this connection has changed since it was opened (sqlite3_total_changes64): with
 * store_data_version(), whether anything changed the records since the last look. */
long long store_changes(struct store *st);

/* Path of the open database file (on PostgreSQL: its URL, without a password); owned by
 * ST. */
const char *store_path(const struct store *st);

/* 1 when the records of data directory DIR are on a server ($ATELIER_DB, or db: in
 * DIR/atelier.conf), with its URL as it may be shown (no password) in SHOWN (SIZE bytes);
 * 0 when they are DIR's SQLite file. */
int store_records_on_server(const char *dir, char *shown, size_t size);
/* 1 when PATH, as store_path() gives it, names records on a server (postgresql://). */
int store_url_is_server(const char *path);
/* As store_open(), on the records at URL (postgresql://...), or in DIR's SQLite file when
 * URL is NULL, whatever $ATELIER_DB and DIR/atelier.conf say. */
enum store_err store_open_at(const char *dir, const char *url, int create, struct store **out,
			     int *found_version) __attribute__((warn_unused_result));

/* Copy every record of FROM into TO, a store made for it that holds no record yet: the
 * same rows with the same ids, in one transaction on TO (all or nothing), read from one
 * snapshot of FROM. *ROWS gets the number of rows copied. STORE_EEXIST when TO holds
 * records already. */
enum store_err store_copy(struct store *from, struct store *to, long long *rows)
	__attribute__((warn_unused_result));

/* The bench the records made on ST come from, kept with each job, step record, reading
 * and device move (schema 14): NAME, 1 to STORE_BENCH_MAX bytes of printable text
 * (STORE_EINVAL otherwise), or NULL for none. */
enum store_err store_set_bench(struct store *st, const char *name);
/* The bench set, or NULL. */
const char *store_bench(const struct store *st);

/* Run PRAGMA integrity_check and foreign_key_check. STORE_OK when both are clean;
 * STORE_ECORRUPT otherwise, with up to REPORT_SIZE-1 bytes of the findings (one per
 * line) in REPORT. REPORT is always NUL-terminated ("" when clean); it may be NULL when
 * REPORT_SIZE is 0. */
enum store_err store_check(struct store *st, char *report, size_t report_size)
	__attribute__((warn_unused_result));

/* Copy the live database to FILE with the SQLite online backup API, while other
 * connections may keep writing. FILE is written whole or not at all (a temporary file
 * in the same directory is renamed over it). Refuses FILE = the database itself.
 * (Clarification: FILE naming the database or its -wal/-shm/-journal, by any path or
 * symlink, gives STORE_EINVAL; the temporary file, FILE.tmp.XXXXXX, is removed on any
 * failure; the copy is created with mode 0600.) */
enum store_err store_backup(struct store *st, const char *file) __attribute__((warn_unused_result));

/*
 * Devices and probes (src/store/devices.c).
 * A device is found by UDID, else serial, else IMEI (in that order; the first key
 * given that matches wins), never by USB port, so a replugged phone is the same device.
 */
struct store_probe {
	const char *platform; /* "ios", "android", "unknown" */
	const char *udid;     /* any of these three may be NULL, not all */
	const char *serial;
	const char *imei;
	long long t_ms;       /* wall clock of the probe */
	const char *tool;     /* "atelier 0.1.0; libimobiledevice 1.3.0" */
	const char *facts;    /* the facts as JSON text */
};

/* Record a probe: find or create its device (updating last_seen and filling keys it
 * did not have), then append the probe; one durable transaction. *DEVICE_ID (may be
 * NULL) gets the device's id. STORE_EINVAL when no key is given. */
enum store_err store_record_probe(struct store *st, const struct store_probe *p,
				  long long *device_id) __attribute__((warn_unused_result));

struct store_device_row {
	long long id;
	char platform[16];
	char udid[64], serial[64], imei[32]; /* "" when unknown */
	long long first_seen_ms, last_seen_ms;
	long long probes; /* how many probes are kept */
	enum device_state state; /* lifecycle state (src/cert/lifecycle.h), intake at first */
};

/* Find a device by any key (UDID, serial or IMEI). STORE_ENOENT when none matches. */
enum store_err store_find_device(struct store *st, const char *key, struct store_device_row *out)
	__attribute__((warn_unused_result));

/* The device with that id. STORE_ENOENT when there is none. */
enum store_err store_device_get(struct store *st, long long id, struct store_device_row *out)
	__attribute__((warn_unused_result));

/* The facts of the latest probe of DEVICE_ID as a new string the caller frees, and its
 * time. STORE_ENOENT when the device has no probe. */
enum store_err store_latest_probe(struct store *st, long long device_id, char **facts,
				  long long *t_ms) __attribute__((warn_unused_result));
/* The same among the probes read through VIA (connection.via: "usbmuxd", "adb", "usb"...)
 * when SAME, or through anything else when not: a sighting on USB alone is not a full
 * reading of the device. TOOL (TOOL_SIZE bytes; may be NULL) gets the tools that read it. */
enum store_err store_latest_probe_via(struct store *st, long long device_id, const char *via,
				      int same, char **facts, long long *t_ms, char *tool,
				      size_t tool_size) __attribute__((warn_unused_result));

/*
 * Users, jobs and step records (src/store/jobs.c). Step records are append-only (the
 * schema refuses UPDATE and DELETE on them); a correction is a new record pointing at
 * the one it corrects. The hash chain is computed by src/job/; the store keeps it and
 * refuses a second record at the same position of a job (STORE_EEXIST), so two writers
 * can never fork a chain.
 */
#define STORE_CODE_MAX 17 /* a person's code (16 characters) and the NUL */

struct store_user {
	long long id;
	char name[64]; /* "#ID" once erased: the name is gone (store_user_erase()) */
	enum role role;
	int active;
	long long created_ms;
	char code[STORE_CODE_MAX]; /* what public documents call her ("" when none) */
	long long erased_ms;       /* 0 unless her name and secret were erased */
};

/* Add account NAME with ROLE and CODE (NULL: none). STORE_EEXIST when the name or the
 * code is taken. */
enum store_err store_user_add(struct store *st, const char *name, enum role role,
			      const char *code, long long t_ms, long long *id)
	__attribute__((warn_unused_result));
enum store_err store_user_find(struct store *st, const char *name, struct store_user *out)
	__attribute__((warn_unused_result));
/* The account whose code is CODE; STORE_ENOENT when none. */
enum store_err store_user_find_code(struct store *st, const char *code, struct store_user *out)
	__attribute__((warn_unused_result));
/* Give account ID the code CODE (an entry of the accounts chain). STORE_EEXIST when
 * another account has it, STORE_ENOENT when there is no such account. */
enum store_err store_user_set_code(struct store *st, long long id, const char *code)
	__attribute__((warn_unused_result));
enum store_err store_user_get(struct store *st, long long id, struct store_user *out)
	__attribute__((warn_unused_result));
/* All users by name into *OUT (a new array, free()), *N of them. */
enum store_err store_user_list(struct store *st, struct store_user **out, size_t *n)
	__attribute__((warn_unused_result));
enum store_err store_user_set_active(struct store *st, const char *name, int active)
	__attribute__((warn_unused_result));
/* The language user ID chose for the screen ("fr"), into OUT ("" when none). */
enum store_err store_user_lang(struct store *st, long long id, char *out, size_t size)
	__attribute__((warn_unused_result));
enum store_err store_user_set_lang(struct store *st, long long id, const char *lang)
	__attribute__((warn_unused_result));

/* A photo of a checklist's step (its file is named by SHA256). */
struct store_photo {
	long long id;
	char checklist_id[72], step_id[72];
	char sha256[65];
	char type[16];
	char by[64]; /* the name of who added it (her code once her name was erased) */
	long long t_ms;
};
/* Add one; STORE_EEXIST when the same photo is already on that step. */
enum store_err store_photo_add(struct store *st, const struct store_photo *p, long long by_user)
	__attribute__((warn_unused_result));
/* The photos of CHECKLIST_ID's steps, oldest first, into *OUT (free()), *N of them. */
enum store_err store_photo_list(struct store *st, const char *checklist_id,
				struct store_photo **out, size_t *n) __attribute__((warn_unused_result));
/* The type of the photo SHA256 into TYPE ("" and STORE_ENOENT when no step has it). */
enum store_err store_photo_type(struct store *st, const char *sha256, char *type, size_t size)
	__attribute__((warn_unused_result));

struct store_job {
	long long id;
	long long device_id;
	char checklist_id[72];
	int checklist_version;
	char checklist_hash[72];
	long long trainee_id;
	enum job_state state;
	long long started_ms;
	long long submitted_ms; /* 0 when not */
};

enum store_err store_job_create(struct store *st, const struct store_job *job, long long *id)
	__attribute__((warn_unused_result));
enum store_err store_job_get(struct store *st, long long id, struct store_job *out)
	__attribute__((warn_unused_result));
/* What a server keeps of a job's work (its records and events, its device's facts) stays
 * true while the job's stamp does: its row, its last record and event; its device's
 * state and probes, and its device's jobs with their records (the facts a step entered),
 * so also the rules read with them (the device's state, the latest grade). SEEN_*
 * are the backend's own: on SQLite, with nothing committed by another connection and
 * nothing changed by this one since, the stamp is known unchanged without a read. */
struct store_work_stamp {
	long long job;
	char state[16], device_state[16];
	long long submitted_ms, graded_ms, last_seq, last_event;
	long long probes, last_probe_ms, device_jobs, device_cancelled, device_records;
	long long seen_version, seen_changes;
};

/* Take job JOB's stamp into OUT (STORE_ENOENT: no such job). */
enum store_err store_work_stamp(struct store *st, long long job, struct store_work_stamp *out)
	__attribute__((warn_unused_result));
/* How a stamp moved since it was taken. */
enum store_stamp_move {
	STORE_STAMP_SAME,    /* nothing in it */
	STORE_STAMP_RECORDS, /* records were added to its job, and nothing else moved */
	STORE_STAMP_MOVED,   /* anything else, or the job is gone */
};
/* Look at STAMP again: *NOW gets the stamp as it is now, *MOVE how it moved. */
enum store_err store_work_look(struct store *st, const struct store_work_stamp *stamp,
			       struct store_work_stamp *now, enum store_stamp_move *move)
	__attribute__((warn_unused_result));
/* This connection recorded SEQ in STAMP's job (not yet committed, maybe): STAMP counts it
 * in when it is the next record after the stamp's; when others came between, STAMP is
 * left where it was, to be looked at again (store_work_look() then says which records
 * were added: those, and this one). 0 when SEQ cannot be a record after the stamp's. */
int store_work_stamp_step(struct store *st, struct store_work_stamp *stamp, long long seq);
/* The changes this connection made from BEFORE (store_changes()) on left STAMP's job as
 * it was (a step of another job, the sealing of heads): STAMP still holds without a
 * read when it did before them. */
void store_work_stamp_own(struct store *st, struct store_work_stamp *stamp, long long before);

/* Set job ID's state; SUBMITTED also sets submitted_ms to T_MS. */
enum store_err store_job_set_state(struct store *st, long long id, enum job_state state,
				   long long t_ms)
	__attribute__((warn_unused_result));
/* Jobs matching the filters (0 / NULL: any), newest first, into a new array. */
enum store_err store_job_list(struct store *st, long long device_id, long long trainee_id,
			      const enum job_state *state, struct store_job **out, size_t *n)
	__attribute__((warn_unused_result));

/* One row the programme's report counts (store_programme_rows). KIND says what it is:
 *   received, certified: a device first seen, first certified in the period (DEVICE_ID);
 *   sold, donated: a sale (N: its price in cents; TEXT: its channel);
 *   recycled, parts, quarantine: a device that went there in the period;
 *   approved: a job approved (TEXT: its checklist; USER_ID: its trainee);
 *   graded: a job's first grade (N: 1 when it approved; TEXT: its checklist);
 *   fitted: the parts a job approved in the period recorded at one step (TEXT: the
 *     checklist; EXTRA: the parts as JSON, [{name, origin, serial}]);
 *   bench: a trainee's (USER_ID) time on steps in the hour starting at T_MS (N: ms);
 *   signoff: a competence (TEXT) signed off for a trainee (USER_ID).
 * TEXT and EXTRA are valid during the callback only. */
struct store_programme_row {
	char kind[16];
	long long device_id, t_ms, n, user_id;
	const char *text, *extra;
};

/* Every row of the period [FROM_MS, TO_MS) to ROW, in one read; ROW returns 0 to stop
 * (out of memory: STORE_EINTERNAL). */
enum store_err store_programme_rows(struct store *st, long long from_ms, long long to_ms,
				    int (*row)(const struct store_programme_row *r, void *ctx),
				    void *ctx) __attribute__((warn_unused_result));

/* An instructor's sign-off of a trainee for a competence. */
struct store_signoff {
	long long id;
	long long user_id;    /* the trainee */
	char competence[72];
	long long by_user;    /* the instructor */
	char note[512];
	long long t_ms;
};

/* Record S (all fields but id) with its entry in the accounts chain; *ID (may be NULL)
 * gets its id. STORE_EINVAL when the note is empty. */
enum store_err store_signoff_add(struct store *st, const struct store_signoff *s, long long *id)
	__attribute__((warn_unused_result));
/* The sign-offs of USER_ID, oldest first, into a new array (free()). */
enum store_err store_signoffs_of(struct store *st, long long user_id, struct store_signoff **out,
				 size_t *n) __attribute__((warn_unused_result));
/* One job of a trainee's record, with the time spent on its steps. */
struct store_record_job {
	struct store_job job;
	long long bench_ms; /* the sum of its records' time spent */
};

/* Every job of trainee USER_ID, oldest first, into a new array (free()). */
enum store_err store_record_jobs(struct store *st, long long user_id,
				 struct store_record_job **out, size_t *n)
	__attribute__((warn_unused_result));

/* How many approved jobs USER_ID has of checklist CHECKLIST_ID (any version). */
enum store_err store_approved_count(struct store *st, long long user_id, const char *checklist_id,
				    long long *n) __attribute__((warn_unused_result));

/* Which jobs store_job_find() gives, and in which order. */
struct store_job_query {
	long long device_id;          /* 0: any */
	long long trainee_id;         /* 0: any */
	const enum job_stage *stage;  /* NULL: any */
	int oldest_submission_first;  /* else newest job first */
};

/* Jobs matching Q into a new array. The stage is read with the grade of each job's latest
 * submission (status.h: enum job_stage); JOB_STAGE_OPEN gives every open job, those sent
 * back for redo too. */
enum store_err store_job_find(struct store *st, const struct store_job_query *q,
			      struct store_job **out, size_t *n) __attribute__((warn_unused_result));

/* The latest grade of a job as store_job_each() gives it. */
struct store_job_grade {
	int graded; /* 0: never graded */
	enum verdict verdict;
	long long submitted_ms; /* the submission it was about */
};

/* Called for each job with its latest grade and its trainee (USER->active 0 when the
 * account is not there); 0 to go on, 1 to stop, -1 to stop on a failure of its own. */
typedef int (*store_job_fn)(const struct store_job *job, const struct store_job_grade *g,
			    const struct store_user *trainee, void *arg);
/* The jobs store_job_find() gives, one at a time to FN as SQLite reads them, with their
 * latest grade and their trainee read in the same statement. */
enum store_err store_job_each(struct store *st, const struct store_job_query *q,
			      store_job_fn fn, void *arg) __attribute__((warn_unused_result));

struct store_step {
	long long id;
	long long job_id;
	int seq;              /* 1, 2, ... within the job */
	char step_id[72];
	long long user_id;
	long long t_ms;
	long long spent_ms;
	enum step_result result; /* pass, fail or skip */
	char *value;          /* NULL when none; owned by the row (store_steps_free) */
	char *note;
	char *parts;          /* JSON array text, or NULL */
	char *facts;          /* JSON object text of the facts an auto step used, or NULL */
	char *tester;         /* the instrument a measure was taken with, or NULL */
	long long corrects;   /* id of the record this one corrects, 0 when none */
	char prev_hash[72];
	char hash[72];
	char bench[STORE_BENCH_MAX + 1]; /* where it was recorded; "" when not known */
};

/* Append REC (all fields but id). STORE_EEXIST when REC->seq is taken. *ID the new id. */
enum store_err store_step_append(struct store *st, const struct store_step *rec, long long *id)
	__attribute__((warn_unused_result));
/* What store_step_append_next() asks of its caller: fill REC's position, times and
 * hashes for the end of its job as it is now. LAST is the job's last record, or NULL
 * when it has none; JOB its row (read only when LAST is NULL: its start and genesis). */
typedef void (*store_step_fill_fn)(struct store_step *rec, const struct store_step *last,
				   const struct store_job *job, void *arg);
/* Append REC as the next record of REC->job_id: in one write transaction, the job is
 * read (STORE_ENOENT, STORE_ECLOSED when no longer open), then its last record, then
 * FILL(REC, LAST, JOB, ARG) sets the rest and REC is appended. Read under the write
 * lock, the end of the chain cannot move meanwhile: benches appending to the same job
 * take their turns, none has to try again. */
enum store_err store_step_append_next(struct store *st, struct store_step *rec,
				      store_step_fill_fn fill, void *arg, long long *id)
	__attribute__((warn_unused_result));
/* Every record of JOB_ID in order into a new array (free with store_steps_free). */
enum store_err store_steps_of(struct store *st, long long job_id, struct store_step **out,
			      size_t *n) __attribute__((warn_unused_result));
/* The last record of each step of JOB_ID (by seq), in order: what the rules of the next
 * step look at, read without the job's whole history (free with store_steps_free). */
/* As store_steps_latest_of(), each record's step, result, times and author only: value,
 * note, parts, facts, tester and the hashes are left out (NULL or ""). For a view of
 * many jobs at once. */
enum store_err store_steps_latest_brief(struct store *st, long long job_id,
					struct store_step **out, size_t *n)
	__attribute__((warn_unused_result));
enum store_err store_steps_latest_of(struct store *st, long long job_id,
				     struct store_step **out, size_t *n)
	__attribute__((warn_unused_result));
/* The records of JOB_ID after record SEQ, in order (free with store_steps_free). */
enum store_err store_steps_after(struct store *st, long long job_id, long long seq,
				 struct store_step **out, size_t *n) __attribute__((warn_unused_result));
void store_steps_free(struct store_step *steps, size_t n);
/* The last record of JOB_ID into *OUT (release it with store_step_release());
 * STORE_ENOENT when the job has none. */
enum store_err store_step_last(struct store *st, long long job_id, struct store_step *out)
	__attribute__((warn_unused_result));
void store_step_release(struct store_step *s);
/* STORE_OK when record ID belongs to JOB_ID, STORE_ENOENT when not. */
enum store_err store_step_in_job(struct store *st, long long job_id, long long id)
	__attribute__((warn_unused_result));

/*
 * Job events (schema 5): what an instructor decides about a job, and the second
 * person's check of a data wipe. Never changed.
 */
enum store_job_event_kind {
	STORE_JOB_CANCEL,     /* the job is stopped for good (job.state becomes cancelled) */
	STORE_JOB_RESUME,     /* work goes on after RECORD, a failed step that stops the job */
	STORE_JOB_WIPE_CHECK, /* a second person checked the data wipe: RESULT pass or fail */
};

struct store_job_event {
	long long id;
	long long job_id;
	enum store_job_event_kind kind;
	long long user_id;
	long long t_ms;
	long long record_id;     /* RESUME: the failed record; else 0 */
	enum step_result result; /* WIPE_CHECK: STEP_PASS or STEP_FAIL */
	char note[512];          /* why, or what was seen; never empty */
};

/* Record E (all but id). A cancel also sets the job cancelled in the same transaction:
 * STORE_ESTALE when it already is. *ID (may be NULL) gets the event's id. */
enum store_err store_job_event_add(struct store *st, const struct store_job_event *e,
				   long long *id) __attribute__((warn_unused_result));
/* The events of JOB_ID, oldest first, into a new array (free()). */
enum store_err store_job_events(struct store *st, long long job_id,
				struct store_job_event **out, size_t *n)
	__attribute__((warn_unused_result));

/* Keep the exact text of a checklist version (once per HASH), and read it back: the
 * checklist a job pinned, even after the file changed. *CONTENT is a new string. */
enum store_err store_snapshot_put(struct store *st, const char *hash, const char *checklist_id,
				  int version, const char *content)
	__attribute__((warn_unused_result));
enum store_err store_snapshot_get(struct store *st, const char *hash, char **content)
	__attribute__((warn_unused_result));

/*
 * Grades (schema 4). An instructor's verdict on one submission of a job; never changed.
 * A redo opens the job again; the next submission gets a grade of its own.
 */
struct store_grade {
	long long id;
	long long job_id;
	long long submitted_ms; /* the submission this grade is about (job.submitted_ms) */
	enum verdict verdict;
	char *redo;             /* JSON array of step ids to redo, or NULL */
	char *scores;           /* JSON object rubric item id -> score, or NULL */
	char *feedback;         /* never empty */
	long long by_user;
	long long t_ms;
	long long ack_user;     /* 0 until the trainee acknowledges it */
	long long ack_ms;
};

/* Record G (all fields but id and ack_*) in one transaction with the job's state: the
 * job must be submitted with G->submitted_ms (STORE_ESTALE when not: it was graded or
 * reopened meanwhile); a redo verdict sets it open again. *ID gets the grade's id. */
enum store_err store_grade_add(struct store *st, const struct store_grade *g, long long *id)
	__attribute__((warn_unused_result));
/* The latest grade of JOB_ID into *OUT (store_grade_release()); STORE_ENOENT if none. */
enum store_err store_grade_last(struct store *st, long long job_id, struct store_grade *out)
	__attribute__((warn_unused_result));
/* Every grade of JOB_ID, oldest first, into a new array (store_grades_free()). */
enum store_err store_grades_of(struct store *st, long long job_id, struct store_grade **out,
			       size_t *n) __attribute__((warn_unused_result));
/* Every grade of the jobs of trainee USER_ID, by job and each job's oldest first
 * (store_grades_free()): read beside store_record_jobs() in one pass. */
enum store_err store_grades_of_trainee(struct store *st, long long user_id,
				       struct store_grade **out, size_t *n)
	__attribute__((warn_unused_result));
void store_grade_release(struct store_grade *g);
void store_grades_free(struct store_grade *g, size_t n);
/* USER_ID acknowledges grade GRADE_ID. STORE_EEXIST when it already was. */
enum store_err store_grade_ack(struct store *st, long long grade_id, long long user_id,
			       long long t_ms) __attribute__((warn_unused_result));

/*
 * Device lifecycle (schema 4). device.state holds the current state; every change is
 * also an append-only device_event row (who, when, why). The rules about which change
 * is allowed live in src/cert/lifecycle.c, not here.
 */
struct store_device_event {
	long long id;
	long long device_id;
	enum device_state from, to;
	long long user_id; /* 0: Atelier itself */
	char reason[512];
	long long t_ms;
};

/* Move DEVICE_ID from FROM to TO in one transaction with its event; a device leaving
 * "certified" or "sold" for anything but "sold" has its certificates revoked in the same
 * transaction, with REASON. STORE_ESTALE when
 * the device is no longer in FROM; STORE_ENOENT when there is no such device. */
enum store_err store_device_set_state(struct store *st, long long device_id,
				      enum device_state from, enum device_state to, long long user_id, const char *reason,
				      long long t_ms) __attribute__((warn_unused_result));
/* The events of DEVICE_ID, oldest first, into a new array (free()). */
enum store_err store_device_events(struct store *st, long long device_id,
				   struct store_device_event **out, size_t *n)
	__attribute__((warn_unused_result));
/* Devices in STATE (NULL: all), most recently seen first, into a new array (free()). */
enum store_err store_device_list(struct store *st, const enum device_state *state,
				 struct store_device_row **out, size_t *n)
	__attribute__((warn_unused_result));

/*
 * Certificates (schema 4). BODY is the signed certificate exactly as exported (canonical
 * JSON, signature included); never changed.
 */
struct store_certificate {
	char id[64];
	long long device_id;
	long long issued_ms;
	long long by_user;
	char key_id[72];
	char *body;
	int redacted; /* the text kept here had an erased name taken out (read only) */
};

/* Record C and move its device from FROM to "certified" in one transaction (with the
 * device event, REASON). STORE_ESTALE when the device left FROM meanwhile. */
enum store_err store_certificate_add(struct store *st, const struct store_certificate *c,
				     enum device_state from, const char *reason)
	__attribute__((warn_unused_result));
/* The certificate ID into *OUT (store_certificate_release()); STORE_ENOENT if none. */
enum store_err store_certificate_get(struct store *st, const char *id,
				     struct store_certificate *out) __attribute__((warn_unused_result));
/* Certificates of DEVICE_ID (0: all), newest first (store_certificates_free()). */
enum store_err store_certificate_list(struct store *st, long long device_id,
				      struct store_certificate **out, size_t *n)
	__attribute__((warn_unused_result));
void store_certificate_release(struct store_certificate *c);
void store_certificates_free(struct store_certificate *c, size_t n);

/* A certificate withdrawn (schema 6): by whom (0: Atelier itself, when its device went
 * back to repair), why, when. */
struct store_revocation {
	long long id;
	char certificate_id[64];
	long long by_user;
	char reason[512];
	long long t_ms;
};
/* Revoke certificate CERT_ID, with its entry in the device's chain. STORE_ENOENT when there
 * is no such certificate, STORE_EEXIST when it is revoked already, STORE_EINVAL when REASON
 * is empty or longer than struct store_revocation holds. */
enum store_err store_certificate_revoke(struct store *st, const char *cert_id, long long by_user,
					const char *reason, long long t_ms)
	__attribute__((warn_unused_result));
/* The revocation of CERT_ID into *OUT; STORE_ENOENT when it is not revoked. */
enum store_err store_revocation_get(struct store *st, const char *cert_id,
				    struct store_revocation *out) __attribute__((warn_unused_result));
/* Every revocation, oldest first, in a new array (free()). */
enum store_err store_revocations(struct store *st, struct store_revocation **out, size_t *n)
	__attribute__((warn_unused_result));

/*
 * Accounts (schema 7; src/store/accounts.c): secrets, sessions, sign-in attempts and the
 * audit log. Only hashes are kept: the secret's argon2id string, the session token's
 * hash. Attempts and the audit log are never changed.
 */

/* Set user ID's secret hash (NULL: none). STORE_ENOENT when there is no such user. */
enum store_err store_user_set_secret(struct store *st, long long id, const char *hash)
	__attribute__((warn_unused_result));
/* User ID's secret hash into OUT (SIZE bytes); STORE_ENOENT when it has none. */
enum store_err store_user_secret(struct store *st, long long id, char *out, size_t size)
	__attribute__((warn_unused_result));
enum store_err store_user_set_role(struct store *st, const char *name, enum role role)
	__attribute__((warn_unused_result));
/* How many active admins there are. */
enum store_err store_user_admins(struct store *st, long long *n)
	__attribute__((warn_unused_result));
/* When user ID last signed in (the newest of her sessions, at the terminal or on the
 * screen), into *T_MS; 0 when never. */
enum store_err store_user_last_signin(struct store *st, long long id, long long *t_ms)
	__attribute__((warn_unused_result));

struct store_session {
	long long id;
	long long user_id;
	long long created_ms, last_used_ms;
	long long ended_ms; /* 0 while open */
};

enum store_err store_session_add(struct store *st, const char *token_hash, long long user_id,
				 long long t_ms, long long *id) __attribute__((warn_unused_result));
/* The session whose token hashes to TOKEN_HASH; STORE_ENOENT when none. */
enum store_err store_session_find(struct store *st, const char *token_hash,
				  struct store_session *out) __attribute__((warn_unused_result));
/* Session ID was used at T_MS (unless it was in the 30 s before: then nothing is written). */
enum store_err store_session_touch(struct store *st, long long id, long long t_ms)
	__attribute__((warn_unused_result));
/* End session ID (ended_ms = T_MS) when it is open. */
enum store_err store_session_end(struct store *st, long long id, long long t_ms)
	__attribute__((warn_unused_result));
/* End every open session of USER_ID. */
enum store_err store_session_end_user(struct store *st, long long user_id, long long t_ms)
	__attribute__((warn_unused_result));

/* OUTCOME: "ok", "wrong", "locked", "refused" (right secret, but not allowed now) or
 * "cleared" (an admin set a new secret). */
enum store_err store_attempt_add(struct store *st, const char *name, const char *outcome,
				 long long t_ms) __attribute__((warn_unused_result));
/* The wrong attempts for NAME since SINCE_MS that came after its last "ok" or "cleared":
 * how many in *N, the oldest's time in *OLDEST_MS (0 when none). */
enum store_err store_attempt_failures(struct store *st, const char *name, long long since_ms,
				      long long *n, long long *oldest_ms)
	__attribute__((warn_unused_result));

struct store_audit {
	long long id;
	long long t_ms;
	char actor[64];    /* "" when nobody is signed in */
	char action[32];   /* login, logout, refused, user-add, user-disable, ... */
	char subject[128]; /* what it was about: a name, a job... */
	char outcome[16];  /* ok, wrong, locked, refused, ... */
	char detail[512];
};

enum store_err store_audit_add(struct store *st, const struct store_audit *a)
	__attribute__((warn_unused_result));
/* The LIMIT newest entries, newest first, into a new array (free()). */
enum store_err store_audit_list(struct store *st, long long limit, struct store_audit **out,
				size_t *n) __attribute__((warn_unused_result));

/*
 * Privacy (schema 11; src/store/privacy.c, docs/privacy.md): a person's data read out
 * for her, and erased on request.
 */

/* What is erased, and what stands for it. */
struct store_erasure {
	long long user_id;   /* the account erased */
	long long by_user;   /* the admin who erases it */
	long long t_ms;
	const char *why;     /* why (never her name) */
	const char *name;    /* her name now */
	const char *marker;  /* what stands where the name was ("[erased T-014]") */
	const char *const *certificates; /* the certificates whose text names her */
	size_t n_certificates;
};

struct store_erase_report {
	long long erasure_id;
	size_t entries;      /* entries of the chains redacted */
	size_t certificates; /* certificates whose kept copy was redacted */
	size_t audit;        /* lines of the audit log that named her */
	size_t attempts;     /* sign-in attempts removed */
	size_t sessions;     /* sessions removed */
};

/* Erase E->user_id in one transaction: the erasure kept (an entry "erase" of the accounts
 * chain), her name and secret taken out of every entry written before schema 11 and of
 * the kept copies of the certificates E names (each a redaction, ledger.c), of the audit
 * log; her sign-in attempts, sessions and preferences removed; her account left disabled,
 * without name ("#ID") or secret, its records kept under its id and code (an entry
 * "account"). STORE_ESTALE when she has a job open (or waiting for its grade) now, or is
 * erased already; STORE_ECORRUPT (with the reason) when an entry to redact no longer
 * matches its hash. */
enum store_err store_user_erase(struct store *st, const struct store_erasure *e,
				struct store_erase_report *out) __attribute__((warn_unused_result));
/* Rewrite the file without the free space where older copies of pages lie (VACUUM), and
 * empty the write-ahead log. STORE_EBUSY when another connection is in the way. */
enum store_err store_compact(struct store *st) __attribute__((warn_unused_result));

/* The texts people wrote (notes, feedback, reasons) that still hold WORD standing alone:
 * "job 3, record 5" and the like, up to MAX of them into OUT, *N in all (may be more
 * than MAX). */
enum store_err store_mentions(struct store *st, const char *word, char (*out)[64], size_t max,
			      size_t *n) __attribute__((warn_unused_result));

/* The sessions of USER_ID, oldest first, in a new array (free()). */
enum store_err store_sessions_of(struct store *st, long long user_id,
				 struct store_session **out, size_t *n)
	__attribute__((warn_unused_result));

struct store_attempt {
	long long t_ms;
	char outcome[16];
};
/* The sign-in attempts for NAME, oldest first, in a new array (free()). */
enum store_err store_attempts_of(struct store *st, const char *name, struct store_attempt **out,
				 size_t *n) __attribute__((warn_unused_result));
/* The audit log's entries by or about NAME (actor or subject), oldest first (free()). */
enum store_err store_audit_about(struct store *st, const char *name, struct store_audit **out,
				 size_t *n) __attribute__((warn_unused_result));

/* Something USER_ID did in the records: a step of another's job, a grade, an
 * acknowledgement, a job event, a device moved, a sign-off given, a certificate signed or
 * withdrawn. */
struct store_act {
	char what[16]; /* step, grade, ack, event, move, signoff, certificate, revoke */
	long long job, device;  /* 0 when not about one */
	char ref[72];           /* the record: its id (a certificate's id) or position */
	long long t_ms;
};
/* What USER_ID did, oldest first, in a new array (free()). */
enum store_err store_user_acts(struct store *st, long long user_id, struct store_act **out,
			       size_t *n) __attribute__((warn_unused_result));

/* The detail of the last failure in this thread ("" if none); static storage.
 * (Clarification: store_open, store_check and store_backup clear it when called.) */
const char *store_last_error_message(void);
/* Why the last failure in this thread happened, as an errno value (0 when unknown): the
 * one the system gave SQLite, else the one SQLite's code means: ENOSPC for a full disk,
 * EROFS for a read-only file or file system, EACCES for a permission, EBUSY for a lock
 * another process holds. */
int store_last_errno(void);

/* ---- resale (resale.c, schema 13): intake batches, shelves, sales, destruction ----
 * Every row is kept for good (append-only) with its entry in a chain, in the same
 * transaction: a batch in the workshop's chain, the rest in the device's. */

#define STORE_BATCH_NAME_MAX 64 /* bytes of a batch's name */
#define STORE_DONOR_MAX 200	 /* of its donor's name (an organisation) */
#define STORE_SHELF_MAX 64	 /* of a place on the shelves */
#define STORE_METHOD_MAX 200	 /* of a destruction's method */
#define STORE_BUYER_REF_MAX 64	 /* of a sale's buyer reference (never a person's name) */

struct store_batch {
	long long id;
	char name[STORE_BATCH_NAME_MAX + 1];
	char donor[STORE_DONOR_MAX + 1];
	long long by_user, t_ms;
	long long devices; /* store_batch_list(), store_batch_find(): the devices in it */
};
/* Keep batch B (name, donor, by_user, t_ms); *ID its id. STORE_EEXIST when the name is
 * taken. */
enum store_err store_batch_add(struct store *st, const struct store_batch *b, long long *id)
	__attribute__((warn_unused_result));
/* The batch called NAME; STORE_ENOENT when there is none. */
enum store_err store_batch_find(struct store *st, const char *name, struct store_batch *out)
	__attribute__((warn_unused_result));
/* The batch device DEVICE_ID belongs to; STORE_ENOENT when none. */
enum store_err store_batch_of(struct store *st, long long device_id, struct store_batch *out)
	__attribute__((warn_unused_result));
/* Every batch, the newest first, into a new array (free()). */
enum store_err store_batch_list(struct store *st, struct store_batch **out, size_t *n)
	__attribute__((warn_unused_result));
/* Put DEVICE_ID in batch BATCH_ID. STORE_EEXIST when it belongs to a batch already (this
 * one or another: store_batch_of() says which). */
enum store_err store_batch_attach(struct store *st, long long batch_id, long long device_id,
				  long long by_user, long long t_ms)
	__attribute__((warn_unused_result));
/* The devices of batch BATCH_ID by id, into a new array (free()). */
enum store_err store_batch_devices(struct store *st, long long batch_id, long long **ids,
				   size_t *n) __attribute__((warn_unused_result));

/* A device's place on the shelves, a sale, the destruction of its storage: one row each. */
struct store_resale_row {
	long long id, device_id, by_user, t_ms;
	char text[STORE_METHOD_MAX + 1]; /* the shelf, or the destruction's method */
};
/* DEVICE_ID now sits at SHELF (the latest move wins). */
enum store_err store_shelf_move(struct store *st, long long device_id, const char *shelf,
				long long by_user, long long t_ms) __attribute__((warn_unused_result));
/* Its latest move; STORE_ENOENT when it was never shelved. */
enum store_err store_shelf_of(struct store *st, long long device_id, struct store_resale_row *out)
	__attribute__((warn_unused_result));
/* The storage of DEVICE_ID was destroyed by METHOD (a device recycled or kept for parts
 * without a wipe). */
enum store_err store_destruction_add(struct store *st, long long device_id, const char *method,
				     long long by_user, long long t_ms)
	__attribute__((warn_unused_result));
/* Its latest destruction record; STORE_ENOENT when none. */
enum store_err store_destruction_of(struct store *st, long long device_id,
				    struct store_resale_row *out) __attribute__((warn_unused_result));

struct store_sale {
	long long id, device_id, event_id;
	long long price_cents;
	char currency[8];  /* "EUR" */
	char channel[16];  /* shop, online, partner, donation */
	char buyer_ref[STORE_BUYER_REF_MAX + 1]; /* "" when none */
	long long by_user, t_ms;
};
/* Sell S->device_id: in one transaction it moves from certified to sold (compare and set:
 * STORE_ESTALE when it is no longer certified), with REASON kept in its history, and the
 * sale is kept with that move's event, both with their entries in the device's chain;
 * nothing of it is kept when any part fails. S->event_id and *ID get the new ids. */
enum store_err store_sale_add(struct store *st, struct store_sale *s, const char *reason,
			      long long *id) __attribute__((warn_unused_result));
/* The latest sale of DEVICE_ID; STORE_ENOENT when it was never sold. */
enum store_err store_sale_of(struct store *st, long long device_id, struct store_sale *out)
	__attribute__((warn_unused_result));
/* The newest approved job of checklist CHECKLIST_ID on DEVICE_ID (its latest submission
 * graded approved); STORE_ENOENT when there is none. */
enum store_err store_approved_job(struct store *st, long long device_id, const char *checklist_id,
				  struct store_job *out) __attribute__((warn_unused_result));

/* ---- the benches' own keys (schema 15; benchkeys.c) ----
 * A bench whose records are on the workshop's server signs the heads of the chains it
 * moves with a key of its own (svc_benchkey.c): its public key is kept here as the bench
 * gave it, and counts once the workshop key has signed it (an enrolment, made at the
 * certifying station). Both rows are append-only. */
#define STORE_PUBLIC_TEXT 64 /* "ed25519:" and base64 of 32 bytes, and the NUL */
struct store_bench_key {
	long long id;
	char bench[STORE_BENCH_MAX + 1];
	char key_id[17];
	char public[STORE_PUBLIC_TEXT];
	long long t_ms;
	/* The enrolment, when there is one. */
	int enrolled;
	long long enrolled_by, enrolled_ms;
	char signer[17]; /* the id of the workshop key that signed it */
	char sig[100];
};
/* Keep bench K's key (bench, key_id, public, t_ms). STORE_EEXIST when that key is kept. */
enum store_err store_bench_key_add(struct store *st, const struct store_bench_key *k,
				   long long *id) __attribute__((warn_unused_result));
/* Keep the enrolment of K->key_id (enrolled_by, enrolled_ms, signer, sig). STORE_EEXIST
 * when it is enrolled already. */
enum store_err store_bench_key_enrol(struct store *st, const struct store_bench_key *k)
	__attribute__((warn_unused_result));
/* The key KEY_ID, with its enrolment if any. STORE_ENOENT when it is not kept. */
enum store_err store_bench_key_get(struct store *st, const char *key_id,
				   struct store_bench_key *out) __attribute__((warn_unused_result));
/* Every bench key, oldest first, into a new array (free()). */
enum store_err store_bench_keys(struct store *st, struct store_bench_key **out, size_t *n)
	__attribute__((warn_unused_result));
/* Publish the workshop's public key ("ed25519:..."), for the benches joining it. */
enum store_err store_workshop_key_publish(struct store *st, const char *public_text)
	__attribute__((warn_unused_result));
/* The workshop's public key as published; STORE_ENOENT when none was. */
enum store_err store_workshop_key_published(struct store *st, char out[STORE_PUBLIC_TEXT])
	__attribute__((warn_unused_result));

/* ---- the ledger: the chains of records and their signed heads (ledger.c) ----
 *
 * Every write that matters appends, in its own transaction, an entry to a chain:
 * "workshop" (each device as it is first seen), "device:ID" (its creation, jobs, state
 * changes, certificates, revocations) and "job:ID" (its start, steps, submission, events,
 * grades, acknowledgements). An entry keeps the canonical JSON of the row it is about
 * and the job's or device's state after it; its hash chains it to the one before.
 * chain_head keeps each chain's last position and hash, signed through the sealer.
 * Without a sealer (unit tests of the store) heads are written unsigned, and checked
 * without their signature.
 */
#define STORE_HASH_HEX 65   /* 64 hex digits and the NUL */
#define STORE_SIG_TEXT 100  /* base64 of a 64-byte signature (88) and the NUL */
#define STORE_KEY_ID_HEX 17
#define STORE_CHAIN_MAX 40
#define STORE_REF_MAX 72

struct store_sealer {
	/* Sign MSG: SIG gets the signature as text, KEY_ID the signing key's id; 0 on success. */
	int (*seal)(void *ctx, const char *msg, char sig[STORE_SIG_TEXT],
		    char key_id[STORE_KEY_ID_HEX]);
	/* 1 when SIG (by KEY_ID) signs MSG, 0 when it does not, -1 when KEY_ID is not a key of
	 * the workshop. NULL: signatures are not checked. */
	int (*check)(void *ctx, const char *msg, const char *sig, const char *key_id);
	void *ctx;
};
/* Use S (copied; NULL: none) to sign heads from now on and to check them. */
void store_set_sealer(struct store *st, const struct store_sealer *s);

struct store_chain_head {
	char chain[STORE_CHAIN_MAX];
	long long seq, t_ms;
	char hash[STORE_HASH_HEX], key_id[STORE_KEY_ID_HEX], sig[STORE_SIG_TEXT];
};

struct store_ledger_entry {
	char chain[STORE_CHAIN_MAX], kind[16], ref[STORE_REF_MAX];
	long long seq, t_ms;
	char *body; /* owned */
	char prev_hash[STORE_HASH_HEX], hash[STORE_HASH_HEX];
};

/* The text a head's signature is over, into OUT; -1 when it does not fit. */
int store_head_message(const char *chain, long long seq, const char *hash, char *out, size_t size);
enum store_err store_chain_head(struct store *st, const char *chain, struct store_chain_head *out)
	__attribute__((warn_unused_result));
/* The entries of CHAIN in order, in a new array (store_ledger_free()). */
enum store_err store_ledger_of(struct store *st, const char *chain,
			       struct store_ledger_entry **out, size_t *n)
	__attribute__((warn_unused_result));
void store_ledger_free(struct store_ledger_entry *e, size_t n);

enum store_ledger_verdict {
	STORE_LEDGER_OK = 0,
	STORE_LEDGER_ALTERED,  /* an entry, a row or the head was changed, or a state by hand */
	STORE_LEDGER_REMOVED,  /* entries or rows were taken away (the chain was cut) */
	STORE_LEDGER_ADDED,    /* a row has no entry: put in behind Atelier's back */
	STORE_LEDGER_UNSIGNED, /* the head carries no signature */
};

struct store_ledger_check {
	enum store_ledger_verdict verdict;
	size_t entries;
	char why[512]; /* the first finding, in plain words */
};
/* Check CHAIN whole: order, hashes, each named row as it was, the head and its signature
 * (when the sealer can check), the state now, and rows that no entry names. STORE_OK
 * with the verdict in *C; another error when the database could not be read. */
enum store_err store_ledger_check(struct store *st, const char *chain,
				  struct store_ledger_check *c) __attribute__((warn_unused_result));
/* Every chain there is or must be (one per device and job, and "workshop" when there is
 * a device), in a new array (free()). */
enum store_err store_chains(struct store *st, char (**out)[STORE_CHAIN_MAX], size_t *n)
	__attribute__((warn_unused_result));
/* Sign the heads that carry no signature (chains adopted from a database made before
 * the ledger); *SEALED says how many. Nothing without a sealer. */
enum store_err store_seal_unsigned(struct store *st, int *sealed)
	__attribute__((warn_unused_result));
/* Append-only triggers that are missing, or switched off (the erasure's row of bench left
 * behind), as "a, b" into MISSING ("" when none). */
enum store_err store_check_triggers(struct store *st, char *missing, size_t size)
	__attribute__((warn_unused_result));

/* ---- the inventory (inventory.c): one row per device, streamed ---- */

/* What the inventory reads of a device's latest full reading, in this order. */
enum store_inv_fact {
	STORE_INV_MAKE,
	STORE_INV_MARKETING_NAME,
	STORE_INV_MODEL_NUMBER,
	STORE_INV_SERIAL,
	STORE_INV_IMEI, /* a JSON array */
	STORE_INV_COLOR_NAME,
	STORE_INV_TOTAL_BYTES,
	STORE_INV_HEALTH_PCT,
	STORE_INV_CYCLES,
	STORE_INV_FIND_MY,
	STORE_INV_GOOGLE_ACCOUNTS,
	STORE_INV_FRP,
	STORE_INV_BOOTLOADER,
	STORE_INV_FACTS,
};

/* The hash of every checklist text kept (checklist_snapshot) into a new array of new
 * strings (free() each and the array). */
enum store_err store_snapshot_hashes(struct store *st, char ***out, size_t *n)
	__attribute__((warn_unused_result));

/* Which devices, in which order. The maps are JSON texts the caller makes from the
 * pinned checklists (SQL knows nothing of them): GRADE_STEPS ["screen-grade", ...], the
 * policy's grade steps of checklist GRADE_CHECKLIST; PARTS_STEPS [{"h": checklist hash,
 * "s": step}] the parts steps of repair checklists; ENTRY_STEPS [{"h", "s", "f": fact}]
 * the steps that record a fact by hand. All borrowed. */
struct store_inventory_query {
	const char *state;    /* NULL: any */
	const char *platform; /* NULL: any */
	long long since_ms;   /* first seen from then on; 0: any */
	const char *grade_checklist, *grade_steps, *parts_steps, *entry_steps;
	const char *sort;     /* a column store_inventory_sort_ok() accepts; NULL: stock number */
	int descending;
	int device_list; /* the device list's columns too (udid, last_seen_ms, probes) */
};

/* One device as read. Every text is SQLite's, valid only during the callback; NULL when
 * the records have none. */
struct store_inventory_row {
	long long device_id;
	const char *platform, *state, *serial, *imei; /* the device's own record */
	long long first_seen_ms;
	int read; /* it has a full reading (FACT comes from it) */
	const char *fact[STORE_INV_FACTS]; /* as SQLite gives them (numbers as text) */
	const char *grade_checklist_hash;  /* of the grading job approved last, or NULL */
	const char *grade_values;	   /* its grade steps: {"step": "value"}, or NULL */
	const char *parts;   /* the parts of approved repairs: [[{name, origin, ...}], ...] */
	const char *entered; /* facts recorded by hand: {"fact": "value"}, newest last */
	const char *shelf, *batch, *donor;
	const char *certificate; /* the latest certificate, unless revoked */
	int sold;		 /* a sale counts (none after it was returned) */
	long long price_cents, sold_ms;
	const char *currency, *channel, *buyer_ref;
	const char *udid; /* with device_list */
	long long last_seen_ms, probes;
};

/* Called for each row; returns 0 to go on, 1 to stop, -1 to stop on a failure of its own
 * (the call then returns STORE_EINTERNAL; the callback keeps its reason). */
typedef int (*store_inventory_fn)(const struct store_inventory_row *row, void *arg);

/* 1 when COLUMN is a column the inventory can be sorted by. */
int store_inventory_sort_ok(const char *column);
/* Read the inventory Q asks for, one row at a time to FN: one statement, nothing
 * gathered (a sort by another column than the stock number is SQLite's, which spills to
 * temporary files). */
enum store_err store_inventory_each(struct store *st, const struct store_inventory_query *q,
				    store_inventory_fn fn, void *arg)
	__attribute__((warn_unused_result));
/* The statement store_inventory_each() runs for Q with its parameters written in it (for
 * `sqlite3` and the benchmark); a new string (free()), NULL when out of memory. */
char *store_inventory_sql(const struct store_inventory_query *q);

#endif
