/* SPDX-License-Identifier: MIT */
/*
 * Shared scenery for the header tests: the fixture (a host with a
 * hardware domain and a guest, fixture.h), and devices built in the fake with real BAR write masks.
 *
 *  NIC (type 0):  BAR0 mem32 64 KiB      at 0xfe000000
 *                 BAR1 I/O 256 bytes     at 0xc000
 *                 BAR2 mem64 pref 1 MiB  at 0x4_0000_0000
 *                 BAR4 mem64 8 GiB       at 0x8_0000_0000
 *                 ROM 128 KiB            at 0xfe100000 (disabled)
 *  odd (type 0):  BAR0 none, BAR1 mem32 4 KiB at 0xfd000000, BAR2 none,
 *                 BAR3 16-bit I/O 32 bytes at 0xe000, BAR4 none,
 *                 BAR5 64-bit in the last slot, no ROM
 *  bridge (type 1): BAR0 mem32 16 KiB at 0xfc000000, BAR1 none,
 *                 ROM 2 KiB at 0xfc100000 (0x38)
 */
#ifndef TESTS_HEADER_ENV_H
#define TESTS_HEADER_ENV_H

#include "caps.h"
#include "fixture.h"
#include "header.h"
#include "internal.h"
#include "map.h"
#include "msix.h"

#define HW    FIXTURE_HW_ID
#define GUEST FIXTURE_GUEST_ID
#define DEV   VPCI_SBDF(0, 3, 0, 0)
#define VDEV  VPCI_SBDF(0, 0, 5, 0)

#define NIC_BAR0	0xfe000000ull
#define NIC_IO		0xc000u
#define NIC_BAR2	0x400000000ull
#define NIC_BAR4	0x800000000ull
#define NIC_BAR4_FRAMES 0x200000ull
#define NIC_ROM		0xfe100000ull

/* Where the guest puts them. */
#define G_BAR0 0xe0000000ull
#define G_BAR2 0x200000000ull
#define G_BAR4 0x400000000ull
#define G_ROM  0xe0100000ull

static inline struct fake_fn *add_nic_fn(struct fixture *e, vpci_sbdf_t sbdf,
					 uint16_t cmd)
{
	struct fake_fn *fn = fake_fn_add(&e->fp, sbdf);

	fake_fn_set_header(fn, 0x8086, 0x1000, VPCI_HEADER_TYPE_NORMAL);
	fake_fn_set_bar(fn, 0, 0x10000, 0);
	fake_fn_set_bar_addr(fn, 0, NIC_BAR0);
	fake_fn_set_bar(fn, 1, 0x100, VPCI_BAR_SPACE_IO);
	fake_fn_set_bar_addr(fn, 1, NIC_IO);
	fake_fn_set_bar(fn, 2, 0x100000,
			VPCI_BAR_MEM_TYPE_64 | VPCI_BAR_MEM_PREFETCH);
	fake_fn_set_bar_addr(fn, 2, NIC_BAR2);
	fake_fn_set_bar(fn, 4, 0x200000000ull, VPCI_BAR_MEM_TYPE_64);
	fake_fn_set_bar_addr(fn, 4, NIC_BAR4);
	fake_fn_set_rom(fn, VPCI_REG_ROM_ADDRESS, 0x20000, (uint32_t)NIC_ROM,
			false);
	fake_fn_set(fn, VPCI_REG_COMMAND, 2, cmd);
	return fn;
}

static inline struct fake_fn *add_nic(struct fixture *e, vpci_sbdf_t sbdf,
				      uint16_t cmd)
{
	struct fake_fn *fn = add_nic_fn(e, sbdf, cmd);

	assert_int_equal(vpci_device_add(e->host, sbdf), 0);
	return fn;
}

static inline struct fake_fn *add_odd(struct fixture *e, vpci_sbdf_t sbdf)
{
	struct fake_fn *fn = fake_fn_add(&e->fp, sbdf);

	fake_fn_set_header(fn, 0x1b36, 0x0001, VPCI_HEADER_TYPE_NORMAL);
	fake_fn_set_bar(fn, 1, 0x1000, 0);
	fake_fn_set_bar_addr(fn, 1, 0xfd000000);
	fake_fn_set_bar(fn, 3, 0x20, VPCI_BAR_SPACE_IO | FAKE_BAR_IO16);
	fake_fn_set_bar_addr(fn, 3, 0xe000);
	/* Its upper half would be 0x28, which is not a BAR. */
	fake_fn_set_bar(fn, 5, 0x1000, VPCI_BAR_MEM_TYPE_64);
	assert_int_equal(vpci_device_add(e->host, sbdf), 0);
	return fn;
}

