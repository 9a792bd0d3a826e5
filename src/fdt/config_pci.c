/* SPDX-License-Identifier: MIT */
/*
 * The PCI side of a xen,domain node: the vpci,* properties of
 * docs/bindings/vpci-domain.md. Every vpci,* property is known or an
 * error (a typo must not silently drop a device), every value is
 * checked here as far as the tree alone allows; boot.c checks the rest
 * against the host.
 */
#include "config_internal.h"

#define MIB (1ull << 20)

static const char *const known_props[] = {
	PROP_DEVICES, PROP_EXTERNAL_DEVICES, PROP_HOST_BRIDGE, PROP_MSI,
	PROP_MSIX,    PROP_ECAM_BASE,	     PROP_BUS_RANGE,   PROP_SEGMENT,
};
#define NR_KNOWN (sizeof(known_props) / sizeof(known_props[0]))

/* Properties that mean nothing without a PCI device or host bridge. */
static const char *const window_props[] = {
	PROP_MSI, PROP_MSIX, PROP_ECAM_BASE, PROP_BUS_RANGE, PROP_SEGMENT,
};
#define NR_WINDOW (sizeof(window_props) / sizeof(window_props[0]))

static int check_known(const struct prop_ctx *p)
{
	const char *name;
	const void *val;
	struct fdt_msg m;
	int off, len;
	size_t i;

	fdt_for_each_property_offset(off, p->fdt, p->node)
	{
		val = fdt_getprop_by_offset(p->fdt, off, &name, &len);
		if (!val || strnlen(name, 5) < 5 || memcmp(name, "vpci,", 5))
			continue;
		for (i = 0; i < NR_KNOWN; i++)
			if (str_eq(name, known_props[i]))
				break;
		if (i < NR_KNOWN)
			continue;
		vfdt_msg_begin(&m, p->err, p->path, name);
		vfdt_msg_value(&m, val, len);
		vfdt_msg_str(&m, ": unknown property (see docs/bindings/"
				 "vpci-domain.md)");
		return vfdt_msg_end(&m, VPCI_EINVAL);
	}
	return 0;
}

static int parse_tristate(const struct prop_ctx *p, const char *name,
			  enum vpci_tristate *out)
{
	static const char *const words[] = {
		[VPCI_TRI_DEFAULT] = "default",
		[VPCI_TRI_YES] = "yes",
		[VPCI_TRI_NO] = "no",
	};
	const char *v;
	bool present;
	struct fdt_msg m;
	unsigned int i;
	int rc = vfdt_prop_string(p, name, false, &v, &present);

	*out = VPCI_TRI_DEFAULT;
	if (rc || !present)
		return rc;
	for (i = 0; i < 3; i++)
		if (str_eq(v, words[i])) {
			*out = (enum vpci_tristate)i;
			return 0;
		}
	vfdt_msg_begin(&m, p->err, p->path, name);
	vfdt_msg_quoted(&m, v, strlen(v));
	vfdt_msg_str(&m, ": expected \"yes\", \"no\" or \"default\"");
	return vfdt_msg_end(&m, VPCI_EINVAL);
}

static int bad_element(const struct prop_ctx *p, const char *name,
		       const char *s, size_t len, const char *what)
{
	struct fdt_msg m;

	vfdt_msg_begin(&m, p->err, p->path, name);
	vfdt_msg_quoted(&m, s, len);
	vfdt_msg_str(&m, ": ");
	vfdt_msg_str(&m, what);
	return vfdt_msg_end(&m, VPCI_EINVAL);
}

const struct vpci_fdt_domain *
vfdt_device_domain(const struct vpci_fdt_config *cfg, size_t i)
{
	size_t d;

	for (d = 0; d <= cfg->nr_domains && d < VPCI_FDT_MAX_DOMAINS; d++) {
		const struct vpci_fdt_domain *dom = &cfg->domains[d];

		if (i >= dom->first_device &&
		    i < dom->first_device + dom->nr_devices)
			return dom;
	}
	return &cfg->domains[0];
}

void vfdt_msg_device(struct fdt_msg *m, struct vpci_fdt_error *err,
		     const struct vpci_fdt_config *cfg, size_t i)
{
	const struct vpci_fdt_device *dev = &cfg->devices[i];

	vfdt_msg_begin(m, err, vfdt_device_domain(cfg, i)->path,
		       dev->external ? PROP_EXTERNAL_DEVICES : PROP_DEVICES);
	vfdt_msg_str(m, "\"");
	vfdt_msg_sbdf(m, dev->host_sbdf);
	vfdt_msg_str(m, "@");
	vfdt_msg_sbdf(m, dev->guest_sbdf);
	vfdt_msg_str(m, "\": ");
}

