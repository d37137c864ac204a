/*
 * fake — start and stop tests/fakes/fake_usbmuxd.py (a fake usbmuxd + lockdownd) from
 * a C test. While it runs, USBMUXD_SOCKET_ADDRESS points at it, for this process and
 * the atelier processes it starts.
 */
#ifndef ATELIER_TESTS_FAKE_H
#define ATELIER_TESTS_FAKE_H

#include <sys/types.h>

struct fake {
	pid_t pid;
	char dir[256];
};

/* Start the fake on SCENARIO (a path from the repository root); aborts the test run
 * when it does not say "ready" within 30 s. */
void fake_start(struct fake *f, const char *scenario);
/* SIGTERM, wait, remove its directory, unset USBMUXD_SOCKET_ADDRESS. */
void fake_stop(struct fake *f);

/* The fake adb server (tests/fakes/fake_adb.py) on a free 127.0.0.1 port, with the
 * scenario JSON text SCENARIO; ADB_SERVER_SOCKET points at it while it runs. */
struct fake_adb {
	pid_t pid;
	char dir[64];
};

void fake_adb_start(struct fake_adb *f, const char *scenario_json);
void fake_adb_stop(struct fake_adb *f);

#endif
