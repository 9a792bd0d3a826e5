/* SPDX-License-Identifier: MIT */
/*
 * Hostile header writes with memory decoding on: command, BAR and ROM
 * registers written at every width and alignment, with addresses and
 * junk, in the order an attacker likes. After every write (and the map
 * work it queued) the mappings are checked against docs/header.md:
 *  - a guest holds only host frames of its function's BARs and ROM,
 *    never those of its MSI-X table and PBA, and nothing while its
 *    command register reads memory decoding off;
 *  - the hardware domain holds, identity-mapped, only frames the
 *    hardware decodes (its BARs and enabled ROM at their addresses in the
 *    hardware, decoding on there), never the MSI-X table and PBA;
 *  - the platform never saw a double map or an unmap of an unmapped
 *    frame.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "hostile_env.h"

/* A run of host frames a domain may hold, inclusive. */
struct frame_run {
	uint64_t first, last;
};

/* The NIC's memory BARs and ROM where the hardware decodes them now
 * (decoding on in the hardware), up to 4 runs; none when it is off. The
 * hardware domain's mappings follow the hardware. */
static unsigned int hw_decoded_runs(const struct fake_fn *fn,
				    struct frame_run *runs)
{
	static const struct {
		unsigned int reg;
		bool is64;
		uint64_t size;
	} bars[] = {
		{0x10, false, 0x10000},
		{0x18, true, 0x100000},
		{0x20, true, 0x200000000ull},
	};
	unsigned int i, nr = 0;
	uint32_t rom = fake_fn_get(fn, VPCI_REG_ROM_ADDRESS, 4);

	if (!(fake_fn_get(fn, VPCI_REG_COMMAND, 2) & VPCI_CMD_MEMORY))
		return 0;
	for (i = 0; i < 3; i++) {
		uint64_t addr = fake_fn_get(fn, bars[i].reg, 4) & ~0xfull;

		if (bars[i].is64)
			addr |= (uint64_t)fake_fn_get(fn, bars[i].reg + 4, 4)
				<< 32;
		addr &= ~(bars[i].size - 1u);
		runs[nr++] = (struct frame_run){
			addr >> 12, (addr + bars[i].size - 1u) >> 12};
	}
	if (rom & VPCI_ROM_ENABLE)
		runs[nr++] = (struct frame_run){(rom & ~0x1ffffu) >> 12,
						((rom & ~0x1ffffu) >> 12) + 31};
	return nr;
}

/* The NIC's BARs and ROM where the host placed them: what a guest may
 * hold. */
static unsigned int host_runs(struct frame_run *runs)
{
	runs[0] = (struct frame_run){NIC_BAR0 >> 12, (NIC_BAR0 >> 12) + 15};
	runs[1] = (struct frame_run){NIC_BAR2 >> 12, (NIC_BAR2 >> 12) + 255};
	runs[2] = (struct frame_run){NIC_BAR4 >> 12,
				     (NIC_BAR4 >> 12) + NIC_BAR4_FRAMES - 1};
	runs[3] = (struct frame_run){NIC_ROM >> 12, (NIC_ROM >> 12) + 31};
	return 4;
}

/* Every frame of [first, last] is inside one of the runs (they may
 * overlap: walk forward through whichever covers the next frame). */
static bool covered_by(uint64_t first, uint64_t last,
		       const struct frame_run *runs, unsigned int nr)
{
	uint64_t pos = first;

	for (;;) {
		unsigned int i;
		bool moved = false;

		for (i = 0; i < nr; i++)
			if (runs[i].first <= pos && pos <= runs[i].last) {
				if (runs[i].last >= last)
					return true;
				pos = runs[i].last + 1;
				moved = true;
			}
		if (!moved)
			return false;
	}
}

/* The first of the two frames of the MSI-X table and PBA (BAR0 + 0x2000,
 * + 0x3000), which nobody gets while MSI-X is emulated: where the hardware
 * has BAR0 now. */
static uint64_t msix_frame(const struct fake_fn *fn)
{
	return ((fake_fn_get(fn, 0x10, 4) & ~0xffffu) + TABLE_OFF) >> 12;
}

