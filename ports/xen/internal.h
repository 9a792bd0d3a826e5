/* SPDX-License-Identifier: MIT */
/*
 * State of the Xen port, shared by its glue files (not by xen_hooks.c).
 * Includes libvpci's headers: only files that do not define Xen's own
 * vpci_* names may include it.
 */
#ifndef PORT_XEN_INTERNAL_H
#define PORT_XEN_INTERNAL_H

#include "port.h"
#include "vpci/cf8.h"
#include "vpci/vpci.h"
#include "xen/spinlock.h"

#define XVPCI_MAX_DOMAINS 64u
#define XVPCI_GUEST_SLOTS 32u /* devices on a guest's bus 0 */

struct xvpci_domain {
	struct domain *d;
	struct vpci_domain *vd;
	/* Guests: which host slot (seg:bus:dev, +1) each virtual slot holds,
	 * and how many of its functions are assigned. */
	uint32_t slot_host[XVPCI_GUEST_SLOTS];
	uint8_t slot_nr_fns[XVPCI_GUEST_SLOTS];
};

struct xvpci_host {
	struct vpci_host *host;
	/* libvpci's host-wide lock (platform ops lock/unlock). */
	spinlock_t lock;
	/* domid -> domain for map/unmap; changed under lock, read by the
	 * map/unmap ops, which libvpci calls with lock held. */
	struct domain *domains[XVPCI_MAX_DOMAINS];
};

extern const struct vpci_platform_ops xvpci_platform_ops;

/* The domain with this id, for map/unmap (host lock held). */
struct domain *xvpci_domain_by_id(struct xvpci_host *xh, uint32_t domid);
/* A VPCI_E* code as a negative Xen errno. */
int xvpci_errno(int vpci_rc);

#endif /* PORT_XEN_INTERNAL_H */
