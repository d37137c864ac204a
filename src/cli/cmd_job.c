/* atelier job start|step|show|submit|list|verify|grade|ack|cancel|resume|check-wipe */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checklist/checklist.h"
#include "cli/cli.h"
#include "util/clock.h"
#include "util/number.h"

static const char job_usage[] =
	"usage: atelier [--data DIR] job start --device ID --checklist ID [--trainee NAME] [--json]\n"
	"       atelier [--data DIR] job step JOB STEP [--result pass|fail|skip] [--value V]\n"
	"                   [--note TEXT] [--tester TEXT] [--part NAME,ORIGIN,SERIAL[,SUPPLIER]]...\n"
	"                   [--by NAME] [--corrects RECORD] [--json]\n"
	"       atelier [--data DIR] job show JOB [--json]\n"
	"       atelier [--data DIR] job submit JOB [--json]\n"
	"       atelier [--data DIR] job list [--device ID] [--trainee NAME] [--state S] [--json]\n"
	"       atelier [--data DIR] job queue [--lang en|fr|nl] [--json]\n"
	"       atelier [--data DIR] job overview [--lang en|fr|nl] [--json]\n"
	"       atelier [--data DIR] job verify JOB\n"
	"       atelier [--data DIR] job grade JOB --verdict approved|redo [--redo STEP,...]\n"
	"                   [--score ITEM=N]... --feedback TEXT [--by NAME] [--json]\n"
	"       atelier [--data DIR] job ack JOB [--by NAME] [--json]\n"
	"       atelier [--data DIR] job cancel JOB --why TEXT [--by NAME] [--json]\n"
	"       atelier [--data DIR] job resume JOB --why TEXT [--by NAME] [--json]\n"
	"       atelier [--data DIR] job check-wipe JOB --result pass|fail --note TEXT [--by NAME] [--json]\n"
	"A job is one trainee's work on one device with one checklist. Each step is recorded\n"
	"for good (who, when, time spent, result, value, note, parts) and chained to the one\n"
	"before, so that 'job verify' finds any change. A wrong record is corrected by a new\n"
	"one (--corrects RECORD), never edited. An auto step reads the device again (it must\n"
	"be plugged in) and records the facts it used.\n"
	"An instructor or admin who did not work on the job grades a submitted job: approved,\n"
	"or redo with the steps to do again (the job opens again for those steps only), with\n"
	"a score for each rubric item and feedback; the trainee acknowledges it with 'job ack'.\n"
	"'job queue' lists the jobs waiting for a grade, the longest waiting first.\n"
	"'job overview' lists the work on the benches: each open job, its trainee, the step\n"
	"in hand and for how long, and what needs an instructor (a step that stopped the job\n"
	"or quarantined the device, a step far over its time). The\n"
	"stages 'job list --state' takes: open, submitted (waiting for a grade), approved,\n"
	"redo (sent back, open again) and cancelled.\n"
	"A failed step that stops the job waits for an instructor: 'job resume' lets the\n"
	"trainee go on, 'job cancel' ends the job for good (nothing is deleted). A second\n"
	"person checks a submitted data wipe with 'job check-wipe'.\n"
	"Whatever records a person records the one signed in (atelier login NAME): --by and\n"
	"--trainee are optional and, when given, must name that person.\n"
	"Options may come before or after JOB and STEP.\n";

#define CMD "job"

static int job_number(const char *s, long long *id)
{
	if (cli_number(s, id))
		return EXIT_OK;
	return cli_usage_error(CMD, "'%s' is not a job number", s);
}

/* Parse subcommand CMD, whose one positional is JOB, into *ID. */
static int parse_job(const char *cmd, int argc, char **argv, const struct cli_opt *opts,
		     long long *id)
{
	const char *pos[1];
	size_t n;
	int rc = cli_parse(cmd, argc, argv, opts, pos, 1, 1, &n);

	return rc ? rc : job_number(pos[0], id);
}

