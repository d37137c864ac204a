/* The API: one route table {method, path, role, handler}. A handler decodes the
 * request, calls one svc function and returns its error and view; web_route() checks
 * everything else once, in this order: the route and its method, the body's size and
 * shape, the Origin, the session and the role, the CSRF token. The table's role is a
 * first gate only: svc_may() inside svc decides. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <semaphore.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "checklist/checklist.h"
#include "probe/facts.h"
#include "util/clock.h"
#include "util/file.h"
#include "util/log.h"
#include "util/number.h"
#include "util/secret.h"
#include "web/web.h"

#define COOKIE "atelier_session"
#define MAX_PARAMS 2
#define WHY_MAX 256

enum web_role {
	WEB_ANYONE,    /* no session needed */
	WEB_SIGNED_IN, /* any person signed in */
	WEB_TRAINEE,   /* a trainee or above */
	WEB_INSTRUCTOR,
	WEB_ADMIN,
};

/* One request on its way through a handler. */
struct req {
	const struct web_ctx *ctx;
	const struct web_in *in;
	struct web_out *out;
	struct bench *b;
	json_t *body;		       /* a JSON object (empty without a body) */
	const char *param[MAX_PARAMS]; /* the {...} of the path, in order */
	char token[SVC_TOKEN_HEX];     /* the session's token, "" when none */
	char why[WHY_MAX];	       /* a reason of the decoding; else svc_why() */
	const char *event;	       /* an event for the screens, told once committed */
	json_t *event_data;
};

typedef enum svc_err (*handler_fn)(struct req *r, json_t **view);

struct route {
	const char *method;
	const char *path; /* segments; "{name}" takes one segment */
	enum web_role role;
	handler_fn run;
	size_t raw_max; /* 0: the body is JSON (WEB_BODY_MAX); else raw bytes up to this */
	int cache;	/* a view of the records alone: kept while they are unchanged */
	int batch;	/* a change that may share its commit with others (group commit) */
	int apart;	/* a read that may take long (a PDF, a report): on a thread of its own */
};

unsigned web_status_of(enum svc_err err, const char **word)
{
	static const unsigned status[] = {
		[SVC_OK] = 200,		 [SVC_EINVAL] = 400,	  [SVC_ENOENT] = 404,
		[SVC_ENODEVICE] = 404,	 [SVC_EDENIED] = 403,	  [SVC_ESTATE] = 409,
		[SVC_EUNMET] = 409,	 [SVC_EDEVICE] = 409,	  [SVC_EUNDECIDED] = 409,
		[SVC_ENODATA] = 503,	 [SVC_EREFUSED] = 503,	  [SVC_ENOTVALID] = 422,
		[SVC_ENOUSB] = 503,	 [SVC_EIO] = 503,	  [SVC_EREMOVED] = 503,
		[SVC_EAUTH] = 401,
	};

	*word = svc_err_word(err); /* the words are svc's: a front end reads them back */
	if ((unsigned)err >= sizeof(status) / sizeof(status[0]) || !status[err])
		return 503;
	return status[err];
}

/* ---- encoding ---- */

static void out_json(struct web_out *out, unsigned status, json_t *v)
{
	char *s = v ? json_dumps(v, JSON_COMPACT | FACTS_JSON_FLAGS) : NULL;

	json_decref(v);
	out->status = status;
	out->type = "application/json";
	out->api = 1;
	if (!s) {
		out->status = 503;
		out->body = (char *)"{\"error\": \"io\", \"why\": \"out of memory\"}";
		out->len = strlen(out->body);
		out->owned = 0;
		return;
	}
	out->body = s;
	out->len = strlen(s);
	out->owned = 1;
}

/* An error of the API: {error, why} (and the view that came with it, as "detail"). */
static void out_error(struct web_out *out, unsigned status, const char *word, const char *why,
		      json_t *detail)
{
	json_t *e = json_pack("{s:s, s:s}", "error", word, "why", why ? why : "");

	if (e && detail)
		json_object_set(e, "detail", detail);
	json_decref(detail);
	out_json(out, status, e);
}

static void out_svc_error(struct req *r, enum svc_err err, json_t *detail)
{
	const char *word;
	unsigned status = web_status_of(err, &word);
	const char *why = r->why[0]		     ? r->why
			  : r->b && svc_why(r->b)[0] ? svc_why(r->b)
						     : svc_strerror(err);

	out_error(r->out, status, word, why, detail);
}

/* ---- decoding ---- */

static enum svc_err bad(struct req *r, const char *fmt, const char *what)
{
	snprintf(r->why, sizeof(r->why), fmt, what);
	return SVC_EINVAL;
}

/* Nothing at that address: SVC_ENOENT with FMT's reason about WHAT. */
static enum svc_err none(struct req *r, const char *fmt, const char *what)
{
	snprintf(r->why, sizeof(r->why), fmt, what);
	return SVC_ENOENT;
}

/* The string KEY of the body into *OUT (NULL when absent); 0 when it is not a string. */
static int body_str(struct req *r, const char *key, const char **out)
{
	const json_t *v = json_object_get(r->body, key);

	*out = NULL;
	if (!v || json_is_null(v))
		return 1;
	if (!json_is_string(v)) {
		bad(r, "\"%s\" must be a string", key);
		return 0;
	}
	*out = json_string_value(v);
	if (strlen(*out) != json_string_length(v)) {
		bad(r, "\"%s\" must not contain a NUL character", key);
		return 0;
	}
	return 1;
}

static int need_str(struct req *r, const char *key, const char **out)
{
	if (!body_str(r, key, out))
		return 0;
	if (!*out) {
		bad(r, "\"%s\" is missing", key);
		return 0;
	}
	return 1;
}

/* The job number of the path's first parameter. */
static int job_param(struct req *r, long long *id)
{
	if (number_whole(r->param[0], 1, 1LL << 53, id) == NUMBER_OK)
		return 1;
	bad(r, "'%s' is not a job number", r->param[0]);
	return 0;
}

static const char *query(struct req *r, const char *name)
{
	return r->in->query(r->in->conn, name);
}

/* The CSRF token of a session token: a keyed BLAKE2b of it, as hex into OUT. */
static void csrf_of(const struct web_ctx *ctx, const char *token, char out[WEB_CSRF_HEX])
{
	unsigned char mac[32];

	crypto_generichash(mac, sizeof(mac), (const unsigned char *)token, strlen(token), ctx->key,
			   sizeof(ctx->key));
	sodium_bin2hex(out, WEB_CSRF_HEX, mac, sizeof(mac));
}

/* ---- handlers: decode, call svc, give the view ---- */

static enum svc_err h_login(struct req *r, json_t **view)
{
	const char *name, *secret, *lang;
	char csrf[WEB_CSRF_HEX];
	enum svc_err err;

	if (!need_str(r, "name", &name) || !need_str(r, "secret", &secret))
		return SVC_EINVAL;
	if (!body_str(r, "lang", &lang))
		return SVC_EINVAL;
	err = svc_login(r->b, name, secret, r->in->local, r->token, view);
	if (err)
		return err;
	if (lang) { /* chosen on the sign-in screen: kept for the next time */
		json_t *me = NULL;

		err = svc_set_lang(r->b, lang, &me);
		if (err) {
			json_decref(*view);
			*view = NULL;
			return err;
		}
		json_decref(*view);
		*view = me;
	} else {
		json_t *me = NULL;

		if (svc_whoami(r->b, &me) == SVC_OK) {
			json_decref(*view);
			*view = me;
		}
	}
	csrf_of(r->ctx, r->token, csrf);
	json_object_set_new(*view, "csrf", json_string(csrf));
	snprintf(r->out->cookie, sizeof(r->out->cookie),
		 COOKIE "=%s; HttpOnly; SameSite=Strict; Path=/%s", r->token,
		 r->ctx->tls ? "; Secure" : "");
	return SVC_OK;
}

static enum svc_err h_logout(struct req *r, json_t **view)
{
	enum svc_err err = svc_logout(r->b, view);

	if (!err)
		snprintf(r->out->cookie, sizeof(r->out->cookie),
			 COOKIE "=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0%s",
			 r->ctx->tls ? "; Secure" : "");
	return err;
}

static enum svc_err h_me(struct req *r, json_t **view)
{
	char csrf[WEB_CSRF_HEX];
	enum svc_err err = svc_whoami(r->b, view);

	if (err)
		return err;
	csrf_of(r->ctx, r->token, csrf);
	json_object_set_new(*view, "csrf", json_string(csrf));
	return SVC_OK;
}

static enum svc_err h_set_lang(struct req *r, json_t **view)
{
	const char *lang;

	if (!need_str(r, "lang", &lang))
		return SVC_EINVAL;
	return svc_set_lang(r->b, lang, view);
}

/* The phones and tablets attached now, as the screen's cards. */
static enum svc_err h_bench(struct req *r, json_t **view)
{
	*view = live_bench(r->ctx->live);
	return *view ? SVC_OK : SVC_EIO;
}

/* The stream of events: the server sends it after this answer's headers (server.c). */
static enum svc_err h_events(struct req *r, json_t **view)
{
	r->out->events = 1;
	r->out->events_from =
	    live_sse_start(r->ctx->live, r->in->header(r->in->conn, "Last-Event-ID"));
	*view = json_object();
	return SVC_OK;
}

/* Answer with BYTES (LEN, owned) of TYPE instead of a JSON view. */
static enum svc_err answer_bytes(struct req *r, char *bytes, size_t len, const char *type,
				 json_t **view)
{
	r->out->status = 200;
	r->out->body = bytes;
	r->out->len = len;
	r->out->owned = 1;
	r->out->type = type;
	r->out->api = 1;
	*view = NULL;
	return SVC_OK;
}

/* The content type of a picture file by its name's extension; NULL when not a picture. */
static const char *picture_type(const char *name)
{
	const char *dot = strrchr(name, '.');

	if (!dot)
		return NULL;
	if (strcmp(dot, ".svg") == 0)
		return "image/svg+xml";
	if (strcmp(dot, ".png") == 0)
		return "image/png";
	if (strcmp(dot, ".jpg") == 0 || strcmp(dot, ".jpeg") == 0)
		return "image/jpeg";
	return NULL;
}

/* A step's picture (its `image:`, a file beside the checklist). */
static enum svc_err h_step_image(struct req *r, json_t **view)
{
	const struct checklist *c;
	const struct checklist_step *st = NULL;
	char dir[4096], path[8192];
	enum svc_err err = svc_checklist_find(r->b, r->param[0], &c);
	const char *type;
	enum file_err ferr;
	size_t len;
	char *bytes;

