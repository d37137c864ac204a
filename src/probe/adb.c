#include "probe/adb.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util/clock.h"
#include "util/log.h"

/* Shell protocol v2 packet ids. */
enum {
	SHELL_STDIN = 0,
	SHELL_STDOUT = 1,
	SHELL_STDERR = 2,
	SHELL_EXIT = 3,
};

const char *adb_strerror(enum adb_err err)
{
	switch (err) {
	case ADB_OK:
		return "success";
	case ADB_ENOSERVER:
		return "no adb server (is the adb package installed?)";
	case ADB_EFAIL:
		return "the adb server refused";
	case ADB_EPROTO:
		return "the adb server answered something unexpected";
	case ADB_ETIMEOUT:
		return "no answer in time";
	case ADB_EIO:
		return "the connection broke (device unplugged, or server stopped)";
	case ADB_ETOOBIG:
		return "an answer too large";
	case ADB_ENOMEM:
		return "out of memory";
	}
	return "unknown error";
}

static int parse_port(const char *s, unsigned short *port)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (end == s || *end || v < 1 || v > 65535)
		return 0;
	*port = (unsigned short)v;
	return 1;
}

enum adb_err adb_client_init(struct adb_client *c, int timeout_ms)
{
	const char *sock = getenv("ADB_SERVER_SOCKET");
	const char *port = getenv("ANDROID_ADB_SERVER_PORT");

	memset(c, 0, sizeof(*c));
	snprintf(c->host, sizeof(c->host), "127.0.0.1");
	c->port = ADB_DEFAULT_PORT;
	c->timeout_ms = timeout_ms;
	if (sock && *sock) {
		/* "tcp:PORT" or "tcp:HOST:PORT" */
		const char *colon;

		if (strncmp(sock, "tcp:", 4) != 0)
			goto bad_sock;
		sock += 4;
		colon = strrchr(sock, ':');
		if (colon) {
			size_t hl = (size_t)(colon - sock);

			if (hl == 0 || hl >= sizeof(c->host))
				goto bad_sock;
			memcpy(c->host, sock, hl);
			c->host[hl] = '\0';
			sock = colon + 1;
		}
		if (!parse_port(sock, &c->port))
			goto bad_sock;
		return ADB_OK;
bad_sock:
		log_msg(LOG_ERROR, "ADB_SERVER_SOCKET '%s': not tcp:PORT or tcp:HOST:PORT",
			getenv("ADB_SERVER_SOCKET"));
		return ADB_ENOSERVER;
	}
	if (port && *port && !parse_port(port, &c->port)) {
		log_msg(LOG_ERROR, "ANDROID_ADB_SERVER_PORT '%s' is not a port number", port);
		return ADB_ENOSERVER;
	}
	return ADB_OK;
}

/* Wait until FD is ready for EVENTS or the DEADLINE (monotonic ms) passes. */
static enum adb_err wait_fd(int fd, short events, int64_t deadline)
{
	for (;;) {
		struct pollfd p = { .fd = fd, .events = events };
		int64_t left = deadline - clock_mono_ms();
		int r;

		if (left <= 0)
			return ADB_ETIMEOUT;
		r = poll(&p, 1, (int)left);
		if (r > 0)
			return ADB_OK;
		if (r == 0)
			return ADB_ETIMEOUT;
		if (errno != EINTR)
			return ADB_EIO;
	}
}

static enum adb_err write_all(int fd, const void *buf, size_t len, int64_t deadline)
{
	const char *p = buf;

	while (len > 0) {
		ssize_t n;
		enum adb_err e = wait_fd(fd, POLLOUT, deadline);

		if (e)
			return e;
		n = send(fd, p, len, MSG_NOSIGNAL);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n <= 0)
			return ADB_EIO;
		p += n;
		len -= (size_t)n;
	}
	return ADB_OK;
}

/* Read exactly LEN bytes. */
static enum adb_err read_all(int fd, void *buf, size_t len, int64_t deadline)
{
	char *p = buf;

