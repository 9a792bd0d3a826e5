/* SPDX-License-Identifier: MIT */
/*
 * Capability lists (src/core/caps.c) and the emulators that are not about
 * interrupts (cap_pcie.c, cap_pm.c, cap_rebar.c): the bounded walk over
 * broken lists, each owner's view of the lists, and what a guest may and
 * may not change. MSI and MSI-X are in test_msi.c.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "caps_env.h"

/* ---------------------------------------------------------------- walk */

struct visits {
	unsigned int pos[64];
	unsigned int nr;
};

static int record(void *arg, unsigned int pos, uint32_t header)
{
	struct visits *v = arg;

	(void)header;
	if (v->nr < 64)
		v->pos[v->nr++] = pos;
	return 0;
}

static struct fake_fn *bare_fn(struct fixture *e)
{
	struct fake_fn *fn = fake_fn_add(&e->fp, DEV);

	fake_fn_set_header(fn, 0x8086, 0x1000, VPCI_HEADER_TYPE_NORMAL);
	fake_fn_set(fn, VPCI_REG_STATUS, 2, VPCI_STATUS_CAP_LIST);
	return fn;
}

static enum vpci_cap_walk_end walk(struct fixture *e, bool ext, struct visits *v,
				   unsigned int *logs)
{
	unsigned int before = e->fp.nr_logs, nr = 0;
	enum vpci_cap_walk_end end;

	memset(v, 0, sizeof(*v));
	end = vpci_cap_walk(e->host, DEV, ext, record, v, &nr);
	assert_int_equal(nr, v->nr);
	*logs = e->fp.nr_logs - before;
	return end;
}

static void walk_stops_at_a_cycle_with_one_warning(void **state)
{
	struct fixture *e = *state;
	struct fake_fn *fn = bare_fn(e);
	struct visits v;
	unsigned int logs;

	fake_fn_set(fn, VPCI_REG_CAP_PTR, 1, 0x40);
	set_cap(fn, 0x40, VPCI_CAP_ID_PM, 0x50);
	set_cap(fn, 0x50, VPCI_CAP_ID_MSI, 0x40);
	assert_int_equal(walk(e, false, &v, &logs), VPCI_CAP_WALK_CYCLE);
	assert_int_equal(v.nr, 2);
	assert_int_equal(logs, 1);
	assert_true(fake_log_contains(&e->fp, "capability list broken"));
}

static void walk_stops_at_a_pointer_into_the_header(void **state)
{
	struct fixture *e = *state;
	struct fake_fn *fn = bare_fn(e);
	struct visits v;
	unsigned int logs;

	fake_fn_set(fn, VPCI_REG_CAP_PTR, 1, 0x40);
	set_cap(fn, 0x40, VPCI_CAP_ID_PM, 0x10);
	assert_int_equal(walk(e, false, &v, &logs), VPCI_CAP_WALK_INTO_HDR);
	assert_int_equal(v.nr, 1);
	assert_int_equal(logs, 1);
}

/* PCI 3.0 6.7: the reserved low two bits are masked, not followed. */
static void walk_masks_reserved_pointer_bits(void **state)
{
	struct fixture *e = *state;
	struct fake_fn *fn = bare_fn(e);
	struct visits v;
	unsigned int logs;

	fake_fn_set(fn, VPCI_REG_CAP_PTR, 1, 0x43);
	set_cap(fn, 0x40, VPCI_CAP_ID_PM, 0x52);
	set_cap(fn, 0x50, VPCI_CAP_ID_MSI, 0);
	assert_int_equal(walk(e, false, &v, &logs), VPCI_CAP_WALK_DONE);
	assert_int_equal(v.nr, 2);
	assert_int_equal(v.pos[0], 0x40);
	assert_int_equal(v.pos[1], 0x50);
	assert_int_equal(logs, 0);
}

static void walk_stops_at_an_all_ones_header(void **state)
{
	struct fixture *e = *state;
	struct fake_fn *fn = bare_fn(e);
	struct visits v;
	unsigned int logs;

	fake_fn_set(fn, VPCI_REG_CAP_PTR, 1, 0x40);
	set_cap(fn, 0x40, VPCI_CAP_ID_PM, 0xf0);
	fake_fn_set(fn, 0xf0, 2, 0xffff);
	assert_int_equal(walk(e, false, &v, &logs), VPCI_CAP_WALK_BAD_HEADER);
	assert_int_equal(v.nr, 1);
	assert_int_equal(logs, 1);
}

