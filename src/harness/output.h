/* SPDX-License-Identifier: MIT */
/*
 * What the CLI produces from a session besides script output: an lspci
 * dump (export_lspci.c), a sysfs-shaped tree (export_sysfs.c) and a
 * summary (stats.c). All read config space through vPCI as the session's
 * domain sees it, except the summary, which describes the topology.
 */
#ifndef HARNESS_OUTPUT_H
#define HARNESS_OUTPUT_H

#include <stddef.h>
#include <stdio.h>

#include "session.h"

/*
 * Every function the session's domain sees, in `lspci -xxxx` format (what
 * `lspci -F` reads back): a header line per function, 256 rows of 16
 * bytes, a blank line. Returns 0, or -1 when writing out failed.
 */
int export_lspci(struct session *s, FILE *out);

/*
 * The same view as OUTDIR/devices/SSSS:BB:DD.F/{config, resource, vendor,
 * device, class, revision, irq, subsystem_vendor, subsystem_device}.
 * Returns 0, or -1 with msg filled (naming the path).
 */
int export_sysfs(struct session *s, const char *outdir, char *msg,
		 size_t msg_len);

/* The summary of `vpci-harness stats`. */
void stats_print(const struct session *s, FILE *out);

/*
 * Progress of a long operation on stderr, only when stderr is a terminal:
 * "WHAT: DONE/TOTAL", rewritten in place, erased at the end.
 */
struct progress {
	const char *what;
	size_t total;
	int on;
};

void progress_start(struct progress *p, const char *what, size_t total);
void progress_step(struct progress *p, size_t done);
void progress_end(struct progress *p);

#endif /* HARNESS_OUTPUT_H */
