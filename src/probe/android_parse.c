/*
 * android_parse — facts from the text Android tools print (see android_parse.h).
 *
 * Text from outside is copied into one bounded, NUL-terminated buffer first (converted
 * from UTF-16 when it is that), so the line readers below work on plain C strings and
 * never read past the end. Numbers go through parse_int(), never atoi.
 */
#include "probe/android_parse.h"

/* The smallest design capacity taken as a phone or tablet battery, in mAh. */
#define ANDROID_MAH_MIN 300

#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "probe/android_models.h"
#include "util/imei.h"

#define SOURCE_MAX 256
#define CYCLES_MAX 100000
#define PARCEL_WORDS_MAX 128 /* 256 UTF-16 units: far more than an IMEI */
#define LINE_MAX_LEN 4096    /* longest line the line readers look at */

const char *android_parse_strerror(enum android_parse_err err)
{
	switch (err) {
	case ANDROID_PARSE_OK:
		return "no error";
	case ANDROID_PARSE_ENOMEM:
		return "out of memory";
	case ANDROID_PARSE_ETOOBIG:
		return "output too long";
	case ANDROID_PARSE_ETOOMANY:
		return "too many entries";
	case ANDROID_PARSE_ENODATA:
		return "no usable line in the output";
	}
	return "unknown error";
}

/* ---- text helpers ---- */

/* A NUL-terminated copy of TEXT (LEN bytes) with NUL bytes read as '?'; NULL on ENOMEM. */
static char *copy_text(const char *text, size_t len)
{
	char *s = malloc(len + 1);

	if (!s)
		return NULL;
	for (size_t i = 0; i < len; i++)
		s[i] = text[i] ? text[i] : '?';
	s[len] = '\0';
	return s;
}

