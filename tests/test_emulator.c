/* SPDX-License-Identifier: MIT */
/*
 * A guest's emulated host bridge and its external emulators: purely
 * virtual functions, synchronous and asynchronous answers, tokens,
 * cancellation, and what a domain without a bridge claims (nothing).
 * Each test: host -> guest -> emulator -> accesses -> what the guest and
 * the emulator saw.
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

#define ECAM 0x40000000ull
#define VFN  VPCI_SBDF(0, 0, 3, 0)
#define VFN2 VPCI_SBDF(0, 0, 4, 0)

/* A scripted emulator: a config space, and a mode. */
struct emu {
	uint8_t cfg[4096];
	bool pending; /* answer VPCI_EPENDING */
	int fail;     /* answer this error instead */
	unsigned int reads, writes;
	uint64_t last_token;
	uint64_t cancelled[40];
	unsigned int nr_cancelled;
	unsigned int last_reg, last_size;
	uint32_t last_val;
};

static uint32_t emu_get(const struct emu *e, unsigned int reg,
			unsigned int size)
{
	uint32_t v = 0;
	unsigned int i;

	for (i = 0; i < size; i++)
		v |= (uint32_t)e->cfg[reg + i] << (8 * i);
	return v;
}

static int emu_read(void *arg, vpci_sbdf_t sbdf, unsigned int reg,
		    unsigned int size, uint64_t token, uint32_t *val)
{
	struct emu *e = arg;

	(void)sbdf;
	e->reads++;
	e->last_token = token;
	e->last_reg = reg;
	e->last_size = size;
	if (e->fail)
		return e->fail;
	if (e->pending)
		return VPCI_EPENDING;
	*val = emu_get(e, reg, size);
	return 0;
}

static int emu_write(void *arg, vpci_sbdf_t sbdf, unsigned int reg,
		     unsigned int size, uint32_t val, uint64_t token)
{
	struct emu *e = arg;

	(void)sbdf;
	e->writes++;
	e->last_token = token;
	e->last_reg = reg;
	e->last_size = size;
	e->last_val = val;
	return e->pending ? VPCI_EPENDING : 0;
}

static void emu_cancel(void *arg, uint64_t token)
{
	struct emu *e = arg;

	if (e->nr_cancelled < 40)
		e->cancelled[e->nr_cancelled++] = token;
}

static const struct vpci_emulator_ops emu_ops = {emu_read, emu_write,
						 emu_cancel};

struct bench {
	struct fixture fx;
	struct emu a, b;
};

static bool identity_hook(void *ctx, uint32_t domid,
			  struct vpci_bridge_identity *id)
{
	(void)ctx;
	if (domid != 7)
		return false;
	id->vendor_id = 0x5853;
	id->device_id = 0xc0de;
	id->revision = 3;
	id->subsystem_vendor_id = 0x5853;
	id->subsystem_id = 0x0001;
	return true;
}

/* A guest with the bridge; vpci as given. */
static struct bench *bench_new(enum vpci_tristate vpci)
{
	struct bench *b = calloc(1, sizeof(*b));
	struct vpci_domain_config g = {.domid = 1,
				       .kind = VPCI_DOMAIN_GUEST,
				       .flags = VPCI_DOMAIN_F_HOST_BRIDGE,
				       .vpci = vpci};

	fixture_init(&b->fx);
	b->fx.fp.ops.host_bridge_identity = identity_hook;
	fixture_create_host(&b->fx, 0);
	assert_int_equal(vpci_domain_create(b->fx.host, &g, &b->fx.guest, NULL),
			 0);
	assert_int_equal(vpci_domain_add_ecam(b->fx.guest, ECAM, 0, 0, 0, NULL),
			 0);
	b->a.cfg[0] = 0xf4, b->a.cfg[1] = 0x1a; /* 1af4:1041 */
	b->a.cfg[2] = 0x41, b->a.cfg[3] = 0x10;
	b->b.cfg[0] = 0xf4, b->b.cfg[1] = 0x1a; /* 1af4:1042 */
	b->b.cfg[2] = 0x42, b->b.cfg[3] = 0x10;
	return b;
}

