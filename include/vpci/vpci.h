/* SPDX-License-Identifier: MIT */
/*
 * libvpci public API: hosts, domains, devices, emulated registers and the
 * config-space access entry points.
 *
 * Every function returns 0 or a negative VPCI_E* code (vpci/errors.h)
 * unless documented otherwise. Nothing here keeps global state: all state hangs off a
 * struct vpci_host, so any number of hosts may coexist in one process.
 * Entry points take the host lock (platform ops lock/unlock) themselves;
 * register handlers run with it held and must not call back into entry
 * points.
 */
#ifndef VPCI_VPCI_H
#define VPCI_VPCI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vpci/api.h"
#include "vpci/errors.h"
#include "vpci/platform.h"
#include "vpci/rangeset.h"

VPCI_BEGIN_DECLS


/*
 * Most refusals also give a reason: functions taking `const char **reason`
 * set *reason (when reason is not NULL) to a static English sentence a
 * toolstack prints as is, naming the option or rule involved, and to NULL
 * on success. The error code says which kind of cause it was; the
 * sentence which one.
 */

struct vpci_host;
struct vpci_domain;
struct vpci_dev;

/* ------------------------------------------------------------------ host */

/* Explicit platform limits, for vpci_host_create()'s limits argument. */
#define VPCI_HOST_NO_GUEST_VPCI (1u << 0) /* vPCI only for the hw domain */
#define VPCI_HOST_NO_HWDOM_VPCI (1u << 1) /* hw domain sees raw hardware */

/* What a host can do, from vpci_host_caps(). */
#define VPCI_CAP_HWDOM_VPCI (1u << 0)
#define VPCI_CAP_GUEST_VPCI (1u << 1)
#define VPCI_CAP_MSI (1u << 2)
#define VPCI_CAP_MSIX (1u << 3)
#define VPCI_CAP_EXTERNAL_EMULATOR (1u << 4)

/*
 * Create a host behind ops/ctx. ops must provide conf_read, conf_write,
 * zalloc and free. limits is a mask of VPCI_HOST_*.
 * Errors: VPCI_EINVAL (missing required op, unknown limit bit),
 * VPCI_ENOMEM.
 */
int vpci_host_create(const struct vpci_platform_ops *ops, void *ctx,
		     uint32_t limits, struct vpci_host **out);
/* Destroy the host, its domains and devices, unmapping (through the
 * platform) everything its domains still had mapped. Never needs memory.
 * Returns 0, or the first platform unmap error: the host is gone anyway,
 * and frames whose unmap failed once more are forgotten (logged). */
int vpci_host_destroy(struct vpci_host *host);
/* VPCI_CAP_* mask: derived from the ops provided and the limits. */
uint32_t vpci_host_caps(const struct vpci_host *host);

/* --------------------------------------------------------------- devices */

/*
 * Tell the host a physical function exists at sbdf. It belongs to the
 * hardware domain (once one exists) unless hidden. An SR-IOV physical
 * function's virtual functions are the host's own business: they come and
 * go with its VF Enable bit (docs/capabilities.md, "SR-IOV"); ones already
 * enabled are added with it.
 * Errors: VPCI_EEXIST, VPCI_ENOMEM, VPCI_EPERM: a BAR or the ROM of the
 * function shares a host frame with a BAR or ROM of a function assigned
 * to a guest (logged, naming both); it is not added, its memory decoding
 * is turned off and it is read-only from then on, so its registers never
 * show up in the guest's frame (docs/header.md, rule 2). The host still
 * keeps its frames from the hardware domain and from assignment until it
 * is added or removed.
 */
int vpci_device_add(struct vpci_host *host, vpci_sbdf_t sbdf);
/* Forget a function (an SR-IOV PF: with its VFs). Errors: VPCI_ENOENT,
 * VPCI_EBUSY (assigned to a guest, or one of its VFs is), VPCI_EPERM (a
 * virtual function: it goes when its PF's VF Enable is cleared), a
 * platform unmap error (it is forgotten, but some of the hardware
 * domain's frames stay mapped and recorded; later calls retry). A
 * function whose add was refused with VPCI_EPERM is forgotten too
 * (returns 0): its frames are free again. */