	if (err)
		return err;
	for (size_t i = 0; i < c->n_steps && !st; i++)
		if (strcmp(c->steps[i].id, r->param[1]) == 0)
			st = &c->steps[i];
	if (!st || !st->image)
		return none(r, "step '%s' has no picture", r->param[1]);
	type = picture_type(st->image);
	/* Lint keeps pictures inside the checklist's folder; the server checks it again. */
	if (!type || !web_asset_path_ok(st->image) ||
	    file_split_path(c->path, dir, sizeof(dir), NULL) != 0)
		return none(r, "the picture of step '%s' cannot be shown", r->param[1]);
	snprintf(path, sizeof(path), "%s/%s", dir, st->image);
	bytes = file_read(path, WEB_ASSET_MAX, &len, &ferr);
	if (!bytes)
		return none(r, "the picture %s cannot be read", st->image);
	return answer_bytes(r, bytes, len, type, view);
}

static enum svc_err h_photos(struct req *r, json_t **view)
{
	return svc_photo_list(r->b, r->param[0], view);
}

static enum svc_err h_photo_add(struct req *r, json_t **view)
{
	return svc_photo_add(r->b, r->param[0], r->param[1], r->in->body, r->in->len, view);
}

static enum svc_err h_photo(struct req *r, json_t **view)
{
	const char *type;
	char *bytes;
	size_t len;
	enum svc_err err = svc_photo_get(r->b, r->param[0], &bytes, &len, &type);

	if (err)
		return err;
	return answer_bytes(r, bytes, len, type, view);
}

static enum svc_err h_devices(struct req *r, json_t **view)
{
	return svc_device_list(r->b, query(r, "state"), view);
}

static enum svc_err h_board(struct req *r, json_t **view)
{
	return svc_device_board(r->b, query(r, "state"), view);
}

static enum svc_err h_cert_check(struct req *r, json_t **view)
{
	return svc_cert_check(r->b, r->param[0], query(r, "lang"), view);
}

/* Certify from the console: the same as atelier certify (the device read again when it
 * is plugged in); the unmet conditions come back with the refusal. */
static enum svc_err h_certify(struct req *r, json_t **view)
{
	const char *by;

	if (!body_str(r, "by", &by))
		return SVC_EINVAL;
	return svc_certify(r->b, r->param[0], by, query(r, "lang"), view);
}

/* Move a device by hand, saying why: out of quarantine once its owner or carrier has
 * done what is lawful, to recycling, and so on (the lifecycle's rules decide). */
static enum svc_err h_device_state(struct req *r, json_t **view)
{
	struct svc_move req = { r->param[0], NULL, NULL, NULL };

	if (!need_str(r, "state", &req.to) || !need_str(r, "why", &req.why) ||
	    !body_str(r, "by", &req.by))
		return SVC_EINVAL;
	return svc_device_set_state(r->b, &req, view);
}

/* ---- resale (docs/resale.md): the same calls as atelier device sell|return|shelf and
 * atelier intake, report erasure ---- */

/* Sell a certified device: {price (text, euros as typed: "89,50"), channel, buyer_ref?,
 * by?}; a refusal of a field comes back as {field, reason} in "detail". */
static enum svc_err h_sell(struct req *r, json_t **view)
{
	struct svc_sale_req req = { r->param[0], NULL, NULL, NULL, NULL };

	if (!need_str(r, "price", &req.price) || !need_str(r, "channel", &req.channel) ||
	    !body_str(r, "buyer_ref", &req.buyer_ref) || !body_str(r, "by", &req.by))
		return SVC_EINVAL;
	return svc_device_sell(r->b, &req, view);
}

static enum svc_err h_return(struct req *r, json_t **view)
{
	const char *why, *by;

	if (!need_str(r, "why", &why) || !body_str(r, "by", &by))
		return SVC_EINVAL;
	return svc_device_return(r->b, r->param[0], why, by, view);
}

static enum svc_err h_shelf(struct req *r, json_t **view)
{
	const char *place, *by;

	if (!need_str(r, "place", &place) || !body_str(r, "by", &by))
		return SVC_EINVAL;
	return svc_device_shelve(r->b, r->param[0], place, by, view);
}

static enum svc_err h_batches(struct req *r, json_t **view)
{
	return svc_batch_list(r->b, view);
}

static enum svc_err h_batch_add(struct req *r, json_t **view)
{
	const char *name, *donor, *by;

	if (!need_str(r, "name", &name) || !need_str(r, "donor", &donor) ||
	    !body_str(r, "by", &by))
		return SVC_EINVAL;
	return svc_batch_add(r->b, name, donor, by, view);
}

#define WEB_BATCH_DEVICES_MAX 64 /* devices put in a batch by one request */

/* {devices: [key...], by?}: all or none. */
static enum svc_err h_batch_devices(struct req *r, json_t **view)
{
	const json_t *list = json_object_get(r->body, "devices"), *v;
	const char *keys[WEB_BATCH_DEVICES_MAX], *by;
	size_t i;

	if (!body_str(r, "by", &by))
		return SVC_EINVAL;
	if (!json_is_array(list) || json_array_size(list) == 0 ||
	    json_array_size(list) > WEB_BATCH_DEVICES_MAX)
		return bad(r, "\"%s\" must be a list of 1 to 64 devices", "devices");
	json_array_foreach (list, i, v) {
		if (!json_is_string(v) || strlen(json_string_value(v)) != json_string_length(v))
			return bad(r, "each of \"%s\" must be a device's key (a string)", "devices");
		keys[i] = json_string_value(v);
	}
	return svc_batch_attach(r->b, r->param[0], keys, json_array_size(list), by, view);
}

/* The donor's erasure report of a batch to download: ?format=csv|pdf|html&lang=. */
static enum svc_err h_erasure(struct req *r, json_t **view)
{
	const char *format = query(r, "format"), *lang = query(r, "lang");
	struct svc_file file;
	enum svc_err err;

	err = svc_erasure_file(r->b, r->param[0], format && *format ? format : "pdf",
			       lang && *lang ? lang : NULL, &file);
	if (err)
		return err;
	snprintf(r->out->attachment, sizeof(r->out->attachment), "%s", file.name);
	return answer_bytes(r, file.bytes, file.len, file.type, view);
}

/* A certificate's PDF to download from the console, in the language asked or its own. */
static enum svc_err h_cert_pdf(struct req *r, json_t **view)
{
	const char *lang = query(r, "lang");
	struct svc_file file;
	enum svc_err err;

	err = svc_cert_pdf(r->b, r->param[0], lang && *lang ? lang : NULL, &file);
	if (err)
		return err;
	snprintf(r->out->attachment, sizeof(r->out->attachment), "%s", file.name);
	return answer_bytes(r, file.bytes, file.len, file.type, view);
}

static enum svc_err h_revoke(struct req *r, json_t **view)
{
	const char *why, *by;

	if (!need_str(r, "why", &why) || !body_str(r, "by", &by))
		return SVC_EINVAL;
	return svc_cert_revoke(r->b, r->param[0], by, why, view);
}

static enum svc_err h_device(struct req *r, json_t **view)
{
	return svc_device_show(r->b, r->param[0], view);
}

static enum svc_err h_checklists(struct req *r, json_t **view)
{
	return svc_checklist_list(r->b, query(r, "device"), query(r, "lang"), view);
}

static enum svc_err h_checklist(struct req *r, json_t **view)
{
	const struct checklist *c;
	enum svc_err err = svc_checklist_find(r->b, r->param[0], &c);

	if (err)
		return err;
	*view = checklist_to_json(c);
	/* The competences it trains and requires, by their names (the policy's). */
	if (*view)
		json_object_set_new(*view, "competence_names", svc_competence_names(r->b, c));
	return *view ? SVC_OK : SVC_EIO;
}

/* ---- the public verification page ----
 * Anyone may look a certificate up, signed in or not: the lookups of the whole server are
 * held to WEB_PUBLIC_RATE a second (a burst of WEB_PUBLIC_BURST), so that a crawler trying
 * ids cannot keep the records busy; past it, 429 and the page asks to try again. */
#define WEB_PUBLIC_RATE 20.0
#define WEB_PUBLIC_BURST 100.0

static pthread_mutex_t public_mu = PTHREAD_MUTEX_INITIALIZER;

static int public_allowed(void)
{
	static double tokens = WEB_PUBLIC_BURST;
	static long long last_ms;
	long long now = clock_mono_ms();
	int ok;

	pthread_mutex_lock(&public_mu);
	if (last_ms)
		tokens += (double)(now - last_ms) * WEB_PUBLIC_RATE / 1000.0;
	if (tokens > WEB_PUBLIC_BURST)
		tokens = WEB_PUBLIC_BURST;
	last_ms = now;
	ok = tokens >= 1.0;
	if (ok)
		tokens -= 1.0;
	pthread_mutex_unlock(&public_mu);
	return ok;
}

/* GET /api/public/certificates/{id}?sig=SIG&lang=LL: svc_cert_public(). */
static enum svc_err h_public_cert(struct req *r, json_t **view)
{
	const char *sig = query(r, "sig"), *lang = query(r, "lang");

	if (!public_allowed()) {
		out_error(r->out, 429, "busy",
			  "too many certificates were looked up just now: try again in a minute",
			  NULL);
		return SVC_OK;
	}
	if (sig && strlen(sig) > 256)
		sig = "-"; /* no signature is that long: it does not match */
	return svc_cert_public(r->b, r->param[0], sig, lang,
			       r->in->header(r->in->conn, "Accept-Language"), view);
}

/* Event NAME with DATA (taken) for every screen, sent once the change is committed (a
 * screen that reads the records on hearing it must find the change there), and not at
 * all when it is not. */
static void tell_once_committed(struct req *r, const char *name, json_t *data)
{
	json_decref(r->event_data);
	r->event = name;
	r->event_data = data;
}

/* Tell the screens that job ID changed (WHAT: started, step, submitted) when ERR is none:
 * the console's overview is read again. Only the job's number goes out, to every
 * signed-in screen: names stay behind the routes that check who asks. */
static enum svc_err work_changed(struct req *r, enum svc_err err, long long id, const char *what)
{
	if (!err && id > 0)
		tell_once_committed(r, "work",
				    json_pack("{s:I, s:s}", "job", (json_int_t)id, "what", what));
	return err;
}

static enum svc_err h_job_start(struct req *r, json_t **view)
{
	struct svc_job_start req = { 0 };
	enum svc_err err;

	if (!need_str(r, "device", &req.device) || !need_str(r, "checklist", &req.checklist) ||
	    !body_str(r, "trainee", &req.trainee))
		return SVC_EINVAL;
	err = svc_job_start(r->b, &req, view);
	return work_changed(r, err, err ? 0 : json_integer_value(json_object_get(json_object_get(*view, "job"), "id")),
			    "started");
}

static enum svc_err h_jobs(struct req *r, json_t **view)
{
	struct svc_job_filter f = { query(r, "device"), query(r, "trainee"), query(r, "state") };

	return svc_job_list(r->b, &f, view);
}

