/* SPDX-License-Identifier: MIT */
/*
 * Hostile accesses to the registers whose fast paths skip work when a
 * write "changes nothing" (header.c, header_bars.c, the dword registers),
 * at every width and alignment, checked against docs/header.md and the
 * PCI spec:
 *  - RW1C status bits are cleared only where a 1 is written, by any
 *    width, even by a write that changes nothing else;
 *  - a guest's BIST byte never reaches the hardware; a platform's claim
 *    of it that runs out of memory leaves the 0x0c dword whole;
 *  - a read-only function, and one refused for sharing a guest's frame
 *    (refused again after removal), is never written;
 *  - command, BAR and ROM writes made while map work is pending are
 *    dropped, whatever their width, and the work completes as asked;
 *  - a mapped BAR's sizing probe ends with the restore of its address,
 *    written at any width.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "hostile_env.h"

/* ------------------------------------------------------ RW1C status */

/* Accesses covering the status register's upper byte (0x07), which holds
 * the RW1C error bits 8 and 11-15, at every alignment; byte is its
 * position in the access (4: the access does not cover it). */
struct status_access {
	unsigned int reg, size, byte;
};

static const struct status_access status_accesses[] = {
	{0x04, 4, 3},
	{0x06, 2, 1},
	{0x07, 1, 0},
	{0x05, 4, 2},
	{0x06, 4, 1},
	{0x07, 4, 0},
	{0x07, 2, 0},
	/* Beside it, not over it: nothing may be cleared. */
	{0x04, 2, 4},
	{0x04, 1, 4},
	{0x05, 1, 4},
	{0x06, 1, 4},
	{0x05, 2, 4},
	{0x03, 4, 4},
};

static void check_status_rw1c(bool guest)
{
	size_t k;

	for (k = 0; k < sizeof(status_accesses) / sizeof(status_accesses[0]);
	     k++) {
		const struct status_access *a = &status_accesses[k];
		struct fixture *e = new_env(guest);
		struct view v = view_of(e, guest);
		struct fake_fn *fn = fake_fn_find(&e->fp, DEV);
		/* The error byte's place in the access (none: 0). */
		uint32_t error_byte = a->byte < 4 ? 0xffu << (a->byte * 8u) : 0;
		uint32_t keep = view_read(e, &v, a->reg, a->size) & ~error_byte;
		uint16_t st;

		/* Other bytes as they read: a write that changes nothing
		 * there. Status byte 0 first: nothing may be cleared. */
		keep = without_decoding(a->reg, a->size, keep);
		view_write(e, &v, a->reg, a->size, keep);
		st = (uint16_t)fake_fn_get(fn, VPCI_REG_STATUS, 2);
		if ((st & 0xf900u) != 0xf900u)
			fail_msg("%s: a 0 in status (%u bytes at 0x%x) cleared "
				 "0x%x",
				 guest ? "guest" : "hwdom", a->size, a->reg,
				 ~st & 0xf900u);
		if (a->byte >= a->size) { /* the error byte is not written */
			view_write(
				e, &v, a->reg, a->size,
				without_decoding(a->reg, a->size, 0xffffffffu));
			assert_int_equal(fake_fn_get(fn, VPCI_REG_STATUS, 2) &
						 0xf900u,
					 0xf900u);
			free_env(e);
			continue;
		}
		/* A 1 in bit 15 alone clears bit 15 alone. */
		view_write(e, &v, a->reg, a->size,
			   keep | 0x80u << (a->byte * 8u));
		st = (uint16_t)fake_fn_get(fn, VPCI_REG_STATUS, 2);
		if ((st & 0xf900u) != 0x7900u)
			fail_msg("%s: bit 15 written by %u bytes at 0x%x: "
				 "status 0x%x",
				 guest ? "guest" : "hwdom", a->size, a->reg,
				 st);
		assert_int_equal(view_read(e, &v, VPCI_REG_STATUS, 2) & 0x8000u,
				 0);
		/* The same write again: nothing else goes. */
		view_write(e, &v, a->reg, a->size,
			   keep | 0x80u << (a->byte * 8u));
		assert_int_equal(fake_fn_get(fn, VPCI_REG_STATUS, 2) & 0xf900u,
				 0x7900u);
		free_env(e);
	}
}

static void guest_status_rw1c_by_every_width(void **state)
{
	(void)state;
	check_status_rw1c(true);
}

