#include "util/lazylib.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

static pthread_mutex_t lazy_mu = PTHREAD_MUTEX_INITIALIZER;

int lazylib_load(const char *soname, const char *package, const struct lazy_sym *syms,
		 size_t n, char *why, size_t size)
{
	void *lib;
	int rc = 0;

	pthread_mutex_lock(&lazy_mu);
	if (n > 0 && *syms[n - 1].slot) /* filled before: the last slot is set last */
		goto out;
	/* RTLD_NOLOAD first: a library already in the process is not loaded twice. */
	lib = dlopen(soname, RTLD_NOW | RTLD_LOCAL | RTLD_NOLOAD);
	if (!lib)
		lib = dlopen(soname, RTLD_NOW | RTLD_LOCAL);
	if (!lib) {
		const char *e = dlerror();

		snprintf(why, size, "%s could not be loaded (%s): install the Debian package %s",
			 soname, e ? e : "not found", package);
		rc = -1;
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		void *f = dlsym(lib, syms[i].name);

		if (!f) {
			snprintf(why, size, "%s has no %s: a newer %s is needed", soname,
				 syms[i].name, package);
			for (size_t k = 0; k < i; k++)
				*syms[k].slot = NULL;
			rc = -1;
			goto out;
		}
		*syms[i].slot = f;
	}
	/* The library stays loaded: its functions are called until the process ends. */
out:
	pthread_mutex_unlock(&lazy_mu);
	return rc;
}
