/* SPDX-License-Identifier: MIT */
/*
 * The device-tree component against hostile trees. The first byte picks
 * what the rest is:
 *  0: a raw blob, booted as a configuration (vpci_fdt_boot) over a host
 *     with ordinary, multi-function, hidden and read-only functions;
 *  1: a recipe for a structurally valid configuration tree (built here
 *     with libfdt's sequential writer): domain nodes whose properties
 *     are drawn from the real property names with values that are
 *     either near-valid words and SBDFs or raw bytes, so the parser's
 *     checks, not libfdt's, are what gets exercised; then booted;
 *  2: a raw blob as the guest tree a host bridge and a hypervisor node
 *     are written into.
 * Nothing may crash or leak, a failed boot must leave no domain, and a
 * successful one must be undone by vpci_fdt_unboot().
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libfdt.h>

#include "fake_platform.h"
#include "vpci/fdt.h"

#define TREE_MAX 16384

struct cursor {
	const uint8_t *p;
	size_t left;
};

static unsigned int take(struct cursor *c)
{
	if (!c->left)
		return 0;
	c->left--;
	return *c->p++;
}

static const vpci_sbdf_t host_fns[] = {
	VPCI_SBDF(0, 0, 1, 0), VPCI_SBDF(0, 0, 2, 0), VPCI_SBDF(0, 3, 0, 0),
	VPCI_SBDF(0, 3, 0, 1), VPCI_SBDF(0, 4, 0, 0), VPCI_SBDF(0, 5, 0, 0),
	VPCI_SBDF(0, 6, 0, 0),
};
#define NR_HOST_FNS (sizeof(host_fns) / sizeof(host_fns[0]))

static int emu_read(void *arg, vpci_sbdf_t sbdf, unsigned int reg,
		    unsigned int size, uint64_t token, uint32_t *val)
{
	(void)arg, (void)sbdf, (void)reg, (void)size, (void)token;
	*val = 0x12345678u;
	return 0;
}

static int emu_write(void *arg, vpci_sbdf_t sbdf, unsigned int reg,
		     unsigned int size, uint32_t val, uint64_t token)
{
	(void)arg, (void)sbdf, (void)reg, (void)size, (void)val, (void)token;
	return 0;
}

static const struct vpci_emulator_ops emu_ops = {emu_read, emu_write, NULL};

/* The fuzzer decides (by the domid's parity) whether an emulator
 * exists, so both answers are covered. */
static int find_emu(void *ctx, uint32_t domid, vpci_sbdf_t host_sbdf,
		    vpci_sbdf_t guest_sbdf,
		    const struct vpci_emulator_ops **ops, void **arg)
{
	(void)host_sbdf, (void)guest_sbdf;
	if (domid & 1)
		return VPCI_ENOENT;
	*ops = &emu_ops;
	*arg = ctx;
	return 0;
}

/* Two long-lived hosts (with and without guest vPCI): a boot either
 * creates everything, undone by vpci_fdt_unboot(), or nothing, so after
 * every input a host must hold exactly the allocations it had before. */
struct bench {
	struct fake_platform fp;
	struct vpci_host *host;
	long baseline_allocs;
};

static struct bench *bench_get(unsigned int which)
{
	static struct bench benches[2];
	static bool ready[2];
	struct bench *b = &benches[which];
	size_t i;

	if (ready[which])
		return b;
	fake_platform_init(&b->fp);
	if (vpci_host_create(&b->fp.ops, &b->fp,
			     which ? VPCI_HOST_NO_GUEST_VPCI : 0, &b->host))
		abort();
	for (i = 0; i < NR_HOST_FNS; i++) {
		struct fake_fn *fn = fake_fn_add(&b->fp, host_fns[i]);

		fake_fn_set_header(fn, 0x1af4, (uint16_t)i,
				   VPCI_SBDF_BUS(host_fns[i]) == 3 ? 0x80 : 0);
		if (vpci_device_add(b->host, host_fns[i]))
			abort();
	}
	vpci_device_hide(b->host, host_fns[5], NULL);
	vpci_device_set_readonly(b->host, host_fns[6], NULL);
	b->baseline_allocs = b->fp.live_allocs;
	ready[which] = true;
	return b;
}

static void boot(const void *blob, size_t len, unsigned int flavour)
{
	static struct vpci_fdt_config cfg;
	struct vpci_fdt_emulators emu = {.find = find_emu, .ctx = NULL};
	struct bench *b = bench_get(flavour & 1);
	struct vpci_fdt_error err;
	size_t i;

	if (vpci_fdt_boot(b->host, blob, len, flavour & 2 ? &emu : NULL, &cfg,
			  &err) == 0) {
		for (i = 0; i < cfg.nr_domains; i++)
			if (!cfg.domains[i].dom)
				abort();
		vpci_fdt_unboot(&cfg);
	} else {
		/* One line, and nothing left behind. */
		if (!err.msg[0] || strchr(err.msg, '\n') || cfg.hwdom)
			abort();
		for (i = 0; i < cfg.nr_domains; i++)
			if (cfg.domains[i].dom)
				abort();
	}
	if (b->fp.live_allocs != b->baseline_allocs)
		abort();
}

/* ------------------------------------------------ tree recipes */

