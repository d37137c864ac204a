/*
 * libFuzzer target: getprop output as any phone (or a broken pipe) may send it.
 *
 * The bytes go to aprops_parse; a parsed set goes through android_facts_from_props and
 * android_facts_frp into a fresh fact set that must serialize to JSON. Every key and
 * value handed back must be a string of the input's bounds. Checks: no crash, no leak,
 * no undefined behaviour.
 */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "probe/android_parse.h"
#include "probe/facts.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct aprops *p = NULL;
	struct facts *f;
	char *json;

	if (aprops_parse((const char *)data, size, &p) != ANDROID_PARSE_OK) {
		if (p)
			abort(); /* an error never hands back a set */
		return 0;
	}
	for (size_t i = 0; i < aprops_count(p); i++) {
		if (!aprops_key_at(p, i) || !aprops_value_at(p, i))
			abort();
		if (strlen(aprops_key_at(p, i)) > APROPS_KEY_MAX ||
		    strlen(aprops_value_at(p, i)) > APROPS_VALUE_MAX)
			abort();
		if (aprops_get(p, aprops_key_at(p, i)) == NULL)
			abort();
	}
	f = facts_new();
	if (!f)
		abort();
	android_facts_from_props(p, f);
	android_facts_frp(p, f);
	json = json_dumps(facts_json(f), JSON_COMPACT);
	if (!json)
		abort();
	free(json);
	facts_free(f);
	aprops_free(p);
	return 0;
}
