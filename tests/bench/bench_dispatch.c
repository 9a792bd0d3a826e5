/* SPDX-License-Identifier: MIT */
/*
 * Cost of one emulated 4-byte config read and write through the register
 * dispatcher, for a device with 24 registers, at the first, middle and
 * last register and at an offset no register handles (a guest gap), next
 * to a plain array load as the floor. Prints a table; not a test.
 *
 * usage: bench_dispatch [iterations [only]]
 *   only: run just the rows whose label contains this text (for callgrind:
 *   valgrind --tool=callgrind --toggle-collect=measure gives exactly the
 *   measured loop; instructions per access = Ir / iterations).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_util.h"
#include "fake_platform.h"
#include "internal.h"

#define NR_REGS 24

static uint32_t latches[NR_REGS];
static volatile uint32_t sink;

struct row {
	const char *what;
	unsigned int reg;
};

typedef uint32_t access_fn(void *, unsigned int, unsigned long);

static const char *only;

static void warm_up(unsigned long iters, access_fn *once, void *arg,
		    unsigned int reg)
{
	unsigned long i;
	uint32_t acc = 0;

	for (i = 0; i < iters / 10; i++)
		acc += once(arg, reg, i);
	sink = acc;
}

static void measure(const char *what, unsigned long iters, int fd,
		    access_fn *once, void *arg, unsigned int reg)
{
	uint64_t t0, t1, insns;
	unsigned long i;
	uint32_t acc = 0;

	if (only && !strstr(what, only))
		return;
	warm_up(iters, once, arg, reg);
	bench_insn_start(fd);
	t0 = bench_now_ns();
	for (i = 0; i < iters; i++)
		acc += once(arg, reg, i);
	t1 = bench_now_ns();
	insns = bench_insn_stop(fd);
	sink = acc;
	if (fd >= 0)
		printf("%-34s %8.2f %10.1f\n", what, (double)(t1 - t0) / iters,
		       (double)insns / iters);
	else
		printf("%-34s %8.2f %10s\n", what, (double)(t1 - t0) / iters,
		       "n/a");
}

static uint32_t array_load(void *arg, unsigned int reg, unsigned long i)
{
	const volatile uint32_t *arr = arg;

	(void)i;
	return arr[reg / 4];
}

static uint32_t emulated_read(void *arg, unsigned int reg, unsigned long i)
{
	(void)i;
	return vpci_dev_read(arg, reg, 4);
}

static uint32_t emulated_write(void *arg, unsigned int reg, unsigned long i)
{
	vpci_dev_write(arg, reg, 4, (uint32_t)i);
	return 0;
}

int main(int argc, char **argv)
{
	unsigned long iters = argc > 1 ? strtoul(argv[1], NULL, 0) : 20000000ul;
	struct vpci_domain_config guest_cfg = {.domid = 1,
					       .kind = VPCI_DOMAIN_GUEST,
					       .flags = VPCI_DOMAIN_F_VPCI};
	static volatile uint32_t array[1024];
	const struct row rows[] = {
		{"first register (0x00)", 0x00},
		{"middle register (0x2c)", 4 * (NR_REGS / 2) - 4},
		{"last register (0x5c)", 4 * (NR_REGS - 1)},
		{"unhandled offset, guest (0x80)", 0x80},
	};
	struct fake_platform fp;
	struct vpci_host *host;
	struct vpci_domain *guest;
	struct vpci_dev *dev;
	unsigned int i;
	int fd = bench_insn_counter_open();
	char label[64];

	only = argc > 2 ? argv[2] : NULL;
	fake_platform_init(&fp);
	fake_fn_add(&fp, VPCI_SBDF(0, 1, 0, 0));
	if (vpci_host_create(&fp.ops, &fp, 0, &host) ||
	    vpci_domain_create(host, &guest_cfg, &guest, NULL) ||
	    vpci_device_add(host, VPCI_SBDF(0, 1, 0, 0)) ||
	    vpci_assign_device(guest, VPCI_SBDF(0, 1, 0, 0),
			       VPCI_SBDF(0, 0, 1, 0), NULL))
		return 1;
	dev = vpci_device_find(host, VPCI_SBDF(0, 1, 0, 0));
	/* Replace whatever header state exists with 24 plain latches. */
	vpci_remove_registers(dev, 0, 4096);
	for (i = 0; i < NR_REGS; i++)
		if (vpci_add_register(dev, vpci_read_val, vpci_write_val, i * 4,
				      4, &latches[i], NULL))
			return 1;

	printf("libvpci register dispatch, %lu iterations, %d registers\n",
	       iters, NR_REGS);
	printf("%-34s %8s %10s\n", "access (4 bytes)", "ns", "insns");
	measure("array load (floor)", iters, fd, array_load, (void *)array, 0x2c);
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		snprintf(label, sizeof(label), "read  %s", rows[i].what);
		measure(label, iters, fd, emulated_read, dev, rows[i].reg);
	}
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		snprintf(label, sizeof(label), "write %s", rows[i].what);
		measure(label, iters, fd, emulated_write, dev, rows[i].reg);
	}
	if (fd < 0)
		printf("(no hardware instruction counter here: run under "
		       "`valgrind --tool=callgrind` for instruction counts)\n");
	vpci_host_destroy(host);
	fake_platform_fini(&fp);
	return 0;
}
