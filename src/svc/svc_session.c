/* Sign-in, sessions, the acting person and the audit log. See svc.h. */
#include "svc/svc_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/clock.h"
#include "util/log.h"
#include "util/secret.h"

#define AUDIT_LIMIT_MAX 10000

void svc_audit(struct bench *b, const char *action, const char *subject, const char *outcome,
	       const char *detail)
{
	struct store_audit a = { 0 };
	enum store_err err;

	if (!b->st)
		return;
	a.t_ms = clock_wall_ms();
	snprintf(a.actor, sizeof(a.actor), "%s", b->signed_in ? b->me.name : "");
	snprintf(a.action, sizeof(a.action), "%s", action ? action : "");
	snprintf(a.subject, sizeof(a.subject), "%s", subject ? subject : "");
	snprintf(a.outcome, sizeof(a.outcome), "%s", outcome ? outcome : "");
	snprintf(a.detail, sizeof(a.detail), "%s", detail ? detail : "");
	err = store_audit_add(b->st, &a);
	if (err)
		log_msg(LOG_WARN, "audit: cannot keep '%s %s': %s (%s)", a.action, a.subject,
			store_strerror(err), store_last_error_message());
}

/* A refused sign-in: recorded as an attempt (OUTCOME) and in the audit log; SVC_EAUTH. */
static enum svc_err refuse(struct bench *b, const char *name, const char *outcome,
			   const char *detail)
{
	if (store_attempt_add(b->st, name, outcome, clock_wall_ms()) != STORE_OK)
		log_msg(LOG_WARN, "login: cannot record the attempt for %s: %s", name,
			store_last_error_message());
	svc_audit(b, "login", name, outcome, detail);
	return SVC_EAUTH;
}

/* The account a person means by NAME, as she typed it to sign in: its name into ACCOUNT
 * and its row into *U (*KNOWN 1), read once for the whole sign-in. NAME itself when an
 * account has that name; else the one account whose name folds the same
 * (text_fold_name(): capitals, accents, spaces, '.', '-' and '_' do not count), so that
 * "Hélène" or "Amina B" signs in to "helene" or "amina.b"; else NAME, *KNOWN 0 (no such
 * account, or two that fold alike, which then sign in by their exact names only). */
static enum svc_err account_meant(struct bench *b, const char *name, char account[64],
				  struct store_user *u, int *known)
{
	char like[64];
	enum store_err err;
	enum svc_err rc;
	size_t n = 0;

	snprintf(account, 64, "%s", name);
	err = store_user_find(b->st, name, u);
	if (err == STORE_ENOENT) {
		rc = svc_names_like(b, name, like, &n);
		if (rc)
			return rc;
		if (n == 1) {
			snprintf(account, 64, "%s", like);
			err = store_user_find(b->st, like, u);
		}
	}
	if (err && err != STORE_ENOENT)
		return svc_store_fail(b, err, "read the users");
	*known = err == STORE_OK;
	return SVC_OK;
}

