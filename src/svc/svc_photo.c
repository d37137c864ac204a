/* Photos an instructor attaches to a checklist's step: the bytes in DATA/photos/ under
 * their SHA-256, a row per step in the store. */
#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "checklist/checklist.h"
#include "svc/svc_int.h"
#include "util/clock.h"
#include "util/file.h"

/* The type of a photo by its first bytes: JPEG (FF D8 FF) or PNG (its 8-byte signature);
 * NULL for anything else. */
static const char *photo_type(const unsigned char *p, size_t len, const char **ext)
{
	static const unsigned char png[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };

	if (len >= 3 && p[0] == 0xff && p[1] == 0xd8 && p[2] == 0xff) {
		*ext = "jpg";
		return "image/jpeg";
	}
	if (len >= sizeof(png) && memcmp(p, png, sizeof(png)) == 0) {
		*ext = "png";
		return "image/png";
	}
	return NULL;
}

static int hex64(const char *s)
{
	return s && strlen(s) == 64 && strspn(s, "0123456789abcdef") == 64;
}

static void photo_path(struct bench *b, const char *sha256, const char *ext, char *out,
		       size_t size)
{
	snprintf(out, size, "%s/photos/%s.%s", svc_dir(b), sha256, ext);
}

enum svc_err svc_photo_add(struct bench *b, const char *checklist, const char *step,
			   const void *bytes, size_t len, json_t **view)
{
	const struct checklist *c;
	struct store_photo p = { 0 };
	struct store_user who;
	unsigned char digest[crypto_hash_sha256_BYTES];
	char dir[4096], path[4200], cause[512];
	const char *type, *ext = NULL;
	enum store_err serr;
	enum file_err ferr;
	enum svc_err err;
	int found = 0;

	*view = NULL;
	err = svc_actor(b, NULL, &who);
	if (err)
		return err;
	if (!svc_may(b, &who, SVC_ADD_PHOTO, NULL))
		return SVC_EDENIED;
	err = svc_checklist_find(b, checklist, &c);
	if (err)
		return err;
	for (size_t i = 0; i < c->n_steps && !found; i++)
		found = strcmp(c->steps[i].id, step) == 0;
	if (!found)
		return svc_fail(b, SVC_ENOENT, "checklist %s has no step '%s'", c->id, step);
	if (len == 0 || len > SVC_PHOTO_MAX)
		return svc_fail(b, SVC_EINVAL, "a photo is 1 byte to %d MiB, not %zu bytes",
				SVC_PHOTO_MAX / (1024 * 1024), len);
	type = photo_type(bytes, len, &ext);
	if (!type)
		return svc_fail(b, SVC_EINVAL, "a photo must be a JPEG or a PNG file");
	crypto_hash_sha256(digest, bytes, len);
	sodium_bin2hex(p.sha256, sizeof(p.sha256), digest, sizeof(digest));
	snprintf(dir, sizeof(dir), "%s/photos", svc_dir(b));
	if (mkdir(dir, 0700) != 0 && errno != EEXIST)
		return svc_fail(b, SVC_EIO, "cannot make %s: %s", dir,
				file_errno_text(errno, dir, cause, sizeof(cause)));
	photo_path(b, p.sha256, ext, path, sizeof(path));
	/* The same bytes are the same file: kept once, whichever step shows it. */
	ferr = file_write(path, bytes, len, 0600, 0);
	if (ferr != FILE_OK && ferr != FILE_EEXIST)
		return svc_fail(b, SVC_EIO, "cannot keep the photo in %s: %s", path,
				ferr == FILE_ENOTREG
				    ? "something that is not a file is there"
				    : file_errno_text(errno, path, cause, sizeof(cause)));
	snprintf(p.checklist_id, sizeof(p.checklist_id), "%s", c->id);
	snprintf(p.step_id, sizeof(p.step_id), "%s", step);
	snprintf(p.type, sizeof(p.type), "%s", type);
	p.t_ms = clock_wall_ms();
	serr = store_photo_add(b->st, &p, who.id);
	if (serr && serr != STORE_EEXIST)
		return svc_store_fail(b, serr, "record the photo");
	svc_audit(b, "photo-added", c->id, "ok", p.sha256);
	*view = json_pack("{s:s, s:s, s:s, s:s, s:b}", "checklist", c->id, "step", step, "sha256",
			  p.sha256, "type", type, "already", serr == STORE_EEXIST);
	return *view ? SVC_OK : svc_fail(b, SVC_EIO, "out of memory");
}

enum svc_err svc_photo_list(struct bench *b, const char *checklist, json_t **view)
{
	const struct checklist *c;
	struct store_photo *ps = NULL;
	enum store_err serr;
	enum svc_err err;
	size_t n = 0;

	*view = NULL;
	err = svc_checklist_find(b, checklist, &c);
	if (err)
		return err;
	serr = store_photo_list(b->st, c->id, &ps, &n);
	if (serr)
		return svc_store_fail(b, serr, "read the photos");
	*view = json_array();
	for (size_t i = 0; *view && i < n; i++)
		json_array_append_new(*view, json_pack("{s:s, s:s, s:s, s:s, s:I}", "step",
						       ps[i].step_id, "sha256", ps[i].sha256,
						       "type", ps[i].type, "by", ps[i].by, "t_ms",
						       (json_int_t)ps[i].t_ms));
	free(ps);
	return *view ? SVC_OK : svc_fail(b, SVC_EIO, "out of memory");
}

enum svc_err svc_photo_get(struct bench *b, const char *sha256, char **bytes, size_t *len,
			   const char **type)
{
	char t[16], path[4200];
	enum store_err serr;
	enum file_err ferr;

	*bytes = NULL;
	*len = 0;
	if (!hex64(sha256))
		return svc_fail(b, SVC_EINVAL, "a photo is named by 64 hex digits");
	serr = store_photo_type(b->st, sha256, t, sizeof(t));
	if (serr == STORE_ENOENT)
		return svc_fail(b, SVC_ENOENT, "no step has the photo %s", sha256);
	if (serr)
		return svc_store_fail(b, serr, "read the photos");
	*type = strcmp(t, "image/png") == 0 ? "image/png" : "image/jpeg";
	photo_path(b, sha256, strcmp(t, "image/png") == 0 ? "png" : "jpg", path, sizeof(path));
	*bytes = file_read(path, SVC_PHOTO_MAX, len, &ferr);
	if (!*bytes)
		return svc_fail(b, SVC_EIO, "the photo %s is recorded but its file cannot be "
					    "read: %s",
				path, ferr == FILE_EIO ? strerror(errno) : "too big");
	return SVC_OK;
}
