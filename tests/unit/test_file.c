/* Files written whole, only over regular files, and the words for why a write failed. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util/file.h"

static char dir[] = "/tmp/atelier-test-file-XXXXXX";

static int setup(void **state)
{
	(void)state;
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[PATH_MAX + 16];
	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* The number of entries in the test directory. */
static int entries(void)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	assert_non_null(d);
	while ((e = readdir(d)) != NULL)
		n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
	closedir(d);
	return n;
}

static void a_file_is_replaced_whole_and_nothing_is_left_beside_it(void **state)
{
	char path[PATH_MAX];
	size_t len;
	char *text;
	(void)state;

	snprintf(path, sizeof(path), "%s/cert.json", dir);
	assert_int_equal(file_write(path, "old", 3, 0644, 1), FILE_OK);
	assert_int_equal(file_write(path, "new text", 8, 0644, 1), FILE_OK);
	text = file_read(path, 100, &len, NULL);
	assert_non_null(text);
	assert_string_equal(text, "new text");
	free(text);
	assert_int_equal(file_write(path, "other", 5, 0644, 0), FILE_EEXIST);
	assert_int_equal(entries(), 1);
	unlink(path);
}

/* What a writer killed with -9 between its link and its rename leaves (its own name,
 * ".BASE.tmpPID-N") is removed by the next writer of the same file; a writer still
 * alive, and another file's temporary, are left alone. */
static void a_killed_writers_temporary_is_cleared_by_the_next_write(void **state)
{
	char path[PATH_MAX], dead[PATH_MAX], live[PATH_MAX], other[PATH_MAX], odd[PATH_MAX];
	pid_t gone = fork();
	(void)state;

	assert_true(gone >= 0);
	if (gone == 0)
		_exit(0);
	assert_int_equal(waitpid(gone, NULL, 0), gone);
	snprintf(path, sizeof(path), "%s/c.json", dir);
	snprintf(dead, sizeof(dead), "%s/.c.json.tmp%ld-3", dir, (long)gone);
	snprintf(live, sizeof(live), "%s/.c.json.tmp%ld-0", dir, (long)getppid());
	snprintf(other, sizeof(other), "%s/.c.pdf.tmp%ld-0", dir, (long)gone);
	snprintf(odd, sizeof(odd), "%s/.c.json.tmp%ldx", dir, (long)gone);
	assert_int_equal(file_write(dead, "half", 4, 0644, 0), FILE_OK);
	assert_int_equal(file_write(live, "busy", 4, 0644, 0), FILE_OK);
	assert_int_equal(file_write(other, "pdf", 3, 0644, 0), FILE_OK);
	assert_int_equal(file_write(odd, "mine", 4, 0644, 0), FILE_OK);
	assert_int_equal(entries(), 4);

	assert_int_equal(file_write(path, "whole", 5, 0644, 1), FILE_OK);
	assert_int_equal(access(dead, F_OK), -1);
	assert_int_equal(access(live, F_OK), 0);
	assert_int_equal(access(other, F_OK), 0);
	assert_int_equal(access(odd, F_OK), 0);
	assert_int_equal(entries(), 4);
	unlink(path);
	unlink(live);
	unlink(other);
	unlink(odd);
}

static void a_fifo_or_a_directory_is_refused_and_left_as_it_is(void **state)
{
	char fifo[PATH_MAX], sub[PATH_MAX], link[PATH_MAX];
	struct file_tmp t;
	struct stat st;
	(void)state;

	snprintf(fifo, sizeof(fifo), "%s/fifo", dir);
	snprintf(sub, sizeof(sub), "%s/sub", dir);
	snprintf(link, sizeof(link), "%s/link", dir);
	assert_int_equal(mkfifo(fifo, 0600), 0);
	assert_int_equal(mkdir(sub, 0700), 0);
	assert_int_equal(symlink("fifo", link), 0);
	assert_int_equal(file_write(fifo, "x", 1, 0644, 1), FILE_ENOTREG);
	assert_int_equal(file_write(sub, "x", 1, 0644, 1), FILE_ENOTREG);
	assert_int_equal(file_write(link, "x", 1, 0644, 1), FILE_ENOTREG);
	assert_int_equal(file_tmp_open(&t, link, 0644), FILE_ENOTREG);
	assert_int_equal(lstat(fifo, &st), 0);
	assert_true(S_ISFIFO(st.st_mode));
	assert_int_equal(lstat(link, &st), 0);
	assert_true(S_ISLNK(st.st_mode));
	assert_int_equal(entries(), 3);
	unlink(link);
	unlink(fifo);
	rmdir(sub);
}

static void an_abandoned_write_leaves_nothing(void **state)
{
	char path[PATH_MAX];
	struct file_tmp t;
	(void)state;

	snprintf(path, sizeof(path), "%s/c.pdf", dir);
	assert_int_equal(file_tmp_open(&t, path, 0644), FILE_OK);
	assert_int_equal(write(t.fd, "%PDF", 4), 4);
	file_tmp_abort(&t);
	file_tmp_abort(&t); /* twice is harmless */
	assert_int_equal(entries(), 0);
}

static void the_same_file_is_known_by_any_of_its_names(void **state)
{
	char a[PATH_MAX], b[PATH_MAX], c[PATH_MAX], d[PATH_MAX];
	(void)state;

	snprintf(a, sizeof(a), "%s/same", dir);
	snprintf(b, sizeof(b), "%s/./same", dir);
	snprintf(c, sizeof(c), "%s/alias", dir);
	snprintf(d, sizeof(d), "%s/other", dir);
	assert_true(file_same(a, b)); /* not there yet: by its resolved path */
	assert_false(file_same(a, d));
	assert_int_equal(file_write(a, "x", 1, 0644, 1), FILE_OK);
	assert_int_equal(symlink("same", c), 0);
	assert_true(file_same(a, c)); /* there: by its inode */
	assert_false(file_same(a, d));
	unlink(c);
	unlink(a);
}

static void a_failed_write_is_told_by_its_cause(void **state)
{
	char buf[256];
	(void)state;

	assert_string_equal(file_errno_text(EROFS, "/media/usb/c.pdf", buf, sizeof(buf)),
			    "the file system holding /media/usb is read-only");
	assert_string_equal(file_errno_text(ENOSPC, "/media/usb/c.pdf", buf, sizeof(buf)),
			    "the disk is full");
	assert_string_equal(file_errno_text(EDQUOT, "c.pdf", buf, sizeof(buf)),
			    "the disk is full");
	assert_string_equal(file_errno_text(EACCES, "/srv/c.pdf", buf, sizeof(buf)),
			    "permission denied on /srv/c.pdf");
	assert_string_equal(file_errno_text(EROFS, "c.pdf", buf, sizeof(buf)),
			    "the file system holding . is read-only");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_file_is_replaced_whole_and_nothing_is_left_beside_it),
		cmocka_unit_test(a_killed_writers_temporary_is_cleared_by_the_next_write),
		cmocka_unit_test(a_fifo_or_a_directory_is_refused_and_left_as_it_is),
		cmocka_unit_test(an_abandoned_write_leaves_nothing),
		cmocka_unit_test(the_same_file_is_known_by_any_of_its_names),
		cmocka_unit_test(a_failed_write_is_told_by_its_cause),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
