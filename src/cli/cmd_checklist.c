/* atelier checklist lint FILE..., atelier checklist list, atelier checklist show ID */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "checklist/checklist.h"
#include "cli/cli.h"

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
	W_RUBRIC,
	W_SCORED,
	W_NEEDS,
	W_APPROVED_JOB,
	W_SIGNOFF,
	W_TRAINS,
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
	[W_IF_FAILS_STOP] = { "if it fails: stop the job", "en cas d'échec\u202f: arrêter le travail",
			      "bij falen: stop de opdracht" },
	[W_IF_FAILS_QUARANTINE] = { "if it fails: quarantine the device",
				    "en cas d'échec\u202f: mettre l'appareil en quarantaine",
				    "bij falen: toestel in quarantaine" },
	[W_ACCEPTED] = { "Measure; accepted", "Mesure\u202f; accepté", "Meting; aanvaard" },
	[W_TO] = { "to", "à", "tot" },
	[W_OPTIONS] = { "Choose one", "Choisir une option", "Kies er één" },
	[W_AUTO] = { "Checked automatically", "Vérifié automatiquement",
		     "Automatisch gecontroleerd" },
	[W_PARTS_STEP] = { "Record each part: name, origin (genuine, used-original or "
			   "aftermarket), serial, supplier",
			   "Noter chaque pièce\u202f: nom, origine (genuine, used-original ou "
			   "aftermarket), numéro de série, fournisseur",
			   "Noteer elk onderdeel: naam, herkomst (genuine, used-original of "
			   "aftermarket), serienummer, leverancier" },
	[W_NOTE_STEP] = { "Write a note", "Écrire une note", "Schrijf een notitie" },
	[W_CHECK_STEP] = { "Pass or fail", "Réussi ou échoué", "Geslaagd of mislukt" },
	[W_IMAGE] = { "Picture", "Image", "Afbeelding" },
	[W_APPLIES] = { "For", "Pour", "Voor" },
	[W_CATEGORY] = { "Category", "Catégorie", "Categorie" },
	[W_ONLY_IF] = { "Only if", "Seulement si", "Alleen als" },
	[W_ENTRY_IMEI] = { "Type the IMEI (15 digits; two, separated by a comma, on a dual-SIM "
			   "device)",
			   "Saisissez l'IMEI (15 chiffres\u202f; deux, séparés par une virgule, sur "
			   "un appareil double SIM)",
			   "Typ het IMEI (15 cijfers; twee, gescheiden door een komma, bij een "
			   "dual-sim-toestel)" },
	[W_ENTRY_TEXT] = { "Type the text", "Saisissez le texte", "Typ de tekst" },
	[W_RECORDED_AS] = { "recorded as", "enregistré comme", "vastgelegd als" },
	[W_TESTER] = { "name the tester used", "indiquez le testeur utilisé",
		       "noteer de gebruikte tester" },
	[W_RUBRIC] = { "How the instructor scores the work", "Comment l'instructeur note le travail",
		       "Hoe de instructeur het werk beoordeelt" },
	[W_SCORED] = { "points", "points", "punten" },
	[W_NEEDS] = { "Before you start", "Avant de commencer", "Voor je begint" },
	[W_APPROVED_JOB] = { "an approved job of", "un travail validé de", "een goedgekeurde taak van" },
	[W_SIGNOFF] = { "the instructor's sign-off for", "la validation de l'instructeur pour",
			"de goedkeuring van de instructeur voor" },
	[W_TRAINS] = { "You learn", "Vous apprenez", "Je leert" },
};

static int lang_index(const char *lang)
{
	if (lang && strcmp(lang, "fr") == 0)
		return 1;
	if (lang && strcmp(lang, "nl") == 0)
		return 2;
	return 0;
}

