#include "cli/cli.h"

#include <stdarg.h>
#include <string.h>

#include "probe/facts.h"
#include "probe/probe.h"
#include "store/store.h"

#include "util/datadir.h"

const struct cli_command cli_commands[] = {
	{ "init", cli_cmd_init, "create the data directory, the database and its schema" },
	{ "db", cli_cmd_db, "check the database (db check) or back it up (db backup FILE)" },
	{ "devices", cli_cmd_devices, "list the phones and tablets attached now" },
	{ "watch", cli_cmd_watch, "print each phone or tablet as it arrives and leaves" },
	{ "probe", cli_cmd_probe, "read the facts of each attached phone or tablet" },
	{ "probe-worker", cli_cmd_probe_worker, NULL },
	{ "checklist", cli_cmd_checklist, "lint, list and show the repair checklists" },
	{ "user", cli_cmd_user, "add, list, disable the workshop's accounts" },
	{ "job", cli_cmd_job, "a trainee's work on a device: start, step, show, submit, verify" },
	{ "device", cli_cmd_device, "the devices known, their state and its history" },
	{ "certify", cli_cmd_certify, "check a device against the policy and sign its certificate" },
	{ "certificate", cli_cmd_certificate, "list, show and export (PDF, JSON) certificates" },
	{ "verify", cli_cmd_verify, "check a certificate (JSON file or QR text) offline" },
	{ "key", cli_cmd_key, "print the workshop's public key (key public)" },
	{ NULL, NULL, NULL },
};

void cli_usage(FILE *out)
{
	fprintf(out, "usage: atelier [--data DIR] [-v] COMMAND [ARGS]\n"
		     "       atelier --version | --help\n\n"
		     "commands:\n");
	for (const struct cli_command *c = cli_commands; c->name; c++)
		if (c->summary)
			fprintf(out, "  %-12s %s\n", c->name, c->summary);
	fprintf(out, "\noptions:\n"
		     "  --data DIR   data directory (default: $ATELIER_DATA, else\n"
		     "               $XDG_DATA_HOME/atelier, else ~/.local/share/atelier)\n"
		     "  -v, --verbose  say more on standard error\n"
		     "  --version    print the version\n\n"
		     "'atelier COMMAND --help' explains a command; 'man atelier' lists exit codes.\n");
}

int cli_data_dir(const struct cli_global *g, char *out, size_t size)
{
	enum datadir_err err = datadir_resolve(g->data_opt, out, size);

	if (err != DATADIR_OK) {
		fprintf(stderr, "atelier: %s\n", datadir_strerror(err));
		return EXIT_NO_DATA;
	}
	return EXIT_OK;
}

int cli_fail(const char *cmd, int rc, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "atelier %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return rc;
}

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "atelier %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\ntry 'atelier %s --help'\n", cmd);
	return EXIT_USAGE;
}

/* Map a store failure to what the user reads and the exit code. */
int cli_store_error(const char *dir, int err, int found_version)
{
	switch (err) {
	case STORE_ENOENT:
		fprintf(stderr, "atelier: no database in %s; run 'atelier init' first\n", dir);
		return EXIT_NO_DATA;
	case STORE_ETOONEW:
		fprintf(stderr,
			"atelier: the database %s/%s has schema version %d, newer than this "
			"atelier %s understands (%d); it was left untouched: use a newer atelier\n",
			dir, STORE_DB_NAME, found_version, ATELIER_VERSION, STORE_SCHEMA_VERSION);
		return EXIT_DB_REFUSED;
	case STORE_ECORRUPT:
		fprintf(stderr, "atelier: %s/%s is not a usable Atelier database: %s\n", dir,
			STORE_DB_NAME, store_last_error_message());
		return EXIT_DB_REFUSED;
	default:
		fprintf(stderr, "atelier: cannot open the database in %s: %s (%s)\n", dir,
			store_strerror(err), store_last_error_message());
		return EXIT_FAILURE_OTHER;
	}
}

int cli_store(const struct cli_global *g, int create, struct store **st, char *dir,
	      size_t dir_size)
{
	enum store_err err;
	int found = 0, rc;

	rc = cli_data_dir(g, dir, dir_size);
	if (rc != EXIT_OK)
		return rc;
	if (create) {
		enum datadir_err derr = datadir_create(dir);

		if (derr != DATADIR_OK) {
			fprintf(stderr, "atelier: %s: %s\n", dir, datadir_strerror(derr));
			return EXIT_NO_DATA;
		}
	}
	err = store_open(dir, create, st, &found);
	if (err != STORE_OK)
		return cli_store_error(dir, err, found);
	return EXIT_OK;
}

