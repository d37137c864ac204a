/* Devices are known by what they are, not where they are plugged: UDID, serial, IMEI. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "probe/usbmux.h"
#include "../lib/records_here.h"
#include "store/store.h"

static char dir[64];
static struct store *st;

static int setup(void **state)
{
	int found;
	(void)state;

	snprintf(dir, sizeof(dir), "/tmp/atelier-ps-XXXXXX");
	assert_non_null(mkdtemp(dir));
	assert_int_equal(records_here(dir), 0);
	assert_int_equal(store_open(dir, 1, &st, &found), STORE_OK);
	return 0;
}

static int teardown(void **state)
{
	char cmd[96];
	(void)state;

	store_free(st);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd);
}

static struct store_probe probe_of(const char *udid, const char *serial, const char *imei,
				   long long t, const char *facts)
{
	struct store_probe p = { "ios", udid, serial, imei, t, "atelier test", facts };

	return p;
}

static void replugged_phone_is_the_same_device_with_two_probes(void **state)
{
	struct store_probe a = probe_of("00008110-000E44540A2A0000", "C1QQABCD4R", NULL, 1000,
					"{\"n\":1}");
	struct store_probe b = probe_of("00008110-000E44540A2A0000", "C1QQABCD4R", NULL, 5000,
					"{\"n\":2}");
	struct store_device_row row;
	long long id1, id2, t;
	char *facts;
	(void)state;

	assert_int_equal(store_record_probe(st, &a, &id1), STORE_OK);
	assert_int_equal(store_record_probe(st, &b, &id2), STORE_OK);
	assert_int_equal(id1, id2);
	assert_int_equal(store_find_device(st, "C1QQABCD4R", &row), STORE_OK);
	assert_int_equal(row.probes, 2);
	assert_int_equal(row.first_seen_ms, 1000);
	assert_int_equal(row.last_seen_ms, 5000);
	assert_int_equal(store_latest_probe(st, row.id, &facts, &t), STORE_OK);
	assert_string_equal(facts, "{\"n\":2}");
	assert_int_equal(t, 5000);
	free(facts);
}

static void a_device_first_known_by_imei_gains_its_serial(void **state)
{
	struct store_probe a = probe_of(NULL, NULL, "356789104567891", 1000, "{}");
	struct store_probe b = probe_of(NULL, "R58M12ABCDE", "356789104567891", 2000, "{}");
	struct store_device_row row;
	long long id1, id2;
	(void)state;

	assert_int_equal(store_record_probe(st, &a, &id1), STORE_OK);
	assert_int_equal(store_record_probe(st, &b, &id2), STORE_OK);
	assert_int_equal(id1, id2);
	assert_int_equal(store_find_device(st, "R58M12ABCDE", &row), STORE_OK);
	assert_string_equal(row.imei, "356789104567891");
	assert_string_equal(row.serial, "R58M12ABCDE");
}

static void two_phones_are_two_devices(void **state)
{
	struct store_probe a = probe_of("UDID-A", NULL, NULL, 1000, "{}");
	struct store_probe b = probe_of("UDID-B", NULL, NULL, 1000, "{}");
	long long id1, id2;
	(void)state;

	assert_int_equal(store_record_probe(st, &a, &id1), STORE_OK);
	assert_int_equal(store_record_probe(st, &b, &id2), STORE_OK);
	assert_int_not_equal(id1, id2);
}

static void a_probe_with_nothing_to_identify_it_is_refused(void **state)
{
	struct store_probe a = probe_of(NULL, NULL, NULL, 1000, "{}");
	struct store_device_row row;
	(void)state;

	assert_int_equal(store_record_probe(st, &a, NULL), STORE_EINVAL);
	assert_int_equal(store_find_device(st, "anything", &row), STORE_ENOENT);
}

static void usb_serial_and_udid_name_the_same_iphone(void **state)
{
	(void)state;
	assert_true(usbmux_same_device("00008110000E44540A2A0000", "00008110-000E44540A2A0000"));
	assert_true(usbmux_same_device("3a9f6c2e1b0d4e5f60718293a4b5c6d7e8f90123",
				       "3A9F6C2E1B0D4E5F60718293A4B5C6D7E8F90123"));
	assert_false(usbmux_same_device("00008110000E44540A2A0001", "00008110-000E44540A2A0000"));
	assert_false(usbmux_same_device("00008110000E44540A2A00", "00008110-000E44540A2A0000"));
	assert_false(usbmux_same_device("", "00008110-000E44540A2A0000"));
	assert_false(usbmux_same_device(NULL, "x"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(replugged_phone_is_the_same_device_with_two_probes, setup, teardown),
		cmocka_unit_test_setup_teardown(a_device_first_known_by_imei_gains_its_serial, setup, teardown),
		cmocka_unit_test_setup_teardown(two_phones_are_two_devices, setup, teardown),
		cmocka_unit_test_setup_teardown(a_probe_with_nothing_to_identify_it_is_refused, setup, teardown),
		cmocka_unit_test(usb_serial_and_udid_name_the_same_iphone),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
