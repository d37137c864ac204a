#include "checklist/expr.h"

#include <assert.h>
#include <ctype.h>
#include <errno.h>
#include <locale.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "probe/facts.h"
#include "util/text.h"

/* Longest name we try to correct with a "did you mean". */
#define SUGGEST_MAX 64

const char *expr_strerror(enum expr_err err)
{
	switch (err) {
	case EXPR_OK:
		return "success";
	case EXPR_ESYNTAX:
		return "syntax error";
	case EXPR_EUNKNOWN_FACT:
		return "unknown fact";
	case EXPR_ETYPE:
		return "type error";
	case EXPR_ETOOBIG:
		return "expression too big";
	case EXPR_ETOODEEP:
		return "expression nested too deep";
	case EXPR_ENOMEM:
		return "out of memory";
	}
	return "unknown error";
}

const char *expr_result_name(enum expr_result r)
{
	switch (r) {
	case EXPR_PASS:
		return "pass";
	case EXPR_FAIL:
		return "fail";
	case EXPR_UNKNOWN:
		return "unknown";
	}
	return "invalid";
}

/* ---- tokens ---- */

enum tok {
	T_NONE, /* before the first token */
	T_END,
	T_LPAREN,
	T_RPAREN,
	T_AND,
	T_OR,
	T_NOT,
	T_EQ,
	T_NE,
	T_LT,
	T_LE,
	T_GT,
	T_GE,
	T_NUM,
	T_STR,
	T_IDENT,
	T_TRUE,
	T_FALSE,
	T_NULL,
};

struct token {
	enum tok kind;
	size_t off; /* byte offset in the text */
	size_t len; /* bytes, quotes included for a string */
};

static int is_cmp(enum tok t)
{
	return t >= T_EQ && t <= T_GE;
}

static int is_order(enum tok t)
{
	return t >= T_LT && t <= T_GE;
}

/* A token that can start an operand. */
static int is_operand_start(enum tok t)
{
	return t == T_LPAREN || t >= T_NUM;
}

/* ---- the parsed form ---- */

enum nkind {
	N_AND,
	N_OR,
	N_NOT,
	N_CMP,
	N_FACT,
	N_NUM,
	N_STR,
	N_BOOL,
	N_NULL,
};

struct node {
	enum nkind kind;
	enum tok op;		     /* N_CMP */
	size_t l, r;		     /* children: N_AND, N_OR, N_CMP; l for N_NOT */
	size_t off;		     /* where it starts in the text, for messages */
	const struct fact_def *fact; /* N_FACT */
	int is_int;		     /* N_NUM: I holds the value, else D */
	long long i;
	double d;
	size_t s_off, s_len; /* N_STR: unescaped bytes in expr->strings */
	int b;		     /* N_BOOL */
};

struct expr {
	struct node *nodes; /* a node per token at most: cap is the text length */
	size_t n_nodes, cap;
	char *strings; /* unescaped string literals, back to back */
	size_t strings_len;
	const struct fact_def *facts[EXPR_MAX_FACTS];
	size_t n_facts;
	size_t root;
};

void expr_free(struct expr *e)
{
	if (!e)
		return;
	free(e->nodes);
	free(e->strings);
	free(e);
}

size_t expr_fact_count(const struct expr *e)
{
	assert(e);
	return e->n_facts;
}

const char *expr_fact_at(const struct expr *e, size_t i)
{
	assert(e && i < e->n_facts);
	return e->facts[i]->path;
}

/* ---- parser ---- */

struct parser {
	const char *text;
	size_t len;
	size_t pos;	   /* next byte the lexer reads */
	struct token tok;  /* current token */
	struct token prev; /* the one before it (T_NONE at the start) */
	int depth;	   /* '(' and '!' levels open */
	struct expr *e;
	enum expr_err err; /* first error only */
	size_t err_off;
	char msg[EXPR_MSG_MAX];
};

