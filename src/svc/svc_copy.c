/*
 * atelier db copy: a workshop's records moved to PostgreSQL (or back to a data
 * directory's SQLite file), then checked on the target as `db check` checks them, and
 * every certificate's signature checked again (issue #15, docs/install.md).
 */
#include "svc/svc_int.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cert/certify.h"
#include "cert/sign.h"
#include "util/datadir.h"
#include "util/file.h"

static int is_url(const char *to)
{
	return strncmp(to, "postgresql://", 13) == 0 || strncmp(to, "postgres://", 11) == 0;
}

/* The key files of FROM/keys (and keys/retired) copied into TO/keys, as they are: the
 * copied records are signed with them. 0, or -1 with WHY. */
static int copy_keys(const char *from, const char *to, char *why, size_t size)
{
	static const char *const sub[] = { "keys", "keys/retired" };

	for (size_t k = 0; k < sizeof(sub) / sizeof(sub[0]); k++) {
		char src[PATH_MAX], dst[PATH_MAX];
		struct dirent *e;
		DIR *d;

		if ((size_t)snprintf(src, sizeof(src), "%s/%s", from, sub[k]) >= sizeof(src) ||
		    (size_t)snprintf(dst, sizeof(dst), "%s/%s", to, sub[k]) >= sizeof(dst)) {
			snprintf(why, size, "%s: the path is too long", to);
			return -1;
		}
		d = opendir(src);
		if (!d) {
			if (errno == ENOENT)
				continue;
			snprintf(why, size, "%s: %s", src, strerror(errno));
			return -1;
		}
		if (mkdir(dst, 0700) != 0 && errno != EEXIST) {
			snprintf(why, size, "%s: %s", dst, strerror(errno));
			closedir(d);
			return -1;
		}
		while ((e = readdir(d)) != NULL) {
			char a[PATH_MAX], b[PATH_MAX];
			enum file_err fe;
			size_t len = 0;
			char *data;

			if (e->d_name[0] == '.')
				continue;
			if ((size_t)snprintf(a, sizeof(a), "%s/%s", src, e->d_name) >= sizeof(a) ||
			    (size_t)snprintf(b, sizeof(b), "%s/%s", dst, e->d_name) >= sizeof(b))
				continue;
			if (file_check_regular(a) != FILE_OK)
				continue;
			data = file_read(a, 1 << 20, &len, &fe);
			if (!data) {
				snprintf(why, size, "%s: %s", a, strerror(errno));
				closedir(d);
				return -1;
			}
			/* A key already there (the same data directory) is left as it is. */
			fe = file_write(b, data, len, 0600, 0);
			free(data);
			if (fe != FILE_OK && fe != FILE_EEXIST) {
				snprintf(why, size, "%s: %s", b, strerror(errno));
				closedir(d);
				return -1;
			}
		}
		closedir(d);
	}
	return 0;
}

/* Every certificate of C's records against the key that signed it (KEYS' data
 * directory): *N the number checked; SVC_OK, or the first that fails, said on B. */
static enum svc_err check_certificates(struct bench *b, struct bench *c, size_t *n)
{
	struct store_certificate *certs = NULL;
	enum store_err err = store_certificate_list(c->st, 0, &certs, n);
	enum svc_err rc = SVC_OK;

	if (err)
		return svc_store_fail(b, err, "read the copied certificates");
	for (size_t i = 0; i < *n && !rc; i++) {
		unsigned char pk[SIGN_PK_BYTES];
		char why[512];
		json_t *body = NULL;

		if (certs[i].redacted) /* an erased name taken out: its chain vouches for it */
			continue;
		if (sign_key_public_by_id(c->dir, certs[i].key_id, pk, why, sizeof(why)) != SIGN_OK)
			rc = svc_fail(b, SVC_EREFUSED,
				      "certificate %s of the copy cannot be checked: %s", certs[i].id,
				      why);
		else if (certify_verify_text(certs[i].id, certs[i].body, strlen(certs[i].body), pk,
					     &body, why, sizeof(why)) != 0)
			rc = svc_fail(b, SVC_EREFUSED, "certificate %s does not check out on the copy: %s",
				      certs[i].id, why);
		json_decref(body);
	}
	store_certificates_free(certs, *n);
	return rc;
}

enum svc_err svc_db_copy(struct bench *b, const char *to, json_t **view)
{
	struct store *dst = NULL;
	struct bench *c = NULL;
	json_t *checked = NULL;
	char dir[PATH_MAX], why[PATH_MAX + 256];
	long long rows = 0;
	size_t certs = 0;
	enum store_err err;
	enum svc_err rc;
	int found = 0;

	*view = NULL;
	if (!b->st)
		return svc_fail(b, SVC_ENODATA, "no records to copy");
	if (is_url(to)) {
		snprintf(dir, sizeof(dir), "%s", b->dir); /* the keys stay where they are */
	} else {
		if (datadir_resolve(to, dir, sizeof(dir)) != DATADIR_OK ||
		    datadir_create(dir) != DATADIR_OK)
			return svc_fail(b, SVC_EINVAL,
					"%s is neither a postgresql:// URL nor a folder that can be "
					"made",
					to);
		if (copy_keys(b->dir, dir, why, sizeof(why)) != 0)
			return svc_fail(b, SVC_EIO, "the workshop's keys could not be copied: %s",
					why);
	}
	err = store_open_at(dir, is_url(to) ? to : NULL, 1, &dst, &found);
	if (err == STORE_OK && strcmp(store_path(dst), store_path(b->st)) == 0) {
		store_free(dst);
		return svc_fail(b, SVC_EINVAL, "%s is where the records are already", to);
	}
	if (err)
		return svc_fail(b, err == STORE_EIO ? SVC_EIO : SVC_EINVAL,
				"the copy's database could not be made: %s",
				store_last_error_message());
	err = store_copy(b->st, dst, &rows);
	if (err) {
		rc = svc_fail(b, err == STORE_EEXIST ? SVC_EINVAL : SVC_EIO,
			      "nothing was copied: %s", store_last_error_message());
		store_free(dst);
		return rc;
	}
	/* Checked on the target as it will be used: its records, the keys beside them. */
	rc = svc_open(dir, SVC_OPEN_DIR, &c, why, sizeof(why));
	if (rc) {
		store_free(dst);
		return svc_fail(b, rc, "the copy was made but not checked: %s", why);
	}
	c->st = dst;
	svc_seal_attach(c, 0);
	rc = svc_db_check(c, &checked);
	if (rc)
		rc = svc_fail(b, SVC_EREFUSED, "the copy in %s does not check out: %s",
			      store_path(dst), svc_why(c));
	if (!rc)
		rc = check_certificates(b, c, &certs);
	if (!rc)
		*view = json_pack("{s:s, s:s, s:I, s:O, s:I}", "from", store_path(b->st), "to",
				  store_path(dst), "rows", (json_int_t)rows, "chains",
				  json_object_get(checked, "chains"), "certificates",
				  (json_int_t)certs);
	json_decref(checked);
	svc_close(c); /* closes DST */
	return rc;
}