enum svc_err svc_login(struct bench *b, const char *typed, const char *secret, int local,
		       char *token, json_t **view)
{
	if (b->remote) /* the server checks the secret and says where it came from */
		return svc_remote_login(b, typed, secret, token, view);
	char hash[SECRET_HASH_MAX], th[65], name[64];
	struct store_user u;
	long long now = clock_wall_ms(), wrong = 0, oldest = 0, id = 0;
	enum store_err err;
	enum svc_err rc;
	int known = 0;

	*view = NULL;
	token[0] = '\0';
	if (!typed || !*typed || strlen(typed) > 63)
		return svc_fail(b, SVC_EINVAL, "say who signs in: atelier login NAME");
	/* From here NAME is the account she means: its attempts count, whichever way she
	 * typed it. A refusal's words say the name as she typed it, so that they never tell
	 * which account a folded name would have been. */
	rc = account_meant(b, typed, name, &u, &known);
	if (rc)
		return rc;
	err = store_attempt_failures(b->st, name, now - SVC_LOCK_MS, &wrong, &oldest);
	if (err)
		return svc_store_fail(b, err, "read the sign-in attempts");
	if (wrong >= SVC_LOCK_TRIES) {
		long long left = (oldest + SVC_LOCK_MS - now + 59999) / 60000;

		svc_fail(b, SVC_EAUTH,
			 "too many wrong attempts for %s: wait %lld minute%s or ask an admin",
			 typed, left < 1 ? 1 : left, left > 1 ? "s" : "");
		return refuse(b, name, "locked", "refused without checking the secret");
	}
	if (known) {
		err = store_user_secret(b->st, u.id, hash, sizeof(hash));
		if (err == STORE_ENOENT) {
			svc_fail(b, SVC_EAUTH,
				 "%s has no secret yet (an account from before secrets): an admin "
				 "sets one with 'atelier user set-secret %s'",
				 name, name);
			return refuse(b, name, "wrong", "no secret set");
		}
		if (err)
			return svc_store_fail(b, err, "read the account");
	}
	/* A trainee's PIN is short: it is only good at the bench itself. */
	if (known && u.role == ROLE_TRAINEE && !local) {
		svc_fail(b, SVC_EAUTH, "a trainee signs in with her PIN only at the bench itself");
		return refuse(b, name, "refused", "PIN from a remote client");
	}
	if (!known || !secret_verify(hash, secret ? secret : "")) {
		if (!known)
			secret_verify_dummy(secret ? secret : "");
		svc_fail(b, SVC_EAUTH, "wrong name or secret for %s", typed);
		return refuse(b, name, "wrong", known ? "wrong secret" : "no such name");
	}
	if (!u.active) {
		svc_fail(b, SVC_EAUTH, "%s's account is disabled: an admin enables it (atelier "
				       "user enable %s)",
			 name, name);
		return refuse(b, name, "refused", "account disabled");
	}
	/* Signing in again at this bench ends the session it had. */
	if (b->signed_in && store_session_end(b->st, b->session_id, now) != STORE_OK)
		log_msg(LOG_WARN, "login: cannot end session %lld", b->session_id);
	secret_token_new(token);
	secret_token_hash(token, th);
	err = store_session_add(b->st, th, u.id, now, &id);
	if (!err)
		err = store_attempt_add(b->st, name, "ok", now);
	if (err) {
		secret_wipe(token, SVC_TOKEN_HEX);
		return svc_store_fail(b, err, "keep the session");
	}
	b->me = u;
	b->signed_in = 1;
	b->session_id = id;
	b->auth_why[0] = '\0';
	svc_audit(b, "login", name, "ok", local ? "at the bench" : "remote");
	*view = json_pack("{s:s, s:s, s:s?}", "name", u.name, "role", role_name(u.role), "code",
			  u.code[0] ? u.code : NULL);
	return *view ? SVC_OK : svc_fail(b, SVC_EIO, "out of memory");
}

/* The session could not be read or kept (a locked database, a read-only disk): that is
 * what svc_actor() says, not that nobody is signed in. */
static enum svc_err session_store_fail(struct bench *b, enum store_err err, const char *what)
{
	b->auth_err = svc_store_fail(b, err, what);
	snprintf(b->auth_why, sizeof(b->auth_why), "%s", b->why);
	return b->auth_err;
}

enum svc_err svc_session_resume(struct bench *b, const char *token)
{
	if (b->remote)
		return svc_remote_resume(b, token);
	struct store_session s;
	struct store_user u = { 0 };
	char th[65];
	long long now = clock_wall_ms();
	enum store_err err;

	b->signed_in = 0;
	b->auth_why[0] = '\0';
	b->auth_err = SVC_EAUTH;
	if (!b->st)
		return svc_fail(b, SVC_ENODATA, "no database");
	if (!token || strlen(token) != 2 * SECRET_TOKEN_BYTES) {
		snprintf(b->auth_why, sizeof(b->auth_why),
			 "your session is not valid: sign in again (atelier login NAME)");
		return svc_fail(b, SVC_EAUTH, "%s", b->auth_why);
	}
	secret_token_hash(token, th);
	err = store_session_find(b->st, th, &s);
	if (err && err != STORE_ENOENT)
		return session_store_fail(b, err, "read your session");
	if (err == STORE_ENOENT) {
		snprintf(b->auth_why, sizeof(b->auth_why),
			 "your session is not known here: sign in again (atelier login NAME)");
		return svc_fail(b, SVC_EAUTH, "%s", b->auth_why);
	}
	err = store_user_get(b->st, s.user_id, &u);
	if (err && err != STORE_ENOENT)
		return session_store_fail(b, err, "read your account");
	if (err || !u.active) {
		snprintf(b->auth_why, sizeof(b->auth_why),
			 "%s's account is disabled: its session has ended", u.name);
		if (!s.ended_ms && store_session_end(b->st, s.id, now) != STORE_OK)
			log_msg(LOG_WARN, "session: cannot end session %lld", s.id);
		return svc_fail(b, SVC_EAUTH, "%s", b->auth_why);
	}
	if (s.ended_ms) {
		snprintf(b->auth_why, sizeof(b->auth_why),
			 "%s's session has ended: sign in again (atelier login %s)", u.name,
			 u.name);
		return svc_fail(b, SVC_EAUTH, "%s", b->auth_why);
	}
	if (now - s.last_used_ms > SVC_IDLE_MS) {
		snprintf(b->auth_why, sizeof(b->auth_why),
			 "%s's session is over after %lld minutes unused: sign in again "
			 "(atelier login %s)",
			 u.name, SVC_IDLE_MS / 60000, u.name);
		if (store_session_end(b->st, s.id, now) != STORE_OK)
			log_msg(LOG_WARN, "session: cannot end session %lld", s.id);
		svc_audit(b, "logout", u.name, "idle", "the session was unused for too long");
		return svc_fail(b, SVC_EAUTH, "%s", b->auth_why);
	}
	/* Its last use is written at most once a minute: a session's 30 minutes are kept to
	 * the minute, and reading a page does not wait for the database's write lock. */
	b->me = u;
	b->signed_in = 1;
	b->me_fresh = 1;
	b->me_changes = store_changes(b->st);
	b->session_id = s.id;
	if (now - s.last_used_ms >= SVC_TOUCH_MS) {
		b->touch_due = 1;
		if (!b->defer_touch)
			return svc_session_touch(b);
	}
	return SVC_OK;
}

