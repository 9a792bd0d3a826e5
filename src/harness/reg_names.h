/* SPDX-License-Identifier: MIT */
/*
 * setpci's register vocabulary: the names a setpci user types
 * (COMMAND, BASE_ADDRESS_0, CAP_MSIX, ECAP_REBAR, ...) and what each
 * means, so script lines can say `00:01.0 COMMAND=2` and
 * `00:01.0 CAP_MSIX+2.W`.
 */
#ifndef HARNESS_REG_NAMES_H
#define HARNESS_REG_NAMES_H

#include <stdbool.h>
#include <stdio.h>

/* Which header types a register exists in (bit N: header type N). */
#define REG_HDR_ANY	0u
#define REG_HDR_NORMAL	(1u << 0)
#define REG_HDR_BRIDGE	(1u << 1)
#define REG_HDR_CARDBUS (1u << 2)

enum reg_space {
	REG_HEADER,  /* an offset in the header */
	REG_CAP,     /* relative to a standard capability */
	REG_EXT_CAP, /* relative to an extended capability */
};

struct reg_name {
	const char *name;
	enum reg_space space;
	unsigned int id;     /* capability ID (REG_CAP, REG_EXT_CAP) */
	unsigned int offset; /* header offset (REG_HEADER) */
	unsigned int width;  /* bytes; 0: the user gives one (capabilities) */
	unsigned int hdr_types; /* REG_HDR_* mask, REG_HDR_ANY for all */
};

/* The entry called name (case-insensitive), or NULL. */
const struct reg_name *reg_name_find(const char *name);

/* "CAP_MSIX" for (REG_CAP, 0x11), or NULL when the ID has no name. */
const char *reg_cap_name(enum reg_space space, unsigned int id);

/* Every name, one per line, for --help and the completion script. */
void reg_names_print(FILE *out);

#endif /* HARNESS_REG_NAMES_H */
