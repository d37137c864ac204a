/*
 * The training record as an A4 PDF (report/report.h), drawn with cairo.
 *
 * The pages are laid out top to bottom by a cursor (struct page). A table row is measured
 * before it is drawn and goes whole to the next page when it does not fit, the table's
 * head drawn again above it. The whole record is laid out twice: once without drawing,
 * to count the pages ("Page 2 of 3" in every footer), then for real. Text is drawn with
 * cairo's toy API, so that the PDF holds real text (it can be searched, read back and
 * copied), broken into lines by cert/pdf_text.
 */
#include "report/report.h"

#include <cairo.h>
#include <stdio.h>
#include <string.h>

#include "cert/pdf_text.h"
#include "report/pdfpage.h"

#define MARGIN PDFPAGE_MARGIN
#define CONTENT_W PDFPAGE_CONTENT_W
#define BOTTOM PDFPAGE_BOTTOM
#define LINE PDFPAGE_LINE
#define CELL_PAD 4.0			  /* between the columns of a table */
#define CHART_H 150.0
#define CHART_LEFT 40.0 /* room for the percentages on the left of the chart */

static const struct pdfpage_font F_TITLE = { 18.0, 1, 0.0 };
static const struct pdfpage_font F_NAME = { 14.0, 1, 0.15 };
static const struct pdfpage_font F_SECTION = { 12.0, 1, 0.1 };
static const struct pdfpage_font F_LABEL = { 8.5, 0, 0.4 };
static const struct pdfpage_font F_BODY = { 9.5, 0, 0.0 };
static const struct pdfpage_font F_TABLE = { 8.5, 0, 0.0 };
static const struct pdfpage_font F_THEAD = { 7.5, 1, 0.35 };
static const struct pdfpage_font F_SMALL = { 7.5, 0, 0.35 };

/* A column of the table under way: its width, and its numbers on the right. */
struct col {
	double w;
	int right;
};

/* The widths of each table's columns, in points (0: what the others leave). A column
 * grows past its width to hold the longest word of its head or of a cell, in any
 * language ("Goedgekeurde"), up to twice it; the column of width 0 gives the room up. */
static const double widths[REPORT_TABLES][REPORT_COLS_MAX] = {
	[REPORT_SIGNOFFS] = { 240, 100, 0 },
	[REPORT_WORK] = { 110, 40, 50, 56, 40, 48, 0 },
	[REPORT_ITEMS] = { 0, 80, 90 },
	[REPORT_FEEDBACK] = { 50, 106, 50, 76, 0 },
};

struct page {
	struct pdfpage p; /* first: a struct pdfpage * is a struct page * */
	const json_t *doc;
	struct report_words w;
	const struct report_conv *c;
	/* The table under way (its head drawn again on a new page): its columns as laid out,
	 * their left edges from the margin, and their heads. */
	struct col cols[REPORT_COLS_MAX];
	double x[REPORT_COLS_MAX];
	const char *head[REPORT_COLS_MAX];
	size_t n_cols;
};

static void table_head(struct page *pg);

/* A loose page still says whose record it is; a table under way shows its head again. */
static void turn(struct pdfpage *p)
{
	struct page *pg = (struct page *)p;
	char name[256], head[400];

	snprintf(head, sizeof(head), "%s \xe2\x80\x94 %s", pg->w.title,
		 report_text(json_object_get(pg->doc, "trainee"), name, sizeof(name)));
	p->y += pdfpage_wrap(p, MARGIN, p->y, CONTENT_W, &F_SMALL, head, 0, 0) + 8;
	if (pg->n_cols)
		table_head(pg);
}

/* Room for H more points on this page, else the next one. */
static void need(struct page *pg, double h)
{
	if (pg->p.y + h > BOTTOM && pg->p.y > MARGIN + 40)
		pdfpage_next(&pg->p);
}

static void heading(struct page *pg, const char *title)
{
	pg->n_cols = 0;
	need(pg, 18 + F_SECTION.size * LINE + 3 * F_BODY.size * LINE); /* never alone at the foot */
	pg->p.y += 16;
	pg->p.y += pdfpage_wrap(&pg->p, MARGIN, pg->p.y, CONTENT_W, &F_SECTION, title, 0, 0);
	pdfpage_rule(&pg->p, pg->p.y + 1, 0.55);
	pg->p.y += 6;
}

/* A paragraph of body text in font F. */
static void para(struct page *pg, const struct pdfpage_font *f, const char *t)
{
	double h = pdfpage_wrap(&pg->p, MARGIN, pg->p.y, CONTENT_W, f, t, 0, 1);

	need(pg, h);
	pg->p.y += pdfpage_wrap(&pg->p, MARGIN, pg->p.y, CONTENT_W, f, t, 0, 0) + 4;
}

/* ---- tables ---- */

/* One row of the table under way: CELLS in font F, moved whole to the next page when it
 * does not fit on this one. */