/* The queue without its waiting times, so that the answer depends on the records alone
 * and is kept while they are unchanged (twenty instructors' screens cost one reading):
 * the screen counts the wait from submitted_ms and the Date of the answer. */
static enum svc_err h_queue(struct req *r, json_t **view)
{
	enum svc_err err = svc_job_queue(r->b, query(r, "lang"), view);
	json_t *job;
	size_t i;

	if (!err)
		json_array_foreach(*view, i, job)
			json_object_del(job, "waiting_ms");
	return err;
}

static enum svc_err h_overview(struct req *r, json_t **view)
{
	return svc_job_overview(r->b, query(r, "lang"), view);
}

/* Every trainee's figures, one row per trainee and checklist (the training report's
 * rows): the console's list of trainees. */
static enum svc_err h_trainees(struct req *r, json_t **view)
{
	return svc_training_report(r->b, NULL, 0, 0, view);
}

static enum svc_err h_trainee(struct req *r, json_t **view)
{
	return svc_trainee_show(r->b, r->param[0], view);
}

/* The day of query argument NAME ("2026-12-01", local time) into *MS; 0 when absent. */
static int day_query(struct req *r, const char *name, long long *ms)
{
	const char *s = query(r, name);
	int64_t t = 0;

	*ms = 0;
	if (!s || !*s)
		return 1;
	if (!clock_parse_day(s, &t)) {
		snprintf(r->why, sizeof(r->why), "%s takes a day such as 2026-12-01, not '%.80s'",
			 name, s);
		return 0;
	}
	*ms = t;
	return 1;
}

/* A trainee's training report as a file to save: her record as a PDF (the default) or an
 * HTML page, or her rows as CSV; from= and to= (days) bound the period, lang= the
 * language. Who may read it is svc's rule, as for GET /api/trainees/{name}. */
static enum svc_err h_trainee_report(struct req *r, json_t **view)
{
	struct svc_training_req req = { r->param[0], 0, 0, query(r, "lang") };
	const char *format = query(r, "format");
	struct svc_file file;
	enum svc_err err;

	if (!day_query(r, "from", &req.from_ms) || !day_query(r, "to", &req.to_ms))
		return SVC_EINVAL;
	if (req.lang && !*req.lang) /* a form's empty field: not asked */
		req.lang = NULL;
	err = svc_training_file(r->b, &req, format && *format ? format : "pdf", &file);
	if (err)
		return err;
	snprintf(r->out->attachment, sizeof(r->out->attachment), "%s", file.name);
	return answer_bytes(r, file.bytes, file.len, file.type, view);
}

/* A device's label to print from the browser: size= (62x29, 62x100, a4-sheet),
 * format= (pdf, png), intake=1 for the bag's intake label, lang=. */
static enum svc_err h_label(struct req *r, json_t **view)
{
	const char *devices[1] = { r->param[0] }, *intake = query(r, "intake");
	struct svc_label_req req = { devices, 1, query(r, "size"), query(r, "format"), NULL,
				     NULL, query(r, "lang"), intake && strcmp(intake, "1") == 0 };
	struct svc_file file;
	enum svc_err err;

	if (req.size && !*req.size)
		req.size = NULL;
	if (req.format && !*req.format)
		req.format = NULL;
	if (req.lang && !*req.lang)
		req.lang = NULL;
	err = svc_label_file(r->b, &req, &file);
	if (err)
		return err;
	snprintf(r->out->attachment, sizeof(r->out->attachment), "%s", file.name);
	return answer_bytes(r, file.bytes, file.len, file.type, view);
}

/* The labels of a batch's devices on A4 sheets (intake=1: their bags' labels), lang=. */
static enum svc_err h_batch_labels(struct req *r, json_t **view)
{
	const char *intake = query(r, "intake"), *lang = query(r, "lang");
	struct svc_file file;
	enum svc_err err;

	err = svc_batch_labels_file(r->b, r->param[0], lang && *lang ? lang : NULL,
				    intake && strcmp(intake, "1") == 0, &file);
	if (err)
		return err;
	snprintf(r->out->attachment, sizeof(r->out->attachment), "%s", file.name);
	return answer_bytes(r, file.bytes, file.len, file.type, view);
}

/* The programme's report for its funders as a file to save: PDF (the default), HTML or
 * CSV for the days from= to to= (both needed), in lang= or the workshop's language. */
static enum svc_err h_programme(struct req *r, json_t **view)
{
	struct svc_programme_req req = { 0, 0, query(r, "lang") };
	const char *format = query(r, "format");
	struct svc_file file;
	enum svc_err err;

	if (!day_query(r, "from", &req.from_ms) || !day_query(r, "to", &req.to_ms))
		return SVC_EINVAL;
	if (req.lang && !*req.lang)
		req.lang = NULL;
	err = svc_programme_file(r->b, &req, format && *format ? format : "pdf", &file);
	if (err)
		return err;
	snprintf(r->out->attachment, sizeof(r->out->attachment), "%s", file.name);
	return answer_bytes(r, file.bytes, file.len, file.type, view);
}

/* ---- the inventory, streamed ---- */

#define INV_PARAM_MAX 64 /* bytes of a filter's value */

/* A download under way: what to write, for whom, and the pipe's end to write it to. */
struct inv_stream {
	char data[PATH_MAX];
	int has_data;
	char token[SVC_TOKEN_HEX];
	char state[INV_PARAM_MAX], platform[INV_PARAM_MAX], grade[INV_PARAM_MAX];
	char sort[INV_PARAM_MAX];
	struct svc_inventory_req req;
	int fd;
};

/* The writer of a download: a context of its own (a context is used by one thread at a
 * time, and the request's goes back to the pool when the answer starts), signed in with
 * the request's session, writing into the pipe libmicrohttpd reads from (server.c). A
 * client gone closes the pipe: the write fails (EPIPE, SIGPIPE blocked here) and the
 * writing stops. */
static void *inv_writer(void *arg)
{
	struct inv_stream *s = arg;
	struct bench *b = NULL;
	char why[256];
	sigset_t pipe_set;
	FILE *f;

	sigemptyset(&pipe_set);
	sigaddset(&pipe_set, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &pipe_set, NULL);
	f = fdopen(s->fd, "w");
	if (!f) {
		close(s->fd);
	} else if (svc_open(s->has_data ? s->data : NULL, SVC_OPEN_STORE, &b, why, sizeof(why)) !=
		   SVC_OK) {
		log_msg(LOG_WARN, "inventory: cannot open the records: %s", why);
	} else {
		svc_defer_touch(b);
		svc_reading(b);
		if (svc_session_resume(b, s->token) != SVC_OK ||
		    svc_inventory_write(b, &s->req, f, NULL) != SVC_OK)
			log_msg(LOG_INFO, "inventory: the download stopped: %s", svc_why(b));
	}
	if (b)
		svc_close(b);
	if (f)
		fclose(f);
	secret_wipe(s->token, sizeof(s->token));
	free(s);
	return NULL;
}

/* A filter's value QUERY NAME into BUF; NULL when not given or empty. */
static const char *inv_param(struct req *r, const char *name, char *buf, size_t size)
{
	const char *v = query(r, name);

	if (!v || !*v)
		return NULL;
	snprintf(buf, size, "%s", v);
	return buf;
}

/* GET /api/inventory?state=&platform=&grade=&since=&sort=&limit=&format=csv|jsonl|json: the
 * inventory as a file to save, streamed as it is read. Refusals are answered before a
 * byte is sent; the rows are then written by a thread of their own into a pipe that the
 * answer reads from. */
static enum svc_err h_inventory(struct req *r, json_t **view)
{
	struct inv_stream *s = calloc(1, sizeof(*s));
	const char *format = query(r, "format");
	int fds[2] = { -1, -1 };
	pthread_attr_t attr;
	pthread_t t;
	enum svc_err err;

	(void)view;
	if (!s)
		return snprintf(r->why, sizeof(r->why), "out of memory"), SVC_EIO;
	s->req.state = inv_param(r, "state", s->state, sizeof(s->state));
	s->req.platform = inv_param(r, "platform", s->platform, sizeof(s->platform));
	s->req.grade = inv_param(r, "grade", s->grade, sizeof(s->grade));
	s->req.sort = inv_param(r, "sort", s->sort, sizeof(s->sort));
	if (!day_query(r, "since", &s->req.since_ms)) {
		free(s);
		return SVC_EINVAL;
	}
	if (query(r, "limit") && *query(r, "limit") &&
	    number_whole(query(r, "limit"), 1, 100000, &s->req.limit) != NUMBER_OK) {
		free(s);
		snprintf(r->why, sizeof(r->why), "limit is a number of rows from 1 to 100000");
		return SVC_EINVAL;
	}
	if (!format || !*format)
		format = "csv";
	if (!svc_inventory_format_parse(format, &s->req.format) || s->req.format == SVC_INV_HTML ||
	    s->req.format == SVC_INV_PDF) {
		free(s);
		snprintf(r->why, sizeof(r->why), "format is csv, jsonl or json, not '%.32s'", format);
		return SVC_EINVAL;
	}
	err = svc_inventory_check(r->b, &s->req);
	if (err) {
		free(s);
		return err;
	}
	if (r->ctx->data_opt) {
		snprintf(s->data, sizeof(s->data), "%s", r->ctx->data_opt);
		s->has_data = 1;
	}
	snprintf(s->token, sizeof(s->token), "%s", r->token);
	if (pipe2(fds, O_CLOEXEC) != 0) {
		free(s);
		snprintf(r->why, sizeof(r->why), "cannot stream the inventory: %s", strerror(errno));
		return SVC_EIO;
	}
	s->fd = fds[1];
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	if (pthread_create(&t, &attr, inv_writer, s) != 0) {
		pthread_attr_destroy(&attr);
		close(fds[0]);
		close(fds[1]);
		free(s);
		snprintf(r->why, sizeof(r->why), "cannot stream the inventory: no thread");
		return SVC_EIO;
	}
	pthread_attr_destroy(&attr);
	r->out->status = 200;
	r->out->type = svc_inventory_type(s->req.format);
	r->out->stream_fd = fds[0];
	r->out->stream = 1;
	r->out->api = 1;
	snprintf(r->out->attachment, sizeof(r->out->attachment), "inventory.%s", format);
	return SVC_OK;
}

static enum svc_err h_signoff(struct req *r, json_t **view)
{
	struct svc_signoff_req req = { r->param[0], NULL, NULL, NULL };

	if (!need_str(r, "competence", &req.competence) || !need_str(r, "note", &req.note) ||
	    !body_str(r, "by", &req.by))
		return SVC_EINVAL;
	return svc_signoff(r->b, &req, view);
}

static enum svc_err h_job(struct req *r, json_t **view)
{
	long long id;

	if (!job_param(r, &id))
		return SVC_EINVAL;
	return svc_job_show(r->b, id, view);
}

