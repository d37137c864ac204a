/*
 * The service layer's context, its errors, who may do what, and set-up (init, db).
 * See svc.h.
 */
#include "svc/svc_int.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "cert/lifecycle.h"
#include "cert/sign.h"
#include "job/job.h"
#include "util/conf.h"
#include "util/datadir.h"
#include "util/file.h"
#include "util/log.h"
#include "util/number.h"

const char *svc_strerror(enum svc_err err)
{
	switch (err) {
	case SVC_OK:
		return "ok";
	case SVC_EINVAL:
		return "not a valid request";
	case SVC_ENOENT:
		return "not found";
	case SVC_ENODEVICE:
		return "no such device";
	case SVC_EDENIED:
		return "not allowed";
	case SVC_ESTATE:
		return "not in a state for it";
	case SVC_EUNMET:
		return "conditions not met";
	case SVC_EDEVICE:
		return "the device could not be read";
	case SVC_EUNDECIDED:
		return "not decided";
	case SVC_ENODATA:
		return "no data yet";
	case SVC_EREFUSED:
		return "the records are refused";
	case SVC_ENOTVALID:
		return "not valid";
	case SVC_ENOUSB:
		return "USB cannot be read";
	case SVC_EIO:
		return "input/output error";
	case SVC_EREMOVED:
		return "records were removed";
	case SVC_EAUTH:
		return "not signed in";
	}
	return "unknown error";
}

enum svc_err svc_fail(struct bench *b, enum svc_err err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(b->why, sizeof(b->why), fmt, ap);
	va_end(ap);
	return err;
}

const char *svc_store_cause(enum store_err err, const char *path, char *buf, size_t size)
{
	int e = err == STORE_EBUSY ? EBUSY : store_last_errno();

	switch (e) {
	case EBUSY:
		if (store_url_is_server(path))
			snprintf(buf, size, "the records on the workshop server are busy with "
					    "another write: nothing was recorded; try again in a "
					    "moment");
		else
			snprintf(buf, size, "the database is locked by another atelier (a "
					    "command still writing): try again when it has "
					    "finished");
		return buf;
	case EROFS:
	case ENOSPC:
	case EDQUOT:
	case EACCES:
	case EPERM:
		return file_errno_text(e, path, buf, size);
	default:
		return NULL;
	}
}

enum svc_err svc_store_fail(struct bench *b, enum store_err err, const char *what)
{
	enum svc_err rc = err == STORE_ECORRUPT ? SVC_EREFUSED : SVC_EIO;
	char cause[PATH_MAX + 128];

	if (err == STORE_ESEAL)
		return svc_fail(b, b->key_loaded < 0 && b->key_err == SIGN_ENOKEY ? SVC_ENODATA
										: SVC_EIO,
				"cannot %s: the records could not be signed (%s); nothing was "
				"recorded",
				what, b->key_why[0] ? b->key_why : "no key");
	if (svc_store_cause(err, b->st ? store_path(b->st) : b->dir, cause, sizeof(cause)))
		return svc_fail(b, rc, "cannot %s: %s (%s)", what, cause,
				store_last_error_message());
	return svc_fail(b, rc, "cannot %s: %s (%s)", what, store_strerror(err),
			store_last_error_message());
}

const char *svc_why(const struct bench *b)
{
	return b->why;
}

struct store *svc_store(struct bench *b)
{
	return b->st;
}

const char *svc_dir(const struct bench *b)
{
	return b->dir;
}

/* What a store_open() failure means for the person, and its error. */
static enum svc_err open_failed(const char *dir, enum store_err err, int found, char *why,
				size_t size)
{
	char url[1024];

	/* Records on the workshop's server: the store's words name it. */
	if (store_records_on_server(dir, url, sizeof(url))) {
		switch (err) {
		case STORE_ENOENT:
			snprintf(why, size, "no Atelier records in %s yet; run 'atelier init' first",
				 url);
			return SVC_ENODATA;
		case STORE_ETOONEW:
		case STORE_ECORRUPT:
			snprintf(why, size, "%s; it was left untouched", store_last_error_message());
			return SVC_EREFUSED;
		default:
			snprintf(why, size, "%s", store_last_error_message());
			return err == STORE_EINVAL ? SVC_EINVAL : SVC_EIO;
		}
	}
	switch (err) {
	case STORE_ENOENT:
		snprintf(why, size, "no database in %s; run 'atelier init' first", dir);
		return SVC_ENODATA;
	case STORE_ETOONEW:
		snprintf(why, size,
			 "the database %s/%s has schema version %d, newer than this atelier %s "
			 "understands (%d); it was left untouched: use a newer atelier",
			 dir, STORE_DB_NAME, found, ATELIER_VERSION, STORE_SCHEMA_VERSION);
		return SVC_EREFUSED;
	case STORE_ECORRUPT:
		snprintf(why, size,
			 "%s/%s is not a usable Atelier database: %s; it was left untouched "
			 "(move it away or restore a backup)",
			 dir, STORE_DB_NAME, store_last_error_message());
		return SVC_EREFUSED;
	default: {
		char path[PATH_MAX + 32], cause[PATH_MAX + 128];

		snprintf(path, sizeof(path), "%s/%s", dir, STORE_DB_NAME);
		snprintf(why, size, "cannot open the database in %s: %s (%s)", dir,
			 svc_store_cause(err, path, cause, sizeof(cause)) ? cause
									 : store_strerror(err),
			 store_last_error_message());
		return SVC_EIO;
	}
	}
}

