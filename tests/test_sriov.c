/* SPDX-License-Identifier: MIT */
/*
 * SR-IOV (cap_sriov.c, sriov_vf.c): the PF's capability as the hardware
 * domain programs it, VFs coming and going, their BARs and mappings, and
 * a VF given to a guest. Scenery: tests/sriov_env.h.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "fixture.h"
#include "sriov_env.h"

#define OFFSET 0x80u
#define STRIDE 2u
#define BAR0_BASE 0xe0000000u
#define BAR2_BASE 0x4000000000ull
#define GUEST_VF VPCI_SBDF(0, 0, 1, 0)

static vpci_sbdf_t vf(unsigned int n)
{
	return sriov_vf_sbdf(OFFSET, STRIDE, n);
}

static uint32_t hw_read(struct fixture *f, vpci_sbdf_t sbdf, unsigned int reg,
			unsigned int size)
{
	return vpci_read(f->hwdom, sbdf, reg, size);
}

static void hw_write(struct fixture *f, vpci_sbdf_t sbdf, unsigned int reg,
		     unsigned int size, uint32_t val)
{
	vpci_write(f->hwdom, sbdf, reg, size, val);
}

/* The PF, added to the host, with its VF BARs placed. */
static struct fake_fn *pf_added(struct fixture *f)
{
	struct fake_fn *pf = sriov_env_add(&f->fp, OFFSET, STRIDE,
					   SRIOV_TOTAL);

	sriov_env_place(pf, BAR0_BASE, BAR2_BASE);
	assert_int_equal(vpci_device_add(f->host, SRIOV_PF), 0);
	return pf;
}

static void enable(struct fixture *f, unsigned int nr, uint16_t ctrl)
{
	hw_write(f, SRIOV_PF, SRIOV_NUM_VFS, 2, nr);
	hw_write(f, SRIOV_PF, SRIOV_CTRL, 2, ctrl);
}

static bool hw_maps(struct fixture *f, uint64_t addr)
{
	uint64_t mfn;

	return fake_mapped_mfn(&f->fp, FIXTURE_HW_ID, addr >> 12, &mfn) &&
	       mfn == addr >> 12;
}

/* --------------------------------------------------------- lifecycle */

static void vfs_appear_on_vf_enable_with_the_pf_vendor(void **state)
{
	struct fixture *f = *state;
	unsigned int n;

	pf_added(f);
	assert_null(vpci_device_find(f->host, vf(0)));
	enable(f, 3, SRIOV_VFE);
	for (n = 0; n < 3; n++) {
		assert_non_null(vpci_device_find(f->host, vf(n)));
		assert_int_equal(hw_read(f, vf(n), VPCI_REG_VENDOR_ID, 4),
				 0x8086u | SRIOV_VF_DID << 16);
		/* Its space is the PF's VF BARs: its own BARs read 0. */
		assert_int_equal(hw_read(f, vf(n), VPCI_REG_BAR0, 4), 0);
	}
	assert_null(vpci_device_find(f->host, vf(3)));
	hw_write(f, SRIOV_PF, SRIOV_CTRL, 2, 0);
	for (n = 0; n < 3; n++)
		assert_null(vpci_device_find(f->host, vf(n)));
	assert_int_equal(hw_read(f, vf(0), VPCI_REG_VENDOR_ID, 4),
			 0xffffffffu);
}

static void num_vfs_above_total_vfs_is_refused(void **state)
{
	struct fixture *f = *state;
	struct fake_fn *pf = pf_added(f);

	hw_write(f, SRIOV_PF, SRIOV_NUM_VFS, 2, SRIOV_TOTAL + 1u);
	assert_int_equal(fake_fn_get(pf, SRIOV_NUM_VFS, 2), 0);
	assert_true(fake_log_contains(&f->fp, "above TotalVFs"));
	hw_write(f, SRIOV_PF, SRIOV_NUM_VFS, 2, 0xffff);
	assert_int_equal(fake_fn_get(pf, SRIOV_NUM_VFS, 2), 0);
	hw_write(f, SRIOV_PF, SRIOV_NUM_VFS, 2, SRIOV_TOTAL);
	assert_int_equal(fake_fn_get(pf, SRIOV_NUM_VFS, 2), SRIOV_TOTAL);
}

