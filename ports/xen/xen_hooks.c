/* SPDX-License-Identifier: MIT */
/*
 * The functions Xen's own code calls into vPCI, under Xen's names and
 * shapes: the config accessors behind pci_conf_* for the hardware
 * domain, the MMIO (ECAM) and port I/O intercepts, the deferred-work hook
 * run on the way back to the guest, device assignment, the domain
 * lifecycle, the creation-flag check and the physinfo capability.
 *
 * This file must not include libvpci's headers: it defines vpci_read,
 * vpci_write, vpci_process_pending and vpci_assign_device, which are
 * libvpci's names too. The library is linked with a symbol prefix
 * (meson -Dsymbol_prefix=..., see docs/porting.md), so both exist.
 */
#include "port.h"
#include "xen/vpci.h"
#include "xen/errno.h"
#include "xen/hvm_io.h"
#include "xen/lib.h"

/* ------------------------------------------------------------ boot */

int vpci_port_init(bool guest_vpci)
{
	return xvpci_host_init(guest_vpci);
}

/* ------------------------------------------------ domain lifecycle */

/* From arch_sanitise_domain_config(): refuse the flag rather than fail
 * later, with a sentence the admin can read. */
int vpci_sanitise_domain_config(const struct xen_domctl_createdomain *config,
				bool is_hardware_domain)
{
	if (!(config->flags & XEN_DOMCTL_CDF_vpci))
		return 0;
	if (!is_hardware_domain && !xvpci_guest_supported()) {
		printk(XENLOG_INFO "vPCI for guests is not supported on this "
				   "platform\n");
		return -EINVAL;
	}
	return 0;
}

/* From arch_do_physinfo(): tell toolstacks they may ask for vPCI. */
void vpci_arch_do_physinfo(struct xen_sysctl_physinfo *pi)
{
	if (xvpci_guest_supported())
		pi->capabilities |= XEN_SYSCTL_PHYSCAP_vpci;
}

/* From domain creation, after the config was accepted. */
int domain_vpci_init(struct domain *d)
{
	return xvpci_domain_init(d);
}

/* From domain destruction, once its devices were deassigned. */
void domain_vpci_destroy(struct domain *d)
{
	xvpci_domain_destroy(d);
}

/* From the code that learns where a domain's ECAM (MCFG) window is. */
int register_vpci_mmcfg_handler(struct domain *d, paddr_t addr,
				unsigned int start_bus, unsigned int end_bus,
				unsigned int seg)
{
	return xvpci_add_mmcfg(d, addr, seg, start_bus, end_bus);
}

/* ------------------------------------------------------- devices */

/* pci_add_device(), assign_device() and deassign_device() call these
 * around every change of pdev->domain. */
int vpci_assign_device(struct pci_dev *pdev)
{
	return xvpci_device_assigned(pdev);
}

void vpci_deassign_device(struct pci_dev *pdev)
{
	xvpci_device_deassigned(pdev);
}

/* --------------------------------------------------------- access */

/* The hardware domain's config accesses that reach pci_conf_* paths
 * (e.g. through a physdev op) in the current domain's view. */
uint32_t vpci_read(pci_sbdf_t sbdf, unsigned int reg, unsigned int size)
{
	return xvpci_read(current->domain, sbdf, reg, size);
}

void vpci_write(pci_sbdf_t sbdf, unsigned int reg, unsigned int size,
		uint32_t data)
{
	xvpci_write(current->domain, sbdf, reg, size, data);
}

/* The MMIO intercept for ECAM windows. */
int vpci_mmcfg_read(struct vcpu *v, unsigned long addr, unsigned int len,
		    unsigned long *data)
{
	uint64_t val;

	if (xvpci_mmcfg_read(v->domain, addr, len, &val))
		return X86EMUL_UNHANDLEABLE;
	*data = (unsigned long)val;
	return X86EMUL_OKAY;
}

int vpci_mmcfg_write(struct vcpu *v, unsigned long addr, unsigned int len,
		     unsigned long data)
{
	return xvpci_mmcfg_write(v->domain, addr, len, data)
		       ? X86EMUL_UNHANDLEABLE
		       : X86EMUL_OKAY;
}

/* The port I/O intercept for 0xCF8-0xCFF. */
int vpci_portio_read(struct vcpu *v, unsigned int port, unsigned int size,
		     uint32_t *data)
{
	return xvpci_portio_read(v->domain, port, size, data)
		       ? X86EMUL_UNHANDLEABLE
		       : X86EMUL_OKAY;
}

int vpci_portio_write(struct vcpu *v, unsigned int port, unsigned int size,
		      uint32_t data)
{
	return xvpci_portio_write(v->domain, port, size, data)
		       ? X86EMUL_UNHANDLEABLE
		       : X86EMUL_OKAY;
}

/*
 * On the way back to the guest (Xen's hvm_do_resume, or the Arm
 * equivalent): finish map work the p2m preempted. True means "not done,
 * call me again before entering the guest" (Xen raises a softirq and
 * comes back).
 */
bool vpci_process_pending(struct vcpu *v)
{
	return xvpci_process_pending(v->domain);
}
