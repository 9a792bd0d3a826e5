/* SPDX-License-Identifier: MIT */
/*
 * The host: the platform behind the core, its hidden and read-only
 * functions and the multi-function policy. Functions come and go in
 * device.c; what a domain may see of a function is config_access.c's business.
 */
#include "internal.h"
#include "map.h"

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
	vpci_sbdf_map_init(&host->devices, host);
	vpci_sbdf_set_init(&host->hidden, host);
	vpci_sbdf_set_init(&host->readonly, host);
	vpci_sbdf_set_init(&host->ro_warned, host);
	vpci_group_init(&host->hw_group, host, NULL);
	vpci_rangeset_init(&host->reserved, ops, ctx);
	vpci_fidx_init(&host->claimed, host);
	*out = host;
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
	vpci_devices_destroy(host);
	vpci_sbdf_map_destroy(&host->devices);
	vpci_sbdf_set_destroy(&host->hidden);
	vpci_sbdf_set_destroy(&host->readonly);
	vpci_sbdf_set_destroy(&host->ro_warned);
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
	vpci_sbdf_map_for_each(&host->devices, reapply_visit, NULL);
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
	dev = vpci_sbdf_map_lookup(&host->devices, sbdf);
	rc = dev && dev->owner ? VPCI_EBUSY : vpci_dev_reserve_readonly(host, sbdf);
	if (!rc && readonly && dev) {
		vpci_dev_make_readonly(dev);
	} else if (!rc) {
		vpci_sbdf_set_add(&host->hidden, sbdf);
		if (readonly)
			vpci_sbdf_set_add(&host->readonly, sbdf);
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
	return vpci_sbdf_set_contains(&host->hidden, sbdf);
}

bool vpci_device_is_readonly(const struct vpci_host *host, vpci_sbdf_t sbdf)
{
	return vpci_sbdf_set_contains(&host->readonly, sbdf);
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
