/* SPDX-License-Identifier: MIT */
/*
 * Private structures of the core, shared by its files and by white-box
 * tests. Nothing here is API.
 */
#ifndef VPCI_INTERNAL_H
#define VPCI_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vpci/pci_regs.h"
#include "vpci/platform.h"
#include "vpci/rangeset.h"
#include "vpci/vpci.h"

#define VPCI_CFG_SPACE_SIZE 4096u
#define VPCI_CFG_STD_SIZE 256u
#define VPCI_STD_DWORDS (VPCI_CFG_STD_SIZE / 4u)
#define VPCI_EXT_DWORDS ((VPCI_CFG_SPACE_SIZE - VPCI_CFG_STD_SIZE) / 4u)
#define VPCI_MAX_REGISTERS 1024u
#define VPCI_MAX_ECAM_WINDOWS 16u

/* ------------------------------------------------------------ registers */

struct vpci_register {
	vpci_read_fn *read;
	vpci_write_fn *write;
	void *data;
	struct vpci_reg_masks masks;
	uint16_t offset;
	uint8_t size;
	bool library; /* added by the library's own state build */
};

/*
 * A device's emulated registers, sorted by offset and never overlapping.
 * lb[d] is the index of the first register ending after byte 4*d, so an
 * access finds its registers in O(1) whatever their number. Extended space
 * gets its index only once a register lives there.
 */
struct vpci_regtable {
	struct vpci_register *regs;
	uint16_t nr;
	uint16_t capacity;
	uint16_t lb_std[VPCI_STD_DWORDS];
	uint16_t *lb_ext; /* VPCI_EXT_DWORDS entries, or NULL */
	bool library_phase; /* registers added now are the library's */
};

/* ------------------------------------------------- frame coverage index */

/*
 * A maximal run of frames [start, last] that `count` added ranges cover,
 * all translating gfn -> mfn as mfn = gfn + delta (mod 2^64). Segments
 * are nodes of a treap: ordered by start, heap-ordered by prio.
 */
struct vpci_fseg {
	uint64_t start;
	uint64_t last;
	uint64_t delta;
	uint32_t count;
	uint32_t prio;
	struct vpci_fseg *left;
	struct vpci_fseg *right;
};

/*
 * Reference-counted coverage of frame ranges (frame_index.c). Changing it
 * never allocates: nodes come from a spare list the caller fills with
 * vpci_fidx_reserve() beforehand.
 */
struct vpci_fidx {
	struct vpci_fseg *root;
	struct vpci_fseg *spare; /* linked through ->right */
	size_t nr_segs;
	size_t nr_spare;
	uint32_t seed;
	struct vpci_host *host;
};

/* Told about each run whose count went 0 -> 1 (add) or 1 -> 0 (remove). */
typedef void vpci_fidx_edge_fn(void *arg, uint64_t start, uint64_t last,
			       uint64_t delta);
/* Visit segments in ascending order; a non-zero return stops the walk. */
typedef int vpci_fidx_visit_fn(void *arg, const struct vpci_fseg *seg);

void vpci_fidx_init(struct vpci_fidx *idx, struct vpci_host *host);
void vpci_fidx_destroy(struct vpci_fidx *idx);
/* Make sure at least nr_spare nodes are spare. Errors: VPCI_ENOMEM (the
 * coverage is unchanged; some nodes may have joined the spare list). */
int vpci_fidx_reserve(struct vpci_fidx *idx, size_t nr_spare);
/*
 * Count [start, last] once more, translated by delta; rose (may be NULL)
 * hears of each run that was not covered before. Errors: VPCI_EINVAL
 * (start > last), VPCI_EEXIST (a covered frame of the range has another
 * delta; *conflict, if not NULL, is that segment), VPCI_ENOSPC (not
 * enough spare nodes). Nothing changes on error.
 */
int vpci_fidx_add(struct vpci_fidx *idx, uint64_t start, uint64_t last,
		  uint64_t delta, vpci_fidx_edge_fn *rose, void *arg,
		  const struct vpci_fseg **conflict);
/*
 * Count [start, last] once less; fell (may be NULL) hears of each run no
 * longer covered. Errors: VPCI_EINVAL (start > last, or a frame of it is
 * not covered), VPCI_ENOSPC (needs at most two spare nodes). Nothing
 * changes on error.
 */
