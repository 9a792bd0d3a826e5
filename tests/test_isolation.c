/* SPDX-License-Identifier: MIT */
/*
 * Isolation at the trust boundary (docs/header.md, "What a domain can
 * never get"): each rule is tried over its class of inputs, against the
 * fake platform's own record of every map and unmap it was asked for.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "header_env.h"

/* ------------------------------------- rule 7: 64-bit placement, not probe */

/* A 64-bit memory BAR of size bytes at addr in BAR2 of a fresh function. */
static struct fake_fn *add_bar64(struct fixture *e, vpci_sbdf_t sbdf, uint64_t size,
				 uint64_t addr, uint16_t cmd)
{
	struct fake_fn *fn = fake_fn_add(&e->fp, sbdf);

	fake_fn_set_header(fn, 0x8086, 0x1001, VPCI_HEADER_TYPE_NORMAL);
	fake_fn_set_bar(fn, 2, size, VPCI_BAR_MEM_TYPE_64);
	fake_fn_set_bar_addr(fn, 2, addr);
	fake_fn_set(fn, VPCI_REG_COMMAND, 2, cmd);
	assert_int_equal(vpci_device_add(e->host, sbdf), 0);
	return fn;
}

/* Placements whose low dword holds every low address bit set. */
static const struct {
	uint64_t size;
	uint64_t addr;
} all_ones_low[] = {
	{0x100000, 0x4fff00000ull},     /* 1 MiB just below 20 GiB */
	{0x80000000, 0x180000000ull},   /* 2 GiB at 3 * 2 GiB */
	{0x80000000, 0x7f80000000ull},  /* 2 GiB at an odd multiple, high */
	{0x1000, 0xfffff000ull},        /* 4 KiB at the top of 4 GiB */
};

static void bar64_with_all_ones_low_dword_maps_for_hwdom(void **state)
{
	struct fixture *e = *state;
	unsigned int i;

	for (i = 0; i < sizeof(all_ones_low) / sizeof(all_ones_low[0]); i++) {
		vpci_sbdf_t sbdf = VPCI_SBDF(0, 4, i, 0);

		add_bar64(e, sbdf, all_ones_low[i].size, all_ones_low[i].addr,
			  VPCI_CMD_MEMORY);
		assert_mapped(e, HW, all_ones_low[i].addr >> 12,
			      all_ones_low[i].addr >> 12,
			      all_ones_low[i].size >> 12);
		assert_int_equal(vpci_device_remove(e->host, sbdf), 0);
		assert_int_equal(fake_mapped_frames(&e->fp, HW), 0);
	}
}

static void bar64_with_all_ones_low_dword_maps_for_guest(void **state)
{
	struct fixture *e = *state;
	unsigned int i;

	for (i = 0; i < sizeof(all_ones_low) / sizeof(all_ones_low[0]); i++) {
		uint64_t a = all_ones_low[i].addr, n = all_ones_low[i].size >> 12;

		add_bar64(e, DEV, all_ones_low[i].size, 0x10000000000ull, 0);
		assign(e);
		/* The guest puts it where the low dword is all address bits;
		 * the whole 64-bit value is not the sizing pattern. */
		gw(e, 0x18, 4, (uint32_t)a | VPCI_BAR_MEM_TYPE_64);
		gw(e, 0x1c, 4, (uint32_t)(a >> 32));
		gw(e, VPCI_REG_COMMAND, 2, VPCI_CMD_MEMORY);
		assert_mapped(e, GUEST, a >> 12, 0x10000000000ull >> 12, n);
		/* Every address bit set, though, is a probe: not mapped. */
		gw(e, 0x1c, 4, 0xffffffffu);
		assert_int_equal(fake_mapped_frames(&e->fp, GUEST), 0);
		assert_int_equal(vpci_deassign_device(e->guest, DEV, NULL), 0);
		assert_int_equal(vpci_device_remove(e->host, DEV), 0);
	}
}

/* --------------------------------------------------------------- helpers */

#define DEV2  VPCI_SBDF(0, 3, 1, 0)
#define DEV3  VPCI_SBDF(0, 3, 2, 0)
#define VDEV2 VPCI_SBDF(0, 0, 6, 0)

