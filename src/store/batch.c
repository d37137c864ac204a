/*
 * Group commit (store.h: store_batch_begin, store_batch_end, store_seal_later).
 *
 * A server records many steps at once. Each write keeps its own transaction as a
 * savepoint inside one transaction, begun at the first write (store_int_begin in
 * store.c), and the batch commits with one write to the disk. Nothing of a batch is done
 * until store_batch_end() says so.
 *
 * Signing the head of each chain a write moves costs about as much as the write itself.
 * With store_seal_later(), a head is written unsigned, its message queued, and a thread of
 * the store's own signs the queue while the batch goes on (on another core than the
 * writes). Before the commit, every chain the batch moved gets the signature of the head
 * it now has: from the thread when it signed that very head, else signed there and then.
 * A head is never committed unsigned.
 *
 * SQLite copies the write-ahead log back into the database every 1,000 pages, in the
 * commit that crosses the line: that commit, and every change waiting behind it, then
 * waits for a few thousand page writes and an fsync. With store_checkpoint_apart(), a
 * thread of the store's own does it on a connection of its own (a passive checkpoint,
 * which never holds up a writer), woken by the commit that crosses the line.
 */
#include "store/store_int.h"

#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define SEAL_MSG_MAX (STORE_CHAIN_MAX + 2 * STORE_HASH_HEX + 64)
#define SEAL_WAKE_AT 8 /* heads waiting before the thread is woken */

struct unsealed {
	char chain[STORE_CHAIN_MAX];
	long long seq;
	char msg[SEAL_MSG_MAX];
	char sig[STORE_SIG_TEXT], key_id[STORE_KEY_ID_HEX];
	int state; /* 0 waits, 1 signed, -1 the sealer failed */
};

struct store_sealing {
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t work, done;
	struct unsealed *q;
	size_t n, cap, next; /* queued, room, the next to sign */
	int busy;	     /* the thread is signing one, outside the lock */
	int idle;	     /* the thread waits for work: wake it */
	int waiting;	     /* a commit waits for the thread */
	int stop;
	struct store_sealer sealer;
};

static void *sealing_main(void *arg)
{
	struct store_sealing *s = arg;
	char msg[SEAL_MSG_MAX], sig[STORE_SIG_TEXT], key_id[STORE_KEY_ID_HEX];

	pthread_mutex_lock(&s->mu);
	for (;;) {
		size_t i;
		int rc;

		while (!s->stop && s->next >= s->n) {
			s->idle = 1;
			pthread_cond_wait(&s->work, &s->mu);
			s->idle = 0;
		}
		if (s->stop)
			break;
		i = s->next++;
		memcpy(msg, s->q[i].msg, sizeof(msg));
		s->busy = 1;
		pthread_mutex_unlock(&s->mu);
		sig[0] = key_id[0] = '\0';
		rc = s->sealer.seal(s->sealer.ctx, msg, sig, key_id);
		pthread_mutex_lock(&s->mu);
		s->busy = 0;
		/* The queue was emptied meanwhile (the batch ended without this one): dropped. */
		if (i < s->n && strcmp(s->q[i].msg, msg) == 0) {
			memcpy(s->q[i].sig, sig, sizeof(sig));
			memcpy(s->q[i].key_id, key_id, sizeof(key_id));
			s->q[i].state = rc == 0 ? 1 : -1;
		}
		if (s->waiting) /* the commit waits for the queue */
			pthread_cond_broadcast(&s->done);
	}
	pthread_mutex_unlock(&s->mu);
	return NULL;
}

enum store_err store_seal_later(struct store *st)
{
	struct store_sealing *s;

	if (st->sealing)
		return STORE_OK;
	if (!st->sealer.seal)
		return STORE_EINVAL;
	s = calloc(1, sizeof(*s));
	if (!s)
		return STORE_EINTERNAL;
	s->sealer = st->sealer;
	pthread_mutex_init(&s->mu, NULL);
	pthread_cond_init(&s->work, NULL);
	pthread_cond_init(&s->done, NULL);
	if (pthread_create(&s->thread, NULL, sealing_main, s) != 0) {
		pthread_cond_destroy(&s->done);
		pthread_cond_destroy(&s->work);
		pthread_mutex_destroy(&s->mu);
		free(s);
		return STORE_EINTERNAL;
	}
	st->sealing = s;
	return STORE_OK;
}

void store_int_sealing_stop(struct store *st)
{
	struct store_sealing *s = st->sealing;

	if (!s)
		return;
	pthread_mutex_lock(&s->mu);
	s->stop = 1;
	pthread_cond_signal(&s->work);
	pthread_mutex_unlock(&s->mu);
	pthread_join(s->thread, NULL);
	pthread_cond_destroy(&s->done);
	pthread_cond_destroy(&s->work);
	pthread_mutex_destroy(&s->mu);
	free(s->q);
	free(s);
	st->sealing = NULL;
}

