#include "probe/android.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "probe/adb.h"
#include "probe/android_parse.h"

#define MAX_DEVICES 64

const char *androidp_strerror(enum androidp_err err)
{
	switch (err) {
	case ANDROIDP_OK:
		return "success";
	case ANDROIDP_ENOSERVER:
		return "no adb server (is the adb package installed?)";
	case ANDROIDP_ENODEV:
		return "the adb server does not list this device";
	case ANDROIDP_EUNTRUSTED:
		return "the device does not let this computer read it";
	case ANDROIDP_ELISTED:
		return "the device is in a mode adb cannot read";
	case ANDROIDP_ELOST:
		return "the device went away or stopped answering";
	case ANDROIDP_EPROTOCOL:
		return "the adb server answered something unexpected";
	}
	return "unknown error";
}

/* The commands of one probe, in the order of their sections. Standard error is
 * dropped so that a legacy shell (stdout and stderr mixed) gives the same sections. */
enum section {
	S_GETPROP,
	S_BATTERY,
	S_UEVENT,
	S_DF,
	S_DISKSTATS,
	S_MEMINFO,
	S_ACCOUNT,
	S_SETUP,
	S_PROVISIONED,
	S_SU,
	S_IMEI,
	S_FEATURES,
	S_COUNT
};

static const char *const commands[S_COUNT] = {
	[S_GETPROP] = "getprop",
	[S_BATTERY] = "dumpsys battery",
	[S_UEVENT] = "cat /sys/class/power_supply/battery/uevent",
	[S_DF] = "df -k /data",
	[S_DISKSTATS] = "dumpsys diskstats",
	[S_MEMINFO] = "cat /proc/meminfo",
	[S_ACCOUNT] = "dumpsys account",
	[S_SETUP] = "settings get secure user_setup_complete",
	[S_PROVISIONED] = "settings get global device_provisioned",
	[S_SU] = "which su",
	/* getDeviceId (transaction 1) with the calling package it wants from Android 6
	 * on; older releases ignore the extra argument, Android 10 and later refuse. */
	[S_IMEI] = "service call iphonesubinfo 1 s16 com.android.shell",
	/* Last: before Android 7, pm starts a Java VM of its own (a second or more on an old
	 * phone), and a slow pm then holds up no other part. Without pm (recovery), or with
	 * the package manager not running, nothing reaches stdout: the errors go to stderr. */
	[S_FEATURES] = "pm list features",
};

static char script[1024];

const char *androidp_script(void)
{
	size_t off = 0;

	if (script[0])
		return script;
	for (size_t i = 0; i < S_COUNT; i++) {
		int n = snprintf(script + off, sizeof(script) - off, "%s%s 2>/dev/null",
				 i ? "; echo " ANDROIDP_MARKER "; " : "", commands[i]);

		if (n < 0 || (size_t)n >= sizeof(script) - off)
			break; /* cannot happen: the table fits; checked by a test */
		off += (size_t)n;
	}
	return script;
}

size_t androidp_sections(void)
{
	return S_COUNT;
}

size_t androidp_split(const char *out, size_t out_len, const char **start, size_t *len,
		      size_t max)
{
	const size_t mlen = strlen(ANDROIDP_MARKER);
	const char *p = out, *end = out + out_len, *sec = out;
	size_t n = 0;

	if (max == 0)
		return 0;
	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		const char *next = eol ? eol + 1 : end;
		size_t l = (size_t)((eol ? eol : end) - p);

		if (l > 0 && p[l - 1] == '\r')
			l--; /* legacy shells of old phones end lines with CRLF */
		if (l == mlen && memcmp(p, ANDROIDP_MARKER, mlen) == 0) {
			if (n + 1 == max)
				break;
			start[n] = sec;
			len[n] = (size_t)(p - sec);
			n++;
			sec = next;
		}
		p = next;
	}
	start[n] = sec;
	len[n] = (size_t)(end - sec);
	return n + 1;
}

static void progress(const struct androidp_opts *o, const char *step, const char *trust)
{
	if (o->progress)
		o->progress(o->ctx, step, trust);
}

