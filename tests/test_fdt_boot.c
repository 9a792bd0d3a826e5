/* SPDX-License-Identifier: MIT */
/*
 * Boot configuration (src/fdt/config*.c, boot.c): the configurations in
 * the .dts files of tests/data/fdt, compiled by dtc at build time, over one
 * fake host. Valid ones create exactly the domains and assignments they say;
 * every error path gives one line naming the node, the property and the
 * value, and leaves the host as it was (no domain, no assignment).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libfdt.h>

#include "fixture.h"
#include "vpci/fdt.h"

#define BLOB_MAX 65536

struct bench {
	struct fixture fx;
	struct vpci_fdt_config cfg;
	uint8_t blob[BLOB_MAX];
	size_t blob_len;
	unsigned int emulator_calls;
};

static const vpci_sbdf_t host_fns[] = {
	VPCI_SBDF(0, 0, 1, 0), VPCI_SBDF(0, 0, 2, 0), VPCI_SBDF(0, 3, 0, 0),
	VPCI_SBDF(0, 3, 0, 1), VPCI_SBDF(0, 4, 0, 0), VPCI_SBDF(0, 5, 0, 0),
	VPCI_SBDF(0, 6, 0, 0),
};
#define HIDDEN	 VPCI_SBDF(0, 5, 0, 0)
#define READONLY VPCI_SBDF(0, 6, 0, 0)

static void make_host(struct bench *b, uint32_t limits)
{
	size_t i;

	fixture_init(&b->fx);
	fixture_create_host(&b->fx, limits);
	for (i = 0; i < sizeof(host_fns) / sizeof(host_fns[0]); i++) {
		struct fake_fn *fn = fake_fn_add(&b->fx.fp, host_fns[i]);

		/* Vendor 0x1af4, device = the function's bus/devfn. */
		fake_fn_set(fn, 0x00, 4,
			    (uint32_t)VPCI_SBDF_BDF(host_fns[i]) << 16 |
				    0x1af4);
		fake_fn_set(fn, 0x08, 4, 0x02000000u);
		fake_fn_set(fn, 0x0e, 1,
			    VPCI_SBDF_BUS(host_fns[i]) == 3 ? 0x80 : 0x00);
		assert_int_equal(vpci_device_add(b->fx.host, host_fns[i]), 0);
	}
	assert_int_equal(vpci_device_hide(b->fx.host, HIDDEN, NULL), 0);
	assert_int_equal(vpci_device_set_readonly(b->fx.host, READONLY, NULL), 0);
}

static int setup(void **state)
{
	struct bench *b = calloc(1, sizeof(*b));

	make_host(b, 0);
	*state = b;
	return 0;
}

static int teardown(void **state)
{
	struct bench *b = *state;

	vpci_fdt_unboot(&b->cfg);
	fixture_fini(&b->fx);
	free(b);
	return 0;
}

static void load(struct bench *b, const char *name)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s.dtb", FDT_DATA_DIR, name);
	f = fopen(path, "rb");
	assert_non_null(f);
	b->blob_len = fread(b->blob, 1, sizeof(b->blob), f);
	fclose(f);
	assert_true(b->blob_len > 0 && b->blob_len < sizeof(b->blob));
}

static const struct vpci_emulator_ops emu_ops;

static int emu_read(void *arg, vpci_sbdf_t sbdf, unsigned int reg,
		    unsigned int size, uint64_t token, uint32_t *val)
{
	(void)arg;
	(void)size;
	(void)token;
	*val = reg == 0 ? 0xe0e0u | (uint32_t)VPCI_SBDF_DEVFN(sbdf) << 16 : 0;
	return 0;
}

static int emu_write(void *arg, vpci_sbdf_t sbdf, unsigned int reg,
		     unsigned int size, uint32_t val, uint64_t token)
{
	(void)arg, (void)sbdf, (void)reg, (void)size, (void)val, (void)token;
	return 0;
}

static const struct vpci_emulator_ops emu_ops = {emu_read, emu_write, NULL};

static int find_emu(void *ctx, uint32_t domid, vpci_sbdf_t host_sbdf,
		    vpci_sbdf_t guest_sbdf,
		    const struct vpci_emulator_ops **ops, void **arg)
{
	struct bench *b = ctx;

	(void)domid, (void)host_sbdf, (void)guest_sbdf;
	b->emulator_calls++;
	*ops = &emu_ops;
	*arg = b;
	return 0;
}