/* The bench B's records are made at: the line bench: of the data directory's
 * atelier.conf, else the host's name (docs/install.md). */
static enum svc_err bench_name(struct bench *b, char *why, size_t size)
{
	char name[256], cwhy[PATH_MAX + 128];
	int set = conf_get(b->dir, "bench", name, sizeof(name), cwhy, sizeof(cwhy));

	if (set < 0) {
		snprintf(why, size, "%s", cwhy);
		return SVC_EINVAL;
	}
	if (!set && gethostname(name, sizeof(name)) != 0)
		name[0] = '\0';
	name[sizeof(name) - 1] = '\0';
	if (!set && strlen(name) > STORE_BENCH_MAX)
		name[STORE_BENCH_MAX] = '\0'; /* a host's name is kept as far as it fits */
	if (store_set_bench(b->st, name[0] ? name : NULL) != STORE_OK) {
		snprintf(why, size,
			 "%s/%s: bench: \"%.80s\" is not a bench's name (1 to %d characters, "
			 "no control characters)",
			 b->dir, CONF_NAME, name, STORE_BENCH_MAX);
		return SVC_EINVAL;
	}
	return SVC_OK;
}

enum svc_err svc_open(const char *data_opt, unsigned flags, struct bench **out, char *why,
		      size_t size)
{
	struct bench *b = calloc(1, sizeof(*b));
	enum datadir_err derr;
	enum store_err err;
	enum svc_err rc = SVC_OK;
	const char *server;
	int found = 0;

	*out = NULL;
	if (!b) {
		snprintf(why, size, "out of memory");
		return SVC_EIO;
	}
	checklist_set_init(&b->checklists);
	checklist_report_init(&b->report);
	server = getenv("ATELIER_SERVER");
	if (!data_opt && server && *server && (flags & (SVC_OPEN_STORE | SVC_OPEN_CREATE))) {
		if (!(flags & SVC_OPEN_REMOTE)) {
			snprintf(why, size,
				 "this command works on the records themselves, on the workshop's "
				 "server machine (as its atelier user); this bench reaches them "
				 "through %s (ATELIER_SERVER), which takes signing in, jobs, devices "
				 "and the audit log",
				 server);
			rc = SVC_EDENIED;
			goto out;
		}
		rc = svc_remote_open(b, server);
		if (rc) {
			snprintf(why, size, "%s", b->why);
			goto out;
		}
		*out = b;
		return SVC_OK;
	}
	derr = datadir_resolve(data_opt, b->dir, sizeof(b->dir));
	if (derr != DATADIR_OK && (flags & SVC_OPEN_TRY)) {
		/* Nowhere to look: no records, and that is allowed (verify with --key). */
		b->dir[0] = '\0';
		b->open_err = SVC_ENODATA;
		snprintf(b->why, sizeof(b->why), "%s", datadir_strerror(derr));
		*out = b;
		return SVC_OK;
	}
	if (derr != DATADIR_OK) {
		snprintf(why, size, "%s", datadir_strerror(derr));
		rc = SVC_ENODATA;
		goto out;
	}
	if (flags & (SVC_OPEN_CREATE | SVC_OPEN_MKDIR)) {
		derr = datadir_create(b->dir);
		if (derr != DATADIR_OK && (flags & SVC_OPEN_TRY)) {
			b->open_err = SVC_ENODATA;
			snprintf(b->why, sizeof(b->why), "%.900s: %s", b->dir, datadir_strerror(derr));
			*out = b;
			return SVC_OK;
		}
		if (derr == DATADIR_EMKDIR && (errno == EROFS || errno == EACCES ||
					       errno == EPERM || errno == ENOSPC)) {
			/* Not "run init": init is what cannot make it. */
			char cause[PATH_MAX + 64];

			snprintf(why, size, "%s: %s: %s", b->dir, datadir_strerror(derr),
				 file_errno_text(errno, b->dir, cause, sizeof(cause)));
			rc = SVC_EIO;
			goto out;
		}
		if (derr != DATADIR_OK) {
			snprintf(why, size, "%s: %s", b->dir, datadir_strerror(derr));
			rc = SVC_ENODATA;
			goto out;
		}
	}
	if (flags & (SVC_OPEN_STORE | SVC_OPEN_CREATE)) {
		err = store_open(b->dir, (flags & SVC_OPEN_CREATE) != 0, &b->st, &found);
		if (err != STORE_OK) {
			b->st = NULL;
			rc = open_failed(b->dir, err, found, why, size);
			if (flags & SVC_OPEN_TRY) {
				b->open_err = rc;
				snprintf(b->why, sizeof(b->why), "%s", why);
				rc = SVC_OK;
			}
		} else {
			int created = 0;
			char kwhy[256];

			/* A new workshop gets its key with its database: every record is signed
			 * from the first one. */
			if ((flags & SVC_OPEN_CREATE) && !svc_bench_joins(b) &&
			    sign_key_create(b->dir, &created, kwhy, sizeof(kwhy)) != SIGN_OK)
				log_msg(LOG_WARN, "cannot create the workshop key: %s", kwhy);
			b->key_created = created;
			svc_seal_attach(b, found > 0 && found < STORE_SCHEMA_VERSION);
			rc = bench_name(b, why, size);
			if (rc)
				goto out;
		}
	}
out:
	if (rc != SVC_OK) {
		svc_close(b);
		return rc;
	}
	*out = b;
	return SVC_OK;
}

