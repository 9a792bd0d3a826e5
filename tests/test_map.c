/* SPDX-License-Identifier: MIT */
/*
 * Property test of BAR mapping: 20,000 random steps (fixed seed) of
 * hardware-domain and guest config writes -- command, BARs, ROM, sizing
 * probes, byte writes -- over devices whose BARs overlap and touch, with
 * a hidden device in the hardware domain's group, preemption of random
 * size, injected map failures, process_pending at random moments, and
 * devices moving between the guest and the hardware domain.
 *
 * After every step:
 *  - the fake saw no double map and no unmap of an unmapped frame;
 *  - what the fake has mapped equals what the core believes is mapped;
 *  - once a group has no pending work, what is mapped follows from the
 *    registers alone (not from the core's state):
 *      hardware domain: exactly the union of the memory BARs and ROMs the
 *      hardware decodes (memory decoding on, address assigned, not a
 *      sizing pattern), 1:1, minus the host frames of the BARs and ROM of
 *      the functions assigned to the guest;
 *      guest: every mapped frame belongs to an enabled BAR with the same
 *      translation, and every enabled BAR is mapped whole unless a mapped
 *      BAR overlaps it with another translation (conflict).
 * At the end every device stops decoding and nothing may stay mapped.
 * Set MAP_DEBUG=1 to see the guest's state when a check fails.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#include "internal.h"

#define STEPS	  20000u
#define HW	  0u
#define GUEST	  3u
#define NR_DEVS	  8u
#define HOST_WIN  0xf0000000ull /* 256 KiB where host BARs live */
#define GUEST_WIN 0x80000000ull
#define WIN_SIZE  0x40000ull

struct bar_spec {
	uint64_t size; /* 0: none */
	uint32_t flags;
};

struct dev_spec {
	uint8_t type;
	struct bar_spec bars[6];
	uint32_t rom_size;
	bool hidden;
	bool guest; /* may be assigned to the guest */
};

/* clang-format off */
static const struct dev_spec specs[NR_DEVS] = {
	/* type, BARs (size, low bits), ROM size, hidden, guest */
	{0, {{0x1000, 0}, {0x100, 0}, {0x4000, 0xc}},          0x2000, 0, 0},
	{0, {{0x10000, 0}, {0x20, 1}, {0x100, 0}},             0x1000, 1, 0},
	{0, {{0x2000, 4}, {0}, {0x1000, 0}, {0x1000, 0}},      0,      0, 0},
	{0, {{0x4000, 0}, {0x100, 0}},                         0,      0, 0},
	{0, {{0x2000, 0}, {0x1000, 4}},                        0x1000, 0, 1},
	{0, {{0x100, 0}, {0x100, 0}, {0x1000, 0}},             0x1000, 0, 1},
	{0, {{0x8000, 0xc}},                                   0,      0, 1},
	{1, {{0x1000, 0}},                                     0x800,  0, 0},
};
/* clang-format on */

/* How often the interesting paths ran, from the log. */
static const char *const events[] = {
	"overlaps another BAR",
	"memory decoding turned off",
	"still pending",
	"ignored: the BAR is mapped",
	"ROM write",
	"different offsets",
};
#define NR_EVENTS (sizeof(events) / sizeof(events[0]))
static unsigned int event_count[NR_EVENTS];
static void (*fake_log_sink)(void *, enum vpci_log_level, const char *);

static void counting_log(void *ctx, enum vpci_log_level level, const char *msg)
{
	size_t i;

	for (i = 0; i < NR_EVENTS; i++)
		event_count[i] += strstr(msg, events[i]) != NULL;
	fake_log_sink(ctx, level, msg);
}

struct world {
	struct fixture fx;
	struct fake_fn *fns[NR_DEVS];
	bool assigned[NR_DEVS];
	bool rom_absent[NR_DEVS]; /* for the guest: its ROM shared frames */
	uint64_t rng;
};

static vpci_sbdf_t sbdf_of(unsigned int d)
{
	return VPCI_SBDF(0, 2, d, 0);
}

static vpci_sbdf_t vsbdf_of(unsigned int d)
{
	return VPCI_SBDF(0, 0, d + 1, 0); /* 00:00 is the host bridge */
}

static uint64_t rnd(struct world *w)
{
	w->rng ^= w->rng >> 12;
	w->rng ^= w->rng << 25;
	w->rng ^= w->rng >> 27;
	return w->rng * 2685821657736338717ull;
}

