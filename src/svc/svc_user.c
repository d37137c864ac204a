/* The workshop's accounts. See svc.h. */
#include "svc/svc_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/clock.h"
#include "util/log.h"
#include "util/secret.h"
#include "util/text.h"

#define USER_NAME_MAX 63

/* Letters, digits, '.', '-', '_'; 1 to USER_NAME_MAX of them, starting with a letter or
 * a digit (a name that starts with '-' would read as an option on a command line). */
static int valid_name(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > USER_NAME_MAX || s[0] == '-' || s[0] == '.' || s[0] == '_')
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '.' || c == '-' || c == '_'))
			return 0;
	}
	return 1;
}

/* A code: what public documents call a person (docs/privacy.md). The same characters as
 * a name, 1 to SVC_CODE_MAX of them. */
static int valid_code(const char *s)
{
	return strlen(s) <= SVC_CODE_MAX && valid_name(s);
}

static json_t *user_json(struct bench *b, const struct store_user *u)
{
	char hash[SECRET_HASH_MAX];
	int has = store_user_secret(b->st, u->id, hash, sizeof(hash)) == STORE_OK;

	secret_wipe(hash, sizeof(hash));
	return json_pack("{s:s?, s:s?, s:s, s:b, s:b, s:b}", "name",
			 u->erased_ms ? NULL : u->name, "code", u->code[0] ? u->code : NULL,
			 "role", role_name(u->role), "active", u->active, "has_secret", has,
			 "erased", u->erased_ms != 0);
}

/* The view of a refusal, for a screen to say in the person's language beside the field
 * at fault: {field, reason}, REASON a word (svc.h lists them). VIEW may be NULL. */
static enum svc_err refuse(json_t **view, enum svc_err rc, const char *field, const char *reason)
{
	if (view) {
		json_decref(*view);
		*view = json_pack("{s:s, s:s}", "field", field, "reason", reason);
	}
	return rc;
}

/* CODE may be given to account SELF (0: a new one): well formed, nobody else's code and
 * nobody's name; a refusal's view into *WHY_VIEW (may be NULL). */
static enum svc_err code_free(struct bench *b, const char *code, long long self,
			      json_t **why_view)
{
	struct store_user other;
	enum store_err err;

	if (!valid_code(code))
		return refuse(why_view,
			      svc_fail(b, SVC_EINVAL,
				       "'%s' is not a code: use 1 to %d letters, digits, '.', '-' or "
				       "'_', starting with a letter or a digit (T-014, for example)",
				       code, SVC_CODE_MAX),
			      "code", "not-a-code");
	err = store_user_find_code(b->st, code, &other);
	if (err == STORE_OK && other.id != self)
		return refuse(why_view,
			      svc_fail(b, SVC_ESTATE, "the code '%s' is taken by another account: "
						      "choose another",
				       code),
			      "code", "taken");
	if (err && err != STORE_ENOENT)
		return svc_store_fail(b, err, "read the codes");
	err = store_user_find(b->st, code, &other);
	if (err == STORE_OK)
		return refuse(why_view,
			      svc_fail(b, SVC_EINVAL, "'%s' is the name of an account: a code "
						      "stands for a name, it is never one",
				       code),
			      "code", "a-name");
	if (err && err != STORE_ENOENT)
		return svc_store_fail(b, err, "read the users");
	return SVC_OK;
}

/* A trainee without a code gets "T-" and her id (three digits at least), as the
 * migration to schema 11 gave the trainees already there; "T-014-2"... when the
 * workshop took that one for someone else. */
static enum svc_err give_code(struct bench *b, long long id)
{
	char code[STORE_CODE_MAX];
	enum store_err err = STORE_EEXIST;

