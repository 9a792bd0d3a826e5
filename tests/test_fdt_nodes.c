/* SPDX-License-Identifier: MIT */
/*
 * The node writers (src/fdt/bridge.c, apertures.c, hypervisor.c): trees
 * read back through libfdt against values worked out by hand from the
 * bindings (PCI bus binding phys.hi codes, ECAM sizes, the INTx swizzle,
 * Xen's hypervisor node), insertion that keeps every other node's bytes,
 * aperture placement as a guest does it, refusals, and dtc decompiling
 * the result without a warning.
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

#include "vpci/fdt.h"

#define BUF 65536
#define MIB (1ull << 20)

static uint8_t tree[BUF], orig[BUF];

static size_t load(const char *name, void *buf)
{
	char path[512];
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "%s/%s.dtb", FDT_DATA_DIR, name);
	f = fopen(path, "rb");
	assert_non_null(f);
	n = fread(buf, 1, BUF, f);
	fclose(f);
	assert_true(n > 0 && n < BUF);
	return n;
}

/* Property value as cells; asserts the length. */
static const fdt32_t *cells(const void *fdt, const char *path, const char *prop,
			    int nr)
{
	int node = fdt_path_offset(fdt, path), len;
	const fdt32_t *v;

	assert_true(node >= 0);
	v = fdt_getprop(fdt, node, prop, &len);
	if (!v)
		fail_msg("%s: no %s", path, prop);
	assert_int_equal(len, nr * 4);
	return v;
}

static void assert_cells(const void *fdt, const char *path, const char *prop,
			 const uint32_t *want, int nr)
{
	const fdt32_t *v = cells(fdt, path, prop, nr);
	int i;

	for (i = 0; i < nr; i++)
		if (fdt32_ld(&v[i]) != want[i])
			fail_msg("%s %s cell %d: 0x%x, expected 0x%x", path,
				 prop, i, fdt32_ld(&v[i]), want[i]);
}

static void assert_bytes(const void *fdt, const char *path, const char *prop,
			 const void *want, int len)
{
	int node = fdt_path_offset(fdt, path), got;
	const void *v = fdt_getprop(fdt, node, prop, &got);

	assert_non_null(v);
	assert_int_equal(got, len);
	assert_memory_equal(v, want, (size_t)len);
}

static struct vpci_fdt_bridge plain_bridge(void)
{
	struct vpci_fdt_bridge b = {
		.ecam_base = 0x10000000,
		.segment = 2,
		.bus_first = 0,
		.bus_last = 1,
	};

	b.apertures[VPCI_FDT_SPACE_IO] =
		(struct vpci_fdt_aperture){0x2eff0000, 0, 0x10000};
	b.apertures[VPCI_FDT_SPACE_MEM32] =
		(struct vpci_fdt_aperture){0x20000000, 0x20000000, 0x8000000};
	b.apertures[VPCI_FDT_SPACE_MEM64_PREF] = (struct vpci_fdt_aperture){
		0x8000000000, 0x8000000000, 0x4000000000};
	return b;
}

/*
 * dtc decompiles the tree with nothing on stderr. A /hypervisor node must
 * be named exactly that (Linux looks it up by name) though it has reg,
 * so for it the one check about unit names is off.
 */
static void assert_dtc_clean(const void *fdt)
{
	const char *allow = fdt_path_offset(fdt, "/hypervisor") >= 0
				    ? "-W no-unit_address_vs_reg"
				    : "";
	char path[] = "/tmp/vpci-fdt-test-XXXXXX", cmd[600], out[512] = "";
	FILE *f, *p;
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	f = fdopen(fd, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(fdt, 1, fdt_totalsize(fdt), f),
			 fdt_totalsize(fdt));
	fclose(f);
	snprintf(cmd, sizeof(cmd), "%s %s -I dtb -O dts -o /dev/null %s 2>&1",
		 DTC, allow, path);
	p = popen(cmd, "r");
	assert_non_null(p);
	if (fgets(out, sizeof(out), p))
		fail_msg("dtc: %s", out);
	assert_int_equal(pclose(p), 0);
	remove(path);
}

/* A tree of a version before 17 is refused by name, never handed to
 * libfdt's full check (which crashes on versions 2-15, libfdt 1.6.1). */
