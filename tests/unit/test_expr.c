/* Auto steps: what an instructor writes in `expr:` and what the bench decides on a phone. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checklist/expr.h"
#include "probe/facts.h"

/* Parse TEXT, which must be valid. */
static struct expr *parse_ok(const char *text)
{
	struct expr *e = NULL;
	char msg[EXPR_MSG_MAX];
	int col = -1;
	enum expr_err err = expr_parse(text, &e, &col, msg, sizeof(msg));

	if (err != EXPR_OK)
		fail_msg("'%s' refused: %d:%s", text, col, msg);
	assert_non_null(e);
	assert_int_equal(col, 0);
	assert_string_equal(msg, "");
	return e;
}

/* TEXT evaluated on F (NULL: every fact null). */
static enum expr_result run(const char *text, struct facts *f)
{
	struct expr *e = parse_ok(text);
	enum expr_result r = expr_eval(e, f ? facts_json(f) : NULL, NULL);

	expr_free(e);
	return r;
}

#define assert_result(text, f, want)                                                               \
	do {                                                                                       \
		enum expr_result got_ = run((text), (f));                                          \
		if (got_ != (want))                                                                \
			fail_msg("'%s' gave %s, expected %s", (text), expr_result_name(got_),      \
				 expr_result_name(want));                                          \
	} while (0)

/* TEXT must be refused with ERR at COL, with a message containing WORDS. */
static void assert_refused(const char *text, enum expr_err err, int col, const char *words)
{
	struct expr *e = (struct expr *)1;
	char msg[EXPR_MSG_MAX];
	int got_col = -1;
	enum expr_err got = expr_parse(text, &e, &got_col, msg, sizeof(msg));

	if (got != err || got_col != col || !strstr(msg, words))
		fail_msg(
		    "'%.80s': got %s at column %d \"%s\"; expected %s at column %d with \"%s\"",
		    text, expr_strerror(got), got_col, msg, expr_strerror(err), col, words);
	assert_null(e);
}

/* Column of the first NEEDLE in TEXT. */
static int col_of(const char *text, const char *needle)
{
	const char *at = strstr(text, needle);

	assert_non_null(at);
	return (int)(at - text) + 1;
}

/* An iPhone ready for sale. */
static struct facts *iphone_ready(void)
{
	struct facts *f = facts_new();

	assert_non_null(f);
	facts_set_string(f, "platform", "ios");
	facts_set_real(f, "battery.health_pct", 87.3);
	facts_set_int(f, "battery.cycle_count", 512);
	facts_set_string(f, "locks.find_my", "off");
	facts_set_string(f, "locks.activation_state", "Unactivated");
	facts_set_bool(f, "locks.passcode", 0);
	facts_set_bool(f, "locks.setup_done", 0);
	return f;
}

/* A wiped Android phone. */
static struct facts *android_wiped(void)
{
	struct facts *f = facts_new();

	assert_non_null(f);
	facts_set_string(f, "platform", "android");
	facts_set_int(f, "locks.google_accounts", 0);
	facts_set_string(f, "locks.frp", "off");
	facts_set_bool(f, "locks.setup_done", 0);
	facts_set_string(f, "locks.bootloader", "locked");
	facts_append_string(f, "identity.imei", "356789104567891");
	return f;
}

static void battery_at_80_percent_passes_the_health_check(void **state)
{
	struct facts *f = iphone_ready();
	(void)state;

	assert_result("battery.health_pct >= 80", f, EXPR_PASS);
	facts_set_real(f, "battery.health_pct", 80.0);
	assert_result("battery.health_pct >= 80", f, EXPR_PASS);
	facts_set_real(f, "battery.health_pct", 79.9);
	assert_result("battery.health_pct >= 80", f, EXPR_FAIL);
	facts_free(f);
}

static void find_my_off_passes_find_my_on_fails(void **state)
{
	struct facts *f = iphone_ready();
	(void)state;

	assert_result("locks.find_my == \"off\"", f, EXPR_PASS);
	facts_set_string(f, "locks.find_my", "on");
	assert_result("locks.find_my == \"off\"", f, EXPR_FAIL);
	assert_result("locks.find_my != \"off\"", f, EXPR_PASS);
	facts_free(f);
}

