/* SPDX-License-Identifier: MIT */
/*
 * The type 0/1 configuration header's state: BARs and the ROM as vPCI
 * tracks them (header.c handles the registers, header_bars.c those of
 * the BARs and ROM, bar_probe.c sizes them, msix_pages.c finds the MSI-X
 * table and PBA in them). Private to the core.
 */
#ifndef VPCI_HEADER_H
#define VPCI_HEADER_H

#include "internal.h"

enum vpci_bar_kind {
	VPCI_BAR_NONE = 0, /* not implemented, or unusable: no register */
	VPCI_BAR_IO,
	VPCI_BAR_MEM32,
	VPCI_BAR_MEM64,    /* low half; the next slot is VPCI_BAR_MEM64_HI */
	VPCI_BAR_MEM64_HI,
	VPCI_BAR_ROM,
};

#define VPCI_BAR_NR_PEND 2u

struct vpci_bar {
	uint64_t addr;       /* host address the hardware decodes */
	uint64_t guest_addr; /* guests: the address the guest programmed */
	uint64_t size_bytes; /* 0: not implemented */
	uint64_t addr_mask;  /* address bits the register implements */
	/* Frame offsets (from the BAR's first frame) never mapped: its
	 * forbidden host frames (frame_guard.c), computed each time the BAR
	 * enters the wanted index and fixed while it is in it. */
	struct vpci_rangeset excluded;
	/* While in_index: the gfn range this BAR adds to its owner group's
	 * wanted index, and mfn - gfn for it. */
	uint64_t first_gfn;
	uint64_t last_gfn;
	uint64_t delta;
	/* gfn ranges whose mappings still have to be brought in line. */
	struct vpci_range pend[VPCI_BAR_NR_PEND];
	uint8_t nr_pend;
	uint8_t kind;  /* enum vpci_bar_kind */
	uint8_t flags; /* the read-only low bits: I/O, type, prefetchable */
	uint16_t reg;  /* config offset (of the low half) */
	uint8_t slot;  /* index in its header's bars[] */
	bool in_index;
	/* Placed, but overlapping a BAR of its group mapped to other host
	 * frames: waits in the group's blocked list for that one to go. */
	bool blocked;
	struct vpci_bar *blocked_next;
	/* Hardware domain: a sizing probe of a mapped BAR is answered by
	 * vPCI until the next write to that half. */
	bool probe_lo;
	bool probe_hi;
};

/* Where an MSI-X table or PBA lives: bytes [offset, offset + bytes) of
 * BAR bir (PCI 3.0 section 6.8.2). */
struct vpci_msix_region {
	uint64_t offset;
	uint64_t bytes;    /* clipped to the BAR when it runs past its end */
	uint8_t bir;
	bool mem_bar;      /* bir names an implemented memory BAR */
	bool valid;        /* ... and the region starts inside it */
	bool fits;         /* ... and ends inside it too */
};

/*
 * A config write held back until the map work queued with it is done, so
 * that the hardware never decodes a range before it is mapped or after it
 * is unmapped. The register becomes (what the hardware holds & keep) |
 * val; with only_if_changed, nothing is written when that is what it
 * holds already.
 */
struct vpci_held_write {
	uint32_t val;
	uint32_t keep;
	uint16_t reg;
	uint8_t size; /* 0: nothing held */
	bool only_if_changed;
};

enum vpci_held_slot {
	VPCI_HELD_ROM, /* written first: decoding turns on last */
	VPCI_HELD_CMD,
	VPCI_NR_HELD,
};

struct vpci_header {
	struct vpci_bar bars[VPCI_NR_SLOTS];
	/* The hardware's MSI-X table [0] and PBA [1], read at set-up. */
	struct vpci_msix_region msix[2];
	uint16_t msix_pos; /* the MSI-X capability they come from (0: none) */
	/* Keep the host frames holding them out of every BAR and ROM
	 * mapping of this device. Guests: always. The hardware domain: for
	 * whoever emulates MSI-X for it to set before mapping. Exclusions
	 * are computed as each BAR enters the index: a hardware domain that
	 * moves the table's BAR must make the device's other mapped BARs
	 * re-enter (vpci_guard_refresh) -- guests' host addresses never
	 * move, so they need not. */
	bool msix_guard;
	struct vpci_dev *dev;
	unsigned int nr_bars; /* 6 (type 0) or 2 (type 1) */
	uint16_t cmd;         /* the command register as vPCI applies it */
	bool rom_enabled;     /* the ROM enable bit as vPCI applies it */
	/* Command and ROM writes the hardware gets once the map work they
	 * caused is done: header.c queues them, map.c performs them. */
	struct vpci_held_write held[VPCI_NR_HELD];
	bool pending;         /* queued in its owner group's pending list */
	struct vpci_dev *pending_next;
	int error;            /* first map failure not yet reported */
	/* Guest latches. */
	uint32_t cache_latency; /* cache line size, latency timer << 8 */
	uint32_t intx_line;
};

