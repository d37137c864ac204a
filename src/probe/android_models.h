/*
 * android_models — the names people know for Android model codes.
 *
 * A Samsung phone reports ro.product.model "SM-S921B" and nothing else; a trainee knows
 * it as "Galaxy S24". This module maps (maker, model code) to the marketing name with a
 * fixed table. The source of truth is data/android-models.tsv (its "# source:" lines
 * name the public datasets and commits the rows come from); the table in
 * android_models.c holds the same rows, and tests/unit/test_android_models.c fails when
 * the two differ.
 *
 * Matching rule (kept simple on purpose, see docs in the TSV header):
 *   - the model code is compared case-insensitively and otherwise exactly: "sm-s921b"
 *     finds SM-S921B, "SM-S921" does not; a trailing "/DS" (Samsung's dual-SIM mark,
 *     which some firmware appends) is ignored;
 *   - the maker is compared case-insensitively ("samsung" = "Samsung"); a NULL or empty
 *     maker matches any row;
 *   - there is no family or prefix fallback: a code that is not in the table has no
 *     name, and the prober leaves identity.marketing_name null instead of guessing.
 *
 * Pure lookups on static data: no allocation, thread safe.
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
 * Marketing name of MODEL made by MAKE (see the matching rule above), or NULL when
 * MODEL is NULL, empty, too long or not in the table. The string is static.
 */
const char *android_marketing_name(const char *make, const char *model);

/* Number of rows in the table. */
size_t android_models_count(void);

/* Row I (0 <= I < android_models_count()); NULL past the end. */
const struct android_model *android_models_row(size_t i);

#endif
