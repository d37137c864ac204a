#include "probe/probe.h"

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

#include "probe/facts.h"
#include "probe/android.h"
#include "probe/fastboot.h"
#include "probe/ios.h"
#include "util/clock.h"
#include "util/log.h"
#include "util/i18n.h"

struct worker {
	pid_t pid;
	int fd;
	char *buf;
	size_t len;
	int done;     /* final line seen or output closed */
	char step[48];
};

static const char *platform_name(enum probe_platform p)
{
	switch (p) {
	case PROBE_IOS:
		return "ios";
	case PROBE_ANDROID:
		return "android";
	case PROBE_FASTBOOT:
		return "fastboot";
	}
	return "unknown";
}

const char PROBE_FORK_ONLY[] = "(fork only)";

/* Number of threads of this process (1 when single-threaded), from /proc. */
static int thread_count(void)
{
	char line[128];
	int n = -1;
	FILE *f = fopen("/proc/self/status", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, "Threads:", 8) == 0)
			n = (int)strtol(line + 8, NULL, 10);
	fclose(f);
	return n;
}

static int spawn(struct worker *w, const struct probe_target *t, int timeout_ms,
		 const char *self)
{
	char timeout[16];
	int pipefd[2];

	snprintf(timeout, sizeof(timeout), "%d", timeout_ms);
	if (pipe2(pipefd, O_CLOEXEC) != 0)
		return -1;
	w->pid = fork();
	if (w->pid < 0) {
		close(pipefd[0]);
		close(pipefd[1]);
		return -1;
	}
	if (w->pid == 0) {
		char *args[] = { (char *)"probe-worker", (char *)platform_name(t->platform),
				 (char *)t->id, timeout, NULL };

		dup2(pipefd[1], STDOUT_FILENO);
		if (self == PROBE_FORK_ONLY) {
			/* The parent has no thread yet: the child may go on without exec. */
			int rc = probe_worker_main(4, args);

#if defined(__SANITIZE_ADDRESS__)
			exit(rc); /* the leak checker looks at the worker as it ends */
#else
			/* Its report is out; OpenSSL's clean-up at exit (libimobiledevice's)
			 * would only burn time that sixteen phones share. */
			fflush(NULL);
			_exit(rc);
#endif
		}
		execl(self, self, args[0], args[1], args[2], args[3], (char *)NULL);
		_exit(127);
	}
	close(pipefd[1]);
	w->fd = pipefd[0];
	return 0;
}

/* A result for a worker that said nothing usable. */
static void fail_result(struct probe_result *r, const struct probe_target *t, const char *result,
			const char *fmt, const char *arg)
{
	struct facts *f = facts_new();
	char msg[256];

	snprintf(r->result, sizeof(r->result), "%s", result);
	if (!f) {
		r->facts = json_object();
		return;
	}
	facts_set_string(f, "platform", platform_name(t->platform));
	facts_set_string(f, "connection.id", t->id);
	snprintf(msg, sizeof(msg), fmt, arg);
	facts_error(f, "connection", "%s", msg);
	r->facts = json_incref(facts_json(f));
	facts_free(f);
}

/* Handle one complete line from a worker. */
static void take_line(struct worker *w, const char *line, const struct probe_target *t,
		      probe_trust_fn on_trust, void *ctx, struct probe_result *r)
{
	json_t *msg = json_loads(line, 0, NULL);
	json_t *v;

	if (!json_is_object(msg)) {
		log_msg(LOG_WARN, "probe %s: worker printed something that is not JSON", t->id);
		json_decref(msg);
		return;
	}
	if ((v = json_object_get(msg, "step")) && json_is_string(v))
		snprintf(w->step, sizeof(w->step), "%s", json_string_value(v));
	if ((v = json_object_get(msg, "trust")) && json_is_string(v) && on_trust)
		on_trust(ctx, t, json_string_value(v));
	if ((v = json_object_get(msg, "facts")) && json_is_object(v)) {
		json_decref(r->facts);
		r->facts = json_incref(v);
		v = json_object_get(msg, "result");
		snprintf(r->result, sizeof(r->result), "%s",
			 json_is_string(v) ? json_string_value(v) : "error");
		w->done = 1;
	}
	json_decref(msg);
}

