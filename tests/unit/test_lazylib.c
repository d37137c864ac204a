/* A library loaded when first needed: its functions, or a reason that says what to
 * install. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "util/lazylib.h"

static void functions_of_a_library_are_found_by_name(void **state)
{
	double (*cosine)(double) = NULL;
	double (*square_root)(double) = NULL;
	const struct lazy_sym syms[] = { { "sqrt", (void **)&square_root },
					 { "cos", (void **)&cosine } };
	char why[300] = "";
	(void)state;

	assert_int_equal(lazylib_load("libm.so.6", "libc6", syms, 2, why, sizeof(why)), 0);
	assert_non_null(cosine);
	assert_true(cosine(0.0) == 1.0);
	assert_true(square_root(16.0) == 4.0);
	/* A second call finds them filled and answers at once. */
	assert_int_equal(lazylib_load("libm.so.6", "libc6", syms, 2, why, sizeof(why)), 0);
}

static void a_missing_library_names_the_package_to_install(void **state)
{
	void *f = NULL;
	const struct lazy_sym syms[] = { { "anything", &f } };
	char why[300] = "";
	(void)state;

	assert_int_equal(lazylib_load("libatelier-nowhere.so.9", "libatelier-nowhere9", syms, 1,
				      why, sizeof(why)),
			 -1);
	assert_null(f);
	assert_non_null(strstr(why, "libatelier-nowhere.so.9 could not be loaded"));
	assert_non_null(strstr(why, "install the Debian package libatelier-nowhere9"));
}

static void a_missing_function_leaves_none_filled(void **state)
{
	void *first = NULL, *second = NULL;
	const struct lazy_sym syms[] = { { "floor", &first }, { "no_such_function_here", &second } };
	char why[300] = "";
	(void)state;

	assert_int_equal(lazylib_load("libm.so.6", "libc6", syms, 2, why, sizeof(why)), -1);
	assert_null(first);
	assert_null(second);
	assert_non_null(strstr(why, "has no no_such_function_here"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(functions_of_a_library_are_found_by_name),
		cmocka_unit_test(a_missing_library_names_the_package_to_install),
		cmocka_unit_test(a_missing_function_leaves_none_filled),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
