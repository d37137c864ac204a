/*
 * checklist — load and validate checklist files (see checklist.h).
 *
 * Two passes: libyaml's event parser builds a small tree (struct ynode) that keeps the
 * position of every value, refusing anchors, aliases, a second document and anything
 * past the bounds; then the validator walks that tree along the schema, reporting every
 * problem it finds (it does not stop at the first) and copying what is valid into the
 * checklist's arena. The tree is freed; the arena goes with the checklist.
 */
#include "checklist/checklist.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>
#include <yaml.h>

#include "checklist/expr.h"
#include "probe/facts.h"
#include "usb/classify.h"

#ifndef ATELIER_DATADIR
#define ATELIER_DATADIR "/usr/local/share/atelier"
#endif

/* ------------------------------------------------------------------------------------
 * Arena: everything a checklist holds, freed at once.
 */
#define ARENA_BLOCK 16384

struct arena_block {
	struct arena_block *next;
	size_t used, cap;
	max_align_t data[];
};

struct checklist_arena {
	struct arena_block *head;
	int oom;
};

static void *ar_alloc(struct checklist_arena *a, size_t n)
{
	struct arena_block *b = a->head;
	void *p;

	n = (n + sizeof(max_align_t) - 1) / sizeof(max_align_t) * sizeof(max_align_t);
	if (n == 0)
		n = sizeof(max_align_t);
	if (!b || b->cap - b->used < n) {
		size_t cap = n > ARENA_BLOCK ? n : ARENA_BLOCK;

		b = malloc(sizeof(*b) + cap);
		if (!b) {
			a->oom = 1;
			return NULL;
		}
		b->used = 0;
		b->cap = cap;
		if (a->head && n > ARENA_BLOCK) {
			/* a big one-off: keep the current block's room for small ones */
			b->next = a->head->next;
			a->head->next = b;
		} else {
			b->next = a->head;
			a->head = b;
		}
	}
	p = (char *)b->data + b->used;
	b->used += n;
	memset(p, 0, n);
	return p;
}

static void *ar_array(struct checklist_arena *a, size_t n, size_t size)
{
	if (n == 0)
		return NULL;
	if (n > SIZE_MAX / size) {
		a->oom = 1;
		return NULL;
	}
	return ar_alloc(a, n * size);
}

static char *ar_strndup(struct checklist_arena *a, const char *s, size_t len)
{
	char *p = ar_alloc(a, len + 1);

	if (p)
		memcpy(p, s, len);
	return p;
}

static void arena_free(struct checklist_arena *a)
{
	struct arena_block *b, *next;

	if (!a)
		return;
	for (b = a->head; b; b = next) {
		next = b->next;
		free(b);
	}
	free(a);
}

/* ------------------------------------------------------------------------------------
 * Errors, names, reports.
 */
const char *checklist_strerror(enum checklist_err err)
{
	switch (err) {
	case CHECKLIST_OK:
		return "ok";
	case CHECKLIST_EINVALID:
		return "the checklist has errors";
	case CHECKLIST_ENOENT:
		return "no such file or folder";
	case CHECKLIST_EIO:
		return "cannot read the file or folder";
	case CHECKLIST_ETOOBIG:
		return "the file is too large";
	case CHECKLIST_ENOMEM:
		return "out of memory";
	case CHECKLIST_EDUPLICATE:
		return "a checklist with this id is already loaded";
	}
	return "unknown error";
}

static const char *const level_names[] = { "note", "caution", "warning", NULL };
static const char *const kind_names[] = { "check", "measure", "choice", "auto",
					  "parts", "note",    "entry",	NULL };
static const char *const on_fail_names[] = { "continue", "stop", "quarantine", NULL };
static const char *const platform_names[] = { "ios", "android", NULL };
static const char *const class_names[] = { "phone", "tablet", NULL };
/* Index = enum value; the names a file may use start at index 1. */
static const char *const category_names[] = { "none",	"intake", "wipe", "diagnostics",
					      "repair", "qc",	  NULL };
static const char *const format_names[] = { "none", "imei", "text", NULL };
/* The grades of the CTIA cosmetic scale (CTIA Wireless Device Grading Scales). */
static const char *const ctia_names[] = { "A", "B", "C", "D", "E", NULL };

const char *checklist_level_name(enum checklist_level level)
{
	return (unsigned)level <= CHECKLIST_WARNING ? level_names[level] : "invalid";
}

const char *checklist_kind_name(enum checklist_kind kind)
{
	return (unsigned)kind <= CHECKLIST_KIND_ENTRY ? kind_names[kind] : "invalid";
}

const char *checklist_category_name(enum checklist_category category)
{
	return (unsigned)category <= CHECKLIST_CAT_QC ? category_names[category] : "invalid";
}

const char *checklist_entry_format_name(enum checklist_entry_format format)
{
	return (unsigned)format <= CHECKLIST_ENTRY_TEXT ? format_names[format] : "invalid";
}

const char *checklist_on_fail_name(enum checklist_on_fail on_fail)
{
	return (unsigned)on_fail <= CHECKLIST_ON_FAIL_QUARANTINE ? on_fail_names[on_fail]
								 : "invalid";
}

void checklist_report_init(struct checklist_report *rep)
{
	memset(rep, 0, sizeof(*rep));
}

void checklist_report_release(struct checklist_report *rep)
{
	if (!rep)
		return;
	for (size_t i = 0; i < rep->count; i++)
		free(rep->items[i].file);
	free(rep->items);
	memset(rep, 0, sizeof(*rep));
}

static void report_vadd(struct checklist_report *rep, enum checklist_severity severity,
			const char *file, int line, int col, const char *fmt, va_list ap)
    __attribute__((format(printf, 6, 0)));

static void report_vadd(struct checklist_report *rep, enum checklist_severity severity,
			const char *file, int line, int col, const char *fmt, va_list ap)
{
	struct checklist_problem *p;

	if (severity == CHECKLIST_SEV_ERROR)
		rep->errors++;
	else
		rep->warnings++;
	if (rep->count >= CHECKLIST_MAX_PROBLEMS)
		goto drop;
	if (rep->count == rep->cap) {
		size_t cap = rep->cap ? rep->cap * 2 : 16;
		struct checklist_problem *items;

		if (cap > CHECKLIST_MAX_PROBLEMS)
			cap = CHECKLIST_MAX_PROBLEMS;
		items = realloc(rep->items, cap * sizeof(*items));
		if (!items)
			goto drop;
		rep->items = items;
		rep->cap = cap;
	}
	p = &rep->items[rep->count];
	p->severity = severity;
	p->line = line;
	p->col = col;
	p->file = NULL;
	if (file) {
		p->file = strdup(file);
		if (!p->file)
			goto drop;
	}
	vsnprintf(p->message, sizeof(p->message), fmt, ap);
	rep->count++;
	return;
drop:
	rep->dropped++;
}

void checklist_report_add(struct checklist_report *rep, enum checklist_severity severity,
			  const char *file, int line, int col, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report_vadd(rep, severity, file, line, col, fmt, ap);
	va_end(ap);
}

struct sorted_problem {
	const struct checklist_problem *p;
	const char *file;
	size_t index;
};

static int cmp_problem(const void *a, const void *b)
{
	const struct sorted_problem *x = a, *y = b;
	int c = strcmp(x->file, y->file);

	if (c)
		return c;
	if (x->p->line != y->p->line)
		return x->p->line < y->p->line ? -1 : 1;
	if (x->p->col != y->p->col)
		return x->p->col < y->p->col ? -1 : 1;
	return x->index < y->index ? -1 : x->index > y->index;
}

void checklist_lint_print(FILE *out, const char *path, const struct checklist_report *rep)
{
	struct sorted_problem *v;

	if (!rep->count)
		goto dropped;
	v = calloc(rep->count, sizeof(*v));
	for (size_t i = 0; i < rep->count; i++) {
		const struct checklist_problem *p = &rep->items[i];
		const char *sev = p->severity == CHECKLIST_SEV_ERROR ? "error" : "warning";
		const char *file = p->file ? p->file : path;

		if (!v) { /* out of memory: in the order found */
			if (p->line > 0)
				fprintf(out, "%s:%d:%d: %s: %s\n", file, p->line, p->col, sev,
					p->message);
			else
				fprintf(out, "%s: %s: %s\n", file, sev, p->message);
			continue;
		}
		v[i].p = p;
		v[i].file = file;
		v[i].index = i;
	}
	if (v) {
		qsort(v, rep->count, sizeof(*v), cmp_problem);
		for (size_t i = 0; i < rep->count; i++) {
			const struct checklist_problem *p = v[i].p;
			const char *sev = p->severity == CHECKLIST_SEV_ERROR ? "error" : "warning";

			if (p->line > 0)
				fprintf(out, "%s:%d:%d: %s: %s\n", v[i].file, p->line, p->col, sev,
					p->message);
			else
				fprintf(out, "%s: %s: %s\n", v[i].file, sev, p->message);
		}
		free(v);
	}
dropped:
	if (rep->dropped)
		fprintf(out, "%s: note: %zu more problems not shown\n", path, rep->dropped);
}

int checklist_lang_known(const char *lang)
{
	return lang && (strcmp(lang, "en") == 0 || strcmp(lang, "fr") == 0 ||
			strcmp(lang, "nl") == 0);
}

const char *checklist_text(const struct checklist_text *t, const char *lang)
{
	if (!t)
		return NULL;
	if (lang && strcmp(lang, "fr") == 0 && t->fr)
		return t->fr;
	if (lang && strcmp(lang, "nl") == 0 && t->nl)
		return t->nl;
	return t->en;
}

/* ------------------------------------------------------------------------------------
 * The YAML tree, built from libyaml's events.
 */
enum ytype { Y_SCALAR, Y_SEQ, Y_MAP };

struct ynode {
	enum ytype type;
	int line, col; /* 1-based start */
	int end_line;  /* 1-based line where the value ends */
	int plain;     /* scalar written without quotes or block indicator */
	int quoted;    /* scalar in '...' or "..." */
	char *text;    /* scalar: NUL-terminated (may hold NULs before LEN) */
	size_t len;
	struct ynode **kids; /* seq: items; map: key, value, key, value... */
	size_t n, cap;
	struct ynode *next_alloc;
};