int vpci_device_remove(struct vpci_host *host, vpci_sbdf_t sbdf);
/* The device at physical sbdf, or NULL. O(1) in the number of devices. */
struct vpci_dev *vpci_device_find(const struct vpci_host *host,
				  vpci_sbdf_t sbdf);
vpci_sbdf_t vpci_dev_sbdf(const struct vpci_dev *dev);
struct vpci_host *vpci_dev_host(const struct vpci_dev *dev);
/* The domain whose view dev is in: the guest it is assigned to, else the
 * hardware domain (NULL while there is none). */
struct vpci_domain *vpci_dev_owner(const struct vpci_dev *dev);
/* dev's SBDF as its owner sees it: a guest's virtual one, else the
 * physical one. */
vpci_sbdf_t vpci_dev_owner_sbdf(const struct vpci_dev *dev);

/* ------------------------------------------------ hidden and read-only */

/*
 * Give the function at sbdf to the hypervisor (a console UART, a USB debug
 * port). The hardware domain still reads it and shares BAR-overlap
 * accounting with it; guests can never be assigned it. May be called
 * before or after vpci_device_add(). Hiding twice is not an error.
 * Errors (with *reason): VPCI_EINVAL (host is NULL), VPCI_EBUSY (assigned
 * to a guest: deassign it first), VPCI_ENOMEM.
 */
int vpci_device_hide(struct vpci_host *host, vpci_sbdf_t sbdf,
		     const char **reason);
/*
 * Hide sbdf and make it read-only: no vPCI state is built for it (its
 * state is dropped if it had any) and hardware-domain writes to it are
 * dropped, logged once per device. Its BAR frames leave the hardware
 * domain once the host knows it (now, or when vpci_device_add() takes
 * it). Errors: as vpci_device_hide().
 */
int vpci_device_set_readonly(struct vpci_host *host, vpci_sbdf_t sbdf,
			     const char **reason);
bool vpci_device_is_hidden(const struct vpci_host *host, vpci_sbdf_t sbdf);
bool vpci_device_is_readonly(const struct vpci_host *host, vpci_sbdf_t sbdf);

/*
 * Multi-function policy for hidden functions, off by default:
 *  HIDE_SLOT: a slot (bus, device) with any hidden function disappears
 *    whole from the hardware domain's view and cannot be assigned.
 *  STUB_FN0: hidden functions disappear from the hardware domain's view
 *    one by one; a hidden function 0 is replaced by a stub (vendor,
 *    device and class of the real one, multi-function, no BARs, no
 *    capabilities) so functions 1-7 still enumerate.
 * The two contradict each other. Errors: VPCI_EINVAL.
 */
#define VPCI_POLICY_HIDE_SLOT (1u << 0)
#define VPCI_POLICY_STUB_FN0 (1u << 1)
int vpci_host_set_policy(struct vpci_host *host, uint32_t policy);

/*
 * Keep host frames [first_mfn, first_mfn + nr_frames) out of every
 * domain's physmap, the hardware domain's included: MMIO the hypervisor
 * drives itself (a hidden UART, a debug port). Whatever BAR or ROM covers
 * them, those frames are skipped (logged); frames already mapped are
 * unmapped before this returns. There is no way back: a reservation lasts
 * as long as the host. Errors: VPCI_EINVAL (no frames, or the range
 * wraps), VPCI_ENOMEM.
 */
int vpci_host_reserve_frames(struct vpci_host *host, uint64_t first_mfn,
			     uint64_t nr_frames);

/* ------------------------------------------------------------- registers */

