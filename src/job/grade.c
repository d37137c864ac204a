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

/* Why GRADER may not grade JOB (a trainee, or someone who worked on it), into WHY; 1 when
 * they may. */
int grade_may(struct store *st, const struct store_job *job, const struct store_user *grader,
	      char *why, size_t size)
{
	struct store_step *steps = NULL;
	size_t n = 0;
	int ok = 1;

	if (strcmp(grader->role, "instructor") != 0 && strcmp(grader->role, "admin") != 0) {
		snprintf(why, size,
			 "a trainee cannot grade: %s is a %s; an instructor or an admin "
			 "grades",
			 grader->name, grader->role);
		return 0;
	}
	if (grader->id == job->trainee_id) {
		snprintf(why, size, "nobody grades their own work: %s is the trainee of job %lld",
			 grader->name, job->id);
		return 0;
	}
	if (store_steps_of(st, job->id, &steps, &n) != STORE_OK) {
		snprintf(why, size, "cannot read the records of job %lld (%s)", job->id,
			 store_last_error_message());
		return 0;
	}
	for (size_t i = 0; ok && i < n; i++) {
		if (steps[i].user_id == grader->id) {
			snprintf(why, size,
				 "nobody grades their own work: %s recorded step %s of "
				 "job %lld (record %d)",
				 grader->name, steps[i].step_id, job->id, steps[i].seq);
			ok = 0;
		}
	}
	store_steps_free(steps, n);
	return ok;
}

/* Check the --redo steps and --score items against checklist C for VERDICT; 1 when they
 * fit, else 0 with the reason in WHY. */
int grade_fits(const struct checklist *c, const char *verdict, const json_t *redo,
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
	for (i = 0; strcmp(verdict, "approved") == 0 && i < c->n_rubric; i++) {
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
