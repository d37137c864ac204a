/* atelier serve: libmicrohttpd, a few threads serving every connection (WEB_THREADS),
 * bounded requests; each request is gathered whole and handed to web_route() (routes.c).
 * No thread waits for a connection: a request that waits (a change for the writer, a
 * read apart), a quiet stream of events and a download whose next bytes are not written
 * yet suspend their connection, resumed once there is something to send. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <sys/socket.h>
#include <unistd.h>

#include "util/clock.h"
#include "util/file.h"
#include "util/lazylib.h"
#include "util/log.h"
#include "util/number.h"
#include "web/web.h"

/* libmicrohttpd is loaded by serve alone (util/lazylib.h): the functions called here,
 * by their own names. */
static struct {
	__typeof__(&MHD_add_response_header) add_response_header;
	__typeof__(&MHD_create_response_from_buffer) create_response_from_buffer;
	__typeof__(&MHD_create_response_from_buffer_with_free_callback_cls)
		create_response_from_buffer_with_free_callback_cls;
	__typeof__(&MHD_create_response_from_callback) create_response_from_callback;
	__typeof__(&MHD_destroy_response) destroy_response;
	__typeof__(&MHD_get_connection_info) get_connection_info;
	__typeof__(&MHD_get_connection_values) get_connection_values;
	__typeof__(&MHD_is_feature_supported) is_feature_supported;
	__typeof__(&MHD_lookup_connection_value) lookup_connection_value;
	__typeof__(&MHD_queue_response) queue_response;
	__typeof__(&MHD_resume_connection) resume_connection;
	__typeof__(&MHD_suspend_connection) suspend_connection;
	__typeof__(&MHD_stop_daemon) stop_daemon;
	__typeof__(&MHD_start_daemon) start_daemon; /* last: set once all are */
} mhd;

#define MHD_SYM(f) { "MHD_" #f, (void **)&mhd.f }
static const struct lazy_sym mhd_syms[] = {
	MHD_SYM(add_response_header),
	MHD_SYM(create_response_from_buffer),
	MHD_SYM(create_response_from_buffer_with_free_callback_cls),
	MHD_SYM(create_response_from_callback),
	MHD_SYM(destroy_response),
	MHD_SYM(get_connection_info),
	MHD_SYM(get_connection_values),
	MHD_SYM(is_feature_supported),
	MHD_SYM(lookup_connection_value),
	MHD_SYM(queue_response),
	MHD_SYM(resume_connection),
	MHD_SYM(suspend_connection),
	MHD_SYM(stop_daemon),
	MHD_SYM(start_daemon),
};

#define MHD_add_response_header (*mhd.add_response_header)
#define MHD_create_response_from_buffer (*mhd.create_response_from_buffer)
#define MHD_create_response_from_buffer_with_free_callback_cls \
	(*mhd.create_response_from_buffer_with_free_callback_cls)
#define MHD_create_response_from_callback (*mhd.create_response_from_callback)
#define MHD_destroy_response (*mhd.destroy_response)
#define MHD_get_connection_info (*mhd.get_connection_info)
#define MHD_get_connection_values (*mhd.get_connection_values)
#define MHD_is_feature_supported (*mhd.is_feature_supported)
#define MHD_lookup_connection_value (*mhd.lookup_connection_value)
#define MHD_queue_response (*mhd.queue_response)
#define MHD_resume_connection (*mhd.resume_connection)
#define MHD_suspend_connection (*mhd.suspend_connection)
#define MHD_stop_daemon (*mhd.stop_daemon)
#define MHD_start_daemon (*mhd.start_daemon)

#define TLS_FILE_MAX (64 * 1024) /* a certificate or key file in PEM */
/* The threads that serve the connections (-DWEB_THREADS=N to try another number). At
 * 50 connections recording steps without a pause, 2 answered 10 to 30 % more steps a
 * second than one thread per connection, with a p99 of 10 to 11 ms where it was 11.7 to
 * 33; 3, 4 and 8 did worse, and so did 1. The device list read flat out uncompressed
 * pays for it: its p99 went from 6 to 7.5 ms to 9.2 to 10.9 (each worker's connections
 * wait while it is off its core); gzipped, as browsers read it (cache.c), 4.7 to 5.0.
 * December 2026, alternated runs, docs/architecture.md. */
