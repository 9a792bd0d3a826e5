/* SPDX-License-Identifier: MIT */
/*
 * The core's central objects -- host, domain, device -- and the helpers
 * every file uses (allocation, locking, logging, physical config access).
 * Each other concept has its private header beside its code (registers.h,
 * header.h, bar_index.h, caps.h, msix.h, ...). Nothing here is API.
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

#include "bar_index.h"
#include "emulator.h"
#include "frame_index.h"
#include "registers.h"
#include "sbdf_map.h"
#include "sbdf_set.h"

#define VPCI_MAX_ECAM_WINDOWS 16u

#define VPCI_ROM_SLOT 6u
#define VPCI_NR_SLOTS 7u /* six BARs and the expansion ROM */
#define VPCI_ALL_SLOTS ((1u << VPCI_NR_SLOTS) - 1u)

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
	/* A function vpci_device_add() refused (host->refused): not in the
	 * device map, kept only for its frames. */
	struct vpci_dev *next_refused;
};

#define VPCI_IRQ_MSI (1u << 0)
#define VPCI_IRQ_MSIX (1u << 1)

/* ------------------------------------------------------------- domains */

struct vpci_ecam_window {
	uint64_t base;
	uint64_t size_bytes;
	vpci_sbdf_t sbdf_first; /* function 0 of bus_first: the decode adds
				 * the offset's bus and devfn to it */
	uint16_t segment;
	uint8_t bus_first;
	uint8_t bus_last;
};

struct vpci_domain {
	struct vpci_host *host;
	/* Effective configuration: flags as resolved, msi/msix/vpci YES or
	 * NO. info says who chose each. */
	struct vpci_domain_config cfg;
	struct vpci_domain_info info;
	struct vpci_ecam_window ecam[VPCI_MAX_ECAM_WINDOWS];
	unsigned int nr_ecam;
	struct vpci_sbdf_map vdevs; /* guests: virtual SBDF -> device */
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
	struct vpci_sbdf_map devices; /* physical SBDF -> device */
	/* Functions vpci_device_add() refused for sharing a frame with a
	 * guest's: read-only, not added, their frames still claimed and
	 * still in the way of an assignment (device.c). Few, if any. */
	struct vpci_dev *refused;
	struct vpci_domain *hwdom;
	struct vpci_domain *domains;
	struct vpci_sbdf_set hidden;    /* owned by the hypervisor */
	struct vpci_sbdf_set readonly;  /* subset of hidden: no vPCI state */
	struct vpci_sbdf_set ro_warned; /* read-only writes already logged */
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
	return vpci_sbdf_set_contains(&dev->host->hidden, dev->sbdf);
}

static inline bool vpci_dev_is_readonly(const struct vpci_dev *dev)
{
	return vpci_sbdf_set_contains(&dev->host->readonly, dev->sbdf);
}

/* ------------------------------------------------------ shared helpers */

void *vpci_zalloc(struct vpci_host *host, size_t size_bytes);
void vpci_free(struct vpci_host *host, void *ptr);

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

/* Inline, like the physical accesses below: every config access takes
 * the lock, and most reach the hardware once. */
static inline void vpci_lock(struct vpci_host *host)
{
	if (host->ops->lock)
		host->ops->lock(host->ctx);
}

static inline void vpci_unlock(struct vpci_host *host)
{
	if (host->ops->unlock)
		host->ops->unlock(host->ctx);
}

/* Misaligned physical accesses, bytewise (platform.c). */
uint32_t vpci_phys_read_bytes(const struct vpci_host *host, vpci_sbdf_t sbdf,
			      unsigned int reg, unsigned int size);
void vpci_phys_write_bytes(const struct vpci_host *host, vpci_sbdf_t sbdf,
			   unsigned int reg, unsigned int size, uint32_t val);

/* Physical config access for a device's function (any size/offset; the
 * platform only ever sees naturally aligned accesses inside 4 KiB). */
static inline uint32_t vpci_phys_read(const struct vpci_host *host,
				      vpci_sbdf_t sbdf, unsigned int reg,
				      unsigned int size)
{
	if (!vpci_access_ok(reg, size))
		return vpci_size_mask(size);
	if ((reg & (size - 1)) == 0)
		return host->ops->conf_read(host->ctx, sbdf, reg, size) &
		       vpci_size_mask(size);
	return vpci_phys_read_bytes(host, sbdf, reg, size);
}

static inline void vpci_phys_write(const struct vpci_host *host,
				   vpci_sbdf_t sbdf, unsigned int reg,
				   unsigned int size, uint32_t val)
{
	if (!vpci_access_ok(reg, size))
		return;
	if ((reg & (size - 1)) == 0)
		host->ops->conf_write(host->ctx, sbdf, reg, size,
				      val & vpci_size_mask(size));
	else
		vpci_phys_write_bytes(host, sbdf, reg, size, val);
}

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
/* Build the state dev's owner wants (none for some: read-only, external
 * emulator) and claim its frames if it is a guest's or read-only.
 * Errors: those of vpci_dev_state_build(), VPCI_ENOMEM. */
int vpci_dev_state_for_owner(struct vpci_dev *dev);
/* A new function at sbdf in the host's map, without state (*out).
 * Errors: VPCI_EEXIST (sbdf has one), VPCI_ENOMEM. Functions added by the
 * platform and VFs made on VF Enable are both made here ... */
int vpci_dev_create(struct vpci_host *host, vpci_sbdf_t sbdf,
		    struct vpci_dev **out);
/* ... and unmade here: out of the map, state torn down, frames
 * unclaimed, SR-IOV state (a PF's) or index slot (a VF's) dropped. */
void vpci_dev_destroy(struct vpci_dev *dev);
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

/* vpci_domain_destroy() that frees dom even when unmaps still fail (the
 * frames are forgotten, logged); for vpci_host_destroy(). */
int vpci_domain_destroy_forced(struct vpci_domain *dom);

/* True if dev's owner is a guest (a fully emulated view). */
static inline bool vpci_dev_is_guest(const struct vpci_dev *dev)
{
	return dev->owner && dev->owner->cfg.kind == VPCI_DOMAIN_GUEST;
}

static inline enum vpci_view vpci_dev_view(const struct vpci_dev *dev)
{
	return vpci_dev_is_guest(dev) ? VPCI_VIEW_GUEST : VPCI_VIEW_HARDWARE;
}

#endif /* VPCI_INTERNAL_H */