static int boot(struct bench *b, struct vpci_fdt_error *err)
{
	struct vpci_fdt_emulators emu = {.find = find_emu, .ctx = b};

	return vpci_fdt_boot(b->fx.host, b->blob, b->blob_len, &emu, &b->cfg, err);
}

/* What a guest reads at offset 0 of sbdf through its ECAM window. */
static uint32_t ecam_id(const struct vpci_fdt_domain *d, vpci_sbdf_t g)
{
	uint64_t val = 0;
	uint64_t gpa = d->ecam_base +
		       ((uint64_t)(VPCI_SBDF_BUS(g) - d->bus_first) << 20) +
		       ((uint64_t)VPCI_SBDF_DEVFN(g) << 12);

	assert_int_equal(vpci_ecam_read(d->dom, gpa, 4, &val), 0);
	return (uint32_t)val;
}

/* No function is given to a guest: the host is as before a boot. */
static void assert_nothing_assigned(struct bench *b)
{
	struct vpci_domain_config g = {.domid = 1,
				       .kind = VPCI_DOMAIN_GUEST,
				       .flags = VPCI_DOMAIN_F_VPCI};
	struct vpci_domain *probe;
	size_t i;

	/* domid 1 is free again, and every visible function assignable. */
	assert_int_equal(vpci_domain_create(b->fx.host, &g, &probe, NULL), 0);
	for (i = 0; i < sizeof(host_fns) / sizeof(host_fns[0]); i++) {
		if (host_fns[i] == HIDDEN || host_fns[i] == READONLY)
			continue;
		assert_int_equal(
			vpci_assign_device(probe, host_fns[i], host_fns[i], NULL), 0);
	}
	vpci_domain_destroy(probe);
}

static void valid_multi_domain_config_creates_everything(void **state)
{
	struct bench *b = *state;
	struct vpci_fdt_error err;
	const struct vpci_fdt_domain *d;

	load(b, "valid-multi");
	assert_int_equal(boot(b, &err), 0);
	assert_true(b->cfg.has_hwdom);
	assert_non_null(b->cfg.hwdom);
	assert_int_equal(b->cfg.nr_domains, 4);

	d = &b->cfg.domains[0];
	assert_string_equal(d->path, "/chosen/domU1");
	assert_int_equal(d->cfg.domid, 1);
	assert_int_equal(d->memory_kib, 0x40000);
	assert_int_equal(d->cpus, 2);
	assert_int_equal(d->features, VPCI_FDT_XEN_GNTTAB |
					      VPCI_FDT_XEN_EVTCHN |
					      VPCI_FDT_XEN_XENSTORE);
	assert_int_equal(d->cfg.msi, VPCI_TRI_NO);
	assert_int_equal(d->cfg.msix, VPCI_TRI_DEFAULT);
	assert_int_equal(d->cfg.flags, VPCI_DOMAIN_F_VPCI);
	assert_int_equal(d->ecam_base, VPCI_FDT_DEFAULT_ECAM);
	assert_int_equal(d->nr_devices, 4);
	/* Each device answers at its guest SBDF through the window. */
	assert_int_equal(ecam_id(d, VPCI_SBDF(0, 0, 1, 0)), 0x00081af4u);
	assert_int_equal(ecam_id(d, VPCI_SBDF(0, 0, 2, 0)), 0x03001af4u);
	assert_int_equal(ecam_id(d, VPCI_SBDF(0, 0, 2, 1)), 0x03011af4u);
	assert_int_equal(ecam_id(d, VPCI_SBDF(0, 0, 3, 0)), 0x0018e0e0u);
	assert_int_equal(b->emulator_calls, 1);

	d = &b->cfg.domains[1];
	assert_int_equal(d->cfg.domid, 2);
	assert_int_equal(d->features,
			 VPCI_FDT_XEN_GNTTAB | VPCI_FDT_XEN_EVTCHN);
	assert_int_equal(d->cfg.flags,
			 VPCI_DOMAIN_F_VPCI | VPCI_DOMAIN_F_HOST_BRIDGE);
	assert_int_equal(d->ecam_base, 0x4000000000ull);
	assert_int_equal(d->segment, 1);
	assert_int_equal(d->bus_first, 0x10);
	assert_int_equal(d->bus_last, 0x11);
	assert_int_equal(ecam_id(d, VPCI_SBDF(1, 0x11, 0, 0)), 0x00101af4u);
	assert_ptr_equal(vpci_domain_lookup(d->dom, VPCI_SBDF(1, 0x11, 0, 0)),
			 vpci_device_find(b->fx.host, VPCI_SBDF(0, 0, 2, 0)));

	d = &b->cfg.domains[2];
	assert_int_equal(d->features, VPCI_FDT_XEN_GNTTAB |
					      VPCI_FDT_XEN_EVTCHN |
					      VPCI_FDT_XEN_XENSTORE);
	assert_int_equal(d->cpus, 4);
	assert_int_equal(d->memory_kib, 0x100000);
	assert_true(d->has_ecam);
	assert_int_equal(d->nr_devices, 0);
	assert_int_equal(d->cfg.msi, VPCI_TRI_NO);
	assert_int_equal(d->cfg.msix, VPCI_TRI_NO);

	d = &b->cfg.domains[3];
	assert_false(d->has_ecam);
	assert_int_equal(d->cfg.flags, 0);
	assert_int_equal(d->features, 0);
	assert_non_null(d->dom);
}

