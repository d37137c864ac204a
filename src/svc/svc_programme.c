/*
 * The programme's report for its funders (svc.h: svc_programme_doc, svc_programme_file):
 * what came in and went out again, the repairs and parts, the people's work counted (never
 * named), and the e-waste kept in use, for a period; drawn by atelier-pdf as a PDF or an
 * HTML page (src/report/programme.c), or written as CSV rows.
 */
#include "svc/svc_int.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "probe/facts.h"
#include "util/clock.h"
#include "util/csv.h"

#define PROG_MONTHS_MAX 120 /* a report covers ten years at most */

/* What a device counts in. */
static const char *const outcomes[] = { "received", "certified", "sold",       "donated",
					"recycled", "parts",	 "quarantine", NULL };

struct prog {
	struct bench *b;
	const struct policy *policy;
	json_t *devices;     /* "ID" -> {platform, model, model_id, class} (read once each) */
	json_t *models;	     /* "platform\tmodel" -> {platform, model, <outcome>: n...} */
	json_t *months;	     /* "YYYY-MM" -> {month, received, certified, ..., bench_ms, graded,
				first_time} */
	json_t *totals;	     /* <outcome>: n, revenue_cents */
	json_t *repairs;     /* checklist id -> approved repairs */
	json_t *parts;	     /* "name\torigin" -> {name, origin, count} */
	json_t *trainees;    /* "ID" -> true: the trainees who worked in the period */
	json_t *competences; /* competence -> sign-offs */
	long long bench_ms, graded, first_time, signoffs, listed, unlisted;
	double grams;
	int oom;
};

/* The month of T_MS in local time, "2026-11", into BUF. */
static const char *month_of(long long t_ms, char *buf, size_t size)
{
	time_t t = (time_t)(t_ms / 1000);
	struct tm tm;

	if (!localtime_r(&t, &tm))
		memset(&tm, 0, sizeof(tm));
	snprintf(buf, size, "%04d-%02d", tm.tm_year + 1900, tm.tm_mon + 1);
	return buf;
}

/* Add N to the integer at KEY of O. */
static void add(json_t *o, const char *key, long long n)
{
	json_t *v = json_object_get(o, key);

	if (v)
		json_integer_set(v, json_integer_value(v) + n);
	else
		json_object_set_new(o, key, json_integer(n));
}

/* Device ID's platform, marketing name, model identifier and class, read once. */
static const json_t *device(struct prog *g, long long id)
{
	char key[24], *text = NULL;
	struct store_device_row row;
	long long t_ms;
	json_t *d, *facts = NULL;
	const char *name;

	snprintf(key, sizeof(key), "%lld", id);
	d = json_object_get(g->devices, key);
	if (d)
		return d;
	if (store_device_get(g->b->st, id, &row) != STORE_OK)
		snprintf(row.platform, sizeof(row.platform), "%s", "unknown");
	if (store_latest_probe(g->b->st, id, &text, &t_ms) == STORE_OK)
		facts = json_loads(text, 0, NULL);
	free(text);
	name = facts_json_string(facts, "identity.marketing_name");
	if (!name)
		name = facts_json_string(facts, "identity.model_id");
	d = json_pack("{s:s, s:s, s:o, s:o}", "platform", row.platform, "model",
		      name ? name : "", "model_id",
		      svc_str_or_null(facts_json_string(facts, "identity.model_id")), "class",
		      svc_str_or_null(facts_json_string(facts, "device.class")));
	json_decref(facts);
	if (!d || json_object_set_new(g->devices, key, d) != 0) {
		g->oom = 1;
		return NULL;
	}
	return d;
}

static json_t *month(struct prog *g, long long t_ms)
{
	char m[32];

	return json_object_get(g->months, month_of(t_ms, m, sizeof(m)));
}

