/* SPDX-License-Identifier: MIT */
/*
 * The guest's /hypervisor node, as Xen writes it for dom0less guests
 * with xen,enhanced (xen/arch/arm/dom0less-build.c, make_hypervisor_node;
 * binding: Documentation/devicetree/bindings/arm/xen.txt in Linux):
 * compatible "xen,xen-VERSION", "xen,xen"; reg = the grant-table region;
 * interrupts = the event-channel PPI. What is written follows the
 * domain's features, so a domain without grant tables gets no reg.
 *
 * The node is named "hypervisor" without a unit address even though it
 * has reg: Linux's Xen code looks for exactly that name (and so dtc's
 * unit_address_vs_reg check warns about it, as about Xen's own trees).
 */
#include <string.h>

#include "fdt_internal.h"

#define NODE	    "hypervisor"
#define PATH	    "/hypervisor"
#define VERSION_MAX 16
#define GIC_PPI	    1u
#define PPI_FIRST   16u
#define PPI_LAST    31u
/* Xen's event-channel interrupt: level low, all CPUs in the GICv2
 * CPU mask (ignored by GICv3). */
#define EVTCHN_FLAGS 0xf08u
#define KNOWN_FEATURES                                                         \
	(VPCI_FDT_XEN_GNTTAB | VPCI_FDT_XEN_EVTCHN | VPCI_FDT_XEN_XENSTORE)

/* "MAJOR.MINOR" and the like: digits and dots, starting with a digit. */
static bool good_version(const char *v)
{
	size_t i, n = v ? strnlen(v, VERSION_MAX + 1) : 0;

	if (n == 0 || n > VERSION_MAX || v[0] < '0' || v[0] > '9')
		return false;
	for (i = 0; i < n; i++)
		if ((v[i] < '0' || v[i] > '9') && v[i] != '.')
			return false;
	return true;
}

static int check(const struct vpci_fdt_hypervisor *h,
		 struct vpci_fdt_error *err)
{
	struct fdt_msg m;

	if (h->features & ~KNOWN_FEATURES)
		return vfdt_fail(err, VPCI_EINVAL, PATH, NULL,
				 "unknown feature bits");
	if (!good_version(h->xen_version)) {
		vfdt_msg_begin(&m, err, PATH, "compatible");
		vfdt_msg_str(&m, "version ");
		if (h->xen_version)
			vfdt_msg_quoted(
				&m, h->xen_version,
				strnlen(h->xen_version, VERSION_MAX + 1));
		else
			vfdt_msg_str(&m, "(none)");
		vfdt_msg_str(&m, ": expected digits and dots, e.g. \"4.19\"");
		return vfdt_msg_end(&m, VPCI_EINVAL);
	}
	if ((h->features & VPCI_FDT_XEN_EVTCHN) &&
	    (h->evtchn_ppi < PPI_FIRST || h->evtchn_ppi > PPI_LAST)) {
		vfdt_msg_begin(&m, err, PATH, "interrupts");
		vfdt_msg_str(&m, "event channel interrupt ");
		vfdt_msg_dec(&m, h->evtchn_ppi);
		vfdt_msg_str(&m, ": expected a PPI, 16-31");
		return vfdt_msg_end(&m, VPCI_EINVAL);
	}
	if ((h->features & VPCI_FDT_XEN_GNTTAB) &&
	    (!h->gnttab_size || h->gnttab_base > UINT64_MAX - h->gnttab_size))
		return vfdt_fail(err, VPCI_EINVAL, PATH, "reg",
				 "empty or wrapping grant-table region");
	return 0;
}

/* Written last to first: libfdt puts a new property in front. */
static int set_props(void *fdt, int node, const struct vpci_fdt_hypervisor *h,
		     const uint32_t *reg, int reg_len)
{
	char compat[sizeof("xen,xen-") + VERSION_MAX + sizeof("xen,xen")];
	size_t n = strlen(h->xen_version), pre = sizeof("xen,xen-") - 1;
	fdt32_t cells[3];
	int rc = 0;

	if (h->features & VPCI_FDT_XEN_EVTCHN) {
		cells[0] = cpu_to_fdt32(GIC_PPI);
		cells[1] = cpu_to_fdt32(h->evtchn_ppi - PPI_FIRST);
		cells[2] = cpu_to_fdt32(EVTCHN_FLAGS);
		rc = fdt_setprop_u32(fdt, node, "interrupt-parent",
				     h->intc_phandle);
		if (!rc)
			rc = fdt_setprop(fdt, node, "interrupts", cells,
					 sizeof(cells));
	}
	if (!rc && (h->features & VPCI_FDT_XEN_GNTTAB))
		rc = fdt_setprop(fdt, node, "reg", reg, reg_len);
	memcpy(compat, "xen,xen-", pre);
	memcpy(compat + pre, h->xen_version, n + 1);
	memcpy(compat + pre + n + 1, "xen,xen", sizeof("xen,xen"));
	return rc ? rc
		  : fdt_setprop(fdt, node, "compatible", compat,
				(int)(pre + n + 1 + sizeof("xen,xen")));
}

/* The tree is open (room to grow); write or remove the node. */
static int write_open(const struct vpci_fdt_hypervisor *h, void *buf,
		      struct vpci_fdt_error *err)
{
	uint32_t reg[4];
	int ac, sc, node, parent_ac, rc;

	rc = vfdt_tree_root_cells(buf, &ac, &sc, err);
	if (rc)
		return rc;
	if (!h->features) {
		/* No xen,enhanced: the guest must not find a hypervisor. */
		node = fdt_subnode_offset(buf, 0, NODE);
		if (node >= 0)
			node = fdt_del_node(buf, node);
		return node < 0 && node != -FDT_ERR_NOTFOUND
			       ? vfdt_tree_write_failed(node, NODE, err)
			       : 0;
	}
	if (vfdt_tree_put_cells(reg, ac, h->gnttab_base) ||
	    vfdt_tree_put_cells(reg + ac, sc, h->gnttab_size))
		return vfdt_fail(err, VPCI_ERANGE, PATH, "reg",
				 "grant-table region does not fit the root's "
				 "#address-cells/#size-cells");
	if (h->features & VPCI_FDT_XEN_EVTCHN) {
		node = vfdt_tree_phandle_node(buf, h->intc_phandle,
					      "interrupt-controller",
					      PATH ": interrupt-parent", err);
		if (node < 0)
			return node;
		rc = vfdt_tree_gic_cells(buf, node, &parent_ac, err);
		if (rc)
			return rc;
	}
	node = vfdt_tree_replace_node(buf, NODE, err);
	if (node < 0)
		return node;
	rc = set_props(buf, node, h, reg, (ac + sc) * 4);
	return rc ? vfdt_tree_write_failed(rc, NODE, err) : 0;
}

int vpci_fdt_hypervisor_write(const struct vpci_fdt_hypervisor *h, void *buf,
			      size_t buf_len, struct vpci_fdt_error *err)
{
	int rc = check(h, err);

	if (!rc)
		rc = vfdt_tree_open(buf, buf_len, err);
	if (rc)
		return rc;
	rc = write_open(h, buf, err);
	fdt_pack(buf); /* compact again whatever happened */
	return rc;
}