/* Append code point CP to OUT as UTF-8 (U+0000 and lone surrogates become '?'). */
static size_t put_utf8(char *out, uint32_t cp)
{
	if (cp == 0 || (cp >= 0xD800 && cp <= 0xDFFF)) {
		out[0] = '?';
		return 1;
	}
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xC0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xE0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		out[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	out[0] = (char)(0xF0 | (cp >> 18));
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
	out[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

enum utf16 { NOT_UTF16, UTF16_LE, UTF16_BE };

/* UTF-16 by its BOM, else by where its zero bytes are (ASCII text has one per char). */
static enum utf16 detect_utf16(const unsigned char *b, size_t len, size_t *skip)
{
	size_t zero_even = 0, zero_odd = 0, n = len < 4096 ? len : 4096;

	*skip = 0;
	if (len >= 2 && b[0] == 0xFF && b[1] == 0xFE) {
		*skip = 2;
		return UTF16_LE;
	}
	if (len >= 2 && b[0] == 0xFE && b[1] == 0xFF) {
		*skip = 2;
		return UTF16_BE;
	}
	for (size_t i = 0; i < n; i++)
		if (b[i] == 0) {
			if (i % 2)
				zero_odd++;
			else
				zero_even++;
		}
	/* At least a quarter of the sample is zeros, nearly all on one side. */
	if ((zero_odd + zero_even) * 4 < n || n < 2)
		return NOT_UTF16;
	if (zero_odd > zero_even * 8)
		return UTF16_LE;
	if (zero_even > zero_odd * 8)
		return UTF16_BE;
	return NOT_UTF16;
}

/* TEXT as NUL-terminated UTF-8 (converted from UTF-16 when it is; a UTF-8 BOM
 * dropped); *OUT_LEN its length. NULL on ENOMEM. */
static char *to_utf8(const char *text, size_t len, size_t *out_len)
{
	const unsigned char *b = (const unsigned char *)text;
	size_t skip, n = 0;
	enum utf16 kind = detect_utf16(b, len, &skip);
	char *out;

	if (kind == NOT_UTF16) {
		if (len >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF) {
			text += 3;
			len -= 3;
		}
		*out_len = len;
		return copy_text(text, len);
	}
	/* Each 2-byte unit gives at most 3 bytes; a surrogate pair (4 bytes) gives 4. */
	out = malloc((len / 2) * 3 + 4);
	if (!out)
		return NULL;
	for (size_t i = skip; i + 1 < len; i += 2) {
		uint32_t u = kind == UTF16_LE ? (uint32_t)(b[i] | b[i + 1] << 8)
					      : (uint32_t)(b[i] << 8 | b[i + 1]);

		if (u >= 0xD800 && u <= 0xDBFF && i + 3 < len) {
			uint32_t lo = kind == UTF16_LE ? (uint32_t)(b[i + 2] | b[i + 3] << 8)
						       : (uint32_t)(b[i + 2] << 8 | b[i + 3]);

			if (lo >= 0xDC00 && lo <= 0xDFFF) {
				u = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
				i += 2;
			}
		}
		n += put_utf8(out + n, u);
	}
	out[n] = '\0';
	*out_len = n;
	return out;
}

static int is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* Strict decimal integer of S (blanks around allowed), within [MIN, MAX]. */
static int parse_int(const char *s, int64_t min, int64_t max, int64_t *v)
{
	char *end;
	long long x;

	if (!s)
		return 0;
	while (is_blank(*s))
		s++;
	if (!(*s == '-' || *s == '+' || (*s >= '0' && *s <= '9')))
		return 0;
	x = strtoll(s, &end, 10);
	if (end == s)
		return 0;
	while (is_blank(*end) || *end == '\r')
		end++;
	if (*end != '\0')
		return 0;
	if (x < min || x > max)
		return 0;
	*v = (int64_t)x;
	return 1;
}

/* Copy S (LEN bytes) into OUT (SIZE), NUL-terminated, cut. */
static void copy_cut(char *out, size_t size, const char *s, size_t len)
{
	if (len >= size)
		len = size - 1;
	memcpy(out, s, len);
	out[len] = '\0';
}

/* Trim blanks and CR at both ends of S in place; returns the new start. */
static char *trim(char *s)
{
	size_t len;

	while (is_blank(*s))
		s++;
	len = strlen(s);
	while (len && (is_blank(s[len - 1]) || s[len - 1] == '\r'))
		s[--len] = '\0';
	return s;
}

/* Split BUF at line ends: returns the next line (NUL-terminated, CR dropped) and
 * advances *POS, or NULL at the end. BUF is changed in place. */
static char *next_line(char *buf, size_t len, size_t *pos)
{
	size_t start = *pos, end;

	if (start >= len)
		return NULL;
	end = start;
	while (end < len && buf[end] != '\n')
		end++;
	buf[end] = '\0';
	*pos = end + 1;
	if (end > start && buf[end - 1] == '\r')
		buf[end - 1] = '\0';
	return buf + start;
}

/* Append ", TEXT" (or TEXT first) to a source text. */
static void source_add(char *buf, size_t size, const char *text)
{
	size_t len = strlen(buf);

	if (len + 1 >= size)
		return;
	snprintf(buf + len, size - len, "%s%s", len ? ", " : "", text);
}

/* Set battery.source, appending to one another parser already set. */
static void set_battery_source(struct facts *f, const char *what)
{
	const char *old = facts_get_string(f, "battery.source");
	char text[FACTS_STR_MAX];

	if (old && *old)
		snprintf(text, sizeof(text), "%s; %s", old, what);
	else
		snprintf(text, sizeof(text), "%s", what);
	facts_set_string(f, "battery.source", text);
}

/* ---- aprops ---- */

struct aprop {
	char *key, *value; /* both point into buf */
};

struct aprops {
	char *buf; /* the converted text, cut into keys and values */
	struct aprop *items;
	size_t n, cap;
	size_t skipped;
};

void aprops_free(struct aprops *p)
{
	if (!p)
		return;
	free(p->buf);
	free(p->items);
	free(p);
}

static struct aprops *aprops_new(const char *text, size_t len, size_t *buf_len)
{
	struct aprops *p = calloc(1, sizeof(*p));

	if (!p)
		return NULL;
	p->buf = to_utf8(text, len, buf_len);
	if (!p->buf) {
		free(p);
		return NULL;
	}
	return p;
}

/* Add KEY (a repeated key is added again: aprops_get finds the last one, so adding
 * stays linear in the output instead of quadratic). */
static enum android_parse_err aprops_put(struct aprops *p, char *key, char *value)
{
	if (p->n == APROPS_MAX_KEYS)
		return ANDROID_PARSE_ETOOMANY;
	if (p->n == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 256;
		struct aprop *items;

		if (cap > APROPS_MAX_KEYS)
			cap = APROPS_MAX_KEYS;
		items = realloc(p->items, cap * sizeof(*items));
		if (!items)
			return ANDROID_PARSE_ENOMEM;
		p->items = items;
		p->cap = cap;
	}
	p->items[p->n].key = key;
	p->items[p->n].value = value;
	p->n++;
	return ANDROID_PARSE_OK;
}

static int key_ok(const char *key, size_t len)
{
	if (len == 0 || len > APROPS_KEY_MAX)
		return 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)key[i];

		if (c <= ' ' || c == 0x7F || c == '[' || c == ']')
			return 0;
	}
	return 1;
}

/* Line bounds in buf: [start, end) without the line end; *next after it. */
struct span {
	size_t start, end, next;
};

static struct span line_at(const char *buf, size_t len, size_t pos)
{
	struct span l = { pos, pos, len };
	const char *nl = memchr(buf + pos, '\n', len - pos);

	if (nl) {
		l.end = (size_t)(nl - buf);
		l.next = l.end + 1;
	} else {
		l.end = len;
	}
	if (l.end > l.start && buf[l.end - 1] == '\r')
		l.end--;
	return l;
}

/* If the line is a property start "[key]: [", the offsets of key end and value start. */
static int prop_start(const char *buf, struct span l, size_t *key_start, size_t *key_end,
		      size_t *value_start)
{
	size_t s = l.start, k;

	while (s < l.end && is_blank(buf[s]))
		s++;
	if (s >= l.end || buf[s] != '[')
		return 0;
	k = s + 1;
	while (k < l.end && buf[k] != ']')
		k++;
	/* "]:" then optional blanks then "[" */
	if (k + 2 >= l.end || buf[k + 1] != ':')
		return 0;
	*value_start = k + 2;
	while (*value_start < l.end && is_blank(buf[*value_start]))
		(*value_start)++;
	if (*value_start >= l.end || buf[*value_start] != '[')
		return 0;
	(*value_start)++;
	*key_start = s + 1;
	*key_end = k;
	return key_ok(buf + s + 1, k - s - 1);
}

/* End of L without trailing blanks. */
static size_t content_end(const char *buf, struct span l)
{
	size_t e = l.end;

	while (e > l.start && is_blank(buf[e - 1]))
		e--;
	return e;
}

/* getprop's "[key]: [value]" lines, values possibly over several lines, into P. */
static enum android_parse_err fill_getprop(struct aprops *p, size_t n)
{
	enum android_parse_err err = ANDROID_PARSE_OK;
	char *buf = p->buf;
	size_t pos = 0;

	while (pos < n && err == ANDROID_PARSE_OK) {
		struct span l = line_at(buf, n, pos);
		size_t ks, ke, vs, e, w;
		int closed = 0;

		if (!prop_start(buf, l, &ks, &ke, &vs)) {
			size_t s = l.start;

			while (s < l.end && is_blank(buf[s]))
				s++;
			if (s < l.end)
				p->skipped++;
			pos = l.next;
			continue;
		}
		e = content_end(buf, l);
		if (e > vs && buf[e - 1] == ']' && e - 1 - vs > APROPS_VALUE_MAX) {
			p->skipped++; /* a value past the bound is not kept */
			pos = l.next;
			continue;
		}
		if (e > vs && buf[e - 1] == ']') {
			/* One line: the value ends at the last ']'. */
			buf[ke] = '\0';
			buf[e - 1] = '\0';
			err = aprops_put(p, buf + ks, buf + vs);
			pos = l.next;
			continue;
		}
		/* The value goes on over the next lines until one ends with ']'. The value is
		 * compacted in place (CR dropped): the write index W never passes the read. */
		w = l.end;
		pos = l.next;
		while (pos < n) {
			struct span c = line_at(buf, n, pos);
			size_t k1, k2, v1, ce = content_end(buf, c);
			size_t part;

			if (prop_start(buf, c, &k1, &k2, &v1))
				break; /* a new property: this one was cut short */
			closed = ce > c.start && buf[ce - 1] == ']';
			part = closed ? ce - 1 - c.start : c.end - c.start;
			if (w - vs + 1 + part > APROPS_VALUE_MAX) {
				closed = 0;
				pos = c.next;
				break;
			}
			buf[w++] = '\n';
			memmove(buf + w, buf + c.start, part);
			w += part;
			pos = c.next;
			if (closed)
				break;
		}
		if (!closed) {
			p->skipped++;
			continue;
		}
		buf[ke] = '\0';
		buf[w] = '\0';
		err = aprops_put(p, buf + ks, buf + vs);
	}
	return err;
}

/* fastboot getvar's "(bootloader) key: value" lines into P, keys in lower case. */
static enum android_parse_err fill_getvar(struct aprops *p, size_t n)
{
	enum android_parse_err err = ANDROID_PARSE_OK;
	size_t pos = 0;
	char *line;

	while (err == ANDROID_PARSE_OK && (line = next_line(p->buf, n, &pos))) {
		char *s = trim(line), *sep, *value;
		size_t klen;

		if (!*s)
			continue;
		if (strncmp(s, "(bootloader)", 12) == 0)
			s = trim(s + 12);
		else if (strncmp(s, "INFO", 4) == 0)
			s += 4;
		sep = NULL;
		for (char *q = s; (q = strstr(q, ": ")); q++)
			sep = q;
		value = sep ? sep + 2 : NULL;
		if (!sep) {
			sep = strrchr(s, ':');
			value = sep ? sep + 1 : NULL;
		}
		klen = sep ? (size_t)(sep - s) : 0;
		if (!sep || !key_ok(s, klen)) {
			p->skipped++;
			continue;
		}
		*sep = '\0';
		for (char *q = s; *q; q++)
			*q = (char)tolower((unsigned char)*q);
		err = aprops_put(p, s, trim(value));
	}
	return err;
}

/* Parse LEN bytes of TEXT with FILL into *OUT: the size bound, the copy, "nothing found"
 * and the clean-up are the same for every format. */
static enum android_parse_err aprops_build(const char *text, size_t len, struct aprops **out,
					   enum android_parse_err (*fill)(struct aprops *p, size_t n))
{
	enum android_parse_err err;
	struct aprops *p;
	size_t n;

	*out = NULL;
	if (!text)
		len = 0;
	if (len > APROPS_MAX_BYTES)
		return ANDROID_PARSE_ETOOBIG;
	p = aprops_new(text ? text : "", len, &n);
	if (!p)
		return ANDROID_PARSE_ENOMEM;
	err = fill(p, n);
	if (err == ANDROID_PARSE_OK && p->n == 0)
		err = ANDROID_PARSE_ENODATA;
	if (err != ANDROID_PARSE_OK) {
		aprops_free(p);
		return err;
	}
	*out = p;
	return ANDROID_PARSE_OK;
}

enum android_parse_err aprops_parse(const char *text, size_t len, struct aprops **out)
{
	return aprops_build(text, len, out, fill_getprop);
}

enum android_parse_err aprops_parse_getvar(const char *text, size_t len, struct aprops **out)
{
	return aprops_build(text, len, out, fill_getvar);
}

const char *aprops_get(const struct aprops *p, const char *key)
{
	if (!p || !key)
		return NULL;
	for (size_t i = p->n; i-- > 0;) /* the last of a repeated key wins */
		if (strcmp(p->items[i].key, key) == 0)
			return p->items[i].value;
	return NULL;
}

size_t aprops_count(const struct aprops *p)
{
	return p ? p->n : 0;
}

size_t aprops_skipped(const struct aprops *p)
{
	return p ? p->skipped : 0;
}

const char *aprops_key_at(const struct aprops *p, size_t i)
{
	return p && i < p->n ? p->items[i].key : NULL;
}

const char *aprops_value_at(const struct aprops *p, size_t i)
{
	return p && i < p->n ? p->items[i].value : NULL;
}

/* ---- facts from properties ---- */

/* The non-empty value of KEY, or NULL. */
static const char *prop(const struct aprops *p, const char *key)
{
	const char *v = aprops_get(p, key);

	while (v && is_blank(*v))
		v++;
	return v && *v ? v : NULL;
}

/* The first non-empty value of KEYS (NULL-terminated); *WHICH the key used. */
static const char *first_prop(const struct aprops *p, const char *const *keys, const char **which)
{
	for (; *keys; keys++) {
		const char *v = prop(p, *keys);

		if (v) {
			if (which)
				*which = *keys;
			return v;
		}
	}
	return NULL;
}

static int has_non_ascii(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s >= 0x80)
			return 1;
	return 0;
}

