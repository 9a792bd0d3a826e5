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

#include "fake_platform.h"
#include "internal.h"

struct bench {
	struct fake_platform fp;
	struct vpci_host *host;
};

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

static struct bench *bench_new(bool irq_hooks, uint32_t limits)
{
	struct bench *b = calloc(1, sizeof(*b));

	fake_platform_init(&b->fp);
	if (irq_hooks) {
		b->fp.ops.msi_update = fake_msi_update;
		b->fp.ops.msi_disable = fake_msi_disable;
	}
	assert_int_equal(vpci_host_create(&b->fp.ops, &b->fp, limits, &b->host),
			 0);
	return b;
}

static void bench_free(struct bench *b)
{
	vpci_host_destroy(b->host);
	assert_int_equal(b->fp.live_allocs, 0);
	fake_platform_fini(&b->fp);
	free(b);
}

static int create(struct bench *b, uint32_t domid, enum vpci_domain_kind kind,
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
	struct bench *b = bench_new(false, 0);
	struct bench *irq = bench_new(true, VPCI_HOST_NO_GUEST_VPCI);
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
	bench_free(b);
	bench_free(irq);
}

static void unknown_flag_is_invalid_with_reason(void **state)
{
	struct bench *b = bench_new(false, 0);
	struct vpci_domain *d = (void *)1;
	const char *why = NULL;

	(void)state;
	assert_int_equal(create(b, 1, VPCI_DOMAIN_GUEST, 1u << 9, 0, 0, &d, &why),
			 VPCI_EINVAL);
	assert_null(d);
	assert_string_equal(why, "unknown domain flag bits");
	bench_free(b);
}

static void guest_vpci_unsupported_names_the_platform(void **state)
{
	struct bench *b = bench_new(false, VPCI_HOST_NO_GUEST_VPCI);
	struct vpci_domain *d;
	const char *why = NULL;

	(void)state;
	assert_int_equal(create(b, 1, VPCI_DOMAIN_GUEST, VPCI_DOMAIN_F_VPCI, 0,
				0, &d, &why),
			 VPCI_ENOTSUP);
	assert_string_equal(why,
			    "vPCI for guests is not supported by this platform");
	/* A guest without vPCI is still fine there. */
	assert_int_equal(create(b, 1, VPCI_DOMAIN_GUEST, 0, 0, 0, &d, &why), 0);
	assert_null(why);
	bench_free(b);
}

static void hwdom_vpci_unsupported_names_the_platform(void **state)
{
	struct bench *b = bench_new(false, VPCI_HOST_NO_HWDOM_VPCI);
	struct vpci_domain *d;
	const char *why = NULL;

	(void)state;
	assert_int_equal(create(b, 0, VPCI_DOMAIN_HARDWARE, VPCI_DOMAIN_F_VPCI,
				0, 0, &d, &why),
			 VPCI_ENOTSUP);
	assert_string_equal(why, "vPCI for the hardware domain is not "
				 "supported by this platform");
	bench_free(b);
}

static void second_hardware_domain_and_duplicate_id_refused(void **state)
{
	struct bench *b = bench_new(false, 0);
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
	bench_free(b);
}

static void msi_yes_without_interrupt_hooks_is_unsupported(void **state)
{
	struct bench *b = bench_new(false, 0);
	struct vpci_domain *d;
	const char *why = NULL;

	(void)state;
	assert_int_equal(create(b, 1, VPCI_DOMAIN_GUEST, VPCI_DOMAIN_F_VPCI,
				VPCI_TRI_YES, 0, &d, &why),
			 VPCI_ENOTSUP);
	assert_non_null(strstr(why, "MSI was requested"));
	assert_int_equal(create(b, 1, VPCI_DOMAIN_GUEST, VPCI_DOMAIN_F_VPCI, 0,
				VPCI_TRI_YES, &d, &why),
			 VPCI_ENOTSUP);
	assert_non_null(strstr(why, "MSI-X was requested"));
	/* default: off where unsupported, no error */
	assert_int_equal(create(b, 1, VPCI_DOMAIN_GUEST, VPCI_DOMAIN_F_VPCI, 0,
				0, &d, &why),
			 0);
	assert_int_equal(d->cfg.msi, VPCI_TRI_NO);
	bench_free(b);
}

