/* atelier user add NAME --role trainee|instructor|admin, user list, user disable NAME */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "store/store.h"
#include "util/clock.h"

static const char user_usage[] =
	"usage: atelier [--data DIR] user add NAME --role trainee|instructor|admin\n"
	"       atelier [--data DIR] user list [--json]\n"
	"       atelier [--data DIR] user disable NAME\n"
	"       atelier [--data DIR] user enable NAME\n"
	"Accounts of the workshop: trainees do the work, instructors grade it, admins\n"
	"manage. A disabled account keeps its history but can record nothing new.\n";

/* Names are what people type at the bench: letters, digits, '.', '-', '_', 1-63 of them. */
static int valid_name(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 63)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '.' || c == '-' || c == '_'))
			return 0;
	}
	return 1;
}

int cli_cmd_user(const struct cli_global *g, int argc, char **argv)
{
	struct store *st = NULL;
	enum store_err err;
	char dir[4096];
	int rc;

	if (cli_wants_help(argc, argv, user_usage))
		return EXIT_OK;
	if (argc < 2)
		return cli_usage_error("user", "missing subcommand: add, list, disable or enable");
	if (strcmp(argv[1], "add") == 0) {
		const char *role = NULL;

		if (argc != 5 || strcmp(argv[3], "--role") != 0)
			return cli_usage_error("user", "usage: user add NAME --role ROLE");
		role = argv[4];
		if (!valid_name(argv[2]))
			return cli_usage_error("user", "'%s' is not a name: use 1 to 63 letters, "
					       "digits, '.', '-' or '_'", argv[2]);
		if (strcmp(role, "trainee") && strcmp(role, "instructor") && strcmp(role, "admin"))
			return cli_usage_error("user", "role '%s' is not trainee, instructor or admin",
					       role);
		rc = cli_store(g, 0, &st, dir, sizeof(dir));
		if (rc)
			return rc;
		err = store_user_add(st, argv[2], role, clock_wall_ms(), NULL);
		if (err == STORE_EEXIST) {
			fprintf(stderr, "atelier user: '%s' already exists\n", argv[2]);
			rc = EXIT_FAILURE_OTHER;
		} else if (err) {
			fprintf(stderr, "atelier user: %s (%s)\n", store_strerror(err),
				store_last_error_message());
			rc = EXIT_FAILURE_OTHER;
		} else {
			printf("user %s added as %s\n", argv[2], role);
		}
	} else if (strcmp(argv[1], "list") == 0) {
		struct store_user *users = NULL;
		size_t n = 0;
		int json = argc == 3 && strcmp(argv[2], "--json") == 0;

		if (argc > 3 || (argc == 3 && !json))
			return cli_usage_error("user", "usage: user list [--json]");
		rc = cli_store(g, 0, &st, dir, sizeof(dir));
		if (rc)
			return rc;
		err = store_user_list(st, &users, &n);
		if (err) {
			fprintf(stderr, "atelier user: %s\n", store_strerror(err));
			rc = EXIT_FAILURE_OTHER;
		} else if (json) {
			json_t *arr = json_array();

			for (size_t i = 0; i < n; i++)
				json_array_append_new(arr, json_pack("{s:s, s:s, s:b}", "name",
								     users[i].name, "role",
								     users[i].role, "active",
								     users[i].active));
			json_dumpf(arr, stdout, JSON_INDENT(2));
			putchar('\n');
			json_decref(arr);
		} else {
			for (size_t i = 0; i < n; i++)
				printf("%-24s %-10s %s\n", users[i].name, users[i].role,
				       users[i].active ? "" : "(disabled)");
			if (n == 0)
				puts("no user yet: atelier user add NAME --role trainee");
		}
		free(users);
	} else if (strcmp(argv[1], "disable") == 0 || strcmp(argv[1], "enable") == 0) {
		int on = strcmp(argv[1], "enable") == 0;

		if (argc != 3)
			return cli_usage_error("user", "usage: user %s NAME", argv[1]);
		rc = cli_store(g, 0, &st, dir, sizeof(dir));
		if (rc)
			return rc;
		err = store_user_set_active(st, argv[2], on);
		if (err == STORE_ENOENT) {
			fprintf(stderr, "atelier user: no user '%s'\n", argv[2]);
			rc = EXIT_FAILURE_OTHER;
		} else if (err) {
			fprintf(stderr, "atelier user: %s\n", store_strerror(err));
			rc = EXIT_FAILURE_OTHER;
		} else {
			printf("user %s %s\n", argv[2], on ? "enabled" : "disabled");
		}
	} else {
		return cli_usage_error("user", "unknown subcommand '%s'", argv[1]);
	}
	store_free(st);
	return rc;
}
