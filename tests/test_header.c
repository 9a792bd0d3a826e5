/* SPDX-License-Identifier: MIT */
/*
 * Header emulation (src/core/header.c, bar_probe.c): set-up, the sizing
 * probes real operating systems use on every kind of BAR in both views,
 * and the command, status and identity registers. Each test is a
 * scenario: a host with a device whose BARs have real write masks in the
 * fake -> accesses -> what the hardware saw and what got mapped.
 * Mapping policy scenarios (moves, overlap, preemption, failure) are in
 * test_header_map.c.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "header_env.h"

/* ---------------------------------------------------------- set-up */

static void
sizing_at_setup_turns_decoding_off_and_restores_everything(void **state)
{
	struct fixture *e = *state;
	struct fake_fn *fn = add_nic_fn(e, DEV, VPCI_CMD_MEMORY | VPCI_CMD_IO);
	uint8_t before[64];
	size_t i, first_probe = SIZE_MAX, last_probe = 0, cmd_off = SIZE_MAX;

	memcpy(before, fn->cfg, sizeof(before));
	e->fp.record_accesses = true;
	assert_int_equal(vpci_device_add(e->host, DEV), 0);
	for (i = 0; i < e->fp.nr_accesses; i++) {
		const struct fake_access *a = &e->fp.accesses[i];

		if (!a->write)
			continue;
		if (a->reg == VPCI_REG_COMMAND && cmd_off == SIZE_MAX) {
			assert_int_equal(
				a->val & (VPCI_CMD_IO | VPCI_CMD_MEMORY), 0);
			cmd_off = i;
		}
		if (a->reg >= VPCI_REG_BAR0 && a->reg <= VPCI_REG_ROM_ADDRESS &&
		    (a->val == 0xffffffffu || a->val == VPCI_ROM_ADDR_MASK)) {
			if (first_probe == SIZE_MAX)
				first_probe = i;
			last_probe = i;
		}
	}
	/* Decoding went off before the first probe, back on after. */
	assert_true(cmd_off < first_probe);
	assert_true(first_probe != SIZE_MAX);
	assert_true(e->fp.accesses[e->fp.nr_accesses - 1].seq >
		    e->fp.accesses[last_probe].seq);
	assert_memory_equal(before, fn->cfg, sizeof(before));
}

static void setup_maps_what_the_hardware_decodes(void **state)
{
	struct fixture *e = *state;

	add_nic(e, DEV, VPCI_CMD_MEMORY);
	/* Memory BARs identity-mapped; no I/O BAR, no disabled ROM. */
	assert_mapped(e, HW, NIC_BAR0 >> 12, NIC_BAR0 >> 12, 16);
	assert_mapped(e, HW, NIC_BAR2 >> 12, NIC_BAR2 >> 12, 256);
	assert_mapped(e, HW, NIC_BAR4 >> 12, NIC_BAR4 >> 12, NIC_BAR4_FRAMES);
	assert_int_equal(fake_mapped_frames(&e->fp, HW),
			 16 + 256 + NIC_BAR4_FRAMES);
}

static void setup_with_decoding_off_maps_nothing(void **state)
{
	struct fixture *e = *state;

	add_nic(e, DEV, VPCI_CMD_IO);
	assert_int_equal(e->fp.nr_map_calls, 0);
}

static void unsupported_header_type_gets_no_state(void **state)
{
	struct fixture *e = *state;
	struct fake_fn *fn = fake_fn_add(&e->fp, DEV);

	fake_fn_set_header(fn, 0x8086, 0x1234, VPCI_HEADER_TYPE_CARDBUS);
	assert_int_equal(vpci_device_add(e->host, DEV), 0);
	assert_true(fake_log_contains(&e->fp, "header type 2"));
	/* The hardware domain's rule: no state -> read-only, not raw. */
	assert_true(vpci_device_is_readonly(e->host, DEV));
	assert_null(vpci_device_find(e->host, DEV)->hdr);
}

static void bridge_has_two_bars_and_rom_at_0x38(void **state)
{
	struct fixture *e = *state;
	struct vpci_header *hdr;

	add_bridge(e, DEV);
	hdr = vpci_device_find(e->host, DEV)->hdr;
	assert_int_equal(hdr->nr_bars, 2);
	assert_int_equal(hdr->bars[0].kind, VPCI_BAR_MEM32);
	assert_int_equal(hdr->bars[0].size_bytes, 0x4000);
	assert_int_equal(hdr->bars[1].kind, VPCI_BAR_NONE);
	assert_int_equal(hdr->bars[VPCI_ROM_SLOT].reg, 0x38);
	assert_int_equal(hdr->bars[VPCI_ROM_SLOT].size_bytes, 0x800);
	assign(e);
	/* A guest's bridge: BAR0 emulated, bus numbers read 0. */
	gw(e, 0x10, 4, 0xffffffff);
	assert_int_equal(gr(e, 0x10, 4), 0xffffc000);
	assert_int_equal(gr(e, 0x38, 4), 0); /* not placed by the guest yet */
	assert_int_equal(gr(e, VPCI_REG_PRIMARY_BUS, 4), 0);
}

