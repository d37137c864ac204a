/*
 * The donor's erasure report (report/erasure.h): its words, from the gettext catalogue
 * (scripts/po-update reads this file), the check of the document, its rows as text, and
 * the HTML page. The PDF is erasure_pdf.c.
 */
#include "report/erasure.h"

#include <stdio.h>
#include <string.h>

#include "util/i18n.h"

#define ERASURE_FIELD_MAX 256 /* bytes of one field of a device drawn */

void erasure_use_lang(const json_t *doc, struct erasure_words *w, struct report_words *rw,
		      const struct report_conv **conv)
{
	report_use_lang(json_string_value(json_object_get(doc, "lang")), rw, conv);
	w->title = _("Data erasure report");
	w->batch = _("Batch");
	w->donor = _("Donor");
	w->received = _("Received on");
	w->workshop = _("Workshop");
	w->made_on = _("Made on");
	w->stock = _("Stock number");
	w->device = _("Device");
	w->ids = _("Serial / IMEI");
	w->outcome = _("Outcome");
	w->erasure = _("Data erasure");
	w->no_devices = _("No device in this batch yet.");
	w->footer = _("Made by Atelier from the workshop's records.");
}

enum report_err erasure_check(const json_t *doc, char *why, size_t size)
{
	const json_t *devs = json_object_get(doc, "devices"), *d;
	size_t i;

	if (!json_is_object(doc) ||
	    !json_is_string(json_object_get(doc, "format")) ||
	    strcmp(json_string_value(json_object_get(doc, "format")),
		   "atelier-erasure-report/1") != 0) {
		snprintf(why, size, "not an erasure report (format atelier-erasure-report/1)");
		return REPORT_EBADDOC;
	}
	if (!json_is_object(json_object_get(doc, "batch")) || !json_is_array(devs)) {
		snprintf(why, size, "the erasure report has no batch or no devices");
		return REPORT_EBADDOC;
	}
	if (json_array_size(devs) > ERASURE_ROWS_MAX) {
		snprintf(why, size, "the erasure report has over %d devices", ERASURE_ROWS_MAX);
		return REPORT_EBADDOC;
	}
	json_array_foreach (devs, i, d)
		if (!json_is_string(json_object_get(d, "stock_number")) ||
		    !json_is_string(json_object_get(d, "outcome"))) {
			snprintf(why, size, "device %zu of the erasure report has no stock number "
					    "or outcome",
				 i + 1);
			return REPORT_EBADDOC;
		}
	return REPORT_OK;
}

/* TEMPLATE with each {KEY[i]} replaced by VALUE[i] (N of them), into BUF. */
static const char *fill(const char *template, const char *const *key, const char *const *value,
			size_t n, char *buf, size_t size)
{
	size_t len = 0;

	buf[0] = '\0';
	for (const char *p = template; *p && len + 1 < size;) {
		size_t k = 0;

		if (*p == '{')
			for (k = 0; k < n; k++)
				if (strncmp(p + 1, key[k], strlen(key[k])) == 0 &&
				    p[1 + strlen(key[k])] == '}')
					break;
		if (*p == '{' && k < n) {
			len += (size_t)snprintf(buf + len, size - len, "%s", value[k]);
			if (len >= size)
				len = size - 1;
			p += strlen(key[k]) + 2;
		} else {
			buf[len++] = *p++;
			buf[len] = '\0';
		}
	}
	return buf;
}

void erasure_facts(const struct erasure_words *w, const struct report_conv *c, const json_t *doc,
		   struct report_row *labels, struct report_row *values, char *summary,
		   size_t size)
{
	const json_t *batch = json_object_get(doc, "batch"), *counts = json_object_get(doc, "counts");
	static const char *const keys[] = { "n", "wiped", "destroyed", "missing" };
	char nums[4][32];
	const char *vals[4];
	size_t k = 0;

	labels->n = values->n = 0;
	labels->cell[k] = w->batch;
	values->cell[k] = report_text(json_object_get(batch, "name"), values->buf[k],
				      sizeof(values->buf[k]));
	k++;
	labels->cell[k] = w->donor;
	values->cell[k] = report_text(json_object_get(batch, "donor"), values->buf[k],
				      sizeof(values->buf[k]));
	k++;
	labels->cell[k] = w->received;
	values->cell[k] = report_day(c, json_object_get(batch, "t_ms"), values->buf[k],
				     sizeof(values->buf[k]));
	k++;
	labels->cell[k] = w->workshop;
	values->cell[k] = report_text(json_object_get(doc, "workshop"), values->buf[k],
				      sizeof(values->buf[k]));
	if (json_is_string(json_object_get(doc, "place"))) {
		size_t len = strlen(values->buf[k]);

		snprintf(values->buf[k] + len, sizeof(values->buf[k]) - len, ", %s",
			 json_string_value(json_object_get(doc, "place")));
	}
	k++;
	labels->cell[k] = w->made_on;
	values->cell[k] = report_day(c, json_object_get(doc, "made_ms"), values->buf[k],
				     sizeof(values->buf[k]));
	k++;
	labels->n = values->n = k;
	report_int(c, json_integer_value(json_object_get(counts, "devices")), nums[0],
		   sizeof(nums[0]));
	report_int(c, json_integer_value(json_object_get(counts, "wiped")), nums[1],
		   sizeof(nums[1]));
	report_int(c, json_integer_value(json_object_get(counts, "destroyed")), nums[2],
		   sizeof(nums[2]));
	report_int(c, json_integer_value(json_object_get(counts, "missing")), nums[3],
		   sizeof(nums[3]));
	for (size_t i = 0; i < 4; i++)
		vals[i] = nums[i];
	fill(_("{n} devices: {wiped} wiped, {destroyed} with their storage destroyed, {missing} "
	       "without a record yet."),
	     keys, vals, 4, summary, size);
}

