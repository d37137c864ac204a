/* A context whose records are behind the workshop's server (ATELIER_SERVER): the svc
 * functions a bench account needs (signing in, jobs, devices, the audit log) send their
 * request to the server's API and give back its view and its error, so that the command
 * line on a bench never holds the database or the workshop key. The server applies
 * every rule itself; nothing is decided here. */
#define CURL_DISABLE_TYPECHECK /* the calls go through the pointers below */
#include <curl/curl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "svc/svc_int.h"
#include "util/lazylib.h"
#include "util/secret.h"

/* libcurl is loaded by the commands sent to the workshop's server alone
 * (util/lazylib.h): the functions called here, by their own names. */
static struct {
	__typeof__(&curl_easy_cleanup) easy_cleanup;
	__typeof__(&curl_easy_escape) easy_escape;
	__typeof__(&curl_easy_getinfo) easy_getinfo;
	__typeof__(&curl_easy_init) easy_init;
	__typeof__(&curl_easy_perform) easy_perform;
	__typeof__(&curl_easy_reset) easy_reset;
	__typeof__(&curl_easy_setopt) easy_setopt;
	__typeof__(&curl_easy_strerror) easy_strerror;
	__typeof__(&curl_free) free;
	__typeof__(&curl_slist_append) slist_append;
	__typeof__(&curl_slist_free_all) slist_free_all;
	__typeof__(&curl_global_init) global_init; /* last: set once all are */
} lc;

#define CURL_SYM(f) { "curl_" #f, (void **)&lc.f }
static const struct lazy_sym curl_syms[] = {
	CURL_SYM(easy_cleanup), CURL_SYM(easy_escape),	  CURL_SYM(easy_getinfo),
	CURL_SYM(easy_init),	CURL_SYM(easy_perform),	  CURL_SYM(easy_reset),
	CURL_SYM(easy_setopt),	CURL_SYM(easy_strerror),  CURL_SYM(free),
	CURL_SYM(slist_append), CURL_SYM(slist_free_all), CURL_SYM(global_init),
};

#undef curl_easy_getinfo /* curl.h's checks of the argument count */
#undef curl_easy_setopt
#define curl_easy_cleanup (*lc.easy_cleanup)
#define curl_easy_escape (*lc.easy_escape)
#define curl_easy_getinfo (*lc.easy_getinfo)
#define curl_easy_init (*lc.easy_init)
#define curl_easy_perform (*lc.easy_perform)
#define curl_easy_reset (*lc.easy_reset)
#define curl_easy_setopt (*lc.easy_setopt)
#define curl_easy_strerror (*lc.easy_strerror)
#define curl_free (*lc.free)
#define curl_slist_append (*lc.slist_append)
#define curl_slist_free_all (*lc.slist_free_all)
#define curl_global_init (*lc.global_init)

#define REMOTE_BODY_MAX (8 * 1024 * 1024) /* an answer longer than this is refused */
#define REMOTE_TIMEOUT_S 30

struct svc_remote {
	char url[512]; /* "http://127.0.0.1:8080", no trailing slash */
	char token[SVC_TOKEN_HEX];
	char csrf[80];
	CURL *curl;
};

struct answer {
	char *buf;
	size_t len;
	int too_big;
	char token[SVC_TOKEN_HEX]; /* from a Set-Cookie of the session */
};

static size_t on_body(char *p, size_t size, size_t n, void *ctx)
{
	struct answer *a = ctx;
	size_t add = size * n;
	char *grown;

	if (a->len + add > REMOTE_BODY_MAX) {
		a->too_big = 1;
		return 0;
	}
	grown = realloc(a->buf, a->len + add + 1);
	if (!grown)
		return 0;
	a->buf = grown;
	memcpy(a->buf + a->len, p, add);
	a->len += add;
	a->buf[a->len] = '\0';
	return add;
}

