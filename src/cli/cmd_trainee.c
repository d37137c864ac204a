/* atelier trainee show|sign-off: a trainee's training, and an instructor's sign-off */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "util/clock.h"

static const char trainee_usage[] =
	"usage: atelier [--data DIR] trainee show [NAME] [--json]\n"
	"       atelier [--data DIR] trainee sign-off NAME COMPETENCE --note TEXT [--by NAME]\n"
	"                   [--json]\n"
	"A checklist may name the competences it trains (competences: in its file) and what\n"
	"a trainee must hold before she starts it (requires: an approved job of other\n"
	"checklists, an instructor's sign-off for competences). 'trainee show' lists her\n"
	"sign-offs and, for each checklist, her approved jobs and whether she may start it\n"
	"now, or what she still needs; a trainee sees her own, an instructor anyone's.\n"
	"'trainee sign-off' is for an instructor or an admin, once the trainee has an\n"
	"approved job of a checklist that trains the competence; the note says what you saw\n"
	"her do. A sign-off is kept for good, in the records' chain.\n";

#define CMD "trainee"

static void print_signoff(const json_t *v, const void *ctx)
{
	char day[32];

	(void)ctx;
	printf("%s signed off for %s by %s on %s\n", cli_str(v, "trainee", "?"),
	       cli_str(v, "competence", "?"), cli_str(v, "by", "?"),
	       clock_format_day(json_integer_value(json_object_get(v, "t_ms")), day, sizeof(day)));
}

/* The record: per checklist, then the redos and the feedback, newest last. */
static void print_record(const json_t *r)
{
	const json_t *c, *x;
	size_t i;
	char day[32];

	if (!json_array_size(json_object_get(r, "checklists")))
		return;
	printf("\nwork done:\n");
	json_array_foreach(json_object_get(r, "checklists"), i, c) {
		const json_t *rate = json_object_get(c, "first_time_rate");
		const json_t *avg = json_object_get(c, "average_minutes");

		printf("  %-28s %lld job%s, %lld approved", cli_str(c, "id", "?"),
		       (long long)json_integer_value(json_object_get(c, "jobs")),
		       json_integer_value(json_object_get(c, "jobs")) == 1 ? "" : "s",
		       (long long)json_integer_value(json_object_get(c, "approved")));
		if (json_is_number(rate))
			printf(", %.0f %% approved the first time", 100.0 * json_number_value(rate));
		printf(", %lld redo%s", (long long)json_integer_value(json_object_get(c, "redos")),
		       json_integer_value(json_object_get(c, "redos")) == 1 ? "" : "s");
		if (json_is_number(avg))
			printf(", %.0f min on average", json_number_value(avg));
		putchar('\n');
	}
	if (json_array_size(json_object_get(r, "redos")))
		printf("\nsent back for redo:\n");
	json_array_foreach(json_object_get(r, "redos"), i, x)
		printf("  job %lld %s, %s, by %s: %s\n",
		       (long long)json_integer_value(json_object_get(x, "job")),
		       cli_str(x, "checklist", "?"),
		       clock_format_day(json_integer_value(json_object_get(x, "t_ms")), day, sizeof(day)),
		       cli_str(x, "by", "?"), cli_str(x, "feedback", ""));
	if (json_array_size(json_object_get(r, "feedback")))
		printf("\nfeedback:\n");
	json_array_foreach(json_object_get(r, "feedback"), i, x)
		printf("  job %lld %s, %s, %s by %s%s: %s\n",
		       (long long)json_integer_value(json_object_get(x, "job")),
		       cli_str(x, "checklist", "?"),
		       clock_format_day(json_integer_value(json_object_get(x, "t_ms")), day, sizeof(day)),
		       cli_str(x, "verdict", "?"), cli_str(x, "by", "?"),
		       json_is_true(json_object_get(x, "acknowledged")) ? "" : " (not acknowledged)",
		       cli_str(x, "feedback", ""));
}

static void print_show(const json_t *v, const void *ctx)
{
	const json_t *s, *c, *m;
	size_t i, k;
	char day[32];

	(void)ctx;
	printf("%s (%s)\n", cli_str(v, "trainee", "?"), cli_str(v, "role", "?"));
	printf("\nsigned off:\n");
	json_array_foreach(json_object_get(v, "signoffs"), i, s)
		printf("  %-24s by %-16s on %s: %s\n", cli_str(s, "competence", "?"),
		       cli_str(s, "by", "?"),
		       clock_format_day(json_integer_value(json_object_get(s, "t_ms")), day, sizeof(day)),
		       cli_str(s, "note", ""));
	if (!json_array_size(json_object_get(v, "signoffs")))
		printf("  nothing yet\n");
	printf("\nchecklists:\n");
	json_array_foreach(json_object_get(v, "checklists"), i, c) {
		long long approved = json_integer_value(json_object_get(c, "approved"));

		printf("  %-28s difficulty %lld  %lld approved  ", cli_str(c, "id", "?"),
		       (long long)json_integer_value(json_object_get(c, "difficulty")), approved);
		if (json_is_true(json_object_get(c, "ready"))) {
			printf("may start\n");
			continue;
		}
		printf("needs");
		json_array_foreach(json_object_get(c, "missing"), k, m)
			printf("%s %s", k ? "," : "", json_string_value(m));
		putchar('\n');
	}
	print_record(json_object_get(v, "record"));
}

static int cmd_show(struct bench *b, int argc, char **argv)
{
	const char *pos[1] = { NULL };
	int json = 0, rc;
	const struct cli_opt opts[] = { CLI_JSON(&json), CLI_END };
	json_t *view = NULL;
	size_t n;

	rc = cli_parse("trainee show", argc, argv, opts, pos, 0, 1, &n);
	if (rc)
		return rc;
	rc = svc_trainee_show(b, n ? pos[0] : NULL, &view);
	return cli_show(CMD, b, rc, view, json, print_show, NULL);
}

static int cmd_signoff(struct bench *b, int argc, char **argv)
{
	struct svc_signoff_req req = { 0 };
	const char *pos[2];
	int json = 0, rc;
	const struct cli_opt opts[] = { { "note", 'n', CLI_STRING, &req.note },
					{ "by", 'b', CLI_STRING, &req.by }, CLI_JSON(&json),
					CLI_END };
	json_t *view = NULL;
	size_t n;

	rc = cli_parse("trainee sign-off", argc, argv, opts, pos, 2, 2, &n);
	if (rc)
		return rc;
	if (!req.note)
		return cli_usage_error(CMD, "trainee sign-off needs --note: what you saw her do");
	req.trainee = pos[0];
	req.competence = pos[1];
	rc = svc_signoff(b, &req, &view);
	return cli_show(CMD, b, rc, view, json, print_signoff, NULL);
}

int cli_cmd_trainee(const struct cli_global *g, int argc, char **argv)
{
	static const struct cli_sub subs[] = {
		{ "show", cmd_show, SVC_OPEN_STORE, NULL },
		{ "sign-off", cmd_signoff, SVC_OPEN_STORE, NULL },
		{ NULL, NULL, 0, NULL },
	};

	return cli_run_sub(g, CMD, trainee_usage, subs, argc, argv);
}
