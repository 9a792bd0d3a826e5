/* SPDX-License-Identifier: MIT */
/*
 * Hostile config accesses against the per-access fast path (dispatch.h,
 * register_access.c, ecam.c, the dword registers): whole classes of
 * widths and offsets, each checked against what the spec or the API says,
 * never against what the code happened to answer.
 *
 *  - every width at every offset reads what its bytes read one by one,
 *    through the config entry points and through ECAM (up to 8 bytes);
 *  - a write of any width at any alignment (ECAM: up to 8 bytes) leaves
 *    the device, the hardware and the mappings as the same bytes written
 *    one at a time would (PCI byte enables are independent), on a twin
 *    host;
 *  - sizes other than 1, 2, 4 (ECAM: 8), misaligned ECAM accesses and
 *    offsets past 4 KiB read all-ones and reach nothing.
 * Each on the capable NIC of caps_env.h, on a VF (sriov_env.h) and on the
 * NIC with platform registers beside the library's (hostile_env.h), in
 * the hardware domain's view and in a guest's.
 * Register semantics over those classes: test_hostile_registers.c.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "hostile_env.h"

/* ------------------------------------------------ reads, every width */

static void check_reads_agree_with_bytes(enum hostile_kind kind, bool guest)
{
	struct fixture *e = new_env_of(kind, guest);
	struct view v = view_of(e, guest);
	static uint8_t bytes[VPCI_CFG_SPACE_SIZE];
	unsigned int reg, size, i;

	for (reg = 0; reg < VPCI_CFG_SPACE_SIZE; reg++)
		bytes[reg] = (uint8_t)view_read(e, &v, reg, 1);
	for (size = 2; size <= 4; size += 2)
		for (reg = 0; reg + size <= VPCI_CFG_SPACE_SIZE; reg++) {
			uint32_t want = 0;

			for (i = 0; i < size; i++)
				want |= (uint32_t)bytes[reg + i] << (i * 8u);
			if (view_read(e, &v, reg, size) != want)
				fail_msg("%s read of %u bytes at 0x%x: 0x%x, "
					 "its bytes read 0x%x",
					 guest ? "guest" : "hwdom", size, reg,
					 view_read(e, &v, reg, size), want);
		}
	/* ECAM, every aligned width up to 8 bytes: the same bytes. */
	for (size = 1; size <= 8; size *= 2)
		for (reg = 0; reg < VPCI_CFG_SPACE_SIZE; reg += size) {
			uint64_t want = 0, got;

			for (i = 0; i < size; i++)
				want |= (uint64_t)bytes[reg + i] << (i * 8u);
			assert_int_equal(vpci_ecam_read(v.dom,
							ecam_gpa(e, guest, reg),
							size, &got),
					 0);
			if (got != want)
				fail_msg("%s ECAM read of %u bytes at 0x%x: "
					 "0x%llx, its bytes read 0x%llx",
					 guest ? "guest" : "hwdom", size, reg,
					 (unsigned long long)got,
					 (unsigned long long)want);
		}
	free_env(e);
}

static void guest_reads_of_every_width_agree_with_bytes(void **state)
{
	(void)state;
	check_reads_agree_with_bytes(HOSTILE_NIC, true);
	check_reads_agree_with_bytes(HOSTILE_VF, true);
	check_reads_agree_with_bytes(HOSTILE_QUIRKS, true);
}

static void hwdom_reads_of_every_width_agree_with_bytes(void **state)
{
	(void)state;
	check_reads_agree_with_bytes(HOSTILE_NIC, false);
	check_reads_agree_with_bytes(HOSTILE_VF, false);
	check_reads_agree_with_bytes(HOSTILE_QUIRKS, false);
}

/* ------------------------------------- writes, every width, on a twin */

/* Offsets worth hitting: the header, the capabilities, the extended
 * ones, and the end of config space. */
static unsigned int pick_reg(uint64_t *s, unsigned int size)
{
	uint32_t r = next_rand(s);
	unsigned int reg;

	switch (r % 8u) {
	case 0:
		reg = VPCI_CFG_SPACE_SIZE - size - (r >> 8) % 4u;
		break;
	case 1:
		reg = AER_POS + (r >> 8) % 0x70u;
		break;
	default:
		reg = (r >> 8) % 0x100u;
	}
	return reg + size <= VPCI_CFG_SPACE_SIZE ? reg
						 : VPCI_CFG_SPACE_SIZE - size;
}

/*
 * What a domain and the hardware show: every standard-space byte and the
 * extended capabilities as the view reads them (dwords, byte checked
 * above), and the hardware's whole config space.
 */
