/*
 * Resale (svc.h, docs/resale.md): selling a certified device, taking one back, intake
 * batches from donors, where a device sits on the shelves, the destruction of a device's
 * storage, and the donor's erasure report of a batch.
 *
 * A buyer is known only by a reference the workshop chooses (an invoice or order
 * number): a reference has no spaces, so that a name is not typed there by habit
 * (docs/privacy.md). The donor's report names no person at all: the wipe's record is the
 * method, the day, the job and whether a second person's check passed.
 */
#include "svc/svc_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "job/job.h"
#include "probe/facts.h"
#include "util/clock.h"
#include "util/csv.h"
#include "util/text.h"

#define RESALE_WHY_MAX 500 /* bytes of a reason kept in a device's history */

/* The view of a refusal, for a screen to say beside the field at fault. */
static enum svc_err refuse(json_t **view, enum svc_err rc, const char *field, const char *reason)
{
	if (view) {
		json_decref(*view);
		*view = json_pack("{s:s, s:s}", "field", field, "reason", reason);
	}
	return rc;
}

/* TEXT, required, cleaned into OUT (SIZE bytes): 0 when empty or longer than SIZE - 1. */
static int clean_required(const char *text, char *out, size_t size)
{
	return text && strlen(text) < size && text_clean(text, out, size) > 0;
}

int svc_price_parse(const char *price, long long *cents, const char **reason)
{
	long long euros = 0, frac = 0;
	size_t i = 0, decimals = 0;

	*cents = 0;
	*reason = "not-a-price";
	if (!price || !(price[0] >= '0' && price[0] <= '9'))
		return 0;
	for (; price[i] >= '0' && price[i] <= '9'; i++) {
		euros = euros * 10 + (price[i] - '0');
		if (euros > SVC_PRICE_MAX_CENTS / 100) {
			*reason = "too-high";
			return 0;
		}
	}
	if (price[i] == '.' || price[i] == ',') {
		i++;
		for (; price[i] >= '0' && price[i] <= '9'; i++, decimals++)
			if (decimals < 2)
				frac = frac * 10 + (price[i] - '0');
		if (decimals == 0)
			return 0;
		if (decimals > 2) {
			*reason = "too-many-decimals";
			return 0;
		}
		if (decimals == 1)
			frac *= 10;
	}
	if (price[i] != '\0')
		return 0;
	*cents = euros * 100 + frac;
	if (*cents > SVC_PRICE_MAX_CENTS) {
		*reason = "too-high";
		return 0;
	}
	*reason = NULL;
	return 1;
}

static const char *const channels[] = { "shop", "online", "partner", "donation", NULL };

static int known_channel(const char *c)
{
	for (size_t i = 0; c && channels[i]; i++)
		if (strcmp(c, channels[i]) == 0)
			return 1;
	return 0;
}

/* An invoice or order number: letters, digits and - / . _ # only, 1 to
 * STORE_BUYER_REF_MAX: no spaces, so no "first last". */
static int valid_ref(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > STORE_BUYER_REF_MAX)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      strchr("-/._#", c)))
			return 0;
	}
	return 1;
}

/* Batch names as account names: letters, digits, '.', '-', '_', starting with a letter or
 * a digit. */
static int valid_batch_name(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > STORE_BATCH_NAME_MAX || !((s[0] >= 'a' && s[0] <= 'z') ||
						     (s[0] >= 'A' && s[0] <= 'Z') ||
						     (s[0] >= '0' && s[0] <= '9')))
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '.' || c == '-' || c == '_'))
			return 0;
	}
	return 1;
}

/* The device's standing certificate into ID (SIZE bytes): SVC_OK; SVC_ESTATE with the
 * reason when it has none or its latest was withdrawn. */
static enum svc_err standing_certificate(struct bench *b, const char *key,
					 const struct store_device_row *d, char *id, size_t size)
{
	struct store_certificate *certs = NULL;
	struct store_revocation rev;
	enum store_err err;
	size_t n = 0;
	enum svc_err rc = SVC_OK;

	err = store_certificate_list(b->st, d->id, &certs, &n);
	if (err)
		return svc_store_fail(b, err, "read the device's certificates");
	if (n == 0)
		rc = svc_fail(b, SVC_ESTATE,
			      "%s has no certificate: only a certified device is sold (atelier "
			      "certify %s)",
			      key, key);
	else if (store_revocation_get(b->st, certs[0].id, &rev) == STORE_OK)
		rc = svc_fail(b, SVC_ESTATE,
			      "the certificate of %s (%s) was revoked (%s): it cannot be sold until "
			      "it is certified again",
			      key, certs[0].id, rev.reason);
	else
		snprintf(id, size, "%s", certs[0].id);
	store_certificates_free(certs, n);
	return rc;
}

