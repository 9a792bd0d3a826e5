/* SPDX-License-Identifier: MIT */
/*
 * `vpci-harness stats`: a summary that describes the topology and what
 * the session made of it.
 */
#ifndef HARNESS_STATS_H
#define HARNESS_STATS_H

#include <stdio.h>

#include "session.h"

void stats_print(const struct session *s, FILE *out);

#endif /* HARNESS_STATS_H */