int vpci_fidx_remove(struct vpci_fidx *idx, uint64_t start, uint64_t last,
		     vpci_fidx_edge_fn *fell, void *arg);
/* The segment holding frame, else the first one after it, else NULL. */
const struct vpci_fseg *vpci_fidx_find(const struct vpci_fidx *idx,
				       uint64_t frame);
int vpci_fidx_for_each(const struct vpci_fidx *idx, vpci_fidx_visit_fn *fn,
		       void *arg);

/* ------------------------------------------------------ header and BARs */

enum vpci_bar_kind {
	VPCI_BAR_NONE = 0, /* not implemented, or unusable: no register */
	VPCI_BAR_IO,
	VPCI_BAR_MEM32,
	VPCI_BAR_MEM64,    /* low half; the next slot is VPCI_BAR_MEM64_HI */
	VPCI_BAR_MEM64_HI,
	VPCI_BAR_ROM,
};

#define VPCI_ROM_SLOT 6u
#define VPCI_NR_SLOTS 7u /* six BARs and the expansion ROM */
#define VPCI_ALL_SLOTS ((1u << VPCI_NR_SLOTS) - 1u)
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
	uint64_t bytes;
	uint8_t bir;
	bool valid; /* inside an implemented memory BAR */
};

struct vpci_header {
	struct vpci_bar bars[VPCI_NR_SLOTS];
	/* The hardware's MSI-X table [0] and PBA [1], read at set-up. */
	struct vpci_msix_region msix[2];
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
	uint32_t rom_hw;      /* hardware domain: ROM value for the hardware */
	bool cmd_dirty;       /* a hardware command write waits for map work */
	bool rom_dirty;       /* a hardware ROM write waits for map work */
	bool pending;         /* queued in its owner group's pending list */
	struct vpci_dev *pending_next;
	int error;            /* first map failure not yet reported */
	/* Guest latches. */
	uint32_t cache_line;
	uint32_t latency;
	uint32_t intx_line;
};

/* ------------------------------------------------------------- devices */

struct vpci_dev {
	struct vpci_host *host;
	vpci_sbdf_t sbdf;
	/*
	 * NULL: the hardware domain (whether or not it exists yet), or the
	 * hypervisor owner when the host's hidden set holds sbdf. Both share
	 * one view and one BAR-overlap group (DESIGN.md section 7).
	 */
	struct vpci_domain *owner;
	vpci_sbdf_t guest_sbdf; /* valid while owner is a guest */
	struct vpci_regtable regs;
	/* Set when a guest's accesses go to an external emulator instead. */
	const struct vpci_emulator_ops *emulator;
	void *emulator_arg;
	/* A purely virtual function (vpci_register_emulator): no hardware
	 * behind it, never in the host's device map; sbdf is its guest SBDF
	 * and owner the guest. */
	bool virtual_fn;
	struct vpci_header *hdr; /* NULL while the device has no vPCI state */
	/* BAR and ROM sizes the last probe found (0: unknown), so that a
	 * function without vPCI state still has a known footprint. */
	uint64_t seen_bytes[VPCI_NR_SLOTS];
	/* Host frames this function claims from the hardware domain while
	 * it is a guest's or read-only (frame_guard.c). */
	struct vpci_range claim[VPCI_NR_SLOTS];
	uint8_t nr_claim;
	bool platform_init_done; /* device_init succeeded for this state */
	struct vpci_caps *caps;  /* the capability lists, with the header */
	struct vpci_msix *msix;  /* MSI-X emulation state, or NULL */
	uint8_t irq_on;          /* VPCI_IRQ_*: MSI / MSI-X enabled */
	/* SR-IOV (sriov.h): a PF's state; a VF's PF state (NULL once the
	 * PF is gone) and index among its PF's VFs. */
	struct vpci_sriov *sriov;
	struct vpci_sriov *vf_of;
	uint16_t vf_index;
};

#define VPCI_IRQ_MSI (1u << 0)
#define VPCI_IRQ_MSIX (1u << 1)

/* ------------------------------------------------------- capabilities */

#define VPCI_CAP_STD_MAX 48u  /* (256 - 64) / 4 */
#define VPCI_CAP_EXT_MAX 960u /* (4096 - 256) / 4 */

struct vpci_dev;
struct vpci_cap;
struct vpci_sriov;

