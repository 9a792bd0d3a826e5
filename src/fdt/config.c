/* SPDX-License-Identifier: MIT */
/*
 * Reading a dom0less-style boot tree: the blob is checked whole first
 * (it may be truncated or hostile), then every child of /chosen
 * compatible with "xen,domain" becomes one struct vpci_fdt_domain, with
 * Xen's memory, cpus and xen,enhanced properties read as Xen reads them
 * and the PCI side in config_pci.c. A dom0 kernel module directly under
 * /chosen means the configuration has a hardware domain, as in Xen.
 */
#include <string.h>

#include "config_internal.h"

static int check_blob(const void *blob, size_t len, struct vpci_fdt_error *err)
{
	struct fdt_msg m;
	int rc;

	if (!blob || len < FDT_V17_SIZE) {
		vfdt_msg_begin(&m, err, NULL, NULL);
		vfdt_msg_str(&m, "device tree: truncated: ");
		vfdt_msg_dec(&m, blob ? len : 0);
		vfdt_msg_str(&m, " bytes, less than a header");
		return vfdt_msg_end(&m, VPCI_EINVAL);
	}
	rc = fdt_check_header(blob);
	if (!rc && fdt_totalsize(blob) > len) {
		vfdt_msg_begin(&m, err, NULL, NULL);
		vfdt_msg_str(&m, "device tree: truncated: the header says ");
		vfdt_msg_dec(&m, fdt_totalsize(blob));
		vfdt_msg_str(&m, " bytes, ");
		vfdt_msg_dec(&m, len);
		vfdt_msg_str(&m, " given");
		return vfdt_msg_end(&m, VPCI_EINVAL);
	}
	if (!rc && fdt_version(blob) < 17)
		return vfdt_old_version(blob, err);
	if (!rc)
		rc = fdt_check_full(blob, fdt_totalsize(blob));
	if (rc) {
		vfdt_msg_begin(&m, err, NULL, NULL);
		vfdt_msg_str(&m, "device tree: corrupt: ");
		vfdt_msg_str(&m, fdt_strerror(rc));
		return vfdt_msg_end(&m, VPCI_EINVAL);
	}
	return 0;
}

/* "", "enabled", "no-xenstore": what Xen accepts (docs/misc/arm/
 * device-tree/booting.txt); anything else is refused, not defaulted. */
static int parse_enhanced(const struct prop_ctx *p, bool has_hwdom,
			  uint32_t *features)
{
	const char *v;
	bool present;
	struct fdt_msg m;
	int rc = vfdt_prop_string(p, "xen,enhanced", true, &v, &present);

	*features = 0;
	if (rc || !present)
		return rc;
	if (str_eq(v, "") || str_eq(v, "enabled")) {
		*features = VPCI_FDT_XEN_GNTTAB | VPCI_FDT_XEN_EVTCHN |
			    VPCI_FDT_XEN_XENSTORE;
		if (has_hwdom)
			return 0;
		/* Xen runs xenstore in the hardware domain. */
		vfdt_msg_begin(&m, p->err, p->path, "xen,enhanced");
		if (*v)
			vfdt_msg_quoted(&m, v, strlen(v));
		else
			vfdt_msg_str(&m, "<no value>");
		vfdt_msg_str(&m,
			     ": means xenstore, which needs a hardware domain, "
			     "and this configuration has none (no dom0 kernel "
			     "module in /chosen); use \"no-xenstore\"");
		return vfdt_msg_end(&m, VPCI_EINVAL);
	}
	if (str_eq(v, "no-xenstore")) {
		*features = VPCI_FDT_XEN_GNTTAB | VPCI_FDT_XEN_EVTCHN;
		return 0;
	}
	vfdt_msg_begin(&m, p->err, p->path, "xen,enhanced");
	vfdt_msg_quoted(&m, v, strlen(v));
	vfdt_msg_str(&m, ": expected \"enabled\", \"no-xenstore\" or no value");
	return vfdt_msg_end(&m, VPCI_EINVAL);
}

