/* SPDX-License-Identifier: MIT */
/* The fake platform: see fake_platform.h. Plain libc, no cmocka. */
#include "fake_platform.h"

#include "vpci/pci_regs.h"

#include <stdio.h>
#include <malloc.h>
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

static size_t fn_slot(const struct fake_platform *fp, vpci_sbdf_t sbdf)
{
	size_t i = ((size_t)sbdf * 2654435761u) & (fp->fn_hash_size - 1);

	while (fp->fn_hash[i] && fp->fn_hash[i]->sbdf != sbdf)
		i = (i + 1) & (fp->fn_hash_size - 1);
	return i;
}

/* Hashed, so benchmarks with 65536 functions do not measure a scan. */
struct fake_fn *fake_fn_find(struct fake_platform *fp, vpci_sbdf_t sbdf)
{
	/* The last function found answers first: accesses come in runs,
	 * and the access benchmarks' floor should be the fake's minimum. */
	if (fp->last_fn && fp->last_fn->sbdf == sbdf)
		return fp->last_fn;
	if (!fp->fn_hash_size)
		return NULL;
	if (fp->fn_hash[fn_slot(fp, sbdf)])
		fp->last_fn = fp->fn_hash[fn_slot(fp, sbdf)];
	return fp->fn_hash[fn_slot(fp, sbdf)];
}

static void fn_hash_insert(struct fake_platform *fp, struct fake_fn *fn)
{
	size_t i;

	if (2 * (fp->nr_fns + 1) > fp->fn_hash_size) {
		free(fp->fn_hash);
		fp->fn_hash_size = fp->fn_hash_size ? fp->fn_hash_size * 2 : 64;
		while (2 * (fp->nr_fns + 1) > fp->fn_hash_size)
			fp->fn_hash_size *= 2;
		fp->fn_hash = calloc(fp->fn_hash_size, sizeof(*fp->fn_hash));
		if (!fp->fn_hash)
			abort();
		for (i = 0; i < fp->nr_fns; i++)
			fp->fn_hash[fn_slot(fp, fp->fns[i]->sbdf)] = fp->fns[i];
	}
	fp->fn_hash[fn_slot(fp, fn->sbdf)] = fn;
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
		.val = val, .seq = fp->seq++};
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

/* ------------------------------------------------------ physmap model */

static void violation(struct fake_platform *fp, const char *what,
		      uint32_t domid, uint64_t gfn)
{
	fp->map_violations++;
	snprintf(fp->last_violation, sizeof(fp->last_violation),
		 "%s: domain %u gfn 0x%llx", what, domid,
		 (unsigned long long)gfn);
	if (fp->echo_logs)
		fprintf(stderr, "fake: %s\n", fp->last_violation);
}

