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

struct vpci_domain {
	struct vpci_host *host;
	struct vpci_domain_config cfg;
	struct vpci_ecam_window ecam[VPCI_MAX_ECAM_WINDOWS];
	unsigned int nr_ecam;
	struct vpci_devmap vdevs; /* guests: virtual SBDF -> device */
	struct vpci_domain *next; /* host's list of domains */
};

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
	return (size == 1 || size == 2 || size == 4) &&
	       reg < VPCI_CFG_SPACE_SIZE &&
	       size <= VPCI_CFG_SPACE_SIZE - reg;
}

/* Physical config access for a device's function (any size/offset). */
uint32_t vpci_phys_read(const struct vpci_host *host, vpci_sbdf_t sbdf,
			unsigned int reg, unsigned int size);
void vpci_phys_write(const struct vpci_host *host, vpci_sbdf_t sbdf,
		     unsigned int reg, unsigned int size, uint32_t val);

/*
 * Build (tear down) dev's vPCI state for its current owner: registers,
 * BAR tracking, mappings. Teardown unmaps what the device had mapped.
 * Called with the host lock held.
 */
int vpci_dev_state_build(struct vpci_dev *dev);
void vpci_dev_state_teardown(struct vpci_dev *dev);
/*
 * Build dev's state if its owner wants it; a hardware-domain device whose
 * state cannot be built becomes read-only instead (logged). Returns an
 * error only when not even that was possible.
 */
int vpci_dev_build_or_readonly(struct vpci_dev *dev);
/* Give dev back to the hardware domain (a devmap visitor; arg unused). */
int vpci_dev_release(void *arg, struct vpci_dev *dev);
/* True if dev's owner wants vPCI state (emulation on for it). */
bool vpci_dev_wants_state(const struct vpci_dev *dev);

void vpci_regtable_destroy(struct vpci_host *host, struct vpci_regtable *t);
bool vpci_dev_passthrough_gaps(const struct vpci_dev *dev);

#endif /* VPCI_INTERNAL_H */
