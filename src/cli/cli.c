#include "cli/cli.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "probe/facts.h"
#include "util/number.h"
#include "util/log.h"
#include "util/secret.h"
#include "util/sessfile.h"

const struct cli_command cli_commands[] = {
	{ "init", cli_cmd_init, "create the data directory, the database and its schema" },
	{ "db", cli_cmd_db, "check the database (db check) or back it up (db backup FILE)" },
	{ "devices", cli_cmd_devices, "list the phones and tablets attached now" },
	{ "watch", cli_cmd_watch, "print each phone or tablet as it arrives and leaves" },
	{ "probe", cli_cmd_probe, "read the facts of each attached phone or tablet" },
	{ "probe-worker", cli_cmd_probe_worker, NULL },
	{ "checklist", cli_cmd_checklist, "lint, list and show the repair checklists" },
	{ "user", cli_cmd_user, "add, list, disable the workshop's accounts" },
	{ "job", cli_cmd_job, "a trainee's work on a device: start, step, show, submit, grade" },
	{ "trainee", cli_cmd_trainee, "a trainee's training: what she may start, sign-offs" },
	{ "report", cli_cmd_report, "reports: training figures, a batch's donor erasure report" },
	{ "device", cli_cmd_device, "the devices known, their state and its history, sales" },
	{ "intake", cli_cmd_intake, "intake batches from donors and the devices in each" },
	{ "certify", cli_cmd_certify, "check a device against the policy and sign its certificate" },
	{ "certificate", cli_cmd_certificate, "list, show and export (PDF, JSON) certificates" },
	{ "label", cli_cmd_label, "a device's label or intake label (PDF, PNG), printed through CUPS" },
	{ "verify", cli_cmd_verify, "check a certificate (JSON file or QR text) offline" },
	{ "key", cli_cmd_key, "print the workshop's public key (key public)" },
	{ "models", cli_cmd_models, "refresh the names of Android models (models import FILE)" },
	{ "login", cli_cmd_login, "sign in at this bench (atelier login NAME)" },
	{ "logout", cli_cmd_logout, "sign out" },
	{ "whoami", cli_cmd_whoami, "say who is signed in" },
	{ "audit", cli_cmd_audit, "the audit log: sign-ins, refusals, account changes" },
	{ "serve", cli_cmd_serve, "the bench on screen: an HTTP server and its JSON API" },
	{ NULL, NULL, NULL },
};

void cli_usage(FILE *out)
{
	fprintf(out, "usage: atelier [--data DIR] [--db URL] [-v] COMMAND [ARGS]\n"
		     "       atelier --version | --help\n\n"
		     "commands:\n");
	for (const struct cli_command *c = cli_commands; c->name; c++)
		if (c->summary)
			fprintf(out, "  %-12s %s\n", c->name, c->summary);
	fprintf(out, "\noptions:\n"
		     "  --data DIR   data directory (default: $ATELIER_DATA, else\n"
		     "               $XDG_DATA_HOME/atelier, else ~/.local/share/atelier)\n"
		     "  --db URL     the records on a PostgreSQL server (postgresql://...;\n"
		     "               default: $ATELIER_DB, else db: in DIR/atelier.conf,\n"
		     "               else DIR/atelier.db)\n"
		     "  -v, --verbose  say more on standard error\n"
		     "  --version    print the version\n\n"
		     "Options go before or after a command's arguments. Most have a one-letter\n"
		     "form, their initial: -j is --json, -b is --by ('man atelier' lists them).\n"
		     "'atelier COMMAND --help' explains a command; 'man atelier' lists exit codes.\n");
}

int cli_exit_of(enum svc_err err)
{
	switch (err) {
	case SVC_OK:
		return EXIT_OK;
	case SVC_ENODEVICE:
		return EXIT_NO_DEVICE;
	case SVC_EUNMET:
		return EXIT_POLICY_UNMET;
	case SVC_EDEVICE:
	case SVC_EUNDECIDED:
		return EXIT_PROBE_INCOMPLETE;
	case SVC_ENODATA:
		return EXIT_NO_DATA;
	case SVC_EREFUSED:
		return EXIT_DB_REFUSED;
	case SVC_EREMOVED:
		return EXIT_RECORDS_REMOVED;
	case SVC_ENOTVALID:
		return EXIT_NOT_VALID;
	case SVC_ENOUSB:
		return EXIT_NO_USB;
	case SVC_EINVAL:
		return EXIT_USAGE;
	case SVC_EAUTH:
		return EXIT_NO_SESSION;
	case SVC_ENOENT:
	case SVC_EDENIED:
	case SVC_ESTATE:
	case SVC_EIO:
		break;
	}
	return EXIT_FAILURE_OTHER;
}

