/*
 * Training (svc.h: svc_signoff, svc_trainee_show; svc_int.h: svc_trainee_ready): what a
 * trainee must hold before she starts a checklist, and an instructor's sign-off of a
 * competence once she has approved work that trains it.
 */
#include "svc/svc_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/clock.h"
#include "util/csv.h"

/* 1 when USER_ID holds a sign-off for COMPETENCE among S (N of them). */

json_t *svc_competence_name(struct bench *b, const char *id)
{
	static const char *const langs[] = POLICY_NAME_LANGS;
	const struct policy *p;
	const struct policy_competence *named;
	json_t *o;

	if (svc_policy(b, &p) != SVC_OK) {
		b->why[0] = '\0'; /* a broken policy is told by the commands that need it */
		return json_null();
	}
	named = policy_competence(p, id);
	if (!named)
		return json_null();
	o = json_object();
	for (int l = 0; o && l < 3; l++)
		if (named->name[l][0])
			json_object_set_new(o, langs[l], json_string(named->name[l]));
	return o ? o : json_null();
}

const char *svc_competence_in(struct bench *b, const char *id, const char *lang, char *out,
			      size_t size)
{
	const struct policy *p;
	const char *name = NULL;

	if (svc_policy(b, &p) == SVC_OK)
		name = policy_competence_name(p, id, lang);
	else
		b->why[0] = '\0'; /* a broken policy is told by the commands that need it */
	snprintf(out, size, "%s", name ? name : id);
	return out;
}

json_t *svc_competence_names(struct bench *b, const struct checklist *c)
{
	json_t *o = json_object();

	for (size_t i = 0; o && i < c->n_competences; i++)
		json_object_set_new(o, c->competences[i], svc_competence_name(b, c->competences[i]));
	for (size_t i = 0; o && i < c->n_requires_signed_off; i++)
		json_object_set_new(o, c->requires_signed_off[i],
				    svc_competence_name(b, c->requires_signed_off[i]));
	return o;
}

static int holds(const struct store_signoff *s, size_t n, const char *competence)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(s[i].competence, competence) == 0)
			return 1;
	return 0;
}

int svc_trainee_ready(struct bench *b, const struct checklist *c, const struct store_user *who,
		      json_t *missing, json_t *needs)
{
	struct store_signoff *s = NULL;
	size_t n = 0;
	int ready = 1;
	char text[200];

	if (who->role != ROLE_TRAINEE)
		return 1; /* an instructor shows any checklist */
	for (size_t i = 0; i < c->n_requires_approved; i++) {
		long long approved = 0;

		if (store_approved_count(b->st, who->id, c->requires_approved[i], &approved) ==
			    STORE_OK &&
		    approved > 0)
			continue;
		ready = 0;
		snprintf(text, sizeof(text), "an approved job of '%s'", c->requires_approved[i]);
		if (missing)
			json_array_append_new(missing, json_string(text));
		if (needs)
			json_array_append_new(needs, json_pack("{s:s}", "approved",
							       c->requires_approved[i]));
	}
	if (c->n_requires_signed_off && store_signoffs_of(b->st, who->id, &s, &n) != STORE_OK) {
		s = NULL;
		n = 0;
	}
	for (size_t i = 0; i < c->n_requires_signed_off; i++) {
		if (holds(s, n, c->requires_signed_off[i]))
			continue;
		ready = 0;
		snprintf(text, sizeof(text), "an instructor's sign-off for '%s'",
			 c->requires_signed_off[i]);
		if (missing)
			json_array_append_new(missing, json_string(text));
		if (needs)
			json_array_append_new(needs, json_pack("{s:s, s:o}", "signed_off",
							       c->requires_signed_off[i], "name",
							       svc_competence_name(
								   b, c->requires_signed_off[i])));
	}
	free(s);
	return ready;
}