/* The parts of a step: [{name, origin, serial, supplier}]. */
static int step_parts(struct req *r, struct svc_step *req)
{
	const json_t *parts = json_object_get(r->body, "parts"), *p;
	size_t i;

	if (!parts || json_is_null(parts))
		return 1;
	if (!json_is_array(parts) || json_array_size(parts) > SVC_MAX_PARTS) {
		snprintf(r->why, sizeof(r->why), "\"parts\" must be a list of at most %d parts",
			 SVC_MAX_PARTS);
		return 0;
	}
	json_array_foreach (parts, i, p) {
		struct svc_part *sp = &req->parts[req->n_parts++];
		static const char *const keys[4] = { "name", "origin", "serial", "supplier" };
		const char *f[4] = { NULL };
		int ok = json_is_object(p);

		for (size_t k = 0; ok && k < 4; k++) {
			const json_t *v = json_object_get(p, keys[k]);

			if (json_is_string(v) &&
			    strlen(json_string_value(v)) == json_string_length(v))
				f[k] = json_string_value(v);
			else if (k < 3 || (v && !json_is_null(v)))
				ok = 0; /* name, origin, serial needed; a supplier is text */
		}
		if (!ok) {
			snprintf(r->why, sizeof(r->why),
				 "each part is {\"name\", \"origin\" (genuine, used-original or "
				 "aftermarket), \"serial\", \"supplier\" (may be left out)}");
			return 0;
		}
		*sp = (struct svc_part){ f[0], f[1], f[2], f[3] };
	}
	return 1;
}

static enum svc_err h_job_checklist(struct req *r, json_t **view)
{
	long long id;

	if (!job_param(r, &id))
		return SVC_EINVAL;
	return svc_job_checklist(r->b, id, view);
}

static enum svc_err h_step(struct req *r, json_t **view)
{
	struct svc_step req = { 0 };
	const json_t *corrects = json_object_get(r->body, "corrects");

	if (!job_param(r, &req.job) || !need_str(r, "step", &req.step) ||
	    !body_str(r, "result", &req.result) || !body_str(r, "value", &req.value) ||
	    !body_str(r, "note", &req.note) || !body_str(r, "tester", &req.tester) ||
	    !body_str(r, "by", &req.by) || !step_parts(r, &req))
		return SVC_EINVAL;
	if (corrects && !json_is_null(corrects)) {
		if (!json_is_integer(corrects) || json_integer_value(corrects) < 1)
			return bad(r, "\"%s\" must be a record number", "corrects");
		req.corrects = json_integer_value(corrects);
	}
	return work_changed(r, svc_job_step(r->b, &req, view), req.job, "step");
}

static enum svc_err h_submit(struct req *r, json_t **view)
{
	long long id;

	if (!job_param(r, &id))
		return SVC_EINVAL;
	return work_changed(r, svc_job_submit(r->b, id, view), id, "submitted");
}

static enum svc_err h_grade(struct req *r, json_t **view)
{
	struct svc_grade req = { 0 };
	json_t *redo = json_object_get(r->body, "redo"),
	       *scores = json_object_get(r->body, "scores");
	json_t *v, *own_redo = NULL, *own_scores = NULL;
	const char *key;
	enum svc_err err;
	size_t i;

	if (!job_param(r, &req.job) || !need_str(r, "verdict", &req.verdict) ||
	    !need_str(r, "feedback", &req.feedback) || !body_str(r, "by", &req.by))
		return SVC_EINVAL;
	if (redo && !json_is_array(redo))
		return bad(r, "\"%s\" must be a list of step ids", "redo");
	json_array_foreach (redo, i, v)
		if (!json_is_string(v))
			return bad(r, "\"%s\" must be a list of step ids", "redo");
	if (scores && !json_is_object(scores))
		return bad(r, "\"%s\" must map each rubric item to a whole number", "scores");
	json_object_foreach (scores, key, v)
		if (!json_is_integer(v))
			return bad(r, "\"%s\" must map each rubric item to a whole number",
				   "scores");
	req.redo = redo ? redo : (own_redo = json_array());
	req.scores = scores ? scores : (own_scores = json_object());
	err = svc_job_grade(r->b, &req, view);
	/* The trainee's screen shows it at once, once committed. Every screen hears it: the
	 * trainee is named by her code, which her screen knows (GET /api/me), never by her
	 * name. */
	if (!err)
		tell_once_committed(r, "graded",
				    json_pack("{s:I, s:O?, s:s}", "job", (json_int_t)req.job,
					      "trainee", json_object_get(*view, "trainee_code"),
					      "verdict", req.verdict));
	json_decref(own_redo);
	json_decref(own_scores);
	return err;
}

/* Whether job ID's records are still as they were made. A chain that does not verify is
 * an answer, not a failure of the request: {job, ok: false, why}. */
static enum svc_err h_job_verify(struct req *r, json_t **view)
{
	enum svc_err err;
	long long id;

	if (!job_param(r, &id))
		return SVC_EINVAL;
	err = svc_job_verify(r->b, id, view);
	if (err != SVC_EREFUSED && err != SVC_EREMOVED)
		return err;
	*view = json_pack("{s:I, s:b, s:s}", "job", (json_int_t)id, "ok", 0, "why",
			  svc_why(r->b));
	return *view ? SVC_OK : SVC_EIO;
}

/* An instructor's decision on a job: go on after a step that stopped it, or cancel it. */
static enum svc_err h_decide(struct req *r, json_t **view,
			     enum svc_err (*decide)(struct bench *, long long, const char *,
						    const char *, json_t **))
{
	const char *why, *by;
	long long id;

	if (!job_param(r, &id) || !need_str(r, "why", &why) || !body_str(r, "by", &by))
		return SVC_EINVAL;
	return work_changed(r, decide(r->b, id, by, why, view), id, "decided");
}

static enum svc_err h_resume(struct req *r, json_t **view)
{
	return h_decide(r, view, svc_job_resume);
}

static enum svc_err h_cancel(struct req *r, json_t **view)
{
	return h_decide(r, view, svc_job_cancel);
}

static enum svc_err h_ack(struct req *r, json_t **view)
{
	const char *by;
	long long id;

	if (!job_param(r, &id) || !body_str(r, "by", &by))
		return SVC_EINVAL;
	return svc_job_ack(r->b, id, by, view);
}

static enum svc_err h_audit(struct req *r, json_t **view)
{
	const char *s = query(r, "limit");
	long long limit = 50;

	if (s && number_whole(s, 1, 10000, &limit) != NUMBER_OK)
		return bad(r, "limit takes a number of entries from 1 to 10000, not '%s'", s);
	return svc_audit_list(r->b, limit, view);
}

/* ---- accounts (an admin's, from the console) ---- */

/* The string KEY of an account's form into *OUT; when it is missing or not a string, a
 * refusal's view that names the field, as svc's refusals do ({field, reason}). */
static int account_str(struct req *r, const char *key, const char **out, json_t **view)
{
	if (need_str(r, key, out))
		return 1;
	*view = json_pack("{s:s, s:s}", "field", key, "reason",
			  json_object_get(r->body, key) ? "not-text" : "missing");
	return 0;
}

static enum svc_err h_users(struct req *r, json_t **view)
{
	return svc_user_accounts(r->b, view);
}

/* A new account: {name, role, secret, code}: the first PIN (a trainee) or password, typed
 * by the admin as `atelier user add` asks it, and what public documents call her (may be
 * left out: a trainee then gets one). */
static enum svc_err h_user_add(struct req *r, json_t **view)
{
	const char *name, *role, *secret, *code;

	if (!account_str(r, "name", &name, view) || !account_str(r, "role", &role, view) ||
	    !account_str(r, "secret", &secret, view))
		return SVC_EINVAL;
	if (!body_str(r, "code", &code)) {
		*view = json_pack("{s:s, s:s}", "field", "code", "reason", "not-text");
		return SVC_EINVAL;
	}
	return svc_user_add(r->b, name, role, secret, code && code[0] ? code : NULL, view);
}

static enum svc_err h_user_active(struct req *r, json_t **view)
{
	const json_t *v = json_object_get(r->body, "active");

	if (!json_is_boolean(v)) {
		*view = json_pack("{s:s, s:s}", "field", "active", "reason", "missing");
		return bad(r, "\"%s\" must be true or false", "active");
	}
	return svc_user_set_active(r->b, r->param[0], json_is_true(v), view);
}

static enum svc_err h_user_role(struct req *r, json_t **view)
{
	const char *role;

	if (!account_str(r, "role", &role, view))
		return SVC_EINVAL;
	return svc_user_set_role(r->b, r->param[0], role, view);
}

/* {secret}: an admin sets another's; her own needs {old} too (svc decides). */
static enum svc_err h_user_secret(struct req *r, json_t **view)
{
	const char *secret, *old;

	if (!account_str(r, "secret", &secret, view) || !body_str(r, "old", &old))
		return SVC_EINVAL;
	return svc_user_set_secret(r->b, r->param[0], old, secret, view);
}

/* The person signed in changes her own PIN or password: {old, secret}. */
static enum svc_err h_me_secret(struct req *r, json_t **view)
{
	struct store_user me;
	const char *secret, *old;
	enum svc_err err;

	if (!account_str(r, "old", &old, view) || !account_str(r, "secret", &secret, view))
		return SVC_EINVAL;
	err = svc_actor(r->b, NULL, &me);
	if (err)
		return err;
	return svc_user_set_secret(r->b, me.name, old, secret, view);
}

static int match(const char *pattern, char *copy, const char *path, struct req *r);