static int fail(struct parser *p, enum expr_err err, size_t off, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Record the first error; always returns -1 so callers can `return fail(...)`. */
static int fail(struct parser *p, enum expr_err err, size_t off, const char *fmt, ...)
{
	va_list ap;

	if (p->err != EXPR_OK)
		return -1;
	p->err = err;
	p->err_off = off;
	va_start(ap, fmt);
	vsnprintf(p->msg, sizeof(p->msg), fmt, ap);
	va_end(ap);
	text_clean(p->msg, p->msg, sizeof(p->msg));
	return -1;
}

/* The text of a token for a message, at most 40 bytes of it. */
static int tok_show_len(const struct token *t)
{
	return (int)(t->len > 40 ? 40 : t->len);
}

#define TOK_FMT "%s%.*s%s"
#define TOK_ARGS(p, t)                                                                             \
	(t)->kind == T_END ? "the end" : "'", (t)->kind == T_END ? 0 : tok_show_len(t),            \
	    (p)->text + (t)->off, (t)->kind == T_END ? "" : "'"

static int word_is(const struct parser *p, const struct token *t, const char *word)
{
	return t->kind == T_IDENT && t->len == strlen(word) &&
	       strncasecmp(p->text + t->off, word, t->len) == 0;
}

/* A word from another language where an operator was meant: the fix, or NULL. */
static const char *word_hint(const struct parser *p, const struct token *t)
{
	if (word_is(p, t, "and"))
		return "write '&&' for 'and'";
	if (word_is(p, t, "or"))
		return "write '||' for 'or'";
	if (word_is(p, t, "not"))
		return "write '!' for 'not'";
	return NULL;
}

static int is_word_char(char c)
{
	return isalnum((unsigned char)c) || c == '_' || c == '.';
}

static int lex_string(struct parser *p, size_t start)
{
	size_t i = start + 1;

	for (;;) {
		unsigned char c;

		if (i >= p->len)
			return fail(p, EXPR_ESYNTAX, start,
				    "unterminated string: add a closing '\"'");
		c = (unsigned char)p->text[i];
		if (c == '"')
			break;
		if (c == '\\') {
			char n = p->text[i + 1];

			if (n != '"' && n != '\\') {
				if (i + 1 >= p->len || !isprint((unsigned char)n))
					return fail(
					    p, EXPR_ESYNTAX, i,
					    "a '\\' in a string must be followed by '\"' or '\\'");
				return fail(p, EXPR_ESYNTAX, i,
					    "unknown escape '\\%c' in a string: only \\\" and \\\\ "
					    "are allowed",
					    n);
			}
			i += 2;
			continue;
		}
		if (c < 0x20 || c == 0x7f)
			return fail(p, EXPR_ESYNTAX, i,
				    "a string cannot hold a line break or a control character");
		i++;
	}
	p->tok.kind = T_STR;
	p->tok.len = i + 1 - start;
	return 0;
}

static int lex_number(struct parser *p, size_t start)
{
	const char *s = p->text + start;
	size_t i = 0, n;

	if (s[0] == '-' && !isdigit((unsigned char)s[1]))
		return fail(p, EXPR_ESYNTAX, start,
			    "'-' must be directly followed by a number, e.g. -5");
	n = s[0] == '-' ? 1 : 0;
	while (start + n < p->len && is_word_char(s[n]))
		n++;
	/* -?[0-9]+(\.[0-9]+)? */
	if (s[i] == '-')
		i++;
	while (i < n && isdigit((unsigned char)s[i]))
		i++;
	if (i < n && s[i] == '.') {
		size_t frac = ++i;

		while (i < n && isdigit((unsigned char)s[i]))
			i++;
		if (i == frac)
			i = n + 1; /* no digit after the point */
	}
	if (i != n)
		return fail(p, EXPR_ESYNTAX, start,
			    "'%.*s' is not a number: write digits with an optional decimal point, "
			    "e.g. 80 or 80.5",
			    (int)(n > 40 ? 40 : n), s);
	p->tok.kind = T_NUM;
	p->tok.len = n;
	return 0;
}

static int lex_word(struct parser *p, size_t start)
{
	const char *s = p->text + start;
	size_t n = 0;

	while (start + n < p->len && is_word_char(s[n]))
		n++;
	p->tok.len = n;
	if (n == 4 && memcmp(s, "true", 4) == 0)
		p->tok.kind = T_TRUE;
	else if (n == 5 && memcmp(s, "false", 5) == 0)
		p->tok.kind = T_FALSE;
	else if (n == 4 && memcmp(s, "null", 4) == 0)
		p->tok.kind = T_NULL;
	else
		p->tok.kind = T_IDENT;
	return 0;
}

/* Two-byte operator at I, else the one-byte one; SECOND is the byte completing it. */
static void lex_op(struct parser *p, char second, enum tok two, enum tok one)
{
	if (p->pos + 1 < p->len && p->text[p->pos + 1] == second) {
		p->tok.kind = two;
		p->tok.len = 2;
	} else {
		p->tok.kind = one;
		p->tok.len = 1;
	}
}

/* Read the next token into p->tok; the current one becomes p->prev. */
static int next(struct parser *p)
{
	const char *t = p->text;
	unsigned char c;

	p->prev = p->tok;
	while (p->pos < p->len &&
	       (t[p->pos] == ' ' || t[p->pos] == '\t' || t[p->pos] == '\r' || t[p->pos] == '\n'))
		p->pos++;
	p->tok.off = p->pos;
	p->tok.len = 0;
	if (p->pos >= p->len) {
		p->tok.kind = T_END;
		return 0;
	}
	c = (unsigned char)t[p->pos];
	switch (c) {
	case '(':
		p->tok.kind = T_LPAREN;
		p->tok.len = 1;
		break;
	case ')':
		p->tok.kind = T_RPAREN;
		p->tok.len = 1;
		break;
	case '&':
		lex_op(p, '&', T_AND, T_NONE);
		if (p->tok.kind == T_NONE)
			return fail(p, EXPR_ESYNTAX, p->pos,
				    "a single '&' is not an operator: write '&&' for 'and'");
		break;
	case '|':
		lex_op(p, '|', T_OR, T_NONE);
		if (p->tok.kind == T_NONE)
			return fail(p, EXPR_ESYNTAX, p->pos,
				    "a single '|' is not an operator: write '||' for 'or'");
		break;
	case '=':
		lex_op(p, '=', T_EQ, T_NONE);
		if (p->tok.kind == T_NONE)
			return fail(p, EXPR_ESYNTAX, p->pos,
				    "'=' alone does not compare: write '==' to test equality");
		break;
	case '!':
		lex_op(p, '=', T_NE, T_NOT);
		break;
	case '<':
		lex_op(p, '=', T_LE, T_LT);
		break;
	case '>':
		lex_op(p, '=', T_GE, T_GT);
		break;
	case '"':
		if (lex_string(p, p->pos) != 0)
			return -1;
		break;
	case '\'':
		return fail(p, EXPR_ESYNTAX, p->pos,
			    "text takes double quotes (\"off\"), not single quotes");
	default:
		if (isdigit(c) || c == '-') {
			if (lex_number(p, p->pos) != 0)
				return -1;
		} else if (isalpha(c) || c == '_') {
			lex_word(p, p->pos);
		} else if (c >= 0x80) {
			return fail(p, EXPR_ESYNTAX, p->pos,
				    "unexpected character: outside double quotes only letters, "
				    "digits, '_', '.' and operators are allowed");
		} else if (isprint(c)) {
			return fail(p, EXPR_ESYNTAX, p->pos, "unexpected character '%c'", c);
		} else {
			return fail(p, EXPR_ESYNTAX, p->pos,
				    "unexpected control character (byte 0x%02x)", c);
		}
	}
	p->pos += p->tok.len;
	return 0;
}

static int new_node(struct parser *p, enum nkind kind, size_t off, size_t *out)
{
	struct expr *e = p->e;
	struct node *n;

	if (e->n_nodes >= e->cap) /* cannot happen: a node per token at most */
		return fail(p, EXPR_ENOMEM, off, "out of memory");
	n = &e->nodes[e->n_nodes];
	memset(n, 0, sizeof(*n));
	n->kind = kind;
	n->off = off;
	*out = e->n_nodes++;
	return 0;
}

/* ---- names: facts and suggestions ---- */

static const struct fact_def *lookup(const char *name, size_t len)
{
	for (const struct fact_def *d = facts_schema; d->path; d++)
		if (strlen(d->path) == len && memcmp(d->path, name, len) == 0)
			return d;
	return NULL;
}

static size_t min3(size_t a, size_t b, size_t c)
{
	size_t m = a < b ? a : b;

	return m < c ? m : c;
}

/* Edit distance between A (ALEN bytes) and B, ignoring case. ALEN <= SUGGEST_MAX and
 * strlen(B) <= SUGGEST_MAX, else SIZE_MAX. */
static size_t distance(const char *a, size_t alen, const char *b)
{
	size_t row[SUGGEST_MAX + 1];
	size_t blen = strlen(b);

	if (alen > SUGGEST_MAX || blen > SUGGEST_MAX)
		return (size_t)-1;
	for (size_t j = 0; j <= blen; j++)
		row[j] = j;
	for (size_t i = 1; i <= alen; i++) {
		size_t diag = row[0];

		row[0] = i;
		for (size_t j = 1; j <= blen; j++) {
			size_t up = row[j];
			int same =
			    tolower((unsigned char)a[i - 1]) == tolower((unsigned char)b[j - 1]);

			row[j] = min3(row[j] + 1, row[j - 1] + 1, diag + (same ? 0 : 1));
			diag = up;
		}
	}
	return row[blen];
}

static const char *leaf_of(const char *path, size_t len, size_t *leaf_len)
{
	const char *dot = NULL;

	for (size_t i = 0; i < len; i++)
		if (path[i] == '.')
			dot = path + i;
	if (!dot) {
		*leaf_len = len;
		return path;
	}
	*leaf_len = len - (size_t)(dot + 1 - path);
	return dot + 1;
}

/* The schema key NAME was probably meant to be, or NULL. */
static const char *suggest(const char *name, size_t len)
{
	const struct fact_def *best = NULL, *leaf_match = NULL;
	size_t best_dist = (size_t)-1, n_leaf = 0, leaf_len, dl_len;
	const char *leaf = leaf_of(name, len, &leaf_len);

	for (const struct fact_def *d = facts_schema; d->path; d++) {
		const char *dl = leaf_of(d->path, strlen(d->path), &dl_len);
		size_t dist;

		/* the right key in the wrong group, or without its group */
		if (dl_len == leaf_len && strncasecmp(dl, leaf, leaf_len) == 0) {
			leaf_match = d;
			n_leaf++;
		}
		dist = distance(name, len, d->path);
		if (dist < best_dist) {
			best_dist = dist;
			best = d;
		}
	}
	if (best && (best_dist <= 2 || best_dist * 3 <= strlen(best->path)))
		return best->path;
	if (n_leaf == 1)
		return leaf_match->path;
	return NULL;
}

/* A fact of group NAME (LEN bytes), if NAME is a group. */
static const char *group_member(const char *name, size_t len)
{
	for (const struct fact_def *d = facts_schema; d->path; d++)
		if (strncmp(d->path, name, len) == 0 && d->path[len] == '.')
			return d->path;
	return NULL;
}

static int unknown_name(struct parser *p)
{
	const struct token *t = &p->tok;
	const char *name = p->text + t->off;
	int n = tok_show_len(t);
	const char *hint = word_hint(p, t), *s;

	if (hint)
		return fail(p, EXPR_ESYNTAX, t->off, "%s", hint);
	if (word_is(p, t, "true") || word_is(p, t, "false") || word_is(p, t, "null"))
		return fail(p, EXPR_ESYNTAX, t->off, "write '%.*s' in lower case", n, name);
	s = group_member(name, t->len);
	if (s)
		return fail(p, EXPR_EUNKNOWN_FACT, t->off,
			    "'%.*s' is a group of facts, not a fact: name one of them, e.g. '%s'",
			    n, name, s);
	s = suggest(name, t->len);
	if (s)
		return fail(p, EXPR_EUNKNOWN_FACT, t->off,
			    "unknown fact '%.*s' (did you mean '%s'?)", n, name, s);
	if (is_cmp(p->prev.kind) && !memchr(name, '.', t->len))
		return fail(p, EXPR_EUNKNOWN_FACT, t->off,
			    "unknown fact '%.*s': if it is text, put it in double quotes: \"%.*s\"",
			    n, name, n, name);
	return fail(p, EXPR_EUNKNOWN_FACT, t->off,
		    "unknown fact '%.*s': facts are listed in docs/facts.md", n, name);
}

static int add_fact(struct parser *p, const struct fact_def *d)
{
	struct expr *e = p->e;

	for (size_t i = 0; i < e->n_facts; i++)
		if (e->facts[i] == d)
			return 0;
	if (e->n_facts >= EXPR_MAX_FACTS)
		return fail(p, EXPR_ETOOBIG, p->tok.off,
			    "the expression names more than %d facts: split it into several "
			    "auto steps",
			    EXPR_MAX_FACTS);
	e->facts[e->n_facts++] = d;
	return 0;
}

/* ---- values ---- */

static int number_value(struct parser *p, struct node *n)
{
	char buf[EXPR_MAX_BYTES + 1];
	const struct token *t = &p->tok;
	char *end;

	assert(t->len < sizeof(buf));
	memcpy(buf, p->text + t->off, t->len);
	buf[t->len] = '\0';
	errno = 0;
	if (!memchr(buf, '.', t->len)) {
		n->is_int = 1;
		n->i = strtoll(buf, &end, 10);
		n->d = (double)n->i;
	} else {
		/* the decimal point is '.' whatever the locale (fr and nl write ',') */
		locale_t c = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);

		if (c == (locale_t)0)
			return fail(p, EXPR_ENOMEM, t->off, "out of memory");
		n->d = strtod_l(buf, &end, c);
		freelocale(c);
		if (isinf(n->d))
			errno = ERANGE;
	}
	if (errno == ERANGE)
		return fail(p, EXPR_ESYNTAX, t->off, "the number '%.*s' is too large",
			    tok_show_len(t), buf);
	if (*end != '\0') /* cannot happen: the lexer checked the form */
		return fail(p, EXPR_ESYNTAX, t->off, "'%.*s' is not a number", tok_show_len(t),
			    buf);
	return 0;
}

