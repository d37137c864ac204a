/*
 * web — atelier serve: the bench on screen, an HTTP server and its JSON API on the
 * service layer (src/svc/svc.h), beside the command line.
 *
 *     server.c  libmicrohttpd: listening, TLS, limits, a few threads serving every
 *               connection (one that waits is suspended, not its thread), the body
 *               gathered (bounded) before a request is handed on, signals
 *     routes.c  the one route table {method, path, role, handler}: a handler decodes
 *               the request, calls one svc function and the view is encoded as JSON;
 *               svc errors become HTTP statuses in one function (web_status_of)
 *     assets.c  the files of web/, built into the binary (or read from --web-dir)
 *     html.c    all the HTML the server writes itself, escaped in one place
 *
 * Invariants: a struct bench is used by one request at a time, on one thread at a
 * time, and given back before the answer leaves (svc contexts are not shared between
 * threads).
 * Nothing from the request reaches svc before it is bounded: the body (WEB_BODY_MAX,
 * WEB_DEPTH_MAX), the headers (WEB_HEADERS_MAX), the path. A bad request is a 4xx,
 * never a 5xx and never a crash.
 */
#ifndef ATELIER_WEB_WEB_H
#define ATELIER_WEB_WEB_H

#include <jansson.h>
#include <pthread.h>
#include <stddef.h>

#include "svc/svc.h"

#define WEB_BODY_MAX (64 * 1024)	/* bytes of a request body */
#define WEB_DEPTH_MAX 32		/* nesting of a JSON body */
#define WEB_CONN_MAX 64			/* connections at once */
#define WEB_TIMEOUT_S 15		/* a connection idle this long is dropped */
#define WEB_HEADERS_MAX (32 * 1024)	/* memory of one connection: request line, headers */
#define WEB_ASSET_MAX (4 * 1024 * 1024) /* a file served from --web-dir */
#define WEB_KEY_BYTES 32		/* the server's secret for CSRF tokens */
#define WEB_CSRF_HEX 65			/* a CSRF token as hex, with its NUL */

/* What atelier serve was asked. */
struct web_config {
	const char *data_opt;		/* --data, or NULL */
	const char *listen;		/* ADDR:PORT ([ADDR]:PORT for IPv6); NULL: 127.0.0.1:8080 */
	int public_ok;			/* --public: may listen beyond this machine */
	const char *tls_cert, *tls_key; /* both or neither */
	const char *web_dir;		/* NULL: the assets built in */
	int timeout_s;			/* 0: WEB_TIMEOUT_S */
	int no_usb;			/* --no-usb: phones are not watched (the API alone) */
	const char *languages;		/* --languages fr,nl,en: the picker's list, or NULL */
};

/* Serve until SIGINT or SIGTERM. Returns an exit status (0 after a clean stop); what
 * went wrong is on standard error. */
int web_serve(const struct web_config *cfg);

/* ---- what server.c hands routes.c, and what it gets back ---- */

struct live;

/* The server's state shared by every thread; read-only once serving. */
struct web_ctx {
	const char *data_opt;
	const char *web_dir;
	int tls;
	unsigned char key[WEB_KEY_BYTES];
	struct live *live; /* the bench now (live.c); NULL: nothing watched */
	int keepalive_ms;  /* a server-sent-events stream says something this often */
	const char *languages; /* the languages offered ("fr,nl,en"), or NULL: all built */
};

/* One request as it arrived: the body is whole (or too_big), the path unescaped. */
struct web_in {
	const char *method, *path;
	const char *body;
	size_t len;
	int too_big;
	int local; /* the client is this machine (loopback) */
	/* A header's value, or NULL (NAME is case-insensitive); a cookie; a query argument. */
	const char *(*header)(void *conn, const char *name);
	const char *(*cookie)(void *conn, const char *name);
	const char *(*query)(void *conn, const char *name);
	/* Every query argument as "k=v&k=v" into BUF: 0 when they do not fit. */
	int (*query_all)(void *conn, char *buf, size_t size);
	void *conn;
	/* The server's few threads each serve many connections: a request that waits (a
	 * change, a read apart) does not hold one. SUSPEND(CONN) stops serving the
	 * connection (called on its thread, by web_route()), and RESUME(CONN) serves it again
	 * (from any thread), once its answer is ready for web_route_finish(). */
	void (*suspend)(void *conn), (*resume)(void *conn);
};

#define WEB_COOKIE_MAX 200

/* The answer: STATUS, a body of LEN bytes of TYPE (owned when OWNED: freed with free()),
 * a cookie to set (empty: none), and the name of the file it is (empty: none). */
struct web_out {
	unsigned status;
	char *body;
	size_t len;
	int owned;
	const char *type;
	const char *allow; /* an Allow header (405), or NULL */
	int api;	   /* an answer of /api: never cached */
	const char *encoding; /* its Content-Encoding ("gzip": a kept answer), or NULL */
	int vary_encoding;    /* the answer depends on the request's Accept-Encoding */
	void (*release)(void *cls); /* when set, BODY is released by this, not free() */
	void *release_cls;
	int stream;	   /* the answer is read from STREAM_FD as it is written (owned) */
	int stream_fd;
	int events;	   /* a server-sent-events stream from LIVE follows, not BODY */
	unsigned long long events_from;
	char cookie[WEB_COOKIE_MAX];
	/* A file to save, not to show: its name (letters, digits, '.', '-', '_'; svc's
	 * struct svc_file), sent as Content-Disposition: attachment. Empty: none. */
	char attachment[96];
};
/* OUT's body is not sent after all: given back as it says (released, freed or kept). */
void web_out_drop_body(struct web_out *out);