static void bench_free(struct bench *b)
{
	fixture_fini(&b->fx);
	free(b);
}

static uint64_t ecam_at(vpci_sbdf_t sbdf, unsigned int reg)
{
	return ECAM + ((uint64_t)VPCI_SBDF_DEVFN(sbdf) << 12) + reg;
}

/* ----------------------------------------------------------- the bridge */

static void bridge_passes_the_x86_sanity_check(void **state)
{
	struct bench *b = bench_new(VPCI_TRI_NO);
	vpci_sbdf_t br = VPCI_SBDF(0, 0, 0, 0);
	uint64_t v;

	(void)state;
	/* Linux's pci_sanity_check(): bus 0 shows a host-bridge class. */
	assert_int_equal(vpci_ecam_read(b->fx.guest, ECAM, 2, &v), 0);
	assert_int_equal(v, VPCI_BRIDGE_DEFAULT_VENDOR);
	assert_int_equal(vpci_read(b->fx.guest, br, 0x02, 2),
			 VPCI_BRIDGE_DEFAULT_DEVICE);
	assert_int_equal(vpci_read(b->fx.guest, br, 0x0a, 2), 0x0600);
	assert_int_equal(vpci_read(b->fx.guest, br, 0x0e, 1), 0x00);
	/* No BARs: sizing finds nothing, and writes change nothing. */
	vpci_write(b->fx.guest, br, 0x10, 4, 0xffffffffu);
	assert_int_equal(vpci_read(b->fx.guest, br, 0x10, 4), 0);
	vpci_write(b->fx.guest, br, 0x04, 2, 0x0007);
	assert_int_equal(vpci_read(b->fx.guest, br, 0x04, 2), 0);
	assert_int_equal(vpci_read(b->fx.guest, br, 0x34, 1), 0);
	assert_int_equal(vpci_read(b->fx.guest, br, 0x06, 2), 0);
	assert_int_equal(vpci_read(b->fx.guest, br, 0x100, 4), 0);
	/* Single function: its slot's other functions are absent. */
	assert_int_equal(vpci_read(b->fx.guest, VPCI_SBDF(0, 0, 0, 1), 0, 4),
			 0xffffffffu);
	/* It is not a device of the host. */
	assert_null(vpci_domain_lookup(b->fx.guest, br));
	bench_free(b);
}

static void bridge_identity_comes_from_the_platform(void **state)
{
	struct bench *b = bench_new(VPCI_TRI_DEFAULT);
	struct vpci_domain_config g = {.domid = 7,
				       .kind = VPCI_DOMAIN_GUEST,
				       .flags = VPCI_DOMAIN_F_HOST_BRIDGE};
	struct vpci_domain_info info;
	struct vpci_domain *d;

	(void)state;
	assert_int_equal(vpci_domain_create(b->fx.host, &g, &d, NULL), 0);
	assert_int_equal(vpci_read(d, VPCI_BRIDGE_SBDF, 0, 4), 0xc0de5853u);
	assert_int_equal(vpci_read(d, VPCI_BRIDGE_SBDF, 0x08, 4), 0x06000003u);
	assert_int_equal(vpci_read(d, VPCI_BRIDGE_SBDF, 0x2c, 4), 0x00015853u);
	assert_int_equal(vpci_domain_info(d, &info), 0);
	assert_int_equal(info.bridge.device_id, 0xc0de);
	bench_free(b);
}

