/*
 * android_models — Android model code to marketing name, built-in table (see
 * android_models.h).
 *
 * The rows are data/android-models.tsv, which the build turns into
 * $(BUILD)/gen/android_models_table.c (android_models_table.h says how it is laid out).
 * They are sorted by folded model code, so a lookup is a binary search to the first row
 * of the code, then a walk over the few rows that share it (one per maker at most).
 */
#include "probe/android_models.h"

#include <string.h>

#include "probe/android_models_table.h"

static unsigned char fold(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? (unsigned char)(c - 'A' + 'a') : c;
}

int android_models_fold_cmp(const char *a, const char *b)
{
	const unsigned char *x = (const unsigned char *)a, *y = (const unsigned char *)b;

	while (*x && fold(*x) == fold(*y)) {
		x++;
		y++;
	}
	return (int)fold(*x) - (int)fold(*y);
}

int android_models_code(const char *model, char code[ANDROID_MODEL_CODE_MAX + 1])
{
	size_t len;

	if (!model)
		return 0;
	len = strlen(model);
	if (len == 0 || len > ANDROID_MODEL_CODE_MAX)
		return 0;
	memcpy(code, model, len + 1);
	/* Samsung's dual-SIM mark is not part of the model code. */
	if (len > 3 && android_models_fold_cmp(code + len - 3, "/ds") == 0)
		code[len - 3] = '\0';
	return 1;
}

static const char *str(uint32_t off)
{
	return android_models_pool + off;
}

const char *android_marketing_name(const char *make, const char *model)
{
	char code[ANDROID_MODEL_CODE_MAX + 1];
	const char *found = NULL;
	size_t lo = 0, hi = android_models_entries_n;

	if (!android_models_code(model, code))
		return NULL;
	/* The first row whose code is not below CODE. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (android_models_fold_cmp(str(android_models_entries[mid].model), code) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (size_t i = lo; i < android_models_entries_n; i++) {
		const struct android_models_entry *e = &android_models_entries[i];

		if (android_models_fold_cmp(str(e->model), code) != 0)
			break;
		if (make && *make) {
			if (android_models_fold_cmp(str(e->make), make) == 0)
				return str(e->name);
			continue;
		}
		/* Any maker: only a name all the makers' rows agree on. */
		if (found && strcmp(found, str(e->name)) != 0)
			return NULL;
		found = str(e->name);
	}
	return found;
}

size_t android_models_count(void)
{
	return android_models_entries_n;
}

int android_models_row(size_t i, struct android_model *row)
{
	if (i >= android_models_entries_n)
		return 0;
	row->make = str(android_models_entries[i].make);
	row->model = str(android_models_entries[i].model);
	row->marketing_name = str(android_models_entries[i].name);
	return 1;
}
