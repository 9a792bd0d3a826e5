/* SPDX-License-Identifier: MIT */
/*
 * A loaded topology behaving like hardware: the physical config space the
 * replay platform puts behind the core's conf_read/conf_write hooks.
 * Semantics are described at the top of hwmodel.c.
 */
#ifndef HARNESS_HWMODEL_H
#define HARNESS_HWMODEL_H

#include <stdint.h>

#include "topology.h"
#include "vpci/platform.h"

/* One function's live config space and the per-byte write behaviour. */
struct hwmodel_fn {
	vpci_sbdf_t sbdf;
	unsigned int config_len; /* as captured: 64, 256 or 4096 */
	bool pcie;
	uint8_t cfg[TOPO_CONFIG_MAX];
	uint8_t wmask[TOPO_CONFIG_MAX];   /* 1: writing sets the bit */
	uint8_t w1cmask[TOPO_CONFIG_MAX]; /* 1: writing 1 clears the bit */
};

/* An SR-IOV physical function and its VFs while enabled
 * (hwmodel_sriov.c). */
struct hwmodel_pf {
	vpci_sbdf_t sbdf;
	unsigned int pos;       /* its SR-IOV capability */
	uint64_t bar_bytes[6];  /* one VF's BAR i before page rounding */
	struct hwmodel_fn *vfs; /* while VF Enable is set */
	unsigned int nr_vfs;
};

struct hwmodel {
	struct hwmodel_fn *fns; /* sorted by sbdf */
	size_t nr_fns;
	struct hwmodel_pf *pfs;
	size_t nr_pfs;
	/* Counts VF Enable/Disable events (VFs came or went), so a reader
	 * of the model knows cheaply when to look at the VFs again. */
	unsigned long vf_changes;
};

/*
 * Build the model from topo (which it copies: topo may be freed after).
 * Returns 0 or VPCI_ENOMEM; on failure *hw is empty and safe to free.
 */
int hwmodel_init(struct hwmodel *hw, const struct topology *topo);
void hwmodel_free(struct hwmodel *hw);

/* The model's function at sbdf, or NULL (for inspection and tests). */
struct hwmodel_fn *hwmodel_find(const struct hwmodel *hw, vpci_sbdf_t sbdf);

/*
 * A config access of size 1, 2 or 4 at reg. A missing function, a bad
 * size, a misaligned reg or one reaching past 4096 reads all-ones (of the
 * size; 0xffffffff for a bad size) and drops writes. Never fails.
 */
uint32_t hwmodel_conf_read(struct hwmodel *hw, vpci_sbdf_t sbdf,
			   unsigned int reg, unsigned int size);
void hwmodel_conf_write(struct hwmodel *hw, vpci_sbdf_t sbdf,
			unsigned int reg, unsigned int size, uint32_t val);

/* One function's model from its topology entry (masks and all). */
void hwmodel_fn_init(struct hwmodel_fn *fn, const struct topo_fn *tfn);

/* hwmodel_sriov.c: SR-IOV PFs and the VFs they enable. */
int hwmodel_sriov_init(struct hwmodel *hw, const struct topology *topo);
void hwmodel_sriov_free(struct hwmodel *hw);
/* A VF that exists now, or NULL. */
struct hwmodel_fn *hwmodel_sriov_find(const struct hwmodel *hw,
				      vpci_sbdf_t sbdf);
/* After a write to fn at [reg, reg + size): VFs come or go. */
void hwmodel_sriov_written(struct hwmodel *hw, struct hwmodel_fn *fn,
			   unsigned int reg, unsigned int size);

#endif /* HARNESS_HWMODEL_H */
