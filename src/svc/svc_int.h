/*
 * svc_int — what the files of src/svc/ share; not for front ends.
 */
#ifndef ATELIER_SVC_SVC_INT_H
#define ATELIER_SVC_SVC_INT_H

#include <limits.h>
#include <sys/types.h>

#include "cert/policy.h"
#include "checklist/checklist.h"
#include "svc/svc.h"
#include "util/file.h"

#define SVC_WHY_MAX 1024

struct svc_remote;

struct bench {
	char dir[PATH_MAX];             /* the data directory, or the server's address */
	struct svc_remote *remote;      /* the records are behind this server (svc_remote.c) */
	struct store *st;
	struct policy policy;
	int policy_loaded; /* 1 loaded, -1 failed (the reason in policy_why) */
	char policy_why[SVC_WHY_MAX - 64];
	struct checklist_set checklists;
	struct checklist_report report;
	int checklists_loaded;
	enum svc_err open_err; /* SVC_OPEN_TRY: why there is no store (reason in why) */
	/* The workshop key, read when a head of the records is first signed (svc_seal.c). */
	int key_loaded; /* 1 loaded, -1 failed (the reason in key_why) */
	int key_created; /* svc_open() made the key, with a new database */
	int key_err;     /* the enum sign_err of loading it (SIGN_ENOKEY: there is none) */
	unsigned char sk[64];
	char key_id[STORE_KEY_ID_HEX];
	char key_why[512];
	/* The public keys last found by id, for checking heads: the workshop's and the
	 * benches' keys alternate from chain to chain, and each lookup reads a file or the
	 * records (and checks a bench's enrolment). Replaced in turn. */
	struct svc_checked_key {
		unsigned char pk[32];
		char id[STORE_KEY_ID_HEX];
	} checked[8];
	unsigned next_checked;
	struct store_user me;  /* the person signed in, when signed_in */
	int signed_in;
	/* ME was read from the store on this connection in this request (svc_reset() forgets
	 * it), when its change count was ME_CHANGES: svc_actor() reads it again only after a
	 * change made here since (the account's own, say). */
	int me_fresh;
	long long me_changes;
	long long session_id;
	char auth_why[SVC_WHY_MAX]; /* why a session could not be resumed ("" when none was) */
	enum svc_err auth_err; /* its error: SVC_EAUTH, or the store's (a locked database) */
	int reading; /* svc_reading(): a request that only reads; its refusals are not audited */
	int defer_touch; /* svc_defer_touch(): a resume does not write the session's last use */
	int touch_due;	 /* ... which is then due (svc_session_touch()) */
	struct svc_kept_work *kept; /* svc_keep_work(): the work a server's writer keeps */
	struct usbw *usb;	    /* svc_use_usb(): a watcher's, borrowed; NULL: one each time */
	char why[SVC_WHY_MAX];
	/* The checklists jobs were started with, loaded once (svc_pinned()). */
	struct svc_pinned {
		char hash[72];
		struct checklist *c;
	} *pinned;
	size_t n_pinned;
};

/* VALUE (what a trainee typed or chose at a step that records fact PATH) as the fact's
 * JSON type; NULL when it does not fit (svc_device.c). A new reference. */
json_t *svc_entered_value(const char *path, const char *value);

/* Forget and free the work B keeps (svc_job.c). */
void svc_kept_work_free(struct bench *b);
/* A batch committed; BEFORE were the rows changed before its commit, which signed the
 * heads it moved: rows of no job's work. What B keeps stays true if it was. */
void svc_kept_work_sealed(struct bench *b, long long before);

/* The checklist JOB was started with (its snapshot in the records), loaded once per
 * context: borrowed from B until svc_close(). SVC_EREFUSED, with the reason, when the
 * snapshot is missing or no longer loads. */
enum svc_err svc_pinned(struct bench *b, const struct store_job *job, const struct checklist **out);

/* ---- training (svc_training.c) ---- */

/* The person whose training NAME is, for the one signed in, into *WHO: NAME (NULL: the one
 * signed in herself). A trainee reads her own training only (SVC_EDENIED); SVC_ENOENT for
 * an unknown name. */
enum svc_err svc_training_of(struct bench *b, const char *name, struct store_user *who)
	__attribute__((warn_unused_result));
