/* atelier probe [--json] [--timeout SECONDS] [DEVICE...], and the hidden probe-worker */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "cli/cli.h"
#include "probe/facts.h"
#include "probe/adb.h"
#include "probe/android_parse.h"
#include "probe/probe.h"
#include "probe/usbmux.h"
#include "store/store.h"
#include "usb/watch.h"
#include "util/clock.h"
#include "util/datadir.h"

#ifndef ATELIER_LIMD_VERSION
#define ATELIER_LIMD_VERSION "unknown"
#endif

#define PROBE_DEFAULT_TIMEOUT_S 30
#define PROBE_MAX_TIMEOUT_S 3600
#define PROBE_MAX_DEVICES 128

static const char probe_usage[] =
	"usage: atelier probe [--json] [--timeout SECONDS] [DEVICE...]\n"
	"Read each attached phone or tablet (or only each DEVICE: a UDID, an adb serial,\n"
	"a serial or a USB id from 'atelier devices') and print its facts. iPhones and\n"
	"iPads are read through usbmuxd, Android phones through the adb server, phones in\n"
	"fastboot mode over USB. The facts are also kept with the device's record in the\n"
	"database.\n"
	"  --json           one JSON array, one object per device (keys in docs/facts.md)\n"
	"  --timeout SECS   give up on a device after SECS seconds (default 30); an\n"
	"                   iPhone waiting for 'Trust' is asked again every second\n";

/* One device to report: probed through a worker, or known from USB only. */
struct entry {
	int probed;             /* index into targets, or -1 */
	struct usbd_info usb;   /* valid when has_usb */
	int has_usb;
	char udid[64];
	char adb_serial[ADB_SERIAL_MAX]; /* as the adb server lists it */
	char adb_port[ADB_FIELD_MAX + 8]; /* "usb:1-4" as the adb server lists it */
};

static int matches(const char *want, const struct entry *e)
{
	/* `atelier devices` names an iPhone only usbmuxd sees "usbmux:UDID". */
	if (strncmp(want, "usbmux:", 7) == 0)
		want += 7;
	if (e->udid[0] && usbmux_same_device(want, e->udid))
		return 1;
	if (e->adb_serial[0] && strcmp(want, e->adb_serial) == 0)
		return 1;
	if (e->adb_port[0] && strcmp(want, e->adb_port) == 0)
		return 1;
	if (e->has_usb) {
		if (strcmp(want, e->usb.id) == 0)
			return 1;
		if (e->usb.has_serial && strcasecmp(want, e->usb.serial) == 0)
			return 1;
	}
	return 0;
}

/* Facts for a device USB sees but nothing can read now (recovery, DFU, Android...). */
static json_t *usb_only_facts(const struct usbd_info *u)
{
	struct facts *f = facts_new();
	json_t *out;

	if (!f)
		return json_object();
	facts_set_string(f, "platform", usbc_platform_name(u->platform));
	facts_set_string(f, "connection.via", "usb");
	facts_set_string(f, "connection.id", u->id);
	facts_set_string(f, "connection.mode", usbc_mode_name(u->mode));
	if (u->platform == USBC_PLATFORM_IOS) {
		facts_set_string(f, "identity.make", "Apple");
		/* In recovery and DFU the USB serial carries the ECID ("... ECID:001A2B..."). */
		if (u->has_serial) {
			const char *ecid = strstr(u->serial, "ECID:");

			if (ecid) {
				char buf[32];
				size_t i = 0;

				for (ecid += 5; ecid[i] && ecid[i] != ' ' && i + 1 < sizeof(buf); i++)
					buf[i] = ecid[i];
				buf[i] = '\0';
				facts_set_string(f, "identity.ecid", buf);
			}
		}
		if (u->mode == USBC_MODE_NORMAL)
			facts_error(f, "connection",
				    "usbmuxd does not list this iPhone: is usbmuxd running?");
		else
			facts_error(f, "connection",
				    "in %s mode the phone cannot be read; restart it normally",
				    usbc_mode_name(u->mode));
	} else if (u->mode == USBC_MODE_MTP || u->mode == USBC_MODE_PTP ||
		   u->mode == USBC_MODE_RNDIS || u->mode == USBC_MODE_ADB) {
		facts_error(f, "connection",
			    u->mode == USBC_MODE_ADB
				    ? "the adb server does not list it: is the adb package installed?"
				    : "to let Atelier read it, turn on USB debugging (Settings > "
				      "Developer options) and plug it in again");
	} else {
		facts_error(f, "connection",
			    "in %s mode the phone cannot be read; restart it normally",
			    usbc_mode_name(u->mode));
	}
	out = json_incref(facts_json(f));
	facts_free(f);
	return out;
}

