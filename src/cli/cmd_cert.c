/*
 * atelier certify DEVICE --by NAME, atelier certificate list|show|export,
 * atelier verify FILE, atelier key public.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cert/certify.h"
#include "cert/policy.h"
#include "cert/sign.h"
#include "cli/cli.h"
#include "probe/facts.h"
#include "store/store.h"
#include "util/clock.h"
#include "util/file.h"

#define CERT_FILE_MAX (1u << 20)
/* How long certify waits for the device to be read again (trust, unlock). */
#define CERTIFY_READ_MS 15000

static const char certify_usage[] =
	"usage: atelier [--data DIR] certify DEVICE --by NAME [--json]\n"
	"Check DEVICE (a UDID, serial or IMEI) against the workshop's certification policy\n"
	"(policy.yaml: docs/certificates.md). When every condition is met, sign a\n"
	"certificate of readiness for reuse with the workshop key and mark the device\n"
	"certified; otherwise list every condition not met and change nothing (exit 9).\n"
	"NAME must be an instructor or an admin.\n";

static const char certificate_usage[] =
	"usage: atelier [--data DIR] certificate list [--device DEVICE] [--json]\n"
	"       atelier [--data DIR] certificate show ID [--json]\n"
	"       atelier [--data DIR] certificate export ID [--pdf FILE] [--json FILE]\n"
	"                                                  [--lang en|fr|nl]\n"
	"export writes the signed JSON (the record itself) and/or an A4 PDF with a QR code,\n"
	"in the certificate's language unless --lang says otherwise.\n";

static const char verify_usage[] =
	"usage: atelier [--data DIR] verify FILE [--key PUBLIC_KEY]\n"
	"Check a certificate offline. FILE ('-': standard input) is the certificate's JSON\n"
	"file, or the text of its QR code (atelier-cert:1:ID:SIGNATURE), which is looked up\n"
	"in this workshop's records. The key is the workshop's public key (DATA/keys/\n"
	"workshop.pub) unless --key gives one (the text 'atelier key public' prints, or a\n"
	"file holding it). Exit 0: valid; exit 8: not valid, with what is wrong.\n";

static const char key_usage[] =
	"usage: atelier [--data DIR] key public\n"
	"Print the workshop's public key, the one buyers and partners use to check its\n"
	"certificates ('atelier verify FILE --key KEY'). The secret key is never printed.\n";

#define fail(cmd, ...) cli_fail(cmd, EXIT_FAILURE_OTHER, __VA_ARGS__)

/* Read FILE ("-": standard input) whole, at most MAX bytes; *LEN its length. On
 * failure WHY says what went wrong, naming the file. */
static char *slurp(const char *file, size_t max, size_t *len, char *why, size_t size)
{
	enum file_err e;
	char *buf = file_read(file, max, len, &e);

	if (!buf && e == FILE_ETOOBIG)
		snprintf(why, size, "%s is larger than a certificate can be (%zu bytes)", file, max);
	else if (!buf)
		snprintf(why, size, "cannot read %s: %s", file, strerror(errno));
	return buf;
}

static const char *device_name(const json_t *cert)
{
	const char *n = facts_json_string(cert, "device.marketing_name");

	if (!n)
		n = facts_json_string(cert, "device.model_id");
	return n ? n : "device";
}

static const char *device_serial(const json_t *cert)
{
	const char *s = facts_json_string(cert, "device.serial");

	return s ? s : "unknown";
}
/* ---- certify ---- */

static int print_unmet(const char *device, const json_t *unmet, int as_json)
{
	size_t i;
	json_t *v;

	if (as_json) {
		json_t *o = json_pack("{s:b, s:O}", "certified", 0, "unmet", unmet);

		json_dumpf(o, stdout, JSON_INDENT(2));
		fputc('\n', stdout);
		json_decref(o);
		return EXIT_POLICY_UNMET;
	}
	printf("device %s cannot be certified yet; %zu condition%s not met:\n", device,
	       json_array_size(unmet), json_array_size(unmet) == 1 ? " is" : "s are");
	json_array_foreach(unmet, i, v)
		printf("  - %s\n", json_string_value(v));
	printf("nothing was changed.\n");
	return EXIT_POLICY_UNMET;
}