/* WHO's record from her jobs started from FROM_MS to before TO_MS (0: no end) and their
 * grades: {checklists: [{id, jobs, cancelled, approved, first_time_approved,
 * first_time_rate, redos, average_minutes, trend: [{job, t_ms, minutes}]}], redos: [{job,
 * checklist, t_ms, steps, feedback, by}], scores: [{job, checklist, t_ms, verdict, scores}],
 * feedback: [{job, checklist, t_ms, verdict, by, feedback, acknowledged}], first_ms (when
 * her first job of the period started; null when none)}, each list in the order of the
 * jobs. WITH_MAX: each score also has score_max, the maxima of the rubric
 * the job was started with (null when it no longer loads). A new object; NULL on a store
 * failure (the reason in B). */
json_t *svc_training_record(struct bench *b, const struct store_user *who, long long from_ms,
			    long long to_ms, int with_max);

/* The trend of the time a checklist takes, from MINUTES (N jobs, oldest first): "faster"
 * or "slower" when the average of the later half of the jobs is more than 15 % and half a
 * minute below or above that of the earlier half (both into *EARLIER and *LATER), else
 * "steady"; NULL when fewer than 4 jobs (or none timed) tell (svc_report.c). */
const char *svc_trend(const double *minutes, size_t n, double *earlier, double *later);

/* ---- atelier-pdf, the program that draws documents (cairo stays out of atelier) ---- */

#define SVC_PDF_ARGS_MAX 6 /* arguments of one run of atelier-pdf */

/* Run atelier-pdf (beside atelier, else where it is installed) with ARGS (NULL-ended, at
 * most SVC_PDF_ARGS_MAX), BODY on its standard input and OUT as its descriptor 3 (which
 * ARGS name /dev/fd/3); what it says on failure goes into WHY (its first line). 0 when it
 * exited 0 (svc_cert.c). */
/* The marketing name of device ID from its latest reading, as a JSON string; JSON null
 * when it was never read or its reading has none. */
json_t *svc_device_name(struct bench *b, long long id);
int svc_pdf_run(const char *const args[], const char *body, int out, char *why, size_t size);
/* atelier-pdf run with ARGS (whose output file is "/dev/fd/3") on BODY, drawn into a
 * temporary file that then takes FILE's place: whole or not at all, and nothing left
 * behind (util/file.h). 0, or -1 with WHY (svc_cert.c). */
int svc_pdf_file(const char *const args[], const char *body, const char *file, char *why,
		 size_t size);
/* Why writing FILE failed with E (file_tmp_*, file_write; errno as they left it) into WHY,
 * in plain words. */
void svc_write_failed(const char *file, enum file_err e, char *why, size_t size);
/* atelier-pdf started as svc_pdf_run() does, its standard input left open for the caller
 * to write as it goes (IN, which svc_pdf_finish() closes unless the caller did and set it
 * to -1). 0, or -1 with WHY. */
struct svc_pdf_pipe {
	int in, err;
	pid_t pid;
};
int svc_pdf_start(const char *const args[], int out, struct svc_pdf_pipe *pp, char *why,
		  size_t size);
/* Wait for it: 0 when it exited 0, else -1 with what it said in WHY. */
int svc_pdf_finish(struct svc_pdf_pipe *pp, char *why, size_t size);
/* atelier-pdf run with ARGS (whose output file is "/dev/fd/3") on BODY, drawn into a file
 * in memory and read back into OUT's bytes (free()): nothing is left on the disk. 0, or
 * -1 with WHY. */
int svc_pdf_draw(const char *const args[], const char *body, struct svc_file *out, char *why,
		 size_t size);

/* ---- the records behind the workshop's server (svc_remote.c) ---- */

/* Make B reach the records through the server at URL (ATELIER_SERVER). */
enum svc_err svc_remote_open(struct bench *b, const char *url);
void svc_remote_close(struct bench *b);
/* METHOD PATH with BODY (taken; NULL: none): the view of a 200, else the server's error
 * and reason (and its detail as the view). */
enum svc_err svc_remote_call(struct bench *b, const char *method, const char *path,
			     json_t *body, json_t **view);
enum svc_err svc_remote_get(struct bench *b, const char *path, const char *const *names,
			    const char *const *values, size_t n, json_t **view);
enum svc_err svc_remote_get_one(struct bench *b, const char *prefix, const char *segment,
				json_t **view);
