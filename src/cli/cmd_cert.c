/*
 * atelier certify DEVICE --by NAME, atelier certificate list|show|export,
 * atelier certificate revoke|revoked, atelier verify FILE, atelier key public|rotate.
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "probe/facts.h"

static const char certify_usage[] =
	"usage: atelier [--data DIR] certify DEVICE [--by NAME] [--json]\n"
	"Check DEVICE (a UDID, serial or IMEI) against the workshop's certification policy\n"
	"(policy.yaml: docs/certificates.md). When every condition is met, sign a\n"
	"certificate of readiness for reuse with the workshop key and mark the device\n"
	"certified; otherwise list every condition not met and change nothing (exit 9).\n"
	"The person signed in (atelier login) certifies: an instructor or an admin; --by,\n"
	"when given, must name that person.\n";

static const char certificate_usage[] =
	"usage: atelier [--data DIR] certificate list [--device DEVICE] [--json]\n"
	"       atelier [--data DIR] certificate show ID [--json]\n"
	"       atelier [--data DIR] certificate export ID [--pdf FILE] [--json FILE]\n"
	"                                                  [--lang en|fr|nl]\n"
	"       atelier [--data DIR] certificate revoke ID --why TEXT [--by NAME] [--json]\n"
	"       atelier [--data DIR] certificate revoked [--output FILE]\n"
	"export writes the signed JSON (the record itself) and/or an A4 PDF with a QR code,\n"
	"in the certificate's language unless --lang says otherwise. revoke withdraws a\n"
	"certificate (an instructor; a device still certified goes back to repair). revoked\n"
	"writes the signed list of withdrawn certificates, for 'verify --revoked'.\n";

static const char verify_usage[] =
	"usage: atelier [--data DIR] verify FILE [--key PUBLIC_KEY] [--revoked LIST] [--json]\n"
	"Check a certificate offline. FILE ('-': standard input) is the certificate's JSON\n"
	"file, or the text of its QR code (atelier-cert:1:ID:SIGNATURE), which is looked up\n"
	"in this workshop's records. The key is the workshop's public key (DATA/keys/\n"
	"workshop.pub) unless --key gives one (the text 'atelier key public' prints, or a\n"
	"file holding it). A certificate withdrawn since (in this workshop's records, or in\n"
	"the signed LIST 'certificate revoked' writes) is not valid. Exit 0: valid; exit 8:\n"
	"not valid, with what is wrong.\n";

static const char key_usage[] =
	"usage: atelier [--data DIR] key public\n"
	"       atelier [--data DIR] key rotate [--by NAME] [--json]\n"
	"       atelier [--data DIR] key benches [--json]\n"
	"       atelier [--data DIR] key enrol BENCH [--by NAME] [--json]\n"
	"public prints the workshop's public key, the one buyers and partners use to check\n"
	"its certificates ('atelier verify FILE --key KEY'). The secret key is never printed.\n"
	"rotate (an admin) retires the key and makes a new one; what the old key signed still\n"
	"verifies here (its public key is kept in DATA/keys/retired/).\n"
	"When the records are on the workshop's server, each bench signs what it records with\n"
	"a key of its own, made by 'atelier init' on that bench; the workshop key stays at the\n"
	"certifying station. benches lists the benches' keys; enrol (an admin, at the\n"
	"certifying station) signs the key bench BENCH gave, after which it may record.\n";

/* ---- certify ---- */

static int run_certify(struct bench *b, int argc, char **argv)
{
	const char *by = NULL, *pos[1];
	int json = 0, rc;
	const struct cli_opt opts[] = { { "by", 'b', CLI_STRING, &by }, CLI_JSON(&json), CLI_END };
	const json_t *reread, *v;
	json_t *view = NULL;
	size_t n, i;

	rc = cli_parse("certify", argc, argv, opts, pos, 1, 1, &n);
	if (rc)
		return rc;
	rc = svc_certify(b, pos[0], by, NULL, &view);
	if (rc != SVC_OK && rc != SVC_EUNMET)
		return cli_report("certify", b, rc);
	reread = json_object_get(view, "reread");
	if (json_is_true(json_object_get(reread, "ok")))
		fprintf(json ? stderr : stdout, "read the device again: its facts are up to date\n");
	else
		fprintf(json ? stderr : stdout,
			"could not read the device now (%s): its last reading is used\n",
			cli_str(reread, "why", "?"));
	if (json) {
		json_object_del(view, "reread");
		cli_print_json(view);
		return cli_exit_of(rc);
	}
	if (rc == SVC_EUNMET) {
		const json_t *unmet = json_object_get(view, "unmet");

		printf("device %s cannot be certified yet; %zu condition%s not met:\n", cli_safe(pos[0]),
		       json_array_size(unmet), json_array_size(unmet) == 1 ? " is" : "s are");
		json_array_foreach(unmet, i, v)
			printf("  - %s\n", cli_safe(json_string_value(v)));
		printf("nothing was changed.\n");
	} else {
		const char *id = cli_str(view, "id", "?");

		printf("certificate %s issued for %s (serial %s): the device is certified\n", id,
		       cli_str(view, "device", "?"), cli_str(view, "serial", "?"));
		printf("export it: atelier certificate export %s --pdf %s.pdf --json %s.json\n", id,
		       id, id);
	}
	json_decref(view);
	return cli_exit_of(rc);
}

