/*
 * Jobs: starting one on a device (in the order of work), what each kind of step accepts,
 * steps that apply to some devices only, what a failed step does (go on, stop the job,
 * set the device aside), submitting, an instructor's decisions (cancel, resume, the
 * second check of a data wipe), grading and acknowledging. See svc.h; the record itself
 * (hash chain) is src/job/job.c, the fit of a grade to its checklist src/job/grade.c.
 */
#include "svc/svc_int.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "cert/lifecycle.h"
#include "checklist/expr.h"
#include "job/grade.h"
#include "job/job.h"
#include "probe/facts.h"
#include "util/clock.h"
#include "util/file.h"
#include "util/hash.h"
#include "util/i18n.h"
#include "util/imei.h"
#include "util/log.h"
#include "util/number.h"
#include "util/text.h"

#define CHECKLIST_FILE_MAX (256 * 1024)
#define GRADE_MAX_SCORES CHECKLIST_MAX_LIST
#define AUTO_READ_MS 30000 /* how long an auto step waits for the device */
#define VALUE_MAX 200      /* bytes of a value typed by hand */
#define NOTE_MAX 2000      /* bytes of a note */
#define TESTER_MAX 120     /* bytes of an instrument's name */
#define PART_FIELD_MAX 127 /* bytes of a part's name, origin, serial or supplier */
#define EVENT_NOTE_MAX 500 /* bytes of an instructor's reason; an event keeps 511 */

/* The ways a part can come, as a buyer reads them on the certificate. */
static const char *const part_origins[] = { "genuine", "used-original", "aftermarket", NULL };

/* One job with what its rules look at: the pinned checklist, the device's facts (its
 * reading and what trainees recorded), the records and the instructor's decisions. */
struct work {
	struct store_job job;
	const struct checklist *c; /* NULL when the pinned text no longer loads (borrowed) */
	json_t *facts;       /* svc_device_facts(); "entered" holds the recorded facts */
	struct store_step *recs;
	size_t n_recs;
	struct store_job_event *events;
	size_t n_events;
	unsigned need; /* what work_load() was asked for */
	/* What may_record() reads once: the device's state (when it is known) and the steps
	 * an instructor sent back for redo (NULL: none). Kept with the work: its stamp moves
	 * with the device's state and with every grade. */
	int rules_read, has_device;
	enum device_state device_state;
	json_t *redo;
};

static void work_release(struct work *w)
{
	json_decref(w->facts);
	json_decref(w->redo);
	store_steps_free(w->recs, w->n_recs);
	free(w->events);
	memset(w, 0, sizeof(*w));
}

/* Add REC, just appended, to W's records (its texts copied); when W holds only the last
 * record of each step (LATEST), it replaces the step's last. 0 when out of memory. */
static int work_add_record(struct work *w, const struct store_step *rec, int latest)
{
	struct store_step *more, *r;
	char **texts[5];

	for (size_t i = 0; latest && i < w->n_recs; i++) {
		if (strcmp(w->recs[i].step_id, rec->step_id) != 0)
			continue;
		store_step_release(&w->recs[i]);
		memmove(&w->recs[i], &w->recs[i + 1], (w->n_recs - i - 1) * sizeof(*r));
		w->n_recs--;
		break;
	}
	more = realloc(w->recs, (w->n_recs + 1) * sizeof(*more));
	if (!more)
		return 0;
	w->recs = more;
	r = &more[w->n_recs];
	*r = *rec;
	texts[0] = &r->value, texts[1] = &r->note, texts[2] = &r->parts, texts[3] = &r->facts,
	texts[4] = &r->tester;
	for (size_t i = 0; i < 5; i++) {
		if (*texts[i] && !(*texts[i] = strdup(*texts[i]))) {
			for (size_t k = 0; k < i; k++)
				free(*texts[k]);
			return 0;
		}
	}
	w->n_recs++;
	return 1;
}

/* The pinned checklist of JOB, from its snapshot (borrowed from B). */
static enum svc_err load_pinned(struct bench *b, const struct store_job *job,
				const struct checklist **c)
{
	return svc_pinned(b, job, c);
}

/* What work_load() must give. */
enum work_need {
	WORK_CHECKLIST = 1, /* a checklist that no longer loads is an error (else left NULL,
			     * and the records are still shown) */
	WORK_FACTS = 2,     /* the device's facts, for the steps that apply */
	WORK_LATEST = 4,    /* only the last record of each step: enough for the rules of
			     * the next step, whatever the length of the job's history */
	WORK_BRIEF = 8,	    /* with WORK_LATEST: the records without their texts (a view of
			     * many jobs: where each is, not what was written) */
};

/* Load job ID for its rules, with NEED. FACTS (may be NULL) are the device's facts the
 * caller already has; W takes them over. */
static enum svc_err work_load(struct bench *b, long long id, unsigned need, json_t *facts,
			      struct work *w)
{
	enum store_err err;
	enum svc_err rc;

	memset(w, 0, sizeof(*w));
	w->facts = facts;
	w->need = need;
	rc = svc_get_job(b, id, &w->job);
	if (rc)
		return rc;
	if (load_pinned(b, &w->job, &w->c) != SVC_OK && (need & WORK_CHECKLIST))
		return SVC_EREFUSED;
	if (!w->facts && (need & WORK_FACTS)) {
		rc = svc_device_facts(b, w->job.device_id, &w->facts);
		if (rc)
			return rc;
	}
	if (need & WORK_BRIEF)
		err = store_steps_latest_brief(b->st, id, &w->recs, &w->n_recs);
	else if (need & WORK_LATEST)
		err = store_steps_latest_of(b->st, id, &w->recs, &w->n_recs);
	else
		err = store_steps_of(b->st, id, &w->recs, &w->n_recs);
	if (!err)
		err = store_job_events(b->st, id, &w->events, &w->n_events);
	return err ? svc_store_fail(b, err, "read the job's records") : SVC_OK;
}

/* ---- the work a server's writer keeps ----
 * A server records every step on one context (its writer). Reading a job's records, its
 * device's facts and its events again at each step costs more than the step: the writer
 * keeps them, each job's with its stamp (store_work_stamp(): the job's row, its last
 * record and event, its device's probes), taken before they were read. They are used
 * again while the stamp has not moved: on SQLite that is known without a read as long
 * as no other connection committed; on PostgreSQL, where other benches write to the same
 * records, it is one read in place of seven. The writer's own step moves the stamp by
 * one record. Records another bench added to the job are read and added to what is kept
 * (kept_catch_up()); anything else that moved, and the job's work is read again. */
#define WORK_KEPT_MAX 64

struct svc_kept_work {
	size_t n, next;
	struct work w[WORK_KEPT_MAX];
	struct store_work_stamp stamp[WORK_KEPT_MAX];
};

void svc_keep_work(struct bench *b)
{
	if (!b->kept)
		b->kept = calloc(1, sizeof(*b->kept));
	svc_seal_later(b);
	if (b->st && store_checkpoint_apart(b->st, STORE_LOG_RESTART_PAGES) != STORE_OK)
		log_msg(LOG_DEBUG, "the log is checkpointed in the commits: %s",
			store_last_error_message());
}

static void kept_clear(struct svc_kept_work *k)
{
	for (size_t i = 0; i < k->n; i++)
		work_release(&k->w[i]);
	k->n = k->next = 0;
}

void svc_kept_work_free(struct bench *b)
{
	if (!b->kept)
		return;
	kept_clear(b->kept);
	free(b->kept);
	b->kept = NULL;
}

/* The changes this connection made from BEFORE on moved no kept job's stamp. */
static void kept_own_changes(struct bench *b, long long before)
{
	for (size_t i = 0; b->kept && i < b->kept->n; i++)
		store_work_stamp_own(b->st, &b->kept->stamp[i], before);
}

void svc_kept_work_sealed(struct bench *b, long long before)
{
	kept_own_changes(b, before);
}

static void kept_work_forget(struct bench *b)
{
	if (b->kept)
		kept_clear(b->kept);
}

/* Forget the kept work of job ID only. */
static void kept_job_forget(struct svc_kept_work *k, long long id)
{
	for (size_t i = 0; i < k->n; i++)
		if (k->w[i].job.id == id) {
			work_release(&k->w[i]);
			k->w[i].job.id = 0; /* a free place */
		}
}

static const struct checklist_step *find_step(const struct checklist *c, const char *id);

/* Bring W, kept with STAMP, up to NOW, when only records were added to its job since (by
 * another bench on the same job): they are read and counted in, unless one of them
 * entered a fact (the device's facts would change) or more came meanwhile. 1 when W
 * and STAMP are true again. */
static int kept_catch_up(struct bench *b, struct work *w, struct store_work_stamp *stamp,
			 const struct store_work_stamp *now)
{
	struct store_step *recs = NULL;
	size_t n = 0;
	int ok;

	if (store_steps_after(b->st, w->job.id, stamp->last_seq, &recs, &n) != STORE_OK)
		return 0;
	ok = n > 0 && recs[n - 1].seq == now->last_seq;
	for (size_t i = 0; ok && i < n; i++) {
		const struct checklist_step *s = find_step(w->c, recs[i].step_id);

		ok = !(s && s->records) && work_add_record(w, &recs[i], 1);
	}
	store_steps_free(recs, n);
	if (ok)
		*stamp = *now;
	return ok;
}

/* The kept work of job ID, when the writer keeps work, it holds it and it is still true
 * (brought up to date when another bench only added records); else NULL. */
static struct work *kept_work(struct bench *b, long long id)
{
	struct svc_kept_work *k = b->kept;
	struct store_work_stamp now;
	enum store_stamp_move move;

	for (size_t i = 0; k && id && i < k->n; i++) {
		if (k->w[i].job.id != id)
			continue;
		if (store_work_look(b->st, &k->stamp[i], &now, &move) == STORE_OK &&
		    (move == STORE_STAMP_SAME ||
		     (move == STORE_STAMP_RECORDS &&
		      kept_catch_up(b, &k->w[i], &k->stamp[i], &now)))) {
			k->stamp[i] = now;
			return &k->w[i];
		}
		kept_job_forget(k, id);
		return NULL;
	}
	return NULL;
}

/* After the writer recorded SEQ in job ID, whose work it keeps (with that record in it):
 * the stamp counts it in, or is looked at again at the next step when another's record
 * came between. */
static void kept_stepped(struct bench *b, long long id, long long seq)
{
	struct svc_kept_work *k = b->kept;

	for (size_t i = 0; k && i < k->n; i++)
		if (k->w[i].job.id == id && !store_work_stamp_step(b->st, &k->stamp[i], seq))
			kept_job_forget(k, id);
}

/* Keep W, loaded by this request after STAMP was taken (both taken over: W is left
 * empty), with the record SEQ this request made in it. */