#ifndef WEB_THREADS
#define WEB_THREADS 2
#endif

/* One request's body as it arrives, and its answer while it waits. */
struct upload {
	char *buf;
	size_t len, max;
	int too_big;
	void *pending;	    /* answered later (web_route()): its connection is suspended */
	struct web_out out; /* where that answer is written */
};

static void suspend_conn(void *conn)
{
	MHD_suspend_connection(conn);
}

static void resume_conn(void *conn)
{
	MHD_resume_connection(conn);
}

static const char *conn_value(void *conn, enum MHD_ValueKind kind, const char *name)
{
	return MHD_lookup_connection_value(conn, kind, name);
}

static const char *get_header(void *conn, const char *name)
{
	return conn_value(conn, MHD_HEADER_KIND, name);
}

static const char *get_cookie(void *conn, const char *name)
{
	return conn_value(conn, MHD_COOKIE_KIND, name);
}

static const char *get_query(void *conn, const char *name)
{
	return conn_value(conn, MHD_GET_ARGUMENT_KIND, name);
}

struct args {
	char *buf;
	size_t size, len;
	int full;
};

static enum MHD_Result add_arg(void *cls, enum MHD_ValueKind kind, const char *key,
			       const char *value)
{
	struct args *a = cls;
	int n;

	(void)kind;
	n = snprintf(a->buf + a->len, a->size - a->len, "%s%s=%s", a->len ? "&" : "", key,
		     value ? value : "");
	if (n < 0 || (size_t)n >= a->size - a->len) {
		a->full = 1;
		return MHD_NO;
	}
	a->len += (size_t)n;
	return MHD_YES;
}

static int get_query_all(void *conn, char *buf, size_t size)
{
	struct args a = { buf, size, 0, 0 };

	buf[0] = '\0';
	MHD_get_connection_values(conn, MHD_GET_ARGUMENT_KIND, add_arg, &a);
	return !a.full;
}

/* 1 when the client of CONN is this machine. */
static int client_is_local(struct MHD_Connection *conn)
{
	const union MHD_ConnectionInfo *ci =
	    MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	const struct sockaddr *sa = ci ? ci->client_addr : NULL;

	if (!sa)
		return 0;
	if (sa->sa_family == AF_INET)
		return (ntohl(((const struct sockaddr_in *)(const void *)sa)->sin_addr.s_addr) >>
			24) == 127;
	if (sa->sa_family == AF_INET6) {
		const struct in6_addr *a =
		    &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr;

		return IN6_IS_ADDR_LOOPBACK(a) ||
		       (IN6_IS_ADDR_V4MAPPED(a) && a->s6_addr[12] == 127);
	}
	return 0;
}

/* Percent-decoding of the path and the query: as libmicrohttpd does, except that "%00"
 * stays as it is, so that a NUL can never cut a path short (the path checks then refuse
 * the '%'). */
static size_t unescape(void *cls, struct MHD_Connection *conn, char *s)
{
	char *o = s;

	(void)cls;
	(void)conn;
	for (const char *p = s; *p; p++) {
		unsigned hi, lo;

		if (p[0] == '%' && sscanf(p + 1, "%1x%1x", &hi, &lo) == 2 && (hi || lo)) {
			*o++ = (char)(hi << 4 | lo);
			p += 2;
		} else {
			*o++ = *p;
		}
	}
	*o = '\0';
	return (size_t)(o - s);
}

