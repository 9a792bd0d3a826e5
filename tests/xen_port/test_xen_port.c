/* SPDX-License-Identifier: MIT */
/*
 * The Xen-shaped port (ports/xen) booted on a fake Xen: a hardware domain
 * that enumerates and enables a device through ECAM and port I/O, a guest
 * it is assigned to (Xen's deassign / change owner / assign flow), which
 * places and enables the BAR, disables it, and gives the device back.
 * Every map goes through map_mmio_regions preempting after a few frames,
 * finished by vpci_process_pending() as on the way back to the guest.
 *
 * This program calls the port only through Xen's names (xen/vpci.h); the
 * library behind it is linked with a symbol prefix, so Xen's vpci_read
 * and libvpci's live side by side in one executable.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "fake_xen.h"
#include "port.h"
#include "xen/errno.h"
#include "xen/hvm_io.h"
#include "xen/vpci.h"

#define HW_ECAM	   0xe0000000ul
#define GUEST_ECAM 0xb0000000ul
#define NIC	   PCI_SBDF(0, 0, 3, 0)
#define NIC_ID	   0x10d38086u
#define NIC_BAR	   0xf0000000u
#define BAR_SIZE   0x10000u /* 16 frames */
#define GUEST_BAR  0xc0000000u

static unsigned long ecam(unsigned long base, unsigned int dev,
			  unsigned int reg)
{
	return base + ((unsigned long)dev << 15) + reg;
}

static uint32_t mmcfg_read(struct vcpu *v, unsigned long addr, unsigned int len)
{
	unsigned long data = 0;

	assert_int_equal(vpci_mmcfg_read(v, addr, len, &data), X86EMUL_OKAY);
	return (uint32_t)data;
}

static void mmcfg_write(struct vcpu *v, unsigned long addr, unsigned int len,
			unsigned long data)
{
	assert_int_equal(vpci_mmcfg_write(v, addr, len, data), X86EMUL_OKAY);
}

/* What Xen does before re-entering the guest: run the hook until it has
 * nothing left. Returns how many times it had to come back. */
static unsigned int return_to_guest(struct vcpu *v)
{
	unsigned int rounds = 0;

	while (vpci_process_pending(v))
		assert_true(++rounds < 1000);
	return rounds;
}

static struct domain d0 = {.domain_id = 0,
			   .options = XEN_DOMCTL_CDF_hvm | XEN_DOMCTL_CDF_vpci,
			   .is_hardware_domain = true};
static struct domain d1 = {.domain_id = 1,
			   .options = XEN_DOMCTL_CDF_hvm | XEN_DOMCTL_CDF_vpci};
static struct vcpu v0 = {.domain = &d0};
static struct vcpu v1 = {.domain = &d1};
static struct pci_dev nic = {.sbdf = NIC, .domain = &d0};

static void boot(bool guest_vpci)
{
	struct xen_domctl_createdomain hw_cfg = {.flags = d0.options};

	fake_xen_reset();
	fake_xen.p2m_budget = 5; /* preempt every 5 frames */
	fake_xen_add_fn(NIC.sbdf, NIC_ID, BAR_SIZE, NIC_BAR);
	d0.xvpci = d1.xvpci = NULL;
	nic.domain = &d0;
	assert_int_equal(vpci_port_init(guest_vpci), 0);
	assert_int_equal(vpci_sanitise_domain_config(&hw_cfg, true), 0);
	assert_int_equal(domain_vpci_init(&d0), 0);
	assert_int_equal(register_vpci_mmcfg_handler(&d0, HW_ECAM, 0, 1, 0), 0);
	/* pci_add_device(): the device starts with the hardware domain. */
	assert_int_equal(vpci_assign_device(&nic), 0);
	fake_xen.current_vcpu = &v0;
}

