/*
 * conf — the data directory's settings file (conf.h).
 */
#include "util/conf.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

static const char *const known[] = { "db", "bench", NULL };

/* S without its leading and trailing blanks (in place). */
static char *trim(char *s)
{
	char *end;

	while (*s == ' ' || *s == '\t')
		s++;
	end = s + strlen(s);
	while (end > s && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\n' || end[-1] == '\r'))
		*--end = '\0';
	return s;
}

int conf_get(const char *dir, const char *key, char *out, size_t size, char *why,
	     size_t why_size)
{
	char path[PATH_MAX], line[2048];
	int found = 0, n = 0;
	FILE *f;

	if (size > 0)
		out[0] = '\0';
	if (snprintf(path, sizeof(path), "%s/%s", dir, CONF_NAME) >= (int)sizeof(path)) {
		snprintf(why, why_size, "%s/%s: the path is too long", dir, CONF_NAME);
		return -1;
	}
	f = fopen(path, "r");
	if (!f) {
		if (errno == ENOENT)
			return 0;
		snprintf(why, why_size, "%s: %s", path, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		char *s, *colon, *k, *v;
		int ok = 0;

		n++;
		if (!strchr(line, '\n') && !feof(f)) {
			snprintf(why, why_size, "%s line %d: the line is longer than %zu bytes", path,
				 n, sizeof(line) - 2);
			fclose(f);
			return -1;
		}
		s = trim(line);
		if (!*s || *s == '#')
			continue;
		colon = strchr(s, ':');
		if (!colon) {
			snprintf(why, why_size, "%s line %d: a setting is \"key: value\", not \"%.60s\"",
				 path, n, s);
			fclose(f);
			return -1;
		}
		*colon = '\0';
		k = trim(s);
		v = trim(colon + 1);
		for (const char *const *p = known; *p; p++)
			ok |= strcmp(*p, k) == 0;
		if (!ok) {
			snprintf(why, why_size, "%s line %d: \"%.40s\" is not a setting (db, bench)",
				 path, n, k);
			fclose(f);
			return -1;
		}
		if (strcmp(k, key) == 0) { /* the last line of a key is the one in force */
			if (strlen(v) >= size) {
				snprintf(why, why_size, "%s line %d: the value of %s is too long", path,
					 n, key);
				fclose(f);
				return -1;
			}
			snprintf(out, size, "%s", v);
			found = 1;
		}
	}
	fclose(f);
	return found;
}
