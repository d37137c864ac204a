/* Checklists: lint, the list (for a device), one by id. See svc.h. */
#include "svc/svc_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int is_folder(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* Is PATH the certification policy (by its file name)? */
static int is_policy(const char *path)
{
	const char *base = strrchr(path, '/');

	return strcmp(base ? base + 1 : path, CHECKLIST_POLICY_FILE) == 0 && !is_folder(path);
}

/* REP's lines, as lint prints them, appended to LINES (a JSON array). */
static void report_lines(const char *path, const struct checklist_report *rep, json_t *lines)
{
	char *text = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&text, &len);

	if (!mem)
		return;
	checklist_lint_print(mem, path, rep);
	fclose(mem);
	for (char *line = text, *nl; line && *line; line = nl ? nl + 1 : NULL) {
		nl = strchr(line, '\n');
		if (nl)
			*nl = '\0';
		json_array_append_new(lines, json_string(line));
	}
	free(text);
}

/* Each competence the checklists of SET train or require that policy P does not name
 * (competences:): a warning line each, once per competence, into LINES. */
static size_t unnamed_competences(const struct checklist_set *set, const struct policy *p,
				  json_t *lines)
{
	json_t *seen = json_object();
	size_t warned = 0;

	for (size_t i = 0; seen && i < set->count; i++) {
		const struct checklist *c = set->items[i];
		size_t n = c->n_competences + c->n_requires_signed_off;

		for (size_t k = 0; k < n; k++) {
			const char *id = k < c->n_competences
						 ? c->competences[k]
						 : c->requires_signed_off[k - c->n_competences];
			char line[1024];

			if (policy_competence(p, id) || json_object_get(seen, id))
				continue;
			json_object_set_new(seen, id, json_true());
			snprintf(line, sizeof(line),
				 "%s: warning: competence '%s' has no name in the policy "
				 "(competences: in policy.yaml): screens and training records "
				 "show its id",
				 c->path, id);
			json_array_append_new(lines, json_string(line));
			warned++;
		}
	}
	json_decref(seen);
	return warned;
}

enum svc_err svc_lint(struct bench *b, const char *const *paths, size_t n, json_t **view)
{
	struct checklist_set set;
	size_t errors = 0, warnings = 0, files = 0;
	json_t *lines = json_array();
	enum svc_err rc = SVC_OK;
	/* The policy the competences' names come from: one linted here, else the one in a
	 * folder linted here, else the workshop's. */
	struct policy *named = calloc(1, sizeof(*named));
	int have_named = 0;
	const struct policy *workshop;

	*view = NULL;
	checklist_set_init(&set);
	for (size_t i = 0; i < n; i++) {
		struct checklist_report rep;
		struct checklist *c = NULL;
		const struct checklist *first;
		enum checklist_err err;

		if (is_policy(paths[i])) {
			/* The certification policy sits with the checklists: lint it as one. */
			struct policy p;
			char why[1024];

			files++;
			policy_defaults(&p);
			if (policy_load_file(&p, paths[i], why, sizeof(why)) != POLICY_OK) {
				json_array_append_new(lines, json_string(why));
				errors++;
			} else if (named && !have_named) {
				*named = p;
				have_named = 1;
			}
			continue;
		}
		checklist_report_init(&rep);
		if (is_folder(paths[i])) {
			size_t before = set.count;

			char policy_path[4096];
			char why[1024];

			err = checklist_set_load_dir(&set, paths[i], &rep);
			files += set.count - before;
			snprintf(policy_path, sizeof(policy_path), "%s/%s", paths[i],
				 CHECKLIST_POLICY_FILE);
			if (named && !have_named && access(policy_path, R_OK) == 0) {
				policy_defaults(named);
				have_named = policy_load_file(named, policy_path, why, sizeof(why)) ==
					     POLICY_OK;
			}
		} else {
			files++;
			err = checklist_load(paths[i], &c, &rep);
			if (err == CHECKLIST_OK && (first = checklist_set_find(&set, c->id))) {
				checklist_report_add(&rep, CHECKLIST_SEV_ERROR, NULL, c->id_line,
						     c->id_col,
						     "checklist id '%s' is already used by %s: ids "
						     "must be unique",
						     c->id, first->path);
				checklist_free(c);
			} else if (err == CHECKLIST_OK &&
				   checklist_set_add(&set, c) != CHECKLIST_OK) {
				checklist_free(c);
				err = CHECKLIST_ENOMEM;
			}
		}
		report_lines(paths[i], &rep, lines);
		if (err == CHECKLIST_ENOMEM)
			rc = svc_fail(b, SVC_EIO, "%s: out of memory", paths[i]);
		errors += rep.errors;
		warnings += rep.warnings;
		checklist_report_release(&rep);
	}
	if (named && !have_named && svc_policy(b, &workshop) == SVC_OK) {
		*named = *workshop;
		have_named = 1;
	}
	b->why[0] = '\0'; /* a workshop with no readable policy: nothing to say here */
	if (have_named)
		warnings += unnamed_competences(&set, named, lines);
	free(named);
	checklist_set_release(&set);
	*view = json_pack("{s:I, s:I, s:I, s:o}", "files", (json_int_t)files, "errors",
			  (json_int_t)errors, "warnings", (json_int_t)warnings, "lines", lines);
	if (!rc && errors)
		rc = svc_fail(b, SVC_EINVAL, "%zu error%s", errors, errors == 1 ? "" : "s");
	return rc;
}

