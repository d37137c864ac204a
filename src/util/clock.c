#include "util/clock.h"

#include <stdio.h>
#include <time.h>

static int64_t to_ms(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t clock_wall_ms(void)
{
	return to_ms(CLOCK_REALTIME);
}

int64_t clock_mono_ms(void)
{
	return to_ms(CLOCK_MONOTONIC);
}

/* "2026-11-27T18:13:58" of WALL_MS into BASE (32 bytes). */
static void iso_seconds(int64_t wall_ms, char base[32])
{
	time_t secs = (time_t)(wall_ms / 1000);
	struct tm tm;

	if (!gmtime_r(&secs, &tm) || !strftime(base, 32, "%Y-%m-%dT%H:%M:%S", &tm))
		snprintf(base, 32, "?");
}

char *clock_iso8601(int64_t wall_ms, char *out, unsigned long size)
{
	char base[32];

	iso_seconds(wall_ms, base);
	snprintf(out, size, "%s.%03dZ", base, (int)(wall_ms % 1000));
	return out;
}

char *clock_iso8601_s(int64_t wall_ms, char *out, unsigned long size)
{
	char base[32];

	iso_seconds(wall_ms, base);
	snprintf(out, size, "%sZ", base);
	return out;
}

int clock_parse_day(const char *day, int64_t *ms)
{
	struct tm tm = { 0 };
	int y, m, d, used = 0;
	time_t t;

	if (!day || sscanf(day, "%4d-%2d-%2d%n", &y, &m, &d, &used) != 3 || day[used] != '\0' ||
	    used != 10 || y < 1970 || m < 1 || m > 12 || d < 1 || d > 31)
		return 0;
	tm.tm_year = y - 1900;
	tm.tm_mon = m - 1;
	tm.tm_mday = d;
	tm.tm_isdst = -1;
	t = mktime(&tm);
	/* mktime moves 02-30 to 03-02: such a day is not a date. */
	if (t == (time_t)-1 || tm.tm_year != y - 1900 || tm.tm_mon != m - 1 || tm.tm_mday != d)
		return 0;
	*ms = (int64_t)t * 1000;
	return 1;
}

char *clock_format_day(int64_t wall_ms, char *out, unsigned long size)
{
	time_t t = (time_t)(wall_ms / 1000);
	struct tm tm;

	if (!localtime_r(&t, &tm) || !strftime(out, size, "%Y-%m-%d", &tm))
		snprintf(out, size, "?");
	return out;
}
