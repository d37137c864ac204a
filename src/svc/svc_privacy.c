/*
 * A person's data on her request (docs/privacy.md): read out for her (export), and her
 * name and secret erased while her records stay, under her code. See svc.h. How the
 * chains stay verifiable without the name is ledger.c's part (store_user_erase()).
 */
#include "svc/svc_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cert/certify.h"
#include "util/clock.h"
#include "util/file.h"
#include "util/text.h"

#define WHY_MAX 500
/* Places where the name is still written by someone, listed by an erasure. */
#define MENTIONS_MAX 20
/* A person's data, read out: at most this large. */
#define EXPORT_MAX (64u << 20)

/* The certificates whose text names NAME or CODE (may be NULL), as a new array of ids. */
static enum svc_err certificates_naming(struct bench *b, const char *name, const char *code,
					json_t **ids)
{
	struct store_certificate *certs = NULL;
	enum store_err err;
	size_t n = 0;

	*ids = json_array();
	err = store_certificate_list(b->st, 0, &certs, &n);
	if (err) {
		json_decref(*ids);
		*ids = NULL;
		return svc_store_fail(b, err, "read the certificates");
	}
	for (size_t i = 0; i < n; i++) {
		json_t *c = json_loads(certs[i].body, 0, NULL);

		if (c && (certify_names(c, name) || (code && *code && certify_names(c, code))))
			json_array_append_new(*ids, json_string(certs[i].id));
		json_decref(c);
	}
	store_certificates_free(certs, n);
	return SVC_OK;
}

/* Her jobs that are not done: open (or sent back for redo), or waiting for a grade. */
static enum svc_err open_work(struct bench *b, long long id, json_t **jobs)
{
	static const enum job_stage stages[] = { JOB_STAGE_OPEN, JOB_STAGE_SUBMITTED };

	*jobs = json_array();
	for (size_t s = 0; s < sizeof(stages) / sizeof(stages[0]); s++) {
		struct store_job_query q = { 0, id, &stages[s], 0 };
		struct store_job *found = NULL;
		size_t n = 0;
		enum store_err err = store_job_find(b->st, &q, &found, &n);

		if (err) {
			json_decref(*jobs);
			*jobs = NULL;
			return svc_store_fail(b, err, "read the jobs");
		}
		for (size_t i = 0; i < n; i++)
			json_array_append_new(*jobs, json_integer(found[i].id));
		free(found);
	}
	return SVC_OK;
}

/* "job 3, job 5" from the ids in JOBS, into OUT. */
static void job_list_text(const json_t *jobs, char *out, size_t size)
{
	size_t i, len = 0;
	json_t *v;
	char word[32];

	out[0] = '\0';
	json_array_foreach (jobs, i, v) {
		snprintf(word, sizeof(word), "job %lld", (long long)json_integer_value(v));
		len = text_list_add(out, size, len, ", ", word);
	}
}

enum svc_err svc_user_erase(struct bench *b, const char *name, const char *why, json_t **view)
{
	struct store_user me, u;
	struct store_erase_report rep;
	struct svc_subject on = { 0 };
	struct store_erasure e = { 0 };
	char marker[96], code[64], subject[96], detail[160], list[256];
	char(*mentions)[64] = NULL;
	const char **ids = NULL;
	json_t *open = NULL, *certs = NULL, *still = NULL, *check = NULL;
	size_t n_ids = 0, n_mentions = 0, i;
	enum store_err err;
	enum svc_err rc;
	char clean[WHY_MAX + 1];

