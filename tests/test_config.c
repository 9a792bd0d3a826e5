/* SPDX-License-Identifier: MIT */
/*
 * Register dispatch: every access size at every offset of a device with
 * mixed 1/2/4-byte registers and gaps, checked against a byte-wise model
 * of what each byte should be; masks; read-modify-write; registration
 * errors.
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

/* An emulated latch that understands its own rw1c bits. */
struct latch {
	uint32_t value;
	uint32_t rw1c;
	unsigned int reads;
	unsigned int writes;
};

static uint32_t latch_read(const struct vpci_dev *dev, unsigned int reg,
			   unsigned int size, void *data)
{
	struct latch *l = data;

	(void)dev;
	(void)reg;
	(void)size;
	l->reads++;
	return l->value;
}

static void latch_write(struct vpci_dev *dev, unsigned int reg,
			unsigned int size, uint32_t val, void *data)
{
	struct latch *l = data;

	(void)dev;
	(void)reg;
	(void)size;
	l->writes++;
	l->value = (val & ~l->rw1c) | (l->value & l->rw1c & ~val);
}

struct layout_reg {
	unsigned int offset;
	unsigned int size;
	struct vpci_reg_masks masks;
};

/* Mixed sizes, adjacent registers, gaps of 1-3 bytes, extended space. */
static const struct layout_reg layout[] = {
	{0x04, 2, {0}},
	{0x06, 2, {.ro = 0x00ff, .rw1c = 0xf800}},
	{0x09, 1, {0}},
	{0x0a, 2, {.rsvdz = 0x00f0}},
	{0x10, 4, {.rsvdp = 0x0000000f}},
	{0x14, 4, {0}},
	{0x1d, 1, {.ro = 0x0f}},
	{0x1e, 1, {0}},
	{0x20, 4, {.rw1c = 0x80000001, .ro = 0x00ff0000}},
	{0x2c, 2, {0}},
	{0x3c, 1, {0}},
	{0x100, 4, {.rsvdz = 0xffff0000}},
	{0x104, 2, {0}},
	{0xffc, 4, {0}},
};
#define NR_LAYOUT (sizeof(layout) / sizeof(layout[0]))
#define MODEL_BYTES 4096u

struct bench {
	struct fixture fx;
	struct fake_fn *fn;
	struct vpci_dev *dev;
	struct latch latches[NR_LAYOUT];
};

static const vpci_sbdf_t SBDF = VPCI_SBDF(0, 3, 2, 1);

static int setup(void **state)
{
	struct bench *b = calloc(1, sizeof(*b));
	unsigned int i;

	fixture_init(&b->fx);
	b->fn = fake_fn_add(&b->fx.fp, SBDF);
	for (i = 0; i < MODEL_BYTES; i++) {
		b->fn->cfg[i] = (uint8_t)(i * 7 + 3);
		b->fn->wmask[i] = 0xff;
	}
	fixture_create_host(&b->fx, 0);
	assert_int_equal(vpci_device_add(b->fx.host, SBDF), 0);
	b->dev = vpci_device_find(b->fx.host, SBDF);
	assert_non_null(b->dev);
	for (i = 0; i < NR_LAYOUT; i++) {
		/* Reserved-zero bits read as zero, as on hardware. */
		b->latches[i].value = 0xa5c3e1f7u &
				      vpci_size_mask(layout[i].size) &
				      ~layout[i].masks.rsvdz;
		b->latches[i].rw1c = layout[i].masks.rw1c;
		assert_int_equal(vpci_add_register(b->dev, latch_read,
						   latch_write,
						   layout[i].offset,
						   layout[i].size,
						   &b->latches[i],
						   &layout[i].masks),
				 0);
	}
	*state = b;
	return 0;
}

static int teardown(void **state)
{
	struct bench *b = *state;

	fixture_fini(&b->fx);
	free(b);
	return 0;
}

/* Which layout register holds byte off, or -1 for a gap. */
static int reg_of(unsigned int off)
{
	unsigned int i;

	for (i = 0; i < NR_LAYOUT; i++)
		if (off >= layout[i].offset &&
		    off < layout[i].offset + layout[i].size)
			return (int)i;
	return -1;
}