int store_int_seal_later(struct store *st, const char *chain, long long seq, const char *msg)
{
	struct store_sealing *s = st->sealing;
	struct unsealed *u;

	if (!s || !st->batch || strlen(chain) >= STORE_CHAIN_MAX || strlen(msg) >= SEAL_MSG_MAX)
		return -1;
	pthread_mutex_lock(&s->mu);
	if (s->n == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 64;
		struct unsealed *q = realloc(s->q, cap * sizeof(*q));

		if (!q) {
			pthread_mutex_unlock(&s->mu);
			return -1;
		}
		s->q = q;
		s->cap = cap;
	}
	u = &s->q[s->n++];
	memset(u, 0, sizeof(*u));
	snprintf(u->chain, sizeof(u->chain), "%s", chain);
	u->seq = seq;
	snprintf(u->msg, sizeof(u->msg), "%s", msg);
	/* Waking the thread is a system call: it is woken for a few heads at once (a busy
	 * thread finds them by itself), and by the commit for the last ones. */
	if (s->idle && s->n - s->next >= SEAL_WAKE_AT)
		pthread_cond_signal(&s->work);
	pthread_mutex_unlock(&s->mu);
	return 0;
}

/* Under S's lock: wait until the thread signs nothing more, and when ALL, until it has
 * signed every head queued. */
static void sealing_wait(struct store_sealing *s, int all)
{
	s->waiting = 1;
	while (s->busy || (all && s->next < s->n))
		pthread_cond_wait(&s->done, &s->mu);
	s->waiting = 0;
}

/* Give the head of CHAIN its signature, unless it has one (it was rolled back to a head
 * signed before the batch): the thread's, when it signed this very head, else one made
 * now. Under the sealing lock, the thread done. */
static enum store_err seal_head(struct store *st, struct store_sealing *s, const char *chain)
{
	static const char get[] = "SELECT seq, hash, sig FROM chain_head WHERE chain = ?";
	static const char set[] = "UPDATE chain_head SET key_id = ?, sig = ? WHERE chain = ?";
	char hash[STORE_HASH_HEX] = "", sig[STORE_SIG_TEXT] = "", key_id[STORE_KEY_ID_HEX] = "";
	char msg[SEAL_MSG_MAX];
	sqlite3_stmt *stmt = NULL;
	enum store_err err;
	long long seq = 0;
	int found = 0;

	err = store_int_prepare(st, get, &stmt);
	if (err)
		return err;
	sqlite3_bind_text(stmt, 1, chain, -1, SQLITE_STATIC);
	if (sqlite3_step(stmt) == SQLITE_ROW) {
		const unsigned char *h = sqlite3_column_text(stmt, 1), *g = sqlite3_column_text(stmt, 2);

		found = 1;
		seq = sqlite3_column_int64(stmt, 0);
		snprintf(hash, sizeof(hash), "%s", h ? (const char *)h : "");
		snprintf(sig, sizeof(sig), "%s", g ? (const char *)g : "");
	}
	store_int_done(st, stmt);
	if (!found || sig[0])
		return STORE_OK;
	for (size_t i = s->n; i-- > 0;) {
		const struct unsealed *u = &s->q[i];

		if (u->state == 1 && u->seq == seq && strcmp(u->chain, chain) == 0) {
			memcpy(sig, u->sig, sizeof(sig));
			memcpy(key_id, u->key_id, sizeof(key_id));
			break;
		}
	}
	if (!sig[0]) {
		if (store_head_message(chain, seq, hash, msg, sizeof(msg)) != 0)
			return STORE_EINVAL;
		if (s->sealer.seal(s->sealer.ctx, msg, sig, key_id) != 0 || !sig[0])
			return STORE_ESEAL;
	}
	err = store_int_prepare(st, set, &stmt);
	if (err)
		return err;
	sqlite3_bind_text(stmt, 1, key_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 2, sig, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 3, chain, -1, SQLITE_STATIC);
	err = store_int_run_change(st, stmt, set, NULL);
	store_int_done(st, stmt);
	return err;
}

/* Before the commit: every chain the batch moved gets its head's signature. */
static enum store_err seal_batch(struct store *st)
{
	struct store_sealing *s = st->sealing;
	enum store_err err = STORE_OK;

	if (!s)
		return STORE_OK;
	pthread_mutex_lock(&s->mu);
	if (s->idle && s->next < s->n)
		pthread_cond_signal(&s->work);
	sealing_wait(s, 1);
	for (size_t i = 0; !err && i < s->n; i++) {
		int seen = 0;

		for (size_t k = 0; k < i && !seen; k++)
			seen = strcmp(s->q[k].chain, s->q[i].chain) == 0;
		if (!seen)
			err = seal_head(st, s, s->q[i].chain);
	}
	s->n = s->next = 0;
	pthread_mutex_unlock(&s->mu);
	return err;
}

#define CHECKPOINT_PAGES 1000 /* SQLite's own line */

