/* The catalogue of the command line (util/i18n.h). */
#include <limits.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/i18n.h"

#ifndef ATELIER_LOCALEDIR
#define ATELIER_LOCALEDIR "/usr/local/share/locale"
#endif

/* DIR/locale beside the running binary when it is a build of the source tree (build/ or
 * build/san/ holds locale/ made by the Makefile), into OUT; 0 when there is none. */
static int build_locale(char *out, size_t size)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	struct stat sb;
	char *slash;

	if (n <= 0)
		return 0;
	exe[n] = '\0';
	slash = strrchr(exe, '/');
	if (!slash)
		return 0;
	*slash = '\0';
	if (snprintf(out, size, "%s/locale", exe) >= (int)size)
		return 0;
	return stat(out, &sb) == 0 && S_ISDIR(sb.st_mode);
}

void i18n_init(void)
{
	char dir[PATH_MAX];

	setlocale(LC_MESSAGES, "");
	bindtextdomain("atelier", build_locale(dir, sizeof(dir)) ? dir : ATELIER_LOCALEDIR);
	/* The catalogues are UTF-8, and so is what is printed, whatever LC_CTYPE says. */
	bind_textdomain_codeset("atelier", "UTF-8");
	textdomain("atelier");
}