enum svc_err svc_records_version(struct bench *b, long long *out)
{
	enum store_err err;

	*out = 0;
	if (!b->st)
		return svc_fail(b, SVC_ENODATA, "no records");
	err = store_data_version(b->st, out);
	return err ? svc_store_fail(b, err, "read the records' version") : SVC_OK;
}

int svc_batch_begin(struct bench *b)
{
	return b->st && store_batch_begin_apart(b->st);
}

enum svc_err svc_batch_end(struct bench *b, char *unsynced, size_t size)
{
	long long before = b->st ? store_changes(b->st) : 0;
	enum store_err err = b->st ? store_batch_end(b->st) : STORE_OK;

	snprintf(unsynced, size, "%s", !err && b->st ? store_batch_unsynced(b->st) : "");
	if (err)
		svc_kept_work_free(b); /* it holds steps that were not kept */
	else
		svc_kept_work_sealed(b, before);
	return err ? svc_store_fail(b, err, "record the changes") : SVC_OK;
}

enum svc_err svc_batch_sync(const char *unsynced, char *why, size_t size)
{
	if (store_wal_sync(unsynced) == STORE_OK)
		return SVC_OK;
	snprintf(why, size,
		 "the disk did not confirm the write (%s): it is in the records now, but may be "
		 "lost if the power is cut; look at the records before you make it again",
		 store_last_error_message());
	return SVC_EIO;
}

enum svc_err svc_pinned(struct bench *b, const struct store_job *job, const struct checklist **out)
{
	struct svc_pinned *grown;
	struct checklist *c = NULL;
	char why[256];

	*out = NULL;
	for (size_t i = 0; i < b->n_pinned; i++) {
		if (strcmp(b->pinned[i].hash, job->checklist_hash) == 0) {
			*out = b->pinned[i].c;
			return SVC_OK;
		}
	}
	if (job_checklist(b->st, job, &c, why, sizeof(why)) != JOB_OK)
		return svc_fail(b, SVC_EREFUSED, "%s", why);
	grown = realloc(b->pinned, (b->n_pinned + 1) * sizeof(*grown));
	if (!grown) {
		checklist_free(c);
		return svc_fail(b, SVC_EIO, "out of memory");
	}
	b->pinned = grown;
	snprintf(grown[b->n_pinned].hash, sizeof(grown[b->n_pinned].hash), "%s",
		 job->checklist_hash);
	grown[b->n_pinned++].c = c;
	*out = c;
	return SVC_OK;
}

int svc_remote(const struct bench *b)
{
	return b && b->remote;
}

static const char *const err_words[] = {
	[SVC_OK] = "ok",
	[SVC_EINVAL] = "invalid",
	[SVC_ENOENT] = "not-found",
	[SVC_ENODEVICE] = "no-device",
	[SVC_EDENIED] = "denied",
	[SVC_ESTATE] = "state",
	[SVC_EUNMET] = "unmet",
	[SVC_EDEVICE] = "device",
	[SVC_EUNDECIDED] = "undecided",
	[SVC_ENODATA] = "no-data",
	[SVC_EREFUSED] = "records-refused",
	[SVC_ENOTVALID] = "not-valid",
	[SVC_ENOUSB] = "no-usb",
	[SVC_EIO] = "io",
	[SVC_EREMOVED] = "records-removed",
	[SVC_EAUTH] = "unauthorized",
};

