/* SPDX-License-Identifier: MIT */
/*
 * PCI configuration space register offsets and bit names used by libvpci,
 * from the PCI Local Bus 3.0 and PCI Express Base specifications.
 */
#ifndef VPCI_PCI_REGS_H
#define VPCI_PCI_REGS_H

#include "vpci/api.h"

VPCI_BEGIN_DECLS

/* Common header (types 0 and 1) */
#define VPCI_REG_VENDOR_ID 0x00
#define VPCI_REG_DEVICE_ID 0x02
#define VPCI_REG_COMMAND 0x04
#define VPCI_REG_STATUS 0x06
#define VPCI_REG_REVISION 0x08
#define VPCI_REG_CLASS_PROG 0x09
#define VPCI_REG_CLASS_DEVICE 0x0a
#define VPCI_REG_CACHE_LINE_SIZE 0x0c
#define VPCI_REG_LATENCY_TIMER 0x0d
#define VPCI_REG_HEADER_TYPE 0x0e
#define VPCI_REG_BIST 0x0f
#define VPCI_REG_BAR0 0x10
#define VPCI_REG_CAP_PTR 0x34
#define VPCI_REG_INTERRUPT_LINE 0x3c
#define VPCI_REG_INTERRUPT_PIN 0x3d

/* Type 0 */
#define VPCI_REG_SUBSYS_VENDOR_ID 0x2c
#define VPCI_REG_SUBSYS_ID 0x2e
#define VPCI_REG_ROM_ADDRESS 0x30
#define VPCI_TYPE0_NR_BARS 6

/* Type 1 (PCI-to-PCI bridge) */
#define VPCI_REG_PRIMARY_BUS 0x18
#define VPCI_REG_SECONDARY_BUS 0x19
#define VPCI_REG_SUBORDINATE_BUS 0x1a
#define VPCI_REG_SEC_LATENCY_TIMER 0x1b
#define VPCI_REG_IO_BASE 0x1c /* and I/O limit at 0x1d */
#define VPCI_REG_SEC_STATUS 0x1e
#define VPCI_REG_MEMORY_BASE 0x20 /* and memory limit at 0x22 */
#define VPCI_REG_PREF_MEMORY_BASE 0x24 /* and limit at 0x26 */
#define VPCI_REG_PREF_BASE_UPPER32 0x28
#define VPCI_REG_PREF_LIMIT_UPPER32 0x2c
#define VPCI_REG_IO_BASE_UPPER16 0x30 /* and I/O limit upper 16 at 0x32 */
#define VPCI_REG_BRIDGE_CONTROL 0x3e
#define VPCI_BRIDGE_IO_32 0x1u /* I/O base bits 3:0: 32-bit window */
#define VPCI_BRIDGE_PREF_MEM_64 0x1u /* prefetchable base 3:0: 64-bit */
#define VPCI_REG_ROM_ADDRESS1 0x38
#define VPCI_TYPE1_NR_BARS 2

/* Type 2 (CardBus bridge): only where its capability list starts */
#define VPCI_REG_CB_CAP_PTR 0x14

#define VPCI_HEADER_TYPE_MASK 0x7f
#define VPCI_HEADER_TYPE_NORMAL 0
#define VPCI_HEADER_TYPE_BRIDGE 1
#define VPCI_HEADER_TYPE_CARDBUS 2
#define VPCI_HEADER_MULTI_FUNCTION 0x80

/* Command register */
#define VPCI_CMD_IO 0x0001u
#define VPCI_CMD_MEMORY 0x0002u
#define VPCI_CMD_MASTER 0x0004u
#define VPCI_CMD_SPECIAL 0x0008u
#define VPCI_CMD_INVALIDATE 0x0010u
#define VPCI_CMD_VGA_PALETTE 0x0020u
#define VPCI_CMD_PARITY 0x0040u
#define VPCI_CMD_WAIT 0x0080u
#define VPCI_CMD_SERR 0x0100u
#define VPCI_CMD_FAST_BACK 0x0200u
#define VPCI_CMD_INTX_DISABLE 0x0400u

/* Status register */
#define VPCI_STATUS_IMM_READY 0x0001u
#define VPCI_STATUS_INTERRUPT 0x0008u
#define VPCI_STATUS_CAP_LIST 0x0010u
#define VPCI_STATUS_66MHZ 0x0020u
#define VPCI_STATUS_FAST_BACK 0x0080u
#define VPCI_STATUS_MASTER_PARITY 0x0100u /* RW1C */
#define VPCI_STATUS_DEVSEL_MASK 0x0600u
#define VPCI_STATUS_SIG_TARGET_ABORT 0x0800u /* RW1C */
#define VPCI_STATUS_REC_TARGET_ABORT 0x1000u /* RW1C */
#define VPCI_STATUS_REC_MASTER_ABORT 0x2000u /* RW1C */
#define VPCI_STATUS_SIG_SYSTEM_ERROR 0x4000u /* RW1C */
#define VPCI_STATUS_DETECTED_PARITY 0x8000u  /* RW1C */
#define VPCI_STATUS_RW1C_MASK 0xf900u