/* The checklists of SET that train COMPETENCE, "a, b" into OUT; 0 when none does. */
static size_t trained_by(const struct checklist_set *set, const char *competence, char *out,
			 size_t size)
{
	size_t found = 0;

	out[0] = '\0';
	for (size_t i = 0; set && i < set->count; i++) {
		const struct checklist *c = set->items[i];

		for (size_t k = 0; k < c->n_competences; k++) {
			if (strcmp(c->competences[k], competence) != 0)
				continue;
			snprintf(out + strlen(out), size - strlen(out), "%s%s", found ? ", " : "",
				 c->id);
			found++;
			break;
		}
	}
	return found;
}

static json_t *signoff_json(struct bench *b, const struct store_signoff *s)
{
	char by[64], who[64];

	return json_pack("{s:s, s:s, s:o, s:s, s:I, s:s}", "trainee",
			 svc_user_name(b, s->user_id, who, sizeof(who)), "competence", s->competence,
			 "name", svc_competence_name(b, s->competence), "by",
			 svc_user_name(b, s->by_user, by, sizeof(by)), "t_ms", (json_int_t)s->t_ms,
			 "note", s->note);
}

enum svc_err svc_signoff(struct bench *b, const struct svc_signoff_req *req, json_t **view)
{
	const struct checklist_set *set = svc_checklists(b);
	struct store_user me, trainee;
	struct store_signoff s = { 0 }, *held = NULL;
	size_t n = 0;
	char checklists[512];
	enum store_err err;
	enum svc_err rc;
	int approved = 0;

	*view = NULL;
	if (!req->trainee || !req->competence)
		return svc_fail(b, SVC_EINVAL, "a sign-off names a trainee and a competence");
	if (!req->note || !req->note[0] || strspn(req->note, " \t\n") == strlen(req->note))
		return svc_fail(b, SVC_EINVAL, "a sign-off needs a note: what you saw her do");
	if (strlen(req->note) >= sizeof(s.note) || strlen(req->competence) >= sizeof(s.competence))
		return svc_fail(b, SVC_EINVAL, "the note is at most %zu bytes", sizeof(s.note) - 1);
	rc = svc_actor_as(b, "--by", req->by, &me);
	if (rc)
		return rc;
	if (!svc_may(b, &me, SVC_SIGN_OFF, NULL))
		return SVC_EDENIED;
	err = store_user_find(b->st, req->trainee, &trainee);
	if (err == STORE_ENOENT)
		return svc_fail(b, SVC_ENOENT, "no user '%s' (atelier user list)", req->trainee);
	if (err)
		return svc_store_fail(b, err, "read the users");
	if (trainee.id == me.id)
		return svc_fail(b, SVC_EDENIED, "nobody signs themselves off: another instructor "
						"does");
	if (!trained_by(set, req->competence, checklists, sizeof(checklists)))
		return svc_fail(b, SVC_ENOENT,
				"no checklist trains '%s' (the competences: list of a checklist; "
				"atelier checklist show ID)",
				req->competence);
	for (size_t i = 0; set && i < set->count && !approved; i++) {
		const struct checklist *c = set->items[i];
		long long count = 0;

		for (size_t k = 0; k < c->n_competences && !approved; k++)
			if (strcmp(c->competences[k], req->competence) == 0 &&
			    store_approved_count(b->st, trainee.id, c->id, &count) == STORE_OK &&
			    count > 0)
				approved = 1;
	}
	if (!approved)
		return svc_fail(b, SVC_ESTATE,
				"%s has no approved job that trains '%s' yet (%s): a sign-off comes "
				"after approved work",
				trainee.name, req->competence, checklists);
	err = store_signoffs_of(b->st, trainee.id, &held, &n);
	if (err)
		return svc_store_fail(b, err, "read the sign-offs");
	for (size_t i = 0; i < n; i++) {
		if (strcmp(held[i].competence, req->competence) == 0) {
			char by[64];

			rc = svc_fail(b, SVC_ESTATE, "%s was already signed off for '%s' by %s",
				      trainee.name, req->competence,
				      svc_user_name(b, held[i].by_user, by, sizeof(by)));
			free(held);
			return rc;
		}
	}
	free(held);
	s.user_id = trainee.id;
	snprintf(s.competence, sizeof(s.competence), "%s", req->competence);
	s.by_user = me.id;
	snprintf(s.note, sizeof(s.note), "%s", req->note);
	s.t_ms = clock_wall_ms();
	err = store_signoff_add(b->st, &s, &s.id);
	if (err)
		return svc_store_fail(b, err, "record the sign-off");
	svc_audit(b, "sign-off", req->competence, "done", trainee.name);
	*view = signoff_json(b, &s);
	return SVC_OK;
}

