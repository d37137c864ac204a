#include "probe/ios.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <libimobiledevice/libimobiledevice.h>
#include <libimobiledevice/lockdown.h>
#include <plist/plist.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <usbmuxd.h>

#include "probe/ios_parse.h"
#include "util/clock.h"
#include "util/log.h"

#define LABEL "atelier"

const char *iosp_strerror(enum iosp_err err)
{
	switch (err) {
	case IOSP_OK:
		return "success";
	case IOSP_ENODEV:
		return "the device is not connected (unplugged, or usbmuxd does not see it)";
	case IOSP_EUNTRUSTED:
		return "the device did not trust this computer in time";
	case IOSP_EDENIED:
		return "the device refused to trust this computer";
	case IOSP_ELOST:
		return "the device went away or stopped answering";
	case IOSP_EPROTOCOL:
		return "the device answered something unexpected";
	}
	return "unknown error";
}

static void progress(const struct iosp_opts *o, const char *step, const char *trust)
{
	if (o->progress)
		o->progress(o->ctx, step, trust);
}

static void sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* Map a lockdown error of the trust loop to the trust state a trainee understands. */
static const char *trust_of(lockdownd_error_t e)
{
	switch (e) {
	case LOCKDOWN_E_SUCCESS:
		return "trusted";
	case LOCKDOWN_E_PASSWORD_PROTECTED:
		return "locked";
	case LOCKDOWN_E_PAIRING_DIALOG_RESPONSE_PENDING:
		return "pending";
	case LOCKDOWN_E_USER_DENIED_PAIRING:
		return "denied";
	case LOCKDOWN_E_MC_PROTECTED:
	case LOCKDOWN_E_MC_CHALLENGE_REQUIRED:
	case LOCKDOWN_E_PAIRING_PROHIBITED_OVER_THIS_CONNECTION:
		return "mdm_prohibited";
	default:
		return NULL;
	}
}

/* Before trust: a plain lockdown connection answers a few values at once, so the card
 * can show the model while the phone asks for Trust. */
static void read_preauth(idevice_t dev, struct facts *f)
{
	static const char *const keys[] = { "ProductType", "ProductVersion", "DeviceClass",
					     "BuildVersion" };
	lockdownd_client_t ld = NULL;
	plist_t values = plist_new_dict();

	if (lockdownd_client_new(dev, &ld, LABEL) != LOCKDOWN_E_SUCCESS) {
		facts_error(f, "identity", "lockdown did not answer before trust");
		goto out;
	}
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		plist_t v = NULL;

		if (lockdownd_get_value(ld, NULL, keys[i], &v) == LOCKDOWN_E_SUCCESS && v)
			plist_dict_set_item(values, keys[i], v);
	}
	iosp_parse_preauth(values, f);
out:
	plist_free(values);
	if (ld)
		lockdownd_client_free(ld);
}

/* The trust loop. On success *OUT is a lockdown client with a running session. */
static enum iosp_err handshake(idevice_t dev, const char *udid, const struct iosp_opts *o,
			       struct facts *f, lockdownd_client_t *out)
{
	int64_t deadline = clock_mono_ms() + o->timeout_ms;
	int repaired = 0;
	const char *last = NULL;

	*out = NULL;
	for (;;) {
		lockdownd_error_t e = lockdownd_client_new_with_handshake(dev, out, LABEL);
		const char *trust = trust_of(e);

		if (e == LOCKDOWN_E_SUCCESS) {
			facts_set_string(f, "connection.trust", "trusted");
			progress(o, "trust", "trusted");
			return IOSP_OK;
		}
		*out = NULL;
		if ((e == LOCKDOWN_E_INVALID_HOST_ID || e == LOCKDOWN_E_SSL_ERROR) && !repaired) {
			/* A pair record the phone no longer knows: forget it, pair again. */
			log_msg(LOG_DEBUG, "ios %s: stale pair record (%d), pairing again", udid, e);
			usbmuxd_delete_pair_record(udid);
			repaired = 1;
			continue;
		}
		if (!trust) {
			facts_error(f, "connection.trust", "lockdown handshake failed (error %d)", e);
			return e == LOCKDOWN_E_MUX_ERROR || e == LOCKDOWN_E_RECEIVE_TIMEOUT
				       ? IOSP_ELOST
				       : IOSP_EPROTOCOL;
		}
		facts_set_string(f, "connection.trust", trust);
		if (!last) {
			/* The phone waits for the trainee: show what it is meanwhile. */
			progress(o, "preauth", NULL);
			read_preauth(dev, f);
		}
		if (!last || strcmp(last, trust) != 0)
			progress(o, "trust", trust);
		last = trust;
		if (strcmp(trust, "denied") == 0 || strcmp(trust, "mdm_prohibited") == 0) {
			facts_error(f, "connection.trust",
				    strcmp(trust, "denied") == 0
					    ? "the phone said Don't Trust: unplug, replug, tap Trust"
					    : "pairing is forbidden by the phone's management profile");
			return IOSP_EDENIED;
		}
		if (clock_mono_ms() + o->retry_interval_ms > deadline) {
			facts_error(f, "connection.trust",
				    strcmp(trust, "locked") == 0
					    ? "the phone stayed locked: unlock it and tap Trust"
					    : "nobody tapped Trust on the phone in time");
			return IOSP_EUNTRUSTED;
		}
		sleep_ms(o->retry_interval_ms);
	}
}