/* Print a grade view for a person, each line starting with INDENT. */
static void print_grade(const json_t *g, const char *indent)
{
	const json_t *scores = json_object_get(g, "scores"), *v;
	const char *item, *sep = " ";
	char when[32];
	size_t i;

	printf("%sgrade %lld: %s, by %s, %s; ", indent,
	       (long long)json_integer_value(json_object_get(g, "grade")),
	       cli_str(g, "verdict", "?"), cli_str(g, "by", "?"),
	       clock_iso8601(json_integer_value(json_object_get(g, "t_ms")), when, sizeof(when)));
	if (json_is_true(json_object_get(g, "acknowledged")))
		printf("acknowledged by %s, %s\n", cli_str(g, "ack_by", "?"),
		       clock_iso8601(json_integer_value(json_object_get(g, "ack_t_ms")), when,
				     sizeof(when)));
	else
		printf("not acknowledged yet\n");
	if (json_array_size(json_object_get(g, "redo"))) {
		printf("%s  redo:", indent);
		json_array_foreach(json_object_get(g, "redo"), i, v)
			printf("%s%s", i ? ", " : " ", json_string_value(v));
		putchar('\n');
	}
	if (json_object_size(scores)) {
		printf("%s  scores:", indent);
		json_object_foreach((json_t *)scores, item, v) {
			const json_t *max = json_object_get(json_object_get(g, "score_max"), item);

			printf("%s%s %lld", sep, item, (long long)json_integer_value(v));
			if (json_is_integer(max))
				printf("/%lld", (long long)json_integer_value(max));
			sep = ", ";
		}
		putchar('\n');
	}
	printf("%s  feedback: ", indent);
	cli_put_text(stdout, cli_str(g, "feedback", ""));
	putchar('\n');
}

static void print_next(const json_t *next)
{
	if (json_is_object(next))
		printf("next step: %s - %s\n", cli_str(next, "id", "?"), cli_str(next, "title", ""));
}

static void print_started(const json_t *view, const void *ctx)
{
	const json_t *job = json_object_get(view, "job"), *moved, *w;
	size_t i;

	if (json_is_true(json_object_get(view, "resumed")))
		printf("job %lld is still open for this device and checklist: carry on with it\n",
		       (long long)json_integer_value(json_object_get(job, "id")));
	else
		printf("job %lld started: %s v%lld for %s by %s\n",
		       (long long)json_integer_value(json_object_get(job, "id")),
		       cli_str(job, "checklist", "?"),
		       (long long)json_integer_value(json_object_get(job, "checklist_version")),
		       (const char *)ctx, cli_str(job, "trainee", "?"));
	moved = json_object_get(view, "device_moved");
	if (json_is_object(moved))
		printf("device %s: %s -> %s (%s)\n", cli_str(moved, "device", "?"),
		       cli_str(moved, "from", "?"), cli_str(moved, "to", "?"),
		       cli_str(moved, "why", ""));
	json_array_foreach(json_object_get(view, "warnings"), i, w)
		fprintf(stderr, "atelier job: %s\n", json_string_value(w));
	print_next(json_object_get(view, "next_step"));
}

static int cmd_start(struct bench *b, int argc, char **argv)
{
	struct svc_job_start req = { 0 };
	int json = 0, rc;
	const struct cli_opt opts[] = { { "device", 'd', CLI_STRING, &req.device },
					{ "checklist", 'c', CLI_STRING, &req.checklist },
					{ "trainee", 't', CLI_STRING, &req.trainee },
					CLI_JSON(&json), CLI_END };
	json_t *view = NULL;
	size_t n;

	rc = cli_parse("job start", argc, argv, opts, NULL, 0, 0, &n);
	if (rc)
		return rc;
	if (!req.device || !req.checklist)
		return cli_usage_error(CMD, "job start needs --device and --checklist");
	rc = svc_job_start(b, &req, &view);
	return cli_show(CMD, b, rc, view, json, print_started, req.device);
}

/* NAME,ORIGIN,SERIAL[,SUPPLIER] into P, cutting ARG (a copy the caller keeps); the
 * supplier is the rest, commas and all. */
static int parse_part(char *arg, struct svc_part *p)
{
	char *f[4] = { arg, NULL, NULL, NULL };
	size_t n = 1;

	for (char *s = arg; n < 4 && (s = strchr(s, ',')) != NULL; n++) {
		*s++ = '\0';
		f[n] = s;
	}
	if (n < 3 || !*f[0] || !*f[1] || !*f[2])
		return 0;
	p->name = f[0];
	p->origin = f[1];
	p->serial = f[2];
	p->supplier = n > 3 ? f[3] : NULL;
	return 1;
}

