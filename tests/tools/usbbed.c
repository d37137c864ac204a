/*
 * usbbed — a simulated USB bench for whole-program tests: under umockdev-wrapper it
 * makes an empty umockdev testbed (tests/lib/testbed.h), runs COMMAND in it (the child
 * inherits UMOCKDEV_DIR, so libusb in any program it starts sees the testbed), and plugs
 * and unplugs devices as lines written to the FIFO CTL ask:
 *
 *     add SYSNAME VID PID SERIAL CLASS SUBCLASS PROTOCOL   (hex ids and classes)
 *     remove SYSNAME
 *
 * Each line done is acknowledged by a line "done N" (N counts from 1) appended to the
 * file CTL.done, so a test can wait for the plug to have happened. It exits with the
 * command's status.
 *
 *     umockdev-wrapper build/tests/usbbed CTL -- sh script.sh
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../lib/testbed.h"

#define MAX_PLUGGED 16 /* at once */

struct plugged {
	char sysname[32], serial[64];
};

static int run_line(struct tb *tb, char *line, struct plugged *p, size_t *n)
{
	char sysname[32], serial[64];
	unsigned vid, pid, cls, sub, proto;

	if (sscanf(line, "add %31s %x %x %63s %x %x %x", sysname, &vid, &pid, serial, &cls, &sub,
		   &proto) == 7) {
		struct tb_dev d;

		if (*n >= MAX_PLUGGED)
			return -1;
		/* Kept while the device is plugged (the testbed copies what it keeps). */
		snprintf(p[*n].sysname, sizeof(p[*n].sysname), "%s", sysname);
		snprintf(p[*n].serial, sizeof(p[*n].serial), "%s", serial);
		d = tb_simple(p[*n].sysname, (uint16_t)vid, (uint16_t)pid, p[*n].serial,
			      (uint8_t)cls, (uint8_t)sub, (uint8_t)proto);
		tb_add(tb, &d);
		(*n)++;
		return 0;
	}
	if (sscanf(line, "remove %31s", sysname) == 1) {
		if (!tb_remove(tb, sysname))
			return -1;
		/* Its place is free: a bench plugs and unplugs phones all day. */
		for (size_t i = 0; i < *n; i++)
			if (strcmp(p[i].sysname, sysname) == 0) {
				p[i] = p[--*n];
				break;
			}
		return 0;
	}
	return -1;
}

int main(int argc, char **argv)
{
	char done_path[4096], buf[4096];
	struct plugged plugged[MAX_PLUGGED];
	size_t n_plugged = 0, have = 0;
	unsigned long count = 0;
	struct tb *tb;
	int fd, status = 0;
	pid_t child;

	if (argc < 4 || strcmp(argv[2], "--") != 0) {
		fprintf(stderr, "usage: umockdev-wrapper usbbed CTL -- COMMAND...\n");
		return 2;
	}
	snprintf(done_path, sizeof(done_path), "%s.done", argv[1]);
	if (mkfifo(argv[1], 0600) != 0 && errno != EEXIST) {
		perror(argv[1]);
		return 1;
	}
	/* Read and write: the FIFO never reads as ended while no writer is open. */
	fd = open(argv[1], O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		perror(argv[1]);
		return 1;
	}
	tb = tb_new();
	child = fork();
	if (child == 0) {
		execvp(argv[3], argv + 3);
		perror(argv[3]);
		_exit(127);
	}
	for (;;) {
		struct pollfd pfd = { fd, POLLIN, 0 };
		pid_t w = waitpid(child, &status, WNOHANG);
		char *nl;

		if (w == child)
			break;
		if (poll(&pfd, 1, 100) <= 0)
			continue;
		ssize_t r = read(fd, buf + have, sizeof(buf) - 1 - have);

		if (r <= 0)
			continue;
		have += (size_t)r;
		buf[have] = '\0';
		while ((nl = strchr(buf, '\n'))) {
			FILE *done;

			*nl = '\0';
			count++;
			if (run_line(tb, buf, plugged, &n_plugged) != 0)
				fprintf(stderr, "usbbed: cannot do '%s'\n", buf);
			done = fopen(done_path, "a");
			if (done) {
				fprintf(done, "done %lu\n", count);
				fclose(done);
			}
			have -= (size_t)(nl + 1 - buf);
			memmove(buf, nl + 1, have + 1);
		}
		if (have == sizeof(buf) - 1)
			have = 0; /* a line that long is no command */
	}
	tb_free(tb);
	close(fd);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
