/* SPDX-License-Identifier: MIT */
/*
 * External emulators of a guest's functions: requests in flight
 * (emulator.c). Private to the core.
 */
#ifndef VPCI_EMULATOR_H
#define VPCI_EMULATOR_H

#include <stdbool.h>
#include <stdint.h>
#include "vpci/vpci.h"

struct vpci_dev;
struct vpci_domain;

/*
 * An access waiting for an external emulator (emulator.c). An 8-byte ECAM
 * access is two 4-byte parts sent one after the other under one token.
 */
struct vpci_emu_request {
	uint64_t token;       /* 0: the slot is free */
	struct vpci_dev *fn;  /* whose emulator */
	uint64_t val;         /* write: the value; read: what came back */
	uint16_t reg;
	uint8_t size;         /* of the whole access: 1, 2, 4 or 8 */
	uint8_t part;         /* the 4-byte part in progress */
	bool write;
};


/* emulator.c: requests to external emulators, host lock held. */
/*
 * Send an access of size 1, 2, 4 or 8 at reg to fn's emulator (as
 * guest_sbdf). Returns 0 (read: *val), VPCI_EPENDING (*token) or
 * VPCI_EBUSY (no free request slot; read: *val all-ones).
 */
int vpci_emu_access(struct vpci_domain *dom, struct vpci_dev *fn,
		    vpci_sbdf_t guest_sbdf, unsigned int reg, unsigned int size,
		    bool write, uint64_t *val, uint64_t *token);
/* Cancel the request token (telling its emulator), if in flight. */
void vpci_emu_cancel(struct vpci_domain *dom, uint64_t token);
/* Cancel every request of fn's emulator (fn NULL: all of dom's). */
void vpci_emu_cancel_fn(struct vpci_domain *dom, const struct vpci_dev *fn);
unsigned int vpci_emu_in_flight(const struct vpci_domain *dom);

#endif /* VPCI_EMULATOR_H */
