#include "fastboot_fake.h"

#include <errno.h>
#include <glib.h>
#include <linux/usbdevice_fs.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <umockdev.h>

#define FBFAKE_MAX_COMMANDS 16
#define FBFAKE_CMD_MAX 64
#define FBFAKE_PACKET_MAX 64 /* what an old bootloader sends per reply */

struct fbfake_script {
	char command[FBFAKE_CMD_MAX + 1];
	GPtrArray *packets; /* GBytes */
};

struct fbfake {
	UMockdevTestbed *bed;
	UMockdevIoctlBase *base;
	char *devnode;
	GMutex lock;
	struct fbfake_script scripts[FBFAKE_MAX_COMMANDS];
	size_t n_scripts;
	GQueue replies;	  /* GBytes queued for the next IN URBs */
	GQueue in_flight; /* UMockdevIoctlData of IN URBs waiting for a reply */
	GQueue done;	  /* UMockdevIoctlData of URBs ready to be reaped */
	int silent;
	int claim_errno;
	int claimed;
	unsigned commands;
	unsigned sent;	    /* reply packets delivered */
	unsigned unplug_at; /* 0: never */
};

static void die(const char *what, const GError *err)
{
	fprintf(stderr, "fastboot_fake: %s%s%s\n", what, err ? ": " : "", err ? err->message : "");
	abort();
}

static void drop_urbs(GQueue *q)
{
	UMockdevIoctlData *d;

	while ((d = g_queue_pop_head(q)))
		g_object_unref(d);
}

static void drop_replies(struct fbfake *fk)
{
	GBytes *b;

	while ((b = g_queue_pop_head(&fk->replies)))
		g_bytes_unref(b);
}

/* Fill the oldest in-flight IN URBs with queued replies. Locked. */
static void deliver(struct fbfake *fk)
{
	while (!fk->silent && fk->in_flight.length && fk->replies.length &&
	       !(fk->unplug_at && fk->sent >= fk->unplug_at)) {
		UMockdevIoctlData *urb_data = g_queue_pop_head(&fk->in_flight);
		struct usbdevfs_urb *urb = (struct usbdevfs_urb *)urb_data->data;
		GBytes *b = g_queue_pop_head(&fk->replies);
		size_t n = 0;
		const void *p = g_bytes_get_data(b, &n);

		if (n > (size_t)urb->buffer_length)
			n = (size_t)urb->buffer_length; /* the kernel would say -EOVERFLOW */
		if (n)
			memcpy(urb->buffer, p, n); /* resolved: a local copy, flushed on reap */
		urb->actual_length = (int)n;
		urb->status = 0;
		g_bytes_unref(b);
		fk->sent++;
		g_queue_push_tail(&fk->done, urb_data);
	}
}

/* A bulk OUT URB: the host's command. Queue its replies. Locked. */
static void command(struct fbfake *fk, const uint8_t *buf, size_t len)
{
	char cmd[FBFAKE_CMD_MAX + 1];

	if (len > FBFAKE_CMD_MAX)
		len = FBFAKE_CMD_MAX;
	memcpy(cmd, buf, len);
	cmd[len] = '\0';
	fk->commands++;
	for (size_t i = 0; i < fk->n_scripts; i++) {
		if (strcmp(fk->scripts[i].command, cmd) != 0)
			continue;
		for (guint k = 0; k < fk->scripts[i].packets->len; k++)
			g_queue_push_tail(&fk->replies, g_bytes_ref(g_ptr_array_index(
							    fk->scripts[i].packets, k)));
		return;
	}
	g_queue_push_tail(&fk->replies, g_bytes_new_static("FAILunknown command", 19));
}

static int submit(struct fbfake *fk, UMockdevIoctlData *arg)
{
	GError *err = NULL;
	UMockdevIoctlData *urb_data, *buf = NULL;
	struct usbdevfs_urb *urb;

	urb_data = umockdev_ioctl_data_resolve(arg, 0, sizeof(struct usbdevfs_urb), &err);
	if (!urb_data)
		die("cannot read the URB", err);
	urb = (struct usbdevfs_urb *)urb_data->data;
	if (urb->type != USBDEVFS_URB_TYPE_BULK) {
		g_object_unref(urb_data);
		return EINVAL;
	}
	if (urb->buffer_length > 0) {
		buf = umockdev_ioctl_data_resolve(urb_data, offsetof(struct usbdevfs_urb, buffer),
						  (gsize)urb->buffer_length, &err);
		if (!buf)
			die("cannot read the URB buffer", err);
	}
	if (urb->endpoint & 0x80) {
		g_queue_push_tail(&fk->in_flight, urb_data);
	} else {
		command(fk, buf ? buf->data : (const uint8_t *)"", buf ? (size_t)buf->data_len : 0);
		urb->actual_length = urb->buffer_length;
		urb->status = 0;
		g_queue_push_tail(&fk->done, urb_data);
	}
	if (buf)
		g_object_unref(buf); /* urb_data keeps it as its child */
	deliver(fk);
	return 0;
}

