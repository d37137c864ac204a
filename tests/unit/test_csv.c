/* Text for a spreadsheet (RFC 4180), and the days a report's period is given in. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/clock.h"
#include "util/csv.h"

/* One row of the fields given (text) as the writer writes it. */
static char *row(const char *const *fields, size_t n)
{
	char *text = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&text, &len);

	assert_non_null(m);
	for (size_t i = 0; i < n; i++)
		csv_text(m, fields[i], i == 0);
	csv_end(m);
	fclose(m);
	return text;
}

static void fields_are_quoted_only_when_they_must_be(void **state)
{
	const char *const plain[] = { "amina", "intake-triage", "" };
	const char *const hard[] = { "a, b", "say \"hi\"", "two\nlines", "cr\rhere" };
	char *t;
	(void)state;

	t = row(plain, 3);
	assert_string_equal(t, "amina,intake-triage,\r\n");
	free(t);
	t = row(hard, 4);
	assert_string_equal(t, "\"a, b\",\"say \"\"hi\"\"\",\"two\nlines\",\"cr\rhere\"\r\n");
	free(t);
}

static void a_text_a_spreadsheet_would_run_is_kept_as_text(void **state)
{
	const char *const f[] = { "=1+1", "+33 6", "-x", "@SUM(A1)", "a=b" };
	char *t;
	(void)state;

	t = row(f, 5);
	assert_string_equal(t, "'=1+1,'+33 6,'-x,'@SUM(A1),a=b\r\n");
	free(t);
}

static void a_day_is_a_real_date_at_local_midnight(void **state)
{
	int64_t ms = 0;
	char day[16];
	time_t t;
	struct tm tm;
	(void)state;

	assert_true(clock_parse_day("2026-12-02", &ms));
	t = (time_t)(ms / 1000);
	assert_non_null(localtime_r(&t, &tm));
	assert_int_equal(tm.tm_year, 126);
	assert_int_equal(tm.tm_mon, 11);
	assert_int_equal(tm.tm_mday, 2);
	assert_int_equal(tm.tm_hour, 0);
	assert_int_equal(tm.tm_min, 0);
	assert_string_equal(clock_format_day(ms, day, sizeof(day)), "2026-12-02"); /* and back */
	assert_string_equal(clock_format_day(ms + 23 * 3600000LL, day, sizeof(day)), "2026-12-02");
	assert_true(clock_parse_day("2024-02-29", &ms)); /* a leap year */
	assert_false(clock_parse_day("2026-02-29", &ms));
	assert_false(clock_parse_day("2026-02-30", &ms));
	assert_false(clock_parse_day("2026-13-01", &ms));
	assert_false(clock_parse_day("2026-1-1", &ms));
	assert_false(clock_parse_day("2026-12-02x", &ms));
	assert_false(clock_parse_day("02/12/2026", &ms));
	assert_false(clock_parse_day("", &ms));
	assert_false(clock_parse_day(NULL, &ms));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(fields_are_quoted_only_when_they_must_be),
		cmocka_unit_test(a_text_a_spreadsheet_would_run_is_kept_as_text),
		cmocka_unit_test(a_day_is_a_real_date_at_local_midnight),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