static void print_recorded(const json_t *view, const void *ctx)
{
	(void)ctx;
	printf("recorded: job %lld step %s: %s (record %lld%s)\n",
	       (long long)json_integer_value(json_object_get(view, "job")),
	       cli_str(view, "step", "?"), cli_str(view, "result", "?"),
	       (long long)json_integer_value(json_object_get(view, "record")),
	       json_is_true(json_object_get(view, "correction")) ? ", a correction" : "");
	if (json_is_object(json_object_get(view, "quarantined")))
		printf("the device is now in quarantine: %s\n",
		       cli_str(json_object_get(view, "quarantined"), "why", ""));
	if (json_is_string(json_object_get(view, "quarantine_refused")))
		fprintf(stderr, "atelier job: the device could not be set aside in quarantine (%s): "
				"tell your instructor\n",
			cli_str(view, "quarantine_refused", ""));
	if (json_is_true(json_object_get(view, "stopped")))
		printf("this step stops the job: tell your instructor, who decides how to go on "
		       "(atelier job resume or job cancel)\n");
	print_next(json_object_get(view, "next_step"));
}

static int cmd_step(struct bench *b, int argc, char **argv)
{
	struct svc_step req = { 0 };
	struct cli_list parts = { 0 };
	const char *corrects = NULL, *pos[2];
	char *copies[CLI_LIST_MAX] = { NULL };
	int json = 0, rc;
	const struct cli_opt opts[] = { { "result", 'r', CLI_STRING, &req.result },
					{ "value", 0, CLI_STRING, &req.value },
					{ "note", 'n', CLI_STRING, &req.note },
					{ "tester", 0, CLI_STRING, &req.tester },
					{ "part", 'p', CLI_LIST, &parts },
					{ "by", 'b', CLI_STRING, &req.by },
					{ "corrects", 'c', CLI_STRING, &corrects },
					CLI_JSON(&json), CLI_END };
	json_t *view = NULL;
	size_t n;

	rc = cli_parse("job step", argc, argv, opts, pos, 2, 2, &n);
	if (!rc)
		rc = job_number(pos[0], &req.job);
	if (rc)
		return rc;
	req.step = pos[1];
	if (corrects && !cli_number(corrects, &req.corrects))
		return cli_usage_error(CMD, "--corrects takes a record number, not '%s'", corrects);
	if (parts.n > SVC_MAX_PARTS)
		return cli_usage_error(CMD, "at most %d parts in one record", SVC_MAX_PARTS);
	for (size_t i = 0; i < parts.n; i++) {
		copies[i] = strdup(parts.v[i]);
		if (!copies[i] || !parse_part(copies[i], &req.parts[req.n_parts++])) {
			rc = cli_usage_error(CMD,
					     "--part takes NAME,ORIGIN,SERIAL (origin: genuine, "
					     "used-original or aftermarket), not '%s'",
					     parts.v[i]);
			goto out;
		}
	}
	rc = svc_job_step(b, &req, &view);
	if (rc == SVC_EUNDECIDED && !json) {
		/* Not a failure of the trainee's: the bench could not decide; say how to. */
		printf("%s\n", cli_safe(svc_why(b)));
		json_decref(view);
		rc = cli_exit_of(rc);
		goto out;
	}
	rc = cli_show(CMD, b, rc, view, json, print_recorded, NULL);
out:
	for (size_t i = 0; i < CLI_LIST_MAX; i++)
		free(copies[i]);
	return rc;
}

static void print_record(const json_t *r)
{
	const json_t *parts = json_object_get(r, "parts"), *p;
	size_t i;

	printf("  #%-3lld %-28s %-7s %5llds  by %s",
	       (long long)json_integer_value(json_object_get(r, "record")), cli_str(r, "step", "?"),
	       cli_str(r, "result", "?"),
	       (long long)json_integer_value(json_object_get(r, "spent_ms")) / 1000,
	       cli_str(r, "by", "?"));
	if (json_is_string(json_object_get(r, "bench"))) {
		printf(" at ");
		cli_put_text(stdout, cli_str(r, "bench", ""));
	}
	if (json_is_string(json_object_get(r, "value"))) {
		printf("  value ");
		cli_put_text(stdout, cli_str(r, "value", ""));
	}
	if (json_is_string(json_object_get(r, "tester"))) {
		printf("  tester ");
		cli_put_text(stdout, cli_str(r, "tester", ""));
	}
	json_array_foreach(parts, i, p) {
		printf("  part ");
		cli_put_text(stdout, cli_str(p, "name", "?"));
		printf(" (%s", cli_str(p, "origin", cli_str(p, "source", "?")));
		printf(", serial ");
		cli_put_text(stdout, cli_str(p, "serial", "?"));
		putchar(')');
	}
	if (json_is_string(json_object_get(r, "note"))) {
		printf("  note: ");
		cli_put_text(stdout, cli_str(r, "note", ""));
	}
	if (json_is_integer(json_object_get(r, "corrects")))
		printf("  (corrects #%lld)",
		       (long long)json_integer_value(json_object_get(r, "corrects")));
	putchar('\n');
}