static void num_vfs_cannot_change_while_vfs_are_enabled(void **state)
{
	struct fixture *f = *state;
	struct fake_fn *pf = pf_added(f);

	enable(f, 2, SRIOV_VFE);
	hw_write(f, SRIOV_PF, SRIOV_NUM_VFS, 2, 5);
	assert_int_equal(fake_fn_get(pf, SRIOV_NUM_VFS, 2), 2);
	assert_true(fake_log_contains(&f->fp, "VF Enable is set"));
	/* ARI Capable Hierarchy would move live VFs: kept. */
	hw_write(f, SRIOV_PF, SRIOV_CTRL, 2, SRIOV_VFE | SRIOV_ARI);
	assert_int_equal(fake_fn_get(pf, SRIOV_CTRL, 2), SRIOV_VFE);
	assert_null(vpci_device_find(f->host, vf(2)));
}

static void a_pf_whose_total_vfs_lies_gets_no_more(void **state)
{
	struct fixture *f = *state;
	struct fake_fn *pf = sriov_env_add(&f->fp, OFFSET, STRIDE, 0);

	/* NumVFs preset past TotalVFs by the firmware (or a hostile
	 * device): VF Enable is refused, never more VFs than TotalVFs. */
	fake_fn_set(pf, SRIOV_NUM_VFS, 2, 0x4000);
	assert_int_equal(vpci_device_add(f->host, SRIOV_PF), 0);
	hw_write(f, SRIOV_PF, SRIOV_CTRL, 2, SRIOV_VFE | SRIOV_MSE);
	assert_int_equal(fake_fn_get(pf, SRIOV_CTRL, 2) & SRIOV_VFE, 0);
	assert_null(vpci_device_find(f->host, vf(0)));
}

static void vf_enable_without_memory_creates_nothing(void **state)
{
	struct fixture *f = *state;
	struct fake_fn *pf = pf_added(f);
	unsigned int n;
	long budget;

	/* Every allocation count up to the one that succeeds: each failure
	 * refuses VF Enable whole, leaving no VF and VF Enable clear. */
	for (budget = 0; budget < 64; budget++) {
		f->fp.allocs_until_failure = budget;
		enable(f, 4, SRIOV_VFE | SRIOV_MSE);
		f->fp.allocs_until_failure = -1;
		if (fake_fn_get(pf, SRIOV_CTRL, 2) & SRIOV_VFE)
			break;
		assert_null(vpci_device_find(f->host, vf(0)));
		assert_null(vpci_device_find(f->host, vf(3)));
		assert_int_equal(fake_mapped_frames(&f->fp, FIXTURE_HW_ID), 0);
	}
	assert_true(budget > 0 && budget < 64);
	assert_non_null(vpci_device_find(f->host, vf(3)));
	/* Mapping may have run out of memory after that; no failed attempt
	 * left a mark: with memory, every VF is the hardware domain's. */
	hw_write(f, SRIOV_PF, SRIOV_CTRL, 2, 0);
	assert_null(vpci_device_find(f->host, vf(3)));
	hw_write(f, SRIOV_PF, SRIOV_CTRL, 2, SRIOV_VFE | SRIOV_MSE);
	for (n = 0; n < 4; n++) {
		assert_false(vpci_device_is_readonly(f->host, vf(n)));
		assert_true(hw_maps(f, BAR0_BASE + n * SRIOV_BAR0_BYTES));
	}
}

static void routing_ids_may_cross_a_bus(void **state)
{
	struct fixture *f = *state;
	const unsigned int offset = 0xfe, stride = 1;

	sriov_env_add(&f->fp, offset, stride, 4);
	assert_int_equal(vpci_device_add(f->host, SRIOV_PF), 0);
	enable(f, 4, SRIOV_VFE);
	/* 01:1f.6, 01:1f.7, then bus 2. */
	assert_non_null(vpci_device_find(f->host, VPCI_SBDF(0, 1, 0x1f, 6)));
	assert_non_null(vpci_device_find(f->host, VPCI_SBDF(0, 1, 0x1f, 7)));
	assert_non_null(vpci_device_find(f->host, VPCI_SBDF(0, 2, 0, 0)));
	assert_non_null(vpci_device_find(f->host, VPCI_SBDF(0, 2, 0, 1)));
	assert_int_equal(hw_read(f, VPCI_SBDF(0, 2, 0, 1), VPCI_REG_DEVICE_ID,
				 2),
			 SRIOV_VF_DID);
}