static void table_row(struct page *pg, const struct pdfpage_font *f, const char *const *cells)
{
	double h = 0;

	for (size_t i = 0; i < pg->n_cols; i++) {
		double one = pdfpage_wrap(&pg->p, MARGIN + pg->x[i], pg->p.y, pg->cols[i].w, f, cells[i],
				     pg->cols[i].right, 1);

		h = one > h ? one : h;
	}
	need(pg, h + 3);
	for (size_t i = 0; i < pg->n_cols; i++)
		pdfpage_wrap(&pg->p, MARGIN + pg->x[i], pg->p.y, pg->cols[i].w, f, cells[i], pg->cols[i].right,
			0);
	pg->p.y += h + 1;
	pdfpage_rule(&pg->p, pg->p.y, 0.85);
	pg->p.y += 2;
}

static void table_head(struct page *pg)
{
	table_row(pg, &F_THEAD, pg->head);
}

/* The width of the longest word of T in font F. */
static double widest_word(struct page *pg, const struct pdfpage_font *f, const char *t)
{
	double most = 0;

	pdfpage_use(&pg->p, f);
	while (*t) {
		size_t n = strcspn(t, " ");
		double w = pdf_text_width(pg->p.cr, t, n);

		most = w > most ? w : most;
		t += n + strspn(t + n, " ");
	}
	return most;
}

/* The width column I of table T of TV needs: its width, or more to hold its longest word
 * (of the head, or of a cell), up to twice its width. */
static double column_width(struct page *pg, enum report_table t, const struct report_table_view *tv,
			   size_t i)
{
	double least = widest_word(pg, &F_THEAD, tv->head[i]) + 1;
	struct report_row r;
	const json_t *item;
	size_t k;

	json_array_foreach (tv->list, k, item) {
		double w;

		report_row(&pg->w, pg->c, t, item, &r);
		w = widest_word(pg, &F_TABLE, r.cell[i]) + 1;
		least = w > least ? w : least;
	}
	if (least > 2 * widths[t][i])
		least = 2 * widths[t][i];
	return least > widths[t][i] ? least : widths[t][i];
}

/* Start table T of TV here: lay out its columns, draw its head. */
static void table(struct page *pg, enum report_table t, const struct report_table_view *tv)
{
	double used = 0, x = 0;
	size_t rest = 0;

	for (size_t i = 0; i < tv->n_cols; i++) {
		pg->head[i] = tv->head[i];
		pg->cols[i].right = tv->number[i];
		pg->cols[i].w = widths[t][i] ? column_width(pg, t, tv, i) : 0;
		if (widths[t][i] == 0)
			rest = i;
		used += pg->cols[i].w + (i ? CELL_PAD : 0);
	}
	pg->cols[rest].w = CONTENT_W - used > 60 ? CONTENT_W - used : 60;
	for (size_t i = 0; i < tv->n_cols; i++) {
		pg->x[i] = x;
		x += pg->cols[i].w + CELL_PAD;
	}
	pg->n_cols = tv->n_cols;
	need(pg, 4 * F_TABLE.size * LINE); /* a head never alone at the foot of a page */
	table_head(pg);
}

/* ---- the sections ---- */

/* One label and its value in the header. */
static void fact(struct page *pg, const char *label, const struct pdfpage_font *f, const char *value)
{
	double h = pdfpage_wrap(&pg->p, MARGIN + 110, pg->p.y, CONTENT_W - 110, f, value, 0, 1);

	pdfpage_wrap(&pg->p, MARGIN, pg->p.y + (f->size - F_LABEL.size) * 0.9, 104, &F_LABEL, label, 0, 0);
	pdfpage_wrap(&pg->p, MARGIN + 110, pg->p.y, CONTENT_W - 110, f, value, 0, 0);
	pg->p.y += h + 2;
}

static void header(struct page *pg)
{
	struct report_row labels, values;
	char name[REPORT_TEXT_MAX];

	pg->p.y += pdfpage_wrap(&pg->p, MARGIN, pg->p.y, CONTENT_W, &F_TITLE, pg->w.title, 0, 0) + 2;
	/* whose record it is, first and without a label, as a certificate names its holder */
	pg->p.y +=
	    pdfpage_wrap(&pg->p, MARGIN, pg->p.y, CONTENT_W, &F_NAME,
		    report_text(json_object_get(pg->doc, "trainee"), name, sizeof(name)), 0, 0) +
	    8;
	report_facts(&pg->w, pg->c, pg->doc, &labels, &values);
	for (size_t i = 0; i < labels.n; i++)
		fact(pg, labels.cell[i], &F_BODY, values.cell[i]);
}