/* Read what is there; split complete lines. Returns 0 at end of output. */
static int pump(struct worker *w, const struct probe_target *t, probe_trust_fn on_trust,
		void *ctx, struct probe_result *r)
{
	char chunk[8192];
	ssize_t n = read(w->fd, chunk, sizeof(chunk));
	char *nl;

	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return 1;
	if (n <= 0)
		return 0;
	if (w->len + (size_t)n > PROBE_OUTPUT_MAX) {
		log_msg(LOG_ERROR, "probe %s: worker output past %d bytes, stopped", t->id,
			PROBE_OUTPUT_MAX);
		return 0;
	}
	{
		char *nb = realloc(w->buf, w->len + (size_t)n + 1);

		if (!nb)
			return 0;
		w->buf = nb;
	}
	memcpy(w->buf + w->len, chunk, (size_t)n);
	w->len += (size_t)n;
	w->buf[w->len] = '\0';
	while ((nl = memchr(w->buf, '\n', w->len)) != NULL) {
		*nl = '\0';
		take_line(w, w->buf, t, on_trust, ctx, r);
		w->len -= (size_t)(nl + 1 - w->buf);
		memmove(w->buf, nl + 1, w->len);
		w->buf[w->len] = '\0';
	}
	return 1;
}

struct probe_batch {
	const struct probe_target *targets;
	size_t n;
	struct worker *ws;
	struct pollfd *pfds;
	int64_t start, deadline, wall;
	size_t running;
	struct probe_result *results;
};

struct probe_batch *probe_start(const struct probe_target *targets, size_t n, int timeout_ms,
				const char *self, struct probe_result *results)
{
	struct probe_batch *b = calloc(1, sizeof(*b));

	if (!b)
		return NULL;
	b->ws = calloc(n ? n : 1, sizeof(*b->ws));
	b->pfds = calloc(n ? n : 1, sizeof(*b->pfds));
	if (!b->ws || !b->pfds) {
		free(b->ws);
		free(b->pfds);
		free(b);
		return NULL;
	}
	b->targets = targets;
	b->n = n;
	b->results = results;
	b->start = clock_mono_ms();
	b->deadline = b->start + timeout_ms + PROBE_GRACE_MS;
	b->wall = clock_wall_ms();
	if (!self)
		self = "/proc/self/exe";
	/* Forking without exec is only safe with one thread (the caller said so; check). */
	if (self == PROBE_FORK_ONLY && thread_count() != 1)
		self = "/proc/self/exe";
	/* Buffered output must not be written twice, by the parent and by a child. */
	fflush(stdout);
	fflush(stderr);
	for (size_t i = 0; i < n; i++) {
		memset(&results[i], 0, sizeof(results[i]));
		results[i].t_ms = b->wall;
		b->ws[i].fd = -1;
		snprintf(b->ws[i].step, sizeof(b->ws[i].step), "start");
		if (spawn(&b->ws[i], &targets[i], timeout_ms, self) != 0) {
			fail_result(&results[i], &targets[i], "error", "cannot start a worker: %s",
				    strerror(errno));
			b->ws[i].done = 1;
			continue;
		}
		b->running++;
	}
	return b;
}

/* Reap worker I, waiting at most until DEADLINE (monotonic ms), then killing it. */
static int reap(struct worker *w, int64_t deadline)
{
	int status = 0;

	for (;;) {
		pid_t r = waitpid(w->pid, &status, WNOHANG);

		if (r == w->pid || (r < 0 && errno != EINTR))
			break;
		if (r == 0 && clock_mono_ms() >= deadline) {
			kill(w->pid, SIGKILL);
			while (waitpid(w->pid, &status, 0) < 0 && errno == EINTR)
				;
			break;
		}
		if (r == 0) {
			struct timespec ts = { 0, 2 * 1000 * 1000 };

			nanosleep(&ts, NULL);
		}
	}
	w->pid = 0;
	return status;
}