	for (int i = 1; i < 10 && err == STORE_EEXIST; i++) {
		if (i == 1)
			snprintf(code, sizeof(code), "T-%03lld", id);
		else
			snprintf(code, sizeof(code), "T-%03lld-%d", id, i);
		err = code_free(b, code, id, NULL) == SVC_OK ? store_user_set_code(b->st, id, code)
							     : STORE_EEXIST;
	}
	if (err)
		return svc_store_fail(b, err, "give the trainee a code");
	return SVC_OK;
}

/* The word of a refused secret, for refuse(). */
static const char *secret_word(enum secret_err e)
{
	switch (e) {
	case SECRET_EMPTY:
		return "empty";
	case SECRET_ETOOLONG:
		return "too-long";
	case SECRET_ECTRL:
		return "control-character";
	case SECRET_ESHORT:
		return "too-short";
	case SECRET_ENOTPIN:
		return "not-a-pin";
	default:
		return "refused";
	}
}

/* SECRET as the new secret of an account with ROLE, hashed into HASH; a refusal's view
 * into *WHY_VIEW (may be NULL). */
static enum svc_err new_secret(struct bench *b, const char *name, enum role role,
			       const char *secret, char *hash, size_t size, json_t **why_view)
{
	int pin = role == ROLE_TRAINEE;
	enum secret_err e = secret_check(secret ? secret : "", pin);

	if (e)
		return refuse(why_view,
			      svc_fail(b, SVC_EINVAL, "%s's %s is refused: %s", name,
				       pin ? "PIN" : "password", secret_strerror(e)),
			      "secret", secret_word(e));
	if (secret_hash(secret, hash, size) != SECRET_OK)
		return svc_fail(b, SVC_EIO, "cannot hash the secret: out of memory");
	return SVC_OK;
}

enum svc_err svc_names_like(struct bench *b, const char *name, char other[64], size_t *n)
{
	char want[128], have[128];
	struct store_user *all = NULL;
	size_t count = 0;
	enum store_err err;

	other[0] = '\0';
	*n = 0;
	if (text_fold_name(name, want, sizeof(want)) == 0)
		return SVC_OK;
	err = store_user_list(b->st, &all, &count);
	if (err)
		return svc_store_fail(b, err, "read the users");
	for (size_t i = 0; i < count; i++) {
		if (strcmp(all[i].name, name) == 0)
			continue;
		text_fold_name(all[i].name, have, sizeof(have));
		if (strcmp(have, want) == 0) {
			snprintf(other, 64, "%s", all[i].name);
			++*n;
		}
	}
	free(all);
	return SVC_OK;
}

/* svc_user_create(), with the view of a refusal into *WHY_VIEW (may be NULL). */
static enum svc_err create(struct bench *b, const char *name, enum role role, const char *secret,
			   const char *code, long long *id, json_t **why_view)
{
	char hash[SECRET_HASH_MAX], like[64];
	size_t n_like = 0;
	struct store_user other;
	long long uid = 0;
	enum store_err err;
	enum svc_err rc;

	if (!valid_name(name))
		return refuse(why_view,
			      svc_fail(b, SVC_EINVAL,
				       "'%s' is not a name: use 1 to %d letters, digits, '.', '-' "
				       "or '_', starting with a letter or a digit",
				       name, USER_NAME_MAX),
			      "name", "not-a-name");
	err = store_user_find_code(b->st, name, &other);
	if (err == STORE_OK)
		return refuse(why_view,
			      svc_fail(b, SVC_EINVAL, "'%s' is the code of an account: a name is "
						      "never a code",
				       name),
			      "name", "a-code");
	if (err && err != STORE_ENOENT)
		return svc_store_fail(b, err, "read the codes");
	if (code && (rc = code_free(b, code, 0, why_view)) != SVC_OK)
		return rc;
	/* A person signs in with her name as she writes it (svc_login()): two accounts
	 * whose names she writes alike could not be told apart. */
	rc = svc_names_like(b, name, like, &n_like);
	if (rc)
		return rc;
	if (n_like)
		return refuse(why_view,
			      svc_fail(b, SVC_ESTATE,
				       "'%s' is too close to the account '%s': a sign-in does not "
				       "count capitals, accents, spaces, '.', '-' or '_', and could "
				       "not tell them apart",
				       name, like),
			      "name", "taken");
	rc = new_secret(b, name, role, secret, hash, sizeof(hash), why_view);
	if (rc)
		return rc;
	err = store_user_add(b->st, name, role, code, clock_wall_ms(), &uid);
	if (err == STORE_EEXIST) {
		secret_wipe(hash, sizeof(hash));
		return refuse(why_view, svc_fail(b, SVC_ESTATE, "'%s' already exists", name),
			      "name", "taken");
	}
	if (!err)
		err = store_user_set_secret(b->st, uid, hash);
	secret_wipe(hash, sizeof(hash));
	if (err)
		return svc_store_fail(b, err, "add the user");
	if (!code && role == ROLE_TRAINEE && (rc = give_code(b, uid)) != SVC_OK)
		return rc;
	if (id)
		*id = uid;
	return SVC_OK;
}