/* Write "atelier CMD: " and the message of FMT to standard error, its control
 * characters shown as '?': a reason may quote a file name, a step id or an argument. A
 * reason of several lines (db check's findings) keeps them, each indented, so that no
 * line of it can pass for a message of its own. */
static void say(const char *cmd, const char *fmt, va_list ap)
{
	char *msg = NULL, *clean;

	fprintf(stderr, "atelier %s: ", cmd);
	if (vasprintf(&msg, fmt, ap) < 0) {
		fputs("(out of memory)", stderr);
		return;
	}
	clean = cli_escape(msg, 1);
	for (const char *p = clean; p && *p; p++) {
		fputc(*p, stderr);
		if (*p == '\n' && p[1])
			fputs("  ", stderr);
	}
	free(clean);
	free(msg);
}

int cli_fail(const char *cmd, int rc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	say(cmd, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return rc;
}

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;
	char first[64];

	va_start(ap, fmt);
	say(cmd, fmt, ap);
	va_end(ap);
	/* "job step" -> try 'atelier job --help' */
	snprintf(first, sizeof(first), "%.*s", (int)strcspn(cmd, " "), cmd);
	fprintf(stderr, "\ntry 'atelier %s --help'\n", first);
	return EXIT_USAGE;
}

int cli_report(const char *cmd, struct bench *b, enum svc_err err)
{
	return cli_fail(cmd, cli_exit_of(err), "%s", b && svc_why(b)[0] ? svc_why(b)
									 : svc_strerror(err));
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

static const struct cli_opt *find_long(const struct cli_opt *opts, const char *name, size_t len)
{
	for (const struct cli_opt *o = opts; o && o->name; o++)
		if (strlen(o->name) == len && strncmp(o->name, name, len) == 0)
			return o;
	return NULL;
}

static const struct cli_opt *find_short(const struct cli_opt *opts, char c)
{
	for (const struct cli_opt *o = opts; o && o->name; o++)
		if (o->short_name && o->short_name == c)
			return o;
	return NULL;
}

/* Give VALUE to option O; EXIT_USAGE when it cannot take it. */
static int take(const char *cmd, const struct cli_opt *o, const char *value)
{
	struct cli_list *l;

	switch (o->kind) {
	case CLI_FLAG:
		*(int *)o->dest = 1;
		return EXIT_OK;
	case CLI_STRING:
		*(const char **)o->dest = value;
		return EXIT_OK;
	case CLI_LIST:
		l = o->dest;
		if (l->n >= CLI_LIST_MAX)
			return cli_usage_error(cmd, "--%s is given more than %d times", o->name,
					       CLI_LIST_MAX);
		l->v[l->n++] = value;
		return EXIT_OK;
	}
	return EXIT_USAGE;
}

int cli_parse(const char *cmd, int argc, char **argv, const struct cli_opt *opts, const char **pos,
	      size_t min, size_t max, size_t *n)
{
	int options = 1;

	*n = 0;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const struct cli_opt *o = NULL;
		const char *value = NULL;

		if (options && strcmp(a, "--") == 0) {
			options = 0;
			continue;
		}
		if (options && a[0] == '-' && a[1] == '-') {
			const char *eq = strchr(a + 2, '=');

			o = find_long(opts, a + 2, eq ? (size_t)(eq - a - 2) : strlen(a + 2));
			if (!o)
				return cli_usage_error(cmd, "unknown option '%s'", a);
			if (eq && o->kind == CLI_FLAG)
				return cli_usage_error(cmd, "--%s takes no value", o->name);
			value = eq ? eq + 1 : NULL;
		} else if (options && a[0] == '-' && a[1] && a[2] == '\0') {
			o = find_short(opts, a[1]);
			if (!o)
				return cli_usage_error(cmd, "unknown option '%s'", a);
		}
		if (!o) {
			if (*n >= max)
				return cli_usage_error(cmd, "unexpected argument '%s'", a);
			pos[(*n)++] = a;
			continue;
		}
		if (o->kind != CLI_FLAG && !value) {
			if (i + 1 >= argc)
				return cli_usage_error(cmd, "--%s needs a value", o->name);
			value = argv[++i];
		}
		if (take(cmd, o, value) != EXIT_OK)
			return EXIT_USAGE;
	}
	if (*n < min)
		return cli_usage_error(cmd, "missing argument%s", min - *n > 1 ? "s" : "");
	return EXIT_OK;
}

