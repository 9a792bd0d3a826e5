/* SPDX-License-Identifier: MIT */
/*
 * Who sees and touches which device: hidden and read-only devices, the
 * multi-function policies, external emulators and guests' virtual
 * topology. Each test is a scenario: host -> owners -> access -> what the
 * hardware saw.
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

/* A function whose first bytes are its SBDF, with writable 0x40..0x7f. */
static struct fake_fn *add_fn(struct fixture *b, vpci_sbdf_t sbdf,
			      bool multifunction)
{
	struct fake_fn *fn = fake_fn_add(&b->fp, sbdf);

	fake_fn_set(fn, 0x00, 4, 0xbeef0000u | VPCI_SBDF_BDF(sbdf));
	fake_fn_set(fn, 0x08, 4, 0x02000001u); /* network, rev 1 */
	fake_fn_set(fn, 0x0e, 1, multifunction ? 0x80 : 0x00);
	fake_fn_set_wmask(fn, 0x40, 4, 0xffffffffu);
	assert_int_equal(vpci_device_add(b->host, sbdf), 0);
	return fn;
}

static void hidden_device_stays_readable_by_hwdom(void **state)
{
	struct fixture *b = *state;
	vpci_sbdf_t uart = VPCI_SBDF(0, 0, 0x16, 3);

	add_fn(b, uart, false);
	assert_int_equal(vpci_device_hide(b->host, uart, NULL), 0);
	assert_true(vpci_device_is_hidden(b->host, uart));
	assert_false(vpci_device_is_readonly(b->host, uart));
	assert_int_equal(vpci_read(b->hwdom, uart, 0, 4), 0xbeef00b3u);
	/* Not read-only: its writes still go through vPCI to hardware. */
	vpci_write(b->hwdom, uart, 0x40, 4, 0x12345678);
	assert_int_equal(fake_fn_get(fake_fn_find(&b->fp, uart), 0x40, 4),
			 0x12345678);
}

static void readonly_device_drops_hwdom_writes_and_logs_once(void **state)
{
	struct fixture *b = *state;
	vpci_sbdf_t dbg = VPCI_SBDF(0, 0, 0x1d, 0);
	struct fake_fn *fn = add_fn(b, dbg, false);
	unsigned int logs;

	assert_int_equal(vpci_device_set_readonly(b->host, dbg, NULL), 0);
	assert_true(vpci_device_is_hidden(b->host, dbg));
	assert_true(vpci_device_is_readonly(b->host, dbg));
	assert_int_equal(vpci_read(b->hwdom, dbg, 0, 4), 0xbeef00e8u);
	b->fp.record_accesses = true;
	logs = b->fp.nr_logs;
	vpci_write(b->hwdom, dbg, 0x40, 4, 0x11111111);
	vpci_write(b->hwdom, dbg, 0x44, 2, 0x2222);
	vpci_write(b->hwdom, dbg, 0x04, 2, 0x0006);
	for (size_t i = 0; i < b->fp.nr_accesses; i++)
		assert_false(b->fp.accesses[i].write);
	assert_int_equal(fake_fn_get(fn, 0x40, 4), 0);
	assert_int_equal(b->fp.nr_logs, logs + 1);
	assert_non_null(strstr(b->fp.last_log, "0000:00:1d.0"));
	assert_non_null(strstr(b->fp.last_log, "read-only"));
}

static void readonly_marked_before_add_is_honoured(void **state)
{
	struct fixture *b = *state;
	vpci_sbdf_t dbg = VPCI_SBDF(0, 0, 0x1d, 7);
	struct fake_fn *fn;

	assert_int_equal(vpci_device_set_readonly(b->host, dbg, NULL), 0);
	fn = add_fn(b, dbg, false);
	vpci_write(b->hwdom, dbg, 0x40, 4, 0x11111111);
	assert_int_equal(fake_fn_get(fn, 0x40, 4), 0);
	assert_int_equal(vpci_device_find(b->host, dbg)->regs.nr, 0);
}

