/* The HTML the server writes itself (error pages), escaped in one place. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "web/web.h"

char *web_html_escape(const char *s)
{
	size_t n = 0;
	char *out, *o;

	if (!s)
		s = "";
	for (const char *p = s; *p; p++)
		n += strchr("&<>\"'", *p) ? 6 : 1;
	out = o = malloc(n + 1);
	if (!out)
		return NULL;
	for (const char *p = s; *p; p++) {
		const char *e = NULL;

		switch (*p) {
		case '&':
			e = "&amp;";
			break;
		case '<':
			e = "&lt;";
			break;
		case '>':
			e = "&gt;";
			break;
		case '"':
			e = "&quot;";
			break;
		case '\'':
			e = "&#39;";
			break;
		default:
			break;
		}
		if (e) {
			memcpy(o, e, strlen(e));
			o += strlen(e);
		} else {
			*o++ = *p;
		}
	}
	*o = '\0';
	return out;
}

void web_html_error(struct web_out *out, unsigned status, const char *title, const char *detail)
{
	char *t = web_html_escape(title), *d = web_html_escape(detail), *page = NULL;
	int n = -1;

	if (t && d)
		n = asprintf(&page,
			     "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
			     "<title>%s - Atelier</title></head>\n<body><h1>%s</h1>\n<p>%s</p>\n"
			     "<p><a href=\"/\">Atelier</a></p></body></html>\n",
			     t, t, d);
	free(t);
	free(d);
	out->status = status;
	out->type = "text/html; charset=utf-8";
	if (n < 0) {
		out->body = (char *)"";
		out->len = 0;
		out->owned = 0;
		return;
	}
	out->body = page;
	out->len = (size_t)n;
	out->owned = 1;
}
