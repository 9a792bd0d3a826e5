/* SPDX-License-Identifier: MIT */
/*
 * SR-IOV in the hardware model: a PF's SR-IOV capability behaves like the
 * hardware's, and its virtual functions exist while VF Enable is set.
 *
 *  - The capability's writable registers: SR-IOV Control bits 5:0,
 *    NumVFs, System Page Size, the VF Migration Status bit (RW1C) and the
 *    VF BARs, whose writable address bits answer sizing. Everything else
 *    in it (TotalVFs, offset, stride, VF Device ID, ...) is read-only.
 *  - A VF BAR's size is the sysfs capture's (resource lines 7-12: the
 *    whole VF BAR range over TotalVFs). An lspci dump does not record it:
 *    the model takes the alignment of the programmed address, between
 *    4 KiB and 1 MiB (16 KiB when unprogrammed), so the captured address
 *    stays valid. A VF BAR register reading 0 is not implemented. Like
 *    real hardware, a VF BAR is never smaller than the System Page Size.
 *  - VF Enable with NumVFs > 0 (at most TotalVFs) synthesises the VFs at
 *    PF + First VF Offset + n * VF Stride: Vendor/Device ID 0xffff, class,
 *    revision and subsystem of the PF, header type 0, BARs reading 0,
 *    command register with only Bus Master writable (memory decoding is
 *    the PF's VF Memory Space Enable), no INTx, a copy of the PF's PCI
 *    Express capability and, when the PF's MSI-X table and PBA fit inside
 *    a VF BAR, an MSI-X capability like the PF's. VF Enable cleared: they
 *    are gone. A topology that already holds a function at VF 0's routing
 *    ID (a capture taken with VFs enabled) keeps its captured VFs.
 */
#include <stdlib.h>
#include <string.h>

#include "hwmodel.h"
#include "topology_internal.h"
#include "vpci/pci_regs.h"
#include "vpci/vpci.h"

#define VF_EXP_POS 0x40u
#define VF_MSIX_POS 0x80u
#define EXP_BYTES 0x3cu
#define MAX_VFS 2048u

static uint32_t get(const uint8_t *cfg, unsigned int off, unsigned int n)
{
	uint32_t v = 0;
	unsigned int i;

	for (i = 0; i < n; i++)
		v |= (uint32_t)cfg[off + i] << (8 * i);
	return v;
}

static void put(uint8_t *cfg, unsigned int off, unsigned int n, uint32_t v)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		cfg[off + i] = (uint8_t)(v >> (8 * i));
}

static uint64_t lowest_bit(uint64_t v)
{
	return v & (~v + 1u);
}

/* ------------------------------------------------------------ the PF */

static uint64_t vf_bar_base(const struct hwmodel_fn *fn, unsigned int pos,
			    unsigned int i)
{
	uint32_t lo = get(fn->cfg, pos + VPCI_SRIOV_BAR0 + 4u * i, 4);
	uint64_t base = lo & 0xfffffff0u;

	if ((lo & 6u) == 4u && i + 1u < 6u)
		base |= (uint64_t)get(fn->cfg, pos + VPCI_SRIOV_BAR0 + 4u * i + 4u,
				      4)
			<< 32;
	return base;
}

/* One VF's BAR i as the device would report it, before page rounding. */
static uint64_t nominal_size(const struct topo_fn *tfn,
			     const struct hwmodel_fn *fn, unsigned int pos,
			     unsigned int i)
{
	const struct topo_attrs *a = &tfn->attrs;
	unsigned int total = get(fn->cfg, pos + VPCI_SRIOV_TOTAL_VFS, 2);
	uint64_t base = vf_bar_base(fn, pos, i), bytes;

	if (a->nr_resources > 7u + i && total &&
	    a->resource[7 + i][1] > a->resource[7 + i][0]) {
		bytes = (a->resource[7 + i][1] - a->resource[7 + i][0] + 1u) /
			total;
		bytes = lowest_bit(bytes);
		if (bytes >= 16u)
			return bytes;
	}
	if (!base)
		return 16384u;
	bytes = lowest_bit(base);
	return bytes < 4096u ? 4096u : bytes > (1u << 20) ? 1u << 20 : bytes;
}

