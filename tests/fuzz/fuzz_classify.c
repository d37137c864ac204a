/*
 * libFuzzer target: the USB classification of whatever a device may present.
 * Input layout (all bytes taken as they come, short input ends the device early):
 *   vendor id (2, LE), product id (2, LE), interface count (1),
 *   per interface: class, subclass, protocol, bulk-in, bulk-out, interrupt-in counts,
 *   name length (1), name bytes (device-provided text, sanitized like a sysfs string).
 * Checks: classification never crashes, gives an in-range verdict with a source
 * exactly when it is not unknown, and sanitized strings are valid, bounded text.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "usb/classify.h"
#include "usb/device.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct usbc_iface ifaces[USBD_MAX_IFACES];
	char names[USBD_MAX_IFACES][USBD_STR_MAX];
	struct usbc_input in = { 0 };
	struct usbc_result res;
	size_t pos = 0, n;

	if (size < 5)
		return 0;
	in.vendor_id = (uint16_t)(data[0] | data[1] << 8);
	in.product_id = (uint16_t)(data[2] | data[3] << 8);
	n = data[4] % (USBD_MAX_IFACES + 1);
	pos = 5;
	for (size_t i = 0; i < n && pos + 7 <= size; i++) {
		size_t len = data[pos + 6];

		ifaces[i].cls = data[pos];
		ifaces[i].subclass = data[pos + 1];
		ifaces[i].protocol = data[pos + 2];
		ifaces[i].bulk_in = data[pos + 3];
		ifaces[i].bulk_out = data[pos + 4];
		ifaces[i].intr_in = data[pos + 5];
		pos += 7;
		if (len >= USBD_STR_MAX)
			len = USBD_STR_MAX - 1;
		if (len > size - pos)
			len = size - pos;
		memcpy(names[i], data + pos, len);
		names[i][len] = '\0';
		pos += len;
		usbd_sanitize(names[i]);
		if (strlen(names[i]) >= USBD_STR_MAX)
			abort();
		ifaces[i].name = len ? names[i] : NULL;
		in.n_ifaces = i + 1;
	}
	in.ifaces = in.n_ifaces ? ifaces : NULL;
	usbc_classify(&in, &res);
	if ((unsigned)res.mode >= USBC_MODE_COUNT || res.platform > USBC_PLATFORM_ANDROID)
		abort();
	if ((res.rule_source == NULL) != (res.mode == USBC_MODE_UNKNOWN))
		abort();
	/* Sanitized text holds no control byte. */
	for (size_t i = 0; i < in.n_ifaces; i++)
		for (const unsigned char *p = (const unsigned char *)names[i]; *p; p++)
			if (*p < 0x20 || *p == 0x7f)
				abort();
	return 0;
}
