/* SPDX-License-Identifier: MIT */
/*
 * Domain creation and host capabilities: flags, tri-state options, what
 * the mode adds, and the sentence a toolstack gets for each refusal.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#include "internal.h"

static int fake_msi_update(void *ctx, uint32_t domid, vpci_sbdf_t sbdf,
			   unsigned int vector, const struct vpci_msi_msg *msg)
{
	(void)ctx, (void)domid, (void)sbdf, (void)vector, (void)msg;
	return 0;
}

static void fake_msi_disable(void *ctx, uint32_t domid, vpci_sbdf_t sbdf,
			     unsigned int vector)
{
	(void)ctx, (void)domid, (void)sbdf, (void)vector;
}

static void lock_noop(void *ctx)
{
	(void)ctx;
}

/* A host on the fixture's fake, with MSI hooks or not. */
static struct fixture *bench_new(bool irq_hooks, uint32_t limits)
{
	struct fixture *b = calloc(1, sizeof(*b));

	fixture_init(b);
	if (irq_hooks) {
		b->fp.ops.msi_update = fake_msi_update;
		b->fp.ops.msi_disable = fake_msi_disable;
	}
	fixture_create_host(b, limits);
	return b;
}

static int create(struct fixture *b, uint32_t domid, enum vpci_domain_kind kind,
		  uint32_t flags, enum vpci_tristate msi,
		  enum vpci_tristate msix, struct vpci_domain **out,
		  const char **why)
{
	struct vpci_domain_config cfg = {.domid = domid, .kind = kind,
					 .flags = flags, .msi = msi,
					 .msix = msix};

	return vpci_domain_create(b->host, &cfg, out, why);
}

static void caps_follow_ops_and_limits(void **state)
{
	struct fixture *b = bench_new(false, 0);
	struct fixture *irq = bench_new(true, VPCI_HOST_NO_GUEST_VPCI);
	struct vpci_platform_ops bad;
	struct vpci_host *h;

	(void)state;
	assert_int_equal(vpci_host_caps(b->host),
			 VPCI_CAP_HWDOM_VPCI | VPCI_CAP_GUEST_VPCI |
				 VPCI_CAP_EXTERNAL_EMULATOR);
	/* No guests, so no guest's device can have an external emulator. */
	assert_int_equal(vpci_host_caps(irq->host),
			 VPCI_CAP_HWDOM_VPCI | VPCI_CAP_MSI | VPCI_CAP_MSIX);
	/* Unknown limits and missing required ops are refused. */
	assert_int_equal(vpci_host_create(&b->fp.ops, &b->fp, 1u << 7, &h),
			 VPCI_EINVAL);
	bad = b->fp.ops;
	bad.zalloc = NULL;
	assert_int_equal(vpci_host_create(&bad, &b->fp, 0, &h), VPCI_EINVAL);
	bad = b->fp.ops;
	bad.lock = NULL;
	bad.unlock = lock_noop; /* unlock without lock */
	assert_int_equal(vpci_host_create(&bad, &b->fp, 0, &h), VPCI_EINVAL);
	fixture_free(b);
	fixture_free(irq);
}

static void unknown_flag_is_invalid_with_reason(void **state)
{
	struct fixture *b = bench_new(false, 0);
	struct vpci_domain *d = (void *)1;
	const char *why = NULL;

	(void)state;
	assert_int_equal(create(b, 1, VPCI_DOMAIN_GUEST, 1u << 9, 0, 0, &d, &why),
			 VPCI_EINVAL);
	assert_null(d);
	assert_string_equal(why, "unknown domain flag bits");
	fixture_free(b);
}