	while (len > 0) {
		ssize_t n;
		enum adb_err e = wait_fd(fd, POLLIN, deadline);

		if (e)
			return e;
		n = recv(fd, p, len, 0);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n <= 0)
			return ADB_EIO;
		p += n;
		len -= (size_t)n;
	}
	return ADB_OK;
}

static int hex4(const char *s, size_t *out)
{
	size_t v = 0;

	for (int i = 0; i < 4; i++) {
		int d;

		if (s[i] >= '0' && s[i] <= '9')
			d = s[i] - '0';
		else if (s[i] >= 'a' && s[i] <= 'f')
			d = s[i] - 'a' + 10;
		else if (s[i] >= 'A' && s[i] <= 'F')
			d = s[i] - 'A' + 10;
		else
			return 0;
		v = v << 4 | (size_t)d;
	}
	*out = v;
	return 1;
}

enum adb_err adb_connect(struct adb_client *c, int *fd)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(c->port) };
	int64_t deadline = clock_mono_ms() + c->timeout_ms;
	int s, err = 0;
	socklen_t el = sizeof(err);

	*fd = -1;
	if (inet_pton(AF_INET, c->host, &sa.sin_addr) != 1) {
		if (strcmp(c->host, "localhost") != 0)
			return ADB_ENOSERVER;
		inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
	}
	s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (s < 0)
		return ADB_EIO;
	if (connect(s, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		if (errno != EINPROGRESS) {
			close(s);
			return ADB_ENOSERVER;
		}
		if (wait_fd(s, POLLOUT, deadline) != ADB_OK ||
		    getsockopt(s, SOL_SOCKET, SO_ERROR, &err, &el) != 0 || err != 0) {
			close(s);
			return ADB_ENOSERVER;
		}
	}
	/* Requests are small and answered at once: no Nagle delay. */
	setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &(int){ 1 }, sizeof(int));
	*fd = s;
	return ADB_OK;
}

/* Read "OKAY", or "FAIL" + hex4 + message into c->fail. */
static enum adb_err read_status(struct adb_client *c, int fd, int64_t deadline)
{
	char st[4], len4[4];
	size_t len, keep;
	enum adb_err e = read_all(fd, st, 4, deadline);

	if (e)
		return e;
	if (memcmp(st, "OKAY", 4) == 0)
		return ADB_OK;
	if (memcmp(st, "FAIL", 4) != 0)
		return ADB_EPROTO;
	e = read_all(fd, len4, 4, deadline);
	if (e)
		return e;
	if (!hex4(len4, &len))
		return ADB_EPROTO;
	keep = len < sizeof(c->fail) - 1 ? len : sizeof(c->fail) - 1;
	e = read_all(fd, c->fail, keep, deadline);
	if (e)
		return e;
	c->fail[keep] = '\0';
	/* The rest of an overlong message is not needed: the connection ends here. */
	return ADB_EFAIL;
}

enum adb_err adb_send_request(struct adb_client *c, int fd, const char *req)
{
	int64_t deadline = clock_mono_ms() + c->timeout_ms;
	size_t len = strlen(req);
	char *msg;
	enum adb_err e;

	c->fail[0] = '\0';
	if (len > 0xffff)
		return ADB_ETOOBIG;
	/* Length and payload in one write: two small writes would wait for the delayed
	 * ACK of the first (Nagle), 40 ms on Linux. */
	msg = malloc(len + 5);
	if (!msg)
		return ADB_ENOMEM;
	snprintf(msg, 5, "%04zx", len);
	memcpy(msg + 4, req, len);
	e = write_all(fd, msg, len + 4, deadline);
	free(msg);
	if (!e)
		e = read_status(c, fd, deadline);
	return e;
}

enum adb_err adb_read_payload(struct adb_client *c, int fd, size_t max, char **out, size_t *len)
{
	int64_t deadline = clock_mono_ms() + c->timeout_ms;
	char len4[4];
	enum adb_err e;
	size_t n;