static void odd_bars_are_classified(void **state)
{
	struct fixture *e = *state;
	struct vpci_header *hdr;

	add_odd(e, DEV);
	hdr = vpci_device_find(e->host, DEV)->hdr;
	assert_int_equal(hdr->bars[0].kind, VPCI_BAR_NONE);
	assert_int_equal(hdr->bars[1].kind, VPCI_BAR_MEM32);
	assert_int_equal(hdr->bars[3].kind, VPCI_BAR_IO);
	assert_int_equal(hdr->bars[3].addr_mask, 0xffe0);
	assert_int_equal(hdr->bars[5].kind, VPCI_BAR_NONE);
	assert_int_equal(hdr->bars[VPCI_ROM_SLOT].kind, VPCI_BAR_NONE);
	assert_true(fake_log_contains(&e->fp, "64-bit but is the last BAR"));
}

/* ------------------------------------------------ probes, both views */

/* One BAR's expected answers: what the register reads after all-ones. */
struct bar_case {
	const char *name;
	unsigned int reg; /* low dword */
	bool is64;
	uint32_t orig_lo; /* value before, as the hardware holds it */
	uint32_t orig_hi;
	uint32_t sized_lo; /* read back after all-ones */
	uint32_t sized_hi;
};

/* clang-format off */
static const struct bar_case nic_cases[] = {
	{"mem32", 0x10, false, (uint32_t)NIC_BAR0, 0, 0xffff0000u, 0},
	{"io", 0x14, false, NIC_IO | 1u, 0, 0xffffff01u, 0},
	{"mem64 pref", 0x18, true, (uint32_t)NIC_BAR2 | 0xcu,
	 (uint32_t)(NIC_BAR2 >> 32), 0xfff0000cu, 0xffffffffu},
	{"mem64 8G", 0x20, true, (uint32_t)NIC_BAR4 | 0x4u,
	 (uint32_t)(NIC_BAR4 >> 32), 0x4u, 0xfffffffeu},
};
/* clang-format on */

enum probe_kind {
	PROBE_ONES,	  /* 0xffffffff, low then high */
	PROBE_OPENBSD,	  /* 0xfffffff0 in the low half */
	PROBE_HIGH_FIRST, /* high half sized before the low one */
	PROBE_BYTES,	  /* all-ones written a byte at a time */
	PROBE_WORDS,	  /* ... and a word at a time */
};

static void write_ones(struct fixture *e, const struct view *v, unsigned int reg,
		       enum probe_kind kind)
{
	unsigned int i;

	switch (kind) {
	case PROBE_BYTES:
		for (i = 0; i < 4; i++)
			view_write(e, v, reg + i, 1, 0xff);
		break;
	case PROBE_WORDS:
		view_write(e, v, reg, 2, 0xffff);
		view_write(e, v, reg + 2, 2, 0xffff);
		break;
	case PROBE_OPENBSD:
		view_write(e, v, reg, 4, 0xfffffff0u);
		break;
	default:
		view_write(e, v, reg, 4, 0xffffffffu);
	}
}

/* Size every NIC BAR the given way; nothing may be mapped meanwhile and
 * every BAR must read as before afterwards. */
static void probe_all(struct fixture *e, const struct view *v, enum probe_kind kind)
{
	size_t i;

	for (i = 0; i < sizeof(nic_cases) / sizeof(nic_cases[0]); i++) {
		const struct bar_case *c = &nic_cases[i];
		uint32_t lo = view_read(e, v, c->reg, 4);
		uint32_t hi = c->is64 ? view_read(e, v, c->reg + 4, 4) : 0;

		assert_int_equal(lo, c->orig_lo);
		assert_int_equal(hi, c->orig_hi);
		if (c->is64 && kind == PROBE_HIGH_FIRST) {
			view_write(e, v, c->reg + 4, 4, 0xffffffffu);
			assert_int_equal(view_read(e, v, c->reg + 4, 4),
					 c->sized_hi);
		}
		write_ones(e, v, c->reg, kind);
		assert_int_equal(view_read(e, v, c->reg, 4), c->sized_lo);
		if (c->is64 && kind != PROBE_HIGH_FIRST) {
			/* OpenBSD's 0xfffffff0 is for the low half only. */
			write_ones(e, v, c->reg + 4,
				   kind == PROBE_OPENBSD ? PROBE_ONES : kind);
			assert_int_equal(view_read(e, v, c->reg + 4, 4),
					 c->sized_hi);
		}
		view_write(e, v, c->reg, 4, lo);
		if (c->is64)
			view_write(e, v, c->reg + 4, 4, hi);
		assert_int_equal(view_read(e, v, c->reg, 4), c->orig_lo);
		if (c->is64)
			assert_int_equal(view_read(e, v, c->reg + 4, 4),
					 c->orig_hi);
	}
	assert_int_equal(e->fp.nr_map_calls, 0);
}

