/* SPDX-License-Identifier: MIT */
/*
 * Frame coverage index: which frames some set of ranges covers, how many
 * times, and with which gfn -> mfn translation. An owner group keeps one
 * for the frames its enabled BARs want and one for what the platform has
 * mapped (map.c); this file owns the structure, not what the numbers mean.
 *
 * Segments are maximal runs with one count and one delta, kept in a treap
 * keyed by start. A change splits the treap around the affected window
 * (O(log n) expected), rewrites the k segments inside as a sorted list and
 * joins the pieces back: O(k + log n) per change, never a walk over every
 * segment. Adding a range reports exactly the runs that went from 0 to 1
 * and removing one exactly the runs that went from 1 to 0.
 *
 * Nodes are never allocated during a change: they come from spare nodes
 * reserved beforehand (frame_index_nodes.c), taken here in place. Frame
 * numbers are below 2^52 in practice; the code still never computes
 * last + 1 or start - 1 across the 64-bit wrap.
 */
#include "internal.h"

void vpci_fidx_init(struct vpci_fidx *idx, struct vpci_host *host)
{
	__builtin_memset(idx, 0, sizeof(*idx));
	idx->host = host;
	idx->seed = 0x2545f491u;
	idx->spine_ok = true; /* empty: so is the spine */
}

/* Turn a treap into a sorted list linked through ->right, in place. */
static struct vpci_fseg *to_list(struct vpci_fseg *t, size_t *nr)
{
	struct vpci_fseg head = {.right = t}, *tail = &head;

	*nr = 0;
	while (tail->right) {
		struct vpci_fseg *n = tail->right;

		if (n->left) { /* rotate right until n has no left child */
			struct vpci_fseg *l = n->left;

			n->left = l->right;
			l->right = n;
			tail->right = l;
		} else {
			tail = n;
			(*nr)++;
		}
	}
	return head.right;
}

void vpci_fidx_destroy(struct vpci_fidx *idx)
{
	vpci_fidx_free_nodes(idx);
	vpci_fidx_init(idx, idx->host);
}

static uint32_t next_prio(struct vpci_fidx *idx)
{
	uint32_t x = idx->seed; /* xorshift32: cheap, never 0 */

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	idx->seed = x;
	return x;
}

/* A spare node as [start, last] with priority prio; the caller checked
 * one is there. Dropped nodes first, then fresh ones, in order. */
static inline __attribute__((always_inline)) struct vpci_fseg *
take_node_prio(struct vpci_fidx *idx, uint64_t start, uint64_t last,
	       uint64_t delta, uint32_t count, uint32_t prio)
{
	struct vpci_fseg *n = idx->spare;

	if (n) {
		idx->spare = n->right;
		idx->nr_dropped--;
	} else {
		struct vpci_fidx_chunk *c = idx->hand;

		n = &c->nodes[idx->hand_pos++];
		if (idx->hand_pos == c->nr_nodes) {
			idx->hand = c->next;
			idx->hand_pos = 0;
		}
		idx->nr_fresh--;
	}
	idx->nr_spare--;
	idx->nr_segs++;
	*n = (struct vpci_fseg){.start = start,
				.last = last,
				.delta = delta,
				.count = count,
				.prio = prio};
	return n;
}

static struct vpci_fseg *take_node(struct vpci_fidx *idx, uint64_t start,
				   uint64_t last, uint64_t delta,
				   uint32_t count)
{
	return take_node_prio(idx, start, last, delta, count, next_prio(idx));
}

static void drop_node(struct vpci_fidx *idx, struct vpci_fseg *n)
{
	n->left = NULL;
	n->right = idx->spare;
	idx->spare = n;
	idx->nr_dropped++;
	idx->nr_spare++;
	idx->nr_segs--;
}

/* Split t into segments starting before key (*lo) and the rest (*hi). */
static void split(struct vpci_fseg *t, uint64_t key, struct vpci_fseg **lo,
		  struct vpci_fseg **hi)
{
	struct vpci_fseg **l = lo, **r = hi;

	while (t) {
		if (t->start < key) {
			*l = t;
			l = &t->right;
			t = t->right;
		} else {
			*r = t;
			r = &t->left;
			t = t->left;
		}
	}
	*l = NULL;
	*r = NULL;
}

/* Join two treaps, every segment of a before every segment of b. */
static struct vpci_fseg *join(struct vpci_fseg *a, struct vpci_fseg *b)
{
	struct vpci_fseg *root = NULL, **link = &root;

	while (a && b) {
		if (a->prio >= b->prio) {
			*link = a;
			link = &a->right;
			a = a->right;
		} else {
			*link = b;
			link = &b->left;
			b = b->left;
		}
	}
	*link = a ? a : b;
	return root;
}