static unsigned int rnd_below(struct world *w, unsigned int n)
{
	return (unsigned int)(rnd(w) % n);
}

static unsigned int rom_reg(unsigned int d)
{
	return specs[d].type ? VPCI_REG_ROM_ADDRESS1 : VPCI_REG_ROM_ADDRESS;
}

static unsigned int nr_bars(unsigned int d)
{
	return specs[d].type ? 2 : 6;
}

static bool is64(unsigned int d, unsigned int i)
{
	return specs[d].bars[i].size && !(specs[d].bars[i].flags & 1) &&
	       (specs[d].bars[i].flags & 6) == 4;
}

/* A size-aligned address inside a 256 KiB window. */
static uint64_t rnd_addr(struct world *w, uint64_t base, uint64_t size)
{
	uint64_t step = size < 0x100 ? 0x100 : size;

	return base + (rnd(w) % (WIN_SIZE / step)) * step;
}

/* ------------------------------------------------------------ the model */

struct want {
	uint64_t first, last, delta;
};

#define MAX_WANT 64

/* A BAR value that sets every address bit of the whole register (both
 * halves of a 64-bit BAR): the sizing pattern, never a placement. */
static bool sizing(uint64_t size, uint32_t lo, uint32_t hi, bool wide, bool rom)
{
	uint64_t mask = ~(size - 1);
	uint32_t mlo =
		(uint32_t)mask & (rom ? VPCI_ROM_ADDR_MASK : 0xfffffff0u);

	if (!wide)
		return (lo & mlo) == mlo;
	return (lo & mlo) == mlo && hi == (uint32_t)(mask >> 32);
}

/* The BARs (and ROM) a device's registers say should be mapped: a
 * guest's registers as the guest sees them onto the hardware's frames;
 * the hardware domain's straight from the hardware. */
static unsigned int wanted_bars(struct world *w, unsigned int d, bool guest,
				struct want *out)
{
	struct fake_fn *fn = w->fns[d];
	vpci_sbdf_t s = guest ? vsbdf_of(d) : sbdf_of(d);
	struct vpci_domain *dom = guest ? w->fx.guest : w->fx.hwdom;
	unsigned int i, n = 0;

	/* The hardware domain: the hardware's registers, nothing else. */
	if (!((guest ? vpci_read(dom, s, VPCI_REG_COMMAND, 2)
		     : fake_fn_get(fn, VPCI_REG_COMMAND, 2)) &
	      VPCI_CMD_MEMORY))
		return 0;
	for (i = 0; i <= nr_bars(d); i++) {
		bool rom = i == nr_bars(d), wide = !rom && is64(d, i);
		uint64_t size = rom ? specs[d].rom_size : specs[d].bars[i].size;
		unsigned int reg = rom ? rom_reg(d) : VPCI_REG_BAR0 + 4 * i;
		uint32_t lo, hi, hlo, hhi;
		uint64_t ga, ha, amask;

		if (!size || (!rom && (specs[d].bars[i].flags & 1))) {
			i += wide;
			continue;
		}
		hlo = fake_fn_get(fn, reg, 4);
		hhi = wide ? fake_fn_get(fn, reg + 4, 4) : 0;
		lo = guest ? vpci_read(dom, s, reg, 4) : hlo;
		hi = guest ? (wide ? vpci_read(dom, s, reg + 4, 4) : 0) : hhi;
		amask = rom ? VPCI_ROM_ADDR_MASK : ~0xfull;
		ga = (((uint64_t)hi << 32) | lo) & amask & ~(size - 1);
		ha = (((uint64_t)hhi << 32) | hlo) & amask & ~(size - 1);
		i += wide;
		if (rom && !(lo & VPCI_ROM_ENABLE))
			continue;
		if (!ga || !ha || sizing(size, lo, hi, wide, rom) ||
		    sizing(size, hlo, hhi, wide, rom) || ((ga ^ ha) & 0xfff))
			continue;
		assert_true(n < MAX_WANT);
		out[n].first = ga >> 12;
		out[n].last = (ga + size - 1) >> 12;
		out[n].delta = (ha >> 12) - (ga >> 12);
		n++;
	}
	return n;
}

/* The host frames of d's memory BARs (and ROM), from the hardware's
 * registers: what the function decodes or would once enabled. */
static unsigned int host_frames(struct world *w, unsigned int d, bool with_rom,
				struct want *out)
{
	struct fake_fn *fn = w->fns[d];
	unsigned int i, n = 0;

