/*
 * pdf — the certificate of readiness for reuse as one A4 page.
 *
 * The page is laid out top to bottom by a cursor (struct pdf_page): every line of text
 * goes through show_line(), which advances the cursor and draws only what fits above the
 * bottom of the area. The body (everything but the signature block) is first laid out
 * without drawing to find the largest scale at which it fits; the signature block and
 * its QR code keep their size at the foot of the page so the code always scans.
 * Text is drawn with cairo's toy API (real text in the PDF, so it can be searched and
 * read back), wrapped by hand on spaces, or between characters when a word is too long.
 */
#include "cert/pdf.h"
#include "cert/pdf_text.h"
#include "probe/facts.h"

#include <assert.h>
#include <cairo-pdf.h>
#include <cairo.h>
#include <qrencode.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "util/text.h"

#define PDF_W 595.28 /* A4 in points */
#define PDF_H 841.89
#define PDF_MARGIN 42.0
#define PDF_CONTENT_W (PDF_W - 2 * PDF_MARGIN)
#define PDF_GUTTER 20.0
#define PDF_TEXT_MAX 2048   /* longest value shown; longer text is cut */
#define PDF_QR_TEXT_MAX 512 /* longest QR text: more would make modules too small to scan */
#define PDF_QR_SIZE 140.0   /* width of the QR code, quiet zone included */
#define PDF_QR_QUIET 4	    /* modules of white around the code */
#define PDF_SIG_H (PDF_QR_SIZE + 28.0)
#define PDF_SIG_TOP (PDF_H - PDF_MARGIN - PDF_SIG_H)
#define PDF_CHECKLISTS_MAX 120 /* table rows drawn: more never fit, even at the smallest */
#define PDF_SIG_SHOWN 256      /* bytes of the signature value printed: about four lines */
#define PDF_MIN_SCALE 0.5
#define PDF_LINE 1.28 /* line height, in font sizes */
#define PDF_FONT "DejaVu Sans"
#define PDF_MONO "DejaVu Sans Mono"
#define PDF_DASH "\xe2\x80\x94" /* em dash: a value that is not known */
#define PDF_NBSP "\xc2\xa0"

struct pdf_labels {
	const char *code; /* en, fr, nl */
	const char *title, *certificate, *issued;
	const char *device, *model, *make, *model_id, *model_number, *storage, *colour, *serial;
	const char *imei, *udid, *os, *build;
	const char *battery, *health, *cycles, *source, *tool, *read_at;
	const char *functional, *result, *steps, *pass, *fail, *passed, *failed, *skipped;
	const char *cosmetic, *grade, *criteria;
	const char *sanitization, *standard, *method, *clear, *purge, *destroy, *technique;
	const char *verification, *verified_at, *by, *date, *place;
	const char *checklists, *checklist, *job, *trainee, *approved_by, *approved_at;
	const char *people, *trainees, *instructor;
	const char *signature, *algorithm, *key_id, *value, *note, *clipped;
	const char *parts, *genuine, *used_original, *aftermarket, *second_check, *gb;
	/* for a buyer (since the certificates that sign them) */
	const char *decimal;	    /* the decimal separator */
	const char *pct;	    /* what goes between a number and % */
	const char *months[12];	    /* the months' names in a date */
	const char *at;		    /* between a date and its time */
	const char *colour_code;    /* "not recorded (the device gives code %s)" */
	const char *health_device;  /* "%s (measured by the phone; %s charge cycles)" */
	const char *health_device_nocycles;
	const char *health_tester;  /* "%s (measured with a tester)" */
	const char *locks, *find_my, *google_accounts, *frp, *bootloader;
	const char *state_off, *state_none, *state_locked, *read_on;
	const char *wiped_by, *checked_by; /* "%s on %s": who, when */
	const char *sep; /* between two clauses: "; " */
	const char *warranty, *warranty_months; /* "%d months from the sale" */
	const char *company_number, *contact;
	const char *scale, *screen, *body, *ctia;
	const char *water;
	const char *note_link; /* the QR code's note when it holds a link */
};

static const struct pdf_labels pdf_en = {
	.code = "en",
	.title = "Certificate of readiness for reuse",
	.certificate = "Certificate no.",
	.issued = "Issued",
	.device = "Device",
	.model = "Model",
	.make = "Make",
	.model_id = "Model identifier",
	.model_number = "Model number",
	.storage = "Storage",
	.colour = "Colour",
	.serial = "Serial number",
	.imei = "IMEI",
	.udid = "UDID",
	.os = "Operating system",
	.build = "Build",
	.battery = "Battery",
	.health = "Health",
	.cycles = "Charge cycles",
	.source = "Read from",
	.tool = "Tool",
	.read_at = "Read at",
	.functional = "Functional test",
	.result = "Result",
	.steps = "Steps",
	.pass = "Pass",
	.fail = "Fail",
	.passed = "passed",
	.failed = "failed",
	.skipped = "skipped",
	.cosmetic = "Cosmetic grade",
	.grade = "Grade",
	.criteria = "Criteria",
	.sanitization = "Data sanitization",
	.standard = "Standard",
	.method = "Method",
	.clear = "Clear",
	.purge = "Purge",
	.destroy = "Destroy",
	.technique = "Technique",
	.verification = "Verification",
	.verified_at = "Verified at",
	.by = "Sanitized by",
	.date = "Date",
	.place = "Place",
	.checklists = "Checklists",
	.checklist = "Checklist",
	.job = "Job",
	.trainee = "Trainee",
	.approved_by = "Approved by",
	.approved_at = "Approved at",
	.people = "People",
	.trainees = "Trainees",
	.instructor = "Approving instructor",
	.signature = "Signature",
	.parts = "Parts fitted",
	.genuine = "new, original",
	.used_original = "original, reused",
	.aftermarket = "compatible, not original",
	.second_check = "Second check",
	.gb = "GB",
	.algorithm = "Algorithm",
	.key_id = "Key id",
	.value = "Value",
	.note = "The QR code carries the certificate id and its signature. \"atelier verify\" "
		"checks it offline with the workshop's public key.",
	.clipped = "Some lines did not fit on this page; the signed record holds them all.",
	.decimal = ".",
	.pct = " ",
	.months = { "January", "February", "March", "April", "May", "June", "July", "August",
		    "September", "October", "November", "December" },
	.at = ", ",
	.colour_code = "not recorded (the device gives only the code %s)",
	.health_device = "%s (measured by the phone; %s charge cycles)",
	.health_device_nocycles = "%s (measured by the phone)",
	.health_tester = "%s (measured with a tester)",
	.locks = "Locks checked",
	.find_my = "Find My (Activation Lock)",
	.google_accounts = "Google accounts",
	.frp = "Factory Reset Protection",
	.bootloader = "Bootloader",
	.state_off = "off",
	.state_none = "none",
	.state_locked = "locked",
	.read_on = "read on",
	.wiped_by = "%s on %s",
	.sep = "; ",
	.checked_by = "checked by %s on %s",
	.warranty = "Warranty",
	.warranty_months = "%d months from the sale",
	.company_number = "Company no.",
	.contact = "Contact",
	.scale = "Grading scale",
	.screen = "Screen",
	.body = "Body",
	.ctia = "CTIA grade",
	.water = "Water resistance is not guaranteed: the seals of a used device may have aged, "
		 "and a device opened for a repair is not sealed as in the factory.",
	.note_link = "Scan the QR code to check this certificate on the workshop's page. "
		     "\"atelier verify\" checks it offline with the workshop's public key.",
};