static int is_china_build(const struct aprops *p)
{
	static const char *const keys[] = { "ro.boot.hwc", "ro.miui.region",
					    "ro.product.locale.region", NULL };

	for (const char *const *k = keys; *k; k++) {
		const char *v = prop(p, *k);

		if (v && strcasecmp(v, "CN") == 0)
			return 1;
	}
	return 0;
}

static void set_marketing_name(const struct aprops *p, struct facts *f, const char *make,
			       const char *model)
{
	static const char *const product_keys[] = {
		"ro.product.marketname",
		"ro.product.product.marketname",
		"ro.product.odm.marketname",
		"ro.product.system.marketname",
		"ro.product.system_ext.marketname",
		"ro.config.marketing_name",
		NULL,
	};
	const char *name, *vendor;

	if (make && model &&
	    (strcasecmp(make, "Google") == 0 || strcasecmp(make, "motorola") == 0)) {
		facts_set_string(f, "identity.marketing_name", model);
		return;
	}
	name = first_prop(p, product_keys, NULL);
	if (name) {
		facts_set_string(f, "identity.marketing_name", name);
		return;
	}
	vendor = prop(p, "ro.product.vendor.marketname");
	if (vendor && (!has_non_ascii(vendor) || is_china_build(p))) {
		facts_set_string(f, "identity.marketing_name", vendor);
		return;
	}
	if (vendor)
		facts_error(f, "identity.marketing_name",
			    "ro.product.vendor.marketname \"%s\" looks like another market's name "
			    "on a device that is not a China build: not used",
			    vendor);
	name = android_marketing_name(make, model);
	if (name) {
		facts_set_string(f, "identity.marketing_name", name);
		return;
	}
	if (model)
		facts_error(f, "identity.marketing_name",
			    "no marketname property, and model %s%s%s is not in "
			    "data/android-models.tsv",
			    make ? make : "", make ? " " : "", model);
	else
		facts_error(f, "identity.marketing_name", "no model to name");
}

/* One source's verdict on the bootloader lock. */
enum lock_verdict { LOCK_NONE, LOCK_LOCKED, LOCK_UNLOCKED };

static const char *verdict_word(enum lock_verdict v)
{
	return v == LOCK_LOCKED ? "locked" : v == LOCK_UNLOCKED ? "unlocked" : "unknown";
}

static void set_bootloader(const struct aprops *p, struct facts *f)
{
	const char *state = prop(p, "ro.boot.vbmeta.device_state");
	const char *flash = prop(p, "ro.boot.flash.locked");
	const char *vbs = prop(p, "ro.boot.verifiedbootstate");
	const char *oem = prop(p, "sys.oem_unlock_allowed");
	enum lock_verdict v[3] = { LOCK_NONE, LOCK_NONE, LOCK_NONE }, result = LOCK_NONE;
	int conflict = 0;

	if (state && strcasecmp(state, "locked") == 0)
		v[0] = LOCK_LOCKED;
	else if (state && strcasecmp(state, "unlocked") == 0)
		v[0] = LOCK_UNLOCKED;
	if (flash && strcmp(flash, "1") == 0)
		v[1] = LOCK_LOCKED;
	else if (flash && strcmp(flash, "0") == 0)
		v[1] = LOCK_UNLOCKED;
	if (vbs && (strcasecmp(vbs, "green") == 0 || strcasecmp(vbs, "yellow") == 0))
		v[2] = LOCK_LOCKED;
	else if (vbs && strcasecmp(vbs, "orange") == 0)
		v[2] = LOCK_UNLOCKED;

	for (int i = 0; i < 3; i++) {
		if (v[i] == LOCK_NONE)
			continue;
		if (result != LOCK_NONE && result != v[i])
			conflict = 1;
		result = v[i];
	}
	if (conflict) {
		facts_set_string(f, "locks.bootloader", "unknown");
		facts_error(f, "locks.bootloader",
			    "the sources disagree: ro.boot.vbmeta.device_state %s, "
			    "ro.boot.flash.locked %s, ro.boot.verifiedbootstate %s",
			    state ? state : "absent", flash ? flash : "absent",
			    vbs ? vbs : "absent");
		return;
	}
	facts_set_string(f, "locks.bootloader", verdict_word(result));
	if (result == LOCK_NONE)
		facts_error(f, "locks.bootloader",
			    "none of ro.boot.vbmeta.device_state, ro.boot.flash.locked, "
			    "ro.boot.verifiedbootstate says%s%s%s",
			    oem ? " (sys.oem_unlock_allowed is " : "", oem ? oem : "",
			    oem ? ", a hint only)" : "");
}

static void set_string_from(const struct aprops *p, struct facts *f, const char *fact,
			    const char *const *keys)
{
	const char *v = first_prop(p, keys, NULL);

	if (v)
		facts_set_string(f, fact, v);
	else
		facts_error(f, fact, "%s not in getprop", keys[0]);
}

