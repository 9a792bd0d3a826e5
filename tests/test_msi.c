/* SPDX-License-Identifier: MIT */
/*
 * MSI and MSI-X emulation (cap_msi.c, cap_msix.c, msix_mmio.c): the
 * sequences Linux uses to program them, with the platform's msi_update /
 * msi_disable calls asserted one by one, the trapped table and PBA
 * accesses of every size and alignment, and registers sharing the
 * table's frame.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "caps_env.h"

#define MSI_CTRL (MSI_POS + 2)
#define MSI_ADDR (MSI_POS + 4)
#define MSI_ADDR_HI (MSI_POS + 8)
#define MSI_DATA (MSI_POS + 0xc)
#define MSI_MASK (MSI_POS + 0x10)
#define MSIX_CTRL (MSIX_POS + 2)
#define X_ENABLE 0x8000u
#define X_FMASK 0x4000u

/* ----------------------------------------------------------------- MSI */

/* Linux msi_capability_init(): mask all, write the message, enable with
 * the vector count, then unmask as each vector is requested. */
static void msi_linux_sequence_binds_exactly_what_is_live(void **state)
{
	struct fixture *e = *state;
	struct fake_fn *fn = add_capable_nic(e, 0);

	assign(e);
	assert_int_equal(gr(e, MSI_CTRL, 2), 0x0184);
	gw(e, MSI_MASK, 4, 0xf);
	gw(e, MSI_ADDR, 4, 0xfee00000);
	gw(e, MSI_ADDR_HI, 4, 0);
	gw(e, MSI_DATA, 2, 0x4020);
	gw(e, MSI_CTRL, 2, 0x0184 | 2u << 4 | 1u); /* 4 vectors */
	assert_int_equal(e->fp.nr_irq_calls, 0);
	assert_int_equal(fake_fn_get(fn, MSI_CTRL, 2) & 0x71, 0x21);
	assert_int_equal(fake_fn_get(fn, MSI_MASK, 4), 0xf);
	/* Nothing of the guest's message reaches the device. */
	assert_int_equal(fake_fn_get(fn, MSI_ADDR, 4), 0);
	assert_int_equal(gr(e, MSI_CTRL, 2), 0x01a5);

	gw(e, MSI_MASK, 4, 0xc); /* unmask vectors 0 and 1 */
	assert_int_equal(e->fp.nr_irq_calls, 2);
	assert_bound(e, 0, 0, 0xfee00000, 0x4020);
	assert_bound(e, 1, 1, 0xfee00000, 0x4021);
	assert_int_equal(irq_call(e, 0)->domid, GUEST);
	assert_int_equal(irq_call(e, 0)->sbdf, DEV);
	assert_int_equal(fake_fn_get(fn, MSI_MASK, 4), 0xc);

	gw(e, MSI_MASK, 4, 0xd); /* mask vector 0 */
	assert_int_equal(e->fp.nr_irq_calls, 3);
	assert_unbound(e, 2, 0);

	gw(e, MSI_DATA, 2, 0x4030); /* a live message moves: rebind */
	assert_int_equal(e->fp.nr_irq_calls, 4);
	assert_bound(e, 3, 1, 0xfee00000, 0x4031);

	gw(e, MSI_CTRL, 2, 0); /* disable */
	assert_int_equal(e->fp.nr_irq_calls, 5);
	assert_unbound(e, 4, 1);
	assert_int_equal(fake_fn_get(fn, MSI_CTRL, 2) & 1, 0);
}

/*
 * A capability's header and control are one dword register: reads show
 * both, header bytes ignore writes, and a write of any size or offset
 * reaches control's bytes only, each as written.
 */