static void guest_vpci_unsupported_names_the_platform(void **state)
{
	struct fixture *b = bench_new(false, VPCI_HOST_NO_GUEST_VPCI);
	struct vpci_domain *d;
	const char *why = NULL;

	(void)state;
	assert_int_equal(create(b, 1, VPCI_DOMAIN_GUEST, VPCI_DOMAIN_F_VPCI, 0,
				0, &d, &why),
			 VPCI_ENOTSUP);
	assert_string_equal(why, "vpci=yes: vPCI for guests is not supported by "
				 "this platform (host limit "
				 "VPCI_HOST_NO_GUEST_VPCI)");
	/* By default vPCI is off there: a guest is still fine, with no
	 * vPCI and no bridge (nothing asked for one). */
	assert_int_equal(create(b, 1, VPCI_DOMAIN_GUEST, 0, 0, 0, &d, &why), 0);
	assert_null(why);
	assert_false(d->cfg.flags & VPCI_DOMAIN_F_VPCI);
	assert_false(d->cfg.flags & VPCI_DOMAIN_F_HOST_BRIDGE);
	fixture_free(b);
}

static void hwdom_vpci_unsupported_names_the_platform(void **state)
{
	struct fixture *b = bench_new(false, VPCI_HOST_NO_HWDOM_VPCI);
	struct vpci_domain *d;
	const char *why = NULL;

	(void)state;
	assert_int_equal(create(b, 0, VPCI_DOMAIN_HARDWARE, VPCI_DOMAIN_F_VPCI,
				0, 0, &d, &why),
			 VPCI_ENOTSUP);
	assert_string_equal(why, "vpci=yes: vPCI for the hardware domain is not "
				 "supported by this platform (host limit "
				 "VPCI_HOST_NO_HWDOM_VPCI)");
	fixture_free(b);
}

static void second_hardware_domain_and_duplicate_id_refused(void **state)
{
	struct fixture *b = bench_new(false, 0);
	struct vpci_domain *d;
	const char *why = NULL;

	(void)state;
	assert_int_equal(create(b, 0, VPCI_DOMAIN_HARDWARE, 0, 0, 0, &d, &why),
			 0);
	assert_int_equal(create(b, 5, VPCI_DOMAIN_HARDWARE, 0, 0, 0, &d, &why),
			 VPCI_EEXIST);
	assert_string_equal(why, "the host already has a hardware domain");
	assert_int_equal(create(b, 0, VPCI_DOMAIN_GUEST, 0, 0, 0, &d, &why),
			 VPCI_EEXIST);
	assert_string_equal(why, "a domain with this id already exists");
	assert_int_equal(create(b, 2, (enum vpci_domain_kind)7, 0, 0, 0, &d,
				&why),
			 VPCI_EINVAL);
	assert_int_equal(create(b, 2, VPCI_DOMAIN_GUEST, 0,
				(enum vpci_tristate)9, 0, &d, &why),
			 VPCI_EINVAL);
	fixture_free(b);
}

static void msi_yes_without_interrupt_hooks_is_unsupported(void **state)
{
	struct fixture *b = bench_new(false, 0);
	struct vpci_domain *d;
	const char *why = NULL;

	(void)state;
	assert_int_equal(create(b, 1, VPCI_DOMAIN_GUEST, VPCI_DOMAIN_F_VPCI,
				VPCI_TRI_YES, 0, &d, &why),
			 VPCI_ENOTSUP);
	assert_string_equal(why, "msi=yes: this platform has no interrupt hooks "
				 "(msi_update, msi_disable), so it cannot "
				 "emulate MSI");
	assert_int_equal(create(b, 1, VPCI_DOMAIN_GUEST, VPCI_DOMAIN_F_VPCI, 0,
				VPCI_TRI_YES, &d, &why),
			 VPCI_ENOTSUP);
	assert_non_null(strstr(why, "msix=yes: this platform has no interrupt "
				    "hooks"));
	/* default: off where unsupported, no error */
	assert_int_equal(create(b, 1, VPCI_DOMAIN_GUEST, VPCI_DOMAIN_F_VPCI, 0,
				0, &d, &why),
			 0);
	assert_int_equal(d->cfg.msi, VPCI_TRI_NO);
	fixture_free(b);
}