int cli_cmd_certify(const struct cli_global *g, int argc, char **argv)
{
	static const struct cli_sub one = { "certify", run_certify, SVC_OPEN_STORE,
					    certify_usage };

	return cli_run_one(g, &one, argc, argv);
}

/* ---- verify ---- */

static void print_valid(const json_t *v, const void *ctx)
{
	const json_t *moved = json_object_get(v, "moved");

	(void)ctx;
	printf("valid: certificate %s for %s (serial %s), issued %s by %s; signed with key %s\n",
	       cli_str(v, "id", "?"), cli_str(v, "device", "?"), cli_str(v, "serial", "?"),
	       cli_str(v, "issued_at", "?"), cli_str(v, "workshop", "?"), cli_str(v, "key_id", "?"));
	for (size_t i = 0; i < json_array_size(json_object_get(v, "warnings")); i++) {
		fputs("warning: ", stdout);
		cli_put_text(stdout, json_string_value(json_array_get(json_object_get(v, "warnings"), i)));
		fputc('\n', stdout);
	}
	if (json_is_object(moved)) {
		printf("warning: since it was certified, the device was moved to %s (",
		       cli_str(moved, "state", "?"));
		cli_put_text(stdout, cli_str(moved, "why", ""));
		printf(")\n");
	}
}

static int run_verify(struct bench *b, int argc, char **argv)
{
	const char *key = NULL, *revoked = NULL, *pos[1];
	int json = 0, rc;
	const struct cli_opt opts[] = { { "key", 'k', CLI_STRING, &key },
					{ "revoked", 'r', CLI_STRING, &revoked }, CLI_JSON(&json),
					CLI_END };
	json_t *view = NULL;
	size_t n;

	rc = cli_parse("verify", argc, argv, opts, pos, 1, 1, &n);
	if (rc)
		return rc;
	rc = svc_verify(b, pos[0], key, revoked, &view);
	if (rc != SVC_ENOTVALID)
		return cli_show("verify", b, rc, view, json, print_valid, NULL);
	/* Not valid is an answer, not a failure of the command: on standard output. */
	if (json)
		cli_print_json(json_pack("{s:b, s:s}", "valid", 0, "why", svc_why(b)));
	else
		printf("NOT VALID: %s\n", cli_safe(svc_why(b)));
	return EXIT_NOT_VALID;
}

int cli_cmd_verify(const struct cli_global *g, int argc, char **argv)
{
	/* The records are read when there are some here (a QR text, a move since). */
	static const struct cli_sub one = { "verify", run_verify, SVC_OPEN_STORE | SVC_OPEN_TRY,
					    verify_usage };

	return cli_run_one(g, &one, argc, argv);
}

/* ---- key ---- */

static void print_key(const json_t *v, const void *ctx)
{
	(void)ctx;
	printf("%s\n", cli_str(v, "public_key", "?"));
}

static int key_public(struct bench *b, int argc, char **argv)
{
	json_t *view = NULL;
	size_t n;
	int rc;

	rc = cli_parse("key public", argc, argv, NULL, NULL, 0, 0, &n);
	if (rc)
		return rc;
	rc = svc_key_public(b, &view);
	return cli_show("key", b, rc, view, 0, print_key, NULL);
}

static void print_rotated(const json_t *v, const void *ctx)
{
	(void)ctx;
	printf("the workshop key is now %s; key %s is retired (what it signed still verifies)\n",
	       cli_str(v, "key_id", "?"), cli_str(v, "retired", "?"));
}

static int key_rotate(struct bench *b, int argc, char **argv)
{
	const char *by = NULL;
	int json = 0, rc;
	const struct cli_opt opts[] = { { "by", 'b', CLI_STRING, &by }, CLI_JSON(&json), CLI_END };
	json_t *view = NULL;
	size_t n;

	rc = cli_parse("key rotate", argc, argv, opts, NULL, 0, 0, &n);
	if (rc)
		return rc;
	rc = svc_key_rotate(b, by, &view);
	return cli_show("key", b, rc, view, json, print_rotated, NULL);
}

