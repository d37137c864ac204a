/*
 * The training record as one HTML page (report/report.h): a file the trainee opens in any
 * browser, offline, that runs nothing. Its style is inline, the chart an inline SVG, and
 * every text, whoever wrote it, goes through put() (escaped) on its way out.
 */
#include "report/report.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#define CHART_W 640.0 /* the chart's drawing box, in SVG units */
#define CHART_H 220.0
#define CHART_LEFT 52.0
#define CHART_TOP 12.0
#define CHART_PLOT_W (CHART_W - CHART_LEFT - 16.0)
#define CHART_PLOT_H (CHART_H - CHART_TOP - 34.0)

/* Plain, printable, readable on a phone; colours always beside words. */
static const char style[] =
    "body{font-family:'DejaVu Sans',system-ui,sans-serif;color:#111;max-width:60rem;"
    "margin:0 auto;padding:1.5rem;line-height:1.45}"
    "h1{font-size:1.6rem;margin:0 0 .25rem}.name{font-size:1.25rem;font-weight:bold;"
    "margin:0 0 .75rem}h2{font-size:1.15rem;margin:2rem 0 .5rem;"
    "border-bottom:1px solid #999}"
    "dl{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem;margin:0}"
    "dt{color:#555}dd{margin:0}"
    "table{border-collapse:collapse;width:100%;font-size:.92rem}"
    "th,td{text-align:start;padding:.3rem .5rem;border-bottom:1px solid #ddd;"
    "vertical-align:top}th{color:#444}td.n{text-align:end;white-space:nowrap}"
    "svg{width:100%;height:auto;max-width:40rem}.note{color:#444;font-size:.92rem}"
    "footer{margin-top:2rem;color:#555;font-size:.85rem}"
    "@media print{body{padding:0}h2{break-after:avoid}tr{break-inside:avoid}}";

struct html {
	FILE *f;
	const json_t *doc;
	struct report_words w;
	const struct report_conv *c;
};

/* S with the characters HTML gives a meaning escaped. */
static void put(FILE *f, const char *s)
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

/* <TAG>TEXT</TAG>, TEXT escaped; TAG may carry a class ("td class=n"). */
static void element(FILE *f, const char *tag, const char *text)
{
	fprintf(f, "<%s>", tag);
	put(f, text);
	fprintf(f, "</%.*s>", (int)strcspn(tag, " "), tag);
}

/* A row of head cells. */
static void head_row(FILE *f, const char *const *cells, size_t n)
{
	fputs("<thead><tr>", f);
	for (size_t i = 0; i < n; i++)
		element(f, "th scope=\"col\"", cells[i]);
	fputs("</tr></thead>\n", f);
}

static void header(struct html *h)
{
	char name[REPORT_TEXT_MAX], a[64], z[64], made[64], line[200];
	const json_t *d = h->doc;

	fputs("<header>", h->f);
	element(h->f, "h1", h->w.title);
	/* whose record it is, first and without a label, as a certificate names its holder */
	element(h->f, "p class=\"name\"",
		report_text(json_object_get(d, "trainee"), name, sizeof(name)));
	fputs("<dl>", h->f);
	if (json_is_string(json_object_get(d, "workshop"))) {
		element(h->f, "dt", h->w.workshop);
		element(h->f, "dd",
			report_text(json_object_get(d, "workshop"), name, sizeof(name)));
	}
	snprintf(line, sizeof(line), "%s \xe2\x80\x93 %s",
		 report_day(h->c, json_object_get(d, "from_ms"), a, sizeof(a)),
		 report_day(h->c, json_object_get(d, "until_ms"), z, sizeof(z)));
	element(h->f, "dt", h->w.period);
	element(h->f, "dd", line);
	element(h->f, "dt", h->w.made_on);
	element(h->f, "dd", report_day(h->c, json_object_get(d, "made_ms"), made, sizeof(made)));
	fputs("</dl></header>\n", h->f);
}

