/* SPDX-License-Identifier: MIT */
/*
 * Domains: creation with flags and tri-state options checked against what
 * the host can do (with a sentence a toolstack can print when it cannot),
 * and destruction. Assignment is assign.c's, what a domain sees view.c's.
 */
#include "internal.h"

#define VPCI_DOMAIN_KNOWN_FLAGS (VPCI_DOMAIN_F_VPCI | VPCI_DOMAIN_F_HOST_BRIDGE)

static bool tristate_valid(enum vpci_tristate t)
{
	return t == VPCI_TRI_DEFAULT || t == VPCI_TRI_YES || t == VPCI_TRI_NO;
}

/* Resolve one tri-state option: *on, or an error with *reason. */
static int resolve_option(enum vpci_tristate asked, bool supported,
			  bool required, const char *unsupported_reason,
			  const char *contradiction_reason, bool *on,
			  const char **reason)
{
	if (required && asked == VPCI_TRI_NO) {
		*reason = contradiction_reason;
		return VPCI_EINVAL;
	}
	if ((asked == VPCI_TRI_YES || required) && !supported) {
		*reason = unsupported_reason;
		return VPCI_ENOTSUP;
	}
	*on = asked != VPCI_TRI_NO && supported;
	return 0;
}

static int check_config(struct vpci_host *host,
			const struct vpci_domain_config *cfg, uint32_t *flags,
			bool *msi, bool *msix, const char **reason)
{
	uint32_t caps = vpci_host_caps(host);
	bool hw = cfg->kind == VPCI_DOMAIN_HARDWARE;
	bool vpci, need_irq;
	struct vpci_domain *d;
	int rc;

	*reason = "invalid domain configuration";
	if (cfg->flags & ~VPCI_DOMAIN_KNOWN_FLAGS) {
		*reason = "unknown domain flag bits";
		return VPCI_EINVAL;
	}
	if ((!hw && cfg->kind != VPCI_DOMAIN_GUEST) ||
	    !tristate_valid(cfg->msi) || !tristate_valid(cfg->msix))
		return VPCI_EINVAL;
	for (d = host->domains; d; d = d->next)
		if (d->cfg.domid == cfg->domid) {
			*reason = "a domain with this id already exists";
			return VPCI_EEXIST;
		}
	if (hw && host->hwdom) {
		*reason = "the host already has a hardware domain";
		return VPCI_EEXIST;
	}
	/* An emulated host bridge is vPCI: the mode adds what it needs. */
	*flags = cfg->flags;
	if (*flags & VPCI_DOMAIN_F_HOST_BRIDGE)
		*flags |= VPCI_DOMAIN_F_VPCI;
	vpci = *flags & VPCI_DOMAIN_F_VPCI;
	if (vpci && !hw && !(caps & VPCI_CAP_GUEST_VPCI)) {
		*reason = "vPCI for guests is not supported by this platform";
		return VPCI_ENOTSUP;
	}
	if (vpci && hw && !(caps & VPCI_CAP_HWDOM_VPCI)) {
		*reason = "vPCI for the hardware domain is not supported by "
			  "this platform";
		return VPCI_ENOTSUP;
	}
	/*
	 * A hardware domain under vPCI must not program native MSI/MSI-X
	 * behind the emulator, so where the platform can emulate them the
	 * mode requires it.
	 */
	need_irq = vpci && hw && (caps & VPCI_CAP_MSI);
	rc = resolve_option(cfg->msi, vpci && (caps & VPCI_CAP_MSI), need_irq,
			    "MSI was requested but this platform has no "
			    "interrupt hooks (or vPCI is off)",
			    "msi=no contradicts the hardware domain's vPCI "
			    "mode, which requires MSI emulation",
			    msi, reason);
	if (rc)
		return rc;
	return resolve_option(cfg->msix, vpci && (caps & VPCI_CAP_MSIX),
			      need_irq,
			      "MSI-X was requested but this platform has no "
			      "interrupt hooks (or vPCI is off)",
			      "msix=no contradicts the hardware domain's vPCI "
			      "mode, which requires MSI-X emulation",
			      msix, reason);
}

/* A local visitor: taking a global function's address would need the GOT
 * in position-independent builds, which a freestanding link may lack. */
static int release_to_hwdom(void *arg, struct vpci_dev *dev)
{
	return vpci_dev_release(arg, dev);
}

