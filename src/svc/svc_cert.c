/*
 * Certificates: certify (policy, signature, the device's move), list, export (JSON and
 * the PDF drawn by atelier-pdf), verify, and the workshop's public key. See svc.h; the
 * conditions themselves are src/cert/certify.c.
 */
#include "svc/svc_int.h"

#include <assert.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sodium.h>

#include "cert/certify.h"
#include "cert/sign.h"
#include "probe/facts.h"
#include "util/clock.h"
#include "util/file.h"
#include "util/text.h"

#define CERT_FILE_MAX (1u << 20)
#define KEY_FILE_MAX 4096
/* How long certify waits for the device to be read again (trust, unlock). */
#define CERTIFY_READ_MS 15000

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

/* Read FILE ("-": standard input) whole, at most MAX bytes; *LEN its length. */
static char *slurp(struct bench *b, const char *file, size_t max, size_t *len)
{
	enum file_err e;
	char *buf = file_read(file, max, len, &e);

	if (!buf && e == FILE_ETOOBIG)
		svc_fail(b, SVC_ENOTVALID, "%s is larger than a certificate can be (%zu bytes)",
			 file, max);
	else if (!buf)
		svc_fail(b, SVC_ENOTVALID, "cannot read %s: %s", file, strerror(errno));
	return buf;
}

/* ---- certify ---- */

/* Sign CERT, keep it and move the device from FROM to certified. */
static enum svc_err issue(struct bench *b, const struct store_device_row *dev,
			  const struct store_user *by, json_t *cert, enum device_state from,
			  json_t *view)
{
	unsigned char sk[SIGN_SK_BYTES], pk[SIGN_PK_BYTES];
	struct store_certificate rec = { 0 };
	char why[512], reason[128], *text = NULL, *body = NULL;
	enum sign_err se;
	enum store_err err;
	enum svc_err rc = SVC_OK;

	se = sign_key_secret(b->dir, sk, why, sizeof(why));
	if (se == SIGN_OK)
		se = sign_key_public(b->dir, pk, why, sizeof(why));
	if (se == SIGN_ENOKEY)
		return svc_fail(b, SVC_ENODATA, "no workshop key (%s): run 'atelier init', which "
						"adds it",
				why);
	if (se != SIGN_OK)
		return svc_fail(b, SVC_EIO, "%s", why);
	se = sign_object(cert, sk, pk);
	sodium_memzero(sk, sizeof(sk));
	text = se == SIGN_OK ? sign_canonical(cert) : NULL;
	if (!text || asprintf(&body, "%s\n", text) < 0) {
		body = NULL;
		rc = svc_fail(b, SVC_EIO, "cannot sign the certificate (%s)", sign_strerror(se));
		goto out;
	}
	snprintf(rec.id, sizeof(rec.id), "%s", json_string_value(json_object_get(cert, "id")));
	rec.device_id = dev->id;
	rec.issued_ms = clock_wall_ms();
	rec.by_user = by->id;
	sign_key_id(pk, rec.key_id);
	rec.body = body;
	snprintf(reason, sizeof(reason), "certificate %s issued", rec.id);
	err = store_certificate_add(b->st, &rec, from, reason);
	if (err == STORE_ESTALE) {
		rc = svc_fail(b, SVC_ESTATE, "the device's state changed while it was checked: run "
					     "'atelier certify' again");
		goto out;
	}
	if (err) {
		rc = svc_store_fail(b, err, "record the certificate");
		goto out;
	}
	svc_audit(b, "key-use", rec.id, "ok", "the workshop key signed a certificate");
	json_object_set_new(view, "certified", json_true());
	json_object_set_new(view, "id", json_string(rec.id));
	json_object_set_new(view, "device", json_string(device_name(cert)));
	json_object_set_new(view, "serial", json_string(device_serial(cert)));
	json_object_set(view, "certificate", cert);
out:
	free(text);
	free(body);
	return rc;
}

/* The unmet conditions for a screen ([{say, args}], certify.h), with each checklist and
 * step named by its title in LANG (NULL or a language checklists are not written in: the
 * one BY chose; "checklist_id" and "step_id" keep the ids). */
static json_t *said_view(struct bench *b, const json_t *said, const struct store_user *by,
			 const char *lang_asked)
{
	json_t *out = json_deep_copy(said), *item;
	char lang[16];
	size_t i;

	if (!out)
		return json_array();
	if (lang_asked && !checklist_lang_known(lang_asked))
		lang_asked = NULL;
	if (svc_doc_lang(b, lang_asked, by, lang, sizeof(lang)) != SVC_OK)
		snprintf(lang, sizeof(lang), "en");
	json_array_foreach (out, i, item) {
		json_t *args = json_object_get(item, "args");
		const char *id = json_string_value(json_object_get(args, "checklist"));
		const char *step = json_string_value(json_object_get(args, "step"));
		const struct checklist *c = id ? svc_checklist_current(b, id) : NULL;

		if (!id)
			continue;
		json_object_set_new(args, "checklist_id", json_string(id));
		json_object_set_new(args, "checklist", json_string(svc_checklist_title(b, id, lang)));
		if (!step)
			continue;
		json_object_set_new(args, "step_id", json_string(step));
		for (size_t k = 0; c && k < c->n_steps; k++)
			if (strcmp(c->steps[k].id, step) == 0)
				json_object_set_new(args, "step",
						    json_string(checklist_text(&c->steps[k].title, lang)));
	}
	return out;
}

