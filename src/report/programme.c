/*
 * The programme's report as texts (programme_view) and as one HTML page: no script, its
 * style inline, its charts inline SVG, every text escaped on its way out (report_html_put()).
 */
#include "report/programme.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/i18n.h"

/* The device outcomes, in the document's keys and in words. */
static const char *const outcome_keys[] = { "received", "certified", "sold",	   "donated",
					    "recycled", "parts",     "quarantine", NULL };

static const char *outcome_word(size_t i)
{
	switch (i) {
	case 0:
		return _("Received");
	case 1:
		return _("Certified");
	case 2:
		return _("Sold");
	case 3:
		return _("Donated");
	case 4:
		return _("Recycled");
	case 5:
		return _("Kept for parts");
	default:
		return _("Quarantined");
	}
}

static const char *origin_word(const char *o)
{
	if (o && strcmp(o, "genuine") == 0)
		return _("genuine");
	if (o && strcmp(o, "used-original") == 0)
		return _("used original");
	if (o && strcmp(o, "aftermarket") == 0)
		return _("aftermarket");
	return _("unknown");
}

static const char *platform_word(const char *p)
{
	if (p && strcmp(p, "ios") == 0)
		return "iOS";
	if (p && strcmp(p, "android") == 0)
		return "Android";
	return p ? p : "";
}

/* A new row of T (NULL when full or out of memory: counted in MORE). */
static char **row_add(struct prog_table *t)
{
	void *bigger;

	if (t->n_rows >= PROG_ROWS_MAX) {
		t->more++;
		return NULL;
	}
	bigger = realloc(t->cells, (t->n_rows + 1) * sizeof(*t->cells));
	if (!bigger)
		return NULL;
	t->cells = bigger;
	memset(t->cells[t->n_rows], 0, sizeof(*t->cells));
	return t->cells[t->n_rows++];
}

static void cell(char **r, size_t i, const char *text)
{
	if (r)
		r[i] = strdup(text ? text : REPORT_DASH);
}

static struct prog_table *table(struct prog_view *v, const char *title, const char *empty)
{
	struct prog_table *t = &v->tables[v->n_tables++];

	memset(t, 0, sizeof(*t));
	t->title = title;
	t->empty = empty;
	return t;
}

static void cols(struct prog_table *t, size_t n, const char *const *head, const int *number)
{
	t->n_cols = n;
	for (size_t i = 0; i < n; i++) {
		t->head[i] = head[i];
		t->number[i] = number[i];
	}
}

static const char *count(const struct report_conv *c, const json_t *v, char *buf, size_t size)
{
	return json_is_integer(v) ? report_int(c, json_integer_value(v), buf, size) : REPORT_DASH;
}

/* A label and its value as a row of a two-column table. */
static void pair(struct prog_table *t, const char *label, const char *value)
{
	char **r = row_add(t);

	cell(r, 0, label);
	cell(r, 1, value);
}

/* X with DECIMALS decimals as the language writes it, into BUF. */
static const char *decimal_of(const struct report_conv *c, double x, int decimals, char *buf,
			      size_t size)
{
	json_t *v = json_real(x);
	const char *s = report_decimal(c, v, decimals, buf, size);

	json_decref(v);
	return s;
}

static void devices(struct prog_view *v, const json_t *doc)
{
	const json_t *totals = json_object_get(doc, "totals"), *m;
	struct prog_table *t = table(v, _("Devices"), NULL);
	static const int two[] = { 0, 1 };
	const char *head[PROG_COLS_MAX];
	int number[PROG_COLS_MAX];
	char buf[64], money[96];
	size_t i;

	cols(t, 2, (const char *const[]){ _("What happened"), _("Devices") }, two);
	for (i = 0; outcome_keys[i]; i++)
		pair(t, outcome_word(i), count(v->c, json_object_get(totals, outcome_keys[i]), buf,
					       sizeof(buf)));
	snprintf(money, sizeof(money), "%s\xc2\xa0\xe2\x82\xac",
		 decimal_of(v->c,
			    (double)json_integer_value(json_object_get(totals, "revenue_cents")) /
				    100.0,
			    2, buf, sizeof(buf)));
	pair(t, _("Sales (euros)"), money);

	t = table(v, _("Devices by platform and model"), _("No device in this period."));
	head[0] = _("Platform");
	head[1] = _("Model");
	number[0] = number[1] = 0;
	for (i = 0; outcome_keys[i]; i++) {
		head[i + 2] = outcome_word(i);
		number[i + 2] = 1;
	}
	cols(t, i + 2, head, number);
	json_array_foreach (json_object_get(doc, "models"), i, m) {
		char **r = row_add(t), text[256];
		const char *model = json_string_value(json_object_get(m, "model"));

		cell(r, 0, platform_word(json_string_value(json_object_get(m, "platform"))));
		cell(r, 1, model && *model ? report_text(json_object_get(m, "model"), text,
							  sizeof(text))
					   : _("not read"));
		for (size_t k = 0; outcome_keys[k]; k++)
			cell(r, k + 2,
			     count(v->c, json_object_get(m, outcome_keys[k]), buf, sizeof(buf)));
	}
}