static int cmd_lint(struct bench *b, int argc, char **argv)
{
	const char *pos[256];
	json_t *view = NULL, *line;
	size_t n, i;
	enum svc_err err;
	int rc;

	rc = cli_parse("checklist lint", argc, argv, NULL, pos, 1, 256, &n);
	if (rc)
		return rc;
	err = svc_lint(b, pos, n, &view);
	json_array_foreach(json_object_get(view, "lines"), i, line)
		printf("%s\n", cli_safe(json_string_value(line)));
	n = (size_t)json_integer_value(json_object_get(view, "files"));
	fprintf(stderr, "%zu checklist%s checked: %lld error%s, %lld warning%s\n", n,
		n == 1 ? "" : "s", (long long)json_integer_value(json_object_get(view, "errors")),
		json_integer_value(json_object_get(view, "errors")) == 1 ? "" : "s",
		(long long)json_integer_value(json_object_get(view, "warnings")),
		json_integer_value(json_object_get(view, "warnings")) == 1 ? "" : "s");
	json_decref(view);
	if (err && err != SVC_EINVAL)
		return cli_report("checklist lint", b, err);
	return err ? EXIT_FAILURE_OTHER : EXIT_OK;
}

/* Files left out for their errors: said on standard error, with how to see why. */
static void say_left_out(const json_t *view)
{
	const json_t *left = json_object_get(view, "left_out"), *line;
	size_t i;

	if (!json_array_size(left))
		return;
	fprintf(stderr, "atelier: these checklist files have errors and are left out "
			"('atelier checklist lint FILE' explains):\n");
	json_array_foreach(left, i, line)
		fprintf(stderr, "%s\n", cli_safe(json_string_value(line)));
}

static int cmd_list(struct bench *b, int argc, char **argv)
{
	const char *device = NULL, *lang = "en";
	int json = 0, rc;
	const struct cli_opt opts[] = {
		CLI_JSON(&json),
		{ "for", 0, CLI_STRING, &device },
		{ "lang", 0, CLI_STRING, &lang },
		CLI_END,
	};
	json_t *view, *c;
	size_t n, i;

	rc = cli_parse("checklist list", argc, argv, opts, NULL, 0, 0, &n);
	if (rc)
		return rc;
	if (!checklist_lang_known(lang))
		return cli_usage_error("checklist list", "--lang is en, fr or nl");
	rc = svc_checklist_list(b, device, lang, &view);
	if (rc)
		return cli_report("checklist", b, rc);
	say_left_out(view);
	if (json) {
		rc = cli_print_json(json_incref(json_object_get(view, "checklists")));
		json_decref(view);
		return rc;
	}
	json_array_foreach(json_object_get(view, "checklists"), i, c)
		printf("%-24s v%-3lld %4lld min  difficulty %lld/5  %3lld steps  %s\n",
		       cli_safe(cli_str(c, "id", "?")), (long long)json_integer_value(json_object_get(c, "version")),
		       (long long)json_integer_value(json_object_get(c, "time_minutes")),
		       (long long)json_integer_value(json_object_get(c, "difficulty")),
		       (long long)json_integer_value(json_object_get(c, "steps")),
		       cli_safe(cli_str(c, "title", "")));
	if (json_array_size(json_object_get(view, "checklists")) == 0 && !device)
		fprintf(stderr, "atelier: no checklist found\n");
	json_decref(view);
	return EXIT_OK;
}

/* Print TEXT after INDENT spaces, continuation lines indented the same. */
static void print_indented(const char *text, int indent)
{
	char *clean = cli_escape(text, 1);

	for (const char *p = clean; p && *p; p++) {
		putchar(*p);
		if (*p == '\n' && p[1])
			printf("%*s", indent, "");
	}
	putchar('\n');
	free(clean);
}

/* ":" after a label, as each language writes it: French puts a narrow no-break space
 * (U+202F) before it. */
static const char *colon(int L)
{
	return L == 1 ? "\u202f:" : ":";
}

