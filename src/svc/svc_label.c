/*
 * Labels: what each device's label says, gathered from its current certificate or its
 * latest reading; the file drawn by atelier-pdf (cert/label.h); and the printer, through
 * CUPS's lp. See svc.h and docs/resale.md.
 */
#include "svc/svc_int.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cert/certify.h"
#include "cert/label.h"
#include "probe/facts.h"

#define LP_SAID_MAX 600 /* bytes of what lp says that are kept */
#define PRINTER_MAX 127 /* bytes of a CUPS printer's name */

_Static_assert(SVC_LABELS_MAX == LABEL_MAX, "svc and atelier-pdf take as many labels");

static const char *const label_sizes[] = { "62x29", "62x100", "a4-sheet" };

/* What a label shows, and where it is read: in the certificate, or in the facts of a
 * device that has none (NULL: not shown then). */
static const struct {
	const char *key, *cert, *fact;
} label_fields[] = {
	{ "name", "device.marketing_name", "identity.marketing_name" },
	{ "storage_gb", "device.storage_gb", "storage.nominal_gb" },
	{ "colour", "device.color_name", "identity.color_name" },
	{ "grade", "cosmetic.grade", NULL },
	{ "grade_label", "cosmetic.label", NULL },
	{ "battery_pct", "battery.health_pct", "battery.health_pct" },
};

/* The device's current certificate, the newest not withdrawn, into *CERT (NULL when it
 * has none) and its id into ID. */
static enum svc_err current_cert(struct bench *b, long long device_id, json_t **cert, char *id,
				 size_t size)
{
	struct store_certificate *certs = NULL;
	struct store_revocation rev;
	enum svc_err rc = SVC_OK;
	enum store_err err;
	size_t n = 0;

	*cert = NULL;
	id[0] = '\0';
	err = store_certificate_list(b->st, device_id, &certs, &n);
	if (err)
		return svc_store_fail(b, err, "read the device's certificates");
	for (size_t i = 0; i < n; i++) {
		err = store_revocation_get(b->st, certs[i].id, &rev);
		if (err == STORE_OK)
			continue;
		if (err != STORE_ENOENT) {
			rc = svc_store_fail(b, err, "read the withdrawn certificates");
			break;
		}
		*cert = json_loads(certs[i].body, 0, NULL);
		if (!*cert)
			rc = svc_fail(b, SVC_EREFUSED,
				      "certificate %s is damaged in the database: run 'atelier db "
				      "check'",
				      certs[i].id);
		else
			snprintf(id, size, "%s", certs[i].id);
		break;
	}
	store_certificates_free(certs, n);
	return rc;
}

/* S as the text of a Code 128 barcode: printable ASCII, 1 to LABEL_CODE_MAX characters;
 * NULL when it cannot be one. */
static const char *barcode_text(const char *s)
{
	if (!s || !*s || strlen(s) > LABEL_CODE_MAX)
		return NULL;
	for (const char *c = s; *c; c++)
		if (*c < 0x20 || *c > 0x7e)
			return NULL;
	return s;
}

/* The first IMEI of V (a list of them, or one). */
static const char *first_imei(const json_t *v)
{
	return json_string_value(json_is_array(v) ? json_array_get(v, 0) : v);
}

/* The label's code: the IMEI, else the serial number (a Wi-Fi tablet has no IMEI). */
static void set_code(json_t *lab, const char *imei, const char *serial)
{
	const char *code = barcode_text(imei), *kind = "imei";

	if (!code) {
		code = barcode_text(serial);
		kind = "serial";
	}
	json_object_set_new(lab, "code", code ? json_string(code) : json_null());
	json_object_set_new(lab, "code_kind", code ? json_string(kind) : json_null());
}

