/*
 * The inventory as a landscape A4 PDF (report/report.h: report_inventory_pdf), drawn as
 * its rows are read: atelier sends them as JSON lines (svc_inventory.c), a head line
 * first ({workshop, made_ms}), then one object per device, then {"total": N}, the
 * devices listed (more than were sent when atelier stopped at SVC_INVENTORY_PDF_ROWS).
 * Each page is finished as soon as it is full, so memory stays flat whatever the count;
 * the columns are those a person reads on paper, each cell cut to its width with "…".
 */
#include "report/report.h"

#include <cairo-pdf.h>
#include <cairo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cert/pdf_text.h"
#include "util/clock.h"

#define PAGE_W 841.89 /* A4 landscape, in points */
#define PAGE_H 595.28
#define MARGIN 28.0
#define ROW_H 13.0
#define FONT "DejaVu Sans"
#define LINE_MAX_BYTES (64u << 10) /* one row as JSON */
#define CELL_MAX 256

static const struct {
	const char *key, *head;
	double w;
	int right;
} cols[] = {
	{ "stock_number", "Stock", 58, 0 },
	{ "marketing_name", "Model", 110, 0 },
	{ "storage_gb", "GB", 30, 1 },
	{ "colour", "Colour", 70, 0 },
	{ "grade", "Grade", 34, 0 },
	{ "battery_health_pct", "Battery %", 46, 1 },
	{ "imei1", "IMEI", 88, 0 },
	{ "serial", "Serial", 78, 0 },
	{ "state", "State", 56, 0 },
	{ "shelf", "Shelf", 70, 0 },
	{ "certificate", "Certificate", 110, 0 },
	{ "price", "Price", 54, 1 },
};

#define N_COLS (sizeof(cols) / sizeof(cols[0]))

struct sheet {
	cairo_t *cr;
	double y;
	int page;
	char title[256];
};

