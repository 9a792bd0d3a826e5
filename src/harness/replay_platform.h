/* SPDX-License-Identifier: MIT */
/*
 * The harness as a libvpci platform: physical config space is the hardware
 * model of a loaded topology, memory comes from libc, log lines go to
 * stderr, and map/unmap requests are counted and, when tracing, printed as
 * "map GFN MFN NR" / "unmap GFN MFN NR" lines. It never refuses or
 * preempts a mapping: the replay shows what the core asks for. Interrupt
 * bindings are accepted and traced as "msi SBDF VECTOR ADDRESS DATA" /
 * "msi-off SBDF VECTOR"; device memory (MMIO the core passes through in
 * MSI-X frames) reads 0 and ignores writes, as a capture has none.
 */
#ifndef HARNESS_REPLAY_PLATFORM_H
#define HARNESS_REPLAY_PLATFORM_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "hwmodel.h"
#include "vpci/platform.h"

/*
 * Optional observer of what the core asks the platform to do, for a
 * program that acts on it (the VMM in tools/vmm turns map calls into KVM
 * memory slots). Called after the counting and tracing, with the same
 * arguments the hook got; a NULL member is skipped.
 */
struct replay_listener {
	void (*map)(void *arg, bool map, uint32_t domid, uint64_t gfn,
		    uint64_t mfn, uint64_t nr_frames,
		    const struct vpci_map_desc *desc);
	void (*msi_update)(void *arg, uint32_t domid, vpci_sbdf_t sbdf,
			   unsigned int vector, const struct vpci_msi_msg *msg);
	void (*msi_disable)(void *arg, uint32_t domid, vpci_sbdf_t sbdf,
			    unsigned int vector);
};

struct replay_platform {
	struct hwmodel *hw;
	const struct replay_listener *listener; /* NULL: nobody listens */
	void *listener_arg;
	FILE *trace_out;	/* NULL: tracing off */
	uint32_t trace_domid;	/* only this domain's events are printed */
	const char *log_prefix; /* "vpci-harness" in front of core log lines */
	enum vpci_log_level log_level; /* print core lines up to this level */
	uint64_t nr_map_calls, nr_unmap_calls;
	uint64_t nr_frames_mapped, nr_frames_unmapped;
	uint64_t nr_msi_updates, nr_msi_disables;
};

/* The ops table; pass a struct replay_platform as ctx. */
extern const struct vpci_platform_ops replay_platform_ops;

/* Zero rp and point it at hw; tracing and logging set by the caller. */
void replay_platform_init(struct replay_platform *rp, struct hwmodel *hw);

#endif /* HARNESS_REPLAY_PLATFORM_H */