static void price_text(long long cents, char *out, size_t size)
{
	snprintf(out, size, "%lld.%02lld", cents / 100, cents % 100);
}

enum svc_err svc_device_sell(struct bench *b, const struct svc_sale_req *req, json_t **view)
{
	struct svc_subject on = { .from = DEVICE_CERTIFIED, .to = DEVICE_SOLD };
	struct store_sale sale = { 0 };
	struct store_device_row d;
	struct store_user u;
	const char *reason = NULL;
	char cert[64] = "", why[160], stock[24], price[32];
	enum store_err err;
	enum svc_err rc;

	*view = NULL;
	if (!svc_price_parse(req->price, &sale.price_cents, &reason))
		return refuse(view,
			      svc_fail(b, SVC_EINVAL,
				       "'%s' is not a price: write it in euros, as 89, 89.50 or "
				       "89,50 (at most 2 decimals, at most %lld euros)",
				       req->price ? req->price : "", SVC_PRICE_MAX_CENTS / 100),
			      "price", reason);
	if (!known_channel(req->channel))
		return refuse(view,
			      svc_fail(b, SVC_EINVAL,
				       "'%s' is not a channel of sale: shop, online, partner or "
				       "donation",
				       req->channel ? req->channel : ""),
			      "channel", "unknown");
	if (sale.price_cents == 0 && strcmp(req->channel, "donation") != 0)
		return refuse(view,
			      svc_fail(b, SVC_EINVAL,
				       "a price of 0 is a donation: say --channel donation, or give "
				       "the price"),
			      "price", "zero");
	if (req->buyer_ref && req->buyer_ref[0] && !valid_ref(req->buyer_ref))
		return refuse(view,
			      svc_fail(b, SVC_EINVAL,
				       "a buyer reference is an invoice or order number (1 to %d "
				       "letters, digits, '-', '/', '.', '_' or '#', no spaces), "
				       "never the buyer's name",
				       STORE_BUYER_REF_MAX),
			      "buyer_ref", "not-a-reference");
	rc = svc_actor(b, req->by, &u);
	if (!rc)
		rc = svc_find_device(b, req->device, &d);
	if (rc)
		return rc;
	if (!svc_may(b, &u, SVC_SELL, &on))
		return SVC_EDENIED;
	if (d.state != DEVICE_CERTIFIED)
		return svc_fail(b, SVC_ESTATE,
				"%s is %s, not certified: only a certified device is sold%s",
				req->device, device_state_name(d.state),
				d.state == DEVICE_SOLD ? " (it was sold already)" : "");
	rc = standing_certificate(b, req->device, &d, cert, sizeof(cert));
	if (rc)
		return rc;
	sale.device_id = d.id;
	snprintf(sale.currency, sizeof(sale.currency), "EUR");
	snprintf(sale.channel, sizeof(sale.channel), "%s", req->channel);
	if (req->buyer_ref)
		snprintf(sale.buyer_ref, sizeof(sale.buyer_ref), "%s", req->buyer_ref);
	sale.by_user = u.id;
	sale.t_ms = clock_wall_ms();
	price_text(sale.price_cents, price, sizeof(price));
	snprintf(why, sizeof(why), "%s: %s EUR%s%s", strcmp(req->channel, "donation") == 0
							 ? "donated"
							 : "sold",
		 price, sale.buyer_ref[0] ? ", " : "", sale.buyer_ref);
	err = store_sale_add(b->st, &sale, why, NULL);
	if (err == STORE_ESTALE)
		return svc_fail(b, SVC_ESTATE,
				"%s was moved by someone else meanwhile: look at it again (atelier "
				"device show %s)",
				req->device, req->device);
	if (err)
		return svc_store_fail(b, err, "record the sale");
	svc_stock_number(d.id, stock, sizeof(stock));
	*view = json_pack("{s:s, s:s, s:I, s:s, s:s, s:s, s:o, s:s, s:s, s:I}", "device",
			  req->device, "stock_number", stock, "price_cents",
			  (json_int_t)sale.price_cents, "price", price, "currency", sale.currency,
			  "channel", sale.channel, "buyer_ref", svc_str_or_null(sale.buyer_ref),
			  "certificate", cert, "by", u.name, "t_ms", (json_int_t)sale.t_ms);
	return *view ? SVC_OK : svc_fail(b, SVC_EIO, "out of memory");
}

