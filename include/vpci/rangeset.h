/* SPDX-License-Identifier: MIT */
/*
 * Rangesets: sets of disjoint, inclusive 64-bit integer intervals (frame
 * numbers, I/O ports). Kept as a sorted array of maximal intervals, so
 * membership is a binary search. Storage comes from the platform's zalloc;
 * a failed allocation leaves the set exactly as it was.
 */
#ifndef VPCI_RANGESET_H
#define VPCI_RANGESET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vpci/api.h"
#include "vpci/errors.h"
#include "vpci/platform.h"

VPCI_BEGIN_DECLS

struct vpci_range {
	uint64_t start;
	uint64_t last; /* inclusive */
};

struct vpci_rangeset {
	struct vpci_range *ranges; /* sorted, disjoint, non-adjacent */
	size_t nr;
	size_t capacity;
	const struct vpci_platform_ops *ops;
	void *ctx;
};

/*
 * Callback for vpci_rangeset_consume(): handle [start, last]. Return 0 when
 * the whole interval is done, or a negative code after setting *done to the
 * number of leading values handled (VPCI_ERESTART means "call me again").
 * *done is 0 on entry. The callback must not modify the set.
 */
typedef int vpci_range_consume_fn(void *arg, uint64_t start, uint64_t last,
				  uint64_t *done);
/* Callback for vpci_rangeset_for_each(): non-zero stops the walk. The
 * callback must not modify the set. */
typedef int vpci_range_visit_fn(void *arg, uint64_t start, uint64_t last);

/* Prepare an empty set that allocates through ops->zalloc/free. */
void vpci_rangeset_init(struct vpci_rangeset *rs,
			const struct vpci_platform_ops *ops, void *ctx);
/* Release storage; the set is empty and reusable afterwards (destroying
 * it again is harmless). */
void vpci_rangeset_destroy(struct vpci_rangeset *rs);
/* Remove every interval, keeping storage (so it cannot fail). */
void vpci_rangeset_clear(struct vpci_rangeset *rs);

/*
 * Add [start, last], merging with overlapping and adjacent intervals.
 * Returns 0, VPCI_EINVAL if start > last, VPCI_ENOMEM (set unchanged).
 */
int vpci_rangeset_add(struct vpci_rangeset *rs, uint64_t start, uint64_t last);
/*
 * Remove [start, last]; may split an interval in two. Returns 0,
 * VPCI_EINVAL if start > last, VPCI_ENOMEM (set unchanged; only a split
 * of an interval into two can need memory).
 */
int vpci_rangeset_remove(struct vpci_rangeset *rs, uint64_t start,
			 uint64_t last);
/* True if every value of [start, last] is in the set; false if
 * start > last. */
bool vpci_rangeset_contains(const struct vpci_rangeset *rs, uint64_t start,
			    uint64_t last);
/* True if any value of [start, last] is in the set; false if
 * start > last. */
bool vpci_rangeset_overlaps(const struct vpci_rangeset *rs, uint64_t start,
			    uint64_t last);
/*
 * The first interval of the set that intersects [start, last], clipped to
 * it, in *out. Returns 0 or VPCI_ENOENT (also when start > last; *out is
 * then untouched).
 */
int vpci_rangeset_find_first(const struct vpci_rangeset *rs, uint64_t start,
			     uint64_t last, struct vpci_range *out);
/* Visit every interval in ascending order; returns the first non-zero
 * callback result, or 0. */
int vpci_rangeset_for_each(const struct vpci_rangeset *rs,
			   vpci_range_visit_fn *visit, void *arg);
/*
 * Hand each interval to fn in ascending order and remove what fn reports
 * done. Stops at the first error (any non-zero return) and returns it,
 * leaving the unfinished part (including the remainder of a partly done
 * interval) in the set, so a preempted caller resumes by calling consume
 * again. A *done at or beyond the interval's size removes all of it. Never
 * allocates. Returns 0 when the set is empty.
 */
int vpci_rangeset_consume(struct vpci_rangeset *rs, vpci_range_consume_fn *fn,
			  void *arg);
/* Number of maximal intervals in the set. */
size_t vpci_rangeset_nr_ranges(const struct vpci_rangeset *rs);
static inline bool vpci_rangeset_is_empty(const struct vpci_rangeset *rs)
{
	return rs->nr == 0;
}

VPCI_END_DECLS

#endif /* VPCI_RANGESET_H */