/* What guest firmware does first: place the BARs (here where the host
 * has them, so the same expected values serve both views). */
static void guest_place_like_host(struct fixture *e, const struct view *v)
{
	size_t i;

	for (i = 0; i < sizeof(nic_cases) / sizeof(nic_cases[0]); i++) {
		view_write(e, v, nic_cases[i].reg, 4, nic_cases[i].orig_lo);
		if (nic_cases[i].is64)
			view_write(e, v, nic_cases[i].reg + 4, 4,
				   nic_cases[i].orig_hi);
	}
	view_write(e, v, VPCI_REG_ROM_ADDRESS, 4, (uint32_t)NIC_ROM);
}

static void probes_in_view(struct fixture *e, bool guest)
{
	struct view v;
	enum probe_kind k;

	add_nic(e, DEV, 0);
	if (guest)
		assign(e);
	v = guest ? guest_view(e) : hw_view(e);
	if (guest)
		guest_place_like_host(e, &v);
	for (k = PROBE_ONES; k <= PROBE_WORDS; k++)
		probe_all(e, &v, k);
}

static void every_probe_on_every_bar_hwdom(void **state)
{
	probes_in_view(*state, false);
}

static void every_probe_on_every_bar_guest(void **state)
{
	probes_in_view(*state, true);
}

static void rom_probes(struct fixture *e, const struct view *v)
{
	uint32_t orig = view_read(e, v, VPCI_REG_ROM_ADDRESS, 4);

	assert_int_equal(orig, (uint32_t)NIC_ROM);
	/* Windows: address bits only, then all-ones (sets enable). */
	view_write(e, v, VPCI_REG_ROM_ADDRESS, 4, VPCI_ROM_ADDR_MASK);
	assert_int_equal(view_read(e, v, VPCI_REG_ROM_ADDRESS, 4), 0xfffe0000u);
	view_write(e, v, VPCI_REG_ROM_ADDRESS, 4, 0xffffffffu);
	assert_int_equal(view_read(e, v, VPCI_REG_ROM_ADDRESS, 4), 0xfffe0001u);
	view_write(e, v, VPCI_REG_ROM_ADDRESS, 4, orig);
	assert_int_equal(view_read(e, v, VPCI_REG_ROM_ADDRESS, 4), orig);
	assert_int_equal(e->fp.nr_map_calls, 0);
}

static void rom_probes_hwdom(void **state)
{
	struct fixture *e = *state;
	struct view v = hw_view(e);

	add_nic(e, DEV, 0);
	rom_probes(e, &v);
}

static void rom_probes_guest(void **state)
{
	struct fixture *e = *state;
	struct view v;

	add_nic(e, DEV, 0);
	assign(e);
	v = guest_view(e);
	guest_place_like_host(e, &v);
	assert_int_equal(e->fp.nr_map_calls, 0); /* decoding is off */
	rom_probes(e, &v);
}

/* A guest starts from a device as after reset: no host address shows,
 * and no capability list leads into space it cannot read. */
static void guest_starts_unplaced_without_capabilities(void **state)
{
	struct fixture *e = *state;
	struct fake_fn *fn = add_nic(e, DEV, 0);
	size_t i;

	fake_fn_set(fn, VPCI_REG_STATUS, 2, VPCI_STATUS_CAP_LIST);
	fake_fn_set(fn, VPCI_REG_CAP_PTR, 1, 0x40);
	assign(e);
	for (i = 0; i < sizeof(nic_cases) / sizeof(nic_cases[0]); i++) {
		const struct bar_case *c = &nic_cases[i];
		uint32_t type_bits = c->orig_lo & (c->reg == 0x14 ? 0x3u : 0xfu);

		assert_int_equal(gr(e, c->reg, 4), type_bits);
		if (c->is64)
			assert_int_equal(gr(e, c->reg + 4, 4), 0);
	}
	assert_int_equal(gr(e, VPCI_REG_ROM_ADDRESS, 4), 0);
	assert_int_equal(gr(e, VPCI_REG_STATUS, 2) & VPCI_STATUS_CAP_LIST, 0);
	assert_int_equal(gr(e, VPCI_REG_CAP_PTR, 1), 0);
	/* The hardware keeps its own. */
	assert_int_equal(fake_fn_get(fn, VPCI_REG_CAP_PTR, 1), 0x40);
	assert_int_equal(fake_fn_get(fn, 0x10, 4), (uint32_t)NIC_BAR0);
}

/* Unimplemented BAR0, the 64-bit BAR5 in the last slot and a 16-bit
 * I/O BAR, sized every way: the hardware domain sees the hardware; a
 * guest sees 0 for the first two and the I/O decoder's real mask. */
