/* SPDX-License-Identifier: MIT */
/*
 * The frame coverage index (src/core/frame_index.c): counts, the runs an
 * add or remove reports, translation conflicts, merging, the no-allocation
 * guarantee for removals, and a randomised comparison with a per-frame
 * array model.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#include "internal.h"

#define MAX_EDGES 64
#define UNIVERSE_SEGS 256

struct edges {
	struct vpci_range r[MAX_EDGES];
	uint64_t delta[MAX_EDGES];
	unsigned int nr;
};

struct bench {
	struct fixture fx;
	struct vpci_fidx idx;
	struct edges e;
};

static int setup(void **state)
{
	struct bench *b = calloc(1, sizeof(*b));

	fixture_init(&b->fx);
	fixture_create_host(&b->fx, 0);
	vpci_fidx_init(&b->idx, b->fx.host);
	*state = b;
	return 0;
}

static int teardown(void **state)
{
	struct bench *b = *state;

	vpci_fidx_destroy(&b->idx);
	fixture_fini(&b->fx);
	free(b);
	return 0;
}

static void record(void *arg, uint64_t start, uint64_t last, uint64_t delta)
{
	struct edges *e = arg;

	assert_true(e->nr < MAX_EDGES);
	e->r[e->nr] = (struct vpci_range){start, last};
	e->delta[e->nr++] = delta;
}

static int add(struct bench *b, uint64_t s, uint64_t l, uint64_t delta)
{
	assert_int_equal(vpci_fidx_reserve(&b->idx, 64), 0);
	b->e.nr = 0;
	return vpci_fidx_add(&b->idx, s, l, delta, record, &b->e, NULL);
}

static int del(struct bench *b, uint64_t s, uint64_t l)
{
	b->e.nr = 0;
	return vpci_fidx_remove(&b->idx, s, l, record, &b->e);
}

static void assert_edge(const struct bench *b, unsigned int i, uint64_t s,
			uint64_t l)
{
	assert_true(i < b->e.nr);
	assert_int_equal(b->e.r[i].start, s);
	assert_int_equal(b->e.r[i].last, l);
}

static void assert_seg(const struct bench *b, uint64_t frame, uint64_t s,
		       uint64_t l, uint32_t count)
{
	const struct vpci_fseg *seg = vpci_fidx_find(&b->idx, frame);

	assert_non_null(seg);
	assert_int_equal(seg->start, s);
	assert_int_equal(seg->last, l);
	assert_int_equal(seg->count, count);
}

static void add_reports_exactly_the_newly_covered_runs(void **state)
{
	struct bench *b = *state;

	assert_int_equal(add(b, 10, 20, 0), 0);
	assert_int_equal(b->e.nr, 1);
	assert_edge(b, 0, 10, 20);
	assert_int_equal(add(b, 5, 30, 0), 0);
	assert_int_equal(b->e.nr, 2);
	assert_edge(b, 0, 5, 9);
	assert_edge(b, 1, 21, 30);
	assert_seg(b, 5, 5, 9, 1);
	assert_seg(b, 15, 10, 20, 2);
	assert_seg(b, 25, 21, 30, 1);
	assert_int_equal(add(b, 12, 14, 0), 0);
	assert_int_equal(b->e.nr, 0); /* all covered already */
	assert_seg(b, 12, 12, 14, 3);
}

static void remove_reports_exactly_the_uncovered_runs(void **state)
{
	struct bench *b = *state;

	assert_int_equal(add(b, 10, 20, 0), 0);
	assert_int_equal(add(b, 15, 30, 0), 0);
	assert_int_equal(del(b, 10, 20), 0);
	assert_int_equal(b->e.nr, 1);
	assert_edge(b, 0, 10, 14);
	/* What is left merged back into one run. */
	assert_seg(b, 15, 15, 30, 1);
	assert_int_equal(b->idx.nr_segs, 1);
	assert_int_equal(del(b, 15, 30), 0);
	assert_edge(b, 0, 15, 30);
	assert_null(vpci_fidx_find(&b->idx, 0));
}