void svc_defer_touch(struct bench *b)
{
	b->defer_touch = 1;
}

int svc_touch_due(const struct bench *b)
{
	return b->touch_due;
}

enum svc_err svc_session_touch(struct bench *b)
{
	enum store_err err;

	if (!b->touch_due || !b->signed_in)
		return SVC_OK;
	err = store_session_touch(b->st, b->session_id, clock_wall_ms());
	if (err) {
		b->signed_in = 0;
		return session_store_fail(b, err, "keep your session");
	}
	b->touch_due = 0;
	return SVC_OK;
}

void svc_session_adopt(struct bench *to, const struct bench *from)
{
	to->me = from->me;
	to->signed_in = from->signed_in;
	/* Read on another connection, before the changes TO made meanwhile (an admin's, made
	 * on the server's writer, say): TO's first svc_actor() reads it again. */
	to->me_fresh = 0;
	to->session_id = from->session_id;
	to->touch_due = from->touch_due;
	snprintf(to->auth_why, sizeof(to->auth_why), "%s", from->auth_why);
	to->auth_err = from->auth_err;
}

enum svc_err svc_logout(struct bench *b, json_t **view)
{
	if (b->remote)
		return svc_remote_call(b, "POST", "/api/logout", json_object(), view);
	enum store_err err;

	*view = NULL;
	if (!b->signed_in)
		return svc_fail(b, SVC_EAUTH, "%s",
				b->auth_why[0] ? b->auth_why : "nobody is signed in");
	err = store_session_end(b->st, b->session_id, clock_wall_ms());
	if (err)
		return svc_store_fail(b, err, "end the session");
	svc_audit(b, "logout", b->me.name, "ok", "");
	b->signed_in = 0;
	*view = json_pack("{s:s}", "name", b->me.name);
	return *view ? SVC_OK : svc_fail(b, SVC_EIO, "out of memory");
}

enum svc_err svc_whoami(struct bench *b, json_t **view)
{
	if (b->remote) {
		enum svc_err e = svc_remote_call(b, "GET", "/api/me", NULL, view);

		json_object_del(*view, "csrf");
		return e;
	}
	char lang[16];

	*view = NULL;
	if (!b->signed_in)
		return svc_fail(b, SVC_EAUTH, "%s",
				b->auth_why[0] ? b->auth_why
					       : "nobody is signed in: atelier login NAME");
	if (store_user_lang(b->st, b->me.id, lang, sizeof(lang)) != STORE_OK)
		lang[0] = '\0'; /* a preference: its absence is not an error */
	*view = json_pack("{s:s, s:s, s:s?, s:s?}", "name", b->me.name, "role",
			  role_name(b->me.role), "code", b->me.code[0] ? b->me.code : NULL, "lang",
			  lang[0] ? lang : NULL);
	return *view ? SVC_OK : svc_fail(b, SVC_EIO, "out of memory");
}

/* A language tag as the screen uses them: 2 or 3 lower-case letters, maybe "-" and a
 * region ("fr", "nl", "ar", "pt-br"). */
static int lang_ok(const char *lang)
{
	size_t n = strspn(lang, "abcdefghijklmnopqrstuvwxyz");

	if (n < 2 || n > 3)
		return 0;
	if (lang[n] == '\0')
		return 1;
	return lang[n] == '-' && strlen(lang + n + 1) >= 2 && strlen(lang + n + 1) <= 4 &&
	       strspn(lang + n + 1, "abcdefghijklmnopqrstuvwxyz") == strlen(lang + n + 1);
}

