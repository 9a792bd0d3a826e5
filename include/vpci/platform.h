/* SPDX-License-Identifier: MIT */
/*
 * The platform seam: the only way the libvpci core touches the world.
 *
 * An integrator (a hypervisor port, the Linux harness, a test fake) fills one
 * struct vpci_platform_ops and passes it, with an opaque ctx pointer, to
 * vpci_host_create(). Every hook receives that ctx back. The core never calls
 * libc, never allocates except through zalloc, and never logs except through
 * log.
 */
#ifndef VPCI_PLATFORM_H
#define VPCI_PLATFORM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vpci/api.h"

VPCI_BEGIN_DECLS

/* Segment:bus:device.function packed as seg<<16 | bus<<8 | dev<<3 | fn. */
typedef uint32_t vpci_sbdf_t;

#define VPCI_SBDF(seg, bus, dev, fn)                                            \
	((vpci_sbdf_t)((((uint32_t)(seg) & 0xffffu) << 16) |                   \
		       (((uint32_t)(bus) & 0xffu) << 8) |                      \
		       (((uint32_t)(dev) & 0x1fu) << 3) | ((uint32_t)(fn) & 7u)))
#define VPCI_SBDF_SEG(s) ((uint16_t)((s) >> 16))
#define VPCI_SBDF_BUS(s) ((uint8_t)(((s) >> 8) & 0xffu))
#define VPCI_SBDF_DEV(s) ((uint8_t)(((s) >> 3) & 0x1fu))
#define VPCI_SBDF_FN(s) ((uint8_t)((s) & 7u))
#define VPCI_SBDF_DEVFN(s) ((uint8_t)((s) & 0xffu))
#define VPCI_SBDF_BDF(s) ((uint16_t)((s) & 0xffffu))

/* Frames are 4 KiB everywhere in the seam. */
#define VPCI_FRAME_SHIFT 12
#define VPCI_FRAME_SIZE (1ull << VPCI_FRAME_SHIFT)

enum vpci_log_level {
	VPCI_LOG_ERROR = 0,
	VPCI_LOG_WARN = 1,
	VPCI_LOG_INFO = 2,
	VPCI_LOG_DEBUG = 3,
};

struct vpci_dev;

/*
 * Which view of a function's config space vPCI builds: the hardware
 * domain's (passthrough with guards; hidden functions, owned by the
 * hypervisor, share it) or a guest's (fully emulated). vpci.h lists the
 * registers the library owns in each.
 */
enum vpci_view {
	VPCI_VIEW_HARDWARE = 0,
	VPCI_VIEW_GUEST = 1,
};

/*
 * What one map/unmap call is for: frames of one BAR (or the ROM) of one
 * function, so a platform can pick memory attributes (prefetchable BARs
 * write-combining, or normal non-cacheable on Arm; others device memory)
 * or account mappings to a device. Valid only during the call.
 *
 * A frame shared by several BARs (sub-page BARs in one page) is mapped
 * once, described as the BAR that first needed it, and unmapped once, as
 * the BAR whose change released it last; the frames themselves are
 * always exactly the ones to (un)map.
 */
#define VPCI_MAP_ROM 6u /* desc->bar of the expansion ROM */
/*
 * desc->bar of an unmap retried after an earlier unmap failed, of frames
 * no BAR wants any more: whose they were is no longer known, so both
 * SBDFs are VPCI_MAP_NO_SBDF and flags 0.
 */
#define VPCI_MAP_STALE 0xffu
#define VPCI_MAP_NO_SBDF 0xffffffffu
#define VPCI_MAP_PREFETCH (1u << 0) /* a prefetchable memory BAR */
#define VPCI_MAP_64BIT (1u << 1)    /* a 64-bit memory BAR */
/* The BAR holds the MSI-X table or PBA, whose pages are never mapped for
 * this domain: the range is part of the remainder around them. */
#define VPCI_MAP_MSIX_REMAINDER (1u << 2)

struct vpci_map_desc {
	vpci_sbdf_t host_sbdf;  /* the physical function */
	vpci_sbdf_t owner_sbdf; /* as the domain sees it (a guest's virtual
				 * SBDF, else host_sbdf) */
	uint8_t bar;   /* 0-5 (a 64-bit BAR's lower index), or VPCI_MAP_ROM */
	uint8_t flags; /* VPCI_MAP_* */
};

/*
 * One MSI/MSI-X message a domain programmed, for the interrupt hooks:
 * the address and data exactly as the domain wrote them (for multiple
 * MSI, data already carries the vector number in its low bits). The core
 * never writes these to the device: the platform programs the physical
 * entry (it alone knows the host's vector). masked is always false from
 * the core: a masked vector is unbound with msi_disable instead.
 */
struct vpci_msi_msg {
	uint64_t address;
	uint32_t data;
	bool masked;
};

