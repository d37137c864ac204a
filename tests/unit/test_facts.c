/* The facts a card shows: every key present, unknown is null, text is clean. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "probe/facts.h"

static json_t *at(struct facts *f, const char *group, const char *key)
{
	return json_object_get(json_object_get(facts_json(f), group), key);
}

static void new_facts_have_every_key_of_the_schema_as_null(void **state)
{
	struct facts *f = facts_new();
	size_t n = 0;
	(void)state;

	assert_non_null(f);
	for (const struct fact_def *d = facts_schema; d->path; d++, n++) {
		assert_false(facts_known(f, d->path));
		if (strchr(d->path, '.')) {
			char group[32];
			const char *dot = strchr(d->path, '.');

			snprintf(group, sizeof(group), "%.*s", (int)(dot - d->path), d->path);
			assert_true(json_is_null(at(f, group, dot + 1)));
		} else {
			assert_true(json_is_null(json_object_get(facts_json(f), d->path)));
		}
	}
	assert_true(n > 30);
	assert_true(json_is_array(json_object_get(facts_json(f), "errors")));
	assert_int_equal(json_array_size(json_object_get(facts_json(f), "errors")), 0);
	facts_free(f);
}

static void facts_read_are_shown_with_their_types(void **state)
{
	struct facts *f = facts_new();
	char *text;
	(void)state;

	facts_set_string(f, "identity.marketing_name", "iPhone 12");
	facts_set_real(f, "battery.health_pct", 87.3);
	facts_set_int(f, "battery.cycle_count", 512);
	facts_set_bool(f, "locks.passcode", 1);
	facts_append_string(f, "identity.imei", "356789104567891");
	facts_append_string(f, "identity.imei", "356789104567909");
	assert_string_equal(json_string_value(at(f, "identity", "marketing_name")), "iPhone 12");
	assert_true(json_is_real(at(f, "battery", "health_pct")));
	assert_int_equal(json_integer_value(at(f, "battery", "cycle_count")), 512);
	assert_true(json_is_true(at(f, "locks", "passcode")));
	assert_int_equal(json_array_size(at(f, "identity", "imei")), 2);
	assert_string_equal(facts_get_string(f, "identity.marketing_name"), "iPhone 12");
	assert_int_equal(facts_get_int(f, "battery.cycle_count", -1), 512);
	assert_int_equal(facts_get_int(f, "battery.design_mah", -1), -1);
	text = json_dumps(facts_json(f), JSON_COMPACT | FACTS_JSON_FLAGS);
	assert_non_null(strstr(text, "\"health_pct\":87.3"));
	free(text);
	facts_clear(f, "battery.health_pct");
	assert_false(facts_known(f, "battery.health_pct"));
	facts_free(f);
}

static void a_fact_that_could_not_be_read_says_why(void **state)
{
	struct facts *f = facts_new();
	json_t *e;
	(void)state;

	facts_error(f, "battery.health_pct", "DesignCapacity is %d", 0);
	assert_int_equal(facts_error_count(f), 1);
	e = json_array_get(json_object_get(facts_json(f), "errors"), 0);
	assert_string_equal(json_string_value(json_object_get(e, "fact")), "battery.health_pct");
	assert_string_equal(json_string_value(json_object_get(e, "message")), "DesignCapacity is 0");
	for (int i = 0; i < FACTS_MAX_ERRORS + 10; i++)
		facts_error(f, "x", "again");
	assert_int_equal(json_array_size(json_object_get(facts_json(f), "errors")), FACTS_MAX_ERRORS);
	assert_int_equal(facts_error_count(f), FACTS_MAX_ERRORS + 11);
	facts_free(f);
}

static void device_text_is_made_printable_and_bounded(void **state)
{
	char out[16], big[FACTS_STR_MAX * 2];
	struct facts *f = facts_new();
	(void)state;

	facts_sanitize("  Bob\x1b[31m's\n", out, sizeof(out));
	assert_string_equal(out, "Bob?[31m's");
	facts_sanitize("a\xc2\x9b" "b\xff", out, sizeof(out));
	assert_string_equal(out, "a?b?");
	/* A multi-byte character is never cut in half. */
	facts_sanitize("abcdefghijklmn\xc3\xa9", out, sizeof(out));
	assert_string_equal(out, "abcdefghijklmn");
	facts_sanitize("Caf\xc3\xa9", out, sizeof(out));
	assert_string_equal(out, "Caf\xc3\xa9");
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	facts_set_string(f, "identity.color", big);
	assert_int_equal(strlen(facts_get_string(f, "identity.color")), FACTS_STR_MAX - 1);
	facts_free(f);
}

static void docs_describe_every_fact(void **state)
{
	FILE *fp = fopen("docs/facts.md", "r");
	char *text = NULL;
	size_t cap = 0;
	(void)state;

	assert_non_null(fp);
	assert_true(getdelim(&text, &cap, '\0', fp) > 0);
	fclose(fp);
	for (const struct fact_def *d = facts_schema; d->path; d++) {
		char needle[96];

		snprintf(needle, sizeof(needle), "| `%s` |", d->path);
		if (!strstr(text, needle))
			fail_msg("docs/facts.md has no row for %s", d->path);
	}
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(new_facts_have_every_key_of_the_schema_as_null),
		cmocka_unit_test(facts_read_are_shown_with_their_types),
		cmocka_unit_test(a_fact_that_could_not_be_read_says_why),
		cmocka_unit_test(device_text_is_made_printable_and_bounded),
		cmocka_unit_test(docs_describe_every_fact),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
