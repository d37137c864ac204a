/*
 * report — the training record a trainee keeps, drawn from the document svc gives
 * (svc_training_doc(), format "atelier-training-report/1"): an A4 PDF (report_pdf.c,
 * cairo) or one self-contained HTML page (report_html.c), in the document's language.
 *
 * The texts are the gettext catalogue's (po/, the same as the screen's and the command
 * line's): report_use_lang() sets the language of the whole process, which is why the
 * record is drawn by atelier-pdf, a process of its own, and never in a thread of the
 * server. Numbers and dates follow the language's conventions (report.c), whatever the
 * process's locale: 12,5 and 67 % in French, 12,5 and 67% in Dutch, 12.5 and 67% in
 * English; days as 27/11/2026, 27-11-2026 and 2026-11-27.
 *
 * The document comes from another process: it is checked (report_check()) and every
 * list and text is bounded before anything is drawn.
 */
#ifndef ATELIER_REPORT_REPORT_H
#define ATELIER_REPORT_REPORT_H

#include <jansson.h>
#include <stdio.h>
#include <stddef.h>

#define REPORT_ROWS_MAX 500   /* rows of one list drawn (checklists, sign-offs...) */
#define REPORT_TEXT_MAX 2048  /* bytes of one text drawn; longer is cut */
#define REPORT_POINTS_MAX 200 /* points of the chart */

enum report_err {
	REPORT_OK = 0,
	REPORT_EBADDOC, /* the document lacks something the record needs (WHY names it) */
	REPORT_EWRITE,	/* cannot write the file (WHY says why) */
};

const char *report_strerror(enum report_err err);

/* The record's words in the language set by report_use_lang() (static texts). */
struct report_words {
	const char *title, *workshop, *period, *made_on;
	const char *signoffs, *competence, *signed_on, *instructor, *no_signoffs;
	const char *work, *checklist, *jobs, *approved, *first_time, *redos, *average_time;
	const char *trend, *faster, *slower, *steady, *no_work;
	const char *scores, *chart_one, *chart_group, *item, *average, *scored;
	const char *no_scores;
	const char *feedback, *latest, *date, *verdict, *by, *job, *verdict_approved;
	const char *verdict_redo, *no_feedback;
	const char *page, *footer;
};

/* How a language writes numbers and days. */
struct report_conv {
	const char *lang;     /* "en", "fr" or "nl" */
	char decimal;	      /* ',' or '.' */
	const char *group;    /* between groups of thousands */
	const char *percent;  /* between a number and '%' */
	const char *date_sep; /* "/" (27/11/2026), "-" (27-11-2026); NULL: 2026-11-27 */
};

/* Speak LANG ("en", "fr" or "nl"; anything else is English) in this process: the
 * catalogue's language, and the words and conventions of the record into W and *CONV.
 * (The drawings call it with the document's language.) */
void report_use_lang(const char *lang, struct report_words *w, const struct report_conv **conv);
/* Speak LANG in this process (the catalogue's language, as above) and return how it
 * writes numbers and days; for the other documents atelier-pdf draws (cert/label.c). */
const struct report_conv *report_lang(const char *lang);

/* 0 when DOC is a training record the drawing can use; else REPORT_EBADDOC with WHY
 * naming what is missing or too long. */
enum report_err report_check(const json_t *doc, char *why, size_t size)
    __attribute__((warn_unused_result));

/* ---- what both drawings show, as text ---- */

/* The record's four tables, in their order. */
enum report_table {
	REPORT_SIGNOFFS, /* the competences signed off */
	REPORT_WORK,	 /* the work per checklist */
	REPORT_ITEMS,	 /* each rubric item's average (the chart of the scores above it) */
	REPORT_FEEDBACK, /* the latest feedback */
	REPORT_TABLES,
};

#define REPORT_COLS_MAX 7

/* A table of the record: the title of its section, its list in the document (one row
 * each), what the section says when the list is empty, a note above the table (NULL:
 * none), and its columns: heads, and which hold numbers (aligned on the right). */
struct report_table_view {
	const char *title, *empty, *note;
	const json_t *list;
	size_t n_cols;
	const char *head[REPORT_COLS_MAX];
	int number[REPORT_COLS_MAX];
	char note_buf[256];
};

