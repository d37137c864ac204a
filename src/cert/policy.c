/* The certification policy file. See policy.h. */
#include "cert/policy.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yaml.h>

#include "checklist/checklist.h"
#include "util/number.h"

void policy_defaults(struct policy *p)
{
	static const struct {
		const char *kind;
		const char *ids[4];
	} lists[] = {
		{ "ios-phone", { "intake-triage", "data-wipe", "diagnostics-ios", "final-qc" } },
		{ "ios-tablet", { "intake-triage", "data-wipe", "diagnostics-ios", "final-qc" } },
		{ "android-phone",
		  { "intake-triage", "data-wipe", "diagnostics-android", "final-qc" } },
		{ "android-tablet",
		  { "intake-triage", "data-wipe", "diagnostics-android", "final-qc" } },
		{ "ios", { "intake-triage", "data-wipe", "diagnostics-ios", "final-qc" } },
		{ "android", { "intake-triage", "data-wipe", "diagnostics-android", "final-qc" } },
	};

	memset(p, 0, sizeof(*p));
	snprintf(p->language, sizeof(p->language), "en");
	snprintf(p->workshop_timezone, sizeof(p->workshop_timezone), "%s",
		 POLICY_TIMEZONE_DEFAULT);
	p->warranty_months = POLICY_WARRANTY_MIN;
	for (size_t i = 0; i < sizeof(lists) / sizeof(lists[0]); i++) {
		struct policy_required *r = &p->required[p->n_required++];

		snprintf(r->platform, sizeof(r->platform), "%s", lists[i].kind);
		for (size_t k = 0; k < 4; k++)
			snprintf(r->ids[k], POLICY_ID_MAX, "%s", lists[i].ids[k]);
		r->n = 4;
	}
	snprintf(p->wipe_checklist, sizeof(p->wipe_checklist), "data-wipe");
	snprintf(p->grade_checklist, sizeof(p->grade_checklist), "final-qc");
	snprintf(p->grade_steps[0], POLICY_ID_MAX, "screen-grade");
	snprintf(p->grade_steps[1], POLICY_ID_MAX, "body-grade");
	p->n_grade_steps = 2;
	p->battery_min_health_pct = 80.0;
	p->wipe_verification_sample_pct = 100.0; /* every wipe, while the workshop is new */
	p->check_failed_steps = p->check_locks = p->check_wiped = p->check_bootloader = 1;
	p->check_battery = p->check_grade = 1;
	/* The factor the programme was asked to report with (ADEME, 2022: about 24.6 kg CO2e
	 * avoided per smartphone for each extra year of use); a workshop that uses another
	 * sets it, with its source, in its policy (docs/reports.md). */
	p->programme.co2e_kg_per_year = 24.6;
	p->programme.extra_years = 1.0;
	p->programme.phone_g = 180.0;
	p->programme.tablet_g = 480.0;
	snprintf(p->programme.co2e_source, sizeof(p->programme.co2e_source), "%s",
		 "ADEME 2022");
}

double policy_weight_g(const struct policy *p, const char *model_id, const char *class,
		       int *listed)
{
	if (listed)
		*listed = 0;
	for (size_t i = 0; model_id && i < p->programme.n_weights; i++)
		if (strcmp(p->programme.weights[i].model, model_id) == 0) {
			if (listed)
				*listed = 1;
			return p->programme.weights[i].grams;
		}
	return class && strcmp(class, "tablet") == 0 ? p->programme.tablet_g : p->programme.phone_g;
}

const struct policy_required *policy_required_for(const struct policy *p, const char *platform,
						  const char *class)
{
	char both[40];

	if (class) {
		snprintf(both, sizeof(both), "%s-%s", platform, class);
		for (size_t i = 0; i < p->n_required; i++)
			if (strcmp(p->required[i].platform, both) == 0)
				return &p->required[i];
	}
	for (size_t i = 0; i < p->n_required; i++)
		if (strcmp(p->required[i].platform, platform) == 0)
			return &p->required[i];
	return NULL;
}

/* The keys of required_checklists: a platform, or a platform and a device class. */
static const char *const device_kinds[] = { "ios",	   "android",	     "ios-phone",
					    "ios-tablet", "android-phone", "android-tablet",
					    NULL };

struct ctx {
	yaml_document_t *doc;
	const char *path;
	char *why;
	size_t size;
};

