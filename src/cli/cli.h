/*
 * cli — the `atelier` subcommands. A command parses its line with the one option helper
 * (cli_parse: options before or after the positionals, `--` ends them, as git does),
 * calls the service layer (src/svc/svc.h), prints the view it gets for a person or, with
 * --json, as it is, and returns one of the exit codes below (docs/atelier.1). No rule of
 * the workshop lives here: a rule found in a front end is a bug.
 */
#ifndef ATELIER_CLI_CLI_H
#define ATELIER_CLI_CLI_H

#include <jansson.h>
#include <stddef.h>
#include <stdio.h>

#include "svc/svc.h"

enum cli_exit {
	EXIT_OK = 0,
	EXIT_FAILURE_OTHER = 1, /* refused, not found, or anything not listed below */
	EXIT_USAGE = 2,         /* bad command line, or a value the request cannot take */
	EXIT_NO_DATA = 3,       /* no data directory or no database yet: run atelier init */
	EXIT_DB_REFUSED = 4,    /* database newer than this program, damaged, or failed check */
	EXIT_NO_USB = 5,        /* USB cannot be read on this machine */
	EXIT_PROBE_INCOMPLETE = 6, /* a device that can be read was not (trust, unplug, stuck) */
	EXIT_NO_DEVICE = 7,     /* a device named is not attached, or not known */
	EXIT_NOT_VALID = 8,     /* atelier verify: the certificate does not verify */
	EXIT_POLICY_UNMET = 9,  /* atelier certify: the device does not meet the policy yet */
	EXIT_NO_SESSION = 10,   /* nobody is signed in, the session is over, or sign-in failed */
	EXIT_RECORDS_REMOVED = 11, /* job verify, db check: records were taken away */
};

/* The exit code of a service error. */
int cli_exit_of(enum svc_err err);

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
int cli_cmd_trainee(const struct cli_global *g, int argc, char **argv);
int cli_cmd_report(const struct cli_global *g, int argc, char **argv);
int cli_cmd_job(const struct cli_global *g, int argc, char **argv);
int cli_cmd_checklist(const struct cli_global *g, int argc, char **argv);
int cli_cmd_device(const struct cli_global *g, int argc, char **argv);
int cli_cmd_intake(const struct cli_global *g, int argc, char **argv);
int cli_cmd_certify(const struct cli_global *g, int argc, char **argv);
int cli_cmd_certificate(const struct cli_global *g, int argc, char **argv);
int cli_cmd_label(const struct cli_global *g, int argc, char **argv);
int cli_cmd_verify(const struct cli_global *g, int argc, char **argv);
int cli_cmd_key(const struct cli_global *g, int argc, char **argv);
int cli_cmd_models(const struct cli_global *g, int argc, char **argv);
int cli_cmd_login(const struct cli_global *g, int argc, char **argv);
int cli_cmd_logout(const struct cli_global *g, int argc, char **argv);
int cli_cmd_whoami(const struct cli_global *g, int argc, char **argv);
int cli_cmd_audit(const struct cli_global *g, int argc, char **argv);
int cli_cmd_serve(const struct cli_global *g, int argc, char **argv);

/* ---- the one option helper ---- */

#define CLI_LIST_MAX 32 /* values of a repeatable option */

enum cli_opt_kind {
	CLI_FLAG,   /* --json: DEST is an int, set to 1 */
	CLI_STRING, /* --by NAME or --by=NAME: DEST is a const char *, the last one given */
	CLI_LIST,   /* --part X, repeatable: DEST is a struct cli_list */
};

struct cli_list {
	const char *v[CLI_LIST_MAX];
	size_t n;
};

struct cli_opt {
	const char *name; /* the long name without "--"; NULL ends a table */
	char short_name;  /* -j; 0 when none */
	enum cli_opt_kind kind;
	void *dest;
};

/* --json (-j) into the int DEST; the end of a table. */
#define CLI_JSON(dest) { "json", 'j', CLI_FLAG, (dest) }
#define CLI_END { NULL, 0, 0, NULL }

/* Parse ARGV[1..ARGC-1] of command CMD ("job step"): options from OPTS anywhere among
 * the positionals, "--" ends the options. The positionals go into POS (at most MAX; their
 * number in *N, which must be between MIN and MAX). On a bad line, say why (naming CMD)
 * and return EXIT_USAGE; else EXIT_OK. */
int cli_parse(const char *cmd, int argc, char **argv, const struct cli_opt *opts, const char **pos,
	      size_t min, size_t max, size_t *n);