static void signoffs(struct html *h)
{
	const json_t *list = json_object_get(h->doc, "signoffs"), *s;
	const char *head[] = { h->w.competence, h->w.signed_on, h->w.instructor };
	char comp[REPORT_TEXT_MAX], day[64], by[256];
	size_t i;

	fputs("<section>", h->f);
	element(h->f, "h2", h->w.signoffs);
	if (!json_array_size(list)) {
		element(h->f, "p", h->w.no_signoffs);
		fputs("</section>\n", h->f);
		return;
	}
	fputs("<table>", h->f);
	head_row(h->f, head, 3);
	fputs("<tbody>", h->f);
	json_array_foreach (list, i, s) {
		fputs("<tr>", h->f);
		element(h->f, "td",
			report_text(json_object_get(s, "competence"), comp, sizeof(comp)));
		element(h->f, "td", report_day(h->c, json_object_get(s, "t_ms"), day, sizeof(day)));
		element(h->f, "td", report_text(json_object_get(s, "by"), by, sizeof(by)));
		fputs("</tr>\n", h->f);
	}
	fputs("</tbody></table></section>\n", h->f);
}

static void checklist_row(struct html *h, const json_t *c)
{
	char title[REPORT_TEXT_MAX], jobs[32], approved[32], rate[32], redos[32], avg[48];
	char minutes[64], trend[160];

	fputs("<tr>", h->f);
	element(h->f, "td", report_text(json_object_get(c, "title"), title, sizeof(title)));
	element(
	    h->f, "td class=\"n\"",
	    report_int(h->c, json_integer_value(json_object_get(c, "jobs")), jobs, sizeof(jobs)));
	element(h->f, "td class=\"n\"",
		report_int(h->c, json_integer_value(json_object_get(c, "approved")), approved,
			   sizeof(approved)));
	element(h->f, "td class=\"n\"",
		report_percent(h->c, json_object_get(c, "first_time_rate"), rate, sizeof(rate)));
	element(h->f, "td class=\"n\"",
		report_int(h->c, json_integer_value(json_object_get(c, "redos")), redos,
			   sizeof(redos)));
	if (json_is_number(json_object_get(c, "average_minutes")))
		snprintf(minutes, sizeof(minutes), "%s" REPORT_NBSP "min",
			 report_decimal(h->c, json_object_get(c, "average_minutes"), 1, avg,
					sizeof(avg)));
	else
		snprintf(minutes, sizeof(minutes), "%s", REPORT_DASH);
	element(h->f, "td class=\"n\"", minutes);
	element(h->f, "td",
		report_trend(&h->w, h->c, json_object_get(c, "trend"), trend, sizeof(trend)));
	fputs("</tr>\n", h->f);
}

static void work(struct html *h)
{
	const json_t *list = json_object_get(h->doc, "checklists"), *c;
	const char *head[] = { h->w.checklist, h->w.jobs,	  h->w.approved, h->w.first_time,
			       h->w.redos,     h->w.average_time, h->w.trend };
	size_t i;

	fputs("<section>", h->f);
	element(h->f, "h2", h->w.work);
	if (!json_array_size(list)) {
		element(h->f, "p", h->w.no_work);
		fputs("</section>\n", h->f);
		return;
	}
	fputs("<table>", h->f);
	head_row(h->f, head, 7);
	fputs("<tbody>", h->f);
	json_array_foreach (list, i, c)
		checklist_row(h, c);
	fputs("</tbody></table></section>\n", h->f);
}

/* The chart of the scores: a line through the points, 0 to 100 % of the maximum, the
 * first and last days below; each point says its day and share when pointed at. */