typedef void (*reply_parser)(plist_t, struct facts *);

/*
 * What a probe asks lockdown in its session, in this order: one GetValue per line, so
 * seven round trips. Whole domains where a real device lists the values in a dump of the
 * domain (GetValue with a Domain and no Key: `ideviceinfo`, `ideviceinfo -q DOMAIN`);
 * single keys where it does not. A real phone answers a dump of com.apple.fmip with
 * nothing and IsAssociated only when asked for it (libimobiledevice issue #275, where the
 * maintainer adds that several domains behave like this), and leaves DeviceEnclosureColor
 * out of the root domain (issue #329). No published dump of com.apple.mobile.chaperone or
 * com.apple.purplebuddy shows DeviceIsChaperoned or SetupDone, and the tools that read
 * them ask by key, so the probe does too: a key costs one round trip, as the domain did.
 * The enclosure colour comes after the root domain, whose front colour it replaces.
 */
static const struct {
	const char *domain; /* NULL: the root domain */
	const char *key;    /* NULL: the whole domain */
	reply_parser parse;
	const char *fact; /* where a failure is recorded */
} reads[] = {
	{ NULL, NULL, iosp_parse_root, "identity" },
	{ NULL, "DeviceEnclosureColor", iosp_parse_enclosure_color, "identity.color" },
	{ "com.apple.disk_usage", NULL, iosp_parse_disk_usage, "storage" },
	{ "com.apple.mobile.battery", NULL, iosp_parse_battery_domain, "battery" },
	{ "com.apple.fmip", "IsAssociated", iosp_parse_find_my, "locks.find_my" },
	{ "com.apple.mobile.chaperone", "DeviceIsChaperoned", iosp_parse_supervised,
	  "locks.supervised" },
	{ "com.apple.purplebuddy", "SetupDone", iosp_parse_setup_done, "locks.setup_done" },
};

static int lost(lockdownd_error_t e)
{
	return e == LOCKDOWN_E_MUX_ERROR || e == LOCKDOWN_E_RECEIVE_TIMEOUT ||
	       e == LOCKDOWN_E_SSL_ERROR;
}

static enum iosp_err read_session(lockdownd_client_t ld, const struct iosp_opts *o,
				  struct facts *f)
{
	for (size_t i = 0; i < sizeof(reads) / sizeof(reads[0]); i++) {
		const char *domain = reads[i].domain ? reads[i].domain : "the root domain";
		plist_t v = NULL;
		lockdownd_error_t e;
		char what[128];

		if (reads[i].key)
			snprintf(what, sizeof(what), "%s in %s", reads[i].key, domain);
		else
			snprintf(what, sizeof(what), "%s", domain);
		progress(o, reads[i].domain ? reads[i].domain : "root", NULL);
		e = lockdownd_get_value(ld, reads[i].domain, reads[i].key, &v);
		/* A key the device does not have (MissingValue) is an answer: the parser says
		 * what is missing. A whole domain must come back. */
		if (e == LOCKDOWN_E_SUCCESS || (reads[i].key && e == LOCKDOWN_E_MISSING_VALUE))
			reads[i].parse(v, f);
		else
			facts_error(f, reads[i].fact, "lockdown GetValue of %s failed (%d)", what, e);
		plist_free(v);
		if (lost(e))
			return IOSP_ELOST;
	}
	return IOSP_OK;
}

/*
 * The diagnostics_relay connection runs in its own thread while the main thread reads
 * the lockdown domains: the two connections share nothing but the device handle. The
 * thread only collects the raw reply; the facts are filled in by the main thread after
 * the join.
 *
 * The relay is spoken over a connection opened here rather than through
 * diagnostics_relay_client_new(), for one reason: its socket must be made blocking (with
 * a time limit) before the TLS handshake. libimobiledevice 1.3.0 gets a non-blocking
 * socket from libusbmuxd and, each time the handshake finds the phone's answer not yet
 * there, sleeps 100 ms before looking again (idevice_connection_enable_ssl()). On a
 * blocking socket the handshake simply waits for the answer. The messages are the ones
 * diagnostics_relay_query_ioregistry_entry() sends: a plist with a 32-bit big-endian
 * length in front, encrypted by the same connection.
 */
