/*
 * label — the labels the resale office sticks on a device or its bag, drawn by atelier-pdf
 * from the document svc gives (svc_label(), format "atelier-label/1"):
 *
 *   - a device's label: its marketing name, nominal storage, colour, cosmetic grade,
 *     battery health and stock number, its IMEI as a Code 128 barcode (libzint) and its
 *     certificate's QR code (libqrencode), or "not certified" in words;
 *   - an intake label, for the bag of a device that just arrived: its stock number in large
 *     type and as a Code 128 barcode, the day it arrived and what is known of it.
 *
 * Sizes: "62x29" and "62x100" (millimetres; 62 mm is the width of a Brother QL
 * continuous tape), and "a4-sheet" (labels of 63.5 x 33.9 mm, 3 across and 8 down, as
 * the common A4 sheets of 24 are cut; several pages in a PDF). Output: a PDF, or a PNG
 * at 300 dpi. Everything is laid out in printer dots of 300 dpi, so that each bar and
 * each module of the codes is a whole number of dots of a thermal printer: a bar of 3
 * dots is 0.25 mm, which scanners read.
 *
 * The words are the gettext catalogue's, in the document's language (report_lang());
 * numbers are written that language's way (91,4 % in French). The document comes from
 * another process: it is checked and every text and list is bounded before anything is
 * drawn.
 */
#ifndef ATELIER_CERT_LABEL_H
#define ATELIER_CERT_LABEL_H

#include <jansson.h>
#include <stddef.h>

#define LABEL_MAX 240	     /* labels in one document (ten A4 sheets) */
#define LABEL_SHEET_CELLS 24 /* labels on one A4 sheet */
#define LABEL_CODE_MAX 48    /* characters of a barcode's text */

enum label_err {
	LABEL_OK = 0,
	LABEL_EBADDOC, /* the document lacks something the labels need (WHY names it) */
	LABEL_ECODE,   /* a barcode or QR code cannot be made (WHY says which and why) */
	LABEL_EWRITE,  /* the file cannot be written (WHY says why) */
};

const char *label_strerror(enum label_err err);

/* Draw the labels of DOC into FILE: {format: "atelier-label/1", lang, size ("62x29",
 * "62x100", "a4-sheet"), output ("pdf", "png"), intake (bool), labels: [{stock, name,
 * storage_gb, colour, grade, grade_label, battery_pct, code, code_kind ("imei",
 * "serial" or "stock"), qr, certificate, date_ms}]} (a value may be null: a dash, or
 * "not certified" for the QR). A PNG holds one label, or one sheet. On failure nothing
 * is left at FILE when it is a regular file, and WHY says what and where. */
enum label_err label_write(const json_t *doc, const char *file, char *why, size_t size)
    __attribute__((warn_unused_result));

#endif
