/* SPDX-License-Identifier: MIT */
/*
 * A device's vPCI state: built when a function gets an owner that vPCI
 * emulates, torn down when it loses it. The header (header.c) and the
 * capabilities hang off this.
 */
#include "internal.h"

int vpci_dev_state_build(struct vpci_dev *dev)
{
	(void)dev;
	return 0;
}

void vpci_dev_state_teardown(struct vpci_dev *dev)
{
	vpci_regtable_destroy(dev->host, &dev->regs);
}
