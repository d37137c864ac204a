/* Certification policy evaluation and the certificate's content. See certify.h. */
#include "cert/certify.h"

#include <math.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cert/lifecycle.h"
#include "cert/sign.h"
#include "checklist/checklist.h"
#include "job/job.h"
#include "probe/facts.h"
#include "util/clock.h"
#include "util/i18n.h"
#include "util/text.h"

/* One job of the device with what the rules look at. */
struct jobrec {
	struct store_job job;
	struct store_grade grade; /* the latest, when has_grade */
	int has_grade;
	int approved;             /* the latest grade approves the latest submission */
	struct checklist *c;      /* the pinned checklist; NULL when it no longer loads */
	char unread[256];         /* why it does not load */
	struct store_step *recs;
	size_t n_recs;
};

struct eval {
	struct store *st;
	const struct policy *p;
	const struct store_user *by;
	long long now_ms;
	struct store_device_row dev;
	json_t *facts;       /* the rules' view of the device (certify.h) */
	long long probe_ms;  /* its last full reading */
	long long usb_ms;    /* its last sighting on USB alone, or 0 */
	int usb_after;       /* an Android device seen on USB alone after its last reading */
	int wipe_sampled;    /* the approved wipe is one a second person checks */
	int wipe_checked;    /* and wipe_check is its latest check */
	struct store_job_event wipe_check;
	char tool[256];      /* the tools of its last full reading */
	char usb_tool[256];  /* and of its last sighting on USB alone */
	struct jobrec *jobs; /* of the device, newest first */
	size_t n_jobs;
	/* the newest approved job of each required checklist, or NULL */
	const char *req_ids[POLICY_MAX_CHECKLISTS + 2];
	const struct jobrec *req[POLICY_MAX_CHECKLISTS + 2];
	size_t n_req;
	json_t *unmet;
	json_t *said;
	char *why;
	size_t size;
};