	*out = NULL;
	*len = 0;
	e = read_all(fd, len4, 4, deadline);
	if (e)
		return e;
	if (!hex4(len4, &n))
		return ADB_EPROTO;
	if (n > max)
		return ADB_ETOOBIG;
	*out = malloc(n + 1);
	if (!*out)
		return ADB_ENOMEM;
	e = read_all(fd, *out, n, deadline);
	if (e) {
		free(*out);
		*out = NULL;
		return e;
	}
	(*out)[n] = '\0';
	*len = n;
	return ADB_OK;
}

enum adb_err adb_host_query(struct adb_client *c, const char *service, char **out, size_t *len)
{
	int fd = -1;
	enum adb_err e;

	*out = NULL;
	*len = 0;
	e = adb_connect(c, &fd);
	if (!e)
		e = adb_send_request(c, fd, service);
	if (!e)
		e = adb_read_payload(c, fd, ADB_REPLY_MAX, out, len);
	if (fd >= 0)
		close(fd);
	return e;
}

/* `adb start-server`, with this process's environment (ADB_SERVER_SOCKET and
 * ANDROID_ADB_SERVER_PORT included); waits for it, within the client's deadline. */
static int start_server(const struct adb_client *c)
{
	int64_t deadline = clock_mono_ms() + c->timeout_ms;
	pid_t pid = fork();
	int status = 0;

	if (pid < 0)
		return 0;
	if (pid == 0) {
		int devnull = open("/dev/null", O_RDWR);

		if (devnull >= 0) {
			dup2(devnull, 0);
			dup2(devnull, 1);
			dup2(devnull, 2);
		}
		execlp("adb", "adb", "start-server", (char *)NULL);
		_exit(127);
	}
	for (;;) {
		pid_t r = waitpid(pid, &status, WNOHANG);

		if (r == pid)
			break;
		if (r < 0 && errno != EINTR)
			return 0;
		if (clock_mono_ms() > deadline) {
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			return 0;
		}
		usleep(10000);
	}
	return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

enum adb_err adb_ensure_server(struct adb_client *c, int *version)
{
	char *text = NULL;
	size_t len = 0, v = 0;
	enum adb_err e = adb_host_query(c, "host:version", &text, &len);

	if (e == ADB_ENOSERVER) {
		log_msg(LOG_INFO, "no adb server on %s:%u, starting one", c->host, c->port);
		if (!start_server(c))
			return ADB_ENOSERVER;
		e = adb_host_query(c, "host:version", &text, &len);
	}
	if (e)
		return e;
	if (len != 4 || !hex4(text, &v)) {
		free(text);
		return ADB_EPROTO;
	}
	free(text);
	if (version)
		*version = (int)v;
	return ADB_OK;
}

/* Append LEN bytes to a bounded buffer. */
static enum adb_err append(char **buf, size_t *len, const char *data, size_t n)
{
	char *nb;

	if (*len + n > ADB_SHELL_MAX)
		return ADB_ETOOBIG;
	nb = realloc(*buf, *len + n + 1);
	if (!nb)
		return ADB_ENOMEM;
	memcpy(nb + *len, data, n);
	*len += n;
	nb[*len] = '\0';
	*buf = nb;
	return ADB_OK;
}

static enum adb_err shell_v2_read(struct adb_client *c, int fd, struct adb_shell_result *r)
{
	int64_t deadline = clock_mono_ms() + c->timeout_ms;
	char chunk[16384];

	for (;;) {
		unsigned char head[5];
		uint32_t n;
		enum adb_err e = read_all(fd, head, 5, deadline);

		if (e)
			return e;
		n = (uint32_t)head[1] | (uint32_t)head[2] << 8 | (uint32_t)head[3] << 16 |
		    (uint32_t)head[4] << 24;
		if (n > ADB_SHELL_MAX)
			return ADB_ETOOBIG;
		if (head[0] == SHELL_EXIT) {
			unsigned char code;

			if (n != 1)
				return ADB_EPROTO;
			e = read_all(fd, &code, 1, deadline);
			if (!e)
				r->exit_code = code;
			return e;
		}
		while (n > 0) {
			size_t take = n < sizeof(chunk) ? n : sizeof(chunk);

			e = read_all(fd, chunk, take, deadline);
			if (e)
				return e;
			if (head[0] == SHELL_STDOUT)
				e = append(&r->out, &r->out_len, chunk, take);
			else if (head[0] == SHELL_STDERR)
				e = append(&r->err, &r->err_len, chunk, take);
			if (e)
				return e;
			n -= (uint32_t)take;
		}
	}
}

static enum adb_err shell_legacy_read(struct adb_client *c, int fd, struct adb_shell_result *r)
{
	int64_t deadline = clock_mono_ms() + c->timeout_ms;
	char chunk[16384];

	for (;;) {
		ssize_t n;
		enum adb_err e = wait_fd(fd, POLLIN, deadline);

		if (e)
			return e;
		n = recv(fd, chunk, sizeof(chunk), 0);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n < 0)
			return ADB_EIO;
		if (n == 0)
			return ADB_OK; /* the end of a legacy shell is the end of the stream */
		e = append(&r->out, &r->out_len, chunk, (size_t)n);
		if (e)
			return e;
	}
}