static void msi_header_and_control_dword(void **state)
{
	struct fixture *e = *state;
	struct fake_fn *fn = add_capable_nic(e, 0);

	assign(e);
	gw(e, MSI_ADDR, 4, 0xfee00000);
	assert_int_equal(gr(e, MSI_POS, 4),
			 0x0184u << 16 | MSIX_POS << 8 | VPCI_CAP_ID_MSI);
	/* The header's bytes are read-only. */
	gw(e, MSI_POS, 2, 0xffff);
	gw(e, MSI_POS + 1, 1, 0);
	assert_int_equal(gr(e, MSI_POS, 2), MSIX_POS << 8 | VPCI_CAP_ID_MSI);
	/* Two bytes over the header's second and control's first byte:
	 * only control's (enable, 4 vectors) take. */
	gw(e, MSI_POS + 1, 2, (2u << 4 | 1u) << 8 | 0x77);
	assert_int_equal(gr(e, MSI_POS, 4),
			 0x01a5u << 16 | MSIX_POS << 8 | VPCI_CAP_ID_MSI);
	assert_int_equal(fake_fn_get(fn, MSI_CTRL, 2) & 0x71, 0x21);
	assert_int_equal(e->fp.nr_irq_calls, 4);
	/* Control's high byte alone: its low byte (enable) stays. */
	gw(e, MSI_CTRL + 1, 1, 0xff);
	assert_int_equal(gr(e, MSI_CTRL, 2), 0x01a5);
	/* A dword: the header bytes dropped, control disabled. */
	gw(e, MSI_POS, 4, 0x0184u << 16 | 0xffff);
	assert_int_equal(gr(e, MSI_POS, 4),
			 0x0184u << 16 | MSIX_POS << 8 | VPCI_CAP_ID_MSI);
	assert_int_equal(fake_fn_get(fn, MSI_CTRL, 2) & 0x71, 0);
	assert_int_equal(e->fp.nr_irq_calls, 8);
}

static void msi_vector_count_is_clamped_to_what_the_device_has(void **state)
{
	struct fixture *e = *state;

	add_capable_nic(e, 0);
	assign(e);
	gw(e, MSI_ADDR, 4, 0xfee00004);
	gw(e, MSI_DATA, 2, 0x0041);
	gw(e, MSI_CTRL, 2, 7u << 4 | 1u); /* asks for 128 */
	assert_int_equal((gr(e, MSI_CTRL, 2) >> 4) & 7, 2);
	assert_int_equal(e->fp.nr_irq_calls, 4);
	/* Data low bits carry the vector; address bits 1:0 are reserved. */
	assert_bound(e, 0, 0, 0xfee00004, 0x0040);
	assert_bound(e, 3, 3, 0xfee00004, 0x0043);
	assert_int_equal(gr(e, MSI_ADDR, 4), 0xfee00004);
}

static void msi_enabled_forces_intx_off(void **state)
{
	struct fixture *e = *state;
	struct fake_fn *fn = add_capable_nic(e, 0);

	assign(e);
	gw(e, MSI_CTRL, 2, 1);
	gw(e, VPCI_REG_COMMAND, 2, VPCI_CMD_MASTER);
	assert_true(fake_fn_get(fn, VPCI_REG_COMMAND, 2) &
		    VPCI_CMD_INTX_DISABLE);
}

static void msi_refused_by_the_platform_stays_unbound(void **state)
{
	struct fixture *e = *state;

	add_capable_nic(e, 0);
	assign(e);
	e->fp.msi_update_error = VPCI_ENOSPC;
	gw(e, MSI_CTRL, 2, 1);
	assert_int_equal(e->fp.nr_irq_calls, 1);
	assert_true(fake_log_contains(&e->fp, "refused vector 0"));
	e->fp.msi_update_error = 0;
	gw(e, MSI_CTRL, 2, 0);
	/* Never bound, so never unbound. */
	assert_int_equal(e->fp.nr_irq_calls, 1);
}

/* An MSI capability running past 0xff cannot be emulated: the hardware
 * domain must not reach it raw, so the device becomes read-only. */
static void msi_cut_short_makes_hwdom_device_readonly(void **state)
{
	struct fixture *e = *state;
	struct fake_fn *fn = add_nic_fn(e, DEV, 0);

	fake_fn_set(fn, VPCI_REG_STATUS, 2, VPCI_STATUS_CAP_LIST);
	fake_fn_set(fn, VPCI_REG_CAP_PTR, 1, 0xf0);
	set_cap(fn, 0xf0, VPCI_CAP_ID_MSI, 0);
	fake_fn_set(fn, 0xf2, 2, 0x0180); /* 64-bit, masking: 0x18 bytes */
	assert_int_equal(vpci_device_add(e->host, DEV), 0);
	assert_true(vpci_device_is_readonly(e->host, DEV));
	assert_true(fake_log_contains(&e->fp, "runs past 0xff"));
}