/* An MSI-X capability at 0x40 with 16 entries (256 bytes of table). */
static void add_msix_cap(struct fake_fn *fn, uint32_t table, uint32_t pba)
{
	fake_fn_set(fn, VPCI_REG_STATUS, 2, VPCI_STATUS_CAP_LIST);
	fake_fn_set(fn, VPCI_REG_CAP_PTR, 1, 0x40);
	fake_fn_set(fn, 0x40, 2, VPCI_CAP_ID_MSIX);
	fake_fn_set(fn, 0x42, 2, 15); /* 16 entries: 256 bytes */
	fake_fn_set(fn, 0x44, 4, table);
	fake_fn_set(fn, 0x48, 4, pba);
}

/* A function with memory BARs of the given sizes at the given addresses
 * (0 size: none), and a ROM (rom_size 0: none). */
static struct fake_fn *add_fn(struct fixture *e, vpci_sbdf_t sbdf,
			      const uint64_t size[6], const uint64_t addr[6],
			      uint32_t rom_size, uint32_t rom_addr)
{
	struct fake_fn *fn = fake_fn_add(&e->fp, sbdf);
	unsigned int i;

	fake_fn_set_header(fn, 0x8086, 0x10d3, VPCI_HEADER_TYPE_NORMAL);
	for (i = 0; i < 6; i++) {
		if (!size[i])
			continue;
		fake_fn_set_bar(fn, i, size[i], 0);
		fake_fn_set_bar_addr(fn, i, addr[i]);
	}
	if (rom_size)
		fake_fn_set_rom(fn, VPCI_REG_ROM_ADDRESS, rom_size, rom_addr,
				false);
	return fn;
}

/* The guest places every memory BAR and the ROM of VDEV at guest
 * addresses of their own, keeping each one's offset within its page, and
 * turns memory decoding (and the ROM) on. */
static void guest_enables_all(struct fixture *e, const uint64_t size[6],
			      const uint64_t addr[6], uint32_t rom_size,
			      uint32_t rom_addr)
{
	unsigned int i;

	for (i = 0; i < 6; i++)
		if (size[i])
			gw(e, 0x10 + 4 * i, 4,
			   (uint32_t)(0xc0000000u + 0x100000u * i +
				      (addr[i] & 0xfffu)));
	if (rom_size)
		gw(e, VPCI_REG_ROM_ADDRESS, 4,
		   (0xc0800000u + (rom_addr & 0xfffu)) | VPCI_ROM_ENABLE);
	gw(e, VPCI_REG_COMMAND, 2, VPCI_CMD_MEMORY);
}

/* ----------------------------------- rule 1: MSI-X frames, per host frame */

/*
 * The table or PBA sits in one BAR; other BARs and the ROM of the same
 * function alias its host frame (sub-page neighbours, a ROM at the same
 * address). Whichever BAR holds it, no mapping of any BAR or of the ROM
 * reaches that frame; the other frames are mapped.
 */
static void msix_frames_never_reach_a_guest_through_any_bar_or_rom(void **state)
{
	struct fixture *e = *state;
	const uint64_t size[6] = {0x100, 0x100, 0x2000, 0x100, 0, 0};
	const uint64_t addr[6] = {0xfe000000, 0xfe000100, 0xfe002000,
				  0xfe000200, 0, 0};
	unsigned int table_bar, pba_bar;

	for (table_bar = 0; table_bar < 4; table_bar++)
		for (pba_bar = 0; pba_bar < 4; pba_bar++) {
			/* Table and PBA at the start of their BARs, or in the
			 * second page of the 8 KiB one. */
			uint32_t toff = table_bar == 2 ? 0x1000 : 0;
			uint32_t poff = pba_bar == 2 ? 0x1800 : 0x80;
			uint64_t tframe = (addr[table_bar] + toff) >> 12;
			uint64_t pframe = (addr[pba_bar] + poff) >> 12;
			struct fake_fn *fn;

			if (pba_bar != 2 && size[pba_bar] < 0x100)
				continue;
			fn = add_fn(e, DEV, size, addr, 0x1000, 0xfe000000);
			add_msix_cap(fn, toff | table_bar, poff | pba_bar);
			assert_int_equal(vpci_device_add(e->host, DEV), 0);
			assign(e);
			guest_enables_all(e, size, addr, 0x1000, 0xfe000000);
			assert_false(fake_host_frame_ever_mapped(
				&e->fp, GUEST, tframe, tframe));
			assert_false(fake_host_frame_ever_mapped(
				&e->fp, GUEST, pframe, pframe));
			/* The rest of the 8 KiB BAR is the guest's. */
			if (tframe != 0xfe002 && pframe != 0xfe002)
				assert_true(fake_host_frame_mapped(
					&e->fp, GUEST, 0xfe002, 0xfe002));
			assert_int_equal(vpci_deassign_device(e->guest, DEV, NULL), 0);
			assert_int_equal(vpci_device_remove(e->host, DEV), 0);
			fake_clear_records(&e->fp);
			assert_int_equal(fake_mapped_frames(&e->fp, GUEST), 0);
		}
}

