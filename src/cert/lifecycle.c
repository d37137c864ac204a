/*
 * The device lifecycle: the one table of allowed changes, and the plain words of every
 * refusal. See lifecycle.h; docs/grading.md shows the same table (tests/unit/
 * test_lifecycle.c checks that the two agree).
 */
#include "cert/lifecycle.h"

#include <stdio.h>
#include <string.h>

struct rule {
	enum device_state from, to;
	enum role role; /* the lowest role that may */
	unsigned vias;  /* enum lifecycle_via bits */
	const char *what; /* completes "only an admin can ..." */
};

#define HAND LIFECYCLE_BY_HAND
#define JOB LIFECYCLE_JOB
#define CERTIFY LIFECYCLE_CERTIFY
#define STEP LIFECYCLE_STEP
#define SALE LIFECYCLE_SALE

/*
 * Every allowed change, and only those; at most one row per (from, to). Anything not
 * here is refused. Safety first: anyone, a trainee too, can set a device aside in
 * quarantine from the states where people handle it, by hand or by failing a step whose
 * checklist says so; only an instructor or an admin lets it out again. "certified" is
 * reached only through `atelier certify`, "sold" only through `atelier device sell`, which
 * keeps the sale with the move. Recycled is final; a sold device comes back
 * only as a return, and only an admin records that.
 */
static const struct rule rules[] = {
	{ DEVICE_INTAKE, DEVICE_IN_REPAIR, ROLE_TRAINEE, JOB, "start work on a device" },
	{ DEVICE_INTAKE, DEVICE_QUARANTINE, ROLE_TRAINEE, HAND | STEP,
	  "set a device aside in quarantine" },
	{ DEVICE_IN_REPAIR, DEVICE_QUARANTINE, ROLE_TRAINEE, HAND | STEP,
	  "set a device aside in quarantine" },
	{ DEVICE_READY, DEVICE_QUARANTINE, ROLE_TRAINEE, HAND, "set a device aside in quarantine" },
	{ DEVICE_QUARANTINE, DEVICE_INTAKE, ROLE_INSTRUCTOR, HAND,
	  "release a device from quarantine" },
	{ DEVICE_QUARANTINE, DEVICE_IN_REPAIR, ROLE_INSTRUCTOR, HAND,
	  "release a device from quarantine" },
	{ DEVICE_IN_REPAIR, DEVICE_READY, ROLE_INSTRUCTOR, HAND,
	  "mark a repaired device ready for certification" },
	{ DEVICE_READY, DEVICE_IN_REPAIR, ROLE_INSTRUCTOR, HAND, "send a ready device back to repair" },
	{ DEVICE_IN_REPAIR, DEVICE_CERTIFIED, ROLE_INSTRUCTOR, CERTIFY, "certify a device" },
	{ DEVICE_READY, DEVICE_CERTIFIED, ROLE_INSTRUCTOR, CERTIFY, "certify a device" },
	{ DEVICE_CERTIFIED, DEVICE_SOLD, ROLE_INSTRUCTOR, SALE, "record a certified device as sold" },
	{ DEVICE_CERTIFIED, DEVICE_IN_REPAIR, ROLE_INSTRUCTOR, HAND,
	  "take a certified device back into repair (a return, or a fault found)" },
	{ DEVICE_SOLD, DEVICE_IN_REPAIR, ROLE_ADMIN, HAND,
	  "take a sold device back into repair (a return from its buyer)" },
	{ DEVICE_INTAKE, DEVICE_PARTS, ROLE_INSTRUCTOR, HAND, "keep a device as a parts donor" },
	{ DEVICE_IN_REPAIR, DEVICE_PARTS, ROLE_INSTRUCTOR, HAND, "keep a device as a parts donor" },
	{ DEVICE_READY, DEVICE_PARTS, ROLE_INSTRUCTOR, HAND, "keep a device as a parts donor" },
	{ DEVICE_QUARANTINE, DEVICE_PARTS, ROLE_ADMIN, HAND,
	  "keep a quarantined device as a parts donor (it may belong to someone else)" },
	{ DEVICE_INTAKE, DEVICE_RECYCLED, ROLE_INSTRUCTOR, HAND, "send a device to recycling" },
	{ DEVICE_IN_REPAIR, DEVICE_RECYCLED, ROLE_INSTRUCTOR, HAND, "send a device to recycling" },
	{ DEVICE_READY, DEVICE_RECYCLED, ROLE_INSTRUCTOR, HAND, "send a device to recycling" },
	{ DEVICE_QUARANTINE, DEVICE_RECYCLED, ROLE_INSTRUCTOR, HAND, "send a device to recycling" },
	{ DEVICE_PARTS, DEVICE_RECYCLED, ROLE_INSTRUCTOR, HAND, "send a device to recycling" },
};

#define N_RULES (sizeof(rules) / sizeof(rules[0]))

/* Why no job starts on a device in each state (NULL: a job may start). */
static const char *const no_work[DEVICE_STATE_COUNT] = {
	[DEVICE_QUARANTINE] = "the device is in quarantine (locked to someone else, reported "
			      "stolen or unsafe): nobody works on it",
	[DEVICE_READY] = "the device is ready for certification: more work would have to be "
			 "checked again",
	[DEVICE_CERTIFIED] = "the device is certified: work on it would make its certificate "
			     "wrong",
	[DEVICE_SOLD] = "the device was sold and has left the workshop",
	[DEVICE_RECYCLED] = "the device was sent to recycling, which is final",
	[DEVICE_PARTS] = "the device is kept as a parts donor: it is not repaired",
};

