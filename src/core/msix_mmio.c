/* SPDX-License-Identifier: MIT */
/*
 * The trapped MSI-X frames: where each device's table and PBA frames sit
 * in its owner's physmap (an index per owner group, kept as BARs move),
 * and the MMIO entry points the platform calls for accesses there.
 *
 * The index is a sorted array of non-overlapping runs of frames: finding
 * the MSI-X state behind an address is a binary search, O(log n) in the
 * number of trapped runs of the domain. Room for a device's runs is
 * reserved when its MSI-X state is built, so a BAR move never allocates.
 *
 * Inside a trapped frame: the table takes aligned 4- and 8-byte accesses
 * (PCI 3.0 section 6.8.2: "software must use aligned full DWORD or aligned
 * full QWORD transactions"), anything else there reads all-ones and is
 * dropped; the PBA reads from the hardware for the hardware domain and as
 * 0 for a guest (its vectors are the platform's, not the device's), and
 * ignores writes; other registers sharing the frames, inside the BAR, go
 * to the device at the same offset of its host address.
 */
#include "internal.h"
#include "header.h"
#include "msix.h"

#define FRAME_MASK (VPCI_FRAME_SIZE - 1u)

/* ------------------------------------------------------------ the index */

int vpci_msix_index_reserve(struct vpci_host *host, struct vpci_msix_index *ix,
			    size_t nr)
{
	size_t want = ix->reserved + nr, cap;
	struct vpci_msix_trap **traps;

	if (want > ix->capacity) {
		cap = ix->capacity ? ix->capacity * 2u : 8u;
		while (cap < want)
			cap *= 2u;
		traps = vpci_zalloc(host, cap * sizeof(*traps));
		if (!traps)
			return VPCI_ENOMEM;
		if (ix->nr)
			__builtin_memcpy(traps, ix->traps,
					 ix->nr * sizeof(*traps));
		vpci_free(host, ix->traps);
		ix->traps = traps;
		ix->capacity = cap;
	}
	ix->reserved = want;
	return 0;
}

void vpci_msix_index_release(struct vpci_msix_index *ix, size_t nr)
{
	ix->reserved -= nr < ix->reserved ? nr : ix->reserved;
}

void vpci_msix_index_destroy(struct vpci_host *host, struct vpci_msix_index *ix)
{
	vpci_free(host, ix->traps);
	__builtin_memset(ix, 0, sizeof(*ix));
}

/* Index of the first trap starting after gfn. */
static size_t upper_bound(const struct vpci_msix_index *ix, uint64_t gfn)
{
	size_t lo = 0, hi = ix->nr;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2u;

		if (ix->traps[mid]->first_gfn <= gfn)
			lo = mid + 1u;
		else
			hi = mid;
	}
	return lo;
}

static struct vpci_msix_trap *index_find(const struct vpci_msix_index *ix,
					 uint64_t gfn)
{
	size_t i = upper_bound(ix, gfn);

	if (!i || ix->traps[i - 1u]->last_gfn < gfn)
		return NULL;
	return ix->traps[i - 1u];
}

static bool index_insert(struct vpci_msix_index *ix, struct vpci_msix_trap *t)
{
	size_t i = upper_bound(ix, t->first_gfn);

	if (ix->nr == ix->capacity ||
	    (i > 0 && ix->traps[i - 1u]->last_gfn >= t->first_gfn) ||
	    (i < ix->nr && ix->traps[i]->first_gfn <= t->last_gfn))
		return false;
	__builtin_memmove(&ix->traps[i + 1u], &ix->traps[i],
			  (ix->nr - i) * sizeof(ix->traps[0]));
	ix->traps[i] = t;
	ix->nr++;
	t->active = true;
	return true;
}

static void index_remove(struct vpci_msix_index *ix, struct vpci_msix_trap *t)
{
	size_t i = upper_bound(ix, t->first_gfn);

	/* Runs never overlap, so t is the last one starting at or before
	 * its first frame. */
	if (t->active && i > 0 && ix->traps[i - 1u] == t) {
		__builtin_memmove(&ix->traps[i - 1u], &ix->traps[i],
				  (ix->nr - i) * sizeof(ix->traps[0]));
		ix->nr--;
	}
	t->active = false;
}