static void font(cairo_t *cr, double size, int bold, double gray)
{
	cairo_select_font_face(cr, FONT, CAIRO_FONT_SLANT_NORMAL,
			       bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
	cairo_set_font_size(cr, size);
	cairo_set_source_rgb(cr, gray, gray, gray);
}

/* TEXT cut to width W (with an ellipsis) drawn at X (its right edge when RIGHT), Y the
 * baseline. */
static void cell(cairo_t *cr, double x, double y, double w, const char *text, int right)
{
	char buf[CELL_MAX + 4];
	size_t n = strlen(text);

	if (n > CELL_MAX)
		n = CELL_MAX;
	memcpy(buf, text, n);
	buf[n] = '\0';
	for (char *p = buf; *p; p++)
		if ((unsigned char)*p < 0x20)
			*p = ' ';
	while (n > 0 && pdf_text_width(cr, buf, strlen(buf)) > w - 3) {
		/* back to the start of the previous UTF-8 character, then the ellipsis */
		do
			n--;
		while (n > 0 && ((unsigned char)buf[n] & 0xC0) == 0x80);
		memcpy(buf + n, "\xe2\x80\xa6", 4);
	}
	cairo_move_to(cr, right ? x + w - 3 - pdf_text_width(cr, buf, strlen(buf)) : x, y);
	cairo_show_text(cr, buf);
}

static void page_start(struct sheet *s)
{
	double x = MARGIN;

	s->page++;
	font(s->cr, 12, 1, 0);
	cairo_move_to(s->cr, MARGIN, MARGIN + 10);
	cairo_show_text(s->cr, s->title);
	font(s->cr, 7.5, 1, 0.3);
	for (size_t i = 0; i < N_COLS; i++) {
		cell(s->cr, x, MARGIN + 32, cols[i].w, cols[i].head, cols[i].right);
		x += cols[i].w;
	}
	cairo_set_source_rgb(s->cr, 0.5, 0.5, 0.5);
	cairo_set_line_width(s->cr, 0.5);
	cairo_move_to(s->cr, MARGIN, MARGIN + 36);
	cairo_line_to(s->cr, PAGE_W - MARGIN, MARGIN + 36);
	cairo_stroke(s->cr);
	s->y = MARGIN + 36 + ROW_H;
}

static void page_end(struct sheet *s)
{
	char foot[64];

	font(s->cr, 7, 0, 0.4);
	snprintf(foot, sizeof(foot), "%d", s->page);
	cell(s->cr, PAGE_W - MARGIN - 60, PAGE_H - MARGIN + 8, 60, foot, 1);
	cairo_show_page(s->cr);
}

static void row(struct sheet *s, const json_t *o)
{
	double x = MARGIN;

	if (s->y > PAGE_H - MARGIN - ROW_H) {
		page_end(s);
		page_start(s);
	}
	font(s->cr, 7.5, 0, 0);
	for (size_t i = 0; i < N_COLS; i++) {
		const json_t *v = json_object_get(o, cols[i].key);
		char num[32];
		const char *t = json_string_value(v);

		if (json_is_integer(v)) {
			snprintf(num, sizeof(num), "%lld", (long long)json_integer_value(v));
			t = num;
		} else if (json_is_real(v)) {
			snprintf(num, sizeof(num), strcmp(cols[i].key, "price") == 0 ? "%.2f" : "%.1f",
				 json_real_value(v));
			t = num;
		}
		cell(s->cr, x, s->y, cols[i].w, t ? t : "", cols[i].right);
		x += cols[i].w;
	}
	s->y += ROW_H;
}

enum report_err report_inventory_pdf(FILE *in, const char *lang, const char *file, char *why,
				     size_t size)
{
	cairo_surface_t *surface = cairo_pdf_surface_create(file, PAGE_W, PAGE_H);
	struct sheet s = { 0 };
	char *line = malloc(LINE_MAX_BYTES + 2);
	long long drawn = 0, total = -1;
	enum report_err err = REPORT_OK;
	int head = 1;

	(void)lang; /* the column heads are the inventory's own keys' words, in English */
	if (!line || cairo_surface_status(surface) != CAIRO_STATUS_SUCCESS) {
		snprintf(why, size, "cannot write %s", file);
		err = REPORT_EWRITE;
		goto out;
	}
	s.cr = cairo_create(surface);
	snprintf(s.title, sizeof(s.title), "Inventory");
	while (fgets(line, LINE_MAX_BYTES + 2, in)) {
		json_error_t jerr;
		json_t *o;

		if (strlen(line) > LINE_MAX_BYTES) {
			snprintf(why, size, "a row of the inventory is over %u bytes", LINE_MAX_BYTES);
			err = REPORT_EBADDOC;
			break;
		}
		o = json_loads(line, 0, &jerr);
		if (!json_is_object(o)) {
			json_decref(o);
			snprintf(why, size, "a row of the inventory is not JSON: %s", jerr.text);
			err = REPORT_EBADDOC;
			break;
		}
		if (head) {
			char day[16];
			const char *w = json_string_value(json_object_get(o, "workshop"));

			snprintf(s.title, sizeof(s.title), "Inventory%s%.120s, %s", w && *w ? " — " : "",
				 w && *w ? w : "",
				 clock_format_day(json_integer_value(json_object_get(o, "made_ms")),
						  day, sizeof(day)));
			page_start(&s);
			head = 0;
		} else if (json_object_get(o, "total")) {
			total = json_integer_value(json_object_get(o, "total"));
		} else {
			row(&s, o);
			drawn++;
		}
		json_decref(o);
	}
	if (!err && (head || total < 0)) {
		snprintf(why, size, "the inventory given to atelier-pdf stopped before its end");
		err = REPORT_EBADDOC;
	}
	if (!err) {
		char end[160];

		font(s.cr, 8, 1, 0);
		if (total > drawn)
			snprintf(end, sizeof(end),
				 "%lld devices; the first %lld are shown: the CSV lists them all", total,
				 drawn);
		else
			snprintf(end, sizeof(end), "%lld device%s", total, total == 1 ? "" : "s");
		if (s.y > PAGE_H - MARGIN - ROW_H) {
			page_end(&s);
			page_start(&s);
		}
		cairo_move_to(s.cr, MARGIN, s.y + 4);
		cairo_show_text(s.cr, end);
		page_end(&s);
	}
	cairo_destroy(s.cr);
	cairo_surface_finish(surface);
	if (!err && cairo_surface_status(surface) != CAIRO_STATUS_SUCCESS) {
		snprintf(why, size, "cannot write %s: %s", file,
			 cairo_status_to_string(cairo_surface_status(surface)));
		err = REPORT_EWRITE;
	}
out:
	cairo_surface_destroy(surface);
	free(line);
	return err;
}
