/* SPDX-License-Identifier: MIT */
/*
 * Where BARs map. Owns the owner groups, the placement rule (the one
 * place deciding whether a BAR is mapped and where), and each group's
 * wanted index: which frames its enabled BARs want, counted, with the
 * BAR's mfn - gfn. A BAR enters or leaves the index whole when its
 * placement changes, in O(k log n), never walking other devices; the
 * ranges it touched become its pending work, which map.c carries out.
 * Register semantics are header.c's.
 *
 * Frame numbers are below 2^52 (64-bit addresses, 4 KiB frames), so
 * last + 1 never wraps here.
 */
#include "internal.h"
#include "sriov.h"
#include "header.h"
#include "msix.h"
#include "frame_guard.h"

static const char *const slot_names[VPCI_NR_SLOTS] = {
	"BAR0", "BAR1", "BAR2", "BAR3", "BAR4", "BAR5", "ROM",
};

struct placement {
	uint64_t first;
	uint64_t last;
	uint64_t delta;
};

/* ------------------------------------------------------------- groups */

struct vpci_owner_group *vpci_owner_group(const struct vpci_dev *dev)
{
	/* Guests map into their own physmap. The hardware domain and the
	 * hypervisor owner (owner NULL, hidden or not) both map into the
	 * hardware domain's, so their BARs count against each other. */
	return vpci_dev_is_guest(dev) ? &dev->owner->group
				      : &dev->host->hw_group;
}

struct vpci_owner_group *vpci_domain_group(struct vpci_domain *dom)
{
	return dom->cfg.kind == VPCI_DOMAIN_GUEST ? &dom->group
						  : &dom->host->hw_group;
}

void vpci_group_init(struct vpci_owner_group *g, struct vpci_host *host,
		     struct vpci_domain *dom)
{
	__builtin_memset(g, 0, sizeof(*g));
	vpci_fidx_init(&g->wanted, host);
	vpci_fidx_init(&g->mapped, host);
	g->dom = dom;
}

void vpci_group_destroy(struct vpci_host *host, struct vpci_owner_group *g)
{
	if (g->mapped.nr_segs)
		vpci_log(host, VPCI_LOG_ERROR,
			 "%u frame runs are still mapped as %s goes away "
			 "(an unmap failed earlier)",
			 (unsigned int)g->mapped.nr_segs,
			 g->dom ? "a guest" : "the hardware domain");
	vpci_fidx_destroy(&g->wanted);
	vpci_fidx_destroy(&g->mapped);
	vpci_msix_index_destroy(host, &g->msix);
}

void vpci_group_forget(struct vpci_host *host, struct vpci_owner_group *g)
{
	if (g->mapped.nr_segs)
		vpci_log(host, VPCI_LOG_ERROR,
			 "%u frame runs whose unmap failed are forgotten with "
			 "their domain",
			 (unsigned int)g->mapped.nr_segs);
	vpci_fidx_destroy(&g->mapped);
	g->stale = false;
	g->unmap_error = 0;
}

/* The domain a group maps into, if it exists. */
bool vpci_group_domid(const struct vpci_host *host,
		      const struct vpci_owner_group *g, uint32_t *domid)
{
	if (g->dom) {
		*domid = g->dom->cfg.domid;
		return true;
	}
	if (!host->hwdom)
		return false;
	*domid = host->hwdom->cfg.domid;
	return true;
}

/* ---------------------------------------------------------- placement */

bool vpci_dev_hidden_from_hwdom(const struct vpci_dev *dev)
{
	const struct vpci_host *host = dev->host;

	if (dev->owner ||
	    !(host->policy & (VPCI_POLICY_HIDE_SLOT | VPCI_POLICY_STUB_FN0)))
		return false;
	if ((host->policy & VPCI_POLICY_HIDE_SLOT) &&
	    vpci_sbdf_set_slot_any(&host->hidden, dev->sbdf))
		return true;
	return (host->policy & VPCI_POLICY_STUB_FN0) && vpci_dev_is_hidden(dev);
}

/* A VF decodes by its PF's VF Memory Space Enable; hardware ignores its
 * own memory bit (a guest's emulated one still gates the guest's view). */
