/*
 * Certificates withdrawn, the signed list of them, and the workshop key's rotation.
 * See svc.h.
 *
 * A certificate is revoked by an instructor (`certificate revoke ID --why`), or by
 * Atelier itself when its device goes back to repair (store_device_set_state()). The
 * revocation is a record of the device's chain. The list of every revocation is signed
 * with the workshop key like a certificate, so that it can be published and checked
 * away from the bench (`verify --revoked LIST`).
 */
#include "svc/svc_int.h"

#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cert/sign.h"
#include "util/clock.h"
#include "util/file.h"
#include "util/log.h"

#define REVOKED_LIST_TYPE "atelier-revocations"
#define REVOKED_LIST_MAX (8u << 20)

enum svc_err svc_cert_revoke(struct bench *b, const char *id, const char *by_name,
			     const char *why, json_t **view)
{
	struct store_certificate rec = { 0 };
	struct store_device_row dev;
	struct store_revocation r;
	struct store_user by;
	char reason[sizeof(r.reason)], when[40];
	enum store_err err;
	enum svc_err rc;
	int moved = 0;

	*view = NULL;
	if (!why || !why[0] || strlen(why) >= sizeof(reason) - 64)
		return svc_fail(b, SVC_EINVAL, "say why the certificate is withdrawn (--why TEXT, "
				"at most %zu bytes)", sizeof(reason) - 65);
	rc = svc_actor(b, by_name, &by);
	if (rc)
		return rc;
	if (!svc_may(b, &by, SVC_REVOKE, NULL))
		return SVC_EDENIED;
	err = store_certificate_get(b->st, id, &rec);
	if (err == STORE_ENOENT)
		return svc_fail(b, SVC_ENOENT, "no certificate %s in this workshop's records "
				"(atelier certificate list)", id);
	if (err)
		return svc_store_fail(b, err, "read the certificates");
	if (store_revocation_get(b->st, id, &r) == STORE_OK) {
		clock_iso8601(r.t_ms, when, sizeof(when));
		rc = svc_fail(b, SVC_ESTATE, "certificate %s was already revoked on %s: %s", id, when,
			      r.reason);
		goto out;
	}
	err = store_device_get(b->st, rec.device_id, &dev);
	if (err) {
		rc = svc_store_fail(b, err, "read the device");
		goto out;
	}
	snprintf(reason, sizeof(reason), "certificate %s revoked: %s", id, why);
	if (dev.state == DEVICE_CERTIFIED) {
		/* The device is no longer ready for reuse: it goes back to repair, and the move
		 * revokes its certificate in the same transaction. */
		err = store_device_set_state(b->st, dev.id, DEVICE_CERTIFIED, DEVICE_IN_REPAIR,
					     by.id, reason, clock_wall_ms());
		moved = 1;
	} else {
		err = store_certificate_revoke(b->st, id, by.id, why, clock_wall_ms());
	}
	if (err == STORE_ESTALE || err == STORE_EEXIST) {
		rc = svc_fail(b, SVC_ESTATE, "certificate %s changed meanwhile: look again "
			      "(atelier certificate show %s)", id, id);
		goto out;
	}
	if (err) {
		rc = svc_store_fail(b, err, "revoke the certificate");
		goto out;
	}
	svc_audit(b, "certificate-revoke", id, "ok", why);
	*view = json_pack("{s:s, s:s, s:s, s:s*}", "id", id, "by", by.name, "why", why,
			  "device_moved_to", moved ? device_state_name(DEVICE_IN_REPAIR) : NULL);
	rc = *view ? SVC_OK : svc_fail(b, SVC_EIO, "out of memory");
out:
	store_certificate_release(&rec);
	return rc;
}

enum svc_err svc_revocation_get(struct bench *b, const char *id, json_t **out)
{
	struct store_revocation r;
	char when[40], name[64];
	enum store_err err;

	*out = NULL;
	if (!b->st)
		return SVC_OK;
	err = store_revocation_get(b->st, id, &r);
	if (err == STORE_ENOENT)
		return SVC_OK;
	if (err)
		return svc_store_fail(b, err, "read the revocations");
	*out = json_pack("{s:s, s:s, s:s}", "revoked_at", clock_iso8601(r.t_ms, when, sizeof(when)),
			 "by", svc_user_name(b, r.by_user, name, sizeof(name)), "why", r.reason);
	return *out ? SVC_OK : svc_fail(b, SVC_EIO, "out of memory");
}

enum svc_err svc_revocation_list(struct bench *b, const char *file, json_t **view)
{
	char *text;
	unsigned char sk[SIGN_SK_BYTES], pk[SIGN_PK_BYTES];
	struct store_revocation *r = NULL;
	const struct policy *policy;
	char why[512], when[40];
	json_t *list = NULL, *items;
	enum store_err err;
	enum svc_err rc;
	size_t n = 0;

