/* SPDX-License-Identifier: MIT */
/* The fake platform: see fake_platform.h. Plain libc, no cmocka. */
#include "fake_platform.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FAKE_MAX_RECORDS 1000000u

static struct fake_platform *fake_of(void *ctx)
{
	return ctx;
}

static void *grow(void *arr, size_t nr, size_t elem)
{
	/* Doubling at powers of two keeps appends amortised O(1). */
	if (nr && (nr & (nr - 1)))
		return arr;
	return realloc(arr, (nr ? nr * 2 : 16) * elem);
}

struct fake_fn *fake_fn_find(struct fake_platform *fp, vpci_sbdf_t sbdf)
{
	size_t i;

	for (i = 0; i < fp->nr_fns; i++)
		if (fp->fns[i]->sbdf == sbdf)
			return fp->fns[i];
	return NULL;
}

static void record(struct fake_platform *fp, bool write, vpci_sbdf_t sbdf,
		   unsigned int reg, unsigned int size, uint32_t val)
{
	if (!fp->record_accesses || fp->nr_accesses >= FAKE_MAX_RECORDS)
		return;
	fp->accesses = grow(fp->accesses, fp->nr_accesses, sizeof(*fp->accesses));
	if (!fp->accesses)
		abort();
	fp->accesses[fp->nr_accesses++] = (struct fake_access){
		.write = write, .sbdf = sbdf, .reg = reg, .size = size,
		.val = val};
}

static uint32_t fake_conf_read(void *ctx, vpci_sbdf_t sbdf, unsigned int reg,
			       unsigned int size)
{
	struct fake_platform *fp = fake_of(ctx);
	struct fake_fn *fn = fake_fn_find(fp, sbdf);
	uint32_t val = fn ? fake_fn_get(fn, reg, size)
			  : (uint32_t)((1ull << (size * 8)) - 1);

	/* The core promises aligned 1/2/4-byte accesses inside 4 KiB. */
	if ((size != 1 && size != 2 && size != 4) || (reg & (size - 1)) ||
	    reg + size > 4096)
		abort();
	record(fp, false, sbdf, reg, size, val);
	return val;
}

static void fake_conf_write(void *ctx, vpci_sbdf_t sbdf, unsigned int reg,
			    unsigned int size, uint32_t val)
{
	struct fake_platform *fp = fake_of(ctx);
	struct fake_fn *fn = fake_fn_find(fp, sbdf);
	unsigned int i;

	if ((size != 1 && size != 2 && size != 4) || (reg & (size - 1)) ||
	    reg + size > 4096)
		abort();
	record(fp, true, sbdf, reg, size, val);
	if (!fn)
		return;
	for (i = 0; i < size; i++) {
		uint8_t b = (uint8_t)(val >> (i * 8));
		uint8_t w = fn->wmask[reg + i], c = fn->w1cmask[reg + i];

		fn->cfg[reg + i] = (uint8_t)((fn->cfg[reg + i] & ~w) | (b & w));
		fn->cfg[reg + i] &= (uint8_t)~(b & c);
	}
}

static int fake_map_common(struct fake_platform *fp, bool unmap,
			   uint32_t domid, uint64_t gfn, uint64_t mfn,
			   uint64_t nr, uint64_t *done)
{
	uint64_t n = nr;
	int rc = 0;

	if (fp->map_error) {
		*done = 0;
		return fp->map_error;
	}
	if (fp->map_budget_frames && n > fp->map_budget_frames) {
		n = fp->map_budget_frames;
		rc = VPCI_ERESTART;
	}
	*done = n;
	fp->map_calls = grow(fp->map_calls, fp->nr_map_calls,
			     sizeof(*fp->map_calls));
	if (!fp->map_calls)
		abort();
	fp->map_calls[fp->nr_map_calls++] = (struct fake_map_call){
		.unmap = unmap, .domid = domid, .gfn = gfn, .mfn = mfn,
		.nr_frames = n};
	return rc;
}

