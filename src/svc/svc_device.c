/* Devices: the list, one device's record, its moves by hand, its facts. See svc.h. */
#include "svc/svc_int.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cert/lifecycle.h"
#include "job/job.h"
#include "probe/facts.h"
#include "util/clock.h"
#include "util/number.h"
#include "util/text.h"

#define DEVICE_WHY_MAX 500 /* bytes of a reason to move a device; an event keeps 511 */

static json_t *row_json(const struct store_device_row *d)
{
	json_t *o = json_pack("{s:I, s:s, s:s, s:I, s:I, s:I}", "id", (json_int_t)d->id, "state",
			      device_state_name(d->state), "platform", d->platform,
			      "first_seen_ms", (json_int_t)d->first_seen_ms, "last_seen_ms",
			      (json_int_t)d->last_seen_ms, "probes", (json_int_t)d->probes);

	json_object_set_new(o, "udid", svc_str_or_null(d->udid));
	json_object_set_new(o, "serial", svc_str_or_null(d->serial));
	json_object_set_new(o, "imei", svc_str_or_null(d->imei));
	return o;
}

/* The rows svc_device_list() gathers, appended to ARG (a JSON array). */
static int append_row(json_t *row, void *arg)
{
	return json_array_append(arg, row) == 0 ? 0 : -1;
}

enum svc_err svc_device_list(struct bench *b, const char *state_word, json_t **view)
{
	if (b->remote) {
		const char *name = "state";

		return svc_remote_get(b, "/api/devices", &name, &state_word, 1, view);
	}
	enum svc_err rc;

	*view = json_array();
	rc = svc_device_each(b, state_word, append_row, *view);
	if (rc) {
		json_decref(*view);
		*view = NULL;
	}
	return rc;
}

const char *svc_stock_number(long long device_id, char *out, size_t size)
{
	snprintf(out, size, "AT-%06lld", device_id);
	return out;
}

json_t *svc_device_name(struct bench *b, long long id)
{
	char *text = NULL;
	long long t_ms;
	json_t *facts, *name = NULL;

	if (store_latest_probe(b->st, id, &text, &t_ms) != STORE_OK)
		return json_null();
	facts = json_loads(text, 0, NULL);
	free(text);
	if (facts)
		name = svc_str_or_null(facts_json_string(facts, "identity.marketing_name"));
	json_decref(facts);
	return name ? name : json_null();
}

/* The latest move of device ID into its present state STATE: {by, t_ms, why}, or null. */
static json_t *why_here(struct bench *b, long long id, enum device_state state)
{
	struct store_device_event *ev = NULL;
	json_t *o = json_null();
	char name[64];
	size_t n = 0;

	if (store_device_events(b->st, id, &ev, &n) == STORE_OK)
		for (size_t i = n; i-- > 0;)
			if (ev[i].to == state) {
				o = json_pack("{s:s, s:I, s:s}", "by",
					      svc_user_name(b, ev[i].user_id, name, sizeof(name)),
					      "t_ms", (json_int_t)ev[i].t_ms, "why", ev[i].reason);
				break;
			}
	free(ev);
	return o;
}

/* Device D's certificates, newest first: [{id, issued_ms, revoked: {t_ms, why} | null}]. */
static json_t *certs_with_revocation(struct bench *b, long long id)
{
	struct store_certificate *certs = NULL;
	struct store_revocation rev;
	json_t *arr = json_array();
	size_t n = 0;

	if (store_certificate_list(b->st, id, &certs, &n) == STORE_OK)
		for (size_t i = 0; i < n; i++) {
			json_t *c = json_pack("{s:s, s:I}", "id", certs[i].id, "issued_ms",
					      (json_int_t)certs[i].issued_ms);

			json_object_set_new(c, "revoked",
					    store_revocation_get(b->st, certs[i].id, &rev) == STORE_OK
						    ? json_pack("{s:I, s:s}", "t_ms",
								(json_int_t)rev.t_ms, "why",
								rev.reason)
						    : json_null());
			json_array_append_new(arr, c);
		}
	store_certificates_free(certs, n);
	return arr;
}

enum svc_err svc_device_board(struct bench *b, const char *state_word, json_t **view)
{
	struct store_device_row *devs = NULL;
	struct store_user me;
	enum device_state state;
	size_t n = 0;
	enum store_err err;
	enum svc_err rc;
	json_t *list;

