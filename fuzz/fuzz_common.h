/* SPDX-License-Identifier: MIT */
/*
 * What the fuzz targets that drive the core through the fake platform
 * share: reading the input as a stream of numbers, and the usual host with
 * a hardware domain and one guest.
 */
#ifndef FUZZ_COMMON_H
#define FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "fake_platform.h"

/* The input, consumed from the front; past its end every number is 0. */
struct fuzz_cursor {
	const uint8_t *p;
	size_t left;
};

/* The next `bytes` bytes as a big-endian number. */
static inline uint64_t fuzz_take(struct fuzz_cursor *c, unsigned int bytes)
{
	uint64_t v = 0;

	while (bytes-- && c->left) {
		v = (v << 8) | *c->p++;
		c->left--;
	}
	return v;
}

/* A host on fp with the hardware domain (domid 0) and a guest (guest_domid,
 * with a virtual host bridge). Failing here is the fuzzer's own bug, not a
 * finding in the input: abort. */
static inline struct vpci_host *
fuzz_host_with_guest(struct fake_platform *fp, unsigned int guest_domid,
		     struct vpci_domain **hw, struct vpci_domain **guest)
{
	struct vpci_domain_config hw_cfg = {.domid = 0,
					    .kind = VPCI_DOMAIN_HARDWARE,
					    .flags = VPCI_DOMAIN_F_VPCI};
	struct vpci_domain_config g_cfg = {.domid = guest_domid,
					   .kind = VPCI_DOMAIN_GUEST,
					   .flags = VPCI_DOMAIN_F_HOST_BRIDGE};
	struct vpci_host *host;

	if (vpci_host_create(&fp->ops, fp, 0, &host) ||
	    vpci_domain_create(host, &hw_cfg, hw, NULL) ||
	    vpci_domain_create(host, &g_cfg, guest, NULL))
		abort();
	return host;
}

#endif /* FUZZ_COMMON_H */