/*
 * Register handlers. reg and size are the register's own offset and size;
 * data is what was registered with it. A read returns the
 * whole register (size as registered), a write receives the whole new
 * value prepared by the dispatcher (see vpci_add_register()).
 */
typedef uint32_t vpci_read_fn(const struct vpci_dev *dev, unsigned int reg,
			      unsigned int size, void *data);
typedef void vpci_write_fn(struct vpci_dev *dev, unsigned int reg,
			   unsigned int size, uint32_t val, void *data);

/*
 * Per-bit behaviour of a register, within its size. Bits in no mask are
 * read-write: reads return the handler's bit, writes pass the writer's.
 * The masks must not overlap.
 *  ro:    reads return the handler's bit; writes pass the handler's
 *         current bit (what its read returns), whatever was written.
 *  rw1c:  reads return the handler's bit; a write passes 1 only where the
 *         writer wrote 1 ("clear this"), 0 elsewhere, and bytes not
 *         written never carry a 1 (PCI 3.0 section 6.2.3).
 *  rsvdp: reserved and preserved (PCIe Base 6.0 section 7.4): reads
 *         return 0 whatever the handler holds; writes pass the handler's
 *         current bit, so the value behind is preserved.
 *  rsvdz: reserved, zero: reads return 0; writes pass 0.
 * A write of part of the register passes the other bytes as the handler
 * holds them (ro/rw1c/rsvdp/rsvdz rules still apply to them).
 */
struct vpci_reg_masks {
	uint32_t ro;
	uint32_t rw1c;
	uint32_t rsvdp;
	uint32_t rsvdz;
};

/*
 * Registers the library owns, per view (platform.h: enum vpci_view). It
 * installs them every time it builds a function's state, before the
 * platform's device_init, and a platform register overlapping one of
 * them is refused (VPCI_EEXIST, logged with both registers):
 *  - hardware domain (and hidden functions): the command register (0x04,
 *    2 bytes), each memory BAR the function implements (both dwords of a
 *    64-bit one) and the expansion ROM register (0x30, or 0x38 for a
 *    bridge). Every other byte is the hardware's until a platform
 *    register takes it: I/O BARs, status, identity, the capability list.
 *  - guest: the header's vendor/device (0x00, 4), command (0x04, 2),
 *    status (0x06, 2), revision/class (0x08, 4), cache line size (0x0c),
 *    latency timer (0x0d), header type (0x0e), capability pointer
 *    (0x34), interrupt line and pin (0x3c, 0x3d), and for type 0
 *    subsystem IDs (0x2c, 4) and min_gnt/max_lat (0x3e, 2); every BAR
 *    the function implements, I/O included, and the ROM. Other bytes
 *    read 0 and drop writes unless a platform register takes them (BIST,
 *    CardBus CIS, a bridge's bus numbers and windows, reserved bytes).
 *  - both: the registers of every capability the library emulates in
 *    that view (its capability handlers run before device_init too).
 * Registers a platform adds outside device_init live only as long as the
 * current state: assignment, deassignment and hardware-domain creation
 * rebuild it without them.
 */

/*
 * Emulate [offset, offset + size) of dev's config space. size is 1, 2 or
 * 4 and offset is aligned to it. A NULL read handler reads as 0; a NULL
 * write handler ignores writes; both NULL is an error. masks may be NULL.
 * A write covering only part of the register, or a register with ro or
 * rsvdp bits, is read-modify-write: the dispatcher reads the register
 * first and merges.
 * Errors: VPCI_EINVAL (bad size/alignment, no handlers, overlapping masks,
 * mask bits beyond size), VPCI_ERANGE (beyond 4 KiB), VPCI_EEXIST
 * (overlaps a register; logged when the library owns it), VPCI_ENOSPC
 * (too many registers), VPCI_ENOMEM.
 */
int vpci_add_register(struct vpci_dev *dev, vpci_read_fn *read,
		      vpci_write_fn *write, unsigned int offset,
		      unsigned int size, void *data,
		      const struct vpci_reg_masks *masks);
