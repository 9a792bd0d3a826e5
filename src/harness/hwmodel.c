/* SPDX-License-Identifier: MIT */
/*
 * Hardware behaviour for a loaded topology: what a real function answers
 * to config reads and writes, so the core under replay meets the same
 * register semantics it would on a machine. It owns the live config bytes
 * and per-byte masks; it does not own loading (topology.c and friends) or
 * anything the core emulates on top.
 *
 * Every byte has a write mask and a write-1-to-clear mask, QEMU-style: a
 * write sets (old & ~wmask) | (val & wmask), then clears val & w1cmask.
 * The masks are built once from tables, in this order, later wins:
 *
 *  1. Regions. The 64-byte header is read-only. Bytes 0x40 up to 0xff and,
 *     when 4096 bytes were captured, 0x100-0xfff are latches: captured
 *     bytes read back, writes stick. Device-specific registers and
 *     capability bodies cannot be told apart without per-device knowledge,
 *     and a latch is what a driver poking a scratch register expects. Bytes
 *     below 0x100 that were not captured (a 64-byte dump) are zero latches.
 *     A 4096-byte capture is trusted whatever the function is. Beyond a
 *     shorter capture: a PCI Express function (PCIe capability 0x10 in its
 *     list) reads 0 — a zero header at 0x100 is how PCIe spells "no
 *     extended capabilities" — and a conventional function reads all-ones,
 *     as a bus without extended config space answers; writes there are
 *     dropped.
 *  2. Header registers (table below): command bits I/O, memory, bus master,
 *     parity, SERR and INTx disable writable, the others hardwired as PCIe
 *     requires; status error bits 8 and 11-15 RW1C, the rest read-only;
 *     cache line, latency timer and interrupt line writable; type 1 bus
 *     numbers, windows (bits the spec makes address bits), secondary status
 *     (RW1C) and bridge control writable. Vendor/device/class/revision,
 *     header type, BIST, subsystem ids, capability pointer and interrupt pin
 *     stay read-only. CardBus headers get only the common registers.
 *  3. BARs, from the topology: a sized BAR answers sizing like hardware —
 *     writable address bits are ~(size - 1), the type bits read-only (I/O:
 *     bits 1:0, memory: bits 3:0; a 64-bit BAR's upper half from the size;
 *     the ROM: bits 31:11 of ~(size - 1) plus the enable bit 0). Captured
 *     address bits below the size are cleared. A BAR that is absent or has
 *     no known size reads 0 and ignores writes.
 *  4. Capabilities: known read-only and RW1C registers of PM, MSI, MSI-X,
 *     PCIe and AER (table below, applied only inside the capability, which
 *     ends where the next one starts); then every capability header (ID and
 *     next pointer; 4 bytes for extended ones) read-only.
 *
 * SR-IOV capabilities and their VFs: hwmodel_sriov.c.
 *
 * Not modelled: side effects (decode, reset, BIST, resizable BAR sizes,
 * MSI pending bits): registers only latch.
 */
#include <stdlib.h>
#include <string.h>

#include "hwmodel.h"
#include "vpci/pci_regs.h"
#include "vpci/vpci.h"

#define HDR_END 0x40u
#define CONV_END 0x100u

/* One register's behaviour: bytes [offset, offset + width) little-endian. */
struct reg_mask {
	uint16_t offset;
	uint8_t width;
	uint32_t wmask;
	uint32_t w1cmask;
};

static const struct reg_mask common_regs[] = {
	/* I/O, memory, bus master, parity, SERR, INTx disable (PCIe 3.0
	 * 7.5.1.1 hardwires 3, 4, 5, 7 and 9 to 0). */
	{VPCI_REG_COMMAND, 2, 0x0547, 0},
	{VPCI_REG_STATUS, 2, 0, VPCI_STATUS_RW1C_MASK},
	{VPCI_REG_CACHE_LINE_SIZE, 1, 0xff, 0},
	{VPCI_REG_LATENCY_TIMER, 1, 0xff, 0},
	{VPCI_REG_INTERRUPT_LINE, 1, 0xff, 0},
};

static const struct reg_mask bridge_regs[] = {
	/* bus numbers, secondary latency timer */
	{VPCI_REG_PRIMARY_BUS, 4, 0xffffffff, 0},
	/* I/O base and limit; bits 3:0 of each give the width */
	{VPCI_REG_IO_BASE, 2, 0xf0f0, 0},
	{VPCI_REG_SEC_STATUS, 2, 0, VPCI_STATUS_RW1C_MASK},
	{VPCI_REG_MEMORY_BASE, 4, 0xfff0fff0, 0},
	{VPCI_REG_PREF_MEMORY_BASE, 4, 0xfff0fff0, 0},
	{VPCI_REG_BRIDGE_CONTROL, 2, 0x007f, 0}, /* bits 6:0 */
};

