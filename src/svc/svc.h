/*
 * svc — the workshop's rules, in one place between the front ends and the modules.
 *
 *     cli (atelier COMMAND) --\                     /-- store (records)
 *                              > svc (rules, views) -- probe, checklist, job, cert
 *     web (later)          --/                      \-- usb
 *
 * A front end decodes what the person asked into a request struct, calls one svc_*
 * function and shows the view it gets back. Every rule lives here or in a module below:
 * what each kind of step accepts, when a job may start and where it resumes, when a
 * device moves, who may grade, what a certificate needs. svc never prints, never exits
 * and never reads the command line: it returns an enum svc_err and, on failure, the
 * reason in plain words (svc_why()); on success the view is a new JSON object, the very
 * object `atelier ... --json` prints (docs/atelier.1 describes them).
 *
 * Who may do what is decided by one function, svc_may(), on the roles of the device
 * lifecycle (src/cert/lifecycle.h) and the rules of grading.
 *
 * A struct bench is one context: the data directory, the database, the policy and the
 * checklists, each opened once, when first needed. It is not shared between threads;
 * a server opens one per thread.
 */
#ifndef ATELIER_SVC_SVC_H
#define ATELIER_SVC_SVC_H

#include <jansson.h>
#include <stddef.h>

#include "store/store.h"

enum svc_err {
	SVC_OK = 0,
	SVC_EINVAL,     /* the request is not well formed (a bad value, a missing part) */
	SVC_ENOENT,     /* what it names does not exist: job, user, checklist, certificate */
	SVC_ENODEVICE,  /* the device named is not known, or not attached */
	SVC_EDENIED,    /* this person may not do this */
	SVC_ESTATE,     /* not now: the job, the device or the step is not in a state for it */
	SVC_EUNMET,     /* certify: conditions are not met; the view lists every one */
	SVC_EDEVICE,    /* the device could not be read now (plug it in, unlock it, trust) */
	SVC_EUNDECIDED, /* an automatic check could not decide: the trainee decides by hand */
	SVC_ENODATA,    /* no data directory or no database yet: atelier init */
	SVC_EREFUSED,   /* the database is newer, damaged, or a record was altered */
	SVC_ENOTVALID,  /* a certificate does not verify */
	SVC_ENOUSB,     /* USB cannot be read on this machine */
	SVC_EIO,        /* the records or a file could not be read or written */
	SVC_EREMOVED,   /* records were taken away: a chain was cut short */
	SVC_EAUTH,      /* nobody is signed in, the session is over, or a sign-in failed */
};

/* A short name of ERR ("not found", "not allowed"...), for logs; static. */
const char *svc_strerror(enum svc_err err);

struct bench;

/* What svc_open() prepares. */
enum svc_open_flags {
	SVC_OPEN_DIR = 1,    /* only resolve the data directory */
	SVC_OPEN_STORE = 2,  /* open the database (implies DIR) */
	SVC_OPEN_CREATE = 4, /* create the directory and the database when missing */
	SVC_OPEN_TRY = 8,    /* a missing or unusable database is not an error: no store */
	SVC_OPEN_MKDIR = 16, /* create the directory when missing, without a database */
	/* The command may reach the records through the workshop's server: with
	 * ATELIER_SERVER set (and no --data), a context that needs the store sends its
	 * requests there (svc_remote.c); a command without this flag is then refused. */
	SVC_OPEN_REMOTE = 32,
};

/* Open a context on the data directory DATA_OPT (NULL: $ATELIER_DATA, else the default;
 * util/datadir.h). On success *OUT is a new context (svc_close()); on failure *OUT is
 * NULL and WHY (SIZE bytes) says what went wrong. */
enum svc_err svc_open(const char *data_opt, unsigned flags, struct bench **out, char *why,
		      size_t size) __attribute__((warn_unused_result));
void svc_close(struct bench *b);
/* Make B as if just opened for the next request of a server: nobody signed in, no reason
 * kept. What B loaded (the store, policy, checklists, key) stays; a server reopens a
 * context after a while to see files changed meanwhile. */
void svc_reset(struct bench *b);
/* This request of a server only reads: a refusal for want of a session is answered but
 * not written to the audit log (a screen asks "who is signed in?" as it opens, and a
 * flood of reads must not become a flood of writes). Until svc_reset(). */
void svc_reading(struct bench *b);
/* 1 when B reaches the records through the workshop's server (ATELIER_SERVER). */
int svc_remote(const struct bench *b);
/* The code word of an error ("not-found"), as the API says it; and back (SVC_OK for a
 * word that is none). */
const char *svc_err_word(enum svc_err err);
enum svc_err svc_err_of_word(const char *word);
/* The version of the records seen through B: it changes when anybody else commits a
 * change. A server keeps one context that never writes to tell whether what it computed
 * from the records is still true. */
enum svc_err svc_records_version(struct bench *b, long long *out)
	__attribute__((warn_unused_result));
/* A server's group commit: the changes made on B from svc_batch_begin() on commit
 * together at svc_batch_end(), with one write to the disk. Until then none of them is
 * done: when svc_batch_end() fails, none is kept, and each caller must say so; once it
 * succeeds, they are done when svc_batch_sync() of the file it names succeeds.
 * svc_batch_begin() returns 0 when the records' backend commits each change alone (a
 * server shared by several benches: store_batch_begin()); then no batch is open. */
int svc_batch_begin(struct bench *b);
/* UNSYNCED (SIZE bytes): the file to give svc_batch_sync() before the batch's changes
 * are said done, "" when its commit waited for the disk. The writer goes on meanwhile. */
enum svc_err svc_batch_end(struct bench *b, char *unsynced, size_t size);
/* Make the batches committed before durable (svc_batch_end()); on any thread, with no
 * context. Why it failed in WHY. */
enum svc_err svc_batch_sync(const char *unsynced, char *why, size_t size);
/* B is a server's writer, the one context its changes are made on: it keeps the work of
 * the jobs it records steps into between requests, while nothing else changes the
 * records (then it reads them again), and the heads its batches move are signed by a
 * thread of their own while the batch goes on. */
void svc_keep_work(struct bench *b);

/* The reason of the last failure on B, in plain words ("" after a success). */
const char *svc_why(const struct bench *b);
/* The data directory ("" when there is none). */
const char *svc_dir(const struct bench *b);
/* The store (NULL when it was not opened). */
struct store *svc_store(struct bench *b);

/* ---- who may do what ---- */