/*
 * Remove every register lying wholly inside [offset, offset + size).
 * Nothing stops this removing registers the library owns (a benchmark
 * does, to measure bare dispatch), but their emulation then goes with
 * them until the next rebuild: platforms should remove only their own.
 * Errors: VPCI_ERANGE, VPCI_EINVAL (a register straddles the boundary),
 * VPCI_ENOENT (nothing there).
 */
int vpci_remove_registers(struct vpci_dev *dev, unsigned int offset,
			  unsigned int size);

/* Stock handlers: the real hardware register, a constant 0, a sink. */
vpci_read_fn vpci_hw_read;
vpci_write_fn vpci_hw_write;
vpci_read_fn vpci_read_zero;
vpci_write_fn vpci_write_ignore;
/* data points at a uint32_t latch holding the value; the write stores val
 * as given (so it suits registers without rw1c bits). */
vpci_read_fn vpci_read_val;
vpci_write_fn vpci_write_val;

/*
 * Config access to one device's emulated config space as its owner sees
 * it, bypassing visibility checks (for platforms and tests). size is 1, 2
 * or 4 at any offset with reg + size <= 4096; the access is split over
 * registers and gaps and merged. Gaps pass through to hardware for the
 * hardware domain and hypervisor owner, and read 0 / drop writes for a
 * guest. Out-of-range accesses read all-ones and are dropped.
 */
uint32_t vpci_dev_read(struct vpci_dev *dev, unsigned int reg,
		       unsigned int size);
void vpci_dev_write(struct vpci_dev *dev, unsigned int reg, unsigned int size,
		    uint32_t val);

/* --------------------------------------------------------------- domains */

/*
 * Isolation guarantees (docs/header.md, "What a domain can never get"),
 * per 4 KiB host frame, for every BAR and ROM:
 *  - no guest gets a frame holding a byte of its device's MSI-X table or
 *    PBA, nor of another function's BAR or ROM (such functions are not
 *    assignable: VPCI_EPERM; such a guest ROM is absent);
 *  - the hardware domain gets no frame of a guest's or read-only
 *    function, nor of a function a hide policy takes from its view;
 *  - no domain gets a frame reserved with vpci_host_reserve_frames();
 *  - a BAR whose forbidden frames cannot be recorded is not mapped (its
 *    decoding is turned off); unmapping never needs memory;
 *  - a failed platform unmap is returned by the call that met it and by
 *    later calls that retry it, and its frames stay recorded as mapped.
 */

enum vpci_domain_kind {
	VPCI_DOMAIN_HARDWARE = 0, /* dom0-like; at most one per host */
	VPCI_DOMAIN_GUEST = 1,
};

enum vpci_tristate {
	VPCI_TRI_DEFAULT = 0, /* on when supported */
	VPCI_TRI_YES = 1,     /* on; fail if unsupported */
	VPCI_TRI_NO = 2,      /* off */
};

/*
 * VPCI_DOMAIN_F_VPCI: vPCI emulates the config space of the physical
 *   functions the domain owns. The same as .vpci = VPCI_TRI_YES.
 * VPCI_DOMAIN_F_HOST_BRIDGE: the domain has an emulated PCI host bridge:
 *   config accesses (ECAM windows, vpci_config_read()) are claimed, and a
 *   guest sees a virtual host-bridge function at 0000:00:00.0 (class
 *   0x0600, header type 0, no BARs, no capabilities; identity from the
 *   platform's host_bridge_identity hook, else VPCI_BRIDGE_DEFAULT_*).
 *   Without vPCI such a guest hosts external emulators only. vPCI
 *   requires the bridge (the mode adds it), and a hardware domain always
 *   has one: the hardware's own, so it gets no virtual function.
 */
#define VPCI_DOMAIN_F_VPCI (1u << 0)
#define VPCI_DOMAIN_F_HOST_BRIDGE (1u << 1)

