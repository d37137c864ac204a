#include "proc.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

const char *proc_atelier(void)
{
	const char *bin = getenv("ATELIER_BIN");

	return bin && *bin ? bin : "build/atelier";
}

static char *slurp(int fd)
{
	size_t cap = 4096, len = 0;
	char *buf = malloc(cap);

	for (;;) {
		ssize_t n;

		if (len + 1 >= cap) {
			cap *= 2;
			buf = realloc(buf, cap);
		}
		n = read(fd, buf + len, cap - len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	buf[len] = '\0';
	return buf;
}

static void exec_atelier(const char *const *argv)
{
	const char *args[64];
	size_t n = 0;

	args[n++] = proc_atelier();
	for (; argv[n - 1] && n < 63; n++)
		args[n] = argv[n - 1];
	args[n] = NULL;
	execv(args[0], (char *const *)args);
	fprintf(stderr, "exec %s: %s\n", args[0], strerror(errno));
	_exit(127);
}

static int decode(int status)
{
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return -1;
}

void proc_run(struct proc_result *r, const char *const *argv)
{
	int out[2], err[2], status = 0;
	char errpath[] = "/tmp/atelier-test-err-XXXXXX";
	int errfd = mkstemp(errpath);
	pid_t pid;

	if (errfd < 0 || pipe(out) != 0)
		abort();
	(void)err;
	unlink(errpath);
	pid = fork();
	if (pid == 0) {
		dup2(out[1], 1);
		dup2(errfd, 2);
		close(out[0]);
		close(out[1]);
		exec_atelier(argv);
	}
	close(out[1]);
	r->out = slurp(out[0]);
	close(out[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	r->status = decode(status);
	lseek(errfd, 0, SEEK_SET);
	r->err = slurp(errfd);
	close(errfd);
}

void proc_result_free(struct proc_result *r)
{
	free(r->out);
	free(r->err);
	r->out = r->err = NULL;
}

/* Live children, so a failed test (cmocka jumps out of it) still stops them. */
static pid_t live[16];

void proc_kill_all(void)
{
	for (size_t i = 0; i < sizeof(live) / sizeof(live[0]); i++) {
		if (live[i] > 0) {
			kill(live[i], SIGKILL);
			waitpid(live[i], NULL, 0);
			live[i] = 0;
		}
	}
}

static void track(pid_t pid, int add)
{
	for (size_t i = 0; i < sizeof(live) / sizeof(live[0]); i++) {
		if (add ? live[i] == 0 : live[i] == pid) {
			live[i] = add ? pid : 0;
			return;
		}
	}
}

void proc_start(struct proc_live *p, const char *const *argv)
{
	int out[2];

	if (pipe(out) != 0)
		abort();
	p->len = 0;
	p->pid = fork();
	if (p->pid == 0) {
		dup2(out[1], 1);
		close(out[0]);
		close(out[1]);
		exec_atelier(argv);
	}
	close(out[1]);
	p->out_fd = out[0];
	track(p->pid, 1);
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

int proc_read_line(struct proc_live *p, char *line, size_t size, int timeout_ms)
{
	long deadline = now_ms() + timeout_ms;

	for (;;) {
		char *nl = memchr(p->buf, '\n', p->len);
		struct pollfd pfd = { .fd = p->out_fd, .events = POLLIN };
		long left;
		ssize_t n;

		if (nl) {
			size_t l = (size_t)(nl - p->buf);
			size_t c = l < size - 1 ? l : size - 1;

			memcpy(line, p->buf, c);
			line[c] = '\0';
			memmove(p->buf, nl + 1, p->len - l - 1);
			p->len -= l + 1;
			return 1;
		}
		left = deadline - now_ms();
		if (left <= 0 || p->len == sizeof(p->buf))
			return 0;
		if (poll(&pfd, 1, (int)left) <= 0)
			continue;
		n = read(p->out_fd, p->buf + p->len, sizeof(p->buf) - p->len);
		if (n <= 0)
			return 0;
		p->len += (size_t)n;
	}
}

int proc_stop(struct proc_live *p, int sig)
{
	int status = 0;

	kill(p->pid, sig);
	while (waitpid(p->pid, &status, 0) < 0 && errno == EINTR)
		;
	track(p->pid, 0);
	close(p->out_fd);
	return decode(status);
}
