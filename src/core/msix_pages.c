/* SPDX-License-Identifier: MIT */
/*
 * Keeping a guest away from its device's MSI-X table and PBA. Until MSI-X
 * is emulated, a guest that could write the table directly would program
 * real interrupt messages behind the hypervisor's back, so the pages that
 * hold them are excluded from every mapping of the BAR (PCI 3.0 section
 * 6.8.2: the table and PBA live in memory BARs, at offsets the capability
 * gives). Accesses to those pages then reach the platform's MMIO handler
 * instead of the device. The capability list is the hardware's and may be
 * broken: the walk is bounded and checks every pointer.
 */
#include "internal.h"

#define CAP_WALK_MAX 48u /* (256 - 64) / 4: more means a loop */
#define MSIX_CTRL 2u
#define MSIX_TABLE 4u
#define MSIX_PBA 8u
#define MSIX_BIR_MASK 7u
#define MSIX_QSIZE_MASK 0x7ffu
#define MSIX_ENTRY_BYTES 16u

/* Offset of the MSI-X capability in the hardware's list, or 0. */
static unsigned int find_msix(const struct vpci_dev *dev)
{
	const struct vpci_host *host = dev->host;
	unsigned int pos, i;

	if (!(vpci_phys_read(host, dev->sbdf, VPCI_REG_STATUS, 2) &
	      VPCI_STATUS_CAP_LIST))
		return 0;
	pos = vpci_phys_read(host, dev->sbdf, VPCI_REG_CAP_PTR, 1);
	for (i = 0; i < CAP_WALK_MAX && pos >= 0x40u && pos < 0x100u; i++) {
		uint32_t hdr;

		pos &= ~3u;
		hdr = vpci_phys_read(host, dev->sbdf, pos, 2);
		if ((hdr & 0xffu) == VPCI_CAP_ID_MSIX)
			return pos;
		pos = hdr >> 8;
	}
	return 0;
}

/* Exclude [off, off + len) of the BAR that bir names, in whole frames. */
static void exclude(struct vpci_dev *dev, uint32_t bir_off, uint64_t len,
		    const char *what)
{
	struct vpci_header *hdr = dev->hdr;
	unsigned int bir = bir_off & MSIX_BIR_MASK;
	uint64_t off = bir_off & ~(uint64_t)MSIX_BIR_MASK;
	struct vpci_bar *bar;

	if (bir >= hdr->nr_bars)
		goto bad;
	bar = &hdr->bars[bir];
	if ((bar->kind != VPCI_BAR_MEM32 && bar->kind != VPCI_BAR_MEM64) ||
	    off >= bar->size_bytes || len > bar->size_bytes - off)
		goto bad;
	if (bar->size_bytes < VPCI_FRAME_SIZE) {
		off = 0; /* a sub-page BAR is one frame, all of it sensitive */
		len = 1;
	}
	if (vpci_rangeset_add(&bar->excluded, off >> VPCI_FRAME_SHIFT,
			      (off + len - 1u) >> VPCI_FRAME_SHIFT) == 0)
		return;
	vpci_log(dev->host, VPCI_LOG_ERROR,
		 "%pS: no memory to keep the MSI-X %s out of guest mappings",
		 dev->sbdf, what);
	return;
bad:
	vpci_log(dev->host, VPCI_LOG_WARN,
		 "%pS: MSI-X %s at BAR %u offset 0x%llx is not inside a memory "
		 "BAR; nothing excluded",
		 dev->sbdf, what, bir, (unsigned long long)off);
}

void vpci_msix_exclude_pages(struct vpci_dev *dev)
{
	const struct vpci_host *host = dev->host;
	unsigned int pos = find_msix(dev);
	uint64_t entries;

	if (!pos)
		return;
	entries = (vpci_phys_read(host, dev->sbdf, pos + MSIX_CTRL, 2) &
		   MSIX_QSIZE_MASK) + 1u;
	exclude(dev, vpci_phys_read(host, dev->sbdf, pos + MSIX_TABLE, 4),
		entries * MSIX_ENTRY_BYTES, "table");
	/* One pending bit per entry, in whole qwords. */
	exclude(dev, vpci_phys_read(host, dev->sbdf, pos + MSIX_PBA, 4),
		((entries + 63u) / 64u) * 8u, "PBA");
}
