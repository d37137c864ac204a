/* atelier devices, atelier watch */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <jansson.h>

#include "cli/cli.h"
#include "probe/usbmux.h"
#include "usb/watch.h"
#include "util/clock.h"

static const char devices_usage[] =
	"usage: atelier devices [--json] [--all]\n"
	"List the phones and tablets attached now, with their USB mode.\n"
	"  --json  one JSON array (keys in docs/usb-modes.md)\n"
	"  --all   also list every other USB device (hubs, keyboards...)\n";

static const char watch_usage[] =
	"usage: atelier watch [--json] [--all]\n"
	"Print a line each time a phone or tablet arrives or leaves, until Ctrl-C.\n"
	"Devices already attached are reported first, as arrivals.\n"
	"  --json  JSON Lines: {\"event\": \"arrived\"|\"left\", \"t\": MS, \"device\": {...}}\n"
	"  --all   also report every other USB device\n";

struct usb_opts {
	int json;
	int all;
};

static int parse_usb_opts(const char *cmd, const char *usage, int argc, char **argv,
			  struct usb_opts *o, int *done)
{
	const struct cli_opt opts[] = {
		CLI_JSON(&o->json),
		{ "all", 'a', CLI_FLAG, &o->all },
		CLI_END,
	};
	size_t n;
	int rc;

	*done = 1;
	o->json = o->all = 0;
	if (cli_wants_help(argc, argv, usage))
		return EXIT_OK;
	rc = cli_parse(cmd, argc, argv, opts, NULL, 0, 0, &n);
	*done = rc != EXIT_OK;
	return rc;
}

static int usb_unavailable(enum usbw_err err)
{
	fprintf(stderr, "atelier: cannot read USB devices: %s\n", usbw_strerror(err));
	return EXIT_NO_USB;
}

/* The UDID usbmuxd gives the device INFO, or NULL; marks the usbmuxd entry taken. */
static const char *mux_udid(const struct usbd_info *info, struct usbmux_dev *mux, size_t n_mux,
			    int *taken)
{
	if (info->platform != USBC_PLATFORM_IOS || !info->has_serial)
		return NULL;
	for (size_t i = 0; i < n_mux; i++) {
		if (usbmux_same_device(info->serial, mux[i].udid)) {
			taken[i] = 1;
			return mux[i].udid;
		}
	}
	return NULL;
}

/* An iOS device usbmuxd reports but USB does not show (over the network, or a USB
 * stack this process cannot read): still one entry, known by its UDID. */
static json_t *mux_only_json(const struct usbmux_dev *m)
{
	char pid[8], id[80];

	snprintf(pid, sizeof(pid), "%04x", (unsigned)(m->product_id & 0xffff));
	snprintf(id, sizeof(id), "usbmux:%s", m->udid);
	return json_pack("{s:s, s:n, s:n, s:n, s:s, s:s, s:s, s:n, s:n, s:n, s:s, s:s, s:s, "
			 "s:s, s:[]}",
			 "id", id, "bus", "address", "port_path", "vendor_id", "05ac",
			 "product_id", pid, "vendor_name", "Apple, Inc.", "product_name",
			 "manufacturer", "product", "serial", m->udid, "platform", "ios", "mode",
			 "normal", "udid", m->udid, "interfaces");
}

