/* atelier user add NAME --role ROLE, user list, user disable|enable NAME */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

static const char user_usage[] =
	"usage: atelier [--data DIR] user add NAME --role trainee|instructor|admin [--json]\n"
	"       atelier [--data DIR] user list [--json]\n"
	"       atelier [--data DIR] user disable NAME\n"
	"       atelier [--data DIR] user enable NAME\n"
	"Accounts of the workshop: trainees do the work, instructors grade it, admins\n"
	"manage. A disabled account keeps its history but can record nothing new.\n";

#define CMD "user"

static void print_added(const json_t *v, const void *ctx)
{
	(void)ctx;
	printf("user %s added as %s\n", cli_str(v, "name", "?"), cli_str(v, "role", "?"));
}

static int cmd_add(struct bench *b, int argc, char **argv)
{
	const char *role = NULL, *pos[1];
	int json = 0, rc;
	const struct cli_opt opts[] = { { "role", 'r', CLI_STRING, &role }, CLI_JSON(&json),
					CLI_END };
	json_t *view = NULL;
	size_t n;

	rc = cli_parse("user add", argc, argv, opts, pos, 1, 1, &n);
	if (rc)
		return rc;
	if (!role)
		return cli_usage_error(CMD, "user add needs --role trainee, instructor or admin");
	rc = svc_user_add(b, pos[0], role, &view);
	return cli_show(CMD, b, rc, view, json, print_added, NULL);
}

static void print_list(const json_t *view, const void *ctx)
{
	json_t *u;
	size_t i;

	(void)ctx;
	json_array_foreach(view, i, u)
		printf("%-24s %-10s %s\n", cli_str(u, "name", "?"), cli_str(u, "role", "?"),
		       json_is_true(json_object_get(u, "active")) ? "" : "(disabled)");
	if (json_array_size(view) == 0)
		puts("no user yet: atelier user add NAME --role trainee");
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

int cli_cmd_user(const struct cli_global *g, int argc, char **argv)
{
	static const struct cli_sub subs[] = {
		{ "add", cmd_add, SVC_OPEN_STORE, NULL },
		{ "list", cmd_list, SVC_OPEN_STORE, NULL },
		{ "disable", cmd_disable, SVC_OPEN_STORE, NULL },
		{ "enable", cmd_enable, SVC_OPEN_STORE, NULL },
		{ NULL, NULL, 0, NULL },
	};

	return cli_run_sub(g, CMD, user_usage, subs, argc, argv);
}