static void string_value(struct parser *p, struct node *n)
{
	struct expr *e = p->e;
	const char *s = p->text + p->tok.off + 1;
	const char *end = p->text + p->tok.off + p->tok.len - 1;

	n->s_off = e->strings_len;
	while (s < end) {
		if (*s == '\\')
			s++;
		e->strings[e->strings_len++] = *s++;
	}
	n->s_len = e->strings_len - n->s_off;
}

/* ---- types ---- */

enum stype {
	S_NUM,
	S_TEXT,
	S_BOOL,
	S_NULL,
	S_LIST,
};

static enum stype fact_stype(const struct fact_def *d)
{
	switch (d->type) {
	case FACT_INT:
	case FACT_REAL:
		return S_NUM;
	case FACT_STRING:
		return S_TEXT;
	case FACT_BOOL:
		return S_BOOL;
	case FACT_STRING_ARRAY:
		return S_LIST;
	}
	return S_NULL;
}

/* A fact like F (its name plus a suffix, or a near spelling) of type T, or NULL: the
 * one meant when 'battery.health' (text) is compared with 80 is 'battery.health_pct'. */
static const char *sibling_of_type(const struct fact_def *f, enum stype t)
{
	size_t len = strlen(f->path);

	for (const struct fact_def *d = facts_schema; d->path; d++)
		if (d != f && fact_stype(d) == t && strncmp(d->path, f->path, len) == 0 &&
		    d->path[len] == '_')
			return d->path;
	for (const struct fact_def *d = facts_schema; d->path; d++)
		if (d != f && fact_stype(d) == t && distance(f->path, len, d->path) <= 2)
			return d->path;
	return NULL;
}