static void hwdom_status_rw1c_by_every_width(void **state)
{
	(void)state;
	check_status_rw1c(false);
}

/* ----------------------------------------------------------- BIST */

/* Every access covering BIST (0x0f): a guest may not start the
 * hardware's self test, and reads it as 0 (docs/header.md). */
static void guest_bist_never_reaches_the_hardware(void **state)
{
	static const unsigned int acc[][2] = {
		{0x0f, 1}, {0x0e, 2}, {0x0c, 4}, {0x0d, 4},
		{0x0e, 4}, {0x0f, 4}, {0x0f, 2}, {0x0d, 2},
	};
	size_t k;

	(void)state;
	for (k = 0; k < sizeof(acc) / sizeof(acc[0]); k++) {
		struct fixture *e = new_env(true);
		struct fake_fn *fn = fake_fn_find(&e->fp, DEV);
		unsigned int reg = acc[k][0], size = acc[k][1];
		unsigned int at = VPCI_REG_BIST - reg;
		size_t i;

		fake_fn_set(fn, VPCI_REG_BIST, 1, 0x80); /* BIST capable */
		fake_fn_set_wmask(fn, VPCI_REG_BIST, 1, 0x40);
		e->fp.record_accesses = true;
		/* Only the BIST byte set: the others write 0. */
		gw(e, reg, size, 0x40u << (at * 8u));
		gw(e, reg, size, 0xffffffffu >> (32u - size * 8u));
		for (i = 0; i < e->fp.nr_accesses; i++) {
			const struct fake_access *x = &e->fp.accesses[i];

			if (x->write && x->reg <= VPCI_REG_BIST &&
			    x->reg + x->size > VPCI_REG_BIST)
				fail_msg("%u bytes at 0x%x wrote BIST", size,
					 reg);
		}
		assert_int_equal(fake_fn_get(fn, VPCI_REG_BIST, 1), 0x80);
		assert_int_equal(gr(e, VPCI_REG_BIST, 1), 0);
		assert_int_equal(gr(e, VPCI_REG_CACHE_LINE_SIZE, 4) >> 24, 0);
		free_env(e);
	}
}

/*
 * A platform claims BIST (a gap of the guest's 0x0c dword register) after
 * the state was built, on a register table that is full, with every
 * allocation failing: the claim fails with VPCI_ENOMEM and the dword
 * register comes back whole (cache line size and latency timer the
 * guest's latch, header type the hardware's, BIST 0, nothing written to
 * the hardware). With memory, BIST is the platform's.
 */
static void bist_claim_without_memory_keeps_the_dword(void **state)
{
	long n;

	(void)state;
	for (n = 0; n < 3; n++) {
		struct fixture *e = new_env(true);
		struct vpci_dev *dev = vpci_device_find(e->host, DEV);
		uint32_t bist = 0, filler = 0, hdr_type;
		unsigned int k = 0;
		int rc;

		/* Fill the table with the platform's bytes where the guest
		 * has gaps (after its last capability), up to its capacity. */
		e->fp.allocs_until_failure = 0;
		while (k < 0x30 &&
		       !vpci_add_register(dev, vpci_read_val, vpci_write_val,
					  0xd0 + k, 1, &filler, NULL))
			k++;
		assert_true(k < 0x30); /* the table is full */
		e->fp.allocs_until_failure = n;
		rc = vpci_add_register(dev, vpci_read_val, vpci_write_val,
				       VPCI_REG_BIST, 1, &bist, NULL);
		e->fp.allocs_until_failure = -1;
		if (!n)
			assert_int_equal(rc, VPCI_ENOMEM);
		hdr_type = fake_fn_get(target_fn(e), VPCI_REG_HEADER_TYPE, 1);
		gw(e, VPCI_REG_CACHE_LINE_SIZE, 4, 0x11224010u);
		assert_int_equal(gr(e, VPCI_REG_CACHE_LINE_SIZE, 4),
				 0x4010u | hdr_type << 16 |
					 (rc ? 0u : 0x11u) << 24);
		gw(e, VPCI_REG_LATENCY_TIMER, 2, 0x7720);
		assert_int_equal(gr(e, VPCI_REG_CACHE_LINE_SIZE, 4),
				 0x2010u | hdr_type << 16 |
					 (rc ? 0u : 0x11u) << 24);
		assert_int_equal(bist, rc ? 0u : 0x11u);
		assert_int_equal(
			fake_fn_get(target_fn(e), 0x0c, 4) & 0xff00ffffu, 0);
		free_env(e);
	}
}

