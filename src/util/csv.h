/*
 * csv — text for a spreadsheet, as RFC 4180 writes it: fields separated by commas, rows
 * ended by CRLF, a field holding a comma, a double quote, a CR or an LF put between
 * double quotes with each double quote doubled. A text that a spreadsheet would take for
 * a formula (starting with =, +, -, @, a tab or a CR) gets a leading apostrophe, so that
 * opening the file never runs anything.
 */
#ifndef ATELIER_UTIL_CSV_H
#define ATELIER_UTIL_CSV_H

#include <stdio.h>

/* Write text S (NULL: empty) as a field of the row under way; FIRST when it starts it. */
void csv_text(FILE *out, const char *s, int first);
/* Write a number as it is (its own text; never quoted). */
void csv_raw(FILE *out, const char *s, int first);
/* End the row. */
void csv_end(FILE *out);

#endif
