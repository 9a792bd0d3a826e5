/* SPDX-License-Identifier: MIT */
/*
 * ECAM decode: windows, bus ranges, sizes and alignment, absent
 * functions, and that nothing outside a window is claimed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#include "internal.h"

#define WIN_BASE 0xe0000000ull
#define WIN2_BASE 0x400000000ull

static int setup(void **state)
{
	struct fixture *b = fixture_new(0, false);
	struct fake_fn *fn;
	unsigned int i;

	/* 0000:05:1f.7 and 0002:80:00.0, with their SBDF in every dword. */
	fn = fake_fn_add(&b->fp, VPCI_SBDF(0, 5, 0x1f, 7));
	for (i = 0; i < 4096; i += 4)
		fake_fn_set(fn, i, 4, VPCI_SBDF(0, 5, 0x1f, 7) ^ i);
	fn = fake_fn_add(&b->fp, VPCI_SBDF(2, 0x80, 0, 0));
	for (i = 0; i < 4096; i += 4)
		fake_fn_set(fn, i, 4, VPCI_SBDF(2, 0x80, 0, 0) ^ i);
	fixture_create_hwdom(b);
	assert_int_equal(vpci_device_add(b->host, VPCI_SBDF(0, 5, 0x1f, 7)), 0);
	assert_int_equal(vpci_device_add(b->host, VPCI_SBDF(2, 0x80, 0, 0)), 0);
	/* Segment 0 buses 0-15 and segment 2 buses 0x80-0x81. */
	assert_int_equal(vpci_domain_add_ecam(b->hwdom, WIN_BASE, 0, 0, 15, NULL), 0);
	assert_int_equal(vpci_domain_add_ecam(b->hwdom, WIN2_BASE, 2, 0x80, 0x81, NULL),
			 0);
	*state = b;
	return 0;
}

static uint64_t ecam_addr(uint64_t base, unsigned int bus_rel,
			  unsigned int dev, unsigned int fn, unsigned int reg)
{
	return base + ((uint64_t)bus_rel << 20) + ((uint64_t)dev << 15) +
	       ((uint64_t)fn << 12) + reg;
}

static void decode_reaches_bus_device_function_and_register(void **state)
{
	struct fixture *b = *state;
	uint64_t v;

	assert_int_equal(vpci_ecam_read(b->hwdom,
					ecam_addr(WIN_BASE, 5, 0x1f, 7, 0x44),
					4, &v),
			 0);
	assert_int_equal(v, VPCI_SBDF(0, 5, 0x1f, 7) ^ 0x44);
	/* Second window: relative to its first bus. */
	assert_int_equal(vpci_ecam_read(b->hwdom,
					ecam_addr(WIN2_BASE, 0, 0, 0, 0xffc),
					4, &v),
			 0);
	assert_int_equal(v, VPCI_SBDF(2, 0x80, 0, 0) ^ 0xffc);
	assert_int_equal(vpci_ecam_read(b->hwdom,
					ecam_addr(WIN2_BASE, 0, 0, 0, 0x43),
					1, &v),
			 0);
	assert_int_equal(v, ((VPCI_SBDF(2, 0x80, 0, 0) ^ 0x40) >> 24) & 0xff);
}

static void eight_byte_access_is_two_dwords(void **state)
{
	struct fixture *b = *state;
	struct fake_fn *fn = fake_fn_find(&b->fp, VPCI_SBDF(0, 5, 0x1f, 7));
	uint64_t v;

	assert_int_equal(vpci_ecam_read(b->hwdom,
					ecam_addr(WIN_BASE, 5, 0x1f, 7, 0x18),
					8, &v),
			 0);
	assert_int_equal(v, ((uint64_t)fake_fn_get(fn, 0x1c, 4) << 32) |
				    fake_fn_get(fn, 0x18, 4));
	memset(fn->wmask, 0xff, sizeof(fn->wmask));
	assert_int_equal(vpci_ecam_write(b->hwdom,
					 ecam_addr(WIN_BASE, 5, 0x1f, 7, 0x40),
					 8, 0x1122334455667788ull),
			 0);
	assert_int_equal(fake_fn_get(fn, 0x40, 4), 0x55667788);
	assert_int_equal(fake_fn_get(fn, 0x44, 4), 0x11223344);
}