int cli_cmd_devices(const struct cli_global *g, int argc, char **argv)
{
	struct usb_opts o;
	struct usbw *w = NULL;
	struct usbd_info *infos = NULL;
	struct usbmux_dev *mux = NULL;
	size_t n = 0, n_mux = 0, shown = 0;
	int *taken = NULL;
	json_t *arr = NULL;
	enum usbw_err err;
	int done, rc;

	(void)g;
	rc = parse_usb_opts("devices", devices_usage, argc, argv, &o, &done);
	if (done)
		return rc;
	err = usbw_new(NULL, &w);
	if (err != USBW_OK)
		return usb_unavailable(err);
	err = usbw_snapshot(w, &infos, &n);
	if (err != USBW_OK) {
		rc = usb_unavailable(err);
		goto out;
	}
	/* One phone, one entry: an iPhone USB shows is matched with usbmuxd's UDID. */
	usbmux_list(&mux, &n_mux);
	taken = calloc(n_mux + 1, sizeof(*taken));
	if (!taken) {
		rc = EXIT_FAILURE_OTHER;
		goto out;
	}
	if (o.json) {
		arr = json_array();
		for (size_t i = 0; arr && i < n; i++) {
			const char *udid = mux_udid(&infos[i], mux, n_mux, taken);
			json_t *d;

			if (!o.all && !usbd_is_phone(&infos[i]))
				continue;
			d = usbd_to_json(&infos[i]);
			json_object_set_new(d, "udid", udid ? json_string(udid) : json_null());
			json_array_append_new(arr, d);
		}
		for (size_t i = 0; arr && i < n_mux; i++)
			if (!taken[i])
				json_array_append_new(arr, mux_only_json(&mux[i]));
		if (!arr || json_dumpf(arr, stdout, JSON_INDENT(2)) != 0) {
			rc = EXIT_FAILURE_OTHER;
			goto out;
		}
		putchar('\n');
	} else {
		for (size_t i = 0; i < n; i++) {
			char line[1024];

			mux_udid(&infos[i], mux, n_mux, taken);
			if (!o.all && !usbd_is_phone(&infos[i]))
				continue;
			usbd_format_line(&infos[i], line, sizeof(line));
			puts(cli_safe(line));
			shown++;
		}
		for (size_t i = 0; i < n_mux; i++) {
			if (taken[i])
				continue;
			printf("usbmux:%s  05ac:%04x  ios      normal    Apple, Inc. (seen by usbmuxd "
			       "only)\n",
			       cli_safe(mux[i].udid), (unsigned)(mux[i].product_id & 0xffff));
			shown++;
		}
		if (shown == 0)
			puts(o.all ? "no USB device found"
				   : "no phone or tablet attached (plug one in; 'atelier devices "
				     "--all' lists every USB device)");
	}
	rc = fflush(stdout) == 0 ? EXIT_OK : EXIT_FAILURE_OTHER;
out:
	json_decref(arr);
	free(taken);
	free(mux);
	free(infos);
	usbw_free(w);
	return rc;
}

/* Print one event; returns 0 when standard output is gone. */
static int print_event(const struct usbw_event *ev, const struct usb_opts *o)
{
	const char *what = ev->kind == USBW_ARRIVED ? "arrived" : "left";

	if (o->json) {
		json_t *line = json_pack("{s:s, s:I, s:o*}", "event", what, "t",
					 (json_int_t)ev->t_ms, "device", usbd_to_json(&ev->dev));

		if (!line)
			return 1;
		json_dumpf(line, stdout, JSON_COMPACT);
		json_decref(line);
		putchar('\n');
	} else {
		char stamp[32], text[1024];

		clock_iso8601(ev->t_ms, stamp, sizeof(stamp));
		usbd_format_line(&ev->dev, text, sizeof(text));
		printf("%s %-7s %s\n", stamp, what, cli_safe(text));
	}
	return fflush(stdout) == 0;
}

int cli_cmd_watch(const struct cli_global *g, int argc, char **argv)
{
	struct usb_opts o;
	struct usbw *w = NULL;
	struct usbw_event *ev = NULL;
	sigset_t mask;
	int sfd = -1, done, rc;
	enum usbw_err err;

	(void)g;
	rc = parse_usb_opts("watch", watch_usage, argc, argv, &o, &done);
	if (done)
		return rc;
	/* Block the stop signals before libusb starts its threads, so that they all
	 * inherit the mask and the signals arrive on our signalfd only. */
	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGHUP);
	if (sigprocmask(SIG_BLOCK, &mask, NULL) != 0 ||
	    (sfd = signalfd(-1, &mask, SFD_CLOEXEC)) < 0) {
		fprintf(stderr, "atelier watch: signalfd: %s\n", strerror(errno));
		return EXIT_FAILURE_OTHER;
	}
	ev = malloc(sizeof(*ev));
	if (!ev) {
		rc = EXIT_FAILURE_OTHER;
		goto out;
	}
	err = usbw_new(NULL, &w);
	if (err == USBW_OK)
		err = usbw_start(w);
	if (err != USBW_OK) {
		rc = usb_unavailable(err);
		goto out;
	}
	if (!o.json)
		fprintf(stderr, "watching USB; plug in a phone or tablet (Ctrl-C to stop)\n");
	for (;;) {
		struct pollfd fds[2] = {
			{ .fd = usbw_event_fd(w), .events = POLLIN },
			{ .fd = sfd, .events = POLLIN },
		};

		/* No timeout: nothing runs while nothing happens. */
		if (poll(fds, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			fprintf(stderr, "atelier watch: poll: %s\n", strerror(errno));
			rc = EXIT_FAILURE_OTHER;
			break;
		}
		if (fds[1].revents) {
			rc = EXIT_OK;
			break;
		}
		while (usbw_next(w, ev)) {
			if (!o.all && !usbd_is_phone(&ev->dev))
				continue;
			if (!print_event(ev, &o)) {
				rc = EXIT_FAILURE_OTHER;
				goto out;
			}
		}
	}
out:
	usbw_free(w);
	free(ev);
	if (sfd >= 0)
		close(sfd);
	return rc;
}
