/*
 * The training record as an A4 PDF (report/report.h), drawn with cairo.
 *
 * The pages are laid out top to bottom by a cursor (struct page). A table row is measured
 * before it is drawn and goes whole to the next page when it does not fit, the table's
 * head drawn again above it. The whole record is laid out twice: once without drawing,
 * to count the pages ("Page 2 of 3" in every footer), then for real. Text is drawn with
 * cairo's toy API, so that the PDF holds real text (it can be searched, read back and
 * copied), broken into lines by cert/pdf_text.
 */
#include "report/report.h"

#include <assert.h>
#include <cairo-pdf.h>
#include <cairo.h>
#include <stdio.h>
#include <string.h>

#include "cert/pdf_text.h"

#define PAGE_W 595.28 /* A4 in points */
#define PAGE_H 841.89
#define MARGIN 42.0
#define CONTENT_W (PAGE_W - 2 * MARGIN)
#define FOOT_H 26.0			  /* the footer's band at the bottom of each page */
#define BOTTOM (PAGE_H - MARGIN - FOOT_H) /* nothing of the body below this */
#define LINE 1.3			  /* line height, in font sizes */
#define CELL_PAD 4.0			  /* between the columns of a table */
#define CHART_H 150.0
#define CHART_LEFT 40.0 /* room for the percentages on the left of the chart */
#define FONT "DejaVu Sans"
#define COLS_MAX 7

struct font {
	double size;
	int bold;
	double gray; /* 0 black .. 1 white */
};

static const struct font F_TITLE = { 18.0, 1, 0.0 };
static const struct font F_NAME = { 14.0, 1, 0.15 };
static const struct font F_SECTION = { 12.0, 1, 0.1 };
static const struct font F_LABEL = { 8.5, 0, 0.4 };
static const struct font F_BODY = { 9.5, 0, 0.0 };
static const struct font F_TABLE = { 8.5, 0, 0.0 };
static const struct font F_THEAD = { 7.5, 1, 0.35 };
static const struct font F_SMALL = { 7.5, 0, 0.35 };

/* A column of a table: its head, its width (0: what the others leave), numbers on the
 * right, and the words of its cells that must not be cut. */
struct col {
	const char *head;
	double w;
	int right;
	const char *words; /* words its cells may hold whole (a verdict, a day), or NULL */
};

struct page {
	cairo_t *cr;
	const json_t *doc;
	struct report_words w;
	const struct report_conv *c;
	double y;     /* top of the next line */
	int n, pages; /* this page's number; the count (from the first layout) */
	int dry;      /* lay out only: draw nothing */
	/* The table under way (its head drawn again on a new page): its columns as laid out,
	 * and their left edges from the margin. */
	struct col cols[COLS_MAX];
	double x[COLS_MAX];
	size_t n_cols;
};

/* ---- drawing primitives ---- */

