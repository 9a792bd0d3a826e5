/* SPDX-License-Identifier: MIT */
/* The fake Xen behind the port test; see fake_xen.h. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fake_xen.h"
#include "xen/errno.h"
#include "xen/lib.h"
#include "xen/p2m.h"
#include "xen/spinlock.h"
#include "xen/xmalloc.h"

struct fake_xen fake_xen;

void fake_xen_reset(void)
{
	memset(&fake_xen, 0, sizeof(fake_xen));
}

struct fake_xen_fn *fake_xen_add_fn(uint32_t sbdf, uint32_t id,
				    uint32_t bar_size, uint32_t bar_addr)
{
	struct fake_xen_fn *fn = &fake_xen.fns[fake_xen.nr_fns++];
	uint32_t bar_mask = ~(bar_size - 1);

	fn->sbdf = sbdf;
	memcpy(&fn->cfg[0x00], &id, 4);
	fn->cfg[0x0b] = 0x02; /* network controller */
	memcpy(&fn->cfg[0x10], &bar_addr, 4);
	fn->wmask[0x04] = 0x07; /* I/O, memory, bus master */
	memcpy(&fn->wmask[0x10], &bar_mask, 4);
	return fn;
}

static struct fake_xen_fn *find_fn(pci_sbdf_t sbdf)
{
	unsigned int i;

	for (i = 0; i < fake_xen.nr_fns; i++)
		if (fake_xen.fns[i].sbdf == sbdf.sbdf)
			return &fake_xen.fns[i];
	return NULL;
}

static uint32_t conf_read(pci_sbdf_t sbdf, unsigned int reg, unsigned int n)
{
	struct fake_xen_fn *fn = find_fn(sbdf);
	uint32_t v = 0;

	if (!fn || reg + n > 4096 || reg % n)
		return n == 4 ? 0xffffffffu : (1u << (8 * n)) - 1;
	memcpy(&v, &fn->cfg[reg], n);
	return v;
}

static void conf_write(pci_sbdf_t sbdf, unsigned int reg, unsigned int n,
		       uint32_t v)
{
	struct fake_xen_fn *fn = find_fn(sbdf);
	unsigned int i;

	if (!fn || reg + n > 4096 || reg % n)
		return;
	for (i = 0; i < n; i++) {
		uint8_t b = (uint8_t)(v >> (8 * i)), m = fn->wmask[reg + i];

		fn->cfg[reg + i] = (uint8_t)((fn->cfg[reg + i] & ~m) | (b & m));
	}
}

uint8_t pci_conf_read8(pci_sbdf_t s, unsigned int r)
{
	return (uint8_t)conf_read(s, r, 1);
}
uint16_t pci_conf_read16(pci_sbdf_t s, unsigned int r)
{
	return (uint16_t)conf_read(s, r, 2);
}
uint32_t pci_conf_read32(pci_sbdf_t s, unsigned int r)
{
	return conf_read(s, r, 4);
}
void pci_conf_write8(pci_sbdf_t s, unsigned int r, uint8_t v)
{
	conf_write(s, r, 1, v);
}
void pci_conf_write16(pci_sbdf_t s, unsigned int r, uint16_t v)
{
	conf_write(s, r, 2, v);
}
void pci_conf_write32(pci_sbdf_t s, unsigned int r, uint32_t v)
{
	conf_write(s, r, 4, v);
}

/* ------------------------------------------------------------- p2m */

static struct fake_xen_run *run_of(domid_t domid, unsigned long gfn)
{
	unsigned int i;

	for (i = 0; i < fake_xen.nr_runs; i++) {
		struct fake_xen_run *r = &fake_xen.runs[i];

		if (r->domid == domid && gfn >= r->gfn && gfn - r->gfn < r->nr)
			return r;
	}
	return NULL;
}

/* Frame by frame, so runs stay exact; the budget makes it preempt. */
static int p2m_op(struct domain *d, unsigned long gfn, unsigned long nr,
		  unsigned long mfn, bool map)
{
	unsigned long i, todo = nr;

	fake_xen.p2m_calls++;
	if (fake_xen.p2m_budget && todo > fake_xen.p2m_budget)
		todo = fake_xen.p2m_budget;
	for (i = 0; i < todo; i++) {
		struct fake_xen_run *r = run_of(d->domain_id, gfn + i);

		if (map) {
			if (r || fake_xen.nr_runs == FAKE_XEN_MAX_RUNS) {
				fake_xen.p2m_violations++;
				continue;
			}
			fake_xen.runs[fake_xen.nr_runs++] =
				(struct fake_xen_run){d->domain_id, gfn + i,
						      mfn + i, 1};
		} else if (!r || r->mfn + (gfn + i - r->gfn) != mfn + i) {
			fake_xen.p2m_violations++;
		} else {
			*r = fake_xen.runs[--fake_xen.nr_runs];
		}
	}
	if (todo < nr) {
		fake_xen.p2m_preemptions++;
		return (int)todo;
	}
	return 0;
}

int map_mmio_regions(struct domain *d, gfn_t g, unsigned long nr, mfn_t m)
{
	return p2m_op(d, gfn_x(g), nr, mfn_x(m), true);
}

int unmap_mmio_regions(struct domain *d, gfn_t g, unsigned long nr, mfn_t m)
{
	return p2m_op(d, gfn_x(g), nr, mfn_x(m), false);
}

unsigned long fake_xen_mapped_frames(domid_t domid)
{
	unsigned long n = 0;
	unsigned int i;

	for (i = 0; i < fake_xen.nr_runs; i++)
		if (fake_xen.runs[i].domid == domid)
			n += fake_xen.runs[i].nr;
	return n;
}

bool fake_xen_lookup(domid_t domid, unsigned long gfn, unsigned long *mfn)
{
	struct fake_xen_run *r = run_of(domid, gfn);

	if (r)
		*mfn = r->mfn + (gfn - r->gfn);
	return r != NULL;
}

/* ------------------------------------------- memory, locks, printk */

void *_xzalloc(unsigned long size, unsigned long align)
{
	void *p = calloc(1, size);

	(void)align;
	if (p)
		fake_xen.live_allocs++;
	return p;
}

void xfree(void *p)
{
	if (p)
		fake_xen.live_allocs--;
	free(p);
}

/* One pCPU: taking a held spinlock would spin forever in Xen. */
void spin_lock(spinlock_t *l)
{
	if (l->held)
		fake_xen.lock_errors++;
	l->held = 1;
	fake_xen.locks_held++;
}

void spin_unlock(spinlock_t *l)
{
	if (!l->held)
		fake_xen.lock_errors++;
	l->held = 0;
	fake_xen.locks_held--;
}

void read_lock(rwlock_t *l)
{
	if (l->writer)
		fake_xen.lock_errors++;
	l->readers++;
}

void read_unlock(rwlock_t *l)
{
	if (l->readers <= 0)
		fake_xen.lock_errors++;
	l->readers--;
}

void write_lock(rwlock_t *l)
{
	if (l->writer || l->readers)
		fake_xen.lock_errors++;
	l->writer = 1;
}

void write_unlock(rwlock_t *l)
{
	if (!l->writer)
		fake_xen.lock_errors++;
	l->writer = 0;
}

void printk(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(fake_xen.last_log, sizeof(fake_xen.last_log), fmt, ap);
	va_end(ap);
	fake_xen.nr_logs++;
	if (getenv("FAKE_XEN_ECHO"))
		fputs(fake_xen.last_log, stderr);
}

struct vcpu *get_current(void)
{
	return fake_xen.current_vcpu;
}
