/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for src/core/rangeset.c: interval algebra, 64-bit edges,
 * allocation failure atomicity, consume/resume, and a long differential run
 * against a bitmap model. Uses its own counting allocator so every test can
 * check it leaked nothing and inject allocation failures.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "vpci/rangeset.h"
#include "vpci/vpci.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* ------------------------------------------------------------ allocator */

struct test_alloc {
	long live;          /* allocations not yet freed */
	long nr_allocs;     /* successful allocations so far */
	long fail_after;    /* fail once nr_allocs reaches this; -1: never */
	long nr_failed;     /* allocations refused */
};

static void *counting_zalloc(void *ctx, size_t size_bytes)
{
	struct test_alloc *a = ctx;
	void *p;

	if (a->fail_after >= 0 && a->nr_allocs >= a->fail_after) {
		a->nr_failed++;
		return NULL;
	}
	p = calloc(1, size_bytes);
	if (p) {
		a->nr_allocs++;
		a->live++;
	}
	return p;
}

static void counting_free(void *ctx, void *ptr)
{
	struct test_alloc *a = ctx;

	if (!ptr)
		return;
	a->live--;
	free(ptr);
}

static const struct vpci_platform_ops counting_ops = {
	.zalloc = counting_zalloc,
	.free = counting_free,
};

/* Refuse every allocation from now on. */
static void fail_allocations(struct test_alloc *a)
{
	a->fail_after = a->nr_allocs;
}

/* ----------------------------------------------------------- fixture */

struct fixture {
	struct test_alloc alloc;
	struct vpci_rangeset rs;
};

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));

	if (!fx)
		return -1;
	fx->alloc.fail_after = -1;
	vpci_rangeset_init(&fx->rs, &counting_ops, &fx->alloc);
	*state = fx;
	return 0;
}

/* Every test ends here: destroying the set must release all it holds. */
static int teardown(void **state)
{
	struct fixture *fx = *state;
	long live;

	vpci_rangeset_destroy(&fx->rs);
	live = fx->alloc.live;
	free(fx);
	assert_int_equal(live, 0);
	return 0;
}

#define TEST(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

/* ------------------------------------------------------------ helpers */

static void assert_invariants(const struct vpci_rangeset *rs)
{
	size_t i;

	assert_true(rs->nr <= rs->capacity);
	for (i = 0; i < rs->nr; i++) {
		assert_true(rs->ranges[i].start <= rs->ranges[i].last);
		if (i == 0)
			continue;
		/* sorted, disjoint and at least one value apart */
		assert_true(rs->ranges[i - 1].last < rs->ranges[i].start);
		assert_true(rs->ranges[i].start - rs->ranges[i - 1].last >= 2);
	}
	assert_int_equal(vpci_rangeset_nr_ranges(rs), rs->nr);
	assert_int_equal(vpci_rangeset_is_empty(rs), rs->nr == 0);
}

static void assert_ranges(const struct vpci_rangeset *rs,
			  const struct vpci_range *want, size_t nr)
{
	size_t i;

	assert_invariants(rs);
	assert_int_equal(rs->nr, nr);
	for (i = 0; i < nr; i++) {
		assert_int_equal(rs->ranges[i].start, want[i].start);
		assert_int_equal(rs->ranges[i].last, want[i].last);
	}
}

#define RANGES(...) ((const struct vpci_range[]){ __VA_ARGS__ })
#define EXPECT_RANGES(rs, ...)                                                  \
	assert_ranges((rs), RANGES(__VA_ARGS__),                                \
		      ARRAY_SIZE(RANGES(__VA_ARGS__)))
#define EXPECT_EMPTY(rs) assert_ranges((rs), NULL, 0)

static void add_ok(struct vpci_rangeset *rs, uint64_t start, uint64_t last)
{
	assert_int_equal(vpci_rangeset_add(rs, start, last), 0);
	assert_invariants(rs);
}

static void remove_ok(struct vpci_rangeset *rs, uint64_t start, uint64_t last)
{
	assert_int_equal(vpci_rangeset_remove(rs, start, last), 0);
	assert_invariants(rs);
}

/* A private copy of the intervals, to compare before and after a call. */
struct snapshot {
	struct vpci_range *ranges;
	size_t nr;
};

static struct snapshot take_snapshot(const struct vpci_rangeset *rs)
{
	struct snapshot s = { .nr = rs->nr };

	s.ranges = calloc(rs->nr + 1, sizeof(*s.ranges));
	assert_non_null(s.ranges);
	if (rs->nr)
		memcpy(s.ranges, rs->ranges, rs->nr * sizeof(*s.ranges));
	return s;
}

static void assert_matches_snapshot(const struct vpci_rangeset *rs,
				    struct snapshot *s)
{
	assert_ranges(rs, s->ranges, s->nr);
	free(s->ranges);
	s->ranges = NULL;
}

