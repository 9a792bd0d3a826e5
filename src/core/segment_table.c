/* SPDX-License-Identifier: MIT */
/*
 * Per-segment tables (segment_table.h): the sorted array behind SBDF maps
 * and SBDF sets, grown by doubling, never shrunk until destroyed.
 */
#include "internal.h"

void vpci_seg_table_init(struct vpci_seg_table *t, struct vpci_host *host)
{
	__builtin_memset(t, 0, sizeof(*t));
	t->host = host;
}

void vpci_seg_table_destroy(struct vpci_seg_table *t)
{
	size_t i;

	for (i = 0; i < t->nr; i++)
		vpci_free(t->host, t->segs[i]);
	vpci_free(t->host, t->segs);
	vpci_seg_table_init(t, t->host);
}

size_t vpci_seg_table_position(const struct vpci_seg_table *t, uint16_t seg)
{
	size_t lo = 0, hi = t->nr;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (t->segs[mid]->seg < seg)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

struct vpci_seg_head *vpci_seg_table_search(const struct vpci_seg_table *t,
					    uint16_t seg)
{
	size_t i = vpci_seg_table_position(t, seg);

	return i < t->nr && t->segs[i]->seg == seg ? t->segs[i] : NULL;
}

struct vpci_seg_head *vpci_seg_table_get(struct vpci_seg_table *t,
					 uint16_t seg, size_t size_bytes)
{
	size_t i;
	struct vpci_seg_head *s;

	if (t->only && t->only->seg == seg) /* every add, on most machines */
		return t->only;
	i = vpci_seg_table_position(t, seg);
	if (i < t->nr && t->segs[i]->seg == seg)
		return t->segs[i];
	if (t->nr == t->capacity) {
		size_t cap = t->capacity ? t->capacity * 2 : 4;
		struct vpci_seg_head **segs =
			vpci_zalloc(t->host, cap * sizeof(*segs));

		if (!segs)
			return NULL;
		if (t->nr)
			__builtin_memcpy(segs, t->segs, t->nr * sizeof(*segs));
		vpci_free(t->host, t->segs);
		t->segs = segs;
		t->capacity = cap;
	}
	s = vpci_zalloc(t->host, size_bytes);
	if (!s)
		return NULL;
	s->seg = seg;
	__builtin_memmove(&t->segs[i + 1], &t->segs[i],
			  (t->nr - i) * sizeof(t->segs[0]));
	t->segs[i] = s;
	t->nr++;
	t->only = t->nr == 1 ? s : NULL;
	return s;
}

void vpci_seg_table_drop(struct vpci_seg_table *t, struct vpci_seg_head *s)
{
	size_t i = vpci_seg_table_position(t, s->seg);

	__builtin_memmove(&t->segs[i], &t->segs[i + 1],
			  (t->nr - i - 1) * sizeof(t->segs[0]));
	t->nr--;
	t->only = t->nr == 1 ? t->segs[0] : NULL;
	vpci_free(t->host, s);
}