struct ytree {
	struct ynode *root;
	struct ynode *all;
	size_t count;
};

static void ytree_free(struct ytree *t)
{
	struct ynode *n, *next;

	for (n = t->all; n; n = next) {
		next = n->next_alloc;
		free(n->text);
		free(n->kids);
		free(n);
	}
	t->all = NULL;
	t->root = NULL;
}

/* Where a problem found while building the tree is reported. */
struct vctx {
	struct checklist_report *rep;
	const char *file; /* problem file tag, or NULL */
	struct checklist_arena *ar;
	char dir[CHECKLIST_PATH_MAX]; /* the checklist's folder, for images */
	size_t errors;
	int oom;
};

static void problem_at(struct vctx *v, enum checklist_severity sev, int line, int col,
		       const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static void problem_at(struct vctx *v, enum checklist_severity sev, int line, int col,
		       const char *fmt, ...)
{
	va_list ap;

	if (sev == CHECKLIST_SEV_ERROR)
		v->errors++;
	va_start(ap, fmt);
	report_vadd(v->rep, sev, v->file, line, col, fmt, ap);
	va_end(ap);
}

#define ERR(v, node, ...)                                                                          \
	problem_at((v), CHECKLIST_SEV_ERROR, (node)->line, (node)->col, __VA_ARGS__)
#define WARN(v, node, ...)                                                                         \
	problem_at((v), CHECKLIST_SEV_WARNING, (node)->line, (node)->col, __VA_ARGS__)

/* libyaml's words, and what we say instead. */
static const struct {
	const char *libyaml;
	const char *ours;
} syntax_words[] = {
	{ "mapping values are not allowed in this context",
	  "a ':' cannot come here: put a text that contains ': ' in quotes, or check the "
	  "indentation" },
	{ "did not find expected key", "expected a key here: check the indentation" },
	{ "found character that cannot start any token",
	  "this character cannot start a value: indent with spaces, not tabs, and put a text "
	  "that starts with '@', '`' or '%' in quotes" },
	{ "could not find expected ':'", "a ':' is missing after a key" },
	{ "found unexpected end of stream",
	  "the file ends before the closing quote or bracket of this value" },
	{ "did not find expected '-' indicator",
	  "expected a list item ('- ...') here: check the indentation" },
	{ "did not find expected ',' or ']'",
	  "expected ',' or ']' here: a comma, the closing ']' or a closing quote is missing" },
	{ "did not find expected ',' or '}'",
	  "expected ',' or '}' here: a comma, the closing '}' or a closing quote is missing" },
	{ "found a tab character that violates indentation", "indent with spaces, not tabs" },
	{ "found a tab character that violate indentation", "indent with spaces, not tabs" },
	{ "found unknown escape character",
	  "unknown escape after '\\' in a double-quoted text (write \\\\ for a backslash)" },
	{ "control characters are not allowed", "the file contains a control character" },
	{ "invalid leading UTF-8 octet", "the file is not valid UTF-8 text" },
	{ "invalid trailing UTF-8 octet", "the file is not valid UTF-8 text" },
	{ "incomplete UTF-8 octet sequence", "the file is not valid UTF-8 text" },
	{ "invalid Unicode character", "the file is not valid UTF-8 text" },
	{ "did not find expected node content", "a value is missing here" },
	{ "block sequence entries are not allowed in this context",
	  "a list item ('- ') cannot come here: check the indentation" },
};

static void offset_position(const char *buf, size_t len, size_t offset, int *line, int *col)
{
	int l = 1, c = 1;

	if (offset > len)
		offset = len;
	for (size_t i = 0; i < offset; i++) {
		if (buf[i] == '\n') {
			l++;
			c = 1;
		} else if (((unsigned char)buf[i] & 0xc0) != 0x80) {
			c++;
		}
	}
	*line = l;
	*col = c;
}

static void syntax_problem(struct vctx *v, const yaml_parser_t *p, const char *buf, size_t len)
{
	const char *problem = p->problem ? p->problem : "unreadable YAML";
	const char *words = NULL;
	int line, col;

	for (size_t i = 0; i < sizeof(syntax_words) / sizeof(syntax_words[0]); i++)
		if (strcmp(problem, syntax_words[i].libyaml) == 0)
			words = syntax_words[i].ours;
	if (p->error != YAML_READER_ERROR && p->problem_mark.index < len &&
	    buf[p->problem_mark.index] == '\t')
		words = "a tab cannot indent or start a value here: YAML indents with spaces";
	if (p->error == YAML_READER_ERROR) {
		offset_position(buf, len, p->problem_offset, &line, &col);
	} else if (strcmp(problem, "found unexpected end of stream") == 0 && p->context) {
		/* where the unclosed value starts helps more than the end of the file */
		line = (int)p->context_mark.line + 1;
		col = (int)p->context_mark.column + 1;
	} else {
		line = (int)p->problem_mark.line + 1;
		col = (int)p->problem_mark.column + 1;
	}
	if (p->error == YAML_MEMORY_ERROR) {
		v->oom = 1;
		return;
	}
	if (words)
		problem_at(v, CHECKLIST_SEV_ERROR, line, col, "YAML syntax error: %s", words);
	else
		problem_at(v, CHECKLIST_SEV_ERROR, line, col, "YAML syntax error: %s%s%s", problem,
			   p->context ? " " : "", p->context ? p->context : "");
}

static struct ynode *ynew(struct ytree *t, enum ytype type, const yaml_event_t *ev)
{
	struct ynode *n = calloc(1, sizeof(*n));

	if (!n)
		return NULL;
	n->type = type;
	n->line = (int)ev->start_mark.line + 1;
	n->col = (int)ev->start_mark.column + 1;
	n->end_line = (int)ev->end_mark.line + 1;
	n->next_alloc = t->all;
	t->all = n;
	t->count++;
	return n;
}

static int yadd(struct ynode *parent, struct ynode *kid)
{
	if (parent->n == parent->cap) {
		size_t cap = parent->cap ? parent->cap * 2 : 8;
		struct ynode **kids = realloc(parent->kids, cap * sizeof(*kids));

		if (!kids)
			return -1;
		parent->kids = kids;
		parent->cap = cap;
	}
	parent->kids[parent->n++] = kid;
	return 0;
}

/* Parse BUF into T. 0 on success (T->root may be NULL for an empty file), -1 after
 * reporting why (or setting v->oom). */
static int ytree_build(struct vctx *v, const char *buf, size_t len, struct ytree *t)
{
	yaml_parser_t parser;
	yaml_event_t ev;
	struct ynode *stack[CHECKLIST_MAX_DEPTH + 1];
	int depth = 0, docs = 0, done = 0, rc = -1;

	memset(t, 0, sizeof(*t));
	if (!yaml_parser_initialize(&parser)) {
		v->oom = 1;
		return -1;
	}
	yaml_parser_set_input_string(&parser, (const unsigned char *)buf, len);
	while (!done) {
		struct ynode *n = NULL;
		const unsigned char *anchor = NULL;

		if (!yaml_parser_parse(&parser, &ev)) {
			syntax_problem(v, &parser, buf, len);
			goto out;
		}
		switch (ev.type) {
		case YAML_STREAM_END_EVENT:
			done = 1;
			break;
		case YAML_DOCUMENT_START_EVENT:
			if (++docs > 1) {
				problem_at(v, CHECKLIST_SEV_ERROR, (int)ev.start_mark.line + 1,
					   (int)ev.start_mark.column + 1,
					   "a checklist file holds one YAML document: remove this "
					   "second one (or the '---' that starts it)");
				yaml_event_delete(&ev);
				goto out;
			}
			break;
		case YAML_ALIAS_EVENT:
			problem_at(
			    v, CHECKLIST_SEV_ERROR, (int)ev.start_mark.line + 1,
			    (int)ev.start_mark.column + 1,
			    "anchors and aliases (&name, *name) are not allowed in checklists: "
			    "write the value out");
			yaml_event_delete(&ev);
			goto out;
		case YAML_SCALAR_EVENT:
			anchor = ev.data.scalar.anchor;
			n = ynew(t, Y_SCALAR, &ev);
			if (n) {
				n->len = ev.data.scalar.length;
				n->text = malloc(n->len + 1);
				if (n->text) {
					memcpy(n->text, ev.data.scalar.value, n->len);
					n->text[n->len] = '\0';
				}
				n->plain = ev.data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
				n->quoted =
				    ev.data.scalar.style == YAML_SINGLE_QUOTED_SCALAR_STYLE ||
				    ev.data.scalar.style == YAML_DOUBLE_QUOTED_SCALAR_STYLE;
				if (!n->text)
					n = NULL;
			}
			break;
		case YAML_SEQUENCE_START_EVENT:
			anchor = ev.data.sequence_start.anchor;
			n = ynew(t, Y_SEQ, &ev);
			break;
		case YAML_MAPPING_START_EVENT:
			anchor = ev.data.mapping_start.anchor;
			n = ynew(t, Y_MAP, &ev);
			break;
		case YAML_SEQUENCE_END_EVENT:
		case YAML_MAPPING_END_EVENT:
			if (depth > 0) {
				depth--;
				stack[depth]->end_line = (int)ev.end_mark.line + 1;
			}
			break;
		default:
			break;
		}
		if (anchor) {
			problem_at(
			    v, CHECKLIST_SEV_ERROR, (int)ev.start_mark.line + 1,
			    (int)ev.start_mark.column + 1,
			    "anchors and aliases (&name, *name) are not allowed in checklists: "
			    "write the value out");
			yaml_event_delete(&ev);
			goto out;
		}
		if (ev.type == YAML_SCALAR_EVENT || ev.type == YAML_SEQUENCE_START_EVENT ||
		    ev.type == YAML_MAPPING_START_EVENT) {
			if (!n) {
				v->oom = 1;
				yaml_event_delete(&ev);
				goto out;
			}
			if (t->count > CHECKLIST_MAX_NODES) {
				ERR(v, n, "the file holds more than %d values: split the checklist",
				    CHECKLIST_MAX_NODES);
				yaml_event_delete(&ev);
				goto out;
			}
			if (depth == 0)
				t->root = n;
			else if (yadd(stack[depth - 1], n) < 0) {
				v->oom = 1;
				yaml_event_delete(&ev);
				goto out;
			}
			if (n->type != Y_SCALAR) {
				if (depth >= CHECKLIST_MAX_DEPTH) {
					ERR(v, n, "values are nested more than %d levels deep",
					    CHECKLIST_MAX_DEPTH);
					yaml_event_delete(&ev);
					goto out;
				}
				stack[depth++] = n;
			}
		}
		yaml_event_delete(&ev);
	}
	rc = 0;
out:
	yaml_parser_delete(&parser);
	return rc;
}

/* ------------------------------------------------------------------------------------
 * Validation helpers.
 */

/* Optimal string alignment distance (a swap of two letters counts once), for "did you
 * mean"; words longer than CHECKLIST_MAX_ID are never close. */
static size_t edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	size_t rows[3][CHECKLIST_MAX_ID + 2];
	size_t *two = rows[0], *prev = rows[1], *cur = rows[2];

	if (la > CHECKLIST_MAX_ID || lb > CHECKLIST_MAX_ID)
		return SIZE_MAX;
	for (size_t j = 0; j <= lb; j++)
		prev[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t *t;

		cur[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t cost = a[i - 1] != b[j - 1];
			size_t best = prev[j] + 1;

			if (cur[j - 1] + 1 < best)
				best = cur[j - 1] + 1;
			if (prev[j - 1] + cost < best)
				best = prev[j - 1] + cost;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    two[j - 2] + 1 < best)
				best = two[j - 2] + 1;
			cur[j] = best;
		}
		t = two;
		two = prev;
		prev = cur;
		cur = t;
	}
	return prev[lb];
}