enum svc_err svc_set_lang(struct bench *b, const char *lang, json_t **view)
{
	if (b->remote)
		return svc_remote_call(b, "POST", "/api/me/lang", json_pack("{s:s?}", "lang", lang), view);
	struct store_user me;
	enum store_err serr;
	enum svc_err err;

	*view = NULL;
	if (!lang || !lang_ok(lang))
		return svc_fail(b, SVC_EINVAL,
				"a language is a code of 2 or 3 small letters (fr, nl, en, ar), "
				"not '%s'",
				lang ? lang : "");
	err = svc_actor(b, NULL, &me);
	if (err)
		return err;
	serr = store_user_set_lang(b->st, me.id, lang);
	if (serr)
		return svc_store_fail(b, serr, "keep the language");
	return svc_whoami(b, view);
}

enum svc_err svc_actor_as(struct bench *b, const char *opt, const char *claimed,
			  struct store_user *out)
{
	memset(out, 0, sizeof(*out));
	if (!b->signed_in) {
		enum svc_err e = b->auth_why[0] && b->auth_err ? b->auth_err : SVC_EAUTH;

		svc_fail(b, e, "%s",
			 b->auth_why[0] ? b->auth_why : "nobody is signed in: atelier login NAME");
		if (e == SVC_EAUTH && !b->reading)
			svc_audit(b, "refused", claimed ? claimed : "", "no-session", b->why);
		return e;
	}
	/* The account as it is now: a server's context lives longer than one command. A
	 * failed read (the workshop server out of reach) says so, and signs nobody out. Read
	 * once a request on a connection, and again after a change made on it since: a
	 * route's check of the role and its handler ask for the same person, on the server's
	 * writer at every step. */
	if (!b->me_fresh || !b->st || b->me_changes != store_changes(b->st)) {
		struct store_user now;
		enum store_err err = store_user_get(b->st, b->me.id, &now);

		if (err && err != STORE_ENOENT)
			return svc_store_fail(b, err, "read who is signed in");
		if (!err) {
			b->me = now;
			b->me_fresh = 1;
			b->me_changes = store_changes(b->st);
		} else {
			b->me.active = 0; /* removed: as disabled */
		}
	}
	if (!b->me.active) {
		b->signed_in = 0;
		snprintf(b->auth_why, sizeof(b->auth_why),
			 "%s's account is disabled: its session has ended", b->me.name);
		svc_fail(b, SVC_EAUTH, "%s", b->auth_why);
		svc_audit(b, "refused", claimed ? claimed : "", "no-session", b->why);
		return SVC_EAUTH;
	}
	if (claimed && strcmp(claimed, b->me.name) != 0) {
		svc_fail(b, SVC_EDENIED, "%s %s does not match the person signed in (%s)", opt,
			 claimed, b->me.name);
		svc_audit(b, "refused", claimed, "refused", b->why);
		return SVC_EDENIED;
	}
	*out = b->me;
	return SVC_OK;
}

enum svc_err svc_actor(struct bench *b, const char *claimed_by, struct store_user *out)
{
	return svc_actor_as(b, "--by", claimed_by, out);
}

enum svc_err svc_audit_list(struct bench *b, long long limit, json_t **view)
{
	if (b->remote) {
		char n[24];
		const char *name = "limit", *value = n;

		snprintf(n, sizeof(n), "%lld", limit);
		return svc_remote_get(b, "/api/audit", &name, &value, 1, view);
	}
	struct store_audit *a = NULL;
	struct store_user me;
	size_t n = 0;
	enum store_err err;
	enum svc_err rc;

	*view = NULL;
	if (limit < 1 || limit > AUDIT_LIMIT_MAX)
		return svc_fail(b, SVC_EINVAL, "--limit is 1 to %d", AUDIT_LIMIT_MAX);
	rc = svc_actor(b, NULL, &me);
	if (rc)
		return rc;
	if (!svc_may(b, &me, SVC_READ_AUDIT, NULL))
		return SVC_EDENIED;
	err = store_audit_list(b->st, limit, &a, &n);
	if (err)
		return svc_store_fail(b, err, "read the audit log");
	*view = json_array();
	for (size_t i = 0; *view && i < n; i++)
		json_array_append_new(*view, json_pack("{s:I, s:s, s:s, s:s, s:s, s:s}", "t_ms",
						       (json_int_t)a[i].t_ms, "actor", a[i].actor,
						       "action", a[i].action, "subject",
						       a[i].subject, "outcome", a[i].outcome,
						       "detail", a[i].detail));
	free(a);
	return *view ? SVC_OK : svc_fail(b, SVC_EIO, "out of memory");
}