static void valid_config_without_hardware_domain(void **state)
{
	struct bench *b = *state;
	struct vpci_fdt_error err;

	load(b, "valid-no-hwdom");
	assert_int_equal(boot(b, &err), 0);
	assert_false(b->cfg.has_hwdom);
	assert_null(b->cfg.hwdom);
	assert_int_equal(b->cfg.nr_domains, 2);
	assert_int_equal(b->cfg.domains[0].features,
			 VPCI_FDT_XEN_GNTTAB | VPCI_FDT_XEN_EVTCHN);
	assert_int_equal(ecam_id(&b->cfg.domains[0], VPCI_SBDF(0, 0, 1, 0)),
			 0x00081af4u);
}

static void tree_without_chosen_has_no_domains(void **state)
{
	struct bench *b = *state;
	struct vpci_fdt_error err;

	load(b, "valid-empty");
	assert_int_equal(boot(b, &err), 0);
	assert_int_equal(b->cfg.nr_domains, 0);
	assert_false(b->cfg.has_hwdom);
}

/* One error path: the message names path, property and value. */
struct bad_case {
	const char *file;
	int code;
	const char *path;     /* node path in the message */
	const char *property; /* NULL: none expected */
	const char *value;    /* the offending value as shown, or NULL */
	const char *reason;   /* a phrase of the explanation */
};

