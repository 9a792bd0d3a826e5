// SPDX-License-Identifier: MIT
// A C++ program using libvpci: every public header compiles as C++ with
// C linkage, and the calls link against the C library.
#include <cstdio>
#include <cstdlib>

#include "vpci/cf8.h"
#include "vpci/fdt.h"
#include "vpci/pci_regs.h"
#include "vpci/platform.h"
#include "vpci/rangeset.h"
#include "vpci/vpci.h"

namespace {

constexpr vpci_sbdf_t kFunction = VPCI_SBDF(0, 0, 3, 0);

uint32_t conf_read(void *, vpci_sbdf_t sbdf, unsigned int reg,
		   unsigned int size)
{
	uint32_t ones = size == 4 ? 0xffffffffu : (1u << (size * 8)) - 1;

	if (sbdf != kFunction)
		return ones;
	return reg == VPCI_REG_VENDOR_ID ? (0xabcd & ones) : 0;
}

void conf_write(void *, vpci_sbdf_t, unsigned int, unsigned int, uint32_t)
{
}

void *zalloc(void *, size_t n) { return std::calloc(1, n); }
void release(void *, void *p) { std::free(p); }

} // namespace

int main()
{
	vpci_platform_ops ops = {};
	ops.conf_read = conf_read;
	ops.conf_write = conf_write;
	ops.zalloc = zalloc;
	ops.free = release;
	vpci_domain_config cfg = {};
	cfg.kind = VPCI_DOMAIN_HARDWARE;
	cfg.flags = VPCI_DOMAIN_F_VPCI;

	vpci_host *host = nullptr;
	vpci_domain *dom = nullptr;
	if (vpci_host_create(&ops, nullptr, 0, &host) != VPCI_OK ||
	    vpci_domain_create(host, &cfg, &dom, nullptr) != VPCI_OK ||
	    vpci_device_add(host, kFunction) != VPCI_OK)
		return 1;
	vpci_cf8_write(dom, VPCI_CF8_ENABLE | 3u << 11);
	uint32_t vendor = vpci_cfc_read(dom, VPCI_CFC_PORT, 2);
	vpci_host_destroy(host);
	if (vendor != 0xabcd) {
		std::fprintf(stderr, "consumer.cpp: vendor 0x%x\n", vendor);
		return 1;
	}
	std::printf("consumer.cpp: ok\n");
	return 0;
}
