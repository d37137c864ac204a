/*
 * Jobs: starting one on a device, what each kind of step accepts, submitting, grading
 * and acknowledging. See svc.h; the record itself (hash chain) is src/job/job.c, the
 * fit of a grade to its checklist src/job/grade.c.
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
#include "util/text.h"

#define CHECKLIST_FILE_MAX (256 * 1024)
#define GRADE_MAX_SCORES CHECKLIST_MAX_LIST
#define AUTO_READ_MS 30000 /* how long an auto step waits for the device */
#define VALUE_MAX 200      /* bytes of a value typed by hand */
#define NOTE_MAX 2000      /* bytes of a note */
#define PART_FIELD_MAX 127 /* bytes of a part's name, origin, serial or supplier */

/* The pinned checklist of JOB, from its snapshot. */
static enum svc_err load_pinned(struct bench *b, const struct store_job *job, struct checklist **c)
{
	char why[256];

	if (job_checklist(b->st, job, c, why, sizeof(why)) != JOB_OK)
		return svc_fail(b, SVC_EREFUSED, "%s", why);
	return SVC_OK;
}

static const struct checklist_step *find_step(const struct checklist *c, const char *id)
{
	for (size_t i = 0; c && id && i < c->n_steps; i++)
		if (strcmp(c->steps[i].id, id) == 0)
			return &c->steps[i];
	return NULL;
}

static json_t *step_ref(const struct checklist_step *s)
{
	return s ? json_pack("{s:s, s:s}", "id", s->id, "title", checklist_text(&s->title, "en"))
		 : json_null();
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

/* When JOB is open again after a redo, *STEPS gets the steps to redo (a new JSON array,
 * empty when the grade names none) and *GRADE_MS the grade's time (may be NULL); else
 * *STEPS is NULL. */
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
	if (g.verdict == VERDICT_REDO) {
		*steps = g.redo ? json_loads(g.redo, 0, NULL) : NULL;
		if (!json_is_array(*steps)) {
			json_decref(*steps);
			*steps = json_array();
		}
		if (grade_ms)
			*grade_ms = g.t_ms;
	}
	store_grade_release(&g);
	return SVC_OK;
}