/* When ARGV asks for --help (or -h) before any "--", print USAGE and return 1. */
int cli_wants_help(int argc, char **argv, const char *usage);

/* ---- running a command on the service layer ---- */

/* A (sub)command: what it needs opened, and what it does. */
struct cli_sub {
	const char *name;           /* "step"; NULL ends a table */
	int (*run)(struct bench *b, int argc, char **argv);
	unsigned open;              /* enum svc_open_flags */
	const char *usage;          /* its own --help */
};

/* Run subcommand ARGV[1] of CMD from SUBS: --help prints USAGE (or the subcommand's);
 * a missing or unknown subcommand is a usage error naming them, found before anything is
 * opened; the context is opened as the subcommand asks, and closed after. */
int cli_run_sub(const struct cli_global *g, const char *cmd, const char *usage,
		const struct cli_sub *subs, int argc, char **argv);
/* The same for a command without subcommands. */
int cli_run_one(const struct cli_global *g, const struct cli_sub *one, int argc, char **argv);

/* Say on standard error why B's last call failed with ERR ("atelier CMD: ...") and
 * return its exit code. */
int cli_report(const char *cmd, struct bench *b, enum svc_err err);
/* Say on standard error that CMD failed ("atelier CMD: ...") and return RC. */
int cli_fail(const char *cmd, int rc, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Report a bad command line: "atelier CMD: ...", then "try 'atelier CMD --help'". */
int cli_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Print VIEW as indented JSON on standard output, then free it; EXIT_OK, or
 * EXIT_FAILURE_OTHER when it cannot be written. */
int cli_print_json(json_t *view);

/* How a command shows a view for a person; CTX is the command's own. */
typedef void (*cli_printer)(const json_t *view, const void *ctx);

/* The end of every command: when the service failed with ERR, say why and return its
 * exit code (with JSON, a VIEW that came with the refusal is printed too); else print
 * VIEW as JSON when JSON, else with PRINT (may be NULL: nothing printed). VIEW is
 * freed. */
/* A JSON array written a row at a time as svc reads them (svc_row_fn: cli_stream_row
 * with a struct cli_stream), one compact object a line; cli_stream_end() closes it, or
 * says why it stopped and returns the exit code. */
struct cli_stream {
	long long rows;
};
int cli_stream_row(json_t *row, void *arg);
int cli_stream_end(const char *cmd, struct bench *b, enum svc_err err, struct cli_stream *s);
int cli_show(const char *cmd, struct bench *b, enum svc_err err, json_t *view, int json,
	     cli_printer print, const void *ctx);
/* A positive whole number (a job, a record) from S into *OUT; 0 when it is not one. */
int cli_number(const char *s, long long *out);
/* Text of a JSON string member KEY of O, or DFLT. */
const char *cli_str(const json_t *o, const char *key, const char *dflt);
/* Write S to OUT with every control character (C0, DEL, C1) shown as '?', so that a
 * note cannot move the cursor or fake a line of the terminal. */
void cli_put_text(FILE *out, const char *s);
/* A copy of S with every control character as '?', newlines kept when KEEP_NL (text
 * written on several lines, as a checklist's step); NULL when S is NULL or memory runs
 * out. The caller frees it. */
char *cli_escape(const char *s, int keep_nl);
/* S with every control character shown as '?', for a printf "%s"; NULL for NULL. The
 * copy is owned here and stays valid for the next 15 calls. */
const char *cli_safe(const char *s);
/* A deep copy of VIEW whose strings (and keys) show every control character as '?': what
 * a printer for a person gets (cli_show does it), so that nothing from outside reaches the
 * terminal raw. NULL for NULL. The caller owns it. */
json_t *cli_clean_view(const json_t *view);

/* ---- secrets, never on the command line ---- */

/* The options that give a secret: --secret-fd N, --secret-file FILE (the first line). */
struct cli_secret_src {
	const char *fd;
	const char *file;
};
#define CLI_SECRET_OPTS(src) \
	{ "secret-fd", 0, CLI_STRING, &(src)->fd }, { "secret-file", 0, CLI_STRING, &(src)->file }

/* A secret into OUT (SECRET_BUF bytes, util/secret.h): from SRC's descriptor or file,
 * else asked on the terminal with PROMPT (twice when CONFIRM). EXIT_OK, or the exit code
 * after saying why (naming CMD). The caller wipes OUT. */
int cli_secret(const char *cmd, const struct cli_secret_src *src, const char *prompt,
	       int confirm, char *out, size_t size);

/* Print the main usage to OUT. */
void cli_usage(FILE *out);

#endif
