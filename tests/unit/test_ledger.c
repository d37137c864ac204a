/* The ledger: every record in its chain, the heads signed, a database from before the
 * ledger taken into chains when it is opened, and a person's name erased from the chains
 * while every chain still checks (docs/privacy.md). */
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
#include "../lib/records_here.h"
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
	assert_int_equal(records_exec(dir, text), 0);
}

/* The one number QUERY gives. */
static long long sql_int(const char *query)
{
	long long v = records_int(dir, query);

	assert_true(v >= 0);
	return v;
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
	assert_int_equal(records_here(dir), 0);
	snprintf(db_path, sizeof(db_path), "%s/%s", dir, STORE_DB_NAME);
	assert_int_equal(store_open(dir, 1, &st, &found), STORE_OK);
	store_set_sealer(st, &sealer);
	assert_int_equal(store_record_probe(st, &p, &dev), STORE_OK);
	assert_int_equal(store_user_add(st, "amina", ROLE_TRAINEE, NULL, 1000, &trainee), STORE_OK);
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

/* The database as schema 5 left it: no ledger, no heads, no codes; closed. */
static void back_to_schema_5(void)
{
	store_free(st);
	st = NULL;
	sql("DROP TABLE bench_enrolment; DROP TABLE bench_key; "
	    "ALTER TABLE job DROP COLUMN bench; ALTER TABLE step_record DROP COLUMN bench; "
	    "ALTER TABLE probe DROP COLUMN bench; ALTER TABLE device_event DROP COLUMN bench; "
	    "DROP TABLE destruction; DROP TABLE sale; DROP TABLE shelf_move; "
	    "DROP TABLE device_batch; DROP TABLE intake_batch; "
	    "DROP INDEX job_open; DROP TABLE redaction; DROP TABLE erasure; DROP INDEX app_user_code; "
	    "ALTER TABLE app_user DROP COLUMN code; ALTER TABLE app_user DROP COLUMN erased_ms; "
	    "DROP TABLE ledger; DROP TABLE chain_head; DROP TABLE revocation; "
	    "DROP TABLE session; DROP TABLE signin_attempt; DROP TABLE audit; "
	    "DROP TABLE user_pref; DROP TABLE step_photo; DROP INDEX step_record_step; "
	    "DROP TABLE signoff; DROP INDEX job_trainee; DROP INDEX job_waiting; "
	    "ALTER TABLE job DROP COLUMN graded_ms; "
	    "ALTER TABLE app_user DROP COLUMN secret_hash; PRAGMA user_version = 5");
}

static void records_from_before_the_ledger_are_taken_into_chains(void **state)
{
	int found = 0, sealed = 0;
	size_t n;
	(void)state;

	if (records_on_pg())
		skip(); /* an SQLite file of schema 5, from before PostgreSQL */
	back_to_schema_5();
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
	/* amina, taken in when the accounts got their chain (with her name), then again
	 * without it when names left the chains (schema 11) */
	assert_int_equal(n, 2);
	step("after");
	assert_int_equal(verdict("job:1", &n, NULL), STORE_LEDGER_OK);
	assert_int_equal(n, 4);
}

static void a_code_is_one_account_s_and_in_its_chain(void **state)
{
	struct store_user u;
	long long bilal;
	(void)state;

	assert_int_equal(store_user_set_code(st, trainee, "T-014"), STORE_OK);
	assert_int_equal(store_user_find_code(st, "T-014", &u), STORE_OK);
	assert_string_equal(u.name, "amina");
	assert_int_equal(store_user_add(st, "bilal", ROLE_TRAINEE, "T-014", 1000, &bilal),
			 STORE_EEXIST);
	assert_int_equal(store_user_add(st, "bilal", ROLE_TRAINEE, "T-015", 1000, &bilal),
			 STORE_OK);
	assert_int_equal(store_user_set_code(st, bilal, "T-014"), STORE_EEXIST);
	assert_int_equal(verdict("accounts", NULL, NULL), STORE_LEDGER_OK);
	/* No entry of the accounts chain holds a name any more. */
	assert_int_equal(sql_int("SELECT COUNT(*) FROM ledger WHERE instr(body, 'amina') > 0 OR "
				 "instr(body, 'bilal') > 0"),
			 0);
	/* A code changed by hand is found: the account's entry holds it. */
	sql("UPDATE app_user SET code = 'T-099' WHERE name = 'bilal'");
	assert_int_equal(verdict("accounts", NULL, NULL), STORE_LEDGER_ALTERED);
}

static void an_erasure_waits_for_work_still_open(void **state)
{
	struct store_erase_report rep;
	struct store_erasure e = { 0 };
	long long boss;
	(void)state;

	assert_int_equal(store_user_add(st, "boss", ROLE_ADMIN, NULL, 1000, &boss), STORE_OK);
	e.user_id = trainee;
	e.by_user = boss;
	e.t_ms = 5000;
	e.why = "request of 2 March";
	e.name = "amina";
	e.marker = "[erased T-001]";
	assert_int_equal(store_user_erase(st, &e, &rep), STORE_ESTALE); /* job 1 is open */
	assert_int_equal(sql_int("SELECT COUNT(*) FROM erasure"), 0);
	assert_int_equal(sql_int("SELECT COUNT(*) FROM app_user WHERE name = 'amina'"), 1);
	assert_int_equal(sql_int("SELECT COUNT(*) FROM bench WHERE key = 'erasing'"), 0);
}

static void a_name_written_before_schema_11_is_redacted_and_every_chain_checks(void **state)
{
	static const char *const chains[] = { "accounts", "job:1", "device:1", "workshop" };
	struct store_erase_report rep;
	struct store_erasure e = { 0 };
	struct store_step r = { 0 };
	char why[512], found_in[4][64];
	long long ines;
	size_t n;
	int found, sealed;
	(void)state;

	/* ines has her name in a note, and the accounts chain is made from a database of
	 * schema 5: its "user" entries hold the names, as schemas 7 to 10 wrote them. */
	assert_int_equal(store_user_add(st, "ines", ROLE_INSTRUCTOR, NULL, 1000, &ines), STORE_OK);
	snprintf(r.step_id, sizeof(r.step_id), "%s", "shown");
	r.result = STEP_PASS;
	r.user_id = trainee;
	r.note = "shown by ines";
	assert_int_equal(job_append(st, job_id, &r, NULL), JOB_OK);
	if (records_on_pg())
		skip(); /* an SQLite file of schema 5, from before PostgreSQL */
	back_to_schema_5();
	assert_int_equal(store_open(dir, 0, &st, &found), STORE_OK);
	store_set_sealer(st, &sealer);
	assert_int_equal(store_seal_unsigned(st, &sealed), STORE_OK);
	assert_int_equal(sql_int("SELECT COUNT(*) FROM ledger WHERE kind = 'user' AND "
				 "instr(body, 'ines') > 0"),
			 1);
	for (size_t i = 0; i < 4; i++)
		assert_int_equal(verdict(chains[i], NULL, NULL), STORE_LEDGER_OK);

	e.user_id = ines;
	e.by_user = trainee;
	e.t_ms = 9000;
	e.why = "request of 2 March";
	e.name = "ines";
	e.marker = "[erased #2]";
	assert_int_equal(store_user_erase(st, &e, &rep), STORE_OK);
	assert_int_equal(rep.entries, 1); /* her account's entry of schema 7 */
	for (size_t i = 0; i < 4; i++)
		assert_int_equal(verdict(chains[i], NULL, NULL), STORE_LEDGER_OK);
	/* Her name is gone from every entry Atelier wrote and from her account; the note a
	 * person wrote keeps it (below). */
	assert_int_equal(sql_int("SELECT COUNT(*) FROM ledger WHERE instr(body, 'ines') > 0 AND "
				 "kind <> 'step'"),
			 0);
	assert_int_equal(sql_int("SELECT COUNT(*) FROM app_user WHERE name = 'ines'"), 0);
	assert_int_equal(sql_int("SELECT COUNT(*) FROM app_user WHERE erased_ms = 9000 AND "
				 "active = 0 AND secret_hash IS NULL"),
			 1);
	assert_int_equal(sql_int("SELECT COUNT(*) FROM redaction"), 1);
	assert_int_equal(sql_int("SELECT COUNT(*) FROM ledger WHERE kind IN ('erase', 'redact')"),
			 2);
	assert_int_equal(sql_int("SELECT COUNT(*) FROM bench WHERE key = 'erasing'"), 0);
	/* What people wrote by hand stays, and is said. */
	assert_int_equal(store_mentions(st, "ines", found_in, 4, &n), STORE_OK);
	assert_int_equal(n, 1);
	assert_string_equal(found_in[0], "job 1, record 3");
	/* A redacted entry is still covered: anything else changed in it is found. */
	sql("DROP TRIGGER ledger_no_update; UPDATE ledger SET t_ms = t_ms + 1 WHERE kind = 'user' "
	    "AND ref = '2'");
	assert_int_equal(verdict("accounts", NULL, why), STORE_LEDGER_ALTERED);
	assert_non_null(strstr(why, "was changed after it was written"));
}

static void a_redaction_nobody_signed_is_found(void **state)
{
	char why[512];
	(void)state;

	/* A redaction row written by hand, naming an entry of job:1: no entry of the chain
	 * speaks for it. */
	sql("INSERT INTO erasure (user_id, by_user, why, t_ms) VALUES (1, 1, 'x', 1); "
	    "INSERT INTO redaction (erasure_id, chain, seq, hash, redacted_hash) "
	    "SELECT 1, 'job:1', 2, hash, hash FROM ledger WHERE chain = 'job:1' AND seq = 2");
	assert_int_equal(verdict("job:1", NULL, why), STORE_LEDGER_ADDED);
	assert_non_null(strstr(why, "redaction"));
	assert_int_equal(verdict("accounts", NULL, why), STORE_LEDGER_ADDED);
	assert_non_null(strstr(why, "erasure"));
}

/* A server's batch signs each chain's head once, at its commit: by the head it queued last
 * for that chain, unless the write that moved the head there was rolled back, when the
 * head it is back at gets the signature. */
static void a_batch_signs_the_head_a_rolled_back_step_left(void **state)
{
	struct store_chain_head head;
	struct store_step *steps = NULL;
	struct store_step r = { 0 };
	size_t n = 0;
	long long before;
	char trigger[256];
	(void)state;

	if (records_on_pg())
		skip(); /* no batch there: each write commits alone, signed at once */
	assert_int_equal(store_chain_head(st, "job:1", &head), STORE_OK);
	before = head.seq;
	/* The head's second move in the batch is refused by the database, after the step and
	 * its entry were written: that step's savepoint is rolled back, head and all. */
	snprintf(trigger, sizeof(trigger),
		 "CREATE TRIGGER refuse_head BEFORE UPDATE ON chain_head WHEN NEW.seq = %lld "
		 "BEGIN SELECT RAISE(ABORT, 'refused by the test'); END",
		 before + 2);
	sql(trigger);
	assert_int_equal(store_seal_later(st), STORE_OK);
	assert_int_equal(store_batch_begin(st), 1);
	step("in-the-batch");
	snprintf(r.step_id, sizeof(r.step_id), "%s", "rolled-back");
	r.result = STEP_PASS;
	r.user_id = trainee;
	assert_int_equal(job_append(st, job_id, &r, NULL), JOB_ESTORE);
	assert_int_equal(store_batch_end(st), STORE_OK);
	sql("DROP TRIGGER refuse_head");
	assert_int_equal(store_steps_of(st, job_id, &steps, &n), STORE_OK);
	assert_int_equal(n, 3);
	assert_string_equal(steps[2].step_id, "in-the-batch");
	store_steps_free(steps, n);
	assert_int_equal(store_chain_head(st, "job:1", &head), STORE_OK);
	assert_int_equal(head.seq, before + 1);
	assert_true(head.sig[0] != '\0');
	assert_int_equal(verdict("job:1", NULL, NULL), STORE_LEDGER_OK);
	/* Outside the batch the chain goes on from there. */
	step("after");
	assert_int_equal(verdict("job:1", NULL, NULL), STORE_LEDGER_OK);
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
		cmocka_unit_test_setup_teardown(a_code_is_one_account_s_and_in_its_chain, setup,
						teardown),
		cmocka_unit_test_setup_teardown(an_erasure_waits_for_work_still_open, setup, teardown),
		cmocka_unit_test_setup_teardown(
			a_name_written_before_schema_11_is_redacted_and_every_chain_checks, setup,
			teardown),
		cmocka_unit_test_setup_teardown(a_redaction_nobody_signed_is_found, setup, teardown),
		cmocka_unit_test_setup_teardown(a_batch_signs_the_head_a_rolled_back_step_left, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