/* The example: BAR0 holds the table, BAR1 is its 256-byte
 * neighbour in the same host frame. */
static void neighbour_bar_of_the_table_does_not_map_its_frame(void **state)
{
	struct fixture *e = *state;
	const uint64_t size[6] = {0x100, 0x100, 0, 0, 0, 0};
	const uint64_t addr[6] = {0xfe000000, 0xfe000100, 0, 0, 0, 0};
	struct fake_fn *fn = add_fn(e, DEV, size, addr, 0, 0);

	add_msix_cap(fn, 0x0 | 0, 0x80 | 0);
	assert_int_equal(vpci_device_add(e->host, DEV), 0);
	assign(e);
	gw(e, 0x14, 4, 0xc0000100u); /* BAR1 only */
	gw(e, VPCI_REG_COMMAND, 2, VPCI_CMD_MEMORY);
	assert_false(
		fake_host_frame_ever_mapped(&e->fp, GUEST, 0xfe000, 0xfe000));
}

/* -------------------------- rule 5: fail closed when exclusion needs memory */

/* Whichever allocation fails, from assignment through enabling, the
 * table's frame is never mapped: the BAR is then not mapped at all. */
static void msix_exclusion_without_memory_fails_closed(void **state)
{
	const uint64_t size[6] = {0x4000, 0, 0, 0, 0, 0};
	const uint64_t addr[6] = {0xfe000000, 0, 0, 0, 0, 0};
	long k;
	bool mapped_some = false;

	(void)state;
	for (k = 0; k < 60 && !mapped_some; k++) {
		void *st;
		struct fixture *e;
		struct fake_fn *fn;

		fixture_setup_hwdom_guest(&st); /* a failed set-up leaves the SBDF read-only */
		e = st;
		fn = add_fn(e, DEV, size, addr, 0, 0);
		add_msix_cap(fn, 0x1000 | 0, 0x3000 | 0);
		assert_int_equal(vpci_device_add(e->host, DEV), 0);
		e->fp.allocs_until_failure = k;
		if (vpci_assign_device(e->guest, DEV, VDEV, NULL) == 0) {
			guest_enables_all(e, size, addr, 0, 0);
			assert_false(fake_host_frame_ever_mapped(
				&e->fp, GUEST, 0xfe001, 0xfe001));
			assert_false(fake_host_frame_ever_mapped(
				&e->fp, GUEST, 0xfe003, 0xfe003));
			mapped_some = fake_host_frame_mapped(&e->fp, GUEST,
							     0xfe002, 0xfe002);
		}
		e->fp.allocs_until_failure = -1;
		fixture_teardown(&st);
	}
	assert_true(mapped_some); /* late enough, it maps, minus the table */
}

/* ---------------------------- rule 2: frames shared with another function */

/* A sub-page BAR sharing its frame with another function's BAR, whoever
 * owns that one (hardware domain, hypervisor, read-only), cannot go to a
 * guest, and the log names both. (Nor can the other one: it shares too,
 * so neither ever reaches another guest, or the same one.) */
