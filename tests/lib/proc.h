/*
 * proc — run the atelier binary from tests the way a user would, and read what it
 * prints. The binary is $ATELIER_BIN (set by make check), else build/atelier.
 */
#ifndef ATELIER_TESTS_PROC_H
#define ATELIER_TESTS_PROC_H

#include <stddef.h>
#include <sys/types.h>

struct proc_result {
	int status;   /* exit code, or 128+signal */
	char *out;    /* standard output, NUL-terminated; free() */
	char *err;    /* standard error; free() */
};

/* The path of the atelier binary under test. */
const char *proc_atelier(void);

/* Run atelier with ARGV (NULL-terminated, without the program name), wait, and
 * capture both outputs. */
void proc_run(struct proc_result *r, const char *const *argv);
void proc_result_free(struct proc_result *r);

/* A long-running atelier (watch): its stdout is a pipe read line by line. */
struct proc_live {
	pid_t pid;
	int out_fd;
	char buf[65536];
	size_t len;
};

void proc_start(struct proc_live *p, const char *const *argv);
/* Next line of standard output without its newline, into LINE; waits up to
 * TIMEOUT_MS. Returns 1 with a line, 0 on timeout or end of output. */
int proc_read_line(struct proc_live *p, char *line, size_t size, int timeout_ms);
/* Send SIGNAL, wait for the exit and return its status (128+signal when killed). */
int proc_stop(struct proc_live *p, int signal);

/* Kill and reap every process proc_start() started and proc_stop() did not stop. */
void proc_kill_all(void);

#endif
