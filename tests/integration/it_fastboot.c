/*
 * A phone in fastboot mode on the bench, read over libusb as a trainee would read it,
 * inside a umockdev testbed whose ioctl handler (tests/lib/fastboot_fake.c) plays the
 * bootloader: libusb's Linux backend submits and reaps real usbdevfs URBs against it.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <libusb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>
#include <umockdev.h>

#include "../lib/fastboot_fake.h"
#include "../lib/proc.h"
#include "../lib/testbed.h"
#include "probe/facts.h"
#include "probe/fastboot.h"
#include "util/clock.h"

#define POCO_F3 "tests/fixtures/android/fastboot-getvar-all_xiaomi_poco-f3-alioth_unlocked.txt"
#define PORT "usb:1-4"

static struct tb *tb;
static struct fbfake *fk;

/* A Xiaomi phone in fastboot mode (18d1:d00d, one ff/42/03 interface with a bulk IN
 * and a bulk OUT endpoint) on port 1-4, with the fake bootloader on its device node. */
static int setup(void **state)
{
	struct tb_dev d = tb_simple("1-4", 0x18d1, 0xd00d, "8d1cac2", 0xff, 0x42, 0x03);
	char node[64];
	(void)state;

	tb = tb_new();
	tb_add(tb, &d);
	snprintf(node, sizeof(node), "/dev/bus/usb/001/%03d", tb_devnum(tb, "1-4"));
	fk = fbfake_new(tb_umockdev(tb), node);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	fbfake_free(fk);
	fk = NULL;
	tb_free(tb);
	tb = NULL;
	return 0;
}

/* getvar:all on PORT with a fresh libusb context; *OUT freed by the caller. */
static enum fastboot_err getvar_all(int timeout_ms, char **out)
{
	libusb_context *ctx = NULL;
	enum fastboot_err err;
	size_t len = 0;

	assert_int_equal(libusb_init(&ctx), LIBUSB_SUCCESS);
	err = fastboot_getvar_all(ctx, PORT, timeout_ms, out, &len);
	if (*out)
		assert_int_equal(strlen(*out), len);
	libusb_exit(ctx);
	return err;
}

static void poco_f3_in_fastboot_reads_unlocked_bootloader_and_alioth(void **state)
{
	struct facts *f = facts_new();
	(void)state;

	assert_true(fbfake_reply_capture(fk, "getvar:all", POCO_F3) > 200);
	assert_int_equal(fastboot_probe(PORT, 10000, f), FASTBOOT_OK);
	assert_string_equal(facts_get_string(f, "platform"), "android");
	assert_string_equal(facts_get_string(f, "connection.via"), "fastboot");
	assert_string_equal(facts_get_string(f, "connection.mode"), "fastboot");
	assert_string_equal(facts_get_string(f, "connection.id"), PORT);
	assert_string_equal(facts_get_string(f, "identity.model_id"), "alioth");
	assert_string_equal(facts_get_string(f, "identity.serial"), "8d1cac2");
	assert_string_equal(facts_get_string(f, "locks.bootloader"), "unlocked");
	/* One command, and the phone is left free for the fastboot tool. */
	assert_int_equal(fbfake_commands(fk), 1);
	assert_false(fbfake_claimed(fk));
	facts_free(f);
}

static void getvar_all_text_is_the_bootloader_lines_in_order(void **state)
{
	char *out = NULL;
	(void)state;

	fbfake_reply_capture(fk, "getvar:all", POCO_F3);
	assert_int_equal(getvar_all(10000, &out), FASTBOOT_OK);
	assert_non_null(out);
	assert_memory_equal(out, "crc:1\nDP:0xFF\n", 14);
	assert_non_null(strstr(out, "\npartition-size:boot_a: 0x"));
	assert_non_null(strstr(out, "\nkernel:uefi"));
	assert_null(strstr(out, "(bootloader)"));
	free(out);
}

static void bootloader_refusing_getvar_all_says_why(void **state)
{
	char *out = NULL;
	struct facts *f = facts_new();
	json_t *errors;
	char *dump;
	(void)state;

	fbfake_reply_str(fk, "getvar:all", "FAILVariable not implemented");
	assert_int_equal(getvar_all(5000, &out), FASTBOOT_EFAIL);
	assert_string_equal(out, "Variable not implemented");
	free(out);
	assert_false(fbfake_claimed(fk));

	/* The probe keeps what it knows and tells the trainee the bootloader's reason. */
	assert_int_equal(fastboot_probe(PORT, 5000, f), FASTBOOT_EFAIL);
	assert_string_equal(facts_get_string(f, "connection.mode"), "fastboot");
	assert_false(facts_known(f, "identity.model_id"));
	errors = json_object_get(facts_json(f), "errors");
	assert_true(json_array_size(errors) > 0);
	dump = json_dumps(errors, 0);
	assert_non_null(strstr(dump, "Variable not implemented"));
	free(dump);
	facts_free(f);
}

