/*
 * Unit tests of the device lifecycle: who may move a device from one state to another,
 * and what they read when they may not. The last tests check that the two tables of
 * docs/grading.md (states, allowed changes) are the tables in the code.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "cert/lifecycle.h"

#include <stdio.h>
#include <string.h>

#define DOC_PATH "docs/grading.md"
#define DOC_MAX_ROWS 64
#define DOC_LINE_MAX 1024
#define WHY 320

static const char *const all_states[] = {
	"intake", "in_repair", "quarantine", "ready", "certified", "sold", "recycled", "parts",
};
static const char *const all_roles[] = { "trainee", "instructor", "admin" };
static const enum lifecycle_via all_vias[] = { LIFECYCLE_BY_HAND, LIFECYCLE_JOB,
					       LIFECYCLE_CERTIFY, LIFECYCLE_STEP, LIFECYCLE_SALE };

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* A state by its word; a word that is none gives a value outside the enum. */
static enum device_state st(const char *word)
{
	enum device_state s = (enum device_state)99;

	if (word)
		(void)device_state_parse(word, &s);
	return s;
}

static enum role rl(const char *word)
{
	enum role r = ROLE_NONE;

	if (word)
		(void)role_parse(word, &r);
	return r;
}

static int allowed(const char *from, const char *to, const char *role, enum lifecycle_via via,
		   char *why)
{
	return lifecycle_allowed(st(from), st(to), rl(role), via, why, WHY);
}

static int may_start(const char *state, char *why, size_t size)
{
	return lifecycle_job_may_start(st(state), why, size);
}

/* "by hand or a failed step": the ways of a row, as docs/grading.md writes them. */
static const char *ways(unsigned vias, char *out, size_t size)
{
	size_t len = 0;

	out[0] = '\0';
	for (size_t m = 0; m < N(all_vias); m++)
		if (vias & all_vias[m])
			len += (size_t)snprintf(out + len, size - len, "%s%s", len ? " or " : "",
						lifecycle_via_name(all_vias[m]));
	return out;
}

/* Refused, with WANT somewhere in the reason. */
static void refused_with(const char *from, const char *to, const char *role, enum lifecycle_via via,
			 const char *want)
{
	char why[WHY];

	if (allowed(from, to, role, via, why))
		fail_msg("%s -> %s by a %s (%s) was allowed", from, to, role,
			 lifecycle_via_name(via));
	if (!strstr(why, want))
		fail_msg("%s -> %s by a %s: '%s' does not say '%s'", from, to, role, why, want);
}

static void anyone_can_set_a_device_at_the_bench_aside_in_quarantine(void **state)
{
	static const char *const from[] = { "intake", "in_repair", "ready" };
	char why[WHY];

	(void)state;
	for (size_t i = 0; i < N(from); i++)
		for (size_t r = 0; r < N(all_roles); r++)
			assert_true(
			    allowed(from[i], "quarantine", all_roles[r], LIFECYCLE_BY_HAND, why));
}

static void only_an_instructor_or_an_admin_releases_a_device_from_quarantine(void **state)
{
	char why[WHY];

	(void)state;
	refused_with("quarantine", "in_repair", "trainee", LIFECYCLE_BY_HAND,
		     "only an instructor or an admin can release a device from quarantine");
	refused_with("quarantine", "intake", "trainee", LIFECYCLE_BY_HAND,
		     "only an instructor or an admin can release a device from quarantine");
	assert_true(allowed("quarantine", "in_repair", "instructor", LIFECYCLE_BY_HAND, why));
	assert_true(allowed("quarantine", "intake", "admin", LIFECYCLE_BY_HAND, why));
	assert_string_equal(why, "");
}

static void a_device_goes_into_repair_when_a_job_starts_not_by_hand(void **state)
{
	char why[WHY];

	(void)state;
	assert_true(allowed("intake", "in_repair", "trainee", LIFECYCLE_JOB, why));
	refused_with("intake", "in_repair", "admin", LIFECYCLE_BY_HAND,
		     "when a job starts on it: use 'atelier job start'");
}

static void only_atelier_certify_makes_a_device_certified(void **state)
{
	char why[WHY];

	(void)state;
	refused_with("in_repair", "certified", "admin", LIFECYCLE_BY_HAND,
		     "only 'atelier certify' makes a device certified");
	refused_with("ready", "certified", "instructor", LIFECYCLE_BY_HAND,
		     "only 'atelier certify' makes a device certified");
	assert_true(allowed("ready", "certified", "instructor", LIFECYCLE_CERTIFY, why));
	assert_true(allowed("in_repair", "certified", "admin", LIFECYCLE_CERTIFY, why));
	refused_with("ready", "certified", "trainee", LIFECYCLE_CERTIFY,
		     "only an instructor or an admin can certify a device");
	/* Certify cannot be used for anything else either. */
	refused_with("ready", "sold", "admin", LIFECYCLE_CERTIFY, "cannot go from ready to sold");
	refused_with("quarantine", "certified", "admin", LIFECYCLE_CERTIFY,
		     "cannot go from quarantine to certified");
}