static void offset_and_stride_are_read_again_after_num_vfs(void **state)
{
	struct fixture *f = *state;
	struct fake_fn *pf = pf_added(f);

	hw_write(f, SRIOV_PF, SRIOV_NUM_VFS, 2, 2);
	/* The device moves its VFs once it knows NumVFs (allowed by the
	 * specification): the core must follow, not use the old offset. */
	fake_fn_set(pf, SRIOV_OFFSET, 2, OFFSET + 8u);
	hw_write(f, SRIOV_PF, SRIOV_NUM_VFS, 2, 2);
	hw_write(f, SRIOV_PF, SRIOV_CTRL, 2, SRIOV_VFE);
	assert_null(vpci_device_find(f->host, vf(0)));
	assert_non_null(vpci_device_find(f->host, SRIOV_PF + OFFSET + 8u));
}

static void a_routing_id_taken_refuses_vf_enable(void **state)
{
	struct fixture *f = *state;
	struct fake_fn *pf = pf_added(f);
	struct fake_fn *other = fake_fn_add(&f->fp, vf(1));

	(void)other;
	fake_fn_set_header(other, 0x1234, 0x5678, VPCI_HEADER_TYPE_NORMAL);
	assert_int_equal(vpci_device_add(f->host, vf(1)), 0);
	enable(f, 2, SRIOV_VFE);
	assert_int_equal(fake_fn_get(pf, SRIOV_CTRL, 2) & SRIOV_VFE, 0);
	assert_null(vpci_device_find(f->host, vf(0)));
	assert_true(fake_log_contains(&f->fp, "already a function's"));
}

static void vfs_enabled_before_the_host_knew_the_pf_are_adopted(void **state)
{
	struct fixture *f = *state;
	struct fake_fn *pf = sriov_env_add(&f->fp, OFFSET, STRIDE, 2);

	sriov_env_place(pf, BAR0_BASE, BAR2_BASE);
	fake_fn_set(pf, SRIOV_NUM_VFS, 2, 2);
	fake_fn_set(pf, SRIOV_CTRL, 2, SRIOV_VFE | SRIOV_MSE);
	assert_int_equal(vpci_device_add(f->host, SRIOV_PF), 0);
	assert_non_null(vpci_device_find(f->host, vf(1)));
	assert_true(hw_maps(f, BAR0_BASE + SRIOV_BAR0_BYTES));
	/* Sizing the VF BARs left VF MSE as it was. */
	assert_int_equal(fake_fn_get(pf, SRIOV_CTRL, 2),
			 SRIOV_VFE | SRIOV_MSE);
}

static void vfs_go_with_their_pf_but_not_on_their_own(void **state)
{
	struct fixture *f = *state;

	pf_added(f);
	enable(f, 2, SRIOV_VFE | SRIOV_MSE);
	assert_int_equal(vpci_device_remove(f->host, vf(0)), VPCI_EPERM);
	assert_int_equal(vpci_device_remove(f->host, SRIOV_PF), 0);
	assert_null(vpci_device_find(f->host, vf(0)));
	assert_null(vpci_device_find(f->host, vf(1)));
	assert_int_equal(fake_mapped_frames(&f->fp, FIXTURE_HW_ID), 0);
}

/* ----------------------------------------------------------- mapping */