static int bad(const struct ctx *c, const yaml_node_t *n, const char *what, const char *key)
{
	snprintf(c->why, c->size, "%s:%zu:%zu: error: %s%s%s", c->path, n->start_mark.line + 1,
		 n->start_mark.column + 1, key ? key : "", key ? ": " : "", what);
	return -1;
}

static const char *scalar(const yaml_node_t *n)
{
	return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

static int get_text(const struct ctx *c, const yaml_node_t *n, const char *key, char *out,
		    size_t size)
{
	const char *v = scalar(n);

	if (!v)
		return bad(c, n, "should be a text", key);
	if (strlen(v) >= size)
		return bad(c, n, "is too long", key);
	snprintf(out, size, "%s", v);
	return 0;
}

static int get_id(const struct ctx *c, const yaml_node_t *n, const char *key, char *out)
{
	const char *v = scalar(n);

	if (!v || !v[0] || strspn(v, "abcdefghijklmnopqrstuvwxyz0123456789-") != strlen(v))
		return bad(c, n, "should be an id (lower-case letters, digits and '-')", key);
	return get_text(c, n, key, out, POLICY_ID_MAX);
}

static int get_bool(const struct ctx *c, const yaml_node_t *n, const char *key, int *out)
{
	const char *v = scalar(n);

	if (v && strcmp(v, "true") == 0)
		*out = 1;
	else if (v && strcmp(v, "false") == 0)
		*out = 0;
	else
		return bad(c, n, "should be true or false", key);
	return 0;
}

/* Loop over the KEY: VALUE pairs of mapping N (node pointers K and V). */
#define FOREACH_PAIR(c, n, pair, k, v)                                                        \
	for (yaml_node_pair_t *pair = (n)->data.mapping.pairs.start;                          \
	     pair < (n)->data.mapping.pairs.top &&                                             \
	     ((k) = yaml_document_get_node((c)->doc, pair->key),                               \
	     (v) = yaml_document_get_node((c)->doc, pair->value), 1);                          \
	     pair++)

int policy_timezone_known(const char *zone)
{
	const char *dir = getenv("TZDIR");
	char path[POLICY_PATH_MAX];
	struct stat st;

	if (!zone || !zone[0] || zone[0] == '/' || strstr(zone, "..") ||
	    strspn(zone, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/_-+") !=
		    strlen(zone))
		return 0;
	if (snprintf(path, sizeof(path), "%s/%s", dir && dir[0] ? dir : "/usr/share/zoneinfo",
		     zone) >= (int)sizeof(path))
		return 0;
	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* The workshop's texts other than its name, place and language. */
static const struct {
	const char *key;
	size_t off, size;
} workshop_texts[] = {
	{ "legal_name", offsetof(struct policy, workshop_legal_name), POLICY_TEXT_MAX },
	{ "address", offsetof(struct policy, workshop_address), POLICY_TEXT_MAX },
	{ "company_number", offsetof(struct policy, workshop_company_number), POLICY_TEXT_MAX },
	{ "contact", offsetof(struct policy, workshop_contact), POLICY_TEXT_MAX },
};

static int load_verify_url(struct ctx *c, struct policy *p, yaml_node_t *v)
{
	const char *s = scalar(v);

	if (s && s[0] &&
	    (strncmp(s, "https://", 8) != 0 || strlen(s) < 9 ||
	     strcspn(s, " \t\r\n#?\"'<>\\") != strlen(s)))
		return bad(c, v,
			   "should be the https address of the workshop's verification pages, "
			   "such as https://atelier.example.org (no space, '?' or '#')",
			   "workshop.verify_url");
	if (get_text(c, v, "workshop.verify_url", p->workshop_verify_url,
		     sizeof(p->workshop_verify_url)))
		return -1;
	/* The pages are VERIFY_URL/v/ID: one slash between them. */
	for (size_t n = strlen(p->workshop_verify_url); n > 8 && p->workshop_verify_url[n - 1] == '/';)
		p->workshop_verify_url[--n] = '\0';
	return 0;
}

static int load_workshop(struct ctx *c, struct policy *p, yaml_node_t *n)
{
	yaml_node_t *k, *v;

	if (n->type != YAML_MAPPING_NODE)
		return bad(c, n, "should be a mapping with name, place and language", "workshop");
	FOREACH_PAIR(c, n, pair, k, v) {
		const char *key = scalar(k);
		size_t t;

		for (t = 0; key && t < sizeof(workshop_texts) / sizeof(workshop_texts[0]); t++)
			if (strcmp(key, workshop_texts[t].key) == 0)
				break;
		if (key && t < sizeof(workshop_texts) / sizeof(workshop_texts[0])) {
			char what[64];

			snprintf(what, sizeof(what), "workshop.%s", key);
			if (get_text(c, v, what, (char *)p + workshop_texts[t].off,
				     workshop_texts[t].size))
				return -1;
		} else if (key && strcmp(key, "timezone") == 0) {
			if (!policy_timezone_known(scalar(v)))
				return bad(c, v,
					   "should be a time zone of the TZ database, such as "
					   "Europe/Brussels (see /usr/share/zoneinfo)",
					   "workshop.timezone");
			if (get_text(c, v, "workshop.timezone", p->workshop_timezone,
				     sizeof(p->workshop_timezone)))
				return -1;
		} else if (key && strcmp(key, "verify_url") == 0) {
			if (load_verify_url(c, p, v))
				return -1;
		} else if (key && strcmp(key, "name") == 0) {
			if (get_text(c, v, "workshop.name", p->workshop_name,
				     sizeof(p->workshop_name)))
				return -1;
		} else if (key && strcmp(key, "place") == 0) {
			if (get_text(c, v, "workshop.place", p->workshop_place,
				     sizeof(p->workshop_place)))
				return -1;
		} else if (key && strcmp(key, "language") == 0) {
			const char *l = scalar(v);

			if (!checklist_lang_known(l))
				return bad(c, v, "should be en, fr or nl", "workshop.language");
			snprintf(p->language, sizeof(p->language), "%s", l);
		} else {
			return bad(c, k,
				   "unknown key in workshop (name, place, language, legal_name, "
				   "address, company_number, contact, timezone, verify_url)",
				   key);
		}
	}
	return 0;
}

static int load_required(struct ctx *c, struct policy *p, yaml_node_t *n)
{
	yaml_node_t *k, *v;

	if (n->type != YAML_MAPPING_NODE)
		return bad(c, n,
			   "should map each kind of device (ios, android, ios-phone, ios-tablet, "
			   "android-phone, android-tablet) to a list of checklists",
			   "required_checklists");
	p->n_required = 0;
	FOREACH_PAIR(c, n, pair, k, v) {
		const char *plat = scalar(k);
		struct policy_required *r;
		int known = 0;

		for (size_t i = 0; plat && device_kinds[i]; i++)
			known |= strcmp(plat, device_kinds[i]) == 0;
		if (!known)
			return bad(c, k,
				   "the kinds of device are ios, android, ios-phone, ios-tablet, "
				   "android-phone and android-tablet",
				   "required_checklists");
		for (size_t i = 0; i < p->n_required; i++)
			if (strcmp(p->required[i].platform, plat) == 0)
				return bad(c, k, "is given twice", plat);
		if (v->type != YAML_SEQUENCE_NODE)
			return bad(c, v, "should be a list of checklist ids", plat);
		if (p->n_required == POLICY_MAX_PLATFORMS)
			return bad(c, k, "too many platforms", "required_checklists");
		r = &p->required[p->n_required++];
		memset(r, 0, sizeof(*r));
		snprintf(r->platform, sizeof(r->platform), "%s", plat);
		for (yaml_node_item_t *it = v->data.sequence.items.start;
		     it < v->data.sequence.items.top; it++) {
			if (r->n == POLICY_MAX_CHECKLISTS)
				return bad(c, v, "lists too many checklists", plat);
			if (get_id(c, yaml_document_get_node(c->doc, *it), plat, r->ids[r->n]))
				return -1;
			r->n++;
		}
	}
	return 0;
}

static int load_checks(struct ctx *c, struct policy *p, yaml_node_t *n)
{
	static const struct {
		const char *key;
		size_t off;
	} checks[] = {
		{ "no_failed_required_step", offsetof(struct policy, check_failed_steps) },
		{ "locks_off", offsetof(struct policy, check_locks) },
		{ "data_wiped", offsetof(struct policy, check_wiped) },
		{ "bootloader_locked", offsetof(struct policy, check_bootloader) },
		{ "battery_health", offsetof(struct policy, check_battery) },
		{ "cosmetic_grade", offsetof(struct policy, check_grade) },
	};
	yaml_node_t *k, *v;

	if (n->type != YAML_MAPPING_NODE)
		return bad(c, n, "should be a mapping of check names to true or false", "checks");
	FOREACH_PAIR(c, n, pair, k, v) {
		const char *key = scalar(k);
		size_t i;

		for (i = 0; i < sizeof(checks) / sizeof(checks[0]); i++)
			if (key && strcmp(key, checks[i].key) == 0)
				break;
		if (i == sizeof(checks) / sizeof(checks[0]))
			return bad(c, k, "unknown check", key);
		if (get_bool(c, v, key, (int *)((char *)p + checks[i].off)))
			return -1;
	}
	return 0;
}

static int load_health(struct ctx *c, struct policy *p, yaml_node_t *v)
{
	const char *s = scalar(v);
	double d = NAN;

	if (number_decimal(s, &d) != NUMBER_OK || !(d >= 0 && d <= 100))
		return bad(c, v, "should be a number from 0 to 100", "battery_min_health_pct");
	p->battery_min_health_pct = d;
	return 0;
}

static int load_pct(struct ctx *c, yaml_node_t *v, const char *key, double min, double *out)
{
	const char *s = scalar(v);
	char what[64];
	double d = NAN;

	if (number_decimal(s, &d) != NUMBER_OK || !(d >= min && d <= 100)) {
		snprintf(what, sizeof(what), "should be a number from %g to 100", min);
		return bad(c, v, what, key);
	}
	*out = d;
	return 0;
}

static int load_grade(struct ctx *c, struct policy *p, yaml_node_t *n)
{
	yaml_node_t *k, *v;

	if (n->type != YAML_MAPPING_NODE)
		return bad(c, n, "should be a mapping with checklist and steps", "grade");
	FOREACH_PAIR(c, n, pair, k, v) {
		const char *key = scalar(k);

		if (key && strcmp(key, "checklist") == 0) {
			if (get_id(c, v, "grade.checklist", p->grade_checklist))
				return -1;
		} else if (key && strcmp(key, "step") == 0) {
			/* One step grades the whole device. */
			if (get_id(c, v, "grade.step", p->grade_steps[0]))
				return -1;
			p->n_grade_steps = 1;
		} else if (key && strcmp(key, "steps") == 0) {
			if (v->type != YAML_SEQUENCE_NODE || v->data.sequence.items.start ==
								     v->data.sequence.items.top)
				return bad(c, v, "should be a list of step ids", "grade.steps");
			p->n_grade_steps = 0;
			for (yaml_node_item_t *it = v->data.sequence.items.start;
			     it < v->data.sequence.items.top; it++) {
				if (p->n_grade_steps == POLICY_MAX_GRADE_STEPS)
					return bad(c, v, "lists too many steps", "grade.steps");
				if (get_id(c, yaml_document_get_node(c->doc, *it), "grade.steps",
					   p->grade_steps[p->n_grade_steps]))
					return -1;
				p->n_grade_steps++;
			}
		} else {
			return bad(c, k, "unknown key in grade (checklist, step, steps)", key);
		}
	}
	return 0;
}

/* A positive number no larger than MAX for KEY into *OUT. */
static int load_positive(struct ctx *c, yaml_node_t *v, const char *key, double max, double *out)
{
	double d = NAN;
	char what[64];

	if (number_decimal(scalar(v), &d) != NUMBER_OK || !(d > 0 && d <= max)) {
		snprintf(what, sizeof(what), "should be a number above 0, at most %g", max);
		return bad(c, v, what, key);
	}
	*out = d;
	return 0;
}

static int load_weights(struct ctx *c, struct policy_programme *g, yaml_node_t *n)
{
	yaml_node_t *k, *v;

	if (n->type != YAML_MAPPING_NODE)
		return bad(c, n, "should map model identifiers (iPhone14,5, SM-A525F) to grams",
			   "programme.weights_g");
	g->n_weights = 0;
	FOREACH_PAIR(c, n, pair, k, v) {
		if (g->n_weights == POLICY_MAX_WEIGHTS)
			return bad(c, k, "lists too many models", "programme.weights_g");
		if (get_text(c, k, "programme.weights_g", g->weights[g->n_weights].model,
			     POLICY_ID_MAX) ||
		    load_positive(c, v, "programme.weights_g", 5000,
				  &g->weights[g->n_weights].grams))
			return -1;
		g->n_weights++;
	}
	return 0;
}

static int load_programme(struct ctx *c, struct policy_programme *g, yaml_node_t *n)
{
	yaml_node_t *k, *v;

	if (n->type != YAML_MAPPING_NODE)
		return bad(c, n, "should be a mapping (co2e_kg_per_year, co2e_source, extra_years, "
			   "phone_g, tablet_g, weights_g)", "programme");
	FOREACH_PAIR(c, n, pair, k, v) {
		const char *key = scalar(k);
		int r;

		if (key && strcmp(key, "co2e_kg_per_year") == 0)
			r = load_positive(c, v, "programme.co2e_kg_per_year", 1000, &g->co2e_kg_per_year);
		else if (key && strcmp(key, "co2e_source") == 0)
			r = get_text(c, v, "programme.co2e_source", g->co2e_source,
				     sizeof(g->co2e_source));
		else if (key && strcmp(key, "extra_years") == 0)
			r = load_positive(c, v, "programme.extra_years", 20, &g->extra_years);
		else if (key && strcmp(key, "phone_g") == 0)
			r = load_positive(c, v, "programme.phone_g", 5000, &g->phone_g);
		else if (key && strcmp(key, "tablet_g") == 0)
			r = load_positive(c, v, "programme.tablet_g", 5000, &g->tablet_g);
		else if (key && strcmp(key, "weights_g") == 0)
			r = load_weights(c, g, v);
		else
			r = bad(c, k, "unknown key in programme (co2e_kg_per_year, co2e_source, "
				"extra_years, phone_g, tablet_g, weights_g)", key);
		if (r)
			return r;
	}
	return 0;
}

const struct policy_competence *policy_competence(const struct policy *p, const char *id)
{
	for (size_t i = 0; id && i < p->n_competences; i++)
		if (strcmp(p->competences[i].id, id) == 0)
			return &p->competences[i];
	return NULL;
}

const char *policy_competence_name(const struct policy *p, const char *id, const char *lang)
{
	static const char *const langs[] = POLICY_NAME_LANGS;
	const struct policy_competence *named = policy_competence(p, id);

	for (int l = 0; named && lang && l < 3; l++)
		if (strcmp(lang, langs[l]) == 0 && named->name[l][0])
			return named->name[l];
	for (int l = 0; named && l < 3; l++)
		if (named->name[l][0])
			return named->name[l];
	return NULL;
}

/* competences: {ID: {en: NAME, fr: NAME, nl: NAME}}. A file read later names a
 * competence again or adds one; those it does not name keep their names. */
static int load_competences(struct ctx *c, struct policy *p, yaml_node_t *n)
{
	static const char *const langs[] = POLICY_NAME_LANGS;
	yaml_node_t *k, *v, *lk, *lv;

	if (n->type != YAML_MAPPING_NODE)
		return bad(c, n, "should map each competence's id to its names (en, fr, nl)",
			   "competences");
	FOREACH_PAIR(c, n, pair, k, v) {
		struct policy_competence one = { 0 };
		struct policy_competence *at;
		int named = 0;

		if (get_id(c, k, "competences", one.id))
			return -1;
		if (v->type != YAML_MAPPING_NODE)
			return bad(c, v, "should give the competence's name in en, fr and nl",
				   one.id);
		FOREACH_PAIR(c, v, lpair, lk, lv) {
			const char *lang = scalar(lk);
			size_t l = 0;

			while (l < 3 && (!lang || strcmp(lang, langs[l]) != 0))
				l++;
			if (l == 3)
				return bad(c, lk, "a name is in en, fr or nl", one.id);
			if (get_text(c, lv, one.id, one.name[l], POLICY_TEXT_MAX))
				return -1;
			named |= one.name[l][0] != '\0';
		}
		if (!named)
			return bad(c, v, "gives no name", one.id);
		at = (struct policy_competence *)policy_competence(p, one.id);
		if (!at) {
			if (p->n_competences == POLICY_MAX_COMPETENCES)
				return bad(c, k, "names too many competences", "competences");
			at = &p->competences[p->n_competences++];
		}
		*at = one;
	}
	return 0;
}

static int load_root(struct ctx *c, struct policy *p, yaml_node_t *root)
{
	yaml_node_t *k, *v;

	if (!root)
		return 0; /* an empty file changes nothing */
	if (root->type != YAML_MAPPING_NODE)
		return bad(c, root, "a policy file is a mapping of keys (docs/certificates.md)",
			   NULL);
	FOREACH_PAIR(c, root, pair, k, v) {
		const char *key = scalar(k);
		int r;

		if (!key)
			return bad(c, k, "keys are plain words", NULL);
		if (strcmp(key, "version") == 0) {
			const char *s = scalar(v);

			r = s && strcmp(s, "1") == 0 ? 0 : bad(c, v, "should be 1", key);
		} else if (strcmp(key, "workshop") == 0) {
			r = load_workshop(c, p, v);
		} else if (strcmp(key, "required_checklists") == 0) {
			r = load_required(c, p, v);
		} else if (strcmp(key, "wipe_checklist") == 0) {
			r = get_id(c, v, key, p->wipe_checklist);
		} else if (strcmp(key, "grade") == 0) {
			r = load_grade(c, p, v);
		} else if (strcmp(key, "battery_min_health_pct") == 0) {
			r = load_health(c, p, v);
		} else if (strcmp(key, "checks") == 0) {
			r = load_checks(c, p, v);
		} else if (strcmp(key, "wipe_verification_sample_pct") == 0) {
			/* R2v3 Appendix B: at least 5 % of the wipes are verified. */
			r = load_pct(c, v, key, 5, &p->wipe_verification_sample_pct);
		} else if (strcmp(key, "programme") == 0) {
			r = load_programme(c, &p->programme, v);
		} else if (strcmp(key, "competences") == 0) {
			r = load_competences(c, p, v);
		} else if (strcmp(key, "warranty_months") == 0) {
			long long m = 0;
			char what[160];

			snprintf(what, sizeof(what),
				 "should be a whole number of months, at least %d (the legal "
				 "guarantee on second-hand goods sold to consumers in the EU)",
				 POLICY_WARRANTY_MIN);
			r = number_whole(scalar(v), POLICY_WARRANTY_MIN, 120, &m) == NUMBER_OK
				    ? 0
				    : bad(c, v, what, key);
			if (!r)
				p->warranty_months = (int)m;
		} else if (strcmp(key, "android_unencrypted_method") == 0) {
			r = get_text(c, v, key, p->android_unencrypted_method,
				     sizeof(p->android_unencrypted_method));
		} else {
			r = bad(c, k, "unknown key (see docs/certificates.md)", key);
		}
		if (r)
			return r;
	}
	return 0;
}

enum policy_err policy_load_file(struct policy *p, const char *path, char *why, size_t size)
{
	yaml_parser_t parser;
	yaml_document_t doc;
	struct policy next = *p;
	struct ctx c = { &doc, path, why, size };
	FILE *f = fopen(path, "rb");
	enum policy_err err = POLICY_OK;

	if (!f) {
		snprintf(why, size, "cannot read %s: %s", path, strerror(errno));
		return POLICY_EIO;
	}
	if (!yaml_parser_initialize(&parser)) {
		fclose(f);
		snprintf(why, size, "out of memory reading %s", path);
		return POLICY_EIO;
	}
	yaml_parser_set_input_file(&parser, f);
	if (!yaml_parser_load(&parser, &doc)) {
		snprintf(why, size, "%s:%zu:%zu: error: not valid YAML: %s", path,
			 parser.problem_mark.line + 1, parser.problem_mark.column + 1,
			 parser.problem ? parser.problem : "unreadable");
		err = POLICY_EINVALID;
	} else {
		if (load_root(&c, &next, yaml_document_get_root_node(&doc)))
			err = POLICY_EINVALID;
		yaml_document_delete(&doc);
	}
	yaml_parser_delete(&parser);
	fclose(f);
	if (err)
		return err;
	*p = next;
	if (p->n_files < 2)
		snprintf(p->files[p->n_files++], POLICY_PATH_MAX, "%s", path);
	return POLICY_OK;
}

enum policy_err policy_load(struct policy *p, const char *data_dir, char *why, size_t size)
{
	char dirs[CHECKLIST_SEARCH_MAX][CHECKLIST_PATH_MAX], path[POLICY_PATH_MAX];
	size_t n = checklist_search_path(NULL, dirs, 1);
	enum policy_err err;

	policy_defaults(p);
	if (n == 1 && snprintf(path, sizeof(path), "%s/%s", dirs[0], CHECKLIST_POLICY_FILE) <
			      (int)sizeof(path) &&
	    access(path, F_OK) == 0) {
		err = policy_load_file(p, path, why, size);
		if (err)
			return err;
	}
	if (data_dir && snprintf(path, sizeof(path), "%s/%s", data_dir, CHECKLIST_POLICY_FILE) <
				(int)sizeof(path) &&
	    access(path, F_OK) == 0)
		return policy_load_file(p, path, why, size);
	return POLICY_OK;
}