static void guests_cannot_take_hidden_or_readonly_devices(void **state)
{
	struct fixture *b = *state;
	const char *why = NULL;

	add_fn(b, VPCI_SBDF(0, 1, 0, 0), false);
	add_fn(b, VPCI_SBDF(0, 2, 0, 0), false);
	assert_int_equal(vpci_device_hide(b->host, VPCI_SBDF(0, 1, 0, 0), NULL), 0);
	assert_int_equal(vpci_device_set_readonly(b->host, VPCI_SBDF(0, 2, 0, 0), NULL),
			 0);
	assert_int_equal(vpci_assign_device(b->guest, VPCI_SBDF(0, 1, 0, 0),
					    VPCI_SBDF(0, 0, 1, 0), &why),
			 VPCI_EPERM);
	assert_string_equal(why, "the function is hidden: it belongs to the "
				 "hypervisor");
	assert_int_equal(vpci_assign_device(b->guest, VPCI_SBDF(0, 2, 0, 0),
					    VPCI_SBDF(0, 0, 2, 0), &why),
			 VPCI_EPERM);
	assert_non_null(strstr(why, "read-only"));
	assert_int_equal(vpci_assign_external(b->guest, VPCI_SBDF(0, 2, 0, 0),
					      VPCI_SBDF(0, 0, 2, 0),
					      &(struct vpci_emulator_ops){0},
					      NULL, NULL),
			 VPCI_EINVAL);
}

static void hiding_an_assigned_device_is_refused(void **state)
{
	struct fixture *b = *state;
	const char *why = NULL;

	add_fn(b, VPCI_SBDF(0, 1, 0, 0), false);
	assert_int_equal(vpci_assign_device(b->guest, VPCI_SBDF(0, 1, 0, 0),
					    VPCI_SBDF(0, 0, 1, 0), NULL),
			 0);
	assert_int_equal(vpci_device_hide(b->host, VPCI_SBDF(0, 1, 0, 0), &why),
			 VPCI_EBUSY);
	assert_non_null(strstr(why, "deassign it first"));
	assert_int_equal(vpci_device_set_readonly(b->host, VPCI_SBDF(0, 1, 0, 0), NULL),
			 VPCI_EBUSY);
	assert_int_equal(vpci_device_remove(b->host, VPCI_SBDF(0, 1, 0, 0)),
			 VPCI_EBUSY);
}

static void hide_slot_policy_hides_every_function(void **state)
{
	struct fixture *b = *state;
	const char *why = NULL;
	unsigned int fn;

	for (fn = 0; fn < 3; fn++)
		add_fn(b, VPCI_SBDF(0, 4, 0, fn), true);
	add_fn(b, VPCI_SBDF(0, 4, 1, 0), false);
	assert_int_equal(vpci_device_hide(b->host, VPCI_SBDF(0, 4, 0, 2), NULL), 0);
	/* Off by default: the other functions are there. */
	assert_int_equal(vpci_read(b->hwdom, VPCI_SBDF(0, 4, 0, 1), 2, 2),
			 0xbeef);
	assert_int_equal(vpci_host_set_policy(b->host, VPCI_POLICY_HIDE_SLOT), 0);
	for (fn = 0; fn < 3; fn++)
		assert_int_equal(vpci_read(b->hwdom, VPCI_SBDF(0, 4, 0, fn), 0, 4),
				 0xffffffffu);
	assert_int_equal(vpci_read(b->hwdom, VPCI_SBDF(0, 4, 1, 0), 0, 4),
			 0xbeef0408u);
	assert_int_equal(vpci_assign_device(b->guest, VPCI_SBDF(0, 4, 0, 1),
					    VPCI_SBDF(0, 0, 1, 1), &why),
			 VPCI_EPERM);
	assert_non_null(strstr(why, "VPCI_POLICY_HIDE_SLOT"));
}