	*view = NULL;
	rc = svc_actor(b, NULL, &me);
	if (rc)
		return rc;
	err = store_user_find(b->st, name, &u);
	if (err == STORE_ENOENT)
		return svc_fail(b, SVC_ENOENT, "no user '%s' (atelier user list)", name);
	if (err)
		return svc_store_fail(b, err, "read the users");
	on.person = &u;
	if (!svc_may(b, &me, SVC_ERASE_PERSON, &on))
		return SVC_EDENIED;
	svc_person_code(&u, code, sizeof(code));
	if (u.erased_ms)
		return svc_fail(b, SVC_ESTATE, "account %s was erased already", code);
	if (!why || strlen(why) > WHY_MAX)
		return svc_fail(b, SVC_EINVAL,
				"say why with --why TEXT (at most %d characters): "
				"a request, its date; the audit log keeps it",
				WHY_MAX);
	text_clean(why, clean, sizeof(clean));
	if (!clean[0])
		return svc_fail(b, SVC_EINVAL,
				"say why with --why TEXT: a request, its date; the "
				"audit log keeps it");
	if (text_word_find(clean, name))
		return svc_fail(b, SVC_EINVAL,
				"the reason names %s, and it is kept: write it "
				"without her name (her code is %s)",
				name, code);
	rc = open_work(b, u.id, &open);
	if (rc)
		return rc;
	if (json_array_size(open)) {
		job_list_text(open, list, sizeof(list));
		rc =
		    svc_fail(b, SVC_ESTATE,
			     "%s has work that is not finished (%s): an instructor grades the jobs "
			     "submitted, and the others are finished or cancelled (atelier job "
			     "cancel JOB --why ...); then erase",
			     name, list);
		*view = json_pack("{s:o}", "open", open);
		return rc;
	}
	json_decref(open);
	/* The records must check now: a redaction must never cover a change made behind
	 * Atelier's back. */
	rc = svc_db_check(b, &check);
	json_decref(check);
	if (rc)
		return svc_fail(b, SVC_EREFUSED,
				"nothing was erased: the records do not check "
				"(atelier db check says why); an erasure waits until "
				"they do");
	rc = certificates_naming(b, name, NULL, &certs);
	if (rc)
		return rc;
	n_ids = json_array_size(certs);
	ids = calloc(n_ids ? n_ids : 1, sizeof(*ids));
	if (!ids) {
		json_decref(certs);
		return svc_fail(b, SVC_EIO, "out of memory");
	}
	for (i = 0; i < n_ids; i++)
		ids[i] = json_string_value(json_array_get(certs, i));
	snprintf(marker, sizeof(marker), "[erased %s]", code);
	if (text_word_find(marker, name))
		snprintf(marker, sizeof(marker), "[erased]");
	e.user_id = u.id;
	e.by_user = me.id;
	e.t_ms = clock_wall_ms();
	e.why = clean;
	e.name = name;
	e.marker = marker;
	e.certificates = ids;
	e.n_certificates = n_ids;
	err = store_user_erase(b->st, &e, &rep);
	free(ids);
	if (err == STORE_ESTALE) {
		rc = svc_fail(b, SVC_ESTATE,
			      "%s started work or was erased meanwhile: nothing was "
			      "erased; look again (atelier job list --trainee %s)",
			      name, name);
		goto out;
	}
	if (err == STORE_ECORRUPT) {
		rc = svc_fail(b, SVC_EREFUSED, "nothing was erased: %s (atelier db check)",
			      store_last_error_message());
		goto out;
	}
	if (err) {
		rc = svc_store_fail(b, err, "erase the account");
		goto out;
	}
	/* Where people wrote her name by hand: Atelier does not rewrite what they wrote. */
	mentions = calloc(MENTIONS_MAX, sizeof(*mentions));
	still = json_array();
	if (mentions &&
	    store_mentions(b->st, name, mentions, MENTIONS_MAX, &n_mentions) == STORE_OK)
		for (i = 0; i < n_mentions && i < MENTIONS_MAX; i++)
			json_array_append_new(still, json_string(mentions[i]));
	free(mentions);
	snprintf(subject, sizeof(subject), "user %lld (%s)", u.id, code);
	snprintf(detail, sizeof(detail), "%zu entries and %zu certificates redacted", rep.entries,
		 rep.certificates);
	svc_audit(b, "user-erase", subject, "ok", detail);
	*view = json_pack("{s:I, s:s, s:I, s:s, s:{s:I, s:I, s:I, s:I, s:I}, s:O, s:O, s:b}",
			  "user", (json_int_t)u.id, "code", code, "t_ms", (json_int_t)e.t_ms, "why",
			  clean, "redacted", "entries", (json_int_t)rep.entries, "certificates",
			  (json_int_t)rep.certificates, "audit", (json_int_t)rep.audit, "attempts",
			  (json_int_t)rep.attempts, "sessions", (json_int_t)rep.sessions,
			  "certificates", certs, "still_written_in", still, "compacted",
			  store_compact(b->st) == STORE_OK);
	rc = *view ? SVC_OK : svc_fail(b, SVC_EIO, "out of memory");
out:
	json_decref(certs);
	json_decref(still);
	return rc;
}

