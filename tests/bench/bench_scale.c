/* SPDX-License-Identifier: MIT */
/*
 * How hardware-domain boot and a BAR decode toggle scale with the number
 * of functions N. Each function has three 64-bit memory BARs of 16 KiB on
 * frames of its own, decoding off at first. Boot is what a hardware
 * domain's start costs the core, in three measured phases:
 *   add     vpci_device_add() for every function (the host learns them),
 *   hwdom   vpci_domain_create() of the hardware domain (sizes BARs),
 *   enable  one command write per function turning memory decoding on
 *           (maps its three BARs).
 * Then a toggle: the middle function's decoding off and on again (one
 * unmap and one map per write). The whole run is done twice on the same
 * fake: "cold" on a heap that never held the core's state, then, after
 * destroying that host, "warm" on a heap that did. Memory per function is
 * the heap the core holds after boot (malloc_usable_size of its
 * allocations) divided by N.
 *
 * usage: bench_scale [--cold-only] [toggles [N ...]]
 *   (default N: 16 256 4096 65536; --cold-only: no second, warm run)
 * Rows are labelled "<phase> N=<n> <cold|warm>"; operations are functions
 * (boot phases) or command writes (toggle).
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "bench_util.h"
#include "fixture.h"
#include "vpci/pci_regs.h"

#define BAR_BASE  0x1000000000ull
#define BAR_SIZE  0x4000ull
#define FN_STRIDE 0x20000ull /* three BARs, then a gap */

static vpci_sbdf_t sbdf_of(unsigned int i)
{
	return VPCI_SBDF(i >> 16, (i >> 8) & 0xff, (i >> 3) & 0x1f, i & 7);
}

static void add_functions(struct fake_platform *fp, unsigned int n)
{
	unsigned int i, b;

	for (i = 0; i < n; i++) {
		struct fake_fn *fn = fake_fn_add(fp, sbdf_of(i));

		fake_fn_set_header(fn, 0x1234, 0x5678, VPCI_HEADER_TYPE_NORMAL);
		for (b = 0; b < 3; b++) {
			fake_fn_set_bar(fn, 2 * b, BAR_SIZE,
					VPCI_BAR_MEM_TYPE_64);
			fake_fn_set_bar_addr(fn, 2 * b,
					     BAR_BASE + i * FN_STRIDE +
						     b * 2 * BAR_SIZE);
		}
	}
}

/* Frames the map calls since the last clear asked for. */
static uint64_t mapped_frames(const struct fake_platform *fp)
{
	uint64_t frames = 0;
	size_t c;

	for (c = 0; c < fp->nr_map_calls; c++)
		if (!fp->map_calls[c].unmap)
			frames += fp->map_calls[c].nr_frames;
	return frames;
}

static void label(char *buf, size_t len, const char *what, unsigned int n,
		  const char *heap)
{
	snprintf(buf, len, "%s N=%u %s", what, n, heap);
}

/* One boot and one toggle row set on fx's fake; the host is new. */
static void boot_and_toggle(struct fixture *fx, unsigned int n,
			    unsigned long toggles, const char *heap)
{
	vpci_sbdf_t mid = sbdf_of(n / 2);
	struct bench_span s;
	char buf[64];
	unsigned int i;
	unsigned long t;

	for (i = 0; i < n; i++) /* decoding off, as after reset */
		fake_fn_set(fake_fn_find(&fx->fp, sbdf_of(i)), VPCI_REG_COMMAND,
			    2, 0);
	fixture_create_host(fx, 0);
	label(buf, sizeof(buf), "boot add", n, heap);
	s = bench_begin(buf);
	for (i = 0; i < n; i++)
		if (vpci_device_add(fx->host, sbdf_of(i)))
			exit(1);
	bench_end(s, n);

	label(buf, sizeof(buf), "boot hwdom", n, heap);
	s = bench_begin(buf);
	fixture_create_hwdom(fx);
	bench_end(s, n);

	fake_clear_records(&fx->fp);
	label(buf, sizeof(buf), "boot enable", n, heap);
	s = bench_begin(buf);
	for (i = 0; i < n; i++)
		vpci_write(fx->hwdom, sbdf_of(i), VPCI_REG_COMMAND, 2,
			   VPCI_CMD_MEMORY);
	bench_end(s, n);
	if (mapped_frames(&fx->fp) != 12ull * n)
		exit(1); /* not what is meant to be measured */

	printf("memory N=%u %s: %.1f bytes per function in %.2f allocations\n",
	       n, heap, (double)fx->fp.live_bytes / n,
	       (double)fx->fp.live_allocs / n);

	vpci_write(fx->hwdom, mid, VPCI_REG_COMMAND, 2, 0); /* warm-up */
	vpci_write(fx->hwdom, mid, VPCI_REG_COMMAND, 2, VPCI_CMD_MEMORY);
	fake_clear_records(&fx->fp);
	label(buf, sizeof(buf), "toggle", n, heap);
	s = bench_begin(buf);
	for (t = 0; t < toggles; t++) {
		vpci_write(fx->hwdom, mid, VPCI_REG_COMMAND, 2, 0);
		vpci_write(fx->hwdom, mid, VPCI_REG_COMMAND, 2,
			   VPCI_CMD_MEMORY);
	}
	bench_end(s, 2 * toggles);
	fake_clear_records(&fx->fp);

	vpci_host_destroy(fx->host);
	fx->host = NULL;
	fx->hwdom = NULL;
}

static void run(unsigned int n, unsigned long toggles, bool cold_only)
{
	struct fixture fx;

	fixture_init(&fx);
	/* The fake's physmap model is a sorted array: it is not what is
	 * measured (the map calls are checked instead). */
	fx.fp.track_mappings = false;
	add_functions(&fx.fp, n);
	boot_and_toggle(&fx, n, toggles, "cold");
	if (!cold_only)
		boot_and_toggle(&fx, n, toggles, "warm");
	fixture_fini(&fx);
}

int main(int argc, char **argv)
{
	static const unsigned int sizes[] = {16, 256, 4096, 65536};
	bool cold_only = argc > 1 && !strcmp(argv[1], "--cold-only");
	unsigned long toggles;
	int a;
	size_t i;

	if (cold_only)
		argc--, argv++;
	toggles = argc > 1 ? strtoul(argv[1], NULL, 0) : 10000ul;
	bench_header("libvpci hardware-domain boot and decode toggle vs N "
		     "(3 memory BARs per function)");
	if (argc > 2)
		for (a = 2; a < argc; a++)
			run((unsigned int)strtoul(argv[a], NULL, 0), toggles,
			    cold_only);
	else
		for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
			run(sizes[i], toggles, cold_only);
	return 0;
}
