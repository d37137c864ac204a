/*
 * ios_models — what Apple publishes about each model identifier: the name people know and
 * the hardware a checklist asks about.
 *
 * A phone reports "iPhone13,2"; a trainee knows it as "iPhone 12". This module maps one
 * to the other with a fixed table covering every iPhone and iPad from the iPhone 5s and
 * the first iPad Air on, plus the iPod touch 6th and 7th generation, and gives for each
 * whether the model has NFC, GPS, a 3.5 mm headphone jack and wireless (Qi) charging:
 * things lockdownd does not say, and Apple's Tech Specs pages do. The source of truth is
 * data/ios-models.tsv (it names where each column comes from); the table in ios_models.c
 * holds the same rows, and tests/unit/test_ios_models.c fails when the two differ. An
 * identifier not in the table has no name and no features: the prober leaves those facts
 * null instead of guessing from the number.
 *
 * Pure lookups on static data: no allocation, thread safe.
 */
#ifndef ATELIER_PROBE_IOS_MODELS_H
#define ATELIER_PROBE_IOS_MODELS_H

#include <stddef.h>

/* Whether a model has a feature, as its Tech Specs say. */
enum ios_feature {
	IOS_FEATURE_UNKNOWN = 0, /* "-" in the TSV: the fact stays null */
	IOS_FEATURE_NO,
	IOS_FEATURE_YES,
	/* Only the Wi-Fi + Cellular model of an iPad has it (GPS): the same identifier row
	 * covers both, so the prober takes the device's own answer to "has a mobile radio". */
	IOS_FEATURE_CELLULAR_ONLY,
};

struct ios_model {
	const char *model_id;	    /* "iPhone13,2", as ProductType reports it */
	const char *marketing_name; /* "iPhone 12" */
	enum ios_feature nfc, gps, headphone_jack, wireless_charging;
};

/*
 * The row of MODEL_ID ("iPhone13,2"), or NULL when MODEL_ID is NULL or not in the table:
 * never a guess. The match is exact (case and punctuation). The row is static.
 */
const struct ios_model *ios_model_find(const char *model_id);

/* Marketing name of MODEL_ID ("iPhone13,2" -> "iPhone 12"), or NULL as ios_model_find(). */
const char *ios_marketing_name(const char *model_id);

/* Number of rows in the table. */
size_t ios_models_count(void);

/* Row I (0 <= I < ios_models_count()), for tests and documentation; NULL past the end. */
const struct ios_model *ios_models_row(size_t i);

#endif