static void sharing_a_frame_with_another_function_refuses_assignment(
	void **state)
{
	struct fixture *e = *state;
	const uint64_t size[6] = {0x100, 0, 0, 0, 0, 0};
	const uint64_t a1[6] = {0xfd000000, 0, 0, 0, 0, 0};
	const uint64_t a2[6] = {0xfd000800, 0, 0, 0, 0, 0};
	unsigned int owner;

	add_fn(e, DEV, size, a1, 0, 0);
	add_fn(e, DEV2, size, a2, 0, 0);
	assert_int_equal(vpci_device_add(e->host, DEV), 0);
	assert_int_equal(vpci_device_add(e->host, DEV2), 0);
	for (owner = 0; owner < 3; owner++) {
		if (owner == 1)
			assert_int_equal(vpci_device_hide(e->host, DEV2, NULL), 0);
		if (owner == 2)
			assert_int_equal(vpci_device_set_readonly(e->host,
								  DEV2, NULL),
					 0);
		assert_int_equal(vpci_assign_device(e->guest, DEV, VDEV, NULL),
				 VPCI_EPERM);
		assert_true(fake_log_contains(&e->fp, "0000:03:00.0"));
		assert_true(fake_log_contains(&e->fp, "0000:03:01.0"));
		assert_true(fake_log_contains(&e->fp, "shares host frame"));
		assert_int_equal(vpci_assign_device(e->guest, DEV2, VDEV2, NULL),
				 VPCI_EPERM);
	}
	/* Apart, it goes. */
	assert_int_equal(vpci_device_remove(e->host, DEV2), 0);
	assert_int_equal(vpci_assign_device(e->guest, DEV, VDEV, NULL), 0);
}

/* A ROM register left pointing at another function's BAR: absent for the
 * guest (reads 0, never mapped), and the hardware stops decoding it. */
static void stale_rom_over_another_function_is_absent_for_guests(void **state)
{
	struct fixture *e = *state;
	const uint64_t size[6] = {0x4000, 0, 0, 0, 0, 0};
	const uint64_t a1[6] = {0xfe000000, 0, 0, 0, 0, 0};
	const uint64_t a2[6] = {0xfd000000, 0, 0, 0, 0, 0};
	struct fake_fn *fn;

	fn = add_fn(e, DEV, size, a1, 0x2000, 0xfd002000);
	fake_fn_set(fn, VPCI_REG_ROM_ADDRESS, 4, 0xfd002000 | VPCI_ROM_ENABLE);
	add_fn(e, DEV2, size, a2, 0, 0);
	assert_int_equal(vpci_device_add(e->host, DEV), 0);
	assert_int_equal(vpci_device_add(e->host, DEV2), 0);
	assign(e);
	assert_true(fake_log_contains(&e->fp, "absent for the guest"));
	assert_int_equal(fake_fn_get(fn, VPCI_REG_ROM_ADDRESS, 4) &
				 VPCI_ROM_ENABLE,
			 0);
	gw(e, VPCI_REG_ROM_ADDRESS, 4, 0xffffffffu);
	assert_int_equal(gr(e, VPCI_REG_ROM_ADDRESS, 4), 0);
	gw(e, VPCI_REG_ROM_ADDRESS, 4, 0xc0800000u | VPCI_ROM_ENABLE);
	gw(e, 0x10, 4, 0xc0000000u);
	gw(e, VPCI_REG_COMMAND, 2, VPCI_CMD_MEMORY);
	assert_false(
		fake_host_frame_ever_mapped(&e->fp, GUEST, 0xfd002, 0xfd002));
	assert_false(
		fake_host_frame_ever_mapped(&e->fp, GUEST, 0xfd003, 0xfd003));
	assert_true(fake_host_frame_mapped(&e->fp, GUEST, 0xfe000, 0xfe000));
}

/* ------------------------- rule 3: the hardware domain's reach is limited */

/* With decoding off the hardware domain may write any address; enabled,
 * frames of a guest's function or of a read-only function are skipped
 * (logged), the rest mapped. */
