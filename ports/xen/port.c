/* SPDX-License-Identifier: MIT */
/*
 * The Xen port's glue: one libvpci host for the hypervisor, a libvpci
 * domain per has_vpci() domain, Xen's device assignment flow translated
 * into libvpci's, and the access paths.
 *
 * Why one static pointer: Xen's hooks (vpci_read(sbdf, reg, size),
 * physinfo) carry no context, and a hypervisor has exactly one PCI host.
 * libvpci itself keeps no globals; this is the port's single one.
 *
 * Locks: d->pci_lock (read) keeps d->xvpci alive across an access;
 * libvpci's host lock (a spinlock, taken inside every libvpci entry point)
 * serialises everything else. Order: d->pci_lock, then the host lock.
 */
#include "internal.h"
#include "xen/errno.h"
#include "xen/lib.h"
#include "xen/xmalloc.h"

static struct xvpci_host *port_host;

int xvpci_errno(int vpci_rc)
{
	switch (vpci_rc) {
	case VPCI_OK:
		return 0;
	case VPCI_ENOMEM:
		return -ENOMEM;
	case VPCI_ENOENT:
		return -ENOENT;
	case VPCI_EEXIST:
		return -EEXIST;
	case VPCI_EBUSY:
		return -EBUSY;
	case VPCI_ENOTSUP:
		return -EOPNOTSUPP;
	case VPCI_ERANGE:
		return -ERANGE;
	case VPCI_EPERM:
		return -EPERM;
	case VPCI_ERESTART:
		return -ERESTART;
	case VPCI_ENOSPC:
		return -ENOSPC;
	case VPCI_EIO:
		return -EIO;
	default:
		return -EINVAL;
	}
}

struct domain *xvpci_domain_by_id(struct xvpci_host *xh, uint32_t domid)
{
	unsigned int i;

	for (i = 0; i < XVPCI_MAX_DOMAINS; i++)
		if (xh->domains[i] && xh->domains[i]->domain_id == domid)
			return xh->domains[i];
	return NULL;
}

int xvpci_host_init(bool guest_vpci)
{
	struct xvpci_host *xh;
	int rc;

	if (port_host)
		return -EEXIST;
	xh = xzalloc_bytes(sizeof(*xh));
	if (!xh)
		return -ENOMEM;
	rc = vpci_host_create(&xvpci_platform_ops, xh,
			      guest_vpci ? 0 : VPCI_HOST_NO_GUEST_VPCI,
			      &xh->host);
	if (rc) {
		xfree(xh);
		return xvpci_errno(rc);
	}
	port_host = xh;
	printk(XENLOG_INFO "vPCI: libvpci host up%s\n",
	       guest_vpci ? "" : " (hardware domain only)");
	return 0;
}

void xvpci_host_fini(void)
{
	if (!port_host)
		return;
	vpci_host_destroy(port_host->host);
	xfree(port_host);
	port_host = NULL;
}

bool xvpci_guest_supported(void)
{
	return port_host &&
	       (vpci_host_caps(port_host->host) & VPCI_CAP_GUEST_VPCI);
}

/* A free slot in the domain table, taken under the host lock. */
static int table_insert(struct xvpci_host *xh, struct domain *d)
{
	unsigned int i;
	int rc = -ENOSPC;

	spin_lock(&xh->lock);
	for (i = 0; i < XVPCI_MAX_DOMAINS && rc; i++)
		if (!xh->domains[i]) {
			xh->domains[i] = d;
			rc = 0;
		}
	spin_unlock(&xh->lock);
	return rc;
}

static void table_remove(struct xvpci_host *xh, struct domain *d)
{
	unsigned int i;

	spin_lock(&xh->lock);
	for (i = 0; i < XVPCI_MAX_DOMAINS; i++)
		if (xh->domains[i] == d)
			xh->domains[i] = NULL;
	spin_unlock(&xh->lock);
}

int xvpci_domain_init(struct domain *d)
{
	struct vpci_domain_config cfg = {
		.domid = d->domain_id,
		.kind = d->is_hardware_domain ? VPCI_DOMAIN_HARDWARE
					      : VPCI_DOMAIN_GUEST,
		.flags = VPCI_DOMAIN_F_VPCI,
	};
	struct xvpci_domain *xd;
	const char *reason = NULL;
	int rc;

	if (!has_vpci(d))
		return 0;
	if (!port_host)
		return -EOPNOTSUPP;
	xd = xzalloc_bytes(sizeof(*xd));
	if (!xd)
		return -ENOMEM;
	xd->d = d;
	rc = table_insert(port_host, d);
	if (rc) {
		xfree(xd);
		return rc;
	}
	rc = vpci_domain_create(port_host->host, &cfg, &xd->vd, &reason);
	if (rc) {
		printk(XENLOG_ERR "vPCI: d%u: %s\n", d->domain_id,
		       reason ? reason : "cannot create");
		table_remove(port_host, d);
		xfree(xd);
		return xvpci_errno(rc);
	}
	write_lock(&d->pci_lock);
	d->xvpci = xd;
	write_unlock(&d->pci_lock);
	return 0;
}

