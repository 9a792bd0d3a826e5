/* SPDX-License-Identifier: MIT */
/*
 * The host: the platform behind the core, the physical functions it knows
 * and the domains it serves. What a domain may see of a function is
 * domain.c's business.
 */
#include "internal.h"
#include "sriov.h"

#define VPCI_HOST_KNOWN_LIMITS (VPCI_HOST_NO_GUEST_VPCI | VPCI_HOST_NO_HWDOM_VPCI)

int vpci_host_create(const struct vpci_platform_ops *ops, void *ctx,
		     uint32_t limits, struct vpci_host **out)
{
	struct vpci_host *host;

	if (!out)
		return VPCI_EINVAL;
	*out = NULL;
	if (!ops || !ops->conf_read || !ops->conf_write || !ops->zalloc ||
	    !ops->free || (limits & ~VPCI_HOST_KNOWN_LIMITS) ||
	    !ops->lock != !ops->unlock)
		return VPCI_EINVAL;
	host = ops->zalloc(ctx, sizeof(*host));
	if (!host)
		return VPCI_ENOMEM;
	host->ops = ops;
	host->ctx = ctx;
	host->limits = limits;
	vpci_devmap_init(&host->devices, host);
	vpci_devset_init(&host->hidden, host);
	vpci_devset_init(&host->readonly, host);
	vpci_devset_init(&host->ro_warned, host);
	vpci_group_init(&host->hw_group, host, NULL);
	vpci_rangeset_init(&host->reserved, ops, ctx);
	vpci_fidx_init(&host->claimed, host);
	*out = host;
	return 0;
}

static int destroy_device(void *arg, struct vpci_dev *dev)
{
	struct vpci_host *host = arg;

	(void)host;
	vpci_dev_state_teardown(dev);
	vpci_sriov_destroy(dev);
	vpci_guard_unclaim(dev);
	vpci_free(dev->host, dev);
	return 0;
}

int vpci_host_destroy(struct vpci_host *host)
{
	int rc = 0;

	if (!host)
		return 0;
	/* Each domain gets its unmaps retried once more, then is gone. */
	while (host->domains) {
		int r = vpci_domain_destroy_forced(host->domains);

		if (r && !rc)
			rc = r;
	}
	vpci_devmap_for_each(&host->devices, destroy_device, host);
	vpci_devmap_destroy(&host->devices);
	vpci_devset_destroy(&host->hidden);
	vpci_devset_destroy(&host->readonly);
	vpci_devset_destroy(&host->ro_warned);
	vpci_group_destroy(host, &host->hw_group);
	vpci_rangeset_destroy(&host->reserved);
	vpci_fidx_destroy(&host->claimed);
	host->ops->free(host->ctx, host);
	return rc;
}

uint32_t vpci_host_caps(const struct vpci_host *host)
{
	uint32_t caps = 0;
	bool vpci = !(host->limits & VPCI_HOST_NO_HWDOM_VPCI) ||
		    !(host->limits & VPCI_HOST_NO_GUEST_VPCI);

	if (!(host->limits & VPCI_HOST_NO_HWDOM_VPCI))
		caps |= VPCI_CAP_HWDOM_VPCI;
	/* An external emulator serves a guest's device: only where guests
	 * can be given devices at all (vpci_assign_external()). */
	if (!(host->limits & VPCI_HOST_NO_GUEST_VPCI))
		caps |= VPCI_CAP_GUEST_VPCI | VPCI_CAP_EXTERNAL_EMULATOR;
	/* Emulated end to end (cap_msi.c, cap_msix.c, msix_mmio.c) once the
	 * platform can bind vectors; nothing to emulate them for without
	 * vPCI. */
	if (vpci && host->ops->msi_update && host->ops->msi_disable)
		caps |= VPCI_CAP_MSI | VPCI_CAP_MSIX;
	return caps;
}

int vpci_device_add(struct vpci_host *host, vpci_sbdf_t sbdf)
{
	struct vpci_dev *dev;
	int rc;

	vpci_lock(host);
	rc = VPCI_EEXIST;
	if (vpci_devmap_lookup(&host->devices, sbdf))
		goto out;
	rc = VPCI_ENOMEM;
	dev = vpci_zalloc(host, sizeof(*dev));
	if (!dev)
		goto out;
	dev->host = host;
	dev->sbdf = sbdf;
	rc = vpci_devmap_insert(&host->devices, sbdf, dev);
	if (rc) {
		vpci_free(host, dev);
		goto out;
	}
	rc = vpci_sriov_probe(dev);
	if (!rc)
		rc = vpci_dev_build_or_readonly(dev);
	/* A read-only function's frames are the hypervisor's. */
	if (!rc)
		rc = vpci_guard_sync_claim(dev);
	if (!rc)
		vpci_sriov_adopt(dev); /* VFs enabled before we knew it */
	if (rc) {
		vpci_devmap_remove(&host->devices, sbdf);
		destroy_device(host, dev);
	}
out:
	vpci_unlock(host);
	return rc;
}

int vpci_device_remove(struct vpci_host *host, vpci_sbdf_t sbdf)
{
	struct vpci_dev *dev;
	int rc = 0;

	vpci_lock(host);
	dev = vpci_devmap_lookup(&host->devices, sbdf);
	if (!dev)
		rc = VPCI_ENOENT;
	else if (dev->owner && dev->owner->cfg.kind == VPCI_DOMAIN_GUEST)
		rc = VPCI_EBUSY;
	else if (dev->vf_of)
		rc = VPCI_EPERM; /* VFs go when their PF's VF Enable clears */
	else
		rc = vpci_sriov_remove_vfs(dev); /* EBUSY: one is assigned */
	if (!rc) {
		vpci_devmap_remove(&host->devices, sbdf);
		destroy_device(host, dev);
		rc = vpci_group_sweep(host, &host->hw_group);
	}
	vpci_unlock(host);
	return rc;
}