static void misaligned_and_odd_sizes_read_all_ones(void **state)
{
	struct fixture *b = *state;
	uint64_t base = ecam_addr(WIN_BASE, 5, 0x1f, 7, 0);
	static const struct {
		unsigned int off, size;
		uint64_t ones;
	} cases[] = {
		{0x41, 2, 0xffff}, {0x42, 4, 0xffffffff},
		{0x44, 8, UINT64_MAX}, {0xffc, 8, UINT64_MAX},
		{0x40, 3, 0xffffff}, {0x40, 16, UINT64_MAX},
		{0x40, 0, 0},
	};
	unsigned int i;
	uint64_t v;

	b->fp.record_accesses = true;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(vpci_ecam_read(b->hwdom, base + cases[i].off,
						cases[i].size, &v),
				 0);
		assert_int_equal(v, cases[i].ones);
		assert_int_equal(vpci_ecam_write(b->hwdom, base + cases[i].off,
						 cases[i].size, 0),
				 0);
	}
	assert_int_equal(b->fp.nr_accesses, 0);
}

static void outside_every_window_is_not_claimed(void **state)
{
	struct fixture *b = *state;
	static const uint64_t addrs[] = {
		WIN_BASE - 4, WIN_BASE + (16ull << 20), WIN2_BASE + (2ull << 20),
		0, UINT64_MAX - 3,
	};
	unsigned int i;
	uint64_t v;

	for (i = 0; i < sizeof(addrs) / sizeof(addrs[0]); i++) {
		assert_int_equal(vpci_ecam_read(b->hwdom, addrs[i], 4, &v),
				 VPCI_ENOENT);
		assert_int_equal(v, 0xffffffffu);
		assert_int_equal(vpci_ecam_write(b->hwdom, addrs[i], 4, 0),
				 VPCI_ENOENT);
	}
}

static void absent_function_reads_all_ones(void **state)
{
	struct fixture *b = *state;
	uint64_t v;

	assert_int_equal(vpci_ecam_read(b->hwdom,
					ecam_addr(WIN_BASE, 5, 0x1f, 6, 0),
					4, &v),
			 0);
	assert_int_equal(v, 0xffffffffu);
	assert_int_equal(vpci_ecam_read(b->hwdom,
					ecam_addr(WIN2_BASE, 1, 3, 0, 0), 2,
					&v),
			 0);
	assert_int_equal(v, 0xffff);
}

static void guest_sees_only_its_virtual_devices(void **state)
{
	struct fixture *b = *state;
	struct vpci_domain_config cfg = {.domid = 3,
					 .kind = VPCI_DOMAIN_GUEST,
					 .flags = VPCI_DOMAIN_F_VPCI};
	struct vpci_domain *g;
	uint64_t v;

	assert_int_equal(vpci_domain_create(b->host, &cfg, &g, NULL), 0);
	assert_int_equal(vpci_domain_add_ecam(g, 0x30000000, 0, 0, 0, NULL), 0);
	assert_int_equal(vpci_assign_device(g, VPCI_SBDF(0, 5, 0x1f, 7),
					    VPCI_SBDF(0, 0, 1, 7), NULL),
			 0);
	/* The guest finds it at 00:01.7; the hardware domain lost it. */
	assert_int_equal(vpci_ecam_read(g, 0x30000000 + (1u << 15) + (7u << 12),
					4, &v),
			 0);
	assert_int_not_equal(v, 0xffffffffu);
	/* 00:00.0 is the guest's emulated host bridge, not a device. */
	assert_int_equal(vpci_ecam_read(g, 0x30000000, 4, &v), 0);
	assert_int_equal(v, 0x00081b36u);
	assert_int_equal(vpci_ecam_read(g, 0x30000000 + 8, 4, &v), 0);
	assert_int_equal(v >> 8, 0x060000u);
	assert_int_equal(vpci_ecam_read(g, 0x30000000 + (2u << 15) + (7u << 12),
					4, &v),
			 0);
	assert_int_equal(v, 0xffffffffu);
	assert_int_equal(vpci_ecam_read(b->hwdom,
					ecam_addr(WIN_BASE, 5, 0x1f, 7, 0), 4,
					&v),
			 0);
	assert_int_equal(v, 0xffffffffu);
	assert_int_equal(vpci_deassign_device(g, VPCI_SBDF(0, 5, 0x1f, 7), NULL), 0);
	assert_int_equal(vpci_ecam_read(g, 0x30000000 + (1u << 15) + (7u << 12),
					4, &v),
			 0);
	assert_int_equal(v, 0xffffffffu);
	vpci_domain_destroy(g);
}