/* ---- export ---- */

static json_t *ms_or_null(long long ms)
{
	return ms ? json_integer(ms) : json_null();
}

/* Her jobs, each as the job view. */
static enum svc_err jobs_of(struct bench *b, const struct store_user *u, json_t **out)
{
	struct store_job_query q = { 0, u->id, NULL, 0 };
	struct store_job *jobs = NULL;
	size_t n = 0;
	enum store_err err = store_job_find(b->st, &q, &jobs, &n);
	enum svc_err rc = SVC_OK;

	*out = json_array();
	if (err) {
		json_decref(*out);
		*out = NULL;
		return svc_store_fail(b, err, "read the jobs");
	}
	for (size_t i = 0; i < n && !rc; i++) {
		json_t *v = NULL;

		rc = svc_job_show(b, jobs[i].id, &v);
		if (!rc)
			json_array_append_new(*out, v);
	}
	free(jobs);
	if (rc) {
		json_decref(*out);
		*out = NULL;
	}
	return rc;
}

/* What she did in others' records, her sessions, sign-in attempts and lines of the audit
 * log, into DOC. */
static enum svc_err traces(struct bench *b, const struct store_user *u, json_t *doc)
{
	struct store_act *acts = NULL;
	struct store_session *ss = NULL;
	struct store_attempt *at = NULL;
	struct store_audit *au = NULL;
	size_t na = 0, ns = 0, nt = 0, nu = 0;
	json_t *a = json_array(), *s = json_array(), *t = json_array(), *l = json_array();
	enum store_err err = store_user_acts(b->st, u->id, &acts, &na);

	if (!err)
		err = store_sessions_of(b->st, u->id, &ss, &ns);
	if (!err)
		err = store_attempts_of(b->st, u->name, &at, &nt);
	if (!err)
		err = store_audit_about(b->st, u->name, &au, &nu);
	for (size_t i = 0; !err && i < na; i++)
		json_array_append_new(
		    a, json_pack("{s:s, s:o, s:o, s:s, s:I}", "what", acts[i].what, "job",
				 acts[i].job ? json_integer(acts[i].job) : json_null(), "device",
				 acts[i].device ? json_integer(acts[i].device) : json_null(), "ref",
				 acts[i].ref, "t_ms", (json_int_t)acts[i].t_ms));
	for (size_t i = 0; !err && i < ns; i++)
		json_array_append_new(s, json_pack("{s:I, s:I, s:o}", "created_ms",
						   (json_int_t)ss[i].created_ms, "last_used_ms",
						   (json_int_t)ss[i].last_used_ms, "ended_ms",
						   ms_or_null(ss[i].ended_ms)));
	for (size_t i = 0; !err && i < nt; i++)
		json_array_append_new(t, json_pack("{s:I, s:s}", "t_ms", (json_int_t)at[i].t_ms,
						   "outcome", at[i].outcome));
	for (size_t i = 0; !err && i < nu; i++)
		json_array_append_new(
		    l, json_pack("{s:I, s:s, s:s, s:s, s:s, s:s}", "t_ms", (json_int_t)au[i].t_ms,
				 "actor", au[i].actor, "action", au[i].action, "subject",
				 au[i].subject, "outcome", au[i].outcome, "detail", au[i].detail));
	free(acts);
	free(ss);
	free(at);
	free(au);
	json_object_set_new(doc, "acts", a);
	json_object_set_new(doc, "sessions", s);
	json_object_set_new(doc, "sign_in_attempts", t);
	json_object_set_new(doc, "audit", l);
	return err ? svc_store_fail(b, err, "read the person's records") : SVC_OK;
}

/* The person named NAME, or whose code is NAME. */
static enum svc_err person(struct bench *b, const char *name, struct store_user *u)
{
	enum store_err err = store_user_find(b->st, name, u);