static void adjacent_ranges_merge_and_split_back(void **state)
{
	struct bench *b = *state;

	assert_int_equal(add(b, 0, 9, 7), 0);
	assert_int_equal(add(b, 10, 19, 7), 0);
	assert_int_equal(b->idx.nr_segs, 1);
	assert_seg(b, 0, 0, 19, 1);
	/* Another translation never merges. */
	assert_int_equal(add(b, 20, 29, 8), 0);
	assert_int_equal(b->idx.nr_segs, 2);
	assert_int_equal(del(b, 10, 19), 0);
	assert_edge(b, 0, 10, 19);
	assert_seg(b, 0, 0, 9, 1);
}

static void a_different_translation_is_a_conflict(void **state)
{
	struct bench *b = *state;
	const struct vpci_fseg *conflict = NULL;

	assert_int_equal(add(b, 100, 199, 1000), 0);
	assert_int_equal(
		vpci_fidx_add(&b->idx, 150, 250, 2000, NULL, NULL, &conflict),
		VPCI_EEXIST);
	assert_non_null(conflict);
	assert_int_equal(conflict->start, 100);
	/* Nothing changed. */
	assert_int_equal(b->idx.nr_segs, 1);
	assert_seg(b, 150, 100, 199, 1);
	/* Touching is not overlapping. */
	assert_int_equal(add(b, 200, 250, 2000), 0);
}

static void removing_what_is_not_covered_is_refused(void **state)
{
	struct bench *b = *state;

	assert_int_equal(add(b, 10, 20, 0), 0);
	assert_int_equal(del(b, 15, 25), VPCI_EINVAL);
	assert_int_equal(del(b, 30, 40), VPCI_EINVAL);
	assert_int_equal(del(b, 20, 10), VPCI_EINVAL);
	assert_seg(b, 10, 10, 20, 1);
}

static void changes_without_spare_nodes_fail_cleanly(void **state)
{
	struct bench *b = *state;

	assert_int_equal(vpci_fidx_add(&b->idx, 1, 2, 0, NULL, NULL, NULL),
			 VPCI_ENOSPC);
	assert_int_equal(b->idx.nr_segs, 0);
	assert_int_equal(vpci_fidx_reserve(&b->idx, 1), 0);
	assert_int_equal(vpci_fidx_add(&b->idx, 0, 99, 0, NULL, NULL, NULL), 0);
	/* A hole in the middle needs one more node. */
	assert_int_equal(del(b, 40, 60), VPCI_ENOSPC);
	assert_seg(b, 50, 0, 99, 1);
	/* More nodes than were ever allocated (they come in chunks). */
	b->fx.fp.allocs_until_failure = 0;
	assert_int_equal(vpci_fidx_reserve(&b->idx, 1000), VPCI_ENOMEM);
	assert_seg(b, 50, 0, 99, 1);
	b->fx.fp.allocs_until_failure = -1;
	assert_int_equal(vpci_fidx_reserve(&b->idx, 1000), 0);
	assert_int_equal(del(b, 40, 60), 0);
}

/*
 * Nodes reserved in the newest chunk are only counted there: when a later
 * reservation needs another chunk they must still be there, every one,
 * and nothing more than was reserved may be used.
 */
static void nodes_reserved_in_place_survive_a_new_chunk(void **state)
{
	struct bench *b = *state;
	uint64_t f;

	assert_int_equal(vpci_fidx_reserve(&b->idx, 3), 0);
	assert_int_equal(vpci_fidx_reserve(&b->idx, 40), 0);
	assert_int_equal(b->idx.nr_spare, 40);
	b->fx.fp.allocs_until_failure = 0; /* changes never allocate */
	for (f = 0; f < 40; f++)
		assert_int_equal(vpci_fidx_add(&b->idx, 10 * f, 10 * f + 4, f,
					       NULL, NULL, NULL),
				 0);
	assert_int_equal(vpci_fidx_add(&b->idx, 1000, 1004, 0, NULL, NULL,
				       NULL),
			 VPCI_ENOSPC);
	b->fx.fp.allocs_until_failure = -1;
	assert_int_equal(b->idx.nr_segs, 40);
	assert_int_equal(b->idx.nr_spare, 0);
	for (f = 0; f < 40; f++) {
		const struct vpci_fseg *seg = vpci_fidx_find(&b->idx, 10 * f);

		assert_non_null(seg);
		assert_int_equal(seg->start, 10 * f);
		assert_int_equal(seg->last, 10 * f + 4);
		assert_int_equal(seg->delta, f);
	}
	/* Dropped nodes are spare again, and used before new ones. */
	assert_int_equal(del(b, 0, 4), 0);
	assert_int_equal(b->idx.nr_spare, 1);
	b->fx.fp.allocs_until_failure = 0;
	assert_int_equal(vpci_fidx_add(&b->idx, 2000, 2004, 0, NULL, NULL,
				       NULL),
			 0);
	b->fx.fp.allocs_until_failure = -1;
	assert_seg(b, 2002, 2000, 2004, 1);
}

