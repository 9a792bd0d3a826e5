/* SPDX-License-Identifier: MIT */
/*
 * Taking a capture: copy a machine's /sys/bus/pci (or any directory shaped
 * like it) into a capture directory that topology_load() and real
 * `lspci -A linux-sysfs -O sysfs.path=OUTDIR` both read.
 */
#ifndef HARNESS_CAPTURE_LIVE_H
#define HARNESS_CAPTURE_LIVE_H

#include <stdbool.h>
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

/*
 * The same with the command's options. Also copies what a reader needs
 * beside config: numa_node, sriov_* files and the driver, iommu_group,
 * physfn and virtfnN links (same targets). An existing OUTDIR must be
 * empty unless force. When some config spaces could be read only in part
 * (not root), fails saying so unless allow_partial, which makes it a
 * warning on stderr. progress (NULL: none) gets "capture: N/M" rewritten
 * in place and a summary; capture_live() is this with neither flag.
 */
struct capture_options {
	const char *sysfs_dir;
	bool force, allow_partial;
	FILE *progress;
};
int capture_run(const struct capture_options *opt, const char *outdir,
		struct topo_error *err);

#endif /* HARNESS_CAPTURE_LIVE_H */
