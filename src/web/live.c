/* What is on the bench now, and the events that tell every screen about it.
 *
 * Two threads of their own: the USB watcher (src/usb/watch.h) notes arrivals and
 * departures at once; the reader reads each phone that arrived (svc_probe, which keeps
 * the reading with its device) and reads again, every LIVE_RETRY_MS, one that does not
 * trust the bench yet. Both change the list of devices under one mutex and publish an
 * event into a ring; each server-sent-events connection follows the ring from its own
 * place (live_sse_read). A stream with nothing to send is suspended by the server and
 * listed here (live_sse_wait): the next event resumes it, as does live_sse_kick() when a
 * keep-alive may be due. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "probe/facts.h"
#include "probe/probe.h"
#include "usb/classify.h"
#include "usb/watch.h"
#include "util/clock.h"
#include "util/log.h"
#include "web/web.h"

#define LIVE_RING 128	       /* events kept for connections that fall behind */
#define LIVE_DEV_MAX 64	       /* phones on one bench at once (the USB tests plug 64) */
#define LIVE_RETRY_MS 3000     /* a phone that does not trust the bench yet: read again */
#define LIVE_READ_S 8	       /* one reading waits this long for a phone */
#define LIVE_HINT_MAX 1024

struct live_dev {
	struct usbd_info usb;
	char state[16]; /* reading, read, untrusted, usb-only, failed */
	char trust[32]; /* the trust word of the last reading or hint; "" */
	char result[32];
	char hint[LIVE_HINT_MAX];
	long long since_ms, tried_ms;
	unsigned generation; /* a replug on the same port is a new device */
	int known;	     /* the workshop's records have it: it can be opened */
	json_t *card;	     /* owned; NULL until read */
};

struct live_event {
	unsigned long long seq;
	char name[16];
	char *data; /* JSON text, owned */
};

/* A stream waiting for events: resumed once (then listed no more). */
struct live_waiter {
	void (*resume)(void *conn);
	void *conn;
};

struct live {
	pthread_mutex_t mu;
	pthread_cond_t to_read; /* a device arrived, or stopping: the reader's own, so that
				 * the events of the records (a step, a grade) never wake it */
	struct live_event ring[LIVE_RING];
	unsigned long long next_seq; /* the seq the next event gets; starts at 1 */
	struct live_dev devs[LIVE_DEV_MAX];
	size_t n;
	unsigned generation;
	int stopping;
	struct live_waiter *waiters; /* streams suspended until the next event */
	size_t n_waiters, cap_waiters;
	int wake[2]; /* a byte here wakes the watcher's poll() */
	const char *data_opt;
	struct usbw *w;
	pthread_t watcher, reader;
	int watching, reading;
	char usb_why[256]; /* why USB is not watched, or "" */
};

/* ---- the list and the ring (callers hold MU) ---- */

static struct live_dev *find_dev(struct live *l, const char *usb_id)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->devs[i].usb.id, usb_id) == 0)
			return &l->devs[i];
	return NULL;
}

/* The card of a reading (svc_device_card()); the mode is USB's when the reading has
 * none (usbmuxd does not say it). */
static json_t *card_of(const json_t *facts, enum usbc_mode mode)
{
	json_t *card = svc_device_card(facts);

	if (card && json_is_null(json_object_get(card, "mode")))
		json_object_set_new(card, "mode", json_string(usbc_mode_name(mode)));
	return card;
}

/* A card from USB alone, before (or without) a reading. */
static json_t *usb_card(const struct usbd_info *u)
{
	/* usb.ids names a product family ("iPhone 5/5C/5S/6/SE/7/8/X/XR"), not the model:
	 * it is kept apart, and the model waits for the reading. */
	return json_pack("{s:s?, s:s, s:n, s:s, s:s?, s:n, s:s?, s:n, s:n, s:n, s:n, s:s, s:o}",
			 "device", u->has_serial ? u->serial : NULL, "platform",
			 usbc_platform_name(u->platform), "device_class", "mode",
			 usbc_mode_name(u->mode), "make",
			 u->has_vendor_name ? u->vendor_name : NULL, "marketing_name", "usb_name",
			 u->has_product_name ? u->product_name : NULL, "model_number",
			 "storage_gb", "battery_health_pct", "battery_cycles", "lock", "unknown",
			 "locks_on", json_array());
}

