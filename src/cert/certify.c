/* Certification policy evaluation and the certificate's content. See certify.h. */
#include "cert/certify.h"

#include <math.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cert/lifecycle.h"
#include "cert/sign.h"
#include "checklist/checklist.h"
#include "job/job.h"
#include "probe/facts.h"
#include "util/clock.h"

/* One required checklist and the approved job that stands for it. */
struct approved {
	const char *checklist_id;
	struct store_job job;
	struct store_grade grade;
	struct checklist *c;
	struct store_step *recs;
	size_t n_recs;
	int found;
};

struct eval {
	struct store *st;
	const struct policy *p;
	const struct store_user *by;
	long long now_ms;
	struct store_device_row dev;
	json_t *facts;
	long long probe_ms;
	char tool[256];
	struct store_job *jobs; /* of the device, newest first */
	size_t n_jobs;
	struct approved req[POLICY_MAX_CHECKLISTS + 2];
	size_t n_req;
	json_t *unmet;
	char *why;
	size_t size;
};

static void unmet(struct eval *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void unmet(struct eval *e, const char *fmt, ...)
{
	char text[768];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	json_array_append_new(e->unmet, json_string(text));
}

/* A copy of the fact, or JSON null. */
static json_t *fact_copy(json_t *facts, const char *path)
{
	json_t *v = facts_json_at(facts, path);

	return v ? json_deep_copy(v) : json_null();
}

static const char *user_name(struct store *st, long long id, char *out, size_t size)
{
	struct store_user u;

	snprintf(out, size, "%s", store_user_get(st, id, &u) == STORE_OK ? u.name : "?");
	return out;
}

static const struct approved *approved_of(const struct eval *e, const char *cid)
{
	for (size_t i = 0; i < e->n_req; i++)
		if (strcmp(e->req[i].checklist_id, cid) == 0 && e->req[i].found)
			return &e->req[i];
	return NULL;
}

/* Find the newest approved job of checklist A->checklist_id, or say what is missing. */
static enum certify_err find_approved(struct eval *e, struct approved *a)
{
	const struct store_job *newest = NULL;
	struct store_grade g;
	enum store_err se;

	for (size_t i = 0; i < e->n_jobs; i++) {
		const struct store_job *j = &e->jobs[i];

		if (strcmp(j->checklist_id, a->checklist_id) != 0)
			continue;
		if (!newest)
			newest = j;
		if (j->state != JOB_STATE_SUBMITTED)
			continue;
		se = store_grade_last(e->st, j->id, &g);
		if (se == STORE_ENOENT)
			continue;
		if (se != STORE_OK) {
			snprintf(e->why, e->size, "%s", store_last_error_message());
			return CERTIFY_ESTORE;
		}
		if (g.verdict == VERDICT_APPROVED && g.submitted_ms == j->submitted_ms) {
			a->job = *j;
			a->grade = g;
			a->found = 1;
			if (job_checklist(e->st, j, &a->c, e->why, e->size) != JOB_OK)
				return CERTIFY_ESTORE;
			if (store_steps_of(e->st, j->id, &a->recs, &a->n_recs) != STORE_OK) {
				snprintf(e->why, e->size, "%s", store_last_error_message());
				return CERTIFY_ESTORE;
			}
			return CERTIFY_OK;
		}
		store_grade_release(&g);
	}
	if (!newest)
		unmet(e, "checklist '%s' was not done on this device: no job", a->checklist_id);
	else if (newest->state == JOB_STATE_OPEN)
		unmet(e, "checklist '%s': job %lld is not finished (a trainee must complete and "
			 "submit it)",
		      a->checklist_id, newest->id);
	else
		unmet(e, "checklist '%s': job %lld waits for an instructor's grade",
		      a->checklist_id, newest->id);
	return CERTIFY_OK;
}

static enum certify_err add_required(struct eval *e, const char *cid)
{
	struct approved *a;

	for (size_t i = 0; i < e->n_req; i++)
		if (strcmp(e->req[i].checklist_id, cid) == 0)
			return CERTIFY_OK;
	if (e->n_req == sizeof(e->req) / sizeof(e->req[0]))
		return CERTIFY_OK;
	a = &e->req[e->n_req++];
	a->checklist_id = cid;
	return find_approved(e, a);
}

static void check_failed_steps(struct eval *e)
{
	for (size_t i = 0; i < e->n_req; i++) {
		const struct approved *a = &e->req[i];

		if (!a->found)
			continue;
		for (size_t k = 0; k < a->c->n_steps; k++) {
			const struct checklist_step *s = &a->c->steps[k];
			const struct store_step *r = job_last_record(a->recs, a->n_recs, s->id);

			if (s->required && r && r->result == STEP_FAIL)
				unmet(e, "checklist '%s': required step '%s' (%s) failed in job %lld",
				      a->checklist_id, s->id, checklist_text(&s->title, "en"),
				      a->job.id);
		}
	}
}

static void check_locks(struct eval *e)
{
	const char *platform = facts_json_string(e->facts, "platform");

	if (platform && strcmp(platform, "ios") == 0) {
		const char *fm = facts_json_string(e->facts, "locks.find_my");

		if (fm && strcmp(fm, "on") == 0)
			unmet(e, "Find My (Activation Lock) is on: the owner must remove the device "
				 "from their Apple ID before it can be certified");
		else if (!fm || strcmp(fm, "off") != 0)
			unmet(e, "whether Find My is on could not be read: read the device again "
				 "('atelier probe') while it trusts this computer");
	} else if (platform && strcmp(platform, "android") == 0) {
		json_t *acc = facts_json_at(e->facts, "locks.google_accounts");
		const char *frp = facts_json_string(e->facts, "locks.frp");

		if (!json_is_integer(acc))
			unmet(e, "whether a Google account is on the device could not be read: read "
				 "it again ('atelier probe') with USB debugging allowed");
		else if (json_integer_value(acc) > 0)
			unmet(e, "%lld Google account(s) still on the device: remove them, then "
				 "wipe it again",
			      (long long)json_integer_value(acc));
		if (frp && strcmp(frp, "on") == 0)
			unmet(e, "Factory Reset Protection is on: the Google account that locked it "
				 "must release the device");
		else if (!frp || strcmp(frp, "off") != 0)
			unmet(e, "whether Factory Reset Protection is on could not be read: read the "
				 "device again ('atelier probe') after the setup screens");
	} else {
		unmet(e, "the device's platform is not known: its locks cannot be checked");
	}
}

static void check_wiped(struct eval *e)
{
	const struct approved *w = approved_of(e, e->p->wipe_checklist);
	json_t *setup = facts_json_at(e->facts, "locks.setup_done");
	char when[32];

	if (!w) {
		unmet(e, "no approved data wipe ('%s'): the data cannot be shown to be wiped",
		      e->p->wipe_checklist);
		return;
	}
	if (e->probe_ms <= w->job.submitted_ms) {
		unmet(e, "the device was not read since its data wipe (job %lld, submitted %s): "
			 "plug it in and run 'atelier probe'",
		      w->job.id, clock_iso8601_s(w->job.submitted_ms, when, sizeof(when)));
		return;
	}
	if (json_is_true(setup))
		unmet(e, "the device has been set up again since the data wipe (a user or account "
			 "is there): wipe it again");
	else if (!json_is_false(setup))
		unmet(e, "whether the device is back at its setup screens could not be read: read "
			 "it again ('atelier probe')");
}

static void check_bootloader(struct eval *e)
{
	const char *platform = facts_json_string(e->facts, "platform");
	const char *bl = facts_json_string(e->facts, "locks.bootloader");

	if (!platform || strcmp(platform, "android") != 0)
		return; /* an iPhone's boot chain cannot be unlocked */
	if (bl && strcmp(bl, "unlocked") == 0)
		unmet(e, "the bootloader is unlocked: lock it again (it wipes the device) before "
			 "certification");
	else if (!bl || strcmp(bl, "locked") != 0)
		unmet(e, "whether the bootloader is locked could not be read: read the device "
			 "again ('atelier probe')");
}

static void check_battery(struct eval *e)
{
	json_t *h = facts_json_at(e->facts, "battery.health_pct");

	if (!json_is_number(h))
		unmet(e, "the battery health could not be read: read the device again ('atelier "
			 "probe'); it is needed for the certificate");
	else if (json_number_value(h) < e->p->battery_min_health_pct)
		unmet(e, "the battery health is %.1f %%, below the %.0f %% the policy asks for: "
			 "replace the battery",
		      json_number_value(h), e->p->battery_min_health_pct);
}

/* The value of the grade step and its option in the grade checklist, or NULL. */
static const struct checklist_option *grade_option(const struct eval *e)
{
	const struct approved *g = approved_of(e, e->p->grade_checklist);
	const struct store_step *r;

	if (!g)
		return NULL;
	r = job_last_record(g->recs, g->n_recs, e->p->grade_step);
	if (!r || !r->value || r->result != STEP_PASS)
		return NULL;
	for (size_t k = 0; k < g->c->n_steps; k++) {
		const struct checklist_step *s = &g->c->steps[k];

		if (strcmp(s->id, e->p->grade_step) != 0)
			continue;
		for (size_t o = 0; o < s->n_options; o++)
			if (strcmp(s->options[o].value, r->value) == 0)
				return &s->options[o];
	}
	return NULL;
}

static void check_state(struct eval *e)
{
	char why[256];

	if (!lifecycle_allowed(e->dev.state, DEVICE_CERTIFIED, e->by->role, LIFECYCLE_CERTIFY, why,
			       sizeof(why)))
		unmet(e, "the device's state is %s: %s", device_state_name(e->dev.state), why);
}

static void check_conditions(struct eval *e)
{
	if (!e->p->workshop_name[0])
		unmet(e, "the workshop's name is not set: write it under 'workshop: name:' in "
			 "policy.yaml in the data directory");
	check_state(e);
	if (e->p->check_failed_steps)
		check_failed_steps(e);
	if (e->p->check_locks)
		check_locks(e);
	if (e->p->check_wiped)
		check_wiped(e);
	if (e->p->check_bootloader)
		check_bootloader(e);
	if (e->p->check_battery)
		check_battery(e);
	if (e->p->check_grade && !grade_option(e))
		unmet(e, "no cosmetic grade (A to D) is recorded: step '%s' of an approved '%s' job",
		      e->p->grade_step, e->p->grade_checklist);
}

/* ---- the certificate ---- */

static json_t *device_json(struct eval *e)
{
	static const char *const keys[] = { "make", "model_id", "model_number", "marketing_name",
					    "color", "serial", "udid" };
	json_t *d = json_object();
	char path[64];

	json_object_set_new(d, "platform", fact_copy(e->facts, "platform"));
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		snprintf(path, sizeof(path), "identity.%s", keys[i]);
		json_object_set_new(d, keys[i], fact_copy(e->facts, path));
	}
	json_object_set_new(d, "imei", fact_copy(e->facts, "identity.imei"));
	json_object_set_new(d, "storage_bytes", fact_copy(e->facts, "storage.total_bytes"));
	return d;
}

