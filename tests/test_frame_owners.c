/* SPDX-License-Identifier: MIT */
/*
 * Whose host frames are whose, after assignment (docs/header.md, "What a
 * domain can never get", rules 2 and 3): a function added while a guest
 * holds a function sharing one of its frames is refused; the hardware
 * domain cannot reach a guest's frames by any register path; a read-only
 * function vPCI never got to size keeps every frame of its BARs.
 * Judged from the fake platform's own record of map calls.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "header_env.h"

#define NEW   VPCI_SBDF(0, 3, 1, 0)
#define OTHER VPCI_SBDF(0, 3, 2, 0)

struct bar_spec {
	uint64_t size; /* 0: none */
	uint64_t addr;
	uint32_t flags; /* VPCI_BAR_MEM_TYPE_64, ... */
};

struct fn_spec {
	struct bar_spec bar[6];
	uint32_t rom_size, rom_addr;
	uint16_t cmd;
};

static struct fake_fn *build_fn(struct fixture *e, vpci_sbdf_t sbdf,
				const struct fn_spec *s)
{
	struct fake_fn *fn = fake_fn_add(&e->fp, sbdf);
	unsigned int i;

	fake_fn_set_header(fn, 0x8086, 0x10d3, VPCI_HEADER_TYPE_NORMAL);
	for (i = 0; i < 6; i++) {
		if (!s->bar[i].size)
			continue;
		fake_fn_set_bar(fn, i, s->bar[i].size, s->bar[i].flags);
		fake_fn_set_bar_addr(fn, i, s->bar[i].addr);
	}
	if (s->rom_size)
		fake_fn_set_rom(fn, VPCI_REG_ROM_ADDRESS, s->rom_size,
				s->rom_addr, false);
	fake_fn_set(fn, VPCI_REG_COMMAND, 2, s->cmd);
	return fn;
}

/* ------------------ rule 2: a newcomer sharing a frame with a guest's */

/*
 * The guest's function: a 256-byte BAR0 at 0xfd000000, a 16 KiB BAR1 at
 * 0xfd100000, a 64-bit 1 MiB BAR2 at 16 GiB and a 64 KiB ROM at
 * 0xfd200000 (placed, disabled).
 */
static const struct fn_spec guest_fn = {
	.bar = {{0x100, 0xfd000000, 0},
		{0x4000, 0xfd100000, 0},
		{0x100000, 0x400000000ull, VPCI_BAR_MEM_TYPE_64}},
	.rom_size = 0x10000,
	.rom_addr = 0xfd200000,
};

/* Newcomers that share a frame with it, each in its own way. */
static const struct {
	const char *what;
	struct fn_spec fn;
	const char *slots; /* "<newcomer's> ... <guest's>" in the log */
} sharing[] = {
	{"a sub-page BAR in the frame of the guest's sub-page BAR",
	 {.bar = {{0x100, 0xfd000800, 0}}, .cmd = VPCI_CMD_MEMORY},
	 "BAR0 shares host frame 0xfd000 with the BAR0"},
	{"a large BAR covering the guest's BAR1",
	 {.bar = {{0x100000, 0xfd100000, 0}}, .cmd = VPCI_CMD_MEMORY},
	 "BAR0 shares host frame 0xfd100 with the BAR1"},
	{"a BAR inside the guest's BAR1, past its first frame",
	 {.bar = {{0, 0, 0}, {0x1000, 0xfd103000, 0}}, .cmd = 0},
	 "BAR1 shares host frame 0xfd103 with the BAR1"},
	{"a 64-bit BAR over the guest's 64-bit BAR",
	 {.bar = {{0, 0, 0},
		  {0, 0, 0},
		  {0x1000, 0x4000ff000ull, VPCI_BAR_MEM_TYPE_64}},
	  .cmd = VPCI_CMD_MEMORY},
	 "BAR2 shares host frame 0x4000ff with the BAR2"},
	{"a disabled ROM register left in the guest's BAR1",
	 {.bar = {{0x1000, 0xfc000000, 0}},
	  .rom_size = 0x800,
	  .rom_addr = 0xfd101000,
	  .cmd = VPCI_CMD_MEMORY},
	 "ROM shares host frame 0xfd101 with the BAR1"},
	{"a BAR in the frames of the guest's ROM",
	 {.bar = {{0x1000, 0xfd20f000, 0}}, .cmd = VPCI_CMD_MEMORY},
	 "BAR0 shares host frame 0xfd20f with the ROM"},
};