static const char *outcome_words(const char *o)
{
	if (!o)
		return REPORT_DASH;
	if (strcmp(o, "certified") == 0)
		return _("Certified for reuse");
	if (strcmp(o, "sold") == 0)
		return _("Sold for reuse");
	if (strcmp(o, "donated") == 0)
		return _("Donated for reuse");
	if (strcmp(o, "recycled") == 0)
		return _("Recycled");
	if (strcmp(o, "parts") == 0)
		return _("Kept for parts");
	if (strcmp(o, "quarantine") == 0)
		return _("Set aside (quarantine)");
	return _("In work");
}

/* The wipe or destruction record REC (null: none) as one text, into OUT. */
static const char *record_words(const struct report_conv *c, const json_t *rec, char *out,
				size_t size)
{
	const char *kind = json_string_value(json_object_get(rec, "kind"));
	char day[32], job[32], what[ERASURE_FIELD_MAX], check[160], checked_on[32];
	const char *vals[3];

	if (!kind)
		return _("No wipe or destruction record yet.");
	if (strcmp(kind, "destruction") == 0) {
		static const char *const keys[] = { "method", "date" };

		vals[0] = report_text(json_object_get(rec, "method"), what, sizeof(what));
		vals[1] = report_day(c, json_object_get(rec, "t_ms"), day, sizeof(day));
		return fill(_("Storage destroyed: {method} ({date})."), keys, vals, 2, out, size);
	} else {
		static const char *const keys[] = { "method", "date", "job" };
		static const char *const check_keys[] = { "date" };
		const json_t *sc = json_object_get(rec, "second_check");
		const char *result = json_string_value(json_object_get(sc, "result"));
		const char *checked;
		size_t len;

		snprintf(job, sizeof(job), "%lld",
			 (long long)json_integer_value(json_object_get(rec, "job")));
		const char *method = json_string_value(json_object_get(rec, "method"));

		vals[0] = method && strcmp(method, "purge") == 0
				  ? _("NIST SP 800-88 purge (cryptographic erase)")
				  : _("NIST SP 800-88 clear");
		vals[1] = report_day(c, json_object_get(rec, "date_ms"), day, sizeof(day));
		vals[2] = job;
		fill(_("{method}, {date}, job {job}."), keys, vals, 3, out, size);
		checked = report_day(c, json_object_get(sc, "t_ms"), checked_on, sizeof(checked_on));
		if (result && strcmp(result, "pass") == 0)
			fill(_("Second check passed ({date})."), check_keys, &checked, 1, check,
			     sizeof(check));
		else if (result && strcmp(result, "fail") == 0)
			fill(_("Second check failed ({date})."), check_keys, &checked, 1, check,
			     sizeof(check));
		else if (result && strcmp(result, "not-sampled") == 0)
			snprintf(check, sizeof(check), "%s", _("Not drawn for a second check."));
		else
			snprintf(check, sizeof(check), "%s", _("Second check not done yet."));
		len = strlen(out);
		snprintf(out + len, size - len, " %s", check);
		return out;
	}
}

