/* SPDX-License-Identifier: MIT */
/*
 * Power management (PCI Bus Power Management Interface 1.2), as a guest
 * sees it: a function that only has D0 and D3hot, no PME, and whose power
 * state changes are the guest's own picture. The device stays in D0: a
 * guest putting it in D3hot and back must not reset it behind vPCI's back
 * (so No_Soft_Reset reads 1, which is what a guest then sees happen).
 * The hardware domain reaches the real registers.
 *
 *  PMC   version and Device Specific Initialization as the hardware;
 *        D1/D2 support, PME support, aux current, PME clock read 0.
 *  PMCSR PowerState latched (D0 and D3hot; writes of D1/D2 are discarded,
 *        as PM 1.2 section 5.4.1 demands for unsupported states);
 *        No_Soft_Reset 1; PME_En, Data_Select, Data_Scale, PME_Status 0.
 *  PMCSR_BSE and Data read 0.
 */
#include "internal.h"
#include "caps.h"

#define PMC_KEPT 0x0027u /* version (2:0), DSI (5) */
#define PMCSR_STATE 0x0003u
#define PMCSR_NO_SOFT_RESET 0x0008u
#define STATE_D0 0u
#define STATE_D3HOT 3u

struct pm {
	uint32_t pmc; /* as the owner reads it */
	uint8_t state;
};

static uint32_t pmcsr_read(const struct vpci_dev *dev, unsigned int reg,
			   unsigned int size, void *data)
{
	(void)dev;
	(void)reg;
	(void)size;
	return ((const struct pm *)data)->state | PMCSR_NO_SOFT_RESET;
}

static void pmcsr_write(struct vpci_dev *dev, unsigned int reg,
			unsigned int size, uint32_t val, void *data)
{
	struct pm *pm = data;
	unsigned int state = val & PMCSR_STATE;

	(void)dev;
	(void)reg;
	(void)size;
	if (state == STATE_D0 || state == STATE_D3HOT)
		pm->state = (uint8_t)state;
}

static int pm_init(struct vpci_dev *dev, struct vpci_cap *cap)
{
	struct vpci_host *host = dev->host;
	unsigned int pos = cap->pos;
	uint32_t pmcsr;
	struct pm *pm;
	int rc;

	if (!vpci_dev_is_guest(dev) ||
	    pos + VPCI_PM_CTRL + 2u > VPCI_CFG_STD_SIZE)
		return 0; /* the hardware domain's; or cut short: hidden */
	pm = vpci_zalloc(host, sizeof(*pm));
	if (!pm)
		return VPCI_ENOMEM;
	cap->state = pm;
	pm->pmc = (uint16_t)(vpci_phys_read(host, dev->sbdf, pos + VPCI_PM_PMC,
					    2) &
			     PMC_KEPT);
	/* Whatever the previous owner left, the guest gets it in D0. */
	pmcsr = vpci_phys_read(host, dev->sbdf, pos + VPCI_PM_CTRL, 2);
	if (pmcsr & PMCSR_STATE)
		vpci_phys_write(host, dev->sbdf, pos + VPCI_PM_CTRL, 2,
				pmcsr & ~(uint32_t)PMCSR_STATE);
	rc = vpci_add_value_register(dev, pos + VPCI_PM_PMC, 2, &pm->pmc,
				     false);
	if (!rc)
		rc = vpci_add_register(dev, pmcsr_read, pmcsr_write,
				       pos + VPCI_PM_CTRL, 2, pm, NULL);
	cap->visible = !rc;
	return rc;
}

static void pm_cleanup(struct vpci_dev *dev, struct vpci_cap *cap)
{
	vpci_free(dev->host, cap->state);
	cap->state = NULL;
}

const struct vpci_cap_emulator vpci_cap_pm = {
	.name = "power management",
	.id = VPCI_CAP_ID_PM,
	.extended = false,
	.init = pm_init,
	.cleanup = pm_cleanup,
};