#define RELAY_IO_MS 5000
#define RELAY_MAX_REPLY (16u << 20)

enum relay_state {
	RELAY_ANSWERED, /* the phone answered (the reply may still lack the entry) */
	RELAY_REFUSED,  /* the phone answered with a Status other than Success */
	RELAY_LOST,     /* the connection broke or the answer was not a plist */
};

struct relay {
	idevice_t dev;
	lockdownd_service_descriptor_t svc;
	idevice_connection_t conn; /* kept open until the facts are reported */
	plist_t reply;             /* the Diagnostics dict that holds an entry, or NULL */
	const char *entry;
	int connect_failed;
	enum relay_state last;
};

static int relay_connect(struct relay *r)
{
	struct timeval tv = { RELAY_IO_MS / 1000, 0 };
	int fd = -1;
	int fl;

	if (idevice_connect(r->dev, r->svc->port, &r->conn) != IDEVICE_E_SUCCESS) {
		r->conn = NULL;
		return -1;
	}
	if (idevice_connection_get_fd(r->conn, &fd) == IDEVICE_E_SUCCESS && fd >= 0) {
		fl = fcntl(fd, F_GETFL);
		/* Best effort: if any of this fails, the handshake is only slower. */
		if (fl >= 0 && fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) == 0) {
			(void)setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
			(void)setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
		}
	}
	if (r->svc->ssl_enabled && idevice_connection_enable_ssl(r->conn) != IDEVICE_E_SUCCESS) {
		idevice_disconnect(r->conn);
		r->conn = NULL;
		return -1;
	}
	return 0;
}

static int relay_send(idevice_connection_t c, plist_t msg)
{
	char *xml = NULL;
	uint32_t len = 0, sent = 0, be;
	int ret = -1;

	plist_to_xml(msg, &xml, &len);
	if (!xml)
		return -1;
	be = htonl(len);
	if (idevice_connection_send(c, (const char *)&be, 4, &sent) == IDEVICE_E_SUCCESS &&
	    sent == 4 && idevice_connection_send(c, xml, len, &sent) == IDEVICE_E_SUCCESS &&
	    sent == len)
		ret = 0;
	plist_to_xml_free(xml);
	return ret;
}

static int relay_recv_all(idevice_connection_t c, char *buf, uint32_t len)
{
	uint32_t have = 0, got;

	while (have < len) {
		got = 0;
		if (idevice_connection_receive_timeout(c, buf + have, len - have, &got,
						       RELAY_IO_MS) != IDEVICE_E_SUCCESS ||
		    got == 0)
			return -1;
		have += got;
	}
	return 0;
}

/* One request, one answer; *out gets the answer's Diagnostics dict (NULL if none). */
static enum relay_state relay_request(idevice_connection_t c, plist_t req, plist_t *out)
{
	uint32_t be, len;
	char *buf;
	plist_t ans = NULL, status, diag;
	char *word = NULL;
	enum relay_state st = RELAY_LOST;

	*out = NULL;
	if (relay_send(c, req) != 0 || relay_recv_all(c, (char *)&be, 4) != 0)
		return RELAY_LOST;
	len = ntohl(be);
	if (len == 0 || len > RELAY_MAX_REPLY)
		return RELAY_LOST;
	buf = malloc(len);
	if (!buf)
		return RELAY_LOST;
	if (relay_recv_all(c, buf, len) == 0)
		plist_from_memory(buf, len, &ans);
	free(buf);
	if (!ans || plist_get_node_type(ans) != PLIST_DICT)
		goto out;
	status = plist_dict_get_item(ans, "Status");
	if (status && plist_get_node_type(status) == PLIST_STRING)
		plist_get_string_val(status, &word);
	st = word && strcmp(word, "Success") == 0 ? RELAY_ANSWERED : RELAY_REFUSED;
	diag = plist_dict_get_item(ans, "Diagnostics");
	if (st == RELAY_ANSWERED && diag)
		*out = plist_copy(diag);
out:
	free(word);
	plist_free(ans);
	return st;
}