static size_t on_header(char *p, size_t size, size_t n, void *ctx)
{
	static const char name[] = "set-cookie: atelier_session=";
	struct answer *a = ctx;
	size_t len = size * n;

	if (len > sizeof(name) - 1 && strncasecmp(p, name, sizeof(name) - 1) == 0) {
		const char *v = p + sizeof(name) - 1;
		size_t hex = strspn(v, "0123456789abcdef");

		if (hex == SVC_TOKEN_HEX - 1) {
			memcpy(a->token, v, hex);
			a->token[hex] = '\0';
		}
	}
	return len;
}

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static int curl_ok;
static char curl_why[300];

static void start_curl(void)
{
	curl_ok = lazylib_load("libcurl-gnutls.so.4", "libcurl3-gnutls", curl_syms,
			       sizeof(curl_syms) / sizeof(curl_syms[0]), curl_why,
			       sizeof(curl_why)) == 0 &&
		  curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;
}

enum svc_err svc_remote_open(struct bench *b, const char *url)
{
	size_t n = strlen(url);

	if ((strncmp(url, "http://", 7) != 0 && strncmp(url, "https://", 8) != 0) ||
	    n >= sizeof(b->remote->url))
		return svc_fail(b, SVC_EINVAL,
				"ATELIER_SERVER is the workshop server's address, such as "
				"http://127.0.0.1:8080, not '%s'",
				url);
	pthread_once(&curl_once, start_curl);
	b->remote = calloc(1, sizeof(*b->remote));
	if (!curl_ok || !b->remote || !(b->remote->curl = curl_easy_init())) {
		free(b->remote);
		b->remote = NULL;
		return svc_fail(b, SVC_EIO, "cannot start libcurl to reach %s%s%s", url,
				curl_why[0] ? ": " : "", curl_why);
	}
	while (n > 0 && url[n - 1] == '/')
		n--;
	memcpy(b->remote->url, url, n);
	b->remote->url[n] = '\0';
	snprintf(b->dir, sizeof(b->dir), "%s", b->remote->url);
	return SVC_OK;
}

void svc_remote_close(struct bench *b)
{
	if (!b->remote)
		return;
	curl_easy_cleanup(b->remote->curl);
	secret_wipe(b->remote->token, sizeof(b->remote->token));
	free(b->remote);
	b->remote = NULL;
}

/* The error of an answer: its {error} word, else its status. */
static enum svc_err err_of(long status, const json_t *doc)
{
	enum svc_err e = svc_err_of_word(json_string_value(json_object_get(doc, "error")));

	if (e != SVC_OK)
		return e;
	return status == 401   ? SVC_EAUTH
	       : status == 403 ? SVC_EDENIED
	       : status == 404 ? SVC_ENOENT
	       : status == 409 ? SVC_ESTATE
	       : status < 500  ? SVC_EINVAL
			       : SVC_EIO;
}