/* Sign CERT, keep it and move the device to certified. */
static int issue(struct store *st, const char *dir, const struct store_device_row *dev,
		 const struct store_user *by, json_t *cert, const char *from, int as_json)
{
	unsigned char sk[SIGN_SK_BYTES], pk[SIGN_PK_BYTES];
	struct store_certificate rec = { 0 };
	char why[512], reason[128], *text = NULL, *body = NULL;
	enum sign_err se;
	enum store_err err;
	int rc = EXIT_OK;

	se = sign_key_secret(dir, sk, why, sizeof(why));
	if (se == SIGN_OK)
		se = sign_key_public(dir, pk, why, sizeof(why));
	if (se == SIGN_ENOKEY)
		return fail("certify", "no workshop key (%s): run 'atelier init', which adds it",
			    why);
	if (se != SIGN_OK)
		return fail("certify", "%s", why);
	se = sign_object(cert, sk, pk);
	sodium_memzero(sk, sizeof(sk));
	text = se == SIGN_OK ? sign_canonical(cert) : NULL;
	if (!text || asprintf(&body, "%s\n", text) < 0) {
		body = NULL;
		rc = fail("certify", "cannot sign the certificate (%s)", sign_strerror(se));
		goto out;
	}
	snprintf(rec.id, sizeof(rec.id), "%s", json_string_value(json_object_get(cert, "id")));
	rec.device_id = dev->id;
	rec.issued_ms = clock_wall_ms();
	rec.by_user = by->id;
	sign_key_id(pk, rec.key_id);
	rec.body = body;
	snprintf(reason, sizeof(reason), "certificate %s issued", rec.id);
	err = store_certificate_add(st, &rec, from, reason);
	if (err == STORE_ESTALE) {
		rc = fail("certify", "the device's state changed while it was checked: run "
				     "'atelier certify' again");
		goto out;
	}
	if (err) {
		rc = fail("certify", "cannot record the certificate (%s)",
			  store_last_error_message());
		goto out;
	}
	if (as_json) {
		json_t *o = json_pack("{s:b, s:s, s:O}", "certified", 1, "id", rec.id,
				      "certificate", cert);

		json_dumpf(o, stdout, JSON_INDENT(2));
		fputc('\n', stdout);
		json_decref(o);
	} else {
		printf("certificate %s issued for %s (serial %s): the device is certified\n",
		       rec.id, device_name(cert), device_serial(cert));
		printf("export it: atelier certificate export %s --pdf %s.pdf --json %s.json\n",
		       rec.id, rec.id, rec.id);
	}
out:
	free(text);
	free(body);
	return rc;
}

