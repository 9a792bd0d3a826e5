/* SPDX-License-Identifier: MIT */
/*
 * BAR mapping policy (src/core/map.c through header.c): guest translation
 * and page offsets, moving BARs, the ROM, frames shared between BARs and
 * owners, conflicts, preemption with vpci_process_pending(), failures,
 * and giving a device back. Scenarios: host -> device in the fake ->
 * accesses -> what was mapped where, and what the hardware saw.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "header_env.h"

#define DEV2  VPCI_SBDF(0, 3, 1, 0)
#define VDEV2 VPCI_SBDF(0, 0, 6, 0)

/* Two 256-byte BARs sharing one host page at 0xfd000000. */
static struct fake_fn *add_small(struct fixture *e, vpci_sbdf_t sbdf, uint64_t bar0,
				 uint16_t cmd)
{
	struct fake_fn *fn = fake_fn_add(&e->fp, sbdf);

	fake_fn_set_header(fn, 0x1af4, 0x1041, VPCI_HEADER_TYPE_NORMAL);
	fake_fn_set_bar(fn, 0, 0x100, 0);
	fake_fn_set_bar_addr(fn, 0, bar0);
	fake_fn_set_bar(fn, 1, 0x100, 0);
	fake_fn_set_bar_addr(fn, 1, bar0 + 0x100);
	fake_fn_set(fn, VPCI_REG_COMMAND, 2, cmd);
	assert_int_equal(vpci_device_add(e->host, sbdf), 0);
	return fn;
}

static void guest_decode_maps_guest_frames_onto_host_frames(void **state)
{
	struct fixture *e = *state;

	add_nic(e, DEV, 0);
	assign(e);
	program_guest_bars(e);
	assert_int_equal(e->fp.nr_map_calls, 0);
	gw(e, VPCI_REG_COMMAND, 2, VPCI_CMD_MEMORY);
	assert_nic_mapped(e, true);
	assert_int_equal(fake_mapped_frames(&e->fp, HW), 0);
	gw(e, VPCI_REG_COMMAND, 2, 0);
	assert_int_equal(fake_mapped_frames(&e->fp, GUEST), 0);
}

static void guest_page_offset_must_match_host(void **state)
{
	struct fixture *e = *state;

	add_small(e, DEV, 0xfd000100, 0);
	assign(e);
	/* Same offset in the page: the containing frame is mapped. */
	gw(e, 0x10, 4, 0xe0000100);
	gw(e, 0x14, 4, 0xe0000300);
	gw(e, VPCI_REG_COMMAND, 2, VPCI_CMD_MEMORY);
	assert_mapped(e, GUEST, 0xe0000, 0xfd000, 1);
	assert_int_equal(fake_mapped_frames(&e->fp, GUEST), 1);
	assert_true(fake_log_contains(&e->fp, "different offsets"));
}

static void guest_moves_bars_while_decoding(void **state)
{
	struct fixture *e = *state;

	add_nic(e, DEV, 0);
	assign(e);
	program_guest_bars(e);
	gw(e, VPCI_REG_COMMAND, 2, VPCI_CMD_MEMORY);
	/* Linux moves 32-bit BARs without turning decoding off. */
	gw(e, 0x10, 4, 0xd0000000);
	assert_unmapped(e, GUEST, G_BAR0 >> 12, 16);
	assert_mapped(e, GUEST, 0xd0000, NIC_BAR0 >> 12, 16);
	/* A 64-bit BAR moves half by half. */
	gw(e, 0x18, 4, 0x80000000);
	gw(e, 0x1c, 4, 0x3);
	assert_mapped(e, GUEST, 0x380000, NIC_BAR2 >> 12, 256);
	assert_unmapped(e, GUEST, G_BAR2 >> 12, 256);
	assert_int_equal(fake_mapped_frames(&e->fp, GUEST),
			 16 + 256 + NIC_BAR4_FRAMES);
}

static void hwdom_cannot_move_a_mapped_bar(void **state)
{
	struct fixture *e = *state;
	struct fake_fn *fn = add_nic(e, DEV, VPCI_CMD_MEMORY);
	size_t calls = e->fp.nr_map_calls;

	hw_write(e, 0x10, 4, 0xd0000000);
	assert_int_equal(fake_fn_get(fn, 0x10, 4), (uint32_t)NIC_BAR0);
	assert_int_equal(e->fp.nr_map_calls, calls);
	assert_true(fake_log_contains(&e->fp, "ignored: the BAR is mapped"));
	/* With decoding off the write reaches the hardware ... */
	hw_write(e, VPCI_REG_COMMAND, 2, 0);
	hw_write(e, 0x10, 4, 0xd0000000);
	assert_int_equal(fake_fn_get(fn, 0x10, 4), 0xd0000000);
	/* ... and decoding maps the new place. */
	hw_write(e, VPCI_REG_COMMAND, 2, VPCI_CMD_MEMORY);
	assert_mapped(e, HW, 0xd0000, 0xd0000, 16);
	assert_unmapped(e, HW, NIC_BAR0 >> 12, 16);
}

