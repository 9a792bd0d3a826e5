/* SPDX-License-Identifier: MIT */
/*
 * Cost of one 4-byte config access as a domain makes it: through the
 * public entry points (vpci_read/vpci_write, and the ECAM entry
 * vpci_ecam_read/write), so the device lookup is counted, by register
 * kind (identity, command, BAR, capability, extended capability, MSI-X
 * table) and by domain (hardware domain, guest). The function is a type-0
 * endpoint with six BARs, the capability list of tests/caps_env.h (PM,
 * vendor, PCIe, MSI, MSI-X; AER and resizable BAR in extended space),
 * memory decoding and MSI-X on. Beside them, in the same run, two floors:
 * a plain array load through the same loop, and the fake platform's own
 * config read (what a hardware-domain pass-through read must pay anyway).
 * Writes store what the register holds, so no row changes decoding.
 * Sweep rows read every dword of a region in turn (their average).
 *
 * With --each-dword, one row per domain, path, direction and dword
 * instead, for every dword of standard space and the extended dwords
 * where the capability list has registers, plus a few gap dwords, so
 * that no dword's cost hides in an average. Labels:
 *   "<who> <path><op> dword 0x<reg>"   who: hwdom | guest,
 *   path: "" (vpci_read/write) | "ECAM ", op: "read " | "write",
 *   reg: three hex digits, e.g. "hwdom read  dword 0x004",
 *   "guest ECAM write dword 0x150".
 *
 * usage: bench_access [--each-dword] [iterations]   (prints rows; not a test)
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>

#include "bench_util.h"
#include "caps_env.h"

#define STD_DWORDS 64u /* the dwords of standard config space */

#define HOST_FN	 VPCI_SBDF(0, 1, 0, 0) /* the hardware domain keeps it */
#define GUEST_FN VPCI_SBDF(0, 2, 0, 0) /* assigned to the guest ... */
#define GUEST_VF VPCI_SBDF(0, 0, 1, 0) /* ... which sees it here */
#define HW_ECAM	 0xe0000000ull
#define G_ECAM	 0x30000000ull

/* One domain's view of one function, and where its MSI-X table is. */
struct target {
	struct fixture *fx;
	struct vpci_domain *dom;
	vpci_sbdf_t sbdf;
	uint64_t ecam;	   /* the function's config space in dom's window */
	uint64_t msix_gpa; /* entry 1's message data */
	uint32_t reg;	   /* the row's register */
	uint32_t val;	   /* what a write stores there */
};

typedef uint32_t op_fn(const struct target *t, unsigned long i);

static volatile uint32_t array[1024];
static volatile uint32_t sink;

static uint32_t array_load(const struct target *t, unsigned long i)
{
	(void)i;
	return array[t->reg / 4];
}

static uint32_t platform_read(const struct target *t, unsigned long i)
{
	(void)i;
	return t->fx->fp.ops.conf_read(&t->fx->fp, HOST_FN, t->reg, 4);
}

static uint32_t read_op(const struct target *t, unsigned long i)
{
	(void)i;
	return vpci_read(t->dom, t->sbdf, t->reg, 4);
}

/* Every dword of [reg, reg + val) in turn: a region's average. */
static uint32_t sweep_read_op(const struct target *t, unsigned long i)
{
	return vpci_read(t->dom, t->sbdf,
			 t->reg + (unsigned int)(i * 4 % t->val), 4);
}

static uint32_t write_op(const struct target *t, unsigned long i)
{
	(void)i;
	vpci_write(t->dom, t->sbdf, t->reg, 4, t->val);
	return 0;
}

static uint32_t ecam_read_op(const struct target *t, unsigned long i)
{
	uint64_t v;

	(void)i;
	vpci_ecam_read(t->dom, t->ecam + t->reg, 4, &v);
	return (uint32_t)v;
}

static uint32_t ecam_write_op(const struct target *t, unsigned long i)
{
	(void)i;
	vpci_ecam_write(t->dom, t->ecam + t->reg, 4, t->val);
	return 0;
}

static uint32_t msix_read_op(const struct target *t, unsigned long i)
{
	uint64_t v;

	(void)i;
	vpci_msix_read(t->dom, t->msix_gpa, 4, &v);
	return (uint32_t)v;
}

static uint32_t msix_write_op(const struct target *t, unsigned long i)
{
	vpci_msix_write(t->dom, t->msix_gpa, 4, (uint32_t)i);
	return 0;
}

/* The loop every row runs, a function of its own so that callgrind's
 * per-function view shows it too. */
