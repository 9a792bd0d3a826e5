/* SPDX-License-Identifier: MIT */
/*
 * Stub: the vPCI entry points Xen's common and arch code call (device
 * assignment, config accessors, the ECAM and port I/O intercepts, the
 * deferred-work hook, domain lifecycle), with the shapes Xen gives them.
 * The port's xen_hooks.c defines them.
 */
#ifndef PORT_STUB_XEN_VPCI_H
#define PORT_STUB_XEN_VPCI_H

#include "xen/pci.h"
#include "xen/sched.h"
#include "xen/types.h"

int vpci_port_init(bool guest_vpci);
int vpci_sanitise_domain_config(const struct xen_domctl_createdomain *config,
				bool is_hardware_domain);
void vpci_arch_do_physinfo(struct xen_sysctl_physinfo *pi);
int domain_vpci_init(struct domain *d);
void domain_vpci_destroy(struct domain *d);
int register_vpci_mmcfg_handler(struct domain *d, paddr_t addr,
				unsigned int start_bus, unsigned int end_bus,
				unsigned int seg);
int vpci_assign_device(struct pci_dev *pdev);
void vpci_deassign_device(struct pci_dev *pdev);
uint32_t vpci_read(pci_sbdf_t sbdf, unsigned int reg, unsigned int size);
void vpci_write(pci_sbdf_t sbdf, unsigned int reg, unsigned int size,
		uint32_t data);
int vpci_mmcfg_read(struct vcpu *v, unsigned long addr, unsigned int len,
		    unsigned long *data);
int vpci_mmcfg_write(struct vcpu *v, unsigned long addr, unsigned int len,
		     unsigned long data);
int vpci_portio_read(struct vcpu *v, unsigned int port, unsigned int size,
		     uint32_t *data);
int vpci_portio_write(struct vcpu *v, unsigned int port, unsigned int size,
		      uint32_t data);
bool vpci_process_pending(struct vcpu *v);

#endif /* PORT_STUB_XEN_VPCI_H */
