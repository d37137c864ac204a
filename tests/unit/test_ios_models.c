/*
 * Unit tests of ios_models: the name a trainee reads on the card of an Apple device.
 *
 * The table in src/probe/ios_models.c must be data/ios-models.tsv row for row (the TSV
 * is the source of truth and says where the names come from); the last tests read the
 * TSV from the repository root, where tests run, and fail on any difference.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "probe/ios_models.h"

#include <stdio.h>
#include <string.h>

#define TSV_PATH "data/ios-models.tsv"
#define TSV_LINE_MAX 512

static void iphone_12_reads_as_iphone_12(void **state)
{
	(void)state;
	assert_string_equal(ios_marketing_name("iPhone13,2"), "iPhone 12");
	assert_string_equal(ios_marketing_name("iPhone12,1"), "iPhone 11");
	assert_string_equal(ios_marketing_name("iPhone10,4"), "iPhone 8");
}

static void unknown_identifier_gives_no_name(void **state)
{
	(void)state;
	assert_null(ios_marketing_name("iPhone99,9"));
	assert_null(ios_marketing_name(NULL));
	assert_null(ios_marketing_name(""));
	/* Exact match only: no guessing from a near miss. */
	assert_null(ios_marketing_name("iphone13,2"));
	assert_null(ios_marketing_name("iPhone13,2 "));
	assert_null(ios_marketing_name("iPhone13"));
	assert_null(ios_marketing_name("iPhone13,20"));
}

static void phones_older_than_the_5s_are_not_in_the_table(void **state)
{
	(void)state;
	assert_null(ios_marketing_name("iPhone5,2")); /* iPhone 5 */
	assert_null(ios_marketing_name("iPad3,4"));   /* iPad 4th generation */
	assert_null(ios_marketing_name("iPod5,1"));   /* iPod touch 5th generation */
}

static void oldest_supported_models_are_named(void **state)
{
	(void)state;
	assert_string_equal(ios_marketing_name("iPhone6,1"), "iPhone 5s");
	assert_string_equal(ios_marketing_name("iPhone6,2"), "iPhone 5s");
	assert_string_equal(ios_marketing_name("iPad4,1"), "iPad Air");
	assert_string_equal(ios_marketing_name("iPad4,3"), "iPad Air");
	assert_string_equal(ios_marketing_name("iPod7,1"), "iPod touch (6th generation)");
	assert_string_equal(ios_marketing_name("iPod9,1"), "iPod touch (7th generation)");
}

static void newest_models_are_named(void **state)
{
	(void)state;
	assert_string_equal(ios_marketing_name("iPhone17,1"), "iPhone 16 Pro");
	assert_string_equal(ios_marketing_name("iPhone17,3"), "iPhone 16");
	assert_string_equal(ios_marketing_name("iPhone17,5"), "iPhone 16e");
	assert_string_equal(ios_marketing_name("iPad16,3"), "iPad Pro 11-inch (M4)");
	assert_string_equal(ios_marketing_name("iPad16,1"), "iPad mini (A17 Pro)");
	assert_string_equal(ios_marketing_name("iPad14,10"), "iPad Air 13-inch (M2)");
	assert_string_equal(ios_marketing_name("iPad15,3"), "iPad Air 11-inch (M3)");
	assert_string_equal(ios_marketing_name("iPad15,7"), "iPad (A16)");
}

static void cellular_and_wifi_ipads_share_a_name(void **state)
{
	(void)state;
	assert_string_equal(ios_marketing_name("iPad13,18"), ios_marketing_name("iPad13,19"));
	assert_string_equal(ios_marketing_name("iPad13,18"), "iPad (10th generation)");
}

static void table_has_no_duplicate_identifiers(void **state)
{
	size_t n = ios_models_count();

	(void)state;
	assert_true(n > 100);
	assert_null(ios_models_row(n));
	for (size_t i = 0; i < n; i++) {
		const struct ios_model *a = ios_models_row(i);

		assert_non_null(a);
		assert_true(a->model_id[0] != '\0');
		assert_true(a->marketing_name[0] != '\0');
		for (size_t j = i + 1; j < n; j++)
			if (strcmp(a->model_id, ios_models_row(j)->model_id) == 0)
				fail_msg("%s is in the table twice (rows %zu and %zu)", a->model_id,
					 i, j);
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
		const struct ios_model *m;
		char *tab, *end;

		lineno++;
		end = strchr(line, '\n');
		if (!end)
			fail_msg("%s:%zu: line too long or not ended", TSV_PATH, lineno);
		*end = '\0';
		if (lineno == 1 && strncmp(line, "# source: ", 10) != 0)
			fail_msg("%s:1: must name its source (\"# source: ...\")", TSV_PATH);
		if (line[0] == '#')
			continue;
		tab = strchr(line, '\t');
		if (!tab || strchr(tab + 1, '\t') || tab == line || tab[1] == '\0')
			fail_msg("%s:%zu: not \"model_id<TAB>name\"", TSV_PATH, lineno);
		*tab = '\0';
		if (!ios_marketing_name(line) || strcmp(ios_marketing_name(line), tab + 1) != 0)
			fail_msg("%s:%zu: %s should read as \"%s\", the table says \"%s\"",
				 TSV_PATH, lineno, line, tab + 1,
				 ios_marketing_name(line) ? ios_marketing_name(line) : "(nothing)");
		/* Same order too, so the table is the TSV and nothing more. */
		m = ios_models_row(row);
		if (!m || strcmp(m->model_id, line) != 0)
			fail_msg("%s:%zu: row %zu of the table is %s, not %s", TSV_PATH, lineno,
				 row, m ? m->model_id : "(past the end)", line);
		row++;
	}
	fclose(fp);
	assert_int_equal(row, ios_models_count());
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(iphone_12_reads_as_iphone_12),
		cmocka_unit_test(unknown_identifier_gives_no_name),
		cmocka_unit_test(phones_older_than_the_5s_are_not_in_the_table),
		cmocka_unit_test(oldest_supported_models_are_named),
		cmocka_unit_test(newest_models_are_named),
		cmocka_unit_test(cellular_and_wifi_ipads_share_a_name),
		cmocka_unit_test(table_has_no_duplicate_identifiers),
		cmocka_unit_test(every_tsv_line_resolves_to_its_name),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
