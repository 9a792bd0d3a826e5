/* SPDX-License-Identifier: MIT */
/*
 * x86 configuration mechanism #1 (PCI 3.0 section 3.2.2.3.2): the 0xCF8
 * address latch of a domain and the decode of a 0xCFC-0xCFF data access
 * into (sbdf, reg), handed to the same view ECAM uses (vpci_read/write).
 * What is behind an SBDF is config_access.c's business, not this file's.
 *
 * The latch is one 32-bit word per domain, stored and loaded whole
 * (atomically), so vCPUs racing on 0xCF8 each see some complete value,
 * as on hardware where the guest OS serialises its own CF8/CFC pairs.
 */
#include "internal.h"
#include "vpci/cf8.h"

#define CF8_RESERVED	  0x70000000u /* bits 30:28: no chipset uses them */
#define CF8_AMD_EXT	  0x0f000000u /* bits 27:24: AMD register bits 11:8 */
#define CF8_BDF_MASK	  0x00ffff00u /* bus 23:16, device 15:11, fn 10:8 */
#define CF8_REG_MASK	  0x000000fcu /* dword of the register; 1:0 ignored */
#define CF8_AMD_EXT_SHIFT 16	      /* bits 27:24 -> register bits 11:8 */

void vpci_cf8_write(struct vpci_domain *dom, uint32_t val)
{
	__atomic_store_n(&dom->cf8_latch, val, __ATOMIC_RELAXED);
}

uint32_t vpci_cf8_read(const struct vpci_domain *dom)
{
	return __atomic_load_n(&dom->cf8_latch, __ATOMIC_RELAXED);
}

void vpci_cf8_set_amd_ext(struct vpci_domain *dom, bool on)
{
	__atomic_store_n(&dom->cf8_amd_ext, on, __ATOMIC_RELAXED);
}

/*
 * The sizes and ports a chipset decodes: bytes anywhere in the window,
 * words on a word boundary, the dword at 0xCFC only. Anything else would
 * straddle the window or the dword, which no host bridge forwards.
 */
static bool cfc_access_ok(unsigned int port, unsigned int size)
{
	return port >= VPCI_CFC_PORT && port <= VPCI_CFC_PORT + 3 &&
	       (size == 1 || size == 2 || size == 4) && !(port & (size - 1));
}

/*
 * Decode the latch and port into sbdf and reg. Returns false when the
 * access must read all-ones and drop writes.
 */
static bool cf8_decode(const struct vpci_domain *dom, unsigned int port,
		       unsigned int size, vpci_sbdf_t *sbdf, unsigned int *reg)
{
	uint32_t cf8 = vpci_cf8_read(dom);
	uint32_t reserved = CF8_RESERVED;

	if (!__atomic_load_n(&dom->cf8_amd_ext, __ATOMIC_RELAXED))
		reserved |= CF8_AMD_EXT;
	if (!(cf8 & VPCI_CF8_ENABLE) || (cf8 & reserved) ||
	    !cfc_access_ok(port, size))
		return false;
	/* Bus, device and function sit where an SBDF has them (segment 0). */
	*sbdf = (cf8 & CF8_BDF_MASK) >> 8;
	*reg = (cf8 & CF8_REG_MASK) |
	       ((cf8 & CF8_AMD_EXT) >> CF8_AMD_EXT_SHIFT) | (port & 3u);
	return true;
}

uint32_t vpci_cfc_read(struct vpci_domain *dom, unsigned int port,
		       unsigned int size)
{
	vpci_sbdf_t sbdf;
	unsigned int reg;

	if (!cf8_decode(dom, port, size, &sbdf, &reg))
		return vpci_size_mask(size);
	return vpci_read(dom, sbdf, reg, size);
}

void vpci_cfc_write(struct vpci_domain *dom, unsigned int port,
		    unsigned int size, uint32_t val)
{
	vpci_sbdf_t sbdf;
	unsigned int reg;

	if (cf8_decode(dom, port, size, &sbdf, &reg))
		vpci_write(dom, sbdf, reg, size, val & vpci_size_mask(size));
}
