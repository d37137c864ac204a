#include "util/number.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

const char *number_strerror(enum number_err err)
{
	switch (err) {
	case NUMBER_OK:
		return "a number";
	case NUMBER_EMPTY:
		return "is empty";
	case NUMBER_BAD:
		return "is not a number";
	case NUMBER_TOO_LONG:
		return "is too long (at most 20 characters and 15 significant digits)";
	case NUMBER_RANGE:
		return "is out of range";
	}
	return "is not a number";
}

/* Check the form of S: [-]digits[.digits] with at least one digit, or only digits when
 * WHOLE (a '-' only when SIGNED). NUMBER_OK or why not. */
static enum number_err check_form(const char *s, int whole, int sign_ok)
{
	size_t digits = 0, significant = 0, len;
	int dot = 0;
	const char *p = s;

	if (!s || !*s)
		return NUMBER_EMPTY;
	len = strlen(s);
	if (*p == '-') {
		if (!sign_ok)
			return NUMBER_BAD;
		p++;
	}
	for (; *p; p++) {
		if (*p >= '0' && *p <= '9') {
			digits++;
			if (significant || *p != '0')
				significant++;
		} else if (*p == '.' && !dot && !whole) {
			dot = 1;
		} else {
			return NUMBER_BAD;
		}
	}
	if (digits == 0)
		return NUMBER_BAD;
	if (len > NUMBER_MAX_CHARS || significant > NUMBER_MAX_DIGITS)
		return NUMBER_TOO_LONG;
	return NUMBER_OK;
}

enum number_err number_decimal(const char *s, double *out)
{
	enum number_err err = check_form(s, 0, 1);
	char *end;
	double v;

	if (err)
		return err;
	/* atelier never calls setlocale(): strtod reads the "." of the form above. */
	v = strtod(s, &end);
	if (*end)
		return NUMBER_BAD;
	*out = v == 0 ? 0 : v; /* "-0" is 0 */
	return NUMBER_OK;
}

enum number_err number_whole(const char *s, long long min, long long max, long long *out)
{
	enum number_err err = check_form(s, 1, min < 0);
	char *end;
	long long v;

	if (err)
		return err;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (*end)
		return NUMBER_BAD;
	if (errno == ERANGE || v < min || v > max)
		return NUMBER_RANGE;
	*out = v;
	return NUMBER_OK;
}