enum svc_action {
	SVC_START_JOB,    /* start a job on a device, as its trainee */
	SVC_RECORD_STEP,  /* record a step of a job */
	SVC_GRADE_JOB,    /* grade a submitted job */
	SVC_ACK_GRADE,    /* acknowledge the grade of one's own job */
	SVC_CANCEL_JOB,   /* stop a job for good */
	SVC_RESUME_JOB,   /* let work go on after a step that stops the job failed */
	SVC_CHECK_WIPE,   /* second person's check of a data wipe */
	SVC_MOVE_DEVICE,  /* change a device's state by hand */
	SVC_CERTIFY,      /* sign a certificate */
	SVC_REVOKE,       /* withdraw a certificate */
	SVC_ROTATE_KEY,   /* retire the workshop key and make a new one */
	SVC_MANAGE_USERS, /* add accounts, disable, enable, change a role, set a secret */
	SVC_READ_AUDIT,   /* read the audit log */
	SVC_ADD_PHOTO,    /* attach a photo to a checklist's step */
	SVC_READ_QUEUE,   /* see the jobs waiting for a grade */
	SVC_SIGN_OFF,     /* sign a trainee off for a competence */
	SVC_EXPORT_PERSON, /* read out a person's data (docs/privacy.md) */
	SVC_ERASE_PERSON,  /* erase a person's name and secret on her request */
	SVC_READ_PROGRAMME, /* read the programme's report (counts, never names) */
	SVC_PRINT_LABEL,   /* draw and print a device's label (reads only) */
	SVC_SELL,	   /* record a certified device as sold (the lifecycle's table) */
	SVC_MANAGE_BATCHES, /* make intake batches and put devices in them */
	SVC_SHELVE,	   /* say where a device sits on the shelves */
	SVC_DESTROY,	   /* record the destruction of a device's storage */
	SVC_READ_RESALE,   /* the batches and their donor erasure reports */
	SVC_READ_INVENTORY, /* read the inventory: every device, its grade, shelf and sale */
};

/* What an action is about: the job (grading, acknowledging...), or the device's move. */
struct svc_subject {
	const struct store_job *job;
	enum device_state from, to; /* SVC_MOVE_DEVICE */
	const struct store_user *person; /* SVC_EXPORT_PERSON, SVC_ERASE_PERSON */
};

/* 1 when WHO may do WHAT on ON (may be NULL when the action needs no subject); else 0,
 * with the reason in plain words in svc_why(B); a refusal is kept in the audit log. */
int svc_may(struct bench *b, const struct store_user *who, enum svc_action what,
	    const struct svc_subject *on);

/* ---- set-up and records ---- */

/* atelier init: the directory, the database (created or migrated) and the workshop key,
 * and the first admin: ADMIN with password SECRET when the workshop has no admin yet
 * (both may be NULL: then none is made, and the view says how). An admin that exists
 * already is never joined by another here. View: {dir, database, schema_version, key:
 * {created, public, secret_file}, admin: {name, created} | null, admins: N}. */
enum svc_err svc_init(struct bench *b, const char *admin, const char *secret, json_t **view)
	__attribute__((warn_unused_result));
/* 1 when the workshop has no active admin yet (init should make the first one). */
int svc_needs_admin(struct bench *b);
/* atelier db check: the file's integrity, the append-only triggers, and every chain of
 * records with its signed head (a job's or device's state against its history):
 * {database, ok, chains, findings: [text]}; SVC_EREFUSED with the findings when damaged
 * (SVC_EREMOVED when records were taken away, whatever else was found). */
enum svc_err svc_db_check(struct bench *b, json_t **view) __attribute__((warn_unused_result));
/* atelier db compact: the file rewritten without free space, where older copies of pages
 * (an erased name) may lie, and its write-ahead log emptied: {database}. SVC_EIO when
 * another program has the database open and it cannot be done now. */
enum svc_err svc_db_compact(struct bench *b, json_t **view) __attribute__((warn_unused_result));
/* atelier db backup FILE: {database, backup}. */
/* Copy B's records to TO: a postgresql:// URL (an empty database; the keys stay in B's
 * data directory) or a data directory whose SQLite file does not hold records yet (B's
 * keys are copied there). Then the copy is checked as `db check` checks records, and
 * every certificate's signature again. VIEW: {from, to, rows, chains, certificates}. */
enum svc_err svc_db_copy(struct bench *b, const char *to, json_t **view)
	__attribute__((warn_unused_result));
enum svc_err svc_db_backup(struct bench *b, const char *file, json_t **view)
	__attribute__((warn_unused_result));

/* ---- checklists (svc_checklist.c) ---- */

struct checklist;

/* The names of competence ID in the workshop's policy, {en, fr, nl} (those written), or
 * JSON null when it names none: a screen then shows the id. A new reference. */
json_t *svc_competence_name(struct bench *b, const char *id);
/* {ID: names} for each competence checklist C trains or requires (svc_competence_name). */
json_t *svc_competence_names(struct bench *b, const struct checklist *c);

/* Check the checklist files and folders PATHS (N of them; a policy.yaml is checked as the
 * policy): {files, errors, warnings, lines: ["FILE:LINE:COL: error: ..."]}. SVC_EINVAL
 * when an error was found (the view is there all the same). */
enum svc_err svc_lint(struct bench *b, const char *const *paths, size_t n, json_t **view)
	__attribute__((warn_unused_result));
/* The checklists found (the shipped ones, then the workshop's): {checklists: [{id,
 * version, title (in LANG), time_minutes, difficulty, steps, source, hash}], left_out:
 * [lines of the files with errors]}. DEVICE (may be NULL): only those that apply to it. */
enum svc_err svc_checklist_list(struct bench *b, const char *device, const char *lang,
				json_t **view) __attribute__((warn_unused_result));
/* Checklist ID into *OUT, borrowed from B (valid until svc_close()). */
enum svc_err svc_checklist_find(struct bench *b, const char *id, const struct checklist **out)
	__attribute__((warn_unused_result));

/* ---- accounts, sessions, the audit log (svc_session.c) ---- */

#define SVC_IDLE_MS (30LL * 60 * 1000)      /* a session ends after this long unused */
#define SVC_TOUCH_MS (60LL * 1000)          /* its last use is written this often at most */
#define SVC_LOCK_TRIES 5                    /* wrong secrets for one name ... */
#define SVC_LOCK_MS (15LL * 60 * 1000)      /* ... within this long lock it this long */
#define SVC_TOKEN_HEX 65                    /* a session token as hex, with its NUL */

/* Sign NAME in with SECRET. NAME is the account's name, or the way its person writes it:
 * when no account has NAME itself, the one account whose name differs only by capitals,
 * accents, spaces, '.', '-' or '_' ("Hélène" for "helene"; text_fold_name()); two such
 * accounts sign in by their exact names only. LOCAL: the request comes from the bench
 * itself (the command line always does; a web server passes 0 for a remote client, and a
 * trainee's PIN is then refused). On success B is signed in as the account, TOKEN
 * (SVC_TOKEN_HEX bytes) holds the new session's token, which the front end keeps (only
 * its hash is in the database), and the view is {name, role}. SVC_EAUTH when refused: a
 * wrong name and a wrong secret give the same words; after SVC_LOCK_TRIES wrong secrets
 * within SVC_LOCK_MS the account is locked (however its name was typed) without checking
 * the secret until the window passes. Every attempt is recorded, under the account's
 * name. */
enum svc_err svc_login(struct bench *b, const char *name, const char *secret, int local,
		       char *token, json_t **view) __attribute__((warn_unused_result));