enum svc_err svc_user_create(struct bench *b, const char *name, enum role role,
			     const char *secret, const char *code, long long *id)
{
	return create(b, name, role, secret, code, id, NULL);
}

/* The signed-in admin, into *ME; refusals as svc_actor() and svc_may() give them. */
static enum svc_err admin(struct bench *b, struct store_user *me)
{
	enum svc_err rc = svc_actor(b, NULL, me);

	if (rc)
		return rc;
	return svc_may(b, me, SVC_MANAGE_USERS, NULL) ? SVC_OK : SVC_EDENIED;
}

/* User NAME into *U, in the words a person reads (a refusal's view into *VIEW); an
 * erased account (its name is gone) is refused: nothing changes it any more. */
static enum svc_err find(struct bench *b, const char *name, struct store_user *u, json_t **view)
{
	enum store_err err = store_user_find(b->st, name, u);

	if (err == STORE_ENOENT)
		return refuse(view,
			      svc_fail(b, SVC_ENOENT, "no user '%s' (atelier user list)", name),
			      "name", "unknown");
	if (err)
		return svc_store_fail(b, err, "read the users");
	if (u->erased_ms)
		return refuse(view,
			      svc_fail(b, SVC_ESTATE, "account %s was erased: it stays as it is, "
						      "under its code, for its records",
				       u->code[0] ? u->code : name),
			      "name", "erased");
	return SVC_OK;
}

enum svc_err svc_user_add(struct bench *b, const char *name, const char *role_word,
			  const char *secret, const char *code, json_t **view)
{
	struct store_user me, u = { 0 };
	enum svc_err rc;
	enum role role;

	*view = NULL;
	rc = admin(b, &me);
	if (rc)
		return rc;
	if (!role_word || !role_parse(role_word, &role))
		return refuse(view,
			      svc_fail(b, SVC_EINVAL, "role '%s' is not trainee, instructor or admin",
				       role_word ? role_word : ""),
			      "role", "not-a-role");
	rc = create(b, name, role, secret, code, &u.id, view);
	if (rc)
		return rc;
	if (store_user_get(b->st, u.id, &u) != STORE_OK)
		return svc_store_fail(b, STORE_EINTERNAL, "read the user again");
	svc_audit(b, "user-add", name, "ok", role_name(role));
	*view = user_json(b, &u);
	return SVC_OK;
}

enum svc_err svc_user_list(struct bench *b, json_t **view)
{
	struct store_user *users = NULL;
	size_t n = 0;
	enum store_err err = store_user_list(b->st, &users, &n);

	*view = NULL;
	if (err)
		return svc_store_fail(b, err, "list the users");
	*view = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(*view, user_json(b, &users[i]));
	free(users);
	return SVC_OK;
}

enum svc_err svc_user_accounts(struct bench *b, json_t **view)
{
	struct store_user me, *users = NULL;
	enum store_err err;
	enum svc_err rc;
	size_t n = 0;