/* One row as text: N cells (CELL[i], in BUF or static). Also the header's facts. */
struct report_row {
	size_t n;
	const char *cell[REPORT_COLS_MAX];
	char buf[REPORT_COLS_MAX][2 * REPORT_TEXT_MAX + 16];
};

void report_table(const struct report_words *w, const struct report_conv *c, const json_t *doc,
		  enum report_table t, struct report_table_view *out);
/* Row ITEM (of the list of table T) as text, into R. */
void report_row(const struct report_words *w, const struct report_conv *c, enum report_table t,
		const json_t *item, struct report_row *r);
/* The facts under the title, as LABELS and their VALUES: the workshop and its place (when
 * the document has them), the period, the day it was made. */
void report_facts(const struct report_words *w, const struct report_conv *c, const json_t *doc,
		  struct report_row *labels, struct report_row *values);

/* ---- numbers, days and texts as the language writes them: into BUF, returned ---- */

#define REPORT_DASH "\xe2\x80\x94" /* a value that is not known */
#define REPORT_NBSP "\xc2\xa0"

/* V, a whole number, with its thousands grouped: "1 250" in French. */
const char *report_int(const struct report_conv *c, long long v, char *buf, size_t size);
/* V with DECIMALS decimals: "12,5"; a dash when V is not a number. */
const char *report_decimal(const struct report_conv *c, const json_t *v, int decimals, char *buf,
			   size_t size);
/* SHARE (0 to 1) as a whole percentage: "67 %" in French; a dash when not a number. */
const char *report_percent(const struct report_conv *c, const json_t *share, char *buf,
			   size_t size);
/* The local day of T_MS (a JSON integer of milliseconds since the epoch). */
const char *report_day(const struct report_conv *c, const json_t *t_ms, char *buf, size_t size);
/* V as clean text (util/text.h: no control characters), cut to SIZE; a dash when it is
 * not a text or empty. */
const char *report_text(const json_t *v, char *buf, size_t size);
/* TEMPLATE with {n} and {total} replaced by N and TOTAL. */
const char *report_fill(const char *template, const char *n, const char *total, char *buf,
			size_t size);

/* Where point I of N (SHARE of the maximum, 0 to 1) goes on the chart: *X from 0 (left)
 * to 1 (right), *Y from 0 (top: all of the maximum) to 1 (bottom: none). */
void report_chart_xy(size_t i, size_t n, const json_t *share, double *x, double *y);

/* Remove FILE, half written, when it is a regular file: a device or a pipe the caller
 * named is not ours to remove. */
void report_remove_partial(const char *file);

/* ---- HTML: the one output edge where texts are escaped ---- */

/* S on F with the characters HTML gives a meaning escaped (& < > " '). */
void report_html_put(FILE *f, const char *s);
/* <TAG>TEXT</TAG> on F, TEXT escaped; TAG may carry attributes ("td class=n"). */
void report_html_element(FILE *f, const char *tag, const char *text);

/* ---- the two drawings, in the document's language (its "lang") ---- */

/* Write DOC as an A4 PDF (as many pages as it needs) to FILE. On failure nothing is left at FILE
 * when it is a regular file, and WHY says what and where. (report_pdf.c: cairo, in atelier-pdf
 * only.) */
enum report_err report_pdf_write(const json_t *doc, const char *file, char *why, size_t size)
    __attribute__((warn_unused_result));

/* Write DOC as one HTML page to FILE: no script, its style inline, every text escaped,
 * the chart an inline SVG. Same failures as report_pdf_write(). */
enum report_err report_html_write(const json_t *doc, const char *file, char *why, size_t size)
    __attribute__((warn_unused_result));

/* The inventory's rows, JSON lines read from IN as atelier sends them (svc_inventory.c:
 * a head {workshop, made_ms}, a line per device, then {"total": N}), drawn as they come
 * on landscape A4 pages into FILE. Same failures as report_pdf_write(). (inventory_pdf.c:
 * cairo, in atelier-pdf only.) */
enum report_err report_inventory_pdf(FILE *in, const char *lang, const char *file, char *why,
				     size_t size) __attribute__((warn_unused_result));

#endif
