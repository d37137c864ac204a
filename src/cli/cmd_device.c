/* atelier device list|show|set-state|sell|return|shelf|destroy: the devices the workshop
 * knows, their lifecycle, their sale */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "util/clock.h"

static const char device_usage[] =
	"usage: atelier [--data DIR] device list [--state STATE] [--json]\n"
	"       atelier [--data DIR] device show DEVICE [--json]\n"
	"       atelier [--data DIR] device set-state DEVICE STATE --why TEXT [--by NAME] [--json]\n"
	"       atelier [--data DIR] device sell DEVICE --price EUR --channel CHANNEL\n"
	"                   [--buyer-ref REF] [--by NAME] [--json]\n"
	"       atelier [--data DIR] device return DEVICE --why TEXT [--by NAME] [--json]\n"
	"       atelier [--data DIR] device shelf DEVICE PLACE [--by NAME] [--json]\n"
	"       atelier [--data DIR] device destroy DEVICE --method TEXT [--by NAME] [--json]\n"
	"The devices the workshop has read (atelier probe), and where each stands:\n"
	"  intake      seen at the bench, not worked on yet\n"
	"  in_repair   a job has started on it\n"
	"  quarantine  locked to someone else, reported stolen, or unsafe: nobody works on it\n"
	"  ready       repaired and checked, waiting for certification\n"
	"  certified   a signed certificate was issued (only atelier certify moves it here)\n"
	"  sold        left the workshop with a buyer\n"
	"  recycled    sent to recycling (final)\n"
	"  parts       kept as a parts donor\n"
	"DEVICE is its UDID, serial number, IMEI or stock number (AT-000042, on its label).\n"
	"set-state records who moved it (the\n"
	"person signed in; --by, when given, must name her) and why;\n"
	"anyone may put a device in quarantine, releasing it takes an instructor or an admin\n"
	"(docs/grading.md has the whole table). A device goes to recycled only with an\n"
	"approved data wipe or a destruction record (device destroy).\n"
	"sell: a certified device whose certificate stands, at a price in euros (89, 89.50 or\n"
	"89,50; 0 only for a donation), by CHANNEL shop, online, partner or donation;\n"
	"--buyer-ref is an invoice or order number, never the buyer's name.\n"
	"return: a sold or certified device taken back; its certificate is withdrawn and it\n"
	"goes back to in_repair. shelf: where the device sits now (the latest wins).\n"
	"destroy: how its storage was destroyed, for a device recycled or kept for parts\n"
	"without a wipe (an instructor or an admin). docs/resale.md tells the whole of it.\n";

#define CMD "device"

/* What people read to find a device: its serial number, else its UDID, else its IMEI. */
static const char *key_of(const json_t *d)
{
	return cli_str(d, "serial", cli_str(d, "udid", cli_str(d, "imei", "-")));
}

/* One device of the list, for a person. */
static void print_device(const json_t *d)
{
	const json_t *gb = json_object_get(d, "storage_gb");
	const json_t *bat = json_object_get(d, "battery_health_pct");
	char when[32], storage[16] = "-", battery[16] = "-";

	if (json_is_integer(gb))
		snprintf(storage, sizeof(storage), "%lld GB", (long long)json_integer_value(gb));
	if (json_is_number(bat))
		snprintf(battery, sizeof(battery), "%.0f%%", json_number_value(bat));
	printf("%-5lld %-10s %-8s %-26s %-24.24s %-7s %-5s %-4s %s\n",
	       (long long)json_integer_value(json_object_get(d, "id")), cli_str(d, "state", "?"),
	       cli_str(d, "platform", "?"), key_of(d), cli_str(d, "marketing_name", "-"), storage,
	       cli_str(d, "grade", "-"), battery,
	       clock_iso8601(json_integer_value(json_object_get(d, "last_seen_ms")), when,
			     sizeof(when)));
}

/* Each device as it is read: cleaned of control characters (cli_clean_view), printed. */
struct list_text {
	long long n;
};

