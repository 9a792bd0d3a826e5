/* SPDX-License-Identifier: MIT */
/*
 * A hostile guest and hardware domain: every input is a sequence of ECAM
 * and config accesses (any address, size, alignment, value) plus device
 * assignment churn, against a host with several devices. Nothing may
 * crash, leak, or make a later access misbehave.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fake_platform.h"
#include "internal.h"

#define ECAM_BASE 0xe0000000ull

struct cursor {
	const uint8_t *p;
	size_t left;
};

static uint64_t take(struct cursor *c, unsigned int bytes)
{
	uint64_t v = 0;

	while (bytes-- && c->left) {
		v = (v << 8) | *c->p++;
		c->left--;
	}
	return v;
}

/* Real-looking hardware: BARs of every kind and a ROM, decoding on. */
static void add_real_fn(struct fake_platform *fp, vpci_sbdf_t sbdf,
			uint8_t header_type, uint64_t base)
{
	struct fake_fn *fn = fake_fn_add(fp, sbdf);

	fake_fn_set_header(fn, 0x8086, (uint16_t)(0x1000 + (sbdf & 0xff)),
			   header_type);
	fake_fn_set_bar(fn, 0, 0x10000, 0);
	fake_fn_set_bar_addr(fn, 0, base);
	if (header_type == 0) {
		fake_fn_set_bar(fn, 2, 0x100000,
				VPCI_BAR_MEM_TYPE_64 | VPCI_BAR_MEM_PREFETCH);
		fake_fn_set_bar_addr(fn, 2, base + 0x100000000ull);
		fake_fn_set_bar(fn, 4, 0x100, VPCI_BAR_SPACE_IO);
		fake_fn_set_rom(fn, 0x30, 0x8000, (uint32_t)base + 0x20000, false);
	}
	fake_fn_set(fn, VPCI_REG_COMMAND, 2, VPCI_CMD_MEMORY);
}

static void add_fn(struct fake_platform *fp, vpci_sbdf_t sbdf, uint32_t seed)
{
	struct fake_fn *fn = fake_fn_add(fp, sbdf);
	unsigned int i;

	for (i = 0; i < 4096; i++) {
		fn->cfg[i] = (uint8_t)(seed >> (i % 24));
		fn->wmask[i] = (uint8_t)(i < 0x40 ? 0xff : 0x0f);
	}
	fake_fn_set(fn, 0, 4, 0x12348086u + seed);
	fake_fn_set(fn, 0x0e, 1, 0);
	fake_fn_set_w1cmask(fn, 0x06, 2, 0xf900);
}

/*
 * The platform's quirk hook, as an integrator writes one: a latch at 0x40
 * in every view. The command register is the library's in both views, so
 * taking it must be refused, whatever state the device is in.
 */
static int quirk_init(void *ctx, struct vpci_dev *dev, enum vpci_view view)
{
	static uint32_t latch;

	(void)ctx;
	(void)view;
	if (vpci_add_register(dev, vpci_read_val, vpci_write_val,
			      VPCI_REG_COMMAND, 2, &latch, NULL) != VPCI_EEXIST)
		abort();
	return vpci_add_register(dev, vpci_read_val, vpci_write_val, 0x40, 4,
				 &latch, NULL);
}

/* Every map/unmap call described a BAR of a function that exists, as
 * its owner sees it. */