const struct vpci_fseg *vpci_fidx_find(const struct vpci_fidx *idx,
				       uint64_t frame)
{
	const struct vpci_fseg *t = idx->root, *best = NULL;

	while (t) {
		if (t->last < frame) {
			t = t->right;
		} else {
			best = t;
			if (t->start <= frame)
				break;
			t = t->left;
		}
	}
	return best;
}

int vpci_fidx_for_each(const struct vpci_fidx *idx, vpci_fidx_visit_fn *fn,
		       void *arg)
{
	const struct vpci_fseg *s = vpci_fidx_find(idx, 0);

	while (s) {
		int rc = fn(arg, s);

		if (rc)
			return rc;
		s = s->last == UINT64_MAX ? NULL
					  : vpci_fidx_find(idx, s->last + 1);
	}
	return 0;
}

/*
 * The segments overlapping or touching [start, last], cut out of the
 * treap as a sorted list; before/after keep the rest. Touching ones come
 * along so that merging across the window's edges stays local.
 */
struct window {
	struct vpci_fseg *before;
	struct vpci_fseg *list;
	struct vpci_fseg *after;
	size_t nr;
};

static void window_open(struct vpci_fidx *idx, uint64_t start, uint64_t last,
			struct window *w)
{
	uint64_t lo = start ? start - 1 : 0;
	const struct vpci_fseg *first = vpci_fidx_find(idx, lo);
	uint64_t key = first && first->start <= lo ? first->start : lo;
	struct vpci_fseg *rest, *mid;

	idx->spine_ok = false; /* the window may take spine nodes */
	split(idx->root, key, &w->before, &rest);
	if (last < UINT64_MAX - 1)
		split(rest, last + 2, &mid, &w->after);
	else
		mid = rest, w->after = NULL;
	idx->root = NULL;
	w->list = to_list(mid, &w->nr);
}

static void window_close(struct vpci_fidx *idx, struct window *w)
{
	struct vpci_fseg *mid = NULL, *n = w->list;

	while (n) {
		struct vpci_fseg *next = n->right;

		n->left = NULL;
		n->right = NULL;
		mid = join(mid, n);
		n = next;
	}
	idx->root = join(join(w->before, mid), w->after);
}

/* Cut n in two at frame at (n->start < at <= n->last). */
static void cut(struct vpci_fidx *idx, struct vpci_fseg *n, uint64_t at)
{
	struct vpci_fseg *tail =
		take_node(idx, at, n->last, n->delta, n->count);

	n->last = at - 1;
	tail->right = n->right;
	n->right = tail;
}

/* Cut list segments so none straddles start or last + 1. */
static void cut_edges(struct vpci_fidx *idx, struct vpci_fseg *list,
		      uint64_t start, uint64_t last)
{
	struct vpci_fseg *n;

	for (n = list; n; n = n->right) {
		if (n->start < start && n->last >= start)
			cut(idx, n, start);
		else if (n->start <= last && n->last > last)
			cut(idx, n, last + 1);
	}
}

/* Merge neighbours that became alike. */
static void coalesce(struct vpci_fidx *idx, struct vpci_fseg *list)
{
	struct vpci_fseg *n = list;

	while (n && n->right) {
		struct vpci_fseg *m = n->right;

		if (n->last + 1 == m->start && n->count == m->count &&
		    n->delta == m->delta) {
			n->last = m->last;
			n->right = m->right;
			drop_node(idx, m);
		} else {
			n = m;
		}
	}
}

/* Nodes an edge cut needs: one per window edge falling inside a segment. */
static size_t edge_cuts(const struct vpci_fseg *list, uint64_t start,
			uint64_t last)
{
	size_t nr = 0;

	for (; list; list = list->right) {
		if (list->start < start && list->last >= start)
			nr++;
		if (list->start <= last && list->last > last)
			nr++;
	}
	return nr;
}

/* Check an add against the window: conflicts, and nodes it needs. */
static int check_add(const struct window *w, uint64_t start, uint64_t last,
		     uint64_t delta, size_t *nodes,
		     const struct vpci_fseg **conflict)
{
	const struct vpci_fseg *n;
	uint64_t pos = start;
	bool done = false;

	*nodes = edge_cuts(w->list, start, last);
	for (n = w->list; n && !done; n = n->right) {
		if (n->last < start || n->start > last)
			continue;
		if (n->delta != delta) {
			if (conflict)
				*conflict = n;
			return VPCI_EEXIST;
		}
		if (n->start > pos)
			(*nodes)++; /* a gap before n */
		done = n->last >= last;
		pos = done ? last : n->last + 1;
	}
	if (!done)
		(*nodes)++; /* a gap up to last */
	return 0;
}

