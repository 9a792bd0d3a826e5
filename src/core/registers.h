/* SPDX-License-Identifier: MIT */
/*
 * A device's emulated registers (registers.c): the table, sorted and
 * indexed by dword, and the split/merge of one access over registers and
 * gaps. Private to the core.
 */
#ifndef VPCI_REGISTERS_H
#define VPCI_REGISTERS_H

#include <stdbool.h>
#include <stdint.h>
#include "vpci/vpci.h"

#define VPCI_CFG_SPACE_SIZE 4096u
#define VPCI_CFG_STD_SIZE 256u
#define VPCI_STD_DWORDS (VPCI_CFG_STD_SIZE / 4u)
#define VPCI_EXT_DWORDS ((VPCI_CFG_SPACE_SIZE - VPCI_CFG_STD_SIZE) / 4u)
#define VPCI_MAX_REGISTERS 1024u

struct vpci_register {
	vpci_read_fn *read;
	vpci_write_fn *write;
	void *data;
	struct vpci_reg_masks masks;
	uint16_t offset;
	uint8_t size;
	bool library; /* added by the library's own state build */
};

/*
 * A device's emulated registers, sorted by offset and never overlapping.
 * lb[d] is the index of the first register ending after byte 4*d, so an
 * access finds its registers in O(1) whatever their number. Extended space
 * gets its index only once a register lives there.
 */
struct vpci_regtable {
	struct vpci_register *regs;
	uint16_t nr;
	uint16_t capacity;
	uint16_t lb_std[VPCI_STD_DWORDS];
	uint16_t *lb_ext; /* VPCI_EXT_DWORDS entries, or NULL */
	bool library_phase; /* registers added now are the library's */
};


void vpci_regtable_destroy(struct vpci_host *host, struct vpci_regtable *t);
bool vpci_dev_passthrough_gaps(const struct vpci_dev *dev);

#endif /* VPCI_REGISTERS_H */