static void hwdom_mode_requires_msi_and_rejects_no(void **state)
{
	struct fixture *b = bench_new(true, 0);
	struct vpci_domain *d;
	const char *why = NULL;

	(void)state;
	assert_int_equal(create(b, 0, VPCI_DOMAIN_HARDWARE, VPCI_DOMAIN_F_VPCI,
				VPCI_TRI_NO, 0, &d, &why),
			 VPCI_EINVAL);
	assert_non_null(strstr(why, "msi=no"));
	assert_non_null(strstr(why, "hardware domain's vPCI mode"));
	assert_int_equal(create(b, 0, VPCI_DOMAIN_HARDWARE, VPCI_DOMAIN_F_VPCI,
				0, VPCI_TRI_NO, &d, &why),
			 VPCI_EINVAL);
	assert_non_null(strstr(why, "msix=no"));
	/* default becomes on: the mode added it */
	assert_int_equal(create(b, 0, VPCI_DOMAIN_HARDWARE, VPCI_DOMAIN_F_VPCI,
				0, 0, &d, &why),
			 0);
	assert_int_equal(d->cfg.msi, VPCI_TRI_YES);
	assert_int_equal(d->cfg.msix, VPCI_TRI_YES);
	/* a guest may say no */
	assert_int_equal(create(b, 1, VPCI_DOMAIN_GUEST, VPCI_DOMAIN_F_VPCI,
				VPCI_TRI_NO, VPCI_TRI_NO, &d, &why),
			 0);
	assert_int_equal(d->cfg.msi, VPCI_TRI_NO);
	fixture_free(b);
}

static void vpci_adds_the_host_bridge(void **state)
{
	struct fixture *b = bench_new(false, 0);
	struct vpci_domain_info info;
	struct vpci_domain *d;

	(void)state;
	assert_int_equal(create(b, 1, VPCI_DOMAIN_GUEST, VPCI_DOMAIN_F_VPCI, 0,
				0, &d, NULL),
			 0);
	assert_int_equal(vpci_domain_info(d, &info), 0);
	assert_true(info.vpci.on);
	assert_int_equal(info.vpci.origin, VPCI_ORIGIN_USER);
	assert_true(info.host_bridge.on);
	assert_int_equal(info.host_bridge.origin, VPCI_ORIGIN_REQUIRED);
	assert_int_equal(info.flags,
			 VPCI_DOMAIN_F_VPCI | VPCI_DOMAIN_F_HOST_BRIDGE);
	fixture_free(b);
}

static void vpci_defaults_on_where_supported(void **state)
{
	struct fixture *b = bench_new(false, 0);
	struct fixture *x86 = bench_new(false, VPCI_HOST_NO_GUEST_VPCI);
	struct vpci_domain_info info;
	struct vpci_domain *d;

	(void)state;
	assert_int_equal(create(b, 1, VPCI_DOMAIN_GUEST, 0, 0, 0, &d, NULL), 0);
	assert_int_equal(vpci_domain_info(d, &info), 0);
	assert_true(info.vpci.on);
	assert_int_equal(info.vpci.origin, VPCI_ORIGIN_DEFAULT);
	assert_int_equal(create(x86, 1, VPCI_DOMAIN_GUEST, 0, 0, 0, &d, NULL),
			 0);
	assert_int_equal(vpci_domain_info(d, &info), 0);
	assert_false(info.vpci.on);
	assert_int_equal(info.vpci.origin, VPCI_ORIGIN_DEFAULT);
	assert_false(info.host_bridge.on);
	assert_int_equal(info.host_bridge.origin, VPCI_ORIGIN_DEFAULT);
	/* The hardware domain there still gets vPCI by default. */
	assert_int_equal(create(x86, 0, VPCI_DOMAIN_HARDWARE, 0, 0, 0, &d,
				NULL),
			 0);
	assert_int_equal(vpci_domain_info(d, &info), 0);
	assert_true(info.vpci.on);
	assert_true(info.host_bridge.on);
	assert_int_equal(info.host_bridge.origin, VPCI_ORIGIN_REQUIRED);
	fixture_free(b);
	fixture_free(x86);
}

