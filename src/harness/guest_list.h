/* SPDX-License-Identifier: MIT */
/*
 * The SBDF lists of the command line (--hide, --ro, --guest) and, for
 * --guest, from the list to the guest's functions and their slots.
 */
#ifndef HARNESS_GUEST_LIST_H
#define HARNESS_GUEST_LIST_H

#include "session.h"

/* Append the SBDFs of a comma-separated list to list. Returns 0, or -1
 * with msg filled (naming the bad element). */
int sbdf_list_parse(struct sbdf_list *list, const char *arg, char *msg,
		    size_t msg_len);
void sbdf_list_free(struct sbdf_list *list);

/*
 * The same for --guest, whose elements may also be whole slots
 * ("[SSSS:]BB:DD") and carry an explicit guest placement
 * ("HOST@GUEST", GUEST a slot "[[SSSS:]BB:]DD" as xl's vslot).
 */
int guest_list_parse(struct sbdf_list *list, const char *arg, char *msg,
		     size_t msg_len);

/* One function for the guest, after expanding whole slots. */
struct guest_fn {
	vpci_sbdf_t host;
	bool placed; /* guest_slot was given (or is, after placing) */
	vpci_sbdf_t guest_slot; /* function 0 of the guest's slot */
	/* An SR-IOV virtual function: a slot of its own, at function 0. */
	bool vf;
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
