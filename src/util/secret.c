/* Secrets: reading, rules, hashing, the session line. See secret.h. */
#include "util/secret.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

const char *secret_strerror(enum secret_err err)
{
	switch (err) {
	case SECRET_OK:
		return "ok";
	case SECRET_EMPTY:
		return "no secret was given";
	case SECRET_ETOOLONG:
		return "the secret is longer than 256 bytes";
	case SECRET_ENUL:
		return "the secret holds a NUL byte";
	case SECRET_ECTRL:
		return "a password cannot hold control characters";
	case SECRET_ESHORT:
		return "a password has at least 10 characters";
	case SECRET_ENOTPIN:
		return "a PIN is 6 to 12 digits";
	case SECRET_EMISMATCH:
		return "the two secrets typed differ";
	case SECRET_ENOTTY:
		return "no terminal to ask the secret on: give it with --secret-fd N or "
		       "--secret-file FILE";
	case SECRET_EIO:
		return "the secret could not be read";
	case SECRET_ENOMEM:
		return "not enough memory to hash the secret";
	case SECRET_EFORMAT:
		return "not a session file";
	}
	return "unknown error";
}

void secret_wipe(void *p, size_t size)
{
	sodium_memzero(p, size);
}

enum secret_err secret_parse(const char *buf, size_t len, char *out, size_t size)
{
	size_t n = 0;

	if (size < SECRET_BUF)
		return SECRET_ETOOLONG;
	while (n < len && buf[n] != '\n') {
		if (buf[n] == '\0')
			return SECRET_ENUL;
		if (n >= SECRET_MAX)
			return SECRET_ETOOLONG;
		n++;
	}
	memcpy(out, buf, n);
	out[n] = '\0';
	return n ? SECRET_OK : SECRET_EMPTY;
}

enum secret_err secret_read_fd(int fd, char *out, size_t size)
{
	char buf[SECRET_MAX + 2];
	size_t n = 0;
	enum secret_err err;

	/* One byte at a time: what follows the line stays for its reader. */
	while (n < sizeof(buf)) {
		ssize_t r = read(fd, buf + n, 1);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			secret_wipe(buf, sizeof(buf));
			return SECRET_EIO;
		}
		if (r == 0 || buf[n++] == '\n')
			break;
	}
	err = secret_parse(buf, n, out, size);
	secret_wipe(buf, sizeof(buf));
	return err;
}

enum secret_err secret_read_file(const char *path, char *out, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	enum secret_err err;
	int e;

	if (fd < 0)
		return SECRET_EIO;
	err = secret_read_fd(fd, out, size);
	e = errno;
	close(fd);
	errno = e;
	return err;
}

/* The terminal to ask on, when a person is there (standard input is a terminal); -1
 * when not. */
static int tty_open(void)
{
	if (!isatty(STDIN_FILENO))
		return -1;
	return open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
}

int secret_have_tty(void)
{
	int fd = tty_open();

	if (fd < 0)
		return 0;
	close(fd);
	return 1;
}

/* Ask PROMPT on the terminal FD and read one line, echo off unless ECHO. */
static enum secret_err ask(int fd, const char *prompt, int echo, char *out, size_t size)
{
	struct termios old, quiet;
	enum secret_err err;
	int restore = 0;

	if (write(fd, prompt, strlen(prompt)) < 0)
		return SECRET_EIO;
	if (!echo && tcgetattr(fd, &old) == 0) {
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
		quiet.c_lflag |= ICANON;
		restore = tcsetattr(fd, TCSANOW, &quiet) == 0;
	}
	err = secret_read_fd(fd, out, size);
	if (restore) {
		tcsetattr(fd, TCSANOW, &old);
		if (write(fd, "\n", 1) < 0)
			err = err ? err : SECRET_EIO;
	}
	return err;
}

enum secret_err secret_read_tty(const char *prompt, int confirm, char *out, size_t size)
{
	char again[SECRET_BUF];
	enum secret_err err;
	int fd = tty_open();