/* ------------------------------------- read-only and refused functions */

/* The hardware domain writes all-ones at every width and offset, aligned
 * or not, through the config entry points and ECAM: none of it may reach
 * the function at sbdf. */
static void assert_never_written(struct fixture *e, vpci_sbdf_t sbdf)
{
	struct fake_fn *fn = fake_fn_find(&e->fp, sbdf);
	uint64_t ecam = ECAM_BASE + ((uint64_t)(sbdf & 0xffffu) << 12);
	uint8_t before[VPCI_CFG_SPACE_SIZE];
	unsigned int reg, size;
	size_t i;

	memcpy(before, fn->cfg, sizeof(before));
	fake_clear_records(&e->fp);
	e->fp.record_accesses = true;
	for (size = 1; size <= 4; size *= 2)
		for (reg = 0; reg + size <= VPCI_CFG_SPACE_SIZE; reg += size) {
			vpci_write(e->hwdom, sbdf, reg, size, 0xffffffffu);
			assert_int_equal(vpci_ecam_write(e->hwdom, ecam + reg,
							 size, UINT64_MAX),
					 0);
		}
	for (reg = 0; reg < VPCI_CFG_SPACE_SIZE; reg += 8)
		assert_int_equal(
			vpci_ecam_write(e->hwdom, ecam + reg, 8, UINT64_MAX),
			0);
	/* Unaligned and dword-straddling ones too. */
	for (reg = 1; reg < 0x100; reg += 2) {
		vpci_write(e->hwdom, sbdf, reg, 2, 0xffff);
		vpci_write(e->hwdom, sbdf, reg, 4, 0xffffffffu);
	}
	for (i = 0; i < e->fp.nr_accesses; i++)
		if (e->fp.accesses[i].write && e->fp.accesses[i].sbdf == sbdf)
			fail_msg("%u bytes written at 0x%x",
				 e->fp.accesses[i].size, e->fp.accesses[i].reg);
	e->fp.record_accesses = false;
	assert_memory_equal(before, fn->cfg, sizeof(before));
	assert_int_equal(vpci_read(e->hwdom, sbdf, 0, 4),
			 fake_fn_get(fn, 0, 4));
}

static void readonly_function_is_never_written(void **state)
{
	struct fixture *e = new_env(false);

	(void)state;
	assert_int_equal(vpci_device_set_readonly(e->host, DEV, NULL), 0);
	assert_never_written(e, DEV);
	free_env(e);
}

/*
 * A function hot-added beside the guest's NIC, its BAR0 in the NIC's
 * last BAR0 frame, is refused (docs/header.md, rule 2) and read-only from
 * then on: through refusal, removal and a second refusal the hardware
 * domain can neither write it nor get the shared frame, and the records
 * kept for it are not leaked (the fixture's teardown counts).
 */
#define NEWCOMER VPCI_SBDF(0, 3, 1, 0)

static void refused_function_is_never_written(void **state)
{
	struct fixture *e = new_env(true);
	struct fake_fn *fn = fake_fn_add(&e->fp, NEWCOMER);
	uint64_t shared = (NIC_BAR0 + 0xf800u) >> 12;
	unsigned int round;

	(void)state;
	fake_fn_set_header(fn, 0x8086, 0x1234, VPCI_HEADER_TYPE_NORMAL);
	fake_fn_set_bar(fn, 0, 0x800, 0);
	fake_fn_set_bar_addr(fn, 0, NIC_BAR0 + 0xf800u);
	fake_fn_set(fn, VPCI_REG_COMMAND, 2, VPCI_CMD_MEMORY);
	for (round = 0; round < 2; round++) {
		assert_int_equal(vpci_device_add(e->host, NEWCOMER),
				 VPCI_EPERM);
		assert_null(vpci_device_find(e->host, NEWCOMER));
		assert_int_equal(fake_fn_get(fn, VPCI_REG_COMMAND, 2) &
					 VPCI_CMD_MEMORY,
				 0);
		assert_never_written(e, NEWCOMER);
		assert_false(
			fake_host_frame_mapped(&e->fp, HW, shared, shared));
		if (!round)
			assert_int_equal(vpci_device_remove(e->host, NEWCOMER),
					 0);
	}
	free_env(e);
}