	*view = NULL;
	rc = admin(b, &me);
	if (rc)
		return rc;
	err = store_user_list(b->st, &users, &n);
	*view = err ? NULL : json_array();
	for (size_t i = 0; !err && i < n; i++) {
		json_t *u = user_json(b, &users[i]);
		long long t = 0;

		err = store_user_last_signin(b->st, users[i].id, &t);
		json_object_set_new(u, "last_signin_ms", t ? json_integer(t) : json_null());
		json_array_append_new(*view, u);
	}
	free(users);
	if (err) {
		json_decref(*view);
		*view = NULL;
		return svc_store_fail(b, err, "list the accounts");
	}
	return SVC_OK;
}

enum svc_err svc_user_set_active(struct bench *b, const char *name, int active, json_t **view)
{
	struct store_user me, u;
	enum store_err err;
	enum svc_err rc;

	*view = NULL;
	rc = admin(b, &me);
	if (!rc)
		rc = find(b, name, &u, view);
	if (rc)
		return rc;
	/* So there is always an admin left: the one who acts keeps her account and role. */
	if (!active && u.id == me.id)
		return refuse(view,
			      svc_fail(b, SVC_EDENIED, "an admin does not disable her own account: "
						       "another admin does"),
			      "name", "own-account");
	err = store_user_set_active(b->st, name, active);
	if (!err && !active)
		err = store_session_end_user(b->st, u.id, clock_wall_ms());
	if (err)
		return svc_store_fail(b, err, "change the user");
	svc_audit(b, active ? "user-enable" : "user-disable", name, "ok",
		  active ? "" : "its sessions ended");
	if (store_user_find(b->st, name, &u) != STORE_OK)
		return svc_store_fail(b, STORE_EINTERNAL, "read the user again");
	*view = user_json(b, &u);
	return SVC_OK;
}

enum svc_err svc_user_set_role(struct bench *b, const char *name, const char *role_word,
			       json_t **view)
{
	struct store_user me, u;
	char detail[64];
	enum store_err err;
	enum svc_err rc;
	enum role role;

	*view = NULL;
	rc = admin(b, &me);
	if (!rc)
		rc = find(b, name, &u, view);
	if (rc)
		return rc;
	if (!role_word || !role_parse(role_word, &role))
		return refuse(view,
			      svc_fail(b, SVC_EINVAL, "role '%s' is not trainee, instructor or admin",
				       role_word ? role_word : ""),
			      "role", "not-a-role");
	if (u.id == me.id && role != ROLE_ADMIN)
		return refuse(view,
			      svc_fail(b, SVC_EDENIED, "an admin does not take her own role away: "
						       "another admin does"),
			      "role", "own-account");
	err = store_user_set_role(b->st, name, role);
	/* A PIN is no password and a password no PIN: crossing over, the secret goes and an
	 * admin sets one of the new kind (user set-secret); the sessions end. */
	if (!err && (role == ROLE_TRAINEE) != (u.role == ROLE_TRAINEE))
		err = store_user_set_secret(b->st, u.id, NULL);
	if (!err && role != u.role)
		err = store_session_end_user(b->st, u.id, clock_wall_ms());
	if (err)
		return svc_store_fail(b, err, "change the role");
	/* A trainee is never named on a certificate: she needs a code. */
	if (role == ROLE_TRAINEE && !u.code[0] && (rc = give_code(b, u.id)) != SVC_OK)
		return rc;
	snprintf(detail, sizeof(detail), "%s -> %s", role_name(u.role), role_name(role));
	svc_audit(b, "user-set-role", name, "ok", detail);
	if (store_user_get(b->st, u.id, &u) != STORE_OK)
		return svc_store_fail(b, STORE_EINTERNAL, "read the user again");
	*view = user_json(b, &u);
	return SVC_OK;
}

