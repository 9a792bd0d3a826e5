/* SPDX-License-Identifier: MIT */
/*
 * Copying one function's sysfs directory into a capture (capture_copy.c),
 * for capture_live.c: config (as much as is readable), the text files
 * lspci's sysfs back end reads, the optional ones, and the links a reader
 * needs, re-pointed inside the capture.
 */
#ifndef VPCI_HARNESS_CAPTURE_COPY_H
#define VPCI_HARNESS_CAPTURE_COPY_H

#include <stddef.h>

#include "topology.h"

struct capture_stats {
	size_t nr_fns, nr_partial;
	size_t by_len[3]; /* config files of 64, 256, 4096 bytes */
};

/* Copy SRC/devices/NAME to OUTDIR/devices/NAME. -1 with err set. */
int capture_copy_fn(const char *src, const char *outdir, const char *name,
		    struct capture_stats *stats, struct topo_error *err);
/* out = "a/b" or "a/b/c" (c may be NULL), at most PATH_MAX; -1 with err
 * set if longer. */
int capture_path_join(char *out, struct topo_error *err, const char *a,
		      const char *b, const char *c);
/* mkdir -p. -1 with err set. */
int capture_mkdir_p(const char *dir, struct topo_error *err);

#endif /* VPCI_HARNESS_CAPTURE_COPY_H */