static void chart(struct html *h, const json_t *points)
{
	size_t n = json_array_size(points), i;
	const json_t *p;
	char day[64], pct[64];
	double x, y;

	fputs("<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" viewBox=\"0 0 640 220\" "
	      "aria-label=\"",
	      h->f);
	put(h->f, h->w.scores);
	fputs("\">\n", h->f);
	for (int k = 0; k <= 4; k++) {
		double line = CHART_TOP + CHART_PLOT_H * (1 - k / 4.0);
		json_t *share = json_real(k / 4.0);

		fprintf(h->f,
			"<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#ccc\"/>"
			"<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\" text-anchor=\"end\">",
			CHART_LEFT, line, CHART_LEFT + CHART_PLOT_W, line, CHART_LEFT - 6,
			line + 4);
		put(h->f, report_percent(h->c, share, pct, sizeof(pct)));
		fputs("</text>\n", h->f);
		json_decref(share);
	}
	fputs("<polyline fill=\"none\" stroke=\"#1f5fa8\" stroke-width=\"2\" points=\"", h->f);
	json_array_foreach (points, i, p) {
		report_chart_xy(i, n, json_object_get(p, "share"), &x, &y);
		fprintf(h->f, "%s%.1f,%.1f", i ? " " : "", CHART_LEFT + CHART_PLOT_W * x,
			CHART_TOP + CHART_PLOT_H * y);
	}
	fputs("\"/>\n", h->f);
	json_array_foreach (points, i, p) {
		report_chart_xy(i, n, json_object_get(p, "share"), &x, &y);
		fprintf(h->f, "<circle r=\"3.5\" fill=\"#1f5fa8\" cx=\"%.1f\" cy=\"%.1f\"><title>",
			CHART_LEFT + CHART_PLOT_W * x, CHART_TOP + CHART_PLOT_H * y);
		put(h->f, report_day(h->c, json_object_get(p, "t_ms"), day, sizeof(day)));
		fputs(": ", h->f);
		put(h->f, report_percent(h->c, json_object_get(p, "share"), pct, sizeof(pct)));
		fputs("</title></circle>\n", h->f);
	}
	for (int end = 0; end < 2 && n; end++) {
		fprintf(h->f, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\" text-anchor=\"%s\">",
			end ? CHART_LEFT + CHART_PLOT_W : CHART_LEFT, CHART_H - 12,
			end ? "end" : "start");
		put(h->f,
		    report_day(h->c,
			       json_object_get(json_array_get(points, end ? n - 1 : 0), "t_ms"),
			       day, sizeof(day)));
		fputs("</text>\n", h->f);
	}
	fputs("</svg>\n", h->f);
}

static void item_row(struct html *h, const json_t *it)
{
	char title[REPORT_TEXT_MAX], item[REPORT_TEXT_MAX], line[2 * REPORT_TEXT_MAX + 8];
	char avg[48], max[32], out_of[96], count[32];

	snprintf(line, sizeof(line), "%s \xe2\x80\x94 %s",
		 report_text(json_object_get(it, "title"), title, sizeof(title)),
		 report_text(json_object_get(it, "item_title"), item, sizeof(item)));
	snprintf(
	    out_of, sizeof(out_of), "%s / %s",
	    report_decimal(h->c, json_object_get(it, "average"), 1, avg, sizeof(avg)),
	    json_is_integer(json_object_get(it, "max"))
		? report_int(h->c, json_integer_value(json_object_get(it, "max")), max, sizeof(max))
		: REPORT_DASH);
	fputs("<tr>", h->f);
	element(h->f, "td", line);
	element(h->f, "td class=\"n\"", out_of);
	element(h->f, "td class=\"n\"",
		report_int(h->c, json_integer_value(json_object_get(it, "count")), count,
			   sizeof(count)));
	fputs("</tr>\n", h->f);
}

static void scores(struct html *h)
{
	const json_t *points = json_object_get(json_object_get(h->doc, "scores"), "points");
	const json_t *items = json_object_get(json_object_get(h->doc, "scores"), "items"), *it;
	const char *head[] = { h->w.item, h->w.average, h->w.scored };
	long long per = json_integer_value(json_object_get(json_array_get(points, 0), "grades"));
	char n[32], note[512];
	size_t i;

	fputs("<section>", h->f);
	element(h->f, "h2", h->w.scores);
	if (!json_array_size(points) && !json_array_size(items)) {
		element(h->f, "p", h->w.no_scores);
		fputs("</section>\n", h->f);
		return;
	}
	if (json_array_size(points)) {
		element(h->f, "p class=\"note\"",
			per > 1 ? report_fill(h->w.chart_group, report_int(h->c, per, n, sizeof(n)),
					      "", note, sizeof(note))
				: h->w.chart_one);
		chart(h, points);
	}
	fputs("<table>", h->f);
	head_row(h->f, head, 3);
	fputs("<tbody>", h->f);
	json_array_foreach (items, i, it)
		item_row(h, it);
	fputs("</tbody></table></section>\n", h->f);
}

