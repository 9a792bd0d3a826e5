/* SPDX-License-Identifier: MIT */
/*
 * The PCI Express capability (PCIe 6.0 section 7.5.3) as a guest sees it:
 * what the device is and can do as on hardware, control registers with
 * only the bits that cannot hurt the host or other devices writable, and
 * nothing of slots or root ports. The hardware domain reaches the real
 * registers. docs/capabilities.md has the table; in short:
 *
 *  Capabilities     hardware, Slot Implemented cleared.
 *  Device Cap       hardware, Function Level Reset Capability cleared: a
 *                   reset the platform does not perform must not be
 *                   advertised (vPCI state would not follow it).
 *  Device Control   Max_Read_Request_Size reaches the hardware (it only
 *                   shapes this function's own reads); the error
 *                   reporting enables and Aux Power PM Enable are latched
 *                   for the guest only; Relaxed Ordering, Max_Payload_Size
 *                   (must match the whole path), Extended Tag, Phantom
 *                   Functions and No Snoop read as hardware and ignore
 *                   writes; Initiate FLR reads 0 and is ignored.
 *  Device Status    hardware; the four error bits are RW1C to hardware.
 *  Link Cap/Ctl/Sta hardware, read-only: no ASPM, link disable or retrain.
 *  Slot, Root       read 0 (gaps).
 *  Version 2 block  Device/Link Capabilities 2, Device/Link Control 2 and
 *                   Link Status 2 hardware, read-only; Device Status 2
 *                   and the Slot 2 registers read 0.
 */
#include "internal.h"
#include "caps.h"

#define FLAGS_VERSION 0x000fu
#define FLAGS_SLOT 0x0100u
#define DEVCAP_FLR (1u << 28)
#define DEVCTL_ERR_REPORTING 0x000fu
#define DEVCTL_AUX_PM 0x0400u
#define DEVCTL_GUEST_LATCHED (DEVCTL_ERR_REPORTING | DEVCTL_AUX_PM)
#define DEVCTL_READRQ 0x7000u
#define DEVCTL_FLR 0x8000u
#define DEVCTL_HW_VIEW 0x0bf0u /* RO, MPS, ext tag, phantom, no snoop */
#define DEVSTA_ERRORS 0x000fu

struct pcie {
	uint32_t flags; /* as the guest reads them */
	uint32_t devcap;
	uint16_t devctl_latched;
};

static uint32_t flags_read(const struct vpci_dev *dev, unsigned int reg,
			   unsigned int size, void *data)
{
	(void)dev;
	(void)reg;
	(void)size;
	return ((const struct pcie *)data)->flags;
}

static uint32_t devcap_read(const struct vpci_dev *dev, unsigned int reg,
			    unsigned int size, void *data)
{
	(void)dev;
	(void)reg;
	(void)size;
	return ((const struct pcie *)data)->devcap;
}

static uint32_t devctl_read(const struct vpci_dev *dev, unsigned int reg,
			    unsigned int size, void *data)
{
	const struct pcie *pcie = data;
	uint32_t hw = vpci_phys_read(dev->host, dev->sbdf, reg, 2);

	(void)size;
	return (hw & (DEVCTL_HW_VIEW | DEVCTL_READRQ)) | pcie->devctl_latched;
}

static void devctl_write(struct vpci_dev *dev, unsigned int reg,
			 unsigned int size, uint32_t val, void *data)
{
	struct pcie *pcie = data;
	uint32_t hw = vpci_phys_read(dev->host, dev->sbdf, reg, 2);

	(void)size;
	pcie->devctl_latched = (uint16_t)(val & DEVCTL_GUEST_LATCHED);
	if ((hw & DEVCTL_READRQ) != (val & DEVCTL_READRQ))
		vpci_phys_write(dev->host, dev->sbdf, reg, 2,
				(hw & ~(uint32_t)(DEVCTL_READRQ | DEVCTL_FLR)) |
					(val & DEVCTL_READRQ));
}

/* Device Status: the rw1c mask hands us only the bits written as 1. */
static void devsta_write(struct vpci_dev *dev, unsigned int reg,
			 unsigned int size, uint32_t val, void *data)
{
	(void)size;
	(void)data;
	if (val & DEVSTA_ERRORS)
		vpci_phys_write(dev->host, dev->sbdf, reg, 2,
				val & DEVSTA_ERRORS);
}

/*
 * Device Control and Device Status as one dword register
 * (vpci_add_dword_register): one call and one hardware read for a 4-byte
 * access. A write gets the bytes written: Device Control's to
 * devctl_write merged with what it reads (a byte write changes only its
 * byte), Device Status's error bits written as 1 to devsta_write.
 */
static uint32_t devctl_sta_read(const struct vpci_dev *dev, unsigned int reg,
				unsigned int size, void *data)
{
	const struct pcie *pcie = data;
	uint32_t hw = vpci_phys_read(dev->host, dev->sbdf, reg & ~3u, 4);

	(void)size;
	return (hw & (0xffff0000u | DEVCTL_HW_VIEW | DEVCTL_READRQ)) |
	       pcie->devctl_latched;
}