static void unread_health_is_unknown_not_fail(void **state)
{
	struct facts *f = iphone_ready();
	(void)state;

	facts_clear(f, "battery.health_pct");
	assert_result("battery.health_pct >= 80", f, EXPR_UNKNOWN);
	assert_result("battery.health_pct < 80", f, EXPR_UNKNOWN);
	assert_result("locks.find_my == \"off\"", NULL, EXPR_UNKNOWN);
	facts_free(f);
}

static void shipped_checklist_expressions_decide_on_real_phones(void **state)
{
	struct facts *ios = iphone_ready(), *android = android_wiped();
	(void)state;

	assert_result("battery.health_pct >= 80", ios, EXPR_PASS);
	assert_result("locks.find_my == \"off\"", ios, EXPR_PASS);
	assert_result("locks.activation_state == \"Unactivated\"", ios, EXPR_PASS);
	assert_result("locks.setup_done == false", ios, EXPR_PASS);
	assert_result("platform == \"ios\" && locks.find_my == \"off\"", ios, EXPR_PASS);
	assert_result("platform == \"ios\" && locks.find_my == \"off\"", android, EXPR_FAIL);
	assert_result("locks.google_accounts == 0", android, EXPR_PASS);
	assert_result("locks.frp == \"off\"", android, EXPR_PASS);
	assert_result("locks.setup_done == false", android, EXPR_PASS);
	assert_result("locks.bootloader == \"locked\"", android, EXPR_PASS);

	/* the same phone before the wipe */
	facts_set_int(android, "locks.google_accounts", 1);
	facts_set_string(android, "locks.frp", "on");
	facts_set_bool(android, "locks.setup_done", 1);
	facts_set_string(android, "locks.bootloader", "unlocked");
	assert_result("locks.google_accounts == 0", android, EXPR_FAIL);
	assert_result("locks.frp == \"off\"", android, EXPR_FAIL);
	assert_result("locks.setup_done == false", android, EXPR_FAIL);
	assert_result("locks.bootloader == \"locked\"", android, EXPR_FAIL);
	facts_set_string(ios, "locks.activation_state", "Activated");
	assert_result("locks.activation_state == \"Unactivated\"", ios, EXPR_FAIL);
	facts_free(ios);
	facts_free(android);
}

static void and_or_with_unknown_follow_three_valued_logic(void **state)
{
	struct facts *f = facts_new(); /* locks.passcode stays null: unknown */
	(void)state;

	assert_result("locks.passcode", f, EXPR_UNKNOWN);
	assert_result("locks.passcode && false", f, EXPR_FAIL);
	assert_result("false && locks.passcode", f, EXPR_FAIL);
	assert_result("locks.passcode && true", f, EXPR_UNKNOWN);
	assert_result("true && locks.passcode", f, EXPR_UNKNOWN);
	assert_result("locks.passcode || true", f, EXPR_PASS);
	assert_result("true || locks.passcode", f, EXPR_PASS);
	assert_result("locks.passcode || false", f, EXPR_UNKNOWN);
	assert_result("false || locks.passcode", f, EXPR_UNKNOWN);
	assert_result("!locks.passcode", f, EXPR_UNKNOWN);
	assert_result("!(locks.passcode || false)", f, EXPR_UNKNOWN);
	assert_result("true && false || true", f, EXPR_PASS); /* && binds tighter */
	assert_result("true || false && false", f, EXPR_PASS);
	assert_result("(true || false) && false", f, EXPR_FAIL);
	assert_result("!true", f, EXPR_FAIL);
	assert_result("!!true", f, EXPR_PASS);
	facts_free(f);
}

static void a_boolean_fact_alone_passes_only_when_true(void **state)
{
	struct facts *f = facts_new();
	(void)state;

	facts_set_bool(f, "locks.passcode", 1);
	assert_result("locks.passcode", f, EXPR_PASS);
	assert_result("!locks.passcode", f, EXPR_FAIL);
	facts_set_bool(f, "locks.passcode", 0);
	assert_result("locks.passcode", f, EXPR_FAIL);
	assert_result("!locks.passcode", f, EXPR_PASS);
	assert_result("locks.passcode == false", f, EXPR_PASS);
	facts_free(f);
}