static int reap(struct fbfake *fk, UMockdevIoctlData *arg)
{
	GError *err = NULL;
	UMockdevIoctlData *ptr, *urb_data = g_queue_pop_head(&fk->done);

	if (!urb_data)
		return EAGAIN;
	ptr = umockdev_ioctl_data_resolve(arg, 0, sizeof(void *), &err);
	if (!ptr)
		die("cannot resolve the reap pointer", err);
	/* The client's pointer now names its own URB, written back with the reply. */
	umockdev_ioctl_data_set_ptr(ptr, 0, urb_data);
	g_object_unref(ptr);
	g_object_unref(urb_data); /* ptr (a child of arg) holds it until completion */
	return 0;
}

static int discard(struct fbfake *fk, UMockdevIoctlData *arg)
{
	gulong addr = *(gulong *)arg->data;

	for (GList *l = fk->in_flight.head; l; l = l->next) {
		UMockdevIoctlData *urb_data = l->data;
		struct usbdevfs_urb *urb = (struct usbdevfs_urb *)urb_data->data;

		if (urb_data->client_addr != addr)
			continue;
		g_queue_delete_link(&fk->in_flight, l);
		urb->status = -ENOENT;
		urb->actual_length = 0;
		g_queue_push_tail(&fk->done, urb_data);
		return 0;
	}
	return EINVAL; /* already completed */
}

static gboolean on_ioctl(UMockdevIoctlBase *base, UMockdevIoctlClient *client, gpointer data)
{
	struct fbfake *fk = data;
	gulong req = umockdev_ioctl_client_get_request(client);
	UMockdevIoctlData *arg = umockdev_ioctl_client_get_arg(client);
	GError *err = NULL;
	int e = 0;
	(void)base;

	g_mutex_lock(&fk->lock);
	if (fk->unplug_at && fk->sent >= fk->unplug_at && fk->done.length == 0) {
		/* Gone: what was completed is still reaped, then nothing works. */
		drop_urbs(&fk->in_flight);
		e = ENODEV;
	} else if (req == USBDEVFS_GET_CAPABILITIES) {
		UMockdevIoctlData *caps =
		    umockdev_ioctl_data_resolve(arg, 0, sizeof(guint32), &err);

		if (!caps)
			die("cannot resolve capabilities", err);
		*(guint32 *)caps->data = USBDEVFS_CAP_ZERO_PACKET | USBDEVFS_CAP_BULK_CONTINUATION |
					 USBDEVFS_CAP_NO_PACKET_SIZE_LIM;
		g_object_unref(caps);
	} else if (req == USBDEVFS_CLAIMINTERFACE || req == USBDEVFS_DISCONNECT_CLAIM) {
		e = fk->claim_errno;
		if (!e) {
			/* A new session: nothing left over from the last one. */
			fk->claimed = 1;
			drop_replies(fk);
			drop_urbs(&fk->in_flight);
			drop_urbs(&fk->done);
		}
	} else if (req == USBDEVFS_RELEASEINTERFACE) {
		fk->claimed = 0;
	} else if (req == USBDEVFS_SETINTERFACE || req == USBDEVFS_CLEAR_HALT) {
		e = 0;
	} else if (req == USBDEVFS_SUBMITURB) {
		e = submit(fk, arg);
	} else if (req == USBDEVFS_REAPURB || req == USBDEVFS_REAPURBNDELAY) {
		e = reap(fk, arg);
	} else if (req == USBDEVFS_DISCARDURB) {
		e = discard(fk, arg);
	} else {
		e = ENOTTY; /* GETDRIVER, IOCTL(CONNECT), GET_SPEED...: not a kernel */
	}
	g_mutex_unlock(&fk->lock);
	umockdev_ioctl_client_complete(client, e ? -1 : 0, e);
	return TRUE;
}

struct fbfake *fbfake_new(struct _UMockdevTestbed *bed, const char *devnode)
{
	struct fbfake *fk = g_new0(struct fbfake, 1);
	GError *err = NULL;

