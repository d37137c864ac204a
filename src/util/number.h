/*
 * number — numbers typed by a person or read from a file, parsed one strict way.
 *
 * A decimal number is an optional '-', digits with at most one '.', and at least one
 * digit: "3.92", "-1.5", "4", "4." and ".5" are numbers; "nan", "inf", "0x4", "1e3",
 * "+4", " 4", "4 ", "" and "." are not. It is at most NUMBER_MAX_CHARS characters with
 * at most NUMBER_MAX_DIGITS significant digits (a double keeps 15 exactly), so what is
 * kept is what was typed. A whole number is digits only (a '-' first only where the
 * range allows it).
 */
#ifndef ATELIER_UTIL_NUMBER_H
#define ATELIER_UTIL_NUMBER_H

#define NUMBER_MAX_CHARS 20
#define NUMBER_MAX_DIGITS 15

/* What a number looks like, for the messages that refuse one. */
#define NUMBER_LOOKS "a number like 3.92 or -1.5"

enum number_err {
	NUMBER_OK = 0,
	NUMBER_EMPTY,    /* nothing given */
	NUMBER_BAD,      /* not of the form above (a space, a letter, a sign, two dots...) */
	NUMBER_TOO_LONG, /* more than NUMBER_MAX_CHARS characters or NUMBER_MAX_DIGITS digits */
	NUMBER_RANGE,    /* a whole number outside the range asked */
};

/* Why a number was refused, in plain words ("has more than 15 significant digits"). */
const char *number_strerror(enum number_err err);

/* The decimal number S into *OUT (untouched on failure). */
enum number_err number_decimal(const char *s, double *out)
	__attribute__((warn_unused_result));

/* The whole number S, from MIN to MAX, into *OUT (untouched on failure). */
enum number_err number_whole(const char *s, long long min, long long max, long long *out)
	__attribute__((warn_unused_result));

#endif
