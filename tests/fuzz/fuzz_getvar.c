/*
 * libFuzzer target: `fastboot getvar all` INFO lines as any bootloader may send them.
 *
 * The bytes go to aprops_parse_getvar; a parsed set goes through
 * android_facts_from_getvar into a fresh fact set that must serialize to JSON. Keys must
 * come back lower-case and without blanks.
 */
#include <ctype.h>
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>

#include "probe/android_parse.h"
#include "probe/facts.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct aprops *p = NULL;
	struct facts *f;
	char *json;

	if (aprops_parse_getvar((const char *)data, size, &p) != ANDROID_PARSE_OK) {
		if (p)
			abort();
		return 0;
	}
	for (size_t i = 0; i < aprops_count(p); i++)
		for (const char *k = aprops_key_at(p, i); *k; k++)
			if (isupper((unsigned char)*k) || *k == ' ' || *k == '\t')
				abort();
	f = facts_new();
	if (!f)
		abort();
	android_facts_from_getvar(p, f);
	json = json_dumps(facts_json(f), JSON_COMPACT);
	if (!json)
		abort();
	free(json);
	facts_free(f);
	aprops_free(p);
	return 0;
}
