/* SPDX-License-Identifier: MIT */
/*
 * What a domain sees at an SBDF, and the config access entry points built
 * on it. The rules (DESIGN.md section 7):
 *  - a guest sees only its assigned functions, at their virtual SBDFs,
 *    plus a stub function 0 on a slot whose function 0 it was not given;
 *  - the hardware domain sees every function not assigned to a guest,
 *    hypervisor-owned (hidden) ones included, unless a multi-function
 *    policy takes them away;
 *  - read-only functions are raw hardware to read and drop writes;
 *  - a guest without a host bridge has no config space here at all; with
 *    one it sees the bridge at 0000:00:00.0 and its virtual functions.
 * Each lookup is a constant number of O(1) map and bitmap probes.
 */
#include "dispatch.h"

enum view_kind {
	VIEW_NONE,     /* nothing there: all-ones, writes dropped */
	VIEW_RAW,      /* the hardware, untouched by vPCI */
	VIEW_VPCI,     /* the device's emulated config space */
	VIEW_EMULATOR, /* forwarded to an external emulator */
	VIEW_STUB,     /* synthesized function 0 */
	VIEW_BRIDGE,   /* the guest's emulated host bridge slot */
};

struct view {
	enum view_kind kind;
	struct vpci_dev *dev; /* VIEW_VPCI, VIEW_EMULATOR */
	vpci_sbdf_t phys;     /* VIEW_RAW, VIEW_STUB: whose hardware */
	bool readonly;        /* VIEW_RAW: drop writes */
};

/* The lowest physical function on sbdf's virtual slot, other than
 * function 0 (virtual functions have no hardware to stub from). */
static __attribute__((noinline)) struct vpci_dev *
guest_slot_member(const struct vpci_domain *dom, vpci_sbdf_t sbdf)
{
	unsigned int fn;

	for (fn = 1; fn < 8; fn++) {
		struct vpci_dev *dev =
			vpci_sbdf_map_lookup(&dom->vdevs, (sbdf & ~7u) | fn);

		if (dev && !dev->virtual_fn)
			return dev;
	}
	return NULL;
}

bool vpci_config_claimed(const struct vpci_domain *dom, vpci_sbdf_t sbdf)
{
	(void)sbdf; /* every SBDF of a bridged domain: absent ones read ~0 */
	return vpci_domain_has_bridge(dom);
}

static struct view guest_view(const struct vpci_domain *dom,
				     vpci_sbdf_t sbdf)
{
	struct view v = {.kind = VIEW_NONE};
	struct vpci_dev *dev;

	if (!vpci_domain_has_bridge(dom))
		return v;
	if (vpci_is_bridge_slot(dom, sbdf)) {
		v.kind = VIEW_BRIDGE;
		return v;
	}
	dev = vpci_sbdf_map_lookup(&dom->vdevs, sbdf);
	if (dev) {
		v.kind = dev->emulator ? VIEW_EMULATOR : VIEW_VPCI;
		v.dev = dev;
	} else if (VPCI_SBDF_FN(sbdf) == 0 &&
		   (dev = guest_slot_member(dom, sbdf)) != NULL) {
		v.kind = VIEW_STUB;
		v.phys = dev->sbdf;
	}
	return v;
}

static struct view hwdom_view(const struct vpci_domain *dom,
			      vpci_sbdf_t sbdf)
{
	const struct vpci_host *host = dom->host;
	struct vpci_dev *dev = vpci_sbdf_map_lookup(&host->devices, sbdf);
	struct view v = {.kind = VIEW_NONE, .phys = sbdf};

	if (dev && dev->owner)
		return v; /* assigned to a guest */
	if ((host->policy & VPCI_POLICY_HIDE_SLOT) &&
	    vpci_sbdf_set_slot_any(&host->hidden, sbdf))
		return v;
	if ((host->policy & VPCI_POLICY_STUB_FN0) &&
	    vpci_sbdf_set_contains(&host->hidden, sbdf)) {
		if (VPCI_SBDF_FN(sbdf) == 0)
			v.kind = VIEW_STUB;
		return v;
	}
	v.readonly = vpci_sbdf_set_contains(&host->readonly, sbdf);
	/* Functions vPCI does not track are the hardware's to answer. */
	if (!dev || v.readonly || !(dom->cfg.flags & VPCI_DOMAIN_F_VPCI)) {
		v.kind = VIEW_RAW;
		return v;
	}
	v.kind = VIEW_VPCI;
	v.dev = dev;
	return v;
}

static struct view view_of(const struct vpci_domain *dom, vpci_sbdf_t sbdf)
{
	return dom->cfg.kind == VPCI_DOMAIN_GUEST ? guest_view(dom, sbdf)
						  : hwdom_view(dom, sbdf);
}