	*view = NULL;
	rc = svc_actor(b, NULL, &me);
	if (rc)
		return rc;
	if (!svc_may(b, &me, SVC_READ_QUEUE, NULL))
		return SVC_EDENIED;
	if (state_word && !device_state_parse(state_word, &state))
		return svc_fail(b, SVC_EINVAL, "'%s' is not a state: " DEVICE_STATE_LIST,
				state_word);
	err = store_device_list(b->st, state_word ? &state : NULL, &devs, &n);
	if (err)
		return svc_store_fail(b, err, "list the devices");
	list = json_array();
	for (size_t i = n; i-- > 0;) { /* the latest seen first */
		json_t *o = row_json(&devs[i]);

		json_object_set_new(o, "marketing_name", svc_device_name(b, devs[i].id));
		json_object_set_new(o, "since", why_here(b, devs[i].id, devs[i].state));
		json_object_set_new(o, "certificates", certs_with_revocation(b, devs[i].id));
		json_array_append_new(list, o);
	}
	free(devs);
	*view = json_pack("{s:o}", "devices", list);
	return *view ? SVC_OK : svc_fail(b, SVC_EIO, "out of memory");
}

/* VALUE (what a trainee typed or chose) as fact PATH's type; NULL when it does not fit
 * (the step's kind was checked when it was recorded: only records changed since fail). */
json_t *svc_entered_value(const char *path, const char *value)
{
	const struct fact_def *d = facts_def(path);

	if (!d || !value)
		return NULL;
	switch (d->type) {
	case FACT_STRING:
		return json_string(value);
	case FACT_STRING_ARRAY: {
		json_t *arr = json_array();
		char copy[256], *save = NULL;

		snprintf(copy, sizeof(copy), "%s", value);
		for (char *t = strtok_r(copy, ", ", &save); t; t = strtok_r(NULL, ", ", &save))
			json_array_append_new(arr, json_string(t));
		return arr;
	}
	case FACT_INT: {
		long long v;

		return number_whole(value, LLONG_MIN, LLONG_MAX, &v) == NUMBER_OK ? json_integer(v)
										   : NULL;
	}
	case FACT_REAL: {
		double v;

		return number_decimal(value, &v) == NUMBER_OK ? json_real(v) : NULL;
	}
	case FACT_BOOL:
		if (strcmp(value, "yes") == 0)
			return json_true();
		if (strcmp(value, "no") == 0)
			return json_false();
		return NULL;
	}
	return NULL;
}

/* 1 when a step of C records a fact (`records:`). */
static int records_facts(const struct checklist *c)
{
	for (size_t k = 0; k < c->n_steps; k++)
		if (c->steps[k].records)
			return 1;
	return 0;
}

/* What the trainees recorded by hand on DEVICE_ID into ENTERED: {fact: {value, job,
 * record, step, by, t_ms}}, the newest job's word for each fact. Cancelled jobs and
 * skipped records do not count. */
static enum svc_err entered_facts(struct bench *b, long long device_id, json_t *entered)
{
	struct store_job *jobs = NULL;
	size_t n = 0;
	enum store_err err = store_job_list(b->st, device_id, 0, NULL, &jobs, &n);

	if (err)
		return svc_store_fail(b, err, "read the device's jobs");
	for (size_t i = 0; i < n; i++) { /* newest first */
		const struct checklist *c = NULL;
		struct store_step *recs = NULL;
		size_t nrec = 0;
		char by[64];

		if (jobs[i].state == JOB_STATE_CANCELLED)
			continue;
		if (svc_pinned(b, &jobs[i], &c) != SVC_OK)
			continue; /* job verify and db check say what is wrong with it */
		if (!records_facts(c))
			continue; /* no step of it records a fact: its records are not read */
		if (store_steps_latest_of(b->st, jobs[i].id, &recs, &nrec) == STORE_OK) {
			for (size_t k = 0; k < c->n_steps; k++) {
				const struct checklist_step *s = &c->steps[k];
				const struct store_step *r;
				json_t *v;

				if (!s->records || json_object_get(entered, s->records))
					continue;
				r = job_last_record(recs, nrec, s->id);
				if (!r || r->result == STEP_SKIP || !r->value)
					continue;
				v = svc_entered_value(s->records, r->value);
				if (!v)
					continue;
				json_object_set_new(
					entered, s->records,
					json_pack("{s:o, s:I, s:i, s:s, s:s, s:I, s:I, s:s?}",
						  "value", v, "job", (json_int_t)jobs[i].id,
						  "record", r->seq, "step", s->id, "by",
						  svc_user_name(b, r->user_id, by, sizeof(by)),
						  "user", (json_int_t)r->user_id, "t_ms",
						  (json_int_t)r->t_ms, "tester", r->tester));
			}
		}
		store_steps_free(recs, nrec);
	}
	free(jobs);
	return SVC_OK;
}

