/*
 * What the signed chains cost a step record: appends to one job with the store's sealer
 * signing every head (as the bench runs) against the same appends with heads left
 * unsigned, in this one process, on two databases in a temporary directory. Prints
 * the medians of 5 rounds and their ratio. Target: a signed step costs at most 1.5 times
 * an unsigned one (the Ed25519 signature is some 50 microseconds; the fsync of the
 * commit is the larger part of both).
 *
 * usage: ledger_bench [STEPS]
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "job/job.h"
#include "store/store.h"

static unsigned char pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES];

static int seal(void *ctx, const char *msg, char sig[STORE_SIG_TEXT], char key_id[STORE_KEY_ID_HEX])
{
	unsigned char s[crypto_sign_BYTES];

	(void)ctx;
	crypto_sign_detached(s, NULL, (const unsigned char *)msg, strlen(msg), sk);
	sodium_bin2base64(sig, STORE_SIG_TEXT, s, sizeof(s), sodium_base64_VARIANT_ORIGINAL);
	snprintf(key_id, STORE_KEY_ID_HEX, "0011223344556677");
	return 0;
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* Milliseconds per step for STEPS appends to a new job in a new database in DIR. */
static double run(const char *dir, int signed_heads, int steps)
{
	struct store_probe p = { "ios", "UDID-1", "SERIAL1", NULL, 1000, "bench", "{}" };
	const struct store_sealer s = { seal, NULL, NULL };
	struct store_job j = { 0 };
	struct store *st;
	long long dev, user, job;
	double t0, t;
	int found;

	if (store_open(dir, 1, &st, &found) != STORE_OK)
		exit(1);
	if (signed_heads)
		store_set_sealer(st, &s);
	if (store_record_probe(st, &p, &dev) != STORE_OK ||
	    store_user_add(st, "amina", ROLE_TRAINEE, NULL, 1000, &user) != STORE_OK)
		exit(1);
	j.device_id = dev;
	snprintf(j.checklist_id, sizeof(j.checklist_id), "bench");
	j.checklist_version = 1;
	snprintf(j.checklist_hash, sizeof(j.checklist_hash), "%064d", 1);
	j.trainee_id = user;
	j.started_ms = 1000;
	if (store_job_create(st, &j, &job) != STORE_OK)
		exit(1);
	t0 = now_ms();
	for (int i = 0; i < steps; i++) {
		struct store_step r = { 0 };

		snprintf(r.step_id, sizeof(r.step_id), "log");
		r.result = STEP_PASS;
		r.user_id = user;
		r.note = "battery at 91 %, screen replaced";
		if (job_append(st, job, &r, NULL) != JOB_OK)
			exit(1);
	}
	t = (now_ms() - t0) / steps;
	store_free(st);
	return t;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	int steps = argc > 1 ? (int)strtol(argv[1], NULL, 10) : 300;
	double plain[5], sealed[5];
	char tmpl[] = "/tmp/atelier-ledger-bench-XXXXXX", dir[64], cmd[96];

	if (sodium_init() < 0 || !mkdtemp(tmpl))
		return 1;
	crypto_sign_keypair(pk, sk);
	for (int r = 0; r < 5; r++) {
		snprintf(dir, sizeof(dir), "%s/u%d", tmpl, r);
		snprintf(cmd, sizeof(cmd), "mkdir -p %s", dir);
		if (system(cmd) != 0)
			return 1;
		plain[r] = run(dir, 0, steps);
		snprintf(dir, sizeof(dir), "%s/s%d", tmpl, r);
		snprintf(cmd, sizeof(cmd), "mkdir -p %s", dir);
		if (system(cmd) != 0)
			return 1;
		sealed[r] = run(dir, 1, steps);
	}
	qsort(plain, 5, sizeof(double), cmp);
	qsort(sealed, 5, sizeof(double), cmp);
	printf("ledger: %d step records per run, median of 5 runs\n", steps);
	printf("  heads unsigned: %.3f ms per step\n", plain[2]);
	printf("  heads signed:   %.3f ms per step\n", sealed[2]);
	printf("  ratio signed/unsigned: %.2f (target: at most 1.5)\n", sealed[2] / plain[2]);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpl);
	return system(cmd) != 0;
}