static void print_ids(const char *label, const json_t *arr)
{
	size_t i;
	json_t *v;

	if (!json_array_size(arr))
		return;
	printf("  %s:", label);
	json_array_foreach(arr, i, v)
		printf(" %s", json_string_value(v));
	putchar('\n');
}

static void print_job(const json_t *view, const void *ctx)
{
	const json_t *v;
	size_t i;

	(void)ctx;
	printf("job %lld: %s v%lld, trainee %s, %s\n",
	       (long long)json_integer_value(json_object_get(view, "id")),
	       cli_str(view, "checklist", "?"),
	       (long long)json_integer_value(json_object_get(view, "checklist_version")),
	       cli_str(view, "trainee", "?"), cli_str(view, "state", "?"));
	json_array_foreach(json_object_get(view, "records"), i, v)
		print_record(v);
	print_ids("to do", json_object_get(view, "steps_to_do"));
	print_ids("to redo", json_object_get(view, "steps_to_redo"));
	print_ids("not for this device", json_object_get(view, "steps_not_applicable"));
	v = json_object_get(view, "stopped_by");
	if (json_is_object(v))
		printf("  stopped: step %s failed (record %lld); an instructor decides how to go on\n",
		       cli_str(v, "step", "?"), (long long)json_integer_value(json_object_get(v, "record")));
	v = json_object_get(view, "cancelled");
	if (json_is_object(v)) {
		printf("  cancelled by %s: ", cli_str(v, "by", "?"));
		cli_put_text(stdout, cli_str(v, "why", ""));
		putchar('\n');
	}
	v = json_object_get(view, "wipe_check");
	if (json_is_object(v)) {
		printf("  data wipe checked by %s: %s (", cli_str(v, "by", "?"), cli_str(v, "result", "?"));
		cli_put_text(stdout, cli_str(v, "note", ""));
		printf(")\n");
	}
	json_array_foreach(json_object_get(view, "grades"), i, v)
		print_grade(v, "  ");
}

static int cmd_show(struct bench *b, int argc, char **argv)
{
	int json = 0, rc;
	const struct cli_opt opts[] = { CLI_JSON(&json), CLI_END };
	json_t *view = NULL;
	long long id;

	rc = parse_job("job show", argc, argv, opts, &id);
	if (rc)
		return rc;
	rc = svc_job_show(b, id, &view);
	return cli_show(CMD, b, rc, view, json, print_job, NULL);
}

static void print_submitted(const json_t *view, const void *ctx)
{
	long long id = json_integer_value(json_object_get(view, "job"));

	(void)ctx;
	printf("job %lld submitted for grading\n", id);
	if (json_is_true(json_object_get(view, "wipe_check_needed")))
		printf("an instructor checks this data wipe as the second person (atelier job "
		       "check-wipe %lld)\n",
		       id);
	if (json_is_true(json_object_get(view, "pairing_removed")))
		printf("this computer's pairing with the device is removed\n");
}

static int cmd_submit(struct bench *b, int argc, char **argv)
{
	int json = 0, rc;
	const struct cli_opt opts[] = { CLI_JSON(&json), CLI_END };
	json_t *view = NULL, *v;
	long long id;
	size_t i;

	rc = parse_job("job submit", argc, argv, opts, &id);
	if (rc)
		return rc;
	rc = svc_job_submit(b, id, &view);
	if (rc && view && !json) {
		/* Every reason it cannot be submitted yet, one per line. */
		json_array_foreach(json_object_get(view, "missing"), i, v)
			fprintf(stderr, "atelier job: %s\n", cli_safe(json_string_value(v)));
		json_decref(view);
		return cli_exit_of(rc);
	}
	return cli_show(CMD, b, rc, view, json, print_submitted, NULL);
}