/* The longest possible standard list: every dword from 0x40 to 0xfc. */
static void walk_follows_a_full_standard_list(void **state)
{
	struct fixture *e = *state;
	struct fake_fn *fn = bare_fn(e);
	struct visits v;
	unsigned int logs, pos;

	fake_fn_set(fn, VPCI_REG_CAP_PTR, 1, 0xfc);
	for (pos = 0x40; pos < 0x100; pos += 4)
		set_cap(fn, pos, VPCI_CAP_ID_VENDOR, pos == 0x40 ? 0 : pos - 4);
	assert_int_equal(walk(e, false, &v, &logs), VPCI_CAP_WALK_DONE);
	assert_int_equal(v.nr, VPCI_CAP_STD_MAX);
	assert_int_equal(logs, 0);
}

static void extended_walk_stops_at_cycles_and_pointers_below_0x100(void **state)
{
	struct fixture *e = *state;
	struct fake_fn *fn = bare_fn(e);
	struct visits v;
	unsigned int logs;

	fake_fn_set(fn, 0x100, 4, 0x0001u | 0x1u << 16 | 0x200u << 20);
	fake_fn_set(fn, 0x200, 4, 0x000bu | 0x100u << 20);
	assert_int_equal(walk(e, true, &v, &logs), VPCI_CAP_WALK_CYCLE);
	assert_int_equal(v.nr, 2);
	assert_int_equal(logs, 1);
	fake_fn_set(fn, 0x200, 4, 0x000bu | 0x080u << 20);
	assert_int_equal(walk(e, true, &v, &logs), VPCI_CAP_WALK_INTO_HDR);
	assert_int_equal(logs, 1);
	/* No extended space at all: nothing, silently. */
	fake_fn_set(fn, 0x100, 4, 0xffffffffu);
	assert_int_equal(walk(e, true, &v, &logs), VPCI_CAP_WALK_DONE);
	assert_int_equal(v.nr, 0);
	assert_int_equal(logs, 0);
}

/* ------------------------------------------------------------ the views */

/* Follow the standard list as dom reads it; returns the IDs in order. */
static unsigned int read_list(struct vpci_domain *dom, vpci_sbdf_t sbdf,
			      unsigned int *ids, unsigned int *pos_out)
{
	unsigned int pos, n = 0;

	if (!(vpci_read(dom, sbdf, VPCI_REG_STATUS, 2) & VPCI_STATUS_CAP_LIST))
		return 0;
	pos = vpci_read(dom, sbdf, VPCI_REG_CAP_PTR, 1);
	while (pos && n < 48) {
		uint32_t hdr = vpci_read(dom, sbdf, pos, 2);

		assert_true(pos >= 0x40 && pos < 0x100 && !(pos & 3));
		ids[n] = hdr & 0xff;
		if (pos_out)
			pos_out[n] = pos;
		n++;
		pos = hdr >> 8;
	}
	assert_int_equal(pos, 0); /* no cycle */
	return n;
}

static void guest_sees_pm_pcie_msi_msix_linked_and_nothing_else(void **state)
{
	struct fixture *e = *state;
	unsigned int ids[48], pos[48];

	add_capable_nic(e, 0);
	assign(e);
	assert_int_equal(read_list(e->guest, VDEV, ids, pos), 4);
	assert_int_equal(ids[0], VPCI_CAP_ID_PM);
	assert_int_equal(ids[1], VPCI_CAP_ID_EXP);
	assert_int_equal(ids[2], VPCI_CAP_ID_MSI);
	assert_int_equal(ids[3], VPCI_CAP_ID_MSIX);
	assert_int_equal(pos[1], EXP_POS);
	/* The vendor capability's bytes are not there for it. */
	assert_int_equal(gr(e, VNDR_POS, 4), 0);
	/* No extended capability exposed: 0 at 0x100 (AER, ReBAR hidden). */
	assert_int_equal(gr(e, 0x100, 4), 0);
	assert_int_equal(gr(e, REBAR_POS + 8, 4), 0);
}

