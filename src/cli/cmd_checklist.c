/* atelier checklist lint FILE..., atelier checklist list, atelier checklist show ID */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <jansson.h>

#include "checklist/checklist.h"
#include "cert/policy.h"
#include "cli/cli.h"
#include "store/store.h"

static const char checklist_usage[] =
    "usage: atelier checklist lint FILE|FOLDER...\n"
    "       atelier [--data DIR] checklist list [--json] [--lang en|fr|nl] [--for DEVICE]\n"
    "       atelier [--data DIR] checklist show ID [--lang en|fr|nl] [--json]\n"
    "lint  check checklist files; print each problem as FILE:LINE:COL: error|warning:\n"
    "      message. A folder is read as every *.yaml in it (ids must be unique).\n"
    "      Exit 0 when there is no error (warnings allowed), 1 when there is one.\n"
    "list  the checklists found: shipped ($ATELIER_CHECKLISTS, else checklists/ of the\n"
    "      source tree, else the installed ones) and the workshop's (DATA/checklists).\n"
    "      --for DEVICE: only those that apply to DEVICE (UDID, serial or IMEI), after\n"
    "      its latest probe.\n"
    "show  one checklist as a trainee reads it; --lang picks the language (English is\n"
    "      shown where a translation is missing).\n";

static const char lint_usage[] =
    "usage: atelier checklist lint FILE|FOLDER...\n"
    "Check checklist files against the format (docs/checklists.md). Each problem is one\n"
    "line FILE:LINE:COL: error|warning: message, sorted by position; a folder is read as\n"
    "every *.yaml in it, and ids must be unique across all the files given.\n"
    "Exit 0 when no error was found (warnings allowed), 1 when one was, 2 on bad usage.\n";

static const char list_usage[] =
    "usage: atelier [--data DIR] checklist list [--json] [--lang en|fr|nl] [--for DEVICE]\n"
    "List the checklists: id, version, minutes, difficulty, steps and title.\n"
    "They are read from $ATELIER_CHECKLISTS when set, else the checklists/ folder of the\n"
    "source tree when atelier runs from one, else the installed ones, and from\n"
    "DATA/checklists (the workshop's own). Files with errors are left out and named on\n"
    "standard error.\n"
    "  --for DEVICE  only the checklists that apply to DEVICE (UDID, serial or IMEI),\n"
    "                judged on its latest probe\n"
    "  --lang L      titles in English (en), French (fr) or Dutch (nl)\n"
    "  --json        one JSON array, for scripts\n";

static const char show_usage[] =
    "usage: atelier [--data DIR] checklist show ID [--lang en|fr|nl] [--json]\n"
    "Print checklist ID as a trainee reads it: title, time, difficulty, tools, parts,\n"
    "then the numbered steps with their cautions and warnings, options and ranges.\n"
    "  --lang L  English (en, the default), French (fr) or Dutch (nl); English is shown\n"
    "            where a text is not translated\n"
    "  --json    the whole checklist as JSON\n";

/* Words of the trainee's view, per language: en, fr, nl. */
enum word {
	W_TIME,
	W_MINUTES,
	W_DIFFICULTY,
	W_TOOLS,
	W_PARTS,
	W_PREREQ,
	W_STEPS,
	W_NOTE,
	W_CAUTION,
	W_WARNING,
	W_OPTIONAL,
	W_IF_FAILS_STOP,
	W_IF_FAILS_QUARANTINE,
	W_ACCEPTED,
	W_TO,
	W_OPTIONS,
	W_AUTO,
	W_PARTS_STEP,
	W_NOTE_STEP,
	W_CHECK_STEP,
	W_IMAGE,
	W_APPLIES,
	W_CATEGORY,
	W_ONLY_IF,
	W_ENTRY_IMEI,
	W_ENTRY_TEXT,
	W_RECORDED_AS,
	W_TESTER,
	W_COUNT
};