static const struct pdf_labels pdf_fr = {
	.code = "fr",
	.title = "Certificat d'aptitude au réemploi",
	.certificate = "Certificat n°",
	.issued = "Délivré le",
	.device = "Appareil",
	.model = "Modèle",
	.make = "Marque",
	.model_id = "Identifiant du modèle",
	.model_number = "Référence",
	.storage = "Stockage",
	.colour = "Couleur",
	.serial = "Numéro de série",
	.imei = "IMEI",
	.udid = "UDID",
	.os = "Système d'exploitation",
	.build = "Build",
	.battery = "Batterie",
	.health = "État de santé",
	.cycles = "Cycles de charge",
	.source = "Lu depuis",
	.tool = "Outil",
	.read_at = "Lu le",
	.functional = "Test fonctionnel",
	.result = "Résultat",
	.steps = "Étapes",
	.pass = "Réussi",
	.fail = "Échoué",
	.passed = "réussies",
	.failed = "échouées",
	.skipped = "ignorées",
	.cosmetic = "État esthétique",
	.grade = "Grade",
	.criteria = "Critères",
	.sanitization = "Effacement des données",
	.standard = "Norme",
	.method = "Méthode",
	.clear = "Effacement (clear)",
	.purge = "Purge",
	.destroy = "Destruction (destroy)",
	.technique = "Technique",
	.verification = "Vérification",
	.verified_at = "Vérifié le",
	.by = "Effacé par",
	.date = "Date",
	.place = "Lieu",
	.checklists = "Listes de contrôle",
	.checklist = "Liste",
	.job = "Tâche",
	.trainee = "Stagiaire",
	.approved_by = "Approuvé par",
	.approved_at = "Approuvé le",
	.people = "Intervenants",
	.trainees = "Stagiaires",
	.instructor = "Formateur ayant approuvé",
	.signature = "Signature",
	.parts = "Pièces remplacées",
	.genuine = "neuve, d'origine",
	.used_original = "d'origine, de réemploi",
	.aftermarket = "compatible, non d'origine",
	.second_check = "Second contrôle",
	.gb = "Go",
	.algorithm = "Algorithme",
	.key_id = "Identifiant de clé",
	.value = "Valeur",
	.note =
	    "Le code QR contient l'identifiant du certificat et sa signature. "
	    "«" PDF_NBSP "atelier verify" PDF_NBSP "» la vérifie hors ligne avec la clé publique "
	    "de l'atelier.",
	.clipped =
	    "Certaines lignes ne tiennent pas sur la page" PDF_NBSP "; l'enregistrement signé "
	    "les contient toutes.",
	.decimal = ",",
	.pct = "\xe2\x80\xaf",
	.months = { "janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
		    "septembre", "octobre", "novembre", "décembre" },
	.at = " à ",
	.colour_code = "non relevée (l'appareil ne donne que le code %s)",
	.health_device = "%s (mesurée par le téléphone" PDF_NBSP "; %s cycles de charge)",
	.health_device_nocycles = "%s (mesurée par le téléphone)",
	.health_tester = "%s (mesurée avec un testeur)",
	.locks = "Verrous contrôlés",
	.find_my = "Localiser (verrouillage d'activation)",
	.google_accounts = "Comptes Google",
	.frp = "Protection contre la réinitialisation",
	.bootloader = "Chargeur d'amorçage",
	.state_off = "désactivé",
	.state_none = "aucun",
	.state_locked = "verrouillé",
	.read_on = "relevé le",
	.wiped_by = "%s le %s",
	.sep = PDF_NBSP "; ",
	.checked_by = "contrôlé par %s le %s",
	.warranty = "Garantie",
	.warranty_months = "%d mois à compter de la vente",
	.company_number = "N° d'entreprise",
	.contact = "Contact",
	.scale = "Échelle des grades",
	.screen = "Écran",
	.body = "Coque",
	.ctia = "Grade CTIA",
	.water = "L'étanchéité à l'eau n'est pas garantie" PDF_NBSP ": les joints d'un appareil "
		 "d'occasion peuvent avoir vieilli, et un appareil ouvert pour une réparation "
		 "n'est plus scellé comme en usine.",
	.note_link = "Scannez le code QR pour vérifier ce certificat sur la page de l'atelier. "
		     "«" PDF_NBSP "atelier verify" PDF_NBSP "» le vérifie hors ligne avec la clé "
		     "publique de l'atelier.",
};

static const struct pdf_labels pdf_nl = {
	.code = "nl",
	.title = "Certificaat van geschiktheid voor hergebruik",
	.certificate = "Certificaatnummer",
	.issued = "Uitgegeven op",
	.device = "Toestel",
	.model = "Model",
	.make = "Merk",
	.model_id = "Model-ID",
	.model_number = "Modelnummer",
	.storage = "Opslag",
	.colour = "Kleur",
	.serial = "Serienummer",
	.imei = "IMEI",
	.udid = "UDID",
	.os = "Besturingssysteem",
	.build = "Build",
	.battery = "Batterij",
	.health = "Gezondheid",
	.cycles = "Laadcycli",
	.source = "Gelezen via",
	.tool = "Hulpmiddel",
	.read_at = "Gelezen op",
	.functional = "Functionele test",
	.result = "Resultaat",
	.steps = "Stappen",
	.pass = "Geslaagd",
	.fail = "Niet geslaagd",
	.passed = "geslaagd",
	.failed = "mislukt",
	.skipped = "overgeslagen",
	.cosmetic = "Cosmetische staat",
	.grade = "Graad",
	.criteria = "Criteria",
	.sanitization = "Gegevenswissing",
	.standard = "Norm",
	.method = "Methode",
	.clear = "Wissen (clear)",
	.purge = "Zuiveren (purge)",
	.destroy = "Vernietigen (destroy)",
	.technique = "Techniek",
	.verification = "Verificatie",
	.verified_at = "Geverifieerd op",
	.by = "Gewist door",
	.date = "Datum",
	.place = "Plaats",
	.checklists = "Checklists",
	.checklist = "Checklist",
	.job = "Opdracht",
	.trainee = "Cursist",
	.approved_by = "Goedgekeurd door",
	.approved_at = "Goedgekeurd op",
	.people = "Betrokkenen",
	.trainees = "Cursisten",
	.instructor = "Goedkeurende begeleider",
	.signature = "Handtekening",
	.parts = "Vervangen onderdelen",
	.genuine = "nieuw, origineel",
	.used_original = "origineel, hergebruikt",
	.aftermarket = "compatibel, niet origineel",
	.second_check = "Tweede controle",
	.gb = "GB",
	.algorithm = "Algoritme",
	.key_id = "Sleutel-ID",
	.value = "Waarde",
	.note = "De QR-code bevat het certificaatnummer en de handtekening. \"atelier verify\" "
		"controleert die offline met de publieke sleutel van de werkplaats.",
	.clipped = "Sommige regels passen niet op deze pagina; het ondertekende record bevat ze "
		   "allemaal.",
	.decimal = ",",
	.pct = " ",
	.months = { "januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus",
		    "september", "oktober", "november", "december" },
	.at = " om ",
	.colour_code = "niet genoteerd (het toestel geeft alleen code %s)",
	.health_device = "%s (gemeten door de telefoon; %s laadcycli)",
	.health_device_nocycles = "%s (gemeten door de telefoon)",
	.health_tester = "%s (gemeten met een tester)",
	.locks = "Gecontroleerde vergrendelingen",
	.find_my = "Zoek mijn (activeringsslot)",
	.google_accounts = "Google-accounts",
	.frp = "Fabrieksresetbeveiliging",
	.bootloader = "Bootloader",
	.state_off = "uit",
	.state_none = "geen",
	.state_locked = "vergrendeld",
	.read_on = "gelezen op",
	.wiped_by = "%s op %s",
	.sep = "; ",
	.checked_by = "gecontroleerd door %s op %s",
	.warranty = "Garantie",
	.warranty_months = "%d maanden vanaf de verkoop",
	.company_number = "Ondernemingsnummer",
	.contact = "Contact",
	.scale = "Schaal van de graden",
	.screen = "Scherm",
	.body = "Behuizing",
	.ctia = "CTIA-graad",
	.water = "Waterdichtheid is niet gegarandeerd: de dichtingen van een gebruikt toestel "
		 "kunnen verouderd zijn, en een toestel dat voor een herstelling geopend werd, is "
		 "niet meer afgedicht zoals in de fabriek.",
	.note_link = "Scan de QR-code om dit certificaat op de pagina van de werkplaats te "
		     "controleren. \"atelier verify\" controleert het offline met de publieke "
		     "sleutel van de werkplaats.",
};