static void use_font(struct page *pg, const struct font *f)
{
	cairo_select_font_face(pg->cr, FONT, CAIRO_FONT_SLANT_NORMAL,
			       f->bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
	cairo_set_font_size(pg->cr, f->size);
	cairo_set_source_rgb(pg->cr, f->gray, f->gray, f->gray);
}

/* Draw T at X with its top at Y, in the font selected; right-aligned on X when RIGHT. */
static void show(struct page *pg, double x, double y, const struct font *f, const char *t,
		 int right)
{
	if (pg->dry)
		return;
	if (right)
		x -= pdf_text_width(pg->cr, t, strlen(t));
	cairo_move_to(pg->cr, x, y + f->size * 0.95);
	cairo_show_text(pg->cr, t);
}

/* T in font F wrapped to width W at X, from the top Y: the height it takes, drawn unless
 * MEASURE. */
static double wrap_at(struct page *pg, double x, double y, double w, const struct font *f,
		      const char *t, int right, int measure)
{
	char line[PDF_TEXT_LINE_MAX];
	size_t n = strlen(t);
	double h = 0;

	use_font(pg, f);
	while (pdf_text_next_line(pg->cr, &t, &n, w, line, sizeof(line))) {
		if (!measure)
			show(pg, right ? x + w : x, y + h, f, line, right);
		h += f->size * LINE;
	}
	return h;
}

static void rule(struct page *pg, double y, double gray)
{
	if (pg->dry)
		return;
	cairo_set_source_rgb(pg->cr, gray, gray, gray);
	cairo_set_line_width(pg->cr, 0.5);
	cairo_move_to(pg->cr, MARGIN, y);
	cairo_line_to(pg->cr, MARGIN + CONTENT_W, y);
	cairo_stroke(pg->cr);
}

/* The footer of this page: what made it, and "Page N of M". */
static void footer(struct page *pg)
{
	char n[16], total[16], text[128];

	use_font(pg, &F_SMALL);
	rule(pg, PAGE_H - MARGIN - FOOT_H / 2, 0.75);
	show(pg, MARGIN, PAGE_H - MARGIN - FOOT_H / 2 + 4, &F_SMALL, pg->w.footer, 0);
	snprintf(n, sizeof(n), "%d", pg->n);
	snprintf(total, sizeof(total), "%d", pg->pages ? pg->pages : pg->n);
	show(pg, MARGIN + CONTENT_W, PAGE_H - MARGIN - FOOT_H / 2 + 4, &F_SMALL,
	     report_fill(pg->w.page, n, total, text, sizeof(text)), 1);
}

static void table_head(struct page *pg);

/* Go on at the top of the next page; a table under way shows its head again there. */
static void next_page(struct page *pg)
{
	char name[256], head[400];

	footer(pg);
	if (!pg->dry)
		cairo_show_page(pg->cr);
	pg->n++;
	pg->y = MARGIN;
	/* A loose page still says whose record it is. */
	snprintf(head, sizeof(head), "%s \xe2\x80\x94 %s", pg->w.title,
		 report_text(json_object_get(pg->doc, "trainee"), name, sizeof(name)));
	pg->y += wrap_at(pg, MARGIN, pg->y, CONTENT_W, &F_SMALL, head, 0, 0) + 8;
	if (pg->n_cols)
		table_head(pg);
}

/* Room for H more points on this page, else the next one. */
static void need(struct page *pg, double h)
{
	if (pg->y + h > BOTTOM && pg->y > MARGIN + 40)
		next_page(pg);
}

static void section(struct page *pg, const char *title)
{
	pg->n_cols = 0;
	need(pg, 18 + F_SECTION.size * LINE + 3 * F_BODY.size * LINE); /* never alone at the foot */
	pg->y += 16;
	pg->y += wrap_at(pg, MARGIN, pg->y, CONTENT_W, &F_SECTION, title, 0, 0);
	rule(pg, pg->y + 1, 0.55);
	pg->y += 6;
}

/* A paragraph of body text in font F. */
static void para(struct page *pg, const struct font *f, const char *t)
{
	double h = wrap_at(pg, MARGIN, pg->y, CONTENT_W, f, t, 0, 1);

	need(pg, h);
	pg->y += wrap_at(pg, MARGIN, pg->y, CONTENT_W, f, t, 0, 0) + 4;
}

/* ---- tables ---- */

/* One row of the table under way: CELLS in font F, moved whole to the next page when it
 * does not fit on this one. */
static void table_row(struct page *pg, const struct font *f, const char *const *cells)
{
	double h = 0;

	for (size_t i = 0; i < pg->n_cols; i++) {
		double one = wrap_at(pg, MARGIN + pg->x[i], pg->y, pg->cols[i].w, f, cells[i],
				     pg->cols[i].right, 1);

		h = one > h ? one : h;
	}
	need(pg, h + 3);
	for (size_t i = 0; i < pg->n_cols; i++)
		wrap_at(pg, MARGIN + pg->x[i], pg->y, pg->cols[i].w, f, cells[i], pg->cols[i].right,
			0);
	pg->y += h + 1;
	rule(pg, pg->y, 0.85);
	pg->y += 2;
}

static void table_head(struct page *pg)
{
	const char *cells[COLS_MAX];

	for (size_t i = 0; i < pg->n_cols; i++)
		cells[i] = pg->cols[i].head;
	table_row(pg, &F_THEAD, cells);
}

/* The width of the longest word of T in font F. */
static double widest_word(struct page *pg, const struct font *f, const char *t)
{
	double most = 0;

	use_font(pg, f);
	while (*t) {
		size_t n = strcspn(t, " ");
		double w = pdf_text_width(pg->cr, t, n);

		most = w > most ? w : most;
		t += n + strspn(t + n, " ");
	}
	return most;
}

/* Start a table of N columns COLS here. A column narrower than the longest word of its
 * head (or of its words) grows, in any language ("Goedgekeurde"), and the column of width
 * 0 gives the room up. */
static void table(struct page *pg, const struct col *cols, size_t n)
{
	double used = 0, x = 0;
	size_t rest = 0;

	assert(n <= COLS_MAX);
	for (size_t i = 0; i < n; i++) {
		double least = widest_word(pg, &F_THEAD, cols[i].head) + 1;

		if (cols[i].words && widest_word(pg, &F_TABLE, cols[i].words) + 1 > least)
			least = widest_word(pg, &F_TABLE, cols[i].words) + 1;

		pg->cols[i] = cols[i];
		if (cols[i].w == 0)
			rest = i;
		else if (pg->cols[i].w < least)
			pg->cols[i].w = least;
		used += pg->cols[i].w + (i ? CELL_PAD : 0);
	}
	pg->cols[rest].w = CONTENT_W - used > 40 ? CONTENT_W - used : 40;
	for (size_t i = 0; i < n; i++) {
		pg->x[i] = x;
		x += pg->cols[i].w + CELL_PAD;
	}
	pg->n_cols = n;
	need(pg, 4 * F_TABLE.size * LINE); /* a head never alone at the foot of a page */
	table_head(pg);
}

/* ---- the sections ---- */

/* One label and its value in the header. */
static void fact(struct page *pg, const char *label, const struct font *f, const char *value)
{
	double h = wrap_at(pg, MARGIN + 110, pg->y, CONTENT_W - 110, f, value, 0, 1);

	wrap_at(pg, MARGIN, pg->y + (f->size - F_LABEL.size) * 0.9, 104, &F_LABEL, label, 0, 0);
	wrap_at(pg, MARGIN + 110, pg->y, CONTENT_W - 110, f, value, 0, 0);
	pg->y += h + 2;
}

static void header(struct page *pg)
{
	const json_t *d = pg->doc;
	char name[REPORT_TEXT_MAX], place[REPORT_TEXT_MAX], line[2 * REPORT_TEXT_MAX + 8];
	char a[64], z[64], period[160], made[64];

	pg->y += wrap_at(pg, MARGIN, pg->y, CONTENT_W, &F_TITLE, pg->w.title, 0, 0) + 2;
	/* whose record it is, first and without a label, as a certificate names its holder */
	pg->y += wrap_at(pg, MARGIN, pg->y, CONTENT_W, &F_NAME,
			 report_text(json_object_get(d, "trainee"), name, sizeof(name)), 0, 0) +
		 8;
	if (json_is_string(json_object_get(d, "workshop"))) {
		report_text(json_object_get(d, "workshop"), name, sizeof(name));
		if (json_is_string(json_object_get(d, "place")))
			snprintf(line, sizeof(line), "%s, %s", name,
				 report_text(json_object_get(d, "place"), place, sizeof(place)));
		else
			snprintf(line, sizeof(line), "%s", name);
		fact(pg, pg->w.workshop, &F_BODY, line);
	}
	snprintf(period, sizeof(period), "%s \xe2\x80\x93 %s",
		 report_day(pg->c, json_object_get(d, "from_ms"), a, sizeof(a)),
		 report_day(pg->c, json_object_get(d, "until_ms"), z, sizeof(z)));
	fact(pg, pg->w.period, &F_BODY, period);
	fact(pg, pg->w.made_on, &F_BODY,
	     report_day(pg->c, json_object_get(d, "made_ms"), made, sizeof(made)));
}

static void signoffs(struct page *pg)
{
	const json_t *list = json_object_get(pg->doc, "signoffs"), *s;
	const struct col cols[] = { { pg->w.competence, 240, 0, NULL },
				    { pg->w.signed_on, 100, 0, NULL },
				    { pg->w.instructor, 0, 0, NULL } };
	char comp[REPORT_TEXT_MAX], day[64], by[256];
	size_t i;

	section(pg, pg->w.signoffs);
	if (!json_array_size(list)) {
		para(pg, &F_BODY, pg->w.no_signoffs);
		return;
	}
	table(pg, cols, 3);
	json_array_foreach (list, i, s) {
		const char *cells[] = {
			report_text(json_object_get(s, "competence"), comp, sizeof(comp)),
			report_day(pg->c, json_object_get(s, "t_ms"), day, sizeof(day)),
			report_text(json_object_get(s, "by"), by, sizeof(by)),
		};

		table_row(pg, &F_TABLE, cells);
	}
}

static void checklist_row(struct page *pg, const json_t *c)
{
	char title[REPORT_TEXT_MAX], jobs[32], approved[32], rate[32], redos[32], avg[48];
	char minutes[64], trend[160];
	const char *cells[7] = {
		report_text(json_object_get(c, "title"), title, sizeof(title)),
		report_int(pg->c, json_integer_value(json_object_get(c, "jobs")), jobs,
			   sizeof(jobs)),
		report_int(pg->c, json_integer_value(json_object_get(c, "approved")), approved,
			   sizeof(approved)),
		report_percent(pg->c, json_object_get(c, "first_time_rate"), rate, sizeof(rate)),
		report_int(pg->c, json_integer_value(json_object_get(c, "redos")), redos,
			   sizeof(redos)),
		minutes,
		report_trend(&pg->w, pg->c, json_object_get(c, "trend"), trend, sizeof(trend)),
	};

	if (json_is_number(json_object_get(c, "average_minutes")))
		snprintf(minutes, sizeof(minutes), "%s" REPORT_NBSP "min",
			 report_decimal(pg->c, json_object_get(c, "average_minutes"), 1, avg,
					sizeof(avg)));
	else
		snprintf(minutes, sizeof(minutes), "%s", REPORT_DASH);
	table_row(pg, &F_TABLE, cells);
}

static void work(struct page *pg)
{
	const json_t *list = json_object_get(pg->doc, "checklists"), *c;
	const struct col cols[] = {
		{ pg->w.checklist, 110, 0, NULL }, { pg->w.jobs, 40, 1, NULL },
		{ pg->w.approved, 50, 1, NULL },   { pg->w.first_time, 56, 1, NULL },
		{ pg->w.redos, 40, 1, NULL },	   { pg->w.average_time, 48, 1, NULL },
		{ pg->w.trend, 0, 0, NULL },
	};
	size_t i;

	section(pg, pg->w.work);
	if (!json_array_size(list)) {
		para(pg, &F_BODY, pg->w.no_work);
		return;
	}
	table(pg, cols, 7);
	json_array_foreach (list, i, c)
		checklist_row(pg, c);
}

/* The chart's frame: lines at 0, 25, 50, 75 and 100 % of the maximum, labelled. */
static void chart_grid(struct page *pg, double left, double w, double top)
{
	char pct[32];

	for (int k = 0; k <= 4; k++) {
		double y = top + CHART_H * (1 - k / 4.0);
		json_t *share = json_real(k / 4.0);

		cairo_set_source_rgb(pg->cr, 0.82, 0.82, 0.82);
		cairo_set_line_width(pg->cr, 0.5);
		cairo_move_to(pg->cr, left, y);
		cairo_line_to(pg->cr, left + w, y);
		cairo_stroke(pg->cr);
		use_font(pg, &F_SMALL);
		show(pg, left - 4, y - F_SMALL.size / 2, &F_SMALL,
		     report_percent(pg->c, share, pct, sizeof(pct)), 1);
		json_decref(share);
	}
}

/* The scores over time: a line through each point, a dot on each, the first and last
 * days below. */
static void chart(struct page *pg, const json_t *points)
{
	size_t n = json_array_size(points), i;
	double left = MARGIN + CHART_LEFT, w = CONTENT_W - CHART_LEFT - 8, top, x, y;
	const json_t *p;
	char day[64];

	need(pg, CHART_H + 24);
	top = pg->y + 4;
	if (!pg->dry) {
		chart_grid(pg, left, w, top);
		cairo_new_path(pg->cr); /* the labels' text left a current point */
		cairo_set_source_rgb(pg->cr, 0.12, 0.37, 0.66);
		cairo_set_line_width(pg->cr, 1.5);
		json_array_foreach (points, i, p) {
			report_chart_xy(i, n, json_object_get(p, "share"), &x, &y);
			cairo_line_to(pg->cr, left + w * x, top + CHART_H * y);
		}
		cairo_stroke(pg->cr);
		json_array_foreach (points, i, p) {
			report_chart_xy(i, n, json_object_get(p, "share"), &x, &y);
			cairo_new_sub_path(pg->cr);
			cairo_arc(pg->cr, left + w * x, top + CHART_H * y, n > 40 ? 1.3 : 2.4, 0,
				  2 * 3.14159265358979);
		}
		cairo_fill(pg->cr);
		use_font(pg, &F_SMALL);
		show(pg, left, top + CHART_H + 4, &F_SMALL,
		     report_day(pg->c, json_object_get(json_array_get(points, 0), "t_ms"), day,
				sizeof(day)),
		     0);
		show(pg, left + w, top + CHART_H + 4, &F_SMALL,
		     report_day(pg->c, json_object_get(json_array_get(points, n - 1), "t_ms"), day,
				sizeof(day)),
		     1);
	}
	pg->y = top + CHART_H + 20;
}

static void item_row(struct page *pg, const json_t *it)
{
	char title[REPORT_TEXT_MAX], item[REPORT_TEXT_MAX], line[2 * REPORT_TEXT_MAX + 8];
	char avg[48], max[32], out_of[96], count[32];
	const char *cells[3] = { line, out_of,
				 report_int(pg->c, json_integer_value(json_object_get(it, "count")),
					    count, sizeof(count)) };

	snprintf(line, sizeof(line), "%s \xe2\x80\x94 %s",
		 report_text(json_object_get(it, "title"), title, sizeof(title)),
		 report_text(json_object_get(it, "item_title"), item, sizeof(item)));
	snprintf(out_of, sizeof(out_of), "%s / %s",
		 report_decimal(pg->c, json_object_get(it, "average"), 1, avg, sizeof(avg)),
		 json_is_integer(json_object_get(it, "max"))
		     ? report_int(pg->c, json_integer_value(json_object_get(it, "max")), max,
				  sizeof(max))
		     : REPORT_DASH);
	table_row(pg, &F_TABLE, cells);
}

static void scores(struct page *pg)
{
	const json_t *points = json_object_get(json_object_get(pg->doc, "scores"), "points");
	const json_t *items = json_object_get(json_object_get(pg->doc, "scores"), "items"), *it;
	const struct col cols[] = { { pg->w.item, 0, 0, NULL },
				    { pg->w.average, 80, 1, NULL },
				    { pg->w.scored, 90, 1, NULL } };
	long long per = json_integer_value(json_object_get(json_array_get(points, 0), "grades"));
	char n[32], note[512];
	size_t i;

	section(pg, pg->w.scores);
	if (!json_array_size(points) && !json_array_size(items)) {
		para(pg, &F_BODY, pg->w.no_scores);
		return;
	}
	if (json_array_size(points)) {
		para(pg, &F_SMALL,
		     per > 1 ? report_fill(pg->w.chart_group, report_int(pg->c, per, n, sizeof(n)),
					   "", note, sizeof(note))
			     : pg->w.chart_one);
		chart(pg, points);
	}
	table(pg, cols, 3);
	json_array_foreach (items, i, it)
		item_row(pg, it);
}

static void feedback_row(struct page *pg, const json_t *f)
{
	char day[64], title[REPORT_TEXT_MAX], job[64], num[32], what[REPORT_TEXT_MAX + 80];
	char by[256], text[REPORT_TEXT_MAX];
	const char *cells[5] = { report_day(pg->c, json_object_get(f, "t_ms"), day, sizeof(day)),
				 what, report_verdict(&pg->w, json_object_get(f, "verdict")),
				 report_text(json_object_get(f, "by"), by, sizeof(by)),
				 report_text(json_object_get(f, "feedback"), text, sizeof(text)) };

	report_fill(
	    pg->w.job,
	    report_int(pg->c, json_integer_value(json_object_get(f, "job")), num, sizeof(num)), "",
	    job, sizeof(job));
	snprintf(what, sizeof(what), "%s (%s)",
		 report_text(json_object_get(f, "title"), title, sizeof(title)), job);
	table_row(pg, &F_TABLE, cells);
}

static void feedback(struct page *pg)
{
	const json_t *list = json_object_get(pg->doc, "feedback"), *f;
	char n[32], total[32], note[512], day[64], verdicts[128];
	const struct col cols[] = {
		{ pg->w.date, 50, 0, day },	    { pg->w.checklist, 106, 0, NULL },
		{ pg->w.verdict, 50, 0, verdicts }, { pg->w.by, 76, 0, NULL },
		{ pg->w.feedback, 0, 0, NULL },
	};
	size_t i;

	report_day(pg->c, json_object_get(pg->doc, "made_ms"), day, sizeof(day));
	snprintf(verdicts, sizeof(verdicts), "%s %s", pg->w.verdict_approved, pg->w.verdict_redo);

	section(pg, pg->w.feedback);
	if (!json_array_size(list)) {
		para(pg, &F_BODY, pg->w.no_feedback);
		return;
	}
	para(pg, &F_SMALL,
	     report_fill(
		 pg->w.latest, report_int(pg->c, (long long)json_array_size(list), n, sizeof(n)),
		 report_int(pg->c, json_integer_value(json_object_get(pg->doc, "feedback_total")),
			    total, sizeof(total)),
		 note, sizeof(note)));
	table(pg, cols, 5);
	json_array_foreach (list, i, f)
		feedback_row(pg, f);
}

/* The whole record from the first page; the last page's footer included. */
static void lay_out(struct page *pg)
{
	pg->n = 1;
	pg->y = MARGIN;
	pg->n_cols = 0;
	header(pg);
	signoffs(pg);
	work(pg);
	scores(pg);
	feedback(pg);
	footer(pg);
}

/* ---- the file ---- */

static void set_metadata(cairo_surface_t *surface, const struct page *pg)
{
	char name[256], title[400], workshop[REPORT_TEXT_MAX];

	snprintf(title, sizeof(title), "%s \xe2\x80\x94 %s", pg->w.title,
		 report_text(json_object_get(pg->doc, "trainee"), name, sizeof(name)));
	cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, title);
	if (json_is_string(json_object_get(pg->doc, "workshop")))
		cairo_pdf_surface_set_metadata(
		    surface, CAIRO_PDF_METADATA_AUTHOR,
		    report_text(json_object_get(pg->doc, "workshop"), workshop, sizeof(workshop)));
	cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR,
				       "atelier " ATELIER_VERSION);
}