static const struct route routes[] = {
	{ "POST", "/api/login", WEB_ANYONE, h_login, 0, 0, 0, 0 },
	{ "POST", "/api/logout", WEB_SIGNED_IN, h_logout, 0, 0, 0, 0 },
	{ "GET", "/api/me", WEB_SIGNED_IN, h_me, 0, 0, 0, 0 },
	{ "POST", "/api/me/lang", WEB_SIGNED_IN, h_set_lang, 0, 0, 0, 0 },
	{ "POST", "/api/me/secret", WEB_SIGNED_IN, h_me_secret, 0, 0, 0, 0 },
	{ "GET", "/api/bench", WEB_SIGNED_IN, h_bench, 0, 0, 0, 0 },
	{ "GET", "/api/events", WEB_SIGNED_IN, h_events, 0, 0, 0, 0 },
	{ "GET", "/api/devices", WEB_SIGNED_IN, h_devices, 0, 1, 0, 0 },
	{ "GET", "/api/devices/{key}", WEB_SIGNED_IN, h_device, 0, 1, 0, 0 },
	{ "GET", "/api/board", WEB_INSTRUCTOR, h_board, 0, 1, 0, 0 },
	{ "GET", "/api/inventory", WEB_INSTRUCTOR, h_inventory, 0, 0, 0, 0 },
	{ "GET", "/api/devices/{key}/certification", WEB_INSTRUCTOR, h_cert_check, 0, 1, 0, 0 },
	{ "GET", "/api/devices/{key}/label", WEB_SIGNED_IN, h_label, 0, 0, 0, 1 },
	{ "POST", "/api/devices/{key}/certify", WEB_INSTRUCTOR, h_certify, 0, 0, 0, 0 },
	{ "POST", "/api/devices/{key}/state", WEB_INSTRUCTOR, h_device_state, 0, 0, 0, 0 },
	{ "POST", "/api/devices/{key}/sell", WEB_INSTRUCTOR, h_sell, 0, 0, 0, 0 },
	{ "POST", "/api/devices/{key}/return", WEB_INSTRUCTOR, h_return, 0, 0, 0, 0 },
	{ "POST", "/api/devices/{key}/shelf", WEB_TRAINEE, h_shelf, 0, 0, 0, 0 },
	{ "GET", "/api/batches", WEB_INSTRUCTOR, h_batches, 0, 1, 0, 0 },
	{ "POST", "/api/batches", WEB_INSTRUCTOR, h_batch_add, 0, 0, 0, 0 },
	{ "POST", "/api/batches/{name}/devices", WEB_INSTRUCTOR, h_batch_devices, 0, 0, 0, 0 },
	{ "GET", "/api/batches/{name}/erasure", WEB_INSTRUCTOR, h_erasure, 0, 0, 0, 1 },
	{ "GET", "/api/batches/{name}/labels", WEB_INSTRUCTOR, h_batch_labels, 0, 0, 0, 1 },
	{ "POST", "/api/certificates/{id}/revoke", WEB_INSTRUCTOR, h_revoke, 0, 0, 0, 0 },
	{ "GET", "/api/certificates/{id}/pdf", WEB_INSTRUCTOR, h_cert_pdf, 0, 0, 0, 1 },
	{ "GET", "/api/public/certificates/{id}", WEB_ANYONE, h_public_cert, 0, 0, 0, 0 },
	{ "GET", "/api/checklists", WEB_SIGNED_IN, h_checklists, 0, 0, 0, 0 },
	{ "GET", "/api/checklists/{id}", WEB_SIGNED_IN, h_checklist, 0, 0, 0, 0 },
	{ "GET", "/api/checklists/{id}/steps/{step}/image", WEB_SIGNED_IN, h_step_image, 0, 0, 0, 0 },
	{ "GET", "/api/checklists/{id}/photos", WEB_SIGNED_IN, h_photos, 0, 0, 0, 0 },
	{ "POST", "/api/checklists/{id}/steps/{step}/photos", WEB_INSTRUCTOR, h_photo_add,
	  SVC_PHOTO_MAX, 0, 0, 0 },
	{ "GET", "/api/photos/{sha256}", WEB_SIGNED_IN, h_photo, 0, 0, 0, 0 },
	{ "POST", "/api/jobs", WEB_TRAINEE, h_job_start, 0, 0, 0, 0 },
	{ "GET", "/api/jobs", WEB_SIGNED_IN, h_jobs, 0, 1, 0, 0 },
	{ "GET", "/api/jobs/{id}", WEB_SIGNED_IN, h_job, 0, 1, 0, 0 },
	{ "GET", "/api/queue", WEB_INSTRUCTOR, h_queue, 0, 1, 0, 0 },
	{ "GET", "/api/overview", WEB_INSTRUCTOR, h_overview, 0, 1, 0, 0 },
	{ "GET", "/api/trainees", WEB_INSTRUCTOR, h_trainees, 0, 1, 0, 0 },
	{ "GET", "/api/trainees/{name}", WEB_SIGNED_IN, h_trainee, 0, 1, 0, 0 },
	{ "POST", "/api/trainees/{name}/signoffs", WEB_INSTRUCTOR, h_signoff, 0, 0, 0, 0 },
	{ "GET", "/api/trainees/{name}/report", WEB_SIGNED_IN, h_trainee_report, 0, 0, 0, 1 },
	{ "GET", "/api/reports/programme", WEB_INSTRUCTOR, h_programme, 0, 0, 0, 1 },
	{ "GET", "/api/jobs/{id}/checklist", WEB_SIGNED_IN, h_job_checklist, 0, 1, 0, 0 },
	{ "POST", "/api/jobs/{id}/steps", WEB_TRAINEE, h_step, 0, 0, 1, 0 },
	{ "POST", "/api/jobs/{id}/submit", WEB_TRAINEE, h_submit, 0, 0, 0, 0 },
	{ "POST", "/api/jobs/{id}/grade", WEB_INSTRUCTOR, h_grade, 0, 0, 0, 0 },
	{ "POST", "/api/jobs/{id}/ack", WEB_TRAINEE, h_ack, 0, 0, 0, 0 },
	{ "GET", "/api/jobs/{id}/verify", WEB_INSTRUCTOR, h_job_verify, 0, 1, 0, 1 },
	{ "POST", "/api/jobs/{id}/resume", WEB_INSTRUCTOR, h_resume, 0, 0, 0, 0 },
	{ "POST", "/api/jobs/{id}/cancel", WEB_INSTRUCTOR, h_cancel, 0, 0, 0, 0 },
	{ "GET", "/api/audit", WEB_INSTRUCTOR, h_audit, 0, 0, 0, 1 },
	{ "GET", "/api/users", WEB_ADMIN, h_users, 0, 0, 0, 0 },
	{ "POST", "/api/users", WEB_ADMIN, h_user_add, 0, 0, 0, 0 },
	{ "POST", "/api/users/{name}/active", WEB_ADMIN, h_user_active, 0, 0, 0, 0 },
	{ "POST", "/api/users/{name}/role", WEB_ADMIN, h_user_role, 0, 0, 0, 0 },
	{ "POST", "/api/users/{name}/secret", WEB_ADMIN, h_user_secret, 0, 0, 0, 0 },
	{ NULL, NULL, WEB_ANYONE, NULL, 0, 0, 0, 0 },
};

size_t web_body_max(const char *method, const char *path)
{
	struct req r = { 0 };
	size_t n = strlen(path);
	char *copy = malloc(n + 1);
	size_t max = WEB_BODY_MAX;

	if (!copy)
		return max;
	for (const struct route *rt = routes; rt->path; rt++)
		if (rt->raw_max && strcmp(rt->method, method) == 0 && match(rt->path, copy, path, &r))
			max = rt->raw_max;
	free(copy);
	return max;
}

/* 1 when PATH matches PATTERN; its {...} segments into R->param, cut out of COPY (a
 * writable copy of PATH that outlives the request). */
static int match(const char *pattern, char *copy, const char *path, struct req *r)
{
	const char *p = pattern;
	char *s;
	size_t n = 0;

	memcpy(copy, path, strlen(path) + 1);
	s = copy;
	while (*p && *s) {
		size_t plen = strcspn(p, "/"), slen = strcspn(s, "/");

		if (p[0] == '{') {
			if (slen == 0 || n >= MAX_PARAMS)
				return 0;
			r->param[n++] = s;
		} else if (plen != slen || strncmp(p, s, plen) != 0) {
			return 0;
		}
		p += plen;
		s += slen;
		if (*p != *s)
			return 0;
		if (*p == '/') {
			p++;
			*s++ = '\0';
		}
	}
	return *p == '\0' && *s == '\0';
}

static int role_rank(enum role role)
{
	switch (role) {
	case ROLE_TRAINEE:
		return WEB_TRAINEE;
	case ROLE_INSTRUCTOR:
		return WEB_INSTRUCTOR;
	case ROLE_ADMIN:
		return WEB_ADMIN;
	case ROLE_NONE:
		break;
	}
	return WEB_ANYONE;
}

/* The depth of the deepest array or object of TEXT (strings skipped), or WEB_DEPTH_MAX + 1
 * as soon as it goes past: jansson is never handed a body nested deeper. */
static int too_deep(const char *text, size_t len)
{
	int depth = 0, in_str = 0;

	for (size_t i = 0; i < len; i++) {
		char c = text[i];

		if (in_str) {
			if (c == '\\')
				i++;
			else if (c == '"')
				in_str = 0;
		} else if (c == '"') {
			in_str = 1;
		} else if (c == '[' || c == '{') {
			if (++depth > WEB_DEPTH_MAX)
				return 1;
		} else if (c == ']' || c == '}') {
			depth--;
		}
	}
	return 0;
}

/* An Origin header that is not this server's own (scheme and Host): 1 = refuse. */
static int foreign_origin(const struct web_ctx *ctx, const struct web_in *in)
{
	const char *origin = in->header(in->conn, "Origin");
	const char *host = in->header(in->conn, "Host");
	const char *scheme = ctx->tls ? "https://" : "http://";
	size_t n = strlen(scheme);

	if (!origin)
		return 0; /* not a browser's cross-site request: the CSRF token decides */
	if (!host || strncmp(origin, scheme, n) != 0)
		return 1;
	return strcmp(origin + n, host) != 0;
}

static int state_changing(const char *method)
{
	return strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0 &&
	       strcmp(method, "OPTIONS") != 0;
}

/* ---- service contexts kept between requests ----
 * Opening a context (the database, the checklists, the policy) costs more than most
 * requests: contexts are kept in a pool, each used by one request at a time (svc
 * contexts are not shared between threads), and reopened after WEB_BENCH_REUSE_MS so
 * that checklists, the policy or the key changed on disk are seen, or dropped after a
 * request that met a broken store. */
#define WEB_BENCH_REUSE_MS 30000
#define WEB_BENCH_POOL 64

struct pooled {
	struct bench *b;
	long long opened_ms;
};

static pthread_mutex_t pool_mu = PTHREAD_MUTEX_INITIALIZER;
static struct pooled pool[WEB_BENCH_POOL];
static size_t pool_n;

static enum svc_err bench_for_request(const struct web_ctx *ctx, struct pooled *out, char *why,
				      size_t size)
{
	long long now = clock_mono_ms();
	enum svc_err err;

	pthread_mutex_lock(&pool_mu);
	while (pool_n > 0) {
		*out = pool[--pool_n];
		if (now - out->opened_ms < WEB_BENCH_REUSE_MS) {
			pthread_mutex_unlock(&pool_mu);
			svc_reset(out->b);
			svc_defer_touch(out->b); /* written by the writer (touch_on_writer) */
			return SVC_OK;
		}
		svc_close(out->b); /* too old: its files may have changed */
	}
	pthread_mutex_unlock(&pool_mu);
	memset(out, 0, sizeof(*out));
	err = svc_open(ctx->data_opt, SVC_OPEN_STORE, &out->b, why, size);
	out->opened_ms = now;
	if (!err)
		svc_defer_touch(out->b);
	return err;
}

/* Done with this request's context: forget who it was and give it back; close it after
 * a store failure. */