static void human_bytes(json_int_t b, char *out, size_t size)
{
	if (b >= 1000LL * 1000 * 1000)
		snprintf(out, size, "%.1f GB", (double)b / 1e9);
	else
		snprintf(out, size, "%.1f MB", (double)b / 1e6);
}

static const char *trust_hint(const char *trust, const char *platform)
{
	if (!trust)
		return NULL;
	if (platform && strcmp(platform, "android") == 0 && strcmp(trust, "pending") == 0)
		return "unlock the phone and tap Allow on \"Allow USB debugging?\"";
	if (strcmp(trust, "locked") == 0)
		return "unlock the phone with its passcode, then tap Trust";
	if (strcmp(trust, "pending") == 0)
		return "tap Trust on the phone's screen and enter the passcode";
	if (strcmp(trust, "denied") == 0)
		return "the phone said Don't Trust: unplug it, plug it in again and tap Trust";
	if (strcmp(trust, "unauthorized") == 0)
		return "unlock the phone and tap Allow on \"Allow USB debugging?\" for this computer";
	if (strcmp(trust, "offline") == 0)
		return "the phone does not answer adb: unplug it and plug it in again";
	if (strcmp(trust, "no_permissions") == 0)
		return "this computer may not open the phone: install the udev rules and join the "
		       "plugdev group (docs/install.md)";
	if (strcmp(trust, "mdm_prohibited") == 0)
		return "the phone is managed by an organisation that forbids this: quarantine, "
		       "ask the instructor";
	return NULL;
}

