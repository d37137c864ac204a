/*
 * atelier-pdf — draws the documents Atelier hands out. `atelier certificate export` runs
 * it for a certificate's A4 page, `atelier report training` (and the console's download)
 * for a trainee's training record:
 *
 *   atelier-pdf FILE LANG QR_TEXT [ZONE] < certificate.json
 *     (ZONE: the time zone of the workshop, for a certificate that does not name its own;
 *     Europe/Brussels when not given)
 *   atelier-pdf --training pdf|html FILE < record.json   (svc_training_doc(); its "lang")
 *   atelier-pdf --programme pdf|html FILE < report.json  (svc_programme_doc())
 *   atelier-pdf --label FILE < labels.json               (svc_label(); cert/label.h)
 *   atelier-pdf --erasure pdf|html FILE < report.json    (svc_erasure_report(); its "lang")
 *   atelier-pdf --inventory LANG FILE < rows.jsonl       (svc_inventory.c, drawn as read)
 *
 * It is a program of its own so that cairo, fontconfig and their libraries are loaded
 * only while a PDF is being drawn, never by the bench's long-running commands (atelier
 * watch keeps its memory small), and so that the training record's language (gettext's,
 * one per process) is never switched inside the server. Exit 0: FILE written; 1: not
 * written, why on standard error; 2: bad command line.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cert/label.h"
#include "cert/pdf.h"
#include "report/programme.h"
#include "report/erasure.h"
#include "report/report.h"

#define DOC_MAX (1u << 20)

static const char usage[] = "usage: atelier-pdf FILE LANG QR_TEXT [ZONE] < certificate.json\n"
			    "       atelier-pdf --training pdf|html FILE < record.json\n"
			    "       atelier-pdf --programme pdf|html FILE < report.json\n"
			    "       atelier-pdf --erasure pdf|html FILE < report.json\n"
			    "       atelier-pdf --inventory LANG FILE < rows.jsonl\n"
			    "       atelier-pdf --label FILE < labels.json\n";

/* Standard input as JSON (at most DOC_MAX bytes), WHAT naming it in the error. */
static json_t *read_doc(const char *what)
{
	static char buf[DOC_MAX + 1];
	size_t len = fread(buf, 1, sizeof(buf), stdin);
	json_error_t jerr;
	json_t *doc;

	if (len > DOC_MAX) {
		fprintf(stderr, "the %s given to atelier-pdf is over %u bytes\n", what, DOC_MAX);
		return NULL;
	}
	doc = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!doc)
		fprintf(stderr, "the %s given to atelier-pdf is not JSON: %d:%d: %s\n", what,
			jerr.line, jerr.column, jerr.text);
	return doc;
}

static int training(const char *format, const char *file, int programme)
{
	char why[1024];
	json_t *doc = read_doc(programme ? "programme's report" : "training record");
	enum report_err err;
	int pdf = strcmp(format, "pdf") == 0;

	if (!doc)
		return 1;
	if (programme)
		err = pdf ? programme_pdf_write(doc, file, why, sizeof(why))
			  : programme_html_write(doc, file, why, sizeof(why));
	else
		err = pdf ? report_pdf_write(doc, file, why, sizeof(why))
			  : report_html_write(doc, file, why, sizeof(why));
	json_decref(doc);
	if (err != REPORT_OK) {
		fprintf(stderr, "%s\n", why);
		return 1;
	}
	return 0;
}

static int labels(const char *file)
{
	char why[1024];
	json_t *doc = read_doc("labels' document");
	enum label_err err;

	if (!doc)
		return 1;
	err = label_write(doc, file, why, sizeof(why));
	json_decref(doc);
	if (err != LABEL_OK) {
		fprintf(stderr, "%s\n", why);
		return 1;
	}
	return 0;
}

static int erasure(const char *format, const char *file)
{
	char why[1024];
	json_t *doc = read_doc("erasure report");
	enum report_err err;

	if (!doc)
		return 1;
	err = strcmp(format, "pdf") == 0 ? erasure_pdf_write(doc, file, why, sizeof(why))
					 : erasure_html_write(doc, file, why, sizeof(why));
	json_decref(doc);
	if (err != REPORT_OK) {
		fprintf(stderr, "%s\n", why);
		return 1;
	}
	return 0;
}

static int certificate(const char *file, const char *lang, const char *qr)
{
	char why[1024];
	json_t *cert = read_doc("certificate");
	enum pdf_err err;

	if (!cert)
		return 1;
	err = pdf_write_certificate(cert, qr, lang, file, why, sizeof(why));
	json_decref(cert);
	if (err != PDF_OK) {
		fprintf(stderr, "%s\n", why);
		return 1;
	}
	return 0;
}

static int inventory(const char *lang, const char *file)
{
	char why[1024];

	if (report_inventory_pdf(stdin, lang, file, why, sizeof(why)) != REPORT_OK) {
		fprintf(stderr, "%s\n", why);
		report_remove_partial(file);
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 4 && strcmp(argv[1], "--inventory") == 0)
		return inventory(argv[2], argv[3]);
	if (argc == 4 && (strcmp(argv[1], "--training") == 0 || strcmp(argv[1], "--programme") == 0) &&
	    (strcmp(argv[2], "pdf") == 0 || strcmp(argv[2], "html") == 0))
		return training(argv[2], argv[3], argv[1][2] == 'p');
	if (argc == 4 && strcmp(argv[1], "--erasure") == 0 &&
	    (strcmp(argv[2], "pdf") == 0 || strcmp(argv[2], "html") == 0))
		return erasure(argv[2], argv[3]);
	if (argc == 3 && strcmp(argv[1], "--label") == 0)
		return labels(argv[2]);
	if ((argc == 4 || argc == 5) && argv[1][0] != '-') {
		/* The dates of a certificate that names no time zone: the workshop's. */
		setenv("TZ", argc == 5 && argv[4][0] ? argv[4] : "Europe/Brussels", 1);
		return certificate(argv[1], argv[2], argv[3]);
	}
	fputs(usage, stderr);
	return 2;
}