static void hwdom_list_reads_as_on_hardware(void **state)
{
	struct fixture *e = *state;
	struct fake_fn *fn = add_capable_nic(e, 0);
	unsigned int ids[48], pos;

	assert_int_equal(read_list(e->hwdom, DEV, ids, NULL), 5);
	assert_int_equal(ids[1], VPCI_CAP_ID_VENDOR);
	for (pos = 0x40; pos < 0x100; pos += 2)
		if (pos != MSI_POS + 2 && pos != MSIX_POS + 2)
			assert_int_equal(hw_read(e, pos, 2),
					 fake_fn_get(fn, pos, 2));
	assert_int_equal(hw_read(e, 0x100, 4), fake_fn_get(fn, 0x100, 4));
	assert_int_equal(hw_read(e, REBAR_POS + 4, 4), 0x1ff0);
}

static void guest_without_interrupt_hooks_sees_no_msi(void **state)
{
	struct fixture *e = *state;
	unsigned int ids[48];

	(void)state;
	/* The header tests' host: no hooks. */
	e->fp.ops.msi_update = NULL;
	e->fp.ops.msi_disable = NULL;
	vpci_host_destroy(e->host);
	assert_int_equal(vpci_host_create(&e->fp.ops, &e->fp, 0, &e->host), 0);
	assert_int_equal(vpci_host_caps(e->host) &
				 (VPCI_CAP_MSI | VPCI_CAP_MSIX),
			 0);
	{
		struct vpci_domain_config g = {.domid = GUEST,
					       .kind = VPCI_DOMAIN_GUEST,
					       .flags = VPCI_DOMAIN_F_VPCI,
					       .msi = VPCI_TRI_YES};
		const char *why = NULL;

		assert_int_equal(vpci_domain_create(e->host, &g, &e->guest,
						    &why),
				 VPCI_ENOTSUP);
		assert_non_null(strstr(why, "MSI"));
		g.msi = VPCI_TRI_DEFAULT;
		assert_int_equal(vpci_domain_create(e->host, &g, &e->guest,
						    NULL),
				 0);
	}
	e->hwdom = NULL;
	add_capable_nic(e, 0);
	assign(e);
	assert_int_equal(read_list(e->guest, VDEV, ids, NULL), 2);
	assert_int_equal(ids[0], VPCI_CAP_ID_PM);
	assert_int_equal(ids[1], VPCI_CAP_ID_EXP);
	assert_int_equal(gr(e, EXP_POS, 2) >> 8, 0); /* end of the list */
}

static void guest_with_nothing_emulated_sees_no_list(void **state)
{
	struct fixture *e = *state;
	struct fake_fn *fn = add_nic_fn(e, DEV, 0);

	fake_fn_set(fn, VPCI_REG_STATUS, 2, VPCI_STATUS_CAP_LIST);
	fake_fn_set(fn, VPCI_REG_CAP_PTR, 1, VNDR_POS);
	set_cap(fn, VNDR_POS, VPCI_CAP_ID_VENDOR, 0);
	assert_int_equal(vpci_device_add(e->host, DEV), 0);
	assign(e);
	assert_int_equal(gr(e, VPCI_REG_STATUS, 2) & VPCI_STATUS_CAP_LIST, 0);
	assert_int_equal(gr(e, VPCI_REG_CAP_PTR, 1), 0);
}

/* A list longer than most: twenty vendor capabilities, then PCI Express
 * and PM. The two at its end are emulated as in a short list. */
static void guest_sees_capabilities_past_a_long_list(void **state)
{
	struct fixture *e = *state;
	struct fake_fn *fn = add_nic_fn(e, DEV, 0);
	unsigned int ids[48], pos[48], p;

	fake_fn_set(fn, VPCI_REG_STATUS, 2, VPCI_STATUS_CAP_LIST);
	fake_fn_set(fn, VPCI_REG_CAP_PTR, 1, 0x40);
	for (p = 0x40; p < 0x90; p += 4)
		set_cap(fn, p, VPCI_CAP_ID_VENDOR, p + 4);
	set_cap(fn, 0x90, VPCI_CAP_ID_EXP, 0xd0);
	fake_fn_set(fn, 0x90 + 2, 2, 0x0002); /* v2 endpoint */
	set_cap(fn, 0xd0, VPCI_CAP_ID_PM, 0);
	fake_fn_set(fn, 0xd0 + 2, 2, 0x0003);
	assert_int_equal(vpci_device_add(e->host, DEV), 0);
	assert_int_equal(read_list(e->hwdom, DEV, ids, NULL), 22);
	assign(e);
	assert_int_equal(read_list(e->guest, VDEV, ids, pos), 2);
	assert_int_equal(ids[0], VPCI_CAP_ID_EXP);
	assert_int_equal(pos[0], 0x90);
	assert_int_equal(ids[1], VPCI_CAP_ID_PM);
	assert_int_equal(pos[1], 0xd0);
}