static json_t *entry_of(const struct live_dev *d)
{
	json_t *card = d->card ? json_incref(d->card) : usb_card(&d->usb);

	return json_pack("{s:s, s:s, s:s?, s:s?, s:s?, s:I, s:b, s:o*}", "usb_id", d->usb.id,
			 "state", d->state, "trust", d->trust[0] ? d->trust : NULL, "result",
			 d->result[0] ? d->result : NULL, "hint", d->hint[0] ? d->hint : NULL,
			 "since_ms", (json_int_t)d->since_ms, "known", d->known, "card", card);
}

/* Under L's lock: resume every stream waiting for an event. Each is listed once, until
 * resumed; the server's threads never take this lock while they resume or suspend. */
static void resume_waiters_locked(struct live *l)
{
	for (size_t i = 0; i < l->n_waiters; i++)
		l->waiters[i].resume(l->waiters[i].conn);
	l->n_waiters = 0;
}

/* Put event NAME with DATA (a reference is taken) into the ring and resume every stream
 * waiting for one. */
static void publish_locked(struct live *l, const char *name, json_t *data)
{
	struct live_event *e = &l->ring[l->next_seq % LIVE_RING];
	char *text = data ? json_dumps(data, JSON_COMPACT | FACTS_JSON_FLAGS) : NULL;

	json_decref(data);
	if (!text)
		return; /* out of memory: the screens refetch on their next event */
	free(e->data);
	e->seq = l->next_seq++;
	snprintf(e->name, sizeof(e->name), "%s", name);
	e->data = text;
	resume_waiters_locked(l);
}

static void publish_dev_locked(struct live *l, const char *name, const struct live_dev *d)
{
	publish_locked(l, name, json_pack("{s:s, s:o}", "usb_id", d->usb.id, "entry", entry_of(d)));
}

void live_publish(struct live *l, const char *name, json_t *data)
{
	if (!l) {
		json_decref(data);
		return;
	}
	pthread_mutex_lock(&l->mu);
	publish_locked(l, name, data);
	pthread_mutex_unlock(&l->mu);
}

json_t *live_bench(struct live *l)
{
	json_t *list = json_array();

	if (!l)
		return json_pack("{s:o, s:s}", "devices", list, "usb",
				 "this server does not watch USB");
	pthread_mutex_lock(&l->mu);
	for (size_t i = 0; i < l->n; i++)
		json_array_append_new(list, entry_of(&l->devs[i]));
	pthread_mutex_unlock(&l->mu);
	return json_pack("{s:o, s:s?}", "devices", list, "usb", l->usb_why[0] ? l->usb_why : NULL);
}

/* ---- the watcher ---- */

static void arrived(struct live *l, const struct usbw_event *ev)
{
	struct live_dev *d;

	if (!usbd_is_phone(&ev->dev))
		return;
	pthread_mutex_lock(&l->mu);
	d = find_dev(l, ev->dev.id);
	if (!d && l->n < LIVE_DEV_MAX)
		d = &l->devs[l->n++];
	if (d) {
		json_decref(d->card);
		memset(d, 0, sizeof(*d));
		d->usb = ev->dev;
		d->since_ms = ev->t_ms;
		d->generation = ++l->generation;
		snprintf(d->state, sizeof(d->state), "reading");
		publish_dev_locked(l, "plugged", d);
		pthread_cond_signal(&l->to_read);
	}
	pthread_mutex_unlock(&l->mu);
}

static void left(struct live *l, const struct usbw_event *ev)
{
	struct live_dev *d;

	pthread_mutex_lock(&l->mu);
	d = find_dev(l, ev->dev.id);
	if (d) {
		publish_locked(l, "unplugged", json_pack("{s:s}", "usb_id", d->usb.id));
		json_decref(d->card);
		*d = l->devs[--l->n];
		memset(&l->devs[l->n], 0, sizeof(l->devs[l->n]));
	}
	pthread_mutex_unlock(&l->mu);
}

static void *watch_main(void *arg)
{
	struct live *l = arg;
	struct pollfd fds[2] = { { usbw_event_fd(l->w), POLLIN, 0 }, { l->wake[0], POLLIN, 0 } };
	struct usbw_event ev;

	for (;;) {
		while (usbw_next(l->w, &ev)) {
			if (ev.kind == USBW_ARRIVED)
				arrived(l, &ev);
			else
				left(l, &ev);
		}
		if (poll(fds, 2, -1) < 0 && errno != EINTR)
			break;
		if (fds[1].revents)
			break;
	}
	return NULL;
}

