/*
 * log — the one logging function of Atelier.
 *
 * Every line goes to standard error as "atelier: LEVEL: message". Messages are lower
 * case, say what failed and then why, and name the device (port id, serial) and the
 * failing call. Debug lines are shown only at verbosity >= 1 (-v).
 * The function is thread-safe: each line is written with one call.
 */
#ifndef ATELIER_UTIL_LOG_H
#define ATELIER_UTIL_LOG_H

enum log_level {
	LOG_ERROR = 0,
	LOG_WARN = 1,
	LOG_INFO = 2,
	LOG_DEBUG = 3,
};

/* Set the threshold: LOG_INFO by default, LOG_DEBUG with -v. */
void log_set_level(enum log_level level);
enum log_level log_get_level(void);

/* Write one line at LEVEL if LEVEL is at or below the threshold. */
void log_msg(enum log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