static void vf_mse_maps_every_vf_bar_and_unmaps_on_clear(void **state)
{
	struct fixture *f = *state;
	unsigned int n;

	pf_added(f);
	enable(f, 4, SRIOV_VFE);
	/* The VFs' own memory bits do nothing: hardware ignores them. */
	for (n = 0; n < 4; n++)
		hw_write(f, vf(n), VPCI_REG_COMMAND, 2, VPCI_CMD_MEMORY);
	assert_int_equal(fake_mapped_frames(&f->fp, FIXTURE_HW_ID), 0);
	hw_write(f, SRIOV_PF, SRIOV_CTRL, 2, SRIOV_VFE | SRIOV_MSE);
	for (n = 0; n < 4; n++) {
		/* VF n's BAR i = VF BAR i + n * its size; BAR2 is 64-bit. */
		assert_true(hw_maps(f, BAR0_BASE + n * SRIOV_BAR0_BYTES));
		assert_true(hw_maps(f, BAR2_BASE + n * SRIOV_BAR2_BYTES +
					       SRIOV_BAR2_BYTES - 4096u));
	}
	assert_int_equal(fake_mapped_frames(&f->fp, FIXTURE_HW_ID),
			 4u * (SRIOV_BAR0_BYTES + SRIOV_BAR2_BYTES) / 4096u);
	hw_write(f, SRIOV_PF, SRIOV_CTRL, 2, SRIOV_VFE);
	assert_int_equal(fake_mapped_frames(&f->fp, FIXTURE_HW_ID), 0);
}

static void vf_bars_do_not_move_while_the_vfs_decode(void **state)
{
	struct fixture *f = *state;
	struct fake_fn *pf = pf_added(f);

	enable(f, 2, SRIOV_VFE | SRIOV_MSE);
	hw_write(f, SRIOV_PF, SRIOV_VF_BAR(0), 4, 0xd0000000u);
	assert_int_equal(fake_fn_get(pf, SRIOV_VF_BAR(0), 4), BAR0_BASE);
	assert_true(fake_log_contains(&f->fp, "the VFs decode"));
	/* A sizing probe is answered by vPCI; the hardware stays. */
	hw_write(f, SRIOV_PF, SRIOV_VF_BAR(0), 4, 0xffffffffu);
	assert_int_equal(hw_read(f, SRIOV_PF, SRIOV_VF_BAR(0), 4),
			 ~(SRIOV_BAR0_BYTES - 1u));
	assert_int_equal(fake_fn_get(pf, SRIOV_VF_BAR(0), 4), BAR0_BASE);
	hw_write(f, SRIOV_PF, SRIOV_VF_BAR(0), 4, BAR0_BASE);
	/* With decoding off it moves, and the VFs follow when it is on. */
	hw_write(f, SRIOV_PF, SRIOV_CTRL, 2, SRIOV_VFE);
	hw_write(f, SRIOV_PF, SRIOV_VF_BAR(0), 4, 0xd0000000u);
	hw_write(f, SRIOV_PF, SRIOV_CTRL, 2, SRIOV_VFE | SRIOV_MSE);
	assert_true(hw_maps(f, 0xd0000000u + SRIOV_BAR0_BYTES));
	assert_false(hw_maps(f, BAR0_BASE));
}

static void a_vf_bar_past_4_gib_is_never_mapped(void **state)
{
	struct fixture *f = *state;
	struct fake_fn *pf = sriov_env_add(&f->fp, OFFSET, STRIDE, 4);

	/* VF 3's 32-bit BAR0 would end past 4 GiB: it decodes nowhere (and
	 * VF 2's is at the sizing pattern, like any BAR there). */
	sriov_env_place(pf, 0xffff4000u, BAR2_BASE);
	assert_int_equal(vpci_device_add(f->host, SRIOV_PF), 0);
	enable(f, 4, SRIOV_VFE | SRIOV_MSE);
	assert_true(hw_maps(f, 0xffff4000u));
	assert_true(hw_maps(f, 0xffff8000u));
	assert_false(hw_maps(f, 0xffffc000u));
	assert_int_equal(fake_mapped_frames(&f->fp, FIXTURE_HW_ID),
			 2u * SRIOV_BAR0_BYTES / 4096u +
				 4u * SRIOV_BAR2_BYTES / 4096u);
}

