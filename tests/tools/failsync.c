/*
 * A disk that stops confirming writes, for tests (LD_PRELOAD): while the file named by
 * FAILSYNC_FLAG exists, fdatasync() of a write-ahead log ("...-wal") opened read-only
 * fails with EIO, as a disk that reports a write error does (fdatasync(2): EIO). That is
 * the server's own sync of a batch of steps (store_wal_sync(), which opens the log
 * read-only); SQLite opens its log read-write and is left alone, as is every other file.
 * Nothing else is changed: every call goes on to the C library's.
 */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int fdatasync(int fd);

static int is_log_read_only(int fd)
{
	char link[64], path[4096];
	ssize_t n;
	int flags = fcntl(fd, F_GETFL);

	if (flags < 0 || (flags & O_ACCMODE) != O_RDONLY)
		return 0;
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, path, sizeof(path) - 1);
	if (n < 4)
		return 0;
	path[n] = '\0';
	return strcmp(path + n - 4, "-wal") == 0;
}

int fdatasync(int fd)
{
	int (*real)(int) = (int (*)(int))dlsym(RTLD_NEXT, "fdatasync");
	const char *flag = getenv("FAILSYNC_FLAG");

	if (flag && access(flag, F_OK) == 0 && is_log_read_only(fd)) {
		errno = EIO;
		return -1;
	}
	if (!real) {
		errno = ENOSYS;
		return -1;
	}
	return real(fd);
}
