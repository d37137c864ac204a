/* Text from outside made printable, the lists a message names ("A, B, C"), and a name
 * found and taken out of a text where it stands alone. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
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

static void a_name_is_found_only_where_it_stands_alone(void **state)
{
	(void)state;
	assert_non_null(text_word_find("second check by ines, 2026-12-02", "ines"));
	assert_non_null(text_word_find("\"trainees\":[\"ines\"]", "ines"));
	assert_null(text_word_find("ines.b and inesa and m-ines", "ines"));
	assert_null(text_word_find("inès", "in")); /* not inside another letter */
	assert_null(text_word_find("AAAA+ines/BBBB==", "ines")); /* inside a signature */
	assert_null(text_word_find("{\"ines\":1}", "ines")); /* a key, not a value */
	assert_null(text_word_find("anything", ""));
}

static void a_name_is_replaced_wherever_it_stands_alone(void **state)
{
	size_t n = 0;
	char *out;
	(void)state;

	out = text_word_replace("by ines (job 7), ines.b, \"ines\"", "ines", "[erased T-014]", &n);
	assert_string_equal(out, "by [erased T-014] (job 7), ines.b, \"[erased T-014]\"");
	assert_int_equal(n, 2);
	free(out);
	out = text_word_replace("nothing here", "ines", "X", &n);
	assert_string_equal(out, "nothing here");
	assert_int_equal(n, 0);
	free(out);
	out = text_word_replace("ab ab", "ab", "", &n); /* shorter than the word */
	assert_string_equal(out, " ");
	free(out);
}

/* A name as a person types it, folded as an account's name is. */
static void a_typed_name_folds_like_its_account(void **state)
{
	static const struct {
		const char *typed, *folded;
	} cases[] = {
		{ "Hélène", "helene" },
		{ "helene", "helene" },
		{ "  MAËLLE Dupont-Lefèvre ", "maelledupontlefevre" },
		{ "maelle.dupont_lefevre", "maelledupontlefevre" },
		{ "Çağla Öztürk", "caglaozturk" },
		{ "Łucja Strauß", "lucjastrauss" },
		{ "Noe\xcc\x88" "mie", "noemie" },		   /* ë typed as e and U+0308 */
		{ "N\xe2\x80\x99" "Diaye O'Brien", "ndiayeobrien" }, /* U+2019 */
		/* Neither a letter nor Latin: kept, so it matches no account's name. */
		{ "2×3", "2×3" },
		{ "فاطمة", "فاطمة" },
		{ "a\xc3" "b", "a\xc3" "b" }, /* a lone lead byte is not an accent */
	};
	char out[64];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		text_fold_name(cases[i].typed, out, sizeof(out));
		assert_string_equal(out, cases[i].folded);
	}
	/* Cut when full, never inside what a letter became. */
	assert_int_equal(text_fold_name("Straße", out, 6), 4); /* "ss" does not fit */
	assert_string_equal(out, "stra");
	assert_int_equal(text_fold_name("Straße", out, 7), 6);
	assert_string_equal(out, "strass");
	assert_int_equal(text_fold_name("abc", out, 1), 0);
	assert_string_equal(out, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(control_characters_and_bad_utf8_become_question_marks),
		cmocka_unit_test(a_list_is_joined_and_cut_to_its_buffer),
		cmocka_unit_test(a_name_is_found_only_where_it_stands_alone),
		cmocka_unit_test(a_name_is_replaced_wherever_it_stands_alone),
		cmocka_unit_test(a_typed_name_folds_like_its_account),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
