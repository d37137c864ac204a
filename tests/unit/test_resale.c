/*
 * Resale (docs/resale.md), in the store and in the service layer: a sale and the device's
 * move to sold are one transaction, so a sale whose entry cannot be sealed leaves nothing;
 * the chains check after a sale and a return; the price as people type it; who may sell,
 * take back, destroy and make batches; a device in one batch only; recycling only with a
 * wipe or a destruction record; the donor's report of a batch.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/records_here.h"
#include "store/store.h"
#include "svc/svc.h"
#include "util/clock.h"

#define SERIAL "R58R1234ABC"
#define SERIAL2 "R58R9999XYZ"

static char dir[64];
static struct bench *b;
static struct store *st; /* the store tests' own, with the sealer below */
static json_t *view;
static long long device, boss_id;

static const char facts[] =
	"{\"platform\": \"android\", \"identity\": {\"make\": \"samsung\", \"marketing_name\":"
	" \"Galaxy A52\", \"serial\": \"" SERIAL "\"}, \"connection\": {\"via\": \"adb\"},"
	" \"device\": {\"class\": \"phone\"}, \"locks\": {\"encrypted\": true}}";

/* ---- the store, with a sealer that refuses after a number of seals ---- */

static int seals_left; /* -1: never refuses */

static int seal(void *ctx, const char *msg, char sig[STORE_SIG_TEXT], char key_id[STORE_KEY_ID_HEX])
{
	(void)ctx;
	if (seals_left == 0)
		return -1;
	if (seals_left > 0)
		seals_left--;
	/* A stand-in signature: these tests check the chains' hashes, not the key. */
	snprintf(sig, STORE_SIG_TEXT, "sig-%zu", strlen(msg));
	snprintf(key_id, STORE_KEY_ID_HEX, "%s", "00112233445566aa");
	return 0;
}

static const struct store_sealer sealer = { seal, NULL, NULL };

static long long probe_into(struct store *s, const char *serial)
{
	struct store_probe p = { "android", NULL, serial, NULL, 1000, "test", facts };
	long long id = 0;

	assert_int_equal(store_record_probe(s, &p, &id), STORE_OK);
	return id;
}

static int store_setup(void **state)
{
	int found;

	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/atelier-resale-XXXXXX");
	assert_non_null(mkdtemp(dir));
	assert_int_equal(records_here(dir), 0);
	assert_int_equal(store_open(dir, 1, &st, &found), STORE_OK);
	seals_left = -1;
	store_set_sealer(st, &sealer);
	device = probe_into(st, SERIAL);
	assert_int_equal(store_user_add(st, "claire", ROLE_INSTRUCTOR, NULL, 1000, &boss_id),
			 STORE_OK);
	assert_int_equal(store_device_set_state(st, device, DEVICE_INTAKE, DEVICE_CERTIFIED,
						boss_id, "test: certified", 2000),
			 STORE_OK);
	return 0;
}

static int store_teardown(void **state)
{
	char cmd[96];

	(void)state;
	store_free(st);
	st = NULL;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd);
}

static enum store_ledger_verdict chain_verdict(struct store *s, const char *chain, size_t *n)
{
	struct store_ledger_check c;

	assert_int_equal(store_ledger_check(s, chain, &c), STORE_OK);
	if (n)
		*n = c.entries;
	return c.verdict;
}

static struct store_sale a_sale(long long cents, const char *channel)
{
	struct store_sale s = { 0 };

	s.device_id = device;
	s.price_cents = cents;
	snprintf(s.currency, sizeof(s.currency), "EUR");
	snprintf(s.channel, sizeof(s.channel), "%s", channel);
	snprintf(s.buyer_ref, sizeof(s.buyer_ref), "INV-7");
	s.by_user = boss_id;
	s.t_ms = 3000;
	return s;
}

