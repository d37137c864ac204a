/* atelier serve: the bench on screen (src/web/). */
#include <stdio.h>

#include "cli/cli.h"
#include "util/number.h"
#include "web/web.h"

static const char serve_usage[] =
    "usage: atelier [--data DIR] serve [--listen ADDR:PORT] [--public]\n"
    "                   [--tls-cert FILE --tls-key FILE] [--web-dir DIR] [--timeout S]\n"
    "                   [--no-usb] [--languages LANG,...]\n"
    "Serve the bench's screen and its JSON API (/api/...) over HTTP, on the same rules\n"
    "as the command line. It listens on 127.0.0.1:8080 unless --listen says otherwise\n"
    "([::1]:8080 for IPv6); an address other machines can reach needs --public, and\n"
    "should have TLS: --tls-cert and --tls-key name PEM files. A trainee's PIN is\n"
    "accepted only from this machine. --web-dir serves the pages from DIR instead of\n"
    "those built in (to work on them). A connection idle for S seconds (15) is dropped.\n"
    "Phones and tablets plugged into this machine appear on the screen by themselves\n"
    "(read as they arrive); --no-usb leaves USB alone (a server with no bench).\n"
    "--languages fr,nl,en offers only those languages on the screen, in that order\n"
    "(the first is the sign-in's own); without it, every language built in.\n"
    "It runs until Ctrl-C (SIGINT) or SIGTERM.\n";

static int run_serve(struct bench *b, int argc, char **argv)
{
	struct web_config cfg = { 0 };
	const char *timeout = NULL;
	const struct cli_opt opts[] = { { "listen", 'l', CLI_STRING, &cfg.listen },
					{ "public", 0, CLI_FLAG, &cfg.public_ok },
					{ "tls-cert", 0, CLI_STRING, &cfg.tls_cert },
					{ "tls-key", 0, CLI_STRING, &cfg.tls_key },
					{ "web-dir", 'w', CLI_STRING, &cfg.web_dir },
					{ "timeout", 0, CLI_STRING, &timeout },
					{ "no-usb", 0, CLI_FLAG, &cfg.no_usb },
					{ "languages", 0, CLI_STRING, &cfg.languages },
					CLI_END };
	long long t = WEB_TIMEOUT_S;
	size_t n;
	int rc;

	rc = cli_parse("serve", argc, argv, opts, NULL, 0, 0, &n);
	if (rc)
		return rc;
	if (timeout && number_whole(timeout, 1, 3600, &t) != NUMBER_OK)
		return cli_usage_error("serve", "--timeout takes seconds from 1 to 3600, not '%s'",
				       timeout);
	cfg.timeout_s = (int)t;
	/* The data directory the context found, so that each request opens the same. */
	cfg.data_opt = svc_dir(b);
	rc = web_serve(&cfg);
	return rc == 2 ? EXIT_USAGE : rc ? EXIT_FAILURE_OTHER : EXIT_OK;
}

int cli_cmd_serve(const struct cli_global *g, int argc, char **argv)
{
	static const struct cli_sub one = { "serve", run_serve, SVC_OPEN_STORE, serve_usage };

	return cli_run_one(g, &one, argc, argv);
}
