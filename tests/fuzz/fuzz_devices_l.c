/*
 * libFuzzer target: the host:devices-l payload as any adb server may send it.
 *
 * The bytes go to android_parse_devices_l with room for 8 entries; every entry must be
 * NUL-terminated within its fields, and its state must map to a trust word or NULL and
 * always to an instruction. The trust word and the mode of the first entry go into a
 * fresh fact set that must serialize to JSON.
 */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "probe/android_parse.h"
#include "probe/facts.h"

#define ENTRIES 8

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct adb_device_entry e[ENTRIES];
	struct facts *f;
	size_t n = 99;
	char *json;

	android_parse_devices_l((const char *)data, size, e, ENTRIES, &n);
	if (n > ENTRIES)
		abort();
	f = facts_new();
	if (!f)
		abort();
	for (size_t i = 0; i < n; i++) {
		if (strnlen(e[i].serial, sizeof(e[i].serial)) == sizeof(e[i].serial) ||
		    strnlen(e[i].state, sizeof(e[i].state)) == sizeof(e[i].state) ||
		    strnlen(e[i].usb, sizeof(e[i].usb)) == sizeof(e[i].usb) ||
		    strnlen(e[i].model, sizeof(e[i].model)) == sizeof(e[i].model))
			abort();
		if (!android_state_instruction(e[i].state))
			abort();
		if (i == 0) {
			const char *trust = android_trust_of_state(e[i].state);
			const char *mode = android_mode_of_state(e[i].state);

			facts_set_string(f, "platform", "android");
			facts_set_string(f, "connection.via", "adb");
			facts_set_string(f, "connection.id", e[i].serial);
			if (trust)
				facts_set_string(f, "connection.trust", trust);
			if (mode)
				facts_set_string(f, "connection.mode", mode);
		}
	}
	json = json_dumps(facts_json(f), JSON_COMPACT);
	if (!json)
		abort();
	free(json);
	facts_free(f);
	return 0;
}
