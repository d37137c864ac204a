/*
 * job — a trainee's work on one device with one checklist, and its tamper-evident
 * record. Every step record carries the SHA-256 of its own fields and of the record
 * before it (the first one chains to a hash of the job itself: device, checklist id,
 * version and content hash, trainee, start time), so that changing, removing or
 * reordering any record, or the job's pinned checklist, breaks the chain from there on.
 * Records are only ever appended (the store refuses UPDATE and DELETE); a correction is
 * a new record that names the record it corrects.
 */
#ifndef ATELIER_JOB_JOB_H
#define ATELIER_JOB_JOB_H

#include <stddef.h>

#include "store/store.h"

struct checklist;

#define JOB_HASH_HEX 65 /* 64 hex digits and the NUL */

enum job_err {
	JOB_OK = 0,
	JOB_ESTORE,    /* the store failed (store_last_error_message() says why) */
	JOB_ENOJOB,    /* no such job */
	JOB_ECLOSED,   /* the job is submitted: no more steps */
	JOB_EBADCORR,  /* the record to correct is not a record of this job */
	JOB_ETAMPERED, /* verify: a record does not match its hash or its chain */
	JOB_ESEAL,     /* the workshop key could not sign the head of the job's records */
	JOB_EBUSY,     /* another write held the records past the wait: nothing recorded */
};

const char *job_strerror(enum job_err err);

/* The hash the first record of JOB chains to. OUT gets JOB_HASH_HEX bytes. */
void job_genesis_hash(const struct store_job *job, char out[JOB_HASH_HEX]);
/* The hash of REC (its fields and REC->prev_hash). */
void job_record_hash(const struct store_step *rec, char out[JOB_HASH_HEX]);

/* Append a step record to job JOB_ID: REC's step_id, user_id, result, value, note, parts,
 * facts and corrects are the caller's; seq, t_ms (now), spent_ms (since the previous
 * record, or the job's start), prev_hash and hash are filled here. Durable when it
 * returns JOB_OK. *ID (may be NULL) gets the record's id, *SEQ its position. */
enum job_err job_append(struct store *st, long long job_id, struct store_step *rec, long long *id)
	__attribute__((warn_unused_result));

/* Check the chain of JOB_ID. JOB_OK when whole; JOB_ETAMPERED with the first record that
 * does not match in *BAD_SEQ (and why in WHY, SIZE bytes). */
enum job_err job_verify(struct store *st, long long job_id, int *bad_seq, char *why, size_t size)
	__attribute__((warn_unused_result));

/* After a submitted data wipe: the bench forgets its pairing with the device, so that
 * the next owner's phone holds no trace of this computer and this computer none of the
 * phone (the pair record usbmuxd keeps for the UDID). Returns 1 when a record was
 * removed, 0 when there was none or the device is not an iPhone/iPad. */
int job_forget_pairing(struct store *st, const struct store_job *job);

/* The checklist JOB was started with, loaded from the text the job pinned. JOB_ESTORE
 * when that text is missing or no longer loads (WHY says which). */
enum job_err job_checklist(struct store *st, const struct store_job *job, struct checklist **out,
			   char *why, size_t size) __attribute__((warn_unused_result));

/* Is the data wipe of JOB among those a second person checks, when PCT % of all wipes are
 * checked? Decided once for good from the job itself (its genesis hash, which nobody
 * can draw again); 1 for every job when PCT is 100. */
int job_wipe_sampled(const struct store_job *job, double pct);

/* Does grade G (the job's latest) approve JOB as it stands: submitted, and that very
 * submission approved? A job sent back for redo and submitted again is not, until it is
 * graded again. */
int job_approved(const struct store_job *job, const struct store_grade *g);

/* The record that has the last word on STEP_ID among RECS (N records, in order): the
 * last one recorded for it, corrections included. NULL when the step has none. */
const struct store_step *job_last_record(const struct store_step *recs, size_t n,
					 const char *step_id);

#endif