static void keep_work(struct bench *b, struct work *w, struct store_work_stamp *stamp,
		      long long seq)
{
	struct svc_kept_work *k = b->kept;
	size_t i;

	if (!k || !store_work_stamp_step(b->st, stamp, seq))
		return;
	kept_job_forget(k, w->job.id);
	for (i = 0; i < k->n && k->w[i].job.id; i++)
		;
	if (i < k->n) {
		/* a free place */
	} else if (k->n < WORK_KEPT_MAX) {
		i = k->n++;
	} else {
		i = k->next;
		k->next = (k->next + 1) % WORK_KEPT_MAX;
		work_release(&k->w[i]);
	}
	k->w[i] = *w;
	k->stamp[i] = *stamp;
	memset(w, 0, sizeof(*w));
}

static const struct checklist_step *find_step(const struct checklist *c, const char *id)
{
	for (size_t i = 0; c && id && i < c->n_steps; i++)
		if (strcmp(c->steps[i].id, id) == 0)
			return &c->steps[i];
	return NULL;
}

/* Does step S of W's job apply to its device? Decided on the device's facts, without
 * the answer S itself recorded. */
static int applies(const struct work *w, const struct checklist_step *s)
{
	json_t *facts;
	int yes;

	if (!s->applies_if)
		return 1;
	if (!s->records || !json_object_get(json_object_get(w->facts, "entered"), s->records))
		return checklist_step_applies(s, w->facts);
	/* Put back what the device said, then every other recorded fact. */
	facts = json_deep_copy(w->facts);
	if (!facts)
		return 1;
	facts_json_set(facts, s->records, json_null());
	svc_merge_entered(facts, json_object_get(w->facts, "entered"), w->job.id, s->id);
	yes = checklist_step_applies(s, facts);
	json_decref(facts);
	return yes;
}

/* The failed record of a step that stops the job, when no instructor has let work go on
 * after it (and the step was not done again since); NULL when work may go on. */
static const struct store_step *stopped_by(const struct work *w)
{
	for (size_t k = 0; w->c && k < w->c->n_steps; k++) {
		const struct checklist_step *s = &w->c->steps[k];
		const struct store_step *r;
		int resumed = 0;

		if (s->on_fail != CHECKLIST_ON_FAIL_STOP)
			continue;
		r = job_last_record(w->recs, w->n_recs, s->id);
		if (!r || r->result != STEP_FAIL)
			continue;
		for (size_t e = 0; e < w->n_events; e++)
			resumed |= w->events[e].kind == STORE_JOB_RESUME &&
				   w->events[e].record_id == r->id;
		if (!resumed)
			return r;
	}
	return NULL;
}

/* The latest event of KIND, or NULL. */
static const struct store_job_event *last_event(const struct work *w, enum store_job_event_kind kind)
{
	const struct store_job_event *found = NULL;

	for (size_t e = 0; e < w->n_events; e++)
		if (w->events[e].kind == kind)
			found = &w->events[e];
	return found;
}

static json_t *step_ref(const struct checklist_step *s)
{
	return s ? json_pack("{s:s, s:s}", "id", s->id, "title", checklist_text(&s->title, "en"))
		 : json_null();
}

/* Which steps of W's checklist have a record: a flag for each, by the step's place
 * (free()); NULL when out of memory. Each record's step is found in a hash of the
 * steps' ids: asking job_last_record() for each step compared every step with every
 * record, 10,000 comparisons for each step recorded into a job of 100 steps near its
 * end. */
static unsigned char *steps_recorded(const struct work *w)
{
	size_t n = w->c ? w->c->n_steps : 0, size = 16;
	unsigned char *done;
	size_t *slot;

	while (size < 2 * n)
		size *= 2;
	done = calloc(n ? n : 1, 1);
	slot = calloc(size, sizeof(*slot)); /* a step's place + 1; 0: empty */
	if (!done || !slot) {
		free(done);
		free(slot);
		return NULL;
	}
	for (size_t k = 0; k < n; k++) {
		size_t i = hash_text(w->c->steps[k].id) & (size - 1);

		while (slot[i])
			i = (i + 1) & (size - 1);
		slot[i] = k + 1;
	}
	for (size_t r = 0; r < w->n_recs; r++) {
		for (size_t i = hash_text(w->recs[r].step_id) & (size - 1); slot[i];
		     i = (i + 1) & (size - 1)) {
			if (strcmp(w->c->steps[slot[i] - 1].id, w->recs[r].step_id) == 0) {
				done[slot[i] - 1] = 1;
				break;
			}
		}
	}
	free(slot);
	return done;
}

/* Has step K of W's checklist a record? From DONE (steps_recorded()), else asked. */
static int step_done(const struct work *w, const unsigned char *done, size_t k)
{
	return done ? done[k] : job_last_record(w->recs, w->n_recs, w->c->steps[k].id) != NULL;
}

/* The first step after AFTER (NULL: from the start) that applies and has no record; then,
 * when none is left after it, the first one before it (a step left out earlier, or one
 * that applies now because of what AFTER recorded). */
static const struct checklist_step *next_step(const struct work *w, const char *after)
{
	size_t from = 0, n = w->c ? w->c->n_steps : 0;
	const struct checklist_step *found = NULL;
	unsigned char *done;

	if (!n)
		return NULL;
	done = steps_recorded(w);
	if (after)
		for (; from < n && strcmp(w->c->steps[from].id, after) != 0; from++)
			;
	from = after && from < n ? from + 1 : 0;
	for (size_t i = 0; i < n && !found; i++) {
		size_t k = (from + i) % n;

		if (!step_done(w, done, k) && applies(w, &w->c->steps[k]))
			found = &w->c->steps[k];
	}
	free(done);
	return found;
}

/* ---- views ---- */

/* Grade G, the NUMBER-th of its job, as JSON; C (may be NULL) gives each rubric item's
 * maximum ("score_max"). */
static json_t *grade_json(struct bench *b, const struct store_grade *g, size_t number,
			  const struct checklist *c)
{
	char by[64], acker[64];
	json_t *o, *v;

	o = json_pack("{s:I, s:s, s:s, s:s, s:I, s:I, s:b}", "grade", (json_int_t)number,
		      "verdict", verdict_name(g->verdict), "feedback",
		      g->feedback ? g->feedback : "", "by",
		      svc_user_name(b, g->by_user, by, sizeof(by)), "t_ms", (json_int_t)g->t_ms,
		      "submitted_ms", (json_int_t)g->submitted_ms, "acknowledged", g->ack_user != 0);
	v = g->redo ? json_loads(g->redo, 0, NULL) : NULL;
	json_object_set_new(o, "redo", v ? v : json_null());
	v = g->scores ? json_loads(g->scores, 0, NULL) : NULL;
	json_object_set_new(o, "scores", v ? v : json_null());
	v = json_object();
	for (size_t i = 0; c && i < c->n_rubric; i++)
		json_object_set_new(v, c->rubric[i].id, json_integer(c->rubric[i].max));
	json_object_set_new(o, "score_max", v);
	if (g->ack_user) {
		json_object_set_new(o, "ack_by",
				    json_string(svc_user_name(b, g->ack_user, acker, sizeof(acker))));
		json_object_set_new(o, "ack_t_ms", json_integer(g->ack_ms));
	} else {
		json_object_set_new(o, "ack_by", json_null());
		json_object_set_new(o, "ack_t_ms", json_null());
	}
	return o;
}

/* When JOB is open again after a redo asked by G (its latest grade; may be NULL), the
 * steps to redo (a new JSON array, empty when the grade names none) and *GRADE_MS the
 * grade's time (may be NULL); else NULL. */
static json_t *redo_of(const struct store_job *job, const struct store_grade *g,
		       long long *grade_ms)
{
	json_t *steps;

	if (!g || job->state != JOB_STATE_OPEN || g->verdict != VERDICT_REDO)
		return NULL;
	steps = g->redo ? json_loads(g->redo, 0, NULL) : NULL;
	if (!json_is_array(steps)) {
		json_decref(steps);
		steps = json_array();
	}
	if (grade_ms)
		*grade_ms = g->t_ms;
	return steps;
}

/* redo_of() JOB's latest grade, read from the store. */
static enum svc_err redo_in_force(struct bench *b, const struct store_job *job, json_t **steps,
				  long long *grade_ms)
{
	struct store_grade g;
	enum store_err err;

	*steps = NULL;
	if (job->state != JOB_STATE_OPEN)
		return SVC_OK;
	err = store_grade_last(b->st, job->id, &g);
	if (err == STORE_ENOENT)
		return SVC_OK;
	if (err)
		return svc_store_fail(b, err, "read the grades");
	*steps = redo_of(job, &g, grade_ms);
	store_grade_release(&g);
	return SVC_OK;
}

/* 1 when W holds a record of STEP made at T_MS or later. */
static int recorded_since(const struct work *w, const char *step, long long t_ms)
{
	for (size_t k = 0; k < w->n_recs; k++)
		if (strcmp(w->recs[k].step_id, step) == 0 && w->recs[k].t_ms >= t_ms)
			return 1;
	return 0;
}

static json_t *record_json(struct bench *b, const struct store_step *steps, size_t i)
{
	char by[64];
	json_int_t corr_seq = 0;
	json_t *r;

	r = json_pack("{s:i, s:s, s:s, s:s, s:I, s:I}", "record", steps[i].seq, "step",
		      steps[i].step_id, "result", step_result_name(steps[i].result), "by",
		      svc_user_name(b, steps[i].user_id, by, sizeof(by)), "t_ms",
		      (json_int_t)steps[i].t_ms, "spent_ms", (json_int_t)steps[i].spent_ms);
	json_object_set_new(r, "value", svc_str_or_null(steps[i].value));
	json_object_set_new(r, "note", svc_str_or_null(steps[i].note));
	json_object_set_new(r, "tester", svc_str_or_null(steps[i].tester));
	/* The bench it was recorded at (schema 14), null for older records. */
	json_object_set_new(r, "bench", steps[i].bench[0] ? json_string(steps[i].bench) : json_null());
	json_object_set_new(r, "parts",
			    steps[i].parts ? json_loads(steps[i].parts, 0, NULL) : json_null());
	json_object_set_new(r, "facts",
			    steps[i].facts ? json_loads(steps[i].facts, 0, NULL) : json_null());
	for (size_t k = 0; k < i; k++)
		if (steps[k].id == steps[i].corrects)
			corr_seq = steps[k].seq;
	json_object_set_new(r, "corrects", corr_seq ? json_integer(corr_seq) : json_null());
	return r;
}

static json_t *event_json(struct bench *b, const struct store_job_event *e)
{
	char by[64];
	json_t *o = json_pack("{s:s, s:s, s:I}", "by", svc_user_name(b, e->user_id, by, sizeof(by)),
			      e->kind == STORE_JOB_WIPE_CHECK ? "note" : "why", e->note, "t_ms",
			      (json_int_t)e->t_ms);

	if (e->kind == STORE_JOB_WIPE_CHECK)
		json_object_set_new(o, "result", json_string(step_result_name(e->result)));
	return o;
}