/* Resume the session of TOKEN: B is signed in as its person and its last use moves to
 * now. SVC_EAUTH (with the reason, which svc_actor() repeats) when the token is unknown,
 * ended, idle for more than SVC_IDLE_MS, or its account is disabled. */
/* A server's context of its pool: resuming a session there writes nothing; the
 * session's last use, when it is due to be written (once a minute), is written by
 * svc_session_touch() on the context that makes changes (svc_session_adopt() carries
 * it), so that a page read never waits for the database's write lock. Until
 * svc_reset(). */
void svc_defer_touch(struct bench *b);
int svc_touch_due(const struct bench *b);
enum svc_err svc_session_touch(struct bench *b);
/* TO takes the session FROM resumed (another context on the same records): a server
 * resumes it on a context of its pool, then makes the change on its writer. */
void svc_session_adopt(struct bench *to, const struct bench *from);
enum svc_err svc_session_resume(struct bench *b, const char *token)
	__attribute__((warn_unused_result));
/* End B's session: {name}; SVC_EAUTH when nobody is signed in. */
enum svc_err svc_logout(struct bench *b, json_t **view) __attribute__((warn_unused_result));
/* {name, role, lang (the screen's language chosen, or absent)}; SVC_EAUTH when nobody
 * is signed in. */
enum svc_err svc_whoami(struct bench *b, json_t **view) __attribute__((warn_unused_result));
/* Keep LANG ("fr") as the screen's language of the person signed in; the view is
 * svc_whoami()'s. SVC_EINVAL when LANG is not a language code. */
enum svc_err svc_set_lang(struct bench *b, const char *lang, json_t **view)
	__attribute__((warn_unused_result));
/* The person acting: the one signed in on B, into *OUT. SVC_EAUTH when nobody is;
 * SVC_EDENIED when CLAIMED_BY (a --by NAME, may be NULL) names somebody else. Every
 * function that records a person gets that person here. */
enum svc_err svc_actor(struct bench *b, const char *claimed_by, struct store_user *out)
	__attribute__((warn_unused_result));
/* Keep an entry in the audit log: the person signed in (or ""), ACTION ("login",
 * "user-add", "refused", "key-use"...), SUBJECT, OUTCOME ("ok", "wrong", "refused"...),
 * DETAIL (never a secret). A failure to write it is logged, not returned. */
void svc_audit(struct bench *b, const char *action, const char *subject, const char *outcome,
	       const char *detail);
/* The LIMIT newest entries (1 to 10000), newest first: [{t_ms, actor, action, subject,
 * outcome, detail}]. An instructor's or admin's session. */
enum svc_err svc_audit_list(struct bench *b, long long limit, json_t **view)
	__attribute__((warn_unused_result));

/* ---- users (svc_user.c) ---- */

/* Names are what people type at the bench: letters, digits, '.', '-', '_', 1-63.
 * Adding, disabling, enabling, changing a role and setting another's secret need an
 * admin's session. SECRET follows the rule of the role (src/util/secret.h): a PIN for a
 * trainee, a password for the others.
 * A refusal of these functions about what was asked (not who asks) comes with a view
 * {field, reason} that a screen says in the person's language beside the field at
 * fault: field "name" (reason "not-a-name", "a-code", "taken", "unknown", "erased",
 * "own-account": an admin does not disable herself), "role" ("not-a-role",
 * "own-account": nor take her own role away), "code" ("not-a-code", "taken", "a-name"),
 * "secret" ("empty", "too-long", "control-character", "too-short", "not-a-pin",
 * "refused"), "old" ("wrong": one's own secret changes with the old). */
/* CODE (may be NULL) is what public documents call her (docs/privacy.md): 1 to
 * SVC_CODE_MAX letters, digits, '.', '-', '_', nobody else's code and nobody's name; a
 * trainee added without one gets "T-" and her id ("T-014"). */
enum svc_err svc_user_add(struct bench *b, const char *name, const char *role,
			  const char *secret, const char *code, json_t **view)
	__attribute__((warn_unused_result));
#define SVC_CODE_MAX 16
/* Give NAME the code CODE (an admin): {name, code, role, active, has_secret, erased}. */
enum svc_err svc_user_set_code(struct bench *b, const char *name, const char *code,
			       json_t **view) __attribute__((warn_unused_result));
/* [{name, code, role, active, has_secret, erased}] by name; an erased account's name is
 * null. Asks nobody's session: the command line that opens the database can read the
 * accounts in it anyway. */
enum svc_err svc_user_list(struct bench *b, json_t **view) __attribute__((warn_unused_result));
/* The accounts as an admin manages them (the screen's console): svc_user_list()'s view,
 * each with last_signin_ms (her newest session's start; null when never). Needs an
 * admin's session. */
enum svc_err svc_user_accounts(struct bench *b, json_t **view)
	__attribute__((warn_unused_result));
/* A disabled account cannot sign in and its sessions end. */
enum svc_err svc_user_set_active(struct bench *b, const char *name, int active, json_t **view)
	__attribute__((warn_unused_result));
enum svc_err svc_user_set_role(struct bench *b, const char *name, const char *role,
			       json_t **view) __attribute__((warn_unused_result));
/* Set NAME's secret to SECRET. An admin sets anyone's (and clears a lock-out); a person
 * changes her own with OLD, her current secret (an admin's own too). */
enum svc_err svc_user_set_secret(struct bench *b, const char *name, const char *old,
				 const char *secret, json_t **view)
	__attribute__((warn_unused_result));

/* ---- a person's data, on her request (svc_privacy.c, docs/privacy.md) ---- */

/* Erase NAME's name and secret (an admin, never her own): refused while she has a job
 * open or waiting for its grade (SVC_ESTATE, the view {open: [job ids]}), when WHY is
 * missing or names her (SVC_EINVAL), and when the records do not check now
 * (SVC_EREFUSED: an erasure never covers a change made behind Atelier's back). Her
 * records stay, under her id and code. View: {user (id), code, t_ms, why, redacted:
 * {entries, certificates, audit, attempts, sessions}, certificates: [ids whose kept copy
 * was redacted], still_written_in: [where people wrote the name in a note], compacted:
 * bool (the file rewritten without old copies of its pages)}. */
enum svc_err svc_user_erase(struct bench *b, const char *name, const char *why, json_t **view)
	__attribute__((warn_unused_result));
/* NAME's personal data and records (she herself, or an admin), found by name or by code:
 * {format, exported_ms, account, jobs: [job views], training, acts, sessions,
 * sign_in_attempts, audit, certificates}. With OUTPUT, written there (mode 0600, whole or
 * not at all) and the view is {user, output, jobs}. */
enum svc_err svc_user_export(struct bench *b, const char *name, const char *output,
			     json_t **view) __attribute__((warn_unused_result));

/* ---- devices (svc_device.c) ---- */

/* [{id, state, platform, udid, serial, imei, first_seen_ms, last_seen_ms, probes}];
 * STATE (a word, or NULL for all). */
enum svc_err svc_device_list(struct bench *b, const char *state, json_t **view)
	__attribute__((warn_unused_result));
