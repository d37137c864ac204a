/*
 * session_cycle - drives the real libimobiledevice 1.3.0 through what the
 * command-line tools never do on one lockdown connection:
 *   plain GetValue -> StartSession (TLS) -> GetValue -> StopSession (TLS
 *   close_notify, plain text again) -> plain GetValue (a private key must now be
 *   refused) -> second StartSession -> GetValue -> free (StopSession).
 * The HostID comes from the pair record usbmuxd holds, as libimobiledevice does.
 * Used by tests/fakes/selftest.sh:
 *
 *   cc -o session_cycle session_cycle.c \
 *      $(pkg-config --cflags --libs libimobiledevice-1.0 libusbmuxd-2.0 libplist-2.0)
 *   USBMUXD_SOCKET_ADDRESS=UNIX:/path ./session_cycle UDID
 *
 * Prints one line per step; exits 0 when every step behaved as a real device would.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libimobiledevice/libimobiledevice.h>
#include <libimobiledevice/lockdown.h>
#include <plist/plist.h>
#include <usbmuxd.h>

static int get_string(lockdownd_client_t c, const char *key, char **out)
{
	plist_t node = NULL;
	lockdownd_error_t e = lockdownd_get_value(c, NULL, key, &node);
	*out = NULL;
	if (e != LOCKDOWN_E_SUCCESS)
		return e;
	if (node && plist_get_node_type(node) == PLIST_STRING)
		plist_get_string_val(node, out);
	plist_free(node);
	return *out ? 0 : -1000;
}

static char *read_host_id(const char *udid)
{
	char *data = NULL, *host_id = NULL;
	uint32_t size = 0;
	plist_t rec = NULL, node;

	if (usbmuxd_read_pair_record(udid, &data, &size) < 0 || !data)
		return NULL;
	if (size >= 8 && memcmp(data, "bplist00", 8) == 0)
		plist_from_bin(data, size, &rec);
	else
		plist_from_xml(data, size, &rec);
	free(data);
	node = rec ? plist_dict_get_item(rec, "HostID") : NULL;
	if (node && plist_get_node_type(node) == PLIST_STRING)
		plist_get_string_val(node, &host_id);
	plist_free(rec);
	return host_id;
}

#define STEP(cond, ...)                          \
	do {                                     \
		if (cond) {                      \
			printf("ok ");           \
			printf(__VA_ARGS__);     \
			printf("\n");            \
		} else {                         \
			printf("FAIL ");         \
			printf(__VA_ARGS__);     \
			printf("\n");            \
			goto out;                \
		}                                \
	} while (0)

int main(int argc, char **argv)
{
	idevice_t dev = NULL;
	lockdownd_client_t ld = NULL;
	char *s = NULL, *session = NULL, *host_id = NULL;
	int ssl = 0, rc = 1, e;

	if (argc != 2) {
		fprintf(stderr, "usage: %s UDID\n", argv[0]);
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	STEP(idevice_new(&dev, argv[1]) == IDEVICE_E_SUCCESS, "idevice_new");
	STEP(lockdownd_client_new(dev, &ld, "session_cycle") == LOCKDOWN_E_SUCCESS,
	     "lockdownd_client_new (plain)");
	e = get_string(ld, "ProductType", &s);
	STEP(e == 0, "plain GetValue ProductType=%s (%d)", s ? s : "-", e);
	free(s);
	e = get_string(ld, "SerialNumber", &s);
	STEP(e != 0, "plain GetValue SerialNumber refused before a session (%d)", e);
	free(s);
	host_id = read_host_id(argv[1]);
	STEP(host_id != NULL, "HostID from usbmuxd pair record: %s", host_id ? host_id : "-");

	e = lockdownd_start_session(ld, host_id, &session, &ssl);
	STEP(e == LOCKDOWN_E_SUCCESS && ssl, "StartSession ssl=%d (%d)", ssl, e);
	e = get_string(ld, "SerialNumber", &s);
	STEP(e == 0, "session GetValue SerialNumber=%s (%d)", s ? s : "-", e);
	free(s);
	e = lockdownd_stop_session(ld, session);
	STEP(e == LOCKDOWN_E_SUCCESS, "StopSession (%d)", e);
	free(session);
	session = NULL;

	e = get_string(ld, "ProductVersion", &s);
	STEP(e == 0, "plain again: GetValue ProductVersion=%s (%d)", s ? s : "-", e);
	free(s);
	e = get_string(ld, "SerialNumber", &s);
	STEP(e != 0, "plain again: SerialNumber refused (%d)", e);
	free(s);

	e = lockdownd_start_session(ld, host_id, &session, &ssl);
	STEP(e == LOCKDOWN_E_SUCCESS && ssl, "second StartSession ssl=%d (%d)", ssl, e);
	e = get_string(ld, "SerialNumber", &s);
	STEP(e == 0, "second session GetValue SerialNumber=%s (%d)", s ? s : "-", e);
	free(s);
	rc = 0;
out:
	if (ld)
		lockdownd_client_free(ld);
	if (dev)
		idevice_free(dev);
	free(session);
	free(host_id);
	return rc;
}