/* ---------------------------------------------------------- the traps */

static uint64_t bar_base(const struct vpci_dev *dev, const struct vpci_bar *bar)
{
	return vpci_dev_is_guest(dev) ? bar->guest_addr : bar->addr;
}

/* The runs of BAR offsets to trap: the table's frames and the PBA's,
 * merged when they share or touch a frame of one BAR. */
static void plan_traps(struct vpci_msix *msix)
{
	uint64_t tlen = (uint64_t)msix->nr_entries * VPCI_MSIX_ENTRY_BYTES;
	uint64_t plen = ((msix->nr_entries + 63u) / 64u) * 8u;
	struct vpci_msix_trap *t = msix->traps, *p = msix->traps + 1;

	t->slot = msix->table_bir;
	t->first_off = msix->table_off & ~(uint64_t)FRAME_MASK;
	t->last_off = (msix->table_off + tlen - 1u) | FRAME_MASK;
	p->slot = msix->pba_bir;
	p->first_off = msix->pba_off & ~(uint64_t)FRAME_MASK;
	p->last_off = (msix->pba_off + plen - 1u) | FRAME_MASK;
	msix->nr_traps = 2;
	if (t->slot == p->slot && p->first_off <= t->last_off + 1u &&
	    t->first_off <= p->last_off + 1u) {
		t->first_off = t->first_off < p->first_off ? t->first_off
							   : p->first_off;
		t->last_off = t->last_off > p->last_off ? t->last_off
							: p->last_off;
		msix->nr_traps = 1;
	}
	t->msix = msix;
	p->msix = msix;
}

void vpci_msix_traps_remove(struct vpci_msix *msix)
{
	struct vpci_msix_index *ix = &vpci_owner_group(msix->dev)->msix;
	unsigned int i;

	for (i = 0; i < VPCI_MSIX_NR_TRAPS; i++)
		index_remove(ix, &msix->traps[i]);
}

void vpci_msix_traps_sync(struct vpci_msix *msix)
{
	struct vpci_dev *dev = msix->dev;
	struct vpci_msix_index *ix = &vpci_owner_group(dev)->msix;
	unsigned int i;

	vpci_msix_traps_remove(msix);
	plan_traps(msix);
	for (i = 0; i < msix->nr_traps; i++) {
		struct vpci_msix_trap *t = &msix->traps[i];
		const struct vpci_bar *bar = &dev->hdr->bars[t->slot];
		/* A BAR smaller than a frame is trapped whole (its frame). */
		uint64_t base = bar_base(dev, bar) & ~(uint64_t)FRAME_MASK;

		if (!bar->in_index)
			continue; /* not decoding: nothing to trap */
		t->first_gfn = (base + t->first_off) >> VPCI_FRAME_SHIFT;
		t->last_gfn = (base + (t->last_off < bar->size_bytes
					       ? t->last_off
					       : FRAME_MASK)) >>
			      VPCI_FRAME_SHIFT;
		if (!index_insert(ix, t))
			vpci_log(dev->host, VPCI_LOG_WARN,
				 "%pS: MSI-X frames at gfn 0x%llx-0x%llx "
				 "overlap another device's: accesses there "
				 "are not emulated",
				 dev->sbdf, (unsigned long long)t->first_gfn,
				 (unsigned long long)t->last_gfn);
	}
}

void vpci_msix_bar_moved(struct vpci_dev *dev, const struct vpci_bar *bar)
{
	struct vpci_msix *msix = dev->msix;

	if (msix && (bar->slot == msix->table_bir ||
		     bar->slot == msix->pba_bir))
		vpci_msix_traps_sync(msix);
}

/* ------------------------------------------------------ entry points */

enum region { REGION_OTHER, REGION_TABLE, REGION_PBA };