/* ---- the reader ---- */

struct reading {
	struct live *l;
	char usb_id[USBD_ID_MAX];
	unsigned generation;
	enum usbc_mode mode; /* as USB saw it: the card's when the reading has none */
};

/* The device of a reading, if it is still the one plugged in then (caller holds MU). */
static struct live_dev *still(struct reading *r)
{
	struct live_dev *d = find_dev(r->l, r->usb_id);

	return d && d->generation == r->generation ? d : NULL;
}

static void on_trust(void *ctx, const char *device, const char *trust, const char *hint)
{
	struct reading *r = ctx;
	struct live_dev *d;

	(void)device;
	pthread_mutex_lock(&r->l->mu);
	d = still(r);
	if (d && trust && strcmp(trust, "trusted") != 0) {
		snprintf(d->state, sizeof(d->state), "untrusted");
		snprintf(d->trust, sizeof(d->trust), "%s", trust);
		snprintf(d->hint, sizeof(d->hint), "%s", hint ? hint : "");
		publish_dev_locked(r->l, "trust", d);
	}
	pthread_mutex_unlock(&r->l->mu);
}

/* Read one device now (MU not held): its card, state and hint, then "read" or "trust". */
static void read_one(struct live *l, struct reading *r)
{
	const char *ids[1] = { r->usb_id };
	struct svc_probe_req req = { .devices = ids,
				     .n_devices = 1,
				     .timeout_s = LIVE_READ_S,
				     .on_trust = on_trust,
				     .ctx = r };
	struct bench *b = NULL;
	json_t *view = NULL, *facts, *card = NULL;
	char why[LIVE_HINT_MAX / 2];
	struct live_dev *d;
	const char *result = NULL, *trust = NULL;
	int known = 0;
	enum svc_err err;

	err = svc_open(l->data_opt, SVC_OPEN_STORE | SVC_OPEN_TRY, &b, why, sizeof(why));
	if (!err) {
		svc_use_usb(b, l->w); /* joined before l->w is freed (live_free()) */
		err = svc_probe(b, &req, &view);
	} else {
		view = NULL;
	}
	facts = json_array_get(view, 0);
	if (facts) {
		const char *key;
		json_t *shown = NULL;

		result = facts_json_string(facts, "probe_result");
		trust = facts_json_string(facts, "connection.trust");
		card = card_of(facts, r->mode);
		key = json_string_value(json_object_get(card, "device"));
		/* A phone the records have can be opened (its jobs go on); one never read
		 * cannot yet, and its card says what to do first. */
		known = b && svc_store(b) && key && svc_device_show(b, key, &shown) == SVC_OK;
		json_decref(shown);
	}
	pthread_mutex_lock(&l->mu);
	d = still(r);
	if (d) {
		d->tried_ms = clock_wall_ms();
		d->known = known;
		snprintf(d->result, sizeof(d->result), "%s", result ? result : "");
		if (card) {
			json_decref(d->card);
			d->card = card;
			card = NULL;
		}
		if (result && strcmp(result, "ok") == 0) {
			snprintf(d->state, sizeof(d->state), "read");
			d->trust[0] = d->hint[0] = '\0';
		} else if (result && strcmp(result, "listed") == 0) {
			const char *h = d->usb.platform == USBC_PLATFORM_ANDROID
					    ? svc_trust_hint("unauthorized", "android")
					    : NULL;

			snprintf(d->state, sizeof(d->state), "usb-only");
			snprintf(d->hint, sizeof(d->hint), "%s", h ? h : probe_result_words(result));
			if (h)
				snprintf(d->trust, sizeof(d->trust), "debugging-off");
		} else if (result && (strcmp(result, "untrusted") == 0 ||
				      strcmp(result, "denied") == 0 ||
				      (trust && strcmp(trust, "trusted") != 0 &&
				       svc_trust_hint(trust, json_string_value(json_object_get(
							     facts, "platform")))))) {
			const char *t = trust && strcmp(trust, "trusted") != 0 ? trust : result;
			const char *h = svc_trust_hint(
			    t, json_string_value(json_object_get(facts, "platform")));

			snprintf(d->state, sizeof(d->state), "untrusted");
			snprintf(d->trust, sizeof(d->trust), "%s", t);
			snprintf(d->hint, sizeof(d->hint), "%s", h ? h : probe_result_words(result));
		} else {
			snprintf(d->state, sizeof(d->state), "failed");
			snprintf(d->hint, sizeof(d->hint), "%s",
				 result ? probe_result_words(result) : b ? svc_why(b) : why);
		}
		publish_dev_locked(l, strcmp(d->state, "untrusted") == 0 ? "trust" : "read", d);
	}
	pthread_mutex_unlock(&l->mu);
	json_decref(card); /* unplugged meanwhile */
	json_decref(view);
	svc_close(b);
}

