/*
 * The donor's erasure report as an A4 PDF (report/erasure.h), drawn with cairo as the
 * training record is (report_pdf.c): a cursor down the page, each row measured before it
 * is drawn and moved whole to the next page with the table's head drawn again, the whole
 * laid out twice to number the pages. Text is real text (searchable, read back by
 * pdftotext), broken into lines by cert/pdf_text.
 */
#include "report/erasure.h"

#include <cairo-pdf.h>
#include <cairo.h>
#include <stdio.h>
#include <string.h>

#include "cert/pdf_text.h"

#define PAGE_W 595.28
#define PAGE_H 841.89
#define MARGIN 42.0
#define CONTENT_W (PAGE_W - 2 * MARGIN)
#define FOOT_H 26.0
#define BOTTOM (PAGE_H - MARGIN - FOOT_H)
#define LINE 1.3
#define CELL_PAD 5.0
#define FONT "DejaVu Sans"

struct font {
	double size;
	int bold;
	double gray;
};

static const struct font F_TITLE = { 18.0, 1, 0.0 };
static const struct font F_LABEL = { 8.5, 0, 0.4 };
static const struct font F_BODY = { 9.5, 0, 0.0 };
static const struct font F_TABLE = { 8.0, 0, 0.0 };
static const struct font F_THEAD = { 7.5, 1, 0.35 };
static const struct font F_SMALL = { 7.5, 0, 0.35 };

/* The columns: stock number, device, serial / IMEI, outcome, the record (the rest). */
static const double widths[ERASURE_COLS] = { 62, 112, 110, 70, 0 };

struct page {
	cairo_t *cr;
	const json_t *doc;
	struct erasure_words w;
	struct report_words rw;
	const struct report_conv *c;
	double y;
	int n, pages, dry, in_table;
	double x[ERASURE_COLS], cw[ERASURE_COLS];
};