static void unmet(struct eval *e, const char *say, json_t *args, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* An unmet condition: FMT in English, for the command line and the logs; SAY, the same
 * for a screen, with {name}s that ARGS (stolen; NULL for none) fills in the person's
 * language (docs/architecture.md: the screens translate what the service says). */
static void unmet(struct eval *e, const char *say, json_t *args, const char *fmt, ...)
{
	char text[768];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	json_array_append_new(e->unmet, json_string(text));
	json_array_append_new(e->said, json_pack("{s:s, s:o}", "say", say,
						 "args", args ? args : json_object()));
}

/* {checklist: ID, job: N}: the arguments most conditions name. */
static json_t *of_job(const char *checklist, long long job)
{
	return json_pack("{s:s, s:I}", "checklist", checklist, "job", (json_int_t)job);
}

/* A copy of the fact, or JSON null. */
static json_t *fact_copy(json_t *facts, const char *path)
{
	json_t *v = facts_json_at(facts, path);

	return v ? json_deep_copy(v) : json_null();
}

const char *certify_label(const struct store_user *u, char *out, size_t size)
{
	if (u->code[0])
		snprintf(out, size, "%s", u->code);
	else if (u->erased_ms || u->role == ROLE_TRAINEE)
		snprintf(out, size, "%s #%lld", u->erased_ms ? "erased" : "trainee", u->id);
	else
		snprintf(out, size, "%s", u->name);
	return out;
}

/* How the certificate names user ID (certify_label()). */
static const char *user_name(struct store *st, long long id, char *out, size_t size)
{
	struct store_user u;

	if (store_user_get(st, id, &u) == STORE_OK)
		return certify_label(&u, out, size);
	snprintf(out, size, "?");
	return out;
}

/* Is NAME the string V, or does it stand alone in the text V (CONTAINS)? */
static int names_in(const json_t *v, const char *name, int contains)
{
	const char *s = json_string_value(v);

	return s && (contains ? text_word_find(s, name) != NULL : strcmp(s, name) == 0);
}

int certify_names(const json_t *cert, const char *name)
{
	const json_t *san = json_object_get(cert, "sanitization"), *v;
	size_t i;

	json_array_foreach(json_object_get(cert, "trainees"), i, v)
		if (names_in(v, name, 0))
			return 1;
	json_array_foreach(json_object_get(cert, "checklists"), i, v)
		if (names_in(json_object_get(v, "trainee"), name, 0) ||
		    names_in(json_object_get(v, "approved_by"), name, 0))
			return 1;
	return names_in(json_object_get(cert, "approved_by"), name, 0) ||
	       names_in(json_object_get(san, "by"), name, 0) ||
	       names_in(json_object_get(san, "second_check"), name, 1) ||
	       names_in(json_object_get(json_object_get(cert, "battery"), "source"), name, 1);
}

static const struct jobrec *approved_of(const struct eval *e, const char *cid)
{
	for (size_t i = 0; i < e->n_req; i++)
		if (strcmp(e->req_ids[i], cid) == 0)
			return e->req[i];
	return NULL;
}

static const char *platform(const struct eval *e)
{
	const char *p = facts_json_string(e->facts, "platform");

	return p ? p : "";
}

/* ---- the jobs ---- */

static enum certify_err load_jobs(struct eval *e)
{
	struct store_job *jobs = NULL;
	size_t n = 0;
	enum store_err se = store_job_list(e->st, e->dev.id, 0, NULL, &jobs, &n);

	if (se)
		goto store_failed;
	e->jobs = calloc(n + 1, sizeof(*e->jobs));
	if (!e->jobs) {
		free(jobs);
		return CERTIFY_ENOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		struct jobrec *j = &e->jobs[e->n_jobs++];
		j->job = jobs[i];
		se = store_grade_last(e->st, j->job.id, &j->grade);
		if (se && se != STORE_ENOENT)
			goto store_failed;
		j->has_grade = se == STORE_OK;
		j->approved = j->has_grade && job_approved(&j->job, &j->grade);
		if (job_checklist(e->st, &j->job, &j->c, j->unread, sizeof(j->unread)) != JOB_OK)
			j->c = NULL;
		se = store_steps_of(e->st, j->job.id, &j->recs, &j->n_recs);
		if (se)
			goto store_failed;
	}
	free(jobs);
	return CERTIFY_OK;
store_failed:
	free(jobs);
	snprintf(e->why, e->size, "%s", store_last_error_message());
	return CERTIFY_ESTORE;
}

/* The newest approved job of checklist CID stands for it; say what is missing when none
 * does and no job of it is under way (a job under way is said by check_jobs). */
static void add_required(struct eval *e, const char *cid)
{
	const struct jobrec *found = NULL;
	int any = 0;

	for (size_t i = 0; i < e->n_req; i++)
		if (strcmp(e->req_ids[i], cid) == 0)
			return;
	if (e->n_req == sizeof(e->req) / sizeof(e->req[0]))
		return;
	for (size_t i = 0; i < e->n_jobs; i++) {
		const struct jobrec *j = &e->jobs[i];

		if (strcmp(j->job.checklist_id, cid) != 0 || j->job.state == JOB_STATE_CANCELLED)
			continue;
		any = 1;
		if (!found && j->approved && j->c)
			found = j;
	}
	e->req_ids[e->n_req] = cid;
	e->req[e->n_req++] = found;
	if (!any)
		unmet(e, N_("The checklist “{checklist}” was not done on this device."),
		      json_pack("{s:s}", "checklist", cid),
		      "checklist '%s' was not done on this device: no job", cid);
}

/* Every job on the device is approved or cancelled: nothing is left half done; and every
 * approved job's checklist can be read. */
static void check_jobs(struct eval *e)
{
	for (size_t i = 0; i < e->n_jobs; i++) {
		const struct jobrec *j = &e->jobs[i];

		if (j->approved && !j->c)
			/* Its steps and parts are what the certificate vouches for. */
			unmet(e,
			      N_("The checklist of approved job {job} ({checklist}) cannot be read "
				 "from the records: the coordinator checks them (atelier db check)."),
			      of_job(j->job.checklist_id, j->job.id),
			      "checklist '%s': the checklist of approved job %lld (version %d) cannot "
			      "be read from the records (%s): run 'atelier db check'",
			      j->job.checklist_id, j->job.id, j->job.checklist_version, j->unread);
		if (j->job.state == JOB_STATE_CANCELLED || j->approved)
			continue;
		if (j->job.state == JOB_STATE_OPEN)
			unmet(e,
			      N_("Job {job} ({checklist}) is not finished: the trainee completes and "
				 "sends it, or an instructor cancels it."),
			      of_job(j->job.checklist_id, j->job.id),
			      "checklist '%s': job %lld is not finished (a trainee must complete "
			      "and submit it, or an instructor cancels it: atelier job cancel %lld --by "
			      "NAME --why TEXT)",
			      j->job.checklist_id, j->job.id, j->job.id);
		else
			unmet(e, N_("Job {job} ({checklist}) waits for a grade."),
			      of_job(j->job.checklist_id, j->job.id),
			      "checklist '%s': job %lld waits for an instructor's grade",
			      j->job.checklist_id, j->job.id);
	}
}

/* An approved repair: a job of category repair, or of a checklist that names no category
 * and records a part (fitting a part is a repair, whatever the file forgot to say). */
int certify_is_repair(const struct checklist *c)
{
	if (c->category != CHECKLIST_CAT_NONE)
		return c->category == CHECKLIST_CAT_REPAIR;
	for (size_t k = 0; k < c->n_steps; k++)
		if (c->steps[k].kind == CHECKLIST_KIND_PARTS)
			return 1;
	return 0;
}

static int approved_repair(const struct jobrec *r)
{
	return r->approved && r->c && certify_is_repair(r->c);
}

/* Every repair is tested again: an approved diagnostics job started after it. */
static void check_retests(struct eval *e)
{
	for (size_t i = 0; i < e->n_jobs; i++) {
		const struct jobrec *r = &e->jobs[i];
		int retested = 0;

		if (!approved_repair(r))
			continue;
		for (size_t k = 0; k < e->n_jobs; k++) {
			const struct jobrec *d = &e->jobs[k];

			retested |= d->approved && d->c && d->c->category == CHECKLIST_CAT_DIAGNOSTICS &&
				    d->job.started_ms >= r->job.submitted_ms;
		}
		if (!retested)
			unmet(e,
			      N_("The repair of job {job} ({checklist}) was not tested again: an "
				 "approved diagnostics job started after it is needed."),
			      of_job(r->job.checklist_id, r->job.id),
			      "the repair '%s' (job %lld) was not tested again: an approved "
			      "diagnostics job started after it is needed",
			      r->job.checklist_id, r->job.id);
	}
}

static void check_failed_steps(struct eval *e)
{
	for (size_t i = 0; i < e->n_req; i++) {
		const struct jobrec *a = e->req[i];

		for (size_t k = 0; a && k < a->c->n_steps; k++) {
			const struct checklist_step *s = &a->c->steps[k];
			const struct store_step *r = job_last_record(a->recs, a->n_recs, s->id);

			if (s->required && r && r->result == STEP_FAIL)
				unmet(e,
				      N_("A required step failed in job {job} ({checklist}): "
					 "{step}."),
				      json_pack("{s:s, s:I, s:s, s:s}", "checklist", e->req_ids[i],
						"job", (json_int_t)a->job.id, "step", s->id,
						"step_title", checklist_text(&s->title, "en")),
				      "checklist '%s': required step '%s' (%s) failed in job %lld",
				      e->req_ids[i], s->id, checklist_text(&s->title, "en"),
				      a->job.id);
		}
	}
}

/* ---- the device ---- */

static void check_locks(struct eval *e)
{
	if (strcmp(platform(e), "ios") == 0) {
		const char *fm = facts_json_string(e->facts, "locks.find_my");

		if (fm && strcmp(fm, "on") == 0)
			unmet(e,
			      N_("Find My (Activation Lock) is on: the owner must remove the device "
				 "from their Apple ID."),
			      NULL,
			      "Find My (Activation Lock) is on: the owner must remove the device "
				 "from their Apple ID before it can be certified");
		else if (!fm || strcmp(fm, "off") != 0)
			unmet(e,
			      N_("Whether Find My is on could not be read: plug the device in at a "
				 "bench again while it trusts the bench."),
			      NULL,
			      "whether Find My is on could not be read: read the device again "
				 "('atelier probe') while it trusts this computer");
	} else if (strcmp(platform(e), "android") == 0) {
		/* Read while USB debugging was still on, before the last reset: a reset phone
		 * cannot be read, and Android says FRP is off only once setup is done. */
		json_t *acc = facts_json_at(e->facts, "locks.google_accounts");
		const char *frp = facts_json_string(e->facts, "locks.frp");

		if (!json_is_integer(acc))
			unmet(e,
			      N_("Whether a Google account is on the device could not be read: it is "
				 "read with USB debugging allowed, before the last reset."),
			      NULL,
			      "whether a Google account is on the device could not be read: read "
				 "it ('atelier probe') with USB debugging allowed, before its last "
				 "reset");
		else if (json_integer_value(acc) > 0)
			unmet(e,
			      N_("Google accounts still on the device: {n}. Remove them, then wipe "
				 "the device again."),
			      json_pack("{s:I}", "n", (json_int_t)json_integer_value(acc)),
			      "%lld Google account(s) still on the device: remove them, then "
				 "wipe it again",
			      (long long)json_integer_value(acc));
		if (frp && strcmp(frp, "on") == 0)
			unmet(e,
			      N_("Factory Reset Protection is on: the Google account that locked it "
				 "must release the device."),
			      NULL,
			      "Factory Reset Protection is on: the Google account that locked it "
				 "must release the device");
		else if (!frp || strcmp(frp, "off") != 0)
			unmet(e,
			      N_("Whether Factory Reset Protection is on could not be read: it is read "
				 "with the setup done and USB debugging allowed, before the last "
				 "reset."),
			      NULL,
			      "whether Factory Reset Protection is on could not be read: read the "
				 "device ('atelier probe') with its setup done and USB debugging "
				 "allowed, before its last reset");
	} else {
		unmet(e, N_("The kind of device is not known: its locks cannot be checked."), NULL,
		      "the device's platform is not known: its locks cannot be checked");
	}
}

/* The second person's check of the wipe W, when the policy's sample takes it. */
/* The latest second check of the approved wipe, read once for the condition and the
 * certificate's words. */
static enum certify_err load_wipe_check(struct eval *e)
{
	const struct jobrec *w = approved_of(e, e->p->wipe_checklist);
	struct store_job_event *ev = NULL;
	size_t n = 0;

	if (!w)
		return CERTIFY_OK;
	e->wipe_sampled = job_wipe_sampled(&w->job, e->p->wipe_verification_sample_pct);
	if (store_job_events(e->st, w->job.id, &ev, &n) != STORE_OK) {
		snprintf(e->why, e->size, "%s", store_last_error_message());
		return CERTIFY_ESTORE;
	}
	for (size_t i = 0; i < n; i++)
		if (ev[i].kind == STORE_JOB_WIPE_CHECK) {
			e->wipe_check = ev[i];
			e->wipe_checked = 1;
		}
	free(ev);
	return CERTIFY_OK;
}

static void check_wipe_verified(struct eval *e, const struct jobrec *w)
{
	if (!e->wipe_sampled)
		return;
	if (!e->wipe_checked)
		unmet(e,
		      N_("The data wipe (job {job}) has not been checked by a second person: an "
			 "instructor checks it."),
		      json_pack("{s:I}", "job", (json_int_t)w->job.id),
		      "the data wipe (job %lld) has not been checked by a second person: an "
		      "instructor checks it (atelier job check-wipe %lld --by NAME --result pass "
		      "--note WHAT-WAS-CHECKED)",
		      w->job.id, w->job.id);
	else if (e->wipe_check.result != STEP_PASS)
		unmet(e,
		      N_("The second check of the data wipe (job {job}) failed ({note}): wipe the "
			 "device again."),
		      json_pack("{s:I, s:s}", "job", (json_int_t)w->job.id, "note",
				e->wipe_check.note),
		      "the second check of the data wipe (job %lld) failed (%s): wipe the device "
			 "again",
		      w->job.id, e->wipe_check.note);
}

static void check_wiped(struct eval *e)
{
	const struct jobrec *w = approved_of(e, e->p->wipe_checklist);
	json_t *setup = facts_json_at(e->facts, "locks.setup_done");
	int android = strcmp(platform(e), "android") == 0;
	char when[32];

	if (!w) {
		unmet(e,
		      N_("No approved data wipe ({checklist}): nothing shows that the data is "
			 "wiped."),
		      json_pack("{s:s}", "checklist", e->p->wipe_checklist),
		      "no approved data wipe ('%s'): the data cannot be shown to be wiped",
		      e->p->wipe_checklist);
		return;
	}
	check_wipe_verified(e, w);
	if (android && !json_is_true(facts_json_at(e->facts, "locks.encrypted")) &&
	    !e->p->android_unencrypted_method[0])
		unmet(e,
		      json_is_false(facts_json_at(e->facts, "locks.encrypted"))
			      ? N_("The phone's storage is not encrypted: a factory reset does not "
				   "erase it for good, and the policy names no other method.")
			      : N_("The phone's storage is not known to be encrypted: a factory "
				   "reset may not erase it for good, and the policy names no other "
				   "method."),
		      NULL,
		      "the phone's storage is %s: a factory reset does not purge it, and the "
			 "policy names no other method (android_unencrypted_method)",
		      json_is_false(facts_json_at(e->facts, "locks.encrypted"))
			      ? "not encrypted"
			      : "not known to be encrypted");
	/* Back at its setup screens since the wipe: read so (iOS, or Android with USB
	 * debugging on), or seen on USB alone after its last reading (an Android phone just
	 * reset has USB debugging off). */
	if (e->usb_after && e->usb_ms > w->job.submitted_ms)
		return;
	if (e->probe_ms <= w->job.submitted_ms) {
		unmet(e,
		      N_("The device was not read since its data wipe (job {job}, sent {date}): "
			 "plug it in at a bench."),
		      json_pack("{s:I, s:I}", "job", (json_int_t)w->job.id, "date_ms",
				(json_int_t)w->job.submitted_ms),
		      "the device was not read since its data wipe (job %lld, submitted %s): "
			 "plug it in and run 'atelier probe'",
		      w->job.id, clock_iso8601_s(w->job.submitted_ms, when, sizeof(when)));
		return;
	}
	if (json_is_true(setup))
		unmet(e,
		      android ? N_("The device has been set up again since the data wipe: reset it "
				   "to its setup screens, then plug it in again (the bench sees it "
				   "without USB debugging).")
			      : N_("The device has been set up again since the data wipe: reset it "
				   "to its setup screens, then plug it in again."),
		      NULL,
		      "the device has been set up again since the data wipe (a user or account "
			 "is there): reset it to its setup screens, then plug it in again%s",
		      android ? " (the bench sees it without USB debugging)" : "");
	else if (!json_is_false(setup))
		unmet(e,
		      N_("Whether the device is back at its setup screens could not be read: plug "
			 "it in at a bench again."),
		      NULL,
		      "whether the device is back at its setup screens could not be read: read "
			 "it again ('atelier probe')");
}

static void check_bootloader(struct eval *e)
{
	const char *bl = facts_json_string(e->facts, "locks.bootloader");

	if (strcmp(platform(e), "android") != 0)
		return; /* an iPhone's boot chain cannot be unlocked */
	if (bl && strcmp(bl, "unlocked") == 0)
		unmet(e,
		      N_("The bootloader is unlocked: lock it again (this wipes the device) before "
			 "certification."),
		      NULL,
		      "the bootloader is unlocked: lock it again (it wipes the device) before "
			 "certification");
	else if (!bl || strcmp(bl, "locked") != 0)
		unmet(e,
		      N_("Whether the bootloader is locked could not be read: plug the device in "
			 "at a bench again."),
		      NULL,
		      "whether the bootloader is locked could not be read: read the device "
			 "again ('atelier probe')");
}

static void check_battery(struct eval *e)
{
	json_t *h = facts_json_at(e->facts, "battery.health_pct");

	if (!json_is_number(h))
		unmet(e,
		      N_("The battery health could not be read: plug the device in at a bench "
			 "again, or measure it with a battery tester in the diagnostics."),
		      NULL,
		      "the battery health could not be read: read the device again ('atelier "
			 "probe'), or measure it with a battery tester in the diagnostics; it is "
			 "needed for the certificate");
	else if (json_number_value(h) < e->p->battery_min_health_pct)
		unmet(e,
		      N_("The battery health is {pct}, below the {min} the workshop asks for: "
			 "replace the battery."),
		      json_pack("{s:f, s:f}", "pct", json_number_value(h), "min",
				e->p->battery_min_health_pct),
		      "the battery health is %.1f %%, below the %.0f %% the policy asks for: "
			 "replace the battery",
		      json_number_value(h), e->p->battery_min_health_pct);
}

/* The option of step STEP of checklist C whose value is VALUE, and its rank (0: the
 * best) into *RANK; NULL when there is none. */
static const struct checklist_option *option_of(const struct checklist *c, const char *step,
						const char *value, size_t *rank)
{
	for (size_t k = 0; value && k < c->n_steps; k++) {
		const struct checklist_step *s = &c->steps[k];

		if (strcmp(s->id, step) != 0)
			continue;
		for (size_t o = 0; o < s->n_options; o++)
			if (strcmp(s->options[o].value, value) == 0) {
				*rank = o;
				return &s->options[o];
			}
	}
	return NULL;
}

/* The value recorded last at grade step STEP of the approved grading job, or NULL. */
static const char *graded_value(const struct eval *e, const char *step)
{
	const struct jobrec *g = approved_of(e, e->p->grade_checklist);
	const struct store_step *r = g ? job_last_record(g->recs, g->n_recs, step) : NULL;

	return r && r->value && r->result == STEP_PASS ? r->value : NULL;
}

/* The option chosen at grade step STEP of the grade checklist, or NULL. */
static const struct checklist_option *graded(const struct eval *e, const char *step)
{
	const struct jobrec *g = approved_of(e, e->p->grade_checklist);
	size_t rank;

	return g ? option_of(g->c, step, graded_value(e, step), &rank) : NULL;
}

const struct checklist_option *certify_grade_of(const struct policy *p, const struct checklist *c,
						const char *const values[])
{
	const struct checklist_option *worst = NULL;
	size_t worst_rank = 0;

	for (size_t i = 0; c && i < p->n_grade_steps; i++) {
		size_t rank = 0;
		const struct checklist_option *o = option_of(c, p->grade_steps[i], values[i], &rank);

		if (!o)
			return NULL;
		if (!worst || rank > worst_rank) {
			worst = o;
			worst_rank = rank;
		}
	}
	return worst;
}

/* The device's grade: the worst of its grade steps (options are written best first);
 * NULL when a step has none. */
static const struct checklist_option *grade_option(const struct eval *e)
{
	const struct jobrec *g = approved_of(e, e->p->grade_checklist);
	const char *values[POLICY_MAX_GRADE_STEPS];

	for (size_t i = 0; g && i < e->p->n_grade_steps; i++)
		values[i] = graded_value(e, e->p->grade_steps[i]);
	return g ? certify_grade_of(e->p, g->c, values) : NULL;
}

static void check_grade(struct eval *e)
{
	char steps[256] = "", quoted[POLICY_ID_MAX + 2];
	size_t len = 0;

	if (grade_option(e))
		return;
	for (size_t i = 0; i < e->p->n_grade_steps; i++) {
		snprintf(quoted, sizeof(quoted), "'%s'", e->p->grade_steps[i]);
		len = text_list_add(steps, sizeof(steps), len, " and ", quoted);
	}
	unmet(e,
	      N_("No cosmetic grade is recorded: it is given in an approved job of "
		 "“{checklist}”."),
	      json_pack("{s:s}", "checklist", e->p->grade_checklist),
	      "no cosmetic grade is recorded: step%s %s of an approved '%s' job",
	      e->p->n_grade_steps > 1 ? "s" : "", steps, e->p->grade_checklist);
}

static void check_state(struct eval *e)
{
	char why[256];

	if (!lifecycle_allowed(e->dev.state, DEVICE_CERTIFIED, e->by->role, LIFECYCLE_CERTIFY, why,
			       sizeof(why)))
		unmet(e, N_("A device cannot be certified from where it is now: {state}."),
		      json_pack("{s:s}", "state", device_state_name(e->dev.state)),
		      "the device's state is %s: %s", device_state_name(e->dev.state), why);
}

static void check_conditions(struct eval *e)
{
	if (!e->p->workshop_name[0])
		unmet(e,
		      N_("The workshop's name is not set: the coordinator writes it in the "
			 "policy (policy.yaml, under workshop: name:)."),
		      NULL,
		      "the workshop's name is not set: write it under 'workshop: name:' in "
			 "policy.yaml in the data directory");
	check_state(e);
	check_jobs(e);
	check_retests(e);
	if (e->p->check_failed_steps)
		check_failed_steps(e);
	if (e->p->check_locks)
		check_locks(e);
	if (e->p->check_wiped)
		check_wiped(e);
	if (e->p->check_bootloader)
		check_bootloader(e);
	if (e->p->check_battery)
		check_battery(e);
	if (e->p->check_grade)
		check_grade(e);
}

/* ---- the certificate ---- */

static json_t *device_json(struct eval *e)
{
	static const char *const keys[] = { "make",  "model_id",   "model_number", "marketing_name",
					    "color", "color_name", "serial",	   "udid" };
	json_t *d = json_object();
	char path[64];

	json_object_set_new(d, "platform", fact_copy(e->facts, "platform"));
	json_object_set_new(d, "class", fact_copy(e->facts, "device.class"));
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		snprintf(path, sizeof(path), "identity.%s", keys[i]);
		json_object_set_new(d, keys[i], fact_copy(e->facts, path));
	}
	json_object_set_new(d, "imei", fact_copy(e->facts, "identity.imei"));
	json_object_set_new(d, "storage_bytes", fact_copy(e->facts, "storage.total_bytes"));
	json_object_set_new(d, "storage_gb", fact_copy(e->facts, "storage.nominal_gb"));
	return d;
}

