/*
 * datadir — where Atelier keeps its database and keys.
 *
 * Resolution order: the --data option, else $ATELIER_DATA, else
 * $XDG_DATA_HOME/atelier, else $HOME/.local/share/atelier.
 * The directory is created with mode 0700 (parents 0755 as needed).
 */
#ifndef ATELIER_UTIL_DATADIR_H
#define ATELIER_UTIL_DATADIR_H

#include <stddef.h>

enum datadir_err {
	DATADIR_OK = 0,
	DATADIR_ENOWHERE,  /* no option, no $ATELIER_DATA, no $XDG_DATA_HOME, no $HOME */
	DATADIR_ETOOLONG,  /* the path does not fit */
	DATADIR_EMKDIR,    /* a directory could not be created (errno kept) */
	DATADIR_ENOTDIR,   /* the path exists and is not a directory */
};

const char *datadir_strerror(enum datadir_err err);

/* Resolve the data directory into OUT (SIZE bytes) without touching the disk.
 * OPTION is the --data argument or NULL. */
enum datadir_err datadir_resolve(const char *option, char *out, size_t size)
	__attribute__((warn_unused_result));

/* Create PATH (mode 0700) and its missing parents (0755). Existing directories are
 * left as they are. */
enum datadir_err datadir_create(const char *path) __attribute__((warn_unused_result));

#endif
