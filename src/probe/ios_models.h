/*
 * ios_models — the names people know for Apple model identifiers.
 *
 * A phone reports "iPhone13,2"; a trainee knows it as "iPhone 12". This module maps one
 * to the other with a fixed table covering every iPhone and iPad from the iPhone 5s and
 * the first iPad Air on, plus the iPod touch 6th and 7th generation. The source of truth
 * is data/ios-models.tsv (it names where the names come from); the table in
 * ios_models.c holds the same rows, and tests/unit/test_ios_models.c fails when the two
 * differ. An identifier not in the table has no name: the prober leaves the marketing
 * name null instead of guessing from the number.
 *
 * Pure lookups on static data: no allocation, thread safe.
 */
#ifndef ATELIER_PROBE_IOS_MODELS_H
#define ATELIER_PROBE_IOS_MODELS_H

#include <stddef.h>

struct ios_model {
	const char *model_id;	    /* "iPhone13,2", as ProductType reports it */
	const char *marketing_name; /* "iPhone 12" */
};

/*
 * Marketing name of MODEL_ID ("iPhone13,2" -> "iPhone 12"), or NULL when MODEL_ID is
 * NULL or not in the table: never a guess. The match is exact (case and punctuation).
 * The string is static.
 */
const char *ios_marketing_name(const char *model_id);

/* Number of rows in the table. */
size_t ios_models_count(void);

/* Row I (0 <= I < ios_models_count()), for tests and documentation; NULL past the end. */
const struct ios_model *ios_models_row(size_t i);

#endif