enum svc_err svc_certify(struct bench *b, const char *device, const char *by_name,
			 const char *lang, json_t **view)
{
	struct store_device_row dev;
	struct store_user by;
	const struct policy *policy;
	struct certify_outcome out = { 0 };
	json_t *facts = NULL, *o = NULL;
	char why[1024];
	enum svc_err rc;

	*view = NULL;
	rc = svc_actor(b, by_name, &by);
	if (!rc)
		rc = svc_find_device(b, device, &dev);
	if (rc)
		return rc;
	if (!svc_may(b, &by, SVC_CERTIFY, NULL))
		return SVC_EDENIED;
	if (svc_bench_joined(b))
		return svc_fail(b, SVC_EREFUSED,
				"this bench does not certify: certificates are signed with the "
				"workshop key, at the certifying station; run 'atelier certify' "
				"there (this bench's own key signs only what it records)");
	rc = svc_policy(b, &policy);
	if (rc)
		return rc;
	o = json_object();
	/* Certify what the device is now: read it again when it is plugged in. */
	if (svc_read_device(b, dev.id, CERTIFY_READ_MS, &facts) == SVC_OK)
		json_object_set_new(o, "reread", json_pack("{s:b, s:n}", "ok", 1, "why"));
	else
		json_object_set_new(o, "reread", json_pack("{s:b, s:s}", "ok", 0, "why", b->why));
	json_decref(facts);
	rc = svc_device_facts(b, dev.id, &facts);
	if (rc)
		goto out;
	switch (certify_evaluate(b->st, policy, dev.id, &by, clock_wall_ms(), facts, &out, why,
				 sizeof(why))) {
	case CERTIFY_OK:
		break;
	case CERTIFY_ENODEV:
		rc = svc_fail(b, SVC_ENODEVICE, "no device '%s' is known", device);
		goto out;
	default:
		rc = svc_fail(b, SVC_EIO, "cannot evaluate the policy: %s", why);
		goto out;
	}
	if (json_array_size(out.unmet)) {
		json_object_set_new(o, "certified", json_false());
		json_object_set(o, "unmet", out.unmet);
		json_object_set_new(o, "said", said_view(b, out.said, &by, lang));
		rc = svc_fail(b, SVC_EUNMET, "device %s cannot be certified yet", device);
	} else {
		rc = issue(b, &dev, &by, out.cert, out.from_state, o);
	}
	if (rc == SVC_OK || rc == SVC_EUNMET) {
		*view = o;
		o = NULL;
	}
out:
	json_decref(o);
	json_decref(facts);
	certify_outcome_release(&out);
	return rc;
}

enum svc_err svc_cert_check(struct bench *b, const char *device, const char *lang,
			    json_t **view)
{
	struct store_device_row dev;
	struct store_user by;
	const struct policy *policy;
	struct certify_outcome out = { 0 };
	json_t *facts = NULL;
	char why[1024];
	enum svc_err rc;

	*view = NULL;
	rc = svc_actor(b, NULL, &by);
	if (!rc)
		rc = svc_find_device(b, device, &dev);
	if (rc)
		return rc;
	if (!svc_may(b, &by, SVC_CERTIFY, NULL))
		return SVC_EDENIED;
	rc = svc_policy(b, &policy);
	if (!rc)
		rc = svc_device_facts(b, dev.id, &facts);
	if (rc)
		return rc;
	switch (certify_evaluate(b->st, policy, dev.id, &by, clock_wall_ms(), facts, &out, why,
				 sizeof(why))) {
	case CERTIFY_OK:
		*view = json_pack("{s:I, s:s, s:b, s:O, s:o}", "device", (json_int_t)dev.id, "state",
				  device_state_name(out.from_state), "ready",
				  json_array_size(out.unmet) == 0, "unmet", out.unmet, "said",
				  said_view(b, out.said, &by, lang));
		break;
	case CERTIFY_ENODEV:
		rc = svc_fail(b, SVC_ENODEVICE, "no device '%s' is known", device);
		break;
	default:
		rc = svc_fail(b, SVC_EIO, "cannot evaluate the policy: %s", why);
		break;
	}
	json_decref(facts);
	certify_outcome_release(&out);
	return rc == SVC_OK && !*view ? svc_fail(b, SVC_EIO, "out of memory") : rc;
}

/* ---- list, get, export ---- */