int cli_wants_help(int argc, char **argv, const char *usage)
{
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			break;
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			fputs(usage, stdout);
			return 1;
		}
	}
	return 0;
}

int cli_run_sub(const struct cli_global *g, const char *cmd, const char *usage,
		const struct cli_sub *subs, int argc, char **argv)
{
	const struct cli_sub *sub = NULL;
	struct store *st = NULL;
	char names[256] = "", dir[4096];
	size_t count = 0;
	int rc;

	if (cli_wants_help(argc, argv, usage))
		return EXIT_OK;
	for (const struct cli_sub *s = subs; s->name; s++) {
		count++;
		if (argc >= 2 && strcmp(argv[1], s->name) == 0)
			sub = s;
	}
	for (size_t i = 0; i < count; i++) {
		size_t used = strlen(names);

		snprintf(names + used, sizeof(names) - used, "%s%s",
			 i == 0 ? "" : i + 1 == count ? " or " : ", ", subs[i].name);
	}
	if (argc < 2)
		return cli_usage_error(cmd, "missing subcommand: %s", names);
	if (!sub)
		return cli_usage_error(cmd, "unknown subcommand '%s' (%s)", argv[1], names);
	rc = cli_store(g, 0, &st, dir, sizeof(dir));
	if (rc)
		return rc;
	rc = sub->run ? sub->run(st, argc - 1, argv + 1) : sub->run_g(g, st, argc - 1, argv + 1);
	store_free(st);
	return rc;
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
	return "atelier " ATELIER_VERSION;
}

int cli_record_probe(struct store *st, json_t *facts, long long t_ms)
{
	struct store_probe p = { 0 };
	json_t *id = json_object_get(facts, "identity");
	json_t *imei = json_object_get(id, "imei");
	char *text;
	enum store_err err;

	p.platform = json_string_value(json_object_get(facts, "platform"));
	if (!p.platform)
		p.platform = "unknown";
	p.udid = json_string_value(json_object_get(id, "udid"));
	p.serial = json_string_value(json_object_get(id, "serial"));
	p.imei = json_is_array(imei) ? json_string_value(json_array_get(imei, 0)) : NULL;
	if (!p.udid && !p.serial && !p.imei)
		return 1; /* nothing identifies it: nothing to attach the probe to */
	p.t_ms = t_ms;
	p.tool = tool_of(json_string_value(json_object_get(json_object_get(facts, "connection"), "via")));
	text = json_dumps(facts, JSON_COMPACT | JSON_SORT_KEYS | FACTS_JSON_FLAGS);
	if (!text) {
		fprintf(stderr, "atelier: the probe was not saved: out of memory\n");
		return 0;
	}
	p.facts = text;
	err = store_record_probe(st, &p, NULL);
	if (err != STORE_OK)
		fprintf(stderr, "atelier: the probe was not saved: %s (%s)\n",
			store_strerror(err), store_last_error_message());
	free(text);
	return err == STORE_OK;
}

int cli_read_device(struct store *st, long long device_id, int timeout_ms, json_t **facts,
		    char *why, size_t size)
{
	struct store_device_row dev;
	struct probe_target t = { 0 };
	struct probe_result r;

	*facts = NULL;
	/* Read it again by what it is: its UDID for an iPhone, its serial for Android. */
	if (store_device_get(st, device_id, &dev) == STORE_OK) {
		t.platform = strcmp(dev.platform, "ios") == 0 ? PROBE_IOS : PROBE_ANDROID;
		snprintf(t.id, sizeof(t.id), "%s", t.platform == PROBE_IOS ? dev.udid : dev.serial);
	}
	if (!t.id[0]) {
		snprintf(why, size, "nothing known identifies it on USB");
		return -1;
	}
	if (probe_run(&t, 1, timeout_ms, NULL, NULL, NULL, &r) != 0) {
		snprintf(why, size, "the reader could not be started");
		return -1;
	}
	if (strcmp(r.result, "ok") != 0) {
		snprintf(why, size, "%s", probe_result_words(r.result));
		probe_result_release(&r);
		return -1;
	}
	/* A read of the device is a probe like any other: it is kept with the device. */
	(void)cli_record_probe(st, r.facts, r.t_ms);
	*facts = json_incref(r.facts);
	probe_result_release(&r);
	return 0;
}