static void edges_of_the_frame_space_work(void **state)
{
	struct bench *b = *state;

	assert_int_equal(add(b, 0, 0, 0), 0);
	assert_int_equal(add(b, UINT64_MAX, UINT64_MAX, 0), 0);
	assert_int_equal(add(b, 0, UINT64_MAX, 0), 0);
	assert_int_equal(b->e.nr, 1);
	assert_edge(b, 0, 1, UINT64_MAX - 1);
	assert_seg(b, 0, 0, 0, 2);
	assert_seg(b, UINT64_MAX, UINT64_MAX, UINT64_MAX, 2);
	assert_int_equal(del(b, 0, UINT64_MAX), 0);
	assert_edge(b, 0, 1, UINT64_MAX - 1);
	assert_int_equal(del(b, 0, 0), 0);
	assert_int_equal(del(b, UINT64_MAX, UINT64_MAX), 0);
	assert_int_equal(b->idx.nr_segs, 0);
}

static void find_returns_the_holder_or_the_next(void **state)
{
	struct bench *b = *state;

	assert_int_equal(add(b, 10, 20, 0), 0);
	assert_int_equal(add(b, 40, 50, 0), 0);
	assert_int_equal(vpci_fidx_find(&b->idx, 0)->start, 10);
	assert_int_equal(vpci_fidx_find(&b->idx, 20)->start, 10);
	assert_int_equal(vpci_fidx_find(&b->idx, 21)->start, 40);
	assert_null(vpci_fidx_find(&b->idx, 51));
}

static void located_add_is_an_add_without_a_second_descent(void **state)
{
	struct bench *b = *state;
	struct vpci_fidx_spot spot;

	assert_int_equal(add(b, 10, 20, 0), 0);
	assert_int_equal(add(b, 40, 50, 0), 0);
	/* Alone: a segment of its own. */
	assert_int_equal(vpci_fidx_locate(&b->idx, 30, &spot)->start, 40);
	assert_int_equal(vpci_fidx_add_located(&b->idx, &spot, 35, 0), 0);
	assert_seg(b, 30, 30, 35, 1);
	/* Touching a neighbour: the full add merges it. */
	assert_int_equal(vpci_fidx_locate(&b->idx, 21, &spot)->start, 30);
	assert_int_equal(vpci_fidx_add_located(&b->idx, &spot, 29, 0), 0);
	assert_seg(b, 25, 10, 35, 1);
	/* Over a covered frame with another translation: refused. */
	assert_int_equal(vpci_fidx_locate(&b->idx, 45, &spot)->start, 40);
	assert_int_equal(vpci_fidx_add_located(&b->idx, &spot, 46, 1),
			 VPCI_EEXIST);
	assert_int_equal(vpci_fidx_add_located(&b->idx, &spot, 44, 0),
			 VPCI_EINVAL);
	assert_seg(b, 45, 40, 50, 1);
	/* No spare node: refused, nothing changed. */
	vpci_fidx_destroy(&b->idx);
	assert_null(vpci_fidx_locate(&b->idx, 5, &spot));
	assert_int_equal(vpci_fidx_add_located(&b->idx, &spot, 6, 0),
			 VPCI_ENOSPC);
	assert_int_equal(b->idx.nr_segs, 0);
}

struct seg_list {
	struct vpci_fseg s[UNIVERSE_SEGS];
	unsigned int nr;
};

static int list_seg(void *arg, const struct vpci_fseg *seg)
{
	struct seg_list *l = arg;

	assert_true(l->nr < UNIVERSE_SEGS);
	l->s[l->nr++] = *seg;
	return 0;
}

