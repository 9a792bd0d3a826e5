/* SPDX-License-Identifier: MIT */
/*
 * The smallest integration of libvpci: a platform with one made-up PCI
 * function (a NIC-like device with a 64 KiB memory BAR and a 1 MiB 64-bit
 * prefetchable one), a hardware domain and a guest it is assigned to. Prints what each domain reads through
 * its ECAM window, and every map/unmap the core asks of the platform.
 * One device quirk is installed through device_init.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vpci/vpci.h"

#define HOST_SBDF VPCI_SBDF(0, 3, 0, 0)
#define GUEST_SBDF VPCI_SBDF(0, 0, 1, 0)
#define BAR_SIZE 0x10000u
#define BAR2_SIZE 0x100000u

struct toy_hw {
	uint8_t cfg[4096];
	uint32_t bar0_latch;
};

static uint32_t toy_read(void *ctx, vpci_sbdf_t sbdf, unsigned int reg,
			 unsigned int size)
{
	struct toy_hw *hw = ctx;
	uint32_t v = 0;

	if (sbdf != HOST_SBDF)
		return size == 4 ? 0xffffffffu : (1u << (size * 8)) - 1;
	memcpy(&v, &hw->cfg[reg], size);
	return v;
}

static void toy_write(void *ctx, vpci_sbdf_t sbdf, unsigned int reg,
		      unsigned int size, uint32_t val)
{
	struct toy_hw *hw = ctx;

	if (sbdf != HOST_SBDF)
		return;
	/* BARs keep their type bits and drop the bits below their size,
	 * like hardware: that is how they are sized. */
	if (reg == 0x10 && size == 4)
		val &= ~(BAR_SIZE - 1);
	if (reg == 0x18 && size == 4) /* 64-bit (0x4), prefetchable (0x8) */
		val = (val & ~(BAR2_SIZE - 1)) | 0xc;
	if (reg == 0x04 ||
	    ((reg == 0x10 || reg == 0x18 || reg == 0x1c) && size == 4))
		memcpy(&hw->cfg[reg], &val, size);
}

/*
 * What a real port does with the descriptor: choose memory attributes
 * (prefetchable BARs write-combining, or normal non-cacheable on Arm;
 * everything else device memory) and account the frames to the device.
 */
static const char *attributes(const struct vpci_map_desc *desc)
{
	return (desc->flags & VPCI_MAP_PREFETCH) ? "write-combining"
						 : "device memory";
}

static void print_desc(const struct vpci_map_desc *desc)
{
	char bar[8];

	if (desc->bar == VPCI_MAP_ROM)
		snprintf(bar, sizeof(bar), "ROM");
	else
		snprintf(bar, sizeof(bar), "BAR%u", desc->bar);
	printf("            for %02x:%02x.%x (host %02x:%02x.%x) %s%s%s, %s\n",
	       VPCI_SBDF_BUS(desc->owner_sbdf), VPCI_SBDF_DEV(desc->owner_sbdf),
	       VPCI_SBDF_FN(desc->owner_sbdf), VPCI_SBDF_BUS(desc->host_sbdf),
	       VPCI_SBDF_DEV(desc->host_sbdf), VPCI_SBDF_FN(desc->host_sbdf),
	       bar, (desc->flags & VPCI_MAP_64BIT) ? " 64-bit" : "",
	       (desc->flags & VPCI_MAP_MSIX_REMAINDER) ? " around MSI-X" : "",
	       attributes(desc));
}

static int toy_map(void *ctx, uint32_t domid, uint64_t gfn, uint64_t mfn,
		   uint64_t nr, const struct vpci_map_desc *desc,
		   uint64_t *done)
{
	(void)ctx;
	printf("  platform: map   dom%u gfn 0x%llx -> mfn 0x%llx, %llu frames\n",
	       domid, (unsigned long long)gfn, (unsigned long long)mfn,
	       (unsigned long long)nr);
	print_desc(desc);
	*done = nr;
	return 0;
}

static int toy_unmap(void *ctx, uint32_t domid, uint64_t gfn, uint64_t mfn,
		     uint64_t nr, const struct vpci_map_desc *desc,
		     uint64_t *done)
{
	(void)ctx;
	printf("  platform: unmap dom%u gfn 0x%llx (mfn 0x%llx), %llu frames\n",
	       domid, (unsigned long long)gfn, (unsigned long long)mfn,
	       (unsigned long long)nr);
	print_desc(desc);
	*done = nr;
	return 0;
}

/*
 * The toy NIC's driver reads its firmware version from the vendor
 * register at 0x40. A guest's config space is fully emulated (unknown
 * registers read 0), so the quirk lets guests read that one register from
 * the hardware. device_init runs every time the function's vPCI state is
 * built (hardware domain created, assigned, given back), after the
 * library's own handlers: the quirk is there in each view that needs it,
 * and a register the library owns could not be taken (vpci.h lists them).
 */
static int toy_device_init(void *ctx, struct vpci_dev *dev,
			   enum vpci_view view)
{
	vpci_sbdf_t seen = vpci_dev_owner_sbdf(dev);
	int rc;

	(void)ctx;
	printf("  platform: device_init %02x:%02x.%x, %s view\n",
	       VPCI_SBDF_BUS(seen), VPCI_SBDF_DEV(seen), VPCI_SBDF_FN(seen),
	       view == VPCI_VIEW_GUEST ? "guest" : "hardware-domain");
	if (view != VPCI_VIEW_GUEST || vpci_dev_sbdf(dev) != HOST_SBDF)
		return 0; /* the hardware domain reads 0x40 from hardware */
	rc = vpci_add_register(dev, vpci_hw_read, NULL, 0x40, 4, NULL, NULL);
	/* Failing would refuse the assignment: better than a guest whose
	 * driver cannot work. */
	return rc;
}