/* Fill the set with disjoint single values until its storage is full. */
static void fill_to_capacity(struct vpci_rangeset *rs)
{
	uint64_t v = 1000;

	add_ok(rs, v, v);
	while (rs->nr < rs->capacity) {
		v += 10;
		add_ok(rs, v, v);
	}
}

/* ------------------------------------------------------ add and merge */

static void add_to_empty_set_creates_one_interval(void **state)
{
	struct fixture *fx = *state;

	EXPECT_EMPTY(&fx->rs);
	add_ok(&fx->rs, 10, 20);
	EXPECT_RANGES(&fx->rs, { 10, 20 });
}

static void add_keeps_disjoint_intervals_sorted(void **state)
{
	struct fixture *fx = *state;

	add_ok(&fx->rs, 50, 60);
	add_ok(&fx->rs, 10, 20);
	add_ok(&fx->rs, 90, 95);
	add_ok(&fx->rs, 30, 40);
	EXPECT_RANGES(&fx->rs, { 10, 20 }, { 30, 40 }, { 50, 60 }, { 90, 95 });
}

static void add_merges_adjacent_intervals(void **state)
{
	struct fixture *fx = *state;

	add_ok(&fx->rs, 10, 19);
	add_ok(&fx->rs, 20, 29); /* touches the right end */
	EXPECT_RANGES(&fx->rs, { 10, 29 });
	add_ok(&fx->rs, 5, 9); /* touches the left end */
	EXPECT_RANGES(&fx->rs, { 5, 29 });

	add_ok(&fx->rs, 40, 50);
	add_ok(&fx->rs, 30, 39); /* bridges the two exactly */
	EXPECT_RANGES(&fx->rs, { 5, 50 });
}

static void add_does_not_merge_across_a_gap_of_one(void **state)
{
	struct fixture *fx = *state;

	add_ok(&fx->rs, 10, 19);
	add_ok(&fx->rs, 21, 30);
	EXPECT_RANGES(&fx->rs, { 10, 19 }, { 21, 30 });
	add_ok(&fx->rs, 20, 20);
	EXPECT_RANGES(&fx->rs, { 10, 30 });
}

static void add_merges_overlapping_intervals(void **state)
{
	struct fixture *fx = *state;

	add_ok(&fx->rs, 10, 20);
	add_ok(&fx->rs, 15, 25);
	EXPECT_RANGES(&fx->rs, { 10, 25 });
	add_ok(&fx->rs, 12, 18); /* already covered */
	EXPECT_RANGES(&fx->rs, { 10, 25 });

	add_ok(&fx->rs, 40, 45);
	add_ok(&fx->rs, 60, 65);
	add_ok(&fx->rs, 80, 85);
	add_ok(&fx->rs, 22, 62); /* swallows one, overlaps two */
	EXPECT_RANGES(&fx->rs, { 10, 65 }, { 80, 85 });
	add_ok(&fx->rs, 0, 100); /* covers everything */
	EXPECT_RANGES(&fx->rs, { 0, 100 });
}

static void add_grows_storage_and_keeps_contents(void **state)
{
	struct fixture *fx = *state;
	uint64_t v;
	size_t i;

	/* Reverse order makes every insert shift the whole array. */
	for (v = 3000; v > 0; v -= 3)
		add_ok(&fx->rs, v, v);
	assert_int_equal(fx->rs.nr, 1000);
	for (i = 0; i < fx->rs.nr; i++) {
		assert_int_equal(fx->rs.ranges[i].start, 3 * (i + 1));
		assert_int_equal(fx->rs.ranges[i].last, 3 * (i + 1));
	}
	/* Old arrays were freed as the set grew. */
	assert_int_equal(fx->alloc.live, 1);
}

/* ------------------------------------------------------------- remove */

static void remove_splits_interval_in_two(void **state)
{
	struct fixture *fx = *state;

	add_ok(&fx->rs, 10, 30);
	remove_ok(&fx->rs, 15, 20);
	EXPECT_RANGES(&fx->rs, { 10, 14 }, { 21, 30 });
	remove_ok(&fx->rs, 12, 12);
	EXPECT_RANGES(&fx->rs, { 10, 11 }, { 13, 14 }, { 21, 30 });
}

static void remove_trims_interval_edges(void **state)
{
	struct fixture *fx = *state;

	add_ok(&fx->rs, 10, 30);
	remove_ok(&fx->rs, 5, 12);
	EXPECT_RANGES(&fx->rs, { 13, 30 });
	remove_ok(&fx->rs, 25, 40);
	EXPECT_RANGES(&fx->rs, { 13, 24 });
	remove_ok(&fx->rs, 13, 13);
	remove_ok(&fx->rs, 24, 24);
	EXPECT_RANGES(&fx->rs, { 14, 23 });
}