struct vpci_dev *vpci_domain_lookup(const struct vpci_domain *dom,
				    vpci_sbdf_t sbdf)
{
	struct view v = view_of(dom, sbdf);

	return v.dev && !v.dev->virtual_fn ? v.dev : NULL;
}

/*
 * A stub function 0: the identity and class of a real function, the
 * multi-function bit, and nothing else (no BARs, no capabilities), so an
 * OS scanning the slot goes on to functions 1-7.
 */
static uint32_t stub_read(const struct vpci_host *host, vpci_sbdf_t phys,
			  unsigned int reg, unsigned int size)
{
	uint8_t hdr[16] = {0};
	uint32_t id = vpci_phys_read(host, phys, VPCI_REG_VENDOR_ID, 4);
	uint32_t class = vpci_phys_read(host, phys, VPCI_REG_REVISION, 4);
	uint32_t val = 0;
	unsigned int i;

	for (i = 0; i < 4; i++) {
		hdr[i] = (uint8_t)(id >> (i * 8u));
		hdr[8 + i] = (uint8_t)(class >> (i * 8u));
	}
	hdr[VPCI_REG_HEADER_TYPE] = VPCI_HEADER_MULTI_FUNCTION;
	for (i = 0; i < size; i++)
		if (reg + i < sizeof(hdr))
			val |= (uint32_t)hdr[reg + i] << (i * 8u);
	return val;
}

/*
 * One read as dom sees it, host lock held. Returns 0, VPCI_EPENDING or
 * VPCI_EBUSY (emulators only); *val is all-ones where nothing answers.
 */
static __attribute__((noinline)) int
view_read(struct vpci_domain *dom, vpci_sbdf_t sbdf, unsigned int reg,
	  unsigned int size, uint64_t *val, uint64_t *token)
{
	struct vpci_host *host = dom->host;
	struct view v = view_of(dom, sbdf);

	*val = vpci_size_mask(size);
	switch (v.kind) {
	case VIEW_VPCI:
		*val = vpci_dev_read(v.dev, reg, size);
		break;
	case VIEW_EMULATOR:
		return vpci_emu_access(dom, v.dev, sbdf, reg, size, false, val,
				       token);
	case VIEW_RAW:
		*val = vpci_phys_read(host, sbdf, reg, size);
		break;
	case VIEW_STUB:
		*val = stub_read(host, v.phys, reg, size);
		break;
	case VIEW_BRIDGE:
		*val = vpci_host_bridge_read(dom, sbdf, reg, size);
		break;
	case VIEW_NONE:
		break;
	}
	return 0;
}

/* Log the first dropped write to a read-only function, not every one. */
static void readonly_write_dropped(struct vpci_host *host, vpci_sbdf_t sbdf,
				   unsigned int reg)
{
	if (vpci_sbdf_set_contains(&host->ro_warned, sbdf))
		return;
	/* The segment was reserved when sbdf was made read-only. */
	vpci_sbdf_set_add(&host->ro_warned, sbdf);
	vpci_log(host, VPCI_LOG_WARN,
		 "%pS: read-only device: hardware domain write at 0x%x dropped "
		 "(further drops not logged)",
		 sbdf, reg);
}

/* One write as dom sees it, host lock held; returns as view_read(). */
static __attribute__((noinline)) int
view_write(struct vpci_domain *dom, vpci_sbdf_t sbdf, unsigned int reg,
	   unsigned int size, uint32_t val, uint64_t *token)
{
	struct vpci_host *host = dom->host;
	struct view v = view_of(dom, sbdf);
	uint64_t wide = val & vpci_size_mask(size);

	switch (v.kind) {
	case VIEW_VPCI:
		vpci_dev_write(v.dev, reg, size, val);
		break;
	case VIEW_EMULATOR:
		return vpci_emu_access(dom, v.dev, sbdf, reg, size, true, &wide,
				       token);
	case VIEW_RAW:
		if (v.readonly)
			readonly_write_dropped(host, sbdf, reg);
		else
			vpci_phys_write(host, sbdf, reg, size, val);
		break;
	case VIEW_STUB:
	case VIEW_BRIDGE: /* read-only: no BARs, nothing to enable */
	case VIEW_NONE:
		break;
	}
	return 0;
}

/* A caller that cannot wait gave up on token: tell its emulator. */
static void give_up_waiting(struct vpci_domain *dom, vpci_sbdf_t sbdf,
			    uint64_t token)
{
	vpci_emu_cancel(dom, token);
	vpci_log(dom->host, VPCI_LOG_WARN,
		 "%pS: the emulator answered later, but this access cannot "
		 "wait (use the _async/config entry points): cancelled",
		 sbdf);
}