static void *toy_zalloc(void *ctx, size_t n)
{
	(void)ctx;
	return calloc(1, n);
}

static void toy_free(void *ctx, void *p)
{
	(void)ctx;
	free(p);
}

static void toy_log(void *ctx, enum vpci_log_level level, const char *msg)
{
	(void)ctx;
	printf("  vpci[%d]: %s\n", (int)level, msg);
}

static void show(const char *who, struct vpci_domain *dom, uint64_t ecam,
		 vpci_sbdf_t sbdf)
{
	uint64_t id = 0, cmd = 0, bar = 0, fw = 0;
	uint64_t base = ecam + ((uint64_t)VPCI_SBDF_BUS(sbdf) << 20) +
			((uint64_t)VPCI_SBDF_DEVFN(sbdf) << 12);

	vpci_ecam_read(dom, base + 0x00, 4, &id);
	vpci_ecam_read(dom, base + 0x04, 2, &cmd);
	vpci_ecam_read(dom, base + 0x10, 4, &bar);
	vpci_ecam_read(dom, base + 0x40, 4, &fw);
	printf("%-6s %02x:%02x.%x  id %08llx  command %04llx  BAR0 %08llx  "
	       "fw %08llx\n",
	       who, VPCI_SBDF_BUS(sbdf), VPCI_SBDF_DEV(sbdf), VPCI_SBDF_FN(sbdf),
	       (unsigned long long)id, (unsigned long long)cmd,
	       (unsigned long long)bar, (unsigned long long)fw);
}

int main(void)
{
	static const struct vpci_platform_ops ops = {
		.conf_read = toy_read, .conf_write = toy_write,
		.map = toy_map, .unmap = toy_unmap,
		.zalloc = toy_zalloc, .free = toy_free, .log = toy_log,
		.device_init = toy_device_init,
	};
	struct vpci_domain_config hw_cfg = {
		.domid = 0, .kind = VPCI_DOMAIN_HARDWARE,
		.flags = VPCI_DOMAIN_F_VPCI};
	struct vpci_domain_config guest_cfg = {
		.domid = 1, .kind = VPCI_DOMAIN_GUEST,
		.flags = VPCI_DOMAIN_F_VPCI | VPCI_DOMAIN_F_HOST_BRIDGE};
	static struct toy_hw hw;
	struct vpci_host *host;
	struct vpci_domain *hwdom, *guest;
	const char *why = NULL;
	uint64_t bar;
	int rc;

	memcpy(&hw.cfg[0], "\x86\x80\xd3\x10", 4); /* 8086:10d3 */
	hw.cfg[0x0b] = 0x02;                        /* network controller */
	memcpy(&hw.cfg[0x10], "\x00\x00\xe0\xfe", 4); /* BAR0 at 0xfee00000 */
	memcpy(&hw.cfg[0x18], "\x0c\x00\x00\x80", 4); /* BAR2 at 0x3_8000_0000 */
	memcpy(&hw.cfg[0x1c], "\x03\x00\x00\x00", 4);
	memcpy(&hw.cfg[0x40], "\x15\x00\x02\x00", 4); /* firmware 2.21 */

	rc = vpci_host_create(&ops, &hw, 0, &host);
	if (!rc)
		rc = vpci_domain_create(host, &hw_cfg, &hwdom, &why);
	if (!rc)
		rc = vpci_domain_create(host, &guest_cfg, &guest, &why);
	if (rc) {
		fprintf(stderr, "setup: %s (%s)\n", vpci_strerror(rc),
			why ? why : "");
		return 1;
	}
	vpci_domain_add_ecam(hwdom, 0xe0000000, 0, 0, 255, NULL);
	vpci_domain_add_ecam(guest, 0x30000000, 0, 0, 0, NULL);
	vpci_device_add(host, HOST_SBDF);

	printf("Before assignment, the hardware domain enables memory:\n");
	vpci_ecam_write(hwdom, 0xe0000000 + (3u << 20) + 0x04, 2, 0x0002);
	show("host", hwdom, 0xe0000000, HOST_SBDF);
	rc = vpci_assign_device(guest, HOST_SBDF, GUEST_SBDF, NULL);
	printf("Assign %02x:%02x.%x to the guest at 00:01.0: %s\n",
	       VPCI_SBDF_BUS(HOST_SBDF), VPCI_SBDF_DEV(HOST_SBDF),
	       VPCI_SBDF_FN(HOST_SBDF), vpci_strerror(rc));
	show("host", hwdom, 0xe0000000, HOST_SBDF);
	show("guest", guest, 0x30000000, GUEST_SBDF);

	printf("The guest sizes BAR0, places it at 0x80000000 and BAR2 at "
	       "0x1_0000_0000, enables memory:\n");
	vpci_ecam_write(guest, 0x30000000 + (1u << 15) + 0x10, 4, 0xffffffff);
	vpci_ecam_read(guest, 0x30000000 + (1u << 15) + 0x10, 4, &bar);
	printf("  BAR0 reads 0x%08llx after writing all-ones: size 0x%llx\n",
	       (unsigned long long)bar,
	       (unsigned long long)((~(bar & ~0xfull) + 1) & 0xffffffffull));
	vpci_ecam_write(guest, 0x30000000 + (1u << 15) + 0x10, 4, 0x80000000);
	vpci_ecam_write(guest, 0x30000000 + (1u << 15) + 0x18, 4, 0);
	vpci_ecam_write(guest, 0x30000000 + (1u << 15) + 0x1c, 4, 1);
	vpci_ecam_write(guest, 0x30000000 + (1u << 15) + 0x04, 2, 0x0006);
	show("guest", guest, 0x30000000, GUEST_SBDF);

	vpci_host_destroy(host);
	return 0;
}