struct store_checkpointer {
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t work;
	sqlite3 *db; /* the thread's connection */
	int due, stop;
};

static void *checkpointer_main(void *arg)
{
	struct store_checkpointer *c = arg;

	pthread_mutex_lock(&c->mu);
	for (;;) {
		while (!c->stop && !c->due)
			pthread_cond_wait(&c->work, &c->mu);
		if (c->stop)
			break;
		c->due = 0;
		pthread_mutex_unlock(&c->mu);
		/* Passive: what no reader still needs is copied, and nobody waits for it. */
		sqlite3_wal_checkpoint_v2(c->db, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
		pthread_mutex_lock(&c->mu);
	}
	pthread_mutex_unlock(&c->mu);
	return NULL;
}

/* After each commit on the writer's connection (sqlite3_wal_hook): the log's length. */
static int checkpoint_hook(void *arg, sqlite3 *db, const char *name, int pages)
{
	struct store_checkpointer *c = arg;

	(void)db;
	(void)name;
	if (pages >= CHECKPOINT_PAGES) {
		pthread_mutex_lock(&c->mu);
		c->due = 1;
		pthread_cond_signal(&c->work);
		pthread_mutex_unlock(&c->mu);
	}
	return SQLITE_OK;
}

enum store_err store_checkpoint_apart(struct store *st)
{
	struct store_checkpointer *c;

	if (st->checkpointer)
		return STORE_OK;
	c = calloc(1, sizeof(*c));
	if (!c)
		return STORE_EINTERNAL;
	if (sqlite3_open_v2(st->path, &c->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) !=
	    SQLITE_OK) {
		store_int_fail(c->db, sqlite3_errcode(c->db), "sqlite3_open_v2", NULL, st->path);
		sqlite3_close(c->db);
		free(c);
		return STORE_EIO;
	}
	/* A connection knows the log is there only once it has read the database. */
	if (sqlite3_exec(c->db, "SELECT count(*) FROM sqlite_master", NULL, NULL, NULL) !=
	    SQLITE_OK) {
		store_int_fail(c->db, sqlite3_errcode(c->db), "sqlite3_exec", NULL, st->path);
		sqlite3_close(c->db);
		free(c);
		return STORE_EIO;
	}
	pthread_mutex_init(&c->mu, NULL);
	pthread_cond_init(&c->work, NULL);
	if (pthread_create(&c->thread, NULL, checkpointer_main, c) != 0) {
		pthread_cond_destroy(&c->work);
		pthread_mutex_destroy(&c->mu);
		sqlite3_close(c->db);
		free(c);
		return STORE_EINTERNAL;
	}
	/* In place of SQLite's own checkpoints (sqlite3_wal_autocheckpoint is this hook). */
	sqlite3_wal_hook(st->db, checkpoint_hook, c);
	st->checkpointer = c;
	return STORE_OK;
}

void store_int_checkpointer_stop(struct store *st)
{
	struct store_checkpointer *c = st->checkpointer;

	if (!c)
		return;
	sqlite3_wal_autocheckpoint(st->db, CHECKPOINT_PAGES); /* SQLite's own again */
	pthread_mutex_lock(&c->mu);
	c->stop = 1;
	pthread_cond_signal(&c->work);
	pthread_mutex_unlock(&c->mu);
	pthread_join(c->thread, NULL);
	pthread_cond_destroy(&c->work);
	pthread_mutex_destroy(&c->mu);
	sqlite3_close(c->db);
	free(c);
	st->checkpointer = NULL;
}

void store_batch_begin(struct store *st)
{
	st->batch = 1;
	st->batch_begun = 0;
	st->savepoints = 0;
}

enum store_err store_batch_end(struct store *st)
{
	enum store_err err = STORE_OK;

	if (!st->batch)
		return STORE_OK;
	if (st->batch_begun) {
		if (sqlite3_get_autocommit(st->db)) {
			/* An I/O error, a full disk: SQLite may roll back the whole transaction. */
			char why[PATH_MAX + 160];

			snprintf(why, sizeof(why),
				 "%s: SQLite rolled the writes back after an error (a full disk, an "
				 "I/O error); none of them was kept",
				 st->path);
			store_int_error(why);
			err = STORE_EIO;
		} else {
			err = seal_batch(st);
			/* synchronous=FULL: durable when the commit returns. */
			if (!err)
				err = store_int_run_kept(st, "COMMIT");
			if (err && !sqlite3_get_autocommit(st->db))
				store_int_run_kept(st, "ROLLBACK");
		}
	}
	if (st->sealing) { /* a batch rolled back: its queue is dropped */
		pthread_mutex_lock(&st->sealing->mu);
		sealing_wait(st->sealing, 0);
		st->sealing->n = st->sealing->next = 0;
		pthread_mutex_unlock(&st->sealing->mu);
	}
	st->batch = 0;
	st->batch_begun = 0;
	st->savepoints = 0;
	return err;
}
