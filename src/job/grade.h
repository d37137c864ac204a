/*
 * grade — whether a verdict (redo steps, rubric scores) fits the checklist a job was
 * done with. Who may grade is decided with every other permission in svc_may()
 * (src/svc/svc.c); the store keeps the grades (store_grade_add).
 */
#ifndef ATELIER_JOB_GRADE_H
#define ATELIER_JOB_GRADE_H

#include <jansson.h>
#include <stddef.h>

#include "store/store.h"

struct checklist;

/* 1 when the REDO steps (array of ids) and SCORES (object: rubric item -> integer) fit
 * checklist C for VERDICT ("approved" or "redo"): every step exists, every item is in
 * the rubric and within its maximum, and an approval scores every item. Else 0 and WHY. */
int grade_fits(const struct checklist *c, enum verdict verdict, const json_t *redo,
	       const json_t *scores, char *why, size_t size);

#endif