/* Base address registers */
#define VPCI_BAR_SPACE_IO 0x01u
#define VPCI_BAR_MEM_TYPE_MASK 0x06u
#define VPCI_BAR_MEM_TYPE_32 0x00u
#define VPCI_BAR_MEM_TYPE_64 0x04u
#define VPCI_BAR_MEM_PREFETCH 0x08u
#define VPCI_BAR_MEM_ADDR_MASK 0xfffffff0u
#define VPCI_BAR_IO_ADDR_MASK 0xfffffffcu
#define VPCI_ROM_ENABLE 0x1u
#define VPCI_ROM_ADDR_MASK 0xfffff800u

/* Capability list */
#define VPCI_CAP_ID_PM 0x01
#define VPCI_CAP_ID_MSI 0x05
#define VPCI_CAP_ID_VENDOR 0x09
#define VPCI_CAP_ID_SSVID 0x0d /* bridge subsystem vendor/device ID */
#define VPCI_CAP_ID_EXP 0x10
#define VPCI_CAP_ID_MSIX 0x11
#define VPCI_CAP_ID_EA 0x14 /* enhanced allocation */
#define VPCI_CAP_LIST_NEXT 1
#define VPCI_EXT_CAP_START 0x100
#define VPCI_EXT_CAP_ID_ERR 0x0001u /* Advanced Error Reporting */

/* Registers inside capabilities, relative to the capability's header */
#define VPCI_PM_PMC 0x02u /* power management capabilities */
#define VPCI_PM_CTRL 0x04u /* PMCSR */
#define VPCI_PM_DATA 0x06u /* bridge extensions, data */
#define VPCI_MSI_FLAGS 0x02u /* message control */
#define VPCI_MSI_ADDRESS_LO 0x04u
#define VPCI_MSI_ADDRESS_HI 0x08u /* 64-bit capable functions only */
#define VPCI_MSIX_FLAGS 0x02u /* message control */
#define VPCI_MSIX_TABLE 0x04u /* table offset and BIR */
#define VPCI_MSIX_PBA 0x08u /* PBA offset and BIR */
#define VPCI_EXP_FLAGS 0x02u /* PCI Express capabilities register */
#define VPCI_EXP_DEVCAP 0x04u
#define VPCI_EXP_DEVCTL 0x08u
#define VPCI_EXP_DEVSTA 0x0au
#define VPCI_EXP_LNKCAP 0x0cu
#define VPCI_EXP_LNKCTL 0x10u
#define VPCI_EXP_LNKSTA 0x12u
#define VPCI_EXP_SLTCAP 0x14u
#define VPCI_EXP_SLTSTA 0x1au
#define VPCI_EXP_RTCAP 0x1eu
#define VPCI_EXP_RTSTA 0x20u
#define VPCI_EXP_DEVCAP2 0x24u
#define VPCI_EXP_DEVCTL2 0x28u
#define VPCI_EXP_LNKCAP2 0x2cu
#define VPCI_EXP_LNKCTL2 0x30u
#define VPCI_EXP_LNKSTA2 0x32u
#define VPCI_ERR_UNCOR_STATUS 0x04u /* AER */
#define VPCI_ERR_COR_STATUS 0x10u

/* SR-IOV extended capability (PCIe 6.0 section 9.3.3), offsets from it. */
#define VPCI_EXT_CAP_ID_SRIOV 0x0010u
#define VPCI_SRIOV_CTRL 0x08u
#define VPCI_SRIOV_STATUS 0x0au
#define VPCI_SRIOV_INITIAL_VFS 0x0cu
#define VPCI_SRIOV_TOTAL_VFS 0x0eu
#define VPCI_SRIOV_NUM_VFS 0x10u
#define VPCI_SRIOV_VF_OFFSET 0x14u
#define VPCI_SRIOV_VF_STRIDE 0x16u
#define VPCI_SRIOV_VF_DID 0x1au
#define VPCI_SRIOV_SUP_PGSIZE 0x1cu
#define VPCI_SRIOV_SYS_PGSIZE 0x20u
#define VPCI_SRIOV_BAR0 0x24u
#define VPCI_SRIOV_CAP_BYTES 0x40u

#define VPCI_SRIOV_CTRL_VFE 0x0001u /* VF Enable */
#define VPCI_SRIOV_CTRL_VFM 0x0002u /* VF Migration Enable */
#define VPCI_SRIOV_CTRL_VFMI 0x0004u /* VF Migration Interrupt Enable */
#define VPCI_SRIOV_CTRL_MSE 0x0008u /* VF Memory Space Enable */
#define VPCI_SRIOV_CTRL_ARI 0x0010u /* ARI Capable Hierarchy */
#define VPCI_SRIOV_CTRL_TAG10 0x0020u

VPCI_END_DECLS

#endif /* VPCI_PCI_REGS_H */
