/*
 * What the two drawings of the training record share (report/report.h): its words, from
 * the gettext catalogue, the language's way of writing numbers and days, and the check of
 * the document.
 */
#include "report/report.h"

#include <assert.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "util/i18n.h"
#include "util/text.h"

static const struct report_conv conv_en = { "en", '.', ",", "", NULL };
static const struct report_conv conv_fr = { "fr", ',', REPORT_NBSP, REPORT_NBSP, "/" };
static const struct report_conv conv_nl = { "nl", ',', ".", "", "-" };

/* The words, marked for the catalogue here (scripts/po-update reads this file). */
static void words(struct report_words *w)
{
	w->title = _("Training record");
	w->workshop = _("Workshop");
	w->period = _("Period");
	w->made_on = _("Made on");
	w->signoffs = _("Competences signed off");
	w->competence = _("Competence");
	w->signed_on = _("Signed off on");
	w->instructor = _("Instructor");
	w->no_signoffs = _("No competence signed off yet.");
	w->work = _("Work per checklist");
	w->checklist = _("Checklist");
	w->jobs = _("Jobs");
	w->approved = _("Approved jobs");
	w->first_time = _("Approved the first time");
	w->redos = _("Redos");
	w->average_time = _("Average time");
	w->trend = _("Trend");
	w->faster = _("faster");
	w->slower = _("slower");
	w->steady = _("steady");
	w->no_work = _("No work in this period.");
	w->scores = _("Rubric scores over time");
	w->chart_one = _("Each point is one graded job: its scores as a share of the maximum.");
	w->chart_group =
	    _("Each point is {n} graded jobs: their scores as a share of the maximum.");
	w->item = _("Rubric item");
	w->average = _("Average");
	w->scored = _("Times scored");
	w->no_scores = _("No rubric scores in this period.");
	w->feedback = _("Feedback received");
	w->latest = _("The latest {n} of {total}, newest first.");
	w->date = _("Date");
	w->verdict = _("Verdict");
	w->by = _("By");
	w->job = _("job {n}");
	w->verdict_approved = _("approved");
	w->verdict_redo = _("to redo");
	w->no_feedback = _("No feedback in this period.");
	w->page = _("Page {n} of {total}");
	w->footer = _("Made by Atelier from the workshop's records.");
}

const struct report_conv *report_lang(const char *lang)
{
	const struct report_conv *conv = lang && strcmp(lang, "fr") == 0   ? &conv_fr
					 : lang && strcmp(lang, "nl") == 0 ? &conv_nl
									   : &conv_en;

	i18n_init();
	/* gettext reads LANGUAGE only when the messages' locale is not plain C; C.UTF-8 is
	 * built into glibc. Numbers keep the C locale: they are written below. */
	setlocale(LC_MESSAGES, "C.UTF-8");
	setenv("LANGUAGE", conv->lang, 1);
	return conv;
}

void report_use_lang(const char *lang, struct report_words *w, const struct report_conv **conv)
{
	*conv = report_lang(lang);
	words(w);
}

const char *report_strerror(enum report_err err)
{
	switch (err) {
	case REPORT_OK:
		return "success";
	case REPORT_EBADDOC:
		return "the training record lacks something it needs";
	case REPORT_EWRITE:
		return "cannot write the training record";
	}
	return "unknown report error";
}

/* ---- the document ---- */

/* The lists of the document, the text each item must have, and how many are drawn. */
static const struct {
	const char *path; /* "checklists", or "scores.points" */
	const char *text; /* a key each item has as a text, or NULL */
	size_t max;
} doc_lists[] = {
	{ "signoffs", "competence", REPORT_ROWS_MAX }, { "checklists", "id", REPORT_ROWS_MAX },
	{ "scores.points", NULL, REPORT_POINTS_MAX },  { "scores.items", "item", REPORT_ROWS_MAX },
	{ "feedback", "verdict", REPORT_ROWS_MAX },
};

static const json_t *at(const json_t *doc, const char *path)
{
	const char *dot = strchr(path, '.');
	char head[32];

	if (!dot)
		return json_object_get(doc, path);
	snprintf(head, sizeof(head), "%.*s", (int)(dot - path), path);
	return json_object_get(json_object_get(doc, head), dot + 1);
}