__attribute__((noinline)) static uint32_t
run_loop(op_fn *op, const struct target *t, unsigned long iters)
{
	uint32_t acc = 0;
	unsigned long i;

	for (i = 0; i < iters; i++)
		acc += op(t, i);
	return acc;
}

static void row(const char *label, op_fn *op, struct target *t, uint32_t reg,
		unsigned long iters)
{
	struct bench_span s;

	t->reg = reg;
	/* A write stores what a read sees, so the state does not move. */
	t->val = t->dom ? vpci_read(t->dom, t->sbdf, reg, 4) : 0;
	sink = run_loop(op, t, iters / 10 + 1); /* warm-up, not counted */
	s = bench_begin(label);
	sink = run_loop(op, t, iters);
	bench_end(s, iters);
}

/* Six BARs (five 32-bit memory, one I/O), the caps_env.h capability list,
 * all at addresses of its own (base), decoding memory. */
static struct fake_fn *add_function(struct fixture *fx, vpci_sbdf_t sbdf,
				    uint32_t base)
{
	struct fake_fn *fn = fake_fn_add(&fx->fp, sbdf);
	unsigned int b;

	fake_fn_set_header(fn, 0x8086, 0x10fb, VPCI_HEADER_TYPE_NORMAL);
	fake_fn_set_bar(fn, 0, 0x10000, 0);
	fake_fn_set_bar_addr(fn, 0, base);
	for (b = 1; b < 5; b++) {
		fake_fn_set_bar(fn, b, 0x4000, 0);
		fake_fn_set_bar_addr(fn, b, base + 0x10000 * b);
	}
	fake_fn_set_bar(fn, 5, 0x100, VPCI_BAR_SPACE_IO);
	fake_fn_set_bar_addr(fn, 5, 0xc000 + (base >> 12 & 0xf00));
	add_cap_list(fn, 0 | TABLE_OFF, 0 | PBA_OFF);
	fake_fn_set(fn, VPCI_REG_COMMAND, 2, VPCI_CMD_MEMORY);
	return fn;
}

/* Reads of every dword of [from, from + len), the region's average. */
static void sweep(const char *who, const char *region, struct target *t,
		  uint32_t from, uint32_t len, unsigned long iters)
{
	struct bench_span s;
	char label[96];

	snprintf(label, sizeof(label), "%s read  every dword, %s", who, region);
	t->reg = from;
	t->val = len;
	iters -= iters % (len / 4); /* whole sweeps */
	sink = run_loop(sweep_read_op, t, len / 4);
	s = bench_begin(label);
	sink = run_loop(sweep_read_op, t, iters);
	bench_end(s, iters);
}

static void domain_rows(const char *who, struct target *t, unsigned long iters)
{
	static const struct {
		const char *what;
		uint32_t reg;
	} regs[] = {
		{"id (0x00)", VPCI_REG_VENDOR_ID},
		{"command (0x04)", VPCI_REG_COMMAND},
		{"BAR0 (0x10)", VPCI_REG_BAR0},
		{"MSI capability (0xa0)", MSI_POS},
		{"MSI message data (0xac)", MSI_POS + 0xc},
		{"extended capability AER (0x100)", AER_POS},
		{"unimplemented (0x48)", 0x48},
	};
	char label[96];
	size_t r;

	for (r = 0; r < sizeof(regs) / sizeof(regs[0]); r++) {
		snprintf(label, sizeof(label), "%s read  %s", who,
			 regs[r].what);
		row(label, read_op, t, regs[r].reg, iters);
		snprintf(label, sizeof(label), "%s write %s", who,
			 regs[r].what);
		row(label, write_op, t, regs[r].reg, iters);
	}
	sweep(who, "header (0x00-0x3c)", t, 0x00, 0x40, iters);
	sweep(who, "capability space (0x40-0xfc)", t, 0x40, 0xc0, iters);
	sweep(who, "extended space (0x100-0xffc)", t, 0x100, 0xf00, iters);
	snprintf(label, sizeof(label), "%s ECAM read  command (0x04)", who);
	row(label, ecam_read_op, t, VPCI_REG_COMMAND, iters);
	snprintf(label, sizeof(label), "%s ECAM write command (0x04)", who);
	row(label, ecam_write_op, t, VPCI_REG_COMMAND, iters);
	snprintf(label, sizeof(label), "%s MSI-X table read  (entry data)",
		 who);
	row(label, msix_read_op, t, 0, iters);
	snprintf(label, sizeof(label), "%s MSI-X table write (entry data)",
		 who);
	row(label, msix_write_op, t, 0, iters);
}

/* The extended dwords with registers in the caps_env.h list (AER's
 * header, resizable BAR's header, capability and control), and gap
 * dwords on either side and at the end of the space. */