static void add_headers(struct MHD_Response *r, const struct web_out *out, int tls)
{
	MHD_add_response_header(r, "Content-Security-Policy",
				"default-src 'self'; script-src 'self'; frame-ancestors 'none'");
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
	MHD_add_response_header(r, "X-Frame-Options", "DENY");
	MHD_add_response_header(r, "Cache-Control", out->api ? "no-store" : "no-cache");
	if (out->type)
		MHD_add_response_header(r, "Content-Type", out->type);
	if (out->allow)
		MHD_add_response_header(r, "Allow", out->allow);
	if (out->encoding)
		MHD_add_response_header(r, "Content-Encoding", out->encoding);
	if (out->vary_encoding)
		MHD_add_response_header(r, "Vary", "Accept-Encoding");
	if (out->cookie[0])
		MHD_add_response_header(r, "Set-Cookie", out->cookie);
	if (out->attachment[0]) {
		char disposition[sizeof(out->attachment) + 32];

		/* The name holds no quote, backslash or control character (web.h). */
		snprintf(disposition, sizeof(disposition), "attachment; filename=\"%s\"",
			 out->attachment);
		MHD_add_response_header(r, "Content-Disposition", disposition);
	}
	if (tls)
		MHD_add_response_header(r, "Strict-Transport-Security", "max-age=31536000");
}

/* One server-sent-events stream: where it is in the ring, and when it last spoke. */
struct stream {
	const struct web_ctx *ctx;
	struct MHD_Connection *conn;
	unsigned long long seq;
	long long said_ms;
};

/* libmicrohttpd asks for the stream's next bytes: the events that came, or a keep-alive
 * comment once it has been quiet for keepalive_ms, so that neither the connection's
 * timeout nor a proxy ends a quiet stream. With nothing to say, the connection is
 * suspended until the next event or the next kick (web_serve()). */
static ssize_t stream_read(void *cls, uint64_t pos, char *buf, size_t max)
{
	static const char ping[] = ": still here\n\n";
	struct stream *st = cls;
	long long now = clock_mono_ms();
	long n;
	int rc;

	(void)pos;
	n = live_sse_read(st->ctx->live, &st->seq, buf, max);
	if (n < 0)
		return MHD_CONTENT_READER_END_OF_STREAM;
	if (n > 0) {
		st->said_ms = now;
		return (ssize_t)n;
	}
	if (now - st->said_ms >= st->ctx->keepalive_ms && max >= sizeof(ping) - 1) {
		memcpy(buf, ping, sizeof(ping) - 1);
		st->said_ms = now;
		return (ssize_t)(sizeof(ping) - 1);
	}
	/* Suspended before it is listed: an event may resume it at once. */
	MHD_suspend_connection(st->conn);
	rc = live_sse_wait(st->ctx->live, st->seq, resume_conn, st->conn);
	if (rc != 0)
		MHD_resume_connection(st->conn);
	return rc < 0 ? MHD_CONTENT_READER_END_WITH_ERROR : 0;
}

static struct MHD_Response *stream_response(struct MHD_Connection *conn,
					    const struct web_ctx *ctx, unsigned long long from)
{
	struct stream *st = calloc(1, sizeof(*st));
	struct MHD_Response *r;

	if (!st)
		return NULL;
	st->ctx = ctx;
	st->conn = conn;
	st->seq = from;
	st->said_ms = clock_mono_ms();
	r = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 16 * 1024, stream_read, st, free);
	if (!r)
		free(st);
	return r;
}

/* ---- downloads written by a thread of their own ----
 * A download (routes.c: the inventory) is written into a pipe as it is read; the answer
 * reads the pipe. When the next bytes are not written yet, the connection is suspended
 * and the pipe handed to the waker, a thread that polls the pipes and resumes each
 * connection once its pipe has bytes (or is closed). */
struct piped {
	int fd; /* the pipe's end to read, not blocking */
	struct MHD_Connection *conn;
};

#define WAKER_MAX (WEB_CONN_MAX + 1)

