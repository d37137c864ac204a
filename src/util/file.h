/*
 * file — reading a small file whole, and writing one whole or not at all.
 *
 * A file is written through a temporary in the same directory, then put in place in one
 * step (link or rename): readers see the old file or the new one, never a part. The
 * temporary is an anonymous file (O_TMPFILE) wherever the file system has them, so that
 * nothing is left behind even when the process is killed; elsewhere it is a named
 * ".NAME.tmpPID-N" beside the file, removed on every failure and on SIGINT/SIGTERM.
 * Replacing a file needs such a name for the instant between link and rename; what a
 * writer killed with SIGKILL left under it is removed by the next writer of that file.
 * Only regular files are written over: a device, a FIFO, a directory, or a symlink to
 * one is refused and left as it is.
 */
#ifndef ATELIER_UTIL_FILE_H
#define ATELIER_UTIL_FILE_H

#include <limits.h>
#include <stddef.h>
#include <sys/types.h>

enum file_err {
	FILE_OK = 0,
	FILE_EIO,     /* cannot read or write (errno says why) */
	FILE_ETOOBIG, /* longer than allowed */
	FILE_EEXIST,  /* file_write() without REPLACE: the file is already there */
	FILE_ENOTREG, /* the file is there and is not a regular file: left untouched */
};

/* A file being written: file_tmp_open(), write to FD, then file_tmp_commit() or
 * file_tmp_abort(). */
struct file_tmp {
	int fd;               /* -1 when closed */
	int anonymous;        /* O_TMPFILE: nothing has a name until the commit */
	char path[PATH_MAX];  /* the file to write */
	char name[PATH_MAX];  /* the named temporary (when not anonymous, or while renaming) */
};

/* Read PATH ("-": standard input) whole, at most MAX bytes, into a new NUL-terminated
 * buffer the caller frees; *LEN (may be NULL) gets its length. NULL on failure, with
 * *ERR (may be NULL) saying why and errno kept for FILE_EIO. */
char *file_read(const char *path, size_t max, size_t *len, enum file_err *err)
	__attribute__((warn_unused_result));

/* Write LEN bytes of DATA to PATH with MODE through a synced temporary file beside it:
 * with REPLACE, PATH is replaced whole or left as it was; without, PATH is created only
 * when it is not there (FILE_EEXIST, nothing written, when it is). errno is kept for
 * FILE_EIO. */
enum file_err file_write(const char *path, const void *data, size_t len, mode_t mode, int replace)
	__attribute__((warn_unused_result));

/* FILE_ENOTREG when PATH is there and is not a regular file (a symlink is followed),
 * FILE_OK when it is a regular file or not there; FILE_EIO (errno kept) when it cannot be
 * told. */
enum file_err file_check_regular(const char *path) __attribute__((warn_unused_result));

/* 1 when A and B name the same file: the same inode when both are there, else the same
 * path once their directories are resolved. */
int file_same(const char *a, const char *b);

/* Start writing PATH with MODE: T->fd is open for writing. FILE_ENOTREG when PATH is not
 * a regular file; FILE_EIO (errno kept) when no temporary can be made. */
enum file_err file_tmp_open(struct file_tmp *t, const char *path, mode_t mode)
	__attribute__((warn_unused_result));
/* Sync T and put it in place of its file (REPLACE), or create the file only when it is
 * not there (FILE_EEXIST otherwise). T is closed and its temporary gone either way;
 * errno is kept for FILE_EIO. */
enum file_err file_tmp_commit(struct file_tmp *t, int replace) __attribute__((warn_unused_result));
/* Give up T: closed, its temporary removed. Safe on a closed T. */
void file_tmp_abort(struct file_tmp *t);

/* Why writing PATH failed with errno E, for a person, into BUF: "the file system holding
 * DIR is read-only", "the disk is full", "permission denied on PATH", else the system's
 * words. Returns BUF. */
const char *file_errno_text(int e, const char *path, char *buf, size_t size);
/* The folder holding PATH into DIR (SIZE bytes): "." for a bare name, "/" at the root;
 * *BASE (may be NULL) points at PATH's last component. -1 when DIR is too small. */
int file_split_path(const char *path, char *dir, size_t size, const char **base);

#endif