/*
 * A list too long for the walk's first collection is read again into room
 * allocated for that walk. With each allocation of an assignment failing
 * in turn, one at a time, the assignment fails with VPCI_ENOMEM and leaves
 * the guest without the function (the fixture's teardown finds any leak),
 * until it succeeds with the whole list.
 */
static void long_list_assignment_fails_cleanly_at_each_allocation(void **state)
{
	struct fixture *e = *state;
	struct fake_fn *fn = add_nic_fn(e, DEV, 0);
	unsigned int ids[48], p;
	long k;
	int rc = VPCI_ENOMEM;

	fake_fn_set(fn, VPCI_REG_STATUS, 2, VPCI_STATUS_CAP_LIST);
	fake_fn_set(fn, VPCI_REG_CAP_PTR, 1, 0x40);
	for (p = 0x40; p < 0x90; p += 4)
		set_cap(fn, p, VPCI_CAP_ID_VENDOR, p + 4);
	set_cap(fn, 0x90, VPCI_CAP_ID_PM, 0);
	fake_fn_set(fn, 0x90 + 2, 2, 0x0003);
	assert_int_equal(vpci_device_add(e->host, DEV), 0);
	for (k = 0; rc == VPCI_ENOMEM; k++) {
		assert_true(k < 64);
		e->fp.fail_alloc_at = e->fp.nr_alloc_calls + k;
		rc = vpci_assign_device(e->guest, DEV, VDEV, NULL);
		e->fp.fail_alloc_at = -1;
		if (rc == VPCI_ENOMEM)
			assert_int_equal(gr(e, VPCI_REG_VENDOR_ID, 4),
					 0xffffffffu);
	}
	assert_int_equal(rc, 0);
	assert_int_equal(read_list(e->guest, VDEV, ids, NULL), 1);
	assert_int_equal(ids[0], VPCI_CAP_ID_PM);
}

/* ----------------------------------------------------- PCI Express, PM */

static void guest_pcie_capability_shows_hardware_without_slot_or_flr(
	void **state)
{
	struct fixture *e = *state;
	struct fake_fn *fn = add_capable_nic(e, 0);

	assign(e);
	assert_int_equal(gr(e, EXP_POS + 2, 2), 0x0002); /* v2, no slot */
	assert_int_equal(gr(e, EXP_POS + 4, 4), 0x00008fc2);
	assert_int_equal(gr(e, EXP_POS + 0xc, 4), 0x0047cc43);
	assert_int_equal(gr(e, EXP_POS + 0x24, 4), 0x00000810);
	/* Slot and root registers are not a guest's. */
	assert_int_equal(gr(e, EXP_POS + 0x14, 4), 0);
	(void)fn;
}

static void guest_pcie_control_only_safe_bits_reach_hardware(void **state)
{
	struct fixture *e = *state;
	struct fake_fn *fn = add_capable_nic(e, 0);
	unsigned int devctl = EXP_POS + 8;

	assign(e);
	/* MRRS 128, MPS 256, error reporting on, FLR. */
	gw(e, devctl, 2, 0x8000 | 0x0020 | 0x000f);
	assert_int_equal(fake_fn_get(fn, devctl, 2), 0x0810);
	assert_int_equal(gr(e, devctl, 2), 0x0810 | 0x000f);
	/* ASPM off, link disable, retrain: dropped. */
	gw(e, EXP_POS + 0x10, 2, 0x0030);
	assert_int_equal(fake_fn_get(fn, EXP_POS + 0x10, 2), 0x0040);
	assert_int_equal(gr(e, EXP_POS + 0x10, 2), 0x0040);
	/* Device status error bits clear in hardware (RW1C). */
	fake_fn_set(fn, EXP_POS + 0xa, 2, 0x0009);
	gw(e, EXP_POS + 0xa, 2, 0x0001);
	assert_int_equal(fake_fn_get(fn, EXP_POS + 0xa, 2), 0x0008);
}

/*
 * Device Control and Status are one dword register for a guest: a byte
 * of control changes only that byte, status error bits clear only where
 * a 1 is written in the written bytes, a dword does both.
 */