/* The per-checklist figures of a record, grown as its jobs are read. */
struct figures {
	const char *checklist;
	long long jobs, cancelled, approved, graded, first_time, redos, timed, bench_ms;
	json_t *trend; /* [{job, t_ms, minutes}] of each submitted job, oldest first */
};

static struct figures *figures_of(struct figures *f, size_t *n, const char *checklist)
{
	for (size_t i = 0; i < *n; i++)
		if (strcmp(f[i].checklist, checklist) == 0)
			return &f[i];
	memset(&f[*n], 0, sizeof(f[*n]));
	f[*n].checklist = checklist;
	f[*n].trend = json_array();
	return &f[(*n)++];
}

/* The rubric's maxima {item: max} of the checklist JOB was started with, or NULL when
 * its snapshot no longer loads (then the scores cannot be put on a scale). */
static json_t *score_max_of(struct bench *b, const struct store_job *job)
{
	const struct checklist *c;
	json_t *max;

	if (svc_pinned(b, job, &c) != SVC_OK) {
		b->why[0] = '\0'; /* not a failure of the record: its scores go without a scale */
		return NULL;
	}
	max = json_object();
	for (size_t i = 0; i < c->n_rubric; i++)
		json_object_set_new(max, c->rubric[i].id, json_integer(c->rubric[i].max));
	return max;
}

