#include "testbed.h"

#include <glib.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <umockdev.h>
#include <unistd.h>

#define TB_MAX_DEVICES 256

struct tb_entry {
	char sysname[64];
	char *syspath;
	int devnum;
	int bus;
};

struct tb {
	UMockdevTestbed *bed;
	struct tb_entry devs[TB_MAX_DEVICES];
	size_t n;
	int next_devnum[128];
};

static void die(const char *what)
{
	fprintf(stderr, "testbed: %s\n", what);
	abort();
}

struct tb *tb_new(void)
{
	struct tb *tb = calloc(1, sizeof(*tb));

	if (!tb)
		die("out of memory");
	tb->bed = umockdev_testbed_new();
	if (!umockdev_in_mock_environment())
		die("not running under umockdev-wrapper (use tests/runner)");
	for (int i = 0; i < 128; i++)
		tb->next_devnum[i] = 2; /* 1 is the root hub */
	return tb;
}

static struct tb_entry *find(struct tb *tb, const char *sysname)
{
	for (size_t i = 0; i < tb->n; i++)
		if (strcmp(tb->devs[i].sysname, sysname) == 0)
			return &tb->devs[i];
	return NULL;
}

int tb_devnum(const struct tb *tb, const char *sysname)
{
	for (size_t i = 0; i < tb->n; i++)
		if (strcmp(tb->devs[i].sysname, sysname) == 0)
			return tb->devs[i].devnum;
	return 0;
}

static size_t put_device_desc(uint8_t *o, uint16_t vid, uint16_t pid, uint8_t cls,
			      uint8_t nconf)
{
	const uint8_t d[18] = { 18, 1, 0x00, 0x02, cls, 0, cls == 9 ? 1 : 0, 64,
				(uint8_t)(vid & 0xff), (uint8_t)(vid >> 8),
				(uint8_t)(pid & 0xff), (uint8_t)(pid >> 8),
				0x00, 0x01, 1, 2, 3, nconf };
	memcpy(o, d, sizeof(d));
	return sizeof(d);
}

size_t tb_descriptors(const struct tb_dev *dev, uint8_t *out, size_t size)
{
	uint8_t buf[4096];
	size_t len, nconf = dev->n_configs ? dev->n_configs : 1;
	uint8_t string_index = 4;

	if (dev->raw) {
		len = dev->raw_len < size ? dev->raw_len : size;
		memcpy(out, dev->raw, len);
		return len;
	}
	len = put_device_desc(buf, dev->vendor_id, dev->product_id, 0, (uint8_t)nconf);
	for (size_t c = 0; c < nconf; c++) {
		const struct tb_config *cfg = &dev->configs[c];
		size_t start = len;

		buf[len++] = 9;
		buf[len++] = 2;
		len += 2; /* wTotalLength, below */
		buf[len++] = (uint8_t)cfg->n_ifaces;
		buf[len++] = (uint8_t)(c + 1);
		buf[len++] = 0;
		buf[len++] = 0x80;
		buf[len++] = 250;
		for (size_t i = 0; i < cfg->n_ifaces; i++) {
			const struct tb_iface *f = &cfg->ifaces[i];
			uint8_t neps = (uint8_t)(f->bulk_in + f->bulk_out + f->intr_in);
			uint8_t ep = 1;

			buf[len++] = 9;
			buf[len++] = 4;
			buf[len++] = (uint8_t)i;
			buf[len++] = 0;
			buf[len++] = neps;
			buf[len++] = f->cls;
			buf[len++] = f->subclass;
			buf[len++] = f->protocol;
			buf[len++] = f->name ? string_index++ : 0;
			for (int k = 0; k < f->bulk_in; k++, ep++) {
				const uint8_t e[7] = { 7, 5, (uint8_t)(0x80 | ep), 2, 0, 2, 0 };
				memcpy(buf + len, e, 7);
				len += 7;
			}
			for (int k = 0; k < f->bulk_out; k++, ep++) {
				const uint8_t e[7] = { 7, 5, ep, 2, 0, 2, 0 };
				memcpy(buf + len, e, 7);
				len += 7;
			}
			for (int k = 0; k < f->intr_in; k++, ep++) {
				const uint8_t e[7] = { 7, 5, (uint8_t)(0x80 | ep), 3, 8, 0, 9 };
				memcpy(buf + len, e, 7);
				len += 7;
			}
		}
		buf[start + 2] = (uint8_t)((len - start) & 0xff);
		buf[start + 3] = (uint8_t)((len - start) >> 8);
	}
	if (len > size)
		die("descriptors do not fit");
	memcpy(out, buf, len);
	return len;
}

