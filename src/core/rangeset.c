/* SPDX-License-Identifier: MIT */
/*
 * Rangesets: owns the sorted array of maximal, disjoint, non-adjacent
 * inclusive intervals behind struct vpci_rangeset, and every change to it.
 * It does not own what the numbers mean (frames, ports) nor any locking:
 * callers serialise access to one set.
 *
 * Every mutation that may need memory allocates before touching the array,
 * so VPCI_ENOMEM always leaves the set as it was. Interval arithmetic never
 * computes last + 1 or start - 1 without first ruling out the wrap at
 * UINT64_MAX or 0.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vpci/rangeset.h"
#include "vpci/errors.h"

/* First capacity handed out; doubles from there. */
#define RANGESET_INITIAL_CAPACITY 8u

void vpci_rangeset_init(struct vpci_rangeset *rs,
			const struct vpci_platform_ops *ops, void *ctx)
{
	rs->ranges = NULL;
	rs->nr = 0;
	rs->capacity = 0;
	rs->ops = ops;
	rs->ctx = ctx;
}

void vpci_rangeset_destroy(struct vpci_rangeset *rs)
{
	if (rs->ranges)
		rs->ops->free(rs->ctx, rs->ranges);
	rs->ranges = NULL;
	rs->nr = 0;
	rs->capacity = 0;
}

void vpci_rangeset_clear(struct vpci_rangeset *rs)
{
	rs->nr = 0;
}

size_t vpci_rangeset_nr_ranges(const struct vpci_rangeset *rs)
{
	return rs->nr;
}

/* Move count entries from index src to index dst (regions may overlap). */
static void move_ranges(struct vpci_rangeset *rs, size_t dst, size_t src,
			size_t count)
{
	/* Skip empty moves: rs->ranges may be NULL, and memmove(NULL, ...) is
	 * undefined even for zero bytes. */
	if (count == 0 || dst == src)
		return;
	__builtin_memmove(&rs->ranges[dst], &rs->ranges[src],
			  count * sizeof(rs->ranges[0]));
}

/* Delete entries [first, end). */
static void delete_ranges(struct vpci_rangeset *rs, size_t first, size_t end)
{
	move_ranges(rs, first, end, rs->nr - end);
	rs->nr -= end - first;
}

/* Make room for one more entry than rs->nr holds; the set is untouched. */
static int reserve_one_more(struct vpci_rangeset *rs)
{
	const size_t max_entries = SIZE_MAX / sizeof(struct vpci_range);
	struct vpci_range *bigger;
	size_t new_capacity;

	if (rs->nr < rs->capacity)
		return 0;
	if (rs->capacity == 0)
		new_capacity = RANGESET_INITIAL_CAPACITY;
	else if (rs->capacity <= max_entries / 2)
		new_capacity = rs->capacity * 2;
	else if (rs->capacity < max_entries)
		new_capacity = max_entries;
	else
		return VPCI_ENOMEM;

	bigger = rs->ops->zalloc(rs->ctx, new_capacity * sizeof(*bigger));
	if (!bigger)
		return VPCI_ENOMEM;
	if (rs->nr)
		__builtin_memcpy(bigger, rs->ranges, rs->nr * sizeof(*bigger));
	if (rs->ranges)
		rs->ops->free(rs->ctx, rs->ranges);
	rs->ranges = bigger;
	rs->capacity = new_capacity;
	return 0;
}