static const char *const words[W_COUNT][3] = {
	[W_TIME] = { "Time", "Durée", "Tijd" },
	[W_MINUTES] = { "min", "min", "min" },
	[W_DIFFICULTY] = { "Difficulty", "Difficulté", "Moeilijkheid" },
	[W_TOOLS] = { "Tools", "Outils", "Gereedschap" },
	[W_PARTS] = { "Parts", "Pièces", "Onderdelen" },
	[W_PREREQ] = { "Do first", "À faire avant", "Eerst doen" },
	[W_STEPS] = { "Steps", "Étapes", "Stappen" },
	[W_NOTE] = { "NOTE", "REMARQUE", "OPMERKING" },
	[W_CAUTION] = { "CAUTION", "ATTENTION", "LET OP" },
	[W_WARNING] = { "WARNING", "AVERTISSEMENT", "WAARSCHUWING" },
	[W_OPTIONAL] = { "optional", "facultatif", "optioneel" },
	[W_IF_FAILS_STOP] = { "if it fails: stop the job", "en cas d'échec : arrêter le travail",
			      "bij falen: stop de opdracht" },
	[W_IF_FAILS_QUARANTINE] = { "if it fails: quarantine the device",
				    "en cas d'échec : mettre l'appareil en quarantaine",
				    "bij falen: toestel in quarantaine" },
	[W_ACCEPTED] = { "Measure; accepted", "Mesure ; accepté", "Meting; aanvaard" },
	[W_TO] = { "to", "à", "tot" },
	[W_OPTIONS] = { "Choose one", "Choisir une option", "Kies er één" },
	[W_AUTO] = { "Checked automatically", "Vérifié automatiquement",
		     "Automatisch gecontroleerd" },
	[W_PARTS_STEP] = { "Record each part: name, source, serial",
			   "Noter chaque pièce : nom, provenance, numéro de série",
			   "Noteer elk onderdeel: naam, herkomst, serienummer" },
	[W_NOTE_STEP] = { "Write a note", "Écrire une note", "Schrijf een notitie" },
	[W_CHECK_STEP] = { "Pass or fail", "Réussi ou échoué", "Geslaagd of mislukt" },
	[W_IMAGE] = { "Picture", "Image", "Afbeelding" },
	[W_APPLIES] = { "For", "Pour", "Voor" },
	[W_CATEGORY] = { "Category", "Catégorie", "Categorie" },
	[W_ONLY_IF] = { "Only if", "Seulement si", "Alleen als" },
	[W_ENTRY_IMEI] = { "Type the IMEI (15 digits; two, separated by a comma, on a dual-SIM "
			   "device)",
			   "Saisissez l'IMEI (15 chiffres ; deux, séparés par une virgule, sur "
			   "un appareil double SIM)",
			   "Typ het IMEI (15 cijfers; twee, gescheiden door een komma, bij een "
			   "dual-sim-toestel)" },
	[W_ENTRY_TEXT] = { "Type the text", "Saisissez le texte", "Typ de tekst" },
	[W_RECORDED_AS] = { "recorded as", "enregistré comme", "vastgelegd als" },
	[W_TESTER] = { "name the tester used", "indiquez le testeur utilisé",
		       "noteer de gebruikte tester" },
};

static int lang_index(const char *lang)
{
	if (lang && strcmp(lang, "fr") == 0)
		return 1;
	if (lang && strcmp(lang, "nl") == 0)
		return 2;
	return 0;
}

static int valid_lang(const char *lang)
{
	return strcmp(lang, "en") == 0 || strcmp(lang, "fr") == 0 || strcmp(lang, "nl") == 0;
}

