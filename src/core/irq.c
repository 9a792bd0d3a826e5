/* SPDX-License-Identifier: MIT */
/*
 * The interrupt seam shared by MSI and MSI-X: which domain a device's
 * vectors belong to, whether its owner gets them emulated, and the calls
 * to the platform's msi_update / msi_disable hooks. When a vector is
 * bound is the capability emulators' business (cap_msi.c, cap_msix.c).
 */
#include "internal.h"
#include "irq.h"

uint32_t vpci_irq_domid(const struct vpci_dev *dev)
{
	if (dev->owner)
		return dev->owner->cfg.domid;
	/* The hardware domain's (hypervisor-owned devices live in its view). */
	return dev->host->hwdom ? dev->host->hwdom->cfg.domid : 0u;
}

static const struct vpci_domain *irq_domain(const struct vpci_dev *dev)
{
	return dev->owner ? dev->owner : dev->host->hwdom;
}

static bool hooks(const struct vpci_dev *dev)
{
	return dev->host->ops->msi_update && dev->host->ops->msi_disable;
}

bool vpci_irq_msi_emulated(const struct vpci_dev *dev)
{
	const struct vpci_domain *d = irq_domain(dev);

	return hooks(dev) && d && d->cfg.msi == VPCI_TRI_YES;
}

bool vpci_irq_msix_emulated(const struct vpci_dev *dev)
{
	const struct vpci_domain *d = irq_domain(dev);

	return hooks(dev) && d && d->cfg.msix == VPCI_TRI_YES;
}

bool vpci_irq_bind(struct vpci_dev *dev, unsigned int vector, uint64_t addr,
		   uint32_t data)
{
	const struct vpci_host *host = dev->host;
	struct vpci_msi_msg msg = {.address = addr, .data = data};
	int rc = host->ops->msi_update(host->ctx, vpci_irq_domid(dev),
				       dev->sbdf, vector, &msg);

	if (rc)
		vpci_log(host, VPCI_LOG_ERROR,
			 "%pS: the platform refused vector %u (address "
			 "0x%llx data 0x%x): %s; it stays unbound",
			 dev->sbdf, vector, (unsigned long long)addr, data,
			 vpci_strerror(rc));
	return rc == 0;
}

void vpci_irq_unbind(struct vpci_dev *dev, unsigned int vector)
{
	const struct vpci_host *host = dev->host;

	host->ops->msi_disable(host->ctx, vpci_irq_domid(dev), dev->sbdf,
			       vector);
}