static void hwdom_assigning_an_unassigned_bar_maps_it(void **state)
{
	struct fixture *e = *state;
	struct fake_fn *fn = add_nic_fn(e, DEV, VPCI_CMD_MEMORY);

	fake_fn_set_bar_addr(fn, 0, 0); /* firmware left BAR0 unassigned */
	assert_int_equal(vpci_device_add(e->host, DEV), 0);
	assert_unmapped(e, HW, 0, 16);
	hw_write(e, 0x10, 4, 0xd0000000);
	assert_mapped(e, HW, 0xd0000, 0xd0000, 16);
}

static void rom_enable_maps_only_the_rom(void **state)
{
	struct fixture *e = *state;
	struct fake_fn *fn = add_nic(e, DEV, VPCI_CMD_MEMORY);
	size_t i, calls = e->fp.nr_map_calls;

	hw_write(e, VPCI_REG_ROM_ADDRESS, 4, (uint32_t)NIC_ROM | 1);
	assert_int_equal(e->fp.nr_map_calls, calls + 1);
	assert_int_equal(e->fp.map_calls[calls].gfn, NIC_ROM >> 12);
	assert_int_equal(e->fp.map_calls[calls].nr_frames, 32);
	assert_int_equal(fake_fn_get(fn, VPCI_REG_ROM_ADDRESS, 4),
			 (uint32_t)NIC_ROM | 1);
	hw_write(e, VPCI_REG_ROM_ADDRESS, 4, (uint32_t)NIC_ROM);
	assert_unmapped(e, HW, NIC_ROM >> 12, 32);
	for (i = calls; i < e->fp.nr_map_calls; i++)
		assert_int_equal(e->fp.map_calls[i].gfn, NIC_ROM >> 12);
	assert_nic_mapped(e, false);
	/* A guest's ROM: its address, the host's frames. */
	hw_write(e, VPCI_REG_COMMAND, 2, 0);
	assign(e);
	program_guest_bars(e);
	gw(e, VPCI_REG_ROM_ADDRESS, 4, (uint32_t)G_ROM | 1);
	gw(e, VPCI_REG_COMMAND, 2, VPCI_CMD_MEMORY);
	assert_mapped(e, GUEST, G_ROM >> 12, NIC_ROM >> 12, 32);
	assert_int_equal(fake_fn_get(fn, VPCI_REG_ROM_ADDRESS, 4),
			 (uint32_t)NIC_ROM | 1);
}

static void frames_shared_by_hwdom_bars_stay_while_needed(void **state)
{
	struct fixture *e = *state;

	add_small(e, DEV, 0xfd000000, VPCI_CMD_MEMORY);
	add_small(e, DEV2, 0xfd000800, VPCI_CMD_MEMORY);
	/* Four BARs, one page, one map call. */
	assert_int_equal(e->fp.nr_map_calls, 1);
	assert_mapped(e, HW, 0xfd000, 0xfd000, 1);
	vpci_write(e->hwdom, DEV, VPCI_REG_COMMAND, 2, 0);
	assert_mapped(e, HW, 0xfd000, 0xfd000, 1);
	vpci_write(e->hwdom, DEV2, VPCI_REG_COMMAND, 2, 0);
	assert_unmapped(e, HW, 0xfd000, 1);
}

static void hidden_device_bars_count_for_the_hwdom(void **state)
{
	struct fixture *e = *state;

	/* A hidden UART and a hardware-domain device share a page. */
	add_small(e, DEV, 0xfd000000, VPCI_CMD_MEMORY);
	assert_int_equal(vpci_device_hide(e->host, DEV, NULL), 0);
	add_small(e, DEV2, 0xfd000800, VPCI_CMD_MEMORY);
	vpci_write(e->hwdom, DEV2, VPCI_REG_COMMAND, 2, 0);
	assert_mapped(e, HW, 0xfd000, 0xfd000, 1);
	vpci_write(e->hwdom, DEV, VPCI_REG_COMMAND, 2, 0);
	assert_unmapped(e, HW, 0xfd000, 1);
}