static const uint32_t ext_dwords[] = {
	AER_POS,       AER_POS + 4,   AER_POS + 8,     REBAR_POS - 4, REBAR_POS,
	REBAR_POS + 4, REBAR_POS + 8, REBAR_POS + 0xc, 0x200,	      0xffc,
};

/* One row per dword: see the head of the file for the labels. */
static void each_dword_rows(const char *who, struct target *t,
			    unsigned long iters)
{
	static const struct {
		const char *path;
		op_fn *read, *write;
	} paths[] = {
		{"", read_op, write_op},
		{"ECAM ", ecam_read_op, ecam_write_op},
	};
	const size_t nr_ext = sizeof(ext_dwords) / sizeof(ext_dwords[0]);
	char label[96];
	size_t p, d;

	for (p = 0; p < sizeof(paths) / sizeof(paths[0]); p++)
		for (d = 0; d < STD_DWORDS + nr_ext; d++) {
			uint32_t reg = d < STD_DWORDS
					       ? (uint32_t)d * 4u
					       : ext_dwords[d - STD_DWORDS];

			snprintf(label, sizeof(label),
				 "%s %sread  dword 0x%03x", who, paths[p].path,
				 reg);
			row(label, paths[p].read, t, reg, iters);
			snprintf(label, sizeof(label),
				 "%s %swrite dword 0x%03x", who, paths[p].path,
				 reg);
			row(label, paths[p].write, t, reg, iters);
		}
}

int main(int argc, char **argv)
{
	bool each_dword = argc > 1 && !strcmp(argv[1], "--each-dword");
	unsigned long iters;
	struct fixture fx;
	struct target hw, guest, floor = {0};
	const uint32_t host_base = 0xf0000000u, host_base_g = 0xf1000000u;
	const uint32_t guest_base = 0xe0000000u;
	unsigned int b;

	if (each_dword) {
		argc--;
		argv++;
	}
	iters = argc > 1 ? strtoul(argv[1], NULL, 0) : 2000000ul;
	fixture_init(&fx);
	fake_enable_irq_hooks(&fx.fp);
	fixture_create_host(&fx, 0);
	add_function(&fx, HOST_FN, host_base);
	add_function(&fx, GUEST_FN, host_base_g);
	if (vpci_device_add(fx.host, HOST_FN) ||
	    vpci_device_add(fx.host, GUEST_FN))
		return 1;
	fixture_create_hwdom(&fx);
	fixture_create_guest(&fx, FIXTURE_GUEST_ID);
	if (vpci_domain_add_ecam(fx.hwdom, HW_ECAM, 0, 0, 255, NULL) ||
	    vpci_domain_add_ecam(fx.guest, G_ECAM, 0, 0, 0, NULL) ||
	    vpci_assign_device(fx.guest, GUEST_FN, GUEST_VF, NULL))
		return 1;
	/* The guest places its BARs and turns decoding on; both owners
	 * enable MSI-X (entries stay masked: no interrupt hook runs). */
	for (b = 0; b < 5; b++)
		vpci_write(fx.guest, GUEST_VF, VPCI_REG_BAR0 + 4 * b, 4,
			   guest_base + 0x10000 * b);
	vpci_write(fx.guest, GUEST_VF, VPCI_REG_COMMAND, 2, VPCI_CMD_MEMORY);
	vpci_write(fx.guest, GUEST_VF, MSIX_POS + 2, 2, 0x8000);
	vpci_write(fx.hwdom, HOST_FN, MSIX_POS + 2, 2, 0x8000);

	hw = (struct target){&fx,
			     fx.hwdom,
			     HOST_FN,
			     HW_ECAM + ((uint64_t)VPCI_SBDF_BDF(HOST_FN) << 12),
			     host_base + TABLE_OFF + 16 + 8,
			     0,
			     0};
	guest = (struct target){
		&fx,
		fx.guest,
		GUEST_VF,
		G_ECAM + ((uint64_t)VPCI_SBDF_BDF(GUEST_VF) << 12),
		guest_base + TABLE_OFF + 16 + 8,
		0,
		0};
	floor.fx = &fx;

	bench_header("libvpci config access, 4 bytes, lookup included");
	if (each_dword) {
		each_dword_rows("hwdom", &hw, iters);
		each_dword_rows("guest", &guest, iters);
		fixture_fini(&fx);
		return 0;
	}
	row("floor: array load", array_load, &floor, 0x2c, iters);
	row("floor: fake platform config read", platform_read, &floor,
	    VPCI_REG_COMMAND, iters);
	domain_rows("hwdom", &hw, iters);
	domain_rows("guest", &guest, iters);
	fixture_fini(&fx);
	return 0;
}