static void remove_spanning_several_intervals(void **state)
{
	struct fixture *fx = *state;

	add_ok(&fx->rs, 10, 20);
	add_ok(&fx->rs, 30, 40);
	add_ok(&fx->rs, 50, 60);
	add_ok(&fx->rs, 70, 80);
	remove_ok(&fx->rs, 15, 75); /* trims both ends, drops the middle */
	EXPECT_RANGES(&fx->rs, { 10, 14 }, { 76, 80 });
	remove_ok(&fx->rs, 0, 100);
	EXPECT_EMPTY(&fx->rs);
}

static void remove_of_absent_values_changes_nothing(void **state)
{
	struct fixture *fx = *state;

	remove_ok(&fx->rs, 0, 100); /* empty set */
	add_ok(&fx->rs, 10, 20);
	add_ok(&fx->rs, 30, 40);
	remove_ok(&fx->rs, 21, 29);
	remove_ok(&fx->rs, 0, 9);
	remove_ok(&fx->rs, 41, UINT64_MAX);
	EXPECT_RANGES(&fx->rs, { 10, 20 }, { 30, 40 });
}

/* ----------------------------------------------------------- queries */

static void contains_requires_every_value(void **state)
{
	struct fixture *fx = *state;
	struct vpci_rangeset *rs = &fx->rs;

	assert_false(vpci_rangeset_contains(rs, 0, 0));
	add_ok(rs, 10, 20);
	add_ok(rs, 22, 30);
	assert_true(vpci_rangeset_contains(rs, 10, 20));
	assert_true(vpci_rangeset_contains(rs, 10, 10));
	assert_true(vpci_rangeset_contains(rs, 20, 20));
	assert_true(vpci_rangeset_contains(rs, 12, 18));
	assert_false(vpci_rangeset_contains(rs, 9, 10));
	assert_false(vpci_rangeset_contains(rs, 20, 21));
	assert_false(vpci_rangeset_contains(rs, 10, 30)); /* hole at 21 */
	assert_false(vpci_rangeset_contains(rs, 21, 21));
	assert_false(vpci_rangeset_contains(rs, 31, 40));
}

static void overlaps_detects_any_shared_value(void **state)
{
	struct fixture *fx = *state;
	struct vpci_rangeset *rs = &fx->rs;

	assert_false(vpci_rangeset_overlaps(rs, 0, UINT64_MAX));
	add_ok(rs, 10, 20);
	add_ok(rs, 30, 40);
	assert_true(vpci_rangeset_overlaps(rs, 0, 10));
	assert_true(vpci_rangeset_overlaps(rs, 20, 29));
	assert_true(vpci_rangeset_overlaps(rs, 21, 30));
	assert_true(vpci_rangeset_overlaps(rs, 0, UINT64_MAX));
	assert_false(vpci_rangeset_overlaps(rs, 0, 9));
	assert_false(vpci_rangeset_overlaps(rs, 21, 29));
	assert_false(vpci_rangeset_overlaps(rs, 41, UINT64_MAX));
}

static void find_first_clips_to_the_query(void **state)
{
	struct fixture *fx = *state;
	struct vpci_range r;

	add_ok(&fx->rs, 10, 20);
	add_ok(&fx->rs, 30, 40);

	assert_int_equal(vpci_rangeset_find_first(&fx->rs, 0, 100, &r), 0);
	assert_int_equal(r.start, 10);
	assert_int_equal(r.last, 20);
	assert_int_equal(vpci_rangeset_find_first(&fx->rs, 15, 35, &r), 0);
	assert_int_equal(r.start, 15);
	assert_int_equal(r.last, 20);
	assert_int_equal(vpci_rangeset_find_first(&fx->rs, 21, 35, &r), 0);
	assert_int_equal(r.start, 30);
	assert_int_equal(r.last, 35);
	assert_int_equal(vpci_rangeset_find_first(&fx->rs, 33, 33, &r), 0);
	assert_int_equal(r.start, 33);
	assert_int_equal(r.last, 33);
}

static void find_first_reports_enoent_when_nothing_intersects(void **state)
{
	struct fixture *fx = *state;
	struct vpci_range r = { 7, 7 };

	assert_int_equal(vpci_rangeset_find_first(&fx->rs, 0, UINT64_MAX, &r),
			 VPCI_ENOENT);
	add_ok(&fx->rs, 10, 20);
	add_ok(&fx->rs, 30, 40);
	assert_int_equal(vpci_rangeset_find_first(&fx->rs, 0, 9, &r),
			 VPCI_ENOENT);
	assert_int_equal(vpci_rangeset_find_first(&fx->rs, 21, 29, &r),
			 VPCI_ENOENT);
	assert_int_equal(vpci_rangeset_find_first(&fx->rs, 41, UINT64_MAX, &r),
			 VPCI_ENOENT);
	/* *out is untouched on failure */
	assert_int_equal(r.start, 7);
	assert_int_equal(r.last, 7);
}