static int bus_of(const char *sysname)
{
	if (strncmp(sysname, "usb", 3) == 0)
		return (int)strtol(sysname + 3, NULL, 10);
	return (int)strtol(sysname, NULL, 10);
}

static void appendf(GString *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void appendf(GString *s, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	g_string_append_vprintf(s, fmt, ap);
	va_end(ap);
}

/* Add one device as a umockdev record: add_from_string sets every attribute, the
 * binary descriptors included, before it sends the "add" uevent, so libusb never reads
 * a half-made device. Interface children (with their strings) follow. */
static const char *add_raw(struct tb *tb, const char *sysname, const char *parent_syspath,
			   const uint8_t *desc, size_t desc_len, const struct tb_dev *dev)
{
	struct tb_entry *e;
	GString *rec = g_string_new(NULL);
	GError *err = NULL;
	int bus = bus_of(sysname);
	int num, cfg = dev && dev->active_config ? dev->active_config : 1;
	const char *parent_dev = parent_syspath ? parent_syspath + strlen("/sys") : "/devices";

	if (tb->n == TB_MAX_DEVICES)
		die("too many devices");
	if (bus < 1 || bus > 127)
		die("bad bus number");
	num = strncmp(sysname, "usb", 3) == 0 ? 1 : tb->next_devnum[bus]++;
	if (num > 127)
		die("bus full");
	appendf(rec, "P: %s/%s\nN: bus/usb/%03d/%03d\n", parent_dev, sysname, bus, num);
	appendf(rec, "E: SUBSYSTEM=usb\nE: DEVTYPE=usb_device\nE: BUSNUM=%03d\nE: DEVNUM=%03d\n"
		     "E: DEVNAME=/dev/bus/usb/%03d/%03d\n", bus, num, bus, num);
	appendf(rec, "A: busnum=%d\\n\nA: devnum=%d\\n\nA: speed=480\\n\n"
		     "A: bConfigurationValue=%d\\n\n", bus, num, cfg);
	if (dev && dev->manufacturer)
		appendf(rec, "A: manufacturer=%s\\n\n", dev->manufacturer);
	if (dev && dev->product)
		appendf(rec, "A: product=%s\\n\n", dev->product);
	if (dev && dev->serial)
		appendf(rec, "A: serial=%s\\n\n", dev->serial);
	g_string_append(rec, "H: descriptors=");
	for (size_t i = 0; i < desc_len; i++)
		appendf(rec, "%02X", desc[i]);
	g_string_append(rec, "\n\n");
	if (dev && !dev->raw) {
		size_t ci = (size_t)(cfg - 1);

		if (ci < TB_MAX_CONFIGS) {
			for (size_t i = 0; i < dev->configs[ci].n_ifaces; i++) {
				const struct tb_iface *f = &dev->configs[ci].ifaces[i];

				appendf(rec, "P: %s/%s/%s:%d.%zu\nE: SUBSYSTEM=usb\n"
					     "E: DEVTYPE=usb_interface\n",
					parent_dev, sysname, sysname, cfg, i);
				appendf(rec, "A: bInterfaceClass=%02x\\n\nA: bInterfaceNumber=%02zx\\n\n",
					f->cls, i);
				if (f->name)
					appendf(rec, "A: interface=%s\\n\n", f->name);
				g_string_append(rec, "\n");
			}
		}
	}
	if (!umockdev_testbed_add_from_string(tb->bed, rec->str, &err)) {
		fprintf(stderr, "testbed: %s\n%s\n", err ? err->message : "?", rec->str);
		die("umockdev_testbed_add_from_string failed");
	}
	g_string_free(rec, TRUE);

	e = &tb->devs[tb->n++];
	memset(e, 0, sizeof(*e));
	snprintf(e->sysname, sizeof(e->sysname), "%s", sysname);
	e->bus = bus;
	e->devnum = num;
	e->syspath = g_strdup_printf("/sys%s/%s", parent_dev, sysname);
	return e->syspath;
}

static const char *ensure_parent(struct tb *tb, const char *sysname);

static const char *add_hub(struct tb *tb, const char *sysname)
{
	uint8_t desc[64];
	struct tb_dev hub = { 0 };
	const char *parent = NULL, *path;
	size_t len;

	if (strncmp(sysname, "usb", 3) != 0)
		parent = ensure_parent(tb, sysname);
	hub.n_configs = 1;
	hub.configs[0].n_ifaces = 1;
	hub.configs[0].ifaces[0] = (struct tb_iface){ .cls = 9, .intr_in = 1 };
	len = tb_descriptors(&hub, desc, sizeof(desc));
	desc[4] = 9; /* bDeviceClass hub */
	desc[8] = 0x6b;
	desc[9] = 0x1d; /* 1d6b Linux Foundation */
	desc[10] = strncmp(sysname, "usb", 3) == 0 ? 2 : 0x01;
	desc[11] = 0;
	path = add_raw(tb, sysname, parent, desc, len, NULL);
	return path;
}

/* Make sure the hub above SYSNAME exists; return its syspath. */
static const char *ensure_parent(struct tb *tb, const char *sysname)
{
	char parent[64];
	char *cut;
	struct tb_entry *e;

	snprintf(parent, sizeof(parent), "%s", sysname);
	cut = strrchr(parent, '.');
	if (!cut)
		cut = strrchr(parent, '-');
	if (!cut)
		die("bad sysname");
	*cut = '\0';
	if (!strchr(parent, '-')) {
		char root[16];

		snprintf(root, sizeof(root), "usb%.8s", parent);
		memcpy(parent, root, sizeof(root));
	}
	e = find(tb, parent);
	if (e)
		return e->syspath;
	return add_hub(tb, parent);
}

const char *tb_add(struct tb *tb, const struct tb_dev *dev)
{
	uint8_t desc[4096];
	size_t len = tb_descriptors(dev, desc, sizeof(desc));
	const char *parent = ensure_parent(tb, dev->sysname);

	return add_raw(tb, dev->sysname, parent, desc, len, dev);
}

/* umockdev 0.17 leaves /sys/bus/usb/devices/NAME (and NAME:C.I) behind, and a later
 * device on the same port (a replug) would then fail to be added. */
static void unlink_bus_links(struct tb *tb, const char *sysname)
{
	gchar *sys = umockdev_testbed_get_sys_dir(tb->bed);
	gchar *dir = g_build_filename(sys, "bus", "usb", "devices", NULL);
	GDir *d = g_dir_open(dir, 0, NULL);
	size_t len = strlen(sysname);
	const gchar *name;

	while (d && (name = g_dir_read_name(d))) {
		if (strncmp(name, sysname, len) == 0 && (name[len] == '\0' || name[len] == ':')) {
			gchar *link = g_build_filename(dir, name, NULL);

			unlink(link);
			g_free(link);
		}
	}
	if (d)
		g_dir_close(d);
	g_free(dir);
	g_free(sys);
}

int tb_remove(struct tb *tb, const char *sysname)
{
	struct tb_entry *e = find(tb, sysname);

	if (!e)
		return 0;
	/* umockdev_testbed_remove_device() sends no uevent: send it first. */
	umockdev_testbed_uevent(tb->bed, e->syspath, "remove");
	umockdev_testbed_remove_device(tb->bed, e->syspath);
	unlink_bus_links(tb, sysname);
	g_free(e->syspath);
	*e = tb->devs[--tb->n];
	return 1;
}

void tb_free(struct tb *tb)
{
	if (!tb)
		return;
	for (size_t i = 0; i < tb->n; i++)
		g_free(tb->devs[i].syspath);
	g_object_unref(tb->bed);
	free(tb);
}

struct tb_dev tb_simple(const char *sysname, uint16_t vid, uint16_t pid, const char *serial,
			uint8_t cls, uint8_t subclass, uint8_t protocol)
{
	struct tb_dev d = { 0 };

	d.sysname = sysname;
	d.vendor_id = vid;
	d.product_id = pid;
	d.serial = serial;
	d.n_configs = 1;
	d.configs[0].n_ifaces = 1;
	d.configs[0].ifaces[0] = (struct tb_iface){ cls, subclass, protocol, 1, 1, 0, NULL };
	return d;
}

struct _UMockdevTestbed *tb_umockdev(struct tb *tb)
{
	return tb->bed;
}