static void assert_same_state(struct fixture *a, struct fixture *b, bool guest,
			      unsigned int step, unsigned int reg,
			      unsigned int size, uint32_t val)
{
	struct view va = view_of(a, guest), vb = view_of(b, guest);
	const struct fake_fn *fa = target_fn(a), *fb = target_fn(b);
	unsigned int r;

	for (r = 0; r < REBAR_POS + 0x20u; r += 4) {
		uint32_t x = view_read(a, &va, r, 4),
			 y = view_read(b, &vb, r, 4);

		if (x != y)
			fail_msg("step %u: %s write of %u bytes at 0x%x "
				 "(0x%x): 0x%x reads 0x%x, byte by byte 0x%x",
				 step, guest ? "guest" : "hwdom", size, reg,
				 val, r, x, y);
	}
	for (r = 0; r < VPCI_CFG_SPACE_SIZE; r++)
		if (fa->cfg[r] != fb->cfg[r])
			fail_msg("step %u: %s write of %u bytes at 0x%x "
				 "(0x%x): hardware byte 0x%x is 0x%x, byte by "
				 "byte 0x%x",
				 step, guest ? "guest" : "hwdom", size, reg,
				 val, r, fa->cfg[r], fb->cfg[r]);
	assert_int_equal(fake_mapped_frames(&a->fp, GUEST),
			 fake_mapped_frames(&b->fp, GUEST));
	assert_int_equal(fake_mapped_frames(&a->fp, HW),
			 fake_mapped_frames(&b->fp, HW));
	assert_int_equal(a->fp.map_violations, 0);
	assert_int_equal(b->fp.map_violations, 0);
}

/* One write made through ECAM (1, 2, 4 or 8 bytes, aligned) or the
 * config entry points (1, 2 or 4 bytes, any alignment). */
static void write_one(struct fixture *e, bool guest, bool ecam,
		      unsigned int reg, unsigned int size, uint64_t val)
{
	struct view v = view_of(e, guest);

	if (ecam)
		assert_int_equal(vpci_ecam_write(v.dom, ecam_gpa(e, guest, reg),
						 size, val),
				 0);
	else
		view_write(e, &v, reg, size, (uint32_t)val);
}

static void check_writes_agree_with_bytes(enum hostile_kind kind, bool guest,
					  uint64_t seed)
{
	static const unsigned int sizes[] = {1, 2, 4, 8};
	struct fixture *a = new_env_of(kind, guest),
		       *b = new_env_of(kind, guest);
	uint64_t s = seed;
	unsigned int step;

	for (step = 0; step < 1000; step++) {
		bool ecam = next_rand(&s) % 3u == 0;
		unsigned int size = sizes[next_rand(&s) % (ecam ? 4u : 3u)];
		unsigned int reg = pick_reg(&s, size), i;
		uint64_t val = next_rand(&s) ^ (uint64_t)next_rand(&s) << 16 ^
			       (uint64_t)next_rand(&s) << 40;

		if (ecam)
			reg &= ~(size - 1u);
		/* Memory decoding stays off: a mapped BAR of the hardware
		 * domain takes only a whole-dword probe (docs/header.md),
		 * and mapping is another file's business. */
		val = without_decoding(reg, size > 4 ? 4 : size,
				       (uint32_t)val) |
		      (size > 4 ? val >> 32 << 32 : 0);
		arm_errors(a);
		arm_errors(b);
		write_one(a, guest, ecam, reg, size, val);
		for (i = 0; i < size; i++)
			write_one(b, guest, false, reg + i, 1,
				  (val >> (i * 8u)) & 0xffu);
		assert_same_state(a, b, guest, step, reg, size, (uint32_t)val);
	}
	free_env(a);
	free_env(b);
}

static void guest_writes_of_every_width_act_as_their_bytes(void **state)
{
	(void)state;
	check_writes_agree_with_bytes(HOSTILE_NIC, true, 1);
	check_writes_agree_with_bytes(HOSTILE_NIC, true, 0x5eed);
	check_writes_agree_with_bytes(HOSTILE_VF, true, 3);
	check_writes_agree_with_bytes(HOSTILE_QUIRKS, true, 5);
}

static void hwdom_writes_of_every_width_act_as_their_bytes(void **state)
{
	(void)state;
	check_writes_agree_with_bytes(HOSTILE_NIC, false, 2);
	check_writes_agree_with_bytes(HOSTILE_NIC, false, 0xbad5eed);
	check_writes_agree_with_bytes(HOSTILE_VF, false, 4);
	check_writes_agree_with_bytes(HOSTILE_QUIRKS, false, 6);
}

/* ------------------------------------------- bad sizes and offsets */

/* ECAM accesses that are not 1, 2, 4 or 8 naturally aligned bytes: all
 * ones, like a master abort, and nothing written. */