enum report_err report_check(const json_t *doc, char *why, size_t size)
{
	const char *format = json_string_value(json_object_get(doc, "format"));

	if (!format || strcmp(format, "atelier-training-report/1") != 0) {
		snprintf(why, size,
			 "the document is not a training record "
			 "(format atelier-training-report/1)");
		return REPORT_EBADDOC;
	}
	if (!json_is_string(json_object_get(doc, "trainee")) ||
	    !json_is_integer(json_object_get(doc, "from_ms")) ||
	    !json_is_integer(json_object_get(doc, "until_ms"))) {
		snprintf(why, size, "the training record has no trainee or no period");
		return REPORT_EBADDOC;
	}
	for (size_t i = 0; i < sizeof(doc_lists) / sizeof(doc_lists[0]); i++) {
		const json_t *list = at(doc, doc_lists[i].path), *item;
		size_t k;

		if (!json_is_array(list) || json_array_size(list) > doc_lists[i].max) {
			snprintf(why, size, "the training record's %s is not a list of at most %zu",
				 doc_lists[i].path, doc_lists[i].max);
			return REPORT_EBADDOC;
		}
		json_array_foreach (list, k, item) {
			if (!json_is_object(item) ||
			    (doc_lists[i].text &&
			     !json_is_string(json_object_get(item, doc_lists[i].text)))) {
				snprintf(why, size,
					 "item %zu of the training record's %s has no %s", k,
					 doc_lists[i].path,
					 doc_lists[i].text ? doc_lists[i].text : "fields");
				return REPORT_EBADDOC;
			}
		}
	}
	return REPORT_OK;
}

/* ---- numbers, days, texts ---- */

/* DIGITS (a run of digits) into BUF with C's group between every three from the right. */
static void grouped(const struct report_conv *c, const char *digits, char *buf, size_t size)
{
	size_t n = strlen(digits), len = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < n && len + 8 < size; i++) {
		if (i > 0 && (n - i) % 3 == 0)
			len += (size_t)snprintf(buf + len, size - len, "%s", c->group);
		buf[len++] = digits[i];
		buf[len] = '\0';
	}
}

const char *report_int(const struct report_conv *c, long long v, char *buf, size_t size)
{
	char digits[32], g[64];

	snprintf(digits, sizeof(digits), "%llu",
		 v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v);
	grouped(c, digits, g, sizeof(g));
	snprintf(buf, size, "%s%s", v < 0 ? "-" : "", g);
	return buf;
}

/* X with DECIMALS decimals, as C writes them. */
static const char *decimal(const struct report_conv *c, double x, int decimals, char *buf,
			   size_t size)
{
	char raw[64], g[96], *dot;

	if (!(x > -1e15 && x < 1e15)) /* also NaN */
		return REPORT_DASH;
	/* printf writes the C locale's point: this process never sets LC_NUMERIC */
	snprintf(raw, sizeof(raw), "%.*f", decimals, x < 0 ? -x : x);
	dot = strchr(raw, '.');
	if (dot)
		*dot = '\0';
	grouped(c, raw, g, sizeof(g));
	snprintf(buf, size, "%s%s%s%s", x < 0 && strspn(raw, "0") != strlen(raw) ? "-" : "", g,
		 dot ? (c->decimal == ',' ? "," : ".") : "", dot ? dot + 1 : "");
	return buf;
}

const char *report_decimal(const struct report_conv *c, const json_t *v, int decimals, char *buf,
			   size_t size)
{
	if (!json_is_number(v))
		return REPORT_DASH;
	return decimal(c, json_number_value(v), decimals, buf, size);
}

const char *report_percent(const struct report_conv *c, const json_t *share, char *buf, size_t size)
{
	char num[64];

	if (!json_is_number(share))
		return REPORT_DASH;
	snprintf(buf, size, "%s%s%%",
		 decimal(c, json_number_value(share) * 100.0, 0, num, sizeof(num)), c->percent);
	return buf;
}