static struct {
	pthread_mutex_t mu;
	struct piped *waiting[WAKER_MAX]; /* under mu */
	size_t n;
	int wake[2];  /* a byte here: the list moved, or stopping */
	int runs, stopping;
	pthread_t thread;
} waker = { .mu = PTHREAD_MUTEX_INITIALIZER, .wake = { -1, -1 } };

static void *waker_main(void *arg)
{
	struct pollfd fds[WAKER_MAX + 1];
	char drain[64];

	(void)arg;
	for (;;) {
		size_t n;

		pthread_mutex_lock(&waker.mu);
		if (waker.stopping) {
			pthread_mutex_unlock(&waker.mu);
			break;
		}
		fds[0] = (struct pollfd){ .fd = waker.wake[0], .events = POLLIN };
		for (n = 0; n < waker.n; n++)
			fds[n + 1] = (struct pollfd){ .fd = waker.waiting[n]->fd, .events = POLLIN };
		pthread_mutex_unlock(&waker.mu);
		if (poll(fds, n + 1, -1) < 0) {
			if (errno != EINTR) { /* out of memory: tried again shortly */
				log_msg(LOG_WARN, "serve: the downloads' waker cannot poll: %s",
					strerror(errno));
				usleep(100 * 1000);
			}
			continue;
		}
		if (fds[0].revents && read(waker.wake[0], drain, sizeof(drain)) < 0)
			continue; /* nothing to drain: it was woken anyway */
		pthread_mutex_lock(&waker.mu);
		if (waker.stopping) { /* waker_stop() resumed them all */
			pthread_mutex_unlock(&waker.mu);
			break;
		}
		/* Only this thread removes (and waker_stop(), once it stops): the first N
		 * listed are the ones polled. */
		for (size_t i = n; i-- > 0;) {
			if (!fds[i + 1].revents)
				continue;
			MHD_resume_connection(waker.waiting[i]->conn);
			waker.waiting[i] = waker.waiting[--waker.n];
		}
		pthread_mutex_unlock(&waker.mu);
	}
	return NULL;
}

/* Resume P's connection once its pipe has bytes (started by the first): 0, or -1 when
 * it cannot (stopping, or no thread). */
static int waker_add(struct piped *p)
{
	int rc = -1;

	pthread_mutex_lock(&waker.mu);
	if (!waker.runs && !waker.stopping &&
	    pipe2(waker.wake, O_CLOEXEC | O_NONBLOCK) == 0) {
		waker.runs = web_thread_start(&waker.thread, waker_main, NULL, "atelier-waker") == 0;
		if (!waker.runs) {
			close(waker.wake[0]);
			close(waker.wake[1]);
		}
	}
	if (waker.runs && !waker.stopping && waker.n < WAKER_MAX) {
		waker.waiting[waker.n++] = p;
		rc = 0;
		if (write(waker.wake[1], "", 1) < 0 && errno != EAGAIN)
			rc = -1; /* cannot happen with a pipe of our own; refused if it does */
		if (rc)
			waker.n--;
	}
	pthread_mutex_unlock(&waker.mu);
	return rc;
}

/* The server stops: every download waiting is resumed (its next read ends it), and none
 * waits any more. */
static void waker_stop(void)
{
	int runs;

	pthread_mutex_lock(&waker.mu);
	waker.stopping = 1;
	runs = waker.runs;
	for (size_t i = 0; i < waker.n; i++)
		MHD_resume_connection(waker.waiting[i]->conn);
	waker.n = 0;
	if (runs && write(waker.wake[1], "", 1) < 0 && errno != EAGAIN)
		log_msg(LOG_WARN, "serve: cannot wake the downloads' waker: %s", strerror(errno));
	pthread_mutex_unlock(&waker.mu);
	if (runs) {
		pthread_join(waker.thread, NULL);
		close(waker.wake[0]);
		close(waker.wake[1]);
	}
}

/* libmicrohttpd asks for the download's next bytes; the end of the pipe is the end of
 * the answer. */
