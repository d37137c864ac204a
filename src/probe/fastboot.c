#include "probe/fastboot.h"

#include <assert.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "probe/android_parse.h"
#include "usb/device.h"
#include "util/clock.h"
#include "util/log.h"

const char *fastboot_strerror(enum fastboot_err err)
{
	switch (err) {
	case FASTBOOT_OK:
		return "ok";
	case FASTBOOT_ENODEV:
		return "no fastboot device at that port";
	case FASTBOOT_EACCESS:
		return "no permission to open the device (udev rules or plugdev group missing)";
	case FASTBOOT_EBUSY:
		return "the fastboot interface is in use by another program (a running fastboot?)";
	case FASTBOOT_EFAIL:
		return "the bootloader refused the command";
	case FASTBOOT_ETIMEOUT:
		return "the bootloader did not answer in time";
	case FASTBOOT_ELOST:
		return "the device was unplugged during the exchange";
	case FASTBOOT_EPROTO:
		return "the bootloader's answer is not fastboot protocol";
	case FASTBOOT_ETOOBIG:
		return "the bootloader's answer is longer than allowed";
	case FASTBOOT_EIO:
		return "usb transfer failed";
	case FASTBOOT_ENOMEM:
		return "out of memory";
	}
	return "unknown error";
}

/* ---- protocol ---- */

/* A growing NUL-terminated text bounded by FASTBOOT_OUT_MAX. */
struct fb_text {
	char *buf;
	size_t len, cap;
};

static enum fastboot_err text_add_line(struct fb_text *t, const uint8_t *s, size_t n)
{
	size_t need = t->len + (t->len ? 1 : 0) + n + 1;

	if (need > FASTBOOT_OUT_MAX + 1)
		return FASTBOOT_ETOOBIG;
	if (need > t->cap) {
		size_t cap = t->cap ? t->cap : 1024;
		char *nb;

		while (cap < need)
			cap *= 2;
		nb = realloc(t->buf, cap);
		if (!nb)
			return FASTBOOT_ENOMEM;
		t->buf = nb;
		t->cap = cap;
	}
	if (t->len)
		t->buf[t->len++] = '\n';
	for (size_t i = 0; i < n; i++)
		t->buf[t->len++] = (s[i] < 0x20 || s[i] == 0x7f) ? '?' : (char)s[i];
	t->buf[t->len] = '\0';
	return FASTBOOT_OK;
}

/* Milliseconds left before DEADLINE, capped at one reply's timeout; 0 when past. */
static int time_left(int64_t deadline)
{
	int64_t left = deadline - clock_mono_ms();

	if (left <= 0)
		return 0;
	return left > FASTBOOT_REPLY_TIMEOUT_MS ? FASTBOOT_REPLY_TIMEOUT_MS : (int)left;
}