/* --------------------------------------------------------------- MSI-X */

#define G_TABLE (G_BAR0 + TABLE_OFF)
#define G_PBA (G_BAR0 + PBA_OFF)

static void guest_places_bar0(struct fixture *e)
{
	gw(e, 0x10, 4, (uint32_t)G_BAR0);
	gw(e, VPCI_REG_COMMAND, 2, VPCI_CMD_MEMORY | VPCI_CMD_MASTER);
}

static uint64_t xr(struct fixture *e, uint64_t gpa, unsigned int size)
{
	uint64_t v = 0;

	assert_int_equal(vpci_msix_read(e->guest, gpa, size, &v), 0);
	return v;
}

static void xw(struct fixture *e, uint64_t gpa, unsigned int size, uint64_t v)
{
	assert_int_equal(vpci_msix_write(e->guest, gpa, size, v), 0);
}

static uint64_t entry(unsigned int i, unsigned int field)
{
	return G_TABLE + 16u * i + field;
}

/* Linux msix_capability_init(): enable with the function masked, program
 * every entry masked, drop the function mask, unmask on request_irq. */
static void msix_linux_sequence_binds_on_unmask(void **state)
{
	struct fixture *e = *state;
	struct fake_fn *fn = add_capable_nic(e, 0);
	unsigned int i;

	assign(e);
	guest_places_bar0(e);
	assert_int_equal(gr(e, MSIX_CTRL, 2), NR_ENTRIES - 1u);
	gw(e, MSIX_CTRL, 2, X_ENABLE | X_FMASK);
	assert_int_equal(fake_fn_get(fn, MSIX_CTRL, 2) & 0xc000, 0xc000);
	for (i = 0; i < NR_ENTRIES; i++) {
		assert_int_equal(xr(e, entry(i, 12), 4), 1); /* reset: masked */
		xw(e, entry(i, 0), 4, 0xfee00000u + (i << 12));
		xw(e, entry(i, 4), 4, 0);
		xw(e, entry(i, 8), 4, 0x4000u + i);
	}
	gw(e, MSIX_CTRL, 2, X_ENABLE);
	assert_int_equal(e->fp.nr_irq_calls, 0);
	assert_int_equal(fake_fn_get(fn, MSIX_CTRL, 2) & 0xc000, X_ENABLE);

	xw(e, entry(2, 12), 4, 0);
	assert_int_equal(e->fp.nr_irq_calls, 1);
	assert_bound(e, 0, 2, 0xfee02000, 0x4002);
	assert_int_equal(irq_call(e, 0)->domid, GUEST);
	xw(e, entry(0, 12), 4, 0xfffffffe); /* reserved bits: ignored */
	assert_bound(e, 1, 0, 0xfee00000, 0x4000);
	assert_int_equal(xr(e, entry(0, 12), 4), 0);

	gw(e, MSIX_CTRL, 2, X_ENABLE | X_FMASK); /* function mask */
	assert_int_equal(e->fp.nr_irq_calls, 4);
	assert_unbound(e, 2, 0);
	assert_unbound(e, 3, 2);
	gw(e, MSIX_CTRL, 2, X_ENABLE);
	assert_int_equal(e->fp.nr_irq_calls, 6);
	xw(e, entry(2, 12), 4, 1);
	assert_unbound(e, 6, 2);
	gw(e, MSIX_CTRL, 2, 0);
	assert_unbound(e, 7, 0);
	assert_int_equal(e->fp.nr_irq_calls, 8);
	assert_int_equal(fake_fn_get(fn, MSIX_CTRL, 2) & 0xc000, 0);
}

/* A message written while the entry is live waits for the next unmask,
 * so a half-written address is never bound. */
static void msix_message_change_while_live_applies_on_unmask(void **state)
{
	struct fixture *e = *state;

	add_capable_nic(e, 0);
	assign(e);
	guest_places_bar0(e);
	gw(e, MSIX_CTRL, 2, X_ENABLE);
	xw(e, entry(1, 0), 4, 0xfee00000);
	xw(e, entry(1, 8), 4, 0x30);
	xw(e, entry(1, 12), 4, 0);
	assert_int_equal(e->fp.nr_irq_calls, 1);
	xw(e, entry(1, 0), 4, 0xfee01000);
	assert_int_equal(e->fp.nr_irq_calls, 1);
	xw(e, entry(1, 12), 4, 1);
	xw(e, entry(1, 12), 4, 0);
	assert_bound(e, 2, 1, 0xfee01000, 0x30);
}