/*
 * One capability emulator (caps.c keeps the registry). init runs when a
 * device's state is built, for whichever owner it has: it registers the
 * capability's registers past its header (pos + 2, or pos + 4 for an
 * extended one), may keep state in cap->state, and decides cap->visible
 * (preset: true for the hardware domain, false for a guest). cleanup
 * (may be NULL) undoes init; registers go with the device's table.
 * init errors (VPCI_ENOMEM, ...) fail the whole build.
 */
typedef int vpci_cap_init_fn(struct vpci_dev *dev, struct vpci_cap *cap);
typedef void vpci_cap_cleanup_fn(struct vpci_dev *dev, struct vpci_cap *cap);

struct vpci_cap_emulator {
	const char *name;
	uint16_t id;
	bool extended;
	vpci_cap_init_fn *init;
	vpci_cap_cleanup_fn *cleanup;
};

struct vpci_cap {
	const struct vpci_cap_emulator *emu; /* NULL: none for this ID */
	void *state;
	uint32_t header;   /* as read: id | next << 8, or the extended dword */
	uint16_t pos;
	uint16_t next;     /* the next visible capability of its list, or 0 */
	bool extended;
	bool visible;      /* linked into the owner's view of the list */
};

struct vpci_caps {
	struct vpci_cap *caps; /* nr_std standard, then nr_ext extended */
	uint16_t nr_std;
	uint16_t nr_ext;
	uint16_t first_std; /* the owner's capability pointer (0: none) */
	uint16_t first_ext; /* first visible extended capability (0: none) */
};

/* How a walk of a capability list ended. */
enum vpci_cap_walk_end {
	VPCI_CAP_WALK_DONE = 0,  /* a 0 pointer (or no list at all) */
	VPCI_CAP_WALK_CYCLE,     /* a capability seen before */
	VPCI_CAP_WALK_INTO_HDR,  /* a pointer into the header (standard) or
				  * into standard space (extended) */
	VPCI_CAP_WALK_TOO_LONG,  /* more entries than the space can hold */
	VPCI_CAP_WALK_BAD_HEADER, /* ID 0xff, or an all-ones header */
	VPCI_CAP_WALK_STOPPED,   /* the visitor asked to stop */
};

/* Told about each capability in list order; non-zero stops the walk.
 * header: id | next << 8 (standard) or the whole dword (extended). */
typedef int vpci_cap_visit_fn(void *arg, unsigned int pos, uint32_t header);

/*
 * Walk the physical standard list (from 0x34) or extended list (from
 * 0x100) of sbdf, bounded (VPCI_CAP_STD_MAX / VPCI_CAP_EXT_MAX entries)
 * and checked: a cycle, a pointer into the header, too many entries or a
 * broken header stop it with one logged warning. Reserved low pointer bits
 * are masked as the specifications require. visit may be NULL; *nr (may
 * be NULL) gets the number of capabilities visited.
 */
enum vpci_cap_walk_end vpci_cap_walk(const struct vpci_host *host,
				     vpci_sbdf_t sbdf, bool extended,
				     vpci_cap_visit_fn *visit, void *arg,
				     unsigned int *nr);
/* Build (tear down) dev's capability lists and their emulators. */
int vpci_caps_init(struct vpci_dev *dev);
void vpci_caps_teardown(struct vpci_dev *dev);
/* The capability pointer dev's owner reads (0: no list). */
unsigned int vpci_caps_first(const struct vpci_dev *dev);
/* True if dev's owner has a capability with this ID linked in its view of
 * the standard (extended) list. */
bool vpci_caps_visible(const struct vpci_dev *dev, unsigned int id,
		       bool extended);

/* Emulators, one file each (hidden visibility: no GOT needed). */
#define VPCI_CAP_EMU(name)                                                    \
	extern const struct vpci_cap_emulator name                            \
		__attribute__((visibility("hidden")))
VPCI_CAP_EMU(vpci_cap_pm);
VPCI_CAP_EMU(vpci_cap_msi);
VPCI_CAP_EMU(vpci_cap_pcie);
VPCI_CAP_EMU(vpci_cap_msix);
VPCI_CAP_EMU(vpci_cap_rebar);
VPCI_CAP_EMU(vpci_cap_sriov);

/* --------------------------------------------------------- interrupts */

