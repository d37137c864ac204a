/*
 * android_models_table — inside android_models: the built-in table as the build
 * generates it, and the comparison both lookups share. Not for other modules.
 *
 * scripts/android-models-table writes $(BUILD)/gen/android_models_table.c from
 * data/android-models.tsv: every string once in android_models_pool (NUL-terminated,
 * one after the other), and one entry per row holding the byte offsets of its make,
 * model code and marketing name in the pool. Offsets rather than pointers, so that ~33,000
 * rows cost the program no relocation at start-up. The entries are sorted by model code,
 * then make, compared as android_models_fold_cmp() does; the script refuses a make and
 * code given twice.
 */
#ifndef ATELIER_PROBE_ANDROID_MODELS_TABLE_H
#define ATELIER_PROBE_ANDROID_MODELS_TABLE_H

#include <stddef.h>
#include <stdint.h>

#include "probe/android_models.h"

struct android_models_entry {
	uint32_t make, model, name; /* offsets into android_models_pool */
};

extern const char android_models_pool[];
extern const struct android_models_entry android_models_entries[];
extern const size_t android_models_entries_n;

/* strcmp() with ASCII A-Z folded to a-z and bytes compared unsigned: the order the
 * generator sorts in (sort(1) in the C locale on tolower()ed text). Letters outside
 * ASCII are compared as they are, in any locale. */
int android_models_fold_cmp(const char *a, const char *b);

/* MODEL as the tables hold it, into CODE: a trailing "/DS" cut off. 0 when MODEL is
 * NULL, empty or longer than ANDROID_MODEL_CODE_MAX (no row can match it), else 1. */
int android_models_code(const char *model, char code[ANDROID_MODEL_CODE_MAX + 1]);

#endif