static int fake_map(void *ctx, uint32_t domid, uint64_t gfn, uint64_t mfn,
		    uint64_t nr, uint64_t *done)
{
	return fake_map_common(fake_of(ctx), false, domid, gfn, mfn, nr, done);
}

static int fake_unmap(void *ctx, uint32_t domid, uint64_t gfn, uint64_t mfn,
		      uint64_t nr, uint64_t *done)
{
	return fake_map_common(fake_of(ctx), true, domid, gfn, mfn, nr, done);
}

static void *fake_zalloc(void *ctx, size_t size)
{
	struct fake_platform *fp = fake_of(ctx);
	void *p;

	if (fp->allocs_until_failure == 0)
		return NULL;
	if (fp->allocs_until_failure > 0)
		fp->allocs_until_failure--;
	p = calloc(1, size ? size : 1);
	if (p)
		fp->live_allocs++;
	return p;
}

static void fake_free(void *ctx, void *ptr)
{
	if (ptr)
		fake_of(ctx)->live_allocs--;
	free(ptr);
}

static void fake_log(void *ctx, enum vpci_log_level level, const char *msg)
{
	struct fake_platform *fp = fake_of(ctx);

	fp->nr_logs++;
	snprintf(fp->last_log, sizeof(fp->last_log), "%s", msg);
	if (fp->echo_logs)
		fprintf(stderr, "vpci[%d]: %s\n", (int)level, msg);
}

void fake_platform_init(struct fake_platform *fp)
{
	memset(fp, 0, sizeof(*fp));
	fp->ops = (struct vpci_platform_ops){
		.conf_read = fake_conf_read,
		.conf_write = fake_conf_write,
		.map = fake_map,
		.unmap = fake_unmap,
		.zalloc = fake_zalloc,
		.free = fake_free,
		.log = fake_log,
	};
	fp->allocs_until_failure = -1;
}

void fake_platform_fini(struct fake_platform *fp)
{
	size_t i;

	for (i = 0; i < fp->nr_fns; i++)
		free(fp->fns[i]);
	free(fp->fns);
	free(fp->accesses);
	free(fp->map_calls);
	fp->fns = NULL;
	fp->accesses = NULL;
	fp->map_calls = NULL;
	fp->nr_fns = fp->nr_accesses = fp->nr_map_calls = 0;
}

struct fake_fn *fake_fn_add(struct fake_platform *fp, vpci_sbdf_t sbdf)
{
	struct fake_fn *fn = calloc(1, sizeof(*fn));

	fp->fns = grow(fp->fns, fp->nr_fns, sizeof(*fp->fns));
	if (!fn || !fp->fns)
		abort();
	fn->sbdf = sbdf;
	fp->fns[fp->nr_fns++] = fn;
	return fn;
}

static void set_bytes(uint8_t *arr, unsigned int reg, unsigned int size,
		      uint32_t val)
{
	unsigned int i;

	for (i = 0; i < size && reg + i < 4096; i++)
		arr[reg + i] = (uint8_t)(val >> (i * 8));
}

void fake_fn_set(struct fake_fn *fn, unsigned int reg, unsigned int size,
		 uint32_t val)
{
	set_bytes(fn->cfg, reg, size, val);
}

void fake_fn_set_wmask(struct fake_fn *fn, unsigned int reg,
		       unsigned int size, uint32_t mask)
{
	set_bytes(fn->wmask, reg, size, mask);
}

void fake_fn_set_w1cmask(struct fake_fn *fn, unsigned int reg,
			 unsigned int size, uint32_t mask)
{
	set_bytes(fn->w1cmask, reg, size, mask);
}

uint32_t fake_fn_get(const struct fake_fn *fn, unsigned int reg,
		     unsigned int size)
{
	uint32_t val = 0;
	unsigned int i;

	for (i = 0; i < size && reg + i < 4096; i++)
		val |= (uint32_t)fn->cfg[reg + i] << (i * 8);
	return val;
}

void fake_clear_records(struct fake_platform *fp)
{
	fp->nr_accesses = 0;
	fp->nr_map_calls = 0;
}