/* The domain whose interrupts dev's vectors are (its owner's id). */
uint32_t vpci_irq_domid(const struct vpci_dev *dev);
/* Whether dev's owner gets MSI (MSI-X) emulated: hooks present and the
 * domain's option on. */
bool vpci_irq_msi_emulated(const struct vpci_dev *dev);
bool vpci_irq_msix_emulated(const struct vpci_dev *dev);
/* (Re)bind vector of dev to the message through msi_update; true if the
 * platform took it (failures are logged). */
bool vpci_irq_bind(struct vpci_dev *dev, unsigned int vector, uint64_t addr,
		   uint32_t data);
void vpci_irq_unbind(struct vpci_dev *dev, unsigned int vector);

/* ---------------------------------------------------------------- MSI-X */

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
	struct vpci_dev *dev;
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

/* --------------------------------------------------------- owner groups */

/*
 * Devices whose BARs map into one physmap, so that none may unmap a frame
 * another still needs: one guest's devices; or the hardware domain's
 * together with the hypervisor owner's (hidden), which map into the
 * hardware domain. Keyed by gfn.
 */
struct vpci_owner_group {
	struct vpci_fidx wanted;     /* frames enabled BARs want, counted */
	struct vpci_fidx mapped;     /* frames the platform has mapped */
	size_t nr_wanted_ranges;     /* ranges added to wanted */
	struct vpci_domain *dom;     /* NULL: the hardware domain's group */
	struct vpci_dev *pending_head; /* devices with map work, FIFO */
	struct vpci_dev *pending_tail;
	struct vpci_bar *blocked;    /* BARs waiting for a conflict to go */
	bool retry;                  /* a BAR left wanted: retry blocked */
	uint64_t frames_done;        /* progress, for stall detection */
	/* An unmap failed: mapped holds frames nobody wants, to be retried
	 * (vpci_group_sweep) by later calls; unmap_error is the first. */
	bool stale;
	int unmap_error;
	struct vpci_msix_index msix; /* trapped MSI-X frames, by gfn */
};

/*
 * SBDF -> device, sparse: a sorted array of segments, each with 256 bus
 * pointers to 256-entry function tables. Lookup is a binary search over
 * the (few) segments, then two indexations.
 */
struct vpci_devmap_bus {
	struct vpci_dev *fn[256];
	uint16_t nr;
};

struct vpci_devmap_seg {
	uint16_t seg;
	uint16_t nr_buses;
	struct vpci_devmap_bus *bus[256];
};

struct vpci_devmap {
	struct vpci_devmap_seg **segs; /* sorted by seg */
	size_t nr;
	size_t capacity;
	struct vpci_host *host;
};

typedef int vpci_devmap_visit_fn(void *arg, struct vpci_dev *dev);

void vpci_devmap_init(struct vpci_devmap *map, struct vpci_host *host);
void vpci_devmap_destroy(struct vpci_devmap *map);
int vpci_devmap_insert(struct vpci_devmap *map, vpci_sbdf_t sbdf,
		       struct vpci_dev *dev);
void vpci_devmap_remove(struct vpci_devmap *map, vpci_sbdf_t sbdf);
struct vpci_dev *vpci_devmap_lookup(const struct vpci_devmap *map,
				    vpci_sbdf_t sbdf);
/* Visit every device in SBDF order; visit must not change the map. A
 * non-zero return stops the walk and is returned. */
int vpci_devmap_for_each(const struct vpci_devmap *map,
			 vpci_devmap_visit_fn *visit, void *arg);

/*
 * A set of SBDFs: one 65536-bit bitmap per segment that has members,
 * segments in a sorted array. Membership is O(log segments); setting a bit
 * in a segment that already exists never allocates.
 */
struct vpci_devset_seg {
	uint16_t seg;
	uint64_t bits[65536 / 64];
};

struct vpci_devset {
	struct vpci_devset_seg **segs; /* sorted by seg */
	size_t nr;
	size_t capacity;
	struct vpci_host *host;
};

void vpci_devset_init(struct vpci_devset *set, struct vpci_host *host);
void vpci_devset_destroy(struct vpci_devset *set);
/* Make sure sbdf's segment has a bitmap, so a later add cannot fail. */
int vpci_devset_reserve(struct vpci_devset *set, uint16_t seg);
int vpci_devset_add(struct vpci_devset *set, vpci_sbdf_t sbdf);
void vpci_devset_remove(struct vpci_devset *set, vpci_sbdf_t sbdf);
bool vpci_devset_contains(const struct vpci_devset *set, vpci_sbdf_t sbdf);
/* True if any function of sbdf's slot (bus, device) is in the set. */
bool vpci_devset_slot_any(const struct vpci_devset *set, vpci_sbdf_t sbdf);