static void bootloader_that_never_answers_times_out_instead_of_hanging(void **state)
{
	char *out = NULL;
	int64_t t0;
	(void)state;

	fbfake_set_silent(fk, 1);
	t0 = clock_mono_ms();
	assert_int_equal(getvar_all(1500, &out), FASTBOOT_ETIMEOUT);
	assert_null(out);
	assert_true(clock_mono_ms() - t0 >= 1400);
	assert_true(clock_mono_ms() - t0 < 4000);
	assert_int_equal(fbfake_commands(fk), 1);
	assert_false(fbfake_claimed(fk));
}

static void phone_unplugged_before_the_probe_is_not_found(void **state)
{
	struct facts *f = facts_new();
	char *out = NULL;
	(void)state;

	fbfake_free(fk);
	fk = NULL;
	tb_remove(tb, "1-4");
	assert_int_equal(getvar_all(2000, &out), FASTBOOT_ENODEV);
	assert_null(out);
	assert_int_equal(fastboot_probe(PORT, 2000, f), FASTBOOT_ENODEV);
	assert_false(facts_known(f, "identity.model_id"));
	assert_true(facts_error_count(f) > 0);
	facts_free(f);
}

static void phone_unplugged_while_answering_is_reported_lost(void **state)
{
	char *out = NULL;
	int64_t t0 = clock_mono_ms();
	(void)state;

	fbfake_reply_capture(fk, "getvar:all", POCO_F3);
	fbfake_unplug_after(fk, 20);
	assert_int_equal(getvar_all(10000, &out), FASTBOOT_ELOST);
	assert_null(out);
	assert_true(clock_mono_ms() - t0 < 3000); /* told at once, not at the deadline */
}

static void garbage_replies_are_a_protocol_error(void **state)
{
	static const uint8_t noise[] = { 0x01, 0x02, 'h', 'e', 'l', 'l', 'o', 0xff };
	char *out = NULL;
	(void)state;

	fbfake_reply_str(fk, "getvar:all", "INFOproduct:alioth");
	fbfake_reply(fk, "getvar:all", noise, sizeof(noise));
	assert_int_equal(getvar_all(5000, &out), FASTBOOT_EPROTO);
	assert_null(out);
	assert_false(fbfake_claimed(fk));
}

static void endless_info_lines_stop_at_the_bound(void **state)
{
	char *out = NULL;
	(void)state;

	for (int i = 0; i <= FASTBOOT_LINES_MAX; i++) {
		char pkt[64];

		snprintf(pkt, sizeof(pkt), "INFOpartition-size:p%d: 0x1000", i);
		fbfake_reply_str(fk, "getvar:all", pkt);
	}
	fbfake_reply_str(fk, "getvar:all", "OKAY");
	assert_int_equal(getvar_all(30000, &out), FASTBOOT_ETOOBIG);
	assert_null(out);
	assert_false(fbfake_claimed(fk));
}

static void fastboot_tool_holding_the_phone_is_reported_busy(void **state)
{
	struct facts *f = facts_new();
	(void)state;

	fbfake_set_claim_errno(fk, EBUSY);
	fbfake_reply_capture(fk, "getvar:all", POCO_F3);
	assert_int_equal(fastboot_probe(PORT, 5000, f), FASTBOOT_EBUSY);
	assert_int_equal(fbfake_commands(fk), 0);
	assert_non_null(strstr(fastboot_strerror(FASTBOOT_EBUSY), "another program"));
	facts_free(f);
}

/* A scripted transport: replies from a list, no USB at all (the protocol alone). */
struct script {
	const char *const *replies;
	size_t next;
	char sent[FASTBOOT_CMD_MAX + 1];
};

static enum fastboot_err script_send(void *ctx, const void *buf, size_t len, int timeout_ms)
{
	struct script *s = ctx;

	assert_true(timeout_ms > 0);
	assert_true(len <= FASTBOOT_CMD_MAX);
	memcpy(s->sent, buf, len);
	s->sent[len] = '\0';
	return FASTBOOT_OK;
}

static enum fastboot_err script_recv(void *ctx, void *buf, size_t size, size_t *got, int timeout_ms)
{
	struct script *s = ctx;
	const char *r = s->replies[s->next];

	assert_true(timeout_ms > 0 && timeout_ms <= FASTBOOT_REPLY_TIMEOUT_MS);
	if (!r)
		return FASTBOOT_ETIMEOUT;
	s->next++;
	*got = strlen(r) < size ? strlen(r) : size;
	memcpy(buf, r, *got);
	return FASTBOOT_OK;
}

