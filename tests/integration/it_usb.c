/*
 * USB detection as the trainee sees it: `atelier devices` and `atelier watch` inside a
 * umockdev testbed, where libusb runs unmodified against simulated devices.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <jansson.h>
#include <umockdev.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../lib/fake.h"
#include "../lib/proc.h"
#include "../lib/testbed.h"
#include "usb/watch.h"

#define LINE_TIMEOUT_MS 5000

static struct tb *tb;
static struct fake fk; /* stopped by teardown even when a test fails */
static struct fake_adb fadb;

static int setup(void **state)
{
	(void)state;
	tb = tb_new();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	proc_kill_all();
	fake_stop(&fk);
	fake_adb_stop(&fadb);
	tb_free(tb);
	tb = NULL;
	return 0;
}

/* `atelier devices --json [--all]`, parsed; fails the test on a bad exit or JSON. */
static json_t *devices_json(int all)
{
	const char *argv_all[] = { "devices", "--json", "--all", NULL };
	const char *argv[] = { "devices", "--json", NULL };
	struct proc_result r;
	json_error_t jerr;
	json_t *arr;

	proc_run(&r, all ? argv_all : argv);
	if (r.status != 0)
		fprintf(stderr, "devices stderr: %s\n", r.err);
	assert_int_equal(r.status, 0);
	arr = json_loads(r.out, 0, &jerr);
	if (!arr)
		fprintf(stderr, "bad json (%s): %s\n", jerr.text, r.out);
	assert_non_null(arr);
	assert_true(json_is_array(arr));
	proc_result_free(&r);
	return arr;
}

static json_t *find_by_id(json_t *arr, const char *id)
{
	size_t i;
	json_t *d;

	json_array_foreach(arr, i, d)
		if (strcmp(json_string_value(json_object_get(d, "id")), id) == 0)
			return d;
	return NULL;
}

