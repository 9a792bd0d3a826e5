/* SPDX-License-Identifier: MIT */
/*
 * Taking a capture: copy a machine's /sys/bus/pci (or any directory shaped
 * like it) into a capture directory that topology_load() and real
 * `lspci -A linux-sysfs -O sysfs.path=OUTDIR` both read.
 */
#ifndef HARNESS_CAPTURE_LIVE_H
#define HARNESS_CAPTURE_LIVE_H

#include <stdio.h>

#include "topology.h"

#define CAPTURE_LIVE_SYSFS "/sys/bus/pci"

/*
 * Copy every function's config (as much as the kernel lets us read: 4096
 * bytes as root, 64 otherwise), resource, vendor, device, class, revision,
 * irq, subsystem_vendor and subsystem_device into
 * OUTDIR/devices/SSSS:BB:DD.F/, creating directories as needed.
 *
 * sysfs_dir NULL or CAPTURE_LIVE_SYSFS: the live host, enumerated through
 * libpciaccess, whose BAR sizes, 64-bit and prefetchable flags are
 * cross-checked against each resource file (a mismatch is a warning line on
 * stderr). Any other directory (a capture, a copied sysfs) is listed
 * directly. progress (may be NULL) gets one line per function and a
 * summary. The result is loaded back once to prove it reads.
 *
 * Returns 0, or -1 with err set: no functions found, unreadable config or
 * resource, an output file that cannot be written.
 */
int capture_live(const char *sysfs_dir, const char *outdir,
		 struct topo_error *err, FILE *progress);

#endif /* HARNESS_CAPTURE_LIVE_H */
