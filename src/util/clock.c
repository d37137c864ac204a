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

char *clock_iso8601(int64_t wall_ms, char *out, unsigned long size)
{
	time_t secs = (time_t)(wall_ms / 1000);
	struct tm tm;
	char base[32];

	gmtime_r(&secs, &tm);
	strftime(base, sizeof(base), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(out, size, "%s.%03dZ", base, (int)(wall_ms % 1000));
	return out;
}