/* The certificate's own sentences, in its language. */
struct cert_words {
	const char *lang;
	const char *purge, *clear;     /* technique */
	const char *ios_tool, *android_tool, *checked_by;
	const char *verified, *android_verified, *ios_locks, *android_locks;
	const char *second_check, *not_sampled, *not_checked;
	const char *measured, *by, *job, *record; /* a battery measured by hand */
};

static const struct cert_words cert_words[] = {
	{ "en", "cryptographic erase: reset of a device whose storage is always encrypted",
	  "overwrite by factory reset", "Erase All Content and Settings (on the device)",
	  "factory reset (on the device)", "checked by",
	  "device read again after the wipe: setup screens shown",
	  "device seen again after the reset without USB debugging, setup screens checked",
	  "Find My off", "no Google account, Factory Reset Protection off",
	  "second check by", "not in the sample checked by a second person",
	  "not checked by a second person", "measured with", "by", "job", "record" },
	{ "fr", "effacement cryptographique : réinitialisation d'un appareil dont le stockage "
		"est toujours chiffré",
	  "écrasement par réinitialisation d'usine",
	  "Effacer contenu et réglages (sur l'appareil)",
	  "réinitialisation d'usine (sur l'appareil)", "vérifié par",
	  "appareil relu après l'effacement : écrans de configuration affichés",
	  "appareil revu après la réinitialisation, sans débogage USB ; écrans de configuration "
	  "vérifiés",
	  "Localiser désactivé",
	  "aucun compte Google, protection contre la réinitialisation désactivée",
	  "second contrôle par", "hors de l'échantillon contrôlé par une seconde personne",
	  "non contrôlé par une seconde personne", "mesurée avec", "par", "travail",
	  "enregistrement" },
	{ "nl", "cryptografisch wissen: reset van een toestel waarvan de opslag altijd versleuteld "
		"is",
	  "overschrijven door fabrieksreset", "Wis alle inhoud en instellingen (op het toestel)",
	  "fabrieksreset (op het toestel)", "gecontroleerd met",
	  "toestel opnieuw gelezen na het wissen: instelschermen getoond",
	  "toestel opnieuw gezien na de reset, zonder USB-foutopsporing; instelschermen "
	  "nagekeken",
	  "Zoek mijn uit", "geen Google-account, fabrieksresetbeveiliging uit",
	  "tweede controle door", "niet in de steekproef die een tweede persoon controleert",
	  "niet gecontroleerd door een tweede persoon", "gemeten met", "door", "opdracht",
	  "registratie" },
};

