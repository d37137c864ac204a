/*
 * Unit tests of usbids: the maker and product names a trainee reads next to a device.
 *
 * First against the system's usb.ids (Debian package usb.ids, the file Atelier reads
 * on a bench), then against small files written at test time into a fresh directory
 * under /tmp, removed afterwards: Windows line ends, comments, no final newline, the
 * class section after the vendor list, a missing or empty file, $ATELIER_USB_IDS.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "usb/usbids.h"
#include "util/log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#define NAME_SIZE 128
#define PATH_SIZE 256

struct fixture {
	char dir[64];	      /* from mkdtemp */
	char path[PATH_SIZE]; /* the usb.ids written by the test */
};

/* ---- helpers ---- */

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	snprintf(f->dir, sizeof(f->dir), "/tmp/atelier-usbids-XXXXXX");
	if (!mkdtemp(f->dir)) {
		free(f);
		return -1;
	}
	snprintf(f->path, sizeof(f->path), "%s/usb.ids", f->dir);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	unlink(f->path);
	rmdir(f->dir);
	free(f);
	return 0;
}

/* Write LEN bytes of TEXT as the fixture's usb.ids. */
static void write_ids_bytes(const struct fixture *f, const char *text, size_t len)
{
	FILE *fp = fopen(f->path, "wb");

	assert_non_null(fp);
	assert_int_equal(fwrite(text, 1, len, fp), len);
	assert_int_equal(fclose(fp), 0);
}

static void write_ids(const struct fixture *f, const char *text)
{
	write_ids_bytes(f, text, strlen(text));
}

static struct usbids *load(const char *path)
{
	struct usbids *ids = usbids_new(path);

	assert_non_null(ids);
	return ids;
}

/* The vendor name as a user reads it, or NULL. */
static const char *vendor(const struct usbids *ids, uint16_t vid, char out[NAME_SIZE])
{
	return usbids_vendor(ids, vid, out, NAME_SIZE);
}

static const char *product(const struct usbids *ids, uint16_t vid, uint16_t pid,
			   char out[NAME_SIZE])
{
	return usbids_product(ids, vid, pid, out, NAME_SIZE);
}

static struct usbids *load_system(void)
{
	if (access(USBIDS_DEFAULT_PATH, R_OK) != 0) {
		print_message("# %s not readable: install the usb.ids package\n",
			      USBIDS_DEFAULT_PATH);
		skip();
	}
	return load(USBIDS_DEFAULT_PATH);
}

/* ---- the system's usb.ids ---- */

static void system_file_names_apple_and_the_iphone(void **state)
{
	struct usbids *ids = load_system();
	char name[NAME_SIZE];

	(void)state;
	assert_true(usbids_vendor_count(ids) > 1000);
	assert_string_equal(vendor(ids, 0x05ac, name), "Apple, Inc.");
	assert_string_equal(product(ids, 0x05ac, 0x12a8, name), "iPhone 5/5C/5S/6/SE/7/8/X/XR");
	usbids_free(ids);
}

static void system_file_names_android_phones_under_their_own_maker(void **state)
{
	struct usbids *ids = load_system();
	char name[NAME_SIZE];

	(void)state;
	/* 4ee7 is listed under Google and under OnePlus with different names. */
	assert_string_equal(product(ids, 0x18d1, 0x4ee7, name),
			    "Nexus/Pixel Device (charging + debug)");
	assert_string_equal(vendor(ids, 0x0fce, name), "Sony Ericsson Mobile Communications AB");
	/* 0166 is listed under several makers. */
	assert_string_equal(product(ids, 0x0fce, 0x0166, name), "Xperia Mini Pro");
	usbids_free(ids);
}

static void system_file_has_no_name_for_unknown_ids(void **state)
{
	struct usbids *ids = load_system();
	char name[NAME_SIZE];

	(void)state;
	assert_null(vendor(ids, 0xffff, name));
	assert_null(vendor(ids, 0x0000, name));
	assert_null(product(ids, 0xffff, 0x0001, name));
	/* Apple is listed; 05ac:7777 is not. */
	assert_null(product(ids, 0x05ac, 0x7777, name));
	usbids_free(ids);
}

static void system_file_last_vendor_is_found_and_class_section_is_not_a_vendor(void **state)
{
	struct usbids *ids = load_system();
	char name[NAME_SIZE];

	(void)state;
	/* ffee is the last vendor in the Debian 12 file; the class list follows. */
	assert_string_equal(vendor(ids, 0xffee, name), "FNK Tech");
	assert_string_equal(product(ids, 0xffee, 0x0100, name),
			    "Card Reader Controller RTS5101/RTS5111/RTS5116");
	usbids_free(ids);
}

