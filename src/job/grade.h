/*
 * grade — the rules of grading a trainee's job: who may grade it, and whether a verdict
 * (redo steps, rubric scores) fits the checklist the job was done with. The store keeps
 * the grades (store_grade_add); the command line only asks and prints.
 */
#ifndef ATELIER_JOB_GRADE_H
#define ATELIER_JOB_GRADE_H

#include <jansson.h>
#include <stddef.h>

#include "store/store.h"

struct checklist;

/* 1 when GRADER may grade JOB: an instructor or an admin who is neither the job's trainee
 * nor the author of any of its records. Else 0 with the reason in WHY (SIZE bytes). */
int grade_may(struct store *st, const struct store_job *job, const struct store_user *grader,
	      char *why, size_t size);

/* 1 when the REDO steps (array of ids) and SCORES (object: rubric item -> integer) fit
 * checklist C for VERDICT ("approved" or "redo"): every step exists, every item is in
 * the rubric and within its maximum, and an approval scores every item. Else 0 and WHY. */
int grade_fits(const struct checklist *c, const char *verdict, const json_t *redo,
	       const json_t *scores, char *why, size_t size);

#endif