/* What the label of device D says, from certificate CERT (NULL: from FACTS). */
static void device_values(json_t *lab, const json_t *cert, const json_t *facts,
			  const struct store_device_row *d)
{
	const json_t *from = cert ? cert : facts;

	for (size_t i = 0; i < sizeof(label_fields) / sizeof(label_fields[0]); i++) {
		const char *path = cert ? label_fields[i].cert : label_fields[i].fact;
		json_t *v = path ? facts_json_at(from, path) : NULL;

		json_object_set_new(lab, label_fields[i].key,
				    json_is_string(v) || json_is_number(v) ? json_copy(v)
									   : json_null());
	}
	if (json_is_null(json_object_get(lab, "name")))
		json_object_set_new(lab, "name",
				    svc_str_or_null(facts_json_string(
					from, cert ? "device.model_id" : "identity.model_id")));
	set_code(lab, first_imei(facts_json_at(from, cert ? "device.imei" : "identity.imei")),
		 facts_json_string(from, cert ? "device.serial" : "identity.serial")
		     ? facts_json_string(from, cert ? "device.serial" : "identity.serial")
		     : d->serial);
}

/* The label of device KEY into LABELS, and a line of the view into LIST. */
static enum svc_err one_label(struct bench *b, const char *key, int intake, json_t *labels,
			      json_t *list)
{
	struct store_device_row d;
	json_t *facts = NULL, *cert = NULL, *lab = NULL;
	char stock[SVC_STOCK_MAX], cid[64] = "", qr[256];
	const char *trust;
	enum svc_err rc = svc_find_device(b, key, &d);

	if (rc)
		return rc;
	svc_stock_number(d.id, stock, sizeof(stock));
	lab = json_pack("{s:s, s:I}", "stock", stock, "date_ms", (json_int_t)d.first_seen_ms);
	if (intake) {
		/* What is known of a device that just arrived: its model at most. */
		json_object_set_new(lab, "name", svc_device_name(b, d.id));
		set_code(lab, NULL, stock);
		json_object_set_new(lab, "code_kind", json_string("stock"));
		goto done;
	}
	rc = current_cert(b, d.id, &cert, cid, sizeof(cid));
	if (!rc)
		rc = svc_device_facts(b, d.id, &facts);
	if (rc)
		goto out;
	if (cert && certify_qr_text(cert, qr, sizeof(qr)) != 0) {
		rc = svc_fail(b, SVC_EREFUSED, "certificate %s has no usable signature", cid);
		goto out;
	}
	/* Without a certificate the label says what the device said of itself: a device
	 * never read, or that did not trust the bench at its last reading, said nothing. */
	trust = facts_json_string(facts, "connection.trust");
	if (!cert && (!json_is_integer(facts_json_at(facts, "readings.full_ms")) ||
		      (trust && strcmp(trust, "trusted") != 0))) {
		rc = svc_fail(b, SVC_ESTATE,
			      "device '%s' (%s) has no reading yet%s%s%s, so its label would be "
			      "empty: read it with 'atelier probe'%s; its intake label can be "
			      "printed now (atelier label %s --intake)",
			      key, stock, trust ? " (its last answer: " : "", trust ? trust : "",
			      trust ? ")" : "", trust ? " once it trusts the bench" : "", key);
		goto out;
	}
	device_values(lab, cert, facts, &d);
	json_object_set_new(lab, "qr", cert ? json_string(qr) : json_null());
	json_object_set_new(lab, "certificate", cert ? json_string(cid) : json_null());
done:
	json_array_append_new(list,
			      json_pack("{s:s, s:s, s:o, s:O}", "device", key, "stock", stock,
					"certificate", cid[0] ? json_string(cid) : json_null(),
					"barcode", json_object_get(lab, "code")));
	json_array_append(labels, lab);
out:
	json_decref(lab);
	json_decref(cert);
	json_decref(facts);
	return rc;
}

/* A CUPS printer's name: printable, no space, '/', '#' or '\', and never an option. */
static int printer_name_ok(const char *p)
{
	if (!p || !*p || *p == '-' || strlen(p) > PRINTER_MAX)
		return 0;
	for (; *p; p++)
		if (*p <= 0x20 || *p >= 0x7f || strchr("/#\\", *p))
			return 0;
	return 1;
}