/* The certificates of DEVICE_ID revoked at T_MS or later: their ids. */
static json_t *revoked_since(struct bench *b, long long device_id, long long t_ms)
{
	struct store_certificate *certs = NULL;
	struct store_revocation rev;
	json_t *arr = json_array();
	size_t n = 0;

	if (store_certificate_list(b->st, device_id, &certs, &n) == STORE_OK)
		for (size_t i = 0; i < n; i++)
			if (store_revocation_get(b->st, certs[i].id, &rev) == STORE_OK &&
			    rev.t_ms >= t_ms)
				json_array_append_new(arr, json_string(certs[i].id));
	store_certificates_free(certs, n);
	return arr;
}

enum svc_err svc_device_return(struct bench *b, const char *device, const char *why_text,
			       const char *by, json_t **view)
{
	struct svc_subject on = { .to = DEVICE_IN_REPAIR };
	struct store_device_row d;
	struct store_user u;
	char why[RESALE_WHY_MAX + 1], reason[RESALE_WHY_MAX + 16];
	long long t_ms;
	enum store_err err;
	enum svc_err rc;

	*view = NULL;
	if (!clean_required(why_text, why, sizeof(why)))
		return refuse(view,
			      svc_fail(b, SVC_EINVAL,
				       "say why the device comes back (--why TEXT, 1 to %d bytes): "
				       "it is kept in its history and with its withdrawn certificate",
				       RESALE_WHY_MAX),
			      "why", "empty");
	rc = svc_actor(b, by, &u);
	if (!rc)
		rc = svc_find_device(b, device, &d);
	if (rc)
		return rc;
	if (d.state != DEVICE_SOLD && d.state != DEVICE_CERTIFIED)
		return svc_fail(b, SVC_ESTATE,
				"%s is %s: only a sold or certified device is taken back",
				device, device_state_name(d.state));
	on.from = d.state;
	if (!svc_may(b, &u, SVC_MOVE_DEVICE, &on)) {
		char denied[SVC_WHY_MAX];

		snprintf(denied, sizeof(denied), "%s", b->why);
		return svc_fail(b, SVC_EDENIED, "%s stays %s: %s", device,
				device_state_name(d.state), denied);
	}
	snprintf(reason, sizeof(reason), "returned: %s", why);
	t_ms = clock_wall_ms();
	/* Leaving sold or certified withdraws its certificates in the same transaction
	 * (store_device_set_state()). */
	err = store_device_set_state(b->st, d.id, d.state, DEVICE_IN_REPAIR, u.id, reason, t_ms);
	if (err == STORE_ESTALE)
		return svc_fail(b, SVC_ESTATE,
				"%s was moved by someone else meanwhile: look at it again (atelier "
				"device show %s)",
				device, device);
	if (err)
		return svc_store_fail(b, err, "record the return");
	*view = json_pack("{s:s, s:s, s:s, s:s, s:s, s:o}", "device", device, "from",
			  device_state_name(d.state), "to", device_state_name(DEVICE_IN_REPAIR),
			  "by", u.name, "why", why, "revoked", revoked_since(b, d.id, t_ms));
	return *view ? SVC_OK : svc_fail(b, SVC_EIO, "out of memory");
}

/* The person acting, allowed WHAT, and the device KEY: the common start of a record. */
static enum svc_err actor_device(struct bench *b, const char *by, enum svc_action what,
				 const char *key, struct store_user *u, struct store_device_row *d)
{
	enum svc_err rc = svc_actor(b, by, u);

	if (rc)
		return rc;
	if (!svc_may(b, u, what, NULL))
		return SVC_EDENIED;
	return svc_find_device(b, key, d);
}

