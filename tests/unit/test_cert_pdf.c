/*
 * The certificate a buyer takes home: one A4 page in the buyer's language that shows the
 * phone, its battery, its grade and how its data was wiped, with a QR code a scanner
 * reads back. The page is read back the way anyone would: with pdftotext, pdfinfo, and
 * pdftoppm + zbarimg for the QR code (poppler-utils, zbar-tools).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <jansson.h>

#include "cert/pdf.h"

#define EXAMPLE "tests/fixtures/certificate-example.json"
#define OUTPUT_MAX (1 << 20) /* more output than this from a tool is a failure */

extern char **environ;

struct pdf_test {
	char dir[64];
	char pdf[128];
	json_t *cert;
	char qr[512];
};

static int setup(void **state)
{
	struct pdf_test *t = calloc(1, sizeof(*t));
	json_error_t err;

	if (!t)
		return -1;
	snprintf(t->dir, sizeof(t->dir), "/tmp/atelier-pdf-XXXXXX");
	if (!mkdtemp(t->dir)) {
		free(t);
		return -1;
	}
	snprintf(t->pdf, sizeof(t->pdf), "%s/certificate.pdf", t->dir);
	t->cert = json_load_file(EXAMPLE, 0, &err);
	if (!t->cert) {
		fprintf(stderr, "%s:%d: %s\n", EXAMPLE, err.line, err.text);
		rmdir(t->dir);
		free(t);
		return -1;
	}
	snprintf(
	    t->qr, sizeof(t->qr), "atelier-cert:1:%s:%s",
	    json_string_value(json_object_get(t->cert, "id")),
	    json_string_value(json_object_get(json_object_get(t->cert, "signature"), "value")));
	*state = t;
	return 0;
}

static int teardown(void **state)
{
	struct pdf_test *t = *state;
	DIR *d = opendir(t->dir);
	struct dirent *e;

	while (d && (e = readdir(d))) {
		char path[512];

		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		snprintf(path, sizeof(path), "%s/%s", t->dir, e->d_name);
		unlink(path);
	}
	if (d)
		closedir(d);
	rmdir(t->dir);
	json_decref(t->cert);
	free(t);
	return 0;
}

/* Run ARGV (a program on PATH) and return what it printed; its exit status in STATUS.
 * Standard error goes to ours, so a failing tool explains itself in the test log, unless
 * QUIET (zbarimg complains on every run that there is no D-Bus). */
static char *run_quiet(const char *const *argv, int *status, int quiet)
{
	posix_spawn_file_actions_t fa;
	size_t len = 0;
	char *out = malloc(OUTPUT_MAX + 1);
	int fds[2];
	pid_t pid;
	ssize_t n;

	assert_non_null(out);
	assert_int_equal(pipe(fds), 0);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, fds[1], 1);
	posix_spawn_file_actions_addclose(&fa, fds[0]);
	posix_spawn_file_actions_addclose(&fa, fds[1]);
	if (quiet)
		posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	if (posix_spawnp(&pid, argv[0], &fa, NULL, (char *const *)argv, environ) != 0)
		fail_msg("cannot run %s", argv[0]);
	posix_spawn_file_actions_destroy(&fa);
	close(fds[1]);
	while (len < OUTPUT_MAX &&
	       ((n = read(fds[0], out + len, OUTPUT_MAX - len)) > 0 || (n < 0 && errno == EINTR)))
		len += n > 0 ? (size_t)n : 0;
	out[len] = '\0';
	close(fds[0]);
	while (waitpid(pid, status, 0) < 0 && errno == EINTR)
		;
	return out;
}

static char *run(const char *const *argv, int *status)
{
	return run_quiet(argv, status, 0);
}

/* The text of FILE as pdftotext -layout gives it. */
static char *pdf_text(const char *file)
{
	const char *argv[] = { "pdftotext", "-layout", file, "-", NULL };
	int status;
	char *out = run(argv, &status);

	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	return out;
}

static void assert_shows(const char *text, const char *what)
{
	if (!strstr(text, what))
		fail_msg("the page does not show \"%s\"; it reads:\n%s", what, text);
}