static const struct cert_words *words_for(const char *lang)
{
	for (size_t i = 0; i < sizeof(cert_words) / sizeof(cert_words[0]); i++)
		if (strcmp(cert_words[i].lang, lang) == 0)
			return &cert_words[i];
	return &cert_words[0];
}

static json_t *battery_json(struct eval *e)
{
	double h = json_number_value(facts_json_at(e->facts, "battery.health_pct"));
	json_t *measured = json_object_get(json_object_get(e->facts, "entered"),
					   "battery.health_pct");
	char when[32], source[400];

	if (measured) {
		/* The device gave no health: a trainee measured it. */
		const char *tester = json_string_value(json_object_get(measured, "tester"));
		const struct cert_words *w = words_for(e->p->language);

		json_int_t uid = json_integer_value(json_object_get(measured, "user"));
		char who[64];

		/* Who measured it, as the certificate names people; the name given with the
		 * facts only when they do not say who it was. */
		if (uid)
			user_name(e->st, uid, who, sizeof(who));
		else
			snprintf(who, sizeof(who), "%s",
				 json_string_value(json_object_get(measured, "by")) ?: "?");
		snprintf(source, sizeof(source), "%s %s %s %s (%s %lld, %s %lld)", w->measured,
			 tester ? tester : "?", w->by, who, w->job,
			 (long long)json_integer_value(json_object_get(measured, "job")), w->record,
			 (long long)json_integer_value(json_object_get(measured, "record")));
		return json_pack("{s:f, s:o, s:s, s:s, s:s, s:s}", "health_pct",
				 round(h * 10.0) / 10.0, "cycle_count",
				 fact_copy(e->facts, "battery.cycle_count"), "measured", "tester",
				 "source", source, "read_at",
				 clock_iso8601_s(json_integer_value(json_object_get(measured, "t_ms")),
						 when, sizeof(when)),
				 "tool", tester ? tester : "battery tester");
	}
	return json_pack("{s:f, s:o, s:s, s:o, s:s, s:s}", "health_pct", round(h * 10.0) / 10.0,
			 "cycle_count", fact_copy(e->facts, "battery.cycle_count"), "measured",
			 "device", "source",
			 fact_copy(e->facts, "battery.source"), "read_at",
			 clock_iso8601_s(e->probe_ms, when, sizeof(when)), "tool", e->tool);
}

