#include "usb/usbids.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/log.h"

struct vendor_entry {
	uint16_t id;
	uint32_t name_off; /* offset of the name in text */
	uint32_t name_len;
	uint32_t body_off; /* first product line */
	uint32_t body_end; /* end of this vendor's block */
};

struct usbids {
	char *text;
	size_t len;
	struct vendor_entry *vendors;
	unsigned n_vendors;
};

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Parse 4 hex digits followed by two spaces at P (bounded by END). */
static int parse_id(const char *p, const char *end, uint16_t *id)
{
	unsigned v = 0;

	if (end - p < 6)
		return 0;
	for (int i = 0; i < 4; i++) {
		int h = hexval(p[i]);

		if (h < 0)
			return 0;
		v = v << 4 | (unsigned)h;
	}
	if (p[4] != ' ' || p[5] != ' ')
		return 0;
	*id = (uint16_t)v;
	return 1;
}

static int read_all(const char *path, char **out, size_t *out_len)
{
	struct stat st;
	char *buf = NULL;
	size_t got = 0;
	int fd, ok = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	if (fstat(fd, &st) != 0 || st.st_size <= 0 || (size_t)st.st_size > USBIDS_MAX_BYTES)
		goto out;
	buf = malloc((size_t)st.st_size + 1);
	if (!buf)
		goto out;
	while (got < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + got, (size_t)st.st_size - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	buf[got] = '\0';
	*out = buf;
	*out_len = got;
	buf = NULL;
	ok = 1;
out:
	free(buf);
	close(fd);
	return ok;
}

/* Index the vendor lines ("vvvv  Name" at column 0). The file lists vendors in
 * ascending order, then other sections (device classes "C xx", etc.) that start with
 * a letter and a space, which end the vendor part. */
static int build_index(struct usbids *ids)
{
	const char *p = ids->text, *end = ids->text + ids->len;
	unsigned cap = 0;

	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		uint16_t id;

		if (!eol)
			eol = end;
		if (p[0] != '\t' && p[0] != '#' && parse_id(p, eol, &id)) {
			struct vendor_entry *v;

			if (ids->n_vendors > 0)
				ids->vendors[ids->n_vendors - 1].body_end = (uint32_t)(p - ids->text);
			if (ids->n_vendors == cap) {
				unsigned ncap = cap ? cap * 2 : 4096;
				struct vendor_entry *nv = realloc(ids->vendors, ncap * sizeof(*nv));

				if (!nv)
					return 0;
				ids->vendors = nv;
				cap = ncap;
			}
			v = &ids->vendors[ids->n_vendors++];
			v->id = id;
			v->name_off = (uint32_t)(p + 6 - ids->text);
			v->name_len = (uint32_t)(eol - (p + 6));
			v->body_off = (uint32_t)(eol - ids->text);
			v->body_end = (uint32_t)ids->len;
		} else if (p[0] != '\t' && p[0] != '#' && p[0] != '\n' && p[0] != '\r' &&
			   ids->n_vendors > 0) {
			/* Another section: the vendor list is over. */
			ids->vendors[ids->n_vendors - 1].body_end = (uint32_t)(p - ids->text);
			break;
		}
		p = eol + 1;
	}
	return 1;
}

struct usbids *usbids_new(const char *path)
{
	struct usbids *ids = calloc(1, sizeof(*ids));

	if (!ids)
		return NULL;
	if (!path)
		path = getenv("ATELIER_USB_IDS");
	if (!path || !*path)
		path = USBIDS_DEFAULT_PATH;
	if (!read_all(path, &ids->text, &ids->len)) {
		log_msg(LOG_DEBUG, "usb.ids %s: cannot read, names fall back to device strings",
			path);
		return ids;
	}
	if (!build_index(ids)) {
		usbids_free(ids);
		return NULL;
	}
	return ids;
}

void usbids_free(struct usbids *ids)
{
	if (!ids)
		return;
	free(ids->text);
	free(ids->vendors);
	free(ids);
}

unsigned usbids_vendor_count(const struct usbids *ids)
{
	return ids ? ids->n_vendors : 0;
}

static const struct vendor_entry *find_vendor(const struct usbids *ids, uint16_t vendor_id)
{
	/* Vendors are in ascending order in the file; fall back to a linear scan if a
	 * hand-edited file is not. */
	unsigned lo = 0, hi = ids ? ids->n_vendors : 0;

	if (!ids)
		return NULL;
	while (lo < hi) {
		unsigned mid = lo + (hi - lo) / 2;

		if (ids->vendors[mid].id == vendor_id)
			return &ids->vendors[mid];
		if (ids->vendors[mid].id < vendor_id)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (unsigned i = 0; i < ids->n_vendors; i++)
		if (ids->vendors[i].id == vendor_id)
			return &ids->vendors[i];
	return NULL;
}

static const char *copy_name(const char *src, size_t len, char *out, unsigned size)
{
	while (len > 0 && (src[len - 1] == '\r' || src[len - 1] == ' '))
		len--;
	if (size == 0 || len == 0)
		return NULL;
	if (len >= size)
		len = size - 1;
	memcpy(out, src, len);
	out[len] = '\0';
	return out;
}

const char *usbids_vendor(const struct usbids *ids, uint16_t vendor_id, char *out, unsigned size)
{
	const struct vendor_entry *v = find_vendor(ids, vendor_id);

	if (!v)
		return NULL;
	return copy_name(ids->text + v->name_off, v->name_len, out, size);
}

const char *usbids_product(const struct usbids *ids, uint16_t vendor_id, uint16_t product_id,
			   char *out, unsigned size)
{
	const struct vendor_entry *v = find_vendor(ids, vendor_id);
	const char *p, *end;

	if (!v)
		return NULL;
	p = ids->text + v->body_off;
	end = ids->text + v->body_end;
	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		uint16_t id;

		if (!eol)
			eol = end;
		/* Product lines have one tab; interface lines two. */
		if (p[0] == '\t' && p + 1 < eol && p[1] != '\t' && parse_id(p + 1, eol, &id) &&
		    id == product_id)
			return copy_name(p + 7, (size_t)(eol - (p + 7)), out, size);
		p = eol + 1;
	}
	return NULL;
}