static void system_page_size_needs_vfs_off_and_one_supported_size(void **state)
{
	struct fixture *f = *state;
	struct fake_fn *pf = pf_added(f);

	hw_write(f, SRIOV_PF, SRIOV_SYS_PGSIZE, 4, 3);
	hw_write(f, SRIOV_PF, SRIOV_SYS_PGSIZE, 4, 4); /* 16 KiB: not in 0x553 */
	assert_int_equal(fake_fn_get(pf, SRIOV_SYS_PGSIZE, 4), 1);
	hw_write(f, SRIOV_PF, SRIOV_SYS_PGSIZE, 4, 2);
	assert_int_equal(fake_fn_get(pf, SRIOV_SYS_PGSIZE, 4), 2);
	enable(f, 1, SRIOV_VFE);
	hw_write(f, SRIOV_PF, SRIOV_SYS_PGSIZE, 4, 1);
	assert_int_equal(fake_fn_get(pf, SRIOV_SYS_PGSIZE, 4), 2);
	assert_true(fake_log_contains(&f->fp, "System Page Size"));
}

/* ----------------------------------------------------------- guests */

static void assigning_a_vf_not_enabled_says_why(void **state)
{
	struct fixture *f = *state;
	const char *why = NULL;

	pf_added(f);
	assert_int_equal(vpci_assign_device(f->guest, vf(0), GUEST_VF, &why),
			 VPCI_ENOENT);
	assert_non_null(why);
	assert_non_null(strstr(why, "VF Enable clear"));
	enable(f, 2, SRIOV_VFE);
	assert_int_equal(vpci_assign_device(f->guest, vf(2), GUEST_VF, &why),
			 VPCI_ENOENT);
	assert_non_null(strstr(why, "NumVFs"));
	assert_int_equal(vpci_assign_device(f->guest, vf(1), GUEST_VF, &why),
			 0);
}

static void vf_disable_is_refused_while_a_vf_is_assigned(void **state)
{
	struct fixture *f = *state;
	struct fake_fn *pf = pf_added(f);

	enable(f, 2, SRIOV_VFE | SRIOV_MSE);
	assert_int_equal(vpci_assign_device(f->guest, vf(1), GUEST_VF, NULL),
			 0);
	hw_write(f, SRIOV_PF, SRIOV_CTRL, 2, 0);
	assert_int_equal(fake_fn_get(pf, SRIOV_CTRL, 2) & SRIOV_VFE, SRIOV_VFE);
	assert_true(fake_log_contains(&f->fp, "VF Disable refused"));
	assert_non_null(vpci_device_find(f->host, vf(0)));
	/* Nor may its frames move under the guest. */
	hw_write(f, SRIOV_PF, SRIOV_VF_BAR(0), 4, 0xd0000000u);
	assert_int_equal(fake_fn_get(pf, SRIOV_VF_BAR(0), 4), BAR0_BASE);
	assert_int_equal(vpci_deassign_device(f->guest, vf(1), NULL), 0);
	hw_write(f, SRIOV_PF, SRIOV_CTRL, 2, 0);
	assert_null(vpci_device_find(f->host, vf(1)));
}

/*
 * A guest holds a function whose BAR lies where VF 1's BAR0 would be:
 * VF Enable is refused (the VFs would decode in the guest's frame), and
 * so is adopting VFs a hot-added PF had enabled there.
 */
#define GUEST_FN VPCI_SBDF(0, 5, 0, 0)
#define GUEST_FN_BAR (BAR0_BASE + SRIOV_BAR0_BYTES + 0x1000u)

static void guest_function_in_the_frames_of_a_vf(struct fixture *f)
{
	struct fake_fn *fn = fake_fn_add(&f->fp, GUEST_FN);

	fake_fn_set_header(fn, 0x1af4, 0x1000, VPCI_HEADER_TYPE_NORMAL);
	fake_fn_set_bar(fn, 0, 0x1000, 0);
	fake_fn_set_bar_addr(fn, 0, GUEST_FN_BAR);
	assert_int_equal(vpci_device_add(f->host, GUEST_FN), 0);
	assert_int_equal(vpci_assign_device(f->guest, GUEST_FN, GUEST_VF,
					    NULL),
			 0);
}