static enum svc_err cert_load(struct bench *b, const char *id, struct store_certificate *rec,
			      json_t **cert)
{
	enum store_err err = store_certificate_get(b->st, id, rec);

	*cert = NULL;
	if (err == STORE_ENOENT)
		return svc_fail(b, SVC_ENOENT, "no certificate '%s' (atelier certificate list)", id);
	if (err)
		return svc_store_fail(b, err, "read the certificate");
	*cert = json_loads(rec->body, 0, NULL);
	if (!*cert)
		return svc_fail(b, SVC_EREFUSED, "certificate %s is damaged in the database: run "
						 "'atelier db check'",
				id);
	return SVC_OK;
}

enum svc_err svc_cert_list(struct bench *b, const char *device, json_t **view)
{
	struct store_certificate *certs = NULL;
	struct store_device_row dev = { 0 };
	size_t n = 0;
	enum store_err err;
	enum svc_err rc;

	*view = NULL;
	if (device && (rc = svc_find_device(b, device, &dev)) != SVC_OK)
		return rc;
	err = store_certificate_list(b->st, dev.id, &certs, &n);
	if (err)
		return svc_store_fail(b, err, "list the certificates");
	*view = json_array();
	for (size_t i = 0; i < n; i++) {
		json_t *c = json_loads(certs[i].body, 0, NULL);

		json_array_append_new(*view,
				      json_pack("{s:s, s:s, s:s?, s:s?, s:s}", "id", certs[i].id,
						"device", device_name(c), "serial",
						facts_json_string(c, "device.serial"), "issued_at",
						json_string_value(json_object_get(c, "issued_at")),
						"key_id", certs[i].key_id));
		json_decref(c);
	}
	store_certificates_free(certs, n);
	return SVC_OK;
}

enum svc_err svc_cert_get(struct bench *b, const char *id, json_t **view)
{
	struct store_certificate rec = { 0 };
	json_t *cert = NULL;
	enum svc_err rc = cert_load(b, id, &rec, &cert);