void android_facts_from_props(const struct aprops *p, struct facts *f)
{
	static const char *const make_keys[] = { "ro.product.manufacturer",
						 "ro.product.vendor.manufacturer",
						 "ro.product.brand", NULL };
	static const char *const model_keys[] = { "ro.product.model", "ro.product.vendor.model",
						  NULL };
	static const char *const serial_keys[] = { "ro.serialno", "ro.boot.serialno", NULL };
	static const char *const color_keys[] = { "ro.boot.hardware.color", "ro.config.color",
						  NULL };
	static const char *const version_keys[] = { "ro.build.version.release",
						    "ro.build.version.release_or_codename", NULL };
	static const char *const patch_keys[] = { "ro.build.version.security_patch", NULL };
	static const char *const build_keys[] = { "ro.build.fingerprint",
						  "ro.system.build.fingerprint", NULL };
	const char *make, *model, *v;
	int64_t sdk;

	if (!p) {
		facts_error(f, "identity", "no getprop output to read");
		return;
	}
	facts_set_string(f, "platform", "android");
	facts_set_string(f, "os.name", "Android");

	make = first_prop(p, make_keys, NULL);
	model = first_prop(p, model_keys, NULL);
	set_string_from(p, f, "identity.make", make_keys);
	set_string_from(p, f, "identity.model_id", model_keys);
	set_marketing_name(p, f, make, model);
	set_string_from(p, f, "identity.serial", serial_keys);
	v = first_prop(p, color_keys, NULL);
	if (v)
		facts_set_string(f, "identity.color", v);
	else
		facts_error(f, "identity.color",
			    "no ro.boot.hardware.color or ro.config.color in getprop");

	set_string_from(p, f, "os.version", version_keys);
	v = prop(p, "ro.build.version.sdk");
	if (parse_int(v, 1, 1000, &sdk))
		facts_set_int(f, "os.sdk", sdk);
	else if (v)
		facts_error(f, "os.sdk", "ro.build.version.sdk \"%s\" is not an API level", v);
	else
		facts_error(f, "os.sdk", "ro.build.version.sdk not in getprop");
	set_string_from(p, f, "os.security_patch", patch_keys);
	set_string_from(p, f, "os.build", build_keys);

	set_bootloader(p, f);

	v = prop(p, "ro.crypto.state");
	if (v && strcasecmp(v, "encrypted") == 0)
		facts_set_bool(f, "locks.encrypted", 1);
	else if (v && strcasecmp(v, "unencrypted") == 0)
		facts_set_bool(f, "locks.encrypted", 0);
	else
		facts_error(f, "locks.encrypted", "ro.crypto.state is %s", v ? v : "not set");

	v = prop(p, "ro.build.tags");
	if (v && strstr(v, "test-keys"))
		facts_set_bool(f, "locks.rooted", 1);
}

void android_facts_frp(const struct aprops *p, struct facts *f)
{
	const char *pst = prop(p, "ro.frp.pst");
	int64_t accounts = facts_get_int(f, "locks.google_accounts", -1);
	int64_t sdk = facts_get_int(f, "os.sdk", -1);
	json_t *setup = json_object_get(json_object_get(facts_json(f), "locks"), "setup_done");

	if (!pst) {
		if (sdk > 0 && sdk < 22) {
			facts_set_string(f, "locks.frp", "off");
			return;
		}
		facts_set_string(f, "locks.frp", "unknown");
		facts_error(f, "locks.frp", "no ro.frp.pst: cannot tell whether FRP applies");
		return;
	}
	if (accounts > 0) {
		facts_set_string(f, "locks.frp", "on");
		return;
	}
	if (accounts == 0 && json_is_true(setup)) {
		facts_set_string(f, "locks.frp", "off");
		return;
	}
	facts_set_string(f, "locks.frp", "unknown");
	if (accounts < 0)
		facts_error(f, "locks.frp", "Google accounts not read: FRP unknown");
	else
		facts_error(f, "locks.frp",
			    "no Google account but setup not finished: the phone may still be "
			    "locked to a previous owner's account");
}

void android_facts_from_getvar(const struct aprops *p, struct facts *f)
{
	const char *v, *secure;

	if (!p) {
		facts_error(f, "identity", "no getvar output to read");
		return;
	}
	facts_set_string(f, "platform", "android");
	facts_set_string(f, "connection.via", "fastboot");
	facts_set_string(f, "connection.mode", "fastboot");
	v = prop(p, "product");
	if (v)
		facts_set_string(f, "identity.model_id", v);
	else
		facts_error(f, "identity.model_id", "no product in getvar");
	v = prop(p, "serialno");
	if (v)
		facts_set_string(f, "identity.serial", v);
	else
		facts_error(f, "identity.serial", "no serialno in getvar");

	v = prop(p, "unlocked");
	if (v && (strcasecmp(v, "yes") == 0 || strcasecmp(v, "true") == 0 || strcmp(v, "1") == 0)) {
		facts_set_string(f, "locks.bootloader", "unlocked");
		return;
	}
	if (v && (strcasecmp(v, "no") == 0 || strcasecmp(v, "false") == 0 || strcmp(v, "0") == 0)) {
		facts_set_string(f, "locks.bootloader", "locked");
		return;
	}
	v = prop(p, "device-state");
	if (v && (strcasecmp(v, "locked") == 0 || strcasecmp(v, "unlocked") == 0)) {
		facts_set_string(f, "locks.bootloader",
				 strcasecmp(v, "locked") == 0 ? "locked" : "unlocked");
		return;
	}
	secure = prop(p, "secure");
	facts_set_string(f, "locks.bootloader", "unknown");
	facts_error(f, "locks.bootloader", "no unlocked or device-state in getvar%s%s%s",
		    secure ? " (secure is " : "", secure ? secure : "",
		    secure ? ": secure boot, not the lock state)" : "");
}

/* ---- line-oriented outputs ---- */

/* A bounded NUL-terminated copy of TEXT for the line readers; NULL (with an error under
 * FACT) when too long, missing or out of memory. */
static char *take_text(const char *text, size_t len, struct facts *f, const char *fact,
		       const char *what)
{
	char *s;

	if (!text) {
		facts_error(f, fact, "no %s output to read", what);
		return NULL;
	}
	if (len > ANDROID_TEXT_MAX) {
		facts_error(f, fact, "%s output longer than %d bytes: not read", what,
			    ANDROID_TEXT_MAX);
		return NULL;
	}
	s = copy_text(text, len);
	if (!s)
		facts_error(f, fact, "out of memory reading %s", what);
	return s;
}

/* "key: value" line: *KEY and *VALUE point into LINE (changed). */
static int split_colon(char *line, char **key, char **value)
{
	char *colon = strchr(line, ':');

	if (!colon)
		return 0;
	*colon = '\0';
	*key = trim(line);
	*value = trim(colon + 1);
	return **key != '\0';
}

/* "[99]" -> "99" (in place). */
static char *unbracket(char *v)
{
	size_t len = strlen(v);

	if (len >= 2 && v[0] == '[' && v[len - 1] == ']') {
		v[len - 1] = '\0';
		return trim(v + 1);
	}
	return v;
}

/* The dumpsys battery values this parser reads, first occurrence of each. */
enum bkey {
	BK_AC,
	BK_USB,
	BK_WIRELESS,
	BK_DOCK,
	BK_STATUS,
	BK_HEALTH,
	BK_LEVEL,
	BK_SCALE,
	BK_TEMPERATURE,
	BK_ASOC,
	BK_BSOH,
	BK_COUNT
};

static const char *const bkey_names[BK_COUNT] = {
	"AC powered",
	"USB powered",
	"Wireless powered",
	"Dock powered",
	"status",
	"health",
	"level",
	"scale",
	"temperature",
	"mSavedBatteryAsoc",
	"mSavedBatteryBsoh",
};

static const char *health_word(int64_t code)
{
	static const char *const words[] = {
		NULL,  "Unknown", "Good", "Overheat", "Dead", "Over voltage", "Unspecified failure",
		"Cold"
	};

	return code >= 1 && code <= 7 ? words[code] : NULL;
}

