/* SPDX-License-Identifier: MIT */
/*
 * A guest's emulated PCI host bridge at 0000:00:00.0: a read-only type 0
 * header with the host-bridge class and nothing else. It exists whether or
 * not the guest has vPCI, because a guest OS wants a host bridge before it
 * trusts a config mechanism at all: Linux on x86 (pci_sanity_check())
 * enumerates only if bus 0 shows a host bridge or VGA class, or an
 * Intel/Compaq vendor. Which domains have one, and the ECAM windows, are
 * domain.c's and ecam.c's.
 */
#include "internal.h"

#define BRIDGE_CLASS_HOST 0x060000u /* base 06 (bridge), sub 00 (host) */

void vpci_host_bridge_init(struct vpci_domain *dom)
{
	const struct vpci_platform_ops *ops = dom->host->ops;
	struct vpci_bridge_identity id = {
		.vendor_id = VPCI_BRIDGE_DEFAULT_VENDOR,
		.device_id = VPCI_BRIDGE_DEFAULT_DEVICE,
	};
	struct vpci_bridge_identity asked = {0};

	/* An identity of all-ones would read as "no function here". */
	if (ops->host_bridge_identity &&
	    ops->host_bridge_identity(dom->host->ctx, dom->cfg.domid, &asked) &&
	    asked.vendor_id != 0xffffu && asked.vendor_id != 0)
		id = asked;
	dom->info.bridge = id;
}

/*
 * The header, byte by byte: identity, class, header type 0 (single
 * function), and zero everywhere else: command and status 0 (no
 * capability list), no BARs (writes are dropped, so sizing reads 0), no
 * interrupt pin, no extended capabilities.
 */
static uint8_t bridge_byte(const struct vpci_bridge_identity *id,
			   unsigned int off)
{
	uint32_t dword;

	switch (off & ~3u) {
	case VPCI_REG_VENDOR_ID:
		dword = id->vendor_id | (uint32_t)id->device_id << 16;
		break;
	case VPCI_REG_REVISION:
		dword = BRIDGE_CLASS_HOST << 8 | id->revision;
		break;
	case VPCI_REG_SUBSYS_VENDOR_ID:
		dword = id->subsystem_vendor_id | (uint32_t)id->subsystem_id
							  << 16;
		break;
	default:
		return 0;
	}
	return (uint8_t)(dword >> ((off & 3u) * 8u));
}

uint32_t vpci_host_bridge_read(const struct vpci_domain *dom, vpci_sbdf_t sbdf,
			       unsigned int reg, unsigned int size)
{
	uint32_t val = 0;
	unsigned int i;

	/* Functions 1-7 of the bridge's slot do not exist. */
	if (sbdf != VPCI_BRIDGE_SBDF)
		return vpci_size_mask(size);
	for (i = 0; i < size; i++)
		val |= (uint32_t)bridge_byte(&dom->info.bridge, reg + i)
		       << (i * 8u);
	return val;
}