/* Is host_sbdf already in the configuration (any domain, either list)?
 * Returns its index or -1. */
static long find_host(const struct vpci_fdt_config *cfg, vpci_sbdf_t sbdf,
		      size_t upto)
{
	size_t i;

	for (i = 0; i < upto; i++)
		if (cfg->devices[i].host_sbdf == sbdf)
			return (long)i;
	return -1;
}

static int add_device(struct parse_ctx *c, const struct prop_ctx *p,
		      struct vpci_fdt_domain *d, const char *name,
		      const char *s, bool external)
{
	struct vpci_fdt_config *cfg = c->cfg;
	size_t len = strlen(s), i;
	const char *at = memchr(s, '@', len);
	struct vpci_fdt_device dev = {.external = external};
	struct fdt_msg m;
	long prev;

	if (!at || !vfdt_parse_sbdf(s, (size_t)(at - s), &dev.host_sbdf) ||
	    !vfdt_parse_sbdf(at + 1, len - (size_t)(at - s) - 1,
			     &dev.guest_sbdf))
		return bad_element(p, name, s, len,
				   "expected \"HOST@GUEST\", each SSSS:BB:DD.F "
				   "or BB:DD.F in hex");
	if (VPCI_SBDF_FN(dev.host_sbdf) != VPCI_SBDF_FN(dev.guest_sbdf))
		return bad_element(p, name, s, len,
				   "a function keeps its function number in "
				   "the guest");
	prev = find_host(cfg, dev.host_sbdf, cfg->nr_devices);
	if (prev >= 0) {
		const struct vpci_fdt_domain *owner =
			prev >= (long)d->first_device
				? d
				: vfdt_device_domain(cfg, (size_t)prev);

		vfdt_msg_begin(&m, c->err, p->path, name);
		vfdt_msg_quoted(&m, s, len);
		vfdt_msg_str(&m, ": ");
		vfdt_msg_sbdf(&m, dev.host_sbdf);
		vfdt_msg_str(&m, " is assigned twice (also in ");
		vfdt_msg_str(&m, owner->path);
		vfdt_msg_str(&m, " ");
		vfdt_msg_str(&m, cfg->devices[prev].external
					 ? PROP_EXTERNAL_DEVICES
					 : PROP_DEVICES);
		vfdt_msg_str(&m, ")");
		return vfdt_msg_end(&m, VPCI_EINVAL);
	}
	for (i = d->first_device; i < cfg->nr_devices; i++)
		if (cfg->devices[i].guest_sbdf == dev.guest_sbdf)
			return bad_element(p, name, s, len,
					   "two devices at one guest SBDF");
	if (cfg->nr_devices == VPCI_FDT_MAX_DEVICES)
		return bad_element(p, name, s, len,
				   "more devices than the configuration holds");
	cfg->devices[cfg->nr_devices++] = dev;
	d->nr_devices++;
	return 0;
}

static int parse_devices(struct parse_ctx *c, const struct prop_ctx *p,
			 struct vpci_fdt_domain *d, const char *name,
			 bool external)
{
	const char *val;
	bool present;
	int len, count, i, rc;

	rc = vfdt_prop_stringlist(p, name, &val, &len, &count, &present);
	for (i = 0; !rc && present && i < count; i++)
		rc = add_device(c, p, d, name, vfdt_prop_list_at(val, len, i),
				external);
	return rc;
}

static int parse_window(const struct prop_ctx *p, struct vpci_fdt_domain *d,
			bool *bus_range_given)
{
	const void *val;
	uint32_t seg = 0;
	int len, rc;

	d->ecam_base = VPCI_FDT_DEFAULT_ECAM;
	rc = vfdt_prop_u64(p, PROP_ECAM_BASE, false, &d->ecam_base, NULL);
	if (!rc && d->ecam_base % MIB)
		rc = vfdt_fail(p->err, VPCI_EINVAL, p->path, PROP_ECAM_BASE,
			       "not 1 MiB aligned (ECAM needs 1 MiB a bus)");
	if (!rc)
		rc = vfdt_prop_u32(p, PROP_SEGMENT, false, &seg, NULL);
	if (!rc && seg > 0xffff)
		rc = vfdt_fail(p->err, VPCI_EINVAL, p->path, PROP_SEGMENT,
			       "above 0xffff");
	d->segment = (uint16_t)seg;
	if (rc || !vfdt_prop_find(p, PROP_BUS_RANGE, &val, &len))
		return rc ? rc : VPCI_EINVAL;
	*bus_range_given = len >= 0;
	if (len < 0)
		return 0;
	if (len != 8 || fdt32_ld(val) > fdt32_ld((const fdt32_t *)val + 1) ||
	    fdt32_ld((const fdt32_t *)val + 1) > 0xff) {
		struct fdt_msg m;

		vfdt_msg_begin(&m, p->err, p->path, PROP_BUS_RANGE);
		vfdt_msg_value(&m, val, len);
		vfdt_msg_str(&m,
			     ": expected <FIRST LAST>, FIRST <= LAST <= 0xff");
		return vfdt_msg_end(&m, VPCI_EINVAL);
	}
	d->bus_first = (uint8_t)fdt32_ld(val);
	d->bus_last = (uint8_t)fdt32_ld((const fdt32_t *)val + 1);
	return 0;
}

