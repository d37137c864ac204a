/* atelier probe [--json] [--timeout SECONDS] [DEVICE...], and the hidden probe-worker */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli/cli.h"
#include "probe/facts.h"
#include "probe/probe.h"
#include "util/number.h"
#include "util/i18n.h"

#define PROBE_MAX_DEVICES 128

static const char probe_usage[] =
	"usage: atelier [--data DIR] probe [--json] [--timeout SECONDS] [DEVICE...]\n"
	"Read each attached phone or tablet (or only each DEVICE: a UDID, an adb serial,\n"
	"a serial or a USB id from 'atelier devices') and print its facts. iPhones and\n"
	"iPads are read through usbmuxd, Android phones through the adb server, phones in\n"
	"fastboot mode over USB. The facts are also kept with the device's record in the\n"
	"database.\n"
	"  --json           one JSON array, one object per device (keys in docs/facts.md)\n"
	"  --timeout SECS   give up on a device after SECS seconds (default 30); an\n"
	"                   iPhone waiting for 'Trust' is asked again every second\n";

static void human_bytes(json_int_t b, char *out, size_t size)
{
	if (b >= 1000LL * 1000 * 1000)
		snprintf(out, size, "%.1f GB", (double)b / 1e9);
	else
		snprintf(out, size, "%.1f MB", (double)b / 1e6);
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
	if (trust && strcmp(trust, "trusted") != 0) {
		const char *hint = svc_trust_hint(trust, facts_json_string(facts, "platform"));

		printf("  trust: %s - %s\n", trust, hint ? _(hint) : "");
	}
	if (facts_json_string(facts, "identity.serial") || facts_json_string(facts, "identity.udid")) {
		printf("  serial %s", facts_json_string(facts, "identity.serial") ? facts_json_string(facts, "identity.serial") : "-");
		v = facts_json_at(facts, "identity.imei");
		for (size_t k = 0; json_is_array(v) && k < json_array_size(v); k++)
			printf("  IMEI %s", json_string_value(json_array_get(v, k)));
		if (facts_json_string(facts, "identity.udid"))
			printf("  UDID %s", facts_json_string(facts, "identity.udid"));
		putchar('\n');
	}
	if (facts_json_string(facts, "device.class")) {
		const json_t *cell = facts_json_at(facts, "device.cellular");

		printf("  %s", facts_json_string(facts, "device.class"));
		if (json_is_boolean(cell))
			printf(", %s", json_is_true(cell) ? "mobile network (SIM)" : "Wi-Fi only");
		putchar('\n');
	}
	if (json_is_integer(facts_json_at(facts, "storage.total_bytes"))) {
		human_bytes(json_integer_value(facts_json_at(facts, "storage.total_bytes")), a, sizeof(a));
		printf("  storage");
		if (json_is_integer(facts_json_at(facts, "storage.nominal_gb")))
			printf(" %lld GB (%s for data)",
			       (long long)json_integer_value(facts_json_at(facts, "storage.nominal_gb")),
			       a);
		else
			printf(" %s", a);
		if (json_is_integer(facts_json_at(facts, "storage.free_bytes"))) {
			human_bytes(json_integer_value(facts_json_at(facts, "storage.free_bytes")), b,
				    sizeof(b));
			printf(", %s free", b);
		}
		putchar('\n');
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


/* A phone's trust changed: the trainee reads what to do, as it happens. */
static void on_hint(void *ctx, const char *device, const char *hint)
{
	const int *json = ctx;

	/* In the trainee's language when the catalogue has it (LANGUAGE=fr). */
	if (!device)
		fprintf(stderr, "atelier probe: %s\n", cli_safe(_(hint)));
	else if (!*json)
		fprintf(stderr, "%s: %s\n", cli_safe(device), cli_safe(_(hint)));
}

static int run_probe(struct bench *b, int argc, char **argv)
{
	const char *timeout = NULL, *pos[PROBE_MAX_DEVICES];
	int json = 0, rc;
	const struct cli_opt opts[] = {
		CLI_JSON(&json),
		{ "timeout", 't', CLI_STRING, &timeout },
		CLI_END,
	};
	struct svc_probe_req req = { 0 };
	json_t *view = NULL, *facts;
	size_t n, i;
	long long t = SVC_PROBE_TIMEOUT_S;
	enum svc_err err;

	rc = cli_parse("probe", argc, argv, opts, pos, 0, PROBE_MAX_DEVICES, &n);
	if (rc)
		return rc;
	if (timeout) {
		if (number_whole(timeout, 1, SVC_PROBE_TIMEOUT_MAX_S, &t) != NUMBER_OK)
			return cli_usage_error("probe", "--timeout takes seconds from 1 to %d, not '%s'",
					       SVC_PROBE_TIMEOUT_MAX_S, timeout);
	}
	req.devices = pos;
	req.n_devices = n;
	req.timeout_s = (int)t;
	req.on_hint = on_hint;
	req.ctx = &json;
	err = svc_probe(b, &req, &view);
	if (!view)
		return cli_report("probe", b, err);
	if (json) {
		json_array_foreach(view, i, facts)
			json_object_del(facts, "probe_result");
		cli_print_json(json_incref(view));
	} else {
		json_t *clean = cli_clean_view(view);

		json_array_foreach(clean, i, facts)
			print_card(facts, cli_str(facts, "probe_result", "ok"));
		json_decref(clean);
		if (json_array_size(view) == 0)
			puts("no phone or tablet attached (plug one in; 'atelier devices' lists what "
			     "USB sees)");
	}
	json_decref(view);
	/* A card is shown even when its reading could not be kept: the exit status says. */
	if (err && err != SVC_EDEVICE)
		fprintf(stderr, "atelier probe: %s\n", cli_safe(svc_why(b)));
	return cli_exit_of(err);
}

int cli_cmd_probe(const struct cli_global *g, int argc, char **argv)
{
	/* Every reading is kept: the database is made when there is none yet. */
	static const struct cli_sub one = { "probe", run_probe,
					    SVC_OPEN_CREATE | SVC_OPEN_TRY, probe_usage };

	return cli_run_one(g, &one, argc, argv);
}

int cli_cmd_probe_worker(const struct cli_global *g, int argc, char **argv)
{
	(void)g;
	return probe_worker_main(argc, argv);
}