static enum stype static_type(const struct node *n)
{
	switch (n->kind) {
	case N_FACT:
		return fact_stype(n->fact);
	case N_NUM:
		return S_NUM;
	case N_STR:
		return S_TEXT;
	case N_NULL:
		return S_NULL;
	default:
		return S_BOOL;
	}
}

static const char *type_phrase(enum stype t)
{
	switch (t) {
	case S_NUM:
		return "a number";
	case S_TEXT:
		return "text";
	case S_BOOL:
		return "true or false";
	case S_NULL:
		return "null";
	case S_LIST:
		return "a list";
	}
	return "?";
}

static const char *op_text(enum tok op)
{
	switch (op) {
	case T_EQ:
		return "==";
	case T_NE:
		return "!=";
	case T_LT:
		return "<";
	case T_LE:
		return "<=";
	case T_GT:
		return ">";
	case T_GE:
		return ">=";
	default:
		return "?";
	}
}

/* How to compare a fact of type T, after "'fact' is T: ". */
static const char *compare_hint(enum stype t)
{
	switch (t) {
	case S_NUM:
		return "compare it with a number, without quotes, e.g. 80";
	case S_TEXT:
		return "compare it with a quoted string";
	case S_BOOL:
		return "compare it with true or false, without quotes";
	default:
		return "compare it with null";
	}
}

