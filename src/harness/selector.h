/* SPDX-License-Identifier: MIT */
/*
 * lspci's device selectors, for choosing which functions a command
 * shows: -s [[[[DOMAIN]:]BUS]:][SLOT][.[FUNC]] and
 * -d [VENDOR]:[DEVICE][:CLASS[:PROG_IF]]. Fields are hex; an empty field
 * or "*" matches anything; an 'x' digit in CLASS matches any digit.
 */
#ifndef HARNESS_SELECTOR_H
#define HARNESS_SELECTOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vpci/platform.h"

struct selector {
	int domain, bus, dev, fn;	     /* -1: any */
	int vendor, device, prog_if;	     /* -1: any */
	unsigned int class_code, class_mask; /* 16-bit class; mask 0: any */
	bool set; /* initialised (all "any" otherwise) */
};

/* Returns 0, or -1 with msg saying what is wrong. */
int selector_parse_slot(struct selector *sel, const char *arg, char *msg,
			size_t msg_len);
int selector_parse_id(struct selector *sel, const char *arg, char *msg,
		      size_t msg_len);

/* Does the function at sbdf, with the first 12 config bytes cfg (IDs and
 * class), match? An unset selector matches everything. */
bool selector_match(const struct selector *sel, vpci_sbdf_t sbdf,
		    const uint8_t cfg[12]);

#endif /* HARNESS_SELECTOR_H */
