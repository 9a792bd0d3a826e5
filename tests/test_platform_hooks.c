/* SPDX-License-Identifier: MIT */
/*
 * What an integrator hooks into: the platform's device_init/device_deinit,
 * run every time a function's vPCI state is built for an owner, and the
 * registers it installs there (they survive hardware-domain creation,
 * assignment and deassignment; ones over library registers are refused
 * on the spot). Scenarios use the header tests' NIC (header_env.h).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "header_env.h"

#define QUIRK_REG 0x40u
#define HW_QUIRK_VALUE 0x11110000u
#define GUEST_QUIRK_VALUE 0x22220000u
#define MAX_CALLS 16
#define MAX_TRIES 16

/* A register the hook tries to add in one view, and what it should get. */
struct attempt {
	enum vpci_view view;
	unsigned int offset;
	unsigned int size;
	int want;
};

struct hooks {
	struct env e; /* first: the fake's ctx is &e.fp, so &hooks too */
	enum vpci_view views[MAX_CALLS];
	vpci_sbdf_t owner_sbdfs[MAX_CALLS];
	unsigned int nr_init;
	unsigned int nr_deinit;
	bool live; /* between a successful init and its deinit */
	uint32_t quirk[2]; /* the quirk register's latch, per view */
	int fail_in_view;  /* device_init fails in this view (-1: never) */
	const struct attempt *tries;
	size_t nr_tries;
	int got[MAX_TRIES];
	uint32_t scratch[MAX_TRIES];
};

static int quirk_init(void *ctx, struct vpci_dev *dev, enum vpci_view view)
{
	struct hooks *h = ctx;
	size_t i;

	assert_false(h->live); /* the previous state was torn down first */
	assert_true(h->nr_init < MAX_CALLS);
	h->views[h->nr_init] = view;
	h->owner_sbdfs[h->nr_init] = vpci_dev_owner_sbdf(dev);
	h->nr_init++;
	if ((int)view == h->fail_in_view)
		return VPCI_ENOTSUP;
	for (i = 0; i < h->nr_tries; i++)
		if (h->tries[i].view == view)
			h->got[i] = vpci_add_register(
				dev, vpci_read_val, vpci_write_val,
				h->tries[i].offset, h->tries[i].size,
				&h->scratch[i], NULL);
	h->live = true;
	return vpci_add_register(dev, vpci_read_val, vpci_write_val, QUIRK_REG,
				 4, &h->quirk[view], NULL);
}

static void quirk_deinit(void *ctx, struct vpci_dev *dev, enum vpci_view view)
{
	struct hooks *h = ctx;

	assert_true(h->live);
	/* Torn down in the view it was built in, registers still there. */
	assert_int_equal(view, h->views[h->nr_init - 1]);
	assert_int_equal(vpci_dev_read(dev, QUIRK_REG, 4), h->quirk[view]);
	h->live = false;
	h->nr_deinit++;
}

/* A host whose platform has the hooks, and no domain yet. */
static int hooks_setup(void **state)
{
	struct hooks *h = calloc(1, sizeof(*h));

	fake_platform_init(&h->e.fp);
	h->e.fp.ops.device_init = quirk_init;
	h->e.fp.ops.device_deinit = quirk_deinit;
	h->quirk[VPCI_VIEW_HARDWARE] = HW_QUIRK_VALUE;
	h->quirk[VPCI_VIEW_GUEST] = GUEST_QUIRK_VALUE;
	h->fail_in_view = -1;
	for (size_t i = 0; i < MAX_TRIES; i++)
		h->got[i] = 1; /* never a return value */
	assert_int_equal(
		vpci_host_create(&h->e.fp.ops, &h->e.fp, 0, &h->e.host), 0);
	*state = &h->e;
	return 0;
}