enum svc_err svc_device_shelve(struct bench *b, const char *device, const char *place,
			       const char *by, json_t **view)
{
	struct store_device_row d;
	struct store_user u;
	char shelf[STORE_SHELF_MAX + 1];
	long long t_ms = clock_wall_ms();
	enum store_err err;
	enum svc_err rc;

	*view = NULL;
	if (!clean_required(place, shelf, sizeof(shelf)))
		return refuse(view,
			      svc_fail(b, SVC_EINVAL,
				       "say where the device sits (a shelf, a box: 1 to %d bytes)",
				       STORE_SHELF_MAX),
			      "place", "empty");
	rc = actor_device(b, by, SVC_SHELVE, device, &u, &d);
	if (rc)
		return rc;
	err = store_shelf_move(b->st, d.id, shelf, u.id, t_ms);
	if (err)
		return svc_store_fail(b, err, "record where the device sits");
	*view = json_pack("{s:s, s:s, s:s, s:I}", "device", device, "shelf", shelf, "by", u.name,
			  "t_ms", (json_int_t)t_ms);
	return *view ? SVC_OK : svc_fail(b, SVC_EIO, "out of memory");
}

enum svc_err svc_device_destroy(struct bench *b, const char *device, const char *method_text,
				const char *by, json_t **view)
{
	struct store_device_row d;
	struct store_user u;
	char method[STORE_METHOD_MAX + 1];
	long long t_ms = clock_wall_ms();
	enum store_err err;
	enum svc_err rc;

	*view = NULL;
	if (!clean_required(method_text, method, sizeof(method)))
		return refuse(view,
			      svc_fail(b, SVC_EINVAL,
				       "say how the storage was destroyed (--method TEXT, 1 to %d "
				       "bytes: shredded by the recycler, storage chip drilled...)",
				       STORE_METHOD_MAX),
			      "method", "empty");
	rc = actor_device(b, by, SVC_DESTROY, device, &u, &d);
	if (rc)
		return rc;
	err = store_destruction_add(b->st, d.id, method, u.id, t_ms);
	if (err)
		return svc_store_fail(b, err, "record the destruction");
	*view = json_pack("{s:s, s:s, s:s, s:I}", "device", device, "method", method, "by", u.name,
			  "t_ms", (json_int_t)t_ms);
	return *view ? SVC_OK : svc_fail(b, SVC_EIO, "out of memory");
}

/* ---- intake batches ---- */

enum svc_err svc_batch_add(struct bench *b, const char *name, const char *donor_text,
			   const char *by, json_t **view)
{
	struct store_batch batch = { 0 };
	struct store_user u;
	enum store_err err;
	enum svc_err rc;

	*view = NULL;
	if (!name || !valid_batch_name(name))
		return refuse(view,
			      svc_fail(b, SVC_EINVAL,
				       "'%s' is not a batch name: use 1 to %d letters, digits, '.', "
				       "'-' or '_', starting with a letter or a digit",
				       name ? name : "", STORE_BATCH_NAME_MAX),
			      "name", "not-a-name");
	if (!clean_required(donor_text, batch.donor, sizeof(batch.donor)))
		return refuse(view,
			      svc_fail(b, SVC_EINVAL,
				       "say who gave the devices (--donor TEXT, 1 to %d bytes: the "
				       "company or organisation)",
				       STORE_DONOR_MAX),
			      "donor", "empty");
	rc = svc_actor(b, by, &u);
	if (rc)
		return rc;
	if (!svc_may(b, &u, SVC_MANAGE_BATCHES, NULL))
		return SVC_EDENIED;
	snprintf(batch.name, sizeof(batch.name), "%s", name);
	batch.by_user = u.id;
	batch.t_ms = clock_wall_ms();
	err = store_batch_add(b->st, &batch, NULL);
	if (err == STORE_EEXIST)
		return refuse(view,
			      svc_fail(b, SVC_EINVAL,
				       "there is a batch '%s' already (atelier intake list)", name),
			      "name", "taken");
	if (err)
		return svc_store_fail(b, err, "record the batch");
	*view = json_pack("{s:s, s:s, s:s, s:I}", "name", batch.name, "donor", batch.donor, "by",
			  u.name, "t_ms", (json_int_t)batch.t_ms);
	return *view ? SVC_OK : svc_fail(b, SVC_EIO, "out of memory");
}

/* Batch NAME into *OUT, or SVC_ENOENT in words. */
static enum svc_err find_batch(struct bench *b, const char *name, struct store_batch *out)
{
	enum store_err err = store_batch_find(b->st, name ? name : "", out);

