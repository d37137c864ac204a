/*
 * USB detection benchmark (make bench). Runs under umockdev-wrapper with 64 simulated
 * phones attached, and measures, for atelier and for bench/hotplug_min (the least a
 * libusb program can do, run in the same process, same testbed):
 *   - the median time from the uevent to the `watch` line (target <= 50 ms),
 *   - the median wall time of `devices --json` (target <= 100 ms),
 *   - the resident memory of an idle `watch` (target <= 8 MB) and its CPU time while
 *     idle (target: none).
 * Prints each figure, its ratio to the floor, and whether the target is met.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../tests/lib/proc.h"
#include "../tests/lib/testbed.h"

#define ATTACHED 64
#define ROUNDS 41
#define LIST_RUNS 21

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(double *v, size_t n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return v[n / 2];
}

static void use_binary(const char *path)
{
	setenv("ATELIER_BIN", path, 1);
}

static struct tb_dev phone(const char *sysname, const char *serial)
{
	return tb_simple(sysname, 0x18d1, 0x4ee7, serial, 0xff, 0x42, 0x01);
}

static void attach_64(struct tb *tb, char names[][16])
{
	for (int i = 0; i < ATTACHED; i++) {
		char serial[16];
		struct tb_dev d;

		snprintf(names[i], 16, "1-%d.%d", i / 16 + 1, i % 16 + 1);
		snprintf(serial, sizeof(serial), "SER%02d", i);
		d = phone(names[i], serial);
		tb_add(tb, &d);
	}
}

/* Read lines until one contains NEEDLE; 0 on timeout. */
static int wait_line(struct proc_live *p, const char *needle)
{
	char line[16384];

	while (proc_read_line(p, line, sizeof(line), 5000))
		if (strstr(line, needle))
			return 1;
	return 0;
}

static long rss_kb(pid_t pid)
{
	char path[64], line[256];
	long kb = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, "VmRSS:", 6) == 0)
			kb = strtol(line + 6, NULL, 10);
	fclose(f);
	return kb;
}

static long cpu_ticks(pid_t pid)
{
	char path[64], buf[1024], *p;
	unsigned long ut = 0, st = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	f = fopen(path, "r");
	if (!f || !fgets(buf, sizeof(buf), f)) {
		if (f)
			fclose(f);
		return -1;
	}
	fclose(f);
	p = strrchr(buf, ')');
	/* Fields after ")": state(3) ... utime is field 14, stime 15. */
	for (int field = 3; p && field <= 15; field++) {
		p = strchr(p + 1, ' ');
		if (p && field == 13)
			ut = strtoul(p + 1, NULL, 10);
		if (p && field == 14)
			st = strtoul(p + 1, NULL, 10);
	}
	return (long)(ut + st);
}

struct watch_figures {
	double latency_ms;
	long rss_kb;
	long idle_ticks;
};

static int measure_watch(struct tb *tb, const char *bin, const char *const *argv,
			 const char *arrived_word, const char *left_word, struct watch_figures *out)
{
	struct proc_live w;
	double lat[ROUNDS];

	use_binary(bin);
	proc_start(&w, argv);
	for (int i = 0; i < ATTACHED; i++)
		if (!wait_line(&w, arrived_word)) {
			fprintf(stderr, "%s: missing initial arrival %d\n", bin, i);
			return 0;
		}
	for (int r = 0; r < ROUNDS; r++) {
		struct tb_dev d = phone("2-7", "ROUND");
		double t0 = now_ms();

		tb_add(tb, &d);
		if (!wait_line(&w, arrived_word))
			return 0;
		lat[r] = now_ms() - t0;
		tb_remove(tb, "2-7");
		if (!wait_line(&w, left_word))
			return 0;
	}
	out->latency_ms = median(lat, ROUNDS);
	/* Idle: nothing happens for two seconds. */
	usleep(200000);
	{
		long before = cpu_ticks(w.pid);

		sleep(2);
		out->idle_ticks = cpu_ticks(w.pid) - before;
	}
	out->rss_kb = rss_kb(w.pid);
	proc_stop(&w, SIGTERM);
	return 1;
}

static double measure_list(const char *bin, const char *const *argv)
{
	double t[LIST_RUNS];

	use_binary(bin);
	for (int i = 0; i < LIST_RUNS; i++) {
		struct proc_result r;
		double t0 = now_ms();

		proc_run(&r, argv);
		t[i] = now_ms() - t0;
		if (r.status != 0) {
			fprintf(stderr, "%s exited %d: %s\n", bin, r.status, r.err);
			exit(1);
		}
		proc_result_free(&r);
	}
	return median(t, LIST_RUNS);
}

static const char *verdict(int ok)
{
	return ok ? "meets target" : "MISSES TARGET";
}

int main(int argc, char **argv)
{
	const char *atelier, *floor_bin;
	const char *watch_argv[] = { "watch", "--json", NULL };
	const char *floor_watch_argv[] = { NULL };
	const char *devices_argv[] = { "devices", "--json", NULL };
	const char *floor_list_argv[] = { "--list", NULL };
	char names[ATTACHED][16];
	struct watch_figures a, f;
	double list_a, list_f;
	struct tb *tb;
	int ok = 1;

	if (argc != 3) {
		fprintf(stderr, "usage: umockdev-wrapper usb_bench ATELIER HOTPLUG_MIN\n");
		return 2;
	}
	atelier = argv[1];
	floor_bin = argv[2];
	tb = tb_new();
	attach_64(tb, names);

	if (!measure_watch(tb, atelier, watch_argv, "\"arrived\"", "\"left\"", &a) ||
	    !measure_watch(tb, floor_bin, floor_watch_argv, "arrived", "left", &f)) {
		fprintf(stderr, "usb_bench: a watcher did not report every event\n");
		return 1;
	}
	list_a = measure_list(atelier, devices_argv);
	list_f = measure_list(floor_bin, floor_list_argv);

	printf("usb bench: %d phones attached, %d rounds, median of each\n", ATTACHED, ROUNDS);
	printf("%-34s %10s %10s %8s  %s\n", "figure", "atelier", "floor", "ratio", "target");
	printf("%-34s %9.2fms %9.2fms %7.2fx  <= 50 ms: %s\n", "uevent to watch line", a.latency_ms,
	       f.latency_ms, a.latency_ms / f.latency_ms, verdict(a.latency_ms <= 50));
	ok &= a.latency_ms <= 50;
	printf("%-34s %9.2fms %9.2fms %7.2fx  <= 100 ms: %s\n", "devices --json wall", list_a,
	       list_f, list_a / list_f, verdict(list_a <= 100));
	ok &= list_a <= 100;
	printf("%-34s %8.2fMB %8.2fMB %7.2fx  <= 8 MB: %s\n", "watch idle RSS", a.rss_kb / 1024.0,
	       f.rss_kb / 1024.0, (double)a.rss_kb / (double)f.rss_kb,
	       verdict(a.rss_kb <= 8 * 1024));
	ok &= a.rss_kb <= 8 * 1024;
	printf("%-34s %8ld t %8ld t %8s  none: %s\n", "watch CPU while idle for 2 s", a.idle_ticks,
	       f.idle_ticks, "", verdict(a.idle_ticks == 0));
	ok &= a.idle_ticks == 0;
	for (int i = 0; i < ATTACHED; i++)
		tb_remove(tb, names[i]);
	tb_free(tb);
	return ok ? 0 : 1;
}