static void guest_without_bridge_claims_nothing(void **state)
{
	struct bench *b = bench_new(VPCI_TRI_DEFAULT);
	struct vpci_domain_config cfg = {
		.domid = 2, .kind = VPCI_DOMAIN_GUEST, .vpci = VPCI_TRI_NO};
	struct vpci_domain *bare;
	const char *why = NULL;
	uint64_t token = 0;
	uint32_t v = 0;

	(void)state;
	assert_int_equal(vpci_domain_create(b->fx.host, &cfg, &bare, NULL), 0);
	assert_int_equal(
		vpci_config_read(bare, VPCI_BRIDGE_SBDF, 0, 4, &v, &token),
		VPCI_ENOENT);
	assert_int_equal(v, 0xffffffffu);
	assert_int_equal(vpci_config_write(bare, VFN, 0, 4, 1, &token),
			 VPCI_ENOENT);
	assert_int_equal(
		vpci_register_emulator(bare, VFN, &emu_ops, &b->a, &why),
		VPCI_EMODE);
	assert_non_null(strstr(why, "VPCI_DOMAIN_F_HOST_BRIDGE"));
	/* The bridged one claims every SBDF, absent ones read all-ones. */
	assert_int_equal(vpci_config_read(b->fx.guest, VPCI_SBDF(0, 9, 9, 0), 0, 4,
					  &v, &token),
			 0);
	assert_int_equal(v, 0xffffffffu);
	bench_free(b);
}

/* ---------------------------------------------------- virtual functions */

static void virtual_functions_have_one_owner_each(void **state)
{
	struct bench *b = bench_new(VPCI_TRI_DEFAULT);
	struct vpci_domain_config hw = {.domid = 0,
					.kind = VPCI_DOMAIN_HARDWARE};
	struct vpci_domain *hwdom;
	const char *why = NULL;
	uint64_t v;

	(void)state;
	assert_int_equal(vpci_domain_create(b->fx.host, &hw, &hwdom, NULL), 0);
	assert_int_equal(
		vpci_register_emulator(b->fx.guest, VFN, &emu_ops, &b->a, &why),
		0);
	assert_null(why);
	assert_int_equal(
		vpci_register_emulator(b->fx.guest, VFN2, &emu_ops, &b->b, NULL),
		0);
	/* Each answers at its own SBDF; the bridge is still there. */
	assert_int_equal(vpci_ecam_read(b->fx.guest, ecam_at(VFN, 0), 4, &v), 0);
	assert_int_equal(v, 0x10411af4u);
	assert_int_equal(vpci_ecam_read(b->fx.guest, ecam_at(VFN2, 0), 4, &v), 0);
	assert_int_equal(v, 0x10421af4u);
	assert_int_equal(b->a.reads, 1);
	assert_int_equal(b->b.reads, 1);
	assert_null(vpci_domain_lookup(b->fx.guest, VFN));
	/* One SBDF, one owner; the bridge's slot is nobody's. */
	assert_int_equal(
		vpci_register_emulator(b->fx.guest, VFN, &emu_ops, &b->b, &why),
		VPCI_EEXIST);
	assert_non_null(strstr(why, "already has a function"));
	assert_int_equal(vpci_register_emulator(b->fx.guest, VPCI_SBDF(0, 0, 0, 2),
						&emu_ops, &b->b, &why),
			 VPCI_EEXIST);
	assert_non_null(strstr(why, "host bridge"));
	assert_int_equal(
		vpci_register_emulator(hwdom, VFN, &emu_ops, &b->b, &why),
		VPCI_EMODE);
	assert_int_equal(
		vpci_register_emulator(b->fx.guest, VFN, NULL, NULL, &why),
		VPCI_EINVAL);
	/* A physical function cannot join a virtual slot, nor the reverse. */
	fake_fn_add(&b->fx.fp, VPCI_SBDF(0, 5, 0, 1));
	fake_fn_add(&b->fx.fp, VPCI_SBDF(0, 6, 0, 0));
	assert_int_equal(vpci_device_add(b->fx.host, VPCI_SBDF(0, 5, 0, 1)), 0);
	assert_int_equal(vpci_device_add(b->fx.host, VPCI_SBDF(0, 6, 0, 0)), 0);
	assert_int_equal(vpci_assign_device(b->fx.guest, VPCI_SBDF(0, 5, 0, 1),
					    VPCI_SBDF(0, 0, 3, 1), &why),
			 VPCI_ETOPOLOGY);
	assert_non_null(strstr(why, "virtual functions"));
	assert_int_equal(vpci_assign_device(b->fx.guest, VPCI_SBDF(0, 6, 0, 0),
					    VPCI_SBDF(0, 0, 6, 0), NULL),
			 0);
	assert_int_equal(vpci_register_emulator(b->fx.guest, VPCI_SBDF(0, 0, 6, 1),
						&emu_ops, &b->b, &why),
			 VPCI_ETOPOLOGY);
	/* Unregistering: only virtual functions, once. */
	assert_int_equal(
		vpci_unregister_emulator(b->fx.guest, VPCI_SBDF(0, 0, 6, 0), &why),
		VPCI_ENOENT);
	assert_non_null(strstr(why, "vpci_deassign_device"));
	assert_int_equal(vpci_unregister_emulator(b->fx.guest, VFN, &why), 0);
	assert_int_equal(vpci_unregister_emulator(b->fx.guest, VFN, &why),
			 VPCI_ENOENT);
	assert_int_equal(vpci_ecam_read(b->fx.guest, ecam_at(VFN, 0), 4, &v), 0);
	assert_int_equal(v, 0xffffffffu);
	assert_int_equal(b->a.reads, 1);
	/* Freed with the domain (the bench checks for leaks). */
	bench_free(b);
}

