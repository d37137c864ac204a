/*
 * status — the words the records keep for a person's role, a job's state, a device's
 * state, a grade's verdict and a step's result, as C enums.
 *
 * The database keeps the words ("instructor", "in_repair"), so that a record reads the
 * same to a person with sqlite3 and to a later version; everything above the store
 * works with the enums. Each word has one enum value and back: *_name() gives the word
 * (static, never NULL), *_parse() reads one (1 when WORD is one of them, else 0 and *OUT
 * is left alone). The order of each enum is meaningful where said.
 */
#ifndef ATELIER_STORE_STATUS_H
#define ATELIER_STORE_STATUS_H

/* A person's role, lowest first: a higher role may do what a lower one may. */
enum role {
	ROLE_NONE = 0, /* no role: nobody may do anything with it */
	ROLE_TRAINEE,
	ROLE_INSTRUCTOR,
	ROLE_ADMIN,
};

const char *role_name(enum role r);
int role_parse(const char *word, enum role *out);

enum job_state {
	JOB_STATE_OPEN,      /* the trainee records steps */
	JOB_STATE_SUBMITTED, /* waiting for a grade, or graded */
	JOB_STATE_CANCELLED, /* stopped by an instructor; kept, never worked on again */
};

const char *job_state_name(enum job_state s);
int job_state_parse(const char *word, enum job_state *out);

/* Where a job is in its trainee's and its instructor's work: its state and the grade of
 * its latest submission together. Each job is at one stage; as a filter, OPEN takes the
 * jobs sent back for redo too (they are being worked on). */
enum job_stage {
	JOB_STAGE_OPEN,      /* open, never sent back: the trainee works on it */
	JOB_STAGE_SUBMITTED, /* submitted, and that submission is not graded yet */
	JOB_STAGE_APPROVED,  /* its latest submission was approved */
	JOB_STAGE_REDO,      /* sent back: open again for the steps to redo */
	JOB_STAGE_CANCELLED,
};

/* Every stage in words, for messages. */
#define JOB_STAGE_LIST "open, submitted, approved, redo, cancelled"

const char *job_stage_name(enum job_stage s);
int job_stage_parse(const char *word, enum job_stage *out);

/* The device lifecycle (src/cert/lifecycle.h has the rules), in the order a device
 * usually meets them. */
enum device_state {
	DEVICE_INTAKE,
	DEVICE_IN_REPAIR,
	DEVICE_QUARANTINE,
	DEVICE_READY,
	DEVICE_CERTIFIED,
	DEVICE_SOLD,
	DEVICE_RECYCLED,
	DEVICE_PARTS,
};

#define DEVICE_STATE_COUNT (DEVICE_PARTS + 1)
/* Every state in words, for messages: "intake, in_repair, ..., parts". */
#define DEVICE_STATE_LIST "intake, in_repair, quarantine, ready, certified, sold, recycled, parts"

const char *device_state_name(enum device_state s);
int device_state_parse(const char *word, enum device_state *out);

enum verdict {
	VERDICT_APPROVED,
	VERDICT_REDO,
};

const char *verdict_name(enum verdict v);
int verdict_parse(const char *word, enum verdict *out);

/* What a step record says. UNKNOWN is what an auto step gives when a fact is missing;
 * it is never recorded (the trainee decides by hand). */
enum step_result {
	STEP_PASS,
	STEP_FAIL,
	STEP_SKIP,
	STEP_UNKNOWN,
};

const char *step_result_name(enum step_result r);
int step_result_parse(const char *word, enum step_result *out);

#endif
