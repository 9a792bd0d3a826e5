/* SPDX-License-Identifier: MIT */
/*
 * A fake of the Xen facilities ports/xen/ is written against (the stub
 * headers in ports/xen/stubs): PCI functions with config bytes and write
 * masks, a p2m per domain that preempts after a budget of frames, a
 * counting allocator, locks that catch recursion and imbalance, printk
 * into a buffer, and a settable current vCPU. Hosted code, test only.
 */
#ifndef TESTS_FAKE_XEN_H
#define TESTS_FAKE_XEN_H

#include "xen/pci.h"
#include "xen/sched.h"
#include "xen/types.h"

#define FAKE_XEN_MAX_FNS  8
#define FAKE_XEN_MAX_RUNS 64

struct fake_xen_fn {
	uint32_t sbdf;
	uint8_t cfg[4096];
	uint8_t wmask[4096];
};

/* One mapped run of a domain's p2m: gfn.. -> mfn.. for nr frames. */
struct fake_xen_run {
	domid_t domid;
	unsigned long gfn;
	unsigned long mfn;
	unsigned long nr;
};

struct fake_xen {
	struct fake_xen_fn fns[FAKE_XEN_MAX_FNS];
	unsigned int nr_fns;
	/* p2m: frames per map/unmap call before it asks to be preempted */
	unsigned long p2m_budget;
	struct fake_xen_run runs[FAKE_XEN_MAX_RUNS];
	unsigned int nr_runs;
	unsigned int p2m_calls;
	unsigned int p2m_preemptions;
	unsigned int p2m_violations; /* map of mapped, unmap of unmapped */
	long live_allocs;
	int locks_held;		  /* spinlocks held now */
	unsigned int lock_errors; /* recursion, unlock of a free lock... */
	char last_log[256];
	unsigned int nr_logs;
	struct vcpu *current_vcpu;
};

extern struct fake_xen fake_xen;

void fake_xen_reset(void);
/* A type 0 function with vendor/device id and a 32-bit memory BAR0 of
 * bar_size bytes at bar_addr (command and BAR0 writable). */
struct fake_xen_fn *fake_xen_add_fn(uint32_t sbdf, uint32_t id,
				    uint32_t bar_size, uint32_t bar_addr);
/* Frames of domid's p2m mapped, and where gfn goes (false: nowhere). */
unsigned long fake_xen_mapped_frames(domid_t domid);
bool fake_xen_lookup(domid_t domid, unsigned long gfn, unsigned long *mfn);

#endif /* TESTS_FAKE_XEN_H */
