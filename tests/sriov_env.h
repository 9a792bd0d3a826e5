/* SPDX-License-Identifier: MIT */
/*
 * An SR-IOV NIC on the fake platform, for the SR-IOV tests, benchmark and
 * fuzzer: a physical function with a PCI Express capability and an SR-IOV
 * capability at 0x100, and the fake functions its VFs answer as once
 * enabled (the core reads them only after VF Enable).
 *
 *  PF 0000:01:00.0, 8086:10c9; TotalVFs / NumVFs limit: SRIOV_TOTAL;
 *  First VF Offset / VF Stride as given (VF n at PF + offset + n*stride);
 *  VF Device ID 0x10ca; Supported Page Sizes 0x553, System Page Size 1;
 *  VF BAR0: 32-bit, SRIOV_BAR0_BYTES per VF;
 *  VF BAR2: 64-bit prefetchable, SRIOV_BAR2_BYTES per VF.
 *  Each VF: Vendor/Device 0xffff, PCIe endpoint at 0x40, MSI-X at 0x80
 *  (4 entries, table at BAR0 + 0, PBA at BAR0 + 0x2000), command register
 *  with only Bus Master writable, BARs reading 0.
 */
#ifndef TESTS_SRIOV_ENV_H
#define TESTS_SRIOV_ENV_H

#include "fake_platform.h"
#include "vpci/pci_regs.h"

#define SRIOV_PF VPCI_SBDF(0, 1, 0, 0)
#define SRIOV_POS 0x100u
#define SRIOV_TOTAL 8u
#define SRIOV_VF_DID 0x10cau
#define SRIOV_BAR0_BYTES 0x4000u
#define SRIOV_BAR2_BYTES 0x10000u

/* Register offsets in the PF's config space. */
#define SRIOV_CTRL (SRIOV_POS + 0x08u)
#define SRIOV_TOTAL_VFS (SRIOV_POS + 0x0eu)
#define SRIOV_NUM_VFS (SRIOV_POS + 0x10u)
#define SRIOV_OFFSET (SRIOV_POS + 0x14u)
#define SRIOV_STRIDE (SRIOV_POS + 0x16u)
#define SRIOV_SUP_PGSIZE (SRIOV_POS + 0x1cu)
#define SRIOV_SYS_PGSIZE (SRIOV_POS + 0x20u)
#define SRIOV_VF_BAR(i) (SRIOV_POS + 0x24u + 4u * (i))

#define SRIOV_VFE 0x1u
#define SRIOV_MSE 0x8u
#define SRIOV_ARI 0x10u

static inline vpci_sbdf_t sriov_vf_sbdf(unsigned int offset,
					unsigned int stride, unsigned int n)
{
	return SRIOV_PF + offset + n * stride;
}

static inline void sriov_add_pcie(struct fake_fn *fn, unsigned int next)
{
	fake_fn_set(fn, VPCI_REG_STATUS, 2, VPCI_STATUS_CAP_LIST);
	fake_fn_set(fn, VPCI_REG_CAP_PTR, 1, 0x40);
	fake_fn_set(fn, 0x40, 2, VPCI_CAP_ID_EXP | next << 8);
	fake_fn_set(fn, 0x42, 2, 0x0002); /* v2 endpoint */
}

/* The PF (not yet added to the host) with nr_vfs fake VFs behind it. */
static inline struct fake_fn *sriov_env_add(struct fake_platform *fp,
					    unsigned int offset,
					    unsigned int stride,
					    unsigned int nr_vfs)
{
	struct fake_fn *pf = fake_fn_add(fp, SRIOV_PF);
	unsigned int n;

	fake_fn_set_header(pf, 0x8086, 0x10c9, VPCI_HEADER_TYPE_NORMAL);
	sriov_add_pcie(pf, 0);
	fake_fn_set(pf, SRIOV_POS, 4, 0x0010u | 1u << 16);
	fake_fn_set(pf, SRIOV_POS + 0x0c, 2, SRIOV_TOTAL);
	fake_fn_set(pf, SRIOV_TOTAL_VFS, 2, SRIOV_TOTAL);
	fake_fn_set(pf, SRIOV_OFFSET, 2, offset);
	fake_fn_set(pf, SRIOV_STRIDE, 2, stride);
	fake_fn_set(pf, SRIOV_POS + 0x1a, 2, SRIOV_VF_DID);
	fake_fn_set(pf, SRIOV_SUP_PGSIZE, 4, 0x553);
	fake_fn_set(pf, SRIOV_SYS_PGSIZE, 4, 1);
	fake_fn_set_wmask(pf, SRIOV_CTRL, 2, 0x3f);
	fake_fn_set_wmask(pf, SRIOV_NUM_VFS, 2, 0xffff);
	fake_fn_set_wmask(pf, SRIOV_SYS_PGSIZE, 4, 0xffffffffu);
	fake_fn_set_wmask(pf, SRIOV_VF_BAR(0), 4,
			  ~(SRIOV_BAR0_BYTES - 1u) & ~0xfu);
	fake_fn_set(pf, SRIOV_VF_BAR(2), 4,
		    VPCI_BAR_MEM_TYPE_64 | VPCI_BAR_MEM_PREFETCH);
	fake_fn_set_wmask(pf, SRIOV_VF_BAR(2), 4,
			  ~(SRIOV_BAR2_BYTES - 1u) & ~0xfu);
	fake_fn_set_wmask(pf, SRIOV_VF_BAR(3), 4, 0xffffffffu);
	for (n = 0; n < nr_vfs; n++) {
		struct fake_fn *vf =
			fake_fn_add(fp, sriov_vf_sbdf(offset, stride, n));

		fake_fn_set_header(vf, 0xffff, 0xffff, VPCI_HEADER_TYPE_NORMAL);
		fake_fn_set_wmask(vf, VPCI_REG_COMMAND, 2, VPCI_CMD_MASTER);
		sriov_add_pcie(vf, 0x80);
		fake_fn_set(vf, 0x80, 2, VPCI_CAP_ID_MSIX);
		fake_fn_set(vf, 0x82, 2, 3); /* 4 entries */
		fake_fn_set_wmask(vf, 0x82, 2, 0xc000);
		fake_fn_set(vf, 0x84, 4, 0x0000); /* table: BAR0 + 0 */
		fake_fn_set(vf, 0x88, 4, 0x2000); /* PBA: BAR0 + 0x2000 */
	}
	return pf;
}

/* The VF BARs' addresses, as the hardware domain would program them. */
static inline void sriov_env_place(struct fake_fn *pf, uint32_t bar0,
				   uint64_t bar2)
{
	/* Only address bits the register implements (as hardware). */
	bar0 &= ~(SRIOV_BAR0_BYTES - 1u);
	bar2 &= ~(uint64_t)(SRIOV_BAR2_BYTES - 1u);
	fake_fn_set(pf, SRIOV_VF_BAR(0), 4, bar0);
	fake_fn_set(pf, SRIOV_VF_BAR(2), 4,
		    (uint32_t)bar2 | VPCI_BAR_MEM_TYPE_64 |
			    VPCI_BAR_MEM_PREFETCH);
	fake_fn_set(pf, SRIOV_VF_BAR(3), 4, (uint32_t)(bar2 >> 32));
}

#endif /* TESTS_SRIOV_ENV_H */