static void bench_done(struct pooled *p, enum svc_err err)
{
	if (!p->b)
		return;
	svc_reset(p->b);
	if (err == SVC_EIO || err == SVC_EREFUSED || err == SVC_EREMOVED || err == SVC_ENODATA) {
		svc_close(p->b);
		return;
	}
	pthread_mutex_lock(&pool_mu);
	if (pool_n < WEB_BENCH_POOL) {
		pool[pool_n++] = *p;
		p->b = NULL;
	}
	pthread_mutex_unlock(&pool_mu);
	svc_close(p->b); /* the pool is full */
}


/* The records' generation (cache.c), read on one connection kept for it: a commit by any
 * other connection (the server's writer, a command at the terminal) moves it once. Read
 * on each request's own connection, a commit was seen once per pooled connection, and
 * each time every kept answer was computed again. 0 when the version cannot be read
 * (then nothing is kept). */
static pthread_mutex_t watch_mu = PTHREAD_MUTEX_INITIALIZER;
static struct bench *watcher;
static long long watched_version = -1;

static int records_generation(const struct web_ctx *ctx, long long *gen)
{
	char why[320];
	long long dv;
	int ok = 0;

	pthread_mutex_lock(&watch_mu);
	if (!watcher && svc_open(ctx->data_opt, SVC_OPEN_STORE, &watcher, why, sizeof(why)))
		watcher = NULL;
	if (watcher && svc_records_version(watcher, &dv) == SVC_OK) {
		*gen = web_cache_generation(dv, &watched_version);
		ok = 1;
	} else if (watcher) { /* opened again at the next request */
		svc_close(watcher);
		watcher = NULL;
		watched_version = -1;
	}
	pthread_mutex_unlock(&watch_mu);
	return ok;
}

/* ---- changes ----
 * Changes are made one at a time in this process, on one context (the writer), by one
 * thread of their own (writer_main(), started by the first change). A request that
 * changes something queues itself (a `struct call`) and sleeps until its change is
 * answered; the writer's thread makes the queued changes one after the other. Handing
 * the writer from thread to thread at each change (a mutex each took in turn) left it
 * idle while the next thread was woken, a fifth of the time at 50 connections. Letting
 * the thread of one of the requests lead (make the changes queued until its own was
 * committed, then hand the queue to the next request's thread) left it idle at each
 * hand-over, once a batch: with 50 connections that never pause, no thread led for a
 * fifth of the time, and the steps per second rose by 10 to 20 % with a thread of its own
 * (December 2026, alternated runs of bench/web_bench.sh's load).
 *
 * Recording a step shares its commit with the steps queued behind it (group commit):
 * each is made in its own savepoint of one transaction, and once nobody is queued (or
 * WEB_BATCH_MAX steps are in it) the writer commits for all with one write to the disk.
 * No step is answered before that commit: a failed commit answers each of them that
 * nothing was recorded. Any other change first commits a batch in progress, then commits
 * alone. A batch's commit does not wait for the disk (svc_batch_end(): SQLite writes its
 * log, unsynced): the writer goes on with the next batch, and a thread of its own (the
 * syncer, sync_main()) syncs the log (svc_batch_sync()), once for all the batches
 * committed meanwhile, then has their steps answered, told whether the disk confirmed
 * the write. No step is answered before its batch is on the disk.
 *
 * A change's connection is suspended while it waits (server.c), not its thread: the
 * server's few threads go on with the other connections, and the answer is written by
 * one of them once the change is done (web_route_finish()). Waking a thread per step
 * (one per connection) cost a sixth of the process's time at 50 connections that never
 * pause, and its tail a few milliseconds (December 2026, docs/architecture.md).
 * On PostgreSQL every change commits alone,
 * under the locks of its own job and device (svc_batch_begin()): other benches' steps are
 * not held back by this one's batch. */
#define WEB_BATCH_MAX 64 /* changes in one commit at most */

int web_thread_start(pthread_t *t, void *(*fn)(void *), void *arg, const char *name)
{
	pthread_attr_t attr;
	pthread_t own;
	sigset_t all, old;
	int err;

	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	pthread_attr_init(&attr);
	if (!t)
		pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	err = pthread_create(t ? t : &own, &attr, fn, arg);
	pthread_attr_destroy(&attr);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (!err && name)
		pthread_setname_np(t ? *t : own, name);
	return err;
}

/* One request of api(), from its route on: made on the writer's thread for a change, on
 * a thread of its own for a read apart, else where it came in. A change or a read apart
 * is answered later (LATER): the call is then on the heap, with its own copy of IN. */
struct call {
	const struct web_ctx *ctx;
	const struct web_in *in;
	struct web_out *out;
	const struct route *route;
	struct req r;
	struct pooled ctxb; /* a context of the pool: a read's, or where a step's session resumed */
	int ahead;	    /* the session resumed on ctxb, to be adopted by the writer */
	json_t *view;	    /* a change's answer, written once committed */
	enum svc_err ran;   /* how the handler (or what comes before it) went */
	/* For a change: */
	enum svc_err committed; /* how its commit went */
	char why[320];		/* why the commit failed */
	int unconfirmed;	/* committed, but the disk did not confirm the sync */
	/* Not a route: write the last use of the session resumed on this context; the
	 * read that asks for it waits (woken). */
	const struct bench *touch;
	sem_t woken;
	int later;		/* answered once its connection is resumed (in->resume) */
	struct web_in in_copy;	/* IN, kept for a call answered later */
	char *copy;		/* the path, cut at its parameters by match() */
	struct call *next;	/* in the queue, then in its batch */
};

/* Calls answered later whose connections are still suspended: the server stops once
 * there are none (web_drain()); none is begun once it is stopping. */
static pthread_mutex_t later_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t later_cv = PTHREAD_COND_INITIALIZER;
static size_t later_n;
static int later_stopping;

static pthread_mutex_t write_mu = PTHREAD_MUTEX_INITIALIZER; /* held by the writer */
static struct pooled writer;				     /* under write_mu */
static int batch_open;					     /* a batch is open on the writer */
static size_t batch_n;					     /* changes made in it */
static struct call *batch_waiting; /* its changes waiting for the commit */
/* The file the batches' commits leave to sync (svc_batch_end()): the writer's log, the
 * same for the whole life of the server; written by the writer, read by those woken. */
static char batch_unsynced[PATH_MAX + 8];

static pthread_mutex_t queue_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t queue_cv = PTHREAD_COND_INITIALIZER;  /* the writer waits for work */
static struct call *queue_head, **queue_tail = &queue_head; /* under queue_mu */
static pthread_t writer_thread;				    /* the writer's own thread */
static int writer_runs, writer_idle, writer_stop;	    /* under queue_mu */

static int queue_empty(void)
{
	int empty;

	pthread_mutex_lock(&queue_mu);
	empty = queue_head == NULL;
	pthread_mutex_unlock(&queue_mu);
	return empty;
}

/* C is done: answered by the thread that resumes its connection, or woken. */
static void call_post(struct call *c)
{
	if (c->later)
		c->in->resume(c->in->conn);
	else
		sem_post(&c->woken);
}

/* ---- the syncer ----
 * The batches committed whose steps wait for the log's sync, in the order they were
 * committed. One sync covers every batch committed before it (store.h). */
struct synced {
	struct call *m[WEB_BATCH_MAX];
	size_t n;
	int sync; /* the log is to be synced before they are answered */
	struct synced *next;
};

static pthread_mutex_t sync_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t sync_cv = PTHREAD_COND_INITIALIZER;
static struct synced *sync_head, **sync_tail = &sync_head; /* under sync_mu */
static pthread_t sync_thread;
static int sync_runs, sync_stop;			    /* under sync_mu */

/* Sync the log if BATCHES need it, then answer their calls, told how it went. */
static void sync_answer(const struct synced *batches)
{
	char why[320] = "";
	int need = 0, failed = 0;

	for (const struct synced *b = batches; b; b = b->next)
		need |= b->sync;
	if (need && svc_batch_sync(batch_unsynced, why, sizeof(why)) != SVC_OK) {
		failed = 1;
		/* The disk is failing: whoever looks after the bench must know. */
		log_msg(LOG_ERROR, "serve: a batch of steps: %s", why);
	}
	for (const struct synced *b = batches; b; b = b->next) {
		for (size_t k = 0; k < b->n; k++) {
			struct call *c = b->m[k];

			if (failed && b->sync && !c->committed) {
				c->committed = SVC_EIO;
				c->unconfirmed = 1;
				snprintf(c->why, sizeof(c->why), "%s", why);
			}
			call_post(c); /* C is not touched after it */
		}
	}
}

static void *sync_main(void *arg)
{
	struct synced *batches, *next;

	(void)arg;
	pthread_mutex_lock(&sync_mu);
	for (;;) {
		while (!sync_head && !sync_stop)
			pthread_cond_wait(&sync_cv, &sync_mu);
		if (!sync_head)
			break;
		batches = sync_head;
		sync_head = NULL;
		sync_tail = &sync_head;
		pthread_mutex_unlock(&sync_mu);
		sync_answer(batches);
		for (; batches; batches = next) {
			next = batches->next;
			free(batches);
		}
		pthread_mutex_lock(&sync_mu);
	}
	pthread_mutex_unlock(&sync_mu);
	return NULL;
}

/* Have the N calls M of a batch committed answered once the log is synced (SYNC) by the
 * syncer (started by the first batch, with every signal blocked); when it cannot start,
 * here and now. */
static void sync_later(struct call **m, size_t n, int sync)
{
	struct synced *b = malloc(sizeof(*b)), here;
	int err = 0, queued = 0;

	if (!b)
		b = &here; /* out of memory: synced here */
	memcpy(b->m, m, n * sizeof(*m));
	b->n = n;
	b->sync = sync;
	b->next = NULL;
	pthread_mutex_lock(&sync_mu);
	if (b != &here && !sync_runs && !sync_stop) {
		err = web_thread_start(&sync_thread, sync_main, NULL, "atelier-sync");
		sync_runs = !err;
	}
	if (b != &here && sync_runs) {
		*sync_tail = b;
		sync_tail = &b->next;
		pthread_cond_signal(&sync_cv);
		queued = 1;
	}
	pthread_mutex_unlock(&sync_mu);
	if (queued)
		return;
	/* No thread (or no memory): synced by the writer, which waits for the disk. */
	if (err)
		log_msg(LOG_WARN, "serve: no thread to sync the steps (%s): the writer syncs them",
			strerror(err));
	sync_answer(b);
	if (b != &here)
		free(b);
}

/* Under write_mu: commit the open batch and hand its changes to the syncer, which
 * answers them, told how it went, once the log is on the disk: the writer goes on
 * meanwhile. */
static enum svc_err batch_end(char *why, size_t size)
{
	struct call *m[WEB_BATCH_MAX];
	char unsynced[sizeof(batch_unsynced)];
	size_t n = batch_n, k = batch_n;
	enum svc_err err;

