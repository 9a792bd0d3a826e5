/* SPDX-License-Identifier: MIT */
/*
 * Tearing down (docs/header.md, "What a domain can never get", rules 4
 * and 6): turning decoding or a ROM off, deassigning, removing a function
 * and destroying a domain or the host need no memory and leave nothing
 * mapped; an unmap the platform fails is returned, stays recorded and is
 * retried by every later call that sweeps, destroy included.
 *
 * The scenery makes teardown cut shared index segments: two functions
 * whose 4 KiB BARs and ROMs alternate in host memory, placed by the guest
 * with one translation, so the frames of both form a single run in each
 * of the core's indexes and taking one function out splits that run once
 * per BAR. Whatever the core reserves must cover every cut, because here
 * no allocation succeeds once the BARs are mapped.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "header_env.h"

#define DEV_B  VPCI_SBDF(0, 3, 1, 0)
#define VDEV_B VPCI_SBDF(0, 0, 6, 0)

/*
 * Host frame HOST_MFN + k, k = 0..13: A's BAR k/2 for even k < 12, B's
 * BAR k/2 for odd k < 12, B's ROM at 12, A's ROM at 13. The guest puts
 * frame k at GUEST_GFN + k.
 */
#define HOST_MFN  0xfe000ull
#define GUEST_GFN 0xc0000ull
#define NR_FRAMES 14u
#define ROM_B	  12u
#define ROM_A	  13u

static bool frame_is_a(unsigned int k)
{
	return k == ROM_A || (k < 12 && !(k & 1));
}

static void add_pair_fn(struct fixture *e, vpci_sbdf_t sbdf, unsigned int first,
			unsigned int rom, bool enabled)
{
	struct fake_fn *fn = fake_fn_add(&e->fp, sbdf);
	unsigned int i;

	fake_fn_set_header(fn, 0x8086, 0x10d3, VPCI_HEADER_TYPE_NORMAL);
	for (i = 0; i < 6; i++) {
		fake_fn_set_bar(fn, i, 0x1000, 0);
		fake_fn_set_bar_addr(fn, i, (HOST_MFN + first + 2 * i) << 12);
	}
	fake_fn_set_rom(fn, VPCI_REG_ROM_ADDRESS, 0x1000,
			(uint32_t)((HOST_MFN + rom) << 12), enabled);
	fake_fn_set(fn, VPCI_REG_COMMAND, 2, enabled ? VPCI_CMD_MEMORY : 0);
	assert_int_equal(vpci_device_add(e->host, sbdf), 0);
}

/* Both functions, with the hardware domain (decoding on) or assigned. */
static void add_pair(struct fixture *e, bool enabled)
{
	add_pair_fn(e, DEV, 0, ROM_A, enabled);
	add_pair_fn(e, DEV_B, 1, ROM_B, enabled);
}

/* The guest places both functions' BARs and ROMs, one translation for
 * all, and turns decoding and the ROMs on. */
static void assign_and_enable_pair(struct fixture *e)
{
	static const vpci_sbdf_t vsbdf[2] = {VDEV, VDEV_B};
	unsigned int f, i;

	assert_int_equal(vpci_assign_device(e->guest, DEV, VDEV, NULL), 0);
	assert_int_equal(vpci_assign_device(e->guest, DEV_B, VDEV_B, NULL), 0);
	for (f = 0; f < 2; f++) {
		uint32_t rom =
			(uint32_t)((GUEST_GFN + (f ? ROM_B : ROM_A)) << 12);

		for (i = 0; i < 6; i++)
			vpci_write(e->guest, vsbdf[f], 0x10 + 4 * i, 4,
				   (uint32_t)((GUEST_GFN + f + 2 * i) << 12));
		vpci_write(e->guest, vsbdf[f], VPCI_REG_ROM_ADDRESS, 4,
			   rom | VPCI_ROM_ENABLE);
		vpci_write(e->guest, vsbdf[f], VPCI_REG_COMMAND, 2,
			   VPCI_CMD_MEMORY);
	}
}

/* Exactly the frames k for which keep(k) holds are mapped into domid, at
 * base + k, and nothing else is. */
static void assert_pair_frames(struct fixture *e, uint32_t domid, uint64_t base,
			       bool (*keep)(unsigned int))
{
	uint64_t expected = 0, mfn;
	unsigned int k;

	for (k = 0; k < NR_FRAMES; k++) {
		bool mapped = fake_mapped_mfn(&e->fp, domid, base + k, &mfn);

		assert_int_equal(mapped, keep(k));
		if (mapped) {
			assert_int_equal(mfn, HOST_MFN + k);
			expected++;
		}
	}
	assert_int_equal(fake_mapped_frames(&e->fp, domid), expected);
	assert_int_equal(e->fp.map_violations, 0);
}

