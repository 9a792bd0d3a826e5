/* SPDX-License-Identifier: MIT */
/*
 * Resizable BAR (PCIe 6.0 section 7.8.6), for the hardware domain only:
 * resizing a BAR changes which host frames it decodes, so the BAR's size,
 * address mask and later mappings must follow, and a resize under the
 * hypervisor's feet while the BAR is mapped must not happen. Guests never
 * see the capability (their BAR sizes are fixed at assignment).
 *
 * Each BAR's control register is emulated: a new BAR Size is refused
 * (logged) while memory decoding is on, or when the capability register
 * does not list that size; otherwise it reaches the hardware and the BAR
 * is re-read. The capability registers pass through.
 */
#include "internal.h"
#include "header.h"
#include "caps.h"
#include "map.h"

#define REBAR_CAP(i) (4u + 8u * (i))
#define REBAR_CTRL(i) (8u + 8u * (i))
#define CTRL_BAR_IDX 0x0007u
#define CTRL_NBAR_SHIFT 5u
#define CTRL_NBAR_MASK 0x7u
#define CTRL_SIZE_SHIFT 8u
#define CTRL_SIZE_MASK 0x3f00u
#define MAX_REBARS 6u
#define SIZE_1MB_SHIFT 20u

/* Whether BAR Size encoding s (2^(s+20) bytes) is supported: bits 31:4
 * of the capability register list 1 MB .. 128 TB, bits 31:16 of the
 * control register 256 TB .. 8 EB. */
static bool size_supported(uint32_t cap, uint32_t ctrl, unsigned int s)
{
	if (s <= 27u)
		return (cap >> (s + 4u)) & 1u;
	return s <= 43u && ((ctrl >> (s - 12u)) & 1u);
}

static void apply_size(struct vpci_dev *dev, struct vpci_bar *bar,
		       uint64_t size)
{
	uint32_t lo = vpci_phys_read(dev->host, dev->sbdf, bar->reg, 4);
	uint64_t addr = lo;

	if (bar->kind == VPCI_BAR_MEM64)
		addr |= (uint64_t)vpci_phys_read(dev->host, dev->sbdf,
						 bar->reg + 4u, 4)
			<< 32;
	bar->size_bytes = size;
	bar->addr_mask = ~(size - 1u) &
			 (bar->kind == VPCI_BAR_MEM64 ? ~0xfull : 0xfffffff0ull);
	bar->addr = addr & bar->addr_mask;
	bar->guest_addr = bar->addr;
}

/* A write of BAR Size s to the control register at reg, which holds hw:
 * a resize, checked, then made. Out of line, so that a write that keeps
 * the size saves fewer registers. */
static __attribute__((noinline)) void
resize(struct vpci_dev *dev, unsigned int reg, uint32_t hw, unsigned int s)
{
	unsigned int idx = hw & CTRL_BAR_IDX;
	struct vpci_bar *bar = &dev->hdr->bars[idx < VPCI_ROM_SLOT ? idx : 0];
	uint32_t cap = vpci_phys_read(dev->host, dev->sbdf, reg - 4u, 4);
	const char *why = NULL;

	if (idx >= dev->hdr->nr_bars ||
	    (bar->kind != VPCI_BAR_MEM32 && bar->kind != VPCI_BAR_MEM64))
		why = "it names no memory BAR";
	else if (dev->hdr->cmd & VPCI_CMD_MEMORY)
		why = "memory decoding is on";
	else if (bar->in_index || vpci_bars_pending(dev))
		why = "the BAR is still mapped";
	else if (!size_supported(cap, hw, s) ||
		 (bar->kind == VPCI_BAR_MEM32 && s > 11u))
		why = "the size is not supported";
	if (why) {
		vpci_log(dev->host, VPCI_LOG_WARN,
			 "%pS: resize of BAR%u to %llu MB refused: %s",
			 dev->sbdf, idx, (unsigned long long)1u << s, why);
		return;
	}
	vpci_phys_write(dev->host, dev->sbdf, reg, 4,
			(hw & ~(uint32_t)CTRL_SIZE_MASK) |
				(s << CTRL_SIZE_SHIFT));
	apply_size(dev, bar, 1ull << (s + SIZE_1MB_SHIFT));
}

static void ctrl_write(struct vpci_dev *dev, unsigned int reg,
		       unsigned int size, uint32_t val, void *data)
{
	/* reg is this 4-byte register's own: straight to the platform. */
	uint32_t hw = dev->host->ops->conf_read(dev->host->ctx, dev->sbdf, reg,
						4);
	unsigned int s = (val & CTRL_SIZE_MASK) >> CTRL_SIZE_SHIFT;

	(void)size;
	(void)data;
	if (s != ((hw & CTRL_SIZE_MASK) >> CTRL_SIZE_SHIFT))
		resize(dev, reg, hw, s); /* else nothing to check */
}

static int rebar_init(struct vpci_dev *dev, struct vpci_cap *cap)
{
	unsigned int pos = cap->pos, nr, i;
	int rc = 0;

	if (vpci_dev_is_guest(dev))
		return 0; /* hidden */
	nr = (vpci_phys_read(dev->host, dev->sbdf, pos + REBAR_CTRL(0), 4) >>
	      CTRL_NBAR_SHIFT) &
	     CTRL_NBAR_MASK;
	if (nr == 0 || nr > MAX_REBARS) {
		vpci_log(dev->host, VPCI_LOG_WARN,
			 "%pS: resizable BAR capability at 0x%x claims %u "
			 "BARs: none can be resized",
			 dev->sbdf, pos, nr);
		nr = 0;
	}
	for (i = 0; i < MAX_REBARS && !rc; i++) {
		unsigned int reg = pos + REBAR_CTRL(i);

		if (reg + 4u > VPCI_CFG_SPACE_SIZE || (i >= nr && i > 0))
			break;
		/* Past the BARs it claims, or with none: read-only. */
		rc = vpci_add_phys_register(dev, i < nr ? ctrl_write : NULL,
					    reg, 4, NULL, NULL);
	}
	return rc;
}

const struct vpci_cap_emulator vpci_cap_rebar = {
	.name = "resizable BAR",
	.id = 0x15,
	.extended = true,
	.init = rebar_init,
	.cleanup = NULL,
};