static enum androidp_err from_adb(enum adb_err e)
{
	switch (e) {
	case ADB_OK:
		return ANDROIDP_OK;
	case ADB_ENOSERVER:
		return ANDROIDP_ENOSERVER;
	case ADB_EIO:
	case ADB_ETIMEOUT:
		return ANDROIDP_ELOST;
	default:
		return ANDROIDP_EPROTOCOL;
	}
}

/* Where the phone is and in which state; facts for the connection. */
static enum androidp_err find_device(struct adb_client *c, const char *serial, struct facts *f)
{
	struct adb_device_entry *list = calloc(MAX_DEVICES, sizeof(*list));
	enum androidp_err err = ANDROIDP_ENODEV;
	char *text = NULL;
	size_t len = 0, n = 0;
	enum adb_err e;

	if (!list)
		return ANDROIDP_EPROTOCOL;
	e = adb_host_query(c, "host:devices-l", &text, &len);
	if (e) {
		facts_error(f, "connection", "adb host:devices-l failed: %s", adb_strerror(e));
		err = from_adb(e);
		goto out;
	}
	android_parse_devices_l(text, len, list, MAX_DEVICES, &n);
	for (size_t i = 0; i < n; i++) {
		const char *trust, *mode;

		if (strcmp(list[i].serial, serial) != 0)
			continue;
		trust = android_trust_of_state(list[i].state);
		mode = android_mode_of_state(list[i].state);
		if (list[i].usb[0]) {
			char id[ADB_FIELD_MAX + 8];

			snprintf(id, sizeof(id), "usb:%s", list[i].usb);
			facts_set_string(f, "connection.usb_id", id);
		}
		if (mode)
			facts_set_string(f, "connection.mode", mode);
		if (trust)
			facts_set_string(f, "connection.trust", trust);
		if (strcmp(list[i].state, "device") == 0) {
			err = ANDROIDP_OK;
		} else {
			facts_error(f, "connection.trust", "%s",
				    android_state_instruction(list[i].state));
			err = trust ? ANDROIDP_EUNTRUSTED : ANDROIDP_ELISTED;
		}
		goto out;
	}
	facts_error(f, "connection", "the adb server does not list %s: replug it", serial);
out:
	free(text);
	free(list);
	return err;
}

/* The first line of the LEN bytes at TEXT, without its line end, into OUT. */
static void first_line(const char *text, size_t len, char *out, size_t size)
{
	size_t n = len < size - 1 ? len : size - 1;

	memcpy(out, text, n);
	out[n] = '\0';
	out[strcspn(out, "\r\n")] = '\0';
}

static void parse_sections(const char **sec, const size_t *len, size_t n, struct facts *f)
{
	struct aprops *props = NULL;
	char setup[16] = "", provisioned[16] = "";
	enum android_parse_err pe;

	if (n < S_COUNT)
		facts_error(f, "connection", "the shell answered %zu of %d parts", n, S_COUNT);
	pe = n > S_GETPROP ? aprops_parse(sec[S_GETPROP], len[S_GETPROP], &props)
			   : ANDROID_PARSE_OK;
	if (props) {
		android_facts_from_props(props, f);
	} else {
		facts_error(f, "identity", "getprop could not be read: %s",
			    android_parse_strerror(pe));
	}
	if (n > S_BATTERY)
		android_parse_dumpsys_battery(sec[S_BATTERY], len[S_BATTERY], f);
	/* Phones without that file (or without permission) print nothing. */
	if (n > S_UEVENT && len[S_UEVENT] > 0)
		android_parse_power_supply(sec[S_UEVENT], len[S_UEVENT], f);
	if (n > S_DF && len[S_DF] > 0)
		android_parse_df_data(sec[S_DF], len[S_DF], f);
	if (n > S_DISKSTATS && !facts_known(f, "storage.total_bytes"))
		android_parse_diskstats(sec[S_DISKSTATS], len[S_DISKSTATS], f);
	if (n > S_MEMINFO)
		android_parse_meminfo(sec[S_MEMINFO], len[S_MEMINFO], f);
	if (n > S_ACCOUNT)
		android_parse_accounts(sec[S_ACCOUNT], len[S_ACCOUNT], f);
	if (n > S_PROVISIONED) {
		first_line(sec[S_SETUP], len[S_SETUP], setup, sizeof(setup));
		first_line(sec[S_PROVISIONED], len[S_PROVISIONED], provisioned, sizeof(provisioned));
		android_facts_setup_done(setup, provisioned, f);
	}
	if (n > S_SU)
		android_facts_su(sec[S_SU], len[S_SU], f);
	if (n > S_IMEI)
		android_parse_iphonesubinfo(sec[S_IMEI], len[S_IMEI], f);
	if (n > S_FEATURES)
		android_parse_features(sec[S_FEATURES], len[S_FEATURES], f);
	else
		facts_error(f, "device",
			    "the feature list (pm list features) did not come back: "
			    "cellular, NFC and GPS not read");
	android_facts_device_class(props, f); /* needs device.cellular */
	if (props)
		android_facts_frp(props, f); /* needs the accounts and setup facts above */
	if (!facts_known(f, "battery.health_pct"))
		facts_error(f, "battery.health_pct",
			    "this phone shows adb neither its battery capacities (power_supply) "
			    "nor a health percentage (Samsung): check it with the battery tester");
	aprops_free(props);
}