/* -------------------------------------------------------- 64-bit edges */

static void boundaries_zero_and_max_merge_without_overflow(void **state)
{
	struct fixture *fx = *state;
	struct vpci_rangeset *rs = &fx->rs;

	add_ok(rs, UINT64_MAX, UINT64_MAX);
	add_ok(rs, 0, 0);
	EXPECT_RANGES(rs, { 0, 0 }, { UINT64_MAX, UINT64_MAX });
	assert_true(vpci_rangeset_contains(rs, UINT64_MAX, UINT64_MAX));
	assert_false(vpci_rangeset_contains(rs, 0, UINT64_MAX));
	assert_false(vpci_rangeset_overlaps(rs, 1, UINT64_MAX - 1));

	add_ok(rs, UINT64_MAX - 10, UINT64_MAX - 1); /* adjacent to MAX */
	add_ok(rs, 1, 10);                          /* adjacent to 0 */
	EXPECT_RANGES(rs, { 0, 10 }, { UINT64_MAX - 10, UINT64_MAX });

	add_ok(rs, 11, UINT64_MAX - 11); /* bridges everything */
	EXPECT_RANGES(rs, { 0, UINT64_MAX });
	assert_true(vpci_rangeset_contains(rs, 0, UINT64_MAX));
	add_ok(rs, 0, UINT64_MAX);
	EXPECT_RANGES(rs, { 0, UINT64_MAX });
}

static void boundaries_zero_and_max_remove_and_split(void **state)
{
	struct fixture *fx = *state;
	struct vpci_rangeset *rs = &fx->rs;
	struct vpci_range r;

	add_ok(rs, 0, UINT64_MAX);
	remove_ok(rs, 1, UINT64_MAX - 1);
	EXPECT_RANGES(rs, { 0, 0 }, { UINT64_MAX, UINT64_MAX });
	assert_int_equal(vpci_rangeset_find_first(rs, 1, UINT64_MAX, &r), 0);
	assert_int_equal(r.start, UINT64_MAX);
	assert_int_equal(r.last, UINT64_MAX);

	remove_ok(rs, UINT64_MAX, UINT64_MAX);
	remove_ok(rs, 0, 0);
	EXPECT_EMPTY(rs);

	add_ok(rs, 0, UINT64_MAX);
	remove_ok(rs, 0, 0);
	remove_ok(rs, UINT64_MAX, UINT64_MAX);
	EXPECT_RANGES(rs, { 1, UINT64_MAX - 1 });
	remove_ok(rs, 0, UINT64_MAX);
	EXPECT_EMPTY(rs);
}

static void invalid_start_after_last_is_rejected(void **state)
{
	struct fixture *fx = *state;
	struct vpci_rangeset *rs = &fx->rs;
	struct vpci_range r;

	assert_int_equal(vpci_rangeset_add(rs, 2, 1), VPCI_EINVAL);
	EXPECT_EMPTY(rs);
	assert_int_equal(fx->alloc.nr_allocs, 0);

	add_ok(rs, 0, 100);
	assert_int_equal(vpci_rangeset_remove(rs, 50, 40), VPCI_EINVAL);
	assert_int_equal(vpci_rangeset_add(rs, UINT64_MAX, 0), VPCI_EINVAL);
	EXPECT_RANGES(rs, { 0, 100 });

	/* An empty query neither is contained, nor overlaps, nor is found. */
	assert_false(vpci_rangeset_contains(rs, 50, 40));
	assert_false(vpci_rangeset_overlaps(rs, 50, 40));
	assert_int_equal(vpci_rangeset_find_first(rs, 50, 40, &r),
			 VPCI_ENOENT);
}

/* ------------------------------------------------- allocation failure */

static void add_enomem_on_first_insert_leaves_set_empty(void **state)
{
	struct fixture *fx = *state;

	fail_allocations(&fx->alloc);
	assert_int_equal(vpci_rangeset_add(&fx->rs, 1, 2), VPCI_ENOMEM);
	EXPECT_EMPTY(&fx->rs);
	assert_null(fx->rs.ranges);
}

static void add_enomem_leaves_set_unchanged(void **state)
{
	struct fixture *fx = *state;
	struct snapshot before;

	fill_to_capacity(&fx->rs);
	before = take_snapshot(&fx->rs);
	fail_allocations(&fx->alloc);

	/* front, middle and back inserts all need a new slot */
	assert_int_equal(vpci_rangeset_add(&fx->rs, 0, 5), VPCI_ENOMEM);
	assert_int_equal(vpci_rangeset_add(&fx->rs, 1003, 1005), VPCI_ENOMEM);
	assert_int_equal(vpci_rangeset_add(&fx->rs, UINT64_MAX, UINT64_MAX),
			 VPCI_ENOMEM);
	assert_int_equal(fx->alloc.nr_failed, 3);
	assert_matches_snapshot(&fx->rs, &before);
}