/* The emulated host bridge's identity when the platform gives none: the
 * generic PCIe host bridge ID guests already know from QEMU's "gpex". */
#define VPCI_BRIDGE_DEFAULT_VENDOR 0x1b36u
#define VPCI_BRIDGE_DEFAULT_DEVICE 0x0008u
/* Where a guest's emulated host bridge sits; its slot is never assigned. */
#define VPCI_BRIDGE_SBDF VPCI_SBDF(0, 0, 0, 0)

struct vpci_domain_config {
	uint32_t domid; /* passed back to platform map/unmap */
	enum vpci_domain_kind kind;
	uint32_t flags; /* VPCI_DOMAIN_F_* */
	enum vpci_tristate msi;
	enum vpci_tristate msix;
	/* vPCI itself: DEFAULT is on when the platform supports it for this
	 * kind of domain (VPCI_CAP_GUEST_VPCI / VPCI_CAP_HWDOM_VPCI). */
	enum vpci_tristate vpci;
};

/*
 * Create a domain. Options resolve in this order: vPCI (asked by
 * VPCI_DOMAIN_F_VPCI or .vpci, else on where supported), the host bridge
 * (asked, or required by vPCI or the hardware-domain kind), MSI and MSI-X
 * (asked, or required by a hardware domain's vPCI mode where the platform
 * has interrupt hooks, else on where supported).
 * Errors, each with *reason:
 *  VPCI_EINVAL: NULL argument, unknown flag or kind or tri-state value, or
 *    two options contradict each other (F_VPCI with vpci=no, msi=yes with
 *    vpci=no, msi=no where the mode requires it); the sentence names both
 *    options.
 *  VPCI_ENOTSUP: a platform limit (the sentence names the host limit bit
 *    or the missing platform hooks).
 *  VPCI_EEXIST: a second hardware domain, or a duplicate domid.
 *  VPCI_ENOMEM.
 */
int vpci_domain_create(struct vpci_host *host,
		       const struct vpci_domain_config *cfg,
		       struct vpci_domain **out, const char **reason);
/*
 * Destroy a domain: what it had mapped is unmapped, map work still pending
 * is dropped, its devices return to the hardware domain (which maps their
 * BARs if the hardware still decodes them), its virtual functions go, and
 * emulator requests still in flight are cancelled (each emulator's cancel
 * hook hears of its tokens; once dom is freed the platform drops their
 * completions). Never needs memory. Returns 0 (dom is freed), or the
 * platform's unmap error: the devices are back with the hardware domain
 * but some frames stay mapped, recorded, and dom stays (empty) so that
 * calling this again retries; vpci_host_destroy() retries once more and
 * then forgets them.
 */
int vpci_domain_destroy(struct vpci_domain *dom);
uint32_t vpci_domain_id(const struct vpci_domain *dom);

/* Who decided an option's effective value. */
enum vpci_origin {
	VPCI_ORIGIN_DEFAULT = 0,  /* nobody asked: the default chose */
	VPCI_ORIGIN_USER = 1,     /* the configuration asked (yes or no) */
	VPCI_ORIGIN_REQUIRED = 2, /* the domain kind or another option
				   * required it (the mode added it) */
};

struct vpci_option_state {
	bool on;
	enum vpci_origin origin;
};

/* What a domain was given, as negotiated at creation. */
struct vpci_domain_info {
	uint32_t domid;
	enum vpci_domain_kind kind;
	uint32_t flags; /* effective VPCI_DOMAIN_F_* */
	struct vpci_option_state vpci;
	struct vpci_option_state host_bridge;
	struct vpci_option_state msi;
	struct vpci_option_state msix;
	/* Guests with the bridge: what 0000:00:00.0 reports. */
	struct vpci_bridge_identity bridge;
	unsigned int nr_ecam_windows;
	unsigned int nr_requests_in_flight; /* emulator requests pending */
};