static void vf_enable_sharing_a_guest_frame_is_refused(void **state)
{
	struct fixture *f = *state;
	struct fake_fn *pf = pf_added(f);
	unsigned int n;

	guest_function_in_the_frames_of_a_vf(f);
	enable(f, 3, SRIOV_VFE | SRIOV_MSE);
	assert_int_equal(fake_fn_get(pf, SRIOV_CTRL, 2) &
				 (SRIOV_VFE | SRIOV_MSE),
			 0);
	for (n = 0; n < 3; n++)
		assert_null(vpci_device_find(f->host, vf(n)));
	assert_true(fake_log_contains(&f->fp, "0000:05:00.0, which a guest "
					      "holds; VF Enable refused"));
	assert_true(fake_log_contains(&f->fp, "BAR0 shares host frame"));
	assert_false(hw_maps(f, BAR0_BASE));
	/* One VF stays clear of it: enabled. */
	enable(f, 1, SRIOV_VFE | SRIOV_MSE);
	assert_non_null(vpci_device_find(f->host, vf(0)));
	assert_true(hw_maps(f, BAR0_BASE));
}

static void vfs_enabled_before_the_pf_was_added_over_a_guest_frame_go(
	void **state)
{
	struct fixture *f = *state;
	struct fake_fn *pf =
		sriov_env_add(&f->fp, OFFSET, STRIDE, SRIOV_TOTAL);

	sriov_env_place(pf, BAR0_BASE, BAR2_BASE);
	guest_function_in_the_frames_of_a_vf(f);
	fake_fn_set(pf, SRIOV_NUM_VFS, 2, 2);
	fake_fn_set(pf, SRIOV_CTRL, 2, SRIOV_VFE | SRIOV_MSE);
	assert_int_equal(vpci_device_add(f->host, SRIOV_PF), 0);
	assert_int_equal(fake_fn_get(pf, SRIOV_CTRL, 2) &
				 (SRIOV_VFE | SRIOV_MSE),
			 0);
	assert_null(vpci_device_find(f->host, vf(1)));
	assert_true(fake_log_contains(&f->fp, "VF Enable refused"));
}