static void a_sale_moves_the_device_to_sold_with_its_entries(void **state)
{
	struct store_sale s = a_sale(8950, "shop"), back;
	struct store_device_row d;
	struct store_device_event *ev = NULL;
	size_t before, after, n = 0;

	(void)state;
	assert_int_equal(chain_verdict(st, "device:1", &before), STORE_LEDGER_OK);
	assert_int_equal(store_sale_add(st, &s, "sold: 89.50 EUR", NULL), STORE_OK);
	assert_int_equal(store_device_get(st, device, &d), STORE_OK);
	assert_int_equal(d.state, DEVICE_SOLD);
	assert_int_equal(store_sale_of(st, device, &back), STORE_OK);
	assert_int_equal(back.price_cents, 8950);
	assert_string_equal(back.channel, "shop");
	assert_string_equal(back.buyer_ref, "INV-7");
	/* The sale names the very move that made the device sold. */
	assert_int_equal(store_device_events(st, device, &ev, &n), STORE_OK);
	assert_int_equal(back.event_id, ev[n - 1].id);
	assert_int_equal(ev[n - 1].to, DEVICE_SOLD);
	free(ev);
	assert_int_equal(chain_verdict(st, "device:1", &after), STORE_LEDGER_OK);
	assert_int_equal(after, before + 2); /* the move and the sale */
	/* A device sold is not sold again: it is no longer certified. */
	s = a_sale(100, "shop");
	assert_int_equal(store_sale_add(st, &s, "sold again", NULL), STORE_ESTALE);
}

static void a_sale_whose_entry_cannot_be_sealed_leaves_no_sold_state(void **state)
{
	struct store_sale s = a_sale(8950, "online"), none;
	struct store_device_row d;
	struct store_device_event *ev = NULL;
	size_t before, after, n = 0;

	(void)state;
	assert_int_equal(chain_verdict(st, "device:1", &before), STORE_LEDGER_OK);
	seals_left = 1; /* the move's entry is sealed, the sale's is not */
	assert_int_equal(store_sale_add(st, &s, "sold: 89.50 EUR", NULL), STORE_ESEAL);
	seals_left = -1;
	assert_int_equal(store_device_get(st, device, &d), STORE_OK);
	assert_int_equal(d.state, DEVICE_CERTIFIED);
	assert_int_equal(store_sale_of(st, device, &none), STORE_ENOENT);
	assert_int_equal(store_device_events(st, device, &ev, &n), STORE_OK);
	assert_int_equal(ev[n - 1].to, DEVICE_CERTIFIED); /* no move to sold was kept */
	free(ev);
	assert_int_equal(chain_verdict(st, "device:1", &after), STORE_LEDGER_OK);
	assert_int_equal(after, before);
	/* And once the key signs again, the same sale goes through. */
	assert_int_equal(store_sale_add(st, &s, "sold: 89.50 EUR", NULL), STORE_OK);
}

static void a_device_belongs_to_one_batch(void **state)
{
	struct store_batch a = { 0 }, c = { 0 }, in;
	long long ida, idc, *ids = NULL;
	size_t n = 0, entries;

	(void)state;
	snprintf(a.name, sizeof(a.name), "lot-a");
	snprintf(a.donor, sizeof(a.donor), "Banque Exemple");
	a.by_user = boss_id;
	a.t_ms = 4000;
	c = a;
	snprintf(c.name, sizeof(c.name), "lot-c");
	assert_int_equal(store_batch_add(st, &a, &ida), STORE_OK);
	assert_int_equal(store_batch_add(st, &a, NULL), STORE_EEXIST);
	assert_int_equal(store_batch_add(st, &c, &idc), STORE_OK);
	assert_int_equal(store_batch_attach(st, ida, device, boss_id, 4100), STORE_OK);
	assert_int_equal(store_batch_attach(st, idc, device, boss_id, 4200), STORE_EEXIST);
	assert_int_equal(store_batch_of(st, device, &in), STORE_OK);
	assert_string_equal(in.name, "lot-a");
	assert_int_equal(in.devices, 1);
	assert_int_equal(store_batch_devices(st, idc, &ids, &n), STORE_OK);
	assert_int_equal(n, 0);
	free(ids);
	assert_int_equal(chain_verdict(st, "workshop", &entries), STORE_LEDGER_OK);
	assert_int_equal(chain_verdict(st, "device:1", NULL), STORE_LEDGER_OK);
}