	if (err == STORE_ENOENT)
		err = store_user_find_code(b->st, name, u);
	if (err == STORE_ENOENT)
		return svc_fail(b, SVC_ENOENT, "no user '%s' (atelier user list)", name);
	if (err)
		return svc_store_fail(b, err, "read the users");
	return SVC_OK;
}

enum svc_err svc_user_export(struct bench *b, const char *name, const char *output, json_t **view)
{
	struct store_user me, u;
	struct svc_subject on = { 0 };
	char lang[16] = "", hash[128];
	json_t *doc = NULL, *jobs = NULL, *training = NULL, *certs = NULL;
	enum svc_err rc;
	enum file_err fe;
	char *text = NULL;
	int has_secret;

	*view = NULL;
	rc = svc_actor(b, NULL, &me);
	if (!rc)
		rc = person(b, name, &u);
	if (rc)
		return rc;
	on.person = &u;
	if (!svc_may(b, &me, SVC_EXPORT_PERSON, &on))
		return SVC_EDENIED;
	if (output && file_check_regular(output) == FILE_ENOTREG)
		return svc_fail(b, SVC_EINVAL,
				"%s is not a regular file (a device, a pipe or a "
				"directory): nothing was written to it",
				output);
	if (store_user_lang(b->st, u.id, lang, sizeof(lang)) != STORE_OK)
		lang[0] = '\0';
	has_secret = store_user_secret(b->st, u.id, hash, sizeof(hash)) == STORE_OK;
	memset(hash, 0, sizeof(hash));
	rc = jobs_of(b, &u, &jobs);
	if (!rc && u.role == ROLE_TRAINEE && !u.erased_ms)
		rc = svc_trainee_show(b, u.name, &training);
	if (!rc)
		rc = certificates_naming(b, u.erased_ms ? "" : u.name, u.code, &certs);
	if (rc)
		goto out;
	doc = json_pack(
	    "{s:s, s:I, s:s, s:{s:s?, s:s?, s:s, s:b, s:I, s:b, s:o, s:s?}, s:O, "
	    "s:o, s:O}",
	    "format", "atelier-personal-data/1", "exported_ms", (json_int_t)clock_wall_ms(),
	    "exported_by", me.name, "account", "name", u.erased_ms ? NULL : u.name, "code",
	    u.code[0] ? u.code : NULL, "role", role_name(u.role), "active", u.active, "created_ms",
	    (json_int_t)u.created_ms, "has_secret", has_secret, "erased_ms",
	    ms_or_null(u.erased_ms), "lang", lang[0] ? lang : NULL, "jobs", jobs, "training",
	    training ? json_incref(training) : json_null(), "certificates", certs);
	if (!doc) {
		rc = svc_fail(b, SVC_EIO, "out of memory");
		goto out;
	}
	rc = traces(b, &u, doc);
	if (rc)
		goto out;
	svc_audit(b, "user-export", u.erased_ms ? u.code : u.name, "ok",
		  output ? "written to a file" : "shown");
	if (!output) {
		*view = doc;
		doc = NULL;
		goto out;
	}
	text = json_dumps(doc, JSON_INDENT(2) | JSON_SORT_KEYS);
	if (!text || strlen(text) > EXPORT_MAX) {
		rc = svc_fail(b, SVC_EIO, "the data are too large to write (%u MiB at most)",
			      EXPORT_MAX >> 20);
		goto out;
	}
	/* Personal data: readable by whoever runs the command only. */
	fe = file_write(output, text, strlen(text), 0600, 1);
	if (fe) {
		rc = svc_fail(
		    b, fe == FILE_ENOTREG ? SVC_EINVAL : SVC_EIO, "cannot write %s: %s", output,
		    fe == FILE_ENOTREG ? "it is not a regular file" : "the file system refused it");
		goto out;
	}
	*view = json_pack("{s:s?, s:s?, s:s, s:I}", "user", u.erased_ms ? NULL : u.name, "code",
			  u.code[0] ? u.code : NULL, "output", output, "jobs",
			  (json_int_t)json_array_size(jobs));
out:
	free(text);
	json_decref(doc);
	json_decref(jobs);
	json_decref(training);
	json_decref(certs);
	return rc;
}