static void odd_bars_read_as_hardware_or_zero(void **state)
{
	struct fixture *e = *state;
	struct view hv, gv;
	enum probe_kind k;

	add_odd(e, DEV);
	hv = hw_view(e);
	for (k = PROBE_ONES; k <= PROBE_WORDS; k++) {
		write_ones(e, &hv, 0x10, k);
		assert_int_equal(hw_read(e, 0x10, 4), 0);
		write_ones(e, &hv, 0x24, k);
		assert_int_equal(hw_read(e, 0x24, 4), 0xfffff004u);
		hw_write(e, 0x24, 4, 0x4);
		write_ones(e, &hv, 0x1c, k);
		assert_int_equal(hw_read(e, 0x1c, 4), 0xffe1);
		hw_write(e, 0x1c, 4, 0xe000);
	}
	assign(e);
	gv = guest_view(e);
	for (k = PROBE_ONES; k <= PROBE_WORDS; k++) {
		write_ones(e, &gv, 0x10, k);
		assert_int_equal(gr(e, 0x10, 4), 0);
		write_ones(e, &gv, 0x24, k);
		assert_int_equal(gr(e, 0x24, 4), 0);
		write_ones(e, &gv, 0x1c, k);
		assert_int_equal(gr(e, 0x1c, 4), 0xffe1);
		gw(e, 0x1c, 4, 0xe000);
		assert_int_equal(gr(e, 0x1c, 4), 0xe001);
	}
	assert_int_equal(e->fp.nr_map_calls, 0);
}

/* ------------------------------------------------ OS sequences, both views */

/* Linux __pci_read_base() over every BAR and the ROM, decoding off
 * around it; returns the sizes it decoded. */
static void linux_read_bases(struct fixture *e, const struct view *v,
			     uint64_t *sizes)
{
	uint16_t cmd = (uint16_t)view_read(e, v, VPCI_REG_COMMAND, 2);
	unsigned int i;

	view_write(e, v, VPCI_REG_COMMAND, 2,
		   cmd & ~(VPCI_CMD_IO | VPCI_CMD_MEMORY));
	for (i = 0; i < 7; i++) {
		unsigned int reg = i < 6 ? 0x10 + 4 * i : VPCI_REG_ROM_ADDRESS;
		uint32_t mask = i < 6 ? 0xffffffffu : VPCI_ROM_ADDR_MASK;
		uint32_t l = view_read(e, v, reg, 4), sz, lh = 0, szh = 0;
		uint64_t m;

		view_write(e, v, reg, 4, l | mask);
		sz = view_read(e, v, reg, 4);
		view_write(e, v, reg, 4, l);
		if (i < 6 && !(l & 1) && (l & 6) == 4) {
			lh = view_read(e, v, reg + 4, 4);
			view_write(e, v, reg + 4, 4, 0xffffffffu);
			szh = view_read(e, v, reg + 4, 4);
			view_write(e, v, reg + 4, 4, lh);
		}
		m = ((uint64_t)szh << 32) | (sz & (i == 6 ? VPCI_ROM_ADDR_MASK
						   : (l & 1) ? 0xfffffffcu
							     : 0xfffffff0u));
		sizes[i] = m & (~m + 1);
		if (i < 6 && !(l & 1) && (l & 6) == 4)
			sizes[++i] = 0;
	}
	view_write(e, v, VPCI_REG_COMMAND, 2, cmd);
}

static void linux_sequence(struct fixture *e, bool guest)
{
	const uint64_t want[7] = {0x10000,	  0x100, 0x100000, 0,
				  0x200000000ull, 0,	 0x20000};
	uint64_t sizes[7];
	struct view v;
	size_t calls;

	add_nic(e, DEV, guest ? 0 : VPCI_CMD_MEMORY);
	if (guest) {
		assign(e);
		program_guest_bars(e);
		gw(e, VPCI_REG_COMMAND, 2, VPCI_CMD_MEMORY);
	}
	v = guest ? guest_view(e) : hw_view(e);
	calls = e->fp.nr_map_calls;
	linux_read_bases(e, &v, sizes);
	assert_memory_equal(sizes, want, sizeof(want));
	/* Decoding off unmapped, on mapped back: nothing at a probe
	 * address, the same frames as before at the end. */
	assert_true(e->fp.nr_map_calls > calls);
	assert_nic_mapped(e, guest);
	assert_int_equal(e->fp.map_violations, 0);
}

static void linux_read_base_hwdom(void **state)
{
	linux_sequence(*state, false);
}

static void linux_read_base_guest(void **state)
{
	linux_sequence(*state, true);
}