static void null_checks_tell_whether_a_fact_was_read(void **state)
{
	struct facts *f = android_wiped();
	(void)state;

	assert_result("battery.health_pct == null", f, EXPR_PASS);
	assert_result("battery.health_pct != null", f, EXPR_FAIL);
	assert_result("null == battery.health_pct", f, EXPR_PASS);
	assert_result("identity.imei != null", f, EXPR_PASS);
	assert_result("identity.imei == null", f, EXPR_FAIL);
	assert_result("locks.frp != null && locks.frp == \"off\"", f, EXPR_PASS);
	facts_set_real(f, "battery.health_pct", 91);
	assert_result("battery.health_pct == null", f, EXPR_FAIL);
	assert_result("battery.health_pct != null", f, EXPR_PASS);
	facts_free(f);
}

static void whole_and_decimal_numbers_compare_as_numbers(void **state)
{
	struct facts *f = iphone_ready();
	(void)state;

	facts_set_real(f, "battery.temperature_c", -2.5);
	assert_result("battery.health_pct > 87", f, EXPR_PASS);
	assert_result("battery.health_pct == 87.3", f, EXPR_PASS);
	assert_result("battery.health_pct >= 87.31", f, EXPR_FAIL);
	assert_result("battery.cycle_count < 512.5", f, EXPR_PASS);
	assert_result("battery.cycle_count <= 512 && battery.cycle_count >= 512", f, EXPR_PASS);
	assert_result("battery.cycle_count != 511", f, EXPR_PASS);
	assert_result("battery.temperature_c > -3", f, EXPR_PASS);
	assert_result("battery.temperature_c < -2.4", f, EXPR_PASS);
	assert_result("80 <= battery.health_pct", f, EXPR_PASS);
	assert_result("battery.cycle_count < battery.health_pct", f, EXPR_FAIL);
	facts_free(f);
}

static void quoted_text_with_escapes_matches_exactly(void **state)
{
	struct facts *f = facts_new();
	(void)state;

	facts_set_string(f, "identity.color", "Space \"Grey\" \\ 2");
	assert_result("identity.color == \"Space \\\"Grey\\\" \\\\ 2\"", f, EXPR_PASS);
	assert_result("identity.color == \"Space Grey\"", f, EXPR_FAIL);
	assert_result("identity.color == \"space \\\"grey\\\" \\\\ 2\"", f, EXPR_FAIL);
	facts_set_string(f, "identity.color", "Caf\xc3\xa9");
	assert_result("identity.color == \"Caf\xc3\xa9\"", f, EXPR_PASS);
	facts_free(f);
}

static void unknown_fact_name_is_reported_with_its_column(void **state)
{
	const char *text = "battery.health_pct >= 80 && locks.activation == \"off\"";
	(void)state;

	assert_refused(text, EXPR_EUNKNOWN_FACT, col_of(text, "locks.activation"),
		       "unknown fact 'locks.activation'");
	assert_refused("color == \"red\"", EXPR_EUNKNOWN_FACT, 1, "unknown fact 'color'");
	assert_refused("battery >= 80", EXPR_EUNKNOWN_FACT, 1,
		       "'battery' is a group of facts, not a fact");
}

static void did_you_mean_is_offered_for_a_typo(void **state)
{
	(void)state;

	assert_refused(
	    "battery.health_percent >= 80", EXPR_EUNKNOWN_FACT, 1,
	    "unknown fact 'battery.health_percent' (did you mean 'battery.health_pct'?)");
	assert_refused("locks.findmy == \"off\"", EXPR_EUNKNOWN_FACT, 1,
		       "did you mean 'locks.find_my'?");
	assert_refused("Locks.Find_My == \"off\"", EXPR_EUNKNOWN_FACT, 1,
		       "did you mean 'locks.find_my'?");
	assert_refused("google_accounts == 0", EXPR_EUNKNOWN_FACT, 1,
		       "did you mean 'locks.google_accounts'?");
	assert_refused("locks.find_my == off", EXPR_EUNKNOWN_FACT, 18,
		       "if it is text, put it in double quotes: \"off\"");
}

