/* SPDX-License-Identifier: MIT */
/*
 * Getting BARs mapped: the map work, and the pending-work queue behind
 * vpci_process_pending(), and the config writes header.c held until that
 * work is done. Where BARs should map is bar_index.c's; what registers
 * mean is header.c's, which this file never calls.
 *
 * Each owner group keeps, beside the wanted index, a mapped index: what
 * the platform has actually mapped, updated frame-exactly from every
 * map/unmap answer, preempted or failed ones included. Working a BAR's
 * pending range walks it run by run: frames mapped but no longer wanted
 * (or wanted with another translation) are unmapped; frames the BAR wants
 * that are not mapped are mapped. Frames another BAR still needs stay;
 * frames another BAR already provides are not mapped twice. Because each
 * step compares the two indexes as they are now, pending work of several
 * devices may run in any order, interleave, be preempted or fail without
 * the platform ever seeing a double map or an unmap of an unmapped frame.
 *
 * Frame numbers are below 2^52, so last + 1 never wraps here.
 */
#include "internal.h"
#include "header.h"
#include "map.h"

/* Give up a synchronous drain after this many preemptions in a row
 * without a single frame of progress. */
#define STALL_LIMIT 64u

static void clip(uint64_t *end, uint64_t limit)
{
	if (limit < *end)
		*end = limit;
}

/* Clip *end to where frame pos stops being (or starts being) in seg. */
static void clip_seg(uint64_t *end, const struct vpci_fseg *seg, uint64_t pos)
{
	if (seg)
		clip(end, seg->start <= pos ? seg->last : seg->start - 1u);
}

/* Does bar want frame pos mapped? Clips *end to where that changes. */
static bool bar_wants(const struct vpci_bar *bar, uint64_t pos, uint64_t *end)
{
	struct vpci_range ex;
	uint64_t off;

	if (!bar->in_index || pos > bar->last_gfn)
		return false;
	if (pos < bar->first_gfn) {
		clip(end, bar->first_gfn - 1u);
		return false;
	}
	clip(end, bar->last_gfn);
	off = pos - bar->first_gfn;
	if (!vpci_rangeset_is_empty(&bar->excluded) &&
	    !vpci_rangeset_find_first(&bar->excluded, off,
				      bar->last_gfn - bar->first_gfn, &ex)) {
		if (ex.start <= off) {
			clip(end, bar->first_gfn + ex.last);
			return false;
		}
		clip(end, bar->first_gfn + ex.start - 1u);
	}
	return true;
}

/* What the platform is told a call is for; built only when one is made
 * (inline: every BAR mapped builds one). */
static inline __attribute__((always_inline)) void
map_desc(const struct vpci_dev *dev, const struct vpci_bar *bar,
	 struct vpci_map_desc *desc)
{
	desc->host_sbdf = dev->sbdf;
	desc->owner_sbdf = vpci_dev_owner_sbdf(dev);
	desc->bar = bar->slot;
	desc->flags = 0;
	if (bar->kind != VPCI_BAR_ROM && (bar->flags & VPCI_BAR_MEM_PREFETCH))
		desc->flags |= VPCI_MAP_PREFETCH;
	if (bar->kind == VPCI_BAR_MEM64)
		desc->flags |= VPCI_MAP_64BIT;
	if (!vpci_rangeset_is_empty(&bar->excluded))
		desc->flags |= VPCI_MAP_MSIX_REMAINDER;
}

/* A sweep's retry of an unmap that failed: no BAR wants those frames any
 * more, and whose they were is not recorded. */
static const struct vpci_map_desc stale_desc = {
	.host_sbdf = VPCI_MAP_NO_SBDF,
	.owner_sbdf = VPCI_MAP_NO_SBDF,
	.bar = VPCI_MAP_STALE,
};

static int platform_call(struct vpci_host *host, struct vpci_owner_group *g,
			 bool unmap, uint32_t domid, uint64_t gfn, uint64_t nr,
			 uint64_t delta, const struct vpci_map_desc *desc,
			 uint64_t *done)
{
	int (*fn)(void *, uint32_t, uint64_t, uint64_t, uint64_t,
		  const struct vpci_map_desc *, uint64_t *) =
		unmap ? host->ops->unmap : host->ops->map;
	int rc;

	*done = 0;
	if (!fn)
		return VPCI_ENOTSUP;
	rc = fn(host->ctx, domid, gfn, gfn + delta, nr, desc, done);
	if (!rc || *done > nr)
		*done = nr;
	if (rc > 0)
		rc = VPCI_EIO;
	g->frames_done += *done;
	return rc;
}

/* Spare nodes the mapped index keeps so that unmapping never needs
 * memory: each unmap cuts at most one more segment (see bar_enter). */