static int check_types(struct parser *p, size_t li, enum tok op, size_t op_off, size_t ri)
{
	const struct node *l = &p->e->nodes[li], *r = &p->e->nodes[ri];
	enum stype tl = static_type(l), tr = static_type(r);

	if (tl == S_NULL || tr == S_NULL) {
		if (is_order(op))
			return fail(p, EXPR_ETYPE, op_off,
				    "null can only be compared with == or !=, not with '%s'",
				    op_text(op));
		return 0;
	}
	if (tl == S_LIST || tr == S_LIST) {
		const struct node *f = tl == S_LIST ? l : r;

		return fail(
		    p, EXPR_ETYPE, op_off,
		    "'%s' is a list: it can only be compared with null (== null or != null)",
		    f->fact->path);
	}
	if (tl != tr) {
		if (l->kind == N_FACT && r->kind == N_FACT)
			return fail(p, EXPR_ETYPE, r->off,
				    "'%s' is %s and '%s' is %s: they cannot be compared",
				    l->fact->path, type_phrase(tl), r->fact->path, type_phrase(tr));
		if (l->kind == N_FACT || r->kind == N_FACT) {
			const struct node *f = l->kind == N_FACT ? l : r;
			const struct node *v = l->kind == N_FACT ? r : l;
			enum stype tf = static_type(f);

			const char *alt = sibling_of_type(f->fact, static_type(v));

			if (alt)
				return fail(p, EXPR_ETYPE, v->off,
					    "'%s' is %s: %s (or did you mean '%s'?)", f->fact->path,
					    type_phrase(tf), compare_hint(tf), alt);
			return fail(p, EXPR_ETYPE, v->off, "'%s' is %s: %s", f->fact->path,
				    type_phrase(tf), compare_hint(tf));
		}
		return fail(p, EXPR_ETYPE, op_off, "%s cannot be compared with %s", type_phrase(tl),
			    type_phrase(tr));
	}
	if (is_order(op) && tl == S_TEXT)
		return fail(p, EXPR_ETYPE, op_off,
			    "text can only be compared with == or !=, not ordered with '%s'",
			    op_text(op));
	if (is_order(op) && tl == S_BOOL)
		return fail(p, EXPR_ETYPE, op_off,
			    "true and false can only be compared with == or !=, not with '%s'",
			    op_text(op));
	return 0;
}

/* An operand that is not compared must be a condition by itself. */
static int check_condition(struct parser *p, size_t i)
{
	const struct node *n = &p->e->nodes[i];
	enum stype t = static_type(n);

	if (n->kind == N_FACT && t != S_BOOL)
		return fail(p, EXPR_ETYPE, n->off, "'%s' is %s, not a condition: %s", n->fact->path,
			    type_phrase(t), compare_hint(t));
	if (n->kind == N_NUM || n->kind == N_STR || n->kind == N_NULL)
		return fail(p, EXPR_ETYPE, n->off,
			    "a value alone is not a condition: compare a fact with it, "
			    "e.g. battery.health_pct >= 80");
	return 0;
}

/* ---- grammar ---- */

static int parse_or(struct parser *p, size_t *out);

/* Report that an operand was expected at the current token. */
static int missing_operand(struct parser *p)
{
	const struct token *t = &p->tok, *prev = &p->prev;

	if (t->kind == T_RPAREN && prev->kind == T_LPAREN)
		return fail(p, EXPR_ESYNTAX, t->off, "empty parentheses: put a condition inside");
	if (t->kind == T_RPAREN && prev->kind == T_NONE)
		return fail(p, EXPR_ESYNTAX, t->off,
			    "unbalanced parenthesis: ')' without a matching '('");
	if (prev->kind == T_NONE) {
		if (t->kind == T_END)
			return fail(p, EXPR_ESYNTAX, t->off, "the expression is empty");
		return fail(p, EXPR_ESYNTAX, t->off, "expected a fact or a value before " TOK_FMT,
			    TOK_ARGS(p, t));
	}
	return fail(p, EXPR_ESYNTAX, t->off, "expected a %s after " TOK_FMT,
		    is_cmp(prev->kind) ? "value" : "condition", TOK_ARGS(p, prev));
}