static void a_sale_is_recorded_only_by_atelier_device_sell(void **state)
{
	(void)state;
	refused_with("certified", "sold", "admin", LIFECYCLE_BY_HAND,
		     "a device is recorded as sold with 'atelier device sell'");
	refused_with("ready", "sold", "admin", LIFECYCLE_SALE,
		     "from ready it can go to: quarantine, in_repair, certified (atelier certify)");
}

static void repair_decisions_belong_to_instructors(void **state)
{
	char why[WHY];

	(void)state;
	refused_with("in_repair", "ready", "trainee", LIFECYCLE_BY_HAND,
		     "only an instructor or an admin can mark a repaired device ready");
	refused_with("ready", "in_repair", "trainee", LIFECYCLE_BY_HAND,
		     "only an instructor or an admin can send a ready device back to repair");
	refused_with("certified", "sold", "trainee", LIFECYCLE_SALE,
		     "only an instructor or an admin can record a certified device as sold");
	refused_with("in_repair", "recycled", "trainee", LIFECYCLE_BY_HAND,
		     "only an instructor or an admin can send a device to recycling");
	refused_with("intake", "parts", "trainee", LIFECYCLE_BY_HAND,
		     "only an instructor or an admin can keep a device as a parts donor");
	assert_true(allowed("in_repair", "ready", "instructor", LIFECYCLE_BY_HAND, why));
	assert_true(allowed("certified", "sold", "instructor", LIFECYCLE_SALE, why));
	assert_true(allowed("certified", "in_repair", "instructor", LIFECYCLE_BY_HAND, why));
}

static void a_quarantined_device_is_taken_apart_only_by_an_admin_decision(void **state)
{
	char why[WHY];

	(void)state;
	refused_with("quarantine", "parts", "instructor", LIFECYCLE_BY_HAND,
		     "only an admin can keep a quarantined device as a parts donor");
	assert_true(allowed("quarantine", "parts", "admin", LIFECYCLE_BY_HAND, why));
	assert_true(allowed("quarantine", "recycled", "instructor", LIFECYCLE_BY_HAND, why));
}

static void recycled_is_final_and_a_sale_ends_only_with_a_return(void **state)
{
	char why[WHY];

	(void)state;
	for (size_t i = 0; i < N(all_states); i++)
		if (strcmp(all_states[i], "recycled") != 0)
			refused_with("recycled", all_states[i], "admin", LIFECYCLE_BY_HAND,
				     "recycled is final");
	refused_with("sold", "in_repair", "instructor", LIFECYCLE_BY_HAND,
		     "only an admin can take a sold device back into repair");
	assert_true(allowed("sold", "in_repair", "admin", LIFECYCLE_BY_HAND, why));
	refused_with("sold", "ready", "admin", LIFECYCLE_BY_HAND,
		     "cannot go from sold to ready; from sold it can go to: in_repair");
	refused_with("parts", "in_repair", "admin", LIFECYCLE_BY_HAND,
		     "from parts it can go to: recycled");
}

static void a_change_to_the_same_state_is_refused(void **state)
{
	(void)state;
	for (size_t i = 0; i < N(all_states); i++)
		for (size_t v = 0; v < N(all_vias); v++)
			refused_with(all_states[i], all_states[i], "admin", all_vias[v],
				     "already in");
}

static void unknown_states_and_roles_are_refused_by_name(void **state)
{
	(void)state;
	enum device_state s;

	refused_with("intake", "broken", "admin", LIFECYCLE_BY_HAND, "not a device state");
	refused_with("lost", "intake", "admin", LIFECYCLE_BY_HAND, "not a device state");
	refused_with("intake", "quarantine", "guest", LIFECYCLE_BY_HAND, "not a role");
	refused_with("intake", "quarantine", NULL, LIFECYCLE_BY_HAND, "not a role");
	assert_false(device_state_parse("Intake", &s));
	assert_false(device_state_parse("", &s));
	assert_false(device_state_parse(NULL, &s));
	for (size_t i = 0; i < N(all_states); i++) {
		assert_true(device_state_parse(all_states[i], &s));
		assert_string_equal(device_state_name(s), all_states[i]);
	}
}