void android_parse_dumpsys_battery(const char *text, size_t len, struct facts *f)
{
	char *buf = take_text(text, len, f, "battery", "dumpsys battery");
	const char *val[BK_COUNT] = { NULL };
	char source[SOURCE_MAX] = "";
	size_t pos = 0;
	char *line;
	int64_t level = 0, scale = 0, temp = 0, status = 0, code = 0, pct = 0;
	int any = 0;

	if (!buf)
		return;
	while ((line = next_line(buf, len, &pos))) {
		char *key, *value;

		if (!split_colon(line, &key, &value))
			continue;
		for (int k = 0; k < BK_COUNT; k++)
			if (!val[k] && strcmp(key, bkey_names[k]) == 0) {
				val[k] = unbracket(value);
				any = 1;
			}
	}
	if (!any) {
		facts_error(f, "battery", "no battery values in the dumpsys battery output");
		goto out;
	}

	if (parse_int(val[BK_LEVEL], 0, 100000, &level) &&
	    (!val[BK_SCALE] || parse_int(val[BK_SCALE], 1, 100000, &scale))) {
		if (!val[BK_SCALE])
			scale = 100;
		if (level <= scale) {
			facts_set_int(f, "battery.level_pct", (level * 200 + scale) / (2 * scale));
			source_add(source, sizeof(source), val[BK_SCALE] ? "level/scale" : "level");
		} else {
			facts_error(f, "battery.level_pct",
				    "level %" PRId64 " above scale %" PRId64, level, scale);
		}
	} else {
		facts_error(f, "battery.level_pct", "no usable level and scale in dumpsys battery");
	}

	if (parse_int(val[BK_TEMPERATURE], -500, 1500, &temp)) {
		facts_set_real(f, "battery.temperature_c", (double)temp / 10.0);
		source_add(source, sizeof(source), "temperature");
	} else {
		facts_error(f, "battery.temperature_c",
			    "no usable temperature (tenths of a degree) in dumpsys battery");
	}

	if (parse_int(val[BK_STATUS], 0, 100, &status) && status >= 2 && status <= 5) {
		facts_set_bool(f, "battery.charging", status == 2);
		source_add(source, sizeof(source), "status");
	} else {
		int seen = 0, on = 0;

		for (int k = BK_AC; k <= BK_DOCK; k++)
			if (val[k]) {
				seen = 1;
				on |= strcasecmp(val[k], "true") == 0;
			}
		if (seen) {
			facts_set_bool(f, "battery.charging", on);
			source_add(source, sizeof(source), "powered");
		} else {
			facts_error(f, "battery.charging", "no status or powered lines");
		}
	}

	if (val[BK_HEALTH] && parse_int(val[BK_HEALTH], 0, 100, &code)) {
		if (health_word(code)) {
			facts_set_string(f, "battery.health", health_word(code));
			source_add(source, sizeof(source), "health");
		} else {
			facts_error(f, "battery.health", "health code %" PRId64 " is not known",
				    code);
		}
	} else if (val[BK_HEALTH] && *val[BK_HEALTH]) {
		facts_set_string(f, "battery.health", val[BK_HEALTH]);
		source_add(source, sizeof(source), "health");
	} else {
		facts_error(f, "battery.health", "no health line in dumpsys battery");
	}

	/* Samsung: remaining capacity in %. */
	if (parse_int(val[BK_ASOC], 1, 200, &pct)) {
		facts_set_real(f, "battery.health_pct", (double)pct);
		source_add(source, sizeof(source), "mSavedBatteryAsoc");
	} else if (parse_int(val[BK_BSOH], 1, 200, &pct)) {
		facts_set_real(f, "battery.health_pct", (double)pct);
		source_add(source, sizeof(source), "mSavedBatteryBsoh");
	} else if (val[BK_ASOC] || val[BK_BSOH]) {
		facts_error(f, "battery.health_pct",
			    "mSavedBatteryAsoc/mSavedBatteryBsoh is not a percentage");
	}

	if (source[0]) {
		char what[SOURCE_MAX + 32];

		snprintf(what, sizeof(what), "dumpsys battery: %s", source);
		set_battery_source(f, what);
	}
out:
	free(buf);
}

void android_parse_power_supply(const char *text, size_t len, struct facts *f)
{
	char *buf = take_text(text, len, f, "battery", "power_supply uevent");
	char source[SOURCE_MAX] = "";
	const char *full_s = NULL, *design_s = NULL, *cycles_s = NULL, *health_s = NULL;
	const char *cap_s = NULL, *temp_s = NULL, *status_s = NULL;
	int64_t full = 0, design = 0, v = 0;
	size_t pos = 0;
	char *line;
	int any = 0;

	if (!buf)
		return;
	while ((line = next_line(buf, len, &pos))) {
		char *eq = strchr(line, '='), *key;

		if (!eq)
			continue;
		*eq = '\0';
		key = trim(line);
		if (strncmp(key, "POWER_SUPPLY_", 13) == 0)
			key += 13;
#define TAKE(name, var)                                                                            \
	if (strcmp(key, name) == 0 && !var) {                                                      \
		var = trim(eq + 1);                                                                \
		any = 1;                                                                           \
	}
		TAKE("CHARGE_FULL", full_s)
		TAKE("CHARGE_FULL_DESIGN", design_s)
		TAKE("CYCLE_COUNT", cycles_s)
		TAKE("HEALTH", health_s)
		TAKE("CAPACITY", cap_s)
		TAKE("TEMP", temp_s)
		TAKE("STATUS", status_s)
#undef TAKE
	}
	if (!any) {
		facts_error(f, "battery", "no POWER_SUPPLY_ values in the uevent");
		goto out;
	}
	/* µAh to mAh, rounded. */
	if (parse_int(design_s, 1, (int64_t)ANDROID_MAH_MAX * 1000, &design)) {
		design = (design + 500) / 1000;
		if (design > 0)
			facts_set_int(f, "battery.design_mah", design);
	} else {
		facts_error(f, "battery.design_mah", "no usable CHARGE_FULL_DESIGN in the uevent");
		design = 0;
	}
	if (parse_int(full_s, 1, (int64_t)ANDROID_MAH_MAX * 1000, &full)) {
		full = (full + 500) / 1000;
		if (full > 0)
			facts_set_int(f, "battery.full_charge_mah", full);
	} else {
		facts_error(f, "battery.full_charge_mah", "no usable CHARGE_FULL in the uevent");
		full = 0;
	}
	/* A phone or tablet battery holds at least ANDROID_MAH_MIN mAh: a smaller design
	 * capacity is another unit or a broken gauge, and a health from it would mislead. */
	if (design > 0 && design < ANDROID_MAH_MIN) {
		facts_error(f, "battery.health_pct",
			    "CHARGE_FULL_DESIGN of %lld mAh is not a phone battery: health not computed",
			    (long long)design);
		facts_clear(f, "battery.design_mah");
		design = 0;
		full = 0;
	} else if (full > 0 && design > 0) {
		/* From the µAh values: full * 1000 / design, rounded half up, in tenths. */
		int64_t fu = 0, de = 0, tenths;

		if (parse_int(full_s, 1, (int64_t)ANDROID_MAH_MAX * 1000, &fu) &&
		    parse_int(design_s, 1, (int64_t)ANDROID_MAH_MAX * 1000, &de)) {
			tenths = (fu * 2000 + de) / (2 * de);
			facts_set_real(f, "battery.health_pct", (double)tenths / 10.0);
			source_add(source, sizeof(source), "CHARGE_FULL / CHARGE_FULL_DESIGN");
		}
	} else {
		facts_error(f, "battery.health_pct",
			    "CHARGE_FULL or CHARGE_FULL_DESIGN missing or 0: health cannot be "
			    "computed");
	}
	if (parse_int(cycles_s, 0, CYCLES_MAX, &v)) {
		facts_set_int(f, "battery.cycle_count", v);
		source_add(source, sizeof(source), "CYCLE_COUNT");
	}
	if (health_s && *health_s) {
		facts_set_string(f, "battery.health", health_s);
		source_add(source, sizeof(source), "HEALTH");
	}
	if (parse_int(cap_s, 0, 100, &v)) {
		facts_set_int(f, "battery.level_pct", v);
		source_add(source, sizeof(source), "CAPACITY");
	}
	if (parse_int(temp_s, -500, 1500, &v)) {
		facts_set_real(f, "battery.temperature_c", (double)v / 10.0);
		source_add(source, sizeof(source), "TEMP");
	}
	if (status_s && *status_s) {
		if (strcasecmp(status_s, "Charging") == 0)
			facts_set_bool(f, "battery.charging", 1);
		else if (strcasecmp(status_s, "Discharging") == 0 ||
			 strcasecmp(status_s, "Not charging") == 0 ||
			 strcasecmp(status_s, "Full") == 0)
			facts_set_bool(f, "battery.charging", 0);
		if (facts_known(f, "battery.charging"))
			source_add(source, sizeof(source), "STATUS");
	}
	if (source[0]) {
		char what[SOURCE_MAX + 64];

		snprintf(what, sizeof(what), "/sys/class/power_supply/battery/uevent: %s", source);
		set_battery_source(f, what);
	}
out:
	free(buf);
}

