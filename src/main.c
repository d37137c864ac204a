/*
 * atelier — the bench program of a phone and tablet refurbishing workshop.
 * main() parses the global options and hands the rest to one command of cli_commands.
 */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "util/i18n.h"
#include "util/log.h"

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "data", required_argument, NULL, 'd' },
		{ "db", required_argument, NULL, 'D' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct cli_global g = { NULL, 0 };
	int c;

	/* A closed pipe (atelier watch | head) is an error to report, not a silent death;
	 * libimobiledevice also needs this. */
	signal(SIGPIPE, SIG_IGN);
	i18n_init();

	/* "+": stop at the command name; its options are its own. */
	while ((c = getopt_long(argc, argv, "+d:vh", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			g.data_opt = optarg;
			break;
		case 'D':
			/* Where the records are, for the store (store_open()) and for any atelier
			 * this one runs. */
			if (setenv("ATELIER_DB", optarg, 1) != 0) {
				perror("atelier: --db");
				return EXIT_USAGE;
			}
			break;
		case 'v':
			g.verbose++;
			break;
		case 'V':
			printf("atelier %s\n", ATELIER_VERSION);
			return EXIT_OK;
		case 'h':
			cli_usage(stdout);
			return EXIT_OK;
		default:
			fprintf(stderr, "try 'atelier --help'\n");
			return EXIT_USAGE;
		}
	}
	if (g.verbose)
		log_set_level(LOG_DEBUG);
	if (optind >= argc) {
		cli_usage(stderr);
		return EXIT_USAGE;
	}
	for (const struct cli_command *cmd = cli_commands; cmd->name; cmd++) {
		if (strcmp(cmd->name, argv[optind]) == 0) {
			char **sub = argv + optind;
			int subc = argc - optind;

			optind = 0; /* glibc: start the command's own getopt afresh */
			return cmd->run(&g, subc, sub);
		}
	}
	fprintf(stderr, "atelier: '%s' is not a command; try 'atelier --help'\n", argv[optind]);
	return EXIT_USAGE;
}