	if (err == STORE_ENOENT)
		return svc_fail(b, SVC_ENOENT, "there is no batch '%s' (atelier intake list)",
				name ? name : "");
	if (err)
		return svc_store_fail(b, err, "read the batches");
	return SVC_OK;
}

enum svc_err svc_batch_attach(struct bench *b, const char *name, const char *const *devices,
			      size_t n, const char *by, json_t **view)
{
	struct store_device_row *rows = NULL;
	struct store_batch batch, in;
	struct store_user u;
	long long t_ms = clock_wall_ms();
	enum store_err err;
	enum svc_err rc;
	json_t *list;
	char stock[24];

	*view = NULL;
	if (n == 0)
		return svc_fail(b, SVC_EINVAL, "name the devices to put in batch '%s'", name);
	rc = svc_actor(b, by, &u);
	if (rc)
		return rc;
	if (!svc_may(b, &u, SVC_MANAGE_BATCHES, NULL))
		return SVC_EDENIED;
	rc = find_batch(b, name, &batch);
	if (rc)
		return rc;
	rows = calloc(n, sizeof(*rows));
	if (!rows)
		return svc_fail(b, SVC_EIO, "out of memory");
	/* All or none: every device is checked before any is put in. */
	for (size_t i = 0; i < n && !rc; i++) {
		rc = svc_find_device(b, devices[i], &rows[i]);
		if (rc)
			break;
		for (size_t k = 0; k < i; k++)
			if (rows[k].id == rows[i].id)
				rc = svc_fail(b, SVC_EINVAL, "%s is named twice", devices[i]);
		if (rc)
			break;
		err = store_batch_of(b->st, rows[i].id, &in);
		if (err == STORE_OK)
			rc = svc_fail(b, SVC_ESTATE,
				      "%s is in batch '%s' already: a device belongs to one batch",
				      devices[i], in.name);
		else if (err != STORE_ENOENT)
			rc = svc_store_fail(b, err, "read the batches");
	}
	list = json_array();
	for (size_t i = 0; i < n && !rc; i++) {
		err = store_batch_attach(b->st, batch.id, rows[i].id, u.id, t_ms);
		if (err)
			rc = svc_store_fail(b, err, "put the device in the batch");
		svc_stock_number(rows[i].id, stock, sizeof(stock));
		json_array_append_new(list, json_pack("{s:s, s:s}", "device", devices[i],
						      "stock_number", stock));
	}
	free(rows);
	if (rc) {
		json_decref(list);
		return rc;
	}
	*view = json_pack("{s:s, s:o}", "batch", batch.name, "devices", list);
	return *view ? SVC_OK : svc_fail(b, SVC_EIO, "out of memory");
}

enum svc_err svc_batch_list(struct bench *b, json_t **view)
{
	struct store_batch *batches = NULL;
	struct store_user u;
	size_t n = 0;
	enum store_err err;
	enum svc_err rc;
	json_t *list;
	char who[64];

	*view = NULL;
	rc = svc_actor(b, NULL, &u);
	if (rc)
		return rc;
	if (!svc_may(b, &u, SVC_READ_RESALE, NULL))
		return SVC_EDENIED;
	err = store_batch_list(b->st, &batches, &n);
	if (err)
		return svc_store_fail(b, err, "read the batches");
	list = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(
			list, json_pack("{s:s, s:s, s:s, s:I, s:I}", "name", batches[i].name, "donor",
					batches[i].donor, "by",
					svc_user_name(b, batches[i].by_user, who, sizeof(who)),
					"t_ms", (json_int_t)batches[i].t_ms, "devices",
					(json_int_t)batches[i].devices));
	free(batches);
	*view = json_pack("{s:o}", "batches", list);
	return *view ? SVC_OK : svc_fail(b, SVC_EIO, "out of memory");
}

/* ---- the donor's erasure report ---- */

/* What became of a device, in one word of the report. */
static const char *outcome_of(struct bench *b, const struct store_device_row *d)
{
	struct store_sale sale;

	switch (d->state) {
	case DEVICE_CERTIFIED:
		return "certified";
	case DEVICE_SOLD:
		return store_sale_of(b->st, d->id, &sale) == STORE_OK &&
				       strcmp(sale.channel, "donation") == 0
			       ? "donated"
			       : "sold";
	case DEVICE_RECYCLED:
		return "recycled";
	case DEVICE_PARTS:
		return "parts";
	case DEVICE_QUARANTINE:
		return "quarantine";
	case DEVICE_INTAKE:
	case DEVICE_IN_REPAIR:
	case DEVICE_READY:
		break;
	}
	return "in-work";
}