/* The job view (svc.h). */
static json_t *job_json(struct bench *b, const struct work *w)
{
	struct store_grade *grades = NULL;
	const struct store_job *job = &w->job;
	const struct store_step *stop = stopped_by(w);
	const struct store_job_event *e;
	json_t *o, *recs = json_array(), *arr = json_array(), *redo = NULL, *left = json_array();
	long long grade_ms = 0;
	char trainee[64];
	size_t ng = 0;

	o = json_pack("{s:I, s:I, s:s, s:i, s:s, s:s, s:s, s:I}", "id", (json_int_t)job->id,
		      "device", (json_int_t)job->device_id, "checklist", job->checklist_id,
		      "checklist_version", job->checklist_version, "checklist_hash",
		      job->checklist_hash, "trainee",
		      svc_user_name(b, job->trainee_id, trainee, sizeof(trainee)), "state",
		      job_state_name(job->state), "started_ms", (json_int_t)job->started_ms);
	json_object_set_new(o, "device_name", svc_device_name(b, job->device_id));
	for (size_t i = 0; i < w->n_recs; i++)
		json_array_append_new(recs, record_json(b, w->recs, i));
	json_object_set_new(o, "records", recs);
	if (w->c) {
		json_t *todo = json_array(), *not_here = json_array();
		unsigned char *done = steps_recorded(w);

		for (size_t i = 0; i < w->c->n_steps; i++) {
			const struct checklist_step *s = &w->c->steps[i];

			if (!applies(w, s))
				json_array_append_new(not_here, json_string(s->id));
			else if (!step_done(w, done, i))
				json_array_append_new(todo, json_string(s->id));
		}
		free(done);
		json_object_set_new(o, "steps_to_do", todo);
		json_object_set_new(o, "steps_not_applicable", not_here);
	}
	json_object_set_new(o, "submitted_ms",
			    job->submitted_ms ? json_integer(job->submitted_ms) : json_null());
	if (store_grades_of(b->st, job->id, &grades, &ng) != STORE_OK)
		ng = 0;
	for (size_t i = 0; i < ng; i++)
		json_array_append_new(arr, grade_json(b, &grades[i], i + 1, w->c));
	json_object_set_new(o, "grades", arr);
	/* Steps sent back for redo that have no record since the grade. */
	redo = redo_of(job, ng ? &grades[ng - 1] : NULL, &grade_ms);
	if (redo) {
		size_t i;
		json_t *step;

		json_array_foreach(redo, i, step)
			if (!recorded_since(w, json_string_value(step), grade_ms))
				json_array_append(left, step);
	}
	json_decref(redo);
	store_grades_free(grades, ng);
	json_object_set_new(o, "steps_to_redo", left);
	json_object_set_new(o, "stopped_by",
			    stop && job->state == JOB_STATE_OPEN
				    ? json_pack("{s:s, s:i}", "step", stop->step_id, "record", stop->seq)
				    : json_null());
	e = last_event(w, STORE_JOB_CANCEL);
	json_object_set_new(o, "cancelled", e ? event_json(b, e) : json_null());
	e = last_event(w, STORE_JOB_WIPE_CHECK);
	json_object_set_new(o, "wipe_check", e ? event_json(b, e) : json_null());
	return o;
}

enum svc_err svc_job_show(struct bench *b, long long id, json_t **view)
{
	if (b->remote)
		return svc_remote_job(b, "GET", id, NULL, NULL, view);
	struct work w;
	enum svc_err rc = work_load(b, id, WORK_FACTS, NULL, &w);

	*view = rc ? NULL : job_json(b, &w);
	work_release(&w);
	return rc;
}

enum svc_err svc_job_checklist(struct bench *b, long long id, json_t **view)
{
	const struct checklist *c;
	struct store_job job;
	enum svc_err rc;

	*view = NULL;
	if (b->remote)
		return svc_remote_job(b, "GET", id, "checklist", NULL, view);
	rc = svc_get_job(b, id, &job);
	if (!rc)
		rc = svc_pinned(b, &job, &c);
	if (rc)
		return rc;
	*view = checklist_to_json(c);
	if (*view) { /* the text the job was started with: its hash is the job's */
		json_object_set_new(*view, "hash", json_string(job.checklist_hash));
		/* its competences by their names (the policy's, as they are now) */
		json_object_set_new(*view, "competence_names", svc_competence_names(b, c));
	}
	return *view ? SVC_OK : svc_fail(b, SVC_EIO, "out of memory");
}

/* The stage of JOB (store/status.h) from its state and G, its latest grade (NULL: none). */
static enum job_stage stage_of(const struct store_job *job, const struct store_grade *g)
{
	int graded_now = g && g->submitted_ms == job->submitted_ms;

	switch (job->state) {
	case JOB_STATE_OPEN:
		return graded_now && g->verdict == VERDICT_REDO ? JOB_STAGE_REDO : JOB_STAGE_OPEN;
	case JOB_STATE_SUBMITTED:
		return graded_now && g->verdict == VERDICT_APPROVED ? JOB_STAGE_APPROVED
								    : JOB_STAGE_SUBMITTED;
	case JOB_STATE_CANCELLED:
		break;
	}
	return JOB_STAGE_CANCELLED;
}

/* JOB's row of the list, with its latest grade G (NULL: none) and its trainee's NAME. */
static json_t *job_row(const struct store_job *job, const struct store_grade *g, const char *name)
{
	json_t *j = json_pack("{s:I, s:I, s:s, s:i, s:s, s:s, s:s}", "id", (json_int_t)job->id,
			      "device", (json_int_t)job->device_id, "checklist", job->checklist_id,
			      "checklist_version", job->checklist_version, "state",
			      job_state_name(job->state), "stage",
			      job_stage_name(stage_of(job, g)), "trainee", name);

	/* The verdict of the latest submission: a resubmitted job is not graded yet. */
	if (g && g->submitted_ms == job->submitted_ms)
		json_object_set_new(j, "verdict", json_string(verdict_name(g->verdict)));
	else
		json_object_set_new(j, "verdict", json_null());
	return j;
}

json_t *svc_job_row_json(struct bench *b, const struct store_job *job)
{
	struct store_grade g;
	char name[64];
	int graded = store_grade_last(b->st, job->id, &g) == STORE_OK;
	json_t *j = job_row(job, graded ? &g : NULL,
			    svc_user_name(b, job->trainee_id, name, sizeof(name)));

	if (graded)
		store_grade_release(&g);
	return j;
}

/* Each job of the list to the caller's function, as svc_job_each() hands them. */
struct job_each {
	struct bench *b;
	svc_row_fn fn;
	void *arg;
};

static int job_each_row(const struct store_job *job, const struct store_job_grade *g,
			const struct store_user *trainee, void *arg)
{
	struct job_each *e = arg;
	struct store_grade grade = { 0 };
	char name[64];
	json_t *row;
	int rc;

	grade.verdict = g->verdict;
	grade.submitted_ms = g->submitted_ms;
	if (trainee->active)
		svc_user_label(e->b, trainee, name, sizeof(name));
	else
		snprintf(name, sizeof(name), "?");
	row = job_row(job, g->graded ? &grade : NULL, name);
	if (!row)
		return -1;
	rc = e->fn(row, e->arg);
	json_decref(row);
	return rc;
}

/* The rows svc_job_list() gathers, appended to ARG (a JSON array). */
static int append_row(json_t *row, void *arg)
{
	return json_array_append(arg, row) == 0 ? 0 : -1;
}

enum svc_err svc_job_each(struct bench *b, const struct svc_job_filter *f, svc_row_fn fn,
			  void *arg)
{
	if (b->remote) {
		const char *names[3] = { "device", "trainee", "state" };
		const char *values[3] = { f->device, f->trainee, f->state };
		json_t *view = NULL, *row;
		enum svc_err rc = svc_remote_get(b, "/api/jobs", names, values, 3, &view);
		size_t i;

		if (rc)
			return rc;
		json_array_foreach(view, i, row)
			if (fn(row, arg))
				break;
		json_decref(view);
		return SVC_OK;
	}
	struct store_device_row dev = { 0 };
	struct store_user u = { 0 };
	struct store_job_query q = { 0 };
	struct job_each e = { b, fn, arg };
	enum job_stage stage;
	enum store_err err;
	enum svc_err rc;

	if (f->state && !job_stage_parse(f->state, &stage))
		return svc_fail(b, SVC_EINVAL,
				"'%s' is not a stage of a job: " JOB_STAGE_LIST
				" (submitted: waiting for a grade)",
				f->state);
	if (f->device && (rc = svc_find_device(b, f->device, &dev)) != SVC_OK)
		return rc;
	if (f->trainee) {
		/* A trainee finds her own jobs by her name and another's by her code only:
		 * by name, a list would tell her which code is whose (docs/privacy.md). */
		int by_code_only = b->signed_in && b->me.role < ROLE_INSTRUCTOR &&
				   strcmp(f->trainee, b->me.name) != 0;

		err = by_code_only ? STORE_ENOENT : store_user_find(b->st, f->trainee, &u);
		if (err == STORE_ENOENT)
			err = store_user_find_code(b->st, f->trainee, &u);
		if (err == STORE_ENOENT && by_code_only)
			return svc_fail(b, SVC_ENOENT, _("no trainee has the code '%s': a trainee "
							  "finds another's work by her code"),
					f->trainee);
		if (err == STORE_ENOENT)
			return svc_fail(b, SVC_ENOENT, "no user '%s' (atelier user list)", f->trainee);
		if (err)
			return svc_store_fail(b, err, "read the users");
	}
	q.device_id = dev.id;
	q.trainee_id = u.id;
	q.stage = f->state ? &stage : NULL;
	err = store_job_each(b->st, &q, job_each_row, &e);
	if (err == STORE_EINTERNAL)
		return svc_fail(b, SVC_EIO, "the list of jobs could not be written");
	if (err)
		return svc_store_fail(b, err, "list the jobs");
	return SVC_OK;
}

enum svc_err svc_job_list(struct bench *b, const struct svc_job_filter *f, json_t **view)
{
	enum svc_err rc;

	*view = json_array();
	rc = svc_job_each(b, f, append_row, *view);
	if (rc) {
		json_decref(*view);
		*view = NULL;
	}
	return rc;
}

enum svc_err svc_job_queue(struct bench *b, const char *lang, json_t **view)
{
	if (b->remote) {
		const char *name = "lang", *value = lang;

		return svc_remote_get(b, "/api/queue", &name, &value, lang ? 1 : 0, view);
	}
	static const enum job_stage waiting = JOB_STAGE_SUBMITTED;
	const struct store_job_query q = { 0, 0, &waiting, 1 };
	const struct checklist_set *set;
	struct store_job *jobs = NULL;
	struct store_user me;
	long long now = clock_wall_ms();
	size_t n = 0;
	enum store_err err;
	enum svc_err rc;
	char name[64];

