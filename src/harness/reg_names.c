/* SPDX-License-Identifier: MIT */
/*
 * The register names setpci users know, as data (see reg_names.h). Header
 * offsets come from include/vpci/pci_regs.h where it has them, the rest
 * from the PCI Local Bus spec (type 0 header), the PCI-to-PCI Bridge
 * Architecture spec (type 1) and the PC Card spec (type 2, CardBus);
 * capability IDs from the PCI Code and ID Assignment spec.
 */
#include <string.h>
#include <strings.h>

#include "reg_names.h"
#include "vpci/pci_regs.h"

#define N  REG_HDR_NORMAL
#define NB (REG_HDR_NORMAL | REG_HDR_BRIDGE)
#define B  REG_HDR_BRIDGE
#define CB REG_HDR_CARDBUS

#define HDR(name, off, width, types)                                           \
	{                                                                      \
		name, REG_HEADER, 0, off, width, types                         \
	}
#define CAP(name, id)                                                          \
	{                                                                      \
		name, REG_CAP, id, 0, 0, REG_HDR_ANY                           \
	}
#define ECAP(name, id)                                                         \
	{                                                                      \
		name, REG_EXT_CAP, id, 0, 0, REG_HDR_ANY                       \
	}

static const struct reg_name names[] = {
	/* Common to every header type. */
	HDR("VENDOR_ID", VPCI_REG_VENDOR_ID, 2, REG_HDR_ANY),
	HDR("DEVICE_ID", VPCI_REG_DEVICE_ID, 2, REG_HDR_ANY),
	HDR("COMMAND", VPCI_REG_COMMAND, 2, REG_HDR_ANY),
	HDR("STATUS", VPCI_REG_STATUS, 2, REG_HDR_ANY),
	HDR("REVISION", VPCI_REG_REVISION, 1, REG_HDR_ANY),
	HDR("CLASS_PROG", VPCI_REG_CLASS_PROG, 1, REG_HDR_ANY),
	HDR("CLASS_DEVICE", VPCI_REG_CLASS_DEVICE, 2, REG_HDR_ANY),
	HDR("CACHE_LINE_SIZE", VPCI_REG_CACHE_LINE_SIZE, 1, REG_HDR_ANY),
	HDR("LATENCY_TIMER", VPCI_REG_LATENCY_TIMER, 1, REG_HDR_ANY),
	HDR("HEADER_TYPE", VPCI_REG_HEADER_TYPE, 1, REG_HDR_ANY),
	HDR("BIST", VPCI_REG_BIST, 1, REG_HDR_ANY),
	/* Type 0; the first two BARs and a few more are in bridges too. */
	HDR("BASE_ADDRESS_0", VPCI_REG_BAR0 + 0x00, 4, NB),
	HDR("BASE_ADDRESS_1", VPCI_REG_BAR0 + 0x04, 4, NB),
	HDR("BASE_ADDRESS_2", VPCI_REG_BAR0 + 0x08, 4, N),
	HDR("BASE_ADDRESS_3", VPCI_REG_BAR0 + 0x0c, 4, N),
	HDR("BASE_ADDRESS_4", VPCI_REG_BAR0 + 0x10, 4, N),
	HDR("BASE_ADDRESS_5", VPCI_REG_BAR0 + 0x14, 4, N),
	HDR("CARDBUS_CIS", 0x28, 4, N),
	HDR("SUBSYSTEM_VENDOR_ID", VPCI_REG_SUBSYS_VENDOR_ID, 2, N),
	HDR("SUBSYSTEM_ID", VPCI_REG_SUBSYS_ID, 2, N),
	HDR("ROM_ADDRESS", VPCI_REG_ROM_ADDRESS, 4, N),
	HDR("CAPABILITIES", VPCI_REG_CAP_PTR, 1, NB),
	HDR("INTERRUPT_LINE", VPCI_REG_INTERRUPT_LINE, 1, NB),
	HDR("INTERRUPT_PIN", VPCI_REG_INTERRUPT_PIN, 1, NB),
	HDR("MIN_GNT", 0x3e, 1, N),
	HDR("MAX_LAT", 0x3f, 1, N),
	/* Type 1: PCI-to-PCI bridges. */
	HDR("PRIMARY_BUS", VPCI_REG_PRIMARY_BUS, 1, B),
	HDR("SECONDARY_BUS", VPCI_REG_SECONDARY_BUS, 1, B),
	HDR("SUBORDINATE_BUS", VPCI_REG_SUBORDINATE_BUS, 1, B),
	HDR("SEC_LATENCY_TIMER", 0x1b, 1, B),
	HDR("IO_BASE", 0x1c, 1, B),
	HDR("IO_LIMIT", 0x1d, 1, B),
	HDR("SEC_STATUS", 0x1e, 2, B),
	HDR("MEMORY_BASE", 0x20, 2, B),
	HDR("MEMORY_LIMIT", 0x22, 2, B),
	HDR("PREF_MEMORY_BASE", 0x24, 2, B),
	HDR("PREF_MEMORY_LIMIT", 0x26, 2, B),
	HDR("PREF_BASE_UPPER32", 0x28, 4, B),
	HDR("PREF_LIMIT_UPPER32", 0x2c, 4, B),
	HDR("IO_BASE_UPPER16", 0x30, 2, B),
	HDR("IO_LIMIT_UPPER16", 0x32, 2, B),
	HDR("BRIDGE_ROM_ADDRESS", VPCI_REG_ROM_ADDRESS1, 4, B),
	HDR("BRIDGE_CONTROL", 0x3e, 2, B),
	/* Type 2: CardBus bridges. */
	HDR("CB_CARDBUS_BASE", 0x10, 4, CB),
	HDR("CB_CAPABILITIES", 0x14, 2, CB),
	HDR("CB_SEC_STATUS", 0x16, 2, CB),
	HDR("CB_BUS_NUMBER", 0x18, 1, CB),
	HDR("CB_CARDBUS_NUMBER", 0x19, 1, CB),
	HDR("CB_SUBORDINATE_BUS", 0x1a, 1, CB),
	HDR("CB_CARDBUS_LATENCY", 0x1b, 1, CB),
	HDR("CB_MEMORY_BASE_0", 0x1c, 4, CB),
	HDR("CB_MEMORY_LIMIT_0", 0x20, 4, CB),
	HDR("CB_MEMORY_BASE_1", 0x24, 4, CB),
	HDR("CB_MEMORY_LIMIT_1", 0x28, 4, CB),
	HDR("CB_IO_BASE_0", 0x2c, 2, CB),
	HDR("CB_IO_BASE_0_HI", 0x2e, 2, CB),
	HDR("CB_IO_LIMIT_0", 0x30, 2, CB),
	HDR("CB_IO_LIMIT_0_HI", 0x32, 2, CB),
	HDR("CB_IO_BASE_1", 0x34, 2, CB),
	HDR("CB_IO_BASE_1_HI", 0x36, 2, CB),
	HDR("CB_IO_LIMIT_1", 0x38, 2, CB),
	HDR("CB_IO_LIMIT_1_HI", 0x3a, 2, CB),
	HDR("CB_SUBSYSTEM_VENDOR_ID", 0x40, 2, CB),
	HDR("CB_SUBSYSTEM_ID", 0x42, 2, CB),
	HDR("CB_LEGACY_MODE_BASE", 0x44, 4, CB),
	/* Standard capabilities. */
	CAP("CAP_PM", VPCI_CAP_ID_PM),
	CAP("CAP_AGP", 0x02),
	CAP("CAP_VPD", 0x03),
	CAP("CAP_SLOTID", 0x04),
	CAP("CAP_MSI", VPCI_CAP_ID_MSI),
	CAP("CAP_CHSWP", 0x06),
	CAP("CAP_PCIX", 0x07),
	CAP("CAP_HT", 0x08),
	CAP("CAP_VNDR", VPCI_CAP_ID_VENDOR),
	CAP("CAP_DBG", 0x0a),
	CAP("CAP_CCRC", 0x0b),
	CAP("CAP_HOTPLUG", 0x0c),
	CAP("CAP_SSVID", 0x0d),
	CAP("CAP_AGP3", 0x0e),
	CAP("CAP_SECURE", 0x0f),
	CAP("CAP_EXP", VPCI_CAP_ID_EXP),
	CAP("CAP_MSIX", VPCI_CAP_ID_MSIX),
	CAP("CAP_SATA", 0x12),
	CAP("CAP_AF", 0x13),
	CAP("CAP_EA", 0x14),
	/* Extended (PCI Express) capabilities. */
	ECAP("ECAP_AER", 0x01),
	ECAP("ECAP_VC", 0x02),
	ECAP("ECAP_DSN", 0x03),
	ECAP("ECAP_PB", 0x04),
	ECAP("ECAP_RCLINK", 0x05),
	ECAP("ECAP_RCILINK", 0x06),
	ECAP("ECAP_RCEC", 0x07),
	ECAP("ECAP_MFVC", 0x08),
	ECAP("ECAP_VC2", 0x09),
	ECAP("ECAP_RBCB", 0x0a),
	ECAP("ECAP_VNDR", 0x0b),
	ECAP("ECAP_ACS", 0x0d),
	ECAP("ECAP_ARI", 0x0e),
	ECAP("ECAP_ATS", 0x0f),
	ECAP("ECAP_SRIOV", 0x10),
	ECAP("ECAP_MRIOV", 0x11),
	ECAP("ECAP_MCAST", 0x12),
	ECAP("ECAP_PRI", 0x13),
	ECAP("ECAP_REBAR", 0x15),
	ECAP("ECAP_DPA", 0x16),
	ECAP("ECAP_TPH", 0x17),
	ECAP("ECAP_LTR", 0x18),
	ECAP("ECAP_SECPCI", 0x19),
	ECAP("ECAP_PMUX", 0x1a),
	ECAP("ECAP_PASID", 0x1b),
	ECAP("ECAP_LNR", 0x1c),
	ECAP("ECAP_DPC", 0x1d),
	ECAP("ECAP_L1PM", 0x1e),
	ECAP("ECAP_PTM", 0x1f),
	ECAP("ECAP_M_PCIE", 0x20),
	ECAP("ECAP_FRS", 0x21),
	ECAP("ECAP_RTR", 0x22),
	ECAP("ECAP_DVSEC", 0x23),
	ECAP("ECAP_VF_REBAR", 0x24),
	ECAP("ECAP_DLNK", 0x25),
	ECAP("ECAP_16GT", 0x26),
	ECAP("ECAP_LMR", 0x27),
	ECAP("ECAP_HIER_ID", 0x28),
	ECAP("ECAP_NPEM", 0x29),
	ECAP("ECAP_32GT", 0x2a),
	ECAP("ECAP_IDE", 0x30),
	ECAP("ECAP_64GT", 0x31),
	ECAP("ECAP_FL", 0x32),
};

#define NR_NAMES (sizeof(names) / sizeof(names[0]))

const struct reg_name *reg_name_find(const char *name)
{
	size_t i;

	for (i = 0; i < NR_NAMES; i++)
		if (strcasecmp(names[i].name, name) == 0)
			return &names[i];
	return NULL;
}

const char *reg_cap_name(enum reg_space space, unsigned int id)
{
	size_t i;

	for (i = 0; i < NR_NAMES; i++)
		if (names[i].space == space && names[i].id == id)
			return names[i].name;
	return NULL;
}

void reg_names_print(FILE *out)
{
	size_t i;

	for (i = 0; i < NR_NAMES; i++)
		fprintf(out, "%s\n", names[i].name);
}