/* ------------------------------------------------------------- domains */

struct vpci_ecam_window {
	uint64_t base;
	uint64_t size_bytes;
	uint16_t segment;
	uint8_t bus_first;
	uint8_t bus_last;
};

/*
 * An access waiting for an external emulator (emulator.c). An 8-byte ECAM
 * access is two 4-byte parts sent one after the other under one token.
 */
struct vpci_emu_request {
	uint64_t token;       /* 0: the slot is free */
	struct vpci_dev *fn;  /* whose emulator */
	uint64_t val;         /* write: the value; read: what came back */
	uint16_t reg;
	uint8_t size;         /* of the whole access: 1, 2, 4 or 8 */
	uint8_t part;         /* the 4-byte part in progress */
	bool write;
};

struct vpci_domain {
	struct vpci_host *host;
	/* Effective configuration: flags as resolved, msi/msix/vpci YES or
	 * NO. info says who chose each. */
	struct vpci_domain_config cfg;
	struct vpci_domain_info info;
	struct vpci_ecam_window ecam[VPCI_MAX_ECAM_WINDOWS];
	unsigned int nr_ecam;
	struct vpci_devmap vdevs; /* guests: virtual SBDF -> device */
	struct vpci_owner_group group; /* guests: where their BARs map */
	uint32_t cf8_latch; /* cf8.c: last 0xCF8 write (atomic access) */
	bool cf8_amd_ext;   /* cf8.c: latch bits 27:24 are reg 11:8 */
	struct vpci_domain *next; /* host's list of domains */
	/* Emulator requests in flight: a fixed table, so no access
	 * allocates. Tokens are (sequence << 5 | slot), never reused. */
	struct vpci_emu_request requests[VPCI_MAX_REQUESTS_IN_FLIGHT];
	uint64_t request_seq;
};

static inline bool vpci_domain_has_bridge(const struct vpci_domain *dom)
{
	return dom->cfg.flags & VPCI_DOMAIN_F_HOST_BRIDGE;
}

/* True if dom's guest sees its emulated host bridge's slot at sbdf. */
static inline bool vpci_is_bridge_slot(const struct vpci_domain *dom,
				       vpci_sbdf_t sbdf)
{
	return dom->cfg.kind == VPCI_DOMAIN_GUEST && vpci_domain_has_bridge(dom) &&
	       (sbdf & ~7u) == VPCI_BRIDGE_SBDF;
}

/*
 * The one decision every config front end (ECAM, CF8) shares: is dom's
 * config space at sbdf libvpci's to answer? True for a domain with a host
 * bridge (the hardware domain always has one); the answer itself may
 * still be all-ones for a function dom cannot see.
 */
bool vpci_config_claimed(const struct vpci_domain *dom, vpci_sbdf_t sbdf);
/* An 8-byte config access (ECAM): two 4-byte halves, or one request to an
 * emulator. Returns as vpci_config_read(). */
int vpci_config_access8(struct vpci_domain *dom, vpci_sbdf_t sbdf,
			unsigned int reg, bool write, uint64_t *val,
			uint64_t *token);

/* emulator.c: requests to external emulators, host lock held. */
/*
 * Send an access of size 1, 2, 4 or 8 at reg to fn's emulator (as
 * guest_sbdf). Returns 0 (read: *val), VPCI_EPENDING (*token) or
 * VPCI_EBUSY (no free request slot; read: *val all-ones).
 */
int vpci_emu_access(struct vpci_domain *dom, struct vpci_dev *fn,
		    vpci_sbdf_t guest_sbdf, unsigned int reg, unsigned int size,
		    bool write, uint64_t *val, uint64_t *token);
/* Cancel the request token (telling its emulator), if in flight. */
void vpci_emu_cancel(struct vpci_domain *dom, uint64_t token);
/* Cancel every request of fn's emulator (fn NULL: all of dom's). */
void vpci_emu_cancel_fn(struct vpci_domain *dom, const struct vpci_dev *fn);
unsigned int vpci_emu_in_flight(const struct vpci_domain *dom);