static void work(struct prog_view *v, const json_t *doc)
{
	const json_t *people = json_object_get(doc, "people"), *x;
	struct prog_table *t;
	static const int two[] = { 0, 1 }, three[] = { 0, 0, 1 };
	char buf[64], text[256];
	size_t i;

	t = table(v, _("Repairs"), _("No repair approved in this period."));
	cols(t, 2, (const char *const[]){ _("Repair"), _("Approved") }, two);
	json_array_foreach (json_object_get(doc, "repairs"), i, x)
		pair(t, report_text(json_object_get(x, "title"), text, sizeof(text)),
		     count(v->c, json_object_get(x, "approved"), buf, sizeof(buf)));

	t = table(v, _("Parts fitted"), _("No part fitted in this period."));
	cols(t, 3, (const char *const[]){ _("Part"), _("Origin"), _("Fitted") }, three);
	json_array_foreach (json_object_get(doc, "parts"), i, x) {
		char **r = row_add(t);

		cell(r, 0, report_text(json_object_get(x, "name"), text, sizeof(text)));
		cell(r, 1, origin_word(json_string_value(json_object_get(x, "origin"))));
		cell(r, 2, count(v->c, json_object_get(x, "count"), buf, sizeof(buf)));
	}

	t = table(v, _("Trainees and their work"), NULL);
	cols(t, 2, (const char *const[]){ _("What"), _("How much") }, two);
	snprintf(t->note, sizeof(t->note), "%s",
		 _("Trainees are counted, never named. Bench hours are the time recorded on "
		   "the checklists' steps."));
	pair(t, _("Trainees at work"),
	     count(v->c, json_object_get(people, "trainees"), buf, sizeof(buf)));
	pair(t, _("Bench hours"),
	     report_decimal(v->c, json_object_get(people, "bench_hours"), 1, buf, sizeof(buf)));
	pair(t, _("Jobs graded"), count(v->c, json_object_get(people, "graded"), buf, sizeof(buf)));
	pair(t, _("Approved the first time"),
	     report_percent(v->c, json_object_get(people, "first_time_rate"), buf, sizeof(buf)));
	pair(t, _("Competences signed off"),
	     count(v->c, json_object_get(people, "signoffs"), buf, sizeof(buf)));
	json_array_foreach (json_object_get(people, "competences"), i, x) {
		char label[300];

		snprintf(label, sizeof(label), "\xe2\x80\x83%s",
			 report_text(json_object_get(x, json_object_get(x, "name") ? "name" : "competence"),
				     text, sizeof(text)));
		pair(t, label, count(v->c, json_object_get(x, "count"), buf, sizeof(buf)));
	}
}