	g_mutex_init(&fk->lock);
	g_queue_init(&fk->replies);
	g_queue_init(&fk->in_flight);
	g_queue_init(&fk->done);
	fk->bed = g_object_ref(bed);
	fk->devnode = g_strdup(devnode);
	fk->base = umockdev_ioctl_base_new();
	g_signal_connect(fk->base, "handle-ioctl", G_CALLBACK(on_ioctl), fk);
	if (!umockdev_testbed_attach_ioctl(bed, devnode, fk->base, &err))
		die("umockdev_testbed_attach_ioctl failed", err);
	return fk;
}

void fbfake_free(struct fbfake *fk)
{
	if (!fk)
		return;
	umockdev_testbed_detach_ioctl(fk->bed, fk->devnode, NULL);
	g_object_unref(fk->base);
	g_mutex_lock(&fk->lock);
	drop_replies(fk);
	drop_urbs(&fk->in_flight);
	drop_urbs(&fk->done);
	for (size_t i = 0; i < fk->n_scripts; i++)
		g_ptr_array_unref(fk->scripts[i].packets);
	g_mutex_unlock(&fk->lock);
	g_mutex_clear(&fk->lock);
	g_object_unref(fk->bed);
	g_free(fk->devnode);
	g_free(fk);
}

void fbfake_reply(struct fbfake *fk, const char *command_, const void *packet, size_t len)
{
	struct fbfake_script *s = NULL;

	g_mutex_lock(&fk->lock);
	for (size_t i = 0; i < fk->n_scripts && !s; i++)
		if (strcmp(fk->scripts[i].command, command_) == 0)
			s = &fk->scripts[i];
	if (!s) {
		if (fk->n_scripts == FBFAKE_MAX_COMMANDS || strlen(command_) > FBFAKE_CMD_MAX)
			die("too many or too long commands", NULL);
		s = &fk->scripts[fk->n_scripts++];
		snprintf(s->command, sizeof(s->command), "%s", command_);
		s->packets = g_ptr_array_new_with_free_func((GDestroyNotify)g_bytes_unref);
	}
	g_ptr_array_add(s->packets, g_bytes_new(packet, len));
	g_mutex_unlock(&fk->lock);
}

void fbfake_reply_str(struct fbfake *fk, const char *command_, const char *packet)
{
	fbfake_reply(fk, command_, packet, strlen(packet));
}

size_t fbfake_reply_capture(struct fbfake *fk, const char *command_, const char *path)
{
	static const char tag[] = "(bootloader) ";
	char *text = NULL, **lines;
	size_t n = 0;
	GError *err = NULL;

	if (!g_file_get_contents(path, &text, NULL, &err))
		die("cannot read the capture", err);
	lines = g_strsplit(text, "\n", -1);
	for (size_t i = 0; lines[i]; i++) {
		char pkt[FBFAKE_PACKET_MAX + 1];
		int w;

		g_strchomp(lines[i]); /* CR, trailing blanks */
		if (strncmp(lines[i], tag, sizeof(tag) - 1) != 0)
			continue;
		w = snprintf(pkt, sizeof(pkt), "INFO%s", lines[i] + sizeof(tag) - 1);
		/* 64 bytes at most on the wire, no NUL */
		fbfake_reply(fk, command_, pkt,
			     w > FBFAKE_PACKET_MAX ? FBFAKE_PACKET_MAX : (size_t)w);
		n++;
	}
	fbfake_reply_str(fk, command_, "OKAY");
	g_strfreev(lines);
	g_free(text);
	return n;
}

void fbfake_unplug_after(struct fbfake *fk, unsigned n)
{
	g_mutex_lock(&fk->lock);
	fk->unplug_at = n;
	g_mutex_unlock(&fk->lock);
}

void fbfake_set_silent(struct fbfake *fk, int silent)
{
	g_mutex_lock(&fk->lock);
	fk->silent = silent;
	g_mutex_unlock(&fk->lock);
}

void fbfake_set_claim_errno(struct fbfake *fk, int errno_)
{
	g_mutex_lock(&fk->lock);
	fk->claim_errno = errno_;
	g_mutex_unlock(&fk->lock);
}

int fbfake_claimed(struct fbfake *fk)
{
	int c;

	g_mutex_lock(&fk->lock);
	c = fk->claimed;
	g_mutex_unlock(&fk->lock);
	return c;
}

unsigned fbfake_commands(struct fbfake *fk)
{
	unsigned c;

	g_mutex_lock(&fk->lock);
	c = fk->commands;
	g_mutex_unlock(&fk->lock);
	return c;
}