static void a_vf_given_to_a_guest_is_an_ordinary_endpoint(void **state)
{
	struct fixture *f = *state;
	const uint64_t host_bar0 = BAR0_BASE + SRIOV_BAR0_BYTES;
	const uint64_t gpa = 0x80000000u;
	uint64_t mfn;

	pf_added(f);
	enable(f, 2, SRIOV_VFE);
	assert_int_equal(vpci_assign_device(f->guest, vf(1), GUEST_VF, NULL),
			 0);
	/* The hardware domain no longer has the VF's frames. */
	hw_write(f, SRIOV_PF, SRIOV_CTRL, 2, SRIOV_VFE | SRIOV_MSE);
	assert_false(hw_maps(f, host_bar0 + 4096u));
	assert_true(hw_maps(f, BAR0_BASE));
	assert_int_equal(vpci_read(f->guest, GUEST_VF, VPCI_REG_VENDOR_ID, 4),
			 0x8086u | SRIOV_VF_DID << 16);
	/* BARs size from the VF BAR size, and start unplaced. */
	assert_int_equal(vpci_read(f->guest, GUEST_VF, VPCI_REG_BAR0, 4), 0);
	vpci_write(f->guest, GUEST_VF, VPCI_REG_BAR0, 4, 0xffffffffu);
	assert_int_equal(vpci_read(f->guest, GUEST_VF, VPCI_REG_BAR0, 4),
			 ~(SRIOV_BAR0_BYTES - 1u));
	vpci_write(f->guest, GUEST_VF, VPCI_REG_BAR0 + 8, 4, 0xffffffffu);
	vpci_write(f->guest, GUEST_VF, VPCI_REG_BAR0 + 12, 4, 0xffffffffu);
	assert_int_equal(vpci_read(f->guest, GUEST_VF, VPCI_REG_BAR0 + 8, 4),
			 (~(SRIOV_BAR2_BYTES - 1u) & ~0xfu) |
				 VPCI_BAR_MEM_TYPE_64 | VPCI_BAR_MEM_PREFETCH);
	vpci_write(f->guest, GUEST_VF, VPCI_REG_BAR0, 4, (uint32_t)gpa);
	vpci_write(f->guest, GUEST_VF, VPCI_REG_BAR0 + 8, 4, 0x90000000u);
	vpci_write(f->guest, GUEST_VF, VPCI_REG_BAR0 + 12, 4, 0);
	assert_int_equal(fake_mapped_frames(&f->fp, FIXTURE_GUEST_ID), 0);
	vpci_write(f->guest, GUEST_VF, VPCI_REG_COMMAND, 2, VPCI_CMD_MEMORY);
	assert_int_equal(vpci_read(f->guest, GUEST_VF, VPCI_REG_COMMAND, 2) &
				 VPCI_CMD_MEMORY,
			 VPCI_CMD_MEMORY);
	/* Frame 1 of BAR0 maps; frames 0 and 2 hold the MSI-X table and
	 * PBA and never do. */
	assert_true(fake_mapped_mfn(&f->fp, FIXTURE_GUEST_ID, (gpa >> 12) + 1,
				    &mfn));
	assert_int_equal(mfn, (host_bar0 >> 12) + 1);
	assert_false(fake_mapped_mfn(&f->fp, FIXTURE_GUEST_ID, gpa >> 12,
				     &mfn));
	assert_false(fake_mapped_mfn(&f->fp, FIXTURE_GUEST_ID,
				     (gpa >> 12) + 2, &mfn));
	assert_true(fake_mapped_mfn(&f->fp, FIXTURE_GUEST_ID,
				    0x90000000u >> 12, &mfn));
	assert_int_equal(mfn, (BAR2_BASE + SRIOV_BAR2_BYTES) >> 12);
	/* VF MSE off: the VF stops decoding, for the guest too. */
	hw_write(f, SRIOV_PF, SRIOV_CTRL, 2, SRIOV_VFE);
	assert_int_equal(fake_mapped_frames(&f->fp, FIXTURE_GUEST_ID), 0);
	hw_write(f, SRIOV_PF, SRIOV_CTRL, 2, SRIOV_VFE | SRIOV_MSE);
	assert_true(fake_mapped_mfn(&f->fp, FIXTURE_GUEST_ID, (gpa >> 12) + 1,
				    &mfn));
	/* The guest never sees the PF's SR-IOV capability; the hardware
	 * domain never sees the guest's BAR addresses. */
	assert_int_equal(vpci_read(f->hwdom, vf(1), VPCI_REG_BAR0, 4),
			 0xffffffffu);
	assert_int_equal(vpci_deassign_device(f->guest, vf(1), NULL), 0);
	assert_true(hw_maps(f, host_bar0 + 4096u));
}

static void a_pf_given_to_a_guest_hides_sr_iov(void **state)
{
	struct fixture *f = *state;

	pf_added(f);
	assert_int_equal(vpci_assign_device(f->guest, SRIOV_PF, GUEST_VF, NULL),
			 0);
	assert_int_equal(vpci_read(f->guest, GUEST_VF, SRIOV_POS, 4), 0);
	assert_int_equal(vpci_read(f->guest, GUEST_VF, SRIOV_TOTAL_VFS, 2), 0);
	vpci_write(f->guest, GUEST_VF, SRIOV_CTRL, 2, SRIOV_VFE);
	assert_null(vpci_device_find(f->host, vf(0)));
}

static void a_hidden_vf_is_the_hypervisors_from_the_start(void **state)
{
	struct fixture *f = *state;
	const char *why = NULL;

	pf_added(f);
	/* Hidden before it exists, as a hypervisor keeping a VF for itself
	 * would: the VF comes into being as the hypervisor's. */
	assert_int_equal(vpci_device_hide(f->host, vf(1), NULL), 0);
	enable(f, 2, SRIOV_VFE | SRIOV_MSE);
	assert_non_null(vpci_device_find(f->host, vf(1)));
	assert_true(vpci_device_is_hidden(f->host, vf(1)));
	assert_int_equal(vpci_assign_device(f->guest, vf(1), GUEST_VF, &why),
			 VPCI_EPERM);
	assert_int_equal(vpci_assign_device(f->guest, vf(0), GUEST_VF, &why),
			 0);
}

