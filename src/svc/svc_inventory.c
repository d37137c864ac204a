/*
 * The inventory (svc.h: svc_inventory_*, svc_stock_number): one row per device, what the
 * resale office lists and sells, written as the store reads it (store_inventory_each())
 * in CSV, JSON lines, one JSON array, an HTML table, or a PDF drawn by atelier-pdf.
 * Nothing is gathered: memory stays the same for ten devices or a hundred thousand.
 *
 * What a row derives from the jobs follows the certificate's rules (cert/certify.c): the
 * grade is the worst of the grade steps of the newest approved grading job, read in the
 * checklist that job was started with (certify_grade_of()); the parts are those of
 * approved repairs (certify_is_repair()); a fact the device did not give is filled by
 * what a trainee recorded by hand, and what the device says wins. The checklists are
 * loaded once, before the first row, and turned into the maps the store's statement
 * follows, so that no row costs a query of its own.
 */
#include "svc/svc_int.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cert/certify.h"
#include "probe/facts.h"
#include "util/clock.h"
#include "util/csv.h"

#define INV_CHECKLISTS_MAX 1024 /* pinned checklists a store may hold */
#define INV_MAP_MAX (1u << 20)	/* bytes of the maps given to the statement */
#define INV_TEMPLATE_BYTES_MAX (16u << 10)
#define INV_PARTS_MAX 512 /* bytes of the parts' cell */

/* The columns of a row, in the order of the CSV's header. */
enum inv_col {
	C_STOCK,
	C_PLATFORM,
	C_IMEI1,
	C_IMEI2,
	C_SERIAL,
	C_MAKE,
	C_NAME,
	C_MODEL,
	C_STORAGE,
	C_COLOUR,
	C_GRADE,
	C_CTIA,
	C_HEALTH,
	C_CYCLES,
	C_PARTS,
	C_FIND_MY,
	C_GOOGLE,
	C_FRP,
	C_BOOTLOADER,
	C_STATE,
	C_SHELF,
	C_INTAKE,
	C_BATCH,
	C_DONOR,
	C_CERT,
	C_PRICE,
	C_CURRENCY,
	C_CHANNEL,
	C_SALE_DATE,
	C_BUYER,
	C_COLS,
};

/* Each column's key (the CSV header, the JSON key, what a template names) and whether it
 * holds a number. */
static const struct {
	const char *key;
	int number;
} cols[C_COLS] = {
	[C_STOCK] = { "stock_number", 0 },
	[C_PLATFORM] = { "platform", 0 },
	[C_IMEI1] = { "imei1", 0 },
	[C_IMEI2] = { "imei2", 0 },
	[C_SERIAL] = { "serial", 0 },
	[C_MAKE] = { "make", 0 },
	[C_NAME] = { "marketing_name", 0 },
	[C_MODEL] = { "model_number", 0 },
	[C_STORAGE] = { "storage_gb", 1 },
	[C_COLOUR] = { "colour", 0 },
	[C_GRADE] = { "grade", 0 },
	[C_CTIA] = { "grade_ctia", 0 },
	[C_HEALTH] = { "battery_health_pct", 1 },
	[C_CYCLES] = { "battery_cycles", 1 },
	[C_PARTS] = { "parts", 0 },
	[C_FIND_MY] = { "find_my", 0 },
	[C_GOOGLE] = { "google_accounts", 1 },
	[C_FRP] = { "frp", 0 },
	[C_BOOTLOADER] = { "bootloader", 0 },
	[C_STATE] = { "state", 0 },
	[C_SHELF] = { "shelf", 0 },
	[C_INTAKE] = { "intake_date", 0 },
	[C_BATCH] = { "batch", 0 },
	[C_DONOR] = { "donor", 0 },
	[C_CERT] = { "certificate", 0 },
	[C_PRICE] = { "price", 1 },
	[C_CURRENCY] = { "currency", 0 },
	[C_CHANNEL] = { "sale_channel", 0 },
	[C_SALE_DATE] = { "sale_date", 0 },
	[C_BUYER] = { "buyer_ref", 0 },
};

/* The facts a trainee may record by hand that the inventory shows when the device did
 * not give them. */
static const char *const entry_facts[] = { "identity.imei", "identity.serial",
					   "identity.color_name", "identity.model_number",
					   "battery.health_pct", "battery.cycle_count" };

/* One column of a template: the header it writes and the column it takes (or, when COL
 * is C_COLS, the constant text). */
struct tpl_col {
	char head[96];
	enum inv_col col;
	char constant[128];
};

struct tpl {
	struct tpl_col c[SVC_TEMPLATE_COLS_MAX];
	size_t n;
};

/* A pinned checklist by its hash. */
struct pinned_ref {
	char hash[72];
	const struct checklist *c;
};