enum adb_err adb_shell(struct adb_client *c, const char *serial, const char *cmd, int v2,
		       struct adb_shell_result *r)
{
	char req[256], tid[8];
	char *svc = NULL;
	size_t svc_len;
	int fd = -1;
	enum adb_err e;

	memset(r, 0, sizeof(*r));
	r->exit_code = -1;
	if (snprintf(req, sizeof(req), "host:tport:serial:%s", serial) >= (int)sizeof(req))
		return ADB_ETOOBIG;
	svc_len = strlen(cmd) + 32;
	svc = malloc(svc_len);
	if (!svc)
		return ADB_ENOMEM;
	snprintf(svc, svc_len, v2 ? "shell,v2,raw:%s" : "shell:%s", cmd);
	e = adb_connect(c, &fd);
	if (!e)
		e = adb_send_request(c, fd, req);
	if (!e)
		e = read_all(fd, tid, 8, clock_mono_ms() + c->timeout_ms); /* transport id */
	if (!e)
		e = adb_send_request(c, fd, svc);
	if (!e)
		e = v2 ? shell_v2_read(c, fd, r) : shell_legacy_read(c, fd, r);
	if (!r->out && append(&r->out, &r->out_len, "", 0) != ADB_OK)
		e = e ? e : ADB_ENOMEM;
	if (!r->err && append(&r->err, &r->err_len, "", 0) != ADB_OK)
		e = e ? e : ADB_ENOMEM;
	if (fd >= 0)
		close(fd);
	free(svc);
	return e;
}

void adb_shell_result_release(struct adb_shell_result *r)
{
	free(r->out);
	free(r->err);
	r->out = r->err = NULL;
	r->out_len = r->err_len = 0;
}

enum adb_err adb_track_open(struct adb_client *c, int *fd)
{
	enum adb_err e = adb_connect(c, fd);

	if (e)
		return e;
	e = adb_send_request(c, *fd, "host:track-devices-l");
	if (e) {
		close(*fd);
		*fd = -1;
	}
	return e;
}

enum adb_err adb_track_next(struct adb_client *c, int fd, int wait_ms, char **out, size_t *len)
{
	enum adb_err e;

	*out = NULL;
	*len = 0;
	/* Waiting for a change may take long; once it starts, the list comes at once. */
	e = wait_fd(fd, POLLIN, clock_mono_ms() + wait_ms);
	if (e)
		return e;
	return adb_read_payload(c, fd, ADB_REPLY_MAX, out, len);
}
