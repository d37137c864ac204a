/*
 * secret — the secrets people sign in with: reading one without putting it on a command
 * line (the terminal with echo off, a descriptor, a file), checking it against the rule
 * of its kind, hashing it (argon2id, libsodium) and the strict one-line session file.
 *
 * Rules (docs/atelier.1): a password (instructors, admins) has SECRET_PASSWORD_MIN to
 * SECRET_MAX bytes and no control character; a PIN (trainees) has SECRET_PIN_MIN to
 * SECRET_PIN_MAX digits. A secret read from a file or a descriptor is its first line:
 * one trailing "\n" is taken off; a NUL byte, or more than SECRET_MAX bytes, is refused.
 * Buffers that held a secret are wiped with secret_wipe().
 */
#ifndef ATELIER_UTIL_SECRET_H
#define ATELIER_UTIL_SECRET_H

#include <stddef.h>

#define SECRET_MAX 256          /* bytes of a secret, without its newline */
#define SECRET_BUF (SECRET_MAX + 1)
#define SECRET_PASSWORD_MIN 10  /* bytes of an instructor's or admin's password */
#define SECRET_PIN_MIN 6        /* digits of a trainee's PIN */
#define SECRET_PIN_MAX 12
#define SECRET_HASH_MAX 128     /* crypto_pwhash_STRBYTES */
#define SECRET_TOKEN_BYTES 32   /* a session's token */
#define SECRET_TOKEN_HEX (2 * SECRET_TOKEN_BYTES + 1)

enum secret_err {
	SECRET_OK = 0,
	SECRET_EMPTY,    /* nothing given */
	SECRET_ETOOLONG, /* more than SECRET_MAX bytes */
	SECRET_ENUL,     /* a NUL byte in it */
	SECRET_ECTRL,    /* a control character in a password */
	SECRET_ESHORT,   /* shorter than its kind's minimum */
	SECRET_ENOTPIN,  /* a PIN that is not SECRET_PIN_MIN to SECRET_PIN_MAX digits */
	SECRET_EMISMATCH,/* asked twice on the terminal, given two different ones */
	SECRET_ENOTTY,   /* no terminal to ask on */
	SECRET_EIO,      /* the file or descriptor could not be read (errno kept) */
	SECRET_ENOMEM,   /* hashing needs memory it could not get */
	SECRET_EFORMAT,  /* a session file that is not exactly one session line */
};

/* What went wrong, in plain words (static). */
const char *secret_strerror(enum secret_err err);

/* The first line of the LEN bytes at BUF into OUT (SECRET_BUF bytes): one trailing "\n"
 * taken off; refused when it holds a NUL or is longer than SECRET_MAX. Bytes after the
 * first newline are ignored. */
enum secret_err secret_parse(const char *buf, size_t len, char *out, size_t size)
	__attribute__((warn_unused_result));
/* One line from descriptor FD (read byte by byte, nothing after its newline is taken). */
enum secret_err secret_read_fd(int fd, char *out, size_t size) __attribute__((warn_unused_result));
/* The first line of file PATH. */
enum secret_err secret_read_file(const char *path, char *out, size_t size)
	__attribute__((warn_unused_result));
/* Ask on /dev/tty with echo off: PROMPT, and when CONFIRM, once more ("again: ").
 * SECRET_ENOTTY when there is no terminal. */
enum secret_err secret_read_tty(const char *prompt, int confirm, char *out, size_t size)
	__attribute__((warn_unused_result));
/* Ask a line (echo on) on /dev/tty: a name. */
enum secret_err secret_ask_line(const char *prompt, char *out, size_t size)
	__attribute__((warn_unused_result));
/* 1 when a terminal can be asked (/dev/tty opens and standard input is a terminal). */
int secret_have_tty(void);

/* Does S follow the rule of its kind (PIN when IS_PIN, else password)? */
enum secret_err secret_check(const char *s, int is_pin) __attribute__((warn_unused_result));

/* The argon2id hash of S (crypto_pwhash_str_alg, INTERACTIVE limits) into OUT
 * (SECRET_HASH_MAX bytes). */
enum secret_err secret_hash(const char *s, char *out, size_t size)
	__attribute__((warn_unused_result));
/* 1 when S matches HASH (constant time); 0 when not or HASH is not a hash. */
int secret_verify(const char *hash, const char *s);
/* Spend the time a verification takes, for a name that has no hash (the answer to a
 * wrong name then takes as long as to a wrong secret). */
void secret_verify_dummy(const char *s);

/* Overwrite SIZE bytes at P with zeros (not optimised away). */
void secret_wipe(void *p, size_t size);

/* ---- sessions ---- */

/* A new random token, as hex, into HEX (SECRET_TOKEN_HEX bytes). */
void secret_token_new(char *hex);
/* The hash kept in the database for token HEX: hex of its BLAKE2b-256 into OUT (65). */
void secret_token_hash(const char *hex, char *out);

/* The session file holds exactly one line: "atelier-session 1 " then the token as 64
 * lower-case hex digits, then "\n"; nothing else. Parse LEN bytes at BUF: the token into
 * HEX (SECRET_TOKEN_HEX bytes), else SECRET_EFORMAT. */
enum secret_err secret_session_parse(const char *buf, size_t len, char *hex)
	__attribute__((warn_unused_result));
/* The file's line for token HEX into OUT (at least SECRET_SESSION_LINE bytes). */
#define SECRET_SESSION_PREFIX "atelier-session 1 "
#define SECRET_SESSION_LINE (sizeof(SECRET_SESSION_PREFIX) + 2 * SECRET_TOKEN_BYTES + 1)
void secret_session_line(const char *hex, char *out);

#endif