/* One row as text: CELL[i] NULL when empty. */
struct inv_row {
	const char *cell[C_COLS];
	char stock[16], imei[2][32], storage[16], health[16], cycles[16], google[16];
	char intake[16], price[32], sold[16], parts[INV_PARTS_MAX];
	char colour[128], serial[128], model[128];
};

/* The writing under way. */
struct inv_run {
	struct bench *b;
	const struct svc_inventory_req *req;
	enum svc_inventory_format format;
	FILE *out;
	const struct tpl *tpl;
	struct pinned_ref *pins;
	size_t n_pins;
	long long rows, shown, max_rows;
	int write_failed;
	svc_row_fn each; /* the device list: each row as its JSON view, not written */
	void *each_arg;
};

/* ---- the stock number ---- */

/* ---- the formats and the columns ---- */

static const char *const format_words[] = {
	[SVC_INV_CSV] = "csv", [SVC_INV_JSONL] = "jsonl", [SVC_INV_JSON] = "json",
	[SVC_INV_HTML] = "html", [SVC_INV_PDF] = "pdf",
};

int svc_inventory_format_parse(const char *word, enum svc_inventory_format *out)
{
	for (size_t i = 0; i < sizeof(format_words) / sizeof(format_words[0]); i++)
		if (word && strcmp(word, format_words[i]) == 0) {
			*out = (enum svc_inventory_format)i;
			return 1;
		}
	return 0;
}

const char *svc_inventory_type(enum svc_inventory_format f)
{
	switch (f) {
	case SVC_INV_CSV:
		return "text/csv; charset=utf-8";
	case SVC_INV_JSONL:
		return "application/x-ndjson";
	case SVC_INV_JSON:
		return "application/json";
	case SVC_INV_HTML:
		return "text/html; charset=utf-8";
	case SVC_INV_PDF:
		return "application/pdf";
	}
	return "application/octet-stream";
}

const char *svc_inventory_column(size_t i)
{
	return i < C_COLS ? cols[i].key : NULL;
}

static int column_of(const char *key, enum inv_col *out)
{
	for (size_t i = 0; i < C_COLS; i++)
		if (strcmp(cols[i].key, key) == 0) {
			*out = (enum inv_col)i;
			return 1;
		}
	return 0;
}

/* ---- templates ---- */

/* Where template NAME may be: the workshop's (DATA/templates), then the shipped ones
 * (data/templates of the source tree the program runs from, else where make install put
 * them). Into PATHS; how many. */
static size_t template_paths(const struct bench *b, const char *name, char paths[][PATH_MAX])
{
	char root[CHECKLIST_PATH_MAX];
	size_t n = 0;

	if (snprintf(paths[n], PATH_MAX, "%s/templates/%s.tsv", b->dir, name) < PATH_MAX)
		n++;
	if (checklist_source_root(root, sizeof(root)) &&
	    snprintf(paths[n], PATH_MAX, "%s/data/templates/%s.tsv", root, name) < PATH_MAX)
		n++;
	if (snprintf(paths[n], PATH_MAX, "%s/templates/%s.tsv", ATELIER_DATADIR, name) < PATH_MAX)
		n++;
	return n;
}

/* Template NAME into T; SVC_ENOENT or SVC_EINVAL with the file, line and what is wrong. */
static enum svc_err template_load(struct bench *b, const char *name, struct tpl *t)
{
	char paths[3][PATH_MAX], line[512];
	size_t n = template_paths(b, name, paths), lineno = 0, bytes = 0;
	FILE *f = NULL;
	const char *path = NULL;

	memset(t, 0, sizeof(*t));
	for (const char *p = name; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '-' && *p != '_')
			return svc_fail(b, SVC_EINVAL,
					"a template's name is letters, digits, '-' and '_', not '%s'",
					name);
	for (size_t i = 0; i < n && !f; i++) {
		f = fopen(paths[i], "re");
		path = paths[i];
	}
	if (!f)
		return svc_fail(b, SVC_ENOENT,
				"no template '%s': write it as %s (docs/resale.md says how)", name,
				paths[0]);
	while (fgets(line, sizeof(line), f)) {
		char *tab, *src;
		size_t len = strlen(line);

		lineno++;
		bytes += len;
		if (bytes > INV_TEMPLATE_BYTES_MAX || (len == sizeof(line) - 1 && line[len - 1] != '\n')) {
			fclose(f);
			return svc_fail(b, SVC_EINVAL, "%s:%zu: the template is too long (lines of %zu "
						       "bytes, %u in all)",
					path, lineno, sizeof(line) - 2, INV_TEMPLATE_BYTES_MAX);
		}
		line[strcspn(line, "\r\n")] = '\0';
		if (!line[0] || line[0] == '#')
			continue;
		tab = strchr(line, '\t');
		if (!tab || tab == line) {
			fclose(f);
			return svc_fail(b, SVC_EINVAL,
					"%s:%zu: a line is a header, a tab, then a column or =TEXT",
					path, lineno);
		}
		*tab = '\0';
		src = tab + 1;
		if (t->n == SVC_TEMPLATE_COLS_MAX) {
			fclose(f);
			return svc_fail(b, SVC_EINVAL, "%s:%zu: more than %d columns", path, lineno,
					SVC_TEMPLATE_COLS_MAX);
		}
		snprintf(t->c[t->n].head, sizeof(t->c[t->n].head), "%s", line);
		if (src[0] == '=') {
			t->c[t->n].col = C_COLS;
			snprintf(t->c[t->n].constant, sizeof(t->c[t->n].constant), "%s", src + 1);
		} else if (!column_of(src, &t->c[t->n].col)) {
			fclose(f);
			return svc_fail(b, SVC_EINVAL,
					"%s:%zu: '%s' is not a column of the inventory (docs/resale.md "
					"lists them), nor =TEXT",
					path, lineno, src);
		}
		t->n++;
	}
	fclose(f);
	if (!t->n)
		return svc_fail(b, SVC_EINVAL, "%s: the template has no column", path);
	return SVC_OK;
}