static void bridge_only_guest_takes_external_but_not_vpci(void **state)
{
	struct bench *b = bench_new(VPCI_TRI_NO);
	vpci_sbdf_t phys = VPCI_SBDF(0, 2, 0, 0);
	const char *why = NULL;

	(void)state;
	fake_fn_add(&b->fx.fp, phys);
	assert_int_equal(vpci_device_add(b->fx.host, phys), 0);
	assert_int_equal(
		vpci_assign_device(b->fx.guest, phys, VPCI_SBDF(0, 0, 1, 0), &why),
		VPCI_EMODE);
	assert_int_equal(vpci_assign_external(b->fx.guest, phys,
					      VPCI_SBDF(0, 0, 1, 0), &emu_ops,
					      &b->a, &why),
			 0);
	assert_int_equal(vpci_read(b->fx.guest, VPCI_SBDF(0, 0, 1, 0), 0, 2),
			 0x1af4);
	assert_int_equal(vpci_deassign_device(b->fx.guest, phys, &why), 0);
	bench_free(b);
}

static void a_failing_emulator_reads_all_ones(void **state)
{
	struct bench *b = bench_new(VPCI_TRI_DEFAULT);

	(void)state;
	assert_int_equal(
		vpci_register_emulator(b->fx.guest, VFN, &emu_ops, &b->a, NULL),
		0);
	b->a.fail = VPCI_EIO;
	assert_int_equal(vpci_read(b->fx.guest, VFN, 0, 2), 0xffff);
	assert_int_equal(b->a.reads, 1);
	b->a.fail = 0;
	assert_int_equal(vpci_read(b->fx.guest, VFN, 0, 2), 0x1af4);
	bench_free(b);
}

/* ---------------------------------------------------------- asynchrony */