static int is_folder(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* Is PATH the certification policy (by its file name)? */
static int is_policy(const char *path)
{
	const char *base = strrchr(path, '/');

	return strcmp(base ? base + 1 : path, CHECKLIST_POLICY_FILE) == 0 && !is_folder(path);
}

static int cmd_lint(int argc, char **argv)
{
	struct checklist_set set;
	size_t errors = 0, warnings = 0, files = 0;
	int rc = EXIT_OK;

	if (cli_wants_help(argc, argv, lint_usage))
		return EXIT_OK;
	for (int i = 1; i < argc; i++)
		if (argv[i][0] == '-' && strcmp(argv[i], "-") != 0 && strcmp(argv[i], "--") != 0)
			return cli_usage_error("checklist lint", "unknown option '%s'", argv[i]);
	if (argc < 2)
		return cli_usage_error("checklist lint", "name at least one checklist file");
	checklist_set_init(&set);
	for (int i = 1; i < argc; i++) {
		struct checklist_report rep;
		struct checklist *c = NULL;
		const struct checklist *first;
		enum checklist_err err;

		if (strcmp(argv[i], "--") == 0)
			continue;
		if (is_policy(argv[i])) {
			/* The certification policy sits with the checklists: lint it as one. */
			struct policy p;
			char why[1024];

			files++;
			policy_defaults(&p);
			if (policy_load_file(&p, argv[i], why, sizeof(why)) != POLICY_OK) {
				printf("%s\n", why);
				errors++;
			}
			continue;
		}
		checklist_report_init(&rep);
		if (is_folder(argv[i])) {
			size_t before = set.count;

			err = checklist_set_load_dir(&set, argv[i], &rep);
			files += set.count - before;
		} else {
			files++;
			err = checklist_load(argv[i], &c, &rep);
			if (err == CHECKLIST_OK && (first = checklist_set_find(&set, c->id))) {
				checklist_report_add(&rep, CHECKLIST_SEV_ERROR, NULL, c->id_line,
						     c->id_col,
						     "checklist id '%s' is already used by %s: ids "
						     "must be unique",
						     c->id, first->path);
				checklist_free(c);
			} else if (err == CHECKLIST_OK &&
				   checklist_set_add(&set, c) != CHECKLIST_OK) {
				checklist_free(c);
				err = CHECKLIST_ENOMEM;
			}
		}
		checklist_lint_print(stdout, argv[i], &rep);
		if (err == CHECKLIST_ENOMEM) {
			fprintf(stderr, "atelier checklist lint: %s: out of memory\n", argv[i]);
			rc = EXIT_FAILURE_OTHER;
		}
		errors += rep.errors;
		warnings += rep.warnings;
		checklist_report_release(&rep);
	}
	checklist_set_release(&set);
	fprintf(stderr, "%zu checklist%s checked: %zu error%s, %zu warning%s\n", files,
		files == 1 ? "" : "s", errors, errors == 1 ? "" : "s", warnings,
		warnings == 1 ? "" : "s");
	if (errors)
		rc = EXIT_FAILURE_OTHER;
	return rc;
}

/* Load the checklists of the search path; problems go to standard error. */
static int load_all(const struct cli_global *g, struct checklist_set *set, char *data,
		    size_t data_size)
{
	struct checklist_report rep;
	enum checklist_err err;
	int have_data = cli_data_dir(g, data, data_size) == EXIT_OK;

	checklist_report_init(&rep);
	checklist_set_init(set);
	err = checklist_set_load_default(set, have_data ? data : NULL, &rep);
	if (rep.errors) {
		/* the errors only: warnings are for 'lint', not for every listing */
		struct checklist_report errs;

		checklist_report_init(&errs);
		for (size_t i = 0; i < rep.count; i++)
			if (rep.items[i].severity == CHECKLIST_SEV_ERROR)
				checklist_report_add(&errs, CHECKLIST_SEV_ERROR, rep.items[i].file,
						     rep.items[i].line, rep.items[i].col, "%s",
						     rep.items[i].message);
		fprintf(stderr, "atelier: these checklist files have errors and are left out "
				"('atelier checklist lint FILE' explains):\n");
		checklist_lint_print(stderr, "checklists", &errs);
		checklist_report_release(&errs);
	}
	checklist_report_release(&rep);
	if (err != CHECKLIST_OK) {
		fprintf(stderr, "atelier: cannot load the checklists: %s\n",
			checklist_strerror(err));
		checklist_set_release(set);
		return EXIT_FAILURE_OTHER;
	}
	if (!have_data)
		data[0] = '\0';
	return EXIT_OK;
}

/* The facts of DEVICE's latest probe, as JSON; NULL after saying why in *RC. */
static json_t *device_facts(const char *data, const char *device, int *rc)
{
	struct store *st = NULL;
	struct store_device_row row;
	enum store_err err;
	char *text = NULL;
	long long t_ms = 0;
	json_t *facts = NULL;

	if (!data[0]) {
		fprintf(stderr, "atelier: no data directory: set --data or $ATELIER_DATA\n");
		*rc = EXIT_NO_DATA;
		return NULL;
	}
	{
		int found = 0;

		err = store_open(data, 0, &st, &found);
		if (err != STORE_OK) {
			*rc = cli_store_error(data, err, found);
			return NULL;
		}
	}
	err = store_find_device(st, device, &row);
	if (err == STORE_OK)
		err = store_latest_probe(st, row.id, &text, &t_ms);
	if (err == STORE_ENOENT) {
		fprintf(stderr,
			"atelier: no probe of '%s' is recorded: probe it first: atelier probe %s\n",
			device, device);
		*rc = EXIT_NO_DEVICE;
		goto out;
	}
	if (err != STORE_OK) {
		fprintf(stderr, "atelier: cannot read the probes of '%s': %s\n", device,
			store_strerror(err));
		*rc = EXIT_FAILURE_OTHER;
		goto out;
	}
	facts = json_loads(text, 0, NULL);
	if (!json_is_object(facts)) {
		fprintf(stderr,
			"atelier: the latest probe of '%s' cannot be read: probe it again: "
			"atelier probe %s\n",
			device, device);
		json_decref(facts);
		facts = NULL;
		*rc = EXIT_FAILURE_OTHER;
	}
out:
	free(text);
	store_free(st);
	return facts;
}

static int cmd_list(const struct cli_global *g, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "for", required_argument, NULL, 'f' },
		{ "lang", required_argument, NULL, 'l' },
		{ NULL, 0, NULL, 0 },
	};
	const char *device = NULL, *lang = "en";
	struct checklist_set set;
	char data[4096];
	json_t *facts = NULL, *arr = NULL;
	int json = 0, rc, opt;

	if (cli_wants_help(argc, argv, list_usage))
		return EXIT_OK;
	optind = 0; /* glibc: a fresh scan */
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (opt) {
		case 'j':
			json = 1;
			break;
		case 'f':
			device = optarg;
			break;
		case 'l':
			lang = optarg;
			if (!valid_lang(lang))
				return cli_usage_error("checklist list", "--lang is en, fr or nl");
			break;
		default:
			return cli_usage_error("checklist list", "unknown option '%s'",
					       argv[optind - 1]);
		}
	}
	if (optind < argc)
		return cli_usage_error("checklist list", "unexpected argument '%s'", argv[optind]);
	rc = load_all(g, &set, data, sizeof(data));
	if (rc != EXIT_OK)
		return rc;
	if (device) {
		facts = device_facts(data, device, &rc);
		if (!facts)
			goto out;
	}
	if (json)
		arr = json_array();
	for (size_t i = 0; i < set.count; i++) {
		const struct checklist *c = set.items[i];

		if (facts && !checklist_applies(c, facts))
			continue;
		if (arr) {
			json_array_append_new(
			    arr, json_pack("{s:s, s:i, s:s, s:i, s:i, s:i, s:s, s:s}", "id", c->id,
					   "version", c->version, "title",
					   checklist_text(&c->title, lang), "time_minutes",
					   c->time_minutes, "difficulty", c->difficulty, "steps",
					   (int)c->n_steps, "source", c->path, "hash", c->hash));
			continue;
		}
		printf("%-24s v%-3d %4d min  difficulty %d/5  %3zu steps  %s\n", c->id, c->version,
		       c->time_minutes, c->difficulty, c->n_steps, checklist_text(&c->title, lang));
	}
	if (json) {
		if (!arr || json_dumpf(arr, stdout, JSON_INDENT(2)) != 0) {
			rc = EXIT_FAILURE_OTHER;
			goto out;
		}
		putchar('\n');
	} else if (set.count == 0) {
		fprintf(stderr, "atelier: no checklist found\n");
	}
