/* A4 report pages drawn with cairo (report/pdfpage.h). */
#include "report/pdfpage.h"

#include <cairo-pdf.h>
#include <stdio.h>
#include <string.h>

#include "cert/pdf_text.h"
#include "report/report.h"

#define FONT "DejaVu Sans"

const struct pdfpage_font PDFPAGE_SMALL = { 7.5, 0, 0.35 };

void pdfpage_use(struct pdfpage *p, const struct pdfpage_font *f)
{
	cairo_select_font_face(p->cr, FONT, CAIRO_FONT_SLANT_NORMAL,
			       f->bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
	cairo_set_font_size(p->cr, f->size);
	cairo_set_source_rgb(p->cr, f->gray, f->gray, f->gray);
}

void pdfpage_show(struct pdfpage *p, double x, double y, const struct pdfpage_font *f,
		  const char *t, int right)
{
	if (p->dry)
		return;
	if (right)
		x -= pdf_text_width(p->cr, t, strlen(t));
	cairo_move_to(p->cr, x, y + f->size * 0.95);
	cairo_show_text(p->cr, t);
}

double pdfpage_wrap(struct pdfpage *p, double x, double y, double w, const struct pdfpage_font *f,
		    const char *t, int right, int measure)
{
	char line[PDF_TEXT_LINE_MAX];
	size_t n = strlen(t);
	double h = 0;

	pdfpage_use(p, f);
	while (pdf_text_next_line(p->cr, &t, &n, w, line, sizeof(line))) {
		if (!measure)
			pdfpage_show(p, right ? x + w : x, y + h, f, line, right);
		h += f->size * PDFPAGE_LINE;
	}
	return h;
}

void pdfpage_rule(struct pdfpage *p, double y, double gray)
{
	if (p->dry)
		return;
	cairo_set_source_rgb(p->cr, gray, gray, gray);
	cairo_set_line_width(p->cr, 0.5);
	cairo_move_to(p->cr, PDFPAGE_MARGIN, y);
	cairo_line_to(p->cr, PDFPAGE_MARGIN + PDFPAGE_CONTENT_W, y);
	cairo_stroke(p->cr);
}

void pdfpage_footer(struct pdfpage *p)
{
	char n[16], total[16], text[128];
	double y = PDFPAGE_H - PDFPAGE_MARGIN - PDFPAGE_FOOT_H / 2;

	pdfpage_rule(p, y, 0.75);
	pdfpage_use(p, &PDFPAGE_SMALL);
	pdfpage_show(p, PDFPAGE_MARGIN, y + 4, &PDFPAGE_SMALL, p->footer ? p->footer : "", 0);
	snprintf(n, sizeof(n), "%d", p->n);
	snprintf(total, sizeof(total), "%d", p->pages ? p->pages : p->n);
	pdfpage_show(p, PDFPAGE_MARGIN + PDFPAGE_CONTENT_W, y + 4, &PDFPAGE_SMALL,
		     report_fill(p->page ? p->page : "{n}/{total}", n, total, text, sizeof(text)),
		     1);
}

void pdfpage_next(struct pdfpage *p)
{
	pdfpage_footer(p);
	if (!p->dry)
		cairo_show_page(p->cr);
	p->n++;
	p->y = PDFPAGE_MARGIN;
	if (p->turn)
		p->turn(p);
}

void pdfpage_need(struct pdfpage *p, double h)
{
	if (p->y + h > PDFPAGE_BOTTOM)
		pdfpage_next(p);
}

int pdfpage_render(struct pdfpage *p, const char *file, const char *title, const char *author,
		   void (*lay_out)(struct pdfpage *p), char *why, size_t size)
{
	cairo_surface_t *surface = cairo_pdf_surface_create(file, PDFPAGE_W, PDFPAGE_H);
	cairo_status_t st = cairo_surface_status(surface);

	if (st == CAIRO_STATUS_SUCCESS) {
		cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, title);
		if (author)
			cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_AUTHOR, author);
		cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR,
					       "atelier " ATELIER_VERSION);
		p->cr = cairo_create(surface);
		p->dry = 1;
		p->pages = 0;
		p->n = 1;
		p->y = PDFPAGE_MARGIN;
		lay_out(p); /* counts the pages */
		p->pages = p->n;
		p->dry = 0;
		p->n = 1;
		p->y = PDFPAGE_MARGIN;
		lay_out(p);
		cairo_show_page(p->cr);
		cairo_surface_finish(surface);
		st = cairo_status(p->cr);
		if (st == CAIRO_STATUS_SUCCESS)
			st = cairo_surface_status(surface);
		cairo_destroy(p->cr);
		p->cr = NULL;
	}
	cairo_surface_destroy(surface);
	if (st != CAIRO_STATUS_SUCCESS) {
		report_remove_partial(file);
		snprintf(why, size, "cannot write %s: %s", file, cairo_status_to_string(st));
		return -1;
	}
	return 0;
}
