/*
 * libFuzzer target: a supported_devices.csv as any download (a wrong file, a cut one,
 * another encoding) may give it to `atelier models import`.
 *
 * The bytes go to android_models_convert. A failure hands back no text and says why; a
 * success hands back a TSV whose lines are "# " comments or three non-empty fields with
 * no control character, and whose row count is the number of row lines. Checks: no
 * crash, no leak, no undefined behaviour.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "probe/android_models.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char why[256], *tsv = NULL;
	size_t len = 0, rows = 0, lines = 0;

	if (android_models_convert((const char *)data, size, "fuzz.csv", &tsv, &len, &rows, why,
				   sizeof(why)) != ANDROID_MODELS_OK) {
		if (tsv || rows || !why[0])
			abort();
		return 0;
	}
	if (!tsv || strlen(tsv) != len || len == 0 || tsv[len - 1] != '\n' || rows == 0)
		abort();
	for (char *line = tsv, *end; *line; line = end + 1) {
		int tabs = 0;

		end = strchr(line, '\n');
		if (line[0] == '#')
			continue;
		if (end - line + 1 > ANDROID_MODELS_LINE_MAX)
			abort();
		for (char *p = line; p < end; p++) {
			if (*p == '\t') {
				if (p == line || p[-1] == '\t' || p + 1 == end)
					abort(); /* an empty field */
				tabs++;
			} else if ((unsigned char)*p < 0x20 || *p == 0x7f) {
				abort();
			}
		}
		if (tabs != 2)
			abort();
		lines++;
	}
	if (lines != rows)
		abort();
	free(tsv);
	return 0;
}