/* Upper halves of bridge windows exist only when the low nibble says so
 * (PCI-to-PCI bridge 1.2, 3.2.5.6 and 3.2.5.10). */
static const struct reg_mask bridge_io32_regs[] = {
	{VPCI_REG_IO_BASE_UPPER16, 4, 0xffffffff, 0},
};
static const struct reg_mask bridge_pref64_regs[] = {
	{VPCI_REG_PREF_BASE_UPPER32, 4, 0xffffffff, 0},
	{VPCI_REG_PREF_LIMIT_UPPER32, 4, 0xffffffff, 0},
};

/* Registers inside a capability; offset relative to its header. */
struct cap_mask {
	uint16_t cap_id;
	struct reg_mask reg;
};

#define PM   VPCI_CAP_ID_PM
#define MSI  VPCI_CAP_ID_MSI
#define MSIX VPCI_CAP_ID_MSIX
#define EXP  VPCI_CAP_ID_EXP
static const struct cap_mask std_cap_regs[] = {
	{PM, {VPCI_PM_PMC, 2, 0, 0}},
	/* PMCSR: power state, PME enable, data select; PME status */
	{PM, {VPCI_PM_CTRL, 2, 0x1f03, 0x8000}},
	{PM, {VPCI_PM_DATA, 2, 0, 0}},
	{MSI, {VPCI_MSI_FLAGS, 2, 0x0071, 0}},	 /* enable, MME */
	{MSIX, {VPCI_MSIX_FLAGS, 2, 0xc000, 0}}, /* enable, function mask */
	{MSIX, {VPCI_MSIX_TABLE, 4, 0, 0}},
	{MSIX, {VPCI_MSIX_PBA, 4, 0, 0}},
	{EXP, {VPCI_EXP_FLAGS, 2, 0, 0}},
	{EXP, {VPCI_EXP_DEVCAP, 4, 0, 0}},
	{EXP, {VPCI_EXP_DEVSTA, 2, 0, 0x000f}}, /* error bits */
	{EXP, {VPCI_EXP_LNKCAP, 4, 0, 0}},
	{EXP, {VPCI_EXP_LNKSTA, 2, 0, 0xc000}}, /* LBMS, LABS */
	{EXP, {VPCI_EXP_SLTCAP, 4, 0, 0}},
	{EXP, {VPCI_EXP_SLTSTA, 2, 0, 0x011f}}, /* slot events */
	{EXP, {VPCI_EXP_RTCAP, 2, 0, 0}},
	{EXP, {VPCI_EXP_RTSTA, 4, 0, 0x00010000}}, /* PME status */
	{EXP, {VPCI_EXP_DEVCAP2, 4, 0, 0}},
	{EXP, {VPCI_EXP_LNKCAP2, 4, 0, 0}},
	{EXP, {VPCI_EXP_LNKSTA2, 2, 0, 0}},
};
#undef PM
#undef MSI
#undef MSIX
#undef EXP

static const struct cap_mask ext_cap_regs[] = {
	{VPCI_EXT_CAP_ID_ERR, {VPCI_ERR_UNCOR_STATUS, 4, 0, 0xffffffff}},
	{VPCI_EXT_CAP_ID_ERR, {VPCI_ERR_COR_STATUS, 4, 0, 0xffffffff}},
};

/* ---------------------------------------------------------------- masks */

static void set_reg(struct hwmodel_fn *fn, unsigned int base,
		    const struct reg_mask *r)
{
	unsigned int i;

	unsigned int at = base + r->offset;

	for (i = 0; i < r->width; i++) {
		fn->wmask[at + i] = (uint8_t)(r->wmask >> (8 * i));
		fn->w1cmask[at + i] = (uint8_t)(r->w1cmask >> (8 * i));
	}
}

static void set_regs(struct hwmodel_fn *fn, const struct reg_mask *regs,
		     size_t nr)
{
	size_t i;

	for (i = 0; i < nr; i++)
		set_reg(fn, 0, &regs[i]);
}

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
#define SET_REGS(fn, table) set_regs(fn, table, ARRAY_LEN(table))

static void set_dword(struct hwmodel_fn *fn, unsigned int off, uint32_t val,
		      uint32_t wmask)
{
	struct reg_mask r = { (uint16_t)off, 4, wmask, 0 };
	unsigned int i;

	for (i = 0; i < 4; i++)
		fn->cfg[off + i] = (uint8_t)(val >> (8 * i));
	set_reg(fn, 0, &r);
}

static uint32_t cfg_dword(const struct hwmodel_fn *fn, unsigned int off)
{
	return (uint32_t)fn->cfg[off] | (uint32_t)fn->cfg[off + 1] << 8 |
	       (uint32_t)fn->cfg[off + 2] << 16 |
	       (uint32_t)fn->cfg[off + 3] << 24;
}

