/* SPDX-License-Identifier: MIT */
/*
 * libvpci-fdt: the device-tree side of libvpci, an optional component
 * built when libfdt is available and never linked into the core.
 *
 *  - the guest's PCI host bridge node (pci-host-ecam-generic) for a
 *    domain's ECAM window and the BAR apertures its devices need;
 *  - the guest's Xen hypervisor node (grant table, event channel), as
 *    Xen writes it for dom0less guests with xen,enhanced;
 *  - dom0less-style boot configuration: /chosen children compatible with
 *    "xen,domain", their xen,enhanced features and the vpci,* properties
 *    of docs/bindings/vpci-domain.md, turned into domains and
 *    assignments in one call.
 *
 * Like libfdt, it allocates nothing and calls nothing of libc but what
 * libfdt itself needs: the caller owns every buffer. Every function
 * returns 0 or a negative VPCI_E* code and, when it fails, fills err
 * with one line naming the node path, the property and the offending
 * value ("/chosen/domU1: vpci,msi = \"maybe\": expected ...").
 */
#ifndef VPCI_FDT_H
#define VPCI_FDT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vpci/api.h"
#include "vpci/vpci.h"

VPCI_BEGIN_DECLS

#define VPCI_FDT_MSG_LEN 400

struct vpci_fdt_error {
	int code;		    /* the VPCI_E* code returned */
	char msg[VPCI_FDT_MSG_LEN]; /* one line, NUL-terminated */
};

/* ------------------------------------------------------ blobs */

/*
 * Write an empty tree into buf: a root node with #address-cells = <2>
 * and #size-cells = <2>, ready for the node writers below. Errors:
 * VPCI_ENOSPC (buf_len too small; 256 bytes are plenty).
 */
int vpci_fdt_create_empty(void *buf, size_t buf_len,
			  struct vpci_fdt_error *err);

/*
 * The node writers edit the tree in buf (a valid blob of at most buf_len
 * bytes, grown in place). Nodes of the tree other than the one written
 * keep their bytes: the writers only add or replace their own node
 * (and append property names to the strings block), and leave the tree
 * packed (fdt_totalsize() is its size). They need 4 KiB of room past
 * the tree: on VPCI_ENOSPC the tree is unchanged; call again with a
 * larger buffer.
 */

/* ---------------------------------------------- guest host bridge */

/* PCI address spaces of a host bridge's ranges (phys.hi space codes). */
enum vpci_fdt_space {
	VPCI_FDT_SPACE_IO = 0,	       /* 0x01000000: I/O */
	VPCI_FDT_SPACE_MEM32 = 1,      /* 0x02000000: 32-bit, non-prefetch */
	VPCI_FDT_SPACE_MEM64_PREF = 2, /* 0x43000000: 64-bit, prefetchable */
	VPCI_FDT_NR_SPACES = 3,
};

/* A window of guest-physical (cpu) addresses seen at pci_addr on the
 * bus. size 0: absent. */
struct vpci_fdt_aperture {
	uint64_t cpu_addr;
	uint64_t pci_addr;
	uint64_t size;
};

/* One BAR (or expansion ROM) a guest is given, as it sizes it. */
enum vpci_fdt_bar_kind {
	VPCI_FDT_BAR_IO = 0,
	VPCI_FDT_BAR_MEM32 = 1,
	VPCI_FDT_BAR_MEM64 = 2,
	VPCI_FDT_BAR_ROM = 3,
};
struct vpci_fdt_bar {
	vpci_sbdf_t sbdf;   /* for messages: the function (guest SBDF) */
	unsigned int index; /* 0-5, or 6 for the ROM */
	enum vpci_fdt_bar_kind kind;
	bool prefetchable;
	uint64_t size; /* bytes, a power of two */
};

