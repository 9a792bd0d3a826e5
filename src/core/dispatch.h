/* SPDX-License-Identifier: MIT */
/*
 * The fast path of one config access, inline in each entry point
 * (config_access.c, ecam.c): the device lookup of the commonest view and
 * the register dispatch of an aligned dword, so that such an access makes
 * no call between the entry point and the handler or the platform. A
 * dword that is one whole 4-byte register, only gap bytes, or a read of
 * several registers is done here; a write mixing registers and gaps goes
 * to register_access.c with its plan entry; everything else takes the
 * general path (config_access.c's views, vpci_dev_read/write). Private
 * to the core.
 */
#ifndef VPCI_DISPATCH_H
#define VPCI_DISPATCH_H

#include "internal.h"
#include "header.h"

/* register_access.c: a 4-byte write at an aligned dword holding registers and
 * gap bytes both, or several registers; entry is the dword's plan entry. */
void vpci_dword_write_mixed(struct vpci_dev *dev, unsigned int reg,
			    unsigned int entry, uint32_t val);

/* register_access.c: a 4-byte read of an aligned dword holding several
 * registers (and maybe gap bytes); entry is the dword's plan entry. Out
 * of line: its walk would make every access's frame larger. */
uint32_t vpci_dword_read_several(struct vpci_dev *dev, unsigned int reg,
				 unsigned int entry);

/* The hardware domain and the hypervisor owner see real hardware in
 * gaps; a guest sees PCI reserved-register semantics (read 0). */
static inline bool vpci_gaps_pass_through(const struct vpci_dev *dev)
{
	return !dev->owner || dev->owner->cfg.kind != VPCI_DOMAIN_GUEST;
}

/* The four bits of a byte mask as 0x00/0xff bytes of a 32-bit value (each
 * bit moved to the bottom of its byte, then spread over it). */
static inline uint32_t vpci_byte_mask(unsigned int bytes)
{
	return ((bytes * 0x00204081u) & 0x01010101u) * 0xffu;
}

/* The gap bytes of a dword whose covered bytes are covered (bits 0-3), as
 * 0x00/0xff bytes of a 32-bit value: one load instead of the arithmetic
 * of vpci_byte_mask() on the commonest mixed read. */
static inline uint32_t vpci_gap_mask(unsigned int covered)
{
	static const uint32_t gap_masks[16] = {
		0xffffffffu, 0xffffff00u, 0xffff00ffu, 0xffff0000u,
		0xff00ffffu, 0xff00ff00u, 0xff0000ffu, 0xff000000u,
		0x00ffffffu, 0x00ffff00u, 0x00ff00ffu, 0x00ff0000u,
		0x0000ffffu, 0x0000ff00u, 0x000000ffu, 0x00000000u,
	};

	return gap_masks[covered & 0xfu];
}

/* One register's value as a read shows it, within its size: served here
 * for registers marked so (registers.h), else by its handler. phys: the
 * dword's hardware value, read once by the caller when a register or a
 * gap needs it. */
static inline __attribute__((always_inline)) uint32_t
vpci_register_value(const struct vpci_dev *dev, const struct vpci_register *r,
		    uint32_t phys)
{
	unsigned int f = r->flags;

	if (__builtin_expect(f & (VPCI_REG_READS_PHYS | VPCI_REG_READS_VALUE |
				  VPCI_REG_READS_CMD),
			     0)) {
		if (f & VPCI_REG_READS_VALUE)
			return *(const uint32_t *)r->data & r->visible;
		if (!(f & VPCI_REG_READS_CMD) ||
		    !vpci_held(dev->hdr, VPCI_HELD_CMD))
			return (phys >> ((r->offset & 3u) * 8u)) & r->visible;
	}
	return r->read ? r->read(dev, r->offset, r->size, r->data) & r->visible
		       : 0;
}

/*
 * A 4-byte read of an aligned dword holding several registers, or
 * registers and gap bytes (entry: its plan entry). The gap bytes, and
 * registers that show the hardware's bytes, come from one physical
 * 4-byte read (config reads have no side effects; the bytes of other
 * registers are dropped), each other register from its value or its
 * handler; one register and gaps (the commonest mix) without a walk. A
 * handler may not change the table; if one did, the walk stays inside it
 * and inside the dword.
 */
static inline __attribute__((always_inline)) uint32_t
vpci_dword_read_mixed_inline(struct vpci_dev *dev, unsigned int reg,
			     unsigned int entry, bool pass_through)
{
	const struct vpci_regtable *t = &dev->regs;
	unsigned int covered = entry >> VPCI_PLAN_COVERED_SHIFT;
	unsigned int i = entry & VPCI_PLAN_FIRST;
	const struct vpci_register *r;
	bool gaps =
		covered != VPCI_PLAN_ALL_COVERED && pass_through;
	uint32_t val = 0, phys = 0;

	/* The plan is whole (callers check), so it names an existing
	 * register. */
	if (__builtin_expect(!(entry & VPCI_PLAN_ONE), 0))
		return vpci_dword_read_several(dev, reg, entry);
	/* One register and gap bytes (the commonest mix): no walk. */
	r = &t->regs[i];
	if (gaps || (r->flags & (VPCI_REG_READS_PHYS | VPCI_REG_READS_CMD)))
		phys = dev->host->ops->conf_read(dev->host->ctx, dev->sbdf, reg,
						 4);
	if (gaps)
		val = phys & vpci_gap_mask(covered);
	return val | vpci_register_value(dev, r, phys)
			     << ((r->offset & 3u) * 8u);
}

