/* atelier report training|erasure: a trainee's or the workshop's training, as figures;
 * a batch's donor erasure report */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "util/clock.h"
#include "util/file.h"

static const char report_usage[] =
	"usage: atelier [--data DIR] report inventory [--state S] [--platform ios|android]\n"
	"                   [--grade G] [--since DAY] [--format csv|jsonl|json|html|pdf]\n"
	"                   [--output FILE] [--template NAME] [--sort [-]COLUMN] [--sql]\n"
	"The inventory, one row per device: stock number, IMEIs, serial, make, name, model\n"
	"number, storage, colour, cosmetic grade (and its CTIA grade), battery, parts fitted,\n"
	"lock checks, state, shelf, intake day, donor batch, certificate, price and sale.\n"
	"For an instructor or an admin. CSV (RFC 4180, UTF-8, a header row, CRLF; a text\n"
	"that a spreadsheet would take for a formula starts with ') is the default. Rows are\n"
	"written as they are read. --since keeps the devices first seen from that day on;\n"
	"--sort names a column (a leading '-': the largest first); --template NAME writes\n"
	"the columns of a marketplace's listing import (docs/resale.md); --sql prints the\n"
	"query it runs, for sqlite3 or psql. A PDF (landscape A4) draws at most 2,000 rows.\n"
	"       atelier [--data DIR] report training [--trainee NAME] [--from DAY] [--to DAY]\n"
	"                   [--format csv|json|pdf|html] [--lang en|fr|nl] [--output FILE]\n"
	"The training report: for each trainee and checklist, the jobs started in the period\n"
	"(from DAY, to the end of the day before --to; days as 2026-12-01, local time), how\n"
	"many were approved, how many the first time, the redos, the time spent on the\n"
	"steps, and the competences signed off. An instructor or an admin reports on every\n"
	"trainee, or on one with --trainee; a trainee on herself. CSV (RFC 4180, UTF-8, a\n"
	"header row; it opens in a spreadsheet) is the default; --output writes a file,\n"
	"whole or not at all, instead of the standard output.\n"
	"--format pdf (A4) or html (one page, for any browser) is one trainee's training\n"
	"record, to keep: her sign-offs, her work per checklist, her rubric scores over time\n"
	"and the latest feedback, in her language (--lang, else the one she chose on the\n"
	"screen, else the workshop's). An instructor names the trainee with --trainee.\n"
	"\n"
	"usage: atelier [--data DIR] report programme --from DAY --to DAY\n"
	"                   [--format csv|json|pdf|html] [--lang en|fr|nl] [--output FILE]\n"
	"The programme's report for its funders (an instructor or an admin): the devices\n"
	"received, certified, sold, donated, recycled, kept for parts and quarantined, by\n"
	"platform and model; the repairs and parts; the trainees counted (never named), their\n"
	"bench hours, the first-time approval rate and the competences signed off; the weight\n"
	"of e-waste kept in use and the CO2e avoided, with the factor and its source (the\n"
	"policy's programme: keys, docs/reports.md); by month, with charts in the PDF (A4)\n"
	"and the HTML page. CSV has one row per figure: section, platform, name, measure,\n"
	"value.\n"
	"\n"
	"usage: atelier [--data DIR] report erasure --batch NAME [--format csv|pdf|html]\n"
	"                   [--lang en|fr|nl] [--output FILE]\n"
	"The donor's erasure report of an intake batch: every device of it with its stock\n"
	"number, make and model, serial and IMEI, what became of it, and its data wipe\n"
	"(NIST SP 800-88 purge or clear, day, job, second check) or the destruction of its\n"
	"storage, or that it has neither yet. An instructor or an admin; CSV by default.\n";

#define CMD "report"

/* TEXT (LEN bytes) into OUTPUT, whole or not at all, or on the standard output. */
static int write_out(const char *output, const char *text, size_t len)
{
	enum file_err e;
	char why[256];
	int saved;

	if (!output) {
		fwrite(text, 1, len, stdout);
		return EXIT_OK;
	}
	e = file_write(output, text, len, 0644, 1);
	saved = errno;
	if (e == FILE_ENOTREG)
		return cli_fail(CMD, EXIT_FAILURE_OTHER, "%s is not a regular file: nothing written",
				output);
	if (e)
		return cli_fail(CMD, EXIT_FAILURE_OTHER, "cannot write %s: %s", output,
				file_errno_text(saved, output, why, sizeof(why)));
	return EXIT_OK;
}

/* FORMAT is one the report writes (csv, pdf, html; json too when JSON), and a PDF goes to
 * a file, not the terminal: 0, or the usage error's exit code. */
static int format_ok(const char *format, int json, const char *output)
{
	if (strcmp(format, "csv") != 0 && (!json || strcmp(format, "json") != 0) &&
	    strcmp(format, "pdf") != 0 && strcmp(format, "html") != 0)
		return cli_usage_error(CMD, json ? "--format is csv, json, pdf or html, not '%s'"
						 : "--format is csv, pdf or html, not '%s'",
				       format);
	if (strcmp(format, "pdf") == 0 && !output && isatty(STDOUT_FILENO))
		return cli_usage_error(CMD, "a PDF is not for the terminal: add --output FILE");
	return 0;
}