static void add_that_merges_needs_no_allocation(void **state)
{
	struct fixture *fx = *state;
	size_t nr;

	fill_to_capacity(&fx->rs);
	nr = fx->rs.nr;
	fail_allocations(&fx->alloc);

	add_ok(&fx->rs, 1001, 1009); /* fuses two intervals into one */
	assert_int_equal(fx->rs.nr, nr - 1);
	add_ok(&fx->rs, 1005, 1005); /* now fits in the freed slot */
	add_ok(&fx->rs, 999, 999);  /* adjacent: merges */
	assert_int_equal(fx->alloc.nr_failed, 0);
}

static void remove_split_enomem_leaves_set_unchanged(void **state)
{
	struct fixture *fx = *state;
	struct snapshot before;

	fill_to_capacity(&fx->rs);
	add_ok(&fx->rs, 1010, 1014); /* widen one entry so it can split */
	assert_int_equal(fx->rs.nr, fx->rs.capacity);
	before = take_snapshot(&fx->rs);
	fail_allocations(&fx->alloc);

	assert_int_equal(vpci_rangeset_remove(&fx->rs, 1012, 1012),
			 VPCI_ENOMEM);
	assert_matches_snapshot(&fx->rs, &before);

	/* Removals that do not split still work without memory. */
	remove_ok(&fx->rs, 1010, 1012);
	remove_ok(&fx->rs, 1000, 1000);
	assert_int_equal(fx->alloc.nr_failed, 1);
}

/* ------------------------------------------------------------ consume */

/* Records what consume handed out; handles at most `budget` values a call. */
struct consumer {
	uint64_t budget;      /* 0: unlimited */
	int error;            /* returned when the budget runs out */
	uint64_t report_done; /* if nonzero, overrides the done count */
	size_t nr_calls;
	struct vpci_range seen[16];
};

static int consume_some(void *arg, uint64_t start, uint64_t last,
			uint64_t *done)
{
	struct consumer *c = arg;

	assert_true(c->nr_calls < ARRAY_SIZE(c->seen));
	c->seen[c->nr_calls].start = start;
	c->seen[c->nr_calls].last = last;
	c->nr_calls++;
	if (c->report_done) {
		*done = c->report_done;
		return c->error;
	}
	if (c->budget == 0 || last - start < c->budget)
		return 0;
	*done = c->budget;
	return c->error;
}

static void assert_seen(const struct consumer *c, size_t i, uint64_t start,
			uint64_t last)
{
	assert_true(i < c->nr_calls);
	assert_int_equal(c->seen[i].start, start);
	assert_int_equal(c->seen[i].last, last);
}

static void consume_removes_every_interval_handed_over(void **state)
{
	struct fixture *fx = *state;
	struct consumer c = { 0 };

	add_ok(&fx->rs, 30, 40);
	add_ok(&fx->rs, 10, 20);
	add_ok(&fx->rs, UINT64_MAX - 1, UINT64_MAX);
	assert_int_equal(vpci_rangeset_consume(&fx->rs, consume_some, &c), 0);
	EXPECT_EMPTY(&fx->rs);
	assert_int_equal(c.nr_calls, 3);
	assert_seen(&c, 0, 10, 20);
	assert_seen(&c, 1, 30, 40);
	assert_seen(&c, 2, UINT64_MAX - 1, UINT64_MAX);

	c.nr_calls = 0;
	assert_int_equal(vpci_rangeset_consume(&fx->rs, consume_some, &c), 0);
	assert_int_equal(c.nr_calls, 0);
}

static void consume_partial_progress_keeps_remainder_and_resumes(void **state)
{
	struct fixture *fx = *state;
	struct consumer c = { .budget = 4, .error = VPCI_ERESTART };

	add_ok(&fx->rs, 0, 5);
	add_ok(&fx->rs, 10, 11);

	assert_int_equal(vpci_rangeset_consume(&fx->rs, consume_some, &c),
			 VPCI_ERESTART);
	EXPECT_RANGES(&fx->rs, { 4, 5 }, { 10, 11 });

	/* Resuming finishes both intervals (each now within budget). */
	assert_int_equal(vpci_rangeset_consume(&fx->rs, consume_some, &c), 0);
	EXPECT_EMPTY(&fx->rs);
	assert_int_equal(c.nr_calls, 3);
	assert_seen(&c, 0, 0, 5);
	assert_seen(&c, 1, 4, 5);
	assert_seen(&c, 2, 10, 11);
}

