/* RFC 4180 text. See csv.h. */
#include "util/csv.h"

#include <string.h>

void csv_raw(FILE *out, const char *s, int first)
{
	if (!first)
		fputc(',', out);
	fputs(s ? s : "", out);
}

void csv_text(FILE *out, const char *s, int first)
{
	int formula, quote;

	if (!first)
		fputc(',', out);
	if (!s || !*s)
		return;
	formula = strchr("=+-@\t\r", s[0]) != NULL;
	quote = strpbrk(s, ",\"\r\n") != NULL;
	if (quote)
		fputc('"', out);
	if (formula)
		fputc('\'', out);
	for (const char *p = s; *p; p++) {
		if (*p == '"')
			fputc('"', out);
		fputc(*p, out);
	}
	if (quote)
		fputc('"', out);
}

void csv_end(FILE *out)
{
	fputs("\r\n", out);
}