static void vf_bars_stay_under_a_read_only_vf(void **state)
{
	struct fixture *f = *state;
	struct fake_fn *pf = pf_added(f);

	/* A read-only VF's frames are claimed where its BARs are: moving
	 * the VF BAR would hand them to the hardware domain. */
	assert_int_equal(vpci_device_set_readonly(f->host, vf(1), NULL), 0);
	enable(f, 2, SRIOV_VFE);
	hw_write(f, SRIOV_PF, SRIOV_VF_BAR(0), 4, 0xd0000000u);
	assert_int_equal(fake_fn_get(pf, SRIOV_VF_BAR(0), 4), BAR0_BASE);
	hw_write(f, SRIOV_PF, SRIOV_CTRL, 2, SRIOV_VFE | SRIOV_MSE);
	assert_true(hw_maps(f, BAR0_BASE));
	assert_false(hw_maps(f, BAR0_BASE + SRIOV_BAR0_BYTES));
	/* Once the VFs are gone, it moves. */
	hw_write(f, SRIOV_PF, SRIOV_CTRL, 2, 0);
	hw_write(f, SRIOV_PF, SRIOV_VF_BAR(0), 4, 0xd0000000u);
	assert_int_equal(fake_fn_get(pf, SRIOV_VF_BAR(0), 4), 0xd0000000u);
}

static void the_hardware_domain_never_maps_a_vfs_msix_table(void **state)
{
	struct fixture *f = *state;

	/* With the interrupt hooks, MSI-X is emulated for the hardware
	 * domain: the table (BAR0 + 0) and PBA (BAR0 + 0x2000) frames of
	 * every VF stay unmapped, the rest of the BAR maps. */
	pf_added(f);
	enable(f, 2, SRIOV_VFE | SRIOV_MSE);
	assert_false(hw_maps(f, BAR0_BASE));
	assert_true(hw_maps(f, BAR0_BASE + 0x1000));
	assert_false(hw_maps(f, BAR0_BASE + 0x2000));
	assert_false(hw_maps(f, BAR0_BASE + SRIOV_BAR0_BYTES));
	assert_true(hw_maps(f, BAR0_BASE + SRIOV_BAR0_BYTES + 0x3000));
}

int main(void)
{
#define T(name)                                                                \
	cmocka_unit_test_setup_teardown(name, fixture_setup_hwdom_guest,       \
					fixture_teardown)
	const struct CMUnitTest tests[] = {
		T(vfs_appear_on_vf_enable_with_the_pf_vendor),
		T(num_vfs_above_total_vfs_is_refused),
		T(num_vfs_cannot_change_while_vfs_are_enabled),
		T(a_pf_whose_total_vfs_lies_gets_no_more),
		T(vf_enable_without_memory_creates_nothing),
		T(routing_ids_may_cross_a_bus),
		T(offset_and_stride_are_read_again_after_num_vfs),
		T(a_routing_id_taken_refuses_vf_enable),
		T(vfs_enabled_before_the_host_knew_the_pf_are_adopted),
		T(vfs_go_with_their_pf_but_not_on_their_own),
		T(vf_mse_maps_every_vf_bar_and_unmaps_on_clear),
		T(vf_bars_do_not_move_while_the_vfs_decode),
		T(a_vf_bar_past_4_gib_is_never_mapped),
		T(system_page_size_needs_vfs_off_and_one_supported_size),
		T(assigning_a_vf_not_enabled_says_why),
		T(vf_disable_is_refused_while_a_vf_is_assigned),
		T(vf_enable_sharing_a_guest_frame_is_refused),
		T(vfs_enabled_before_the_pf_was_added_over_a_guest_frame_go),
		T(a_vf_given_to_a_guest_is_an_ordinary_endpoint),
		T(a_pf_given_to_a_guest_hides_sr_iov),
		T(a_hidden_vf_is_the_hypervisors_from_the_start),
		T(vf_bars_stay_under_a_read_only_vf),
		cmocka_unit_test_setup_teardown(
			the_hardware_domain_never_maps_a_vfs_msix_table,
			fixture_setup_hwdom_guest_irq, fixture_teardown),
	};
#undef T
	return cmocka_run_group_tests(tests, NULL, NULL);
}
