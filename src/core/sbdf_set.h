/* SPDX-License-Identifier: MIT */
/*
 * Sets of SBDFs (sbdf_set.c): the host's hidden and read-only functions.
 * Private to the core.
 */
#ifndef VPCI_SBDF_SET_H
#define VPCI_SBDF_SET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "segment_table.h"
#include "vpci/vpci.h"

struct vpci_host;

/*
 * One 65536-bit bitmap per segment that has members. Membership is a
 * segment lookup and a bit test, skipped entirely while the set is empty
 * (the common case: nothing hidden); setting a bit in a segment that
 * already has a bitmap never allocates.
 */
struct vpci_sbdf_set_seg {
	struct vpci_seg_head head;
	/* 32-bit words: a variable 64-bit shift is a libgcc call on 32-bit
	 * targets, which the freestanding core may not make. */
	uint32_t bits[65536 / 32];
};

struct vpci_sbdf_set {
	struct vpci_seg_table segs;
	size_t nr_members;
};

void vpci_sbdf_set_init(struct vpci_sbdf_set *set, struct vpci_host *host);
void vpci_sbdf_set_destroy(struct vpci_sbdf_set *set);
/* Make sure seg has a bitmap, so a later add cannot fail. Errors:
 * VPCI_ENOMEM. */
int vpci_sbdf_set_reserve(struct vpci_sbdf_set *set, uint16_t seg);
/* Errors: VPCI_ENOMEM (only if the segment was not reserved). */
int vpci_sbdf_set_add(struct vpci_sbdf_set *set, vpci_sbdf_t sbdf);
void vpci_sbdf_set_remove(struct vpci_sbdf_set *set, vpci_sbdf_t sbdf);
/* True if any function of sbdf's slot (bus, device) is in the set. */
bool vpci_sbdf_set_slot_any(const struct vpci_sbdf_set *set,
			    vpci_sbdf_t sbdf);

/* Inline: the view of every config access asks. */
static inline bool vpci_sbdf_set_contains(const struct vpci_sbdf_set *set,
					  vpci_sbdf_t sbdf)
{
	const struct vpci_sbdf_set_seg *s;
	uint16_t bdf = VPCI_SBDF_BDF(sbdf);

	if (!set->nr_members)
		return false;
	s = (const struct vpci_sbdf_set_seg *)vpci_seg_table_find(
		&set->segs, VPCI_SBDF_SEG(sbdf));
	return s && (s->bits[bdf / 32u] >> (bdf % 32u) & 1u);
}

#endif /* VPCI_SBDF_SET_H */
