/*
 * The training record a trainee keeps as evidence of what she learned (svc.h:
 * svc_training_doc, svc_training_file): her figures for a period as one document in her
 * language, which atelier-pdf draws as a PDF or an HTML file (src/report/); or the rows of
 * the training report as CSV, for the same download.
 */
#include "svc/svc_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/clock.h"

#define DOC_FEEDBACK_MAX 10 /* pieces of feedback shown: the latest */
#define DOC_POINTS_MAX 60   /* points of the scores' chart; more grades are averaged in groups */
#define DOC_TREND_MIN 4	    /* timed jobs of a checklist before a trend is told */
#define DOC_TREND_BAND 0.15 /* a change of the average time within 15 % is steady */
#define DOC_TREND_FLOOR 0.5 /* ... and one under half a minute: the clock's noise */
#define DOC_FILE_MAX (32u << 20) /* bytes of a drawn record: far more than 500 jobs make */

const char *svc_trend(const double *minutes, size_t n, double *earlier, double *later)
{
	size_t half = n / 2;
	double a = 0, z = 0;

	if (n < DOC_TREND_MIN)
		return NULL;
	/* The earlier half against the later one; the middle job of an odd count in neither. */
	for (size_t i = 0; i < half; i++) {
		a += minutes[i];
		z += minutes[n - half + i];
	}
	a /= (double)half;
	z /= (double)half;
	*earlier = a;
	*later = z;
	if (a <= 0)
		return NULL; /* nothing to compare with */
	if (z < a * (1 - DOC_TREND_BAND) && a - z >= DOC_TREND_FLOOR)
		return "faster";
	if (z > a * (1 + DOC_TREND_BAND) && z - a >= DOC_TREND_FLOOR)
		return "slower";
	return "steady";
}

/* The trend of a checklist's timed jobs (TREND: [{minutes}], oldest first): {direction,
 * earlier, later}, or null when too few jobs tell one. */
static json_t *trend_json(const json_t *trend)
{
	size_t n = json_array_size(trend), i;
	double *m = calloc(n ? n : 1, sizeof(*m)), earlier = 0, later = 0;
	const json_t *t;
	const char *word;

	if (!m)
		return json_null();
	json_array_foreach (trend, i, t)
		m[i] = json_number_value(json_object_get(t, "minutes"));
	word = svc_trend(m, n, &earlier, &later);
	free(m);
	if (!word)
		return json_null();
	return json_pack("{s:s, s:f, s:f}", "direction", word, "earlier", earlier, "later", later);
}

/* The record's figures per checklist, each with its title and its trend. */
static json_t *doc_checklists(struct bench *b, const json_t *record, const char *lang)
{
	json_t *lists = json_deep_copy(json_object_get(record, "checklists")), *c;
	size_t i;

	json_array_foreach (lists, i, c) {
		const char *id = json_string_value(json_object_get(c, "id"));

		json_object_set_new(c, "title", json_string(svc_checklist_title(b, id, lang)));
		json_object_set_new(c, "trend", trend_json(json_object_get(c, "trend")));
	}
	return lists;
}

/* SCORES as a share of MAX (0 to 1): their sum over the sum of their maxima; -1 when a
 * maximum is not known (the rubric no longer loads, or changed). */
static double share_of(const json_t *scores, const json_t *max)
{
	double got = 0, out_of = 0;
	const char *item;
	const json_t *v;

	json_object_foreach ((json_t *)scores, item, v) {
		const json_t *m = json_object_get(max, item);

		if (!json_is_integer(m) || json_integer_value(m) <= 0)
			return -1;
		got += (double)json_integer_value(v);
		out_of += (double)json_integer_value(m);
	}
	return out_of > 0 ? got / out_of : -1;
}

struct scored {
	long long t_ms;
	double share;
};

static int by_time(const void *x, const void *y)
{
	const struct scored *a = x, *b = y;

	return (a->t_ms > b->t_ms) - (a->t_ms < b->t_ms);
}

/* The chart's points: each scored grade's share of the maximum, in the order the grades
 * were given, [{t_ms, share, grades}]; past DOC_POINTS_MAX grades, consecutive grades are
 * averaged in groups of the same size (GRADES says how many: the last group may be
 * smaller), so that the chart stays readable whatever the length of the training. */
