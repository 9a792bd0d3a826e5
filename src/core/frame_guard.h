/* SPDX-License-Identifier: MIT */
/*
 * Forbidden host frames (frame_guard.c). Private to the core.
 */
#ifndef VPCI_FRAME_GUARD_H
#define VPCI_FRAME_GUARD_H

#include "internal.h"
#include "header.h"

/*
 * frame_guard.c: forbidden host frames, the one place deciding which host
 * frames a BAR or ROM mapping must leave out, whoever the owner:
 *  - frames the hypervisor reserved (host->reserved): every domain;
 *  - frames holding the device's MSI-X table or PBA, when hdr->msix_guard;
 *  - frames claimed by guest-assigned and read-only functions
 *    (host->claimed): the hardware domain's group.
 * Sharing a frame with another function is refused at assignment
 * (vpci_guard_assignable), and so is adding a function that shares one
 * with a guest's (vpci_guard_addable), so a guest's own BAR frames never
 * hold another owner's registers.
 */
/* vpci_guard_exclusions() when some source may hold something. */
int vpci_guard_exclusions_ask(struct vpci_dev *dev, struct vpci_bar *bar,
			      uint64_t host_first, uint64_t host_last);
/* Fill bar->excluded (it is out of the index) for a mapping of host frames
 * [host_first, host_last]. Errors: VPCI_ENOMEM (fail closed: the caller
 * must not map the BAR). Inline: at boot no source holds anything (no
 * reserved frames, no MSI-X guard, nothing claimed), and every BAR
 * enabled asks. */
static inline int vpci_guard_exclusions(struct vpci_dev *dev,
					struct vpci_bar *bar,
					uint64_t host_first, uint64_t host_last)
{
	const struct vpci_host *host = dev->host;

	if (vpci_rangeset_is_empty(&host->reserved) && !dev->hdr->msix_guard &&
	    (!host->claimed.nr_segs || vpci_dev_is_guest(dev))) {
		if (!vpci_rangeset_is_empty(&bar->excluded))
			vpci_rangeset_clear(&bar->excluded);
		return 0;
	}
	return vpci_guard_exclusions_ask(dev, bar, host_first, host_last);
}
/* Whether dev may go to a guest: VPCI_EPERM (logged, naming both
 * functions) when a BAR of dev shares a host frame with a BAR or ROM of
 * another function. */
int vpci_guard_assignable(const struct vpci_dev *dev);
/* Whether dev, being added (or a VF being enabled), may stay: VPCI_EPERM
 * (logged, naming both, then outcome: what the caller does about it)
 * when a BAR or the ROM of dev shares a host frame with a BAR or ROM of a
 * function assigned to a guest (the guest would hold dev's registers).
 * Walks only the guests' functions: O(what guests hold), not O(devices). */
int vpci_guard_addable(const struct vpci_dev *dev, const char *outcome);
/* True if a guest holds a physical function (walks the guests' own
 * topologies only; false at once while no guest holds any). */
bool vpci_guard_guests_hold_functions(const struct vpci_host *host);
/* A guest's ROM whose host frames hold another function's BAR or ROM is
 * absent for the guest (logged). Call after probing. */
void vpci_guard_guest_rom(struct vpci_dev *dev);
/* Make dev's claim match its owner: claimed while a guest's or read-only,
 * else not; hardware-domain mappings of newly claimed frames go. Errors:
 * VPCI_ENOMEM (nothing claimed). Unclaiming never fails. */
int vpci_guard_sync_claim(struct vpci_dev *dev);
/* Drop dev's claim without looking at other devices (host teardown). */
void vpci_guard_unclaim(struct vpci_dev *dev);
/* Drop dev's claim and let the hardware domain's BARs map those frames
 * again where nothing else forbids them. Never fails. */
void vpci_guard_release(struct vpci_dev *dev);
/* Reserve what claiming one more function needs, so that a later
 * vpci_guard_sync_claim() cannot fail. Errors: VPCI_ENOMEM. */
int vpci_guard_reserve_claim(struct vpci_host *host);
/* Re-enter every placed BAR (of any owner when all_groups, else of the
 * hardware domain's group) mapping a host frame of [first, last], so its
 * exclusions are recomputed. Management calls only: O(devices). */
void vpci_guard_refresh(struct vpci_host *host, uint64_t first, uint64_t last,
			bool all_groups);
/*
 * True if addr is bar's sizing pattern: a probe, never a place to map.
 * Every address bit set, over the whole register: a 64-bit BAR is one
 * 64-bit value. Its low dword alone being all ones is a place like any
 * other (a 1 MiB BAR at 0x4fff00000, a 2 GiB BAR at an odd multiple of
 * 2 GiB); an OS sizing the low half first leaves the BAR briefly at such
 * a place, as real hardware would decode it. Inline: every placement of
 * a BAR asks twice.
 */
static inline bool vpci_bar_is_sizing(const struct vpci_bar *bar,
				      uint64_t addr)
{
	return bar->addr_mask && (addr & bar->addr_mask) == bar->addr_mask;
}

#endif /* VPCI_FRAME_GUARD_H */