static uint64_t page_bytes(const struct hwmodel_fn *fn, unsigned int pos)
{
	uint32_t sps = get(fn->cfg, pos + VPCI_SRIOV_SYS_PGSIZE, 4);

	if (!sps || (sps & (sps - 1u)) || sps > (1u << 20))
		return 4096u;
	return 4096ull * sps;
}

/* The VF BARs' writable address bits, from their sizes. */
static void set_bar_masks(struct hwmodel_pf *pf, struct hwmodel_fn *fn)
{
	uint64_t page = page_bytes(fn, pf->pos);
	unsigned int i;

	for (i = 0; i < 6u; i++) {
		unsigned int off = pf->pos + VPCI_SRIOV_BAR0 + 4u * i;
		uint32_t lo = get(fn->cfg, off, 4);
		uint64_t size = pf->bar_bytes[i], wmask;
		bool is64 = (lo & 6u) == 4u && i + 1u < 6u;

		put(fn->wmask, off, 4, 0);
		if (!size)
			continue;
		if (size < page)
			size = page;
		wmask = ~(size - 1u) & ~0xfull;
		put(fn->wmask, off, 4, (uint32_t)wmask);
		put(fn->cfg, off, 4, (lo & (uint32_t)wmask) | (lo & 0xfu));
		if (is64) {
			i++;
			put(fn->wmask, off + 4u, 4, (uint32_t)(wmask >> 32));
			put(fn->cfg, off + 4u, 4,
			    get(fn->cfg, off + 4u, 4) & (uint32_t)(wmask >> 32));
		}
	}
}

static void init_pf_masks(struct hwmodel_pf *pf, struct hwmodel_fn *fn,
			  const struct topo_fn *tfn)
{
	unsigned int pos = pf->pos, i;

	memset(fn->wmask + pos + 4u, 0, VPCI_SRIOV_CAP_BYTES - 4u);
	memset(fn->w1cmask + pos + 4u, 0, VPCI_SRIOV_CAP_BYTES - 4u);
	put(fn->wmask, pos + VPCI_SRIOV_CTRL, 2, 0x003f);
	put(fn->w1cmask, pos + VPCI_SRIOV_STATUS, 2, 0x0001);
	put(fn->wmask, pos + VPCI_SRIOV_NUM_VFS, 2, 0xffff);
	put(fn->wmask, pos + VPCI_SRIOV_SYS_PGSIZE, 4, 0xffffffffu);
	for (i = 0; i < 6u; i++) {
		uint32_t lo = get(fn->cfg, pos + VPCI_SRIOV_BAR0 + 4u * i, 4);

		/* A register reading 0 (or I/O, or type 3): none there. */
		if (!lo || (lo & 1u) || (lo & 6u) == 6u)
			continue;
		pf->bar_bytes[i] = nominal_size(tfn, fn, pos, i);
		if ((lo & 6u) == 4u)
			i++;
	}
	set_bar_masks(pf, fn);
}

/* ----------------------------------------------------------- the VFs */

static unsigned int find_std_cap(const uint8_t *cfg, unsigned int id)
{
	unsigned int pos = cfg[0x34] & 0xfcu, n;

	if (!(get(cfg, 0x06, 2) & 0x10u))
		return 0;
	for (n = 0; pos >= 0x40u && n < 48u; n++) {
		if (cfg[pos] == id)
			return pos;
		pos = cfg[pos + 1] & 0xfcu;
	}
	return 0;
}

/* The PF's MSI-X, when its table and PBA fit in the VF BAR they name. */
static bool vf_msix_fits(const struct hwmodel_pf *pf, const uint8_t *cfg,
			 unsigned int msix)
{
	uint32_t table = get(cfg, msix + 4u, 4), pba = get(cfg, msix + 8u, 4);
	unsigned int entries = (get(cfg, msix + 2u, 2) & 0x7ffu) + 1u;
	uint64_t tsize = pf->bar_bytes[table & 7u];
	uint64_t psize = pf->bar_bytes[pba & 7u];

	return (table & 7u) < 6u && (pba & 7u) < 6u && tsize && psize &&
	       (table & ~7u) + 16ull * entries <= tsize &&
	       (pba & ~7u) + 8ull * ((entries + 63u) / 64u) <= psize;
}

