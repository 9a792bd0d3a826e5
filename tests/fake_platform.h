/* SPDX-License-Identifier: MIT */
/*
 * A scriptable fake platform for tests, benchmarks and fuzzers: functions
 * with config bytes and QEMU-style per-byte write masks, a record of every
 * physical access and map/unmap call, an allocator that counts and can be
 * told to fail, and a log sink that keeps the last line. It also models
 * every domain's physmap, so tests can ask what is mapped where, and it
 * counts (as violations) a map of a mapped frame and an unmap of a frame
 * that is not mapped, or not to that mfn.
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
	uint64_t seq; /* order among accesses and map calls */
};

struct fake_map_call {
	bool unmap;
	uint32_t domid;
	uint64_t gfn;
	uint64_t mfn;
	uint64_t nr_frames; /* frames actually done by this call */
	uint64_t seq;       /* order among accesses and map calls */
	struct vpci_map_desc desc; /* what the core said the call is for */
};

/* A run of a domain's physmap: gfn .. gfn + nr - 1 -> mfn .. */
struct fake_mapping {
	uint32_t domid;
	uint64_t gfn;
	uint64_t mfn;
	uint64_t nr;
};

/* fake_fn_set_bar() flag, not a hardware bit: an I/O BAR decoding only 16
 * bits (its upper half reads 0). */
#define FAKE_BAR_IO16 (1u << 8)

/* One msi_update (off false) or msi_disable (off true) call. */
struct fake_irq_call {
	bool off;
	uint32_t domid;
	vpci_sbdf_t sbdf;
	unsigned int vector;
	uint64_t addr;
	uint32_t data;
};

/* One mmio_read / mmio_write call. */
struct fake_mmio_call {
	bool write;
	uint64_t maddr;
	unsigned int size;
	uint64_t val;
};

#define FAKE_MAX_IRQ_CALLS 2048
#define FAKE_MAX_MMIO_CALLS 64
/* What fake mmio_read returns at maddr (before truncation to the size). */
#define FAKE_MMIO_PATTERN(maddr) ((maddr) ^ 0xa5a5a5a5a5a5a5a5ull)

struct fake_platform {
	struct vpci_platform_ops ops;

	struct fake_fn **fns;
	size_t nr_fns;
	struct fake_fn **fn_hash; /* open addressing on sbdf */
	size_t fn_hash_size;
	struct fake_fn *last_fn; /* fake_fn_find()'s one-entry cache */
	uint64_t seq;

	bool record_accesses;
	struct fake_access *accesses;
	size_t nr_accesses;

	struct fake_map_call *map_calls;
	size_t nr_map_calls;
	/* Frames one map/unmap call may do before asking to be resumed
	 * (0: no limit). */
	uint64_t map_budget_frames;
	int map_error; /* returned by map when non-zero */
	/* Map calls (not unmap) succeed for this many more frames, then fail
	 * with map_fail_error after doing what was left (-1: never). */
	int64_t map_fail_after_frames;
	int map_fail_error;

	/* The physmap model: sorted by (domid, gfn), disjoint, maximal. */
	bool track_mappings; /* on by default */
	struct fake_mapping *mappings;
	size_t nr_mappings;
	size_t cap_mappings;
	unsigned int map_violations;
	char last_violation[160];

	long live_allocs;
	size_t live_bytes; /* heap the core holds (malloc_usable_size) */
	long allocs_until_failure; /* -1: never fail */
	/* Fault injection by call number (counted from 0 since init): that
	 * one call alone fails (-1: none). Counters count every call. */
	long fail_alloc_at;
	long fail_map_at;   /* map: fails with VPCI_EIO, nothing done */
	long fail_unmap_at; /* unmap: fails with VPCI_EIO, nothing done */
	long nr_alloc_calls;
	long nr_map_attempts;
	long nr_unmap_attempts;

	unsigned int nr_logs;
	char last_log[256];
	char log_ring[16][256]; /* the last 16 lines, for fake_log_contains */
	bool echo_logs; /* also print to stderr */

	/* Interrupt and MMIO hooks, once fake_enable_irq_hooks() ran. */
	struct fake_irq_call irq_calls[FAKE_MAX_IRQ_CALLS];
	size_t nr_irq_calls;
	int msi_update_error; /* returned by msi_update when non-zero */
	struct fake_mmio_call mmio_calls[FAKE_MAX_MMIO_CALLS];
	size_t nr_mmio_calls;
};

/* Give the fake msi_update/msi_disable and mmio_read/mmio_write hooks that
 * record their calls (call before vpci_host_create()). */
void fake_enable_irq_hooks(struct fake_platform *fp);

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

/* Identity, header type and real-hardware write masks for the command,
 * status (RW1C), cache line, latency and interrupt line registers. */
void fake_fn_set_header(struct fake_fn *fn, uint16_t vendor, uint16_t device,
			uint8_t header_type);
/*
 * BAR idx (0-5) as hardware implements it: size bytes (a power of two; 0:
 * unimplemented), flags its read-only low bits (VPCI_BAR_SPACE_IO, or
 * VPCI_BAR_MEM_TYPE_64 / VPCI_BAR_MEM_PREFETCH; FAKE_BAR_IO16), address
 * bits writable, address 0. A 64-bit BAR takes slot idx + 1 too.
 */
void fake_fn_set_bar(struct fake_fn *fn, unsigned int idx, uint64_t size,
		     uint32_t flags);
/* Program BAR idx's address bits (both halves of a 64-bit BAR). */
void fake_fn_set_bar_addr(struct fake_fn *fn, unsigned int idx, uint64_t addr);
/* An expansion ROM at reg (0x30 or 0x38) of size bytes, at addr. */
void fake_fn_set_rom(struct fake_fn *fn, unsigned int reg, uint32_t size,
		     uint32_t addr, bool enable);

/* True if one of the last 16 log lines contains needle. */
bool fake_log_contains(const struct fake_platform *fp, const char *needle);

/* Frames domid has mapped, and where gfn is mapped (false: not mapped). */
uint64_t fake_mapped_frames(const struct fake_platform *fp, uint32_t domid);
bool fake_mapped_mfn(const struct fake_platform *fp, uint32_t domid,
		     uint64_t gfn, uint64_t *mfn);
/* Is a host frame of [first, last] mapped into domid now (at any gfn), or
 * did any map call so far ever give domid one? */
bool fake_host_frame_mapped(const struct fake_platform *fp, uint32_t domid,
			    uint64_t first, uint64_t last);
bool fake_host_frame_ever_mapped(const struct fake_platform *fp, uint32_t domid,
				 uint64_t first, uint64_t last);

#endif /* TESTS_FAKE_PLATFORM_H */