/* What one byte should read as, from the model (not the dispatcher). */
static uint8_t expected_byte(const struct bench *b, unsigned int off,
			     bool guest)
{
	int r = reg_of(off);
	unsigned int shift;

	if (r < 0)
		return guest ? 0 : b->fn->cfg[off];
	shift = (off - layout[r].offset) * 8;
	/* Reserved bits, preserved or zero, read as 0 (PCIe RsvdP). */
	return (uint8_t)((b->latches[r].value &
			  ~(layout[r].masks.rsvdz | layout[r].masks.rsvdp)) >>
			 shift);
}

static void check_all_reads(struct bench *b, bool guest)
{
	static const unsigned int sizes[] = {1, 2, 4};
	unsigned int off, s, i;

	for (s = 0; s < 3; s++)
		for (off = 0; off + sizes[s] <= MODEL_BYTES; off++) {
			uint32_t want = 0, got;

			for (i = 0; i < sizes[s]; i++)
				want |= (uint32_t)expected_byte(b, off + i, guest)
					<< (i * 8);
			got = vpci_dev_read(b->dev, off, sizes[s]);
			if (got != want)
				fail_msg("read off 0x%x size %u: got 0x%x want 0x%x",
					 off, sizes[s], got, want);
		}
}

static void reads_every_size_at_every_offset_hwdom(void **state)
{
	struct bench *b = *state;

	/* setup() appended the layout in ascending order, so the plan was
	 * kept whole register by register, never rebuilt: this checks the
	 * appends' entries, at every offset and size. */
	assert_false(b->dev->regs.plan_stale);
	check_all_reads(b, false);
}

static void reads_every_size_at_every_offset_guest(void **state)
{
	struct bench *b = *state;
	unsigned int i;

	/* A guest owner: gaps read as zero, the hardware is not touched. */
	fixture_create_guest(&b->fx, FIXTURE_GUEST_ID);
	b->dev->owner = b->fx.guest;
	b->fx.fp.record_accesses = true;
	check_all_reads(b, true);
	assert_int_equal(b->fx.fp.nr_accesses, 0);
	b->dev->owner = NULL;
	for (i = 0; i < NR_LAYOUT; i++)
		assert_true(b->latches[i].reads > 0);
}

/* Expected model update for one written byte. */
static void model_write_byte(struct bench *b, uint32_t *latch_after,
			     unsigned int off, uint8_t v, bool guest)
{
	int r = reg_of(off);
	unsigned int shift;
	const struct vpci_reg_masks *m;
	uint32_t bits, old;

	if (r < 0) {
		if (!guest)
			b->fn->cfg[off] = v; /* all-writable hardware */
		return;
	}
	m = &layout[r].masks;
	shift = (off - layout[r].offset) * 8;
	bits = 0xffu << shift;
	old = latch_after[r];
	/* rw bits take the value; ro/rsvdp keep; rsvdz 0; rw1c clears. */
	latch_after[r] = (old & ~bits) |
			 (((uint32_t)v << shift) & bits &
			  ~(m->ro | m->rsvdp | m->rsvdz | m->rw1c)) |
			 (old & bits & (m->ro | m->rsvdp)) |
			 (old & bits & m->rw1c & ~((uint32_t)v << shift));
	/* A write to any byte writes the whole register: RsvdZ all 0. */
	latch_after[r] &= ~m->rsvdz;
}

