/* atelier report training: a trainee's or the workshop's training, as figures */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "util/clock.h"
#include "util/file.h"

static const char report_usage[] =
	"usage: atelier [--data DIR] report training [--trainee NAME] [--from DAY] [--to DAY]\n"
	"                   [--format csv|json] [--output FILE]\n"
	"The training report: for each trainee and checklist, the jobs started in the period\n"
	"(from DAY, to the end of the day before --to; days as 2026-12-01, local time), how\n"
	"many were approved, how many the first time, the redos, the time spent on the\n"
	"steps, and the competences signed off. An instructor or an admin reports on every\n"
	"trainee, or on one with --trainee; a trainee on herself. CSV (RFC 4180, UTF-8, a\n"
	"header row; it opens in a spreadsheet) is the default; --output writes a file,\n"
	"whole or not at all, instead of the standard output.\n";

#define CMD "report"

static int cmd_training(struct bench *b, int argc, char **argv)
{
	const char *trainee = NULL, *from = NULL, *to = NULL, *format = "csv", *output = NULL;
	const struct cli_opt opts[] = { { "trainee", 't', CLI_STRING, &trainee },
					{ "from", 0, CLI_STRING, &from },
					{ "to", 0, CLI_STRING, &to },
					{ "format", 'f', CLI_STRING, &format },
					{ "output", 'o', CLI_STRING, &output },
					CLI_END };
	int64_t from_ms = 0, to_ms = 0;
	json_t *view = NULL;
	char *text = NULL;
	size_t n, len = 0;
	FILE *m;
	int rc;

	rc = cli_parse("report training", argc, argv, opts, NULL, 0, 0, &n);
	if (rc)
		return rc;
	if (from && !clock_parse_day(from, &from_ms))
		return cli_usage_error(CMD, "--from takes a day such as 2026-12-01, not '%s'", from);
	if (to && !clock_parse_day(to, &to_ms))
		return cli_usage_error(CMD, "--to takes a day such as 2026-12-31, not '%s'", to);
	if (strcmp(format, "csv") != 0 && strcmp(format, "json") != 0)
		return cli_usage_error(CMD, "--format is csv or json, not '%s' (the PDF and HTML "
					    "reports are not made yet)",
				       format);
	rc = svc_training_report(b, trainee, from_ms, to_ms, &view);
	if (rc)
		return cli_report(CMD, b, rc);
	m = open_memstream(&text, &len);
	if (!m) {
		json_decref(view);
		return cli_fail(CMD, EXIT_FAILURE_OTHER, "out of memory");
	}
	if (strcmp(format, "json") == 0) {
		json_dumpf(view, m, JSON_INDENT(2) | JSON_SORT_KEYS);
		fputc('\n', m);
	} else {
		svc_training_csv(view, m);
	}
	fclose(m);
	json_decref(view);
	if (output) {
		enum file_err e = file_write(output, text, len, 0644, 1);
		int saved = errno;
		char why[256];

		free(text);
		if (e == FILE_ENOTREG)
			return cli_fail(CMD, EXIT_FAILURE_OTHER, "%s is not a regular file: nothing written",
					output);
		if (e)
			return cli_fail(CMD, EXIT_FAILURE_OTHER, "cannot write %s: %s", output,
					file_errno_text(saved, output, why, sizeof(why)));
		return EXIT_OK;
	}
	fwrite(text, 1, len, stdout);
	free(text);
	return EXIT_OK;
}

int cli_cmd_report(const struct cli_global *g, int argc, char **argv)
{
	static const struct cli_sub subs[] = {
		{ "training", cmd_training, SVC_OPEN_STORE, NULL },
		{ NULL, NULL, 0, NULL },
	};

	return cli_run_sub(g, CMD, report_usage, subs, argc, argv);
}