static void string_fact_compared_with_a_number_is_a_type_error(void **state)
{
	(void)state;

	assert_refused("locks.find_my == 0", EXPR_ETYPE, 18,
		       "'locks.find_my' is text: compare it with a quoted string");
	assert_refused(
	    "battery.health_pct >= \"80\"", EXPR_ETYPE, 23,
	    "'battery.health_pct' is a number: compare it with a number, without quotes");
	assert_refused("locks.setup_done == \"false\"", EXPR_ETYPE, 21,
		       "'locks.setup_done' is true or false: compare it with true or false");
	assert_refused("platform == battery.level_pct", EXPR_ETYPE, 13,
		       "'platform' is text and 'battery.level_pct' is a number");
	assert_refused("\"a\" == 1", EXPR_ETYPE, 5, "text cannot be compared with a number");
	/* battery.health is the phone's own word ("Good"); the percentage has its own fact */
	assert_refused("battery.health >= 80", EXPR_ETYPE, 19,
		       "'battery.health' is text: compare it with a quoted string "
		       "(or did you mean 'battery.health_pct'?)");
}

static void ordering_text_or_booleans_is_a_type_error(void **state)
{
	(void)state;

	assert_refused("os.version >= \"17.0\"", EXPR_ETYPE, 12,
		       "text can only be compared with == or !=, not ordered with '>='");
	assert_refused("locks.passcode < true", EXPR_ETYPE, 16,
		       "true and false can only be compared with == or !=");
	assert_refused("battery.health_pct > null", EXPR_ETYPE, 20,
		       "null can only be compared with == or !=");
}

static void imei_list_can_only_be_checked_for_null(void **state)
{
	struct expr *e = parse_ok("identity.imei != null");
	(void)state;

	expr_free(e);
	assert_refused("identity.imei == \"356789104567891\"", EXPR_ETYPE, 15,
		       "'identity.imei' is a list: it can only be compared with null");
}

static void a_fact_or_value_alone_must_be_a_condition(void **state)
{
	(void)state;

	assert_refused("locks.find_my", EXPR_ETYPE, 1,
		       "'locks.find_my' is text, not a condition: compare it with a quoted string");
	assert_refused("locks.passcode && battery.level_pct", EXPR_ETYPE, 19,
		       "'battery.level_pct' is a number, not a condition");
	assert_refused("80", EXPR_ETYPE, 1, "a value alone is not a condition");
	assert_refused("!null", EXPR_ETYPE, 2, "a value alone is not a condition");
}

