/*
 * Unit tests of android_models: the name a trainee reads on the card of an Android phone
 * whose firmware states no name (Samsung above all).
 *
 * The table in src/probe/android_models.c must be data/android-models.tsv row for row
 * (the TSV is the source of truth and says where the names come from); the last tests
 * read the TSV from the repository root, where tests run, and fail on any difference.
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

static void maker_and_code_match_in_any_case(void **state)
{
	(void)state;
	assert_string_equal(android_marketing_name("Samsung", "sm-s921b"), "Galaxy S24");
	assert_string_equal(android_marketing_name("SAMSUNG", "SM-S921B"), "Galaxy S24");
	assert_string_equal(android_marketing_name(NULL, "SM-S921B"), "Galaxy S24");
	assert_string_equal(android_marketing_name("", "SM-S921B"), "Galaxy S24");
}

static void dual_sim_mark_is_not_part_of_the_code(void **state)
{
	(void)state;
	assert_string_equal(android_marketing_name("samsung", "SM-S921B/DS"), "Galaxy S24");
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

static void table_has_no_duplicate_codes(void **state)
{
	size_t n = android_models_count();

	(void)state;
	assert_true(n > 200);
	assert_null(android_models_row(n));
	for (size_t i = 0; i < n; i++) {
		const struct android_model *a = android_models_row(i);

		assert_non_null(a);
		assert_true(a->make[0] && a->model[0] && a->marketing_name[0]);
		for (size_t j = i + 1; j < n; j++) {
			const struct android_model *b = android_models_row(j);

			if (strcasecmp(a->make, b->make) == 0 &&
			    strcasecmp(a->model, b->model) == 0)
				fail_msg("%s %s is in the table twice (rows %zu and %zu)", a->make,
					 a->model, i, j);
		}
	}
}

static void every_tsv_line_resolves_to_its_name(void **state)
{
	char line[TSV_LINE_MAX];
	size_t row = 0, lineno = 0;
	FILE *fp = fopen(TSV_PATH, "r");

	(void)state;
	if (!fp)
		fail_msg("cannot open %s (tests run from the repository root)", TSV_PATH);
	while (fgets(line, sizeof(line), fp)) {
		const struct android_model *m;
		char *t1, *t2, *end;

		lineno++;
		end = strchr(line, '\n');
		if (!end)
			fail_msg("%s:%zu: line too long or not ended", TSV_PATH, lineno);
		*end = '\0';
		if (lineno == 1 && strncmp(line, "# source: ", 10) != 0)
			fail_msg("%s:1: must name its source (\"# source: ...\")", TSV_PATH);
		if (line[0] == '#')
			continue;
		t1 = strchr(line, '\t');
		t2 = t1 ? strchr(t1 + 1, '\t') : NULL;
		if (!t1 || !t2 || strchr(t2 + 1, '\t') || t1 == line || t2 == t1 + 1 ||
		    t2[1] == '\0')
			fail_msg("%s:%zu: not \"make<TAB>model<TAB>name\"", TSV_PATH, lineno);
		*t1 = '\0';
		*t2 = '\0';
		if (!android_marketing_name(line, t1 + 1) ||
		    strcmp(android_marketing_name(line, t1 + 1), t2 + 1) != 0)
			fail_msg("%s:%zu: %s %s should read as \"%s\"", TSV_PATH, lineno, line,
				 t1 + 1, t2 + 1);
		m = android_models_row(row);
		if (!m || strcmp(m->make, line) != 0 || strcmp(m->model, t1 + 1) != 0 ||
		    strcmp(m->marketing_name, t2 + 1) != 0)
			fail_msg("%s:%zu: row %zu of the table differs", TSV_PATH, lineno, row);
		row++;
	}
	fclose(fp);
	assert_int_equal(row, android_models_count());
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(galaxy_s24_and_j4_core_read_by_their_names),
		cmocka_unit_test(maker_and_code_match_in_any_case),
		cmocka_unit_test(dual_sim_mark_is_not_part_of_the_code),
		cmocka_unit_test(unknown_code_gives_no_name),
		cmocka_unit_test(table_has_no_duplicate_codes),
		cmocka_unit_test(every_tsv_line_resolves_to_its_name),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