/* The device card, for a person. */
static void print_card(json_t *facts, const char *result)
{
	const char *name = facts_json_string(facts, "identity.marketing_name");
	const char *model = facts_json_string(facts, "identity.model_id");
	const char *osn = facts_json_string(facts, "os.name"), *osv = facts_json_string(facts, "os.version");
	const char *trust = facts_json_string(facts, "connection.trust");
	json_t *v, *errs = json_object_get(facts, "errors");
	char a[32], b[32];
	size_t i;

	printf("%s", name ? name : model ? model : "unknown device");
	if (name && model && strcmp(name, model) != 0)
		printf(" (%s)", model);
	if (osv)
		printf(" - %s %s", osn ? osn : "", osv);
	printf("  [%s via %s]\n", facts_json_string(facts, "connection.id") ? facts_json_string(facts, "connection.id") : "?",
	       facts_json_string(facts, "connection.via") ? facts_json_string(facts, "connection.via") : "?");
	if (facts_json_string(facts, "connection.mode"))
		printf("  mode: %s\n", facts_json_string(facts, "connection.mode"));
	if (trust && strcmp(trust, "trusted") != 0)
		printf("  trust: %s - %s\n", trust,
		       trust_hint(trust, facts_json_string(facts, "platform"))
			       ? trust_hint(trust, facts_json_string(facts, "platform"))
			       : "");
	if (facts_json_string(facts, "identity.serial") || facts_json_string(facts, "identity.udid")) {
		printf("  serial %s", facts_json_string(facts, "identity.serial") ? facts_json_string(facts, "identity.serial") : "-");
		v = facts_json_at(facts, "identity.imei");
		for (size_t k = 0; json_is_array(v) && k < json_array_size(v); k++)
			printf("  IMEI %s", json_string_value(json_array_get(v, k)));
		if (facts_json_string(facts, "identity.udid"))
			printf("  UDID %s", facts_json_string(facts, "identity.udid"));
		putchar('\n');
	}
	if (json_is_integer(facts_json_at(facts, "storage.total_bytes"))) {
		human_bytes(json_integer_value(facts_json_at(facts, "storage.total_bytes")), a, sizeof(a));
		if (json_is_integer(facts_json_at(facts, "storage.free_bytes"))) {
			human_bytes(json_integer_value(facts_json_at(facts, "storage.free_bytes")), b,
				    sizeof(b));
			printf("  storage %s, %s free\n", a, b);
		} else {
			printf("  storage %s\n", a);
		}
	}
	if (json_is_number(facts_json_at(facts, "battery.health_pct")) ||
	    json_is_integer(facts_json_at(facts, "battery.level_pct"))) {
		printf("  battery");
		if (json_is_number(facts_json_at(facts, "battery.health_pct")))
			printf(" health %.1f %%", json_number_value(facts_json_at(facts, "battery.health_pct")));
		if (json_is_integer(facts_json_at(facts, "battery.cycle_count")))
			printf(", %" JSON_INTEGER_FORMAT " cycles",
			       json_integer_value(facts_json_at(facts, "battery.cycle_count")));
		if (json_is_integer(facts_json_at(facts, "battery.level_pct")))
			printf(", charged %" JSON_INTEGER_FORMAT " %%",
			       json_integer_value(facts_json_at(facts, "battery.level_pct")));
		putchar('\n');
	}
	if (facts_json_string(facts, "locks.activation_state") || facts_json_string(facts, "locks.find_my") ||
	    facts_json_string(facts, "locks.bootloader") || facts_json_string(facts, "locks.frp") ||
	    json_is_boolean(facts_json_at(facts, "locks.setup_done"))) {
		printf("  locks:");
		if (json_is_integer(facts_json_at(facts, "locks.google_accounts")))
			printf(" Google accounts %" JSON_INTEGER_FORMAT ";",
			       json_integer_value(facts_json_at(facts, "locks.google_accounts")));
		if (facts_json_string(facts, "locks.frp"))
			printf(" FRP %s;", facts_json_string(facts, "locks.frp"));
		if (facts_json_string(facts, "locks.bootloader"))
			printf(" bootloader %s;", facts_json_string(facts, "locks.bootloader"));
		v = facts_json_at(facts, "locks.rooted");
		if (json_is_boolean(v) && json_is_true(v))
			printf(" ROOTED;");
		if (facts_json_string(facts, "locks.find_my"))
			printf(" Find My %s;", facts_json_string(facts, "locks.find_my"));
		v = facts_json_at(facts, "locks.passcode");
		if (json_is_boolean(v))
			printf(" passcode %s;", json_is_true(v) ? "set" : "none");
		if (facts_json_string(facts, "locks.activation_state"))
			printf(" activation %s;", facts_json_string(facts, "locks.activation_state"));
		v = facts_json_at(facts, "locks.setup_done");
		if (json_is_boolean(v))
			printf(" setup %s;", json_is_true(v) ? "done" : "not done");
		v = facts_json_at(facts, "locks.supervised");
		if (json_is_boolean(v) && json_is_true(v))
			printf(" supervised;");
		putchar('\n');
	}
	json_array_foreach(errs, i, v)
		printf("  not read: %s: %s\n", json_string_value(json_object_get(v, "fact")),
		       json_string_value(json_object_get(v, "message")));
	if (result && strcmp(result, "ok") != 0 && strcmp(result, "listed") != 0)
		printf("  probe result: %s\n", result);
	putchar('\n');
}

static void on_trust(void *ctx, const struct probe_target *t, const char *trust)
{
	const int *json = ctx;
	const char *hint = trust_hint(trust, t->platform == PROBE_IOS ? "ios" : "android");

	if (!*json && hint)
		fprintf(stderr, "%s: %s\n", t->id, hint);
}

/* True when no DEVICE was named, or one of them names UDID. */
static int wanted(int argc, char **argv, const char *udid)
{
	if (optind >= argc)
		return 1;
	for (int a = optind; a < argc; a++) {
		const char *want = strncmp(argv[a], "usbmux:", 7) == 0 ? argv[a] + 7 : argv[a];

		if (usbmux_same_device(want, udid))
			return 1;
	}
	return 0;
}

static void add_target(struct probe_target *targets, size_t *n, enum probe_platform platform,
		       const char *id)
{
	for (size_t i = 0; i < *n; i++)
		if (targets[i].platform == platform && strcmp(targets[i].id, id) == 0)
			return;
	targets[*n].platform = platform;
	snprintf(targets[*n].id, sizeof(targets[*n].id), "%s", id);
	(*n)++;
}

#define PROBE_MAX_ADB 64