static json_t *battery_json(struct eval *e)
{
	double h = json_number_value(facts_json_at(e->facts, "battery.health_pct"));
	char when[32];

	return json_pack("{s:f, s:o, s:o, s:s, s:s}", "health_pct", round(h * 10.0) / 10.0,
			 "cycle_count", fact_copy(e->facts, "battery.cycle_count"), "source",
			 fact_copy(e->facts, "battery.source"), "read_at",
			 clock_iso8601_s(e->probe_ms, when, sizeof(when)), "tool", e->tool);
}

static json_t *cosmetic_json(struct eval *e)
{
	const struct checklist_option *o = grade_option(e);

	if (!o)
		return json_null();
	return json_pack("{s:s, s:s, s:s}", "grade", o->value, "label",
			 checklist_text(&o->label, e->p->language), "criteria",
			 o->criteria.en ? checklist_text(&o->criteria, e->p->language) : "");
}

static json_t *functional_json(struct eval *e)
{
	long long pass = 0, fail = 0, skip = 0;

	for (size_t i = 0; i < e->n_req; i++) {
		const struct approved *a = &e->req[i];

		for (size_t k = 0; a->found && k < a->c->n_steps; k++) {
			const struct store_step *r =
				job_last_record(a->recs, a->n_recs, a->c->steps[k].id);

			if (!r)
				continue;
			pass += r->result == STEP_PASS;
			fail += r->result == STEP_FAIL;
			skip += r->result == STEP_SKIP;
		}
	}
	return json_pack("{s:s, s:I, s:I, s:I}", "result", fail ? "fail" : "pass", "steps_passed",
			 (json_int_t)pass, "steps_failed", (json_int_t)fail, "steps_skipped",
			 (json_int_t)skip);
}

