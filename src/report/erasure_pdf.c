/*
 * The donor's erasure report as an A4 PDF (report/erasure.h), drawn with cairo as the
 * training record is (report_pdf.c): a cursor down the page, each row measured before it
 * is drawn and moved whole to the next page with the table's head drawn again, the whole
 * laid out twice to number the pages. Text is real text (searchable, read back by
 * pdftotext), broken into lines by cert/pdf_text.
 */
#include "report/erasure.h"

#include <stdio.h>
#include <string.h>

#include "report/pdfpage.h"

#define MARGIN PDFPAGE_MARGIN
#define CONTENT_W PDFPAGE_CONTENT_W
#define BOTTOM PDFPAGE_BOTTOM
#define CELL_PAD 5.0

static const struct pdfpage_font F_TITLE = { 18.0, 1, 0.0 };
static const struct pdfpage_font F_LABEL = { 8.5, 0, 0.4 };
static const struct pdfpage_font F_BODY = { 9.5, 0, 0.0 };
static const struct pdfpage_font F_TABLE = { 8.0, 0, 0.0 };
static const struct pdfpage_font F_THEAD = { 7.5, 1, 0.35 };
static const struct pdfpage_font F_SMALL = { 7.5, 0, 0.35 };

/* The columns: stock number, device, serial / IMEI, outcome, the record (the rest). */
static const double widths[ERASURE_COLS] = { 62, 112, 110, 70, 0 };

struct page {
	struct pdfpage p; /* first: a struct pdfpage * is a struct page * */
	const json_t *doc;
	struct erasure_words w;
	struct report_words rw;
	const struct report_conv *c;
	int in_table;
	double x[ERASURE_COLS], cw[ERASURE_COLS];
};

/* T wrapped to W at X from Y: the height it takes; drawn unless MEASURE. */
static double wrap_at(struct page *pg, double x, double y, double w,
		      const struct pdfpage_font *f, const char *t, int measure)
{
	return pdfpage_wrap(&pg->p, x, y, w, f, t, 0, measure);
}

static void row(struct page *pg, const struct pdfpage_font *f, const char *const *cells);

static void table_head(struct page *pg)
{
	const char *head[ERASURE_COLS] = { pg->w.stock, pg->w.device, pg->w.ids, pg->w.outcome,
					   pg->w.erasure };

	row(pg, &F_THEAD, head);
}

/* A loose page still says which batch it is, and a table under way shows its head. */
static void turn(struct pdfpage *p)
{
	struct page *pg = (struct page *)p;
	char head[400], name[REPORT_TEXT_MAX];

	snprintf(head, sizeof(head), "%s \xe2\x80\x94 %s", pg->w.title,
		 report_text(json_object_get(json_object_get(pg->doc, "batch"), "name"), name,
			     sizeof(name)));
	p->y += wrap_at(pg, MARGIN, p->y, CONTENT_W, &F_SMALL, head, 0) + 8;
	if (pg->in_table)
		table_head(pg);
}

/* One row of the table: moved whole to the next page when it does not fit. */
static void row(struct page *pg, const struct pdfpage_font *f, const char *const *cells)
{
	double h = 0;

	for (size_t i = 0; i < ERASURE_COLS; i++) {
		double one = wrap_at(pg, MARGIN + pg->x[i], pg->p.y, pg->cw[i], f, cells[i], 1);

		h = one > h ? one : h;
	}
	if (pg->p.y + h + 3 > BOTTOM && pg->p.y > MARGIN + 40)
		pdfpage_next(&pg->p);
	for (size_t i = 0; i < ERASURE_COLS; i++)
		wrap_at(pg, MARGIN + pg->x[i], pg->p.y, pg->cw[i], f, cells[i], 0);
	pg->p.y += h + 1;
	pdfpage_rule(&pg->p, pg->p.y, 0.85);
	pg->p.y += 2;
}

static void lay_out(struct pdfpage *p)
{
	struct page *pg = (struct page *)p;
	static struct report_row labels, values, r;
	const json_t *dev;
	char summary[512];
	double x = 0, used = 0;
	size_t i;

	pg->in_table = 0;
	pg->p.y += wrap_at(pg, MARGIN, pg->p.y, CONTENT_W, &F_TITLE, pg->w.title, 0) + 8;
	erasure_facts(&pg->w, pg->c, pg->doc, &labels, &values, summary, sizeof(summary));
	for (i = 0; i < labels.n; i++) {
		double h = wrap_at(pg, MARGIN + 110, pg->p.y, CONTENT_W - 110, &F_BODY,
				   values.cell[i], 0);

		wrap_at(pg, MARGIN, pg->p.y + 1, 104, &F_LABEL, labels.cell[i], 0);
		pg->p.y += h + 2;
	}
	pg->p.y += 6;
	pg->p.y += wrap_at(pg, MARGIN, pg->p.y, CONTENT_W, &F_BODY, summary, 0) + 10;
	if (json_array_size(json_object_get(pg->doc, "devices")) == 0) {
		pg->p.y += wrap_at(pg, MARGIN, pg->p.y, CONTENT_W, &F_BODY, pg->w.no_devices, 0);
		pdfpage_footer(&pg->p);
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
	pdfpage_footer(&pg->p);
}

enum report_err erasure_pdf_write(const json_t *doc, const char *file, char *why, size_t size)
{
	struct page pg = { .p.turn = turn, .doc = doc };
	char title[400], name[REPORT_TEXT_MAX];
	enum report_err err = erasure_check(doc, why, size);

	if (err)
		return err;
	erasure_use_lang(doc, &pg.w, &pg.rw, &pg.c);
	pg.p.footer = pg.w.footer;
	pg.p.page = pg.rw.page;
	snprintf(title, sizeof(title), "%s \xe2\x80\x94 %s", pg.w.title,
		 report_text(json_object_get(json_object_get(doc, "batch"), "name"), name,
			     sizeof(name)));
	return pdfpage_render(&pg.p, file, title, NULL, lay_out, why, size) ? REPORT_EWRITE
									     : REPORT_OK;
}