static int print_row(json_t *row, void *arg)
{
	struct list_text *t = arg;
	json_t *clean = cli_clean_view(row);

	if (!t->n++)
		printf("%-5s %-10s %-8s %-26s %-24s %-7s %-5s %-4s %s\n", "id", "state", "platform",
		       "device", "model", "storage", "grade", "batt", "last seen");
	print_device(clean);
	json_decref(clean);
	return ferror(stdout) ? -1 : 0;
}

static int cmd_list(struct bench *b, int argc, char **argv)
{
	const char *state = NULL;
	int json = 0, rc;
	const struct cli_opt opts[] = { { "state", 's', CLI_STRING, &state }, CLI_JSON(&json),
					CLI_END };
	struct list_text t = { 0 };
	size_t n;

	rc = cli_parse("device list", argc, argv, opts, NULL, 0, 0, &n);
	if (rc)
		return rc;
	if (json) { /* written as read */
		struct cli_stream s = { 0 };

		return cli_stream_end(CMD, b, svc_device_each(b, state, cli_stream_row, &s), &s);
	}
	rc = svc_device_each(b, state, print_row, &t);
	if (rc)
		return cli_report(CMD, b, rc);
	if (!t.n)
		printf("no device%s%s\n", state ? " in " : "", state ? state : "");
	return fflush(stdout) == 0 ? EXIT_OK : EXIT_FAILURE_OTHER;
}

static void show_text(const json_t *o, const void *ctx)
{
	const json_t *id = json_object_get(o, "identity"), *os = json_object_get(o, "os");
	const json_t *v, *imei = json_object_get(id, "imei");
	char when[32], until[32];
	size_t i;

	(void)ctx;
	printf("device %lld (%s): %s\n", (long long)json_integer_value(json_object_get(o, "id")),
	       cli_str(o, "platform", "?"), cli_str(o, "state", "?"));
	v = json_object_get(id, "marketing_name");
	if (json_is_string(v) || json_is_string(json_object_get(id, "model_id"))) {
		printf("  %s", json_is_string(v) ? json_string_value(v) : "(model not named)");
		if (json_is_string(json_object_get(id, "model_id")))
			printf(" (%s)", cli_str(id, "model_id", ""));
		putchar('\n');
	}
	printf(" ");
	if (json_is_string(json_object_get(id, "serial")))
		printf(" serial %s", cli_str(id, "serial", ""));
	if (json_is_string(json_object_get(id, "udid")))
		printf(" UDID %s", cli_str(id, "udid", ""));
	json_array_foreach(imei, i, v)
		printf("%s%s", i ? ", " : " IMEI ", json_string_value(v));
	putchar('\n');
	if (json_is_string(json_object_get(os, "name"))) {
		printf("  %s %s", cli_str(os, "name", ""), cli_str(os, "version", ""));
		if (json_is_string(json_object_get(os, "build")))
			printf(" (%s)", cli_str(os, "build", ""));
		putchar('\n');
	}
	printf("  seen %s to %s, %lld probe(s)\n",
	       clock_iso8601(json_integer_value(json_object_get(o, "first_seen_ms")), when,
			     sizeof(when)),
	       clock_iso8601(json_integer_value(json_object_get(o, "last_seen_ms")), until,
			     sizeof(until)),
	       (long long)json_integer_value(json_object_get(o, "probes")));
	if (json_array_size(json_object_get(o, "history")) == 0)
		printf("history: none (in %s since it was first seen)\n", cli_str(o, "state", "?"));
	else
		printf("history:\n");
	json_array_foreach(json_object_get(o, "history"), i, v) {
		printf("  %s  %s -> %s  by %s: ",
		       clock_iso8601(json_integer_value(json_object_get(v, "t_ms")), when,
				     sizeof(when)),
		       cli_str(v, "from", "?"), cli_str(v, "to", "?"), cli_str(v, "by", "?"));
		cli_put_text(stdout, cli_str(v, "why", ""));
		putchar('\n');
	}
	printf("jobs:%s\n", json_array_size(json_object_get(o, "jobs")) ? "" : " none");
	json_array_foreach(json_object_get(o, "jobs"), i, v) {
		const json_t *verdict = json_object_get(v, "verdict");

		printf("  job %-5lld %-28s v%-3lld %-9s trainee %s, %s\n",
		       (long long)json_integer_value(json_object_get(v, "id")),
		       cli_str(v, "checklist", "?"),
		       (long long)json_integer_value(json_object_get(v, "checklist_version")),
		       cli_str(v, "state", "?"), cli_str(v, "trainee", "?"),
		       json_is_string(verdict) ? json_string_value(verdict) : "not graded");
	}
	json_array_foreach(json_object_get(o, "certificates"), i, v)
		printf("certificate %s (atelier certificate show %s)\n", cli_str(v, "id", "?"),
		       cli_str(v, "id", "?"));
}

