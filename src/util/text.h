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

/* Where WORD (a person's name or code: letters, digits, '.', '-', '_') stands alone in
 * TEXT: not inside a longer run of those characters or of base64's '+', '/', '=' (so that
 * "ines" is not found in "inès", "ines.b" or a signature), and not as the key of a JSON
 * object ("ines":). The first such place, or NULL; NULL too when WORD is empty. */
const char *text_word_find(const char *text, const char *word);

/* TEXT with every place text_word_find() finds WORD replaced by WITH, as a new string
 * (free()); *N (may be NULL) gets how many. NULL when out of memory. WITH must not hold
 * WORD itself, or the result still does. */
char *text_word_replace(const char *text, const char *word, const char *with, size_t *n);

/* NAME as a person may type it, folded to compare with an account's name (letters,
 * digits, '.', '-', '_'): capitals become small letters, the letters of Latin-1 and
 * Latin Extended-A (U+00C0 to U+017F) lose their accents ("é" is "e", "ß" is "ss", "Ł" is
 * "l"), combining accents (U+0300 to U+036F, a name typed decomposed) are dropped, and
 * so are spaces, '.', '-', '_' and apostrophes ("'" and U+2019). Anything else is kept
 * as it is. Into OUT (SIZE bytes, NUL-terminated, cut when full); the length written. */
size_t text_fold_name(const char *name, char *out, size_t size);

#endif