/* The card of FACTS (a reading, or a device's facts): what a trainee sees of it,
 * {device (its key), platform, device_class, mode, make, marketing_name, model_number,
 * storage_gb, battery_health_pct, battery_cycles, lock, locks_on, os, os_version}. LOCK
 * is "on" when a lock that stops reuse is seen (locks_on names them: find_my, frp,
 * google_accounts, supervised), "off" when the platform's lock was read as off, else
 * "unknown"; the policy still decides certification. A new reference. */
json_t *svc_device_card(const json_t *facts);
/* The stock number of device DEVICE_ID, the one its labels, the inventory and the shelf
 * know it by: "AT-" and the id in at least 6 digits ("AT-000042"), into OUT (SIZE bytes,
 * SVC_STOCK_MAX is enough for any id). Returns OUT. */
#define SVC_STOCK_MAX 24
const char *svc_stock_number(long long device_id, char *out, size_t size);
/* One device: its row, identity and system from its facts, its card, history, jobs,
 * certificates. */
enum svc_err svc_device_show(struct bench *b, const char *device, json_t **view)
	__attribute__((warn_unused_result));

struct svc_move {
	const char *device; /* UDID, serial or IMEI */
	const char *to;     /* a state word */
	const char *by;     /* NULL, or who moves it: must be the person signed in */
	const char *why;    /* kept in its history */
};
/* {device, from, to, by, why}. A device goes to recycled only with an approved data
 * wipe or a destruction record (atelier device destroy): SVC_ESTATE says how. */
enum svc_err svc_device_set_state(struct bench *b, const struct svc_move *req, json_t **view)
	__attribute__((warn_unused_result));

/* The device's facts as the rules see them: its latest full reading, with what trainees
 * recorded by hand (steps that `record` a fact) where the reading has nothing. The
 * object "entered" maps each fact taken from a step to {job, record, step, by, value}; a
 * fact the reading gives is not there, even when a trainee recorded it too.
 * *FACTS is a new object; an empty one when the device was never read. */
enum svc_err svc_device_facts(struct bench *b, long long device_id, json_t **facts)
	__attribute__((warn_unused_result));

/* ---- labels (svc_label.c, docs/resale.md) ---- */

struct svc_file;

#define SVC_LABELS_MAX 240 /* devices labelled at once (ten A4 sheets) */

struct svc_label_req {
	const char *const *devices; /* UDIDs, serials or IMEIs: one label each, in order */
	size_t n_devices;
	const char *size;    /* "62x29" (NULL), "62x100" or "a4-sheet" */
	const char *format;  /* "pdf" (NULL) or "png" */
	const char *output;  /* NULL: label-STOCK.EXT in the current directory */
	const char *printer; /* NULL, or the CUPS printer to send it to (lp -d PRINTER) */
	const char *lang;    /* en, fr or nl; NULL: the workshop's (policy workshop.language) */
	int intake;          /* the intake label for the bag, for a device in any state */
};
/* Draw the labels of the devices REQ names (atelier-pdf --label) into a file, and send it
 * to a printer when REQ names one. Any person signed in. A device's label says what its
 * current certificate (the newest not withdrawn) says, with its QR code; without one,
 * what its latest reading says and "not certified". A device never read has no label
 * but its intake label (SVC_ESTATE). A PNG holds one label, or one A4 sheet (24). View:
 * {output, format, size, lang, intake, labels: [{device, stock, certificate (null when
 * none), barcode (the text of its Code 128, or null)}], printed: {printer, said} | null}.
 * SVC_EIO when the file cannot be written, or when lp refuses it (the file is kept;
 * the reason quotes lp). */
enum svc_err svc_label(struct bench *b, const struct svc_label_req *req, json_t **view)
	__attribute__((warn_unused_result));
/* The same labels drawn in memory into OUT, for a download (the console's device page, a
 * batch's sheet): REQ names no output and no printer. */
enum svc_err svc_label_file(struct bench *b, const struct svc_label_req *req,
			    struct svc_file *out) __attribute__((warn_unused_result));
/* The labels of every device of intake batch NAME on A4 sheets (their intake labels when
 * INTAKE), in LANG (NULL: the workshop's), drawn in memory into OUT. SVC_ENOENT when there
 * is no such batch, SVC_ESTATE when it has no device. */
enum svc_err svc_batch_labels_file(struct bench *b, const char *name, const char *lang,
				   int intake, struct svc_file *out)
	__attribute__((warn_unused_result));

/* ---- jobs (svc_job.c) ----
 * Every function here that records a person (BY, a trainee) records the person signed in
 * on B (svc_actor()); a BY given must name that person. */

struct svc_job_start {
	const char *device;    /* UDID, serial or IMEI */
	const char *checklist; /* id */
	const char *trainee;   /* NULL, or who does the job: must be the person signed in */
};
/* View: {job: <job view>, resumed: bool, device_moved: {from, to, why} | null,
 * warnings: [text], next_step: {id, title} | null}. A trainee not ready for the
 * checklist is SVC_ESTATE with the view {needs: [{approved: CHECKLIST} or {signed_off:
 * COMPETENCE}]}. */
enum svc_err svc_job_start(struct bench *b, const struct svc_job_start *req, json_t **view)
	__attribute__((warn_unused_result));

#define SVC_MAX_PARTS 16

struct svc_part {
	const char *name, *origin, *serial; /* origin: genuine, used-original, aftermarket */
	const char *supplier;               /* may be NULL */
};

struct svc_step {
	long long job;
	const char *step;
	const char *result;   /* pass, fail, skip, or NULL (from the kind) */
	const char *value;    /* measure, choice, entry */
	const char *note;
	const char *tester;   /* measure steps that ask which instrument */
	const char *by;       /* NULL, or the person signed in (svc_actor()) */
	long long corrects;   /* record number, 0 when none */
	struct svc_part parts[SVC_MAX_PARTS];
	size_t n_parts;
};
/* View: {job, record, step, result, correction: bool, facts: {...} | null,
 * quarantined: {why} | null, quarantine_refused: text (only when a failed
 * quarantine step could not move the device), stopped: bool, next_step: {id, title} |
 * null (null too when the job stops or the device went to quarantine)}.
 * SVC_EUNDECIDED when an auto step could not be decided: nothing is recorded, the reason
 * says how to record it by hand, and the view is {job, step, decided: false, why}. */
enum svc_err svc_job_step(struct bench *b, const struct svc_step *req, json_t **view)
	__attribute__((warn_unused_result));

/* The job view: {id, device, device_name (null when never read), checklist,
 * checklist_version, checklist_hash, trainee, state, started_ms, submitted_ms, records: [...], steps_to_do: [...],
 * steps_not_applicable: [...], steps_to_redo: [...], stopped_by: {step, record} | null,
 * grades: [...], cancelled: {by, why, t_ms} | null, wipe_check: {...} | null}. */
enum svc_err svc_job_show(struct bench *b, long long job, json_t **view)
	__attribute__((warn_unused_result));
/* The checklist job JOB was started with (its text kept in the records, not the file as
 * it is now), as checklist_to_json() gives it, with the job's hash. */