/* A font as the layout asks for it; its size is multiplied by the page's scale. */
struct pdf_font {
	double size;
	int bold, mono;
	double gray; /* 0 black .. 1 white */
};

static const struct pdf_font F_TITLE = { 16.0, 1, 0, 0.0 };
static const struct pdf_font F_SUB = { 10.5, 0, 0, 0.15 };
static const struct pdf_font F_SECTION = { 10.0, 1, 0, 0.1 };
static const struct pdf_font F_LABEL = { 7.5, 0, 0, 0.4 };
static const struct pdf_font F_BODY = { 8.5, 0, 0, 0.0 };
static const struct pdf_font F_STRONG = { 8.5, 1, 0, 0.0 };
static const struct pdf_font F_MONO = { 8.5, 0, 1, 0.0 };
static const struct pdf_font F_TABLE = { 7.5, 0, 0, 0.0 };
static const struct pdf_font F_THEAD = { 7.5, 1, 0, 0.4 };
static const struct pdf_font F_SMALL = { 6.5, 0, 1, 0.2 };

/* A column of label/value rows: left edge, width, width of its label part. */
struct pdf_col {
	double x, w, lw;
};

static const struct pdf_col C_FULL = { PDF_MARGIN, PDF_CONTENT_W, 120.0 };
static const struct pdf_col C_LEFT = { PDF_MARGIN, (PDF_CONTENT_W - PDF_GUTTER) / 2, 92.0 };
static const struct pdf_col C_RIGHT = { PDF_MARGIN + (PDF_CONTENT_W + PDF_GUTTER) / 2,
					(PDF_CONTENT_W - PDF_GUTTER) / 2, 92.0 };
static const struct pdf_col C_SIG = { PDF_MARGIN, PDF_CONTENT_W - PDF_QR_SIZE - 16.0, 92.0 };

/* The layout cursor. Y is the top of the next line; nothing is drawn below BOTTOM. */
struct pdf_page {
	cairo_t *cr;
	const struct pdf_labels *l;
	const json_t *cert;
	double s; /* scale of fonts, line heights and gaps */
	double y, bottom;
	const char *note; /* under the signature: what the QR code holds */
	int dry;     /* measure only: draw nothing */
	int clipped; /* a line was left out because it did not fit */
};

/* ---- values from the certificate ---------------------------------------------------- */

/* X with one decimal, whatever the locale: "91.2". (Rounded by hand: the program is not
 * linked with libm.) */
static void one_decimal(double x, char *out, size_t size)
{
	long long tenths;

	if (!(x > -1e15 && x < 1e15)) { /* also NaN */
		snprintf(out, size, "%s", PDF_DASH);
		return;
	}
	tenths = (long long)(x * 10.0 + (x < 0 ? -0.5 : 0.5));
	snprintf(out, size, "%s%lld.%lld", tenths < 0 ? "-" : "", llabs(tenths) / 10,
		 llabs(tenths) % 10);
}

/* V as text for the page: clean text, a number, or a dash when it is not known. */
static const char *text(const json_t *v, char *buf, size_t size)
{
	if (json_is_string(v)) {
		text_clean(json_string_value(v), buf, size);
	} else if (json_is_integer(v)) {
		snprintf(buf, size, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
	} else if (json_is_real(v)) {
		one_decimal(json_real_value(v), buf, size);
	} else {
		return PDF_DASH;
	}
	return buf[0] ? buf : PDF_DASH;
}

/* X with one decimal in the page's spelling: "91,4" in French. */
static void decimal(const struct pdf_labels *l, double x, char *out, size_t size)
{
	char *dot;

	one_decimal(x, out, size);
	dot = strchr(out, '.');
	if (dot && strcmp(l->decimal, ".") != 0) {
		char tail[32];

		snprintf(tail, sizeof(tail), "%s", dot + 1);
		snprintf(dot, size - (size_t)(dot - out), "%s%s", l->decimal, tail);
	}
}

/* An ISO 8601 UTC time ("2026-11-27T21:03:11Z") into *T; 0 when it is not one. */
static int iso_time(const char *s, time_t *t)
{
	struct tm tm = { 0 };
	const char *end;

	if (!s || strlen(s) < 20)
		return 0;
	end = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm);
	if (!end)
		return 0;
	if (*end == '.')
		end += 1 + strspn(end + 1, "0123456789");
	if (strcmp(end, "Z") != 0)
		return 0;
	*t = timegm(&tm);
	return *t != (time_t)-1;
}

/* An ISO 8601 UTC time as the page's language writes it, in the workshop's time zone
 * (the process's TZ: pdf_write_certificate() sets it): "27 novembre 2026 à 21:55 CET";
 * the day alone when DATE_ONLY; other text as is. */
static const char *local_time(const struct pdf_labels *l, const json_t *v, int date_only,
			      char *buf, size_t size)
{
	struct tm tm;
	time_t t;
	char zone[16];

	if (!iso_time(json_string_value(v), &t) || !localtime_r(&t, &tm))
		return text(v, buf, size);
	if (strftime(zone, sizeof(zone), "%Z", &tm) == 0)
		zone[0] = '\0';
	if (date_only)
		snprintf(buf, size, "%d %s %d", tm.tm_mday, l->months[tm.tm_mon], tm.tm_year + 1900);
	else
		snprintf(buf, size, "%d %s %d%s%02d:%02d%s%s", tm.tm_mday, l->months[tm.tm_mon],
			 tm.tm_year + 1900, l->at, tm.tm_hour, tm.tm_min, zone[0] ? " " : "", zone);
	return buf;
}

static const char *when(const struct pdf_labels *l, const json_t *v, char *buf, size_t size)
{
	return local_time(l, v, 0, buf, size);
}

/* A count of bytes as gigabytes (1 GB = 1e9 bytes) in the page's spelling: "127,9 Go". */
static const char *gigabytes(const struct pdf_labels *l, const json_t *v, char *buf, size_t size)
{
	char num[32];

	if (!json_is_number(v) || json_number_value(v) < 0)
		return PDF_DASH;
	decimal(l, json_number_value(v) / 1e9, num, sizeof(num));
	snprintf(buf, size, "%s" PDF_NBSP "%s", num, l->gb);
	return buf;
}