static void newer_bootloader_text_lines_and_long_packets_are_read(void **state)
{
	static const char *const replies[] = {
		"TEXTChecking the battery...",
		"INFOproduct: alioth",
		"INFOUNLOCKED:YES",
		"INFObad\x01line",
		"INFOversion-bootloader:"
		"0123456789012345678901234567890123456789012345678901234567890123456789"
		"0123456789012345678901234567890123456789012345678901234567890123456789"
		"0123456789012345678901234567890123456789",
		"OKAY0.4",
		NULL,
	};
	struct script sc = { replies, 0, "" };
	struct fastboot_transport t = { script_send, script_recv, &sc };
	char *out = NULL, *okay = NULL;
	size_t len = 0;
	(void)state;

	assert_int_equal(fastboot_command(&t, "getvar:all", 5000, &out, &len, &okay), FASTBOOT_OK);
	assert_string_equal(sc.sent, "getvar:all");
	assert_string_equal(okay, "0.4");
	assert_memory_equal(out, "product: alioth\nUNLOCKED:YES\nbad?line\nversion-bootloader:0123",
			    61);
	assert_null(strstr(out, "battery"));
	assert_int_equal(strlen(out), len);
	free(out);
	free(okay);
}

static void output_past_64_kib_is_refused(void **state)
{
	static char big[FASTBOOT_PACKET_MAX];
	const char *replies[FASTBOOT_LINES_MAX + 2];
	struct script sc = { replies, 0, "" };
	struct fastboot_transport t = { script_send, script_recv, &sc };
	char *out = NULL;
	size_t len = 0;
	(void)state;

	memset(big, 'x', sizeof(big) - 1);
	memcpy(big, "INFOk:", 6);
	for (size_t i = 0; i < FASTBOOT_LINES_MAX; i++)
		replies[i] = big; /* 2000 x 505 bytes: far past 64 KiB */
	replies[FASTBOOT_LINES_MAX] = "OKAY";
	replies[FASTBOOT_LINES_MAX + 1] = NULL;
	assert_int_equal(fastboot_getvar_all_on(&t, 5000, &out, &len), FASTBOOT_ETOOBIG);
	assert_null(out);
	assert_int_equal(len, 0);
	assert_true(sc.next <= FASTBOOT_OUT_MAX / 500 + 1); /* stopped reading at the bound */
}

/* What the trainee runs: `atelier probe --json` finds the phone in fastboot mode by USB
 * and reads it in a worker process, through the same fake bootloader. */
static void probe_command_shows_the_fastboot_card(void **state)
{
	char dir[] = "/tmp/atelier-fb-XXXXXX", cmd[96];
	const char *argv[] = { "--data", dir, "probe", "--json", "--timeout", "10", NULL };
	struct proc_result r;
	json_t *arr, *dev;
	(void)state;

	assert_true(fbfake_reply_capture(fk, "getvar:all", POCO_F3) > 200);
	assert_non_null(mkdtemp(dir));
	setenv("USBMUXD_SOCKET_ADDRESS", "UNIX:/nonexistent/usbmuxd.sock", 1);
	proc_run(&r, argv);
	unsetenv("USBMUXD_SOCKET_ADDRESS");
	arr = json_loads(r.out, 0, NULL);
	if (!arr)
		fprintf(stderr, "probe printed: %s\n%s\n", r.out, r.err);
	assert_non_null(arr);
	assert_int_equal(r.status, 0);
	assert_int_equal(json_array_size(arr), 1);
	dev = json_array_get(arr, 0);
	assert_string_equal(json_string_value(json_object_get(json_object_get(dev, "connection"), "mode")),
			    "fastboot");
	assert_string_equal(json_string_value(json_object_get(json_object_get(dev, "locks"), "bootloader")),
			    "unlocked");
	assert_string_equal(json_string_value(json_object_get(json_object_get(dev, "identity"), "model_id")),
			    "alioth");
	json_decref(arr);
	proc_result_free(&r);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(probe_command_shows_the_fastboot_card, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    poco_f3_in_fastboot_reads_unlocked_bootloader_and_alioth, setup, teardown),
		cmocka_unit_test_setup_teardown(getvar_all_text_is_the_bootloader_lines_in_order,
						setup, teardown),
		cmocka_unit_test_setup_teardown(bootloader_refusing_getvar_all_says_why, setup,
						teardown),
		cmocka_unit_test_setup_teardown(
		    bootloader_that_never_answers_times_out_instead_of_hanging, setup, teardown),
		cmocka_unit_test_setup_teardown(phone_unplugged_before_the_probe_is_not_found,
						setup, teardown),
		cmocka_unit_test_setup_teardown(phone_unplugged_while_answering_is_reported_lost,
						setup, teardown),
		cmocka_unit_test_setup_teardown(garbage_replies_are_a_protocol_error, setup,
						teardown),
		cmocka_unit_test_setup_teardown(endless_info_lines_stop_at_the_bound, setup,
						teardown),
		cmocka_unit_test_setup_teardown(fastboot_tool_holding_the_phone_is_reported_busy,
						setup, teardown),
		cmocka_unit_test(newer_bootloader_text_lines_and_long_packets_are_read),
		cmocka_unit_test(output_past_64_kib_is_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