static void syntax_mistakes_say_what_is_wrong_and_where(void **state)
{
	(void)state;

	assert_refused("", EXPR_ESYNTAX, 1, "the expression is empty");
	assert_refused("   ", EXPR_ESYNTAX, 4, "the expression is empty");
	assert_refused("battery.health_pct >=", EXPR_ESYNTAX, 22, "expected a value after '>='");
	assert_refused("battery.health_pct >= && true", EXPR_ESYNTAX, 23,
		       "expected a value after '>='");
	assert_refused("true &&", EXPR_ESYNTAX, 8, "expected a condition after '&&'");
	assert_refused("true || || false", EXPR_ESYNTAX, 9, "expected a condition after '||'");
	assert_refused(">= 80", EXPR_ESYNTAX, 1, "expected a fact or a value before '>='");
	assert_refused("(battery.health_pct >= 80", EXPR_ESYNTAX, 1,
		       "unbalanced parenthesis: this '(' is never closed");
	assert_refused("battery.health_pct >= 80)", EXPR_ESYNTAX, 25,
		       "unbalanced parenthesis: ')' without a matching '('");
	assert_refused("()", EXPR_ESYNTAX, 2, "empty parentheses");
	assert_refused("locks.find_my = \"off\"", EXPR_ESYNTAX, 15,
		       "'=' alone does not compare: write '=='");
	assert_refused("true & false", EXPR_ESYNTAX, 6, "write '&&' for 'and'");
	assert_refused("true | false", EXPR_ESYNTAX, 6, "write '||' for 'or'");
	assert_refused("true and false", EXPR_ESYNTAX, 6, "write '&&' for 'and'");
	assert_refused("not locks.passcode", EXPR_ESYNTAX, 1, "write '!' for 'not'");
	assert_refused("locks.find_my == 'off'", EXPR_ESYNTAX, 18, "double quotes");
	assert_refused("platform == \"ios", EXPR_ESYNTAX, 13, "unterminated string");
	assert_refused("platform == \"i\\os\"", EXPR_ESYNTAX, 15, "unknown escape '\\o'");
	assert_refused("platform == \"i\nos\"", EXPR_ESYNTAX, 15, "line break");
	assert_refused("battery.health_pct >= 8O", EXPR_ESYNTAX, 23, "'8O' is not a number");
	assert_refused("battery.health_pct >= 80.", EXPR_ESYNTAX, 23, "'80.' is not a number");
	assert_refused("battery.health_pct >= - 80", EXPR_ESYNTAX, 23,
		       "'-' must be directly followed by a number");
	assert_refused("battery.health_pct >= 80 %", EXPR_ESYNTAX, 26, "unexpected character '%'");
	assert_refused("battery.health_pct >= 80 80", EXPR_ESYNTAX, 26,
		       "missing operator before '80'");
	assert_refused("60 < battery.health_pct < 90", EXPR_ESYNTAX, 25,
		       "comparisons cannot be chained");
	assert_refused("(locks.passcode) == true", EXPR_ESYNTAX, 18,
		       "only a fact or a value can be compared");
	assert_refused("locks.passcode == True", EXPR_ESYNTAX, 19, "write 'True' in lower case");
	assert_refused("battery.health_pct >= 99999999999999999999", EXPR_ESYNTAX, 23, "too large");
}

static void column_counts_characters_not_bytes(void **state)
{
	(void)state;

	/* "é" is two bytes and one column */
	assert_refused("identity.color == \"caf\xc3\xa9\" && colour", EXPR_EUNKNOWN_FACT, 29,
		       "unknown fact 'colour'");
}

static void too_deep_nesting_is_refused(void **state)
{
	char text[512];
	size_t n = 0;
	struct expr *e;
	(void)state;

	for (int i = 0; i < EXPR_MAX_DEPTH; i++)
		text[n++] = '(';
	memcpy(text + n, "true", 4);
	n += 4;
	for (int i = 0; i < EXPR_MAX_DEPTH; i++)
		text[n++] = ')';
	text[n] = '\0';
	e = parse_ok(text); /* 64 levels: fine */
	assert_int_equal(expr_eval(e, NULL, NULL), EXPR_PASS);
	expr_free(e);

	n = 0;
	for (int i = 0; i <= EXPR_MAX_DEPTH; i++)
		text[n++] = '(';
	snprintf(text + n, sizeof(text) - n, "true");
	assert_refused(text, EXPR_ETOODEEP, EXPR_MAX_DEPTH + 1, "nested deeper than 64 levels");

	memset(text, '!', EXPR_MAX_DEPTH + 1);
	snprintf(text + EXPR_MAX_DEPTH + 1, sizeof(text) - EXPR_MAX_DEPTH - 1, "true");
	assert_refused(text, EXPR_ETOODEEP, EXPR_MAX_DEPTH + 1, "nested deeper");
}

static void expression_past_1024_bytes_is_refused(void **state)
{
	char text[EXPR_MAX_BYTES + 2];
	struct expr *e;
	(void)state;

	memset(text, ' ', sizeof(text));
	memcpy(text, "true", 4);
	text[EXPR_MAX_BYTES] = '\0'; /* 1024 bytes: fine */
	e = parse_ok(text);
	expr_free(e);
	text[EXPR_MAX_BYTES] = ' ';
	text[EXPR_MAX_BYTES + 1] = '\0';
	assert_refused(text, EXPR_ETOOBIG, EXPR_MAX_BYTES + 1, "longer than 1024 bytes");
}