/* The strings of array V joined by ", ", or a dash. */
static const char *joined(const json_t *v, char *buf, size_t size)
{
	const json_t *item;
	size_t i, len = 0;

	buf[0] = '\0';
	json_array_foreach (v, i, item) {
		char one[256];
		const char *t = text(item, one, sizeof(one));
		int n = snprintf(buf + len, size - len, "%s%s", len ? ", " : "", t);

		if (n < 0 || (size_t)n >= size - len)
			break;
		len += (size_t)n;
	}
	return buf[0] ? buf : PDF_DASH;
}

/* ---- drawing primitives -------------------------------------------------------------- */

static void use_font(struct pdf_page *pg, const struct pdf_font *f)
{
	cairo_select_font_face(pg->cr, f->mono ? PDF_MONO : PDF_FONT, CAIRO_FONT_SLANT_NORMAL,
			       f->bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
	cairo_set_font_size(pg->cr, f->size * pg->s);
	cairo_set_source_rgb(pg->cr, f->gray, f->gray, f->gray);
}

/* Draw one line of text at X in font F (already selected) and move down past it. */
static void show_line(struct pdf_page *pg, double x, const struct pdf_font *f, const char *t)
{
	double size = f->size * pg->s, lh = size * PDF_LINE;

	if (!pg->dry && pg->y + lh > pg->bottom) {
		pg->clipped = 1;
	} else if (!pg->dry) {
		cairo_move_to(pg->cr, x, pg->y + size * 0.95);
		cairo_show_text(pg->cr, t);
	}
	pg->y += lh;
}

/* Draw T in font F at X, wrapped to width W. */
static void wrap(struct pdf_page *pg, double x, double w, const struct pdf_font *f, const char *t)
{
	char line[PDF_TEXT_MAX];
	size_t n = strlen(t);

	use_font(pg, f);
	while (pdf_text_next_line(pg->cr, &t, &n, w, line, sizeof(line)))
		show_line(pg, x, f, line);
}

/* A thin horizontal rule at the cursor. */
static void rule(struct pdf_page *pg, double x, double w)
{
	if (pg->dry || pg->y > pg->bottom)
		return;
	cairo_set_source_rgb(pg->cr, 0.6, 0.6, 0.6);
	cairo_set_line_width(pg->cr, 0.5);
	cairo_move_to(pg->cr, x, pg->y);
	cairo_line_to(pg->cr, x + w, pg->y);
	cairo_stroke(pg->cr);
}

static void section(struct pdf_page *pg, const struct pdf_col *c, const char *title)
{
	pg->y += 9.0 * pg->s;
	wrap(pg, c->x, c->w, &F_SECTION, title);
	rule(pg, c->x, c->w);
	pg->y += 3.0 * pg->s;
}

/* One row of column C: LABEL on the left, VALUE (font F) wrapped on the right. */
static void row_font(struct pdf_page *pg, const struct pdf_col *c, const char *label,
		     const struct pdf_font *f, const char *value)
{
	double top = pg->y, label_end, shift = (f->size - F_LABEL.size) * 0.95 * pg->s;

	/* Label and value share their first baseline: the smaller one moves down. */
	pg->y = top + (shift > 0 ? shift : 0);
	wrap(pg, c->x, c->lw - 6.0, &F_LABEL, label);
	label_end = pg->y;
	pg->y = top - (shift < 0 ? shift : 0);
	wrap(pg, c->x + c->lw, c->w - c->lw, f, value);
	if (pg->y < label_end)
		pg->y = label_end;
}

static void row(struct pdf_page *pg, const struct pdf_col *c, const char *label, const char *value)
{
	row_font(pg, c, label, &F_BODY, value);
}

/* A row showing the certificate's value at PATH. */
static void row_at(struct pdf_page *pg, const struct pdf_col *c, const char *label,
		   const char *path)
{
	char buf[PDF_TEXT_MAX];

	row(pg, c, label, text(facts_json_at(pg->cert, path), buf, sizeof(buf)));
}

static void row_when(struct pdf_page *pg, const struct pdf_col *c, const char *label,
		     const char *path)
{
	char buf[64];

	row(pg, c, label, when(pg->l, facts_json_at(pg->cert, path), buf, sizeof(buf)));
}

/* The certificate's sentence at PATH in the page's language: from its "translations"
 * (certificates since they carry them), else as it was signed. */
static const json_t *localized(const struct pdf_page *pg, const char *path)
{
	const json_t *t = json_object_get(
		json_object_get(json_object_get(pg->cert, "translations"), pg->l->code), path);

	return json_is_string(t) ? t : facts_json_at(pg->cert, path);
}

static void row_localized(struct pdf_page *pg, const struct pdf_col *c, const char *label,
			  const char *path)
{
	char buf[PDF_TEXT_MAX];

	row(pg, c, label, text(localized(pg, path), buf, sizeof(buf)));
}

/* ---- the sections ------------------------------------------------------------------- */

static void draw_header(struct pdf_page *pg)
{
	static const char *const legal[] = { "workshop.legal_name", "workshop.address" };
	char name[512], place[512], line[1100], id[256], a[512], b[512];
	const char *n = text(facts_json_at(pg->cert, "workshop.name"), name, sizeof(name));
	const char *p = text(facts_json_at(pg->cert, "workshop.place"), place, sizeof(place));
	const char *num, *contact;
	size_t len = 0;

	wrap(pg, PDF_MARGIN, PDF_CONTENT_W, &F_TITLE, pg->l->title);
	pg->y += 2.0 * pg->s;
	snprintf(line, sizeof(line), "%s" PDF_NBSP "\xe2\x80\x94 %s", n, p);
	wrap(pg, PDF_MARGIN, PDF_CONTENT_W, &F_SUB, strcmp(p, PDF_DASH) ? line : n);
	/* Who the buyer deals with: legal name, address, company number, contact. */
	line[0] = '\0';
	for (size_t i = 0; i < sizeof(legal) / sizeof(legal[0]); i++) {
		const char *v = text(facts_json_at(pg->cert, legal[i]), a, sizeof(a));

		if (strcmp(v, PDF_DASH))
			len = text_list_add(line, sizeof(line), len, " \xc2\xb7 ", v);
	}
	num = text(facts_json_at(pg->cert, "workshop.company_number"), a, sizeof(a));
	if (strcmp(num, PDF_DASH)) {
		snprintf(b, sizeof(b), "%s" PDF_NBSP "%s", pg->l->company_number, num);
		len = text_list_add(line, sizeof(line), len, " \xc2\xb7 ", b);
	}
	contact = text(facts_json_at(pg->cert, "workshop.contact"), a, sizeof(a));
	if (strcmp(contact, PDF_DASH)) {
		snprintf(b, sizeof(b), "%s" PDF_NBSP ": %s", pg->l->contact, contact);
		if (strcmp(pg->l->code, "fr") != 0) /* no space before the colon but in French */
			snprintf(b, sizeof(b), "%s: %s", pg->l->contact, contact);
		len = text_list_add(line, sizeof(line), len, " \xc2\xb7 ", b);
	}
	if (len)
		wrap(pg, PDF_MARGIN, PDF_CONTENT_W, &F_LABEL, line);
	pg->y += 4.0 * pg->s;
	row_font(pg, &C_FULL, pg->l->certificate, &F_MONO,
		 text(facts_json_at(pg->cert, "id"), id, sizeof(id)));
	row_when(pg, &C_FULL, pg->l->issued, "issued_at");
}

static void draw_imeis(struct pdf_page *pg, const struct pdf_col *c)
{
	const json_t *imeis = facts_json_at(pg->cert, "device.imei"), *v;
	size_t i;

	if (json_is_string(imeis)) {
		row_at(pg, c, pg->l->imei, "device.imei");
		return;
	}
	if (json_array_size(imeis) == 0)
		row(pg, c, pg->l->imei, PDF_DASH);
	json_array_foreach (imeis, i, v) {
		char label[32], buf[64];

		snprintf(label, sizeof(label), "%s %zu", pg->l->imei, i + 1);
		row(pg, c, json_array_size(imeis) > 1 ? label : pg->l->imei,
		    text(v, buf, sizeof(buf)));
	}
}

/* Whether colour C, as the device gave it, is a code rather than a name a buyer knows:
 * digits ("1", an iPhone's DeviceEnclosureColor), a hex value ("#3b3b3c"), or a short
 * code in capitals ("BLK", an Android property). */
static int colour_is_code(const char *c)
{
	size_t n = c ? strlen(c) : 0;

	if (n == 0)
		return 0;
	return strspn(c, "0123456789") == n || c[0] == '#' ||
	       (n <= 4 && strspn(c, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") == n);
}

static void draw_device(struct pdf_page *pg, const struct pdf_col *c)
{
	const json_t *name = facts_json_at(pg->cert, "device.marketing_name");
	char buf[PDF_TEXT_MAX];

	if (!json_is_string(name) || !*json_string_value(name))
		name = facts_json_at(pg->cert, "device.model_id");
	section(pg, c, pg->l->device);
	row_font(pg, c, pg->l->model, &F_STRONG, text(name, buf, sizeof(buf)));
	row_at(pg, c, pg->l->make, "device.make");
	row_at(pg, c, pg->l->model_id, "device.model_id");
	row_at(pg, c, pg->l->model_number, "device.model_number");
	if (json_is_integer(facts_json_at(pg->cert, "device.storage_gb"))) {
		/* The size on the box, as the buyer knows it. */
		snprintf(buf, sizeof(buf), "%lld" PDF_NBSP "%s",
			 (long long)json_integer_value(facts_json_at(pg->cert, "device.storage_gb")),
			 pg->l->gb);
		row(pg, c, pg->l->storage, buf);
	} else {
		row(pg, c, pg->l->storage,
		    gigabytes(pg->l, facts_json_at(pg->cert, "device.storage_bytes"), buf,
			      sizeof(buf)));
	}
	/* A colour's name when the trainee recorded one; the device's own code is not one,
	 * and is said to be a code. */
	if (json_is_string(facts_json_at(pg->cert, "device.color_name"))) {
		row_at(pg, c, pg->l->colour, "device.color_name");
	} else if (colour_is_code(json_string_value(facts_json_at(pg->cert, "device.color")))) {
		char code[64];

		snprintf(buf, sizeof(buf), pg->l->colour_code,
			 text(facts_json_at(pg->cert, "device.color"), code, sizeof(code)));
		row(pg, c, pg->l->colour, buf);
	} else {
		row_at(pg, c, pg->l->colour, "device.color"); /* a name, or a dash */
	}
	row_font(pg, c, pg->l->serial, &F_MONO,
		 text(facts_json_at(pg->cert, "device.serial"), buf, sizeof(buf)));
	draw_imeis(pg, c);
	if (json_is_string(facts_json_at(pg->cert, "device.udid")))
		row_at(pg, c, pg->l->udid, "device.udid");
}

static void draw_os(struct pdf_page *pg, const struct pdf_col *c)
{
	char name[256], version[256], line[600];
	const char *n = text(facts_json_at(pg->cert, "os.name"), name, sizeof(name));
	const char *v = text(facts_json_at(pg->cert, "os.version"), version, sizeof(version));

	if (!strcmp(v, PDF_DASH))
		snprintf(line, sizeof(line), "%s", n);
	else
		snprintf(line, sizeof(line), "%s %s", n, v);
	row(pg, c, pg->l->os, line);
	row_at(pg, c, pg->l->build, "os.build");
}

/* How the battery was measured: "tester" by hand, else by the device (older certificates
 * say it in their source only). */
static int battery_by_tester(const json_t *cert)
{
	const char *m = json_string_value(facts_json_at(cert, "battery.measured"));
	const char *tool = json_string_value(facts_json_at(cert, "battery.tool"));

	if (m)
		return strcmp(m, "tester") == 0;
	return tool && strstr(tool, "tester") != NULL;
}

/* The battery as a buyer reads it: "91,4 % (measured by the phone; 412 charge cycles)";
 * where it was read from stays in the signed record. */
static void draw_battery(struct pdf_page *pg, const struct pdf_col *c)
{
	const json_t *cycles = facts_json_at(pg->cert, "battery.cycle_count");
	char num[32], pct[64], n[32], line[256];

	decimal(pg->l, json_number_value(facts_json_at(pg->cert, "battery.health_pct")), num,
		sizeof(num));
	snprintf(pct, sizeof(pct), "%s%s%%", num, pg->l->pct);
	if (battery_by_tester(pg->cert))
		snprintf(line, sizeof(line), pg->l->health_tester, pct);
	else if (json_is_integer(cycles))
		snprintf(line, sizeof(line), pg->l->health_device, pct, text(cycles, n, sizeof(n)));
	else
		snprintf(line, sizeof(line), pg->l->health_device_nocycles, pct);
	section(pg, c, pg->l->battery);
	row_font(pg, c, pg->l->health, &F_STRONG, line);
	row_when(pg, c, pg->l->read_at, "battery.read_at");
}

/* Each lock as read, with when (certificates since they carry "locks"). */
static void draw_locks(struct pdf_page *pg, const struct pdf_col *c)
{
	const json_t *locks = facts_json_at(pg->cert, "locks"), *k;
	size_t i;

	if (!json_array_size(locks))
		return;
	section(pg, c, pg->l->locks);
	json_array_foreach (locks, i, k) {
		const char *check = json_string_value(json_object_get(k, "check"));
		const char *state = json_string_value(json_object_get(k, "state"));
		const char *label = PDF_DASH;
		char at[128], st[64], line[256];

		if (!check || !state)
			continue;
		label = !strcmp(check, "find_my")	    ? pg->l->find_my
			: !strcmp(check, "google_accounts") ? pg->l->google_accounts
			: !strcmp(check, "frp")		    ? pg->l->frp
			: !strcmp(check, "bootloader")	    ? pg->l->bootloader
							    : check;
		text(json_object_get(k, "state"), st, sizeof(st));
		state = !strcmp(state, "off")	   ? pg->l->state_off
			: !strcmp(state, "0")	   ? pg->l->state_none
			: !strcmp(state, "locked") ? pg->l->state_locked
						   : st;
		snprintf(line, sizeof(line), "%s (%s %s)", state, pg->l->read_on,
			 when(pg->l, json_object_get(k, "read_at"), at, sizeof(at)));
		row(pg, c, label, line);
	}
}

static void draw_functional(struct pdf_page *pg, const struct pdf_col *c)
{
	const char *result = json_string_value(facts_json_at(pg->cert, "functional.result"));
	char buf[256], a[32], b[32], d[32], steps[400];

	if (result && !strcmp(result, "pass"))
		result = pg->l->pass;
	else if (result && !strcmp(result, "fail"))
		result = pg->l->fail;
	else
		result = text(facts_json_at(pg->cert, "functional.result"), buf, sizeof(buf));
	snprintf(steps, sizeof(steps), "%s %s, %s %s, %s %s",
		 text(facts_json_at(pg->cert, "functional.steps_passed"), a, sizeof(a)), pg->l->passed,
		 text(facts_json_at(pg->cert, "functional.steps_failed"), b, sizeof(b)), pg->l->failed,
		 text(facts_json_at(pg->cert, "functional.steps_skipped"), d, sizeof(d)), pg->l->skipped);
	section(pg, c, pg->l->functional);
	row_font(pg, c, pg->l->result, &F_STRONG, result);
	row(pg, c, pg->l->steps, steps);
}

static void draw_cosmetic(struct pdf_page *pg, const struct pdf_col *c)
{
	char grade[64], label[512], line[600];
	const char *lb = text(localized(pg, "cosmetic.label"), label, sizeof(label));

	text(facts_json_at(pg->cert, "cosmetic.grade"), grade, sizeof(grade));
	if (strcmp(lb, PDF_DASH))
		snprintf(line, sizeof(line), "%s \xe2\x80\x94 %s", grade, lb);
	else
		snprintf(line, sizeof(line), "%s", grade);
	section(pg, c, pg->l->cosmetic);
	row_font(pg, c, pg->l->grade, &F_STRONG, line);
	row_localized(pg, c, pg->l->criteria, "cosmetic.criteria");
}

/* The parts fitted by the repairs, when there are some: name, origin, serial. */
static void draw_parts(struct pdf_page *pg, const struct pdf_col *c)
{
	const json_t *parts = facts_json_at(pg->cert, "parts"), *p;
	char name[256], serial[256], line[700];
	size_t i;

	if (!json_array_size(parts))
		return;
	section(pg, c, pg->l->parts);
	json_array_foreach(parts, i, p) {
		const char *origin = json_string_value(json_object_get(p, "origin"));

		origin = origin && !strcmp(origin, "genuine")	       ? pg->l->genuine
			 : origin && !strcmp(origin, "used-original") ? pg->l->used_original
			 : origin && !strcmp(origin, "aftermarket")   ? pg->l->aftermarket
								       : PDF_DASH;
		snprintf(line, sizeof(line), "%s (%s)", origin,
			 text(json_object_get(p, "serial"), serial, sizeof(serial)));
		row(pg, c, text(json_object_get(p, "name"), name, sizeof(name)), line);
	}
}

static const char *method_name(const struct pdf_labels *l, const json_t *v, char *buf, size_t size)
{
	const char *m = json_string_value(v);

	if (m && !strcmp(m, "clear"))
		return l->clear;
	if (m && !strcmp(m, "purge"))
		return l->purge;
	if (m && !strcmp(m, "destroy"))
		return l->destroy;
	return text(v, buf, size);
}

static void draw_sanitization(struct pdf_page *pg, const struct pdf_col *c)
{
	char buf[256], who[128], at[128], line[600];
	const json_t *checked = facts_json_at(pg->cert, "sanitization.checked_by");
	size_t len;

	section(pg, c, pg->l->sanitization);
	row_at(pg, c, pg->l->standard, "sanitization.standard");
	row_font(pg, c, pg->l->method, &F_STRONG,
		 method_name(pg->l, facts_json_at(pg->cert, "sanitization.method"), buf, sizeof(buf)));
	row_localized(pg, c, pg->l->technique, "sanitization.technique");
	row_localized(pg, c, pg->l->verification, "sanitization.verification");
	if (json_is_string(facts_json_at(pg->cert, "sanitization.wiped_at"))) {
		/* Who wiped it and who checked it, when, in the page's words. */
		len = (size_t)snprintf(
			line, sizeof(line), pg->l->wiped_by,
			text(facts_json_at(pg->cert, "sanitization.by"), who, sizeof(who)),
			local_time(pg->l, facts_json_at(pg->cert, "sanitization.wiped_at"), 1, at,
				   sizeof(at)));
		if (json_is_string(checked) && len < sizeof(line)) {
			len += (size_t)snprintf(line + len, sizeof(line) - len, "%s", pg->l->sep);
			if (len < sizeof(line))
				snprintf(line + len, sizeof(line) - len, pg->l->checked_by,
				 text(checked, who, sizeof(who)),
				 local_time(pg->l, facts_json_at(pg->cert, "sanitization.checked_at"),
					    1, at, sizeof(at)));
		} else if (len < sizeof(line)) {
			snprintf(line + len, sizeof(line) - len, "%s%s", pg->l->sep,
				 text(localized(pg, "sanitization.second_check"), buf,
				      sizeof(buf)));
		}
		row(pg, c, pg->l->by, line);
	} else {
		if (json_is_string(facts_json_at(pg->cert, "sanitization.second_check")))
			row_localized(pg, c, pg->l->second_check, "sanitization.second_check");
		row_when(pg, c, pg->l->verified_at, "sanitization.verified_at");
		row_at(pg, c, pg->l->by, "sanitization.by");
		row_at(pg, c, pg->l->date, "sanitization.date");
	}
	row_at(pg, c, pg->l->place, "sanitization.place");
}

/* Columns of the checklists table: left edges from the margin, and widths. */
static const double table_x[] = { 0, 196, 236, 321, 411 };
static const double table_w[] = { 190, 34, 79, 84, PDF_CONTENT_W - 411 };

/* One table row of five cells in font F; the cursor moves below the tallest cell. */
static void table_row(struct pdf_page *pg, const struct pdf_font *f, const char *const cell[5])
{
	double top = pg->y, end = pg->y;

	for (size_t i = 0; i < 5; i++) {
		pg->y = top;
		wrap(pg, PDF_MARGIN + table_x[i], table_w[i], f, cell[i]);
		if (pg->y > end)
			end = pg->y;
	}
	pg->y = end + 1.0 * pg->s;
}

static void checklist_row(struct pdf_page *pg, const json_t *cl, size_t i)
{
	const json_t *titles = json_object_get(
		json_object_get(json_object_get(pg->cert, "translations"), pg->l->code),
		"checklists");
	const json_t *title_v = json_is_string(json_array_get(titles, i))
					? json_array_get(titles, i)
					: json_object_get(cl, "title");
	char title[512], id[256], version[32], what[900], job[32], who[256], by[256], at[64];
	const char *cell[5] = { what, text(json_object_get(cl, "job"), job, sizeof(job)),
				text(json_object_get(cl, "trainee"), who, sizeof(who)),
				text(json_object_get(cl, "approved_by"), by, sizeof(by)),
				when(pg->l, json_object_get(cl, "approved_at"), at, sizeof(at)) };

	snprintf(what, sizeof(what), "%s (%s) v%s",
		 text(title_v, title, sizeof(title)),
		 text(json_object_get(cl, "id"), id, sizeof(id)),
		 text(json_object_get(cl, "version"), version, sizeof(version)));
	table_row(pg, &F_TABLE, cell);
}

static void draw_checklists(struct pdf_page *pg)
{
	const json_t *lists = facts_json_at(pg->cert, "checklists"), *cl;
	const char *head[5] = { pg->l->checklist, pg->l->job, pg->l->trainee, pg->l->approved_by,
				pg->l->approved_at };
	size_t i;

	section(pg, &C_FULL, pg->l->checklists);
	if (json_array_size(lists) == 0) {
		wrap(pg, PDF_MARGIN, PDF_CONTENT_W, &F_BODY, PDF_DASH);
		return;
	}
	table_row(pg, &F_THEAD, head);
	json_array_foreach (lists, i, cl) {
		if (i == PDF_CHECKLISTS_MAX) {
			pg->clipped = 1; /* could not fit even at the smallest scale */
			break;
		}
		checklist_row(pg, cl, i);
	}
}

static void draw_people(struct pdf_page *pg, const struct pdf_col *c)
{
	char buf[PDF_TEXT_MAX];

	section(pg, c, pg->l->people);
	row(pg, c, pg->l->trainees, joined(facts_json_at(pg->cert, "trainees"), buf, sizeof(buf)));
	row_at(pg, c, pg->l->instructor, "approved_by");
}

/* The warranty (certificates since they carry it) and the note on water resistance,
 * printed on every page: the workshop cannot know whether a device was opened before it
 * came in, and seals age; a repair opens it anyway. */
static void draw_warranty(struct pdf_page *pg, const struct pdf_col *c)
{
	const json_t *m = facts_json_at(pg->cert, "warranty_months");
	char line[128];

	section(pg, c, pg->l->warranty);
	if (json_is_integer(m)) {
		snprintf(line, sizeof(line), pg->l->warranty_months, (int)json_integer_value(m));
		wrap(pg, c->x, c->w, &F_STRONG, line);
	}
	wrap(pg, c->x, c->w, &F_BODY, pg->l->water);
}

/* The name of grade step STEP ({step, title}) on the page: the screen and the body in
 * the page's words, another step by its title. */
static const char *step_name(const struct pdf_page *pg, const json_t *step)
{
	const char *id = json_string_value(json_object_get(step, "step"));
	const char *t = json_string_value(json_object_get(json_object_get(step, "title"), pg->l->code));

	if (id && strstr(id, "screen"))
		return pg->l->screen;
	if (id && strstr(id, "body"))
		return pg->l->body;
	return t ? t : PDF_DASH;
}

/* The grading scale at the foot: each grade, its words, and what it means for each part
 * graded (certificates since they carry it). */
static void draw_scale(struct pdf_page *pg)
{
	const json_t *scale = facts_json_at(pg->cert, "cosmetic.scale"), *g;
	const json_t *steps = json_object_get(scale, "steps");
	size_t i;

	if (!json_array_size(json_object_get(scale, "grades")))
		return;
	section(pg, &C_FULL, pg->l->scale);
	json_array_foreach (json_object_get(scale, "grades"), i, g) {
		char line[PDF_TEXT_MAX], grade[32], label[256], crit[700], ctia[32];
		const json_t *c;
		size_t k, len;

		len = (size_t)snprintf(
			line, sizeof(line), "%s \xe2\x80\x94 %s",
			text(json_object_get(g, "grade"), grade, sizeof(grade)),
			text(json_object_get(json_object_get(g, "label"), pg->l->code), label,
			     sizeof(label)));
		if (json_is_string(json_object_get(g, "ctia")) && len < sizeof(line))
			len += (size_t)snprintf(line + len, sizeof(line) - len, " (%s %s)",
						pg->l->ctia,
						text(json_object_get(g, "ctia"), ctia, sizeof(ctia)));
		json_array_foreach (json_object_get(g, "criteria"), k, c) {
			const json_t *t = json_object_get(c, pg->l->code);

			if (!json_is_string(t) || len >= sizeof(line))
				continue;
			if (json_array_size(steps) < 2) /* one step grades the whole device */
				len += (size_t)snprintf(line + len, sizeof(line) - len, ". %s",
							text(t, crit, sizeof(crit)));
			else
				len += (size_t)snprintf(
					line + len, sizeof(line) - len, ". %s%s%s",
					step_name(pg, json_array_get(steps, k)),
					strcmp(pg->l->code, "fr") ? ": " : PDF_NBSP ": ",
					text(t, crit, sizeof(crit)));
		}
		use_font(pg, &F_TABLE);
		wrap(pg, PDF_MARGIN, PDF_CONTENT_W, &F_TABLE, line);
	}
}

/* Everything above the signature block, from the top margin down. */
static void draw_body(struct pdf_page *pg)
{
	double top, left_end;

	pg->y = PDF_MARGIN;
	draw_header(pg);
	top = pg->y;
	draw_device(pg, &C_LEFT);
	draw_os(pg, &C_LEFT);
	left_end = pg->y;
	pg->y = top;
	draw_battery(pg, &C_RIGHT);
	draw_functional(pg, &C_RIGHT);
	draw_locks(pg, &C_RIGHT);
	if (pg->y < left_end)
		pg->y = left_end;
	draw_cosmetic(pg, &C_FULL);
	draw_parts(pg, &C_FULL);
	draw_sanitization(pg, &C_FULL);
	draw_checklists(pg);
	draw_people(pg, &C_FULL);
	draw_warranty(pg, &C_FULL);
	draw_scale(pg);
}

/* The largest scale, at most 1, at which the body fits above the signature block; 0
 * when it does not fit even at the smallest (or has more rows than could ever fit). */
static double fit_scale(struct pdf_page *pg)
{
	double s, found = 0;

	pg->dry = 1;
	for (s = 1.0; s >= PDF_MIN_SCALE && !found; s *= 0.95) {
		pg->s = s;
		pg->clipped = 0;
		draw_body(pg);
		if (pg->y <= pg->bottom && !pg->clipped)
			found = s;
	}
	pg->dry = 0;
	pg->clipped = 0;
	return found;
}

void pdf_qr_draw(cairo_t *cr, const QRcode *qr, double x, double y, double size)
{
	int n = qr->width;
	double m = size / (n + 2 * PDF_QR_QUIET);

	cairo_set_source_rgb(cr, 1, 1, 1);
	cairo_rectangle(cr, x, y, size, size);
	cairo_fill(cr);
	for (int r = 0; r < n; r++) {
		for (int c = 0; c < n;) {
			int end = c;

			while (end < n && (qr->data[r * n + end] & 1))
				end++;
			if (end > c)
				cairo_rectangle(cr, x + (c + PDF_QR_QUIET) * m,
						y + (r + PDF_QR_QUIET) * m, (end - c) * m, m);
			c = end > c ? end : c + 1;
		}
	}
	cairo_set_source_rgb(cr, 0, 0, 0);
	cairo_fill(cr);
}

/* The signature value, cut to PDF_SIG_SHOWN bytes and an ellipsis so that the note below
 * it always fits: the QR code and the signed record carry the whole value. */
static const char *signature_shown(const json_t *v, char *buf, size_t size)
{
	const char *t;
	size_t n;

	assert(size >= PDF_SIG_SHOWN + 4);
	t = text(v, buf, PDF_SIG_SHOWN + 1);
	if (t != buf)
		return t;
	n = strlen(buf);
	if (n + 3 >= PDF_SIG_SHOWN && json_string_length(v) > n)
		memcpy(buf + n, "\xe2\x80\xa6", 4); /* ellipsis and NUL */
	return buf;
}

static void draw_signature(struct pdf_page *pg, const QRcode *qr)
{
	char buf[PDF_SIG_SHOWN + 4];
	double qr_top;

	pg->s = 1.0;
	pg->y = PDF_SIG_TOP;
	pg->bottom = PDF_H - PDF_MARGIN;
	section(pg, &C_FULL, pg->l->signature);
	qr_top = pg->y;
	row_at(pg, &C_SIG, pg->l->algorithm, "signature.algorithm");
	row_font(pg, &C_SIG, pg->l->key_id, &F_MONO,
		 text(facts_json_at(pg->cert, "signature.key_id"), buf, sizeof(buf)));
	row_font(pg, &C_SIG, pg->l->value, &F_SMALL,
		 signature_shown(facts_json_at(pg->cert, "signature.value"), buf, sizeof(buf)));
	pg->y += 6.0;
	wrap(pg, C_SIG.x, C_SIG.w, &F_BODY, pg->note);
	pdf_qr_draw(pg->cr, qr, PDF_W - PDF_MARGIN - PDF_QR_SIZE, qr_top, PDF_QR_SIZE);
}

static void draw_page(cairo_t *cr, const json_t *cert, const struct pdf_labels *l, const QRcode *qr,
		      int link)
{
	struct pdf_page pg = { .cr = cr, .l = l, .cert = cert, .bottom = PDF_SIG_TOP - 4.0,
			       .note = link ? l->note_link : l->note };
	double body_bottom = pg.bottom;

	pg.s = fit_scale(&pg);
	if (pg.s > 0) {
		draw_body(&pg);
	} else {
		/* Too much even at the smallest scale: draw what fits, then say so. */
		pg.s = PDF_MIN_SCALE;
		pg.bottom = body_bottom - F_BODY.size * PDF_LINE;
		draw_body(&pg);
		pg.y = pg.bottom;
		pg.bottom = body_bottom;
		pg.s = 1.0;
		wrap(&pg, PDF_MARGIN, PDF_CONTENT_W, &F_BODY, l->clipped);
	}
	draw_signature(&pg, qr);
}

/* ---- the file ----------------------------------------------------------------------- */

static int is_text(const json_t *v)
{
	return json_is_string(v) && json_string_length(v) > 0;
}

static int is_number(const json_t *v)
{
	return json_is_number(v);
}

static int is_object(const json_t *v)
{
	return json_is_object(v);
}

static const struct {
	const char *path, *kind;
	int (*ok)(const json_t *v);
} pdf_required[] = {
	{ "id", "a text", is_text },
	{ "device", "an object", is_object },
	{ "battery.health_pct", "a number", is_number },
	{ "cosmetic.grade", "a text", is_text },
	{ "signature.value", "a text", is_text },
};

static enum pdf_err check_cert(const json_t *cert, char *why, size_t size)
{
	if (!json_is_object(cert)) {
		snprintf(why, size, "certificate is not a JSON object");
		return PDF_EBADCERT;
	}
	for (size_t i = 0; i < sizeof(pdf_required) / sizeof(pdf_required[0]); i++) {
		if (!pdf_required[i].ok(facts_json_at(cert, pdf_required[i].path))) {
			snprintf(why, size, "certificate has no %s (%s)", pdf_required[i].path,
				 pdf_required[i].kind);
			return PDF_EBADCERT;
		}
	}
	return PDF_OK;
}

enum pdf_err pdf_qr_encode(const char *qr_text, QRcode **qr, char *why, size_t size)
{
	size_t n = strlen(qr_text);

	if (n == 0 || n > PDF_QR_TEXT_MAX) {
		snprintf(why, size, "cannot make the QR code: its text is %zu bytes (1 to %d)", n,
			 PDF_QR_TEXT_MAX);
		return PDF_EQR;
	}
	*qr = QRcode_encodeString(qr_text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	if (!*qr) {
		snprintf(why, size, "cannot make the QR code: QRcode_encodeString: %m");
		return PDF_EQR;
	}
	return PDF_OK;
}

static const struct pdf_labels *labels_for(const char *lang)
{
	if (!lang || strlen(lang) < 2 || (lang[2] && lang[2] != '-' && lang[2] != '_'))
		return &pdf_en;
	if (!strncmp(lang, "fr", 2))
		return &pdf_fr;
	if (!strncmp(lang, "nl", 2))
		return &pdf_nl;
	return &pdf_en;
}

static void set_metadata(cairo_surface_t *surface, const json_t *cert, const struct pdf_labels *l)
{
	char id[256], name[512], title[400];

	snprintf(title, sizeof(title), "%s %s", l->title, text(facts_json_at(cert, "id"), id, sizeof(id)));
	cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, title);
	cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_AUTHOR,
				       text(facts_json_at(cert, "workshop.name"), name, sizeof(name)));
	cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR,
				       "atelier " ATELIER_VERSION);
}

/* The workshop's time zone, when the certificate names one, for localtime_r(); else the
 * process's own TZ (atelier-pdf's ZONE argument). */
static void set_zone(const json_t *cert)
{
	const char *zone = json_string_value(facts_json_at(cert, "workshop.timezone"));

	if (zone && zone[0] && zone[0] != '/' && !strstr(zone, "..") && strlen(zone) < 64)
		setenv("TZ", zone, 1);
	tzset();
}

static enum pdf_err write_error(const char *file, cairo_status_t st, char *why, size_t size)
{
	snprintf(why, size, "cannot write %s: %s", file, cairo_status_to_string(st));
	return PDF_EWRITE;
}

/* Finish the page and the file, and report the first error cairo met on the way. */
static enum pdf_err finish(cairo_surface_t *surface, cairo_t *cr, const char *file, char *why,
			   size_t size)
{
	cairo_status_t st = cairo_status(cr);

	if (st != CAIRO_STATUS_SUCCESS)
		return write_error(file, st, why, size);
	cairo_show_page(cr);
	cairo_surface_finish(surface);
	st = cairo_status(cr);
	if (st == CAIRO_STATUS_SUCCESS)
		st = cairo_surface_status(surface);
	if (st != CAIRO_STATUS_SUCCESS)
		return write_error(file, st, why, size);
	return PDF_OK;
}

/* A half-written certificate must not be mistaken for one; but FILE may also be a device
 * or a pipe the caller named, which is not ours to remove. */
static void remove_partial(const char *file)
{
	struct stat st;

	if (lstat(file, &st) == 0 && S_ISREG(st.st_mode))
		unlink(file);
}

enum pdf_err pdf_write_certificate(const json_t *cert, const char *qr_text, const char *lang,
				   const char *file, char *why, size_t size)
{
	const struct pdf_labels *l = labels_for(lang);
	cairo_surface_t *surface = NULL;
	cairo_t *cr = NULL;
	QRcode *qr = NULL;
	int opened = 0;
	enum pdf_err err;

	assert(qr_text && file && why && size > 0);
	why[0] = '\0';
	err = check_cert(cert, why, size);
	if (err != PDF_OK)
		goto out;
	err = pdf_qr_encode(qr_text, &qr, why, size);
	if (err != PDF_OK)
		goto out;
	surface = cairo_pdf_surface_create(file, PDF_W, PDF_H);
	if (cairo_surface_status(surface) != CAIRO_STATUS_SUCCESS) {
		err = write_error(file, cairo_surface_status(surface), why, size);
		goto out;
	}
	opened = 1;
	set_metadata(surface, cert, l);
	cr = cairo_create(surface);
	set_zone(cert);
	draw_page(cr, cert, l, qr, strncmp(qr_text, "https://", 8) == 0);
	err = finish(surface, cr, file, why, size);
out:
	if (cr)
		cairo_destroy(cr);
	if (surface)
		cairo_surface_destroy(surface);
	if (err != PDF_OK && opened)
		remove_partial(file);
	QRcode_free(qr);
	return err;
}

const char *pdf_strerror(enum pdf_err err)
{
	switch (err) {
	case PDF_OK:
		return "success";
	case PDF_EBADCERT:
		return "the certificate lacks something the page needs";
	case PDF_EQR:
		return "the QR code cannot be made";
	case PDF_EWRITE:
		return "cannot write the PDF";
	}
	return "unknown PDF error";
}