static bool all_frames(unsigned int k)
{
	(void)k;
	return true;
}

static bool a_frames(unsigned int k)
{
	return frame_is_a(k);
}

static bool all_but_rom_b(unsigned int k)
{
	return k != ROM_B;
}

static bool a_bars_and_b_frames(unsigned int k)
{
	return k != ROM_A;
}

static bool b_bars(unsigned int k)
{
	return !frame_is_a(k) && k != ROM_B;
}

static bool no_frames(unsigned int k)
{
	(void)k;
	return false;
}

/* ------------------------------------- rule 4: teardown needs no memory */

/* What the guest side tears down while no allocation succeeds. */
enum guest_teardown {
	GUEST_B_DECODING_OFF,
	GUEST_B_ROM_OFF,
	GUEST_A_ROM_OFF,
	GUEST_DEASSIGN_B,
	GUEST_DESTROY,
	GUEST_HOST_DESTROY,
	NR_GUEST_TEARDOWNS,
};

/* Sets the pair up (given to the guest, or left with the hardware
 * domain), runs one way of tearing part of it down while no allocation
 * succeeds, then destroys the host, still without memory: nothing may
 * stay mapped. */
static void without_memory(bool hwdom, unsigned int how,
			   void (*tear)(struct fixture *e, unsigned int how))
{
	void *st;
	struct fixture *e;

	fixture_setup_hwdom_guest(&st);
	e = st;
	add_pair(e, hwdom);
	if (hwdom) {
		assert_pair_frames(e, HW, HOST_MFN, all_frames);
	} else {
		assign_and_enable_pair(e);
		assert_pair_frames(e, GUEST, GUEST_GFN, all_frames);
	}
	e->fp.allocs_until_failure = 0;
	tear(e, how);
	assert_int_equal(vpci_host_destroy(e->host), 0);
	e->host = NULL;
	assert_int_equal(e->fp.nr_mappings, 0);
	e->fp.allocs_until_failure = -1;
	fixture_teardown(&st);
}

static void guest_tear(struct fixture *e, unsigned int how)
{
	switch (how) {
	case GUEST_B_DECODING_OFF:
		vpci_write(e->guest, VDEV_B, VPCI_REG_COMMAND, 2, 0);
		/* Its ROM goes too: a ROM decodes only while memory
		 * decoding is on. */
		assert_pair_frames(e, GUEST, GUEST_GFN, a_frames);
		break;
	case GUEST_B_ROM_OFF:
		vpci_write(e->guest, VDEV_B, VPCI_REG_ROM_ADDRESS, 4,
			   (uint32_t)((GUEST_GFN + ROM_B) << 12));
		assert_pair_frames(e, GUEST, GUEST_GFN, all_but_rom_b);
		break;
	case GUEST_A_ROM_OFF:
		vpci_write(e->guest, VDEV, VPCI_REG_ROM_ADDRESS, 4,
			   (uint32_t)((GUEST_GFN + ROM_A) << 12));
		assert_pair_frames(e, GUEST, GUEST_GFN, a_bars_and_b_frames);
		break;
	case GUEST_DEASSIGN_B:
		assert_int_equal(vpci_deassign_device(e->guest, DEV_B, NULL),
				 0);
		assert_pair_frames(e, GUEST, GUEST_GFN, a_frames);
		break;
	case GUEST_DESTROY:
		assert_int_equal(vpci_domain_destroy(e->guest), 0);
		e->guest = NULL;
		assert_pair_frames(e, GUEST, GUEST_GFN, no_frames);
		break;
	default: /* GUEST_HOST_DESTROY: the host destroy alone */
		break;
	}
}

static void guest_teardown_cutting_shared_runs_needs_no_memory(void **state)
{
	unsigned int how;

	(void)state;
	for (how = 0; how < NR_GUEST_TEARDOWNS; how++)
		without_memory(false, how, guest_tear);
}

/* What the hardware domain's side tears down while no allocation
 * succeeds: its frames are mapped 1:1, so both functions' frames form one
 * run there without any help. */
enum hwdom_teardown {
	HW_B_DECODING_OFF,
	HW_B_ROM_OFF,
	HW_REMOVE_B,
	HW_DESTROY,
	NR_HW_TEARDOWNS,
};

