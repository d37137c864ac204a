/*
 * The floor for bench/usb_bench.c: the least a libusb program can do.
 *   hotplug_min --list   list devices (vid:pid per line) and exit
 *   hotplug_min          print "arrived|left vid:pid" per hotplug event, forever
 * No names, no strings, no classification, no JSON.
 */
#include <libusb.h>
#include <stdio.h>
#include <string.h>

static int LIBUSB_CALL on_event(libusb_context *ctx, libusb_device *dev,
				libusb_hotplug_event event, void *user)
{
	struct libusb_device_descriptor dd;

	(void)ctx;
	(void)user;
	libusb_get_device_descriptor(dev, &dd);
	printf("%s %04x:%04x\n", event == LIBUSB_HOTPLUG_EVENT_DEVICE_ARRIVED ? "arrived" : "left",
	       dd.idVendor, dd.idProduct);
	fflush(stdout);
	return 0;
}

int main(int argc, char **argv)
{
	libusb_context *ctx;
	libusb_hotplug_callback_handle h;

	if (libusb_init(&ctx) != 0)
		return 1;
	if (argc > 1 && strcmp(argv[1], "--list") == 0) {
		libusb_device **list;
		ssize_t n = libusb_get_device_list(ctx, &list);

		for (ssize_t i = 0; i < n; i++) {
			struct libusb_device_descriptor dd;

			libusb_get_device_descriptor(list[i], &dd);
			printf("%04x:%04x\n", dd.idVendor, dd.idProduct);
		}
		libusb_free_device_list(list, 1);
		libusb_exit(ctx);
		return 0;
	}
	if (libusb_hotplug_register_callback(
		    ctx, LIBUSB_HOTPLUG_EVENT_DEVICE_ARRIVED | LIBUSB_HOTPLUG_EVENT_DEVICE_LEFT,
		    LIBUSB_HOTPLUG_ENUMERATE, LIBUSB_HOTPLUG_MATCH_ANY, LIBUSB_HOTPLUG_MATCH_ANY,
		    LIBUSB_HOTPLUG_MATCH_ANY, on_event, NULL, &h) != 0)
		return 1;
	for (;;)
		libusb_handle_events(ctx);
}