const char *report_day(const struct report_conv *c, const json_t *t_ms, char *buf, size_t size)
{
	time_t t;
	struct tm tm;

	if (!json_is_integer(t_ms))
		return REPORT_DASH;
	t = (time_t)(json_integer_value(t_ms) / 1000);
	if (!localtime_r(&t, &tm))
		return REPORT_DASH;
	if (c->date_sep)
		snprintf(buf, size, "%02d%s%02d%s%04d", tm.tm_mday, c->date_sep, tm.tm_mon + 1,
			 c->date_sep, tm.tm_year + 1900);
	else
		snprintf(buf, size, "%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
	return buf;
}

const char *report_text(const json_t *v, char *buf, size_t size)
{
	if (!json_is_string(v))
		return REPORT_DASH;
	text_clean(json_string_value(v), buf, size);
	return buf[0] ? buf : REPORT_DASH;
}

const char *report_fill(const char *template, const char *n, const char *total, char *buf,
			size_t size)
{
	size_t len = 0;

	buf[0] = '\0';
	for (const char *p = template; *p && len + 1 < size;) {
		const char *with = strncmp(p, "{n}", 3) == 0	   ? n
				   : strncmp(p, "{total}", 7) == 0 ? total
								   : NULL;

		if (with) {
			len += (size_t)snprintf(buf + len, size - len, "%s", with);
			p += with == n ? 3 : 7;
		} else {
			buf[len++] = *p++;
			buf[len] = '\0';
		}
	}
	return buf; /* cut when too long: snprintf stops at the end of BUF */
}

/* The words of a checklist's trend: "faster (12,5 → 9,0 min)", or a dash. */
static const char *trend_text(const struct report_words *w, const struct report_conv *c,
			      const json_t *trend, char *buf, size_t size)
{
	const char *d = json_string_value(json_object_get(trend, "direction"));
	const char *word = !d			      ? NULL
			   : strcmp(d, "faster") == 0 ? w->faster
			   : strcmp(d, "slower") == 0 ? w->slower
			   : strcmp(d, "steady") == 0 ? w->steady
						      : NULL;
	char a[48], z[48];

	if (!word)
		return REPORT_DASH;
	snprintf(buf, size, "%s (%s \xe2\x86\x92 %s" REPORT_NBSP "min)", word,
		 report_decimal(c, json_object_get(trend, "earlier"), 1, a, sizeof(a)),
		 report_decimal(c, json_object_get(trend, "later"), 1, z, sizeof(z)));
	return buf;
}

static const char *verdict_text(const struct report_words *w, const json_t *verdict)
{
	const char *v = json_string_value(verdict);

	if (v && strcmp(v, "approved") == 0)
		return w->verdict_approved;
	if (v && strcmp(v, "redo") == 0)
		return w->verdict_redo;
	return REPORT_DASH;
}

void report_chart_xy(size_t i, size_t n, const json_t *share, double *x, double *y)
{
	double s = json_number_value(share);

	*x = n > 1 ? (double)i / (double)(n - 1) : 0.5;
	*y = 1 - (s < 0 ? 0 : s > 1 ? 1 : s);
}

void report_remove_partial(const char *file)
{
	struct stat st;

	if (lstat(file, &st) == 0 && S_ISREG(st.st_mode))
		unlink(file);
}

/* ---- the tables ---- */

static const json_t *num(const json_t *o, const char *key)
{
	return json_object_get(o, key);
}

/* "12,5 min", or a dash. */
static const char *minutes_text(const struct report_conv *c, const json_t *v, char *buf,
				size_t size)
{
	char n[64];

	if (!json_is_number(v))
		return REPORT_DASH;
	snprintf(buf, size, "%s" REPORT_NBSP "min", report_decimal(c, v, 1, n, sizeof(n)));
	return buf;
}

static void signoff_row(const struct report_conv *c, const json_t *s, struct report_row *r)
{
	r->n = 3;
	/* Its name in the document's language; the id from a record written before names. */
	r->cell[0] = report_text(json_object_get(s, json_object_get(s, "name") ? "name" : "competence"),
				 r->buf[0], sizeof(r->buf[0]));
	r->cell[1] = report_day(c, json_object_get(s, "t_ms"), r->buf[1], sizeof(r->buf[1]));
	r->cell[2] = report_text(json_object_get(s, "by"), r->buf[2], sizeof(r->buf[2]));
}

static void work_row(const struct report_words *w, const struct report_conv *c, const json_t *x,
		     struct report_row *r)
{
	r->n = 7;
	r->cell[0] = report_text(json_object_get(x, "title"), r->buf[0], sizeof(r->buf[0]));
	r->cell[1] =
	    report_int(c, json_integer_value(num(x, "jobs")), r->buf[1], sizeof(r->buf[1]));
	r->cell[2] =
	    report_int(c, json_integer_value(num(x, "approved")), r->buf[2], sizeof(r->buf[2]));
	r->cell[3] = report_percent(c, num(x, "first_time_rate"), r->buf[3], sizeof(r->buf[3]));
	r->cell[4] =
	    report_int(c, json_integer_value(num(x, "redos")), r->buf[4], sizeof(r->buf[4]));
	r->cell[5] = minutes_text(c, num(x, "average_minutes"), r->buf[5], sizeof(r->buf[5]));
	r->cell[6] = trend_text(w, c, json_object_get(x, "trend"), r->buf[6], sizeof(r->buf[6]));
}

static void item_row(const struct report_conv *c, const json_t *it, struct report_row *r)
{
	char title[REPORT_TEXT_MAX], item[REPORT_TEXT_MAX], avg[64], max[32];

	r->n = 3;
	snprintf(r->buf[0], sizeof(r->buf[0]), "%s \xe2\x80\x94 %s",
		 report_text(json_object_get(it, "title"), title, sizeof(title)),
		 report_text(json_object_get(it, "item_title"), item, sizeof(item)));
	snprintf(r->buf[1], sizeof(r->buf[1]), "%s / %s",
		 report_decimal(c, num(it, "average"), 1, avg, sizeof(avg)),
		 json_is_integer(num(it, "max"))
		     ? report_int(c, json_integer_value(num(it, "max")), max, sizeof(max))
		     : REPORT_DASH);
	r->cell[0] = r->buf[0];
	r->cell[1] = r->buf[1];
	r->cell[2] =
	    report_int(c, json_integer_value(num(it, "count")), r->buf[2], sizeof(r->buf[2]));
}

static void feedback_row(const struct report_words *w, const struct report_conv *c, const json_t *f,
			 struct report_row *r)
{
	char title[REPORT_TEXT_MAX], job[64], n[32];

	r->n = 5;
	r->cell[0] = report_day(c, json_object_get(f, "t_ms"), r->buf[0], sizeof(r->buf[0]));
	report_fill(w->job, report_int(c, json_integer_value(num(f, "job")), n, sizeof(n)), "", job,
		    sizeof(job));
	snprintf(r->buf[1], sizeof(r->buf[1]), "%s (%s)",
		 report_text(json_object_get(f, "title"), title, sizeof(title)), job);
	r->cell[1] = r->buf[1];
	r->cell[2] = verdict_text(w, json_object_get(f, "verdict"));
	r->cell[3] = report_text(json_object_get(f, "by"), r->buf[3], sizeof(r->buf[3]));
	r->cell[4] = report_text(json_object_get(f, "feedback"), r->buf[4], sizeof(r->buf[4]));
}

void report_row(const struct report_words *w, const struct report_conv *c, enum report_table t,
		const json_t *item, struct report_row *r)
{
	switch (t) {
	case REPORT_SIGNOFFS:
		signoff_row(c, item, r);
		break;
	case REPORT_WORK:
		work_row(w, c, item, r);
		break;
	case REPORT_ITEMS:
		item_row(c, item, r);
		break;
	case REPORT_FEEDBACK:
		feedback_row(w, c, item, r);
		break;
	case REPORT_TABLES:
		assert(!"a table of the record");
	}
}

/* The note above the chart: what a point is. */
static const char *chart_note(const struct report_words *w, const struct report_conv *c,
			      const json_t *points, char *buf, size_t size)
{
	long long per = json_integer_value(num(json_array_get(points, 0), "grades"));
	char n[32];

	if (!json_array_size(points))
		return NULL;
	if (per <= 1)
		return w->chart_one;
	return report_fill(w->chart_group, report_int(c, per, n, sizeof(n)), "", buf, size);
}

/* The note above the feedback: how many of how many. */
static const char *feedback_note(const struct report_words *w, const struct report_conv *c,
				 const json_t *doc, char *buf, size_t size)
{
	char n[32], total[32];

	return report_fill(
	    w->latest,
	    report_int(c, (long long)json_array_size(json_object_get(doc, "feedback")), n,
		       sizeof(n)),
	    report_int(c, json_integer_value(num(doc, "feedback_total")), total, sizeof(total)),
	    buf, size);
}

void report_table(const struct report_words *w, const struct report_conv *c, const json_t *doc,
		  enum report_table t, struct report_table_view *out)
{
	const json_t *scores = json_object_get(doc, "scores");
	/* per table: title, empty, list, then heads with '#' before a number's */
	const struct {
		const char *title, *empty;
		const json_t *list;
		const char *head[REPORT_COLS_MAX];
		int number[REPORT_COLS_MAX];
	} tables[] = {
		[REPORT_SIGNOFFS] = { w->signoffs,
				      w->no_signoffs,
				      json_object_get(doc, "signoffs"),
				      { w->competence, w->signed_on, w->instructor } },
		[REPORT_WORK] = { w->work,
				  w->no_work,
				  json_object_get(doc, "checklists"),
				  { w->checklist, w->jobs, w->approved, w->first_time, w->redos,
				    w->average_time, w->trend },
				  { 0, 1, 1, 1, 1, 1, 0 } },
		[REPORT_ITEMS] = { w->scores,
				   w->no_scores,
				   json_object_get(scores, "items"),
				   { w->item, w->average, w->scored },
				   { 0, 1, 1 } },
		[REPORT_FEEDBACK] = { w->feedback,
				      w->no_feedback,
				      json_object_get(doc, "feedback"),
				      { w->date, w->checklist, w->verdict, w->by, w->feedback } },
	};

	assert(t < REPORT_TABLES);
	memset(out, 0, sizeof(*out));
	out->title = tables[t].title;
	out->empty = tables[t].empty;
	out->list = tables[t].list;
	for (size_t i = 0; i < REPORT_COLS_MAX && tables[t].head[i]; i++) {
		out->head[i] = tables[t].head[i];
		out->number[i] = tables[t].number[i];
		out->n_cols = i + 1;
	}
	if (t == REPORT_ITEMS)
		out->note = chart_note(w, c, json_object_get(scores, "points"), out->note_buf,
				       sizeof(out->note_buf));
	else if (t == REPORT_FEEDBACK)
		out->note = feedback_note(w, c, doc, out->note_buf, sizeof(out->note_buf));
}

void report_facts(const struct report_words *w, const struct report_conv *c, const json_t *doc,
		  struct report_row *labels, struct report_row *values)
{
	char a[64], z[64], name[REPORT_TEXT_MAX], place[REPORT_TEXT_MAX];

	labels->n = values->n = 0;
	if (json_is_string(json_object_get(doc, "workshop"))) {
		report_text(json_object_get(doc, "workshop"), name, sizeof(name));
		if (json_is_string(json_object_get(doc, "place")))
			snprintf(values->buf[0], sizeof(values->buf[0]), "%s, %s", name,
				 report_text(json_object_get(doc, "place"), place, sizeof(place)));
		else
			snprintf(values->buf[0], sizeof(values->buf[0]), "%s", name);
		labels->cell[labels->n++] = w->workshop;
		values->cell[values->n] = values->buf[values->n];
		values->n++;
	}
	snprintf(values->buf[values->n], sizeof(values->buf[0]), "%s \xe2\x80\x93 %s",
		 report_day(c, num(doc, "from_ms"), a, sizeof(a)),
		 report_day(c, num(doc, "until_ms"), z, sizeof(z)));
	labels->cell[labels->n++] = w->period;
	values->cell[values->n] = values->buf[values->n];
	values->n++;
	labels->cell[labels->n++] = w->made_on;
	values->cell[values->n] =
	    report_day(c, num(doc, "made_ms"), values->buf[values->n], sizeof(values->buf[0]));
	values->n++;
}

void report_html_put(FILE *f, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '&':
			fputs("&amp;", f);
			break;
		case '<':
			fputs("&lt;", f);
			break;
		case '>':
			fputs("&gt;", f);
			break;
		case '"':
			fputs("&quot;", f);
			break;
		case '\'':
			fputs("&#39;", f);
			break;
		default:
			fputc(*s, f);
		}
	}
}

void report_html_element(FILE *f, const char *tag, const char *text)
{
	fprintf(f, "<%s>", tag);
	report_html_put(f, text);
	fprintf(f, "</%.*s>", (int)strcspn(tag, " "), tag);
}