static int enter(struct parser *p)
{
	if (++p->depth > EXPR_MAX_DEPTH)
		return fail(p, EXPR_ETOODEEP, p->tok.off,
			    "nested deeper than %d levels of parentheses and '!'", EXPR_MAX_DEPTH);
	return 0;
}

/* operand := "(" condition ")" | FACT | NUMBER | STRING | true | false | null.
 * *PAREN says whether it was a condition in parentheses. */
static int parse_operand(struct parser *p, size_t *out, int *paren)
{
	struct token t = p->tok;
	struct node *n;

	*paren = 0;
	if (t.kind == T_LPAREN) {
		if (enter(p) != 0 || next(p) != 0)
			return -1;
		if (p->tok.kind == T_END)
			return fail(p, EXPR_ESYNTAX, t.off,
				    "unbalanced parenthesis: this '(' is never closed");
		if (parse_or(p, out) != 0)
			return -1;
		if (p->tok.kind == T_END)
			return fail(p, EXPR_ESYNTAX, t.off,
				    "unbalanced parenthesis: this '(' is never closed");
		if (p->tok.kind != T_RPAREN)
			return fail(p, EXPR_ESYNTAX, p->tok.off, "expected ')' before " TOK_FMT,
				    TOK_ARGS(p, &p->tok));
		p->depth--;
		*paren = 1;
		return next(p);
	}
	switch (t.kind) {
	case T_IDENT: {
		const struct fact_def *d = lookup(p->text + t.off, t.len);

		if (!d)
			return unknown_name(p);
		if (add_fact(p, d) != 0 || new_node(p, N_FACT, t.off, out) != 0)
			return -1;
		p->e->nodes[*out].fact = d;
		break;
	}
	case T_NUM:
		if (new_node(p, N_NUM, t.off, out) != 0 || number_value(p, &p->e->nodes[*out]) != 0)
			return -1;
		break;
	case T_STR:
		if (new_node(p, N_STR, t.off, out) != 0)
			return -1;
		string_value(p, &p->e->nodes[*out]);
		break;
	case T_TRUE:
	case T_FALSE:
		if (new_node(p, N_BOOL, t.off, out) != 0)
			return -1;
		n = &p->e->nodes[*out];
		n->b = t.kind == T_TRUE;
		break;
	case T_NULL:
		if (new_node(p, N_NULL, t.off, out) != 0)
			return -1;
		break;
	default:
		return missing_operand(p);
	}
	return next(p);
}

/* After an operand, where an operator or the end must come: two operands side by side
 * mean a missing operator. */
static int check_operator(struct parser *p)
{
	const char *hint = word_hint(p, &p->tok);

	if (hint)
		return fail(p, EXPR_ESYNTAX, p->tok.off, "%s", hint);
	if (is_operand_start(p->tok.kind))
		return fail(p, EXPR_ESYNTAX, p->tok.off,
			    "missing operator before " TOK_FMT
			    ": compare with == != < <= > >=, or join conditions with && ||",
			    TOK_ARGS(p, &p->tok));
	return 0;
}

/* compare := operand ( CMP operand )? */
static int parse_compare(struct parser *p, size_t *out)
{
	struct token op;
	size_t l, r;
	int paren;

	if (parse_operand(p, &l, &paren) != 0)
		return -1;
	if (!is_cmp(p->tok.kind)) {
		if (check_operator(p) != 0)
			return -1;
		if (!paren && check_condition(p, l) != 0)
			return -1;
		*out = l;
		return 0;
	}
	op = p->tok;
	if (paren)
		return fail(p, EXPR_ESYNTAX, op.off,
			    "only a fact or a value can be compared with '%s', not a condition in "
			    "parentheses",
			    op_text(op.kind));
	if (next(p) != 0)
		return -1;
	if (p->tok.kind == T_LPAREN)
		return fail(p, EXPR_ESYNTAX, p->tok.off,
			    "only a fact or a value can be compared with '%s', not a condition in "
			    "parentheses",
			    op_text(op.kind));
	if (parse_operand(p, &r, &paren) != 0)
		return -1;
	if (check_types(p, l, op.kind, op.off, r) != 0)
		return -1;
	if (is_cmp(p->tok.kind))
		return fail(p, EXPR_ESYNTAX, p->tok.off,
			    "comparisons cannot be chained: join them with &&, "
			    "e.g. a > 1 && a < 9");
	if (check_operator(p) != 0)
		return -1;
	if (new_node(p, N_CMP, op.off, out) != 0)
		return -1;
	p->e->nodes[*out].op = op.kind;
	p->e->nodes[*out].l = l;
	p->e->nodes[*out].r = r;
	return 0;
}

