/*
 * libFuzzer target: `pm list features` output, and getprop output for the phone-or-tablet
 * rule, as any phone (or a broken pipe) may send them.
 *
 * The same bytes go to android_parse_features and, when they parse as getprop, to
 * android_facts_device_class, in one fresh fact set that must serialize to JSON. Checks:
 * no crash, no leak, no undefined behaviour; the three features are read together or not
 * at all; device.class is only "phone" or "tablet", and "phone" only with a mobile radio.
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
	const char *text = (const char *)data;
	struct aprops *p = NULL;
	struct facts *f = facts_new();
	const char *cls;
	int known;
	char *json;

	if (!f)
		abort();
	android_parse_features(text, size, f);
	known = facts_known(f, "device.cellular");
	if (facts_known(f, "device.nfc") != known || facts_known(f, "device.gps") != known)
		abort();
	if (aprops_parse(text, size, &p) != ANDROID_PARSE_OK)
		p = NULL;
	android_facts_device_class(p, f);
	cls = facts_get_string(f, "device.class");
	if (cls && strcmp(cls, "tablet") != 0 && strcmp(cls, "phone") != 0)
		abort();
	if (cls && strcmp(cls, "phone") == 0 &&
	    !json_is_true(facts_json_at(facts_json(f), "device.cellular")))
		abort();
	json = json_dumps(facts_json(f), JSON_COMPACT);
	if (!json)
		abort();
	free(json);
	aprops_free(p);
	facts_free(f);
	return 0;
}