static void hwdom_mode_requires_msi_and_rejects_no(void **state)
{
	struct bench *b = bench_new(true, 0);
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
	bench_free(b);
}

static void host_bridge_mode_adds_vpci(void **state)
{
	struct bench *b = bench_new(false, 0);
	struct vpci_domain *d;
	uint64_t v;

	(void)state;
	assert_int_equal(create(b, 1, VPCI_DOMAIN_GUEST,
				VPCI_DOMAIN_F_HOST_BRIDGE, 0, 0, &d, NULL),
			 0);
	assert_true(d->cfg.flags & VPCI_DOMAIN_F_VPCI);
	/* An empty bridge: an ECAM window with nothing behind it yet. */
	assert_int_equal(vpci_domain_add_ecam(d, 0x40000000, 0, 0, 0), 0);
	assert_int_equal(vpci_ecam_read(d, 0x40000000, 4, &v), 0);
	assert_int_equal(v, 0xffffffffu);
	fake_fn_add(&b->fp, VPCI_SBDF(0, 2, 0, 0));
	assert_int_equal(vpci_device_add(b->host, VPCI_SBDF(0, 2, 0, 0)), 0);
	assert_int_equal(vpci_assign_device(d, VPCI_SBDF(0, 2, 0, 0),
					    VPCI_SBDF(0, 0, 0, 0)),
			 0);
	bench_free(b);
}

static void domain_without_vpci_cannot_take_devices(void **state)
{
	struct bench *b = bench_new(false, 0);
	struct vpci_domain *d;

	(void)state;
	assert_int_equal(create(b, 1, VPCI_DOMAIN_GUEST, 0, 0, 0, &d, NULL), 0);
	fake_fn_add(&b->fp, VPCI_SBDF(0, 2, 0, 0));
	assert_int_equal(vpci_device_add(b->host, VPCI_SBDF(0, 2, 0, 0)), 0);
	assert_int_equal(vpci_assign_device(d, VPCI_SBDF(0, 2, 0, 0),
					    VPCI_SBDF(0, 0, 0, 0)),
			 VPCI_EINVAL);
	bench_free(b);
}

static void creation_survives_allocation_failure(void **state)
{
	struct bench *b = bench_new(false, 0);
	struct vpci_domain *d;
	const char *why = NULL;

	(void)state;
	b->fp.allocs_until_failure = 0;
	assert_int_equal(create(b, 1, VPCI_DOMAIN_GUEST, VPCI_DOMAIN_F_VPCI, 0,
				0, &d, &why),
			 VPCI_ENOMEM);
	assert_string_equal(why, "out of memory");
	b->fp.allocs_until_failure = -1;
	bench_free(b);
}

static void strerror_names_every_code(void **state)
{
	int e;

	(void)state;
	for (e = VPCI_EIO; e <= 0; e++)
		assert_string_not_equal(vpci_strerror(e), "unknown error");
	assert_string_equal(vpci_strerror(VPCI_EIO - 1), "unknown error");
	assert_string_equal(vpci_strerror(1), "unknown error");
	assert_string_equal(vpci_strerror(-2147483647 - 1), "unknown error");
}

static void two_hosts_do_not_see_each_other(void **state)
{
	struct bench *a = bench_new(false, 0), *b = bench_new(false, 0);

	(void)state;
	assert_int_equal(vpci_device_add(a->host, VPCI_SBDF(0, 1, 0, 0)), 0);
	assert_null(vpci_device_find(b->host, VPCI_SBDF(0, 1, 0, 0)));
	assert_int_equal(vpci_device_hide(a->host, VPCI_SBDF(0, 3, 0, 0)), 0);
	assert_false(vpci_device_is_hidden(b->host, VPCI_SBDF(0, 3, 0, 0)));
	bench_free(a);
	bench_free(b);
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
		cmocka_unit_test(host_bridge_mode_adds_vpci),
		cmocka_unit_test(domain_without_vpci_cannot_take_devices),
		cmocka_unit_test(creation_survives_allocation_failure),
		cmocka_unit_test(strerror_names_every_code),
		cmocka_unit_test(two_hosts_do_not_see_each_other),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