/* ---- the service layer ---- */

/* The view of the call about to be made: the last one's is freed first. */
static json_t **fresh(void)
{
	json_decref(view);
	view = NULL;
	return &view;
}

static void must(enum svc_err got, enum svc_err want)
{
	if (got != want)
		fail_msg("got %s (%s), want %s", svc_strerror(got), svc_why(b), svc_strerror(want));
}

static void why_says(const char *want)
{
	if (!strstr(svc_why(b), want))
		fail_msg("the reason '%s' does not say '%s'", svc_why(b), want);
}

static const char *secret_of(const char *name)
{
	return strcmp(name, "amina") == 0 ? "13572468" : "a long password";
}

static void as(const char *name)
{
	char token[SVC_TOKEN_HEX];
	json_t *v = NULL;

	must(svc_login(b, name, secret_of(name), 1, token, &v), SVC_OK);
	json_decref(v);
}

static int svc_setup(void **state)
{
	char path[160], why[256];
	struct store_user u;

	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/atelier-resale-XXXXXX");
	assert_non_null(mkdtemp(dir));
	assert_int_equal(records_here(dir), 0);
	snprintf(path, sizeof(path), "%s/data", dir);
	assert_int_equal(svc_open(path, SVC_OPEN_CREATE, &b, why, sizeof(why)), SVC_OK);
	must(svc_init(b, "boss", secret_of("boss"), fresh()), SVC_OK);
	as("boss");
	must(svc_user_add(b, "amina", "trainee", secret_of("amina"), NULL, fresh()), SVC_OK);
	must(svc_user_add(b, "ines", "instructor", secret_of("ines"), NULL, fresh()), SVC_OK);
	device = probe_into(svc_store(b), SERIAL);
	probe_into(svc_store(b), SERIAL2);
	assert_int_equal(store_user_find(svc_store(b), "boss", &u), STORE_OK);
	boss_id = u.id;
	return 0;
}

static int svc_teardown(void **state)
{
	char cmd[96];

	(void)state;
	fresh();
	svc_close(b);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd);
}

/* The device certified as `atelier certify` leaves it: its certificate kept with the
 * move (the signing itself is test_certify.c's). */
static void certified(const char *id)
{
	struct store_certificate c = { 0 };
	struct store_device_row d;

	snprintf(c.id, sizeof(c.id), "%s", id);
	c.device_id = device;
	c.issued_ms = clock_wall_ms();
	c.by_user = boss_id;
	snprintf(c.key_id, sizeof(c.key_id), "00112233445566aa");
	c.body = (char *)"{\"id\": \"test\"}";
	assert_int_equal(store_device_get(svc_store(b), device, &d), STORE_OK);
	assert_int_equal(store_certificate_add(svc_store(b), &c, d.state, "certified"), STORE_OK);
}

static void a_price_is_read_as_people_write_it(void **state)
{
	static const struct {
		const char *text;
		long long cents;
		const char *reason;
	} cases[] = {
		{ "89", 8900, NULL },	       { "89.50", 8950, NULL },
		{ "89,50", 8950, NULL },       { "89,5", 8950, NULL },
		{ "0", 0, NULL },	       { "100000", 10000000, NULL },
		{ "89.505", 0, "too-many-decimals" }, { "-3", 0, "not-a-price" },
		{ "", 0, "not-a-price" },      { "89.", 0, "not-a-price" },
		{ ".5", 0, "not-a-price" },    { "1e3", 0, "not-a-price" },
		{ "89 EUR", 0, "not-a-price" }, { "100001", 0, "too-high" },
		{ "99999999999999999999", 0, "too-high" },
	};
	(void)state;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		long long cents = -1;
		const char *reason = "?";
		int ok = svc_price_parse(cases[i].text, &cents, &reason);

		if (ok != (cases[i].reason == NULL) || (ok && cents != cases[i].cents) ||
		    (!ok && strcmp(reason, cases[i].reason) != 0))
			fail_msg("'%s': ok %d, %lld cents, %s", cases[i].text, ok, cents,
				 reason ? reason : "-");
	}
}