static void print_jobs(const json_t *view, const void *ctx)
{
	json_t *j;
	size_t i;

	(void)ctx;
	json_array_foreach(view, i, j) {
		const json_t *verdict = json_object_get(j, "verdict");

		printf("job %-5lld device %-5lld %-28s v%-3lld %-10s %-16s %s\n",
		       (long long)json_integer_value(json_object_get(j, "id")),
		       (long long)json_integer_value(json_object_get(j, "device")),
		       cli_str(j, "checklist", "?"),
		       (long long)json_integer_value(json_object_get(j, "checklist_version")),
		       cli_str(j, "stage", "?"), cli_str(j, "trainee", "?"),
		       json_is_string(verdict) ? json_string_value(verdict) : "not graded");
	}
	if (json_array_size(view) == 0)
		puts("no job");
}

static int cmd_list(struct bench *b, int argc, char **argv)
{
	struct svc_job_filter f = { 0 };
	int json = 0, rc;
	const struct cli_opt opts[] = { { "device", 'd', CLI_STRING, &f.device },
					{ "trainee", 't', CLI_STRING, &f.trainee },
					{ "state", 's', CLI_STRING, &f.state }, CLI_JSON(&json),
					CLI_END };
	json_t *view = NULL;
	size_t n;

	rc = cli_parse("job list", argc, argv, opts, NULL, 0, 0, &n);
	if (rc)
		return rc;
	if (json) { /* written as read: 50,000 jobs in the memory of one */
		struct cli_stream s = { 0 };

		return cli_stream_end(CMD, b, svc_job_each(b, &f, cli_stream_row, &s), &s);
	}
	rc = svc_job_list(b, &f, &view);
	return cli_show(CMD, b, rc, view, json, print_jobs, NULL);
}

/* "3 min", "2 h 05 min", "4 days 3 h": how long MS is, in the largest units. */
static void waiting_text(long long ms, char *out, size_t size)
{
	long long min = ms / 60000, h = min / 60, d = h / 24;

	if (d > 0)
		snprintf(out, size, "%lld day%s %lld h", d, d == 1 ? "" : "s", h % 24);
	else if (h > 0)
		snprintf(out, size, "%lld h %02lld min", h, min % 60);
	else
		snprintf(out, size, "%lld min", min);
}

static void print_queue(const json_t *view, const void *ctx)
{
	char waited[48];
	json_t *j;
	size_t i;

	(void)ctx;
	json_array_foreach(view, i, j) {
		const json_t *name = json_object_get(j, "device_name");
		char device[96];

		if (json_is_string(name))
			snprintf(device, sizeof(device), "%s (device %lld)", json_string_value(name),
				 (long long)json_integer_value(json_object_get(j, "device")));
		else
			snprintf(device, sizeof(device), "device %lld",
				 (long long)json_integer_value(json_object_get(j, "device")));
		waiting_text(json_integer_value(json_object_get(j, "waiting_ms")), waited,
			     sizeof(waited));
		printf("job %-5lld %-16s %-28s %-32s waiting %s\n",
		       (long long)json_integer_value(json_object_get(j, "id")),
		       cli_str(j, "trainee", "?"), cli_str(j, "checklist_title", cli_str(j, "checklist", "?")),
		       cli_safe(device), waited);
	}
	if (json_array_size(view) == 0)
		puts("no job waits for a grade");
}

/* One job of the overview: "job 12 nadia  Intake  iPhone 13 (device 3)  step 4 of 12
 * 'Check the screen' for 5 min", then a line per alert. */
static void print_overview_job(const json_t *j, long long now)
{
	const json_t *step = json_object_get(j, "step"), *slow = json_object_get(j, "slow_at_ms");
	const json_t *name = json_object_get(j, "device_name"), *a;
	long long last = json_integer_value(json_object_get(j, "last_ms"));
	char device[96], since[48], where[200];
	size_t i;

	if (json_is_string(name))
		snprintf(device, sizeof(device), "%s (device %lld)", json_string_value(name),
			 (long long)json_integer_value(json_object_get(j, "device")));
	else
		snprintf(device, sizeof(device), "device %lld",
			 (long long)json_integer_value(json_object_get(j, "device")));
	waiting_text(now > last ? now - last : 0, since, sizeof(since));
	if (json_is_object(step))
		snprintf(where, sizeof(where), "step %lld of %lld '%s' for %s",
			 (long long)json_integer_value(json_object_get(step, "number")),
			 (long long)json_integer_value(json_object_get(j, "steps")),
			 cli_safe(cli_str(step, "title", "?")), since);
	else
		snprintf(where, sizeof(where), "every step done, not submitted (%s)", since);
	printf("job %-5lld %-16s %-28s %-32s %s\n",
	       (long long)json_integer_value(json_object_get(j, "id")), cli_str(j, "trainee", "?"),
	       cli_safe(cli_str(j, "checklist_title", cli_str(j, "checklist", "?"))),
	       cli_safe(device), where);
	json_array_foreach(json_object_get(j, "alerts"), i, a)
		printf("    ! step '%s' failed: %s\n", cli_safe(cli_str(a, "title", "?")),
		       strcmp(cli_str(a, "kind", ""), "quarantine") == 0
			       ? "the device is in quarantine"
			       : "the job is stopped until an instructor resumes or cancels it");
	if (json_is_integer(slow) && now >= json_integer_value(slow))
		printf("    ! far over the time this step should take\n");
}