/* pdfinfo says FILE has one page, and that it is A4. */
static void assert_one_a4_page(const char *file)
{
	const char *argv[] = { "pdfinfo", file, NULL };
	int status;
	char *out = run(argv, &status), *p, *end;
	double w, h;

	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	p = strstr(out, "Pages:");
	assert_non_null(p);
	assert_int_equal(strtol(p + strlen("Pages:"), &end, 10), 1);
	p = strstr(out, "Page size:");
	assert_non_null(p);
	w = strtod(p + strlen("Page size:"), &end);
	assert_non_null(strstr(end, " x "));
	h = strtod(strstr(end, " x ") + 3, NULL);
	if (w < 595.27 || w > 595.29 || h < 841.88 || h > 841.90)
		fail_msg("page is %g x %g pt, not A4", w, h);
	free(out);
}

/* What a scanner reads from the QR code on page 1 of the PDF in T. */
static char *scan_qr(const struct pdf_test *t)
{
	char base[128], png[140];
	const char *render[] = {
		"pdftoppm", "-r", "150", "-png", "-singlefile", t->pdf, base, NULL
	};
	const char *scan[] = { "zbarimg", "--quiet", "--raw", png, NULL };
	int status;
	char *out;

	snprintf(base, sizeof(base), "%s/page", t->dir);
	snprintf(png, sizeof(png), "%s.png", base);
	free(run(render, &status));
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	out = run_quiet(scan, &status, 1);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	out[strcspn(out, "\n")] = '\0';
	return out;
}

static void write_ok(struct pdf_test *t, const char *lang)
{
	char why[256];

	if (pdf_write_certificate(t->cert, t->qr, lang, t->pdf, why, sizeof(why)) != PDF_OK)
		fail_msg("pdf_write_certificate: %s", why);
}

static void a_french_certificate_shows_the_phone_its_battery_and_its_grade(void **state)
{
	struct pdf_test *t = *state;
	char *text;

	/* A certificate issued before they named their time zone: the workshop's, as
	 * atelier-pdf is given it. */
	setenv("TZ", "Europe/Brussels", 1);
	write_ok(t, "fr");
	text = pdf_text(t->pdf);
	assert_shows(text, "Certificat d'aptitude au réemploi");
	assert_shows(text, "Atelier Réemploi Molenbeek");
	assert_shows(text, "ATL-20261127-7F3A9C2E");
	assert_shows(text, "27 novembre 2026 à 22:03 CET");
	assert_null(strstr(text, "UTC"));
	assert_shows(text, "iPhone 13");
	assert_shows(text, "C1QQABCD4R");
	assert_shows(text, "350244331234567");
	assert_shows(text, "350244336543210");
	assert_shows(text, "128,0 Go"); /* pdftotext gives the no-break space as a space */
	assert_shows(text, "91,2");
	assert_null(strstr(text, "91.2"));
	assert_shows(text, "Midnight");
	assert_shows(text, "B — Très bon état");
	assert_shows(text, "Réussi");
	assert_shows(text, "NIST SP 800-88 Rev. 2");
	assert_shows(text, "Accueil et tri (intake-triage) v1");
	assert_shows(text, "claire");
	assert_shows(text, "Ed25519");
	assert_shows(text, "atelier verify");
	free(text);
	assert_one_a4_page(t->pdf);
}

static void dutch_and_english_certificates_carry_their_own_title(void **state)
{
	struct pdf_test *t = *state;
	char *text;

	write_ok(t, "nl");
	text = pdf_text(t->pdf);
	assert_shows(text, "Certificaat van geschiktheid voor hergebruik");
	assert_shows(text, "Serienummer");
	free(text);

	write_ok(t, "en");
	text = pdf_text(t->pdf);
	assert_shows(text, "Certificate of readiness for reuse");
	assert_shows(text, "Serial number");
	assert_null(strstr(text, "Certificat d'aptitude"));
	free(text);

	write_ok(t, "de");
	text = pdf_text(t->pdf);
	assert_shows(text, "Certificate of readiness for reuse");
	free(text);
}

static void the_qr_code_scans_back_as_the_id_and_signature(void **state)
{
	struct pdf_test *t = *state;
	char *read;

	write_ok(t, "fr");
	read = scan_qr(t);
	assert_string_equal(read, t->qr);
	free(read);
}

static int dir_is_empty(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	assert_non_null(d);
	while ((e = readdir(d)))
		n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
	closedir(d);
	return n == 0;
}