static void old_version_tree_is_refused(void **state)
{
	struct vpci_fdt_bridge b = plain_bridge();
	struct vpci_fdt_error err;
	unsigned int version;

	(void)state;
	for (version = 2; version < 17; version++) {
		assert_int_equal(vpci_fdt_create_empty(tree, BUF, &err), 0);
		fdt_set_version(tree, version);
		fdt_set_last_comp_version(tree, 2);
		assert_int_equal(vpci_fdt_bridge_write(&b, tree, BUF, &err),
				 VPCI_EINVAL);
		assert_non_null(strstr(err.msg, "only version 17 trees"));
	}
}

static void standalone_bridge_has_the_binding_properties(void **state)
{
	struct vpci_fdt_bridge b = plain_bridge();
	struct vpci_fdt_bar bars[] = {
		{VPCI_SBDF(0, 0, 0, 0), 0, VPCI_FDT_BAR_IO, false, 0x100},
		{VPCI_SBDF(0, 0, 0, 0), 2, VPCI_FDT_BAR_MEM64, true,
		 0x10000000},
	};
	/* phys.hi: 0x01 I/O, 0x02 32-bit, 0x43 64-bit prefetchable; each
	 * range <phys.hi pci.hi pci.lo cpu.hi cpu.lo size.hi size.lo>. */
	const uint32_t ranges[] = {
		0x01000000, 0,	  0,	      0,    0x2eff0000, 0,    0x10000,
		0x02000000, 0,	  0x20000000, 0,    0x20000000, 0,    0x8000000,
		0x43000000, 0x80, 0,	      0x80, 0,		0x40, 0,
	};
	/* Two buses of ECAM: 2 MiB. */
	const uint32_t reg[] = {0, 0x10000000, 0, 0x200000};
	const uint32_t bus_range[] = {0, 1}, two[] = {2}, three[] = {3};
	struct vpci_fdt_error err;

	(void)state;
	b.bars = bars;
	b.nr_bars = 2;
	assert_int_equal(vpci_fdt_create_empty(tree, BUF, &err), 0);
	assert_int_equal(vpci_fdt_bridge_write(&b, tree, BUF, &err), 0);
	assert_int_equal(fdt_check_full(tree, fdt_totalsize(tree)), 0);
	assert_bytes(tree, "/pcie@10000000", "compatible",
		     "pci-host-ecam-generic", 22);
	assert_bytes(tree, "/pcie@10000000", "device_type", "pci", 4);
	assert_cells(tree, "/pcie@10000000", "reg", reg, 4);
	assert_cells(tree, "/pcie@10000000", "bus-range", bus_range, 2);
	assert_cells(tree, "/pcie@10000000", "#address-cells", three, 1);
	assert_cells(tree, "/pcie@10000000", "#size-cells", two, 1);
	assert_cells(tree, "/pcie@10000000", "ranges", ranges, 21);
	assert_cells(tree, "/pcie@10000000", "linux,pci-domain", two, 1);
	assert_null(fdt_getprop(tree, fdt_path_offset(tree, "/pcie@10000000"),
				"dma-coherent", NULL));
	assert_null(fdt_getprop(tree, fdt_path_offset(tree, "/pcie@10000000"),
				"interrupt-map", NULL));
	assert_dtc_clean(tree);
}

static void only_needed_apertures_unless_kept(void **state)
{
	struct vpci_fdt_bridge b = plain_bridge();
	const uint32_t mem32_only[] = {0x02000000, 0, 0x20000000, 0,
				       0x20000000, 0, 0x8000000};
	struct vpci_fdt_error err;

	(void)state;
	b.dma_coherent = true;
	assert_int_equal(vpci_fdt_create_empty(tree, BUF, &err), 0);
	assert_int_equal(vpci_fdt_bridge_write(&b, tree, BUF, &err), 0);
	assert_cells(tree, "/pcie@10000000", "ranges", mem32_only, 7);
	assert_bytes(tree, "/pcie@10000000", "dma-coherent", "", 0);
	b.keep_unused_apertures = true;
	assert_int_equal(vpci_fdt_bridge_write(&b, tree, BUF, &err), 0);
	cells(tree, "/pcie@10000000", "ranges", 21);
}