static void print_overview(const json_t *view, const void *ctx)
{
	const json_t *jobs = json_object_get(view, "jobs"), *j;
	long long now = clock_wall_ms();
	size_t i;

	(void)ctx;
	json_array_foreach(jobs, i, j)
		print_overview_job(j, now);
	if (json_array_size(jobs) == 0)
		puts("no job in work");
}

static int cmd_overview(struct bench *b, int argc, char **argv)
{
	const char *lang = "en";
	int json = 0, rc;
	const struct cli_opt opts[] = { { "lang", 0, CLI_STRING, &lang }, CLI_JSON(&json),
					CLI_END };
	json_t *view = NULL;
	size_t n;

	rc = cli_parse("job overview", argc, argv, opts, NULL, 0, 0, &n);
	if (rc)
		return rc;
	if (!checklist_lang_known(lang))
		return cli_usage_error("job overview", "--lang is en, fr or nl");
	rc = svc_job_overview(b, lang, &view);
	return cli_show(CMD, b, rc, view, json, print_overview, NULL);
}

static int cmd_queue(struct bench *b, int argc, char **argv)
{
	const char *lang = "en";
	int json = 0, rc;
	const struct cli_opt opts[] = { { "lang", 0, CLI_STRING, &lang }, CLI_JSON(&json),
					CLI_END };
	json_t *view = NULL;
	size_t n;

	rc = cli_parse("job queue", argc, argv, opts, NULL, 0, 0, &n);
	if (rc)
		return rc;
	if (!checklist_lang_known(lang))
		return cli_usage_error("job queue", "--lang is en, fr or nl");
	rc = svc_job_queue(b, lang, &view);
	return cli_show(CMD, b, rc, view, json, print_queue, NULL);
}

static void print_verified(const json_t *view, const void *ctx)
{
	(void)ctx;
	printf("job %lld: every record matches its chain\n",
	       (long long)json_integer_value(json_object_get(view, "job")));
}

static int cmd_verify(struct bench *b, int argc, char **argv)
{
	json_t *view = NULL;
	long long id;
	int rc;

	rc = parse_job("job verify", argc, argv, NULL, &id);
	if (rc)
		return rc;
	rc = svc_job_verify(b, id, &view);
	return cli_show(CMD, b, rc, view, 0, print_verified, NULL);
}

/* The comma-separated step ids of ARG into the JSON array REDO, each once. */
static int add_redo_steps(json_t *redo, const char *arg)
{
	const char *p = arg;

	for (;;) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		int seen = 0;
		size_t i;
		json_t *v;

		if (len == 0 || len > 64 || json_array_size(redo) >= 200)
			return 0;
		json_array_foreach(redo, i, v)
			seen |= strlen(json_string_value(v)) == len &&
				strncmp(json_string_value(v), p, len) == 0;
		if (!seen)
			json_array_append_new(redo, json_stringn(p, len));
		if (!comma)
			return 1;
		p = comma + 1;
	}
}

/* ITEM=N of ARG into the JSON object SCORES; 0 when not of that form or ITEM is there. */
static int add_score(json_t *scores, const char *arg)
{
	const char *eq = strchr(arg, '=');
	char item[65];
	size_t len;
	long long n;

	if (!eq || eq == arg || (len = (size_t)(eq - arg)) >= sizeof(item))
		return 0;
	memcpy(item, arg, len);
	item[len] = '\0';
	if (number_whole(eq + 1, -1000, 1000, &n) != NUMBER_OK || json_object_get(scores, item))
		return 0;
	json_object_set_new(scores, item, json_integer(n));
	return 1;
}