/* Send FILE to PRINTER: lp -d PRINTER FILE, run from PATH with that argument vector (no
 * shell). What lp said (its request id, or why not) into SAID, on one line. 0 when lp
 * took it; else -1 with WHY. */
static int run_lp(const char *printer, const char *file, char *said, size_t said_size, char *why,
		  size_t size)
{
	char path[PATH_MAX + 3];
	char *argv[] = { "lp", "-d", (char *)printer, path, NULL };
	posix_spawn_file_actions_t fa;
	int pipefd[2], status = 0, spawned;
	size_t got = 0;
	ssize_t r;
	pid_t pid;

	/* A relative name that starts with '-' must not reach lp as an option. */
	snprintf(path, sizeof(path), "%s%s", file[0] == '/' ? "" : "./", file);
	if (pipe2(pipefd, O_CLOEXEC) != 0) {
		snprintf(why, size, "cannot run lp: %s", strerror(errno));
		return -1;
	}
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, pipefd[1], 1);
	posix_spawn_file_actions_adddup2(&fa, pipefd[1], 2);
	spawned = posix_spawnp(&pid, "lp", &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(pipefd[1]);
	if (spawned != 0) {
		close(pipefd[0]);
		if (spawned == ENOENT)
			snprintf(why, size,
				 "cannot print: lp (CUPS) is not on this machine "
				 "(install cups-client)");
		else
			snprintf(why, size, "cannot run lp: %s", strerror(spawned));
		return -1;
	}
	/* All of it is read, so that lp never waits on a full pipe; the start is kept. */
	for (;;) {
		char buf[512];

		r = read(pipefd[0], buf, sizeof(buf));
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		for (ssize_t i = 0; i < r && got + 1 < said_size; i++)
			said[got++] = buf[i] == '\n' || buf[i] == '\r' ? ' ' : buf[i];
	}
	close(pipefd[0]);
	while (got > 0 && said[got - 1] == ' ')
		got--;
	said[got] = '\0';
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	/* The printer and lp's words first: the file's name is said by the caller. */
	snprintf(why, size, "printer '%.*s' did not take the label: lp said: %.*s", PRINTER_MAX,
		 printer, LP_SAID_MAX, said[0] ? said : "nothing (it stopped with an error)");
	return -1;
}

static int one_of(const char *s, const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(s, list[i]))
			return 1;
	return 0;
}

/* The request as it will be drawn, checked: its size, format and language. */
static enum svc_err check_req(struct bench *b, const struct svc_label_req *req, const char *size,
			      const char *format)
{
	int sheet = !strcmp(size, "a4-sheet");

	if (!one_of(size, label_sizes, sizeof(label_sizes) / sizeof(label_sizes[0])))
		return svc_fail(b, SVC_EINVAL,
				"the label's size is 62x29, 62x100 or a4-sheet, "
				"not '%s'",
				size);
	if (strcmp(format, "pdf") && strcmp(format, "png"))
		return svc_fail(b, SVC_EINVAL, "the label's format is pdf or png, not '%s'",
				format);
	if (req->lang && !checklist_lang_known(req->lang))
		return svc_fail(b, SVC_EINVAL, "the language is en, fr or nl, not '%s'", req->lang);
	if (req->n_devices == 0)
		return svc_fail(b, SVC_EINVAL,
				"name the device to label (its UDID, serial or IMEI)");
	if (req->n_devices > LABEL_MAX)
		return svc_fail(b, SVC_EINVAL, "%zu devices: at most %d labels are drawn at once",
				req->n_devices, LABEL_MAX);
	if (!strcmp(format, "png") && req->n_devices > (size_t)(sheet ? LABEL_SHEET_CELLS : 1))
		return svc_fail(
		    b, SVC_EINVAL,
		    "a PNG holds %s: %zu devices were named; ask for a PDF (one label a "
		    "page, or a sheet of %d a page)",
		    sheet ? "one A4 sheet of 24 labels" : "one label", req->n_devices,
		    LABEL_SHEET_CELLS);
	if (req->printer && !printer_name_ok(req->printer))
		return svc_fail(b, SVC_EINVAL,
				"'%s' is not a printer's name: 'lpstat -p' lists the printers of "
				"this machine",
				req->printer);
	return SVC_OK;
}