/* Split S into at most MAX blank-separated words (in place); returns how many. */
static size_t words(char *s, char **w, size_t max)
{
	size_t n = 0;

	while (*s && n < max) {
		while (is_blank(*s))
			*s++ = '\0';
		if (!*s)
			break;
		w[n++] = s;
		while (*s && !is_blank(*s))
			s++;
	}
	return n;
}

void android_parse_df_data(const char *text, size_t len, struct facts *f)
{
	char *buf = take_text(text, len, f, "storage", "df");
	char *w[8], carry[LINE_MAX_LEN] = "";
	int header = 0, found = 0;
	size_t pos = 0;
	char *line;

	if (!buf)
		return;
	while (!found && (line = next_line(buf, len, &pos))) {
		char joined[2 * LINE_MAX_LEN];
		int64_t total = 0, avail = 0;
		size_t n;

		if (!header) {
			if (strcasestr(line, "1K-blocks"))
				header = 1;
			continue;
		}
		/* A long filesystem name alone on its line: the numbers follow. */
		snprintf(joined, sizeof(joined), "%s %s", carry, line);
		n = words(joined, w, 8);
		if (n == 1) {
			copy_cut(carry, sizeof(carry), w[0], strlen(w[0]));
			continue;
		}
		carry[0] = '\0';
		if (n < 6 || strcmp(w[5], "/data") != 0)
			continue;
		found = 1;
		if (parse_int(w[1], 0, INT64_MAX / 1024, &total) &&
		    parse_int(w[3], 0, INT64_MAX / 1024, &avail) && avail <= total) {
			facts_set_int(f, "storage.total_bytes", total * 1024);
			facts_set_int(f, "storage.free_bytes", avail * 1024);
		} else {
			facts_error(f, "storage",
				    "the /data row of df has no usable 1K-block counts");
		}
	}
	if (!header)
		facts_error(f, "storage", "no \"1K-blocks\" header: not the output of df -k");
	else if (!found)
		facts_error(f, "storage", "no row mounted on /data in df");
	free(buf);
}

void android_parse_diskstats(const char *text, size_t len, struct facts *f)
{
	char *buf = take_text(text, len, f, "storage", "dumpsys diskstats");
	size_t pos = 0;
	char *line;

	if (!buf)
		return;
	while ((line = next_line(buf, len, &pos))) {
		unsigned long long free_k = 0, total_k = 0;
		char *s = trim(line);

		if (strncmp(s, "Data-Free:", 10) != 0)
			continue;
		if (sscanf(s + 10, " %lluK / %lluK", &free_k, &total_k) == 2 &&
		    total_k <= (unsigned long long)(INT64_MAX / 1024) && free_k <= total_k) {
			facts_set_int(f, "storage.total_bytes", (int64_t)total_k * 1024);
			facts_set_int(f, "storage.free_bytes", (int64_t)free_k * 1024);
		} else {
			facts_error(f, "storage", "unreadable Data-Free line in dumpsys diskstats");
		}
		free(buf);
		return;
	}
	facts_error(f, "storage", "no Data-Free line in dumpsys diskstats");
	free(buf);
}

void android_parse_meminfo(const char *text, size_t len, struct facts *f)
{
	char *buf = take_text(text, len, f, "storage.ram_bytes", "/proc/meminfo");
	size_t pos = 0;
	char *line;

	if (!buf)
		return;
	while ((line = next_line(buf, len, &pos))) {
		char *key, *value, *unit;
		int64_t kb = 0;

		if (!split_colon(line, &key, &value) || strcmp(key, "MemTotal") != 0)
			continue;
		unit = strchr(value, ' ');
		if (unit) {
			*unit++ = '\0';
			unit = trim(unit);
		}
		if ((!unit || strcasecmp(unit, "kB") == 0) &&
		    parse_int(value, 1, INT64_MAX / 1024, &kb))
			facts_set_int(f, "storage.ram_bytes", kb * 1024);
		else
			facts_error(f, "storage.ram_bytes", "MemTotal is not a size in kB");
		free(buf);
		return;
	}
	facts_error(f, "storage.ram_bytes", "no MemTotal in /proc/meminfo");
	free(buf);
}

void android_parse_accounts(const char *text, size_t len, struct facts *f)
{
	char *buf = take_text(text, len, f, "locks.google_accounts", "dumpsys account");
	char names[ANDROID_ACCOUNTS_MAX][FACTS_STR_MAX];
	size_t n = 0, pos = 0;
	int looks_right = 0, overflow = 0;
	char *line;

	if (!buf)
		return;
	while ((line = next_line(buf, len, &pos))) {
		char *a = strstr(line, "Account {name="), *end, *type;
		size_t nlen;
		int dup = 0;

		if (strstr(line, "Accounts:"))
			looks_right = 1;
		if (!a)
			continue;
		looks_right = 1;
		a += 14;
		type = strstr(a, ", type=");
		if (!type)
			continue;
		end = strchr(type, '}');
		if (!end || (size_t)(end - type) != strlen(", type=com.google") ||
		    strncmp(type, ", type=com.google", (size_t)(end - type)) != 0)
			continue;
		nlen = (size_t)(type - a);
		for (size_t i = 0; i < n; i++)
			if (strlen(names[i]) == nlen && strncmp(names[i], a, nlen) == 0)
				dup = 1;
		if (dup)
			continue;
		if (n == ANDROID_ACCOUNTS_MAX) {
			overflow = 1;
			continue;
		}
		copy_cut(names[n++], sizeof(names[0]), a, nlen);
	}
	if (!looks_right)
		facts_error(f, "locks.google_accounts",
			    "no Accounts: or Account {...} line: not dumpsys account output");
	else if (overflow)
		facts_error(f, "locks.google_accounts", "more than %d Google accounts",
			    ANDROID_ACCOUNTS_MAX);
	else
		facts_set_int(f, "locks.google_accounts", (int64_t)n);
	free(buf);
}

/* "1" -> 1, "0" -> 0, else -1 (with *WHY). */
static int setting_value(const char *text, size_t len, const char **why)
{
	char v[32];
	char *s;

	*why = "not read";
	if (!text)
		return -1;
	if (len >= sizeof(v)) {
		*why = "an unexpected answer";
		return -1;
	}
	memcpy(v, text, len);
	v[len] = '\0';
	s = trim(v);
	/* One line only: "1\n" is fine, "1\nfoo" is not. */
	{
		size_t l = strlen(s);

		while (l && (s[l - 1] == '\n' || s[l - 1] == '\r' || is_blank(s[l - 1])))
			s[--l] = '\0';
	}
	if (strcmp(s, "1") == 0)
		return 1;
	if (strcmp(s, "0") == 0)
		return 0;
	*why = strcmp(s, "null") == 0 ? "not set (null)" : "an unexpected answer";
	return -1;
}