/* The sanitization record's sentences, in the certificate's language. */
struct sanit_words {
	const char *lang;
	const char *purge, *clear;     /* technique */
	const char *ios_tool, *android_tool, *checked_by;
	const char *verified, *ios_locks, *android_locks;
};

static const struct sanit_words sanit_words[] = {
	{ "en", "cryptographic erase: reset of a device whose storage is always encrypted",
	  "overwrite by factory reset", "Erase All Content and Settings (on the device)",
	  "factory reset (on the device)", "checked by",
	  "device read again after the wipe: setup screens shown", "Find My off",
	  "no Google account, Factory Reset Protection off" },
	{ "fr", "effacement cryptographique : réinitialisation d'un appareil dont le stockage "
		"est toujours chiffré",
	  "écrasement par réinitialisation d'usine",
	  "Effacer contenu et réglages (sur l'appareil)",
	  "réinitialisation d'usine (sur l'appareil)", "vérifié par",
	  "appareil relu après l'effacement : écrans de configuration affichés", "Localiser désactivé",
	  "aucun compte Google, protection contre la réinitialisation désactivée" },
	{ "nl", "cryptografisch wissen: reset van een toestel waarvan de opslag altijd versleuteld "
		"is",
	  "overschrijven door fabrieksreset", "Wis alle inhoud en instellingen (op het toestel)",
	  "fabrieksreset (op het toestel)", "gecontroleerd met",
	  "toestel opnieuw gelezen na het wissen: instelschermen getoond", "Zoek mijn uit",
	  "geen Google-account, fabrieksresetbeveiliging uit" },
};