static void assign_guest_fn(struct fixture *e)
{
	build_fn(e, DEV, &guest_fn);
	assert_int_equal(vpci_device_add(e->host, DEV), 0);
	assign(e);
	gw(e, 0x10, 4, 0xc0000000u);
	gw(e, 0x14, 4, 0xc0100000u);
	gw(e, 0x18, 4, 0);
	gw(e, 0x1c, 4, 0x8);
	gw(e, VPCI_REG_COMMAND, 2, VPCI_CMD_MEMORY);
	assert_true(fake_mapped_frames(&e->fp, GUEST) > 0);
}

static void hot_added_function_sharing_a_guest_frame_is_refused(void **state)
{
	unsigned int i;

	(void)state;
	for (i = 0; i < sizeof(sharing) / sizeof(sharing[0]); i++) {
		uint64_t guest_frames;
		struct fake_fn *fn;
		void *st;
		struct fixture *e;

		fixture_setup_hwdom_guest(&st);
		e = st;
		assign_guest_fn(e);
		guest_frames = fake_mapped_frames(&e->fp, GUEST);
		fn = build_fn(e, NEW, &sharing[i].fn);
		print_message("  %s\n", sharing[i].what);
		assert_int_equal(vpci_device_add(e->host, NEW), VPCI_EPERM);
		assert_true(fake_log_contains(&e->fp, sharing[i].slots));
		assert_true(fake_log_contains(&e->fp, "0000:03:01.0"));
		assert_true(fake_log_contains(&e->fp, "0000:03:00.0"));
		/* Its registers do not decode in the guest's frame, and the
		 * hardware domain cannot turn them back on. */
		assert_int_equal(fake_fn_get(fn, VPCI_REG_COMMAND, 2) &
					 VPCI_CMD_MEMORY,
				 0);
		assert_true(vpci_device_is_readonly(e->host, NEW));
		vpci_write(e->hwdom, NEW, VPCI_REG_COMMAND, 2, VPCI_CMD_MEMORY);
		assert_int_equal(fake_fn_get(fn, VPCI_REG_COMMAND, 2) &
					 VPCI_CMD_MEMORY,
				 0);
		assert_int_equal(fake_mapped_frames(&e->fp, HW), 0);
		/* The guest keeps what it had. */
		assert_int_equal(fake_mapped_frames(&e->fp, GUEST),
				 guest_frames);
		fixture_teardown(&st);
	}
}

/* The same newcomers are welcome while the function is the hardware
 * domain's, or once the guest gave it back; and one sharing nothing is
 * welcome beside a guest's function. */
static void newcomer_sharing_no_guest_frame_is_added(void **state)
{
	struct fixture *e = *state;
	const struct fn_spec apart = {.bar = {{0x1000, 0xfc000000, 0}},
				      .cmd = VPCI_CMD_MEMORY};

	build_fn(e, DEV, &guest_fn);
	assert_int_equal(vpci_device_add(e->host, DEV), 0);
	build_fn(e, NEW, &sharing[0].fn);
	assert_int_equal(vpci_device_add(e->host, NEW), 0);
	assert_int_equal(vpci_device_remove(e->host, NEW), 0);
	assign(e);
	build_fn(e, OTHER, &apart);
	assert_int_equal(vpci_device_add(e->host, OTHER), 0);
	assert_true(fake_host_frame_ever_mapped(&e->fp, HW, 0xfc000, 0xfc000));
	assert_int_equal(vpci_deassign_device(e->guest, DEV, NULL), 0);
	assert_int_equal(vpci_device_add(e->host, NEW), 0);
	assert_false(vpci_device_is_readonly(e->host, NEW));
}