/* host_bridge.c: the virtual host-bridge function of a guest. */
void vpci_host_bridge_init(struct vpci_domain *dom);
uint32_t vpci_host_bridge_read(const struct vpci_domain *dom,
			       vpci_sbdf_t sbdf, unsigned int reg,
			       unsigned int size);

/* --------------------------------------------------------------- host */

struct vpci_host {
	const struct vpci_platform_ops *ops;
	void *ctx;
	uint32_t limits;
	struct vpci_devmap devices; /* physical SBDF -> device */
	struct vpci_domain *hwdom;
	struct vpci_domain *domains;
	struct vpci_devset hidden;    /* owned by the hypervisor */
	struct vpci_devset readonly;  /* subset of hidden: no vPCI state */
	struct vpci_devset ro_warned; /* read-only writes already logged */
	uint32_t policy;              /* VPCI_POLICY_* */
	/* BARs of the hardware domain's and the hypervisor's devices. */
	struct vpci_owner_group hw_group;
	/* Host frames no domain ever gets (vpci_host_reserve_frames). */
	struct vpci_rangeset reserved;
	/* Host frames of guest-assigned and read-only functions, counted
	 * (delta 0): the hardware domain never gets them. */
	struct vpci_fidx claimed;
	size_t nr_claimed_ranges;
};

static inline bool vpci_dev_is_hidden(const struct vpci_dev *dev)
{
	return vpci_devset_contains(&dev->host->hidden, dev->sbdf);
}

static inline bool vpci_dev_is_readonly(const struct vpci_dev *dev)
{
	return vpci_devset_contains(&dev->host->readonly, dev->sbdf);
}

/* ------------------------------------------------------ shared helpers */

void *vpci_zalloc(struct vpci_host *host, size_t size_bytes);
void vpci_free(struct vpci_host *host, void *ptr);
void vpci_lock(struct vpci_host *host);
void vpci_unlock(struct vpci_host *host);

/*
 * printf-like logging through the platform's log hook. Understands %s %c
 * %d %u %x with l/ll length modifiers, %% and %pS (a vpci_sbdf_t printed as
 * SSSS:BB:DD.F). Long messages are truncated. (No printf format attribute:
 * the compiler would reject %pS.)
 */
void vpci_log(const struct vpci_host *host, enum vpci_log_level level,
	      const char *fmt, ...);
/* The formatter behind vpci_log, exposed for tests. Always terminates buf
 * (if size > 0); returns the length written. */
size_t vpci_format(char *buf, size_t size, const char *fmt,
		   __builtin_va_list ap);

static inline uint32_t vpci_size_mask(unsigned int size)
{
	return size >= 4 ? 0xffffffffu : (1u << (size * 8u)) - 1u;
}

static inline bool vpci_access_ok(unsigned int reg, unsigned int size)
{
	/* 1, 2 or 4 (bits 1, 2, 4 of 0x16), and reg + size <= 4096. */
	return size <= 4 && ((0x16u >> size) & 1u) &&
	       reg <= VPCI_CFG_SPACE_SIZE - size;
}

/* Physical config access for a device's function (any size/offset). */
uint32_t vpci_phys_read(const struct vpci_host *host, vpci_sbdf_t sbdf,
			unsigned int reg, unsigned int size);
void vpci_phys_write(const struct vpci_host *host, vpci_sbdf_t sbdf,
		     unsigned int reg, unsigned int size, uint32_t val);

/*
 * device.c: a function's life. Build (tear down) dev's vPCI state for its
 * current owner: the library's registers (header, then capabilities), BAR
 * tracking, mappings, then the platform's device_init. Teardown unmaps
 * what the device had mapped. Called with the host lock held (as is
 * everything below).
 */
int vpci_dev_state_build(struct vpci_dev *dev);
void vpci_dev_state_teardown(struct vpci_dev *dev);
/* True if dev's owner wants vPCI state (emulation on for it). */
bool vpci_dev_wants_state(const struct vpci_dev *dev);
/*
 * Build dev's state if its owner wants it; a hardware-domain device whose
 * state cannot be built becomes read-only instead (logged). Returns an
 * error only when not even that was possible.
 */
int vpci_dev_build_or_readonly(struct vpci_dev *dev);
/* Reserve what marking sbdf read-only needs, so that it cannot fail
 * later. Errors: VPCI_ENOMEM. */