/*
 * The common changes, done in one descent instead of a window: a range
 * that neither overlaps nor touches any segment (a BAR enabled on frames
 * of its own) becomes one new segment, and removing a range that is
 * exactly one segment counted once drops it. Neither leaves neighbours
 * to merge: there is a gap on each side.
 *
 * Adding: one descent by start finds both neighbours (the last segment
 * starting at or before start, the first starting after it) and, on the
 * way, the link where the new node's priority puts it (a spot). That
 * descent also answers what vpci_fidx_find() would, so a caller that
 * looks a frame up before adding a range there (map.c: is it mapped?
 * then map it and record it) makes one descent, not two.
 */
/* One step of a descent by start, noting the neighbours passed. */
static inline struct vpci_fseg **step(struct vpci_fseg *n, uint64_t start,
				      const struct vpci_fseg **before,
				      const struct vpci_fseg **after)
{
	if (n->start <= start) {
		*before = n;
		return &n->right;
	}
	*after = n;
	return &n->left;
}

/* One descent by frame: down to where spot->prio puts a new node, then
 * on to the leaf, noting both neighbours. */
static inline __attribute__((always_inline)) void
locate(struct vpci_fidx *idx, uint64_t frame, struct vpci_fidx_spot *spot)
{
	struct vpci_fseg **link = &idx->root, *n;

	spot->frame = frame;
	spot->prio = next_prio(idx);
	spot->before = spot->after = NULL;
	spot->append = false;
	while ((n = *link) != NULL && n->prio >= spot->prio)
		link = step(n, frame, &spot->before, &spot->after);
	spot->at = link;
	while ((n = *link) != NULL)
		link = step(n, frame, &spot->before, &spot->after);
}

/*
 * Appending: a range starting after the last segment's start (a boot
 * enables its BARs in ascending order) has that segment as its only
 * neighbour, and goes on the right spine, below the spine nodes whose
 * priority is at least its own. While the index knows its spine, that
 * place is found from the spine's bottom: no descent. A node joins the
 * spine once and leaves it once, so appends cost O(1) amortised; the
 * tree is the one a descent would have built (same keys, same
 * priorities). Other changes forget the spine; an append found by a
 * descent learns it again.
 */
static inline __attribute__((always_inline)) bool
append_spot(struct vpci_fidx *idx, uint64_t frame, struct vpci_fidx_spot *spot)
{
	unsigned int depth;
	const struct vpci_fseg *last;

	if (!idx->spine_ok)
		return false;
	depth = idx->spine_len;
	last = depth ? idx->spine[depth - 1u] : NULL;
	if (last && last->start >= frame)
		return false;
	spot->frame = frame;
	spot->prio = next_prio(idx);
	spot->before = last;
	spot->after = NULL;
	spot->append = true;
	while (depth && idx->spine[depth - 1u]->prio < spot->prio)
		depth--;
	spot->depth = depth;
	spot->at = depth ? &idx->spine[depth - 1u]->right : &idx->root;
	return true;
}

/* The right spine, walked from the root (an append found by a descent). */
static void learn_spine(struct vpci_fidx *idx)
{
	struct vpci_fseg *n;
	unsigned int len = 0;

	for (n = idx->root; n; n = n->right) {
		if (len == VPCI_FIDX_SPINE_MAX) {
			idx->spine_ok = false;
			return;
		}
		idx->spine[len++] = n;
	}
	idx->spine_len = len;
	idx->spine_ok = true;
}

/* Link [spot->frame, last] as a segment of its own if it touches neither
 * neighbour; false (changing nothing) if it does or no node is spare
 * (*rc: 0 or VPCI_ENOSPC). */
static inline __attribute__((always_inline)) bool
link_alone(struct vpci_fidx *idx, const struct vpci_fidx_spot *spot,
	   uint64_t last, uint64_t delta, int *rc)
{
	uint64_t start = spot->frame;
	struct vpci_fseg *n;

	*rc = 0;
	if (spot->before && (!start || spot->before->last >= start - 1u))
		return false;
	if (spot->after &&
	    (last == UINT64_MAX || spot->after->start <= last + 1u))
		return false;
	if (!idx->nr_spare) {
		*rc = VPCI_ENOSPC;
		return false;
	}
	n = take_node_prio(idx, start, last, delta, 1, spot->prio);
	if (spot->append) {
		/* Everything below the spot starts before start. */
		n->left = *spot->at;
		*spot->at = n;
		if (spot->depth < VPCI_FIDX_SPINE_MAX) {
			idx->spine[spot->depth] = n;
			idx->spine_len = spot->depth + 1u;
		} else {
			idx->spine_ok = false;
		}
		return true;
	}
	split(*spot->at, start, &n->left, &n->right);
	*spot->at = n;
	if (!spot->after)
		learn_spine(idx); /* n is the last segment now */
	else
		idx->spine_ok = false; /* n may have joined the spine */
	return true;
}