/* A device counted in OUTCOME: by its model, its month, and in all. */
static void count_device(struct prog *g, const char *outcome, const struct store_programme_row *r)
{
	const json_t *d = device(g, r->device_id);
	const char *platform = d ? json_string_value(json_object_get(d, "platform")) : "unknown";
	const char *model = d ? json_string_value(json_object_get(d, "model")) : "";
	json_t *m, *mo = month(g, r->t_ms);
	char key[160];

	snprintf(key, sizeof(key), "%s\t%s", platform, model);
	m = json_object_get(g->models, key);
	if (!m) {
		m = json_pack("{s:s, s:s}", "platform", platform, "model", model);
		for (size_t i = 0; m && outcomes[i]; i++)
			json_object_set_new(m, outcomes[i], json_integer(0));
		if (!m || json_object_set_new(g->models, key, m) != 0) {
			g->oom = 1;
			return;
		}
	}
	add(m, outcome, 1);
	add(g->totals, outcome, 1);
	if (mo)
		add(mo, outcome, 1);
	if (strcmp(outcome, "sold") == 0)
		add(g->totals, "revenue_cents", r->n);
	if (strcmp(outcome, "certified") == 0 && d) {
		int listed = 0;

		g->grams += policy_weight_g(g->policy,
					    json_string_value(json_object_get(d, "model_id")),
					    json_string_value(json_object_get(d, "class")), &listed);
		if (listed)
			g->listed++;
		else
			g->unlisted++;
	}
}

/* The parts of one step's last record (JSON [{name, origin...}]) counted. */
static void count_parts(struct prog *g, const char *parts)
{
	json_t *list = parts ? json_loads(parts, 0, NULL) : NULL, *p;
	size_t i;

	json_array_foreach (list, i, p) {
		const char *name = json_string_value(json_object_get(p, "name"));
		const char *origin = json_string_value(json_object_get(p, "origin"));
		char key[400];
		json_t *c;

		if (!name)
			continue;
		if (!origin)
			origin = "unknown";
		snprintf(key, sizeof(key), "%s\t%s", name, origin);
		c = json_object_get(g->parts, key);
		if (!c) {
			c = json_pack("{s:s, s:s, s:I}", "name", name, "origin", origin, "count",
				      (json_int_t)0);
			if (!c || json_object_set_new(g->parts, key, c) != 0) {
				g->oom = 1;
				break;
			}
		}
		add(c, "count", 1);
	}
	json_decref(list);
}

/* Is checklist ID a repair (category repair)? One that no longer loads is not counted as
 * one. */
static int is_repair(struct bench *b, const char *id)
{
	const struct checklist_set *set = svc_checklists(b);
	const struct checklist *c = set && id ? checklist_set_find(set, id) : NULL;

	return c && c->category == CHECKLIST_CAT_REPAIR;
}

static int one_row(const struct store_programme_row *r, void *ctx)
{
	struct prog *g = ctx;
	json_t *mo;
	char key[24];

	for (size_t i = 0; outcomes[i]; i++)
		if (strcmp(r->kind, outcomes[i]) == 0) {
			count_device(g, outcomes[i], r);
			return !g->oom;
		}
	if (strcmp(r->kind, "approved") == 0) {
		if (is_repair(g->b, r->text))
			add(g->repairs, r->text, 1);
	} else if (strcmp(r->kind, "graded") == 0) {
		g->graded++;
		g->first_time += r->n;
		mo = month(g, r->t_ms);
		if (mo) {
			add(mo, "graded", 1);
			add(mo, "first_time", r->n);
		}
	} else if (strcmp(r->kind, "fitted") == 0) {
		if (is_repair(g->b, r->text))
			count_parts(g, r->extra);
	} else if (strcmp(r->kind, "bench") == 0) {
		g->bench_ms += r->n;
		mo = month(g, r->t_ms);
		if (mo)
			add(mo, "bench_ms", r->n);
		snprintf(key, sizeof(key), "%lld", r->user_id);
		json_object_set_new(g->trainees, key, json_true());
	} else if (strcmp(r->kind, "signoff") == 0 && r->text) {
		g->signoffs++;
		add(g->competences, r->text, 1);
	}
	return !g->oom;
}