enum svc_err svc_job_checklist(struct bench *b, long long job, json_t **view)
	__attribute__((warn_unused_result));

struct svc_job_filter {
	const char *device;  /* NULL: any */
	const char *trainee; /* NULL: any */
	const char *state;   /* NULL: any; a stage: open, submitted (waiting for its grade),
			      * approved, redo, cancelled (store/status.h: enum job_stage) */
};
/* Called with each row of a list as it is read (borrowed: take a reference to keep it);
 * 0 to go on, 1 to stop, -1 to stop on a failure of its own (the call is then SVC_EIO). */
typedef int (*svc_row_fn)(json_t *row, void *arg);
/* The rows svc_job_list() gives, one at a time to FN as the records are read: nothing
 * gathered (a list of 50,000 jobs is written in the memory of one). */
enum svc_err svc_job_each(struct bench *b, const struct svc_job_filter *f, svc_row_fn fn,
			  void *arg) __attribute__((warn_unused_result));
/* [{id, device, checklist, checklist_version, state, stage, trainee, verdict}], newest
 * first; verdict is that of the latest submission (null until it is graded). */
enum svc_err svc_job_list(struct bench *b, const struct svc_job_filter *f, json_t **view)
	__attribute__((warn_unused_result));

/* ---- training: competences and sign-offs ---- */

struct svc_signoff_req {
	const char *trainee;    /* who is signed off */
	const char *competence; /* an id a checklist trains (its competences: list) */
	const char *note;       /* what the instructor saw: required */
	const char *by;         /* NULL: the person signed in; else must be her */
};
/* An instructor or an admin signs TRAINEE off for COMPETENCE, once she has an approved job
 * of a checklist that trains it; never oneself. View: {trainee, competence, by, t_ms,
 * note}. SVC_ESTATE when there is no such approved job or she already holds it. */
enum svc_err svc_signoff(struct bench *b, const struct svc_signoff_req *req, json_t **view)
	__attribute__((warn_unused_result));

/* A trainee's training so far: {trainee, signoffs: [{competence, by, t_ms, note}],
 * checklists: [{id, approved, ready, missing: [text]}]} where ready says whether she may
 * start it now and missing what she still needs. A trainee sees her own only. */
enum svc_err svc_trainee_show(struct bench *b, const char *name, json_t **view)
	__attribute__((warn_unused_result));

/* The training report: one row per trainee and checklist of the jobs started from FROM_MS
 * to before TO_MS (0: no end): {from_ms, to_ms, rows: [{trainee, checklist, jobs,
 * cancelled, approved, first_time_approved, first_time_rate, redos, average_minutes,
 * signed_off ("a; b", the competences signed off before the end)}]}. TRAINEE NULL: every
 * trainee, for an instructor; a trainee gets her own only. */
enum svc_err svc_training_report(struct bench *b, const char *trainee, long long from_ms,
				 long long to_ms, json_t **view) __attribute__((warn_unused_result));
/* The training report VIEW as CSV (RFC 4180, util/csv.h) on OUT: a header row, then a row
 * per trainee and checklist, the same for the command line and a screen's download. */
void svc_training_csv(const json_t *view, FILE *out);

/* One trainee's training for a period, and how it is read. */
struct svc_training_req {
	const char *trainee;	  /* NULL: the one signed in, a trainee */
	long long from_ms, to_ms; /* the jobs started from FROM_MS to before TO_MS (0: no end) */
	const char *lang;	  /* en, fr or nl; NULL: the trainee's choice, else the workshop's */
};

/* The training record a trainee keeps: one trainee's figures for the period, the document
 * that atelier-pdf draws. {format: "atelier-training-report/1", lang, workshop, place
 * (null when the policy has none), trainee, from_ms, until_ms (the period shown: the days
 * asked, else from her first job of it, or the day she joined, to now), made_ms, signoffs: [{competence, by, t_ms}]
 * (held at the end of the period), checklists: [{id, title, jobs, cancelled, approved,
 * first_time_approved, first_time_rate, redos, average_minutes, trend: {direction
 * (faster, slower or steady), earlier, later (average minutes of the earlier and the later
 * half of the jobs)} | null}], scores: {points: [{t_ms, share (0 to 1 of the maximum),
 * grades}] (the chart, one point per graded job or per group of them), items: [{checklist,
 * title, item, item_title, max, average, count}]}, feedback: [{job, checklist, title,
 * t_ms, verdict, by, feedback}] (the latest 10, newest first), feedback_total}. Titles are
 * in LANG. A trainee gets her own only; an instructor names the trainee (SVC_EINVAL). */
enum svc_err svc_training_doc(struct bench *b, const struct svc_training_req *req,
			      json_t **view) __attribute__((warn_unused_result));

/* A file to save: BYTES (LEN of them, owned: free()) of media TYPE (static), and a NAME to
 * save it as (letters, digits, '.', '-', '_': safe in any folder and in a header). */
struct svc_file {
	char *bytes;
	size_t len;
	const char *type;
	char name[96];
};

/* The training report as a file in FORMAT: "pdf" (A4) or "html" (one self-contained
 * page), the record of svc_training_doc() drawn by atelier-pdf; "csv", the rows of
 * svc_training_report() (every trainee's when REQ names none, for an instructor). The
 * same for the command line and the console's download. SVC_EIO, with atelier-pdf's
 * reason, when it cannot be drawn. */
enum svc_err svc_training_file(struct bench *b, const struct svc_training_req *req,
			       const char *format, struct svc_file *out)
	__attribute__((warn_unused_result));

/* The programme's report for a period [FROM_MS, TO_MS), both required. */
struct svc_programme_req {
	long long from_ms, to_ms;
	const char *lang; /* en, fr or nl; NULL: the workshop's */
};

/* The programme's report for its funders, for an instructor or an admin: {format:
 * "atelier-programme-report/1", lang, workshop, place, from_ms, until_ms, made_ms, totals:
 * {received, certified, sold, donated, recycled, parts, quarantine (devices that went there
 * in the period, each once), revenue_cents}, models: [{platform, model, <the same>}],
 * repairs: [{checklist, title, approved}] (jobs of category repair approved in the period),
 * parts: [{name, origin, count}] (fitted by them), people: {trainees (how many worked),
 * bench_hours, graded, first_time, first_time_rate (of the jobs first graded in the
 * period; null when none), signoffs, competences: [{competence, count}]}, impact:
 * {kept_in_use (devices certified), weight_kg, weighed_by_model, weighed_by_default,
 * phone_g, tablet_g, co2e_kg, factor_kg_per_year, extra_years, source}, months: [{month
 * ("2026-11"), <the outcomes>, bench_hours, graded, first_time, first_time_rate}]}. Nobody
 * is named in it. */
enum svc_err svc_programme_doc(struct bench *b, const struct svc_programme_req *req,
			       json_t **view) __attribute__((warn_unused_result));
/* The programme's report as a file in FORMAT: pdf, html or csv (one row per figure:
 * section, platform, name, measure, value). */
enum svc_err svc_programme_file(struct bench *b, const struct svc_programme_req *req,
				const char *format, struct svc_file *out)
	__attribute__((warn_unused_result));