	*view = NULL;
	rc = svc_actor(b, NULL, &me);
	if (rc)
		return rc;
	if (!svc_may(b, &me, SVC_READ_QUEUE, NULL))
		return SVC_EDENIED;
	err = store_job_find(b->st, &q, &jobs, &n);
	if (err)
		return svc_store_fail(b, err, "read the jobs waiting for a grade");
	set = svc_checklists(b);
	*view = json_array();
	for (size_t i = 0; *view && i < n; i++) {
		const struct store_job *j = &jobs[i];
		const struct checklist *c = set ? checklist_set_find(set, j->checklist_id) : NULL;

		json_array_append_new(
			*view,
			json_pack("{s:I, s:s, s:s, s:o, s:i, s:I, s:o, s:I, s:I}", "id",
				  (json_int_t)j->id, "trainee",
				  svc_user_name(b, j->trainee_id, name, sizeof(name)), "checklist",
				  j->checklist_id, "checklist_title",
				  svc_str_or_null(c ? checklist_text(&c->title, lang) : NULL),
				  "checklist_version", j->checklist_version, "device",
				  (json_int_t)j->device_id, "device_name",
				  svc_device_name(b, j->device_id), "submitted_ms",
				  (json_int_t)j->submitted_ms, "waiting_ms",
				  (json_int_t)(now > j->submitted_ms ? now - j->submitted_ms : 0)));
	}
	free(jobs);
	return SVC_OK;
}

/* ---- the bench overview ---- */

#define SLOW_FACTOR 3		    /* a step is far over its time at 3 times its share */
#define SLOW_MIN_MS (10 * 60 * 1000) /* and never under 10 minutes */

/* The failed records of W's steps whose failure stops the job or quarantines the device,
 * the last record of each step, as alerts [{kind, step, title, record, t_ms}]. A stop an
 * instructor let go on from is no alert. */
static json_t *work_alerts(const struct work *w, const char *lang)
{
	const struct store_step *stop = stopped_by(w);
	json_t *alerts = json_array();

	for (size_t k = 0; w->c && k < w->c->n_steps; k++) {
		const struct checklist_step *s = &w->c->steps[k];
		const struct store_step *r = job_last_record(w->recs, w->n_recs, s->id);
		const char *kind = NULL;

		if (s->on_fail == CHECKLIST_ON_FAIL_QUARANTINE && r && r->result == STEP_FAIL)
			kind = "quarantine";
		else if (s->on_fail == CHECKLIST_ON_FAIL_STOP && r && r == stop)
			kind = "stopped";
		if (kind)
			json_array_append_new(alerts, json_pack("{s:s, s:s, s:s, s:i, s:I}", "kind",
							       kind, "step", s->id, "title",
							       checklist_text(&s->title, lang),
							       "record", r->seq, "t_ms",
							       (json_int_t)r->t_ms));
	}
	return alerts;
}

/* One open job of the overview: who, what, where the trainee is and since when. */
static json_t *work_overview(struct bench *b, const struct work *w, const char *lang)
{
	const struct store_job *j = &w->job;
	const struct checklist_step *now = NULL;
	const struct store_step *last = NULL;
	long long last_ms = j->started_ms, share_ms = 0;
	int number = 0, total = 0, done = 0;
	char name[64];
	json_t *o;

	for (size_t i = 0; i < w->n_recs; i++)
		if (!last || w->recs[i].seq > last->seq)
			last = &w->recs[i];
	if (last && last->t_ms > last_ms)
		last_ms = last->t_ms;
	now = w->c ? next_step(w, last ? last->step_id : NULL) : NULL;
	for (size_t k = 0; w->c && k < w->c->n_steps; k++) {
		const struct checklist_step *s = &w->c->steps[k];

		if (!applies(w, s))
			continue;
		total++;
		done += job_last_record(w->recs, w->n_recs, s->id) != NULL;
		if (s == now)
			number = total;
	}
	if (w->c && total)
		share_ms = (long long)w->c->time_minutes * 60000 / total;
	o = json_pack("{s:I, s:s, s:s, s:o, s:I, s:o, s:I, s:I, s:i, s:i, s:o}", "id",
		      (json_int_t)j->id, "trainee",
		      svc_user_name(b, j->trainee_id, name, sizeof(name)), "checklist",
		      j->checklist_id, "checklist_title",
		      svc_str_or_null(w->c ? checklist_text(&w->c->title, lang) : NULL), "device",
		      (json_int_t)j->device_id, "device_name",
		      svc_str_or_null(facts_json_string(w->facts, "identity.marketing_name")),
		      "started_ms", (json_int_t)j->started_ms, "last_ms", (json_int_t)last_ms,
		      "steps_done", done, "steps", total, "alerts", work_alerts(w, lang));
	json_object_set_new(o, "step",
			    now ? json_pack("{s:s, s:s, s:i}", "id", now->id, "title",
					    checklist_text(&now->title, lang), "number", number)
				: json_null());
	/* When the step in hand is far over its share of the checklist's time: the screen
	 * compares it with its clock, so that this view stays true while nothing changes. */
	json_object_set_new(o, "slow_at_ms",
			    now && share_ms ? json_integer(last_ms + (SLOW_FACTOR * share_ms >
								      SLOW_MIN_MS
								  ? SLOW_FACTOR * share_ms
								  : SLOW_MIN_MS))
					    : json_null());
	return o;
}

enum svc_err svc_job_overview(struct bench *b, const char *lang, json_t **view)
{
	if (b->remote) {
		const char *name = "lang", *value = lang;

		return svc_remote_get(b, "/api/overview", &name, &value, lang ? 1 : 0, view);
	}
	static const enum job_stage open = JOB_STAGE_OPEN;
	const struct store_job_query q = { 0, 0, &open, 0 };
	struct store_job *jobs = NULL;
	struct store_user me;
	size_t n = 0;
	enum store_err err;
	enum svc_err rc;
	json_t *list;
	int begun = 0;

	*view = NULL;
	rc = svc_actor(b, NULL, &me);
	if (rc)
		return rc;
	if (!svc_may(b, &me, SVC_READ_QUEUE, NULL))
		return SVC_EDENIED;
	/* Every job's records read as one: fifty jobs, one lock. */
	err = store_read_begin(b->st, &begun);
	if (!err)
		err = store_job_find(b->st, &q, &jobs, &n);
	if (err) {
		store_read_end(b->st, begun);
		return svc_store_fail(b, err, "read the jobs in work");
	}
	list = json_array();
	for (size_t i = n; list && i-- > 0;) { /* the oldest job first: places stay put */
		struct work w;

		rc = work_load(b, jobs[i].id, WORK_FACTS | WORK_LATEST | WORK_BRIEF, NULL, &w);
		if (rc == SVC_OK)
			json_array_append_new(list, work_overview(b, &w, lang));
		work_release(&w);
		if (rc)
			break;
	}
	free(jobs);
	store_read_end(b->st, begun);
	if (rc) {
		json_decref(list);
		return rc;
	}
	*view = json_pack("{s:o}", "jobs", list);
	return *view ? SVC_OK : svc_fail(b, SVC_EIO, "out of memory");
}

/* ---- start ---- */

/* A device in intake goes into repair when a job starts on it (the lifecycle's rule, by
 * the job's trainee). Another bench may have moved it meanwhile: then it is left as it is,
 * and a warning says so. Adds "device_moved" to VIEW. */
static void device_into_repair(struct bench *b, const struct store_device_row *dev,
			       const char *key, const struct store_user *user, long long job_id,
			       const char *checklist_id, json_t *view)
{
	json_t *warnings = json_object_get(view, "warnings");
	char reason[160], why[320];
	enum store_err err;

	json_object_set_new(view, "device_moved", json_null());
	if (dev->state != DEVICE_INTAKE)
		return;
	if (!lifecycle_allowed(dev->state, DEVICE_IN_REPAIR, user->role, LIFECYCLE_JOB, why,
			       sizeof(why))) {
		snprintf(reason, sizeof(reason), "device %s stays in intake: %.120s", key, why);
		json_array_append_new(warnings, json_string(reason));
		return;
	}
	snprintf(reason, sizeof(reason), "job %lld started: %s", job_id, checklist_id);
	err = store_device_set_state(b->st, dev->id, DEVICE_INTAKE, DEVICE_IN_REPAIR, user->id,
				     reason, clock_wall_ms());
	if (err == STORE_OK) {
		json_object_set_new(view, "device_moved",
				    json_pack("{s:s, s:s, s:s, s:s}", "device", key, "from", "intake",
					      "to", "in_repair", "why", reason));
	} else {
		snprintf(why, sizeof(why),
			 err == STORE_ESTALE ? "device %s left intake meanwhile (atelier device show %s)"
					     : "device %s stays in intake: %s",
			 key, err == STORE_ESTALE ? key : store_last_error_message());
		json_array_append_new(warnings, json_string(why));
	}
}

/* Keep the exact text of checklist C (read again; it must be the text that was checked)
 * under its hash, into HASH. */
static enum svc_err pin_checklist(struct bench *b, const struct checklist *c, char hash[65])
{
	unsigned char digest[crypto_hash_sha256_BYTES];
	char *content = file_read(c->path, CHECKLIST_FILE_MAX, NULL, NULL);
	enum store_err err;

	if (!content || sodium_init() < 0) {
		free(content);
		return svc_fail(b, SVC_EIO, "cannot read %s again", c->path);
	}
	crypto_hash_sha256(digest, (const unsigned char *)content, strlen(content));
	sodium_bin2hex(hash, 65, digest, sizeof(digest));
	if (strcmp(hash, c->hash) != 0) {
		free(content);
		return svc_fail(b, SVC_ESTATE, "%s changed while it was read: try again", c->path);
	}
	err = store_snapshot_put(b->st, hash, c->id, c->version, content);
	free(content);
	return err ? svc_store_fail(b, err, "save the checklist") : SVC_OK;
}

/* The order of work: each prerequisite of C that is for this device (FACTS) has a job on
 * it that was submitted (waiting for its grade, or approved). JOBS are the device's. */
static enum svc_err order_of_work(struct bench *b, const struct checklist *c, json_t *facts,
				  const struct store_job *jobs, size_t n)
{
	const struct checklist_set *set = svc_checklists(b);

	for (size_t i = 0; i < c->n_prerequisites; i++) {
		const struct checklist *p = checklist_set_find(set, c->prerequisites[i]);
		int done = 0;

		if (p && !checklist_applies(p, facts))
			continue; /* another platform's: not for this device */
		for (size_t k = 0; k < n; k++)
			done |= strcmp(jobs[k].checklist_id, c->prerequisites[i]) == 0 &&
				jobs[k].state == JOB_STATE_SUBMITTED;
		if (!done)
			return svc_fail(b, SVC_ESTATE,
					"'%s' comes after '%s': do and submit '%s' on this device "
					"first",
					c->id, c->prerequisites[i], c->prerequisites[i]);
	}
	return SVC_OK;
}

