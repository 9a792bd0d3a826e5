/* SPDX-License-Identifier: MIT */
/*
 * From a parsed configuration to domains: check everything the host can
 * tell before touching it (functions exist, are not the hypervisor's,
 * the host supports what is asked, emulators exist), then create the
 * hardware domain and each guest with its window and devices. If the
 * core still refuses something, everything created is destroyed again:
 * the caller gets domains or one error, never half a configuration.
 */
#include "config_internal.h"

static int device_error(const struct vpci_fdt_config *cfg, size_t i,
			const char *what, int code, struct vpci_fdt_error *err)
{
	struct fdt_msg m;

	vfdt_msg_device(&m, err, cfg, i);
	vfdt_msg_str(&m, what);
	return vfdt_msg_end(&m, code);
}

static int check_device(struct vpci_host *host,
			const struct vpci_fdt_emulators *emu,
			struct vpci_fdt_config *cfg, size_t i,
			struct vpci_fdt_error *err)
{
	struct vpci_fdt_device *dev = &cfg->devices[i];
	struct fdt_msg m;
	int rc;

	if (!vpci_device_find(host, dev->host_sbdf))
		return device_error(cfg, i, "no such function on this host",
				    VPCI_ENOENT, err);
	if (vpci_device_is_readonly(host, dev->host_sbdf))
		return device_error(cfg, i,
				    "the function is read-only (kept by the "
				    "hypervisor); a guest cannot have it",
				    VPCI_EPERM, err);
	if (vpci_device_is_hidden(host, dev->host_sbdf))
		return device_error(cfg, i,
				    "the function is hidden (kept by the "
				    "hypervisor); a guest cannot have it",
				    VPCI_EPERM, err);
	if (!dev->external)
		return 0;
	rc = emu && emu->find ? emu->find(emu->ctx,
					  vfdt_device_domain(cfg, i)->cfg.domid,
					  dev->host_sbdf, dev->guest_sbdf,
					  &dev->ops, &dev->arg)
			      : VPCI_ENOENT;
	if (!rc && (!dev->ops || !dev->ops->read || !dev->ops->write))
		rc = VPCI_EINVAL;
	if (!rc)
		return 0;
	vfdt_msg_device(&m, err, cfg, i);
	vfdt_msg_str(&m, "no external emulator for it (");
	vfdt_msg_str(&m, vpci_strerror(rc));
	vfdt_msg_str(&m, ")");
	return vfdt_msg_end(&m, rc);
}

/* The property that made the domain use vPCI, for messages. */
static const char *vpci_cause(const struct vpci_fdt_config *cfg,
			      const struct vpci_fdt_domain *d)
{
	if (!d->nr_devices)
		return PROP_HOST_BRIDGE;
	return cfg->devices[d->first_device].external ? PROP_EXTERNAL_DEVICES
						      : PROP_DEVICES;
}

static int check_domain(uint32_t caps, const struct vpci_fdt_config *cfg,
			const struct vpci_fdt_domain *d,
			struct vpci_fdt_error *err)
{
	struct fdt_msg m;

	if ((d->cfg.flags & VPCI_DOMAIN_F_VPCI) &&
	    !(caps & VPCI_CAP_GUEST_VPCI))
		return vfdt_fail(err, VPCI_ENOTSUP, d->path, vpci_cause(cfg, d),
				 "PCI passthrough to guests is not supported "
				 "on this platform");
	if (d->cfg.msi == VPCI_TRI_YES && !(caps & VPCI_CAP_MSI)) {
		vfdt_msg_begin(&m, err, d->path, PROP_MSI);
		vfdt_msg_str(&m, "\"yes\": this platform cannot emulate MSI "
				 "(no interrupt hooks)");
		return vfdt_msg_end(&m, VPCI_ENOTSUP);
	}
	if (d->cfg.msix == VPCI_TRI_YES && !(caps & VPCI_CAP_MSIX)) {
		vfdt_msg_begin(&m, err, d->path, PROP_MSIX);
		vfdt_msg_str(&m, "\"yes\": this platform cannot emulate MSI-X "
				 "(no interrupt hooks)");
		return vfdt_msg_end(&m, VPCI_ENOTSUP);
	}
	return 0;
}

static int check_host(struct vpci_host *host,
		      const struct vpci_fdt_emulators *emu,
		      struct vpci_fdt_config *cfg, struct vpci_fdt_error *err)
{
	uint32_t caps = vpci_host_caps(host);
	size_t i;
	int rc = 0;

	for (i = 0; i < cfg->nr_domains && !rc; i++)
		rc = check_domain(caps, cfg, &cfg->domains[i], err);
	for (i = 0; i < cfg->nr_devices && !rc; i++)
		rc = check_device(host, emu, cfg, i, err);
	return rc;
}