/* DOC's figures as CSV rows on OUT. */
void svc_programme_csv(const json_t *doc, FILE *out);

/* Certificate ID drawn as its A4 PDF in LANG (NULL: the certificate's own language) into
 * OUT (bytes to free()), for a download: the same page as certificate export --pdf. */
enum svc_err svc_cert_pdf(struct bench *b, const char *id, const char *lang,
			 struct svc_file *out) __attribute__((warn_unused_result));

/* The grading queue, for an instructor or an admin: every job submitted and not graded
 * since, the longest waiting first. [{id, trainee, checklist, checklist_title,
 * checklist_version, device, device_name, submitted_ms, waiting_ms}]; checklist_title is
 * in the bench's language, device_name is null when the device was never read. */
enum svc_err svc_job_queue(struct bench *b, const char *lang, json_t **view)
	__attribute__((warn_unused_result));

/* The bench overview, for an instructor or an admin: every job in work (open, those
 * sent back for redo too), the oldest first. {jobs: [{id, trainee, checklist,
 * checklist_title, device, device_name, started_ms, last_ms, steps_done, steps, step:
 * {id, title, number} or null when every step is done, slow_at_ms, alerts: [{kind:
 * "stopped"|"quarantine", step, title, record, t_ms}]}]}. last_ms is the job's latest
 * record (or its start): the step in hand has been worked on since; past slow_at_ms it is
 * far over its share of the checklist's time (3 times, at least 10 minutes). Texts in
 * LANG. */
enum svc_err svc_job_overview(struct bench *b, const char *lang, json_t **view)
	__attribute__((warn_unused_result));

/* View: {job, pairing_removed: bool, wipe_check_needed: bool}; on SVC_ESTATE the view
 * (when not NULL) is {missing: [text], reasons: [{step, why}]}, every reason it cannot
 * be submitted yet, in words and as a step and a word (not-done, skipped, stopped,
 * redo) a screen says in its own language;
 * SVC_EREFUSED when the certification policy cannot be read (it names the data wipe). */
enum svc_err svc_job_submit(struct bench *b, long long job, json_t **view)
	__attribute__((warn_unused_result));

/* {job, ok: true}; SVC_EREFUSED when a record does not match its chain. */
enum svc_err svc_job_verify(struct bench *b, long long job, json_t **view)
	__attribute__((warn_unused_result));

#define SVC_FEEDBACK_MAX 4000 /* bytes of an instructor's feedback */

struct svc_grade {
	long long job;
	const char *verdict;  /* approved, redo */
	json_t *redo;         /* array of step ids (borrowed); may be empty */
	json_t *scores;       /* object item -> integer (borrowed); may be empty */
	const char *feedback;
	const char *by;
};
/* View: {job, grade: <grade view>, trainee, reopened: bool}. */
enum svc_err svc_job_grade(struct bench *b, const struct svc_grade *req, json_t **view)
	__attribute__((warn_unused_result));
/* View: {job, checklist, checklist_version, grade: <grade view>, already: bool,
 * state}. */
enum svc_err svc_job_ack(struct bench *b, long long job, const char *by, json_t **view)
	__attribute__((warn_unused_result));

/* An instructor cancels a job for good (nothing is deleted): {job, by, why}. */
enum svc_err svc_job_cancel(struct bench *b, long long job, const char *by, const char *why,
			    json_t **view) __attribute__((warn_unused_result));
/* An instructor lets work go on after a failed step that stops the job: {job, by, why,
 * step}. */
enum svc_err svc_job_resume(struct bench *b, long long job, const char *by, const char *why,
			    json_t **view) __attribute__((warn_unused_result));
/* A second person checks a data wipe: {job, by, result, note}. */
enum svc_err svc_job_check_wipe(struct bench *b, long long job, const char *by,
				const char *result, const char *note, json_t **view)
	__attribute__((warn_unused_result));

/* The devices of the workshop for the instructors' console, in STATE (NULL: all), the
 * latest seen first: {devices: [{<device row>, marketing_name, since: {by, t_ms, why}
 * (the move into the present state) | null, certificates: [{id, issued_ms, revoked:
 * {t_ms, why} | null}]}]}. For an instructor or an admin. */
enum svc_err svc_device_board(struct bench *b, const char *state, json_t **view)
	__attribute__((warn_unused_result));

/* ---- resale (svc_resale.c, docs/resale.md) ----
 * A refusal about what was asked comes with a view {field, reason} a screen says beside
 * the field: "price" (not-a-price, too-many-decimals, too-high, zero), "channel"
 * (unknown), "buyer_ref" (not-a-reference), "why" (empty), "name" (taken, not-a-name),
 * "donor" (empty), "place" (empty), "method" (empty). */

#define SVC_PRICE_MAX_CENTS 10000000LL /* 100,000 euros: more is a typing mistake */

/* PRICE in euros as people write it ("89", "89.50", "89,50", "89.5") into *CENTS: 1, or
 * 0 with REASON (a word of the list above) when it is none. */
int svc_price_parse(const char *price, long long *cents, const char **reason);

struct svc_sale_req {
	const char *device;    /* UDID, serial or IMEI */
	const char *price;     /* euros, as typed */
	const char *channel;   /* shop, online, partner, donation */
	const char *buyer_ref; /* NULL, or an invoice or order number: never a name */
	const char *by;	       /* NULL, or the person signed in */
};
/* Sell a certified device whose certificate stands: it moves to sold and the sale is kept,
 * in one transaction. A price of 0 only for a donation. View: {device, stock_number,
 * price_cents, price ("89.50"), currency, channel, buyer_ref | null, certificate, by,
 * t_ms}. SVC_ESTATE when it is not certified or its certificate was withdrawn. */
enum svc_err svc_device_sell(struct bench *b, const struct svc_sale_req *req, json_t **view)
	__attribute__((warn_unused_result));

/* Take back a sold (or certified) device, saying WHY: its certificate is withdrawn and it
 * goes back to in_repair (from sold: an admin; from certified: an instructor too, as the
 * lifecycle's table says). View: {device, from, to, by, why, revoked: [certificate ids]}. */
enum svc_err svc_device_return(struct bench *b, const char *device, const char *why,
			       const char *by, json_t **view) __attribute__((warn_unused_result));

/* Say DEVICE now sits at PLACE (the latest wins): {device, shelf, by, t_ms}. Anyone of
 * the workshop. */
enum svc_err svc_device_shelve(struct bench *b, const char *device, const char *place,
			       const char *by, json_t **view) __attribute__((warn_unused_result));
/* Record that DEVICE's storage was destroyed by METHOD (an instructor or an admin):
 * {device, method, by, t_ms}. */
enum svc_err svc_device_destroy(struct bench *b, const char *device, const char *method,
				const char *by, json_t **view) __attribute__((warn_unused_result));

/* A new intake batch NAME from DONOR (an instructor or an admin): {name, donor, by,
 * t_ms}. Names as users': letters, digits, '.', '-', '_', 1 to 64. */