static void hwdom_tear(struct fixture *e, unsigned int how)
{
	switch (how) {
	case HW_B_DECODING_OFF:
		vpci_write(e->hwdom, DEV_B, VPCI_REG_COMMAND, 2, 0);
		assert_pair_frames(e, HW, HOST_MFN, a_frames);
		assert_int_equal(vpci_process_pending(e->hwdom), 0);
		break;
	case HW_B_ROM_OFF:
		vpci_write(e->hwdom, DEV_B, VPCI_REG_ROM_ADDRESS, 4,
			   (uint32_t)((HOST_MFN + ROM_B) << 12));
		assert_pair_frames(e, HW, HOST_MFN, all_but_rom_b);
		break;
	case HW_REMOVE_B:
		assert_int_equal(vpci_device_remove(e->host, DEV_B), 0);
		assert_pair_frames(e, HW, HOST_MFN, a_frames);
		break;
	case HW_DESTROY:
		assert_int_equal(vpci_domain_destroy(e->hwdom), 0);
		e->hwdom = NULL;
		assert_pair_frames(e, HW, HOST_MFN, no_frames);
		break;
	default:
		break;
	}
}

static void hwdom_teardown_cutting_shared_runs_needs_no_memory(void **state)
{
	unsigned int how;

	(void)state;
	for (how = 0; how < NR_HW_TEARDOWNS; how++)
		without_memory(true, how, hwdom_tear);
}

/* ---------------------------- rule 6: a failed unmap is not forgotten */

/* How the guest side tears B down while every unmap fails, and what it
 * must say: the call's own error, or for a register write (which returns
 * nothing) the next vpci_process_pending(). */
enum guest_failing {
	FAIL_B_DECODING_OFF,
	FAIL_B_ROM_OFF,
	FAIL_DEASSIGN_B,
	FAIL_DESTROY,
	NR_GUEST_FAILING,
};

/* The later call that, unmaps working again, must remove what is left. */
enum retry {
	RETRY_PROCESS_PENDING,
	RETRY_DEASSIGN_A, /* sweeps the whole domain, not only A's frames */
	RETRY_DESTROY,
	RETRY_HOST_DESTROY,
	NR_RETRIES,
};

static int guest_fail(struct fixture *e, unsigned int how)
{
	switch (how) {
	case FAIL_B_DECODING_OFF:
		vpci_write(e->guest, VDEV_B, VPCI_REG_COMMAND, 2, 0);
		return vpci_process_pending(e->guest);
	case FAIL_B_ROM_OFF:
		vpci_write(e->guest, VDEV_B, VPCI_REG_ROM_ADDRESS, 4,
			   (uint32_t)((GUEST_GFN + ROM_B) << 12));
		return vpci_process_pending(e->guest);
	case FAIL_DEASSIGN_B:
		return vpci_deassign_device(e->guest, DEV_B, NULL);
	default:
		return vpci_domain_destroy(e->guest);
	}
}

/* Was B (host frames 1, 3, ..., 11 and ROM_B) still mapped into domid,
 * each frame where it was? */
static bool b_left_mapped(struct fixture *e, uint32_t domid, uint64_t base,
			  unsigned int how)
{
	uint64_t mfn;
	unsigned int k;

	for (k = 0; k < NR_FRAMES; k++) {
		if (frame_is_a(k) || (how == FAIL_B_ROM_OFF && k != ROM_B))
			continue;
		if (!fake_mapped_mfn(&e->fp, domid, base + k, &mfn) ||
		    mfn != HOST_MFN + k)
			return false;
	}
	return true;
}

