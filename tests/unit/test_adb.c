/*
 * The adb host-protocol client against the real adb server of Debian's adb package
 * (on a port of its own, no phone attached), and against a tiny scripted server for
 * what a real server without phones cannot show: shell v2 packets, legacy shell,
 * malformed answers, silence.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../lib/fake.h"
#include "probe/adb.h"

/* A free TCP port on 127.0.0.1 (bound, then released). */
static unsigned short free_port(void)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t sl = sizeof(sa);
	int s = socket(AF_INET, SOCK_STREAM, 0);

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(s, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(getsockname(s, (struct sockaddr *)&sa, &sl), 0);
	close(s);
	return ntohs(sa.sin_port);
}

static void use_port(unsigned short port)
{
	char p[16];

	snprintf(p, sizeof(p), "%u", port);
	unsetenv("ADB_SERVER_SOCKET");
	setenv("ANDROID_ADB_SERVER_PORT", p, 1);
}

static void missing_server_is_started_and_answers_version_41(void **state)
{
	struct adb_client c;
	char *text = NULL;
	size_t len;
	int version = 0;
	(void)state;

	use_port(free_port());
	assert_int_equal(adb_client_init(&c, 10000), ADB_OK);
	/* Nothing listens there yet: the client starts Debian's adb server itself. */
	assert_int_equal(adb_ensure_server(&c, &version), ADB_OK);
	assert_int_equal(version, 0x29);
	assert_int_equal(adb_host_query(&c, "host:devices-l", &text, &len), ADB_OK);
	assert_int_equal(len, 0); /* no phone on this machine */
	free(text);
	/* A refusal comes with the server's own words. */
	assert_int_equal(adb_host_query(&c, "host:transport:ABC123", &text, &len), ADB_EFAIL);
	assert_string_equal(c.fail, "device 'ABC123' not found");
	assert_int_equal(adb_host_query(&c, "host:nonsense", &text, &len), ADB_EFAIL);
	assert_string_equal(c.fail, "unknown host service");
	/* Stop the server we started. */
	{
		int fd;

		assert_int_equal(adb_connect(&c, &fd), ADB_OK);
		if (adb_send_request(&c, fd, "host:kill") != ADB_OK) {
			/* the server may close before it says OKAY */
		}
		close(fd);
	}
	unsetenv("ANDROID_ADB_SERVER_PORT");
}

static void server_address_comes_from_the_environment(void **state)
{
	struct adb_client c;
	(void)state;

	unsetenv("ANDROID_ADB_SERVER_PORT");
	setenv("ADB_SERVER_SOCKET", "tcp:127.0.0.1:5999", 1);
	assert_int_equal(adb_client_init(&c, 1000), ADB_OK);
	assert_string_equal(c.host, "127.0.0.1");
	assert_int_equal(c.port, 5999);
	setenv("ADB_SERVER_SOCKET", "tcp:6001", 1);
	assert_int_equal(adb_client_init(&c, 1000), ADB_OK);
	assert_int_equal(c.port, 6001);
	setenv("ADB_SERVER_SOCKET", "udp:1", 1);
	assert_int_equal(adb_client_init(&c, 1000), ADB_ENOSERVER);
	unsetenv("ADB_SERVER_SOCKET");
	setenv("ANDROID_ADB_SERVER_PORT", "5044", 1);
	assert_int_equal(adb_client_init(&c, 1000), ADB_OK);
	assert_int_equal(c.port, 5044);
	setenv("ANDROID_ADB_SERVER_PORT", "notaport", 1);
	assert_int_equal(adb_client_init(&c, 1000), ADB_ENOSERVER);
	unsetenv("ANDROID_ADB_SERVER_PORT");
	assert_int_equal(adb_client_init(&c, 1000), ADB_OK);
	assert_int_equal(c.port, 5037);
}

/* ---- a scripted server: answers one connection per script line ---- */

struct script {
	const char *const *answers; /* raw bytes to send after reading each request */
	const size_t *lens;
	size_t n;
	int hang_last;              /* say nothing after the last answer, keep open */
};

