/* atelier user add|list|disable|enable|set-role|set-secret: the workshop's accounts */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "util/secret.h"

static const char user_usage[] =
	"usage: atelier [--data DIR] user add NAME --role trainee|instructor|admin\n"
	"                   [--secret-fd N | --secret-file FILE] [--json]\n"
	"       atelier [--data DIR] user list [--json]\n"
	"       atelier [--data DIR] user disable NAME\n"
	"       atelier [--data DIR] user enable NAME\n"
	"       atelier [--data DIR] user set-role NAME trainee|instructor|admin\n"
	"       atelier [--data DIR] user set-secret NAME [--secret-fd N | --secret-file FILE]\n"
	"                   [--old-secret-fd N | --old-secret-file FILE]\n"
	"Accounts of the workshop: trainees do the work, instructors grade it, admins\n"
	"manage. Adding, disabling, enabling, changing a role and setting another's secret\n"
	"need an admin signed in (atelier login). A trainee's secret is a PIN of 6 to 12\n"
	"digits, the others' a password of 10 to 256 characters; it is asked twice on the\n"
	"terminal, or read as the first line of descriptor N or of FILE, never given on the\n"
	"command line. Anyone changes her own secret with set-secret on her own name, giving\n"
	"the old one first. A disabled account keeps its history, cannot sign in, and its\n"
	"sessions end. A role change between trainee and the others removes the secret: the\n"
	"admin sets one of the new kind.\n";

#define CMD "user"

/* "user NAME CTX ROLE", and what to do when the account has no secret. */
static void print_user(const json_t *v, const void *ctx)
{
	printf("user %s %s%s\n", cli_str(v, "name", "?"), (const char *)ctx,
	       ctx && strstr(ctx, "secret") ? "" : cli_str(v, "role", "?"));
	if (!json_is_true(json_object_get(v, "has_secret")))
		printf("%s has no secret now: an admin sets one (atelier user set-secret %s)\n",
		       cli_str(v, "name", "?"), cli_str(v, "name", "?"));
}

static int cmd_add(struct bench *b, int argc, char **argv)
{
	struct cli_secret_src src = { 0 };
	const char *role = NULL, *pos[1];
	int json = 0, rc;
	const struct cli_opt opts[] = { { "role", 'r', CLI_STRING, &role },
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
	rc = svc_user_add(b, pos[0], role, secret, &view);
	secret_wipe(secret, sizeof(secret));
	return cli_show(CMD, b, rc, view, json, print_user, "added as ");
}

static void print_list(const json_t *view, const void *ctx)
{
	json_t *u;
	size_t i;

	(void)ctx;
	json_array_foreach(view, i, u)
		printf("%-24s %-10s %s%s\n", cli_str(u, "name", "?"), cli_str(u, "role", "?"),
		       json_is_true(json_object_get(u, "active")) ? "" : "(disabled) ",
		       json_is_true(json_object_get(u, "has_secret")) ? "" : "(no secret yet)");
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

int cli_cmd_user(const struct cli_global *g, int argc, char **argv)
{
	static const struct cli_sub subs[] = {
		{ "add", cmd_add, SVC_OPEN_STORE, NULL },
		{ "list", cmd_list, SVC_OPEN_STORE, NULL },
		{ "disable", cmd_disable, SVC_OPEN_STORE, NULL },
		{ "enable", cmd_enable, SVC_OPEN_STORE, NULL },
		{ "set-role", cmd_set_role, SVC_OPEN_STORE, NULL },
		{ "set-secret", cmd_set_secret, SVC_OPEN_STORE, NULL },
		{ NULL, NULL, 0, NULL },
	};

	return cli_run_sub(g, CMD, user_usage, subs, argc, argv);
}
