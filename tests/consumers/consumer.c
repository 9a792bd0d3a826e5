/* SPDX-License-Identifier: MIT */
/*
 * A program outside the project using libvpci only through its installed
 * headers and library: a platform with one function, a hardware domain,
 * and reads through ECAM and through port I/O. Built against pkg-config
 * (shared and static) and as a Meson subproject by tests/consumers/run.sh.
 * Exit status 0 when every read returns what the platform holds.
 */
#include <stdio.h>
#include <stdlib.h>

#include "vpci/cf8.h"
#include "vpci/vpci.h"

#define FN VPCI_SBDF(0, 0, 3, 0)
#define ID 0x12345678u /* vendor 0x5678, device 0x1234 */

static uint32_t conf_read(void *ctx, vpci_sbdf_t sbdf, unsigned int reg,
			  unsigned int size)
{
	uint32_t ones = size == 4 ? 0xffffffffu : (1u << (size * 8)) - 1;

	(void)ctx;
	if (sbdf != FN)
		return ones;
	if (reg < 4)
		return (ID >> (reg * 8)) & ones;
	return 0;
}

static void conf_write(void *ctx, vpci_sbdf_t sbdf, unsigned int reg,
		       unsigned int size, uint32_t val)
{
	(void)ctx, (void)sbdf, (void)reg, (void)size, (void)val;
}

static void *zalloc(void *ctx, size_t n)
{
	(void)ctx;
	return calloc(1, n);
}

static void release(void *ctx, void *p)
{
	(void)ctx;
	free(p);
}

static int check(const char *what, uint64_t got, uint64_t want)
{
	if (got == want)
		return 0;
	fprintf(stderr, "consumer: %s: got 0x%llx, want 0x%llx\n", what,
		(unsigned long long)got, (unsigned long long)want);
	return 1;
}

int main(void)
{
	struct vpci_platform_ops ops = {0};
	struct vpci_domain_config cfg = {0};
	struct vpci_host *host;
	struct vpci_domain *dom;
	uint64_t val = 0;
	int bad = 0;

	ops.conf_read = conf_read;
	ops.conf_write = conf_write;
	ops.zalloc = zalloc;
	ops.free = release;
	cfg.kind = VPCI_DOMAIN_HARDWARE;
	cfg.flags = VPCI_DOMAIN_F_VPCI;
	if (vpci_host_create(&ops, NULL, 0, &host) ||
	    vpci_domain_create(host, &cfg, &dom, NULL) ||
	    vpci_device_add(host, FN) ||
	    vpci_domain_add_ecam(dom, 0xe0000000u, 0, 0, 0, NULL)) {
		fprintf(stderr, "consumer: setup failed\n");
		return 1;
	}
	bad |= vpci_ecam_read(dom, 0xe0000000u + (3u << 15), 4, &val);
	bad |= check("ECAM vendor/device", val, ID);
	vpci_cf8_write(dom, VPCI_CF8_ENABLE | 3u << 11);
	bad |= check("port I/O device", vpci_cfc_read(dom, 0xcfe, 2), ID >> 16);
	bad |= check("absent function",
		     vpci_read(dom, VPCI_SBDF(0, 0, 4, 0), 0, 4), 0xffffffffu);
	vpci_host_destroy(host);
	if (!bad)
		printf("consumer: ok (%s)\n", vpci_strerror(VPCI_ENOENT));
	return bad;
}