/* The closest of NAMES to WORD when it is close enough, else NULL. */
static const char *suggest(const char *word, const char *const *names)
{
	const char *best = NULL;
	size_t best_d = SIZE_MAX;

	for (size_t i = 0; names[i]; i++) {
		size_t d = edit_distance(word, names[i]);

		if (d < best_d) {
			best_d = d;
			best = names[i];
		}
	}
	if (best && best_d <= 2 && best_d < strlen(best))
		return best;
	return NULL;
}

static int is_null(const struct ynode *n)
{
	return n->type == Y_SCALAR && n->plain &&
	       (n->len == 0 || strcmp(n->text, "~") == 0 || strcmp(n->text, "null") == 0 ||
		strcmp(n->text, "Null") == 0 || strcmp(n->text, "NULL") == 0);
}

/* The value of KEY in MAP (the first one), or NULL. */
static const struct ynode *get(const struct ynode *map, const char *key)
{
	for (size_t i = 0; i + 1 < map->n; i += 2) {
		const struct ynode *k = map->kids[i];

		if (k->type == Y_SCALAR && strcmp(k->text, key) == 0)
			return map->kids[i + 1];
	}
	return NULL;
}

/* The key node of the value VAL in MAP (for positions), or VAL. */
static const struct ynode *key_of(const struct ynode *map, const struct ynode *val)
{
	for (size_t i = 0; i + 1 < map->n; i += 2)
		if (map->kids[i + 1] == val)
			return map->kids[i];
	return val;
}

/* Check the keys of MAP against ALLOWED (NULL-ended): each key a plain scalar, known,
 * given once. KNOWN_ELSEWHERE (may be NULL) lists keys that are valid in general but
 * were found not allowed here by the caller (it reports those itself). */
static void check_keys(struct vctx *v, const struct ynode *map, const char *const *allowed,
		       const char *const *known_elsewhere)
{
	for (size_t i = 0; i + 1 < map->n; i += 2) {
		const struct ynode *k = map->kids[i];
		int known = 0;

		if (k->type != Y_SCALAR) {
			ERR(v, k, "a key must be a word, not a list or a mapping");
			continue;
		}
		for (size_t a = 0; allowed[a]; a++)
			if (strcmp(k->text, allowed[a]) == 0)
				known = 1;
		for (size_t a = 0; known_elsewhere && known_elsewhere[a]; a++)
			if (strcmp(k->text, known_elsewhere[a]) == 0)
				known = 2;
		if (!known) {
			const char *s = k->len <= CHECKLIST_MAX_ID && strlen(k->text) == k->len
					    ? suggest(k->text, allowed)
					    : NULL;
			char shown[80];

			snprintf(shown, sizeof(shown), "%s", k->text);
			for (char *c = shown; *c; c++)
				if ((unsigned char)*c < 0x20 || *c == 0x7f)
					*c = '?';
			if (s)
				ERR(v, k, "unknown key '%s' (did you mean '%s'?)", shown, s);
			else
				ERR(v, k, "unknown key '%s'", shown);
			continue;
		}
		for (size_t j = 0; j < i; j += 2) {
			const struct ynode *first = map->kids[j];

			if (first->type == Y_SCALAR && strcmp(first->text, k->text) == 0) {
				ERR(v, k, "key '%s' is given twice (first at line %d)", k->text,
				    first->line);
				break;
			}
		}
	}
}

static void missing(struct vctx *v, const struct ynode *map, const char *key)
{
	ERR(v, map, "missing required key '%s'", key);
}

/* The value of a required KEY of MAP, or NULL after reporting it missing. */
static const struct ynode *need(struct vctx *v, const struct ynode *map, const char *key)
{
	const struct ynode *x = get(map, key);

	if (!x)
		missing(v, map, key);
	return x;
}

/* Text checks shared by every string: no NUL, no control character but tab and newline,
 * at most MAX bytes. Returns 0 when fine. */
static int text_bad(struct vctx *v, const struct ynode *n, const char *what, size_t max)
{
	if (n->len > max) {
		ERR(v, n, "%s is longer than %zu bytes", what, max);
		return -1;
	}
	for (size_t i = 0; i < n->len; i++) {
		unsigned char c = (unsigned char)n->text[i];

		if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f) {
			ERR(v, n, "%s contains a control character (code %u)", what, c);
			return -1;
		}
		/* C1 controls, U+0080..U+009F: C2 80..C2 9F */
		if (c == 0xc2 && i + 1 < n->len && (unsigned char)n->text[i + 1] >= 0x80 &&
		    (unsigned char)n->text[i + 1] <= 0x9f) {
			ERR(v, n, "%s contains a control character (code %u)", what,
			    (unsigned char)n->text[i + 1]);
			return -1;
		}
	}
	return 0;
}

/* A plain text value (not translated): the arena copy, or NULL after reporting. */
static const char *str_value(struct vctx *v, const struct ynode *n, const char *key, size_t max)
{
	char what[96];

	if (n->type != Y_SCALAR) {
		ERR(v, n, "'%s' must be a text, not a %s", key,
		    n->type == Y_SEQ ? "list" : "mapping");
		return NULL;
	}
	if (is_null(n) || n->len == 0) {
		ERR(v, n, "'%s' has no value", key);
		return NULL;
	}
	snprintf(what, sizeof(what), "'%s'", key);
	if (text_bad(v, n, what, max))
		return NULL;
	return ar_strndup(v->ar, n->text, n->len);
}