/* Index of the first run of domid ending at or after gfn (or beyond). */
static size_t run_lower(const struct fake_platform *fp, uint32_t domid,
			uint64_t gfn)
{
	size_t lo = 0, hi = fp->nr_mappings;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct fake_mapping *m = &fp->mappings[mid];

		if (m->domid < domid ||
		    (m->domid == domid && m->gfn + m->nr - 1 < gfn))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static void run_insert(struct fake_platform *fp, size_t i,
		       struct fake_mapping run)
{
	if (fp->nr_mappings == fp->cap_mappings) {
		fp->cap_mappings = fp->cap_mappings ? fp->cap_mappings * 2 : 16;
		fp->mappings = realloc(fp->mappings, fp->cap_mappings *
							    sizeof(*fp->mappings));
		if (!fp->mappings)
			abort();
	}
	memmove(&fp->mappings[i + 1], &fp->mappings[i],
		(fp->nr_mappings - i) * sizeof(*fp->mappings));
	fp->mappings[i] = run;
	fp->nr_mappings++;
}

static void run_delete(struct fake_platform *fp, size_t i, size_t n)
{
	memmove(&fp->mappings[i], &fp->mappings[i + n],
		(fp->nr_mappings - i - n) * sizeof(*fp->mappings));
	fp->nr_mappings -= n;
}

static bool runs_join(const struct fake_mapping *a,
		      const struct fake_mapping *b)
{
	return a->domid == b->domid && a->gfn + a->nr == b->gfn &&
	       a->mfn + a->nr == b->mfn;
}

static void model_map(struct fake_platform *fp, uint32_t domid, uint64_t gfn,
		      uint64_t mfn, uint64_t n)
{
	size_t i = run_lower(fp, domid, gfn);
	struct fake_mapping run = {domid, gfn, mfn, n};

	if (i < fp->nr_mappings && fp->mappings[i].domid == domid &&
	    fp->mappings[i].gfn <= gfn + n - 1) {
		violation(fp, "map of a mapped frame", domid,
			  fp->mappings[i].gfn > gfn ? fp->mappings[i].gfn : gfn);
		return;
	}
	run_insert(fp, i, run);
	if (i + 1 < fp->nr_mappings &&
	    runs_join(&fp->mappings[i], &fp->mappings[i + 1])) {
		fp->mappings[i].nr += fp->mappings[i + 1].nr;
		run_delete(fp, i + 1, 1);
	}
	if (i > 0 && runs_join(&fp->mappings[i - 1], &fp->mappings[i])) {
		fp->mappings[i - 1].nr += fp->mappings[i].nr;
		run_delete(fp, i, 1);
	}
}

static void model_unmap(struct fake_platform *fp, uint32_t domid,
			uint64_t gfn, uint64_t mfn, uint64_t n)
{
	size_t first = run_lower(fp, domid, gfn), j = first;
	uint64_t last = gfn + n - 1, pos = gfn;
	struct fake_mapping head = {0}, tail = {0};

	/* Every frame must be mapped, and to the mfn the caller says. */
	for (; pos <= last; j++) {
		const struct fake_mapping *m;

		if (j >= fp->nr_mappings || fp->mappings[j].domid != domid ||
		    fp->mappings[j].gfn > pos) {
			violation(fp, "unmap of an unmapped frame", domid, pos);
			return;
		}
		m = &fp->mappings[j];
		if (m->mfn - m->gfn != mfn - gfn) {
			violation(fp, "unmap with the wrong mfn", domid, pos);
			return;
		}
		pos = m->gfn + m->nr;
	}
	/* Runs [first, j) overlap; keep what sticks out on either side. */
	if (fp->mappings[first].gfn < gfn)
		head = (struct fake_mapping){domid, fp->mappings[first].gfn,
					     fp->mappings[first].mfn,
					     gfn - fp->mappings[first].gfn};
	if (pos - 1 > last)
		tail = (struct fake_mapping){domid, last + 1,
					     fp->mappings[j - 1].mfn + (last + 1 -
						fp->mappings[j - 1].gfn),
					     pos - 1 - last};
	run_delete(fp, first, j - first);
	if (tail.nr)
		run_insert(fp, first, tail);
	if (head.nr)
		run_insert(fp, first, head);
}

uint64_t fake_mapped_frames(const struct fake_platform *fp, uint32_t domid)
{
	uint64_t total = 0;
	size_t i;

	for (i = 0; i < fp->nr_mappings; i++)
		if (fp->mappings[i].domid == domid)
			total += fp->mappings[i].nr;
	return total;
}

bool fake_mapped_mfn(const struct fake_platform *fp, uint32_t domid,
		     uint64_t gfn, uint64_t *mfn)
{
	size_t i = run_lower(fp, domid, gfn);
	const struct fake_mapping *m;

	if (i >= fp->nr_mappings || fp->mappings[i].domid != domid ||
	    fp->mappings[i].gfn > gfn)
		return false;
	m = &fp->mappings[i];
	*mfn = m->mfn + (gfn - m->gfn);
	return true;
}

bool fake_host_frame_mapped(const struct fake_platform *fp, uint32_t domid,
			    uint64_t first, uint64_t last)
{
	size_t i;

	for (i = 0; i < fp->nr_mappings; i++) {
		const struct fake_mapping *m = &fp->mappings[i];

		if (m->domid == domid && m->mfn <= last &&
		    first < m->mfn + m->nr)
			return true;
	}
	return false;
}

bool fake_host_frame_ever_mapped(const struct fake_platform *fp, uint32_t domid,
				 uint64_t first, uint64_t last)
{
	size_t i;

	for (i = 0; i < fp->nr_map_calls; i++) {
		const struct fake_map_call *c = &fp->map_calls[i];

		if (!c->unmap && c->domid == domid && c->mfn <= last &&
		    first < c->mfn + c->nr_frames)
			return true;
	}
	return false;
}

static int fake_map_common(struct fake_platform *fp, bool unmap,
			   uint32_t domid, uint64_t gfn, uint64_t mfn,
			   uint64_t nr, const struct vpci_map_desc *desc,
			   uint64_t *done)
{
	uint64_t n = nr;
	int rc = 0;
	long call = unmap ? fp->nr_unmap_attempts++ : fp->nr_map_attempts++;

	if (call == (unmap ? fp->fail_unmap_at : fp->fail_map_at)) {
		*done = 0;
		return VPCI_EIO;
	}
	if (fp->map_error) {
		*done = 0;
		return fp->map_error;
	}
	if (fp->map_budget_frames && n > fp->map_budget_frames) {
		n = fp->map_budget_frames;
		rc = VPCI_ERESTART;
	}
	if (!unmap && fp->map_fail_after_frames >= 0) {
		if ((uint64_t)fp->map_fail_after_frames < n) {
			n = (uint64_t)fp->map_fail_after_frames;
			rc = fp->map_fail_error;
		}
		fp->map_fail_after_frames -= (int64_t)n;
	}
	*done = n;
	fp->map_calls = grow(fp->map_calls, fp->nr_map_calls,
			     sizeof(*fp->map_calls));
	if (!fp->map_calls)
		abort();
	fp->map_calls[fp->nr_map_calls++] = (struct fake_map_call){
		.unmap = unmap, .domid = domid, .gfn = gfn, .mfn = mfn,
		.nr_frames = n, .seq = fp->seq++, .desc = *desc};
	if (fp->track_mappings && n) {
		if (unmap)
			model_unmap(fp, domid, gfn, mfn, n);
		else
			model_map(fp, domid, gfn, mfn, n);
	}
	return rc;
}

static int fake_map(void *ctx, uint32_t domid, uint64_t gfn, uint64_t mfn,
		    uint64_t nr, const struct vpci_map_desc *desc,
		    uint64_t *done)
{
	return fake_map_common(fake_of(ctx), false, domid, gfn, mfn, nr, desc,
			       done);
}

static int fake_unmap(void *ctx, uint32_t domid, uint64_t gfn, uint64_t mfn,
		      uint64_t nr, const struct vpci_map_desc *desc,
		      uint64_t *done)
{
	return fake_map_common(fake_of(ctx), true, domid, gfn, mfn, nr, desc,
			       done);
}

static void *fake_zalloc(void *ctx, size_t size)
{
	struct fake_platform *fp = fake_of(ctx);
	void *p;

	if (fp->nr_alloc_calls++ == fp->fail_alloc_at)
		return NULL;
	if (fp->allocs_until_failure == 0)
		return NULL;
	if (fp->allocs_until_failure > 0)
		fp->allocs_until_failure--;
	p = calloc(1, size ? size : 1);
	if (p) {
		fp->live_allocs++;
		fp->live_bytes += malloc_usable_size(p);
	}
	return p;
}

static void fake_free(void *ctx, void *ptr)
{
	if (ptr) {
		fake_of(ctx)->live_allocs--;
		fake_of(ctx)->live_bytes -= malloc_usable_size(ptr);
	}
	free(ptr);
}

static void fake_log(void *ctx, enum vpci_log_level level, const char *msg)
{
	struct fake_platform *fp = fake_of(ctx);

	snprintf(fp->log_ring[fp->nr_logs % 16], sizeof(fp->log_ring[0]), "%s",
		 msg);
	fp->nr_logs++;
	snprintf(fp->last_log, sizeof(fp->last_log), "%s", msg);
	if (fp->echo_logs)
		fprintf(stderr, "vpci[%d]: %s\n", (int)level, msg);
}

static int fake_msi_update_hook(void *ctx, uint32_t domid, vpci_sbdf_t sbdf,
				unsigned int vector,
				const struct vpci_msi_msg *msg)
{
	struct fake_platform *fp = fake_of(ctx);

	if (fp->nr_irq_calls < FAKE_MAX_IRQ_CALLS)
		fp->irq_calls[fp->nr_irq_calls++] = (struct fake_irq_call){
			false, domid, sbdf, vector, msg->address, msg->data};
	return fp->msi_update_error;
}

static void fake_msi_disable_hook(void *ctx, uint32_t domid, vpci_sbdf_t sbdf,
				  unsigned int vector)
{
	struct fake_platform *fp = fake_of(ctx);

	if (fp->nr_irq_calls < FAKE_MAX_IRQ_CALLS)
		fp->irq_calls[fp->nr_irq_calls++] =
			(struct fake_irq_call){true, domid, sbdf, vector, 0, 0};
}

static uint64_t fake_mmio_read_hook(void *ctx, uint64_t maddr,
				    unsigned int size)
{
	struct fake_platform *fp = fake_of(ctx);

	if (fp->nr_mmio_calls < FAKE_MAX_MMIO_CALLS)
		fp->mmio_calls[fp->nr_mmio_calls++] =
			(struct fake_mmio_call){false, maddr, size, 0};
	return FAKE_MMIO_PATTERN(maddr);
}

static void fake_mmio_write_hook(void *ctx, uint64_t maddr, unsigned int size,
				 uint64_t val)
{
	struct fake_platform *fp = fake_of(ctx);

	if (fp->nr_mmio_calls < FAKE_MAX_MMIO_CALLS)
		fp->mmio_calls[fp->nr_mmio_calls++] =
			(struct fake_mmio_call){true, maddr, size, val};
}

void fake_enable_irq_hooks(struct fake_platform *fp)
{
	fp->ops.msi_update = fake_msi_update_hook;
	fp->ops.msi_disable = fake_msi_disable_hook;
	fp->ops.mmio_read = fake_mmio_read_hook;
	fp->ops.mmio_write = fake_mmio_write_hook;
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
	fp->fail_alloc_at = -1;
	fp->fail_map_at = -1;
	fp->fail_unmap_at = -1;
	fp->map_fail_after_frames = -1;
	fp->map_fail_error = VPCI_EIO;
	fp->track_mappings = true;
}

void fake_platform_fini(struct fake_platform *fp)
{
	size_t i;

	for (i = 0; i < fp->nr_fns; i++)
		free(fp->fns[i]);
	free(fp->fns);
	free(fp->accesses);
	free(fp->map_calls);
	free(fp->fn_hash);
	free(fp->mappings);
	fp->fns = NULL;
	fp->accesses = NULL;
	fp->map_calls = NULL;
	fp->fn_hash = NULL;
	fp->mappings = NULL;
	fp->nr_fns = fp->nr_accesses = fp->nr_map_calls = 0;
	fp->fn_hash_size = fp->nr_mappings = fp->cap_mappings = 0;
}

struct fake_fn *fake_fn_add(struct fake_platform *fp, vpci_sbdf_t sbdf)
{
	struct fake_fn *fn = calloc(1, sizeof(*fn));

	fp->fns = grow(fp->fns, fp->nr_fns, sizeof(*fp->fns));
	if (!fn || !fp->fns)
		abort();
	fn->sbdf = sbdf;
	fn_hash_insert(fp, fn);
	fp->last_fn = fn; /* it may replace one of the same SBDF */
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

	if (size == 4 && reg <= 4092) { /* little-endian on every host */
		const uint8_t *c = &fn->cfg[reg];

		return (uint32_t)c[0] | (uint32_t)c[1] << 8 |
		       (uint32_t)c[2] << 16 | (uint32_t)c[3] << 24;
	}
	for (i = 0; i < size && reg + i < 4096; i++)
		val |= (uint32_t)fn->cfg[reg + i] << (i * 8);
	return val;
}

void fake_clear_records(struct fake_platform *fp)
{
	fp->nr_accesses = 0;
	fp->nr_map_calls = 0;
}

bool fake_log_contains(const struct fake_platform *fp, const char *needle)
{
	unsigned int i;

	for (i = 0; i < 16 && i < fp->nr_logs; i++)
		if (strstr(fp->log_ring[i], needle))
			return true;
	return false;
}

/* --------------------------------------------------- header and BARs */

void fake_fn_set_header(struct fake_fn *fn, uint16_t vendor, uint16_t device,
			uint8_t header_type)
{
	fake_fn_set(fn, VPCI_REG_VENDOR_ID, 2, vendor);
	fake_fn_set(fn, VPCI_REG_DEVICE_ID, 2, device);
	fake_fn_set(fn, VPCI_REG_HEADER_TYPE, 1, header_type);
	/* Command: I/O, memory, bus master, parity, SERR, INTx disable. */
	fake_fn_set_wmask(fn, VPCI_REG_COMMAND, 2, 0x0547);
	fake_fn_set_w1cmask(fn, VPCI_REG_STATUS, 2, VPCI_STATUS_RW1C_MASK);
	fake_fn_set_wmask(fn, VPCI_REG_CACHE_LINE_SIZE, 2, 0xffff);
	fake_fn_set_wmask(fn, VPCI_REG_INTERRUPT_LINE, 1, 0xff);
}

void fake_fn_set_bar(struct fake_fn *fn, unsigned int idx, uint64_t size,
		     uint32_t flags)
{
	unsigned int reg = VPCI_REG_BAR0 + 4 * idx;
	uint64_t mask = ~(size - 1);

	if (!size) {
		fake_fn_set(fn, reg, 4, 0);
		fake_fn_set_wmask(fn, reg, 4, 0);
		return;
	}
	if (flags & VPCI_BAR_SPACE_IO) {
		mask &= (flags & FAKE_BAR_IO16) ? 0xfffcu : 0xfffffffcu;
		fake_fn_set(fn, reg, 4, VPCI_BAR_SPACE_IO);
		fake_fn_set_wmask(fn, reg, 4, (uint32_t)mask);
		return;
	}
	mask &= ~0xfull;
	fake_fn_set(fn, reg, 4, flags & 0xfu);
	fake_fn_set_wmask(fn, reg, 4, (uint32_t)mask);
	if ((flags & VPCI_BAR_MEM_TYPE_MASK) == VPCI_BAR_MEM_TYPE_64) {
		fake_fn_set(fn, reg + 4, 4, 0);
		fake_fn_set_wmask(fn, reg + 4, 4, (uint32_t)(mask >> 32));
	}
}

void fake_fn_set_bar_addr(struct fake_fn *fn, unsigned int idx, uint64_t addr)
{
	unsigned int reg = VPCI_REG_BAR0 + 4 * idx;
	uint32_t lo = fake_fn_get(fn, reg, 4);
	uint32_t wlo = (uint32_t)fn->wmask[reg] | (uint32_t)fn->wmask[reg + 1] << 8 |
		       (uint32_t)fn->wmask[reg + 2] << 16 |
		       (uint32_t)fn->wmask[reg + 3] << 24;

	fake_fn_set(fn, reg, 4, (lo & ~wlo) | ((uint32_t)addr & wlo));
	if (!(lo & VPCI_BAR_SPACE_IO) &&
	    (lo & VPCI_BAR_MEM_TYPE_MASK) == VPCI_BAR_MEM_TYPE_64)
		fake_fn_set(fn, reg + 4, 4, (uint32_t)(addr >> 32));
}

void fake_fn_set_rom(struct fake_fn *fn, unsigned int reg, uint32_t size,
		     uint32_t addr, bool enable)
{
	uint32_t mask = size ? ~(size - 1) & VPCI_ROM_ADDR_MASK : 0;

	fake_fn_set_wmask(fn, reg, 4, size ? mask | VPCI_ROM_ENABLE : 0);
	fake_fn_set(fn, reg, 4, (addr & mask) | (enable ? VPCI_ROM_ENABLE : 0));
}