static int parse_resources(const struct prop_ctx *p, struct vpci_fdt_domain *d)
{
	struct fdt_msg m;
	int rc;

	/* memory is in KiB, a 64-bit value, as Xen reads it. */
	rc = vfdt_prop_u64(p, "memory", true, &d->memory_kib, NULL);
	if (!rc && !d->memory_kib)
		rc = vfdt_fail(p->err, VPCI_EINVAL, p->path, "memory",
			       "0 KiB: a domain needs memory");
	if (!rc)
		rc = vfdt_prop_u32(p, "cpus", true, &d->cpus, NULL);
	if (!rc && !d->cpus) {
		vfdt_msg_begin(&m, p->err, p->path, "cpus");
		vfdt_msg_str(&m, "<0x0>: a domain needs at least one vCPU");
		rc = vfdt_msg_end(&m, VPCI_EINVAL);
	}
	return rc;
}

static int parse_domain(struct parse_ctx *c, int node)
{
	struct vpci_fdt_domain *d;
	struct prop_ctx p;
	int rc;

	if (c->cfg->nr_domains == VPCI_FDT_MAX_DOMAINS)
		return vfdt_fail(c->err, VPCI_ENOSPC, "/chosen",
				 fdt_get_name(c->fdt, node, NULL),
				 "more xen,domain nodes than the configuration "
				 "holds");
	d = &c->cfg->domains[c->cfg->nr_domains];
	memset(d, 0, sizeof(*d));
	rc = fdt_get_path(c->fdt, node, d->path, sizeof(d->path));
	if (rc)
		return vfdt_fail(c->err, VPCI_ENOSPC, "/chosen",
				 fdt_get_name(c->fdt, node, NULL),
				 "node path too long");
	/* Xen numbers dom0less domains 1, 2, ... in tree order. */
	d->cfg.domid = (uint32_t)c->cfg->nr_domains + 1;
	d->cfg.kind = VPCI_DOMAIN_GUEST;
	p.fdt = c->fdt;
	p.node = node;
	p.path = d->path;
	p.err = c->err;
	rc = parse_resources(&p, d);
	if (!rc)
		rc = parse_enhanced(&p, c->cfg->has_hwdom, &d->features);
	if (!rc)
		rc = vfdt_parse_pci(c, &p, d);
	if (!rc)
		c->cfg->nr_domains++;
	return rc;
}

/* Xen's dom0 kernel: a module under /chosen itself, not in a domain. */
static bool is_dom0_kernel(const void *fdt, int node)
{
	return fdt_node_check_compatible(fdt, node, "multiboot,kernel") == 0 ||
	       fdt_node_check_compatible(fdt, node, "xen,linux-zimage") == 0;
}

int vpci_fdt_config_parse(const void *blob, size_t blob_len,
			  struct vpci_fdt_config *cfg,
			  struct vpci_fdt_error *err)
{
	struct parse_ctx c = {.fdt = blob, .cfg = cfg, .err = err};
	int chosen, node, rc;

	memset(cfg, 0, sizeof(*cfg));
	err->code = 0;
	err->msg[0] = '\0';
	rc = check_blob(blob, blob_len, err);
	if (rc)
		return rc;
	chosen = fdt_path_offset(blob, "/chosen");
	if (chosen == -FDT_ERR_NOTFOUND)
		return 0; /* no boot-time domains */
	if (chosen < 0)
		return vfdt_fail(err, VPCI_EINVAL, "/chosen", NULL,
				 "cannot be read (corrupt tree)");
	/* First whether there is a hardware domain: xen,enhanced needs it. */
	fdt_for_each_subnode(node, blob, chosen) if (is_dom0_kernel(blob, node))
		cfg->has_hwdom = true;
	fdt_for_each_subnode(node, blob, chosen)
	{
		if (fdt_node_check_compatible(blob, node, "xen,domain") == 0)
			rc = parse_domain(&c, node);
		if (rc) {
			memset(cfg, 0, sizeof(*cfg));
			return rc;
		}
	}
	if (node != -FDT_ERR_NOTFOUND) {
		memset(cfg, 0, sizeof(*cfg));
		return vfdt_fail(err, VPCI_EINVAL, "/chosen", NULL,
				 "cannot be read (corrupt tree)");
	}
	return 0;
}