static int cmd_show(struct bench *b, int argc, char **argv)
{
	int json = 0, rc;
	const struct cli_opt opts[] = { CLI_JSON(&json), CLI_END };
	const char *pos[1];
	json_t *view = NULL;
	size_t n;

	rc = cli_parse("device show", argc, argv, opts, pos, 1, 1, &n);
	if (rc)
		return rc;
	rc = svc_device_show(b, pos[0], &view);
	return cli_show(CMD, b, rc, view, json, show_text, NULL);
}

static void print_moved(const json_t *v, const void *ctx)
{
	(void)ctx;
	printf("device %s: %s -> %s (by %s: ", cli_str(v, "device", "?"), cli_str(v, "from", "?"),
	       cli_str(v, "to", "?"), cli_str(v, "by", "?"));
	cli_put_text(stdout, cli_str(v, "why", ""));
	printf(")\n");
}

static int cmd_set_state(struct bench *b, int argc, char **argv)
{
	struct svc_move req = { 0 };
	int json = 0, rc;
	const struct cli_opt opts[] = { { "by", 'b', CLI_STRING, &req.by },
					{ "why", 'w', CLI_STRING, &req.why }, CLI_JSON(&json),
					CLI_END };
	const char *pos[2];
	json_t *view = NULL;
	size_t n;

	rc = cli_parse("device set-state", argc, argv, opts, pos, 2, 2, &n);
	if (rc)
		return rc;
	req.device = pos[0];
	req.to = pos[1];
	rc = svc_device_set_state(b, &req, &view);
	return cli_show(CMD, b, rc, view, json, print_moved, NULL);
}

static void print_sold(const json_t *v, const void *ctx)
{
	const json_t *ref = json_object_get(v, "buyer_ref");

	(void)ctx;
	printf("device %s (%s) %s: %s %s by %s", cli_str(v, "device", "?"),
	       cli_str(v, "stock_number", "?"),
	       strcmp(cli_str(v, "channel", ""), "donation") == 0 ? "donated" : "sold",
	       cli_str(v, "price", "?"), cli_str(v, "currency", "EUR"), cli_str(v, "channel", "?"));
	if (json_is_string(ref))
		printf(", reference %s", json_string_value(ref));
	printf(" (certificate %s; recorded by %s)\n", cli_str(v, "certificate", "?"),
	       cli_str(v, "by", "?"));
}

static int cmd_sell(struct bench *b, int argc, char **argv)
{
	struct svc_sale_req req = { 0 };
	int json = 0, rc;
	const struct cli_opt opts[] = { { "price", 'p', CLI_STRING, &req.price },
					{ "channel", 'c', CLI_STRING, &req.channel },
					{ "buyer-ref", 0, CLI_STRING, &req.buyer_ref },
					{ "by", 'b', CLI_STRING, &req.by }, CLI_JSON(&json), CLI_END };
	const char *pos[1];
	json_t *view = NULL;
	size_t n;

	rc = cli_parse("device sell", argc, argv, opts, pos, 1, 1, &n);
	if (rc)
		return rc;
	if (!req.price)
		return cli_usage_error(CMD, "say the price in euros (--price 89.50)");
	if (!req.channel)
		return cli_usage_error(CMD, "say how it is sold (--channel shop, online, partner or "
					    "donation)");
	req.device = pos[0];
	rc = svc_device_sell(b, &req, &view);
	return cli_show(CMD, b, rc, view, json, print_sold, NULL);
}