/* Answer IN into OUT: the API (routes.c) or an asset (assets.c). NULL once answered; a
 * request answered later (a change, a read apart) is given back pending, its connection
 * suspended: once IN's resume() is called, web_route_finish(PENDING) writes its answer
 * into OUT, which must stay where it is until then. */
void *web_route(const struct web_ctx *ctx, const struct web_in *in, struct web_out *out);
void web_route_finish(void *pending);
/* The server stops: from now on a change is refused (503) and a read apart is made where
 * it came in; returns once every request answered later has been (its connection
 * resumed), so that none is left suspended. */
void web_drain(void);

/* The largest body a request of METHOD on PATH may carry: WEB_BODY_MAX for JSON, more
 * for a route that takes a file (a photo). */
size_t web_body_max(const char *method, const char *path);

/* Close the service contexts kept between requests (when the server stops). */
void web_contexts_free(void);
/* Start FN(ARG) on a thread named NAME, with every signal blocked (the server's signals
 * are for its main thread), into *T; detached when T is NULL. 0, or an errno. */
int web_thread_start(pthread_t *t, void *(*fn)(void *), void *arg, const char *name);

/* The HTTP status of a service error, and its code word ("not-found") into *WORD. */
unsigned web_status_of(enum svc_err err, const char **word);

/* ---- the bench now (live.c) ----
 * The phones and tablets attached now, read as they arrive, and the events that tell
 * the screens (server-sent events): plugged, unplugged, read, trust, graded, and reset
 * (the screen fell behind: read /api/bench again). */

/* Start watching (USB when USB is 1) for the store of DATA_OPT; NULL when out of memory.
 * Without USB (or when libusb cannot start) the list stays empty and says why. */
struct live *live_start(const char *data_opt, int usb);
/* Resume every waiting stream and wake every thread so that they end; then live_free(). */
void live_shutdown(struct live *l);
void live_free(struct live *l);
/* {devices: [{usb_id, state, trust, result, hint, since_ms, card}], usb: why not | absent}. */
json_t *live_bench(struct live *l);
/* Tell every screen: event NAME with DATA (a reference is taken). */
void live_publish(struct live *l, const char *name, json_t *data);
/* The first event a new stream gets: after LAST_ID (a Last-Event-ID, may be NULL). */
unsigned long long live_sse_start(struct live *l, const char *last_id);
/* The events from *SEQ as text/event-stream into BUF (up to MAX bytes), without waiting;
 * *SEQ moves past them. 0 when there are none, -1 when stopping. */
long live_sse_read(struct live *l, unsigned long long *seq, char *buf, size_t max);
/* A stream with no event after SEQ: RESUME(CONN) is called once (under the list's lock)
 * when the next event comes, at the next live_sse_kick(), or when stopping. 0 when it is
 * listed; 1 when there is something to read already (or it is stopping); -1 when out of
 * memory. */
int live_sse_wait(struct live *l, unsigned long long seq, void (*resume)(void *conn), void *conn);
/* Resume every waiting stream: a keep-alive may be due. */
void live_sse_kick(struct live *l);

/* ---- answers kept while the records are unchanged (cache.c) ---- */

/* The records may have changed (this thread committed): kept answers are stale. */
void web_cache_changed(void);
/* The records' generation now, given DATA_VERSION, the data_version this thread's own
 * connection reads now, and *LAST, the one it read before (updated). */
long long web_cache_generation(long long data_version, long long *last);

enum web_cache_hit {
	WEB_CACHE_HIT,	   /* OUT holds the kept answer */
	WEB_CACHE_COMPUTE, /* compute it, then web_cache_put() (always, even on an error) */
	WEB_CACHE_NONE,	   /* compute it; nothing is kept */
};
/* The answer kept under KEY at generation GEN into OUT (by reference: OUT's release
 * frees it), gzipped when GZIP (the client accepts it) and it was kept so; a request
 * computing the same answer now is waited for. */
enum web_cache_hit web_cache_get(const char *key, long long gen, int gzip, struct web_out *out);
/* Whether a request whose Accept-Encoding header is HEADER (NULL: none) takes gzip. */
int web_accepts_gzip(const char *header);
/* Keep OUT (a 200; anything else is not kept) under KEY at GEN, and wake those waiting.
 * OUT is then given as the requests after it get it: gzipped when GZIP and it is
 * CACHE_GZIP_MIN (cache.c) or more, with Vary. */
void web_cache_put(const char *key, long long gen, int gzip, struct web_out *out);
/* Forget every answer (when the server stops). */
void web_cache_free(void);

/* ---- assets (assets.c) ---- */

struct web_asset {
	const char *path; /* relative to web/: "index.html", "app.css" */
	const char *type; /* its Content-Type */
	const unsigned char *data;
	size_t size;
};

/* The files of web/, built in (generated by scripts/web-assets); ended by a NULL path. */
extern const struct web_asset web_assets[];

/* 1 when REL (a path below web/) is one an asset may have: segments of letters, digits,
 * '.', '-', '_', none empty or starting with '.'; so never "..", absolute, a backslash,
 * a '%' left encoded or a control character. */
int web_asset_path_ok(const char *rel);

/* Answer GET PATH ("/" or "/static/REL") from the assets (or CTX's web_dir): 200 with
 * the file, else 404 with an HTML page. */
void web_static(const struct web_ctx *ctx, const char *path, struct web_out *out);

/* ---- HTML (html.c): every byte of HTML the server writes goes through here ---- */

/* S with &, <, >, " and ' as entities; a new string (free()), NULL when out of memory. */
char *web_html_escape(const char *s);
/* A small error page saying TITLE and DETAIL (both escaped) into OUT with STATUS. */
void web_html_error(struct web_out *out, unsigned status, const char *title, const char *detail);

#endif