static void writes_every_size_at_every_offset(void **state, bool guest)
{
	static const unsigned int sizes[] = {1, 2, 4};
	struct bench *b = *state;
	uint8_t hw_before[MODEL_BYTES];
	unsigned int off, s, i, seed = 12345;

	if (guest) {
		struct vpci_domain_config cfg = {.domid = 9,
						 .kind = VPCI_DOMAIN_GUEST,
						 .flags = VPCI_DOMAIN_F_VPCI};

		assert_int_equal(vpci_domain_create(b->fx.host, &cfg, &b->fx.guest,
						    NULL),
				 0);
		b->dev->owner = b->fx.guest;
	}
	memcpy(hw_before, b->fn->cfg, MODEL_BYTES);
	for (s = 0; s < 3; s++)
		for (off = 0; off + sizes[s] <= MODEL_BYTES; off++) {
			uint32_t want[NR_LAYOUT], val;

			seed = seed * 1103515245u + 12345u;
			val = seed ^ (seed >> 13);
			/* Re-seed latches with set rw1c bits so clears show. */
			for (i = 0; i < NR_LAYOUT; i++) {
				b->latches[i].value |= layout[i].masks.rw1c;
				want[i] = b->latches[i].value;
			}
			for (i = 0; i < sizes[s]; i++)
				model_write_byte(b, want, off + i,
						 (uint8_t)(val >> (i * 8)), guest);
			vpci_dev_write(b->dev, off, sizes[s], val);
			for (i = 0; i < NR_LAYOUT; i++)
				if (b->latches[i].value != want[i])
					fail_msg("write off 0x%x size %u val 0x%x: "
						 "reg 0x%x is 0x%x want 0x%x",
						 off, sizes[s], val,
						 layout[i].offset,
						 b->latches[i].value, want[i]);
		}
	if (guest)
		assert_memory_equal(hw_before, b->fn->cfg, MODEL_BYTES);
	b->dev->owner = NULL;
}

static void writes_every_size_at_every_offset_hwdom(void **state)
{
	writes_every_size_at_every_offset(state, false);
}

static void writes_every_size_at_every_offset_guest(void **state)
{
	writes_every_size_at_every_offset(state, true);
}

/* PCIe RsvdP: reads return 0 whatever the handler holds; a write of the
 * register (even of the reserved bits) keeps the handler's value. */
static void rsvdp_bits_read_zero_and_keep_their_value(void **state)
{
	struct bench *b = *state;
	struct latch *l = &b->latches[4]; /* 0x10, rsvdp 0x0000000f */

	l->value = 0x1234567a;
	assert_int_equal(vpci_dev_read(b->dev, 0x10, 4), 0x12345670);
	assert_int_equal(vpci_dev_read(b->dev, 0x10, 1), 0x70);
	vpci_dev_write(b->dev, 0x10, 4, 0xabcdef05);
	assert_int_equal(l->value, 0xabcdef0a);
	vpci_dev_write(b->dev, 0x10, 1, 0x00);
	assert_int_equal(l->value, 0xabcdef0a);
	assert_int_equal(vpci_dev_read(b->dev, 0x10, 4), 0xabcdef00);
}

static void full_write_without_keep_masks_skips_read(void **state)
{
	struct bench *b = *state;
	struct latch *l = &b->latches[5]; /* 0x14, 4 bytes, no masks */

	l->reads = 0;
	vpci_dev_write(b->dev, 0x14, 4, 0x12345678);
	assert_int_equal(l->reads, 0);
	assert_int_equal(l->value, 0x12345678);
	/* A partial write must read-modify-write. */
	vpci_dev_write(b->dev, 0x15, 1, 0xab);
	assert_int_equal(l->reads, 1);
	assert_int_equal(l->value, 0x1234ab78);
}

static void rw1c_bits_survive_writes_to_other_bytes(void **state)
{
	struct bench *b = *state;
	struct latch *l = &b->latches[1]; /* status-like 0x06 */

	l->value = 0xf8ab;
	vpci_dev_write(b->dev, 0x06, 1, 0xff); /* low byte: ro */
	assert_int_equal(l->value, 0xf8ab);
	vpci_dev_write(b->dev, 0x04, 4, 0x08000000); /* clears bit 11 only */
	assert_int_equal(l->value, 0xf0ab);
}