static void stub_fn0_policy_keeps_other_functions_enumerable(void **state)
{
	struct fixture *b = *state;
	vpci_sbdf_t f0 = VPCI_SBDF(0, 5, 0, 0);
	unsigned int fn;

	for (fn = 0; fn < 3; fn++)
		add_fn(b, VPCI_SBDF(0, 5, 0, fn), true);
	fake_fn_set(fake_fn_find(&b->fp, f0), 0x10, 4, 0xfe000000u); /* BAR */
	fake_fn_set(fake_fn_find(&b->fp, f0), 0x34, 1, 0x40);        /* caps */
	assert_int_equal(vpci_device_hide(b->host, f0, NULL), 0);
	assert_int_equal(vpci_device_hide(b->host, VPCI_SBDF(0, 5, 0, 2), NULL), 0);
	assert_int_equal(vpci_host_set_policy(b->host, VPCI_POLICY_STUB_FN0), 0);
	/* Function 0: identity and class of the real one, multi-function,
	 * nothing else. */
	assert_int_equal(vpci_read(b->hwdom, f0, 0x00, 4), 0xbeef0500u);
	assert_int_equal(vpci_read(b->hwdom, f0, 0x08, 4), 0x02000001u);
	assert_int_equal(vpci_read(b->hwdom, f0, 0x0e, 1), 0x80);
	assert_int_equal(vpci_read(b->hwdom, f0, 0x10, 4), 0);
	assert_int_equal(vpci_read(b->hwdom, f0, 0x34, 1), 0);
	assert_int_equal(vpci_read(b->hwdom, f0, 0x06, 2), 0);
	b->fp.record_accesses = true;
	vpci_write(b->hwdom, f0, 0x10, 4, 0xffffffffu);
	for (size_t i = 0; i < b->fp.nr_accesses; i++)
		assert_false(b->fp.accesses[i].write);
	assert_int_equal(vpci_read(b->hwdom, VPCI_SBDF(0, 5, 0, 1), 0, 4),
			 0xbeef0501u);
	assert_int_equal(vpci_read(b->hwdom, VPCI_SBDF(0, 5, 0, 2), 0, 4),
			 0xffffffffu);
}

static void contradictory_policies_are_refused(void **state)
{
	struct fixture *b = *state;

	assert_int_equal(vpci_host_set_policy(b->host, VPCI_POLICY_HIDE_SLOT |
							       VPCI_POLICY_STUB_FN0),
			 VPCI_EINVAL);
	assert_int_equal(vpci_host_set_policy(b->host, 1u << 8), VPCI_EINVAL);
}

struct emulator_log {
	unsigned int reads, writes;
	vpci_sbdf_t last_sbdf;
	unsigned int last_reg, last_size;
	uint32_t last_val;
};

static int emu_read(void *arg, vpci_sbdf_t sbdf, unsigned int reg,
		    unsigned int size, uint64_t token, uint32_t *val)
{
	struct emulator_log *l = arg;

	(void)token;
	l->reads++;
	l->last_sbdf = sbdf;
	l->last_reg = reg;
	l->last_size = size;
	*val = 0xa0b0c0d0u;
	return 0;
}

static int emu_write(void *arg, vpci_sbdf_t sbdf, unsigned int reg,
		     unsigned int size, uint32_t val, uint64_t token)
{
	struct emulator_log *l = arg;

	(void)token;
	l->writes++;
	l->last_sbdf = sbdf;
	l->last_reg = reg;
	l->last_size = size;
	l->last_val = val;
	return 0;
}

static void external_and_vpci_devices_share_one_ecam_window(void **state)
{
	static const struct vpci_emulator_ops ops = {emu_read, emu_write, NULL};
	struct fixture *b = *state;
	struct emulator_log log = {0};
	struct fake_fn *ext_fn;
	uint64_t v;

	add_fn(b, VPCI_SBDF(0, 6, 0, 0), false);
	ext_fn = add_fn(b, VPCI_SBDF(0, 7, 0, 0), false);
	assert_int_equal(vpci_domain_add_ecam(b->guest, 0x30000000, 0, 0, 0, NULL), 0);
	assert_int_equal(vpci_assign_device(b->guest, VPCI_SBDF(0, 6, 0, 0),
					    VPCI_SBDF(0, 0, 1, 0), NULL),
			 0);
	assert_int_equal(vpci_assign_external(b->guest, VPCI_SBDF(0, 7, 0, 0),
					      VPCI_SBDF(0, 0, 2, 0), &ops, &log, NULL),
			 0);
	assert_int_equal(vpci_ecam_read(b->guest, 0x30000000 + (2u << 15) + 0x42,
					2, &v),
			 0);
	assert_int_equal(v, 0xc0d0);
	assert_int_equal(log.last_sbdf, VPCI_SBDF(0, 0, 2, 0));
	assert_int_equal(log.last_reg, 0x42);
	assert_int_equal(log.last_size, 2);
	b->fp.record_accesses = true;
	assert_int_equal(vpci_ecam_write(b->guest, 0x30000000 + (2u << 15) + 0x40,
					 4, 0x5555aaaa),
			 0);
	assert_int_equal(log.writes, 1);
	assert_int_equal(log.last_val, 0x5555aaaa);
	assert_int_equal(b->fp.nr_accesses, 0); /* hardware untouched */
	assert_int_equal(fake_fn_get(ext_fn, 0x40, 4), 0);
	/* The emulated one beside it is vPCI's, not the emulator's. */
	assert_int_equal(vpci_ecam_read(b->guest, 0x30000000 + (1u << 15), 4, &v),
			 0);
	assert_int_equal(log.reads, 1);
	/* Deassigned: gone from the guest, back with the hardware domain. */
	assert_int_equal(vpci_deassign_device(b->guest, VPCI_SBDF(0, 7, 0, 0), NULL), 0);
	assert_int_equal(vpci_ecam_read(b->guest, 0x30000000 + (2u << 15), 4, &v),
			 0);
	assert_int_equal(v, 0xffffffffu);
	assert_int_equal(log.reads, 1);
	assert_int_equal(vpci_read(b->hwdom, VPCI_SBDF(0, 7, 0, 0), 0, 4),
			 0xbeef0700u);
	assert_int_equal(vpci_deassign_device(b->guest, VPCI_SBDF(0, 7, 0, 0), NULL),
			 VPCI_ENOENT);
}