static void bridge_without_vpci_is_its_own_option(void **state)
{
	struct fixture *b = bench_new(false, 0);
	struct vpci_domain_config cfg = {.domid = 1,
					 .kind = VPCI_DOMAIN_GUEST,
					 .flags = VPCI_DOMAIN_F_HOST_BRIDGE,
					 .vpci = VPCI_TRI_NO};
	struct vpci_domain_info info;
	struct vpci_domain *d;
	const char *why = NULL;

	(void)state;
	assert_int_equal(vpci_domain_create(b->host, &cfg, &d, &why), 0);
	assert_int_equal(vpci_domain_info(d, &info), 0);
	assert_false(info.vpci.on);
	assert_int_equal(info.vpci.origin, VPCI_ORIGIN_USER);
	assert_true(info.host_bridge.on);
	assert_int_equal(info.host_bridge.origin, VPCI_ORIGIN_USER);
	assert_false(info.msi.on);
	assert_int_equal(info.flags, VPCI_DOMAIN_F_HOST_BRIDGE);
	/* The bridge gives it ECAM; without vPCI it takes no device. */
	assert_int_equal(vpci_domain_add_ecam(d, 0x40000000, 0, 0, 0, &why), 0);
	assert_null(why);
	fake_fn_add(&b->fp, VPCI_SBDF(0, 2, 0, 0));
	assert_int_equal(vpci_device_add(b->host, VPCI_SBDF(0, 2, 0, 0)), 0);
	assert_int_equal(vpci_assign_device(d, VPCI_SBDF(0, 2, 0, 0),
					    VPCI_SBDF(0, 0, 1, 0), &why),
			 VPCI_EMODE);
	assert_non_null(strstr(why, "vPCI off (option vpci)"));
	fixture_free(b);
}

static void contradictions_name_both_options(void **state)
{
	struct fixture *b = bench_new(true, 0);
	struct vpci_domain_config cfg = {.domid = 1,
					 .kind = VPCI_DOMAIN_GUEST,
					 .flags = VPCI_DOMAIN_F_VPCI,
					 .vpci = VPCI_TRI_NO};
	struct vpci_domain *d = NULL;
	const char *why = NULL;

	(void)state;
	assert_int_equal(vpci_domain_create(b->host, &cfg, &d, &why),
			 VPCI_EINVAL);
	assert_string_equal(why,
			    "the flag VPCI_DOMAIN_F_VPCI contradicts vpci=no");
	/* msi=yes with vPCI off: the options contradict, even though this
	 * platform has interrupt hooks. */
	cfg.flags = 0;
	cfg.msi = VPCI_TRI_YES;
	assert_int_equal(vpci_domain_create(b->host, &cfg, &d, &why),
			 VPCI_EINVAL);
	assert_string_equal(why, "msi=yes contradicts vpci=no: MSI emulation "
				 "is part of vPCI");
	cfg.msi = VPCI_TRI_DEFAULT;
	cfg.msix = VPCI_TRI_YES;
	assert_int_equal(vpci_domain_create(b->host, &cfg, &d, &why),
			 VPCI_EINVAL);
	assert_non_null(strstr(why, "msix=yes contradicts vpci=no"));
	cfg.vpci = (enum vpci_tristate)5;
	assert_int_equal(vpci_domain_create(b->host, &cfg, &d, &why),
			 VPCI_EINVAL);
	assert_non_null(strstr(why, "vpci, msi or msix"));
	assert_null(d);
	fixture_free(b);
}

static void platform_limits_name_the_platform(void **state)
{
	struct fixture *b = bench_new(true, VPCI_HOST_NO_GUEST_VPCI);
	struct vpci_domain_config cfg = {.domid = 1,
					 .kind = VPCI_DOMAIN_GUEST,
					 .msi = VPCI_TRI_YES};
	struct vpci_domain *d;
	const char *why = NULL;

	(void)state;
	/* msi=yes, vPCI by default: not a contradiction, a platform limit. */
	assert_int_equal(vpci_domain_create(b->host, &cfg, &d, &why),
			 VPCI_ENOTSUP);
	assert_non_null(strstr(why, "msi=yes needs vPCI"));
	assert_non_null(strstr(why, "VPCI_HOST_NO_GUEST_VPCI"));
	fixture_free(b);
}

