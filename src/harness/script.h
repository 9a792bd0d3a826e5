/* SPDX-License-Identifier: MIT */
/*
 * The replay script: one config access per line ("r SBDF OFFSET SIZE",
 * "w SBDF OFFSET SIZE VALUE", or x86 port I/O to 0xCF8-0xCFF as "inl PORT",
 * "outl PORT VALUE" with b/w/l sizes), run against a session. Also the number and
 * SBDF parsers the command line shares with it.
 */
#ifndef HARNESS_SCRIPT_H
#define HARNESS_SCRIPT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "vpci/platform.h"

struct session;

/* "SSSS:BB:DD.F" or "BB:DD.F" (hex fields); true on success. */
bool script_parse_sbdf(const char *s, vpci_sbdf_t *sbdf);

/* "0x…" hex or plain decimal, no sign, at most max; true on success. */
bool script_parse_number(const char *s, uint64_t max, uint64_t *val);

/*
 * Run the script read from in (named name in messages) against s, printing
 * one line per read on out. With interactive set, prompt on stderr,
 * report a bad line and carry on; otherwise stop at the first bad line.
 * Returns 0, or -1 after printing "NAME:LINE: what" on stderr.
 */
int script_run(struct session *s, FILE *in, const char *name, FILE *out,
	       bool interactive);

#endif /* HARNESS_SCRIPT_H */