/* The next device to read (caller holds MU): a new one, or one that does not trust the
 * bench yet and was tried LIVE_RETRY_MS ago. 0 when none; *WAIT_MS until one is due. */
static int next_reading(struct live *l, struct reading *r, long long *wait_ms)
{
	long long now = clock_wall_ms();

	*wait_ms = -1;
	for (size_t i = 0; i < l->n; i++) {
		struct live_dev *d = &l->devs[i];
		long long due = d->tried_ms + LIVE_RETRY_MS;

		if (strcmp(d->state, "reading") != 0 && strcmp(d->state, "untrusted") != 0)
			continue;
		if (d->tried_ms && due > now) {
			if (*wait_ms < 0 || due - now < *wait_ms)
				*wait_ms = due - now;
			continue;
		}
		r->l = l;
		snprintf(r->usb_id, sizeof(r->usb_id), "%s", d->usb.id);
		r->generation = d->generation;
		r->mode = d->usb.mode;
		return 1;
	}
	return 0;
}

static void *read_main(void *arg)
{
	struct live *l = arg;
	struct reading r;
	long long wait_ms;

	pthread_mutex_lock(&l->mu);
	while (!l->stopping) {
		if (next_reading(l, &r, &wait_ms)) {
			pthread_mutex_unlock(&l->mu);
			read_one(l, &r);
			pthread_mutex_lock(&l->mu);
			continue;
		}
		if (wait_ms < 0) {
			pthread_cond_wait(&l->to_read, &l->mu);
		} else {
			struct timespec ts;

			clock_gettime(CLOCK_REALTIME, &ts);
			ts.tv_sec += (time_t)(wait_ms / 1000);
			ts.tv_nsec += (long)(wait_ms % 1000) * 1000000L;
			if (ts.tv_nsec >= 1000000000L) {
				ts.tv_sec++;
				ts.tv_nsec -= 1000000000L;
			}
			pthread_cond_timedwait(&l->to_read, &l->mu, &ts);
		}
	}
	pthread_mutex_unlock(&l->mu);
	return NULL;
}

/* ---- server-sent events ---- */

unsigned long long live_sse_start(struct live *l, const char *last_id)
{
	unsigned long long seq, from;
	char *end = NULL;

	if (!l)
		return 1;
	pthread_mutex_lock(&l->mu);
	seq = l->next_seq;
	pthread_mutex_unlock(&l->mu);
	/* A screen that reconnects says the last event it had (EventSource does). */
	if (last_id && *last_id) {
		errno = 0;
		from = strtoull(last_id, &end, 10);
		if (!errno && end && !*end && from < seq)
			return from + 1;
	}
	return seq;
}

long live_sse_read(struct live *l, unsigned long long *seq, char *buf, size_t max)
{
	size_t len = 0;

	if (!l)
		return -1;
	pthread_mutex_lock(&l->mu);
	if (l->stopping) {
		pthread_mutex_unlock(&l->mu);
		return -1;
	}
	/* Fallen behind the ring: the screen must read the list again. */
	if (*seq < l->next_seq && l->next_seq - *seq > LIVE_RING) {
		len = (size_t)snprintf(buf, max, "id: %llu\nevent: reset\ndata: {}\n\n",
				       l->next_seq - 1);
		*seq = l->next_seq;
	}
	while (*seq < l->next_seq) {
		const struct live_event *e = &l->ring[*seq % LIVE_RING];
		int n = snprintf(buf + len, max - len, "id: %llu\nevent: %s\ndata: %s\n\n", e->seq,
				 e->name, e->data);

		if (n < 0 || (size_t)n >= max - len) {
			if (len)
				break; /* the rest next time */
			n = snprintf(buf, max, "id: %llu\nevent: reset\ndata: {}\n\n", e->seq);
		}
		len += (size_t)n;
		(*seq)++;
	}
	pthread_mutex_unlock(&l->mu);
	return (long)len;
}

