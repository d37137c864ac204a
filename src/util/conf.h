/*
 * conf — the data directory's settings file, DIR/atelier.conf.
 *
 * One setting per line, "key: value"; blank lines and lines starting with # are
 * ignored; spaces around the key and the value are not part of them. The settings:
 *   db: URL      where the records are (postgresql://...); without it, DIR/atelier.db
 *   bench: NAME  this bench's name in the records (default: the host's name)
 * A file that does not exist holds no setting. A line that is not a setting, or a key
 * that is not one of these, is an error that names the file and the line.
 */
#ifndef ATELIER_UTIL_CONF_H
#define ATELIER_UTIL_CONF_H

#include <stddef.h>

#define CONF_NAME "atelier.conf"

/* The value of KEY in DIR/atelier.conf into OUT (SIZE bytes): 1 when set, 0 when not
 * (OUT is then ""), -1 when the file cannot be read or is wrong (WHY, WHY_SIZE bytes,
 * says where and what). */
int conf_get(const char *dir, const char *key, char *out, size_t size, char *why,
	     size_t why_size);

#endif