enum svc_err svc_remote_call(struct bench *b, const char *method, const char *path,
			     json_t *body, json_t **view)
{
	struct svc_remote *r = b->remote;
	struct answer a = { 0 };
	struct curl_slist *h = NULL;
	char url[2048], line[256], errbuf[CURL_ERROR_SIZE] = "";
	char *text = NULL;
	json_t *doc = NULL;
	long status = 0;
	enum svc_err err;
	CURLcode rc;

	*view = NULL;
	snprintf(url, sizeof(url), "%s%s", r->url, path);
	if (body)
		text = json_dumps(body, JSON_COMPACT);
	json_decref(body);
	curl_easy_reset(r->curl);
	curl_easy_setopt(r->curl, CURLOPT_URL, url);
	curl_easy_setopt(r->curl, CURLOPT_CUSTOMREQUEST, method);
	curl_easy_setopt(r->curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(r->curl, CURLOPT_TIMEOUT, (long)REMOTE_TIMEOUT_S);
	curl_easy_setopt(r->curl, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(r->curl, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(r->curl, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(r->curl, CURLOPT_WRITEDATA, &a);
	curl_easy_setopt(r->curl, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(r->curl, CURLOPT_HEADERDATA, &a);
	if (text) {
		curl_easy_setopt(r->curl, CURLOPT_POSTFIELDS, text);
		h = curl_slist_append(h, "Content-Type: application/json");
	}
	if (r->token[0]) {
		snprintf(line, sizeof(line), "Cookie: atelier_session=%s", r->token);
		h = curl_slist_append(h, line);
	}
	if (r->csrf[0] && strcmp(method, "GET") != 0) {
		snprintf(line, sizeof(line), "X-CSRF-Token: %s", r->csrf);
		h = curl_slist_append(h, line);
	}
	curl_easy_setopt(r->curl, CURLOPT_HTTPHEADER, h);
	rc = curl_easy_perform(r->curl);
	curl_easy_getinfo(r->curl, CURLINFO_RESPONSE_CODE, &status);
	curl_slist_free_all(h);
	if (text) {
		secret_wipe(text, strlen(text)); /* a sign-in carries a secret */
		free(text);
	}
	secret_wipe(line, sizeof(line));
	if (rc != CURLE_OK) {
		err = svc_fail(b, SVC_EIO,
			       "the workshop's server at %s cannot be reached (%s): nothing was "
			       "recorded, try again",
			       r->url, a.too_big ? "its answer is too long" : errbuf[0] ? errbuf : curl_easy_strerror(rc));
		goto out;
	}
	doc = a.buf ? json_loadb(a.buf, a.len, 0, NULL) : NULL;
	if (status == 200 && doc) {
		*view = json_incref(doc);
		if (a.token[0])
			memcpy(r->token, a.token, sizeof(r->token));
		err = SVC_OK;
	} else if (doc && json_is_string(json_object_get(doc, "why"))) {
		err = svc_fail(b, err_of(status, doc), "%s",
			       json_string_value(json_object_get(doc, "why")));
		*view = json_incref(json_object_get(doc, "detail"));
	} else {
		err = svc_fail(b, SVC_EIO, "the workshop's server at %s gave an answer that is not "
					   "its API's (HTTP %ld): is ATELIER_SERVER right?",
			       r->url, status);
	}
out:
	secret_wipe(a.token, sizeof(a.token));
	free(a.buf);
	json_decref(doc);
	return err;
}

/* GET PATH with each query argument escaped: NAMES[i]=VALUES[i] when VALUES[i] is set. */
enum svc_err svc_remote_get(struct bench *b, const char *path, const char *const *names,
			    const char *const *values, size_t n, json_t **view)
{
	char url[1024];
	size_t len = (size_t)snprintf(url, sizeof(url), "%s", path);

	for (size_t i = 0; i < n; i++) {
		char *v;

		if (!values[i])
			continue;
		v = curl_easy_escape(b->remote->curl, values[i], 0);
		if (!v)
			return svc_fail(b, SVC_EIO, "out of memory");
		len += (size_t)snprintf(url + len, len < sizeof(url) ? sizeof(url) - len : 0,
					"%c%s=%s", strchr(url, '?') ? '&' : '?', names[i], v);
		curl_free(v);
	}
	if (len >= sizeof(url))
		return svc_fail(b, SVC_EINVAL, "the request is too long");
	return svc_remote_call(b, "GET", url, NULL, view);
}

/* PREFIX followed by SEGMENT escaped (a device's key in a path). */
enum svc_err svc_remote_get_one(struct bench *b, const char *prefix, const char *segment,
				json_t **view)
{
	char path[1024];
	char *v = curl_easy_escape(b->remote->curl, segment, 0);

	if (!v)
		return svc_fail(b, SVC_EIO, "out of memory");
	snprintf(path, sizeof(path), "%s%s", prefix, v);
	curl_free(v);
	return svc_remote_call(b, "GET", path, NULL, view);
}

enum svc_err svc_remote_login(struct bench *b, const char *name, const char *secret,
			      char *token, json_t **view)
{
	enum svc_err err = svc_remote_call(
	    b, "POST", "/api/login", json_pack("{s:s, s:s}", "name", name, "secret", secret), view);

	if (err)
		return err;
	if (!b->remote->token[0]) {
		json_decref(*view);
		*view = NULL;
		return svc_fail(b, SVC_EIO, "the workshop's server signed you in but gave no "
					    "session");
	}
	memcpy(token, b->remote->token, SVC_TOKEN_HEX);
	snprintf(b->remote->csrf, sizeof(b->remote->csrf), "%s",
		 json_string_value(json_object_get(*view, "csrf")) ?: "");
	json_object_del(*view, "csrf");
	return SVC_OK;
}

enum svc_err svc_remote_resume(struct bench *b, const char *token)
{
	json_t *me = NULL;
	enum svc_err err;
	const char *role;

	snprintf(b->remote->token, sizeof(b->remote->token), "%s", token);
	err = svc_remote_call(b, "GET", "/api/me", NULL, &me);
	if (err) {
		b->signed_in = 0;
		b->auth_err = err;
		snprintf(b->auth_why, sizeof(b->auth_why), "%s", b->why);
		json_decref(me);
		return err;
	}
	snprintf(b->remote->csrf, sizeof(b->remote->csrf), "%s",
		 json_string_value(json_object_get(me, "csrf")) ?: "");
	snprintf(b->me.name, sizeof(b->me.name), "%s",
		 json_string_value(json_object_get(me, "name")) ?: "");
	role = json_string_value(json_object_get(me, "role"));
	if (!role || !role_parse(role, &b->me.role))
		b->me.role = ROLE_NONE;
	b->me.active = 1;
	b->signed_in = 1;
	json_decref(me);
	return SVC_OK;
}

/* ---- the requests of each svc function that may go through the server ---- */

enum svc_err svc_remote_job_start(struct bench *b, const struct svc_job_start *req, json_t **view)
{
	return svc_remote_call(b, "POST", "/api/jobs",
			       json_pack("{s:s, s:s, s:s?}", "device", req->device, "checklist",
					 req->checklist, "trainee", req->trainee),
			       view);
}

static void job_path(char *out, size_t size, long long job, const char *what)
{
	snprintf(out, size, "/api/jobs/%lld%s%s", job, what ? "/" : "", what ? what : "");
}

enum svc_err svc_remote_job_step(struct bench *b, const struct svc_step *req, json_t **view)
{
	json_t *body = json_pack("{s:s, s:s?, s:s?, s:s?, s:s?, s:s?}", "step", req->step,
				 "result", req->result, "value", req->value, "note", req->note,
				 "tester", req->tester, "by", req->by);
	char path[64];

	if (body && req->corrects)
		json_object_set_new(body, "corrects", json_integer(req->corrects));
	if (body && req->n_parts) {
		json_t *parts = json_array();

		for (size_t i = 0; i < req->n_parts; i++)
			json_array_append_new(
			    parts, json_pack("{s:s, s:s, s:s, s:s?}", "name", req->parts[i].name,
					     "origin", req->parts[i].origin, "serial",
					     req->parts[i].serial, "supplier", req->parts[i].supplier));
		json_object_set_new(body, "parts", parts);
	}
	if (!body)
		return svc_fail(b, SVC_EIO, "out of memory");
	job_path(path, sizeof(path), req->job, "steps");
	return svc_remote_call(b, "POST", path, body, view);
}

enum svc_err svc_remote_job(struct bench *b, const char *method, long long job, const char *what,
			    const char *by, json_t **view)
{
	char path[64];

	job_path(path, sizeof(path), job, what);
	return svc_remote_call(b, method, path,
			       strcmp(method, "POST") == 0 ? json_pack("{s:s?}", "by", by) : NULL,
			       view);
}

enum svc_err svc_remote_job_grade(struct bench *b, const struct svc_grade *req, json_t **view)
{
	char path[64];

	job_path(path, sizeof(path), req->job, "grade");
	return svc_remote_call(b, "POST", path,
			       json_pack("{s:s, s:s, s:s?, s:O, s:O}", "verdict", req->verdict,
					 "feedback", req->feedback, "by", req->by, "redo",
					 req->redo, "scores", req->scores),
			       view);
}