	if (!batch_open)
		return SVC_OK;
	err = svc_batch_end(writer.b, unsynced, sizeof(unsynced));
	snprintf(why, size, "nothing was recorded, try again: %s", err ? svc_why(writer.b) : "");
	if (unsynced[0] && strcmp(unsynced, batch_unsynced) != 0)
		snprintf(batch_unsynced, sizeof(batch_unsynced), "%s", unsynced);
	web_cache_changed();
	/* The batch's list (batch_n of them, WEB_BATCH_MAX at most) has the newest first:
	 * they are answered oldest first, as they came. */
	for (struct call *c = batch_waiting; c && k > 0; c = c->next) {
		c->committed = err;
		snprintf(c->why, sizeof(c->why), "%s", why);
		m[--k] = c;
	}
	if (n)
		sync_later(m, n, !err && unsynced[0]);
	batch_waiting = NULL;
	batch_open = 0;
	batch_n = 0;
	return err;
}

/* Under write_mu: the writer's context, ready for a request (opened again after a while,
 * or after a broken store, when no batch is open on it). */
static enum svc_err writer_get(const struct web_ctx *ctx, char *why, size_t size)
{
	long long now = clock_mono_ms();
	enum svc_err err;

	if (writer.b && !batch_open && now - writer.opened_ms >= WEB_BENCH_REUSE_MS) {
		svc_close(writer.b);
		writer.b = NULL;
	}
	if (writer.b) {
		svc_reset(writer.b);
		return SVC_OK;
	}
	err = svc_open(ctx->data_opt, SVC_OPEN_STORE, &writer.b, why, size);
	writer.opened_ms = now;
	if (!err)
		svc_keep_work(writer.b);
	return err;
}

/* Under write_mu, after a change made on the writer with ERR: forget who made it; after a
 * store failure, drop the context (once no batch is open on it). */
static void writer_done(enum svc_err err)
{
	if (!writer.b)
		return;
	svc_reset(writer.b);
	if (!batch_open && (err == SVC_EIO || err == SVC_EREFUSED || err == SVC_EREMOVED ||
			    err == SVC_ENODATA)) {
		svc_close(writer.b);
		writer.b = NULL;
	}
}

/* Replace OUT, a change's answer, with the failure of its commit. UNCONFIRMED: it is
 * committed, but the disk did not confirm the sync; its own word ("unconfirmed"), since
 * the screen's words for any other failure say that nothing was recorded. */
static void out_not_recorded(struct web_out *out, enum svc_err err, int unconfirmed,
			     const char *why)
{
	const char *word;
	unsigned status = web_status_of(err, &word);

	if (unconfirmed)
		word = "unconfirmed";
	web_out_drop_body(out);
	out->body = NULL;
	out->owned = 0;
	out->release = NULL;
	out_error(out, status < 500 ? 503 : status, word, why, NULL);
}

/* Stop the thread T (RUNS, under MU) that waits on CV until told to STOP, and wait for
 * it to end; then it may be started again. */
static void thread_stop(pthread_mutex_t *mu, pthread_cond_t *cv, int *stop, int *runs,
			pthread_t t)
{
	int was;

	pthread_mutex_lock(mu);
	*stop = 1;
	was = *runs;
	pthread_cond_signal(cv);
	pthread_mutex_unlock(mu);
	if (was)
		pthread_join(t, NULL);
	pthread_mutex_lock(mu);
	*runs = 0;
	*stop = 0;
	pthread_mutex_unlock(mu);
}

void web_contexts_free(void)
{
	char why[320];

	thread_stop(&queue_mu, &queue_cv, &writer_stop, &writer_runs, writer_thread);
	pthread_mutex_lock(&write_mu);
	batch_end(why, sizeof(why));
	svc_close(writer.b);
	writer.b = NULL;
	pthread_mutex_unlock(&write_mu);
	/* The syncer answers what is left before it ends. */
	thread_stop(&sync_mu, &sync_cv, &sync_stop, &sync_runs, sync_thread);
	pthread_mutex_lock(&later_mu);
	later_stopping = 0;
	pthread_mutex_unlock(&later_mu);
	pthread_mutex_lock(&watch_mu);
	svc_close(watcher);
	watcher = NULL;
	pthread_mutex_unlock(&watch_mu);
	pthread_mutex_lock(&pool_mu);
	while (pool_n > 0)
		svc_close(pool[--pool_n].b);
	pthread_mutex_unlock(&pool_mu);
}

/* The session token of IN's cookie into TOKEN; 0 when there is none that could be one. */
static int cookie_token(const struct web_in *in, char token[SVC_TOKEN_HEX])
{
	const char *cookie = in->cookie(in->conn, COOKIE);

	if (!cookie || strlen(cookie) != SVC_TOKEN_HEX - 1 ||
	    strspn(cookie, "0123456789abcdef") != SVC_TOKEN_HEX - 1)
		return 0;
	memcpy(token, cookie, SVC_TOKEN_HEX);
	return 1;
}

/* Resume IN's session on a context of the pool (into P; the token into TOKEN): 1 when it
 * resumed. */
static int session_ahead(const struct web_ctx *ctx, const struct web_in *in, struct pooled *p,
			 char token[SVC_TOKEN_HEX])
{
	char why[320];

	if (!cookie_token(in, token) || bench_for_request(ctx, p, why, sizeof(why)) != SVC_OK)
		return 0;
	return svc_session_resume(p->b, token) == SVC_OK;
}

/* On the writer's thread: write the last use of the session C->touch (a context of the
 * pool, where a read resumed it), as a change of its own, so that the pool never waits for
 * the database's write lock (which the writer's batches hold most of the time). */
static void call_touch(struct call *c)
{
	char why[320];
	enum svc_err err = batch_open ? SVC_OK : writer_get(c->ctx, why, sizeof(why));

	if (!err) {
		svc_session_adopt(writer.b, c->touch);
		err = svc_session_touch(writer.b);
		if (err)
			log_msg(LOG_WARN, "serve: a session's last use was not written: %s",
				svc_why(writer.b));
	}
	writer_done(err);
	if (batch_open) {
		err = batch_end(why, sizeof(why));
		writer_done(err);
	}
	call_post(c);
}

static void writer_call(struct call *c);

/* The session resumed on FROM, a context of the pool, is due to have its last use
 * written: the writer writes it (call_touch()). A read goes on whether it was written
 * or not: a failure is in the log. */
static void touch_on_writer(const struct web_ctx *ctx, const struct bench *from)
{
	struct call c = { .ctx = ctx, .touch = from };

	writer_call(&c);
}

static void call_run(struct call *c);

/* Under write_mu, on the writer's thread: make change C, then see to its commit: alone, or
 * with its batch once nobody is queued behind it. */
static void call_change(struct call *c)
{
	char why[320];

	if (c->touch) {
		call_touch(c);
		return;
	}
	call_run(c);
	writer_done(c->ran);
	if (!c->route->batch || !batch_open) {
		web_cache_changed(); /* committed alone: others' answers may have changed */
		call_post(c);
		return;
	}
	c->next = batch_waiting;
	batch_waiting = c;
	if (++batch_n >= WEB_BATCH_MAX || queue_empty())
		writer_done(batch_end(why, sizeof(why)));
}

/* The writer's own thread: make the queued changes one after the other, and commit the
 * open batch whenever nobody is queued; sleep when there is nothing to do. It holds
 * write_mu while it works on the writer (web_contexts_free() takes it once the thread is
 * joined). */
static void *writer_main(void *arg)
{
	char why[320];
	struct call *c;
	int stop = 0;

	(void)arg;
	while (!stop) {
		pthread_mutex_lock(&queue_mu);
		while (!queue_head && !writer_stop) {
			int open;

			pthread_mutex_unlock(&queue_mu);
			pthread_mutex_lock(&write_mu);
			open = batch_open;
			if (open) /* nobody is queued behind it: it commits */
				writer_done(batch_end(why, sizeof(why)));
			pthread_mutex_unlock(&write_mu);
			pthread_mutex_lock(&queue_mu);
			if (open || queue_head || writer_stop)
				continue;
			writer_idle = 1;
			pthread_cond_wait(&queue_cv, &queue_mu);
			writer_idle = 0;
		}
		c = queue_head;
		if (c) {
			queue_head = c->next;
			if (!queue_head)
				queue_tail = &queue_head;
		} else {
			stop = 1; /* told to stop, and nothing is queued */
		}
		pthread_mutex_unlock(&queue_mu);
		if (c) {
			pthread_mutex_lock(&write_mu);
			call_change(c);
			pthread_mutex_unlock(&write_mu);
		}
	}
	return NULL;
}

/* Under queue_mu: start the writer's thread, with every signal blocked (the server's
 * signals are for its main thread). 0, or an errno. */
static int writer_start(void)
{
	int err = web_thread_start(&writer_thread, writer_main, NULL, "atelier-writer");

	writer_runs = !err;
	return err;
}

/* Queue change C for the writer's thread (started by the first change): 1 when queued; 0
 * when it cannot be, C then refused (it says why). */
static int writer_queue(struct call *c)
{
	int err = 0, runs;

	pthread_mutex_lock(&queue_mu);
	if (!writer_runs && !writer_stop)
		err = writer_start();
	runs = writer_runs;
	if (runs) {
		c->next = NULL;
		*queue_tail = c;
		queue_tail = &c->next;
		if (writer_idle)
			pthread_cond_signal(&queue_cv);
	}
	pthread_mutex_unlock(&queue_mu);
	if (runs)
		return 1;
	/* Whoever looks after the bench must know: no change is made until it starts (each
	 * change tries again). */
	if (err)
		log_msg(LOG_ERROR,
			"serve: cannot start the thread that makes the changes (%s): each change is "
			"refused until it starts",
			strerror(err));
	c->committed = SVC_EIO;
	snprintf(c->why, sizeof(c->why),
		 "nothing was recorded: the server could not start its writer (%s); try again",
		 err ? strerror(err) : "it is stopping");
	c->ran = SVC_EIO;
	return 0;
}

/* Make change C on the writer and wait until it is done (a session's touch, for a read). */
static void writer_call(struct call *c)
{
	sem_init(&c->woken, 0, 0);
	if (writer_queue(c))
		while (sem_wait(&c->woken) != 0)
			; /* EINTR */
	sem_destroy(&c->woken);
}

/* The part of api() after the route is found and the body read: for a change, on the
 * writer's thread (its answer is then C->view, written once committed). */