/* ---- files written by the test ---- */

static void windows_line_ends_do_not_show_in_names(void **state)
{
	struct fixture *f = *state;
	struct usbids *ids;
	char name[NAME_SIZE];

	write_ids(f, "# comment\r\n"
		     "\r\n"
		     "0fce  Sony Ericsson Mobile Communications AB\r\n"
		     "\t0166  Xperia Mini Pro\r\n"
		     "\t\t00  MTP\r\n"
		     "\r\n"
		     "18d1  Google Inc.\r\n"
		     "\t4ee7  Nexus/Pixel Device (charging + debug)\r\n");
	ids = load(f->path);
	assert_int_equal(usbids_vendor_count(ids), 2);
	assert_string_equal(vendor(ids, 0x0fce, name), "Sony Ericsson Mobile Communications AB");
	assert_string_equal(product(ids, 0x0fce, 0x0166, name), "Xperia Mini Pro");
	assert_string_equal(vendor(ids, 0x18d1, name), "Google Inc.");
	assert_string_equal(product(ids, 0x18d1, 0x4ee7, name),
			    "Nexus/Pixel Device (charging + debug)");
	assert_null(strchr(name, '\r'));
	usbids_free(ids);
}

static void comment_lines_are_not_names(void **state)
{
	struct fixture *f = *state;
	struct usbids *ids;
	char name[NAME_SIZE];

	write_ids(f, "#\n"
		     "#\tList of USB ID's\n"
		     "# 1111  Commented-out maker\n"
		     "#\t2222  Commented-out product\n"
		     "04e8  Samsung Electronics Co., Ltd\n"
		     "# a comment inside the maker's block\n"
		     "\t6860  Galaxy series, misc. (MTP mode)\n"
		     "#\t685d  Commented-out download mode\n"
		     "\t685d  GT-I9100 Phone [Galaxy S II] (Download mode)\n");
	ids = load(f->path);
	assert_int_equal(usbids_vendor_count(ids), 1);
	assert_null(vendor(ids, 0x1111, name));
	assert_string_equal(vendor(ids, 0x04e8, name), "Samsung Electronics Co., Ltd");
	assert_string_equal(product(ids, 0x04e8, 0x6860, name), "Galaxy series, misc. (MTP mode)");
	assert_string_equal(product(ids, 0x04e8, 0x685d, name),
			    "GT-I9100 Phone [Galaxy S II] (Download mode)");
	usbids_free(ids);
}

static void last_line_without_newline_is_read_whole(void **state)
{
	struct fixture *f = *state;
	struct usbids *ids;
	char name[NAME_SIZE];

	write_ids(f, "05ac  Apple, Inc.\n"
		     "\t12a8  iPhone 5/5C/5S/6/SE/7/8/X/XR\n"
		     "18d1  Google Inc.\n"
		     "\t4ee2  Nexus/Pixel Device (MTP + debug)");
	ids = load(f->path);
	assert_string_equal(product(ids, 0x18d1, 0x4ee2, name), "Nexus/Pixel Device (MTP + debug)");
	assert_string_equal(product(ids, 0x05ac, 0x12a8, name), "iPhone 5/5C/5S/6/SE/7/8/X/XR");
	usbids_free(ids);

	/* The last line a vendor, without a newline. */
	write_ids(f, "05ac  Apple, Inc.\n"
		     "\t12a8  iPhone 5/5C/5S/6/SE/7/8/X/XR\n"
		     "18d1  Google Inc.");
	ids = load(f->path);
	assert_string_equal(vendor(ids, 0x18d1, name), "Google Inc.");
	assert_null(product(ids, 0x18d1, 0x4ee2, name));
	usbids_free(ids);
}

static void long_name_is_cut_to_the_buffer_and_terminated(void **state)
{
	struct fixture *f = *state;
	struct usbids *ids;
	char out[16];

	write_ids(f, "05ac  Apple, Inc.\n"
		     "\t12a8  iPhone 5/5C/5S/6/SE/7/8/X/XR\n");
	ids = load(f->path);

	memset(out, 'X', sizeof(out));
	assert_ptr_equal(usbids_vendor(ids, 0x05ac, out, 6), out);
	assert_string_equal(out, "Apple");
	assert_int_equal(out[6], 'X'); /* nothing written past SIZE */

	memset(out, 'X', sizeof(out));
	assert_ptr_equal(usbids_product(ids, 0x05ac, 0x12a8, out, 7), out);
	assert_string_equal(out, "iPhone");
	assert_int_equal(out[7], 'X');

	/* Exactly the room needed. */
	assert_ptr_equal(usbids_vendor(ids, 0x05ac, out, sizeof("Apple, Inc.")), out);
	assert_string_equal(out, "Apple, Inc.");
	usbids_free(ids);
}