static int emu_read(void *arg, vpci_sbdf_t guest_sbdf, unsigned int reg,
		    unsigned int size, uint64_t token, uint32_t *val)
{
	(void)arg, (void)guest_sbdf, (void)reg, (void)size, (void)token;
	*val = 0xffffffffu;
	return 0;
}

static int emu_write(void *arg, vpci_sbdf_t guest_sbdf, unsigned int reg,
		     unsigned int size, uint32_t val, uint64_t token)
{
	(void)arg, (void)guest_sbdf, (void)reg, (void)size, (void)val,
		(void)token;
	return 0;
}

/*
 * A newcomer is checked against the functions of every guest, whichever
 * holds them, and against nothing else: a guest's virtual function has
 * no hardware, even where its guest SBDF names a hardware-domain
 * function whose frame the newcomer shares.
 */
static void newcomer_is_checked_against_every_guests_functions(void **state)
{
	static const struct vpci_emulator_ops emu = {emu_read, emu_write, NULL};
	const struct fn_spec apart = {.bar = {{0x1000, 0xfc000000, 0}},
				      .cmd = VPCI_CMD_MEMORY};
	const struct fn_spec beside_apart = {.bar = {{0x100, 0xfc000800, 0}}};
	const vpci_sbdf_t beside = VPCI_SBDF(0, 3, 4, 0);
	struct fixture *e = *state;
	struct vpci_domain *first = e->guest, *second;

	assign_guest_fn(e);
	second = fixture_create_guest(e, GUEST + 1);
	e->guest = first;
	build_fn(e, OTHER, &apart);
	assert_int_equal(vpci_device_add(e->host, OTHER), 0);
	assert_int_equal(
		vpci_register_emulator(second, OTHER, &emu, NULL, NULL), 0);
	build_fn(e, beside, &beside_apart);
	assert_int_equal(vpci_device_add(e->host, beside), 0);
	assert_false(vpci_device_is_readonly(e->host, beside));
	/* The newest guest (holding no hardware) does not hide the first's. */
	build_fn(e, NEW, &sharing[0].fn);
	assert_int_equal(vpci_device_add(e->host, NEW), VPCI_EPERM);
	assert_true(fake_log_contains(&e->fp, sharing[0].slots));
	assert_true(vpci_device_is_readonly(e->host, NEW));
}

/* ------------- rule 3: the hardware domain reaches no guest frame */

/*
 * The hardware domain's own function OTHER: a 32-bit 16 KiB BAR0 at
 * 0xfb000000, a 64-bit 64 KiB BAR2 at 0x500000000 and a 64 KiB ROM at
 * 0xfb100000, decoding on (so BAR0 and BAR2 are mapped). Each path below
 * tries to land a BAR or the ROM on the guest's function, ending with
 * decoding (and the ROM) on; its frames must never be mapped into the
 * hardware domain, and the attempt is logged.
 */
static const struct fn_spec hw_fn = {
	.bar = {{0x4000, 0xfb000000, 0},
		{0, 0, 0},
		{0x10000, 0x500000000ull, VPCI_BAR_MEM_TYPE_64}},
	.rom_size = 0x10000,
	.rom_addr = 0xfb100000,
	.cmd = VPCI_CMD_MEMORY,
};

static void hw(struct fixture *e, unsigned int reg, unsigned int size,
	       uint32_t val)
{
	vpci_write(e->hwdom, OTHER, reg, size, val);
}