/* ---- the maps the statement follows ---- */

/* A JSON text of the pinned checklists' steps: the grade steps, the parts steps of
 * repairs and the steps that record a fact the inventory shows. */
static enum svc_err make_maps(struct inv_run *r, char **grade_steps, char **parts, char **entries)
{
	struct bench *b = r->b;
	json_t *g = json_array(), *p = json_array(), *e = json_array();
	char **hashes = NULL;
	size_t n = 0;
	enum store_err err = store_snapshot_hashes(b->st, &hashes, &n);
	enum svc_err rc = SVC_OK;

	*grade_steps = *parts = *entries = NULL;
	if (err) {
		rc = svc_store_fail(b, err, "read the checklists of the jobs");
		goto out;
	}
	if (n > INV_CHECKLISTS_MAX) {
		rc = svc_fail(b, SVC_EIO, "the records hold %zu versions of checklists, more than "
					  "the %d the inventory reads",
			      n, INV_CHECKLISTS_MAX);
		goto out;
	}
	r->pins = calloc(n ? n : 1, sizeof(*r->pins));
	if (!r->pins) {
		rc = svc_fail(b, SVC_EIO, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < b->policy.n_grade_steps; i++)
		json_array_append_new(g, json_string(b->policy.grade_steps[i]));
	for (size_t i = 0; i < n; i++) {
		struct store_job job = { 0 };
		const struct checklist *c;

		snprintf(job.checklist_hash, sizeof(job.checklist_hash), "%s", hashes[i]);
		snprintf(job.checklist_id, sizeof(job.checklist_id), "%.64s", hashes[i]);
		if (svc_pinned(b, &job, &c) != SVC_OK)
			continue; /* db check says which; its jobs show no grade or parts */
		snprintf(r->pins[r->n_pins].hash, sizeof(r->pins[r->n_pins].hash), "%s", hashes[i]);
		r->pins[r->n_pins++].c = c;
		for (size_t k = 0; k < c->n_steps; k++) {
			const struct checklist_step *s = &c->steps[k];

			if (s->kind == CHECKLIST_KIND_PARTS && certify_is_repair(c))
				json_array_append_new(p, json_pack("{s:s, s:s}", "h", hashes[i], "s",
								   s->id));
			for (size_t f = 0; s->records && f < sizeof(entry_facts) / sizeof(*entry_facts);
			     f++)
				if (strcmp(s->records, entry_facts[f]) == 0)
					json_array_append_new(e, json_pack("{s:s, s:s, s:s}", "h",
									   hashes[i], "s", s->id,
									   "f", s->records));
		}
	}
	*grade_steps = json_dumps(g, JSON_COMPACT);
	*parts = json_dumps(p, JSON_COMPACT);
	*entries = json_dumps(e, JSON_COMPACT);
	if (!*grade_steps || !*parts || !*entries ||
	    strlen(*parts) + strlen(*entries) > INV_MAP_MAX)
		rc = svc_fail(b, SVC_EIO, "the checklists' steps do not fit the inventory's query");
out:
	for (size_t i = 0; i < n; i++)
		free(hashes[i]);
	free(hashes);
	json_decref(g);
	json_decref(p);
	json_decref(e);
	return rc;
}

/* ---- one row ---- */

static const struct checklist *pinned_by_hash(const struct inv_run *r, const char *hash)
{
	for (size_t i = 0; hash && i < r->n_pins; i++)
		if (strcmp(r->pins[i].hash, hash) == 0)
			return r->pins[i].c;
	return NULL;
}

/* The text of fact PATH a trainee recorded (ENTERED), into BUF; NULL when none. */
static const char *entered_text(const json_t *entered, const char *path, char *buf, size_t size)
{
	const char *v = json_string_value(json_object_get(entered, path));

	if (!v)
		return NULL;
	snprintf(buf, size, "%s", v);
	return buf;
}

/* The parts of approved repairs (PARTS: [[{name, origin}...]...]) as "name (origin); ..." */
static const char *parts_text(const char *parts, char *buf, size_t size)
{
	json_t *all = parts ? json_loads(parts, 0, NULL) : NULL, *list, *p;
	size_t i, k, len = 0;

	buf[0] = '\0';
	json_array_foreach(all, i, list) {
		json_array_foreach(list, k, p) {
			const char *name = json_string_value(json_object_get(p, "name"));
			const char *origin = json_string_value(json_object_get(p, "origin"));
			int w;

			if (!name)
				continue;
			w = snprintf(buf + len, size - len, "%s%s (%s)", len ? "; " : "", name,
				     origin ? origin : "unknown");
			if (w < 0 || (size_t)w >= size - len) {
				buf[len] = '\0';
				break;
			}
			len += (size_t)w;
		}
	}
	json_decref(all);
	return len ? buf : NULL;
}

/* Store row S as text into ROW; 0 when it is left out (the grade filter). */
static int derive(struct inv_run *r, const struct store_inventory_row *s, struct inv_row *row)
{
	const char *const *f = s->fact;
	json_t *entered = s->entered ? json_loads(s->entered, 0, NULL) : NULL;
	json_t *imei = NULL;
	const struct checklist_option *grade = NULL;
	char tmp[64];

	memset(row->cell, 0, sizeof(row->cell));
	svc_stock_number(s->device_id, row->stock, sizeof(row->stock));
	row->cell[C_STOCK] = row->stock;
	row->cell[C_PLATFORM] = s->platform;
	/* the grade first: a filter on it leaves the row out before anything else is done */
	if (s->grade_values) {
		json_t *gv = json_loads(s->grade_values, 0, NULL);
		const char *values[POLICY_MAX_GRADE_STEPS] = { 0 };

		for (size_t i = 0; i < r->b->policy.n_grade_steps; i++)
			values[i] = json_string_value(
				json_object_get(gv, r->b->policy.grade_steps[i]));
		grade = certify_grade_of(&r->b->policy,
					 pinned_by_hash(r, s->grade_checklist_hash), values);
		if (grade) {
			row->cell[C_GRADE] = grade->value;
			row->cell[C_CTIA] = grade->ctia;
		}
		json_decref(gv);
	}
	if (r->req->grade && (!grade || strcasecmp(grade->value, r->req->grade) != 0)) {
		json_decref(entered);
		return 0;
	}
	/* IMEIs: the device's, else those typed from the box, else the record's own */
	if (f[STORE_INV_IMEI])
		imei = json_loads(f[STORE_INV_IMEI], 0, NULL);
	if (!json_array_size(imei) && json_object_get(entered, "identity.imei")) {
		json_decref(imei);
		imei = svc_entered_value("identity.imei",
					 json_string_value(json_object_get(entered, "identity.imei")));
	}
	for (size_t i = 0; i < 2; i++) {
		const char *v = json_string_value(json_array_get(imei, i));

		if (v) {
			snprintf(row->imei[i], sizeof(row->imei[i]), "%s", v);
			row->cell[C_IMEI1 + i] = row->imei[i];
		}
	}
	if (!row->cell[C_IMEI1] && s->imei)
		row->cell[C_IMEI1] = s->imei;
	json_decref(imei);
	row->cell[C_SERIAL] = f[STORE_INV_SERIAL] ? f[STORE_INV_SERIAL] : s->serial;
	if (!row->cell[C_SERIAL])
		row->cell[C_SERIAL] =
			entered_text(entered, "identity.serial", row->serial, sizeof(row->serial));
	row->cell[C_MAKE] = f[STORE_INV_MAKE];
	row->cell[C_NAME] = f[STORE_INV_MARKETING_NAME];
	row->cell[C_MODEL] = f[STORE_INV_MODEL_NUMBER]
				     ? f[STORE_INV_MODEL_NUMBER]
				     : entered_text(entered, "identity.model_number", row->model,
						    sizeof(row->model));
	if (f[STORE_INV_TOTAL_BYTES]) {
		int gb = facts_nominal_gb(strtoll(f[STORE_INV_TOTAL_BYTES], NULL, 10));

		if (gb > 0) {
			snprintf(row->storage, sizeof(row->storage), "%d", gb);
			row->cell[C_STORAGE] = row->storage;
		}
	}
	row->cell[C_COLOUR] = f[STORE_INV_COLOR_NAME]
				      ? f[STORE_INV_COLOR_NAME]
				      : entered_text(entered, "identity.color_name", row->colour,
						     sizeof(row->colour));
	/* the battery as the device gave it, else measured with a tester in a step */
	if (f[STORE_INV_HEALTH_PCT] ||
	    entered_text(entered, "battery.health_pct", tmp, sizeof(tmp))) {
		double h = strtod(f[STORE_INV_HEALTH_PCT] ? f[STORE_INV_HEALTH_PCT] : tmp, NULL);

		snprintf(row->health, sizeof(row->health), "%.1f", h);
		row->cell[C_HEALTH] = row->health;
	}
	row->cell[C_CYCLES] = f[STORE_INV_CYCLES]
				      ? f[STORE_INV_CYCLES]
				      : entered_text(entered, "battery.cycle_count", row->cycles,
						     sizeof(row->cycles));
	row->cell[C_PARTS] = parts_text(s->parts, row->parts, sizeof(row->parts));
	row->cell[C_FIND_MY] = f[STORE_INV_FIND_MY];
	row->cell[C_GOOGLE] = f[STORE_INV_GOOGLE_ACCOUNTS];
	row->cell[C_FRP] = f[STORE_INV_FRP];
	row->cell[C_BOOTLOADER] = f[STORE_INV_BOOTLOADER];
	row->cell[C_STATE] = s->state;
	row->cell[C_SHELF] = s->shelf;
	row->cell[C_INTAKE] = clock_format_day(s->first_seen_ms, row->intake, sizeof(row->intake));
	row->cell[C_BATCH] = s->batch;
	row->cell[C_DONOR] = s->donor;
	row->cell[C_CERT] = s->certificate;
	if (s->sold) {
		snprintf(row->price, sizeof(row->price), "%lld.%02lld", s->price_cents / 100,
			 s->price_cents % 100);
		row->cell[C_PRICE] = row->price;
		row->cell[C_CURRENCY] = s->currency;
		row->cell[C_CHANNEL] = s->channel;
		row->cell[C_SALE_DATE] = clock_format_day(s->sold_ms, row->sold, sizeof(row->sold));
		row->cell[C_BUYER] = s->buyer_ref;
	}
	/* the texts that came from outside keep their bytes: each format escapes them */
	json_decref(entered);
	return 1;
}

/* ---- writing ---- */

/* 1 when S is only digits: a spreadsheet would read it as a number (an IMEI as
 * 3.5E+14), so it is quoted, and a quoted field is text in Calc (docs/resale.md). */
static int digits_only(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return 0;
	return 1;
}

static void csv_cell(FILE *out, const char *v, int number, int first)
{
	if (number || !v) {
		csv_raw(out, v, first);
	} else if (digits_only(v)) {
		if (!first)
			fputc(',', out);
		fprintf(out, "\"%s\"", v);
	} else {
		csv_text(out, v, first);
	}
}

/* A text as HTML: & < > " ' as entities. */
static void html_text(FILE *out, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '&':
			fputs("&amp;", out);
			break;
		case '<':
			fputs("&lt;", out);
			break;
		case '>':
			fputs("&gt;", out);
			break;
		case '"':
			fputs("&quot;", out);
			break;
		case '\'':
			fputs("&#39;", out);
			break;
		default:
			fputc(*s, out);
		}
	}
}

