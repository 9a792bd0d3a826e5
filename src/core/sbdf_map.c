/* SPDX-License-Identifier: MIT */
/*
 * SBDF -> device map: the O(1) lookup behind every access. Used for the
 * host's physical functions and for each guest's virtual topology.
 * Tables are allocated when a bus gets its first function and released
 * when it loses its last; segments live in a segment_table.h table.
 */
#include "internal.h"

static struct vpci_sbdf_map_seg *seg_of(const struct vpci_sbdf_map *map,
					size_t i)
{
	return (struct vpci_sbdf_map_seg *)map->segs.segs[i];
}

void vpci_sbdf_map_init(struct vpci_sbdf_map *map, struct vpci_host *host)
{
	vpci_seg_table_init(&map->segs, host);
}

void vpci_sbdf_map_destroy(struct vpci_sbdf_map *map)
{
	size_t s;
	unsigned int b;

	for (s = 0; s < map->segs.nr; s++)
		for (b = 0; b < 256; b++)
			vpci_free(map->segs.host, seg_of(map, s)->bus[b]);
	vpci_seg_table_destroy(&map->segs);
}

int vpci_sbdf_map_insert(struct vpci_sbdf_map *map, vpci_sbdf_t sbdf,
			 struct vpci_dev *dev)
{
	struct vpci_sbdf_map_seg *s;
	struct vpci_sbdf_map_bus **bus;

	if (vpci_sbdf_map_lookup(map, sbdf))
		return VPCI_EEXIST;
	s = (struct vpci_sbdf_map_seg *)vpci_seg_table_get(
		&map->segs, VPCI_SBDF_SEG(sbdf), sizeof(*s));
	if (!s)
		return VPCI_ENOMEM;
	bus = &s->bus[VPCI_SBDF_BUS(sbdf)];
	if (!*bus) {
		*bus = vpci_zalloc(map->segs.host, sizeof(**bus));
		if (!*bus) {
			if (!s->nr_buses)
				vpci_seg_table_drop(&map->segs, &s->head);
			return VPCI_ENOMEM;
		}
		s->nr_buses++;
	}
	(*bus)->fn[VPCI_SBDF_DEVFN(sbdf)] = dev;
	(*bus)->nr++;
	return 0;
}

void vpci_sbdf_map_remove(struct vpci_sbdf_map *map, vpci_sbdf_t sbdf)
{
	struct vpci_sbdf_map_seg *s = (struct vpci_sbdf_map_seg *)
		vpci_seg_table_find(&map->segs, VPCI_SBDF_SEG(sbdf));
	struct vpci_sbdf_map_bus **bus;

	if (!s)
		return;
	bus = &s->bus[VPCI_SBDF_BUS(sbdf)];
	if (!*bus || !(*bus)->fn[VPCI_SBDF_DEVFN(sbdf)])
		return;
	(*bus)->fn[VPCI_SBDF_DEVFN(sbdf)] = NULL;
	if (--(*bus)->nr == 0) {
		vpci_free(map->segs.host, *bus);
		*bus = NULL;
		if (--s->nr_buses == 0)
			vpci_seg_table_drop(&map->segs, &s->head);
	}
}

int vpci_sbdf_map_for_each(const struct vpci_sbdf_map *map,
			   vpci_sbdf_map_visit_fn *visit, void *arg)
{
	size_t s;
	unsigned int b, f;
	int rc;

	for (s = 0; s < map->segs.nr; s++)
		for (b = 0; b < 256; b++) {
			const struct vpci_sbdf_map_bus *bus =
				seg_of(map, s)->bus[b];

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