static const struct bad_case bad_cases[] = {
	{"bad-enhanced-value", VPCI_EINVAL, "/chosen/domU1", "xen,enhanced",
	 "\"maybe\"", "expected \"enabled\", \"no-xenstore\" or no value"},
	{"bad-enhanced-type", VPCI_EINVAL, "/chosen/domU1", "xen,enhanced",
	 "<0x1>", "expected one string"},
	{"bad-enhanced-two-strings", VPCI_EINVAL, "/chosen/domU1",
	 "xen,enhanced", "\"enabled\", \"no-xenstore\"", "expected one string"},
	{"bad-enhanced-needs-hwdom", VPCI_EINVAL, "/chosen/domU1",
	 "xen,enhanced", "\"enabled\"", "needs a hardware domain"},
	{"bad-enhanced-empty-needs-hwdom", VPCI_EINVAL, "/chosen/domU1",
	 "xen,enhanced", "no value", "needs a hardware domain"},
	{"bad-memory-missing", VPCI_EINVAL, "/chosen/domU1", "memory", NULL,
	 "missing (required)"},
	{"bad-memory-length", VPCI_EINVAL, "/chosen/domU1", "memory",
	 "<0x40000>", "expected a 64-bit value"},
	{"bad-memory-zero", VPCI_EINVAL, "/chosen/domU1", "memory", "0 KiB",
	 "needs memory"},
	{"bad-cpus-missing", VPCI_EINVAL, "/chosen/domU1", "cpus", NULL,
	 "missing (required)"},
	{"bad-cpus-length", VPCI_EINVAL, "/chosen/domU1", "cpus", "<0x0 0x2>",
	 "expected one 32-bit cell"},
	{"bad-cpus-zero", VPCI_EINVAL, "/chosen/domU1", "cpus", "<0x0>",
	 "at least one vCPU"},
	{"bad-sbdf", VPCI_EINVAL, "/chosen/domU1", "vpci,devices",
	 "\"00:1:00.0@00:02.0\"", "expected \"HOST@GUEST\""},
	{"bad-sbdf-no-guest", VPCI_EINVAL, "/chosen/domU1", "vpci,devices",
	 "\"0000:00:01.0\"", "expected \"HOST@GUEST\""},
	{"bad-sbdf-device", VPCI_EINVAL, "/chosen/domU1", "vpci,devices",
	 "\"00:01.0@00:20.0\"", "expected \"HOST@GUEST\""},
	{"bad-function-changed", VPCI_EINVAL, "/chosen/domU1", "vpci,devices",
	 "\"03:00.0@00:02.1\"", "keeps its function number"},
	{"bad-assigned-twice", VPCI_EINVAL, "/chosen/domU1", "vpci,devices",
	 "\"0000:00:01.0@00:03.0\"",
	 "assigned twice (also in /chosen/domU1 vpci,devices)"},
	{"bad-assigned-twice-domains", VPCI_EINVAL, "/chosen/domU2",
	 "vpci,external-devices", "\"00:01.0@00:04.0\"",
	 "assigned twice (also in /chosen/domU1 vpci,devices)"},
	{"bad-guest-sbdf-twice", VPCI_EINVAL, "/chosen/domU1",
	 "vpci,external-devices", "\"00:02.0@00:06.0\"",
	 "two devices at one guest SBDF"},
	{"bad-devices-type", VPCI_EINVAL, "/chosen/domU1", "vpci,devices",
	 "<0x100 0x800>", "expected a list of strings"},
	{"bad-devices-empty-element", VPCI_EINVAL, "/chosen/domU1",
	 "vpci,devices", NULL, "expected a list of non-empty strings"},
	{"bad-unknown-property", VPCI_EINVAL, "/chosen/domU1", "vpci,msi-x",
	 "\"yes\"", "unknown property"},
	{"bad-msi-value", VPCI_EINVAL, "/chosen/domU1", "vpci,msi", "\"maybe\"",
	 "expected \"yes\", \"no\" or \"default\""},
	{"bad-msix-type", VPCI_EINVAL, "/chosen/domU1", "vpci,msix", "<0x1>",
	 "expected one string"},
	{"bad-msi-unsupported", VPCI_ENOTSUP, "/chosen/domU1", "vpci,msi",
	 "\"yes\"", "cannot emulate MSI"},
	{"bad-msix-unsupported", VPCI_ENOTSUP, "/chosen/domU1", "vpci,msix",
	 "\"yes\"", "cannot emulate MSI-X"},
	{"bad-host-bridge-value", VPCI_EINVAL, "/chosen/domU1",
	 "vpci,host-bridge", "\"yes\"", "expected an empty property"},
	{"bad-ecam-unaligned", VPCI_EINVAL, "/chosen/domU1", "vpci,ecam-base",
	 NULL, "not 1 MiB aligned"},
	{"bad-ecam-length", VPCI_EINVAL, "/chosen/domU1", "vpci,ecam-base",
	 "<0x10000000>", "expected a 64-bit value"},
	{"bad-ecam-wraps", VPCI_EINVAL, "/chosen/domU1", "vpci,ecam-base", NULL,
	 "wraps"},
	{"bad-bus-range-order", VPCI_EINVAL, "/chosen/domU1", "vpci,bus-range",
	 "<0x2 0x1>", "FIRST <= LAST"},
	{"bad-bus-range-above-ff", VPCI_EINVAL, "/chosen/domU1",
	 "vpci,bus-range", "<0x0 0x100>", "<= 0xff"},
	{"bad-outside-window", VPCI_EINVAL, "/chosen/domU1", "vpci,devices",
	 "\"0000:00:01.0@0000:01:00.0\"", "outside the domain's ECAM window"},
	{"bad-segment-mismatch", VPCI_EINVAL, "/chosen/domU1", "vpci,devices",
	 "\"0000:00:01.0@0001:00:00.0\"", "outside the domain's ECAM window"},
	{"bad-segment-value", VPCI_EINVAL, "/chosen/domU1", "vpci,segment",
	 NULL, "above 0xffff"},
	{"bad-no-pci-msi", VPCI_EINVAL, "/chosen/domU1", "vpci,msi", "\"no\"",
	 "has no effect"},
	{"bad-no-such-function", VPCI_ENOENT, "/chosen/domU1", "vpci,devices",
	 "\"0000:00:09.0@0000:00:01.0\"", "no such function"},
	{"bad-hidden-device", VPCI_EPERM, "/chosen/domU1", "vpci,devices",
	 "\"0000:05:00.0@0000:00:01.0\"", "hidden"},
	{"bad-readonly-device", VPCI_EPERM, "/chosen/domU1", "vpci,devices",
	 "\"0000:06:00.0@0000:00:01.0\"", "read-only"},
	{"bad-slots-mixed", VPCI_ETOPOLOGY, "/chosen/domU2", "vpci,devices",
	 "\"0000:04:00.0@0000:00:03.0\"", "cannot assign"},
};

