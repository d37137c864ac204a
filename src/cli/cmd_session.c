/* atelier login NAME, logout, whoami, audit: who is at the bench, and what was done */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "util/clock.h"
#include "util/secret.h"
#include "util/sessfile.h"

static const char login_usage[] =
	"usage: atelier [--data DIR] login NAME [--secret-fd N | --secret-file FILE] [--json]\n"
	"Sign NAME in at this bench: the secret (a password, or a trainee's PIN) is asked on\n"
	"the terminal, or read as the first line of descriptor N or of FILE; never on the\n"
	"command line. The session is kept in $XDG_RUNTIME_DIR/atelier/ (yours, mode 0700)\n"
	"and ends after 30 minutes unused, or with 'atelier logout'. After 5 wrong secrets\n"
	"within 15 minutes the name is locked until the 15 minutes have passed, or until an\n"
	"admin sets a new secret. Exit 10 when the sign-in is refused.\n";

static const char logout_usage[] = "usage: atelier [--data DIR] logout\n"
				   "End the session of the person signed in at this bench.\n";

static const char whoami_usage[] = "usage: atelier [--data DIR] whoami [--json]\n"
				   "Say who is signed in at this bench (exit 10: nobody).\n";

static const char audit_usage[] =
	"usage: atelier [--data DIR] audit [--limit N] [--json]\n"
	"The audit log, newest first (50 entries unless --limit N): sign-ins (ok, wrong\n"
	"secret, locked out), sign-outs, refusals (who, what, why) and account changes. It\n"
	"is never changed. Needs an instructor's or an admin's session.\n";

static void print_login(const json_t *v, const void *ctx)
{
	(void)ctx;
	printf("signed in as %s (%s)\n", cli_str(v, "name", "?"), cli_str(v, "role", "?"));
}

static int run_login(struct bench *b, int argc, char **argv)
{
	struct cli_secret_src src = { 0 };
	int json = 0, rc;
	const struct cli_opt opts[] = { CLI_SECRET_OPTS(&src), CLI_JSON(&json), CLI_END };
	char path[PATH_MAX], why[512], secret[SECRET_BUF], token[SVC_TOKEN_HEX];
	const char *pos[1];
	json_t *view = NULL, *bye = NULL;
	size_t n;

	rc = cli_parse("login", argc, argv, opts, pos, 1, 1, &n);
	if (rc)
		return rc;
	/* Where the session goes is known before the secret is asked. */
	if (sessfile_path(svc_dir(b), 1, path, why, sizeof(why)) != SESSFILE_OK)
		return cli_fail("login", EXIT_FAILURE_OTHER, "cannot keep a session: %s", why);
	rc = cli_secret("login", &src, "secret: ", 0, secret, sizeof(secret));
	if (rc)
		return rc;
	rc = svc_login(b, pos[0], secret, 1, token, &view);
	secret_wipe(secret, sizeof(secret));
	if (!rc && sessfile_write(path, token, why, sizeof(why)) != SESSFILE_OK) {
		secret_wipe(token, sizeof(token));
		json_decref(view);
		if (svc_logout(b, &bye) == SVC_OK)
			json_decref(bye);
		return cli_fail("login", EXIT_FAILURE_OTHER, "cannot keep the session: %s", why);
	}
	secret_wipe(token, sizeof(token));
	return cli_show("login", b, rc, view, json, print_login, NULL);
}

static void print_logout(const json_t *v, const void *ctx)
{
	(void)ctx;
	printf("%s signed out\n", cli_str(v, "name", "?"));
}