enum svc_err svc_checklist_list(struct bench *b, const char *device, const char *lang,
				json_t **view)
{
	const struct checklist_set *set = svc_checklists(b);
	struct store_device_row dev;
	json_t *facts = NULL, *arr, *left_out;
	enum svc_err rc;

	*view = NULL;
	if (device) {
		if (!b->st)
			return b->open_err ? b->open_err : SVC_ENODATA; /* the reason is in b->why */
		rc = svc_find_device(b, device, &dev);
		if (!rc)
			rc = svc_read_facts(b, dev.id, device, &facts);
		if (rc)
			return rc;
	}
	left_out = json_array();
	arr = json_array();
	for (size_t i = 0; i < set->count; i++) {
		const struct checklist *c = set->items[i];

		if (facts && !checklist_applies(c, facts))
			continue;
		json_array_append_new(arr, json_pack("{s:s, s:i, s:s, s:i, s:i, s:i, s:s, s:s}",
						     "id", c->id, "version", c->version, "title",
						     checklist_text(&c->title, lang), "time_minutes",
						     c->time_minutes, "difficulty", c->difficulty,
						     "steps", (int)c->n_steps, "source", c->path,
						     "hash", c->hash));
	}
	/* The errors only: warnings are for lint, not for every listing. */
	if (b->report.errors) {
		struct checklist_report errs;

		checklist_report_init(&errs);
		for (size_t i = 0; i < b->report.count; i++)
			if (b->report.items[i].severity == CHECKLIST_SEV_ERROR)
				checklist_report_add(&errs, CHECKLIST_SEV_ERROR,
						     b->report.items[i].file,
						     b->report.items[i].line,
						     b->report.items[i].col, "%s",
						     b->report.items[i].message);
		report_lines("checklists", &errs, left_out);
		checklist_report_release(&errs);
	}
	json_decref(facts);
	*view = json_pack("{s:o, s:o}", "checklists", arr, "left_out", left_out);
	return SVC_OK;
}

enum svc_err svc_checklist_find(struct bench *b, const char *id, const struct checklist **out)
{
	*out = checklist_set_find(svc_checklists(b), id);
	if (!*out)
		return svc_fail(b, SVC_ENOENT, "no checklist '%s' ('atelier checklist list' shows "
					       "them)",
				id);
	return SVC_OK;
}

const struct checklist *svc_checklist_current(struct bench *b, const char *id)
{
	const struct checklist_set *set = svc_checklists(b);

	return set ? checklist_set_find(set, id) : NULL;
}

const char *svc_checklist_title(struct bench *b, const char *id, const char *lang)
{
	const struct checklist *c = svc_checklist_current(b, id);
	const char *t = c ? checklist_text(&c->title, lang) : NULL;

	return t ? t : id;
}
