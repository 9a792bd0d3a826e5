/* SPDX-License-Identifier: MIT */
/*
 * Fault-injection sweep: one scenario -- add devices, assign, place,
 * enable, move, disable, deassign, reassign, destroy the guest, destroy
 * the host -- replayed with the k-th allocation failing, then with the
 * k-th map and the k-th unmap failing, for every k the scenario reaches.
 * After each run, from the fake platform's own record:
 *  - the platform never saw a double map or an unmap of an unmapped
 *    frame;
 *  - the guest never had a frame of the MSI-X table or PBA, nor a
 *    reserved frame; the hardware domain never had the guest's device's
 *    frames while it was assigned, nor a reserved frame;
 *  - a call that reported success left nothing it should have removed
 *    (deassign and destroy: the guest has no frame left);
 *  - after host destroy nothing is mapped and nothing leaked.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fake_platform.h"
#include "vpci/pci_regs.h"

#define HW 0u
#define GUEST 7u
#define NIC VPCI_SBDF(0, 3, 0, 0)
#define SMALL VPCI_SBDF(0, 3, 1, 0)
#define VNIC VPCI_SBDF(0, 0, 4, 0)

#define NIC_BAR0 0xfe000000ull   /* 64 KiB: table page 2, PBA page 3 */
#define NIC_BAR2 0x400000000ull  /* 64-bit, 1 MiB */
#define NIC_ROM 0xfe100000u      /* 64 KiB */
#define SMALL_BAR0 0xfd000000ull /* 256 bytes, hardware domain's */
#define RESERVED_MFN 0xfd001ull  /* the hypervisor's UART page */

enum fault { FAULT_ALLOC, FAULT_MAP, FAULT_UNMAP };

struct run {
	struct fake_platform fp;
	struct vpci_host *host;
	struct vpci_domain *hwdom;
	struct vpci_domain *guest;
	/* The fake's seq intervals during which the NIC was the guest's. */
	uint64_t from[2], to[2];
	unsigned int nr_intervals;
	bool assigned;
};

static void add_devices(struct fake_platform *fp)
{
	struct fake_fn *fn = fake_fn_add(fp, NIC);

	fake_fn_set_header(fn, 0x8086, 0x10d3, VPCI_HEADER_TYPE_NORMAL);
	fake_fn_set_bar(fn, 0, 0x10000, 0);
	fake_fn_set_bar_addr(fn, 0, NIC_BAR0);
	fake_fn_set_bar(fn, 2, 0x100000, VPCI_BAR_MEM_TYPE_64);
	fake_fn_set_bar_addr(fn, 2, NIC_BAR2);
	fake_fn_set_rom(fn, VPCI_REG_ROM_ADDRESS, 0x10000, NIC_ROM, false);
	fake_fn_set(fn, VPCI_REG_STATUS, 2, VPCI_STATUS_CAP_LIST);
	fake_fn_set(fn, VPCI_REG_CAP_PTR, 1, 0x40);
	fake_fn_set(fn, 0x40, 2, VPCI_CAP_ID_MSIX);
	fake_fn_set(fn, 0x42, 2, 63);
	fake_fn_set(fn, 0x44, 4, 0x2000);
	fake_fn_set(fn, 0x48, 4, 0x3000);
	fake_fn_set(fn, VPCI_REG_COMMAND, 2, VPCI_CMD_MEMORY);
	fn = fake_fn_add(fp, SMALL);
	fake_fn_set_header(fn, 0x1af4, 0x1000, VPCI_HEADER_TYPE_NORMAL);
	fake_fn_set_bar(fn, 0, 0x100, 0);
	fake_fn_set_bar_addr(fn, 0, SMALL_BAR0);
	fake_fn_set_bar(fn, 1, 0x2000, 0);
	fake_fn_set_bar_addr(fn, 1, 0xfd000000ull + 0x2000);
	fake_fn_set(fn, VPCI_REG_COMMAND, 2, VPCI_CMD_MEMORY);
}