static int run_logout(struct bench *b, int argc, char **argv)
{
	char path[PATH_MAX], why[512];
	json_t *view = NULL;
	size_t n;
	int rc, have;

	rc = cli_parse("logout", argc, argv, NULL, NULL, 0, 0, &n);
	if (rc)
		return rc;
	have = sessfile_path(svc_dir(b), 0, path, why, sizeof(why)) == SESSFILE_OK;
	rc = svc_logout(b, &view);
	/* The file goes even when its session had already ended. */
	if (have && sessfile_remove(path) != SESSFILE_OK && !rc) {
		json_decref(view);
		return cli_fail("logout", EXIT_FAILURE_OTHER, "cannot remove %s", path);
	}
	return cli_show("logout", b, rc, view, 0, print_logout, NULL);
}

static void print_whoami(const json_t *v, const void *ctx)
{
	(void)ctx;
	printf("%s (%s)\n", cli_str(v, "name", "?"), cli_str(v, "role", "?"));
}

static int run_whoami(struct bench *b, int argc, char **argv)
{
	int json = 0, rc;
	const struct cli_opt opts[] = { CLI_JSON(&json), CLI_END };
	json_t *view = NULL;
	size_t n;

	rc = cli_parse("whoami", argc, argv, opts, NULL, 0, 0, &n);
	if (rc)
		return rc;
	rc = svc_whoami(b, &view);
	return cli_show("whoami", b, rc, view, json, print_whoami, NULL);
}

static void print_audit(const json_t *view, const void *ctx)
{
	json_t *e;
	size_t i;

	(void)ctx;
	json_array_foreach(view, i, e) {
		char when[40];

		printf("%s  %-12s %-16s ",
		       clock_iso8601(json_integer_value(json_object_get(e, "t_ms")), when,
				     sizeof(when)),
		       cli_str(e, "actor", "")[0] ? cli_str(e, "actor", "") : "-",
		       cli_str(e, "action", "?"));
		cli_put_text(stdout, cli_str(e, "subject", ""));
		printf(": %s", cli_str(e, "outcome", "?"));
		if (cli_str(e, "detail", "")[0]) {
			fputs(" (", stdout);
			cli_put_text(stdout, cli_str(e, "detail", ""));
			fputc(')', stdout);
		}
		fputc('\n', stdout);
	}
}

static int run_audit(struct bench *b, int argc, char **argv)
{
	const char *limit_s = NULL;
	long long limit = 50;
	int json = 0, rc;
	const struct cli_opt opts[] = { { "limit", 'l', CLI_STRING, &limit_s }, CLI_JSON(&json),
					CLI_END };
	json_t *view = NULL;
	size_t n;

	rc = cli_parse("audit", argc, argv, opts, NULL, 0, 0, &n);
	if (rc)
		return rc;
	if (limit_s && !cli_number(limit_s, &limit))
		return cli_usage_error("audit", "--limit takes a number of entries, not '%s'",
				       limit_s);
	rc = svc_audit_list(b, limit, &view);
	return cli_show("audit", b, rc, view, json, print_audit, NULL);
}

int cli_cmd_login(const struct cli_global *g, int argc, char **argv)
{
	static const struct cli_sub one = { "login", run_login, SVC_OPEN_STORE | SVC_OPEN_REMOTE,
					    login_usage };

	return cli_run_one(g, &one, argc, argv);
}

int cli_cmd_logout(const struct cli_global *g, int argc, char **argv)
{
	static const struct cli_sub one = { "logout", run_logout, SVC_OPEN_STORE | SVC_OPEN_REMOTE,
					    logout_usage };

	return cli_run_one(g, &one, argc, argv);
}

int cli_cmd_whoami(const struct cli_global *g, int argc, char **argv)
{
	static const struct cli_sub one = { "whoami", run_whoami, SVC_OPEN_STORE | SVC_OPEN_REMOTE,
					    whoami_usage };

	return cli_run_one(g, &one, argc, argv);
}

int cli_cmd_audit(const struct cli_global *g, int argc, char **argv)
{
	static const struct cli_sub one = { "audit", run_audit, SVC_OPEN_STORE | SVC_OPEN_REMOTE,
					    audit_usage };

	return cli_run_one(g, &one, argc, argv);
}