/* The report's figures as JSON (--format json). */
static int write_json(struct bench *b, const struct svc_training_req *req, const char *output)
{
	json_t *view = NULL;
	char *text = NULL;
	size_t len = 0;
	int rc = svc_training_report(b, req->trainee, req->from_ms, req->to_ms, &view);
	FILE *m;

	if (rc)
		return cli_report(CMD, b, rc);
	m = open_memstream(&text, &len);
	if (m) {
		json_dumpf(view, m, JSON_INDENT(2) | JSON_SORT_KEYS);
		fputc('\n', m);
	}
	json_decref(view);
	if (!m || fclose(m) != 0) {
		free(text);
		return cli_fail(CMD, EXIT_FAILURE_OTHER, "out of memory");
	}
	rc = write_out(output, text, len);
	free(text);
	return rc;
}

static int cmd_training(struct bench *b, int argc, char **argv)
{
	const char *from = NULL, *to = NULL, *format = "csv", *output = NULL;
	struct svc_training_req req = { 0 };
	const struct cli_opt opts[] = { { "trainee", 't', CLI_STRING, &req.trainee },
					{ "from", 0, CLI_STRING, &from },
					{ "to", 0, CLI_STRING, &to },
					{ "format", 'f', CLI_STRING, &format },
					{ "lang", 'l', CLI_STRING, &req.lang },
					{ "output", 'o', CLI_STRING, &output },
					CLI_END };
	int64_t from_ms = 0, to_ms = 0;
	struct svc_file file;
	size_t n;
	int rc;

	rc = cli_parse("report training", argc, argv, opts, NULL, 0, 0, &n);
	if (rc)
		return rc;
	if (from && !clock_parse_day(from, &from_ms))
		return cli_usage_error(CMD, "--from takes a day such as 2026-12-01, not '%s'", from);
	if (to && !clock_parse_day(to, &to_ms))
		return cli_usage_error(CMD, "--to takes a day such as 2026-12-31, not '%s'", to);
	rc = format_ok(format, 1, output);
	if (rc)
		return rc;
	req.from_ms = from_ms;
	req.to_ms = to_ms;
	if (strcmp(format, "json") == 0)
		return write_json(b, &req, output);
	rc = svc_training_file(b, &req, format, &file);
	if (rc)
		return cli_report(CMD, b, rc);
	rc = write_out(output, file.bytes, file.len);
	free(file.bytes);
	return rc;
}

static int cmd_programme(struct bench *b, int argc, char **argv)
{
	const char *from = NULL, *to = NULL, *format = "csv", *output = NULL;
	struct svc_programme_req req = { 0 };
	const struct cli_opt opts[] = { { "from", 0, CLI_STRING, &from },
					{ "to", 0, CLI_STRING, &to },
					{ "format", 'f', CLI_STRING, &format },
					{ "lang", 'l', CLI_STRING, &req.lang },
					{ "output", 'o', CLI_STRING, &output },
					CLI_END };
	int64_t from_ms = 0, to_ms = 0;
	struct svc_file file;
	json_t *doc = NULL;
	size_t n;
	int rc;

	rc = cli_parse("report programme", argc, argv, opts, NULL, 0, 0, &n);
	if (rc)
		return rc;
	if (!from || !to)
		return cli_usage_error(CMD, "the programme's report is for a period: give --from DAY "
					    "and --to DAY (2026-01-01)");
	if (!clock_parse_day(from, &from_ms))
		return cli_usage_error(CMD, "--from takes a day such as 2026-01-01, not '%s'", from);
	if (!clock_parse_day(to, &to_ms))
		return cli_usage_error(CMD, "--to takes a day such as 2026-12-31, not '%s'", to);
	rc = format_ok(format, 1, output);
	if (rc)
		return rc;
	req.from_ms = from_ms;
	req.to_ms = to_ms;
	if (strcmp(format, "json") == 0) {
		char *text;

		rc = svc_programme_doc(b, &req, &doc);
		if (rc)
			return cli_report(CMD, b, rc);
		text = json_dumps(doc, JSON_INDENT(2) | JSON_SORT_KEYS);
		json_decref(doc);
		if (!text)
			return cli_fail(CMD, EXIT_FAILURE_OTHER, "out of memory");
		rc = write_out(output, text, strlen(text));
		if (!rc && !output)
			putchar('\n');
		free(text);
		return rc;
	}
	rc = svc_programme_file(b, &req, format, &file);
	if (rc)
		return cli_report(CMD, b, rc);
	rc = write_out(output, file.bytes, file.len);
	free(file.bytes);
	return rc;
}

