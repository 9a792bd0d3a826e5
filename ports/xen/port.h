/* SPDX-License-Identifier: MIT */
/*
 * The Xen port's own interface between the hooks Xen's code calls
 * (xen_hooks.c, which uses Xen's names: vpci_read, vpci_assign_device...)
 * and the glue that drives libvpci (port.c, platform_ops.c, which include
 * libvpci's headers). The split keeps the two sets of names in different
 * translation units; libvpci's are prefixed at link time (symbol_prefix),
 * so both sets coexist in one hypervisor image.
 *
 * Errors are negative Xen errno values.
 */
#ifndef PORT_XEN_PORT_H
#define PORT_XEN_PORT_H

#include "xen/pci.h"
#include "xen/sched.h"
#include "xen/types.h"

/* Boot: create the one vPCI host of this hypervisor. guest_vpci false
 * keeps vPCI to the hardware domain (the physcap bit stays clear). */
int xvpci_host_init(bool guest_vpci);
void xvpci_host_fini(void);
bool xvpci_guest_supported(void);

/* Domain creation and destruction (only for has_vpci(d) domains). */
int xvpci_domain_init(struct domain *d);
void xvpci_domain_destroy(struct domain *d);
int xvpci_add_mmcfg(struct domain *d, paddr_t addr, unsigned int seg,
		    unsigned int bus_first, unsigned int bus_last);

/* pdev->domain gained (assigned) or is losing (deassigned) pdev. */
int xvpci_device_assigned(struct pci_dev *pdev);
void xvpci_device_deassigned(struct pci_dev *pdev);

/* Config access by d at sbdf (d's own numbering). */
uint32_t xvpci_read(struct domain *d, pci_sbdf_t sbdf, unsigned int reg,
		    unsigned int size);
void xvpci_write(struct domain *d, pci_sbdf_t sbdf, unsigned int reg,
		 unsigned int size, uint32_t val);
/* Trapped MMIO in d's ECAM windows, and x86 port I/O to 0xCF8-0xCFF:
 * 0 when handled, -ENOENT when not vPCI's. */
int xvpci_mmcfg_read(struct domain *d, paddr_t gpa, unsigned int len,
		     uint64_t *data);
int xvpci_mmcfg_write(struct domain *d, paddr_t gpa, unsigned int len,
		      uint64_t data);
int xvpci_portio_read(struct domain *d, unsigned int port, unsigned int size,
		      uint32_t *data);
int xvpci_portio_write(struct domain *d, unsigned int port, unsigned int size,
		       uint32_t data);
/* Deferred map work; true while some remains. */
bool xvpci_process_pending(struct domain *d);

#endif /* PORT_XEN_PORT_H */
