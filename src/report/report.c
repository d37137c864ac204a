/*
 * What the two drawings of the training record share (report/report.h): its words, from
 * the gettext catalogue, the language's way of writing numbers and days, and the check of
 * the document.
 */
#include "report/report.h"

#include <locale.h>
#include <sys/stat.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

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

void report_use_lang(const char *lang, struct report_words *w, const struct report_conv **conv)
{
	*conv = lang && strcmp(lang, "fr") == 0	  ? &conv_fr
		: lang && strcmp(lang, "nl") == 0 ? &conv_nl
						  : &conv_en;
	i18n_init();
	/* gettext reads LANGUAGE only when the messages' locale is not plain C; C.UTF-8 is
	 * built into glibc. Numbers keep the C locale: they are written below. */
	setlocale(LC_MESSAGES, "C.UTF-8");
	setenv("LANGUAGE", (*conv)->lang, 1);
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

/* The lists of the document and the texts each item must have. */
static const struct {
	const char *path; /* "checklists", or "scores.points" */
	const char *text; /* a key each item has as a text, or NULL */
} doc_lists[] = {
	{ "signoffs", "competence" }, { "checklists", "id" },	 { "scores.points", NULL },
	{ "scores.items", "item" },   { "feedback", "verdict" },
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

		if (!json_is_array(list) || json_array_size(list) > REPORT_ROWS_MAX) {
			snprintf(why, size, "the training record's %s is not a list of at most %d",
				 doc_lists[i].path, REPORT_ROWS_MAX);
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

const char *report_trend(const struct report_words *w, const struct report_conv *c,
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

const char *report_verdict(const struct report_words *w, const json_t *verdict)
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