static void init_regions(struct hwmodel_fn *fn)
{
	unsigned int latch_end = fn->config_len == TOPO_CONFIG_MAX
					 ? TOPO_CONFIG_MAX
					 : CONV_END;

	memset(fn->wmask + HDR_END, 0xff, latch_end - HDR_END);
	if (latch_end == TOPO_CONFIG_MAX)
		return;
	memset(fn->cfg + CONV_END, fn->pcie ? 0x00 : 0xff,
	       TOPO_CONFIG_MAX - CONV_END);
}

static void init_header(struct hwmodel_fn *fn)
{
	SET_REGS(fn, common_regs);
	if ((fn->cfg[VPCI_REG_HEADER_TYPE] & VPCI_HEADER_TYPE_MASK) !=
	    VPCI_HEADER_TYPE_BRIDGE)
		return;
	SET_REGS(fn, bridge_regs);
	if ((fn->cfg[VPCI_REG_IO_BASE] & 0xf) == VPCI_BRIDGE_IO_32)
		SET_REGS(fn, bridge_io32_regs);
	if ((fn->cfg[VPCI_REG_PREF_MEMORY_BASE] & 0xf) ==
	    VPCI_BRIDGE_PREF_MEM_64)
		SET_REGS(fn, bridge_pref64_regs);
}

/* The writable address bits of a sized BAR, as a 64-bit mask. */
static uint64_t bar_wmask(const struct topo_bar *bar)
{
	uint64_t addr_bits = ~(bar->size_bytes - 1);

	switch (bar->kind) {
	case TOPO_BAR_IO:
		return addr_bits & VPCI_BAR_IO_ADDR_MASK;
	case TOPO_BAR_ROM:
		return (addr_bits & VPCI_ROM_ADDR_MASK) | VPCI_ROM_ENABLE;
	case TOPO_BAR_MEM64_LO:
	case TOPO_BAR_MEM64_HI:
		return addr_bits & ~(uint64_t)~VPCI_BAR_MEM_ADDR_MASK;
	default:
		return addr_bits & VPCI_BAR_MEM_ADDR_MASK;
	}
}

/* The read-only low bits a BAR keeps from the captured register. */
static uint32_t bar_type_bits(const struct topo_bar *bar, uint32_t captured)
{
	switch (bar->kind) {
	case TOPO_BAR_IO:
		return VPCI_BAR_SPACE_IO;
	case TOPO_BAR_ROM:
		return captured & VPCI_ROM_ENABLE; /* writable */
	default:
		return captured & (uint32_t)~VPCI_BAR_MEM_ADDR_MASK;
	}
}

static void init_bar(struct hwmodel_fn *fn, const struct topo_fn *tfn,
		     unsigned int i)
{
	const struct topo_bar *bar = &tfn->bars[i];
	unsigned int off = topo_bar_offset(tfn, i);
	uint64_t wmask;
	uint32_t type_bits;

	if (!off)
		return;
	if (bar->kind == TOPO_BAR_NONE || !bar->size_known) {
		set_dword(fn, off, 0, 0);
		return;
	}
	wmask = bar_wmask(bar);
	if (bar->kind == TOPO_BAR_MEM64_HI) {
		set_dword(fn, off, (uint32_t)((bar->addr & wmask) >> 32),
			  (uint32_t)(wmask >> 32));
		return;
	}
	type_bits = bar_type_bits(bar, cfg_dword(fn, off));
	set_dword(fn, off, (uint32_t)(bar->addr & wmask & ~1ull) | type_bits,
		  (uint32_t)wmask);
}

/* Where the capability at caps[i] ends: the next one up, or the limit. */
static unsigned int cap_end(const struct topo_cap *caps, size_t nr,
			    size_t i, unsigned int limit)
{
	unsigned int end = limit;
	size_t j;

	for (j = 0; j < nr; j++)
		if (caps[j].offset > caps[i].offset && caps[j].offset < end)
			end = caps[j].offset;
	return end;
}

static void init_caps(struct hwmodel_fn *fn, const struct topo_cap *caps,
		      size_t nr, const struct cap_mask *table, size_t nr_table,
		      unsigned int limit, unsigned int header_bytes)
{
	size_t i, t;

	for (i = 0; i < nr; i++) {
		unsigned int end = cap_end(caps, nr, i, limit);

		for (t = 0; t < nr_table; t++) {
			const struct reg_mask *r = &table[t].reg;
			unsigned int reg_start = caps[i].offset + r->offset;

			if (table[t].cap_id == caps[i].id &&
			    reg_start + r->width <= end)
				set_reg(fn, caps[i].offset, r);
		}
	}
	/* Headers last: a broken list may point one capability into another. */
	for (i = 0; i < nr; i++) {
		memset(fn->wmask + caps[i].offset, 0, header_bytes);
		memset(fn->w1cmask + caps[i].offset, 0, header_bytes);
	}
}