enum fastboot_err fastboot_command(const struct fastboot_transport *t, const char *cmd,
				   int timeout_ms, char **out, size_t *len, char **okay_value)
{
	uint8_t pkt[FASTBOOT_PACKET_MAX];
	struct fb_text text = { 0 };
	struct fb_text value = { 0 };
	int64_t deadline = clock_mono_ms() + (timeout_ms > 0 ? timeout_ms : 0);
	size_t cmd_len = strlen(cmd), lines = 0;
	enum fastboot_err err;

	*out = NULL;
	*len = 0;
	if (okay_value)
		*okay_value = NULL;
	assert(cmd_len > 0 && cmd_len <= FASTBOOT_CMD_MAX); /* commands are ours */

	if (time_left(deadline) == 0) {
		err = FASTBOOT_ETIMEOUT;
		goto out;
	}
	err = t->send(t->ctx, cmd, cmd_len, time_left(deadline));
	if (err != FASTBOOT_OK)
		goto out;
	for (;;) {
		size_t got = 0;
		int wait = time_left(deadline);

		if (wait == 0) {
			err = FASTBOOT_ETIMEOUT;
			goto out;
		}
		err = t->recv(t->ctx, pkt, sizeof(pkt), &got, wait);
		if (err != FASTBOOT_OK)
			goto out;
		if (got < 4) {
			/* A zero-length packet is not a reply; anything shorter than a tag is
			 * garbage. */
			err = FASTBOOT_EPROTO;
			goto out;
		}
		if (memcmp(pkt, "INFO", 4) == 0 || memcmp(pkt, "TEXT", 4) == 0) {
			if (++lines > FASTBOOT_LINES_MAX) {
				err = FASTBOOT_ETOOBIG;
				goto out;
			}
			if (memcmp(pkt, "INFO", 4) == 0) {
				err = text_add_line(&text, pkt + 4, got - 4);
				if (err != FASTBOOT_OK)
					goto out;
			}
			continue;
		}
		if (memcmp(pkt, "OKAY", 4) == 0 || memcmp(pkt, "FAIL", 4) == 0) {
			int okay = memcmp(pkt, "OKAY", 4) == 0;

			err = text_add_line(&value, pkt + 4, got - 4);
			if (err == FASTBOOT_OK && !value.buf)
				err = text_add_line(&value, pkt, 0);
			if (err != FASTBOOT_OK)
				goto out;
			if (!okay) {
				*out = value.buf;
				*len = value.len;
				value.buf = NULL;
				err = FASTBOOT_EFAIL;
				goto out;
			}
			if (!text.buf) {
				err = text_add_line(&text, pkt, 0);
				if (err != FASTBOOT_OK)
					goto out;
			}
			*out = text.buf;
			*len = text.len;
			text.buf = NULL;
			if (okay_value) {
				*okay_value = value.buf;
				value.buf = NULL;
			}
			err = FASTBOOT_OK;
			goto out;
		}
		/* DATA (a download we never asked for) or anything else. */
		err = FASTBOOT_EPROTO;
		goto out;
	}
out:
	free(text.buf);
	free(value.buf);
	return err;
}

enum fastboot_err fastboot_getvar_all_on(const struct fastboot_transport *t, int timeout_ms,
					 char **out, size_t *len)
{
	return fastboot_command(t, "getvar:all", timeout_ms, out, len, NULL);
}

/* ---- libusb transport ---- */

struct fb_usb {
	libusb_device_handle *h;
	uint8_t ep_in, ep_out;
	char port_id[USBD_ID_MAX];
};

static enum fastboot_err from_libusb(int r)
{
	switch (r) {
	case LIBUSB_SUCCESS:
		return FASTBOOT_OK;
	case LIBUSB_ERROR_TIMEOUT:
		return FASTBOOT_ETIMEOUT;
	case LIBUSB_ERROR_NO_DEVICE:
		return FASTBOOT_ELOST;
	case LIBUSB_ERROR_ACCESS:
		return FASTBOOT_EACCESS;
	case LIBUSB_ERROR_BUSY:
		return FASTBOOT_EBUSY;
	case LIBUSB_ERROR_NO_MEM:
		return FASTBOOT_ENOMEM;
	case LIBUSB_ERROR_NOT_FOUND:
		return FASTBOOT_ENODEV;
	case LIBUSB_ERROR_OVERFLOW:
		return FASTBOOT_EPROTO; /* a reply longer than any fastboot packet */
	default:
		return FASTBOOT_EIO;
	}
}

static enum fastboot_err usb_send(void *ctx, const void *buf, size_t len, int timeout_ms)
{
	struct fb_usb *u = ctx;
	int done = 0, r;

	r = libusb_bulk_transfer(u->h, u->ep_out, (unsigned char *)(uintptr_t)buf, (int)len, &done,
				 (unsigned)timeout_ms);
	if (r == LIBUSB_SUCCESS && (size_t)done != len)
		return FASTBOOT_EIO;
	if (r != LIBUSB_SUCCESS)
		log_msg(LOG_DEBUG, "fastboot %s: sending failed: libusb_bulk_transfer: %s",
			u->port_id, libusb_error_name(r));
	return from_libusb(r);
}

static enum fastboot_err usb_recv(void *ctx, void *buf, size_t size, size_t *got, int timeout_ms)
{
	struct fb_usb *u = ctx;
	int done = 0, r;