static json_t *cosmetic_json(struct eval *e)
{
	const struct checklist_option *o = grade_option(e);
	json_t *c, *each = json_array();

	if (!o) {
		json_decref(each);
		return json_null();
	}
	for (size_t i = 0; i < e->p->n_grade_steps; i++) {
		const struct checklist_option *g = graded(e, e->p->grade_steps[i]);

		json_array_append_new(each, json_pack("{s:s, s:s, s:s, s:s?}", "step",
						      e->p->grade_steps[i], "grade", g->value,
						      "label",
						      checklist_text(&g->label, e->p->language),
						      "ctia", g->ctia));
	}
	c = json_pack("{s:s, s:s, s:s, s:s?, s:o}", "grade", o->value, "label",
		      checklist_text(&o->label, e->p->language), "criteria",
		      o->criteria.en ? checklist_text(&o->criteria, e->p->language) : "", "ctia",
		      o->ctia, "graded", each);
	return c;
}

static json_t *functional_json(struct eval *e)
{
	long long pass = 0, fail = 0, skip = 0;

	for (size_t i = 0; i < e->n_req; i++) {
		const struct jobrec *a = e->req[i];

		for (size_t k = 0; a && k < a->c->n_steps; k++) {
			const struct store_step *r =
				job_last_record(a->recs, a->n_recs, a->c->steps[k].id);

			if (!r)
				continue;
			pass += r->result == STEP_PASS;
			fail += r->result == STEP_FAIL;
			skip += r->result == STEP_SKIP;
		}
	}
	return json_pack("{s:s, s:I, s:I, s:I}", "result", fail ? "fail" : "pass", "steps_passed",
			 (json_int_t)pass, "steps_failed", (json_int_t)fail, "steps_skipped",
			 (json_int_t)skip);
}