/* Every guest SBDF must be reachable through the domain's window. */
static int check_in_window(struct parse_ctx *c, struct vpci_fdt_domain *d,
			   bool bus_range_given)
{
	struct fdt_msg m;
	size_t i;

	for (i = d->first_device; i < d->first_device + d->nr_devices; i++) {
		vpci_sbdf_t g = c->cfg->devices[i].guest_sbdf;

		if (!bus_range_given && VPCI_SBDF_BUS(g) > d->bus_last)
			d->bus_last = VPCI_SBDF_BUS(g);
	}
	for (i = d->first_device; i < d->first_device + d->nr_devices; i++) {
		vpci_sbdf_t g = c->cfg->devices[i].guest_sbdf;

		if (VPCI_SBDF_SEG(g) == d->segment &&
		    VPCI_SBDF_BUS(g) >= d->bus_first &&
		    VPCI_SBDF_BUS(g) <= d->bus_last)
			continue;
		vfdt_msg_device(&m, c->err, c->cfg, i);
		vfdt_msg_str(&m, "outside the domain's ECAM window (segment ");
		vfdt_msg_hex(&m, d->segment);
		vfdt_msg_str(&m, ", buses ");
		vfdt_msg_hex(&m, d->bus_first);
		vfdt_msg_str(&m, "-");
		vfdt_msg_hex(&m, d->bus_last);
		vfdt_msg_str(&m, "; see vpci,segment and vpci,bus-range)");
		return vfdt_msg_end(&m, VPCI_EINVAL);
	}
	if (d->ecam_base >
	    UINT64_MAX - ((uint64_t)d->bus_last - d->bus_first + 1) * MIB)
		return vfdt_fail(c->err, VPCI_EINVAL, d->path, PROP_ECAM_BASE,
				 "the ECAM window wraps around the address "
				 "space");
	return 0;
}

static int refuse_window_props(const struct prop_ctx *p)
{
	const void *val;
	struct fdt_msg m;
	size_t i;
	int len;

	for (i = 0; i < NR_WINDOW; i++) {
		if (!vfdt_prop_find(p, window_props[i], &val, &len))
			return VPCI_EINVAL;
		if (len < 0)
			continue;
		vfdt_msg_begin(&m, p->err, p->path, window_props[i]);
		vfdt_msg_value(&m, val, len);
		vfdt_msg_str(
			&m, ": has no effect: the domain has no " PROP_DEVICES
			    ", " PROP_EXTERNAL_DEVICES " or " PROP_HOST_BRIDGE);
		return vfdt_msg_end(&m, VPCI_EINVAL);
	}
	return 0;
}

int vfdt_parse_pci(struct parse_ctx *c, const struct prop_ctx *p,
		   struct vpci_fdt_domain *d)
{
	bool host_bridge = false, bus_range_given = false;
	int rc;

	d->first_device = c->cfg->nr_devices;
	rc = check_known(p);
	if (!rc)
		rc = vfdt_prop_flag(p, PROP_HOST_BRIDGE, &host_bridge);
	if (!rc)
		rc = parse_tristate(p, PROP_MSI, &d->cfg.msi);
	if (!rc)
		rc = parse_tristate(p, PROP_MSIX, &d->cfg.msix);
	if (!rc)
		rc = parse_devices(c, p, d, PROP_DEVICES, false);
	if (!rc)
		rc = parse_devices(c, p, d, PROP_EXTERNAL_DEVICES, true);
	if (rc)
		return rc;
	if (!d->nr_devices && !host_bridge)
		return refuse_window_props(p);
	d->cfg.flags = VPCI_DOMAIN_F_VPCI |
		       (host_bridge ? VPCI_DOMAIN_F_HOST_BRIDGE : 0u);
	d->has_ecam = true;
	rc = parse_window(p, d, &bus_range_given);
	return rc ? rc : check_in_window(c, d, bus_range_given);
}