/* Identity of a guest's emulated host bridge (VPCI_DOMAIN_F_HOST_BRIDGE). */
struct vpci_bridge_identity {
	uint16_t vendor_id;
	uint16_t device_id;
	uint16_t subsystem_vendor_id;
	uint16_t subsystem_id;
	uint8_t revision;
};

struct vpci_platform_ops {
	/*
	 * Physical config space of the real function at sbdf. size is 1, 2
	 * or 4 and reg is naturally aligned to it and below 4096. A read of
	 * a function that does not exist returns all-ones of the size.
	 * Required.
	 */
	uint32_t (*conf_read)(void *ctx, vpci_sbdf_t sbdf, unsigned int reg,
			      unsigned int size);
	void (*conf_write)(void *ctx, vpci_sbdf_t sbdf, unsigned int reg,
			   unsigned int size, uint32_t val);

	/*
	 * Map (unmap) nr_frames frames starting at mfn into (out of) the
	 * physmap of domain domid at gfn, for the BAR desc describes. Return
	 * 0 when all frames are done, a negative VPCI_E* code on failure, or
	 * VPCI_ERESTART after setting *done_frames (< nr_frames) to how far
	 * it got: the core keeps the rest pending until
	 * vpci_process_pending() is called, and asks again with the same
	 * descriptor. Required when BARs are to be mapped; NULL makes every
	 * map fail with VPCI_ENOTSUP.
	 */
	int (*map)(void *ctx, uint32_t domid, uint64_t gfn, uint64_t mfn,
		   uint64_t nr_frames, const struct vpci_map_desc *desc,
		   uint64_t *done_frames);
	int (*unmap)(void *ctx, uint32_t domid, uint64_t gfn, uint64_t mfn,
		     uint64_t nr_frames, const struct vpci_map_desc *desc,
		     uint64_t *done_frames);

	/* Zeroed allocation and its release. Required. */
	void *(*zalloc)(void *ctx, size_t size_bytes);
	void (*free)(void *ctx, void *ptr);

	/*
	 * Optional host-wide lock, taken around every public entry point that
	 * touches host state. NULL for single-threaded integrations.
	 */
	void (*lock)(void *ctx);
	void (*unlock)(void *ctx);

	/* Optional log sink; msg is a finished, NUL-terminated line. */
	void (*log)(void *ctx, enum vpci_log_level level, const char *msg);

	/*
	 * Optional interrupt hooks. Without msi_update the host reports no
	 * MSI/MSI-X support and hides those capabilities from guests.
	 * msi_update (re)binds vector `vector` of the device for domid;
	 * msi_disable tears the binding down.
	 */
	int (*msi_update)(void *ctx, uint32_t domid, vpci_sbdf_t sbdf,
			  unsigned int vector, const struct vpci_msi_msg *msg);
	void (*msi_disable)(void *ctx, uint32_t domid, vpci_sbdf_t sbdf,
			    unsigned int vector);

	/*
	 * Optional per-device extension point. device_init runs every time a
	 * function's vPCI state is built for an owner: when the hardware
	 * domain is created or the function added after it, on assignment to
	 * a guest, and when a guest gives the function back. It runs last,
	 * after every handler of the library (header, capabilities), with the
	 * host lock held; it may add registers to dev (and remove ones it
	 * added) and use vpci_dev_read/write(), but call no entry point that
	 * takes the lock. A register overlapping one the
	 * library owns in this view is refused there and then (VPCI_EEXIST,
	 * logged), so a quirk never displaces the library's emulation.
	 * Returning a negative VPCI_E* code fails the build: an assignment
	 * is refused with that code; a hardware-domain function becomes
	 * read-only (DESIGN.md section 7, rule 4), logged.
	 * device_deinit, if set, runs when state that device_init built is
	 * torn down (before its registers go), so per-device data can be
	 * freed. Registers added outside device_init do not survive a
	 * rebuild.
	 */
	int (*device_init)(void *ctx, struct vpci_dev *dev,
			   enum vpci_view view);
	void (*device_deinit)(void *ctx, struct vpci_dev *dev,
			      enum vpci_view view);

	/*
	 * Optional physical MMIO at host address maddr, size 1, 2, 4 or 8,
	 * naturally aligned. The core uses them only inside trapped MSI-X
	 * frames: for registers that share a frame with the table or PBA,
	 * and for the hardware domain's PBA reads. NULL: such reads return
	 * all-ones and writes are dropped.
	 */
	uint64_t (*mmio_read)(void *ctx, uint64_t maddr, unsigned int size);
	void (*mmio_write)(void *ctx, uint64_t maddr, unsigned int size,
			   uint64_t val);

	/*
	 * Optional: the identity of the host bridge guest domid sees at
	 * 0000:00:00.0, asked once when the domain is created. Return false
	 * (or leave NULL) for VPCI_BRIDGE_DEFAULT_VENDOR/DEVICE, revision 0.
	 */
	bool (*host_bridge_identity)(void *ctx, uint32_t domid,
				     struct vpci_bridge_identity *id);
};

VPCI_END_DECLS

#endif /* VPCI_PLATFORM_H */
