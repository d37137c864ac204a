/*
 * A server that cannot start a thread, for tests (LD_PRELOAD): while the file named by
 * FAILTHREAD_FLAG exists, pthread_create() fails with EAGAIN, as it does when the system
 * or the user's limit on threads is reached (pthread_create(3): EAGAIN, RLIMIT_NPROC).
 * The web server starts its writer's thread at the first change it is asked for; a test
 * makes that change on a connection opened before the flag (its thread already runs).
 * Nothing else is changed: every call goes on to the C library's.
 */
#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

typedef int create_fn(pthread_t *, const pthread_attr_t *, void *(*)(void *), void *);

int pthread_create(pthread_t *t, const pthread_attr_t *attr, void *(*start)(void *), void *arg)
{
	create_fn *real = (create_fn *)dlsym(RTLD_NEXT, "pthread_create");
	const char *flag = getenv("FAILTHREAD_FLAG");

	if (flag && access(flag, F_OK) == 0)
		return EAGAIN;
	if (!real)
		return ENOSYS;
	return real(t, attr, start, arg);
}