static void create_hwdom(struct env *e)
{
	struct vpci_domain_config hw = {.domid = HW,
					.kind = VPCI_DOMAIN_HARDWARE,
					.flags = VPCI_DOMAIN_F_VPCI};

	assert_int_equal(vpci_domain_create(e->host, &hw, &e->hwdom, NULL), 0);
}

static void create_guest(struct env *e)
{
	struct vpci_domain_config g = {.domid = GUEST,
				       .kind = VPCI_DOMAIN_GUEST,
				       .flags = VPCI_DOMAIN_F_VPCI};

	assert_int_equal(vpci_domain_create(e->host, &g, &e->guest, NULL), 0);
}

static void assert_calls(const struct hooks *h, const enum vpci_view *views,
			 const vpci_sbdf_t *sbdfs, unsigned int nr)
{
	assert_int_equal(h->nr_init, nr);
	for (unsigned int i = 0; i < nr; i++) {
		assert_int_equal(h->views[i], views[i]);
		assert_int_equal(h->owner_sbdfs[i], sbdfs[i]);
	}
}

static void quirk_survives_hwdom_creation_assign_and_deassign(void **state)
{
	struct env *e = *state;
	struct hooks *h = (struct hooks *)e;
	struct fake_fn *fn = add_nic(e, DEV, 0);
	const enum vpci_view views[] = {
		VPCI_VIEW_HARDWARE, VPCI_VIEW_GUEST, VPCI_VIEW_HARDWARE,
		VPCI_VIEW_GUEST, VPCI_VIEW_HARDWARE};
	const vpci_sbdf_t sbdfs[] = {DEV, VDEV, DEV, VDEV, DEV};

	fake_fn_set(fn, QUIRK_REG, 4, 0xdeadbeef);
	/* No owner yet: nothing is built, the hook has nothing to do. */
	assert_int_equal(h->nr_init, 0);

	create_hwdom(e);
	assert_int_equal(hw_read(e, QUIRK_REG, 4), HW_QUIRK_VALUE);
	hw_write(e, QUIRK_REG, 4, 0x1234);
	assert_int_equal(h->quirk[VPCI_VIEW_HARDWARE], 0x1234);
	assert_int_equal(fake_fn_get(fn, QUIRK_REG, 4), 0xdeadbeef);

	create_guest(e);
	assign(e);
	/* Without the quirk a guest reads 0 here (a gap). */
	assert_int_equal(gr(e, QUIRK_REG, 4), GUEST_QUIRK_VALUE);
	gw(e, QUIRK_REG, 2, 0x5678);
	assert_int_equal(h->quirk[VPCI_VIEW_GUEST], GUEST_QUIRK_VALUE | 0x5678);
	assert_int_equal(fake_fn_get(fn, QUIRK_REG, 4), 0xdeadbeef);

	assert_int_equal(vpci_deassign_device(e->guest, DEV), 0);
	assert_int_equal(hw_read(e, QUIRK_REG, 4), 0x1234);

	/* A guest going away gives the function back the same way. */
	assign(e);
	assert_int_equal(gr(e, QUIRK_REG, 4), GUEST_QUIRK_VALUE | 0x5678);
	vpci_domain_destroy(e->guest);
	e->guest = NULL;
	assert_int_equal(hw_read(e, QUIRK_REG, 4), 0x1234);
	assert_calls(h, views, sbdfs, 5);
	assert_int_equal(h->nr_deinit, 4);

	/* The hardware domain going away tears the last state down. */
	vpci_domain_destroy(e->hwdom);
	e->hwdom = NULL;
	assert_int_equal(h->nr_deinit, 5);
	assert_false(h->live);
}

static void quirk_is_installed_for_a_function_added_later(void **state)
{
	struct env *e = *state;
	struct hooks *h = (struct hooks *)e;

	create_hwdom(e);
	add_nic(e, DEV, 0);
	assert_int_equal(h->nr_init, 1);
	assert_int_equal(h->views[0], VPCI_VIEW_HARDWARE);
	assert_int_equal(hw_read(e, QUIRK_REG, 4), HW_QUIRK_VALUE);
	/* Removing the function tears its state down, hook included. */
	assert_int_equal(vpci_device_remove(e->host, DEV), 0);
	assert_int_equal(h->nr_deinit, 1);
}