static void feedback_row(struct html *h, const json_t *f)
{
	char day[64], title[REPORT_TEXT_MAX], job[64], num[32], what[REPORT_TEXT_MAX + 80];
	char by[256], text[REPORT_TEXT_MAX];

	report_fill(
	    h->w.job,
	    report_int(h->c, json_integer_value(json_object_get(f, "job")), num, sizeof(num)), "",
	    job, sizeof(job));
	snprintf(what, sizeof(what), "%s (%s)",
		 report_text(json_object_get(f, "title"), title, sizeof(title)), job);
	fputs("<tr>", h->f);
	element(h->f, "td", report_day(h->c, json_object_get(f, "t_ms"), day, sizeof(day)));
	element(h->f, "td", what);
	element(h->f, "td", report_verdict(&h->w, json_object_get(f, "verdict")));
	element(h->f, "td", report_text(json_object_get(f, "by"), by, sizeof(by)));
	element(h->f, "td", report_text(json_object_get(f, "feedback"), text, sizeof(text)));
	fputs("</tr>\n", h->f);
}

static void feedback(struct html *h)
{
	const json_t *list = json_object_get(h->doc, "feedback"), *f;
	const char *head[] = { h->w.date, h->w.checklist, h->w.verdict, h->w.by, h->w.feedback };
	char n[32], total[32], note[512];
	size_t i;

	fputs("<section>", h->f);
	element(h->f, "h2", h->w.feedback);
	if (!json_array_size(list)) {
		element(h->f, "p", h->w.no_feedback);
		fputs("</section>\n", h->f);
		return;
	}
	element(h->f, "p class=\"note\"",
		report_fill(
		    h->w.latest, report_int(h->c, (long long)json_array_size(list), n, sizeof(n)),
		    report_int(h->c, json_integer_value(json_object_get(h->doc, "feedback_total")),
			       total, sizeof(total)),
		    note, sizeof(note)));
	fputs("<table>", h->f);
	head_row(h->f, head, 5);
	fputs("<tbody>", h->f);
	json_array_foreach (list, i, f)
		feedback_row(h, f);
	fputs("</tbody></table></section>\n", h->f);
}

static void page(struct html *h)
{
	char name[REPORT_TEXT_MAX];

	fprintf(h->f,
		"<!doctype html>\n<html lang=\"%s\"><head><meta charset=\"utf-8\">\n"
		"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
		"<title>",
		h->c->lang);
	put(h->f, h->w.title);
	fputs(" \xe2\x80\x94 ", h->f);
	put(h->f, report_text(json_object_get(h->doc, "trainee"), name, sizeof(name)));
	fprintf(h->f, "</title>\n<style>%s</style></head>\n<body>\n", style);
	header(h);
	signoffs(h);
	work(h);
	scores(h);
	feedback(h);
	fputs("<footer>", h->f);
	put(h->f, h->w.footer);
	fputs("</footer>\n</body></html>\n", h->f);
}

enum report_err report_html_write(const json_t *doc, const char *file, char *why, size_t size)
{
	struct html h = { .doc = doc };
	enum report_err err = report_check(doc, why, size);
	int failed;

	if (err)
		return err;
	report_use_lang(json_string_value(json_object_get(doc, "lang")), &h.w, &h.c);
	h.f = fopen(file, "w");
	if (!h.f) {
		snprintf(why, size, "cannot write %s: %s", file, strerror(errno));
		return REPORT_EWRITE;
	}
	page(&h);
	failed = ferror(h.f);
	if (fclose(h.f) != 0 || failed) {
		snprintf(why, size, "cannot write %s: %s", file, strerror(errno));
		report_remove_partial(file);
		return REPORT_EWRITE;
	}
	return REPORT_OK;
}