static void *relay_thread(void *arg)
{
	static const char *const entries[] = { "AppleSmartBattery", "AppleARMPMUCharger" };
	struct relay *r = arg;

	if (relay_connect(r) != 0) {
		r->connect_failed = 1;
		return NULL;
	}
	for (size_t i = 0; i < sizeof(entries) / sizeof(entries[0]); i++) {
		plist_t req = plist_new_dict();
		plist_t reply = NULL;

		plist_dict_set_item(req, "EntryName", plist_new_string(entries[i]));
		plist_dict_set_item(req, "Request", plist_new_string("IORegistry"));
		r->last = relay_request(r->conn, req, &reply);
		plist_free(req);
		/* A phone without this entry still answers Success, with an empty
		 * IORegistry: only a reply that holds the entry counts. */
		if (r->last == RELAY_ANSWERED && reply && iosp_ioregistry_has_entry(reply)) {
			r->reply = reply;
			r->entry = entries[i];
			return NULL;
		}
		plist_free(reply);
		if (r->last == RELAY_LOST)
			return NULL;
	}
	return NULL;
}

/* Turn what the relay thread collected into facts. */
static enum iosp_err relay_facts(const struct relay *r, struct facts *f)
{
	if (r->connect_failed) {
		facts_error(f, "battery.health_pct", "cannot connect to diagnostics_relay");
		return IOSP_ELOST;
	}
	if (r->reply) {
		iosp_parse_ioregistry_entry(r->reply, r->entry, f);
		return IOSP_OK;
	}
	if (r->last == RELAY_LOST) {
		facts_error(f, "battery.health_pct", "diagnostics_relay stopped answering");
		return IOSP_ELOST;
	}
	facts_error(f, "battery.health_pct",
		    "neither AppleSmartBattery nor AppleARMPMUCharger in IORegistry");
	return IOSP_OK;
}

static void relay_release(struct relay *r)
{
	if (r->conn) {
		plist_t bye = plist_new_dict();
		plist_t ignored = NULL;

		plist_dict_set_item(bye, "Request", plist_new_string("Goodbye"));
		if (r->last != RELAY_LOST)
			(void)relay_request(r->conn, bye, &ignored);
		plist_free(bye);
		plist_free(ignored);
		idevice_disconnect(r->conn);
	}
	if (r->svc)
		lockdownd_service_descriptor_free(r->svc);
	plist_free(r->reply);
	memset(r, 0, sizeof(*r));
}

enum iosp_err iosp_probe(const char *udid, const struct iosp_opts *opts, struct facts *f)
{
	idevice_t dev = NULL;
	lockdownd_client_t ld = NULL;
	struct relay relay = { 0 };
	pthread_t relay_tid;
	int relay_started = 0;
	lockdownd_error_t le;
	enum iosp_err err;

	facts_set_string(f, "platform", "ios");
	facts_set_string(f, "connection.via", "usbmuxd");
	facts_set_string(f, "connection.id", udid);
	facts_set_string(f, "identity.udid", udid);
	progress(opts, "connect", NULL);
	if (idevice_new_with_options(&dev, udid, IDEVICE_LOOKUP_USBMUX) != IDEVICE_E_SUCCESS) {
		facts_error(f, "connection", "usbmuxd does not know %s", udid);
		err = IOSP_ENODEV;
		goto out;
	}
	/* A trusted phone is read in its session at once; the values readable before
	 * trust are read only when the phone makes the trainee wait (handshake()). */
	err = handshake(dev, udid, opts, f, &ld);
	if (err != IOSP_OK)
		goto out;
	/* Start the relay first: its connection's handshake then overlaps the domain reads. */
	progress(opts, "diagnostics_relay", NULL);
	relay.dev = dev;
	le = lockdownd_start_service(ld, "com.apple.mobile.diagnostics_relay", &relay.svc);
	if (le == LOCKDOWN_E_SUCCESS && relay.svc) {
		relay_started = pthread_create(&relay_tid, NULL, relay_thread, &relay) == 0;
		if (!relay_started)
			facts_error(f, "battery.health_pct", "cannot start a thread for the relay");
	} else {
		facts_error(f, "battery.health_pct", "cannot start diagnostics_relay (%d)", le);
		if (lost(le)) {
			err = IOSP_ELOST;
			goto out;
		}
	}
	err = read_session(ld, opts, f);
	if (relay_started) {
		enum iosp_err rerr;

		pthread_join(relay_tid, NULL);
		relay_started = 0;
		rerr = relay_facts(&relay, f);
		if (err == IOSP_OK)
			err = rerr;
	}
out:
	if (relay_started)
		pthread_join(relay_tid, NULL);
	if (err == IOSP_ELOST)
		facts_error(f, "connection", "the device went away during the probe: %s",
			    "replug it and probe again");
	if (opts->finished)
		opts->finished(opts->ctx, err, f);
	/* The goodbyes come after the report: nobody waits for them. */
	relay_release(&relay);
	if (ld)
		lockdownd_client_free(ld); /* stops the session, says goodbye */
	if (dev)
		idevice_free(dev);
	return err;
}
