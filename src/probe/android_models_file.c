/*
 * android_models — the workshop's copy of Google's supported devices list: reading
 * Google's supported_devices.csv into a TSV, and lookups in that TSV (see
 * android_models.h for the rules both follow).
 *
 * The conversion runs in three steps over one file held whole in memory (at most
 * ANDROID_MODELS_FILE_MAX bytes): the text to UTF-8 with iconv; the CSV records parsed in
 * place (unquoting only ever shortens a field); the rows grouped by make and code, after
 * a sort, and written out. scripts/android-models-update applies the same rules to the
 * npm copy of the list that the built-in table comes from; keep the two alike.
 */
#include "probe/android_models.h"

#include <errno.h>
#include <iconv.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "probe/android_models_table.h"
#include "util/file.h"

/* Google's header line, the first record of the file. */
static const char *const header[4] = { "Retail Branding", "Marketing Name", "Device", "Model" };

/* One row of Google's list, its fields cleaned, pointing into the converted text. */
struct gd_row {
	const char *make, *name, *device, *code;
	size_t seq;	    /* order in the file: the first spelling of a name wins */
	const char *chosen; /* on the first row of a make and code: its name, or NULL */
};

struct conv {
	const char *name; /* the file, for messages */
	char *why;
	size_t why_size;
	char *text; /* the CSV as UTF-8, NUL-terminated, parsed in place */
	size_t text_len;
	struct gd_row *rows;
	size_t n_rows, cap_rows;
	size_t incomplete, ambiguous, written;
	char *out; /* the TSV being written */
	size_t out_len, out_cap;
};

const char *android_models_strerror(enum android_models_err err)
{
	switch (err) {
	case ANDROID_MODELS_OK:
		return "ok";
	case ANDROID_MODELS_EIO:
		return "cannot read or write the file";
	case ANDROID_MODELS_EFORMAT:
		return "not Google's supported devices list";
	case ANDROID_MODELS_ETOOBIG:
		return "file too large";
	case ANDROID_MODELS_ENOMEM:
		return "out of memory";
	}
	return "unknown error";
}