static void guest_conflict_blocks_until_the_other_bar_moves(void **state)
{
	struct fixture *e = *state;

	add_small(e, DEV, 0xfd000000, 0);
	add_small(e, DEV2, 0xfd001000, 0);
	assign(e);
	assert_int_equal(vpci_assign_device(e->guest, DEV2, VDEV2, NULL), 0);
	gw(e, 0x10, 4, 0xe0000000);
	gw(e, 0x14, 4, 0xe0000100);
	gw(e, VPCI_REG_COMMAND, 2, VPCI_CMD_MEMORY);
	/* DEV2's BAR0 on the same guest page, but another host page. */
	vpci_write(e->guest, VDEV2, 0x10, 4, 0xe0000000);
	vpci_write(e->guest, VDEV2, 0x14, 4, 0xe0010100);
	vpci_write(e->guest, VDEV2, VPCI_REG_COMMAND, 2, VPCI_CMD_MEMORY);
	assert_true(fake_log_contains(&e->fp, "overlaps another BAR"));
	assert_mapped(e, GUEST, 0xe0000, 0xfd000, 1);
	assert_mapped(e, GUEST, 0xe0010, 0xfd001, 1);
	assert_int_equal(fake_mapped_frames(&e->fp, GUEST), 2);
	/* Once the first device's BARs move away, the blocked one maps. */
	gw(e, 0x10, 4, 0xe0020000);
	gw(e, 0x14, 4, 0xe0020100);
	assert_mapped(e, GUEST, 0xe0000, 0xfd001, 1);
	assert_mapped(e, GUEST, 0xe0020, 0xfd000, 1);
	assert_int_equal(fake_mapped_frames(&e->fp, GUEST), 3);
}

static void preempted_work_finishes_in_process_pending(void **state)
{
	struct fixture *e = *state;
	struct fake_fn *fn = add_small(e, DEV, 0xfd000000, 0);
	int rc, rounds = 0;

	fake_fn_set_bar(fn, 0, 0x10000, 0); /* 16 frames */
	fake_fn_set_bar_addr(fn, 0, 0xfe000000);
	vpci_device_remove(e->host, DEV);
	assert_int_equal(vpci_device_add(e->host, DEV), 0);
	e->fp.map_budget_frames = 3;
	hw_write(e, VPCI_REG_COMMAND, 2, VPCI_CMD_MEMORY);
	/* The command waits for the mapping, and reads as written. */
	assert_int_equal(fake_fn_get(fn, VPCI_REG_COMMAND, 2), 0);
	assert_int_equal(hw_read(e, VPCI_REG_COMMAND, 2), VPCI_CMD_MEMORY);
	/* So does a dword read (the fast path's), status the hardware's. */
	fake_fn_set(fn, VPCI_REG_STATUS, 2, VPCI_STATUS_66MHZ);
	assert_int_equal(hw_read(e, VPCI_REG_COMMAND, 4),
			 (uint32_t)VPCI_STATUS_66MHZ << 16 | VPCI_CMD_MEMORY);
	/* Writes to the device meanwhile are dropped, and logged. */
	hw_write(e, 0x10, 4, 0xd0000000);
	assert_true(fake_log_contains(&e->fp, "still pending"));
	assert_int_equal(fake_fn_get(fn, 0x10, 4), 0xfe000000);
	assert_int_equal(vpci_process_pending(e->guest), 0);
	while ((rc = vpci_process_pending(e->hwdom)) == VPCI_ERESTART)
		rounds++;
	assert_int_equal(rc, 0);
	assert_true(rounds >= 4);
	assert_mapped(e, HW, 0xfe000, 0xfe000, 16);
	assert_mapped(e, HW, 0xfd000, 0xfd000, 1);
	assert_int_equal(fake_fn_get(fn, VPCI_REG_COMMAND, 2), VPCI_CMD_MEMORY);
	/* Done: a dword read shows the hardware's command again. */
	fake_fn_set(fn, VPCI_REG_COMMAND, 2, VPCI_CMD_MEMORY | VPCI_CMD_MASTER);
	assert_int_equal(hw_read(e, VPCI_REG_COMMAND, 4),
			 (uint32_t)VPCI_STATUS_66MHZ << 16 | VPCI_CMD_MEMORY |
				 VPCI_CMD_MASTER);
	hw_write(e, VPCI_REG_COMMAND, 2, VPCI_CMD_MEMORY);
	/* Turning it off is preempted the same way. */
	hw_write(e, VPCI_REG_COMMAND, 2, 0);
	while (vpci_process_pending(e->hwdom) == VPCI_ERESTART)
		;
	assert_int_equal(fake_mapped_frames(&e->fp, HW), 0);
}

