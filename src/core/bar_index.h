/* SPDX-License-Identifier: MIT */
/*
 * Owner groups and where BARs map (bar_index.c): each group's wanted and
 * mapped frame indexes, and the placement rule. Private to the core.
 */
#ifndef VPCI_BAR_INDEX_H
#define VPCI_BAR_INDEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "frame_index.h"
#include "msix.h"

struct vpci_bar;
struct vpci_dev;
struct vpci_domain;
struct vpci_header;
struct vpci_host;

/*
 * Devices whose BARs map into one physmap, so that none may unmap a frame
 * another still needs: one guest's devices; or the hardware domain's
 * together with the hypervisor owner's (hidden), which map into the
 * hardware domain. Keyed by gfn.
 */
struct vpci_owner_group {
	struct vpci_fidx wanted;     /* frames enabled BARs want, counted */
	struct vpci_fidx mapped;     /* frames the platform has mapped */
	size_t nr_wanted_ranges;     /* ranges added to wanted */
	struct vpci_domain *dom;     /* NULL: the hardware domain's group */
	struct vpci_dev *pending_head; /* devices with map work, FIFO */
	struct vpci_dev *pending_tail;
	struct vpci_bar *blocked;    /* BARs waiting for a conflict to go */
	bool retry;                  /* a BAR left wanted: retry blocked */
	uint64_t frames_done;        /* progress, for stall detection */
	/* An unmap failed: mapped holds frames nobody wants, to be retried
	 * (vpci_group_sweep) by later calls; unmap_error is the first. */
	bool stale;
	int unmap_error;
	struct vpci_msix_index msix; /* trapped MSI-X frames, by gfn */
};

struct vpci_owner_group *vpci_owner_group(const struct vpci_dev *dev);
struct vpci_owner_group *vpci_domain_group(struct vpci_domain *dom);
void vpci_group_init(struct vpci_owner_group *g, struct vpci_host *host,
		     struct vpci_domain *dom);
void vpci_group_destroy(struct vpci_host *host, struct vpci_owner_group *g);
/* Drop what g records as mapped (its domain is gone), logged if any. */
void vpci_group_forget(struct vpci_host *host, struct vpci_owner_group *g);
/* The domain g maps into, if it exists now. */
bool vpci_group_domid(const struct vpci_host *host,
		      const struct vpci_owner_group *g, uint32_t *domid);
/* Make slot's wanted-index entry follow its placement, queueing the
 * ranges touched as pending. Errors: VPCI_ENOMEM. A conflicting guest BAR
 * is blocked (logged), not an error. */
int vpci_bar_sync(struct vpci_dev *dev, unsigned int slot);
/* vpci_bar_sync() of each slot in mask (bit i: bars[i]) in order, up to
 * the first failure, which it returns. */
int vpci_bars_sync(struct vpci_dev *dev, unsigned int mask);
/* Take bar out of the wanted index (its range becomes pending). */
void vpci_bar_leave(struct vpci_dev *dev, struct vpci_bar *bar);
void vpci_bar_unblock(struct vpci_owner_group *g, struct vpci_bar *bar);
struct vpci_header *vpci_bar_header(struct vpci_bar *bar);
/* After a map failure: memory decoding off, every BAR out (logged). */
void vpci_bars_fail(struct vpci_dev *dev, int rc);
/* True while the hardware domain cannot see dev (a hide policy took it
 * away): its BARs are then never mapped into the hardware domain. */
bool vpci_dev_hidden_from_hwdom(const struct vpci_dev *dev);

#endif /* VPCI_BAR_INDEX_H */