static void devctl_sta_write(struct vpci_dev *dev, unsigned int reg,
			     unsigned int size, uint32_t val, void *data)
{
	unsigned int at = reg & ~3u, shift = (reg & 3u) * 8u;
	uint32_t bytes = vpci_size_mask(size) << shift, v = val << shift;

	if (bytes & 0xffffu) {
		uint32_t ctl = v & 0xffffu;

		if ((bytes & 0xffffu) != 0xffffu)
			ctl = (devctl_read(dev, at, 2, data) & ~bytes) |
			      (v & bytes & 0xffffu);
		devctl_write(dev, at, 2, ctl, data);
	}
	if (bytes & 0xffff0000u)
		devsta_write(dev, at + 2u, 2, (v & bytes) >> 16, data);
}

/* A local copy of vpci_hw_read (no GOT in a freestanding link). */
static uint32_t hw_ro_read(const struct vpci_dev *dev, unsigned int reg,
			   unsigned int size, void *data)
{
	(void)data;
	return vpci_phys_read(dev->host, dev->sbdf, reg, size);
}

struct pcie_reg {
	uint8_t offset;
	uint8_t size;
	bool v2; /* only in a version 2 capability */
	vpci_read_fn *read;
	vpci_write_fn *write;
	struct vpci_reg_masks masks;
};

static int pcie_init(struct vpci_dev *dev, struct vpci_cap *cap)
{
	/* clang-format off */
	static const struct pcie_reg regs[] = {
		{VPCI_EXP_FLAGS, 2, false, flags_read, NULL, {0}},
		{VPCI_EXP_DEVCAP, 4, false, devcap_read, NULL, {0}},
		/* Device Control and Status: one dword register. */
		{VPCI_EXP_DEVCTL, 4, false, devctl_sta_read, devctl_sta_write,
		 {0}},
		{VPCI_EXP_LNKCAP, 4, false, hw_ro_read, NULL, {0}},
		/* Link Control and Status together: both read-only. */
		{VPCI_EXP_LNKCTL, 4, false, hw_ro_read, NULL, {0}},
		{VPCI_EXP_DEVCAP2, 4, true, hw_ro_read, NULL, {0}},
		{VPCI_EXP_DEVCTL2, 2, true, hw_ro_read, NULL, {0}},
		{VPCI_EXP_LNKCAP2, 4, true, hw_ro_read, NULL, {0}},
		{VPCI_EXP_LNKCTL2, 4, true, hw_ro_read, NULL, {0}},
	};
	/* clang-format on */
	struct vpci_host *host = dev->host;
	unsigned int pos = cap->pos, i;
	struct pcie *pcie;
	int rc = 0;

	if (!vpci_dev_is_guest(dev))
		return 0; /* the hardware domain: the real registers */
	pcie = vpci_zalloc(host, sizeof(*pcie));
	if (!pcie)
		return VPCI_ENOMEM;
	cap->state = pcie;
	pcie->flags = (uint16_t)(vpci_phys_read(host, dev->sbdf,
						pos + VPCI_EXP_FLAGS, 2) &
				 ~(uint32_t)FLAGS_SLOT);
	pcie->devcap =
		vpci_phys_read(host, dev->sbdf, pos + VPCI_EXP_DEVCAP, 4) &
		~DEVCAP_FLR;
	/* The guest's latches start as the hardware has them. */
	pcie->devctl_latched =
		(uint16_t)(vpci_phys_read(host, dev->sbdf,
					  pos + VPCI_EXP_DEVCTL, 2) &
			   DEVCTL_GUEST_LATCHED);
	for (i = 0; i < sizeof(regs) / sizeof(regs[0]) && !rc; i++) {
		if (regs[i].v2 && (pcie->flags & FLAGS_VERSION) < 2u)
			continue;
		if (pos + regs[i].offset + regs[i].size > VPCI_CFG_STD_SIZE)
			break; /* a capability cut short by the end of space */
		if (regs[i].read == flags_read)
			rc = vpci_add_value_register(dev, pos + regs[i].offset,
						     regs[i].size,
						     &pcie->flags, false);
		else if (regs[i].read == devcap_read)
			rc = vpci_add_value_register(dev, pos + regs[i].offset,
						     regs[i].size,
						     &pcie->devcap, false);
		else if (regs[i].read == devctl_sta_read)
			rc = vpci_add_dword_register(dev, devctl_sta_read,
						     devctl_sta_write,
						     pos + regs[i].offset,
						     pcie);
		else if (regs[i].read == hw_ro_read)
			rc = vpci_add_phys_register(dev, regs[i].write,
						    pos + regs[i].offset,
						    regs[i].size, pcie,
						    &regs[i].masks);
		else
			rc = vpci_add_register(dev, regs[i].read,
					       regs[i].write,
					       pos + regs[i].offset,
					       regs[i].size, pcie,
					       &regs[i].masks);
	}
	cap->visible = !rc;
	return rc;
}

static void pcie_cleanup(struct vpci_dev *dev, struct vpci_cap *cap)
{
	vpci_free(dev->host, cap->state);
	cap->state = NULL;
}

const struct vpci_cap_emulator vpci_cap_pcie = {
	.name = "PCI Express",
	.id = VPCI_CAP_ID_EXP,
	.extended = false,
	.init = pcie_init,
	.cleanup = pcie_cleanup,
};
