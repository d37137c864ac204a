/*
 * pdf — draw a signed certificate of readiness for reuse on one A4 page (cairo), in
 * French, Dutch or English, with a QR code (libqrencode) that carries its id and
 * signature. The PDF is a view of the certificate: the signed JSON is the record.
 */
#ifndef ATELIER_CERT_PDF_H
#define ATELIER_CERT_PDF_H

#include <cairo.h>
#include <jansson.h>
#include <qrencode.h>
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

/* QR_TEXT (1 to 512 bytes) as a QR code (error correction M) into *QR (QRcode_free()).
 * PDF_EQR with WHY when it cannot be made. Shared with the labels (cert/label.c). */
enum pdf_err pdf_qr_encode(const char *qr_text, QRcode **qr, char *why, size_t size)
	__attribute__((warn_unused_result));

/* Draw QR with its quiet zone of 4 modules, SIZE units wide, top left at X, Y: runs of dark
 * modules in a row become one rectangle, so no seams show between them. */
void pdf_qr_draw(cairo_t *cr, const QRcode *qr, double x, double y, double size);

#endif