	for (i = 0; i <= nr_bars(d); i++) {
		bool rom = i == nr_bars(d), wide = !rom && is64(d, i);
		uint64_t size = rom ? specs[d].rom_size : specs[d].bars[i].size;
		unsigned int reg = rom ? rom_reg(d) : VPCI_REG_BAR0 + 4 * i;
		uint32_t lo, hi;
		uint64_t a;

		if (!size || (!rom && (specs[d].bars[i].flags & 1)) ||
		    (rom && !with_rom)) {
			i += wide;
			continue;
		}
		lo = fake_fn_get(fn, reg, 4);
		hi = wide ? fake_fn_get(fn, reg + 4, 4) : 0;
		i += wide;
		a = (((uint64_t)hi << 32) | lo) &
		    (rom ? VPCI_ROM_ADDR_MASK : ~0xfull) & ~(size - 1);
		if (!a || sizing(size, lo, hi, wide, rom))
			continue;
		out[n].first = a >> 12;
		out[n].last = (a + size - 1) >> 12;
		out[n].delta = 0;
		n++;
	}
	return n;
}

/* Do these frames of d meet a BAR or ROM frame of another function? */
static bool shares_with_others(struct world *w, unsigned int d,
			       const struct want *mine, unsigned int n)
{
	struct want theirs[8];
	unsigned int o, i, j, m;

	for (o = 0; o < NR_DEVS; o++) {
		if (o == d)
			continue;
		/* A guest's absent ROM decodes nowhere while it is assigned. */
		m = host_frames(w, o, !(w->assigned[o] && w->rom_absent[o]),
				theirs);
		for (i = 0; i < n; i++)
			for (j = 0; j < m; j++)
				if (mine[i].first <= theirs[j].last &&
				    theirs[j].first <= mine[i].last)
					return true;
	}
	return false;
}

/* Assign d, expecting a refusal exactly when its BARs share a host frame
 * with another function (and its ROM absent when the ROM does). */
static void assign_checked(struct world *w, unsigned int d)
{
	struct want mine[8];
	unsigned int n = host_frames(w, d, false, mine);
	bool refuse = shares_with_others(w, d, mine, n);
	unsigned int all = host_frames(w, d, true, mine);
	int rc = vpci_assign_device(w->fx.guest, sbdf_of(d), vsbdf_of(d), NULL);

	assert_int_equal(rc, refuse ? VPCI_EPERM : 0);
	if (rc)
		return;
	w->assigned[d] = true;
	/* The ROM, if placed, is the last range. */
	w->rom_absent[d] = all > n &&
			   shares_with_others(w, d, &mine[n], all - n);
}

/* Frames the hardware domain may not have: the guest's functions'. */
static bool claimed_by_guest(struct world *w, uint64_t frame)
{
	struct want r[8];
	unsigned int d, i, n;

	for (d = 0; d < NR_DEVS; d++) {
		if (!w->assigned[d])
			continue;
		n = host_frames(w, d, !w->rom_absent[d], r);
		for (i = 0; i < n; i++)
			if (r[i].first <= frame && frame <= r[i].last)
				return true;
	}
	return false;
}

static bool owned_by_hwdom(const struct world *w, unsigned int d)
{
	return !w->assigned[d];
}