/* libpciaccess's x86 back end sizes with decoding left on. */
static void libpciaccess_x86(struct fixture *e, bool guest)
{
	struct view v;
	size_t i, calls;

	add_nic(e, DEV, guest ? 0 : VPCI_CMD_MEMORY);
	if (guest) {
		assign(e);
		program_guest_bars(e);
		gw(e, VPCI_REG_COMMAND, 2, VPCI_CMD_MEMORY);
	}
	v = guest ? guest_view(e) : hw_view(e);
	calls = e->fp.nr_map_calls;
	fake_clear_records(&e->fp);
	for (i = 0; i < sizeof(nic_cases) / sizeof(nic_cases[0]); i++) {
		const struct bar_case *c = &nic_cases[i];
		uint32_t addr = view_read(e, &v, c->reg, 4), testval;

		view_write(e, &v, c->reg, 4, 0xffffffffu);
		testval = view_read(e, &v, c->reg, 4);
		view_write(e, &v, c->reg, 4, addr);
		assert_int_equal(testval, c->sized_lo);
		if (c->is64)
			view_read(e, &v, c->reg + 4, 4);
	}
	/* Nothing was ever mapped at a sizing address. The hardware domain's
	 * mapped BARs were answered by vPCI, so nothing moved at all; a
	 * guest's BAR was unmapped while it held the pattern. A 64-bit BAR
	 * sized half by half sits, with only its low half all ones, at a
	 * real place for a moment (as on hardware): the guest's own frames
	 * at that guest address. */
	for (i = 0; i < e->fp.nr_map_calls; i++) {
		const struct fake_map_call *c = &e->fp.map_calls[i];
		uint64_t g2_ones = ((G_BAR2 & ~0xffffffffull) | 0xfff00000u);

		assert_true(c->gfn == (guest ? G_BAR0 : NIC_BAR0) >> 12 ||
			    c->gfn == (guest ? G_BAR2 : NIC_BAR2) >> 12 ||
			    c->gfn == (guest ? G_BAR4 : NIC_BAR4) >> 12 ||
			    (guest && c->gfn == g2_ones >> 12 &&
			     c->mfn == NIC_BAR2 >> 12));
	}
	if (!guest)
		assert_int_equal(e->fp.nr_map_calls, 0);
	(void)calls;
	assert_nic_mapped(e, guest);
	if (!guest)
		assert_int_equal(
			fake_fn_get(fake_fn_find(&e->fp, DEV), 0x10, 4),
			(uint32_t)NIC_BAR0);
}

static void libpciaccess_x86_probe_hwdom(void **state)
{
	libpciaccess_x86(*state, false);
}

static void libpciaccess_x86_probe_guest(void **state)
{
	libpciaccess_x86(*state, true);
}

/* ------------------------------------------------ command and status */

static void guest_command_bits_are_virtual_but_reach_hardware(void **state)
{
	struct fixture *e = *state;
	struct fake_fn *fn = add_nic(e, DEV, VPCI_CMD_MASTER | VPCI_CMD_SERR);

	assign(e);
	/* Quiesced for the guest: no decoding, no bus mastering. */
	assert_int_equal(fake_fn_get(fn, VPCI_REG_COMMAND, 2), VPCI_CMD_SERR);
	assert_int_equal(gr(e, VPCI_REG_COMMAND, 2), VPCI_CMD_SERR);
	gw(e, VPCI_REG_COMMAND, 2,
	   VPCI_CMD_MASTER | VPCI_CMD_IO | VPCI_CMD_INTX_DISABLE);
	assert_int_equal(gr(e, VPCI_REG_COMMAND, 2),
			 VPCI_CMD_MASTER | VPCI_CMD_IO | VPCI_CMD_INTX_DISABLE |
				 VPCI_CMD_SERR);
	assert_int_equal(fake_fn_get(fn, VPCI_REG_COMMAND, 2),
			 VPCI_CMD_MASTER | VPCI_CMD_IO | VPCI_CMD_INTX_DISABLE |
				 VPCI_CMD_SERR);
	/* SERR and parity stay the host's. */
	gw(e, VPCI_REG_COMMAND, 2, VPCI_CMD_PARITY);
	assert_int_equal(fake_fn_get(fn, VPCI_REG_COMMAND, 2), VPCI_CMD_SERR);
}

static void hwdom_command_reaches_hardware_after_mapping(void **state)
{
	struct fixture *e = *state;
	size_t i;
	uint64_t cmd_seq = 0, last_map_seq = 0;

	add_nic(e, DEV, 0);
	e->fp.record_accesses = true;
	hw_write(e, VPCI_REG_COMMAND, 2, VPCI_CMD_MEMORY | VPCI_CMD_MASTER);
	for (i = 0; i < e->fp.nr_accesses; i++)
		if (e->fp.accesses[i].write &&
		    e->fp.accesses[i].reg == VPCI_REG_COMMAND)
			cmd_seq = e->fp.accesses[i].seq;
	for (i = 0; i < e->fp.nr_map_calls; i++)
		last_map_seq = e->fp.map_calls[i].seq;
	assert_true(e->fp.nr_map_calls > 0);
	assert_true(cmd_seq > last_map_seq);
	assert_nic_mapped(e, false);
}

/*
 * The hardware domain's dword write at command: command through its
 * handler, then status (the hardware's) as written, in address order, in
 * two 2-byte writes; RW1C status bits clear where the dword has a 1.
 */