static void failed_guest_unmap_is_returned_and_retried(void **state)
{
	unsigned int how, retry;

	(void)state;
	for (how = 0; how < NR_GUEST_FAILING; how++)
		for (retry = 0; retry < NR_RETRIES; retry++) {
			void *st;
			struct fixture *e;

			if (how == FAIL_DESTROY && retry == RETRY_DEASSIGN_A)
				continue; /* A went back with the domain */
			fixture_setup_hwdom_guest(&st);
			e = st;
			add_pair(e, false);
			assign_and_enable_pair(e);
			e->fp.map_error = VPCI_EIO;
			assert_int_equal(guest_fail(e, how), VPCI_EIO);
			assert_true(b_left_mapped(e, GUEST, GUEST_GFN, how));
			/* Still failing: still reported, not forgotten after
			 * one retry. */
			assert_int_equal(vpci_process_pending(e->guest),
					 VPCI_EIO);
			if (how == FAIL_DESTROY)
				assert_int_equal(vpci_domain_destroy(e->guest),
						 VPCI_EIO);
			assert_true(b_left_mapped(e, GUEST, GUEST_GFN, how));
			e->fp.map_error = 0;
			switch (retry) {
			case RETRY_PROCESS_PENDING:
				assert_int_equal(vpci_process_pending(e->guest),
						 0);
				assert_pair_frames(
					e, GUEST, GUEST_GFN,
					how == FAIL_B_ROM_OFF ? all_but_rom_b
					: how == FAIL_DESTROY ? no_frames
							      : a_frames);
				break;
			case RETRY_DEASSIGN_A:
				assert_int_equal(vpci_deassign_device(
							 e->guest, DEV, NULL),
						 0);
				assert_pair_frames(e, GUEST, GUEST_GFN,
						   how == FAIL_B_ROM_OFF
							   ? b_bars
							   : no_frames);
				break;
			case RETRY_DESTROY:
				assert_int_equal(vpci_domain_destroy(e->guest),
						 0);
				e->guest = NULL;
				assert_pair_frames(e, GUEST, GUEST_GFN,
						   no_frames);
				break;
			default:
				assert_int_equal(vpci_host_destroy(e->host), 0);
				e->host = NULL;
				break;
			}
			fixture_teardown(
				&st); /* nothing mapped after host destroy */
		}
}

/* The hardware domain's side: decoding off, a ROM disabled, a function
 * removed, with unmaps failing; retried by process_pending, by an
 * assignment (which must first take every stale frame from the hardware
 * domain), by destroying the hardware domain, and by host destroy. */
static void failed_hwdom_unmap_is_returned_and_retried(void **state)
{
	unsigned int how, retry;

	(void)state;
	for (how = 0; how < 3; how++)
		for (retry = 0; retry < NR_RETRIES; retry++) {
			void *st;
			struct fixture *e;
			int rc;

			fixture_setup_hwdom_guest(&st);
			e = st;
			add_pair(e, true);
			e->fp.map_error = VPCI_EIO;
			if (how == 0) {
				vpci_write(e->hwdom, DEV_B, VPCI_REG_COMMAND, 2,
					   0);
				rc = vpci_process_pending(e->hwdom);
			} else if (how == 1) {
				vpci_write(
					e->hwdom, DEV_B, VPCI_REG_ROM_ADDRESS,
					4,
					(uint32_t)((HOST_MFN + ROM_B) << 12));
				rc = vpci_process_pending(e->hwdom);
			} else {
				rc = vpci_device_remove(e->host, DEV_B);
			}
			assert_int_equal(rc, VPCI_EIO);
			assert_true(
				b_left_mapped(e, HW, HOST_MFN,
					      how == 1 ? FAIL_B_ROM_OFF
						       : FAIL_B_DECODING_OFF));
			assert_int_equal(vpci_process_pending(e->hwdom),
					 VPCI_EIO);
			/* Nor can a guest get a function while the hardware
			 * domain may still hold frames it should not. */
			assert_int_equal(
				vpci_assign_device(e->guest, DEV, VDEV, NULL),
				VPCI_EIO);
			e->fp.map_error = 0;
			switch (retry) {
			case RETRY_PROCESS_PENDING:
				assert_int_equal(vpci_process_pending(e->hwdom),
						 0);
				assert_pair_frames(e, HW, HOST_MFN,
						   how == 1 ? all_but_rom_b
							    : a_frames);
				break;
			case RETRY_DEASSIGN_A: /* here: assigning A */
				assert_int_equal(vpci_assign_device(e->guest,
								    DEV, VDEV,
								    NULL),
						 0);
				assert_pair_frames(e, HW, HOST_MFN,
						   how == 1 ? b_bars
							    : no_frames);
				break;
			case RETRY_DESTROY:
				assert_int_equal(vpci_domain_destroy(e->hwdom),
						 0);
				e->hwdom = NULL;
				assert_pair_frames(e, HW, HOST_MFN, no_frames);
				break;
			default:
				assert_int_equal(vpci_host_destroy(e->host), 0);
				e->host = NULL;
				break;
			}
			fixture_teardown(&st);
		}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
			guest_teardown_cutting_shared_runs_needs_no_memory),
		cmocka_unit_test(
			hwdom_teardown_cutting_shared_runs_needs_no_memory),
		cmocka_unit_test(failed_guest_unmap_is_returned_and_retried),
		cmocka_unit_test(failed_hwdom_unmap_is_returned_and_retried),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