static void guest_takes_more_than_32_devices(void **state)
{
	struct fixture *b = *state;
	unsigned int i;
	uint64_t v;

	assert_int_equal(vpci_domain_add_ecam(b->guest, 0x40000000, 0, 0, 3, NULL), 0);
	for (i = 0; i < 80; i++) {
		vpci_sbdf_t phys = VPCI_SBDF(0, 0x10 + i / 32, i % 32, 0);
		/* Slot 0000:00:00 is the host bridge's: start at 00:01. */
		vpci_sbdf_t virt = VPCI_SBDF(0, (i + 1) / 32, (i + 1) % 32, 0);

		add_fn(b, phys, false);
		assert_int_equal(vpci_assign_device(b->guest, phys, virt, NULL), 0);
	}
	/* An OS-style scan of the guest's buses finds exactly those 80, and
	 * the host bridge. */
	unsigned int found = 0, bus, dev;
	for (bus = 0; bus < 4; bus++)
		for (dev = 0; dev < 32; dev++) {
			assert_int_equal(vpci_ecam_read(b->guest,
							0x40000000 +
								((uint64_t)bus << 20) +
								((uint64_t)dev << 15),
							4, &v),
					 0);
			if (v != 0xffffffffu)
				found++;
		}
	assert_int_equal(found, 81);
}

static void multifunction_assignment_keeps_function_numbers(void **state)
{
	struct fixture *b = *state;
	const char *why = NULL;
	unsigned int fn;

	for (fn = 0; fn < 4; fn++)
		add_fn(b, VPCI_SBDF(0, 8, 0, fn), true);
	add_fn(b, VPCI_SBDF(0, 9, 0, 1), true);
	/* Function numbers cannot change. */
	assert_int_equal(vpci_assign_device(b->guest, VPCI_SBDF(0, 8, 0, 1),
					    VPCI_SBDF(0, 0, 3, 2), &why),
			 VPCI_ETOPOLOGY);
	assert_non_null(strstr(why, "function number"));
	assert_int_equal(vpci_assign_device(b->guest, VPCI_SBDF(0, 8, 0, 1),
					    VPCI_SBDF(0, 0, 3, 1), NULL),
			 0);
	/* One physical slot, one virtual slot, either way round. */
	assert_int_equal(vpci_assign_device(b->guest, VPCI_SBDF(0, 8, 0, 2),
					    VPCI_SBDF(0, 0, 4, 2), &why),
			 VPCI_ETOPOLOGY);
	assert_non_null(strstr(why, "another guest slot"));
	assert_int_equal(vpci_assign_device(b->guest, VPCI_SBDF(0, 9, 0, 1),
					    VPCI_SBDF(0, 0, 3, 1), NULL),
			 VPCI_EEXIST);
	assert_int_equal(vpci_assign_device(b->guest, VPCI_SBDF(0, 8, 0, 3),
					    VPCI_SBDF(0, 0, 3, 3), NULL),
			 0);
	/* Function 0 was not given: the guest sees a stub there. */
	assert_int_equal(vpci_read(b->guest, VPCI_SBDF(0, 0, 3, 0), 0, 4),
			 0xbeef0801u);
	assert_int_equal(vpci_read(b->guest, VPCI_SBDF(0, 0, 3, 0), 0x0e, 1),
			 0x80);
	assert_int_equal(vpci_read(b->guest, VPCI_SBDF(0, 0, 3, 2), 0, 4),
			 0xffffffffu);
	/* Given later, the real function 0 replaces the stub. */
	assert_int_equal(vpci_assign_device(b->guest, VPCI_SBDF(0, 8, 0, 0),
					    VPCI_SBDF(0, 0, 3, 0), NULL),
			 0);
	assert_non_null(vpci_domain_lookup(b->guest, VPCI_SBDF(0, 0, 3, 0)));
	assert_ptr_equal(vpci_domain_lookup(b->guest, VPCI_SBDF(0, 0, 3, 0)),
			 vpci_device_find(b->host, VPCI_SBDF(0, 8, 0, 0)));
}

