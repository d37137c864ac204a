/* Text from outside made printable, and the lists a message names ("A, B, C"). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "util/text.h"

static void control_characters_and_bad_utf8_become_question_marks(void **state)
{
	char out[32];
	(void)state;

	assert_int_equal(text_clean("  a\tb\x01" "c\xff ", out, sizeof(out)), strlen("a b?c?"));
	assert_string_equal(out, "a b?c?");
	text_clean("écran", out, 4); /* cut on a character boundary, never inside é */
	assert_string_equal(out, "éc");
}

static void a_list_is_joined_and_cut_to_its_buffer(void **state)
{
	char list[12] = "";
	size_t len = 0;
	(void)state;

	len = text_list_add(list, sizeof(list), len, ", ", "A");
	len = text_list_add(list, sizeof(list), len, ", ", "B");
	assert_string_equal(list, "A, B");
	assert_int_equal(len, 4);
	len = text_list_add(list, sizeof(list), len, ", ", "a-long-one");
	assert_string_equal(list, "A, B, a-lon");
	assert_int_equal(len, sizeof(list) - 1);
	/* Full: more words change nothing, and never write past the end. */
	assert_int_equal(text_list_add(list, sizeof(list), len, ", ", "C"), len);
	assert_string_equal(list, "A, B, a-lon");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(control_characters_and_bad_utf8_become_question_marks),
		cmocka_unit_test(a_list_is_joined_and_cut_to_its_buffer),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