/* 1 when RECS (job view records) hold a record of STEP made at T_MS or later. */
static int recorded_since(const json_t *recs, const char *step, long long t_ms)
{
	size_t k;
	json_t *r;

	json_array_foreach(recs, k, r)
		if (strcmp(json_string_value(json_object_get(r, "step")), step) == 0 &&
		    json_integer_value(json_object_get(r, "t_ms")) >= t_ms)
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
	json_object_set_new(r, "value", steps[i].value ? json_string(steps[i].value) : json_null());
	json_object_set_new(r, "note", steps[i].note ? json_string(steps[i].note) : json_null());
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

/* The job view (svc.h); C may be NULL when the pinned checklist cannot be loaded. */
static json_t *job_json(struct bench *b, const struct store_job *job, const struct checklist *c)
{
	struct store_step *steps = NULL;
	struct store_grade *grades = NULL;
	json_t *o, *recs = json_array(), *arr = json_array(), *redo = NULL, *left = json_array();
	long long grade_ms = 0;
	char trainee[64];
	size_t n = 0, ng = 0;

	o = json_pack("{s:I, s:I, s:s, s:i, s:s, s:s, s:s, s:I}", "id", (json_int_t)job->id,
		      "device", (json_int_t)job->device_id, "checklist", job->checklist_id,
		      "checklist_version", job->checklist_version, "checklist_hash",
		      job->checklist_hash, "trainee",
		      svc_user_name(b, job->trainee_id, trainee, sizeof(trainee)), "state",
		      job_state_name(job->state), "started_ms", (json_int_t)job->started_ms);
	if (store_steps_of(b->st, job->id, &steps, &n) == STORE_OK)
		for (size_t i = 0; i < n; i++)
			json_array_append_new(recs, record_json(b, steps, i));
	store_steps_free(steps, n);
	json_object_set_new(o, "records", recs);
	if (c) {
		json_t *todo = json_array();

		for (size_t i = 0; i < c->n_steps; i++) {
			int done = 0;
			size_t k;
			json_t *r;

			json_array_foreach(recs, k, r)
				done |= strcmp(json_string_value(json_object_get(r, "step")),
					       c->steps[i].id) == 0;
			if (!done)
				json_array_append_new(todo, json_string(c->steps[i].id));
		}
		json_object_set_new(o, "steps_to_do", todo);
	}
	json_object_set_new(o, "submitted_ms",
			    job->submitted_ms ? json_integer(job->submitted_ms) : json_null());
	if (store_grades_of(b->st, job->id, &grades, &ng) == STORE_OK)
		for (size_t i = 0; i < ng; i++)
			json_array_append_new(arr, grade_json(b, &grades[i], i + 1, c));
	store_grades_free(grades, ng);
	json_object_set_new(o, "grades", arr);
	/* Steps sent back for redo that have no record since the grade. */
	if (redo_in_force(b, job, &redo, &grade_ms) == SVC_OK && redo) {
		size_t i;
		json_t *step;

		json_array_foreach(redo, i, step)
			if (!recorded_since(recs, json_string_value(step), grade_ms))
				json_array_append(left, step);
	}
	json_decref(redo);
	json_object_set_new(o, "steps_to_redo", left);
	return o;
}

enum svc_err svc_job_show(struct bench *b, long long id, json_t **view)
{
	struct store_job job;
	struct checklist *c = NULL;
	enum svc_err rc;

	*view = NULL;
	rc = svc_get_job(b, id, &job);
	if (rc)
		return rc;
	if (load_pinned(b, &job, &c) != SVC_OK)
		c = NULL; /* the records are still shown */
	*view = job_json(b, &job, c);
	checklist_free(c);
	return SVC_OK;
}

enum svc_err svc_job_list(struct bench *b, const struct svc_job_filter *f, json_t **view)
{
	struct store_device_row dev = { 0 };
	struct store_user u = { 0 };
	struct store_job *jobs = NULL;
	enum job_state state;
	size_t n = 0;
	enum store_err err;
	enum svc_err rc;
	char name[64];

	*view = NULL;
	if (f->state && !job_state_parse(f->state, &state))
		return svc_fail(b, SVC_EINVAL, "'%s' is not a job state: open, submitted or cancelled",
				f->state);
	if (f->device && (rc = svc_find_device(b, f->device, &dev)) != SVC_OK)
		return rc;
	if (f->trainee) {
		err = store_user_find(b->st, f->trainee, &u);
		if (err == STORE_ENOENT)
			return svc_fail(b, SVC_ENOENT, "no user '%s' (atelier user list)", f->trainee);
		if (err)
			return svc_store_fail(b, err, "read the users");
	}
	err = store_job_list(b->st, dev.id, u.id, f->state ? &state : NULL, &jobs, &n);
	if (err)
		return svc_store_fail(b, err, "list the jobs");
	*view = json_array();
	for (size_t i = 0; i < n; i++) {
		struct store_grade g;
		json_t *j = json_pack("{s:I, s:I, s:s, s:i, s:s, s:s}", "id", (json_int_t)jobs[i].id,
				      "device", (json_int_t)jobs[i].device_id, "checklist",
				      jobs[i].checklist_id, "checklist_version",
				      jobs[i].checklist_version, "state",
				      job_state_name(jobs[i].state), "trainee",
				      svc_user_name(b, jobs[i].trainee_id, name, sizeof(name)));

		if (store_grade_last(b->st, jobs[i].id, &g) == STORE_OK) {
			json_object_set_new(j, "verdict", json_string(verdict_name(g.verdict)));
			store_grade_release(&g);
		} else {
			json_object_set_new(j, "verdict", json_null());
		}
		json_array_append_new(*view, j);
	}
	free(jobs);
	return SVC_OK;
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

enum svc_err svc_job_start(struct bench *b, const struct svc_job_start *req, json_t **view)
{
	struct store_device_row dev;
	struct store_user user;
	struct store_job job = { 0 }, *open_jobs = NULL;
	const struct checklist *c;
	json_t *facts = NULL, *o = NULL;
	enum job_state open = JOB_STATE_OPEN;
	char why[320], hash[65];
	size_t n_open = 0;
	long long id = 0;
	enum svc_err rc;
	enum store_err err;

	*view = NULL;
	if (!req->device || !req->checklist || !req->trainee)
		return svc_fail(b, SVC_EINVAL, "a job needs a device, a checklist and a trainee");
	rc = svc_find_device(b, req->device, &dev);
	if (!rc)
		rc = svc_find_user(b, req->trainee, &user);
	if (rc)
		return rc;
	if (!svc_may(b, &user, SVC_START_JOB, NULL))
		return SVC_EDENIED;
	/* Quarantined, sold, recycled...: nobody works on it, and the trainee reads why. */
	if (!lifecycle_job_may_start(dev.state, why, sizeof(why)))
		return svc_fail(b, SVC_ESTATE, "no job can start on %s: %s", req->device, why);
	rc = svc_device_facts(b, dev.id, &facts);
	if (rc)
		return rc;
	if (json_object_size(facts) == 0) {
		rc = svc_fail(b, SVC_ESTATE, "device '%s' has no reading yet: run 'atelier probe' "
					     "first",
			      req->device);
		goto out;
	}
	c = checklist_set_find(svc_checklists(b), req->checklist);
	if (!c) {
		rc = svc_fail(b, SVC_ENOENT, "no checklist '%s' (atelier checklist list)",
			      req->checklist);
		goto out;
	}
	if (!checklist_applies(c, facts)) {
		rc = svc_fail(b, SVC_ESTATE,
			      "checklist '%s' does not apply to this device (its platform, model or "
			      "mode)",
			      req->checklist);
		goto out;
	}
	o = json_pack("{s:b, s:[]}", "resumed", 0, "warnings");
	/* An open job on this device with this checklist goes on where it stopped. */
	err = store_job_list(b->st, dev.id, 0, &open, &open_jobs, &n_open);
	if (err) {
		rc = svc_store_fail(b, err, "list the jobs");
		goto out;
	}
	for (size_t i = 0; i < n_open && !id; i++) {
		if (strcmp(open_jobs[i].checklist_id, c->id) == 0) {
			job = open_jobs[i];
			id = job.id;
			json_object_set_new(o, "resumed", json_true());
		}
	}
	if (!id) {
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
		job.id = id;
		job.state = JOB_STATE_OPEN;
	}
	device_into_repair(b, &dev, req->device, &user, id, c->id, o);
	json_object_set_new(o, "job", job_json(b, &job, c));
	json_object_set_new(o, "next_step", step_ref(&c->steps[0]));
	*view = o;
	o = NULL;
out:
	free(open_jobs);
	json_decref(facts);
	json_decref(o);
	return rc;
}

/* ---- steps ---- */

/* Read the device of JOB again and evaluate EXPR; *FACTS_USED a new JSON object. */
static enum svc_err run_auto(struct bench *b, const struct store_job *job, const char *expr_text,
			     enum expr_result *res, json_t **facts_used)
{
	struct expr *e = NULL;
	json_t *facts = NULL;
	char msg[EXPR_MSG_MAX];
	int col;

	*facts_used = NULL;
	if (expr_parse(expr_text, &e, &col, msg, sizeof(msg)) != EXPR_OK)
		return svc_fail(b, SVC_EREFUSED, "the step's expression does not parse: %s", msg);
	if (svc_read_device(b, job->device_id, AUTO_READ_MS, &facts) != SVC_OK) {
		char why[SVC_WHY_MAX];

		snprintf(why, sizeof(why), "%s", b->why);
		expr_free(e);
		return svc_fail(b, SVC_EDEVICE,
				"the device could not be read now (%s): plug it in, unlock it, try "
				"again",
				why);
	}
	*res = expr_eval(e, facts, facts_used);
	json_decref(facts);
	expr_free(e);
	return SVC_OK;
}

/* The parts of REQ as the JSON array a record keeps; SVC_EINVAL for a bad part. */
static enum svc_err parts_json(struct bench *b, const struct svc_step *req, json_t **out)
{
	*out = json_array();
	for (size_t i = 0; i < req->n_parts; i++) {
		const struct svc_part *p = &req->parts[i];

		if (!p->name || !p->origin || !p->serial || !*p->name || !*p->origin ||
		    !*p->serial || strlen(p->name) > PART_FIELD_MAX ||
		    strlen(p->origin) > PART_FIELD_MAX || strlen(p->serial) > PART_FIELD_MAX)
			return svc_fail(b, SVC_EINVAL,
					"a part is NAME,SOURCE,SERIAL, each 1 to %d bytes",
					PART_FIELD_MAX);
		json_array_append_new(*out, json_pack("{s:s, s:s, s:s}", "name", p->name, "source",
						      p->origin, "serial", p->serial));
	}
	return SVC_OK;
}

/* What the step S of kind K accepts, and the result it gets: RESULT may be preset by
 * the request (NULL when not). On success *RESULT is the result to record. USED gets the
 * facts an auto step read. */
static enum svc_err check_kind(struct bench *b, const struct store_job *job,
			       const struct checklist_step *s, const struct svc_step *req,
			       const json_t *parts, int has_result, enum step_result *result,
			       json_t **used)
{
	char *end;
	double v;

	*used = NULL;
	if (has_result && *result == STEP_SKIP)
		return SVC_OK; /* a skip needs no value; a required step still counts as not done */
	switch (s->kind) {
	case CHECKLIST_KIND_MEASURE: {
		enum step_result in_range;

		if (!req->value)
			return svc_fail(b, SVC_EINVAL,
					"step '%s' is a measure: give the value in %s (%g to %g)",
					s->id, s->unit, s->min, s->max);
		v = strtod(req->value, &end);
		if (end == req->value || *end || !isfinite(v))
			return svc_fail(b, SVC_EINVAL, "'%s' is not a number", req->value);
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
		int ok = 0;

		for (size_t i = 0; req->value && i < s->n_options; i++)
			ok |= strcmp(req->value, s->options[i].value) == 0;
		if (!ok)
			return svc_fail(b, SVC_EINVAL,
					"step '%s' is a choice: give one of its options (atelier "
					"checklist show)",
					s->id);
		if (!has_result)
			*result = STEP_PASS;
		return SVC_OK;
	}
	case CHECKLIST_KIND_PARTS:
		if (json_array_size(parts) == 0)
			return svc_fail(b, SVC_EINVAL, "step '%s' records parts: give --part "
						       "NAME,SOURCE,SERIAL",
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
		enum svc_err rc = run_auto(b, job, s->expr, &er, used);

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

/* The record id of record number SEQ of JOB_ID; 0 when there is none. */
static long long record_id(struct bench *b, long long job_id, long long seq)
{
	struct store_step *recs = NULL;
	size_t nrec = 0;
	long long id = 0;

	if (store_steps_of(b->st, job_id, &recs, &nrec) == STORE_OK)
		for (size_t i = 0; i < nrec; i++)
			if (recs[i].seq == seq)
				id = recs[i].id;
	store_steps_free(recs, nrec);
	return id;
}

enum svc_err svc_job_step(struct bench *b, const struct svc_step *req, json_t **view)
{
	struct store_step rec = { 0 };
	struct store_job job;
	struct store_user user;
	struct store_device_row dev;
	struct checklist *c = NULL;
	const struct checklist_step *s;
	json_t *parts = NULL, *used = NULL, *redo = NULL;
	char *parts_text = NULL, *facts_text = NULL, why[256], note[NOTE_MAX + 1];
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
	if (req->value && strlen(req->value) > VALUE_MAX)
		return svc_fail(b, SVC_EINVAL, "a value is at most %d bytes", VALUE_MAX);
	rc = svc_get_job(b, req->job, &job);
	if (rc)
		return rc;
	rc = load_pinned(b, &job, &c);
	if (rc)
		return rc;
	rc = parts_json(b, req, &parts);
	if (rc)
		goto out;
	/* A device set aside (quarantine) or moved on meanwhile takes no more work. */
	if (store_device_get(b->st, job.device_id, &dev) == STORE_OK &&
	    !lifecycle_job_may_start(dev.state, why, sizeof(why))) {
		rc = svc_fail(b, SVC_ESTATE, "no step can be recorded: %s", why);
		goto out;
	}
	if (job.state != JOB_STATE_OPEN) {
		rc = svc_fail(b, SVC_ESTATE, "job %lld is %s: no more steps", job.id,
			      job_state_name(job.state));
		goto out;
	}
	s = find_step(c, req->step);
	if (!s) {
		rc = svc_fail(b, SVC_ENOENT, "this job's checklist has no step '%s' (atelier job show)",
			      req->step ? req->step : "");
		goto out;
	}
	/* Sent back for redo: only the steps the instructor named are recorded again. */
	rc = redo_in_force(b, &job, &redo, NULL);
	if (rc)
		goto out;
	if (redo && !svc_array_has(redo, s->id)) {
		char list[1024] = "";
		size_t i, len = 0;
		json_t *v;

		json_array_foreach(redo, i, v)
			len += (size_t)snprintf(list + len, len < sizeof(list) ? sizeof(list) - len : 0,
						"%s%s", i ? ", " : "", json_string_value(v));
		rc = svc_fail(b, SVC_ESTATE, "step %s is not among the steps to redo: %s", s->id,
			      list);
		goto out;
	}
	if (req->corrects) {
		/* The record number `job show` prints; the store links ids. */
		corrects = record_id(b, job.id, req->corrects);
		if (!corrects) {
			rc = svc_fail(b, SVC_ENOENT, "this job has no record %lld (atelier job show)",
				      req->corrects);
			goto out;
		}
	}
	if (req->by)
		rc = svc_find_user(b, req->by, &user);
	else if (store_user_get(b->st, job.trainee_id, &user) != STORE_OK)
		rc = svc_fail(b, SVC_ENOENT, "the job's trainee is not in the records");
	else if (!user.active)
		rc = svc_fail(b, SVC_EDENIED, "%s's account is disabled", user.name);
	if (rc)
		goto out;
	if (!svc_may(b, &user, SVC_RECORD_STEP, &(struct svc_subject){ .job = &job })) {
		rc = SVC_EDENIED;
		goto out;
	}
	rc = check_kind(b, &job, s, req, parts, has_result, &result, &used);
	if (rc)
		goto out;
	snprintf(rec.step_id, sizeof(rec.step_id), "%s", s->id);
	rec.user_id = user.id;
	rec.result = result;
	rec.value = (char *)req->value;
	rec.note = req->note ? note : NULL;
	if (json_array_size(parts))
		rec.parts = parts_text = json_dumps(parts, JSON_COMPACT);
	if (used)
		rec.facts = facts_text = json_dumps(used, JSON_COMPACT | FACTS_JSON_FLAGS);
	rec.corrects = corrects;
	je = job_append(b->st, job.id, &rec, &rec_id);
	if (je != JOB_OK) {
		rc = svc_fail(b, je == JOB_ECLOSED ? SVC_ESTATE : SVC_EIO, "%s",
			      je == JOB_ESTORE ? store_last_error_message() : job_strerror(je));
		goto out;
	}
	*view = json_pack("{s:I, s:i, s:s, s:s, s:b}", "job", (json_int_t)job.id, "record",
			  rec.seq, "step", s->id, "result", step_result_name(result), "correction",
			  corrects != 0);
	json_object_set_new(*view, "facts", used ? json_incref(used) : json_null());
out:
	json_decref(parts);
	json_decref(used);
	json_decref(redo);
	free(parts_text);
	free(facts_text);
	checklist_free(c);
	return rc;
}

/* ---- submit ---- */

enum svc_err svc_job_submit(struct bench *b, long long id, json_t **view)
{
	const struct policy *p;
	struct store_job job;
	struct checklist *c = NULL;
	json_t *o = NULL, *missing = json_array(), *recs;
	enum store_err err;
	enum svc_err rc;
	char text[256];
	size_t i;
	json_t *v;

	*view = NULL;
	rc = svc_get_job(b, id, &job);
	if (rc)
		goto out;
	if (job.state != JOB_STATE_OPEN) {
		rc = svc_fail(b, SVC_ESTATE, "job %lld is already %s", id, job_state_name(job.state));
		goto out;
	}
	rc = load_pinned(b, &job, &c);
	if (rc)
		goto out;
	o = job_json(b, &job, c);
	recs = json_object_get(o, "records");
	json_array_foreach(json_object_get(o, "steps_to_do"), i, v) {
		const struct checklist_step *s = find_step(c, json_string_value(v));

		if (s && s->required) {
			snprintf(text, sizeof(text), "step '%s' is required and not done yet", s->id);
			json_array_append_new(missing, json_string(text));
		}
	}
	/* A required step whose last word is "skip" is not done either. */
	for (size_t k = 0; k < c->n_steps; k++) {
		json_t *r, *last = NULL;
		size_t j;

		if (!c->steps[k].required)
			continue;
		json_array_foreach(recs, j, r)
			if (strcmp(json_string_value(json_object_get(r, "step")), c->steps[k].id) == 0)
				last = r;
		if (last && strcmp(json_string_value(json_object_get(last, "result")), "skip") == 0) {
			snprintf(text, sizeof(text), "step '%s' is required and was skipped",
				 c->steps[k].id);
			json_array_append_new(missing, json_string(text));
		}
	}
	/* After a redo, each step sent back needs a record made since the grade. */
	json_array_foreach(json_object_get(o, "steps_to_redo"), i, v) {
		snprintf(text, sizeof(text),
			 "step '%s' is to be redone and has no new record since the grade",
			 json_string_value(v));
		json_array_append_new(missing, json_string(text));
	}
	if (json_array_size(missing)) {
		rc = svc_fail(b, SVC_ESTATE, "job %lld cannot be submitted yet", id);
		*view = json_pack("{s:O}", "missing", missing);
		goto out;
	}
	err = store_job_set_state(b->st, id, JOB_STATE_SUBMITTED, clock_wall_ms());
	if (err) {
		rc = svc_store_fail(b, err, "submit");
		goto out;
	}
	*view = json_pack("{s:I, s:b}", "job", (json_int_t)id, "pairing_removed", 0);
	/* The wipe checklist's promise: this computer forgets its pairing. */
	p = svc_policy(b);
	if (p && strcmp(job.checklist_id, p->wipe_checklist) == 0 && job_forget_pairing(b->st, &job))
		json_object_set_new(*view, "pairing_removed", json_true());
out:
	json_decref(o);
	json_decref(missing);
	checklist_free(c);
	return rc;
}

enum svc_err svc_job_verify(struct bench *b, long long id, json_t **view)
{
	char why[256];
	int bad;
	enum job_err e = job_verify(b->st, id, &bad, why, sizeof(why));

	*view = NULL;
	if (e == JOB_ENOJOB)
		return svc_fail(b, SVC_ENOENT, "no job %lld (atelier job list)", id);
	if (e == JOB_ETAMPERED)
		return svc_fail(b, SVC_EREFUSED, "job %lld has been altered: %s", id, why);
	if (e != JOB_OK)
		return svc_fail(b, SVC_EIO, "%s", job_strerror(e));
	*view = json_pack("{s:I, s:b}", "job", (json_int_t)id, "ok", 1);
	return SVC_OK;
}

/* ---- grades ---- */

enum svc_err svc_job_grade(struct bench *b, const struct svc_grade *req, json_t **view)
{
	char feedback[SVC_FEEDBACK_MAX + 1], why[512];
	struct store_grade g = { 0 }, last, *all = NULL;
	struct store_job job;
	struct store_user grader;
	struct checklist *c = NULL;
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
	if (!req->by)
		return svc_fail(b, SVC_EINVAL, "a grade needs the instructor who grades (--by NAME)");
	if (verdict == VERDICT_REDO && json_array_size(req->redo) == 0)
		return svc_fail(b, SVC_EINVAL, "a redo names the steps to do again: --redo STEP,...");
	if (verdict == VERDICT_APPROVED && json_array_size(req->redo))
		return svc_fail(b, SVC_EINVAL, "an approved job has nothing to redo: leave out --redo");
	if (json_object_size(req->scores) > GRADE_MAX_SCORES)
		return svc_fail(b, SVC_EINVAL, "too many scores");
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
	}
	if (job.state != JOB_STATE_SUBMITTED)
		return svc_fail(b, SVC_ESTATE, "job %lld is %s: only submitted work is graded",
				job.id, job.state == JOB_STATE_OPEN ? "not submitted yet"
								    : job_state_name(job.state));
	rc = svc_find_user(b, req->by, &grader);
	if (rc)
		return rc;
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
	*view = json_pack("{s:I, s:o, s:s, s:b}", "job", (json_int_t)job.id, "grade",
			  grade_json(b, &all[n - 1], n, c), "trainee",
			  svc_user_name(b, job.trainee_id, trainee, sizeof(trainee)), "reopened",
			  verdict == VERDICT_REDO);
out:
	store_grades_free(all, n);
	checklist_free(c);
	return rc;
}

enum svc_err svc_job_ack(struct bench *b, long long id, const char *by, json_t **view)
{
	struct store_grade *grades = NULL;
	struct store_job job;
	struct store_user user;
	struct checklist *c = NULL;
	size_t n = 0;
	enum store_err err;
	enum svc_err rc;
	int already;

	*view = NULL;
	if (!by)
		return svc_fail(b, SVC_EINVAL, "say who acknowledges (--by NAME)");
	rc = svc_get_job(b, id, &job);
	if (!rc)
		rc = svc_find_user(b, by, &user);
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
	checklist_free(c);
	store_grades_free(grades, n);
	return rc;
}
