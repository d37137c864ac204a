/*
 * libFuzzer target: the `expr:` of an auto step, as an instructor (or a broken file) may
 * write it.
 *
 * The bytes, cut at the first NUL, go to expr_parse. A refusal must leave no expression,
 * a column inside the text (or just past it) and a message. An expression that parses is
 * evaluated on three fact sets: every fact null, an iPhone with most facts read, and an
 * object holding types the schema does not give (strings for numbers, an array for a
 * boolean, a group that is not an object). Every result must be pass, fail or unknown,
 * and the facts used must be an object naming only facts the expression mentions.
 */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "checklist/expr.h"
#include "probe/facts.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct facts *all_null, *iphone;
static json_t *odd;

static void setup(void)
{
	all_null = facts_new();
	iphone = facts_new();
	odd = json_pack("{s:i, s:{s:s, s:[i], s:b}, s:{s:[s], s:s}, s:s, s:[]}", "platform", 3,
			"battery", "health_pct", "87.3", "level_pct", 1, "charging", 1, "locks",
			"passcode", "x", "find_my", "off", "identity", "not an object", "errors");
	if (!all_null || !iphone || !odd)
		abort();
	facts_set_string(iphone, "platform", "ios");
	facts_set_real(iphone, "battery.health_pct", 87.3);
	facts_set_int(iphone, "battery.cycle_count", 512);
	facts_set_bool(iphone, "battery.charging", 1);
	facts_set_string(iphone, "locks.find_my", "off");
	facts_set_string(iphone, "identity.color", "Space \"Grey\"");
	facts_set_bool(iphone, "locks.setup_done", 0);
	facts_append_string(iphone, "identity.imei", "356789104567891");
}

static void check_eval(const struct expr *e, json_t *facts)
{
	json_t *used = NULL, *v;
	const char *key;
	enum expr_result r = expr_eval(e, facts, &used);
	const char *name = expr_result_name(r);

	if (strcmp(name, "pass") != 0 && strcmp(name, "fail") != 0 && strcmp(name, "unknown") != 0)
		abort();
	if (!json_is_object(used) || json_object_size(used) > expr_fact_count(e))
		abort();
	json_object_foreach (used, key, v) {
		size_t i = 0;

		while (i < expr_fact_count(e) && strcmp(expr_fact_at(e, i), key) != 0)
			i++;
		if (i == expr_fact_count(e))
			abort();
	}
	json_decref(used);
	if (expr_eval(e, facts, NULL) != r) /* the same without recording */
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text, msg[EXPR_MSG_MAX];
	struct expr *e = NULL;
	int col = -1;
	enum expr_err err;

	if (!all_null)
		setup();
	text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	err = expr_parse(text, &e, &col, msg, sizeof(msg));
	if (err != EXPR_OK) {
		size_t len = strlen(text);

		if (e || col < 1 || (size_t)col > len + 1 || msg[0] == '\0' ||
		    strlen(msg) >= sizeof(msg) || !expr_strerror(err))
			abort();
		free(text);
		return 0;
	}
	if (!e || col != 0 || msg[0] != '\0' || expr_fact_count(e) > EXPR_MAX_FACTS)
		abort();
	check_eval(e, facts_json(all_null));
	check_eval(e, facts_json(iphone));
	check_eval(e, odd);
	check_eval(e, NULL);
	expr_free(e);
	free(text);
	return 0;
}