static const char *const prop_names[] = {
	"memory",
	"cpus",
	"xen,enhanced",
	"vpci,devices",
	"vpci,external-devices",
	"vpci,host-bridge",
	"vpci,msi",
	"vpci,msix",
	"vpci,ecam-base",
	"vpci,bus-range",
	"vpci,segment",
	"vpci,bogus",
	"compatible",
	"vpl011",
};
static const char *const words[] = {
	"enabled",
	"no-xenstore",
	"",
	"yes",
	"no",
	"default",
	"00:01.0@00:00.0",
	"03:00.0@00:01.0",
	"03:00.1@00:01.1",
	"00:02.0@01:00.0",
	"0000:04:00.0@0001:00:02.0",
	"05:00.0@00:03.0",
	"06:00.0@00:04.0",
	"00:01.0@00:1f.0",
	"xen,domain",
	"00:01.0",
	"zz:00.0@00:00.0",
};
#define NR(a) (sizeof(a) / sizeof((a)[0]))

static void add_value(void *t, struct cursor *c, const char *name)
{
	uint8_t raw[24], strs[96];
	unsigned int kind = take(c), n, i, used = 0;

	switch (kind % 4) {
	case 0: /* raw bytes */
		n = take(c) % sizeof(raw);
		for (i = 0; i < n; i++)
			raw[i] = (uint8_t)take(c);
		fdt_property(t, name, raw, (int)n);
		break;
	case 1: /* cells */
		n = take(c) % 5;
		for (i = 0; i < n * 4; i++)
			raw[i] = (uint8_t)(i % 4 == 3 ? take(c) : 0);
		fdt_property(t, name, raw, (int)n * 4);
		break;
	default: /* a list of words */
		n = 1 + take(c) % 3;
		for (i = 0; i < n; i++) {
			const char *w = words[take(c) % NR(words)];
			size_t l = strlen(w) + 1;

			if (used + l > sizeof(strs))
				break;
			memcpy(strs + used, w, l);
			used += (unsigned int)l;
		}
		fdt_property(t, name, strs, (int)used);
		break;
	}
}

static size_t build_tree(struct cursor *c, void *t)
{
	unsigned int nr_domains = take(c) % 4, d, p, nr_props;
	char name[16];

	fdt_create(t, TREE_MAX);
	fdt_finish_reservemap(t);
	fdt_begin_node(t, "");
	fdt_begin_node(t, "chosen");
	if (take(c) & 1) {
		fdt_begin_node(t, "module@0");
		fdt_property_string(t, "compatible", "multiboot,kernel");
		fdt_end_node(t);
	}
	for (d = 0; d < nr_domains; d++) {
		memcpy(name, "domU0", 6);
		name[4] = (char)('1' + d);
		fdt_begin_node(t, name);
		fdt_property_string(t, "compatible", "xen,domain");
		/* Usually valid resources, so the PCI side is reached. */
		if (take(c) % 8) {
			fdt_property_u64(t, "memory", 0x40000);
			fdt_property_u32(t, "cpus", 1);
		}
		nr_props = take(c) % 6;
		for (p = 0; p < nr_props; p++)
			add_value(t, c, prop_names[take(c) % NR(prop_names)]);
		fdt_end_node(t);
	}
	fdt_end_node(t);
	fdt_end_node(t);
	if (fdt_finish(t))
		return 0;
	return fdt_totalsize(t);
}

/* -------------------------------------------------- node writers */

static void write_nodes(const uint8_t *data, size_t len)
{
	static uint8_t buf[TREE_MAX + 8192];
	struct vpci_fdt_bar bar = {0, 0, VPCI_FDT_BAR_MEM64, true, 0x100000};
	struct vpci_fdt_bridge b = {
		.ecam_base = 0x10000000,
		.bus_last = 1,
		.msi_phandle = len > 1 ? data[0] : 0,
		.intc_phandle = len > 1 ? data[1] : 0,
		.bars = &bar,
		.nr_bars = 1,
	};
	struct vpci_fdt_hypervisor h = {
		.xen_version = "4.19",
		.features = VPCI_FDT_XEN_GNTTAB | VPCI_FDT_XEN_EVTCHN,
		.gnttab_base = 0x38000000,
		.gnttab_size = 0x1000000,
		.evtchn_ppi = 31,
		.intc_phandle = len > 2 ? data[2] : 0,
	};
	struct vpci_fdt_error err;

	if (len > TREE_MAX)
		return;
	b.apertures[VPCI_FDT_SPACE_MEM32] =
		(struct vpci_fdt_aperture){0x20000000, 0x20000000, 0x1000000};
	b.apertures[VPCI_FDT_SPACE_MEM64_PREF] = (struct vpci_fdt_aperture){
		0x8000000000, 0x8000000000, 0x1000000};
	/* The whole buffer each time: what an earlier input left past len
	 * must not decide what this one does (a crash found so would not
	 * reproduce from its input alone). */
	memset(buf, 0, sizeof(buf));
	memcpy(buf, data, len);
	if (vpci_fdt_bridge_write(&b, buf, sizeof(buf), &err) == 0 &&
	    fdt_check_full(buf, fdt_totalsize(buf)))
		abort();
	memset(buf, 0, sizeof(buf));
	memcpy(buf, data, len);
	if (vpci_fdt_hypervisor_write(&h, buf, sizeof(buf), &err) == 0 &&
	    fdt_check_full(buf, fdt_totalsize(buf)))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t tree[TREE_MAX];
	struct cursor c = {data + 1, size ? size - 1 : 0};
	size_t len;

	if (!size)
		return 0;
	switch (data[0] % 3) {
	case 0:
		boot(data + 1, size - 1, data[0] / 3);
		break;
	case 1:
		len = build_tree(&c, tree);
		if (len)
			boot(tree, len, data[0] / 3);
		break;
	default:
		write_nodes(data + 1, size - 1);
		break;
	}
	return 0;
}