static void consume_error_removes_finished_intervals_and_done_part(
	void **state)
{
	struct fixture *fx = *state;
	struct consumer c = { .budget = 3, .error = VPCI_EIO };

	add_ok(&fx->rs, 0, 1);   /* fits the budget: finished */
	add_ok(&fx->rs, 10, 15); /* does not: 3 done, then the error */
	add_ok(&fx->rs, 20, 25); /* never reached */
	assert_int_equal(vpci_rangeset_consume(&fx->rs, consume_some, &c),
			 VPCI_EIO);
	EXPECT_RANGES(&fx->rs, { 13, 15 }, { 20, 25 });
	assert_int_equal(c.nr_calls, 2);
}

static int fail_without_progress(void *arg, uint64_t start, uint64_t last,
				 uint64_t *done)
{
	(void)arg;
	(void)start;
	(void)last;
	assert_int_equal(*done, 0); /* and left at 0: nothing was handled */
	return VPCI_EIO;
}

static void consume_error_without_progress_keeps_interval(void **state)
{
	struct fixture *fx = *state;

	add_ok(&fx->rs, 10, 20);
	add_ok(&fx->rs, 30, 30);
	assert_int_equal(vpci_rangeset_consume(&fx->rs, fail_without_progress,
					       NULL),
			 VPCI_EIO);
	EXPECT_RANGES(&fx->rs, { 10, 20 }, { 30, 30 });
}

static void consume_one_value_of_progress_trims_one_value(void **state)
{
	struct fixture *fx = *state;
	struct consumer c = { .budget = 1, .error = VPCI_ERESTART };

	add_ok(&fx->rs, 10, 20);
	assert_int_equal(vpci_rangeset_consume(&fx->rs, consume_some, &c),
			 VPCI_ERESTART);
	EXPECT_RANGES(&fx->rs, { 11, 20 });
}

static void consume_clamps_done_to_interval_length(void **state)
{
	struct fixture *fx = *state;
	struct consumer c = { .report_done = 1000, .error = VPCI_EIO };

	add_ok(&fx->rs, 10, 20);
	add_ok(&fx->rs, 30, 40);
	assert_int_equal(vpci_rangeset_consume(&fx->rs, consume_some, &c),
			 VPCI_EIO);
	EXPECT_RANGES(&fx->rs, { 30, 40 });
	assert_int_equal(c.nr_calls, 1);
}

static void consume_of_whole_space_counts_without_overflow(void **state)
{
	struct fixture *fx = *state;
	struct consumer c = { .report_done = UINT64_MAX,
			      .error = VPCI_ERESTART };

	/* 2^64 values: done = 2^64 - 1 leaves exactly the last one. */
	add_ok(&fx->rs, 0, UINT64_MAX);
	assert_int_equal(vpci_rangeset_consume(&fx->rs, consume_some, &c),
			 VPCI_ERESTART);
	EXPECT_RANGES(&fx->rs, { UINT64_MAX, UINT64_MAX });

	c.report_done = 1;
	assert_int_equal(vpci_rangeset_consume(&fx->rs, consume_some, &c),
			 VPCI_ERESTART);
	EXPECT_EMPTY(&fx->rs);
}

/* ----------------------------------------------------- for_each, clear */

struct visitor {
	size_t nr_visits;
	size_t stop_at; /* return nonzero on this visit (1-based); 0: never */
	struct vpci_range seen[8];
};

static int visit_record(void *arg, uint64_t start, uint64_t last)
{
	struct visitor *v = arg;

	assert_true(v->nr_visits < ARRAY_SIZE(v->seen));
	v->seen[v->nr_visits].start = start;
	v->seen[v->nr_visits].last = last;
	v->nr_visits++;
	return v->nr_visits == v->stop_at ? 42 : 0;
}

static void for_each_visits_in_ascending_order(void **state)
{
	struct fixture *fx = *state;
	struct visitor v = { 0 };

	assert_int_equal(vpci_rangeset_for_each(&fx->rs, visit_record, &v), 0);
	assert_int_equal(v.nr_visits, 0);

	add_ok(&fx->rs, 50, 60);
	add_ok(&fx->rs, 0, 0);
	add_ok(&fx->rs, 20, 30);
	assert_int_equal(vpci_rangeset_for_each(&fx->rs, visit_record, &v), 0);
	assert_int_equal(v.nr_visits, 3);
	assert_ranges(&fx->rs, v.seen, v.nr_visits);
}

static void for_each_stops_at_first_nonzero_result(void **state)
{
	struct fixture *fx = *state;
	struct visitor v = { .stop_at = 2 };

	add_ok(&fx->rs, 0, 0);
	add_ok(&fx->rs, 20, 30);
	add_ok(&fx->rs, 50, 60);
	assert_int_equal(vpci_rangeset_for_each(&fx->rs, visit_record, &v), 42);
	assert_int_equal(v.nr_visits, 2);
	assert_int_equal(v.seen[1].start, 20);
	EXPECT_RANGES(&fx->rs, { 0, 0 }, { 20, 30 }, { 50, 60 });
}

