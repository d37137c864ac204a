/*
 * atelier-pdf — draws one certificate's A4 page. `atelier certificate export` runs it:
 *
 *   atelier-pdf FILE LANG QR_TEXT < certificate.json
 *
 * It is a program of its own so that cairo, fontconfig and their libraries are loaded
 * only while a PDF is being drawn, never by the bench's long-running commands (atelier
 * watch keeps its memory small). Exit 0: FILE written; 1: not written, why on standard
 * error; 2: bad command line.
 */
#include <jansson.h>
#include <stdio.h>

#include "cert/pdf.h"

#define CERT_MAX (1u << 20)

int main(int argc, char **argv)
{
	char why[1024];
	json_error_t jerr;
	json_t *cert;
	enum pdf_err err;

	if (argc != 4) {
		fprintf(stderr, "usage: atelier-pdf FILE LANG QR_TEXT < certificate.json\n");
		return 2;
	}
	cert = json_loadf(stdin, JSON_REJECT_DUPLICATES, &jerr);
	if (!cert) {
		fprintf(stderr, "the certificate given to atelier-pdf is not JSON: %d:%d: %s\n",
			jerr.line, jerr.column, jerr.text);
		return 1;
	}
	err = pdf_write_certificate(cert, argv[3], argv[2], argv[1], why, sizeof(why));
	json_decref(cert);
	if (err != PDF_OK) {
		fprintf(stderr, "%s\n", why);
		return 1;
	}
	return 0;
}