static bool mem_decodes(const struct vpci_dev *dev, bool guest)
{
	bool mem = dev->hdr->cmd & VPCI_CMD_MEMORY;

	if (!dev->vf_of)
		return mem;
	return vpci_vf_mem_enabled(dev) && (mem || !guest);
}

/*
 * Where bar should be mapped now, if anywhere. Memory BARs (and the ROM,
 * when enabled) of a device with memory decoding on; I/O space is never
 * mapped here (ports are the platform's business). Address 0 is how
 * firmware marks a BAR unassigned; a sizing pattern (in the guest's view
 * or in the hardware) is a probe in progress, and like real hardware the
 * BAR then decodes nowhere useful. A guest's BAR must keep the host's
 * offset within its page, as a mapping moves whole frames; a BAR smaller
 * than a page maps the frame that contains it.
 */
static bool bar_placement(const struct vpci_dev *dev, unsigned int slot,
			  struct placement *p)
{
	const struct vpci_header *hdr = dev->hdr;
	const struct vpci_bar *bar = &hdr->bars[slot];
	bool guest = vpci_dev_is_guest(dev);
	uint64_t gaddr = guest ? bar->guest_addr : bar->addr;
	uint32_t domid;

	if (bar->kind != VPCI_BAR_MEM32 && bar->kind != VPCI_BAR_MEM64 &&
	    bar->kind != VPCI_BAR_ROM)
		return false;
	if (!mem_decodes(dev, guest) ||
	    (bar->kind == VPCI_BAR_ROM && !hdr->rom_enabled))
		return false;
	/* What the hardware domain cannot see, it does not get mapped (no
	 * call unless a hide policy is on). */
	if (!guest &&
	    (dev->host->policy &
	     (VPCI_POLICY_HIDE_SLOT | VPCI_POLICY_STUB_FN0)) &&
	    vpci_dev_hidden_from_hwdom(dev))
		return false;
	if (!vpci_group_domid(dev->host, vpci_owner_group(dev), &domid) ||
	    vpci_bar_is_sizing(bar, gaddr) ||
	    vpci_bar_is_sizing(bar, bar->addr) || !gaddr || !bar->addr)
		return false;
	if (guest && ((gaddr ^ bar->addr) & (VPCI_FRAME_SIZE - 1u))) {
		vpci_log(dev->host, VPCI_LOG_WARN,
			 "%pS: %s not mapped for domain %u: guest address "
			 "0x%llx and host address 0x%llx have different "
			 "offsets within a page",
			 dev->sbdf, slot_names[slot], domid,
			 (unsigned long long)gaddr,
			 (unsigned long long)bar->addr);
		return false;
	}
	p->first = gaddr >> VPCI_FRAME_SHIFT;
	p->last = (gaddr + bar->size_bytes - 1u) >> VPCI_FRAME_SHIFT;
	p->delta = (bar->addr >> VPCI_FRAME_SHIFT) - p->first;
	return true;
}

/* --------------------------------------------- entering the wanted index */

typedef int contrib_fn(void *arg, uint64_t first, uint64_t last);

/* Visit the runs of [first, last] the BAR does not exclude. */
static int for_each_contrib(const struct vpci_bar *bar, uint64_t first,
			    uint64_t last, contrib_fn *fn, void *arg)
{
	uint64_t off = 0, end = last - first;
	struct vpci_range ex;
	int rc;

	if (vpci_rangeset_is_empty(&bar->excluded)) /* most BARs */
		return fn(arg, first, last);
	while (off <= end) {
		if (vpci_rangeset_find_first(&bar->excluded, off, end, &ex))
			return fn(arg, first + off, last);
		if (ex.start > off) {
			rc = fn(arg, first + off, first + ex.start - 1u);
			if (rc)
				return rc;
		}
		off = ex.last + 1u;
	}
	return 0;
}

struct contrib_op {
	struct vpci_owner_group *g;
	uint64_t delta;
	size_t nr;    /* runs visited */
	size_t limit; /* rollback: stop after this many */
	const struct vpci_fseg *conflict;
};