	if (fd < 0)
		return SECRET_ENOTTY;
	err = ask(fd, prompt, 0, out, size);
	if (!err && confirm) {
		err = ask(fd, "again: ", 0, again, sizeof(again));
		if (!err && (strlen(again) != strlen(out) ||
			     sodium_memcmp(again, out, strlen(out)) != 0))
			err = SECRET_EMISMATCH;
		secret_wipe(again, sizeof(again));
	}
	if (err)
		secret_wipe(out, size);
	close(fd);
	return err;
}

enum secret_err secret_ask_line(const char *prompt, char *out, size_t size)
{
	enum secret_err err;
	int fd = tty_open();

	if (fd < 0)
		return SECRET_ENOTTY;
	err = ask(fd, prompt, 1, out, size);
	close(fd);
	return err;
}

enum secret_err secret_check(const char *s, int is_pin)
{
	size_t n = strlen(s);

	if (n == 0)
		return SECRET_EMPTY;
	if (n > SECRET_MAX)
		return SECRET_ETOOLONG;
	if (is_pin) {
		if (n < SECRET_PIN_MIN || n > SECRET_PIN_MAX)
			return SECRET_ENOTPIN;
		for (size_t i = 0; i < n; i++)
			if (s[i] < '0' || s[i] > '9')
				return SECRET_ENOTPIN;
		return SECRET_OK;
	}
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x20 || c == 0x7f)
			return SECRET_ECTRL;
	}
	return n < SECRET_PASSWORD_MIN ? SECRET_ESHORT : SECRET_OK;
}

enum secret_err secret_hash(const char *s, char *out, size_t size)
{
	if (size < crypto_pwhash_STRBYTES || sodium_init() < 0)
		return SECRET_ENOMEM;
	if (crypto_pwhash_str_alg(out, s, strlen(s), crypto_pwhash_OPSLIMIT_INTERACTIVE,
				  crypto_pwhash_MEMLIMIT_INTERACTIVE,
				  crypto_pwhash_ALG_ARGON2ID13) != 0)
		return SECRET_ENOMEM;
	return SECRET_OK;
}

int secret_verify(const char *hash, const char *s)
{
	if (sodium_init() < 0 || !hash || strnlen(hash, SECRET_HASH_MAX) >= SECRET_HASH_MAX)
		return 0;
	return crypto_pwhash_str_verify(hash, s, strlen(s)) == 0;
}

void secret_verify_dummy(const char *s)
{
	static char dummy[SECRET_HASH_MAX];

	if (!dummy[0] && secret_hash("atelier: nobody has this secret", dummy,
				     sizeof(dummy)) != SECRET_OK)
		return;
	(void)secret_verify(dummy, s);
}

void secret_token_new(char *hex)
{
	unsigned char t[SECRET_TOKEN_BYTES];

	if (sodium_init() < 0)
		abort(); /* libsodium cannot run at all: nothing safe can be done */
	randombytes_buf(t, sizeof(t));
	sodium_bin2hex(hex, SECRET_TOKEN_HEX, t, sizeof(t));
	secret_wipe(t, sizeof(t));
}

void secret_token_hash(const char *hex, char *out)
{
	unsigned char h[32];

	crypto_generichash(h, sizeof(h), (const unsigned char *)hex, strlen(hex), NULL, 0);
	sodium_bin2hex(out, 65, h, sizeof(h));
}

enum secret_err secret_session_parse(const char *buf, size_t len, char *hex)
{
	size_t p = sizeof(SECRET_SESSION_PREFIX) - 1;

	if (len != SECRET_SESSION_LINE - 1 || memcmp(buf, SECRET_SESSION_PREFIX, p) != 0 ||
	    buf[len - 1] != '\n')
		return SECRET_EFORMAT;
	for (size_t i = 0; i < 2 * SECRET_TOKEN_BYTES; i++) {
		char c = buf[p + i];

		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
			return SECRET_EFORMAT;
		hex[i] = c;
	}
	hex[2 * SECRET_TOKEN_BYTES] = '\0';
	return SECRET_OK;
}

void secret_session_line(const char *hex, char *out)
{
	snprintf(out, SECRET_SESSION_LINE, "%s%.64s\n", SECRET_SESSION_PREFIX, hex);
}