static inline bool vpci_held(const struct vpci_header *hdr,
			     enum vpci_held_slot slot)
{
	return hdr->held[slot].size != 0;
}

/* header.c: the type 0/1 header. Init errors: VPCI_ENOTSUP (header
 * type), VPCI_EIO (no function answers), VPCI_ENOMEM. */
int vpci_header_init(struct vpci_dev *dev);
void vpci_header_teardown(struct vpci_dev *dev);

/* header_bars.c: add the BAR and ROM registers with the view's handlers
 * (guest: the guest's). */
int vpci_header_add_bar_regs(struct vpci_dev *dev, bool guest);

/* Shared by header.c and header_bars.c's handlers and set-up. */

/* Queue a write for the hardware once the map work it causes is done. */
static inline void vpci_header_hold(struct vpci_header *hdr,
				    enum vpci_held_slot slot, unsigned int reg,
				    unsigned int size, uint32_t val,
				    uint32_t keep, bool only_if_changed)
{
	struct vpci_held_write *w = &hdr->held[slot];

	w->reg = (uint16_t)reg;
	w->size = (uint8_t)size;
	w->val = val;
	w->keep = keep;
	w->only_if_changed = only_if_changed;
}

/* A command, BAR or ROM write while map work is pending: true (dropped,
 * logged). */
static inline bool vpci_header_write_dropped(const struct vpci_dev *dev,
					     unsigned int reg)
{
	/* vpci_bars_pending(), inline: every command and BAR write asks,
	 * and a handler's device has its header. */
	if (__builtin_expect(!dev->hdr->pending, 1))
		return false;
	vpci_log(dev->host, VPCI_LOG_WARN,
		 "%pS: write at 0x%x dropped: BAR map work is still pending",
		 dev->sbdf, reg);
	return true;
}

/* A header register without masks: appended in place when it can be,
 * else through vpci_add_register() (same result and errors). */
static inline int vpci_header_add_register(struct vpci_dev *dev,
					   vpci_read_fn *read,
					   vpci_write_fn *write,
					   unsigned int offset,
					   unsigned int size, void *data)
{
	if (vpci_regtable_try_append(&dev->regs, read, write, offset, size,
				     data))
		return 0;
	return vpci_add_register(dev, read, write, offset, size, data, NULL);
}

/* bar_probe.c: BAR kinds, sizes and addresses, read from the hardware. */
void vpci_bars_probe(struct vpci_dev *dev);
/*
 * Sizes only, into dev->seen_bytes, with no state and no memory: for a
 * function about to become read-only before vPCI ever sized it (no
 * memory for its state), so that frame_guard.c keeps every frame of its
 * BARs and ROM from the hardware domain, not just the first. Probes as
 * vpci_bars_probe() does and puts everything back.
 */
void vpci_bars_measure(struct vpci_dev *dev);

/* msix_pages.c: read where the hardware's MSI-X table and PBA live into
 * hdr->msix (after the BARs are probed; never allocates). */
void vpci_msix_locate(struct vpci_dev *dev);
/* The one check of an MSI-X capability's table and PBA location: true if
 * the capability at pos is the one located and both lie wholly inside
 * memory BARs without overlapping, so MSI-X can be emulated. False is
 * logged, naming which of them is wrong and why. */
bool vpci_msix_location_ok(const struct vpci_dev *dev, unsigned int pos);
/* The host frames holding any byte of hdr->msix[i] at the BAR's current
 * host address. False: none (invalid, or the BAR is unplaced). */
bool vpci_msix_host_frames(const struct vpci_dev *dev, unsigned int i,
			   struct vpci_range *frames);

#endif /* VPCI_HEADER_H */
