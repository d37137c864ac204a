/*
 * The programme's report as an A4 PDF (report/programme.h), drawn with cairo: its facts,
 * its tables and, before the months' table, two charts (bars: devices received and
 * certified per month; a line: bench hours per month). Laid out top to bottom by a cursor;
 * a row that does not fit goes whole to the next page, under its table's head again. The
 * pages are laid out twice, the first time only to count them ("Page 2 of 3").
 */
#include "report/programme.h"

#include <cairo-pdf.h>
#include <cairo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cert/pdf_text.h"
#include "report/pdfpage.h"

#define CONTENT_W PDFPAGE_CONTENT_W
#define MARGIN PDFPAGE_MARGIN
#define LINE PDFPAGE_LINE
#define PAD 4.0
#define CHART_H 140.0
#define CHART_LEFT 40.0

static const struct pdfpage_font F_TITLE = { 18.0, 1, 0.0 };
static const struct pdfpage_font F_SECTION = { 12.0, 1, 0.1 };
static const struct pdfpage_font F_LABEL = { 8.5, 0, 0.4 };
static const struct pdfpage_font F_BODY = { 9.5, 0, 0.0 };
static const struct pdfpage_font F_TABLE = { 8.0, 0, 0.0 };
static const struct pdfpage_font F_THEAD = { 7.0, 1, 0.35 };
static const struct pdfpage_font F_SMALL = { 7.0, 0, 0.35 };

struct ppage {
	struct pdfpage p; /* first: a struct pdfpage * is a struct ppage * */
	const struct prog_view *v;
	const struct prog_table *t; /* the table under way */
	double x[PROG_COLS_MAX], w[PROG_COLS_MAX];
};

static void table_head(struct ppage *pg);

/* A new page says what it is, and a table under way shows its head again. */
static void turn(struct pdfpage *p)
{
	struct ppage *pg = (struct ppage *)p;

	p->y += pdfpage_wrap(p, MARGIN, p->y, CONTENT_W, &F_SMALL, pg->v->title, 0, 0) + 8;
	if (pg->t)
		table_head(pg);
}

static void need(struct ppage *pg, double h)
{
	pdfpage_need(&pg->p, h);
}

static double wrap(struct ppage *pg, double x, double y, double w, const struct pdfpage_font *f,
		   const char *t, int right, int measure)
{
	return pdfpage_wrap(&pg->p, x, y, w, f, t, right, measure);
}

static void show(struct ppage *pg, double x, double y, const struct pdfpage_font *f, const char *t,
		 int right)
{
	pdfpage_use(&pg->p, f);
	pdfpage_show(&pg->p, x, y, f, t, right);
}

static void rule(struct ppage *pg, double y, double gray)
{
	pdfpage_rule(&pg->p, y, gray);
}

/* One row of cells across the columns of the table under way; its height. */
static double cells(struct ppage *pg, const struct pdfpage_font *f, char *const *c, const char *const *h,
		    int measure)
{
	double tall = 0;

	for (size_t i = 0; i < pg->t->n_cols; i++) {
		const char *text = c ? (c[i] ? c[i] : "") : h[i];
		double got = wrap(pg, MARGIN + pg->x[i], pg->p.y, pg->w[i] - PAD, f, text,
				  pg->t->number[i], measure);

		if (got > tall)
			tall = got;
	}
	return tall;
}

static void table_head(struct ppage *pg)
{
	double h = cells(pg, &F_THEAD, NULL, pg->t->head, 1);

	cells(pg, &F_THEAD, NULL, pg->t->head, 0);
	pg->p.y += h + 2;
	rule(pg, pg->p.y, 0.6);
	pg->p.y += 3;
}

/* The widest word of T in font F. */
static double widest_word(struct ppage *pg, const struct pdfpage_font *f, const char *t)
{
	double w = 0;

	pdfpage_use(&pg->p, f);
	while (*t) {
		size_t n = strcspn(t, " ");
		double got = pdf_text_width(pg->p.cr, t, n);

		if (got > w)
			w = got;
		t += n;
		t += strspn(t, " ");
	}
	return w;
}

/* The columns' widths: numbers as narrow as their heads' longest word allows, texts share
 * what is left. */