static void check_bad_ecam(struct fixture *e, struct vpci_domain *dom,
			   bool guest)
{
	static const unsigned int sizes[] = {0, 1, 2, 3, 4, 5, 8, 16};
	/* clang-format off */
	static const unsigned int regs[] = {1, 2, 3, 5, 6, 7,
					    0xffc, 0xffd, 0xffe, 0xfff};
	/* clang-format on */
	size_t i, j;

	for (i = 0; i < sizeof(regs) / sizeof(regs[0]); i++)
		for (j = 0; j < sizeof(sizes) / sizeof(sizes[0]); j++) {
			unsigned int size = sizes[j];
			uint64_t got = 0;

			if (size && size <= 8 && !(size & (size - 1)) &&
			    !(regs[i] & (size - 1)))
				continue; /* a good access */
			assert_int_equal(
				vpci_ecam_read(dom, ecam_gpa(e, guest, regs[i]),
					       size, &got),
				0);
			if (size >= 8)
				assert_true(got == UINT64_MAX);
			else if (size > 4) /* no such MMIO size: a dword */
				assert_int_equal(got & 0xffffffffu,
						 0xffffffffu);
			else if (size)
				assert_int_equal(
					got & ((1ull << (size * 8u)) - 1u),
					(1ull << (size * 8u)) - 1u);
			assert_int_equal(
				vpci_ecam_write(dom,
						ecam_gpa(e, guest, regs[i]),
						size, UINT64_MAX),
				0);
		}
}

static void check_bad_accesses(struct fixture *e, struct vpci_domain *dom,
			       vpci_sbdf_t sbdf)
{
	static const unsigned int bad_sizes[] = {
		0, 3, 5, 6, 7, 8, 9, 16, 0x80000000u, 0xffffffffu};
	static const unsigned int regs[] = {
		0,	1,	 3,	      0x10,	  0xfc,
		0xffc,	0xffd,	 0xffe,	      0xfff,	  0x1000,
		0x1004, 0x10000, 0xfffffffcu, 0xffffffffu};
	static const unsigned int sizes[] = {1, 2, 4};
	struct fake_fn *fn = target_fn(e);
	uint8_t before[VPCI_CFG_SPACE_SIZE];
	size_t i, j;

	memcpy(before, fn->cfg, sizeof(before));
	fake_clear_records(&e->fp); /* accesses and map calls */
	e->fp.record_accesses = true;
	for (i = 0; i < sizeof(regs) / sizeof(regs[0]); i++) {
		for (j = 0; j < sizeof(bad_sizes) / sizeof(bad_sizes[0]); j++) {
			uint32_t got =
				vpci_read(dom, sbdf, regs[i], bad_sizes[j]);

			if (bad_sizes[j] >= 4)
				assert_int_equal(got, 0xffffffffu);
			else if (bad_sizes[j] == 3)
				assert_int_equal(got & 0xffffffu, 0xffffffu);
			vpci_write(dom, sbdf, regs[i], bad_sizes[j], 0);
			vpci_write(dom, sbdf, regs[i], bad_sizes[j],
				   0xffffffffu);
		}
		for (j = 0; j < 3; j++) {
			uint32_t ones =
				(uint32_t)((1ull << (sizes[j] * 8u)) - 1u);

			if (regs[i] + sizes[j] <= VPCI_CFG_SPACE_SIZE &&
			    regs[i] < VPCI_CFG_SPACE_SIZE)
				continue; /* a good access */

			/* All-ones within the size (what lies above it is
			 * not part of the access). */
			assert_int_equal(
				vpci_read(dom, sbdf, regs[i], sizes[j]) & ones,
				ones);
			vpci_write(dom, sbdf, regs[i], sizes[j], 0);
			vpci_write(dom, sbdf, regs[i], sizes[j], 0xffffffffu);
		}
	}
	check_bad_ecam(e, dom, dom == e->guest);
	for (i = 0; i < e->fp.nr_accesses; i++)
		if (e->fp.accesses[i].write)
			fail_msg("a bad access wrote 0x%x bytes at 0x%x",
				 e->fp.accesses[i].size, e->fp.accesses[i].reg);
	e->fp.record_accesses = false;
	assert_memory_equal(before, fn->cfg, sizeof(before));
	assert_int_equal(e->fp.nr_map_calls, 0);
}

static void bad_sizes_and_offsets_read_ones_and_reach_nothing(void **state)
{
	enum hostile_kind kind;

	(void)state;
	for (kind = HOSTILE_NIC; kind <= HOSTILE_VF; kind++) {
		struct fixture *e = new_env_of(kind, false);
		vpci_sbdf_t phys = hostile_of(e)->phys;

		check_bad_accesses(e, e->hwdom, phys);
		assert_int_equal(vpci_assign_device(e->guest, phys, VDEV, NULL),
				 0);
		check_bad_accesses(e, e->guest, VDEV);
		free_env(e);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(guest_reads_of_every_width_agree_with_bytes),
		cmocka_unit_test(hwdom_reads_of_every_width_agree_with_bytes),
		cmocka_unit_test(
			guest_writes_of_every_width_act_as_their_bytes),
		cmocka_unit_test(
			hwdom_writes_of_every_width_act_as_their_bytes),
		cmocka_unit_test(
			bad_sizes_and_offsets_read_ones_and_reach_nothing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
