#include "job/job.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include <usbmuxd.h>
#include <jansson.h>
#include <stdlib.h>

#include "checklist/checklist.h"
#include "util/clock.h"
#include "util/hash.h"

const char *job_strerror(enum job_err err)
{
	switch (err) {
	case JOB_OK:
		return "success";
	case JOB_ESTORE:
		return "the database failed";
	case JOB_EBUSY:
		return "the records are busy with another write";
	case JOB_ENOJOB:
		return "no such job";
	case JOB_ECLOSED:
		return "the job is submitted: no more steps can be recorded";
	case JOB_EBADCORR:
		return "the record to correct is not a record of this job";
	case JOB_ETAMPERED:
		return "the job's record has been altered";
	case JOB_ESEAL:
		return "the workshop key could not sign the record";
	}
	return "unknown error";
}

/* A field into the hash: its length, then its bytes, so that no two different records
 * give the same stream. NULL is length -1. */
void job_genesis_hash(const struct store_job *job, char out[JOB_HASH_HEX])
{
	crypto_hash_sha256_state h;

	crypto_hash_sha256_init(&h);
	hash_feed(&h, "atelier-job-v1");
	hash_feed_num(&h, job->id);
	hash_feed_num(&h, job->device_id);
	hash_feed(&h, job->checklist_id);
	hash_feed_num(&h, job->checklist_version);
	hash_feed(&h, job->checklist_hash);
	hash_feed_num(&h, job->trainee_id);
	hash_feed_num(&h, job->started_ms);
	hash_finish(&h, out);
}

void job_record_hash(const struct store_step *r, char out[JOB_HASH_HEX])
{
	crypto_hash_sha256_state h;

	crypto_hash_sha256_init(&h);
	hash_feed(&h, "atelier-step-v1");
	hash_feed_num(&h, r->job_id);
	hash_feed_num(&h, r->seq);
	hash_feed(&h, r->step_id);
	hash_feed_num(&h, r->user_id);
	hash_feed_num(&h, r->t_ms);
	hash_feed_num(&h, r->spent_ms);
	hash_feed(&h, step_result_name(r->result));
	hash_feed(&h, r->value);
	hash_feed(&h, r->note);
	hash_feed(&h, r->parts);
	hash_feed(&h, r->facts);
	hash_feed_num(&h, r->corrects);
	/* Records made before schema 5 have no tester; their hash stays what it was. */
	if (r->tester) {
		hash_feed(&h, "tester");
		hash_feed(&h, r->tester);
	}
	hash_feed(&h, r->prev_hash);
	hash_finish(&h, out);
}

/* REC's place at the end of its job (store_step_fill_fn): the next number, the time,
 * the time spent since the last record (or the start), and the chain's hashes. */
static void fill_next(struct store_step *rec, const struct store_step *last,
		      const struct store_job *job, void *arg)
{
	(void)arg;
	rec->seq = last ? last->seq + 1 : 1;
	rec->t_ms = clock_wall_ms();
	rec->spent_ms = rec->t_ms - (last ? last->t_ms : job->started_ms);
	if (rec->spent_ms < 0)
		rec->spent_ms = 0; /* the clock went back: never a negative duration */
	if (last)
		snprintf(rec->prev_hash, sizeof(rec->prev_hash), "%s", last->hash);
	else
		job_genesis_hash(job, rec->prev_hash);
	job_record_hash(rec, rec->hash);
}

enum job_err job_append(struct store *st, long long job_id, struct store_step *rec, long long *id)
{
	enum store_err err;

	if (sodium_init() < 0)
		return JOB_ESTORE;
	if (rec->corrects) {
		err = store_step_in_job(st, job_id, rec->corrects);
		if (err == STORE_ENOENT)
			return JOB_EBADCORR;
		if (err)
			return JOB_ESTORE;
	}
	/* The end of the chain is read under the write lock, with the job's state, in the
	 * transaction that appends (store_step_append_next()): another bench appending to
	 * the same job waits its turn, then finds this record at the end. Only the last
	 * record is read: appending stays as cheap for the thousandth step as for the
	 * first. */
	rec->job_id = job_id;
	err = store_step_append_next(st, rec, fill_next, NULL, id);
	switch (err) {
	case STORE_OK:
		return JOB_OK;
	case STORE_ECLOSED:
		return JOB_ECLOSED; /* submitted or cancelled while this step was made */
	case STORE_ENOENT:
		return JOB_ENOJOB;
	case STORE_ESEAL:
		return JOB_ESEAL;
	case STORE_EBUSY:
		return JOB_EBUSY;
	default:
		return JOB_ESTORE;
	}
}

