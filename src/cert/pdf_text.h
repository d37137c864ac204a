/*
 * pdf_text — lines of text on a cairo page (the toy text API, real text in the PDF): how
 * much of a text fits a width in the font selected, broken on spaces, or between
 * characters when one word is wider than the line. Never cuts a UTF-8 character in two
 * (cairo refuses broken UTF-8). Shared by the certificate (cert/pdf.c) and the training
 * record (report/report_pdf.c); linked into atelier-pdf only.
 */
#ifndef ATELIER_CERT_PDF_TEXT_H
#define ATELIER_CERT_PDF_TEXT_H

#include <cairo.h>
#include <stddef.h>

#define PDF_TEXT_LINE_MAX 2048 /* bytes of one line measured or shown; longer is cut */

/* Advance width of the first N bytes of S in CR's current font. */
double pdf_text_width(cairo_t *cr, const char *s, size_t n);

/* The next line of *T (*N bytes left) that fits width W in CR's current font, copied into
 * LINE (SIZE bytes, at least 8, NUL-terminated; a line longer than that is cut at a
 * character boundary and goes on at the next call). Leading spaces are skipped; *T and *N
 * move past what LINE holds. 0 when nothing is left. */
int pdf_text_next_line(cairo_t *cr, const char **t, size_t *n, double w, char *line, size_t size);

#endif
