/*
 * programme — the programme's report for its funders, drawn from the document svc gives
 * (svc_programme_doc(), format "atelier-programme-report/1"): an A4 PDF (programme_pdf.c,
 * cairo, in atelier-pdf only) or one self-contained HTML page (programme.c), in the
 * document's language, with the same tables and two charts: the devices received and
 * certified per month (bars) and the bench hours per month (a line).
 */
#ifndef ATELIER_REPORT_PROGRAMME_H
#define ATELIER_REPORT_PROGRAMME_H

#include <jansson.h>
#include <stddef.h>

#include "report/report.h"

#define PROG_COLS_MAX 9
#define PROG_TABLES_MAX 8
#define PROG_ROWS_MAX 400 /* rows of one table drawn; more are counted in a note */
#define PROG_MONTHS_MAX 120

struct prog_table {
	const char *title, *empty;
	char note[768];
	size_t n_cols, n_rows, more; /* MORE: rows left out past PROG_ROWS_MAX */
	const char *head[PROG_COLS_MAX];
	int number[PROG_COLS_MAX];
	char *(*cells)[PROG_COLS_MAX]; /* N_ROWS rows of N_COLS texts (owned) */
};

/* The report as texts, in its language. */
struct prog_view {
	const struct report_conv *c;
	const char *title, *footer, *page, *chart_devices, *chart_hours, *received,
		*certified, *hours;
	size_t n_facts;
	const char *fact_label[4];
	char fact_value[4][256];
	struct prog_table tables[PROG_TABLES_MAX];
	size_t n_tables;
	size_t n_months;
	char month[PROG_MONTHS_MAX][16]; /* "11/2026" */
	double received_n[PROG_MONTHS_MAX], certified_n[PROG_MONTHS_MAX],
		hours_n[PROG_MONTHS_MAX];
};

/* DOC's texts in its language (the process's language is switched: atelier-pdf only)
 * into V. REPORT_EBADDOC with WHY when DOC is not a programme report. */
enum report_err programme_view(const json_t *doc, struct prog_view *v, char *why, size_t size)
	__attribute__((warn_unused_result));
void programme_view_release(struct prog_view *v);

/* The top of a chart's scale for N VALUES: four ticks of 1, 2 or 5 times a power of ten,
 * the last at or above the highest value (4 when all are 0). */
double programme_scale(const double *values, size_t n);
/* The decimals the ticks of SCALE need (0 to 3). */
int programme_decimals(double scale);

enum report_err programme_html_write(const json_t *doc, const char *file, char *why, size_t size)
	__attribute__((warn_unused_result));
enum report_err programme_pdf_write(const json_t *doc, const char *file, char *why, size_t size)
	__attribute__((warn_unused_result));

#endif