	*view = NULL;
	if (!rc)
		*view = json_pack("{s:s, s:s, s:s, s:o, s:b}", "id", rec.id, "key_id", rec.key_id,
				  "body", rec.body, "certificate", cert, "redacted", rec.redacted);
	else
		json_decref(cert);
	store_certificate_release(&rec);
	return rc;
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

int svc_pdf_start(const char *const args[], int out, struct svc_pdf_pipe *pp, char *why,
		  size_t size)
{
	char helper[PATH_MAX];
	char *argv[SVC_PDF_ARGS_MAX + 2] = { helper };
	posix_spawn_file_actions_t fa;
	int in[2] = { -1, -1 }, err[2] = { -1, -1 }, spawned;

	pp->in = pp->err = -1;
	pp->pid = -1;
	for (size_t i = 0; args[i]; i++) {
		assert(i < SVC_PDF_ARGS_MAX);
		argv[i + 1] = (char *)args[i];
	}
	if (pdf_helper(helper, sizeof(helper)) != 0) {
		snprintf(why, size, "cannot find atelier-pdf (looked beside atelier and in %s): "
				    "reinstall Atelier",
			 ATELIER_LIBEXECDIR);
		return -1;
	}
	if (pipe2(in, O_CLOEXEC) != 0 || pipe2(err, O_CLOEXEC) != 0) {
		snprintf(why, size, "cannot start atelier-pdf: %s", strerror(errno));
		goto fail;
	}
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, in[0], 0);
	posix_spawn_file_actions_adddup2(&fa, err[1], 2);
	posix_spawn_file_actions_adddup2(&fa, out, 3);
	spawned = posix_spawn(&pp->pid, helper, &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (spawned != 0) {
		snprintf(why, size, "cannot start atelier-pdf: %s", strerror(spawned));
		goto fail;
	}
	close(in[0]);
	close(err[1]);
	pp->in = in[1];
	pp->err = err[0];
	return 0;
fail:
	for (int i = 0; i < 2; i++) {
		if (in[i] >= 0)
			close(in[i]);
		if (err[i] >= 0)
			close(err[i]);
	}
	pp->pid = -1;
	return -1;
}

int svc_pdf_finish(struct svc_pdf_pipe *pp, char *why, size_t size)
{
	int status = 0, rc = -1;
	size_t got = 0;
	ssize_t r;

	if (pp->in >= 0)
		close(pp->in);
	pp->in = -1;
	why[0] = '\0';
	while (got + 1 < size && ((r = read(pp->err, why + got, size - 1 - got)) > 0 ||
				  (r < 0 && errno == EINTR)))
		got += r > 0 ? (size_t)r : 0;
	why[got] = '\0';
	why[strcspn(why, "\n")] = '\0';
	close(pp->err);
	pp->err = -1;
	while (waitpid(pp->pid, &status, 0) < 0 && errno == EINTR)
		;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		rc = 0;
	else if (!why[0])
		snprintf(why, size, "atelier-pdf stopped before the PDF was written");
	return rc;
}

int svc_pdf_run(const char *const args[], const char *body, int out, char *why, size_t size)
{
	struct svc_pdf_pipe pp;

	if (svc_pdf_start(args, out, &pp, why, size) != 0)
		return -1;
	(void)write_all(pp.in, body, strlen(body)); /* a failure shows in its exit status */
	return svc_pdf_finish(&pp, why, size);
}

void svc_write_failed(const char *file, enum file_err e, char *why, size_t size)
{
	char cause[PATH_MAX + 64];

	if (e == FILE_ENOTREG)
		snprintf(why, size, "%s is not a regular file (a device, a pipe or a directory): "
				    "nothing was written to it",
			 file);
	else
		snprintf(why, size, "cannot write %s: %s", file,
			 file_errno_text(errno, file, cause, sizeof(cause)));
}

int svc_pdf_file(const char *const args[], const char *body, const char *file, char *why,
		 size_t size)
{
	struct file_tmp t;
	enum file_err e;
	int out, rc;

	e = file_tmp_open(&t, file, 0644);
	if (e) {
		svc_write_failed(file, e, why, size);
		return -1;
	}
	/* Above 3, so that the child's dup2 onto 3 always clears close-on-exec. */
	out = fcntl(t.fd, F_DUPFD_CLOEXEC, 10);
	if (out < 0) {
		svc_write_failed(file, FILE_EIO, why, size);
		file_tmp_abort(&t);
		return -1;
	}
	rc = svc_pdf_run(args, body, out, why, size);
	close(out);
	if (rc != 0) {
		file_tmp_abort(&t);
		return -1;
	}
	e = file_tmp_commit(&t, 1);
	if (e) {
		svc_write_failed(file, e, why, size);
		return -1;
	}
	return 0;
}

/* The certificate BODY as its page is drawn from: a certificate issued before trainees
 * had codes (schema 10) names them; the page, a public document, names each by the code
 * she has now (docs/privacy.md). The signed file is never changed: only what atelier-pdf
 * is given. A new string (free()), or NULL when BODY is drawn as it is. */
static char *page_body(struct bench *b, const json_t *cert, const char *body)
{
	const json_t *v;
	char *text = NULL;
	size_t i;

	json_array_foreach(json_object_get(cert, "trainees"), i, v) {
		struct store_user u;
		const char *name = json_string_value(v);
		char *next;

		if (!name || store_user_find(b->st, name, &u) != STORE_OK || u.role != ROLE_TRAINEE ||
		    !u.code[0] || strcmp(u.code, name) == 0 || text_word_find(u.code, name))
			continue;
		next = text_word_replace(text ? text : body, name, u.code, NULL);
		free(text);
		text = next;
		if (!text)
			return NULL;
	}
	return text;
}

/* What the QR code of signed certificate CERT holds: the link to the workshop's
 * verification page when the policy names one (policy workshop.verify_url), else the
 * atelier-cert:1: text; *ZONE gets the workshop's time zone, for a certificate that does
 * not name its own. 0 on success. */
static int qr_for(struct bench *b, const json_t *cert, char *qr, size_t size, const char **zone)
{
	const struct policy *p = NULL;

	if (svc_policy(b, &p) != SVC_OK)
		p = NULL; /* the page is still drawn, with the QR text that needs no policy */
	if (p)
		*zone = p->workshop_timezone;
	if (p && p->workshop_verify_url[0])
		return certify_link_text(cert, p->workshop_verify_url, qr, size);
	return certify_qr_text(cert, qr, size);
}

enum svc_err svc_cert_pdf(struct bench *b, const char *id, const char *lang,
			 struct svc_file *out)
{
	struct store_certificate rec = { 0 };
	json_t *cert = NULL;
	char why[1024] = "", qr[512], *page = NULL;
	const char *zone = POLICY_TIMEZONE_DEFAULT;
	enum svc_err rc;

	memset(out, 0, sizeof(*out));
	if (lang && !checklist_lang_known(lang))
		return svc_fail(b, SVC_EINVAL, "the language is en, fr or nl, not '%s'", lang);
	rc = cert_load(b, id, &rec, &cert);
	if (rc)
		goto out;
	if (!lang)
		lang = json_string_value(json_object_get(cert, "language"));
	if (!lang)
		lang = "en";
	if (qr_for(b, cert, qr, sizeof(qr), &zone) != 0) {
		rc = svc_fail(b, SVC_EREFUSED, "certificate %s has no usable signature", rec.id);
		goto out;
	}
	page = page_body(b, cert, rec.body);
	if (svc_pdf_draw((const char *const[]){ "/dev/fd/3", lang, qr, zone, NULL },
			 page ? page : rec.body, out, why, sizeof(why)) != 0) {
		rc = svc_fail(b, SVC_EIO, "the certificate could not be drawn: %s", why);
		goto out;
	}
	out->type = "application/pdf";
	/* The file name takes the id's letters, digits, dots and dashes only. */
	snprintf(out->name, sizeof(out->name), "certificate-%.60s.pdf", rec.id);
	for (char *c = out->name; *c; c++)
		if (!isalnum((unsigned char)*c) && *c != '.' && *c != '-' && *c != '_')
			*c = '_';
out:
	free(page);
	json_decref(cert);
	store_certificate_release(&rec);
	return rc;
}

enum svc_err svc_cert_export(struct bench *b, const struct svc_export *req, json_t **view)
{
	struct store_certificate rec = { 0 };
	json_t *cert = NULL;
	const char *lang = req->lang;
	const char *zone = POLICY_TIMEZONE_DEFAULT;
	char why[1024], qr[512], *page = NULL;
	enum svc_err rc;
	enum file_err fe;