/* Fill *info. Errors: VPCI_EINVAL (NULL argument). */
int vpci_domain_info(struct vpci_domain *dom, struct vpci_domain_info *info);

/*
 * Give dom an ECAM window at guest-physical gpa_base covering buses
 * bus_first..bus_last of segment (1 MiB per bus). gpa_base must be 1 MiB
 * aligned. Errors, each with *reason: VPCI_EINVAL (NULL domain,
 * misaligned base, bus_first > bus_last), VPCI_ERANGE (the window would
 * end past 2^64), VPCI_EMODE (the domain has no host bridge), VPCI_EEXIST
 * (overlaps a window's addresses, or its segment and buses), VPCI_ENOSPC
 * (16 windows already).
 */
int vpci_domain_add_ecam(struct vpci_domain *dom, uint64_t gpa_base,
			 uint16_t segment, uint8_t bus_first, uint8_t bus_last,
			 const char **reason);

/*
 * Assign the physical function host_sbdf (owned by the hardware domain)
 * to guest dom at virtual guest_sbdf, emulated by vPCI. guest_sbdf may be
 * on any bus of any segment (no 32-device limit), but keeps the function
 * number of host_sbdf, and the functions of one physical slot share one
 * virtual slot; a guest that gets functions but not function 0 of a slot
 * sees a stub function 0 there. Slot 0000:00:00 is the host bridge's.
 * Errors, each with *reason: VPCI_EINVAL (NULL domain), VPCI_EMODE (not a
 * guest, or a guest with vPCI off), VPCI_ENOENT (no such function),
 * VPCI_EPERM (hidden, read-only, or its slot hidden by
 * VPCI_POLICY_HIDE_SLOT, or a host frame of one of its memory BARs holds a
 * byte of another function's BAR or ROM -- logged, naming both functions;
 * see docs/header.md), VPCI_EBUSY (assigned to a guest already),
 * VPCI_EEXIST (guest_sbdf taken, or in the host bridge's slot),
 * VPCI_ETOPOLOGY (function number changed, a virtual slot mixing physical
 * slots or virtual functions), VPCI_ENOMEM, or a platform unmap error (the
 * hardware domain could not be made to let go of the device's frames; not
 * assigned).
 */
int vpci_assign_device(struct vpci_domain *dom, vpci_sbdf_t host_sbdf,
		       vpci_sbdf_t guest_sbdf, const char **reason);

/*
 * An external emulator (an ioreq server) for one guest function: it
 * receives the guest's config accesses at the guest's SBDF, with size 1,
 * 2 or 4 and reg + size <= 4096, the host lock held (so it must not call
 * entry points). Each access comes with a token, unique within the
 * domain.
 *  read/write return 0 when done (read: *val set), or VPCI_EPENDING to
 *  answer later: the platform then calls vpci_emulator_complete(dom,
 *  token, value) once the emulator has answered. Any other error is a
 *  failed access: the read gives all-ones, the write is dropped.
 *  cancel (optional) hears of a pending token that will never complete:
 *  its function was unregistered or deassigned, or the domain destroyed.
 */
struct vpci_emulator_ops {
	int (*read)(void *arg, vpci_sbdf_t guest_sbdf, unsigned int reg,
		    unsigned int size, uint64_t token, uint32_t *val);
	int (*write)(void *arg, vpci_sbdf_t guest_sbdf, unsigned int reg,
		     unsigned int size, uint32_t val, uint64_t token);
	void (*cancel)(void *arg, uint64_t token);
};

/*
 * Assign host_sbdf to guest dom at guest_sbdf, its config space forwarded
 * to ops/arg instead of emulated by vPCI. Same rules and errors as
 * vpci_assign_device(), except that the guest needs the host bridge, not
 * vPCI (VPCI_EMODE otherwise), plus VPCI_EINVAL for missing read/write.
 */
int vpci_assign_external(struct vpci_domain *dom, vpci_sbdf_t host_sbdf,
			 vpci_sbdf_t guest_sbdf,
			 const struct vpci_emulator_ops *ops, void *arg,
			 const char **reason);
