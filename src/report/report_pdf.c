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

#include <cairo-pdf.h>
#include <cairo.h>
#include <stdio.h>
#include <string.h>

#include "cert/pdf_text.h"

#define PAGE_W 595.28 /* A4 in points */
#define PAGE_H 841.89
#define MARGIN 42.0
#define CONTENT_W (PAGE_W - 2 * MARGIN)
#define FOOT_H 26.0			  /* the footer's band at the bottom of each page */
#define BOTTOM (PAGE_H - MARGIN - FOOT_H) /* nothing of the body below this */
#define LINE 1.3			  /* line height, in font sizes */
#define CELL_PAD 4.0			  /* between the columns of a table */
#define CHART_H 150.0
#define CHART_LEFT 40.0 /* room for the percentages on the left of the chart */
#define FONT "DejaVu Sans"

struct font {
	double size;
	int bold;
	double gray; /* 0 black .. 1 white */
};

static const struct font F_TITLE = { 18.0, 1, 0.0 };
static const struct font F_NAME = { 14.0, 1, 0.15 };
static const struct font F_SECTION = { 12.0, 1, 0.1 };
static const struct font F_LABEL = { 8.5, 0, 0.4 };
static const struct font F_BODY = { 9.5, 0, 0.0 };
static const struct font F_TABLE = { 8.5, 0, 0.0 };
static const struct font F_THEAD = { 7.5, 1, 0.35 };
static const struct font F_SMALL = { 7.5, 0, 0.35 };

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
	cairo_t *cr;
	const json_t *doc;
	struct report_words w;
	const struct report_conv *c;
	double y;     /* top of the next line */
	int n, pages; /* this page's number; the count (from the first layout) */
	int dry;      /* lay out only: draw nothing */
	/* The table under way (its head drawn again on a new page): its columns as laid out,
	 * their left edges from the margin, and their heads. */
	struct col cols[REPORT_COLS_MAX];
	double x[REPORT_COLS_MAX];
	const char *head[REPORT_COLS_MAX];
	size_t n_cols;
};

/* ---- drawing primitives ---- */