const char *svc_err_word(enum svc_err err)
{
	if ((unsigned)err >= sizeof(err_words) / sizeof(err_words[0]) || !err_words[err])
		return "error";
	return err_words[err];
}

enum svc_err svc_err_of_word(const char *word)
{
	for (size_t i = 1; word && i < sizeof(err_words) / sizeof(err_words[0]); i++)
		if (err_words[i] && strcmp(err_words[i], word) == 0)
			return (enum svc_err)i;
	return SVC_OK;
}

void svc_reset(struct bench *b)
{
	if (!b)
		return;
	memset(&b->me, 0, sizeof(b->me));
	b->signed_in = 0;
	b->me_fresh = 0;
	b->session_id = 0;
	b->auth_why[0] = '\0';
	b->auth_err = SVC_OK;
	b->reading = 0;
	b->defer_touch = 0;
	b->touch_due = 0;
	b->why[0] = '\0';
	store_release_reads(b->st); /* a pooled context must see the next commits */
}

void svc_reading(struct bench *b)
{
	b->reading = 1;
}

void svc_close(struct bench *b)
{
	if (!b)
		return;
	svc_remote_close(b);
	svc_kept_work_free(b);
	for (size_t i = 0; i < b->n_pinned; i++)
		checklist_free(b->pinned[i].c);
	free(b->pinned);
	store_free(b->st);
	svc_seal_release(b);
	checklist_set_release(&b->checklists);
	checklist_report_release(&b->report);
	free(b);
}

enum svc_err svc_policy(struct bench *b, const struct policy **p)
{
	if (b->policy_loaded == 0)
		b->policy_loaded = policy_load(&b->policy, b->dir, b->policy_why,
					       sizeof(b->policy_why)) == POLICY_OK
					   ? 1
					   : -1;
	*p = b->policy_loaded > 0 ? &b->policy : NULL;
	if (!*p)
		return svc_fail(b, SVC_EINVAL, "the certification policy cannot be used: %s",
				b->policy_why);
	return SVC_OK;
}

const struct checklist_set *svc_checklists(struct bench *b)
{
	if (!b->checklists_loaded) {
		/* A file with errors is left out and stays in the report; the rest load. A
		 * folder that cannot be read is in the report too. */
		if (checklist_set_load_default(&b->checklists, b->dir, &b->report) != CHECKLIST_OK)
			checklist_report_add(&b->report, CHECKLIST_SEV_ERROR, NULL, 0, 0,
					     "the checklists could not all be loaded");
		b->checklists_loaded = 1;
	}
	return &b->checklists;
}

/* ---- look-ups ---- */

/* The device id in stock number KEY ("AT-000042", as labels and the inventory print it,
 * svc_stock_number(); "at-42" too), or 0 when KEY is not one. */
static long long stock_number_id(const char *key)
{
	long long id = 0;

	if (strncasecmp(key, "AT-", 3) != 0 || !key[3] ||
	    strspn(key + 3, "0123456789") != strlen(key + 3) ||
	    number_whole(key + 3, 1, LLONG_MAX, &id) != NUMBER_OK)
		return 0;
	return id;
}

enum svc_err svc_find_device(struct bench *b, const char *key, struct store_device_row *out)
{
	enum store_err err = store_find_device(b->st, key, out);
	long long stock = err == STORE_ENOENT ? stock_number_id(key) : 0;

	/* Its UDID, serial or IMEI first; else the stock number on its label. */
	if (stock)
		err = store_device_get(b->st, stock, out);

	if (err == STORE_ENOENT)
		return svc_fail(b, SVC_ENODEVICE,
				"no device '%s' is known: read it first with 'atelier probe' "
				"(atelier device list shows those known)",
				key);
	if (err)
		return svc_store_fail(b, err, "read the devices");
	return SVC_OK;
}

enum svc_err svc_get_job(struct bench *b, long long id, struct store_job *out)
{
	enum store_err err = store_job_get(b->st, id, out);

	if (err == STORE_ENOENT)
		return svc_fail(b, SVC_ENOENT, "no job %lld (atelier job list)", id);
	if (err)
		return svc_store_fail(b, err, "read the job");
	return SVC_OK;
}

const char *svc_person_code(const struct store_user *u, char *out, size_t size)
{
	if (u->code[0])
		snprintf(out, size, "%s", u->code);
	else
		snprintf(out, size, "%s #%lld", u->erased_ms ? "erased" : role_name(u->role),
			 u->id);
	return out;
}

/* Who sees whose name (docs/privacy.md): an instructor or an admin sees every name; a
 * trainee her own, and the instructors' and admins' (who graded her, who signed her off),
 * another trainee by her code only. An erased person has no name left: her code. A
 * command run on the bench without a session reads the file itself, which the bench's
 * account may read whole anyway: names (in the installed layout every reading goes
 * through the server, and a session). */
