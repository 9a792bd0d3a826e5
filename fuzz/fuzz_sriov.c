/* SPDX-License-Identifier: MIT */
/*
 * A hostile hardware domain and guest around an SR-IOV physical function
 * (tests/sriov_env.h): any config access by either domain (the PF's
 * SR-IOV registers above all: NumVFs, VF Enable, VF MSE, ARI, System Page
 * Size, VF BARs), VFs assigned and deassigned, hidden, pending work run,
 * with preemption and allocation failures, routing IDs that cross a bus
 * and VF BARs at the edge of 4 GiB. An ordinary function's BAR sits
 * where the VF BARs may be moved.
 *
 * The oracle, from the fake's records and the fuzzer's own knowledge of
 * which calls succeeded (never the core's state), after every step:
 *  - the hardware's NumVFs never exceeds TotalVFs (once the host knows
 *    the PF);
 *  - a VF the host knows has VF Enable set in its PF and an index below
 *    the hardware's NumVFs; a VF assigned to the guest still exists;
 *  - every frame mapped into the guest lies in VF n's slice (VF BAR i +
 *    n * size, as the hardware holds VF BAR i now) of a VF n the guest
 *    was given, and holds no byte of that VF's MSI-X table or PBA;
 *  - no frame mapped into the hardware domain lies in a slice of a VF the
 *    guest holds;
 *  - a guest's physical writes reach only its VFs' command and status
 *    (and Device Control/Status, which cap_pcie.c lets through);
 *  - the platform never saw a double map or an unmap of an unmapped frame.
 * At the end: host destroy leaves nothing mapped and nothing allocated.
 * Built with -DFUZZ_DEBUG, it prints each step (to read a crash).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "sriov_env.h"
#ifdef FUZZ_DEBUG
#include <stdio.h>
#define DBG(...) fprintf(stderr, __VA_ARGS__)
#else
#define DBG(...) ((void)0)
#endif

#define ECAM_BASE 0xe0000000ull
#define GUEST_DOMID 1u
#define NR_VFS SRIOV_TOTAL
#define OTHER VPCI_SBDF(0, 0, 2, 0)

struct model {
	unsigned int offset, stride;
	bool assigned[NR_VFS];
	struct fake_fn *pf;
	/* vpci_device_add() took the PF (no memory: it did not, and the
	 * hardware domain reaches it raw, as any function vPCI does not
	 * track). */
	bool pf_known;
};

static struct model m;

static vpci_sbdf_t vf_sbdf(unsigned int n)
{
	return sriov_vf_sbdf(m.offset, m.stride, n);
}

/* VF n's slice of VF BAR i (0 or 2) as the hardware holds it now; false
 * when it decodes nowhere a mapping could come from. */
static bool slice(unsigned int n, unsigned int i, uint64_t *first,
		  uint64_t *last)
{
	uint64_t size = i ? SRIOV_BAR2_BYTES : SRIOV_BAR0_BYTES;
	uint64_t base = fake_fn_get(m.pf, SRIOV_VF_BAR(i), 4) & ~0xfull;

	if (i)
		base |= (uint64_t)fake_fn_get(m.pf, SRIOV_VF_BAR(i + 1), 4)
			<< 32;
	base &= ~(size - 1);
	if (!base)
		return false;
	if (base + (n + 1) * size - 1 < base)
		return false;
	*first = (base + n * size) >> 12;
	*last = (base + (n + 1) * size - 1) >> 12;
	return !(i == 0 && (base + (n + 1) * size - 1) > 0xffffffffull);
}

static bool in_slice_of(unsigned int n, uint64_t frame)
{
	uint64_t f, l;
	unsigned int i;

	for (i = 0; i <= 2; i += 2)
		if (slice(n, i, &f, &l) && f <= frame && frame <= l)
			return true;
	return false;
}

