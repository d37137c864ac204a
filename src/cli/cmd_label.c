/* atelier label DEVICE...: a device's label, or its intake label, as PDF or PNG, printed
 * through CUPS when a printer is named. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

static const char label_usage[] =
    "usage: atelier [--data DIR] label DEVICE... [--size 62x29|62x100|a4-sheet]\n"
    "                   [--format pdf|png] [--output FILE] [--print PRINTER]\n"
    "                   [--intake] [--lang en|fr|nl] [--json]\n"
    "Draw the label of DEVICE (a UDID, serial or IMEI): its name, storage, colour,\n"
    "cosmetic grade, battery health and stock number (AT-000042), its IMEI as a Code 128\n"
    "barcode and, when it is certified, its certificate's QR code ('not certified'\n"
    "otherwise). --intake draws the label for the bag of a device that just arrived, in\n"
    "any state: its stock number, large and as a barcode, the day and the model when\n"
    "known. Sizes: 62x29 (the default) and 62x100 mm for a Brother QL's 62 mm tape, or\n"
    "a4-sheet: 24 labels of 63.5 x 33.9 mm a page, one for each DEVICE named. The file\n"
    "is label-STOCK.pdf (or .png) in the current folder unless --output names one;\n"
    "--print sends it to a CUPS printer (lp -d PRINTER FILE; 'lpstat -p' lists them).\n"
    "The words are in the workshop's language (policy workshop.language) unless --lang\n"
    "says otherwise. Anyone signed in prints labels.\n";

#define CMD "label"

static void print_label(const json_t *view, const void *ctx)
{
	const json_t *labels = json_object_get(view, "labels"), *printed, *l;
	size_t i, n = json_array_size(labels);

	(void)ctx;
	printf("wrote %s: ", cli_str(view, "output", "?"));
	if (n == 1)
		printf("one ");
	else
		printf("%zu ", n);
	printf("%slabel%s (%s) for ",
	       json_is_true(json_object_get(view, "intake")) ? "intake " : "", n == 1 ? "" : "s",
	       cli_str(view, "size", "?"));
	json_array_foreach (labels, i, l) {
		const char *cert = cli_str(l, "certificate", NULL);

		printf("%s%s (%s", i ? ", " : "", cli_str(l, "stock", "?"),
		       cli_str(l, "device", "?"));
		if (!json_is_true(json_object_get(view, "intake")))
			printf(cert ? ", certificate %s" : ", not certified", cert);
		printf(")");
	}
	printf("\n");
	printed = json_object_get(view, "printed");
	if (json_is_object(printed))
		printf("sent to printer %s: %s\n", cli_str(printed, "printer", "?"),
		       cli_str(printed, "said", ""));
}

static int run_label(struct bench *b, int argc, char **argv)
{
	const char *pos[SVC_LABELS_MAX];
	struct svc_label_req req = { .devices = pos };
	int json = 0, rc;
	const struct cli_opt opts[] = { { "size", 's', CLI_STRING, &req.size },
					{ "format", 'f', CLI_STRING, &req.format },
					{ "output", 'o', CLI_STRING, &req.output },
					{ "print", 'p', CLI_STRING, &req.printer },
					{ "intake", 'i', CLI_FLAG, &req.intake },
					{ "lang", 'l', CLI_STRING, &req.lang },
					CLI_JSON(&json),
					CLI_END };
	json_t *view = NULL;

	rc = cli_parse(CMD, argc, argv, opts, pos, 1, SVC_LABELS_MAX, &req.n_devices);
	if (rc)
		return rc;
	rc = svc_label(b, &req, &view);
	return cli_show(CMD, b, rc, view, json, print_label, NULL);
}

int cli_cmd_label(const struct cli_global *g, int argc, char **argv)
{
	static const struct cli_sub one = { CMD, run_label, SVC_OPEN_STORE, label_usage };

	return cli_run_one(g, &one, argc, argv);
}
