/*
 * Secrets as people give them (util/secret.h): the first line of a file or descriptor,
 * the rules of a PIN and of a password, the hash, and the session file's one line.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/secret.h"

static void a_secret_is_its_first_line_without_the_newline(void **state)
{
	char out[SECRET_BUF];

	(void)state;
	assert_int_equal(secret_parse("hunter2hunter\n", 14, out, sizeof(out)), SECRET_OK);
	assert_string_equal(out, "hunter2hunter");
	assert_int_equal(secret_parse("one\ntwo\n", 8, out, sizeof(out)), SECRET_OK);
	assert_string_equal(out, "one");
	/* Only one newline goes: a CR stays, and the rule of the kind refuses it. */
	assert_int_equal(secret_parse("password12\r\n", 12, out, sizeof(out)), SECRET_OK);
	assert_int_equal(secret_check(out, 0), SECRET_ECTRL);
	assert_int_equal(secret_parse("\n", 1, out, sizeof(out)), SECRET_EMPTY);
	assert_int_equal(secret_parse("", 0, out, sizeof(out)), SECRET_EMPTY);
}

static void a_nul_byte_or_an_absurd_length_is_refused(void **state)
{
	char out[SECRET_BUF], big[SECRET_MAX + 2];

	(void)state;
	assert_int_equal(secret_parse("abc\0def\n", 8, out, sizeof(out)), SECRET_ENUL);
	memset(big, 'a', sizeof(big));
	assert_int_equal(secret_parse(big, SECRET_MAX, out, sizeof(out)), SECRET_OK);
	assert_int_equal(secret_parse(big, SECRET_MAX + 1, out, sizeof(out)), SECRET_ETOOLONG);
}

static void a_descriptor_gives_one_line_and_leaves_the_next(void **state)
{
	char out[SECRET_BUF];
	int p[2];

	(void)state;
	assert_int_equal(pipe(p), 0);
	assert_int_equal(write(p[1], "old-secret-1\nnew-secret-2\n", 26), 26);
	close(p[1]);
	assert_int_equal(secret_read_fd(p[0], out, sizeof(out)), SECRET_OK);
	assert_string_equal(out, "old-secret-1");
	assert_int_equal(secret_read_fd(p[0], out, sizeof(out)), SECRET_OK);
	assert_string_equal(out, "new-secret-2");
	assert_int_equal(secret_read_fd(p[0], out, sizeof(out)), SECRET_EMPTY);
	close(p[0]);
	assert_int_equal(secret_read_file("/nonexistent/secret", out, sizeof(out)), SECRET_EIO);
}

static void a_pin_is_digits_and_a_password_is_long(void **state)
{
	(void)state;
	assert_int_equal(secret_check("123456", 1), SECRET_OK);
	assert_int_equal(secret_check("12345", 1), SECRET_ENOTPIN);
	assert_int_equal(secret_check("1234567890123", 1), SECRET_ENOTPIN);
	assert_int_equal(secret_check("12345a", 1), SECRET_ENOTPIN);
	assert_int_equal(secret_check("", 1), SECRET_EMPTY);
	assert_int_equal(secret_check("correct horse", 0), SECRET_OK);
	assert_int_equal(secret_check("123456789", 0), SECRET_ESHORT);
	assert_int_equal(secret_check("tab\there-long", 0), SECRET_ECTRL);
}

static void a_hash_verifies_its_secret_only(void **state)
{
	char hash[SECRET_HASH_MAX];

	(void)state;
	assert_int_equal(secret_hash("correct horse", hash, sizeof(hash)), SECRET_OK);
	assert_non_null(strstr(hash, "$argon2id$"));
	assert_null(strstr(hash, "correct horse"));
	assert_true(secret_verify(hash, "correct horse"));
	assert_false(secret_verify(hash, "correct horsE"));
	assert_false(secret_verify("not a hash", "correct horse"));
}

static void a_session_file_is_one_exact_line(void **state)
{
	char hex[SECRET_TOKEN_HEX], line[SECRET_SESSION_LINE], back[SECRET_TOKEN_HEX];

	(void)state;
	secret_token_new(hex);
	assert_int_equal(strlen(hex), 64);
	secret_session_line(hex, line);
	assert_int_equal(secret_session_parse(line, strlen(line), back), SECRET_OK);
	assert_string_equal(back, hex);
	/* No trailing garbage, no missing newline, no upper case, no other prefix. */
	line[strlen(line) - 1] = 'x';
	assert_int_equal(secret_session_parse(line, strlen(line), back), SECRET_EFORMAT);
	assert_int_equal(secret_session_parse(line, strlen(line) - 1, back), SECRET_EFORMAT);
	secret_session_line(hex, line);
	line[20] = 'A';
	assert_int_equal(secret_session_parse(line, strlen(line), back), SECRET_EFORMAT);
	assert_int_equal(secret_session_parse("atelier-session 2 00\n", 21, back), SECRET_EFORMAT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_secret_is_its_first_line_without_the_newline),
		cmocka_unit_test(a_nul_byte_or_an_absurd_length_is_refused),
		cmocka_unit_test(a_descriptor_gives_one_line_and_leaves_the_next),
		cmocka_unit_test(a_pin_is_digits_and_a_password_is_long),
		cmocka_unit_test(a_hash_verifies_its_secret_only),
		cmocka_unit_test(a_session_file_is_one_exact_line),
	};

	return cmocka_run_group_tests_name("secret", tests, NULL, NULL);
}
