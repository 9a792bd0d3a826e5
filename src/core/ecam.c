/* SPDX-License-Identifier: MIT */
/*
 * ECAM: a domain's guest-physical config windows and the decode of an MMIO
 * access into (sbdf, reg). Windows are few (a fixed small array); the
 * device behind an address is found through the domain's O(1) view.
 */
#include "internal.h"

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

int vpci_domain_add_ecam(struct vpci_domain *dom, uint64_t gpa_base,
			 uint16_t segment, uint8_t bus_first, uint8_t bus_last)
{
	struct vpci_ecam_window w = {
		.base = gpa_base,
		.size_bytes = (uint64_t)(bus_last - bus_first + 1)
			      << ECAM_BUS_SHIFT,
		.segment = segment,
		.bus_first = bus_first,
		.bus_last = bus_last,
	};
	unsigned int i;
	int rc = 0;

	if (bus_first > bus_last ||
	    (gpa_base & ((1ull << ECAM_BUS_SHIFT) - 1)) ||
	    gpa_base > UINT64_MAX - (w.size_bytes - 1u))
		return VPCI_EINVAL;
	vpci_lock(dom->host);
	for (i = 0; i < dom->nr_ecam && !rc; i++)
		if (windows_clash(&dom->ecam[i], &w))
			rc = VPCI_EEXIST;
	if (!rc && dom->nr_ecam == VPCI_MAX_ECAM_WINDOWS)
		rc = VPCI_ENOSPC;
	if (!rc)
		dom->ecam[dom->nr_ecam++] = w;
	vpci_unlock(dom->host);
	return rc;
}

/*
 * Decode gpa into sbdf and reg. Returns 0 inside a window, VPCI_ENOENT
 * outside every window.
 */
static int ecam_decode(const struct vpci_domain *dom, uint64_t gpa,
		       vpci_sbdf_t *sbdf, unsigned int *reg)
{
	unsigned int i;

	for (i = 0; i < dom->nr_ecam; i++) {
		const struct vpci_ecam_window *w = &dom->ecam[i];
		uint64_t off = gpa - w->base;

		if (gpa < w->base || off >= w->size_bytes)
			continue;
		*sbdf = VPCI_SBDF(w->segment,
				  w->bus_first + (off >> ECAM_BUS_SHIFT),
				  0, 0) |
			(vpci_sbdf_t)((off >> ECAM_FN_SHIFT) & 0xffu);
		*reg = (unsigned int)(off & (VPCI_CFG_SPACE_SIZE - 1));
		return 0;
	}
	return VPCI_ENOENT;
}

static bool ecam_size_ok(uint64_t gpa, unsigned int size)
{
	return (size == 1 || size == 2 || size == 4 || size == 8) &&
	       !(gpa & (size - 1));
}

int vpci_ecam_read(struct vpci_domain *dom, uint64_t gpa, unsigned int size,
		   uint64_t *val)
{
	vpci_sbdf_t sbdf;
	unsigned int reg;

	*val = size >= 8 ? UINT64_MAX : vpci_size_mask(size);
	if (ecam_decode(dom, gpa, &sbdf, &reg))
		return VPCI_ENOENT;
	/* Misaligned or odd sizes: all-ones, like a master abort. */
	if (!ecam_size_ok(gpa, size))
		return 0;
	if (size == 8) {
		*val = vpci_read(dom, sbdf, reg, 4) |
		       ((uint64_t)vpci_read(dom, sbdf, reg + 4, 4) << 32);
		return 0;
	}
	*val = vpci_read(dom, sbdf, reg, size);
	return 0;
}

int vpci_ecam_write(struct vpci_domain *dom, uint64_t gpa, unsigned int size,
		    uint64_t val)
{
	vpci_sbdf_t sbdf;
	unsigned int reg;

	if (ecam_decode(dom, gpa, &sbdf, &reg))
		return VPCI_ENOENT;
	if (!ecam_size_ok(gpa, size))
		return 0;
	if (size == 8) {
		vpci_write(dom, sbdf, reg, 4, (uint32_t)val);
		vpci_write(dom, sbdf, reg + 4, 4, (uint32_t)(val >> 32));
		return 0;
	}
	vpci_write(dom, sbdf, reg, size, (uint32_t)val);
	return 0;
}
