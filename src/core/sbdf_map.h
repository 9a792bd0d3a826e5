/* SPDX-License-Identifier: MIT */
/*
 * SBDF -> device maps (sbdf_map.c): the host's physical functions and
 * each guest's virtual topology. Private to the core.
 */
#ifndef VPCI_SBDF_MAP_H
#define VPCI_SBDF_MAP_H

#include <stddef.h>
#include <stdint.h>

#include "segment_table.h"
#include "vpci/vpci.h"

struct vpci_dev;
struct vpci_host;

/*
 * SBDF -> device, sparse: a table of segments, each with 256 bus pointers
 * to 256-entry function tables. Lookup finds the segment (a compare on a
 * one-segment machine), then indexes twice.
 */
struct vpci_sbdf_map_bus {
	struct vpci_dev *fn[256];
	uint16_t nr;
};

struct vpci_sbdf_map_seg {
	struct vpci_seg_head head;
	uint16_t nr_buses;
	struct vpci_sbdf_map_bus *bus[256];
};

struct vpci_sbdf_map {
	struct vpci_seg_table segs;
};

typedef int vpci_sbdf_map_visit_fn(void *arg, struct vpci_dev *dev);

void vpci_sbdf_map_init(struct vpci_sbdf_map *map, struct vpci_host *host);
void vpci_sbdf_map_destroy(struct vpci_sbdf_map *map);
/* Errors: VPCI_EEXIST (sbdf has a device), VPCI_ENOMEM. */
int vpci_sbdf_map_insert(struct vpci_sbdf_map *map, vpci_sbdf_t sbdf,
			 struct vpci_dev *dev);
void vpci_sbdf_map_remove(struct vpci_sbdf_map *map, vpci_sbdf_t sbdf);
/* Visit every device in SBDF order; visit must not change the map. A
 * non-zero return stops the walk and is returned. */
int vpci_sbdf_map_for_each(const struct vpci_sbdf_map *map,
			   vpci_sbdf_map_visit_fn *visit, void *arg);

/* The device at sbdf, or NULL. Inline: every config access asks. */
static inline struct vpci_dev *
vpci_sbdf_map_lookup(const struct vpci_sbdf_map *map, vpci_sbdf_t sbdf)
{
	const struct vpci_sbdf_map_seg *seg =
		(const struct vpci_sbdf_map_seg *)vpci_seg_table_find(
			&map->segs, VPCI_SBDF_SEG(sbdf));
	const struct vpci_sbdf_map_bus *bus;

	if (!seg)
		return NULL;
	bus = seg->bus[VPCI_SBDF_BUS(sbdf)];
	return bus ? bus->fn[VPCI_SBDF_DEVFN(sbdf)] : NULL;
}

#endif /* VPCI_SBDF_MAP_H */
