/* SPDX-License-Identifier: MIT */
/*
 * What an integrator hooks into: the platform's device_init/device_deinit,
 * run every time a function's vPCI state is built for an owner, and the
 * registers it installs there (they survive hardware-domain creation,
 * assignment and deassignment; ones over library registers are refused
 * on the spot); and the descriptor every map/unmap call carries.
 * Scenarios use the header tests' NIC (header_env.h).
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
	struct fixture e; /* first: the fake's ctx is &e.fp, so &hooks too */
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

	fixture_init(&h->e);
	h->e.fp.ops.device_init = quirk_init;
	h->e.fp.ops.device_deinit = quirk_deinit;
	h->quirk[VPCI_VIEW_HARDWARE] = HW_QUIRK_VALUE;
	h->quirk[VPCI_VIEW_GUEST] = GUEST_QUIRK_VALUE;
	h->fail_in_view = -1;
	for (size_t i = 0; i < MAX_TRIES; i++)
		h->got[i] = 1; /* never a return value */
	fixture_create_host(&h->e, 0);
	*state = &h->e;
	return 0;
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
	struct fixture *e = *state;
	struct hooks *h = (struct hooks *)e;
	struct fake_fn *fn = add_nic(e, DEV, 0);
	const enum vpci_view views[] = {
		VPCI_VIEW_HARDWARE, VPCI_VIEW_GUEST, VPCI_VIEW_HARDWARE,
		VPCI_VIEW_GUEST, VPCI_VIEW_HARDWARE};
	const vpci_sbdf_t sbdfs[] = {DEV, VDEV, DEV, VDEV, DEV};

	fake_fn_set(fn, QUIRK_REG, 4, 0xdeadbeef);
	/* No owner yet: nothing is built, the hook has nothing to do. */
	assert_int_equal(h->nr_init, 0);

	fixture_create_hwdom(e);
	assert_int_equal(hw_read(e, QUIRK_REG, 4), HW_QUIRK_VALUE);
	hw_write(e, QUIRK_REG, 4, 0x1234);
	assert_int_equal(h->quirk[VPCI_VIEW_HARDWARE], 0x1234);
	assert_int_equal(fake_fn_get(fn, QUIRK_REG, 4), 0xdeadbeef);

	fixture_create_guest(e, GUEST);
	assign(e);
	/* Without the quirk a guest reads 0 here (a gap). */
	assert_int_equal(gr(e, QUIRK_REG, 4), GUEST_QUIRK_VALUE);
	gw(e, QUIRK_REG, 2, 0x5678);
	assert_int_equal(h->quirk[VPCI_VIEW_GUEST], GUEST_QUIRK_VALUE | 0x5678);
	assert_int_equal(fake_fn_get(fn, QUIRK_REG, 4), 0xdeadbeef);

	assert_int_equal(vpci_deassign_device(e->guest, DEV, NULL), 0);
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
	struct fixture *e = *state;
	struct hooks *h = (struct hooks *)e;

	fixture_create_hwdom(e);
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
	/* Beside BIST, claimed above: still the library's. */
	{VPCI_VIEW_GUEST, 0x0c, 2, VPCI_EEXIST},    /* cache line, latency */
	{VPCI_VIEW_GUEST, 0x0e, 1, VPCI_EEXIST},    /* header type */
};

static void quirk_over_a_library_register_is_refused_at_install(void **state)
{
	struct fixture *e = *state;
	struct hooks *h = (struct hooks *)e;
	const size_t nr = sizeof(overlap_tries) / sizeof(overlap_tries[0]);

	h->tries = overlap_tries;
	h->nr_tries = nr;
	fixture_create_hwdom(e);
	fixture_create_guest(e, GUEST);
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
	/* The rest of BIST's dword is still the library's: the latch, the
	 * hardware's header type, the platform's BIST, in one read. */
	gw(e, VPCI_REG_CACHE_LINE_SIZE, 4, 0x11224010u);
	assert_int_equal(h->scratch[11], 0x11);
	assert_int_equal(gr(e, VPCI_REG_CACHE_LINE_SIZE, 4),
			 0x11004010u |
				 fake_fn_get(fake_fn_find(&e->fp, DEV),
					     VPCI_REG_HEADER_TYPE, 1)
					 << 16);
}

/* The bug this hook replaces: a register added before the hardware
 * domain existed made the device read-only when it came. */