static ssize_t pipe_read(void *cls, uint64_t pos, char *buf, size_t max)
{
	struct piped *p = cls;
	ssize_t n;

	(void)pos;
	do
		n = read(p->fd, buf, max);
	while (n < 0 && errno == EINTR);
	if (n > 0)
		return n;
	if (n == 0)
		return MHD_CONTENT_READER_END_OF_STREAM;
	if (errno != EAGAIN)
		return MHD_CONTENT_READER_END_WITH_ERROR;
	/* Suspended before it is handed over: the waker may resume it at once. */
	MHD_suspend_connection(p->conn);
	if (waker_add(p) == 0)
		return 0;
	MHD_resume_connection(p->conn);
	return MHD_CONTENT_READER_END_WITH_ERROR;
}

/* The answer is done (or the client gone): the writer's next write fails and it stops. */
static void pipe_free(void *cls)
{
	struct piped *p = cls;

	close(p->fd);
	free(p);
}

void web_out_drop_body(struct web_out *out)
{
	if (out->release)
		out->release(out->release_cls);
	else if (out->owned)
		free(out->body);
}

static enum MHD_Result send_out(struct MHD_Connection *conn, struct web_out *out,
				const struct web_ctx *ctx)
{
	struct MHD_Response *r;
	enum MHD_Result ret;
	int tls = ctx->tls;

	if (out->stream) {
		struct piped *p = malloc(sizeof(*p));
		int flags = fcntl(out->stream_fd, F_GETFL);

		r = NULL;
		if (p && flags >= 0 && fcntl(out->stream_fd, F_SETFL, flags | O_NONBLOCK) == 0) {
			p->fd = out->stream_fd;
			p->conn = conn;
			r = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 32 * 1024,
							      pipe_read, p, pipe_free);
		}
		if (!r) {
			free(p);
			close(out->stream_fd);
			return MHD_NO;
		}
		add_headers(r, out, tls);
		ret = MHD_queue_response(conn, out->status, r);
		MHD_destroy_response(r);
		return ret;
	}
	if (out->events && out->status == 200) {
		if (out->owned)
			free(out->body);
		r = stream_response(conn, ctx, out->events_from);
		if (!r)
			return MHD_NO;
		out->type = "text/event-stream";
		add_headers(r, out, tls);
		ret = MHD_queue_response(conn, 200, r);
		MHD_destroy_response(r);
		return ret;
	}
	if (out->release)
		r = MHD_create_response_from_buffer_with_free_callback_cls(
		    out->len, out->body, out->release, out->release_cls);
	else
		r = MHD_create_response_from_buffer(out->len, out->body,
						    out->owned ? MHD_RESPMEM_MUST_FREE
							       : MHD_RESPMEM_PERSISTENT);
	if (!r) {
		web_out_drop_body(out);
		return MHD_NO;
	}
	add_headers(r, out, tls);
	ret = MHD_queue_response(conn, out->status, r);
	MHD_destroy_response(r);
	return ret;
}

