/*
 * lazylib — a library loaded when a command first needs it, not when the program starts.
 *
 * The bench's watcher runs all day in a few megabytes. The web server's HTTP library and
 * the client's (libmicrohttpd, libcurl) bring TLS and its own libraries with them: they
 * are loaded only by the commands that talk HTTP (serve, and the commands sent to the
 * workshop's server). Each user declares the functions it calls as pointers, filled from
 * the library here.
 */
#ifndef ATELIER_UTIL_LAZYLIB_H
#define ATELIER_UTIL_LAZYLIB_H

#include <stddef.h>

struct lazy_sym {
	const char *name;
	void **slot; /* where the function's address goes */
};

/* Load SONAME (once per process; later calls answer at once) and fill every slot of
 * SYMS. 0 on success; -1 with the reason in WHY (SIZE bytes), naming the library and the
 * Debian package that holds it (PACKAGE). Safe to call from several threads. */
int lazylib_load(const char *soname, const char *package, const struct lazy_sym *syms,
		 size_t n, char *why, size_t size);

#endif