static void a_certificate_without_battery_health_is_refused_and_leaves_no_file(void **state)
{
	struct pdf_test *t = *state;
	char why[256] = "";

	json_object_del(json_object_get(t->cert, "battery"), "health_pct");
	assert_int_equal(pdf_write_certificate(t->cert, t->qr, "fr", t->pdf, why, sizeof(why)),
			 PDF_EBADCERT);
	assert_non_null(strstr(why, "battery.health_pct"));
	assert_true(dir_is_empty(t->dir));
}

static void a_certificate_without_signature_or_device_is_refused(void **state)
{
	struct pdf_test *t = *state;
	char why[256] = "";

	json_object_del(json_object_get(t->cert, "signature"), "value");
	assert_int_equal(pdf_write_certificate(t->cert, t->qr, "en", t->pdf, why, sizeof(why)),
			 PDF_EBADCERT);
	assert_non_null(strstr(why, "signature.value"));
	json_object_set_new(t->cert, "device", json_string("iPhone"));
	assert_int_equal(pdf_write_certificate(t->cert, t->qr, "en", t->pdf, why, sizeof(why)),
			 PDF_EBADCERT);
	assert_non_null(strstr(why, "device"));
	assert_true(dir_is_empty(t->dir));
}

static void a_pdf_in_a_missing_directory_is_a_write_error_naming_the_path(void **state)
{
	struct pdf_test *t = *state;
	char path[160], why[512] = "";

	snprintf(path, sizeof(path), "%s/no-such-dir/certificate.pdf", t->dir);
	assert_int_equal(pdf_write_certificate(t->cert, t->qr, "en", path, why, sizeof(why)),
			 PDF_EWRITE);
	assert_non_null(strstr(why, path));
}

static void a_disk_that_fills_up_is_a_write_error_and_the_device_stays(void **state)
{
	struct pdf_test *t = *state;
	char why[512] = "";
	struct stat st;

	if (stat("/dev/full", &st) != 0 || access("/dev/full", W_OK) != 0)
		skip();
	assert_int_equal(pdf_write_certificate(t->cert, t->qr, "en", "/dev/full", why, sizeof(why)),
			 PDF_EWRITE);
	assert_non_null(strstr(why, "/dev/full"));
	assert_int_equal(stat("/dev/full", &st), 0);
	assert_true(S_ISCHR(st.st_mode));
}

static void unknown_optional_values_show_a_dash(void **state)
{
	struct pdf_test *t = *state;
	json_t *dev = json_object_get(t->cert, "device");
	char *text;

	json_object_set_new(dev, "color", json_null());
	json_object_del(dev, "model_number");
	json_object_del(dev, "udid");
	json_object_del(dev, "marketing_name");
	json_object_del(json_object_get(t->cert, "battery"), "cycle_count");
	json_object_del(json_object_get(t->cert, "os"), "build");
	write_ok(t, "en");
	text = pdf_text(t->pdf);
	assert_shows(text, "iPhone14,5");
	assert_shows(text, "C1QQABCD4R");
	assert_shows(text, "—");
	assert_null(strstr(text, "UDID"));
	assert_null(strstr(text, "Midnight"));
	free(text);
	assert_one_a4_page(t->pdf);
}

static void the_parts_fitted_the_size_on_the_box_and_the_colour_name_are_shown(void **state)
{
	struct pdf_test *t = *state;
	json_t *dev = json_object_get(t->cert, "device");
	char *text;

	json_object_set_new(dev, "storage_gb", json_integer(128));
	json_object_set_new(dev, "color", json_string("1"));
	json_object_set_new(dev, "color_name", json_string("Lumière stellaire"));
	json_object_set_new(t->cert, "parts",
			    json_pack("[{s:s, s:s, s:s}]", "name", "Écran", "origin", "aftermarket",
				      "serial", "SCR-20261"));
	write_ok(t, "fr");
	text = pdf_text(t->pdf);
	assert_shows(text, "128 Go");
	assert_shows(text, "Lumière stellaire");
	assert_shows(text, "Pièces remplacées");
	assert_shows(text, "Écran");
	assert_shows(text, "compatible, non d'origine (SCR-20261)");
	assert_null(strstr(text, "128.0 GB"));
	free(text);
	assert_one_a4_page(t->pdf);
}

