/* SPDX-License-Identifier: MIT */
/*
 * Stub: domains and vCPUs, the domain-creation flag for vPCI and the
 * physinfo capability bit a toolstack checks before setting it. The bit
 * values are ours; a real build takes them from Xen's public headers.
 */
#ifndef PORT_STUB_XEN_SCHED_H
#define PORT_STUB_XEN_SCHED_H

#include "xen/spinlock.h"
#include "xen/types.h"

/* xen_domctl_createdomain.flags */
#define XEN_DOMCTL_CDF_hvm  (1u << 0)
#define XEN_DOMCTL_CDF_vpci (1u << 7)

/* xen_sysctl_physinfo.capabilities */
#define XEN_SYSCTL_PHYSCAP_vpci (1u << 6)

struct xen_domctl_createdomain {
	uint32_t flags;
};

struct xen_sysctl_physinfo {
	uint32_t capabilities;
};

struct xvpci_domain; /* the port's per-domain state */

struct domain {
	domid_t domain_id;
	uint32_t options; /* XEN_DOMCTL_CDF_* it was created with */
	bool is_hardware_domain;
	rwlock_t pci_lock;
	/* The field a real port adds to struct domain (or arch_domain). */
	struct xvpci_domain *xvpci;
};

struct vcpu {
	struct domain *domain;
};

#define has_vpci(d) (((d)->options & XEN_DOMCTL_CDF_vpci) != 0)

/* The vCPU running on this pCPU. */
struct vcpu *get_current(void);
#define current get_current()

#endif /* PORT_STUB_XEN_SCHED_H */