static void info_reports_who_chose_msi(void **state)
{
	struct fixture *b = bench_new(true, 0);
	struct vpci_domain_config hw = {.domid = 0,
					.kind = VPCI_DOMAIN_HARDWARE};
	struct vpci_domain_config g = {.domid = 1, .kind = VPCI_DOMAIN_GUEST,
				       .msix = VPCI_TRI_NO};
	struct vpci_domain_info info;
	struct vpci_domain *d;

	(void)state;
	assert_int_equal(vpci_domain_create(b->host, &hw, &d, NULL), 0);
	assert_int_equal(vpci_domain_info(d, &info), 0);
	assert_int_equal(info.kind, VPCI_DOMAIN_HARDWARE);
	assert_true(info.msi.on);
	assert_int_equal(info.msi.origin, VPCI_ORIGIN_REQUIRED);
	assert_int_equal(vpci_domain_create(b->host, &g, &d, NULL), 0);
	assert_int_equal(vpci_domain_info(d, &info), 0);
	assert_int_equal(info.domid, 1);
	assert_true(info.msi.on);
	assert_int_equal(info.msi.origin, VPCI_ORIGIN_DEFAULT);
	assert_false(info.msix.on);
	assert_int_equal(info.msix.origin, VPCI_ORIGIN_USER);
	assert_int_equal(info.nr_ecam_windows, 0);
	assert_int_equal(vpci_domain_add_ecam(d, 0x40000000, 0, 0, 0, NULL), 0);
	assert_int_equal(vpci_domain_info(d, &info), 0);
	assert_int_equal(info.nr_ecam_windows, 1);
	assert_int_equal(vpci_domain_info(NULL, &info), VPCI_EINVAL);
	assert_int_equal(vpci_domain_info(d, NULL), VPCI_EINVAL);
	fixture_free(b);
}

static void ecam_refusals_have_reasons(void **state)
{
	struct fixture *b = bench_new(false, 0);
	struct vpci_domain_config bare = {.domid = 1,
					  .kind = VPCI_DOMAIN_GUEST,
					  .vpci = VPCI_TRI_NO};
	struct vpci_domain *d, *g;
	const char *why = NULL;
	uint64_t v = 0;
	unsigned int i;

	(void)state;
	assert_int_equal(vpci_domain_create(b->host, &bare, &d, NULL), 0);
	assert_int_equal(vpci_domain_add_ecam(d, 0x40000000, 0, 0, 0, &why),
			 VPCI_EMODE);
	assert_non_null(strstr(why, "no emulated host bridge"));
	/* Never claimed: not this domain's config space at all. */
	assert_int_equal(vpci_ecam_read(d, 0x40000000, 4, &v), VPCI_ENOENT);
	assert_int_equal(v, 0xffffffffu);
	assert_int_equal(vpci_read(d, VPCI_SBDF(0, 0, 0, 0), 0, 4),
			 0xffffffffu);
	assert_int_equal(create(b, 2, VPCI_DOMAIN_GUEST, 0, 0, 0, &g, NULL), 0);
	assert_int_equal(vpci_domain_add_ecam(g, 0x40000001, 0, 0, 0, &why),
			 VPCI_EINVAL);
	assert_non_null(strstr(why, "1 MiB aligned"));
	assert_int_equal(vpci_domain_add_ecam(g, 0x40000000, 0, 3, 2, &why),
			 VPCI_EINVAL);
	assert_non_null(strstr(why, "first bus"));
	assert_int_equal(vpci_domain_add_ecam(g, UINT64_MAX & ~0xfffffull, 0, 0,
					      1, &why),
			 VPCI_ERANGE);
	assert_non_null(strstr(why, "past the top"));
	assert_int_equal(vpci_domain_add_ecam(g, 0x40000000, 0, 0, 1, &why), 0);
	assert_int_equal(vpci_domain_add_ecam(g, 0x40100000, 1, 0, 0, &why),
			 VPCI_EEXIST);
	assert_non_null(strstr(why, "addresses"));
	assert_int_equal(vpci_domain_add_ecam(g, 0x50000000, 0, 1, 1, &why),
			 VPCI_EEXIST);
	assert_non_null(strstr(why, "buses"));
	for (i = 1; i < 16; i++)
		assert_int_equal(vpci_domain_add_ecam(g, 0x60000000ull +
							 ((uint64_t)i << 20),
						      (uint16_t)i, 0, 0, &why),
				 0);
	assert_int_equal(vpci_domain_add_ecam(g, 0x70000000, 99, 0, 0, &why),
			 VPCI_ENOSPC);
	assert_non_null(strstr(why, "16 ECAM windows"));
	assert_int_equal(vpci_domain_add_ecam(NULL, 0, 0, 0, 0, &why),
			 VPCI_EINVAL);
	fixture_free(b);
}