static void misaligned_access_spanning_registers_and_gap(void **state)
{
	struct bench *b = *state;

	/* 0x1b..0x1e: gap 0x1b-0x1c, reg 0x1d (ro low nibble), reg 0x1e */
	b->latches[6].value = 0x5a;
	b->latches[7].value = 0xc3;
	assert_int_equal(vpci_dev_read(b->dev, 0x1b, 4),
			 (uint32_t)b->fn->cfg[0x1b] |
				 ((uint32_t)b->fn->cfg[0x1c] << 8) |
				 (0x5au << 16) | (0xc3u << 24));
	vpci_dev_write(b->dev, 0x1b, 4, 0x11223344);
	assert_int_equal(b->fn->cfg[0x1b], 0x44);
	assert_int_equal(b->fn->cfg[0x1c], 0x33);
	assert_int_equal(b->latches[6].value, 0x2a); /* low nibble kept */
	assert_int_equal(b->latches[7].value, 0x11);
}

static void out_of_range_access_is_all_ones_and_dropped(void **state)
{
	struct bench *b = *state;

	b->fx.fp.record_accesses = true;
	assert_int_equal(vpci_dev_read(b->dev, 0xffe, 4), 0xffffffffu);
	assert_int_equal(vpci_dev_read(b->dev, 0x1000, 1), 0xffu);
	assert_int_equal(vpci_dev_read(b->dev, 0x10, 3), 0xffffffu);
	assert_int_equal(vpci_dev_read(b->dev, 0x10, 0), 0);
	vpci_dev_write(b->dev, 0xfff, 2, 0);
	vpci_dev_write(b->dev, 0x10, 8, 0);
	assert_int_equal(b->fx.fp.nr_accesses, 0);
}

static void add_register_rejects_bad_arguments(void **state)
{
	struct bench *b = *state;
	static uint32_t v;
	const struct vpci_reg_masks overlap = {.ro = 1, .rw1c = 1};
	const struct vpci_reg_masks too_wide = {.ro = 0x100};

	assert_int_equal(vpci_add_register(b->dev, vpci_read_val, vpci_write_val,
					   0x40, 3, &v, NULL),
			 VPCI_EINVAL);
	assert_int_equal(vpci_add_register(b->dev, vpci_read_val, vpci_write_val,
					   0x42, 4, &v, NULL),
			 VPCI_EINVAL);
	assert_int_equal(vpci_add_register(b->dev, vpci_read_val, vpci_write_val,
					   0x1000, 4, &v, NULL),
			 VPCI_ERANGE);
	assert_int_equal(vpci_add_register(b->dev, NULL, NULL, 0x40, 4, &v,
					   NULL),
			 VPCI_EINVAL);
	assert_int_equal(vpci_add_register(b->dev, vpci_read_val, vpci_write_val,
					   0x40, 4, &v, &overlap),
			 VPCI_EINVAL);
	assert_int_equal(vpci_add_register(b->dev, vpci_read_val, vpci_write_val,
					   0x40, 1, &v, &too_wide),
			 VPCI_EINVAL);
	/* 0x08..0x0b overlaps the 1-byte register at 0x09. */
	assert_int_equal(vpci_add_register(b->dev, vpci_read_val, vpci_write_val,
					   0x08, 4, &v, NULL),
			 VPCI_EEXIST);
	assert_int_equal(vpci_add_register(b->dev, vpci_read_val, vpci_write_val,
					   0x1c, 2, &v, NULL),
			 VPCI_EEXIST);
	assert_int_equal(vpci_add_register(b->dev, vpci_read_val, vpci_write_val,
					   0x40, 4, &v, NULL),
			 0);
}

static void remove_registers_restores_passthrough(void **state)
{
	struct bench *b = *state;

	assert_int_equal(vpci_remove_registers(b->dev, 0x07, 1), VPCI_EINVAL);
	assert_int_equal(vpci_remove_registers(b->dev, 0x12, 4), VPCI_EINVAL);
	assert_int_equal(vpci_remove_registers(b->dev, 0x30, 4), VPCI_ENOENT);
	assert_int_equal(vpci_remove_registers(b->dev, 0xff0, 0x20), VPCI_ERANGE);
	assert_int_equal(vpci_remove_registers(b->dev, 0x1c, 4), 0);
	assert_int_equal(vpci_dev_read(b->dev, 0x1c, 4),
			 fake_fn_get(b->fn, 0x1c, 4));
	assert_int_equal(vpci_remove_registers(b->dev, 0x100, 0x10), 0);
	assert_int_equal(vpci_dev_read(b->dev, 0x100, 4),
			 fake_fn_get(b->fn, 0x100, 4));
	/* What is left still dispatches. */
	b->latches[4].value = 0x11223340;
	assert_int_equal(vpci_dev_read(b->dev, 0x10, 4), 0x11223340);
}