int cli_cmd_certify(const struct cli_global *g, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "by", required_argument, NULL, 'b' },
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	const char *by_name = NULL;
	struct store *st = NULL;
	struct store_device_row dev;
	struct store_user by;
	struct policy policy;
	struct certify_outcome out = { 0 };
	char dir[4096], why[1024];
	int ch, as_json = 0, rc;

	if (cli_wants_help(argc, argv, certify_usage))
		return EXIT_OK;
	optind = 0;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "b:j", opts, NULL)) != -1) {
		if (ch == 'b')
			by_name = optarg;
		else if (ch == 'j')
			as_json = 1;
		else
			return cli_usage_error("certify", "unknown option '%s'", argv[optind - 1]);
	}
	if (argc - optind != 1 || !by_name)
		return cli_usage_error("certify", "certify needs DEVICE and --by NAME");
	rc = cli_store(g, 0, &st, dir, sizeof(dir));
	if (rc)
		return rc;
	if (store_find_device(st, argv[optind], &dev) != STORE_OK) {
		rc = fail("certify", "no device '%s' is known (atelier device list)", argv[optind]);
		goto out;
	}
	if (store_user_find(st, by_name, &by) != STORE_OK || !by.active) {
		rc = fail("certify", "'%s' is not an active user (atelier user list)", by_name);
		goto out;
	}
	if (strcmp(by.role, "instructor") != 0 && strcmp(by.role, "admin") != 0) {
		rc = fail("certify", "%s is a %s: only an instructor or an admin can certify a "
				     "device",
			  by.name, by.role);
		goto out;
	}
	if (policy_load(&policy, dir, why, sizeof(why)) != POLICY_OK) {
		rc = fail("certify", "the certification policy cannot be used: %s", why);
		goto out;
	}
	/* Certify what the device is now: read it again when it is plugged in. */
	{
		json_t *facts = NULL;
		FILE *note = as_json ? stderr : stdout;

		if (cli_read_device(st, dev.id, CERTIFY_READ_MS, &facts, why, sizeof(why)) == 0)
			fprintf(note, "read the device again: its facts are up to date\n");
		else
			fprintf(note, "could not read the device now (%s): its last reading is used\n",
				why);
		json_decref(facts);
	}
	switch (certify_evaluate(st, &policy, dev.id, &by, clock_wall_ms(), &out, why,
				 sizeof(why))) {
	case CERTIFY_OK:
		break;
	case CERTIFY_ENODEV:
		rc = fail("certify", "no device '%s' is known", argv[optind]);
		goto out;
	default:
		rc = fail("certify", "cannot evaluate the policy: %s", why);
		goto out;
	}
	if (json_array_size(out.unmet))
		rc = print_unmet(argv[optind], out.unmet, as_json);
	else
		rc = issue(st, dir, &dev, &by, out.cert, out.from_state, as_json);
out:
	certify_outcome_release(&out);
	store_free(st);
	return rc;
}

/* ---- verify ---- */

/* QR text "atelier-cert:1:ID:SIG": look ID up in the store, compare SIG, check it. */
static int check_qr(struct store *st, char *text, const unsigned char pk[SIGN_PK_BYTES],
		    json_t **out, char *why, size_t size)
{
	struct store_certificate rec = { 0 };
	unsigned char given[64], kept[64];
	char *id = text + strlen(CERTIFY_QR_PREFIX), *sig;
	const char *kept_sig;
	enum store_err err;
	int rc = -1;

	text[strcspn(text, "\r\n")] = '\0';
	sig = strrchr(id, ':');
	if (!sig || sign_value_decode(sig + 1, given) != 0) {
		snprintf(why, size, "the QR text has no well-formed signature after the id");
		return -1;
	}
	*sig = '\0';
	if (!st) {
		snprintf(why, size, "a QR code is checked against this workshop's records, and "
				    "there are none here: check the certificate's JSON file instead");
		return -1;
	}
	err = store_certificate_get(st, id, &rec);
	if (err == STORE_ENOENT) {
		snprintf(why, size, "certificate %s is not in this workshop's records", id);
		goto out;
	}
	if (err) {
		snprintf(why, size, "cannot read the records: %s", store_last_error_message());
		goto out;
	}
	if (certify_verify_text(id, rec.body, strlen(rec.body), pk, out, why, size) != 0)
		goto out;
	kept_sig = json_string_value(
		json_object_get(json_object_get(*out, "signature"), "value"));
	if (sign_value_decode(kept_sig, kept) != 0 || memcmp(kept, given, sizeof(kept)) != 0) {
		snprintf(why, size, "the QR code's signature is not the one certificate %s was "
				    "issued with",
			 id);
		goto out;
	}
	rc = 0;
out:
	store_certificate_release(&rec);
	return rc;
}

/* A valid certificate of this workshop whose device went back to work (a return, a
 * fault found) or elsewhere since: say so, with the move that changed it. */