static int count_contrib(void *arg, uint64_t first, uint64_t last)
{
	(void)first;
	(void)last;
	((struct contrib_op *)arg)->nr++;
	return 0;
}

static int add_contrib(void *arg, uint64_t first, uint64_t last)
{
	struct contrib_op *op = arg;
	int rc = vpci_fidx_add(&op->g->wanted, first, last, op->delta, NULL,
			       NULL, &op->conflict);

	if (!rc)
		op->nr++;
	return rc;
}

static int remove_contrib(void *arg, uint64_t first, uint64_t last)
{
	struct contrib_op *op = arg;

	if (op->nr == op->limit)
		return 1;
	op->nr++;
	/* Cannot fail: every run was added, and enough nodes stay reserved
	 * for removals (see bar_enter). */
	return vpci_fidx_remove(&op->g->wanted, first, last, NULL, NULL);
}

/* Queue [first, last] for reconciling; overlapping ranges merge. Inline:
 * entering a BAR queues its range, usually on an empty queue. */
static inline __attribute__((always_inline)) void
pend_add(struct vpci_bar *bar, uint64_t first, uint64_t last)
{
	unsigned int i;

	for (i = 0; i < bar->nr_pend; i++) {
		struct vpci_range *r = &bar->pend[i];

		if (first <= r->last + 1u && r->start <= last + 1u) {
			r->start = first < r->start ? first : r->start;
			r->last = last > r->last ? last : r->last;
			return;
		}
	}
	if (bar->nr_pend < VPCI_BAR_NR_PEND) {
		bar->pend[bar->nr_pend++] = (struct vpci_range){first, last};
		return;
	}
	/* Full: widen the last range. Working a wider range is harmless, it
	 * only looks at more frames. */
	i = VPCI_BAR_NR_PEND - 1u;
	bar->pend[i].start =
		first < bar->pend[i].start ? first : bar->pend[i].start;
	bar->pend[i].last = last > bar->pend[i].last ? last : bar->pend[i].last;
}

struct vpci_header *vpci_bar_header(struct vpci_bar *bar)
{
	return (struct vpci_header *)(void *)((char *)(bar - bar->slot) -
					      offsetof(struct vpci_header,
						       bars));
}

static void block(struct vpci_owner_group *g, struct vpci_bar *bar)
{
	struct vpci_bar **link = &g->blocked;

	while (*link) /* FIFO: first blocked, first retried */
		link = &(*link)->blocked_next;
	*link = bar;
	bar->blocked_next = NULL;
	bar->blocked = true;
}

void vpci_bar_unblock(struct vpci_owner_group *g, struct vpci_bar *bar)
{
	struct vpci_bar **link = &g->blocked;

	if (!bar->blocked)
		return;
	while (*link != bar)
		link = &(*link)->blocked_next;
	*link = bar->blocked_next;
	bar->blocked = false;
	bar->blocked_next = NULL;
}

void vpci_bar_leave(struct vpci_dev *dev, struct vpci_bar *bar)
{
	struct contrib_op op = {.g = vpci_owner_group(dev), .limit = SIZE_MAX};

	if (!bar->in_index)
		return;
	/* Frames freed up: a BAR blocked by a conflict may fit now. */
	if (op.g->blocked)
		op.g->retry = true;
	if (for_each_contrib(bar, bar->first_gfn, bar->last_gfn, remove_contrib,
			     &op))
		vpci_log(dev->host, VPCI_LOG_ERROR,
			 "%pS: BAR frame index out of step", dev->sbdf);
	op.g->nr_wanted_ranges -= op.nr;
	pend_add(bar, bar->first_gfn, bar->last_gfn);
	bar->in_index = false;
	vpci_msix_bar_moved(dev, bar);
}

/* Make sure idx holds at least nr_nodes nodes, segments and spare. */
/* Reserving a few nodes more than asked when some are missing lets the
 * next BARs enabled (a boot enables thousands) find theirs spare. */
#define RESERVE_AHEAD 8u