static void assignment_error_paths(void **state)
{
	struct fixture *b = *state;
	struct vpci_domain_config g2 = {.domid = 2, .kind = VPCI_DOMAIN_GUEST,
					.flags = VPCI_DOMAIN_F_VPCI};
	struct vpci_domain *other;
	const char *why = NULL;

	add_fn(b, VPCI_SBDF(0, 1, 0, 0), false);
	assert_int_equal(vpci_domain_create(b->host, &g2, &other, NULL), 0);
	assert_int_equal(vpci_assign_device(b->guest, VPCI_SBDF(0, 0x7f, 0, 0),
					    VPCI_SBDF(0, 0, 1, 0), &why),
			 VPCI_ENOENT);
	assert_non_null(strstr(why, "no such physical function"));
	assert_int_equal(vpci_assign_device(b->hwdom, VPCI_SBDF(0, 1, 0, 0),
					    VPCI_SBDF(0, 0, 1, 0), &why),
			 VPCI_EMODE);
	assert_non_null(strstr(why, "only guests"));
	assert_int_equal(vpci_assign_device(b->guest, VPCI_SBDF(0, 1, 0, 0),
					    VPCI_SBDF(0, 0, 1, 0), NULL),
			 0);
	assert_int_equal(vpci_assign_device(other, VPCI_SBDF(0, 1, 0, 0),
					    VPCI_SBDF(0, 0, 1, 0), &why),
			 VPCI_EBUSY);
	assert_string_equal(why, "the function is assigned to another guest");
	assert_int_equal(vpci_assign_device(b->guest, VPCI_SBDF(0, 1, 0, 0),
					    VPCI_SBDF(0, 0, 1, 0), &why),
			 VPCI_EBUSY);
	assert_string_equal(why, "the function is already assigned to this "
				 "guest");
	assert_int_equal(vpci_deassign_device(other, VPCI_SBDF(0, 1, 0, 0), &why),
			 VPCI_ENOENT);
	assert_string_equal(why, "the function is not assigned to this domain");
	/* The host bridge's slot is never given out. */
	add_fn(b, VPCI_SBDF(0, 2, 0, 0), false);
	assert_int_equal(vpci_assign_device(b->guest, VPCI_SBDF(0, 2, 0, 0),
					    VPCI_SBDF(0, 0, 0, 0), &why),
			 VPCI_EEXIST);
	assert_non_null(strstr(why, "host bridge"));
	/* Destroying the guest hands its devices back. */
	vpci_domain_destroy(b->guest);
	b->guest = NULL;
	assert_int_equal(vpci_read(b->hwdom, VPCI_SBDF(0, 1, 0, 0), 0, 4),
			 0xbeef0100u);
	assert_int_equal(vpci_assign_device(other, VPCI_SBDF(0, 1, 0, 0),
					    VPCI_SBDF(0, 0, 1, 0), NULL),
			 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, fixture_setup_hwdom_guest, fixture_teardown)
		T(hidden_device_stays_readable_by_hwdom),
		T(readonly_device_drops_hwdom_writes_and_logs_once),
		T(readonly_marked_before_add_is_honoured),
		T(guests_cannot_take_hidden_or_readonly_devices),
		T(hiding_an_assigned_device_is_refused),
		T(hide_slot_policy_hides_every_function),
		T(stub_fn0_policy_keeps_other_functions_enumerable),
		T(contradictory_policies_are_refused),
		T(external_and_vpci_devices_share_one_ecam_window),
		T(guest_takes_more_than_32_devices),
		T(multifunction_assignment_keeps_function_numbers),
		T(assignment_error_paths),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
