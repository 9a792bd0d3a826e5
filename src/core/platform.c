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

/* Misaligned: bytewise, as hardware would only take aligned cycles. */
uint32_t vpci_phys_read_bytes(const struct vpci_host *host, vpci_sbdf_t sbdf,
			      unsigned int reg, unsigned int size)
{
	uint32_t val = 0;
	unsigned int i;

	for (i = 0; i < size; i++)
		val |= (host->ops->conf_read(host->ctx, sbdf, reg + i, 1) &
			0xffu)
		       << (i * 8u);
	return val;
}

void vpci_phys_write_bytes(const struct vpci_host *host, vpci_sbdf_t sbdf,
			   unsigned int reg, unsigned int size, uint32_t val)
{
	unsigned int i;

	for (i = 0; i < size; i++)
		host->ops->conf_write(host->ctx, sbdf, reg + i, 1,
				      (val >> (i * 8u)) & 0xffu);
}
