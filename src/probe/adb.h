/*
 * adb — a client of the adb server's host protocol (the "smart socket" on 127.0.0.1:5037
 * that Debian's `adb` package runs). Atelier never claims a phone's ADB interface: the
 * server owns it; we ask the server.
 *
 * Protocol: every request is 4 hex digits of length and the payload; the server answers
 * "OKAY" or "FAIL" + 4 hex digits + message. host:tport:serial:S switches the socket to
 * the device (OKAY + 8-byte little-endian transport id); then "shell,v2,raw:CMD" speaks
 * shell protocol v2 (packets: 1 id byte, 4-byte little-endian length, data; id 1 stdout,
 * 2 stderr, 3 exit with the code in one byte) or, for devices without the shell_v2
 * feature, legacy "shell:CMD" (raw output until close, no exit code).
 *
 * Where the server is: $ADB_SERVER_SOCKET ("tcp:HOST:PORT" or "tcp:PORT"), else
 * $ANDROID_ADB_SERVER_PORT on 127.0.0.1, else 127.0.0.1:5037. Every read and write has
 * a deadline; every reply has a named maximum size.
 */
#ifndef ATELIER_PROBE_ADB_H
#define ATELIER_PROBE_ADB_H

#include <stddef.h>
#include <stdint.h>

#define ADB_DEFAULT_PORT 5037
#define ADB_REPLY_MAX (64 * 1024)         /* a host service's answer (devices-l...) */
#define ADB_SHELL_MAX (4 * 1024 * 1024)   /* one shell command's stdout, or stderr */
#define ADB_FAIL_MAX 512                  /* a FAIL message kept */

enum adb_err {
	ADB_OK = 0,
	ADB_ENOSERVER, /* no adb server there, and it could not be started */
	ADB_EFAIL,     /* the server said FAIL; the message is in adb_client.fail */
	ADB_EPROTO,    /* the server's answer does not follow the protocol */
	ADB_ETIMEOUT,  /* no answer before the deadline */
	ADB_EIO,       /* the connection broke (the device went away, the server died) */
	ADB_ETOOBIG,   /* an answer past its maximum size */
	ADB_ENOMEM,
};

const char *adb_strerror(enum adb_err err);

struct adb_client {
	char host[64];
	unsigned short port;
	int timeout_ms;           /* for each request, from sending to the last byte */
	char fail[ADB_FAIL_MAX];  /* the server's last FAIL message, "" if none */
};

/* Where the server is (environment, see above) and the deadline per request. */
enum adb_err adb_client_init(struct adb_client *c, int timeout_ms)
	__attribute__((warn_unused_result));

/* Ask host:version; when nothing answers, run `adb start-server` once and ask again.
 * *VERSION gets the server's protocol version (41 for Debian's adb 29). */
enum adb_err adb_ensure_server(struct adb_client *c, int *version)
	__attribute__((warn_unused_result));

/* A host service whose answer is a hex4-length payload ("host:devices-l",
 * "host-serial:S:features"...). *OUT is a new NUL-terminated string (free()), *LEN its
 * length. */
enum adb_err adb_host_query(struct adb_client *c, const char *service, char **out, size_t *len)
	__attribute__((warn_unused_result));

struct adb_shell_result {
	char *out;      /* stdout, NUL-terminated, free() */
	size_t out_len;
	char *err;      /* stderr (v2 only), NUL-terminated, free() */
	size_t err_len;
	int exit_code;  /* -1 when unknown (legacy shell) */
};

/* Run CMD on the device SERIAL over one connection: shell v2 when V2, else legacy.
 * The result is filled as far as it got even on failure (free it with
 * adb_shell_result_release()). */
enum adb_err adb_shell(struct adb_client *c, const char *serial, const char *cmd, int v2,
		       struct adb_shell_result *r) __attribute__((warn_unused_result));
void adb_shell_result_release(struct adb_shell_result *r);

/* Live changes: host:track-devices-l on a new connection (*FD, the caller closes it).
 * The server sends the whole device list (the host:devices-l payload) at once and again
 * after every change; adb_track_next() takes the next one, waiting at most WAIT_MS
 * (ADB_ETIMEOUT when nothing changed; ADB_EIO when the server went away). */
enum adb_err adb_track_open(struct adb_client *c, int *fd) __attribute__((warn_unused_result));
enum adb_err adb_track_next(struct adb_client *c, int fd, int wait_ms, char **out, size_t *len)
	__attribute__((warn_unused_result));

/* Low level, for tests and the track-devices watcher: a connected socket to the server
 * (*FD), a request on it (OKAY expected), and a hex4-length payload read. */
enum adb_err adb_connect(struct adb_client *c, int *fd) __attribute__((warn_unused_result));
enum adb_err adb_send_request(struct adb_client *c, int fd, const char *req)
	__attribute__((warn_unused_result));
enum adb_err adb_read_payload(struct adb_client *c, int fd, size_t max, char **out, size_t *len)
	__attribute__((warn_unused_result));

#endif
