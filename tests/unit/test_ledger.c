/* The ledger: every record in its chain, the heads signed, and a database from before
 * the ledger taken into chains when it is opened. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "job/job.h"
#include "store/store.h"

static char dir[64], db_path[96];
static struct store *st;
static long long job_id, trainee;
static unsigned char pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES];
static int checks; /* how many signatures the checker was asked about */

static int seal(void *ctx, const char *msg, char sig[STORE_SIG_TEXT], char key_id[STORE_KEY_ID_HEX])
{
	unsigned char s[crypto_sign_BYTES];

	(void)ctx;
	crypto_sign_detached(s, NULL, (const unsigned char *)msg, strlen(msg), sk);
	sodium_bin2base64(sig, STORE_SIG_TEXT, s, sizeof(s), sodium_base64_VARIANT_ORIGINAL);
	snprintf(key_id, STORE_KEY_ID_HEX, "%s", "00112233445566aa");
	return 0;
}

static int check(void *ctx, const char *msg, const char *sig, const char *key_id)
{
	unsigned char s[crypto_sign_BYTES];
	size_t got = 0;

	(void)ctx;
	checks++;
	if (strcmp(key_id, "00112233445566aa") != 0)
		return -1;
	if (sodium_base642bin(s, sizeof(s), sig, strlen(sig), NULL, &got, NULL,
			      sodium_base64_VARIANT_ORIGINAL) != 0 || got != sizeof(s))
		return 0;
	return crypto_sign_verify_detached(s, (const unsigned char *)msg, strlen(msg), pk) == 0;
}

static const struct store_sealer sealer = { seal, check, NULL };