/* Every month of [FROM_MS, TO_MS), each with its counts at zero. */
static int months_of(struct prog *g, long long from_ms, long long to_ms)
{
	char m[32], last[32];
	time_t t = (time_t)(from_ms / 1000);
	struct tm tm;
	int n = 0;

	month_of(to_ms - 1, last, sizeof(last));
	if (!localtime_r(&t, &tm))
		return -1;
	tm.tm_mday = 1;
	tm.tm_hour = 12;
	for (;;) {
		json_t *o;

		snprintf(m, sizeof(m), "%04d-%02d", tm.tm_year + 1900, tm.tm_mon + 1);
		if (++n > PROG_MONTHS_MAX)
			return -1;
		o = json_pack("{s:s, s:I, s:I}", "month", m, "bench_ms", (json_int_t)0, "graded",
			      (json_int_t)0);
		for (size_t i = 0; o && outcomes[i]; i++)
			json_object_set_new(o, outcomes[i], json_integer(0));
		json_object_set_new(o, "first_time", json_integer(0));
		if (!o || json_object_set_new(g->months, m, o) != 0)
			return -1;
		if (strcmp(m, last) >= 0)
			return 0;
		if (++tm.tm_mon == 12) {
			tm.tm_mon = 0;
			tm.tm_year++;
		}
	}
}

static int by_text(const void *x, const void *y)
{
	return strcmp(*(const char *const *)x, *(const char *const *)y);
}

/* The values of object O as an array, in the order of their keys. */
static json_t *values(json_t *o)
{
	json_t *a = json_array();
	const char **keys = calloc(json_object_size(o) + 1, sizeof(*keys));
	const char *k;
	json_t *v;
	size_t n = 0;

	if (!a || !keys) {
		free(keys);
		return a;
	}
	json_object_foreach (o, k, v)
		keys[n++] = k;
	qsort(keys, n, sizeof(*keys), by_text);
	for (size_t i = 0; i < n; i++)
		json_array_append(a, json_object_get(o, keys[i]));
	free(keys);
	return a;
}

static double share(long long part, long long whole)
{
	return whole > 0 ? (double)part / (double)whole : NAN;
}

static json_t *real_or_null(double x)
{
	return isnan(x) ? json_null() : json_real(x);
}

/* The months as the document gives them: hours rather than ms, and the first-time rate. */
static json_t *doc_months(struct prog *g)
{
	json_t *list = values(g->months), *m;
	size_t i;

	json_array_foreach (list, i, m) {
		long long ms = json_integer_value(json_object_get(m, "bench_ms"));

		json_object_set_new(m, "bench_hours", json_real((double)ms / 3600000.0));
		json_object_set_new(
		    m, "first_time_rate",
		    real_or_null(share(json_integer_value(json_object_get(m, "first_time")),
				       json_integer_value(json_object_get(m, "graded")))));
		json_object_del(m, "bench_ms");
	}
	return list;
}

/* {checklist, title, approved} of each kind of repair, the most done first. */
static json_t *doc_repairs(struct prog *g, const char *lang)
{
	const struct checklist_set *set = svc_checklists(g->b);
	json_t *list = json_array();
	const char *id;
	json_t *n;

	json_object_foreach (g->repairs, id, n) {
		const struct checklist *c = set ? checklist_set_find(set, id) : NULL;
		const char *title = c ? checklist_text(&c->title, lang) : NULL;

		json_array_append_new(list, json_pack("{s:s, s:s, s:O}", "checklist", id, "title",
						      title ? title : id, "approved", n));
	}
	return list;
}

/* Sign-offs per competence, each with its name in LANG (svc_competence_in). */
static json_t *doc_competences(struct bench *b, struct prog *g, const char *lang)
{
	json_t *list = json_array();
	char name[POLICY_TEXT_MAX];
	const char *id;
	json_t *n;

	json_object_foreach (g->competences, id, n)
		json_array_append_new(list, json_pack("{s:s, s:s, s:O}", "competence", id, "name",
						      svc_competence_in(b, id, lang, name,
									sizeof(name)),
						      "count", n));
	return list;
}

