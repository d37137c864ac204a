/*
 * The training record as one HTML page (report/report.h): a file the trainee opens in any
 * browser, offline, that runs nothing. Its style is inline, the chart an inline SVG, and
 * every text, whoever wrote it, goes through report_html_put() (escaped) on its way out.
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
    "vertical-align:top}th{color:#444}.n{text-align:end}td.n{white-space:nowrap}"
    "svg{width:100%;height:auto;max-width:40rem}.note{color:#444;font-size:.92rem}"
    "footer{margin-top:2rem;color:#555;font-size:.85rem}"
    "@media print{body{padding:0}h2{break-after:avoid}tr{break-inside:avoid}}";

struct html {
	FILE *f;
	const json_t *doc;
	struct report_words w;
	const struct report_conv *c;
};

static void header(struct html *h)
{
	struct report_row labels, values;
	char name[REPORT_TEXT_MAX];

	fputs("<header>", h->f);
	report_html_element(h->f, "h1", h->w.title);
	/* whose record it is, first and without a label, as a certificate names its holder */
	report_html_element(h->f, "p class=\"name\"",
		report_text(json_object_get(h->doc, "trainee"), name, sizeof(name)));
	report_facts(&h->w, h->c, h->doc, &labels, &values);
	fputs("<dl>", h->f);
	for (size_t i = 0; i < labels.n; i++) {
		report_html_element(h->f, "dt", labels.cell[i]);
		report_html_element(h->f, "dd", values.cell[i]);
	}
	fputs("</dl></header>\n", h->f);
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
	report_html_put(h->f, h->w.scores);
	fputs("\">\n", h->f);
	for (int k = 0; k <= 4; k++) {
		double line = CHART_TOP + CHART_PLOT_H * (1 - k / 4.0);
		json_t *share = json_real(k / 4.0);

		fprintf(h->f,
			"<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#ccc\"/>"
			"<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\" text-anchor=\"end\">",
			CHART_LEFT, line, CHART_LEFT + CHART_PLOT_W, line, CHART_LEFT - 6,
			line + 4);
		report_html_put(h->f, report_percent(h->c, share, pct, sizeof(pct)));
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
		report_html_put(h->f, report_day(h->c, json_object_get(p, "t_ms"), day, sizeof(day)));
		fputs(": ", h->f);
		report_html_put(h->f, report_percent(h->c, json_object_get(p, "share"), pct, sizeof(pct)));
		fputs("</title></circle>\n", h->f);
	}
	for (int end = 0; end < 2 && n; end++) {
		fprintf(h->f, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\" text-anchor=\"%s\">",
			end ? CHART_LEFT + CHART_PLOT_W : CHART_LEFT, CHART_H - 12,
			end ? "end" : "start");
		report_html_put(h->f,
		    report_day(h->c,
			       json_object_get(json_array_get(points, end ? n - 1 : 0), "t_ms"),
			       day, sizeof(day)));
		fputs("</text>\n", h->f);
	}
	fputs("</svg>\n", h->f);
}

/* One row of table TV, of head cells when HEAD: its cells, numbers on the right. */
static void row(struct html *h, const struct report_table_view *tv, const struct report_row *r,
		int head)
{
	static const char *const tags[2][2] = {
		{ "td", "td class=\"n\"" },
		{ "th scope=\"col\"", "th scope=\"col\" class=\"n\"" },
	};

	fputs("<tr>", h->f);
	for (size_t i = 0; i < r->n; i++)
		report_html_element(h->f, tags[head != 0][tv->number[i] != 0], r->cell[i]);
	fputs("</tr>\n", h->f);
}

/* Table T's section: its title, its note (and the chart above the rubric's items), its
 * rows; or what it says when there are none. */
static void section(struct html *h, enum report_table t)
{
	struct report_table_view tv;
	struct report_row r = { 0 };
	const json_t *item;
	size_t i;

	report_table(&h->w, h->c, h->doc, t, &tv);
	fputs("<section>", h->f);
	report_html_element(h->f, "h2", tv.title);
	if (!json_array_size(tv.list)) {
		report_html_element(h->f, "p", tv.empty);
		fputs("</section>\n", h->f);
		return;
	}
	if (tv.note)
		report_html_element(h->f, "p class=\"note\"", tv.note);
	if (t == REPORT_ITEMS &&
	    json_array_size(json_object_get(json_object_get(h->doc, "scores"), "points")))
		chart(h, json_object_get(json_object_get(h->doc, "scores"), "points"));
	r.n = tv.n_cols;
	memcpy(r.cell, tv.head, sizeof(r.cell));
	fputs("<table><thead>", h->f);
	row(h, &tv, &r, 1);
	fputs("</thead><tbody>", h->f);
	json_array_foreach (tv.list, i, item) {
		report_row(&h->w, h->c, t, item, &r);
		row(h, &tv, &r, 0);
	}
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
	report_html_put(h->f, h->w.title);
	fputs(" \xe2\x80\x94 ", h->f);
	report_html_put(h->f, report_text(json_object_get(h->doc, "trainee"), name, sizeof(name)));
	fprintf(h->f, "</title>\n<style>%s</style></head>\n<body>\n", style);
	header(h);
	for (enum report_table t = 0; t < REPORT_TABLES; t++)
		section(h, t);
	fputs("<footer>", h->f);
	report_html_put(h->f, h->w.footer);
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