static void only_a_certified_device_is_sold_by_an_instructor(void **state)
{
	struct svc_sale_req req = { SERIAL, "89,50", "shop", "INV-2026-0042", NULL };

	(void)state;
	as("ines");
	must(svc_device_sell(b, &req, fresh()), SVC_ESTATE);
	why_says(SERIAL " is intake, not certified: only a certified device is sold");
	certified("ATL-TEST-1");
	req.channel = "ebay";
	must(svc_device_sell(b, &req, fresh()), SVC_EINVAL);
	assert_string_equal(json_string_value(json_object_get(view, "field")), "channel");
	req.channel = "shop";
	req.buyer_ref = "Jean Dupont";
	must(svc_device_sell(b, &req, fresh()), SVC_EINVAL);
	why_says("never the buyer's name");
	assert_string_equal(json_string_value(json_object_get(view, "reason")), "not-a-reference");
	req.buyer_ref = "INV-2026-0042";
	req.price = "0";
	must(svc_device_sell(b, &req, fresh()), SVC_EINVAL);
	assert_string_equal(json_string_value(json_object_get(view, "reason")), "zero");
	req.price = "89,50";
	as("amina");
	must(svc_device_sell(b, &req, fresh()), SVC_EDENIED);
	why_says("only an instructor or an admin can record a certified device as sold");
	as("ines");
	must(svc_device_sell(b, &req, fresh()), SVC_OK);
	assert_int_equal(json_integer_value(json_object_get(view, "price_cents")), 8950);
	assert_string_equal(json_string_value(json_object_get(view, "stock_number")), "AT-000001");
	assert_string_equal(json_string_value(json_object_get(view, "certificate")), "ATL-TEST-1");
	must(svc_device_sell(b, &req, fresh()), SVC_ESTATE);
	why_says("it was sold already");
	assert_int_equal(chain_verdict(svc_store(b), "device:1", NULL), STORE_LEDGER_OK);
}

static void a_return_withdraws_the_certificate_and_reopens_the_device(void **state)
{
	struct svc_sale_req req = { SERIAL, "120", "online", NULL, NULL };
	struct store_revocation rev;
	struct store_device_row d;

	(void)state;
	certified("ATL-TEST-2");
	as("ines");
	must(svc_device_sell(b, &req, fresh()), SVC_OK);
	must(svc_device_return(b, SERIAL, "", NULL, fresh()), SVC_EINVAL);
	assert_string_equal(json_string_value(json_object_get(view, "field")), "why");
	must(svc_device_return(b, SERIAL, "screen flickers", NULL, fresh()), SVC_EDENIED);
	why_says("only an admin can take a sold device back into repair");
	as("boss");
	must(svc_device_return(b, SERIAL, "screen flickers", NULL, fresh()), SVC_OK);
	assert_string_equal(json_string_value(json_array_get(json_object_get(view, "revoked"), 0)),
			    "ATL-TEST-2");
	assert_int_equal(store_revocation_get(svc_store(b), "ATL-TEST-2", &rev), STORE_OK);
	assert_non_null(strstr(rev.reason, "screen flickers"));
	assert_int_equal(store_device_get(svc_store(b), device, &d), STORE_OK);
	assert_int_equal(d.state, DEVICE_IN_REPAIR);
	must(svc_device_return(b, SERIAL, "again", NULL, fresh()), SVC_ESTATE);
	why_says("only a sold or certified device is taken back");
	/* Certified again, it is sold again. */
	certified("ATL-TEST-3");
	must(svc_device_sell(b, &req, fresh()), SVC_OK);
	assert_int_equal(chain_verdict(svc_store(b), "device:1", NULL), STORE_LEDGER_OK);
}