static int is_id(const char *s, size_t len)
{
	if (len == 0 || len > CHECKLIST_MAX_ID || strlen(s) != len)
		return 0;
	if (!((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= '0' && s[0] <= '9')))
		return 0;
	for (size_t i = 1; i < len; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
			return 0;
	return 1;
}

/* An id value ([a-z0-9][a-z0-9-]*, at most CHECKLIST_MAX_ID), or NULL after reporting. */
static const char *id_value(struct vctx *v, const struct ynode *n, const char *key)
{
	if (n->type == Y_SCALAR && !is_null(n) && n->len > 0 && !is_id(n->text, n->len)) {
		char shown[CHECKLIST_MAX_ID + 4];

		snprintf(shown, sizeof(shown), "%s%s", n->text,
			 n->len > CHECKLIST_MAX_ID ? "..." : "");
		for (char *c = shown; *c; c++)
			if ((unsigned char)*c < 0x20 || *c == 0x7f)
				*c = '?';
		ERR(v, n,
		    "'%s' must be lower-case letters, digits and '-', starting with a letter or "
		    "digit, at most %d characters (found '%s')",
		    key, CHECKLIST_MAX_ID, shown);
		return NULL;
	}
	return str_value(v, n, key, CHECKLIST_MAX_ID);
}

/* A whole number in LO..HI written plainly; 0 and *OUT set, or -1 after reporting. */
static int int_value(struct vctx *v, const struct ynode *n, const char *key, long lo, long hi,
		     int *out)
{
	const char *s = n->text;
	char *end;
	long val;
	size_t i = 0;

	if (n->type == Y_SCALAR && n->plain && n->len > 0 && n->len < 20 && strlen(s) == n->len) {
		if (s[0] == '-' || s[0] == '+')
			i = 1;
		for (; i < n->len && s[i] >= '0' && s[i] <= '9'; i++)
			;
		if (i == n->len && isdigit((unsigned char)s[n->len - 1])) {
			errno = 0;
			val = strtol(s, &end, 10);
			if (errno == 0 && *end == '\0' && val >= lo && val <= hi) {
				*out = (int)val;
				return 0;
			}
		}
	}
	if (hi == INT_MAX)
		ERR(v, n, "'%s' must be a whole number of at least %ld", key, lo);
	else
		ERR(v, n, "'%s' must be a whole number from %ld to %ld", key, lo, hi);
	return -1;
}

/* A number (integer or decimal) written plainly; 0 or -1 after reporting. */
static int num_value(struct vctx *v, const struct ynode *n, const char *key, double *out)
{
	const char *s = n->text;
	char *end;
	double val;
	int digits = 0;

	if (n->type == Y_SCALAR && n->plain && n->len > 0 && n->len < 40 && strlen(s) == n->len) {
		for (size_t i = 0; i < n->len; i++) {
			if (isdigit((unsigned char)s[i]))
				digits = 1;
			else if (!strchr("+-.eE", s[i]))
				digits = -1000;
		}
		if (digits > 0) {
			errno = 0;
			val = strtod(s, &end);
			if (errno == 0 && *end == '\0' && isfinite(val)) {
				*out = val;
				return 0;
			}
		}
	}
	ERR(v, n, "'%s' must be a number, e.g. 3.6", key);
	return -1;
}

static int bool_value(struct vctx *v, const struct ynode *n, const char *key, int *out)
{
	if (n->type == Y_SCALAR && n->plain) {
		if (strcmp(n->text, "true") == 0) {
			*out = 1;
			return 0;
		}
		if (strcmp(n->text, "false") == 0) {
			*out = 0;
			return 0;
		}
	}
	ERR(v, n, "'%s' must be true or false", key);
	return -1;
}

static void names_list(const char *const *names, char *out, size_t size)
{
	size_t used = 0;

	out[0] = '\0';
	for (size_t i = 0; names[i] && used < size; i++) {
		int w = snprintf(out + used, size - used, "%s%s", i ? ", " : "", names[i]);

		if (w < 0)
			break;
		used += (size_t)w;
	}
}

/* One of NAMES; its index, or -1 after reporting. */
static int enum_value(struct vctx *v, const struct ynode *n, const char *key,
		      const char *const *names)
{
	char allowed[160];
	const char *s;

	names_list(names, allowed, sizeof(allowed));
	if (n->type == Y_SCALAR && !is_null(n) && strlen(n->text) == n->len) {
		for (int i = 0; names[i]; i++)
			if (strcmp(n->text, names[i]) == 0)
				return i;
		if (n->len <= CHECKLIST_MAX_ID) {
			if (text_bad(v, n, "the value", CHECKLIST_MAX_ID))
				return -1;
			s = suggest(n->text, names);
			if (s)
				ERR(v, n, "unknown %s '%s' (did you mean '%s'?)", key, n->text, s);
			else
				ERR(v, n, "unknown %s '%s' (allowed: %s)", key, n->text, allowed);
			return -1;
		}
	}
	ERR(v, n, "'%s' must be one of: %s", key, allowed);
	return -1;
}

static const char *const text_keys[] = { "en", "fr", "nl", NULL };

/* A translated text {en, fr, nl}; 0 and *OUT filled, or -1 after reporting. */
static int text_value(struct vctx *v, const struct ynode *n, const char *key,
		      struct checklist_text *out)
{
	static const char *const lang_names[] = { "English", "French", "Dutch" };
	const char **slots[3] = { &out->en, &out->fr, &out->nl };
	size_t before = v->errors;

	memset(out, 0, sizeof(*out));
	if (n->type != Y_MAP) {
		ERR(v, n,
		    "'%s' must be a translated text: a mapping such as {en: \"...\", fr: \"...\", "
		    "nl: \"...\"}",
		    key);
		return -1;
	}
	check_keys(v, n, text_keys, NULL);
	for (int i = 0; i < 3; i++) {
		const struct ynode *t = get(n, text_keys[i]);

		if (!t) {
			if (i == 0)
				ERR(v, n, "'%s' has no English text (en), which is required", key);
			else
				WARN(v, n, "missing %s translation (%s): English will be shown",
				     lang_names[i], text_keys[i]);
			continue;
		}
		*slots[i] = str_value(v, t, text_keys[i], CHECKLIST_MAX_TEXT);
	}
	return v->errors == before ? 0 : -1;
}

/* A list with at most MAX items, or NULL after reporting. */
static const struct ynode *list_value(struct vctx *v, const struct ynode *n, const char *key,
				      size_t max, const char *example)
{
	if (n->type != Y_SEQ) {
		ERR(v, n, "'%s' must be a list%s%s", key, example ? ", e.g. " : "",
		    example ? example : "");
		return NULL;
	}
	if (n->n > max) {
		ERR(v, n, "'%s' has %zu items; at most %zu are allowed", key, n->n, max);
		return NULL;
	}
	return n;
}

/* ------------------------------------------------------------------------------------
 * The schema.
 */
static const char *const top_keys[] = {
	"id",	 "version", "title",	     "summary", "applies_to", "difficulty", "time_minutes",
	"tools", "parts",   "prerequisites", "rubric",	"steps",      "category",   "competences",
	"requires", NULL
};
static const char *const requires_keys[] = { "approved", "signed_off", NULL };
static const char *const applies_keys[] = { "platforms", "models", "modes", "classes", NULL };
static const char *const rubric_keys[] = { "id", "title", "max", "levels", NULL };
static const char *const instruction_keys[] = { "level", "text", NULL };
static const char *const option_keys[] = { "value", "label", "criteria", "ctia", NULL };
static const char *const range_keys[] = { "min", "max", NULL };
static const char *const step_keys[] = { "id",	     "title",	"instructions", "image",
					 "required", "on_fail", "kind",		"unit",
					 "range",    "options", "expr",		"applies_if",
					 "records",  "format",	"tester",	"note_required",
					 NULL };

/* Keys that belong to one kind of step. */
static const struct {
	const char *key;
	enum checklist_kind kind;
} kind_keys[] = {
	{ "unit", CHECKLIST_KIND_MEASURE },   { "range", CHECKLIST_KIND_MEASURE },
	{ "options", CHECKLIST_KIND_CHOICE }, { "expr", CHECKLIST_KIND_AUTO },
	{ "format", CHECKLIST_KIND_ENTRY },   { "tester", CHECKLIST_KIND_MEASURE },
};

/* Kinds whose value can fill a fact (key 'records'). */
static int kind_records(int kind)
{
	return kind == CHECKLIST_KIND_ENTRY || kind == CHECKLIST_KIND_MEASURE ||
	       kind == CHECKLIST_KIND_CHOICE;
}

static void load_text_list(struct vctx *v, const struct ynode *map, const char *key,
			   struct checklist_text **out, size_t *n_out)
{
	const struct ynode *n = get(map, key);

	if (!n || !(n = list_value(v, n, key, CHECKLIST_MAX_LIST, "[{en: \"...\", fr: \"...\"}]")))
		return;
	*out = ar_array(v->ar, n->n, sizeof(**out));
	if (!*out)
		return;
	*n_out = n->n;
	for (size_t i = 0; i < n->n; i++)
		text_value(v, n->kids[i], key, &(*out)[i]);
}

/* A list of words; CHECK: NULL (any text up to 128 bytes), "id", or NAMES to pick from. */
static void load_word_list(struct vctx *v, const struct ynode *map, const char *key,
			   const char *item, const char *const *names, int ids, const char ***out,
			   size_t *n_out)
{
	const struct ynode *n = get(map, key);

	if (!n || !(n = list_value(v, n, key, CHECKLIST_MAX_LIST, "[a, b]")))
		return;
	*out = ar_array(v->ar, n->n, sizeof(**out));
	if (!*out)
		return;
	*n_out = n->n;
	for (size_t i = 0; i < n->n; i++) {
		const struct ynode *w = n->kids[i];

		if (names) {
			int k = enum_value(v, w, item, names);

			(*out)[i] = k >= 0 ? names[k] : NULL;
		} else if (ids) {
			(*out)[i] = id_value(v, w, item);
		} else {
			(*out)[i] = str_value(v, w, item, 128);
		}
	}
}

static void load_applies(struct vctx *v, struct checklist *c, const struct ynode *root)
{
	const char *mode_names[USBC_MODE_COUNT + 1];
	const struct ynode *a = get(root, "applies_to");
	size_t m = 0;

	if (!a)
		return;
	if (a->type != Y_MAP) {
		ERR(v, a,
		    "'applies_to' must be a mapping with platforms, models, modes and classes");
		return;
	}
	for (int i = 0; i < USBC_MODE_COUNT; i++)
		if (i != USBC_MODE_UNKNOWN)
			mode_names[m++] = usbc_mode_name((enum usbc_mode)i);
	mode_names[m] = NULL;
	check_keys(v, a, applies_keys, NULL);
	load_word_list(v, a, "platforms", "platform", platform_names, 0, &c->platforms,
		       &c->n_platforms);
	load_word_list(v, a, "models", "model", NULL, 0, &c->models, &c->n_models);
	load_word_list(v, a, "modes", "mode", mode_names, 0, &c->modes, &c->n_modes);
	load_word_list(v, a, "classes", "class", class_names, 0, &c->classes, &c->n_classes);
}

/* The level descriptors of rubric item OUT (its max read): one text per score, 0 to max. */
static void load_levels(struct vctx *v, struct checklist_rubric *out, const struct ynode *item)
{
	const struct ynode *n = get(item, "levels");
	const char *id = out->id ? out->id : "?";
	char key[32];

	if (!n) {
		if (out->max > 0)
			WARN(v, item,
			     "rubric item '%s' has no 'levels': say what each score, 0 to %d, means "
			     "(a list of %d texts), for the instructor who grades and the trainee "
			     "who reads the grade",
			     id, out->max, out->max + 1);
		return;
	}
	if (!(n = list_value(v, n, "levels", CHECKLIST_MAX_LIST, NULL)))
		return;
	if (out->max > 0 && n->n != (size_t)out->max + 1) {
		ERR(v, n,
		    "rubric item '%s' is scored 0 to %d: 'levels' needs %d texts, one for each "
		    "score from 0 up, not %zu",
		    id, out->max, out->max + 1, n->n);
		return;
	}
	out->levels = ar_array(v->ar, n->n, sizeof(*out->levels));
	if (!out->levels)
		return;
	out->n_levels = n->n;
	for (size_t k = 0; k < n->n; k++) {
		snprintf(key, sizeof(key), "levels[%zu]", k);
		text_value(v, n->kids[k], key, &out->levels[k]);
	}
}

/* The competences C trains and what a trainee must hold to start it (its difficulty
 * read). From difficulty 3 up, a checklist should ask for an instructor's sign-off. */
static void load_training(struct vctx *v, struct checklist *c, const struct ynode *root)
{
	const struct ynode *r = get(root, "requires");

	load_word_list(v, root, "competences", "competence", NULL, 1, &c->competences,
		       &c->n_competences);
	if (r && r->type != Y_MAP) {
		ERR(v, r,
		    "'requires' must be a mapping such as {approved: [intake-triage], "
		    "signed_off: [esd-safety]}");
		r = NULL;
	}
	if (r) {
		check_keys(v, r, requires_keys, NULL);
		load_word_list(v, r, "approved", "checklist", NULL, 1, &c->requires_approved,
			       &c->n_requires_approved);
		load_word_list(v, r, "signed_off", "competence", NULL, 1,
			       &c->requires_signed_off, &c->n_requires_signed_off);
		for (size_t i = 0; c->id && i < c->n_requires_approved; i++)
			if (c->requires_approved[i] && strcmp(c->requires_approved[i], c->id) == 0)
				ERR(v, get(r, "approved")->kids[i],
				    "a checklist cannot require an approved job of itself");
	}
	if (c->difficulty >= 3 && !c->n_requires_signed_off)
		WARN(v, r ? r : root,
		     "difficulty %d: a trainee should start it only once an instructor has signed "
		     "her off for what it needs (add requires: {signed_off: [esd-safety]})",
		     c->difficulty);
}

static void load_rubric(struct vctx *v, struct checklist *c, const struct ynode *root)
{
	const struct ynode *n = get(root, "rubric");

	if (!n || !(n = list_value(v, n, "rubric", CHECKLIST_MAX_LIST, NULL)))
		return;
	c->rubric = ar_array(v->ar, n->n, sizeof(*c->rubric));
	if (!c->rubric)
		return;
	c->n_rubric = n->n;
	for (size_t i = 0; i < n->n; i++) {
		const struct ynode *r = n->kids[i], *x;
		struct checklist_rubric *out = &c->rubric[i];

		if (r->type != Y_MAP) {
			ERR(v, r, "each rubric item must be a mapping with id, title and max");
			continue;
		}
		check_keys(v, r, rubric_keys, NULL);
		if ((x = need(v, r, "id"))) {
			out->id = id_value(v, x, "id");
			for (size_t j = 0; out->id && j < i; j++) {
				if (c->rubric[j].id && strcmp(c->rubric[j].id, out->id) == 0) {
					ERR(v, x, "rubric id '%s' is used twice (first at line %d)",
					    out->id, get(n->kids[j], "id")->line);
					break;
				}
			}
		}
		if ((x = need(v, r, "title")))
			text_value(v, x, "title", &out->title);
		if ((x = need(v, r, "max")))
			int_value(v, x, "max", 1, 10, &out->max);
		load_levels(v, out, r);
	}
}

static void load_instructions(struct vctx *v, struct checklist_step *s, const struct ynode *step)
{
	const struct ynode *n = get(step, "instructions");

	if (!n || !(n = list_value(v, n, "instructions", CHECKLIST_MAX_LIST, NULL)))
		return;
	s->instructions = ar_array(v->ar, n->n, sizeof(*s->instructions));
	if (!s->instructions)
		return;
	s->n_instructions = n->n;
	for (size_t i = 0; i < n->n; i++) {
		const struct ynode *in = n->kids[i], *x;
		struct checklist_instruction *out = &s->instructions[i];

		if (in->type != Y_MAP) {
			ERR(v, in,
			    "each instruction must be a mapping with level and text, e.g. "
			    "{level: caution, text: {en: \"...\"}}");
			continue;
		}
		check_keys(v, in, instruction_keys, NULL);
		if ((x = need(v, in, "level"))) {
			int k = enum_value(v, x, "level", level_names);

			if (k >= 0)
				out->level = (enum checklist_level)k;
		}
		if ((x = need(v, in, "text")))
			text_value(v, x, "text", &out->text);
	}
}

static void load_image(struct vctx *v, struct checklist_step *s, const struct ynode *n)
{
	const char *img = str_value(v, n, "image", 1024);
	char path[CHECKLIST_PATH_MAX * 2];
	struct stat st;
	const char *p;

	if (!img)
		return;
	if (img[0] == '/') {
		ERR(v, n,
		    "image path '%s' must be relative to the checklist's folder, not absolute",
		    img);
		return;
	}
	for (p = img; *p; p = strchr(p, '/') ? strchr(p, '/') + 1 : p + strlen(p)) {
		if (strncmp(p, "..", 2) == 0 && (p[2] == '/' || p[2] == '\0')) {
			ERR(v, n,
			    "image path '%s' must stay inside the checklist's folder (no '..')",
			    img);
			return;
		}
	}
	s->image = img;
	snprintf(path, sizeof(path), "%s/%s", v->dir, img);
	if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
		WARN(v, n, "image '%s' not found next to the checklist", img);
}

/* Column of the expression's character COL (1-based) in the file: exact for a value on
 * one line, written plainly or in quotes without escapes before it; else the value's
 * start. */
static void expr_position(const struct ynode *n, int col, int *line_out, int *col_out)
{
	*line_out = n->line;
	*col_out = n->col;
	if (n->end_line != n->line || col < 1)
		return;
	if (n->plain)
		*col_out = n->col + col - 1;
	else if (n->quoted)
		*col_out = n->col + col;
}

/* The expression of KEY (expr, applies_if): its text when expr_parse() accepts it, else
 * NULL after reporting "WHAT: why" at the problem's column. */
static const char *expr_value(struct vctx *v, const struct ynode *n, const char *key,
			      const char *what)
{
	const char *text = str_value(v, n, key, CHECKLIST_MAX_EXPR);
	struct expr *e = NULL;
	char msg[EXPR_MSG_MAX];
	int col = 0, line, at;
	enum expr_err err;

	if (!text)
		return NULL;
	err = expr_parse(text, &e, &col, msg, sizeof(msg));
	if (err == EXPR_ENOMEM) {
		v->oom = 1;
		return NULL;
	}
	if (err != EXPR_OK) {
		expr_position(n, col, &line, &at);
		problem_at(v, CHECKLIST_SEV_ERROR, line, at, "%s: %s", what,
			   msg[0] ? msg : expr_strerror(err));
		return NULL;
	}
	expr_free(e);
	return text;
}

static const char *fact_type_words(enum fact_type type)
{
	switch (type) {
	case FACT_STRING:
		return "a text";
	case FACT_INT:
		return "a whole number";
	case FACT_REAL:
		return "a number";
	case FACT_BOOL:
		return "a yes/no value";
	case FACT_STRING_ARRAY:
		return "a list of texts";
	}
	return "of an unknown type";
}

/* A choice whose options are exactly yes and no can fill a yes/no fact. */
static int yes_no_options(const struct checklist_step *s)
{
	const char *a, *b;

	if (s->n_options != 2 || !s->options[0].value || !s->options[1].value)
		return 0;
	a = s->options[0].value;
	b = s->options[1].value;
	return (strcmp(a, "yes") == 0 && strcmp(b, "no") == 0) ||
	       (strcmp(a, "no") == 0 && strcmp(b, "yes") == 0);
}

/* 'records' of an entry, measure or choice step S, once its options are loaded. */
static void load_records(struct vctx *v, struct checklist_step *s, const struct ynode *n)
{
	const char *path = str_value(v, n, "records", CHECKLIST_MAX_ID);
	const struct fact_def *d;
	int fits = 0;

	if (!path)
		return;
	d = facts_def(path);
	if (!d) {
		/* the expression parser knows how to name the fact that was meant */
		struct expr *e = NULL;
		char msg[EXPR_MSG_MAX];
		int col = 0, line, at;
		enum expr_err err = expr_parse(path, &e, &col, msg, sizeof(msg));

		expr_free(e);
		if (err == EXPR_ENOMEM) {
			v->oom = 1;
		} else if (err == EXPR_EUNKNOWN_FACT) {
			expr_position(n, col, &line, &at);
			problem_at(v, CHECKLIST_SEV_ERROR, line, at, "%s", msg);
		} else {
			ERR(v, n,
			    "'records' must name one fact of docs/facts.md, such as "
			    "identity.color_name (found '%s')",
			    path);
		}
		return;
	}
	switch (s->kind) {
	case CHECKLIST_KIND_ENTRY:
		fits = d->type == FACT_STRING || d->type == FACT_STRING_ARRAY;
		if (!fits)
			ERR(v, n,
			    "'%s' is %s: an entry step records a text fact (such as "
			    "identity.color_name) or a list of texts (identity.imei)",
			    d->path, fact_type_words(d->type));
		break;
	case CHECKLIST_KIND_MEASURE:
		fits = d->type == FACT_INT || d->type == FACT_REAL;
		if (!fits)
			ERR(v, n,
			    "'%s' is %s: a measure step records a number fact (such as "
			    "battery.health_pct)",
			    d->path, fact_type_words(d->type));
		break;
	case CHECKLIST_KIND_CHOICE:
		if (d->type == FACT_BOOL) {
			fits = yes_no_options(s);
			/* options with errors are reported already */
			for (size_t i = 0; i < s->n_options; i++)
				if (!s->options[i].value)
					return;
			if (!fits && s->n_options)
				ERR(v, n,
				    "'%s' is a yes/no value: a choice step records it only when "
				    "its options are exactly yes and no",
				    d->path);
			break;
		}
		fits = d->type == FACT_STRING;
		if (!fits)
			ERR(v, n,
			    "'%s' is %s: a choice step records a text fact (the chosen "
			    "option's value), or a yes/no fact when its options are exactly "
			    "yes and no",
			    d->path, fact_type_words(d->type));
		break;
	default:
		return; /* reported as a key of other kinds */
	}
	if (fits)
		s->records = path;
}

static void load_range(struct vctx *v, struct checklist_step *s, const struct ynode *n)
{
	const struct ynode *x;
	int ok = 1;

	if (n->type != Y_MAP) {
		ERR(v, n, "'range' must be a mapping such as {min: 3.6, max: 4.45}");
		return;
	}
	check_keys(v, n, range_keys, NULL);
	x = need(v, n, "min");
	ok &= x && num_value(v, x, "min", &s->min) == 0;
	x = need(v, n, "max");
	ok &= x && num_value(v, x, "max", &s->max) == 0;
	if (ok && s->min > s->max)
		ERR(v, n, "range min (%g) is greater than max (%g)", s->min, s->max);
}

static void load_options(struct vctx *v, struct checklist_step *s, const struct ynode *n)
{
	if (n->type != Y_SEQ) {
		ERR(v, n, "'options' must be a list of {value, label, criteria}");
		return;
	}
	if (n->n < 2) {
		ERR(v, n, "a choice step needs at least 2 options (found %zu)", n->n);
		return;
	}
	if (n->n > CHECKLIST_MAX_OPTIONS) {
		ERR(v, n, "a choice step has at most %d options (found %zu)", CHECKLIST_MAX_OPTIONS,
		    n->n);
		return;
	}
	s->options = ar_array(v->ar, n->n, sizeof(*s->options));
	if (!s->options)
		return;
	s->n_options = n->n;
	for (size_t i = 0; i < n->n; i++) {
		const struct ynode *o = n->kids[i], *x;
		struct checklist_option *out = &s->options[i];

		if (o->type != Y_MAP) {
			ERR(v, o, "each option must be a mapping with value, label and criteria");
			continue;
		}
		check_keys(v, o, option_keys, NULL);
		if ((x = need(v, o, "value"))) {
			out->value = str_value(v, x, "value", CHECKLIST_MAX_ID);
			for (size_t j = 0; out->value && j < i; j++) {
				if (s->options[j].value &&
				    strcmp(s->options[j].value, out->value) == 0) {
					ERR(v, x,
					    "option value '%s' is used twice (first at line %d)",
					    out->value, get(n->kids[j], "value")->line);
					break;
				}
			}
		}
		if ((x = need(v, o, "label")))
			text_value(v, x, "label", &out->label);
		if ((x = need(v, o, "criteria")))
			text_value(v, x, "criteria", &out->criteria);
		if ((x = get(o, "ctia"))) {
			int k = enum_value(v, x, "ctia grade", ctia_names);

			if (k >= 0)
				out->ctia = ctia_names[k];
		}
	}
}

static void load_step(struct vctx *v, struct checklist_step *s, const struct ynode *step)
{
	/* keys of other kinds, plus 'records' and 'ctia' */
	const char *elsewhere[sizeof(kind_keys) / sizeof(kind_keys[0]) + 3] = { NULL };
	const struct ynode *x;
	int kind = -1;
	size_t ne = 0;

	s->line = step->line;
	s->required = 1;
	s->on_fail = CHECKLIST_ON_FAIL_CONTINUE;
	if ((x = need(v, step, "kind"))) {
		kind = enum_value(v, x, "kind", kind_names);
		if (kind >= 0)
			s->kind = (enum checklist_kind)kind;
	}
	/* keys of another kind: said once, in words that name the right kind */
	for (size_t i = 0; i < sizeof(kind_keys) / sizeof(kind_keys[0]); i++) {
		x = get(step, kind_keys[i].key);
		if (kind >= 0 && (int)kind_keys[i].kind != kind) {
			elsewhere[ne++] = kind_keys[i].key;
			if (x)
				ERR(v, key_of(step, x), "key '%s' is only for %s steps",
				    kind_keys[i].key, kind_names[kind_keys[i].kind]);
		}
	}
	if (kind >= 0 && !kind_records(kind)) {
		elsewhere[ne++] = "records";
		if ((x = get(step, "records")))
			ERR(v, key_of(step, x),
			    "key 'records' is only for entry, measure and choice steps: %s steps "
			    "have no value to record",
			    kind_names[kind]);
	}
	elsewhere[ne++] = "ctia";
	if ((x = get(step, "ctia")))
		ERR(v, key_of(step, x),
		    "key 'ctia' goes on the options of a choice step (one grade per option), not "
		    "on the step");
	{
		/* allowed keys: the step's own minus those of other kinds */
		const char *allowed[sizeof(step_keys) / sizeof(step_keys[0])];
		size_t na = 0;

		for (size_t i = 0; step_keys[i]; i++) {
			int other = 0;

			for (size_t j = 0; j < ne; j++)
				if (strcmp(step_keys[i], elsewhere[j]) == 0)
					other = 1;
			if (!other)
				allowed[na++] = step_keys[i];
		}
		allowed[na] = NULL;
		check_keys(v, step, allowed, elsewhere);
	}
	if ((x = need(v, step, "title")))
		text_value(v, x, "title", &s->title);
	load_instructions(v, s, step);
	if ((x = get(step, "image")))
		load_image(v, s, x);
	if ((x = get(step, "required")))
		bool_value(v, x, "required", &s->required);
	if ((x = get(step, "note_required")))
		bool_value(v, x, "note_required", &s->note_required);
	if ((x = get(step, "on_fail"))) {
		int k = enum_value(v, x, "on_fail", on_fail_names);

		if (k >= 0)
			s->on_fail = (enum checklist_on_fail)k;
	}
	if ((x = get(step, "applies_if")))
		s->applies_if = expr_value(v, x, "applies_if", "bad applies_if");
	switch (kind) {
	case CHECKLIST_KIND_MEASURE:
		if ((x = get(step, "unit")))
			s->unit = str_value(v, x, "unit", 32);
		else
			ERR(v, step, "a measure step needs 'unit' (e.g. unit: \"V\")");
		if ((x = get(step, "range")))
			load_range(v, s, x);
		else
			ERR(v, step,
			    "a measure step needs 'range' (e.g. range: {min: 3.6, max: 4.45})");
		if ((x = get(step, "tester")))
			bool_value(v, x, "tester", &s->tester);
		break;
	case CHECKLIST_KIND_CHOICE:
		if ((x = get(step, "options")))
			load_options(v, s, x);
		else
			ERR(v, step, "a choice step needs 'options' (at least 2)");
		break;
	case CHECKLIST_KIND_AUTO:
		if ((x = get(step, "expr")))
			s->expr = expr_value(v, x, "expr", "bad expression");
		else
			ERR(v, step,
			    "an auto step needs 'expr' (e.g. expr: 'battery.health_pct >= 80')");
		break;
	case CHECKLIST_KIND_ENTRY:
		if ((x = get(step, "format"))) {
			int k = enum_value(v, x, "format", format_names + 1);

			if (k >= 0)
				s->format = (enum checklist_entry_format)(k + 1);
		} else {
			ERR(v, step, "an entry step needs 'format': imei or text");
		}
		if (!get(step, "records"))
			ERR(v, step,
			    "an entry step needs 'records': the fact the value fills (e.g. "
			    "records: identity.color_name)");
		break;
	default:
		break;
	}
	if (kind >= 0 && kind_records(kind) && (x = get(step, "records")))
		load_records(v, s, x);
}

static void load_steps(struct vctx *v, struct checklist *c, const struct ynode *root)
{
	const struct ynode *n = need(v, root, "steps");

	if (!n)
		return;
	if (n->type != Y_SEQ) {
		ERR(v, n, "'steps' must be a list of steps");
		return;
	}
	if (n->n == 0) {
		ERR(v, n, "'steps' must list at least one step");
		return;
	}
	if (n->n > CHECKLIST_MAX_STEPS) {
		ERR(v, n, "a checklist has at most %d steps (found %zu): split it",
		    CHECKLIST_MAX_STEPS, n->n);
		return;
	}
	c->steps = ar_array(v->ar, n->n, sizeof(*c->steps));
	if (!c->steps)
		return;
	c->n_steps = n->n;
	for (size_t i = 0; i < n->n; i++) {
		const struct ynode *st = n->kids[i], *x;
		struct checklist_step *s = &c->steps[i];

		if (st->type != Y_MAP) {
			ERR(v, st, "each step must be a mapping of keys (id, title, kind, ...)");
			continue;
		}
		if ((x = need(v, st, "id"))) {
			s->id = id_value(v, x, "id");
			for (size_t j = 0; s->id && j < i; j++) {
				if (c->steps[j].id && strcmp(c->steps[j].id, s->id) == 0) {
					ERR(v, x, "step id '%s' is used twice (first at line %d)",
					    s->id, get(n->kids[j], "id")->line);
					break;
				}
			}
		}
		load_step(v, s, st);
		for (size_t j = 0; s->records && j < i; j++) {
			if (c->steps[j].records && strcmp(c->steps[j].records, s->records) == 0) {
				ERR(v, get(st, "records"),
				    "fact '%s' is already recorded by step '%s' (line %d): "
				    "one fact is recorded by one step only",
				    s->records, c->steps[j].id ? c->steps[j].id : "?",
				    get(n->kids[j], "records")->line);
				break;
			}
		}
	}
}

static void load_root(struct vctx *v, struct checklist *c, const struct ynode *root)
{
	const struct ynode *x;

	check_keys(v, root, top_keys, NULL);
	if ((x = need(v, root, "id"))) {
		c->id = id_value(v, x, "id");
		c->id_line = x->line;
		c->id_col = x->col;
	}
	if ((x = need(v, root, "version")))
		int_value(v, x, "version", 1, INT_MAX, &c->version);
	if ((x = need(v, root, "title")))
		text_value(v, x, "title", &c->title);
	if ((x = get(root, "summary")))
		text_value(v, x, "summary", &c->summary);
	if ((x = get(root, "category"))) {
		int k = enum_value(v, x, "category", category_names + 1);

		if (k >= 0)
			c->category = (enum checklist_category)(k + 1);
	} else {
		WARN(v, root,
		     "category missing: certify cannot tell a repair from a check (add category: "
		     "intake, wipe, diagnostics, repair or qc)");
	}
	load_applies(v, c, root);
	if ((x = need(v, root, "difficulty")))
		int_value(v, x, "difficulty", 1, 5, &c->difficulty);
	if ((x = need(v, root, "time_minutes")))
		int_value(v, x, "time_minutes", 1, 600, &c->time_minutes);
	load_text_list(v, root, "tools", &c->tools, &c->n_tools);
	load_text_list(v, root, "parts", &c->parts, &c->n_parts);
	load_word_list(v, root, "prerequisites", "prerequisite", NULL, 1, &c->prerequisites,
		       &c->n_prerequisites);
	for (size_t i = 0; c->id && i < c->n_prerequisites; i++)
		if (c->prerequisites[i] && strcmp(c->prerequisites[i], c->id) == 0)
			ERR(v, get(root, "prerequisites")->kids[i],
			    "a checklist cannot be its own prerequisite");
	load_training(v, c, root);
	load_rubric(v, c, root);
	load_steps(v, c, root);
}

/* ------------------------------------------------------------------------------------
 * Loading.
 */
static enum checklist_err load_buffer(const char *name, const char *tag, const char *buf,
				      size_t len, struct checklist **out,
				      struct checklist_report *rep)
{
	struct vctx v;
	struct ytree tree = { 0 };
	struct checklist *c = NULL;
	unsigned char digest[crypto_hash_sha256_BYTES];
	const char *slash;
	enum checklist_err err = CHECKLIST_EINVALID;

	*out = NULL;
	memset(&v, 0, sizeof(v));
	v.rep = rep;
	v.file = tag;
	slash = strrchr(name, '/');
	if (!slash)
		snprintf(v.dir, sizeof(v.dir), ".");
	else if (slash == name)
		snprintf(v.dir, sizeof(v.dir), "/");
	else
		snprintf(v.dir, sizeof(v.dir), "%.*s", (int)(slash - name), name);
	if (len > CHECKLIST_MAX_BYTES) {
		checklist_report_add(rep, CHECKLIST_SEV_ERROR, tag, 0, 0,
				     "the file is larger than %d KiB: split the checklist",
				     CHECKLIST_MAX_BYTES / 1024);
		return CHECKLIST_ETOOBIG;
	}
	if (sodium_init() < 0)
		return CHECKLIST_ENOMEM;
	c = calloc(1, sizeof(*c));
	if (!c)
		return CHECKLIST_ENOMEM;
	c->arena = calloc(1, sizeof(*c->arena));
	if (!c->arena)
		goto oom;
	v.ar = c->arena;
	if (ytree_build(&v, buf, len, &tree) < 0)
		goto out;
	if (!tree.root || is_null(tree.root)) {
		problem_at(&v, CHECKLIST_SEV_ERROR, 1, 1,
			   "the file is empty: a checklist needs at least id, version, title, "
			   "difficulty, time_minutes and steps");
		goto out;
	}
	if (tree.root->type != Y_MAP) {
		ERR(&v, tree.root,
		    "a checklist must be a mapping of keys (id: ..., version: ..., steps: ...)");
		goto out;
	}
	load_root(&v, c, tree.root);
	if (v.errors || v.oom || c->arena->oom)
		goto out;
	c->path = ar_strndup(c->arena, name, strlen(name));
	crypto_hash_sha256(digest, (const unsigned char *)buf, len);
	sodium_bin2hex(c->hash, sizeof(c->hash), digest, sizeof(digest));
	if (c->arena->oom)
		goto out;
	*out = c;
	c = NULL;
	err = CHECKLIST_OK;
out:
	if (v.oom || (c && c->arena && c->arena->oom))
		err = CHECKLIST_ENOMEM;
	ytree_free(&tree);
	checklist_free(c);
	return err;
oom:
	checklist_free(c);
	return CHECKLIST_ENOMEM;
}

enum checklist_err checklist_load_buffer(const char *name, const char *buf, size_t len,
					 struct checklist **out, struct checklist_report *rep)
{
	return load_buffer(name, NULL, buf, len, out, rep);
}

static enum checklist_err load_file(const char *path, const char *tag, struct checklist **out,
				    struct checklist_report *rep)
{
	enum checklist_err err;
	struct stat st;
	char *buf = NULL;
	size_t len = 0;
	int fd;

	*out = NULL;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		err = errno == ENOENT ? CHECKLIST_ENOENT : CHECKLIST_EIO;
		checklist_report_add(rep, CHECKLIST_SEV_ERROR, tag, 0, 0,
				     "cannot open the file: %s", strerror(errno));
		return err;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		checklist_report_add(rep, CHECKLIST_SEV_ERROR, tag, 0, 0,
				     "not a regular file: a checklist is one .yaml file");
		err = CHECKLIST_EIO;
		goto out;
	}
	if (st.st_size > CHECKLIST_MAX_BYTES) {
		checklist_report_add(rep, CHECKLIST_SEV_ERROR, tag, 0, 0,
				     "the file is larger than %d KiB: split the checklist",
				     CHECKLIST_MAX_BYTES / 1024);
		err = CHECKLIST_ETOOBIG;
		goto out;
	}
	buf = malloc(CHECKLIST_MAX_BYTES + 1);
	if (!buf) {
		err = CHECKLIST_ENOMEM;
		goto out;
	}
	for (;;) {
		ssize_t r = read(fd, buf + len, CHECKLIST_MAX_BYTES + 1 - len);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			checklist_report_add(rep, CHECKLIST_SEV_ERROR, tag, 0, 0,
					     "cannot read the file: %s", strerror(errno));
			err = CHECKLIST_EIO;
			goto out;
		}
		if (r == 0)
			break;
		len += (size_t)r;
		if (len > CHECKLIST_MAX_BYTES)
			break; /* grew while we read: load_buffer refuses it */
	}
	err = load_buffer(path, tag, buf, len, out, rep);
