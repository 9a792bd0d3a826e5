/* SPDX-License-Identifier: MIT */
/*
 * x86 configuration mechanism #1: the 0xCF8 address latch and the
 * 0xCFC-0xCFF data window, a second front end beside ECAM. Accesses reach
 * the same per-domain view as vpci_ecam_read/write (segment 0 only: the
 * mechanism has no segment field).
 *
 * The latch (what the guest last wrote to 0xCF8) lives in the domain, one
 * per domain like the single 0xCF8 register of a real host bridge; there
 * is no global state. See docs/porting.md for what the platform serialises.
 */
#ifndef VPCI_CF8_H
#define VPCI_CF8_H

#include <stdbool.h>
#include <stdint.h>

#include "vpci/api.h"
#include "vpci/vpci.h"

VPCI_BEGIN_DECLS

#define VPCI_CF8_PORT	0xcf8u	   /* the address latch, 32-bit only */
#define VPCI_CFC_PORT	0xcfcu	   /* first of the four data ports */
#define VPCI_CF8_ENABLE (1u << 31) /* config cycles on */

/*
 * A 32-bit write to port 0xCF8 by dom. Only dword accesses to 0xCF8 are
 * the address latch on real chipsets (a byte write to 0xCF9 is the reset
 * control register, 0xCFB can select the mechanism): the platform handles
 * other sizes itself. Never fails.
 */
void vpci_cf8_write(struct vpci_domain *dom, uint32_t val);
/* A 32-bit read of port 0xCF8: the latch exactly as last written (0 in a
 * new domain). */
uint32_t vpci_cf8_read(const struct vpci_domain *dom);

/*
 * An access of size 1, 2 or 4 at port (0xCFC-0xCFF) through the address
 * in the latch: byte at any of the four ports, word at 0xCFC or 0xCFE,
 * dword at 0xCFC, as chipsets decode them. The register is the latch's
 * bits 7:2 (and 11:8, see vpci_cf8_set_amd_ext()) plus port & 3.
 * Reads all-ones (of the size) and drops writes when the enable bit is
 * clear, the latch is malformed (reserved bits 30:28 set, or 27:24 set
 * while AMD extended decoding is off), the port is outside 0xCFC-0xCFF,
 * or size/port is a combination no chipset decodes. Never fails.
 */
uint32_t vpci_cfc_read(struct vpci_domain *dom, unsigned int port,
		       unsigned int size);
void vpci_cfc_write(struct vpci_domain *dom, unsigned int port,
		    unsigned int size, uint32_t val);

/*
 * AMD family 10h-17h extended decoding (EnableCf8ExtCfg): latch bits
 * 27:24 become register bits 11:8, reaching extended config space. Off by
 * default, as on Intel chipsets and AMD ones before firmware enables it;
 * while off, a latch with any of those bits set is malformed rather than
 * quietly aliased onto registers 0-0xff (so a write meant for extended
 * space never lands in the header).
 */
void vpci_cf8_set_amd_ext(struct vpci_domain *dom, bool on);

VPCI_END_DECLS

#endif /* VPCI_CF8_H */
