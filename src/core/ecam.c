/* SPDX-License-Identifier: MIT */
/*
 * ECAM: a domain's guest-physical config windows and the decode of an MMIO
 * access into (sbdf, reg). Windows are few (a fixed small array); the
 * device behind an address is found through the domain's O(1) view.
 */
#include "dispatch.h"

#define ECAM_BUS_SHIFT 20
#define ECAM_FN_SHIFT 12

/* The last byte of a window: base + size may be 2^64, which wraps. */
static uint64_t window_last(const struct vpci_ecam_window *w)
{
	return w->base + (w->size_bytes - 1u);
}

static bool windows_clash(const struct vpci_ecam_window *a,
			  const struct vpci_ecam_window *b)
{
	/* Inclusive ends, so a window ending at 2^64 compares right. */
	bool gpa = a->base <= window_last(b) && b->base <= window_last(a);
	bool buses = a->segment == b->segment && a->bus_first <= b->bus_last &&
		     b->bus_first <= a->bus_last;

	return gpa || buses;
}

static int refuse(const char **reason, const char *why, int rc)
{
	if (reason)
		*reason = why;
	return rc;
}

int vpci_domain_add_ecam(struct vpci_domain *dom, uint64_t gpa_base,
			 uint16_t segment, uint8_t bus_first, uint8_t bus_last,
			 const char **reason)
{
	struct vpci_ecam_window w = {
		.base = gpa_base,
		.size_bytes = (uint64_t)(bus_last - bus_first + 1)
			      << ECAM_BUS_SHIFT,
		.sbdf_first = VPCI_SBDF(segment, bus_first, 0, 0),
		.segment = segment,
		.bus_first = bus_first,
		.bus_last = bus_last,
	};
	const char *why = NULL;
	unsigned int i;
	int rc = 0;

	if (reason)
		*reason = NULL;
	if (!dom)
		return refuse(reason, "no domain given", VPCI_EINVAL);
	if (bus_first > bus_last)
		return refuse(reason, "the first bus is after the last one",
			      VPCI_EINVAL);
	if (gpa_base & ((1ull << ECAM_BUS_SHIFT) - 1))
		return refuse(reason, "the window base is not 1 MiB aligned",
			      VPCI_EINVAL);
	if (gpa_base > UINT64_MAX - (w.size_bytes - 1u))
		return refuse(reason, "the window would end past the top of "
				      "the address space",
			      VPCI_ERANGE);
	vpci_lock(dom->host);
	if (!vpci_domain_has_bridge(dom)) {
		rc = VPCI_EMODE;
		why = "the domain has no emulated host bridge "
		      "(VPCI_DOMAIN_F_HOST_BRIDGE), so no ECAM window";
	}
	for (i = 0; i < dom->nr_ecam && !rc; i++) {
		const struct vpci_ecam_window *o = &dom->ecam[i];

		if (o->base <= window_last(&w) && w.base <= window_last(o)) {
			rc = VPCI_EEXIST;
			why = "the window overlaps the addresses of another "
			      "window of the domain";
		} else if (windows_clash(o, &w)) {
			rc = VPCI_EEXIST;
			why = "another window of the domain already covers "
			      "some of these buses of the segment";
		}
	}
	if (!rc && dom->nr_ecam == VPCI_MAX_ECAM_WINDOWS) {
		rc = VPCI_ENOSPC;
		why = "the domain already has the maximum of 16 ECAM windows";
	}
	if (!rc) {
		dom->ecam[dom->nr_ecam++] = w;
		dom->info.nr_ecam_windows = dom->nr_ecam;
	}
	vpci_unlock(dom->host);
	return rc ? refuse(reason, why, rc) : 0;
}

/*
 * Decode gpa into sbdf and reg. Returns 0 inside a window, VPCI_ENOENT
 * outside every window. One unsigned compare per window (below the base,
 * the offset wraps past the size); bits 12-27 of the offset are bus and
 * devfn, the low 16 bits of an SBDF, which never carry into the segment
 * (the window ends at bus 255). A window's base is 1 MiB aligned, so the
 * register is gpa's low 12 bits: taken from gpa, the fast path's
 * alignment check on gpa already tells the compiler it is aligned.
 */
static inline __attribute__((always_inline)) int
ecam_decode(const struct vpci_domain *dom, uint64_t gpa, vpci_sbdf_t *sbdf,
	    unsigned int *reg)
{
	const struct vpci_ecam_window *w = dom->ecam,
				      *end = dom->ecam + dom->nr_ecam;
	uint64_t off = gpa - w->base;

	/* The first window without the loop: most domains have one (with
	 * none, its size is 0 and nothing is inside). */
	if (__builtin_expect(off < w->size_bytes, 1)) {
		*sbdf = w->sbdf_first + (vpci_sbdf_t)(off >> ECAM_FN_SHIFT);
		*reg = (unsigned int)gpa & (VPCI_CFG_SPACE_SIZE - 1);
		return 0;
	}
	for (w++; w < end; w++) {
		off = gpa - w->base;
		if (off >= w->size_bytes)
			continue;
		*sbdf = w->sbdf_first + (vpci_sbdf_t)(off >> ECAM_FN_SHIFT);
		*reg = (unsigned int)off & (VPCI_CFG_SPACE_SIZE - 1);
		return 0;
	}
	return VPCI_ENOENT;
}