static void lay_columns(struct ppage *pg, const struct prog_table *t)
{
	double numbers = 0, texts = 0, x = 0, base = t->n_cols > 4 ? 44.0 : 90.0;

	for (size_t i = 0; i < t->n_cols; i++) {
		if (t->number[i]) {
			double need_w = widest_word(pg, &F_THEAD, t->head[i]) + PAD + 2;

			pg->w[i] = need_w > base ? need_w : base;
			numbers += pg->w[i];
		} else {
			texts++;
		}
	}
	for (size_t i = 0; i < t->n_cols; i++) {
		if (!t->number[i])
			pg->w[i] = (CONTENT_W - numbers) / (texts ? texts : 1);
		pg->x[i] = x;
		x += pg->w[i];
	}
}

static void section_title(struct ppage *pg, const char *title)
{
	need(pg, F_SECTION.size * LINE * 3);
	pg->p.y += 8;
	pg->p.y += wrap(pg, MARGIN, pg->p.y, CONTENT_W, &F_SECTION, title, 0, 0) + 4;
}

static void table(struct ppage *pg, const struct prog_table *t)
{
	char more[32];

	section_title(pg, t->title);
	if (t->note[0])
		pg->p.y += wrap(pg, MARGIN, pg->p.y, CONTENT_W, &F_LABEL, t->note, 0, 0) + 4;
	if (!t->n_rows && t->empty) {
		need(pg, F_BODY.size * LINE);
		pg->p.y += wrap(pg, MARGIN, pg->p.y, CONTENT_W, &F_BODY, t->empty, 0, 0);
		return;
	}
	pg->t = t;
	lay_columns(pg, t);
	table_head(pg);
	for (size_t r = 0; r < t->n_rows; r++) {
		double h = cells(pg, &F_TABLE, t->cells[r], NULL, 1);

		need(pg, h + 3);
		cells(pg, &F_TABLE, t->cells[r], NULL, 0);
		pg->p.y += h + 1;
		rule(pg, pg->p.y, 0.88);
		pg->p.y += 2;
	}
	pg->t = NULL;
	if (t->more) {
		snprintf(more, sizeof(more), "+ %zu", t->more);
		pg->p.y += wrap(pg, MARGIN, pg->p.y, CONTENT_W, &F_LABEL, more, 0, 0);
	}
}

/* The frame of a chart: its scale on the left, the months below. */
static void chart_frame(struct ppage *pg, double top, double scale, double slot)
{
	const struct prog_view *v = pg->v;
	size_t every = v->n_months > 12 ? (v->n_months + 11) / 12 : 1;
	double left = MARGIN + CHART_LEFT, w = CONTENT_W - CHART_LEFT;
	char buf[64];
	json_t *x;

	for (int k = 0; k <= 4; k++) {
		double y = top + CHART_H * (1 - k / 4.0);

		cairo_set_source_rgb(pg->p.cr, 0.82, 0.82, 0.82);
		cairo_set_line_width(pg->p.cr, 0.5);
		cairo_move_to(pg->p.cr, left, y);
		cairo_line_to(pg->p.cr, left + w, y);
		cairo_stroke(pg->p.cr);
		x = json_real(scale * k / 4.0);
		show(pg, left - 4, y - F_SMALL.size / 2, &F_SMALL,
		     report_decimal(v->c, x, programme_decimals(scale), buf, sizeof(buf)), 1);
		json_decref(x);
	}
	for (size_t i = 0; i < v->n_months; i += every) {
		double cx = left + slot * ((double)i + 0.5);

		pdfpage_use(&pg->p, &F_SMALL);
		show(pg, cx - pdf_text_width(pg->p.cr, v->month[i], strlen(v->month[i])) / 2,
		     top + CHART_H + 3, &F_SMALL, v->month[i], 0);
	}
	cairo_new_path(pg->p.cr);
}