static void apertures_hold_bars_as_the_guest_places_them(void **state)
{
	struct vpci_fdt_bridge b = plain_bridge();
	struct vpci_fdt_bar bars[20];
	struct vpci_fdt_error err;
	unsigned int i;

	(void)state;
	b.bars = bars;
	/* 64 MiB + 32 MiB + 2 x 16 MiB = the whole 128 MiB window. */
	bars[0] = (struct vpci_fdt_bar){VPCI_SBDF(0, 0, 1, 0), 0,
					VPCI_FDT_BAR_MEM32, false, 16 * MIB};
	bars[1] = (struct vpci_fdt_bar){VPCI_SBDF(0, 0, 1, 0), 1,
					VPCI_FDT_BAR_MEM32, false, 64 * MIB};
	bars[2] = (struct vpci_fdt_bar){VPCI_SBDF(0, 0, 2, 0), 0,
					VPCI_FDT_BAR_MEM64, false, 16 * MIB};
	bars[3] = (struct vpci_fdt_bar){VPCI_SBDF(0, 0, 2, 0), 2,
					VPCI_FDT_BAR_ROM, false, 32 * MIB};
	b.nr_bars = 4;
	assert_int_equal(vpci_fdt_bridge_check(&b, &err), 0);
	/* One more page does not fit, and the message names it. */
	bars[4] = (struct vpci_fdt_bar){VPCI_SBDF(0, 0, 3, 0), 5,
					VPCI_FDT_BAR_MEM32, false, 16};
	b.nr_bars = 5;
	assert_int_equal(vpci_fdt_bridge_check(&b, &err), VPCI_ENOSPC);
	assert_non_null(strstr(err.msg, "need 0x8001000 bytes"));
	assert_non_null(strstr(err.msg, "0000:00:03.0 BAR5"));
	/* A 64-bit prefetchable BAR goes to the prefetchable window... */
	bars[4].kind = VPCI_FDT_BAR_MEM64;
	bars[4].prefetchable = true;
	bars[4].size = 0x4000000000ull;
	assert_int_equal(vpci_fdt_bridge_check(&b, &err), 0);
	/* ...but not a non-prefetchable one. */
	bars[4].prefetchable = false;
	assert_int_equal(vpci_fdt_bridge_check(&b, &err), VPCI_ENOSPC);
	/* Sub-page BARs each take a 4 KiB frame: 16 x 256 bytes need
	 * 64 KiB, more than a 60 KiB window. */
	b.apertures[VPCI_FDT_SPACE_MEM32].size = 0xf000;
	for (i = 0; i < 16; i++)
		bars[i] =
			(struct vpci_fdt_bar){VPCI_SBDF(0, 0, i, 0), 0,
					      VPCI_FDT_BAR_MEM32, false, 0x100};
	b.nr_bars = 16;
	assert_int_equal(vpci_fdt_bridge_check(&b, &err), VPCI_ENOSPC);
	b.apertures[VPCI_FDT_SPACE_MEM32].size = 0x10000;
	assert_int_equal(vpci_fdt_bridge_check(&b, &err), 0);
	/* Alignment: a 2 MiB BAR in a 2 MiB window that is not 2 MiB
	 * aligned on the bus does not fit. */
	b.apertures[VPCI_FDT_SPACE_MEM32] =
		(struct vpci_fdt_aperture){0x20100000, 0x20100000, 2 * MIB};
	bars[0].size = 2 * MIB;
	b.nr_bars = 1;
	assert_int_equal(vpci_fdt_bridge_check(&b, &err), VPCI_ENOSPC);
	/* I/O BARs need the I/O window. */
	b.apertures[VPCI_FDT_SPACE_IO].size = 0;
	bars[0] = (struct vpci_fdt_bar){VPCI_SBDF(0, 0, 1, 0), 4,
					VPCI_FDT_BAR_IO, false, 0x20};
	assert_int_equal(vpci_fdt_bridge_check(&b, &err), VPCI_ENOSPC);
	assert_non_null(strstr(err.msg, "needs a I/O aperture"));
}

static void bad_windows_are_refused(void **state)
{
	struct vpci_fdt_bridge b = plain_bridge();
	struct vpci_fdt_error err;

	(void)state;
	b.ecam_base = 0x10080000; /* not 1 MiB aligned */
	assert_int_equal(vpci_fdt_bridge_check(&b, &err), VPCI_EINVAL);
	b = plain_bridge();
	b.bus_first = 2;
	assert_int_equal(vpci_fdt_bridge_check(&b, &err), VPCI_EINVAL);
	b = plain_bridge();
	/* The 32-bit window must end below 4 GiB on the bus. */
	b.apertures[VPCI_FDT_SPACE_MEM32].pci_addr = 0xfff00000;
	assert_int_equal(vpci_fdt_bridge_check(&b, &err), VPCI_EINVAL);
	b = plain_bridge();
	b.apertures[VPCI_FDT_SPACE_MEM32].size = 0x100000000ull + 1;
	b.apertures[VPCI_FDT_SPACE_MEM32].pci_addr = 0;
	assert_int_equal(vpci_fdt_bridge_check(&b, &err), VPCI_EINVAL);
	b = plain_bridge();
	b.apertures[VPCI_FDT_SPACE_IO].cpu_addr = 0x20001000; /* in MEM32 */
	assert_int_equal(vpci_fdt_bridge_check(&b, &err), VPCI_EINVAL);
	b = plain_bridge();
	b.apertures[VPCI_FDT_SPACE_MEM32].cpu_addr = 0x10100000; /* ECAM */
	assert_int_equal(vpci_fdt_bridge_check(&b, &err), VPCI_EINVAL);
}

