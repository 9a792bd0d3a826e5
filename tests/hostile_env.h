/* SPDX-License-Identifier: MIT */
/*
 * Scenery for the hostile-access tests (test_hostile_access.c,
 * test_hostile_registers.c): a hardware domain and a guest, each with an
 * ECAM window, and one function with RW1C error bits latched in the
 * hardware, the hardware domain's or assigned to the guest.
 */
#ifndef TESTS_HOSTILE_ENV_H
#define TESTS_HOSTILE_ENV_H

#include <stdlib.h>

#include "caps_env.h"
#include "sriov_env.h"

/* A small deterministic generator: the same sequence on every run. */
static inline uint32_t next_rand(uint64_t *s)
{
	*s = *s * 6364136223846793005ull + 1442695040888963407ull;
	return (uint32_t)(*s >> 33);
}

/* The function under attack: the capable NIC (caps_env.h), a VF of the
 * SR-IOV NIC (sriov_env.h), or the NIC with platform registers in the
 * gap bytes of dwords the library also serves (hostile_quirks); the
 * hardware domain's or assigned to the guest at VDEV. */
enum hostile_kind { HOSTILE_NIC, HOSTILE_VF, HOSTILE_QUIRKS };

struct hostile {
	struct fixture f; /* first: tests pass &h->f around */
	vpci_sbdf_t phys; /* the function as the host knows it */
	unsigned int pcie_pos;
	uint32_t quirk[5]; /* the platform registers' latches */
};

static inline struct hostile *hostile_of(struct fixture *e)
{
	return (struct hostile *)(void *)e;
}

static inline struct fake_fn *target_fn(struct fixture *e)
{
	return fake_fn_find(&e->fp, hostile_of(e)->phys);
}

/* Each domain's ECAM window from bus 0 of segment 0 (DEV is on bus 3,
 * the VF on bus 1, VDEV on bus 0). */
#define ECAM_BASE 0xb0000000ull

static inline uint64_t ecam_gpa(struct fixture *e, bool guest, unsigned int reg)
{
	vpci_sbdf_t sbdf = guest ? VDEV : hostile_of(e)->phys;

	return ECAM_BASE + ((uint64_t)(sbdf & 0xffffu) << 12) + reg;
}

static inline struct view view_of(struct fixture *e, bool guest)
{
	return guest ? (struct view){e->guest, VDEV}
		     : (struct view){e->hwdom, hostile_of(e)->phys};
}

/* Every 2- and 4-byte read at every offset of [from, to) reads what its
 * bytes read one by one. */
static inline void assert_reads_agree_with_bytes(struct fixture *e,
						 const struct view *v,
						 unsigned int from,
						 unsigned int to)
{
	unsigned int reg, size, i;

	for (size = 2; size <= 4; size += 2)
		for (reg = from; reg + size <= to; reg++) {
			uint32_t want = 0, got = view_read(e, v, reg, size);

			for (i = 0; i < size; i++)
				want |= view_read(e, v, reg + i, 1) << (i * 8u);
			if (got != want)
				fail_msg(
					"%u bytes at 0x%x read 0x%x, its bytes "
					"0x%x",
					size, reg, got, want);
		}
}

/* RW1C error bits latched in the hardware's status and PCIe Device
 * Status, as after errors. */
static inline void arm_errors(struct fixture *e)
{
	struct fake_fn *fn = target_fn(e);
	unsigned int devsta = hostile_of(e)->pcie_pos + 0xau;

	fake_fn_set(fn, VPCI_REG_STATUS, 2,
		    fake_fn_get(fn, VPCI_REG_STATUS, 2) | 0xf900u);
	fake_fn_set(fn, devsta, 2, fake_fn_get(fn, devsta, 2) | 0x000fu);
}

/* A VF of the SR-IOV NIC, enabled by the hardware domain: VF 0 at
 * 01:02.0 (First VF Offset 0x10, stride 1). */
#define HOSTILE_VF_OFFSET 0x10u

