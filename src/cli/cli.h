/*
 * cli — the `atelier` subcommands. Each command parses its own options (getopt_long,
 * --help on every one), calls the core modules, prints for a person or, with --json,
 * for a script, and returns one of the exit codes below (documented in docs/atelier.1).
 * No business rule lives here.
 */
#ifndef ATELIER_CLI_CLI_H
#define ATELIER_CLI_CLI_H

#include <jansson.h>
#include <stdio.h>

enum cli_exit {
	EXIT_OK = 0,
	EXIT_FAILURE_OTHER = 1, /* anything not listed below (out of memory, I/O) */
	EXIT_USAGE = 2,         /* bad command line */
	EXIT_NO_DATA = 3,       /* no data directory or no database yet: run atelier init */
	EXIT_DB_REFUSED = 4,    /* database newer than this program, damaged, or failed check */
	EXIT_NO_USB = 5,        /* USB cannot be read on this machine */
	EXIT_PROBE_INCOMPLETE = 6, /* a device that can be read was not (trust, unplug, stuck) */
	EXIT_NO_DEVICE = 7,     /* a device named on the command line is not attached */
	EXIT_NOT_VALID = 8,     /* atelier verify: the certificate does not verify */
	EXIT_POLICY_UNMET = 9,  /* atelier certify: the device does not meet the policy yet */
};

struct cli_global {
	const char *data_opt; /* --data, or NULL */
	int verbose;
};

struct cli_command {
	const char *name; /* commands whose summary is NULL are internal, not listed */
	int (*run)(const struct cli_global *g, int argc, char **argv);
	const char *summary;
};

/* The command table, ended by a NULL name. */
extern const struct cli_command cli_commands[];

int cli_cmd_init(const struct cli_global *g, int argc, char **argv);
int cli_cmd_db(const struct cli_global *g, int argc, char **argv);
int cli_cmd_devices(const struct cli_global *g, int argc, char **argv);
int cli_cmd_watch(const struct cli_global *g, int argc, char **argv);
int cli_cmd_probe(const struct cli_global *g, int argc, char **argv);
int cli_cmd_probe_worker(const struct cli_global *g, int argc, char **argv);
int cli_cmd_user(const struct cli_global *g, int argc, char **argv);
int cli_cmd_job(const struct cli_global *g, int argc, char **argv);
int cli_cmd_checklist(const struct cli_global *g, int argc, char **argv);
int cli_cmd_device(const struct cli_global *g, int argc, char **argv);
int cli_cmd_certify(const struct cli_global *g, int argc, char **argv);
int cli_cmd_certificate(const struct cli_global *g, int argc, char **argv);
int cli_cmd_verify(const struct cli_global *g, int argc, char **argv);
int cli_cmd_key(const struct cli_global *g, int argc, char **argv);

struct store;
/* Open the database of the data directory (DIR, DIR_SIZE bytes, gets its path), creating
 * both when CREATE; on failure print why and return the exit code to use, else EXIT_OK
 * with *ST open. */
int cli_store(const struct cli_global *g, int create, struct store **st, char *dir,
	      size_t dir_size);
/* Print what a store_open() failure ERR on DIR means for the user and return its exit
 * code. FOUND_VERSION is the version store_open() found. */
int cli_store_error(const char *dir, int err, int found_version);
/* When ARGV asks for --help (or -h) before any "--", print USAGE and return 1. */
int cli_wants_help(int argc, char **argv, const char *usage);

/* One subcommand of a command that works on the database ("job step", "device show"). */
struct cli_sub {
	const char *name;
	int (*run)(struct store *st, int argc, char **argv);
	/* instead of run, for a subcommand that also needs the global options */
	int (*run_g)(const struct cli_global *g, struct store *st, int argc, char **argv);
};

/* Run subcommand ARGV[1] of CMD from SUBS (ended by a NULL name) with the database open,
 * giving it ARGC - 1, ARGV + 1. --help prints USAGE; a missing or unknown subcommand is a
 * usage error naming the subcommands, found before the database is opened. */
int cli_run_sub(const struct cli_global *g, const char *cmd, const char *usage,
		const struct cli_sub *subs, int argc, char **argv);

/* Keep the facts of a probe made at T_MS with their device (found or created by UDID,
 * serial or IMEI). Returns 0 when they could not be kept (said on standard error), 1 when
 * kept or when nothing in them identifies the device. */
int cli_record_probe(struct store *st, json_t *facts, long long t_ms);

/* Read device DEVICE_ID again now (its UDID or serial, within TIMEOUT_MS), keep the probe
 * with it and give its facts in *FACTS (a new reference). -1 when it cannot be read,
 * with the reason ("untrusted", "timeout", not attached...) in WHY. */
int cli_read_device(struct store *st, long long device_id, int timeout_ms, json_t **facts,
		    char *why, size_t size);

/* Print the main usage to OUT. */
void cli_usage(FILE *out);

/* Resolve the data directory into OUT; on failure print why and return the exit code
 * to use, else EXIT_OK. */
int cli_data_dir(const struct cli_global *g, char *out, size_t size);

/* Say on standard error that CMD failed ("atelier CMD: ...") and return RC. */
int cli_fail(const char *cmd, int rc, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Report that ARGV0's option parsing failed: "try 'atelier CMD --help'". */
int cli_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
