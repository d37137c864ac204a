/* The files of web/: built into the binary (web_assets[], scripts/web-assets), or read
 * from --web-dir while developing. Only a path an asset may have is ever looked up. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "util/file.h"
#include "util/log.h"
#include "web/web.h"

#define ASSET_PATH_MAX 200

int web_asset_path_ok(const char *rel)
{
	size_t len = strnlen(rel, ASSET_PATH_MAX + 1);
	int start = 1;

	if (len == 0 || len > ASSET_PATH_MAX)
		return 0;
	for (const char *p = rel; *p; p++) {
		if (*p == '/') {
			if (start) /* an empty part: "//", or a leading '/' */
				return 0;
			start = 1;
			continue;
		}
		if (start && *p == '.') /* "..", ".", ".hidden" */
			return 0;
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '.' || *p == '-' || *p == '_'))
			return 0;
		start = 0;
	}
	return !start;
}

/* The content type of REL by its extension (the same list as scripts/web-assets), or
 * NULL: a file of no known type is not served. */
static const char *type_of(const char *rel)
{
	static const struct {
		const char *ext, *type;
	} types[] = {
		{ ".html", "text/html; charset=utf-8" },
		{ ".css", "text/css; charset=utf-8" },
		{ ".js", "text/javascript; charset=utf-8" },
		{ ".json", "application/json" },
		{ ".svg", "image/svg+xml" },
		{ ".png", "image/png" },
		{ ".ico", "image/x-icon" },
		{ ".txt", "text/plain; charset=utf-8" },
	};
	size_t len = strlen(rel);

	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		size_t n = strlen(types[i].ext);

		if (len > n && strcmp(rel + len - n, types[i].ext) == 0)
			return types[i].type;
	}
	return NULL;
}

/* REL from DIR into OUT; 0 when it is not there (or not a regular file of its own, a
 * symlink is not followed, or too big). */
static int from_dir(const char *dir, const char *rel, struct web_out *out)
{
	char path[4096];
	struct stat st;
	enum file_err err;
	size_t len;
	char *data;

	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, rel) >= sizeof(path) ||
	    lstat(path, &st) != 0 || !S_ISREG(st.st_mode))
		return 0;
	data = file_read(path, WEB_ASSET_MAX, &len, &err);
	if (!data) {
		log_msg(LOG_WARN, "web: cannot read %s: %s", path,
			err == FILE_ETOOBIG ? "over 4 MiB" : strerror(errno));
		return 0;
	}
	out->body = data;
	out->len = len;
	out->owned = 1;
	return 1;
}

static void web_static_file(const struct web_ctx *ctx, const char *path, struct web_out *out);

/* The language picker's list (i18n/index.json, built from po/LINGUAS) cut down to the
 * workshop's --languages, in that order: OUT owns the new text. 0 when it cannot be. */
static int languages_only(const struct web_ctx *ctx, struct web_out *out)
{
	json_t *all = json_loadb(out->body, out->len, 0, NULL), *kept = json_array(), *doc;
	const char *p = ctx->languages;
	char *text = NULL;

	while (all && kept && *p) {
		size_t n = strcspn(p, ",");
		const json_t *l;
		size_t i;

		json_array_foreach (json_object_get(all, "languages"), i, l) {
			const char *code = json_string_value(json_object_get(l, "lang"));

			if (code && strlen(code) == n && strncmp(code, p, n) == 0)
				json_array_append(kept, (json_t *)l);
		}
		p += n + (p[n] == ',');
	}
	doc = json_pack("{s:o}", "languages", kept);
	if (doc)
		text = json_dumps(doc, JSON_INDENT(2));
	json_decref(doc);
	json_decref(all);
	if (!text)
		return 0;
	if (out->owned)
		free(out->body);
	out->body = text;
	out->len = strlen(text);
	out->owned = 1;
	return 1;
}

void web_static(const struct web_ctx *ctx, const char *path, struct web_out *out)
{
	web_static_file(ctx, path, out);
	if (out->status == 200 && ctx->languages && strcmp(path, "/static/i18n/index.json") == 0 &&
	    !languages_only(ctx, out))
		web_html_error(out, 503, "Not available", "The list of languages cannot be made.");
}

static void web_static_file(const struct web_ctx *ctx, const char *path, struct web_out *out)
{
	const char *rel = NULL, *type;

	if (strcmp(path, "/") == 0)
		rel = "index.html";
	else if (strncmp(path, "/static/", 8) == 0)
		rel = path + 8;
	if (!rel || !web_asset_path_ok(rel) || !(type = type_of(rel)))
		goto missing;
	out->status = 200;
	out->type = type;
	if (ctx->web_dir) {
		if (from_dir(ctx->web_dir, rel, out))
			return;
		goto missing;
	}
	for (const struct web_asset *a = web_assets; a->path; a++) {
		if (strcmp(a->path, rel) == 0) {
			out->body = (char *)a->data;
			out->len = a->size;
			out->owned = 0;
			out->type = a->type;
			return;
		}
	}
missing:
	web_html_error(out, 404, "Not found",
		       "There is no page at this address. Atelier's screen starts at /.");
}
