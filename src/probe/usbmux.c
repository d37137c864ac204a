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
	/* The bench reads what is plugged in: devices usbmuxd sees over Wi-Fi are left out
	 * (a phone on the bench's Wi-Fi is not on the bench). */
	for (int i = 0; i < count; i++) {
		if (list[i].conn_type != CONNECTION_TYPE_USB)
			continue;
		snprintf(devs[*n].udid, sizeof(devs[*n].udid), "%s", list[i].udid);
		devs[*n].product_id = list[i].product_id;
		devs[*n].usb = 1;
		(*n)++;
	}
	usbmuxd_device_list_free(&list);
	*out = devs;
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
