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
	unsigned int i;

	fake_platform_init(&fp);
	for (i = 0; i < 4; i++)
		add_fn(&fp, fns[i], i * 0x1111u);
	if (vpci_host_create(&fp.ops, &fp, 0, &host) ||
	    vpci_domain_create(host, &hw_cfg, &hw, NULL) ||
	    vpci_domain_create(host, &g_cfg, &guest, NULL))
		abort();
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
		case 4:
			vpci_assign_device(guest, fns[take(&c, 1) & 3],
					   VPCI_SBDF(0, 0, take(&c, 1) & 31,
						     take(&c, 1) & 7));
			break;
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
	vpci_host_destroy(host);
	if (fp.live_allocs != 0)
		abort(); /* the core leaked */
	fake_platform_fini(&fp);
	return 0;
}