static void warn_if_moved(struct store *st, const char *id)
{
	struct store_certificate rec = { 0 };
	struct store_device_row dev;
	struct store_device_event *ev = NULL;
	size_t n = 0;

	if (!st || !id)
		return;
	if (store_certificate_get(st, id, &rec) == STORE_OK &&
	    store_device_get(st, rec.device_id, &dev) == STORE_OK &&
	    strcmp(dev.state, "certified") != 0 && strcmp(dev.state, "sold") != 0 &&
	    store_device_events(st, dev.id, &ev, &n) == STORE_OK && n > 0)
		printf("warning: since it was certified, the device was moved to %s (%s)\n",
		       dev.state, ev[n - 1].reason);
	free(ev);
	store_certificate_release(&rec);
}
/* The public key to check with: --key (text or file), else the data directory's. */
static int verify_key(const struct cli_global *g, const char *key, unsigned char pk[SIGN_PK_BYTES])
{
	char dir[4096], why[512], *text;
	size_t len;
	enum sign_err se;

	if (key) {
		if (sign_public_parse(key, pk) == SIGN_OK)
			return EXIT_OK;
		text = slurp(key, 4096, &len, why, sizeof(why));
		se = text ? sign_public_parse(text, pk) : SIGN_EBADKEY;
		free(text);
		if (se == SIGN_OK)
			return EXIT_OK;
		return cli_usage_error("verify", "--key '%s' is neither a public key ('ed25519:...') "
					"nor a file holding one",
				       key);
	}
	if (cli_data_dir(g, dir, sizeof(dir)) != EXIT_OK)
		return EXIT_NO_DATA;
	se = sign_key_public(dir, pk, why, sizeof(why));
	if (se == SIGN_OK)
		return EXIT_OK;
	fprintf(stderr, "atelier verify: no workshop public key here (%s): give it with --key "
			"(the text 'atelier key public' prints on the workshop's bench)\n",
		why);
	return EXIT_NO_DATA;
}

int cli_cmd_verify(const struct cli_global *g, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "key", required_argument, NULL, 'k' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned char pk[SIGN_PK_BYTES];
	const char *key = NULL, *file;
	char why[1024], kid[SIGN_KEY_ID_HEX], dir[4096], *buf;
	struct store *st = NULL;
	json_t *cert = NULL;
	size_t len = 0;
	int ch, rc, bad;

	if (cli_wants_help(argc, argv, verify_usage))
		return EXIT_OK;
	optind = 0;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "k:", opts, NULL)) != -1) {
		if (ch != 'k')
			return cli_usage_error("verify", "unknown option '%s'", argv[optind - 1]);
		key = optarg;
	}
	if (argc - optind != 1)
		return cli_usage_error("verify", "verify needs FILE (a certificate or a QR text)");
	file = argv[optind];
	rc = verify_key(g, key, pk);
	if (rc)
		return rc;
	buf = slurp(file, CERT_FILE_MAX, &len, why, sizeof(why));
	if (!buf) {
		fprintf(stderr, "atelier verify: %s\n", why);
		return EXIT_NOT_VALID;
	}
	/* This workshop's records, when there are some here: a QR text is looked up in
	 * them, and a valid certificate's device is checked for a move since. */
	if (cli_data_dir(g, dir, sizeof(dir)) != EXIT_OK || store_open(dir, 0, &st, NULL) != STORE_OK)
		st = NULL;
	if (strncmp(buf, CERTIFY_QR_PREFIX, strlen(CERTIFY_QR_PREFIX)) == 0)
		bad = check_qr(st, buf, pk, &cert, why, sizeof(why));
	else
		bad = certify_verify_text(strcmp(file, "-") ? file : "standard input", buf, len, pk, &cert,
				 why, sizeof(why));
	sign_key_id(pk, kid);
	if (bad) {
		printf("NOT VALID: %s\n", why);
		rc = EXIT_NOT_VALID;
	} else {
		json_t *w = json_object_get(cert, "workshop");

		printf("valid: certificate %s for %s (serial %s), issued %s by %s; signed with "
		       "key %s\n",
		       json_string_value(json_object_get(cert, "id")), device_name(cert),
		       device_serial(cert),
		       json_string_value(json_object_get(cert, "issued_at")),
		       json_string_value(json_object_get(w, "name")), kid);
		warn_if_moved(st, json_string_value(json_object_get(cert, "id")));
	}
	json_decref(cert);
	free(buf);
	store_free(st);
	return rc;
}