struct target {
	struct vpci_msix *msix;
	const struct vpci_bar *bar;
	uint64_t off; /* bytes into the BAR */
	enum region region;
	bool ok;      /* inside the BAR, sized and aligned for its region */
};

static bool in_region(uint64_t off, uint64_t start, uint64_t len)
{
	return off >= start && off - start < len;
}

/* Decode gpa; false when it is not in a trapped frame of dom. */
static bool decode(struct vpci_domain *dom, uint64_t gpa, unsigned int size,
		   struct target *tg)
{
	const struct vpci_msix_trap *t =
		index_find(&vpci_domain_group(dom)->msix,
			   gpa >> VPCI_FRAME_SHIFT);
	const struct vpci_msix *msix;
	const struct vpci_dev *dev;
	uint64_t base;

	if (!t)
		return false;
	msix = t->msix;
	dev = msix->dev;
	tg->msix = t->msix;
	tg->bar = &dev->hdr->bars[t->slot];
	tg->region = REGION_OTHER;
	base = bar_base(dev, tg->bar);
	tg->off = gpa - base;
	tg->ok = (size == 1 || size == 2 || size == 4 || size == 8) &&
		 !(gpa & (size - 1u)) && gpa >= base &&
		 tg->off < tg->bar->size_bytes &&
		 size <= tg->bar->size_bytes - tg->off &&
		 /* The hypervisor's own devices are not the hardware
		  * domain's to program. */
		 !vpci_dev_is_hidden(dev);
	if (t->slot == msix->table_bir &&
	    in_region(tg->off, msix->table_off,
		      (uint64_t)msix->nr_entries * VPCI_MSIX_ENTRY_BYTES))
		tg->region = REGION_TABLE;
	else if (t->slot == msix->pba_bir &&
		 in_region(tg->off, msix->pba_off,
			   ((msix->nr_entries + 63u) / 64u) * 8u))
		tg->region = REGION_PBA;
	if (tg->region != REGION_OTHER && size < 4)
		tg->ok = false;
	return true;
}

static uint64_t ones(unsigned int size)
{
	return size >= 8 ? UINT64_MAX : (1ull << (size * 8u)) - 1u;
}

static uint64_t mmio_read(const struct vpci_host *host, uint64_t maddr,
			  unsigned int size)
{
	if (!host->ops->mmio_read)
		return ones(size);
	return host->ops->mmio_read(host->ctx, maddr, size) & ones(size);
}

int vpci_msix_read(struct vpci_domain *dom, uint64_t gpa, unsigned int size,
		   uint64_t *val)
{
	struct vpci_host *host = dom->host;
	struct target tg;
	int rc = 0;

	*val = ones(size);
	vpci_lock(host);
	if (!decode(dom, gpa, size, &tg))
		rc = VPCI_ENOENT;
	else if (!tg.ok)
		; /* all-ones */
	else if (tg.region == REGION_TABLE)
		*val = vpci_msix_table_read(tg.msix,
					    tg.off - tg.msix->table_off, size);
	else if (tg.region == REGION_PBA && vpci_dev_is_guest(tg.msix->dev))
		*val = 0;
	else
		*val = mmio_read(host, tg.bar->addr + tg.off, size);
	vpci_unlock(host);
	return rc;
}

int vpci_msix_write(struct vpci_domain *dom, uint64_t gpa, unsigned int size,
		    uint64_t val)
{
	struct vpci_host *host = dom->host;
	struct target tg;
	int rc = 0;

	vpci_lock(host);
	if (!decode(dom, gpa, size, &tg))
		rc = VPCI_ENOENT;
	else if (!tg.ok || tg.region == REGION_PBA)
		; /* dropped: the PBA is read-only (6.8.2.10) */
	else if (tg.region == REGION_TABLE)
		vpci_msix_table_write(tg.msix, tg.off - tg.msix->table_off,
				      size, val);
	else if (host->ops->mmio_write)
		host->ops->mmio_write(host->ctx, tg.bar->addr + tg.off, size,
				      val & ones(size));
	vpci_unlock(host);
	return rc;
}