void hwmodel_fn_init(struct hwmodel_fn *fn, const struct topo_fn *tfn)
{
	struct topo_cap caps[TOPO_MAX_EXT_CAPS]; /* ~6 KiB of stack */
	unsigned int i, limit;
	size_t nr;

	memset(fn, 0, sizeof(*fn));
	fn->sbdf = tfn->sbdf;
	fn->config_len = tfn->config_len;
	fn->pcie = topo_fn_is_pcie(tfn);
	memcpy(fn->cfg, tfn->config, tfn->config_len);
	init_regions(fn);
	init_header(fn);
	for (i = 0; i < TOPO_NR_BARS; i++)
		init_bar(fn, tfn, i);
	limit = fn->config_len < CONV_END ? fn->config_len : CONV_END;
	nr = topo_caps(tfn, caps, TOPO_MAX_CAPS);
	init_caps(fn, caps, nr, std_cap_regs, ARRAY_LEN(std_cap_regs), limit, 2);
	nr = topo_ext_caps(tfn, caps, TOPO_MAX_EXT_CAPS);
	init_caps(fn, caps, nr, ext_cap_regs, ARRAY_LEN(ext_cap_regs),
		  TOPO_CONFIG_MAX, 4);
}

/* ------------------------------------------------------------ public API */

int hwmodel_init(struct hwmodel *hw, const struct topology *topo)
{
	size_t i;

	hw->fns = NULL;
	hw->nr_fns = 0;
	hw->vf_changes = 0;
	if (!topo->nr_fns)
		return 0;
	hw->fns = calloc(topo->nr_fns, sizeof(*hw->fns));
	if (!hw->fns)
		return VPCI_ENOMEM;
	for (i = 0; i < topo->nr_fns; i++)
		hwmodel_fn_init(&hw->fns[i], &topo->fns[i]);
	hw->nr_fns = topo->nr_fns;
	return hwmodel_sriov_init(hw, topo);
}

void hwmodel_free(struct hwmodel *hw)
{
	if (!hw)
		return;
	hwmodel_sriov_free(hw);
	free(hw->fns);
	hw->fns = NULL;
	hw->nr_fns = 0;
}

struct hwmodel_fn *hwmodel_find(const struct hwmodel *hw, vpci_sbdf_t sbdf)
{
	size_t lo = 0, hi = hw ? hw->nr_fns : 0;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (hw->fns[mid].sbdf == sbdf)
			return &hw->fns[mid];
		if (hw->fns[mid].sbdf < sbdf)
			lo = mid + 1;
		else
			hi = mid;
	}
	return hw && hw->nr_pfs ? hwmodel_sriov_find(hw, sbdf) : NULL;
}

static bool access_ok(unsigned int reg, unsigned int size)
{
	return (size == 1 || size == 2 || size == 4) && !(reg & (size - 1)) &&
	       reg < TOPO_CONFIG_MAX && reg + size <= TOPO_CONFIG_MAX;
}

static uint32_t all_ones(unsigned int size)
{
	return size == 1 ? 0xffu : size == 2 ? 0xffffu : 0xffffffffu;
}

uint32_t hwmodel_conf_read(struct hwmodel *hw, vpci_sbdf_t sbdf,
			   unsigned int reg, unsigned int size)
{
	const struct hwmodel_fn *fn = hwmodel_find(hw, sbdf);
	uint32_t val = 0;
	unsigned int i;

	if (!fn || !access_ok(reg, size))
		return all_ones(size);
	for (i = 0; i < size; i++)
		val |= (uint32_t)fn->cfg[reg + i] << (8 * i);
	return val;
}

void hwmodel_conf_write(struct hwmodel *hw, vpci_sbdf_t sbdf,
			unsigned int reg, unsigned int size, uint32_t val)
{
	struct hwmodel_fn *fn = hwmodel_find(hw, sbdf);
	unsigned int i;

	if (!fn || !access_ok(reg, size))
		return;
	for (i = 0; i < size; i++) {
		uint8_t b = (uint8_t)(val >> (8 * i));
		uint8_t *cfg = &fn->cfg[reg + i];

		*cfg = (uint8_t)((*cfg & ~fn->wmask[reg + i]) |
				 (b & fn->wmask[reg + i]));
		*cfg = (uint8_t)(*cfg & ~(b & fn->w1cmask[reg + i]));
	}
	if (hw->nr_pfs)
		hwmodel_sriov_written(hw, fn, reg, size);
}