/* ---- key ---- */

int cli_cmd_key(const struct cli_global *g, int argc, char **argv)
{
	unsigned char pk[SIGN_PK_BYTES];
	char dir[4096], why[512], text[SIGN_PUBLIC_TEXT];
	enum sign_err se;

	if (cli_wants_help(argc, argv, key_usage))
		return EXIT_OK;
	if (argc != 2 || strcmp(argv[1], "public") != 0)
		return cli_usage_error("key", "the subcommand is 'key public'");
	if (cli_data_dir(g, dir, sizeof(dir)) != EXIT_OK)
		return EXIT_NO_DATA;
	se = sign_key_public(dir, pk, why, sizeof(why));
	if (se == SIGN_ENOKEY) {
		fprintf(stderr, "atelier key: no workshop key yet (%s): run 'atelier init'\n", why);
		return EXIT_NO_DATA;
	}
	if (se != SIGN_OK)
		return fail("key", "%s", why);
	sign_public_text(pk, text);
	printf("%s\n", text);
	return EXIT_OK;
}

/* ---- certificate ---- */

static int cert_load(struct store *st, const char *id, struct store_certificate *rec,
		     json_t **cert)
{
	enum store_err err = store_certificate_get(st, id, rec);

	if (err == STORE_ENOENT)
		return fail("certificate", "no certificate '%s' (atelier certificate list)", id);
	if (err)
		return fail("certificate", "cannot read certificate %s (%s)", id,
			    store_last_error_message());
	*cert = json_loads(rec->body, 0, NULL);
	if (!*cert)
		return fail("certificate", "certificate %s is damaged in the database: run "
					   "'atelier db check'",
			    id);
	return EXIT_OK;
}

/* The atelier-pdf program into OUT: beside this one (a build tree), else in
 * ../lib/atelier from it (an installed tree, wherever it was moved), else where
 * make install put it. */
static int pdf_helper(char *out, size_t size)
{
	static const char *const places[] = { "%s/atelier-pdf", "%s/../lib/atelier/atelier-pdf" };
	char exe[PATH_MAX], *slash;
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	if (n > 0) {
		exe[n] = '\0';
		slash = strrchr(exe, '/');
		if (slash)
			*slash = '\0';
		for (size_t i = 0; slash && i < sizeof(places) / sizeof(places[0]); i++)
			if (snprintf(out, size, places[i], exe) < (int)size && access(out, X_OK) == 0)
				return 0;
	}
	snprintf(out, size, "%s/atelier-pdf", ATELIER_LIBEXECDIR);
	return access(out, X_OK);
}

/* Write all LEN bytes of BUF to FD; 0 on success. */
static int write_all(int fd, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t w = write(fd, buf, len);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		buf += w;
		len -= (size_t)w;
	}
	return 0;
}

/* Run atelier-pdf on certificate text BODY to write FILE; what it says on failure goes
 * into WHY. 0 when FILE was written. */