json_t *svc_training_record(struct bench *b, const struct store_user *who, long long from_ms,
			    long long to_ms, int with_max)
{
	struct store_record_job *jobs = NULL;
	struct store_grade *g = NULL;
	struct figures *f = NULL;
	size_t n_jobs = 0, n_g = 0, n_f = 0, k = 0, first;
	const struct store_grade *last;
	json_t *lists, *redos, *scores, *feedback, *out = NULL;
	long long first_ms = 0;
	enum store_err err;
	char by[64];

	err = store_record_jobs(b->st, who->id, &jobs, &n_jobs);
	if (!err)
		err = store_grades_of_trainee(b->st, who->id, &g, &n_g);
	if (err) {
		svc_store_fail(b, err, "read the trainee's jobs");
		goto out;
	}
	f = calloc(n_jobs ? n_jobs : 1, sizeof(*f));
	if (!f)
		goto out;
	lists = json_array();
	redos = json_array();
	scores = json_array();
	feedback = json_array();
	for (size_t i = 0; i < n_jobs; i++) {
		const struct store_job *j = &jobs[i].job;
		struct figures *x;

		if (j->started_ms < from_ms || (to_ms && j->started_ms >= to_ms))
			continue; /* started outside the period asked */
		if (!first_ms || j->started_ms < first_ms)
			first_ms = j->started_ms;
		x = figures_of(f, &n_f, j->checklist_id);
		first = n_g;
		last = NULL;

		x->jobs++;
		x->cancelled += j->state == JOB_STATE_CANCELLED;
		if (j->submitted_ms) {
			x->timed++;
			x->bench_ms += jobs[i].bench_ms;
			json_array_append_new(x->trend,
					      json_pack("{s:I, s:I, s:f}", "job", (json_int_t)j->id,
							"t_ms", (json_int_t)j->submitted_ms,
							"minutes", jobs[i].bench_ms / 60000.0));
		}
		/* Jobs and grades both come by job id: this job's grades are the next ones. */
		while (k < n_g && g[k].job_id < j->id)
			k++;
		for (; k < n_g && g[k].job_id == j->id; k++) {
			json_t *v;

			if (first == n_g)
				first = k;
			last = &g[k];
			svc_user_name(b, g[k].by_user, by, sizeof(by));
			if (g[k].verdict == VERDICT_REDO) {
				x->redos++;
				v = g[k].redo ? json_loads(g[k].redo, 0, NULL) : NULL;
				json_array_append_new(redos, json_pack("{s:I, s:s, s:I, s:o, s:s, s:s}",
								       "job", (json_int_t)j->id,
								       "checklist", j->checklist_id,
								       "t_ms", (json_int_t)g[k].t_ms,
								       "steps", v ? v : json_array(),
								       "feedback", g[k].feedback, "by",
								       by));
			}
			v = g[k].scores ? json_loads(g[k].scores, 0, NULL) : NULL;
			if (v && json_object_size(v)) {
				json_t *score = json_pack("{s:I, s:s, s:I, s:s, s:o}", "job",
							  (json_int_t)j->id, "checklist",
							  j->checklist_id, "t_ms",
							  (json_int_t)g[k].t_ms, "verdict",
							  verdict_name(g[k].verdict), "scores", v);
				json_t *max = with_max ? score_max_of(b, j) : NULL;

				if (with_max)
					json_object_set_new(score, "score_max", max ? max : json_null());
				json_array_append_new(scores, score);
			} else {
				json_decref(v);
			}
			json_array_append_new(feedback,
					      json_pack("{s:I, s:s, s:I, s:s, s:s, s:s, s:b}", "job",
							(json_int_t)j->id, "checklist", j->checklist_id,
							"t_ms", (json_int_t)g[k].t_ms, "verdict",
							verdict_name(g[k].verdict), "by", by, "feedback",
							g[k].feedback, "acknowledged", g[k].ack_user != 0));
		}
		if (first < n_g) {
			x->graded++;
			x->first_time += g[first].verdict == VERDICT_APPROVED;
		}
		x->approved += last && j->state == JOB_STATE_SUBMITTED &&
			       last->submitted_ms == j->submitted_ms &&
			       last->verdict == VERDICT_APPROVED;
	}
	for (size_t i = 0; i < n_f; i++) {
		const struct figures *x = &f[i];

		json_array_append_new(
			lists,
			json_pack("{s:s, s:I, s:I, s:I, s:I, s:o, s:I, s:o, s:o}", "id", x->checklist,
				  "jobs", (json_int_t)x->jobs, "cancelled", (json_int_t)x->cancelled,
				  "approved", (json_int_t)x->approved, "first_time_approved",
				  (json_int_t)x->first_time, "first_time_rate",
				  x->graded ? json_real((double)x->first_time / (double)x->graded)
					    : json_null(),
				  "redos", (json_int_t)x->redos, "average_minutes",
				  x->timed ? json_real((double)x->bench_ms / (double)x->timed / 60000.0)
					   : json_null(),
				  "trend", x->trend));
	}
	out = json_pack("{s:o, s:o, s:o, s:o, s:o}", "checklists", lists, "redos", redos, "scores",
			scores, "feedback", feedback, "first_ms",
			first_ms ? json_integer(first_ms) : json_null());
out:
	free(f);
	free(jobs);
	store_grades_free(g, n_g);
	return out;
}

enum svc_err svc_training_of(struct bench *b, const char *name, struct store_user *who)
{
	struct store_user me;
	enum store_err err;
	enum svc_err rc;

