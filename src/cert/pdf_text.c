/* Lines of text on a cairo page (cert/pdf_text.h). */
#include "cert/pdf_text.h"

#include <assert.h>
#include <string.h>

/* N, or less so that the first N bytes of S end on a character boundary below MAX. */
static size_t whole_chars(const char *s, size_t n, size_t max)
{
	if (n < max)
		return n;
	n = max - 1;
	while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
		n--;
	return n;
}

double pdf_text_width(cairo_t *cr, const char *s, size_t n)
{
	char buf[PDF_TEXT_LINE_MAX];
	cairo_text_extents_t e;

	n = whole_chars(s, n, sizeof(buf));
	memcpy(buf, s, n);
	buf[n] = '\0';
	cairo_text_extents(cr, buf, &e);
	return e.x_advance;
}

/* Bytes at the start of S (N bytes) that fit in W when no whole word does: as many
 * characters as fit, at least one. */
static size_t fit_chars(cairo_t *cr, const char *s, size_t n, double w)
{
	size_t k = 0, next;

	for (;;) {
		next = k + 1;
		while (next < n && ((unsigned char)s[next] & 0xc0) == 0x80)
			next++;
		if (k > 0 && pdf_text_width(cr, s, next) > w)
			return k;
		k = next;
		if (k >= n)
			return n;
	}
}

/* Bytes at the start of S (N bytes, no leading space) to put on a line W wide. */
static size_t fit_line(cairo_t *cr, const char *s, size_t n, double w)
{
	size_t best = 0, i = 0;

	while (i < n) {
		size_t j = i;

		while (j < n && s[j] != ' ')
			j++;
		if (pdf_text_width(cr, s, j) > w)
			break;
		best = j;
		for (i = j; i < n && s[i] == ' ';)
			i++;
	}
	return best ? best : fit_chars(cr, s, n, w);
}

int pdf_text_next_line(cairo_t *cr, const char **t, size_t *n, double w, char *line, size_t size)
{
	size_t len;

	while (*n > 0 && **t == ' ') {
		(*t)++;
		(*n)--;
	}
	if (*n == 0)
		return 0;
	assert(size >= 8); /* room for a whole character at least */
	/* a line longer than LINE goes on at the start of the next one */
	len = whole_chars(*t, fit_line(cr, *t, *n, w), size);
	memcpy(line, *t, len);
	line[len] = '\0';
	*t += len;
	*n -= len;
	return 1;
}