out:
	json_decref(arr);
	json_decref(facts);
	checklist_set_release(&set);
	return rc;
}

/* Print TEXT after INDENT spaces, continuation lines indented the same. */
static void print_indented(const char *text, int indent)
{
	for (const char *p = text; *p; p++) {
		putchar(*p);
		if (*p == '\n' && p[1])
			printf("%*s", indent, "");
	}
	putchar('\n');
}

static void print_trainee(const struct checklist *c, const char *lang)
{
	int L = lang_index(lang);

	printf("%s\n", checklist_text(&c->title, lang));
	printf("(%s, version %d)\n", c->id, c->version);
	if (c->summary.en) {
		putchar('\n');
		print_indented(checklist_text(&c->summary, lang), 0);
	}
	printf("\n%s: %d %s    %s: %d/5\n", words[W_TIME][L], c->time_minutes, words[W_MINUTES][L],
	       words[W_DIFFICULTY][L], c->difficulty);
	if (c->category != CHECKLIST_CAT_NONE)
		printf("%s: %s\n", words[W_CATEGORY][L], checklist_category_name(c->category));
	if (c->n_platforms || c->n_models || c->n_modes || c->n_classes) {
		printf("%s:", words[W_APPLIES][L]);
		for (size_t i = 0; i < c->n_classes; i++)
			printf(" %s", c->classes[i]);
		for (size_t i = 0; i < c->n_platforms; i++)
			printf(" %s", c->platforms[i]);
		for (size_t i = 0; i < c->n_models; i++)
			printf(" %s", c->models[i]);
		for (size_t i = 0; i < c->n_modes; i++)
			printf(" (%s)", c->modes[i]);
		putchar('\n');
	}
	if (c->n_prerequisites) {
		printf("%s:", words[W_PREREQ][L]);
		for (size_t i = 0; i < c->n_prerequisites; i++)
			printf(" %s", c->prerequisites[i]);
		putchar('\n');
	}
	if (c->n_tools) {
		printf("\n%s:\n", words[W_TOOLS][L]);
		for (size_t i = 0; i < c->n_tools; i++) {
			printf("  - ");
			print_indented(checklist_text(&c->tools[i], lang), 4);
		}
	}
	if (c->n_parts) {
		printf("\n%s:\n", words[W_PARTS][L]);
		for (size_t i = 0; i < c->n_parts; i++) {
			printf("  - ");
			print_indented(checklist_text(&c->parts[i], lang), 4);
		}
	}
	printf("\n%s:\n", words[W_STEPS][L]);
	for (size_t i = 0; i < c->n_steps; i++) {
		const struct checklist_step *s = &c->steps[i];

		printf("\n%2zu. ", i + 1);
		print_indented(checklist_text(&s->title, lang), 4);
		printf("    [%s", s->id);
		if (!s->required)
			printf(", %s", words[W_OPTIONAL][L]);
		if (s->on_fail == CHECKLIST_ON_FAIL_STOP)
			printf(", %s", words[W_IF_FAILS_STOP][L]);
		else if (s->on_fail == CHECKLIST_ON_FAIL_QUARANTINE)
			printf(", %s", words[W_IF_FAILS_QUARANTINE][L]);
		printf("]\n");
		if (s->applies_if)
			printf("    %s: %s\n", words[W_ONLY_IF][L], s->applies_if);
		for (size_t j = 0; j < s->n_instructions; j++) {
			const struct checklist_instruction *in = &s->instructions[j];
			enum word w = in->level == CHECKLIST_WARNING   ? W_WARNING
				      : in->level == CHECKLIST_CAUTION ? W_CAUTION
								       : W_NOTE;
			int n = printf("    %s%s: ", in->level == CHECKLIST_NOTE ? "" : "!! ",
				       words[w][L]);

			print_indented(checklist_text(&in->text, lang), n > 0 ? n : 4);
		}
		if (s->image)
			printf("    %s: %s\n", words[W_IMAGE][L], s->image);
		switch (s->kind) {
		case CHECKLIST_KIND_CHECK:
			printf("    -> %s\n", words[W_CHECK_STEP][L]);
			break;
		case CHECKLIST_KIND_MEASURE:
			printf("    -> %s: %g %s %g %s", words[W_ACCEPTED][L], s->min,
			       words[W_TO][L], s->max, s->unit);
			if (s->tester)
				printf("; %s", words[W_TESTER][L]);
			putchar('\n');
			break;
		case CHECKLIST_KIND_CHOICE:
			printf("    -> %s:\n", words[W_OPTIONS][L]);
			for (size_t j = 0; j < s->n_options; j++) {
				const struct checklist_option *o = &s->options[j];

				printf("       %s  %s", o->value, checklist_text(&o->label, lang));
				if (o->ctia)
					printf(" (CTIA %s)", o->ctia);
				printf(": ");
				print_indented(checklist_text(&o->criteria, lang), 10);
			}
			break;
		case CHECKLIST_KIND_AUTO:
			printf("    -> %s: %s\n", words[W_AUTO][L], s->expr);
			break;
		case CHECKLIST_KIND_PARTS:
			printf("    -> %s\n", words[W_PARTS_STEP][L]);
			break;
		case CHECKLIST_KIND_NOTE:
			printf("    -> %s\n", words[W_NOTE_STEP][L]);
			break;
		case CHECKLIST_KIND_ENTRY:
			printf("    -> %s\n", s->format == CHECKLIST_ENTRY_IMEI
						  ? words[W_ENTRY_IMEI][L]
						  : words[W_ENTRY_TEXT][L]);
			break;
		}
		if (s->records)
			printf("       (%s %s)\n", words[W_RECORDED_AS][L], s->records);
	}
}