/*
 * What the library owns in each view (vpci.h) is refused; the bytes it
 * leaves free are the platform's. The NIC has BAR0 mem32, BAR1 I/O, BAR2
 * and BAR4 mem64 and a ROM.
 */
static const struct attempt overlap_tries[] = {
	{VPCI_VIEW_HARDWARE, 0x04, 2, VPCI_EEXIST}, /* command */
	{VPCI_VIEW_HARDWARE, 0x04, 4, VPCI_EEXIST}, /* command + status */
	{VPCI_VIEW_HARDWARE, 0x12, 2, VPCI_EEXIST}, /* inside BAR0 */
	{VPCI_VIEW_HARDWARE, 0x1c, 4, VPCI_EEXIST}, /* BAR2's high half */
	{VPCI_VIEW_HARDWARE, 0x30, 4, VPCI_EEXIST}, /* ROM */
	{VPCI_VIEW_HARDWARE, 0x06, 2, 0},           /* status: hardware's */
	{VPCI_VIEW_HARDWARE, 0x14, 4, 0},           /* I/O BAR: hardware's */
	{VPCI_VIEW_GUEST, 0x00, 2, VPCI_EEXIST},    /* vendor ID */
	{VPCI_VIEW_GUEST, 0x06, 2, VPCI_EEXIST},    /* status */
	{VPCI_VIEW_GUEST, 0x14, 4, VPCI_EEXIST},    /* I/O BAR */
	{VPCI_VIEW_GUEST, 0x3d, 1, VPCI_EEXIST},    /* interrupt pin */
	{VPCI_VIEW_GUEST, 0x0f, 1, 0},              /* BIST: a gap */
	{VPCI_VIEW_GUEST, 0x28, 4, 0},              /* CardBus CIS: a gap */
};

static void quirk_over_a_library_register_is_refused_at_install(void **state)
{
	struct env *e = *state;
	struct hooks *h = (struct hooks *)e;
	const size_t nr = sizeof(overlap_tries) / sizeof(overlap_tries[0]);

	h->tries = overlap_tries;
	h->nr_tries = nr;
	create_hwdom(e);
	create_guest(e);
	add_nic(e, DEV, 0);
	for (size_t i = 0; i < nr; i++)
		if (overlap_tries[i].view == VPCI_VIEW_HARDWARE)
			assert_int_equal(h->got[i], overlap_tries[i].want);
	assert_true(fake_log_contains(&e->fp, "refused"));
	assert_true(fake_log_contains(&e->fp, "which the library emulates in "
					      "the hardware-domain view"));
	/* The device keeps the library's emulation: no read-only fallback,
	 * decoding on maps BAR0, and the platform's status register is in. */
	assert_false(vpci_device_is_readonly(e->host, DEV));
	h->scratch[5] = 0xabcd;
	assert_int_equal(hw_read(e, VPCI_REG_STATUS, 2), 0xabcd);
	hw_write(e, VPCI_REG_COMMAND, 2, VPCI_CMD_MEMORY);
	assert_mapped(e, HW, NIC_BAR0 >> 12, NIC_BAR0 >> 12, 16);
	hw_write(e, VPCI_REG_COMMAND, 2, 0);

	assign(e);
	for (size_t i = 0; i < nr; i++)
		if (overlap_tries[i].view == VPCI_VIEW_GUEST)
			assert_int_equal(h->got[i], overlap_tries[i].want);
	assert_true(fake_log_contains(&e->fp, "which the library emulates in "
					      "the guest view"));
	assert_int_equal(gr(e, VPCI_REG_VENDOR_ID, 2), 0x8086);
	gw(e, 0x10, 4, 0xffffffffu); /* BAR0 sizing still the library's */
	assert_int_equal(gr(e, 0x10, 4), 0xffff0000u);
	h->scratch[11] = 0x5a;
	assert_int_equal(gr(e, 0x0f, 1), 0x5a);
}

