/*
 * Unit tests of datadir: which directory Atelier keeps its database in, and how it is
 * made.
 *
 * Each test starts with $ATELIER_DATA, $XDG_DATA_HOME and $HOME unset and a fresh
 * directory under /tmp; the environment is restored and the directory removed after.
 * main() sets umask 022, the usual one on a bench.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "util/datadir.h"

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define PATH_SIZE 512
#define LONG_PATH_SIZE 8192

static const char *const env_names[] = { "ATELIER_DATA", "XDG_DATA_HOME", "HOME" };
#define N_ENV (sizeof(env_names) / sizeof(env_names[0]))

struct fixture {
	char dir[64]; /* from mkdtemp */
	char *saved_env[N_ENV];
};

/* ---- helpers ---- */

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	if (f->dir[0] != '\0')
		nftw(f->dir, remove_one, 16, FTW_DEPTH | FTW_PHYS);
	for (size_t i = 0; i < N_ENV; i++) {
		if (f->saved_env[i])
			setenv(env_names[i], f->saved_env[i], 1);
		else
			unsetenv(env_names[i]);
		free(f->saved_env[i]);
	}
	free(f);
	return 0;
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	for (size_t i = 0; i < N_ENV; i++) {
		const char *v = getenv(env_names[i]);

		f->saved_env[i] = v ? strdup(v) : NULL;
		unsetenv(env_names[i]);
	}
	snprintf(f->dir, sizeof(f->dir), "/tmp/atelier-datadir-XXXXXX");
	*state = f;
	if (!mkdtemp(f->dir)) {
		f->dir[0] = '\0';
		teardown(state);
		return -1;
	}
	return 0;
}

static void path_in(const struct fixture *f, const char *name, char out[PATH_SIZE])
{
	int n = snprintf(out, PATH_SIZE, "%s/%s", f->dir, name);

	assert_true(n > 0 && n < PATH_SIZE);
}

static void set_env(const char *name, const char *value)
{
	assert_int_equal(setenv(name, value, 1), 0);
}