void xvpci_domain_destroy(struct domain *d)
{
	struct xvpci_domain *xd;

	write_lock(&d->pci_lock);
	xd = d->xvpci;
	d->xvpci = NULL;
	write_unlock(&d->pci_lock);
	if (!xd)
		return;
	/* Unmaps through map/unmap, which still find d in the table. */
	vpci_domain_destroy(xd->vd);
	table_remove(port_host, d);
	xfree(xd);
}

int xvpci_add_mmcfg(struct domain *d, paddr_t addr, unsigned int seg,
		    unsigned int bus_first, unsigned int bus_last)
{
	int rc = -EOPNOTSUPP;

	if (seg > 0xffff || bus_first > bus_last || bus_last > 0xff)
		return -EINVAL;
	read_lock(&d->pci_lock);
	if (d->xvpci)
		rc = xvpci_errno(vpci_domain_add_ecam(
			d->xvpci->vd, addr, (uint16_t)seg, (uint8_t)bus_first,
			(uint8_t)bus_last, NULL));
	read_unlock(&d->pci_lock);
	return rc;
}

/* ------------------------------------------------------- assignment */

/*
 * A guest's virtual slot for a host function: the slot already holding
 * another function of the same host slot, else the first free one from
 * slot 1. Xen numbers guest devices on bus 0 of segment 0 the same way.
 */
static int guest_slot(struct xvpci_domain *xd, vpci_sbdf_t host_sbdf)
{
	uint32_t key = (host_sbdf & ~7u) + 1;
	int free_slot = -1;
	unsigned int i;

	/* Slot 0 is the guest's emulated host bridge (libvpci's). */
	for (i = 1; i < XVPCI_GUEST_SLOTS; i++) {
		if (xd->slot_host[i] == key)
			return (int)i;
		if (!xd->slot_host[i] && free_slot < 0)
			free_slot = (int)i;
	}
	return free_slot;
}

static int assign_to_guest(struct xvpci_domain *xd, vpci_sbdf_t host_sbdf)
{
	int slot = guest_slot(xd, host_sbdf);
	int rc;

	if (slot < 0)
		return -ENOSPC;
	rc = vpci_assign_device(
		xd->vd, host_sbdf,
		VPCI_SBDF(0, 0, (unsigned int)slot, VPCI_SBDF_FN(host_sbdf)), NULL);
	if (rc)
		return xvpci_errno(rc);
	xd->slot_host[slot] = (host_sbdf & ~7u) + 1;
	xd->slot_nr_fns[slot]++;
	return 0;
}

static void release_guest_slot(struct xvpci_domain *xd, vpci_sbdf_t host_sbdf)
{
	int slot = guest_slot(xd, host_sbdf);

	if (slot >= 0 && xd->slot_host[slot] == (host_sbdf & ~7u) + 1 &&
	    --xd->slot_nr_fns[slot] == 0)
		xd->slot_host[slot] = 0;
}

/*
 * Xen moves a device between domains as "deassign from the old owner,
 * change pdev->domain, assign to the new one", and adds (removes) a
 * device as an assignment to (deassignment from) the hardware domain.
 * In libvpci a device belongs to the hardware domain once added, and a
 * guest deassignment gives it back, so: hardware domain assigned = add,
 * deassigned = remove; guest assigned = add if needed, then assign;
 * guest deassigned = deassign.
 */
int xvpci_device_assigned(struct pci_dev *pdev)
{
	struct domain *d = pdev->domain;
	vpci_sbdf_t sbdf = pdev->sbdf.sbdf;
	int rc = 0;

	if (!port_host || !d)
		return 0;
	read_lock(&d->pci_lock);
	if (d->xvpci || d->is_hardware_domain) {
		rc = vpci_device_add(port_host->host, sbdf);
		rc = rc == VPCI_EEXIST ? 0 : xvpci_errno(rc);
	}
	if (!rc && d->xvpci && !d->is_hardware_domain)
		rc = assign_to_guest(d->xvpci, sbdf);
	read_unlock(&d->pci_lock);
	if (rc)
		printk(XENLOG_ERR "vPCI: %04x:%02x:%02x.%u: cannot assign to "
				  "d%u: %d\n",
		       VPCI_SBDF_SEG(sbdf), VPCI_SBDF_BUS(sbdf),
		       VPCI_SBDF_DEV(sbdf), VPCI_SBDF_FN(sbdf), d->domain_id,
		       rc);
	return rc;
}

