/* SPDX-License-Identifier: MIT */
/*
 * x86 configuration mechanism #1: the 0xCF8 latch, the enable bit, the
 * bus/device/function/register decode, the sizes and ports a chipset
 * takes, AMD's extended register bits, malformed latches, and that the
 * latch belongs to one domain.
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
#include "vpci/cf8.h"

#define FN_A	VPCI_SBDF(0, 5, 0x1f, 7)
#define FN_B	VPCI_SBDF(0, 0xff, 0, 0)
#define FN_SEG2 VPCI_SBDF(2, 5, 0x1f, 7)

/* A function whose every dword holds its SBDF xor the offset, so a read
 * tells which function and register it reached. */
static void add_fn(struct fixture *b, vpci_sbdf_t sbdf)
{
	struct fake_fn *fn = fake_fn_add(&b->fp, sbdf);
	unsigned int i;

	for (i = 0; i < 4096; i += 4)
		fake_fn_set(fn, i, 4, sbdf ^ i);
	memset(fn->wmask + 0x40, 0xff, 4096 - 0x40);
	assert_int_equal(vpci_device_add(b->host, sbdf), 0);
}

static int setup(void **state)
{
	struct fixture *b = fixture_new(0, false);

	fixture_create_hwdom(b);
	add_fn(b, FN_A);
	add_fn(b, FN_B);
	add_fn(b, FN_SEG2);
	*state = b;
	return 0;
}

/* The latch value for bus/dev/fn/reg, built from the PCI spec layout. */
static uint32_t cf8(unsigned int bus, unsigned int dev, unsigned int fn,
		    unsigned int reg)
{
	return VPCI_CF8_ENABLE | bus << 16 | dev << 11 | fn << 8 | reg;
}

static void latch_reads_back_what_was_written(void **state)
{
	struct fixture *b = *state;

	assert_int_equal(vpci_cf8_read(b->hwdom), 0);
	vpci_cf8_write(b->hwdom, 0x80000000u);
	assert_int_equal(vpci_cf8_read(b->hwdom), 0x80000000u);
	/* Even a malformed value: the latch is a plain 32-bit register. */
	vpci_cf8_write(b->hwdom, 0x7fffffffu);
	assert_int_equal(vpci_cf8_read(b->hwdom), 0x7fffffffu);
}

static void decode_reaches_bus_device_function_and_register(void **state)
{
	struct fixture *b = *state;

	vpci_cf8_write(b->hwdom, cf8(5, 0x1f, 7, 0x44));
	assert_int_equal(vpci_cfc_read(b->hwdom, 0xcfc, 4), FN_A ^ 0x44);
	vpci_cf8_write(b->hwdom, cf8(0xff, 0, 0, 0xfc));
	assert_int_equal(vpci_cfc_read(b->hwdom, 0xcfc, 4), FN_B ^ 0xfc);
	/* Nothing at 05:1f.6: all-ones, like a master abort. */
	vpci_cf8_write(b->hwdom, cf8(5, 0x1f, 6, 0x44));
	assert_int_equal(vpci_cfc_read(b->hwdom, 0xcfc, 4), 0xffffffffu);
}

static void bytes_and_words_pick_their_part_of_the_dword(void **state)
{
	struct fixture *b = *state;
	uint32_t dword = FN_A ^ 0x48;
	unsigned int i;

	vpci_cf8_write(b->hwdom, cf8(5, 0x1f, 7, 0x48));
	for (i = 0; i < 4; i++)
		assert_int_equal(vpci_cfc_read(b->hwdom, 0xcfc + i, 1),
				 (dword >> (8 * i)) & 0xff);
	assert_int_equal(vpci_cfc_read(b->hwdom, 0xcfc, 2), dword & 0xffff);
	assert_int_equal(vpci_cfc_read(b->hwdom, 0xcfe, 2), dword >> 16);
}

static void latch_bits_1_0_are_ignored(void **state)
{
	struct fixture *b = *state;

	vpci_cf8_write(b->hwdom, cf8(5, 0x1f, 7, 0x48) | 3);
	assert_int_equal(vpci_cfc_read(b->hwdom, 0xcfc, 4), FN_A ^ 0x48);
	assert_int_equal(vpci_cfc_read(b->hwdom, 0xcfd, 1),
			 ((FN_A ^ 0x48) >> 8) & 0xff);
}