out:
	free(buf);
	close(fd);
	return err;
}

enum checklist_err checklist_load(const char *path, struct checklist **out,
				  struct checklist_report *rep)
{
	return load_file(path, NULL, out, rep);
}

void checklist_free(struct checklist *c)
{
	if (!c)
		return;
	arena_free(c->arena);
	free(c);
}

/* ------------------------------------------------------------------------------------
 * Applying to a device, JSON.
 */
static const char *fact_string(json_t *facts, const char *group, const char *key)
{
	json_t *g = group ? json_object_get(facts, group) : facts;

	return json_string_value(json_object_get(g, key));
}

static int in_list(const char *value, const char *const *list, size_t n, int glob)
{
	if (!value)
		return 0;
	for (size_t i = 0; i < n; i++) {
		if (!list[i])
			continue;
		if (glob ? fnmatch(list[i], value, 0) == 0 : strcmp(list[i], value) == 0)
			return 1;
	}
	return 0;
}

int checklist_applies(const struct checklist *c, json_t *facts)
{
	if (c->n_platforms &&
	    !in_list(fact_string(facts, NULL, "platform"), c->platforms, c->n_platforms, 0))
		return 0;
	if (c->n_models &&
	    !in_list(fact_string(facts, "identity", "model_id"), c->models, c->n_models, 1))
		return 0;
	if (c->n_modes &&
	    !in_list(fact_string(facts, "connection", "mode"), c->modes, c->n_modes, 0))
		return 0;
	if (c->n_classes &&
	    !in_list(fact_string(facts, "device", "class"), c->classes, c->n_classes, 0))
		return 0;
	return 1;
}