	rc = svc_actor(b, NULL, &me);
	if (rc)
		return rc;
	if (!name)
		name = me.name;
	/* Refused before the name is looked up: a trainee learns nothing of who exists. */
	if (me.role < ROLE_INSTRUCTOR && strcmp(name, me.name) != 0)
		return svc_fail(b, SVC_EDENIED, "%s is a %s: a trainee sees her own training only",
				me.name, role_name(me.role));
	err = store_user_find(b->st, name, who);
	if (err == STORE_ENOENT)
		return svc_fail(b, SVC_ENOENT, "no user '%s' (atelier user list)", name);
	if (err)
		return svc_store_fail(b, err, "read the users");
	return SVC_OK;
}

enum svc_err svc_trainee_show(struct bench *b, const char *name, json_t **view)
{
	const struct checklist_set *set = svc_checklists(b);
	struct store_user who;
	struct store_signoff *s = NULL;
	size_t n = 0;
	enum store_err err;
	enum svc_err rc;
	json_t *signoffs, *lists, *record;

	*view = NULL;
	rc = svc_training_of(b, name, &who);
	if (rc)
		return rc;
	err = store_signoffs_of(b->st, who.id, &s, &n);
	if (err)
		return svc_store_fail(b, err, "read the sign-offs");
	signoffs = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(signoffs, signoff_json(b, &s[i]));
	free(s);
	lists = json_array();
	for (size_t i = 0; set && i < set->count; i++) {
		const struct checklist *c = set->items[i];
		json_t *missing = json_array(), *needs = json_array();
		long long approved = 0;
		int ready;

		if (store_approved_count(b->st, who.id, c->id, &approved) != STORE_OK)
			approved = 0;
		ready = svc_trainee_ready(b, c, &who, missing, needs);
		json_array_append_new(lists, json_pack("{s:s, s:i, s:I, s:b, s:o, s:o}", "id", c->id,
						       "difficulty", c->difficulty, "approved",
						       (json_int_t)approved, "ready", ready,
						       "missing", missing, "needs", needs));
	}
	record = svc_training_record(b, &who, 0, 0, 1);
	if (!record) {
		json_decref(signoffs);
		json_decref(lists);
		return b->why[0] ? SVC_EIO : svc_fail(b, SVC_EIO, "out of memory");
	}
	*view = json_pack("{s:s, s:s, s:o, s:o, s:o}", "trainee", who.name, "role",
			  role_name(who.role), "signoffs", signoffs, "checklists", lists, "record",
			  record);
	return SVC_OK;
}

/* "a; b": the competences of S (N of them) signed off before TO_MS (0: any time); and the
 * same by their names into NAMES ({id: {en, fr, nl}} or null), for a screen. */
static void signed_off_text(struct bench *b, const struct store_signoff *s, size_t n,
			    long long to_ms, char *out, size_t size, json_t *names)
{
	out[0] = '\0';
	for (size_t i = 0; i < n; i++)
		if (!to_ms || s[i].t_ms < to_ms) {
			snprintf(out + strlen(out), size - strlen(out), "%s%s", out[0] ? "; " : "",
				 s[i].competence);
			json_object_set_new(names, s[i].competence,
					    svc_competence_name(b, s[i].competence));
		}
}

/* The rows of one trainee WHO for the report into ROWS. */
static enum svc_err report_rows(struct bench *b, const struct store_user *who, long long from_ms,
				long long to_ms, json_t *rows)
{
	struct store_signoff *s = NULL;
	size_t n = 0, i;
	char held[1024];
	json_t *record, *c, *names;
	enum store_err err;

	err = store_signoffs_of(b->st, who->id, &s, &n);
	if (err)
		return svc_store_fail(b, err, "read the sign-offs");
	names = json_object();
	signed_off_text(b, s, n, to_ms, held, sizeof(held), names);
	free(s);
	record = svc_training_record(b, who, from_ms, to_ms, 0);
	if (!record) {
		json_decref(names);
		return b->why[0] ? SVC_EIO : svc_fail(b, SVC_EIO, "out of memory");
	}
	json_array_foreach(json_object_get(record, "checklists"), i, c) {
		json_t *row = json_deep_copy(c);

		json_object_del(row, "trend");
		json_object_set_new(row, "checklist", json_string(json_string_value(json_object_get(row, "id"))));
		json_object_del(row, "id");
		json_object_set_new(row, "trainee", json_string(who->name));
		json_object_set_new(row, "signed_off", json_string(held));
		json_object_set(row, "signed_off_names", names);
		json_array_append_new(rows, row);
	}
	json_decref(names);
	json_decref(record);
	return SVC_OK;
}