/* A guest write, then the platform finishing its map work before the
 * vCPU goes on, as vpci.h asks. */
static void gw(struct run *r, unsigned int reg, unsigned int size,
	       uint32_t val)
{
	vpci_write(r->guest, VNIC, reg, size, val);
	while (vpci_process_pending(r->guest) == VPCI_ERESTART)
		;
}

static bool nic_frame(uint64_t mfn)
{
	return (mfn >= NIC_BAR0 >> 12 && mfn < (NIC_BAR0 >> 12) + 16) ||
	       (mfn >= NIC_BAR2 >> 12 && mfn < (NIC_BAR2 >> 12) + 256) ||
	       (mfn >= NIC_ROM >> 12 && mfn < (NIC_ROM >> 12) + 16);
}

static void guest_places_and_enables(struct run *r, uint32_t bar0)
{
	gw(r, 0x10, 4, bar0);
	gw(r, 0x18, 4, 0x0);
	gw(r, 0x1c, 4, 0x2);
	gw(r, VPCI_REG_ROM_ADDRESS, 4, 0xc0100000u | VPCI_ROM_ENABLE);
	gw(r, VPCI_REG_COMMAND, 2, VPCI_CMD_MEMORY | VPCI_CMD_MASTER);
	while (vpci_process_pending(r->guest) == VPCI_ERESTART)
		;
}

static void assign_nic(struct run *r)
{
	if (!r->guest || r->assigned)
		return;
	if (vpci_assign_device(r->guest, NIC, VNIC, NULL) == 0) {
		r->assigned = true;
		r->from[r->nr_intervals] = r->fp.seq;
		r->to[r->nr_intervals++] = UINT64_MAX;
	}
}

/* Deassign; a success must leave the guest nothing. */
static void deassign_nic(struct run *r)
{
	int rc;

	if (!r->assigned)
		return;
	r->to[r->nr_intervals - 1] = r->fp.seq;
	rc = vpci_deassign_device(r->guest, NIC, NULL);
	r->assigned = false;
	if (rc == 0)
		assert_int_equal(fake_mapped_frames(&r->fp, GUEST), 0);
	else
		assert_true(rc < 0);
}

static void scenario(struct run *r)
{
	struct vpci_domain_config hw = {.domid = HW,
					.kind = VPCI_DOMAIN_HARDWARE,
					.flags = VPCI_DOMAIN_F_VPCI};
	struct vpci_domain_config g = {.domid = GUEST,
				       .kind = VPCI_DOMAIN_GUEST,
				       .flags = VPCI_DOMAIN_F_VPCI};
	int rc;

	add_devices(&r->fp);
	if (vpci_host_create(&r->fp.ops, &r->fp, 0, &r->host))
		return;
	if (vpci_domain_create(r->host, &hw, &r->hwdom, NULL))
		r->hwdom = NULL;
	vpci_host_reserve_frames(r->host, RESERVED_MFN, 1);
	vpci_device_add(r->host, NIC);
	vpci_device_add(r->host, SMALL);
	if (vpci_domain_create(r->host, &g, &r->guest, NULL))
		r->guest = NULL;
	r->fp.map_budget_frames = 64; /* some preemption */
	assign_nic(r);
	if (r->assigned) {
		guest_places_and_enables(r, 0xc0000000u);
		gw(r, VPCI_REG_COMMAND, 2, 0);
		gw(r, 0x10, 4, 0xc0200000u); /* moved while off */
		gw(r, VPCI_REG_COMMAND, 2, VPCI_CMD_MEMORY);
		gw(r, 0x10, 4, 0xc0400000u); /* moved while on */
		while (vpci_process_pending(r->guest) == VPCI_ERESTART)
			;
		gw(r, VPCI_REG_COMMAND, 2, 0);
		while (vpci_process_pending(r->guest) == VPCI_ERESTART)
			;
	}
	/* The hardware domain toggles its own device. */
	if (r->hwdom) {
		vpci_write(r->hwdom, SMALL, VPCI_REG_COMMAND, 2, 0);
		vpci_write(r->hwdom, SMALL, VPCI_REG_COMMAND, 2,
			   VPCI_CMD_MEMORY);
		while (vpci_process_pending(r->hwdom) == VPCI_ERESTART)
			;
	}
	deassign_nic(r);
	assign_nic(r);
	if (r->assigned)
		guest_places_and_enables(r, 0xc0000000u);
	if (r->guest) {
		if (r->assigned)
			r->to[r->nr_intervals - 1] = r->fp.seq;
		r->assigned = false;
		rc = vpci_domain_destroy(r->guest);
		if (rc == 0)
			assert_int_equal(fake_mapped_frames(&r->fp, GUEST), 0);
		else
			assert_true(rc < 0);
	}
	rc = vpci_host_destroy(r->host);
	assert_true(rc <= 0);
}