static void writes_reach_the_decoded_register(void **state)
{
	struct fixture *b = *state;
	struct fake_fn *fn = fake_fn_find(&b->fp, FN_A);

	vpci_cf8_write(b->hwdom, cf8(5, 0x1f, 7, 0x60));
	vpci_cfc_write(b->hwdom, 0xcfc, 4, 0xdeadbeef);
	assert_int_equal(fake_fn_get(fn, 0x60, 4), 0xdeadbeef);
	vpci_cfc_write(b->hwdom, 0xcfe, 2, 0x1234);
	assert_int_equal(fake_fn_get(fn, 0x60, 4), 0x1234beef);
	vpci_cfc_write(b->hwdom, 0xcfd, 1, 0x55);
	assert_int_equal(fake_fn_get(fn, 0x60, 4), 0x123455ef);
	/* Bits beyond the access size never reach the hardware. */
	vpci_cfc_write(b->hwdom, 0xcff, 1, 0xffffff66);
	assert_int_equal(fake_fn_get(fn, 0x60, 4), 0x663455ef);
}

static void enable_bit_clear_reads_all_ones_and_drops_writes(void **state)
{
	struct fixture *b = *state;

	b->fp.record_accesses = true;
	vpci_cf8_write(b->hwdom, cf8(5, 0x1f, 7, 0x60) & ~VPCI_CF8_ENABLE);
	assert_int_equal(vpci_cfc_read(b->hwdom, 0xcfc, 4), 0xffffffffu);
	assert_int_equal(vpci_cfc_read(b->hwdom, 0xcfe, 2), 0xffff);
	assert_int_equal(vpci_cfc_read(b->hwdom, 0xcff, 1), 0xff);
	vpci_cfc_write(b->hwdom, 0xcfc, 4, 0);
	assert_int_equal(b->fp.nr_accesses, 0);
}

static void sizes_and_ports_no_chipset_decodes_read_all_ones(void **state)
{
	struct fixture *b = *state;
	static const struct {
		unsigned int port, size;
		uint32_t ones;
	} cases[] = {
		{0xcfd, 2, 0xffff},
		{0xcff, 2, 0xffff},
		{0xcfd, 4, 0xffffffff},
		{0xcfe, 4, 0xffffffff},
		{0xcff, 4, 0xffffffff},
		{0xcfc, 3, 0xffffff},
		{0xcfc, 8, 0xffffffff},
		{0xcfc, 0, 0},
		{0xcf8, 4, 0xffffffff},
		{0xcfb, 1, 0xff},
		{0xd00, 1, 0xff},
		{0xd00, 4, 0xffffffff},
		{0, 4, 0xffffffff},
		{0xffffffff, 1, 0xff},
		{0xcfc + 0x10000, 4, 0xffffffff},
	};
	unsigned int i;

	vpci_cf8_write(b->hwdom, cf8(5, 0x1f, 7, 0x60));
	b->fp.record_accesses = true;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(
			vpci_cfc_read(b->hwdom, cases[i].port, cases[i].size),
			cases[i].ones);
		vpci_cfc_write(b->hwdom, cases[i].port, cases[i].size, 0);
	}
	assert_int_equal(b->fp.nr_accesses, 0);
}

static void reserved_latch_bits_are_malformed(void **state)
{
	struct fixture *b = *state;
	unsigned int bit;

	b->fp.record_accesses = true;
	for (bit = 24; bit <= 30; bit++) {
		vpci_cf8_write(b->hwdom, cf8(5, 0x1f, 7, 0x60) | 1u << bit);
		assert_int_equal(vpci_cfc_read(b->hwdom, 0xcfc, 4),
				 0xffffffffu);
		vpci_cfc_write(b->hwdom, 0xcfc, 4, 0);
	}
	/* Not even aliased onto register 0x60 of the function. */
	assert_int_equal(b->fp.nr_accesses, 0);
}

static void amd_extended_bits_reach_extended_space_when_on(void **state)
{
	struct fixture *b = *state;
	struct fake_fn *fn = fake_fn_find(&b->fp, FN_A);

	vpci_cf8_set_amd_ext(b->hwdom, true);
	/* Register 0x144: bits 11:8 (0x1) in latch bits 27:24. */
	vpci_cf8_write(b->hwdom, cf8(5, 0x1f, 7, 0x44) | 0x1u << 24);
	assert_int_equal(vpci_cfc_read(b->hwdom, 0xcfc, 4), FN_A ^ 0x144);
	vpci_cf8_write(b->hwdom, cf8(5, 0x1f, 7, 0xfc) | 0xfu << 24);
	assert_int_equal(vpci_cfc_read(b->hwdom, 0xcfe, 2),
			 (FN_A ^ 0xffc) >> 16);
	vpci_cfc_write(b->hwdom, 0xcfc, 4, 0xcafef00d);
	assert_int_equal(fake_fn_get(fn, 0xffc, 4), 0xcafef00d);
	/* Bits 30:28 stay reserved. */
	vpci_cf8_write(b->hwdom, cf8(5, 0x1f, 7, 0x44) | 0x1u << 28);
	assert_int_equal(vpci_cfc_read(b->hwdom, 0xcfc, 4), 0xffffffffu);
	/* Turned off again: the same latch is malformed. */
	vpci_cf8_set_amd_ext(b->hwdom, false);
	vpci_cf8_write(b->hwdom, cf8(5, 0x1f, 7, 0x44) | 0x1u << 24);
	assert_int_equal(vpci_cfc_read(b->hwdom, 0xcfc, 4), 0xffffffffu);
}