/* The display width of UTF-8 text S: its characters, not its bytes. */
static int width(const char *s)
{
	int n = 0;

	for (; *s; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

static void print_trainee(const struct checklist *c, const char *lang)
{
	int L = lang_index(lang);

	printf("%s\n", cli_safe(checklist_text(&c->title, lang)));
	printf("(%s, version %d)\n", cli_safe(c->id), c->version);
	if (c->summary.en) {
		putchar('\n');
		print_indented(checklist_text(&c->summary, lang), 0);
	}
	printf("\n%s%s %d %s    %s%s %d/5\n", words[W_TIME][L], colon(L), c->time_minutes,
	       words[W_MINUTES][L], words[W_DIFFICULTY][L], colon(L), c->difficulty);
	if (c->category != CHECKLIST_CAT_NONE)
		printf("%s%s %s\n", words[W_CATEGORY][L], colon(L),
		       checklist_category_name(c->category));
	if (c->n_platforms || c->n_models || c->n_modes || c->n_classes) {
		printf("%s%s", words[W_APPLIES][L], colon(L));
		for (size_t i = 0; i < c->n_classes; i++)
			printf(" %s", cli_safe(c->classes[i]));
		for (size_t i = 0; i < c->n_platforms; i++)
			printf(" %s", cli_safe(c->platforms[i]));
		for (size_t i = 0; i < c->n_models; i++)
			printf(" %s", cli_safe(c->models[i]));
		for (size_t i = 0; i < c->n_modes; i++)
			printf(" (%s)", cli_safe(c->modes[i]));
		putchar('\n');
	}
	if (c->n_prerequisites) {
		printf("%s%s", words[W_PREREQ][L], colon(L));
		for (size_t i = 0; i < c->n_prerequisites; i++)
			printf(" %s", cli_safe(c->prerequisites[i]));
		putchar('\n');
	}
	if (c->n_competences) {
		printf("%s%s", words[W_TRAINS][L], colon(L));
		for (size_t i = 0; i < c->n_competences; i++)
			printf("%s %s", i ? "," : "", cli_safe(c->competences[i]));
		putchar('\n');
	}
	if (c->n_requires_approved || c->n_requires_signed_off) {
		printf("%s%s\n", words[W_NEEDS][L], colon(L));
		for (size_t i = 0; i < c->n_requires_approved; i++)
			printf("  - %s %s\n", words[W_APPROVED_JOB][L],
			       cli_safe(c->requires_approved[i]));
		for (size_t i = 0; i < c->n_requires_signed_off; i++)
			printf("  - %s %s\n", words[W_SIGNOFF][L],
			       cli_safe(c->requires_signed_off[i]));
	}
	if (c->n_tools) {
		printf("\n%s%s\n", words[W_TOOLS][L], colon(L));
		for (size_t i = 0; i < c->n_tools; i++) {
			printf("  - ");
			print_indented(checklist_text(&c->tools[i], lang), 4);
		}
	}
	if (c->n_parts) {
		printf("\n%s%s\n", words[W_PARTS][L], colon(L));
		for (size_t i = 0; i < c->n_parts; i++) {
			printf("  - ");
			print_indented(checklist_text(&c->parts[i], lang), 4);
		}
	}
	printf("\n%s%s\n", words[W_STEPS][L], colon(L));
	for (size_t i = 0; i < c->n_steps; i++) {
		const struct checklist_step *s = &c->steps[i];

		printf("\n%2zu. ", i + 1);
		print_indented(checklist_text(&s->title, lang), 4);
		printf("    [%s", cli_safe(s->id));
		if (!s->required)
			printf(", %s", words[W_OPTIONAL][L]);
		if (s->on_fail == CHECKLIST_ON_FAIL_STOP)
			printf(", %s", words[W_IF_FAILS_STOP][L]);
		else if (s->on_fail == CHECKLIST_ON_FAIL_QUARANTINE)
			printf(", %s", words[W_IF_FAILS_QUARANTINE][L]);
		printf("]\n");
		if (s->applies_if)
			printf("    %s%s %s\n", words[W_ONLY_IF][L], colon(L), cli_safe(s->applies_if));
		for (size_t j = 0; j < s->n_instructions; j++) {
			const struct checklist_instruction *in = &s->instructions[j];
			enum word w = in->level == CHECKLIST_WARNING   ? W_WARNING
				      : in->level == CHECKLIST_CAUTION ? W_CAUTION
								       : W_NOTE;
			char head[64];

			snprintf(head, sizeof(head), "    %s%s%s ",
				 in->level == CHECKLIST_NOTE ? "" : "!! ", words[w][L], colon(L));
			fputs(head, stdout);
			print_indented(checklist_text(&in->text, lang), width(head));
		}
		if (s->image)
			printf("    %s%s %s\n", words[W_IMAGE][L], colon(L), cli_safe(s->image));
		switch (s->kind) {
		case CHECKLIST_KIND_CHECK:
			printf("    -> %s\n", words[W_CHECK_STEP][L]);
			break;
		case CHECKLIST_KIND_MEASURE:
			printf("    -> %s%s %g %s %g %s", words[W_ACCEPTED][L], colon(L), s->min,
			       words[W_TO][L], s->max, cli_safe(s->unit));
			if (s->tester)
				printf("; %s", words[W_TESTER][L]);
			putchar('\n');
			break;
		case CHECKLIST_KIND_CHOICE:
			printf("    -> %s%s\n", words[W_OPTIONS][L], colon(L));
			for (size_t j = 0; j < s->n_options; j++) {
				const struct checklist_option *o = &s->options[j];

				printf("       %s  %s", cli_safe(o->value), cli_safe(checklist_text(&o->label, lang)));
				if (o->ctia)
					printf(" (CTIA %s)", cli_safe(o->ctia));
				printf(": ");
				print_indented(checklist_text(&o->criteria, lang), 10);
			}
			break;
		case CHECKLIST_KIND_AUTO:
			printf("    -> %s%s %s\n", words[W_AUTO][L], colon(L), cli_safe(s->expr));
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
			printf("       (%s %s)\n", words[W_RECORDED_AS][L], cli_safe(s->records));
	}
	if (c->n_rubric)
		printf("\n%s%s\n", words[W_RUBRIC][L], colon(L));
	for (size_t i = 0; i < c->n_rubric; i++) {
		const struct checklist_rubric *r = &c->rubric[i];

		printf("\n  - ");
		print_indented(checklist_text(&r->title, lang), 4);
		printf("    [%s, 0-%d %s]\n", cli_safe(r->id), r->max, words[W_SCORED][L]);
		for (size_t k = 0; k < r->n_levels; k++) {
			printf("    %zu%s ", k, colon(L));
			print_indented(checklist_text(&r->levels[k], lang), 7);
		}
	}
}

static int cmd_show(struct bench *b, int argc, char **argv)
{
	const char *lang = "en", *pos[1];
	int json = 0, rc;
	const struct cli_opt opts[] = {
		CLI_JSON(&json),
		{ "lang", 0, CLI_STRING, &lang },
		CLI_END,
	};
	const struct checklist *c;
	size_t n;

	rc = cli_parse("checklist show", argc, argv, opts, pos, 1, 1, &n);
	if (rc)
		return rc;
	if (!checklist_lang_known(lang))
		return cli_usage_error("checklist show", "--lang is en, fr or nl");
	rc = svc_checklist_find(b, pos[0], &c);
	if (rc)
		return cli_report("checklist", b, rc);
	if (json)
		return cli_print_json(checklist_to_json(c));
	print_trainee(c, lang);
	return EXIT_OK;
}

int cli_cmd_checklist(const struct cli_global *g, int argc, char **argv)
{
	/* The workshop's own folder is read when there is a data directory; the records
	 * only for --for DEVICE. */
	static const struct cli_sub subs[] = {
		{ "lint", cmd_lint, SVC_OPEN_DIR | SVC_OPEN_TRY, lint_usage },
		{ "list", cmd_list, SVC_OPEN_STORE | SVC_OPEN_TRY, list_usage },
		{ "show", cmd_show, SVC_OPEN_DIR | SVC_OPEN_TRY, show_usage },
		{ NULL, NULL, 0, NULL },
	};

	return cli_run_sub(g, "checklist", checklist_usage, subs, argc, argv);
}