static void pending_read_completes_through_its_token(void **state)
{
	struct bench *b = bench_new(VPCI_TRI_DEFAULT);
	struct vpci_domain_info info;
	uint64_t t1 = 0, t2 = 0, result = 0, v = 0;
	uint32_t sync_val = 0;

	(void)state;
	assert_int_equal(
		vpci_register_emulator(b->fx.guest, VFN, &emu_ops, &b->a, NULL),
		0);
	assert_int_equal(
		vpci_register_emulator(b->fx.guest, VFN2, &emu_ops, &b->b, NULL),
		0);
	b->a.pending = true;
	assert_int_equal(
		vpci_ecam_read_async(b->fx.guest, ecam_at(VFN, 0x10), 2, &v, &t1),
		VPCI_EPENDING);
	assert_int_equal(t1, b->a.last_token);
	assert_int_not_equal(t1, 0);
	/* Meanwhile: another function answers at once, and the same one
	 * takes a second request under another token. */
	assert_int_equal(vpci_config_read(b->fx.guest, VFN2, 0, 4, &sync_val, &t2),
			 0);
	assert_int_equal(sync_val, 0x10421af4u);
	assert_int_equal(vpci_config_read(b->fx.guest, VFN, 0, 4, &sync_val, &t2),
			 VPCI_EPENDING);
	assert_int_not_equal(t2, t1);
	assert_int_equal(vpci_domain_info(b->fx.guest, &info), 0);
	assert_int_equal(info.nr_requests_in_flight, 2);
	/* A token never issued: an error, and nothing else changes. */
	assert_int_equal(vpci_emulator_complete(b->fx.guest, t1 ^ (1ull << 40),
						0x1234, &result),
			 VPCI_ENOENT);
	assert_int_equal(vpci_emulator_complete(b->fx.guest, 0, 0, &result),
			 VPCI_ENOENT);
	assert_int_equal(vpci_domain_info(b->fx.guest, &info), 0);
	assert_int_equal(info.nr_requests_in_flight, 2);
	/* Completed out of order; values masked to the access size. */
	assert_int_equal(
		vpci_emulator_complete(b->fx.guest, t2, 0xcafe0001u, &result), 0);
	assert_int_equal(result, 0xcafe0001u);
	assert_int_equal(
		vpci_emulator_complete(b->fx.guest, t1, 0xffffbeefu, &result), 0);
	assert_int_equal(result, 0xbeef);
	/* Once only. */
	assert_int_equal(vpci_emulator_complete(b->fx.guest, t1, 0, &result),
			 VPCI_ENOENT);
	assert_int_equal(vpci_domain_info(b->fx.guest, &info), 0);
	assert_int_equal(info.nr_requests_in_flight, 0);
	bench_free(b);
}

static void eight_byte_ecam_access_is_two_parts_under_one_token(void **state)
{
	struct bench *b = bench_new(VPCI_TRI_DEFAULT);
	uint64_t token = 0, result = 0, v = 0;

	(void)state;
	assert_int_equal(
		vpci_register_emulator(b->fx.guest, VFN, &emu_ops, &b->a, NULL),
		0);
	b->a.pending = true;
	assert_int_equal(vpci_ecam_read_async(b->fx.guest, ecam_at(VFN, 0x40), 8,
					      &v, &token),
			 VPCI_EPENDING);
	assert_int_equal(b->a.last_reg, 0x40);
	assert_int_equal(
		vpci_emulator_complete(b->fx.guest, token, 0x11111111u, &result),
		VPCI_EPENDING);
	assert_int_equal(b->a.last_reg, 0x44);
	assert_int_equal(b->a.last_token, token);
	assert_int_equal(
		vpci_emulator_complete(b->fx.guest, token, 0x22222222u, &result),
		0);
	assert_int_equal(result, 0x2222222211111111ull);
	/* Writes too: both halves reach the emulator, in order. */
	b->a.pending = false;
	assert_int_equal(vpci_ecam_write_async(b->fx.guest, ecam_at(VFN, 0x48), 8,
					       0xaaaaaaaabbbbbbbbull, &token),
			 0);
	assert_int_equal(b->a.writes, 2);
	assert_int_equal(b->a.last_reg, 0x4c);
	assert_int_equal(b->a.last_val, 0xaaaaaaaau);
	bench_free(b);
}

static void pending_write_then_completion(void **state)
{
	struct bench *b = bench_new(VPCI_TRI_DEFAULT);
	uint64_t token = 0, result = 1;

	(void)state;
	assert_int_equal(
		vpci_register_emulator(b->fx.guest, VFN, &emu_ops, &b->a, NULL),
		0);
	b->a.pending = true;
	assert_int_equal(
		vpci_config_write(b->fx.guest, VFN, 0x41, 1, 0x1ff, &token),
		VPCI_EPENDING);
	assert_int_equal(b->a.last_val, 0xff);
	assert_int_equal(vpci_emulator_complete(b->fx.guest, token, 0, &result),
			 0);
	assert_int_equal(result, 0);
	bench_free(b);
}

