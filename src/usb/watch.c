#include "usb/watch.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "util/clock.h"
#include "util/log.h"

/* What the hotplug callback records: nothing read yet, the device referenced. */
struct raw_event {
	struct raw_event *next;
	enum usbw_event_kind kind;
	int64_t t_ms;
	libusb_device *dev;
};

struct usbw {
	libusb_context *ctx;
	struct usbids *ids;
	struct usbd_strings_ops strings;

	/* Queue filled by the callback, drained by usbw_next(). */
	pthread_mutex_t lock;
	struct raw_event *head, *tail;
	int efd;

	/* Event thread. */
	pthread_t thread;
	int thread_running;
	int stop;
	int hotplug_registered;
	libusb_hotplug_callback_handle hotplug;

	/* Registry: what is attached now, as read on arrival. */
	struct usbd_info *attached;
	size_t n_attached, cap_attached;
};

const char *usbw_strerror(enum usbw_err err)
{
	switch (err) {
	case USBW_OK:
		return "success";
	case USBW_ELIBUSB:
		return "libusb could not start (is /sys mounted and /dev/bus/usb present?)";
	case USBW_ENOHOTPLUG:
		return "this libusb cannot report USB arrivals and departures";
	case USBW_ENOMEM:
		return "out of memory";
	case USBW_ETHREAD:
		return "cannot start the USB event thread";
	}
	return "unknown error";
}

enum usbw_err usbw_new(const struct usbd_strings_ops *strings, struct usbw **out)
{
	struct usbw *w;
	int rc;

	*out = NULL;
	w = calloc(1, sizeof(*w));
	if (!w)
		return USBW_ENOMEM;
	w->efd = -1;
	pthread_mutex_init(&w->lock, NULL);
	w->strings = strings ? *strings : usbd_sysfs_strings;
	rc = libusb_init(&w->ctx);
	if (rc != LIBUSB_SUCCESS) {
		log_msg(LOG_ERROR, "libusb_init: %s", libusb_strerror(rc));
		w->ctx = NULL;
		usbw_free(w);
		return USBW_ELIBUSB;
	}
	w->ids = usbids_new(NULL);
	if (!w->ids) {
		usbw_free(w);
		return USBW_ENOMEM;
	}
	*out = w;
	return USBW_OK;
}

static void drop_queue(struct usbw *w)
{
	struct raw_event *e = w->head, *next;

	for (; e; e = next) {
		next = e->next;
		libusb_unref_device(e->dev);
		free(e);
	}
	w->head = w->tail = NULL;
}

void usbw_free(struct usbw *w)
{
	if (!w)
		return;
	if (w->thread_running) {
		__atomic_store_n(&w->stop, 1, __ATOMIC_SEQ_CST);
		/* Deregistering wakes the event thread out of libusb_handle_events. */
		if (w->hotplug_registered)
			libusb_hotplug_deregister_callback(w->ctx, w->hotplug);
		w->hotplug_registered = 0;
		libusb_interrupt_event_handler(w->ctx);
		pthread_join(w->thread, NULL);
	} else if (w->hotplug_registered) {
		libusb_hotplug_deregister_callback(w->ctx, w->hotplug);
	}
	drop_queue(w);
	if (w->ctx)
		libusb_exit(w->ctx);
	usbids_free(w->ids);
	if (w->efd >= 0)
		close(w->efd);
	pthread_mutex_destroy(&w->lock);
	free(w->attached);
	free(w);
}

/* Order by bus, then port numbers one by one ("1-2" < "1-2.1" < "1-10"). */
static int cmp_location(const void *a, const void *b)
{
	const struct usbd_info *x = a, *y = b;
	const char *p = x->port_path, *q = y->port_path;

	if (x->bus != y->bus)
		return x->bus < y->bus ? -1 : 1;
	while (*p && *q) {
		unsigned long u = strtoul(p, (char **)&p, 10);
		unsigned long v = strtoul(q, (char **)&q, 10);

		if (u != v)
			return u < v ? -1 : 1;
		if (*p == '.')
			p++;
		if (*q == '.')
			q++;
	}
	if (*p || *q)
		return *p ? 1 : -1;
	return 0;
}

enum usbw_err usbw_snapshot(struct usbw *w, struct usbd_info **out, size_t *n)
{
	libusb_device **list = NULL;
	struct usbd_info *infos = NULL;
	ssize_t count;
	enum usbw_err err = USBW_OK;

	*out = NULL;
	*n = 0;
	count = libusb_get_device_list(w->ctx, &list);
	if (count < 0) {
		log_msg(LOG_ERROR, "libusb_get_device_list: %s", libusb_strerror((int)count));
		return USBW_ELIBUSB;
	}
	infos = calloc(count ? (size_t)count : 1, sizeof(*infos));
	if (!infos) {
		err = USBW_ENOMEM;
		goto out;
	}
	for (ssize_t i = 0; i < count; i++)
		usbd_read(list[i], w->ids, &w->strings, &infos[i]);
	qsort(infos, (size_t)count, sizeof(*infos), cmp_location);
	*out = infos;
	*n = (size_t)count;
	infos = NULL;
out:
	free(infos);
	libusb_free_device_list(list, 1);
	return err;
}