const char *svc_user_label(struct bench *b, const struct store_user *u, char *out, size_t size)
{
	if (u->erased_ms)
		svc_person_code(u, out, size);
	else if (b->signed_in && b->me.role < ROLE_INSTRUCTOR && u->id != b->me.id &&
		 u->role < ROLE_INSTRUCTOR)
		svc_person_code(u, out, size);
	else
		snprintf(out, size, "%s", u->name);
	return out;
}

const char *svc_user_name(struct bench *b, long long id, char *out, size_t size)
{
	struct store_user u;

	if (!id)
		snprintf(out, size, "atelier");
	else if (store_user_get(b->st, id, &u) != STORE_OK)
		snprintf(out, size, "?");
	else
		svc_user_label(b, &u, out, size);
	return out;
}

json_t *svc_str_or_null(const char *s)
{
	return s && *s ? json_string(s) : json_null();
}

int svc_array_has(const json_t *arr, const char *s)
{
	size_t i;
	json_t *v;

	json_array_foreach(arr, i, v)
		if (json_is_string(v) && strcmp(json_string_value(v), s) == 0)
			return 1;
	return 0;
}

/* ---- who may do what ---- */

/* Did WHO record any step of JOB? 1 yes (with the record in B's reason, saying nobody
 * VERB their own work), 0 no, -1 when the records cannot be read. */
static int worked_on(struct bench *b, const struct store_user *who, const struct store_job *job,
		     const char *verb)
{
	struct store_step *steps = NULL;
	size_t n = 0;
	int found = 0;

	if (store_steps_of(b->st, job->id, &steps, &n) != STORE_OK) {
		svc_fail(b, SVC_EIO, "cannot read the records of job %lld (%s)", job->id,
			 store_last_error_message());
		return -1;
	}
	for (size_t i = 0; !found && i < n; i++) {
		if (steps[i].user_id == who->id) {
			svc_fail(b, SVC_EDENIED,
				 "nobody %s their own work: %s recorded step %s of job %lld "
				 "(record %d)",
				 verb, who->name, steps[i].step_id, job->id, steps[i].seq);
			found = 1;
		}
	}
	store_steps_free(steps, n);
	return found;
}

static const char *action_name(enum svc_action what)
{
	static const char *const names[] = {
		[SVC_START_JOB] = "job-start",   [SVC_RECORD_STEP] = "job-step",
		[SVC_GRADE_JOB] = "job-grade",   [SVC_ACK_GRADE] = "job-ack",
		[SVC_CANCEL_JOB] = "job-cancel", [SVC_RESUME_JOB] = "job-resume",
		[SVC_CHECK_WIPE] = "check-wipe", [SVC_MOVE_DEVICE] = "device-set-state",
		[SVC_CERTIFY] = "certify",       [SVC_MANAGE_USERS] = "manage-users",
		[SVC_READ_AUDIT] = "audit",      [SVC_READ_QUEUE] = "grading-queue",
		[SVC_SIGN_OFF] = "sign-off",     [SVC_EXPORT_PERSON] = "user-export",
		[SVC_ERASE_PERSON] = "user-erase", [SVC_PRINT_LABEL] = "label",
		[SVC_READ_PROGRAMME] = "programme-report", [SVC_SELL] = "device-sell",
		[SVC_MANAGE_BATCHES] = "intake-batch", [SVC_SHELVE] = "device-shelf",
		[SVC_DESTROY] = "device-destroy", [SVC_READ_RESALE] = "resale-report",
	};

	return (size_t)what < sizeof(names) / sizeof(names[0]) && names[what] ? names[what] : "?";
}

static int may(struct bench *b, const struct store_user *who, enum svc_action what,
	       const struct svc_subject *on);

int svc_may(struct bench *b, const struct store_user *who, enum svc_action what,
	    const struct svc_subject *on)
{
	char subject[128];

	if (may(b, who, what, on))
		return 1;
	if (on && on->job)
		snprintf(subject, sizeof(subject), "%s on job %lld", action_name(what), on->job->id);
	else
		snprintf(subject, sizeof(subject), "%s", action_name(what));
	svc_audit(b, "refused", subject, "refused", b->why);
	return 0;
}

