/*
 * policy — the workshop's certification policy: what a device must have passed before
 * Atelier signs a certificate for it, and what the certificates say about the workshop.
 *
 * The defaults are shipped in checklists/policy.yaml (and are the same as the built-in
 * ones); DATA/policy.yaml, when there, overrides any of its keys. docs/certificates.md
 * documents every key.
 */
#ifndef ATELIER_CERT_POLICY_H
#define ATELIER_CERT_POLICY_H

#include <stddef.h>

#define POLICY_ID_MAX 72
#define POLICY_MAX_CHECKLISTS 12
#define POLICY_MAX_PLATFORMS 6 /* ios, android, and each with -phone and -tablet */
#define POLICY_MAX_GRADE_STEPS 4
#define POLICY_TEXT_MAX 160
#define POLICY_PATH_MAX 4096
#define POLICY_MAX_WEIGHTS 128
#define POLICY_MAX_COMPETENCES 48
/* The languages a competence is named in, in the order of policy_competence.name. */
#define POLICY_NAME_LANGS { "en", "fr", "nl" }
/* The legal guarantee on second-hand goods sold to consumers in the EU may be cut to one
 * year, never less (Directive (EU) 2019/771, art. 10(6)). */
#define POLICY_WARRANTY_MIN 12
#define POLICY_TIMEZONE_DEFAULT "Europe/Brussels"

struct policy_required {
	char platform[16]; /* "ios", "android", or with the class: "ios-tablet" */
	char ids[POLICY_MAX_CHECKLISTS][POLICY_ID_MAX];
	size_t n;
};

struct policy {
	char workshop_name[POLICY_TEXT_MAX];
	char workshop_place[POLICY_TEXT_MAX];
	char language[8]; /* en, fr, nl */
	/* What a buyer needs to reach the workshop, printed on every certificate: its legal
	 * name, postal address, company number and contact (phone, e-mail); "" when not set */
	char workshop_legal_name[POLICY_TEXT_MAX];
	char workshop_address[POLICY_TEXT_MAX];
	char workshop_company_number[POLICY_TEXT_MAX];
	char workshop_contact[POLICY_TEXT_MAX];
	/* The workshop's time zone, a name of the TZ database ("Europe/Brussels"): the
	 * certificate's dates and times are written in it */
	char workshop_timezone[64];
	/* The address of the workshop's verification page ("https://atelier.example.org"):
	 * the QR code holds VERIFY_URL/v/ID#SIG; "" keeps the atelier-cert:1: text */
	char workshop_verify_url[POLICY_TEXT_MAX];
	/* The warranty the workshop gives, in months (at least POLICY_WARRANTY_MIN) */
	int warranty_months;
	struct policy_required required[POLICY_MAX_PLATFORMS];
	size_t n_required;
	char wipe_checklist[POLICY_ID_MAX];
	char grade_checklist[POLICY_ID_MAX];
	/* the choice steps that grade the device (screen, body): the worst of them is the
	 * device's grade */
	char grade_steps[POLICY_MAX_GRADE_STEPS][POLICY_ID_MAX];
	size_t n_grade_steps;
	double battery_min_health_pct;
	/* percentage of data wipes a second person checks (5 to 100) */
	double wipe_verification_sample_pct;
	/* what the workshop does for an Android phone whose storage is not encrypted, where
	 * a factory reset only clears; "" when such a phone is not certified */
	char android_unencrypted_method[POLICY_TEXT_MAX];
	/* which conditions are checked (all by default) */
	int check_failed_steps, check_locks, check_wiped, check_bootloader, check_battery,
		check_grade;
	/* The programme's report (svc_programme_doc): the CO2e a device kept in use avoids for
	 * each extra year of use, where that factor comes from, the years a refurbished
	 * device is counted to add, and the weights of the e-waste kept in use: per model
	 * (identity.model_id), else a phone's or a tablet's default. */
	struct policy_programme {
		double co2e_kg_per_year, extra_years, phone_g, tablet_g;
		char co2e_source[POLICY_TEXT_MAX];
		struct {
			char model[POLICY_ID_MAX];
			double grams;
		} weights[POLICY_MAX_WEIGHTS];
		size_t n_weights;
	} programme;
	/* The competences' names, as trainees and instructors read them: checklists name a
	 * competence by its id (esd-safety); NAME[i] is in POLICY_NAME_LANGS[i], "" when
	 * not written in that language. */
	struct policy_competence {
		char id[POLICY_ID_MAX];
		char name[3][POLICY_TEXT_MAX];
	} competences[POLICY_MAX_COMPETENCES];
	size_t n_competences;
	/* the files read, in order, for messages */
	char files[2][POLICY_PATH_MAX];
	size_t n_files;
};

enum policy_err {
	POLICY_OK = 0,
	POLICY_EIO,      /* a policy file cannot be read */
	POLICY_EINVALID, /* a policy file is wrong: WHY has FILE:LINE:COL and what */
};

/* The built-in defaults. */
void policy_defaults(struct policy *p);

/* Read the policy file at PATH over P (keys it does not name keep their value). */
enum policy_err policy_load_file(struct policy *p, const char *path, char *why, size_t size)
	__attribute__((warn_unused_result));

/* The defaults, the shipped policy.yaml (if found) and DATA_DIR/policy.yaml (if there). */
/* 1 when ZONE is a time zone of the system's TZ database ("Europe/Brussels"): a relative
 * name of letters, digits, '/', '_', '-', '+' with no "..", found under /usr/share/zoneinfo
 * (or $TZDIR). */
int policy_timezone_known(const char *zone);

enum policy_err policy_load(struct policy *p, const char *data_dir, char *why, size_t size)
	__attribute__((warn_unused_result));

/* The checklists a device of PLATFORM ("ios", "android") and CLASS ("phone", "tablet";
 * NULL when not known) requires: the list for "PLATFORM-CLASS" when the policy has one,
 * else the list for PLATFORM; NULL when the policy names none. */
/* The weight in grams of a device of MODEL_ID (NULL: not known) and CLASS ("tablet", else
 * a phone) in the programme's table, else its class's default; *LISTED (may be NULL) says
 * whether the model was in the table. */
double policy_weight_g(const struct policy *p, const char *model_id, const char *class,
		       int *listed);

/* The names of competence ID in the policy, or NULL when it has none. */
const struct policy_competence *policy_competence(const struct policy *p, const char *id);
/* Its name in LANG (NULL: none asked), else in English, French or Dutch; NULL when the
 * policy names it in none. */
const char *policy_competence_name(const struct policy *p, const char *id, const char *lang);

const struct policy_required *policy_required_for(const struct policy *p, const char *platform,
						  const char *class);

#endif
