/*
 * pdf — draw a signed certificate of readiness for reuse on one A4 page (cairo), in
 * French, Dutch or English, with a QR code (libqrencode) that carries its id and
 * signature. The PDF is a view of the certificate: the signed JSON is the record.
 */
#ifndef ATELIER_CERT_PDF_H
#define ATELIER_CERT_PDF_H

#include <jansson.h>
#include <stddef.h>

enum pdf_err {
	PDF_OK = 0,
	PDF_EBADCERT, /* CERT lacks a field the page needs (WHY names it) */
	PDF_EQR,      /* the QR text cannot be encoded */
	PDF_EWRITE,   /* cannot write FILE (WHY says why) */
};

const char *pdf_strerror(enum pdf_err err);

/* Write certificate CERT (format "atelier-certificate/1", see docs/certificates.md)
 * to FILE as a one-page A4 PDF with its labels in LANG ("en", "fr" or "nl"; anything
 * else gives English), and a QR code holding QR_TEXT. On failure WHY (SIZE bytes)
 * says what and where. */
enum pdf_err pdf_write_certificate(const json_t *cert, const char *qr_text, const char *lang,
				   const char *file, char *why, size_t size)
	__attribute__((warn_unused_result));

#endif