static void twelve_checklists_and_long_criteria_still_fit_one_page(void **state)
{
	struct pdf_test *t = *state;
	json_t *lists = json_object_get(t->cert, "checklists");
	char criteria[601], *text, *read;

	for (int i = json_array_size(lists); i < 12; i++) {
		json_t *cl = json_deep_copy(json_array_get(lists, 0));
		char id[32];

		snprintf(id, sizeof(id), "extra-check-%02d", i + 1);
		json_object_set_new(cl, "id", json_string(id));
		json_array_append_new(lists, cl);
	}
	for (size_t i = 0; i < 600; i++)
		criteria[i] = (i % 9 == 8) ? ' ' : (char)('a' + i % 7);
	memcpy(criteria + 590, " lastword!", 10);
	criteria[600] = '\0';
	json_object_set_new(json_object_get(t->cert, "cosmetic"), "criteria",
			    json_string(criteria));
	write_ok(t, "fr");
	assert_one_a4_page(t->pdf);
	text = pdf_text(t->pdf);
	assert_shows(text, "ATL-20261127-7F3A9C2E");
	assert_shows(text, "(extra-check-12)");
	assert_shows(text, "lastword!");
	assert_shows(text, "Ed25519");
	free(text);
	read = scan_qr(t);
	assert_string_equal(read, t->qr);
	free(read);
}

static void far_too_much_text_is_cut_with_a_note_and_stays_on_one_page(void **state)
{
	struct pdf_test *t = *state;
	json_t *lists = json_object_get(t->cert, "checklists");
	char *text, long_value[3001];

	for (int i = 0; i < 200; i++)
		json_array_append_new(lists, json_deep_copy(json_array_get(lists, 0)));
	memset(long_value, 'X', sizeof(long_value) - 1);
	long_value[sizeof(long_value) - 1] = '\0';
	json_object_set_new(json_object_get(t->cert, "signature"), "value",
			    json_string(long_value));
	write_ok(t, "en");
	assert_one_a4_page(t->pdf);
	text = pdf_text(t->pdf);
	assert_shows(text, "ATL-20261127-7F3A9C2E");
	assert_shows(text, "did not fit on this page");
	assert_shows(text, "atelier verify");
	free(text);
}

/* One "word" of 1500 two-byte letters is longer than a line can hold: it is cut between
 * letters, never inside one (cairo refuses a broken character and the PDF would fail). */
static void a_huge_word_of_accented_letters_is_cut_between_letters(void **state)
{
	struct pdf_test *t = *state;
	char word[3001], *text;

	for (size_t i = 0; i + 1 < sizeof(word); i += 2)
		memcpy(word + i, "\xc3\xa9", 2);
	word[sizeof(word) - 1] = '\0';
	json_object_set_new(json_object_get(t->cert, "cosmetic"), "criteria", json_string(word));
	write_ok(t, "fr");
	assert_one_a4_page(t->pdf);
	text = pdf_text(t->pdf);
	assert_shows(text, "ATL-20261127-7F3A9C2E");
	assert_shows(text, "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9");
	free(text);
}

static void a_qr_text_too_long_to_scan_is_refused(void **state)
{
	struct pdf_test *t = *state;
	char qr[2000], why[256] = "";

	memset(qr, 'A', sizeof(qr) - 1);
	qr[sizeof(qr) - 1] = '\0';
	assert_int_equal(pdf_write_certificate(t->cert, qr, "en", t->pdf, why, sizeof(why)),
			 PDF_EQR);
	assert_non_null(strstr(why, "QR"));
	assert_true(dir_is_empty(t->dir));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(a_french_certificate_shows_the_phone_its_battery_and_its_grade),
		T(dutch_and_english_certificates_carry_their_own_title),
		T(the_qr_code_scans_back_as_the_id_and_signature),
		T(a_certificate_without_battery_health_is_refused_and_leaves_no_file),
		T(a_certificate_without_signature_or_device_is_refused),
		T(a_pdf_in_a_missing_directory_is_a_write_error_naming_the_path),
		T(a_disk_that_fills_up_is_a_write_error_and_the_device_stays),
		T(unknown_optional_values_show_a_dash),
		T(the_parts_fitted_the_size_on_the_box_and_the_colour_name_are_shown),
		T(twelve_checklists_and_long_criteria_still_fit_one_page),
		T(far_too_much_text_is_cut_with_a_note_and_stays_on_one_page),
		T(a_qr_text_too_long_to_scan_is_refused),
		T(a_huge_word_of_accented_letters_is_cut_between_letters),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