static void map_failure_turns_decoding_off_and_unmaps(void **state)
{
	struct fixture *e = *state;
	struct fake_fn *fn = add_nic(e, DEV, 0);

	assign(e);
	program_guest_bars(e);
	e->fp.map_fail_after_frames = 20; /* partway through */
	gw(e, VPCI_REG_COMMAND, 2, VPCI_CMD_MEMORY | VPCI_CMD_MASTER);
	e->fp.map_fail_after_frames = -1;
	assert_true(fake_log_contains(&e->fp, "memory decoding turned off"));
	assert_int_equal(gr(e, VPCI_REG_COMMAND, 2) & VPCI_CMD_MEMORY, 0);
	assert_int_equal(fake_fn_get(fn, VPCI_REG_COMMAND, 2), VPCI_CMD_MASTER);
	assert_int_equal(fake_mapped_frames(&e->fp, GUEST), 0);
	/* It can be turned on again. */
	gw(e, VPCI_REG_COMMAND, 2, VPCI_CMD_MEMORY);
	assert_nic_mapped(e, true);
}

static void failure_in_process_pending_is_reported(void **state)
{
	struct fixture *e = *state;
	struct fake_fn *fn = add_small(e, DEV, 0xfd000000, 0);
	int rc;

	fake_fn_set_bar(fn, 0, 0x10000, 0);
	fake_fn_set_bar_addr(fn, 0, 0xfe000000);
	vpci_device_remove(e->host, DEV);
	assert_int_equal(vpci_device_add(e->host, DEV), 0);
	e->fp.map_budget_frames = 4;
	e->fp.map_fail_after_frames = 9;
	hw_write(e, VPCI_REG_COMMAND, 2, VPCI_CMD_MEMORY);
	while ((rc = vpci_process_pending(e->hwdom)) == VPCI_ERESTART)
		;
	assert_int_equal(rc, VPCI_EIO);
	e->fp.map_fail_after_frames = -1;
	assert_int_equal(fake_mapped_frames(&e->fp, HW), 0);
	assert_int_equal(fake_fn_get(fn, VPCI_REG_COMMAND, 2), 0);
	assert_int_equal(hw_read(e, VPCI_REG_COMMAND, 2), 0);
}

static void failed_unmap_is_logged_and_retried_later(void **state)
{
	struct fixture *e = *state;

	add_small(e, DEV, 0xfd000000, VPCI_CMD_MEMORY);
	e->fp.map_error = VPCI_EIO;
	hw_write(e, VPCI_REG_COMMAND, 2, 0);
	e->fp.map_error = 0;
	assert_true(fake_log_contains(&e->fp, "left mapped"));
	assert_mapped(e, HW, 0xfd000, 0xfd000, 1);
	hw_write(e, VPCI_REG_COMMAND, 2, VPCI_CMD_MEMORY);
	hw_write(e, VPCI_REG_COMMAND, 2, 0);
	assert_int_equal(fake_mapped_frames(&e->fp, HW), 0);
}

static void giving_a_device_back_moves_its_mappings(void **state)
{
	struct fixture *e = *state;

	add_nic(e, DEV, VPCI_CMD_MEMORY);
	assert_nic_mapped(e, false);
	assign(e);
	/* The hardware domain lost it, the guest has nothing mapped yet. */
	assert_int_equal(e->fp.nr_mappings, 0);
	program_guest_bars(e);
	gw(e, VPCI_REG_COMMAND, 2, VPCI_CMD_MEMORY);
	assert_nic_mapped(e, true);
	assert_int_equal(vpci_deassign_device(e->guest, DEV, NULL), 0);
	assert_int_equal(fake_mapped_frames(&e->fp, GUEST), 0);
	/* Decoding was on: the hardware domain maps it again. */
	assert_nic_mapped(e, false);
}

static void reserved_frames_are_never_mapped(void **state)
{
	struct fixture *e = *state;

	add_nic(e, DEV, 0);
	/* The hypervisor drives pages 2-3 of BAR0 itself. */
	assert_int_equal(vpci_host_reserve_frames(e->host, (NIC_BAR0 >> 12) + 2,
						  2),
			 0);
	hw_write(e, VPCI_REG_COMMAND, 2, VPCI_CMD_MEMORY);
	assert_mapped(e, HW, NIC_BAR0 >> 12, NIC_BAR0 >> 12, 2);
	assert_unmapped(e, HW, (NIC_BAR0 >> 12) + 2, 2);
	assert_mapped(e, HW, (NIC_BAR0 >> 12) + 4, (NIC_BAR0 >> 12) + 4, 12);
	hw_write(e, VPCI_REG_COMMAND, 2, 0);
	assert_int_equal(fake_mapped_frames(&e->fp, HW), 0);
}

