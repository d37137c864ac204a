/*
 * expr — the expression of an `auto` checklist step, and of any step's `applies_if`: a
 * condition on a device's facts.
 *
 *   battery.health_pct >= 80
 *   platform == "ios" && locks.find_my == "off"
 *
 * Language (docs/checklists.md is the spec, written for instructors):
 *
 *   condition  := or
 *   or         := and ( "||" and )*
 *   and        := not ( "&&" not )*
 *   not        := "!" not | compare
 *   compare    := operand ( ( "==" | "!=" | "<" | "<=" | ">" | ">=" ) operand )?
 *   operand    := "(" condition ")" | FACT | NUMBER | STRING | true | false | null
 *
 *   FACT is a path of the facts schema (src/probe/facts.c facts_schema[]), e.g.
 *   battery.health_pct or platform. NUMBER is digits with an optional decimal part and an
 *   optional leading '-' (80, 80.5, -3). STRING is double-quoted; \" and \\ are its only
 *   escapes. Blanks (space, tab, CR, LF) separate tokens. `!a == b` reads as `!(a == b)`.
 *   Only a fact or a value can be compared, and comparisons do not chain (a < b < c).
 *
 * Types are checked when parsing, from the schema: numbers (FACT_INT, FACT_REAL) compare
 * with numbers, text (FACT_STRING) with text and only with == !=, booleans with true and
 * false and only with == !=, a list (FACT_STRING_ARRAY) only with null (== null, != null);
 * null only with == and !=. A fact alone is a condition only when it is a boolean; a value
 * alone only when it is true or false.
 *
 * Evaluation gives pass, fail or unknown (three-valued logic):
 *   - a comparison touching a null fact is unknown, except `== null` / `!= null` which
 *     test for null; a boolean fact alone is unknown when null; a fact whose value is
 *     the word "unknown" (locks.frp, locks.find_my...) counts as null;
 *   - a fact holding a type the schema does not give it (or a missing group object) is
 *     read as null when missing, and makes its comparison fail when of another type;
 *   - unknown && fail = fail, unknown && pass = unknown, unknown || pass = pass,
 *     unknown || fail = unknown, !unknown = unknown.
 * && and || stop as soon as the result is settled (fail for &&, pass for ||): the facts
 * after that point are not read, so they are not in the facts used.
 *
 * Bounds: EXPR_MAX_BYTES of text, EXPR_MAX_DEPTH levels of '(' and '!', EXPR_MAX_FACTS
 * distinct facts. A parsed expression is immutable and can be evaluated from several
 * threads at once.
 */
#ifndef ATELIER_CHECKLIST_EXPR_H
#define ATELIER_CHECKLIST_EXPR_H

#include <jansson.h>
#include <stddef.h>

#define EXPR_MAX_BYTES 1024 /* longest expression text, in bytes */
#define EXPR_MAX_DEPTH 64   /* nesting of '(' and '!' */
#define EXPR_MAX_FACTS 32   /* distinct facts one expression may name */
#define EXPR_MSG_MAX 256    /* a message buffer that always holds a whole message */

enum expr_err {
	EXPR_OK = 0,
	EXPR_ESYNTAX,	    /* not an expression: missing value, stray character, ... */
	EXPR_EUNKNOWN_FACT, /* a name that is not in the facts schema */
	EXPR_ETYPE,	    /* a comparison of things that cannot be compared */
	EXPR_ETOOBIG,	    /* longer than EXPR_MAX_BYTES, or more than EXPR_MAX_FACTS facts */
	EXPR_ETOODEEP,	    /* nested deeper than EXPR_MAX_DEPTH */
	EXPR_ENOMEM,	    /* out of memory */
};

/* A lower-case phrase for ERR; static. */
const char *expr_strerror(enum expr_err err);

/* A parsed expression (opaque). */
struct expr;

/*
 * Parse TEXT (NUL-terminated, borrowed; at most EXPR_MAX_BYTES bytes before the NUL).
 *
 * On EXPR_OK *OUT is a new expression the caller frees with expr_free(), *COL is 0 and
 * MSG is "". On any error *OUT is NULL, *COL is the 1-based column of the problem within
 * TEXT, counted in characters (UTF-8 sequences count once, a newline counts as one), and
 * MSG (SIZE bytes, always NUL-terminated, cut if short; EXPR_MSG_MAX is enough) says in
 * plain words what is wrong and, when we can tell, how to fix it, e.g.
 *   unknown fact 'battery.health_percent' (did you mean 'battery.health_pct'?)
 *   expected a value after '>='
 *   'locks.find_my' is text: compare it with a quoted string
 *   unbalanced parenthesis: this '(' is never closed
 * COL and MSG may be NULL (SIZE is then ignored for MSG).
 */
enum expr_err expr_parse(const char *text, struct expr **out, int *col, char *msg, size_t size)
    __attribute__((warn_unused_result));

/* Free E; NULL is fine. */
void expr_free(struct expr *e);

enum expr_result {
	EXPR_PASS,
	EXPR_FAIL,
	EXPR_UNKNOWN,
};

/* "pass", "fail" or "unknown"; "invalid" for a value outside the enum. Static. */
const char *expr_result_name(enum expr_result r);

/*
 * Evaluate E on FACTS, a facts JSON object as facts_json() gives it (nested by group:
 * {"battery": {"health_pct": 87.3}, "platform": "ios", ...}); borrowed, not changed.
 * FACTS NULL reads every fact as null.
 *
 * USED, when not NULL, gets a new JSON object the caller owns (json_decref), flat by
 * path: {"battery.health_pct": 87.3, "locks.find_my": null}, a copy of every fact the
 * evaluation read (null for a null or missing fact). It is what a job records. When
 * memory runs out *USED is NULL; the result is still right.
 */
enum expr_result expr_eval(const struct expr *e, json_t *facts, json_t **used);

/* How many distinct facts E names, and the I-th in order of first mention. The path is
 * static (the schema's own string). I must be below expr_fact_count(). */
size_t expr_fact_count(const struct expr *e);
const char *expr_fact_at(const struct expr *e, size_t i);

#endif