enum svc_err svc_job_start(struct bench *b, const struct svc_job_start *req, json_t **view)
{
	if (b->remote)
		return svc_remote_job_start(b, req, view);
	struct store_device_row dev;
	struct store_user user;
	struct store_job job = { 0 }, *jobs = NULL;
	const struct checklist *c;
	struct work w = { 0 };
	json_t *facts = NULL, *o = NULL;
	char why[320], hash[65];
	size_t n_jobs = 0;
	long long id = 0;
	enum svc_err rc;
	enum store_err err;

	*view = NULL;
	if (!req->device || !req->checklist)
		return svc_fail(b, SVC_EINVAL, "a job needs a device and a checklist");
	rc = svc_actor_as(b, "--trainee", req->trainee, &user);
	if (!rc)
		rc = svc_find_device(b, req->device, &dev);
	if (rc)
		return rc;
	if (!svc_may(b, &user, SVC_START_JOB, NULL))
		return SVC_EDENIED;
	/* Quarantined, sold, recycled...: nobody works on it, and the trainee reads why. */
	if (!lifecycle_job_may_start(dev.state, why, sizeof(why)))
		return svc_fail(b, SVC_ESTATE, "no job can start on %s: %s", req->device, why);
	rc = svc_read_facts(b, dev.id, req->device, &facts);
	if (rc)
		return rc;
	c = checklist_set_find(svc_checklists(b), req->checklist);
	if (!c) {
		rc = svc_fail(b, SVC_ENOENT, "no checklist '%s' (atelier checklist list)%s",
			      req->checklist,
			      b->report.errors ? "; some checklist files have errors (atelier "
						 "checklist lint)"
					       : "");
		goto out;
	}
	if (!checklist_applies(c, facts)) {
		rc = svc_fail(b, SVC_ESTATE,
			      "checklist '%s' does not apply to this device (its platform, model, "
			      "class or mode)",
			      req->checklist);
		goto out;
	}
	err = store_job_list(b->st, dev.id, 0, NULL, &jobs, &n_jobs);
	if (err) {
		rc = svc_store_fail(b, err, "list the jobs");
		goto out;
	}
	o = json_pack("{s:b, s:[]}", "resumed", 0, "warnings");
	/* An open job on this device with this checklist goes on where it stopped, for its
	 * own trainee: another's work is never credited to her. */
	for (size_t i = 0; i < n_jobs && !id; i++) {
		char name[64];

		if (jobs[i].state != JOB_STATE_OPEN || strcmp(jobs[i].checklist_id, c->id) != 0)
			continue;
		if (jobs[i].trainee_id != user.id) {
			rc = svc_fail(b, SVC_ESTATE,
				      "job %lld of '%s' is open on this device for %s: %s carries on "
				      "with it, or an instructor cancels it (atelier job cancel %lld "
				      "--by NAME --why TEXT)",
				      jobs[i].id, c->id,
				      svc_user_name(b, jobs[i].trainee_id, name, sizeof(name)), name,
				      jobs[i].id);
			goto out;
		}
		id = jobs[i].id;
		json_object_set_new(o, "resumed", json_true());
	}
	if (!id) {
		json_t *missing = json_array(), *needs = json_array();

		if (!svc_trainee_ready(b, c, &user, missing, needs)) {
			char list[1024] = "";
			size_t k;
			json_t *m;

			json_array_foreach(missing, k, m)
				snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%s",
					 k ? (k + 1 == json_array_size(missing) ? " and " : ", ") : "",
					 json_string_value(m));
			json_decref(missing);
			rc = svc_fail(b, SVC_ESTATE, "%s cannot start '%s' yet: %s needs %s", user.name,
				      c->id, user.name, list);
			/* What she needs, for a screen to say in her language. */
			*view = json_pack("{s:o}", "needs", needs);
			goto out;
		}
		json_decref(missing);
		json_decref(needs);
		rc = order_of_work(b, c, facts, jobs, n_jobs);
		if (rc)
			goto out;
		/* Pin the exact text: the job keeps it even if the file changes later. */
		rc = pin_checklist(b, c, hash);
		if (rc)
			goto out;
		job.device_id = dev.id;
		snprintf(job.checklist_id, sizeof(job.checklist_id), "%s", c->id);
		job.checklist_version = c->version;
		snprintf(job.checklist_hash, sizeof(job.checklist_hash), "%s", hash);
		job.trainee_id = user.id;
		job.started_ms = clock_wall_ms();
		err = store_job_create(b->st, &job, &id);
		if (err) {
			rc = svc_store_fail(b, err, "record the job");
			goto out;
		}
	}
	device_into_repair(b, &dev, req->device, &user, id, c->id, o);
	rc = work_load(b, id, WORK_FACTS, json_incref(facts), &w);
	if (rc)
		goto out;
	json_object_set_new(o, "job", job_json(b, &w));
	json_object_set_new(o, "next_step", step_ref(next_step(&w, NULL)));
	*view = o;
	o = NULL;
out:
	work_release(&w);
	free(jobs);
	json_decref(facts);
	json_decref(o);
	return rc;
}

/* ---- steps ---- */

/* Read the device of W's job again and evaluate EXPR on what it says, with what trainees
 * recorded where it says nothing; *FACTS_USED a new JSON object. */
static enum svc_err run_auto(struct bench *b, const struct work *w, const char *expr_text,
			     enum expr_result *res, json_t **facts_used)
{
	struct expr *e = NULL;
	json_t *facts = NULL;
	char msg[EXPR_MSG_MAX];
	int col;

	*facts_used = NULL;
	if (expr_parse(expr_text, &e, &col, msg, sizeof(msg)) != EXPR_OK)
		return svc_fail(b, SVC_EREFUSED, "the step's expression does not parse: %s", msg);
	if (svc_read_device(b, w->job.device_id, AUTO_READ_MS, &facts) != SVC_OK) {
		char why[SVC_WHY_MAX - 96];

		snprintf(why, sizeof(why), "%.900s", b->why);
		expr_free(e);
		return svc_fail(b, SVC_EDEVICE,
				"the device could not be read now (%s): plug it in, unlock it, try "
				"again",
				why);
	}
	svc_merge_entered(facts, json_object_get(w->facts, "entered"), 0, NULL);
	facts_derive(facts);
	*res = expr_eval(e, facts, facts_used);
	json_decref(facts);
	expr_free(e);
	return SVC_OK;
}

static int one_of(const char *word, const char *const *words)
{
	for (size_t i = 0; word && words[i]; i++)
		if (strcmp(word, words[i]) == 0)
			return 1;
	return 0;
}

/* The parts of REQ as the JSON array a record keeps; SVC_EINVAL for a bad part. */
static enum svc_err parts_json(struct bench *b, const struct svc_step *req, json_t **out)
{
	*out = json_array();
	for (size_t i = 0; i < req->n_parts; i++) {
		const struct svc_part *p = &req->parts[i];
		const char *const field[] = { "name", "serial", "supplier" };
		const char *const text[] = { p->name, p->serial, p->supplier };
		json_t *o;

		/* A limit is said, never applied silently: the field, its length, the limit. */
		for (size_t f = 0; f < 3; f++)
			if (text[f] && strlen(text[f]) > PART_FIELD_MAX)
				return svc_fail(b, SVC_EINVAL,
						"a part's %s is at most %d bytes; this one has %zu",
						field[f], PART_FIELD_MAX, strlen(text[f]));
		if (!p->name || !p->serial || !*p->name || !*p->serial ||
		    strlen(p->name) > PART_FIELD_MAX || strlen(p->serial) > PART_FIELD_MAX ||
		    (p->supplier && strlen(p->supplier) > PART_FIELD_MAX))
			return svc_fail(b, SVC_EINVAL,
					"a part is NAME,ORIGIN,SERIAL[,SUPPLIER], each 1 to %d bytes",
					PART_FIELD_MAX);
		if (!one_of(p->origin, part_origins))
			return svc_fail(b, SVC_EINVAL,
					"a part's origin is genuine, used-original or aftermarket, "
					"not '%s'",
					p->origin ? p->origin : "");
		o = json_pack("{s:s, s:s, s:s}", "name", p->name, "origin", p->origin, "serial",
			      p->serial);
		if (p->supplier && *p->supplier)
			json_object_set_new(o, "supplier", json_string(p->supplier));
		json_array_append_new(*out, o);
	}
	return SVC_OK;
}

/* A typed value for entry step S: one or two IMEIs with their check digits, or text; the
 * value to keep into OUT. */
static enum svc_err check_entry(struct bench *b, const struct checklist_step *s,
				const char *value, char *out, size_t size)
{
	if (!value)
		return svc_fail(b, SVC_EINVAL, "step '%s' asks you to type it: give --value", s->id);
	if (s->format == CHECKLIST_ENTRY_IMEI) {
		char why[160];

		if (imei_list_normalize(value, out, size, why, sizeof(why)) != 0)
			return svc_fail(b, SVC_EINVAL, "%s (dial *#06# to see the IMEI, or read it on "
						       "the box or the SIM tray)",
					why);
		return SVC_OK;
	}
	if (strlen(value) > VALUE_MAX || text_clean(value, out, size) == 0 ||
	    strcmp(value, out) != 0)
		return svc_fail(b, SVC_EINVAL, "step '%s' takes 1 to %d characters of text, without "
					       "control characters",
				s->id, VALUE_MAX);
	return SVC_OK;
}

/* What step S accepts, and the result it gets: RESULT may be preset by the request
 * (HAS_RESULT). On success *RESULT is the result to record and VALUE the value (for an
 * entry step, as it is kept). USED gets the facts an auto step read. */
