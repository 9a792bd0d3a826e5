/* SPDX-License-Identifier: MIT */
/*
 * A device's vPCI state: built when a function gets an owner that vPCI
 * emulates, torn down when it loses it. The library's parts come first
 * (the header, then capabilities), the platform's device_init hook last,
 * so the platform sees every register the library owns and cannot be
 * overtaken by one. Each part undoes itself on teardown, which is safe
 * on a partly built state.
 */
#include "internal.h"

/*
 * Registers added while the function had no vPCI state (before the
 * hardware domain existed, say) describe no view: they are dropped, so
 * they can neither collide with the library's registers nor make the
 * device read-only. device_init is where registers that last belong.
 */
static void drop_stale_registers(struct vpci_dev *dev)
{
	if (!dev->regs.nr)
		return;
	vpci_log(dev->host, VPCI_LOG_WARN,
		 "%pS: %u register(s) added outside device_init dropped as "
		 "its vPCI state is built",
		 dev->sbdf, (unsigned int)dev->regs.nr);
	vpci_regtable_destroy(dev->host, &dev->regs);
}

static int platform_device_init(struct vpci_dev *dev)
{
	const struct vpci_platform_ops *ops = dev->host->ops;
	int rc;

	if (!ops->device_init)
		return 0;
	rc = ops->device_init(dev->host->ctx, dev, vpci_dev_view(dev));
	if (rc > 0)
		rc = VPCI_EIO; /* not a VPCI_E* code: still a failure */
	if (rc)
		vpci_log(dev->host, VPCI_LOG_ERROR,
			 "%pS: the platform's device_init failed in the %s "
			 "view (%s)",
			 dev->sbdf,
			 vpci_dev_is_guest(dev) ? "guest" : "hardware-domain",
			 vpci_strerror(rc));
	else
		dev->platform_init_done = true;
	return rc;
}

int vpci_dev_state_build(struct vpci_dev *dev)
{
	int rc;

	drop_stale_registers(dev);
	dev->regs.library_phase = true;
	rc = vpci_header_init(dev);
	if (!rc)
		rc = vpci_caps_init(dev);
	dev->regs.library_phase = false;
	if (!rc)
		rc = platform_device_init(dev);
	if (rc)
		vpci_dev_state_teardown(dev);
	return rc;
}

void vpci_dev_state_teardown(struct vpci_dev *dev)
{
	const struct vpci_platform_ops *ops = dev->host->ops;

	/* The platform's data may back its registers: it goes first. */
	if (dev->platform_init_done && ops->device_deinit)
		ops->device_deinit(dev->host->ctx, dev, vpci_dev_view(dev));
	dev->platform_init_done = false;
	/* Vectors are unbound and MSI-X traps removed, then the BARs unmap
	 * what they had mapped, then the handlers go. */
	vpci_caps_teardown(dev);
	vpci_header_teardown(dev);
	vpci_regtable_destroy(dev->host, &dev->regs);
}
