/*
 * erasure — the donor's erasure report of an intake batch (svc_erasure_report(), format
 * "atelier-erasure-report/1") as an A4 PDF (erasure_pdf.c, cairo, in atelier-pdf only) or
 * one HTML page (erasure.c), in the document's language (en, fr or nl; report.h's
 * report_use_lang() sets it for the process). Every device is a row: its stock number,
 * make and model, serial and IMEI, what became of it, and its wipe or destruction record,
 * or that there is none yet. The document comes from another process: it is checked and
 * each text is bounded before anything is drawn.
 */
#ifndef ATELIER_REPORT_ERASURE_H
#define ATELIER_REPORT_ERASURE_H

#include <jansson.h>
#include <stddef.h>

#include "report/report.h"

#define ERASURE_ROWS_MAX 5000 /* devices of one batch drawn */
#define ERASURE_COLS 5

/* The report's words in the language set by report_use_lang() (static texts). */
struct erasure_words {
	const char *title, *batch, *donor, *received, *workshop, *made_on;
	const char *stock, *device, *ids, *outcome, *erasure;
	const char *no_devices, *footer;
};

/* Speak the document's language: W, *CONV and the record's words (report_use_lang()). */
void erasure_use_lang(const json_t *doc, struct erasure_words *w, struct report_words *rw,
		      const struct report_conv **conv);

/* 0 when DOC is an erasure report the drawings can use; else REPORT_EBADDOC with WHY. */
enum report_err erasure_check(const json_t *doc, char *why, size_t size)
	__attribute__((warn_unused_result));

/* The facts under the title as LABELS and VALUES (batch, donor, day received, workshop,
 * day made), and the summary sentence into SUMMARY. */
void erasure_facts(const struct erasure_words *w, const struct report_conv *c, const json_t *doc,
		   struct report_row *labels, struct report_row *values, char *summary,
		   size_t size);
/* Device DEV as the ERASURE_COLS cells of its row, into R. */
void erasure_row(const struct report_conv *c, const json_t *dev, struct report_row *r);

/* Write DOC as one HTML page (no script, style inline, every text escaped) or an A4 PDF
 * to FILE; on failure nothing is left at FILE when it is a regular file, and WHY says
 * what. */
enum report_err erasure_html_write(const json_t *doc, const char *file, char *why, size_t size)
	__attribute__((warn_unused_result));
enum report_err erasure_pdf_write(const json_t *doc, const char *file, char *why, size_t size)
	__attribute__((warn_unused_result));

#endif