static void domain_without_vpci_cannot_take_devices(void **state)
{
	struct fixture *b = bench_new(false, 0);
	struct vpci_domain_config cfg = {.domid = 1,
					 .kind = VPCI_DOMAIN_GUEST,
					 .vpci = VPCI_TRI_NO};
	struct vpci_domain *d;
	const char *why = NULL;

	(void)state;
	assert_int_equal(vpci_domain_create(b->host, &cfg, &d, NULL), 0);
	fake_fn_add(&b->fp, VPCI_SBDF(0, 2, 0, 0));
	assert_int_equal(vpci_device_add(b->host, VPCI_SBDF(0, 2, 0, 0)), 0);
	assert_int_equal(vpci_assign_device(d, VPCI_SBDF(0, 2, 0, 0),
					    VPCI_SBDF(0, 0, 1, 0), &why),
			 VPCI_EMODE);
	assert_non_null(why);
	fixture_free(b);
}

static void creation_survives_allocation_failure(void **state)
{
	struct fixture *b = bench_new(false, 0);
	struct vpci_domain *d;
	const char *why = NULL;

	(void)state;
	b->fp.allocs_until_failure = 0;
	assert_int_equal(create(b, 1, VPCI_DOMAIN_GUEST, VPCI_DOMAIN_F_VPCI, 0,
				0, &d, &why),
			 VPCI_ENOMEM);
	assert_string_equal(why, "out of memory");
	b->fp.allocs_until_failure = -1;
	fixture_free(b);
}

static void strerror_names_every_code(void **state)
{
	int e;

	(void)state;
	for (e = VPCI_ETOPOLOGY; e <= 0; e++)
		assert_string_not_equal(vpci_strerror(e), "unknown error");
	assert_string_equal(vpci_strerror(VPCI_ETOPOLOGY - 1), "unknown error");
	assert_string_equal(vpci_strerror(1), "unknown error");
	assert_string_equal(vpci_strerror(-2147483647 - 1), "unknown error");
}

static void two_hosts_do_not_see_each_other(void **state)
{
	struct fixture *a = bench_new(false, 0), *b = bench_new(false, 0);

	(void)state;
	assert_int_equal(vpci_device_add(a->host, VPCI_SBDF(0, 1, 0, 0)), 0);
	assert_null(vpci_device_find(b->host, VPCI_SBDF(0, 1, 0, 0)));
	assert_int_equal(vpci_device_hide(a->host, VPCI_SBDF(0, 3, 0, 0), NULL), 0);
	assert_false(vpci_device_is_hidden(b->host, VPCI_SBDF(0, 3, 0, 0)));
	fixture_free(a);
	fixture_free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(caps_follow_ops_and_limits),
		cmocka_unit_test(unknown_flag_is_invalid_with_reason),
		cmocka_unit_test(guest_vpci_unsupported_names_the_platform),
		cmocka_unit_test(hwdom_vpci_unsupported_names_the_platform),
		cmocka_unit_test(second_hardware_domain_and_duplicate_id_refused),
		cmocka_unit_test(msi_yes_without_interrupt_hooks_is_unsupported),
		cmocka_unit_test(hwdom_mode_requires_msi_and_rejects_no),
		cmocka_unit_test(vpci_adds_the_host_bridge),
		cmocka_unit_test(vpci_defaults_on_where_supported),
		cmocka_unit_test(bridge_without_vpci_is_its_own_option),
		cmocka_unit_test(contradictions_name_both_options),
		cmocka_unit_test(platform_limits_name_the_platform),
		cmocka_unit_test(info_reports_who_chose_msi),
		cmocka_unit_test(ecam_refusals_have_reasons),
		cmocka_unit_test(domain_without_vpci_cannot_take_devices),
		cmocka_unit_test(creation_survives_allocation_failure),
		cmocka_unit_test(strerror_names_every_code),
		cmocka_unit_test(two_hosts_do_not_see_each_other),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