static enum svc_err check_kind(struct bench *b, const struct work *w,
			       const struct checklist_step *s, const struct svc_step *req,
			       const json_t *parts, int has_result, enum step_result *result,
			       char *value, size_t value_size, json_t **used)
{
	enum number_err ne;
	double v;

	*used = NULL;
	if (req->value && s->kind != CHECKLIST_KIND_MEASURE && s->kind != CHECKLIST_KIND_CHOICE &&
	    s->kind != CHECKLIST_KIND_ENTRY)
		return svc_fail(b, SVC_EINVAL,
				"step '%s' is a %s: it takes no --value (write what you saw with "
				"--note)",
				s->id, checklist_kind_name(s->kind));
	text_clean(req->value ? req->value : "", value, value_size);
	if (has_result && *result == STEP_SKIP)
		return SVC_OK; /* a skip needs no value; a required step still counts as not done */
	switch (s->kind) {
	case CHECKLIST_KIND_MEASURE: {
		enum step_result in_range;

		if (!req->value)
			return svc_fail(b, SVC_EINVAL,
					"step '%s' is a measure: give the value in %s (%g to %g)",
					s->id, s->unit, s->min, s->max);
		ne = number_decimal(req->value, &v);
		if (ne)
			return svc_fail(b, SVC_EINVAL,
					"the value '%s' %s: step '%s' takes %s, in %s from %g to %g",
					req->value, number_strerror(ne), s->id, NUMBER_LOOKS, s->unit,
					s->min, s->max);
		if (s->tester && !req->tester)
			return svc_fail(b, SVC_EINVAL,
					"step '%s' is measured with an instrument: say which one "
					"(--tester \"the tester's name\")",
					s->id);
		in_range = v >= s->min && v <= s->max ? STEP_PASS : STEP_FAIL;
		if (has_result && *result != in_range)
			return svc_fail(b, SVC_EINVAL,
					"the value is %s the accepted range (%g to %g %s): record it "
					"as it is",
					in_range == STEP_PASS ? "inside" : "outside", s->min, s->max,
					s->unit);
		*result = in_range;
		return SVC_OK;
	}
	case CHECKLIST_KIND_CHOICE: {
		char options[512] = "";
		size_t len = 0;
		int ok = 0;

		for (size_t i = 0; i < s->n_options; i++) {
			ok |= req->value && strcmp(req->value, s->options[i].value) == 0;
			len = text_list_add(options, sizeof(options), len, ", ",
					    s->options[i].value);
		}
		if (!ok)
			return svc_fail(b, SVC_EINVAL, "step '%s' is a choice: give one of %s", s->id,
					options);
		if (!has_result)
			*result = STEP_PASS;
		return SVC_OK;
	}
	case CHECKLIST_KIND_ENTRY: {
		enum svc_err rc = check_entry(b, s, req->value, value, value_size);

		if (rc)
			return rc;
		if (!has_result)
			*result = STEP_PASS;
		return SVC_OK;
	}
	case CHECKLIST_KIND_PARTS:
		if (json_array_size(parts) == 0)
			return svc_fail(b, SVC_EINVAL, "step '%s' records parts: give --part "
						       "NAME,ORIGIN,SERIAL",
					s->id);
		if (!has_result)
			*result = STEP_PASS;
		return SVC_OK;
	case CHECKLIST_KIND_NOTE:
		if (!req->note)
			return svc_fail(b, SVC_EINVAL, "step '%s' is a note: give --note TEXT", s->id);
		if (!has_result)
			*result = STEP_PASS;
		return SVC_OK;
	case CHECKLIST_KIND_AUTO: {
		enum expr_result er = EXPR_UNKNOWN;
		enum svc_err rc = run_auto(b, w, s->expr, &er, used);

		if (rc)
			return rc;
		if (er == EXPR_UNKNOWN && !(has_result && req->note))
			return svc_fail(b, SVC_EUNDECIDED,
					"step %s: unknown (a fact could not be read); check it by "
					"hand and record --result pass|fail --note WHAT-YOU-SAW",
					s->id);
		if (er != EXPR_UNKNOWN) {
			enum step_result said = er == EXPR_PASS ? STEP_PASS : STEP_FAIL;

			if (has_result && *result != said)
				return svc_fail(b, SVC_EINVAL,
						"the device itself says %s: record it as it is",
						step_result_name(said));
			*result = said;
		}
		return SVC_OK;
	}
	case CHECKLIST_KIND_CHECK:
		if (!has_result)
			return svc_fail(b, SVC_EINVAL,
					"step '%s' is a check: give --result pass or fail", s->id);
		return SVC_OK;
	}
	return svc_fail(b, SVC_EINVAL, "step '%s' has a kind this atelier does not know", s->id);
}

/* A failed step whose checklist says on_fail: quarantine sets the device aside at once,
 * by the person who recorded it. Adds "quarantined" to VIEW. */
static void quarantine_for(struct bench *b, const struct work *w, const struct checklist_step *s,
			   const struct store_user *user, int seq, json_t *view)
{
	struct store_device_row dev;
	char reason[480], why[320];
	enum store_err err;

	snprintf(reason, sizeof(reason), "job %lld, record %d: step %s failed (%.200s)", w->job.id,
		 seq, s->id, checklist_text(&s->title, "en"));
	if (store_device_get(b->st, w->job.device_id, &dev) != STORE_OK)
		return;
	if (!lifecycle_allowed(dev.state, DEVICE_QUARANTINE, user->role, LIFECYCLE_STEP, why,
			       sizeof(why))) {
		json_object_set_new(view, "quarantine_refused", json_string(why));
		return;
	}
	err = store_device_set_state(b->st, dev.id, dev.state, DEVICE_QUARANTINE, user->id, reason,
				     clock_wall_ms());
	if (err == STORE_OK)
		json_object_set_new(view, "quarantined", json_pack("{s:s}", "why", reason));
	else
		json_object_set_new(view, "quarantine_refused",
				    json_string(err == STORE_ESTALE ? "the device was moved meanwhile"
								    : store_last_error_message()));
}

/* The record id of record number SEQ of W's job; 0 when there is none. */
static long long record_id(const struct work *w, long long seq)
{
	for (size_t i = 0; i < w->n_recs; i++)
		if (w->recs[i].seq == seq)
			return w->recs[i].id;
	return 0;
}

/* Can step S of W be recorded now? The job open, the device at work, not stopped at
 * another step, among the steps to redo, and for this device. */
static enum svc_err may_record(struct bench *b, struct work *w, const struct checklist_step *s)
{
	const struct store_step *stop;
	json_t *redo;
	char why[256];
	enum svc_err rc = SVC_OK;

	if (!w->rules_read) {
		struct store_device_row dev;

		w->has_device = store_device_get(b->st, w->job.device_id, &dev) == STORE_OK;
		w->device_state = w->has_device ? dev.state : DEVICE_INTAKE;
		/* Sent back for redo: only the steps the instructor named are recorded again. */
		rc = redo_in_force(b, &w->job, &w->redo, NULL);
		if (rc)
			return rc;
		w->rules_read = 1;
	}
	if (w->has_device && !lifecycle_job_may_start(w->device_state, why, sizeof(why)))
		return svc_fail(b, SVC_ESTATE, "no step can be recorded: %s", why);
	if (w->job.state != JOB_STATE_OPEN)
		return svc_fail(b, SVC_ESTATE, "job %lld is %s: no more steps", w->job.id,
				job_state_name(w->job.state));
	stop = stopped_by(w);
	if (stop && strcmp(stop->step_id, s->id) != 0)
		return svc_fail(b, SVC_ESTATE,
				"step %s failed (record %d) and stops the job: tell your instructor, "
				"who decides how to go on (atelier job resume %lld or job cancel "
				"%lld); step %s can be done again",
				stop->step_id, stop->seq, w->job.id, w->job.id, stop->step_id);
	if (!applies(w, s))
		return svc_fail(b, SVC_ESTATE, "step %s is not for this device (only if %s)", s->id,
				s->applies_if);
	redo = w->redo;
	if (redo && !svc_array_has(redo, s->id)) {
		char list[1024] = "";
		size_t i, len = 0;
		json_t *v;

		json_array_foreach(redo, i, v)
			len = text_list_add(list, sizeof(list), len, ", ", json_string_value(v));
		rc = svc_fail(b, SVC_ESTATE, "step %s is not among the steps to redo: %s", s->id,
			      list);
	}
	return rc;
}

enum svc_err svc_job_step(struct bench *b, const struct svc_step *req, json_t **view)
{
	if (b->remote)
		return svc_remote_job_step(b, req, view);
	struct store_step rec = { 0 };
	struct store_user user;
	struct work local = { 0 }, *w = &local;
	struct store_work_stamp stamp;
	long long before = 0;
	int kept = 0, stamped = 0, added, quarantined;
	const struct checklist_step *s;
	json_t *parts = NULL, *used = NULL;
	char *parts_text = NULL, *facts_text = NULL, note[NOTE_MAX + 1], tester[TESTER_MAX + 1];
	char value[VALUE_MAX + 1];
	enum step_result result = STEP_PASS;
	int has_result = 0;
	long long rec_id, corrects = 0;
	enum job_err je;
	enum svc_err rc;

