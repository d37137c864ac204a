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
 * writes), skipping a head the batch has since moved on from. The thread is woken only
 * once SEAL_WAKE_AT heads wait: waking it and waiting for it costs more than signing a few
 * heads in place. Before the commit, every chain the batch moved gets the signature of the
 * head it now has: from the thread when it signed that very head, else signed there and
 * then. A head is never committed unsigned.
 *
 * Copying SQLite's write-ahead log back apart from the commits (store_checkpoint_apart())
 * is the SQLite backend's own: db_sqlite.c.
 */
#include "store/db.h"
#include "store/store.h"
#include "store/store_int.h"
#include "util/log.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define SEAL_MSG_MAX (STORE_CHAIN_MAX + 2 * STORE_HASH_HEX + 64)
#define SEAL_WAKE_AT 8 /* heads waiting before the thread is woken */

struct unsealed {
	char chain[STORE_CHAIN_MAX];
	long long seq;
	char hash[STORE_HASH_HEX];
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

/* Under S's lock: a later head of the same chain is queued after head I. */
static int superseded(const struct store_sealing *s, size_t i)
{
	for (size_t k = i + 1; k < s->n; k++)
		if (strcmp(s->q[k].chain, s->q[i].chain) == 0)
			return 1;
	return 0;
}

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
		/* A head the batch has moved on from is never committed: not signed. */
		if (superseded(s, i))
			continue;
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

	/* No batch opens where each write commits alone (store_batch_begin()): each write
	 * seals the heads it moves, and a thread would wait for work forever. */
	if (st->sealing || db_scoped(st))
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
	/* Its own name: it inherits its starter's (the web server's writer) otherwise. */
	pthread_setname_np(s->thread, "atelier-seal");
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

int store_int_seal_later(struct store *st, const char *chain, long long seq, const char *hash,
			 const char *msg)
{
	struct store_sealing *s = st->sealing;
	struct unsealed *u;

	if (!s || !st->batch || strlen(chain) >= STORE_CHAIN_MAX || strlen(hash) >= STORE_HASH_HEX ||
	    strlen(msg) >= SEAL_MSG_MAX)
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
	snprintf(u->hash, sizeof(u->hash), "%s", hash);
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
	struct db_stmt *stmt = NULL;
	enum store_err err;
	long long seq = 0;
	int found = 0;

	err = db_prepare(st, get, &stmt);
	if (err)
		return err;
	db_bind_text(stmt, 1, chain);
	/* A failure to read it is as no head: nothing to seal. */
	if (db_step(stmt, &found) != STORE_OK)
		found = 0;
	if (found) {
		seq = db_col_int64(stmt, 0);
		db_col_copy(stmt, 1, hash, sizeof(hash));
		db_col_copy(stmt, 2, sig, sizeof(sig));
	}
	db_done(stmt);
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
	err = db_prepare(st, set, &stmt);
	if (err)
		return err;
	db_bind_text(stmt, 1, key_id);
	db_bind_text(stmt, 2, sig);
	db_bind_text(stmt, 3, chain);
	err = db_run_change(stmt, NULL);
	db_done(stmt);
	return err;
}

/* Give the head queued last for its chain, U, its signature, when the chain's head is still
 * that one and unsigned: one write, where seal_head() reads the head first. 1 when it did,
 * 0 when the head is another (rolled back to an earlier one): seal_head() sees to it. */
static int seal_last(struct store *st, struct store_sealing *s, const struct unsealed *u,
		     enum store_err *err)
{
	static const char set[] = "UPDATE chain_head SET key_id = ?1, sig = ?2 WHERE chain = ?3 "
				  "AND seq = ?4 AND hash = ?5 AND sig = ''";
	char sig[STORE_SIG_TEXT] = "", key_id[STORE_KEY_ID_HEX] = "";
	struct db_stmt *stmt = NULL;

