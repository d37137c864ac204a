/*
 * i18n — the command line's texts for trainees in their language, from the catalogues
 * the screen uses too (po/, built into LOCALEDIR/xx/LC_MESSAGES/atelier.mo). The language
 * is gettext's: LANGUAGE (fr, nl, ar...) or LC_MESSAGES. Only LC_MESSAGES is taken from
 * the environment: numbers, hashes and JSON keep the C locale's spelling.
 */
#ifndef ATELIER_UTIL_I18N_H
#define ATELIER_UTIL_I18N_H

#include <libintl.h>

/* A text marked for the catalogue where it is written, translated where it is shown. */
#define N_(s) (s)
#define _(s) gettext(s)

/* Bind the catalogue: the build's (beside a binary run from the source tree) or the
 * installed one (ATELIER_LOCALEDIR). */
void i18n_init(void);

#endif