enum svc_err svc_user_set_code(struct bench *b, const char *name, const char *code,
			       json_t **view)
{
	struct store_user me, u;
	char detail[64];
	enum store_err err;
	enum svc_err rc;

	*view = NULL;
	rc = admin(b, &me);
	if (!rc)
		rc = find(b, name, &u, view);
	if (!rc)
		rc = code_free(b, code ? code : "", u.id, view);
	if (rc)
		return rc;
	err = store_user_set_code(b->st, u.id, code);
	if (err == STORE_EEXIST)
		return svc_fail(b, SVC_ESTATE, "the code '%s' is taken by another account: choose "
					       "another",
				code);
	if (err)
		return svc_store_fail(b, err, "set the code");
	snprintf(detail, sizeof(detail), "%s -> %s", u.code[0] ? u.code : "(none)", code);
	svc_audit(b, "user-set-code", name, "ok", detail);
	snprintf(u.code, sizeof(u.code), "%s", code);
	*view = user_json(b, &u);
	return SVC_OK;
}

enum svc_err svc_user_set_secret(struct bench *b, const char *name, const char *old,
				 const char *secret, json_t **view)
{
	char hash[SECRET_HASH_MAX];
	struct store_user me, u;
	enum store_err err;
	enum svc_err rc;
	int own;

	*view = NULL;
	rc = svc_actor(b, NULL, &me);
	if (!rc)
		rc = find(b, name, &u, view);
	if (rc)
		return rc;
	own = u.id == me.id;
	if (own) {
		long long now = clock_wall_ms(), wrong = 0, oldest = 0;

		/* A session left open does not give the account away: the old secret, tried
		 * no more often than at the sign-in (a wrong one counts there too). */
		err = store_attempt_failures(b->st, name, now - SVC_LOCK_MS, &wrong, &oldest);
		if (err)
			return svc_store_fail(b, err, "read the sign-in attempts");
		if (wrong >= SVC_LOCK_TRIES) {
			long long left = (oldest + SVC_LOCK_MS - now + 59999) / 60000;

			svc_audit(b, "user-set-secret", name, "refused", "too many wrong attempts");
			return refuse(view,
				      svc_fail(b, SVC_EDENIED,
					       "too many wrong attempts for %s: wait %lld minute%s or "
					       "ask an admin",
					       name, left < 1 ? 1 : left, left > 1 ? "s" : ""),
				      "old", "locked");
		}
		err = store_user_secret(b->st, u.id, hash, sizeof(hash));
		if (err && err != STORE_ENOENT)
			return svc_store_fail(b, err, "read the account");
		if (!old || !secret_verify(hash, old)) {
			if (store_attempt_add(b->st, name, "wrong", now) != STORE_OK)
				log_msg(LOG_WARN, "cannot record the wrong attempt for %s: %s", name,
					store_last_error_message());
			svc_audit(b, "user-set-secret", name, "refused", "wrong old secret");
			return refuse(view,
				      svc_fail(b, SVC_EDENIED, "the old secret is not right: to "
							       "change your own, give the one you "
							       "have now"),
				      "old", "wrong");
		}
	} else if (!svc_may(b, &me, SVC_MANAGE_USERS, NULL)) {
		return SVC_EDENIED;
	}
	rc = new_secret(b, name, u.role, secret, hash, sizeof(hash), view);
	if (rc)
		return rc;
	err = store_user_set_secret(b->st, u.id, hash);
	secret_wipe(hash, sizeof(hash));
	/* An admin's new secret lifts a lock-out; one's own change does not need to. */
	if (!err && !own)
		err = store_attempt_add(b->st, name, "cleared", clock_wall_ms());
	if (err)
		return svc_store_fail(b, err, "set the secret");
	svc_audit(b, "user-set-secret", name, "ok", own ? "own secret changed" : "set by an admin");
	*view = user_json(b, &u);
	return SVC_OK;
}