/* The second person's check of wipe JOB: {result, t_ms}. */
static json_t *second_check(struct bench *b, const struct policy *p, const struct store_job *job)
{
	struct store_job_event *ev = NULL, *last = NULL;
	json_t *o;
	size_t n = 0;

	if (!job_wipe_sampled(job, p->wipe_verification_sample_pct))
		return json_pack("{s:s, s:n}", "result", "not-sampled", "t_ms");
	if (store_job_events(b->st, job->id, &ev, &n) == STORE_OK)
		for (size_t i = 0; i < n; i++)
			if (ev[i].kind == STORE_JOB_WIPE_CHECK)
				last = &ev[i];
	o = last ? json_pack("{s:s, s:I}", "result", last->result == STEP_PASS ? "pass" : "fail",
			     "t_ms", (json_int_t)last->t_ms)
		 : json_pack("{s:s, s:n}", "result", "not-yet", "t_ms");
	free(ev);
	return o;
}

/* The record of the erasure of device D (FACTS its facts): its approved wipe, else its
 * destruction, else null. NIST SP 800-88 Rev. 2 as the certificate says it
 * (docs/certificates.md): purge for storage always encrypted (a reset is a cryptographic
 * erase), clear otherwise. */
static json_t *erasure_record(struct bench *b, const struct policy *p,
			      const struct store_device_row *d, const json_t *facts)
{
	struct store_resale_row destroyed;
	struct store_job job;
	int encrypted;

	if (store_approved_job(b->st, d->id, p->wipe_checklist, &job) == STORE_OK) {
		encrypted = strcmp(d->platform, "ios") == 0 ||
			    json_is_true(facts_json_at(facts, "locks.encrypted"));
		return json_pack("{s:s, s:s, s:s, s:s, s:I, s:I, s:o}", "kind", "wipe", "standard",
				 "NIST SP 800-88 Rev. 2", "method", encrypted ? "purge" : "clear",
				 "technique",
				 encrypted ? "cryptographic erase"
				 : p->android_unencrypted_method[0]
					 ? p->android_unencrypted_method
					 : "factory reset",
				 "date_ms", (json_int_t)job.submitted_ms, "job", (json_int_t)job.id,
				 "second_check", second_check(b, p, &job));
	}
	if (store_destruction_of(b->st, d->id, &destroyed) == STORE_OK)
		return json_pack("{s:s, s:s, s:I}", "kind", "destruction", "method",
				 destroyed.text, "t_ms", (json_int_t)destroyed.t_ms);
	return json_null();
}

/* The serial and IMEIs of device D as text ("" when none). */
static void identity_of(const struct store_device_row *d, const json_t *facts, char *serial,
			size_t ssize, char *imei, size_t isize)
{
	const json_t *list = facts_json_at(facts, "identity.imei"), *v;
	const char *s = facts_json_string(facts, "identity.serial");
	size_t i, len = 0;

	snprintf(serial, ssize, "%s", s ? s : d->serial);
	imei[0] = '\0';
	if (json_is_array(list))
		json_array_foreach (list, i, v)
			if (json_is_string(v))
				len = text_list_add(imei, isize, len, " ", json_string_value(v));
	if (!imei[0])
		snprintf(imei, isize, "%s", d->imei);
}

static json_t *report_device(struct bench *b, const struct policy *p,
			     const struct store_device_row *d, json_t *counts)
{
	char stock[24], serial[128], imei[128];
	const char *key = d->serial[0] ? d->serial : d->udid[0] ? d->udid : d->imei;
	const char *outcome = outcome_of(b, d);
	json_t *facts = NULL, *record, *o;
	const char *count;

	if (svc_device_facts(b, d->id, &facts) != SVC_OK)
		facts = json_object();
	svc_stock_number(d->id, stock, sizeof(stock));
	identity_of(d, facts, serial, sizeof(serial), imei, sizeof(imei));
	record = erasure_record(b, p, d, facts);
	count = json_is_null(record) ? "missing"
		: strcmp(json_string_value(json_object_get(record, "kind")), "wipe") == 0
			? "wiped"
			: "destroyed";
	json_object_set_new(counts, count,
			    json_integer(json_integer_value(json_object_get(counts, count)) + 1));
	o = json_pack("{s:s, s:s, s:s?, s:s?, s:s?, s:s, s:s, s:s, s:s, s:o, s:b}", "stock_number",
		      stock, "device", key, "make", facts_json_string(facts, "identity.make"),
		      "model", facts_json_string(facts, "identity.marketing_name"),
		      "model_number", facts_json_string(facts, "identity.model_number"), "serial",
		      serial, "imei", imei, "state", device_state_name(d->state), "outcome",
		      outcome, "record", record,
		      /* a device that left the workshop's hands without a record: look at it */
		      "attention",
		      json_is_null(record) && (d->state == DEVICE_RECYCLED ||
					       d->state == DEVICE_PARTS));
	json_decref(facts);
	return o;
}