void svc_merge_entered(json_t *facts, const json_t *entered, long long except_job,
		       const char *except_step)
{
	const char *path;
	json_t *e;

	json_object_foreach((json_t *)entered, path, e) {
		json_t *read = facts_json_at(facts, path);

		if (except_job && json_integer_value(json_object_get(e, "job")) == except_job &&
		    except_step && strcmp(json_string_value(json_object_get(e, "step")), except_step) == 0)
			continue;
		/* What the device says wins: a trainee fills only what it could not say. */
		if (read && !json_is_null(read))
			continue;
		facts_json_set(facts, path, json_deep_copy(json_object_get(e, "value")));
	}
}

/* Forget what a trainee recorded where the device said it itself: the device's word is
 * the fact, and "entered" names only what came from a step (the certificate's battery
 * source, the step rules that set a step's own answer aside). */
static void drop_read(const json_t *facts, json_t *entered)
{
	const char *path;
	json_t *e;
	void *tmp;

	json_object_foreach_safe(entered, tmp, path, e) {
		json_t *read = facts_json_at(facts, path);

		if (read && !json_is_null(read))
			json_object_del(entered, path);
	}
}

enum svc_err svc_device_facts(struct bench *b, long long device_id, json_t **facts)
{
	char *text = NULL, *usb_text = NULL, tool[256] = "", usb_tool[256] = "";
	long long t = 0, usb_t = 0;
	json_t *entered = NULL;
	enum store_err err;
	enum svc_err rc;

	*facts = NULL;
	/* The latest full reading; a sighting on USB alone (an Android phone after its
	 * reset, USB debugging off) says only that the phone was there, and when. */
	err = store_latest_probe_via(b->st, device_id, "usb", 0, &text, &t, tool, sizeof(tool));
	if (err == STORE_ENOENT) {
		*facts = json_object();
	} else if (err) {
		return svc_store_fail(b, err, "read the device's facts");
	} else {
		*facts = json_loads(text, 0, NULL);
		free(text);
		if (!json_is_object(*facts)) {
			json_decref(*facts);
			*facts = NULL;
			return svc_fail(b, SVC_EREFUSED,
					"the device's last reading is damaged in the records: run "
					"'atelier db check'");
		}
	}
	err = store_latest_probe_via(b->st, device_id, "usb", 1, &usb_text, &usb_t, usb_tool,
				     sizeof(usb_tool));
	free(usb_text);
	if (err && err != STORE_ENOENT) {
		json_decref(*facts);
		*facts = NULL;
		return svc_store_fail(b, err, "read the device's facts");
	}
	json_object_set_new(*facts, "readings",
			    json_pack("{s:o, s:o, s:o, s:o}", "full_ms",
				      t ? json_integer(t) : json_null(), "full_tool",
				      t ? json_string(tool) : json_null(), "usb_only_ms",
				      err == STORE_OK ? json_integer(usb_t) : json_null(),
				      "usb_only_tool",
				      err == STORE_OK ? json_string(usb_tool) : json_null()));
	entered = json_object();
	rc = entered_facts(b, device_id, entered);
	if (rc) {
		json_decref(entered);
		json_decref(*facts);
		*facts = NULL;
		return rc;
	}
	drop_read(*facts, entered);
	svc_merge_entered(*facts, entered, 0, NULL);
	facts_derive(*facts);
	json_object_set_new(*facts, "entered", entered);
	return SVC_OK;
}

enum svc_err svc_read_facts(struct bench *b, long long device_id, const char *name,
			    json_t **facts)
{
	enum svc_err rc = svc_device_facts(b, device_id, facts);

	if (rc || json_is_integer(facts_json_at(*facts, "readings.full_ms")))
		return rc;
	json_decref(*facts);
	*facts = NULL;
	return svc_fail(b, SVC_ESTATE, "device '%s' has no reading yet: run 'atelier probe' first",
			name);
}

/* The certificates issued for DEVICE_ID, newest first: id and issue time. */
static json_t *certificates_json(struct bench *b, long long device_id)
{
	struct store_certificate *certs = NULL;
	json_t *arr = json_array();
	size_t n = 0;

	if (store_certificate_list(b->st, device_id, &certs, &n) == STORE_OK)
		for (size_t i = 0; i < n; i++)
			json_array_append_new(arr, json_pack("{s:s, s:I}", "id", certs[i].id,
							     "issued_ms",
							     (json_int_t)certs[i].issued_ms));
	store_certificates_free(certs, n);
	return arr;
}