static void print_graded(const json_t *view, const void *ctx)
{
	const json_t *gr = json_object_get(view, "grade");
	long long id = json_integer_value(json_object_get(view, "job"));
	const char *trainee = cli_str(view, "trainee", "?");

	(void)ctx;
	printf("job %lld graded: %s\n", id, cli_str(gr, "verdict", "?"));
	print_grade(gr, "  ");
	if (json_is_true(json_object_get(view, "reopened")))
		printf("job %lld is open again for %s: only the steps to redo can be recorded, "
		       "then it is submitted again\n",
		       id, trainee);
	printf("%s reads it with 'atelier job show %lld' and acknowledges it with 'atelier job "
	       "ack %lld --by %s'\n",
	       trainee, id, id, trainee);
}

static int cmd_grade(struct bench *b, int argc, char **argv)
{
	struct svc_grade req = { 0 };
	struct cli_list redo = { 0 }, scores = { 0 };
	int json = 0, rc;
	const struct cli_opt opts[] = { { "verdict", 0, CLI_STRING, &req.verdict },
					{ "redo", 'r', CLI_LIST, &redo },
					{ "score", 's', CLI_LIST, &scores },
					{ "feedback", 'f', CLI_STRING, &req.feedback },
					{ "by", 'b', CLI_STRING, &req.by }, CLI_JSON(&json), CLI_END };
	json_t *view = NULL;

	req.redo = json_array();
	req.scores = json_object();
	rc = parse_job("job grade", argc, argv, opts, &req.job);
	if (rc)
		goto out;
	for (size_t i = 0; i < redo.n; i++) {
		if (!add_redo_steps(req.redo, redo.v[i])) {
			rc = cli_usage_error(CMD, "--redo takes step ids separated by commas, not '%s'",
					     redo.v[i]);
			goto out;
		}
	}
	for (size_t i = 0; i < scores.n; i++) {
		if (!add_score(req.scores, scores.v[i])) {
			rc = cli_usage_error(CMD,
					     "--score takes ITEM=N (a whole number), once per item, "
					     "not '%s'",
					     scores.v[i]);
			goto out;
		}
	}
	if (!req.verdict || !req.feedback) {
		rc = cli_usage_error(CMD, "job grade needs --verdict approved|redo and --feedback "
					  "TEXT");
		goto out;
	}
	rc = svc_job_grade(b, &req, &view);
	rc = cli_show(CMD, b, rc, view, json, print_graded, NULL);
out:
	json_decref(req.redo);
	json_decref(req.scores);
	return rc;
}

static void print_acked(const json_t *view, const void *ctx)
{
	const json_t *gr = json_object_get(view, "grade");
	long long id = json_integer_value(json_object_get(view, "job"));

	(void)ctx;
	printf("job %lld, %s v%lld: %s\n", id, cli_str(view, "checklist", "?"),
	       (long long)json_integer_value(json_object_get(view, "checklist_version")),
	       cli_str(gr, "verdict", "?"));
	print_grade(gr, "  ");
	if (json_is_true(json_object_get(view, "already")))
		printf("already acknowledged: nothing changed\n");
	else
		printf("acknowledged by %s\n", cli_str(gr, "ack_by", "?"));
	if (strcmp(cli_str(gr, "verdict", ""), "redo") == 0 &&
	    strcmp(cli_str(view, "state", ""), "open") == 0)
		printf("next: record the steps to redo (atelier job step %lld STEP), then submit "
		       "again (atelier job submit %lld)\n",
		       id, id);
}

static int cmd_ack(struct bench *b, int argc, char **argv)
{
	const char *by = NULL;
	int json = 0, rc;
	const struct cli_opt opts[] = { { "by", 'b', CLI_STRING, &by }, CLI_JSON(&json), CLI_END };
	json_t *view = NULL;
	long long id;

	rc = parse_job("job ack", argc, argv, opts, &id);
	if (rc)
		return rc;
	rc = svc_job_ack(b, id, by, &view);
	return cli_show(CMD, b, rc, view, json, print_acked, NULL);
}