static int reserve_total(struct vpci_fidx *idx, size_t nr_nodes)
{
	size_t have = idx->nr_segs + idx->nr_spare;

	if (nr_nodes <= have)
		return 0;
	return vpci_fidx_reserve(idx, idx->nr_spare + (nr_nodes - have) +
					      RESERVE_AHEAD);
}

static int reserve_spare(struct vpci_fidx *idx, size_t nr_spare)
{
	if (nr_spare <= idx->nr_spare)
		return 0;
	return vpci_fidx_reserve(idx, nr_spare + RESERVE_AHEAD);
}

/*
 * Add a BAR to its group's wanted index, leaving out its forbidden host
 * frames (frame_guard.c; no memory for those: not added, fail closed).
 * Each range added can split an index in at most two more places, so
 * keeping 2 * ranges + 1 nodes reserved in the wanted index, and as many
 * spare in the mapped index, means that taking ranges out and unmapping
 * them never needs memory: disabling decoding, deassigning and destroying
 * cannot fail for want of it. Allocation happens only here, when a BAR is
 * enabled. Errors: VPCI_ENOMEM, VPCI_EEXIST (overlaps a BAR translated
 * differently; nothing added).
 */
static int bar_enter(struct vpci_dev *dev, struct vpci_bar *bar,
		     const struct placement *p, struct vpci_range *conflict)
{
	struct contrib_op op = {.g = vpci_owner_group(dev), .delta = p->delta};
	struct vpci_fidx *w = &op.g->wanted, *m = &op.g->mapped;
	size_t ranges;
	int rc;

	rc = vpci_guard_exclusions(dev, bar, p->first + p->delta,
				   p->last + p->delta);
	if (rc)
		return rc;
	if (vpci_rangeset_is_empty(&bar->excluded)) /* most BARs */
		op.nr = 1;
	else
		for_each_contrib(bar, p->first, p->last, count_contrib, &op);
	ranges = op.g->nr_wanted_ranges + op.nr;
	rc = reserve_total(w, 2u * ranges + 1u);
	/* And one more in mapped, for the run map_run records first. */
	if (!rc)
		rc = reserve_spare(m, 2u * ranges + 3u);
	if (rc)
		return rc;
	op.nr = 0;
	if (vpci_rangeset_is_empty(&bar->excluded)) { /* most BARs: one run */
		rc = vpci_fidx_add(w, p->first, p->last, p->delta, NULL, NULL,
				   &op.conflict);
		op.nr = !rc;
	} else {
		rc = for_each_contrib(bar, p->first, p->last, add_contrib,
				      &op);
	}
	if (rc) {
		struct contrib_op undo = {.g = op.g, .limit = op.nr};

		/* Copied now: undoing may merge the segment away. */
		if (rc == VPCI_EEXIST && op.conflict)
			*conflict = (struct vpci_range){op.conflict->start,
							op.conflict->last};
		for_each_contrib(bar, p->first, p->last, remove_contrib, &undo);
		return rc;
	}
	op.g->nr_wanted_ranges += op.nr;
	bar->first_gfn = p->first;
	bar->last_gfn = p->last;
	bar->delta = p->delta;
	bar->in_index = true;
	pend_add(bar, p->first, p->last);
	if (dev->msix)
		vpci_msix_bar_moved(dev, bar);
	return 0;
}

/* The kinds bar_placement() may place (bit i: kind i). */
#define PLACEABLE_KINDS                                                        \
	((1u << VPCI_BAR_MEM32) | (1u << VPCI_BAR_MEM64) | (1u << VPCI_BAR_ROM))

/* Whether nothing could place dev's BARs now: a physical function's
 * memory decoding is off. */
static bool decode_off(const struct vpci_dev *dev)
{
	return !dev->vf_of && !(dev->hdr->cmd & VPCI_CMD_MEMORY);
}

/*
 * Nothing to do for bar, seen without computing its placement: it is
 * neither in the index nor waiting, and nothing could place it (not a
 * memory BAR, or off is true: decode_off()). Most slots of most syncs: a
 * header's set-up syncs all seven with decoding off, a decode change
 * syncs all seven of which few are memory BARs.
 */