static json_t *score_points(const json_t *scores)
{
	size_t n = 0, i, group;
	struct scored *s = calloc(json_array_size(scores) + 1, sizeof(*s));
	json_t *points = json_array();
	const json_t *g;

	if (!s)
		return points;
	json_array_foreach (scores, i, g) {
		double share =
		    share_of(json_object_get(g, "scores"), json_object_get(g, "score_max"));

		if (share >= 0)
			s[n++] = (struct scored){ json_integer_value(json_object_get(g, "t_ms")),
						  share };
	}
	qsort(s, n, sizeof(*s), by_time);
	group = (n + DOC_POINTS_MAX - 1) / DOC_POINTS_MAX;
	for (i = 0; i < n; i += group) {
		size_t k = n - i < group ? n - i : group;
		double sum = 0;

		for (size_t j = 0; j < k; j++)
			sum += s[i + j].share;
		json_array_append_new(points, json_pack("{s:I, s:f, s:I}", "t_ms",
							(json_int_t)s[i + k - 1].t_ms, "share",
							sum / (double)k, "grades", (json_int_t)k));
	}
	free(s);
	return points;
}

/* The title of rubric item ITEM of checklist ID in LANG, or the item's id. */
static const char *item_title(struct bench *b, const char *id, const char *item, const char *lang)
{
	const struct checklist *c = svc_checklist_current(b, id);
	const char *t = NULL;

	for (size_t i = 0; c && i < c->n_rubric && !t; i++)
		if (strcmp(c->rubric[i].id, item) == 0)
			t = checklist_text(&c->rubric[i].title, lang);
	return t ? t : item;
}

/* Each rubric item's average over the period, per checklist: [{checklist, title, item,
 * item_title, max, average, count}], in the order they were first scored. */
static json_t *score_items(struct bench *b, const json_t *scores, const char *lang)
{
	json_t *by_key = json_object(), *items = json_array(), *it, *v;
	const json_t *g;
	const char *key, *item;
	size_t i;

	json_array_foreach (scores, i, g) {
		const char *id = json_string_value(json_object_get(g, "checklist"));
		const json_t *max = json_object_get(g, "score_max");

		json_object_foreach (json_object_get(g, "scores"), item, v) {
			char k[300];

			snprintf(k, sizeof(k), "%s\n%s", id, item);
			it = json_object_get(by_key, k);
			if (!it) {
				it = json_pack("{s:s, s:s, s:s, s:s, s:O, s:f, s:I}", "checklist",
					       id, "title", svc_checklist_title(b, id, lang), "item", item,
					       "item_title", item_title(b, id, item, lang), "max",
					       json_object_get(max, item)
						   ? json_object_get(max, item)
						   : json_null(),
					       "sum", 0.0, "count", (json_int_t)0);
				json_object_set_new(by_key, k, it);
			}
			json_object_set_new(
			    it, "sum",
			    json_real(json_number_value(json_object_get(it, "sum")) +
				      json_number_value(v)));
			json_object_set_new(
			    it, "count",
			    json_integer(json_integer_value(json_object_get(it, "count")) + 1));
		}
	}
	json_object_foreach (by_key, key, it) {
		double sum = json_number_value(json_object_get(it, "sum"));

		json_object_set_new(
		    it, "average",
		    json_real(sum / (double)json_integer_value(json_object_get(it, "count"))));
		json_object_del(it, "sum");
		json_array_append(items, it);
	}
	json_decref(by_key);
	return items;
}

static int newest_first(const void *x, const void *y)
{
	const json_t *a = *(json_t *const *)x, *b = *(json_t *const *)y;
	json_int_t ta = json_integer_value(json_object_get(a, "t_ms"));
	json_int_t tb = json_integer_value(json_object_get(b, "t_ms"));

	return (ta < tb) - (ta > tb);
}

/* The latest DOC_FEEDBACK_MAX pieces of feedback of the record, newest first, each with
 * its checklist's title. */
