/*
 * A workshop's records of the size the web bench asks for, made quickly: DEVICES devices
 * (each read once), JOBS jobs spread over them, each with a few step records, and one job
 * of LONG steps (the "100-step job page"), every record in its signed chain as the bench
 * writes it (through the service layer's store and the workshop key). Also a trainee
 * `bench-trainee` and an instructor `bench-instructor` with the secrets the bench script
 * uses to sign in.
 *
 * usage: web_fixture DATA_DIR [DEVICES [JOBS [LONG [TRAINEES]]]]   (defaults 1000 10000
 *        100 1)
 * prints: "UDID JOB JOB2 ... JOB50": the long job (left open, for steps to be recorded
 * into) and its device, then the open jobs of the other 49 benches at work (30 steps
 * in). The other jobs are submitted.
 * With TRAINEES above 1 (the instructors' console's workshop), the jobs go in turn to
 * trainees `trainee-01`, `trainee-02`... (the same PIN), and every submitted job but the
 * last QUEUED is graded by `bench-instructor`: approved, and one in ten sent back for
 * redo first (then submitted and approved again), each grade with scores for the
 * checklist's two rubric items (care out of 3, method out of 4).
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "job/job.h"
#include "store/store.h"
#include "svc/svc.h"
#include "util/clock.h"
#include "util/secret.h"

#define TRAINEE_PIN "24681357"
#define INSTRUCTOR_PASSWORD "bench-instructor-password"
#define BENCHES 50 /* benches at work at once: one open job each */
#define QUEUED 100 /* submitted jobs left waiting for a grade (TRAINEES > 1) */

static long long arg(int argc, char **argv, int i, long long dflt)
{
	return argc > i ? strtoll(argv[i], NULL, 10) : dflt; /* a bench's own arguments */
}

static void die(const char *what)
{
	fprintf(stderr, "web_fixture: %s failed: %s\n", what, store_last_error_message());
	exit(1);
}

static long long user(struct store *st, const char *name, enum role role, const char *secret)
{
	char hash[256];
	long long id;

	if (store_user_add(st, name, role, NULL, 1000, &id) != STORE_OK)
		die("adding a user");
	if (secret_hash(secret, hash, sizeof(hash)) != SECRET_OK ||
	    store_user_set_secret(st, id, hash) != STORE_OK)
		die("setting a secret");
	return id;
}

/* The checklist the jobs were started with: 40 note steps, kept as a job pins it. */
static void checklist(struct store *st, char hash[65])
{
	unsigned char d[crypto_hash_sha256_BYTES];
	char text[16384];
	size_t len;

	len = (size_t)snprintf(text, sizeof(text),
			       "id: bench-check\nversion: 1\n"
			       "title: {en: \"Bench check\", fr: \"Contrôle\", nl: \"Controle\"}\n"
			       "difficulty: 1\ntime_minutes: 10\nrubric:\n"
			       "  - id: care\n    title: {en: \"Care\", fr: \"Soin\", nl: \"Zorg\"}\n"
			       "    max: 3\n"
			       "  - id: method\n    title: {en: \"Method\", fr: \"Méthode\", "
			       "nl: \"Methode\"}\n    max: 4\nsteps:\n");
	for (int i = 0; i < 40 && len < sizeof(text); i++)
		len += (size_t)snprintf(text + len, sizeof(text) - len,
					"  - id: step-%d\n    title: {en: \"Step %d\", fr: \"Étape %d\", "
					"nl: \"Stap %d\"}\n    kind: note\n    required: false\n",
					i, i, i, i);
	crypto_hash_sha256(d, (const unsigned char *)text, strlen(text));
	sodium_bin2hex(hash, 65, d, sizeof(d));
	if (store_snapshot_put(st, hash, "bench-check", 1, text) != STORE_OK)
		die("keeping the checklist");
}

static void steps(struct store *st, long long job, long long who, int n)
{
	for (int i = 0; i < n; i++) {
		struct store_step r = { 0 };

		snprintf(r.step_id, sizeof(r.step_id), "step-%d", i % 40);
		r.result = STEP_PASS;
		r.user_id = who;
		r.note = "checked, as the checklist says";
		if (job_append(st, job, &r, NULL) != JOB_OK)
			die("appending a step");
	}
}

/* Grade JOB (just submitted at SUBMITTED_MS) by INSTRUCTOR. */
static void grade(struct store *st, long long job, long long submitted_ms, long long instructor,
		  enum verdict v)
{
	struct store_grade g = { 0 };
	char scores[64];

	/* scores that move from job to job, so that the training record's chart has a shape */
	snprintf(scores, sizeof(scores), "{\"care\": %lld, \"method\": %lld}", 1 + job % 3,
		 1 + (job / 3) % 4);
	g.scores = scores;
	g.job_id = job;
	g.submitted_ms = submitted_ms;
	g.verdict = v;
	g.redo = v == VERDICT_REDO ? "[\"step-1\"]" : NULL;
	g.feedback = v == VERDICT_REDO ? "Write what you saw, not what you expected"
				       : "Careful work, well written";
	g.by_user = instructor;
	g.t_ms = clock_wall_ms();
	if (store_grade_add(st, &g, NULL) != STORE_OK)
		die("grading a job");
}