/* An MSI-X capability at 0x40 (hardware's list) with its table in page 2
 * and PBA in page 3 of BAR0 (64 KiB), as NICs commonly have. */
static void add_msix_cap(struct fake_fn *fn, uint32_t table, uint32_t pba)
{
	fake_fn_set(fn, VPCI_REG_STATUS, 2, VPCI_STATUS_CAP_LIST);
	fake_fn_set(fn, VPCI_REG_CAP_PTR, 1, 0x40);
	fake_fn_set(fn, 0x40, 2, VPCI_CAP_ID_MSIX); /* next: 0 */
	fake_fn_set(fn, 0x42, 2, 63);               /* 64 entries: 1 KiB */
	fake_fn_set(fn, 0x44, 4, table);
	fake_fn_set(fn, 0x48, 4, pba);
}

static void guest_never_maps_msix_table_and_pba(void **state)
{
	struct fixture *e = *state;

	add_msix_cap(add_nic_fn(e, DEV, 0), 0x2000 | 0, 0x3000 | 0);
	assert_int_equal(vpci_device_add(e->host, DEV), 0);
	assign(e);
	program_guest_bars(e);
	gw(e, VPCI_REG_COMMAND, 2, VPCI_CMD_MEMORY);
	assert_mapped(e, GUEST, G_BAR0 >> 12, NIC_BAR0 >> 12, 2);
	assert_unmapped(e, GUEST, (G_BAR0 >> 12) + 2, 2);
	assert_mapped(e, GUEST, (G_BAR0 >> 12) + 4, (NIC_BAR0 >> 12) + 4, 12);
	assert_mapped(e, GUEST, G_BAR2 >> 12, NIC_BAR2 >> 12, 0x100);
	gw(e, VPCI_REG_COMMAND, 2, 0);
	assert_int_equal(fake_mapped_frames(&e->fp, GUEST), 0);
	assert_int_equal(e->fp.map_violations, 0);
}

static void broken_msix_capability_excludes_nothing_and_terminates(void **state)
{
	struct fixture *e = *state;
	struct fake_fn *fn = add_nic_fn(e, DEV, 0);

	/* A list that loops on itself, and an MSI-X entry naming BAR 5
	 * (unimplemented) with an offset past any BAR. */
	add_msix_cap(fn, 0xfffff005u, 0x3000 | 7);
	fake_fn_set(fn, 0x40, 2, VPCI_CAP_ID_PM | (0x50u << 8));
	fake_fn_set(fn, 0x50, 2, VPCI_CAP_ID_MSIX | (0x40u << 8));
	fake_fn_set(fn, 0x52, 2, 63);
	fake_fn_set(fn, 0x54, 4, 0xfffff005u);
	fake_fn_set(fn, 0x58, 4, 0x3000 | 7);
	assert_int_equal(vpci_device_add(e->host, DEV), 0);
	assign(e);
	assert_true(fake_log_contains(&e->fp, "not inside a memory BAR"));
	program_guest_bars(e);
	gw(e, VPCI_REG_COMMAND, 2, VPCI_CMD_MEMORY);
	assert_mapped(e, GUEST, G_BAR0 >> 12, NIC_BAR0 >> 12, 16);
	/* A list with no MSI-X that loops forever must end too. */
	fake_fn_set(fn, 0x50, 2, VPCI_CAP_ID_PM | (0x40u << 8));
	assert_int_equal(vpci_deassign_device(e->guest, DEV, NULL), 0);
	assign(e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, fixture_setup_hwdom_guest, fixture_teardown)
		T(guest_decode_maps_guest_frames_onto_host_frames),
		T(guest_page_offset_must_match_host),
		T(guest_moves_bars_while_decoding),
		T(hwdom_cannot_move_a_mapped_bar),
		T(hwdom_assigning_an_unassigned_bar_maps_it),
		T(rom_enable_maps_only_the_rom),
		T(frames_shared_by_hwdom_bars_stay_while_needed),
		T(hidden_device_bars_count_for_the_hwdom),
		T(guest_conflict_blocks_until_the_other_bar_moves),
		T(preempted_work_finishes_in_process_pending),
		T(map_failure_turns_decoding_off_and_unmaps),
		T(failure_in_process_pending_is_reported),
		T(failed_unmap_is_logged_and_retried_later),
		T(giving_a_device_back_moves_its_mappings),
		T(reserved_frames_are_never_mapped),
		T(guest_never_maps_msix_table_and_pba),
		T(broken_msix_capability_excludes_nothing_and_terminates),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
