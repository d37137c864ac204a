#include "util/text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Length of the valid UTF-8 sequence at S (at most AVAIL bytes), or 0 when invalid:
 * a bad lead byte, a missing continuation, an overlong form, a surrogate, or a code
 * point past U+10FFFF. */
static size_t utf8_seq(const unsigned char *s, size_t avail)
{
	size_t n;
	unsigned cp;

	if (s[0] < 0x80)
		return 1;
	if ((s[0] & 0xe0) == 0xc0) {
		n = 2;
		cp = s[0] & 0x1fu;
	} else if ((s[0] & 0xf0) == 0xe0) {
		n = 3;
		cp = s[0] & 0x0fu;
	} else if ((s[0] & 0xf8) == 0xf0) {
		n = 4;
		cp = s[0] & 0x07u;
	} else {
		return 0;
	}
	if (n > avail)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3fu);
	}
	if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return n;
}

size_t text_clean(const char *in, char *out, size_t size)
{
	const unsigned char *p = (const unsigned char *)in;
	size_t o = 0, avail = strlen(in);

	if (size == 0)
		return 0;
	while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n') {
		p++;
		avail--;
	}
	while (*p && o + 1 < size) {
		size_t n = utf8_seq(p, avail);

		if (n == 0 || (n == 1 && (*p < 0x20 || *p == 0x7f))) {
			out[o++] = (*p == '\t' || *p == '\n' || *p == '\r') ? ' ' : '?';
			n = 1;
		} else if (n == 2 && p[0] == 0xc2 && p[1] < 0xa0) {
			/* C1 controls U+0080-U+009F: terminals act on some (U+009B is CSI). */
			out[o++] = '?';
		} else if (o + n < size) {
			memmove(out + o, p, n);
			o += n;
		} else {
			break; /* a character that does not fit whole is left out */
		}
		p += n;
		avail -= n;
	}
	while (o > 0 && out[o - 1] == ' ')
		o--;
	out[o] = '\0';
	return o;
}

size_t text_list_add(char *buf, size_t size, size_t len, const char *sep, const char *word)
{
	int n;

	if (!size || len >= size - 1)
		return len;
	n = snprintf(buf + len, size - len, "%s%s", len ? sep : "", word ? word : "");
	if (n < 0)
		return len;
	return len + (size_t)n < size ? len + (size_t)n : size - 1;
}

/* A character a name, a code or a base64 run is made of. */
static int word_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '.' || c == '-' || c == '_' || c == '+' || c == '/' || c == '=' || c >= 0x80;
}

/* Does WORD (LEN bytes) stand alone at P in TEXT? */
static int alone_at(const char *text, const char *p, size_t len)
{
	const char *end = p + len;

	if (p > text && word_char((unsigned char)p[-1]))
		return 0;
	if (word_char((unsigned char)*end))
		return 0;
	/* "WORD": is a key of a JSON object, not a value. */
	return !(p > text && p[-1] == '"' && end[0] == '"' && end[1] == ':');
}

/* The first place at or after FROM where WORD (LEN bytes) stands alone in TEXT. */
static const char *find_from(const char *text, const char *from, const char *word, size_t len)
{
	const char *p = from;

	if (!len)
		return NULL;
	while ((p = strstr(p, word)) != NULL) {
		if (alone_at(text, p, len))
			return p;
		p++;
	}
	return NULL;
}

const char *text_word_find(const char *text, const char *word)
{
	return find_from(text, text, word, strlen(word));
}

char *text_word_replace(const char *text, const char *word, const char *with, size_t *n)
{
	size_t len = strlen(word), wlen = strlen(with), count = 0, size;
	const char *p, *from;
	char *out, *o;

	for (p = text; (p = find_from(text, p, word, len)) != NULL; p += len)
		count++;
	size = strlen(text) + 1 + count * (wlen > len ? wlen - len : 0);
	out = malloc(size);
	if (!out)
		return NULL;
	o = out;
	from = text;
	for (p = text; (p = find_from(text, p, word, len)) != NULL; p += len) {
		memcpy(o, from, (size_t)(p - from));
		o += p - from;
		memcpy(o, with, wlen);
		o += wlen;
		from = p + len;
	}
	memcpy(o, from, strlen(from) + 1);
	if (n)
		*n = count;
	return out;
}

/* The base letters of U+00C0 to U+017F, small: from Unicode's decompositions (a letter
 * with its accents taken off), and for the letters that have none, the letters they are
 * written with when accents cannot be (ø "o", æ "ae", ß "ss", ł "l", þ "th"). "" for the
 * two that are not letters (U+00D7, U+00F7): kept as they are. */
static const char *const latin_base[0x180 - 0xc0] = {
	"a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e",
	"i", "i", "i", "i", "d", "n", "o", "o", "o", "o", "o", "",
	"o", "u", "u", "u", "u", "y", "th", "ss", "a", "a", "a", "a",
	"a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",
	"d", "n", "o", "o", "o", "o", "o", "", "o", "u", "u", "u",
	"u", "y", "th", "y", "a", "a", "a", "a", "a", "a", "c", "c",
	"c", "c", "c", "c", "c", "c", "d", "d", "d", "d", "e", "e",
	"e", "e", "e", "e", "e", "e", "e", "e", "g", "g", "g", "g",
	"g", "g", "g", "g", "h", "h", "h", "h", "i", "i", "i", "i",
	"i", "i", "i", "i", "i", "i", "ij", "ij", "j", "j", "k", "k",
	"k", "l", "l", "l", "l", "l", "l", "l", "l", "l", "l", "n",
	"n", "n", "n", "n", "n", "n", "n", "n", "o", "o", "o", "o",
	"o", "o", "oe", "oe", "r", "r", "r", "r", "r", "r", "s", "s",
	"s", "s", "s", "s", "s", "s", "t", "t", "t", "t", "t", "t",
	"u", "u", "u", "u", "u", "u", "u", "u", "u", "u", "u", "u",
	"w", "w", "y", "y", "y", "z", "z", "z", "z", "z", "z", "s",
};

size_t text_fold_name(const char *name, char *out, size_t size)
{
	const unsigned char *s = (const unsigned char *)name;
	size_t len = 0, i = 0, n = strlen(name);

	if (size == 0)
		return 0;
	while (i < n) {
		size_t k = utf8_seq(s + i, n - i);
		unsigned cp = k == 2   ? (s[i] & 0x1fu) << 6 | (s[i + 1] & 0x3fu)
			      : k == 3 ? (s[i] & 0x0fu) << 12 | (s[i + 1] & 0x3fu) << 6 |
					     (s[i + 2] & 0x3fu)
				       : s[i];
		const char *put = (const char *)s + i;
		size_t put_n;
		char low;

		if (k == 0)
			k = 1; /* a byte of bad UTF-8: kept as it is */
		put_n = k;
		if (k == 1 && strchr(" .-_'", s[i])) {
			put_n = 0;
		} else if (k == 1 && s[i] >= 'A' && s[i] <= 'Z') {
			low = (char)(s[i] - 'A' + 'a');
			put = &low;
		} else if ((k == 3 && cp == 0x2019) || (k == 2 && cp >= 0x300 && cp <= 0x36f)) {
			put_n = 0;
		} else if (k == 2 && cp >= 0xc0 && cp < 0x180 && latin_base[cp - 0xc0][0]) {
			put = latin_base[cp - 0xc0];
			put_n = strlen(put);
		}
		if (len + put_n >= size)
			break;
		memcpy(out + len, put, put_n);
		len += put_n;
		i += k;
	}
	out[len] = '\0';
	return len;
}