/* The hotplug callback: record and queue, nothing else (it runs inside libusb). */
static int LIBUSB_CALL on_hotplug(libusb_context *ctx, libusb_device *dev,
				  libusb_hotplug_event event, void *user)
{
	struct usbw *w = user;
	struct raw_event *e = malloc(sizeof(*e));
	uint64_t one = 1;

	(void)ctx;
	if (!e) {
		log_msg(LOG_ERROR, "usb hotplug: out of memory, event dropped");
		return 0;
	}
	e->next = NULL;
	e->kind = event == LIBUSB_HOTPLUG_EVENT_DEVICE_ARRIVED ? USBW_ARRIVED : USBW_LEFT;
	e->t_ms = clock_wall_ms();
	e->dev = libusb_ref_device(dev);
	pthread_mutex_lock(&w->lock);
	if (w->tail)
		w->tail->next = e;
	else
		w->head = e;
	w->tail = e;
	pthread_mutex_unlock(&w->lock);
	if (write(w->efd, &one, sizeof(one)) < 0 && errno != EAGAIN)
		log_msg(LOG_WARN, "usb hotplug: cannot wake the reader: %s", strerror(errno));
	return 0;
}

static void *event_thread(void *arg)
{
	struct usbw *w = arg;

	while (!__atomic_load_n(&w->stop, __ATOMIC_SEQ_CST)) {
		int rc = libusb_handle_events_completed(w->ctx, &w->stop);

		if (rc != LIBUSB_SUCCESS && rc != LIBUSB_ERROR_INTERRUPTED) {
			log_msg(LOG_ERROR, "libusb_handle_events: %s", libusb_strerror(rc));
			break;
		}
	}
	return NULL;
}

enum usbw_err usbw_start(struct usbw *w)
{
	int rc;

	if (!libusb_has_capability(LIBUSB_CAP_HAS_HOTPLUG))
		return USBW_ENOHOTPLUG;
	w->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (w->efd < 0)
		return USBW_ETHREAD;
	rc = libusb_hotplug_register_callback(
		w->ctx, LIBUSB_HOTPLUG_EVENT_DEVICE_ARRIVED | LIBUSB_HOTPLUG_EVENT_DEVICE_LEFT,
		LIBUSB_HOTPLUG_ENUMERATE, LIBUSB_HOTPLUG_MATCH_ANY, LIBUSB_HOTPLUG_MATCH_ANY,
		LIBUSB_HOTPLUG_MATCH_ANY, on_hotplug, w, &w->hotplug);
	if (rc != LIBUSB_SUCCESS) {
		log_msg(LOG_ERROR, "libusb_hotplug_register_callback: %s", libusb_strerror(rc));
		return USBW_ENOHOTPLUG;
	}
	w->hotplug_registered = 1;
	if (pthread_create(&w->thread, NULL, event_thread, w) != 0)
		return USBW_ETHREAD;
	w->thread_running = 1;
	return USBW_OK;
}

int usbw_event_fd(const struct usbw *w)
{
	return w->efd;
}

size_t usbw_attached_count(const struct usbw *w)
{
	return w->n_attached;
}

static struct raw_event *pop(struct usbw *w)
{
	struct raw_event *e;
	uint64_t count;

	pthread_mutex_lock(&w->lock);
	e = w->head;
	if (e) {
		w->head = e->next;
		if (!w->head)
			w->tail = NULL;
	} else if (w->efd >= 0) {
		/* Empty: reset the eventfd so poll() blocks until the next event. A
		 * write racing with this read happens after our unlock and is kept. */
		if (read(w->efd, &count, sizeof(count)) < 0 && errno != EAGAIN)
			log_msg(LOG_WARN, "usb watch: eventfd read: %s", strerror(errno));
	}
	pthread_mutex_unlock(&w->lock);
	return e;
}

static ssize_t find_attached(const struct usbw *w, const char *id)
{
	for (size_t i = 0; i < w->n_attached; i++)
		if (strcmp(w->attached[i].id, id) == 0)
			return (ssize_t)i;
	return -1;
}

static void remember(struct usbw *w, const struct usbd_info *info)
{
	ssize_t at = find_attached(w, info->id);

	if (at >= 0) {
		/* Same port, no departure seen: the new device replaces the old one. */
		w->attached[at] = *info;
		return;
	}
	if (w->n_attached == w->cap_attached) {
		size_t ncap = w->cap_attached ? w->cap_attached * 2 : 16;
		struct usbd_info *na = realloc(w->attached, ncap * sizeof(*na));

		if (!na) {
			log_msg(LOG_ERROR, "usb watch %s: out of memory, not remembered", info->id);
			return;
		}
		w->attached = na;
		w->cap_attached = ncap;
	}
	w->attached[w->n_attached++] = *info;
}

int usbw_next(struct usbw *w, struct usbw_event *ev)
{
	struct raw_event *e = pop(w);

	if (!e)
		return 0;
	ev->kind = e->kind;
	ev->t_ms = e->t_ms;
	if (e->kind == USBW_ARRIVED) {
		usbd_read(e->dev, w->ids, &w->strings, &ev->dev);
		remember(w, &ev->dev);
	} else {
		ssize_t at;

		memset(&ev->dev, 0, sizeof(ev->dev));
		usbd_read_location(e->dev, &ev->dev);
		at = find_attached(w, ev->dev.id);
		if (at >= 0 && w->attached[at].address == ev->dev.address) {
			ev->dev = w->attached[at];
			w->attached[at] = w->attached[--w->n_attached];
		} else {
			/* Never seen arriving (or already replaced): report what the
			 * cached descriptor still says; strings are gone with sysfs. */
			usbd_read(e->dev, w->ids, &w->strings, &ev->dev);
		}
	}
	libusb_unref_device(e->dev);
	free(e);
	return 1;
}