static void clear_empties_set_and_keeps_storage(void **state)
{
	struct fixture *fx = *state;
	struct vpci_range *storage;

	add_ok(&fx->rs, 1, 2);
	add_ok(&fx->rs, 5, 6);
	storage = fx->rs.ranges;
	vpci_rangeset_clear(&fx->rs);
	EXPECT_EMPTY(&fx->rs);
	assert_false(vpci_rangeset_overlaps(&fx->rs, 0, UINT64_MAX));
	assert_ptr_equal(fx->rs.ranges, storage);

	/* Reuse needs no new allocation. */
	fail_allocations(&fx->alloc);
	add_ok(&fx->rs, 7, 8);
	EXPECT_RANGES(&fx->rs, { 7, 8 });
}

static void destroy_releases_storage_and_set_is_reusable(void **state)
{
	struct fixture *fx = *state;

	add_ok(&fx->rs, 1, 2);
	vpci_rangeset_destroy(&fx->rs);
	assert_int_equal(fx->alloc.live, 0);
	EXPECT_EMPTY(&fx->rs);
	vpci_rangeset_destroy(&fx->rs); /* twice is harmless */

	add_ok(&fx->rs, 3, 4);
	EXPECT_RANGES(&fx->rs, { 3, 4 });
}

/* ------------------------------------------------------- differential */

#define MODEL_SIZE 1024u
#define DIFF_STEPS 25000u

/* The obvious implementation: one bool per value in [base, base + 1023]. */
struct model {
	uint64_t base;
	bool in[MODEL_SIZE];
};