static void shutdown(void)
{
	domain_vpci_destroy(&d1);
	/* pci_remove_device() */
	nic.domain = &d0;
	vpci_deassign_device(&nic);
	domain_vpci_destroy(&d0);
	xvpci_host_fini();
	assert_int_equal(fake_xen.live_allocs, 0);
	assert_int_equal(fake_xen.lock_errors, 0);
	assert_int_equal(fake_xen.locks_held, 0);
	assert_int_equal(fake_xen.p2m_violations, 0);
}

/* Xen's assign_device()/deassign_device(): the old owner lets go, the
 * owner changes, the new owner takes it. */
static void move_device(struct pci_dev *pdev, struct domain *to)
{
	vpci_deassign_device(pdev);
	pdev->domain = to;
	assert_int_equal(vpci_assign_device(pdev), 0);
}

static void hardware_domain_enumerates_and_enables(void **state)
{
	uint32_t data = 0;
	unsigned long mfn = 0;

	(void)state;
	boot(true);
	/* ECAM, port I/O and Xen's own accessor agree with the hardware. */
	assert_int_equal(mmcfg_read(&v0, ecam(HW_ECAM, 3, 0), 4), NIC_ID);
	assert_int_equal(vpci_portio_write(&v0, 0xcf8, 4, 0x80001800u),
			 X86EMUL_OKAY);
	assert_int_equal(vpci_portio_read(&v0, 0xcfc, 4, &data), X86EMUL_OKAY);
	assert_int_equal(data, NIC_ID);
	assert_int_equal(vpci_read(NIC, 0x0b, 1), 0x02);
	assert_int_equal(mmcfg_read(&v0, ecam(HW_ECAM, 4, 0), 4), 0xffffffffu);
	/* Not vPCI's: outside the window, and 0xCF9 (reset control). */
	assert_int_equal(
		vpci_mmcfg_read(&v0, HW_ECAM - 4, 4, &(unsigned long){0}),
		X86EMUL_UNHANDLEABLE);
	assert_int_equal(vpci_portio_read(&v0, 0xcf9, 1, &data),
			 X86EMUL_UNHANDLEABLE);

	/* Memory decoding on: 16 frames, 5 per p2m call. */
	mmcfg_write(&v0, ecam(HW_ECAM, 3, 0x04), 2, 0x0002);
	assert_true(return_to_guest(&v0) >= 1);
	assert_true(fake_xen.p2m_preemptions >= 3);
	assert_int_equal(fake_xen_mapped_frames(0), 16);
	assert_true(fake_xen_lookup(0, NIC_BAR >> 12, &mfn));
	assert_int_equal(mfn, NIC_BAR >> 12);
	assert_int_equal(fake_xen.fns[0].cfg[0x04] & 2, 2);
	shutdown();
}