/* What the adb server lists. The server is started when USB shows an Android phone
 * with USB debugging on, or when the environment names a server; otherwise a server
 * already running is asked, and none is started for nothing. */
static size_t adb_list(const struct usbd_info *usb, size_t n_usb, struct adb_device_entry *out,
		       size_t max)
{
	struct adb_client c;
	char *text = NULL;
	size_t len = 0, n = 0;
	int start = getenv("ADB_SERVER_SOCKET") || getenv("ANDROID_ADB_SERVER_PORT");

	for (size_t i = 0; i < n_usb; i++)
		if (usb[i].platform == USBC_PLATFORM_ANDROID && usb[i].mode == USBC_MODE_ADB)
			start = 1;
	if (adb_client_init(&c, 5000) != ADB_OK)
		return 0;
	if (start && adb_ensure_server(&c, NULL) != ADB_OK) {
		fprintf(stderr, "atelier probe: no adb server, Android phones cannot be read "
				"(is the adb package installed?)\n");
		return 0;
	}
	if (adb_host_query(&c, "host:devices-l", &text, &len) != ADB_OK)
		return 0;
	android_parse_devices_l(text, len, out, max, &n);
	free(text);
	return n;
}

static struct probe_batch *start_batch(const struct probe_target *targets, size_t n,
				       long timeout_s, int threads_started,
				       struct probe_result *results, int *rc)
{
	struct probe_batch *b;

	if (n == 0)
		return NULL;
	b = probe_start(targets, n, (int)(timeout_s * 1000),
			threads_started ? NULL : PROBE_FORK_ONLY, results);
	if (!b) {
		fprintf(stderr, "atelier probe: cannot start the probe workers\n");
		*rc = EXIT_FAILURE_OTHER;
	}
	return b;
}

