/* atelier device list|show|set-state: the devices the workshop knows and their lifecycle */
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cert/lifecycle.h"
#include "cli/cli.h"
#include "probe/facts.h"
#include "store/store.h"
#include "util/clock.h"
#include "util/text.h"

#define DEVICE_WHY_MAX 500 /* bytes of a --why; a device event keeps 511 */

static const char device_usage[] =
    "usage: atelier [--data DIR] device list [--state STATE] [--json]\n"
    "       atelier [--data DIR] device show DEVICE [--json]\n"
    "       atelier [--data DIR] device set-state DEVICE STATE --by NAME --why TEXT\n"
    "The devices the workshop has read (atelier probe), and where each stands:\n"
    "  intake      seen at the bench, not worked on yet\n"
    "  in_repair   a job has started on it\n"
    "  quarantine  locked to someone else, reported stolen, or unsafe: nobody works on it\n"
    "  ready       repaired and checked, waiting for certification\n"
    "  certified   a signed certificate was issued (only atelier certify moves it here)\n"
    "  sold        left the workshop with a buyer\n"
    "  recycled    sent to recycling (final)\n"
    "  parts       kept as a parts donor\n"
    "DEVICE is its UDID, serial number or IMEI. set-state records who moved it and why;\n"
    "anyone may put a device in quarantine, releasing it takes an instructor or an admin\n"
    "(docs/grading.md has the whole table).\n";

#define fail(rc, ...) cli_fail("device", rc, __VA_ARGS__)

static json_t *str_or_null(const char *s)
{
	return s && *s ? json_string(s) : json_null();
}

/* What people read to find a device: its serial number, else its UDID, else its IMEI. */
static const char *key_of(const struct store_device_row *d)
{
	if (d->serial[0])
		return d->serial;
	if (d->udid[0])
		return d->udid;
	return d->imei[0] ? d->imei : "-";
}

static const char *user_name(struct store *st, long long id, struct store_user *u)
{
	if (!id)
		return "atelier";
	if (store_user_get(st, id, u) != STORE_OK)
		return "?";
	return u->name;
}

static json_t *row_json(const struct store_device_row *d)
{
	json_t *o =
	    json_pack("{s:I, s:s, s:s, s:I, s:I, s:I}", "id", (json_int_t)d->id, "state", d->state,
		      "platform", d->platform, "first_seen_ms", (json_int_t)d->first_seen_ms,
		      "last_seen_ms", (json_int_t)d->last_seen_ms, "probes", (json_int_t)d->probes);

	json_object_set_new(o, "udid", str_or_null(d->udid));
	json_object_set_new(o, "serial", str_or_null(d->serial));
	json_object_set_new(o, "imei", str_or_null(d->imei));
	return o;
}

