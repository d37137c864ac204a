/* atelier user add|list|disable|enable|set-role|set-code|set-secret|erase|export: the
 * workshop's accounts, and a person's data on her request (docs/privacy.md) */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "util/i18n.h"
#include "util/secret.h"

static const char user_usage[] =
	"usage: atelier [--data DIR] user add NAME --role trainee|instructor|admin [--code CODE]\n"
	"                   [--secret-fd N | --secret-file FILE] [--json]\n"
	"       atelier [--data DIR] user list [--json]\n"
	"       atelier [--data DIR] user disable NAME\n"
	"       atelier [--data DIR] user enable NAME\n"
	"       atelier [--data DIR] user set-role NAME trainee|instructor|admin\n"
	"       atelier [--data DIR] user set-code NAME CODE\n"
	"       atelier [--data DIR] user set-secret NAME [--secret-fd N | --secret-file FILE]\n"
	"                   [--old-secret-fd N | --old-secret-file FILE]\n"
	"       atelier [--data DIR] user erase NAME --why TEXT [--json]\n"
	"       atelier [--data DIR] user export NAME [--output FILE]\n"
	"Accounts of the workshop: trainees do the work, instructors grade it, admins\n"
	"manage. Adding, disabling, enabling, changing a role or a code and setting another's\n"
	"secret need an admin signed in (atelier login). A trainee's secret is a PIN of 6 to 12\n"
	"digits, the others' a password of 10 to 256 characters; it is asked twice on the\n"
	"terminal, or read as the first line of descriptor N or of FILE, never given on the\n"
	"command line. Anyone changes her own secret with set-secret on her own name, giving\n"
	"the old one first. A disabled account keeps its history, cannot sign in, and its\n"
	"sessions end. A role change between trainee and the others removes the secret: the\n"
	"admin sets one of the new kind.\n"
	"A code (T-014: 1 to 16 letters, digits, '.', '-', '_') is what certificates call a\n"
	"person instead of her name; a trainee added without one gets T- and her number.\n"
	"erase takes a person's name and secret out of the records on her request, keeping\n"
	"her work under her code (an admin; not while she has work open). export writes all\n"
	"that the records keep about a person as JSON (an admin, or she herself).\n"
	"See docs/privacy.md.\n";

#define CMD "user"

/* "user NAME CTX ROLE", and what to do when the account has no secret. */
static void print_user(const json_t *v, const void *ctx)
{
	printf("user %s %s%s\n", cli_str(v, "name", "?"), (const char *)ctx,
	       ctx && strstr(ctx, "secret") ? "" : cli_str(v, "role", "?"));
	if (json_is_string(json_object_get(v, "code")))
		printf("code on certificates: %s\n", cli_str(v, "code", "?"));
	if (!json_is_true(json_object_get(v, "has_secret")))
		printf("%s has no secret now: an admin sets one (atelier user set-secret %s)\n",
		       cli_str(v, "name", "?"), cli_str(v, "name", "?"));
}

static int cmd_add(struct bench *b, int argc, char **argv)
{
	struct cli_secret_src src = { 0 };
	const char *role = NULL, *code = NULL, *pos[1];
	int json = 0, rc;
	const struct cli_opt opts[] = { { "role", 'r', CLI_STRING, &role },
					{ "code", 0, CLI_STRING, &code },
					CLI_SECRET_OPTS(&src), CLI_JSON(&json), CLI_END };
	char secret[SECRET_BUF];
	json_t *view = NULL;
	size_t n;

	rc = cli_parse("user add", argc, argv, opts, pos, 1, 1, &n);
	if (rc)
		return rc;
	if (!role)
		return cli_usage_error(CMD, "user add needs --role trainee, instructor or admin");
	rc = cli_secret(CMD, &src,
			strcmp(role, "trainee") == 0 ? "the new trainee's PIN: "
						     : "the new account's password: ",
			1, secret, sizeof(secret));
	if (rc)
		return rc;
	rc = svc_user_add(b, pos[0], role, secret, code, &view);
	secret_wipe(secret, sizeof(secret));
	return cli_show(CMD, b, rc, view, json, print_user, "added as ");
}

