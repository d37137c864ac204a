/*
 * pdfpage — the A4 pages the workshop's reports are drawn on (cairo, in atelier-pdf
 * only): a cursor that goes down the page, text wrapped to a width (cert/pdf_text), thin
 * rules, a footer with "Page 2 of 3", a row moved whole to the next page when it does not
 * fit. A report is laid out twice by pdfpage_render(): once without drawing, to count the
 * pages, then for real. The training record (report_pdf.c), the programme's report
 * (programme_pdf.c) and the donor's erasure report (erasure_pdf.c) are drawn with it.
 */
#ifndef ATELIER_REPORT_PDFPAGE_H
#define ATELIER_REPORT_PDFPAGE_H

#include <cairo.h>
#include <stddef.h>

#define PDFPAGE_W 595.28 /* A4 in points */
#define PDFPAGE_H 841.89
#define PDFPAGE_MARGIN 42.0
#define PDFPAGE_CONTENT_W (PDFPAGE_W - 2 * PDFPAGE_MARGIN)
#define PDFPAGE_FOOT_H 26.0 /* the footer's band at the bottom of each page */
#define PDFPAGE_BOTTOM (PDFPAGE_H - PDFPAGE_MARGIN - PDFPAGE_FOOT_H) /* nothing below */
#define PDFPAGE_LINE 1.3					     /* line height, in sizes */

struct pdfpage_font {
	double size;
	int bold;
	double gray; /* 0 black .. 1 white */
};

/* The footer's font. */
extern const struct pdfpage_font PDFPAGE_SMALL;

struct pdfpage {
	cairo_t *cr;
	double y;	   /* top of the next line */
	int n, pages, dry; /* this page's number; the count (from the first layout); lay out only */
	const char *footer; /* the footer's words on the left */
	const char *page;   /* "Page {n} of {total}" in the report's language */
	/* Called at the top of each new page after the first (may be NULL): what a loose
	 * page says it is, a table's head again. */
	void (*turn)(struct pdfpage *p);
};

void pdfpage_use(struct pdfpage *p, const struct pdfpage_font *f);
/* T at X (its right end when RIGHT), the top of its line at Y, in font F (already used). */
void pdfpage_show(struct pdfpage *p, double x, double y, const struct pdfpage_font *f,
		  const char *t, int right);
/* T in font F wrapped to width W at X from the top Y: the height it takes; drawn unless
 * MEASURE; each line on the right of the box when RIGHT. */
double pdfpage_wrap(struct pdfpage *p, double x, double y, double w, const struct pdfpage_font *f,
		    const char *t, int right, int measure);
/* A thin rule across the page at Y, GRAY from 0 (black) to 1. */
void pdfpage_rule(struct pdfpage *p, double y, double gray);
/* This page's footer. */
void pdfpage_footer(struct pdfpage *p);
/* Go on at the top of the next page (its turn() called). */
void pdfpage_next(struct pdfpage *p);
/* The next page when H points do not fit on this one. */
void pdfpage_need(struct pdfpage *p, double h);

/* Draw LAY_OUT's pages on P into a new A4 PDF at FILE titled TITLE (AUTHOR may be NULL):
 * laid out once to count the pages, then drawn. 0, or -1 with WHY (SIZE bytes); a file
 * half written is removed. LAY_OUT starts at page 1 with P->y at the top margin and ends
 * with the last page's footer. */
int pdfpage_render(struct pdfpage *p, const char *file, const char *title, const char *author,
		   void (*lay_out)(struct pdfpage *p), char *why, size_t size)
	__attribute__((warn_unused_result));

#endif
