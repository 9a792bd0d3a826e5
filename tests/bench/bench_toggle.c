/* SPDX-License-Identifier: MIT */
/*
 * Cost of one memory-decode toggle (a hardware-domain command write that
 * unmaps or maps a device's BAR) as the number of devices grows: 16, 256,
 * 4096 and 65536 functions, each with one 64-bit memory BAR, decoding on.
 * Two layouts: BARs on pages of their own (every toggle maps or unmaps),
 * and BARs sharing a page pairwise (a toggle finds its frame still needed
 * or already there, and calls the platform not at all); gaps between
 * pages keep one index segment per page. The fake's physmap model is off:
 * it is not what is measured. Prints a table; not a test.
 *
 * usage: bench_toggle [iterations [devices [layout]]]   (layout 0 or 1)
 * Instruction counts where perf is refused (VMs):
 *   valgrind --tool=callgrind --toggle-collect=toggle_loop \
 *       bench_toggle 1000 65536 0
 * then divide the Ir total by 2 x 1000.
 */
#include <stdio.h>
#include <stdlib.h>

#include "bench_util.h"
#include "fake_platform.h"
#include "internal.h"

#define BAR_BASE 0x1000000000ull

struct layout {
	const char *name;
	uint64_t bar_size;
	unsigned int per_page; /* devices whose BARs share a page run */
	uint64_t stride;       /* from one page run to the next */
};

static const struct layout layouts[] = {
	{"own pages", 0x4000, 1, 0x8000},  /* 4 frames, 4-frame gaps */
	{"shared page", 0x800, 2, 0x2000}, /* two BARs per frame, gaps */
};

static vpci_sbdf_t sbdf_of(unsigned int i)
{
	return VPCI_SBDF(0, i >> 8, (i >> 3) & 0x1f, i & 7);
}

static uint64_t ms_since(uint64_t t0)
{
	return (bench_now_ns() - t0) / 1000000u;
}

/* The measured loop; a function of its own for callgrind. Returns the
 * number of platform map/unmap calls made. */
__attribute__((noinline)) static uint64_t toggle_loop(struct fake_platform *fp,
						      struct vpci_domain *hwdom,
						      vpci_sbdf_t target,
						      unsigned long iters)
{
	uint64_t calls = 0;
	unsigned long n;

	for (n = 0; n < iters; n++) {
		vpci_write(hwdom, target, VPCI_REG_COMMAND, 2, 0);
		vpci_write(hwdom, target, VPCI_REG_COMMAND, 2, VPCI_CMD_MEMORY);
		if ((n & 1023) == 1023) { /* keep the fake's record small */
			calls += fp->nr_map_calls;
			fake_clear_records(fp);
		}
	}
	return calls + fp->nr_map_calls;
}

static void run(unsigned int nr_devs, const struct layout *l,
		unsigned long iters, int fd)
{
	struct vpci_domain_config cfg = {.domid = 0,
					 .kind = VPCI_DOMAIN_HARDWARE,
					 .flags = VPCI_DOMAIN_F_VPCI};
	struct fake_platform fp;
	struct vpci_host *host;
	struct vpci_domain *hwdom;
	vpci_sbdf_t target = sbdf_of(nr_devs / 2 + 1);
	uint64_t t0, t1, insns, setup_ms, calls;
	unsigned long n;
	unsigned int i;
	char insn_col[24] = "n/a";

	fake_platform_init(&fp);
	fp.track_mappings = false;
	for (i = 0; i < nr_devs; i++) {
		struct fake_fn *fn = fake_fn_add(&fp, sbdf_of(i));

		fake_fn_set_header(fn, 0x1234, 0x5678, 0);
		fake_fn_set_bar(fn, 0, l->bar_size, VPCI_BAR_MEM_TYPE_64);
		fake_fn_set_bar_addr(fn, 0,
				     BAR_BASE + (i / l->per_page) * l->stride +
					     (i % l->per_page) * l->bar_size);
		fake_fn_set(fn, VPCI_REG_COMMAND, 2, VPCI_CMD_MEMORY);
	}
	if (vpci_host_create(&fp.ops, &fp, 0, &host))
		exit(1);
	for (i = 0; i < nr_devs; i++)
		if (vpci_device_add(host, sbdf_of(i)))
			exit(1);
	/* Creating the hardware domain sizes and maps every device. */
	t0 = bench_now_ns();
	if (vpci_domain_create(host, &cfg, &hwdom, NULL))
		exit(1);
	setup_ms = ms_since(t0);
	for (n = 0; n < iters / 10; n++) { /* warm up */
		vpci_write(hwdom, target, VPCI_REG_COMMAND, 2, 0);
		vpci_write(hwdom, target, VPCI_REG_COMMAND, 2, VPCI_CMD_MEMORY);
	}
	fake_clear_records(&fp);
	bench_insn_start(fd);
	t0 = bench_now_ns();
	calls = toggle_loop(&fp, hwdom, target, iters);
	t1 = bench_now_ns();
	insns = bench_insn_stop(fd);
	if (fd >= 0)
		snprintf(insn_col, sizeof(insn_col), "%.0f",
			 (double)insns / (2.0 * iters));
	printf("%8u  %-12s %9.1f %10s %9.2f %9zu %9llu\n", nr_devs, l->name,
	       (double)(t1 - t0) / (2.0 * iters), insn_col,
	       (double)calls / (2.0 * iters), host->hw_group.wanted.nr_segs,
	       (unsigned long long)setup_ms);
	vpci_host_destroy(host);
	fake_platform_fini(&fp);
}

int main(int argc, char **argv)
{
	unsigned long iters = argc > 1 ? strtoul(argv[1], NULL, 0) : 200000ul;
	unsigned int only =
		argc > 2 ? (unsigned int)strtoul(argv[2], NULL, 0) : 0;
	long layout = argc > 3 ? strtol(argv[3], NULL, 0) : -1;
	static const unsigned int sizes[] = {16, 256, 4096, 65536};
	int fd = bench_insn_counter_open();
	size_t s, l;

	printf("libvpci decode toggle (hardware domain command write), %lu "
	       "toggle pairs per row\n",
	       iters);
	printf("%8s  %-12s %9s %10s %9s %9s %9s\n", "devices", "BAR layout",
	       "ns/toggle", "insns", "calls", "segments", "setup ms");
	for (s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++)
		for (l = 0; l < sizeof(layouts) / sizeof(layouts[0]); l++)
			if ((!only || only == sizes[s]) &&
			    (layout < 0 || (size_t)layout == l))
				run(sizes[s], &layouts[l], iters, fd);
	printf("calls: platform map/unmap calls per toggle; segments: the "
	       "hardware domain's wanted index.\n");
	if (fd < 0)
		printf("(no hardware instruction counter here: run under "
		       "`valgrind --tool=callgrind` for instruction counts)\n");
	return 0;
}