static int cmd_show(const struct cli_global *g, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "lang", required_argument, NULL, 'l' },
		{ NULL, 0, NULL, 0 },
	};
	const char *lang = "en", *id;
	const struct checklist *c;
	struct checklist_set set;
	char data[4096];
	int json = 0, rc, opt;

	if (cli_wants_help(argc, argv, show_usage))
		return EXIT_OK;
	optind = 0; /* glibc: a fresh scan */
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (opt) {
		case 'j':
			json = 1;
			break;
		case 'l':
			lang = optarg;
			if (!valid_lang(lang))
				return cli_usage_error("checklist show", "--lang is en, fr or nl");
			break;
		default:
			return cli_usage_error("checklist show", "unknown option '%s'",
					       argv[optind - 1]);
		}
	}
	if (optind >= argc)
		return cli_usage_error("checklist show", "name the checklist: atelier checklist "
							 "show ID");
	if (optind + 1 < argc)
		return cli_usage_error("checklist show", "unexpected argument '%s'",
				       argv[optind + 1]);
	id = argv[optind];
	rc = load_all(g, &set, data, sizeof(data));
	if (rc != EXIT_OK)
		return rc;
	c = checklist_set_find(&set, id);
	if (!c) {
		fprintf(stderr,
			"atelier: no checklist '%s' ('atelier checklist list' shows them)\n", id);
		rc = EXIT_FAILURE_OTHER;
	} else if (json) {
		json_t *o = checklist_to_json(c);

		if (!o || json_dumpf(o, stdout, JSON_INDENT(2) | JSON_REAL_PRECISION(10)) != 0)
			rc = EXIT_FAILURE_OTHER;
		else
			putchar('\n');
		json_decref(o);
	} else {
		print_trainee(c, lang);
	}
	checklist_set_release(&set);
	return rc;
}

/* Declared here until cli.h lists it (a second, identical declaration is harmless). */

int cli_cmd_checklist(const struct cli_global *g, int argc, char **argv)
{
	if (argc < 2)
		return cli_usage_error("checklist", "missing subcommand: lint, list or show");
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		fputs(checklist_usage, stdout);
		return EXIT_OK;
	}
	if (strcmp(argv[1], "lint") == 0)
		return cmd_lint(argc - 1, argv + 1);
	if (strcmp(argv[1], "list") == 0)
		return cmd_list(g, argc - 1, argv + 1);
	if (strcmp(argv[1], "show") == 0)
		return cmd_show(g, argc - 1, argv + 1);
	return cli_usage_error("checklist", "'%s' is not a checklist subcommand (lint, list, show)",
			       argv[1]);
}