/* The document atelier-pdf draws for REQ's labels into *DOC ({format: "atelier-label/1",
 * ...}), and what each label is into *LIST (the view's labels). */
static enum svc_err label_doc(struct bench *b, const struct svc_label_req *req, const char **lang,
			      json_t **doc, json_t **list)
{
	const char *size = req->size ? req->size : "62x29";
	const char *format = req->format ? req->format : "pdf";
	const struct policy *p = NULL;
	json_t *labels;
	struct store_user me;
	enum svc_err rc;

	*doc = *list = NULL;
	*lang = req->lang;
	rc = check_req(b, req, size, format);
	if (!rc)
		rc = svc_actor(b, NULL, &me);
	if (rc)
		return rc;
	if (!svc_may(b, &me, SVC_PRINT_LABEL, NULL))
		return SVC_EDENIED;
	if (!*lang)
		*lang = svc_policy(b, &p) == SVC_OK && p->language[0] ? p->language : "en";
	labels = json_array();
	*list = json_array();
	for (size_t i = 0; i < req->n_devices && !rc; i++)
		rc = one_label(b, req->devices[i], req->intake, labels, *list);
	if (!rc) {
		*doc = json_pack("{s:s, s:s, s:s, s:s, s:b, s:O}", "format", "atelier-label/1",
				 "lang", *lang, "size", size, "output", format, "intake",
				 req->intake, "labels", labels);
		if (!*doc)
			rc = svc_fail(b, SVC_EIO, "out of memory");
	}
	json_decref(labels);
	if (rc) {
		json_decref(*list);
		*list = NULL;
	}
	return rc;
}

enum svc_err svc_label_file(struct bench *b, const struct svc_label_req *req,
			    struct svc_file *out)
{
	const char *format = req->format ? req->format : "pdf", *lang;
	json_t *doc = NULL, *list = NULL;
	char why[1024] = "", *body = NULL;
	enum svc_err rc;

	memset(out, 0, sizeof(*out));
	if (req->printer || req->output)
		return svc_fail(b, SVC_EINVAL, "a label to download is neither printed nor saved");
	rc = label_doc(b, req, &lang, &doc, &list);
	if (rc)
		return rc;
	body = json_dumps(doc, JSON_COMPACT);
	if (!body)
		rc = svc_fail(b, SVC_EIO, "out of memory");
	else if (svc_pdf_draw((const char *const[]){ "--label", "/dev/fd/3", NULL }, body, out, why,
			      sizeof(why)) != 0)
		rc = svc_fail(b, SVC_EIO, "the label was not drawn: %s", why);
	if (!rc) {
		const char *first =
		    json_string_value(json_object_get(json_array_get(list, 0), "stock"));
		size_t n = json_array_size(list);

		out->type = strcmp(format, "png") == 0 ? "image/png" : "application/pdf";
		if (n > 1)
			snprintf(out->name, sizeof(out->name), "labels-%s-%zu.%s", first, n, format);
		else
			snprintf(out->name, sizeof(out->name), "label-%s.%s", first, format);
	}
	free(body);
	json_decref(doc);
	json_decref(list);
	return rc;
}

enum svc_err svc_label(struct bench *b, const struct svc_label_req *req, json_t **view)
{
	const char *size = req->size ? req->size : "62x29";
	const char *format = req->format ? req->format : "pdf", *lang = NULL;
	json_t *list = NULL, *doc = NULL, *printed = json_null();
	char file[PATH_MAX], why[1024], said[LP_SAID_MAX], *body = NULL;
	enum svc_err rc;
	size_t n;