/* not := "!" not | compare */
static int parse_not(struct parser *p, size_t *out)
{
	size_t off = p->tok.off, c;

	if (p->tok.kind != T_NOT)
		return parse_compare(p, out);
	if (enter(p) != 0 || next(p) != 0 || parse_not(p, &c) != 0)
		return -1;
	p->depth--;
	if (new_node(p, N_NOT, off, out) != 0)
		return -1;
	p->e->nodes[*out].l = c;
	return 0;
}

/* and := not ( "&&" not )*  and  or := and ( "||" and )*, left to right. */
static int parse_chain(struct parser *p, size_t *out, enum tok op, enum nkind kind,
		       int (*sub)(struct parser *, size_t *))
{
	size_t l, r;

	if (sub(p, &l) != 0)
		return -1;
	while (p->tok.kind == op) {
		size_t off = p->tok.off, n;

		if (next(p) != 0 || sub(p, &r) != 0 || new_node(p, kind, off, &n) != 0)
			return -1;
		p->e->nodes[n].l = l;
		p->e->nodes[n].r = r;
		l = n;
	}
	*out = l;
	return 0;
}

static int parse_and(struct parser *p, size_t *out)
{
	return parse_chain(p, out, T_AND, N_AND, parse_not);
}

static int parse_or(struct parser *p, size_t *out)
{
	return parse_chain(p, out, T_OR, N_OR, parse_and);
}

/* The 1-based column of byte OFF: characters before it, plus one. */
static int column(const char *text, size_t off)
{
	int col = 1;

	for (size_t i = 0; i < off; i++)
		if (((unsigned char)text[i] & 0xc0) != 0x80)
			col++;
	return col;
}

enum expr_err expr_parse(const char *text, struct expr **out, int *col, char *msg, size_t size)
{
	struct parser p;
	struct expr *e = NULL;

	assert(text && out);
	*out = NULL;
	memset(&p, 0, sizeof(p));
	p.text = text;
	p.len = strnlen(text, EXPR_MAX_BYTES + 1);
	if (p.len > EXPR_MAX_BYTES) {
		fail(&p, EXPR_ETOOBIG, EXPR_MAX_BYTES,
		     "the expression is longer than %d bytes: split it into several auto steps",
		     EXPR_MAX_BYTES);
		goto out;
	}
	e = calloc(1, sizeof(*e));
	if (e) {
		e->cap = p.len + 1;
		e->nodes = calloc(e->cap, sizeof(*e->nodes));
		e->strings = malloc(p.len + 1);
	}
	if (!e || !e->nodes || !e->strings) {
		fail(&p, EXPR_ENOMEM, 0, "out of memory");
		goto out;
	}
	p.e = e;
	p.tok.kind = T_NONE;
	if (next(&p) != 0 || parse_or(&p, &e->root) != 0)
		goto out;
	if (p.tok.kind == T_RPAREN)
		fail(&p, EXPR_ESYNTAX, p.tok.off,
		     "unbalanced parenthesis: ')' without a matching '('");
	else if (p.tok.kind != T_END)
		fail(&p, EXPR_ESYNTAX, p.tok.off, "unexpected " TOK_FMT, TOK_ARGS(&p, &p.tok));
out:
	if (p.err != EXPR_OK) {
		expr_free(e);
		e = NULL;
	}
	if (col)
		*col = p.err != EXPR_OK ? column(text, p.err_off) : 0;
	if (msg && size > 0)
		snprintf(msg, size, "%s", p.msg);
	*out = e;
	return p.err;
}

/* ---- evaluation ---- */

struct eval {
	json_t *facts;
	json_t *used; /* NULL: not asked, or out of memory */
	int oom;
};

/* The value of fact D in the facts, NULL when missing; recorded in the facts used. */
static json_t *read_fact(struct eval *ev, const struct fact_def *d)
{
	json_t *v = facts_json_at(ev->facts, d->path);

	if (ev->used && !json_object_get(ev->used, d->path)) {
		json_t *copy = v ? json_deep_copy(v) : json_null();

		if (!copy || json_object_set_new(ev->used, d->path, copy) != 0)
			ev->oom = 1;
	}
	/* Facts such as locks.frp or locks.find_my say "unknown" in words when the device
	 * could not tell: for a decision that is the same as not read. */
	if (json_is_string(v) && strcmp(json_string_value(v), "unknown") == 0)
		return NULL;
	return v;
}

enum vkind {
	V_NULL,
	V_INT,
	V_REAL,
	V_STR,
	V_BOOL,
	V_OTHER, /* an array or an object: not comparable */
};

struct value {
	enum vkind kind;
	int literal_null; /* the literal null, not a null fact */
	long long i;
	double d;
	const char *s;
	size_t s_len;
	int b;
};