static void print_decided(const json_t *view, const void *ctx)
{
	long long id = json_integer_value(json_object_get(view, "job"));

	(void)ctx;
	if (json_is_string(json_object_get(view, "step")))
		printf("job %lld goes on after step %s (record %lld), by %s: ", id,
		       cli_str(view, "step", "?"),
		       (long long)json_integer_value(json_object_get(view, "record")),
		       cli_str(view, "by", "?"));
	else
		printf("job %lld cancelled by %s: ", id, cli_str(view, "by", "?"));
	cli_put_text(stdout, cli_str(view, "why", ""));
	putchar('\n');
}

/* cancel and resume: an instructor's decision, with its reason. */
static int decide(struct bench *b, int argc, char **argv, const char *cmd,
		  enum svc_err (*fn)(struct bench *, long long, const char *, const char *,
				     json_t **))
{
	const char *by = NULL, *why = NULL;
	int json = 0, rc;
	const struct cli_opt opts[] = { { "by", 'b', CLI_STRING, &by },
					{ "why", 'w', CLI_STRING, &why }, CLI_JSON(&json), CLI_END };
	json_t *view = NULL;
	long long id;

	rc = parse_job(cmd, argc, argv, opts, &id);
	if (rc)
		return rc;
	if (!why)
		return cli_usage_error(CMD, "%s needs --why TEXT", cmd);
	rc = fn(b, id, by, why, &view);
	return cli_show(CMD, b, rc, view, json, print_decided, NULL);
}

static int cmd_cancel(struct bench *b, int argc, char **argv)
{
	return decide(b, argc, argv, "job cancel", svc_job_cancel);
}

static int cmd_resume(struct bench *b, int argc, char **argv)
{
	return decide(b, argc, argv, "job resume", svc_job_resume);
}

static void print_wipe_checked(const json_t *view, const void *ctx)
{
	(void)ctx;
	printf("data wipe of job %lld checked by %s: %s (",
	       (long long)json_integer_value(json_object_get(view, "job")), cli_str(view, "by", "?"),
	       cli_str(view, "result", "?"));
	cli_put_text(stdout, cli_str(view, "note", ""));
	printf(")\n");
}

static int cmd_check_wipe(struct bench *b, int argc, char **argv)
{
	const char *by = NULL, *result = NULL, *note = NULL;
	int json = 0, rc;
	const struct cli_opt opts[] = { { "by", 'b', CLI_STRING, &by },
					{ "result", 'r', CLI_STRING, &result },
					{ "note", 'n', CLI_STRING, &note }, CLI_JSON(&json), CLI_END };
	json_t *view = NULL;
	long long id;

	rc = parse_job("job check-wipe", argc, argv, opts, &id);
	if (rc)
		return rc;
	if (!result || !note)
		return cli_usage_error(CMD, "job check-wipe needs --result pass|fail and --note "
					    "TEXT");
	rc = svc_job_check_wipe(b, id, by, result, note, &view);
	return cli_show(CMD, b, rc, view, json, print_wipe_checked, NULL);
}

int cli_cmd_job(const struct cli_global *g, int argc, char **argv)
{
	static const struct cli_sub subs[] = {
		{ "start", cmd_start, SVC_OPEN_STORE | SVC_OPEN_REMOTE, NULL },
		{ "step", cmd_step, SVC_OPEN_STORE | SVC_OPEN_REMOTE, NULL },
		{ "show", cmd_show, SVC_OPEN_STORE | SVC_OPEN_REMOTE, NULL },
		{ "submit", cmd_submit, SVC_OPEN_STORE | SVC_OPEN_REMOTE, NULL },
		{ "list", cmd_list, SVC_OPEN_STORE | SVC_OPEN_REMOTE, NULL },
		{ "queue", cmd_queue, SVC_OPEN_STORE | SVC_OPEN_REMOTE, NULL },
		{ "overview", cmd_overview, SVC_OPEN_STORE | SVC_OPEN_REMOTE, NULL },
		{ "verify", cmd_verify, SVC_OPEN_STORE, NULL },
		{ "grade", cmd_grade, SVC_OPEN_STORE | SVC_OPEN_REMOTE, NULL },
		{ "ack", cmd_ack, SVC_OPEN_STORE | SVC_OPEN_REMOTE, NULL },
		{ "cancel", cmd_cancel, SVC_OPEN_STORE, NULL },
		{ "resume", cmd_resume, SVC_OPEN_STORE, NULL },
		{ "check-wipe", cmd_check_wipe, SVC_OPEN_STORE, NULL },
		{ NULL, NULL, 0, NULL },
	};

	return cli_run_sub(g, CMD, job_usage, subs, argc, argv);
}