static void guest_is_assigned_places_enables_disables_and_returns(void **state)
{
	struct xen_domctl_createdomain guest_cfg = {.flags = d1.options};
	struct xen_sysctl_physinfo pi = {0};
	unsigned long mfn = 0;

	(void)state;
	boot(true);
	vpci_arch_do_physinfo(&pi);
	assert_true(pi.capabilities & XEN_SYSCTL_PHYSCAP_vpci);
	mmcfg_write(&v0, ecam(HW_ECAM, 3, 0x04), 2, 0x0002);
	return_to_guest(&v0);
	assert_int_equal(fake_xen_mapped_frames(0), 16);

	assert_int_equal(vpci_sanitise_domain_config(&guest_cfg, false), 0);
	assert_int_equal(domain_vpci_init(&d1), 0);
	assert_int_equal(register_vpci_mmcfg_handler(&d1, GUEST_ECAM, 0, 0, 0),
			 0);
	move_device(&nic, &d1);
	/* The hardware domain lost it (and its mapping); the guest finds it
	 * at 00:01.0 (00:00.0 is its host bridge) with no BAR placed and
	 * decoding off. */
	assert_int_equal(fake_xen_mapped_frames(0), 0);
	assert_int_equal(mmcfg_read(&v0, ecam(HW_ECAM, 3, 0), 4), 0xffffffffu);
	fake_xen.current_vcpu = &v1;
	assert_int_equal(mmcfg_read(&v1, ecam(GUEST_ECAM, 1, 0), 4), NIC_ID);
	assert_int_equal(mmcfg_read(&v1, ecam(GUEST_ECAM, 1, 0x04), 2) & 2, 0);
	assert_int_equal(fake_xen_mapped_frames(1), 0);

	/* Place and enable: the guest's frames map onto the device's. */
	mmcfg_write(&v1, ecam(GUEST_ECAM, 1, 0x10), 4, GUEST_BAR);
	mmcfg_write(&v1, ecam(GUEST_ECAM, 1, 0x04), 2, 0x0002);
	assert_true(return_to_guest(&v1) >= 1);
	assert_int_equal(fake_xen_mapped_frames(1), 16);
	assert_true(fake_xen_lookup(1, GUEST_BAR >> 12, &mfn));
	assert_int_equal(mfn, NIC_BAR >> 12);
	assert_true(fake_xen_lookup(1, (GUEST_BAR >> 12) + 15, &mfn));
	assert_int_equal(mfn, (NIC_BAR >> 12) + 15);
	assert_int_equal(mmcfg_read(&v1, ecam(GUEST_ECAM, 1, 0x10), 4),
			 GUEST_BAR);

	/* Disable: everything unmapped. */
	mmcfg_write(&v1, ecam(GUEST_ECAM, 1, 0x04), 2, 0);
	return_to_guest(&v1);
	assert_int_equal(fake_xen_mapped_frames(1), 0);

	/* Enabled again, then taken back: the guest's mapping goes, the
	 * hardware domain sees the device again. */
	mmcfg_write(&v1, ecam(GUEST_ECAM, 1, 0x04), 2, 0x0002);
	return_to_guest(&v1);
	assert_int_equal(fake_xen_mapped_frames(1), 16);
	move_device(&nic, &d0);
	assert_int_equal(fake_xen_mapped_frames(1), 0);
	assert_int_equal(mmcfg_read(&v1, ecam(GUEST_ECAM, 1, 0), 4),
			 0xffffffffu);
	assert_int_equal(mmcfg_read(&v0, ecam(HW_ECAM, 3, 0), 4), NIC_ID);
	shutdown();
}

static void guests_without_support_are_refused_with_a_reason(void **state)
{
	struct xen_domctl_createdomain guest_cfg = {.flags = d1.options};
	struct xen_sysctl_physinfo pi = {0};

	(void)state;
	boot(false);
	vpci_arch_do_physinfo(&pi);
	assert_false(pi.capabilities & XEN_SYSCTL_PHYSCAP_vpci);
	assert_int_equal(vpci_sanitise_domain_config(&guest_cfg, false),
			 -EINVAL);
	assert_non_null(strstr(fake_xen.last_log, "not supported"));
	/* Had the check been skipped, creation fails rather than half-works. */
	assert_int_not_equal(domain_vpci_init(&d1), 0);
	assert_null(d1.xvpci);
	/* The hardware domain keeps working. */
	assert_int_equal(mmcfg_read(&v0, ecam(HW_ECAM, 3, 0), 4), NIC_ID);
	shutdown();
}

static void domains_without_the_flag_are_not_intercepted(void **state)
{
	struct domain plain = {.domain_id = 7, .options = XEN_DOMCTL_CDF_hvm};
	struct vcpu v = {.domain = &plain};
	unsigned long data;

	(void)state;
	boot(true);
	assert_int_equal(domain_vpci_init(&plain), 0);
	assert_int_equal(vpci_mmcfg_read(&v, ecam(HW_ECAM, 3, 0), 4, &data),
			 X86EMUL_UNHANDLEABLE);
	assert_false(vpci_process_pending(&v));
	domain_vpci_destroy(&plain);
	shutdown();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(hardware_domain_enumerates_and_enables),
		cmocka_unit_test(
			guest_is_assigned_places_enables_disables_and_returns),
		cmocka_unit_test(
			guests_without_support_are_refused_with_a_reason),
		cmocka_unit_test(domains_without_the_flag_are_not_intercepted),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