int cli_cmd_probe(const struct cli_global *g, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "timeout", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct entry *entries = NULL;
	struct probe_target *targets = NULL;
	struct probe_result *results = NULL;
	struct usbd_info *usb = NULL;
	struct usbmux_dev *mux = NULL;
	struct usbw *w = NULL;
	struct store *st = NULL;
	struct probe_batch *batch = NULL, *batch2 = NULL;
	struct adb_device_entry *adbs = NULL;
	size_t n_usb = 0, n_mux = 0, n_adb = 0, n = 0, n_targets = 0, n_early = 0;
	int early, save_rc = EXIT_OK;
	long timeout_s = PROBE_DEFAULT_TIMEOUT_S;
	int json = 0, c, rc = EXIT_OK, incomplete = 0;
	json_t *out = NULL;
	char dir[4096], *end;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "+jt:h", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = 1;
			break;
		case 't':
			timeout_s = strtol(optarg, &end, 10);
			if (*end || timeout_s < 1 || timeout_s > PROBE_MAX_TIMEOUT_S)
				return cli_usage_error("probe",
						       "--timeout takes seconds from 1 to %d, not '%s'",
						       PROBE_MAX_TIMEOUT_S, optarg);
			break;
		case 'h':
			fputs(probe_usage, stdout);
			return EXIT_OK;
		default:
			return cli_usage_error("probe", "unknown option '%s'", argv[optind - 1]);
		}
	}

	/* iOS devices usbmuxd can talk to. When the command line names only those (or
	 * nothing), their workers start at once and run while USB is read. */
	usbmux_list(&mux, &n_mux);
	targets = calloc(n_mux + PROBE_MAX_ADB + 1, sizeof(*targets));
	results = calloc(n_mux + PROBE_MAX_ADB + 1, sizeof(*results));
	adbs = calloc(PROBE_MAX_ADB, sizeof(*adbs));
	if (!targets || !results || !adbs) {
		rc = EXIT_FAILURE_OTHER;
		goto out;
	}
	early = 1;
	for (int a = optind; a < argc; a++) {
		const char *want = strncmp(argv[a], "usbmux:", 7) == 0 ? argv[a] + 7 : argv[a];
		int known = 0;

		for (size_t i = 0; i < n_mux; i++)
			known |= usbmux_same_device(want, mux[i].udid);
		early &= known;
	}
	if (early) {
		for (size_t i = 0; i < n_mux; i++)
			if (wanted(argc, argv, mux[i].udid))
				add_target(targets, &n_targets, PROBE_IOS, mux[i].udid);
		batch = start_batch(targets, n_targets, timeout_s, 0, results, &rc);
		if (!batch && n_targets)
			goto out;
		n_early = n_targets;
	}

	/* USB sees every mode; one physical phone is one entry. */
	if (usbw_new(NULL, &w) == USBW_OK) {
		if (usbw_snapshot(w, &usb, &n_usb) != USBW_OK)
			n_usb = 0;
	}
	n_adb = adb_list(usb, n_usb, adbs, PROBE_MAX_ADB);
	entries = calloc(n_usb + n_mux + n_adb + 1, sizeof(*entries));
	if (!entries) {
		rc = EXIT_FAILURE_OTHER;
		goto out;
	}
	for (size_t i = 0; i < n_mux; i++) {
		struct entry *e = &entries[n++];

		e->probed = -1;
		snprintf(e->udid, sizeof(e->udid), "%s", mux[i].udid);
		for (size_t k = 0; k < n_usb; k++) {
			if (usb[k].platform == USBC_PLATFORM_IOS && usb[k].has_serial &&
			    usbmux_same_device(usb[k].serial, mux[i].udid)) {
				e->usb = usb[k];
				e->has_usb = 1;
				usb[k].platform = USBC_PLATFORM_UNKNOWN; /* taken */
				usb[k].mode = USBC_MODE_UNKNOWN;
			}
		}
	}
	/* An adb device is matched to its USB entry by port ("usb:1-4") or serial. */
	for (size_t i = 0; i < n_adb; i++) {
		struct entry *e = &entries[n++];
		char port[ADB_FIELD_MAX + 8];

		e->probed = -1;
		snprintf(e->adb_serial, sizeof(e->adb_serial), "%s", adbs[i].serial);
		snprintf(port, sizeof(port), "usb:%s", adbs[i].usb);
		if (adbs[i].usb[0])
			snprintf(e->adb_port, sizeof(e->adb_port), "%s", port);
		for (size_t k = 0; k < n_usb; k++) {
			if (usb[k].platform == USBC_PLATFORM_UNKNOWN &&
			    usb[k].mode == USBC_MODE_UNKNOWN)
				continue;
			if ((adbs[i].usb[0] && strcmp(usb[k].id, port) == 0) ||
			    (usb[k].has_serial && strcmp(usb[k].serial, adbs[i].serial) == 0)) {
				e->usb = usb[k];
				e->has_usb = 1;
				usb[k].platform = USBC_PLATFORM_UNKNOWN; /* taken */
				usb[k].mode = USBC_MODE_UNKNOWN;
			}
		}
	}
	for (size_t k = 0; k < n_usb; k++) {
		if (!usbd_is_phone(&usb[k]))
			continue;
		entries[n].probed = -1;
		entries[n].usb = usb[k];
		entries[n].has_usb = 1;
		n++;
	}
	/* Keep the ones asked for. */
	if (optind < argc) {
		size_t kept = 0;

		for (int a = optind; a < argc; a++) {
			int found = 0;

			for (size_t i = 0; i < n; i++)
				if (matches(argv[a], &entries[i]))
					found = 1;
			if (!found) {
				fprintf(stderr,
					"atelier probe: no attached device is '%s' (see 'atelier "
					"devices')\n",
					argv[a]);
				rc = EXIT_NO_DEVICE;
				goto out;
			}
		}
		for (size_t i = 0; i < n; i++) {
			int want = 0;

			for (int a = optind; a < argc; a++)
				want |= matches(argv[a], &entries[i]);
			if (want)
				entries[kept++] = entries[i];
		}
		n = kept;
	}
	for (size_t i = 0; i < n; i++) {
		if (!early && entries[i].udid[0])
			add_target(targets, &n_targets, PROBE_IOS, entries[i].udid);
		if (entries[i].adb_serial[0])
			add_target(targets, &n_targets, PROBE_ANDROID, entries[i].adb_serial);
		/* A bootloader in fastboot mode is read over USB: no server owns it. */
		if (!entries[i].adb_serial[0] && entries[i].has_usb &&
		    entries[i].usb.mode == USBC_MODE_FASTBOOT && n_targets < n_mux + PROBE_MAX_ADB)
			add_target(targets, &n_targets, PROBE_FASTBOOT, entries[i].usb.id);
	}
	/* libusb runs its own thread by now: these workers must exec. */
	batch2 = start_batch(targets + n_early, n_targets - n_early, timeout_s, 1,
			     results + n_early, &rc);
	if (!batch2 && n_targets > n_early)
		goto out;
	for (size_t i = 0; i < n; i++) {
		for (size_t t = 0; t < n_targets; t++) {
			if ((targets[t].platform == PROBE_IOS && entries[i].udid[0] &&
			     strcmp(targets[t].id, entries[i].udid) == 0) ||
			    (targets[t].platform == PROBE_ANDROID && entries[i].adb_serial[0] &&
			     strcmp(targets[t].id, entries[i].adb_serial) == 0) ||
			    (targets[t].platform == PROBE_FASTBOOT && entries[i].has_usb &&
			     strcmp(targets[t].id, entries[i].usb.id) == 0))
				entries[i].probed = (int)t;
		}
	}

	/* Every probe is kept with its device's record: open the store meanwhile. A probe
	 * that cannot be kept is still shown, and the exit status says it was not kept. */
	save_rc = cli_data_dir(g, dir, sizeof(dir));
	if (save_rc == EXIT_OK) {
		enum datadir_err derr = datadir_create(dir);

		if (derr != DATADIR_OK) {
			fprintf(stderr, "atelier probe: facts not saved: %s: %s\n", dir,
				datadir_strerror(derr));
			save_rc = EXIT_NO_DATA;
		}
	}
	if (save_rc == EXIT_OK) {
		int found = 0;
		enum store_err err = store_open(dir, 1, &st, &found);

		if (err != STORE_OK) {
			fprintf(stderr, "atelier probe: facts not saved: database in %s: %s (%s)\n",
				dir, store_strerror(err), store_last_error_message());
			save_rc = err == STORE_ETOONEW || err == STORE_ECORRUPT ? EXIT_DB_REFUSED
									       : EXIT_FAILURE_OTHER;
			st = NULL;
		}
	}
	if (batch)
		probe_wait(batch, on_trust, &json);
	if (batch2)
		probe_wait(batch2, on_trust, &json);

	out = json_array();
	for (size_t i = 0; i < n; i++) {
		struct entry *e = &entries[i];
		json_t *facts;
		const char *result = "ok";

		if (e->probed >= 0) {
			struct probe_result *r = &results[e->probed];

			facts = json_incref(r->facts);
			result = r->result;
			if (e->has_usb)
				json_object_set_new(json_object_get(facts, "connection"), "usb_id",
						    json_string(e->usb.id));
			if (st && !cli_record_probe(st, facts, r->t_ms))
				save_rc = EXIT_FAILURE_OTHER;
		} else {
			facts = usb_only_facts(&e->usb);
			result = "listed"; /* nothing more can be read in this mode yet */
		}
		/* A fact left unknown is on the card; a device that could be read but was not
		 * (trust, unplugged, stuck) makes the exit status 6. */
		if (strcmp(result, "ok") != 0 && strcmp(result, "listed") != 0)
			incomplete = 1;
		if (!json)
			print_card(facts, result);
		json_array_append_new(out, facts);
	}
	if (json) {
		json_dumpf(out, stdout, JSON_INDENT(2) | FACTS_JSON_FLAGS);
		putchar('\n');
	} else if (n == 0) {
		puts("no phone or tablet attached (plug one in; 'atelier devices' lists what USB sees)");
	}
	if (rc == EXIT_OK && incomplete)
		rc = EXIT_PROBE_INCOMPLETE;
	if (rc == EXIT_OK && save_rc != EXIT_OK)
		rc = save_rc;
out:
	/* The workers' goodbyes overlapped with saving and printing. */
	if (batch)
		probe_end(batch);
	if (batch2)
		probe_end(batch2);
	for (size_t i = 0; results && i < n_targets; i++)
		probe_result_release(&results[i]);
	json_decref(out);
	free(results);
	free(targets);
	free(entries);
	free(mux);
	free(adbs);
	free(usb);
	usbw_free(w);
	store_free(st);
	return rc;
}

int cli_cmd_probe_worker(const struct cli_global *g, int argc, char **argv)
{
	(void)g;
	return probe_worker_main(argc, argv);
}