static int cmd_erasure(struct bench *b, int argc, char **argv)
{
	const char *batch = NULL, *format = "csv", *output = NULL, *lang = NULL;
	const struct cli_opt opts[] = { { "batch", 0, CLI_STRING, &batch },
					{ "format", 'f', CLI_STRING, &format },
					{ "lang", 'l', CLI_STRING, &lang },
					{ "output", 'o', CLI_STRING, &output },
					CLI_END };
	struct svc_file file;
	size_t n;
	int rc;

	rc = cli_parse("report erasure", argc, argv, opts, NULL, 0, 0, &n);
	if (rc)
		return rc;
	if (!batch)
		return cli_usage_error(CMD, "name the batch (--batch NAME; atelier intake list)");
	rc = format_ok(format, 0, output);
	if (rc)
		return rc;
	rc = svc_erasure_file(b, batch, format, lang, &file);
	if (rc)
		return cli_report(CMD, b, rc);
	rc = write_out(output, file.bytes, file.len);
	free(file.bytes);
	return rc;
}

/* Close T's stream F and put the file in place, or give it up; the exit code. */
static int finish_file(const char *output, struct file_tmp *t, FILE *f, int ok)
{
	enum file_err e;
	char why[256];
	int saved;

	if (fclose(f) != 0) /* a copy of T's descriptor */
		ok = 0;
	if (!ok) {
		file_tmp_abort(t);
		return EXIT_FAILURE_OTHER;
	}
	e = file_tmp_commit(t, 1);
	saved = errno;
	if (e)
		return cli_fail(CMD, EXIT_FAILURE_OTHER, "cannot write %s: %s", output,
				file_errno_text(saved, output, why, sizeof(why)));
	return EXIT_OK;
}

static int cmd_inventory(struct bench *b, int argc, char **argv)
{
	const char *since = NULL, *format = "csv", *output = NULL;
	struct svc_inventory_req req = { 0 };
	int sql = 0;
	const struct cli_opt opts[] = { { "state", 's', CLI_STRING, &req.state },
					{ "platform", 'p', CLI_STRING, &req.platform },
					{ "grade", 'g', CLI_STRING, &req.grade },
					{ "since", 0, CLI_STRING, &since },
					{ "format", 'f', CLI_STRING, &format },
					{ "output", 'o', CLI_STRING, &output },
					{ "template", 't', CLI_STRING, &req.template_name },
					{ "sort", 0, CLI_STRING, &req.sort },
					{ "sql", 0, CLI_FLAG, &sql },
					CLI_END };
	int64_t since_ms = 0;
	struct file_tmp t;
	int fd;
	long long rows = 0;
	enum file_err e;
	char why[256];
	char *text = NULL;
	FILE *f;
	size_t n;
	int rc;

	rc = cli_parse("report inventory", argc, argv, opts, NULL, 0, 0, &n);
	if (rc)
		return rc;
	if (since && !clock_parse_day(since, &since_ms))
		return cli_usage_error(CMD, "--since takes a day such as 2026-12-01, not '%s'", since);
	if (!svc_inventory_format_parse(format, &req.format))
		return cli_usage_error(CMD, "--format is csv, jsonl, json, html or pdf, not '%s'",
				       format);
	if (req.format == SVC_INV_PDF && !output && isatty(STDOUT_FILENO))
		return cli_usage_error(CMD, "a PDF is not for the terminal: add --output FILE");
	req.since_ms = since_ms;
	if (sql) {
		rc = svc_inventory_sql(b, &req, &text);
		if (rc)
			return cli_report(CMD, b, rc);
		printf("%s;\n", text);
		free(text);
		return fflush(stdout) == 0 ? EXIT_OK : EXIT_FAILURE_OTHER;
	}
	/* Refusals first, so that nothing is written for a request that cannot be met. */
	rc = svc_inventory_check(b, &req);
	if (rc)
		return cli_report(CMD, b, rc);
	if (!output) {
		rc = svc_inventory_write(b, &req, stdout, &rows);
		return rc ? cli_report(CMD, b, rc) : EXIT_OK;
	}
	e = file_tmp_open(&t, output, 0644);
	if (e == FILE_ENOTREG)
		return cli_fail(CMD, EXIT_FAILURE_OTHER, "%s is not a regular file: nothing written",
				output);
	if (e)
		return cli_fail(CMD, EXIT_FAILURE_OTHER, "cannot write %s: %s", output,
				file_errno_text(errno, output, why, sizeof(why)));
	fd = dup(t.fd);
	f = fd >= 0 ? fdopen(fd, "w") : NULL;
	if (!f) {
		if (fd >= 0)
			close(fd);
		file_tmp_abort(&t);
		return cli_fail(CMD, EXIT_FAILURE_OTHER, "out of memory");
	}
	rc = svc_inventory_write(b, &req, f, &rows);
	if (rc) {
		finish_file(output, &t, f, 0);
		return cli_report(CMD, b, rc);
	}
	return finish_file(output, &t, f, 1);
}

int cli_cmd_report(const struct cli_global *g, int argc, char **argv)
{
	static const struct cli_sub subs[] = {
		{ "inventory", cmd_inventory, SVC_OPEN_STORE, NULL },
		{ "training", cmd_training, SVC_OPEN_STORE, NULL },
		{ "programme", cmd_programme, SVC_OPEN_STORE, NULL },
		{ "erasure", cmd_erasure, SVC_OPEN_STORE, NULL },
		{ NULL, NULL, 0, NULL },
	};

	return cli_run_sub(g, CMD, report_usage, subs, argc, argv);
}
