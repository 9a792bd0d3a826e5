/* SPDX-License-Identifier: MIT */
/*
 * Cost of one trapped MSI-X table write (vpci_msix_write: finding the
 * device's MSI-X state for the address, then emulating the entry) in a
 * guest with N MSI-X devices, next to one emulated config write through
 * the same kind of entry point (vpci_write to a guest's latch register:
 * view lookup, then dispatch). The written entry is masked, so no
 * platform hook runs: the figure is the core's own work. Prints a table;
 * not a test.
 *
 * usage: bench_msix [iterations [devices [only]]]   (only: config, msix)
 * scripts/perf-report.sh runs it for 1, 16, 256 and 4096 devices.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_util.h"
#include "fixture.h"
#include "internal.h"

#define GUEST_ID   1u
#define MSIX_POS   0x40u
#define TABLE_OFF  0x2000u
#define GPA_BASE   0x100000000ull
#define GPA_STRIDE 0x100000ull /* 1 MiB per device */

struct target {
	struct vpci_domain *dom;
	vpci_sbdf_t vsbdf;
	uint64_t gpa;
};

typedef void access_fn(const struct target *t, unsigned long i);

static void config_write(const struct target *t, unsigned long i)
{
	vpci_write(t->dom, t->vsbdf, VPCI_REG_CACHE_LINE_SIZE, 1, (uint32_t)i);
}

static void msix_write(const struct target *t, unsigned long i)
{
	vpci_msix_write(t->dom, t->gpa, 4, (uint32_t)i);
}

__attribute__((noinline)) static void
measure_loop(access_fn *fn, const struct target *t, unsigned long iters)
{
	unsigned long i;

	for (i = 0; i < iters; i++)
		fn(t, i);
}

static void measure(const char *what, access_fn *fn, const struct target *t,
		    unsigned long iters, unsigned int nr)
{
	struct bench_span s;
	char label[96];

	snprintf(label, sizeof(label), "%s, %u devices", what, nr);
	measure_loop(fn, t, iters / 10 + 1); /* warm-up, not counted */
	s = bench_begin(label);
	measure_loop(fn, t, iters);
	bench_end(s, iters);
}

static int dummy_update(void *ctx, uint32_t domid, vpci_sbdf_t sbdf,
			unsigned int vector, const struct vpci_msi_msg *msg)
{
	(void)ctx;
	(void)domid;
	(void)sbdf;
	(void)vector;
	(void)msg;
	return 0;
}

static void dummy_disable(void *ctx, uint32_t domid, vpci_sbdf_t sbdf,
			  unsigned int vector)
{
	(void)ctx;
	(void)domid;
	(void)sbdf;
	(void)vector;
}

static int add_device(struct fake_platform *fp, struct vpci_host *host,
		      struct vpci_domain *guest, unsigned int n)
{
	vpci_sbdf_t sbdf = VPCI_SBDF(0, 1 + n / 32, n % 32, 0);
	/* Slot 00 of bus 0 is the host bridge's. */
	vpci_sbdf_t vsbdf = VPCI_SBDF(0, (n + 1) / 32, (n + 1) % 32, 0);
	struct fake_fn *fn = fake_fn_add(fp, sbdf);

	(void)n;
	fake_fn_set_header(fn, 0x8086, 0x10c9, VPCI_HEADER_TYPE_NORMAL);
	fake_fn_set_bar(fn, 0, 0x4000, 0);
	fake_fn_set_bar_addr(fn, 0, 0xc0000000u + n * 0x4000u);
	fake_fn_set(fn, VPCI_REG_STATUS, 2, VPCI_STATUS_CAP_LIST);
	fake_fn_set(fn, VPCI_REG_CAP_PTR, 1, MSIX_POS);
	fake_fn_set(fn, MSIX_POS, 2, VPCI_CAP_ID_MSIX);
	fake_fn_set(fn, MSIX_POS + 2, 2, 63); /* 64 entries */
	fake_fn_set(fn, MSIX_POS + 4, 4, TABLE_OFF);
	fake_fn_set(fn, MSIX_POS + 8, 4, 0x3000);
	if (vpci_device_add(host, sbdf) ||
	    vpci_assign_device(guest, sbdf, vsbdf, NULL))
		return -1;
	vpci_write(guest, vsbdf, 0x10, 4,
		   (uint32_t)(GPA_BASE + n * GPA_STRIDE));
	vpci_write(guest, vsbdf, 0x14, 4,
		   (uint32_t)((GPA_BASE + n * GPA_STRIDE) >> 32));
	vpci_write(guest, vsbdf, VPCI_REG_COMMAND, 2, VPCI_CMD_MEMORY);
	vpci_write(guest, vsbdf, MSIX_POS + 2, 2, 0x8000);
	return 0;
}

int main(int argc, char **argv)
{
	unsigned long iters = argc > 1 ? strtoul(argv[1], NULL, 0) : 10000000ul;
	unsigned int nr =
		argc > 2 ? (unsigned int)strtoul(argv[2], NULL, 0) : 256u;
	const char *only = argc > 3 ? argv[3] : NULL;
	static struct fixture fx;
	struct target t;
	unsigned int n, mid;

	if (nr == 0 || nr > 8192)
		return 2;
	fixture_init(&fx);
	fx.fp.track_mappings = false; /* not what is measured */
	fx.fp.ops.msi_update = dummy_update;
	fx.fp.ops.msi_disable = dummy_disable;
	fixture_create_host(&fx, 0);
	fixture_create_guest(&fx, GUEST_ID);
	for (n = 0; n < nr; n++)
		if (add_device(&fx.fp, fx.host, fx.guest, n))
			return 1;
	mid = nr / 2;
	t.dom = fx.guest;
	t.vsbdf = VPCI_SBDF(0, (mid + 1) / 32, (mid + 1) % 32, 0);
	/* Entry 5's message data (the entry stays masked). */
	t.gpa = GPA_BASE + mid * GPA_STRIDE + TABLE_OFF + 5 * 16 + 8;

	bench_header("libvpci MSI-X table write vs config write, guest, 4 "
		     "bytes");
	if (!only || !strcmp(only, "config"))
		measure("config write (vpci_write, latch register)",
			config_write, &t, iters, nr);
	if (!only || !strcmp(only, "msix"))
		measure("MSI-X table write (vpci_msix_write)", msix_write, &t,
			iters, nr);
	fixture_fini(&fx);
	return 0;
}