/* Every node but the written one: same name, same properties, same
 * bytes, in the same order (and the root's own properties too). */
static void assert_others_identical(const void *a, const void *b,
				    const char *skip)
{
	int na, nb, pa, pb, depth = 0;

	for (na = 0; na >= 0 && depth >= 0; na = fdt_next_node(a, na, &depth)) {
		char path[256];
		const char *name = fdt_get_name(a, na, NULL);

		if (depth == 1 && !strcmp(name, skip))
			continue;
		assert_int_equal(fdt_get_path(a, na, path, sizeof(path)), 0);
		if (strncmp(path, "/", 1) == 0 && strlen(skip) &&
		    strstr(path, skip) == path + 1)
			continue;
		nb = fdt_path_offset(b, path);
		if (nb < 0)
			fail_msg("%s missing after insertion", path);
		pb = fdt_first_property_offset(b, nb);
		fdt_for_each_property_offset(pa, a, na)
		{
			const char *an, *bn;
			int al, bl;
			const void *av = fdt_getprop_by_offset(a, pa, &an, &al);
			const void *bv;

			assert_true(pb >= 0);
			bv = fdt_getprop_by_offset(b, pb, &bn, &bl);
			assert_string_equal(an, bn);
			assert_int_equal(al, bl);
			assert_memory_equal(av, bv, (size_t)al);
			pb = fdt_next_property_offset(b, pb);
		}
		assert_int_equal(pb, -FDT_ERR_NOTFOUND);
	}
}

static void insertion_keeps_every_other_node(void **state)
{
	struct vpci_fdt_bridge b = plain_bridge();
	/* INTx swizzle: slot d, pin p -> SPI (d + p - 1) % 4 of 3..6; the
	 * GIC has #address-cells = <2>, so two zero cells follow the
	 * phandle; specifier <GIC_SPI spi IRQ_TYPE_LEVEL_HIGH>. */
	const uint32_t first_entries[] = {
		0x0000, 0, 0, 1, 0xfde8, 0, 0, 0, 3, 4, /* slot 0 INTA */
		0x0000, 0, 0, 2, 0xfde8, 0, 0, 0, 4, 4, /* slot 0 INTB */
	};
	const uint32_t slot1_inta[] = {0x0800, 0, 0, 1, 0xfde8, 0, 0, 0, 4, 4};
	const uint32_t slot3_intd[] = {0x1800, 0, 0, 4, 0xfde8, 0, 0, 0, 5, 4};
	const uint32_t mask[] = {0x1800, 0, 0, 7}, one[] = {1};
	/* Requester IDs 0x000-0x1ff (buses 0-1) to the ITS from 0. */
	const uint32_t msi_map[] = {0, 0xfde9, 0, 0x200};
	struct vpci_fdt_error err;
	const fdt32_t *map;
	size_t len;

	(void)state;
	len = load("guest-base", orig);
	memcpy(tree, orig, len);
	b.intc_phandle = 0xfde8;
	b.intx_spi[0] = 3, b.intx_spi[1] = 4, b.intx_spi[2] = 5,
	b.intx_spi[3] = 6;
	b.msi_phandle = 0xfde9;
	assert_int_equal(vpci_fdt_bridge_write(&b, tree, BUF, &err), 0);
	assert_others_identical(orig, tree, "pcie@10000000");
	map = cells(tree, "/pcie@10000000", "interrupt-map", 16 * 10);
	assert_memory_equal(map, (const void *)first_entries, 0);
	for (int i = 0; i < 20; i++)
		assert_int_equal(fdt32_ld(&map[i]), first_entries[i]);
	for (int i = 0; i < 10; i++) {
		assert_int_equal(fdt32_ld(&map[40 + i]), slot1_inta[i]);
		assert_int_equal(fdt32_ld(&map[150 + i]), slot3_intd[i]);
	}
	assert_cells(tree, "/pcie@10000000", "interrupt-map-mask", mask, 4);
	assert_cells(tree, "/pcie@10000000", "#interrupt-cells", one, 1);
	assert_cells(tree, "/pcie@10000000", "msi-map", msi_map, 4);
	assert_dtc_clean(tree);
	/* Writing again replaces the node: one bridge, new values. */
	b.segment = 5;
	assert_int_equal(vpci_fdt_bridge_write(&b, tree, BUF, &err), 0);
	assert_int_equal(fdt_node_offset_by_compatible(
				 tree,
				 fdt_node_offset_by_compatible(
					 tree, -1, "pci-host-ecam-generic"),
				 "pci-host-ecam-generic"),
			 -FDT_ERR_NOTFOUND);
	assert_int_equal(
		fdt32_ld(cells(tree, "/pcie@10000000", "linux,pci-domain", 1)),
		5);
	assert_others_identical(orig, tree, "pcie@10000000");
}