static void print_benches(const json_t *v, const void *ctx)
{
	const json_t *list = json_object_get(v, "benches"), *it;
	size_t i;

	(void)ctx;
	if (json_array_size(list) == 0)
		printf("no bench has given its key (a bench gives it with 'atelier init')\n");
	json_array_foreach(list, i, it) {
		if (json_is_true(json_object_get(it, "enrolled")))
			printf("%-20s key %s  enrolled %s\n", cli_str(it, "bench", "?"),
			       cli_str(it, "key_id", "?"), cli_str(it, "enrolled_at", "?"));
		else
			printf("%-20s key %s  not trusted: %s\n", cli_str(it, "bench", "?"),
			       cli_str(it, "key_id", "?"), cli_str(it, "why", "?"));
	}
}

static int key_benches(struct bench *b, int argc, char **argv)
{
	int json = 0, rc;
	const struct cli_opt opts[] = { CLI_JSON(&json), CLI_END };
	json_t *view = NULL;
	size_t n;

	rc = cli_parse("key benches", argc, argv, opts, NULL, 0, 0, &n);
	if (rc)
		return rc;
	rc = svc_bench_keys(b, &view);
	return cli_show("key", b, rc, view, json, print_benches, NULL);
}

static void print_enrolled(const json_t *v, const void *ctx)
{
	(void)ctx;
	printf("bench %s's key %s is enrolled (signed by the workshop key %s): it may record\n",
	       cli_str(v, "bench", "?"), cli_str(v, "key_id", "?"), cli_str(v, "signer", "?"));
}

static int key_enrol(struct bench *b, int argc, char **argv)
{
	const char *by = NULL, *pos[1];
	int json = 0, rc;
	const struct cli_opt opts[] = { { "by", 'b', CLI_STRING, &by }, CLI_JSON(&json), CLI_END };
	json_t *view = NULL;
	size_t n;

	rc = cli_parse("key enrol", argc, argv, opts, pos, 1, 1, &n);
	if (rc)
		return rc;
	rc = svc_bench_enrol(b, by, pos[0], &view);
	return cli_show("key", b, rc, view, json, print_enrolled, NULL);
}

int cli_cmd_key(const struct cli_global *g, int argc, char **argv)
{
	static const struct cli_sub subs[] = {
		{ "public", key_public, SVC_OPEN_DIR, NULL },
		{ "rotate", key_rotate, SVC_OPEN_STORE, NULL },
		{ "benches", key_benches, SVC_OPEN_STORE, NULL },
		{ "enrol", key_enrol, SVC_OPEN_STORE, NULL },
		{ NULL, NULL, 0, NULL },
	};

	return cli_run_sub(g, "key", key_usage, subs, argc, argv);
}

/* ---- certificate ---- */

static void print_exported(const json_t *v, const void *ctx)
{
	(void)ctx;
	if (json_is_string(json_object_get(v, "json")))
		printf("wrote %s (the signed certificate)\n", cli_str(v, "json", "?"));
	if (json_is_string(json_object_get(v, "pdf")))
		printf("wrote %s (A4, %s, with its QR code)\n", cli_str(v, "pdf", "?"),
		       cli_str(v, "lang", "?"));
}

static int cert_export(struct bench *b, int argc, char **argv)
{
	struct svc_export req = { 0 };
	const char *pos[1];
	const struct cli_opt opts[] = { { "pdf", 'p', CLI_STRING, &req.pdf },
					{ "json", 0, CLI_STRING, &req.json },
					{ "lang", 'l', CLI_STRING, &req.lang }, CLI_END };
	json_t *view = NULL;
	size_t n;
	int rc;

	rc = cli_parse("certificate export", argc, argv, opts, pos, 1, 1, &n);
	if (rc)
		return rc;
	req.id = pos[0];
	if (!req.pdf && !req.json)
		return cli_usage_error("certificate", "export needs ID and --pdf FILE or --json FILE");
	rc = svc_cert_export(b, &req, &view);
	return cli_show("certificate", b, rc, view, 0, print_exported, NULL);
}

static void print_cert(const json_t *v, const void *ctx)
{
	const json_t *cert = json_object_get(v, "certificate");
	const char *name = facts_json_string(cert, "device.marketing_name");

	(void)ctx;
	printf("certificate %s, issued %s by %s\n", cli_str(v, "id", "?"),
	       facts_json_string(cert, "issued_at"), facts_json_string(cert, "workshop.name"));
	printf("  device    %s, serial %s\n",
	       name ? name : cli_str(json_object_get(cert, "device"), "model_id", "device"),
	       cli_str(json_object_get(cert, "device"), "serial", "unknown"));
	printf("  battery   %.1f %% health\n",
	       json_number_value(facts_json_at(cert, "battery.health_pct")));
	printf("  grade     %s (%s)\n", facts_json_string(cert, "cosmetic.grade"),
	       facts_json_string(cert, "cosmetic.label"));
	printf("  approved  by %s\n", facts_json_string(cert, "approved_by"));
	printf("  key       %s\n", cli_str(v, "key_id", "?"));
}

