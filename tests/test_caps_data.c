/* SPDX-License-Identifier: MIT */
/*
 * Capability lists of real machines (tests/data, broken lists included):
 * the core's bounded walk terminates inside config space on every
 * function, and a guest given every endpoint of a machine sees, on every
 * function, a well-formed list of emulated capabilities only, extended
 * space empty, and the status bit agreeing with the pointer.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "caps.h"
#include "session.h"

#ifndef TEST_DATA_DIR
#error "TEST_DATA_DIR must name tests/data"
#endif

static const char *const dirs[] = {"sysfs", "lspci", "devices", "model"};

static void for_each_topology(void (*fn)(const char *))
{
	char dir[PATH_MAX], path[PATH_MAX * 2];
	struct dirent **names;
	size_t d;
	int i, n;

	for (d = 0; d < sizeof(dirs) / sizeof(dirs[0]); d++) {
		snprintf(dir, sizeof(dir), "%s/%s", TEST_DATA_DIR, dirs[d]);
		n = scandir(dir, &names, NULL, alphasort);
		assert_true(n > 2);
		for (i = 0; i < n; i++) {
			const char *name = names[i]->d_name;
			size_t len = strlen(name);

			/* .vv.txt and .lspci are the same machines. */
			if (name[0] != '.' &&
			    !(len > 7 && !strcmp(name + len - 7, ".vv.txt")) &&
			    !(len > 4 && !strcmp(name + len - 4, ".tsv"))) {
				snprintf(path, sizeof(path), "%s/%s", dir,
					 name);
				fn(path);
			}
			free(names[i]);
		}
		free(names);
	}
}

struct counted {
	unsigned int nr;
	bool out_of_range;
};

static int count(void *arg, unsigned int pos, uint32_t header)
{
	struct counted *c = arg;

	(void)header;
	c->nr++;
	if (pos < 0x40 || pos > 0xffc || (pos & 3))
		c->out_of_range = true;
	return 0;
}

static void open_quiet(struct session *s, const char *path,
		       const struct session_options *opt)
{
	char msg[512];

	if (session_open(s, path, opt, msg, sizeof(msg)))
		fail_msg("%s: %s", path, msg);
	s->plat.log_level = VPCI_LOG_ERROR; /* broken lists warn */
}

static unsigned int walks;

static void walk_every_function(const char *path)
{
	struct session_options opt = {0};
	struct session s;
	size_t i;

	open_quiet(&s, path, &opt);
	for (i = 0; i < s.topo.nr_fns; i++) {
		struct counted std = {0}, ext = {0};
		enum vpci_cap_walk_end end;

		end = vpci_cap_walk(s.host, s.topo.fns[i].sbdf, false, count,
				    &std, NULL);
		assert_true(std.nr <= VPCI_CAP_STD_MAX);
		assert_false(std.out_of_range);
		assert_int_not_equal(end, VPCI_CAP_WALK_STOPPED);
		vpci_cap_walk(s.host, s.topo.fns[i].sbdf, true, count, &ext,
			      NULL);
		assert_true(ext.nr <= VPCI_CAP_EXT_MAX);
		assert_false(ext.out_of_range);
		walks += 2;
	}
	session_close(&s);
}

static void walks_terminate_on_every_real_function(void **state)
{
	(void)state;
	walks = 0;
	for_each_topology(walk_every_function);
	assert_true(walks > 200);
}

/* The broken extended list of the RS690 host bridge: its walk ends with
 * one warning, keeping what came before. */
static void broken_extended_list_stops(void **state)
{
	struct session_options opt = {0};
	struct session s;
	char path[PATH_MAX];
	struct counted ext = {0};

	(void)state;
	snprintf(path, sizeof(path), "%s/devices/pciutils__broken-ecaps.lspci",
		 TEST_DATA_DIR);
	open_quiet(&s, path, &opt);
	assert_int_not_equal(vpci_cap_walk(s.host, s.topo.fns[0].sbdf, true,
					   count, &ext, NULL),
			     VPCI_CAP_WALK_DONE);
	session_close(&s);
}

static bool emulated_id(unsigned int id)
{
	return id == VPCI_CAP_ID_PM || id == VPCI_CAP_ID_MSI ||
	       id == VPCI_CAP_ID_EXP || id == VPCI_CAP_ID_MSIX;
}

static void check_guest_fn(struct session *s, vpci_sbdf_t sbdf)
{
	uint64_t seen = 0;
	unsigned int pos, n = 0;
	bool cap = vpci_read(s->target, sbdf, VPCI_REG_STATUS, 2) &
		   VPCI_STATUS_CAP_LIST;

	pos = vpci_read(s->target, sbdf, VPCI_REG_CAP_PTR, 1);
	assert_int_equal(cap, pos != 0);
	while (pos) {
		uint32_t hdr = vpci_read(s->target, sbdf, pos, 2);

		assert_true(pos >= 0x40 && pos <= 0xfc && !(pos & 3));
		assert_false(seen >> (pos / 4 - 16) & 1);
		seen |= 1ull << (pos / 4 - 16);
		assert_true(emulated_id(hdr & 0xff));
		pos = hdr >> 8;
		n++;
	}
	assert_true(n <= 4);
	assert_int_equal(vpci_read(s->target, sbdf, 0x100, 4), 0);
}

static unsigned int guest_fns;

static void guest_lists_of(const char *path)
{
	struct session_options opt = {0};
	struct session probe, s;
	size_t i;

	open_quiet(&probe, path, &opt);
	opt.guest.sbdfs = calloc(probe.topo.nr_fns + 1, sizeof(vpci_sbdf_t));
	for (i = 0; i < probe.topo.nr_fns; i++)
		if ((probe.topo.fns[i].config[0x0e] & 0x7f) == 0)
			opt.guest.sbdfs[opt.guest.nr++] =
				probe.topo.fns[i].sbdf;
	session_close(&probe);
	if (opt.guest.nr) {
		open_quiet(&s, path, &opt);
		for (i = 0; i < s.nr_view_by_dom; i++) {
			check_guest_fn(&s, s.view_by_dom[i].dom_sbdf);
			guest_fns++;
		}
		session_close(&s);
	}
	free(opt.guest.sbdfs);
}

static void guest_lists_well_formed_on_every_real_function(void **state)
{
	(void)state;
	guest_fns = 0;
	for_each_topology(guest_lists_of);
	assert_true(guest_fns > 100);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(walks_terminate_on_every_real_function),
		cmocka_unit_test(broken_extended_list_stops),
		cmocka_unit_test(guest_lists_well_formed_on_every_real_function),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