static json_t *doc_feedback(struct bench *b, const json_t *record, const char *lang)
{
	const json_t *all = json_object_get(record, "feedback");
	size_t n = json_array_size(all), i;
	json_t **f = calloc(n + 1, sizeof(*f)), *out = json_array();

	if (!f)
		return out;
	for (i = 0; i < n; i++)
		f[i] = json_array_get(all, i);
	qsort(f, n, sizeof(*f), newest_first);
	for (i = 0; i < n && i < DOC_FEEDBACK_MAX; i++) {
		json_t *one = json_deep_copy(f[i]);
		const char *id = json_string_value(json_object_get(one, "checklist"));

		json_object_set_new(one, "title", json_string(svc_checklist_title(b, id, lang)));
		json_object_del(one, "acknowledged");
		json_array_append_new(out, one);
	}
	free(f);
	return out;
}

/* The competences WHO holds at the end of the period (signed off before TO_MS, 0: now):
 * [{competence, name (in LANG), by, t_ms}], oldest first. */
static enum svc_err doc_signoffs(struct bench *b, const struct store_user *who, long long to_ms,
				 const char *lang, json_t **out)
{
	struct store_signoff *s = NULL;
	size_t n = 0;
	enum store_err err = store_signoffs_of(b->st, who->id, &s, &n);
	char by[64], name[POLICY_TEXT_MAX];

	*out = NULL;
	if (err)
		return svc_store_fail(b, err, "read the sign-offs");
	*out = json_array();
	for (size_t i = 0; i < n; i++)
		if (!to_ms || s[i].t_ms < to_ms)
			json_array_append_new(
			    *out, json_pack("{s:s, s:o, s:s, s:I}", "competence", s[i].competence,
					    "name", json_string(svc_competence_in(b, s[i].competence, lang, name, sizeof(name))), "by",
					    svc_user_name(b, s[i].by_user, by, sizeof(by)), "t_ms",
					    (json_int_t)s[i].t_ms));
	free(s);
	return SVC_OK;
}

enum svc_err svc_doc_lang(struct bench *b, const char *lang, const struct store_user *who,
			  char *out, size_t size)
{
	const struct policy *p = NULL;
	char chosen[16];

	if (lang && !checklist_lang_known(lang))
		return svc_fail(b, SVC_EINVAL, "the language is en, fr or nl, not '%s'", lang);
	if (!lang && who && store_user_lang(b->st, who->id, chosen, sizeof(chosen)) == STORE_OK) {
		chosen[strcspn(chosen, "-_")] = '\0';
		if (checklist_lang_known(chosen))
			lang = chosen;
	}
	if (!lang && svc_policy(b, &p) == SVC_OK)
		lang = p->language;
	b->why[0] = '\0'; /* a broken policy is told by the commands that need it */
	/* one of the three codes: never cut */
	snprintf(out, size, "%.2s", lang && checklist_lang_known(lang) ? lang : "en");
	return SVC_OK;
}

/* The trainee of REQ for the one signed in, into *WHO: the PDF is one trainee's, so an
 * instructor names her. */
static enum svc_err doc_trainee(struct bench *b, const struct svc_training_req *req,
				struct store_user *who)
{
	struct store_user me;
	enum svc_err rc = svc_actor(b, NULL, &me);

	if (rc)
		return rc;
	if (!req->trainee && me.role != ROLE_TRAINEE)
		return svc_fail(b, SVC_EINVAL,
				"a training record is one trainee's: name her (--trainee NAME)");
	return svc_training_of(b, req->trainee, who);
}

void svc_doc_workshop(struct bench *b, json_t *doc)
{
	const struct policy *p = NULL;

	if (svc_policy(b, &p) != SVC_OK)
		p = NULL;
	b->why[0] = '\0';
	json_object_set_new(doc, "workshop",
			    p && p->workshop_name[0] ? json_string(p->workshop_name) : json_null());
	json_object_set_new(
	    doc, "place", p && p->workshop_place[0] ? json_string(p->workshop_place) : json_null());
}

enum svc_err svc_training_doc(struct bench *b, const struct svc_training_req *req, json_t **view)
{
	struct store_user who;
	char lang[8];
	json_t *record, *signoffs, *doc;
	long long now = clock_wall_ms(), first;
	enum svc_err rc;