/* ------------------------------------------------ pending map work */

/* BAR0 mapped at gfn: every frame but the two holding the MSI-X table
 * and PBA (TABLE_OFF, PBA_OFF), which no domain gets. */
#define BAR0_MAPPED_FRAMES 14u

static void assert_bar0_mapped(struct fixture *e, uint32_t domid, uint64_t gfn)
{
	assert_mapped(e, domid, gfn, NIC_BAR0 >> 12, TABLE_OFF >> 12);
	assert_unmapped(e, domid, gfn + (TABLE_OFF >> 12), 2);
	assert_mapped(e, domid, gfn + (PBA_OFF >> 12) + 1,
		      (NIC_BAR0 >> 12) + (PBA_OFF >> 12) + 1,
		      16 - (PBA_OFF >> 12) - 1);
}

/* Frames one map call may do: BAR0 (16 frames) takes several calls. */
#define BUDGET 4u

static void run_pending(struct fixture *e, struct vpci_domain *dom)
{
	unsigned int rounds = 0;
	int rc;

	while ((rc = vpci_process_pending(dom)) == VPCI_ERESTART)
		assert_true(++rounds < 64);
	assert_int_equal(rc, 0);
	(void)e;
}

/*
 * A guest enables decoding; the platform preempts. Every width of write
 * to the command register and to the BAR while work is pending is
 * dropped, even one that writes what is already there; the work then
 * completes onto the BAR as it was placed.
 */
static void guest_writes_while_pending_are_dropped_by_every_width(void **state)
{
	static const unsigned int acc[][2] = {
		{0x04, 4}, {0x04, 2}, {0x04, 1}, {0x05, 1},
		{0x03, 2}, {0x10, 4}, {0x10, 1}, {0x12, 2},
		{0x13, 1}, {0x0f, 2}, {0x0e, 4},
	};
	size_t k;

	(void)state;
	for (k = 0; k < sizeof(acc) / sizeof(acc[0]); k++) {
		struct fixture *e = new_env(true);
		struct view v = guest_view(e);
		unsigned int reg = acc[k][0], size = acc[k][1];

		gw(e, 0x10, 4, (uint32_t)G_BAR0);
		e->fp.map_budget_frames = BUDGET;
		gw(e, VPCI_REG_COMMAND, 2, VPCI_CMD_MEMORY);
		assert_true(fake_mapped_frames(&e->fp, GUEST) <
			    BAR0_MAPPED_FRAMES);
		/* Decoding off, BAR0 at 0: dropped. */
		gw(e, reg, size, 0);
		assert_int_equal(gr(e, VPCI_REG_COMMAND, 2) & VPCI_CMD_MEMORY,
				 VPCI_CMD_MEMORY);
		assert_int_equal(gr(e, 0x10, 4), (uint32_t)G_BAR0);
		assert_reads_agree_with_bytes(e, &v, 0, 0x40);
		run_pending(e, e->guest);
		assert_bar0_mapped(e, GUEST, G_BAR0 >> 12);
		assert_int_equal(fake_mapped_frames(&e->fp, GUEST),
				 BAR0_MAPPED_FRAMES);
		assert_int_equal(fake_fn_get(fake_fn_find(&e->fp, DEV),
					     VPCI_REG_COMMAND, 2) &
					 VPCI_CMD_MEMORY,
				 VPCI_CMD_MEMORY);
		/* Writing what is there changes nothing. */
		gw(e, VPCI_REG_COMMAND, 4, gr(e, VPCI_REG_COMMAND, 2));
		gw(e, 0x10, 4, (uint32_t)G_BAR0);
		assert_int_equal(fake_mapped_frames(&e->fp, GUEST),
				 BAR0_MAPPED_FRAMES);
		gw(e, VPCI_REG_COMMAND, 2, 0);
		run_pending(e, e->guest);
		assert_int_equal(fake_mapped_frames(&e->fp, GUEST), 0);
		free_env(e);
	}
}

/*
 * The hardware domain turns decoding on and the platform preempts: its
 * command reads as written, the hardware gets it once the work is done,
 * and a second write of the same value meanwhile (a write that changes
 * nothing) neither loses the held write nor maps twice.
 */
