/* SPDX-License-Identifier: MIT */
/*
 * Capability lists (caps.c) and the emulators of single capabilities
 * (cap_*.c). Private to the core.
 */
#ifndef VPCI_CAPS_H
#define VPCI_CAPS_H

#include "internal.h"

#define VPCI_CAP_STD_MAX 48u  /* (256 - 64) / 4 */
#define VPCI_CAP_EXT_MAX 960u /* (4096 - 256) / 4 */

struct vpci_cap;

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
	uint32_t shown;    /* the header the owner reads, next as linked */
	/* The emulator's read-only value right after a standard header,
	 * served by one dword register with the header (caps.c). */
	struct vpci_register after_header;
	uint16_t pos;
	uint16_t next;     /* the next visible capability of its list, or 0 */
	bool extended;
	bool visible;      /* linked into the owner's view of the list */
};

/* A device's capabilities: one allocation, sized when its lists are
 * read (registers point into caps[], which never moves). */
struct vpci_caps {
	uint16_t nr_std;
	uint16_t nr_ext;
	uint16_t first_std; /* the owner's capability pointer (0: none) */
	uint16_t first_ext; /* first visible extended capability (0: none) */
	struct vpci_cap caps[]; /* nr_std standard, then nr_ext extended */
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
/* The capability pointer dev's owner reads (0: no list). Inline: a
 * guest's status read asks on every access. */
static inline unsigned int vpci_caps_first(const struct vpci_dev *dev)
{
	return dev->caps ? dev->caps->first_std : 0u;
}
/* True if dev's owner has a capability with this ID linked in its view of
 * the standard (extended) list. */
bool vpci_caps_visible(const struct vpci_dev *dev, unsigned int id,
		       bool extended);

/*
 * A guest's capability header and the 2-byte control register after it
 * (MSI, MSI-X) as one dword register, registered by the emulator: the
 * header's bytes read as caps.c links them (cap->shown) and ignore
 * writes. A write reaches the emulator's control handlers as a 2-byte
 * write of ctrl_reg: a byte of control merged with the other byte as
 * ctrl_read shows it, nothing for a write of the header only. Inline, so
 * each emulator's handlers are called directly.
 */
static inline __attribute__((always_inline)) void
vpci_cap_header_ctrl_write(struct vpci_dev *dev, unsigned int reg,
			   unsigned int size, uint32_t val, void *data,
			   unsigned int ctrl_reg, vpci_read_fn *ctrl_read,
			   vpci_write_fn *ctrl_write)
{
	unsigned int shift = (reg & 3u) * 8u;
	uint32_t v = (val << shift) >> 16;
	uint32_t bytes = (vpci_size_mask(size) << shift) >> 16;

	if (!bytes)
		return; /* the header only */
	if (bytes != 0xffffu) /* a byte of control: the other one stays */
		v = (ctrl_read(dev, reg, 2, data) & ~bytes) | (v & bytes);
	ctrl_write(dev, ctrl_reg, 2, v, data);
}

/* Reads as zero: a capability's registers that neither the guest nor the
 * hardware domain may reach. Hidden, so taking its address from any
 * capability file needs no GOT in a freestanding link (vpci_read_zero is
 * exported and would). */
vpci_read_fn vpci_cap_read_zero __attribute__((visibility("hidden")));

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

#endif /* VPCI_CAPS_H */