static size_t mapped_reserve(const struct vpci_owner_group *g)
{
	return 2u * g->nr_wanted_ranges + 2u;
}

/* Map [pos, end] for bar; spot: where the mapped index was looked up at
 * pos, unchanged since. Returns 0, VPCI_ERESTART, or the failure. */
static int map_run(struct vpci_dev *dev, struct vpci_owner_group *g,
		   uint32_t domid, const struct vpci_bar *bar, uint64_t pos,
		   uint64_t end, const struct vpci_fidx_spot *spot,
		   uint64_t *done)
{
	/* One node for the run mapped, the rest kept for its unmapping. */
	int rc = vpci_fidx_reserve(&g->mapped, mapped_reserve(g) + 1u);

	*done = 0;
	if (!rc) {
		struct vpci_map_desc desc;

		map_desc(dev, bar, &desc);
		rc = platform_call(dev->host, g, false, domid, pos,
				   end - pos + 1u, bar->delta, &desc, done);
	}
	/* A gap filled from its start: one spare node, cannot fail. Neither
	 * reserving nor the platform's call changed the index: the spot
	 * still holds. */
	if (*done)
		vpci_fidx_add_located(&g->mapped, spot, pos + *done - 1u,
				      bar->delta);
	return rc;
}

/*
 * Unmap [pos, end]. Needs no memory: the two nodes a removal may take are
 * kept spare (bar_enter, map_run); should they ever be missing, the run
 * is left mapped as if the platform had failed. A failure is logged and
 * remembered in the group (its frames stay mapped and recorded, for
 * vpci_group_sweep to retry) and the run skipped (*skip). Returns 0,
 * VPCI_ERESTART, or (*skip) the failure.
 */
static int unmap_run(struct vpci_host *host, struct vpci_owner_group *g,
		     uint32_t domid, uint64_t delta, uint64_t pos, uint64_t end,
		     const struct vpci_map_desc *desc, bool *skip)
{
	int rc = g->mapped.nr_spare >= 2u ? 0 : VPCI_ENOMEM;
	uint64_t done = 0;

	*skip = false;
	if (!rc)
		rc = platform_call(host, g, true, domid, pos, end - pos + 1u,
				   delta, desc, &done);
	if (done)
		vpci_fidx_remove(&g->mapped, pos, pos + done - 1u, NULL, NULL);
	if (rc && rc != VPCI_ERESTART) {
		vpci_log(host, VPCI_LOG_ERROR,
			 "unmapping gfn 0x%llx-0x%llx from domain %u failed "
			 "(%s): left mapped, to be retried",
			 (unsigned long long)(pos + done),
			 (unsigned long long)end, domid, vpci_strerror(rc));
		if (!g->stale)
			g->unmap_error = rc;
		g->stale = true;
		*skip = true;
	}
	return rc;
}

/*
 * Bring the mappings of range r in line, run by run, advancing r->start.
 * Returns 0 when r is done, VPCI_ERESTART, or a map failure.
 */
static int reconcile(struct vpci_dev *dev, struct vpci_owner_group *g,
		     uint32_t domid, struct vpci_bar *bar, struct vpci_range *r)
{
	while (r->start <= r->last) {
		uint64_t pos = r->start, end = r->last, done;
		struct vpci_fidx_spot spot;
		const struct vpci_fseg *m =
			vpci_fidx_locate(&g->mapped, pos, &spot);
		const struct vpci_fseg *w = NULL;
		bool mapped = m && m->start <= pos;
		bool wanted = false;
		bool want, skip;
		int rc = 0;

		clip_seg(&end, m, pos);
		/* Frames not mapped need only this BAR's view: a BAR in the
		 * wanted index wants its frames with its own translation. */
		if (mapped) {
			w = vpci_fidx_find(&g->wanted, pos);
			wanted = w && w->start <= pos;
			clip_seg(&end, w, pos);
		}
		want = bar_wants(bar, pos, &end);
		if (mapped && !(wanted && w->delta == m->delta)) {
			/* Unmapped frames are looked at again: this BAR may
			 * want them back with its own translation. */
			struct vpci_map_desc desc;

			map_desc(dev, bar, &desc);
			rc = unmap_run(dev->host, g, domid, m->delta, pos, end,
				       &desc, &skip);
			if (skip) {
				if (!dev->hdr->error)
					dev->hdr->error = rc;
				r->start = end + 1u;
				rc = 0;
			}
		} else if (!mapped && want) {
			rc = map_run(dev, g, domid, bar, pos, end, &spot,
				     &done);
			r->start = pos + done;
		} else {
			r->start = end + 1u; /* right already, or not ours */
		}
		if (rc)
			return rc;
	}
	return 0;
}