enum svc_err svc_erasure_report(struct bench *b, const char *name, const char *lang,
				json_t **view)
{
	const struct policy *p = NULL;
	struct store_batch batch;
	struct store_user u;
	long long *ids = NULL;
	size_t n = 0;
	enum store_err err;
	enum svc_err rc;
	json_t *list, *counts;

	*view = NULL;
	rc = svc_actor(b, NULL, &u);
	if (rc)
		return rc;
	if (!svc_may(b, &u, SVC_READ_RESALE, NULL))
		return SVC_EDENIED;
	if (lang && strcmp(lang, "en") != 0 && strcmp(lang, "fr") != 0 && strcmp(lang, "nl") != 0)
		return svc_fail(b, SVC_EINVAL, "the report's language is en, fr or nl, not '%s'",
				lang);
	rc = svc_policy(b, &p);
	if (!rc)
		rc = find_batch(b, name, &batch);
	if (rc)
		return rc;
	err = store_batch_devices(b->st, batch.id, &ids, &n);
	if (err)
		return svc_store_fail(b, err, "read the batch's devices");
	list = json_array();
	counts = json_pack("{s:I, s:i, s:i, s:i}", "devices", (json_int_t)n, "wiped", 0,
			   "destroyed", 0, "missing", 0);
	for (size_t i = 0; i < n; i++) {
		struct store_device_row d;

		err = store_device_get(b->st, ids[i], &d);
		if (err)
			break;
		json_array_append_new(list, report_device(b, p, &d, counts));
	}
	free(ids);
	if (err) {
		json_decref(list);
		json_decref(counts);
		return svc_store_fail(b, err, "read the batch's devices");
	}
	*view = json_pack("{s:s, s:s, s:s, s:s?, s:{s:s, s:s, s:I}, s:I, s:o, s:o}", "format",
			  "atelier-erasure-report/1", "lang", lang ? lang : p->language,
			  "workshop", p->workshop_name,
			  "place", p->workshop_place[0] ? p->workshop_place : NULL, "batch", "name",
			  batch.name, "donor", batch.donor, "t_ms", (json_int_t)batch.t_ms,
			  "made_ms", (json_int_t)clock_wall_ms(), "devices", list, "counts", counts);
	return *view ? SVC_OK : svc_fail(b, SVC_EIO, "out of memory");
}

/* The day of T_MS (a JSON integer) into OUT, or "" when it is none. */
static const char *day_of(const json_t *t_ms, char *out, size_t size)
{
	if (!json_is_integer(t_ms)) {
		out[0] = '\0';
		return out;
	}
	return clock_format_day(json_integer_value(t_ms), out, size);
}

static const char *const csv_columns[] = {
	"stock_number", "make",	  "model",	 "serial", "imei",	   "outcome",
	"record",	"method", "date",	 "job",	   "second_check", NULL,
};