static void impact(struct prog_view *v, const json_t *doc)
{
	const json_t *im = json_object_get(doc, "impact");
	struct prog_table *t = table(v, _("E-waste kept in use"), NULL);
	static const int two[] = { 0, 1 };
	char buf[64], b2[64], b3[64], text[512], src[256];

	cols(t, 2, (const char *const[]){ _("What"), _("How much") }, two);
	pair(t, _("Devices kept in use (certified for reuse)"),
	     count(v->c, json_object_get(im, "kept_in_use"), buf, sizeof(buf)));
	snprintf(text, sizeof(text), "%s\xc2\xa0kg",
		 report_decimal(v->c, json_object_get(im, "weight_kg"), 1, buf, sizeof(buf)));
	pair(t, _("Weight"), text);
	snprintf(text, sizeof(text), "%s\xc2\xa0kg CO\xe2\x82\x82" "e",
		 report_decimal(v->c, json_object_get(im, "co2e_kg"), 1, buf, sizeof(buf)));
	pair(t, _("CO2e avoided"), text);
	snprintf(t->note, sizeof(t->note),
		 _("Devices weighed by the model table: %s; at the default weight: %s (phone "
		   "%s g, tablet %s g). CO2e avoided per device for each extra year of use: %s kg; "
		   "extra years of use counted: %s. Source of the factor: %s."),
		 count(v->c, json_object_get(im, "weighed_by_model"), buf, sizeof(buf)),
		 count(v->c, json_object_get(im, "weighed_by_default"), b2, sizeof(b2)),
		 report_decimal(v->c, json_object_get(im, "phone_g"), 0, b3, sizeof(b3)),
		 decimal_of(v->c, json_number_value(json_object_get(im, "tablet_g")), 0, text + 400,
			    100),
		 decimal_of(v->c, json_number_value(json_object_get(im, "factor_kg_per_year")), 1,
			    src, 64),
		 decimal_of(v->c, json_number_value(json_object_get(im, "extra_years")), 1,
			    src + 64, 64),
		 report_text(json_object_get(im, "source"), src + 128, 128));
}

static void months(struct prog_view *v, const json_t *doc)
{
	struct prog_table *t = table(v, _("By month"), NULL);
	static const int six[] = { 0, 1, 1, 1, 1, 1 };
	const json_t *m;
	char buf[64];
	size_t i;

	cols(t, 6,
	     (const char *const[]){ _("Month"), _("Received"), _("Certified"), _("Sold or donated"),
				    _("Bench hours"), _("Approved the first time") },
	     six);
	json_array_foreach (json_object_get(doc, "months"), i, m) {
		char **r = row_add(t), label[16];
		const char *ym = json_string_value(json_object_get(m, "month"));
		long long out = json_integer_value(json_object_get(m, "sold")) +
				json_integer_value(json_object_get(m, "donated"));

		/* "2026-11" as the language writes a month: 11/2026, 11-2026, 2026-11 */
		if (ym && strlen(ym) == 7 && v->c->date_sep)
			snprintf(label, sizeof(label), "%.2s%s%.4s", ym + 5, v->c->date_sep, ym);
		else
			snprintf(label, sizeof(label), "%.7s", ym ? ym : "");
		cell(r, 0, label);
		cell(r, 1, count(v->c, json_object_get(m, "received"), buf, sizeof(buf)));
		cell(r, 2, count(v->c, json_object_get(m, "certified"), buf, sizeof(buf)));
		cell(r, 3, report_int(v->c, out, buf, sizeof(buf)));
		cell(r, 4, report_decimal(v->c, json_object_get(m, "bench_hours"), 1, buf,
					  sizeof(buf)));
		cell(r, 5, report_percent(v->c, json_object_get(m, "first_time_rate"), buf,
					  sizeof(buf)));
		if (v->n_months < PROG_MONTHS_MAX) {
			snprintf(v->month[v->n_months], sizeof(v->month[0]), "%s", label);
			v->received_n[v->n_months] =
			    (double)json_integer_value(json_object_get(m, "received"));
			v->certified_n[v->n_months] =
			    (double)json_integer_value(json_object_get(m, "certified"));
			v->hours_n[v->n_months] =
			    json_number_value(json_object_get(m, "bench_hours"));
			v->n_months++;
		}
	}
}

enum report_err programme_view(const json_t *doc, struct prog_view *v, char *why, size_t size)
{
	const char *format = json_string_value(json_object_get(doc, "format"));
	struct report_words w;
	char a[64], z[64], text[256];