/* The parts fitted by the approved repairs: the last record of each parts step. */
static json_t *parts_json(struct eval *e)
{
	json_t *parts = json_array();

	for (size_t i = 0; i < e->n_jobs; i++) {
		const struct jobrec *r = &e->jobs[i];

		if (!approved_repair(r))
			continue;
		for (size_t k = 0; k < r->c->n_steps; k++) {
			const struct store_step *rec;
			json_t *list, *p;
			size_t n;

			if (r->c->steps[k].kind != CHECKLIST_KIND_PARTS)
				continue;
			rec = job_last_record(r->recs, r->n_recs, r->c->steps[k].id);
			list = rec && rec->parts && rec->result != STEP_SKIP
				       ? json_loads(rec->parts, 0, NULL)
				       : NULL;
			json_array_foreach(list, n, p) {
				const char *origin = json_string_value(json_object_get(p, "origin"));

				json_array_append_new(
					parts, json_pack("{s:s, s:s, s:s, s:s, s:I}", "name",
							 json_string_value(json_object_get(p, "name")),
							 "origin", origin ? origin : "unknown", "serial",
							 json_string_value(json_object_get(p, "serial")),
							 "repair", r->job.checklist_id, "job",
							 (json_int_t)r->job.id));
			}
			json_decref(list);
		}
	}
	return parts;
}

/* The sanitization record's sentences, in the certificate's language. */
/* The second check of the wipe in words: "second check by ines, 2026-12-02", or why none. */
static void second_check(struct eval *e, const struct cert_words *sw, char *out, size_t size)
{
	char by[64], when[32];

	if (e->wipe_checked && e->wipe_check.result == STEP_PASS) {
		clock_iso8601_s(e->wipe_check.t_ms, when, sizeof(when));
		when[10] = '\0';
		snprintf(out, size, "%s %s, %s", sw->second_check,
			 user_name(e->st, e->wipe_check.user_id, by, sizeof(by)), when);
	} else if (!e->wipe_sampled) {
		snprintf(out, size, "%s (%g %%)", sw->not_sampled,
			 e->p->wipe_verification_sample_pct);
	} else {
		snprintf(out, size, "%s", sw->not_checked);
	}
}

/* NIST SP 800-88 Rev. 2 (2025; Rev. 1 was withdrawn), in the terms of IEEE 2883: a phone
 * whose storage is always encrypted is purged by cryptographic erase when it is reset;
 * one that is not is certified only with the method the workshop's policy names, and
 * that method is recorded as a clear: overwriting flash memory from the phone itself
 * does not reach every cell, so it is not a purge. */
/* The sanitization record's sentences in LANG: technique, tool, verification and
 * second_check, set into OUT. */
static void sanitization_words(struct eval *e, const char *lang, json_t *out)
{
	const struct cert_words *sw = words_for(lang);
	int ios = strcmp(platform(e), "ios") == 0;
	int encrypted = ios || json_is_true(facts_json_at(e->facts, "locks.encrypted"));
	char tool[400], verification[400], check[200];

	snprintf(tool, sizeof(tool), "%s; %s %s", ios ? sw->ios_tool : sw->android_tool,
		 sw->checked_by, e->usb_after ? e->usb_tool : e->tool);
	snprintf(verification, sizeof(verification), "%s, %s",
		 e->usb_after ? sw->android_verified : sw->verified,
		 ios ? sw->ios_locks : sw->android_locks);
	second_check(e, sw, check, sizeof(check));
	json_object_set_new(out, "technique",
			    json_string(encrypted ? sw->purge
						  : (e->p->android_unencrypted_method[0]
							     ? e->p->android_unencrypted_method
							     : sw->clear)));
	json_object_set_new(out, "tool", json_string(tool));
	json_object_set_new(out, "verification", json_string(verification));
	json_object_set_new(out, "second_check", json_string(check));
}

static json_t *sanitization_json(struct eval *e)
{
	const struct jobrec *w = approved_of(e, e->p->wipe_checklist);
	int ios = strcmp(platform(e), "ios") == 0;
	int encrypted = ios || json_is_true(facts_json_at(e->facts, "locks.encrypted"));
	char by[64], date[32], when[32];
	json_t *c;

	if (!w)
		return json_null();
	clock_iso8601_s(w->job.submitted_ms, date, sizeof(date));
	date[10] = '\0';
	c = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "standard", "NIST SP 800-88 Rev. 2",
		      "terms", "IEEE 2883-2022", "method", encrypted ? "purge" : "clear",
		      "verified_at",
		      clock_iso8601_s(e->usb_after ? e->usb_ms : e->probe_ms, when, sizeof(when)),
		      "by", user_name(e->st, w->job.trainee_id, by, sizeof(by)), "date", date,
		      "place", e->p->workshop_place);
	if (!c)
		return NULL;
	sanitization_words(e, e->p->language, c);
	/* When the wipe was submitted and who checked it when, for a page to write them in
	 * its own language and time zone. */
	json_object_set_new(c, "wiped_at", json_string(clock_iso8601_s(w->job.submitted_ms, when,
								       sizeof(when))));
	if (e->wipe_checked && e->wipe_check.result == STEP_PASS) {
		json_object_set_new(c, "checked_by",
				    json_string(user_name(e->st, e->wipe_check.user_id, by,
							  sizeof(by))));
		json_object_set_new(c, "checked_at",
				    json_string(clock_iso8601_s(e->wipe_check.t_ms, when,
								sizeof(when))));
	}
	return c;
}

/* A checklist text in each language Atelier speaks: {en, fr, nl} (English where a
 * translation is missing). */
static json_t *all_langs(const struct checklist_text *t)
{
	static const char *const langs[] = { "en", "fr", "nl" };
	json_t *o = json_object();

	for (size_t i = 0; i < sizeof(langs) / sizeof(langs[0]); i++) {
		const char *v = checklist_text(t, langs[i]);

		json_object_set_new(o, langs[i], json_string(v ? v : ""));
	}
	return o;
}

/* The grading scale: each grade of the first grade step, best first, with its label and,
 * for each grade step, what it means: {steps: [{step, title}], grades: [{grade, ctia,
 * label, criteria: [one per step]}]}, texts in every language. */
static json_t *scale_json(struct eval *e)
{
	const struct jobrec *g = approved_of(e, e->p->grade_checklist);
	const struct checklist_step *steps[POLICY_MAX_GRADE_STEPS] = { 0 };
	json_t *st = json_array(), *grades = json_array();

	for (size_t i = 0; g && i < e->p->n_grade_steps; i++)
		for (size_t k = 0; k < g->c->n_steps; k++)
			if (strcmp(g->c->steps[k].id, e->p->grade_steps[i]) == 0)
				steps[i] = &g->c->steps[k];
	for (size_t i = 0; i < e->p->n_grade_steps && steps[i]; i++)
		json_array_append_new(st, json_pack("{s:s, s:o}", "step", steps[i]->id, "title",
						    all_langs(&steps[i]->title)));
	for (size_t o = 0; steps[0] && o < steps[0]->n_options; o++) {
		const struct checklist_option *opt = &steps[0]->options[o];
		json_t *crit = json_array();

		for (size_t i = 0; i < e->p->n_grade_steps && steps[i]; i++) {
			const struct checklist_option *same = NULL;

			for (size_t k = 0; k < steps[i]->n_options; k++)
				if (strcmp(steps[i]->options[k].value, opt->value) == 0)
					same = &steps[i]->options[k];
			json_array_append_new(crit, same && same->criteria.en
							    ? all_langs(&same->criteria)
							    : json_null());
		}
		json_array_append_new(grades, json_pack("{s:s, s:s?, s:o, s:o}", "grade", opt->value,
							"ctia", opt->ctia, "label",
							all_langs(&opt->label), "criteria", crit));
	}
	return json_pack("{s:o, s:o}", "steps", st, "grades", grades);
}

