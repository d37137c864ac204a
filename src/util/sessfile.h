/*
 * sessfile — where the command line keeps its session: one file per person and data
 * directory in the person's runtime directory, $XDG_RUNTIME_DIR/atelier/ (mode 0700),
 * named "session-" + the first 16 hex digits of the SHA-256 of the data directory's
 * real path, so that two workshops on one machine never mix. The file (mode 0600) holds
 * the one line of secret_session_line(); it is written through a temporary file created
 * with O_EXCL|O_NOFOLLOW and renamed. A runtime directory that is missing, not a
 * directory, not the person's own or open to others is refused: never /tmp instead.
 */
#ifndef ATELIER_UTIL_SESSFILE_H
#define ATELIER_UTIL_SESSFILE_H

#include <limits.h>
#include <stddef.h>

#include "util/secret.h"

enum sessfile_err {
	SESSFILE_OK = 0,
	SESSFILE_NONE,    /* no session file */
	SESSFILE_ERUNDIR, /* the runtime directory cannot be used (the reason says why) */
	SESSFILE_EIO,     /* the file could not be read or written */
	SESSFILE_EFORMAT, /* the file is not a session file (or not private) */
};

/* The session file of data directory DATADIR into PATH (PATH_MAX bytes), creating
 * $XDG_RUNTIME_DIR/atelier when CREATE. On failure WHY (SIZE bytes) says what to do. */
enum sessfile_err sessfile_path(const char *datadir, int create, char *path, char *why,
				size_t size) __attribute__((warn_unused_result));
/* Write the session line for token HEX to PATH (replacing it). */
enum sessfile_err sessfile_write(const char *path, const char *hex, char *why, size_t size)
	__attribute__((warn_unused_result));
/* Read the token from PATH into HEX (SECRET_TOKEN_HEX bytes). */
enum sessfile_err sessfile_read(const char *path, char *hex, char *why, size_t size)
	__attribute__((warn_unused_result));
/* Remove PATH; a missing file is fine. */
enum sessfile_err sessfile_remove(const char *path);

#endif