static void interface_line_is_never_taken_for_a_product(void **state)
{
	struct fixture *f = *state;
	struct usbids *ids;
	char name[NAME_SIZE];

	/* Interface lines have two tabs; even one with four hex digits is not a product. */
	write_ids(f, "0fce  Sony Ericsson Mobile Communications AB\n"
		     "\t0166  Xperia Mini Pro\n"
		     "\t\t00  MTP\n"
		     "\t\t0167  Not a product\n"
		     "\t0168  Next product\n");
	ids = load(f->path);
	assert_string_equal(product(ids, 0x0fce, 0x0166, name), "Xperia Mini Pro");
	assert_null(product(ids, 0x0fce, 0x0167, name));
	assert_null(product(ids, 0x0fce, 0x0000, name));
	assert_string_equal(product(ids, 0x0fce, 0x0168, name), "Next product");
	usbids_free(ids);
}

static void class_section_after_the_vendors_is_not_a_vendor(void **state)
{
	struct fixture *f = *state;
	struct usbids *ids;
	char name[NAME_SIZE];

	write_ids(f, "ff00  Power Delivery\n"
		     "ffee  FNK Tech\n"
		     "\t0100  Card Reader Controller\n"
		     "\n"
		     "# List of known device classes, subclasses and protocols\n"
		     "\n"
		     "C 00  (Defined at Interface level)\n"
		     "C 02  Communications\n"
		     "\t01  Direct Line\n"
		     "\t0200  Not a product of FNK Tech\n"
		     "\t\t01  AT-commands (v.25ter)\n"
		     "VT 0100  USB Specific\n"
		     "ff01  Not a vendor: after the class list\n");
	ids = load(f->path);
	assert_int_equal(usbids_vendor_count(ids), 2);
	assert_string_equal(vendor(ids, 0xffee, name), "FNK Tech");
	assert_string_equal(product(ids, 0xffee, 0x0100, name), "Card Reader Controller");
	assert_null(product(ids, 0xffee, 0x0200, name));
	assert_null(vendor(ids, 0xff01, name));
	assert_null(vendor(ids, 0x0c00, name));
	assert_null(vendor(ids, 0x0000, name));
	usbids_free(ids);
}

static void hand_edited_file_out_of_order_still_gives_names(void **state)
{
	struct fixture *f = *state;
	struct usbids *ids;
	char name[NAME_SIZE];

	write_ids(f, "18d1  Google Inc.\n"
		     "\t4ee7  Nexus/Pixel Device (charging + debug)\n"
		     "05ac  Apple, Inc.\n"
		     "\t12a8  iPhone 5/5C/5S/6/SE/7/8/X/XR\n"
		     "0fce  Sony Ericsson Mobile Communications AB\n");
	ids = load(f->path);
	assert_int_equal(usbids_vendor_count(ids), 3);
	assert_string_equal(vendor(ids, 0x05ac, name), "Apple, Inc.");
	assert_string_equal(vendor(ids, 0x0fce, name), "Sony Ericsson Mobile Communications AB");
	assert_string_equal(product(ids, 0x18d1, 0x4ee7, name),
			    "Nexus/Pixel Device (charging + debug)");
	assert_string_equal(product(ids, 0x05ac, 0x12a8, name), "iPhone 5/5C/5S/6/SE/7/8/X/XR");
	usbids_free(ids);
}

static void missing_file_gives_no_names_and_no_error(void **state)
{
	struct fixture *f = *state;
	struct usbids *ids;
	char name[NAME_SIZE];

	ids = load(f->path); /* never written */
	assert_int_equal(usbids_vendor_count(ids), 0);
	assert_null(vendor(ids, 0x05ac, name));
	assert_null(product(ids, 0x05ac, 0x12a8, name));
	assert_null(vendor(ids, 0x0000, name));
	usbids_free(ids);
}

static void empty_file_gives_no_names(void **state)
{
	struct fixture *f = *state;
	struct usbids *ids;
	char name[NAME_SIZE];

	write_ids(f, "");
	ids = load(f->path);
	assert_int_equal(usbids_vendor_count(ids), 0);
	assert_null(vendor(ids, 0x05ac, name));
	assert_null(product(ids, 0x05ac, 0x12a8, name));
	usbids_free(ids);

	write_ids(f, "# nothing but comments\n\n");
	ids = load(f->path);
	assert_int_equal(usbids_vendor_count(ids), 0);
	assert_null(vendor(ids, 0x05ac, name));
	usbids_free(ids);
}

