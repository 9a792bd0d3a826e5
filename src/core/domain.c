/* SPDX-License-Identifier: MIT */
/*
 * Domains: creation with flags and tri-state options negotiated against
 * what the host can do (with a sentence a toolstack can print when it
 * cannot, and a record of who chose each option), and destruction. Assignment
 * is assign.c's, what a domain sees config_access.c's, its functions' state
 * device.c's.
 */
#include "internal.h"
#include "map.h"

#define VPCI_DOMAIN_KNOWN_FLAGS (VPCI_DOMAIN_F_VPCI | VPCI_DOMAIN_F_HOST_BRIDGE)

static bool tristate_valid(enum vpci_tristate t)
{
	return t == VPCI_TRI_DEFAULT || t == VPCI_TRI_YES || t == VPCI_TRI_NO;
}

/* An option that was asked for wins the origin; else required; else the
 * default. */
static struct vpci_option_state option(bool on, enum vpci_tristate asked,
				       bool required)
{
	struct vpci_option_state o = {.on = on};

	if (asked != VPCI_TRI_DEFAULT)
		o.origin = VPCI_ORIGIN_USER;
	else if (required)
		o.origin = VPCI_ORIGIN_REQUIRED;
	else
		o.origin = VPCI_ORIGIN_DEFAULT;
	return o;
}

/* The sentences, one per cause, each naming the options involved. */
struct irq_reasons {
	const char *no_vs_vpci;	      /* yes, with vpci=no */
	const char *no_platform_vpci; /* yes, vPCI unsupported for guests */
	const char *no_hooks;	      /* yes, no interrupt hooks */
	const char *no_vs_hwdom;      /* no, hardware domain requires it */
};

static const struct irq_reasons msi_reasons = {
	"msi=yes contradicts vpci=no: MSI emulation is part of vPCI",
	"msi=yes needs vPCI, which this platform does not offer to this kind "
	"of domain (host limit VPCI_HOST_NO_GUEST_VPCI or "
	"VPCI_HOST_NO_HWDOM_VPCI)",
	"msi=yes: this platform has no interrupt hooks (msi_update, "
	"msi_disable), so it cannot emulate MSI",
	"msi=no contradicts the hardware domain's vPCI mode, which requires "
	"MSI emulation",
};

static const struct irq_reasons msix_reasons = {
	"msix=yes contradicts vpci=no: MSI-X emulation is part of vPCI",
	"msix=yes needs vPCI, which this platform does not offer to this kind "
	"of domain (host limit VPCI_HOST_NO_GUEST_VPCI or "
	"VPCI_HOST_NO_HWDOM_VPCI)",
	"msix=yes: this platform has no interrupt hooks (msi_update, "
	"msi_disable), so it cannot emulate MSI-X",
	"msix=no contradicts the hardware domain's vPCI mode, which requires "
	"MSI-X emulation",
};

/* Resolve msi or msix once vPCI is settled. */
static int resolve_irq(enum vpci_tristate asked, bool vpci_asked_no,
		       bool vpci_on, bool hooks, bool hw,
		       const struct irq_reasons *r,
		       struct vpci_option_state *out, const char **reason)
{
	/* A hardware domain under vPCI must not program native MSI/MSI-X
	 * behind the emulator, so where the platform can emulate them the
	 * mode requires it. */
	bool required = vpci_on && hw && hooks;

	if (asked == VPCI_TRI_YES && vpci_asked_no) {
		*reason = r->no_vs_vpci;
		return VPCI_EINVAL;
	}
	if (asked == VPCI_TRI_YES && !vpci_on) {
		*reason = r->no_platform_vpci;
		return VPCI_ENOTSUP;
	}
	if (asked == VPCI_TRI_YES && !hooks) {
		*reason = r->no_hooks;
		return VPCI_ENOTSUP;
	}
	if (asked == VPCI_TRI_NO && required) {
		*reason = r->no_vs_hwdom;
		return VPCI_EINVAL;
	}
	*out = option(asked != VPCI_TRI_NO && vpci_on && hooks, asked,
		      required);
	return 0;
}

/* vPCI: asked by the flag or the tri-state, else on where supported. */
static int resolve_vpci(const struct vpci_domain_config *cfg, uint32_t caps,
			struct vpci_option_state *out, const char **reason)
{
	bool hw = cfg->kind == VPCI_DOMAIN_HARDWARE;
	bool supported =
		caps & (hw ? VPCI_CAP_HWDOM_VPCI : VPCI_CAP_GUEST_VPCI);
	enum vpci_tristate asked = cfg->vpci;

	if (cfg->flags & VPCI_DOMAIN_F_VPCI) {
		if (asked == VPCI_TRI_NO) {
			*reason = "the flag VPCI_DOMAIN_F_VPCI contradicts "
				  "vpci=no";
			return VPCI_EINVAL;
		}
		asked = VPCI_TRI_YES;
	}
	if (asked == VPCI_TRI_YES && !supported) {
		*reason = hw ? "vpci=yes: vPCI for the hardware domain is not "
			       "supported by this platform (host limit "
			       "VPCI_HOST_NO_HWDOM_VPCI)"
			     : "vpci=yes: vPCI for guests is not supported by "
			       "this platform (host limit "
			       "VPCI_HOST_NO_GUEST_VPCI)";
		return VPCI_ENOTSUP;
	}
	*out = option(asked != VPCI_TRI_NO && supported, asked, false);
	return 0;
}