	r = libusb_bulk_transfer(u->h, u->ep_in, buf, (int)size, &done, (unsigned)timeout_ms);
	*got = done > 0 ? (size_t)done : 0;
	if (r != LIBUSB_SUCCESS)
		log_msg(LOG_DEBUG, "fastboot %s: reading a reply failed: libusb_bulk_transfer: %s",
			u->port_id, libusb_error_name(r));
	return from_libusb(r);
}

/* The fastboot interface of CFG: its number, alt setting and bulk endpoints. Returns 1
 * when found. */
static int find_iface(const struct libusb_config_descriptor *cfg, int *number, int *alt,
		      uint8_t *ep_in, uint8_t *ep_out)
{
	for (int i = 0; i < cfg->bNumInterfaces; i++) {
		const struct libusb_interface *itf = &cfg->interface[i];

		for (int a = 0; a < itf->num_altsetting; a++) {
			const struct libusb_interface_descriptor *d = &itf->altsetting[a];
			int in = -1, outp = -1;

			if (d->bInterfaceClass != FASTBOOT_CLASS ||
			    d->bInterfaceSubClass != FASTBOOT_SUBCLASS ||
			    d->bInterfaceProtocol != FASTBOOT_PROTOCOL)
				continue;
			for (int e = 0; e < d->bNumEndpoints; e++) {
				const struct libusb_endpoint_descriptor *ep = &d->endpoint[e];

				if ((ep->bmAttributes & LIBUSB_TRANSFER_TYPE_MASK) !=
				    LIBUSB_TRANSFER_TYPE_BULK)
					continue;
				if ((ep->bEndpointAddress & LIBUSB_ENDPOINT_DIR_MASK) ==
				    LIBUSB_ENDPOINT_IN) {
					if (in < 0)
						in = ep->bEndpointAddress;
				} else if (outp < 0) {
					outp = ep->bEndpointAddress;
				}
			}
			if (in < 0 || outp < 0)
				continue;
			*number = d->bInterfaceNumber;
			*alt = d->bAlternateSetting;
			*ep_in = (uint8_t)in;
			*ep_out = (uint8_t)outp;
			return 1;
		}
	}
	return 0;
}

/* The device at PORT_ID in CTX, with a reference the caller drops; NULL when absent. */
static libusb_device *find_device(libusb_context *ctx, const char *port_id)
{
	libusb_device **list = NULL, *found = NULL;
	ssize_t n = libusb_get_device_list(ctx, &list);
	char want[USBD_ID_MAX];

	snprintf(want, sizeof(want), "%s%s",
		 strncmp(port_id, "usb:", 4) == 0 ? "" : "usb:", port_id);
	for (ssize_t i = 0; i < n; i++) {
		struct usbd_info loc;

		usbd_read_location(list[i], &loc);
		if (strcmp(loc.id, want) == 0) {
			found = libusb_ref_device(list[i]);
			break;
		}
	}
	if (n >= 0)
		libusb_free_device_list(list, 1);
	return found;
}

