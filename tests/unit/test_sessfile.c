/*
 * Where the command line keeps a session (util/sessfile.h): only in a runtime directory
 * of one's own with mode 0700, one file per data directory, private, and read back only
 * when it is exactly a session line.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/sessfile.h"

static char dir[64], run[96], data1[96], data2[96];

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/atelier-sess-XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(run, sizeof(run), "%s/run", dir);
	snprintf(data1, sizeof(data1), "%s/one", dir);
	snprintf(data2, sizeof(data2), "%s/two", dir);
	if (mkdir(run, 0700) || mkdir(data1, 0700) || mkdir(data2, 0700))
		return -1;
	return setenv("XDG_RUNTIME_DIR", run, 1);
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd);
}

static void each_data_directory_has_its_own_private_session_file(void **state)
{
	char p1[PATH_MAX], p2[PATH_MAX], why[512], hex[SECRET_TOKEN_HEX], back[SECRET_TOKEN_HEX];
	struct stat st;

	(void)state;
	assert_int_equal(sessfile_path(data1, 0, p1, why, sizeof(why)), SESSFILE_NONE);
	assert_int_equal(sessfile_path(data1, 1, p1, why, sizeof(why)), SESSFILE_OK);
	assert_int_equal(sessfile_path(data2, 1, p2, why, sizeof(why)), SESSFILE_OK);
	assert_string_not_equal(p1, p2);
	assert_non_null(strstr(p1, "/run/atelier/session-"));
	assert_int_equal(strlen(strrchr(p1, '-') + 1), 16);
	assert_int_equal(sessfile_read(p1, back, why, sizeof(why)), SESSFILE_NONE);
	secret_token_new(hex);
	assert_int_equal(sessfile_write(p1, hex, why, sizeof(why)), SESSFILE_OK);
	assert_int_equal(stat(p1, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(sessfile_read(p1, back, why, sizeof(why)), SESSFILE_OK);
	assert_string_equal(back, hex);
	/* A file others can read is not a session. */
	assert_int_equal(chmod(p1, 0644), 0);
	assert_int_equal(sessfile_read(p1, back, why, sizeof(why)), SESSFILE_EFORMAT);
	assert_int_equal(sessfile_remove(p1), SESSFILE_OK);
	assert_int_equal(sessfile_remove(p1), SESSFILE_OK);
	/* Nor a link to one. */
	assert_int_equal(sessfile_write(p2, hex, why, sizeof(why)), SESSFILE_OK);
	assert_int_equal(symlink(p2, p1), 0);
	assert_int_not_equal(sessfile_read(p1, back, why, sizeof(why)), SESSFILE_OK);
}

static void a_runtime_directory_open_to_others_or_missing_is_refused(void **state)
{
	char p[PATH_MAX], why[512];

	(void)state;
	assert_int_equal(chmod(run, 0755), 0);
	assert_int_equal(sessfile_path(data1, 1, p, why, sizeof(why)), SESSFILE_ERUNDIR);
	assert_non_null(strstr(why, "must be a directory of yours with mode 0700"));
	assert_int_equal(chmod(run, 0700), 0);
	assert_int_equal(unsetenv("XDG_RUNTIME_DIR"), 0);
	assert_int_equal(sessfile_path(data1, 1, p, why, sizeof(why)), SESSFILE_ERUNDIR);
	assert_non_null(strstr(why, "XDG_RUNTIME_DIR is not set"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(each_data_directory_has_its_own_private_session_file,
						setup, teardown),
		cmocka_unit_test_setup_teardown(a_runtime_directory_open_to_others_or_missing_is_refused,
						setup, teardown),
	};

	return cmocka_run_group_tests_name("sessfile", tests, NULL, NULL);
}