static int create_failed(const char *path, const char *prop, int rc,
			 const char *reason, struct vpci_fdt_error *err)
{
	struct fdt_msg m;

	vfdt_msg_begin(&m, err, path, NULL);
	if (prop) {
		vfdt_msg_str(&m, prop);
		vfdt_msg_str(&m, ": ");
	}
	vfdt_msg_str(&m, "cannot create the domain: ");
	vfdt_msg_str(&m, vpci_strerror(rc));
	if (reason) {
		vfdt_msg_str(&m, " (");
		vfdt_msg_str(&m, reason);
		vfdt_msg_str(&m, ")");
	}
	return vfdt_msg_end(&m, rc);
}

static int create_hwdom(struct vpci_host *host, struct vpci_fdt_config *cfg,
			struct vpci_fdt_error *err)
{
	struct vpci_domain_config dc = {
		.domid = 0,
		.kind = VPCI_DOMAIN_HARDWARE,
		.flags = (vpci_host_caps(host) & VPCI_CAP_HWDOM_VPCI)
				 ? VPCI_DOMAIN_F_VPCI
				 : 0u,
	};
	const char *reason = NULL;
	int rc = vpci_domain_create(host, &dc, &cfg->hwdom, &reason);

	if (rc) {
		cfg->hwdom = NULL;
		return create_failed("/chosen", "hardware domain (domid 0)", rc,
				     reason, err);
	}
	return 0;
}

/* " (reason)" after an error name, when the core gave one. */
static void vfdt_msg_reason(struct fdt_msg *m, const char *reason)
{
	if (!reason)
		return;
	vfdt_msg_str(m, " (");
	vfdt_msg_str(m, reason);
	vfdt_msg_str(m, ")");
}

static int create_guest(struct vpci_host *host, struct vpci_fdt_config *cfg,
			struct vpci_fdt_domain *d, struct vpci_fdt_error *err)
{
	const char *reason = NULL;
	struct fdt_msg m;
	size_t i;
	int rc = vpci_domain_create(host, &d->cfg, &d->dom, &reason);

	if (rc) {
		d->dom = NULL;
		return create_failed(d->path, NULL, rc, reason, err);
	}
	if (d->has_ecam) {
		rc = vpci_domain_add_ecam(d->dom, d->ecam_base, d->segment,
					  d->bus_first, d->bus_last, &reason);
		if (rc) {
			vfdt_msg_begin(&m, err, d->path, PROP_ECAM_BASE);
			vfdt_msg_hex(&m, d->ecam_base);
			vfdt_msg_str(&m, ": cannot add the ECAM window: ");
			vfdt_msg_str(&m, vpci_strerror(rc));
			vfdt_msg_reason(&m, reason);
			return vfdt_msg_end(&m, rc);
		}
	}
	for (i = d->first_device; i < d->first_device + d->nr_devices; i++) {
		const struct vpci_fdt_device *dev = &cfg->devices[i];

		rc = dev->external
			     ? vpci_assign_external(d->dom, dev->host_sbdf,
						    dev->guest_sbdf, dev->ops,
						    dev->arg, &reason)
			     : vpci_assign_device(d->dom, dev->host_sbdf,
						  dev->guest_sbdf, &reason);
		if (rc) {
			vfdt_msg_device(&m, err, cfg, i);
			vfdt_msg_str(&m, "cannot assign: ");
			vfdt_msg_str(&m, vpci_strerror(rc));
			vfdt_msg_reason(&m, reason);
			return vfdt_msg_end(&m, rc);
		}
	}
	return 0;
}

void vpci_fdt_unboot(struct vpci_fdt_config *cfg)
{
	size_t i;

	for (i = cfg->nr_domains; i-- > 0;) {
		if (cfg->domains[i].dom)
			vpci_domain_destroy(cfg->domains[i].dom);
		cfg->domains[i].dom = NULL;
	}
	if (cfg->hwdom)
		vpci_domain_destroy(cfg->hwdom);
	cfg->hwdom = NULL;
}

int vpci_fdt_boot(struct vpci_host *host, const void *blob, size_t blob_len,
		  const struct vpci_fdt_emulators *emulators,
		  struct vpci_fdt_config *cfg, struct vpci_fdt_error *err)
{
	size_t i;
	int rc = vpci_fdt_config_parse(blob, blob_len, cfg, err);

	if (!rc)
		rc = check_host(host, emulators, cfg, err);
	if (!rc && cfg->has_hwdom)
		rc = create_hwdom(host, cfg, err);
	for (i = 0; i < cfg->nr_domains && !rc; i++)
		rc = create_guest(host, cfg, &cfg->domains[i], err);
	if (rc)
		vpci_fdt_unboot(cfg);
	return rc;
}
