/*
 * checklist — repair checklists: YAML files loaded, validated and kept in memory.
 *
 * A checklist file (format: /docs/checklists.md for instructors) is read whole (at most
 * CHECKLIST_MAX_BYTES), parsed with libyaml's event API into a small tree that keeps the
 * 1-based line and column of every node, then checked against the schema. Every problem
 * found goes into a struct checklist_report as {severity, line, column, message} in
 * plain words an instructor can act on; a checklist is handed back only when the report
 * holds no error (warnings, such as a missing translation, do not stop it).
 *
 * Invariants of a loaded struct checklist: ids match [a-z0-9][a-z0-9-]* (at most
 * CHECKLIST_MAX_ID bytes); step ids, option values and rubric ids are unique; every
 * translated text has English; every text is valid UTF-8 without control characters
 * (newline and tab allowed) and at most CHECKLIST_MAX_TEXT bytes; measure steps have a
 * unit and min <= max; choice steps have 2..CHECKLIST_MAX_OPTIONS options; auto steps
 * have an expression that expr_parse() accepts, and so does every applies_if; entry
 * steps have a format and a fact to record; a recorded fact is in the facts schema
 * (src/probe/facts.c), its type fits the step's kind, and no two steps record the same
 * fact; an option's ctia grade is one of A..E; images stay inside the checklist's
 * folder. All strings and arrays belong to the checklist and live until
 * checklist_free().
 *
 * Where checklists are found (checklist_search_path):
 *   1. the shipped ones: $ATELIER_CHECKLISTS when set and not empty; else the
 *      checklists/ folder of the source tree when the program runs from one (the
 *      executable sits in build/ or build/san/ of a tree holding checklists/ and
 *      src/main.c); else ATELIER_DATADIR "/checklists" (the installed copy);
 *   2. the workshop's own: DATA_DIR/checklists.
 * Ids are unique across all of them: a second file with an id already loaded is refused
 * with an error naming both files.
 */
#ifndef ATELIER_CHECKLIST_CHECKLIST_H
#define ATELIER_CHECKLIST_CHECKLIST_H

#include <jansson.h>
#include <stddef.h>
#include <stdio.h>

#define CHECKLIST_MAX_BYTES (256 * 1024) /* size of one file */
#define CHECKLIST_MAX_STEPS 200		 /* steps of one checklist */
#define CHECKLIST_MAX_TEXT 4096		 /* bytes of one text (one language) */
#define CHECKLIST_MAX_ID 64		 /* bytes of an id */
#define CHECKLIST_MAX_OPTIONS 20	 /* options of a choice step */
#define CHECKLIST_MAX_LIST 50		 /* items of tools, parts, instructions, models... */
#define CHECKLIST_MAX_EXPR 1024		 /* bytes of an auto step's expression */
#define CHECKLIST_MAX_PROBLEMS 200	 /* problems kept in a report; more are counted */
#define CHECKLIST_MAX_DEPTH 32		 /* nesting of YAML collections */
#define CHECKLIST_MAX_NODES 20000	 /* YAML values in one file */
#define CHECKLIST_MAX_FILES 500		 /* checklist files read from one folder */
#define CHECKLIST_MAX_MESSAGE 320	 /* bytes of one problem's message */

enum checklist_err {
	CHECKLIST_OK = 0,
	CHECKLIST_EINVALID,   /* the file has errors: they are in the report */
	CHECKLIST_ENOENT,     /* no such file or folder */
	CHECKLIST_EIO,	      /* the file or folder cannot be read */
	CHECKLIST_ETOOBIG,    /* the file is larger than CHECKLIST_MAX_BYTES */
	CHECKLIST_ENOMEM,     /* out of memory */
	CHECKLIST_EDUPLICATE, /* the id is already used by another loaded file */
};

/* A static English description of ERR. */
const char *checklist_strerror(enum checklist_err err);

/* A problem found in a file. LINE and COL are 1-based; 0 when the problem is about the
 * whole file (cannot be read, too big). FILE is NULL for the file the report was made
 * for, else the path of the file concerned (checklist_set_load_dir). */
enum checklist_severity {
	CHECKLIST_SEV_ERROR,
	CHECKLIST_SEV_WARNING,
};

