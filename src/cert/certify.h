/*
 * certify — decide whether a device meets the workshop's certification policy and, when
 * it does, write its certificate of readiness for reuse (unsigned; cert/sign.h signs it).
 *
 * Every condition is checked and every unmet one is listed in plain words, so that the
 * instructor sees at once all that is left to do. Nothing is changed here.
 */
#ifndef ATELIER_CERT_CERTIFY_H
#define ATELIER_CERT_CERTIFY_H

#include <jansson.h>
#include <stddef.h>

#include "cert/policy.h"
#include "store/store.h"

struct checklist;
struct checklist_option;

#define CERTIFY_FORMAT "atelier-certificate/1"
#define CERTIFY_QR_PREFIX "atelier-cert:1:"

struct certify_outcome {
	json_t *unmet;       /* array of strings: the conditions not met, in plain words */
	json_t *said;        /* the same for a screen: [{say, args}], SAY a text of the
				catalogues (po/) whose {name}s ARGS fills in: checklist (an
				id), job, step and step_title, n, note, date_ms, pct and min,
				state (a device state's name) */
	json_t *cert;        /* the certificate without signature when unmet is empty */
	enum device_state from_state; /* the device's state when it was evaluated */
};

enum certify_err {
	CERTIFY_OK = 0, /* evaluated: look at unmet */
	CERTIFY_ENODEV, /* no such device */
	CERTIFY_ESTORE, /* the store failed (WHY) */
	CERTIFY_ENOMEM,
};

/* Evaluate policy P for device DEVICE_ID, to be certified by user BY at NOW_MS (wall
 * clock). FACTS is the device as the rules see it (borrowed): its last full reading,
 * with what trainees recorded by hand where the reading says nothing ("entered": {fact:
 * {value, job, record, step, by, user, t_ms, tester}}, USER the id of who recorded it)
 * and "readings": {full_ms, full_tool, usb_only_ms, usb_only_tool}, when the device was
 * last read and last seen on USB alone (an Android phone after a reset);
 * svc_device_facts() makes it. On CERTIFY_OK, OUT holds the outcome
 * (certify_outcome_release()). */
enum certify_err certify_evaluate(struct store *st, const struct policy *p, long long device_id,
				  const struct store_user *by, long long now_ms, json_t *facts,
				  struct certify_outcome *out, char *why, size_t size)
	__attribute__((warn_unused_result));
void certify_outcome_release(struct certify_outcome *o);

/* The device's cosmetic grade as the certificate gives it: of the options of checklist C
 * (the grading job's pinned checklist) chosen at the policy's grade steps (VALUES[i] the
 * value recorded last at P->grade_steps[i], NULL when none), the worst (options are
 * written best first). NULL when a step has no grade or C is NULL. Borrowed from C. */
const struct checklist_option *certify_grade_of(const struct policy *p, const struct checklist *c,
						const char *const values[]);
/* 1 when checklist C is a repair: of category repair, or of none and with a parts step
 * (whose parts the certificate lists). */
int certify_is_repair(const struct checklist *c);
/* How a certificate names person U (docs/privacy.md): by her code when she has one, a
 * trainee always ("trainee #7" when she has none yet), an erased person too; an
 * instructor or an admin without a code by her name. Into OUT; returns OUT. */
const char *certify_label(const struct store_user *u, char *out, size_t size);

/* 1 when certificate CERT (a parsed certificate, of any version) names NAME as a person:
 * a trainee, who approved or certified, who wiped, checked the wipe or measured the
 * battery. */
int certify_names(const json_t *cert, const char *name);

/* A new certificate id ("ATL-YYYYMMDD-" and 8 random hex digits) for NOW_MS into OUT. */
void certify_new_id(long long now_ms, char *out, size_t size);

/* The text of the QR code of signed certificate CERT ("atelier-cert:1:ID:SIG", SIG in
 * base64url) into OUT. 0 on success. */
int certify_qr_text(const json_t *cert, char *out, size_t size);

/* The link to the workshop's verification page for signed certificate CERT:
 * "BASE/v/ID#SIG" (BASE: policy workshop.verify_url, no trailing slash; SIG in base64url
 * without padding), into OUT. 0 on success. */
int certify_link_text(const json_t *cert, const char *base, char *out, size_t size);

/* A verification link "https://HOST/.../v/ID#SIG", or "ID#SIG" alone (TEXT, LEN bytes; a
 * file's one final newline is not part of it), as its QR text "atelier-cert:1:ID:SIG"
 * into OUT (at least CERTIFY_QR_LEN + 1 bytes), so that certify_qr_parse() reads it
 * strictly. 0 when TEXT has that shape (its id and signature are checked afterwards);
 * -1 when it is not a link at all. */
int certify_link_to_qr(const char *text, size_t len, char *out, size_t size);

/* A certificate id: "ATL-", 8 digits of the day, "-", 8 hex digits in capitals. */
#define CERTIFY_ID_LEN 21
/* The signature in a QR text: base64url without padding of 64 bytes. */
#define CERTIFY_QR_SIG_LEN 86
/* The whole QR text: the prefix, the id, ':' and the signature. */
#define CERTIFY_QR_LEN (sizeof(CERTIFY_QR_PREFIX) - 1 + CERTIFY_ID_LEN + 1 + CERTIFY_QR_SIG_LEN)

/* Read QR text TEXT (LEN bytes) strictly: exactly CERTIFY_QR_PREFIX, a certificate id,
 * ':', the canonical base64url (no padding) of a 64-byte signature, and nothing else (no
 * space, no newline, no other field). ID (CERTIFY_ID_LEN + 1 bytes) and SIG get them.
 * 0 on success; -1 with WHY saying what is wrong. */
int certify_qr_parse(const char *text, size_t len, char *id, unsigned char sig[64], char *why,
		     size_t size);

/* Check the certificate text BUF (LEN bytes, named NAME in messages) against public key
 * PK: it must be an Atelier certificate, its signature must match, and its bytes must be
 * exactly those issued (canonical JSON and one newline). 0 when valid; else -1 and WHY
 * says what is wrong. *OUT gets the parsed JSON when it parses (the caller frees it). */
int certify_verify_text(const char *name, const char *buf, size_t len,
			const unsigned char pk[32], json_t **out, char *why, size_t size);

#endif