static int may(struct bench *b, const struct store_user *who, enum svc_action what,
	       const struct svc_subject *on)
{
	const struct store_job *job = on ? on->job : NULL;
	const char *verb = what == SVC_GRADE_JOB ? "grades" : "checks";
	char why[512], name[64];

	b->why[0] = '\0';
	if (!who->active) {
		svc_fail(b, SVC_EDENIED, "%s's account is disabled", who->name);
		return 0;
	}
	switch (what) {
	case SVC_START_JOB:
	case SVC_RECORD_STEP:
	case SVC_PRINT_LABEL:
		/* Anyone of the workshop does the work; an instructor may show a step. Anyone
		 * prints a label: it says what the records say, to whoever holds the device. */
		if (who->role < ROLE_TRAINEE) {
			svc_fail(b, SVC_EDENIED, "%s has no role in the workshop: an admin gives one "
						 "(atelier user add)",
				 who->name);
			return 0;
		}
		return 1;
	case SVC_ACK_GRADE:
		if (job && who->id != job->trainee_id) {
			svc_fail(b, SVC_EDENIED,
				 "only the trainee of job %lld (%s) acknowledges its grade", job->id,
				 svc_user_name(b, job->trainee_id, name, sizeof(name)));
			return 0;
		}
		return 1;
	case SVC_GRADE_JOB:
	case SVC_CHECK_WIPE:
		if (who->role < ROLE_INSTRUCTOR) {
			svc_fail(b, SVC_EDENIED, "a trainee cannot %s: %s is a %s; an instructor or "
						 "an admin does",
				 what == SVC_GRADE_JOB ? "grade" : "check a data wipe", who->name,
				 role_name(who->role));
			return 0;
		}
		if (job && who->id == job->trainee_id) {
			svc_fail(b, SVC_EDENIED,
				 "nobody %s their own work: %s is the trainee of job %lld", verb,
				 who->name, job->id);
			return 0;
		}
		return job ? worked_on(b, who, job, verb) == 0 : 1;
	case SVC_CANCEL_JOB:
	case SVC_RESUME_JOB:
		if (who->role < ROLE_INSTRUCTOR) {
			svc_fail(b, SVC_EDENIED, "%s is a %s: only an instructor or an admin %s a job",
				 who->name, role_name(who->role),
				 what == SVC_CANCEL_JOB ? "cancels" : "lets go on with");
			return 0;
		}
		return 1;
	case SVC_MOVE_DEVICE:
		if (!on || !lifecycle_allowed(on->from, on->to, who->role, LIFECYCLE_BY_HAND, why,
					      sizeof(why))) {
			svc_fail(b, SVC_EDENIED, "%s", on ? why : "no move given");
			return 0;
		}
		return 1;
	case SVC_REVOKE:
		if (who->role < ROLE_INSTRUCTOR) {
			svc_fail(b, SVC_EDENIED, "%s is a %s: only an instructor or an admin "
						 "withdraws a certificate",
				 who->name, role_name(who->role));
			return 0;
		}
		return 1;
	case SVC_ROTATE_KEY:
		if (who->role < ROLE_ADMIN) {
			svc_fail(b, SVC_EDENIED, "%s is a %s: only an admin changes the workshop key",
				 who->name, role_name(who->role));
			return 0;
		}
		return 1;
	case SVC_CERTIFY:
		/* The lifecycle's table says who certifies (ready or in_repair -> certified). */
		if (!lifecycle_allowed(DEVICE_READY, DEVICE_CERTIFIED, who->role,
				       LIFECYCLE_CERTIFY, why, sizeof(why))) {
			svc_fail(b, SVC_EDENIED, "%s is a %s: %s", who->name,
				 role_name(who->role), why);
			return 0;
		}
		return 1;
	case SVC_MANAGE_USERS:
		if (who->role < ROLE_ADMIN) {
			svc_fail(b, SVC_EDENIED, "%s is a %s: only an admin manages accounts",
				 who->name, role_name(who->role));
			return 0;
		}
		return 1;
	case SVC_ADD_PHOTO:
		if (who->role < ROLE_INSTRUCTOR) {
			svc_fail(b, SVC_EDENIED, "%s is a %s: only an instructor or an admin "
						 "attaches a photo to a step",
				 who->name, role_name(who->role));
			return 0;
		}
		return 1;
	case SVC_SIGN_OFF:
		if (who->role < ROLE_INSTRUCTOR) {
			svc_fail(b, SVC_EDENIED, "%s is a %s: only an instructor or an admin signs "
						 "a trainee off",
				 who->name, role_name(who->role));
			return 0;
		}
		return 1;
	case SVC_READ_QUEUE:
		if (who->role < ROLE_INSTRUCTOR) {
			svc_fail(b, SVC_EDENIED, "%s is a %s: only an instructor or an admin sees "
						 "the jobs waiting for a grade",
				 who->name, role_name(who->role));
			return 0;
		}
		return 1;
	case SVC_READ_PROGRAMME:
		if (who->role < ROLE_INSTRUCTOR) {
			svc_fail(b, SVC_EDENIED, "%s is a %s: only an instructor or an admin reads "
						 "the programme's report",
				 who->name, role_name(who->role));
			return 0;
		}
		return 1;
	case SVC_READ_INVENTORY:
		if (who->role < ROLE_INSTRUCTOR) {
			svc_fail(b, SVC_EDENIED, "%s is a %s: only an instructor or an admin reads "
						 "the inventory",
				 who->name, role_name(who->role));
			return 0;
		}
		return 1;
	case SVC_READ_AUDIT:
		if (who->role < ROLE_INSTRUCTOR) {
			svc_fail(b, SVC_EDENIED, "%s is a %s: only an instructor or an admin reads "
						 "the audit log",
				 who->name, role_name(who->role));
			return 0;
		}
		return 1;
	case SVC_EXPORT_PERSON:
		/* Her own data are hers to read; anyone's are an admin's to give. */
		if (on && on->person && on->person->id == who->id)
			return 1;
		if (who->role < ROLE_ADMIN) {
			svc_fail(b, SVC_EDENIED, "%s is a %s: a person exports her own data, an "
						 "admin anyone's",
				 who->name, role_name(who->role));
			return 0;
		}
		return 1;
	case SVC_SELL:
		/* The lifecycle's table says who records a sale (certified -> sold). */
		if (!lifecycle_allowed(DEVICE_CERTIFIED, DEVICE_SOLD, who->role, LIFECYCLE_SALE,
				       why, sizeof(why))) {
			svc_fail(b, SVC_EDENIED, "%s is a %s: %s", who->name,
				 role_name(who->role), why);
			return 0;
		}
		return 1;
	case SVC_SHELVE:
		/* Whoever puts a device on a shelf says where: a trainee too. */
		if (who->role < ROLE_TRAINEE) {
			svc_fail(b, SVC_EDENIED, "%s has no role in the workshop", who->name);
			return 0;
		}
		return 1;
	case SVC_MANAGE_BATCHES:
	case SVC_DESTROY:
	case SVC_READ_RESALE:
		if (who->role < ROLE_INSTRUCTOR) {
			svc_fail(b, SVC_EDENIED, "%s is a %s: only an instructor or an admin %s",
				 who->name, role_name(who->role),
				 what == SVC_MANAGE_BATCHES ? "records intake batches"
				 : what == SVC_DESTROY	    ? "records the destruction of a "
							      "device's storage"
							    : "reads the batches and their "
							      "erasure reports");
			return 0;
		}
		return 1;
	case SVC_ERASE_PERSON:
		if (who->role < ROLE_ADMIN) {
			svc_fail(b, SVC_EDENIED, "%s is a %s: only an admin erases a person's data",
				 who->name, role_name(who->role));
			return 0;
		}
		if (on && on->person && on->person->id == who->id) {
			svc_fail(b, SVC_EDENIED, "an admin does not erase her own account: another "
						 "admin does");
			return 0;
		}
		return 1;
	}
	svc_fail(b, SVC_EDENIED, "unknown action");
	return 0;
}