static void only_segment_0_is_reachable(void **state)
{
	struct fixture *b = *state;
	struct fake_fn *seg2 = fake_fn_find(&b->fp, FN_SEG2);

	/* 05:1f.7 exists on segments 0 and 2: port I/O reaches segment 0. */
	vpci_cf8_write(b->hwdom, cf8(5, 0x1f, 7, 0x60));
	assert_int_equal(vpci_cfc_read(b->hwdom, 0xcfc, 4), FN_A ^ 0x60);
	vpci_cfc_write(b->hwdom, 0xcfc, 4, 0);
	assert_int_equal(fake_fn_get(seg2, 0x60, 4), FN_SEG2 ^ 0x60);
}

static void latch_and_amd_option_belong_to_one_domain(void **state)
{
	struct fixture *b = *state;
	struct vpci_domain_config cfg = {.domid = 3,
					 .kind = VPCI_DOMAIN_GUEST,
					 .flags = VPCI_DOMAIN_F_VPCI};
	struct vpci_domain *g;

	assert_int_equal(vpci_domain_create(b->host, &cfg, &g, NULL), 0);
	assert_int_equal(vpci_cf8_read(g), 0);
	vpci_cf8_write(b->hwdom, cf8(0xff, 0, 0, 0x40));
	vpci_cf8_write(g, cf8(0, 1, 0, 0x40));
	assert_int_equal(vpci_cf8_read(b->hwdom), cf8(0xff, 0, 0, 0x40));
	vpci_cf8_set_amd_ext(g, true);
	vpci_cf8_write(b->hwdom, cf8(0xff, 0, 0, 0x40) | 1u << 24);
	assert_int_equal(vpci_cfc_read(b->hwdom, 0xcfc, 4), 0xffffffffu);
	vpci_domain_destroy(g);
}

static void guest_reaches_its_virtual_sbdf_only(void **state)
{
	struct fixture *b = *state;
	struct vpci_domain_config cfg = {.domid = 3,
					 .kind = VPCI_DOMAIN_GUEST,
					 .flags = VPCI_DOMAIN_F_VPCI};
	struct vpci_domain *g;

	assert_int_equal(vpci_domain_create(b->host, &cfg, &g, NULL), 0);
	assert_int_equal(vpci_assign_device(g, FN_B, VPCI_SBDF(0, 0, 2, 0), NULL), 0);
	/* The guest's 00:02.0 is the host's ff:00.0 (its own ID words). */
	vpci_cf8_write(g, cf8(0, 2, 0, 0));
	assert_int_equal(vpci_cfc_read(g, 0xcfc, 4),
			 vpci_read(g, VPCI_SBDF(0, 0, 2, 0), 0, 4));
	assert_int_equal(vpci_cfc_read(g, 0xcfc, 2), FN_B & 0xffff);
	/* The host's address of the device, and 05:1f.7, are not there. */
	vpci_cf8_write(g, cf8(0xff, 0, 0, 0));
	assert_int_equal(vpci_cfc_read(g, 0xcfc, 4), 0xffffffffu);
	vpci_cf8_write(g, cf8(5, 0x1f, 7, 0x60));
	assert_int_equal(vpci_cfc_read(g, 0xcfc, 4), 0xffffffffu);
	vpci_domain_destroy(g);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, setup, fixture_teardown)
		T(latch_reads_back_what_was_written),
		T(decode_reaches_bus_device_function_and_register),
		T(bytes_and_words_pick_their_part_of_the_dword),
		T(latch_bits_1_0_are_ignored),
		T(writes_reach_the_decoded_register),
		T(enable_bit_clear_reads_all_ones_and_drops_writes),
		T(sizes_and_ports_no_chipset_decodes_read_all_ones),
		T(reserved_latch_bits_are_malformed),
		T(amd_extended_bits_reach_extended_space_when_on),
		T(only_segment_0_is_reachable),
		T(latch_and_amd_option_belong_to_one_domain),
		T(guest_reaches_its_virtual_sbdf_only),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