static void guest_pcie_control_status_partial_writes(void **state)
{
	struct fixture *e = *state;
	struct fake_fn *fn = add_capable_nic(e, 0);
	unsigned int devctl = EXP_POS + 8, devsta = EXP_POS + 0xa;

	assign(e);
	gw(e, devctl, 2, 0x0810 | 0x000f); /* MRRS 128, errors reported */
	fake_fn_set(fn, devsta, 2, 0x0009);
	assert_int_equal(gr(e, devctl, 4), 0x0009u << 16 | 0x0810 | 0x000f);
	/* The high byte of control: MRRS 512 reaches the hardware; the low
	 * byte's latched error enables stay. */
	gw(e, devctl + 1, 1, 0x28);
	assert_int_equal(fake_fn_get(fn, devctl, 2), 0x2810);
	assert_int_equal(gr(e, devctl, 2), 0x2810 | 0x000f);
	/* The low byte: the error enables go, MRRS stays. */
	gw(e, devctl, 1, 0x00);
	assert_int_equal(gr(e, devctl, 2), 0x2810);
	assert_int_equal(fake_fn_get(fn, devctl, 2), 0x2810);
	/* Control bytes leave status alone, ones included. */
	assert_int_equal(fake_fn_get(fn, devsta, 2), 0x0009);
	/* Status low byte: only the bit written as 1 clears. */
	gw(e, devsta, 1, 0x08);
	assert_int_equal(fake_fn_get(fn, devsta, 2), 0x0001);
	/* A dword: control as written (MRRS 128), status bit 0 cleared. */
	gw(e, devctl, 4, 0x0001u << 16 | 0x0810 | 0x0001);
	assert_int_equal(fake_fn_get(fn, devsta, 2), 0);
	assert_int_equal(fake_fn_get(fn, devctl, 2), 0x0810);
	assert_int_equal(gr(e, devctl, 4), 0x0810 | 0x0001);
}

static void guest_pm_keeps_the_device_in_d0(void **state)
{
	struct fixture *e = *state;
	struct fake_fn *fn = add_capable_nic(e, 0);
	unsigned int pmcsr = PM_POS + 4;

	fake_fn_set(fn, pmcsr, 2, 0x0003); /* left in D3hot */
	vpci_deassign_device(e->guest, DEV, NULL);
	assign(e);
	assert_int_equal(fake_fn_get(fn, pmcsr, 2) & 3, 0);
	/* Only D0 and D3hot, no PME. */
	assert_int_equal(gr(e, PM_POS + 2, 2), 0x0003);
	assert_int_equal(gr(e, pmcsr, 2), 0x0008);
	gw(e, pmcsr, 2, 0x0103);
	assert_int_equal(gr(e, pmcsr, 2), 0x000b);
	assert_int_equal(fake_fn_get(fn, pmcsr, 2), 0);
	gw(e, pmcsr, 2, 0x0001); /* D1: not supported, discarded */
	assert_int_equal(gr(e, pmcsr, 2), 0x000b);
	gw(e, pmcsr, 2, 0x0000);
	assert_int_equal(gr(e, pmcsr, 2), 0x0008);
}

/* -------------------------------------------------------- resizable BAR */

static void hwdom_rebar_refused_while_decoding_or_unsupported(void **state)
{
	struct fixture *e = *state;
	struct fake_fn *fn = add_capable_nic(e, VPCI_CMD_MEMORY);
	unsigned int ctrl = REBAR_POS + 8;

	hw_write(e, ctrl, 4, 1u << 8); /* 2 MB, decoding on */
	assert_int_equal((fake_fn_get(fn, ctrl, 4) >> 8) & 0x3f, 0);
	assert_true(fake_log_contains(&e->fp, "memory decoding is on"));
	hw_write(e, VPCI_REG_COMMAND, 2, 0);
	hw_write(e, ctrl, 4, 9u << 8); /* 512 MB: not listed */
	assert_int_equal((fake_fn_get(fn, ctrl, 4) >> 8) & 0x3f, 0);
	assert_true(fake_log_contains(&e->fp, "not supported"));
}