static void check_descriptors(const struct fake_platform *fp,
			      const vpci_sbdf_t *fns, unsigned int nr_fns)
{
	const uint8_t known = VPCI_MAP_PREFETCH | VPCI_MAP_64BIT |
			      VPCI_MAP_MSIX_REMAINDER;
	size_t i;

	for (i = 0; i < fp->nr_map_calls; i++) {
		const struct vpci_map_desc *d = &fp->map_calls[i].desc;
		unsigned int f = 0;

		if (d->bar == VPCI_MAP_STALE) {
			/* Only a retried unmap may not know its BAR. */
			if (!fp->map_calls[i].unmap || d->flags ||
			    d->host_sbdf != VPCI_MAP_NO_SBDF ||
			    d->owner_sbdf != VPCI_MAP_NO_SBDF)
				abort();
			continue;
		}
		while (f < nr_fns && fns[f] != d->host_sbdf)
			f++;
		if (f == nr_fns || d->bar > VPCI_MAP_ROM || (d->flags & ~known))
			abort();
		if ((d->flags & VPCI_MAP_64BIT) && d->bar >= 5)
			abort();
		if (d->bar == VPCI_MAP_ROM &&
		    (d->flags & (VPCI_MAP_PREFETCH | VPCI_MAP_64BIT)))
			abort();
		if (fp->map_calls[i].domid == 0 && d->owner_sbdf != d->host_sbdf)
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const vpci_sbdf_t fns[] = {
		VPCI_SBDF(0, 0, 0, 0), VPCI_SBDF(0, 0, 1, 0),
		VPCI_SBDF(0, 1, 0, 0), VPCI_SBDF(0, 1, 0, 1),
	};
	struct vpci_domain_config hw_cfg = {.domid = 0,
					    .kind = VPCI_DOMAIN_HARDWARE,
					    .flags = VPCI_DOMAIN_F_VPCI};
	struct vpci_domain_config g_cfg = {.domid = 1,
					   .kind = VPCI_DOMAIN_GUEST,
					   .flags = VPCI_DOMAIN_F_HOST_BRIDGE};
	struct cursor c = {data, size};
	struct fake_platform fp;
	struct vpci_host *host;
	struct vpci_domain *hw, *guest, *dom;
	unsigned int i, knobs;

	fake_platform_init(&fp);
	/* Two real devices (one a bridge) whose BARs share pages, and two
	 * functions of junk hardware. */
	add_real_fn(&fp, fns[0], 0, 0xe0000000ull);
	add_real_fn(&fp, fns[1], 1, 0xe0008000ull);
	for (i = 2; i < 4; i++)
		add_fn(&fp, fns[i], i * 0x1111u);
	/* The first byte picks preemption and allocation failure. */
	knobs = (unsigned int)take(&c, 1);
	fp.map_budget_frames = knobs & 0x7;
	if (knobs & 0x40) /* also part of the allocation knob: harmless */
		fp.ops.device_init = quirk_init;
	if (vpci_host_create(&fp.ops, &fp, 0, &host) ||
	    vpci_domain_create(host, &hw_cfg, &hw, NULL) ||
	    vpci_domain_create(host, &g_cfg, &guest, NULL))
		abort();
	/* From here on, allocations may fail: building device state must
	 * cope (the device becomes read-only or the call fails cleanly). */
	if (knobs & 0x80)
		fp.allocs_until_failure = (long)((knobs >> 3) & 0xf) * 3;
	vpci_domain_add_ecam(hw, ECAM_BASE, 0, 0, 1);
	vpci_domain_add_ecam(guest, ECAM_BASE, 0, 0, 0);
	for (i = 0; i < 4; i++)
		vpci_device_add(host, fns[i]);

	while (c.left) {
		unsigned int op = (unsigned int)take(&c, 1);
		unsigned int sz = 1u << (op >> 4 & 3);
		uint64_t addr, val = 0;

		dom = (op & 8) ? guest : hw;
		switch (op & 7) {
		case 0:
		case 1:
			addr = ECAM_BASE + (take(&c, 3) & 0x3fffff);
			if (op & 0x40)
				addr = take(&c, 8); /* anywhere at all */
			vpci_ecam_read(dom, addr, (op & 0x80) ? 3 : sz, &val);
			break;
		case 2:
		case 3:
			addr = ECAM_BASE + (take(&c, 3) & 0x3fffff);
			vpci_ecam_write(dom, addr, sz, take(&c, 8));
			break;
		case 4: {
			unsigned int which = (unsigned int)take(&c, 1);

			if (which & 0x80)
				vpci_device_hide(host, fns[which & 3]);
			else if (which & 0x40)
				vpci_device_set_readonly(host, fns[which & 3]);
			else
				vpci_assign_device(guest, fns[which & 3],
						   VPCI_SBDF(0, 0, take(&c, 1) & 31,
							     fns[which & 3] & 7));
			break;
		}
		case 5:
			vpci_deassign_device(guest, fns[take(&c, 1) & 3]);
			break;
		case 6:
			vpci_write(dom, (vpci_sbdf_t)take(&c, 4),
				   (unsigned int)take(&c, 2),
				   (unsigned int)take(&c, 1),
				   (uint32_t)take(&c, 4));
			break;
		default:
			vpci_process_pending(dom);
			break;
		}
	}
	/* Whatever the guest did, the platform never saw a double map or an
	 * unmap of something not mapped... */
	if (fp.map_violations)
		abort();
	check_descriptors(&fp, fns, 4);
	vpci_host_destroy(host);
	if (fp.live_allocs != 0)
		abort(); /* ...and the core leaked nothing */
	fake_platform_fini(&fp);
	return 0;
}
