/* SPDX-License-Identifier: MIT */
/*
 * Thin wrappers over struct vpci_platform_ops: allocation, locking and
 * physical config access. Physical access is widened here so the rest of
 * the core may ask for any size at any offset; the platform only ever sees
 * naturally aligned 1/2/4-byte accesses inside 4 KiB.
 */
#include "internal.h"

void *vpci_zalloc(struct vpci_host *host, size_t size_bytes)
{
	return host->ops->zalloc(host->ctx, size_bytes);
}

void vpci_free(struct vpci_host *host, void *ptr)
{
	if (ptr)
		host->ops->free(host->ctx, ptr);
}

void vpci_lock(struct vpci_host *host)
{
	if (host->ops->lock)
		host->ops->lock(host->ctx);
}

void vpci_unlock(struct vpci_host *host)
{
	if (host->ops->unlock)
		host->ops->unlock(host->ctx);
}

uint32_t vpci_phys_read(const struct vpci_host *host, vpci_sbdf_t sbdf,
			unsigned int reg, unsigned int size)
{
	uint32_t val = 0;
	unsigned int i;

	if (!vpci_access_ok(reg, size))
		return vpci_size_mask(size);
	if ((reg & (size - 1)) == 0)
		return host->ops->conf_read(host->ctx, sbdf, reg, size) &
		       vpci_size_mask(size);
	/* Misaligned: bytewise, as hardware would only take aligned cycles. */
	for (i = 0; i < size; i++)
		val |= (host->ops->conf_read(host->ctx, sbdf, reg + i, 1) &
			0xffu)
		       << (i * 8u);
	return val;
}

void vpci_phys_write(const struct vpci_host *host, vpci_sbdf_t sbdf,
		     unsigned int reg, unsigned int size, uint32_t val)
{
	unsigned int i;

	if (!vpci_access_ok(reg, size))
		return;
	if ((reg & (size - 1)) == 0) {
		host->ops->conf_write(host->ctx, sbdf, reg, size,
				      val & vpci_size_mask(size));
		return;
	}
	for (i = 0; i < size; i++)
		host->ops->conf_write(host->ctx, sbdf, reg + i, 1,
				      (val >> (i * 8u)) & 0xffu);
}