static void directory_instead_of_a_file_gives_no_names(void **state)
{
	struct fixture *f = *state;
	struct usbids *ids;
	char name[NAME_SIZE];

	ids = load(f->dir);
	assert_int_equal(usbids_vendor_count(ids), 0);
	assert_null(vendor(ids, 0x05ac, name));
	usbids_free(ids);
}

/* A usb.ids of SIZE bytes: one vendor line, then zero bytes (a sparse file). */
static void write_padded_ids(const struct fixture *f, off_t size)
{
	write_ids(f, "05ac  Apple, Inc.\n");
	assert_int_equal(truncate(f->path, size), 0);
}

static void file_up_to_the_size_limit_is_read_and_a_larger_one_ignored(void **state)
{
	struct fixture *f = *state;
	struct usbids *ids;
	char name[NAME_SIZE];

	write_padded_ids(f, (off_t)USBIDS_MAX_BYTES);
	ids = load(f->path);
	assert_int_equal(usbids_vendor_count(ids), 1);
	assert_string_equal(vendor(ids, 0x05ac, name), "Apple, Inc.");
	usbids_free(ids);

	write_padded_ids(f, (off_t)USBIDS_MAX_BYTES + 1);
	ids = load(f->path);
	assert_int_equal(usbids_vendor_count(ids), 0);
	assert_null(vendor(ids, 0x05ac, name));
	usbids_free(ids);
}

static void no_handle_at_all_gives_no_names(void **state)
{
	char name[NAME_SIZE];

	(void)state;
	assert_int_equal(usbids_vendor_count(NULL), 0);
	assert_null(vendor(NULL, 0x05ac, name));
	assert_null(product(NULL, 0x05ac, 0x12a8, name));
	usbids_free(NULL);
}

static void environment_variable_names_the_file(void **state)
{
	struct fixture *f = *state;
	struct usbids *ids;
	char name[NAME_SIZE];

	write_ids(f, "1234  Bench Test Maker\n"
		     "\t5678  Bench Test Phone\n");
	assert_int_equal(setenv("ATELIER_USB_IDS", f->path, 1), 0);
	ids = load(NULL);
	assert_int_equal(unsetenv("ATELIER_USB_IDS"), 0);
	assert_int_equal(usbids_vendor_count(ids), 1);
	assert_string_equal(vendor(ids, 0x1234, name), "Bench Test Maker");
	assert_string_equal(product(ids, 0x1234, 0x5678, name), "Bench Test Phone");
	usbids_free(ids);
}

static void explicit_path_wins_over_environment_variable(void **state)
{
	struct fixture *f = *state;
	struct usbids *ids;
	char name[NAME_SIZE];

	write_ids(f, "1234  Bench Test Maker\n");
	assert_int_equal(setenv("ATELIER_USB_IDS", "/nonexistent/usb.ids", 1), 0);
	ids = load(f->path);
	assert_int_equal(unsetenv("ATELIER_USB_IDS"), 0);
	assert_string_equal(vendor(ids, 0x1234, name), "Bench Test Maker");
	usbids_free(ids);
}

int main(void)
{
#define story(test) cmocka_unit_test_setup_teardown(test, setup, teardown)
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(system_file_names_apple_and_the_iphone),
		cmocka_unit_test(system_file_names_android_phones_under_their_own_maker),
		cmocka_unit_test(system_file_has_no_name_for_unknown_ids),
		cmocka_unit_test(
		    system_file_last_vendor_is_found_and_class_section_is_not_a_vendor),
		story(windows_line_ends_do_not_show_in_names),
		story(comment_lines_are_not_names),
		story(last_line_without_newline_is_read_whole),
		story(long_name_is_cut_to_the_buffer_and_terminated),
		story(interface_line_is_never_taken_for_a_product),
		story(class_section_after_the_vendors_is_not_a_vendor),
		story(hand_edited_file_out_of_order_still_gives_names),
		story(missing_file_gives_no_names_and_no_error),
		story(empty_file_gives_no_names),
		story(directory_instead_of_a_file_gives_no_names),
		story(file_up_to_the_size_limit_is_read_and_a_larger_one_ignored),
		cmocka_unit_test(no_handle_at_all_gives_no_names),
		story(environment_variable_names_the_file),
		story(explicit_path_wins_over_environment_variable),
	};
#undef story

	log_set_level(LOG_WARN); /* no "cannot read" debug lines between the results */
	unsetenv("ATELIER_USB_IDS");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
