/* atelier init, atelier db check, atelier db backup FILE, atelier db compact */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "util/secret.h"

static const char init_usage[] =
	"usage: atelier [--data DIR] init [--admin NAME [--secret-fd N | --secret-file FILE]]\n"
	"Create the data directory (mode 0700), the database and the workshop's signing key\n"
	"(keys/workshop.key, mode 0600), or bring an existing database up to this version's\n"
	"schema and add the key if it is missing. Safe to run again: an existing key is\n"
	"never replaced.\n"
	"The first admin: on a terminal, init asks for her name and password (twice); in a\n"
	"script, --admin NAME with the password as the first line of descriptor N or of\n"
	"FILE. Without a terminal and without --admin, init makes everything else and says\n"
	"how to make the first admin. A workshop that has an admin never gets another here.\n";

static const char db_usage[] =
	"usage: atelier [--data DIR] db check\n"
	"       atelier [--data DIR] db backup FILE\n"
	"       atelier [--data DIR] db compact\n"
	"       atelier [--data DIR] db copy --to URL|DIR\n"
	"check   check the database (SQLite's integrity and foreign key checks, or what\n"
	"        PostgreSQL can say) and every chain of records; exit 4 or 11 on damage\n"
	"backup  copy the live database to FILE (SQLite online backup, or pg_dump's custom\n"
	"        format for PostgreSQL; benches may keep working meanwhile). FILE is\n"
	"        replaced whole or left as it was.\n"
	"copy    copy every record into an empty PostgreSQL database (postgresql://...) or\n"
	"        into the SQLite file of data directory DIR (with the keys), then check the\n"
	"        copy's chains and certificates; the records here are left as they are.\n"
	"compact rewrite the database file without the free space where older copies of\n"
	"        its pages may lie (after an erasure: docs/privacy.md); stop the bench first.\n";

static void print_init(const json_t *v, const void *ctx)
{
	const json_t *key = json_object_get(v, "key"), *bk = json_object_get(v, "bench_key");

	(void)ctx;
	if (bk) {
		/* A bench joining the workshop on the server (svc_bench_join()). */
		printf("data directory %s joins the workshop on %s\n", cli_str(v, "dir", "?"),
		       cli_str(v, "database", "?"));
		printf("the workshop key is %s (id %s): check that the certifying station shows "
		       "the same ('atelier key public' there)\n",
		       cli_str(v, "workshop_public", "?"), cli_str(v, "workshop_key", "?"));
		if (json_is_true(json_object_get(bk, "enrolled")))
			printf("bench %s signs with its key %s, enrolled\n", cli_str(bk, "bench", "?"),
			       cli_str(bk, "key_id", "?"));
		else
			printf("bench %s's key %s waits for its enrolment: at the certifying "
			       "station, an admin runs 'atelier key enrol %s'; until then this "
			       "bench records nothing\n",
			       cli_str(bk, "bench", "?"), cli_str(bk, "key_id", "?"),
			       cli_str(bk, "bench", "?"));
		return;
	}
	printf("data directory %s ready: database %s, schema version %lld\n", cli_str(v, "dir", "?"),
	       cli_str(v, "database", "?"),
	       (long long)json_integer_value(json_object_get(v, "schema_version")));
	printf("workshop key %s: %s (secret, mode 0600); public key %s\n",
	       json_is_true(json_object_get(key, "created")) ? "created" : "kept",
	       cli_str(key, "secret_file", "?"), cli_str(key, "public", "?"));
	if (json_is_object(json_object_get(v, "admin")))
		printf("first admin %s created: sign in with 'atelier login %s'\n",
		       cli_str(json_object_get(v, "admin"), "name", "?"),
		       cli_str(json_object_get(v, "admin"), "name", "?"));
	else if (json_integer_value(json_object_get(v, "admins")) == 0)
		printf("no admin yet: make the first one with 'atelier init --admin NAME "
		       "--secret-file FILE' (FILE's first line is her password), or run "
		       "'atelier init' on a terminal\n");
}