static int check_config(struct vpci_host *host,
			const struct vpci_domain_config *cfg,
			struct vpci_domain_info *info, const char **reason)
{
	uint32_t caps = vpci_host_caps(host);
	bool hw = cfg->kind == VPCI_DOMAIN_HARDWARE;
	bool hooks = caps & VPCI_CAP_MSI;
	bool vpci_no, bridge_asked;
	struct vpci_domain *d;
	int rc;

	if (cfg->flags & ~VPCI_DOMAIN_KNOWN_FLAGS) {
		*reason = "unknown domain flag bits";
		return VPCI_EINVAL;
	}
	if (!hw && cfg->kind != VPCI_DOMAIN_GUEST) {
		*reason = "unknown domain kind";
		return VPCI_EINVAL;
	}
	if (!tristate_valid(cfg->msi) || !tristate_valid(cfg->msix) ||
	    !tristate_valid(cfg->vpci)) {
		*reason = "an option (vpci, msi or msix) is not "
			  "VPCI_TRI_DEFAULT, VPCI_TRI_YES or VPCI_TRI_NO";
		return VPCI_EINVAL;
	}
	for (d = host->domains; d; d = d->next)
		if (d->cfg.domid == cfg->domid) {
			*reason = "a domain with this id already exists";
			return VPCI_EEXIST;
		}
	if (hw && host->hwdom) {
		*reason = "the host already has a hardware domain";
		return VPCI_EEXIST;
	}
	rc = resolve_vpci(cfg, caps, &info->vpci, reason);
	if (rc)
		return rc;
	vpci_no = cfg->vpci == VPCI_TRI_NO;
	/* vPCI needs a bridge to be reached through; a hardware domain has
	 * the hardware's. */
	bridge_asked = cfg->flags & VPCI_DOMAIN_F_HOST_BRIDGE;
	info->host_bridge =
		option(bridge_asked || info->vpci.on || hw,
		       bridge_asked ? VPCI_TRI_YES : VPCI_TRI_DEFAULT,
		       info->vpci.on || hw);
	rc = resolve_irq(cfg->msi, vpci_no, info->vpci.on, hooks, hw,
			 &msi_reasons, &info->msi, reason);
	if (!rc)
		rc = resolve_irq(cfg->msix, vpci_no, info->vpci.on, hooks, hw,
				 &msix_reasons, &info->msix, reason);
	if (rc)
		return rc;
	info->domid = cfg->domid;
	info->kind = cfg->kind;
	info->flags = (info->vpci.on ? VPCI_DOMAIN_F_VPCI : 0) |
		      (info->host_bridge.on ? VPCI_DOMAIN_F_HOST_BRIDGE : 0);
	return 0;
}

static enum vpci_tristate yes_no(bool on)
{
	return on ? VPCI_TRI_YES : VPCI_TRI_NO;
}

int vpci_domain_create(struct vpci_host *host,
		       const struct vpci_domain_config *cfg,
		       struct vpci_domain **out, const char **reason)
{
	const char *why = "invalid argument";
	struct vpci_domain_info info = {0};
	struct vpci_domain *dom;
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
	rc = check_config(host, cfg, &info, &why);
	if (!rc) {
		dom = vpci_zalloc(host, sizeof(*dom));
		rc = dom ? 0 : VPCI_ENOMEM;
		why = "out of memory";
	}
	if (!rc) {
		dom->host = host;
		dom->cfg = *cfg;
		dom->cfg.flags = info.flags;
		dom->cfg.vpci = yes_no(info.vpci.on);
		dom->cfg.msi = yes_no(info.msi.on);
		dom->cfg.msix = yes_no(info.msix.on);
		dom->info = info;
		if (cfg->kind == VPCI_DOMAIN_GUEST && info.host_bridge.on)
			vpci_host_bridge_init(dom);
		vpci_sbdf_map_init(&dom->vdevs, host);
		vpci_group_init(&dom->group, host, dom);
		dom->next = host->domains;
		host->domains = dom;
		if (cfg->kind == VPCI_DOMAIN_HARDWARE) {
			host->hwdom = dom;
			vpci_hwdom_devices_build(host);
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

	/* Requests first: they point at the functions about to go. */
	vpci_emu_cancel_fn(dom, NULL);
	vpci_domain_release_devices(dom);
	vpci_sbdf_map_destroy(&dom->vdevs);
	if (host->hwdom == dom)
		vpci_hwdom_devices_teardown(host);
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

int vpci_domain_info(struct vpci_domain *dom, struct vpci_domain_info *info)
{
	if (!dom || !info)
		return VPCI_EINVAL;
	vpci_lock(dom->host);
	*info = dom->info;
	info->nr_ecam_windows = dom->nr_ecam;
	info->nr_requests_in_flight = vpci_emu_in_flight(dom);
	vpci_unlock(dom->host);
	return 0;
}
