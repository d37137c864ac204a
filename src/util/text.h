/*
 * text — make text from outside (a device, a file) safe to print and to put in JSON.
 */
#ifndef ATELIER_UTIL_TEXT_H
#define ATELIER_UTIL_TEXT_H

#include <stddef.h>

/* Copy IN to OUT (SIZE bytes, NUL-terminated, cut on a character boundary) made
 * printable: C0 and C1 control characters become '?' (tab, CR and LF become a space),
 * each byte of invalid UTF-8 becomes '?', blanks at both ends are dropped. OUT may be
 * IN itself: the text only shrinks. Returns the length written. */
size_t text_clean(const char *in, char *out, size_t size);

/* Append "WORD" to the list in BUF (SIZE bytes, LEN used), after SEP unless it is the
 * first; a list too long for BUF is cut. Returns the new length (< SIZE). */
size_t text_list_add(char *buf, size_t size, size_t len, const char *sep, const char *word);

#endif