enum svc_err svc_training_report(struct bench *b, const char *trainee, long long from_ms,
				 long long to_ms, json_t **view)
{
	struct store_user me, who, *users = NULL;
	size_t n = 0;
	enum store_err err;
	enum svc_err rc;
	json_t *rows;

	*view = NULL;
	if (to_ms && from_ms >= to_ms)
		return svc_fail(b, SVC_EINVAL, "the period ends before it starts (--from, --to)");
	rc = svc_actor(b, NULL, &me);
	if (rc)
		return rc;
	if (me.role < ROLE_INSTRUCTOR && (!trainee || strcmp(trainee, me.name) != 0)) {
		if (trainee)
			return svc_fail(b, SVC_EDENIED,
					"%s is a %s: a trainee sees her own training only", me.name,
					role_name(me.role));
		trainee = me.name;
	}
	rows = json_array();
	if (trainee) {
		err = store_user_find(b->st, trainee, &who);
		if (err == STORE_ENOENT)
			rc = svc_fail(b, SVC_ENOENT, "no user '%s' (atelier user list)", trainee);
		else if (err)
			rc = svc_store_fail(b, err, "read the users");
		else
			rc = report_rows(b, &who, from_ms, to_ms, rows);
	} else {
		err = store_user_list(b->st, &users, &n);
		if (err)
			rc = svc_store_fail(b, err, "read the users");
		for (size_t i = 0; !rc && i < n; i++)
			if (users[i].role == ROLE_TRAINEE)
				rc = report_rows(b, &users[i], from_ms, to_ms, rows);
		free(users);
	}
	if (rc) {
		json_decref(rows);
		return rc;
	}
	*view = json_pack("{s:I, s:o, s:o}", "from_ms", (json_int_t)from_ms, "to_ms",
			  to_ms ? json_integer(to_ms) : json_null(), "rows", rows);
	return SVC_OK;
}

/* The report's columns, in the order of the CSV: keys of a row of the view. */
static const char *const report_columns[] = {
	"trainee", "checklist", "jobs", "cancelled", "approved", "first_time_approved",
	"first_time_rate", "redos", "average_minutes", "signed_off", NULL,
};

/* Column KEY of ROW: text, a whole number, or a number with two decimals (null: empty). */
static void csv_field(FILE *out, const json_t *row, const char *key, int first)
{
	const json_t *v = json_object_get(row, key);
	char num[48];

	if (json_is_string(v)) {
		csv_text(out, json_string_value(v), first);
	} else if (json_is_integer(v)) {
		snprintf(num, sizeof(num), "%lld", (long long)json_integer_value(v));
		csv_raw(out, num, first);
	} else if (json_is_real(v)) {
		snprintf(num, sizeof(num), "%.2f", json_real_value(v));
		csv_raw(out, num, first);
	} else {
		csv_raw(out, "", first);
	}
}

void svc_training_csv(const json_t *view, FILE *out)
{
	const json_t *row;
	size_t i;

	for (size_t c = 0; report_columns[c]; c++)
		csv_text(out, report_columns[c], c == 0);
	csv_end(out);
	json_array_foreach(json_object_get(view, "rows"), i, row) {
		for (size_t c = 0; report_columns[c]; c++)
			csv_field(out, row, report_columns[c], c == 0);
		csv_end(out);
	}
}
