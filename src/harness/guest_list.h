/* SPDX-License-Identifier: MIT */
/*
 * From a --guest list to the guest's functions and their slots (see
 * guest_list.c); the list parsers themselves are declared in session.h.
 */
#ifndef HARNESS_GUEST_LIST_H
#define HARNESS_GUEST_LIST_H

#include "session.h"

/* One function for the guest, after expanding whole slots. */
struct guest_fn {
	vpci_sbdf_t host;
	bool placed; /* guest_slot was given (or is, after placing) */
	vpci_sbdf_t guest_slot; /* function 0 of the guest's slot */
};

/* The list as functions of topo, sorted by host SBDF (malloc'd into
 * *out). Returns 0, or -1 with msg naming an element not in topo. */
int guest_expand(const struct topology *topo, const struct sbdf_list *in,
		 struct guest_fn **out, size_t *nr_out, char *msg,
		 size_t msg_len);

/* Give every function its guest slot: the one its host slot was placed
 * at, or the next free one on 0000:00 from slot 01 (00 is the host
 * bridge), 32 slots a bus. Returns 0, or -1
 * with msg (a host slot placed twice, a guest slot given twice). */
int guest_place_slots(struct guest_fn *fns, size_t n, char *msg,
		      size_t msg_len);

#endif /* HARNESS_GUEST_LIST_H */