/* The answer to a body over its route's limit: the route is not even looked at. */
static enum MHD_Result too_large(struct MHD_Connection *conn, const struct web_ctx *ctx,
				 size_t max)
{
	char body[128];
	struct web_out out = { .status = 413, .body = body, .type = "application/json", .api = 1 };

	snprintf(body, sizeof(body),
		 "{\"error\": \"too-large\", \"why\": \"the request's body is over %zu %s\"}",
		 max >= 1024 * 1024 ? max / (1024 * 1024) : max / 1024,
		 max >= 1024 * 1024 ? "MiB" : "KiB");
	out.len = strlen(body);
	return send_out(conn, &out, ctx);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
				  const char *method, const char *version, const char *upload_data,
				  size_t *upload_size, void **con_cls)
{
	const struct web_ctx *ctx = cls;
	struct upload *up = *con_cls;
	struct web_in in;

	(void)version;
	if (!up) {
		const char *cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
							     MHD_HTTP_HEADER_CONTENT_LENGTH);
		long long n;

		up = calloc(1, sizeof(*up));
		if (!up)
			return MHD_NO;
		*con_cls = up;
		up->max = web_body_max(method, url);
		/* Refused before a byte of it is read. */
		if (cl && number_whole(cl, 0, (long long)up->max, &n) != NUMBER_OK)
			return too_large(conn, ctx, up->max);
		return MHD_YES;
	}
	if (*upload_size) {
		/* Gathered up to the limit; the rest is read and dropped, then 413. */
		if (!up->too_big && up->len + *upload_size <= up->max) {
			char *grown = realloc(up->buf, up->len + *upload_size + 1);

			if (!grown)
				return MHD_NO;
			up->buf = grown;
			memcpy(up->buf + up->len, upload_data, *upload_size);
			up->len += *upload_size;
			up->buf[up->len] = '\0';
		} else {
			up->too_big = 1;
		}
		*upload_size = 0;
		return MHD_YES;
	}
	if (up->too_big)
		return too_large(conn, ctx, up->max);
	if (up->pending) { /* resumed: its answer is ready */
		web_route_finish(up->pending);
		up->pending = NULL;
		return send_out(conn, &up->out, ctx);
	}
	in = (struct web_in){ .method = method,
			      .path = url,
			      .body = up->buf ? up->buf : "",
			      .len = up->len,
			      .local = client_is_local(conn),
			      .header = get_header,
			      .cookie = get_cookie,
			      .query = get_query,
			      .query_all = get_query_all,
			      .conn = conn,
			      .suspend = suspend_conn,
			      .resume = resume_conn };
	memset(&up->out, 0, sizeof(up->out));
	up->pending = web_route(ctx, &in, &up->out);
	if (up->pending)
		return MHD_YES; /* suspended until its answer is ready */
	return send_out(conn, &up->out, ctx);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
			 enum MHD_RequestTerminationCode why)
{
	struct upload *up = *con_cls;

	(void)cls;
	(void)conn;
	(void)why;
	if (up && up->pending) {
		/* The client left while its answer was made: made, then dropped. */
		web_route_finish(up->pending);
		up->pending = NULL;
		if (up->out.stream)
			close(up->out.stream_fd);
		web_out_drop_body(&up->out);
	}
	if (up) {
		if (up->buf) /* it may hold a secret (a sign-in) */
			sodium_memzero(up->buf, up->len);
		free(up->buf);
		free(up);
	}
	*con_cls = NULL;
}

/* ADDR:PORT (or [ADDR]:PORT) into SA; *LOCAL: it is a loopback address. */
static int parse_listen(const char *s, struct sockaddr_storage *sa, int *local, int *v6)
{
	char host[64];
	const char *colon, *h = s;
	size_t hlen;
	long long port;

	memset(sa, 0, sizeof(*sa));
	if (s[0] == '[') {
		const char *end = strchr(s, ']');

		if (!end || end[1] != ':')
			return 0;
		h = s + 1;
		hlen = (size_t)(end - h);
		colon = end + 1;
	} else {
		colon = strrchr(s, ':');
		if (!colon)
			return 0;
		hlen = (size_t)(colon - s);
	}
	if (hlen == 0 || hlen >= sizeof(host) ||
	    number_whole(colon + 1, 1, 65535, &port) != NUMBER_OK)
		return 0;
	memcpy(host, h, hlen);
	host[hlen] = '\0';
	if (inet_pton(AF_INET, host, &((struct sockaddr_in *)sa)->sin_addr) == 1) {
		struct sockaddr_in *in = (struct sockaddr_in *)sa;

		in->sin_family = AF_INET;
		in->sin_port = htons((unsigned short)port);
		*local = (ntohl(in->sin_addr.s_addr) >> 24) == 127;
		*v6 = 0;
		return 1;
	}
	if (inet_pton(AF_INET6, host, &((struct sockaddr_in6 *)sa)->sin6_addr) == 1) {
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)sa;

		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons((unsigned short)port);
		*local = IN6_IS_ADDR_LOOPBACK(&in6->sin6_addr);
		*v6 = 1;
		return 1;
	}
	return 0;
}