static __attribute__((noinline)) int
config_read(struct vpci_domain *dom, vpci_sbdf_t sbdf, unsigned int reg,
	    unsigned int size, uint32_t *val, uint64_t *token)
{
	uint64_t wide = 0;
	int rc;

	*val = vpci_size_mask(size);
	if (!vpci_config_claimed(dom, sbdf))
		return VPCI_ENOENT;
	if (!vpci_access_ok(reg, size)) {
		*val = 0xffffffffu;
		return 0;
	}
	vpci_lock(dom->host);
	rc = view_read(dom, sbdf, reg, size, &wide, token);
	vpci_unlock(dom->host);
	*val = (uint32_t)wide;
	return rc;
}

static __attribute__((noinline)) int
config_write(struct vpci_domain *dom, vpci_sbdf_t sbdf, unsigned int reg,
	     unsigned int size, uint32_t val, uint64_t *token)
{
	int rc;

	if (!vpci_config_claimed(dom, sbdf))
		return VPCI_ENOENT;
	if (!vpci_access_ok(reg, size))
		return 0;
	vpci_lock(dom->host);
	rc = view_write(dom, sbdf, reg, size, val, token);
	vpci_unlock(dom->host);
	return rc;
}

int vpci_config_read(struct vpci_domain *dom, vpci_sbdf_t sbdf,
		     unsigned int reg, unsigned int size, uint32_t *val,
		     uint64_t *token)
{
	if (__builtin_expect(vpci_direct_read(dom, sbdf, reg, size, val), 1))
		return 0;
	return config_read(dom, sbdf, reg, size, val, token);
}

int vpci_config_write(struct vpci_domain *dom, vpci_sbdf_t sbdf,
		      unsigned int reg, unsigned int size, uint32_t val,
		      uint64_t *token)
{
	if (__builtin_expect(vpci_direct_write(dom, sbdf, reg, size, val), 1))
		return 0;
	return config_write(dom, sbdf, reg, size, val, token);
}

/* The 8-byte half of ECAM: two 4-byte parts, or one emulator request. */
int vpci_config_access8(struct vpci_domain *dom, vpci_sbdf_t sbdf,
			unsigned int reg, bool write, uint64_t *val,
			uint64_t *token)
{
	struct view v;
	uint64_t lo = 0, hi = 0;
	int rc = 0;

	if (!vpci_config_claimed(dom, sbdf))
		return VPCI_ENOENT;
	vpci_lock(dom->host);
	v = view_of(dom, sbdf);
	if (v.kind == VIEW_EMULATOR) {
		rc = vpci_emu_access(dom, v.dev, sbdf, reg, 8, write, val,
				     token);
	} else if (write) {
		view_write(dom, sbdf, reg, 4, (uint32_t)*val, token);
		view_write(dom, sbdf, reg + 4, 4, (uint32_t)(*val >> 32), token);
	} else {
		view_read(dom, sbdf, reg, 4, &lo, token);
		view_read(dom, sbdf, reg + 4, 4, &hi, token);
		*val = lo | hi << 32;
	}
	vpci_unlock(dom->host);
	return rc;
}

/* What vpci_read/vpci_write do when the fast path does not apply. */
static __attribute__((noinline)) uint32_t
read_waitless(struct vpci_domain *dom, vpci_sbdf_t sbdf, unsigned int reg,
	      unsigned int size)
{
	uint64_t token = 0;
	uint32_t val;
	int rc = config_read(dom, sbdf, reg, size, &val, &token);

	if (rc == VPCI_EPENDING) {
		vpci_lock(dom->host);
		give_up_waiting(dom, sbdf, token);
		vpci_unlock(dom->host);
		return vpci_size_mask(size);
	}
	return val;
}

static __attribute__((noinline)) void
write_waitless(struct vpci_domain *dom, vpci_sbdf_t sbdf, unsigned int reg,
	       unsigned int size, uint32_t val)
{
	uint64_t token = 0;

	if (config_write(dom, sbdf, reg, size, val, &token) == VPCI_EPENDING) {
		vpci_lock(dom->host);
		give_up_waiting(dom, sbdf, token);
		vpci_unlock(dom->host);
	}
}

uint32_t vpci_read(struct vpci_domain *dom, vpci_sbdf_t sbdf,
		   unsigned int reg, unsigned int size)
{
	uint32_t val;

	/* The size is known in the fast branch: not kept across its calls. */
	if (vpci_direct_case(dom, reg, size)) {
		if (__builtin_expect(vpci_direct_read_dword(dom, sbdf, reg,
							    &val),
				     1))
			return val;
		return read_waitless(dom, sbdf, reg, 4);
	}
	return read_waitless(dom, sbdf, reg, size);
}

void vpci_write(struct vpci_domain *dom, vpci_sbdf_t sbdf, unsigned int reg,
		unsigned int size, uint32_t val)
{
	if (vpci_direct_case(dom, reg, size)) {
		if (__builtin_expect(vpci_direct_write_dword(dom, sbdf, reg,
							     val),
				     1))
			return;
		write_waitless(dom, sbdf, reg, 4, val);
		return;
	}
	write_waitless(dom, sbdf, reg, size, val);
}