static void assert_same_coverage(const struct vpci_fidx *a,
				 const struct vpci_fidx *b)
{
	static struct seg_list la, lb;
	unsigned int i;

	la.nr = lb.nr = 0;
	vpci_fidx_for_each(a, list_seg, &la);
	vpci_fidx_for_each(b, list_seg, &lb);
	assert_int_equal(la.nr, lb.nr);
	for (i = 0; i < la.nr; i++) {
		assert_int_equal(la.s[i].start, lb.s[i].start);
		assert_int_equal(la.s[i].last, lb.s[i].last);
		assert_int_equal(la.s[i].count, lb.s[i].count);
		assert_int_equal(la.s[i].delta, lb.s[i].delta);
	}
}

/*
 * Random adds and removes on two indexes, one adding with
 * vpci_fidx_add(), the other looking the start up first and adding
 * there: they must cover the same frames the same way throughout, and
 * the lookup must answer as vpci_fidx_find() does.
 */
static void located_adds_match_plain_adds(void **state)
{
	struct bench *b = *state;
	struct vpci_fidx other;
	struct vpci_range live[64];
	unsigned int nr_live = 0, step;
	uint64_t x = 0x243f6a8885a308d3ull;

	vpci_fidx_init(&other, b->fx.host);
	for (step = 0; step < 4000; step++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		if (nr_live < 64 && (!nr_live || x % 3)) {
			uint64_t s = (x >> 8) % 2000, l = s + (x >> 24) % 12;
			uint64_t delta = (x >> 32) % 2;
			struct vpci_fidx_spot spot;
			const struct vpci_fseg *f;
			int ra, rb;

			assert_int_equal(vpci_fidx_reserve(&b->idx, 256), 0);
			f = vpci_fidx_find(&other, s);
			assert_ptr_equal(vpci_fidx_locate(&other, s, &spot), f);
			/* Reserving between the two (map.c does) allocates
			 * chunks but leaves the spot valid. */
			assert_int_equal(vpci_fidx_reserve(&other,
							   other.nr_spare + 3),
					 0);
			ra = vpci_fidx_add(&b->idx, s, l, delta, NULL, NULL,
					   NULL);
			rb = vpci_fidx_add_located(&other, &spot, l, delta);
			assert_int_equal(ra, rb);
			if (!ra)
				live[nr_live++] = (struct vpci_range){s, l};
		} else {
			unsigned int i = (unsigned int)((x >> 8) % nr_live);

			assert_int_equal(vpci_fidx_remove(&b->idx, live[i].start,
							  live[i].last, NULL,
							  NULL),
					 0);
			assert_int_equal(vpci_fidx_remove(&other, live[i].start,
							  live[i].last, NULL,
							  NULL),
					 0);
			live[i] = live[--nr_live];
		}
		assert_same_coverage(&b->idx, &other);
	}
	vpci_fidx_destroy(&other);
}

/* ------------------------------------------------------------ appending */

/* The same tree, node for node: keys, counts and priorities. */
static void assert_same_tree(const struct vpci_fseg *a,
			     const struct vpci_fseg *b)
{
	if (!a || !b) {
		assert_ptr_equal(a, b);
		return;
	}
	assert_int_equal(a->start, b->start);
	assert_int_equal(a->last, b->last);
	assert_int_equal(a->count, b->count);
	assert_int_equal(a->delta, b->delta);
	assert_int_equal(a->prio, b->prio);
	assert_same_tree(a->left, b->left);
	assert_same_tree(a->right, b->right);
}

/* Ordered by start, heap-ordered by priority; the remembered spine, if
 * any, is the tree's right spine. */
static void assert_treap(const struct vpci_fidx *idx)
{
	const struct vpci_fseg *n, *stack[256];
	unsigned int depth = 0, len = 0;
	uint64_t prev = 0;
	bool first = true;

	/* In order, iteratively: each start above the one before. */
	n = idx->root;
	while (n || depth) {
		while (n) {
			assert_true(depth < 256);
			if (n->left)
				assert_true(n->left->prio <= n->prio);
			if (n->right)
				assert_true(n->right->prio <= n->prio);
			stack[depth++] = n;
			n = n->left;
		}
		n = stack[--depth];
		assert_true(first || n->start > prev);
		assert_true(n->start <= n->last);
		first = false;
		prev = n->last;
		n = n->right;
	}
	if (!idx->spine_ok)
		return;
	for (n = idx->root; n; n = n->right)
		assert_ptr_equal(idx->spine[len++], n);
	assert_int_equal(len, idx->spine_len);
}