/* The VF's MSI-X table (BAR0 + 0) and PBA (BAR0 + 0x2000) frames. */
static bool msix_frame_of(unsigned int n, uint64_t frame)
{
	uint64_t f, l;

	return slice(0 + n, 0, &f, &l) && (frame == f || frame == f + 2);
}

static void check(struct fake_platform *fp, struct vpci_host *host,
		  bool guest_step)
{
	uint16_t ctrl = (uint16_t)fake_fn_get(m.pf, SRIOV_CTRL, 2);
	unsigned int num = fake_fn_get(m.pf, SRIOV_NUM_VFS, 2), n;
	size_t r, a;

	if (fp->map_violations || (m.pf_known && num > SRIOV_TOTAL))
		abort();
	for (n = 0; n < NR_VFS; n++) {
		bool known = vpci_device_find(host, vf_sbdf(n)) != NULL;

		if (known && (!(ctrl & SRIOV_VFE) || n >= num))
			abort();
		if (m.assigned[n] && !known)
			abort();
	}
	for (r = 0; r < fp->nr_mappings; r++) {
		const struct fake_mapping *run = &fp->mappings[r];
		uint64_t k;

		for (k = 0; k < run->nr; k++) {
			uint64_t mfn = run->mfn + k;
			bool ok = run->domid != GUEST_DOMID;

			for (n = 0; n < NR_VFS; n++) {
				if (!m.assigned[n])
					continue;
				if (run->domid != GUEST_DOMID &&
				    in_slice_of(n, mfn)) {
					DBG("hwdom has mfn 0x%llx of VF %u\n",
					    (unsigned long long)mfn, n);
					abort();
				}
				if (run->domid == GUEST_DOMID &&
				    in_slice_of(n, mfn) && !msix_frame_of(n, mfn))
					ok = true;
			}
			if (!ok)
				abort();
		}
	}
	for (a = 0; guest_step && a < fp->nr_accesses; a++) {
		const struct fake_access *acc = &fp->accesses[a];
		bool ok = false;

		if (!acc->write)
			continue;
		/* Command and status; the PCI Express capability's Device
		 * Control and Status (cap_pcie.c lets MRRS and RW1C through). */
		for (n = 0; n < NR_VFS; n++)
			ok |= m.assigned[n] && acc->sbdf == vf_sbdf(n) &&
			      ((acc->reg >= VPCI_REG_COMMAND &&
				acc->reg + acc->size <= VPCI_REG_COMMAND + 4) ||
			       (acc->reg >= 0x48 && acc->reg + acc->size <= 0x4c));
		if (!ok)
			abort();
	}
}

