/* atelier intake batch|add|list: the batches of devices donors give, and which devices
 * came in each (docs/resale.md) */
#include <stdio.h>

#include "cli/cli.h"
#include "util/clock.h"

static const char intake_usage[] =
	"usage: atelier [--data DIR] intake batch NAME --donor TEXT [--by NAME] [--json]\n"
	"       atelier [--data DIR] intake add BATCH DEVICE... [--by NAME] [--json]\n"
	"       atelier [--data DIR] intake list [--json]\n"
	"Devices come to the workshop in batches, each from a donor (a company, an\n"
	"organisation). batch makes one (NAME: letters, digits, '.', '-', '_'); add puts\n"
	"devices in it (DEVICE: UDID, serial or IMEI; all or none, and a device belongs to\n"
	"one batch); list shows every batch with its donor, its day and how many devices it\n"
	"holds. An instructor or an admin. The donor's erasure report of a batch is\n"
	"'atelier report erasure --batch NAME'.\n";

#define CMD "intake"

static void print_batch(const json_t *v, const void *ctx)
{
	(void)ctx;
	printf("batch %s from ", cli_str(v, "name", "?"));
	cli_put_text(stdout, cli_str(v, "donor", "?"));
	printf(" (by %s)\n", cli_str(v, "by", "?"));
}

static int cmd_batch(struct bench *b, int argc, char **argv)
{
	const char *donor = NULL, *by = NULL;
	int json = 0, rc;
	const struct cli_opt opts[] = { { "donor", 'd', CLI_STRING, &donor },
					{ "by", 'b', CLI_STRING, &by }, CLI_JSON(&json), CLI_END };
	const char *pos[1];
	json_t *view = NULL;
	size_t n;

	rc = cli_parse("intake batch", argc, argv, opts, pos, 1, 1, &n);
	if (rc)
		return rc;
	rc = svc_batch_add(b, pos[0], donor, by, &view);
	return cli_show(CMD, b, rc, view, json, print_batch, NULL);
}

static void print_added(const json_t *v, const void *ctx)
{
	const json_t *d;
	size_t i;

	(void)ctx;
	json_array_foreach (json_object_get(v, "devices"), i, d)
		printf("%s (%s) is in batch %s\n", cli_str(d, "device", "?"),
		       cli_str(d, "stock_number", "?"), cli_str(v, "batch", "?"));
}

static int cmd_add(struct bench *b, int argc, char **argv)
{
	const char *by = NULL;
	int json = 0, rc;
	const struct cli_opt opts[] = { { "by", 'b', CLI_STRING, &by }, CLI_JSON(&json),
					CLI_END };
	const char *pos[CLI_LIST_MAX + 1];
	json_t *view = NULL;
	size_t n;

	rc = cli_parse("intake add", argc, argv, opts, pos, 2, CLI_LIST_MAX + 1, &n);
	if (rc)
		return rc;
	rc = svc_batch_attach(b, pos[0], pos + 1, n - 1, by, &view);
	return cli_show(CMD, b, rc, view, json, print_added, NULL);
}

static void print_list(const json_t *v, const void *ctx)
{
	const json_t *bt;
	char day[16];
	size_t i;

	(void)ctx;
	json_array_foreach (json_object_get(v, "batches"), i, bt) {
		printf("%-20s %s %4lld device(s)  ", cli_str(bt, "name", "?"),
		       clock_format_day(json_integer_value(json_object_get(bt, "t_ms")), day,
					sizeof(day)),
		       (long long)json_integer_value(json_object_get(bt, "devices")));
		cli_put_text(stdout, cli_str(bt, "donor", "?"));
		putchar('\n');
	}
	if (json_array_size(json_object_get(v, "batches")) == 0)
		printf("no batch yet (atelier intake batch NAME --donor TEXT)\n");
}

static int cmd_list(struct bench *b, int argc, char **argv)
{
	int json = 0, rc;
	const struct cli_opt opts[] = { CLI_JSON(&json), CLI_END };
	json_t *view = NULL;
	size_t n;

	rc = cli_parse("intake list", argc, argv, opts, NULL, 0, 0, &n);
	if (rc)
		return rc;
	rc = svc_batch_list(b, &view);
	return cli_show(CMD, b, rc, view, json, print_list, NULL);
}

int cli_cmd_intake(const struct cli_global *g, int argc, char **argv)
{
	static const struct cli_sub subs[] = {
		{ "batch", cmd_batch, SVC_OPEN_STORE, NULL },
		{ "add", cmd_add, SVC_OPEN_STORE, NULL },
		{ "list", cmd_list, SVC_OPEN_STORE, NULL },
		{ NULL, NULL, 0, NULL },
	};

	return cli_run_sub(g, CMD, intake_usage, subs, argc, argv);
}