enum hw_path {
	BAR_MOVED_WITH_DECODING_OFF,   /* then decoding on */
	BAR_MOVED_WITH_DECODING_ON,    /* ignored: it is mapped */
	BAR_PLACED_FROM_0_DECODING_ON, /* unplaced, so not mapped: placed */
	BAR_PROBED_THEN_MOVED, /* sizing with decoding on, then a move */
	BAR64_HIGH_DWORD_DECODING_OFF, /* then decoding on */
	BAR64_HIGH_DWORD_DECODING_ON,  /* ignored: it is mapped */
	BAR64_HIGH_FIRST_FROM_0,       /* unplaced: high dword places it */
	ROM_ENABLED_OVER_GUEST,	       /* address and enable in one write */
	ROM_MOVED_WHILE_ENABLED,       /* ignored: it is mapped */
	ROM_PLACED_THEN_ENABLED,       /* two writes */
	ROM_ENABLED_DECODING_OFF,      /* then decoding on */
	NR_HW_PATHS,
};

static void take_path(struct fixture *e, unsigned int path)
{
	switch (path) {
	case BAR_MOVED_WITH_DECODING_OFF:
		hw(e, VPCI_REG_COMMAND, 2, 0);
		hw(e, 0x10, 4, 0xfd100000u);
		hw(e, VPCI_REG_COMMAND, 2, VPCI_CMD_MEMORY);
		break;
	case BAR_MOVED_WITH_DECODING_ON:
		hw(e, 0x10, 4, 0xfd100000u);
		break;
	case BAR_PLACED_FROM_0_DECODING_ON:
		hw(e, VPCI_REG_COMMAND, 2, 0);
		hw(e, 0x10, 4, 0);
		hw(e, VPCI_REG_COMMAND, 2, VPCI_CMD_MEMORY);
		hw(e, 0x10, 4, 0xfd100000u);
		break;
	case BAR_PROBED_THEN_MOVED:
		hw(e, 0x10, 4, 0xffffffffu);
		hw(e, 0x10, 4, 0xfd100000u);
		break;
	case BAR64_HIGH_DWORD_DECODING_OFF:
		hw(e, VPCI_REG_COMMAND, 2, 0);
		hw(e, 0x18, 4, 0xf0000u | VPCI_BAR_MEM_TYPE_64);
		hw(e, 0x1c, 4, 0x4);
		hw(e, VPCI_REG_COMMAND, 2, VPCI_CMD_MEMORY);
		break;
	case BAR64_HIGH_DWORD_DECODING_ON:
		hw(e, 0x1c, 4, 0x4);
		hw(e, 0x18, 4, 0xf0000u | VPCI_BAR_MEM_TYPE_64);
		break;
	case BAR64_HIGH_FIRST_FROM_0:
		hw(e, VPCI_REG_COMMAND, 2, 0);
		hw(e, 0x18, 4, VPCI_BAR_MEM_TYPE_64);
		hw(e, 0x1c, 4, 0);
		hw(e, VPCI_REG_COMMAND, 2, VPCI_CMD_MEMORY);
		hw(e, 0x1c, 4, 0x4);
		break;
	case ROM_ENABLED_OVER_GUEST:
		hw(e, VPCI_REG_ROM_ADDRESS, 4, 0xfd100000u | VPCI_ROM_ENABLE);
		break;
	case ROM_MOVED_WHILE_ENABLED:
		hw(e, VPCI_REG_ROM_ADDRESS, 4, 0xfb100000u | VPCI_ROM_ENABLE);
		hw(e, VPCI_REG_ROM_ADDRESS, 4, 0xfd100000u | VPCI_ROM_ENABLE);
		break;
	case ROM_PLACED_THEN_ENABLED:
		hw(e, VPCI_REG_ROM_ADDRESS, 4, 0xfd100000u);
		hw(e, VPCI_REG_ROM_ADDRESS, 4, 0xfd100000u | VPCI_ROM_ENABLE);
		break;
	default: /* ROM_ENABLED_DECODING_OFF */
		hw(e, VPCI_REG_COMMAND, 2, 0);
		hw(e, VPCI_REG_ROM_ADDRESS, 4, 0xfd100000u | VPCI_ROM_ENABLE);
		hw(e, VPCI_REG_COMMAND, 2, VPCI_CMD_MEMORY);
		break;
	}
}