static bool bar_settled(const struct vpci_bar *bar, bool off)
{
	if (bar->in_index || bar->blocked)
		return false;
	return off || !((1u << bar->kind) & PLACEABLE_KINDS);
}

/* Bring slot's wanted-index entry in line with its placement. Inline in
 * its one caller, vpci_bars_sync(): a call per slot saved and restored
 * every register it uses, for each BAR a decode change enables. */
static inline __attribute__((always_inline)) int
bar_resync(struct vpci_dev *dev, unsigned int slot)
{
	struct vpci_bar *bar = &dev->hdr->bars[slot];
	struct vpci_range conflict = {0, 0};
	struct placement p = {0, 0, 0};
	bool want = bar_placement(dev, slot, &p);
	int rc;

	if (bar->in_index && want && bar->first_gfn == p.first &&
	    bar->last_gfn == p.last && bar->delta == p.delta)
		return 0;
	if (!want && !bar->in_index && !bar->blocked)
		return 0; /* nothing to leave (unused slots, mostly) */
	if (bar->blocked)
		vpci_bar_unblock(vpci_owner_group(dev), bar);
	if (bar->in_index)
		vpci_bar_leave(dev, bar);
	if (!want)
		return 0;
	rc = bar_enter(dev, bar, &p, &conflict);
	if (rc == VPCI_EEXIST) {
		/* Guests only: the hardware domain's translation is 1:1. */
		block(vpci_owner_group(dev), bar);
		vpci_log(dev->host, VPCI_LOG_WARN,
			 "%pS: %s not mapped: gfn 0x%llx-0x%llx overlaps "
			 "another BAR at gfn 0x%llx-0x%llx mapped to other "
			 "host frames",
			 dev->sbdf, slot_names[slot],
			 (unsigned long long)p.first,
			 (unsigned long long)p.last,
			 (unsigned long long)conflict.start,
			 (unsigned long long)conflict.last);
		return 0;
	}
	return rc;
}

/* One slot: a sync of that slot alone (bar_resync is inlined once). */
int vpci_bar_sync(struct vpci_dev *dev, unsigned int slot)
{
	return vpci_bars_sync(dev, 1u << slot);
}

int vpci_bars_sync(struct vpci_dev *dev, unsigned int mask)
{
	const struct vpci_bar *bars = dev->hdr->bars;
	/* A resync never changes the command register. */
	bool off = decode_off(dev);
	unsigned int slot;

	for (slot = 0; slot < VPCI_NR_SLOTS; slot++) {
		int rc;

		if (!(mask & (1u << slot)) || bar_settled(&bars[slot], off))
			continue;
		rc = bar_resync(dev, slot);
		if (rc)
			return rc;
	}
	return 0;
}

void vpci_bars_fail(struct vpci_dev *dev, int rc)
{
	struct vpci_header *hdr = dev->hdr;
	unsigned int slot;

	vpci_log(dev->host, VPCI_LOG_ERROR,
		 "%pS: mapping its BARs failed (%s): memory decoding turned "
		 "off, what was mapped is unmapped",
		 dev->sbdf, vpci_strerror(rc));
	if (!hdr->error)
		hdr->error = rc;
	hdr->cmd &= (uint16_t)~VPCI_CMD_MEMORY;
	/* The hardware stops decoding memory once the unmaps are done,
	 * whatever command write was waiting. */
	if (vpci_held(hdr, VPCI_HELD_CMD)) {
		hdr->held[VPCI_HELD_CMD].val &= ~(uint32_t)VPCI_CMD_MEMORY;
		hdr->held[VPCI_HELD_CMD].keep &= ~(uint32_t)VPCI_CMD_MEMORY;
	} else {
		hdr->held[VPCI_HELD_CMD] = (struct vpci_held_write){
			.reg = VPCI_REG_COMMAND,
			.size = 2,
			.val = 0,
			.keep = 0xffffu & ~(uint32_t)VPCI_CMD_MEMORY,
			.only_if_changed = true,
		};
	}
	for (slot = 0; slot < VPCI_NR_SLOTS; slot++)
		vpci_bar_leave(dev, &hdr->bars[slot]);
}
