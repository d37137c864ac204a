#include "fake.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static void die(const char *what)
{
	fprintf(stderr, "fake: %s\n", what);
	abort();
}

void fake_start(struct fake *f, const char *scenario)
{
	char sock[300], ctl[300], state[300], addr[320], line[64];
	const char *keys = getenv("FAKE_USBMUXD_KEY_CACHE");
	int out[2];
	ssize_t n;
	struct pollfd p;

	snprintf(f->dir, sizeof(f->dir), "/tmp/atelier-fake-XXXXXX");
	if (!mkdtemp(f->dir) || pipe(out) != 0)
		die("cannot make the fake's directory or pipe");
	snprintf(sock, sizeof(sock), "%s/usbmuxd.sock", f->dir);
	snprintf(ctl, sizeof(ctl), "%s/control.sock", f->dir);
	snprintf(state, sizeof(state), "%s/state", f->dir);
	f->pid = fork();
	if (f->pid < 0)
		die("fork");
	if (f->pid == 0) {
		dup2(out[1], 1);
		close(out[0]);
		close(out[1]);
		if (keys)
			execlp("python3", "python3", "tests/fakes/fake_usbmuxd.py", "--socket", sock,
			       "--scenario", scenario, "--control", ctl, "--state-dir", state,
			       "--key-cache", keys, (char *)NULL);
		else
			execlp("python3", "python3", "tests/fakes/fake_usbmuxd.py", "--socket", sock,
			       "--scenario", scenario, "--control", ctl, "--state-dir", state,
			       (char *)NULL);
		_exit(127);
	}
	close(out[1]);
	p = (struct pollfd){ .fd = out[0], .events = POLLIN };
	if (poll(&p, 1, 30000) <= 0)
		die("no 'ready' from the fake within 30 s");
	n = read(out[0], line, sizeof(line) - 1);
	if (n <= 0 || strncmp(line, "ready", 5) != 0)
		die("the fake did not start");
	close(out[0]);
	snprintf(addr, sizeof(addr), "UNIX:%s", sock);
	setenv("USBMUXD_SOCKET_ADDRESS", addr, 1);
}

void fake_stop(struct fake *f)
{
	char cmd[300];

	if (f->pid <= 0)
		return;
	kill(f->pid, SIGTERM);
	while (waitpid(f->pid, NULL, 0) < 0 && errno == EINTR)
		;
	f->pid = 0;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	if (system(cmd) != 0)
		fprintf(stderr, "fake: could not remove %s\n", f->dir);
	unsetenv("USBMUXD_SOCKET_ADDRESS");
}

void fake_adb_start(struct fake_adb *f, const char *scenario_json)
{
	char scen[128], ctl[128], line[64], addr[64];
	int out[2];
	FILE *fp;

	snprintf(f->dir, sizeof(f->dir), "/tmp/atelier-adb-XXXXXX");
	if (!mkdtemp(f->dir) || pipe(out) != 0)
		die("cannot make the fake adb's directory or pipe");
	snprintf(scen, sizeof(scen), "%s/scenario.json", f->dir);
	snprintf(ctl, sizeof(ctl), "%s/control.sock", f->dir);
	fp = fopen(scen, "w");
	if (!fp)
		die("cannot write the adb scenario");
	fputs(scenario_json, fp);
	fclose(fp);
	f->pid = fork();
	if (f->pid < 0)
		die("fork");
	if (f->pid == 0) {
		dup2(out[1], 1);
		close(out[0]);
		close(out[1]);
		execlp("python3", "python3", "tests/fakes/fake_adb.py", "--port", "0", "--scenario",
		       scen, "--control", ctl, (char *)NULL);
		_exit(127);
	}
	close(out[1]);
	fp = fdopen(out[0], "r");
	if (!fp || !fgets(line, sizeof(line), fp) || strncmp(line, "ready ", 6) != 0)
		die("the fake adb server did not start");
	fclose(fp);
	snprintf(addr, sizeof(addr), "tcp:127.0.0.1:%ld", strtol(line + 6, NULL, 10));
	setenv("ADB_SERVER_SOCKET", addr, 1);
}

void fake_adb_stop(struct fake_adb *f)
{
	char cmd[96];

	if (f->pid <= 0)
		return;
	kill(f->pid, SIGTERM);
	while (waitpid(f->pid, NULL, 0) < 0 && errno == EINTR)
		;
	f->pid = 0;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	if (system(cmd) != 0)
		fprintf(stderr, "fake: could not remove %s\n", f->dir);
	unsetenv("ADB_SERVER_SOCKET");
}