	*view = NULL;
	rc = svc_policy(b, &policy);
	if (rc)
		return rc;
	err = store_revocations(b->st, &r, &n);
	if (err)
		return svc_store_fail(b, err, "read the revocations");
	items = json_array();
	for (size_t i = 0; items && i < n; i++)
		json_array_append_new(items, json_pack("{s:s, s:s, s:s}", "id", r[i].certificate_id,
						       "revoked_at",
						       clock_iso8601(r[i].t_ms, when, sizeof(when)),
						       "reason", r[i].reason));
	free(r);
	list = json_pack("{s:s, s:i, s:{s:s}, s:s, s:o}", "type", REVOKED_LIST_TYPE, "version", 1,
			 "workshop", "name", policy->workshop_name, "issued_at",
			 clock_iso8601(clock_wall_ms(), when, sizeof(when)), "revoked", items);
	if (!list)
		return svc_fail(b, SVC_EIO, "out of memory");
	if (sign_key_secret(b->dir, sk, why, sizeof(why)) != SIGN_OK) {
		json_decref(list);
		return svc_fail(b, SVC_ENODATA, "the revocation list cannot be signed: %s", why);
	}
	crypto_sign_ed25519_sk_to_pk(pk, sk);
	if (sign_object(list, sk, pk) != SIGN_OK) {
		sodium_memzero(sk, sizeof(sk));
		json_decref(list);
		return svc_fail(b, SVC_EIO, "the revocation list could not be signed");
	}
	sodium_memzero(sk, sizeof(sk));
	svc_audit(b, "key-use", "revocation list", "ok",
		  "the workshop key signed the list of withdrawn certificates");
	if (file) {
		text = sign_canonical(list);
		if (!text || file_write(file, text, strlen(text), 0644, 1) != FILE_OK) {
			free(text);
			json_decref(list);
			return svc_fail(b, SVC_EIO, "cannot write %s: %s", file, strerror(errno));
		}
		free(text);
	}
	*view = list;
	return SVC_OK;
}

enum svc_err svc_revoked_in_list(struct bench *b, const char *file,
				 const unsigned char pk[SIGN_PK_BYTES], const char *id,
				 json_t **found)
{
	char why[512], *text;
	json_t *list, *items;
	enum file_err fe;
	size_t len = 0;
	const char *type;

	*found = NULL;
	text = file_read(file, REVOKED_LIST_MAX, &len, &fe);
	if (!text)
		return svc_fail(b, SVC_EINVAL, "cannot read the revocation list %s: %s", file,
				fe == FILE_ETOOBIG ? "too large" : strerror(errno));
	list = json_loadb(text, len, JSON_REJECT_DUPLICATES, NULL);
	free(text);
	type = json_string_value(json_object_get(list, "type"));
	if (!list || !type || strcmp(type, REVOKED_LIST_TYPE) != 0) {
		json_decref(list);
		return svc_fail(b, SVC_EINVAL, "%s is not an Atelier revocation list", file);
	}
	if (sign_check(list, pk, why, sizeof(why)) != SIGN_OK) {
		json_decref(list);
		return svc_fail(b, SVC_EINVAL, "the revocation list %s cannot be trusted: %s", file,
				why);
	}
	items = json_object_get(list, "revoked");
	for (size_t i = 0; i < json_array_size(items); i++) {
		json_t *it = json_array_get(items, i);
		const char *rid = json_string_value(json_object_get(it, "id"));

		if (rid && strcmp(rid, id) == 0) {
			*found = json_pack("{s:O?, s:s, s:O?}", "revoked_at",
					   json_object_get(it, "revoked_at"), "by", "the workshop",
					   "why", json_object_get(it, "reason"));
			break;
		}
	}
	json_decref(list);
	return SVC_OK;
}

enum svc_err svc_key_rotate(struct bench *b, const char *by_name, json_t **view)
{
	char old_id[SIGN_KEY_ID_HEX], new_id[SIGN_KEY_ID_HEX], why[512];
	struct store_user by;
	enum svc_err rc;

	*view = NULL;
	rc = svc_actor(b, by_name, &by);
	if (rc)
		return rc;
	if (!svc_may(b, &by, SVC_ROTATE_KEY, NULL))
		return SVC_EDENIED;
	if (sign_key_rotate(b->dir, old_id, new_id, why, sizeof(why)) != SIGN_OK) {
		svc_audit(b, "key-rotate", "workshop key", "failed", why);
		return svc_fail(b, SVC_EIO, "the key was not rotated: %s", why);
	}
	/* This context signed with the old key until now. */
	svc_seal_release(b);
	svc_audit(b, "key-rotate", "workshop key", "ok", new_id);
	/* The benches of a workshop on a server read the new key from there. */
	if (svc_workshop_key_publish(b) != SVC_OK)
		log_msg(LOG_WARN, "the new workshop key is not published: %s", svc_why(b));
	*view = json_pack("{s:s, s:s, s:s}", "retired", old_id, "key_id", new_id, "by", by.name);
	return *view ? SVC_OK : svc_fail(b, SVC_EIO, "out of memory");
}
