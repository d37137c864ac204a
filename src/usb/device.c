#include "usb/device.h"

#include "util/text.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define SYSFS_USB_DEVICES "/sys/bus/usb/devices"

static int sysfs_read(void *ctx, const char *sysname, const char *attr, char *out, size_t size)
{
	char path[256];
	ssize_t n;
	int fd, len;

	(void)ctx;
	if (size == 0)
		return 0;
	len = snprintf(path, sizeof(path), SYSFS_USB_DEVICES "/%s/%s", sysname, attr);
	if (len < 0 || (size_t)len >= sizeof(path))
		return 0;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	do
		n = read(fd, out, size - 1);
	while (n < 0 && errno == EINTR);
	close(fd);
	if (n <= 0)
		return 0;
	out[n] = '\0';
	return 1;
}

const struct usbd_strings_ops usbd_sysfs_strings = { sysfs_read, NULL };

void usbd_sanitize(char *s)
{
	text_clean(s, s, strlen(s) + 1);
}

static int read_string(const struct usbd_strings_ops *ops, const char *sysname, const char *attr,
		       char *out, size_t size)
{
	if (!ops->read(ops->ctx, sysname, attr, out, size)) {
		out[0] = '\0';
		return 0;
	}
	usbd_sanitize(out);
	return out[0] != '\0';
}

void usbd_read_location(libusb_device *dev, struct usbd_info *out)
{
	uint8_t ports[USBD_PORT_DEPTH];
	int n = libusb_get_port_numbers(dev, ports, (int)sizeof(ports));
	size_t off = 0;

	out->bus = libusb_get_bus_number(dev);
	out->address = libusb_get_device_address(dev);
	out->port_path[0] = '\0';
	for (int i = 0; i < n; i++) {
		int w = snprintf(out->port_path + off, sizeof(out->port_path) - off, "%s%u",
				 i ? "." : "", ports[i]);

		if (w < 0 || (size_t)w >= sizeof(out->port_path) - off)
			break;
		off += (size_t)w;
	}
	if (off == 0) {
		snprintf(out->sysname, sizeof(out->sysname), "usb%u", out->bus);
		snprintf(out->id, sizeof(out->id), "usb:%u", out->bus);
	} else {
		snprintf(out->sysname, sizeof(out->sysname), "%u-%s", out->bus, out->port_path);
		snprintf(out->id, sizeof(out->id), "usb:%u-%s", out->bus, out->port_path);
	}
}

static void read_config(libusb_device *dev, const struct usbd_strings_ops *strings,
			struct usbd_info *out)
{
	struct libusb_config_descriptor *cfg = NULL;

	out->n_ifaces = 0;
	out->config_read = 0;
	if (libusb_get_active_config_descriptor(dev, &cfg) != LIBUSB_SUCCESS || !cfg)
		return;
	out->config_read = 1;
	for (int i = 0; i < cfg->bNumInterfaces && out->n_ifaces < USBD_MAX_IFACES; i++) {
		const struct libusb_interface *itf = &cfg->interface[i];
		const struct libusb_interface_descriptor *alt;
		struct usbd_iface *f;
		char ifname[USBD_ID_MAX + 16];

		if (itf->num_altsetting < 1 || !itf->altsetting)
			continue;
		alt = &itf->altsetting[0];
		f = &out->ifaces[out->n_ifaces++];
		f->number = alt->bInterfaceNumber;
		f->cls = alt->bInterfaceClass;
		f->subclass = alt->bInterfaceSubClass;
		f->protocol = alt->bInterfaceProtocol;
		f->has_name = 0;
		f->name[0] = '\0';
		f->bulk_in = f->bulk_out = f->intr_in = 0;
		for (int e = 0; e < alt->bNumEndpoints && alt->endpoint; e++) {
			const struct libusb_endpoint_descriptor *ep = &alt->endpoint[e];
			int in = (ep->bEndpointAddress & LIBUSB_ENDPOINT_IN) != 0;

			switch (ep->bmAttributes & LIBUSB_TRANSFER_TYPE_MASK) {
			case LIBUSB_TRANSFER_TYPE_BULK:
				if (in)
					f->bulk_in++;
				else
					f->bulk_out++;
				break;
			case LIBUSB_TRANSFER_TYPE_INTERRUPT:
				if (in)
					f->intr_in++;
				break;
			default:
				break;
			}
		}
		if (alt->iInterface) {
			snprintf(ifname, sizeof(ifname), "%s:%u.%u", out->sysname,
				 cfg->bConfigurationValue, alt->bInterfaceNumber);
			f->has_name = read_string(strings, ifname, "interface", f->name,
						  sizeof(f->name));
		}
	}
	libusb_free_config_descriptor(cfg);
}

void usbd_read(libusb_device *dev, const struct usbids *ids, const struct usbd_strings_ops *strings,
	       struct usbd_info *out)
{
	struct libusb_device_descriptor dd = { 0 };
	struct usbc_iface cls_in[USBD_MAX_IFACES];
	struct usbc_input in;
	struct usbc_result res;

	memset(out, 0, sizeof(*out));
	if (!strings)
		strings = &usbd_sysfs_strings;
	usbd_read_location(dev, out);
	if (libusb_get_device_descriptor(dev, &dd) == LIBUSB_SUCCESS) {
		out->vendor_id = dd.idVendor;
		out->product_id = dd.idProduct;
		out->dev_class = dd.bDeviceClass;
	}
	out->has_serial = read_string(strings, out->sysname, "serial", out->serial,
				      sizeof(out->serial));
	out->has_manufacturer = read_string(strings, out->sysname, "manufacturer",
					    out->manufacturer, sizeof(out->manufacturer));
	out->has_product = read_string(strings, out->sysname, "product", out->product,
				       sizeof(out->product));
	read_config(dev, strings, out);