/* splitmix64: small, seedable, good enough to drive tests. */
static uint64_t prng_next(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static unsigned int prng_below(uint64_t *state, unsigned int bound)
{
	return (unsigned int)(prng_next(state) % bound);
}

/* A random [*a, *b] in the model universe; short intervals are likelier. */
static void random_span(uint64_t *seed, unsigned int *a, unsigned int *b)
{
	unsigned int len_limit = prng_below(seed, 64) == 0 ? MODEL_SIZE : 16;

	*a = prng_below(seed, MODEL_SIZE);
	*b = *a + prng_below(seed, len_limit);
	if (*b >= MODEL_SIZE)
		*b = MODEL_SIZE - 1;
}

static void model_set(struct model *m, unsigned int a, unsigned int b,
		      bool value)
{
	unsigned int v;

	for (v = a; v <= b; v++)
		m->in[v] = value;
}

/* The set must hold exactly the model's values, as maximal intervals. */
static void assert_same_as_model(const struct vpci_rangeset *rs,
				 const struct model *m)
{
	bool seen[MODEL_SIZE] = { false };
	size_t i;

	assert_invariants(rs);
	for (i = 0; i < rs->nr; i++) {
		uint64_t v;

		assert_true(rs->ranges[i].start >= m->base);
		assert_true(rs->ranges[i].last - m->base < MODEL_SIZE);
		for (v = rs->ranges[i].start; v <= rs->ranges[i].last; v++) {
			seen[v - m->base] = true;
			if (v == UINT64_MAX)
				break;
		}
	}
	assert_memory_equal(seen, m->in, sizeof(seen));
}

static void check_queries(const struct vpci_rangeset *rs,
			  const struct model *m, unsigned int a,
			  unsigned int b)
{
	bool all = true, any = false;
	unsigned int v, first = a, first_last;
	struct vpci_range r;
	int rc;

	for (v = a; v <= b; v++) {
		all = all && m->in[v];
		any = any || m->in[v];
	}
	assert_int_equal(vpci_rangeset_contains(rs, m->base + a, m->base + b),
			 all);
	assert_int_equal(vpci_rangeset_overlaps(rs, m->base + a, m->base + b),
			 any);
	rc = vpci_rangeset_find_first(rs, m->base + a, m->base + b, &r);
	assert_int_equal(rc, any ? 0 : VPCI_ENOENT);
	if (!any)
		return;
	while (!m->in[first])
		first++;
	for (first_last = first; first_last < b && m->in[first_last + 1];)
		first_last++;
	assert_int_equal(r.start, m->base + first);
	assert_int_equal(r.last, m->base + first_last);
}

/* Consume callback for the differential run: handles `budget` values in
 * total across calls, then asks to be restarted. */
static int consume_budget(void *arg, uint64_t start, uint64_t last,
			  uint64_t *done)
{
	uint64_t *budget = arg;

	if (last - start < *budget) {
		*budget -= last - start + 1;
		return 0;
	}
	*done = *budget;
	*budget = 0;
	return VPCI_ERESTART;
}

/* Drop the lowest `budget` values; returns how many values remain. */
static unsigned int model_consume(struct model *m, unsigned int budget)
{
	unsigned int v, left = 0;

	for (v = 0; v < MODEL_SIZE; v++) {
		if (m->in[v] && budget) {
			m->in[v] = false;
			budget--;
		}
		left += m->in[v];
	}
	return left;
}

static void diff_consume(struct vpci_rangeset *rs, struct model *m,
			 unsigned int budget)
{
	uint64_t left_budget = budget;
	int rc = vpci_rangeset_consume(rs, consume_budget, &left_budget);

	assert_int_equal(rc, model_consume(m, budget) ? VPCI_ERESTART : 0);
}

/* Add or remove under a random allocation drought; ENOMEM must be a no-op. */
static void diff_mutate(struct fixture *fx, struct model *m, bool add,
			unsigned int a, unsigned int b, bool starve)
{
	uint64_t start = m->base + a, last = m->base + b;
	int rc;

	fx->alloc.fail_after = starve ? fx->alloc.nr_allocs : -1;
	rc = add ? vpci_rangeset_add(&fx->rs, start, last)
		 : vpci_rangeset_remove(&fx->rs, start, last);
	fx->alloc.fail_after = -1;
	if (rc == VPCI_ENOMEM && starve)
		return;
	assert_int_equal(rc, 0);
	model_set(m, a, b, add);
}

/*
 * One random change, then one random query and a full comparison. Now and
 * then the set is destroyed so that storage has to grow again (and, under
 * a drought, fail to).
 */
static void diff_step(struct fixture *fx, struct model *m, uint64_t *seed)
{
	unsigned int a, b, op = prng_below(seed, 256);
	bool starve = prng_below(seed, 8) == 0;

	random_span(seed, &a, &b);
	if (op < 120) {
		diff_mutate(fx, m, true, a, b, starve);
	} else if (op < 240) {
		diff_mutate(fx, m, false, a, b, starve);
	} else if (op < 252) {
		diff_consume(&fx->rs, m, prng_below(seed, 64));
	} else if (op == 252) {
		vpci_rangeset_destroy(&fx->rs);
		model_set(m, 0, MODEL_SIZE - 1, false);
	} else if (op == 253) {
		vpci_rangeset_clear(&fx->rs);
		model_set(m, 0, MODEL_SIZE - 1, false);
	} /* else: a query-only step */
	random_span(seed, &a, &b);
	check_queries(&fx->rs, m, a, b);
	assert_same_as_model(&fx->rs, m);
}

static void run_differential(struct fixture *fx, uint64_t base, uint64_t seed)
{
	struct model *m = calloc(1, sizeof(*m));
	unsigned int step;

	assert_non_null(m);
	m->base = base;
	for (step = 0; step < DIFF_STEPS; step++)
		diff_step(fx, m, &seed);
	free(m);
}

static void differential_random_operations_match_bitmap_model(void **state)
{
	run_differential(*state, 0, 0x5eed0001ull);
}

/* Same run with the universe pushed against UINT64_MAX. */
static void differential_near_uint64_max_matches_bitmap_model(void **state)
{
	run_differential(*state, UINT64_MAX - (MODEL_SIZE - 1), 0x5eed0002ull);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		TEST(add_to_empty_set_creates_one_interval),
		TEST(add_keeps_disjoint_intervals_sorted),
		TEST(add_merges_adjacent_intervals),
		TEST(add_does_not_merge_across_a_gap_of_one),
		TEST(add_merges_overlapping_intervals),
		TEST(add_grows_storage_and_keeps_contents),
		TEST(remove_splits_interval_in_two),
		TEST(remove_trims_interval_edges),
		TEST(remove_spanning_several_intervals),
		TEST(remove_of_absent_values_changes_nothing),
		TEST(contains_requires_every_value),
		TEST(overlaps_detects_any_shared_value),
		TEST(find_first_clips_to_the_query),
		TEST(find_first_reports_enoent_when_nothing_intersects),
		TEST(boundaries_zero_and_max_merge_without_overflow),
		TEST(boundaries_zero_and_max_remove_and_split),
		TEST(invalid_start_after_last_is_rejected),
		TEST(add_enomem_on_first_insert_leaves_set_empty),
		TEST(add_enomem_leaves_set_unchanged),
		TEST(add_that_merges_needs_no_allocation),
		TEST(remove_split_enomem_leaves_set_unchanged),
		TEST(consume_removes_every_interval_handed_over),
		TEST(consume_partial_progress_keeps_remainder_and_resumes),
		TEST(consume_error_removes_finished_intervals_and_done_part),
		TEST(consume_error_without_progress_keeps_interval),
		TEST(consume_one_value_of_progress_trims_one_value),
		TEST(consume_clamps_done_to_interval_length),
		TEST(consume_of_whole_space_counts_without_overflow),
		TEST(for_each_visits_in_ascending_order),
		TEST(for_each_stops_at_first_nonzero_result),
		TEST(clear_empties_set_and_keeps_storage),
		TEST(destroy_releases_storage_and_set_is_reusable),
		TEST(differential_random_operations_match_bitmap_model),
		TEST(differential_near_uint64_max_matches_bitmap_model),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