static void build(struct fake_platform *fp, unsigned int layout)
{
	static const unsigned int routing[4][2] = {
		{0x80, 2}, {0xfe, 1}, {1, 1}, {0x10, 0x21},
	};
	static const uint32_t bar0[4] = {0xe0000000u, 0xffff4000u, 0,
					 0xfff00000u};
	static const uint64_t bar2[4] = {0x4000000000ull, 0, 0xfffffffffff00000ull,
					 0x100000000ull};
	struct fake_fn *other;

	memset(&m, 0, sizeof(m));
	m.offset = routing[layout & 3][0];
	m.stride = routing[layout & 3][1];
	m.pf = sriov_env_add(fp, m.offset, m.stride, NR_VFS);
	sriov_env_place(m.pf, bar0[(layout >> 2) & 3], bar2[(layout >> 4) & 3]);
	if (layout & 0x40) { /* VFs enabled by the firmware */
		fake_fn_set(m.pf, SRIOV_NUM_VFS, 2, 3);
		fake_fn_set(m.pf, SRIOV_CTRL, 2, SRIOV_VFE | SRIOV_MSE);
	}
	/* An ordinary function whose BAR the VF BARs may be moved onto. */
	other = fake_fn_add(fp, OTHER);
	fake_fn_set_header(other, 0x1af4, 0x1041, 0);
	fake_fn_set_bar(other, 0, 0x4000, 0);
	fake_fn_set_bar_addr(other, 0, 0xe0010000u);
	fake_fn_set(other, VPCI_REG_COMMAND, 2, VPCI_CMD_MEMORY);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_cursor c = {data, size};
	struct fake_platform fp;
	struct vpci_host *host;
	struct vpci_domain *hw, *guest;
	unsigned int knobs, layout, n;

	fake_platform_init(&fp);
	knobs = (unsigned int)fuzz_take(&c, 1);
	layout = (unsigned int)fuzz_take(&c, 1);
	build(&fp, layout);
	fp.map_budget_frames = knobs & 0x7;
	host = fuzz_host_with_guest(&fp, GUEST_DOMID, &hw, &guest);
	if (knobs & 0x80)
		fp.allocs_until_failure = (long)((knobs >> 3) & 0xf) * 5;
	vpci_domain_add_ecam(hw, ECAM_BASE, 0, 0, 3, NULL);
	vpci_domain_add_ecam(guest, ECAM_BASE, 0, 0, 0, NULL);
	m.pf_known = vpci_device_add(host, SRIOV_PF) == 0;
	vpci_device_add(host, OTHER);
	fp.record_accesses = true;
	check(&fp, host, false);

	while (c.left) {
		unsigned int op = (unsigned int)fuzz_take(&c, 1);
		unsigned int sz = 1u << (op >> 4 & 3);
		bool guest_step = false;
		uint64_t val = 0, addr;

		fake_clear_records(&fp);
		DBG("op 0x%02x ctrl 0x%x num %u bar0 0x%x\n", op,
		    fake_fn_get(m.pf, SRIOV_CTRL, 2),
		    fake_fn_get(m.pf, SRIOV_NUM_VFS, 2),
		    fake_fn_get(m.pf, SRIOV_VF_BAR(0), 4));
		switch (op & 7) {
		case 0:
		case 1: /* the PF's SR-IOV registers, by the hardware domain */
			addr = ECAM_BASE + (1u << 20) + SRIOV_POS +
			       (fuzz_take(&c, 1) & 0x3f);
			vpci_ecam_write(hw, addr, sz, fuzz_take(&c, 4));
			break;
		case 2: /* anything on buses 0-3, by the hardware domain */
			addr = ECAM_BASE + (fuzz_take(&c, 3) & 0x3fffff);
			vpci_ecam_write(hw, addr, sz, fuzz_take(&c, 4));
			break;
		case 3: /* anything the guest can name */
			guest_step = true;
			addr = ECAM_BASE + (fuzz_take(&c, 3) & 0xfffff);
			vpci_ecam_write(guest, addr, sz, fuzz_take(&c, 4));
			break;
		case 4:
			addr = ECAM_BASE + (fuzz_take(&c, 3) & 0x3fffff);
			vpci_ecam_read((op & 8) ? guest : hw, addr, sz, &val);
			break;
		case 5:
			n = (unsigned int)fuzz_take(&c, 1);
			if (vpci_assign_device(guest, vf_sbdf(n % NR_VFS),
					       VPCI_SBDF(0, 0, 1 + (n >> 3) % 31,
							 0),
					       NULL) == 0)
				m.assigned[n % NR_VFS] = true;
			break;
		case 6:
			n = (unsigned int)fuzz_take(&c, 1) % NR_VFS;
			if (vpci_deassign_device(guest, vf_sbdf(n), NULL) == 0)
				m.assigned[n] = false;
			break;
		default:
			n = (unsigned int)fuzz_take(&c, 1);
			if (n & 0x80)
				vpci_device_hide(host, vf_sbdf(n % NR_VFS), NULL);
			vpci_process_pending(hw);
			vpci_process_pending(guest);
			break;
		}
		check(&fp, host, guest_step);
	}

	fp.allocs_until_failure = -1;
	fp.fail_unmap_at = -1;
	if (vpci_host_destroy(host) || fp.nr_mappings || fp.live_allocs ||
	    fp.map_violations)
		abort();
	fake_platform_fini(&fp);
	return 0;
}