	*view = NULL;
	if (req->to_ms && req->from_ms >= req->to_ms)
		return svc_fail(b, SVC_EINVAL, "the period ends before it starts (--from, --to)");
	rc = doc_trainee(b, req, &who);
	if (!rc)
		rc = svc_doc_lang(b, req->lang, &who, lang, sizeof(lang));
	if (!rc)
		rc = doc_signoffs(b, &who, req->to_ms, lang, &signoffs);
	if (rc)
		return rc;
	record = svc_training_record(b, &who, req->from_ms, req->to_ms, 1);
	if (!record) {
		json_decref(signoffs);
		return b->why[0] ? SVC_EIO : svc_fail(b, SVC_EIO, "out of memory");
	}
	/* The period as the reader sees it: from the day asked (else her first job's, else the
	 * day she joined) to the last day asked (else today). */
	first = json_integer_value(json_object_get(record, "first_ms"));
	if (!first)
		first = who.created_ms ? who.created_ms : now;
	doc = json_pack("{s:s, s:s, s:s, s:I, s:I, s:I, s:o, s:o, s:{s:o, s:o}, s:o, s:I}",
			"format", "atelier-training-report/1", "lang", lang, "trainee", who.name,
			"from_ms", (json_int_t)(req->from_ms ? req->from_ms : first), "until_ms",
			(json_int_t)(req->to_ms ? req->to_ms - 1 : now), "made_ms", (json_int_t)now,
			"signoffs", signoffs, "checklists", doc_checklists(b, record, lang),
			"scores", "points", score_points(json_object_get(record, "scores")),
			"items", score_items(b, json_object_get(record, "scores"), lang),
			"feedback", doc_feedback(b, record, lang), "feedback_total",
			(json_int_t)json_array_size(json_object_get(record, "feedback")));
	json_decref(record);
	if (!doc)
		return svc_fail(b, SVC_EIO, "out of memory");
	svc_doc_workshop(b, doc);
	*view = doc;
	return SVC_OK;
}

/* ---- the files ---- */

/* The whole of descriptor FD (a memory file) into OUT; 0 on success. */
static int read_back(int fd, struct svc_file *out, char *why, size_t size)
{
	struct stat sb = { 0 };
	size_t got = 0;

	if (fstat(fd, &sb) != 0 || sb.st_size <= 0 ||
	    (unsigned long long)sb.st_size > DOC_FILE_MAX) {
		snprintf(why, size, "atelier-pdf wrote %lld bytes (1 to %u)", (long long)sb.st_size,
			 DOC_FILE_MAX);
		return -1;
	}
	out->bytes = malloc((size_t)sb.st_size);
	if (!out->bytes) {
		snprintf(why, size, "out of memory");
		return -1;
	}
	while (got < (size_t)sb.st_size) {
		ssize_t r = pread(fd, out->bytes + got, (size_t)sb.st_size - got, (off_t)got);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			snprintf(why, size, "cannot read what atelier-pdf wrote: %s",
				 r < 0 ? strerror(errno) : "it is shorter than it was");
			free(out->bytes);
			out->bytes = NULL;
			return -1;
		}
		got += (size_t)r;
	}
	out->len = got;
	return 0;
}

int svc_pdf_draw(const char *const args[], const char *body, struct svc_file *out, char *why,
		 size_t size)
{
	int fd = -1, mem = memfd_create("atelier-pdf", MFD_CLOEXEC);
	int rc = -1;

	/* Above 3, so that the child's dup2 onto 3 always clears close-on-exec. */
	if (mem >= 0)
		fd = fcntl(mem, F_DUPFD_CLOEXEC, 10);
	if (fd < 0)
		snprintf(why, size, "%s", strerror(errno));
	else
		rc = svc_pdf_run(args, body, fd, why, size);
	if (rc == 0)
		rc = read_back(fd, out, why, size);
	if (fd >= 0)
		close(fd);
	if (mem >= 0)
		close(mem);
	return rc;
}

/* DOC drawn by atelier-pdf as FORMAT ("pdf" or "html") into OUT's bytes. The drawing goes
 * to a file in memory: nothing is left on the disk, and a server answers with it. */
static enum svc_err draw_as(struct bench *b, const char *mode, const char *what,
			    const json_t *doc, const char *format, struct svc_file *out)
{
	char why[1024] = "", *body = json_dumps(doc, JSON_COMPACT);
	int rc = -1;

	if (!body)
		snprintf(why, sizeof(why), "out of memory");
	else
		rc = svc_pdf_draw((const char *const[]){ mode, format, "/dev/fd/3", NULL }, body,
				  out, why, sizeof(why));
	free(body);
	if (rc != 0)
		return svc_fail(b, SVC_EIO, "the %s could not be drawn: %s", what, why);
	return SVC_OK;
}