static enum report_err write_error(const char *file, cairo_status_t st, char *why, size_t size)
{
	snprintf(why, size, "cannot write %s: %s", file, cairo_status_to_string(st));
	return REPORT_EWRITE;
}

enum report_err report_pdf_write(const json_t *doc, const char *file, char *why, size_t size)
{
	struct page pg = { .doc = doc };
	cairo_surface_t *surface;
	cairo_status_t st;
	enum report_err err = report_check(doc, why, size);

	if (err)
		return err;
	report_use_lang(json_string_value(json_object_get(doc, "lang")), &pg.w, &pg.c);
	surface = cairo_pdf_surface_create(file, PAGE_W, PAGE_H);
	st = cairo_surface_status(surface);
	if (st != CAIRO_STATUS_SUCCESS) {
		cairo_surface_destroy(surface);
		return write_error(file, st, why, size);
	}
	set_metadata(surface, &pg);
	pg.cr = cairo_create(surface);
	pg.dry = 1;
	lay_out(&pg); /* counts the pages */
	pg.pages = pg.n;
	pg.dry = 0;
	lay_out(&pg);
	cairo_show_page(pg.cr);
	cairo_surface_finish(surface);
	st = cairo_status(pg.cr);
	if (st == CAIRO_STATUS_SUCCESS)
		st = cairo_surface_status(surface);
	cairo_destroy(pg.cr);
	cairo_surface_destroy(surface);
	if (st != CAIRO_STATUS_SUCCESS) {
		report_remove_partial(file);
		return write_error(file, st, why, size);
	}
	return REPORT_OK;
}
