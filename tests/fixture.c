/* SPDX-License-Identifier: MIT */
/*
 * The common test scenery (fixture.h). Every check is a cmocka assertion,
 * so a benchmark that uses the fixture outside a test run exits on the
 * first refusal instead of measuring a half-built host.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>

#include "fixture.h"

void fixture_init(struct fixture *f)
{
	f->host = NULL;
	f->hwdom = NULL;
	f->guest = NULL;
	fake_platform_init(&f->fp);
}

void fixture_create_host(struct fixture *f, uint32_t limits)
{
	assert_int_equal(vpci_host_create(&f->fp.ops, &f->fp, limits, &f->host),
			 0);
}

static struct vpci_domain *create(struct fixture *f, uint32_t domid,
				  enum vpci_domain_kind kind)
{
	struct vpci_domain_config cfg = {
		.domid = domid, .kind = kind, .flags = VPCI_DOMAIN_F_VPCI};
	struct vpci_domain *dom = NULL;
	const char *why = NULL;

	if (vpci_domain_create(f->host, &cfg, &dom, &why))
		fail_msg("domain %u not created: %s", (unsigned int)domid,
			 why ? why : "(no reason)");
	return dom;
}

struct vpci_domain *fixture_create_hwdom(struct fixture *f)
{
	f->hwdom = create(f, FIXTURE_HW_ID, VPCI_DOMAIN_HARDWARE);
	return f->hwdom;
}

struct vpci_domain *fixture_create_guest(struct fixture *f, uint32_t domid)
{
	f->guest = create(f, domid, VPCI_DOMAIN_GUEST);
	return f->guest;
}

void fixture_fini(struct fixture *f)
{
	if (f->host)
		vpci_host_destroy(f->host);
	f->host = NULL;
	/* Everything unmapped, never a double map, nothing leaked. */
	if (f->fp.map_violations)
		fail_msg("map violation: %s", f->fp.last_violation);
	assert_int_equal(f->fp.nr_mappings, 0);
	assert_int_equal(f->fp.live_allocs, 0);
	fake_platform_fini(&f->fp);
}

struct fixture *fixture_new(uint32_t limits, bool irq_hooks)
{
	struct fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	fixture_init(f);
	if (irq_hooks)
		fake_enable_irq_hooks(&f->fp);
	fixture_create_host(f, limits);
	return f;
}

void fixture_free(struct fixture *f)
{
	fixture_fini(f);
	free(f);
}

int fixture_setup_host(void **state)
{
	*state = fixture_new(0, false);
	return 0;
}

int fixture_setup_hwdom(void **state)
{
	struct fixture *f = fixture_new(0, false);

	fixture_create_hwdom(f);
	*state = f;
	return 0;
}

int fixture_setup_hwdom_guest(void **state)
{
	struct fixture *f = fixture_new(0, false);

	fixture_create_hwdom(f);
	fixture_create_guest(f, FIXTURE_GUEST_ID);
	*state = f;
	return 0;
}

int fixture_setup_hwdom_guest_irq(void **state)
{
	struct fixture *f = fixture_new(0, true);

	fixture_create_hwdom(f);
	fixture_create_guest(f, FIXTURE_GUEST_ID);
	*state = f;
	return 0;
}

int fixture_teardown(void **state)
{
	fixture_free(*state);
	return 0;
}