enum fastboot_err fastboot_getvar_all(libusb_context *ctx, const char *port_id, int timeout_ms,
				      char **out, size_t *len)
{
	struct fb_usb u = { 0 };
	struct fastboot_transport t = { usb_send, usb_recv, &u };
	struct libusb_config_descriptor *cfg = NULL;
	libusb_device *dev = NULL;
	enum fastboot_err err;
	int iface = -1, alt = 0, claimed = 0, r;

	*out = NULL;
	*len = 0;
	snprintf(u.port_id, sizeof(u.port_id), "%s", port_id);
	dev = find_device(ctx, port_id);
	if (!dev) {
		err = FASTBOOT_ENODEV;
		goto out;
	}
	r = libusb_get_active_config_descriptor(dev, &cfg);
	if (r != LIBUSB_SUCCESS) {
		log_msg(LOG_DEBUG, "fastboot %s: no configuration: %s", port_id,
			libusb_error_name(r));
		err = r == LIBUSB_ERROR_NO_DEVICE ? FASTBOOT_ENODEV : FASTBOOT_EIO;
		goto out;
	}
	if (!find_iface(cfg, &iface, &alt, &u.ep_in, &u.ep_out)) {
		log_msg(LOG_DEBUG, "fastboot %s: no ff/42/03 interface with bulk endpoints",
			port_id);
		err = FASTBOOT_ENODEV;
		goto out;
	}
	r = libusb_open(dev, &u.h);
	if (r != LIBUSB_SUCCESS) {
		log_msg(LOG_WARN, "fastboot %s: cannot open: libusb_open: %s", port_id,
			libusb_error_name(r));
		err = r == LIBUSB_ERROR_NO_DEVICE ? FASTBOOT_ENODEV : from_libusb(r);
		goto out;
	}
	/* Not supported everywhere (no kernel drivers on some platforms): ignored. */
	(void)libusb_set_auto_detach_kernel_driver(u.h, 1);
	r = libusb_claim_interface(u.h, iface);
	if (r != LIBUSB_SUCCESS) {
		log_msg(LOG_WARN,
			"fastboot %s: cannot claim interface %d: "
			"libusb_claim_interface: %s",
			port_id, iface, libusb_error_name(r));
		err = from_libusb(r);
		goto out;
	}
	claimed = 1;
	if (alt != 0) {
		r = libusb_set_interface_alt_setting(u.h, iface, alt);
		if (r != LIBUSB_SUCCESS) {
			err = from_libusb(r);
			goto out;
		}
	}
	err = fastboot_getvar_all_on(&t, timeout_ms, out, len);
	if (err != FASTBOOT_OK && err != FASTBOOT_EFAIL)
		log_msg(LOG_WARN, "fastboot %s: getvar:all failed: %s", port_id,
			fastboot_strerror(err));
out:
	if (claimed)
		(void)libusb_release_interface(u.h, iface);
	if (u.h)
		libusb_close(u.h);
	if (cfg)
		libusb_free_config_descriptor(cfg);
	if (dev)
		libusb_unref_device(dev);
	return err;
}

enum fastboot_err fastboot_probe(const char *port_id, int timeout_ms, struct facts *f)
{
	libusb_context *ctx = NULL;
	struct aprops *props = NULL;
	char *text = NULL, id[USBD_ID_MAX];
	size_t len = 0;
	enum fastboot_err err;
	enum android_parse_err perr;

	snprintf(id, sizeof(id), "%s%s", strncmp(port_id, "usb:", 4) == 0 ? "" : "usb:", port_id);
	facts_set_string(f, "platform", "android");
	facts_set_string(f, "connection.via", "fastboot");
	facts_set_string(f, "connection.mode", "fastboot");
	facts_set_string(f, "connection.id", id);
	facts_set_string(f, "connection.usb_id", id);
	if (libusb_init(&ctx) != LIBUSB_SUCCESS) {
		ctx = NULL;
		err = FASTBOOT_EIO;
		facts_error(f, "identity", "fastboot %s: libusb could not start", id);
		goto out;
	}
	err = fastboot_getvar_all(ctx, id, timeout_ms, &text, &len);
	if (err == FASTBOOT_EFAIL) {
		facts_error(f, "identity", "fastboot %s: getvar:all refused by the bootloader: %s",
			    id, text && *text ? text : "no reason given");
		goto out;
	}
	if (err != FASTBOOT_OK) {
		facts_error(f, "identity", "fastboot %s: getvar:all failed: %s", id,
			    fastboot_strerror(err));
		goto out;
	}
	perr = aprops_parse_getvar(text, len, &props);
	if (perr != ANDROID_PARSE_OK) {
		facts_error(f, "identity", "fastboot %s: getvar:all not readable: %s", id,
			    android_parse_strerror(perr));
		err = perr == ANDROID_PARSE_ENOMEM ? FASTBOOT_ENOMEM : FASTBOOT_EPROTO;
		goto out;
	}
	android_facts_from_getvar(props, f);
out:
	aprops_free(props);
	free(text);
	if (ctx)
		libusb_exit(ctx);
	return err;
}
