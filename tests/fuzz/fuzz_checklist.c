/*
 * libFuzzer target: a checklist file as an instructor (or a damaged disk) may write it.
 *
 * The bytes go to checklist_load_buffer. A checklist handed back must hold the loader's
 * promises (checklist.h): English everywhere, measure ranges in order, 2+ options on a
 * choice, an expression on every auto step, a format and a recorded fact of the schema on
 * every entry step, one step per recorded fact, CTIA grades A..E, and it must serialize to
 * JSON and evaluate each applies_if on no facts (unknown: the step applies); a refused one
 * must have at least one error in the report, which must print. Checks: no crash, no
 * leak, no undefined behaviour.
 */
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checklist/checklist.h"
#include "probe/facts.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int in_schema(const char *path)
{
	for (const struct fact_def *d = facts_schema; d->path; d++)
		if (strcmp(d->path, path) == 0)
			return 1;
	return 0;
}

static void check_text(const struct checklist_text *t)
{
	if (!t->en || strlen(t->en) > CHECKLIST_MAX_TEXT)
		abort();
	if (checklist_text(t, "fr") == NULL || checklist_text(t, "nl") == NULL)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct checklist_report rep;
	struct checklist *c = NULL;
	enum checklist_err err;
	FILE *null_out;
	json_t *j;

	checklist_report_init(&rep);
	err = checklist_load_buffer("fuzz/checklist.yaml", (const char *)data, size, &c, &rep);
	null_out = fopen("/dev/null", "w");
	if (null_out) {
		checklist_lint_print(null_out, "fuzz/checklist.yaml", &rep);
		fclose(null_out);
	}
	if (err != CHECKLIST_OK) {
		if (c || (err == CHECKLIST_EINVALID && rep.errors == 0))
			abort();
		checklist_report_release(&rep);
		return 0;
	}
	if (!c || rep.errors)
		abort();
	check_text(&c->title);
	if (c->n_steps < 1 || c->n_steps > CHECKLIST_MAX_STEPS || strlen(c->hash) != 64)
		abort();
	for (size_t i = 0; i < c->n_steps; i++) {
		const struct checklist_step *s = &c->steps[i];

		check_text(&s->title);
		if (!s->id)
			abort();
		for (size_t k = 0; k < i; k++)
			if (strcmp(c->steps[k].id, s->id) == 0)
				abort();
		if (s->kind == CHECKLIST_KIND_MEASURE && (!s->unit || s->min > s->max))
			abort();
		if (s->kind == CHECKLIST_KIND_CHOICE &&
		    (s->n_options < 2 || s->n_options > CHECKLIST_MAX_OPTIONS))
			abort();
		for (size_t k = 0; k < s->n_options; k++) {
			const char *g = s->options[k].ctia;

			check_text(&s->options[k].label);
			check_text(&s->options[k].criteria);
			if (g && (strlen(g) != 1 || g[0] < 'A' || g[0] > 'E'))
				abort();
		}
		if (s->kind == CHECKLIST_KIND_AUTO && !s->expr)
			abort();
		if ((s->kind == CHECKLIST_KIND_ENTRY) !=
		    (s->format != CHECKLIST_ENTRY_NONE && s->records != NULL))
			abort();
		if (s->tester && s->kind != CHECKLIST_KIND_MEASURE)
			abort();
		if (s->records) {
			if (!in_schema(s->records))
				abort();
			for (size_t k = 0; k < i; k++)
				if (c->steps[k].records &&
				    strcmp(c->steps[k].records, s->records) == 0)
					abort();
		}
		if (s->applies_if && !checklist_step_applies(s, NULL))
			abort();
		for (size_t k = 0; k < s->n_instructions; k++)
			check_text(&s->instructions[k].text);
	}
	j = checklist_to_json(c);
	if (!j)
		abort();
	free(json_dumps(j, JSON_COMPACT));
	json_decref(j);
	checklist_free(c);
	checklist_report_release(&rep);
	return 0;
}