static void register_added_after_accesses_is_dispatched_at_once(void **state)
{
	struct bench *b = *state;
	struct latch extra = {.value = 0x5a5a0001};

	/* Read through the plan first, so that it is built ... */
	assert_int_equal(vpci_dev_read(b->dev, 0x30, 4),
			 fake_fn_get(b->fn, 0x30, 4));
	assert_int_equal(vpci_dev_read(b->dev, 0x200, 4),
			 fake_fn_get(b->fn, 0x200, 4));
	/* ... then registers change: the next access sees them. */
	assert_int_equal(vpci_add_register(b->dev, latch_read, latch_write,
					   0x30, 4, &extra, NULL),
			 0);
	assert_int_equal(vpci_dev_read(b->dev, 0x30, 4), 0x5a5a0001);
	vpci_dev_write(b->dev, 0x30, 4, 0x12345678);
	assert_int_equal(extra.value, 0x12345678);
	assert_int_equal(vpci_add_register(b->dev, latch_read, latch_write,
					   0x202, 2, &extra, NULL),
			 0);
	assert_int_equal(vpci_dev_read(b->dev, 0x200, 4),
			 (0x5678u << 16) | fake_fn_get(b->fn, 0x200, 2));
	assert_int_equal(vpci_remove_registers(b->dev, 0x30, 4), 0);
	assert_int_equal(vpci_dev_read(b->dev, 0x30, 4),
			 fake_fn_get(b->fn, 0x30, 4));
}

static void mixed_dword_read_touches_the_hardware_once(void **state)
{
	struct bench *b = *state;

	/* 0x1c: gap, gap... 0x1d and 0x1e are registers, 0x1f a gap. */
	b->fx.fp.record_accesses = true;
	b->fx.fp.nr_accesses = 0;
	assert_int_equal(vpci_dev_read(b->dev, 0x1c, 4) & 0xff0000ffu,
			 fake_fn_get(b->fn, 0x1c, 4) & 0xff0000ffu);
	assert_int_equal(b->fx.fp.nr_accesses, 1);
}

static void registration_fails_cleanly_without_memory(void **state)
{
	struct bench *b = *state;
	static uint32_t v;

	/* The extended index needs an allocation on a fresh device. */
	assert_int_equal(vpci_device_add(b->fx.host, VPCI_SBDF(0, 9, 0, 0)), 0);
	b->fx.fp.allocs_until_failure = 0;
	assert_int_equal(vpci_add_register(vpci_device_find(b->fx.host,
							    VPCI_SBDF(0, 9, 0, 0)),
					   vpci_read_val, vpci_write_val, 0x200,
					   4, &v, NULL),
			 VPCI_ENOMEM);
	b->fx.fp.allocs_until_failure = -1;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
		T(reads_every_size_at_every_offset_hwdom),
		T(reads_every_size_at_every_offset_guest),
		T(writes_every_size_at_every_offset_hwdom),
		T(writes_every_size_at_every_offset_guest),
		T(rsvdp_bits_read_zero_and_keep_their_value),
		T(full_write_without_keep_masks_skips_read),
		T(rw1c_bits_survive_writes_to_other_bytes),
		T(misaligned_access_spanning_registers_and_gap),
		T(out_of_range_access_is_all_ones_and_dropped),
		T(add_register_rejects_bad_arguments),
		T(remove_registers_restores_passthrough),
		T(register_added_after_accesses_is_dispatched_at_once),
		T(mixed_dword_read_touches_the_hardware_once),
		T(registration_fails_cleanly_without_memory),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
