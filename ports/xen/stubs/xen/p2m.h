/* SPDX-License-Identifier: MIT */
/*
 * Stub: mapping MMIO into a domain's p2m. Both return 0 when all nr
 * frames are done, a negative errno on failure, or a positive count of
 * frames done when the hypervisor wants to preempt (the caller continues
 * from there later).
 */
#ifndef PORT_STUB_XEN_P2M_H
#define PORT_STUB_XEN_P2M_H

#include "xen/types.h"

struct domain;

int map_mmio_regions(struct domain *d, gfn_t start_gfn, unsigned long nr,
		     mfn_t mfn);
int unmap_mmio_regions(struct domain *d, gfn_t start_gfn, unsigned long nr,
		       mfn_t mfn);

#endif /* PORT_STUB_XEN_P2M_H */