static bool dev_has_pend(const struct vpci_header *hdr)
{
	unsigned int slot;

	for (slot = 0; slot < VPCI_NR_SLOTS; slot++)
		if (hdr->bars[slot].nr_pend)
			return true;
	return false;
}

static void enqueue(struct vpci_owner_group *g, struct vpci_dev *dev)
{
	if (dev->hdr->pending)
		return;
	dev->hdr->pending = true;
	dev->hdr->pending_next = NULL;
	if (g->pending_tail)
		g->pending_tail->hdr->pending_next = dev;
	else
		g->pending_head = dev;
	g->pending_tail = dev;
}

/* O(pending devices): the queue is short, and usually dev is its head. */
static void dequeue(struct vpci_owner_group *g, struct vpci_dev *dev)
{
	struct vpci_dev **link = &g->pending_head, *prev = NULL;

	if (!dev->hdr->pending)
		return;
	while (*link != dev) {
		prev = *link;
		link = &prev->hdr->pending_next;
	}
	*link = dev->hdr->pending_next;
	if (g->pending_tail == dev)
		g->pending_tail = prev;
	dev->hdr->pending = false;
	dev->hdr->pending_next = NULL;
}

static void drop_pend(struct vpci_header *hdr)
{
	unsigned int slot;

	for (slot = 0; slot < VPCI_NR_SLOTS; slot++)
		hdr->bars[slot].nr_pend = 0;
}

/* The config writes that waited for dev's map work (header.h). */
static void write_held(struct vpci_dev *dev)
{
	unsigned int i;

	for (i = 0; i < VPCI_NR_HELD; i++) {
		struct vpci_held_write *w = &dev->hdr->held[i];
		uint32_t hw = 0, val;

		if (!w->size)
			continue;
		if (w->keep || w->only_if_changed)
			hw = vpci_phys_read(dev->host, dev->sbdf, w->reg,
					    w->size);
		val = (hw & w->keep) | w->val;
		if (!w->only_if_changed || val != hw)
			vpci_phys_write(dev->host, dev->sbdf, w->reg, w->size,
					val);
		w->size = 0;
	}
}

/*
 * Work dev's pending ranges. On completion the device leaves the queue and
 * its deferred hardware writes are made; returns the first failure since
 * the last completion (already logged), or 0. VPCI_ERESTART: preempted.
 */
static int dev_run(struct vpci_dev *dev)
{
	struct vpci_header *hdr = dev->hdr;
	struct vpci_owner_group *g = vpci_owner_group(dev);
	unsigned int slot = 0;
	uint32_t domid = 0;
	int rc;

	if (!vpci_group_domid(dev->host, g, &domid))
		drop_pend(hdr); /* no domain: nothing is or can be mapped */
	while (slot < VPCI_NR_SLOTS) {
		struct vpci_bar *bar = &hdr->bars[slot];

		if (!bar->nr_pend) {
			slot++;
			continue;
		}
		rc = reconcile(dev, g, domid, bar, &bar->pend[0]);
		if (rc == VPCI_ERESTART)
			return rc;
		if (rc) {
			/* From here on nothing is wanted, so the work left
			 * only unmaps and cannot fail this way again. */
			vpci_bars_fail(dev, rc);
			slot = 0;
			continue;
		}
		bar->pend[0] = bar->pend[1];
		bar->nr_pend--;
	}
	dequeue(g, dev);
	rc = hdr->error;
	hdr->error = 0;
	write_held(dev);
	return rc;
}

/* Work dev's queue to the end, through preemption (setup, teardown). */
static void dev_drain(struct vpci_dev *dev)
{
	struct vpci_owner_group *g = vpci_owner_group(dev);
	unsigned int stalls = 0;

	while (dev->hdr->pending) {
		uint64_t before = g->frames_done;

		if (dev_run(dev) != VPCI_ERESTART)
			break;
		stalls = g->frames_done == before ? stalls + 1u : 0u;
		if (stalls >= STALL_LIMIT) {
			vpci_log(dev->host, VPCI_LOG_ERROR,
				 "%pS: the platform makes no map progress: "
				 "mappings left as they are",
				 dev->sbdf);
			drop_pend(dev->hdr);
			dequeue(g, dev);
		}
	}
}

/*
 * Give BARs blocked by a conflict another go after some BAR left the
 * wanted index. Each retry either enters (no BAR leaves) or blocks again;
 * a failure turns a device's decoding off for good; so this ends.
 */
static void retry_blocked(struct vpci_owner_group *g)
{
	while (g->retry) {
		struct vpci_bar *bar = g->blocked;

		g->retry = false;
		g->blocked = NULL;
		while (bar) {
			struct vpci_bar *next = bar->blocked_next;
			struct vpci_dev *dev = vpci_bar_header(bar)->dev;

			bar->blocked = false;
			bar->blocked_next = NULL;
			if (vpci_bar_sync(dev, bar->slot))
				vpci_bars_fail(dev, VPCI_ENOMEM);
			if (bar->nr_pend) {
				enqueue(g, dev);
				dev_run(dev);
			}
			bar = next;
		}
	}
}