/* Each lock as it was read, with when: [{check, state, read_at}]. */
static json_t *locks_json(struct eval *e)
{
	static const char *const ios[] = { "find_my", NULL };
	static const char *const android[] = { "google_accounts", "frp", "bootloader", NULL };
	const char *const *checks = strcmp(platform(e), "ios") == 0	  ? ios
				    : strcmp(platform(e), "android") == 0 ? android
									  : NULL;
	json_t *arr = json_array();
	char path[64], when[32], state[32];

	clock_iso8601_s(e->probe_ms, when, sizeof(when));
	for (size_t i = 0; checks && checks[i]; i++) {
		json_t *v;

		snprintf(path, sizeof(path), "locks.%s", checks[i]);
		v = facts_json_at(e->facts, path);
		if (json_is_integer(v))
			snprintf(state, sizeof(state), "%lld", (long long)json_integer_value(v));
		else if (json_is_string(v))
			snprintf(state, sizeof(state), "%s", json_string_value(v));
		else
			continue; /* not read: the policy did not ask for it */
		json_array_append_new(arr, json_pack("{s:s, s:s, s:s}", "check", checks[i],
						     "state", state, "read_at", when));
	}
	return arr;
}

/* The certificate's sentences in every language Atelier speaks, so that a page in
 * another language than the certificate's shows none in the certificate's:
 * {en: {"cosmetic.label", "cosmetic.criteria", "sanitization.technique", ...,
 * "checklists": [titles]}, fr: ..., nl: ...}. */
static json_t *translations_json(struct eval *e)
{
	static const char *const langs[] = { "en", "fr", "nl" };
	const struct checklist_option *o = grade_option(e);
	json_t *all = json_object();

	for (size_t l = 0; l < sizeof(langs) / sizeof(langs[0]); l++) {
		json_t *t = json_object(), *san = json_object(), *titles = json_array(), *v;
		const char *k;

		if (o) {
			json_object_set_new(t, "cosmetic.label",
					    json_string(checklist_text(&o->label, langs[l])));
			json_object_set_new(t, "cosmetic.criteria",
					    json_string(o->criteria.en
								? checklist_text(&o->criteria, langs[l])
								: ""));
		}
		if (approved_of(e, e->p->wipe_checklist)) {
			sanitization_words(e, langs[l], san);
			json_object_foreach(san, k, v) {
				char key[64];

				snprintf(key, sizeof(key), "sanitization.%s", k);
				json_object_set(t, key, v);
			}
		}
		json_decref(san);
		for (size_t i = 0; i < e->n_req; i++)
			if (e->req[i])
				json_array_append_new(
					titles, json_string(checklist_text(&e->req[i]->c->title,
									   langs[l])));
		json_object_set_new(t, "checklists", titles);
		json_object_set_new(all, langs[l], t);
	}
	return all;
}

static json_t *checklists_json(struct eval *e, json_t *trainees)
{
	json_t *arr = json_array();
	char t[64], a[64], when[32];

	for (size_t i = 0; i < e->n_req; i++) {
		const struct jobrec *r = e->req[i];
		size_t k;
		json_t *v;
		int seen = 0;

		if (!r)
			continue;
		user_name(e->st, r->job.trainee_id, t, sizeof(t));
		json_array_append_new(
			arr, json_pack("{s:s, s:i, s:s, s:I, s:s, s:s, s:s}", "id", e->req_ids[i],
				       "version", r->job.checklist_version, "title",
				       checklist_text(&r->c->title, e->p->language), "job",
				       (json_int_t)r->job.id, "trainee", t, "approved_by",
				       user_name(e->st, r->grade.by_user, a, sizeof(a)),
				       "approved_at", clock_iso8601_s(r->grade.t_ms, when, sizeof(when))));
		json_array_foreach(trainees, k, v)
			seen |= strcmp(json_string_value(v), t) == 0;
		if (!seen)
			json_array_append_new(trainees, json_string(t));
	}
	return arr;
}

static json_t *certificate_json(struct eval *e)
{
	json_t *trainees = json_array(), *c;
	char id[32], when[32], by[64];

	certify_new_id(e->now_ms, id, sizeof(id));
	c = json_pack("{s:s, s:s, s:s, s:s, s:{s:s, s:s, s:s, s:s, s:s, s:s, s:s}, s:o, "
		      "s:{s:o, s:o, s:o}}",
		      "format", CERTIFY_FORMAT, "id", id, "issued_at",
		      clock_iso8601_s(e->now_ms, when, sizeof(when)), "language", e->p->language,
		      "workshop", "name", e->p->workshop_name, "place", e->p->workshop_place,
		      "legal_name", e->p->workshop_legal_name, "address", e->p->workshop_address,
		      "company_number", e->p->workshop_company_number, "contact",
		      e->p->workshop_contact, "timezone", e->p->workshop_timezone, "device",
		      device_json(e), "os", "name",
		      fact_copy(e->facts, "os.name"), "version", fact_copy(e->facts, "os.version"),
		      "build", fact_copy(e->facts, "os.build"));
	if (!c) {
		json_decref(trainees);
		return NULL;
	}
	json_object_set_new(c, "battery", battery_json(e));
	json_object_set_new(c, "cosmetic", cosmetic_json(e));
	if (json_is_object(json_object_get(c, "cosmetic")))
		json_object_set_new(json_object_get(c, "cosmetic"), "scale", scale_json(e));
	json_object_set_new(c, "locks", locks_json(e));
	json_object_set_new(c, "warranty_months", json_integer(e->p->warranty_months));
	json_object_set_new(c, "functional", functional_json(e));
	json_object_set_new(c, "parts", parts_json(e));
	json_object_set_new(c, "sanitization", sanitization_json(e));
	json_object_set_new(c, "checklists", checklists_json(e, trainees));
	json_object_set_new(c, "trainees", trainees);
	json_object_set_new(c, "translations", translations_json(e));
	json_object_set_new(c, "approved_by",
			    json_string(certify_label(e->by, by, sizeof(by))));
	return c;
}