/* The header of column I of the output, its value in ROW, and whether it is a number. */
static size_t n_cols(const struct inv_run *r)
{
	return r->tpl ? r->tpl->n : C_COLS;
}

static const char *head_of(const struct inv_run *r, size_t i)
{
	return r->tpl ? r->tpl->c[i].head : cols[i].key;
}

static const char *value_of(const struct inv_run *r, const struct inv_row *row, size_t i,
			    int *number)
{
	enum inv_col c = r->tpl ? r->tpl->c[i].col : (enum inv_col)i;

	if (c == C_COLS) {
		*number = 0;
		return r->tpl->c[i].constant;
	}
	*number = cols[c].number;
	return row->cell[c];
}

/* The row as a JSON object (numbers as numbers, nothing as null). */
static json_t *row_json(const struct inv_run *r, const struct inv_row *row)
{
	json_t *o = json_object();

	for (size_t i = 0; i < n_cols(r); i++) {
		int number;
		const char *v = value_of(r, row, i, &number);
		json_t *j;

		if (!v)
			j = json_null();
		else if (number && strchr(v, '.'))
			j = json_real(strtod(v, NULL));
		else if (number)
			j = json_integer(strtoll(v, NULL, 10));
		else
			j = json_string(v);
		json_object_set_new(o, head_of(r, i), j ? j : json_string("?"));
	}
	return o;
}

