/* The command line's session file. See sessfile.h. */
#include "util/sessfile.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* 1 when PATH is a directory (not a link) of ours with mode 0700; else the reason. */
static int private_dir(const char *path, const char *what, char *why, size_t size)
{
	struct stat st;

	if (lstat(path, &st) != 0) {
		snprintf(why, size, "%s %s: %s", what, path, strerror(errno));
		return 0;
	}
	if (!S_ISDIR(st.st_mode) || st.st_uid != geteuid() || (st.st_mode & 07777) != 0700) {
		snprintf(why, size,
			 "%s %s must be a directory of yours with mode 0700 (it is %s, owner %u, "
			 "mode %04o)",
			 what, path, S_ISDIR(st.st_mode) ? "a directory" : "not a directory",
			 (unsigned)st.st_uid, (unsigned)(st.st_mode & 07777));
		return 0;
	}
	return 1;
}

enum sessfile_err sessfile_path(const char *datadir, int create, char *path, char *why,
				size_t size)
{
	const char *run = getenv("XDG_RUNTIME_DIR");
	char real[PATH_MAX], dir[PATH_MAX], hex[65];
	unsigned char h[crypto_hash_sha256_BYTES];

	if (!run || run[0] != '/') {
		snprintf(why, size, "XDG_RUNTIME_DIR is not set: sessions are kept in your own "
				    "runtime directory (sign in on a desktop or through a login "
				    "shell, which sets it)");
		return SESSFILE_ERUNDIR;
	}
	if (!private_dir(run, "the runtime directory", why, size))
		return SESSFILE_ERUNDIR;
	if (snprintf(dir, sizeof(dir), "%s/atelier", run) >= (int)sizeof(dir)) {
		snprintf(why, size, "XDG_RUNTIME_DIR is too long");
		return SESSFILE_ERUNDIR;
	}
	if (create && mkdir(dir, 0700) != 0 && errno != EEXIST) {
		snprintf(why, size, "cannot create %s: %s", dir, strerror(errno));
		return SESSFILE_ERUNDIR;
	}
	if (!create && access(dir, F_OK) != 0)
		return SESSFILE_NONE;
	if (!private_dir(dir, "the session directory", why, size))
		return SESSFILE_ERUNDIR;
	/* A workshop reached through its server is named by the server's address. */
	if (strstr(datadir, "://")) {
		snprintf(real, sizeof(real), "%s", datadir);
	} else if (!realpath(datadir, real)) {
		snprintf(why, size, "the data directory %s: %s", datadir, strerror(errno));
		return SESSFILE_EIO;
	}
	crypto_hash_sha256(h, (const unsigned char *)real, strlen(real));
	sodium_bin2hex(hex, sizeof(hex), h, sizeof(h));
	if (snprintf(path, PATH_MAX, "%s/session-%.16s", dir, hex) >= PATH_MAX) {
		snprintf(why, size, "XDG_RUNTIME_DIR is too long");
		return SESSFILE_ERUNDIR;
	}
	return SESSFILE_OK;
}

enum sessfile_err sessfile_write(const char *path, const char *hex, char *why, size_t size)
{
	char tmp[PATH_MAX], line[SECRET_SESSION_LINE], rnd[17];
	unsigned char r[8];
	size_t len;
	int fd;

	randombytes_buf(r, sizeof(r));
	sodium_bin2hex(rnd, sizeof(rnd), r, sizeof(r));
	if (snprintf(tmp, sizeof(tmp), "%s.%s", path, rnd) >= (int)sizeof(tmp)) {
		snprintf(why, size, "the session file's path is too long");
		return SESSFILE_EIO;
	}
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0) {
		snprintf(why, size, "cannot create %s: %s", tmp, strerror(errno));
		return SESSFILE_EIO;
	}
	secret_session_line(hex, line);
	len = strlen(line);
	if (write(fd, line, len) != (ssize_t)len || fsync(fd) != 0) {
		snprintf(why, size, "cannot write %s: %s", tmp, strerror(errno));
		close(fd);
		unlink(tmp);
		secret_wipe(line, sizeof(line));
		return SESSFILE_EIO;
	}
	secret_wipe(line, sizeof(line));
	close(fd);
	if (rename(tmp, path) != 0) {
		snprintf(why, size, "cannot rename %s to %s: %s", tmp, path, strerror(errno));
		unlink(tmp);
		return SESSFILE_EIO;
	}
	return SESSFILE_OK;
}

enum sessfile_err sessfile_read(const char *path, char *hex, char *why, size_t size)
{
	char buf[SECRET_SESSION_LINE + 8];
	struct stat st;
	ssize_t n;
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);

	if (fd < 0 && errno == ENOENT)
		return SESSFILE_NONE;
	if (fd < 0) {
		snprintf(why, size, "cannot read the session file %s: %s", path, strerror(errno));
		return SESSFILE_EIO;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_uid != geteuid() ||
	    (st.st_mode & 077) != 0) {
		close(fd);
		snprintf(why, size, "the session file %s is not a private file of yours: "
				    "sign in again (atelier login NAME)", path);
		return SESSFILE_EFORMAT;
	}
	n = read(fd, buf, sizeof(buf));
	close(fd);
	if (n < 0 || secret_session_parse(buf, (size_t)n, hex) != SECRET_OK) {
		secret_wipe(buf, sizeof(buf));
		snprintf(why, size, "the session file %s is damaged: sign in again (atelier "
				    "login NAME)", path);
		return SESSFILE_EFORMAT;
	}
	secret_wipe(buf, sizeof(buf));
	return SESSFILE_OK;
}

enum sessfile_err sessfile_remove(const char *path)
{
	return unlink(path) == 0 || errno == ENOENT ? SESSFILE_OK : SESSFILE_EIO;
}