/* The hardware domain's write of a dword that is a 2-byte register r
 * (at byte at) and two gap bytes. */
static inline __attribute__((always_inline)) void
vpci_dword_write_halves(struct vpci_dev *dev, const struct vpci_register *r,
			unsigned int reg, unsigned int at, uint32_t val)
{
	if (at)
		dev->host->ops->conf_write(dev->host->ctx, dev->sbdf, reg, 2,
					   val & 0xffffu);
	if (r->write)
		r->write(dev, r->offset, 2, (val >> (at * 8u)) & 0xffffu,
			 r->data);
	if (!at)
		dev->host->ops->conf_write(dev->host->ctx, dev->sbdf, reg + 2u,
					   2, val >> 16);
}

/*
 * A 4-byte access at an aligned reg below 4096 (the caller checked) that
 * is one whole 4-byte register or only gap bytes; anything else, and a
 * plan that registers changed since it was built, goes to register_access.c.
 * The plan entry of a dword with covered bytes names an existing
 * register (the plan is rebuilt whenever the table changes).
 */
static inline __attribute__((always_inline)) uint32_t
vpci_dispatch_dword_read(struct vpci_dev *dev, unsigned int reg,
			 bool pass_through)
{
	const struct vpci_regtable *t = &dev->regs;
	const struct vpci_register *r;
	unsigned int entry;

	if (__builtin_expect(t->plan_stale, 0))
		return vpci_dev_read(dev, reg, 4);
	if (reg < VPCI_CFG_STD_SIZE)
		entry = t->plan_std[reg / 4u];
	else if (t->plan_ext)
		entry = t->plan_ext[reg / 4u - VPCI_STD_DWORDS];
	else
		entry = 0; /* nothing lives in extended space */
	if (!(entry >> VPCI_PLAN_COVERED_SHIFT))
		return pass_through
			       ? dev->host->ops->conf_read(dev->host->ctx,
							   dev->sbdf, reg, 4)
			       : 0;
	r = &t->regs[entry & VPCI_PLAN_FIRST];
	if (r->size != 4u)
		return vpci_dword_read_mixed_inline(dev, reg, entry,
						    pass_through);
	/* Reserved bits read as 0, as in register_access.c's register_read. */
	if (__builtin_expect(
		    !(r->flags & (VPCI_REG_READS_PHYS | VPCI_REG_READS_VALUE)),
		    1))
		return r->read ? r->read(dev, reg, 4, r->data) & r->visible : 0;
	if (r->flags & VPCI_REG_READS_PHYS)
		return dev->host->ops->conf_read(dev->host->ctx, dev->sbdf, reg,
						 4) &
		       r->visible;
	return *(const uint32_t *)r->data & r->visible;
}

static inline __attribute__((always_inline)) void
vpci_dispatch_dword_write(struct vpci_dev *dev, unsigned int reg, uint32_t val,
			  bool pass_through)
{
	const struct vpci_regtable *t = &dev->regs;
	const struct vpci_register *r;
	unsigned int entry;

	if (__builtin_expect(t->plan_stale, 0)) {
		vpci_dev_write(dev, reg, 4, val);
		return;
	}
	if (reg < VPCI_CFG_STD_SIZE)
		entry = t->plan_std[reg / 4u];
	else if (t->plan_ext)
		entry = t->plan_ext[reg / 4u - VPCI_STD_DWORDS];
	else
		entry = 0;
	if (!(entry >> VPCI_PLAN_COVERED_SHIFT)) {
		if (pass_through)
			dev->host->ops->conf_write(dev->host->ctx, dev->sbdf,
						   reg, 4, val);
		return;
	}
	r = &t->regs[entry & VPCI_PLAN_FIRST];
	if (r->size != 4u) {
		/* One register without masks and gap bytes: a guest's gap
		 * bytes are dropped; the hardware domain's, when they are
		 * the other half of the dword, go to the hardware in
		 * address order with the register (as register_access.c's walk
		 * does). */
		if ((entry & VPCI_PLAN_ONE) &&
		    !(r->flags & (VPCI_REG_MASKED | VPCI_REG_WRITES_VALUE))) {
			unsigned int at = r->offset & 3u;

			if (!pass_through) {
				if (r->write)
					r->write(dev, r->offset, r->size,
						 (val >> (at * 8u)) &
							 vpci_size_mask(r->size),
						 r->data);
				return;
			}
			if (r->size == 2u) {
				vpci_dword_write_halves(dev, r, reg, at, val);
				return;
			}
		}
		vpci_dword_write_mixed(dev, reg, entry, val);
		return;
	}
	if (!r->write)
		return; /* read-only */
	/* A register without masks takes the value as it is; without ro or
	 * RsvdP bits, with RsvdZ bits cleared (as register_access.c does). */
	if (!(r->flags & VPCI_REG_MASKED))
		r->write(dev, reg, 4, val, r->data);
	else if (!(r->masks.ro | r->masks.rsvdp))
		r->write(dev, reg, 4, val & ~r->masks.rsvdz, r->data);
	else
		vpci_dev_write(dev, reg, 4, val);
}

