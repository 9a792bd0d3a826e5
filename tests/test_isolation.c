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
static struct fake_fn *add_bar64(struct env *e, vpci_sbdf_t sbdf, uint64_t size,
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
	struct env *e = *state;
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
	struct env *e = *state;
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
		assert_int_equal(vpci_deassign_device(e->guest, DEV), 0);
		assert_int_equal(vpci_device_remove(e->host, DEV), 0);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, env_setup, env_teardown)
		T(bar64_with_all_ones_low_dword_maps_for_hwdom),
		T(bar64_with_all_ones_low_dword_maps_for_guest),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
