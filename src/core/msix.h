/* SPDX-License-Identifier: MIT */
/*
 * MSI-X emulation state (cap_msix.c) and its trapped table/PBA frames
 * (msix_mmio.c). Private to the core.
 */
#ifndef VPCI_MSIX_H
#define VPCI_MSIX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct vpci_bar;
struct vpci_dev;
struct vpci_host;

/* One run of trapped frames of an MSI-X table or PBA, where its BAR
 * currently decodes in its owner's physmap. */
struct vpci_msix_trap {
	uint64_t first_gfn;
	uint64_t last_gfn;
	struct vpci_msix *msix;
	uint64_t first_off; /* the run's frames as BAR offsets (bytes) */
	uint64_t last_off;
	uint8_t slot;       /* the BAR */
	bool active;        /* in its group's index */
};

/* An owner group's active traps, sorted by first_gfn, never overlapping:
 * a trapped address finds its MSI-X state by binary search. Capacity is
 * reserved when a device's MSI-X state is built, so moving BARs never
 * allocates. */
struct vpci_msix_index {
	struct vpci_msix_trap **traps;
	size_t nr;
	size_t capacity;
	size_t reserved;
};

struct vpci_msix_entry {
	uint64_t addr;
	uint32_t data;
	bool masked; /* vector control bit 0 */
	bool bound;  /* the platform holds a binding for it */
};

#define VPCI_MSIX_NR_TRAPS 2u

struct vpci_msix {
	/* Message Control as software reads it; first, so that the register
	 * is a value register over the state (the dispatcher reads it
	 * without a call): kept by cap_msix.c's ctrl_show(). */
	uint32_t shown_ctrl;
	struct vpci_dev *dev;
	const struct vpci_cap *cap; /* its capability (caps.h) */
	uint16_t pos;
	uint16_t nr_entries;
	bool enabled;
	bool fmask;
	uint8_t table_bir;
	uint8_t pba_bir;
	uint32_t table_reg; /* offset | BIR, as the capability says */
	uint32_t pba_reg;
	uint64_t table_off; /* bytes into the BAR */
	uint64_t pba_off;
	struct vpci_msix_trap traps[VPCI_MSIX_NR_TRAPS];
	unsigned int nr_traps;
	struct vpci_msix_entry entries[]; /* nr_entries */
};

#define VPCI_MSIX_ENTRY_BYTES 16u
#define VPCI_MSIX_MAX_ENTRIES 2048u

/* The BAR moved, or stopped or started decoding: its traps follow. */
void vpci_msix_bar_moved(struct vpci_dev *dev, const struct vpci_bar *bar);
/* Reserve index room for one more device's traps (build time). */
int vpci_msix_index_reserve(struct vpci_host *host, struct vpci_msix_index *ix,
			    size_t nr);
void vpci_msix_index_release(struct vpci_msix_index *ix, size_t nr);
void vpci_msix_index_destroy(struct vpci_host *host,
			     struct vpci_msix_index *ix);
void vpci_msix_traps_remove(struct vpci_msix *msix);
void vpci_msix_traps_sync(struct vpci_msix *msix);
/* Table and PBA accesses at BAR offset off (msix_mmio.c calls these). */
uint64_t vpci_msix_table_read(struct vpci_msix *msix, uint64_t off,
			      unsigned int size);
void vpci_msix_table_write(struct vpci_msix *msix, uint64_t off,
			   unsigned int size, uint64_t val);

#endif /* VPCI_MSIX_H */
