/* SPDX-License-Identifier: MIT */
/*
 * Sets of SBDFs (hidden, read-only): a bitmap per segment in use. The
 * bitmaps are 8 KiB each and few (one per PCI segment), so membership is a
 * binary search over segments and a bit test.
 */
#include "internal.h"

void vpci_devset_init(struct vpci_devset *set, struct vpci_host *host)
{
	__builtin_memset(set, 0, sizeof(*set));
	set->host = host;
}

void vpci_devset_destroy(struct vpci_devset *set)
{
	size_t i;

	for (i = 0; i < set->nr; i++)
		vpci_free(set->host, set->segs[i]);
	vpci_free(set->host, set->segs);
	vpci_devset_init(set, set->host);
}

static size_t seg_position(const struct vpci_devset *set, uint16_t seg)
{
	size_t lo = 0, hi = set->nr;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (set->segs[mid]->seg < seg)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static struct vpci_devset_seg *seg_find(const struct vpci_devset *set,
					uint16_t seg)
{
	size_t i = seg_position(set, seg);

	return i < set->nr && set->segs[i]->seg == seg ? set->segs[i] : NULL;
}

int vpci_devset_reserve(struct vpci_devset *set, uint16_t seg)
{
	size_t i = seg_position(set, seg);
	struct vpci_devset_seg *s;

	if (i < set->nr && set->segs[i]->seg == seg)
		return 0;
	if (set->nr == set->capacity) {
		size_t cap = set->capacity ? set->capacity * 2 : 2;
		struct vpci_devset_seg **segs =
			vpci_zalloc(set->host, cap * sizeof(*segs));

		if (!segs)
			return VPCI_ENOMEM;
		if (set->nr)
			__builtin_memcpy(segs, set->segs,
					 set->nr * sizeof(*segs));
		vpci_free(set->host, set->segs);
		set->segs = segs;
		set->capacity = cap;
	}
	s = vpci_zalloc(set->host, sizeof(*s));
	if (!s)
		return VPCI_ENOMEM;
	s->seg = seg;
	__builtin_memmove(&set->segs[i + 1], &set->segs[i],
			  (set->nr - i) * sizeof(set->segs[0]));
	set->segs[i] = s;
	set->nr++;
	return 0;
}

int vpci_devset_add(struct vpci_devset *set, vpci_sbdf_t sbdf)
{
	uint16_t bdf = VPCI_SBDF_BDF(sbdf);
	int rc = vpci_devset_reserve(set, VPCI_SBDF_SEG(sbdf));

	if (rc)
		return rc;
	seg_find(set, VPCI_SBDF_SEG(sbdf))->bits[bdf / 64u] |= 1ull
							       << (bdf % 64u);
	return 0;
}

void vpci_devset_remove(struct vpci_devset *set, vpci_sbdf_t sbdf)
{
	struct vpci_devset_seg *s = seg_find(set, VPCI_SBDF_SEG(sbdf));
	uint16_t bdf = VPCI_SBDF_BDF(sbdf);

	if (s)
		s->bits[bdf / 64u] &= ~(1ull << (bdf % 64u));
}

bool vpci_devset_contains(const struct vpci_devset *set, vpci_sbdf_t sbdf)
{
	const struct vpci_devset_seg *s;
	uint16_t bdf = VPCI_SBDF_BDF(sbdf);

	if (!set->nr)
		return false; /* the common case: nothing hidden */
	s = seg_find(set, VPCI_SBDF_SEG(sbdf));
	return s && (s->bits[bdf / 64u] >> (bdf % 64u) & 1u);
}

bool vpci_devset_slot_any(const struct vpci_devset *set, vpci_sbdf_t sbdf)
{
	const struct vpci_devset_seg *s;
	uint16_t first = (uint16_t)(VPCI_SBDF_BDF(sbdf) & ~7u);

	if (!set->nr)
		return false;
	s = seg_find(set, VPCI_SBDF_SEG(sbdf));
	/* The 8 functions of a slot share one byte of the bitmap. */
	return s && ((s->bits[first / 64u] >> (first % 64u)) & 0xffu);
}