static void use_font(struct page *pg, const struct font *f)
{
	cairo_select_font_face(pg->cr, FONT, CAIRO_FONT_SLANT_NORMAL,
			       f->bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
	cairo_set_font_size(pg->cr, f->size);
	cairo_set_source_rgb(pg->cr, f->gray, f->gray, f->gray);
}

/* Draw T at X with its top at Y, in the font selected; right-aligned on X when RIGHT. */
static void show(struct page *pg, double x, double y, const struct font *f, const char *t,
		 int right)
{
	if (pg->dry)
		return;
	if (right)
		x -= pdf_text_width(pg->cr, t, strlen(t));
	cairo_move_to(pg->cr, x, y + f->size * 0.95);
	cairo_show_text(pg->cr, t);
}

/* T in font F wrapped to width W at X, from the top Y: the height it takes, drawn unless
 * MEASURE. */
static double wrap_at(struct page *pg, double x, double y, double w, const struct font *f,
		      const char *t, int right, int measure)
{
	char line[PDF_TEXT_LINE_MAX];
	size_t n = strlen(t);
	double h = 0;

	use_font(pg, f);
	while (pdf_text_next_line(pg->cr, &t, &n, w, line, sizeof(line))) {
		if (!measure)
			show(pg, right ? x + w : x, y + h, f, line, right);
		h += f->size * LINE;
	}
	return h;
}

static void rule(struct page *pg, double y, double gray)
{
	if (pg->dry)
		return;
	cairo_set_source_rgb(pg->cr, gray, gray, gray);
	cairo_set_line_width(pg->cr, 0.5);
	cairo_move_to(pg->cr, MARGIN, y);
	cairo_line_to(pg->cr, MARGIN + CONTENT_W, y);
	cairo_stroke(pg->cr);
}

/* The footer of this page: what made it, and "Page N of M". */
static void footer(struct page *pg)
{
	char n[16], total[16], text[128];

	use_font(pg, &F_SMALL);
	rule(pg, PAGE_H - MARGIN - FOOT_H / 2, 0.75);
	show(pg, MARGIN, PAGE_H - MARGIN - FOOT_H / 2 + 4, &F_SMALL, pg->w.footer, 0);
	snprintf(n, sizeof(n), "%d", pg->n);
	snprintf(total, sizeof(total), "%d", pg->pages ? pg->pages : pg->n);
	show(pg, MARGIN + CONTENT_W, PAGE_H - MARGIN - FOOT_H / 2 + 4, &F_SMALL,
	     report_fill(pg->w.page, n, total, text, sizeof(text)), 1);
}

static void table_head(struct page *pg);

/* Go on at the top of the next page; a table under way shows its head again there. */
static void next_page(struct page *pg)
{
	char name[256], head[400];

	footer(pg);
	if (!pg->dry)
		cairo_show_page(pg->cr);
	pg->n++;
	pg->y = MARGIN;
	/* A loose page still says whose record it is. */
	snprintf(head, sizeof(head), "%s \xe2\x80\x94 %s", pg->w.title,
		 report_text(json_object_get(pg->doc, "trainee"), name, sizeof(name)));
	pg->y += wrap_at(pg, MARGIN, pg->y, CONTENT_W, &F_SMALL, head, 0, 0) + 8;
	if (pg->n_cols)
		table_head(pg);
}

/* Room for H more points on this page, else the next one. */
static void need(struct page *pg, double h)
{
	if (pg->y + h > BOTTOM && pg->y > MARGIN + 40)
		next_page(pg);
}

static void heading(struct page *pg, const char *title)
{
	pg->n_cols = 0;
	need(pg, 18 + F_SECTION.size * LINE + 3 * F_BODY.size * LINE); /* never alone at the foot */
	pg->y += 16;
	pg->y += wrap_at(pg, MARGIN, pg->y, CONTENT_W, &F_SECTION, title, 0, 0);
	rule(pg, pg->y + 1, 0.55);
	pg->y += 6;
}

/* A paragraph of body text in font F. */
static void para(struct page *pg, const struct font *f, const char *t)
{
	double h = wrap_at(pg, MARGIN, pg->y, CONTENT_W, f, t, 0, 1);

	need(pg, h);
	pg->y += wrap_at(pg, MARGIN, pg->y, CONTENT_W, f, t, 0, 0) + 4;
}

/* ---- tables ---- */

/* One row of the table under way: CELLS in font F, moved whole to the next page when it
 * does not fit on this one. */
static void table_row(struct page *pg, const struct font *f, const char *const *cells)
{
	double h = 0;

	for (size_t i = 0; i < pg->n_cols; i++) {
		double one = wrap_at(pg, MARGIN + pg->x[i], pg->y, pg->cols[i].w, f, cells[i],
				     pg->cols[i].right, 1);

		h = one > h ? one : h;
	}
	need(pg, h + 3);
	for (size_t i = 0; i < pg->n_cols; i++)
		wrap_at(pg, MARGIN + pg->x[i], pg->y, pg->cols[i].w, f, cells[i], pg->cols[i].right,
			0);
	pg->y += h + 1;
	rule(pg, pg->y, 0.85);
	pg->y += 2;
}

static void table_head(struct page *pg)
{
	table_row(pg, &F_THEAD, pg->head);
}

/* The width of the longest word of T in font F. */
static double widest_word(struct page *pg, const struct font *f, const char *t)
{
	double most = 0;

	use_font(pg, f);
	while (*t) {
		size_t n = strcspn(t, " ");
		double w = pdf_text_width(pg->cr, t, n);

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
static void fact(struct page *pg, const char *label, const struct font *f, const char *value)
{
	double h = wrap_at(pg, MARGIN + 110, pg->y, CONTENT_W - 110, f, value, 0, 1);

	wrap_at(pg, MARGIN, pg->y + (f->size - F_LABEL.size) * 0.9, 104, &F_LABEL, label, 0, 0);
	wrap_at(pg, MARGIN + 110, pg->y, CONTENT_W - 110, f, value, 0, 0);
	pg->y += h + 2;
}

static void header(struct page *pg)
{
	struct report_row labels, values;
	char name[REPORT_TEXT_MAX];

	pg->y += wrap_at(pg, MARGIN, pg->y, CONTENT_W, &F_TITLE, pg->w.title, 0, 0) + 2;
	/* whose record it is, first and without a label, as a certificate names its holder */
	pg->y +=
	    wrap_at(pg, MARGIN, pg->y, CONTENT_W, &F_NAME,
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

		cairo_set_source_rgb(pg->cr, 0.82, 0.82, 0.82);
		cairo_set_line_width(pg->cr, 0.5);
		cairo_move_to(pg->cr, left, y);
		cairo_line_to(pg->cr, left + w, y);
		cairo_stroke(pg->cr);
		use_font(pg, &F_SMALL);
		show(pg, left - 4, y - F_SMALL.size / 2, &F_SMALL,
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
	top = pg->y + 4;
	if (!pg->dry) {
		chart_grid(pg, left, w, top);
		cairo_new_path(pg->cr); /* the labels' text left a current point */
		cairo_set_source_rgb(pg->cr, 0.12, 0.37, 0.66);
		cairo_set_line_width(pg->cr, 1.5);
		json_array_foreach (points, i, p) {
			report_chart_xy(i, n, json_object_get(p, "share"), &x, &y);
			cairo_line_to(pg->cr, left + w * x, top + CHART_H * y);
		}
		cairo_stroke(pg->cr);
		json_array_foreach (points, i, p) {
			report_chart_xy(i, n, json_object_get(p, "share"), &x, &y);
			cairo_new_sub_path(pg->cr);
			cairo_arc(pg->cr, left + w * x, top + CHART_H * y, n > 40 ? 1.3 : 2.4, 0,
				  2 * 3.14159265358979);
		}
		cairo_fill(pg->cr);
		use_font(pg, &F_SMALL);
		show(pg, left, top + CHART_H + 4, &F_SMALL,
		     report_day(pg->c, json_object_get(json_array_get(points, 0), "t_ms"), day,
				sizeof(day)),
		     0);
		show(pg, left + w, top + CHART_H + 4, &F_SMALL,
		     report_day(pg->c, json_object_get(json_array_get(points, n - 1), "t_ms"), day,
				sizeof(day)),
		     1);
	}
	pg->y = top + CHART_H + 20;
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
static void lay_out(struct page *pg)
{
	pg->n = 1;
	pg->y = MARGIN;
	pg->n_cols = 0;
	header(pg);
	for (enum report_table t = 0; t < REPORT_TABLES; t++)
		section(pg, t);
	footer(pg);
}

/* ---- the file ---- */

static void set_metadata(cairo_surface_t *surface, const struct page *pg)
{
	char name[256], title[400], workshop[REPORT_TEXT_MAX];

	snprintf(title, sizeof(title), "%s \xe2\x80\x94 %s", pg->w.title,
		 report_text(json_object_get(pg->doc, "trainee"), name, sizeof(name)));
	cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, title);
	if (json_is_string(json_object_get(pg->doc, "workshop")))
		cairo_pdf_surface_set_metadata(
		    surface, CAIRO_PDF_METADATA_AUTHOR,
		    report_text(json_object_get(pg->doc, "workshop"), workshop, sizeof(workshop)));
	cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR,
				       "atelier " ATELIER_VERSION);
}

static enum report_err write_error(const char *file, cairo_status_t st, char *why, size_t size)
{
	snprintf(why, size, "cannot write %s: %s", file, cairo_status_to_string(st));
	return REPORT_EWRITE;
}

enum report_err report_pdf_write(const json_t *doc, const char *file, char *why, size_t size)
{
	struct page pg = { .doc = doc };
	cairo_surface_t *surface;
	cairo_status_t st;
	enum report_err err = report_check(doc, why, size);

	if (err)
		return err;
	report_use_lang(json_string_value(json_object_get(doc, "lang")), &pg.w, &pg.c);
	surface = cairo_pdf_surface_create(file, PAGE_W, PAGE_H);
	st = cairo_surface_status(surface);
	if (st != CAIRO_STATUS_SUCCESS) {
		cairo_surface_destroy(surface);
		return write_error(file, st, why, size);
	}
	set_metadata(surface, &pg);
	pg.cr = cairo_create(surface);
	pg.dry = 1;
	lay_out(&pg); /* counts the pages */
	pg.pages = pg.n;
	pg.dry = 0;
	lay_out(&pg);
	cairo_show_page(pg.cr);
	cairo_surface_finish(surface);
	st = cairo_status(pg.cr);
	if (st == CAIRO_STATUS_SUCCESS)
		st = cairo_surface_status(surface);
	cairo_destroy(pg.cr);
	cairo_surface_destroy(surface);
	if (st != CAIRO_STATUS_SUCCESS) {
		report_remove_partial(file);
		return write_error(file, st, why, size);
	}
	return REPORT_OK;
}