enum androidp_err androidp_probe(const char *serial, const struct androidp_opts *opts,
				 struct facts *f)
{
	struct adb_client c;
	struct adb_shell_result r = { 0 };
	const char *sec[S_COUNT];
	size_t len[S_COUNT] = { 0 }, n;
	char *features = NULL, req[ADB_SERIAL_MAX + 32];
	size_t flen;
	enum androidp_err err;
	enum adb_err e;
	int v2;

	facts_set_string(f, "platform", "android");
	facts_set_string(f, "connection.via", "adb");
	facts_set_string(f, "connection.id", serial);
	progress(opts, "adb", NULL);
	if (adb_client_init(&c, opts->timeout_ms) != ADB_OK ||
	    adb_ensure_server(&c, NULL) != ADB_OK) {
		facts_error(f, "connection", "no adb server: is the adb package installed?");
		err = ANDROIDP_ENOSERVER;
		goto out;
	}
	err = find_device(&c, serial, f);
	if (err != ANDROIDP_OK) {
		progress(opts, "trust", facts_get_string(f, "connection.trust"));
		goto out;
	}
	progress(opts, "trust", "trusted");
	snprintf(req, sizeof(req), "host-serial:%s:features", serial);
	e = adb_host_query(&c, req, &features, &flen);
	if (e) {
		facts_error(f, "connection", "adb features of %s: %s", serial, adb_strerror(e));
		err = from_adb(e);
		goto out;
	}
	v2 = strstr(features, "shell_v2") != NULL;
	progress(opts, "shell", NULL);
	e = adb_shell(&c, serial, androidp_script(), v2, &r);
	if (e) {
		facts_error(f, "connection", "adb shell on %s: %s%s%s", serial, adb_strerror(e),
			    c.fail[0] ? ": " : "", c.fail);
		err = from_adb(e);
		/* What arrived before the break is still read below. */
	}
	n = androidp_split(r.out ? r.out : "", r.out_len, sec, len, S_COUNT);
	/* After a break, the last part arrived cut short: only the whole ones are read. */
	if (e && n > 0)
		n--;
	if (n > 0 && r.out_len > 0)
		parse_sections(sec, len, n, f);
	/* A USB phone's adb serial is the serial its adbd reports (ro.serialno); a network
	 * one ("192.168.1.5:5555") is an address, not a serial. */
	if (!facts_known(f, "identity.serial") && !strchr(serial, ':')) {
		facts_set_string(f, "identity.serial", serial);
		facts_error_clear(f, "identity.serial");
	}
out:
	if (err == ANDROIDP_ELOST)
		facts_error(f, "connection", "the device went away during the probe: %s",
			    "replug it and probe again");
	if (opts->finished)
		opts->finished(opts->ctx, err, f);
	adb_shell_result_release(&r);
	free(features);
	return err;
}
