/* atelier serve: libmicrohttpd, one thread per connection, bounded requests; each
 * request is gathered whole and handed to web_route() (routes.c). */
#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <sys/socket.h>
#include <unistd.h>

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
#define MHD_stop_daemon (*mhd.stop_daemon)
#define MHD_start_daemon (*mhd.start_daemon)

#define TLS_FILE_MAX (64 * 1024) /* a certificate or key file in PEM */

/* One request's body as it arrives. */
struct upload {
	char *buf;
	size_t len, max;
	int too_big;
};

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

/* One server-sent-events stream: where it is in the ring. */
struct stream {
	const struct web_ctx *ctx;
	unsigned long long seq;
};

/* libmicrohttpd asks for the stream's next bytes (in the connection's own thread, which
 * may wait here): the events that came, or a keep-alive comment, so that neither the
 * connection's timeout nor a proxy ends a quiet stream. */
static ssize_t stream_read(void *cls, uint64_t pos, char *buf, size_t max)
{
	struct stream *st = cls;
	long n;

	(void)pos;
	n = live_sse_read(st->ctx->live, &st->seq, buf, max, st->ctx->keepalive_ms);
	if (n < 0)
		return MHD_CONTENT_READER_END_OF_STREAM;
	if (n == 0) {
		static const char ping[] = ": still here\n\n";

		if (max < sizeof(ping) - 1)
			return 0;
		memcpy(buf, ping, sizeof(ping) - 1);
		return (ssize_t)(sizeof(ping) - 1);
	}
	return (ssize_t)n;
}

static struct MHD_Response *stream_response(const struct web_ctx *ctx, unsigned long long from)
{
	struct stream *st = calloc(1, sizeof(*st));
	struct MHD_Response *r;

	if (!st)
		return NULL;
	st->ctx = ctx;
	st->seq = from;
	r = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 16 * 1024, stream_read, st, free);
	if (!r)
		free(st);
	return r;
}

/* A download written by a thread of its own into a pipe (routes.c: the inventory):
 * libmicrohttpd asks for the next bytes in the connection's thread, which waits here for
 * them; the end of the pipe is the end of the answer. */
static ssize_t pipe_read(void *cls, uint64_t pos, char *buf, size_t max)
{
	int fd = (int)(intptr_t)cls;
	ssize_t n;

	(void)pos;
	do
		n = read(fd, buf, max);
	while (n < 0 && errno == EINTR);
	if (n == 0)
		return MHD_CONTENT_READER_END_OF_STREAM;
	return n < 0 ? MHD_CONTENT_READER_END_WITH_ERROR : n;
}

/* The answer is done (or the client gone): the writer's next write fails and it stops. */
static void pipe_free(void *cls)
{
	close((int)(intptr_t)cls);
}

static enum MHD_Result send_out(struct MHD_Connection *conn, struct web_out *out,
				const struct web_ctx *ctx)
{
	struct MHD_Response *r;
	enum MHD_Result ret;
	int tls = ctx->tls;

	if (out->stream) {
		r = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 32 * 1024, pipe_read,
						      (void *)(intptr_t)out->stream_fd, pipe_free);
		if (!r) {
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
		r = stream_response(ctx, out->events_from);
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
		if (out->release)
			out->release(out->release_cls);
		else if (out->owned)
			free(out->body);
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
	struct web_out out;
	enum MHD_Result ret;

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
	in = (struct web_in){ .method = method,
			      .path = url,
			      .body = up->buf ? up->buf : "",
			      .len = up->len,
			      .local = client_is_local(conn),
			      .header = get_header,
			      .cookie = get_cookie,
			      .query = get_query,
			      .query_all = get_query_all,
			      .conn = conn };
	memset(&out, 0, sizeof(out));
	web_route(ctx, &in, &out);
	ret = send_out(conn, &out, ctx);
	return ret;
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
			 enum MHD_RequestTerminationCode why)
{
	struct upload *up = *con_cls;

	(void)cls;
	(void)conn;
	(void)why;
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
			 MHD_USE_THREAD_PER_CONNECTION | MHD_USE_ERROR_LOG;
	unsigned timeout = cfg->timeout_s > 0 ? (unsigned)cfg->timeout_s : WEB_TIMEOUT_S;
	int local = 0, v6 = 0, rc = 1, sig;
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
		    MHD_OPTION_CONNECTION_TIMEOUT, timeout, MHD_OPTION_CONNECTION_MEMORY_LIMIT,
		    (size_t)WEB_HEADERS_MAX, MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL,
		    MHD_OPTION_UNESCAPE_CALLBACK, unescape, NULL, MHD_OPTION_HTTPS_MEM_CERT, cert,
		    MHD_OPTION_HTTPS_MEM_KEY, key, MHD_OPTION_END);
	else
		d = MHD_start_daemon(flags, 0, NULL, NULL, on_request, &ctx, MHD_OPTION_SOCK_ADDR,
				     (struct sockaddr *)&sa, MHD_OPTION_CONNECTION_LIMIT,
				     (unsigned)WEB_CONN_MAX, MHD_OPTION_CONNECTION_TIMEOUT, timeout,
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
	do {
		sig = 0;
	} while (sigwait(&stop, &sig) != 0);
	fprintf(stderr, "atelier serve: stopping (%s)\n", sig == SIGINT ? "SIGINT" : "SIGTERM");
	live_shutdown(ctx.live); /* the streams end, so that their connections can close */
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