void xvpci_device_deassigned(struct pci_dev *pdev)
{
	struct domain *d = pdev->domain;
	vpci_sbdf_t sbdf = pdev->sbdf.sbdf;

	if (!port_host || !d)
		return;
	read_lock(&d->pci_lock);
	if (d->xvpci && !d->is_hardware_domain) {
		if (!vpci_deassign_device(d->xvpci->vd, sbdf, NULL))
			release_guest_slot(d->xvpci, sbdf);
	} else if (d->is_hardware_domain) {
		vpci_device_remove(port_host->host, sbdf);
	}
	read_unlock(&d->pci_lock);
}

/* ----------------------------------------------------------- access */

uint32_t xvpci_read(struct domain *d, pci_sbdf_t sbdf, unsigned int reg,
		    unsigned int size)
{
	uint32_t val = 0xffffffffu;

	read_lock(&d->pci_lock);
	if (d->xvpci)
		val = vpci_read(d->xvpci->vd, sbdf.sbdf, reg, size);
	read_unlock(&d->pci_lock);
	return val;
}

void xvpci_write(struct domain *d, pci_sbdf_t sbdf, unsigned int reg,
		 unsigned int size, uint32_t val)
{
	read_lock(&d->pci_lock);
	if (d->xvpci)
		vpci_write(d->xvpci->vd, sbdf.sbdf, reg, size, val);
	read_unlock(&d->pci_lock);
}

int xvpci_mmcfg_read(struct domain *d, paddr_t gpa, unsigned int len,
		     uint64_t *data)
{
	int rc = -ENOENT;

	*data = ~(uint64_t)0;
	read_lock(&d->pci_lock);
	if (d->xvpci)
		rc = xvpci_errno(vpci_ecam_read(d->xvpci->vd, gpa, len, data));
	read_unlock(&d->pci_lock);
	return rc;
}

int xvpci_mmcfg_write(struct domain *d, paddr_t gpa, unsigned int len,
		      uint64_t data)
{
	int rc = -ENOENT;

	read_lock(&d->pci_lock);
	if (d->xvpci)
		rc = xvpci_errno(vpci_ecam_write(d->xvpci->vd, gpa, len, data));
	read_unlock(&d->pci_lock);
	return rc;
}

/* 0xCF8 as a dword is the latch; 0xCFC-0xCFF the data window; other
 * accesses to 0xCF8-0xCFB (0xCF9 reset control) are not vPCI's. */
static bool portio_ours(unsigned int port, unsigned int size)
{
	return (port == VPCI_CF8_PORT && size == 4) ||
	       (port >= VPCI_CFC_PORT && port <= VPCI_CFC_PORT + 3);
}

int xvpci_portio_read(struct domain *d, unsigned int port, unsigned int size,
		      uint32_t *data)
{
	int rc = -ENOENT;

	*data = 0xffffffffu;
	if (!portio_ours(port, size))
		return rc;
	read_lock(&d->pci_lock);
	if (d->xvpci) {
		*data = port == VPCI_CF8_PORT
				? vpci_cf8_read(d->xvpci->vd)
				: vpci_cfc_read(d->xvpci->vd, port, size);
		rc = 0;
	}
	read_unlock(&d->pci_lock);
	return rc;
}

int xvpci_portio_write(struct domain *d, unsigned int port, unsigned int size,
		       uint32_t data)
{
	int rc = -ENOENT;

	if (!portio_ours(port, size))
		return rc;
	read_lock(&d->pci_lock);
	if (d->xvpci) {
		if (port == VPCI_CF8_PORT)
			vpci_cf8_write(d->xvpci->vd, data);
		else
			vpci_cfc_write(d->xvpci->vd, port, size, data);
		rc = 0;
	}
	read_unlock(&d->pci_lock);
	return rc;
}

bool xvpci_process_pending(struct domain *d)
{
	int rc = 0;

	read_lock(&d->pci_lock);
	if (d->xvpci)
		rc = vpci_process_pending(d->xvpci->vd);
	read_unlock(&d->pci_lock);
	/* Failures were logged by libvpci and ended the work. */
	return rc == VPCI_ERESTART;
}