static void recycling_needs_a_wipe_or_a_destruction_record(void **state)
{
	struct svc_move move = { SERIAL, "recycled", NULL, "board is dead" };

	(void)state;
	as("ines");
	must(svc_device_set_state(b, &move, fresh()), SVC_ESTATE);
	why_says("no approved data wipe and no destruction record");
	why_says("atelier device destroy " SERIAL " --method TEXT");
	as("amina");
	must(svc_device_destroy(b, SERIAL, "drilled", NULL, fresh()), SVC_EDENIED);
	as("ines");
	must(svc_device_destroy(b, SERIAL, "  ", NULL, fresh()), SVC_EINVAL);
	must(svc_device_destroy(b, SERIAL, "storage chip drilled", NULL, fresh()), SVC_OK);
	must(svc_device_set_state(b, &move, fresh()), SVC_OK);
}

static void a_batch_holds_each_device_once_and_its_report_says_what_is_missing(void **state)
{
	const char *both[] = { SERIAL, SERIAL2 };
	const char *again[] = { SERIAL2 };
	struct svc_move parts = { SERIAL2, "parts", NULL, "cracked frame" };
	const json_t *devs;

	(void)state;
	as("amina");
	must(svc_batch_add(b, "lot-1", "Banque Exemple", NULL, fresh()), SVC_EDENIED);
	as("ines");
	must(svc_batch_add(b, "lot 1", "Banque Exemple", NULL, fresh()), SVC_EINVAL);
	must(svc_batch_add(b, "lot-1", "Banque Exemple", NULL, fresh()), SVC_OK);
	must(svc_batch_add(b, "lot-1", "Another", NULL, fresh()), SVC_EINVAL);
	assert_string_equal(json_string_value(json_object_get(view, "reason")), "taken");
	must(svc_batch_add(b, "lot-2", "Another", NULL, fresh()), SVC_OK);
	must(svc_batch_attach(b, "lot-1", both, 2, NULL, fresh()), SVC_OK);
	must(svc_batch_attach(b, "lot-2", again, 1, NULL, fresh()), SVC_ESTATE);
	why_says(SERIAL2 " is in batch 'lot-1' already");
	must(svc_device_set_state(b, &parts, fresh()), SVC_OK);
	must(svc_erasure_report(b, "lot-1", NULL, fresh()), SVC_OK);
	devs = json_object_get(view, "devices");
	assert_int_equal(json_array_size(devs), 2);
	assert_string_equal(json_string_value(json_object_get(json_array_get(devs, 1), "outcome")),
			    "parts");
	assert_true(json_is_null(json_object_get(json_array_get(devs, 1), "record")));
	assert_true(json_is_true(json_object_get(json_array_get(devs, 1), "attention")));
	assert_int_equal(json_integer_value(json_object_get(json_object_get(view, "counts"),
							    "missing")),
			 2);
	assert_int_equal(chain_verdict(svc_store(b), "workshop", NULL), STORE_LEDGER_OK);
}

static void a_stock_number_is_at_and_six_digits(void **state)
{
	char out[24];

	(void)state;
	svc_stock_number(12, out, sizeof(out));
	assert_string_equal(out, "AT-000012");
	svc_stock_number(1234567, out, sizeof(out));
	assert_string_equal(out, "AT-1234567");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(a_sale_moves_the_device_to_sold_with_its_entries,
						store_setup, store_teardown),
		cmocka_unit_test_setup_teardown(
			a_sale_whose_entry_cannot_be_sealed_leaves_no_sold_state, store_setup,
			store_teardown),
		cmocka_unit_test_setup_teardown(a_device_belongs_to_one_batch, store_setup,
						store_teardown),
		cmocka_unit_test(a_price_is_read_as_people_write_it),
		cmocka_unit_test(a_stock_number_is_at_and_six_digits),
		cmocka_unit_test_setup_teardown(only_a_certified_device_is_sold_by_an_instructor,
						svc_setup, svc_teardown),
		cmocka_unit_test_setup_teardown(
			a_return_withdraws_the_certificate_and_reopens_the_device, svc_setup,
			svc_teardown),
		cmocka_unit_test_setup_teardown(recycling_needs_a_wipe_or_a_destruction_record,
						svc_setup, svc_teardown),
		cmocka_unit_test_setup_teardown(
			a_batch_holds_each_device_once_and_its_report_says_what_is_missing,
			svc_setup, svc_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