static void msix_qword_accesses(void **state)
{
	struct fixture *e = *state;

	add_capable_nic(e, 0);
	assign(e);
	guest_places_bar0(e);
	gw(e, MSIX_CTRL, 2, X_ENABLE);
	xw(e, entry(3, 0), 8, 0x00000001fee0f000ull);
	assert_int_equal(e->fp.nr_irq_calls, 0);
	/* Data and vector control in one: bound once, with the new data. */
	xw(e, entry(3, 8), 8, 0x0000000000004455ull);
	assert_int_equal(e->fp.nr_irq_calls, 1);
	assert_bound(e, 0, 3, 0x1fee0f000ull, 0x4455);
	assert_int_equal(xr(e, entry(3, 0), 8), 0x00000001fee0f000ull);
	assert_int_equal(xr(e, entry(3, 8), 8), 0x4455);
	assert_int_equal(xr(e, entry(3, 4), 4), 1);
}

static void msix_odd_sizes_and_misaligned_accesses_are_dropped(void **state)
{
	struct fixture *e = *state;
	uint64_t v;

	add_capable_nic(e, 0);
	assign(e);
	guest_places_bar0(e);
	gw(e, MSIX_CTRL, 2, X_ENABLE);
	assert_int_equal(xr(e, entry(0, 12), 2), 0xffff);
	assert_int_equal(xr(e, entry(0, 13), 1), 0xff);
	assert_int_equal(xr(e, entry(0, 2), 4), 0xffffffffu);
	assert_int_equal(xr(e, entry(0, 4), 8), UINT64_MAX);
	assert_int_equal(vpci_msix_read(e->guest, entry(0, 0), 3, &v), 0);
	assert_int_equal(v, 0xffffff);
	xw(e, entry(0, 12), 2, 0);
	xw(e, entry(0, 12), 1, 0);
	xw(e, entry(0, 10), 4, 0);
	xw(e, entry(0, 4), 8, 0);
	assert_int_equal(xr(e, entry(0, 12), 4), 1); /* still masked */
	assert_int_equal(e->fp.nr_irq_calls, 0);
}

static void msix_pba_reads_zero_for_guests_and_drops_writes(void **state)
{
	struct fixture *e = *state;

	add_capable_nic(e, 0);
	assign(e);
	guest_places_bar0(e);
	assert_int_equal(xr(e, G_PBA, 8), 0);
	xw(e, G_PBA, 8, ~0ull);
	assert_int_equal(xr(e, G_PBA, 4), 0);
	assert_int_equal(e->fp.nr_mmio_calls, 0);
}

/* Registers in the table's frame but outside the table and PBA reach the
 * device at the host address, for a guest within its own BAR. */
static void msix_frame_shared_with_other_registers(void **state)
{
	struct fixture *e = *state;
	struct fake_fn *fn = add_nic_fn(e, DEV, 0);

	add_cap_list(fn, 0x800, 0xc00);
	assert_int_equal(vpci_device_add(e->host, DEV), 0);
	assign(e);
	guest_places_bar0(e);
	/* The one frame holding both is never mapped, the rest is. */
	assert_unmapped(e, GUEST, G_BAR0 >> 12, 1);
	assert_mapped(e, GUEST, (G_BAR0 >> 12) + 1, (NIC_BAR0 >> 12) + 1, 15);
	assert_int_equal(xr(e, G_BAR0 + 0x10, 4),
			 (uint32_t)FAKE_MMIO_PATTERN(NIC_BAR0 + 0x10));
	assert_int_equal(e->fp.mmio_calls[0].maddr, NIC_BAR0 + 0x10);
	assert_int_equal(e->fp.mmio_calls[0].size, 4);
	xw(e, G_BAR0 + 0x7f8, 8, 0x1122334455667788ull);
	assert_true(e->fp.mmio_calls[1].write);
	assert_int_equal(e->fp.mmio_calls[1].maddr, NIC_BAR0 + 0x7f8);
	assert_int_equal(e->fp.mmio_calls[1].val, 0x1122334455667788ull);
	xw(e, G_BAR0 + 0x3, 1, 0x5a);
	assert_int_equal(e->fp.mmio_calls[2].maddr, NIC_BAR0 + 0x3);
	assert_int_equal(e->fp.mmio_calls[2].size, 1);
	/* The table itself is still emulated. */
	assert_int_equal(xr(e, G_BAR0 + 0x80c, 4), 1);
	assert_int_equal(e->fp.nr_mmio_calls, 3);
}

