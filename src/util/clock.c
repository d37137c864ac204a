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