__attribute__((format(printf, 3, 4))) static void say(char *why, size_t size, const char *fmt, ...)
{
	va_list ap;

	if (!why || size == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(why, size, fmt, ap);
	va_end(ap);
}

static size_t lines_in(const char *p, size_t n)
{
	size_t lines = 0;

	for (size_t i = 0; i < n; i++)
		lines += p[i] == '\n';
	return lines;
}

/*
 * One iconv pass of IN (LEN bytes) from FROM to TO into *OUT, a new buffer of CAP bytes
 * plus a NUL (*OUT_LEN bytes used). On a bad or cut character, WHY names its line.
 */
static enum android_models_err recode(struct conv *c, const char *from, const char *to,
				      const char *in, size_t len, size_t cap, char **out,
				      size_t *out_len)
{
	enum android_models_err err = ANDROID_MODELS_OK;
	iconv_t cd = iconv_open(to, from);
	char *buf = NULL, *ip = (char *)in, *op;
	size_t il = len, ol = cap;

	if (cd == (iconv_t)-1) {
		say(c->why, c->why_size, "%s: iconv_open %s to %s: %s", c->name, from, to,
		    strerror(errno));
		return ANDROID_MODELS_EIO;
	}
	buf = malloc(cap + 1);
	if (!buf) {
		err = ANDROID_MODELS_ENOMEM;
		goto out;
	}
	op = buf;
	if (iconv(cd, &ip, &il, &op, &ol) == (size_t)-1) {
		int e = errno;
		/* Count lines in whichever side is UTF-8: the output of a UTF-16 file, the
		 * input of a UTF-8 one. */
		size_t line = 1 + (strcmp(to, "UTF-8") == 0 ? lines_in(buf, (size_t)(op - buf))
							    : lines_in(in, (size_t)(ip - in)));

		if (e == EILSEQ || e == EINVAL) {
			say(c->why, c->why_size, "%s:%zu: %s %s text", c->name, line,
			    e == EINVAL ? "the file ends inside a character of its" : "not valid",
			    from);
			err = ANDROID_MODELS_EFORMAT;
		} else {
			/* E2BIG cannot happen: CAP is the most the text can grow to. */
			say(c->why, c->why_size, "%s:%zu: iconv %s to %s: %s", c->name, line, from,
			    to, strerror(e));
			err = ANDROID_MODELS_EIO;
		}
		goto out;
	}
	*out_len = (size_t)(op - buf);
	buf[*out_len] = '\0';
	*out = buf;
	buf = NULL;
out:
	free(buf);
	iconv_close(cd);
	return err;
}

/* DATA as UTF-8 text in c->text: UTF-16 by its byte order mark, else UTF-8 (checked by
 * a round through UTF-16, since glibc passes UTF-8 to UTF-8 through unchecked). */
static enum android_models_err to_utf8(struct conv *c, const char *data, size_t len)
{
	const unsigned char *u = (const unsigned char *)data;
	enum android_models_err err;
	char *utf16 = NULL;
	size_t utf16_len = 0;
	const char *from = "UTF-16LE";

	if (len >= 2 && u[0] == 0xFF && u[1] == 0xFE) {
		data += 2, len -= 2;
	} else if (len >= 2 && u[0] == 0xFE && u[1] == 0xFF) {
		data += 2, len -= 2;
		from = "UTF-16BE";
	} else {
		if (len >= 3 && u[0] == 0xEF && u[1] == 0xBB && u[2] == 0xBF)
			data += 3, len -= 3;
		/* At most two UTF-16 bytes per UTF-8 byte. */
		err = recode(c, "UTF-8", "UTF-16LE", data, len, 2 * len, &utf16, &utf16_len);
		if (err)
			return err;
		data = utf16;
		len = utf16_len;
	}
	/* A UTF-16 unit (2 bytes) becomes at most 3 UTF-8 bytes; a pair (4) becomes 4. */
	err = recode(c, from, "UTF-8", data, len, len / 2 * 3 + 3, &c->text, &c->text_len);
	free(utf16);
	return err;
}

/* Drop Google's text escapes ("\'" stands for "'", "\t" for nothing: both in its files
 * since at least 2015) and the spaces at both ends. In place; returns the field. */
static char *clean(char *s)
{
	char *w = s, *end;

	for (const char *r = s; *r; r++) {
		if (r[0] == '\\' && r[1] == 't') {
			r++;
			continue;
		}
		if (r[0] == '\\' && r[1] == '\'')
			r++;
		*w++ = *r;
	}
	*w = '\0';
	while (*s == ' ')
		s++;
	end = s + strlen(s);
	while (end > s && end[-1] == ' ')
		*--end = '\0';
	return s;
}

static int has_control(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7F)
			return 1;
	return 0;
}

static enum android_models_err add_row(struct conv *c, char *f[4], size_t line)
{
	struct gd_row r = { .make = clean(f[0]),
			    .name = clean(f[1]),
			    .device = clean(f[2]),
			    .code = clean(f[3]),
			    .seq = line };
	size_t code_len = strlen(r.code);

	/* Nothing to name, or a code no lookup can reach, or a row that would not fit on
	 * a line of the TSV or would read as a comment there. */
	if (!*r.make || !*r.name || !*r.code || *r.make == '#' || has_control(r.make) ||
	    has_control(r.name) || has_control(r.code) || code_len > ANDROID_MODEL_CODE_MAX ||
	    (code_len > 3 && android_models_fold_cmp(r.code + code_len - 3, "/ds") == 0) ||
	    strlen(r.make) + code_len + strlen(r.name) + 3 > ANDROID_MODELS_LINE_MAX) {
		c->incomplete++;
		return ANDROID_MODELS_OK;
	}
	if (c->n_rows == c->cap_rows) {
		size_t cap = c->cap_rows ? 2 * c->cap_rows : 1024;
		struct gd_row *p = realloc(c->rows, cap * sizeof(*p));

		if (!p)
			return ANDROID_MODELS_ENOMEM;
		c->rows = p;
		c->cap_rows = cap;
	}
	c->rows[c->n_rows++] = r;
	return ANDROID_MODELS_OK;
}

static enum android_models_err record(struct conv *c, char *f[4], size_t nf, size_t line, int first)
{
	if (nf != 4) {
		say(c->why, c->why_size, "%s:%zu: %zu field%s, Google's list has 4 (%s,%s,%s,%s)",
		    c->name, line, nf, nf == 1 ? "" : "s", header[0], header[1], header[2],
		    header[3]);
		return ANDROID_MODELS_EFORMAT;
	}
	if (first) {
		for (int i = 0; i < 4; i++) {
			if (strcmp(f[i], header[i]) != 0) {
				say(c->why, c->why_size,
				    "%s:%zu: the first line is not Google's header \"%s,%s,%s,%s\"",
				    c->name, line, header[0], header[1], header[2], header[3]);
				return ANDROID_MODELS_EFORMAT;
			}
		}
		return ANDROID_MODELS_OK;
	}
	return add_row(c, f, line);
}