static int run_init(struct bench *b, int argc, char **argv)
{
	struct cli_secret_src src = { 0 };
	const char *admin = NULL;
	const struct cli_opt opts[] = { { "admin", 'a', CLI_STRING, &admin },
					CLI_SECRET_OPTS(&src), CLI_END };
	char name[SECRET_BUF] = "", secret[SECRET_BUF] = "";
	json_t *view = NULL;
	size_t n;
	int rc, need;

	rc = cli_parse("init", argc, argv, opts, NULL, 0, 0, &n);
	if (rc)
		return rc;
	if (!admin && (src.fd || src.file))
		return cli_usage_error("init", "--secret-fd and --secret-file go with --admin NAME");
	need = svc_needs_admin(b);
	if (need && !admin && secret_have_tty()) {
		/* A person at the terminal: make the first admin now. */
		if (secret_ask_line("the first admin's name: ", name, sizeof(name)) != SECRET_OK ||
		    !name[0])
			return cli_fail("init", EXIT_USAGE, "no name given: nothing else changed "
							    "but the directory, database and key");
		admin = name;
	}
	if (need && admin) {
		rc = cli_secret("init", &src, "her password (10 characters or more): ", 1, secret,
				sizeof(secret));
		if (rc)
			return rc;
	} else if (admin) {
		fprintf(stderr, "atelier init: this workshop has an admin already; %s was not "
				"added (an admin adds accounts: atelier user add)\n", admin);
		admin = NULL;
	}
	rc = svc_init(b, admin, admin ? secret : NULL, &view);
	secret_wipe(secret, sizeof(secret));
	return cli_show("init", b, rc, view, 0, print_init, NULL);
}

int cli_cmd_init(const struct cli_global *g, int argc, char **argv)
{
	static const struct cli_sub one = { "init", run_init, SVC_OPEN_CREATE, init_usage };

	return cli_run_one(g, &one, argc, argv);
}

static void print_checked(const json_t *v, const void *ctx)
{
	(void)ctx;
	printf("database %s: ok\n", cli_str(v, "database", "?"));
}

static int cmd_check(struct bench *b, int argc, char **argv)
{
	json_t *view = NULL;
	size_t n;
	int rc;

	rc = cli_parse("db check", argc, argv, NULL, NULL, 0, 0, &n);
	if (rc)
		return rc;
	rc = svc_db_check(b, &view);
	return cli_show("db", b, rc, view, 0, print_checked, NULL);
}

static void print_backup(const json_t *v, const void *ctx)
{
	(void)ctx;
	printf("backup of %s written to %s\n", cli_str(v, "database", "?"), cli_str(v, "backup", "?"));
}

static int cmd_backup(struct bench *b, int argc, char **argv)
{
	const char *pos[1];
	json_t *view = NULL;
	size_t n;
	int rc;

	rc = cli_parse("db backup", argc, argv, NULL, pos, 1, 1, &n);
	if (rc)
		return rc;
	rc = svc_db_backup(b, pos[0], &view);
	return cli_show("db", b, rc, view, 0, print_backup, NULL);
}

static void print_compacted(const json_t *v, const void *ctx)
{
	(void)ctx;
	printf("database %s compacted\n", cli_str(v, "database", "?"));
}

static int cmd_compact(struct bench *b, int argc, char **argv)
{
	json_t *view = NULL;
	size_t n;
	int rc;

	rc = cli_parse("db compact", argc, argv, NULL, NULL, 0, 0, &n);
	if (rc)
		return rc;
	rc = svc_db_compact(b, &view);
	return cli_show("db", b, rc, view, 0, print_compacted, NULL);
}

static void print_copied(const json_t *v, const void *ctx)
{
	(void)ctx;
	printf("%lld rows copied from %s to %s\n",
	       (long long)json_integer_value(json_object_get(v, "rows")), cli_str(v, "from", "?"),
	       cli_str(v, "to", "?"));
	printf("the copy checks out: %lld chains, %lld certificates\n",
	       (long long)json_integer_value(json_object_get(v, "chains")),
	       (long long)json_integer_value(json_object_get(v, "certificates")));
}

static int cmd_copy(struct bench *b, int argc, char **argv)
{
	const char *to = NULL;
	int json = 0;
	const struct cli_opt opts[] = { { "to", 't', CLI_STRING, &to }, CLI_JSON(&json), CLI_END };
	json_t *view = NULL;
	size_t n;
	int rc;

	rc = cli_parse("db copy", argc, argv, opts, NULL, 0, 0, &n);
	if (rc)
		return rc;
	if (!to) {
		fprintf(stderr, "atelier db copy: --to URL|DIR is required\n%s", db_usage);
		return EXIT_USAGE;
	}
	rc = svc_db_copy(b, to, &view);
	return cli_show("db", b, rc, view, json, print_copied, NULL);
}

int cli_cmd_db(const struct cli_global *g, int argc, char **argv)
{
	static const struct cli_sub subs[] = {
		{ "check", cmd_check, SVC_OPEN_STORE, NULL },
		{ "backup", cmd_backup, SVC_OPEN_STORE, NULL },
		{ "compact", cmd_compact, SVC_OPEN_STORE, NULL },
		{ "copy", cmd_copy, SVC_OPEN_STORE, NULL },
		{ NULL, NULL, 0, NULL },
	};

	return cli_run_sub(g, "db", db_usage, subs, argc, argv);
}