	if (u->state == 1) {
		memcpy(sig, u->sig, sizeof(sig));
		memcpy(key_id, u->key_id, sizeof(key_id));
	} else if (s->sealer.seal(s->sealer.ctx, u->msg, sig, key_id) != 0 || !sig[0]) {
		*err = STORE_ESEAL;
		return 1;
	}
	*err = db_prepare(st, set, &stmt);
	if (*err)
		return 1;
	db_bind_text(stmt, 1, key_id);
	db_bind_text(stmt, 2, sig);
	db_bind_text(stmt, 3, u->chain);
	db_bind_int64(stmt, 4, u->seq);
	db_bind_text(stmt, 5, u->hash);
	*err = db_run_change(stmt, NULL);
	db_done(stmt);
	return *err || db_changes(st) > 0;
}

/* Before the commit: every chain the batch moved gets its head's signature. */
static enum store_err seal_batch(struct store *st)
{
	struct store_sealing *s = st->sealing;
	enum store_err err = STORE_OK;

	if (!s)
		return STORE_OK;
	pthread_mutex_lock(&s->mu);
	/* A thread waiting for work was never woken in this batch (fewer than SEAL_WAKE_AT
	 * heads): its heads are signed here, which costs less than waking it and waiting
	 * for it. One at work finishes the queue. */
	sealing_wait(s, !s->idle);
	/* Each chain once, by the head queued last for it. */
	for (size_t i = 0; !err && i < s->n; i++)
		if (!superseded(s, i) && !seal_last(st, s, &s->q[i], &err))
			err = seal_head(st, s, s->q[i].chain);
	s->n = s->next = 0;
	pthread_mutex_unlock(&s->mu);
	return err;
}

int store_batch_begin(struct store *st)
{
	if (db_scoped(st))
		return 0;
	st->batch = 1;
	st->batch_begun = 0;
	st->savepoints = 0;
	st->batch_apart = 0;
	st->unsynced[0] = '\0';
	return 1;
}

int store_batch_begin_apart(struct store *st)
{
	if (!store_batch_begin(st))
		return 0;
	/* SQLite refuses to change it inside a transaction: before the batch's BEGIN. When
	 * it cannot, the batch's commit waits for the disk, as any other. */
	st->batch_apart = !db_in_transaction(st) &&
			  db_run(st, "PRAGMA synchronous = NORMAL") == STORE_OK;
	return 1;
}

const char *store_batch_unsynced(const struct store *st)
{
	return st->unsynced;
}

enum store_err store_wal_sync(const char *wal)
{
	char why[PATH_MAX + 160];
	int fd, rc;

	if (!wal || !wal[0])
		return STORE_OK;
	/* SQLite takes no lock on its log (its locks are on the database and the -shm
	 * file): this descriptor, opened and closed here, drops none of them. */
	fd = open(wal, O_RDONLY | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT)
		return STORE_OK; /* copied into the database, synced, then removed */
	if (fd < 0) {
		snprintf(why, sizeof(why), "%s: cannot open the write-ahead log to sync it: %s", wal,
			 strerror(errno));
		store_int_error(why);
		return STORE_EIO;
	}
	rc = fdatasync(fd);
	if (rc != 0) {
		snprintf(why, sizeof(why), "%s: fdatasync() failed: %s", wal,
			 strerror(errno));
		store_int_error(why);
	}
	close(fd);
	return rc == 0 ? STORE_OK : STORE_EIO;
}

enum store_err store_batch_end(struct store *st)
{
	enum store_err err = STORE_OK;

	if (!st->batch)
		return STORE_OK;
	if (st->batch_begun) {
		if (!db_in_transaction(st)) {
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
			/* synchronous=FULL: durable when the commit returns; NORMAL (begun
			 * apart): once the log is synced (store_wal_sync()). */
			if (!err)
				err = db_run(st, "COMMIT");
			if (err && db_in_transaction(st))
				db_run(st, "ROLLBACK");
			if (!err && st->batch_apart)
				snprintf(st->unsynced, sizeof(st->unsynced), "%s-wal", st->path);
		}
	}
	/* Every other commit on this connection waits for the disk again. SQLite fails to
	 * set it only out of memory: this batch is still synced by its caller, and the
	 * writes that follow until the next batch reach the disk at the next sync or
	 * checkpoint (never corrupt). */
	if (st->batch_apart && db_run(st, "PRAGMA synchronous = FULL") != STORE_OK)
		log_msg(LOG_WARN, "%s: commits were left unsynced until the next batch: %s",
			st->path, store_last_error_message());
	st->batch_apart = 0;
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
