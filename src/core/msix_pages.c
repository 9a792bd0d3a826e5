/* SPDX-License-Identifier: MIT */
/*
 * Where a device's MSI-X table and PBA live, and the one check of that
 * location that both the frame guard and the MSI-X emulator (cap_msix.c)
 * rely on. Until MSI-X is emulated, a
 * guest that could write the table directly would program real interrupt
 * messages behind the hypervisor's back, so the host frames that hold any
 * byte of them are kept out of every mapping (frame_guard.c), whichever
 * BAR or ROM of the device maps them (PCI 3.0 section 6.8.2: the table and
 * PBA live in memory BARs, at offsets the capability gives). Accesses to
 * those frames then reach the platform's MMIO handler instead. The
 * capability list is the hardware's and may be broken: the walk is
 * bounded and checks every pointer.
 */
#include "internal.h"
#include "header.h"
#include "frame_guard.h"

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

/* Record [off, off + len) of the BAR that bir_off names, if it is one. */
static void locate(struct vpci_dev *dev, struct vpci_msix_region *r,
		   uint32_t bir_off, uint64_t len, const char *what)
{
	const struct vpci_header *hdr = dev->hdr;
	unsigned int bir = bir_off & MSIX_BIR_MASK;
	uint64_t off = bir_off & ~(uint64_t)MSIX_BIR_MASK;
	const struct vpci_bar *bar;

	*r = (struct vpci_msix_region){.offset = off, .bytes = len,
				       .bir = (uint8_t)bir};
	if (bir < hdr->nr_bars) {
		bar = &hdr->bars[bir];
		r->mem_bar = bar->kind == VPCI_BAR_MEM32 ||
			     bar->kind == VPCI_BAR_MEM64;
		r->valid = r->mem_bar && off < bar->size_bytes;
		r->fits = r->valid && len <= bar->size_bytes - off;
		/* Running past its BAR: what the BAR decodes of it still
		 * counts. */
		if (r->valid && !r->fits)
			r->bytes = bar->size_bytes - off;
	}
	/* Outside every memory BAR the device cannot decode it: there is
	 * nothing to keep away. */
	if (!r->valid)
		vpci_log(dev->host, VPCI_LOG_WARN,
			 "%pS: MSI-X %s at BAR %u offset 0x%llx is not inside "
			 "a memory BAR; nothing excluded",
			 dev->sbdf, what, bir, (unsigned long long)off);
}

void vpci_msix_locate(struct vpci_dev *dev)
{
	const struct vpci_host *host = dev->host;
	unsigned int pos = find_msix(dev);
	uint64_t entries;

	if (!pos)
		return;
	dev->hdr->msix_pos = (uint16_t)pos;
	entries = (vpci_phys_read(host, dev->sbdf, pos + MSIX_CTRL, 2) &
		   MSIX_QSIZE_MASK) + 1u;
	locate(dev, &dev->hdr->msix[0],
	       vpci_phys_read(host, dev->sbdf, pos + MSIX_TABLE, 4),
	       entries * MSIX_ENTRY_BYTES, "table");
	/* One pending bit per entry, in whole qwords. */
	locate(dev, &dev->hdr->msix[1],
	       vpci_phys_read(host, dev->sbdf, pos + MSIX_PBA, 4),
	       ((entries + 63u) / 64u) * 8u, "PBA");
}

static const char *location_problem(const struct vpci_msix_region *r)
{
	if (!r->mem_bar)
		return "its BIR names no memory BAR";
	return r->fits ? NULL : "it runs past the end of its BAR";
}

bool vpci_msix_location_ok(const struct vpci_dev *dev, unsigned int pos)
{
	const struct vpci_header *hdr = dev->hdr;
	const struct vpci_msix_region *t = &hdr->msix[0], *p = &hdr->msix[1];
	const struct vpci_msix_region *bad = t;
	const char *why;

	if (pos != hdr->msix_pos) {
		/* Only reachable with a list that changed under us. */
		vpci_log(dev->host, VPCI_LOG_WARN,
			 "%pS: MSI-X capability at 0x%x is not the one its "
			 "table was located from; the capability is hidden",
			 dev->sbdf, pos);
		return false;
	}
	why = location_problem(t);
	if (!why) {
		bad = p;
		why = location_problem(p);
	}
	/* Both fit, so bytes are their whole lengths. */
	if (!why && t->bir == p->bir && t->offset < p->offset + p->bytes &&
	    p->offset < t->offset + t->bytes)
		why = "the table and PBA overlap";
	if (why)
		vpci_log(dev->host, VPCI_LOG_WARN,
			 "%pS: MSI-X %s at BIR %u offset 0x%llx: %s; the "
			 "capability is hidden",
			 dev->sbdf, bad == t ? "table" : "PBA", bad->bir,
			 (unsigned long long)bad->offset, why);
	return !why;
}

bool vpci_msix_host_frames(const struct vpci_dev *dev, unsigned int i,
			   struct vpci_range *frames)
{
	const struct vpci_msix_region *r = &dev->hdr->msix[i];
	const struct vpci_bar *bar;
	uint64_t first;

	if (!r->valid)
		return false;
	bar = &dev->hdr->bars[r->bir];
	/* Unplaced, or holding its sizing pattern: decodes nowhere. The
	 * region lies inside the BAR, which is aligned to its size, so
	 * none of this wraps. */
	if (!bar->addr || vpci_bar_is_sizing(bar, bar->addr))
		return false;
	first = bar->addr + r->offset;
	frames->start = first >> VPCI_FRAME_SHIFT;
	frames->last = (first + r->bytes - 1u) >> VPCI_FRAME_SHIFT;
	return true;
}