static const struct sanit_words *words_for(const char *lang)
{
	for (size_t i = 0; i < sizeof(sanit_words) / sizeof(sanit_words[0]); i++)
		if (strcmp(sanit_words[i].lang, lang) == 0)
			return &sanit_words[i];
	return &sanit_words[0];
}

/* NIST SP 800-88 Rev. 1 vocabulary: a phone whose storage is always encrypted is purged
 * by cryptographic erase when it is reset; one that is not is only cleared. */
static json_t *sanitization_json(struct eval *e)
{
	const struct approved *w = approved_of(e, e->p->wipe_checklist);
	const struct sanit_words *sw = words_for(e->p->language);
	const char *platform = facts_json_string(e->facts, "platform");
	int ios = platform && strcmp(platform, "ios") == 0;
	int encrypted = ios || json_is_true(facts_json_at(e->facts, "locks.encrypted"));
	char by[64], date[32], when[32], tool[400], verification[400];

	if (!w)
		return json_null();
	clock_iso8601_s(w->job.submitted_ms, date, sizeof(date));
	date[10] = '\0';
	snprintf(tool, sizeof(tool), "%s; %s %s", ios ? sw->ios_tool : sw->android_tool,
		 sw->checked_by, e->tool);
	snprintf(verification, sizeof(verification), "%s, %s", sw->verified,
		 ios ? sw->ios_locks : sw->android_locks);
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "standard",
			 "NIST SP 800-88 Rev. 1", "method", encrypted ? "purge" : "clear",
			 "technique", encrypted ? sw->purge : sw->clear, "tool", tool,
			 "verification", verification, "verified_at",
			 clock_iso8601_s(e->probe_ms, when, sizeof(when)), "by",
			 user_name(e->st, w->job.trainee_id, by, sizeof(by)), "date", date, "place",
			 e->p->workshop_place);
}