static void assert_holds_only(struct fixture *e, uint32_t domid,
			      const struct frame_run *runs, unsigned int nr,
			      unsigned int step)
{
	uint64_t table = msix_frame(target_fn(e));
	size_t i;

	if (e->fp.map_violations)
		fail_msg("step %u: %s", step, e->fp.last_violation);
	for (i = 0; i < e->fp.nr_mappings; i++) {
		const struct fake_mapping *m = &e->fp.mappings[i];

		if (m->domid != domid)
			continue;
		if (domid == HW && m->gfn != m->mfn)
			fail_msg("step %u: hwdom gfn 0x%llx -> mfn 0x%llx",
				 step, (unsigned long long)m->gfn,
				 (unsigned long long)m->mfn);
		if (!covered_by(m->mfn, m->mfn + m->nr - 1u, runs, nr))
			fail_msg("step %u: domain %u holds mfn 0x%llx-0x%llx",
				 step, domid, (unsigned long long)m->mfn,
				 (unsigned long long)(m->mfn + m->nr - 1u));
		if (m->mfn <= table + 1 && table <= m->mfn + m->nr - 1u)
			fail_msg("step %u: domain %u holds the MSI-X table or "
				 "PBA (mfn 0x%llx-0x%llx)",
				 step, domid, (unsigned long long)m->mfn,
				 (unsigned long long)(m->mfn + m->nr - 1u));
	}
}

static void run_all_pending(struct vpci_domain *dom)
{
	unsigned int rounds = 0;

	while (vpci_process_pending(dom) == VPCI_ERESTART)
		assert_true(++rounds < 1024);
}

/* A value an attacker writes: an address-like one half the time (the
 * header's BARs hold addresses), a sizing pattern now and then, junk
 * otherwise. */
static uint32_t hostile_value(uint64_t *s)
{
	uint32_t r = next_rand(s);

	if (r & 1u)
		return next_rand(s) & 0xfffff000u;
	if (!(r & 6u))
		return 0xffffffffu;
	return next_rand(s) ^ next_rand(s) << 16;
}

static void check_mapping_under_fire(bool guest, uint64_t seed)
{
	struct fixture *e = new_env(guest);
	struct view v = view_of(e, guest);
	struct fake_fn *fn = target_fn(e);
	struct frame_run runs[4];
	uint64_t s = seed;
	unsigned int step, held = 0;

	if (guest) /* BARs placed, decoding on */
		program_guest_bars(e);
	view_write(e, &v, VPCI_REG_COMMAND, 2, VPCI_CMD_MEMORY);
	run_all_pending(v.dom);
	for (step = 0; step < 400; step++) {
		unsigned int size = 1u << (next_rand(&s) % 3u);
		unsigned int reg = next_rand(&s) % 0x3cu;
		uint32_t val = hostile_value(&s);
		unsigned int nr;

		/* Memory decoding on most of the time: toggled now and then. */
		if (reg <= VPCI_REG_COMMAND && reg + size > VPCI_REG_COMMAND &&
		    next_rand(&s) % 4u)
			val |= (uint32_t)VPCI_CMD_MEMORY
			       << ((VPCI_REG_COMMAND - reg) * 8u);
		view_write(e, &v, reg, size, val);
		run_all_pending(v.dom);
		if (guest) {
			nr = host_runs(runs);
			if (!(view_read(e, &v, VPCI_REG_COMMAND, 2) &
			      VPCI_CMD_MEMORY))
				nr = 0;
		} else {
			nr = hw_decoded_runs(fn, runs);
		}
		assert_holds_only(e, guest ? GUEST : HW, runs, nr, step);
		held += fake_mapped_frames(&e->fp, guest ? GUEST : HW) != 0;
	}
	/* The attack had mappings to work on most of the time. */
	assert_true(held > 200);
	view_write(e, &v, VPCI_REG_COMMAND, 2, 0);
	run_all_pending(v.dom);
	free_env(e);
}

static void guest_holds_only_its_frames_under_any_width(void **state)
{
	(void)state;
	check_mapping_under_fire(true, 7);
	check_mapping_under_fire(true, 0xfeed);
}

static void hwdom_holds_only_decoded_frames_under_any_width(void **state)
{
	(void)state;
	check_mapping_under_fire(false, 8);
	check_mapping_under_fire(false, 0xf00d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(guest_holds_only_its_frames_under_any_width),
		cmocka_unit_test(
			hwdom_holds_only_decoded_frames_under_any_width),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