int checklist_step_applies(const struct checklist_step *s, json_t *facts)
{
	struct expr *e = NULL;
	enum expr_result r;

	if (!s->applies_if)
		return 1;
	if (expr_parse(s->applies_if, &e, NULL, NULL, 0) != EXPR_OK)
		return 1; /* out of memory: the step stays, as for unknown */
	r = expr_eval(e, facts, NULL);
	expr_free(e);
	return r != EXPR_FAIL;
}

static json_t *text_json(const struct checklist_text *t)
{
	json_t *o = json_object();

	if (!o)
		return NULL;
	if (t->en)
		json_object_set_new(o, "en", json_string(t->en));
	if (t->fr)
		json_object_set_new(o, "fr", json_string(t->fr));
	if (t->nl)
		json_object_set_new(o, "nl", json_string(t->nl));
	return o;
}

static json_t *words_json(const char *const *w, size_t n)
{
	json_t *a = json_array();

	for (size_t i = 0; a && i < n; i++)
		json_array_append_new(a, json_string(w[i]));
	return a;
}

static json_t *texts_json(const struct checklist_text *t, size_t n)
{
	json_t *a = json_array();

	for (size_t i = 0; a && i < n; i++)
		json_array_append_new(a, text_json(&t[i]));
	return a;
}

