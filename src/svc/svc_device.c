/* Devices: the list, one device's record, its moves by hand, its facts. See svc.h. */
#include "svc/svc_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cert/lifecycle.h"
#include "probe/facts.h"
#include "util/clock.h"
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

enum svc_err svc_device_list(struct bench *b, const char *state_word, json_t **view)
{
	struct store_device_row *devs = NULL;
	enum device_state state;
	size_t n = 0;
	enum store_err err;

	*view = NULL;
	if (state_word && !device_state_parse(state_word, &state))
		return svc_fail(b, SVC_EINVAL, "'%s' is not a state: " DEVICE_STATE_LIST,
				state_word);
	err = store_device_list(b->st, state_word ? &state : NULL, &devs, &n);
	if (err)
		return svc_store_fail(b, err, "list the devices");
	*view = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(*view, row_json(&devs[i]));
	free(devs);
	return SVC_OK;
}

enum svc_err svc_device_facts(struct bench *b, long long device_id, json_t **facts)
{
	char *text = NULL;
	long long t = 0;
	enum store_err err = store_latest_probe(b->st, device_id, &text, &t);

	*facts = NULL;
	if (err == STORE_ENOENT) {
		*facts = json_object();
		return SVC_OK;
	}
	if (err)
		return svc_store_fail(b, err, "read the device's facts");
	*facts = json_loads(text, 0, NULL);
	free(text);
	if (!json_is_object(*facts)) {
		json_decref(*facts);
		*facts = NULL;
		return svc_fail(b, SVC_EREFUSED, "the device's last reading is damaged in the "
						 "records: run 'atelier db check'");
	}
	return SVC_OK;
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
	char name[64];
	size_t n = 0;

	if (store_job_list(b->st, device_id, 0, NULL, &jobs, &n) == STORE_OK) {
		for (size_t i = 0; i < n; i++) {
			struct store_grade g;
			json_t *j = json_pack("{s:I, s:s, s:i, s:s, s:s}", "id",
					      (json_int_t)jobs[i].id, "checklist",
					      jobs[i].checklist_id, "checklist_version",
					      jobs[i].checklist_version, "trainee",
					      svc_user_name(b, jobs[i].trainee_id, name, sizeof(name)),
					      "state", job_state_name(jobs[i].state));

			if (store_grade_last(b->st, jobs[i].id, &g) == STORE_OK) {
				json_object_set_new(j, "verdict", json_string(verdict_name(g.verdict)));
				store_grade_release(&g);
			} else {
				json_object_set_new(j, "verdict", json_null());
			}
			json_array_append_new(arr, j);
		}
	}
	free(jobs);
	return arr;
}

enum svc_err svc_device_show(struct bench *b, const char *key, json_t **view)
{
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
	json_object_set_new(o, "history", history_json(b, d.id));
	json_object_set_new(o, "jobs", jobs_json(b, d.id));
	json_object_set_new(o, "certificates", certificates_json(b, d.id));
	json_decref(facts);
	*view = o;
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
	if (!req->by)
		return svc_fail(b, SVC_EINVAL, "say who moves the device (--by NAME)");
	if (!req->why || strlen(req->why) > DEVICE_WHY_MAX ||
	    text_clean(req->why, why, sizeof(why)) == 0)
		return svc_fail(b, SVC_EINVAL,
				"say why the device moves (--why TEXT, 1 to %d bytes): it is kept "
				"in its history",
				DEVICE_WHY_MAX);
	rc = svc_find_device(b, req->device, &d);
	if (!rc)
		rc = svc_find_user(b, req->by, &u);
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
