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

/* 1 when NAME is one of the states above. */
int lifecycle_is_state(const char *name);

/* How a change is asked for. */
enum lifecycle_via {
	LIFECYCLE_BY_HAND,  /* atelier device set-state */
	LIFECYCLE_JOB,      /* a job starts on the device (intake -> in_repair) */
	LIFECYCLE_CERTIFY,  /* atelier certify (-> certified) */
};

/* May someone with ROLE (trainee, instructor, admin) move a device from FROM to TO by
 * VIA? 1 when yes; 0 when no, with the reason in plain words in WHY (SIZE bytes), e.g.
 * "only an instructor or an admin can release a device from quarantine". */
int lifecycle_allowed(const char *from, const char *to, const char *role,
		      enum lifecycle_via via, char *why, size_t size);

/* 1 when a job may start on a device in STATE (intake or in_repair; not quarantine,
 * ready, certified, sold, recycled or parts); else 0 with the reason, and who could bring
 * the device back to work, in WHY. */
int lifecycle_job_may_start(const char *state, char *why, size_t size);

/* How a change is asked for, in plain words: "by hand", "job start", "atelier certify". */
const char *lifecycle_via_name(enum lifecycle_via via);

/* One row of the table of allowed changes, as docs/grading.md shows it (a test compares
 * the two). All strings are static. */
struct lifecycle_rule_view {
	const char *from, *to;
	const char *role;       /* the lowest role that may: trainee, instructor or admin */
	enum lifecycle_via via; /* the only way this change is made */
	const char *what;       /* plain words: "release a device from quarantine" */
};

/* Row INDEX of the table into *OUT: 1, or 0 past the last row. */
int lifecycle_rule_at(size_t index, struct lifecycle_rule_view *out);

#endif