static void register_added_before_hwdom_is_dropped_not_fatal(void **state)
{
	struct fixture *e = *state;
	static uint32_t latch;

	e->fp.ops.device_init = NULL;
	e->fp.ops.device_deinit = NULL;
	add_nic(e, DEV, 0);
	assert_int_equal(vpci_add_register(vpci_device_find(e->host, DEV),
					   vpci_read_val, vpci_write_val,
					   VPCI_REG_COMMAND, 2, &latch, NULL),
			 0);
	fixture_create_hwdom(e);
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
	struct fixture *e = *state;
	struct hooks *h = (struct hooks *)e;
	const enum vpci_view views[] = {VPCI_VIEW_HARDWARE, VPCI_VIEW_GUEST,
					VPCI_VIEW_HARDWARE};
	const vpci_sbdf_t sbdfs[] = {DEV, VDEV, DEV};

	fixture_create_hwdom(e);
	fixture_create_guest(e, GUEST);
	add_nic(e, DEV, 0);
	h->fail_in_view = VPCI_VIEW_GUEST;
	assert_int_equal(vpci_assign_device(e->guest, DEV, VDEV, NULL),
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
	struct fixture *e = *state;
	struct hooks *h = (struct hooks *)e;
	struct fake_fn *fn = add_nic(e, DEV, 0);

	h->fail_in_view = VPCI_VIEW_HARDWARE;
	fixture_create_hwdom(e);
	assert_true(vpci_device_is_readonly(e->host, DEV));
	assert_true(fake_log_contains(&e->fp, "device_init failed in the "
					      "hardware-domain view"));
	hw_write(e, VPCI_REG_COMMAND, 2, VPCI_CMD_MEMORY);
	assert_int_equal(fake_fn_get(fn, VPCI_REG_COMMAND, 2), 0);
	assert_int_equal(h->nr_deinit, 0);
}

/* ------------------------------------------------- map/unmap descriptors */

/*
 * The NIC's memory BARs as header_env.h builds them in the fake: where
 * the host has them and what the platform must be told about each.
 */
struct bar_expect {
	uint64_t mfn;
	uint64_t nr_frames;
	uint8_t bar;
	uint8_t flags;
	uint64_t seen; /* frames the calls checked so far covered */
};

static void nic_expectations(struct bar_expect *x)
{
	x[0] = (struct bar_expect){NIC_BAR0 >> 12, 16, 0, 0, 0};
	x[1] = (struct bar_expect){NIC_BAR2 >> 12, 256, 2,
				   VPCI_MAP_PREFETCH | VPCI_MAP_64BIT, 0};
	x[2] = (struct bar_expect){NIC_BAR4 >> 12, NIC_BAR4_FRAMES, 4,
				   VPCI_MAP_64BIT, 0};
	x[3] = (struct bar_expect){NIC_ROM >> 12, 32, VPCI_MAP_ROM, 0, 0};
}

/*
 * Every call since call number `from` is a map (or unmap) of domid that
 * lies inside one of the NIC's BARs and describes that BAR, with the SBDF
 * the owner sees; together they cover every frame of each BAR, except
 * msix_frames of BAR0 (which must then be flagged as the remainder).
 */
static void check_descriptors(struct fixture *e, size_t from, bool unmap,
			      uint32_t domid, vpci_sbdf_t owner_sbdf,
			      uint64_t msix_frames)
{
	struct bar_expect x[4];
	size_t i, j;

	nic_expectations(x);
	if (msix_frames)
		x[0].flags |= VPCI_MAP_MSIX_REMAINDER;
	assert_true(e->fp.nr_map_calls > from);
	for (i = from; i < e->fp.nr_map_calls; i++) {
		const struct fake_map_call *c = &e->fp.map_calls[i];

		assert_int_equal(c->unmap, unmap);
		assert_int_equal(c->domid, domid);
		assert_int_equal(c->desc.host_sbdf, DEV);
		assert_int_equal(c->desc.owner_sbdf, owner_sbdf);
		for (j = 0; j < 4; j++)
			if (c->mfn >= x[j].mfn &&
			    c->mfn + c->nr_frames <= x[j].mfn + x[j].nr_frames)
				break;
		assert_true(j < 4); /* inside one BAR */
		assert_int_equal(c->desc.bar, x[j].bar);
		assert_int_equal(c->desc.flags, x[j].flags);
		x[j].seen += c->nr_frames;
	}
	assert_int_equal(x[0].seen, x[0].nr_frames - msix_frames);
	for (j = 1; j < 4; j++)
		assert_int_equal(x[j].seen, x[j].nr_frames);
}

/* Work through preempted map work, as the platform must. */
static void drain(struct vpci_domain *dom)
{
	unsigned int rounds = 0;

	while (vpci_process_pending(dom) == VPCI_ERESTART)
		assert_true(++rounds < 1000);
}

static void hwdom_map_calls_describe_each_bar(void **state)
{
	struct fixture *e = *state;
	size_t from;

	add_nic(e, DEV, 0);
	/* Preempted calls are asked again with the same descriptor. */
	e->fp.map_budget_frames = 0x40000;
	hw_write(e, VPCI_REG_ROM_ADDRESS, 4, (uint32_t)NIC_ROM | VPCI_ROM_ENABLE);
	from = e->fp.nr_map_calls;
	hw_write(e, VPCI_REG_COMMAND, 2, VPCI_CMD_MEMORY);
	drain(e->hwdom);
	check_descriptors(e, from, false, HW, DEV, 0);
	from = e->fp.nr_map_calls;
	hw_write(e, VPCI_REG_COMMAND, 2, 0);
	drain(e->hwdom);
	check_descriptors(e, from, true, HW, DEV, 0);
}

static void guest_map_calls_describe_each_bar(void **state)
{
	struct fixture *e = *state;
	size_t from;

	add_nic(e, DEV, 0);
	assign(e);
	program_guest_bars(e);
	gw(e, VPCI_REG_ROM_ADDRESS, 4, (uint32_t)G_ROM | VPCI_ROM_ENABLE);
	e->fp.map_budget_frames = 0x40000;
	from = e->fp.nr_map_calls;
	gw(e, VPCI_REG_COMMAND, 2, VPCI_CMD_MEMORY);
	drain(e->guest);
	check_descriptors(e, from, false, GUEST, VDEV, 0);
	from = e->fp.nr_map_calls;
	gw(e, VPCI_REG_COMMAND, 2, 0);
	drain(e->guest);
	check_descriptors(e, from, true, GUEST, VDEV, 0);
}

/* MSI-X table in page 2 and PBA in page 3 of BAR0. */
static void add_msix_cap(struct fake_fn *fn)
{
	fake_fn_set(fn, VPCI_REG_STATUS, 2, VPCI_STATUS_CAP_LIST);
	fake_fn_set(fn, VPCI_REG_CAP_PTR, 1, 0x40);
	fake_fn_set(fn, 0x40, 2, VPCI_CAP_ID_MSIX);
	fake_fn_set(fn, 0x42, 2, 63);
	fake_fn_set(fn, 0x44, 4, 0x2000);
	fake_fn_set(fn, 0x48, 4, 0x3000);
}

static void msix_remainder_is_flagged_where_pages_are_left_out(void **state)
{
	struct fixture *e = *state;
	size_t from;

	add_msix_cap(add_nic_fn(e, DEV, 0));
	assert_int_equal(vpci_device_add(e->host, DEV), 0);
	hw_write(e, VPCI_REG_ROM_ADDRESS, 4, (uint32_t)NIC_ROM | VPCI_ROM_ENABLE);
	/* The hardware domain maps BAR0 whole: no remainder. */
	from = e->fp.nr_map_calls;
	hw_write(e, VPCI_REG_COMMAND, 2, VPCI_CMD_MEMORY);
	check_descriptors(e, from, false, HW, DEV, 0);
	hw_write(e, VPCI_REG_COMMAND, 2, 0);
	hw_write(e, VPCI_REG_ROM_ADDRESS, 4, (uint32_t)NIC_ROM);

	assign(e);
	program_guest_bars(e);
	gw(e, VPCI_REG_ROM_ADDRESS, 4, (uint32_t)G_ROM | VPCI_ROM_ENABLE);
	from = e->fp.nr_map_calls;
	gw(e, VPCI_REG_COMMAND, 2, VPCI_CMD_MEMORY);
	check_descriptors(e, from, false, GUEST, VDEV, 2);
	from = e->fp.nr_map_calls;
	gw(e, VPCI_REG_COMMAND, 2, 0);
	check_descriptors(e, from, true, GUEST, VDEV, 2);
}

/* An unmap retried after a failure is of frames no BAR wants any more:
 * the descriptor says so rather than guess whose they were. */
static void retried_unmap_is_described_as_stale(void **state)
{
	struct fixture *e = *state;
	uint64_t frames = 0;
	size_t from, i;

	add_nic(e, DEV, 0);
	assign(e);
	program_guest_bars(e);
	gw(e, VPCI_REG_COMMAND, 2, VPCI_CMD_MEMORY);
	e->fp.map_error = VPCI_EIO;
	assert_int_equal(vpci_deassign_device(e->guest, DEV, NULL), VPCI_EIO);
	e->fp.map_error = 0;
	from = e->fp.nr_map_calls;
	assert_int_equal(vpci_process_pending(e->guest), 0);
	assert_true(e->fp.nr_map_calls > from);
	for (i = from; i < e->fp.nr_map_calls; i++) {
		const struct fake_map_call *c = &e->fp.map_calls[i];

		assert_true(c->unmap);
		assert_int_equal(c->domid, GUEST);
		assert_int_equal(c->desc.bar, VPCI_MAP_STALE);
		assert_int_equal(c->desc.host_sbdf, VPCI_MAP_NO_SBDF);
		assert_int_equal(c->desc.owner_sbdf, VPCI_MAP_NO_SBDF);
		assert_int_equal(c->desc.flags, 0);
		frames += c->nr_frames;
	}
	assert_int_equal(frames, 16 + 256 + NIC_BAR4_FRAMES);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, hooks_setup, fixture_teardown)
		T(quirk_survives_hwdom_creation_assign_and_deassign),
		T(quirk_is_installed_for_a_function_added_later),
		T(quirk_over_a_library_register_is_refused_at_install),
		T(register_added_before_hwdom_is_dropped_not_fatal),
		T(failing_device_init_refuses_the_assignment),
		T(failing_device_init_makes_a_hwdom_device_readonly),
#undef T
#define T(fn) cmocka_unit_test_setup_teardown(fn, fixture_setup_hwdom_guest, fixture_teardown)
		T(hwdom_map_calls_describe_each_bar),
		T(guest_map_calls_describe_each_bar),
		T(msix_remainder_is_flagged_where_pages_are_left_out),
		T(retried_unmap_is_described_as_stale),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
