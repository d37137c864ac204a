/*
 * Unit tests of ios_models: the name a trainee reads on the card of an Apple device, and
 * the hardware a checklist asks about (NFC, GPS, headphone jack, wireless charging).
 *
 * The table in src/probe/ios_models.c must be data/ios-models.tsv row for row (the TSV
 * is the source of truth and says where the names and features come from); the last
 * tests read the TSV from the repository root, where tests run, and fail on any
 * difference.
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

static void iphone_7_lost_the_jack_and_iphone_8_charges_on_a_pad(void **state)
{
	const struct ios_model *six_s = ios_model_find("iPhone8,1");
	const struct ios_model *seven = ios_model_find("iPhone9,3");
	const struct ios_model *eight = ios_model_find("iPhone10,4");

	(void)state;
	assert_non_null(six_s);
	assert_non_null(seven);
	assert_non_null(eight);
	assert_int_equal(six_s->headphone_jack, IOS_FEATURE_YES);
	assert_int_equal(seven->headphone_jack, IOS_FEATURE_NO);
	assert_int_equal(seven->wireless_charging, IOS_FEATURE_NO);
	assert_int_equal(eight->wireless_charging, IOS_FEATURE_YES);
	/* The 16e has Qi charging without MagSafe: it still charges on a pad. */
	assert_int_equal(ios_model_find("iPhone17,5")->wireless_charging, IOS_FEATURE_YES);
	assert_int_equal(ios_model_find("iPhone12,8")->wireless_charging, IOS_FEATURE_YES);
}

static void only_the_iphone_5s_lacks_nfc_among_phones(void **state)
{
	(void)state;
	for (size_t i = 0; i < ios_models_count(); i++) {
		const struct ios_model *m = ios_models_row(i);

		if (strncmp(m->model_id, "iPhone", 6) != 0)
			continue;
		assert_int_equal(m->gps, IOS_FEATURE_YES);
		if (strcmp(m->marketing_name, "iPhone 5s") == 0)
			assert_int_equal(m->nfc, IOS_FEATURE_NO);
		else
			assert_int_equal(m->nfc, IOS_FEATURE_YES);
	}
}

static void ipads_have_gps_only_with_cellular_and_never_nfc_or_qi(void **state)
{
	size_t ipads = 0;

	(void)state;
	for (size_t i = 0; i < ios_models_count(); i++) {
		const struct ios_model *m = ios_models_row(i);

		if (strncmp(m->model_id, "iPad", 4) != 0)
			continue;
		ipads++;
		assert_int_equal(m->gps, IOS_FEATURE_CELLULAR_ONLY);
		assert_int_equal(m->nfc, IOS_FEATURE_NO);
		assert_int_equal(m->wireless_charging, IOS_FEATURE_NO);
	}
	assert_true(ipads > 80);
	/* The 9th generation kept the jack, the 10th dropped it. */
	assert_int_equal(ios_model_find("iPad12,1")->headphone_jack, IOS_FEATURE_YES);
	assert_int_equal(ios_model_find("iPad13,18")->headphone_jack, IOS_FEATURE_NO);
	assert_int_equal(ios_model_find("iPad8,1")->headphone_jack, IOS_FEATURE_NO);
}

static void ipod_touch_has_a_jack_and_no_gps(void **state)
{
	const struct ios_model *m = ios_model_find("iPod9,1");

	(void)state;
	assert_non_null(m);
	assert_int_equal(m->gps, IOS_FEATURE_NO);
	assert_int_equal(m->nfc, IOS_FEATURE_NO);
	assert_int_equal(m->headphone_jack, IOS_FEATURE_YES);
	assert_int_equal(m->wireless_charging, IOS_FEATURE_NO);
}