/* Permission bits of PATH, which must be a directory. */
static unsigned dir_mode(const char *path)
{
	struct stat st;

	assert_int_equal(stat(path, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	return (unsigned)(st.st_mode & 07777);
}

/* ---- where the data goes ---- */

static void data_option_wins_over_every_variable(void **state)
{
	char out[PATH_SIZE];

	(void)state;
	set_env("ATELIER_DATA", "/srv/atelier-env");
	set_env("XDG_DATA_HOME", "/home/bench/.xdg");
	set_env("HOME", "/home/bench");
	assert_int_equal(datadir_resolve("/srv/atelier-option", out, sizeof(out)), DATADIR_OK);
	assert_string_equal(out, "/srv/atelier-option");
}

static void atelier_data_wins_over_xdg_and_home(void **state)
{
	char out[PATH_SIZE];

	(void)state;
	set_env("ATELIER_DATA", "/srv/atelier-env");
	set_env("XDG_DATA_HOME", "/home/bench/.xdg");
	set_env("HOME", "/home/bench");
	assert_int_equal(datadir_resolve(NULL, out, sizeof(out)), DATADIR_OK);
	assert_string_equal(out, "/srv/atelier-env");
}

static void xdg_data_home_gets_an_atelier_directory(void **state)
{
	char out[PATH_SIZE];

	(void)state;
	set_env("XDG_DATA_HOME", "/home/bench/.xdg");
	set_env("HOME", "/home/bench");
	assert_int_equal(datadir_resolve(NULL, out, sizeof(out)), DATADIR_OK);
	assert_string_equal(out, "/home/bench/.xdg/atelier");
}

static void home_alone_gives_local_share_atelier(void **state)
{
	char out[PATH_SIZE];

	(void)state;
	set_env("HOME", "/home/bench");
	assert_int_equal(datadir_resolve(NULL, out, sizeof(out)), DATADIR_OK);
	assert_string_equal(out, "/home/bench/.local/share/atelier");
}

static void empty_values_are_skipped(void **state)
{
	char out[PATH_SIZE];

	(void)state;
	set_env("ATELIER_DATA", "");
	set_env("XDG_DATA_HOME", "");
	set_env("HOME", "/home/bench");
	assert_int_equal(datadir_resolve(NULL, out, sizeof(out)), DATADIR_OK);
	assert_string_equal(out, "/home/bench/.local/share/atelier");

	/* An empty --data is no option either. */
	set_env("XDG_DATA_HOME", "/home/bench/.xdg");
	assert_int_equal(datadir_resolve("", out, sizeof(out)), DATADIR_OK);
	assert_string_equal(out, "/home/bench/.xdg/atelier");

	/* Everything empty is nowhere. */
	set_env("XDG_DATA_HOME", "");
	set_env("HOME", "");
	assert_int_equal(datadir_resolve("", out, sizeof(out)), DATADIR_ENOWHERE);
}

static void nothing_set_is_nowhere(void **state)
{
	char out[PATH_SIZE];

	(void)state;
	assert_int_equal(datadir_resolve(NULL, out, sizeof(out)), DATADIR_ENOWHERE);
}

static void path_longer_than_the_buffer_is_too_long(void **state)
{
	char out[16];

	(void)state;
	/* "/srv/atelier" and its NUL fit in 13 bytes, not in 12. */
	assert_int_equal(datadir_resolve("/srv/atelier", out, 13), DATADIR_OK);
	assert_string_equal(out, "/srv/atelier");
	assert_int_equal(datadir_resolve("/srv/atelier", out, 12), DATADIR_ETOOLONG);

	/* The suffix counts: "/h" fits, "/h/.local/share/atelier" does not. */
	set_env("HOME", "/h");
	assert_int_equal(datadir_resolve(NULL, out, sizeof(out)), DATADIR_ETOOLONG);
	set_env("XDG_DATA_HOME", "/x");
	assert_int_equal(datadir_resolve(NULL, out, sizeof(out)), DATADIR_OK);
	assert_string_equal(out, "/x/atelier");
	set_env("ATELIER_DATA", "/a/very/long/data/directory");
	assert_int_equal(datadir_resolve(NULL, out, sizeof(out)), DATADIR_ETOOLONG);
}

/* ---- making the directory ---- */

static void new_data_dir_is_private_and_its_parents_are_made(void **state)
{
	struct fixture *f = *state;
	char parent[PATH_SIZE], leaf[PATH_SIZE];

	path_in(f, "home/.local/share", parent);
	path_in(f, "home/.local/share/atelier", leaf);
	assert_int_equal(datadir_create(leaf), DATADIR_OK);
	assert_int_equal(dir_mode(leaf), 0700);
	assert_int_equal(dir_mode(parent), 0755);
}

static void creating_twice_is_fine_and_leaves_the_directory_as_it_was(void **state)
{
	struct fixture *f = *state;
	char leaf[PATH_SIZE], marker[PATH_SIZE];
	FILE *fp;

	path_in(f, "atelier", leaf);
	path_in(f, "atelier/atelier.db", marker);
	assert_int_equal(datadir_create(leaf), DATADIR_OK);
	fp = fopen(marker, "w");
	assert_non_null(fp);
	fclose(fp);
	assert_int_equal(chmod(leaf, 0750), 0);

	assert_int_equal(datadir_create(leaf), DATADIR_OK);
	assert_int_equal(dir_mode(leaf), 0750);
	assert_int_equal(access(marker, F_OK), 0);
}

static void trailing_slashes_are_fine(void **state)
{
	struct fixture *f = *state;
	char leaf[PATH_SIZE], with_slashes[PATH_SIZE];

	path_in(f, "a/b/atelier", leaf);
	path_in(f, "a/b/atelier///", with_slashes);
	assert_int_equal(datadir_create(with_slashes), DATADIR_OK);
	assert_int_equal(dir_mode(leaf), 0700);
	assert_int_equal(datadir_create(with_slashes), DATADIR_OK);
	assert_int_equal(datadir_create(leaf), DATADIR_OK);
}

static void regular_file_in_the_way_is_not_a_directory(void **state)
{
	struct fixture *f = *state;
	char file[PATH_SIZE], below[PATH_SIZE];
	FILE *fp;

	path_in(f, "atelier", file);
	fp = fopen(file, "w");
	assert_non_null(fp);
	fclose(fp);
	assert_int_equal(datadir_create(file), DATADIR_ENOTDIR);

	/* A file where a parent should be: an error too, never a crash. */
	path_in(f, "atelier/data", below);
	assert_int_not_equal(datadir_create(below), DATADIR_OK);
}

static void path_too_long_to_create_is_too_long(void **state)
{
	struct fixture *f = *state;
	char *path = malloc(LONG_PATH_SIZE);
	int n;

	assert_non_null(path);
	n = snprintf(path, LONG_PATH_SIZE, "%s/", f->dir);
	assert_true(n > 0);
	memset(path + n, 'a', LONG_PATH_SIZE - 1 - (size_t)n);
	path[LONG_PATH_SIZE - 1] = '\0';
	assert_int_equal(datadir_create(path), DATADIR_ETOOLONG);
	free(path);
}

static void every_error_has_a_message(void **state)
{
	static const enum datadir_err errs[] = {
		DATADIR_OK, DATADIR_ENOWHERE, DATADIR_ETOOLONG, DATADIR_EMKDIR, DATADIR_ENOTDIR,
	};

	(void)state;
	for (size_t i = 0; i < sizeof(errs) / sizeof(errs[0]); i++) {
		const char *msg = datadir_strerror(errs[i]);

		assert_non_null(msg);
		assert_true(msg[0] != '\0');
		for (size_t k = 0; k < i; k++)
			assert_string_not_equal(msg, datadir_strerror(errs[k]));
	}
	assert_non_null(datadir_strerror((enum datadir_err)99));
	assert_true(datadir_strerror((enum datadir_err)99)[0] != '\0');
}

int main(void)
{
#define story(test) cmocka_unit_test_setup_teardown(test, setup, teardown)
	const struct CMUnitTest tests[] = {
		story(data_option_wins_over_every_variable),
		story(atelier_data_wins_over_xdg_and_home),
		story(xdg_data_home_gets_an_atelier_directory),
		story(home_alone_gives_local_share_atelier),
		story(empty_values_are_skipped),
		story(nothing_set_is_nowhere),
		story(path_longer_than_the_buffer_is_too_long),
		story(new_data_dir_is_private_and_its_parents_are_made),
		story(creating_twice_is_fine_and_leaves_the_directory_as_it_was),
		story(trailing_slashes_are_fine),
		story(regular_file_in_the_way_is_not_a_directory),
		story(path_too_long_to_create_is_too_long),
		cmocka_unit_test(every_error_has_a_message),
	};
#undef story

	umask(022);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
