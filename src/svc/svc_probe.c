/*
 * Reading devices: which attached device is which (USB, usbmuxd and the adb server each
 * see part of it), one probe worker per device, and keeping every reading with its
 * device. See svc.h; docs/architecture.md explains the order (iOS workers start before
 * USB is read) and why the adb server is started only when needed.
 */
#include "svc/svc_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "probe/adb.h"
#include "probe/android_models.h"
#include "probe/android_parse.h"
#include "probe/facts.h"
#include "probe/probe.h"
#include "probe/usbmux.h"
#include "usb/watch.h"
#include "util/clock.h"
#include "util/i18n.h"

#ifndef ATELIER_LIMD_VERSION
#define ATELIER_LIMD_VERSION "unknown"
#endif

#define PROBE_MAX_ADB 64

/* One device to report: probed through a worker, or known from USB only. */
struct entry {
	int probed;           /* index into targets, or -1 */
	struct usbd_info usb; /* valid when has_usb */
	int has_usb;
	char udid[64];
	char adb_serial[ADB_SERIAL_MAX];  /* as the adb server lists it */
	char adb_port[ADB_FIELD_MAX + 8]; /* "usb:1-4" as the adb server lists it */
};

/* What the front end named: `atelier devices` names an iPhone only usbmuxd sees
 * "usbmux:UDID". */
static const char *wanted_id(const char *want)
{
	return strncmp(want, "usbmux:", 7) == 0 ? want + 7 : want;
}