	*view = NULL;
	if (!req->pdf && !req->json)
		return svc_fail(b, SVC_EINVAL, "say what to write: a PDF file, a JSON file or both");
	if (lang && !checklist_lang_known(lang))
		return svc_fail(b, SVC_EINVAL, "the language is en, fr or nl, not '%s'", lang);
	rc = cert_load(b, req->id, &rec, &cert);
	if (rc)
		goto out;
	if (rec.redacted) {
		rc = svc_fail(b, SVC_ESTATE,
			      "certificate %s named a person whose name was erased since (docs/"
			      "privacy.md): the copy kept here has the name taken out, no "
			      "longer matches its signature and is not given out again; the copy "
			      "its buyer holds is still valid (atelier verify FILE)",
			      rec.id);
		goto out;
	}
	if (!lang)
		lang = json_string_value(json_object_get(cert, "language"));
	if (!lang)
		lang = "en";
	/* Both places are checked before either file is written. */
	for (int i = 0; i < 2; i++) {
		const char *file = i ? req->pdf : req->json;

		if (file && (fe = file_check_regular(file)) == FILE_ENOTREG) {
			svc_write_failed(file, fe, why, sizeof(why));
			rc = svc_fail(b, SVC_EINVAL, "%s", why);
			goto out;
		}
	}
	if (req->json && req->pdf && file_same(req->json, req->pdf)) {
		rc = svc_fail(b, SVC_EINVAL, "the JSON and the PDF would both be written to %s: "
					     "give two different files",
			      req->pdf);
		goto out;
	}
	if (req->json && (fe = file_write(req->json, rec.body, strlen(rec.body), 0644, 1))) {
		svc_write_failed(req->json, fe, why, sizeof(why));
		rc = svc_fail(b, fe == FILE_ENOTREG ? SVC_EINVAL : SVC_EIO, "%s", why);
		goto out;
	}
	if (req->pdf && qr_for(b, cert, qr, sizeof(qr), &zone) != 0) {
		rc = svc_fail(b, SVC_EREFUSED, "certificate %s has no usable signature", rec.id);
		goto out;
	}
	page = req->pdf ? page_body(b, cert, rec.body) : NULL;
	if (req->pdf && svc_pdf_file((const char *const[]){ "/dev/fd/3", lang, qr, zone, NULL },
				     page ? page : rec.body, req->pdf, why, sizeof(why)) != 0) {
		rc = svc_fail(b, file_check_regular(req->pdf) == FILE_ENOTREG ? SVC_EINVAL : SVC_EIO,
			      "%s", why);
		goto out;
	}
	*view = json_pack("{s:s, s:s?, s:s?, s:s}", "id", rec.id, "pdf", req->pdf, "json",
			  req->json, "lang", lang);
out:
	free(page);
	json_decref(cert);
	store_certificate_release(&rec);
	return rc;
}

/* ---- verify, key ---- */

/* QR text "atelier-cert:1:ID:SIG" (LEN bytes; a file's one final newline, ending its
 * line, is not part of it): read strictly, look ID up in the store, compare SIG, check
 * it. */
static enum svc_err check_qr(struct bench *b, const char *text, size_t len,
			     const unsigned char pk[SIGN_PK_BYTES], json_t **out)
{
	struct store_certificate rec = { 0 };
	unsigned char given[64], kept[64];
	char id[CERTIFY_ID_LEN + 1], why[512];
	const char *kept_sig;
	enum store_err err;
	enum svc_err rc = SVC_ENOTVALID;

	if (len > 0 && text[len - 1] == '\n')
		len--;
	if (certify_qr_parse(text, len, id, given, why, sizeof(why)) != 0)
		return svc_fail(b, SVC_ENOTVALID, "%s", why);
	if (!b->st)
		return svc_fail(b, SVC_ENOTVALID,
				"a QR code is checked against this workshop's records, and there "
				"are none here: check the certificate's JSON file instead");
	err = store_certificate_get(b->st, id, &rec);
	if (err == STORE_ENOENT) {
		svc_fail(b, SVC_ENOTVALID, "certificate %s is not in this workshop's records", id);
		goto out;
	}
	if (err) {
		/* Not a verdict on the certificate: the records could not be read. */
		rc = svc_store_fail(b, err, "read this workshop's records");
		goto out;
	}
	if (rec.redacted) {
		/* The copy kept here had an erased name taken out: its signature no longer
		 * covers it, but it is the one issued (the records' chain says so), and the QR
		 * code must carry the signature it was issued with. */
		*out = json_loads(rec.body, 0, NULL);
		if (!*out) {
			rc = svc_fail(b, SVC_EREFUSED, "certificate %s is damaged in the database: "
						       "run 'atelier db check'",
				      id);
			goto out;
		}
	} else if (certify_verify_text(id, rec.body, strlen(rec.body), pk, out, why,
				       sizeof(why)) != 0) {
		svc_fail(b, SVC_ENOTVALID, "%s", why);
		goto out;
	}
	kept_sig = json_string_value(json_object_get(json_object_get(*out, "signature"), "value"));
	if (sign_value_decode(kept_sig, kept) != 0 || memcmp(kept, given, sizeof(kept)) != 0) {
		svc_fail(b, SVC_ENOTVALID,
			 "the QR code's signature is not the one certificate %s was issued with",
			 id);
		goto out;
	}
	rc = SVC_OK;
out:
	store_certificate_release(&rec);
	return rc;
}

/* A valid certificate of this workshop whose device went back to work (a return, a
 * fault found) or elsewhere since: {state, why}, else null. */
static json_t *moved_since(struct bench *b, const char *id)
{
	struct store_certificate rec = { 0 };
	struct store_device_row dev;
	struct store_device_event *ev = NULL;
	json_t *moved = json_null();
	size_t n = 0;

	if (b->st && id && store_certificate_get(b->st, id, &rec) == STORE_OK &&
	    store_device_get(b->st, rec.device_id, &dev) == STORE_OK &&
	    dev.state != DEVICE_CERTIFIED && dev.state != DEVICE_SOLD &&
	    store_device_events(b->st, dev.id, &ev, &n) == STORE_OK && n > 0)
		moved = json_pack("{s:s, s:s}", "state", device_state_name(dev.state), "why",
				  ev[n - 1].reason);
	free(ev);
	store_certificate_release(&rec);
	return moved;
}

/* The public key to check with: KEY (text or file), else the data directory's. */
static enum svc_err verify_key(struct bench *b, const char *key, unsigned char pk[SIGN_PK_BYTES])
{
	char why[512], *text;
	size_t len;
	enum file_err fe;
	enum sign_err se;