/* The chart's frame: lines at 0, 25, 50, 75 and 100 % of the maximum, labelled. */
static void chart_grid(struct page *pg, double left, double w, double top)
{
	char pct[32];

	for (int k = 0; k <= 4; k++) {
		double y = top + CHART_H * (1 - k / 4.0);
		json_t *share = json_real(k / 4.0);

		cairo_set_source_rgb(pg->p.cr, 0.82, 0.82, 0.82);
		cairo_set_line_width(pg->p.cr, 0.5);
		cairo_move_to(pg->p.cr, left, y);
		cairo_line_to(pg->p.cr, left + w, y);
		cairo_stroke(pg->p.cr);
		pdfpage_use(&pg->p, &F_SMALL);
		pdfpage_show(&pg->p, left - 4, y - F_SMALL.size / 2, &F_SMALL,
		     report_percent(pg->c, share, pct, sizeof(pct)), 1);
		json_decref(share);
	}
}

/* The scores over time: a line through each point, a dot on each, the first and last
 * days below. */
static void chart(struct page *pg, const json_t *points)
{
	size_t n = json_array_size(points), i;
	double left = MARGIN + CHART_LEFT, w = CONTENT_W - CHART_LEFT - 8, top, x, y;
	const json_t *p;
	char day[64];

	need(pg, CHART_H + 24);
	top = pg->p.y + 4;
	if (!pg->p.dry) {
		chart_grid(pg, left, w, top);
		cairo_new_path(pg->p.cr); /* the labels' text left a current point */
		cairo_set_source_rgb(pg->p.cr, 0.12, 0.37, 0.66);
		cairo_set_line_width(pg->p.cr, 1.5);
		json_array_foreach (points, i, p) {
			report_chart_xy(i, n, json_object_get(p, "share"), &x, &y);
			cairo_line_to(pg->p.cr, left + w * x, top + CHART_H * y);
		}
		cairo_stroke(pg->p.cr);
		json_array_foreach (points, i, p) {
			report_chart_xy(i, n, json_object_get(p, "share"), &x, &y);
			cairo_new_sub_path(pg->p.cr);
			cairo_arc(pg->p.cr, left + w * x, top + CHART_H * y, n > 40 ? 1.3 : 2.4, 0,
				  2 * 3.14159265358979);
		}
		cairo_fill(pg->p.cr);
		pdfpage_use(&pg->p, &F_SMALL);
		pdfpage_show(&pg->p, left, top + CHART_H + 4, &F_SMALL,
		     report_day(pg->c, json_object_get(json_array_get(points, 0), "t_ms"), day,
				sizeof(day)),
		     0);
		pdfpage_show(&pg->p, left + w, top + CHART_H + 4, &F_SMALL,
		     report_day(pg->c, json_object_get(json_array_get(points, n - 1), "t_ms"), day,
				sizeof(day)),
		     1);
	}
	pg->p.y = top + CHART_H + 20;
}

/* Table T's section: its title, its note (and the chart above the rubric's items), its
 * rows; or what it says when there are none. */
static void section(struct page *pg, enum report_table t)
{
	const json_t *points = json_object_get(json_object_get(pg->doc, "scores"), "points");
	struct report_table_view tv;
	struct report_row r;
	const json_t *item;
	size_t i;

	report_table(&pg->w, pg->c, pg->doc, t, &tv);
	heading(pg, tv.title);
	if (!json_array_size(tv.list)) {
		para(pg, &F_BODY, tv.empty);
		return;
	}
	if (tv.note)
		para(pg, &F_SMALL, tv.note);
	if (t == REPORT_ITEMS && json_array_size(points))
		chart(pg, points);
	table(pg, t, &tv);
	json_array_foreach (tv.list, i, item) {
		report_row(&pg->w, pg->c, t, item, &r);
		table_row(pg, &F_TABLE, r.cell);
	}
}

/* The whole record from the first page; the last page's footer included. */
static void lay_out(struct pdfpage *p)
{
	struct page *pg = (struct page *)p;

	pg->n_cols = 0;
	header(pg);
	for (enum report_table t = 0; t < REPORT_TABLES; t++)
		section(pg, t);
	pdfpage_footer(&pg->p);
}

/* ---- the file ---- */

enum report_err report_pdf_write(const json_t *doc, const char *file, char *why, size_t size)
{
	struct page pg = { .p.turn = turn, .doc = doc };
	char name[256], title[400], workshop[REPORT_TEXT_MAX];
	enum report_err err = report_check(doc, why, size);

	if (err)
		return err;
	report_use_lang(json_string_value(json_object_get(doc, "lang")), &pg.w, &pg.c);
	pg.p.footer = pg.w.footer;
	pg.p.page = pg.w.page;
	snprintf(title, sizeof(title), "%s \xe2\x80\x94 %s", pg.w.title,
		 report_text(json_object_get(doc, "trainee"), name, sizeof(name)));
	return pdfpage_render(&pg.p, file, title,
			      json_is_string(json_object_get(doc, "workshop"))
				  ? report_text(json_object_get(doc, "workshop"), workshop,
						sizeof(workshop))
				  : NULL,
			      lay_out, why, size)
		   ? REPORT_EWRITE
		   : REPORT_OK;
}