static void a_job_starts_only_on_a_device_in_intake_or_in_repair(void **state)
{
	char why[WHY];

	(void)state;
	assert_true(may_start("intake", why, sizeof(why)));
	assert_true(may_start("in_repair", why, sizeof(why)));
	assert_false(may_start("quarantine", why, sizeof(why)));
	assert_non_null(strstr(why, "the device is in quarantine"));
	assert_non_null(strstr(why, "only an instructor or an admin can release a device from "
				    "quarantine"));
	assert_false(may_start("ready", why, sizeof(why)));
	assert_non_null(strstr(why, "send a ready device back to repair"));
	assert_false(may_start("certified", why, sizeof(why)));
	assert_non_null(strstr(why, "certificate"));
	assert_false(may_start("sold", why, sizeof(why)));
	assert_non_null(strstr(why, "only an admin can take a sold device back"));
	assert_false(may_start("recycled", why, sizeof(why)));
	assert_non_null(strstr(why, "recycling"));
	assert_false(may_start("parts", why, sizeof(why)));
	assert_non_null(strstr(why, "parts donor"));
	assert_false(may_start("broken", why, sizeof(why)));
	assert_non_null(strstr(why, "not a device state"));
}


/* Every answer of lifecycle_allowed() follows from the table: allowed exactly when a row
 * has that change, that way, for that role or a lower one; every refusal says why. */
static void every_answer_follows_the_table_and_every_refusal_says_why(void **state)
{
	struct lifecycle_rule_view v;
	size_t rows = 0;

	(void)state;
	for (size_t i = 0; lifecycle_rule_at(i, &v); i++) {
		assert_true(v.from < DEVICE_STATE_COUNT && v.to < DEVICE_STATE_COUNT);
		assert_int_not_equal(v.from, v.to);
		assert_true(v.role >= ROLE_TRAINEE && v.role <= ROLE_ADMIN);
		assert_true(v.vias != 0);
		assert_true(strlen(v.what) > 0);
		for (size_t k = 0; k < i; k++) {
			struct lifecycle_rule_view w;

			assert_true(lifecycle_rule_at(k, &w));
			if (w.from == v.from && w.to == v.to)
				fail_msg("two rows for %s -> %s", device_state_name(v.from),
					 device_state_name(v.to));
		}
		rows++;
	}
	assert_true(rows > 0);
	assert_false(lifecycle_rule_at(rows, &v));
	for (size_t f = 0; f < N(all_states); f++) {
		for (size_t t = 0; t < N(all_states); t++) {
			for (size_t r = 0; r < N(all_roles); r++) {
				for (size_t m = 0; m < N(all_vias); m++) {
					int expect = 0, got;
					char why[WHY];

					for (size_t i = 0; lifecycle_rule_at(i, &v); i++)
						expect |= v.from == st(all_states[f]) &&
							  v.to == st(all_states[t]) &&
							  (v.vias & all_vias[m]) &&
							  rl(all_roles[r]) >= v.role;
					got = allowed(all_states[f], all_states[t], all_roles[r],
						      all_vias[m], why);
					if (got != expect)
						fail_msg(
						    "%s -> %s by a %s (%s): %d, the table says %d",
						    all_states[f], all_states[t], all_roles[r],
						    lifecycle_via_name(all_vias[m]), got, expect);
					if (!got && strlen(why) < 10)
						fail_msg("%s -> %s refused without a reason",
							 all_states[f], all_states[t]);
				}
			}
		}
	}
}

static void a_short_buffer_still_gets_a_terminated_reason(void **state)
{
	char why[8];

	(void)state;
	assert_false(lifecycle_allowed(DEVICE_QUARANTINE, DEVICE_INTAKE, ROLE_TRAINEE,
				       LIFECYCLE_BY_HAND, why, sizeof(why)));
	assert_int_equal(strlen(why), sizeof(why) - 1);
	assert_false(may_start("sold", why, sizeof(why)));
	assert_int_equal(strlen(why), sizeof(why) - 1);
}

/* ---- the documentation ---- */

/* The rows ("| `...") of the table of docs/grading.md between the line starting with
 * START and the line END. Returns the number of rows. */
