/* SPDX-License-Identifier: MIT */
/*
 * Reference-counted coverage of frame ranges (frame_index.c), a treap
 * that never allocates while changing. Private to the core.
 */
#ifndef VPCI_FRAME_INDEX_H
#define VPCI_FRAME_INDEX_H

#include <stddef.h>
#include <stdint.h>

struct vpci_host;

/*
 * A maximal run of frames [start, last] that `count` added ranges cover,
 * all translating gfn -> mfn as mfn = gfn + delta (mod 2^64). Segments
 * are nodes of a treap: ordered by start, heap-ordered by prio.
 */
struct vpci_fseg {
	uint64_t start;
	uint64_t last;
	uint64_t delta;
	uint32_t count;
	uint32_t prio;
	struct vpci_fseg *left;
	struct vpci_fseg *right;
};

/* Nodes are allocated in chunks, freed only with the whole index. */
struct vpci_fidx_chunk {
	struct vpci_fidx_chunk *next; /* the next newer one */
	size_t nr_nodes;
	struct vpci_fseg nodes[];
};

/* Right-spine nodes an index remembers; past that, appends descend. A
 * treap's right spine is about ln(segments) long. */
#define VPCI_FIDX_SPINE_MAX 40u

/*
 * Reference-counted coverage of frame ranges (frame_index.c). Changing it
 * never allocates: nodes come from spare ones the caller reserves with
 * vpci_fidx_reserve() beforehand. Reserving only counts: nr_spare nodes
 * may be taken, and the dropped ones (a list) with those never handed
 * out (from hand_pos of chunk hand on, in allocation order) are at least
 * that many. So reserving costs the same for one node as for a hundred,
 * and a new chunk leaves the older ones' free nodes where they are.
 */
struct vpci_fidx {
	struct vpci_fseg *root;
	struct vpci_fseg *spare; /* dropped nodes, linked through ->right */
	size_t nr_segs;
	size_t nr_spare;		/* reserved: may be taken */
	size_t nr_dropped;		/* in the spare list */
	size_t nr_fresh;		/* never handed out, in every chunk */
	struct vpci_fidx_chunk *chunks; /* oldest first */
	struct vpci_fidx_chunk *newest;
	struct vpci_fidx_chunk *hand; /* hands out next; NULL: none left */
	size_t hand_pos;
	size_t nr_nodes; /* in every chunk */
	uint32_t seed;
	struct vpci_host *host;
	/* While spine_ok: the right spine, root first, down to the last
	 * segment (spine_len nodes). A range starting after the last
	 * segment's start goes on it, found from its bottom (appending). */
	bool spine_ok;
	unsigned int spine_len;
	struct vpci_fseg *spine[VPCI_FIDX_SPINE_MAX];
};

/* Told about each run whose count went 0 -> 1 (add) or 1 -> 0 (remove). */
typedef void vpci_fidx_edge_fn(void *arg, uint64_t start, uint64_t last,
			       uint64_t delta);
/* Visit segments in ascending order; a non-zero return stops the walk. */
typedef int vpci_fidx_visit_fn(void *arg, const struct vpci_fseg *seg);

void vpci_fidx_init(struct vpci_fidx *idx, struct vpci_host *host);
void vpci_fidx_destroy(struct vpci_fidx *idx);
/* frame_index_nodes.c: vpci_fidx_reserve()'s allocating part, and
 * freeing every chunk (vpci_fidx_destroy). */
int vpci_fidx_reserve_more(struct vpci_fidx *idx, size_t nr_spare);
void vpci_fidx_free_nodes(struct vpci_fidx *idx);
/* Make sure at least nr_spare nodes are spare (exactly that many are
 * reserved; more may be allocated, in chunks, for later calls).
 * Errors: VPCI_ENOMEM (the coverage is unchanged; some nodes may have
 * joined the spare list). Inline: most calls find enough spare already. */
static inline int vpci_fidx_reserve(struct vpci_fidx *idx, size_t nr_spare)
{
	if (idx->nr_spare >= nr_spare)
		return 0;
	return vpci_fidx_reserve_more(idx, nr_spare);
}
/*
 * Count [start, last] once more, translated by delta; rose (may be NULL)
 * hears of each run that was not covered before. Errors: VPCI_EINVAL
 * (start > last), VPCI_EEXIST (a covered frame of the range has another
 * delta; *conflict, if not NULL, is that segment), VPCI_ENOSPC (not
 * enough spare nodes). Nothing changes on error.
 */
int vpci_fidx_add(struct vpci_fidx *idx, uint64_t start, uint64_t last,
		  uint64_t delta, vpci_fidx_edge_fn *rose, void *arg,
		  const struct vpci_fseg **conflict);
/*
 * Count [start, last] once less; fell (may be NULL) hears of each run no
 * longer covered. Errors: VPCI_EINVAL (start > last, or a frame of it is
 * not covered), VPCI_ENOSPC (needs at most two spare nodes). Nothing
 * changes on error.
 */
int vpci_fidx_remove(struct vpci_fidx *idx, uint64_t start, uint64_t last,
		     vpci_fidx_edge_fn *fell, void *arg);
/* The segment holding frame, else the first one after it, else NULL. */
const struct vpci_fseg *vpci_fidx_find(const struct vpci_fidx *idx,
				       uint64_t frame);
/*
 * A place in the index, found by one descent: what adding a range that
 * starts at frame needs, so that the add makes no second descent. Valid
 * until the index next changes (reserving nodes does not change it).
 */
struct vpci_fidx_spot {
	struct vpci_fseg **at; /* where a new node's priority puts it */
	const struct vpci_fseg *before; /* last segment starting <= frame */
	const struct vpci_fseg *after;	/* first segment starting > frame */
	uint64_t frame;
	uint32_t prio;
	/* After every segment's start: the new node goes on the spine,
	 * below its first depth nodes (at: their last one's right link). */
	bool append;
	unsigned int depth;
};
/* vpci_fidx_find(), noting the spot for vpci_fidx_add_located(). */
const struct vpci_fseg *vpci_fidx_locate(struct vpci_fidx *idx, uint64_t frame,
					 struct vpci_fidx_spot *spot);
/* vpci_fidx_add(idx, spot->frame, last, delta, NULL, NULL, NULL), in
 * place when the range touches no segment; same result and errors. */
int vpci_fidx_add_located(struct vpci_fidx *idx,
			  const struct vpci_fidx_spot *spot, uint64_t last,
			  uint64_t delta);
int vpci_fidx_for_each(const struct vpci_fidx *idx, vpci_fidx_visit_fn *fn,
		       void *arg);

#endif /* VPCI_FRAME_INDEX_H */
