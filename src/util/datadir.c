#include "util/datadir.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

const char *datadir_strerror(enum datadir_err err)
{
	switch (err) {
	case DATADIR_OK:
		return "success";
	case DATADIR_ENOWHERE:
		return "no data directory: give --data DIR or set ATELIER_DATA";
	case DATADIR_ETOOLONG:
		return "data directory path is too long";
	case DATADIR_EMKDIR:
		return "cannot create the data directory";
	case DATADIR_ENOTDIR:
		return "the data directory path exists and is not a directory";
	}
	return "unknown error";
}

static int nonempty(const char *s)
{
	return s && *s;
}

enum datadir_err datadir_resolve(const char *option, char *out, size_t size)
{
	const char *env;
	int n;

	if (nonempty(option))
		n = snprintf(out, size, "%s", option);
	else if (nonempty(env = getenv("ATELIER_DATA")))
		n = snprintf(out, size, "%s", env);
	else if (nonempty(env = getenv("XDG_DATA_HOME")))
		n = snprintf(out, size, "%s/atelier", env);
	else if (nonempty(env = getenv("HOME")))
		n = snprintf(out, size, "%s/.local/share/atelier", env);
	else
		return DATADIR_ENOWHERE;
	if (n < 0 || (size_t)n >= size)
		return DATADIR_ETOOLONG;
	return DATADIR_OK;
}

static enum datadir_err make_one(const char *path, mode_t mode)
{
	struct stat st;

	if (mkdir(path, mode) == 0)
		return DATADIR_OK;
	if (errno != EEXIST)
		return DATADIR_EMKDIR;
	if (stat(path, &st) != 0)
		return DATADIR_EMKDIR;
	return S_ISDIR(st.st_mode) ? DATADIR_OK : DATADIR_ENOTDIR;
}

enum datadir_err datadir_create(const char *path)
{
	char buf[4096];
	size_t len = strlen(path);
	enum datadir_err err;

	if (len == 0)
		return DATADIR_ENOWHERE;
	if (len >= sizeof(buf))
		return DATADIR_ETOOLONG;
	memcpy(buf, path, len + 1);
	while (len > 1 && buf[len - 1] == '/')
		buf[--len] = '\0';
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		err = make_one(buf, 0755);
		*p = '/';
		if (err != DATADIR_OK)
			return err;
	}
	return make_one(buf, 0700);
}