int vpci_dev_reserve_readonly(struct vpci_host *host, vpci_sbdf_t sbdf);
/* Mark dev hidden and read-only (reserved beforehand): its state goes and
 * its frames leave the hardware domain for good. */
void vpci_dev_make_readonly(struct vpci_dev *dev);
/* Free every physical function (host teardown). */
void vpci_devices_destroy(struct vpci_host *host);
/* The hardware domain came (went): its functions get (lose) state. */
void vpci_hwdom_devices_build(struct vpci_host *host);
void vpci_hwdom_devices_teardown(struct vpci_host *host);
/*
 * Move dev from the hardware domain to dom at guest_sbdf (ops: an
 * external emulator serves it instead of vPCI). On error dev is back with
 * the hardware domain; *unmap_failed says the hardware domain's mappings
 * of it could not be removed (else the guest's state could not be built).
 */
int vpci_dev_to_guest(struct vpci_dev *dev, struct vpci_domain *dom,
		      vpci_sbdf_t guest_sbdf,
		      const struct vpci_emulator_ops *ops, void *arg,
		      bool *unmap_failed);
/* Give dev back to the hardware domain. */
void vpci_dev_release(struct vpci_dev *dev);
/* Give every function of dom back (virtual ones are freed). */
void vpci_domain_release_devices(struct vpci_domain *dom);

void vpci_regtable_destroy(struct vpci_host *host, struct vpci_regtable *t);
bool vpci_dev_passthrough_gaps(const struct vpci_dev *dev);

/* True if dev's owner is a guest (a fully emulated view). */
static inline bool vpci_dev_is_guest(const struct vpci_dev *dev)
{
	return dev->owner && dev->owner->cfg.kind == VPCI_DOMAIN_GUEST;
}

static inline enum vpci_view vpci_dev_view(const struct vpci_dev *dev)
{
	return vpci_dev_is_guest(dev) ? VPCI_VIEW_GUEST : VPCI_VIEW_HARDWARE;
}

/* header.c: the type 0/1 header. Init errors: VPCI_ENOTSUP (header
 * type), VPCI_EIO (no function answers), VPCI_ENOMEM. */
int vpci_header_init(struct vpci_dev *dev);
void vpci_header_teardown(struct vpci_dev *dev);
/* Give the hardware the command/ROM writes that waited for map work. */
void vpci_header_complete(struct vpci_dev *dev);
/* Hook for the MSI issue: MSI or MSI-X is on, so INTx stays disabled. */
bool vpci_header_intx_forced(const struct vpci_dev *dev);

/* bar_probe.c: BAR kinds, sizes and addresses, read from the hardware. */
void vpci_bars_probe(struct vpci_dev *dev);

/* msix_pages.c: read where the hardware's MSI-X table and PBA live into
 * hdr->msix (after the BARs are probed; never allocates). */
void vpci_msix_locate(struct vpci_dev *dev);
/* The host frames holding any byte of hdr->msix[i] at the BAR's current
 * host address. False: none (invalid, or the BAR is unplaced). */
bool vpci_msix_host_frames(const struct vpci_dev *dev, unsigned int i,
			   struct vpci_range *frames);

/*
 * frame_guard.c: forbidden host frames, the one place deciding which host
 * frames a BAR or ROM mapping must leave out, whoever the owner:
 *  - frames the hypervisor reserved (host->reserved): every domain;
 *  - frames holding the device's MSI-X table or PBA, when hdr->msix_guard;
 *  - frames claimed by guest-assigned and read-only functions
 *    (host->claimed): the hardware domain's group.
 * Sharing a frame with another function is refused at assignment
 * (vpci_guard_assignable), so a guest's own BAR frames never hold another
 * owner's registers.
 */
/* Fill bar->excluded (it is out of the index) for a mapping of host frames
 * [host_first, host_last]. Errors: VPCI_ENOMEM (fail closed: the caller
 * must not map the BAR). */
int vpci_guard_exclusions(struct vpci_dev *dev, struct vpci_bar *bar,
			  uint64_t host_first, uint64_t host_last);
/* Whether dev may go to a guest: VPCI_EPERM (logged, naming both
 * functions) when a BAR of dev shares a host frame with a BAR or ROM of
 * another function. */