static void more_than_32_facts_are_refused(void **state)
{
	char text[EXPR_MAX_BYTES + 1];
	size_t n = 0, i = 0;
	int col = 0;
	(void)state;

	text[0] = '\0';
	for (const struct fact_def *d = facts_schema; d->path && i <= EXPR_MAX_FACTS; d++, i++) {
		if (i == EXPR_MAX_FACTS)
			col = (int)n + (i ? 3 : 1);
		n += (size_t)snprintf(text + n, sizeof(text) - n, "%s%s==null", i ? "||" : "",
				      d->path);
		assert_true(n < sizeof(text) - 1);
	}
	assert_int_equal(i, EXPR_MAX_FACTS + 1);
	assert_refused(text, EXPR_ETOOBIG, col, "names more than 32 facts");
}

static void facts_used_are_recorded_with_their_values(void **state)
{
	struct facts *f = iphone_ready();
	struct expr *e = parse_ok("battery.health_pct >= 80 && locks.find_my == \"off\" && "
				  "battery.health_pct < 100");
	json_t *used = NULL;
	char *text;
	(void)state;

	assert_int_equal(expr_fact_count(e), 2);
	assert_string_equal(expr_fact_at(e, 0), "battery.health_pct");
	assert_string_equal(expr_fact_at(e, 1), "locks.find_my");

	assert_int_equal(expr_eval(e, facts_json(f), &used), EXPR_PASS);
	text = json_dumps(used, JSON_COMPACT | JSON_SORT_KEYS | FACTS_JSON_FLAGS);
	assert_string_equal(text, "{\"battery.health_pct\":87.3,\"locks.find_my\":\"off\"}");
	free(text);
	json_decref(used);

	facts_clear(f, "locks.find_my");
	assert_int_equal(expr_eval(e, facts_json(f), &used), EXPR_UNKNOWN);
	text = json_dumps(used, JSON_COMPACT | JSON_SORT_KEYS | FACTS_JSON_FLAGS);
	assert_string_equal(text, "{\"battery.health_pct\":87.3,\"locks.find_my\":null}");
	free(text);
	json_decref(used);
	expr_free(e);
	facts_free(f);
}

static void a_wrong_platform_records_only_the_platform(void **state)
{
	struct facts *f = android_wiped();
	struct expr *e = parse_ok("platform == \"ios\" && locks.find_my == \"off\"");
	json_t *used = NULL;
	char *text;
	(void)state;

	assert_int_equal(expr_eval(e, facts_json(f), &used), EXPR_FAIL);
	text = json_dumps(used, JSON_COMPACT);
	assert_string_equal(text, "{\"platform\":\"android\"}");
	free(text);
	json_decref(used);
	expr_free(e);
	facts_free(f);
}

static void facts_of_an_unexpected_type_fail_and_missing_ones_are_unknown(void **state)
{
	json_t *facts =
	    json_pack("{s:s, s:{s:s, s:[s]}, s:{s:i}}", "platform", "ios", "battery", "health_pct",
		      "good", "cycle_count", "12", "locks", "passcode", 1);
	(void)state;

	assert_non_null(facts);
	{
		struct expr *e = parse_ok("battery.health_pct >= 80");

		assert_int_equal(expr_eval(e, facts, NULL), EXPR_FAIL);
		expr_free(e);
		e = parse_ok("battery.cycle_count < 1000");
		assert_int_equal(expr_eval(e, facts, NULL), EXPR_FAIL);
		expr_free(e);
		e = parse_ok("locks.passcode");
		assert_int_equal(expr_eval(e, facts, NULL), EXPR_FAIL);
		expr_free(e);
		e = parse_ok("locks.find_my == \"off\""); /* not in the object */
		assert_int_equal(expr_eval(e, facts, NULL), EXPR_UNKNOWN);
		expr_free(e);
		e = parse_ok("os.sdk >= 30"); /* no "os" group at all */
		assert_int_equal(expr_eval(e, facts, NULL), EXPR_UNKNOWN);
		expr_free(e);
	}
	json_decref(facts);
}

