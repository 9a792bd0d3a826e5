/* SPDX-License-Identifier: MIT */
/*
 * Where a frame index's nodes come from (struct vpci_fidx, frame_index.h):
 * chunks from the platform's allocator, and reservation. The treap itself
 * is frame_index.c's.
 *
 * Nodes are never allocated during a change: they come from spare nodes
 * reserved beforehand by vpci_fidx_reserve(), so the caller decides when
 * allocation may fail. They are allocated in chunks (doubling, up to a
 * few KiB), not one by one: enabling a BAR reserves a few nodes in two
 * indexes, and a node each was most of a hardware-domain boot's enable
 * phase. Reserving only counts nodes: fresh ones are taken in place, in
 * allocation order, across chunks; dropped nodes go to a list, taken
 * first. Exactly what was reserved is spare, so a caller that reserved too
 * little fails (VPCI_ENOSPC) as it would with single allocations.
 */
#include "internal.h"

/* Chunk sizes: the index doubles, from a few nodes (most indexes stay
 * small) up to what fits 2 KiB (half a page: any hypervisor's small-object
 * allocator serves it, and zeroing it stays cheap). */
#define CHUNK_MIN_NODES 4u
#define CHUNK_MAX_NODES                                                        \
	((2048u - sizeof(struct vpci_fidx_chunk)) / sizeof(struct vpci_fseg))

static int add_chunk(struct vpci_fidx *idx)
{
	size_t nr = idx->nr_nodes;
	struct vpci_fidx_chunk *c;

	if (nr < CHUNK_MIN_NODES)
		nr = CHUNK_MIN_NODES;
	if (nr > CHUNK_MAX_NODES)
		nr = CHUNK_MAX_NODES;
	c = vpci_zalloc(idx->host, sizeof(*c) + nr * sizeof(c->nodes[0]));
	if (!c)
		return VPCI_ENOMEM;
	c->nr_nodes = nr;
	if (idx->newest)
		idx->newest->next = c;
	else
		idx->chunks = c;
	idx->newest = c;
	if (!idx->hand) {
		idx->hand = c;
		idx->hand_pos = 0;
	}
	idx->nr_fresh += nr;
	idx->nr_nodes += nr;
	return 0;
}

int vpci_fidx_reserve_more(struct vpci_fidx *idx, size_t nr_spare)
{
	while (idx->nr_dropped + idx->nr_fresh < nr_spare)
		if (add_chunk(idx))
			return VPCI_ENOMEM;
	if (idx->nr_spare < nr_spare)
		idx->nr_spare = nr_spare;
	return 0;
}

void vpci_fidx_free_nodes(struct vpci_fidx *idx)
{
	struct vpci_fidx_chunk *c = idx->chunks;

	while (c) {
		struct vpci_fidx_chunk *next = c->next;

		vpci_free(idx->host, c);
		c = next;
	}
}