static void vf_config(const struct hwmodel_pf *pf, const uint8_t *pfcfg,
		      struct topo_fn *tfn)
{
	uint8_t *cfg = tfn->config;
	unsigned int exp = find_std_cap(pfcfg, 0x10);
	unsigned int msix = find_std_cap(pfcfg, 0x11);
	bool with_msix = msix && vf_msix_fits(pf, pfcfg, msix);

	tfn->config_len = TOPO_CONFIG_MAX;
	put(cfg, 0x00, 4, 0xffffffffu);
	memcpy(cfg + 0x08, pfcfg + 0x08, 4); /* revision, class */
	memcpy(cfg + 0x2c, pfcfg + 0x2c, 4); /* subsystem */
	if (!exp)
		return;
	put(cfg, 0x06, 2, 0x0010);
	cfg[0x34] = VF_EXP_POS;
	memcpy(cfg + VF_EXP_POS, pfcfg + exp, EXP_BYTES);
	cfg[VF_EXP_POS + 1] = with_msix ? VF_MSIX_POS : 0;
	/* An endpoint without a slot, whatever the PF's capability said. */
	put(cfg, VF_EXP_POS + 2u, 2,
	    get(cfg, VF_EXP_POS + 2u, 2) & ~0x01f0u);
	if (with_msix) {
		cfg[VF_MSIX_POS] = 0x11;
		cfg[VF_MSIX_POS + 1] = 0;
		put(cfg, VF_MSIX_POS + 2u, 2, get(pfcfg, msix + 2u, 2) & 0x7ffu);
		memcpy(cfg + VF_MSIX_POS + 4u, pfcfg + msix + 4u, 8);
	}
}

static bool vf_sbdf(vpci_sbdf_t pf, const uint8_t *cfg, unsigned int pos,
		    unsigned int n, vpci_sbdf_t *out)
{
	uint32_t rid = (pf & 0xffffu) + get(cfg, pos + VPCI_SRIOV_VF_OFFSET, 2) +
		       n * get(cfg, pos + VPCI_SRIOV_VF_STRIDE, 2);

	if (rid > 0xffffu)
		return false;
	*out = (pf & ~0xffffu) | rid;
	return true;
}

static void vfs_free(struct hwmodel_pf *pf)
{
	free(pf->vfs);
	pf->vfs = NULL;
	pf->nr_vfs = 0;
}

static void vfs_create(const struct hwmodel *hw, struct hwmodel_pf *pf,
		       const struct hwmodel_fn *pfn)
{
	unsigned int nr = get(pfn->cfg, pf->pos + VPCI_SRIOV_NUM_VFS, 2);
	unsigned int total = get(pfn->cfg, pf->pos + VPCI_SRIOV_TOTAL_VFS, 2), n;
	struct topo_fn *tfn;
	vpci_sbdf_t sbdf;

	if (nr > total)
		nr = total;
	if (nr > MAX_VFS)
		nr = MAX_VFS;
	/* Captured with its VFs: they are in the topology already. */
	if (!nr || !vf_sbdf(pfn->sbdf, pfn->cfg, pf->pos, 0, &sbdf) ||
	    hwmodel_find(hw, sbdf))
		return;
	tfn = calloc(1, sizeof(*tfn));
	pf->vfs = calloc(nr, sizeof(*pf->vfs));
	if (!tfn || !pf->vfs) {
		free(tfn);
		vfs_free(pf);
		return; /* no memory: the VFs do not answer */
	}
	for (n = 0; n < nr && vf_sbdf(pfn->sbdf, pfn->cfg, pf->pos, n, &sbdf);
	     n++) {
		memset(tfn, 0, sizeof(*tfn));
		tfn->sbdf = sbdf;
		vf_config(pf, pfn->cfg, tfn);
		hwmodel_fn_init(&pf->vfs[n], tfn);
		/* Only Bus Master: memory is the PF's VF MSE, no I/O, no
		 * INTx (SR-IOV 9.3.4.1.3). */
		put(pf->vfs[n].wmask, 0x04, 2, 0x0004);
		pf->nr_vfs = n + 1u;
	}
	free(tfn);
}