static const char *str(json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

static struct tb_dev with_ifaces(const char *sysname, uint16_t vid, uint16_t pid,
				 const char *serial, size_t n, const struct tb_iface *ifs)
{
	struct tb_dev d = { 0 };

	d.sysname = sysname;
	d.vendor_id = vid;
	d.product_id = pid;
	d.serial = serial;
	d.n_configs = 1;
	d.configs[0].n_ifaces = n;
	for (size_t i = 0; i < n; i++)
		d.configs[0].ifaces[i] = ifs[i];
	return d;
}

#define IF(c, s, p) ((struct tb_iface){ c, s, p, 1, 1, 0, NULL })
#define IFN(c, s, p, name) ((struct tb_iface){ c, s, p, 1, 1, 1, name })

struct mode_case {
	const char *port;
	const char *serial;
	struct tb_dev dev;
	const char *platform;
	const char *mode;
};

static void every_mode_of_the_table_shows_its_mode(void **state)
{
	struct mode_case cases[32];
	size_t n = 0;
	json_t *arr;
	(void)state;

	/* iOS: the product id decides, whatever the interfaces say. */
	{
		struct tb_iface ptp = IFN(0x06, 0x01, 0x01, "PTP");
		struct tb_dev d = with_ifaces("1-1", 0x05ac, 0x12a8, "00008030001A2B3C", 1, &ptp);

		/* A normal-mode iPhone: PTP in configuration 1, usbmux in configuration 4. */
		d.n_configs = 4;
		d.configs[1].n_ifaces = 1;
		d.configs[1].ifaces[0] = IF(0x01, 0x01, 0x00);
		d.configs[2].n_ifaces = 1;
		d.configs[2].ifaces[0] = IF(0x02, 0x0d, 0x00);
		d.configs[3].n_ifaces = 2;
		d.configs[3].ifaces[0] = IFN(0x06, 0x01, 0x01, "PTP");
		d.configs[3].ifaces[1] = IF(0xff, 0xfe, 0x02);
		cases[n++] = (struct mode_case){ "usb:1-1", "00008030001A2B3C", d, "ios", "normal" };
		d.sysname = "1-2";
		d.serial = "00008101000A1B2C";
		d.active_config = 4;
		cases[n++] = (struct mode_case){ "usb:1-2", "00008101000A1B2C", d, "ios", "normal" };
	}
	cases[n++] = (struct mode_case){ "usb:1-3", NULL,
		tb_simple("1-3", 0x05ac, 0x1281, NULL, 0xff, 0xff, 0xff), "ios", "recovery" };
	cases[n++] = (struct mode_case){ "usb:1-4", NULL,
		tb_simple("1-4", 0x05ac, 0x1227, NULL, 0xfe, 0x01, 0x00), "ios", "dfu" };
	cases[n++] = (struct mode_case){ "usb:1-5", NULL,
		tb_simple("1-5", 0x05ac, 0x1222, NULL, 0xfe, 0x01, 0x00), "ios", "dfu" };
	/* Android: a composite of MTP and ADB is adb. */
	{
		const struct tb_iface ifs[] = { IFN(0x06, 0x01, 0x01, "MTP"), IF(0xff, 0x42, 0x01) };

		cases[n++] = (struct mode_case){ "usb:1-6", "37211FDJH00A1B",
			with_ifaces("1-6", 0x18d1, 0x4ee2, "37211FDJH00A1B", 2, ifs), "android", "adb" };
	}
	cases[n++] = (struct mode_case){ "usb:1-7", "37211FDJH00A1B",
		tb_simple("1-7", 0x18d1, 0x4ee0, "37211FDJH00A1B", 0xff, 0x42, 0x03), "android",
		"fastboot" };
	{
		const struct tb_iface mtp = IFN(0x06, 0x01, 0x01, "MTP");
		const struct tb_iface ptp = IFN(0x06, 0x01, 0x01, "PTP");

		cases[n++] = (struct mode_case){ "usb:1-8", "R58M12ABCDE",
			with_ifaces("1-8", 0x04e8, 0x6860, "R58M12ABCDE", 1, &mtp), "android", "mtp" };
		cases[n++] = (struct mode_case){ "usb:1-9", "R58M12ABCDE",
			with_ifaces("1-9", 0x04e8, 0x6865, "R58M12ABCDE", 1, &ptp), "android", "ptp" };
	}
	{
		const struct tb_iface ifs[] = { IF(0x02, 0x02, 0x01), IF(0x0a, 0x00, 0x00) };

		cases[n++] = (struct mode_case){ "usb:1-10", NULL,
			with_ifaces("1-10", 0x04e8, 0x685d, NULL, 2, ifs), "android", "download" };
		cases[n++] = (struct mode_case){ "usb:1-11", NULL,
			with_ifaces("1-11", 0x0e8d, 0x0003, NULL, 2, ifs), "android", "brom" };
		cases[n++] = (struct mode_case){ "usb:1-12", NULL,
			with_ifaces("1-12", 0x0e8d, 0x2000, NULL, 2, ifs), "android", "preloader" };
	}
	cases[n++] = (struct mode_case){ "usb:1-13", NULL,
		tb_simple("1-13", 0x05c6, 0x9008, NULL, 0xff, 0xff, 0xff), "android", "edl" };
	{
		const struct tb_iface ifs[] = { IF(0xe0, 0x01, 0x03), IF(0x0a, 0x00, 0x00) };

		cases[n++] = (struct mode_case){ "usb:1-14", "ZY22ABCDEF",
			with_ifaces("1-14", 0x22b8, 0x2e24, "ZY22ABCDEF", 2, ifs), "android", "rndis" };
	}
	cases[n++] = (struct mode_case){ "usb:1-15", NULL,
		tb_simple("1-15", 0x18d1, 0x2d00, NULL, 0xff, 0xff, 0x00), "android", "accessory" };
	/* A vendor-class MTP interface (bulk in/out + interrupt in) on an older Sony. */
	{
		const struct tb_iface mtp = { 0xff, 0xff, 0x00, 1, 1, 1, NULL };

		cases[n++] = (struct mode_case){ "usb:1-16.4", "CB5A1XYZ",
			with_ifaces("1-16.4", 0x0fce, 0x0166, "CB5A1XYZ", 1, &mtp), "android", "mtp" };
	}
	/* Not phones: a keyboard, and an Apple keyboard (Apple ids outside the phone rows). */
	cases[n++] = (struct mode_case){ "usb:1-17", NULL,
		tb_simple("1-17", 0x046d, 0xc31c, NULL, 0x03, 0x01, 0x01), "unknown", "unknown" };
	cases[n++] = (struct mode_case){ "usb:1-18", NULL,
		tb_simple("1-18", 0x05ac, 0x0250, NULL, 0x03, 0x01, 0x01), "unknown", "unknown" };

	for (size_t i = 0; i < n; i++)
		tb_add(tb, &cases[i].dev);

	arr = devices_json(1);
	for (size_t i = 0; i < n; i++) {
		json_t *d = find_by_id(arr, cases[i].port);

		if (!d)
			fail_msg("device %s is missing from devices --all", cases[i].port);
		if (strcmp(str(d, "mode"), cases[i].mode) != 0 ||
		    strcmp(str(d, "platform"), cases[i].platform) != 0)
			fail_msg("%s (%04x:%04x): expected %s/%s, got %s/%s", cases[i].port,
				 cases[i].dev.vendor_id, cases[i].dev.product_id, cases[i].platform,
				 cases[i].mode, str(d, "platform"), str(d, "mode"));
		if (cases[i].serial)
			assert_string_equal(str(d, "serial"), cases[i].serial);
		else
			assert_true(json_is_null(json_object_get(d, "serial")));
	}
	json_decref(arr);

	/* Without --all only phones and tablets: not the keyboards, not the hubs. */
	arr = devices_json(0);
	assert_null(find_by_id(arr, "usb:1-17"));
	assert_null(find_by_id(arr, "usb:1-18"));
	assert_null(find_by_id(arr, "usb:1"));
	assert_non_null(find_by_id(arr, "usb:1-1"));
	assert_int_equal(json_array_size(arr), n - 2);
	json_decref(arr);
}

static void device_json_carries_ids_names_and_interfaces(void **state)
{
	const struct tb_iface ifs[] = { IFN(0x06, 0x01, 0x01, "MTP"), IF(0xff, 0x42, 0x01) };
	struct tb_dev d = with_ifaces("1-2.3", 0x18d1, 0x4ee2, "37211FDJH00A1B", 2, ifs);
	json_t *arr, *dev, *ifaces, *f;
	(void)state;

	d.manufacturer = "Google";
	d.product = "Pixel 8 Pro";
	tb_add(tb, &d);
	arr = devices_json(0);
	assert_int_equal(json_array_size(arr), 1);
	dev = json_array_get(arr, 0);
	assert_string_equal(str(dev, "id"), "usb:1-2.3");
	assert_string_equal(str(dev, "port_path"), "2.3");
	assert_int_equal(json_integer_value(json_object_get(dev, "bus")), 1);
	assert_int_equal(json_integer_value(json_object_get(dev, "address")), tb_devnum(tb, "1-2.3"));
	assert_string_equal(str(dev, "vendor_id"), "18d1");
	assert_string_equal(str(dev, "product_id"), "4ee2");
	/* From Debian's usb.ids. */
	assert_string_equal(str(dev, "vendor_name"), "Google Inc.");
	assert_string_equal(str(dev, "product_name"), "Nexus/Pixel Device (MTP + debug)");
	assert_string_equal(str(dev, "manufacturer"), "Google");
	assert_string_equal(str(dev, "product"), "Pixel 8 Pro");
	ifaces = json_object_get(dev, "interfaces");
	assert_int_equal(json_array_size(ifaces), 2);
	f = json_array_get(ifaces, 1);
	assert_string_equal(str(f, "class"), "ff");
	assert_string_equal(str(f, "subclass"), "42");
	assert_string_equal(str(f, "protocol"), "01");
	assert_string_equal(str(json_array_get(ifaces, 0), "name"), "MTP");
	json_decref(arr);
}

static void names_fall_back_to_the_device_strings(void **state)
{
	struct tb_dev d = tb_simple("2-1", 0x2717, 0xff48, "a1b2c3d4", 0x06, 0x01, 0x01);
	json_t *arr, *dev;
	(void)state;

	d.manufacturer = "Xiaomi";
	d.product = "Redmi Note 8";
	/* An empty usb.ids: nothing known by id. */
	setenv("ATELIER_USB_IDS", "/dev/null", 1);
	tb_add(tb, &d);
	arr = devices_json(0);
	unsetenv("ATELIER_USB_IDS");
	dev = find_by_id(arr, "usb:2-1");
	assert_non_null(dev);
	assert_string_equal(str(dev, "vendor_name"), "Xiaomi");
	assert_string_equal(str(dev, "product_name"), "Redmi Note 8");
	json_decref(arr);
}

static void real_sony_recording_is_an_android_phone_in_mtp_mode(void **state)
{
	const char *path = "tests/fixtures/usb/sony-xperia-mini-pro.umockdev";
	char *text = NULL, *body;
	size_t len = 0;
	FILE *f = fopen(path, "r");
	GError *err = NULL;
	json_t *arr, *dev;
	(void)state;

	/* The fixture keeps its source line; umockdev's format has no comments. */
	assert_non_null(f);
	assert_int_equal(getdelim(&text, &len, '\0', f) > 0, 1);
	fclose(f);
	body = text;
	while (strncmp(body, "# ", 2) == 0)
		body = strchr(body, '\n') + 1;
	assert_true(umockdev_testbed_add_from_string(tb_umockdev(tb), body, &err));
	free(text);

	arr = devices_json(0);
	assert_int_equal(json_array_size(arr), 1);
	dev = json_array_get(arr, 0);
	assert_string_equal(str(dev, "id"), "usb:1-1.5.2.4");
	assert_string_equal(str(dev, "vendor_id"), "0fce");
	assert_string_equal(str(dev, "product_id"), "0166");
	assert_string_equal(str(dev, "product_name"), "Xperia Mini Pro");
	assert_string_equal(str(dev, "serial"), "0123456789ABCDEF");
	assert_string_equal(str(dev, "platform"), "android");
	assert_string_equal(str(dev, "mode"), "mtp");
	json_decref(arr);
}

/* Parse a watch --json line and check event and device id. */
static void expect_event(struct proc_live *w, const char *event, const char *id, const char *serial)
{
	char line[16384];
	json_t *ev, *dev;

	if (!proc_read_line(w, line, sizeof(line), LINE_TIMEOUT_MS))
		fail_msg("no watch line for %s %s", event, id);
	ev = json_loads(line, 0, NULL);
	if (!ev)
		fail_msg("watch line is not JSON: %s", line);
	dev = json_object_get(ev, "device");
	if (strcmp(str(ev, "event"), event) != 0 || strcmp(str(dev, "id"), id) != 0)
		fail_msg("expected %s %s, got: %s", event, id, line);
	assert_true(json_is_integer(json_object_get(ev, "t")));
	assert_true(json_integer_value(json_object_get(ev, "t")) > 1700000000000LL);
	if (serial)
		assert_string_equal(str(dev, "serial"), serial);
	json_decref(ev);
}

static void watch_reports_arrivals_and_departures_in_order(void **state)
{
	const char *argv[] = { "watch", "--json", NULL };
	struct tb_dev a = tb_simple("1-1", 0x18d1, 0x4ee7, "PHONE_A", 0xff, 0x42, 0x01);
	struct tb_dev b = tb_simple("1-2", 0x05ac, 0x12a8, "PHONE_B", 0xff, 0xfe, 0x02);
	struct tb_dev kbd = tb_simple("1-3", 0x046d, 0xc31c, NULL, 0x03, 0x01, 0x01);
	struct proc_live w;
	char line[4096];
	(void)state;

	/* A phone plugged in before the bench started is reported first. */
	tb_add(tb, &a);
	proc_start(&w, argv);
	expect_event(&w, "arrived", "usb:1-1", "PHONE_A");
	tb_add(tb, &kbd); /* not a phone: no line */
	tb_add(tb, &b);
	expect_event(&w, "arrived", "usb:1-2", "PHONE_B");
	tb_remove(tb, "1-1");
	/* The departure carries what was read on arrival, though sysfs is gone. */
	expect_event(&w, "left", "usb:1-1", "PHONE_A");
	tb_remove(tb, "1-2");
	expect_event(&w, "left", "usb:1-2", "PHONE_B");
	/* Replug on the same port: a new arrival, new bus address. */
	a.serial = "PHONE_C";
	tb_add(tb, &a);
	expect_event(&w, "arrived", "usb:1-1", "PHONE_C");
	assert_false(proc_read_line(&w, line, sizeof(line), 300));
	assert_int_equal(proc_stop(&w, SIGINT), 0);
}

static void watch_text_lines_are_readable(void **state)
{
	const char *argv[] = { "watch", NULL };
	struct tb_dev a = tb_simple("1-4", 0x18d1, 0x4ee0, "FB123", 0xff, 0x42, 0x03);
	struct proc_live w;
	char line[4096];
	(void)state;

	proc_start(&w, argv);
	usleep(100000);
	tb_add(tb, &a);
	assert_true(proc_read_line(&w, line, sizeof(line), LINE_TIMEOUT_MS));
	assert_non_null(strstr(line, "arrived"));
	assert_non_null(strstr(line, "usb:1-4"));
	assert_non_null(strstr(line, "fastboot"));
	assert_non_null(strstr(line, "FB123"));
	tb_remove(tb, "1-4");
	assert_true(proc_read_line(&w, line, sizeof(line), LINE_TIMEOUT_MS));
	assert_non_null(strstr(line, "left"));
	assert_int_equal(proc_stop(&w, SIGTERM), 0);
}

static void sixty_four_phones_at_once(void **state)
{
	const char *argv[] = { "watch", "--json", NULL };
	char names[64][16], serials[64][16], line[16384];
	int seen[64] = { 0 };
	struct proc_live w;
	json_t *arr;
	(void)state;

	proc_start(&w, argv);
	usleep(200000);
	/* Four hubs of sixteen ports: 1-1.1 ... 1-4.16. */
	for (int i = 0; i < 64; i++) {
		struct tb_dev d;

		snprintf(names[i], sizeof(names[i]), "1-%d.%d", i / 16 + 1, i % 16 + 1);
		snprintf(serials[i], sizeof(serials[i]), "SER%02d", i);
		d = tb_simple(names[i], 0x18d1, 0x4ee7, serials[i], 0xff, 0x42, 0x01);
		tb_add(tb, &d);
	}
	for (int i = 0; i < 64; i++) {
		json_t *ev;
		const char *serial;

		if (!proc_read_line(&w, line, sizeof(line), LINE_TIMEOUT_MS))
			fail_msg("only %d of 64 arrivals reported", i);
		ev = json_loads(line, 0, NULL);
		assert_non_null(ev);
		assert_string_equal(str(ev, "event"), "arrived");
		serial = str(json_object_get(ev, "device"), "serial");
		assert_non_null(serial);
		seen[strtol(serial + 3, NULL, 10) & 63]++;
		json_decref(ev);
	}
	for (int i = 0; i < 64; i++)
		assert_int_equal(seen[i], 1);
	arr = devices_json(0);
	assert_int_equal(json_array_size(arr), 64);
	json_decref(arr);
	for (int i = 0; i < 64; i++)
		tb_remove(tb, names[i]);
	for (int i = 0; i < 64; i++) {
		if (!proc_read_line(&w, line, sizeof(line), LINE_TIMEOUT_MS))
			fail_msg("only %d of 64 departures reported", i);
		assert_non_null(strstr(line, "\"left\""));
	}
	assert_int_equal(proc_stop(&w, SIGINT), 0);
}

static void unplugged_phone_leaves_no_entry(void **state)
{
	struct tb_dev a = tb_simple("1-5", 0x04e8, 0x6860, "R58", 0x06, 0x01, 0x01);
	json_t *arr;
	(void)state;

	tb_add(tb, &a);
	arr = devices_json(0);
	assert_int_equal(json_array_size(arr), 1);
	json_decref(arr);
	tb_remove(tb, "1-5");
	arr = devices_json(0);
	assert_int_equal(json_array_size(arr), 0);
	json_decref(arr);
}

/* A strings source that unplugs the device while it is being read. */
struct unplug_ctx {
	int reads;
	int unplugged;
};

static int unplugging_read(void *ctx, const char *sysname, const char *attr, char *out,
			   size_t size)
{
	struct unplug_ctx *u = ctx;

	u->reads++;
	if (!u->unplugged && strcmp(sysname, "1-6") == 0) {
		tb_remove(tb, "1-6");
		u->unplugged = 1;
	}
	return usbd_sysfs_strings.read(NULL, sysname, attr, out, size);
}

static void unplug_during_enumeration_leaves_no_crash_and_no_stale_entry(void **state)
{
	struct unplug_ctx u = { 0, 0 };
	struct usbd_strings_ops ops = { unplugging_read, &u };
	struct tb_dev a = tb_simple("1-6", 0x18d1, 0x4ee7, "GONE", 0xff, 0x42, 0x01);
	struct usbw *w = NULL;
	struct usbd_info *list = NULL;
	struct usbw_event ev;
	size_t n = 0;
	int arrived = 0, left = 0;
	(void)state;

	tb_add(tb, &a);
	/* devices: the phone goes away while its strings are read. */
	assert_int_equal(usbw_new(&ops, &w), USBW_OK);
	assert_int_equal(usbw_snapshot(w, &list, &n), USBW_OK);
	for (size_t i = 0; i < n; i++)
		if (strcmp(list[i].id, "usb:1-6") == 0)
			assert_false(list[i].has_serial); /* unreadable: null, never garbage */
	free(list);
	usbw_free(w);

	/* watch: arrival read after the unplug, then the departure; nothing stays. */
	u.unplugged = 0;
	tb_add(tb, &a);
	assert_int_equal(usbw_new(&ops, &w), USBW_OK);
	assert_int_equal(usbw_start(w), USBW_OK);
	for (int tries = 0; tries < 100 && left == 0; tries++) {
		while (usbw_next(w, &ev)) {
			if (strcmp(ev.dev.id, "usb:1-6") != 0)
				continue;
			if (ev.kind == USBW_ARRIVED)
				arrived++;
			else
				left++;
		}
		usleep(20000);
	}
	assert_int_equal(arrived, 1);
	assert_int_equal(left, 1);
	/* Only the hub remains known. */
	assert_int_equal(usbw_attached_count(w), 1);
	usbw_free(w);
}

static void garbage_descriptors_are_unknown_never_a_crash(void **state)
{
	static const uint8_t truncated_config[] = {
		18, 1, 0x00, 0x02, 0, 0, 0, 64, 0xd1, 0x18, 0xe7, 0x4e, 0, 1, 1, 2, 3, 1,
		9, 2, 0xff, 0x00, 1, 1, 0, 0x80, 250, /* wTotalLength 255, data stops here */
		9, 4, 0, 0,
	};
	static const uint8_t too_short[] = { 18, 1, 0x00 };
	static const uint8_t bad_lengths[] = {
		18, 1, 0x00, 0x02, 0, 0, 0, 64, 0xd1, 0x18, 0xe7, 0x4e, 0, 1, 1, 2, 3, 1,
		9, 2, 27, 0, 1, 1, 0, 0x80, 250,
		0, 4, 0, 0, 3, 0xff, 0x42, 0x01, 0, /* zero bLength */
		200, 5, 0x81, 2, 0, 2, 0,
	};
	uint8_t noise[300];
	struct tb_dev d[4] = { 0 };
	struct tb_dev good = tb_simple("3-9", 0x18d1, 0x4ee7, "GOOD", 0xff, 0x42, 0x01);
	json_t *arr, *dev;
	size_t i;
	(void)state;

	srand(7);
	for (i = 0; i < sizeof(noise); i++)
		noise[i] = (uint8_t)rand();
	noise[0] = 18;
	noise[1] = 1;
	d[0] = (struct tb_dev){ .sysname = "3-1", .raw = truncated_config,
				.raw_len = sizeof(truncated_config) };
	d[1] = (struct tb_dev){ .sysname = "3-2", .raw = too_short, .raw_len = sizeof(too_short) };
	d[2] = (struct tb_dev){ .sysname = "3-3", .raw = bad_lengths, .raw_len = sizeof(bad_lengths) };
	d[3] = (struct tb_dev){ .sysname = "3-4", .raw = noise, .raw_len = sizeof(noise) };
	for (i = 0; i < 4; i++)
		tb_add(tb, &d[i]);
	tb_add(tb, &good);

	arr = devices_json(1);
	/* The good phone is still there and right. */
	dev = find_by_id(arr, "usb:3-9");
	assert_non_null(dev);
	assert_string_equal(str(dev, "mode"), "adb");
	/* Broken ones, when libusb lists them at all, say unknown and show no interface. */
	for (i = 0; i < 4; i++) {
		char id[16];

		snprintf(id, sizeof(id), "usb:%s", d[i].sysname);
		dev = find_by_id(arr, id);
		if (!dev)
			continue;
		if (i == 0 || i == 2) {
			assert_string_equal(str(dev, "mode"), "unknown");
			assert_int_equal(json_array_size(json_object_get(dev, "interfaces")), 0);
		}
	}
	json_decref(arr);
}

/* `atelier probe --json` with a data dir of its own; the array is returned, the exit
 * status in *STATUS. */
static json_t *probe_json(int *status)
{
	char dir[] = "/tmp/atelier-it-XXXXXX";
	const char *argv[] = { "--data", dir, "probe", "--json", "--timeout", "10", NULL };
	struct proc_result r;
	json_t *arr;
	char cmd[64];

	assert_non_null(mkdtemp(dir));
	proc_run(&r, argv);
	*status = r.status;
	arr = json_loads(r.out, 0, NULL);
	if (!arr)
		fprintf(stderr, "probe printed: %s\n%s\n", r.out, r.err);
	assert_non_null(arr);
	proc_result_free(&r);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
	return arr;
}

static json_t *path(json_t *obj, const char *group, const char *key)
{
	return json_object_get(json_object_get(obj, group), key);
}

static void iphone_in_recovery_is_listed_with_its_mode_and_ecid(void **state)
{
	struct tb_dev d = tb_simple("1-7", 0x05ac, 0x1281,
				    "CPID:8101 CPRV:11 CPFM:03 SCEP:01 BDID:0C "
				    "ECID:000A1B2C3D4E5F60 IBFL:3C SRTG:[iBoot-8419.0.151.0.1]",
				    0xff, 0xff, 0xff);
	json_t *arr, *dev;
	int status;
	(void)state;

	setenv("USBMUXD_SOCKET_ADDRESS", "UNIX:/nonexistent/usbmuxd.sock", 1);
	tb_add(tb, &d);
	arr = probe_json(&status);
	unsetenv("USBMUXD_SOCKET_ADDRESS");
	assert_int_equal(json_array_size(arr), 1);
	dev = json_array_get(arr, 0);
	assert_string_equal(json_string_value(json_object_get(dev, "platform")), "ios");
	assert_string_equal(json_string_value(path(dev, "connection", "mode")), "recovery");
	assert_string_equal(json_string_value(path(dev, "connection", "id")), "usb:1-7");
	assert_string_equal(json_string_value(path(dev, "identity", "ecid")), "000A1B2C3D4E5F60");
	/* Listed, not read: the trainee is told why; nothing failed. */
	assert_true(json_array_size(json_object_get(dev, "errors")) > 0);
	assert_int_equal(status, 0);
	json_decref(arr);
}

static void iphone_seen_by_usb_and_usbmuxd_is_one_entry(void **state)
{
	/* Newer iPhones give their UDID without the dash as USB serial. */
	struct tb_dev d = tb_simple("1-3", 0x05ac, 0x12a8, "00008110000E44540A2A0000", 0xff, 0xfe,
				    0x02);
	json_t *arr, *dev;
	int status;
	(void)state;

	fake_start(&fk, "tests/fakes/scenarios/iphone-ios17-paired.json");
	tb_add(tb, &d);
	arr = devices_json(0);
	assert_int_equal(json_array_size(arr), 1);
	dev = json_array_get(arr, 0);
	assert_string_equal(str(dev, "id"), "usb:1-3");
	assert_string_equal(str(dev, "udid"), "00008110-000E44540A2A0000");
	json_decref(arr);

	arr = probe_json(&status);
	fake_stop(&fk);
	assert_int_equal(status, 0);
	assert_int_equal(json_array_size(arr), 1);
	dev = json_array_get(arr, 0);
	assert_string_equal(json_string_value(path(dev, "identity", "marketing_name")), "iPhone 13");
	assert_string_equal(json_string_value(path(dev, "connection", "usb_id")), "usb:1-3");
	json_decref(arr);
}

static void android_phone_seen_by_usb_and_adb_is_one_card(void **state)
{
	static const char scenario[] =
		"{\"devices\": [{\"serial\": \"52003b7ad4a8a4b1\", \"state\": \"device\", "
		"\"usb\": \"usb:1-5\", \"model\": \"SM-J410G\", \"features\": [\"shell_v2\"], "
		"\"shell\": {\"getprop\": {\"stdout_file\": "
		"\"tests/fixtures/android/getprop_samsung_galaxy-j4core-SM-J410G_android8.1.txt\"}}}]}";
	const struct tb_iface ifs[] = { IFN(0x06, 0x01, 0x01, "MTP"), IF(0xff, 0x42, 0x01) };
	struct tb_dev d = with_ifaces("1-5", 0x04e8, 0x6860, "52003b7ad4a8a4b1", 2, ifs);
	json_t *arr, *dev;
	int status;
	(void)state;

	setenv("USBMUXD_SOCKET_ADDRESS", "UNIX:/nonexistent/usbmuxd.sock", 1);
	fake_adb_start(&fadb, scenario);
	tb_add(tb, &d);
	arr = probe_json(&status);
	unsetenv("USBMUXD_SOCKET_ADDRESS");
	assert_int_equal(json_array_size(arr), 1);
	dev = json_array_get(arr, 0);
	assert_string_equal(json_string_value(path(dev, "connection", "via")), "adb");
	assert_string_equal(json_string_value(path(dev, "connection", "usb_id")), "usb:1-5");
	assert_string_equal(json_string_value(path(dev, "identity", "marketing_name")),
			    "Galaxy J4 Core");
	json_decref(arr);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(every_mode_of_the_table_shows_its_mode, setup, teardown),
		cmocka_unit_test_setup_teardown(device_json_carries_ids_names_and_interfaces, setup, teardown),
		cmocka_unit_test_setup_teardown(names_fall_back_to_the_device_strings, setup, teardown),
		cmocka_unit_test_setup_teardown(real_sony_recording_is_an_android_phone_in_mtp_mode, setup, teardown),
		cmocka_unit_test_setup_teardown(watch_reports_arrivals_and_departures_in_order, setup, teardown),
		cmocka_unit_test_setup_teardown(watch_text_lines_are_readable, setup, teardown),
		cmocka_unit_test_setup_teardown(sixty_four_phones_at_once, setup, teardown),
		cmocka_unit_test_setup_teardown(unplugged_phone_leaves_no_entry, setup, teardown),
		cmocka_unit_test_setup_teardown(unplug_during_enumeration_leaves_no_crash_and_no_stale_entry, setup, teardown),
		cmocka_unit_test_setup_teardown(garbage_descriptors_are_unknown_never_a_crash, setup, teardown),
		cmocka_unit_test_setup_teardown(iphone_in_recovery_is_listed_with_its_mode_and_ecid, setup, teardown),
		cmocka_unit_test_setup_teardown(iphone_seen_by_usb_and_usbmuxd_is_one_entry, setup, teardown),
		cmocka_unit_test_setup_teardown(android_phone_seen_by_usb_and_adb_is_one_card, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