static void print_returned(const json_t *v, const void *ctx)
{
	const json_t *id;
	size_t i;

	print_moved(v, ctx);
	json_array_foreach (json_object_get(v, "revoked"), i, id)
		printf("certificate %s is revoked: atelier verify now says so\n",
		       json_string_value(id));
}

static int cmd_return(struct bench *b, int argc, char **argv)
{
	const char *why = NULL, *by = NULL;
	int json = 0, rc;
	const struct cli_opt opts[] = { { "why", 'w', CLI_STRING, &why },
					{ "by", 'b', CLI_STRING, &by }, CLI_JSON(&json), CLI_END };
	const char *pos[1];
	json_t *view = NULL;
	size_t n;

	rc = cli_parse("device return", argc, argv, opts, pos, 1, 1, &n);
	if (rc)
		return rc;
	rc = svc_device_return(b, pos[0], why, by, &view);
	return cli_show(CMD, b, rc, view, json, print_returned, NULL);
}

static void print_shelved(const json_t *v, const void *ctx)
{
	(void)ctx;
	printf("device %s is at ", cli_str(v, "device", "?"));
	cli_put_text(stdout, cli_str(v, "shelf", "?"));
	printf(" (by %s)\n", cli_str(v, "by", "?"));
}

static int cmd_shelf(struct bench *b, int argc, char **argv)
{
	const char *by = NULL;
	int json = 0, rc;
	const struct cli_opt opts[] = { { "by", 'b', CLI_STRING, &by }, CLI_JSON(&json),
					CLI_END };
	const char *pos[2];
	json_t *view = NULL;
	size_t n;

	rc = cli_parse("device shelf", argc, argv, opts, pos, 2, 2, &n);
	if (rc)
		return rc;
	rc = svc_device_shelve(b, pos[0], pos[1], by, &view);
	return cli_show(CMD, b, rc, view, json, print_shelved, NULL);
}

static void print_destroyed(const json_t *v, const void *ctx)
{
	(void)ctx;
	printf("device %s: the destruction of its storage is recorded (", cli_str(v, "device", "?"));
	cli_put_text(stdout, cli_str(v, "method", "?"));
	printf("; by %s)\n", cli_str(v, "by", "?"));
}

static int cmd_destroy(struct bench *b, int argc, char **argv)
{
	const char *method = NULL, *by = NULL;
	int json = 0, rc;
	const struct cli_opt opts[] = { { "method", 'm', CLI_STRING, &method },
					{ "by", 'b', CLI_STRING, &by }, CLI_JSON(&json), CLI_END };
	const char *pos[1];
	json_t *view = NULL;
	size_t n;

	rc = cli_parse("device destroy", argc, argv, opts, pos, 1, 1, &n);
	if (rc)
		return rc;
	rc = svc_device_destroy(b, pos[0], method, by, &view);
	return cli_show(CMD, b, rc, view, json, print_destroyed, NULL);
}

int cli_cmd_device(const struct cli_global *g, int argc, char **argv)
{
	static const struct cli_sub subs[] = {
		{ "list", cmd_list, SVC_OPEN_STORE | SVC_OPEN_REMOTE, NULL },
		{ "show", cmd_show, SVC_OPEN_STORE | SVC_OPEN_REMOTE, NULL },
		{ "set-state", cmd_set_state, SVC_OPEN_STORE, NULL },
		{ "sell", cmd_sell, SVC_OPEN_STORE, NULL },
		{ "return", cmd_return, SVC_OPEN_STORE, NULL },
		{ "shelf", cmd_shelf, SVC_OPEN_STORE, NULL },
		{ "destroy", cmd_destroy, SVC_OPEN_STORE, NULL },
		{ NULL, NULL, 0, NULL },
	};

	return cli_run_sub(g, CMD, device_usage, subs, argc, argv);
}