enum svc_err svc_remote_login(struct bench *b, const char *name, const char *secret,
			      char *token, json_t **view);
enum svc_err svc_remote_resume(struct bench *b, const char *token);
enum svc_err svc_remote_job_start(struct bench *b, const struct svc_job_start *req,
				  json_t **view);
enum svc_err svc_remote_job_step(struct bench *b, const struct svc_step *req, json_t **view);
/* METHOD /api/jobs/JOB[/WHAT], a POST with {by}. */
enum svc_err svc_remote_job(struct bench *b, const char *method, long long job, const char *what,
			    const char *by, json_t **view);
enum svc_err svc_remote_job_grade(struct bench *b, const struct svc_grade *req, json_t **view);

/* Let B's store sign the heads of the records with the workshop key and check them
 * (svc_seal.c); heads left unsigned by a migration are signed now when the key is there. */
void svc_seal_attach(struct bench *b, int migrated);
/* Forget the key (zeroed). */
/* A server's writer: the heads its batches move are signed by a thread while the batch
 * goes on (store_seal_later()); 1 when so, 0 when they are signed as they move. */
int svc_seal_later(struct bench *b);
void svc_seal_release(struct bench *b);

/* The revocation of certificate ID in B's records into *OUT ({revoked_at, by, why}), or
 * NULL when it is not revoked or there are no records (svc_revoke.c). */
enum svc_err svc_revocation_get(struct bench *b, const char *id, json_t **out);
/* Look certificate ID up in the revocation list FILE, whose signature must be PK's:
 * *FOUND as svc_revocation_get() gives it, or NULL. SVC_EINVAL when the list cannot be
 * read or trusted. */
enum svc_err svc_revoked_in_list(struct bench *b, const char *file, const unsigned char pk[32],
				 const char *id, json_t **found);

/* The cause of the store's last failure ERR on PATH for a person, into BUF: "the
 * database is locked by another atelier...", "the file system holding DIR is read-only",
 * "the disk is full", "permission denied on PATH"; NULL when it is none of those. */
const char *svc_store_cause(enum store_err err, const char *path, char *buf, size_t size);