static pid_t serve(unsigned short port, const struct script *sc)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(port) };
	int ls = socket(AF_INET, SOCK_STREAM, 0), one = 1;
	pid_t pid;

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	assert_int_equal(bind(ls, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(listen(ls, 4), 0);
	pid = fork();
	if (pid == 0) {
		int c = accept(ls, NULL, NULL);

		for (size_t i = 0; i < sc->n; i++) {
			char buf[4096];

			/* Each step: read one request (hex4 + payload), then answer. */
			if (recv(c, buf, 4, MSG_WAITALL) != 4)
				_exit(1);
			buf[4] = '\0';
			{
				size_t len = strtoul(buf, NULL, 16);

				if (len && recv(c, buf, len, MSG_WAITALL) != (ssize_t)len)
					_exit(1);
			}
			if (send(c, sc->answers[i], sc->lens[i], 0) < 0)
				_exit(1);
		}
		if (sc->hang_last)
			pause();
		close(c);
		_exit(0);
	}
	close(ls);
	return pid;
}

static void reap(pid_t pid)
{
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

#define ANSWER(s) s, sizeof(s) - 1

static void shell_v2_gives_stdout_stderr_and_the_exit_code(void **state)
{
	static const char tport[] = "OKAY\x07\x00\x00\x00\x00\x00\x00\x00";
	static const char shell[] = "OKAY"
				    "\x01\x06\x00\x00\x00hello\n"
				    "\x02\x04\x00\x00\x00" "err\n"
				    "\x01\x03\x00\x00\x00ok\n"
				    "\x03\x01\x00\x00\x00\x2a";
	const char *answers[] = { tport, shell };
	const size_t lens[] = { sizeof(tport) - 1, sizeof(shell) - 1 };
	struct script sc = { answers, lens, 2, 0 };
	unsigned short port = free_port();
	struct adb_client c;
	struct adb_shell_result r;
	pid_t pid;
	(void)state;

	pid = serve(port, &sc);
	use_port(port);
	assert_int_equal(adb_client_init(&c, 5000), ADB_OK);
	assert_int_equal(adb_shell(&c, "FAKE0001", "getprop", 1, &r), ADB_OK);
	assert_string_equal(r.out, "hello\nok\n");
	assert_string_equal(r.err, "err\n");
	assert_int_equal(r.exit_code, 42);
	adb_shell_result_release(&r);
	reap(pid);
}

static void legacy_shell_reads_to_the_end_without_an_exit_code(void **state)
{
	static const char tport[] = "OKAY\x07\x00\x00\x00\x00\x00\x00\x00";
	static const char shell[] = "OKAY[ro.product.model]: [SM-J410G]\r\n";
	const char *answers[] = { tport, shell };
	const size_t lens[] = { sizeof(tport) - 1, sizeof(shell) - 1 };
	struct script sc = { answers, lens, 2, 0 };
	unsigned short port = free_port();
	struct adb_client c;
	struct adb_shell_result r;
	pid_t pid;
	(void)state;

	pid = serve(port, &sc);
	use_port(port);
	assert_int_equal(adb_client_init(&c, 5000), ADB_OK);
	assert_int_equal(adb_shell(&c, "OLD01", "getprop", 0, &r), ADB_OK);
	assert_string_equal(r.out, "[ro.product.model]: [SM-J410G]\r\n");
	assert_int_equal(r.exit_code, -1);
	adb_shell_result_release(&r);
	reap(pid);
}

static void unauthorized_phone_is_a_refusal_with_the_server_words(void **state)
{
	static const char fail[] = "FAIL0014device unauthorized.";
	const char *answers[] = { fail };
	const size_t lens[] = { sizeof(fail) - 1 };
	struct script sc = { answers, lens, 1, 0 };
	unsigned short port = free_port();
	struct adb_client c;
	struct adb_shell_result r;
	pid_t pid;
	(void)state;

	pid = serve(port, &sc);
	use_port(port);
	assert_int_equal(adb_client_init(&c, 5000), ADB_OK);
	assert_int_equal(adb_shell(&c, "LOCKED1", "getprop", 1, &r), ADB_EFAIL);
	assert_string_equal(c.fail, "device unauthorized.");
	adb_shell_result_release(&r);
	reap(pid);
}

static void malformed_and_silent_servers_are_errors_not_hangs(void **state)
{
	static const char badword[] = "OKAX";
	static const char badhex[] = "OKAYzz12";
	static const char tport[] = "OKAY\x07\x00\x00\x00\x00\x00\x00\x00";
	static const char truncated[] = "OKAY\x01\x10\x00\x00\x00" "abc"; /* says 16, sends 3 */
	static const char huge[] = "OKAY\x01\xff\xff\xff\x7f";
	const char *a1[] = { badword };
	const size_t l1[] = { sizeof(badword) - 1 };
	const char *a2[] = { badhex };
	const size_t l2[] = { sizeof(badhex) - 1 };
	const char *a3[] = { tport, truncated };
	const size_t l3[] = { sizeof(tport) - 1, sizeof(truncated) - 1 };
	const char *a4[] = { tport, huge };
	const size_t l4[] = { sizeof(tport) - 1, sizeof(huge) - 1 };
	struct script s1 = { a1, l1, 1, 0 }, s2 = { a2, l2, 1, 0 }, s3 = { a3, l3, 2, 1 },
		      s4 = { a4, l4, 2, 0 };
	struct adb_client c;
	struct adb_shell_result r;
	char *text;
	size_t len;
	unsigned short port;
	pid_t pid;
	(void)state;

	port = free_port();
	pid = serve(port, &s1);
	use_port(port);
	assert_int_equal(adb_client_init(&c, 2000), ADB_OK);
	assert_int_equal(adb_host_query(&c, "host:devices-l", &text, &len), ADB_EPROTO);
	reap(pid);

	port = free_port();
	pid = serve(port, &s2);
	use_port(port);
	assert_int_equal(adb_client_init(&c, 2000), ADB_OK);
	assert_int_equal(adb_host_query(&c, "host:devices-l", &text, &len), ADB_EPROTO);
	reap(pid);

	/* A shell that stops answering: the deadline ends it. */
	port = free_port();
	pid = serve(port, &s3);
	use_port(port);
	assert_int_equal(adb_client_init(&c, 500), ADB_OK);
	assert_int_equal(adb_shell(&c, "SLOW1", "dumpsys battery", 1, &r), ADB_ETIMEOUT);
	adb_shell_result_release(&r);
	reap(pid);

	/* A packet longer than any shell answer may be is refused, not allocated. */
	port = free_port();
	pid = serve(port, &s4);
	use_port(port);
	assert_int_equal(adb_client_init(&c, 2000), ADB_OK);
	assert_int_equal(adb_shell(&c, "BIG1", "cat /dev/zero", 1, &r), ADB_ETOOBIG);
	adb_shell_result_release(&r);
	reap(pid);
	unsetenv("ANDROID_ADB_SERVER_PORT");
}

static void a_plain_query_to_a_port_nobody_listens_on_is_no_server(void **state)
{
	struct adb_client c;
	char *text;
	size_t len;
	(void)state;

	use_port(free_port());
	assert_int_equal(adb_client_init(&c, 1000), ADB_OK);
	assert_int_equal(adb_host_query(&c, "host:version", &text, &len), ADB_ENOSERVER);
	unsetenv("ANDROID_ADB_SERVER_PORT");
}

/* ---- against tests/fakes/fake_adb.py ---- */

/* One line of JSON to the fake's control socket. */
static void fake_adb_control(const struct fake_adb *f, const char *cmd)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int s = socket(AF_UNIX, SOCK_STREAM, 0);
	char reply[512];

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/control.sock", f->dir);
	assert_int_equal(connect(s, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_true(send(s, cmd, strlen(cmd), 0) > 0);
	assert_true(send(s, "\n", 1, 0) == 1);
	assert_true(recv(s, reply, sizeof(reply), 0) > 0);
	close(s);
}

static void a_phone_plugged_or_unplugged_shows_in_the_live_list(void **state)
{
	static const char scenario[] =
		"{\"devices\": [{\"serial\": \"52003b7ad4a8a4b1\", \"state\": \"device\", "
		"\"usb\": \"usb:1-5\", \"model\": \"SM-J410G\"}]}";
	struct fake_adb f;
	struct adb_client c;
	char *text;
	size_t len;
	int fd;
	(void)state;

	fake_adb_start(&f, scenario);
	unsetenv("ANDROID_ADB_SERVER_PORT");
	assert_int_equal(adb_client_init(&c, 3000), ADB_OK);
	assert_int_equal(adb_track_open(&c, &fd), ADB_OK);
	/* The list as it is now comes first. */
	assert_int_equal(adb_track_next(&c, fd, 3000, &text, &len), ADB_OK);
	assert_non_null(strstr(text, "52003b7ad4a8a4b1"));
	assert_non_null(strstr(text, "usb:1-5"));
	free(text);
	/* Nothing happens: no list, and no busy loop either. */
	assert_int_equal(adb_track_next(&c, fd, 200, &text, &len), ADB_ETIMEOUT);
	/* Unplugged: the next list no longer has it. */
	fake_adb_control(&f, "{\"cmd\": \"detach\", \"serial\": \"52003b7ad4a8a4b1\"}");
	assert_int_equal(adb_track_next(&c, fd, 3000, &text, &len), ADB_OK);
	assert_null(strstr(text, "52003b7ad4a8a4b1"));
	free(text);
	close(fd);
	fake_adb_stop(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(server_address_comes_from_the_environment),
		cmocka_unit_test(missing_server_is_started_and_answers_version_41),
		cmocka_unit_test(shell_v2_gives_stdout_stderr_and_the_exit_code),
		cmocka_unit_test(legacy_shell_reads_to_the_end_without_an_exit_code),
		cmocka_unit_test(unauthorized_phone_is_a_refusal_with_the_server_words),
		cmocka_unit_test(malformed_and_silent_servers_are_errors_not_hangs),
		cmocka_unit_test(a_plain_query_to_a_port_nobody_listens_on_is_no_server),
		cmocka_unit_test(a_phone_plugged_or_unplugged_shows_in_the_live_list),
	};

	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