/*
 * Return host_sbdf from dom to the hardware domain, unmapping its BARs and
 * cancelling its emulator's requests in flight; never needs memory.
 * Errors, each with *reason: VPCI_EINVAL (NULL domain), VPCI_ENOENT (not
 * assigned to dom); a platform unmap error (the device is back with the
 * hardware domain, but the frames whose unmap failed stay mapped in dom
 * and recorded: later calls -- deassign, vpci_process_pending(dom),
 * destroy -- retry them).
 */
int vpci_deassign_device(struct vpci_domain *dom, vpci_sbdf_t host_sbdf,
			 const char **reason);

/*
 * A purely virtual function (virtio-pci, say): guest_sbdf of guest dom is
 * served by ops/arg, with no physical function behind it. Several per
 * domain; one owner per SBDF. A virtual slot holds virtual functions only
 * (no stub function 0 is made for them: the emulator answers its own
 * function 0, or the guest OS does not scan the slot).
 * Errors, each with *reason: VPCI_EINVAL (NULL domain, missing read or
 * write), VPCI_EMODE (not a guest, or no host bridge), VPCI_EEXIST
 * (guest_sbdf taken, or in the host bridge's slot), VPCI_ETOPOLOGY (the
 * slot holds assigned physical functions), VPCI_ENOMEM.
 */
int vpci_register_emulator(struct vpci_domain *dom, vpci_sbdf_t guest_sbdf,
			   const struct vpci_emulator_ops *ops, void *arg,
			   const char **reason);
/*
 * Remove the virtual function at guest_sbdf, cancelling its requests in
 * flight. Errors, each with *reason: VPCI_EINVAL (NULL domain),
 * VPCI_ENOENT (no virtual function there; an assigned physical function
 * goes with vpci_deassign_device()).
 */
int vpci_unregister_emulator(struct vpci_domain *dom, vpci_sbdf_t guest_sbdf,
			     const char **reason);

/*
 * The emulator answered the request token of dom: value is the register
 * read (ignored for a write). Returns 0 when the access is finished
 * (*result, if not NULL, is what the guest reads: all bytes of the access,
 * 8-byte ECAM reads included), VPCI_EPENDING when it waits for the
 * emulator again under the same token (the second half of an 8-byte
 * ECAM access), or VPCI_ENOENT for a token that is not in flight
 * (unknown, completed or cancelled): nothing changes then.
 */
int vpci_emulator_complete(struct vpci_domain *dom, uint64_t token,
			   uint32_t value, uint64_t *result);

/* The physical device seen by dom at sbdf (virtual for guests), or NULL
 * (also for virtual functions and the host bridge). */
struct vpci_dev *vpci_domain_lookup(const struct vpci_domain *dom,
				    vpci_sbdf_t sbdf);

/* ------------------------------------------------------- access entries */

/*
 * At most this many emulator requests are in flight per domain; beyond it
 * an access that would reach an emulator returns VPCI_EBUSY (retry).
 */
#define VPCI_MAX_REQUESTS_IN_FLIGHT 32u

/*
 * Config read/write by dom at sbdf (virtual for guests), for platforms
 * whose accesses can wait for an external emulator (an ioreq server) and
 * for config front ends (ECAM, CF8) that must know whether an access is
 * theirs. Returns:
 *  0: done; a read sets *val (all-ones for a function dom cannot see,
 *     or a bad size or offset).
 *  VPCI_EPENDING: an emulator answers later; *token names the request,
 *     for vpci_emulator_complete(). The platform keeps the vCPU waiting.
 *     Other accesses of the domain (other vCPUs, other functions, the
 *     same function) go on meanwhile, each with its own token.
 *  VPCI_EBUSY: VPCI_MAX_REQUESTS_IN_FLIGHT requests already wait; *val
 *     all-ones; nothing was sent, the platform may retry.
 *  VPCI_ENOENT: the domain has no host bridge, so its config space is not
 *     libvpci's (another emulator may claim it); *val all-ones.
 * Never allocates.
 */
