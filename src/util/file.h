/*
 * file — reading a small file whole, and writing one whole or not at all.
 */
#ifndef ATELIER_UTIL_FILE_H
#define ATELIER_UTIL_FILE_H

#include <stddef.h>
#include <sys/types.h>

enum file_err {
	FILE_OK = 0,
	FILE_EIO,     /* cannot read or write (errno says why) */
	FILE_ETOOBIG, /* longer than allowed */
	FILE_EEXIST,  /* file_write() without REPLACE: the file is already there */
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

#endif
