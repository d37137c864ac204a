/* Whole-file reads and writes. See file.h. */
#include "util/file.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

char *file_read(const char *path, size_t max, size_t *len, enum file_err *err)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	enum file_err e = FILE_OK;
	char *buf = NULL;
	size_t n = 0;
	int saved = 0;

	if (!f) {
		e = FILE_EIO;
		goto out;
	}
	buf = malloc(max + 1);
	if (!buf) {
		saved = ENOMEM;
		e = FILE_EIO;
	} else {
		n = fread(buf, 1, max + 1, f);
		if (ferror(f)) {
			saved = errno ? errno : EIO;
			e = FILE_EIO;
		} else if (n > max) {
			e = FILE_ETOOBIG;
		}
	}
	if (f != stdin)
		fclose(f);
	if (e) {
		free(buf);
		buf = NULL;
		errno = saved;
	} else {
		buf[n] = '\0';
	}
out:
	if (len)
		*len = buf ? n : 0;
	if (err)
		*err = e;
	return buf;
}

enum file_err file_write(const char *path, const void *data, size_t len, mode_t mode, int replace)
{
	char tmp[PATH_MAX];
	enum file_err e = FILE_EIO;
	int fd, saved;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp%ld", path, (long)getpid()) >= (int)sizeof(tmp)) {
		errno = ENAMETOOLONG;
		return FILE_EIO;
	}
	(void)unlink(tmp);
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
	if (fd < 0)
		return FILE_EIO;
	/* fchmod: the mode asked for, whatever the umask. */
	if (fchmod(fd, mode) == 0 && write(fd, data, len) == (ssize_t)len && fsync(fd) == 0) {
		if (replace ? rename(tmp, path) == 0 : link(tmp, path) == 0)
			e = FILE_OK;
		else if (!replace && errno == EEXIST)
			e = FILE_EEXIST;
	}
	saved = errno;
	if (close(fd) != 0 && e == FILE_OK) {
		saved = errno;
		e = FILE_EIO;
	}
	if (e != FILE_OK || !replace)
		(void)unlink(tmp);
	errno = saved;
	return e;
}