static void write_head(struct inv_run *r)
{
	if (r->each)
		return;
	switch (r->format) {
	case SVC_INV_CSV:
		for (size_t i = 0; i < n_cols(r); i++)
			csv_text(r->out, head_of(r, i), i == 0);
		csv_end(r->out);
		break;
	case SVC_INV_JSON:
		fputc('[', r->out);
		break;
	case SVC_INV_HTML:
		fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
		      "<title>Inventory</title><style>table{border-collapse:collapse;font:12px "
		      "sans-serif}th,td{border:1px solid #999;padding:2px 4px}th{background:#eee}"
		      "</style></head>\n<body><table>\n<thead><tr>",
		      r->out);
		for (size_t i = 0; i < n_cols(r); i++) {
			fputs("<th scope=\"col\">", r->out);
			html_text(r->out, head_of(r, i));
			fputs("</th>", r->out);
		}
		fputs("</tr></thead>\n<tbody>\n", r->out);
		break;
	default:
		break;
	}
}

static void write_row(struct inv_run *r, const struct inv_row *row)
{
	switch (r->format) {
	case SVC_INV_CSV:
		for (size_t i = 0; i < n_cols(r); i++) {
			int number;
			const char *v = value_of(r, row, i, &number);

			csv_cell(r->out, v, number, i == 0);
		}
		csv_end(r->out);
		break;
	case SVC_INV_JSON:
	case SVC_INV_JSONL:
	case SVC_INV_PDF: {
		json_t *o = row_json(r, row);
		char buf[8192];
		size_t n = json_dumpb(o, buf, sizeof(buf), JSON_COMPACT);

		if (r->format == SVC_INV_JSON)
			fputs(r->shown ? ",\n" : "\n", r->out);
		/* one write of the whole row (jansson writes a stream piece by piece) */
		if (n > 0 && n <= sizeof(buf))
			fwrite(buf, 1, n, r->out);
		else
			json_dumpf(o, r->out, JSON_COMPACT);
		if (r->format != SVC_INV_JSON)
			fputc('\n', r->out);
		json_decref(o);
		break;
	}
	case SVC_INV_HTML:
		fputs("<tr>", r->out);
		for (size_t i = 0; i < n_cols(r); i++) {
			int number;
			const char *v = value_of(r, row, i, &number);

			fputs(number ? "<td class=\"n\">" : "<td>", r->out);
			html_text(r->out, v);
			fputs("</td>", r->out);
		}
		fputs("</tr>\n", r->out);
		break;
	}
}