static json_t *step_json(const struct checklist_step *s)
{
	json_t *o = json_object(), *a;

	if (!o)
		return NULL;
	json_object_set_new(o, "id", json_string(s->id));
	json_object_set_new(o, "title", text_json(&s->title));
	json_object_set_new(o, "kind", json_string(checklist_kind_name(s->kind)));
	json_object_set_new(o, "required", json_boolean(s->required));
	if (s->note_required)
		json_object_set_new(o, "note_required", json_true());
	json_object_set_new(o, "on_fail", json_string(checklist_on_fail_name(s->on_fail)));
	a = json_array();
	for (size_t i = 0; a && i < s->n_instructions; i++)
		json_array_append_new(a, json_pack("{s:s, s:o}", "level",
						   checklist_level_name(s->instructions[i].level),
						   "text", text_json(&s->instructions[i].text)));
	json_object_set_new(o, "instructions", a);
	if (s->image)
		json_object_set_new(o, "image", json_string(s->image));
	if (s->applies_if)
		json_object_set_new(o, "applies_if", json_string(s->applies_if));
	if (s->records)
		json_object_set_new(o, "records", json_string(s->records));
	if (s->kind == CHECKLIST_KIND_MEASURE) {
		json_object_set_new(o, "unit", json_string(s->unit));
		json_object_set_new(o, "range",
				    json_pack("{s:f, s:f}", "min", s->min, "max", s->max));
		if (s->tester)
			json_object_set_new(o, "tester", json_true());
	}
	if (s->kind == CHECKLIST_KIND_CHOICE) {
		a = json_array();
		for (size_t i = 0; a && i < s->n_options; i++) {
			json_t *opt = json_pack("{s:s, s:o, s:o}", "value", s->options[i].value,
						"label", text_json(&s->options[i].label),
						"criteria", text_json(&s->options[i].criteria));

			if (opt && s->options[i].ctia)
				json_object_set_new(opt, "ctia", json_string(s->options[i].ctia));
			json_array_append_new(a, opt);
		}
		json_object_set_new(o, "options", a);
	}
	if (s->kind == CHECKLIST_KIND_AUTO)
		json_object_set_new(o, "expr", json_string(s->expr));
	if (s->kind == CHECKLIST_KIND_ENTRY)
		json_object_set_new(o, "format",
				    json_string(checklist_entry_format_name(s->format)));
	return o;
}