/* Is R at the end of a line: "\n" or "\r\n"? Its length, else 0. */
static size_t eol(const char *r, const char *end)
{
	if (r < end && *r == '\n')
		return 1;
	if (end - r >= 2 && r[0] == '\r' && r[1] == '\n')
		return 2;
	return 0;
}

/* The records of c->text (RFC 4180, as Google writes it): fields unquoted in place. */
static enum android_models_err parse(struct conv *c)
{
	char *r = c->text, *end = c->text + c->text_len;
	size_t line = 1;
	int first = 1;

	if (memchr(c->text, '\0', c->text_len)) {
		size_t at = (size_t)((char *)memchr(c->text, '\0', c->text_len) - c->text);

		say(c->why, c->why_size,
		    "%s:%zu: NUL character (UTF-16 without its byte order mark?)", c->name,
		    1 + lines_in(c->text, at));
		return ANDROID_MODELS_EFORMAT;
	}
	while (r < end) {
		char *f[4] = { 0 };
		size_t nf = 0, start_line = line, n;
		enum android_models_err err;

		if ((n = eol(r, end)) != 0) { /* an empty line */
			r += n;
			line++;
			continue;
		}
		for (;;) {
			char *w = r;

			if (nf < 4)
				f[nf] = w;
			nf++;
			if (*r == '"') {
				size_t quote_line = line;

				for (r++;; r++) {
					if (r == end) {
						say(c->why, c->why_size,
						    "%s:%zu: quoted field %zu is not closed",
						    c->name, quote_line, nf);
						return ANDROID_MODELS_EFORMAT;
					}
					if (*r == '"') {
						if (r + 1 < end && r[1] == '"')
							r++;
						else
							break;
					}
					line += *r == '\n';
					*w++ = *r;
				}
				r++; /* the closing quote */
				if (r < end && *r != ',' && !eol(r, end)) {
					say(c->why, c->why_size,
					    "%s:%zu: text after the closing quote of field %zu",
					    c->name, line, nf);
					return ANDROID_MODELS_EFORMAT;
				}
			} else {
				/* A quote inside an unquoted field is kept as it is. */
				while (r < end && *r != ',' && !eol(r, end))
					*w++ = *r++;
			}
			if (r < end && *r == ',') {
				*w = '\0';
				r++;
				continue;
			}
			n = eol(r, end);
			*w = '\0'; /* at the end of the text, the NUL after it */
			r += n;
			line += n != 0;
			break;
		}
		err = record(c, f, nf, start_line, first);
		if (err)
			return err;
		first = 0;
	}
	if (first) {
		say(c->why, c->why_size, "%s:1: empty file, no header \"%s,%s,%s,%s\"", c->name,
		    header[0], header[1], header[2], header[3]);
		return ANDROID_MODELS_EFORMAT;
	}
	return ANDROID_MODELS_OK;
}

/* Names compared ignoring ASCII letter case and taking a run of spaces as one. */
static int name_cmp(const char *a, const char *b)
{
	for (;;) {
		unsigned char x = (unsigned char)*a, y = (unsigned char)*b;

		if (x == ' ' && y == ' ') {
			while (*a == ' ')
				a++;
			while (*b == ' ')
				b++;
			continue;
		}
		x = x >= 'A' && x <= 'Z' ? (unsigned char)(x - 'A' + 'a') : x;
		y = y >= 'A' && y <= 'Z' ? (unsigned char)(y - 'A' + 'a') : y;
		if (x != y || x == '\0')
			return (int)x - (int)y;
		a++;
		b++;
	}
}

static int row_cmp(const void *pa, const void *pb)
{
	const struct gd_row *a = pa, *b = pb;
	int d = android_models_fold_cmp(a->make, b->make);

	if (d == 0)
		d = android_models_fold_cmp(a->code, b->code);
	if (d == 0)
		d = a->seq < b->seq ? -1 : a->seq > b->seq;
	return d;
}

static int device_cmp(const void *pa, const void *pb)
{
	return name_cmp(*(const char *const *)pa, *(const char *const *)pb);
}

