/*
 * libFuzzer target: every shell-output parser of android_parse on whatever bytes a phone
 * may print: dumpsys battery, the power_supply uevent, df, dumpsys diskstats,
 * /proc/meminfo, dumpsys account, settings, which su and the iphonesubinfo Parcel.
 *
 * All parsers read the same input into one fresh fact set (as the prober does), which
 * must then serialize to JSON. Checks: no crash, no leak, no undefined behaviour, a
 * battery health percentage only when it is in a plausible range, and an IMEI only when
 * it passes the Luhn check.
 */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "probe/android_parse.h"
#include "probe/facts.h"
#include "util/imei.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	struct facts *f = facts_new();
	json_t *imei;
	size_t i;
	json_t *v;
	char *json, *z;

	if (!f)
		abort();
	android_parse_dumpsys_battery(text, size, f);
	android_parse_power_supply(text, size, f);
	android_parse_df_data(text, size, f);
	android_parse_diskstats(text, size, f);
	android_parse_meminfo(text, size, f);
	android_parse_accounts(text, size, f);
	android_parse_setting_bool(text, size, "locks.setup_done", f);
	android_facts_su(text, size, f);
	android_parse_iphonesubinfo(text, size, f);
	/* The string-taking one needs a NUL-terminated copy. */
	z = malloc(size + 1);
	if (!z)
		abort();
	memcpy(z, data, size);
	z[size] = '\0';
	android_facts_setup_done(z, z, f);
	free(z);

	if (facts_known(f, "battery.health_pct")) {
		double pct = facts_get_real(f, "battery.health_pct", -1);

		if (pct < 0 || pct > 100000)
			abort();
	}
	imei = json_object_get(json_object_get(facts_json(f), "identity"), "imei");
	json_array_foreach (imei, i, v) {
		if (!imei_valid(json_string_value(v)))
			abort();
	}
	json = json_dumps(facts_json(f), JSON_COMPACT);
	if (!json)
		abort();
	free(json);
	facts_free(f);
	return 0;
}