static void window_registration_rejects_clashes(void **state)
{
	struct fixture *b = *state;
	unsigned int i;

	assert_int_equal(vpci_domain_add_ecam(b->hwdom, WIN_BASE + (1 << 20), 1,
					      0, 0, NULL),
			 VPCI_EEXIST); /* gpa overlap */
	assert_int_equal(vpci_domain_add_ecam(b->hwdom, 0x10000000, 0, 15, 20, NULL),
			 VPCI_EEXIST); /* bus overlap */
	assert_int_equal(vpci_domain_add_ecam(b->hwdom, 0x10000001, 1, 0, 0, NULL),
			 VPCI_EINVAL);
	assert_int_equal(vpci_domain_add_ecam(b->hwdom, 0x10000000, 1, 3, 2, NULL),
			 VPCI_EINVAL);
	assert_int_equal(vpci_domain_add_ecam(b->hwdom, UINT64_MAX & ~0xfffffull,
					      1, 0, 1, NULL),
			 VPCI_ERANGE); /* wraps past the top */
	for (i = 2; i < 16; i++)
		assert_int_equal(vpci_domain_add_ecam(b->hwdom,
						      0x100000000ull * (i + 8),
						      (uint16_t)(10 + i), 0, 0, NULL),
				 0);
	assert_int_equal(vpci_domain_add_ecam(b->hwdom, 0x100000000ull * 30, 99,
					      0, 0, NULL),
			 VPCI_ENOSPC);
}

/* A window whose last byte is the last byte of the address space: its
 * end (base + size) is 2^64, which must not wrap to 0 and hide clashes. */
static void window_ending_at_the_top_still_clashes(void **state)
{
	struct fixture *b = *state;
	const uint64_t top_mib = UINT64_MAX & ~0xfffffull; /* 2^64 - 1 MiB */
	uint64_t v = 0;

	assert_int_equal(vpci_domain_add_ecam(b->hwdom, top_mib, 7, 0, 0, NULL), 0);
	/* Overlapping it from below (two buses), from the same base, and a
	 * window covering it whole: all refused. */
	assert_int_equal(vpci_domain_add_ecam(b->hwdom, top_mib - (1u << 20),
					      8, 0, 1, NULL),
			 VPCI_EEXIST);
	assert_int_equal(vpci_domain_add_ecam(b->hwdom, top_mib, 9, 0, 0, NULL),
			 VPCI_EEXIST);
	assert_int_equal(vpci_domain_add_ecam(b->hwdom, top_mib - (3u << 20),
					      10, 0, 3, NULL),
			 VPCI_EEXIST); /* also ends at 2^64 */
	assert_int_equal(vpci_domain_add_ecam(b->hwdom, top_mib - (3u << 20),
					      10, 0, 4, NULL),
			 VPCI_ERANGE); /* would run past the top */
	assert_int_equal(vpci_domain_add_ecam(b->hwdom, top_mib - (2u << 20),
					      11, 0, 2, NULL),
			 VPCI_EEXIST);
	/* Just below it is fine, and both decode. */
	assert_int_equal(vpci_domain_add_ecam(b->hwdom, top_mib - (1u << 20),
					      12, 0, 0, NULL),
			 0);
	assert_int_equal(vpci_ecam_read(b->hwdom, UINT64_MAX - 3, 4, &v), 0);
	assert_int_equal(vpci_ecam_read(b->hwdom, top_mib - 4, 4, &v), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, fixture_teardown)
		T(decode_reaches_bus_device_function_and_register),
		T(eight_byte_access_is_two_dwords),
		T(misaligned_and_odd_sizes_read_all_ones),
		T(outside_every_window_is_not_claimed),
		T(absent_function_reads_all_ones),
		T(guest_sees_only_its_virtual_devices),
		T(window_registration_rejects_clashes),
		T(window_ending_at_the_top_still_clashes),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
