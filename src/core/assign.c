/* SPDX-License-Identifier: MIT */
/*
 * Device assignment: moving a physical function from the hardware domain
 * to a guest (emulated by vPCI or forwarded to an external emulator) and
 * back, and the rules of a guest's virtual topology.
 */
#include "internal.h"

bool vpci_dev_wants_state(const struct vpci_dev *dev)
{
	const struct vpci_domain *owner = dev->owner ? dev->owner
						     : dev->host->hwdom;

	/* Read-only devices and externally emulated ones get none. */
	return owner && (owner->cfg.flags & VPCI_DOMAIN_F_VPCI) &&
	       !dev->emulator && !vpci_dev_is_readonly(dev);
}

int vpci_dev_release(void *arg, struct vpci_dev *dev)
{
	(void)arg;
	vpci_dev_state_teardown(dev);
	dev->owner = NULL;
	dev->emulator = NULL;
	dev->emulator_arg = NULL;
	vpci_guard_sync_claim(dev); /* unclaims (unless read-only) */
	if (vpci_dev_build_or_readonly(dev))
		vpci_log(dev->host, VPCI_LOG_ERROR,
			 "%pS: cannot rebuild state for the hardware domain",
			 dev->sbdf);
	return 0;
}

static vpci_sbdf_t slot_fn(vpci_sbdf_t sbdf, unsigned int fn)
{
	return (sbdf & ~7u) | fn;
}

/*
 * A virtual slot holds functions of one physical slot, and a physical
 * slot's functions assigned to one guest share one virtual slot, with
 * their function numbers: the guest OS sees a real multi-function device.
 */
static int check_topology(const struct vpci_domain *dom, vpci_sbdf_t host_sbdf,
			  vpci_sbdf_t guest_sbdf)
{
	const struct vpci_host *host = dom->host;
	unsigned int fn;

	if (VPCI_SBDF_FN(host_sbdf) != VPCI_SBDF_FN(guest_sbdf))
		return VPCI_EINVAL;
	for (fn = 0; fn < 8; fn++) {
		const struct vpci_dev *v =
			vpci_devmap_lookup(&dom->vdevs, slot_fn(guest_sbdf, fn));
		const struct vpci_dev *p =
			vpci_devmap_lookup(&host->devices, slot_fn(host_sbdf, fn));

		if (v && (v->sbdf & ~7u) != (host_sbdf & ~7u))
			return VPCI_EINVAL;
		if (p && p->owner == dom &&
		    (p->guest_sbdf & ~7u) != (guest_sbdf & ~7u))
			return VPCI_EINVAL;
	}
	return 0;
}

static int check_assignable(const struct vpci_domain *dom,
			    const struct vpci_dev *dev, vpci_sbdf_t guest_sbdf)
{
	const struct vpci_host *host = dom->host;
	int rc;

	if (dom->cfg.kind != VPCI_DOMAIN_GUEST ||
	    !(dom->cfg.flags & VPCI_DOMAIN_F_VPCI))
		return VPCI_EINVAL;
	if (!dev)
		return VPCI_ENOENT;
	if (vpci_dev_is_hidden(dev) ||
	    ((host->policy & VPCI_POLICY_HIDE_SLOT) &&
	     vpci_devset_slot_any(&host->hidden, dev->sbdf)))
		return VPCI_EPERM;
	if (dev->owner)
		return VPCI_EBUSY;
	if (vpci_devmap_lookup(&dom->vdevs, guest_sbdf))
		return VPCI_EEXIST;
	rc = check_topology(dom, dev->sbdf, guest_sbdf);
	/* Its BARs must not share a host frame with another function's. */
	return rc ? rc : vpci_guard_assignable(dev);
}

static int assign(struct vpci_domain *dom, vpci_sbdf_t host_sbdf,
		  vpci_sbdf_t guest_sbdf, const struct vpci_emulator_ops *ops,
		  void *arg)
{
	struct vpci_host *host = dom->host;
	struct vpci_dev *dev;
	int rc;

	vpci_lock(host);
	dev = vpci_devmap_lookup(&host->devices, host_sbdf);
	rc = check_assignable(dom, dev, guest_sbdf);
	if (!rc)
		rc = vpci_devmap_insert(&dom->vdevs, guest_sbdf, dev);
	if (rc)
		goto out;
	/* The hardware domain's state does not describe a guest's view;
	 * and while it keeps any frame of the device, no guest gets it. */
	vpci_dev_state_teardown(dev);
	rc = vpci_group_sweep(host, &host->hw_group);
	if (rc) {
		vpci_log(host, VPCI_LOG_ERROR,
			 "%pS: the hardware domain still has its frames "
			 "mapped (%s): not assigned",
			 dev->sbdf, vpci_strerror(rc));
		vpci_devmap_remove(&dom->vdevs, guest_sbdf);
		vpci_dev_release(NULL, dev);
		goto out;
	}
	dev->owner = dom;
	dev->guest_sbdf = guest_sbdf;
	dev->emulator = ops;
	dev->emulator_arg = arg;
	rc = vpci_dev_wants_state(dev) ? vpci_dev_state_build(dev) : 0;
	/* From now on the hardware domain never gets its frames. */
	if (!rc)
		rc = vpci_guard_sync_claim(dev);
	if (rc) {
		vpci_log(host, VPCI_LOG_ERROR, "%pS: cannot build state for "
			 "domain %u (%s); assignment undone", dev->sbdf,
			 dom->cfg.domid, vpci_strerror(rc));
		vpci_devmap_remove(&dom->vdevs, guest_sbdf);
		vpci_dev_release(NULL, dev);
	}
out:
	vpci_unlock(host);
	return rc;
}

int vpci_assign_device(struct vpci_domain *dom, vpci_sbdf_t host_sbdf,
		       vpci_sbdf_t guest_sbdf)
{
	return assign(dom, host_sbdf, guest_sbdf, NULL, NULL);
}

int vpci_assign_external(struct vpci_domain *dom, vpci_sbdf_t host_sbdf,
			 vpci_sbdf_t guest_sbdf,
			 const struct vpci_emulator_ops *ops, void *arg)
{
	if (!ops || !ops->read || !ops->write)
		return VPCI_EINVAL;
	return assign(dom, host_sbdf, guest_sbdf, ops, arg);
}

int vpci_deassign_device(struct vpci_domain *dom, vpci_sbdf_t host_sbdf)
{
	struct vpci_host *host = dom->host;
	struct vpci_dev *dev;
	int rc = 0;

	vpci_lock(host);
	dev = vpci_devmap_lookup(&host->devices, host_sbdf);
	if (!dev || dev->owner != dom) {
		rc = VPCI_ENOENT;
	} else {
		vpci_devmap_remove(&dom->vdevs, dev->guest_sbdf);
		vpci_dev_release(NULL, dev);
		/* What an unmap failed to remove stays recorded: say so, and
		 * retry (here, and on every later call that sweeps). */
		rc = vpci_group_sweep(host, &dom->group);
	}
	vpci_unlock(host);
	return rc;
}
