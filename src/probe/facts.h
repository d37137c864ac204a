/*
 * facts — what a probe read from one device, in the one schema every platform shares.
 *
 * The schema is a table (facts.c, facts_schema[]): each fact has a dotted path
 * ("battery.health_pct"), a type, a unit and the text docs/facts.md shows. A new
 * struct facts holds every fact of the table as JSON null; probers set what they
 * read. A fact that could not be read stays null and gets an entry in "errors" with
 * the reason: nothing is guessed.
 *
 * Setting a path that is not in the table, or with the wrong type, is a programmer
 * error (assert). Strings from a device are sanitized (printable UTF-8) and bounded by
 * FACTS_STR_MAX.
 */
#ifndef ATELIER_PROBE_FACTS_H
#define ATELIER_PROBE_FACTS_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#define FACTS_STR_MAX 256      /* bytes kept of any string fact */
#define FACTS_MAX_ERRORS 64    /* errors kept; later ones are counted, not stored */

enum fact_type {
	FACT_STRING,
	FACT_INT,
	FACT_REAL,
	FACT_BOOL,
	FACT_STRING_ARRAY,
};

struct fact_def {
	const char *path;     /* "battery.health_pct" */
	enum fact_type type;
	const char *unit;     /* "%", "mAh", "bytes", "°C", or "" */
	const char *doc;      /* one line for docs/facts.md */
};

/* The schema, in document order; ends with a NULL path. */
extern const struct fact_def facts_schema[];

/* The schema's entry for PATH, or NULL when it is not a fact. */
const struct fact_def *facts_def(const char *path);

/* Set PATH ("group.leaf", or a top-level name) in the facts object ROOT to VALUE (a
 * reference is taken), creating the group when missing. 0, or -1 when it cannot. */
int facts_json_set(json_t *root, const char *path, json_t *value);

/* The size on the box, in GB, of a device whose data storage holds TOTAL_BYTES: the
 * next of 8, 16, 32, ... 2048 at or above it (a data partition is a little smaller
 * than its flash); 0 when TOTAL_BYTES is not positive or above 2 TB. */
int facts_nominal_gb(long long total_bytes);

/* Add what follows from the facts read (storage.nominal_gb) to ROOT. */
void facts_derive(json_t *root);

struct facts;

/* A new set with every fact null and no error; NULL when out of memory. */
struct facts *facts_new(void);
void facts_free(struct facts *f);

/* Set a fact. VALUE strings are copied (sanitized, bounded). */
void facts_set_string(struct facts *f, const char *path, const char *value);
void facts_set_int(struct facts *f, const char *path, int64_t value);
void facts_set_real(struct facts *f, const char *path, double value);
void facts_set_bool(struct facts *f, const char *path, int value);
/* Append VALUE to a string-array fact (null becomes a one-element array). */
void facts_append_string(struct facts *f, const char *path, const char *value);
/* Set back to null. */
void facts_clear(struct facts *f, const char *path);

/* True when the fact is not null. */
int facts_known(const struct facts *f, const char *path);
/* The value, or DEFAULT/NULL when null. The string is owned by F. */
const char *facts_get_string(const struct facts *f, const char *path);
int64_t facts_get_int(const struct facts *f, const char *path, int64_t dflt);
double facts_get_real(const struct facts *f, const char *path, double dflt);

/* Record why FACT (a path, or a group such as "battery") could not be read. */
void facts_error(struct facts *f, const char *fact, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
size_t facts_error_count(const struct facts *f);
/* Forget the errors recorded for FACT: it was read after all, from another source. */
void facts_error_clear(struct facts *f, const char *fact);

/* Flags for printing facts: reals with the digits they were set with (87.3, not
 * 87.299999999999997). */
#define FACTS_JSON_FLAGS JSON_REAL_PRECISION(10)

/* The whole set as a JSON object, nested by path, with "errors". Borrowed: valid until
 * the next change or facts_free(); json_incref() it to keep it. */
json_t *facts_json(const struct facts *f);

/* The value at dotted PATH ("battery.health_pct", "platform") in JSON laid out as
 * facts_json() lays it out (any depth: "device.serial" in a certificate too), or NULL.
 * Borrowed from ROOT. */
json_t *facts_json_at(const json_t *root, const char *path);
/* The same when it is a string, else NULL. */
const char *facts_json_string(const json_t *root, const char *path);

/* Copy of a device-provided string made printable: control bytes become '?', invalid
 * UTF-8 is replaced, leading and trailing blanks trimmed, at most SIZE-1 bytes kept on a
 * character boundary. */
void facts_sanitize(const char *in, char *out, size_t size);

#endif