/* FILE's whole text (a PEM file) into *OUT (free()); 0 with the reason on stderr. */
static int read_pem(const char *what, const char *file, char **out)
{
	enum file_err err;
	size_t len;

	*out = file_read(file, TLS_FILE_MAX, &len, &err);
	if (*out && len)
		return 1;
	fprintf(stderr, "atelier serve: cannot read the TLS %s %s: %s\n", what, file,
		*out		      ? "it is empty"
		: err == FILE_ETOOBIG ? "over 64 KiB, not a PEM file"
				      : strerror(errno));
	free(*out);
	*out = NULL;
	return 0;
}

int web_serve(const struct web_config *cfg)
{
	const char *listen = cfg->listen ? cfg->listen : "127.0.0.1:8080";
	struct web_ctx ctx = { .data_opt = cfg->data_opt,
			       .web_dir = cfg->web_dir,
			       .languages = cfg->languages };
	struct sockaddr_storage sa;
	struct MHD_Daemon *d = NULL;
	char *cert = NULL, *key = NULL, shown[80];
	unsigned flags = MHD_USE_AUTO | MHD_USE_INTERNAL_POLLING_THREAD |
			 MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ERROR_LOG;
	unsigned timeout = cfg->timeout_s > 0 ? (unsigned)cfg->timeout_s : WEB_TIMEOUT_S;
	int local = 0, v6 = 0, rc = 1, sig;
	struct timespec kick;
	sigset_t stop;
	char why[300];

	if (lazylib_load("libmicrohttpd.so.12", "libmicrohttpd12", mhd_syms,
			 sizeof(mhd_syms) / sizeof(mhd_syms[0]), why, sizeof(why)) != 0) {
		fprintf(stderr, "atelier serve: %s\n", why);
		return 1;
	}
	if (!parse_listen(listen, &sa, &local, &v6)) {
		fprintf(stderr,
			"atelier serve: --listen takes ADDR:PORT (127.0.0.1:8080, "
			"[::1]:8080), not '%s'\n",
			listen);
		return 2;
	}
	if (cfg->languages &&
	    (!*cfg->languages ||
	     strspn(cfg->languages, "abcdefghijklmnopqrstuvwxyz-,") != strlen(cfg->languages))) {
		fprintf(stderr,
			"atelier serve: --languages takes language codes with commas, such as "
			"fr,nl,en, not '%s'\n",
			cfg->languages);
		return 2;
	}
	if (!local && !cfg->public_ok) {
		fprintf(stderr,
			"atelier serve: %s is reachable from other machines: add --public "
			"if that is what you want (and --tls-cert, --tls-key)\n",
			listen);
		return 2;
	}
	if (!local)
		fprintf(stderr,
			"atelier serve: warning: listening on %s, beyond this machine: "
			"anyone on the network can reach the sign-in%s\n",
			listen,
			cfg->tls_cert ? "" : ", and without TLS passwords cross it in clear");
	if (!cfg->tls_cert != !cfg->tls_key) {
		fprintf(stderr, "atelier serve: TLS needs both --tls-cert and --tls-key\n");
		return 2;
	}
	if (cfg->tls_cert) {
		if (MHD_is_feature_supported(MHD_FEATURE_TLS) != MHD_YES) {
			fprintf(stderr,
				"atelier serve: this libmicrohttpd was built without TLS\n");
			return 1;
		}
		if (!read_pem("certificate", cfg->tls_cert, &cert) ||
		    !read_pem("key", cfg->tls_key, &key))
			goto out;
		ctx.tls = 1;
		flags |= MHD_USE_TLS;
	}
	if (v6)
		flags |= MHD_USE_IPv6;
	/* A quiet stream speaks before the connection's timeout would end it. */
	ctx.keepalive_ms = (int)(timeout * 1000 / 2);
	if (sodium_init() < 0) {
		fprintf(stderr, "atelier serve: libsodium cannot start\n");
		goto out;
	}
	randombytes_buf(ctx.key, sizeof(ctx.key));

	/* SIGINT and SIGTERM are waited for by this thread only: block them before the
	 * server's threads start, so that they inherit the mask. */
	sigemptyset(&stop);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &stop, NULL);
	ctx.live = live_start(cfg->data_opt, !cfg->no_usb);
	if (!ctx.live) {
		fprintf(stderr, "atelier serve: out of memory\n");
		goto out;
	}

	if (ctx.tls)
		d = MHD_start_daemon(
		    flags, 0, NULL, NULL, on_request, &ctx, MHD_OPTION_SOCK_ADDR,
		    (struct sockaddr *)&sa, MHD_OPTION_CONNECTION_LIMIT, (unsigned)WEB_CONN_MAX,
		    MHD_OPTION_THREAD_POOL_SIZE, (unsigned)WEB_THREADS,
		    MHD_OPTION_CONNECTION_TIMEOUT, timeout, MHD_OPTION_CONNECTION_MEMORY_LIMIT,
		    (size_t)WEB_HEADERS_MAX, MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL,
		    MHD_OPTION_UNESCAPE_CALLBACK, unescape, NULL, MHD_OPTION_HTTPS_MEM_CERT, cert,
		    MHD_OPTION_HTTPS_MEM_KEY, key, MHD_OPTION_END);
	else
		d = MHD_start_daemon(flags, 0, NULL, NULL, on_request, &ctx, MHD_OPTION_SOCK_ADDR,
				     (struct sockaddr *)&sa, MHD_OPTION_CONNECTION_LIMIT,
				     (unsigned)WEB_CONN_MAX, MHD_OPTION_THREAD_POOL_SIZE,
				     (unsigned)WEB_THREADS, MHD_OPTION_CONNECTION_TIMEOUT, timeout,
				     MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)WEB_HEADERS_MAX,
				     MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL,
				     MHD_OPTION_UNESCAPE_CALLBACK, unescape, NULL, MHD_OPTION_END);
	if (!d) {
		fprintf(stderr, "atelier serve: cannot listen on %s: %s\n", listen,
			errno ? strerror(errno)
			      : "the server did not start (address, port, TLS files?)");
		goto out;
	}
	snprintf(shown, sizeof(shown), "%s", listen);
	if (strncmp(shown, "0.0.0.0:", 8) == 0 || strncmp(shown, "[::]:", 5) == 0)
		fprintf(stderr, "atelier serve: open it with this machine's address and port %s\n",
			strrchr(shown, ':') + 1);
	printf("Atelier is at %s://%s/\n", ctx.tls ? "https" : "http", shown);
	fflush(stdout);
	/* Every half keep-alive, the quiet streams are resumed: each says it is still there
	 * once it has been quiet for keepalive_ms, and a client gone is then seen (a
	 * suspended connection is not watched). */
	kick.tv_sec = ctx.keepalive_ms / 2000;
	kick.tv_nsec = (long)(ctx.keepalive_ms / 2 % 1000) * 1000000L;
	do {
		sig = sigtimedwait(&stop, NULL, &kick);
		if (sig < 0)
			live_sse_kick(ctx.live);
	} while (sig < 0);
	fprintf(stderr, "atelier serve: stopping (%s)\n", sig == SIGINT ? "SIGINT" : "SIGTERM");
	/* No connection may be left suspended when libmicrohttpd stops: the streams end, the
	 * changes under way are answered, the downloads waiting end. */
	live_shutdown(ctx.live);
	web_drain();
	waker_stop();
	MHD_stop_daemon(d);
	rc = 0;
out:
	live_free(ctx.live);
	web_cache_free();
	web_contexts_free();
	sodium_memzero(ctx.key, sizeof(ctx.key));
	if (key)
		sodium_memzero(key, strlen(key));
	free(cert);
	free(key);
	return rc;
}
