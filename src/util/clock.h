/*
 * clock — wall-clock and monotonic time in milliseconds.
 */
#ifndef ATELIER_UTIL_CLOCK_H
#define ATELIER_UTIL_CLOCK_H

#include <stdint.h>

/* Milliseconds since the Unix epoch (CLOCK_REALTIME). */
int64_t clock_wall_ms(void);
/* Milliseconds from an arbitrary origin (CLOCK_MONOTONIC); for durations only. */
int64_t clock_mono_ms(void);
/* Format WALL_MS as ISO 8601 UTC with milliseconds ("2026-11-27T18:13:58.123Z") into
 * OUT (at least 25 bytes). Returns OUT. */
char *clock_iso8601(int64_t wall_ms, char *out, unsigned long size);
/* The same to the second ("2026-11-27T18:13:58Z", at least 21 bytes), as certificates
 * print times. */
char *clock_iso8601_s(int64_t wall_ms, char *out, unsigned long size);

/* The start of day DAY ("2026-12-02", local time) in milliseconds since the epoch, into
 * *MS. 0 when DAY is not such a date (2026-02-30 is not). */
int clock_parse_day(const char *day, int64_t *ms);
/* The day of WALL_MS, local time, as clock_parse_day() reads it ("2026-12-02"), into OUT
 * (at least 11 bytes; "?" when it cannot be told). Returns OUT. */
char *clock_format_day(int64_t wall_ms, char *out, unsigned long size);

#endif