/* The bug this hook replaces: a register added before the hardware
 * domain existed made the device read-only when it came. */
static void register_added_before_hwdom_is_dropped_not_fatal(void **state)
{
	struct env *e = *state;
	static uint32_t latch;

	e->fp.ops.device_init = NULL;
	e->fp.ops.device_deinit = NULL;
	add_nic(e, DEV, 0);
	assert_int_equal(vpci_add_register(vpci_device_find(e->host, DEV),
					   vpci_read_val, vpci_write_val,
					   VPCI_REG_COMMAND, 2, &latch, NULL),
			 0);
	create_hwdom(e);
	assert_false(vpci_device_is_readonly(e->host, DEV));
	assert_true(fake_log_contains(&e->fp, "added outside device_init "
					      "dropped"));
	hw_write(e, VPCI_REG_COMMAND, 2, VPCI_CMD_MEMORY);
	assert_mapped(e, HW, NIC_BAR0 >> 12, NIC_BAR0 >> 12, 16);
	assert_int_equal(latch, 0);
	hw_write(e, VPCI_REG_COMMAND, 2, 0);
}

static void failing_device_init_refuses_the_assignment(void **state)
{
	struct env *e = *state;
	struct hooks *h = (struct hooks *)e;
	const enum vpci_view views[] = {VPCI_VIEW_HARDWARE, VPCI_VIEW_GUEST,
					VPCI_VIEW_HARDWARE};
	const vpci_sbdf_t sbdfs[] = {DEV, VDEV, DEV};

	create_hwdom(e);
	create_guest(e);
	add_nic(e, DEV, 0);
	h->fail_in_view = VPCI_VIEW_GUEST;
	assert_int_equal(vpci_assign_device(e->guest, DEV, VDEV),
			 VPCI_ENOTSUP);
	assert_true(fake_log_contains(&e->fp, "device_init failed in the "
					      "guest view"));
	/* Back with the hardware domain, quirk and all. */
	assert_calls(h, views, sbdfs, 3);
	assert_null(vpci_domain_lookup(e->guest, VDEV));
	assert_int_equal(hw_read(e, QUIRK_REG, 4), HW_QUIRK_VALUE);
	assert_false(vpci_device_is_readonly(e->host, DEV));
	/* A failed init is not deinitialised: 1 state built, 1 torn down. */
	assert_int_equal(h->nr_deinit, 1);
}

static void failing_device_init_makes_a_hwdom_device_readonly(void **state)
{
	struct env *e = *state;
	struct hooks *h = (struct hooks *)e;
	struct fake_fn *fn = add_nic(e, DEV, 0);

	h->fail_in_view = VPCI_VIEW_HARDWARE;
	create_hwdom(e);
	assert_true(vpci_device_is_readonly(e->host, DEV));
	assert_true(fake_log_contains(&e->fp, "device_init failed in the "
					      "hardware-domain view"));
	hw_write(e, VPCI_REG_COMMAND, 2, VPCI_CMD_MEMORY);
	assert_int_equal(fake_fn_get(fn, VPCI_REG_COMMAND, 2), 0);
	assert_int_equal(h->nr_deinit, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, hooks_setup, env_teardown)
		T(quirk_survives_hwdom_creation_assign_and_deassign),
		T(quirk_is_installed_for_a_function_added_later),
		T(quirk_over_a_library_register_is_refused_at_install),
		T(register_added_before_hwdom_is_dropped_not_fatal),
		T(failing_device_init_refuses_the_assignment),
		T(failing_device_init_makes_a_hwdom_device_readonly),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