static void hwdom_command_status_dword_write(void **state)
{
	struct fixture *e = *state;
	struct fake_fn *fn = add_nic(e, DEV, 0);
	const uint32_t st = VPCI_STATUS_REC_MASTER_ABORT |
			    VPCI_STATUS_DETECTED_PARITY;
	const struct fake_access *a;

	fake_fn_set(fn, VPCI_REG_STATUS, 2, st);
	fake_fn_set_w1cmask(fn, VPCI_REG_STATUS, 2, st);
	e->fp.record_accesses = true;
	hw_write(e, VPCI_REG_COMMAND, 4,
		 VPCI_CMD_MASTER | (uint32_t)VPCI_STATUS_DETECTED_PARITY << 16);
	assert_int_equal(fake_fn_get(fn, VPCI_REG_COMMAND, 2),
			 VPCI_CMD_MASTER);
	assert_int_equal(fake_fn_get(fn, VPCI_REG_STATUS, 2),
			 VPCI_STATUS_REC_MASTER_ABORT);
	assert_true(e->fp.nr_accesses >= 2);
	a = &e->fp.accesses[e->fp.nr_accesses - 1];
	assert_true(a->write);
	assert_int_equal(a->reg, VPCI_REG_STATUS);
	assert_int_equal(a->size, 2);
	assert_int_equal(a->val, VPCI_STATUS_DETECTED_PARITY);
	a = &e->fp.accesses[e->fp.nr_accesses - 2];
	assert_true(a->write);
	assert_int_equal(a->reg, VPCI_REG_COMMAND);
	assert_int_equal(a->size, 2);
}

static void guest_status_is_read_only_but_rw1c_errors(void **state)
{
	struct fixture *e = *state;
	struct fake_fn *fn = add_nic(e, DEV, 0);

	fake_fn_set(fn, VPCI_REG_STATUS, 2,
		    VPCI_STATUS_CAP_LIST | VPCI_STATUS_66MHZ |
			    VPCI_STATUS_REC_MASTER_ABORT |
			    VPCI_STATUS_DETECTED_PARITY);
	assign(e);
	/* No capability list for guests yet: that bit reads 0. */
	assert_int_equal(gr(e, VPCI_REG_STATUS, 2),
			 VPCI_STATUS_66MHZ | VPCI_STATUS_REC_MASTER_ABORT |
				 VPCI_STATUS_DETECTED_PARITY);
	e->fp.record_accesses = true;
	/* Writing back what was read clears exactly the error bits set. */
	gw(e, VPCI_REG_STATUS, 2, 0xffff & ~VPCI_STATUS_DETECTED_PARITY);
	assert_int_equal(fake_fn_get(fn, VPCI_REG_STATUS, 2),
			 VPCI_STATUS_CAP_LIST | VPCI_STATUS_66MHZ |
				 VPCI_STATUS_DETECTED_PARITY);
	/* A dword write to command leaves the status bits alone. */
	gw(e, VPCI_REG_COMMAND, 4, VPCI_CMD_MASTER);
	assert_int_equal(fake_fn_get(fn, VPCI_REG_STATUS, 2),
			 VPCI_STATUS_CAP_LIST | VPCI_STATUS_66MHZ |
				 VPCI_STATUS_DETECTED_PARITY);
}

/*
 * Command and status are one dword register for a guest: accesses of 1,
 * 2 and 4 bytes each touch only their bytes, RW1C status bits clear only
 * where a 1 is written, and command bytes are dropped while map work is
 * pending (status bytes are not).
 */
