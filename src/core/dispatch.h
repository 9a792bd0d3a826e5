/* SPDX-License-Identifier: MIT */
/*
 * The register dispatch's fast path (registers.c owns the rest): inline in
 * the config entry points (config_access.c), so that the commonest
 * accesses -- an aligned dword that is one whole 4-byte register or no
 * register at all -- make no call between the entry point and the
 * handler or the platform. Everything else goes to vpci_dev_read/write.
 * Private to the core.
 */
#ifndef VPCI_DISPATCH_H
#define VPCI_DISPATCH_H

#include "internal.h"

/* The hardware domain and the hypervisor owner see real hardware in
 * gaps; a guest sees PCI reserved-register semantics (read 0). */
static inline bool vpci_gaps_pass_through(const struct vpci_dev *dev)
{
	return !dev->owner || dev->owner->cfg.kind != VPCI_DOMAIN_GUEST;
}

/*
 * A 4-byte access at an aligned reg below 4096 (the caller checked) that
 * is one whole 4-byte register or only gap bytes; anything else, and a
 * plan that registers changed since it was built, goes to registers.c.
 * The plan entry of a dword with covered bytes names an existing
 * register (the plan is rebuilt whenever the table changes).
 */
static inline __attribute__((always_inline)) uint32_t
vpci_dispatch_dword_read(struct vpci_dev *dev, unsigned int reg)
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
		return vpci_gaps_pass_through(dev)
			       ? dev->host->ops->conf_read(dev->host->ctx,
							   dev->sbdf, reg, 4)
			       : 0;
	r = &t->regs[entry & VPCI_PLAN_FIRST];
	if ((entry >> VPCI_PLAN_COVERED_SHIFT) != VPCI_PLAN_ALL_COVERED ||
	    r->size != 4u)
		return vpci_dev_read(dev, reg, 4);
	/* Reserved bits read as 0, as in registers.c's register_read. */
	return r->read ? r->read(dev, reg, 4, r->data) &
				 ~(r->masks.rsvdz | r->masks.rsvdp)
		       : 0;
}

static inline __attribute__((always_inline)) void
vpci_dispatch_dword_write(struct vpci_dev *dev, unsigned int reg, uint32_t val)
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
		if (vpci_gaps_pass_through(dev))
			dev->host->ops->conf_write(dev->host->ctx, dev->sbdf,
						   reg, 4, val);
		return;
	}
	r = &t->regs[entry & VPCI_PLAN_FIRST];
	if ((entry >> VPCI_PLAN_COVERED_SHIFT) != VPCI_PLAN_ALL_COVERED ||
	    r->size != 4u) {
		vpci_dev_write(dev, reg, 4, val);
		return;
	}
	if (!r->write)
		return; /* read-only */
	/* Only a register without masks takes the value as it is. */
	if (r->masks.ro | r->masks.rw1c | r->masks.rsvdp | r->masks.rsvdz)
		vpci_dev_write(dev, reg, 4, val);
	else
		r->write(dev, reg, 4, val, r->data);
}

#endif /* VPCI_DISPATCH_H */