static void check(const struct run *r)
{
	unsigned int j;
	size_t i;

	if (r->fp.map_violations)
		fail_msg("fake: %s", r->fp.last_violation);
	for (i = 0; i < r->fp.nr_map_calls; i++) {
		const struct fake_map_call *c = &r->fp.map_calls[i];
		uint64_t f;

		if (c->unmap)
			continue;
		for (f = c->mfn; f < c->mfn + c->nr_frames; f++) {
			assert_true(f != RESERVED_MFN);
			if (c->domid == GUEST)
				assert_true(f != (NIC_BAR0 >> 12) + 2 &&
					    f != (NIC_BAR0 >> 12) + 3);
			/* While the NIC was the guest's: none of its frames
			 * for the hardware domain. */
			for (j = 0; j < r->nr_intervals; j++)
				if (c->domid == HW && nic_frame(f) &&
				    c->seq > r->from[j] && c->seq < r->to[j])
					fail_msg("hwdom mapped NIC frame 0x%llx "
						 "while assigned",
						 (unsigned long long)f);
		}
	}
	assert_int_equal(r->fp.nr_mappings, 0);
	assert_int_equal(r->fp.live_allocs, 0);
}

/* Run the scenario with fault k of kind f; returns how many calls of
 * that kind the run made (so the sweep knows where to stop). */
static long run_once(enum fault f, long k)
{
	struct run *r = calloc(1, sizeof(*r));
	long reached;

	assert_non_null(r);
	fake_platform_init(&r->fp);
	if (f == FAULT_ALLOC)
		r->fp.fail_alloc_at = k;
	else if (f == FAULT_MAP)
		r->fp.fail_map_at = k;
	else
		r->fp.fail_unmap_at = k;
	r->fp.echo_logs = getenv("SWEEP_DEBUG") != NULL;
	if (r->fp.echo_logs)
		fprintf(stderr, "--- fault %d at %ld\n", (int)f, k);
	scenario(r);
	check(r);
	reached = f == FAULT_ALLOC ? r->fp.nr_alloc_calls
		  : f == FAULT_MAP ? r->fp.nr_map_attempts
				   : r->fp.nr_unmap_attempts;
	fake_platform_fini(&r->fp);
	free(r);
	return reached;
}

static void sweep(enum fault f, const char *what)
{
	long total = run_once(f, -1), k;

	assert_true(total > 0);
	for (k = 0; k < total; k++)
		run_once(f, k);
	printf("%s: %ld runs, one per call the scenario makes\n", what, total);
}

static void every_allocation_failing(void **state)
{
	(void)state;
	sweep(FAULT_ALLOC, "allocations");
}

static void every_map_failing(void **state)
{
	(void)state;
	sweep(FAULT_MAP, "maps");
}

static void every_unmap_failing(void **state)
{
	(void)state;
	sweep(FAULT_UNMAP, "unmaps");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_allocation_failing),
		cmocka_unit_test(every_map_failing),
		cmocka_unit_test(every_unmap_failing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
