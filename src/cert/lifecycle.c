/*
 * The device lifecycle: the one table of allowed changes, and the plain words of every
 * refusal. See lifecycle.h; docs/grading.md shows the same table (tests/unit/
 * test_lifecycle.c checks that the two agree).
 */
#include "cert/lifecycle.h"

#include <stdio.h>
#include <string.h>

enum role_rank {
	RANK_NONE = 0,
	RANK_TRAINEE,
	RANK_INSTRUCTOR,
	RANK_ADMIN,
};

struct rule {
	const char *from, *to;
	enum role_rank role; /* the lowest role that may */
	enum lifecycle_via via;
	const char *what; /* completes "only an admin can ..." */
};

#define HAND LIFECYCLE_BY_HAND
#define JOB LIFECYCLE_JOB
#define CERTIFY LIFECYCLE_CERTIFY

/*
 * Every allowed change, and only those; at most one row per (from, to). Anything not
 * here is refused. Safety first: anyone, a trainee too, can set a device aside in
 * quarantine from the states where people handle it; only an instructor or an admin lets
 * it out again. "certified" is reached only through `atelier certify`. Recycled is final;
 * a sold device comes back only as a return, and only an admin records that.
 */
static const struct rule rules[] = {
	{ "intake", "in_repair", RANK_TRAINEE, JOB, "start work on a device" },
	{ "intake", "quarantine", RANK_TRAINEE, HAND, "set a device aside in quarantine" },
	{ "in_repair", "quarantine", RANK_TRAINEE, HAND, "set a device aside in quarantine" },
	{ "ready", "quarantine", RANK_TRAINEE, HAND, "set a device aside in quarantine" },
	{ "quarantine", "intake", RANK_INSTRUCTOR, HAND, "release a device from quarantine" },
	{ "quarantine", "in_repair", RANK_INSTRUCTOR, HAND, "release a device from quarantine" },
	{ "in_repair", "ready", RANK_INSTRUCTOR, HAND,
	  "mark a repaired device ready for certification" },
	{ "ready", "in_repair", RANK_INSTRUCTOR, HAND, "send a ready device back to repair" },
	{ "in_repair", "certified", RANK_INSTRUCTOR, CERTIFY, "certify a device" },
	{ "ready", "certified", RANK_INSTRUCTOR, CERTIFY, "certify a device" },
	{ "certified", "sold", RANK_INSTRUCTOR, HAND, "record a certified device as sold" },
	{ "certified", "in_repair", RANK_INSTRUCTOR, HAND,
	  "take a certified device back into repair (a return, or a fault found)" },
	{ "sold", "in_repair", RANK_ADMIN, HAND,
	  "take a sold device back into repair (a return from its buyer)" },
	{ "intake", "parts", RANK_INSTRUCTOR, HAND, "keep a device as a parts donor" },
	{ "in_repair", "parts", RANK_INSTRUCTOR, HAND, "keep a device as a parts donor" },
	{ "ready", "parts", RANK_INSTRUCTOR, HAND, "keep a device as a parts donor" },
	{ "quarantine", "parts", RANK_ADMIN, HAND,
	  "keep a quarantined device as a parts donor (it may belong to someone else)" },
	{ "intake", "recycled", RANK_INSTRUCTOR, HAND, "send a device to recycling" },
	{ "in_repair", "recycled", RANK_INSTRUCTOR, HAND, "send a device to recycling" },
	{ "ready", "recycled", RANK_INSTRUCTOR, HAND, "send a device to recycling" },
	{ "quarantine", "recycled", RANK_INSTRUCTOR, HAND, "send a device to recycling" },
	{ "parts", "recycled", RANK_INSTRUCTOR, HAND, "send a device to recycling" },
};

#define N_RULES (sizeof(rules) / sizeof(rules[0]))

/* The states, in the order a device usually meets them, and why no job starts in them
 * (NULL: a job may start). */
struct state {
	const char *name;
	const char *no_work;
};

static const struct state states[] = {
	{ "intake", NULL },
	{ "in_repair", NULL },
	{ "quarantine", "the device is in quarantine (locked to someone else, reported stolen or "
			"unsafe): nobody works on it" },
	{ "ready", "the device is ready for certification: more work would have to be checked "
		   "again" },
	{ "certified", "the device is certified: work on it would make its certificate wrong" },
	{ "sold", "the device was sold and has left the workshop" },
	{ "recycled", "the device was sent to recycling, which is final" },
	{ "parts", "the device is kept as a parts donor: it is not repaired" },
};

#define N_STATES (sizeof(states) / sizeof(states[0]))

static const struct state *find_state(const char *name)
{
	for (size_t i = 0; name && i < N_STATES; i++)
		if (strcmp(states[i].name, name) == 0)
			return &states[i];
	return NULL;
}

static const struct rule *find_rule(const char *from, const char *to)
{
	for (size_t i = 0; i < N_RULES; i++)
		if (strcmp(rules[i].from, from) == 0 && strcmp(rules[i].to, to) == 0)
			return &rules[i];
	return NULL;
}