void vpci_bars_apply(struct vpci_dev *dev, unsigned int mask, bool sync)
{
	struct vpci_header *hdr = dev->hdr;
	int rc = vpci_bars_sync(dev, mask);

	if (rc)
		vpci_bars_fail(dev, rc);
	if (!dev_has_pend(hdr)) {
		if (!hdr->pending)
			write_held(dev);
	} else {
		enqueue(vpci_owner_group(dev), dev);
		if (dev_run(dev) == VPCI_ERESTART && sync)
			dev_drain(dev);
	}
	retry_blocked(vpci_owner_group(dev));
}

void vpci_bars_release(struct vpci_dev *dev)
{
	struct vpci_header *hdr = dev->hdr;
	unsigned int slot;

	for (slot = 0; slot < VPCI_NR_SLOTS; slot++) {
		vpci_bar_unblock(vpci_owner_group(dev), &hdr->bars[slot]);
		vpci_bar_leave(dev, &hdr->bars[slot]);
	}
	/* The new owner's setup reads the hardware as it is. */
	hdr->held[VPCI_HELD_ROM].size = 0;
	hdr->held[VPCI_HELD_CMD].size = 0;
	if (dev_has_pend(hdr)) {
		enqueue(vpci_owner_group(dev), dev);
		dev_drain(dev);
	}
	dequeue(vpci_owner_group(dev), dev);
	retry_blocked(vpci_owner_group(dev));
}

bool vpci_bars_pending(const struct vpci_dev *dev)
{
	return dev->hdr && dev->hdr->pending;
}

/* Frames g has mapped that no BAR wants (with that translation), from
 * pos on: the next such run in *run. False: none. */
static bool next_unwanted(const struct vpci_owner_group *g, uint64_t pos,
			  struct vpci_range *run, uint64_t *delta)
{
	const struct vpci_fseg *m = vpci_fidx_find(&g->mapped, pos);

	while (m) {
		uint64_t start = m->start > pos ? m->start : pos;
		uint64_t end = m->last;
		const struct vpci_fseg *w = vpci_fidx_find(&g->wanted, start);

		if (w && w->start <= start && w->delta == m->delta) {
			clip(&end, w->last); /* wanted as it is: skip it */
		} else {
			clip_seg(&end, w, start);
			*run = (struct vpci_range){start, end};
			*delta = m->delta;
			return true;
		}
		if (end == UINT64_MAX)
			return false;
		pos = end + 1u;
		m = vpci_fidx_find(&g->mapped, pos);
	}
	return false;
}

int vpci_group_sweep(struct vpci_host *host, struct vpci_owner_group *g)
{
	struct vpci_range run;
	uint64_t pos = 0, delta;
	unsigned int stalls = 0;
	uint32_t domid;
	bool failed = false;

	if (!g->stale)
		return 0;
	if (!vpci_group_domid(host, g, &domid))
		return g->unmap_error;
	while (next_unwanted(g, pos, &run, &delta)) {
		uint64_t before = g->frames_done;
		bool skip;
		int rc = unmap_run(host, g, domid, delta, run.start, run.last,
				   &stale_desc, &skip);

		if (skip) {
			failed = true;
			if (run.last == UINT64_MAX)
				break;
			pos = run.last + 1u;
		} else if (rc == VPCI_ERESTART) {
			stalls = g->frames_done == before ? stalls + 1u : 0u;
			if (stalls >= STALL_LIMIT) {
				failed = true;
				break;
			}
		}
	}
	if (failed)
		return g->unmap_error;
	g->stale = false;
	g->unmap_error = 0;
	return 0;
}

int vpci_process_pending(struct vpci_domain *dom)
{
	struct vpci_host *host;
	struct vpci_owner_group *g;
	struct vpci_dev *dev;
	int rc = 0, err = 0;

	if (!dom)
		return VPCI_EINVAL;
	host = dom->host;
	vpci_lock(host);
	g = vpci_domain_group(dom);
	while ((dev = g->pending_head) != NULL) {
		int r = dev_run(dev);

		if (r == VPCI_ERESTART) {
			rc = r;
			break;
		}
		if (r && !err)
			err = r;
		retry_blocked(g);
	}
	/* Frames an earlier unmap failed to remove: try again. */
	if (!rc && !g->pending_head) {
		int r = vpci_group_sweep(host, g);

		if (r && !err)
			err = r;
	}
	vpci_unlock(host);
	return rc ? rc : err;
}