static void msix_address_not_trapped_is_enoent(void **state)
{
	struct fixture *e = *state;
	uint64_t v = 0;

	add_capable_nic(e, 0);
	assign(e);
	/* Not decoding yet. */
	assert_int_equal(vpci_msix_read(e->guest, G_TABLE, 4, &v),
			 VPCI_ENOENT);
	assert_int_equal(v, 0xffffffffu);
	guest_places_bar0(e);
	assert_int_equal(vpci_msix_read(e->guest, G_BAR0, 4, &v), VPCI_ENOENT);
	assert_int_equal(vpci_msix_write(e->guest, G_TABLE + 0x1000 * 2, 4, 0),
			 VPCI_ENOENT);
	/* The hardware domain has no trap there: the BAR is the guest's. */
	assert_int_equal(vpci_msix_read(e->hwdom, G_TABLE, 4, &v),
			 VPCI_ENOENT);
	/* Moving the BAR moves the trap. */
	gw(e, VPCI_REG_COMMAND, 2, 0);
	gw(e, 0x10, 4, (uint32_t)(G_BAR0 + 0x100000));
	gw(e, VPCI_REG_COMMAND, 2, VPCI_CMD_MEMORY);
	assert_int_equal(vpci_msix_read(e->guest, G_TABLE, 4, &v), VPCI_ENOENT);
	assert_int_equal(xr(e, G_TABLE + 0x100000 + 12, 4), 1);
}

/* The hardware domain programs MSI-X through the same traps, at host
 * addresses, and reads the real PBA. */
static void hwdom_msix_is_emulated_too(void **state)
{
	struct fixture *e = *state;
	uint64_t v = 0, table = NIC_BAR0 + TABLE_OFF;

	add_capable_nic(e, VPCI_CMD_MEMORY);
	hw_write(e, MSIX_CTRL, 2, X_ENABLE);
	assert_int_equal(vpci_msix_write(e->hwdom, table, 4, 0xfee00000), 0);
	assert_int_equal(vpci_msix_write(e->hwdom, table + 8, 4, 0x21), 0);
	assert_int_equal(vpci_msix_write(e->hwdom, table + 12, 4, 0), 0);
	assert_int_equal(e->fp.nr_irq_calls, 1);
	assert_bound(e, 0, 0, 0xfee00000, 0x21);
	assert_int_equal(irq_call(e, 0)->domid, HW);
	assert_int_equal(
		vpci_msix_read(e->hwdom, NIC_BAR0 + PBA_OFF, 8, &v), 0);
	assert_int_equal(v, FAKE_MMIO_PATTERN(NIC_BAR0 + PBA_OFF));
	/* Giving the device to a guest unbinds what the hardware domain
	 * had. */
	assign(e);
	assert_unbound(e, 1, 0);
}

/* The hardware domain's table and PBA frames are never mapped either,
 * at set-up or on any later decode toggle; the rest of the BAR is. */
static void hwdom_never_maps_table_or_pba_frames(void **state)
{
	struct fixture *e = *state;
	unsigned int round;

	add_capable_nic(e, VPCI_CMD_MEMORY);
	for (round = 0; round < 3; round++) {
		assert_unmapped(e, HW, (NIC_BAR0 + TABLE_OFF) >> 12, 2);
		assert_mapped(e, HW, NIC_BAR0 >> 12, NIC_BAR0 >> 12, 2);
		assert_mapped(e, HW, (NIC_BAR0 >> 12) + 4, (NIC_BAR0 >> 12) + 4,
			      12);
		hw_write(e, VPCI_REG_COMMAND, 2, 0);
		assert_unmapped(e, HW, NIC_BAR0 >> 12, 16);
		hw_write(e, VPCI_REG_COMMAND, 2, VPCI_CMD_MEMORY);
	}
	assert_int_equal(e->fp.map_violations, 0);
}