static int valid_state(enum device_state s)
{
	return (unsigned)s < DEVICE_STATE_COUNT;
}

static const struct rule *find_rule(enum device_state from, enum device_state to)
{
	for (size_t i = 0; i < N_RULES; i++)
		if (rules[i].from == from && rules[i].to == to)
			return &rules[i];
	return NULL;
}

/* Who may, in words: "anyone", "only an instructor or an admin", "only an admin". */
static const char *who_may(enum role r)
{
	switch (r) {
	case ROLE_TRAINEE:
		return "anyone";
	case ROLE_INSTRUCTOR:
		return "only an instructor or an admin";
	case ROLE_ADMIN:
		return "only an admin";
	case ROLE_NONE:
		break;
	}
	return "nobody";
}

/* ", STATE" for every state FROM leads to into OUT; returns how many. */
static size_t list_ways_out(enum device_state from, char *out, size_t size)
{
	size_t n = 0, len = 0;

	out[0] = '\0';
	for (size_t i = 0; i < N_RULES; i++) {
		int w;

		if (rules[i].from != from)
			continue;
		w = snprintf(out + len, size - len, "%s%s%s", n ? ", " : "",
			     device_state_name(rules[i].to),
			     rules[i].vias == CERTIFY ? " (atelier certify)"
			     : rules[i].vias == JOB   ? " (job start)"
			     : rules[i].vias == SALE  ? " (atelier device sell)"
						      : "");
		n++;
		if (w < 0 || (size_t)w >= size - len)
			break;
		len += (size_t)w;
	}
	return n;
}

const char *lifecycle_via_name(enum lifecycle_via via)
{
	switch (via) {
	case LIFECYCLE_BY_HAND:
		return "by hand";
	case LIFECYCLE_JOB:
		return "job start";
	case LIFECYCLE_CERTIFY:
		return "atelier certify";
	case LIFECYCLE_STEP:
		return "a failed step";
	case LIFECYCLE_SALE:
		return "atelier device sell";
	}
	return "unknown";
}

int lifecycle_rule_at(size_t index, struct lifecycle_rule_view *out)
{
	if (index >= N_RULES)
		return 0;
	out->from = rules[index].from;
	out->to = rules[index].to;
	out->role = rules[index].role;
	out->vias = rules[index].vias;
	out->what = rules[index].what;
	return 1;
}

int lifecycle_allowed(enum device_state from, enum device_state to, enum role role,
		      enum lifecycle_via via, char *why, size_t size)
{
	const struct rule *r;
	char ways[256];

	if (size)
		why[0] = '\0';
	if (!valid_state(from) || !valid_state(to)) {
		snprintf(why, size, "not a device state (" DEVICE_STATE_LIST ")");
		return 0;
	}
	if (role == ROLE_NONE || role > ROLE_ADMIN) {
		snprintf(why, size, "not a role (trainee, instructor or admin)");
		return 0;
	}
	if (from == to) {
		snprintf(why, size, "the device is already in %s", device_state_name(from));
		return 0;
	}
	r = find_rule(from, to);
	if (!r) {
		if (list_ways_out(from, ways, sizeof(ways)) == 0)
			snprintf(why, size, "%s is final: a device in %s never changes state again",
				 device_state_name(from), device_state_name(from));
		else
			snprintf(why, size,
				 "a device cannot go from %s to %s; from %s it can go to: "
				 "%s",
				 device_state_name(from), device_state_name(to),
				 device_state_name(from), ways);
		return 0;
	}
	if (!(r->vias & (unsigned)via)) {
		if (r->vias == CERTIFY)
			snprintf(why, size,
				 "only 'atelier certify' makes a device certified: it "
				 "checks the device against the policy and signs its certificate");
		else if (r->vias == SALE)
			snprintf(why, size,
				 "a device is recorded as sold with 'atelier device sell', which "
				 "keeps its price and channel with the move");
		else if (r->vias == JOB)
			snprintf(why, size,
				 "a device goes from %s to %s when a job starts on it: "
				 "use 'atelier job start'",
				 device_state_name(from), device_state_name(to));
		else
			snprintf(why, size,
				 "%s -> %s is made by hand ('atelier device set-state'), "
				 "not by %s",
				 device_state_name(from), device_state_name(to),
				 lifecycle_via_name(via));
		return 0;
	}
	if (role < r->role) {
		snprintf(why, size, "%s can %s", who_may(r->role), r->what);
		return 0;
	}
	return 1;
}

int lifecycle_job_may_start(enum device_state state, char *why, size_t size)
{
	const struct rule *back;

	if (size)
		why[0] = '\0';
	if (!valid_state(state)) {
		snprintf(why, size, "not a device state (" DEVICE_STATE_LIST ")");
		return 0;
	}
	if (!no_work[state])
		return 1;
	/* Say who could bring it back to work, from the table itself. */
	back = find_rule(state, DEVICE_IN_REPAIR);
	if (back && (back->vias & HAND))
		snprintf(why, size, "%s; %s can %s (atelier device set-state DEVICE in_repair)",
			 no_work[state], who_may(back->role), back->what);
	else
		snprintf(why, size, "%s", no_work[state]);
	return 0;
}
