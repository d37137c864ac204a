/*
 * testbed — simulated USB for tests: a umockdev testbed (libumockdev C API) in which
 * libusb runs unmodified. Devices are described as USB facts (ids, interfaces,
 * strings) and turned into the sysfs attributes and descriptor bytes a kernel would
 * show. The process must run under umockdev-wrapper (tests/runner does it).
 *
 * Hubs on the way to a port ("1-2.3" needs root hub usb1 and hub 1-2) are created on
 * demand, so libusb can walk the port path.
 */
#ifndef ATELIER_TESTS_TESTBED_H
#define ATELIER_TESTS_TESTBED_H

#include <stddef.h>
#include <stdint.h>

struct tb_iface {
	uint8_t cls, subclass, protocol;
	uint8_t bulk_in, bulk_out, intr_in;
	const char *name; /* interface string, or NULL */
};

#define TB_MAX_IFACES 8
#define TB_MAX_CONFIGS 4

struct tb_config {
	size_t n_ifaces;
	struct tb_iface ifaces[TB_MAX_IFACES];
};

struct tb_dev {
	const char *sysname; /* "1-2.3" */
	uint16_t vendor_id, product_id;
	const char *manufacturer, *product, *serial; /* NULL: attribute absent */
	size_t n_configs;    /* 0 counts as 1 */
	struct tb_config configs[TB_MAX_CONFIGS];
	uint8_t active_config; /* bConfigurationValue, 1-based; 0 means 1 */
	/* Raw "descriptors" bytes instead of the generated ones (garbage tests). */
	const uint8_t *raw;
	size_t raw_len;
};

struct tb;

/* A new, empty testbed (no device at all); aborts the test on failure. */
struct tb *tb_new(void);
/* Remove every device (sending remove uevents) and free. */
void tb_free(struct tb *tb);

/* Add DEV (and the hubs on its way) and send its "add" uevent. Returns its syspath,
 * owned by the testbed. */
const char *tb_add(struct tb *tb, const struct tb_dev *dev);
/* Send "remove" for the device at SYSNAME and delete it. Returns 1 if it existed. */
int tb_remove(struct tb *tb, const char *sysname);

/* The device number given to SYSNAME (for /dev/bus/usb/BUS/NNN), 0 if unknown. */
int tb_devnum(const struct tb *tb, const char *sysname);

/* Build the descriptors of DEV into OUT (at most SIZE bytes); returns the length. */
size_t tb_descriptors(const struct tb_dev *dev, uint8_t *out, size_t size);

/* The underlying umockdev testbed, to load recordings (UMockdevTestbed *). */
struct _UMockdevTestbed *tb_umockdev(struct tb *tb);

/* A device of a common shape, for brevity in tests. */
struct tb_dev tb_simple(const char *sysname, uint16_t vid, uint16_t pid, const char *serial,
			uint8_t cls, uint8_t subclass, uint8_t protocol);

#endif
