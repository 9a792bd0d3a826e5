/* SPDX-License-Identifier: MIT */
/*
 * Scenery for the capability tests: the header tests' NIC (header_env.h)
 * with a real-looking capability list, on a host whose platform has the
 * interrupt and MMIO hooks (recorded by the fake).
 *
 *  0x40 PM v3 (D1, D2, PME from D3hot advertised)  -> 0x50
 *  0x50 vendor-specific                            -> 0x60
 *  0x60 PCI Express v2 endpoint, slot implemented, FLR capable -> 0xa0
 *  0xa0 MSI 64-bit, per-vector masking, 4 vectors  -> 0xc0
 *  0xc0 MSI-X, 4 entries, table BAR0+0x2000, PBA BAR0+0x3000 -> 0
 *  0x100 AER -> 0x150 resizable BAR (BAR2: 1 MB .. 256 MB) -> 0
 */
#ifndef TESTS_CAPS_ENV_H
#define TESTS_CAPS_ENV_H

#include "header_env.h"

#define PM_POS 0x40u
#define VNDR_POS 0x50u
#define EXP_POS 0x60u
#define MSI_POS 0xa0u
#define MSIX_POS 0xc0u
#define AER_POS 0x100u
#define REBAR_POS 0x150u

#define TABLE_OFF 0x2000u
#define PBA_OFF 0x3000u
#define NR_ENTRIES 4u

static inline void set_cap(struct fake_fn *fn, unsigned int pos,
			   unsigned int id, unsigned int next)
{
	fake_fn_set(fn, pos, 2, id | next << 8);
}

static inline void add_cap_list(struct fake_fn *fn, uint32_t table,
				uint32_t pba)
{
	fake_fn_set(fn, VPCI_REG_STATUS, 2, VPCI_STATUS_CAP_LIST);
	fake_fn_set(fn, VPCI_REG_CAP_PTR, 1, PM_POS);
	set_cap(fn, PM_POS, VPCI_CAP_ID_PM, VNDR_POS);
	fake_fn_set(fn, PM_POS + 2, 2, 0x3e03); /* v3, D1, D2, PME */
	fake_fn_set_wmask(fn, PM_POS + 4, 2, 0x0103);
	set_cap(fn, VNDR_POS, VPCI_CAP_ID_VENDOR, EXP_POS);
	fake_fn_set(fn, VNDR_POS + 2, 1, 8);
	set_cap(fn, EXP_POS, VPCI_CAP_ID_EXP, MSI_POS);
	fake_fn_set(fn, EXP_POS + 2, 2, 0x0102); /* v2 endpoint, slot */
	fake_fn_set(fn, EXP_POS + 4, 4, 0x10008fc2); /* FLR, ext tag */
	fake_fn_set(fn, EXP_POS + 8, 2, 0x2810); /* MRRS 512, MPS 128 */
	fake_fn_set_wmask(fn, EXP_POS + 8, 2, 0xffff);
	fake_fn_set_w1cmask(fn, EXP_POS + 0xa, 2, 0x000f);
	fake_fn_set(fn, EXP_POS + 0xc, 4, 0x0047cc43); /* ASPM L0s L1 */
	fake_fn_set(fn, EXP_POS + 0x10, 2, 0x0040);
	fake_fn_set_wmask(fn, EXP_POS + 0x10, 2, 0x0ffb);
	fake_fn_set(fn, EXP_POS + 0x14, 4, 0xffffffff); /* slot cap */
	fake_fn_set(fn, EXP_POS + 0x24, 4, 0x00000810);
	set_cap(fn, MSI_POS, VPCI_CAP_ID_MSI, MSIX_POS);
	fake_fn_set(fn, MSI_POS + 2, 2, 0x0184); /* PVM, 64-bit, MMC 2 */
	fake_fn_set_wmask(fn, MSI_POS + 2, 2, 0x0071);
	fake_fn_set_wmask(fn, MSI_POS + 0x10, 4, 0xf);
	set_cap(fn, MSIX_POS, VPCI_CAP_ID_MSIX, 0);
	fake_fn_set(fn, MSIX_POS + 2, 2, NR_ENTRIES - 1u);
	fake_fn_set_wmask(fn, MSIX_POS + 2, 2, 0xc000);
	fake_fn_set(fn, MSIX_POS + 4, 4, table);
	fake_fn_set(fn, MSIX_POS + 8, 4, pba);
	fake_fn_set(fn, AER_POS, 4, 0x0001u | 1u << 16 | REBAR_POS << 20);
	fake_fn_set(fn, REBAR_POS, 4, 0x0015u | 1u << 16);
	fake_fn_set(fn, REBAR_POS + 4, 4, 0x1ff0); /* 1 MB .. 256 MB */
	fake_fn_set(fn, REBAR_POS + 8, 4, 2u | 1u << 5); /* BAR2, 1 BAR */
	fake_fn_set_wmask(fn, REBAR_POS + 8, 4, 0x3f00);
}

/* The NIC with the list above, added to the host. */
static inline struct fake_fn *add_capable_nic(struct fixture *e, uint16_t cmd)
{
	struct fake_fn *fn = add_nic_fn(e, DEV, cmd);

	add_cap_list(fn, TABLE_OFF, PBA_OFF);
	assert_int_equal(vpci_device_add(e->host, DEV), 0);
	return fn;
}

static inline const struct fake_irq_call *irq_call(struct fixture *e, size_t i)
{
	assert_true(i < e->fp.nr_irq_calls);
	return &e->fp.irq_calls[i];
}

static inline void assert_bound(struct fixture *e, size_t i, unsigned int vector,
				uint64_t addr, uint32_t data)
{
	const struct fake_irq_call *c = irq_call(e, i);

	assert_false(c->off);
	assert_int_equal(c->vector, vector);
	assert_int_equal(c->addr, addr);
	assert_int_equal(c->data, data);
}

static inline void assert_unbound(struct fixture *e, size_t i, unsigned int vector)
{
	const struct fake_irq_call *c = irq_call(e, i);

	assert_true(c->off);
	assert_int_equal(c->vector, vector);
}

#endif /* TESTS_CAPS_ENV_H */