static size_t read_doc_rows(const char *start, const char *end,
			    char rows[DOC_MAX_ROWS][DOC_LINE_MAX])
{
	FILE *fp = fopen(DOC_PATH, "r");
	char line[DOC_LINE_MAX];
	int in_table = 0, saw_start = 0, saw_end = 0;
	size_t n = 0;

	if (!fp)
		fail_msg("cannot open %s (tests run from the repository root)", DOC_PATH);
	while (fgets(line, sizeof(line), fp)) {
		size_t len = strlen(line);

		assert_true(len < sizeof(line) - 1 || line[len - 1] == '\n');
		while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			line[--len] = '\0';
		if (strncmp(line, start, strlen(start)) == 0) {
			in_table = 1;
			saw_start = 1;
			continue;
		}
		if (in_table && strcmp(line, end) == 0) {
			saw_end = 1;
			break;
		}
		if (!in_table || strncmp(line, "| `", 3) != 0)
			continue;
		assert_true(n < DOC_MAX_ROWS);
		memcpy(rows[n++], line, len + 1);
	}
	fclose(fp);
	assert_true(saw_start);
	assert_true(saw_end);
	return n;
}

static const char *who_words(enum role role)
{
	if (role == ROLE_TRAINEE)
		return "anyone";
	if (role == ROLE_INSTRUCTOR)
		return "instructor or admin";
	return "admin only";
}

static void docs_table_of_changes_is_the_table_in_the_code(void **state)
{
	static char rows[DOC_MAX_ROWS][DOC_LINE_MAX];
	size_t n_doc =
	    read_doc_rows("<!-- lifecycle table", "<!-- end of lifecycle table -->", rows);
	struct lifecycle_rule_view v;
	size_t i;

	(void)state;
	for (i = 0; lifecycle_rule_at(i, &v); i++) {
		char expected[DOC_LINE_MAX], how[128];
		int len = snprintf(expected, sizeof(expected), "| `%s` | `%s` | %s | %s | %s |",
				   device_state_name(v.from), device_state_name(v.to),
				   who_words(v.role), ways(v.vias, how, sizeof(how)), v.what);

		assert_true(len > 0 && (size_t)len < sizeof(expected));
		if (i >= n_doc)
			fail_msg("%s has no row %zu; the code has: %s", DOC_PATH, i + 1, expected);
		assert_string_equal(rows[i], expected);
	}
	assert_int_equal(n_doc, i);
}

static void docs_table_of_states_is_the_code(void **state)
{
	static char rows[DOC_MAX_ROWS][DOC_LINE_MAX];
	size_t n_doc = read_doc_rows("<!-- states table", "<!-- end of states table -->", rows);
	struct lifecycle_rule_view v;

	(void)state;
	assert_int_equal(n_doc, N(all_states));
	for (size_t i = 0; i < n_doc; i++) {
		char name[32], why[WHY];
		const char *last = strrchr(rows[i], '|'), *cell, *want;

		assert_int_equal(sscanf(rows[i], "| `%31[a-z_]`", name), 1);
		assert_string_equal(name, all_states[i]);
		assert_true(st(name) < DEVICE_STATE_COUNT);
		/* The last column says whether a job can start, as the code decides. */
		assert_non_null(last);
		cell = last - 1;
		while (cell > rows[i] && *cell != '|')
			cell--;
		want = may_start(name, why, sizeof(why)) ? "| yes |" : "| no |";
		if (strcmp(cell, want) != 0)
			fail_msg("%s: the row of %s ends '%s'; the code says '%s'", DOC_PATH, name,
				 cell, want);
	}
	/* Every state a change names is in the table of states. */
	for (size_t i = 0; lifecycle_rule_at(i, &v); i++) {
		int from = 0, to = 0;

		for (size_t k = 0; k < N(all_states); k++) {
			from |= st(all_states[k]) == v.from;
			to |= st(all_states[k]) == v.to;
		}
		assert_true(from && to);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(anyone_can_set_a_device_at_the_bench_aside_in_quarantine),
		cmocka_unit_test(only_an_instructor_or_an_admin_releases_a_device_from_quarantine),
		cmocka_unit_test(a_device_goes_into_repair_when_a_job_starts_not_by_hand),
		cmocka_unit_test(only_atelier_certify_makes_a_device_certified),
		cmocka_unit_test(repair_decisions_belong_to_instructors),
		cmocka_unit_test(a_sale_is_recorded_only_by_atelier_device_sell),
		cmocka_unit_test(a_quarantined_device_is_taken_apart_only_by_an_admin_decision),
		cmocka_unit_test(recycled_is_final_and_a_sale_ends_only_with_a_return),
		cmocka_unit_test(a_change_to_the_same_state_is_refused),
		cmocka_unit_test(unknown_states_and_roles_are_refused_by_name),
		cmocka_unit_test(a_job_starts_only_on_a_device_in_intake_or_in_repair),
		cmocka_unit_test(every_answer_follows_the_table_and_every_refusal_says_why),
		cmocka_unit_test(a_short_buffer_still_gets_a_terminated_reason),
		cmocka_unit_test(docs_table_of_changes_is_the_table_in_the_code),
		cmocka_unit_test(docs_table_of_states_is_the_code),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
