/* Whole-file reads and writes. See file.h. */
#include "util/file.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
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

/* ---- the temporaries' clean-up on SIGINT and SIGTERM ---- */

#define TMP_SLOTS 4

static char tmp_names[TMP_SLOTS][PATH_MAX];
static volatile sig_atomic_t tmp_used[TMP_SLOTS];
static struct sigaction old_int, old_term;
static int handlers_in;

/* Remove the named temporaries, then die of SIG as before (the handler in place before). */
static void on_signal(int sig)
{
	for (size_t i = 0; i < TMP_SLOTS; i++)
		if (tmp_used[i])
			(void)unlink(tmp_names[i]);
	sigaction(sig, sig == SIGINT ? &old_int : &old_term, NULL);
	raise(sig);
}

static void block_signals(sigset_t *old)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigprocmask(SIG_BLOCK, &set, old);
}

/* Keep NAME for the handler; signals are blocked by the caller. -1 when all are taken. */
static int tmp_register(const char *name)
{
	struct sigaction sa;

	for (int i = 0; i < TMP_SLOTS; i++) {
		if (tmp_used[i])
			continue;
		snprintf(tmp_names[i], sizeof(tmp_names[i]), "%s", name);
		tmp_used[i] = 1;
		if (handlers_in++ == 0) {
			memset(&sa, 0, sizeof(sa));
			sa.sa_handler = on_signal;
			sigemptyset(&sa.sa_mask);
			sigaction(SIGINT, &sa, &old_int);
			sigaction(SIGTERM, &sa, &old_term);
		}
		return i;
	}
	return -1;
}