struct checklist_problem {
	enum checklist_severity severity;
	int line, col;
	char *file; /* owned by the report; NULL: the report's own file */
	char message[CHECKLIST_MAX_MESSAGE];
};

/* The problems of one or more loads, in the order found. Embed it and call
 * checklist_report_init()/checklist_report_release(); at most CHECKLIST_MAX_PROBLEMS
 * are kept, the others are counted in DROPPED. */
struct checklist_report {
	struct checklist_problem *items;
	size_t count, cap;
	size_t errors, warnings; /* all found, also those dropped */
	size_t dropped;
};

void checklist_report_init(struct checklist_report *rep);
void checklist_report_release(struct checklist_report *rep);

/* Add a problem to REP (FILE may be NULL; it is copied). Past CHECKLIST_MAX_PROBLEMS, or
 * when memory runs out, the problem is only counted. */
void checklist_report_add(struct checklist_report *rep, enum checklist_severity severity,
			  const char *file, int line, int col, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

/* Print REP as "PATH:LINE:COL: error: message" / "...: warning: message" lines sorted by
 * file and position (a problem about the whole file: "PATH: error: message"); PATH is
 * used for problems whose FILE is NULL. A last line says how many were not kept. */
void checklist_lint_print(FILE *out, const char *path, const struct checklist_report *rep);

/* A text a trainee reads, in English, French and Dutch. EN is never NULL in a loaded
 * checklist (except for the optional summary, where all three are NULL when absent);
 * FR and NL are NULL when not translated. */
struct checklist_text {
	const char *en;
	const char *fr;
	const char *nl;
};

/* The text in LANG ("en", "fr", "nl"), or English when that translation is missing or
 * LANG is NULL or another language. Borrowed from the checklist. */
const char *checklist_text(const struct checklist_text *t, const char *lang);

/* 1 when LANG is one of the languages Atelier speaks: en, fr, nl. */
int checklist_lang_known(const char *lang);

enum checklist_level {
	CHECKLIST_NOTE,
	CHECKLIST_CAUTION,
	CHECKLIST_WARNING,
};

enum checklist_on_fail {
	CHECKLIST_ON_FAIL_CONTINUE,
	CHECKLIST_ON_FAIL_STOP,
	CHECKLIST_ON_FAIL_QUARANTINE,
};

enum checklist_kind {
	CHECKLIST_KIND_CHECK,
	CHECKLIST_KIND_MEASURE,
	CHECKLIST_KIND_CHOICE,
	CHECKLIST_KIND_AUTO,
	CHECKLIST_KIND_PARTS,
	CHECKLIST_KIND_NOTE,
	CHECKLIST_KIND_ENTRY, /* the trainee types a value (format), recorded as a fact */
};

/* What a checklist is for; the certification policy tells a repair from a check by it. */
enum checklist_category {
	CHECKLIST_CAT_NONE, /* not given (lint warns) */
	CHECKLIST_CAT_INTAKE,
	CHECKLIST_CAT_WIPE,
	CHECKLIST_CAT_DIAGNOSTICS,
	CHECKLIST_CAT_REPAIR,
	CHECKLIST_CAT_QC,
};

/* What an entry step accepts. */
enum checklist_entry_format {
	CHECKLIST_ENTRY_NONE, /* not an entry step */
	CHECKLIST_ENTRY_IMEI, /* one or two IMEIs (15 digits, Luhn), separated by a comma */
	CHECKLIST_ENTRY_TEXT, /* 1 to 200 printable characters */
};

/* "note", "caution", "warning"; "check", "measure", ..., "entry"; "continue", "stop", ...;
 * "intake", "wipe", "diagnostics", "repair", "qc" ("none" for CHECKLIST_CAT_NONE);
 * "imei", "text" ("none" for CHECKLIST_ENTRY_NONE). Static; "invalid" for a value
 * outside the enum. */
const char *checklist_level_name(enum checklist_level level);
const char *checklist_kind_name(enum checklist_kind kind);
const char *checklist_on_fail_name(enum checklist_on_fail on_fail);
const char *checklist_category_name(enum checklist_category category);
const char *checklist_entry_format_name(enum checklist_entry_format format);

struct checklist_instruction {
	enum checklist_level level;
	struct checklist_text text;
};

struct checklist_option {
	const char *value;
	struct checklist_text label;
	struct checklist_text criteria;
	const char *ctia; /* the CTIA cosmetic grade "A".."E" it matches; NULL when absent */
};

struct checklist_step {
	const char *id;
	int line; /* where the step starts in the file */
	struct checklist_text title;
	struct checklist_instruction *instructions;
	size_t n_instructions;
	const char *image;		/* relative to the checklist's folder, or NULL */
	int required;			/* default 1 */
	enum checklist_on_fail on_fail; /* default continue */
	enum checklist_kind kind;
	const char *unit;		  /* measure: never NULL; else NULL */
	double min, max;		  /* measure: the accepted range, min <= max */
	struct checklist_option *options; /* choice: 2..CHECKLIST_MAX_OPTIONS */
	size_t n_options;
	const char *expr; /* auto: the expression's text; else NULL */
	/* Every kind: the step applies only to devices on which this expression is pass or
	 * unknown (checklist_step_applies); NULL: to every device. */
	const char *applies_if;
	/* The fact the step's value fills (a path of the facts schema): always on entry
	 * steps, optional on measure and choice steps, else NULL. */
	const char *records;
	enum checklist_entry_format format; /* entry: never NONE; else NONE */
	int tester; /* measure: 1 when the record must name the instrument used; else 0 */
	int note_required; /* 1 when the record must carry a note (e.g. a check's reference) */
};

struct checklist_rubric {
	const char *id;
	struct checklist_text title;
	int max; /* 1..10 */
	/* What each score means: levels[k] for a score of k, max + 1 of them; NULL and 0
	 * when the checklist does not say (lint warns). */
	struct checklist_text *levels;
	size_t n_levels;
};

struct checklist {
	const char *id;
	int version; /* >= 1 */
	struct checklist_text title;
	struct checklist_text summary;	  /* all NULL when absent */
	enum checklist_category category; /* CHECKLIST_CAT_NONE when not given */
	/* applies_to: an empty list means "any" */
	const char **platforms;
	size_t n_platforms;
	const char **models; /* fnmatch globs on identity.model_id */
	size_t n_models;
	const char **modes;
	size_t n_modes;
	const char **classes; /* "phone", "tablet": matched on device.class */
	size_t n_classes;
	int difficulty;	  /* 1..5 */
	int time_minutes; /* 1..600 */
	struct checklist_text *tools;
	size_t n_tools;
	struct checklist_text *parts;
	size_t n_parts;
	const char **prerequisites; /* checklists done first on the same device */
	size_t n_prerequisites;
	/* The competences doing it trains (ids such as "esd-safety"), and what a trainee must
	 * hold before she may start it: an approved job of each checklist of
	 * requires_approved, an instructor's sign-off for each competence of
	 * requires_signed_off. */
	const char **competences;
	size_t n_competences;
	const char **requires_approved;
	size_t n_requires_approved;
	const char **requires_signed_off;
	size_t n_requires_signed_off;
	struct checklist_rubric *rubric;
	size_t n_rubric;
	struct checklist_step *steps; /* at least one */
	size_t n_steps;
	int id_line, id_col;	       /* where the id is written */
	const char *path;	       /* the file it was loaded from (as given) */
	char hash[65];		       /* SHA-256 of the file's bytes, lower-case hex */
	struct checklist_arena *arena; /* owns everything above */
};

/* Read PATH and load it. Problems go into REP (which may already hold others). On
 * success (CHECKLIST_OK: no error in this file, maybe warnings) *OUT is a new checklist
 * the caller frees with checklist_free(); on any failure *OUT is NULL: CHECKLIST_EINVALID
 * when the file has errors, CHECKLIST_ENOENT/EIO/ETOOBIG when it cannot be read whole
 * (also added to REP as a problem without position), CHECKLIST_ENOMEM. */
enum checklist_err checklist_load(const char *path, struct checklist **out,
				  struct checklist_report *rep) __attribute__((warn_unused_result));

/* The same for LEN bytes at BUF (need not be NUL-terminated), named NAME: NAME is the
 * checklist's path, and images are looked for relative to NAME's folder. */
enum checklist_err checklist_load_buffer(const char *name, const char *buf, size_t len,
					 struct checklist **out, struct checklist_report *rep)
    __attribute__((warn_unused_result));

/* Free C and everything it owns; NULL is allowed. */
void checklist_free(struct checklist *c);

/* Does C apply to the device whose facts (facts_json() layout) are FACTS? 1 or 0.
 * Each restriction of applies_to must hold: "platform" is one of the platforms,
 * identity.model_id matches one of the model globs (fnmatch, case-sensitive),
 * connection.mode is one of the modes, device.class is one of the classes. A
 * restriction on a fact that is missing or null does not hold. A checklist without
 * applies_to applies to every device. */
int checklist_applies(const struct checklist *c, json_t *facts);

/* Does step S apply to the device whose facts are FACTS (facts_json() layout; NULL reads
 * every fact as null)? 1 when S has no applies_if or it is pass or unknown on FACTS
 * (Atelier does not guess a fact away: the step stays); 0 when it is fail: the step is
 * not shown, not required and cannot be recorded. Also 1 when the expression cannot be
 * parsed now (out of memory; a loaded checklist's expressions always parse). */
int checklist_step_applies(const struct checklist_step *s, json_t *facts);

/* C as a new JSON object (every field, texts as {en, fr, nl} objects without the missing
 * languages; optional fields — summary, image, category, applies_to.classes, applies_if,
 * records, format, tester, ctia — only when set); NULL when out of memory. The caller
 * owns the reference. */
json_t *checklist_to_json(const struct checklist *c);

/* A set of loaded checklists with unique ids, in the order loaded (each folder sorted
 * by file name). Embed it: checklist_set_init()/checklist_set_release(); the set owns
 * its checklists. */
struct checklist_set {
	struct checklist **items;
	size_t count, cap;
};

void checklist_set_init(struct checklist_set *set);
void checklist_set_release(struct checklist_set *set);

/* Load every *.yaml file of DIR (sorted by name; at most CHECKLIST_MAX_FILES) into SET.
 * Problems go into REP with the file they concern; a file with errors is left out, and
 * so is a file whose id is already in SET (an error naming both files). CHECKLIST_OK
 * when the folder could be read, even if some files were left out: the report says
 * which; CHECKLIST_ENOENT when DIR does not exist; CHECKLIST_EIO; CHECKLIST_ENOMEM. */
enum checklist_err checklist_set_load_dir(struct checklist_set *set, const char *dir,
					  struct checklist_report *rep)
    __attribute__((warn_unused_result));

/* Add C to SET, taking it on CHECKLIST_OK; CHECKLIST_EDUPLICATE (C not taken) when its
 * id is already there; CHECKLIST_ENOMEM. */
enum checklist_err checklist_set_add(struct checklist_set *set, struct checklist *c)
    __attribute__((warn_unused_result));

/* The checklist with ID, or NULL; borrowed from SET. */
const struct checklist *checklist_set_find(const struct checklist_set *set, const char *id);

/* Load SET from every folder of the search path that exists (see the top of this file).
 * DATA_DIR may be NULL (then the workshop's folder is not read). */
enum checklist_err checklist_set_load_default(struct checklist_set *set, const char *data_dir,
					      struct checklist_report *rep)
    __attribute__((warn_unused_result));

/* The certification policy (src/cert/policy.h) shipped in the first folder; not a checklist. */
#define CHECKLIST_POLICY_FILE "policy.yaml"
#define CHECKLIST_SEARCH_MAX 2	/* folders in the search path */
#define CHECKLIST_PATH_MAX 4096 /* bytes of one folder's path */
/* The source tree the running program was built in (the folder above build/ or
 * build/san/ holding checklists/ and src/main.c) into OUT; 0 when it runs from none. */
int checklist_source_root(char *out, size_t size);
/* The folders to read, in order (shipped, then the workshop's), into DIRS; returns how
 * many (at most MAX, at most CHECKLIST_SEARCH_MAX). Folders are given whether or not
 * they exist; DATA_DIR may be NULL. A path that does not fit is left out. */
size_t checklist_search_path(const char *data_dir, char dirs[][CHECKLIST_PATH_MAX], size_t max);

#endif
