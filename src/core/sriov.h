/* SPDX-License-Identifier: MIT */
/*
 * SR-IOV, private to the core: a physical function's SR-IOV state (kept
 * for as long as the host knows the function, whoever owns it and
 * whatever view is built) and the hooks the header, the BAR placement,
 * the frame guard and assignment call for virtual functions. The
 * capability's registers are cap_sriov.c's; VFs coming and going is
 * sriov_vf.c's. Behaviour: docs/capabilities.md, "SR-IOV".
 */
#ifndef VPCI_SRIOV_H
#define VPCI_SRIOV_H

#include "internal.h"

/* The capability's registers are in vpci/pci_regs.h. */
#define VPCI_SRIOV_NR_BARS 6u

/*
 * The most VFs one PF may enable. Each costs a function's state (header,
 * registers, capabilities), so a hostile device claiming 65535 must not
 * make the hardware domain's enable exhaust the hypervisor. Real devices
 * stay far below (2048 is the largest TotalVFs we know of).
 */
#define VPCI_SRIOV_MAX_VFS 2048u

/* A VF BAR of the capability: the whole range of NumVFs VF BARs. */
struct vpci_sriov_bar {
	uint64_t base;      /* address programmed (whole 64-bit value) */
	uint64_t size_bytes; /* one VF's BAR; 0: not implemented */
	uint64_t addr_mask; /* address bits the register implements */
	uint8_t kind;       /* VPCI_BAR_MEM32 / MEM64 / MEM64_HI / NONE */
	uint8_t flags;      /* read-only low bits: type, prefetchable */
	/* A sizing probe while the VFs decode, answered by vPCI. */
	bool probe_lo;
	bool probe_hi;
};

struct vpci_sriov {
	struct vpci_dev *pf;
	uint16_t pos;        /* the capability's offset */
	uint16_t total_vfs;  /* TotalVFs, clamped to VPCI_SRIOV_MAX_VFS */
	uint16_t vf_device;  /* VF Device ID */
	uint16_t pf_vendor;  /* the PF's vendor: VFs read 0xffff there */
	uint16_t ctrl;       /* SR-IOV Control as vPCI applied it */
	uint16_t num_vfs;    /* NumVFs as the hardware holds it */
	uint16_t offset;     /* First VF Offset, re-read as it may change */
	uint16_t stride;     /* VF Stride, likewise */
	uint32_t page_bytes; /* System Page Size in bytes */
	struct vpci_sriov_bar bars[VPCI_SRIOV_NR_BARS];
	struct vpci_dev **vfs; /* nr_vfs functions while VF Enable is set */
	uint16_t nr_vfs;
};

/* ------------------------------------------------ lifecycle (sriov_vf.c) */

/* Find pf's SR-IOV capability and size its VF BARs (pf->sriov; none:
 * NULL). Called when the host learns of a function. Errors: VPCI_ENOMEM. */
int vpci_sriov_probe(struct vpci_dev *pf);
/* VFs the firmware (or a previous owner) enabled before the host knew the
 * PF: create them as if enabled now (failures logged). */
void vpci_sriov_adopt(struct vpci_dev *pf);
/* The PF goes: its VFs must already be gone, except at host teardown,
 * where each VF is destroyed on its own and is only cut loose here. */
void vpci_sriov_destroy(struct vpci_dev *pf);
/* Remove every VF of pf (vpci_device_remove of a PF). Errors: VPCI_EBUSY
 * (a VF is assigned to a guest; nothing removed). */
int vpci_sriov_remove_vfs(struct vpci_dev *pf);
/* VF Enable 0 -> 1: create NumVFs functions. Errors (logged, nothing
 * created, the caller keeps VF Enable clear): VPCI_ENOMEM, VPCI_EEXIST (a
 * VF's routing ID is another function's), VPCI_ERANGE (past the segment's
 * last routing ID). */
int vpci_sriov_create_vfs(struct vpci_sriov *s);
/* True if a VF of s is assigned to a guest (or an external emulator). */
bool vpci_sriov_any_assigned(const struct vpci_sriov *s);
/* ... or read-only: its frames are claimed from the hardware domain
 * (frame_guard.c) where its BARs were, so they must not move. */
bool vpci_sriov_any_claimed(const struct vpci_sriov *s);
/* Re-read First VF Offset and VF Stride (after NumVFs or ARI changed). */
void vpci_sriov_read_routing(struct vpci_sriov *s);
/* Size the VF BARs again (at set-up, and when System Page Size changes);
 * VF Memory Space Enable is cleared in the hardware while it sizes. */
void vpci_sriov_size_bars(struct vpci_sriov *s);
/* VF Memory Space Enable changed: every VF's BARs follow. */
void vpci_sriov_mse_changed(struct vpci_sriov *s);

/* ---------------------------------------- hooks for VFs (sriov_vf.c) */

/* Fill a VF's BARs (kinds, sizes, host addresses) from its PF's VF BARs,
 * in place of sizing: a VF's own BAR registers read 0. */
void vpci_vf_bars_fill(struct vpci_dev *vf);
/* Vendor and Device ID as a VF should read them (its hardware says
 * 0xffff): the PF's vendor, the VF Device ID. */
uint32_t vpci_vf_ids(const struct vpci_dev *vf);
/* Whether a VF's memory decodes: VF Memory Space Enable in its PF (its
 * own memory bit is ignored by hardware). */
bool vpci_vf_mem_enabled(const struct vpci_dev *vf);
/* Host address of VF BAR slot (0-5) of vf; false if none or unplaced. */
bool vpci_vf_bar_host(const struct vpci_dev *vf, unsigned int slot,
		      uint64_t *addr, uint64_t *size_bytes);
/* Assignment of host_sbdf, which the host does not know (dev NULL): if
 * it is a VF slot of a PF, VPCI_ENOENT with *why saying why it is not
 * there (VF Enable clear, or index not below NumVFs); else 0. */
int vpci_sriov_check_assign(const struct vpci_host *host,
			    vpci_sbdf_t host_sbdf, const struct vpci_dev *dev,
			    const char **why);

#endif /* VPCI_SRIOV_H */