static void assert_has(const char *msg, const char *part)
{
	if (part && !strstr(msg, part))
		fail_msg("\"%s\" not in \"%s\"", part, msg);
}

static void every_error_path_names_node_property_value(void **state)
{
	struct bench *b = *state;
	size_t i;

	for (i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		const struct bad_case *c = &bad_cases[i];
		struct vpci_fdt_error err;
		int rc;

		load(b, c->file);
		rc = boot(b, &err);
		if (rc != c->code)
			fail_msg("%s: returned %d, expected %d: %s", c->file,
				 rc, c->code, err.msg);
		assert_int_equal(err.code, rc);
		/* One line: "PATH: PROPERTY = VALUE: reason" or
		 * "PATH: PROPERTY: reason". */
		assert_null(strchr(err.msg, '\n'));
		assert_true(strncmp(err.msg, c->path, strlen(c->path)) == 0);
		assert_has(err.msg, c->property);
		assert_has(err.msg, c->value);
		assert_has(err.msg, c->reason);
		assert_int_equal(b->cfg.nr_domains == 0 ||
					 b->cfg.domains[0].dom == NULL,
				 1);
		assert_null(b->cfg.hwdom);
		assert_nothing_assigned(b);
	}
}

static void a_failed_assignment_destroys_earlier_domains(void **state)
{
	struct bench *b = *state;
	struct vpci_fdt_error err;

	/* domU1 is created and given 00:01.0 before domU2 fails. */
	load(b, "bad-slots-mixed");
	assert_int_equal(boot(b, &err), VPCI_ETOPOLOGY);
	assert_null(b->cfg.domains[0].dom);
	assert_null(b->cfg.domains[1].dom);
	assert_nothing_assigned(b);
	/* And the same configuration fixed boots on the same host. */
	load(b, "valid-multi");
	assert_int_equal(boot(b, &err), 0);
}

static void passthrough_unsupported_by_platform(void **state)
{
	struct bench *b = *state;
	struct vpci_fdt_error err;

	fixture_fini(&b->fx);
	make_host(b, VPCI_HOST_NO_GUEST_VPCI);
	load(b, "valid-no-hwdom");
	assert_int_equal(boot(b, &err), VPCI_ENOTSUP);
	assert_has(err.msg, "/chosen/domU1: vpci,devices: PCI passthrough to "
			    "guests is not supported");
}

static void external_devices_need_an_emulator(void **state)
{
	struct bench *b = *state;
	struct vpci_fdt_error err;

	load(b, "valid-multi");
	assert_int_equal(vpci_fdt_boot(b->fx.host, b->blob, b->blob_len, NULL,
				       &b->cfg, &err),
			 VPCI_ENOENT);
	assert_has(err.msg, "/chosen/domU1: vpci,external-devices = "
			    "\"0000:04:00.0@0000:00:03.0\": no external "
			    "emulator");
	assert_nothing_assigned(b);
}

static void hardware_domain_already_there_is_one_error(void **state)
{
	struct bench *b = *state;
	struct vpci_domain_config hw = {.kind = VPCI_DOMAIN_HARDWARE,
					.flags = VPCI_DOMAIN_F_VPCI};
	struct vpci_domain *dom0;
	struct vpci_fdt_error err;

	assert_int_equal(vpci_domain_create(b->fx.host, &hw, &dom0, NULL), 0);
	load(b, "valid-multi");
	assert_int_equal(boot(b, &err), VPCI_EEXIST);
	assert_has(err.msg,
		   "/chosen: hardware domain (domid 0): cannot create");
	vpci_domain_destroy(dom0);
}