static void print_list(const json_t *view, const void *ctx)
{
	json_t *u;
	size_t i;

	(void)ctx;
	json_array_foreach(view, i, u) {
		if (json_is_true(json_object_get(u, "erased"))) {
			printf("%-24s %-10s (erased)\n", cli_str(u, "code", "?"),
			       cli_str(u, "role", "?"));
			continue;
		}
		printf("%-24s %-10s %s%s%s%s\n", cli_str(u, "name", "?"), cli_str(u, "role", "?"),
		       json_is_string(json_object_get(u, "code")) ? cli_str(u, "code", "") : "",
		       json_is_string(json_object_get(u, "code")) ? " " : "",
		       json_is_true(json_object_get(u, "active")) ? "" : "(disabled) ",
		       json_is_true(json_object_get(u, "has_secret")) ? "" : "(no secret yet)");
	}
	if (json_array_size(view) == 0)
		puts("no user yet: atelier init --admin NAME makes the first admin");
}

static int cmd_list(struct bench *b, int argc, char **argv)
{
	int json = 0, rc;
	const struct cli_opt opts[] = { CLI_JSON(&json), CLI_END };
	json_t *view = NULL;
	size_t n;

	rc = cli_parse("user list", argc, argv, opts, NULL, 0, 0, &n);
	if (rc)
		return rc;
	rc = svc_user_list(b, &view);
	return cli_show(CMD, b, rc, view, json, print_list, NULL);
}

static void print_active(const json_t *v, const void *ctx)
{
	(void)ctx;
	printf("user %s %s\n", cli_str(v, "name", "?"),
	       json_is_true(json_object_get(v, "active")) ? "enabled" : "disabled");
}

static int set_active(struct bench *b, int argc, char **argv, int on)
{
	const char *pos[1];
	json_t *view = NULL;
	size_t n;
	int rc;

	rc = cli_parse(on ? "user enable" : "user disable", argc, argv, NULL, pos, 1, 1, &n);
	if (rc)
		return rc;
	rc = svc_user_set_active(b, pos[0], on, &view);
	return cli_show(CMD, b, rc, view, 0, print_active, NULL);
}

static int cmd_disable(struct bench *b, int argc, char **argv)
{
	return set_active(b, argc, argv, 0);
}

static int cmd_enable(struct bench *b, int argc, char **argv)
{
	return set_active(b, argc, argv, 1);
}

static int cmd_set_role(struct bench *b, int argc, char **argv)
{
	const char *pos[2];
	json_t *view = NULL;
	size_t n;
	int rc;

	rc = cli_parse("user set-role", argc, argv, NULL, pos, 2, 2, &n);
	if (rc)
		return rc;
	rc = svc_user_set_role(b, pos[0], pos[1], &view);
	return cli_show(CMD, b, rc, view, 0, print_user, "is now ");
}

static int cmd_set_secret(struct bench *b, int argc, char **argv)
{
	struct cli_secret_src src = { 0 }, old_src = { 0 };
	const struct cli_opt opts[] = { CLI_SECRET_OPTS(&src),
					{ "old-secret-fd", 0, CLI_STRING, &old_src.fd },
					{ "old-secret-file", 0, CLI_STRING, &old_src.file },
					CLI_END };
	char secret[SECRET_BUF], old[SECRET_BUF] = "";
	const char *pos[1];
	json_t *view = NULL, *me = NULL;
	size_t n;
	int rc, own;

	rc = cli_parse("user set-secret", argc, argv, opts, pos, 1, 1, &n);
	if (rc)
		return rc;
	/* One's own secret changes with the old one: ask it first. */
	own = svc_whoami(b, &me) == SVC_OK && strcmp(cli_str(me, "name", ""), pos[0]) == 0;
	json_decref(me);
	if (own) {
		rc = cli_secret(CMD, &old_src, "your secret now: ", 0, old, sizeof(old));
		if (rc)
			return rc;
	}
	rc = cli_secret(CMD, &src, "the new secret: ", 1, secret, sizeof(secret));
	if (rc) {
		secret_wipe(old, sizeof(old));
		return rc;
	}
	rc = svc_user_set_secret(b, pos[0], own ? old : NULL, secret, &view);
	secret_wipe(secret, sizeof(secret));
	secret_wipe(old, sizeof(old));
	return cli_show(CMD, b, rc, view, 0, print_user, "has a new secret");
}

static void print_code(const json_t *v, const void *ctx)
{
	(void)ctx;
	printf("user %s: code on certificates: %s\n", cli_str(v, "name", "?"),
	       cli_str(v, "code", "?"));
}

