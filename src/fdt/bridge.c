/* SPDX-License-Identifier: MIT */
/*
 * The guest's PCI host bridge node, as the pci-host-ecam-generic binding
 * (Documentation/devicetree/bindings/pci/host-generic-pci.yaml in Linux)
 * and the PCI bus binding (IEEE 1275 PCI supplement) describe it: ECAM
 * reg, bus-range, 3/2 address/size cells, ranges whose phys.hi cells say
 * the space, and optionally msi-map and an INTx interrupt-map.
 */
#include "fdt_internal.h"

/* phys.hi: npt000ss bbbbbbbb dddddfff rrrrrrrr (PCI binding, 2.2.1.1). */
#define PHYS_HI_IO	  0x01000000u
#define PHYS_HI_MEM32	  0x02000000u
#define PHYS_HI_MEM64	  0x03000000u
#define PHYS_HI_PREFETCH  0x40000000u
#define PHYS_HI_DEV_SHIFT 11
#define ECAM_BUS	  (1ull << 20)
#define GIC_SPI		  0u
#define IRQ_LEVEL_HIGH	  4u
#define NODE_NAME_LEN	  32
#define MAX_RANGES_CELLS  (VPCI_FDT_NR_SPACES * 7)
#define INTX_ENTRIES	  16 /* 4 slots (device mod 4) x 4 pins */
#define MAX_INTX_CELLS	  (INTX_ENTRIES * (3 + 1 + 1 + 4 + 3))

static const uint32_t space_phys_hi[VPCI_FDT_NR_SPACES] = {
	[VPCI_FDT_SPACE_IO] = PHYS_HI_IO,
	[VPCI_FDT_SPACE_MEM32] = PHYS_HI_MEM32,
	[VPCI_FDT_SPACE_MEM64_PREF] = PHYS_HI_MEM64 | PHYS_HI_PREFETCH,
};

/* What the node needs, encoded before the tree is touched. */
struct bridge_props {
	char name[NODE_NAME_LEN];
	uint32_t reg[4];
	int reg_len;
	uint32_t ranges[MAX_RANGES_CELLS];
	int ranges_len;
	uint32_t intx_map[MAX_INTX_CELLS];
	int intx_map_len;
};

static void node_name(char *out, uint64_t base)
{
	static const char prefix[] = "pcie@";
	char digits[16];
	int n = 0, i;

	for (i = 0; prefix[i]; i++)
		*out++ = prefix[i];
	do {
		digits[n++] = "0123456789abcdef"[base & 0xf];
		base >>= 4;
	} while (base);
	while (n)
		*out++ = digits[--n];
	*out = '\0';
}

static bool space_used(const struct vpci_fdt_bridge *b, enum vpci_fdt_space s)
{
	size_t i;

	if (!b->apertures[s].size)
		return false;
	if (b->keep_unused_apertures || s == VPCI_FDT_SPACE_MEM32)
		return true; /* Linux wants a memory window even when empty */
	for (i = 0; i < b->nr_bars; i++)
		if (vfdt_bar_space(b, &b->bars[i]) == s)
			return true;
	return false;
}

static int too_wide(const char *path, const char *prop, uint64_t v,
		    struct vpci_fdt_error *err)
{
	struct fdt_msg m;

	vfdt_msg_begin(&m, err, path, NULL);
	vfdt_msg_str(&m, prop);
	vfdt_msg_str(&m, ": ");
	vfdt_msg_hex(&m, v);
	vfdt_msg_str(&m, " does not fit the root's #address-cells/#size-cells");
	return vfdt_msg_end(&m, VPCI_ERANGE);
}

static int encode_addresses(const struct vpci_fdt_bridge *b, int ac, int sc,
			    const char *path, struct bridge_props *p,
			    struct vpci_fdt_error *err)
{
	uint64_t ecam_len =
		((uint64_t)b->bus_last - b->bus_first + 1) * ECAM_BUS;
	uint32_t *c = p->ranges;
	unsigned int s;

	if (vfdt_tree_put_cells(p->reg, ac, b->ecam_base))
		return too_wide(path, "reg", b->ecam_base, err);
	if (vfdt_tree_put_cells(p->reg + ac, sc, ecam_len))
		return too_wide(path, "reg", ecam_len, err);
	p->reg_len = (ac + sc) * 4;
	for (s = 0; s < VPCI_FDT_NR_SPACES; s++) {
		const struct vpci_fdt_aperture *a = &b->apertures[s];

		if (!space_used(b, s))
			continue;
		c[0] = cpu_to_fdt32(space_phys_hi[s]);
		vfdt_tree_put_cells(c + 1, 2, a->pci_addr);
		if (vfdt_tree_put_cells(c + 3, ac, a->cpu_addr))
			return too_wide(path, "ranges", a->cpu_addr, err);
		vfdt_tree_put_cells(c + 3 + ac, 2, a->size);
		c += 5 + ac;
	}
	p->ranges_len = (int)((char *)c - (char *)p->ranges);
	return 0;
}

/*
 * INTx: the standard swizzle over four interrupts, as on a host bridge
 * whose slots each route INTA-D to the next line: slot d, pin p (1-4)
 * goes to intx_spi[(d + p - 1) % 4]. The mask keeps device bits 0-1 and
 * the pin, so 16 entries cover every slot of every bus.
 */
static int encode_intx(const void *fdt, const struct vpci_fdt_bridge *b,
		       struct bridge_props *p, struct vpci_fdt_error *err)
{
	uint32_t *c = p->intx_map;
	unsigned int dev, pin;
	int node, parent_ac, i, rc;