static void hwdom_bar_over_foreign_frames_skips_them(void **state)
{
	struct fixture *e = *state;
	const uint64_t size[6] = {0x4000, 0, 0, 0, 0, 0};
	const uint64_t a1[6] = {0xfe000000, 0, 0, 0, 0, 0};
	const uint64_t a2[6] = {0xf0000000, 0, 0, 0, 0, 0};
	const uint64_t a3[6] = {0xfb000000, 0, 0, 0, 0, 0};
	const uint64_t big[6] = {0x10000, 0, 0, 0, 0, 0};
	uint64_t f;

	add_fn(e, DEV, size, a1, 0, 0);
	add_fn(e, DEV3, size, a3, 0, 0);
	add_fn(e, DEV2, big, a2, 0, 0);
	assert_int_equal(vpci_device_add(e->host, DEV), 0);
	assert_int_equal(vpci_device_add(e->host, DEV2), 0);
	assert_int_equal(vpci_device_add(e->host, DEV3), 0);
	assign(e);
	assert_int_equal(vpci_device_set_readonly(e->host, DEV3, NULL), 0);
	/* Over the guest's function (covering it and more)... */
	vpci_write(e->hwdom, DEV2, 0x10, 4, 0xfe000000u);
	vpci_write(e->hwdom, DEV2, VPCI_REG_COMMAND, 2, VPCI_CMD_MEMORY);
	for (f = 0xfe000; f < 0xfe004; f++)
		assert_false(fake_host_frame_ever_mapped(&e->fp, HW, f, f));
	assert_true(fake_host_frame_mapped(&e->fp, HW, 0xfe004, 0xfe004));
	assert_true(fake_log_contains(&e->fp, "not mapped"));
	/* ...and over the read-only one. */
	vpci_write(e->hwdom, DEV2, VPCI_REG_COMMAND, 2, 0);
	vpci_write(e->hwdom, DEV2, 0x10, 4, 0xfb000000u);
	vpci_write(e->hwdom, DEV2, VPCI_REG_COMMAND, 2, VPCI_CMD_MEMORY);
	for (f = 0xfb000; f < 0xfb004; f++)
		assert_false(fake_host_frame_ever_mapped(&e->fp, HW, f, f));
	assert_true(fake_host_frame_mapped(&e->fp, HW, 0xfb00f, 0xfb00f));
	/* The guest's function comes back: its frames are the hardware
	 * domain's again. */
	vpci_write(e->hwdom, DEV2, VPCI_REG_COMMAND, 2, 0);
	vpci_write(e->hwdom, DEV2, 0x10, 4, 0xfe000000u);
	vpci_write(e->hwdom, DEV2, VPCI_REG_COMMAND, 2, VPCI_CMD_MEMORY);
	assert_false(fake_host_frame_mapped(&e->fp, HW, 0xfe000, 0xfe000));
	assert_int_equal(vpci_deassign_device(e->guest, DEV, NULL), 0);
	assert_true(fake_host_frame_mapped(&e->fp, HW, 0xfe000, 0xfe000));
}

/* Assigning a function whose frames the hardware domain maps through
 * another BAR takes them away from it at once. */
static void assignment_takes_frames_from_the_hwdom(void **state)
{
	struct fixture *e = *state;
	const uint64_t size[6] = {0x4000, 0, 0, 0, 0, 0};
	const uint64_t a1[6] = {0xfe000000, 0, 0, 0, 0, 0};
	const uint64_t a2[6] = {0xfd000000, 0, 0, 0, 0, 0};
	struct fake_fn *fn1 = add_fn(e, DEV, size, a1, 0, 0);

	add_fn(e, DEV2, size, a2, 0, 0);
	fake_fn_set(fn1, VPCI_REG_COMMAND, 2, VPCI_CMD_MEMORY);
	assert_int_equal(vpci_device_add(e->host, DEV), 0);
	assert_int_equal(vpci_device_add(e->host, DEV2), 0);
	assert_true(fake_host_frame_mapped(&e->fp, HW, 0xfe000, 0xfe000));
	assign(e);
	assert_int_equal(fake_mapped_frames(&e->fp, HW), 0);
}

/* Functions a hide policy takes from the hardware domain's view do not
 * stay mapped into it. */