static void value_of(struct eval *ev, const struct expr *e, const struct node *n, struct value *v)
{
	json_t *j;

	memset(v, 0, sizeof(*v));
	switch (n->kind) {
	case N_NUM:
		v->kind = n->is_int ? V_INT : V_REAL;
		v->i = n->i;
		v->d = n->d;
		return;
	case N_STR:
		v->kind = V_STR;
		v->s = e->strings + n->s_off;
		v->s_len = n->s_len;
		return;
	case N_BOOL:
		v->kind = V_BOOL;
		v->b = n->b;
		return;
	case N_NULL:
		v->kind = V_NULL;
		v->literal_null = 1;
		return;
	case N_FACT:
		break;
	default:
		v->kind = V_OTHER;
		return;
	}
	j = read_fact(ev, n->fact);
	if (!j || json_is_null(j)) {
		v->kind = V_NULL;
	} else if (json_is_integer(j)) {
		v->kind = V_INT;
		v->i = (long long)json_integer_value(j);
		v->d = (double)v->i;
	} else if (json_is_real(j)) {
		v->kind = V_REAL;
		v->d = json_real_value(j);
	} else if (json_is_string(j)) {
		v->kind = V_STR;
		v->s = json_string_value(j);
		v->s_len = json_string_length(j);
	} else if (json_is_boolean(j)) {
		v->kind = V_BOOL;
		v->b = json_is_true(j);
	} else {
		v->kind = V_OTHER;
	}
}

static enum expr_result verdict(int ok)
{
	return ok ? EXPR_PASS : EXPR_FAIL;
}

/* Compare with -1, 0, 1 as the ordering operators want it. */
static enum expr_result order(enum tok op, int c)
{
	switch (op) {
	case T_EQ:
		return verdict(c == 0);
	case T_NE:
		return verdict(c != 0);
	case T_LT:
		return verdict(c < 0);
	case T_LE:
		return verdict(c <= 0);
	case T_GT:
		return verdict(c > 0);
	case T_GE:
		return verdict(c >= 0);
	default:
		return EXPR_FAIL;
	}
}

static enum expr_result compare(const struct value *a, enum tok op, const struct value *b)
{
	if (a->kind == V_NULL || b->kind == V_NULL) {
		int both = a->kind == V_NULL && b->kind == V_NULL;

		if (!a->literal_null && !b->literal_null)
			return EXPR_UNKNOWN; /* a null fact: nobody knows */
		if (op == T_EQ)
			return verdict(both);
		if (op == T_NE)
			return verdict(!both);
		return EXPR_FAIL;
	}
	if ((a->kind == V_INT || a->kind == V_REAL) && (b->kind == V_INT || b->kind == V_REAL)) {
		if (a->kind == V_INT && b->kind == V_INT)
			return order(op, (a->i > b->i) - (a->i < b->i));
		return order(op, (a->d > b->d) - (a->d < b->d));
	}
	if (is_order(op))
		return EXPR_FAIL; /* only numbers have an order */
	if (a->kind == V_STR && b->kind == V_STR)
		return order(op, a->s_len == b->s_len && memcmp(a->s, b->s, a->s_len) == 0 ? 0 : 1);
	if (a->kind == V_BOOL && b->kind == V_BOOL)
		return order(op, (a->b != 0) == (b->b != 0) ? 0 : 1);
	return EXPR_FAIL; /* the facts hold a type the schema does not give */
}

static enum expr_result eval_node(struct eval *ev, const struct expr *e, size_t i)
{
	const struct node *n = &e->nodes[i];
	enum expr_result l, r;
	struct value a, b;

	switch (n->kind) {
	case N_AND:
		l = eval_node(ev, e, n->l);
		if (l == EXPR_FAIL)
			return EXPR_FAIL;
		r = eval_node(ev, e, n->r);
		if (r == EXPR_FAIL)
			return EXPR_FAIL;
		return l == EXPR_UNKNOWN || r == EXPR_UNKNOWN ? EXPR_UNKNOWN : EXPR_PASS;
	case N_OR:
		l = eval_node(ev, e, n->l);
		if (l == EXPR_PASS)
			return EXPR_PASS;
		r = eval_node(ev, e, n->r);
		if (r == EXPR_PASS)
			return EXPR_PASS;
		return l == EXPR_UNKNOWN || r == EXPR_UNKNOWN ? EXPR_UNKNOWN : EXPR_FAIL;
	case N_NOT:
		l = eval_node(ev, e, n->l);
		if (l == EXPR_UNKNOWN)
			return EXPR_UNKNOWN;
		return l == EXPR_PASS ? EXPR_FAIL : EXPR_PASS;
	case N_CMP:
		value_of(ev, e, &e->nodes[n->l], &a);
		value_of(ev, e, &e->nodes[n->r], &b);
		return compare(&a, n->op, &b);
	case N_BOOL:
		return verdict(n->b);
	case N_FACT:
		value_of(ev, e, n, &a);
		if (a.kind == V_NULL)
			return EXPR_UNKNOWN;
		return verdict(a.kind == V_BOOL && a.b);
	default:
		return EXPR_FAIL; /* a value alone: refused by the parser */
	}
}

enum expr_result expr_eval(const struct expr *e, json_t *facts, json_t **used)
{
	struct eval ev = { .facts = json_is_object(facts) ? facts : NULL };
	enum expr_result r;

	assert(e);
	if (used) {
		ev.used = json_object();
		ev.oom = !ev.used;
	}
	r = eval_node(&ev, e, e->root);
	if (used) {
		if (ev.oom) {
			json_decref(ev.used);
			ev.used = NULL;
		}
		*used = ev.used;
	}
	return r;
}