/*
 * Ranges after every segment are linked from the spine's bottom without
 * a descent: the tree must be the one descents build (another index made
 * to forget its spine before every change), through appends that stand
 * alone, touch the last segment, overlap it or conflict with it, with
 * removals and inserts in the middle between.
 */
static void appends_build_the_tree_descents_build(void **state)
{
	struct bench *b = *state;
	struct vpci_fidx plain;
	uint64_t x = 0x452821e638d01377ull, next = 1000;
	unsigned int step, appended = 0;

	vpci_fidx_init(&plain, b->fx.host);
	for (step = 0; step < 3000; step++) {
		uint64_t s, l, delta = 0;
		unsigned int kind;
		struct vpci_fidx_spot sa, sp;
		int ra, rp;

		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		kind = (unsigned int)(x % 10);
		if (kind < 5) { /* an append, alone */
			s = next + 1 + (x >> 8) % 4;
		} else if (kind == 5) { /* touching the last segment */
			s = next;
		} else if (kind == 6) { /* overlapping it, maybe conflicting */
			s = next - 1;
			delta = (x >> 12) % 2;
		} else { /* anywhere below */
			s = (x >> 8) % next;
		}
		l = s + (x >> 20) % 5;
		if (kind == 9 && b->idx.nr_segs) { /* a removal */
			const struct vpci_fseg *f = vpci_fidx_find(&b->idx, s);

			if (f && f->count == 1) {
				assert_int_equal(
					vpci_fidx_remove(&b->idx, f->start,
							 f->last, NULL, NULL),
					0);
				plain.spine_ok = false;
				assert_int_equal(
					vpci_fidx_remove(&plain, f->start,
							 f->last, NULL, NULL),
					0);
			}
		} else if ((x >> 40) % 2) {
			assert_int_equal(vpci_fidx_reserve(&b->idx, 64), 0);
			assert_int_equal(vpci_fidx_reserve(&plain, 64), 0);
			appended += b->idx.spine_ok && s > next;
			plain.spine_ok = false;
			ra = vpci_fidx_add(&b->idx, s, l, delta, NULL, NULL,
					   NULL);
			rp = vpci_fidx_add(&plain, s, l, delta, NULL, NULL,
					   NULL);
			assert_int_equal(ra, rp);
		} else {
			assert_int_equal(vpci_fidx_reserve(&b->idx, 64), 0);
			assert_int_equal(vpci_fidx_reserve(&plain, 64), 0);
			appended += b->idx.spine_ok && s > next;
			plain.spine_ok = false;
			assert_ptr_equal(vpci_fidx_locate(&b->idx, s, &sa),
					 vpci_fidx_find(&b->idx, s));
			vpci_fidx_locate(&plain, s, &sp);
			assert_false(sp.append);
			ra = vpci_fidx_add_located(&b->idx, &sa, l, delta);
			rp = vpci_fidx_add_located(&plain, &sp, l, delta);
			assert_int_equal(ra, rp);
		}
		if (l >= next)
			next = l + 1;
		assert_treap(&b->idx);
		assert_treap(&plain);
		assert_same_tree(b->idx.root, plain.root);
	}
	/* The fast path was taken, not only the descents. */
	assert_true(appended > 500);
	vpci_fidx_destroy(&plain);
}

/* ------------------------------------------- randomised, against a model */

#define UNIVERSE 512u
#define MAX_LIVE 48u

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

struct model {
	uint32_t count[UNIVERSE];
	uint64_t delta[UNIVERSE];
	struct vpci_range live[MAX_LIVE];
	uint64_t live_delta[MAX_LIVE];
	unsigned int nr_live;
};

static int check_segment(void *arg, const struct vpci_fseg *seg)
{
	const struct model *m = arg;
	uint64_t f;

	for (f = seg->start; f <= seg->last; f++) {
		assert_int_equal(m->count[f], seg->count);
		assert_int_equal(m->delta[f], seg->delta);
	}
	/* Maximal: the frame just after differs. */
	if (seg->last + 1 < UNIVERSE && m->count[seg->last + 1] == seg->count)
		assert_int_not_equal(m->delta[seg->last + 1], seg->delta);
	return 0;
}