/* The session kept in this person's runtime directory for B's data directory, if any:
 * B is then signed in. A session that cannot be resumed leaves B signed out, with the
 * reason for svc_actor() to give. */
static void resume_session(struct bench *b)
{
	char path[PATH_MAX], token[SECRET_TOKEN_HEX], why[512];

	if ((!svc_store(b) && !svc_remote(b)) ||
	    sessfile_path(svc_dir(b), 0, path, why, sizeof(why)) != SESSFILE_OK)
		return;
	if (sessfile_read(path, token, why, sizeof(why)) == SESSFILE_OK &&
	    svc_session_resume(b, token) != SVC_OK)
		log_msg(LOG_DEBUG, "session: %s", svc_why(b));
	secret_wipe(token, sizeof(token));
}

int cli_secret(const char *cmd, const struct cli_secret_src *src, const char *prompt,
	       int confirm, char *out, size_t size)
{
	enum secret_err err;
	long long fd = 0;

	if (src->fd && src->file)
		return cli_usage_error(cmd, "give the secret one way: --secret-fd or --secret-file");
	if (src->fd) {
		if (number_whole(src->fd, 0, 1024, &fd) != NUMBER_OK)
			return cli_usage_error(cmd, "--secret-fd takes a descriptor number, not '%s'",
					       src->fd);
		err = secret_read_fd((int)fd, out, size);
	} else if (src->file) {
		err = secret_read_file(src->file, out, size);
	} else {
		err = secret_read_tty(prompt, confirm, out, size);
	}
	if (err == SECRET_EIO)
		return cli_fail(cmd, EXIT_FAILURE_OTHER, "cannot read the secret from %s: %s",
				src->file ? src->file : src->fd ? "the descriptor" : "the terminal",
				strerror(errno));
	if (err)
		return cli_fail(cmd, err == SECRET_ENOTTY ? EXIT_USAGE : EXIT_FAILURE_OTHER, "%s",
				secret_strerror(err));
	return EXIT_OK;
}

/* Open the context SUB asks for and run it. */
static int run_opened(const struct cli_global *g, const char *cmd, const struct cli_sub *sub,
		      int argc, char **argv)
{
	struct bench *b = NULL;
	char why[1024];
	enum svc_err err;
	int rc;

	err = svc_open(g->data_opt, sub->open ? sub->open : SVC_OPEN_DIR, &b, why, sizeof(why));
	if (err)
		return cli_fail(cmd, cli_exit_of(err), "%s", why);
	resume_session(b);
	rc = sub->run(b, argc, argv);
	svc_close(b);
	return rc;
}

int cli_run_sub(const struct cli_global *g, const char *cmd, const char *usage,
		const struct cli_sub *subs, int argc, char **argv)
{
	const struct cli_sub *sub = NULL;
	char names[256] = "";
	size_t count = 0;

	for (const struct cli_sub *s = subs; s->name; s++) {
		count++;
		if (argc >= 2 && strcmp(argv[1], s->name) == 0)
			sub = s;
	}
	if (cli_wants_help(argc, argv, sub && sub->usage ? sub->usage : usage))
		return EXIT_OK;
	for (size_t i = 0; i < count; i++) {
		size_t used = strlen(names);

		snprintf(names + used, sizeof(names) - used, "%s%s",
			 i == 0 ? "" : i + 1 == count ? " or " : ", ", subs[i].name);
	}
	if (argc < 2)
		return cli_usage_error(cmd, "missing subcommand: %s", names);
	if (!sub)
		return cli_usage_error(cmd, "unknown subcommand '%s' (%s)", argv[1], names);
	return run_opened(g, cmd, sub, argc - 1, argv + 1);
}

int cli_run_one(const struct cli_global *g, const struct cli_sub *one, int argc, char **argv)
{
	if (cli_wants_help(argc, argv, one->usage))
		return EXIT_OK;
	return run_opened(g, one->name, one, argc, argv);
}

int cli_print_json(json_t *view)
{
	int bad = json_dumpf(view, stdout, JSON_INDENT(2) | FACTS_JSON_FLAGS) != 0;

	json_decref(view);
	bad |= putchar('\n') == EOF || fflush(stdout) != 0;
	return bad ? EXIT_FAILURE_OTHER : EXIT_OK;
}