static void destroy_and_unregister_cancel_requests_in_flight(void **state)
{
	struct bench *b = bench_new(VPCI_TRI_DEFAULT);
	uint64_t ta = 0, tb = 0, tb2 = 0, result;
	uint32_t v;

	(void)state;
	assert_int_equal(
		vpci_register_emulator(b->fx.guest, VFN, &emu_ops, &b->a, NULL),
		0);
	assert_int_equal(
		vpci_register_emulator(b->fx.guest, VFN2, &emu_ops, &b->b, NULL),
		0);
	b->a.pending = b->b.pending = true;
	assert_int_equal(vpci_config_read(b->fx.guest, VFN, 0, 4, &v, &ta),
			 VPCI_EPENDING);
	assert_int_equal(vpci_config_read(b->fx.guest, VFN2, 0, 4, &v, &tb),
			 VPCI_EPENDING);
	assert_int_equal(vpci_config_read(b->fx.guest, VFN2, 4, 4, &v, &tb2),
			 VPCI_EPENDING);
	/* Unregistering a cancels its request only. */
	assert_int_equal(vpci_unregister_emulator(b->fx.guest, VFN, NULL), 0);
	assert_int_equal(b->a.nr_cancelled, 1);
	assert_int_equal(b->a.cancelled[0], ta);
	assert_int_equal(vpci_emulator_complete(b->fx.guest, ta, 1, &result),
			 VPCI_ENOENT);
	assert_int_equal(b->b.nr_cancelled, 0);
	/* Destroying the domain cancels the rest; nothing leaks. */
	vpci_domain_destroy(b->fx.guest);
	b->fx.guest = NULL;
	assert_int_equal(b->b.nr_cancelled, 2);
	assert_true((b->b.cancelled[0] == tb && b->b.cancelled[1] == tb2) ||
		    (b->b.cancelled[0] == tb2 && b->b.cancelled[1] == tb));
	bench_free(b);
}

static void full_request_table_is_busy_and_never_allocates(void **state)
{
	struct bench *b = bench_new(VPCI_TRI_DEFAULT);
	uint64_t tokens[VPCI_MAX_REQUESTS_IN_FLIGHT], extra = 0, result;
	unsigned int i, reads;
	uint32_t v;

	(void)state;
	assert_int_equal(
		vpci_register_emulator(b->fx.guest, VFN, &emu_ops, &b->a, NULL),
		0);
	b->a.pending = true;
	/* From here on every allocation fails: accesses must not care. */
	b->fx.fp.allocs_until_failure = 0;
	for (i = 0; i < VPCI_MAX_REQUESTS_IN_FLIGHT; i++)
		assert_int_equal(
			vpci_config_read(b->fx.guest, VFN, 0, 4, &v, &tokens[i]),
			VPCI_EPENDING);
	reads = b->a.reads;
	assert_int_equal(vpci_config_read(b->fx.guest, VFN, 0, 4, &v, &extra),
			 VPCI_EBUSY);
	assert_int_equal(v, 0xffffffffu);
	assert_int_equal(b->a.reads, reads); /* nothing was sent */
	assert_int_equal(
		vpci_emulator_complete(b->fx.guest, tokens[5], 7, &result), 0);
	assert_int_equal(result, 7);
	/* A caller that cannot wait gives up: cancelled, all-ones. */
	assert_int_equal(vpci_read(b->fx.guest, VFN, 0, 2), 0xffff);
	assert_int_equal(b->a.nr_cancelled, 1);
	assert_int_equal(
		vpci_emulator_complete(b->fx.guest, b->a.cancelled[0], 1, &result),
		VPCI_ENOENT);
	b->fx.fp.allocs_until_failure = -1;
	bench_free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(bridge_passes_the_x86_sanity_check),
		cmocka_unit_test(bridge_identity_comes_from_the_platform),
		cmocka_unit_test(guest_without_bridge_claims_nothing),
		cmocka_unit_test(virtual_functions_have_one_owner_each),
		cmocka_unit_test(bridge_only_guest_takes_external_but_not_vpci),
		cmocka_unit_test(a_failing_emulator_reads_all_ones),
		cmocka_unit_test(pending_read_completes_through_its_token),
		cmocka_unit_test(
			eight_byte_ecam_access_is_two_parts_under_one_token),
		cmocka_unit_test(pending_write_then_completion),
		cmocka_unit_test(
			destroy_and_unregister_cancel_requests_in_flight),
		cmocka_unit_test(
			full_request_table_is_busy_and_never_allocates),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
