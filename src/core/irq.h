/* SPDX-License-Identifier: MIT */
/*
 * The interrupt hooks (irq.c): binding MSI and MSI-X vectors through the
 * platform. Private to the core.
 */
#ifndef VPCI_IRQ_H
#define VPCI_IRQ_H

#include "internal.h"

/* The domain whose interrupts dev's vectors are (its owner's id). */
uint32_t vpci_irq_domid(const struct vpci_dev *dev);
/* Whether dev's owner gets MSI (MSI-X) emulated: hooks present and the
 * domain's option on. */
bool vpci_irq_msi_emulated(const struct vpci_dev *dev);
bool vpci_irq_msix_emulated(const struct vpci_dev *dev);
/* (Re)bind vector of dev to the message through msi_update; true if the
 * platform took it (failures are logged). */
bool vpci_irq_bind(struct vpci_dev *dev, unsigned int vector, uint64_t addr,
		   uint32_t data);
void vpci_irq_unbind(struct vpci_dev *dev, unsigned int vector);

#endif /* VPCI_IRQ_H */