void erasure_row(const struct report_conv *c, const json_t *dev, struct report_row *r)
{
	char make[ERASURE_FIELD_MAX], model[ERASURE_FIELD_MAX], number[ERASURE_FIELD_MAX];
	char serial[ERASURE_FIELD_MAX], imei[ERASURE_FIELD_MAX];
	const json_t *m = json_object_get(dev, "model"), *n = json_object_get(dev, "model_number");

	r->n = ERASURE_COLS;
	r->cell[0] = report_text(json_object_get(dev, "stock_number"), r->buf[0], sizeof(r->buf[0]));
	snprintf(r->buf[1], sizeof(r->buf[1]), "%s%s%s%s%s%s",
		 json_is_string(json_object_get(dev, "make"))
			 ? report_text(json_object_get(dev, "make"), make, sizeof(make))
			 : "",
		 json_is_string(json_object_get(dev, "make")) ? " " : "",
		 json_is_string(m) ? report_text(m, model, sizeof(model)) : "",
		 json_is_string(n) ? " (" : "",
		 json_is_string(n) ? report_text(n, number, sizeof(number)) : "",
		 json_is_string(n) ? ")" : "");
	r->cell[1] = r->buf[1][0] ? r->buf[1] : REPORT_DASH;
	snprintf(r->buf[2], sizeof(r->buf[2]), "%s%s%s",
		 report_text(json_object_get(dev, "serial"), serial, sizeof(serial)),
		 json_is_string(json_object_get(dev, "imei")) &&
				 json_string_length(json_object_get(dev, "imei"))
			 ? " / "
			 : "",
		 json_is_string(json_object_get(dev, "imei")) &&
				 json_string_length(json_object_get(dev, "imei"))
			 ? report_text(json_object_get(dev, "imei"), imei, sizeof(imei))
			 : "");
	r->cell[2] = r->buf[2];
	r->cell[3] = outcome_words(json_string_value(json_object_get(dev, "outcome")));
	r->cell[4] = record_words(c, json_object_get(dev, "record"), r->buf[4], sizeof(r->buf[4]));
}

/* ---- the HTML page ---- */

static const char style[] =
	"body{font-family:'DejaVu Sans',system-ui,sans-serif;color:#111;max-width:70rem;"
	"margin:0 auto;padding:1.5rem;line-height:1.45}h1{font-size:1.6rem;margin:0 0 .75rem}"
	"dl{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem;margin:0 0 1rem}"
	"dt{color:#555}dd{margin:0}table{border-collapse:collapse;width:100%;font-size:.92rem}"
	"th,td{text-align:start;padding:.3rem .5rem;border-bottom:1px solid #ddd;"
	"vertical-align:top}th{color:#444}footer{margin-top:2rem;color:#555;font-size:.85rem}"
	"@media print{body{padding:0}tr{break-inside:avoid}}";

enum report_err erasure_html_write(const json_t *doc, const char *file, char *why, size_t size)
{
	static struct report_row labels, values, r;
	struct erasure_words w;
	struct report_words rw;
	const struct report_conv *c;
	const json_t *dev;
	char summary[512];
	enum report_err err = erasure_check(doc, why, size);
	FILE *f;
	size_t i;

	if (err)
		return err;
	erasure_use_lang(doc, &w, &rw, &c);
	f = fopen(file, "w");
	if (!f) {
		snprintf(why, size, "cannot write %s", file);
		return REPORT_EWRITE;
	}
	fprintf(f, "<!DOCTYPE html>\n<html lang=\"%s\"><head><meta charset=\"utf-8\">"
		   "<meta name=\"viewport\" content=\"width=device-width\">",
		c->lang);
	report_html_element(f, "title", w.title);
	fprintf(f, "<style>%s</style></head><body>", style);
	report_html_element(f, "h1", w.title);
	erasure_facts(&w, c, doc, &labels, &values, summary, sizeof(summary));
	fputs("<dl>", f);
	for (i = 0; i < labels.n; i++) {
		report_html_element(f, "dt", labels.cell[i]);
		report_html_element(f, "dd", values.cell[i]);
	}
	fputs("</dl>", f);
	report_html_element(f, "p", summary);
	if (json_array_size(json_object_get(doc, "devices")) == 0) {
		report_html_element(f, "p", w.no_devices);
	} else {
		fputs("<table><thead><tr>", f);
		report_html_element(f, "th", w.stock);
		report_html_element(f, "th", w.device);
		report_html_element(f, "th", w.ids);
		report_html_element(f, "th", w.outcome);
		report_html_element(f, "th", w.erasure);
		fputs("</tr></thead><tbody>", f);
		json_array_foreach (json_object_get(doc, "devices"), i, dev) {
			erasure_row(c, dev, &r);
			fputs("<tr>", f);
			for (size_t k = 0; k < r.n; k++)
				report_html_element(f, "td", r.cell[k]);
			fputs("</tr>", f);
		}
		fputs("</tbody></table>", f);
	}
	report_html_element(f, "footer", w.footer);
	fputs("</body></html>\n", f);
	if (fclose(f) != 0) {
		report_remove_partial(file);
		snprintf(why, size, "cannot write %s", file);
		return REPORT_EWRITE;
	}
	return REPORT_OK;
}