	if (key) {
		if (sign_public_parse(key, pk) == SIGN_OK)
			return SVC_OK;
		text = file_read(key, KEY_FILE_MAX, &len, &fe);
		se = text ? sign_public_parse(text, pk) : SIGN_EBADKEY;
		free(text);
		if (se == SIGN_OK)
			return SVC_OK;
		return svc_fail(b, SVC_EINVAL,
				"the key '%s' is neither a public key ('ed25519:...') nor a file "
				"holding one",
				key);
	}
	se = sign_key_public(b->dir, pk, why, sizeof(why));
	if (se == SIGN_OK)
		return SVC_OK;
	return svc_fail(b, SVC_ENODATA,
			"no workshop public key here (%s): give it with --key (the text "
			"'atelier key public' prints on the workshop's bench)",
			why);
}

/* The key a certificate names (its QR code's id looked up in the records, or its
 * signature's key_id), when it is this workshop's key or one it retired; else the
 * workshop's key, against which the check then says what is wrong. */
static enum svc_err key_named(struct bench *b, const char *buf, size_t len,
			      unsigned char pk[SIGN_PK_BYTES])
{
	struct store_certificate rec = { 0 };
	char kid[SIGN_KEY_ID_HEX] = "", id[64], why[256];
	json_t *o;

	if (strncmp(buf, CERTIFY_QR_PREFIX, strlen(CERTIFY_QR_PREFIX)) == 0) {
		const char *p = buf + strlen(CERTIFY_QR_PREFIX), *end = strchr(p, ':');

		if (b->st && end && (size_t)(end - p) < sizeof(id)) {
			snprintf(id, sizeof(id), "%.*s", (int)(end - p), p);
			if (store_certificate_get(b->st, id, &rec) == STORE_OK)
				snprintf(kid, sizeof(kid), "%.16s", rec.key_id);
			store_certificate_release(&rec);
		}
	} else if ((o = json_loadb(buf, len, 0, NULL)) != NULL) {
		const char *k = json_string_value(
			json_object_get(json_object_get(o, "signature"), "key_id"));

		snprintf(kid, sizeof(kid), "%s", k ? k : "");
		json_decref(o);
	}
	if (kid[0] && b->dir[0] && sign_key_public_by_id(b->dir, kid, pk, why, sizeof(why)) == SIGN_OK)
		return SVC_OK;
	return verify_key(b, NULL, pk);
}

enum svc_err svc_verify(struct bench *b, const char *file, const char *key, const char *revoked,
			json_t **view)
{
	unsigned char pk[SIGN_PK_BYTES];
	char why[1024], kid[SIGN_KEY_ID_HEX], *buf;
	json_t *cert = NULL, *w, *gone = NULL, *warnings;
	struct store_certificate rec = { 0 };
	const char *id;
	size_t len = 0;
	enum svc_err rc;

	*view = NULL;
	if (key) {
		rc = verify_key(b, key, pk);
		if (rc)
			return rc;
	}
	buf = slurp(b, file, CERT_FILE_MAX, &len);
	if (!buf)
		return SVC_ENOTVALID;
	if (len && buf[0] != '{') {
		/* The link of the QR code (https://.../v/ID#SIG), or ID#SIG: checked as the
		 * QR text it stands for. */
		char qr[CERTIFY_QR_LEN + 64];

		if (certify_link_to_qr(buf, len, qr, sizeof(qr)) == 0 && strlen(qr) < len + 64) {
			char *copy = strdup(qr);

			if (!copy) {
				free(buf);
				return svc_fail(b, SVC_EIO, "out of memory");
			}
			free(buf);
			buf = copy;
			len = strlen(buf);
		}
	}
	if (!key) {
		rc = key_named(b, buf, len, pk);
		if (rc) {
			free(buf);
			return rc;
		}
	}
	if (strncmp(buf, CERTIFY_QR_PREFIX, strlen(CERTIFY_QR_PREFIX)) == 0) {
		rc = check_qr(b, buf, len, pk, &cert);
	} else if (certify_verify_text(strcmp(file, "-") ? file : "standard input", buf, len, pk,
				       &cert, why, sizeof(why)) != 0) {
		rc = svc_fail(b, SVC_ENOTVALID, "%s", why);
	}
	free(buf);
	if (rc) {
		json_decref(cert);
		return rc;
	}
	id = json_string_value(json_object_get(cert, "id"));
	/* A valid signature is not enough: the workshop may have withdrawn it since. */
	rc = revoked ? svc_revoked_in_list(b, revoked, pk, id ? id : "", &gone)
		     : svc_revocation_get(b, id ? id : "", &gone);
	if (rc || gone) {
		if (!rc)
			rc = svc_fail(b, SVC_ENOTVALID, "certificate %s was withdrawn by %s on %s: %s",
				      id, json_string_value(json_object_get(gone, "by")),
				      json_string_value(json_object_get(gone, "revoked_at")),
				      json_string_value(json_object_get(gone, "why")));
		json_decref(gone);
		json_decref(cert);
		return rc;
	}
	warnings = json_array();
	/* On a bench, a certificate signed with this workshop's key but absent from its
	 * records was not issued by Atelier here: someone who had the key signed it. */
	if (b->st && id && store_certificate_get(b->st, id, &rec) == STORE_ENOENT)
		json_array_append_new(warnings,
				      json_sprintf("certificate %s is not in this workshop's records: "
						   "it was not issued here, or it was forged with the "
						   "workshop's key; do not trust it before asking the "
						   "workshop",
						   id));
	store_certificate_release(&rec);
	sign_key_id(pk, kid);
	w = json_object_get(cert, "workshop");
	*view = json_pack("{s:b, s:s?, s:s, s:s, s:s?, s:s?, s:s, s:o, s:o}", "valid", 1, "id", id,
			  "device", device_name(cert), "serial", device_serial(cert), "issued_at",
			  json_string_value(json_object_get(cert, "issued_at")), "workshop",
			  json_string_value(json_object_get(w, "name")), "key_id", kid, "moved",
			  moved_since(b, id), "warnings", warnings);
	json_decref(cert);
	return *view ? SVC_OK : svc_fail(b, SVC_EIO, "out of memory");
}

/* The language of the public page: LANG when Atelier speaks it, else the first of
 * Accept-Language ACCEPT that it speaks ("nl-BE,nl;q=0.9" gives nl), else English. The
 * q-values are not weighed: browsers list the languages best first. */
static const char *public_lang(const char *lang, const char *accept)
{
	static const char *const known[] = { "en", "fr", "nl" };

	for (size_t i = 0; lang && i < 3; i++)
		if (strcmp(lang, known[i]) == 0)
			return known[i];
	for (const char *p = accept; p && *p;) {
		p += strspn(p, " ,");
		for (size_t i = 0; i < 3; i++)
			if (strncasecmp(p, known[i], 2) == 0 && !isalpha((unsigned char)p[2]))
				return known[i];
		p += strcspn(p, ",");
	}
	return "en";
}

/* CERT as the public sees it: without the people who did the work. */
static void public_strip(json_t *cert)
{
	json_t *v;
	const char *k;
	size_t i;

	json_object_del(cert, "trainees");
	json_object_del(cert, "approved_by");
	json_array_foreach(json_object_get(cert, "checklists"), i, v) {
		json_object_del(v, "trainee");
		json_object_del(v, "approved_by");
	}
	v = json_object_get(cert, "sanitization");
	json_object_del(v, "by");
	json_object_del(v, "checked_by");
	json_object_del(v, "second_check"); /* names who checked, in one language */
	json_object_del(v, "tool");
	v = json_object_get(cert, "battery");
	json_object_del(v, "source"); /* "measured with X by T-014 (job 3, record 3)" */
	json_object_del(v, "tool");
	json_object_foreach(json_object_get(cert, "translations"), k, v) {
		json_object_del(v, "sanitization.second_check");
		json_object_del(v, "sanitization.tool");
	}
}

enum svc_err svc_cert_public(struct bench *b, const char *id, const char *sig, const char *lang,
			     const char *accept, json_t **view)
{
	struct store_certificate rec = { 0 };
	unsigned char pk[SIGN_PK_BYTES], given[64], kept[64];
	char why[512], kid[SIGN_KEY_ID_HEX];
	const char *state = "valid", *kid_v;
	json_t *cert = NULL, *gone = NULL;
	enum store_err err;
	enum svc_err rc = SVC_OK;

	*view = NULL;
	lang = public_lang(lang, accept);
	if (!id || strlen(id) != CERTIFY_ID_LEN || strncmp(id, "ATL-", 4) != 0 || !b->st) {
		state = "unknown";
		goto answer;
	}
	err = store_certificate_get(b->st, id, &rec);
	if (err == STORE_ENOENT) {
		state = "unknown";
		goto answer;
	}
	if (err) {
		rc = svc_store_fail(b, err, "read this workshop's records");
		goto out;
	}
	cert = json_loads(rec.body, 0, NULL);
	kid_v = json_string_value(json_object_get(json_object_get(cert, "signature"), "key_id"));
	snprintf(kid, sizeof(kid), "%s", kid_v ? kid_v : "");
	if (!cert) {
		state = "tampered";
	} else if (!rec.redacted) {
		/* The copy kept must still be what was signed: a record changed in the
		 * database is shown as such, never as valid. (A copy redacted after an
		 * erasure no longer matches by design: the chain of records vouches for it.) */
		json_t *checked = NULL;

		if (sign_key_public_by_id(b->dir, kid, pk, why, sizeof(why)) != SIGN_OK ||
		    certify_verify_text(id, rec.body, strlen(rec.body), pk, &checked, why,
					sizeof(why)) != 0)
			state = "tampered";
		json_decref(checked);
	}
	if (sig && sig[0] && strcmp(state, "valid") == 0) {
		const char *v = json_string_value(
			json_object_get(json_object_get(cert, "signature"), "value"));

		if (strlen(sig) != CERTIFY_QR_SIG_LEN ||
		    sign_b64_exact(sig, strlen(sig), sodium_base64_VARIANT_URLSAFE_NO_PADDING, given,
				   sizeof(given)) != 0 ||
		    sign_value_decode(v, kept) != 0 || memcmp(given, kept, sizeof(kept)) != 0)
			state = "tampered";
	}
	rc = svc_revocation_get(b, id, &gone);
	if (rc)
		goto out;
	if (gone && strcmp(state, "valid") == 0)
		state = "revoked";
	if (gone) {
		/* The reason as the instructor wrote it: the record's own prefix
		 * ("certificate ID revoked: ") says nothing to a buyer. */
		const char *w = json_string_value(json_object_get(gone, "why"));
		const char *colon = w ? strstr(w, " revoked: ") : NULL;

		if (colon && strncmp(w, "certificate ", 12) == 0)
			json_object_set_new(gone, "why", json_string(colon + 10));
		json_object_del(gone, "by"); /* an instructor's name: not for the public */
	}
	if (cert && strcmp(state, "tampered") != 0)
		public_strip(cert);
	else if (cert) {
		json_decref(cert); /* what does not verify is not shown as the workshop's word */
		cert = NULL;
	}
answer:
	*view = json_pack("{s:s, s:s?, s:s, s:o, s:o}", "state", state, "id",
			  strcmp(state, "unknown") ? rec.id : NULL, "lang", lang, "revoked",
			  gone ? gone : json_null(), "certificate", cert ? cert : json_null());
	gone = cert = NULL;
	if (!*view)
		rc = svc_fail(b, SVC_EIO, "out of memory");
out:
	json_decref(gone);
	json_decref(cert);
	store_certificate_release(&rec);
	return rc;
}

enum svc_err svc_key_public(struct bench *b, json_t **view)
{
	unsigned char pk[SIGN_PK_BYTES];
	char why[512], text[SIGN_PUBLIC_TEXT];
	enum sign_err se = sign_key_public(b->dir, pk, why, sizeof(why));

	*view = NULL;
	if (se == SIGN_ENOKEY)
		return svc_fail(b, SVC_ENODATA, "no workshop key yet (%s): run 'atelier init'", why);
	if (se != SIGN_OK)
		return svc_fail(b, SVC_EIO, "%s", why);
	sign_public_text(pk, text);
	*view = json_pack("{s:s}", "public_key", text);
	return SVC_OK;
}