static json_t *history_json(struct bench *b, long long device_id)
{
	struct store_device_event *ev = NULL;
	json_t *hist = json_array();
	char name[64];
	size_t n = 0;

	if (store_device_events(b->st, device_id, &ev, &n) == STORE_OK)
		for (size_t i = 0; i < n; i++)
			json_array_append_new(
				hist, json_pack("{s:s, s:s, s:s, s:I, s:s}", "from",
						device_state_name(ev[i].from), "to",
						device_state_name(ev[i].to), "by",
						svc_user_name(b, ev[i].user_id, name, sizeof(name)),
						"t_ms", (json_int_t)ev[i].t_ms, "why", ev[i].reason));
	free(ev);
	return hist;
}

static json_t *jobs_json(struct bench *b, long long device_id)
{
	struct store_job *jobs = NULL;
	json_t *arr = json_array();
	size_t n = 0;

	if (store_job_list(b->st, device_id, 0, NULL, &jobs, &n) == STORE_OK)
		for (size_t i = 0; i < n; i++)
			json_array_append_new(arr, svc_job_row_json(b, &jobs[i]));
	free(jobs);
	return arr;
}

/* ---- the card: what the trainee sees of a reading ---- */

/* The locks a card shows as on, by name (the facts' own: find_my, frp, google_accounts,
 * supervised), into the array ON; and the lock state in one word: "on" when one is,
 * "off" when the platform's lock was read as off, else "unknown". The policy decides
 * certification; this only tells the trainee. */
static const char *lock_of(const json_t *facts, json_t *on)
{
	const char *find_my = facts_json_string(facts, "locks.find_my");
	const char *frp = facts_json_string(facts, "locks.frp");
	const json_t *accounts = facts_json_at(facts, "locks.google_accounts");

	if (find_my && strcmp(find_my, "on") == 0)
		json_array_append_new(on, json_string("find_my"));
	if (frp && strcmp(frp, "on") == 0)
		json_array_append_new(on, json_string("frp"));
	if (json_is_integer(accounts) && json_integer_value(accounts) > 0)
		json_array_append_new(on, json_string("google_accounts"));
	if (json_is_true(facts_json_at(facts, "locks.supervised")))
		json_array_append_new(on, json_string("supervised"));
	if (json_array_size(on))
		return "on";
	if ((find_my && strcmp(find_my, "off") == 0) ||
	    (frp && strcmp(frp, "off") == 0 && json_is_integer(accounts)))
		return "off";
	return "unknown";
}

json_t *svc_device_card(const json_t *facts)
{
	const char *key = facts_json_string(facts, "identity.udid");
	json_t *card, *on = json_array();
	const char *lock = lock_of(facts, on);

	if (!key)
		key = facts_json_string(facts, "identity.serial");
	card = json_pack(
	    "{s:s?, s:s?, s:s?, s:s?, s:s?, s:s?, s:s?, s:O?, s:O?, s:O?, s:s, s:o, s:s?, s:s?}",
	    "device", key, "platform", facts_json_string(facts, "platform"), "device_class",
	    facts_json_string(facts, "device.class"), "mode",
	    facts_json_string(facts, "connection.mode"), "make",
	    facts_json_string(facts, "identity.make"), "marketing_name",
	    facts_json_string(facts, "identity.marketing_name"), "model_number",
	    facts_json_string(facts, "identity.model_number"), "storage_gb",
	    facts_json_at(facts, "storage.nominal_gb"), "battery_health_pct",
	    facts_json_at(facts, "battery.health_pct"), "battery_cycles",
	    facts_json_at(facts, "battery.cycle_count"), "lock", lock, "locks_on", on, "os",
	    facts_json_string(facts, "os.name"), "os_version", facts_json_string(facts, "os.version"));
	return card;
}

enum svc_err svc_device_show(struct bench *b, const char *key, json_t **view)
{
	if (b->remote)
		return svc_remote_get_one(b, "/api/devices/", key, view);
	struct store_device_row d;
	json_t *facts = NULL, *o, *id, *os, *imei;
	enum svc_err rc;