static bool fully_mapped(struct world *w, uint32_t domid, const struct want *b)
{
	uint64_t f, mfn;

	for (f = b->first; f <= b->last; f++)
		if (!fake_mapped_mfn(&w->fx.fp, domid, f, &mfn) ||
		    mfn != f + b->delta)
			return false;
	return true;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Hardware domain: mapped == union of what the hardware decodes, 1:1. */
static void check_hwdom(struct world *w)
{
	static uint64_t frames[NR_DEVS * MAX_WANT * 16];
	struct want b[MAX_WANT];
	size_t nr = 0, uniq = 0, i;
	unsigned int d, j;
	uint64_t f, mfn;

	for (d = 0; d < NR_DEVS; d++) {
		unsigned int n;

		if (!owned_by_hwdom(w, d))
			continue;
		n = wanted_bars(w, d, false, b);
		for (j = 0; j < n; j++) {
			assert_int_equal(b[j].delta, 0);
			for (f = b[j].first; f <= b[j].last; f++) {
				if (claimed_by_guest(w, f))
					continue;
				assert_true(nr < sizeof(frames) / 8);
				frames[nr++] = f;
			}
		}
	}
	qsort(frames, nr, sizeof(frames[0]), cmp_u64);
	for (i = 0; i < nr; i++) {
		if (i && frames[i] == frames[i - 1])
			continue;
		uniq++;
		if (!fake_mapped_mfn(&w->fx.fp, HW, frames[i], &mfn))
			fail_msg("hwdom: frame 0x%llx decoded but not mapped",
				 (unsigned long long)frames[i]);
		assert_int_equal(mfn, frames[i]);
	}
	assert_int_equal(fake_mapped_frames(&w->fx.fp, HW), uniq);
}

/* On failure, with MAP_DEBUG set: the guest's BARs and map calls. */
static void dump(struct world *w, const struct want *all, size_t nr)
{
	size_t k;
	unsigned int d, r;

	if (!getenv("MAP_DEBUG"))
		return;
	for (k = 0; k < nr; k++)
		printf("want gfn %llx-%llx delta %llx\n",
		       (unsigned long long)all[k].first,
		       (unsigned long long)all[k].last,
		       (unsigned long long)all[k].delta);
	for (k = 0; k < w->fx.fp.nr_map_calls; k++) {
		const struct fake_map_call *c = &w->fx.fp.map_calls[k];

		if (c->domid == GUEST)
			printf("%s gfn %llx mfn %llx nr %llu\n",
			       c->unmap ? "unmap" : "map",
			       (unsigned long long)c->gfn,
			       (unsigned long long)c->mfn,
			       (unsigned long long)c->nr_frames);
	}
	for (d = 0; d < NR_DEVS; d++) {
		if (!w->assigned[d])
			continue;
		printf("dev %u cmd %x, guest/host:", d,
		       vpci_read(w->fx.guest, vsbdf_of(d), 4, 2));
		for (r = 0x10; r <= 0x30; r += 4)
			printf(" %x/%x", vpci_read(w->fx.guest, vsbdf_of(d), r, 4),
			       fake_fn_get(w->fns[d], r, 4));
		printf("\n");
	}
	fflush(stdout);
}

/* Guest: mapped frames are explained, enabled BARs mapped or blocked. */
static void check_guest(struct world *w)
{
	struct want all[NR_DEVS * 8];
	size_t nr = 0, i, k;
	unsigned int d;

	for (d = 0; d < NR_DEVS; d++)
		if (w->assigned[d])
			nr += wanted_bars(w, d, true, &all[nr]);
	for (i = 0; i < w->fx.fp.nr_mappings; i++) {
		const struct fake_mapping *m = &w->fx.fp.mappings[i];
		uint64_t f;

		if (m->domid != GUEST)
			continue;
		for (f = m->gfn; f < m->gfn + m->nr; f++) {
			bool ok = false;

			for (k = 0; k < nr && !ok; k++)
				ok = all[k].first <= f && f <= all[k].last &&
				     m->mfn + (f - m->gfn) == f + all[k].delta;
			if (!ok) {
				dump(w, all, nr);
				fail_msg("guest: gfn 0x%llx mapped for no BAR",
					 (unsigned long long)f);
			}
		}
	}
	for (i = 0; i < nr; i++) {
		bool ok = fully_mapped(w, GUEST, &all[i]);

		for (k = 0; k < nr && !ok; k++)
			ok = all[k].delta != all[i].delta &&
			     all[k].first <= all[i].last &&
			     all[i].first <= all[k].last &&
			     fully_mapped(w, GUEST, &all[k]);
		if (!ok) {
			dump(w, all, nr);
			fail_msg("guest: BAR at gfn 0x%llx neither mapped nor "
				 "in conflict",
				 (unsigned long long)all[i].first);
		}
	}
}

/* What the fake holds for domid is what the group's index says. */
static int count_seg(void *arg, const struct vpci_fseg *seg)
{
	uint64_t *total = arg;

	*total += seg->last - seg->start + 1;
	return 0;
}

struct seg_check {
	struct world *w;
	uint32_t domid;
};

static int check_seg(void *arg, const struct vpci_fseg *seg)
{
	struct seg_check *c = arg;
	uint64_t f, mfn;

	for (f = seg->start; f <= seg->last; f++) {
		assert_true(fake_mapped_mfn(&c->w->fx.fp, c->domid, f, &mfn));
		assert_int_equal(mfn, f + seg->delta);
	}
	return 0;
}

static void check_core_agrees(struct world *w, struct vpci_owner_group *g,
			      uint32_t domid)
{
	struct seg_check c = {w, domid};
	uint64_t total = 0;

	vpci_fidx_for_each(&g->mapped, check_seg, &c);
	vpci_fidx_for_each(&g->mapped, count_seg, &total);
	assert_int_equal(total, fake_mapped_frames(&w->fx.fp, domid));
}

static unsigned int full_checks[2];

static void check(struct world *w)
{
	if (w->fx.fp.map_violations)
		fail_msg("fake: %s", w->fx.fp.last_violation);
	check_core_agrees(w, &w->fx.host->hw_group, HW);
	check_core_agrees(w, &w->fx.guest->group, GUEST);
	if (!w->fx.host->hw_group.pending_head) {
		check_hwdom(w);
		full_checks[0]++;
	}
	if (!w->fx.guest->group.pending_head) {
		check_guest(w);
		full_checks[1]++;
	}
}

/* ------------------------------------------------------------ the steps */

static void write_to(struct world *w, unsigned int d, unsigned int reg,
		     uint32_t val)
{
	struct vpci_domain *dom = w->assigned[d] ? w->fx.guest : w->fx.hwdom;
	vpci_sbdf_t s = w->assigned[d] ? vsbdf_of(d) : sbdf_of(d);

	switch (rnd_below(w, 8)) {
	case 0: /* byte by byte */
		for (unsigned int i = 0; i < 4; i++)
			vpci_write(dom, s, reg + i, 1, (val >> (8 * i)) & 0xff);
		break;
	case 1:
		vpci_write(dom, s, reg, 2, val & 0xffff);
		vpci_write(dom, s, reg + 2, 2, val >> 16);
		break;
	default:
		vpci_write(dom, s, reg, 4, val);
	}
}

static void step_command(struct world *w, unsigned int d)
{
	static const uint16_t cmds[] = {
		0,
		VPCI_CMD_MEMORY,
		VPCI_CMD_MEMORY | VPCI_CMD_MASTER,
		VPCI_CMD_IO,
		VPCI_CMD_MEMORY | VPCI_CMD_IO | VPCI_CMD_MASTER,
	};
	struct vpci_domain *dom = w->assigned[d] ? w->fx.guest : w->fx.hwdom;
	vpci_sbdf_t s = w->assigned[d] ? vsbdf_of(d) : sbdf_of(d);

	vpci_write(dom, s, VPCI_REG_COMMAND, 2,
		   cmds[rnd_below(w, sizeof(cmds) / sizeof(cmds[0]))]);
}

static uint32_t rnd_bar_value(struct world *w, unsigned int d, unsigned int i,
			      bool hi)
{
	uint64_t base = w->assigned[d] ? GUEST_WIN : HOST_WIN;
	uint64_t size = specs[d].bars[i].size ? specs[d].bars[i].size : 0x1000;
	uint64_t a;

	switch (rnd_below(w, 10)) {
	case 0:
		return 0xffffffffu;
	case 1:
		return 0xfffffff0u;
	case 2:
		return 0;
	default:
		a = rnd_addr(w, base, size);
		/* Now and then off the host's offset within the page. */
		if (w->assigned[d] && size < 0x1000 && rnd_below(w, 4) == 0)
			a += 0x100;
		return hi ? (rnd_below(w, 6) == 0 ? 1u : 0u) : (uint32_t)a;
	}
}

static void step_bar(struct world *w, unsigned int d)
{
	unsigned int i = rnd_below(w, nr_bars(d));
	bool hi = false;

	if (i && is64(d, i - 1))
		hi = true, i--;
	write_to(w, d, VPCI_REG_BAR0 + 4 * (i + hi),
		 rnd_bar_value(w, d, i, hi));
}

static void step_rom(struct world *w, unsigned int d)
{
	uint64_t base = w->assigned[d] ? GUEST_WIN : HOST_WIN;
	uint32_t size = specs[d].rom_size ? specs[d].rom_size : 0x800;
	uint32_t val;

	switch (rnd_below(w, 6)) {
	case 0:
		val = VPCI_ROM_ADDR_MASK;
		break;
	case 1:
		val = 0xffffffffu;
		break;
	default:
		val = (uint32_t)rnd_addr(w, base, size) |
		      (uint32_t)rnd_below(w, 2);
	}
	write_to(w, d, rom_reg(d), val);
}

static void drain(struct world *w)
{
	while (vpci_process_pending(w->fx.hwdom) == VPCI_ERESTART)
		;
	while (vpci_process_pending(w->fx.guest) == VPCI_ERESTART)
		;
}

static void step_move_device(struct world *w)
{
	unsigned int d = 4 + rnd_below(w, 3);

	/* The model reads addresses from the hardware: let deferred
	 * hardware writes land first. */
	drain(w);
	if (w->assigned[d]) {
		assert_int_equal(vpci_deassign_device(w->fx.guest, sbdf_of(d), NULL), 0);
		w->assigned[d] = false;
	} else {
		assign_checked(w, d);
	}
}

static void step(struct world *w)
{
	unsigned int d = rnd_below(w, NR_DEVS);
	unsigned int what = rnd_below(w, 100);

	/* Failures come now and then, for one step. */
	w->fx.fp.map_fail_after_frames =
		rnd_below(w, 40) == 0 ? (int64_t)rnd_below(w, 12) : -1;
	if (what < 25)
		step_command(w, d);
	else if (what < 55)
		step_bar(w, d);
	else if (what < 65)
		step_rom(w, d);
	else if (what < 80)
		vpci_process_pending(rnd_below(w, 2) ? w->fx.hwdom : w->fx.guest);
	else if (what < 90)
		drain(w);
	else if (what < 97)
		w->fx.fp.map_budget_frames = rnd_below(w, 3) ? rnd_below(w, 5) : 0;
	else
		step_move_device(w);
	w->fx.fp.map_fail_after_frames = -1;
}

/* ------------------------------------------------------------ the world */

static void build(struct world *w)
{
	unsigned int d, i;

	fixture_init(&w->fx);
	fake_log_sink = w->fx.fp.ops.log;
	w->fx.fp.ops.log = counting_log;
	w->rng = 0x5eed5eed1234abcdull;
	fixture_create_host(&w->fx, 0);
	fixture_create_hwdom(&w->fx);
	fixture_create_guest(&w->fx, GUEST);
	for (d = 0; d < NR_DEVS; d++) {
		struct fake_fn *fn = fake_fn_add(&w->fx.fp, sbdf_of(d));

		w->fns[d] = fn;
		fake_fn_set_header(fn, 0x1234, (uint16_t)d, specs[d].type);
		for (i = 0; i < nr_bars(d); i++) {
			if (!specs[d].bars[i].size)
				continue;
			fake_fn_set_bar(fn, i, specs[d].bars[i].size,
					specs[d].bars[i].flags);
			fake_fn_set_bar_addr(
				fn, i,
				(specs[d].bars[i].flags & 1)
					? 0xe000 + 0x100 * d
					: rnd_addr(w, HOST_WIN,
						   specs[d].bars[i].size));
		}
		if (specs[d].rom_size)
			fake_fn_set_rom(fn, rom_reg(d), specs[d].rom_size,
					(uint32_t)rnd_addr(w, HOST_WIN,
							   specs[d].rom_size),
					rnd_below(w, 2));
		fake_fn_set(fn, VPCI_REG_COMMAND, 2,
			    rnd_below(w, 2) ? VPCI_CMD_MEMORY : 0);
		assert_int_equal(vpci_device_add(w->fx.host, sbdf_of(d)), 0);
		if (specs[d].hidden)
			assert_int_equal(vpci_device_hide(w->fx.host, sbdf_of(d), NULL),
					 0);
	}
	for (d = 0; d < NR_DEVS; d++)
		if (specs[d].guest)
			assign_checked(w, d);
}

static void random_steps_keep_mappings_exact(void **state)
{
	struct world *w = calloc(1, sizeof(*w));
	unsigned int n, d;

	(void)state;
	build(w);
	check(w);
	for (n = 0; n < STEPS; n++) {
		step(w);
		check(w);
	}
	/* Everyone stops decoding: nothing may stay mapped. */
	w->fx.fp.map_budget_frames = 2;
	for (d = 0; d < NR_DEVS; d++) {
		drain(w);
		vpci_write(w->assigned[d] ? w->fx.guest : w->fx.hwdom,
			   w->assigned[d] ? vsbdf_of(d) : sbdf_of(d),
			   VPCI_REG_COMMAND, 2, 0);
	}
	drain(w);
	check(w);
	assert_int_equal(w->fx.fp.nr_mappings, 0);
	printf("%u steps, %zu map/unmap calls, %u log lines, %u/%u full "
	       "checks (hwdom/guest)\n",
	       STEPS, w->fx.fp.nr_map_calls, w->fx.fp.nr_logs, full_checks[0],
	       full_checks[1]);
	for (n = 0; n < NR_EVENTS; n++)
		printf("  %5u x \"%s\"\n", event_count[n], events[n]);
	fixture_fini(&w->fx);
	free(w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(random_steps_keep_mappings_exact),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