static void guest_command_status_partial_writes(void **state)
{
	struct fixture *e = *state;
	struct fake_fn *fn = add_nic(e, DEV, 0);
	const uint32_t st = VPCI_STATUS_66MHZ | VPCI_STATUS_REC_MASTER_ABORT |
			    VPCI_STATUS_DETECTED_PARITY;

	fake_fn_set(fn, VPCI_REG_STATUS, 2, st);
	assign(e);
	gw(e, VPCI_REG_COMMAND, 2, VPCI_CMD_INTX_DISABLE);
	assert_int_equal(gr(e, VPCI_REG_COMMAND, 4),
			 VPCI_CMD_INTX_DISABLE | st << 16);
	/* The status high byte: only the parity bit written as 1 clears. */
	gw(e, VPCI_REG_STATUS + 1, 1, VPCI_STATUS_DETECTED_PARITY >> 8);
	assert_int_equal(fake_fn_get(fn, VPCI_REG_STATUS, 2),
			 st & ~VPCI_STATUS_DETECTED_PARITY);
	/* The low byte has no RW1C bits: all ones change nothing. */
	gw(e, VPCI_REG_STATUS, 1, 0xff);
	assert_int_equal(fake_fn_get(fn, VPCI_REG_STATUS, 2),
			 st & ~VPCI_STATUS_DETECTED_PARITY);
	assert_int_equal(gr(e, VPCI_REG_COMMAND, 2), VPCI_CMD_INTX_DISABLE);
	/* A byte to command's low byte keeps its high byte and status. */
	gw(e, VPCI_REG_COMMAND, 1, VPCI_CMD_MASTER);
	assert_int_equal(gr(e, VPCI_REG_COMMAND, 2),
			 VPCI_CMD_INTX_DISABLE | VPCI_CMD_MASTER);
	assert_int_equal(fake_fn_get(fn, VPCI_REG_COMMAND, 2) &
				 (VPCI_CMD_INTX_DISABLE | VPCI_CMD_MASTER),
			 VPCI_CMD_INTX_DISABLE | VPCI_CMD_MASTER);
	assert_int_equal(gr(e, VPCI_REG_STATUS, 2),
			 st & ~VPCI_STATUS_DETECTED_PARITY);
	/* And a byte to its high byte keeps the low one. */
	gw(e, VPCI_REG_COMMAND + 1, 1, 0);
	assert_int_equal(gr(e, VPCI_REG_COMMAND, 2), VPCI_CMD_MASTER);
	/* A dword: command as written, status bits cleared where 1. */
	gw(e, VPCI_REG_COMMAND, 4,
	   VPCI_CMD_INTX_DISABLE | (uint32_t)VPCI_STATUS_REC_MASTER_ABORT << 16);
	assert_int_equal(gr(e, VPCI_REG_COMMAND, 4),
			 VPCI_CMD_INTX_DISABLE |
				 (uint32_t)VPCI_STATUS_66MHZ << 16);

	/* Map work pending: command bytes are dropped, status bytes not. */
	fake_fn_set(fn, VPCI_REG_STATUS, 2, st);
	gw(e, VPCI_REG_BAR0, 4, (uint32_t)G_BAR0);
	e->fp.map_budget_frames = 1;
	gw(e, VPCI_REG_COMMAND, 2, VPCI_CMD_MEMORY);
	/* Held for the mapping (16 frames, one per call). */
	assert_int_equal(fake_fn_get(fn, VPCI_REG_COMMAND, 2) &
				 VPCI_CMD_MEMORY,
			 0);
	gw(e, VPCI_REG_COMMAND + 1, 1, VPCI_CMD_INTX_DISABLE >> 8);
	assert_true(fake_log_contains(&e->fp, "still pending"));
	gw(e, VPCI_REG_STATUS + 1, 1, VPCI_STATUS_REC_MASTER_ABORT >> 8);
	assert_int_equal(fake_fn_get(fn, VPCI_REG_STATUS, 2),
			 st & ~VPCI_STATUS_REC_MASTER_ABORT);
	e->fp.map_budget_frames = 0;
	while (vpci_process_pending(e->guest) == VPCI_ERESTART)
		;
	assert_int_equal(gr(e, VPCI_REG_COMMAND, 2), VPCI_CMD_MEMORY);
}

static void guest_identity_and_latches(void **state)
{
	struct fixture *e = *state;
	struct fake_fn *fn = add_nic(e, DEV, 0);

	fake_fn_set(fn, VPCI_REG_REVISION, 4, 0x02000003);
	fake_fn_set(fn, VPCI_REG_SUBSYS_VENDOR_ID, 4, 0xabcd1af4);
	fake_fn_set(fn, VPCI_REG_INTERRUPT_PIN, 1, 1);
	fake_fn_set(fn, VPCI_REG_BIST, 1, 0x80);
	fake_fn_set(fn, VPCI_REG_CAP_PTR, 1, 0x40);
	assign(e);
	assert_int_equal(gr(e, 0, 4), 0x10008086);
	gw(e, 0, 4, 0);
	gw(e, VPCI_REG_REVISION, 4, 0);
	assert_int_equal(fake_fn_get(fn, 0, 4), 0x10008086);
	assert_int_equal(gr(e, VPCI_REG_REVISION, 4), 0x02000003);
	assert_int_equal(gr(e, VPCI_REG_SUBSYS_VENDOR_ID, 4), 0xabcd1af4);
	assert_int_equal(gr(e, VPCI_REG_CAP_PTR, 1), 0); /* no guest caps yet */
	/* BIST cannot be started from a guest. */
	assert_int_equal(gr(e, VPCI_REG_BIST, 1), 0);
	/* Interrupt line: a latch, 0xff until set; pin from the hardware. */
	assert_int_equal(gr(e, VPCI_REG_INTERRUPT_LINE, 2), 0x01ff);
	gw(e, VPCI_REG_INTERRUPT_LINE, 2, 0x050b);
	assert_int_equal(gr(e, VPCI_REG_INTERRUPT_LINE, 2), 0x010b);
	assert_int_equal(fake_fn_get(fn, VPCI_REG_INTERRUPT_LINE, 1), 0);
	gw(e, VPCI_REG_CACHE_LINE_SIZE, 2, 0x4010);
	assert_int_equal(gr(e, VPCI_REG_CACHE_LINE_SIZE, 2), 0x4010);
	assert_int_equal(fake_fn_get(fn, VPCI_REG_CACHE_LINE_SIZE, 2), 0);
	/* Header type from the hardware. */
	assert_int_equal(gr(e, VPCI_REG_HEADER_TYPE, 1), 0);
}