/* Damaged blobs: each an error, never a crash. */
static void truncated_and_corrupt_blobs_are_refused(void **state)
{
	struct bench *b = *state;
	struct vpci_fdt_error err;
	size_t len;

	load(b, "valid-multi");
	len = b->blob_len;
	assert_int_equal(
		vpci_fdt_boot(b->fx.host, b->blob, 20, NULL, &b->cfg, &err),
		VPCI_EINVAL);
	assert_has(err.msg, "device tree: truncated: 20 bytes");
	assert_int_equal(
		vpci_fdt_boot(b->fx.host, b->blob, len - 1, NULL, &b->cfg, &err),
		VPCI_EINVAL);
	assert_has(err.msg, "device tree: truncated: the header says");
	b->blob[0] ^= 0xff; /* magic */
	assert_int_equal(boot(b, &err), VPCI_EINVAL);
	assert_has(err.msg, "device tree: corrupt");
	b->blob[0] ^= 0xff;
	/* The first structure token (FDT_BEGIN_NODE) becomes garbage. */
	b->blob[b->blob[11] | b->blob[10] << 8] = 0x7f;
	assert_int_equal(boot(b, &err), VPCI_EINVAL);
	assert_has(err.msg, "device tree: corrupt");
	assert_int_equal(vpci_fdt_boot(b->fx.host, NULL, 0, NULL, &b->cfg, &err),
			 VPCI_EINVAL);
	assert_nothing_assigned(b);
}

/* Trees of the versions before 17 (valid headers, the older layouts):
 * refused by name, never handed to libfdt's full check, which crashes on
 * versions 2-15 (libfdt 1.6.1). */
static void old_version_blobs_are_refused(void **state)
{
	struct bench *b = *state;
	struct vpci_fdt_error err;
	unsigned int version;

	for (version = 2; version < 17; version++) {
		load(b, "valid-multi");
		fdt_set_version(b->blob, version);
		fdt_set_last_comp_version(b->blob, 2);
		assert_int_equal(boot(b, &err), VPCI_EINVAL);
		assert_has(err.msg, "only version 17 trees are read");
	}
	assert_nothing_assigned(b);
}

/* A hostile tree's names cannot break the one-line error. */
static void control_characters_in_names_stay_one_line(void **state)
{
	struct bench *b = *state;
	struct vpci_fdt_error err;

	assert_int_equal(fdt_create(b->blob, sizeof(b->blob)), 0);
	assert_int_equal(fdt_finish_reservemap(b->blob), 0);
	assert_int_equal(fdt_begin_node(b->blob, ""), 0);
	assert_int_equal(fdt_begin_node(b->blob, "chosen"), 0);
	assert_int_equal(fdt_begin_node(b->blob, "dom\nU1"), 0);
	assert_int_equal(fdt_property_string(b->blob, "compatible",
					     "xen,domain"),
			 0);
	assert_int_equal(fdt_property_u32(b->blob, "cpus", 1), 0);
	assert_int_equal(fdt_end_node(b->blob), 0);
	assert_int_equal(fdt_end_node(b->blob), 0);
	assert_int_equal(fdt_end_node(b->blob), 0);
	assert_int_equal(fdt_finish(b->blob), 0);
	b->blob_len = fdt_totalsize(b->blob);
	assert_int_equal(boot(b, &err), VPCI_EINVAL);
	assert_null(strchr(err.msg, '\n'));
	assert_has(err.msg, "/chosen/dom\\x0aU1: memory: missing (required)");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
			valid_multi_domain_config_creates_everything, setup,
			teardown),
		cmocka_unit_test_setup_teardown(
			valid_config_without_hardware_domain, setup, teardown),
		cmocka_unit_test_setup_teardown(
			tree_without_chosen_has_no_domains, setup, teardown),
		cmocka_unit_test_setup_teardown(
			every_error_path_names_node_property_value, setup,
			teardown),
		cmocka_unit_test_setup_teardown(
			a_failed_assignment_destroys_earlier_domains, setup,
			teardown),
		cmocka_unit_test_setup_teardown(
			passthrough_unsupported_by_platform, setup, teardown),
		cmocka_unit_test_setup_teardown(
			external_devices_need_an_emulator, setup, teardown),
		cmocka_unit_test_setup_teardown(
			hardware_domain_already_there_is_one_error, setup,
			teardown),
		cmocka_unit_test_setup_teardown(
			truncated_and_corrupt_blobs_are_refused, setup,
			teardown),
		cmocka_unit_test_setup_teardown(old_version_blobs_are_refused,
						setup, teardown),
		cmocka_unit_test_setup_teardown(
			control_characters_in_names_stay_one_line, setup,
			teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