struct vpci_dev *vpci_device_find(const struct vpci_host *host,
				  vpci_sbdf_t sbdf)
{
	return vpci_devmap_lookup(&host->devices, sbdf);
}

vpci_sbdf_t vpci_dev_sbdf(const struct vpci_dev *dev)
{
	return dev->sbdf;
}

struct vpci_host *vpci_dev_host(const struct vpci_dev *dev)
{
	return dev->host;
}

struct vpci_domain *vpci_dev_owner(const struct vpci_dev *dev)
{
	return dev->owner ? dev->owner : dev->host->hwdom;
}

vpci_sbdf_t vpci_dev_owner_sbdf(const struct vpci_dev *dev)
{
	return vpci_dev_is_guest(dev) ? dev->guest_sbdf : dev->sbdf;
}

/* Reserve what marking sbdf read-only needs, so that cannot fail later. */
static int reserve_readonly(struct vpci_host *host, vpci_sbdf_t sbdf)
{
	uint16_t seg = VPCI_SBDF_SEG(sbdf);
	int rc = vpci_devset_reserve(&host->hidden, seg);

	if (!rc)
		rc = vpci_devset_reserve(&host->readonly, seg);
	if (!rc)
		rc = vpci_devset_reserve(&host->ro_warned, seg);
	/* And its frames' claim, which a read-only function makes. */
	if (!rc)
		rc = vpci_guard_reserve_claim(host);
	return rc;
}

static void mark_readonly(struct vpci_dev *dev)
{
	/* Both segments were reserved: these adds cannot fail. */
	vpci_devset_add(&dev->host->hidden, dev->sbdf);
	vpci_devset_add(&dev->host->readonly, dev->sbdf);
	vpci_dev_state_teardown(dev);
	/* Its frames leave the hardware domain for good. */
	if (vpci_guard_sync_claim(dev))
		vpci_log(dev->host, VPCI_LOG_ERROR,
			 "%pS: no memory to keep its BAR frames from the "
			 "hardware domain",
			 dev->sbdf);
}

int vpci_dev_build_or_readonly(struct vpci_dev *dev)
{
	int rc;

	if (!vpci_dev_wants_state(dev))
		return 0;
	if (dev->owner)
		return vpci_dev_state_build(dev);
	/*
	 * A hardware-domain device whose emulation cannot be built must not
	 * be left raw: the hardware domain could program native MSI/MSI-X
	 * behind the emulator's back (DESIGN.md section 7, rule 4).
	 */
	rc = reserve_readonly(dev->host, dev->sbdf);
	if (rc)
		return rc;
	rc = vpci_dev_state_build(dev);
	if (rc) {
		vpci_log(dev->host, VPCI_LOG_ERROR,
			 "%pS: cannot build vPCI state (%s): device made "
			 "read-only for the hardware domain",
			 dev->sbdf, vpci_strerror(rc));
		mark_readonly(dev);
	}
	return 0;
}

static int reapply_visit(void *arg, struct vpci_dev *dev)
{
	(void)arg;
	if (dev->hdr && !dev->owner)
		vpci_bars_apply(dev, VPCI_ALL_SLOTS, true);
	return 0;
}

/* Bring every hardware-domain mapping in line with the view policy. */
static void refresh_all(struct vpci_host *host)
{
	vpci_devmap_for_each(&host->devices, reapply_visit, NULL);
}

static int hide(struct vpci_host *host, vpci_sbdf_t sbdf, bool readonly,
		const char **reason)
{
	struct vpci_dev *dev;
	int rc;

	if (reason)
		*reason = NULL;
	if (!host) {
		if (reason)
			*reason = "no host given";
		return VPCI_EINVAL;
	}
	vpci_lock(host);
	dev = vpci_devmap_lookup(&host->devices, sbdf);
	rc = dev && dev->owner ? VPCI_EBUSY : reserve_readonly(host, sbdf);
	if (!rc && readonly && dev) {
		mark_readonly(dev);
	} else if (!rc) {
		vpci_devset_add(&host->hidden, sbdf);
		if (readonly)
			vpci_devset_add(&host->readonly, sbdf);
	}
	/* A hide policy may have taken functions from the hardware
	 * domain's view: their BARs leave its physmap. */
	if (!rc && host->policy)
		refresh_all(host);
	vpci_unlock(host);
	if (rc && reason)
		*reason = rc == VPCI_EBUSY ? "the function is assigned to a "
					     "guest; deassign it first"
					   : "out of memory";
	return rc;
}

int vpci_device_hide(struct vpci_host *host, vpci_sbdf_t sbdf,
		     const char **reason)
{
	return hide(host, sbdf, false, reason);
}

int vpci_device_set_readonly(struct vpci_host *host, vpci_sbdf_t sbdf,
			     const char **reason)
{
	return hide(host, sbdf, true, reason);
}

bool vpci_device_is_hidden(const struct vpci_host *host, vpci_sbdf_t sbdf)
{
	return vpci_devset_contains(&host->hidden, sbdf);
}

bool vpci_device_is_readonly(const struct vpci_host *host, vpci_sbdf_t sbdf)
{
	return vpci_devset_contains(&host->readonly, sbdf);
}

int vpci_host_set_policy(struct vpci_host *host, uint32_t policy)
{
	const uint32_t known = VPCI_POLICY_HIDE_SLOT | VPCI_POLICY_STUB_FN0;

	if ((policy & ~known) || policy == known)
		return VPCI_EINVAL;
	vpci_lock(host);
	host->policy = policy;
	refresh_all(host);
	vpci_unlock(host);
	return 0;
}
