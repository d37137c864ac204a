/* The rules of grading. See grade.h. */
#include "job/grade.h"

#include <stdio.h>
#include <string.h>

#include "checklist/checklist.h"

static int has_step(const struct checklist *c, const char *id)
{
	for (size_t i = 0; id && i < c->n_steps; i++)
		if (strcmp(c->steps[i].id, id) == 0)
			return 1;
	return 0;
}

/* Check the --redo steps and --score items against checklist C for VERDICT; 1 when they
 * fit, else 0 with the reason in WHY. */
int grade_fits(const struct checklist *c, enum verdict verdict, const json_t *redo,
	       const json_t *scores, char *why, size_t size)
{
	const char *item;
	json_t *v;
	size_t i;

	json_array_foreach (redo, i, v) {
		if (!has_step(c, json_string_value(v))) {
			snprintf(why, size, "the checklist %s has no step '%s' (atelier job show)",
				 c->id, json_string_value(v));
			return 0;
		}
	}
	if (json_object_size(scores) && c->n_rubric == 0) {
		snprintf(why, size, "the checklist %s has no rubric: there is nothing to score",
			 c->id);
		return 0;
	}
	json_object_foreach ((json_t *)scores, item, v) {
		const struct checklist_rubric *r = NULL;

		for (size_t k = 0; k < c->n_rubric; k++)
			if (strcmp(c->rubric[k].id, item) == 0)
				r = &c->rubric[k];
		if (!r) {
			snprintf(why, size,
				 "the rubric of %s has no item '%s' (atelier checklist "
				 "show %s)",
				 c->id, item, c->id);
			return 0;
		}
		if (json_integer_value(v) < 0 || json_integer_value(v) > r->max) {
			snprintf(why, size, "the score of '%s' is 0 to %d, not %lld", item, r->max,
				 (long long)json_integer_value(v));
			return 0;
		}
	}
	/* An approval is a whole assessment: every item of the rubric gets its score. */
	for (i = 0; verdict == VERDICT_APPROVED && i < c->n_rubric; i++) {
		if (!json_object_get(scores, c->rubric[i].id)) {
			snprintf(why, size,
				 "an approved job is scored on every rubric item: give "
				 "--score %s=N (0 to %d)",
				 c->rubric[i].id, c->rubric[i].max);
			return 0;
		}
	}
	return 1;
}