	out->has_vendor_name = usbids_vendor(ids, out->vendor_id, out->vendor_name,
					     sizeof(out->vendor_name)) != NULL;
	/* usb.ids names are cut to our buffer, maybe inside a character. */
	usbd_sanitize(out->vendor_name);
	if (!out->has_vendor_name && out->has_manufacturer) {
		memcpy(out->vendor_name, out->manufacturer, sizeof(out->vendor_name));
		out->has_vendor_name = 1;
	}
	out->has_product_name = usbids_product(ids, out->vendor_id, out->product_id,
					       out->product_name,
					       sizeof(out->product_name)) != NULL;
	usbd_sanitize(out->product_name);
	if (!out->has_product_name && out->has_product) {
		memcpy(out->product_name, out->product, sizeof(out->product_name));
		out->has_product_name = 1;
	}

	for (unsigned i = 0; i < out->n_ifaces; i++) {
		cls_in[i].cls = out->ifaces[i].cls;
		cls_in[i].subclass = out->ifaces[i].subclass;
		cls_in[i].protocol = out->ifaces[i].protocol;
		cls_in[i].bulk_in = out->ifaces[i].bulk_in;
		cls_in[i].bulk_out = out->ifaces[i].bulk_out;
		cls_in[i].intr_in = out->ifaces[i].intr_in;
		cls_in[i].name = out->ifaces[i].has_name ? out->ifaces[i].name : NULL;
	}
	in.vendor_id = out->vendor_id;
	in.product_id = out->product_id;
	in.ifaces = cls_in;
	in.n_ifaces = out->n_ifaces;
	usbc_classify(&in, &res);
	out->platform = res.platform;
	out->mode = res.mode;
	out->rule_source = res.rule_source;
}

int usbd_is_phone(const struct usbd_info *info)
{
	/* MTP is spoken by phones, tablets and a few media players: show it even from a
	 * maker we do not know. PTP and RNDIS from unknown makers are cameras and modems. */
	return info->platform != USBC_PLATFORM_UNKNOWN || info->mode == USBC_MODE_MTP;
}

static json_t *str_or_null(int has, const char *s)
{
	json_t *v = has ? json_string(s) : NULL;

	return v ? v : json_null();
}

static json_t *hex4(uint16_t v)
{
	char buf[8];

	snprintf(buf, sizeof(buf), "%04x", v);
	return json_string(buf);
}

static json_t *hex2(uint8_t v)
{
	char buf[4];

	snprintf(buf, sizeof(buf), "%02x", v);
	return json_string(buf);
}

json_t *usbd_to_json(const struct usbd_info *info)
{
	json_t *o = json_object();
	json_t *ifs = json_array();

	if (!o || !ifs)
		goto fail;
	for (unsigned i = 0; i < info->n_ifaces; i++) {
		const struct usbd_iface *f = &info->ifaces[i];
		json_t *jf = json_object();

		if (!jf || json_array_append_new(ifs, jf) != 0)
			goto fail;
		json_object_set_new(jf, "number", json_integer(f->number));
		json_object_set_new(jf, "class", hex2(f->cls));
		json_object_set_new(jf, "subclass", hex2(f->subclass));
		json_object_set_new(jf, "protocol", hex2(f->protocol));
		json_object_set_new(jf, "name", str_or_null(f->has_name, f->name));
	}
	json_object_set_new(o, "id", json_string(info->id));
	json_object_set_new(o, "bus", json_integer(info->bus));
	json_object_set_new(o, "address", json_integer(info->address));
	json_object_set_new(o, "port_path", str_or_null(info->port_path[0] != '\0', info->port_path));
	json_object_set_new(o, "vendor_id", hex4(info->vendor_id));
	json_object_set_new(o, "product_id", hex4(info->product_id));
	json_object_set_new(o, "vendor_name", str_or_null(info->has_vendor_name, info->vendor_name));
	json_object_set_new(o, "product_name",
			    str_or_null(info->has_product_name, info->product_name));
	json_object_set_new(o, "manufacturer",
			    str_or_null(info->has_manufacturer, info->manufacturer));
	json_object_set_new(o, "product", str_or_null(info->has_product, info->product));
	json_object_set_new(o, "serial", str_or_null(info->has_serial, info->serial));
	json_object_set_new(o, "platform", json_string(usbc_platform_name(info->platform)));
	json_object_set_new(o, "mode", json_string(usbc_mode_name(info->mode)));
	json_object_set_new(o, "interfaces", ifs);
	return o;
fail:
	json_decref(ifs);
	json_decref(o);
	return NULL;
}

void usbd_format_line(const struct usbd_info *info, char *out, size_t size)
{
	const char *name = info->has_product_name ? info->product_name : "(no name)";
	const char *vendor = info->has_vendor_name ? info->vendor_name : "(unknown maker)";

	snprintf(out, size, "%-12s %04x:%04x  %-8s %-9s %s, %s  serial %s", info->id,
		 info->vendor_id, info->product_id, usbc_platform_name(info->platform),
		 usbc_mode_name(info->mode), vendor, name, info->has_serial ? info->serial : "-");
}