/* State for the hardware domain's devices once it exists (or goes). */
static int hwdom_build_device(void *arg, struct vpci_dev *dev)
{
	(void)arg;
	if (!dev->owner && vpci_dev_build_or_readonly(dev))
		vpci_log(dev->host, VPCI_LOG_ERROR,
			 "%pS: cannot build state for the hardware domain",
			 dev->sbdf);
	return 0;
}

static int hwdom_teardown_device(void *arg, struct vpci_dev *dev)
{
	(void)arg;
	if (!dev->owner)
		vpci_dev_state_teardown(dev);
	return 0;
}

int vpci_domain_create(struct vpci_host *host,
		       const struct vpci_domain_config *cfg,
		       struct vpci_domain **out, const char **reason)
{
	const char *why = "invalid argument";
	struct vpci_domain *dom;
	uint32_t flags = 0;
	bool msi = false, msix = false;
	int rc;

	if (reason)
		*reason = NULL;
	if (!host || !cfg || !out) {
		if (reason)
			*reason = why;
		return VPCI_EINVAL;
	}
	*out = NULL;
	vpci_lock(host);
	rc = check_config(host, cfg, &flags, &msi, &msix, &why);
	if (!rc) {
		dom = vpci_zalloc(host, sizeof(*dom));
		rc = dom ? 0 : VPCI_ENOMEM;
		why = "out of memory";
	}
	if (!rc) {
		dom->host = host;
		dom->cfg = *cfg;
		dom->cfg.flags = flags;
		dom->cfg.msi = msi ? VPCI_TRI_YES : VPCI_TRI_NO;
		dom->cfg.msix = msix ? VPCI_TRI_YES : VPCI_TRI_NO;
		vpci_devmap_init(&dom->vdevs, host);
		vpci_group_init(&dom->group, host, dom);
		dom->next = host->domains;
		host->domains = dom;
		if (cfg->kind == VPCI_DOMAIN_HARDWARE) {
			host->hwdom = dom;
			vpci_devmap_for_each(&host->devices,
					     hwdom_build_device, NULL);
		}
		*out = dom;
	}
	vpci_unlock(host);
	if (rc && reason)
		*reason = why;
	return rc;
}

/*
 * Tear dom down: its devices go back to the hardware domain (and a
 * hardware domain's lose their state), then what an earlier unmap failed
 * to remove is retried. If that still fails and !force, dom stays, empty,
 * so a later call retries; forced, the frames are forgotten (logged).
 * Returns 0 when dom is gone with nothing left mapped, else the unmap
 * error; *gone says whether dom was unlinked (the caller frees it).
 */
static int domain_teardown(struct vpci_domain *dom, bool force, bool *gone)
{
	struct vpci_host *host = dom->host;
	struct vpci_domain **link;
	int rc;

	vpci_devmap_for_each(&dom->vdevs, release_to_hwdom, NULL);
	vpci_devmap_destroy(&dom->vdevs);
	if (host->hwdom == dom)
		vpci_devmap_for_each(&host->devices, hwdom_teardown_device,
				     NULL);
	rc = vpci_group_sweep(host, vpci_domain_group(dom));
	*gone = !rc || force;
	if (!*gone)
		return rc;
	for (link = &host->domains; *link; link = &(*link)->next)
		if (*link == dom) {
			*link = dom->next;
			break;
		}
	if (host->hwdom == dom) {
		/* Frames recorded for this domid mean nothing to the next
		 * hardware domain. */
		vpci_group_forget(host, &host->hw_group);
		host->hwdom = NULL;
	}
	vpci_group_destroy(host, &dom->group);
	return rc;
}

static int destroy(struct vpci_domain *dom, bool force)
{
	struct vpci_host *host;
	bool gone;
	int rc;

	if (!dom)
		return 0;
	host = dom->host;
	vpci_lock(host);
	rc = domain_teardown(dom, force, &gone);
	vpci_unlock(host);
	if (gone)
		vpci_free(host, dom);
	return rc;
}

int vpci_domain_destroy(struct vpci_domain *dom)
{
	return destroy(dom, false);
}

int vpci_domain_destroy_forced(struct vpci_domain *dom)
{
	return destroy(dom, true);
}

uint32_t vpci_domain_id(const struct vpci_domain *dom)
{
	return dom->cfg.domid;
}
