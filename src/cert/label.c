/*
 * label — the labels of devices, drawn with cairo (cert/label.h).
 *
 * The unit is the dot of a 300 dpi thermal printer: a PDF page is scaled to it, a PNG is
 * made at it. Bars and QR modules are whole dots wide and start on whole dots, so that a
 * printer does not smear one bar into the next. The bars come from libzint's own vector
 * of the symbol (ZBarcode_Buffer_Vector()), never from a table of our own; the QR code
 * from libqrencode, as on the certificate (cert/pdf.c). Text is cairo's toy API, real
 * text in the PDF (it can be read back), made smaller when a line is too wide and then
 * cut.
 */
#include "cert/label.h"

#include <assert.h>
#include <cairo-pdf.h>
#include <cairo.h>
#include <math.h>
#include <qrencode.h>
#include <stdio.h>
#include <string.h>
#include <zint.h>

#include "cert/pdf.h"
#include "cert/pdf_text.h"
#include "report/report.h"
#include "util/i18n.h"

#define DPI 300.0
#define MM(x) ((x)*DPI / 25.4)
#define PT(x) ((x)*DPI / 72.0)
#define FONT "DejaVu Sans"
#define MONO "DejaVu Sans Mono"
#define QUIET 10       /* modules of white on each side of a Code 128 symbol */
#define QR_QUIET 4     /* modules of white around a QR code (pdf_qr_draw()) */
#define TEXT_MAX 256   /* bytes of one value shown */
#define MIN_SHRINK 0.7 /* a line too wide is made this much smaller at most, then cut */
#define DOT "\xc2\xb7" /* middle dot between two values on a line */
#define BAR_MIN 2      /* dots of the narrowest bar: 0.17 mm, the least a scanner reads */

/* A label's size in dots, and whether it is the tall one (more room, bigger codes). */
struct label_size {
	const char *name;
	double w, h; /* the page: one label, or the A4 sheet */
	int sheet;
};

static const struct label_size label_sizes[] = {
	{ "62x29", 732, 343, 0 },
	{ "62x100", 732, 1181, 0 },
	{ "a4-sheet", 2480, 3508, 1 },
};

/* The A4 sheet of 24: labels of 63.5 x 33.9 mm, 3 across (2.5 mm apart) and 8 down, from
 * 7.2 mm and 12.9 mm of the sheet's left and top edges. */
#define SHEET_COLS 3
#define SHEET_ROWS 8
#define CELL_W MM(63.5)
#define CELL_H MM(33.9)
#define CELL_PITCH_X MM(66.0)
#define SHEET_LEFT MM(7.2)
#define SHEET_TOP MM(12.9)

/* The measures of a layout: the small one (62 x 29 mm, and each label of a sheet) and the
 * tall one (62 x 100 mm). */
struct label_look {
	double w, h, margin;
	int bar;       /* dots of a bar's module, at most (less when a code is long) */
	double bar_h;  /* height of the bars */
	int qr_module; /* dots of a QR module */
	double name_pt, body_pt, stock_pt, small_pt, big_stock_pt;
};

static const struct label_look look_small = { 732, 343, 18, 3, 86, 3, 9.0, 7.0, 9.0, 6.0, 20.0 };
static const struct label_look look_tall = { 732, 1181, 24, 4, 150, 5, 14.0, 9.0, 16.0, 7.0, 30.0 };

/* The words of a label, from the catalogue (marked here for scripts/po-update). */
struct label_words {
	const char *gb, *grade, *battery, *not_graded, *not_certified, *unknown_device;
	const char *imei, *serial, *certificate, *intake, *arrived;
	const char *storage, *colour, *cosmetic, *health, *stock;
};

static void label_words(struct label_words *w)
{
	w->gb = _("{n} GB");
	w->grade = _("Grade {n}");
	w->battery = _("Battery {n}");
	w->not_graded = _("not graded");
	w->not_certified = _("not certified");
	w->unknown_device = _("unknown device");
	w->imei = _("IMEI {n}");
	w->serial = _("Serial number {n}");
	w->certificate = _("Certificate {n}");
	w->intake = _("Intake");
	w->arrived = _("Arrived on {n}");
	w->storage = _("Storage");
	w->colour = _("Colour");
	w->cosmetic = _("Cosmetic grade");
	w->health = _("Battery health");
	w->stock = _("Stock number");
}