/* ---- set-up and records ---- */

int svc_needs_admin(struct bench *b)
{
	long long n = 0;

	return b->st && store_user_admins(b->st, &n) == STORE_OK && n == 0;
}

enum svc_err svc_init(struct bench *b, const char *admin, const char *admin_secret,
		      json_t **view)
{
	unsigned char pk[SIGN_PK_BYTES];
	char why[512], text[SIGN_PUBLIC_TEXT], secret[PATH_MAX + 64];
	long long admins = 0;
	enum store_err err;
	enum svc_err rc;
	int created = 0, made = 0;

	*view = NULL;
	/* A bench joining a workshop on a server: its own key, never the workshop's. */
	if (svc_bench_joins(b))
		return svc_bench_join(b, view);
	if (sign_key_create(b->dir, &created, why, sizeof(why)) != SIGN_OK ||
	    sign_key_public(b->dir, pk, why, sizeof(why)) != SIGN_OK)
		return svc_fail(b, SVC_EIO, "the workshop key: %s", why);
	created |= b->key_created; /* made a moment ago, with the database */
	sign_public_text(pk, text);
	snprintf(secret, sizeof(secret), "%s/%s/%s", b->dir, SIGN_KEY_DIR, SIGN_SECRET_FILE);
	rc = svc_workshop_key_publish(b);
	if (rc)
		return rc;
	err = store_user_admins(b->st, &admins);
	if (err)
		return svc_store_fail(b, err, "read the accounts");
	if (admins == 0 && admin) {
		rc = svc_user_create(b, admin, ROLE_ADMIN, admin_secret, NULL, NULL);
		if (rc)
			return rc;
		svc_audit(b, "user-add", admin, "ok", "the first admin, made by atelier init");
		made = 1;
		admins = 1;
	}
	*view = json_pack("{s:s, s:s, s:i, s:{s:b, s:s, s:s}, s:o, s:I}", "dir", b->dir,
			  "database", store_path(b->st), "schema_version",
			  store_schema_version(b->st), "key", "created", created, "public", text,
			  "secret_file", secret, "admin",
			  made ? json_pack("{s:s, s:b}", "name", admin, "created", 1) : json_null(),
			  "admins", (json_int_t)admins);
	return *view ? SVC_OK : svc_fail(b, SVC_EIO, "out of memory");
}