static void a_short_message_buffer_still_gets_a_terminated_message(void **state)
{
	struct expr *e = (struct expr *)1;
	char msg[8];
	int col = 0;
	(void)state;

	assert_int_equal(expr_parse("locks.find_my == 0", &e, &col, msg, sizeof(msg)), EXPR_ETYPE);
	assert_null(e);
	assert_int_equal(col, 18);
	assert_string_equal(msg, "'locks.");
	assert_int_equal(expr_parse("locks.find_my == 0", &e, NULL, NULL, 0), EXPR_ETYPE);
	assert_null(e);
}

static void results_read_pass_fail_unknown(void **state)
{
	(void)state;

	assert_string_equal(expr_result_name(EXPR_PASS), "pass");
	assert_string_equal(expr_result_name(EXPR_FAIL), "fail");
	assert_string_equal(expr_result_name(EXPR_UNKNOWN), "unknown");
	assert_string_equal(expr_strerror(EXPR_EUNKNOWN_FACT), "unknown fact");
}

static void the_word_unknown_counts_as_not_read(void **state)
{
	struct facts *f = facts_new();
	struct expr *e = NULL;
	json_t *used = NULL;
	(void)state;

	facts_set_string(f, "locks.frp", "unknown");
	assert_int_equal(expr_parse("locks.frp == \"off\"", &e, NULL, NULL, 0), EXPR_OK);
	assert_int_equal(expr_eval(e, facts_json(f), &used), EXPR_UNKNOWN);
	/* What the device said is kept as it said it. */
	assert_string_equal(json_string_value(json_object_get(used, "locks.frp")), "unknown");
	json_decref(used);
	expr_free(e);
	facts_set_string(f, "locks.frp", "off");
	assert_int_equal(expr_parse("locks.frp == \"off\"", &e, NULL, NULL, 0), EXPR_OK);
	assert_int_equal(expr_eval(e, facts_json(f), NULL), EXPR_PASS);
	expr_free(e);
	facts_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(the_word_unknown_counts_as_not_read),
		cmocka_unit_test(battery_at_80_percent_passes_the_health_check),
		cmocka_unit_test(find_my_off_passes_find_my_on_fails),
		cmocka_unit_test(unread_health_is_unknown_not_fail),
		cmocka_unit_test(shipped_checklist_expressions_decide_on_real_phones),
		cmocka_unit_test(and_or_with_unknown_follow_three_valued_logic),
		cmocka_unit_test(a_boolean_fact_alone_passes_only_when_true),
		cmocka_unit_test(null_checks_tell_whether_a_fact_was_read),
		cmocka_unit_test(whole_and_decimal_numbers_compare_as_numbers),
		cmocka_unit_test(quoted_text_with_escapes_matches_exactly),
		cmocka_unit_test(unknown_fact_name_is_reported_with_its_column),
		cmocka_unit_test(did_you_mean_is_offered_for_a_typo),
		cmocka_unit_test(string_fact_compared_with_a_number_is_a_type_error),
		cmocka_unit_test(ordering_text_or_booleans_is_a_type_error),
		cmocka_unit_test(imei_list_can_only_be_checked_for_null),
		cmocka_unit_test(a_fact_or_value_alone_must_be_a_condition),
		cmocka_unit_test(syntax_mistakes_say_what_is_wrong_and_where),
		cmocka_unit_test(column_counts_characters_not_bytes),
		cmocka_unit_test(too_deep_nesting_is_refused),
		cmocka_unit_test(expression_past_1024_bytes_is_refused),
		cmocka_unit_test(more_than_32_facts_are_refused),
		cmocka_unit_test(facts_used_are_recorded_with_their_values),
		cmocka_unit_test(a_wrong_platform_records_only_the_platform),
		cmocka_unit_test(facts_of_an_unexpected_type_fail_and_missing_ones_are_unknown),
		cmocka_unit_test(a_short_message_buffer_still_gets_a_terminated_message),
		cmocka_unit_test(results_read_pass_fail_unknown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