static void write_tail(struct inv_run *r)
{
	if (r->each)
		return;
	switch (r->format) {
	case SVC_INV_JSON:
		fputs(r->shown ? "\n]\n" : "]\n", r->out);
		break;
	case SVC_INV_HTML:
		if (!r->shown)
			fprintf(r->out, "<tr><td colspan=\"%zu\">no device</td></tr>\n", n_cols(r));
		fputs("</tbody></table></body></html>\n", r->out);
		break;
	case SVC_INV_PDF:
		fprintf(r->out, "{\"total\": %lld}\n", r->rows);
		break;
	default:
		break;
	}
}

/* Row S of the device list as its view: the device's record and what a person looks at
 * first (its name, storage, grade and battery). */
static json_t *device_row_json(const struct store_inventory_row *s, const struct inv_row *row)
{
	json_t *o = json_pack("{s:I, s:s, s:s, s:I, s:I, s:I}", "id", (json_int_t)s->device_id,
			      "state", s->state ? s->state : "?", "platform",
			      s->platform ? s->platform : "?", "first_seen_ms",
			      (json_int_t)s->first_seen_ms, "last_seen_ms",
			      (json_int_t)s->last_seen_ms, "probes", (json_int_t)s->probes);

	if (!o)
		return NULL;
	json_object_set_new(o, "udid", svc_str_or_null(s->udid));
	json_object_set_new(o, "serial", svc_str_or_null(s->serial));
	json_object_set_new(o, "imei", svc_str_or_null(s->imei));
	json_object_set_new(o, "stock_number", json_string(row->stock));
	json_object_set_new(o, "marketing_name", svc_str_or_null(row->cell[C_NAME]));
	json_object_set_new(o, "storage_gb", row->cell[C_STORAGE]
						     ? json_integer(strtoll(row->cell[C_STORAGE], NULL, 10))
						     : json_null());
	json_object_set_new(o, "grade", svc_str_or_null(row->cell[C_GRADE]));
	json_object_set_new(o, "battery_health_pct",
			    row->cell[C_HEALTH] ? json_real(strtod(row->cell[C_HEALTH], NULL))
						: json_null());
	return o;
}