static void controllers_and_cells_are_checked(void **state)
{
	struct vpci_fdt_bridge b = plain_bridge();
	struct vpci_fdt_error err;
	size_t len;

	(void)state;
	len = load("guest-base", orig);
	memcpy(tree, orig, len);
	b.msi_phandle = 0x1234; /* nobody has it */
	assert_int_equal(vpci_fdt_bridge_write(&b, tree, BUF, &err),
			 VPCI_ENOENT);
	assert_non_null(strstr(err.msg, "msi-map: phandle 0x1234"));
	b.msi_phandle = 0xfde8; /* the GIC, not an msi-controller */
	assert_int_equal(vpci_fdt_bridge_write(&b, tree, BUF, &err),
			 VPCI_ENOENT);
	/* Standalone: no controller at all. */
	b.msi_phandle = 0;
	b.intc_phandle = 1;
	assert_int_equal(vpci_fdt_create_empty(tree, BUF, &err), 0);
	assert_int_equal(vpci_fdt_bridge_write(&b, tree, BUF, &err),
			 VPCI_ENOENT);
	/* A 2-cell controller and 1-cell root addresses. */
	len = load("guest-narrow", orig);
	memcpy(tree, orig, len);
	assert_int_equal(vpci_fdt_bridge_write(&b, tree, BUF, &err),
			 VPCI_ENOTSUP);
	assert_non_null(strstr(err.msg, "#interrupt-cells is not <3>"));
	b.intc_phandle = 0;
	b.keep_unused_apertures = true;
	assert_int_equal(vpci_fdt_bridge_write(&b, tree, BUF, &err),
			 VPCI_ERANGE); /* the 64-bit window's cpu address */
	b.apertures[VPCI_FDT_SPACE_MEM64_PREF].size = 0;
	assert_int_equal(vpci_fdt_bridge_write(&b, tree, BUF, &err), 0);
	assert_dtc_clean(tree);
}

static void small_buffer_leaves_the_tree_alone(void **state)
{
	struct vpci_fdt_bridge b = plain_bridge();
	struct vpci_fdt_error err;
	size_t len;

	(void)state;
	len = load("guest-base", orig);
	memcpy(tree, orig, len);
	assert_int_equal(vpci_fdt_bridge_write(&b, tree, len + 100, &err),
			 VPCI_ENOSPC);
	assert_memory_equal(tree, orig, len);
	/* Garbage is not a tree. */
	memset(tree, 0x5a, 256);
	assert_int_equal(vpci_fdt_bridge_write(&b, tree, BUF, &err),
			 VPCI_EINVAL);
}

