/* SPDX-License-Identifier: MIT */
/*
 * A scriptable fake platform for tests, benchmarks and fuzzers: functions
 * with config bytes and QEMU-style per-byte write masks, a record of every
 * physical access and map/unmap call, an allocator that counts and can be
 * told to fail, and a log sink that keeps the last line.
 */
#ifndef TESTS_FAKE_PLATFORM_H
#define TESTS_FAKE_PLATFORM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vpci/vpci.h"

struct fake_fn {
	vpci_sbdf_t sbdf;
	uint8_t cfg[4096];
	uint8_t wmask[4096];   /* 1 bits: writable */
	uint8_t w1cmask[4096]; /* 1 bits: write-1-to-clear */
};

struct fake_access {
	bool write;
	vpci_sbdf_t sbdf;
	unsigned int reg;
	unsigned int size;
	uint32_t val;
};

struct fake_map_call {
	bool unmap;
	uint32_t domid;
	uint64_t gfn;
	uint64_t mfn;
	uint64_t nr_frames; /* frames actually done by this call */
};

struct fake_platform {
	struct vpci_platform_ops ops;

	struct fake_fn **fns;
	size_t nr_fns;

	bool record_accesses;
	struct fake_access *accesses;
	size_t nr_accesses;

	struct fake_map_call *map_calls;
	size_t nr_map_calls;
	/* Frames one map/unmap call may do before asking to be resumed
	 * (0: no limit). */
	uint64_t map_budget_frames;
	int map_error; /* returned by map when non-zero */

	long live_allocs;
	long allocs_until_failure; /* -1: never fail */

	unsigned int nr_logs;
	char last_log[256];
	bool echo_logs; /* also print to stderr */
};

void fake_platform_init(struct fake_platform *fp);
/* Frees everything the fake owns (not what the core leaked). */
void fake_platform_fini(struct fake_platform *fp);
/* A function with all-zero config and nothing writable. */
struct fake_fn *fake_fn_add(struct fake_platform *fp, vpci_sbdf_t sbdf);
struct fake_fn *fake_fn_find(struct fake_platform *fp, vpci_sbdf_t sbdf);
/* Set (little-endian) bytes of the function's config and write masks. */
void fake_fn_set(struct fake_fn *fn, unsigned int reg, unsigned int size,
		 uint32_t val);
void fake_fn_set_wmask(struct fake_fn *fn, unsigned int reg,
		       unsigned int size, uint32_t mask);
void fake_fn_set_w1cmask(struct fake_fn *fn, unsigned int reg,
			 unsigned int size, uint32_t mask);
uint32_t fake_fn_get(const struct fake_fn *fn, unsigned int reg,
		     unsigned int size);
void fake_clear_records(struct fake_platform *fp);

#endif /* TESTS_FAKE_PLATFORM_H */