	memset(v, 0, sizeof(*v));
	if (!json_is_object(doc) || !format || strcmp(format, "atelier-programme-report/1") != 0 ||
	    !json_is_object(json_object_get(doc, "totals")) ||
	    !json_is_array(json_object_get(doc, "months")) ||
	    json_array_size(json_object_get(doc, "months")) > PROG_MONTHS_MAX) {
		snprintf(why, size, "the document is not a programme's report "
				    "(atelier-programme-report/1 with its totals and months)");
		return REPORT_EBADDOC;
	}
	report_use_lang(json_string_value(json_object_get(doc, "lang")), &w, &v->c);
	v->title = _("Programme report");
	v->footer = w.footer;
	v->page = w.page;
	v->chart_devices = _("Devices received and certified, per month");
	v->chart_hours = _("Bench hours per month");
	v->received = _("Received");
	v->certified = _("Certified");
	v->hours = _("Bench hours");
	if (json_is_string(json_object_get(doc, "workshop"))) {
		v->fact_label[v->n_facts] = w.workshop;
		report_text(json_object_get(doc, "workshop"), text, sizeof(text));
		if (json_is_string(json_object_get(doc, "place")))
			snprintf(v->fact_value[v->n_facts], sizeof(v->fact_value[0]), "%.120s, %.120s", text,
				 json_string_value(json_object_get(doc, "place")));
		else
			snprintf(v->fact_value[v->n_facts], sizeof(v->fact_value[0]), "%s", text);
		v->n_facts++;
	}
	v->fact_label[v->n_facts] = w.period;
	snprintf(v->fact_value[v->n_facts++], sizeof(v->fact_value[0]), "%s \xe2\x80\x93 %s",
		 report_day(v->c, json_object_get(doc, "from_ms"), a, sizeof(a)),
		 report_day(v->c, json_object_get(doc, "until_ms"), z, sizeof(z)));
	v->fact_label[v->n_facts] = w.made_on;
	snprintf(v->fact_value[v->n_facts++], sizeof(v->fact_value[0]), "%s",
		 report_day(v->c, json_object_get(doc, "made_ms"), a, sizeof(a)));
	devices(v, doc);
	work(v, doc);
	impact(v, doc);
	months(v, doc);
	return REPORT_OK;
}

void programme_view_release(struct prog_view *v)
{
	for (size_t t = 0; t < v->n_tables; t++) {
		for (size_t r = 0; r < v->tables[t].n_rows; r++)
			for (size_t c = 0; c < PROG_COLS_MAX; c++)
				free(v->tables[t].cells[r][c]);
		free(v->tables[t].cells);
	}
	v->n_tables = 0;
}

double programme_scale(const double *values, size_t n)
{
	double top = 0, tick = 1e-3;

	for (size_t i = 0; i < n; i++)
		if (values[i] > top)
			top = values[i];
	if (top <= 0)
		return 4;
	/* four ticks of 1, 2 or 5 times a power of ten, the last at or above the top */
	while (tick * 4 < top) {
		if (tick * 2 * 4 >= top)
			return tick * 2 * 4;
		if (tick * 5 * 4 >= top)
			return tick * 5 * 4;
		tick *= 10;
	}
	return tick * 4;
}

int programme_decimals(double scale)
{
	double tick = scale / 4;
	int d = 0;

	while (d < 3 && tick < 0.999) {
		tick *= 10;
		d++;
	}
	return d;
}

/* ---- HTML ---- */

static const char style[] =
    "body{font-family:'DejaVu Sans',system-ui,sans-serif;color:#111;max-width:64rem;"
    "margin:0 auto;padding:1.5rem;line-height:1.45}"
    "h1{font-size:1.6rem;margin:0 0 .75rem}h2{font-size:1.15rem;margin:2rem 0 .5rem;"
    "border-bottom:1px solid #999}"
    "dl{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem;margin:0}"
    "dt{color:#555}dd{margin:0}"
    "table{border-collapse:collapse;width:100%;font-size:.92rem}"
    "th,td{text-align:start;padding:.3rem .5rem;border-bottom:1px solid #ddd;"
    "vertical-align:top}th{color:#444}.n{text-align:end}td.n{white-space:nowrap}"
    ".wide{overflow-x:auto}"
    "svg{width:100%;height:auto;max-width:48rem}.note{color:#444;font-size:.92rem}"
    "footer{margin-top:2rem;color:#555;font-size:.85rem}"
    "@media print{body{padding:0}h2{break-after:avoid}tr{break-inside:avoid}}";

#define SVG_W 640.0
#define SVG_H 240.0
#define SVG_LEFT 48.0
#define SVG_TOP 28.0
#define SVG_PW (SVG_W - SVG_LEFT - 12.0)
#define SVG_PH (SVG_H - SVG_TOP - 40.0)