	*view = NULL;
	if (req->result) {
		if (!step_result_parse(req->result, &result) || result == STEP_UNKNOWN)
			return svc_fail(b, SVC_EINVAL, "the result is pass, fail or skip, not '%s'",
					req->result);
		has_result = 1;
	}
	if (req->note && (strlen(req->note) > NOTE_MAX ||
			  text_clean(req->note, note, sizeof(note)) == 0))
		return svc_fail(b, SVC_EINVAL, "a note is 1 to %d bytes of text", NOTE_MAX);
	if (req->tester && (strlen(req->tester) > TESTER_MAX ||
			    text_clean(req->tester, tester, sizeof(tester)) == 0))
		return svc_fail(b, SVC_EINVAL, "the tester's name is 1 to %d bytes of text",
				TESTER_MAX);
	if (req->value && strlen(req->value) > VALUE_MAX)
		return svc_fail(b, SVC_EINVAL, "a value is at most %d bytes", VALUE_MAX);
	/* Who records it comes first: the person signed in. */
	rc = svc_actor(b, req->by, &user);
	if (rc)
		return rc;
	/* A correction names its record by number: then the whole history is read. */
	w = req->corrects ? NULL : kept_work(b, req->job);
	kept = w != NULL;
	if (!w) {
		w = &local;
		/* What is read next is kept only with the stamp taken before it. */
		stamped = b->kept && !req->corrects &&
			  store_work_stamp(b->st, req->job, &stamp) == STORE_OK;
		rc = work_load(b, req->job,
			       WORK_CHECKLIST | WORK_FACTS | (req->corrects ? 0 : WORK_LATEST), NULL,
			       w);
		if (rc)
			goto out;
	}
	rc = parts_json(b, req, &parts);
	if (rc)
		goto out;
	s = find_step(w->c, req->step);
	if (!s) {
		rc = svc_fail(b, SVC_ENOENT, "this job's checklist has no step '%s' (atelier job show)",
			      req->step ? req->step : "");
		goto out;
	}
	rc = may_record(b, w, s);
	if (rc)
		goto out;
	if (req->corrects) {
		/* The record number `job show` prints; the store links ids. */
		corrects = record_id(w, req->corrects);
		if (!corrects) {
			rc = svc_fail(b, SVC_ENOENT, "this job has no record %lld (atelier job show)",
				      req->corrects);
			goto out;
		}
	}
	if (!svc_may(b, &user, SVC_RECORD_STEP, &(struct svc_subject){ .job = &w->job })) {
		rc = SVC_EDENIED;
		goto out;
	}
	if (s->note_required && !req->note && !(has_result && result == STEP_SKIP)) {
		rc = svc_fail(b, SVC_EINVAL, "step '%s' needs a note (--note TEXT): write what you "
					     "saw, or the reference of the check",
			      s->id);
		goto out;
	}
	rc = check_kind(b, w, s, req, parts, has_result, &result, value, sizeof(value), &used);
	if (rc == SVC_EUNDECIDED)
		*view = json_pack("{s:I, s:s, s:b, s:s}", "job", (json_int_t)w->job.id, "step", s->id,
				  "decided", 0, "why", svc_why(b));
	if (rc)
		goto out;
	snprintf(rec.step_id, sizeof(rec.step_id), "%s", s->id);
	rec.user_id = user.id;
	rec.result = result;
	rec.value = value[0] ? value : NULL;
	rec.note = req->note ? note : NULL;
	rec.tester = req->tester && s->tester ? tester : NULL;
	if (json_array_size(parts))
		rec.parts = parts_text = json_dumps(parts, JSON_COMPACT);
	if (used)
		rec.facts = facts_text = json_dumps(used, JSON_COMPACT | FACTS_JSON_FLAGS);
	rec.corrects = corrects;
	before = store_changes(b->st); /* all this connection changed before the step */
	je = job_append(b->st, w->job.id, &rec, &rec_id);
	if (je == JOB_ESEAL || je == JOB_EBUSY) {
		rc = svc_store_fail(b, je == JOB_ESEAL ? STORE_ESEAL : STORE_EBUSY,
				    "record the step");
		goto out;
	}
	if (je != JOB_OK) {
		rc = svc_fail(b, je == JOB_ECLOSED ? SVC_ESTATE : SVC_EIO, "%s",
			      je == JOB_ESTORE ? store_last_error_message() : job_strerror(je));
		goto out;
	}
	*view = json_pack("{s:I, s:i, s:s, s:s, s:b, s:o, s:n, s:b}", "job",
			  (json_int_t)w->job.id, "record", rec.seq, "step", s->id, "result",
			  step_result_name(result), "correction", corrects != 0, "facts",
			  used ? json_incref(used) : json_null(), "quarantined", "stopped",
			  result == STEP_FAIL && s->on_fail == CHECKLIST_ON_FAIL_STOP);
	if (result == STEP_FAIL && s->on_fail == CHECKLIST_ON_FAIL_QUARANTINE)
		quarantine_for(b, w, s, &user, rec.seq, *view);
	/* The next step to do, on the records and facts as they are now; none while the job
	 * waits for an instructor or the device is in quarantine. */
	rec.id = rec_id;
	if (s->records) {
		json_decref(w->facts);
		if (svc_device_facts(b, w->job.device_id, &w->facts) != SVC_OK)
			w->facts = NULL;
	}
	added = work_add_record(w, &rec, !!(w->need & WORK_LATEST));
	quarantined = json_is_object(json_object_get(*view, "quarantined"));
	if (added)
		json_object_set_new(*view, "next_step",
				    stopped_by(w) || quarantined ? json_null()
								 : step_ref(next_step(w, s->id)));
	/* What the writer keeps: this job's work, now with this step, unless the step
	 * changed more than its job (a fact entered, the device set aside) or a correction
	 * read the whole history. */
	if (!added || s->records || quarantined || !(w->need & WORK_LATEST)) {
		kept_work_forget(b);
	} else {
		kept_own_changes(b, before); /* the step moved its own job's stamp only */
		if (kept)
			kept_stepped(b, w->job.id, rec.seq); /* this step is in it already */
		else if (stamped)
			keep_work(b, w, &stamp, rec.seq);
	}
out:
	if (w == &local)
		work_release(w);
	json_decref(parts);
	json_decref(used);
	free(parts_text);
	free(facts_text);
	return rc;
}

/* ---- submit ---- */

enum svc_err svc_job_submit(struct bench *b, long long id, json_t **view)
{
	if (b->remote)
		return svc_remote_job(b, "POST", id, "submit", NULL, view);
	const struct policy *p;
	const struct store_step *stop;
	struct work w;
	json_t *missing = json_array();
	json_t *reasons = json_array(); /* the same, as {step, why} for a screen's own words */
	enum store_err err;
	enum svc_err rc;
	char text[320];
	json_t *redo = NULL, *v;
	long long grade_ms = 0;
	size_t i;

	*view = NULL;
	rc = work_load(b, id, WORK_CHECKLIST | WORK_FACTS, NULL, &w);
	if (rc)
		goto out;
	if (w.job.state != JOB_STATE_OPEN) {
		rc = svc_fail(b, SVC_ESTATE, "job %lld is already %s", id, job_state_name(w.job.state));
		goto out;
	}
	for (size_t k = 0; k < w.c->n_steps; k++) {
		const struct checklist_step *s = &w.c->steps[k];
		const struct store_step *last = job_last_record(w.recs, w.n_recs, s->id);

		if (!s->required || !applies(&w, s))
			continue;
		if (!last)
			snprintf(text, sizeof(text), "step '%s' is required and not done yet", s->id);
		else if (last->result == STEP_SKIP)
			snprintf(text, sizeof(text), "step '%s' is required and was skipped", s->id);
		else
			continue;
		json_array_append_new(missing, json_string(text));
		json_array_append_new(reasons, json_pack("{s:s, s:s}", "step", s->id, "why",
							 last ? "skipped" : "not-done"));
	}
	stop = stopped_by(&w);
	if (stop) {
		snprintf(text, sizeof(text),
			 "step '%s' failed and stops the job: an instructor decides how to go on",
			 stop->step_id);
		json_array_append_new(missing, json_string(text));
		json_array_append_new(reasons,
				      json_pack("{s:s, s:s}", "step", stop->step_id, "why", "stopped"));
	}
	/* After a redo, each step sent back needs a record made since the grade. */
	rc = redo_in_force(b, &w.job, &redo, &grade_ms);
	if (rc)
		goto out;
	json_array_foreach(redo, i, v) {
		if (recorded_since(&w, json_string_value(v), grade_ms))
			continue;
		snprintf(text, sizeof(text),
			 "step '%s' is to be redone and has no new record since the grade",
			 json_string_value(v));
		json_array_append_new(missing, json_string(text));
		json_array_append_new(reasons, json_pack("{s:O, s:s}", "step", v, "why", "redo"));
	}
	if (json_array_size(missing)) {
		rc = svc_fail(b, SVC_ESTATE, "job %lld cannot be submitted yet", id);
		*view = json_pack("{s:O, s:O}", "missing", missing, "reasons", reasons);
		goto out;
	}
	/* The policy names the data wipe, whose submission has its own duties: without it,
	 * a wipe would go through with the pairing kept and no second check asked. */
	rc = svc_policy(b, &p);
	if (rc) {
		svc_fail(b, rc,
			 "job %lld is not submitted: the certification policy cannot be used: %s; "
			 "an instructor corrects it, then submit again (every step stays recorded)",
			 id, b->policy_why);
		goto out;
	}
	err = store_job_set_state(b->st, id, JOB_STATE_SUBMITTED, clock_wall_ms());
	if (err) {
		rc = svc_store_fail(b, err, "submit");
		goto out;
	}
	*view = json_pack("{s:I, s:b, s:b}", "job", (json_int_t)id, "pairing_removed", 0,
			  "wipe_check_needed", 0);
	if (strcmp(w.job.checklist_id, p->wipe_checklist) == 0) {
		/* The wipe checklist's promise: this computer forgets its pairing. */
		if (job_forget_pairing(b->st, &w.job))
			json_object_set_new(*view, "pairing_removed", json_true());
		json_object_set_new(*view, "wipe_check_needed",
				    json_boolean(job_wipe_sampled(&w.job,
								  p->wipe_verification_sample_pct)));
	}
out:
	work_release(&w);
	json_decref(redo);
	json_decref(missing);
	json_decref(reasons);
	return rc;
}

/* ---- an instructor's decisions ---- */

/* What every instructor's decision of KIND on job ID shares: the reason WHY (1 to
 * EVENT_NOTE_MAX bytes), who decides (BY, who must be allowed WHAT on the job), and the
 * event E to record, filled but for its kind's own fields. *JOB and *U get the job and
 * the person. */
static enum svc_err decision(struct bench *b, long long id, const char *by, const char *why,
			     enum svc_action what, enum store_job_event_kind kind,
			     struct store_job *job, struct store_user *u, struct store_job_event *e)
{
	enum svc_err rc;

	if (!why || strlen(why) > EVENT_NOTE_MAX || text_clean(why, e->note, sizeof(e->note)) == 0)
		return svc_fail(b, SVC_EINVAL,
				"say %s (1 to %d bytes): it is kept with the job",
				kind == STORE_JOB_WIPE_CHECK ? "what you checked (--note TEXT): the "
							       "setup screens, no account, no photo "
							       "left..."
							     : "why (--why TEXT)",
				EVENT_NOTE_MAX);
	rc = svc_actor(b, by, u);
	if (!rc)
		rc = svc_get_job(b, id, job);
	if (rc)
		return rc;
	if (!svc_may(b, u, what, &(struct svc_subject){ .job = job }))
		return SVC_EDENIED;
	e->job_id = id;
	e->kind = kind;
	e->user_id = u->id;
	e->t_ms = clock_wall_ms();
	return SVC_OK;
}

enum svc_err svc_job_cancel(struct bench *b, long long id, const char *by, const char *why,
			    json_t **view)
{
	struct store_job_event e = { 0 };
	struct store_user u;
	struct store_job job;
	struct store_grade g;
	enum store_err err;
	enum svc_err rc;

	*view = NULL;
	rc = decision(b, id, by, why, SVC_CANCEL_JOB, STORE_JOB_CANCEL, &job, &u, &e);
	if (rc)
		return rc;
	if (job.state == JOB_STATE_CANCELLED)
		return svc_fail(b, SVC_ESTATE, "job %lld is already cancelled", id);
	if (job.state == JOB_STATE_SUBMITTED && store_grade_last(b->st, id, &g) == STORE_OK) {
		int approved = job_approved(&job, &g);

		store_grade_release(&g);
		if (approved)
			return svc_fail(b, SVC_ESTATE,
					"job %lld is approved: an approved job stays as it was graded",
					id);
	}
	err = store_job_event_add(b->st, &e, NULL);
	if (err == STORE_ESTALE)
		return svc_fail(b, SVC_ESTATE, "job %lld was cancelled or approved meanwhile", id);
	if (err)
		return svc_store_fail(b, err, "record the cancellation");
	*view = json_pack("{s:I, s:s, s:s}", "job", (json_int_t)id, "by", u.name, "why", e.note);
	return SVC_OK;
}

enum svc_err svc_job_resume(struct bench *b, long long id, const char *by, const char *why,
			    json_t **view)
{
	struct store_job_event e = { 0 };
	const struct store_step *stop;
	struct store_user u;
	struct store_job job;
	struct work w = { 0 };
	enum store_err err;
	enum svc_err rc;

	*view = NULL;
	rc = decision(b, id, by, why, SVC_RESUME_JOB, STORE_JOB_RESUME, &job, &u, &e);
	if (!rc)
		rc = work_load(b, id, WORK_CHECKLIST, NULL, &w);
	if (rc)
		goto out;
	stop = w.job.state == JOB_STATE_OPEN ? stopped_by(&w) : NULL;
	if (!stop) {
		rc = svc_fail(b, SVC_ESTATE, "job %lld is not stopped: there is nothing to decide",
			      id);
		goto out;
	}
	e.record_id = stop->id;
	err = store_job_event_add(b->st, &e, NULL);
	if (err) {
		rc = svc_store_fail(b, err, "record the decision");
		goto out;
	}
	*view = json_pack("{s:I, s:s, s:s, s:s, s:i}", "job", (json_int_t)id, "by", u.name, "why",
			  e.note, "step", stop->step_id, "record", stop->seq);
out:
	work_release(&w);
	return rc;
}