static enum android_models_err emit(struct conv *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static enum android_models_err emit(struct conv *c, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return ANDROID_MODELS_ENOMEM;
	if (c->out_len + (size_t)n > ANDROID_MODELS_FILE_MAX) {
		say(c->why, c->why_size, "%s: the TSV would be over %u bytes", c->name,
		    ANDROID_MODELS_FILE_MAX);
		return ANDROID_MODELS_ETOOBIG;
	}
	if (c->out_len + (size_t)n + 1 > c->out_cap) {
		size_t cap = c->out_cap ? c->out_cap : 65536;
		char *p;

		while (cap < c->out_len + (size_t)n + 1)
			cap *= 2;
		p = realloc(c->out, cap);
		if (!p)
			return ANDROID_MODELS_ENOMEM;
		c->out = p;
		c->out_cap = cap;
	}
	va_start(ap, fmt);
	vsnprintf(c->out + c->out_len, c->out_cap - c->out_len, fmt, ap);
	va_end(ap);
	c->out_len += (size_t)n;
	return ANDROID_MODELS_OK;
}

/*
 * The name of rows G[0..N) (one make, one code, in file order), or NULL when they have
 * more than one (see android_models.h). DEVICES is room for N pointers.
 */
static const char *group_name(const struct gd_row *g, size_t n, const char **devices)
{
	const char *name = NULL;
	size_t nd = 0, i;

	for (i = 1; i < n && name_cmp(g[i].name, g[0].name) == 0; i++)
		;
	if (i == n)
		return g[0].name;
	/* Several names: those that only repeat the code or a device code name go. */
	for (i = 0; i < n; i++)
		if (*g[i].device)
			devices[nd++] = g[i].device;
	qsort(devices, nd, sizeof(*devices), device_cmp);
	for (i = 0; i < n; i++) {
		if (name_cmp(g[i].name, g[0].code) == 0 ||
		    bsearch(&g[i].name, devices, nd, sizeof(*devices), device_cmp))
			continue;
		if (name && name_cmp(name, g[i].name) != 0)
			return NULL;
		if (!name)
			name = g[i].name;
	}
	return name;
}

static enum android_models_err write_tsv(struct conv *c)
{
	const char *base = strrchr(c->name, '/') ? strrchr(c->name, '/') + 1 : c->name;
	const char **devices = NULL;
	enum android_models_err err;
	size_t i, j;

	if (c->n_rows)
		qsort(c->rows, c->n_rows, sizeof(*c->rows), row_cmp);
	devices = malloc((c->n_rows ? c->n_rows : 1) * sizeof(*devices));
	if (!devices)
		return ANDROID_MODELS_ENOMEM;
	/* First the name of each group (on its first row), so that the counts can head the
	 * file. */
	for (i = 0; i < c->n_rows; i = j) {
		for (j = i + 1; j < c->n_rows &&
				android_models_fold_cmp(c->rows[j].make, c->rows[i].make) == 0 &&
				android_models_fold_cmp(c->rows[j].code, c->rows[i].code) == 0;
		     j++)
			c->rows[j].chosen = NULL;
		c->rows[i].chosen = group_name(c->rows + i, j - i, devices);
		if (c->rows[i].chosen)
			c->written++;
		else
			c->ambiguous++;
	}
	free(devices);
	err = emit(c,
		   "# source: Google Play supported devices list, %s, imported by atelier\n"
		   "# format: make<TAB>model code<TAB>marketing name, as data/android-models.tsv; "
		   "columns of Google's list: Retail Branding, Model, Marketing Name\n"
		   "# left out: rows without a make, name or reachable code: %zu; "
		   "codes with more than one name: %zu\n",
		   base, c->incomplete, c->ambiguous);
	for (i = 0; !err && i < c->n_rows; i++)
		if (c->rows[i].chosen)
			err = emit(c, "%s\t%s\t%s\n", c->rows[i].make, c->rows[i].code,
				   c->rows[i].chosen);
	return err;
}

enum android_models_err android_models_convert(const char *data, size_t len, const char *name,
					       char **tsv, size_t *tsv_len, size_t *rows, char *why,
					       size_t size)
{
	struct conv c = { .name = name, .why = why, .why_size = size };
	enum android_models_err err;

	*tsv = NULL;
	*tsv_len = 0;
	if (rows)
		*rows = 0;
	say(why, size, "%s", "");
	if (len > ANDROID_MODELS_FILE_MAX) {
		say(why, size, "%s: over %u bytes", name, ANDROID_MODELS_FILE_MAX);
		err = ANDROID_MODELS_ETOOBIG;
		goto out;
	}
	err = to_utf8(&c, data, len);
	if (err)
		goto out;
	err = parse(&c);
	if (err)
		goto out;
	err = write_tsv(&c);
	if (err)
		goto out;
	if (c.written == 0) {
		/* An empty table would silently unname every phone the old one named. */
		say(why, size, "%s: no row of the file names a phone", name);
		err = ANDROID_MODELS_EFORMAT;
		goto out;
	}
	*tsv = c.out;
	*tsv_len = c.out_len;
	c.out = NULL;
	if (rows)
		*rows = c.written;
out:
	free(c.out);
	free(c.rows);
	free(c.text);
	return err;
}

enum android_models_err android_models_import(const char *csv, const char *out_tsv, size_t *rows,
					      char *why, size_t size)
{
	enum android_models_err err;
	enum file_err ferr;
	char *data, *tsv = NULL;
	size_t len, tsv_len;

	if (rows)
		*rows = 0;
	data = file_read(csv, ANDROID_MODELS_FILE_MAX, &len, &ferr);
	if (!data) {
		if (ferr == FILE_ETOOBIG) {
			say(why, size, "%s: over %u bytes", csv, ANDROID_MODELS_FILE_MAX);
			return ANDROID_MODELS_ETOOBIG;
		}
		say(why, size, "%s: %s", csv, strerror(errno));
		return ANDROID_MODELS_EIO;
	}
	err = android_models_convert(data, len, csv, &tsv, &tsv_len, rows, why, size);
	if (err)
		goto out;
	if (file_write(out_tsv, tsv, tsv_len, 0644, 1) != FILE_OK) {
		say(why, size, "%s: %s", out_tsv, strerror(errno));
		err = ANDROID_MODELS_EIO;
		if (rows)
			*rows = 0;
	}
out:
	free(tsv);
	free(data);
	return err;
}

/* The fields of LINE (its newline gone) into F, cut in place; 0 unless exactly three
 * non-empty fields. */
static int split3(char *line, char *f[3])
{
	char *t1 = strchr(line, '\t'), *t2 = t1 ? strchr(t1 + 1, '\t') : NULL;

	if (!t1 || !t2 || strchr(t2 + 1, '\t') || t1 == line || t2 == t1 + 1 || !t2[1])
		return 0;
	*t1 = *t2 = '\0';
	f[0] = line;
	f[1] = t1 + 1;
	f[2] = t2 + 1;
	return 1;
}

int android_models_lookup_file(const char *tsv, const char *make, const char *model, char *out,
			       size_t size)
{
	char code[ANDROID_MODEL_CODE_MAX + 1], line[ANDROID_MODELS_LINE_MAX + 2];
	char found[ANDROID_MODELS_LINE_MAX + 1] = "";
	size_t total = 0;
	int have = 0, ok = 0;
	FILE *fp;

	if (size)
		out[0] = '\0';
	if (!android_models_code(model, code) || !(fp = fopen(tsv, "r")))
		return 0;
	while (fgets(line, sizeof(line), fp)) {
		size_t n = strlen(line);
		char *f[3];

		total += n;
		if (total > ANDROID_MODELS_FILE_MAX)
			break;
		if (n == 0 || line[n - 1] != '\n') {
			int ch;

			/* Too long (or the last line, unended): skip what is left of it. */
			while ((ch = fgetc(fp)) != EOF && ch != '\n')
				total++;
			continue;
		}
		line[n - 1] = '\0';
		if (line[0] == '#' || !split3(line, f) || android_models_fold_cmp(f[1], code) != 0)
			continue;
		if (make && *make) {
			if (android_models_fold_cmp(f[0], make) != 0)
				continue;
			snprintf(found, sizeof(found), "%s", f[2]);
			have = 1;
			break;
		}
		/* Any maker: only a name all the makers' rows agree on. */
		if (have && strcmp(found, f[2]) != 0) {
			have = 0;
			break;
		}
		snprintf(found, sizeof(found), "%s", f[2]);
		have = 1;
	}
	fclose(fp);
	if (have && strlen(found) < size) {
		memcpy(out, found, strlen(found) + 1);
		ok = 1;
	}
	return ok;
}