void certify_new_id(long long now_ms, char *out, size_t size)
{
	unsigned char r[4];
	char hex[9], day[32];

	if (sodium_init() < 0)
		abort(); /* libsodium cannot start: nothing random can be made */
	randombytes_buf(r, sizeof(r));
	sodium_bin2hex(hex, sizeof(hex), r, sizeof(r));
	for (char *p = hex; *p; p++)
		if (*p >= 'a' && *p <= 'f')
			*p = (char)(*p - 'a' + 'A');
	clock_iso8601_s(now_ms, day, sizeof(day));
	snprintf(out, size, "ATL-%.4s%.2s%.2s-%s", day, day + 5, day + 8, hex);
}

int certify_qr_text(const json_t *cert, char *out, size_t size)
{
	const char *id = json_string_value(json_object_get(cert, "id"));
	char sig[100];
	int n;

	if (!id || sign_value_url(cert, sig, sizeof(sig)) != 0)
		return -1;
	n = snprintf(out, size, "%s%s:%s", CERTIFY_QR_PREFIX, id, sig);
	return n > 0 && (size_t)n < size ? 0 : -1;
}

int certify_link_text(const json_t *cert, const char *base, char *out, size_t size)
{
	const char *id = json_string_value(json_object_get(cert, "id"));
	char sig[100];
	int n;

	if (!id || !base || sign_value_url(cert, sig, sizeof(sig)) != 0)
		return -1;
	n = snprintf(out, size, "%s/v/%s#%s", base, id, sig);
	return n > 0 && (size_t)n < size ? 0 : -1;
}

int certify_link_to_qr(const char *text, size_t len, char *out, size_t size)
{
	const char *hash, *id, *v = NULL;
	size_t idlen;
	int n;

	if (len > 0 && text[len - 1] == '\n')
		len--;
	if (len > 2048 || memchr(text, '\0', len))
		return -1;
	hash = memchr(text, '#', len);
	if (!hash)
		return -1;
	/* The id: after the last "/v/" before the '#', or the whole text before it. */
	for (const char *p = text; p + 3 <= hash; p++)
		if (memcmp(p, "/v/", 3) == 0)
			v = p;
	if (v) {
		if ((size_t)(hash - text) < 8 ||
		    (strncmp(text, "https://", 8) != 0 && strncmp(text, "http://", 7) != 0))
			return -1;
		id = v + 3;
	} else {
		id = text;
	}
	idlen = (size_t)(hash - id);
	if (idlen == 0 || idlen > 64 || memchr(id, '/', idlen) || memchr(id, ':', idlen))
		return -1;
	n = snprintf(out, size, "%s%.*s:%.*s", CERTIFY_QR_PREFIX, (int)idlen, id,
		     (int)(len - (size_t)(hash + 1 - text)), hash + 1);
	return n > 0 && (size_t)n < size ? 0 : -1;
}

static void eval_release(struct eval *e)
{
	for (size_t i = 0; i < e->n_jobs; i++) {
		if (e->jobs[i].has_grade)
			store_grade_release(&e->jobs[i].grade);
		checklist_free(e->jobs[i].c);
		store_steps_free(e->jobs[i].recs, e->jobs[i].n_recs);
	}
	free(e->jobs);
}

enum certify_err certify_evaluate(struct store *st, const struct policy *p, long long device_id,
				  const struct store_user *by, long long now_ms, json_t *facts,
				  struct certify_outcome *out, char *why, size_t size)
{
	struct eval e = { .st = st, .p = p, .by = by, .now_ms = now_ms, .why = why, .size = size };
	const struct policy_required *req;
	enum certify_err err = CERTIFY_OK;
	enum store_err se;

	memset(out, 0, sizeof(*out));
	se = store_device_get(st, device_id, &e.dev);
	if (se == STORE_ENOENT)
		return CERTIFY_ENODEV;
	if (se) {
		snprintf(why, size, "%s", store_last_error_message());
		return CERTIFY_ESTORE;
	}
	e.unmet = json_array();
	e.said = json_array();
	if (!e.unmet || !e.said) {
		json_decref(e.unmet);
		json_decref(e.said);
		return CERTIFY_ENOMEM;
	}
	e.facts = json_is_object(facts) ? facts : json_object();
	e.probe_ms = json_integer_value(facts_json_at(facts, "readings.full_ms"));
	e.usb_ms = json_integer_value(facts_json_at(facts, "readings.usb_only_ms"));
	e.usb_after = strcmp(platform(&e), "android") == 0 && e.usb_ms > e.probe_ms;
	snprintf(e.tool, sizeof(e.tool), "%s",
		 json_string_value(facts_json_at(facts, "readings.full_tool"))
			 ? json_string_value(facts_json_at(facts, "readings.full_tool"))
			 : "unknown tool");
	snprintf(e.usb_tool, sizeof(e.usb_tool), "%s",
		 json_string_value(facts_json_at(facts, "readings.usb_only_tool"))
			 ? json_string_value(facts_json_at(facts, "readings.usb_only_tool"))
			 : "unknown tool");
	err = load_jobs(&e);
	if (err)
		goto out;
	out->from_state = e.dev.state;
	if (!e.probe_ms)
		unmet(&e, N_("The device was never read: plug it in at a bench."), NULL,
		      "the device was never read: plug it in and run 'atelier probe'");
	req = policy_required_for(p, e.dev.platform, facts_json_string(e.facts, "device.class"));
	if (!req)
		unmet(&e,
		      N_("The workshop's policy names no checklists for this kind of device: the "
			 "coordinator adds them (policy.yaml)."),
		      NULL, "the policy names no required checklists for platform '%s'",
		      e.dev.platform);
	for (size_t i = 0; req && i < req->n; i++)
		add_required(&e, req->ids[i]);
	if (p->check_wiped)
		add_required(&e, p->wipe_checklist);
	if (p->check_grade)
		add_required(&e, p->grade_checklist);
	err = load_wipe_check(&e);
	if (err)
		goto out;
	check_conditions(&e);
	if (json_array_size(e.unmet) == 0) {
		out->cert = certificate_json(&e);
		if (!out->cert)
			err = CERTIFY_ENOMEM;
	}
out:
	if (e.facts != facts)
		json_decref(e.facts);
	eval_release(&e);
	if (err) {
		json_decref(e.unmet);
		json_decref(e.said);
		return err;
	}
	out->unmet = e.unmet;
	out->said = e.said;
	return CERTIFY_OK;
}

void certify_outcome_release(struct certify_outcome *o)
{
	json_decref(o->unmet);
	json_decref(o->said);
	json_decref(o->cert);
	memset(o, 0, sizeof(*o));
}