static int cmd_list(struct store *st, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "state", required_argument, NULL, 's' },
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	struct store_device_row *devs = NULL;
	const char *state = NULL;
	size_t n = 0;
	int ch, json = 0;
	char when[32];

	optind = 0;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "s:j", opts, NULL)) != -1) {
		switch (ch) {
		case 's':
			state = optarg;
			break;
		case 'j':
			json = 1;
			break;
		default:
			return cli_usage_error("device", "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind != argc)
		return cli_usage_error("device", "device list takes no DEVICE; try device show");
	if (state && !lifecycle_is_state(state))
		return cli_usage_error("device",
				       "'%s' is not a state: intake, in_repair, "
				       "quarantine, ready, certified, sold, recycled or parts",
				       state);
	if (store_device_list(st, state, &devs, &n) != STORE_OK)
		return fail(EXIT_FAILURE_OTHER, "cannot list the devices (%s)",
			    store_last_error_message());
	if (json) {
		json_t *arr = json_array();

		for (size_t i = 0; i < n; i++)
			json_array_append_new(arr, row_json(&devs[i]));
		json_dumpf(arr, stdout, JSON_INDENT(2));
		putchar('\n');
		json_decref(arr);
	} else {
		for (size_t i = 0; i < n; i++)
			printf("%-5lld %-10s %-8s %-40s %s\n", devs[i].id, devs[i].state,
			       devs[i].platform, key_of(&devs[i]),
			       clock_iso8601(devs[i].last_seen_ms, when, sizeof(when)));
		if (n == 0)
			printf("no device%s%s\n", state ? " in " : "", state ? state : "");
	}
	free(devs);
	return EXIT_OK;
}

/* The certificates issued for DEVICE_ID, newest first: id and issue time. */
static json_t *certificates_json(struct store *st, long long device_id)
{
	struct store_certificate *certs = NULL;
	json_t *arr = json_array();
	size_t n = 0;

	if (store_certificate_list(st, device_id, &certs, &n) == STORE_OK)
		for (size_t i = 0; i < n; i++)
			json_array_append_new(arr, json_pack("{s:s, s:I}", "id", certs[i].id,
							     "issued_ms",
							     (json_int_t)certs[i].issued_ms));
	store_certificates_free(certs, n);
	return arr;
}

static json_t *show_json(struct store *st, const struct store_device_row *d, json_t *facts)
{
	struct store_device_event *ev = NULL;
	struct store_job *jobs = NULL;
	struct store_user u;
	size_t n_ev = 0, n_jobs = 0;
	json_t *o = row_json(d), *hist = json_array(), *jarr = json_array(), *imei;
	json_t *id = json_object(), *os = json_object();

	json_object_set_new(id, "marketing_name",
			    str_or_null(facts_json_string(facts, "identity.marketing_name")));
	json_object_set_new(id, "model_id", str_or_null(facts_json_string(facts, "identity.model_id")));
	json_object_set_new(id, "serial",
			    str_or_null(facts_json_string(facts, "identity.serial")
					    ? facts_json_string(facts, "identity.serial")
					    : d->serial));
	imei = json_object_get(json_object_get(facts, "identity"), "imei");
	if (json_is_array(imei))
		json_object_set(id, "imei", imei);
	else if (d->imei[0])
		json_object_set_new(id, "imei", json_pack("[s]", d->imei));
	else
		json_object_set_new(id, "imei", json_null());
	json_object_set_new(id, "udid", str_or_null(d->udid));
	json_object_set_new(o, "identity", id);
	json_object_set_new(os, "name", str_or_null(facts_json_string(facts, "os.name")));
	json_object_set_new(os, "version", str_or_null(facts_json_string(facts, "os.version")));
	json_object_set_new(os, "build", str_or_null(facts_json_string(facts, "os.build")));
	json_object_set_new(o, "os", os);

	if (store_device_events(st, d->id, &ev, &n_ev) == STORE_OK) {
		for (size_t i = 0; i < n_ev; i++)
			json_array_append_new(
			    hist, json_pack("{s:s, s:s, s:s, s:I, s:s}", "from", ev[i].from, "to",
					    ev[i].to, "by", user_name(st, ev[i].user_id, &u),
					    "t_ms", (json_int_t)ev[i].t_ms, "why", ev[i].reason));
	}
	free(ev);
	json_object_set_new(o, "history", hist);

	if (store_job_list(st, d->id, 0, NULL, &jobs, &n_jobs) == STORE_OK) {
		for (size_t i = 0; i < n_jobs; i++) {
			struct store_grade g;
			json_t *j = json_pack(
			    "{s:I, s:s, s:i, s:s, s:s}", "id", (json_int_t)jobs[i].id, "checklist",
			    jobs[i].checklist_id, "checklist_version", jobs[i].checklist_version,
			    "trainee", user_name(st, jobs[i].trainee_id, &u), "state",
			    jobs[i].state);

			if (store_grade_last(st, jobs[i].id, &g) == STORE_OK) {
				json_object_set_new(j, "verdict", json_string(g.verdict));
				store_grade_release(&g);
			} else {
				json_object_set_new(j, "verdict", json_null());
			}
			json_array_append_new(jarr, j);
		}
	}
	free(jobs);
	json_object_set_new(o, "jobs", jarr);
	json_object_set_new(o, "certificates", certificates_json(st, d->id));
	return o;
}

static void show_text(const json_t *o)
{
	const json_t *id = json_object_get(o, "identity"), *os = json_object_get(o, "os");
	const json_t *v, *imei = json_object_get(id, "imei");
	char when[32], until[32];
	size_t i;

	printf("device %lld (%s): %s\n", (long long)json_integer_value(json_object_get(o, "id")),
	       json_string_value(json_object_get(o, "platform")),
	       json_string_value(json_object_get(o, "state")));
	v = json_object_get(id, "marketing_name");
	if (json_is_string(v) || json_is_string(json_object_get(id, "model_id"))) {
		printf("  %s", json_is_string(v) ? json_string_value(v) : "(model not named)");
		if (json_is_string(json_object_get(id, "model_id")))
			printf(" (%s)", json_string_value(json_object_get(id, "model_id")));
		putchar('\n');
	}
	printf(" ");
	if (json_is_string(json_object_get(id, "serial")))
		printf(" serial %s", json_string_value(json_object_get(id, "serial")));
	if (json_is_string(json_object_get(id, "udid")))
		printf(" UDID %s", json_string_value(json_object_get(id, "udid")));
	json_array_foreach (imei, i, v)
		printf("%s%s", i ? ", " : " IMEI ", json_string_value(v));
	putchar('\n');
	if (json_is_string(json_object_get(os, "name"))) {
		printf("  %s %s", json_string_value(json_object_get(os, "name")),
		       json_is_string(json_object_get(os, "version"))
			   ? json_string_value(json_object_get(os, "version"))
			   : "");
		if (json_is_string(json_object_get(os, "build")))
			printf(" (%s)", json_string_value(json_object_get(os, "build")));
		putchar('\n');
	}
	printf("  seen %s to %s, %lld probe(s)\n",
	       clock_iso8601(json_integer_value(json_object_get(o, "first_seen_ms")), when,
			     sizeof(when)),
	       clock_iso8601(json_integer_value(json_object_get(o, "last_seen_ms")), until,
			     sizeof(until)),
	       (long long)json_integer_value(json_object_get(o, "probes")));
	if (json_array_size(json_object_get(o, "history")) == 0)
		printf("history: none (in %s since it was first seen)\n",
		       json_string_value(json_object_get(o, "state")));
	else
		printf("history:\n");
	json_array_foreach (json_object_get(o, "history"), i, v)
		printf("  %s  %s -> %s  by %s: %s\n",
		       clock_iso8601(json_integer_value(json_object_get(v, "t_ms")), when,
				     sizeof(when)),
		       json_string_value(json_object_get(v, "from")),
		       json_string_value(json_object_get(v, "to")),
		       json_string_value(json_object_get(v, "by")),
		       json_string_value(json_object_get(v, "why")));
	printf("jobs:%s\n", json_array_size(json_object_get(o, "jobs")) ? "" : " none");
	json_array_foreach (json_object_get(o, "jobs"), i, v) {
		const json_t *verdict = json_object_get(v, "verdict");

		printf("  job %-5lld %-28s v%-3lld %-9s trainee %s, %s\n",
		       (long long)json_integer_value(json_object_get(v, "id")),
		       json_string_value(json_object_get(v, "checklist")),
		       (long long)json_integer_value(json_object_get(v, "checklist_version")),
		       json_string_value(json_object_get(v, "state")),
		       json_string_value(json_object_get(v, "trainee")),
		       json_is_string(verdict) ? json_string_value(verdict) : "not graded");
	}
	json_array_foreach (json_object_get(o, "certificates"), i, v)
		printf("certificate %s (atelier certificate show %s)\n",
		       json_string_value(json_object_get(v, "id")),
		       json_string_value(json_object_get(v, "id")));
}

static int cmd_show(struct store *st, int argc, char **argv)
{
	struct store_device_row d;
	char *facts_text = NULL;
	json_t *facts = NULL, *o;
	long long t;
	int json = argc == 3 && strcmp(argv[2], "--json") == 0;

	if (argc != 2 && !json)
		return cli_usage_error("device", "usage: device show DEVICE [--json]");
	if (store_find_device(st, argv[1], &d) != STORE_OK)
		return fail(EXIT_NO_DEVICE, "no device '%s' is known (atelier device list)",
			    argv[1]);
	if (store_latest_probe(st, d.id, &facts_text, &t) == STORE_OK)
		facts = json_loads(facts_text, 0, NULL);
	free(facts_text);
	o = show_json(st, &d, facts);
	json_decref(facts);
	if (json) {
		json_dumpf(o, stdout, JSON_INDENT(2) | FACTS_JSON_FLAGS);
		putchar('\n');
	} else {
		show_text(o);
	}
	json_decref(o);
	return EXIT_OK;
}

static int cmd_set_state(struct store *st, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "by", required_argument, NULL, 'b' },
		{ "why", required_argument, NULL, 'w' },
		{ NULL, 0, NULL, 0 },
	};
	const char *by = NULL, *why_arg = NULL, *key, *to;
	char why[DEVICE_WHY_MAX + 1], refused[512];
	struct store_device_row d;
	struct store_user u;
	enum store_err err;
	int ch;

	optind = 0;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "b:w:", opts, NULL)) != -1) {
		switch (ch) {
		case 'b':
			by = optarg;
			break;
		case 'w':
			why_arg = optarg;
			break;
		default:
			return cli_usage_error("device", "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (argc - optind != 2)
		return cli_usage_error("device", "device set-state needs DEVICE and STATE");
	key = argv[optind];
	to = argv[optind + 1];
	if (!lifecycle_is_state(to))
		return cli_usage_error("device",
				       "'%s' is not a state: intake, in_repair, "
				       "quarantine, ready, certified, sold, recycled or parts",
				       to);
	if (!by)
		return cli_usage_error("device", "device set-state needs --by NAME: who moves it");
	if (!why_arg || strlen(why_arg) > DEVICE_WHY_MAX ||
	    text_clean(why_arg, why, sizeof(why)) == 0)
		return cli_usage_error("device",
				       "device set-state needs --why TEXT: why it moves "
				       "(1 to %d bytes), kept in its history",
				       DEVICE_WHY_MAX);
	if (store_find_device(st, key, &d) != STORE_OK)
		return fail(EXIT_NO_DEVICE, "no device '%s' is known (atelier device list)", key);
	if (store_user_find(st, by, &u) != STORE_OK || !u.active)
		return fail(EXIT_FAILURE_OTHER, "'%s' is not an active user (atelier user list)",
			    by);
	if (!lifecycle_allowed(d.state, to, u.role, LIFECYCLE_BY_HAND, refused, sizeof(refused))) {
		fprintf(stderr, "atelier device: %s stays in %s: %s\n", key, d.state, refused);
		return EXIT_FAILURE_OTHER;
	}
	err = store_device_set_state(st, d.id, d.state, to, u.id, why, clock_wall_ms());
	if (err == STORE_ESTALE)
		return fail(EXIT_FAILURE_OTHER,
			    "%s was moved by someone else meanwhile: look at "
			    "it again (atelier device show %s)",
			    key, key);
	if (err != STORE_OK)
		return fail(EXIT_FAILURE_OTHER, "cannot record the change (%s)",
			    store_last_error_message());
	printf("device %s: %s -> %s (by %s: %s)\n", key, d.state, to, u.name, why);
	return EXIT_OK;
}

int cli_cmd_device(const struct cli_global *g, int argc, char **argv)
{
	static const struct cli_sub subs[] = {
		{ "list", cmd_list, NULL },
		{ "show", cmd_show, NULL },
		{ "set-state", cmd_set_state, NULL },
		{ NULL, NULL, NULL },
	};

	return cli_run_sub(g, "device", device_usage, subs, argc, argv);
}