/* Set B's reason (printf-style) and return ERR. */
enum svc_err svc_fail(struct bench *b, enum svc_err err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* A store failure ERR while doing WHAT ("record the step"): the reason names it and the
 * store's detail; returns the svc error it maps to. */
enum svc_err svc_store_fail(struct bench *b, enum store_err err, const char *what);
/* The accounts whose name differs from NAME only by capitals, accents, spaces, '.', '-'
 * or '_' (text_fold_name()), NAME itself left out: how many into *N, the name of the last
 * into OTHER (64 bytes, "" when none). A sign-in names one of them that way; a new
 * account may not be one of them (svc_user.c). */
enum svc_err svc_names_like(struct bench *b, const char *name, char other[64], size_t *n);

/* The policy into *P, loaded once (defaults, shipped file, the workshop's). A file with a
 * mistake is SVC_EINVAL, its file, line and column in the reason, at every call. */
enum svc_err svc_policy(struct bench *b, const struct policy **p)
	__attribute__((warn_unused_result));
/* The checklists, loaded once; files with errors are left out (their problems are in
 * B->report). */
const struct checklist_set *svc_checklists(struct bench *b);

/* Look-ups that fail with the words a person reads. */
enum svc_err svc_find_device(struct bench *b, const char *key, struct store_device_row *out);
/* Add account NAME with ROLE and SECRET (checked against the role's rule), without
 * asking who may: the callers do (svc_user_add(), init's first admin). CODE (may be
 * NULL) is what public documents call her; a trainee without one gets "T-" and her id.
 * *ID may be NULL. */
enum svc_err svc_user_create(struct bench *b, const char *name, enum role role,
			     const char *secret, const char *code, long long *id)
	__attribute__((warn_unused_result));

/* svc_actor() where the person was named by option OPT ("--trainee"). */
enum svc_err svc_actor_as(struct bench *b, const char *opt, const char *claimed,
			  struct store_user *out) __attribute__((warn_unused_result));

enum svc_err svc_get_job(struct bench *b, long long id, struct store_job *out);
/* User ID as the person signed in on B may see her: her name, or her code when B's
 * person is a trainee and ID another trainee, or when ID was erased (svc.c says who sees
 * what); "?" when unknown, "atelier" for 0. */
const char *svc_user_name(struct bench *b, long long id, char *out, size_t size);
/* How svc_user_name() names U, already read, into OUT; returns OUT. */
const char *svc_user_label(struct bench *b, const struct store_user *u, char *out, size_t size);
/* U's code into OUT, or "trainee #7" (or "erased #7") when she has none. */
const char *svc_person_code(const struct store_user *u, char *out, size_t size);


/* svc_device_facts() of a device that was read at least once; SVC_ESTATE naming it as
 * NAME (what the person typed) when it never was. */
enum svc_err svc_read_facts(struct bench *b, long long device_id, const char *name,
			    json_t **facts) __attribute__((warn_unused_result));
/* Fill FACTS' null facts with what trainees recorded (ENTERED, as svc_device_facts() gives
 * it under "entered"), except what step EXCEPT_STEP of job EXCEPT_JOB recorded (0/NULL:
 * none left out): a step's own answer does not decide whether it applies. */
void svc_merge_entered(json_t *facts, const json_t *entered, long long except_job,
		       const char *except_step);

/* Whether WHO may start checklist C now: an approved job of each checklist it requires
 * and a sign-off for each competence (trainees only; an instructor may show any). 1 when
 * she may; else 0, with what she lacks appended to MISSING in words and to NEEDS as
 * {approved: CHECKLIST} or {signed_off: COMPETENCE}, for a screen to say in her language
 * (either may be NULL). */
int svc_trainee_ready(struct bench *b, const struct checklist *c, const struct store_user *who,
		      json_t *missing, json_t *needs);

/* JOB as a row of a list: {id, device, checklist, checklist_version, state, trainee,
 * verdict (of its latest grade, or null)}. */
json_t *svc_job_row_json(struct bench *b, const struct store_job *job);

/* Checklist ID of B's set, or NULL when it is not there any more. */
const struct checklist *svc_checklist_current(struct bench *b, const char *id);
/* The title of checklist ID in LANG, or its id when it is not in the set any more. */
const char *svc_checklist_title(struct bench *b, const char *id, const char *lang);

/* The name of competence ID for a document in LANG, into OUT: the policy's in LANG, else
 * in English, French or Dutch, else the id. Returns OUT. */
const char *svc_competence_in(struct bench *b, const char *id, const char *lang, char *out,
			      size_t size);

/* JSON helpers. */
json_t *svc_str_or_null(const char *s);
/* A document's language into OUT: LANG when given, else the one WHO (may be NULL) chose on
 * the screen (fr-be is fr), else the workshop's, else English (svc_report.c). */
enum svc_err svc_doc_lang(struct bench *b, const char *lang, const struct store_user *who,
			  char *out, size_t size) __attribute__((warn_unused_result));
/* The workshop's name and place from the policy, into DOC (null when it has none). */
void svc_doc_workshop(struct bench *b, json_t *doc);
/* 1 when the array ARR holds the string S. */
int svc_array_has(const json_t *arr, const char *s);

/* Keep the facts of a probe made at T_MS with their device (found, or created when
 * CREATE; never created for a USB sighting). *DEVICE_ID (may be NULL) gets its id, 0
 * when nothing in the facts identifies a device. */
enum svc_err svc_record_facts(struct bench *b, json_t *facts, long long t_ms,
			      long long *device_id);

/* ---- the benches' own keys (svc_benchkey.c) ---- */
/* 1 when B joins a workshop as a bench: its records are on a server that has a
 * published workshop key, and its data directory holds no workshop key. */
int svc_bench_joins(struct bench *b);
/* 1 when B is a bench that joined a workshop: a key of its own, no workshop key. */
int svc_bench_joined(const struct bench *b);
/* Publish B's workshop key in its records on a server (none on SQLite); refused when
 * they name another workshop's key. */
enum svc_err svc_workshop_key_publish(struct bench *b);
/* 1 when K is enrolled by a key of this workshop (its own or one it retired) and is
 * what it says: PK gets its public key. 0 with the reason in WHY. */
int svc_bench_key_trusted(struct bench *b, const struct store_bench_key *k,
			  unsigned char pk[32], char *why, size_t size);
/* Load this bench's own key into B's signing key (svc_seal.c): 1 when loaded and
 * enrolled, 0 when the bench has none, -1 when it cannot sign (key_err, key_why). */
int svc_bench_key_load(struct bench *b);

#endif