struct vpci_fdt_bridge {
	/* The ECAM window: reg = <ecam_base, (bus_last - bus_first + 1) MiB>
	 * where ecam_base is the configuration space of bus_first. */
	uint64_t ecam_base;
	uint16_t segment; /* linux,pci-domain */
	uint8_t bus_first, bus_last;
	struct vpci_fdt_aperture apertures[VPCI_FDT_NR_SPACES];
	/* Emit every aperture given, not only those the BARs need (room
	 * for devices plugged later). */
	bool keep_unused_apertures;
	bool dma_coherent;
	/* msi-map = <rid_first msi_phandle msi_base nr_rids> when not 0;
	 * the phandle must be a node with msi-controller in the tree. */
	uint32_t msi_phandle;
	uint32_t msi_base;
	/* interrupt-map for INTx when not 0: the phandle of an interrupt
	 * controller with #interrupt-cells = <3> (a GIC) in the tree; INTA-D
	 * of slot d go to SPI intx_spi[(d + pin) % 4], level high (the
	 * standard swizzle). */
	uint32_t intc_phandle;
	uint32_t intx_spi[4];
	const struct vpci_fdt_bar *bars; /* what the apertures must hold */
	size_t nr_bars;
};

/*
 * Check that the apertures hold every BAR as the guest places them:
 * memory BARs rounded up to 4 KiB (the hypervisor maps whole frames),
 * largest first, each aligned to its size, from the aperture's pci_addr.
 * 64-bit prefetchable BARs go to the 64-bit prefetchable aperture when
 * there is one, the other memory BARs and the ROM to the 32-bit one
 * (below 4 GiB on the bus), I/O BARs to the I/O aperture. Also checks
 * the window and apertures themselves (alignment, overlap, 32-bit
 * limits). Errors: VPCI_EINVAL, VPCI_ENOSPC (a BAR does not fit).
 */
int vpci_fdt_bridge_check(const struct vpci_fdt_bridge *b,
			  struct vpci_fdt_error *err);

/*
 * Check b, then write the node /pcie@ECAMBASE (replacing a node of that
 * name) into the tree in buf, encoding reg and ranges with the root's
 * #address-cells/#size-cells. Errors: those of the check, VPCI_ENOENT (a
 * phandle not in the tree), VPCI_ENOTSUP (an interrupt controller that
 * is not 3-cell), VPCI_ERANGE (an address too wide for the root's
 * cells), VPCI_EINVAL (buf is not a valid tree), VPCI_ENOSPC.
 */
int vpci_fdt_bridge_write(const struct vpci_fdt_bridge *b, void *buf,
			  size_t buf_len, struct vpci_fdt_error *err);

/* ---------------------------------------------- hypervisor node */

/* What xen,enhanced gives a domain. */
#define VPCI_FDT_XEN_GNTTAB   (1u << 0) /* grant tables */
#define VPCI_FDT_XEN_EVTCHN   (1u << 1) /* event channels */
#define VPCI_FDT_XEN_XENSTORE (1u << 2) /* xenstore (in the hw domain) */

struct vpci_fdt_hypervisor {
	const char *xen_version; /* "4.19": compatible "xen,xen-4.19" */
	uint32_t features;	 /* VPCI_FDT_XEN_* */
	uint64_t gnttab_base;	 /* reg, with VPCI_FDT_XEN_GNTTAB */
	uint64_t gnttab_size;
	/* interrupts = <1 (evtchn_ppi - 16) 0xf08>, with EVTCHN: a GIC PPI
	 * (16-31), level low, as Xen writes it. */
	uint32_t evtchn_ppi;
	uint32_t intc_phandle; /* interrupt-parent; must be a 3-cell GIC */
};

/*
 * Write /hypervisor (replacing one) for a domain with these features:
 * compatible always; reg when it has grant tables; interrupts and
 * interrupt-parent when it has event channels. Xenstore has no property:
 * the guest finds it through the hypervisor. Features 0 (no
 * xen,enhanced) write nothing and remove an existing /hypervisor.
 * Errors: VPCI_EINVAL (bad version, PPI, unknown feature bit),
 * VPCI_ENOENT, VPCI_ENOTSUP, VPCI_ERANGE,
 * VPCI_ENOSPC as for vpci_fdt_bridge_write().
 */
int vpci_fdt_hypervisor_write(const struct vpci_fdt_hypervisor *h, void *buf,
			      size_t buf_len, struct vpci_fdt_error *err);

/* ------------------------------------------- boot configuration */