static void unknown_identifier_has_no_row(void **state)
{
	(void)state;
	assert_null(ios_model_find("iPhone99,9"));
	assert_null(ios_model_find(NULL));
	assert_null(ios_model_find("ipad12,1"));
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

/* The feature of a TSV cell: "yes", "no", "cellular" or "-"; fails on anything else. */
static enum ios_feature cell(const char *text, size_t lineno)
{
	if (strcmp(text, "yes") == 0)
		return IOS_FEATURE_YES;
	if (strcmp(text, "no") == 0)
		return IOS_FEATURE_NO;
	if (strcmp(text, "cellular") == 0)
		return IOS_FEATURE_CELLULAR_ONLY;
	if (strcmp(text, "-") == 0)
		return IOS_FEATURE_UNKNOWN;
	fail_msg("%s:%zu: \"%s\" is not yes, no, cellular or -", TSV_PATH, lineno, text);
	return IOS_FEATURE_UNKNOWN;
}

static void every_tsv_line_resolves_to_its_name_and_features(void **state)
{
	static const char *const columns[] = { "nfc", "gps", "headphone_jack",
					       "wireless_charging" };
	char line[TSV_LINE_MAX];
	size_t row = 0, lineno = 0;
	FILE *fp = fopen(TSV_PATH, "r");

	(void)state;
	if (!fp)
		fail_msg("cannot open %s (tests run from the repository root)", TSV_PATH);
	while (fgets(line, sizeof(line), fp)) {
		const struct ios_model *m;
		char *field[6], *end, *p = line;
		enum ios_feature want[4], got[4];
		size_t n = 0;

		lineno++;
		end = strchr(line, '\n');
		if (!end)
			fail_msg("%s:%zu: line too long or not ended", TSV_PATH, lineno);
		*end = '\0';
		if (lineno == 1 && strncmp(line, "# source: ", 10) != 0)
			fail_msg("%s:1: must name its source (\"# source: ...\")", TSV_PATH);
		if (line[0] == '#')
			continue;
		for (;;) {
			char *tab = strchr(p, '\t');

			if (n == 6 || *p == '\0')
				fail_msg("%s:%zu: not six tab-separated fields", TSV_PATH, lineno);
			field[n++] = p;
			if (!tab)
				break;
			*tab = '\0';
			p = tab + 1;
		}
		if (n != 6)
			fail_msg("%s:%zu: not six tab-separated fields", TSV_PATH, lineno);
		if (!ios_marketing_name(field[0]) ||
		    strcmp(ios_marketing_name(field[0]), field[1]) != 0)
			fail_msg("%s:%zu: %s should read as \"%s\", the table says \"%s\"",
				 TSV_PATH, lineno, field[0], field[1],
				 ios_marketing_name(field[0]) ? ios_marketing_name(field[0])
							      : "(nothing)");
		/* Same order too, so the table is the TSV and nothing more. */
		m = ios_models_row(row);
		if (!m || strcmp(m->model_id, field[0]) != 0)
			fail_msg("%s:%zu: row %zu of the table is %s, not %s", TSV_PATH, lineno,
				 row, m ? m->model_id : "(past the end)", field[0]);
		got[0] = m->nfc;
		got[1] = m->gps;
		got[2] = m->headphone_jack;
		got[3] = m->wireless_charging;
		for (size_t k = 0; k < 4; k++) {
			want[k] = cell(field[2 + k], lineno);
			if (want[k] != got[k])
				fail_msg("%s:%zu: %s of %s is %s in the TSV, not in the table",
					 TSV_PATH, lineno, columns[k], field[0], field[2 + k]);
		}
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
		cmocka_unit_test(iphone_7_lost_the_jack_and_iphone_8_charges_on_a_pad),
		cmocka_unit_test(only_the_iphone_5s_lacks_nfc_among_phones),
		cmocka_unit_test(ipads_have_gps_only_with_cellular_and_never_nfc_or_qi),
		cmocka_unit_test(ipod_touch_has_a_jack_and_no_gps),
		cmocka_unit_test(unknown_identifier_has_no_row),
		cmocka_unit_test(table_has_no_duplicate_identifiers),
		cmocka_unit_test(every_tsv_line_resolves_to_its_name_and_features),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