static void hide_policy_unmaps_what_the_hwdom_cannot_see(void **state)
{
	struct fixture *e = *state;
	const uint64_t size[6] = {0x4000, 0, 0, 0, 0, 0};
	const uint64_t a1[6] = {0xfe000000, 0, 0, 0, 0, 0};
	const uint64_t a2[6] = {0xfd000000, 0, 0, 0, 0, 0};
	const vpci_sbdf_t fn1 = VPCI_SBDF(0, 3, 0, 1);
	struct fake_fn *f0 = add_fn(e, DEV, size, a1, 0, 0);
	struct fake_fn *f1 = add_fn(e, fn1, size, a2, 0, 0);

	fake_fn_set(f0, VPCI_REG_HEADER_TYPE, 1, 0x80);
	fake_fn_set(f0, VPCI_REG_COMMAND, 2, VPCI_CMD_MEMORY);
	fake_fn_set(f1, VPCI_REG_COMMAND, 2, VPCI_CMD_MEMORY);
	assert_int_equal(vpci_device_add(e->host, DEV), 0);
	assert_int_equal(vpci_device_add(e->host, fn1), 0);
	assert_true(fake_host_frame_mapped(&e->fp, HW, 0xfe000, 0xfe000));
	assert_int_equal(vpci_host_set_policy(e->host, VPCI_POLICY_HIDE_SLOT),
			 0);
	assert_true(fake_host_frame_mapped(&e->fp, HW, 0xfe000,
					   0xfe000)); /* nothing hidden yet */
	assert_int_equal(vpci_device_hide(e->host, fn1, NULL), 0);
	assert_int_equal(fake_mapped_frames(&e->fp, HW), 0);
	/* Policy off: visible again, mapped again. */
	assert_int_equal(vpci_host_set_policy(e->host, 0), 0);
	assert_true(fake_host_frame_mapped(&e->fp, HW, 0xfe000, 0xfe000));
}

/* Reserved frames reach no domain: reserving unmaps them at once, and
 * later mappings (guest or hardware domain) skip them. */
static void reserved_frames_reach_no_domain(void **state)
{
	struct fixture *e = *state;
	const uint64_t size[6] = {0x4000, 0, 0, 0, 0, 0};
	const uint64_t a1[6] = {0xfe000000, 0, 0, 0, 0, 0};
	struct fake_fn *fn = add_fn(e, DEV, size, a1, 0, 0);

	fake_fn_set(fn, VPCI_REG_COMMAND, 2, VPCI_CMD_MEMORY);
	assert_int_equal(vpci_device_add(e->host, DEV), 0);
	assert_true(fake_host_frame_mapped(&e->fp, HW, 0xfe001, 0xfe001));
	assert_int_equal(vpci_host_reserve_frames(e->host, 0xfe001, 1), 0);
	assert_false(fake_host_frame_mapped(&e->fp, HW, 0xfe001, 0xfe001));
	assert_true(fake_host_frame_mapped(&e->fp, HW, 0xfe002, 0xfe002));
	assign(e);
	guest_enables_all(e, size, a1, 0, 0);
	assert_false(
		fake_host_frame_ever_mapped(&e->fp, GUEST, 0xfe001, 0xfe001));
	assert_true(fake_host_frame_mapped(&e->fp, GUEST, 0xfe000, 0xfe000));
	assert_true(fake_host_frame_mapped(&e->fp, GUEST, 0xfe002, 0xfe002));
	assert_int_equal(vpci_host_reserve_frames(e->host, 0, 0), VPCI_EINVAL);
	assert_int_equal(vpci_host_reserve_frames(e->host, UINT64_MAX, 2),
			 VPCI_EINVAL);
}

/* ------------------------------------- rule 4: teardown needs no memory */

/* With every allocation failing from the moment the guest's BARs are
 * mapped, turning decoding off, deassigning and destroying the domain
 * each unmap everything (a function given back without memory for its
 * hardware-domain state becomes read-only, as ownership rule 4 says). */
static void teardown_completes_without_memory(void **state)
{
	const uint64_t size[6] = {0x4000, 0x1000, 0x100, 0x100, 0, 0};
	const uint64_t a1[6] = {0xfe000000, 0xfe010000, 0xfe011000,
				0xfe011100, 0, 0};
	unsigned int round;

	(void)state;
	for (round = 0; round < 3; round++) {
		void *st;
		struct fixture *e;
		struct fake_fn *fn;

		fixture_setup_hwdom_guest(&st);
		e = st;
		fn = add_fn(e, DEV, size, a1, 0x2000, 0xfe020000);
		add_msix_cap(fn, 0x1000 | 0, 0x80 | 2);
		assert_int_equal(vpci_device_add(e->host, DEV), 0);
		assign(e);
		guest_enables_all(e, size, a1, 0x2000, 0xfe020000);
		assert_true(fake_mapped_frames(&e->fp, GUEST) > 0);
		e->fp.allocs_until_failure = 0;
		if (round == 0) {
			gw(e, VPCI_REG_COMMAND, 2, 0);
		} else if (round == 1) {
			assert_int_equal(vpci_deassign_device(e->guest, DEV, NULL),
					 0);
		} else {
			assert_int_equal(vpci_domain_destroy(e->guest), 0);
			e->guest = NULL;
		}
		assert_int_equal(fake_mapped_frames(&e->fp, GUEST), 0);
		assert_int_equal(e->fp.map_violations, 0);
		assert_int_equal(vpci_host_destroy(e->host), 0);
		e->host = NULL;
		assert_int_equal(e->fp.nr_mappings, 0);
		e->fp.allocs_until_failure = -1;
		fixture_teardown(&st);
	}
}