/* ------------------------------------------------------------ the API */

static unsigned int find_sriov(const struct topo_fn *tfn)
{
	struct topo_cap *caps;
	unsigned int pos = 0;
	size_t nr, i;

	if (tfn->config_len < TOPO_CONFIG_MAX || !topo_fn_is_pcie(tfn))
		return 0;
	caps = calloc(TOPO_MAX_EXT_CAPS, sizeof(*caps));
	if (!caps)
		return 0;
	nr = topo_ext_caps(tfn, caps, TOPO_MAX_EXT_CAPS);
	for (i = 0; i < nr && !pos; i++)
		if (caps[i].id == VPCI_EXT_CAP_ID_SRIOV &&
		    caps[i].offset + VPCI_SRIOV_CAP_BYTES <= TOPO_CONFIG_MAX)
			pos = caps[i].offset;
	free(caps);
	return pos;
}

int hwmodel_sriov_init(struct hwmodel *hw, const struct topology *topo)
{
	size_t i;

	hw->pfs = NULL;
	hw->nr_pfs = 0;
	for (i = 0; i < topo->nr_fns; i++) {
		unsigned int pos = find_sriov(&topo->fns[i]);
		struct hwmodel_pf *pf, *grown;

		if (!pos)
			continue;
		grown = realloc(hw->pfs, (hw->nr_pfs + 1u) * sizeof(*grown));
		if (!grown)
			return VPCI_ENOMEM;
		hw->pfs = grown;
		pf = &hw->pfs[hw->nr_pfs++];
		memset(pf, 0, sizeof(*pf));
		pf->sbdf = topo->fns[i].sbdf;
		pf->pos = pos;
		init_pf_masks(pf, &hw->fns[i], &topo->fns[i]);
	}
	/* VFs the capture shows enabled exist from the start. */
	for (i = 0; i < hw->nr_pfs; i++) {
		const struct hwmodel_fn *pfn = hwmodel_find(hw, hw->pfs[i].sbdf);

		if (get(pfn->cfg, hw->pfs[i].pos + VPCI_SRIOV_CTRL, 2) & VPCI_SRIOV_CTRL_VFE)
			vfs_create(hw, &hw->pfs[i], pfn);
	}
	return 0;
}

void hwmodel_sriov_free(struct hwmodel *hw)
{
	size_t i;

	for (i = 0; i < hw->nr_pfs; i++)
		vfs_free(&hw->pfs[i]);
	free(hw->pfs);
	hw->pfs = NULL;
	hw->nr_pfs = 0;
}

struct hwmodel_fn *hwmodel_sriov_find(const struct hwmodel *hw,
				      vpci_sbdf_t sbdf)
{
	size_t i;

	for (i = 0; i < hw->nr_pfs; i++) {
		const struct hwmodel_pf *pf = &hw->pfs[i];
		unsigned int n;

		for (n = 0; n < pf->nr_vfs; n++)
			if (pf->vfs[n].sbdf == sbdf)
				return &pf->vfs[n];
	}
	return NULL;
}

void hwmodel_sriov_written(struct hwmodel *hw, struct hwmodel_fn *fn,
			   unsigned int reg, unsigned int size)
{
	size_t i;

	for (i = 0; i < hw->nr_pfs; i++) {
		struct hwmodel_pf *pf = &hw->pfs[i];
		bool on;

		if (pf->sbdf != fn->sbdf || reg + size <= pf->pos ||
		    reg >= pf->pos + VPCI_SRIOV_CAP_BYTES)
			continue;
		on = get(fn->cfg, pf->pos + VPCI_SRIOV_CTRL, 2) & VPCI_SRIOV_CTRL_VFE;
		if (on && !pf->nr_vfs) {
			vfs_create(hw, pf, fn);
			hw->vf_changes++;
		} else if (!on && pf->nr_vfs) {
			vfs_free(pf);
			hw->vf_changes++;
		}
		if (reg < pf->pos + VPCI_SRIOV_SYS_PGSIZE + 4u && reg + size > pf->pos + VPCI_SRIOV_SYS_PGSIZE)
			set_bar_masks(pf, fn);
	}
}
