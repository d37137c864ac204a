/* atelier init, atelier db check, atelier db backup FILE */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cert/sign.h"
#include "cli/cli.h"
#include "store/store.h"

static const char init_usage[] =
	"usage: atelier [--data DIR] init\n"
	"Create the data directory (mode 0700), the database and the workshop's signing key\n"
	"(keys/workshop.key, mode 0600), or bring an existing database up to this version's\n"
	"schema and add the key if it is missing. Safe to run again: an existing key is\n"
	"never replaced.\n";

/* The workshop key signs certificates: made once, never replaced, never printed. */
static int init_key(const char *dir)
{
	unsigned char pk[SIGN_PK_BYTES];
	char why[512], text[SIGN_PUBLIC_TEXT];
	int created = 0;

	if (sign_key_create(dir, &created, why, sizeof(why)) != SIGN_OK ||
	    sign_key_public(dir, pk, why, sizeof(why)) != SIGN_OK) {
		fprintf(stderr, "atelier init: the workshop key: %s\n", why);
		return EXIT_FAILURE_OTHER;
	}
	sign_public_text(pk, text);
	printf("workshop key %s: %s/%s/%s (secret, mode 0600); public key %s\n",
	       created ? "created" : "kept", dir, SIGN_KEY_DIR, SIGN_SECRET_FILE, text);
	return EXIT_OK;
}

int cli_cmd_init(const struct cli_global *g, int argc, char **argv)
{
	struct store *st = NULL;
	char dir[4096];
	int rc;

	if (cli_wants_help(argc, argv, init_usage))
		return EXIT_OK;
	if (argc > 1)
		return cli_usage_error("init", "unexpected argument '%s'", argv[1]);
	rc = cli_store(g, 1, &st, dir, sizeof(dir));
	if (rc != EXIT_OK)
		return rc;
	printf("data directory %s ready: database %s, schema version %d\n", dir, store_path(st),
	       store_schema_version(st));
	store_free(st);
	return init_key(dir);
}

static const char db_usage[] =
	"usage: atelier [--data DIR] db check\n"
	"       atelier [--data DIR] db backup FILE\n"
	"check   run SQLite's integrity and foreign key checks; exit 4 if they find damage\n"
	"backup  copy the live database to FILE (SQLite online backup; benches may keep\n"
	"        working meanwhile). FILE is replaced whole or left as it was.\n";

int cli_cmd_db(const struct cli_global *g, int argc, char **argv)
{
	struct store *st = NULL;
	char dir[4096], report[4096];
	enum store_err err;
	int rc;

	if (cli_wants_help(argc, argv, db_usage))
		return EXIT_OK;
	if (argc < 2)
		return cli_usage_error("db", "missing subcommand: check or backup");
	if (strcmp(argv[1], "check") == 0) {
		if (argc != 2)
			return cli_usage_error("db", "'db check' takes no argument");
		rc = cli_store(g, 0, &st, dir, sizeof(dir));
		if (rc != EXIT_OK)
			return rc;
		err = store_check(st, report, sizeof(report));
		if (err == STORE_OK) {
			printf("database %s: ok\n", store_path(st));
			rc = EXIT_OK;
		} else if (err == STORE_ECORRUPT) {
			fprintf(stderr, "atelier: database %s is damaged:\n%s\n", store_path(st),
				report);
			fprintf(stderr, "restore the latest backup ('atelier db backup' makes one)\n");
			rc = EXIT_DB_REFUSED;
		} else {
			fprintf(stderr, "atelier: cannot check %s: %s (%s)\n", store_path(st),
				store_strerror(err), store_last_error_message());
			rc = EXIT_FAILURE_OTHER;
		}
		store_free(st);
		return rc;
	}
	if (strcmp(argv[1], "backup") == 0) {
		if (argc != 3)
			return cli_usage_error("db", "'db backup' takes one FILE");
		rc = cli_store(g, 0, &st, dir, sizeof(dir));
		if (rc != EXIT_OK)
			return rc;
		err = store_backup(st, argv[2]);
		if (err == STORE_OK) {
			printf("backup of %s written to %s\n", store_path(st), argv[2]);
			rc = EXIT_OK;
		} else {
			fprintf(stderr, "atelier: backup to %s failed: %s (%s)\n", argv[2],
				store_strerror(err), store_last_error_message());
			rc = err == STORE_EINVAL ? EXIT_USAGE : EXIT_FAILURE_OTHER;
		}
		store_free(st);
		return rc;
	}
	return cli_usage_error("db", "unknown subcommand '%s': use check or backup", argv[1]);
}