int live_sse_wait(struct live *l, unsigned long long seq, void (*resume)(void *conn), void *conn)
{
	int rc = 0;

	if (!l)
		return -1;
	pthread_mutex_lock(&l->mu);
	if (l->stopping || seq < l->next_seq) {
		rc = 1; /* something to say already */
	} else if (l->n_waiters == l->cap_waiters) {
		size_t cap = l->cap_waiters ? 2 * l->cap_waiters : 16;
		struct live_waiter *w = realloc(l->waiters, cap * sizeof(*w));

		if (w) {
			l->waiters = w;
			l->cap_waiters = cap;
		} else {
			rc = -1;
		}
	}
	if (rc == 0)
		l->waiters[l->n_waiters++] = (struct live_waiter){ resume, conn };
	pthread_mutex_unlock(&l->mu);
	return rc;
}

void live_sse_kick(struct live *l)
{
	if (!l)
		return;
	pthread_mutex_lock(&l->mu);
	resume_waiters_locked(l);
	pthread_mutex_unlock(&l->mu);
}

/* ---- start, stop ---- */

struct live *live_start(const char *data_opt, int usb)
{
	struct live *l = calloc(1, sizeof(*l));
	enum usbw_err e;

	if (!l)
		return NULL;
	pthread_mutex_init(&l->mu, NULL);
	pthread_cond_init(&l->to_read, NULL);
	l->next_seq = 1;
	l->data_opt = data_opt;
	l->wake[0] = l->wake[1] = -1;
	if (!usb) {
		snprintf(l->usb_why, sizeof(l->usb_why), "this server does not watch USB (--no-usb)");
		return l;
	}
	e = usbw_new(NULL, &l->w);
	if (e == USBW_OK)
		e = usbw_start(l->w);
	if (e != USBW_OK) {
		snprintf(l->usb_why, sizeof(l->usb_why), "USB cannot be watched: %s",
			 usbw_strerror(e));
		log_msg(LOG_WARN, "%s; phones will not appear by themselves", l->usb_why);
		usbw_free(l->w);
		l->w = NULL;
		return l;
	}
	if (pipe2(l->wake, O_CLOEXEC) != 0 ||
	    pthread_create(&l->watcher, NULL, watch_main, l) != 0) {
		snprintf(l->usb_why, sizeof(l->usb_why), "USB cannot be watched: %s",
			 strerror(errno));
		return l;
	}
	l->watching = 1;
	if (pthread_create(&l->reader, NULL, read_main, l) != 0)
		snprintf(l->usb_why, sizeof(l->usb_why), "phones cannot be read: %s",
			 strerror(errno));
	else
		l->reading = 1;
	return l;
}

void live_shutdown(struct live *l)
{
	if (!l)
		return;
	pthread_mutex_lock(&l->mu);
	l->stopping = 1;
	resume_waiters_locked(l); /* their next read says the stream ends */
	pthread_cond_signal(&l->to_read);
	pthread_mutex_unlock(&l->mu);
	if (l->wake[1] >= 0 && write(l->wake[1], "", 1) < 0)
		log_msg(LOG_WARN, "cannot wake the USB watcher: %s", strerror(errno));
}

void live_free(struct live *l)
{
	if (!l)
		return;
	live_shutdown(l);
	if (l->watching)
		pthread_join(l->watcher, NULL);
	if (l->reading)
		pthread_join(l->reader, NULL);
	usbw_free(l->w);
	for (size_t i = 0; i < l->n; i++)
		json_decref(l->devs[i].card);
	for (size_t i = 0; i < LIVE_RING; i++)
		free(l->ring[i].data);
	if (l->wake[0] >= 0)
		close(l->wake[0]);
	if (l->wake[1] >= 0)
		close(l->wake[1]);
	free(l->waiters);
	pthread_cond_destroy(&l->to_read);
	pthread_mutex_destroy(&l->mu);
	free(l);
}