json_t *checklist_to_json(const struct checklist *c)
{
	json_t *o = json_object(), *a;

	if (!o)
		return NULL;
	json_object_set_new(o, "id", json_string(c->id));
	json_object_set_new(o, "version", json_integer(c->version));
	json_object_set_new(o, "title", text_json(&c->title));
	if (c->summary.en)
		json_object_set_new(o, "summary", text_json(&c->summary));
	if (c->category != CHECKLIST_CAT_NONE)
		json_object_set_new(o, "category",
				    json_string(checklist_category_name(c->category)));
	a = json_pack("{s:o, s:o, s:o}", "platforms", words_json(c->platforms, c->n_platforms),
		      "models", words_json(c->models, c->n_models), "modes",
		      words_json(c->modes, c->n_modes));
	if (a && c->n_classes)
		json_object_set_new(a, "classes", words_json(c->classes, c->n_classes));
	json_object_set_new(o, "applies_to", a);
	json_object_set_new(o, "difficulty", json_integer(c->difficulty));
	json_object_set_new(o, "time_minutes", json_integer(c->time_minutes));
	json_object_set_new(o, "tools", texts_json(c->tools, c->n_tools));
	json_object_set_new(o, "parts", texts_json(c->parts, c->n_parts));
	json_object_set_new(o, "prerequisites", words_json(c->prerequisites, c->n_prerequisites));
	json_object_set_new(o, "competences", words_json(c->competences, c->n_competences));
	json_object_set_new(o, "requires",
			    json_pack("{s:o, s:o}", "approved",
				      words_json(c->requires_approved, c->n_requires_approved),
				      "signed_off",
				      words_json(c->requires_signed_off, c->n_requires_signed_off)));
	a = json_array();
	for (size_t i = 0; a && i < c->n_rubric; i++)
		json_array_append_new(a, json_pack("{s:s, s:o, s:i, s:o}", "id", c->rubric[i].id,
						   "title", text_json(&c->rubric[i].title), "max",
						   c->rubric[i].max, "levels",
						   texts_json(c->rubric[i].levels,
							      c->rubric[i].n_levels)));
	json_object_set_new(o, "rubric", a);
	a = json_array();
	for (size_t i = 0; a && i < c->n_steps; i++)
		json_array_append_new(a, step_json(&c->steps[i]));
	json_object_set_new(o, "steps", a);
	json_object_set_new(o, "source", json_string(c->path));
	json_object_set_new(o, "hash", json_string(c->hash));
	return o;
}

/* ------------------------------------------------------------------------------------
 * Sets and folders.
 */
void checklist_set_init(struct checklist_set *set)
{
	memset(set, 0, sizeof(*set));
}

void checklist_set_release(struct checklist_set *set)
{
	if (!set)
		return;
	for (size_t i = 0; i < set->count; i++)
		checklist_free(set->items[i]);
	free(set->items);
	memset(set, 0, sizeof(*set));
}

const struct checklist *checklist_set_find(const struct checklist_set *set, const char *id)
{
	for (size_t i = 0; id && i < set->count; i++)
		if (strcmp(set->items[i]->id, id) == 0)
			return set->items[i];
	return NULL;
}

enum checklist_err checklist_set_add(struct checklist_set *set, struct checklist *c)
{
	if (checklist_set_find(set, c->id))
		return CHECKLIST_EDUPLICATE;
	if (set->count == set->cap) {
		size_t cap = set->cap ? set->cap * 2 : 16;
		struct checklist **items = realloc(set->items, cap * sizeof(*items));

		if (!items)
			return CHECKLIST_ENOMEM;
		set->items = items;
		set->cap = cap;
	}
	set->items[set->count++] = c;
	return CHECKLIST_OK;
}

static int cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int is_yaml_name(const char *name)
{
	size_t n = strlen(name);

	/* The certification policy lives next to the checklists but is not one. */
	return name[0] != '.' && n > 5 && strcmp(name + n - 5, ".yaml") == 0 &&
	       strcmp(name, CHECKLIST_POLICY_FILE) != 0;
}

enum checklist_err checklist_set_load_dir(struct checklist_set *set, const char *dir,
					  struct checklist_report *rep)
{
	enum checklist_err err = CHECKLIST_OK;
	char **names = NULL;
	size_t n = 0, cap = 0;
	struct dirent *de;
	DIR *d;

	d = opendir(dir);
	if (!d) {
		if (errno == ENOENT)
			return CHECKLIST_ENOENT;
		checklist_report_add(rep, CHECKLIST_SEV_ERROR, dir, 0, 0,
				     "cannot read the folder: %s", strerror(errno));
		return CHECKLIST_EIO;
	}
	while ((de = readdir(d))) {
		char *copy;

		if (!is_yaml_name(de->d_name))
			continue;
		if (n >= CHECKLIST_MAX_FILES) {
			checklist_report_add(
			    rep, CHECKLIST_SEV_ERROR, dir, 0, 0,
			    "more than %d checklist files: the others were not read",
			    CHECKLIST_MAX_FILES);
			break;
		}
		if (n == cap) {
			size_t ncap = cap ? cap * 2 : 32;
			char **nn = realloc(names, ncap * sizeof(*nn));

			if (!nn) {
				err = CHECKLIST_ENOMEM;
				goto out;
			}
			names = nn;
			cap = ncap;
		}
		copy = strdup(de->d_name);
		if (!copy) {
			err = CHECKLIST_ENOMEM;
			goto out;
		}
		names[n++] = copy;
	}
	if (n)
		qsort(names, n, sizeof(*names), cmp_name);
	for (size_t i = 0; i < n; i++) {
		char path[CHECKLIST_PATH_MAX];
		struct checklist *c = NULL;
		const struct checklist *first;
		enum checklist_err e;

		if (snprintf(path, sizeof(path), "%s/%s", dir, names[i]) >= (int)sizeof(path))
			continue;
		e = load_file(path, path, &c, rep);
		if (e == CHECKLIST_ENOMEM) {
			err = e;
			goto out;
		}
		if (e != CHECKLIST_OK)
			continue;
		first = checklist_set_find(set, c->id);
		if (first) {
			checklist_report_add(rep, CHECKLIST_SEV_ERROR, path, c->id_line, c->id_col,
					     "checklist id '%s' is already used by %s: ids must be "
					     "unique, this file is left out",
					     c->id, first->path);
			checklist_free(c);
			continue;
		}
		e = checklist_set_add(set, c);
		if (e != CHECKLIST_OK) {
			checklist_free(c);
			err = e;
			goto out;
		}
	}
out:
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	closedir(d);
	return err;
}

static int is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

int checklist_source_root(char *out, size_t size)
{
	char exe[CHECKLIST_PATH_MAX], probe[CHECKLIST_PATH_MAX + 32];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	if (n <= 0)
		return 0;
	exe[n] = '\0';
	for (int up = 0; up < 3; up++) {
		char *slash = strrchr(exe, '/');

		if (!slash || slash == exe)
			return 0;
		*slash = '\0';
		snprintf(probe, sizeof(probe), "%s/src/main.c", exe);
		if (access(probe, F_OK) != 0)
			continue;
		snprintf(probe, sizeof(probe), "%s/checklists", exe);
		if (!is_dir(probe))
			continue;
		return snprintf(out, size, "%s", exe) < (int)size;
	}
	return 0;
}

/* The source tree's checklists/, if the program runs from one. */
static int source_tree_checklists(char *out, size_t size)
{
	char root[CHECKLIST_PATH_MAX];

	return checklist_source_root(root, sizeof(root)) &&
	       snprintf(out, size, "%s/checklists", root) < (int)size;
}

size_t checklist_search_path(const char *data_dir, char dirs[][CHECKLIST_PATH_MAX], size_t max)
{
	const char *env = getenv("ATELIER_CHECKLISTS");
	size_t n = 0;

	if (max > CHECKLIST_SEARCH_MAX)
		max = CHECKLIST_SEARCH_MAX;
	if (n < max) {
		if (env && env[0]) {
			if (snprintf(dirs[n], CHECKLIST_PATH_MAX, "%s", env) < CHECKLIST_PATH_MAX)
				n++;
		} else if (source_tree_checklists(dirs[n], CHECKLIST_PATH_MAX)) {
			n++;
		} else if (snprintf(dirs[n], CHECKLIST_PATH_MAX, "%s/checklists", ATELIER_DATADIR) <
			   CHECKLIST_PATH_MAX) {
			n++;
		}
	}
	if (n < max && data_dir && data_dir[0] &&
	    snprintf(dirs[n], CHECKLIST_PATH_MAX, "%s/checklists", data_dir) < CHECKLIST_PATH_MAX)
		n++;
	return n;
}

enum checklist_err checklist_set_load_default(struct checklist_set *set, const char *data_dir,
					      struct checklist_report *rep)
{
	char dirs[CHECKLIST_SEARCH_MAX][CHECKLIST_PATH_MAX];
	size_t n = checklist_search_path(data_dir, dirs, CHECKLIST_SEARCH_MAX);

	for (size_t i = 0; i < n; i++) {
		enum checklist_err err = checklist_set_load_dir(set, dirs[i], rep);

		if (err == CHECKLIST_ENOENT || err == CHECKLIST_EIO)
			continue; /* EIO: in the report */
		if (err != CHECKLIST_OK)
			return err;
	}
	return CHECKLIST_OK;
}
