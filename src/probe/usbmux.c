#include "probe/usbmux.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <usbmuxd.h>

int usbmux_list(struct usbmux_dev **out, size_t *n)
{
	usbmuxd_device_info_t *list = NULL;
	struct usbmux_dev *devs;
	int count;

	*out = NULL;
	*n = 0;
	count = usbmuxd_get_device_list(&list);
	if (count < 0)
		return -1;
	devs = calloc(count > 0 ? (size_t)count : 1, sizeof(*devs));
	if (!devs) {
		usbmuxd_device_list_free(&list);
		return -1;
	}
	for (int i = 0; i < count; i++) {
		snprintf(devs[i].udid, sizeof(devs[i].udid), "%s", list[i].udid);
		devs[i].product_id = list[i].product_id;
		devs[i].usb = list[i].conn_type == CONNECTION_TYPE_USB;
	}
	usbmuxd_device_list_free(&list);
	*out = devs;
	*n = (size_t)count;
	return 0;
}

int usbmux_same_device(const char *usb_serial, const char *udid)
{
	const char *a = usb_serial, *b = udid;

	if (!a || !b || !*a || !*b)
		return 0;
	for (;;) {
		while (*a == '-')
			a++;
		while (*b == '-')
			b++;
		if (!*a || !*b)
			return !*a && !*b;
		if (tolower((unsigned char)*a) != tolower((unsigned char)*b))
			return 0;
		a++;
		b++;
	}
}