const struct vpci_fseg *vpci_fidx_locate(struct vpci_fidx *idx, uint64_t frame,
					 struct vpci_fidx_spot *spot)
{
	if (!append_spot(idx, frame, spot))
		locate(idx, frame, spot);
	if (spot->before && spot->before->last >= frame)
		return spot->before;
	return spot->after;
}

int vpci_fidx_add_located(struct vpci_fidx *idx,
			  const struct vpci_fidx_spot *spot, uint64_t last,
			  uint64_t delta)
{
	int rc;

	if (spot->frame > last)
		return VPCI_EINVAL;
	if (link_alone(idx, spot, last, delta, &rc))
		return 0;
	return rc ? rc
		  : vpci_fidx_add(idx, spot->frame, last, delta, NULL, NULL,
				  NULL);
}

/* The link holding the segment that starts at start, or NULL. */
static struct vpci_fseg **link_of(struct vpci_fidx *idx, uint64_t start)
{
	struct vpci_fseg **link = &idx->root;

	while (*link && (*link)->start != start)
		link = start < (*link)->start ? &(*link)->left
					      : &(*link)->right;
	return *link ? link : NULL;
}

int vpci_fidx_add(struct vpci_fidx *idx, uint64_t start, uint64_t last,
		  uint64_t delta, vpci_fidx_edge_fn *rose, void *arg,
		  const struct vpci_fseg **conflict)
{
	struct vpci_fseg **link, *n;
	struct vpci_fidx_spot spot;
	struct window w;
	uint64_t pos = start;
	bool covered = false;
	size_t nodes;
	int rc;

	if (start > last)
		return VPCI_EINVAL;
	if (!append_spot(idx, start, &spot))
		locate(idx, start, &spot);
	if (link_alone(idx, &spot, last, delta, &rc)) {
		if (rose)
			rose(arg, start, last, delta);
		return 0;
	}
	if (rc)
		return rc;
	window_open(idx, start, last, &w);
	rc = check_add(&w, start, last, delta, &nodes, conflict);
	if (!rc && nodes > idx->nr_spare)
		rc = VPCI_ENOSPC;
	if (rc) {
		window_close(idx, &w);
		return rc;
	}
	cut_edges(idx, w.list, start, last);
	/* Count every segment inside once more; fill the gaps between. */
	for (link = &w.list; !covered; link = &(*link)->right) {
		n = *link;
		if (n && n->last < start)
			continue;
		if (!n || n->start > pos) {
			uint64_t gap_last =
				n && n->start <= last ? n->start - 1 : last;
			struct vpci_fseg *g =
				take_node(idx, pos, gap_last, delta, 1);

			g->right = n;
			*link = g;
			if (rose)
				rose(arg, pos, gap_last, delta);
			n = g;
		} else {
			n->count++;
		}
		covered = n->last >= last;
		if (!covered)
			pos = n->last + 1;
	}
	coalesce(idx, w.list);
	window_close(idx, &w);
	return 0;
}

int vpci_fidx_remove(struct vpci_fidx *idx, uint64_t start, uint64_t last,
		     vpci_fidx_edge_fn *fell, void *arg)
{
	struct vpci_fseg **link, *n;
	struct window w;
	uint64_t pos = start;
	bool covered = false;

	if (start > last)
		return VPCI_EINVAL;
	link = link_of(idx, start);
	if (link && (*link)->last == last && (*link)->count == 1) {
		n = *link;
		*link = join(n->left, n->right);
		idx->spine_ok = false;
		if (fell)
			fell(arg, n->start, n->last, n->delta);
		drop_node(idx, n);
		return 0;
	}
	window_open(idx, start, last, &w);
	/* Every frame must be covered: walk the run from start. */
	for (n = w.list; n && !covered; n = n->right) {
		if (n->last < pos)
			continue;
		if (n->start > pos)
			break;
		covered = n->last >= last;
		if (!covered)
			pos = n->last + 1;
	}
	if (!covered || edge_cuts(w.list, start, last) > idx->nr_spare) {
		window_close(idx, &w);
		return covered ? VPCI_ENOSPC : VPCI_EINVAL;
	}
	cut_edges(idx, w.list, start, last);
	for (link = &w.list; (n = *link) != NULL;) {
		if (n->last < start || n->start > last) {
			link = &n->right;
			continue;
		}
		if (--n->count) {
			link = &n->right;
			continue;
		}
		if (fell)
			fell(arg, n->start, n->last, n->delta);
		*link = n->right;
		drop_node(idx, n);
	}
	coalesce(idx, w.list);
	window_close(idx, &w);
	return 0;
}