static int matches(const char *want, const struct entry *e)
{
	want = wanted_id(want);
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

/* Facts for a device USB sees but nothing can read now (recovery, DFU, an Android phone
 * without USB debugging...). */
static json_t *usb_only_facts(const struct usbd_info *u)
{
	struct facts *f = facts_new();
	json_t *out;

	if (!f)
		return json_object();
	facts_set_string(f, "platform", usbc_platform_name(u->platform));
	facts_set_string(f, "connection.via", "usb");
	facts_set_string(f, "connection.id", u->id);
	facts_set_string(f, "connection.usb_id", u->id);
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
		/* The USB serial of an Android phone is its ro.serialno, the serial it is known
		 * by: a phone just reset (USB debugging off) is still recognised. */
		if (u->platform == USBC_PLATFORM_ANDROID && u->has_serial)
			facts_set_string(f, "identity.serial", u->serial);
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

const char *svc_trust_hint(const char *trust, const char *platform)
{
	if (!trust)
		return NULL;
	if (platform && strcmp(platform, "android") == 0 && strcmp(trust, "pending") == 0)
		return N_("unlock the phone and tap Allow on \"Allow USB debugging?\"");
	if (strcmp(trust, "locked") == 0)
		return N_("unlock the phone with its passcode, then tap Trust");
	if (strcmp(trust, "pending") == 0)
		return N_("tap Trust on the phone's screen and enter the passcode");
	if (strcmp(trust, "denied") == 0)
		return N_("the phone said Don't Trust: unplug it, plug it in again and tap Trust");
	if (strcmp(trust, "unauthorized") == 0)
		return N_("unlock the phone and tap Allow on \"Allow USB debugging?\" for this computer");
	if (strcmp(trust, "offline") == 0)
		return N_("the phone does not answer adb: unplug it and plug it in again");
	if (strcmp(trust, "no_permissions") == 0)
		return N_("this computer may not open the phone: install the udev rules and join the "
		       "plugdev group (docs/install.md)");
	if (strcmp(trust, "mdm_prohibited") == 0)
		return N_("the phone is managed by an organisation that forbids this: quarantine, "
		       "ask the instructor");
	return NULL;
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

/* What the adb server lists. The server is started when USB shows an Android phone
 * with USB debugging on, or when the environment names a server; otherwise a server
 * already running is asked, and none is started for nothing. *NO_SERVER is set when one
 * was needed and could not be started. */
static size_t adb_list(const struct usbd_info *usb, size_t n_usb, struct adb_device_entry *out,
		       size_t max, int *no_server)
{
	struct adb_client c;
	char *text = NULL;
	size_t len = 0, n = 0;
	int start = getenv("ADB_SERVER_SOCKET") || getenv("ANDROID_ADB_SERVER_PORT");

	*no_server = 0;
	for (size_t i = 0; i < n_usb; i++)
		if (usb[i].platform == USBC_PLATFORM_ANDROID && usb[i].mode == USBC_MODE_ADB)
			start = 1;
	if (adb_client_init(&c, 5000) != ADB_OK)
		return 0;
	if (start && adb_ensure_server(&c, NULL) != ADB_OK) {
		*no_server = 1;
		return 0;
	}
	if (adb_host_query(&c, "host:devices-l", &text, &len) != ADB_OK)
		return 0;
	android_parse_devices_l(text, len, out, max, &n);
	free(text);
	return n;
}

/* What read the facts, as kept with each probe: by the channel they came through. */
static const char *tool_of(const char *via)
{
	if (via && strcmp(via, "usbmuxd") == 0)
		return "atelier " ATELIER_VERSION "; libimobiledevice " ATELIER_LIMD_VERSION;
	if (via && strcmp(via, "fastboot") == 0)
		return "atelier " ATELIER_VERSION "; fastboot over libusb";
	if (via && strcmp(via, "adb") == 0)
		return "atelier " ATELIER_VERSION "; adb host protocol";
	if (via && strcmp(via, "usb") == 0)
		return "atelier " ATELIER_VERSION "; USB descriptors";
	return "atelier " ATELIER_VERSION;
}

#define WORKSHOP_MODELS "android-models.tsv" /* in the data directory */

/* An Android model the shipped table does not name may be in the workshop's own copy of
 * Google's list (atelier models import): the name goes into FACTS, and the note that it
 * was not found goes away. */
static void name_from_workshop(struct bench *b, json_t *facts)
{
	const char *make = facts_json_string(facts, "identity.make");
	const char *model = facts_json_string(facts, "identity.model_id");
	json_t *errors = json_object_get(facts, "errors");
	char path[PATH_MAX + 32], name[256];
	size_t i = 0;

	if (!b->dir[0] || strcmp(facts_json_string(facts, "platform") ? facts_json_string(facts, "platform") : "", "android") != 0 ||
	    facts_json_string(facts, "identity.marketing_name") || !model)
		return;
	snprintf(path, sizeof(path), "%s/" WORKSHOP_MODELS, b->dir);
	if (!android_models_lookup_file(path, make, model, name, sizeof(name)))
		return;
	facts_json_set(facts, "identity.marketing_name", json_string(name));
	while (i < json_array_size(errors)) {
		const char *fact = json_string_value(json_object_get(json_array_get(errors, i), "fact"));

		if (fact && strcmp(fact, "identity.marketing_name") == 0)
			json_array_remove(errors, i);
		else
			i++;
	}
}

enum svc_err svc_models_import(struct bench *b, const char *csv, json_t **view)
{
	char path[PATH_MAX + 32], why[512];
	size_t rows = 0;
	enum android_models_err err;

	*view = NULL;
	snprintf(path, sizeof(path), "%s/" WORKSHOP_MODELS, b->dir);
	err = android_models_import(csv, path, &rows, why, sizeof(why));
	if (err == ANDROID_MODELS_EFORMAT)
		return svc_fail(b, SVC_EINVAL, "%s: it is not Google's supported devices list "
					       "(supported_devices.csv); nothing was changed",
				why);
	if (err == ANDROID_MODELS_EIO)
		return svc_fail(b, SVC_EIO, "%s; nothing was changed", why);
	if (err)
		return svc_fail(b, SVC_EIO, "%s: %s; nothing was changed", csv,
				android_models_strerror(err));
	*view = json_pack("{s:I, s:s, s:s}", "rows", (json_int_t)rows, "file", path, "from", csv);
	return SVC_OK;
}

enum svc_err svc_record_facts(struct bench *b, json_t *facts, long long t_ms,
			      long long *device_id)
{
	struct store_probe p = { 0 };
	json_t *id = json_object_get(facts, "identity");
	json_t *imei = json_object_get(id, "imei");
	const char *via;
	char *text;
	enum store_err err;

	if (device_id)
		*device_id = 0;
	p.platform = json_string_value(json_object_get(facts, "platform"));
	if (!p.platform)
		p.platform = "unknown";
	p.udid = json_string_value(json_object_get(id, "udid"));
	p.serial = json_string_value(json_object_get(id, "serial"));
	p.imei = json_is_array(imei) ? json_string_value(json_array_get(imei, 0)) : NULL;
	facts_derive(facts);
	name_from_workshop(b, facts);
	if (!p.udid && !p.serial && !p.imei)
		return SVC_OK; /* nothing identifies it: nothing to attach the probe to */
	p.t_ms = t_ms;
	via = facts_json_string(facts, "connection.via");
	p.tool = tool_of(via);
	if (via && strcmp(via, "usb") == 0) {
		/* Seen on USB alone: only kept with a device already known by that serial (an
		 * Android phone after its reset); never a new device. */
		struct store_device_row dev;

		if (!p.serial || store_find_device(b->st, p.serial, &dev) != STORE_OK ||
		    strcmp(dev.platform, p.platform) != 0)
			return SVC_OK;
	}
	text = json_dumps(facts, JSON_COMPACT | JSON_SORT_KEYS | FACTS_JSON_FLAGS);
	if (!text)
		return svc_fail(b, SVC_EIO, "the reading was not saved: out of memory");
	p.facts = text;
	err = store_record_probe(b->st, &p, device_id);
	free(text);
	if (err)
		return svc_store_fail(b, err, "save the reading");
	return SVC_OK;
}

static void on_trust(void *ctx, const struct probe_target *t, const char *trust)
{
	const struct svc_probe_req *req = ctx;
	const char *hint = svc_trust_hint(trust, t->platform == PROBE_IOS ? "ios" : "android");

	if (req->on_hint && hint)
		req->on_hint(req->ctx, t->id, hint);
	if (req->on_trust)
		req->on_trust(req->ctx, t->id, trust, hint);
}

static void say(const struct svc_probe_req *req, const char *text)
{
	if (req->on_hint)
		req->on_hint(req->ctx, NULL, text);
}

static struct probe_batch *start_batch(struct bench *b, const struct probe_target *targets,
				       size_t n, int timeout_s, int threads_started,
				       struct probe_result *results, enum svc_err *rc)
{
	struct probe_batch *batch;

	if (n == 0)
		return NULL;
	batch = probe_start(targets, n, timeout_s * 1000, threads_started ? NULL : PROBE_FORK_ONLY,
			    results);
	if (!batch)
		*rc = svc_fail(b, SVC_EIO, "cannot start the probe workers");
	return batch;
}

/* The entries of every phone attached: usbmuxd's, the adb server's, then USB's own,
 * one per physical phone. USB entries taken by an iPhone or an adb phone are marked. */
static size_t join_entries(struct entry *entries, const struct usbmux_dev *mux, size_t n_mux,
			   const struct adb_device_entry *adbs, size_t n_adb, struct usbd_info *usb,
			   size_t n_usb)
{
	size_t n = 0;

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
	return n;
}

/* Keep the entries REQ names; SVC_ENODEVICE when one names nothing attached. */
static enum svc_err keep_wanted(struct bench *b, const struct svc_probe_req *req,
				struct entry *entries, size_t *n)
{
	size_t kept = 0;

	for (size_t a = 0; a < req->n_devices; a++) {
		int found = 0;

		for (size_t i = 0; i < *n; i++)
			found |= matches(req->devices[a], &entries[i]);
		if (!found)
			return svc_fail(b, SVC_ENODEVICE,
					"no attached device is '%s' (see 'atelier devices')",
					req->devices[a]);
	}
	for (size_t i = 0; i < *n; i++) {
		int want = 0;

		for (size_t a = 0; a < req->n_devices; a++)
			want |= matches(req->devices[a], &entries[i]);
		if (want)
			entries[kept++] = entries[i];
	}
	*n = kept;
	return SVC_OK;
}

void svc_use_usb(struct bench *b, struct usbw *w)
{
	b->usb = w;
}

/* What USB shows now, into *USB (*N devices): through B's watcher (svc_use_usb()), else
 * through a libusb context of its own, *OWN, which the caller frees (usbw_free()). */
static void usb_now(struct bench *b, struct usbw **own, struct usbd_info **usb, size_t *n)
{
	struct usbw *w = b->usb;

	*own = NULL;
	*usb = NULL;
	*n = 0;
	if (!w && usbw_new(NULL, own) == USBW_OK)
		w = *own;
	if (w && usbw_snapshot(w, usb, n) != USBW_OK)
		*n = 0;
}

enum svc_err svc_probe(struct bench *b, const struct svc_probe_req *req, json_t **view)
{
	struct entry *entries = NULL;
	struct probe_target *targets = NULL;
	struct probe_result *results = NULL;
	struct usbd_info *usb = NULL;
	struct usbmux_dev *mux = NULL;
	struct usbw *w = NULL;
	struct probe_batch *batch = NULL, *batch2 = NULL;
	struct adb_device_entry *adbs = NULL;
	size_t n_usb = 0, n_mux = 0, n_adb = 0, n = 0, n_targets = 0, n_early = 0;
	int early = 1, incomplete = 0, no_server = 0, unsaved = 0;
	enum svc_err rc = SVC_OK;
	json_t *out = NULL;
	char unsaved_why[SVC_WHY_MAX] = "";

	*view = NULL;
	if (req->timeout_s < 1 || req->timeout_s > SVC_PROBE_TIMEOUT_MAX_S)
		return svc_fail(b, SVC_EINVAL, "a probe waits 1 to %d seconds for a device, not %d",
				SVC_PROBE_TIMEOUT_MAX_S, req->timeout_s);
	/* iOS devices usbmuxd can talk to. When the request names only those (or nothing),
	 * their workers start at once and run while USB is read. */
	usbmux_list(&mux, &n_mux);
	targets = calloc(n_mux + PROBE_MAX_ADB + 1, sizeof(*targets));
	results = calloc(n_mux + PROBE_MAX_ADB + 1, sizeof(*results));
	adbs = calloc(PROBE_MAX_ADB, sizeof(*adbs));
	if (!targets || !results || !adbs) {
		rc = svc_fail(b, SVC_EIO, "out of memory");
		goto out;
	}
	for (size_t a = 0; a < req->n_devices; a++) {
		int known = 0;

		for (size_t i = 0; i < n_mux; i++)
			known |= usbmux_same_device(wanted_id(req->devices[a]), mux[i].udid);
		early &= known;
	}
	if (early) {
		for (size_t i = 0; i < n_mux; i++) {
			int want = req->n_devices == 0;

			for (size_t a = 0; a < req->n_devices; a++)
				want |= usbmux_same_device(wanted_id(req->devices[a]), mux[i].udid);
			if (want)
				add_target(targets, &n_targets, PROBE_IOS, mux[i].udid);
		}
		batch = start_batch(b, targets, n_targets, req->timeout_s, 0, results, &rc);
		if (!batch && n_targets)
			goto out;
		n_early = n_targets;
	}

	/* USB sees every mode; one physical phone is one entry. */
	usb_now(b, &w, &usb, &n_usb);
	n_adb = adb_list(usb, n_usb, adbs, PROBE_MAX_ADB, &no_server);
	if (no_server)
		say(req, "no adb server, Android phones cannot be read (is the adb package "
			 "installed?)");
	entries = calloc(n_usb + n_mux + n_adb + 1, sizeof(*entries));
	if (!entries) {
		rc = svc_fail(b, SVC_EIO, "out of memory");
		goto out;
	}
	n = join_entries(entries, mux, n_mux, adbs, n_adb, usb, n_usb);
	if (req->n_devices) {
		rc = keep_wanted(b, req, entries, &n);
		if (rc)
			goto out;
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
	batch2 = start_batch(b, targets + n_early, n_targets - n_early, req->timeout_s, 1,
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
	if (batch)
		probe_wait(batch, on_trust, (void *)req);
	if (batch2)
		probe_wait(batch2, on_trust, (void *)req);

	out = json_array();
	for (size_t i = 0; i < n; i++) {
		struct entry *e = &entries[i];
		const char *result = "listed"; /* nothing more can be read in this mode yet */
		json_t *facts;

		if (e->probed >= 0) {
			struct probe_result *r = &results[e->probed];

			facts = json_incref(r->facts);
			result = r->result;
			if (e->has_usb)
				json_object_set_new(json_object_get(facts, "connection"), "usb_id",
						    json_string(e->usb.id));
			/* Every reading is kept with its device; one that cannot be kept is
			 * still shown, and the result says it was not kept. */
			if (b->st && svc_record_facts(b, facts, r->t_ms, NULL) != SVC_OK) {
				unsaved = 1;
				snprintf(unsaved_why, sizeof(unsaved_why), "%s", b->why);
			}
		} else {
			facts = usb_only_facts(&e->usb);
			/* A phone already known seen again without USB debugging: kept, as
			 * the sign of its reset. */
			if (b->st && svc_record_facts(b, facts, clock_wall_ms(), NULL) != SVC_OK) {
				unsaved = 1;
				snprintf(unsaved_why, sizeof(unsaved_why), "%s", b->why);
			}
		}
		/* A fact left unknown is on the card; a device that could be read but was not
		 * (trust, unplugged, stuck) is an incomplete probe. */
		if (strcmp(result, "ok") != 0 && strcmp(result, "listed") != 0)
			incomplete = 1;
		json_object_set_new(facts, "probe_result", json_string(result));
		json_array_append_new(out, facts);
	}
	*view = json_incref(out);
	if (!b->st && n > 0) {
		unsaved = 1;
		snprintf(unsaved_why, sizeof(unsaved_why), "facts not saved: %.900s",
			 b->why);
		rc = b->open_err;
	}
	if (unsaved && rc)
		svc_fail(b, rc, "%s", unsaved_why);
	else if (unsaved)
		rc = svc_fail(b, SVC_EIO, "%s", unsaved_why);
	else if (incomplete)
		rc = svc_fail(b, SVC_EDEVICE, "a device that can be read was not (see its card)");
out:
	/* The workers' goodbyes overlapped with saving. */
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
	return rc;
}

/* DEV (an Android phone) as USB shows it now, by its serial: kept as a sighting. */
static enum svc_err usb_sighting(struct bench *b, const struct store_device_row *dev,
				 json_t **facts)
{
	struct usbd_info *usb = NULL;
	struct usbw *w = NULL;
	size_t n = 0;
	enum svc_err rc = svc_fail(b, SVC_EDEVICE, "it is not plugged in, or the bench does not "
						   "see it");

	usb_now(b, &w, &usb, &n);
	for (size_t i = 0; i < n; i++) {
		if (usb[i].platform != USBC_PLATFORM_ANDROID || !usb[i].has_serial ||
		    strcmp(usb[i].serial, dev->serial) != 0)
			continue;
		*facts = usb_only_facts(&usb[i]);
		rc = svc_record_facts(b, *facts, clock_wall_ms(), NULL);
		if (rc) {
			json_decref(*facts);
			*facts = NULL;
		}
		break;
	}
	free(usb);
	usbw_free(w);
	return rc;
}

enum svc_err svc_read_device(struct bench *b, long long device_id, int timeout_ms,
			     json_t **facts)
{
	struct store_device_row dev;
	struct probe_target t = { 0 };
	struct probe_result r;
	enum svc_err rc;

	*facts = NULL;
	/* Read it again by what it is: its UDID for an iPhone, its serial for Android. */
	if (store_device_get(b->st, device_id, &dev) == STORE_OK) {
		t.platform = strcmp(dev.platform, "ios") == 0 ? PROBE_IOS : PROBE_ANDROID;
		snprintf(t.id, sizeof(t.id), "%s", t.platform == PROBE_IOS ? dev.udid : dev.serial);
	}
	if (!t.id[0])
		return svc_fail(b, SVC_EDEVICE, "nothing known identifies it on USB");
	if (probe_run(&t, 1, timeout_ms, NULL, NULL, NULL, &r) != 0)
		return svc_fail(b, SVC_EDEVICE, "the reader could not be started");
	if (t.platform == PROBE_ANDROID && strcmp(r.result, "gone") == 0) {
		/* Not on the adb server: after a reset USB debugging is off, and the phone is
		 * seen on USB alone, by its serial. */
		probe_result_release(&r);
		return usb_sighting(b, &dev, facts);
	}
	if (strcmp(r.result, "ok") != 0) {
		rc = svc_fail(b, SVC_EDEVICE, "%s", probe_result_words(r.result));
		probe_result_release(&r);
		return rc;
	}
	/* A read of the device is a probe like any other: it is kept with the device. */
	rc = svc_record_facts(b, r.facts, r.t_ms, NULL);
	if (rc == SVC_OK)
		*facts = json_incref(r.facts);
	probe_result_release(&r);
	return rc;
}
