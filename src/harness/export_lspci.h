/* SPDX-License-Identifier: MIT */
/*
 * `vpci-harness dump`: config space as the session's domain sees it, read
 * through vPCI, in lspci's own dump format.
 */
#ifndef HARNESS_EXPORT_LSPCI_H
#define HARNESS_EXPORT_LSPCI_H

#include <stdio.h>

#include "session.h"

/*
 * Every function the session's domain sees, in `lspci -xxxx` format (what
 * `lspci -F` reads back): a header line per function, 256 rows of 16
 * bytes, a blank line. Returns 0, or -1 when writing out failed.
 */
int export_lspci(struct session *s, FILE *out);

#endif /* HARNESS_EXPORT_LSPCI_H */
