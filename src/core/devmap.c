/* SPDX-License-Identifier: MIT */
/*
 * SBDF -> device map: the O(1) lookup behind every access. Used for the
 * host's physical functions and for each guest's virtual topology.
 * Tables are allocated when a bus gets its first function and released
 * when it loses its last.
 */
#include "internal.h"

void vpci_devmap_init(struct vpci_devmap *map, struct vpci_host *host)
{
	__builtin_memset(map, 0, sizeof(*map));
	map->host = host;
}

void vpci_devmap_destroy(struct vpci_devmap *map)
{
	size_t s;
	unsigned int b;

	for (s = 0; s < map->nr; s++) {
		for (b = 0; b < 256; b++)
			vpci_free(map->host, map->segs[s]->bus[b]);
		vpci_free(map->host, map->segs[s]);
	}
	vpci_free(map->host, map->segs);
	vpci_devmap_init(map, map->host);
}

/* Index of segment seg, or of where it would be inserted. */
static size_t seg_position(const struct vpci_devmap *map, uint16_t seg)
{
	size_t lo = 0, hi = map->nr;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (map->segs[mid]->seg < seg)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static struct vpci_devmap_seg *seg_find(const struct vpci_devmap *map,
					uint16_t seg)
{
	size_t i = seg_position(map, seg);

	return i < map->nr && map->segs[i]->seg == seg ? map->segs[i] : NULL;
}

struct vpci_dev *vpci_devmap_lookup(const struct vpci_devmap *map,
				    vpci_sbdf_t sbdf)
{
	const struct vpci_devmap_seg *seg = seg_find(map, VPCI_SBDF_SEG(sbdf));
	const struct vpci_devmap_bus *bus;

	if (!seg)
		return NULL;
	bus = seg->bus[VPCI_SBDF_BUS(sbdf)];
	return bus ? bus->fn[VPCI_SBDF_DEVFN(sbdf)] : NULL;
}

static struct vpci_devmap_seg *seg_get(struct vpci_devmap *map, uint16_t seg)
{
	size_t i = seg_position(map, seg);
	struct vpci_devmap_seg *s;

	if (i < map->nr && map->segs[i]->seg == seg)
		return map->segs[i];
	if (map->nr == map->capacity) {
		size_t cap = map->capacity ? map->capacity * 2 : 4;
		struct vpci_devmap_seg **segs =
			vpci_zalloc(map->host, cap * sizeof(*segs));

		if (!segs)
			return NULL;
		if (map->nr)
			__builtin_memcpy(segs, map->segs,
					 map->nr * sizeof(*segs));
		vpci_free(map->host, map->segs);
		map->segs = segs;
		map->capacity = cap;
	}
	s = vpci_zalloc(map->host, sizeof(*s));
	if (!s)
		return NULL;
	s->seg = seg;
	__builtin_memmove(&map->segs[i + 1], &map->segs[i],
			  (map->nr - i) * sizeof(map->segs[0]));
	map->segs[i] = s;
	map->nr++;
	return s;
}

static void seg_put(struct vpci_devmap *map, struct vpci_devmap_seg *s)
{
	size_t i = seg_position(map, s->seg);

	if (s->nr_buses)
		return;
	__builtin_memmove(&map->segs[i], &map->segs[i + 1],
			  (map->nr - i - 1) * sizeof(map->segs[0]));
	map->nr--;
	vpci_free(map->host, s);
}

int vpci_devmap_insert(struct vpci_devmap *map, vpci_sbdf_t sbdf,
		       struct vpci_dev *dev)
{
	struct vpci_devmap_seg *s;
	struct vpci_devmap_bus **bus;

	if (vpci_devmap_lookup(map, sbdf))
		return VPCI_EEXIST;
	s = seg_get(map, VPCI_SBDF_SEG(sbdf));
	if (!s)
		return VPCI_ENOMEM;
	bus = &s->bus[VPCI_SBDF_BUS(sbdf)];
	if (!*bus) {
		*bus = vpci_zalloc(map->host, sizeof(**bus));
		if (!*bus) {
			seg_put(map, s);
			return VPCI_ENOMEM;
		}
		s->nr_buses++;
	}
	(*bus)->fn[VPCI_SBDF_DEVFN(sbdf)] = dev;
	(*bus)->nr++;
	return 0;
}

void vpci_devmap_remove(struct vpci_devmap *map, vpci_sbdf_t sbdf)
{
	struct vpci_devmap_seg *s = seg_find(map, VPCI_SBDF_SEG(sbdf));
	struct vpci_devmap_bus **bus;

	if (!s)
		return;
	bus = &s->bus[VPCI_SBDF_BUS(sbdf)];
	if (!*bus || !(*bus)->fn[VPCI_SBDF_DEVFN(sbdf)])
		return;
	(*bus)->fn[VPCI_SBDF_DEVFN(sbdf)] = NULL;
	if (--(*bus)->nr == 0) {
		vpci_free(map->host, *bus);
		*bus = NULL;
		s->nr_buses--;
		seg_put(map, s);
	}
}

int vpci_devmap_for_each(const struct vpci_devmap *map,
			 vpci_devmap_visit_fn *visit, void *arg)
{
	size_t s;
	unsigned int b, f;
	int rc;

	for (s = 0; s < map->nr; s++)
		for (b = 0; b < 256; b++) {
			const struct vpci_devmap_bus *bus = map->segs[s]->bus[b];

			for (f = 0; bus && f < 256; f++) {
				if (!bus->fn[f])
					continue;
				rc = visit(arg, bus->fn[f]);
				if (rc)
					return rc;
			}
		}
	return 0;
}
