/* Numbers as a person types them: one strict form, every other spelling refused. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <limits.h>
#include <math.h>

#include "util/number.h"

static void decimals_as_written_on_a_form_are_read(void **state)
{
	double v = -99;
	(void)state;

	assert_int_equal(number_decimal("3.92", &v), NUMBER_OK);
	assert_true(v == 3.92);
	assert_int_equal(number_decimal("-1.5", &v), NUMBER_OK);
	assert_true(v == -1.5);
	assert_int_equal(number_decimal("4", &v), NUMBER_OK);
	assert_true(v == 4);
	assert_int_equal(number_decimal("4.", &v), NUMBER_OK);
	assert_true(v == 4);
	assert_int_equal(number_decimal(".5", &v), NUMBER_OK);
	assert_true(v == 0.5);
	assert_int_equal(number_decimal("-0", &v), NUMBER_OK);
	assert_true(v == 0 && !signbit(v));
	assert_int_equal(number_decimal("123456789012345", &v), NUMBER_OK);
	assert_int_equal(number_decimal("0000000000000001.5", &v), NUMBER_OK);
	assert_true(v == 1.5);
}

static void other_spellings_of_numbers_are_refused(void **state)
{
	static const char *const bad[] = {
		"nan", "NaN", "inf", "-inf", "infinity", "0x4", "0X1p3", "1e3", "1E-2", "+4",
		" 4", "4 ", "\t4", "4\n", ".", "-", "-.", "4.5.6", "4,5", "--4", "4-", "1 000",
		"٣", "4\xc2\xa0",
	};
	double v = 7;
	(void)state;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (number_decimal(bad[i], &v) != NUMBER_BAD)
			fail_msg("'%s' was not refused as not a number", bad[i]);
	}
	assert_int_equal(number_decimal("", &v), NUMBER_EMPTY);
	assert_int_equal(number_decimal(NULL, &v), NUMBER_EMPTY);
	assert_true(v == 7); /* untouched */
}

static void absurd_lengths_are_refused_as_too_long(void **state)
{
	double v = 7;
	(void)state;

	/* 16 significant digits: a double would not keep what was typed. */
	assert_int_equal(number_decimal("1234567890123456", &v), NUMBER_TOO_LONG);
	assert_int_equal(number_decimal("1.234567890123456", &v), NUMBER_TOO_LONG);
	/* 21 characters, even of zeros. */
	assert_int_equal(number_decimal("000000000000000000001", &v), NUMBER_TOO_LONG);
	assert_int_equal(number_decimal("99999999999999999999999999999999999999", &v),
			 NUMBER_TOO_LONG);
	assert_true(v == 7);
	assert_string_equal(number_strerror(NUMBER_TOO_LONG),
			    "is too long (at most 20 characters and 15 significant digits)");
}

static void whole_numbers_are_digits_within_their_range(void **state)
{
	long long v = -99;
	(void)state;

	assert_int_equal(number_whole("12", 1, LLONG_MAX, &v), NUMBER_OK);
	assert_int_equal(v, 12);
	assert_int_equal(number_whole("-3", -1000, 1000, &v), NUMBER_OK);
	assert_int_equal(v, -3);
	assert_int_equal(number_whole("-3", 1, 1000, &v), NUMBER_BAD); /* no sign there */
	assert_int_equal(number_whole("0", 1, 1000, &v), NUMBER_RANGE);
	assert_int_equal(number_whole("1001", -1000, 1000, &v), NUMBER_RANGE);
	assert_int_equal(number_whole("1.0", 1, 10, &v), NUMBER_BAD);
	assert_int_equal(number_whole("+1", 1, 10, &v), NUMBER_BAD);
	assert_int_equal(number_whole("0x10", 1, 100, &v), NUMBER_BAD);
	assert_int_equal(number_whole(" 1", 1, 10, &v), NUMBER_BAD);
	assert_int_equal(number_whole("1 ", 1, 10, &v), NUMBER_BAD);
	assert_int_equal(number_whole("", 1, 10, &v), NUMBER_EMPTY);
	assert_int_equal(number_whole("9999999999999999", 1, LLONG_MAX, &v), NUMBER_TOO_LONG);
	assert_int_equal(v, -3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(decimals_as_written_on_a_form_are_read),
		cmocka_unit_test(other_spellings_of_numbers_are_refused),
		cmocka_unit_test(absurd_lengths_are_refused_as_too_long),
		cmocka_unit_test(whole_numbers_are_digits_within_their_range),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