static void hwdom_rebar_resize_changes_what_maps(void **state)
{
	struct fixture *e = *state;
	struct fake_fn *fn = add_capable_nic(e, 0);
	unsigned int ctrl = REBAR_POS + 8;

	hw_write(e, ctrl, 4, 2u << 8); /* 4 MB */
	assert_int_equal((fake_fn_get(fn, ctrl, 4) >> 8) & 0x3f, 2);
	/* The hardware now decodes 4 MB: emulate that in the fake. */
	fake_fn_set_wmask(fn, 0x18, 4, ~(0x400000u - 1u) & ~0xfu);
	hw_write(e, VPCI_REG_COMMAND, 2, VPCI_CMD_MEMORY);
	assert_mapped(e, HW, NIC_BAR2 >> 12, NIC_BAR2 >> 12, 0x400);
	hw_write(e, VPCI_REG_COMMAND, 2, 0);
	assert_unmapped(e, HW, NIC_BAR2 >> 12, 0x400);
}

static void guest_never_sees_rebar(void **state)
{
	struct fixture *e = *state;

	add_capable_nic(e, 0);
	assign(e);
	assert_false(vpci_caps_visible(vpci_domain_lookup(e->guest, VDEV),
				       0x15, true));
	gw(e, REBAR_POS + 8, 4, 2u << 8);
	assert_int_equal(gr(e, REBAR_POS + 8, 4), 0);
}

/* Every aligned dword a domain reads with one 4-byte access (the entry
 * points' fast path) against the four bytes read one by one (the general
 * path), and against ECAM's 4-byte access. */
static void dwords_match_their_bytes(struct fixture *e, struct vpci_domain *dom,
				     vpci_sbdf_t sbdf, uint64_t ecam)
{
	unsigned int off, i;

	for (off = 0; off < 0x1000; off += 4) {
		uint32_t bytes = 0;
		uint64_t via_ecam = 0;

		for (i = 0; i < 4; i++)
			bytes |= vpci_read(dom, sbdf, off + i, 1) << (i * 8);
		if (vpci_read(dom, sbdf, off, 4) != bytes)
			fail_msg("0x%x: dword 0x%x, bytes 0x%x", off,
				 vpci_read(dom, sbdf, off, 4), bytes);
		assert_int_equal(vpci_ecam_read(dom, ecam + off, 4, &via_ecam), 0);
		assert_int_equal(via_ecam, bytes);
	}
	(void)e;
}

static void dword_reads_agree_with_byte_reads_in_both_views(void **state)
{
	struct fixture *e = *state;
	const uint64_t hw_ecam = 0xe0000000ull, g_ecam = 0x30000000ull;

	add_capable_nic(e, VPCI_CMD_MEMORY);
	assert_int_equal(vpci_domain_add_ecam(e->hwdom, hw_ecam, 0, 0, 255,
					      NULL),
			 0);
	dwords_match_their_bytes(e, e->hwdom, DEV,
				 hw_ecam + ((uint64_t)VPCI_SBDF_BDF(DEV) << 12));
	assign(e);
	assert_int_equal(vpci_domain_add_ecam(e->guest, g_ecam, 0, 0, 0, NULL),
			 0);
	dwords_match_their_bytes(e, e->guest, VDEV,
				 g_ecam + ((uint64_t)VPCI_SBDF_BDF(VDEV) << 12));
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, fixture_setup_hwdom_guest_irq, fixture_teardown)
	const struct CMUnitTest tests[] = {
		T(walk_stops_at_a_cycle_with_one_warning),
		T(walk_stops_at_a_pointer_into_the_header),
		T(walk_masks_reserved_pointer_bits),
		T(walk_stops_at_an_all_ones_header),
		T(walk_follows_a_full_standard_list),
		T(extended_walk_stops_at_cycles_and_pointers_below_0x100),
		T(guest_sees_pm_pcie_msi_msix_linked_and_nothing_else),
		T(hwdom_list_reads_as_on_hardware),
		T(guest_without_interrupt_hooks_sees_no_msi),
		T(guest_with_nothing_emulated_sees_no_list),
		T(guest_sees_capabilities_past_a_long_list),
		T(long_list_assignment_fails_cleanly_at_each_allocation),
		T(guest_pcie_capability_shows_hardware_without_slot_or_flr),
		T(guest_pcie_control_only_safe_bits_reach_hardware),
		T(guest_pcie_control_status_partial_writes),
		T(guest_pm_keeps_the_device_in_d0),
		T(hwdom_rebar_refused_while_decoding_or_unsupported),
		T(hwdom_rebar_resize_changes_what_maps),
		T(guest_never_sees_rebar),
		T(dword_reads_agree_with_byte_reads_in_both_views),
	};
#undef T
	return cmocka_run_group_tests(tests, NULL, NULL);
}