/* The chart's frame: its title for screen readers, the scale on the left, the months
 * below (every one when they fit, else every few). */
static void svg_frame(FILE *f, const struct prog_view *v, const char *title, double top,
		      int decimals)
{
	size_t every = v->n_months > 12 ? (v->n_months + 11) / 12 : 1;
	char buf[64];

	fputs("<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" viewBox=\"0 0 640 240\" "
	      "aria-label=\"",
	      f);
	report_html_put(f, title);
	fputs("\">\n", f);
	for (int k = 0; k <= 4; k++) {
		double y = SVG_TOP + SVG_PH * (1 - k / 4.0);

		fprintf(f,
			"<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#ccc\"/>"
			"<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\" text-anchor=\"end\">",
			SVG_LEFT, y, SVG_LEFT + SVG_PW, y, SVG_LEFT - 6, y + 4);
		report_html_put(f, decimal_of(v->c, top * k / 4.0, decimals, buf, sizeof(buf)));
		fputs("</text>\n", f);
	}
	for (size_t i = 0; i < v->n_months; i += every) {
		double x = SVG_LEFT + SVG_PW * ((double)i + 0.5) / (double)v->n_months;

		fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"10\" text-anchor=\"middle\">", x,
			SVG_H - 22);
		report_html_put(f, v->month[i]);
		fputs("</text>\n", f);
	}
}

/* Bars by month: received (solid) and certified (outlined), so that they differ by more
 * than their colour; a legend says which is which. */
static void svg_bars(FILE *f, const struct prog_view *v)
{
	double both[2 * PROG_MONTHS_MAX] = { 0 }, top, slot;

	char buf[64];

	for (size_t i = 0; i < v->n_months; i++) {
		both[2 * i] = v->received_n[i];
		both[2 * i + 1] = v->certified_n[i];
	}
	top = programme_scale(both, 2 * v->n_months);
	slot = SVG_PW / (double)(v->n_months ? v->n_months : 1);
	svg_frame(f, v, v->chart_devices, top, programme_decimals(top));
	for (size_t i = 0; i < v->n_months; i++) {
		double x = SVG_LEFT + slot * (double)i + slot * 0.15, w = slot * 0.35;
		double hr = SVG_PH * v->received_n[i] / top, hc = SVG_PH * v->certified_n[i] / top;

		fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
			   "fill=\"#1f5fa8\"><title>",
			x, SVG_TOP + SVG_PH - hr, w, hr);
		report_html_put(f, v->month[i]);
		fputs(" \xe2\x80\x94 ", f);
		report_html_put(f, v->received);
		fputs(": ", f);
		report_html_put(f, decimal_of(v->c, v->received_n[i], 0, buf, sizeof(buf)));
		fprintf(f, "</title></rect><rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
			   "height=\"%.1f\" fill=\"#fff\" stroke=\"#0b6b3a\" stroke-width=\"2\"><title>",
			x + w, SVG_TOP + SVG_PH - hc, w, hc);
		report_html_put(f, v->month[i]);
		fputs(" \xe2\x80\x94 ", f);
		report_html_put(f, v->certified);
		fputs(": ", f);
		report_html_put(f, decimal_of(v->c, v->certified_n[i], 0, buf, sizeof(buf)));
		fputs("</title></rect>\n", f);
	}
	fprintf(f, "<rect x=\"%.1f\" y=\"6\" width=\"12\" height=\"12\" fill=\"#1f5fa8\"/>"
		   "<text x=\"%.1f\" y=\"16\" font-size=\"11\">",
		SVG_LEFT, SVG_LEFT + 16);
	report_html_put(f, v->received);
	fprintf(f, "</text><rect x=\"%.1f\" y=\"6\" width=\"12\" height=\"12\" fill=\"#fff\" "
		   "stroke=\"#0b6b3a\" stroke-width=\"2\"/><text x=\"%.1f\" y=\"16\" "
		   "font-size=\"11\">",
		SVG_LEFT + 160, SVG_LEFT + 176);
	report_html_put(f, v->certified);
	fputs("</text></svg>\n", f);
}