	node = vfdt_tree_phandle_node(fdt, b->intc_phandle,
				      "interrupt-controller", "interrupt-map",
				      err);
	if (node < 0)
		return node;
	rc = vfdt_tree_gic_cells(fdt, node, &parent_ac, err);
	if (rc)
		return rc;
	for (dev = 0; dev < 4; dev++) {
		for (pin = 1; pin <= 4; pin++) {
			*c++ = cpu_to_fdt32(dev << PHYS_HI_DEV_SHIFT);
			*c++ = 0;
			*c++ = 0;
			*c++ = cpu_to_fdt32(pin);
			*c++ = cpu_to_fdt32(b->intc_phandle);
			for (i = 0; i < parent_ac; i++)
				*c++ = 0;
			*c++ = cpu_to_fdt32(GIC_SPI);
			*c++ = cpu_to_fdt32(b->intx_spi[(dev + pin - 1) % 4]);
			*c++ = cpu_to_fdt32(IRQ_LEVEL_HIGH);
		}
	}
	p->intx_map_len = (int)((char *)c - (char *)p->intx_map);
	return 0;
}

/*
 * libfdt adds a new property in front of the node's others, so they are
 * written last to first: the node reads compatible, device_type, reg...
 */
static int set_props(void *fdt, int node, const struct vpci_fdt_bridge *b,
		     const struct bridge_props *p)
{
	uint32_t nr_buses = (uint32_t)b->bus_last - b->bus_first + 1u;
	fdt32_t cells[4];
	int rc = 0;

	if (b->intc_phandle) {
		cells[0] = cpu_to_fdt32(3u << PHYS_HI_DEV_SHIFT);
		cells[1] = 0;
		cells[2] = 0;
		cells[3] = cpu_to_fdt32(7);
		rc = fdt_setprop(fdt, node, "interrupt-map", p->intx_map,
				 p->intx_map_len);
		rc = rc ? rc
			: fdt_setprop(fdt, node, "interrupt-map-mask", cells,
				      16);
		rc = rc ? rc
			: fdt_setprop_u32(fdt, node, "#interrupt-cells", 1);
	}
	if (b->msi_phandle) {
		/* Requester IDs of the window's buses, bus << 8 | devfn. */
		cells[0] = cpu_to_fdt32((uint32_t)b->bus_first << 8);
		cells[1] = cpu_to_fdt32(b->msi_phandle);
		cells[2] = cpu_to_fdt32(b->msi_base);
		cells[3] = cpu_to_fdt32(nr_buses << 8);
		rc = rc ? rc : fdt_setprop(fdt, node, "msi-map", cells, 16);
	}
	if (b->dma_coherent)
		rc = rc ? rc : fdt_setprop_empty(fdt, node, "dma-coherent");
	rc = rc ? rc
		: fdt_setprop_u32(fdt, node, "linux,pci-domain", b->segment);
	rc = rc ? rc
		: fdt_setprop(fdt, node, "ranges", p->ranges, p->ranges_len);
	rc = rc ? rc : fdt_setprop_u32(fdt, node, "#size-cells", 2);
	rc = rc ? rc : fdt_setprop_u32(fdt, node, "#address-cells", 3);
	cells[0] = cpu_to_fdt32(b->bus_first);
	cells[1] = cpu_to_fdt32(b->bus_last);
	rc = rc ? rc : fdt_setprop(fdt, node, "bus-range", cells, 8);
	rc = rc ? rc : fdt_setprop(fdt, node, "reg", p->reg, p->reg_len);
	rc = rc ? rc : fdt_setprop_string(fdt, node, "device_type", "pci");
	return rc ? rc
		  : fdt_setprop_string(fdt, node, "compatible",
				       "pci-host-ecam-generic");
}

/* The tree is open (room to grow); write the node. */
static int write_open(const struct vpci_fdt_bridge *b, void *buf,
		      struct bridge_props *p, const char *path,
		      struct vpci_fdt_error *err)
{
	int ac, sc, node, rc;

	rc = vfdt_tree_root_cells(buf, &ac, &sc, err);
	if (!rc)
		rc = encode_addresses(b, ac, sc, path, p, err);
	if (!rc && b->msi_phandle) {
		node = vfdt_tree_phandle_node(buf, b->msi_phandle,
					      "msi-controller", "msi-map", err);
		rc = node < 0 ? node : 0;
	}
	if (!rc && b->intc_phandle)
		rc = encode_intx(buf, b, p, err);
	if (rc)
		return rc;
	node = vfdt_tree_replace_node(buf, p->name, err);
	if (node < 0)
		return node;
	rc = set_props(buf, node, b, p);
	return rc ? vfdt_tree_write_failed(rc, p->name, err) : 0;
}

int vpci_fdt_bridge_write(const struct vpci_fdt_bridge *b, void *buf,
			  size_t buf_len, struct vpci_fdt_error *err)
{
	struct bridge_props p;
	char path[NODE_NAME_LEN + 1];
	int rc;

	node_name(p.name, b->ecam_base);
	path[0] = '/';
	for (rc = 0; p.name[rc]; rc++)
		path[rc + 1] = p.name[rc];
	path[rc + 1] = '\0';
	rc = vpci_fdt_bridge_check(b, err);
	if (!rc)
		rc = vfdt_tree_open(buf, buf_len, err);
	if (rc)
		return rc;
	rc = write_open(b, buf, &p, path, err);
	/* Packed again whatever happened: the caller's tree stays compact. */
	fdt_pack(buf);
	return rc;
}