static void hwdom_command_held_over_preempted_work(void **state)
{
	struct fixture *e = new_env(false);
	struct fake_fn *fn = fake_fn_find(&e->fp, DEV);
	struct view v = hw_view(e);

	(void)state;
	e->fp.map_budget_frames = 1u << 16;
	hw_write(e, VPCI_REG_COMMAND, 4, VPCI_CMD_MEMORY);
	assert_int_equal(hw_read(e, VPCI_REG_COMMAND, 2) & VPCI_CMD_MEMORY,
			 VPCI_CMD_MEMORY);
	assert_int_equal(fake_fn_get(fn, VPCI_REG_COMMAND, 2) & VPCI_CMD_MEMORY,
			 0);
	hw_write(e, VPCI_REG_COMMAND, 2, VPCI_CMD_MEMORY);
	hw_write(e, VPCI_REG_COMMAND, 1, VPCI_CMD_MEMORY);
	hw_write(e, 0x10, 4, 0xffffffffu); /* a probe: dropped too */
	assert_reads_agree_with_bytes(e, &v, 0, 0x40); /* it shows, whole */
	run_pending(e, e->hwdom);
	assert_int_equal(fake_fn_get(fn, VPCI_REG_COMMAND, 2) & VPCI_CMD_MEMORY,
			 VPCI_CMD_MEMORY);
	assert_int_equal(hw_read(e, 0x10, 4), (uint32_t)NIC_BAR0);
	assert_bar0_mapped(e, HW, NIC_BAR0 >> 12);
	assert_int_equal(e->fp.map_violations, 0);
	hw_write(e, VPCI_REG_COMMAND, 2, 0);
	run_pending(e, e->hwdom);
	assert_int_equal(fake_mapped_frames(&e->fp, HW), 0);
	free_env(e);
}

/* -------------------------------------- a mapped BAR's sizing probe */

/* The hardware domain sizes a mapped BAR with every width of restore:
 * the probe is answered by vPCI, the restore (a write of the address it
 * already has: nothing changes in the hardware) ends it. */
static void hwdom_probe_of_mapped_bar_ends_with_any_restore(void **state)
{
	static const unsigned int restore_sizes[] = {4, 2, 1};
	size_t k;

	(void)state;
	for (k = 0; k < 3; k++) {
		struct fixture *e = new_env(false);
		struct fake_fn *fn = fake_fn_find(&e->fp, DEV);
		unsigned int size = restore_sizes[k], i;
		size_t maps;

		hw_write(e, VPCI_REG_COMMAND, 2, VPCI_CMD_MEMORY);
		assert_bar0_mapped(e, HW, NIC_BAR0 >> 12);
		maps = e->fp.nr_map_calls;
		hw_write(e, 0x10, 4, 0xffffffffu);
		assert_int_equal(hw_read(e, 0x10, 4), 0xffff0000u);
		assert_int_equal(fake_fn_get(fn, 0x10, 4), (uint32_t)NIC_BAR0);
		hw_write(e, 0x10, 4, 0xffffffffu); /* again: still a probe */
		assert_int_equal(hw_read(e, 0x10, 4), 0xffff0000u);
		for (i = 0; i < 4; i += size)
			hw_write(e, 0x10 + i, size,
				 ((uint32_t)NIC_BAR0 >> (i * 8u)) &
					 (0xffffffffu >> (32u - size * 8u)));
		assert_int_equal(hw_read(e, 0x10, 4), (uint32_t)NIC_BAR0);
		assert_int_equal(fake_fn_get(fn, 0x10, 4), (uint32_t)NIC_BAR0);
		assert_int_equal(e->fp.nr_map_calls, maps);
		assert_bar0_mapped(e, HW, NIC_BAR0 >> 12);
		hw_write(e, VPCI_REG_COMMAND, 2, 0);
		free_env(e);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(guest_status_rw1c_by_every_width),
		cmocka_unit_test(hwdom_status_rw1c_by_every_width),
		cmocka_unit_test(guest_bist_never_reaches_the_hardware),
		cmocka_unit_test(bist_claim_without_memory_keeps_the_dword),
		cmocka_unit_test(readonly_function_is_never_written),
		cmocka_unit_test(refused_function_is_never_written),
		cmocka_unit_test(
			guest_writes_while_pending_are_dropped_by_every_width),
		cmocka_unit_test(hwdom_command_held_over_preempted_work),
		cmocka_unit_test(
			hwdom_probe_of_mapped_bar_ends_with_any_restore),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