static void hwdom_reaches_no_guest_frame_by_any_path(void **state)
{
	static const struct {
		uint64_t first, last;
	} guest_frames[] = {
		{0xfd000, 0xfd000},
		{0xfd100, 0xfd103},
		{0x400000, 0x4000ff},
		{0xfd200, 0xfd20f},
	};
	unsigned int path, i;

	(void)state;
	for (path = 0; path < NR_HW_PATHS; path++) {
		void *st;
		struct fixture *e;

		fixture_setup_hwdom_guest(&st);
		e = st;
		assign_guest_fn(e);
		build_fn(e, OTHER, &hw_fn);
		assert_int_equal(vpci_device_add(e->host, OTHER), 0);
		assert_true(fake_host_frame_ever_mapped(&e->fp, HW, 0xfb000,
							0xfb003));
		take_path(e, path);
		vpci_process_pending(e->hwdom);
		for (i = 0; i < 4; i++)
			assert_false(fake_host_frame_ever_mapped(
				&e->fp, HW, guest_frames[i].first,
				guest_frames[i].last));
		assert_true(fake_log_contains(&e->fp, "not mapped: they hold "
						      "a guest's") ||
			    fake_log_contains(&e->fp, "ignored"));
		/* Given back, the frames are the hardware domain's again. */
		assert_int_equal(vpci_deassign_device(e->guest, DEV, NULL), 0);
		fixture_teardown(&st);
	}
}

/* ------------------- a refused function keeps its frames out of reach */

/*
 * A refused function is not added, but its registers are still there:
 * until the platform removes it, no function sharing one of its frames
 * goes to a guest (the guest's own, given back and assigned again,
 * included), and the hardware domain gets none of its frames, even those
 * it shares with no guest. Each newcomer of the table, refused once, and
 * refused twice: trying again replaces the record rather than adding one
 * (the fixture's teardown counts allocations), and keeps what the first
 * try's probe saw of its sizes (read-only by then, it is not probed).
 */
static void refused_function_stays_in_the_way(void **state)
{
	unsigned int i, tries;

	(void)state;
	for (i = 0; i < 2u * sizeof(sharing) / sizeof(sharing[0]); i++) {
		const struct bar_spec *b = &sharing[i / 2].fn.bar[0];
		void *st;
		struct fixture *e;

		fixture_setup_hwdom_guest(&st);
		e = st;
		assign_guest_fn(e);
		build_fn(e, NEW, &sharing[i / 2].fn);
		print_message("  %s, %s\n", sharing[i / 2].what,
			      i % 2 ? "refused twice" : "refused once");
		for (tries = 0; tries <= i % 2; tries++)
			assert_int_equal(vpci_device_add(e->host, NEW),
					 VPCI_EPERM);
		assert_null(vpci_device_find(e->host, NEW));
		assert_int_equal(vpci_deassign_device(e->guest, DEV, NULL), 0);
		if (strstr(sharing[i / 2].slots, "with the ROM")) {
			/* Only the guest's ROM meets it: the ROM is absent. */
			assign(e);
			assert_true(fake_log_contains(&e->fp, "absent for "
							      "the guest"));
			assert_int_equal(gr(e, VPCI_REG_ROM_ADDRESS, 4), 0);
			assert_int_equal(
				vpci_deassign_device(e->guest, DEV, NULL), 0);
		} else {
			assert_int_equal(vpci_assign_device(e->guest, DEV,
							    VDEV, NULL),
					 VPCI_EPERM);
			assert_true(
				fake_log_contains(&e->fp, "not assignable"));
		}
		assert_true(fake_log_contains(&e->fp, "0000:03:01.0"));
		/* The hardware domain points OTHER's BAR0 (16 KiB) at the
		 * last 16 KiB of the newcomer's BAR0 where it is large
		 * enough, else at its first frame. */
		if (b->size) {
			uint64_t at = b->size >= 0x8000
					      ? b->addr + b->size - 0x4000
					      : b->addr & ~0x3fffull;

			build_fn(e, OTHER, &hw_fn);
			assert_int_equal(vpci_device_add(e->host, OTHER), 0);
			hw(e, VPCI_REG_COMMAND, 2, 0);
			hw(e, 0x10, 4, (uint32_t)at);
			hw(e, VPCI_REG_COMMAND, 2, VPCI_CMD_MEMORY);
			vpci_process_pending(e->hwdom);
			assert_false(fake_host_frame_mapped(
				&e->fp, HW, b->addr >> 12,
				(b->addr + b->size - 1u) >> 12));
			/* Removed, it is forgotten: the frames it does not
			 * share with the guest's function are the hardware
			 * domain's again. */
			assert_int_equal(vpci_device_remove(e->host, NEW), 0);
			vpci_process_pending(e->hwdom);
			if (b->size >= 0x8000)
				assert_true(fake_host_frame_mapped(
					&e->fp, HW, (at >> 12) + 3u,
					(at >> 12) + 3u));
			/* (It may share a frame with the guest's function.) */
			assert_int_equal(vpci_device_remove(e->host, OTHER), 0);
		} else {
			assert_int_equal(vpci_device_remove(e->host, NEW), 0);
		}
		assert_int_equal(vpci_device_remove(e->host, NEW),
				 VPCI_ENOENT);
		assert_int_equal(vpci_assign_device(e->guest, DEV, VDEV,
						    NULL),
				 0);
		fixture_teardown(&st);
	}
}