#define VPCI_FDT_MAX_DOMAINS  64
#define VPCI_FDT_MAX_DEVICES  512 /* over all domains */
#define VPCI_FDT_PATH_LEN     96
#define VPCI_FDT_DEFAULT_ECAM 0x10000000ull

/* One assignment from vpci,devices or vpci,external-devices. */
struct vpci_fdt_device {
	vpci_sbdf_t host_sbdf;
	vpci_sbdf_t guest_sbdf;
	bool external; /* forwarded to an external emulator */
	/* For external devices, what the emulators' find gave (boot). */
	const struct vpci_emulator_ops *ops;
	void *arg;
};

struct vpci_fdt_domain {
	char path[VPCI_FDT_PATH_LEN]; /* "/chosen/domU1" */
	uint64_t memory_kib;	      /* memory, reported only */
	uint32_t cpus;		      /* cpus, reported only */
	uint32_t features;	      /* VPCI_FDT_XEN_* from xen,enhanced */
	/* domid (1, 2, ... in tree order, as Xen numbers dom0less
	 * domains), kind GUEST, flags and tri-states from vpci,*. */
	struct vpci_domain_config cfg;
	bool has_ecam; /* with devices or vpci,host-bridge */
	uint64_t ecam_base;
	uint16_t segment;
	uint8_t bus_first, bus_last;
	size_t first_device, nr_devices; /* in vpci_fdt_config.devices */
	struct vpci_domain *dom;	 /* after vpci_fdt_boot() */
};

/* About 30 KiB: keep it static or on the heap, not on a small stack. */
struct vpci_fdt_config {
	/* A hardware domain (domid 0): /chosen has a dom0 kernel module. */
	bool has_hwdom;
	struct vpci_domain *hwdom; /* created by vpci_fdt_boot(), or NULL */
	size_t nr_domains;
	struct vpci_fdt_domain domains[VPCI_FDT_MAX_DOMAINS];
	size_t nr_devices;
	struct vpci_fdt_device devices[VPCI_FDT_MAX_DEVICES];
};

/*
 * Parse the boot tree blob (blob_len bytes, which may be a truncated or
 * hostile blob) into cfg, which is overwritten (so undo an earlier
 * vpci_fdt_boot() with vpci_fdt_unboot() first). Checks everything the tree alone can tell:
 * types and lengths, values, SBDF syntax, devices given twice, guest
 * SBDFs outside the domain's ECAM window. Errors: VPCI_EINVAL (bad
 * tree or value), VPCI_ENOSPC (more domains or devices than the
 * arrays hold).
 */
int vpci_fdt_config_parse(const void *blob, size_t blob_len,
			  struct vpci_fdt_config *cfg,
			  struct vpci_fdt_error *err);

/*
 * External emulators for vpci,external-devices: find(ctx, domid,
 * host_sbdf, guest_sbdf, &ops, &arg) returns 0, or a VPCI_E* code when
 * it has none for that device.
 */
struct vpci_fdt_emulators {
	int (*find)(void *ctx, uint32_t domid, vpci_sbdf_t host_sbdf,
		    vpci_sbdf_t guest_sbdf,
		    const struct vpci_emulator_ops **ops, void **arg);
	void *ctx;
};

/*
 * Parse blob and create what it describes on host: the hardware domain
 * when it has one, then each guest with its ECAM window and devices.
 * Before creating anything it checks the configuration against the host
 * (functions exist, are not hidden or read-only, options the host
 * cannot support, emulators found); if creation still fails, everything
 * created is destroyed again. emulators may be NULL (then external
 * devices are an error). Errors: those of vpci_fdt_config_parse() and
 * of domain creation and assignment.
 */
int vpci_fdt_boot(struct vpci_host *host, const void *blob, size_t blob_len,
		  const struct vpci_fdt_emulators *emulators,
		  struct vpci_fdt_config *cfg, struct vpci_fdt_error *err);

/* Destroy what vpci_fdt_boot() created (guests first). */
void vpci_fdt_unboot(struct vpci_fdt_config *cfg);

VPCI_END_DECLS

#endif /* VPCI_FDT_H */