static void hypervisor_node_follows_the_features(void **state)
{
	struct vpci_fdt_hypervisor h = {
		.xen_version = "4.19",
		.features = VPCI_FDT_XEN_GNTTAB | VPCI_FDT_XEN_EVTCHN |
			    VPCI_FDT_XEN_XENSTORE,
		.gnttab_base = 0x38000000,
		.gnttab_size = 0x1000000,
		.evtchn_ppi = 31,
		.intc_phandle = 0xfde8,
	};
	/* Xen: interrupts = <GIC_PPI (31 - 16) level-low | cpu mask>. */
	const uint32_t reg[] = {0, 0x38000000, 0, 0x1000000},
		       irq[] = {1, 15, 0xf08}, parent[] = {0xfde8};
	static const char compat[] = "xen,xen-4.19\0xen,xen";
	struct vpci_fdt_error err;
	size_t len;
	int node;

	(void)state;
	len = load("guest-base", orig);
	memcpy(tree, orig, len);
	assert_int_equal(vpci_fdt_hypervisor_write(&h, tree, BUF, &err), 0);
	assert_bytes(tree, "/hypervisor", "compatible", compat, sizeof(compat));
	assert_cells(tree, "/hypervisor", "reg", reg, 4);
	assert_cells(tree, "/hypervisor", "interrupts", irq, 3);
	assert_cells(tree, "/hypervisor", "interrupt-parent", parent, 1);
	assert_others_identical(orig, tree, "hypervisor");
	assert_dtc_clean(tree);
	/* Without xen,enhanced the guest must not see a hypervisor node. */
	h.features = 0;
	assert_int_equal(vpci_fdt_hypervisor_write(&h, tree, BUF, &err), 0);
	assert_int_equal(fdt_path_offset(tree, "/hypervisor"),
			 -FDT_ERR_NOTFOUND);
	/* Grant table only: reg, no interrupts. */
	h.features = VPCI_FDT_XEN_GNTTAB;
	assert_int_equal(vpci_fdt_hypervisor_write(&h, tree, BUF, &err), 0);
	node = fdt_path_offset(tree, "/hypervisor");
	assert_non_null(fdt_getprop(tree, node, "reg", NULL));
	assert_null(fdt_getprop(tree, node, "interrupts", NULL));
	/* Refusals. */
	h.features = VPCI_FDT_XEN_EVTCHN;
	h.evtchn_ppi = 32;
	assert_int_equal(vpci_fdt_hypervisor_write(&h, tree, BUF, &err),
			 VPCI_EINVAL);
	h.evtchn_ppi = 31;
	h.xen_version = "4.19\"";
	assert_int_equal(vpci_fdt_hypervisor_write(&h, tree, BUF, &err),
			 VPCI_EINVAL);
	h.xen_version = "4.19";
	h.intc_phandle = 7;
	assert_int_equal(vpci_fdt_hypervisor_write(&h, tree, BUF, &err),
			 VPCI_ENOENT);
	h.features = 1u << 5;
	assert_int_equal(vpci_fdt_hypervisor_write(&h, tree, BUF, &err),
			 VPCI_EINVAL);
}

/* A configuration's xen,enhanced decides each guest's hypervisor node. */
static void parsed_features_decide_the_hypervisor_node(void **state)
{
	static struct vpci_fdt_config cfg;
	struct vpci_fdt_hypervisor h = {
		.xen_version = "4.20",
		.gnttab_base = 0x38000000,
		.gnttab_size = 0x1000000,
		.evtchn_ppi = 31,
		.intc_phandle = 0xfde8,
	};
	struct vpci_fdt_error err;
	size_t len, i;
	int node;

	(void)state;
	len = load("valid-multi", orig);
	assert_int_equal(vpci_fdt_config_parse(orig, len, &cfg, &err), 0);
	assert_int_equal(cfg.nr_domains, 4);
	for (i = 0; i < cfg.nr_domains; i++) {
		len = load("guest-base", tree);
		h.features = cfg.domains[i].features;
		assert_int_equal(vpci_fdt_hypervisor_write(&h, tree, BUF, &err),
				 0);
		node = fdt_path_offset(tree, "/hypervisor");
		if (i == 3) { /* domU4 has no xen,enhanced */
			assert_int_equal(node, -FDT_ERR_NOTFOUND);
			continue;
		}
		/* "enabled", "no-xenstore" and the empty value all give
		 * grant tables and event channels. */
		assert_true(node >= 0);
		assert_non_null(fdt_getprop(tree, node, "reg", NULL));
		assert_non_null(fdt_getprop(tree, node, "interrupts", NULL));
		assert_int_equal(fdt_stringlist_search(tree, node, "compatible",
						       "xen,xen-4.20"),
				 0);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(standalone_bridge_has_the_binding_properties),
		cmocka_unit_test(old_version_tree_is_refused),
		cmocka_unit_test(only_needed_apertures_unless_kept),
		cmocka_unit_test(apertures_hold_bars_as_the_guest_places_them),
		cmocka_unit_test(bad_windows_are_refused),
		cmocka_unit_test(insertion_keeps_every_other_node),
		cmocka_unit_test(controllers_and_cells_are_checked),
		cmocka_unit_test(small_buffer_leaves_the_tree_alone),
		cmocka_unit_test(hypervisor_node_follows_the_features),
		cmocka_unit_test(parsed_features_decide_the_hypervisor_node),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
