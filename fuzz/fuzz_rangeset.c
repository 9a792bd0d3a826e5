/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for src/core/rangeset.c: reads the input as a program of
 * rangeset operations and replays each one against a bitmap model of a
 * 1024-value universe, abort()ing on any disagreement, broken invariant or
 * leaked allocation.
 *
 * Input: one header byte, then 5-byte operations.
 *   header bit 0: put the universe at [UINT64_MAX - 1023, UINT64_MAX]
 *                 instead of [0, 1023], to reach the wrap-around edges.
 *   op byte:      bits 0-2 pick the operation (see enum fuzz_op);
 *                 bit 3 keeps a > b as given (expect VPCI_EINVAL) instead
 *                 of swapping; bit 4 makes every allocation fail.
 *   a, b:         little-endian 16-bit values, taken modulo 1024.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "vpci/rangeset.h"
#include "vpci/vpci.h"

#define UNIVERSE 1024u
#define OP_BYTES 5u

enum fuzz_op {
	OP_ADD,
	OP_REMOVE,
	OP_QUERY,
	OP_CONSUME,
	OP_CLEAR,
	OP_DESTROY,
	OP_FOR_EACH,
	OP_QUERY_POINT,
};

struct fuzz_alloc {
	long live;
	bool fail;
};

struct fuzz_state {
	struct fuzz_alloc alloc;
	struct vpci_rangeset rs;
	uint64_t base;
	bool in[UNIVERSE];
};

#define CHECK(cond)                                                             \
	do {                                                                    \
		if (!(cond))                                                    \
			abort();                                                \
	} while (0)

static void *fuzz_zalloc(void *ctx, size_t size_bytes)
{
	struct fuzz_alloc *a = ctx;
	void *p;

	if (a->fail)
		return NULL;
	p = calloc(1, size_bytes);
	if (p)
		a->live++;
	return p;
}

static void fuzz_free(void *ctx, void *ptr)
{
	struct fuzz_alloc *a = ctx;

	if (!ptr)
		return;
	a->live--;
	free(ptr);
}

static const struct vpci_platform_ops fuzz_ops = {
	.zalloc = fuzz_zalloc,
	.free = fuzz_free,
};

static void model_set(struct fuzz_state *s, unsigned int a, unsigned int b,
		      bool value)
{
	for (unsigned int v = a; v <= b; v++)
		s->in[v] = value;
}

/* Sorted, disjoint, non-adjacent, inside the universe, equal to the model. */
static void check_against_model(const struct fuzz_state *s)
{
	const struct vpci_rangeset *rs = &s->rs;
	bool seen[UNIVERSE] = { false };

	CHECK(rs->nr <= rs->capacity);
	CHECK(vpci_rangeset_nr_ranges(rs) == rs->nr);
	for (size_t i = 0; i < rs->nr; i++) {
		const struct vpci_range *r = &rs->ranges[i];

		CHECK(r->start <= r->last);
		CHECK(r->start >= s->base && r->last - s->base < UNIVERSE);
		if (i > 0)
			CHECK(r->start > rs->ranges[i - 1].last &&
			      r->start - rs->ranges[i - 1].last >= 2);
		for (uint64_t v = r->start - s->base; v <= r->last - s->base;
		     v++)
			seen[v] = true;
	}
	for (unsigned int v = 0; v < UNIVERSE; v++)
		CHECK(seen[v] == s->in[v]);
}

static void do_query(const struct fuzz_state *s, unsigned int a,
		     unsigned int b, bool valid)
{
	uint64_t start = s->base + a, last = s->base + b;
	bool all = valid, any = false;
	unsigned int first = UNIVERSE, first_last = 0;
	struct vpci_range r;
	int rc;

	for (unsigned int v = a; valid && v <= b; v++) {
		all = all && s->in[v];
		any = any || s->in[v];
		if (s->in[v] && first == UNIVERSE)
			first = first_last = v;
		else if (s->in[v] && first_last + 1 == v)
			first_last = v;
	}
	CHECK(vpci_rangeset_contains(&s->rs, start, last) == all);
	CHECK(vpci_rangeset_overlaps(&s->rs, start, last) == any);
	rc = vpci_rangeset_find_first(&s->rs, start, last, &r);
	CHECK(rc == (any ? 0 : VPCI_ENOENT));
	if (any)
		CHECK(r.start == s->base + first && r.last == s->base + first_last);
}