static enum role_rank rank_of(const char *role)
{
	if (!role)
		return RANK_NONE;
	if (strcmp(role, "trainee") == 0)
		return RANK_TRAINEE;
	if (strcmp(role, "instructor") == 0)
		return RANK_INSTRUCTOR;
	if (strcmp(role, "admin") == 0)
		return RANK_ADMIN;
	return RANK_NONE;
}

static const char *role_name(enum role_rank r)
{
	switch (r) {
	case RANK_TRAINEE:
		return "trainee";
	case RANK_INSTRUCTOR:
		return "instructor";
	case RANK_ADMIN:
		return "admin";
	case RANK_NONE:
		break;
	}
	return "nobody";
}

/* Who may, in words: "anyone", "only an instructor or an admin", "only an admin". */
static const char *who_may(enum role_rank r)
{
	switch (r) {
	case RANK_TRAINEE:
		return "anyone";
	case RANK_INSTRUCTOR:
		return "only an instructor or an admin";
	case RANK_ADMIN:
		return "only an admin";
	case RANK_NONE:
		break;
	}
	return "nobody";
}

/* Append ", STATE" for every state FROM leads to by hand into OUT; returns how many. */
static size_t list_ways_out(const char *from, char *out, size_t size)
{
	size_t n = 0, len = 0;

	out[0] = '\0';
	for (size_t i = 0; i < N_RULES; i++) {
		int w;

		if (strcmp(rules[i].from, from) != 0)
			continue;
		w = snprintf(out + len, size - len, "%s%s%s", n ? ", " : "", rules[i].to,
			     rules[i].via == CERTIFY ? " (atelier certify)"
			     : rules[i].via == JOB   ? " (job start)"
						     : "");
		n++;
		if (w < 0 || (size_t)w >= size - len)
			break;
		len += (size_t)w;
	}
	return n;
}

int lifecycle_is_state(const char *name)
{
	return find_state(name) != NULL;
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
	}
	return "unknown";
}

int lifecycle_rule_at(size_t index, struct lifecycle_rule_view *out)
{
	if (index >= N_RULES)
		return 0;
	out->from = rules[index].from;
	out->to = rules[index].to;
	out->role = role_name(rules[index].role);
	out->via = rules[index].via;
	out->what = rules[index].what;
	return 1;
}

#define STATE_LIST "intake, in_repair, quarantine, ready, certified, sold, recycled, parts"

int lifecycle_allowed(const char *from, const char *to, const char *role, enum lifecycle_via via,
		      char *why, size_t size)
{
	const struct rule *r;
	enum role_rank rank = rank_of(role);
	char ways[256];

	if (size)
		why[0] = '\0';
	if (!find_state(from) || !find_state(to)) {
		snprintf(why, size, "'%s' is not a device state (" STATE_LIST ")",
			 find_state(from) ? to : from);
		return 0;
	}
	if (rank == RANK_NONE) {
		snprintf(why, size, "'%s' is not a role (trainee, instructor or admin)",
			 role ? role : "");
		return 0;
	}
	if (strcmp(from, to) == 0) {
		snprintf(why, size, "the device is already in %s", from);
		return 0;
	}
	r = find_rule(from, to);
	if (!r) {
		if (list_ways_out(from, ways, sizeof(ways)) == 0)
			snprintf(why, size, "%s is final: a device in %s never changes state again",
				 from, from);
		else
			snprintf(why, size,
				 "a device cannot go from %s to %s; from %s it can go to: "
				 "%s",
				 from, to, from, ways);
		return 0;
	}
	if (r->via != via) {
		if (r->via == CERTIFY)
			snprintf(why, size,
				 "only 'atelier certify' makes a device certified: it "
				 "checks the device against the policy and signs its certificate");
		else if (r->via == JOB)
			snprintf(why, size,
				 "a device goes from %s to %s when a job starts on it: "
				 "use 'atelier job start'",
				 from, to);
		else
			snprintf(why, size,
				 "%s -> %s is made by hand ('atelier device set-state'), "
				 "not by %s",
				 from, to, lifecycle_via_name(via));
		return 0;
	}
	if (rank < r->role) {
		snprintf(why, size, "%s can %s", who_may(r->role), r->what);
		return 0;
	}
	return 1;
}

int lifecycle_job_may_start(const char *state, char *why, size_t size)
{
	const struct state *s = find_state(state);
	const struct rule *back;

	if (size)
		why[0] = '\0';
	if (!s) {
		snprintf(why, size, "'%s' is not a device state (" STATE_LIST ")",
			 state ? state : "");
		return 0;
	}
	if (!s->no_work)
		return 1;
	/* Say who could bring it back to work, from the table itself. */
	back = find_rule(s->name, "in_repair");
	if (back && back->via == HAND)
		snprintf(why, size, "%s; %s can %s (atelier device set-state DEVICE in_repair)",
			 s->no_work, who_may(back->role), back->what);
	else
		snprintf(why, size, "%s", s->no_work);
	return 0;
}