static json_t *doc_impact(struct prog *g)
{
	const struct policy_programme *p = &g->policy->programme;
	long long kept = json_integer_value(json_object_get(g->totals, "certified"));

	return json_pack("{s:I, s:f, s:I, s:I, s:f, s:f, s:f, s:f, s:f, s:s}", "kept_in_use",
			 (json_int_t)kept, "weight_kg", g->grams / 1000.0, "weighed_by_model",
			 (json_int_t)g->listed, "weighed_by_default", (json_int_t)g->unlisted,
			 "phone_g", p->phone_g, "tablet_g", p->tablet_g, "co2e_kg",
			 (double)kept * p->co2e_kg_per_year * p->extra_years, "factor_kg_per_year",
			 p->co2e_kg_per_year, "extra_years", p->extra_years, "source",
			 p->co2e_source);
}

static void prog_release(struct prog *g)
{
	json_decref(g->devices);
	json_decref(g->models);
	json_decref(g->months);
	json_decref(g->totals);
	json_decref(g->repairs);
	json_decref(g->parts);
	json_decref(g->trainees);
	json_decref(g->competences);
}

enum svc_err svc_programme_doc(struct bench *b, const struct svc_programme_req *req,
			       json_t **view)
{
	struct prog g = { .b = b };
	struct store_user me;
	char lang[8];
	enum svc_err rc;
	enum store_err err;
	json_t *doc;

	*view = NULL;
	rc = svc_actor(b, NULL, &me);
	if (rc)
		return rc;
	if (!svc_may(b, &me, SVC_READ_PROGRAMME, NULL))
		return SVC_EDENIED;
	if (!req->from_ms || !req->to_ms)
		return svc_fail(b, SVC_EINVAL, "the programme's report is for a period: give "
					       "--from DAY and --to DAY");
	if (req->from_ms >= req->to_ms)
		return svc_fail(b, SVC_EINVAL, "the period ends before it starts (--from, --to)");
	rc = svc_policy(b, &g.policy);
	if (rc)
		return rc;
	rc = svc_doc_lang(b, req->lang, NULL, lang, sizeof(lang));
	if (rc)
		return rc;
	g.devices = json_object();
	g.models = json_object();
	g.months = json_object();
	g.totals = json_object();
	g.repairs = json_object();
	g.parts = json_object();
	g.trainees = json_object();
	g.competences = json_object();
	for (size_t i = 0; g.totals && outcomes[i]; i++)
		json_object_set_new(g.totals, outcomes[i], json_integer(0));
	json_object_set_new(g.totals, "revenue_cents", json_integer(0));
	if (!g.devices || !g.models || !g.months || !g.totals || !g.repairs || !g.parts ||
	    !g.trainees || !g.competences) {
		prog_release(&g);
		return svc_fail(b, SVC_EIO, "out of memory");
	}
	if (months_of(&g, req->from_ms, req->to_ms) != 0) {
		prog_release(&g);
		return svc_fail(b, SVC_EINVAL, "the programme's report covers %d months at most",
				PROG_MONTHS_MAX);
	}
	err = store_programme_rows(b->st, req->from_ms, req->to_ms, one_row, &g);
	if (err || g.oom) {
		prog_release(&g);
		return err ? svc_store_fail(b, err, "read the records")
			   : svc_fail(b, SVC_EIO, "out of memory");
	}
	doc = json_pack("{s:s, s:s, s:I, s:I, s:I, s:O, s:o, s:o, s:o, s:o, s:o, s:o}", "format",
			"atelier-programme-report/1", "lang", lang, "from_ms",
			(json_int_t)req->from_ms, "until_ms", (json_int_t)(req->to_ms - 1),
			"made_ms", (json_int_t)clock_wall_ms(), "totals", g.totals, "models",
			values(g.models), "repairs", doc_repairs(&g, lang), "parts",
			values(g.parts), "people",
			json_pack("{s:I, s:f, s:I, s:I, s:o, s:I, s:o}", "trainees",
				  (json_int_t)json_object_size(g.trainees), "bench_hours",
				  (double)g.bench_ms / 3600000.0, "graded", (json_int_t)g.graded,
				  "first_time", (json_int_t)g.first_time, "first_time_rate",
				  real_or_null(share(g.first_time, g.graded)), "signoffs",
				  (json_int_t)g.signoffs, "competences", doc_competences(b, &g, lang)),
			"impact", doc_impact(&g), "months", doc_months(&g));
	prog_release(&g);
	if (!doc)
		return svc_fail(b, SVC_EIO, "out of memory");
	svc_doc_workshop(b, doc);
	*view = doc;
	return SVC_OK;
}