int cli_stream_row(json_t *row, void *arg)
{
	struct cli_stream *s = arg;

	char buf[8192];
	size_t n = json_dumpb(row, buf, sizeof(buf), JSON_COMPACT | FACTS_JSON_FLAGS);

	fputs(s->rows++ ? ",\n  " : "[\n  ", stdout);
	/* one write of the whole row (jansson writes a stream piece by piece) */
	if (n > 0 && n <= sizeof(buf))
		fwrite(buf, 1, n, stdout);
	else if (json_dumpf(row, stdout, JSON_COMPACT | FACTS_JSON_FLAGS) != 0)
		return -1;
	return ferror(stdout) ? -1 : 0;
}

int cli_stream_end(const char *cmd, struct bench *b, enum svc_err err, struct cli_stream *s)
{
	if (err) {
		if (s->rows)
			putchar('\n'); /* what was written is cut short: the status says so */
		return cli_report(cmd, b, err);
	}
	fputs(s->rows ? "\n]\n" : "[]\n", stdout);
	return fflush(stdout) == 0 && !ferror(stdout) ? EXIT_OK : EXIT_FAILURE_OTHER;
}

int cli_show(const char *cmd, struct bench *b, enum svc_err err, json_t *view, int json,
	     cli_printer print, const void *ctx)
{
	if (err && json && view) {
		/* A refusal that comes with a view (what is missing, what could not be
		 * decided): the reason on standard error, the view for the script. */
		cli_report(cmd, b, err);
		cli_print_json(view);
		return cli_exit_of(err);
	}
	if (err) {
		json_decref(view);
		return cli_report(cmd, b, err);
	}
	if (json)
		return cli_print_json(view);
	if (print) {
		json_t *clean = cli_clean_view(view);

		print(clean, ctx);
		json_decref(clean);
	}
	json_decref(view);
	return fflush(stdout) == 0 ? EXIT_OK : EXIT_FAILURE_OTHER;
}

int cli_number(const char *s, long long *out)
{
	return number_whole(s, 1, LLONG_MAX, out) == NUMBER_OK;
}

const char *cli_str(const json_t *o, const char *key, const char *dflt)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s ? s : dflt;
}

/* The length of the control character at P (C0, DEL, or a C1 in UTF-8: 0xC2 followed
 * by 0x80..0x9F, U+0080..U+009F), or 0 when P is not one. A newline counts only when
 * KEEP_NL is 0. */
static size_t control_at(const unsigned char *p, int keep_nl)
{
	if (p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f)
		return 2;
	if ((p[0] < 0x20 && !(keep_nl && p[0] == '\n')) || p[0] == 0x7f)
		return 1;
	return 0;
}

char *cli_escape(const char *s, int keep_nl)
{
	char *out, *o;

	if (!s)
		return NULL;
	out = o = strdup(s);
	if (!out)
		return NULL;
	for (const unsigned char *p = (const unsigned char *)s; *p;) {
		size_t c = control_at(p, keep_nl);

		*o++ = c ? '?' : (char)*p;
		p += c ? c : 1;
	}
	*o = '\0';
	return out;
}

static void put_escaped(FILE *out, const char *s, int keep_nl)
{
	char *e = cli_escape(s, keep_nl);

	if (e)
		fputs(e, out);
	free(e);
}

void cli_put_text(FILE *out, const char *s)
{
	put_escaped(out, s, 0);
}

const char *cli_safe(const char *s)
{
	/* A few at a time in one printf; each slot is freed when it is used again. */
	static char *ring[16];
	static size_t next;
	char *e;

	if (!s)
		return NULL;
	e = cli_escape(s, 0);
	if (!e)
		return "?";
	free(ring[next]);
	ring[next] = e;
	next = (next + 1) % (sizeof(ring) / sizeof(ring[0]));
	return e;
}

json_t *cli_clean_view(const json_t *view)
{
	json_t *out, *v;
	const char *key;
	size_t i;
	char *e;

	if (!view)
		return NULL;
	switch (json_typeof(view)) {
	case JSON_STRING:
		e = cli_escape(json_string_value(view), 0);
		out = e ? json_string(e) : json_string("?");
		free(e);
		return out;
	case JSON_OBJECT:
		out = json_object();
		json_object_foreach((json_t *)view, key, v) {
			e = cli_escape(key, 0);
			json_object_set_new(out, e ? e : "?", cli_clean_view(v));
			free(e);
		}
		return out;
	case JSON_ARRAY:
		out = json_array();
		json_array_foreach(view, i, v)
			json_array_append_new(out, cli_clean_view(v));
		return out;
	default:
		return json_copy((json_t *)view);
	}
}
