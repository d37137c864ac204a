/* IMEIs typed by hand. See imei.h. */
#include "util/imei.h"

#include <stdio.h>
#include <string.h>

int imei_valid(const char *s)
{
	int sum = 0;

	if (!s || strlen(s) != IMEI_DIGITS)
		return 0;
	for (int i = 0; i < IMEI_DIGITS; i++) {
		int d = s[i] - '0';

		if (d < 0 || d > 9)
			return 0;
		/* Luhn: every second digit from the left (the 2nd, 4th...) is doubled. */
		if (i % 2 == 1) {
			d *= 2;
			if (d > 9)
				d -= 9;
		}
		sum += d;
	}
	return sum % 10 == 0;
}

int imei_list_normalize(const char *text, char *out, size_t size, char *why, size_t why_size)
{
	char found[2][IMEI_DIGITS + 1];
	size_t n = 0;
	const char *p = text;

	if (size < 2 * (IMEI_DIGITS + 1)) {
		snprintf(why, why_size, "no room for two IMEIs");
		return -1;
	}
	while (p && *p) {
		char one[32];
		size_t len = 0;

		while (*p == ' ' || *p == ',' || *p == '/')
			p++;
		if (!*p)
			break;
		while (*p && *p != ',' && *p != '/' && *p != ' ') {
			if (len + 1 >= sizeof(one)) {
				snprintf(why, why_size, "an IMEI is 15 digits");
				return -1;
			}
			one[len++] = *p++;
		}
		one[len] = '\0';
		if (len != IMEI_DIGITS || strspn(one, "0123456789") != IMEI_DIGITS) {
			snprintf(why, why_size, "'%s' is not an IMEI: an IMEI is 15 digits", one);
			return -1;
		}
		if (!imei_valid(one)) {
			snprintf(why, why_size,
				 "the last digit of %s does not match the others: check each digit "
				 "again",
				 one);
			return -1;
		}
		if (n == 2) {
			snprintf(why, why_size, "a phone has at most two IMEIs");
			return -1;
		}
		if (n == 0 || strcmp(found[0], one) != 0)
			memcpy(found[n++], one, IMEI_DIGITS + 1);
	}
	if (n == 0) {
		snprintf(why, why_size, "no IMEI given: type the 15 digits");
		return -1;
	}
	if (n == 2)
		snprintf(out, size, "%s,%s", found[0], found[1]);
	else
		snprintf(out, size, "%s", found[0]);
	return 0;
}