static int on_row(const struct store_inventory_row *s, void *arg)
{
	struct inv_run *r = arg;
	struct inv_row row;

	if (!derive(r, s, &row))
		return 0;
	if (r->each) {
		json_t *o = device_row_json(s, &row);
		int rc = o ? r->each(o, r->each_arg) : -1;

		json_decref(o);
		return rc;
	}
	if (r->req->limit && r->rows >= r->req->limit)
		return 1; /* the rows asked for are written */
	r->rows++;
	if (r->max_rows && r->shown >= r->max_rows)
		return 0; /* counted, not drawn */
	write_row(r, &row);
	r->shown++;
	if (ferror(r->out)) {
		r->write_failed = errno ? errno : EIO;
		return -1;
	}
	return 0;
}

enum svc_err svc_inventory_check(struct bench *b, const struct svc_inventory_req *req)
{
	struct store_user me;
	enum device_state state;
	enum svc_err rc = svc_actor(b, NULL, &me);
	const char *sort = req->sort;

	if (rc)
		return rc;
	if (!svc_may(b, &me, SVC_READ_INVENTORY, NULL))
		return SVC_EDENIED;
	if (req->state && !device_state_parse(req->state, &state))
		return svc_fail(b, SVC_EINVAL, "'%s' is not a state: " DEVICE_STATE_LIST,
				req->state);
	if (req->platform && strcmp(req->platform, "ios") != 0 &&
	    strcmp(req->platform, "android") != 0)
		return svc_fail(b, SVC_EINVAL, "the platform is ios or android, not '%s'",
				req->platform);
	if (sort && sort[0] == '-')
		sort++;
	if (sort && !store_inventory_sort_ok(sort))
		return svc_fail(b, SVC_EINVAL,
				"the inventory is not sorted by '%s': name a column of it "
				"(docs/resale.md), a leading '-' for the largest first",
				sort);
	return SVC_OK;
}

/* The store's query for REQ with the maps of R. */
static void query_of(const struct inv_run *r, const char *g, const char *p, const char *e,
		     struct store_inventory_query *q)
{
	const char *sort = r->req->sort;

	memset(q, 0, sizeof(*q));
	q->state = r->req->state;
	q->platform = r->req->platform;
	q->since_ms = r->req->since_ms;
	q->grade_checklist = r->b->policy.grade_checklist;
	q->grade_steps = g;
	q->parts_steps = p;
	q->entry_steps = e;
	if (sort && sort[0] == '-') {
		q->descending = 1;
		sort++;
	}
	q->sort = sort;
}

/* Prepare R for REQ: the checks, the policy, the template, the maps. */
static enum svc_err run_begin(struct bench *b, const struct svc_inventory_req *req,
			      struct inv_run *r, struct tpl *tpl, char **g, char **p, char **e)
{
	const struct policy *policy;
	enum svc_err rc;

	r->b = b;
	r->req = req;
	r->format = req->format;
	*g = *p = *e = NULL;
	if (b->remote)
		return svc_fail(b, SVC_EINVAL, "the inventory is read on the workshop's server: "
					       "run it there, or download it from the console");
	rc = r->each ? SVC_OK : svc_inventory_check(b, req);
	if (rc)
		return rc;
	rc = svc_policy(b, &policy);
	if (rc)
		return rc;
	if (req->template_name) {
		rc = template_load(b, req->template_name, tpl);
		if (rc)
			return rc;
		r->tpl = tpl;
	}
	return make_maps(r, g, p, e);
}

static void run_end(struct inv_run *r, char *g, char *p, char *e)
{
	free(r->pins);
	free(g);
	free(p);
	free(e);
}

enum svc_err svc_inventory_sql(struct bench *b, const struct svc_inventory_req *req, char **sql)
{
	struct inv_run r = { 0 };
	struct tpl tpl;
	struct store_inventory_query q;
	char *g, *p, *e;
	enum svc_err rc = run_begin(b, req, &r, &tpl, &g, &p, &e);

	*sql = NULL;
	if (!rc) {
		query_of(&r, g, p, e, &q);
		*sql = store_inventory_sql(&q);
		if (!*sql)
			rc = svc_fail(b, SVC_EIO, "out of memory");
	}
	run_end(&r, g, p, e);
	return rc;
}

/* The rows of R to R->out, between the format's head and tail. */
static enum svc_err run_rows(struct inv_run *r, const char *g, const char *p, const char *e)
{
	struct store_inventory_query q;
	enum store_err err;

	query_of(r, g, p, e, &q);
	q.device_list = r->each != NULL;
	write_head(r);
	err = store_inventory_each(r->b->st, &q, on_row, r);
	if (r->write_failed)
		return svc_fail(r->b, SVC_EIO, "the inventory could not be written: %s",
				strerror(r->write_failed));
	if (err == STORE_EINTERNAL && r->each)
		return svc_fail(r->b, SVC_EIO, "the list of devices could not be written: %s",
				store_last_error_message());
	if (err)
		return svc_store_fail(r->b, err, "read the inventory");
	write_tail(r);
	if (r->each)
		return SVC_OK;
	if (fflush(r->out) != 0 || ferror(r->out))
		return svc_fail(r->b, SVC_EIO, "the inventory could not be written: %s",
				strerror(errno));
	return SVC_OK;
}