/* ---------------------------- rule 6: a failed unmap is not forgotten */

static void failed_unmap_is_returned_and_retried(void **state)
{
	struct fixture *e = *state;

	add_nic(e, DEV, 0);
	assign(e);
	program_guest_bars(e);
	gw(e, VPCI_REG_COMMAND, 2, VPCI_CMD_MEMORY);
	assert_nic_mapped(e, true);
	/* Deassign while every unmap fails: reported, and the frames stay
	 * recorded... */
	e->fp.map_error = VPCI_EIO;
	assert_int_equal(vpci_deassign_device(e->guest, DEV, NULL), VPCI_EIO);
	assert_true(fake_mapped_frames(&e->fp, GUEST) > 0);
	assert_int_equal(vpci_process_pending(e->guest), VPCI_EIO);
	/* ...so a later call removes them. */
	e->fp.map_error = 0;
	assert_int_equal(vpci_process_pending(e->guest), 0);
	assert_int_equal(fake_mapped_frames(&e->fp, GUEST), 0);
	assert_int_equal(vpci_process_pending(e->guest), 0);
}

static void failed_unmap_at_destroy_is_returned_and_retried(void **state)
{
	struct fixture *e = *state;

	add_nic(e, DEV, 0);
	assign(e);
	program_guest_bars(e);
	gw(e, VPCI_REG_COMMAND, 2, VPCI_CMD_MEMORY);
	e->fp.map_error = VPCI_EIO;
	assert_int_equal(vpci_domain_destroy(e->guest), VPCI_EIO);
	assert_true(fake_mapped_frames(&e->fp, GUEST) > 0);
	/* The device went back to the hardware domain all the same. */
	assert_null(vpci_domain_lookup(e->guest, VDEV));
	e->fp.map_error = 0;
	assert_int_equal(vpci_domain_destroy(e->guest), 0);
	e->guest = NULL;
	assert_int_equal(fake_mapped_frames(&e->fp, GUEST), 0);
}

/* The hardware domain's side: turning decoding off with unmaps failing
 * reports the error; the next command write retries. */
static void failed_hwdom_unmap_is_reported_and_retried(void **state)
{
	struct fixture *e = *state;

	add_nic(e, DEV, VPCI_CMD_MEMORY);
	e->fp.map_error = VPCI_EIO;
	assert_int_equal(vpci_device_remove(e->host, DEV), VPCI_EIO);
	assert_true(fake_mapped_frames(&e->fp, HW) > 0);
	e->fp.map_error = 0;
	assert_int_equal(vpci_process_pending(e->hwdom), 0);
	assert_int_equal(fake_mapped_frames(&e->fp, HW), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, fixture_setup_hwdom_guest, fixture_teardown)
		T(bar64_with_all_ones_low_dword_maps_for_hwdom),
		T(bar64_with_all_ones_low_dword_maps_for_guest),
		T(msix_frames_never_reach_a_guest_through_any_bar_or_rom),
		T(neighbour_bar_of_the_table_does_not_map_its_frame),
		T(msix_exclusion_without_memory_fails_closed),
		T(sharing_a_frame_with_another_function_refuses_assignment),
		T(stale_rom_over_another_function_is_absent_for_guests),
		T(hwdom_bar_over_foreign_frames_skips_them),
		T(assignment_takes_frames_from_the_hwdom),
		T(hide_policy_unmaps_what_the_hwdom_cannot_see),
		T(reserved_frames_reach_no_domain),
		T(teardown_completes_without_memory),
		T(failed_unmap_is_returned_and_retried),
		T(failed_unmap_at_destroy_is_returned_and_retried),
		T(failed_hwdom_unmap_is_reported_and_retried),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
