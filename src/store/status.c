/* The words of the records and their enums. See status.h. */
#include "store/status.h"

#include <string.h>

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static const char *const roles[] = { "none", "trainee", "instructor", "admin" };
static const char *const job_states[] = { "open", "submitted", "cancelled" };
static const char *const job_stages[] = { "open", "submitted", "approved", "redo", "cancelled" };
static const char *const device_states[] = { "intake",    "in_repair", "quarantine",
					     "ready",     "certified", "sold",
					     "recycled",  "parts" };
static const char *const verdicts[] = { "approved", "redo" };
static const char *const results[] = { "pass", "fail", "skip", "unknown" };

/* The index of WORD in WORDS (N of them) from FIRST on, or -1. */
static int find(const char *const *words, size_t n, size_t first, const char *word)
{
	for (size_t i = first; word && i < n; i++)
		if (strcmp(words[i], word) == 0)
			return (int)i;
	return -1;
}

static const char *name(const char *const *words, size_t n, int v)
{
	return v >= 0 && (size_t)v < n ? words[v] : "invalid";
}

const char *role_name(enum role r)
{
	return name(roles, COUNT(roles), (int)r);
}

int role_parse(const char *word, enum role *out)
{
	int i = find(roles, COUNT(roles), 1, word); /* "none" is not a role anyone has */

	if (i < 0)
		return 0;
	*out = (enum role)i;
	return 1;
}

const char *job_state_name(enum job_state s)
{
	return name(job_states, COUNT(job_states), (int)s);
}

int job_state_parse(const char *word, enum job_state *out)
{
	int i = find(job_states, COUNT(job_states), 0, word);

	if (i < 0)
		return 0;
	*out = (enum job_state)i;
	return 1;
}

const char *job_stage_name(enum job_stage s)
{
	return name(job_stages, COUNT(job_stages), (int)s);
}

int job_stage_parse(const char *word, enum job_stage *out)
{
	int i = find(job_stages, COUNT(job_stages), 0, word);

	if (i < 0)
		return 0;
	*out = (enum job_stage)i;
	return 1;
}

const char *device_state_name(enum device_state s)
{
	return name(device_states, COUNT(device_states), (int)s);
}

int device_state_parse(const char *word, enum device_state *out)
{
	int i = find(device_states, COUNT(device_states), 0, word);

	if (i < 0)
		return 0;
	*out = (enum device_state)i;
	return 1;
}

const char *verdict_name(enum verdict v)
{
	return name(verdicts, COUNT(verdicts), (int)v);
}

int verdict_parse(const char *word, enum verdict *out)
{
	int i = find(verdicts, COUNT(verdicts), 0, word);

	if (i < 0)
		return 0;
	*out = (enum verdict)i;
	return 1;
}

const char *step_result_name(enum step_result r)
{
	return name(results, COUNT(results), (int)r);
}

int step_result_parse(const char *word, enum step_result *out)
{
	int i = find(results, COUNT(results), 0, word);

	if (i < 0)
		return 0;
	*out = (enum step_result)i;
	return 1;
}