enum job_err job_verify(struct store *st, long long job_id, int *bad_seq, char *why, size_t size)
{
	struct store_job job;
	struct store_step *steps = NULL;
	char expect_prev[JOB_HASH_HEX], h[JOB_HASH_HEX];
	enum job_err res = JOB_OK;
	size_t n = 0;

	*bad_seq = 0;
	if (size)
		why[0] = '\0';
	if (sodium_init() < 0)
		return JOB_ESTORE;
	switch (store_job_get(st, job_id, &job)) {
	case STORE_OK:
		break;
	case STORE_ENOENT:
		return JOB_ENOJOB;
	default:
		return JOB_ESTORE;
	}
	{
		/* The checklist text kept for the job must still be the one it pinned. */
		char *content = NULL;
		unsigned char d[crypto_hash_sha256_BYTES];

		if (store_snapshot_get(st, job.checklist_hash, &content) == STORE_OK) {
			crypto_hash_sha256(d, (const unsigned char *)content, strlen(content));
			sodium_bin2hex(h, sizeof(h), d, sizeof(d));
			free(content);
			if (strcmp(h, job.checklist_hash) != 0) {
				snprintf(why, size, "the checklist text kept for this job was changed");
				return JOB_ETAMPERED;
			}
		}
	}
	if (store_steps_of(st, job_id, &steps, &n) != STORE_OK)
		return JOB_ESTORE;
	job_genesis_hash(&job, expect_prev);
	for (size_t i = 0; i < n; i++) {
		const struct store_step *r = &steps[i];

		if (r->seq != (int)i + 1) {
			snprintf(why, size, "record %d is missing (found %d in its place)", (int)i + 1,
				 r->seq);
		} else if (strcmp(r->prev_hash, expect_prev) != 0) {
			snprintf(why, size, "record %d does not follow record %d (or the job "
					    "itself was changed)", r->seq, r->seq - 1);
		} else {
			job_record_hash(r, h);
			if (strcmp(h, r->hash) == 0) {
				memcpy(expect_prev, r->hash, sizeof(expect_prev));
				continue;
			}
			snprintf(why, size, "record %d was changed after it was written", r->seq);
		}
		*bad_seq = (int)i + 1;
		res = JOB_ETAMPERED;
		break;
	}
	store_steps_free(steps, n);
	return res;
}

int job_forget_pairing(struct store *st, const struct store_job *job)
{
	char *facts_text = NULL;
	long long t;
	json_t *facts = NULL;
	const char *udid;
	int removed = 0;

	if (store_latest_probe(st, job->device_id, &facts_text, &t) != STORE_OK)
		return 0;
	facts = json_loads(facts_text, 0, NULL);
	free(facts_text);
	udid = json_string_value(json_object_get(json_object_get(facts, "identity"), "udid"));
	if (udid && *udid)
		removed = usbmuxd_delete_pair_record(udid) == 0;
	json_decref(facts);
	return removed;
}

enum job_err job_checklist(struct store *st, const struct store_job *job, struct checklist **out,
			   char *why, size_t size)
{
	struct checklist_report rep;
	char *content = NULL;
	enum checklist_err ce;

	*out = NULL;
	if (store_snapshot_get(st, job->checklist_hash, &content) != STORE_OK) {
		snprintf(why, size, "the checklist job %lld was started with (%s) is missing from "
				    "the database",
			 job->id, job->checklist_id);
		return JOB_ESTORE;
	}
	checklist_report_init(&rep);
	ce = checklist_load_buffer(job->checklist_id, content, strlen(content), out, &rep);
	checklist_report_release(&rep);
	free(content);
	if (ce != CHECKLIST_OK) {
		snprintf(why, size, "the checklist job %lld was started with (%s) no longer loads",
			 job->id, job->checklist_id);
		return JOB_ESTORE;
	}
	return JOB_OK;
}

const struct store_step *job_last_record(const struct store_step *recs, size_t n,
					 const char *step_id)
{
	const struct store_step *last = NULL;

	for (size_t i = 0; i < n; i++)
		if (strcmp(recs[i].step_id, step_id) == 0)
			last = &recs[i];
	return last;
}

int job_wipe_sampled(const struct store_job *job, double pct)
{
	char hash[JOB_HASH_HEX];
	unsigned long v;

	if (pct >= 100.0)
		return 1;
	job_genesis_hash(job, hash);
	hash[8] = '\0';
	v = strtoul(hash, NULL, 16);
	return (double)(v % 10000) < pct * 100.0;
}

int job_approved(const struct store_job *job, const struct store_grade *g)
{
	return job->state == JOB_STATE_SUBMITTED && g->verdict == VERDICT_APPROVED &&
	       g->submitted_ms == job->submitted_ms;
}