static void check_model(const struct bench *b, const struct model *m)
{
	uint64_t covered = 0, f;
	size_t segs = 0;
	const struct vpci_fseg *s;

	vpci_fidx_for_each(&b->idx, check_segment, (void *)m);
	for (s = vpci_fidx_find(&b->idx, 0); s;
	     s = vpci_fidx_find(&b->idx, s->last + 1)) {
		covered += s->last - s->start + 1;
		segs++;
	}
	for (f = 0; f < UNIVERSE; f++)
		covered -= m->count[f] ? 1 : 0;
	assert_int_equal(covered, 0);
	assert_int_equal(segs, b->idx.nr_segs);
	assert_true(!m->nr_live || segs <= 2u * m->nr_live - 1u);
}

/* The reported runs are exactly the frames that crossed 0. */
static void check_edges(const struct bench *b, const uint32_t *before,
			const struct model *m)
{
	uint64_t f;
	unsigned int i, crossed = 0, reported = 0;

	for (f = 0; f < UNIVERSE; f++)
		crossed += (before[f] == 0) != (m->count[f] == 0);
	for (i = 0; i < b->e.nr; i++) {
		for (f = b->e.r[i].start; f <= b->e.r[i].last; f++)
			assert_true((before[f] == 0) != (m->count[f] == 0));
		reported +=
			(unsigned int)(b->e.r[i].last - b->e.r[i].start + 1);
	}
	assert_int_equal(crossed, reported);
}

static void random_changes_match_a_frame_array(void **state)
{
	struct bench *b = *state;
	struct model *m = calloc(1, sizeof(*m));
	uint32_t before[UNIVERSE];
	unsigned int step;

	for (step = 0; step < 20000; step++) {
		memcpy(before, m->count, sizeof(before));
		if (m->nr_live < MAX_LIVE && (m->nr_live == 0 || rnd() % 2)) {
			uint64_t s = rnd() % UNIVERSE;
			uint64_t l = s + rnd() % 40;
			uint64_t delta = rnd() % 3, f;
			bool ok = true;
			int rc;

			if (l >= UNIVERSE)
				l = UNIVERSE - 1;
			for (f = s; f <= l; f++)
				ok &= !m->count[f] || m->delta[f] == delta;
			/* Exactly what 2 * ranges + 1 nodes allow. */
			assert_int_equal(
				vpci_fidx_reserve(&b->idx,
						  2u * (m->nr_live + 1) + 1 -
							  b->idx.nr_segs),
				0);
			b->e.nr = 0;
			rc = vpci_fidx_add(&b->idx, s, l, delta, record, &b->e,
					   NULL);
			assert_int_equal(rc, ok ? 0 : VPCI_EEXIST);
			if (ok) {
				for (f = s; f <= l; f++) {
					m->count[f]++;
					m->delta[f] = delta;
				}
				m->live[m->nr_live] = (struct vpci_range){s, l};
				m->live_delta[m->nr_live++] = delta;
			}
		} else {
			unsigned int i = (unsigned int)(rnd() % m->nr_live);
			struct vpci_range r = m->live[i];
			uint64_t f;

			/* Removals never allocate. */
			b->fx.fp.allocs_until_failure = 0;
			assert_int_equal(del(b, r.start, r.last), 0);
			b->fx.fp.allocs_until_failure = -1;
			for (f = r.start; f <= r.last; f++)
				m->count[f]--;
			m->live[i] = m->live[--m->nr_live];
			m->live_delta[i] = m->live_delta[m->nr_live];
		}
		check_edges(b, before, m);
		check_model(b, m);
	}
	free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
		T(add_reports_exactly_the_newly_covered_runs),
		T(remove_reports_exactly_the_uncovered_runs),
		T(adjacent_ranges_merge_and_split_back),
		T(a_different_translation_is_a_conflict),
		T(removing_what_is_not_covered_is_refused),
		T(changes_without_spare_nodes_fail_cleanly),
		T(nodes_reserved_in_place_survive_a_new_chunk),
		T(edges_of_the_frame_space_work),
		T(find_returns_the_holder_or_the_next),
		T(located_add_is_an_add_without_a_second_descent),
		T(located_adds_match_plain_adds),
		T(appends_build_the_tree_descents_build),
		T(random_changes_match_a_frame_array),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