static json_t *checklists_json(struct eval *e, json_t *trainees)
{
	json_t *arr = json_array();
	char t[64], a[64], when[32];

	for (size_t i = 0; i < e->n_req; i++) {
		const struct approved *r = &e->req[i];
		size_t k;
		json_t *v;
		int seen = 0;

		if (!r->found)
			continue;
		user_name(e->st, r->job.trainee_id, t, sizeof(t));
		json_array_append_new(
			arr, json_pack("{s:s, s:i, s:s, s:I, s:s, s:s, s:s}", "id", r->checklist_id,
				       "version", r->job.checklist_version, "title",
				       checklist_text(&r->c->title, e->p->language), "job",
				       (json_int_t)r->job.id, "trainee", t, "approved_by",
				       user_name(e->st, r->grade.by_user, a, sizeof(a)),
				       "approved_at", clock_iso8601_s(r->grade.t_ms, when, sizeof(when))));
		json_array_foreach(trainees, k, v)
			seen |= strcmp(json_string_value(v), t) == 0;
		if (!seen)
			json_array_append_new(trainees, json_string(t));
	}
	return arr;
}

static json_t *certificate_json(struct eval *e)
{
	json_t *trainees = json_array(), *c;
	char id[32], when[32];

	certify_new_id(e->now_ms, id, sizeof(id));
	c = json_pack("{s:s, s:s, s:s, s:s, s:{s:s, s:s}, s:o, s:{s:o, s:o, s:o}}", "format",
		      CERTIFY_FORMAT, "id", id, "issued_at", clock_iso8601_s(e->now_ms, when, sizeof(when)),
		      "language", e->p->language, "workshop", "name", e->p->workshop_name, "place",
		      e->p->workshop_place, "device", device_json(e), "os", "name",
		      fact_copy(e->facts, "os.name"), "version", fact_copy(e->facts, "os.version"),
		      "build", fact_copy(e->facts, "os.build"));
	if (!c) {
		json_decref(trainees);
		return NULL;
	}
	json_object_set_new(c, "battery", battery_json(e));
	json_object_set_new(c, "cosmetic", cosmetic_json(e));
	json_object_set_new(c, "functional", functional_json(e));
	json_object_set_new(c, "sanitization", sanitization_json(e));
	json_object_set_new(c, "checklists", checklists_json(e, trainees));
	json_object_set_new(c, "trainees", trainees);
	json_object_set_new(c, "approved_by", json_string(e->by->name));
	return c;
}

void certify_new_id(long long now_ms, char *out, size_t size)
{
	unsigned char r[4];
	char hex[9], day[32];

	if (sodium_init() < 0)
		abort(); /* libsodium cannot start: nothing random can be made */
	randombytes_buf(r, sizeof(r));
	sodium_bin2hex(hex, sizeof(hex), r, sizeof(r));
	for (char *p = hex; *p; p++)
		if (*p >= 'a' && *p <= 'f')
			*p = (char)(*p - 'a' + 'A');
	clock_iso8601_s(now_ms, day, sizeof(day));
	snprintf(out, size, "ATL-%.4s%.2s%.2s-%s", day, day + 5, day + 8, hex);
}