int vpci_guard_assignable(const struct vpci_dev *dev);
/* A guest's ROM whose host frames hold another function's BAR or ROM is
 * absent for the guest (logged). Call after probing. */
void vpci_guard_guest_rom(struct vpci_dev *dev);
/* Make dev's claim match its owner: claimed while a guest's or read-only,
 * else not; hardware-domain mappings of newly claimed frames go. Errors:
 * VPCI_ENOMEM (nothing claimed). Unclaiming never fails. */
int vpci_guard_sync_claim(struct vpci_dev *dev);
/* Drop dev's claim without looking at other devices (host teardown). */
void vpci_guard_unclaim(struct vpci_dev *dev);
/* Reserve what claiming one more function needs, so that a later
 * vpci_guard_sync_claim() cannot fail. Errors: VPCI_ENOMEM. */
int vpci_guard_reserve_claim(struct vpci_host *host);
/* Re-enter every placed BAR (of any owner when all_groups, else of the
 * hardware domain's group) mapping a host frame of [first, last], so its
 * exclusions are recomputed. Management calls only: O(devices). */
void vpci_guard_refresh(struct vpci_host *host, uint64_t first, uint64_t last,
			bool all_groups);
/* True if addr is bar's sizing pattern (every address bit set in a
 * half): a probe, never a place to map. */
bool vpci_bar_is_sizing(const struct vpci_bar *bar, uint64_t addr);

/* bars.c: owner groups, where BARs map, the wanted index. */
struct vpci_owner_group *vpci_owner_group(const struct vpci_dev *dev);
struct vpci_owner_group *vpci_domain_group(struct vpci_domain *dom);
void vpci_group_init(struct vpci_owner_group *g, struct vpci_host *host,
		     struct vpci_domain *dom);
void vpci_group_destroy(struct vpci_host *host, struct vpci_owner_group *g);
/* Drop what g records as mapped (its domain is gone), logged if any. */
void vpci_group_forget(struct vpci_host *host, struct vpci_owner_group *g);
/* vpci_domain_destroy() that frees dom even when unmaps still fail (the
 * frames are forgotten, logged); for vpci_host_destroy(). */
int vpci_domain_destroy_forced(struct vpci_domain *dom);
/* The domain g maps into, if it exists now. */
bool vpci_group_domid(const struct vpci_host *host,
		      const struct vpci_owner_group *g, uint32_t *domid);
/* Make slot's wanted-index entry follow its placement, queueing the
 * ranges touched as pending. Errors: VPCI_ENOMEM. A conflicting guest BAR
 * is blocked (logged), not an error. */
int vpci_bar_sync(struct vpci_dev *dev, unsigned int slot);
/* Take bar out of the wanted index (its range becomes pending). */
void vpci_bar_leave(struct vpci_dev *dev, struct vpci_bar *bar);
void vpci_bar_unblock(struct vpci_owner_group *g, struct vpci_bar *bar);
struct vpci_header *vpci_bar_header(struct vpci_bar *bar);
/* After a map failure: memory decoding off, every BAR out (logged). */
void vpci_bars_fail(struct vpci_dev *dev, int rc);
/* True while the hardware domain cannot see dev (a hide policy took it
 * away): its BARs are then never mapped into the hardware domain. */
bool vpci_dev_hidden_from_hwdom(const struct vpci_dev *dev);

/* map.c: the map work and pending work. */
/*
 * Bring the mappings of the slots in mask (bit i: bars[i]) in line with
 * the header state and run the device's map work; once none is left,
 * vpci_header_complete(). sync: keep going when the platform preempts
 * (setup); otherwise preempted work waits for vpci_process_pending().
 */
void vpci_bars_apply(struct vpci_dev *dev, unsigned int mask, bool sync);
/* Unmap what dev's BARs contribute, synchronously (teardown); deferred
 * hardware writes are dropped. */
void vpci_bars_release(struct vpci_dev *dev);
/* True while dev has map work queued. */
bool vpci_bars_pending(const struct vpci_dev *dev);
/* Retry unmapping what g has mapped that nobody wants (after an unmap
 * failed). Never allocates. Returns 0 when nothing is left over, else the
 * first unmap error still standing (the frames stay recorded). */
int vpci_group_sweep(struct vpci_host *host, struct vpci_owner_group *g);

#endif /* VPCI_INTERNAL_H */
