/* SPDX-License-Identifier: MIT */
/*
 * The harness's in-memory picture of a real machine's PCI functions, as
 * loaded from a sysfs-shaped capture or an lspci dump. It is pure data:
 * hwmodel.c makes it behave like hardware, the loaders fill it.
 */
#ifndef HARNESS_TOPOLOGY_H
#define HARNESS_TOPOLOGY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vpci/platform.h"

#define TOPO_CONFIG_MAX 4096u
#define TOPO_NR_BARS 7 /* BAR0..5, then the expansion ROM as index 6 */
#define TOPO_ROM_INDEX 6

enum topo_bar_kind {
	TOPO_BAR_NONE = 0, /* unimplemented (reads 0, size 0) */
	TOPO_BAR_MEM32,
	TOPO_BAR_MEM64_LO, /* low half of a 64-bit BAR; next index is HI */
	TOPO_BAR_MEM64_HI, /* high half: repeats LO's size, addr, prefetch */
	TOPO_BAR_IO,
	TOPO_BAR_ROM,
};

struct topo_bar {
	enum topo_bar_kind kind;
	bool prefetchable;
	bool size_known;     /* false: the source gave no size */
	uint64_t size_bytes; /* power of two when known; whole 64-bit BAR on LO */
	uint64_t addr;       /* as programmed in the captured config */
};

/*
 * What a capture records beside config space, from Linux's sysfs (an lspci
 * dump has none of it: all zero). Zero means "not recorded".
 */
#define TOPO_NR_RESOURCES 17 /* lines of Linux's resource file, at most */
#define TOPO_FIRST_WINDOW 13 /* bridge windows: lines 13-16 (0-based) */
#define TOPO_DRIVER_MAX	  64
struct topo_attrs {
	char driver[TOPO_DRIVER_MAX]; /* the bound driver; "" for none */
	bool has_iommu_group;
	unsigned int iommu_group;
	bool has_numa_node;
	int numa_node; /* -1: the platform has no node for it */
	bool is_pf;    /* sriov_totalvfs was recorded */
	unsigned int sriov_totalvfs, sriov_numvfs;
	unsigned int nr_virtfn; /* virtfnN links */
	bool is_vf;		/* a physfn link was recorded */
	vpci_sbdf_t physfn;
	unsigned int nr_resources; /* lines in resource */
	uint64_t resource[TOPO_NR_RESOURCES][3]; /* start, end, flags */
};

struct topo_fn {
	vpci_sbdf_t sbdf;
	uint8_t config[TOPO_CONFIG_MAX]; /* captured bytes, zero past len */
	unsigned int config_len;         /* 64, 256 or 4096 */
	struct topo_bar bars[TOPO_NR_BARS];
	unsigned int source_line; /* dump line or 0 for captures */
	struct topo_attrs attrs;
};

/* A one-line message: "FILE:LINE: what" or "DIR/devices/X/resource: what". */
struct topo_error {
	char msg[768];
};

struct topology {
	char source[512]; /* the file or directory it came from */
	struct topo_fn *fns; /* sorted by sbdf */
	size_t nr_fns;
	/*
	 * Things the loader accepted but a reader should know about (a
	 * 64-bit BAR in the last slot, a size that is not a power of two,
	 * an id file disagreeing with config), one line each, in the
	 * order found. The loader never prints; the caller decides.
	 */
	struct topo_error *warnings;
	size_t nr_warnings;
};

void topology_free(struct topology *topo);
struct topo_fn *topology_find(const struct topology *topo, vpci_sbdf_t sbdf);


/* "none", "mem32", "mem64", "mem64-hi", "io", "rom" (sizes.tsv words). */
const char *topo_bar_kind_name(enum topo_bar_kind kind);

/* Config offset of BAR index i (0-5, or TOPO_ROM_INDEX) for this header
 * type, or 0 when the header has no such BAR. */
unsigned int topo_bar_offset(const struct topo_fn *fn, unsigned int i);

/* One entry of a capability list. */
struct topo_cap {
	uint16_t offset;
	uint16_t id;
	uint8_t version; /* extended capabilities only */
};

/*
 * Walk the captured standard (topo_caps) or extended (topo_ext_caps)
 * capability list into caps[max_caps], in list order; returns how many.
 * Loops, pointers into the header and pointers past the captured bytes
 * end the walk: real dumps contain broken lists (pciutils' broken-ecaps).
 */
#define TOPO_MAX_CAPS 48      /* 192 bytes / 4-byte minimum */
#define TOPO_MAX_EXT_CAPS 960 /* 3840 bytes / 4-byte minimum */
size_t topo_caps(const struct topo_fn *fn, struct topo_cap *caps,
		 size_t max_caps);
size_t topo_ext_caps(const struct topo_fn *fn, struct topo_cap *caps,
		     size_t max_caps);

/* A PCI Express function: a PCIe capability (ID 0x10) is in its list. */
bool topo_fn_is_pcie(const struct topo_fn *fn);

#endif /* HARNESS_TOPOLOGY_H */