static void do_mutate(struct fuzz_state *s, bool add, unsigned int a,
		      unsigned int b, bool valid)
{
	uint64_t start = s->base + a, last = s->base + b;
	int rc = add ? vpci_rangeset_add(&s->rs, start, last)
		     : vpci_rangeset_remove(&s->rs, start, last);

	if (!valid) {
		CHECK(rc == VPCI_EINVAL);
		return;
	}
	CHECK(rc == 0 || (rc == VPCI_ENOMEM && s->alloc.fail));
	if (rc == 0)
		model_set(s, a, b, add);
}

/* Handles *budget values in total, then asks to be restarted. */
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

static void do_consume(struct fuzz_state *s, unsigned int budget)
{
	uint64_t left = budget;
	unsigned int remaining = 0;
	int rc = vpci_rangeset_consume(&s->rs, consume_budget, &left);

	for (unsigned int v = 0; v < UNIVERSE; v++) {
		if (s->in[v] && budget) {
			s->in[v] = false;
			budget--;
		}
		remaining += s->in[v];
	}
	CHECK(rc == (remaining ? VPCI_ERESTART : 0));
}

struct walk {
	const struct fuzz_state *s;
	uint64_t prev_last;
	size_t nr_visits;
	size_t stop_after;
};

static int visit_check(void *arg, uint64_t start, uint64_t last)
{
	struct walk *w = arg;

	CHECK(start <= last);
	if (w->nr_visits > 0)
		CHECK(start > w->prev_last && start - w->prev_last >= 2);
	CHECK(vpci_rangeset_contains(&w->s->rs, start, last));
	w->prev_last = last;
	return ++w->nr_visits == w->stop_after ? 1 : 0;
}

static void do_for_each(const struct fuzz_state *s, unsigned int stop_after)
{
	struct walk w = { .s = s, .stop_after = stop_after };
	int rc = vpci_rangeset_for_each(&s->rs, visit_check, &w);

	if (stop_after != 0 && stop_after <= s->rs.nr) {
		CHECK(rc == 1 && w.nr_visits == stop_after);
	} else {
		CHECK(rc == 0 && w.nr_visits == s->rs.nr);
	}
}

static void run_op(struct fuzz_state *s, const uint8_t *p)
{
	unsigned int a = (p[1] | (unsigned int)p[2] << 8) % UNIVERSE;
	unsigned int b = (p[3] | (unsigned int)p[4] << 8) % UNIVERSE;
	bool keep_order = p[0] & 0x08;
	bool valid;

	if (!keep_order && a > b) {
		unsigned int t = a;
		a = b;
		b = t;
	}
	valid = a <= b;
	s->alloc.fail = p[0] & 0x10;

	switch ((enum fuzz_op)(p[0] & 7)) {
	case OP_ADD:
		do_mutate(s, true, a, b, valid);
		break;
	case OP_REMOVE:
		do_mutate(s, false, a, b, valid);
		break;
	case OP_QUERY:
		do_query(s, a, b, valid);
		break;
	case OP_CONSUME:
		do_consume(s, a);
		break;
	case OP_CLEAR:
		vpci_rangeset_clear(&s->rs);
		model_set(s, 0, UNIVERSE - 1, false);
		break;
	case OP_DESTROY:
		vpci_rangeset_destroy(&s->rs);
		CHECK(s->alloc.live == 0);
		model_set(s, 0, UNIVERSE - 1, false);
		break;
	case OP_FOR_EACH:
		do_for_each(s, a % 64);
		break;
	case OP_QUERY_POINT:
		do_query(s, a, a, true);
		break;
	}
	s->alloc.fail = false;
	check_against_model(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_state *s;

	if (size < 1)
		return 0;
	s = calloc(1, sizeof(*s));
	if (!s)
		return 0;
	s->base = (data[0] & 1) ? UINT64_MAX - (UNIVERSE - 1) : 0;
	vpci_rangeset_init(&s->rs, &fuzz_ops, &s->alloc);

	for (size_t off = 1; off + OP_BYTES <= size; off += OP_BYTES)
		run_op(s, data + off);

	vpci_rangeset_destroy(&s->rs);
	CHECK(s->alloc.live == 0);
	free(s);
	return 0;
}