/*
 * The same with the k-th allocation of the refused add failing, for every
 * k: the add is refused or fails for memory, never succeeds; refused,
 * the newcomer no longer decodes, and if it ended read-only (refused and
 * kept) the guest's function cannot come back beside it. Nothing leaks
 * (the fixture's teardown counts allocations).
 */
static void refused_function_under_allocation_failure(void **state)
{
	const struct fn_spec *newcomer = &sharing[1].fn; /* 1 MiB BAR0 */
	unsigned int kept = 0;
	long k;

	(void)state;
	for (k = 0; k < 40; k++) {
		struct fake_fn *fn;
		void *st;
		struct fixture *e;
		int rc;

		fixture_setup_hwdom_guest(&st);
		e = st;
		assign_guest_fn(e);
		fn = build_fn(e, NEW, newcomer);
		e->fp.allocs_until_failure = k;
		rc = vpci_device_add(e->host, NEW);
		e->fp.allocs_until_failure = -1;
		assert_true(rc == VPCI_EPERM || rc == VPCI_ENOMEM);
		assert_null(vpci_device_find(e->host, NEW));
		/* Refused, it no longer decodes; not added for memory, the
		 * host knows nothing of it (the platform must try again). */
		if (rc == VPCI_EPERM)
			assert_int_equal(fake_fn_get(fn, VPCI_REG_COMMAND, 2) &
						 VPCI_CMD_MEMORY,
					 0);
		if (vpci_device_is_readonly(e->host, NEW)) {
			kept++;
			assert_int_equal(
				vpci_deassign_device(e->guest, DEV, NULL), 0);
			assert_int_equal(vpci_assign_device(e->guest, DEV,
							    VDEV, NULL),
					 VPCI_EPERM);
		}
		fixture_teardown(&st);
	}
	assert_true(kept > 0);
}

/* ------------- a read-only function vPCI never sized keeps every frame */

/*
 * With the k-th allocation of vpci_device_add failing, for every k, the
 * function may end up read-only before vPCI ever sized its BARs (its
 * state could not be allocated). Every frame of its 16 KiB BAR0 and its
 * ROM stays out of the hardware domain, whichever the hardware domain
 * points another BAR at, not only the frame holding the base.
 */