static void use_font(struct page *pg, const struct font *f)
{
	cairo_select_font_face(pg->cr, FONT, CAIRO_FONT_SLANT_NORMAL,
			       f->bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
	cairo_set_font_size(pg->cr, f->size);
	cairo_set_source_rgb(pg->cr, f->gray, f->gray, f->gray);
}

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

/* T wrapped to W at X from Y: the height it takes; drawn unless MEASURE. */
static double wrap_at(struct page *pg, double x, double y, double w, const struct font *f,
		      const char *t, int measure)
{
	char line[PDF_TEXT_LINE_MAX];
	size_t n = strlen(t);
	double h = 0;

	use_font(pg, f);
	while (pdf_text_next_line(pg->cr, &t, &n, w, line, sizeof(line))) {
		if (!measure)
			show(pg, x, y + h, f, line, 0);
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

static void footer(struct page *pg)
{
	char n[16], total[16], text[128];

	rule(pg, PAGE_H - MARGIN - FOOT_H / 2, 0.75);
	use_font(pg, &F_SMALL);
	show(pg, MARGIN, PAGE_H - MARGIN - FOOT_H / 2 + 4, &F_SMALL, pg->w.footer, 0);
	snprintf(n, sizeof(n), "%d", pg->n);
	snprintf(total, sizeof(total), "%d", pg->pages ? pg->pages : pg->n);
	show(pg, MARGIN + CONTENT_W, PAGE_H - MARGIN - FOOT_H / 2 + 4, &F_SMALL,
	     report_fill(pg->rw.page, n, total, text, sizeof(text)), 1);
}

static void row(struct page *pg, const struct font *f, const char *const *cells);

static void table_head(struct page *pg)
{
	const char *head[ERASURE_COLS] = { pg->w.stock, pg->w.device, pg->w.ids, pg->w.outcome,
					   pg->w.erasure };

	row(pg, &F_THEAD, head);
}

static void next_page(struct page *pg)
{
	char head[400], name[REPORT_TEXT_MAX];

	footer(pg);
	if (!pg->dry)
		cairo_show_page(pg->cr);
	pg->n++;
	pg->y = MARGIN;
	/* A loose page still says which batch it is. */
	snprintf(head, sizeof(head), "%s \xe2\x80\x94 %s", pg->w.title,
		 report_text(json_object_get(json_object_get(pg->doc, "batch"), "name"), name,
			     sizeof(name)));
	pg->y += wrap_at(pg, MARGIN, pg->y, CONTENT_W, &F_SMALL, head, 0) + 8;
	if (pg->in_table)
		table_head(pg);
}

/* One row of the table: moved whole to the next page when it does not fit. */
static void row(struct page *pg, const struct font *f, const char *const *cells)
{
	double h = 0;

	for (size_t i = 0; i < ERASURE_COLS; i++) {
		double one = wrap_at(pg, MARGIN + pg->x[i], pg->y, pg->cw[i], f, cells[i], 1);

		h = one > h ? one : h;
	}
	if (pg->y + h + 3 > BOTTOM && pg->y > MARGIN + 40)
		next_page(pg);
	for (size_t i = 0; i < ERASURE_COLS; i++)
		wrap_at(pg, MARGIN + pg->x[i], pg->y, pg->cw[i], f, cells[i], 0);
	pg->y += h + 1;
	rule(pg, pg->y, 0.85);
	pg->y += 2;
}

static void lay_out(struct page *pg)
{
	static struct report_row labels, values, r;
	const json_t *dev;
	char summary[512];
	double x = 0, used = 0;
	size_t i;

	pg->n = 1;
	pg->y = MARGIN;
	pg->in_table = 0;
	pg->y += wrap_at(pg, MARGIN, pg->y, CONTENT_W, &F_TITLE, pg->w.title, 0) + 8;
	erasure_facts(&pg->w, pg->c, pg->doc, &labels, &values, summary, sizeof(summary));
	for (i = 0; i < labels.n; i++) {
		double h = wrap_at(pg, MARGIN + 110, pg->y, CONTENT_W - 110, &F_BODY,
				   values.cell[i], 0);

		wrap_at(pg, MARGIN, pg->y + 1, 104, &F_LABEL, labels.cell[i], 0);
		pg->y += h + 2;
	}
	pg->y += 6;
	pg->y += wrap_at(pg, MARGIN, pg->y, CONTENT_W, &F_BODY, summary, 0) + 10;
	if (json_array_size(json_object_get(pg->doc, "devices")) == 0) {
		pg->y += wrap_at(pg, MARGIN, pg->y, CONTENT_W, &F_BODY, pg->w.no_devices, 0);
		footer(pg);
		return;
	}
	for (i = 0; i < ERASURE_COLS; i++)
		used += widths[i] + (i ? CELL_PAD : 0);
	for (i = 0; i < ERASURE_COLS; i++) {
		pg->cw[i] = widths[i] ? widths[i] : CONTENT_W - used;
		pg->x[i] = x;
		x += pg->cw[i] + CELL_PAD;
	}
	pg->in_table = 1;
	table_head(pg);
	json_array_foreach (json_object_get(pg->doc, "devices"), i, dev) {
		erasure_row(pg->c, dev, &r);
		row(pg, &F_TABLE, r.cell);
	}
	footer(pg);
}

enum report_err erasure_pdf_write(const json_t *doc, const char *file, char *why, size_t size)
{
	struct page pg = { .doc = doc };
	cairo_surface_t *surface;
	cairo_status_t st;
	char title[400], name[REPORT_TEXT_MAX];
	enum report_err err = erasure_check(doc, why, size);

	if (err)
		return err;
	erasure_use_lang(doc, &pg.w, &pg.rw, &pg.c);
	surface = cairo_pdf_surface_create(file, PAGE_W, PAGE_H);
	st = cairo_surface_status(surface);
	if (st != CAIRO_STATUS_SUCCESS) {
		cairo_surface_destroy(surface);
		snprintf(why, size, "cannot write %s: %s", file, cairo_status_to_string(st));
		return REPORT_EWRITE;
	}
	snprintf(title, sizeof(title), "%s \xe2\x80\x94 %s", pg.w.title,
		 report_text(json_object_get(json_object_get(doc, "batch"), "name"), name,
			     sizeof(name)));
	cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, title);
	cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR,
				       "atelier " ATELIER_VERSION);
	pg.cr = cairo_create(surface);
	pg.dry = 1;
	lay_out(&pg);
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
		snprintf(why, size, "cannot write %s: %s", file, cairo_status_to_string(st));
		return REPORT_EWRITE;
	}
	return REPORT_OK;
}
