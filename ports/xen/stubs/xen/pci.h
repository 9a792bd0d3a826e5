/* SPDX-License-Identifier: MIT */
/*
 * Stub: physical config space accessors and the part of struct pci_dev
 * the vPCI hooks use (its SBDF and owning domain).
 */
#ifndef PORT_STUB_XEN_PCI_H
#define PORT_STUB_XEN_PCI_H

#include "xen/types.h"

struct domain;

struct pci_dev {
	pci_sbdf_t sbdf;
	struct domain *domain; /* current owner */
};

uint8_t pci_conf_read8(pci_sbdf_t sbdf, unsigned int reg);
uint16_t pci_conf_read16(pci_sbdf_t sbdf, unsigned int reg);
uint32_t pci_conf_read32(pci_sbdf_t sbdf, unsigned int reg);
void pci_conf_write8(pci_sbdf_t sbdf, unsigned int reg, uint8_t data);
void pci_conf_write16(pci_sbdf_t sbdf, unsigned int reg, uint16_t data);
void pci_conf_write32(pci_sbdf_t sbdf, unsigned int reg, uint32_t data);

#endif /* PORT_STUB_XEN_PCI_H */