static void check_exit(const struct probe_target *t, int status)
{
	/* 0: read; 1: read in part. Anything else is a fault worth seeing (a crash, a
	 * sanitizer report) even when the facts arrived. */
	if (WIFEXITED(status) && WEXITSTATUS(status) > 1)
		log_msg(LOG_ERROR, "probe %s: worker exited with status %d", t->id,
			WEXITSTATUS(status));
	else if (WIFSIGNALED(status) && WTERMSIG(status) != SIGKILL)
		log_msg(LOG_ERROR, "probe %s: worker killed by signal %d", t->id, WTERMSIG(status));
}

void probe_wait(struct probe_batch *b, probe_trust_fn on_trust, void *ctx)
{
	struct worker *ws = b->ws;
	const struct probe_target *targets = b->targets;
	struct probe_result *results = b->results;
	size_t n = b->n;

	while (b->running > 0) {
		int64_t left = b->deadline - clock_mono_ms();
		size_t k = 0;

		if (left <= 0)
			break;
		for (size_t i = 0; i < n; i++)
			if (ws[i].fd >= 0)
				b->pfds[k++] = (struct pollfd){ .fd = ws[i].fd, .events = POLLIN };
		if (poll(b->pfds, k, (int)left) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		for (size_t j = 0; j < k; j++) {
			size_t i;

			if (!b->pfds[j].revents)
				continue;
			for (i = 0; i < n && ws[i].fd != b->pfds[j].fd; i++)
				;
			if (i == n)
				continue;
			/* The facts line is the last word: the worker may still be saying
			 * goodbye to the phone, which need not hold us up. */
			if (!pump(&ws[i], &targets[i], on_trust, ctx, &results[i]) || ws[i].done) {
				close(ws[i].fd);
				ws[i].fd = -1;
				b->running--;
				results[i].took_ms = clock_mono_ms() - b->start;
			}
		}
	}
	for (size_t i = 0; i < n; i++) {
		if (ws[i].pid <= 0)
			continue;
		if (ws[i].fd >= 0) {
			/* Past the deadline: the phone or the library is stuck. */
			kill(ws[i].pid, SIGKILL);
			close(ws[i].fd);
			ws[i].fd = -1;
		}
		if (!results[i].facts) {
			int status = reap(&ws[i], clock_mono_ms());

			check_exit(&targets[i], status);
			if (WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
				fail_result(&results[i], &targets[i], "timeout",
					    "no answer in time (stuck at: %s); replug the device",
					    ws[i].step);
			else
				fail_result(&results[i], &targets[i], "error",
					    "the probe stopped unexpectedly (at: %s)", ws[i].step);
			results[i].took_ms = clock_mono_ms() - b->start;
		}
	}
}

void probe_end(struct probe_batch *b)
{
	int64_t deadline = clock_mono_ms() + PROBE_GRACE_MS;

	if (!b)
		return;
	for (size_t i = 0; i < b->n; i++) {
		if (b->ws[i].fd >= 0)
			close(b->ws[i].fd);
		if (b->ws[i].pid > 0)
			check_exit(&b->targets[i], reap(&b->ws[i], deadline));
		free(b->ws[i].buf);
	}
	free(b->ws);
	free(b->pfds);
	free(b);
}

int probe_run(const struct probe_target *targets, size_t n, int timeout_ms, const char *self,
	      probe_trust_fn on_trust, void *ctx, struct probe_result *results)
{
	struct probe_batch *b = probe_start(targets, n, timeout_ms, self, results);

	if (!b)
		return -1;
	probe_wait(b, on_trust, ctx);
	probe_end(b);
	return 0;
}

void probe_result_release(struct probe_result *r)
{
	json_decref(r->facts);
	r->facts = NULL;
}

/* ---- the worker side ---- */

static void emit(json_t *msg)
{
	if (!msg)
		return;
	json_dumpf(msg, stdout, JSON_COMPACT | FACTS_JSON_FLAGS);
	json_decref(msg);
	fputc('\n', stdout);
	fflush(stdout);
}

static void on_progress(void *ctx, const char *step, const char *trust)
{
	(void)ctx;
	if (trust)
		emit(json_pack("{s:s, s:s}", "step", step, "trust", trust));
	else
		emit(json_pack("{s:s}", "step", step));
}

const char *probe_result_words(const char *result)
{
	static const struct {
		const char *word, *words;
	} table[] = {
		{ "ok", N_("it was read") },
		{ "gone", N_("it is not plugged in, or the bench does not see it") },
		{ "untrusted", N_("it did not trust this computer in time: unlock it, tap Trust") },
		{ "denied", N_("it refused to trust this computer: unplug it, plug it in, tap Trust") },
		{ "lost", N_("it went away while it was read") },
		{ "timeout", N_("it did not answer in time") },
		{ "listed", N_("it is in a mode where it cannot be read") },
	};

	for (size_t i = 0; result && i < sizeof(table) / sizeof(table[0]); i++)
		if (strcmp(table[i].word, result) == 0)
			return table[i].words;
	return "it answered something unexpected";
}

static const char *ios_result(enum iosp_err e);

/* Everything is read: report now; the goodbyes to the phone follow. */
static void on_finished(void *ctx, enum iosp_err e, struct facts *f)
{
	(void)ctx;
	emit(json_pack("{s:O, s:s}", "facts", facts_json(f), "result", ios_result(e)));
}

static const char *ios_result(enum iosp_err e)
{
	switch (e) {
	case IOSP_OK:
		return "ok";
	case IOSP_ENODEV:
		return "gone";
	case IOSP_EUNTRUSTED:
		return "untrusted";
	case IOSP_EDENIED:
		return "denied";
	case IOSP_ELOST:
		return "lost";
	case IOSP_EPROTOCOL:
		return "error";
	}
	return "error";
}

static const char *android_result(enum androidp_err e)
{
	switch (e) {
	case ANDROIDP_OK:
		return "ok";
	case ANDROIDP_ENODEV:
		return "gone";
	case ANDROIDP_EUNTRUSTED:
		return "untrusted";
	case ANDROIDP_ELISTED:
		return "listed";
	case ANDROIDP_ELOST:
		return "lost";
	case ANDROIDP_ENOSERVER:
	case ANDROIDP_EPROTOCOL:
		return "error";
	}
	return "error";
}

static void on_android_finished(void *ctx, enum androidp_err e, struct facts *f)
{
	(void)ctx;
	emit(json_pack("{s:O, s:s}", "facts", facts_json(f), "result", android_result(e)));
}

int probe_worker_main(int argc, char **argv)
{
	struct facts *f;
	long timeout;
	char *end;
	int rc = 0;

	if (argc != 4 || (strcmp(argv[1], "ios") != 0 && strcmp(argv[1], "android") != 0 &&
			  strcmp(argv[1], "fastboot") != 0)) {
		fprintf(stderr,
			"usage: atelier probe-worker ios|android|fastboot ID TIMEOUT_MS (internal)\n");
		return 2;
	}
	timeout = strtol(argv[3], &end, 10);
	if (*end || timeout <= 0 || timeout > 24L * 3600 * 1000) {
		fprintf(stderr, "atelier probe-worker: bad timeout '%s'\n", argv[3]);
		return 2;
	}
	f = facts_new();
	if (!f)
		return 1;
	if (strcmp(argv[1], "ios") == 0) {
		struct iosp_opts o = { (int)timeout, 1000, on_progress, on_finished, NULL };
		enum iosp_err e = iosp_probe(argv[2], &o, f);

		rc = e == IOSP_OK ? 0 : 1;
	} else if (strcmp(argv[1], "android") == 0) {
		struct androidp_opts o = { (int)timeout, on_progress, on_android_finished, NULL };
		enum androidp_err e = androidp_probe(argv[2], &o, f);

		rc = e == ANDROIDP_OK || e == ANDROIDP_ELISTED ? 0 : 1;
	} else {
		enum fastboot_err e;

		on_progress(NULL, "fastboot", NULL);
		e = fastboot_probe(argv[2], (int)timeout, f);
		if (e == FASTBOOT_EACCESS)
			facts_set_string(f, "connection.trust", "no_permissions");
		emit(json_pack("{s:O, s:s}", "facts", facts_json(f), "result",
			       e == FASTBOOT_OK	      ? "ok"
			       : e == FASTBOOT_ELOST   ? "lost"
			       : e == FASTBOOT_ENODEV  ? "gone"
			       : e == FASTBOOT_EACCESS ? "untrusted"
						       : "error"));
		rc = e == FASTBOOT_OK ? 0 : 1;
	}
	facts_free(f);
	fflush(stdout);
	return rc;
}