static bool ecam_size_ok(uint64_t gpa, unsigned int size)
{
	return (size == 1 || size == 2 || size == 4 || size == 8) &&
	       !(gpa & (size - 1));
}

static __attribute__((noinline)) int
ecam_read(struct vpci_domain *dom, uint64_t gpa, unsigned int size,
	  uint64_t *val, uint64_t *token)
{
	vpci_sbdf_t sbdf;
	unsigned int reg;
	uint32_t narrow;
	int rc;

	*val = size >= 8 ? UINT64_MAX : vpci_size_mask(size);
	if (ecam_decode(dom, gpa, &sbdf, &reg))
		return VPCI_ENOENT;
	/* Misaligned or odd sizes: all-ones, like a master abort. */
	if (!ecam_size_ok(gpa, size))
		return 0;
	if (size == 8)
		return vpci_config_access8(dom, sbdf, reg, false, val, token);
	rc = vpci_config_read(dom, sbdf, reg, size, &narrow, token);
	*val = narrow;
	return rc;
}

static __attribute__((noinline)) int
ecam_write(struct vpci_domain *dom, uint64_t gpa, unsigned int size,
	   uint64_t val, uint64_t *token)
{
	vpci_sbdf_t sbdf;
	unsigned int reg;

	if (ecam_decode(dom, gpa, &sbdf, &reg))
		return VPCI_ENOENT;
	if (!ecam_size_ok(gpa, size))
		return 0;
	if (size == 8)
		return vpci_config_access8(dom, sbdf, reg, true, &val, token);
	return vpci_config_write(dom, sbdf, reg, size, (uint32_t)val, token);
}

int vpci_ecam_read_async(struct vpci_domain *dom, uint64_t gpa,
			 unsigned int size, uint64_t *val, uint64_t *token)
{
	return ecam_read(dom, gpa, size, val, token);
}

int vpci_ecam_write_async(struct vpci_domain *dom, uint64_t gpa,
			  unsigned int size, uint64_t val, uint64_t *token)
{
	return ecam_write(dom, gpa, size, val, token);
}

/* For callers that cannot wait: a pending answer is given up on. */
static int ecam_settle(struct vpci_domain *dom, int rc, uint64_t token,
		       uint64_t *val, unsigned int size)
{
	if (__builtin_expect(!rc, 1))
		return 0;
	if (rc == VPCI_EPENDING) {
		vpci_lock(dom->host);
		vpci_emu_cancel(dom, token);
		vpci_log(dom->host, VPCI_LOG_WARN,
			 "ECAM access: the emulator answered later, but this "
			 "access cannot wait (use vpci_ecam_*_async): "
			 "cancelled");
		vpci_unlock(dom->host);
	}
	if (rc == VPCI_EPENDING || rc == VPCI_EBUSY) {
		if (val)
			*val = size >= 8 ? UINT64_MAX : vpci_size_mask(size);
		return 0;
	}
	return rc;
}

/* What vpci_ecam_read/write do when the fast path does not apply: out of
 * line, so that the fast path's frame stays small. */
static __attribute__((noinline)) int
ecam_read_waitless(struct vpci_domain *dom, uint64_t gpa, unsigned int size,
		   uint64_t *val)
{
	uint64_t token = 0;

	return ecam_settle(dom, ecam_read(dom, gpa, size, val, &token), token,
			   val, size);
}

static __attribute__((noinline)) int
ecam_write_waitless(struct vpci_domain *dom, uint64_t gpa, unsigned int size,
		    uint64_t val)
{
	uint64_t token = 0;

	return ecam_settle(dom, ecam_write(dom, gpa, size, val, &token), token,
			   NULL, size);
}

int vpci_ecam_read(struct vpci_domain *dom, uint64_t gpa, unsigned int size,
		   uint64_t *val)
{
	vpci_sbdf_t sbdf;
	unsigned int reg;
	uint32_t narrow;

	/* The commonest access first: an aligned dword, inlined (its
	 * register is then aligned and inside config space). */
	if (size == 4u && !(gpa & 3u)) {
		if (vpci_domain_has_bridge(dom) &&
		    !ecam_decode(dom, gpa, &sbdf, &reg) &&
		    vpci_direct_read_dword(dom, sbdf, reg, &narrow)) {
			*val = narrow;
			return 0;
		}
		return ecam_read_waitless(dom, gpa, 4, val);
	}
	return ecam_read_waitless(dom, gpa, size, val);
}

int vpci_ecam_write(struct vpci_domain *dom, uint64_t gpa, unsigned int size,
		    uint64_t val)
{
	vpci_sbdf_t sbdf;
	unsigned int reg;

	if (size == 4u && !(gpa & 3u)) {
		if (vpci_domain_has_bridge(dom) &&
		    !ecam_decode(dom, gpa, &sbdf, &reg) &&
		    vpci_direct_write_dword(dom, sbdf, reg, (uint32_t)val))
			return 0;
		return ecam_write_waitless(dom, gpa, 4, val);
	}
	return ecam_write_waitless(dom, gpa, size, val);
}