void android_parse_setting_bool(const char *text, size_t len, const char *fact, struct facts *f)
{
	const char *why;
	int v = setting_value(text, len, &why);

	if (v >= 0)
		facts_set_bool(f, fact, v);
	else
		facts_error(f, fact, "the setting is %s", why);
}

void android_facts_setup_done(const char *user_setup_complete, const char *device_provisioned,
			      struct facts *f)
{
	const char *why1, *why2;
	int a = setting_value(user_setup_complete,
			      user_setup_complete ? strlen(user_setup_complete) : 0, &why1);
	int b = setting_value(device_provisioned,
			      device_provisioned ? strlen(device_provisioned) : 0, &why2);

	if (a == 0 || b == 0)
		facts_set_bool(f, "locks.setup_done", 0);
	else if (a == 1 && b == 1)
		facts_set_bool(f, "locks.setup_done", 1);
	else
		facts_error(f, "locks.setup_done",
			    "user_setup_complete is %s, device_provisioned is %s",
			    a == 1 ? "1" : why1, b == 1 ? "1" : why2);
}

void android_facts_su(const char *which_su_output, size_t len, struct facts *f)
{
	char *buf = take_text(which_su_output, len, f, "locks.rooted", "which su");
	size_t pos = 0;
	char *line;
	int any = 0, not_found = 0;

	if (!buf)
		return;
	while ((line = next_line(buf, len, &pos))) {
		char *s = trim(line);
		size_t l = strlen(s);

		if (!*s)
			continue;
		any = 1;
		if (strstr(s, "not found"))
			not_found = 1;
		if (s[0] == '/' && l >= 3 && strcmp(s + l - 3, "/su") == 0) {
			facts_set_bool(f, "locks.rooted", 1);
			free(buf);
			return;
		}
	}
	if (!any || not_found) {
		if (!facts_known(f, "locks.rooted"))
			facts_set_bool(f, "locks.rooted", 0);
	} else {
		facts_error(f, "locks.rooted", "unexpected answer to which su");
	}
	free(buf);
}

/* Whether identity.imei already holds IMEI. */
static int has_imei(struct facts *f, const char *imei)
{
	json_t *arr = json_object_get(json_object_get(facts_json(f), "identity"), "imei");
	size_t i;
	json_t *v;

	json_array_foreach (arr, i, v) {
		if (json_is_string(v) && strcmp(json_string_value(v), imei) == 0)
			return 1;
	}
	return 0;
}

static int hex_word(const char *s, uint32_t *v)
{
	uint32_t x = 0;

	for (int i = 0; i < 8; i++) {
		int c = (unsigned char)s[i], d;

		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (c >= 'a' && c <= 'f')
			d = c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			d = c - 'A' + 10;
		else
			return 0;
		x = x << 4 | (uint32_t)d;
	}
	if (isxdigit((unsigned char)s[8]))
		return 0;
	*v = x;
	return 1;
}

void android_parse_iphonesubinfo(const char *text, size_t len, struct facts *f)
{
	char *buf = take_text(text, len, f, "identity.imei", "service call iphonesubinfo");
	uint32_t w[PARCEL_WORDS_MAX];
	size_t nw = 0, pos = 0;
	char digits[16];
	char *line, *p;
	uint32_t slen;

	if (!buf)
		return;
	p = strstr(buf, "Result: Parcel(");
	if (!p) {
		facts_error(f, "identity.imei", "%s",
			    strstr(buf, "Exception") ? "the phone refused (exception)"
						     : "no Parcel in the service call reply");
		goto out;
	}
	/* Hex words before the quoted column, on every line from "Parcel(" on. */
	pos = (size_t)(p - buf) + 15;
	while (nw < PARCEL_WORDS_MAX && (line = next_line(buf, len, &pos))) {
		char *q = line, *quote = strchr(line, '\''), *colon;

		if (quote)
			*quote = '\0';
		colon = strstr(line, ": ");
		if (colon && strncmp(trim(line), "0x", 2) == 0)
			q = colon + 2;
		while (*q && nw < PARCEL_WORDS_MAX) {
			while (is_blank(*q))
				q++;
			if (!*q || !hex_word(q, &w[nw]))
				break;
			nw++;
			q += 8;
		}
		if (quote && strchr(quote + 1, ')'))
			break;
	}
	if (nw < 2) {
		facts_error(f, "identity.imei", "the Parcel holds no string");
		goto out;
	}
	if (w[0] != 0) {
		facts_error(f, "identity.imei", "the phone refused (exception code %" PRId32 ")",
			    (int32_t)w[0]);
		goto out;
	}
	slen = w[1];
	if (slen == 0xFFFFFFFFu) {
		facts_error(f, "identity.imei",
			    "no IMEI returned (null): refused to the shell, or no modem");
		goto out;
	}
	if (slen != 15 || (nw - 2) * 2 < slen) {
		facts_error(f, "identity.imei", "the reply is %" PRIu32 " characters, not an IMEI",
			    slen);
		goto out;
	}
	for (uint32_t i = 0; i < slen; i++) {
		uint32_t word = w[2 + i / 2];
		uint32_t u = i % 2 ? word >> 16 : word & 0xFFFF;

		digits[i] = u >= '0' && u <= '9' ? (char)u : '?';
	}
	digits[slen] = '\0';
	if (!imei_valid(digits)) {
		facts_error(f, "identity.imei",
			    "the reply is not a valid IMEI (digits or check digit)");
		goto out;
	}
	if (!has_imei(f, digits))
		facts_append_string(f, "identity.imei", digits);
out:
	free(buf);
}

/* ---- pm list features ---- */

/* The features read into facts, each a whole name. */
static const struct {
	const char *feature, *fact;
} feature_facts[] = {
	{ "android.hardware.telephony", "device.cellular" },
	{ "android.hardware.nfc", "device.nfc" },
	{ "android.hardware.location.gps", "device.gps" },
};

#define N_FEATURE_FACTS (sizeof(feature_facts) / sizeof(feature_facts[0]))

void android_parse_features(const char *text, size_t len, struct facts *f)
{
	char *buf = take_text(text, len, f, "device", "pm list features");
	int seen[N_FEATURE_FACTS] = { 0 };
	size_t pos = 0, hardware = 0, lines = 0;
	char *line;

	if (!buf)
		return;
	while ((line = next_line(buf, len, &pos))) {
		char *s = trim(line), *name;

		if (strncmp(s, "feature:", 8) != 0)
			continue;
		lines++;
		name = s + 8;
		/* "name=version" from Android 7 on: the version is not needed here. */
		name[strcspn(name, "=")] = '\0';
		name = trim(name);
		if (strncmp(name, "android.hardware.", 17) == 0)
			hardware++;
		for (size_t i = 0; i < N_FEATURE_FACTS; i++)
			if (strcmp(name, feature_facts[i].feature) == 0)
				seen[i] = 1;
	}
	if (hardware == 0) {
		facts_error(f, "device",
			    lines == 0 ? "pm list features printed nothing (no pm on this system, "
					 "or its package manager is not running): cellular, NFC "
					 "and GPS not read"
				       : "pm list features lists no android.hardware feature: "
					 "cellular, NFC and GPS not read");
		goto out;
	}
	for (size_t i = 0; i < N_FEATURE_FACTS; i++)
		facts_set_bool(f, feature_facts[i].fact, seen[i]);
out:
	free(buf);
}