enum svc_err svc_batch_add(struct bench *b, const char *name, const char *donor,
			   const char *by, json_t **view) __attribute__((warn_unused_result));
/* Put DEVICES (N keys) in batch NAME, all or none: {batch, devices: [{device,
 * stock_number}]}. A device belongs to one batch: SVC_ESTATE names the one it is in. */
enum svc_err svc_batch_attach(struct bench *b, const char *name, const char *const *devices,
			      size_t n, const char *by, json_t **view)
	__attribute__((warn_unused_result));
/* {batches: [{name, donor, by, t_ms, devices}]}, the newest first. */
enum svc_err svc_batch_list(struct bench *b, json_t **view) __attribute__((warn_unused_result));

/* The donor's erasure report of batch NAME, in LANG (NULL: the workshop's): {format:
 * "atelier-erasure-report/1", lang, workshop, place, batch: {name, donor, t_ms}, made_ms,
 * devices: [{stock_number, device, make, model, serial, imei, state, outcome (certified,
 * sold, donated, recycled, parts, quarantine, in-work), record: {kind: "wipe", standard,
 * method (purge|clear), technique, date_ms, job, second_check: {result (pass, fail,
 * not-sampled, not-yet), t_ms}} | {kind: "destruction", method, t_ms} | null}], counts:
 * {devices, wiped, destroyed, missing}}. An instructor or an admin. */
enum svc_err svc_erasure_report(struct bench *b, const char *name, const char *lang,
				json_t **view) __attribute__((warn_unused_result));
/* The same as a file in FORMAT: csv (RFC 4180, one row per device), pdf (A4) or html,
 * drawn by atelier-pdf. */
enum svc_err svc_erasure_file(struct bench *b, const char *name, const char *format,
			      const char *lang, struct svc_file *out)
	__attribute__((warn_unused_result));

/* ---- certificates (svc_cert.c) ---- */

/* Read the device again when it is plugged in, evaluate the policy and, when every
 * condition is met, sign and keep the certificate and move the device to certified.
 * View: {certified: true, id, certificate} or, with SVC_EUNMET, {certified: false,
 * unmet: [text], said: [{say, args}]}: each condition in English, and for a screen to
 * say in the person's words (certify.h), checklists and steps named in LANG (NULL: the
 * language the person chose); "reread" says whether the device could be read again and
 * why not. */
enum svc_err svc_certify(struct bench *b, const char *device, const char *by, const char *lang,
			 json_t **view) __attribute__((warn_unused_result));
/* Whether DEVICE could be certified now, from what is recorded (the device is not read
 * again, nothing is signed): {device, state, ready: bool, unmet: [text], said: [{say,
 * args}]} (as svc_certify). For whoever may certify. */
enum svc_err svc_cert_check(struct bench *b, const char *device, const char *lang,
			    json_t **view) __attribute__((warn_unused_result));
/* [{id, device, serial, issued_at, key_id}], newest first; DEVICE may be NULL. */
enum svc_err svc_cert_list(struct bench *b, const char *device, json_t **view)
	__attribute__((warn_unused_result));
/* The certificate's record: {id, key_id, body (text), certificate (parsed)}. */
enum svc_err svc_cert_get(struct bench *b, const char *id, json_t **view)
	__attribute__((warn_unused_result));

struct svc_export {
	const char *id;
	const char *pdf;  /* may be NULL */
	const char *json; /* may be NULL */
	const char *lang; /* NULL: the certificate's language */
};
/* {id, pdf, json, lang}. */
enum svc_err svc_cert_export(struct bench *b, const struct svc_export *req, json_t **view)
	__attribute__((warn_unused_result));

/* Check a certificate's text (JSON, or its QR text looked up in this workshop's records
 * when there are some) against KEY (text or file; NULL: the workshop's public key).
 * SVC_ENOTVALID with the reason when it does not verify, or when it was withdrawn (in
 * this workshop's records, or in the signed revocation list REVOKED when not NULL).
 * Without KEY, the key the certificate names is used when it is the workshop's or one it
 * retired. View: {valid, id, device, serial, issued_at, workshop, key_id, moved: {state,
 * why} | null, warnings: [text] (a certificate absent from this bench's records)}. B may
 * have no store. */
enum svc_err svc_verify(struct bench *b, const char *file, const char *key, const char *revoked,
			json_t **view)
	__attribute__((warn_unused_result));
/* What anyone may see of certificate ID, for the workshop's public verification page (no
 * sign-in): {state, id, lang, revoked: {revoked_at, why} | null, certificate: its
 * content without the people who did the work (trainees, who wiped, who measured) |
 * null}. STATE is "valid", "revoked" (still signed, withdrawn since), "unknown" (not in
 * the records, or ID is not a certificate id) or "tampered" (the copy kept does not match
 * its signature, or SIG, the base64url signature of the QR code's link, is not the one it
 * was issued with). ACCEPT (an Accept-Language header) or LANG (en, fr, nl; wins) choose
 * LANG. Only the store failing is an error. */
enum svc_err svc_cert_public(struct bench *b, const char *id, const char *sig, const char *lang,
			     const char *accept, json_t **view);

/* An instructor withdraws certificate ID, saying WHY: {id, by, why, device_moved_to}. A
 * device still "certified" goes back to "in_repair" with it. SVC_ESTATE when it is
 * revoked already. */
enum svc_err svc_cert_revoke(struct bench *b, const char *id, const char *by, const char *why,
			     json_t **view) __attribute__((warn_unused_result));
/* The signed list of every certificate withdrawn: {type: "atelier-revocations", version,
 * workshop: {name}, issued_at, revoked: [{id, revoked_at, reason}], signature}; also
 * written to FILE (canonical JSON) when FILE is not NULL. */
enum svc_err svc_revocation_list(struct bench *b, const char *file, json_t **view)
	__attribute__((warn_unused_result));
/* An admin retires the workshop key (its public key kept, so that what it signed still
 * verifies) and makes a new one: {retired, key_id, by}. */
enum svc_err svc_key_rotate(struct bench *b, const char *by, json_t **view)
	__attribute__((warn_unused_result));
/* A bench joining the workshop whose records are on the server (atelier init there, no
 * workshop key in its data directory): the workshop's published public key written to
 * keys/workshop.pub, this bench's own key made (keys/bench.key) and kept in the records,
 * waiting for its enrolment. VIEW: {dir, database, workshop_key, bench_key: {bench,
 * key_id, created, enrolled}}. */
enum svc_err svc_bench_join(struct bench *b, json_t **view) __attribute__((warn_unused_result));
/* Enrol the key bench BENCH gave (the newest waiting), signed with the workshop key, by
 * BY (an admin, svc_actor()). VIEW: {bench, key_id, signer, by}. */
enum svc_err svc_bench_enrol(struct bench *b, const char *by, const char *bench, json_t **view)
	__attribute__((warn_unused_result));
/* Every bench's key: {benches: [{bench, key_id, enrolled, enrolled_at?, why?}]}. */
enum svc_err svc_bench_keys(struct bench *b, json_t **view) __attribute__((warn_unused_result));
/* {public_key}. */
enum svc_err svc_key_public(struct bench *b, json_t **view) __attribute__((warn_unused_result));