static int run_pdf_helper(const char *body, const char *qr, const char *lang, const char *file,
			  char *why, size_t size)
{
	char helper[PATH_MAX];
	char *args[] = { helper, (char *)file, (char *)lang, (char *)qr, NULL };
	posix_spawn_file_actions_t fa;
	int in[2] = { -1, -1 }, err[2] = { -1, -1 }, status = 0, rc = -1, spawned;
	size_t got = 0;
	ssize_t r;
	pid_t pid;

	if (pdf_helper(helper, sizeof(helper)) != 0) {
		snprintf(why, size, "cannot find atelier-pdf (looked beside atelier and in %s): "
				    "reinstall Atelier",
			 ATELIER_LIBEXECDIR);
		return -1;
	}
	if (pipe2(in, O_CLOEXEC) != 0 || pipe2(err, O_CLOEXEC) != 0) {
		snprintf(why, size, "cannot start atelier-pdf: %s", strerror(errno));
		goto out;
	}
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, in[0], 0);
	posix_spawn_file_actions_adddup2(&fa, err[1], 2);
	spawned = posix_spawn(&pid, helper, &fa, NULL, args, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (spawned != 0) {
		snprintf(why, size, "cannot start atelier-pdf: %s", strerror(spawned));
		goto out;
	}
	close(in[0]);
	close(err[1]);
	in[0] = err[1] = -1;
	(void)write_all(in[1], body, strlen(body)); /* a failure shows in its exit status */
	close(in[1]);
	in[1] = -1;
	why[0] = '\0';
	while (got + 1 < size && ((r = read(err[0], why + got, size - 1 - got)) > 0 ||
				  (r < 0 && errno == EINTR)))
		got += r > 0 ? (size_t)r : 0;
	why[got] = '\0';
	why[strcspn(why, "\n")] = '\0';
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		rc = 0;
	else if (!why[0])
		snprintf(why, size, "atelier-pdf stopped before the PDF was written");
out:
	for (int i = 0; i < 2; i++) {
		if (in[i] >= 0)
			close(in[i]);
		if (err[i] >= 0)
			close(err[i]);
	}
	return rc;
}

/* The PDF goes to a temporary file renamed over FILE: whole or not at all. */
static int write_pdf(const char *body, const char *qr, const char *lang, const char *file,
		     char *why, size_t size)
{
	char tmp[PATH_MAX];

	if (snprintf(tmp, sizeof(tmp), "%s.tmp%ld", file, (long)getpid()) >= (int)sizeof(tmp)) {
		snprintf(why, size, "%s: path too long", file);
		return -1;
	}
	if (run_pdf_helper(body, qr, lang, tmp, why, size) != 0) {
		(void)unlink(tmp);
		return -1;
	}
	if (rename(tmp, file) != 0) {
		snprintf(why, size, "cannot write %s: %s", file, strerror(errno));
		(void)unlink(tmp);
		return -1;
	}
	return 0;
}

static int cert_export(struct store *st, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "pdf", required_argument, NULL, 'p' },
		{ "json", required_argument, NULL, 'j' },
		{ "lang", required_argument, NULL, 'l' },
		{ NULL, 0, NULL, 0 },
	};
	const char *pdf = NULL, *jsonf = NULL, *lang = NULL;
	struct store_certificate rec = { 0 };
	json_t *cert = NULL;
	char why[1024], qr[256];
	int ch, rc;

	optind = 0;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "p:j:l:", opts, NULL)) != -1) {
		if (ch == 'p')
			pdf = optarg;
		else if (ch == 'j')
			jsonf = optarg;
		else if (ch == 'l')
			lang = optarg;
		else
			return cli_usage_error("certificate", "unknown option '%s'",
					       argv[optind - 1]);
	}
	if (argc - optind != 1 || (!pdf && !jsonf))
		return cli_usage_error("certificate", "export needs ID and --pdf FILE or --json FILE");
	if (lang && strcmp(lang, "en") && strcmp(lang, "fr") && strcmp(lang, "nl"))
		return cli_usage_error("certificate", "--lang is en, fr or nl, not '%s'", lang);
	rc = cert_load(st, argv[optind], &rec, &cert);
	if (rc)
		goto out;
	if (!lang)
		lang = json_string_value(json_object_get(cert, "language"));
	if (jsonf && file_write(jsonf, rec.body, strlen(rec.body), 0644, 1) != FILE_OK) {
		rc = fail("certificate", "cannot write %s: %s", jsonf, strerror(errno));
		goto out;
	}
	if (pdf && certify_qr_text(cert, qr, sizeof(qr)) != 0) {
		rc = fail("certificate", "certificate %s has no usable signature", rec.id);
		goto out;
	}
	if (pdf && write_pdf(rec.body, qr, lang ? lang : "en", pdf, why, sizeof(why)) != 0) {
		rc = fail("certificate", "%s", why);
		goto out;
	}
	if (jsonf)
		printf("wrote %s (the signed certificate)\n", jsonf);
	if (pdf)
		printf("wrote %s (A4, %s, with its QR code)\n", pdf, lang ? lang : "en");