/* Whether the comma-separated LIST holds ITEM (blanks around items ignored, any case). */
static int list_has(const char *list, const char *item)
{
	size_t want = strlen(item);

	while (*list) {
		size_t n = strcspn(list, ",");
		const char *s = list, *e = list + n;

		while (s < e && is_blank(*s))
			s++;
		while (e > s && is_blank(e[-1]))
			e--;
		if ((size_t)(e - s) == want && strncasecmp(s, item, want) == 0)
			return 1;
		list += n;
		if (*list == ',')
			list++;
	}
	return 0;
}

void android_facts_device_class(const struct aprops *p, struct facts *f)
{
	const char *ch = p ? prop(p, "ro.build.characteristics") : NULL;
	json_t *cellular = json_object_get(json_object_get(facts_json(f), "device"), "cellular");

	if (ch && list_has(ch, "tablet")) {
		facts_set_string(f, "device.class", "tablet");
		return;
	}
	if (json_is_true(cellular)) {
		facts_set_string(f, "device.class", "phone");
		return;
	}
	if (!p)
		facts_error(f, "device.class", "getprop not read: phone or tablet unknown");
	else if (json_is_false(cellular))
		facts_error(f, "device.class",
			    "ro.build.characteristics is %s%s%s (no \"tablet\") and there is no "
			    "mobile radio: phone or tablet cannot be told, check the device",
			    ch ? "\"" : "", ch ? ch : "not set", ch ? "\"" : "");
	else
		facts_error(f, "device.class",
			    "ro.build.characteristics does not say \"tablet\" and the features "
			    "were not read: phone or tablet unknown");
}

/* ---- adb devices ---- */

static const char *const devl_keys[] = { "usb:",	  "product:",  "model:", "device:",
					 "transport_id:", "features:", NULL };

/* Whether the word at S is a known "key:" of devices -l. */
static int is_devl_key(const char *s)
{
	for (const char *const *k = devl_keys; *k; k++)
		if (strncmp(s, *k, strlen(*k)) == 0)
			return 1;
	return 0;
}

enum android_parse_err android_parse_devices_l(const char *text, size_t len,
					       struct adb_device_entry *out, size_t max, size_t *n)
{
	enum android_parse_err err = ANDROID_PARSE_OK;
	size_t pos = 0;
	char *buf, *line;

	*n = 0;
	if (!text)
		len = 0;
	if (len > ANDROID_TEXT_MAX)
		return ANDROID_PARSE_ETOOBIG;
	buf = copy_text(text ? text : "", len);
	if (!buf)
		return ANDROID_PARSE_ENOMEM;
	while ((line = next_line(buf, len, &pos))) {
		struct adb_device_entry e;
		char *s = trim(line), *state, *q, *state_end;

		if (!*s || strncmp(s, "List of devices", 15) == 0 || s[0] == '*')
			continue; /* the CLI's header and daemon notes */
		memset(&e, 0, sizeof(e));
		q = s;
		while (*q && !is_blank(*q))
			q++;
		copy_cut(e.serial, sizeof(e.serial), s, (size_t)(q - s));
		while (is_blank(*q))
			q++;
		if (!*q)
			continue; /* no state */
		state = q;
		/* The state runs to the first " key:" word. */
		state_end = NULL;
		for (char *r = q; *r; r++)
			if (is_blank(*r) && is_devl_key(r + 1)) {
				state_end = r;
				break;
			}
		if (!state_end)
			state_end = state + strlen(state);
		{
			size_t sl = (size_t)(state_end - state);

			while (sl && is_blank(state[sl - 1]))
				sl--;
			copy_cut(e.state, sizeof(e.state), state, sl);
		}
		q = state_end;
		while (*q) {
			char *word, *colon;
			size_t wl;

			while (is_blank(*q))
				q++;
			word = q;
			while (*q && !is_blank(*q))
				q++;
			wl = (size_t)(q - word);
			colon = memchr(word, ':', wl);
			if (!colon)
				continue;
#define FIELD(name, dst)                                                                           \
	if ((size_t)(colon - word) == strlen(name) && strncmp(word, name, strlen(name)) == 0)      \
		copy_cut(dst, sizeof(dst), colon + 1, wl - (size_t)(colon + 1 - word));
			FIELD("usb", e.usb)
			FIELD("product", e.product)
			FIELD("model", e.model)
			FIELD("device", e.device)
#undef FIELD
			if ((size_t)(colon - word) == 12 &&
			    strncmp(word, "transport_id", 12) == 0) {
				char num[24];
				int64_t id = 0;

				copy_cut(num, sizeof(num), colon + 1, wl - 13);
				if (parse_int(num, 0, INT64_MAX, &id)) {
					e.transport_id = (uint64_t)id;
					e.has_transport_id = 1;
				}
			}
		}
		if (*n == max) {
			err = ANDROID_PARSE_ETOOMANY;
			break;
		}
		out[(*n)++] = e;
	}
	free(buf);
	return err;
}

/* STATE's first word is WORD ("no permissions (...)" -> "no"), compared exactly. */
static int state_is(const char *state, const char *word)
{
	size_t l = strlen(word);

	return state && strncmp(state, word, l) == 0 && (state[l] == '\0' || state[l] == ' ');
}

const char *android_trust_of_state(const char *state)
{
	if (state_is(state, "device"))
		return "trusted";
	if (state_is(state, "unauthorized"))
		return "unauthorized";
	if (state_is(state, "authorizing") || state_is(state, "connecting"))
		return "pending";
	if (state_is(state, "offline"))
		return "offline";
	if (state && strncmp(state, "no permissions", 14) == 0)
		return "no_permissions";
	return NULL;
}

const char *android_mode_of_state(const char *state)
{
	if (state_is(state, "device"))
		return "adb";
	if (state_is(state, "recovery"))
		return "recovery";
	if (state_is(state, "sideload"))
		return "sideload";
	if (state_is(state, "rescue"))
		return "rescue";
	if (state_is(state, "bootloader"))
		return "fastboot";
	return NULL;
}

const char *android_state_instruction(const char *state)
{
	if (state_is(state, "device"))
		return "Connected: nothing to do.";
	if (state_is(state, "unauthorized"))
		return "Unlock the phone and allow USB debugging for this computer (tick \"Always "
		       "allow from this computer\").";
	if (state_is(state, "authorizing"))
		return "Unlock the phone and answer the \"Allow USB debugging?\" question.";
	if (state_is(state, "connecting"))
		return "The phone is connecting: wait a few seconds.";
	if (state_is(state, "offline"))
		return "The phone stopped answering: unplug it, plug it back in and unlock it; if "
		       "it "
		       "stays offline, turn USB debugging off and on again.";
	if (state_is(state, "recovery"))
		return "The phone is in recovery mode: choose \"Reboot system now\" on it unless "
		       "the "
		       "checklist says otherwise.";
	if (state_is(state, "sideload"))
		return "The phone is waiting for an update from the computer (sideload): cancel it "
		       "on "
		       "the phone and reboot.";
	if (state_is(state, "rescue"))
		return "The phone is in rescue mode: reboot it to Android.";
	if (state_is(state, "bootloader"))
		return "The phone is in bootloader (fastboot) mode: it is read over USB, not adb.";
	if (state && strncmp(state, "no permissions", 14) == 0)
		return "This computer may not open the phone: the udev rules are missing or the "
		       "user "
		       "is not in the plugdev group. Ask the instructor.";
	if (state_is(state, "host"))
		return "This entry is the adb server itself, not a phone.";
	return "Unknown adb state: unplug and replug the phone; if it stays, ask the instructor.";
}
