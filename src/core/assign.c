/* SPDX-License-Identifier: MIT */
/*
 * Device assignment: whether a physical function may move from the
 * hardware domain to a guest (emulated by vPCI or forwarded to an external
 * emulator) and back, and the rules of a guest's virtual topology. The
 * move itself, state and all, is device.c's.
 */
#include "internal.h"
#include "sriov.h"
#include "map.h"
#include "frame_guard.h"

static vpci_sbdf_t slot_fn(vpci_sbdf_t sbdf, unsigned int fn)
{
	return (sbdf & ~7u) | fn;
}

static int refuse(const char **reason, const char *why, int rc)
{
	if (reason)
		*reason = why;
	return rc;
}

/*
 * A virtual slot holds functions of one physical slot, and a physical
 * slot's functions assigned to one guest share one virtual slot, with
 * their function numbers: the guest OS sees a real multi-function device.
 */
static int check_topology(const struct vpci_domain *dom, vpci_sbdf_t host_sbdf,
			  vpci_sbdf_t guest_sbdf, const char **reason)
{
	const struct vpci_host *host = dom->host;
	unsigned int fn;

	if (VPCI_SBDF_FN(host_sbdf) != VPCI_SBDF_FN(guest_sbdf))
		return refuse(reason,
			      "the guest SBDF must keep the physical "
			      "function number",
			      VPCI_ETOPOLOGY);
	for (fn = 0; fn < 8; fn++) {
		const struct vpci_dev *v = vpci_sbdf_map_lookup(
			&dom->vdevs, slot_fn(guest_sbdf, fn));
		const struct vpci_dev *p = vpci_sbdf_map_lookup(
			&host->devices, slot_fn(host_sbdf, fn));

		if (v && v->virtual_fn)
			return refuse(reason,
				      "the guest slot holds virtual "
				      "functions; a virtual slot never "
				      "mixes them with physical ones",
				      VPCI_ETOPOLOGY);
		if (v && (v->sbdf & ~7u) != (host_sbdf & ~7u))
			return refuse(reason,
				      "the guest slot holds functions "
				      "of another physical slot",
				      VPCI_ETOPOLOGY);
		if (p && !p->vf_of && p->owner == dom &&
		    (p->guest_sbdf & ~7u) != (guest_sbdf & ~7u))
			return refuse(reason,
				      "other functions of this physical "
				      "slot sit in another guest slot",
				      VPCI_ETOPOLOGY);
	}
	return 0;
}

/*
 * A VF is a single-function device of its own (its routing ID says
 * nothing about slots: it may sit at any function number, on another
 * bus): it takes a guest slot alone, at any function number the guest
 * chooses (0 for an OS that scans function 0 first).
 */
static int check_vf_slot(const struct vpci_domain *dom,
			 vpci_sbdf_t guest_sbdf, const char **reason)
{
	unsigned int fn;

	for (fn = 0; fn < 8; fn++)
		if (vpci_sbdf_map_lookup(&dom->vdevs, slot_fn(guest_sbdf, fn)))
			return refuse(reason,
				      "a virtual function takes a guest "
				      "slot of its own, and this one holds "
				      "functions",
				      VPCI_ETOPOLOGY);
	return 0;
}

static int check_mode(const struct vpci_domain *dom, bool external,
		      const char **reason)
{
	if (dom->cfg.kind != VPCI_DOMAIN_GUEST)
		return refuse(reason,
			      "only guests are assigned devices; the "
			      "hardware domain has every function no "
			      "guest has",
			      VPCI_EMODE);
	if (external && !vpci_domain_has_bridge(dom))
		return refuse(reason,
			      "the guest has no emulated host bridge "
			      "(VPCI_DOMAIN_F_HOST_BRIDGE) to reach "
			      "the function through",
			      VPCI_EMODE);
	if (!external && !(dom->cfg.flags & VPCI_DOMAIN_F_VPCI))
		return refuse(reason,
			      "the guest has vPCI off (option vpci), so "
			      "vPCI cannot emulate the function; use an "
			      "external emulator",
			      VPCI_EMODE);
	return 0;
}