/* ---- probes (svc_probe.c) ---- */

#define SVC_PROBE_TIMEOUT_S 30     /* a probe's default time per device */
#define SVC_PROBE_TIMEOUT_MAX_S 3600

struct svc_probe_req {
	const char *const *devices; /* what to read (UDID, serial, usb id); none: every one */
	size_t n_devices;
	int timeout_s;              /* 1 to SVC_PROBE_TIMEOUT_MAX_S */
	/* Called as each phone's trust changes (may be NULL): the front end shows the hint. */
	void (*on_hint)(void *ctx, const char *device, const char *hint);
	/* The same, with the trust word ("locked", "pending"...) a screen translates
	 * itself (may be NULL). */
	void (*on_trust)(void *ctx, const char *device, const char *trust, const char *hint);
	void *ctx;
};
/* Read every attached phone or tablet (or those named), keep each reading with its
 * device, and give [{facts, result, hint, saved}] in *VIEW. SVC_EDEVICE when one that
 * could be read was not (trust, unplugged, stuck): the view is complete all the same;
 * SVC_ENODEVICE when a device named is not attached. */
enum svc_err svc_probe(struct bench *b, const struct svc_probe_req *req, json_t **view)
	__attribute__((warn_unused_result));
/* The trainee's instruction for a trust word ("unlock the phone..."), or NULL. */
const char *svc_trust_hint(const char *trust, const char *platform);
/* Let B see USB through W, a watcher already started (usb/watch.h), borrowed for as long
 * as B is open, instead of a libusb context of its own for each reading. A server that
 * watches the bench does: its phone then shows in the very list that said it arrived,
 * and no context starts while a phone leaves (libusb 1.0.26 keeps a device that leaves
 * during a context's first enumeration: its usbi_hotplug_notification() drops the
 * departure before usbi_hotplug_init(), and with it the list's reference). */
struct usbw;
void svc_use_usb(struct bench *b, struct usbw *w);

/* Read device DEVICE_ID again now (within TIMEOUT_MS) and keep the reading; *FACTS the
 * facts read (new reference). SVC_EDEVICE, with the reason, when it cannot be read. An
 * Android phone whose USB debugging is off is seen by USB only, with its serial: its
 * facts then say connection.via "usb". */
enum svc_err svc_read_device(struct bench *b, long long device_id, int timeout_ms,
			     json_t **facts) __attribute__((warn_unused_result));

/* ---- photos of steps (svc_photo.c) ---- */

#define SVC_PHOTO_MAX (4 * 1024 * 1024) /* bytes of one photo */

/* Attach photo BYTES (LEN bytes: a JPEG or a PNG, told by its first bytes, not by what
 * the sender says) to step STEP of checklist CHECKLIST, as the person signed in (an
 * instructor or an admin). The file is kept once as DATA/photos/SHA256.jpg|png. View:
 * {checklist, step, sha256, type, already: bool}. */
enum svc_err svc_photo_add(struct bench *b, const char *checklist, const char *step,
			   const void *bytes, size_t len, json_t **view)
	__attribute__((warn_unused_result));
/* The photos of CHECKLIST's steps: [{step, sha256, type, by, t_ms}], oldest first. */
enum svc_err svc_photo_list(struct bench *b, const char *checklist, json_t **view)
	__attribute__((warn_unused_result));
/* Photo SHA256 (64 hex digits): its bytes (a new buffer, free()), *LEN and *TYPE
 * ("image/jpeg", static). SVC_ENOENT when no step has it. */
enum svc_err svc_photo_get(struct bench *b, const char *sha256, char **bytes, size_t *len,
			   const char **type) __attribute__((warn_unused_result));

/* ---- model names (svc_probe.c) ---- */

/* atelier models import FILE: Google's supported_devices.csv into the workshop's own
 * table (DATA/android-models.tsv), which names Android models before the shipped one.
 * {rows, file}. */
enum svc_err svc_models_import(struct bench *b, const char *csv, json_t **view)
	__attribute__((warn_unused_result));

/* ---- the inventory (svc_inventory.c) ---- */

enum svc_inventory_format { SVC_INV_CSV, SVC_INV_JSONL, SVC_INV_JSON, SVC_INV_HTML, SVC_INV_PDF };

#define SVC_TEMPLATE_COLS_MAX 64  /* columns of a listing template */
#define SVC_INVENTORY_PDF_ROWS 2000 /* rows a PDF draws; the others are counted on it */

/* Which devices, in which order and form. All borrowed. */
struct svc_inventory_req {
	const char *state;	   /* a device state; NULL: any */
	const char *platform;	   /* ios or android; NULL: any */
	const char *grade;	   /* the cosmetic grade (A, B...); NULL: any */
	long long since_ms;	   /* first seen from then on; 0: any */
	const char *sort;	   /* a column (svc_inventory_column()); '-' first: descending */
	enum svc_inventory_format format;
	const char *template_name; /* a listing template (docs/resale.md); NULL: every column */
	long long limit;	   /* the first LIMIT rows only (a screen's page); 0: all */
};

/* "csv", "jsonl", "json", "html" or "pdf" into *OUT; 0 when WORD is none of them. */
int svc_inventory_format_parse(const char *word, enum svc_inventory_format *out);
/* The media type of format F (static). */
const char *svc_inventory_type(enum svc_inventory_format f);
/* The key of column I of the inventory (the CSV's header), NULL past the last. */
const char *svc_inventory_column(size_t i);
/* Whether the one signed in may read the inventory (an instructor or an admin) and REQ
 * makes sense: SVC_EAUTH, SVC_EDENIED or SVC_EINVAL with the reason. */
enum svc_err svc_inventory_check(struct bench *b, const struct svc_inventory_req *req)
	__attribute__((warn_unused_result));
/* Write the inventory REQ asks for to OUT as the records are read, one row at a time
 * (memory stays flat); *ROWS (may be NULL) the devices listed. A PDF is drawn by
 * atelier-pdf straight into OUT's descriptor (OUT flushed first), at most
 * SVC_INVENTORY_PDF_ROWS rows. SVC_EIO when OUT could not be written. */
enum svc_err svc_inventory_write(struct bench *b, const struct svc_inventory_req *req, FILE *out,
				 long long *rows) __attribute__((warn_unused_result));
/* The devices svc_device_list() lists, one at a time to FN as the records are read: each
 * {id, state, platform, first_seen_ms, last_seen_ms, probes, udid, serial, imei,
 * stock_number, marketing_name, storage_gb, grade, battery_health_pct}, the latest seen
 * first; nothing gathered. */
enum svc_err svc_device_each(struct bench *b, const char *state, svc_row_fn fn, void *arg)
	__attribute__((warn_unused_result));
/* The SQL svc_inventory_write() runs for REQ, with its parameters written in, for sqlite3
 * (a new string: free()). */
enum svc_err svc_inventory_sql(struct bench *b, const struct svc_inventory_req *req, char **sql)
	__attribute__((warn_unused_result));

#endif