/* The report VIEW as CSV (RFC 4180) on OUT: one row per device. */
static void erasure_csv(const json_t *view, FILE *out)
{
	const json_t *dev;
	size_t i;

	for (size_t c = 0; csv_columns[c]; c++)
		csv_text(out, csv_columns[c], c == 0);
	csv_end(out);
	json_array_foreach (json_object_get(view, "devices"), i, dev) {
		const json_t *rec = json_object_get(dev, "record");
		const char *kind = json_string_value(json_object_get(rec, "kind"));
		char method[400] = "", date[16] = "", job[24] = "", check[48] = "";
		const char *model = json_string_value(json_object_get(dev, "model"));
		const char *number = json_string_value(json_object_get(dev, "model_number"));
		char model_text[256];

		snprintf(model_text, sizeof(model_text), "%s%s%s%s", model ? model : "",
			 model && number ? " (" : number ? "" : "", number ? number : "",
			 model && number ? ")" : "");
		if (kind && strcmp(kind, "wipe") == 0) {
			const json_t *sc = json_object_get(rec, "second_check");
			const char *r = json_string_value(json_object_get(sc, "result"));
			char when[16];

			snprintf(method, sizeof(method), "%s %s (%s)",
				 json_string_value(json_object_get(rec, "standard")),
				 json_string_value(json_object_get(rec, "method")),
				 json_string_value(json_object_get(rec, "technique")));
			day_of(json_object_get(rec, "date_ms"), date, sizeof(date));
			snprintf(job, sizeof(job), "%lld",
				 (long long)json_integer_value(json_object_get(rec, "job")));
			day_of(json_object_get(sc, "t_ms"), when, sizeof(when));
			snprintf(check, sizeof(check), "%s%s%s",
				 strcmp(r, "pass") == 0	  ? "passed"
				 : strcmp(r, "fail") == 0 ? "failed"
				 : strcmp(r, "not-yet") == 0
					 ? "not checked yet"
					 : "not drawn in the sample",
				 when[0] ? " " : "", when);
		} else if (kind) {
			snprintf(method, sizeof(method), "%s",
				 json_string_value(json_object_get(rec, "method")));
			day_of(json_object_get(rec, "t_ms"), date, sizeof(date));
		} else {
			snprintf(method, sizeof(method), "no wipe or destruction record yet");
		}
		csv_text(out, json_string_value(json_object_get(dev, "stock_number")), 1);
		csv_text(out, json_string_value(json_object_get(dev, "make")), 0);
		csv_text(out, model_text, 0);
		csv_text(out, json_string_value(json_object_get(dev, "serial")), 0);
		csv_text(out, json_string_value(json_object_get(dev, "imei")), 0);
		csv_text(out, json_string_value(json_object_get(dev, "outcome")), 0);
		csv_text(out, kind ? kind : "none", 0);
		csv_text(out, method, 0);
		csv_text(out, date, 0);
		csv_raw(out, job, 0);
		csv_text(out, check, 0);
		csv_end(out);
	}
}

/* "erasure-NAME.EXT", NAME being a batch name (already safe in a file name). */
static void erasure_name(struct svc_file *out, const char *name, const char *ext)
{
	snprintf(out->name, sizeof(out->name), "erasure-%.64s.%s", name, ext);
}

enum svc_err svc_erasure_file(struct bench *b, const char *name, const char *format,
			      const char *lang, struct svc_file *out)
{
	json_t *view = NULL;
	char why[1024] = "", *body = NULL;
	enum svc_err rc;
	FILE *m;
	int drawn = -1;

	memset(out, 0, sizeof(*out));
	if (!format || (strcmp(format, "csv") != 0 && strcmp(format, "pdf") != 0 &&
			strcmp(format, "html") != 0))
		return svc_fail(b, SVC_EINVAL, "the erasure report's format is csv, pdf or html, not "
					       "'%s'",
				format ? format : "");
	rc = svc_erasure_report(b, name, lang, &view);
	if (rc)
		return rc;
	erasure_name(out, json_string_value(json_object_get(json_object_get(view, "batch"),
							    "name")),
		     format);
	if (strcmp(format, "csv") == 0) {
		out->type = "text/csv; charset=utf-8";
		m = open_memstream(&out->bytes, &out->len);
		if (m) {
			erasure_csv(view, m);
			if (fclose(m) == 0)
				drawn = 0;
		}
		json_decref(view);
		if (drawn) {
			free(out->bytes);
			out->bytes = NULL;
			return svc_fail(b, SVC_EIO, "out of memory");
		}
		return SVC_OK;
	}
	body = json_dumps(view, JSON_COMPACT);
	json_decref(view);
	if (!body)
		snprintf(why, sizeof(why), "out of memory");
	else
		drawn = svc_pdf_draw((const char *const[]){ "--erasure", format, "/dev/fd/3", NULL },
				     body, out, why, sizeof(why));
	free(body);
	if (drawn != 0)
		return svc_fail(b, SVC_EIO, "the erasure report could not be drawn: %s", why);
	out->type = format[0] == 'p' ? "application/pdf" : "text/html; charset=utf-8";
	return SVC_OK;
}