/* Findings of db check kept in the view and the reason; the rest are counted. */
#define DB_CHECK_FINDINGS_MAX 20

enum svc_err svc_db_check(struct bench *b, json_t **view)
{
	char report[4096], missing[512], (*chains)[STORE_CHAIN_MAX] = NULL;
	struct store_ledger_check c;
	enum store_err err = store_check(b->st, report, sizeof(report));
	json_t *findings = NULL;
	size_t n = 0, shown = 0, total = 0;
	int removed = 0, sealed = 0;
	char *text = NULL;
	size_t len = 0;
	FILE *why;
	enum svc_err rc = SVC_OK;

	*view = NULL;
	if (err == STORE_ECORRUPT)
		return svc_fail(b, SVC_EREFUSED,
				"database %s is damaged:\n%s\nrestore the latest backup ('atelier "
				"db backup' makes one)",
				store_path(b->st), report);
	if (err)
		return svc_store_fail(b, err, "check the database");
	/* Chains adopted from an older database and not signed yet are signed first. */
	if (store_seal_unsigned(b->st, &sealed) != STORE_OK)
		sealed = 0;
	findings = json_array();
	if (!findings)
		return svc_fail(b, SVC_EIO, "out of memory");
	err = store_check_triggers(b->st, missing, sizeof(missing));
	if (!err && missing[0]) {
		json_array_append_new(findings, json_sprintf("the guards that keep records from "
							     "being changed are gone: %s",
							     missing));
		total++;
	}
	if (!err)
		err = store_chains(b->st, &chains, &n);
	for (size_t i = 0; !err && i < n; i++) {
		err = store_ledger_check(b->st, chains[i], &c);
		if (err || c.verdict == STORE_LEDGER_OK)
			continue;
		if (c.verdict == STORE_LEDGER_REMOVED)
			removed = 1;
		if (total++ < DB_CHECK_FINDINGS_MAX)
			json_array_append_new(findings, json_string(c.why));
	}
	free(chains);
	if (err) {
		json_decref(findings);
		return svc_store_fail(b, err, "check the records");
	}
	if (total == 0) {
		*view = json_pack("{s:s, s:b, s:I, s:[]}", "database", store_path(b->st), "ok", 1,
				  "chains", (json_int_t)n, "findings");
		json_decref(findings);
		return SVC_OK;
	}
	why = open_memstream(&text, &len);
	if (why) {
		fprintf(why, "the records in %s were changed behind Atelier's back:",
			store_path(b->st));
		shown = json_array_size(findings);
		for (size_t i = 0; i < shown; i++)
			fprintf(why, "\n  %s", json_string_value(json_array_get(findings, i)));
		if (total > shown)
			fprintf(why, "\n  and %zu more", total - shown);
		fprintf(why, "\nkeep this database as evidence, and restore the latest backup "
			     "to go on working ('atelier db backup' makes one)");
		fclose(why);
	}
	rc = svc_fail(b, removed ? SVC_EREMOVED : SVC_EREFUSED, "%s",
		      text ? text : "the records were changed");
	free(text);
	*view = json_pack("{s:s, s:b, s:I, s:o}", "database", store_path(b->st), "ok", 0,
			  "chains", (json_int_t)n, "findings", findings);
	return rc;
}

enum svc_err svc_db_compact(struct bench *b, json_t **view)
{
	enum store_err err = store_compact(b->st);

	*view = NULL;
	if (err == STORE_EBUSY)
		return svc_fail(b, SVC_EIO, "another program has %s open (atelier serve?): stop it "
					    "and run 'atelier db compact' again",
				store_path(b->st));
	if (err)
		return svc_store_fail(b, err, "compact the database");
	*view = json_pack("{s:s}", "database", store_path(b->st));
	return SVC_OK;
}

enum svc_err svc_db_backup(struct bench *b, const char *file, json_t **view)
{
	enum store_err err = store_backup(b->st, file);

	*view = NULL;
	if (err == STORE_EINVAL)
		return svc_fail(b, SVC_EINVAL, "backup to %s refused: %s", file,
				store_last_error_message());
	if (err) {
		char cause[PATH_MAX + 128];

		return svc_fail(b, SVC_EIO, "backup to %s failed: %s (%s)", file,
				svc_store_cause(err, file, cause, sizeof(cause))
					? cause
					: store_strerror(err),
				store_last_error_message());
	}
	*view = json_pack("{s:s, s:s}", "database", store_path(b->st), "backup", file);
	return SVC_OK;
}