static enum svc_err draw(struct bench *b, const json_t *doc, const char *format,
			 struct svc_file *out)
{
	return draw_as(b, "--training", "training record", doc, format, out);
}

/* The rows of the training report as CSV into OUT's bytes. */
static enum svc_err csv_file(struct bench *b, const struct svc_training_req *req,
			     struct svc_file *out)
{
	json_t *view = NULL;
	enum svc_err rc = svc_training_report(b, req->trainee, req->from_ms, req->to_ms, &view);
	FILE *m;

	if (rc)
		return rc;
	m = open_memstream(&out->bytes, &out->len);
	if (!m) {
		json_decref(view);
		return svc_fail(b, SVC_EIO, "out of memory");
	}
	svc_training_csv(view, m);
	json_decref(view);
	if (fclose(m) != 0) {
		free(out->bytes);
		out->bytes = NULL;
		return svc_fail(b, SVC_EIO, "out of memory");
	}
	return SVC_OK;
}

/* "training-NAME.EXT" into OUT->name, with anything but letters, digits, '.', '-' and
 * '_' in NAME as '_' (a file name safe anywhere, and in a header); "training.EXT" when
 * there is no name. */
static void file_name(struct svc_file *out, const char *name, const char *ext)
{
	size_t n;

	snprintf(out->name, sizeof(out->name), "training%s%.64s.%s", name ? "-" : "",
		 name ? name : "", ext);
	n = strlen(out->name) - strlen(ext) - 1;
	for (size_t i = 0; i < n; i++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_",
			    out->name[i]))
			out->name[i] = '_';
}

enum svc_err svc_training_file(struct bench *b, const struct svc_training_req *req,
			       const char *format, struct svc_file *out)
{
	json_t *doc = NULL;
	enum svc_err rc;

	memset(out, 0, sizeof(*out));
	if (format && strcmp(format, "csv") == 0) {
		out->type = "text/csv; charset=utf-8";
		file_name(out, req->trainee, "csv");
		return csv_file(b, req, out);
	}
	if (!format || (strcmp(format, "pdf") != 0 && strcmp(format, "html") != 0))
		return svc_fail(b, SVC_EINVAL,
				"the training report's format is pdf, html or csv, "
				"not '%s'",
				format ? format : "");
	rc = svc_training_doc(b, req, &doc);
	if (rc)
		return rc;
	rc = draw(b, doc, format, out);
	if (!rc) {
		out->type = format[0] == 'p' ? "application/pdf" : "text/html; charset=utf-8";
		file_name(out, json_string_value(json_object_get(doc, "trainee")), format);
	}
	json_decref(doc);
	return rc;
}

enum svc_err svc_programme_file(struct bench *b, const struct svc_programme_req *req,
				const char *format, struct svc_file *out)
{
	json_t *doc = NULL;
	enum svc_err rc;
	const char *ext = format ? format : "";
	FILE *m;

	memset(out, 0, sizeof(*out));
	if (strcmp(ext, "csv") != 0 && strcmp(ext, "pdf") != 0 && strcmp(ext, "html") != 0)
		return svc_fail(b, SVC_EINVAL,
				"the programme's report's format is pdf, html or csv, not '%s'", ext);
	rc = svc_programme_doc(b, req, &doc);
	if (rc)
		return rc;
	snprintf(out->name, sizeof(out->name), "programme.%s", ext);
	if (ext[0] == 'c') {
		out->type = "text/csv; charset=utf-8";
		m = open_memstream(&out->bytes, &out->len);
		if (m)
			svc_programme_csv(doc, m);
		if (!m || fclose(m) != 0) {
			free(out->bytes);
			out->bytes = NULL;
			rc = svc_fail(b, SVC_EIO, "out of memory");
		}
	} else {
		rc = draw_as(b, "--programme", "programme's report", doc, ext, out);
		if (!rc)
			out->type = ext[0] == 'p' ? "application/pdf" : "text/html; charset=utf-8";
	}
	json_decref(doc);
	return rc;
}