/*
 * The commonest case of config_access.c's view_of(), on its own so that
 * it stays small enough to inline into every entry point: the function
 * dom sees at sbdf when that is plain vPCI emulation (VIEW_VPCI). NULL:
 * anything else, which the general path decides. The two must agree on
 * VIEW_VPCI (a change to the view rules changes both). One for a guest
 * (whose gaps read 0), one for the hardware domain (whose gaps are the
 * hardware's: its functions have no owner), so that each dispatch knows
 * which.
 */
static inline __attribute__((always_inline)) struct vpci_dev *
vpci_direct_guest_dev(const struct vpci_domain *dom, vpci_sbdf_t sbdf)
{
	struct vpci_dev *dev;

	if ((sbdf & ~7u) == VPCI_BRIDGE_SBDF)
		return NULL;
	dev = vpci_sbdf_map_lookup(&dom->vdevs, sbdf);
	return dev && !dev->emulator ? dev : NULL;
}

static inline __attribute__((always_inline)) struct vpci_dev *
vpci_direct_hw_dev(const struct vpci_domain *dom, vpci_sbdf_t sbdf)
{
	const struct vpci_host *host = dom->host;
	struct vpci_dev *dev;

	if (!(dom->cfg.flags & VPCI_DOMAIN_F_VPCI) || host->policy)
		return NULL;
	dev = vpci_sbdf_map_lookup(&host->devices, sbdf);
	if (!dev || dev->owner || vpci_sbdf_set_contains(&host->readonly, sbdf))
		return NULL;
	return dev;
}

/* The fast path's case, before the lookup: an aligned 4-byte access in
 * a domain whose config accesses vPCI claims (vpci_config_claimed()). */
static inline __attribute__((always_inline)) bool
vpci_direct_case(const struct vpci_domain *dom, unsigned int reg,
		 unsigned int size)
{
	return size == 4u && !(reg & ~(VPCI_CFG_SPACE_SIZE - 4u)) &&
	       vpci_domain_has_bridge(dom);
}

/*
 * The fast path of every config entry point (vpci_read/write,
 * vpci_config_read/write, ECAM): an aligned 4-byte access to a function
 * under plain vPCI emulation. True: done (*val read); false: take the
 * general path. Checks what the general path checks, in the order that
 * costs least for this case. The _dword forms are for a caller that has
 * checked the access itself (vpci_direct_case(), or ECAM's decode).
 */
static inline __attribute__((always_inline)) bool
vpci_direct_read_dword(struct vpci_domain *dom, vpci_sbdf_t sbdf,
		       unsigned int reg, uint32_t *val)
{
	struct vpci_dev *dev;

	vpci_lock(dom->host);
	if (dom->cfg.kind != VPCI_DOMAIN_GUEST) {
		dev = vpci_direct_hw_dev(dom, sbdf);
		if (dev)
			*val = vpci_dispatch_dword_read(dev, reg, true);
	} else {
		dev = vpci_direct_guest_dev(dom, sbdf);
		if (dev)
			*val = vpci_dispatch_dword_read(dev, reg, false);
	}
	vpci_unlock(dom->host);
	return dev != NULL;
}

static inline __attribute__((always_inline)) bool
vpci_direct_write_dword(struct vpci_domain *dom, vpci_sbdf_t sbdf,
			unsigned int reg, uint32_t val)
{
	struct vpci_dev *dev;

	vpci_lock(dom->host);
	if (dom->cfg.kind == VPCI_DOMAIN_GUEST) {
		dev = vpci_direct_guest_dev(dom, sbdf);
		if (dev)
			vpci_dispatch_dword_write(dev, reg, val, false);
	} else {
		dev = vpci_direct_hw_dev(dom, sbdf);
		if (dev)
			vpci_dispatch_dword_write(dev, reg, val, true);
	}
	vpci_unlock(dom->host);
	return dev != NULL;
}

static inline __attribute__((always_inline)) bool
vpci_direct_read(struct vpci_domain *dom, vpci_sbdf_t sbdf, unsigned int reg,
		 unsigned int size, uint32_t *val)
{
	return vpci_direct_case(dom, reg, size) &&
	       vpci_direct_read_dword(dom, sbdf, reg, val);
}

static inline __attribute__((always_inline)) bool
vpci_direct_write(struct vpci_domain *dom, vpci_sbdf_t sbdf, unsigned int reg,
		  unsigned int size, uint32_t val)
{
	return vpci_direct_case(dom, reg, size) &&
	       vpci_direct_write_dword(dom, sbdf, reg, val);
}

#endif /* VPCI_DISPATCH_H */