static int check_assignable(const struct vpci_domain *dom,
			    const struct vpci_dev *dev, vpci_sbdf_t host_sbdf,
			    vpci_sbdf_t guest_sbdf, bool external,
			    const char **reason)
{
	const struct vpci_host *host = dom->host;
	int rc = check_mode(dom, external, reason);
	const char *why = NULL;

	if (rc)
		return rc;
	/* A VF not (yet) enabled, or a PF whose VFs are. */
	rc = vpci_sriov_check_assign(host, host_sbdf, dev, &why);
	if (rc)
		return refuse(reason, why, rc);
	if (!dev)
		return refuse(reason,
			      "the host has no such physical function "
			      "(vpci_device_add)",
			      VPCI_ENOENT);
	if (vpci_dev_is_readonly(dev))
		return refuse(reason,
			      "the function is read-only (hidden): it "
			      "belongs to the hypervisor",
			      VPCI_EPERM);
	if (vpci_dev_is_hidden(dev))
		return refuse(reason,
			      "the function is hidden: it belongs to "
			      "the hypervisor",
			      VPCI_EPERM);
	if ((host->policy & VPCI_POLICY_HIDE_SLOT) &&
	    vpci_sbdf_set_slot_any(&host->hidden, dev->sbdf))
		return refuse(reason,
			      "another function of its slot is hidden "
			      "and the policy VPCI_POLICY_HIDE_SLOT "
			      "takes the whole slot",
			      VPCI_EPERM);
	if (dev->owner)
		return refuse(reason,
			      dev->owner == dom ? "the function is already "
						  "assigned to this guest"
						: "the function is assigned to "
						  "another guest",
			      VPCI_EBUSY);
	if (vpci_is_bridge_slot(dom, guest_sbdf))
		return refuse(reason,
			      "the guest SBDF is in slot 0000:00:00, "
			      "the emulated host bridge's",
			      VPCI_EEXIST);
	if (vpci_sbdf_map_lookup(&dom->vdevs, guest_sbdf))
		return refuse(reason,
			      "the guest SBDF already has a function "
			      "(assigned or virtual)",
			      VPCI_EEXIST);
	rc = dev->vf_of ? check_vf_slot(dom, guest_sbdf, reason)
			: check_topology(dom, dev->sbdf, guest_sbdf, reason);
	/* Its BARs must not share a host frame with another function's. */
	if (!rc && (rc = vpci_guard_assignable(dev)) != 0)
		refuse(reason,
		       "a host frame of one of its memory BARs holds part of "
		       "another function's BAR or ROM (logged, naming both)",
		       rc);
	return rc;
}

static int assign(struct vpci_domain *dom, vpci_sbdf_t host_sbdf,
		  vpci_sbdf_t guest_sbdf, const struct vpci_emulator_ops *ops,
		  void *arg, const char **reason)
{
	struct vpci_host *host = dom->host;
	struct vpci_dev *dev;
	bool unmap_failed;
	int rc;

	vpci_lock(host);
	dev = vpci_sbdf_map_lookup(&host->devices, host_sbdf);
	rc = check_assignable(dom, dev, host_sbdf, guest_sbdf, ops != NULL,
			      reason);
	if (!rc) {
		rc = vpci_sbdf_map_insert(&dom->vdevs, guest_sbdf, dev);
		if (rc)
			refuse(reason, "out of memory", rc);
	}
	if (rc)
		goto out;
	rc = vpci_dev_to_guest(dev, dom, guest_sbdf, ops, arg, &unmap_failed);
	if (rc) {
		if (unmap_failed)
			refuse(reason,
			       "the platform failed to unmap the function's "
			       "frames from the hardware domain (logged)",
			       rc);
		else
			refuse(reason,
			       rc == VPCI_ENOMEM
				       ? "out of memory"
				       : "the function's vPCI state could not "
					 "be built (its header is not one vPCI "
					 "emulates, or it did not answer)",
			       rc);
		vpci_sbdf_map_remove(&dom->vdevs, guest_sbdf);
	}
out:
	vpci_unlock(host);
	return rc;
}

int vpci_assign_device(struct vpci_domain *dom, vpci_sbdf_t host_sbdf,
		       vpci_sbdf_t guest_sbdf, const char **reason)
{
	if (reason)
		*reason = NULL;
	if (!dom)
		return refuse(reason, "no domain given", VPCI_EINVAL);
	return assign(dom, host_sbdf, guest_sbdf, NULL, NULL, reason);
}

int vpci_assign_external(struct vpci_domain *dom, vpci_sbdf_t host_sbdf,
			 vpci_sbdf_t guest_sbdf,
			 const struct vpci_emulator_ops *ops, void *arg,
			 const char **reason)
{
	if (reason)
		*reason = NULL;
	if (!dom || !ops || !ops->read || !ops->write)
		return refuse(reason,
			      "an external emulator needs a domain and "
			      "both read and write operations",
			      VPCI_EINVAL);
	return assign(dom, host_sbdf, guest_sbdf, ops, arg, reason);
}

int vpci_deassign_device(struct vpci_domain *dom, vpci_sbdf_t host_sbdf,
			 const char **reason)
{
	struct vpci_host *host;
	struct vpci_dev *dev;
	int rc = 0;

	if (reason)
		*reason = NULL;
	if (!dom)
		return refuse(reason, "no domain given", VPCI_EINVAL);
	host = dom->host;
	vpci_lock(host);
	dev = vpci_sbdf_map_lookup(&host->devices, host_sbdf);
	if (!dev || dev->owner != dom) {
		rc = refuse(reason,
			    dev ? "the function is not assigned to "
				  "this domain"
				: "the host has no such physical "
				  "function",
			    VPCI_ENOENT);
	} else {
		vpci_emu_cancel_fn(dom, dev);
		vpci_sbdf_map_remove(&dom->vdevs, dev->guest_sbdf);
		vpci_dev_release(dev);
		/* What an unmap failed to remove stays recorded: say so, and
		 * retry (here, and on every later call that sweeps). */
		rc = vpci_group_sweep(host, &dom->group);
		if (rc)
			refuse(reason,
			       "the function is back with the hardware "
			       "domain, but the platform failed to unmap some "
			       "of its frames from this domain (retried "
			       "later)",
			       rc);
	}
	vpci_unlock(host);
	return rc;
}