static inline vpci_sbdf_t add_hostile_vf(struct fixture *e)
{
	struct fake_fn *pf = sriov_env_add(&e->fp, HOSTILE_VF_OFFSET, 1, 2);
	vpci_sbdf_t vf = sriov_vf_sbdf(HOSTILE_VF_OFFSET, 1, 0);

	sriov_env_place(pf, 0xf0000000u, 0x600000000ull);
	assert_int_equal(vpci_device_add(e->host, SRIOV_PF), 0);
	vpci_write(e->hwdom, SRIOV_PF, SRIOV_NUM_VFS, 2, 2);
	vpci_write(e->hwdom, SRIOV_PF, SRIOV_CTRL, 2, SRIOV_VFE | SRIOV_MSE);
	assert_non_null(vpci_device_find(e->host, vf));
	/* Its IDs come from the PF (the VF's own read 0xffff). */
	assert_int_equal(vpci_read(e->hwdom, vf, VPCI_REG_VENDOR_ID, 4),
			 0x8086u | SRIOV_VF_DID << 16);
	fake_fn_set_w1cmask(fake_fn_find(&e->fp, vf), VPCI_REG_STATUS, 2,
			    0xf900);
	fake_fn_set_w1cmask(fake_fn_find(&e->fp, vf), 0x40 + 0xa, 2, 0x000f);
	return vf;
}

/*
 * The platform's registers (device_init), each a latch in a dword whose
 * other bytes are the library's registers or gaps: the guest's BIST
 * (beside the cache line / latency / header type dword register) and
 * CardBus CIS; the hardware domain's latency timer and BIST (a dword of
 * gap, register, gap, register); in both views a word in an extended
 * dword after a gap word.
 */
static inline int hostile_quirks(void *ctx, struct vpci_dev *dev,
				 enum vpci_view view)
{
	struct hostile *h = ctx;
	uint32_t *q = h->quirk;
	int rc;

	if (view == VPCI_VIEW_GUEST) {
		rc = vpci_add_register(dev, vpci_read_val, vpci_write_val,
				       VPCI_REG_BIST, 1, &q[0], NULL);
		if (!rc)
			rc = vpci_add_register(dev, vpci_read_val,
					       vpci_write_val, 0x28, 4, &q[1],
					       NULL);
	} else {
		rc = vpci_add_register(dev, vpci_read_val, vpci_write_val,
				       VPCI_REG_LATENCY_TIMER, 1, &q[2], NULL);
		if (!rc)
			rc = vpci_add_register(dev, vpci_read_val,
					       vpci_write_val, VPCI_REG_BIST, 1,
					       &q[3], NULL);
	}
	if (!rc)
		rc = vpci_add_register(dev, vpci_read_val, vpci_write_val,
				       0x16e, 2, &q[4], NULL);
	assert_int_equal(rc, 0);
	return rc;
}

static inline struct fixture *new_env_of(enum hostile_kind kind, bool guest)
{
	struct hostile *h = calloc(1, sizeof(*h));
	struct fixture *e = &h->f;

	assert_non_null(h);
	fixture_init(e);
	fake_enable_irq_hooks(&e->fp);
	if (kind == HOSTILE_QUIRKS)
		e->fp.ops.device_init = hostile_quirks;
	fixture_create_host(e, 0);
	fixture_create_hwdom(e);
	fixture_create_guest(e, GUEST);
	assert_int_equal(
		vpci_domain_add_ecam(e->hwdom, ECAM_BASE, 0, 0, 3, NULL), 0);
	assert_int_equal(
		vpci_domain_add_ecam(e->guest, ECAM_BASE, 0, 0, 0, NULL), 0);
	if (kind == HOSTILE_VF) {
		h->phys = add_hostile_vf(e);
		h->pcie_pos = 0x40;
	} else {
		h->phys = DEV;
		h->pcie_pos = EXP_POS;
		fake_fn_set_w1cmask(add_capable_nic(e, 0), VPCI_REG_STATUS, 2,
				    0xf900);
	}
	arm_errors(e);
	if (guest)
		assert_int_equal(
			vpci_assign_device(e->guest, h->phys, VDEV, NULL), 0);
	if (kind == HOSTILE_QUIRKS) { /* the platform's registers are in */
		struct view v = view_of(e, guest);

		h->quirk[guest ? 0 : 3] = 0xa5;
		h->quirk[4] = 0x1234;
		assert_int_equal(view_read(e, &v, VPCI_REG_BIST, 1), 0xa5);
		assert_int_equal(view_read(e, &v, 0x16e, 2), 0x1234);
	}
	return e;
}

/* The capable NIC, the hardware domain's or the guest's. */
static inline struct fixture *new_env(bool guest)
{
	return new_env_of(HOSTILE_NIC, guest);
}

static inline void free_env(struct fixture *e)
{
	fixture_fini(e);
	free(hostile_of(e));
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

#endif /* TESTS_HOSTILE_ENV_H */