/* Index of the first interval with last >= value, or rs->nr. */
static size_t first_ending_at_or_after(const struct vpci_rangeset *rs,
				       uint64_t value)
{
	size_t lo = 0, hi = rs->nr;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (rs->ranges[mid].last < value)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Index of the first interval with start > value, or rs->nr. */
static size_t first_starting_after(const struct vpci_rangeset *rs,
				   uint64_t value)
{
	size_t lo = 0, hi = rs->nr;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (rs->ranges[mid].start <= value)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static uint64_t min_u64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

static uint64_t max_u64(uint64_t a, uint64_t b)
{
	return a > b ? a : b;
}

int vpci_rangeset_add(struct vpci_rangeset *rs, uint64_t start, uint64_t last)
{
	size_t first, end;
	int rc;

	if (start > last)
		return VPCI_EINVAL;

	/* [first, end) are the intervals overlapping or adjacent to the new
	 * one: they all fuse with it into a single maximal interval. */
	first = start == 0 ? 0 : first_ending_at_or_after(rs, start - 1);
	end = last == UINT64_MAX ? rs->nr : first_starting_after(rs, last + 1);

	if (first == end) {
		rc = reserve_one_more(rs);
		if (rc)
			return rc;
		move_ranges(rs, first + 1, first, rs->nr - first);
		rs->ranges[first].start = start;
		rs->ranges[first].last = last;
		rs->nr++;
		return 0;
	}

	rs->ranges[first].start = min_u64(start, rs->ranges[first].start);
	rs->ranges[first].last = max_u64(last, rs->ranges[end - 1].last);
	delete_ranges(rs, first + 1, end);
	return 0;
}

/* Cut [start, last] out of the middle of interval i, leaving two. */
static int split_range(struct vpci_rangeset *rs, size_t i, uint64_t start,
		       uint64_t last)
{
	int rc = reserve_one_more(rs);

	if (rc)
		return rc;
	move_ranges(rs, i + 1, i, rs->nr - i);
	rs->nr++;
	rs->ranges[i].last = start - 1;
	rs->ranges[i + 1].start = last + 1;
	return 0;
}

int vpci_rangeset_remove(struct vpci_rangeset *rs, uint64_t start,
			 uint64_t last)
{
	size_t first, end;
	bool keep_head, keep_tail;

	if (start > last)
		return VPCI_EINVAL;

	/* [first, end) are the intervals sharing at least one value. */
	first = first_ending_at_or_after(rs, start);
	end = first_starting_after(rs, last);
	if (first >= end)
		return 0;

	/* keep_head implies start > 0 and keep_tail implies last < UINT64_MAX,
	 * so the +1/-1 below cannot wrap. */
	keep_head = rs->ranges[first].start < start;
	keep_tail = rs->ranges[end - 1].last > last;
	if (keep_head && keep_tail && end - first == 1)
		return split_range(rs, first, start, last);

	if (keep_tail)
		rs->ranges[--end].start = last + 1;
	if (keep_head)
		rs->ranges[first++].last = start - 1;
	if (first < end)
		delete_ranges(rs, first, end);
	return 0;
}

bool vpci_rangeset_contains(const struct vpci_rangeset *rs, uint64_t start,
			    uint64_t last)
{
	size_t i;

	if (start > last)
		return false;
	/* Intervals are maximal, so a covered query lies inside exactly one. */
	i = first_ending_at_or_after(rs, start);
	return i < rs->nr && rs->ranges[i].start <= start &&
	       rs->ranges[i].last >= last;
}

bool vpci_rangeset_overlaps(const struct vpci_rangeset *rs, uint64_t start,
			    uint64_t last)
{
	size_t i;

	if (start > last)
		return false;
	i = first_ending_at_or_after(rs, start);
	return i < rs->nr && rs->ranges[i].start <= last;
}

int vpci_rangeset_find_first(const struct vpci_rangeset *rs, uint64_t start,
			     uint64_t last, struct vpci_range *out)
{
	size_t i;

	if (start > last)
		return VPCI_ENOENT;
	i = first_ending_at_or_after(rs, start);
	if (i == rs->nr || rs->ranges[i].start > last)
		return VPCI_ENOENT;
	out->start = max_u64(start, rs->ranges[i].start);
	out->last = min_u64(last, rs->ranges[i].last);
	return 0;
}

int vpci_rangeset_for_each(const struct vpci_rangeset *rs,
			   vpci_range_visit_fn *visit, void *arg)
{
	size_t i;

	for (i = 0; i < rs->nr; i++) {
		int rc = visit(arg, rs->ranges[i].start, rs->ranges[i].last);

		if (rc)
			return rc;
	}
	return 0;
}

/*
 * Record that fn got `done` values into the interval before failing; done
 * beyond the interval counts as all of it. The size of [0, UINT64_MAX] is
 * 2^64, which no uint64_t holds, so compare against last - start instead.
 * Returns true when the whole interval is gone.
 */
static bool trim_consumed(struct vpci_range *range, uint64_t done)
{
	if (done > range->last - range->start)
		return true;
	range->start += done;
	return false;
}

int vpci_rangeset_consume(struct vpci_rangeset *rs, vpci_range_consume_fn *fn,
			  void *arg)
{
	size_t finished = 0;
	int rc = 0;

	/* Finished intervals are dropped in one move at the end, keeping a
	 * full drain linear in the number of intervals. */
	while (finished < rs->nr) {
		struct vpci_range *range = &rs->ranges[finished];
		uint64_t done = 0;

		rc = fn(arg, range->start, range->last, &done);
		if (rc) {
			if (trim_consumed(range, done))
				finished++;
			break;
		}
		finished++;
	}
	delete_ranges(rs, 0, finished);
	return rc;
}
