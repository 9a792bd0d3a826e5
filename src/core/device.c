/* SPDX-License-Identifier: MIT */
/*
 * A device's vPCI state: built when a function gets an owner that vPCI
 * emulates, torn down when it loses it. The header (header.c) and, later,
 * the capabilities hang off this; each part undoes itself on teardown,
 * which is safe on a partly built state.
 */
#include "internal.h"

int vpci_dev_state_build(struct vpci_dev *dev)
{
	int rc = vpci_header_init(dev);

	if (rc)
		vpci_dev_state_teardown(dev);
	return rc;
}

void vpci_dev_state_teardown(struct vpci_dev *dev)
{
	/* Unmaps what the BARs had mapped before the handlers go. */
	vpci_header_teardown(dev);
	vpci_regtable_destroy(dev->host, &dev->regs);
}