	*view = NULL;
	rc = label_doc(b, req, &lang, &doc, &list);
	if (rc)
		goto out;
	if (req->output) {
		snprintf(file, sizeof(file), "%s", req->output);
	} else {
		/* label-AT-000042.pdf; labels-FIRST-LAST.pdf for several */
		const char *first =
		    json_string_value(json_object_get(json_array_get(list, 0), "stock"));
		const char *last = json_string_value(
		    json_object_get(json_array_get(list, json_array_size(list) - 1), "stock"));

		n = json_array_size(list);
		if (n > 1)
			snprintf(file, sizeof(file), "labels-%s-%s.%s", first, last, format);
		else
			snprintf(file, sizeof(file), "label-%s.%s", first, format);
	}
	if (file_check_regular(file) == FILE_ENOTREG) {
		svc_write_failed(file, FILE_ENOTREG, why, sizeof(why));
		rc = svc_fail(b, SVC_EINVAL, "%s", why);
		goto out;
	}
	body = json_dumps(doc, JSON_COMPACT);
	if (!body) {
		rc = svc_fail(b, SVC_EIO, "out of memory");
		goto out;
	}
	if (svc_pdf_file((const char *const[]){ "--label", "/dev/fd/3", NULL }, body, file, why,
			 sizeof(why)) != 0) {
		rc = svc_fail(b, SVC_EIO, "the label was not written: %s", why);
		goto out;
	}
	if (req->printer) {
		if (run_lp(req->printer, file, said, sizeof(said), why, sizeof(why)) != 0) {
			rc = svc_fail(b, SVC_EIO, "%s (the label is in %s)", why, file);
			goto out;
		}
		printed = json_pack("{s:s, s:s}", "printer", req->printer, "said", said);
	}
	*view = json_pack("{s:s, s:s, s:s, s:s, s:b, s:O, s:O}", "output", file, "format", format,
			  "size", size, "lang", lang, "intake", req->intake, "labels", list,
			  "printed", printed);
	if (!*view)
		rc = svc_fail(b, SVC_EIO, "out of memory");
out:
	free(body);
	json_decref(doc);
	json_decref(printed);
	json_decref(list);
	return rc;
}

enum svc_err svc_batch_labels_file(struct bench *b, const char *name, const char *lang,
				   int intake, struct svc_file *out)
{
	struct store_batch batch;
	long long *ids = NULL;
	char (*keys)[64] = NULL;
	const char **list = NULL;
	size_t n = 0, k = 0;
	enum store_err err;
	enum svc_err rc;

	memset(out, 0, sizeof(*out));
	err = store_batch_find(b->st, name ? name : "", &batch);
	if (err == STORE_ENOENT)
		return svc_fail(b, SVC_ENOENT, "there is no batch '%s' (atelier intake list)",
				name ? name : "");
	if (!err)
		err = store_batch_devices(b->st, batch.id, &ids, &n);
	if (err)
		return svc_store_fail(b, err, "read the batch");
	if (n == 0) {
		free(ids);
		return svc_fail(b, SVC_ESTATE, "batch '%s' has no device yet: nothing to label",
				batch.name);
	}
	keys = calloc(n, sizeof(*keys));
	list = calloc(n, sizeof(*list));
	for (size_t i = 0; keys && list && i < n; i++) {
		struct store_device_row d;

		if (store_device_get(b->st, ids[i], &d) != STORE_OK)
			continue;
		snprintf(keys[k], sizeof(keys[k]), "%s",
			 d.udid[0] ? d.udid : d.serial[0] ? d.serial : d.imei);
		if (keys[k][0])
			list[k] = keys[k], k++;
	}
	if (!keys || !list) {
		rc = svc_fail(b, SVC_EIO, "out of memory");
	} else {
		struct svc_label_req req = { list, k, "a4-sheet", "pdf", NULL, NULL, lang, intake };

		rc = svc_label_file(b, &req, out);
		if (!rc) {
			/* a file name safe anywhere, and in a header */
			snprintf(out->name, sizeof(out->name), "labels-%.64s.pdf", batch.name);
			for (char *c = out->name + 7; *c && strcmp(c, ".pdf") != 0; c++)
				if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
					    "0123456789._-", *c))
					*c = '_';
		}
	}
	free(list);
	free(keys);
	free(ids);
	return rc;
}
