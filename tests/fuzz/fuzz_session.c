/*
 * libFuzzer target: a session file as it may be found (damaged, truncated, written by
 * someone else), and a secret as a file or descriptor may give it.
 *
 * The bytes go to secret_session_parse: a token it accepts is exactly 64 lower-case hex
 * digits and the input is exactly its one line. They go to secret_parse too: a secret it
 * accepts holds no NUL and no newline, is at most SECRET_MAX bytes and is a prefix of the
 * input; the rule checks of both kinds then answer without reading past it.
 */
#include <assert.h>
#include <stdint.h>
#include <string.h>

#include "util/secret.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char hex[SECRET_TOKEN_HEX], out[SECRET_BUF], line[SECRET_SESSION_LINE];
	const char *in = (const char *)data;

	if (secret_session_parse(in, size, hex) == SECRET_OK) {
		assert(strlen(hex) == 64);
		for (size_t i = 0; i < 64; i++)
			assert((hex[i] >= '0' && hex[i] <= '9') || (hex[i] >= 'a' && hex[i] <= 'f'));
		secret_session_line(hex, line);
		assert(strlen(line) == size && memcmp(line, in, size) == 0);
	}
	if (secret_parse(in, size, out, sizeof(out)) == SECRET_OK) {
		size_t n = strlen(out);

		assert(n > 0 && n <= SECRET_MAX && n <= size && memcmp(out, in, n) == 0);
		assert(!memchr(out, '\n', n));
		(void)secret_check(out, 0);
		(void)secret_check(out, 1);
	}
	return 0;
}