static void call_run(struct call *c)
{
	const struct web_in *in = c->in;
	const struct route *route = c->route;
	const struct web_ctx *ctx = c->ctx;
	struct web_out *out = c->out;
	struct req *r = &c->r;
	int changing = state_changing(in->method), keep = 0, gzip = 0;
	struct store_user who = { 0 };
	const char *sent;
	char why[512], qs[256], key[512];
	long long gen = 0;
	enum svc_err err;

	if (changing) {
		if (!route->batch) /* a change that commits alone: the batch goes first */
			writer_done(batch_end(why, sizeof(why)));
		err = writer_get(ctx, why, sizeof(why));
		r->b = writer.b;
		if (!err && route->batch && !batch_open)
			batch_open = svc_batch_begin(writer.b); /* 0: each change commits alone */
	} else {
		err = bench_for_request(ctx, &c->ctxb, why, sizeof(why));
		r->b = c->ctxb.b;
	}
	if (!err && !changing)
		svc_reading(r->b);
	if (err) {
		const char *word;
		unsigned status = web_status_of(err, &word);

		out_error(out, status, word, why, NULL);
		c->ran = err;
		return;
	}
	if (c->ahead) {
		svc_session_adopt(r->b, c->ctxb.b);
		svc_session_touch(r->b); /* inside the batch, when it is due */
	} else if (cookie_token(in, r->token) && svc_session_resume(r->b, r->token) != SVC_OK) {
		r->token[0] = '\0';
	} else if (!changing && svc_touch_due(r->b)) {
		touch_on_writer(ctx, r->b);
	}
	if (route->role != WEB_ANYONE) {
		err = svc_actor(r->b, NULL, &who);
		if (err) {
			out_svc_error(r, err, NULL);
			c->ran = err;
			return;
		}
		if (role_rank(who.role) < (int)route->role) {
			snprintf(r->why, sizeof(r->why), "this needs %s's session",
				 route->role == WEB_ADMIN ? "an admin"
				 : route->role == WEB_INSTRUCTOR
				     ? "an instructor's or an admin"
				     : "a trainee's, an instructor's or an admin");
			/* A change refused here is kept in the audit log, as svc_may()'s
			 * refusals are; a read is not (a flood of reads must not become a
			 * flood of writes). */
			if (changing)
				svc_audit(r->b, "refused", in->path, "refused", r->why);
			out_svc_error(r, SVC_EDENIED, NULL);
			c->ran = SVC_EDENIED;
			return;
		}
	}
	if (changing && route->run != h_login) {
		char want[WEB_CSRF_HEX];

		sent = in->header(in->conn, "X-CSRF-Token");
		csrf_of(ctx, r->token, want);
		if (!sent || strlen(sent) != WEB_CSRF_HEX - 1 ||
		    sodium_memcmp(sent, want, WEB_CSRF_HEX - 1) != 0) {
			out_error(
			    out, 403, "csrf",
			    "the request lacks this session's X-CSRF-Token (GET /api/me gives it)",
			    NULL);
			c->ran = SVC_OK; /* as before: refused here, not by a rule */
			return;
		}
	}
	if (route->cache && records_generation(ctx, &gen) &&
	    in->query_all(in->conn, qs, sizeof(qs)) &&
	    snprintf(key, sizeof(key), "%lld %s?%s", who.id, in->path, qs) < (int)sizeof(key)) {
		enum web_cache_hit hit;

		gzip = web_accepts_gzip(in->header(in->conn, "Accept-Encoding"));
		hit = web_cache_get(key, gen, gzip, out);

		if (hit == WEB_CACHE_HIT)
			return;
		keep = hit == WEB_CACHE_COMPUTE;
	}
	err = route->run(r, &c->view);
	c->ran = err;
	if (err) {
		out_svc_error(r, err, c->view);
		c->view = NULL;
	} else if (changing && c->view) {
		/* written once committed, outside the lock (api()) */
	} else if (out->stream) { /* the handler's thread writes the answer */
	} else if (c->view || !out->body) { /* else the handler answered with bytes */
		out_json(out, 200, c->view);
		c->view = NULL;
	}
	if (keep) /* kept when a 200; those waiting for it are woken either way */
		web_cache_put(key, gen, gzip, out);
}

/* A read apart: made on this thread of its own, then answered. */
static void *apart_main(void *arg)
{
	struct call *c = arg;

	call_run(c);
	call_post(c);
	return NULL;
}

/* A call is to be answered later: 1, counted until answered (later_end()); 0 when the
 * server is stopping (it is then answered now). */
static int later_begin(void)
{
	int ok;

	pthread_mutex_lock(&later_mu);
	ok = !later_stopping;
	if (ok)
		later_n++;
	pthread_mutex_unlock(&later_mu);
	return ok;
}

static void later_end(void)
{
	pthread_mutex_lock(&later_mu);
	if (later_n > 0 && --later_n == 0)
		pthread_cond_broadcast(&later_cv);
	pthread_mutex_unlock(&later_mu);
}

void web_drain(void)
{
	pthread_mutex_lock(&later_mu);
	later_stopping = 1;
	while (later_n > 0)
		pthread_cond_wait(&later_cv, &later_mu);
	pthread_mutex_unlock(&later_mu);
}

/* Hand C, suspended, to the writer (a change) or to a thread of its own (a read apart);
 * each answers it once done, as does this when neither can take it. */
static void call_later(struct call *c)
{
	c->in->suspend(c->in->conn);
	if (state_changing(c->in->method)) {
		if (!writer_queue(c))
			call_post(c); /* refused: answered as soon as resumed */
		return;
	}
	if (web_thread_start(NULL, apart_main, c, "atelier-apart") != 0) { /* made here, then */
		call_run(c);
		call_post(c);
	}
}

static void api_finish(struct call *c);

/* IN into OUT; a change or a read apart is left pending, its connection suspended: given
 * back for web_route_finish(), OUT to stay where it is until then. NULL when answered. */
static void *api(const struct web_ctx *ctx, const struct web_in *in, struct web_out *out)
{
	struct call now = { 0 }, *c = &now, *later = NULL;
	const struct route *route = NULL;
	struct req *r;
	char allow[64] = "", why[512], *copy;
	json_error_t jerr;
	int changing = state_changing(in->method);

	c->ctx = ctx;
	c->in = in;
	c->out = out;
	r = &c->r;
	r->ctx = ctx;
	r->in = in;
	r->out = out;
	copy = c->copy = malloc(strlen(in->path) + 1);
	if (!copy) {
		out_error(out, 503, "io", "out of memory", NULL);
		goto out;
	}
	for (const struct route *rt = routes; rt->path; rt++) {
		if (!match(rt->path, copy, in->path, r))
			continue;
		if (strcmp(rt->method, in->method) == 0) {
			route = rt;
			break;
		}
		if (!strstr(allow, rt->method))
			snprintf(allow + strlen(allow), sizeof(allow) - strlen(allow), "%s%s",
				 allow[0] ? ", " : "", rt->method);
	}
	if (!route) {
		if (allow[0]) {
			out->allow = allow[0] == 'G'			      ? "GET"
				     : allow[0] == 'P' && !strchr(allow, ',') ? "POST"
									      : "GET, POST";
			out_error(out, 405, "method", "this address does not take this method",
				  NULL);
		} else {
			out_error(out, 404, "no-route", "there is no such address in the API",
				  NULL);
		}
		goto out;
	}
	c->route = route;
	/* A change or a read apart is answered later: the call moves to the heap. */
	if ((changing || route->apart) && later_begin()) {
		later = malloc(sizeof(*later));
		if (!later) {
			later_end();
			out_error(out, 503, "io", "out of memory", NULL);
			goto out;
		}
		*later = now;
		c = later;
		c->later = 1;
		c->in_copy = *in;
		in = c->in = c->r.in = &c->in_copy;
		r = &c->r;
	}
	if (changing && foreign_origin(ctx, in)) {
		out_error(out, 403, "origin", "a request from another site is refused", NULL);
		goto out;
	}
	if (!route->raw_max && too_deep(in->body, in->len)) {
		out_error(out, 400, "invalid", "the JSON body is nested more than 32 deep", NULL);
		goto out;
	}
	if (in->len && !route->raw_max) {
		r->body = json_loadb(in->body, in->len, JSON_REJECT_DUPLICATES, &jerr);
		if (!json_is_object(r->body)) {
			snprintf(why, sizeof(why), "the body must be one JSON object%s%s",
				 r->body ? "" : ": ", r->body ? "" : jerr.text);
			out_error(out, 400, "invalid", why, NULL);
			goto out;
		}
	} else {
		r->body = json_object();
	}
	/* A step's session is resumed before it is queued, on a context of the pool: the
	 * writer's time goes to the step alone. A session that does not resume there is
	 * refused on the writer, as any change's. */
	if (route->batch) {
		c->ahead = session_ahead(ctx, in, &c->ctxb, r->token);
		if (!c->ahead)
			bench_done(&c->ctxb, SVC_OK);
	}
	if (later) {
		call_later(c);
		return later;
	}
	if (changing) {
		/* The server is stopping: refused, as when the writer has stopped. */
		c->committed = SVC_EIO;
		snprintf(c->why, sizeof(c->why),
			 "nothing was recorded: the server is stopping; try again once it is back");
		c->ran = SVC_EIO;
	} else {
		call_run(c);
	}
out:
	api_finish(c);
	return NULL;
}

/* The end of api() for C, its change made (or refused) or its read done: its answer into
 * its OUT, the event it made published. */
static void api_finish(struct call *c)
{
	struct req *r = &c->r;
	struct web_out *out = c->out;
	int later = c->later;

	secret_wipe(r->token, sizeof(r->token));
	json_decref(r->body);
	bench_done(&c->ctxb, c->ran);
	if (state_changing(c->in->method) && c->route) {
		/* The answer stands only once committed. */
		if (c->committed) {
			json_decref(c->view);
			if (c->view || out->status < 300)
				out_not_recorded(out, c->committed, c->unconfirmed, c->why);
		} else if (c->view) {
			out_json(out, 200, c->view);
		}
		if (!c->ran && !c->committed && r->event) {
			live_publish(c->ctx->live, r->event, r->event_data);
			r->event_data = NULL;
		}
	}
	json_decref(r->event_data);
	free(c->copy);
	if (later) {
		free(c);
		later_end();
	}
}

void web_route_finish(void *pending)
{
	api_finish(pending);
}

void *web_route(const struct web_ctx *ctx, const struct web_in *in, struct web_out *out)
{
	if (strncmp(in->path, "/api/", 5) == 0 || strcmp(in->path, "/api") == 0)
		return api(ctx, in, out);
	if (strcmp(in->method, "GET") != 0 && strcmp(in->method, "HEAD") != 0) {
		out->allow = "GET";
		web_html_error(out, 405, "Method not allowed", "This address only gives pages.");
		return NULL;
	}
	/* The page a certificate's QR code opens: one page for every id, which asks
	 * /api/public/certificates/ID itself (web/verify.js). */
	if (strncmp(in->path, "/v/", 3) == 0 && in->path[3] && !strchr(in->path + 3, '/') &&
	    strlen(in->path) < 64) {
		web_static(ctx, "/static/verify.html", out);
		return NULL;
	}
	web_static(ctx, in->path, out);
	return NULL;
}