static void tmp_unregister(const char *name)
{
	sigset_t old;

	block_signals(&old);
	for (int i = 0; i < TMP_SLOTS; i++) {
		if (tmp_used[i] && strcmp(tmp_names[i], name) == 0) {
			tmp_used[i] = 0;
			if (--handlers_in == 0) {
				sigaction(SIGINT, &old_int, NULL);
				sigaction(SIGTERM, &old_term, NULL);
			}
			break;
		}
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
}

/* The directory part of PATH into DIR and its last part into *BASE. -1 when too long. */
int file_split_path(const char *path, char *dir, size_t size, const char **base)
{
	const char *slash = strrchr(path, '/');
	int n;

	if (base)
		*base = slash ? slash + 1 : path;
	if (!slash)
		n = snprintf(dir, size, ".");
	else if (slash == path)
		n = snprintf(dir, size, "/");
	else
		n = snprintf(dir, size, "%.*s", (int)(slash - path), path);
	return n < 0 || (size_t)n >= size ? -1 : 0;
}

/* A new name ".BASE.tmpNNNN" beside PATH into OUT. -1 when too long. */
static int tmp_name(const char *path, unsigned serial, char *out, size_t size)
{
	char dir[PATH_MAX];
	const char *base;
	int n;

	if (file_split_path(path, dir, sizeof(dir), &base) != 0)
		return -1;
	n = snprintf(out, size, "%s/.%s.tmp%ld-%u", dir, base, (long)getpid(), serial);
	return n < 0 || (size_t)n >= size ? -1 : 0;
}

/* Remove what a killed writer of PATH left: ".BASE.tmpPID-N" beside it whose process is
 * gone. SIGKILL cannot be caught, and replacing a file needs a name for the instant
 * between the link and the rename; the next writer of the same file clears it. */
static void sweep_dead(const char *path)
{
	char dir[PATH_MAX], name[PATH_MAX];
	const char *base;
	struct dirent *de;
	size_t blen;
	DIR *d;

	if (file_split_path(path, dir, sizeof(dir), &base) != 0 || !*base)
		return;
	blen = strlen(base);
	d = opendir(dir);
	if (!d)
		return;
	while ((de = readdir(d)) != NULL) {
		const char *n = de->d_name;
		char *end;
		long pid;

		if (n[0] != '.' || strncmp(n + 1, base, blen) != 0 || strncmp(n + 1 + blen, ".tmp", 4) != 0)
			continue;
		errno = 0;
		pid = strtol(n + 1 + blen + 4, &end, 10);
		if (errno || pid <= 0 || *end != '-' || end[1] < '0' || end[1] > '9')
			continue;
		if (pid == (long)getpid() || kill((pid_t)pid, 0) == 0 || errno != ESRCH)
			continue;
		if (snprintf(name, sizeof(name), "%s/%s", dir, n) < (int)sizeof(name))
			(void)unlink(name);
	}
	closedir(d);
}

enum file_err file_check_regular(const char *path)
{
	struct stat st;

	if (stat(path, &st) != 0)
		return errno == ENOENT ? FILE_OK : FILE_EIO;
	return S_ISREG(st.st_mode) ? FILE_OK : FILE_ENOTREG;
}

int file_same(const char *a, const char *b)
{
	struct stat sa, sb;
	char da[PATH_MAX], db[PATH_MAX], ra[PATH_MAX], rb[PATH_MAX];
	const char *ba, *bb;

	if (stat(a, &sa) == 0 && stat(b, &sb) == 0)
		return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
	if (file_split_path(a, da, sizeof(da), &ba) != 0 || file_split_path(b, db, sizeof(db), &bb) != 0 ||
	    !realpath(da, ra) || !realpath(db, rb))
		return strcmp(a, b) == 0;
	return strcmp(ra, rb) == 0 && strcmp(ba, bb) == 0;
}

enum file_err file_tmp_open(struct file_tmp *t, const char *path, mode_t mode)
{
	static unsigned serial;
	char dir[PATH_MAX];
	const char *base;
	enum file_err e;
	sigset_t old;
	int saved;

	t->fd = -1;
	t->anonymous = 0;
	t->name[0] = '\0';
	if (snprintf(t->path, sizeof(t->path), "%s", path) >= (int)sizeof(t->path) ||
	    file_split_path(path, dir, sizeof(dir), &base) != 0 || !*base) {
		errno = ENAMETOOLONG;
		return FILE_EIO;
	}
	e = file_check_regular(path);
	if (e)
		return e;
	sweep_dead(path);
	t->fd = open(dir, O_TMPFILE | O_WRONLY | O_CLOEXEC, mode);
	if (t->fd >= 0) {
		t->anonymous = 1;
	} else if (errno == EOPNOTSUPP || errno == EISDIR || errno == EINVAL) {
		/* No anonymous files here: a named one, removed on a signal. */
		block_signals(&old);
		for (int tries = 0; t->fd < 0 && tries < 100; tries++) {
			if (tmp_name(path, serial++, t->name, sizeof(t->name)) != 0) {
				errno = ENAMETOOLONG;
				break;
			}
			t->fd = open(t->name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
				     mode);
			if (t->fd < 0 && errno != EEXIST)
				break;
		}
		saved = errno;
		if (t->fd >= 0 && tmp_register(t->name) < 0) {
			(void)unlink(t->name);
			close(t->fd);
			t->fd = -1;
			saved = EMFILE;
		}
		sigprocmask(SIG_SETMASK, &old, NULL);
		errno = saved;
		if (t->fd < 0)
			t->name[0] = '\0';
	}
	if (t->fd < 0)
		return FILE_EIO;
	/* fchmod: the mode asked for, whatever the umask. */
	if (fchmod(t->fd, mode) != 0) {
		saved = errno;
		file_tmp_abort(t);
		errno = saved;
		return FILE_EIO;
	}
	return FILE_OK;
}

/* Give the anonymous file of T the name TO. */
static int link_anonymous(const struct file_tmp *t, const char *to)
{
	char proc[64];

	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", t->fd);
	if (linkat(AT_FDCWD, proc, AT_FDCWD, to, AT_SYMLINK_FOLLOW) == 0)
		return 0;
	if (errno != ENOENT)
		return -1;
	/* No /proc: the same by the descriptor (needs CAP_DAC_READ_SEARCH). */
	return linkat(t->fd, "", AT_FDCWD, to, AT_EMPTY_PATH);
}

/* Put the anonymous T in place of its file, replacing a regular file that is there. */
static enum file_err place_anonymous(struct file_tmp *t)
{
	static unsigned serial;
	enum file_err e = FILE_EIO;
	sigset_t old;
	int saved, linked = 0;

	if (link_anonymous(t, t->path) == 0)
		return FILE_OK; /* it was not there: one step, no name in between */
	if (errno != EEXIST)
		return FILE_EIO;
	if (file_check_regular(t->path) == FILE_ENOTREG)
		return FILE_ENOTREG;
	/* A name for the instant of the rename, removed on a signal. */
	block_signals(&old);
	for (int tries = 0; !linked && tries < 100; tries++) {
		if (tmp_name(t->path, serial++, t->name, sizeof(t->name)) != 0) {
			errno = ENAMETOOLONG;
			break;
		}
		if (link_anonymous(t, t->name) == 0)
			linked = 1;
		else if (errno != EEXIST)
			break;
	}
	saved = errno;
	if (linked && tmp_register(t->name) < 0) {
		(void)unlink(t->name);
		linked = 0;
		saved = EMFILE;
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
	errno = saved;
	if (!linked) {
		t->name[0] = '\0';
		return FILE_EIO;
	}
	if (rename(t->name, t->path) == 0) {
		e = FILE_OK;
		tmp_unregister(t->name);
		t->name[0] = '\0';
	}
	return e;
}

enum file_err file_tmp_commit(struct file_tmp *t, int replace)
{
	enum file_err e = FILE_EIO;
	int saved;

	if (t->fd < 0) {
		errno = EBADF;
		return FILE_EIO;
	}
	if (fsync(t->fd) != 0) {
		saved = errno;
		goto out;
	}
	if (t->anonymous && replace)
		e = place_anonymous(t);
	else if (t->anonymous)
		e = link_anonymous(t, t->path) == 0 ? FILE_OK
		    : errno == EEXIST		    ? FILE_EEXIST
						    : FILE_EIO;
	else if (replace)
		e = file_check_regular(t->path) == FILE_ENOTREG ? FILE_ENOTREG
		    : rename(t->name, t->path) == 0		 ? FILE_OK
								 : FILE_EIO;
	else
		e = link(t->name, t->path) == 0 ? FILE_OK : errno == EEXIST ? FILE_EEXIST : FILE_EIO;
	saved = errno;
	if (e == FILE_OK && !t->anonymous && replace) {
		tmp_unregister(t->name); /* renamed: nothing to remove */
		t->name[0] = '\0';
	}
	if (close(t->fd) != 0 && e == FILE_OK) {
		saved = errno;
		e = FILE_EIO;
	}
	t->fd = -1;
out:
	file_tmp_abort(t);
	errno = saved;
	return e;
}

void file_tmp_abort(struct file_tmp *t)
{
	int saved = errno;

	if (t->fd >= 0)
		close(t->fd);
	t->fd = -1;
	if (t->name[0]) {
		(void)unlink(t->name);
		tmp_unregister(t->name);
		t->name[0] = '\0';
	}
	errno = saved;
}

enum file_err file_write(const char *path, const void *data, size_t len, mode_t mode, int replace)
{
	struct file_tmp t;
	enum file_err e;
	int saved;

	if (!replace && access(path, F_OK) == 0)
		return FILE_EEXIST;
	e = file_tmp_open(&t, path, mode);
	if (e)
		return e;
	if (write(t.fd, data, len) != (ssize_t)len) {
		saved = errno ? errno : EIO;
		file_tmp_abort(&t);
		errno = saved;
		return FILE_EIO;
	}
	return file_tmp_commit(&t, replace);
}

const char *file_errno_text(int e, const char *path, char *buf, size_t size)
{
	char dir[PATH_MAX];
	const char *base;

	switch (e) {
	case EROFS:
		if (file_split_path(path, dir, sizeof(dir), &base) != 0)
			snprintf(dir, sizeof(dir), "%s", path);
		snprintf(buf, size, "the file system holding %s is read-only", dir);
		break;
	case ENOSPC:
	case EDQUOT:
		snprintf(buf, size, "the disk is full");
		break;
	case EACCES:
	case EPERM:
		snprintf(buf, size, "permission denied on %s", path);
		break;
	default:
		snprintf(buf, size, "%s", strerror(e));
		break;
	}
	return buf;
}