static int cert_show(struct bench *b, int argc, char **argv)
{
	int json = 0, rc;
	const struct cli_opt opts[] = { CLI_JSON(&json), CLI_END };
	const char *pos[1];
	json_t *view = NULL;
	size_t n;

	rc = cli_parse("certificate show", argc, argv, opts, pos, 1, 1, &n);
	if (rc)
		return rc;
	rc = svc_cert_get(b, pos[0], &view);
	if (rc == SVC_OK && json) {
		/* The record itself, byte for byte: what verify checks. */
		fputs(cli_str(view, "body", ""), stdout);
		json_decref(view);
		return EXIT_OK;
	}
	return cli_show("certificate", b, rc, view, 0, print_cert, NULL);
}

static void print_certs(const json_t *view, const void *ctx)
{
	json_t *c;
	size_t i;

	(void)ctx;
	json_array_foreach(view, i, c)
		printf("%s  %s  %s  %s\n", cli_str(c, "id", "?"), cli_str(c, "issued_at", "?"),
		       cli_str(c, "device", "?"), cli_str(c, "serial", ""));
	if (json_array_size(view) == 0)
		printf("no certificate yet\n");
}

static int cert_list(struct bench *b, int argc, char **argv)
{
	const char *device = NULL;
	int json = 0, rc;
	const struct cli_opt opts[] = { { "device", 'd', CLI_STRING, &device }, CLI_JSON(&json),
					CLI_END };
	json_t *view = NULL;
	size_t n;

	rc = cli_parse("certificate list", argc, argv, opts, NULL, 0, 0, &n);
	if (rc)
		return rc;
	rc = svc_cert_list(b, device, &view);
	return cli_show("certificate", b, rc, view, json, print_certs, NULL);
}

static void print_revoked(const json_t *v, const void *ctx)
{
	(void)ctx;
	printf("certificate %s withdrawn by %s: ", cli_str(v, "id", "?"), cli_str(v, "by", "?"));
	cli_put_text(stdout, cli_str(v, "why", ""));
	putchar('\n');
	if (json_is_string(json_object_get(v, "device_moved_to")))
		printf("its device is back in %s\n", cli_str(v, "device_moved_to", "?"));
}

static int cert_revoke(struct bench *b, int argc, char **argv)
{
	const char *by = NULL, *why = NULL, *pos[1];
	int json = 0, rc;
	const struct cli_opt opts[] = { { "by", 'b', CLI_STRING, &by },
					{ "why", 'w', CLI_STRING, &why }, CLI_JSON(&json), CLI_END };
	json_t *view = NULL;
	size_t n;

	rc = cli_parse("certificate revoke", argc, argv, opts, pos, 1, 1, &n);
	if (rc)
		return rc;
	rc = svc_cert_revoke(b, pos[0], by, why, &view);
	return cli_show("certificate", b, rc, view, json, print_revoked, NULL);
}

static void print_list_written(const json_t *v, const void *ctx)
{
	printf("wrote %s (%zu certificates withdrawn, signed)\n", (const char *)ctx,
	       json_array_size(json_object_get(v, "revoked")));
}

static int cert_revoked(struct bench *b, int argc, char **argv)
{
	const char *output = NULL;
	const struct cli_opt opts[] = { { "output", 'o', CLI_STRING, &output }, CLI_END };
	json_t *view = NULL;
	size_t n;
	int rc;

	rc = cli_parse("certificate revoked", argc, argv, opts, NULL, 0, 0, &n);
	if (rc)
		return rc;
	rc = svc_revocation_list(b, output, &view);
	return cli_show("certificate", b, rc, view, output == NULL, print_list_written, output);
}

int cli_cmd_certificate(const struct cli_global *g, int argc, char **argv)
{
	static const struct cli_sub subs[] = {
		{ "revoke", cert_revoke, SVC_OPEN_STORE, NULL },
		{ "revoked", cert_revoked, SVC_OPEN_STORE, NULL },
		{ "list", cert_list, SVC_OPEN_STORE, NULL },
		{ "show", cert_show, SVC_OPEN_STORE, NULL },
		{ "export", cert_export, SVC_OPEN_STORE, NULL },
		{ NULL, NULL, 0, NULL },
	};

	return cli_run_sub(g, "certificate", certificate_usage, subs, argc, argv);
}