int vpci_config_read(struct vpci_domain *dom, vpci_sbdf_t sbdf,
		     unsigned int reg, unsigned int size, uint32_t *val,
		     uint64_t *token);
int vpci_config_write(struct vpci_domain *dom, vpci_sbdf_t sbdf,
		      unsigned int reg, unsigned int size, uint32_t val,
		      uint64_t *token);

/*
 * The same for callers that cannot wait: a function dom cannot see reads
 * all-ones and drops writes; so do bad sizes and offsets. An emulator
 * answering VPCI_EPENDING here has its request cancelled at once (read:
 * all-ones; logged). Never fails.
 */
uint32_t vpci_read(struct vpci_domain *dom, vpci_sbdf_t sbdf,
		   unsigned int reg, unsigned int size);
void vpci_write(struct vpci_domain *dom, vpci_sbdf_t sbdf, unsigned int reg,
		unsigned int size, uint32_t val);

/*
 * An MMIO access at gpa of size 1, 2, 4 or 8 bytes. Returns 0 when gpa is
 * inside one of dom's ECAM windows (the access was handled, even if it
 * read all-ones), VPCI_ENOENT when it is not (not ours: *val all-ones).
 * A pending emulator answer is cancelled as for vpci_read().
 */
int vpci_ecam_read(struct vpci_domain *dom, uint64_t gpa, unsigned int size,
		   uint64_t *val);
int vpci_ecam_write(struct vpci_domain *dom, uint64_t gpa, unsigned int size,
		    uint64_t val);
/*
 * The same for platforms that can wait: also VPCI_EPENDING with *token
 * (the read's value comes from vpci_emulator_complete()) and VPCI_EBUSY,
 * as for vpci_config_read(). An 8-byte access to an emulated function is
 * two 4-byte requests, one after the other, under one token.
 */
int vpci_ecam_read_async(struct vpci_domain *dom, uint64_t gpa,
			 unsigned int size, uint64_t *val, uint64_t *token);
int vpci_ecam_write_async(struct vpci_domain *dom, uint64_t gpa,
			  unsigned int size, uint64_t val, uint64_t *token);

/*
 * An MMIO access at gpa inside a trapped MSI-X frame of dom: the frames
 * of a device's MSI-X table and PBA are never mapped into any domain, so
 * the platform sends every access there to these (for every domain,
 * hardware domain included). size is 1, 2, 4 or 8. Table entries take
 * naturally aligned 4- and 8-byte accesses; anything else there reads
 * all-ones and is dropped. Other registers in those frames are read and
 * written through to the device at the matching host address.
 * Returns 0 when gpa is in a trapped MSI-X frame of dom (handled),
 * VPCI_ENOENT when it is not (not ours: *val all-ones).
 */
int vpci_msix_read(struct vpci_domain *dom, uint64_t gpa, unsigned int size,
		   uint64_t *val);
int vpci_msix_write(struct vpci_domain *dom, uint64_t gpa, unsigned int size,
		    uint64_t val);

/*
 * Continue map/unmap work the platform preempted, and retry unmaps of
 * dom's that failed earlier. Returns 0 when nothing is left,
 * VPCI_ERESTART when more remains, or the error that ended it (a map
 * failure, or an unmap failure whose frames stay recorded as mapped).
 *
 * A platform whose map/unmap returns VPCI_ERESTART must call this until
 * it returns something else before the vCPU that caused the work runs
 * again (as Xen does on the way back to the guest): while a device has
 * work pending, writes to its command register, BARs and ROM are dropped
 * (and logged), and reads show the value being applied.
 */
int vpci_process_pending(struct vpci_domain *dom);

VPCI_END_DECLS

#endif /* VPCI_VPCI_H */
