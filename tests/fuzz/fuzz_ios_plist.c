/*
 * libFuzzer target: every iOS reply parser on whatever plist bytes a device may send.
 *
 * The input is given to plist_from_memory (XML or binary, as lockdownd and
 * diagnostics_relay send them). The result, and what it holds under Diagnostics,
 * IORegistry and BatteryData (two levels down), goes through every iosp_parse_* function,
 * each time into a fresh fact set that must then serialize to JSON. Checks: no crash, no
 * leak, no undefined behaviour, and a health percentage is never computed from a design
 * capacity that is not plausible.
 */
#include <jansson.h>
#include <plist/plist.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "probe/facts.h"
#include "probe/ios_parse.h"

#define FUZZ_INPUT_MAX (256 * 1024) /* larger replies are refused before parsing */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void (*const parsers[])(plist_t, struct facts *) = {
	iosp_parse_root,	   iosp_parse_preauth,	       iosp_parse_disk_usage,
	iosp_parse_battery_domain, iosp_parse_find_my,	       iosp_parse_supervised,
	iosp_parse_setup_done,	   iosp_parse_enclosure_color, iosp_parse_ioregistry,
};

static void run_all(plist_t node)
{
	for (size_t i = 0; i < sizeof(parsers) / sizeof(parsers[0]); i++) {
		struct facts *f = facts_new();
		char *json;

		if (!f)
			abort();
		parsers[i](node, f);
		json = json_dumps(facts_json(f), JSON_COMPACT);
		if (!json)
			abort();
		free(json);
		facts_free(f);
	}
	{
		struct facts *f = facts_new();

		if (!f)
			abort();
		iosp_parse_ioregistry_entry(node, "AppleSmartBattery", f);
		(void)iosp_ioregistry_has_entry(node);
		facts_free(f);
	}
}

/*
 * NODE, then the dictionaries it holds under the keys replies nest, down to DEPTH more
 * levels. The children are looked up by name, not iterated: libplist 2.2 asserts in
 * plist_dict_next_item() (plist_get_key_val) on a key with an embedded NUL, which a
 * binary plist can carry; the parsers never iterate, so the harness does not either.
 */
static void run_tree(plist_t node, int depth)
{
	static const char *const nests[] = { "Diagnostics", "IORegistry", "BatteryData" };

	run_all(node);
	if (depth == 0 || !node || plist_get_node_type(node) != PLIST_DICT)
		return;
	for (size_t i = 0; i < sizeof(nests) / sizeof(nests[0]); i++) {
		plist_t child = plist_dict_get_item(node, nests[i]);

		if (child)
			run_tree(child, depth - 1);
	}
}

/* iosp_health_pct on numbers taken from the input: never a result without a design. */
static void check_health(const uint8_t *data, size_t size)
{
	struct iosp_battery_numbers n = { 0 };
	int64_t v[4] = { 0 }, full = 0;
	const char *which = NULL;
	double pct = 0;

	if (size < sizeof(v) + 1)
		return;
	memcpy(v, data, sizeof(v));
	n.design_mah = v[0];
	n.nominal_mah = v[1];
	n.raw_max_mah = v[2];
	n.max_capacity = v[3];
	n.have_design = data[sizeof(v)] & 1;
	n.have_nominal = data[sizeof(v)] & 2;
	n.have_raw_max = data[sizeof(v)] & 4;
	n.have_max = data[sizeof(v)] & 8;
	if (iosp_health_pct(&n, &pct, &full, &which)) {
		if (!n.have_design || n.design_mah <= 0 || n.design_mah > IOSP_MAH_MAX)
			abort();
		if (full <= 0 || full > IOSP_MAH_MAX || !which || pct < 0)
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	plist_t root = NULL;

	check_health(data, size);
	if (size == 0 || size > FUZZ_INPUT_MAX)
		return 0;
	plist_from_memory((const char *)data, (uint32_t)size, &root);
	run_tree(root, 2);
	plist_free(root);
	return 0;
}