static void sql(const char *text)
{
	sqlite3 *db;

	assert_int_equal(sqlite3_open(db_path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, text, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
}

static void step(const char *id)
{
	struct store_step r = { 0 };

	snprintf(r.step_id, sizeof(r.step_id), "%s", id);
	r.result = STEP_PASS;
	r.user_id = trainee;
	assert_int_equal(job_append(st, job_id, &r, NULL), JOB_OK);
}

static int setup(void **state)
{
	struct store_probe p = { "ios", "UDID-1", "SERIAL1", NULL, 1000, "test", "{}" };
	struct store_job j = { 0 };
	long long dev;
	int found;
	(void)state;

	assert_true(sodium_init() >= 0);
	crypto_sign_keypair(pk, sk);
	snprintf(dir, sizeof(dir), "/tmp/atelier-ledger-XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(db_path, sizeof(db_path), "%s/%s", dir, STORE_DB_NAME);
	assert_int_equal(store_open(dir, 1, &st, &found), STORE_OK);
	store_set_sealer(st, &sealer);
	assert_int_equal(store_record_probe(st, &p, &dev), STORE_OK);
	assert_int_equal(store_user_add(st, "amina", ROLE_TRAINEE, 1000, &trainee), STORE_OK);
	j.device_id = dev;
	snprintf(j.checklist_id, sizeof(j.checklist_id), "intake-triage");
	j.checklist_version = 1;
	snprintf(j.checklist_hash, sizeof(j.checklist_hash), "%064d", 7);
	j.trainee_id = trainee;
	j.started_ms = 1000;
	assert_int_equal(store_job_create(st, &j, &job_id), STORE_OK);
	step("look");
	step("clean");
	checks = 0;
	return 0;
}

static int teardown(void **state)
{
	char cmd[96];
	(void)state;

	store_free(st);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd);
}

static enum store_ledger_verdict verdict(const char *chain, size_t *entries, char *why)
{
	struct store_ledger_check c;

	assert_int_equal(store_ledger_check(st, chain, &c), STORE_OK);
	if (entries)
		*entries = c.entries;
	if (why)
		snprintf(why, 512, "%s", c.why);
	return c.verdict;
}

static void every_record_is_in_its_chain(void **state)
{
	size_t n;
	(void)state;

	assert_int_equal(verdict("job:1", &n, NULL), STORE_LEDGER_OK);
	assert_int_equal(n, 3); /* start, look, clean */
	assert_int_equal(verdict("device:1", &n, NULL), STORE_LEDGER_OK);
	assert_int_equal(n, 2); /* created, job 1 */
	assert_int_equal(verdict("workshop", &n, NULL), STORE_LEDGER_OK);
	assert_int_equal(n, 1);
	assert_true(checks >= 3); /* every head's signature was checked */
}

static void a_forged_or_missing_signature_is_found(void **state)
{
	char why[512];
	(void)state;

	sql("UPDATE chain_head SET sig = 'AAAA' || substr(sig, 5) WHERE chain = 'job:1'");
	assert_int_equal(verdict("job:1", NULL, why), STORE_LEDGER_ALTERED);
	assert_non_null(strstr(why, "signature on the head of job:1 does not match"));
	sql("UPDATE chain_head SET sig = '' WHERE chain = 'job:1'");
	assert_int_equal(verdict("job:1", NULL, why), STORE_LEDGER_UNSIGNED);
	sql("UPDATE chain_head SET key_id = 'ffffffffffffffff', sig = 'x' WHERE chain = 'device:1'");
	assert_int_equal(verdict("device:1", NULL, why), STORE_LEDGER_ALTERED);
	assert_non_null(strstr(why, "not one of the workshop's"));
}

static int refuse(void *ctx, const char *msg, char sig[STORE_SIG_TEXT], char key_id[STORE_KEY_ID_HEX])
{
	(void)ctx, (void)msg, (void)sig, (void)key_id;
	return -1;
}

static void a_record_the_key_cannot_sign_is_not_kept(void **state)
{
	const struct store_sealer no_key = { refuse, check, NULL };
	struct store_step r = { 0 };
	struct store_step *steps = NULL;
	size_t n = 0;
	(void)state;

	store_set_sealer(st, &no_key);
	snprintf(r.step_id, sizeof(r.step_id), "%s", "extra");
	r.result = STEP_PASS;
	r.user_id = trainee;
	assert_int_equal(job_append(st, job_id, &r, NULL), JOB_ESEAL);
	assert_int_equal(store_steps_of(st, job_id, &steps, &n), STORE_OK);
	store_steps_free(steps, n);
	assert_int_equal(n, 2); /* the step went with its entry */
	store_set_sealer(st, &sealer);
	assert_int_equal(verdict("job:1", NULL, NULL), STORE_LEDGER_OK);
}

static void records_from_before_the_ledger_are_taken_into_chains(void **state)
{
	int found = 0, sealed = 0;
	size_t n;
	(void)state;

	/* The database as schema 5 left it: no ledger, no heads. */
	store_free(st);
	st = NULL;
	sql("DROP TABLE ledger; DROP TABLE chain_head; DROP TABLE revocation; "
	    "DROP TABLE session; DROP TABLE signin_attempt; DROP TABLE audit; "
	    "DROP TABLE user_pref; DROP TABLE step_photo; DROP INDEX step_record_step; "
	    "DROP TABLE signoff; DROP INDEX job_trainee; DROP INDEX job_waiting; "
	    "ALTER TABLE job DROP COLUMN graded_ms; "
	    "ALTER TABLE app_user DROP COLUMN secret_hash; PRAGMA user_version = 5");
	assert_int_equal(store_open(dir, 0, &st, &found), STORE_OK);
	assert_int_equal(found, 5);
	assert_int_equal(store_schema_version(st), STORE_SCHEMA_VERSION);
	/* Adopted without a key: whole, but unsigned until a key signs them. */
	store_set_sealer(st, &(struct store_sealer){ NULL, check, NULL });
	assert_int_equal(verdict("job:1", &n, NULL), STORE_LEDGER_UNSIGNED);
	assert_int_equal(n, 3);
	store_set_sealer(st, &sealer);
	assert_int_equal(store_seal_unsigned(st, &sealed), STORE_OK);
	assert_int_equal(sealed, 4); /* workshop, device:1, job:1, accounts */
	assert_int_equal(verdict("job:1", NULL, NULL), STORE_LEDGER_OK);
	assert_int_equal(verdict("device:1", &n, NULL), STORE_LEDGER_OK);
	assert_int_equal(n, 2);
	assert_int_equal(verdict("workshop", NULL, NULL), STORE_LEDGER_OK);
	assert_int_equal(verdict("accounts", &n, NULL), STORE_LEDGER_OK);
	assert_int_equal(n, 1); /* amina, taken in when the accounts got their chain */
	step("after");
	assert_int_equal(verdict("job:1", &n, NULL), STORE_LEDGER_OK);
	assert_int_equal(n, 4);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(every_record_is_in_its_chain, setup, teardown),
		cmocka_unit_test_setup_teardown(a_forged_or_missing_signature_is_found, setup, teardown),
		cmocka_unit_test_setup_teardown(a_record_the_key_cannot_sign_is_not_kept, setup,
						teardown),
		cmocka_unit_test_setup_teardown(records_from_before_the_ledger_are_taken_into_chains,
						setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