/* ---- CSV: one row per figure ---- */

static void csv_row(FILE *out, const char *section, const char *platform, const char *name,
		    const char *measure, const json_t *v)
{
	char num[64];

	csv_text(out, section, 1);
	csv_text(out, platform, 0);
	csv_text(out, name, 0);
	csv_text(out, measure, 0);
	if (json_is_integer(v)) {
		snprintf(num, sizeof(num), "%lld", (long long)json_integer_value(v));
		csv_raw(out, num, 0);
	} else if (json_is_real(v)) {
		snprintf(num, sizeof(num), "%.3f", json_real_value(v));
		csv_raw(out, num, 0);
	} else {
		csv_text(out, json_string_value(v), 0);
	}
	csv_end(out);
}

/* Each number of object O under SECTION, the keys in KEYS (NULL-ended). */
static void csv_keys(FILE *out, const char *section, const char *platform, const char *name,
		     const json_t *o, const char *const *keys)
{
	for (size_t i = 0; keys[i]; i++)
		csv_row(out, section, platform, name, keys[i], json_object_get(o, keys[i]));
}

void svc_programme_csv(const json_t *doc, FILE *out)
{
	static const char *const people[] = { "trainees",	 "bench_hours", "graded",
					      "first_time",	 "first_time_rate", "signoffs",
					      NULL };
	static const char *const impact[] = { "kept_in_use",	   "weight_kg",
					      "weighed_by_model",  "weighed_by_default",
					      "co2e_kg",	   "factor_kg_per_year",
					      "extra_years",	   "source",
					      NULL };
	static const char *const month_keys[] = { "received", "certified",   "sold",
						  "donated",  "recycled",    "parts",
						  "quarantine", "bench_hours", "first_time_rate",
						  NULL };
	static const char *const totals[] = { "received", "certified", "sold",
					      "donated",  "recycled",  "parts",
					      "quarantine", "revenue_cents", NULL };
	const json_t *x;
	size_t i;

	csv_text(out, "section", 1);
	csv_text(out, "platform", 0);
	csv_text(out, "name", 0);
	csv_text(out, "measure", 0);
	csv_text(out, "value", 0);
	csv_end(out);
	csv_keys(out, "devices", "", "", json_object_get(doc, "totals"), totals);
	json_array_foreach (json_object_get(doc, "models"), i, x)
		csv_keys(out, "model", json_string_value(json_object_get(x, "platform")),
			 json_string_value(json_object_get(x, "model")), x, outcomes);
	json_array_foreach (json_object_get(doc, "repairs"), i, x)
		csv_row(out, "repair", "", json_string_value(json_object_get(x, "checklist")),
			"approved", json_object_get(x, "approved"));
	json_array_foreach (json_object_get(doc, "parts"), i, x) {
		char name[400];

		snprintf(name, sizeof(name), "%s (%s)",
			 json_string_value(json_object_get(x, "name")),
			 json_string_value(json_object_get(x, "origin")));
		csv_row(out, "part", "", name, "fitted", json_object_get(x, "count"));
	}
	csv_keys(out, "people", "", "", json_object_get(doc, "people"), people);
	json_array_foreach (json_object_get(json_object_get(doc, "people"), "competences"), i, x)
		csv_row(out, "competence", "", json_string_value(json_object_get(x, "competence")),
			"signed_off", json_object_get(x, "count"));
	csv_keys(out, "impact", "", "", json_object_get(doc, "impact"), impact);
	json_array_foreach (json_object_get(doc, "months"), i, x)
		csv_keys(out, "month", "", json_string_value(json_object_get(x, "month")), x,
			 month_keys);
}