static void svg_line(FILE *f, const struct prog_view *v)
{
	double top = programme_scale(v->hours_n, v->n_months);
	double slot = SVG_PW / (double)(v->n_months ? v->n_months : 1);
	char buf[64];

	svg_frame(f, v, v->chart_hours, top, programme_decimals(top));
	fputs("<polyline fill=\"none\" stroke=\"#1f5fa8\" stroke-width=\"2\" points=\"", f);
	for (size_t i = 0; i < v->n_months; i++)
		fprintf(f, "%s%.1f,%.1f", i ? " " : "", SVG_LEFT + slot * ((double)i + 0.5),
			SVG_TOP + SVG_PH * (1 - v->hours_n[i] / top));
	fputs("\"/>\n", f);
	for (size_t i = 0; i < v->n_months; i++) {
		fprintf(f, "<circle r=\"3.5\" fill=\"#1f5fa8\" cx=\"%.1f\" cy=\"%.1f\"><title>",
			SVG_LEFT + slot * ((double)i + 0.5),
			SVG_TOP + SVG_PH * (1 - v->hours_n[i] / top));
		report_html_put(f, v->month[i]);
		fputs(": ", f);
		report_html_put(f, decimal_of(v->c, v->hours_n[i], 1, buf, sizeof(buf)));
		fputs("</title></circle>\n", f);
	}
	fputs("</svg>\n", f);
}

static void html_table(FILE *f, const struct prog_table *t)
{
	report_html_element(f, "h2", t->title);
	if (t->note[0])
		report_html_element(f, "p class=\"note\"", t->note);
	if (!t->n_rows && t->empty) {
		report_html_element(f, "p", t->empty);
		return;
	}
	fputs("<div class=\"wide\"><table><thead><tr>", f);
	for (size_t c = 0; c < t->n_cols; c++)
		report_html_element(f, t->number[c] ? "th scope=\"col\" class=\"n\"" : "th scope=\"col\"",
			t->head[c]);
	fputs("</tr></thead><tbody>\n", f);
	for (size_t r = 0; r < t->n_rows; r++) {
		fputs("<tr>", f);
		for (size_t c = 0; c < t->n_cols; c++)
			report_html_element(f, t->number[c] ? "td class=\"n\"" : "td",
				t->cells[r][c] ? t->cells[r][c] : "");
		fputs("</tr>\n", f);
	}
	fputs("</tbody></table></div>\n", f);
	if (t->more)
		fprintf(f, "<p class=\"note\">+ %zu</p>\n", t->more);
}

enum report_err programme_html_write(const json_t *doc, const char *file, char *why, size_t size)
{
	struct prog_view *v = calloc(1, sizeof(*v));
	enum report_err err;
	FILE *f;

	if (!v) {
		snprintf(why, size, "out of memory");
		return REPORT_EWRITE;
	}
	err = programme_view(doc, v, why, size);
	if (err) {
		free(v);
		return err;
	}
	f = fopen(file, "w");
	if (!f) {
		snprintf(why, size, "cannot write %s: %s", file, strerror(errno));
		programme_view_release(v);
		free(v);
		return REPORT_EWRITE;
	}
	fprintf(f, "<!DOCTYPE html>\n<html lang=\"%s\"><head><meta charset=\"utf-8\">"
		   "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
		   "<title>",
		v->c->lang);
	report_html_put(f, v->title);
	fprintf(f, "</title><style>%s</style></head><body>\n<header>", style);
	report_html_element(f, "h1", v->title);
	fputs("<dl>", f);
	for (size_t i = 0; i < v->n_facts; i++) {
		report_html_element(f, "dt", v->fact_label[i]);
		report_html_element(f, "dd", v->fact_value[i]);
	}
	fputs("</dl></header>\n<main>\n", f);
	for (size_t t = 0; t < v->n_tables; t++) {
		if (t == v->n_tables - 1) {
			report_html_element(f, "h2", v->chart_devices);
			svg_bars(f, v);
			report_html_element(f, "h2", v->chart_hours);
			svg_line(f, v);
		}
		html_table(f, &v->tables[t]);
	}
	fputs("</main><footer>", f);
	report_html_put(f, v->footer);
	fputs("</footer></body></html>\n", f);
	programme_view_release(v);
	free(v);
	if (fclose(f) != 0) {
		snprintf(why, size, "cannot write %s: %s", file, strerror(errno));
		report_remove_partial(file);
		return REPORT_EWRITE;
	}
	return REPORT_OK;
}