static void readonly_function_never_sized_keeps_every_frame(void **state)
{
	const struct fn_spec ro_fn = {.bar = {{0x4000, 0xfe000000, 0}},
				      .rom_size = 0x4000,
				      .rom_addr = 0xfe100000};
	unsigned int readonly_runs = 0;
	long k;

	(void)state;
	for (k = 0; k < 40; k++) {
		void *st;
		struct fixture *e;
		int rc;

		fixture_setup_hwdom_guest(&st);
		e = st;
		build_fn(e, OTHER, &hw_fn);
		assert_int_equal(vpci_device_add(e->host, OTHER), 0);
		build_fn(e, DEV, &ro_fn);
		e->fp.allocs_until_failure = k;
		rc = vpci_device_add(e->host, DEV);
		e->fp.allocs_until_failure = -1;
		if (rc || !vpci_device_is_readonly(e->host, DEV)) {
			fixture_teardown(&st);
			continue;
		}
		readonly_runs++;
		/* OTHER's 16 KiB BAR0 over each frame but the first of
		 * DEV's BAR0, then of its ROM. */
		hw(e, VPCI_REG_COMMAND, 2, 0);
		hw(e, 0x10, 4, 0xfe000000u);
		hw(e, VPCI_REG_ROM_ADDRESS, 4, 0xfe100000u | VPCI_ROM_ENABLE);
		hw(e, VPCI_REG_COMMAND, 2, VPCI_CMD_MEMORY);
		assert_false(fake_host_frame_ever_mapped(&e->fp, HW, 0xfe000,
							 0xfe003));
		assert_false(fake_host_frame_ever_mapped(&e->fp, HW, 0xfe100,
							 0xfe103));
		fixture_teardown(&st);
	}
	assert_true(readonly_runs > 0);
}

/* ----------------- claims take frames at once, even from preempted work */

/*
 * The hardware domain turns decoding of OTHER's BAR0 off while the
 * platform unmaps one frame per call: the unmapping is left pending. A
 * function whose BAR lies in those frames then becomes read-only, or the
 * hypervisor reserves one of them: by the time the call returns, the
 * hardware domain has none of those frames, pending work or not. (Going
 * to a guest is refused: such a function shares frames with OTHER.)
 */
static void claims_finish_preempted_unmapping(void **state)
{
	const struct fn_spec big = {.bar = {{0x10000, 0xfe000000, 0}},
				    .cmd = VPCI_CMD_MEMORY};
	const struct fn_spec inside = {.bar = {{0x1000, 0xfe00e000, 0}}};
	unsigned int how;

	(void)state;
	for (how = 0; how < 2; how++) {
		void *st;
		struct fixture *e;

		fixture_setup_hwdom_guest(&st);
		e = st;
		build_fn(e, OTHER, &big);
		assert_int_equal(vpci_device_add(e->host, OTHER), 0);
		build_fn(e, DEV, &inside);
		assert_int_equal(vpci_device_add(e->host, DEV), 0);
		e->fp.map_budget_frames = 1;
		hw(e, VPCI_REG_COMMAND, 2, 0);
		assert_true(fake_host_frame_mapped(
			&e->fp, HW, 0xfe00e, 0xfe00e)); /* still pending */
		if (how == 0)
			assert_int_equal(
				vpci_device_set_readonly(e->host, DEV, NULL),
				0);
		else
			assert_int_equal(
				vpci_host_reserve_frames(e->host, 0xfe00e, 1),
				0);
		assert_false(
			fake_host_frame_mapped(&e->fp, HW, 0xfe00e, 0xfe00e));
		e->fp.map_budget_frames = 0;
		fixture_teardown(&st);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
			hot_added_function_sharing_a_guest_frame_is_refused),
		cmocka_unit_test_setup_teardown(
			newcomer_sharing_no_guest_frame_is_added,
			fixture_setup_hwdom_guest, fixture_teardown),
		cmocka_unit_test_setup_teardown(
			newcomer_is_checked_against_every_guests_functions,
			fixture_setup_hwdom_guest, fixture_teardown),
		cmocka_unit_test(refused_function_stays_in_the_way),
		cmocka_unit_test(refused_function_under_allocation_failure),
		cmocka_unit_test(hwdom_reaches_no_guest_frame_by_any_path),
		cmocka_unit_test(
			readonly_function_never_sized_keeps_every_frame),
		cmocka_unit_test(claims_finish_preempted_unmapping),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
