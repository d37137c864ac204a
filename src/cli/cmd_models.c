/* atelier models import FILE: the names of Android models, from Google's current list */
#include <stdio.h>

#include "cli/cli.h"

static const char models_usage[] =
	"usage: atelier [--data DIR] models import FILE [--json]\n"
	"Read Google Play's list of supported devices (supported_devices.csv, as Google\n"
	"publishes it: UTF-16) into this workshop's own table of Android model names\n"
	"(DATA/android-models.tsv). A phone the shipped table does not name is named from\n"
	"it when it is read. A file that is not that list is refused, naming its line, and\n"
	"the table is left as it was.\n";

static void print_imported(const json_t *v, const void *ctx)
{
	(void)ctx;
	printf("%lld Android models named, from %s, kept in %s\n",
	       (long long)json_integer_value(json_object_get(v, "rows")), cli_str(v, "from", "?"),
	       cli_str(v, "file", "?"));
}

static int cmd_import(struct bench *b, int argc, char **argv)
{
	const char *pos[1];
	int json = 0, rc;
	const struct cli_opt opts[] = { CLI_JSON(&json), CLI_END };
	json_t *view = NULL;
	size_t n;

	rc = cli_parse("models import", argc, argv, opts, pos, 1, 1, &n);
	if (rc)
		return rc;
	rc = svc_models_import(b, pos[0], &view);
	return cli_show("models", b, rc, view, json, print_imported, NULL);
}

int cli_cmd_models(const struct cli_global *g, int argc, char **argv)
{
	static const struct cli_sub subs[] = {
		{ "import", cmd_import, SVC_OPEN_MKDIR, NULL },
		{ NULL, NULL, 0, NULL },
	};

	return cli_run_sub(g, "models", models_usage, subs, argc, argv);
}