/* What is being drawn: the page, the words, the language's numbers. */
struct label_ctx {
	cairo_t *cr;
	struct label_words w;
	const struct report_conv *conv;
	int intake;
	char *why;
	size_t why_size;
};

/* One label being laid out: its box, the look, and a cursor. */
struct box {
	double x, y, w, h; /* the label on the page */
	const struct label_look *look;
	double cx, cy, cw; /* the text column: left edge, top of the next line, width */
};

/* ---- text ---- */

static void font(cairo_t *cr, double pt, int bold, int mono)
{
	cairo_select_font_face(cr, mono ? MONO : FONT, CAIRO_FONT_SLANT_NORMAL,
			       bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
	cairo_set_font_size(cr, PT(pt));
}

/* T in one line at X, baseline BASE, within width W: made smaller (to MIN_SHRINK) when too
 * wide, then cut at what fits. */
static void fit_text(cairo_t *cr, double x, double base, double w, double pt, int bold, int mono,
		     const char *t)
{
	char line[TEXT_MAX];
	const char *p = t;
	size_t n = strlen(t);

	font(cr, pt, bold, mono);
	if (pdf_text_width(cr, t, n) > w) {
		double shrunk = pt * w / pdf_text_width(cr, t, n);

		font(cr, shrunk < pt * MIN_SHRINK ? pt * MIN_SHRINK : shrunk, bold, mono);
	}
	if (!pdf_text_next_line(cr, &p, &n, w, line, sizeof(line)))
		return;
	cairo_set_source_rgb(cr, 0, 0, 0);
	cairo_move_to(cr, x, base);
	cairo_show_text(cr, line);
}

/* A line of the text column in PT points, and the cursor below it. */
static void line(struct label_ctx *L, struct box *b, double pt, int bold, int mono, const char *t)
{
	fit_text(L->cr, b->cx, b->cy + PT(pt) * 0.95, b->cw, pt, bold, mono, t);
	b->cy += PT(pt) * 1.25;
}

/* A label (small, grey) and its value on one line of the text column. */
static void row(struct label_ctx *L, struct box *b, const char *label, const char *value)
{
	double pt = b->look->body_pt, lw = b->cw * 0.42;

	fit_text(L->cr, b->cx, b->cy + PT(pt) * 0.95, lw - PT(2), pt * 0.8, 0, 0, label);
	fit_text(L->cr, b->cx + lw, b->cy + PT(pt) * 0.95, b->cw - lw, pt, 1, 0, value);
	b->cy += PT(pt) * 1.35;
}

/* ---- values of the document ---- */

static const char *text_of(const json_t *o, const char *key, char *buf, size_t size)
{
	return report_text(json_object_get(o, key), buf, size);
}

/* "128 GB" in the language's words, or a dash. */
static const char *storage(struct label_ctx *L, const json_t *lab, char *buf, size_t size)
{
	const json_t *gb = json_object_get(lab, "storage_gb");
	char n[32];

	if (!json_is_integer(gb))
		return REPORT_DASH;
	return report_fill(L->w.gb, report_int(L->conv, json_integer_value(gb), n, sizeof(n)), "",
			   buf, size);
}

/* "91,4 %" as the language writes it, or a dash. */
static const char *battery(struct label_ctx *L, const json_t *lab, char *buf, size_t size)
{
	const json_t *pct = json_object_get(lab, "battery_pct");
	char n[32];

	if (!json_is_number(pct))
		return REPORT_DASH;
	snprintf(buf, size, "%s%s%%", report_decimal(L->conv, pct, 1, n, sizeof(n)),
		 L->conv->percent);
	return buf;
}

/* "B" alone (the small label) or "B — Très bon état"; NULL when not graded. */
static const char *grade(const json_t *lab, int with_label, char *buf, size_t size)
{
	char g[64], gl[TEXT_MAX];
	const char *v = text_of(lab, "grade", g, sizeof(g));
	const char *l = text_of(lab, "grade_label", gl, sizeof(gl));

	if (!strcmp(v, REPORT_DASH))
		return NULL;
	if (with_label && strcmp(l, REPORT_DASH))
		snprintf(buf, size, "%s \xe2\x80\x94 %s", v, l);
	else
		snprintf(buf, size, "%s", v);
	return buf;
}

/* ---- the codes ---- */

/* DATA as a Code 128 symbol with its bars' module X dots wide (at most MAX_X, less when it
 * would be wider than W with its quiet zones), bars H dots high, its first bar QUIET
 * modules right of X0, top at Y. *USED gets the width of the bars. */
static enum label_err code128(struct label_ctx *L, const char *data, double x0, double y, double w,
			      int max_x, double h, double *used)
{
	struct zint_symbol *sym = ZBarcode_Create();
	enum label_err err = LABEL_OK;
	double unit, x;
	int mod, rc;

	if (!sym) {
		snprintf(L->why, L->why_size, "cannot make the barcode of %s: out of memory", data);
		return LABEL_ECODE;
	}
	sym->symbology = BARCODE_CODE128;
	sym->input_mode = DATA_MODE;
	sym->show_hrt = 0;
	rc = ZBarcode_Encode(sym, (const unsigned char *)data, (int)strlen(data));
	if (rc < ZINT_ERROR)
		rc = ZBarcode_Buffer_Vector(sym, 0);
	if (rc >= ZINT_ERROR || !sym->vector || sym->width <= 0) {
		snprintf(L->why, L->why_size, "cannot make the barcode of %s: zint: %s", data,
			 sym->errtxt);
		err = LABEL_ECODE;
		goto out;
	}
	for (mod = max_x; mod > BAR_MIN && (sym->width + 2 * QUIET) * mod > w;)
		mod--;
	if ((sym->width + 2 * QUIET) * mod > w) {
		snprintf(L->why, L->why_size,
			 "the barcode of %s is too long for this label (%d modules): a "
			 "larger size holds it",
			 data, sym->width);
		err = LABEL_ECODE;
		goto out;
	}
	/* zint's vector counts its own units per module: bring them to MOD dots. */
	unit = mod * sym->width / (double)sym->vector->width;
	x = round(x0) + QUIET * mod;
	for (const struct zint_vector_rect *r = sym->vector->rectangles; r; r = r->next)
		cairo_rectangle(L->cr, x + round(r->x * unit), round(y), round(r->width * unit),
				round(h));
	cairo_set_source_rgb(L->cr, 0, 0, 0);
	cairo_fill(L->cr);
	*used = sym->width * mod;
out:
	ZBarcode_Delete(sym);
	return err;
}

/* The QR code of TEXT, MODULE dots a module, top left (its quiet zone included) at X, Y;
 * *SIDE gets its width. */
static enum label_err qr(struct label_ctx *L, const char *text, double x, double y, int module,
			 double *side)
{
	QRcode *code = NULL;

	if (pdf_qr_encode(text, &code, L->why, L->why_size) != PDF_OK)
		return LABEL_ECODE;
	*side = (code->width + 2 * QR_QUIET) * module;
	pdf_qr_draw(L->cr, code, round(x), round(y), *side);
	QRcode_free(code);
	return LABEL_OK;
}

/* The side of TEXT's QR code at MODULE dots, without drawing it (0 when it has none). */
static double qr_side(const char *text, int module)
{
	QRcode *code = NULL;
	char why[128];
	double side;

	if (!text || pdf_qr_encode(text, &code, why, sizeof(why)) != PDF_OK)
		return 0;
	side = (code->width + 2 * QR_QUIET) * module;
	QRcode_free(code);
	return side;
}

/* The barcode of LAB across the foot of box B, with its text under it. */
static enum label_err foot_code(struct label_ctx *L, struct box *b, const json_t *lab)
{
	const struct label_look *k = b->look;
	const char *code = json_string_value(json_object_get(lab, "code"));
	const char *kind = json_string_value(json_object_get(lab, "code_kind"));
	double text_h = PT(k->small_pt) * 1.3, top = b->y + b->h - k->margin - text_h - k->bar_h;
	double used = 0;
	char caption[TEXT_MAX], clean[LABEL_CODE_MAX + 1];
	enum label_err err;

	if (!code)
		return LABEL_OK;
	err =
	    code128(L, code, b->x + k->margin, top, b->w - 2 * k->margin, k->bar, k->bar_h, &used);
	if (err)
		return err;
	report_text(json_object_get(lab, "code"), clean, sizeof(clean));
	if (kind && !strcmp(kind, "imei"))
		report_fill(L->w.imei, clean, "", caption, sizeof(caption));
	else if (kind && !strcmp(kind, "serial"))
		report_fill(L->w.serial, clean, "", caption, sizeof(caption));
	else
		snprintf(caption, sizeof(caption), "%s", clean);
	fit_text(L->cr, b->x + k->margin + QUIET * k->bar, top + k->bar_h + PT(k->small_pt) * 1.1,
		 b->w - 2 * k->margin, k->small_pt, 0, 1, caption);
	return LABEL_OK;
}

/* ---- the two labels ---- */

/* A device's label: name, storage, colour, grade, battery, stock number; its QR code on
 * the right (small) or in the middle (tall); its barcode at the foot. */
static enum label_err device_label(struct label_ctx *L, struct box *b, const json_t *lab)
{
	const struct label_look *k = b->look;
	const char *qr_text = json_string_value(json_object_get(lab, "qr"));
	char name[TEXT_MAX], st[64], col[TEXT_MAX], gr[TEXT_MAX], bat[64], stock[64];
	char l2[2 * TEXT_MAX], l3[4 * TEXT_MAX], cert[TEXT_MAX], id[128], gl[TEXT_MAX + 64];
	char bl[128];
	int tall = k == &look_tall;
	double side = 0;
	enum label_err err;
	const char *nm = text_of(lab, "name", name, sizeof(name));
	const char *stg = storage(L, lab, st, sizeof(st));
	const char *colour = text_of(lab, "colour", col, sizeof(col));
	const char *graded = grade(lab, tall, gr, sizeof(gr));
	const char *batt = battery(L, lab, bat, sizeof(bat));
	const char *sn = text_of(lab, "stock", stock, sizeof(stock));

	if (!tall) {
		side = qr_side(qr_text, k->qr_module);
		if (qr_text) {
			err = qr(L, qr_text, b->x + b->w - k->margin / 3 - side,
				 b->y + k->margin / 3, k->qr_module, &side);
			if (err)
				return err;
		}
		b->cw = b->w - 2 * k->margin - (side ? side - QR_QUIET * k->qr_module : 0);
		line(L, b, k->name_pt, 1, 0, nm);
		snprintf(l2, sizeof(l2), "%s " DOT " %s", stg, colour);
		line(L, b, k->body_pt, 0, 0, l2);
		if (graded)
			report_fill(L->w.grade, graded, "", gl, sizeof(gl));
		else
			snprintf(gl, sizeof(gl), "%s", L->w.not_graded);
		report_fill(L->w.battery, batt, "", bl, sizeof(bl));
		snprintf(l3, sizeof(l3), "%s " DOT " %s", gl, bl);
		line(L, b, k->body_pt, 0, 0, l3);
		if (!qr_text) {
			snprintf(l3, sizeof(l3), "%s " DOT " %s", sn, L->w.not_certified);
			line(L, b, k->stock_pt, 1, 0, l3);
		} else {
			line(L, b, k->stock_pt, 1, 1, sn);
		}
		return foot_code(L, b, lab);
	}
	/* The tall label: rows with their names, the QR code in the middle. */
	b->cy += PT(2);
	line(L, b, k->name_pt, 1, 0, nm);
	b->cy += PT(4);
	row(L, b, L->w.storage, stg);
	row(L, b, L->w.colour, colour);
	row(L, b, L->w.cosmetic, graded ? graded : L->w.not_graded);
	row(L, b, L->w.health, batt);
	b->cy += PT(4);
	fit_text(L->cr, b->cx, b->cy + PT(k->small_pt), b->cw, k->small_pt, 0, 0, L->w.stock);
	b->cy += PT(k->small_pt) * 1.3;
	line(L, b, k->stock_pt, 1, 1, sn);
	b->cy += PT(4);
	if (qr_text) {
		side = qr_side(qr_text, k->qr_module);
		err = qr(L, qr_text, b->x + (b->w - side) / 2, b->cy, k->qr_module, &side);
		if (err)
			return err;
		b->cy += side;
		report_fill(L->w.certificate, text_of(lab, "certificate", id, sizeof(id)), "", cert,
			    sizeof(cert));
		font(L->cr, k->small_pt, 0, 1);
		fit_text(L->cr, b->x + (b->w - pdf_text_width(L->cr, cert, strlen(cert))) / 2,
			 b->cy + PT(k->small_pt), b->cw, k->small_pt, 0, 1, cert);
	} else {
		b->cy += PT(20);
		line(L, b, k->stock_pt, 1, 0, L->w.not_certified);
	}
	return foot_code(L, b, lab);
}

/* The intake label: "Intake · day", the stock number in large type, what is known of the
 * device, and the stock number's barcode. */
static enum label_err intake_label(struct label_ctx *L, struct box *b, const json_t *lab)
{
	const struct label_look *k = b->look;
	char day[64], when[TEXT_MAX], head[2 * TEXT_MAX], stock[64], name[TEXT_MAX];
	const char *model = text_of(lab, "name", name, sizeof(name));

	report_fill(L->w.arrived,
		    report_day(L->conv, json_object_get(lab, "date_ms"), day, sizeof(day)), "",
		    when, sizeof(when));
	snprintf(head, sizeof(head), "%s " DOT " %s", L->w.intake, when);
	line(L, b, k->body_pt, 1, 0, head);
	line(L, b, k->big_stock_pt, 1, 1, text_of(lab, "stock", stock, sizeof(stock)));
	line(L, b, k->body_pt + 1, 0, 0, strcmp(model, REPORT_DASH) ? model : L->w.unknown_device);
	return foot_code(L, b, lab);
}

static enum label_err draw_one(struct label_ctx *L, double x, double y, const struct label_look *k,
			       const json_t *lab)
{
	struct box b = { .x = round(x), .y = round(y), .w = k->w, .h = k->h, .look = k };

	b.cx = b.x + k->margin;
	b.cy = b.y + k->margin;
	b.cw = b.w - 2 * k->margin;
	return L->intake ? intake_label(L, &b, lab) : device_label(L, &b, lab);
}

/* ---- the document ---- */

static const struct label_size *size_named(const char *name)
{
	for (size_t i = 0; name && i < sizeof(label_sizes) / sizeof(label_sizes[0]); i++)
		if (!strcmp(label_sizes[i].name, name))
			return &label_sizes[i];
	return NULL;
}

static int short_text(const json_t *v, size_t max)
{
	return json_is_null(v) || !v || (json_is_string(v) && json_string_length(v) <= max);
}

/* 0 when DOC is a document the labels can be drawn from; else LABEL_EBADDOC and WHY. */
static enum label_err check(const json_t *doc, char *why, size_t size)
{
	static const char *const texts[] = { "stock",	    "name",	 "colour",     "grade",
					     "grade_label", "code_kind", "certificate" };
	const json_t *labs = json_object_get(doc, "labels"), *lab;
	const char *out = json_string_value(json_object_get(doc, "output"));
	const struct label_size *sz = size_named(json_string_value(json_object_get(doc, "size")));
	size_t i;

	const char *format = json_string_value(json_object_get(doc, "format"));

	if (!json_is_object(doc) || !format || strcmp(format, "atelier-label/1")) {
		snprintf(why, size, "the labels' document is not atelier-label/1");
		return LABEL_EBADDOC;
	}
	if (!sz || !out || (strcmp(out, "pdf") && strcmp(out, "png"))) {
		snprintf(why, size, "the labels' document has no size or output it knows");
		return LABEL_EBADDOC;
	}
	if (!json_is_array(labs) || json_array_size(labs) == 0 ||
	    json_array_size(labs) > LABEL_MAX) {
		snprintf(why, size, "the labels' document holds 1 to %d labels", LABEL_MAX);
		return LABEL_EBADDOC;
	}
	if (!strcmp(out, "png") &&
	    json_array_size(labs) > (size_t)(sz->sheet ? LABEL_SHEET_CELLS : 1)) {
		snprintf(why, size, "a PNG holds one label or one A4 sheet of %d: %zu were asked",
			 LABEL_SHEET_CELLS, json_array_size(labs));
		return LABEL_EBADDOC;
	}
	json_array_foreach (labs, i, lab) {
		if (!json_is_object(lab) || !json_is_string(json_object_get(lab, "stock"))) {
			snprintf(why, size, "label %zu has no stock number", i + 1);
			return LABEL_EBADDOC;
		}
		for (size_t k = 0; k < sizeof(texts) / sizeof(texts[0]); k++)
			if (!short_text(json_object_get(lab, texts[k]), TEXT_MAX - 1)) {
				snprintf(why, size,
					 "label %zu: its %s is not a text of %d bytes at most",
					 i + 1, texts[k], TEXT_MAX - 1);
				return LABEL_EBADDOC;
			}
		if (!short_text(json_object_get(lab, "code"), LABEL_CODE_MAX) ||
		    !short_text(json_object_get(lab, "qr"), 512)) {
			snprintf(why, size, "label %zu: its barcode or QR text is too long", i + 1);
			return LABEL_EBADDOC;
		}
	}
	return LABEL_OK;
}

/* Draw the labels of LABS on pages of SZ, starting a page when one is full. */
static enum label_err draw_all(struct label_ctx *L, const struct label_size *sz, const json_t *labs)
{
	const json_t *lab;
	size_t i;

	json_array_foreach (labs, i, lab) {
		const struct label_look *k = sz->h > 1000 && !sz->sheet ? &look_tall : &look_small;
		double x = 0, y = 0;
		enum label_err err;

		if (sz->sheet) {
			size_t cell = i % LABEL_SHEET_CELLS;

			if (cell == 0 && i > 0)
				cairo_show_page(L->cr);
			/* The label's design, centred in its cell of the sheet. */
			x = SHEET_LEFT + (double)(cell % SHEET_COLS) * CELL_PITCH_X +
			    (CELL_W - k->w) / 2;
			y = SHEET_TOP + (double)(cell / SHEET_COLS) * CELL_H + (CELL_H - k->h) / 2;
		} else if (i > 0) {
			cairo_show_page(L->cr);
		}
		if (!sz->sheet || i % LABEL_SHEET_CELLS == 0) {
			/* Each page white first: a PNG would start black. */
			cairo_set_source_rgb(L->cr, 1, 1, 1);
			cairo_paint(L->cr);
		}
		err = draw_one(L, x, y, k, lab);
		if (err)
			return err;
	}
	return LABEL_OK;
}

static enum label_err write_error(const char *file, cairo_status_t st, char *why, size_t size)
{
	snprintf(why, size, "cannot write %s: %s", file, cairo_status_to_string(st));
	return LABEL_EWRITE;
}

enum label_err label_write(const json_t *doc, const char *file, char *why, size_t size)
{
	const struct label_size *sz;
	struct label_ctx L = { .why = why, .why_size = size };
	cairo_surface_t *surface = NULL;
	cairo_status_t st;
	enum label_err err;
	int pdf, opened = 0;

	assert(file && why && size > 0);
	why[0] = '\0';
	err = check(doc, why, size);
	if (err)
		return err;
	sz = size_named(json_string_value(json_object_get(doc, "size")));
	pdf = !strcmp(json_string_value(json_object_get(doc, "output")), "pdf");
	L.intake = json_is_true(json_object_get(doc, "intake"));
	L.conv = report_lang(json_string_value(json_object_get(doc, "lang")));
	label_words(&L.w);
	if (pdf) {
		surface = cairo_pdf_surface_create(file, sz->w * 72.0 / DPI, sz->h * 72.0 / DPI);
		opened = 1;
	} else {
		surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, (int)sz->w, (int)sz->h);
	}
	st = cairo_surface_status(surface);
	if (st != CAIRO_STATUS_SUCCESS) {
		err = write_error(file, st, why, size);
		goto out;
	}
	if (pdf)
		cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR,
					       "atelier " ATELIER_VERSION);
	L.cr = cairo_create(surface);
	if (pdf)
		cairo_scale(L.cr, 72.0 / DPI, 72.0 / DPI);
	err = draw_all(&L, sz, json_object_get(doc, "labels"));
	if (err)
		goto out;
	st = cairo_status(L.cr);
	if (st == CAIRO_STATUS_SUCCESS && pdf) {
		cairo_show_page(L.cr);
		cairo_surface_finish(surface);
		st = cairo_surface_status(surface);
	} else if (st == CAIRO_STATUS_SUCCESS) {
		cairo_surface_flush(surface);
		st = cairo_surface_write_to_png(surface, file);
		opened = 1;
	}
	if (st != CAIRO_STATUS_SUCCESS)
		err = write_error(file, st, why, size);
out:
	if (L.cr)
		cairo_destroy(L.cr);
	if (surface)
		cairo_surface_destroy(surface);
	if (err && opened)
		report_remove_partial(file);
	return err;
}

const char *label_strerror(enum label_err err)
{
	switch (err) {
	case LABEL_OK:
		return "success";
	case LABEL_EBADDOC:
		return "the labels' document lacks something the labels need";
	case LABEL_ECODE:
		return "a barcode or QR code cannot be made";
	case LABEL_EWRITE:
		return "cannot write the labels";
	}
	return "unknown label error";
}
