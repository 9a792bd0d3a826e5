/* SPDX-License-Identifier: MIT */
/*
 * Scenery for the hostile-access tests (test_hostile_access.c,
 * test_hostile_registers.c): the capable NIC of caps_env.h with RW1C
 * error bits latched in the hardware, a hardware domain and a guest, each
 * with an ECAM window, and the NIC either the hardware domain's or
 * assigned to the guest.
 */
#ifndef TESTS_HOSTILE_ENV_H
#define TESTS_HOSTILE_ENV_H

#include "caps_env.h"

/* A small deterministic generator: the same sequence on every run. */
static inline uint32_t next_rand(uint64_t *s)
{
	*s = *s * 6364136223846793005ull + 1442695040888963407ull;
	return (uint32_t)(*s >> 33);
}

/* Each domain's ECAM window from bus 0 of segment 0 (DEV is on bus 3,
 * VDEV on bus 0). */
#define ECAM_BASE 0xb0000000ull

static inline uint64_t ecam_gpa(bool guest, unsigned int reg)
{
	return ECAM_BASE + ((uint64_t)((guest ? VDEV : DEV) & 0xffffu) << 12) +
	       reg;
}

/* The capable NIC (caps_env.h) with RW1C bits set in its status and
 * PCIe Device Status, as the hardware would latch errors. */
static inline struct fake_fn *add_armed_nic(struct fixture *e)
{
	struct fake_fn *fn = add_capable_nic(e, 0);

	fake_fn_set_w1cmask(fn, VPCI_REG_STATUS, 2, 0xf900);
	return fn;
}

static inline void arm_errors(struct fake_fn *fn)
{
	fake_fn_set(fn, VPCI_REG_STATUS, 2,
		    fake_fn_get(fn, VPCI_REG_STATUS, 2) | 0xf900u);
	fake_fn_set(fn, EXP_POS + 0xa, 2,
		    fake_fn_get(fn, EXP_POS + 0xa, 2) | 0x000fu);
}

static inline struct fixture *new_env(bool guest)
{
	struct fixture *e = fixture_new(0, true);

	fixture_create_hwdom(e);
	fixture_create_guest(e, GUEST);
	assert_int_equal(
		vpci_domain_add_ecam(e->hwdom, ECAM_BASE, 0, 0, 3, NULL), 0);
	assert_int_equal(
		vpci_domain_add_ecam(e->guest, ECAM_BASE, 0, 0, 0, NULL), 0);
	arm_errors(add_armed_nic(e));
	if (guest)
		assign(e);
	return e;
}

/* val written at reg (size bytes) with the memory decoding bit of the
 * command register, if the access covers it, cleared. */
static inline uint32_t without_decoding(unsigned int reg, unsigned int size,
					uint32_t val)
{
	if (reg <= VPCI_REG_COMMAND && reg + size > VPCI_REG_COMMAND)
		val &= ~((uint32_t)VPCI_CMD_MEMORY
			 << ((VPCI_REG_COMMAND - reg) * 8u));
	return size < 4 ? val & ((1u << (size * 8u)) - 1u) : val;
}

static inline struct view view_of(struct fixture *e, bool guest)
{
	return guest ? guest_view(e) : hw_view(e);
}

#endif /* TESTS_HOSTILE_ENV_H */