	*view = NULL;
	rc = svc_find_device(b, key, &d);
	if (rc)
		return rc;
	rc = svc_device_facts(b, d.id, &facts);
	if (rc)
		return rc;
	o = row_json(&d);
	id = json_object();
	json_object_set_new(id, "marketing_name",
			    svc_str_or_null(facts_json_string(facts, "identity.marketing_name")));
	json_object_set_new(id, "model_id",
			    svc_str_or_null(facts_json_string(facts, "identity.model_id")));
	json_object_set_new(id, "serial",
			    svc_str_or_null(facts_json_string(facts, "identity.serial")
						    ? facts_json_string(facts, "identity.serial")
						    : d.serial));
	imei = facts_json_at(facts, "identity.imei");
	if (json_is_array(imei))
		json_object_set(id, "imei", imei);
	else if (d.imei[0])
		json_object_set_new(id, "imei", json_pack("[s]", d.imei));
	else
		json_object_set_new(id, "imei", json_null());
	json_object_set_new(id, "udid", svc_str_or_null(d.udid));
	json_object_set_new(o, "identity", id);
	os = json_object();
	json_object_set_new(os, "name", svc_str_or_null(facts_json_string(facts, "os.name")));
	json_object_set_new(os, "version", svc_str_or_null(facts_json_string(facts, "os.version")));
	json_object_set_new(os, "build", svc_str_or_null(facts_json_string(facts, "os.build")));
	json_object_set_new(o, "os", os);
	json_object_set_new(o, "card", svc_device_card(facts));
	json_object_set_new(o, "history", history_json(b, d.id));
	json_object_set_new(o, "jobs", jobs_json(b, d.id));
	json_object_set_new(o, "certificates", certificates_json(b, d.id));
	json_decref(facts);
	*view = o;
	return SVC_OK;
}

/* A device leaves for recycling with its data gone: an approved data wipe, or a record of
 * how its storage was destroyed (docs/resale.md). SVC_ESTATE says how to record one. */
static enum svc_err recyclable(struct bench *b, const char *key, const struct store_device_row *d)
{
	const struct policy *p = NULL;
	struct store_resale_row destroyed;
	struct store_job wipe;
	enum store_err err;
	enum svc_err rc = svc_policy(b, &p);

	if (rc)
		return rc;
	err = store_approved_job(b->st, d->id, p->wipe_checklist, &wipe);
	if (err == STORE_ENOENT)
		err = store_destruction_of(b->st, d->id, &destroyed);
	if (err == STORE_ENOENT)
		return svc_fail(b, SVC_ESTATE,
				"%s has no approved data wipe and no destruction record: its data "
				"could still be read. Wipe it (a job of '%s', approved), or record "
				"how its storage was destroyed (atelier device destroy %s --method "
				"TEXT), then send it to recycling",
				key, p->wipe_checklist, key);
	if (err)
		return svc_store_fail(b, err, "read the device's wipe and destruction records");
	return SVC_OK;
}

enum svc_err svc_device_set_state(struct bench *b, const struct svc_move *req, json_t **view)
{
	struct svc_subject on = { 0 };
	struct store_device_row d;
	struct store_user u;
	enum device_state to;
	char why[DEVICE_WHY_MAX + 1];
	enum store_err err;
	enum svc_err rc;

	*view = NULL;
	if (!req->to || !device_state_parse(req->to, &to))
		return svc_fail(b, SVC_EINVAL, "'%s' is not a state: " DEVICE_STATE_LIST,
				req->to ? req->to : "");
	if (!req->why || strlen(req->why) > DEVICE_WHY_MAX ||
	    text_clean(req->why, why, sizeof(why)) == 0)
		return svc_fail(b, SVC_EINVAL,
				"say why the device moves (--why TEXT, 1 to %d bytes): it is kept "
				"in its history",
				DEVICE_WHY_MAX);
	rc = svc_actor(b, req->by, &u);
	if (!rc)
		rc = svc_find_device(b, req->device, &d);
	if (rc)
		return rc;
	on.from = d.state;
	on.to = to;
	if (!svc_may(b, &u, SVC_MOVE_DEVICE, &on)) {
		char reason[SVC_WHY_MAX];

		snprintf(reason, sizeof(reason), "%s", b->why);
		return svc_fail(b, SVC_EDENIED, "%s stays in %s: %s", req->device,
				device_state_name(d.state), reason);
	}
	if (to == DEVICE_RECYCLED) {
		rc = recyclable(b, req->device, &d);
		if (rc)
			return rc;
	}
	err = store_device_set_state(b->st, d.id, d.state, to, u.id, why, clock_wall_ms());
	if (err == STORE_ESTALE)
		return svc_fail(b, SVC_ESTATE,
				"%s was moved by someone else meanwhile: look at it again (atelier "
				"device show %s)",
				req->device, req->device);
	if (err)
		return svc_store_fail(b, err, "record the change");
	*view = json_pack("{s:s, s:s, s:s, s:s, s:s}", "device", req->device, "from",
			  device_state_name(d.state), "to", device_state_name(to), "by", u.name,
			  "why", why);
	return SVC_OK;
}