/* Submit JOB, and grade it unless it is one of the last queued: one in ten sent back,
 * redone and approved, the others approved at once. */
static void submit(struct store *st, long long job, long long who, long long instructor,
		   int graded, int redo)
{
	long long t = clock_wall_ms();

	if (store_job_set_state(st, job, JOB_STATE_SUBMITTED, t) != STORE_OK)
		die("submitting a job");
	if (!graded)
		return;
	if (redo) {
		grade(st, job, t, instructor, VERDICT_REDO);
		steps(st, job, who, 1);
		t = clock_wall_ms() + 1;
		if (store_job_set_state(st, job, JOB_STATE_SUBMITTED, t) != STORE_OK)
			die("submitting a job again");
	}
	grade(st, job, t, instructor, VERDICT_APPROVED);
}

int main(int argc, char **argv)
{
	long long devices = arg(argc, argv, 2, 1000), jobs = arg(argc, argv, 3, 10000);
	int long_steps = (int)arg(argc, argv, 4, 100);
	long long n_trainees = arg(argc, argv, 5, 1), made = 0, instructor;
	long long trainee, job = 0, long_job = 0, *trainees;
	char why[512], udid[64], long_udid[64] = "", hash[65];
	long long open_jobs[BENCHES];
	size_t n_open = 0;
	struct bench *b;
	struct store *st;

	if (argc < 2) {
		fprintf(stderr, "usage: web_fixture DATA_DIR [DEVICES [JOBS [LONG]]]\n");
		return 2;
	}
	if (svc_open(argv[1], SVC_OPEN_CREATE, &b, why, sizeof(why)) != SVC_OK) {
		fprintf(stderr, "web_fixture: %s\n", why);
		return 1;
	}
	st = svc_store(b);
	trainee = user(st, "bench-trainee", ROLE_TRAINEE, TRAINEE_PIN);
	instructor = user(st, "bench-instructor", ROLE_INSTRUCTOR, INSTRUCTOR_PASSWORD);
	if (n_trainees < 1 || n_trainees > 999)
		n_trainees = 1;
	trainees = calloc((size_t)n_trainees, sizeof(*trainees));
	if (!trainees)
		die("memory");
	trainees[0] = trainee;
	for (long long i = 1; n_trainees > 1 && i <= n_trainees; i++) {
		char name[32];

		snprintf(name, sizeof(name), "trainee-%02lld", i);
		trainees[i - 1] = user(st, name, ROLE_TRAINEE, TRAINEE_PIN);
	}
	checklist(st, hash);
	for (long long d = 1; d <= devices; d++) {
		char facts[256];
		struct store_probe p = { 0 };
		long long id;

		snprintf(udid, sizeof(udid), "00008110-%016llX", d);
		snprintf(facts, sizeof(facts),
			 "{\"identity\":{\"udid\":\"%s\",\"serial\":\"BENCH%05lld\"},"
			 "\"device\":{\"platform\":\"ios\"}}", udid, d);
		p.platform = "ios";
		p.udid = udid;
		p.t_ms = clock_wall_ms();
		p.tool = "web_fixture";
		p.facts = facts;
		if (store_record_probe(st, &p, &id) != STORE_OK)
			die("recording a device");
		for (long long j = 0; j < jobs / devices + (d <= jobs % devices); j++) {
			struct store_job sj = { 0 };

			sj.device_id = id;
			snprintf(sj.checklist_id, sizeof(sj.checklist_id), "bench-check");
			sj.checklist_version = 1;
			snprintf(sj.checklist_hash, sizeof(sj.checklist_hash), "%s", hash);
			sj.trainee_id = long_job ? trainees[made % n_trainees] : trainee;
			sj.started_ms = clock_wall_ms();
			made++;
			if (store_job_create(st, &sj, &job) != STORE_OK)
				die("creating a job");
			/* The first job of the first BENCHES devices stays open: one per bench
			 * at work, 30 steps in (the long one: LONG). */
			steps(st, job, sj.trainee_id,
			      !long_job ? long_steps : j == 0 && d <= BENCHES ? 30 : 3);
			if (!long_job) {
				long_job = job;
				snprintf(long_udid, sizeof(long_udid), "%s", udid);
				open_jobs[n_open++] = job;
			} else if (j == 0 && d <= BENCHES) {
				open_jobs[n_open++] = job;
			} else if (n_trainees > 1) {
				submit(st, job, sj.trainee_id, instructor, made <= jobs - QUEUED,
				       made % 10 == 0);
			} else if (store_job_set_state(st, job, JOB_STATE_SUBMITTED, clock_wall_ms()) !=
				   STORE_OK) {
				die("submitting a job");
			}
		}
	}
	printf("%s %lld", long_udid, long_job);
	for (size_t i = 1; i < n_open; i++)
		printf(" %lld", open_jobs[i]);
	printf("\n");
	free(trainees);
	svc_close(b);
	return 0;
}