static void msix_outside_its_bar_is_hidden(void **state)
{
	struct fixture *e = *state;
	struct fake_fn *fn = add_nic_fn(e, DEV, 0);
	unsigned int ids = 0, pos;

	add_cap_list(fn, 0xfff0 | 0, 0x3000 | 5); /* table past BAR0 */
	assert_int_equal(vpci_device_add(e->host, DEV), 0);
	assert_true(fake_log_contains(&e->fp, "capability is hidden"));
	/* The hardware domain cannot reach its control register either. */
	assert_int_equal(hw_read(e, MSIX_CTRL, 2), 0);
	hw_write(e, MSIX_CTRL, 2, X_ENABLE);
	assert_int_equal(fake_fn_get(fn, MSIX_CTRL, 2) & X_ENABLE, 0);
	assert_int_equal(hw_read(e, MSI_POS, 2) >> 8, 0); /* unlinked */
	assign(e);
	for (pos = gr(e, VPCI_REG_CAP_PTR, 1); pos; pos = gr(e, pos, 2) >> 8)
		assert_int_not_equal(gr(e, pos, 1), VPCI_CAP_ID_MSIX),
			ids++;
	assert_int_equal(ids, 3);
}

/* Two devices' traps in one guest: each address finds its own. */
static void msix_two_devices_in_one_guest(void **state)
{
	struct fixture *e = *state;
	vpci_sbdf_t dev2 = VPCI_SBDF(0, 4, 0, 0), vdev2 = VPCI_SBDF(0, 0, 6, 0);
	struct fake_fn *fn2 = fake_fn_add(&e->fp, dev2);

	/* Only BAR0, of its own: functions sharing host frames cannot be
	 * assigned. */
	add_capable_nic(e, 0);
	fake_fn_set_header(fn2, 0x8086, 0x1000, VPCI_HEADER_TYPE_NORMAL);
	fake_fn_set_bar(fn2, 0, 0x10000, 0);
	fake_fn_set_bar_addr(fn2, 0, NIC_BAR0 + 0x100000);
	add_cap_list(fn2, TABLE_OFF, PBA_OFF);
	assert_int_equal(vpci_device_add(e->host, dev2), 0);
	assign(e);
	assert_int_equal(vpci_assign_device(e->guest, dev2, vdev2, NULL), 0);
	guest_places_bar0(e);
	vpci_write(e->guest, vdev2, 0x10, 4, (uint32_t)(G_BAR0 + 0x200000));
	vpci_write(e->guest, vdev2, VPCI_REG_COMMAND, 2, VPCI_CMD_MEMORY);
	gw(e, MSIX_CTRL, 2, X_ENABLE);
	vpci_write(e->guest, vdev2, MSIX_CTRL, 2, X_ENABLE);
	xw(e, G_TABLE + 0x200000 + 12, 4, 0);
	assert_int_equal(irq_call(e, 0)->sbdf, dev2);
	xw(e, G_TABLE + 12, 4, 0);
	assert_int_equal(irq_call(e, 1)->sbdf, DEV);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, fixture_setup_hwdom_guest_irq, fixture_teardown)
	const struct CMUnitTest tests[] = {
		T(msi_linux_sequence_binds_exactly_what_is_live),
		T(msi_header_and_control_dword),
		T(msi_vector_count_is_clamped_to_what_the_device_has),
		T(msi_enabled_forces_intx_off),
		T(msi_refused_by_the_platform_stays_unbound),
		T(msi_cut_short_makes_hwdom_device_readonly),
		T(msix_linux_sequence_binds_on_unmask),
		T(msix_message_change_while_live_applies_on_unmask),
		T(msix_qword_accesses),
		T(msix_odd_sizes_and_misaligned_accesses_are_dropped),
		T(msix_pba_reads_zero_for_guests_and_drops_writes),
		T(msix_frame_shared_with_other_registers),
		T(msix_address_not_trapped_is_enoent),
		T(hwdom_msix_is_emulated_too),
		T(hwdom_never_maps_table_or_pba_frames),
		T(msix_outside_its_bar_is_hidden),
		T(msix_two_devices_in_one_guest),
	};
#undef T
	return cmocka_run_group_tests(tests, NULL, NULL);
}