static inline struct fake_fn *add_bridge(struct fixture *e, vpci_sbdf_t sbdf)
{
	struct fake_fn *fn = fake_fn_add(&e->fp, sbdf);

	fake_fn_set_header(fn, 0x8086, 0x2000, VPCI_HEADER_TYPE_BRIDGE);
	fake_fn_set_bar(fn, 0, 0x4000, 0);
	fake_fn_set_bar_addr(fn, 0, 0xfc000000);
	fake_fn_set_rom(fn, VPCI_REG_ROM_ADDRESS1, 0x800, 0xfc100000, false);
	fake_fn_set(fn, VPCI_REG_PRIMARY_BUS, 4, 0x00020100);
	assert_int_equal(vpci_device_add(e->host, sbdf), 0);
	return fn;
}

static inline void assign(struct fixture *e)
{
	assert_int_equal(vpci_assign_device(e->guest, DEV, VDEV, NULL), 0);
}

static inline uint32_t gr(struct fixture *e, unsigned int reg, unsigned int size)
{
	return vpci_read(e->guest, VDEV, reg, size);
}

static inline void gw(struct fixture *e, unsigned int reg, unsigned int size,
		      uint32_t val)
{
	vpci_write(e->guest, VDEV, reg, size, val);
}

static inline uint32_t hw_read(struct fixture *e, unsigned int reg,
			       unsigned int size)
{
	return vpci_read(e->hwdom, DEV, reg, size);
}

static inline void hw_write(struct fixture *e, unsigned int reg, unsigned int size,
			    uint32_t val)
{
	vpci_write(e->hwdom, DEV, reg, size, val);
}

/* One device as one domain sees it. */
struct view {
	struct vpci_domain *dom;
	vpci_sbdf_t sbdf;
};

static inline struct view guest_view(struct fixture *e)
{
	return (struct view){e->guest, VDEV};
}

static inline struct view hw_view(struct fixture *e)
{
	return (struct view){e->hwdom, DEV};
}

static inline uint32_t view_read(struct fixture *e, const struct view *v,
				 unsigned int reg, unsigned int size)
{
	(void)e;
	return vpci_read(v->dom, v->sbdf, reg, size);
}

static inline void view_write(struct fixture *e, const struct view *v,
			      unsigned int reg, unsigned int size, uint32_t val)
{
	(void)e;
	vpci_write(v->dom, v->sbdf, reg, size, val);
}

/* The guest places the NIC's memory BARs and ROM (decoding untouched). */
static inline void program_guest_bars(struct fixture *e)
{
	gw(e, 0x10, 4, (uint32_t)G_BAR0);
	gw(e, 0x18, 4, (uint32_t)G_BAR2);
	gw(e, 0x1c, 4, (uint32_t)(G_BAR2 >> 32));
	gw(e, 0x20, 4, (uint32_t)G_BAR4);
	gw(e, 0x24, 4, (uint32_t)(G_BAR4 >> 32));
	gw(e, VPCI_REG_ROM_ADDRESS, 4, (uint32_t)G_ROM);
}

/* Every frame of [gfn, gfn + nr) is mapped in domid, onto mfn + offset. */
static inline void assert_mapped(struct fixture *e, uint32_t domid, uint64_t gfn,
				 uint64_t mfn, uint64_t nr)
{
	uint64_t pos = gfn;

	while (pos < gfn + nr) {
		uint64_t got;
		size_t i;

		assert_true(fake_mapped_mfn(&e->fp, domid, pos, &got));
		assert_int_equal(got, mfn + (pos - gfn));
		/* Skip to the end of the fake's run holding pos. */
		for (i = 0; i < e->fp.nr_mappings; i++) {
			const struct fake_mapping *m = &e->fp.mappings[i];

			if (m->domid == domid && m->gfn <= pos &&
			    pos < m->gfn + m->nr) {
				pos = m->gfn + m->nr;
				break;
			}
		}
	}
}

static inline void assert_unmapped(struct fixture *e, uint32_t domid, uint64_t gfn,
				   uint64_t nr)
{
	uint64_t f, mfn;

	for (f = gfn; f < gfn + nr; f++)
		assert_false(fake_mapped_mfn(&e->fp, domid, f, &mfn));
}

/* The NIC's three memory BARs, and only they, are mapped. */
static inline void assert_nic_mapped(struct fixture *e, bool guest)
{
	uint32_t domid = guest ? GUEST : HW;

	assert_mapped(e, domid, (guest ? G_BAR0 : NIC_BAR0) >> 12,
		      NIC_BAR0 >> 12, 16);
	assert_mapped(e, domid, (guest ? G_BAR2 : NIC_BAR2) >> 12,
		      NIC_BAR2 >> 12, 256);
	assert_mapped(e, domid, (guest ? G_BAR4 : NIC_BAR4) >> 12,
		      NIC_BAR4 >> 12, NIC_BAR4_FRAMES);
	assert_int_equal(fake_mapped_frames(&e->fp, domid),
			 16 + 256 + NIC_BAR4_FRAMES);
}

#endif /* TESTS_HEADER_ENV_H */