static int cmd_set_code(struct bench *b, int argc, char **argv)
{
	const char *pos[2];
	json_t *view = NULL;
	size_t n;
	int rc;

	rc = cli_parse("user set-code", argc, argv, NULL, pos, 2, 2, &n);
	if (rc)
		return rc;
	rc = svc_user_set_code(b, pos[0], pos[1], &view);
	return cli_show(CMD, b, rc, view, 0, print_code, NULL);
}

static void print_erased(const json_t *v, const void *ctx)
{
	const json_t *r = json_object_get(v, "redacted"), *w;
	size_t i;

	(void)ctx;
	printf("erased: the account is now %s; its records stay under that code\n",
	       cli_str(v, "code", "?"));
	printf("taken out: %lld entries of the records, %lld kept certificates, %lld lines of "
	       "the audit log, %lld sign-in attempts, %lld sessions\n",
	       (long long)json_integer_value(json_object_get(r, "entries")),
	       (long long)json_integer_value(json_object_get(r, "certificates")),
	       (long long)json_integer_value(json_object_get(r, "audit")),
	       (long long)json_integer_value(json_object_get(r, "attempts")),
	       (long long)json_integer_value(json_object_get(r, "sessions")));
	if (json_array_size(json_object_get(v, "still_written_in"))) {
		printf("the name is still written by hand in these notes (Atelier never rewrites "
		       "what people wrote):\n");
		json_array_foreach(json_object_get(v, "still_written_in"), i, w)
			printf("  %s\n", json_string_value(w));
	}
	if (!json_is_true(json_object_get(v, "compacted")))
		printf("the database file could not be compacted now (another program has it "
		       "open): older copies of its pages may hold the name until 'atelier db "
		       "compact' runs with the bench stopped\n");
	printf("backups made before today still hold the name: see docs/privacy.md\n");
}

static int cmd_erase(struct bench *b, int argc, char **argv)
{
	const char *why = NULL, *pos[1];
	int json = 0, rc;
	const struct cli_opt opts[] = { { "why", 0, CLI_STRING, &why }, CLI_JSON(&json),
					CLI_END };
	json_t *view = NULL;
	size_t n;

	rc = cli_parse("user erase", argc, argv, opts, pos, 1, 1, &n);
	if (rc)
		return rc;
	if (!why)
		return cli_usage_error(CMD, "user erase needs --why TEXT: the request and its date "
					    "(not the person's name)");
	rc = svc_user_erase(b, pos[0], why, &view);
	return cli_show(CMD, b, rc, view, json, print_erased, NULL);
}

static void print_exported(const json_t *v, const void *ctx)
{
	(void)ctx;
	/* TRANSLATORS: %s is the file the data were written to. */
	printf(_("your data were written to %s (%lld jobs)"), cli_str(v, "output", "?"),
	       (long long)json_integer_value(json_object_get(v, "jobs")));
	putchar('\n');
}

static int cmd_export(struct bench *b, int argc, char **argv)
{
	const char *output = NULL, *pos[1];
	const struct cli_opt opts[] = { { "output", 'o', CLI_STRING, &output }, CLI_END };
	json_t *view = NULL;
	size_t n;
	int rc;

	rc = cli_parse("user export", argc, argv, opts, pos, 1, 1, &n);
	if (rc)
		return rc;
	rc = svc_user_export(b, pos[0], output, &view);
	/* Without a file, the data themselves, as JSON. */
	return cli_show(CMD, b, rc, view, !output, print_exported, NULL);
}

int cli_cmd_user(const struct cli_global *g, int argc, char **argv)
{
	static const struct cli_sub subs[] = {
		{ "add", cmd_add, SVC_OPEN_STORE, NULL },
		{ "list", cmd_list, SVC_OPEN_STORE, NULL },
		{ "disable", cmd_disable, SVC_OPEN_STORE, NULL },
		{ "enable", cmd_enable, SVC_OPEN_STORE, NULL },
		{ "set-role", cmd_set_role, SVC_OPEN_STORE, NULL },
		{ "set-secret", cmd_set_secret, SVC_OPEN_STORE, NULL },
		{ "set-code", cmd_set_code, SVC_OPEN_STORE, NULL },
		{ "erase", cmd_erase, SVC_OPEN_STORE, NULL },
		{ "export", cmd_export, SVC_OPEN_STORE, NULL },
		{ NULL, NULL, 0, NULL },
	};

	return cli_run_sub(g, CMD, user_usage, subs, argc, argv);
}