/* The PDF: the rows as JSON lines to atelier-pdf --inventory, which draws them as it
 * reads them, up to SVC_INVENTORY_PDF_ROWS (the rest are counted and said). */
static enum svc_err run_pdf(struct inv_run *r, const char *g, const char *p, const char *e,
			    FILE *out)
{
	char why[1024] = "", lang[8];
	struct svc_pdf_pipe pp;
	enum svc_err rc;
	FILE *in;

	snprintf(lang, sizeof(lang), "%s", r->b->policy.language[0] ? r->b->policy.language : "en");
	fflush(out);
	if (svc_pdf_start((const char *const[]){ "--inventory", lang, "/dev/fd/3", NULL },
			  fileno(out), &pp, why, sizeof(why)) != 0)
		return svc_fail(r->b, SVC_EIO, "the inventory could not be drawn: %s", why);
	in = fdopen(pp.in, "w");
	if (!in) {
		close(pp.in);
		pp.in = -1;
		(void)svc_pdf_finish(&pp, why, sizeof(why));
		return svc_fail(r->b, SVC_EIO, "out of memory");
	}
	pp.in = -1;
	fprintf(in, "{\"workshop\": ");
	{
		json_t *w = json_string(r->b->policy.workshop_name);

		json_dumpf(w, in, JSON_ENCODE_ANY);
		json_decref(w);
	}
	fprintf(in, ", \"columns\": [");
	for (size_t i = 0; i < n_cols(r); i++)
		fprintf(in, "%s\"%s\"", i ? ", " : "", r->tpl ? "?" : cols[i].key);
	fprintf(in, "], \"made_ms\": %" PRId64 "}\n", clock_wall_ms());
	r->out = in;
	r->max_rows = SVC_INVENTORY_PDF_ROWS;
	rc = run_rows(r, g, p, e);
	if (fclose(in) != 0 && !rc)
		rc = svc_fail(r->b, SVC_EIO, "atelier-pdf stopped reading the inventory");
	if (svc_pdf_finish(&pp, why, sizeof(why)) != 0)
		return svc_fail(r->b, SVC_EIO, "the inventory could not be drawn: %s", why);
	return rc;
}

enum svc_err svc_inventory_write(struct bench *b, const struct svc_inventory_req *req, FILE *out,
				 long long *rows)
{
	struct inv_run r = { 0 };
	struct tpl tpl;
	char *g, *p, *e;
	enum svc_err rc = run_begin(b, req, &r, &tpl, &g, &p, &e);

	if (rows)
		*rows = 0;
	if (!rc && req->format == SVC_INV_PDF && req->template_name)
		rc = svc_fail(b, SVC_EINVAL, "a template writes CSV or JSON lines, not a PDF");
	if (!rc) {
		/* a read transaction: every row as the records are at its start */
		int begun = 0;
		enum store_err err = store_read_begin(b->st, &begun);

		if (err) {
			rc = svc_store_fail(b, err, "read the inventory");
		} else {
			if (req->format == SVC_INV_PDF) {
				rc = run_pdf(&r, g, p, e, out);
			} else {
				r.out = out;
				rc = run_rows(&r, g, p, e);
			}
			store_read_end(b->st, begun);
		}
	}
	if (rows)
		*rows = r.rows;
	run_end(&r, g, p, e);
	return rc;
}

enum svc_err svc_device_each(struct bench *b, const char *state, svc_row_fn fn, void *arg)
{
	if (b->remote) {
		const char *name = "state";
		json_t *view = NULL, *row;
		enum svc_err rc = svc_remote_get(b, "/api/devices", &name, &state, 1, &view);
		size_t i;

		if (rc)
			return rc;
		json_array_foreach(view, i, row)
			if (fn(row, arg))
				break;
		json_decref(view);
		return SVC_OK;
	}
	struct svc_inventory_req req = { 0 };
	struct inv_run r = { 0 };
	enum device_state st;
	struct tpl tpl;
	char *g, *p, *e;
	enum svc_err rc;

	if (state && !device_state_parse(state, &st))
		return svc_fail(b, SVC_EINVAL, "'%s' is not a state: " DEVICE_STATE_LIST, state);
	req.state = state;
	req.sort = "-last_seen"; /* the latest seen first */
	r.each = fn;
	r.each_arg = arg;
	rc = run_begin(b, &req, &r, &tpl, &g, &p, &e);
	if (!rc)
		rc = run_rows(&r, g, p, e);
	run_end(&r, g, p, e);
	return rc;
}