out:
	json_decref(cert);
	store_certificate_release(&rec);
	return rc;
}

static int cert_show(struct store *st, int argc, char **argv)
{
	struct store_certificate rec = { 0 };
	json_t *cert = NULL;
	int as_json = argc == 3 && strcmp(argv[2], "--json") == 0, rc;

	if (argc != 2 && !as_json)
		return cli_usage_error("certificate", "usage: certificate show ID [--json]");
	rc = cert_load(st, argv[1], &rec, &cert);
	if (rc)
		goto out;
	if (as_json) {
		fputs(rec.body, stdout);
		goto out;
	}
	printf("certificate %s, issued %s by %s\n", rec.id,
	       facts_json_string(cert, "issued_at"), facts_json_string(cert, "workshop.name"));
	printf("  device    %s, serial %s\n", device_name(cert), device_serial(cert));
	printf("  battery   %.1f %% health\n",
	       json_number_value(facts_json_at(cert, "battery.health_pct")));
	printf("  grade     %s (%s)\n", facts_json_string(cert, "cosmetic.grade"),
	       facts_json_string(cert, "cosmetic.label"));
	printf("  approved  by %s\n", facts_json_string(cert, "approved_by"));
	printf("  key       %s\n", rec.key_id);
out:
	json_decref(cert);
	store_certificate_release(&rec);
	return rc;
}

static int cert_list(struct store *st, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "device", required_argument, NULL, 'd' },
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	struct store_certificate *certs = NULL;
	struct store_device_row dev = { 0 };
	const char *device = NULL;
	json_t *arr = json_array();
	size_t n = 0;
	int ch, as_json = 0, rc = EXIT_OK;

	optind = 0;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "d:j", opts, NULL)) != -1) {
		if (ch == 'd') {
			device = optarg;
		} else if (ch == 'j') {
			as_json = 1;
		} else {
			json_decref(arr);
			return cli_usage_error("certificate", "unknown option '%s'",
					       argv[optind - 1]);
		}
	}
	if (device && store_find_device(st, device, &dev) != STORE_OK) {
		json_decref(arr);
		return fail("certificate", "no device '%s' is known", device);
	}
	if (store_certificate_list(st, dev.id, &certs, &n) != STORE_OK) {
		json_decref(arr);
		return fail("certificate", "cannot list (%s)", store_last_error_message());
	}
	for (size_t i = 0; i < n; i++) {
		json_t *c = json_loads(certs[i].body, 0, NULL);
		const char *serial = facts_json_string(c, "device.serial");

		json_array_append_new(arr, json_pack("{s:s, s:s, s:s?, s:s?, s:s}", "id",
						     certs[i].id, "device", device_name(c), "serial",
						     serial, "issued_at",
						     json_string_value(json_object_get(c, "issued_at")),
						     "key_id", certs[i].key_id));
		if (!as_json)
			printf("%s  %s  %s  %s\n", certs[i].id,
			       json_string_value(json_object_get(c, "issued_at")),
			       device_name(c), serial ? serial : "");
		json_decref(c);
	}
	if (as_json) {
		json_dumpf(arr, stdout, JSON_INDENT(2));
		fputc('\n', stdout);
	} else if (n == 0) {
		printf("no certificate yet\n");
	}
	json_decref(arr);
	store_certificates_free(certs, n);
	return rc;
}

int cli_cmd_certificate(const struct cli_global *g, int argc, char **argv)
{
	static const struct cli_sub subs[] = {
		{ "list", cert_list, NULL },
		{ "show", cert_show, NULL },
		{ "export", cert_export, NULL },
		{ NULL, NULL, NULL },
	};

	return cli_run_sub(g, "certificate", certificate_usage, subs, argc, argv);
}