static void bars(struct ppage *pg)
{
	const struct prog_view *v = pg->v;
	double both[2 * PROG_MONTHS_MAX] = { 0 }, scale, slot, top, left = MARGIN + CHART_LEFT;

	for (size_t i = 0; i < v->n_months; i++) {
		both[2 * i] = v->received_n[i];
		both[2 * i + 1] = v->certified_n[i];
	}
	scale = programme_scale(both, 2 * v->n_months);
	slot = (CONTENT_W - CHART_LEFT) / (double)(v->n_months ? v->n_months : 1);
	section_title(pg, v->chart_devices);
	need(pg, CHART_H + 40);
	top = pg->p.y + 16;
	if (!pg->p.dry) {
		/* the legend: solid for received, outlined for certified */
		cairo_set_source_rgb(pg->p.cr, 0.12, 0.37, 0.66);
		cairo_rectangle(pg->p.cr, left, pg->p.y, 8, 8);
		cairo_fill(pg->p.cr);
		show(pg, left + 12, pg->p.y - 1, &F_SMALL, v->received, 0);
		cairo_set_source_rgb(pg->p.cr, 0.04, 0.42, 0.23);
		cairo_set_line_width(pg->p.cr, 1.2);
		cairo_rectangle(pg->p.cr, left + 120, pg->p.y, 8, 8);
		cairo_stroke(pg->p.cr);
		show(pg, left + 132, pg->p.y - 1, &F_SMALL, v->certified, 0);
		chart_frame(pg, top, scale, slot);
		for (size_t i = 0; i < v->n_months; i++) {
			double x = left + slot * (double)i + slot * 0.15, w = slot * 0.35;
			double hr = CHART_H * v->received_n[i] / scale;
			double hc = CHART_H * v->certified_n[i] / scale;

			cairo_set_source_rgb(pg->p.cr, 0.12, 0.37, 0.66);
			cairo_rectangle(pg->p.cr, x, top + CHART_H - hr, w, hr);
			cairo_fill(pg->p.cr);
			if (hc <= 0)
				continue;
			cairo_set_source_rgb(pg->p.cr, 0.04, 0.42, 0.23);
			cairo_set_line_width(pg->p.cr, 1.2);
			cairo_rectangle(pg->p.cr, x + w + 0.6, top + CHART_H - hc, w - 1.2, hc);
			cairo_stroke(pg->p.cr);
		}
	}
	pg->p.y = top + CHART_H + 18;
}

static void line(struct ppage *pg)
{
	const struct prog_view *v = pg->v;
	double scale = programme_scale(v->hours_n, v->n_months), top, left = MARGIN + CHART_LEFT;
	double slot = (CONTENT_W - CHART_LEFT) / (double)(v->n_months ? v->n_months : 1);

	section_title(pg, v->chart_hours);
	need(pg, CHART_H + 24);
	top = pg->p.y + 6;
	if (!pg->p.dry) {
		chart_frame(pg, top, scale, slot);
		cairo_set_source_rgb(pg->p.cr, 0.12, 0.37, 0.66);
		cairo_set_line_width(pg->p.cr, 1.5);
		for (size_t i = 0; i < v->n_months; i++)
			cairo_line_to(pg->p.cr, left + slot * ((double)i + 0.5),
				      top + CHART_H * (1 - v->hours_n[i] / scale));
		cairo_stroke(pg->p.cr);
		for (size_t i = 0; i < v->n_months; i++) {
			cairo_new_sub_path(pg->p.cr);
			cairo_arc(pg->p.cr, left + slot * ((double)i + 0.5),
				  top + CHART_H * (1 - v->hours_n[i] / scale), 2.2, 0,
				  2 * 3.14159265358979);
		}
		cairo_fill(pg->p.cr);
	}
	pg->p.y = top + CHART_H + 18;
}

static void lay_out(struct pdfpage *p)
{
	struct ppage *pg = (struct ppage *)p;
	const struct prog_view *v = pg->v;

	pg->t = NULL;
	p->y += wrap(pg, MARGIN, p->y, CONTENT_W, &F_TITLE, v->title, 0, 0) + 8;
	for (size_t i = 0; i < v->n_facts; i++) {
		double h = wrap(pg, MARGIN + 110, p->y, CONTENT_W - 110, &F_BODY, v->fact_value[i],
				0, 0);

		wrap(pg, MARGIN, p->y + 1, 105, &F_LABEL, v->fact_label[i], 0, 0);
		p->y += h + 2;
	}
	for (size_t t = 0; t < v->n_tables; t++) {
		if (t == v->n_tables - 1) {
			bars(pg);
			line(pg);
		}
		table(pg, &v->tables[t]);
	}
	pdfpage_footer(p);
}

enum report_err programme_pdf_write(const json_t *doc, const char *file, char *why, size_t size)
{
	struct prog_view *v = calloc(1, sizeof(*v));
	struct ppage pg = { .p.turn = turn };
	enum report_err err;
	int rc;

	if (!v) {
		snprintf(why, size, "out of memory");
		return REPORT_EWRITE;
	}
	err = programme_view(doc, v, why, size);
	if (err) {
		free(v);
		return err;
	}
	pg.v = v;
	pg.p.footer = v->footer;
	pg.p.page = v->page;
	rc = pdfpage_render(&pg.p, file, v->title, NULL, lay_out, why, size);
	programme_view_release(v);
	free(v);
	return rc ? REPORT_EWRITE : REPORT_OK;
}