enum svc_err svc_job_check_wipe(struct bench *b, long long id, const char *by,
				const char *result, const char *note, json_t **view)
{
	struct store_job_event e = { 0 };
	const struct policy *p;
	struct store_user u;
	struct store_job job;
	enum store_err err;
	enum svc_err rc;

	*view = NULL;
	if (!result || !step_result_parse(result, &e.result) ||
	    (e.result != STEP_PASS && e.result != STEP_FAIL))
		return svc_fail(b, SVC_EINVAL, "the check's result is pass (no data left) or fail");
	rc = svc_policy(b, &p);
	if (rc)
		return rc;
	rc = decision(b, id, by, note, SVC_CHECK_WIPE, STORE_JOB_WIPE_CHECK, &job, &u, &e);
	if (rc)
		return rc;
	if (strcmp(job.checklist_id, p->wipe_checklist) != 0)
		return svc_fail(b, SVC_EINVAL, "job %lld is a '%s' job, not a data wipe ('%s')", id,
				job.checklist_id, p->wipe_checklist);
	if (job.state != JOB_STATE_SUBMITTED)
		return svc_fail(b, SVC_ESTATE,
				"job %lld is %s: a data wipe is checked once it is submitted", id,
				job.state == JOB_STATE_OPEN ? "not submitted yet"
							    : job_state_name(job.state));
	err = store_job_event_add(b->st, &e, NULL);
	if (err)
		return svc_store_fail(b, err, "record the check");
	*view = json_pack("{s:I, s:s, s:s, s:s}", "job", (json_int_t)id, "by", u.name, "result",
			  step_result_name(e.result), "note", e.note);
	return SVC_OK;
}

enum svc_err svc_job_verify(struct bench *b, long long id, json_t **view)
{
	char why[256], chain[STORE_CHAIN_MAX];
	struct store_ledger_check c;
	struct store_job job;
	enum store_err err;
	enum svc_err rc;
	enum job_err e;
	int bad;

	*view = NULL;
	rc = svc_get_job(b, id, &job);
	if (rc)
		return rc;
	/* The job's chain of records first: it alone knows where the records end. */
	snprintf(chain, sizeof(chain), "job:%lld", id);
	err = store_ledger_check(b->st, chain, &c);
	if (err)
		return svc_store_fail(b, err, "read the job's records");
	if (c.verdict == STORE_LEDGER_REMOVED)
		return svc_fail(b, SVC_EREMOVED, "job %lld has lost records: %s", id, c.why);
	if (c.verdict != STORE_LEDGER_OK)
		return svc_fail(b, SVC_EREFUSED, "job %lld has been altered: %s", id, c.why);
	e = job_verify(b->st, id, &bad, why, sizeof(why));
	if (e == JOB_ENOJOB)
		return svc_fail(b, SVC_ENOENT, "no job %lld (atelier job list)", id);
	if (e == JOB_ETAMPERED)
		return svc_fail(b, SVC_EREFUSED, "job %lld has been altered: %s", id, why);
	if (e != JOB_OK)
		return svc_fail(b, SVC_EIO, "%s", job_strerror(e));
	*view = json_pack("{s:I, s:b, s:I}", "job", (json_int_t)id, "ok", 1, "entries",
			  (json_int_t)c.entries);
	return SVC_OK;
}

/* ---- grades ---- */

enum svc_err svc_job_grade(struct bench *b, const struct svc_grade *req, json_t **view)
{
	if (b->remote)
		return svc_remote_job_grade(b, req, view);
	char feedback[SVC_FEEDBACK_MAX + 1], why[512];
	struct store_grade g = { 0 }, last, *all = NULL;
	struct store_job job;
	struct store_user grader;
	const struct checklist *c = NULL;
	enum verdict verdict;
	long long grade_id = 0;
	char trainee[64];
	size_t n = 0;
	enum store_err err;
	enum svc_err rc;

	*view = NULL;
	if (!req->verdict || !verdict_parse(req->verdict, &verdict))
		return svc_fail(b, SVC_EINVAL, "the verdict is approved or redo");
	if (!req->feedback || strlen(req->feedback) > SVC_FEEDBACK_MAX ||
	    text_clean(req->feedback, feedback, sizeof(feedback)) == 0)
		return svc_fail(b, SVC_EINVAL,
				"a grade needs feedback (1 to %d bytes): what the trainee did well "
				"and what to do better",
				SVC_FEEDBACK_MAX);
	if (verdict == VERDICT_REDO && json_array_size(req->redo) == 0)
		return svc_fail(b, SVC_EINVAL, "a redo names the steps to do again: --redo STEP,...");
	if (verdict == VERDICT_APPROVED && json_array_size(req->redo))
		return svc_fail(b, SVC_EINVAL, "an approved job has nothing to redo: leave out --redo");
	if (json_object_size(req->scores) > GRADE_MAX_SCORES)
		return svc_fail(b, SVC_EINVAL, "too many scores");
	rc = svc_actor(b, req->by, &grader);
	if (!rc)
		rc = svc_get_job(b, req->job, &job);
	if (rc)
		return rc;
	err = store_grade_last(b->st, job.id, &last);
	if (err == STORE_OK) {
		if (job.state == JOB_STATE_SUBMITTED && last.submitted_ms == job.submitted_ms)
			rc = svc_fail(b, SVC_ESTATE,
				      "job %lld is already graded for this submission (%s): a new "
				      "grade comes after the next submission",
				      job.id, verdict_name(last.verdict));
		else if (job.state == JOB_STATE_OPEN)
			rc = svc_fail(b, SVC_ESTATE,
				      "job %lld went back to its trainee for redo and is not "
				      "submitted again yet",
				      job.id);
		store_grade_release(&last);
		if (rc)
			return rc;
	} else if (err != STORE_ENOENT) {
		return svc_store_fail(b, err, "read the job's grades");
	}
	if (job.state != JOB_STATE_SUBMITTED)
		return svc_fail(b, SVC_ESTATE, "job %lld is %s: only submitted work is graded",
				job.id, job.state == JOB_STATE_OPEN ? "not submitted yet"
								    : job_state_name(job.state));
	if (!svc_may(b, &grader, SVC_GRADE_JOB, &(struct svc_subject){ .job = &job }))
		return SVC_EDENIED;
	rc = load_pinned(b, &job, &c);
	if (rc)
		return rc;
	if (!grade_fits(c, verdict, req->redo, req->scores, why, sizeof(why))) {
		rc = svc_fail(b, SVC_EINVAL, "%s", why);
		goto out;
	}
	g.job_id = job.id;
	g.submitted_ms = job.submitted_ms;
	g.verdict = verdict;
	g.redo = json_array_size(req->redo) ? json_dumps(req->redo, JSON_COMPACT) : NULL;
	g.scores = json_object_size(req->scores)
			   ? json_dumps(req->scores, JSON_COMPACT | JSON_SORT_KEYS)
			   : NULL;
	g.feedback = feedback;
	g.by_user = grader.id;
	g.t_ms = clock_wall_ms();
	err = store_grade_add(b->st, &g, &grade_id);
	free(g.redo);
	free(g.scores);
	if (err == STORE_ESTALE) {
		rc = svc_fail(b, SVC_ESTATE,
			      "job %lld changed meanwhile (graded or reopened by someone else): look "
			      "at it again (atelier job show %lld)",
			      job.id, job.id);
		goto out;
	}
	if (err) {
		rc = svc_store_fail(b, err, "record the grade");
		goto out;
	}
	if (store_grades_of(b->st, job.id, &all, &n) != STORE_OK || n == 0) {
		rc = svc_store_fail(b, STORE_EINTERNAL, "read the grade again");
		goto out;
	}
	{
		struct store_user t;
		char code[64] = "?";

		/* trainee_code: what a screen other than the instructor's may say of her. */
		if (store_user_get(b->st, job.trainee_id, &t) == STORE_OK)
			svc_person_code(&t, code, sizeof(code));
		*view = json_pack("{s:I, s:o, s:s, s:s, s:b}", "job", (json_int_t)job.id, "grade",
				  grade_json(b, &all[n - 1], n, c), "trainee",
				  svc_user_name(b, job.trainee_id, trainee, sizeof(trainee)),
				  "trainee_code", code, "reopened", verdict == VERDICT_REDO);
	}
out:
	store_grades_free(all, n);
	return rc;
}

enum svc_err svc_job_ack(struct bench *b, long long id, const char *by, json_t **view)
{
	if (b->remote)
		return svc_remote_job(b, "POST", id, "ack", by, view);
	struct store_grade *grades = NULL;
	struct store_job job;
	struct store_user user;
	const struct checklist *c = NULL;
	size_t n = 0;
	enum store_err err;
	enum svc_err rc;
	int already;

	*view = NULL;
	rc = svc_actor(b, by, &user);
	if (!rc)
		rc = svc_get_job(b, id, &job);
	if (rc)
		return rc;
	if (!svc_may(b, &user, SVC_ACK_GRADE, &(struct svc_subject){ .job = &job }))
		return SVC_EDENIED;
	err = store_grades_of(b->st, id, &grades, &n);
	if (err)
		return svc_store_fail(b, err, "read the grades");
	if (n == 0) {
		rc = svc_fail(b, SVC_ESTATE, "job %lld has no grade yet", id);
		goto out;
	}
	/* The latest grade is the one in force; older ones were acknowledged or replaced. */
	err = store_grade_ack(b->st, grades[n - 1].id, user.id, clock_wall_ms());
	if (err != STORE_OK && err != STORE_EEXIST) {
		rc = svc_store_fail(b, err, "record the acknowledgement");
		goto out;
	}
	already = err == STORE_EEXIST;
	if (!already) {
		/* Read it again, with the acknowledgement just recorded. */
		store_grades_free(grades, n);
		grades = NULL;
		if (store_grades_of(b->st, id, &grades, &n) != STORE_OK || n == 0) {
			rc = svc_store_fail(b, STORE_EINTERNAL, "read the grades again");
			goto out;
		}
	}
	if (load_pinned(b, &job, &c) != SVC_OK)
		c = NULL; /* the grade is still shown, without maxima */
	*view = json_pack("{s:I, s:s, s:i, s:o, s:b, s:s}", "job", (json_int_t)id, "checklist",
			  job.checklist_id, "checklist_version", job.checklist_version, "grade",
			  grade_json(b, &grades[n - 1], n, c), "already", already, "state",
			  job_state_name(job.state));
	rc = SVC_OK;
out:
	store_grades_free(grades, n);
	return rc;
}