/* The dword at 0x0c: cache line size and latency timer (a latch the
 * guest owns, byte by byte), header type (the hardware's, read-only),
 * BIST (reads 0, writes never reach the hardware). */
static void guest_cache_latency_dword(void **state)
{
	struct fixture *e = *state;
	struct fake_fn *fn = add_nic(e, DEV, 0);

	fake_fn_set(fn, VPCI_REG_HEADER_TYPE, 1, 0x80); /* multi-function */
	fake_fn_set(fn, VPCI_REG_BIST, 1, 0x80);
	assign(e);
	gw(e, VPCI_REG_CACHE_LINE_SIZE, 4, 0xffffffffu);
	assert_int_equal(gr(e, VPCI_REG_CACHE_LINE_SIZE, 4), 0x0080ffffu);
	gw(e, VPCI_REG_LATENCY_TIMER, 1, 0x20);
	assert_int_equal(gr(e, VPCI_REG_CACHE_LINE_SIZE, 4), 0x008020ffu);
	gw(e, VPCI_REG_CACHE_LINE_SIZE, 1, 0x10);
	assert_int_equal(gr(e, VPCI_REG_CACHE_LINE_SIZE, 2), 0x2010);
	gw(e, VPCI_REG_HEADER_TYPE, 2, 0x4001);
	assert_int_equal(gr(e, VPCI_REG_HEADER_TYPE, 2), 0x0080);
	assert_int_equal(gr(e, VPCI_REG_BIST, 1), 0);
	assert_int_equal(gr(e, VPCI_REG_LATENCY_TIMER, 2), 0x8020);
	/* Nothing of it reached the hardware. */
	assert_int_equal(fake_fn_get(fn, VPCI_REG_CACHE_LINE_SIZE, 4),
			 0x80800000u);
}

static void
allocation_failure_at_setup_makes_hwdom_device_readonly(void **state)
{
	struct fixture *e = *state;
	unsigned int made_readonly = 0, built = 0;
	long n;

	/* Fail each allocation of the set-up in turn. */
	for (n = 0; n < 64; n++) {
		add_nic_fn(e,
			   VPCI_SBDF(0, 9, (unsigned int)n / 8,
				     (unsigned int)n % 8),
			   VPCI_CMD_MEMORY);
		e->fp.allocs_until_failure = n;
		vpci_device_add(e->host, VPCI_SBDF(0, 9, (unsigned int)n / 8,
						   (unsigned int)n % 8));
		e->fp.allocs_until_failure = -1;
	}
	/* Nothing half-mapped whatever failed; the fake saw no violation. */
	assert_int_equal(e->fp.map_violations, 0);
	for (n = 0; n < 64; n++) {
		struct vpci_dev *dev = vpci_device_find(
			e->host, VPCI_SBDF(0, 9, (unsigned int)n / 8,
					   (unsigned int)n % 8));

		if (!dev)
			continue;
		if (vpci_device_is_readonly(e->host, dev->sbdf)) {
			made_readonly++;
			assert_null(dev->hdr);
		} else {
			assert_non_null(dev->hdr);
			built++;
		}
	}
	/* Both happened: some set-ups failed, the later ones did not. */
	assert_true(made_readonly > 0);
	assert_true(built > 0);
	assert_true(fake_log_contains(&e->fp, "read-only"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, fixture_setup_hwdom_guest, fixture_teardown)
		T(sizing_at_setup_turns_decoding_off_and_restores_everything),
		T(setup_maps_what_the_hardware_decodes),
		T(setup_with_decoding_off_maps_nothing),
		T(unsupported_header_type_gets_no_state),
		T(bridge_has_two_bars_and_rom_at_0x38),
		T(odd_bars_are_classified),
		T(every_probe_on_every_bar_hwdom),
		T(every_probe_on_every_bar_guest),
		T(rom_probes_hwdom),
		T(rom_probes_guest),
		T(guest_starts_unplaced_without_capabilities),
		T(odd_bars_read_as_hardware_or_zero),
		T(linux_read_base_hwdom),
		T(linux_read_base_guest),
		T(libpciaccess_x86_probe_hwdom),
		T(libpciaccess_x86_probe_guest),
		T(guest_command_bits_are_virtual_but_reach_hardware),
		T(hwdom_command_reaches_hardware_after_mapping),
		T(guest_status_is_read_only_but_rw1c_errors),
		T(hwdom_command_status_dword_write),
		T(guest_command_status_partial_writes),
		T(guest_identity_and_latches),
		T(guest_cache_latency_dword),
		T(allocation_failure_at_setup_makes_hwdom_device_readonly),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
