/*
 * lifecycle — the states a device goes through in the workshop and who may move it
 * from one to another. The table of allowed changes is in lifecycle.c, and only there.
 *
 *   intake      seen at the bench, not worked on yet
 *   in_repair   a job has started on it
 *   quarantine  locked to someone else, reported stolen, or unsafe: nobody works on it
 *   ready       repaired and checked, waiting for certification
 *   certified   a signed certificate was issued (only `atelier certify` moves it here)
 *   sold        left the workshop with a buyer
 *   recycled    sent to recycling
 *   parts       kept as a parts donor
 */
#ifndef ATELIER_CERT_LIFECYCLE_H
#define ATELIER_CERT_LIFECYCLE_H

#include <stddef.h>

#include "store/status.h"

/* How a change is asked for. A rule of the table allows one or more of them. */
enum lifecycle_via {
	LIFECYCLE_BY_HAND = 1, /* atelier device set-state */
	LIFECYCLE_JOB = 2,     /* a job starts on the device (intake -> in_repair) */
	LIFECYCLE_CERTIFY = 4, /* atelier certify (-> certified) */
	LIFECYCLE_STEP = 8,    /* a failed step whose checklist says on_fail: quarantine */
	LIFECYCLE_SALE = 16,   /* atelier device sell (certified -> sold, with the sale kept) */
};

/* May someone with ROLE move a device from FROM to TO by VIA (one of the values above)?
 * 1 when yes; 0 when no, with the reason in plain words in WHY (SIZE bytes), e.g.
 * "only an instructor or an admin can release a device from quarantine". */
int lifecycle_allowed(enum device_state from, enum device_state to, enum role role,
		      enum lifecycle_via via, char *why, size_t size);

/* 1 when a job may start on a device in STATE (intake or in_repair; not quarantine,
 * ready, certified, sold, recycled or parts); else 0 with the reason, and who could bring
 * the device back to work, in WHY. */
int lifecycle_job_may_start(enum device_state state, char *why, size_t size);

/* How a change is asked for, in plain words: "by hand", "job start", "atelier certify",
 * "a failed step", "atelier device sell". */
const char *lifecycle_via_name(enum lifecycle_via via);

/* One row of the table of allowed changes, as docs/grading.md shows it (a test compares
 * the two). All strings are static. */
struct lifecycle_rule_view {
	enum device_state from, to;
	enum role role;   /* the lowest role that may */
	unsigned vias;    /* the ways this change is made (enum lifecycle_via bits) */
	const char *what; /* plain words: "release a device from quarantine" */
};

/* Row INDEX of the table into *OUT: 1, or 0 past the last row. */
int lifecycle_rule_at(size_t index, struct lifecycle_rule_view *out);

#endif