int certify_qr_text(const json_t *cert, char *out, size_t size)
{
	const char *id = json_string_value(json_object_get(cert, "id"));
	char sig[100];
	int n;

	if (!id || sign_value_url(cert, sig, sizeof(sig)) != 0)
		return -1;
	n = snprintf(out, size, "%s%s:%s", CERTIFY_QR_PREFIX, id, sig);
	return n > 0 && (size_t)n < size ? 0 : -1;
}

static void eval_release(struct eval *e)
{
	for (size_t i = 0; i < e->n_req; i++) {
		store_grade_release(&e->req[i].grade);
		checklist_free(e->req[i].c);
		store_steps_free(e->req[i].recs, e->req[i].n_recs);
	}
	free(e->jobs);
	json_decref(e->facts);
}

static enum certify_err load_device(struct eval *e, long long device_id)
{
	char *text = NULL;
	enum store_err se = store_device_get(e->st, device_id, &e->dev);

	if (se == STORE_ENOENT)
		return CERTIFY_ENODEV;
	if (se != STORE_OK)
		goto store_failed;
	se = store_latest_probe(e->st, device_id, &text, &e->probe_ms);
	if (se == STORE_OK)
		e->facts = json_loads(text, 0, NULL);
	free(text);
	if (se != STORE_OK && se != STORE_ENOENT)
		goto store_failed;
	if (!e->facts)
		e->facts = json_object(); /* never read: every fact check fails, in words */
	if (store_latest_probe_tool(e->st, device_id, e->tool, sizeof(e->tool)) != STORE_OK)
		snprintf(e->tool, sizeof(e->tool), "unknown tool");
	if (store_job_list(e->st, device_id, 0, NULL, &e->jobs, &e->n_jobs) != STORE_OK)
		goto store_failed;
	return CERTIFY_OK;
store_failed:
	snprintf(e->why, e->size, "%s", store_last_error_message());
	return CERTIFY_ESTORE;
}

enum certify_err certify_evaluate(struct store *st, const struct policy *p, long long device_id,
				  const struct store_user *by, long long now_ms,
				  struct certify_outcome *out, char *why, size_t size)
{
	struct eval e = { .st = st, .p = p, .by = by, .now_ms = now_ms, .why = why, .size = size };
	const struct policy_required *req;
	enum certify_err err;

	memset(out, 0, sizeof(*out));
	e.unmet = json_array();
	if (!e.unmet)
		return CERTIFY_ENOMEM;
	err = load_device(&e, device_id);
	if (err)
		goto out;
	out->from_state = e.dev.state;
	if (!e.probe_ms)
		unmet(&e, "the device was never read: plug it in and run 'atelier probe'");
	req = policy_required_for(p, e.dev.platform);
	if (!req)
		unmet(&e, "the policy names no required checklists for platform '%s'",
		      e.dev.platform);
	for (size_t i = 0; req && i < req->n && !err; i++)
		err = add_required(&e, req->ids[i]);
	if (!err && p->check_wiped)
		err = add_required(&e, p->wipe_checklist);
	if (!err && p->check_grade)
		err = add_required(&e, p->grade_checklist);
	if (err)
		goto out;
	check_conditions(&e);
	if (json_array_size(e.unmet) == 0) {
		out->cert = certificate_json(&e);
		if (!out->cert)
			err = CERTIFY_ENOMEM;
	}
out:
	eval_release(&e);
	if (err) {
		json_decref(e.unmet);
		return err;
	}
	out->unmet = e.unmet;
	return CERTIFY_OK;
}

void certify_outcome_release(struct certify_outcome *o)
{
	json_decref(o->unmet);
	json_decref(o->cert);
	memset(o, 0, sizeof(*o));
}
