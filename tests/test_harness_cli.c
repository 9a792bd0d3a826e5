/* SPDX-License-Identifier: MIT */
/*
 * The harness output side in-process (so valgrind and sanitizers see it):
 * sessions over every topology in tests/data, replay scripts, the lspci
 * and sysfs exporters and the summary, in the hardware domain's view and
 * a guest's, and the errors for bad scripts and options. Expected values
 * come from the capture files themselves, never from the code under test.
 * The command line proper is covered by the scripts in tests/harness/.
 */
#define _GNU_SOURCE /* fmemopen, open_memstream, mkdtemp, nftw */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "export_lspci.h"
#include "export_sysfs.h"
#include "stats.h"
#include "script.h"
#include "session.h"
#include "text.h"
#include "guest_list.h"

#ifndef TEST_DATA_DIR
#error "TEST_DATA_DIR must name tests/data"
#endif

#define FC "sysfs/firecracker-microvm"

/* --------------------------------------------------------------- helpers */

static const char *data_path(const char *rel)
{
	static char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", TEST_DATA_DIR, rel);
	return path;
}

/* The first n bytes of a capture's config file for function name. */
static void capture_config(const char *name, uint8_t *buf, size_t n)
{
	char path[PATH_MAX * 2];
	FILE *f;

	snprintf(path, sizeof(path), "%s/devices/%s/config", data_path(FC),
		 name);
	f = fopen(path, "rb");
	assert_non_null(f);
	assert_int_equal(fread(buf, 1, n, f), n);
	fclose(f);
}

static void open_ok(struct session *s, const char *path,
		    const struct session_options *opt)
{
	static const struct session_options none;
	char msg[1024] = "";

	if (session_open(s, path, opt ? opt : &none, msg, sizeof(msg)))
		fail_msg("%s: session_open failed: %s", path, msg);
}

/* Run script text against s; returns script_run's result, output in
 * *out (malloc'd). */
static int run_script(struct session *s, const char *text, char **out)
{
	size_t len = 0;
	FILE *in = fmemopen((void *)text, strlen(text), "r");
	FILE *o = open_memstream(out, &len);
	int rc;

	assert_non_null(in);
	assert_non_null(o);
	rc = script_run(s, in, "test-script", o, false);
	fclose(in);
	fclose(o);
	return rc;
}

static void guest_opts(struct session_options *opt, const char *list)
{
	char msg[256];

	memset(opt, 0, sizeof(*opt));
	if (sbdf_list_parse(&opt->guest, list, msg, sizeof(msg)))
		fail_msg("%s: %s", list, msg);
}

static int rm_entry(const char *path, const struct stat *st, int flag,
		    struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

/* ---------------------------------------------------------------- parsing */

static void sbdf_forms_parse(void **state)
{
	vpci_sbdf_t sbdf;

	(void)state;
	assert_true(text_parse_sbdf("0000:00:1f.3", &sbdf));
	assert_int_equal(sbdf, VPCI_SBDF(0, 0, 0x1f, 3));
	assert_true(text_parse_sbdf("0004:01:00.1", &sbdf));
	assert_int_equal(sbdf, VPCI_SBDF(4, 1, 0, 1));
	assert_true(text_parse_sbdf("03:00.0", &sbdf));
	assert_int_equal(sbdf, VPCI_SBDF(0, 3, 0, 0));
	assert_false(text_parse_sbdf("00:20.0", &sbdf));
	assert_false(text_parse_sbdf("00:1f.8", &sbdf));
	assert_false(text_parse_sbdf("10000:00:00.0", &sbdf));
	assert_false(text_parse_sbdf("00:1f", &sbdf));
	assert_false(text_parse_sbdf("00:1f.0x", &sbdf));
	assert_false(text_parse_sbdf("", &sbdf));
}

/* sysfs names functions one way only; lspci's scan reads long fields as
 * long, so a caller can tell "too many digits" from "not an address". */
static void canonical_sbdf_and_scan(void **state)
{
	struct text_sbdf_fields f;
	char buf[TEXT_SBDF_STRLEN];
	vpci_sbdf_t sbdf;
	const char *p;
	uint64_t v;

	(void)state;
	assert_true(text_parse_sbdf_canonical("000a:0b:1c.7", &sbdf));
	assert_int_equal(sbdf, VPCI_SBDF(0xa, 0xb, 0x1c, 7));
	assert_string_equal(text_sbdf_str(sbdf, buf), "000a:0b:1c.7");
	assert_false(text_parse_sbdf_canonical("0b:1c.7", &sbdf));
	assert_false(text_parse_sbdf_canonical("00a:0b:1c.7", &sbdf));
	assert_false(text_parse_sbdf_canonical("000a:b:1c.7", &sbdf));
	assert_false(text_parse_sbdf_canonical("000a:0b:1c.7 ", &sbdf));
	assert_true(text_sbdf_scan("10000:02:03.4 rest", &f));
	assert_true(f.has_segment);
	assert_int_equal(f.seg, 0x10000);
	assert_int_equal(f.seg_digits, 5);
	assert_int_equal(f.bus, 2);
	assert_int_equal(f.dev, 3);
	assert_int_equal(f.fn, 4);
	assert_string_equal(f.end, " rest");
	assert_false(text_sbdf_scan("02:03", &f));
	p = "0xfee00000 0x1";
	assert_true(text_hex64_0x(&p, &v));
	assert_int_equal(v, 0xfee00000);
	assert_string_equal(p, " 0x1");
	p = "0x10000000000000000"; /* 17 digits */
	assert_false(text_hex64_0x(&p, &v));
	p = "10";
	assert_false(text_hex64_0x(&p, &v));
}

/* Hex with or without 0x, as every PCI tool: "10" is BAR0's offset. */
static void numbers_parse_as_hex(void **state)
{
	uint64_t v;

	(void)state;
	assert_true(text_parse_number("0x10", 4095, &v));
	assert_int_equal(v, 16);
	assert_true(text_parse_number("10", 4095, &v));
	assert_int_equal(v, 16);
	assert_true(text_parse_number("fFf", 4095, &v));
	assert_int_equal(v, 4095);
	assert_false(text_parse_number("1000", 4095, &v));
	assert_false(text_parse_number("0x0x1", 4095, &v));
	assert_false(text_parse_number("", 4095, &v));
	assert_false(text_parse_number("-1", 4095, &v));
	assert_false(text_parse_number("0x", 4095, &v));
	assert_false(text_parse_number("1g3", 4095, &v));
	assert_false(text_parse_number("99999999999999999999999", ~0ull, &v));
}

/* ----------------------------------------------------------------- replay */

static void hwdom_reads_captured_bytes(void **state)
{
	struct session s;
	uint8_t cfg[12];
	char *out = NULL, want[64];

	(void)state;
	capture_config("0000:00:01.0", cfg, sizeof(cfg));
	open_ok(&s, data_path(FC), NULL);
	assert_int_equal(run_script(&s,
				    "# vendor and device\n"
				    "r 0000:00:01.0 0 4\n"
				    "\n"
				    "r 00:01.0 0 2   # vendor only\n"
				    "r 00:01.0 8 1\n"
				    "w 00:01.0 0x3c 1 0x5a\n"
				    "r 00:01.0 0x3c 1\n"
				    "r 0000:42:00.0 0 4\n"
				    "r 0000:42:00.0 0 1\n",
				    &out),
			 0);
	snprintf(want, sizeof(want),
		 "0x%02x%02x%02x%02x\n0x%02x%02x\n0x%02x\n0x5a\n0xffffffff\n"
		 "0xff\n",
		 cfg[3], cfg[2], cfg[1], cfg[0], cfg[1], cfg[0], cfg[8]);
	assert_string_equal(out, want);
	free(out);
	session_close(&s);
}

static void bad_script_line_stops_the_run(void **state)
{
	static const char *const bad[] = {
		"r 00:01.0 0 3\n",	 "r 00:01.0 0x1000 4\n",
		"w 00:01.0 0 1 0x100\n", "q 00:01.0 0 4\n",
		"r 00:01.0 0 4 junk\n",	 "r 00:01.0\n",
		"w 00:01.0 0 4\n",	 "r 00:33.0 0 4\n",
	};
	struct session s;
	char *out = NULL;
	size_t i;

	(void)state;
	open_ok(&s, data_path(FC), NULL);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char text[128];

		snprintf(text, sizeof(text), "r 00:01.0 0 2\n%sr 00:01.0 0 2\n",
			 bad[i]);
		assert_int_equal(run_script(&s, text, &out), -1);
		/* The line before the bad one ran, the one after did not. */
		assert_int_equal(strlen(out), strlen("0x1af4\n"));
		free(out);
		out = NULL;
	}
	session_close(&s);
}

static void guest_sees_only_its_functions(void **state)
{
	struct session_options opt;
	struct session s;
	char *out = NULL;

	(void)state;
	guest_opts(&opt, "00:03.0,0000:00:05.0");
	open_ok(&s, data_path(FC), &opt);
	assert_int_equal(s.nr_view, 2);
	assert_int_equal(s.view[0].host_sbdf, VPCI_SBDF(0, 0, 3, 0));
	/* Slot 00 is the guest's host bridge: devices start at 01. */
	assert_int_equal(s.view[0].dom_sbdf, VPCI_SBDF(0, 0, 1, 0));
	assert_int_equal(s.view[1].dom_sbdf, VPCI_SBDF(0, 0, 2, 0));
	assert_null(session_lookup(&s, VPCI_SBDF(0, 0, 1, 0)));
	assert_int_equal(run_script(&s, "r 00:01.0 0 4\nr 00:02.0 0 2\n", &out),
			 0);
	assert_string_equal(out, "0xffffffff\n0xffff\n");
	free(out);
	session_close(&s);
	sbdf_list_free(&opt.guest);
}

/* pciutils' cap-ide: PF e1:00.0, SR-IOV at 0x148, TotalVFs 4, First VF
 * Offset 32, stride 1 (from the dump's -vv text): VFs at e1:04.0-3. */
static void script_enabled_vfs_join_and_leave_the_view(void **state)
{
	static const char enable[] = "w 0000:e1:00.0 0x158 2 4\n"
				     "w 0000:e1:00.0 0x150 2 0x9\n";
	struct session s;
	char *out = NULL;
	unsigned int n;

	(void)state;
	open_ok(&s, data_path("devices/pciutils__cap-ide.lspci"), NULL);
	assert_int_equal(s.nr_view, 1);
	assert_int_equal(run_script(&s, enable, &out), 0);
	free(out);
	assert_int_equal(s.nr_view, 5);
	assert_int_equal(s.nr_view_by_dom, 5);
	for (n = 0; n < 4; n++) {
		const struct session_fn *fn =
			session_lookup(&s, VPCI_SBDF(0, 0xe1, 4, n));

		assert_non_null(fn);
		assert_true(fn->topo->attrs.is_vf);
		/* The PF's vendor, the VF Device ID, through vPCI. */
		assert_int_equal(session_read(&s, fn->host_sbdf, 0, 4),
				 0x50a5aaaau);
	}
	/* Enabling again changes nothing; clearing VF Enable removes them. */
	assert_int_equal(run_script(&s, "w 0000:e1:00.0 0x150 2 0x9\n"
					"w 0000:e1:00.0 0x150 2 0\n",
				    &out),
			 0);
	free(out);
	assert_int_equal(s.nr_view, 1);
	assert_null(session_lookup(&s, VPCI_SBDF(0, 0xe1, 4, 0)));
	session_close(&s);
}

static void bad_guest_options_fail_with_a_message(void **state)
{
	static const char *const lists[] = {"00:09.0", "00:01.0,00:01.0"};
	struct session_options opt;
	struct session s;
	char msg[1024];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(lists) / sizeof(lists[0]); i++) {
		guest_opts(&opt, lists[i]);
		msg[0] = '\0';
		assert_int_equal(
			session_open(&s, data_path(FC), &opt, msg, sizeof(msg)),
			-1);
		assert_non_null(strstr(msg, "--guest"));
		sbdf_list_free(&opt.guest);
	}
	memset(&opt, 0, sizeof(opt));
	assert_int_equal(sbdf_list_parse(&opt.guest, "00:01.0,,00:02.0", msg,
					 sizeof(msg)),
			 -1);
	sbdf_list_free(&opt.guest);
}

/* ---------------------------------------------------------------- exports */

static void dump_has_every_function_in_lspci_layout(void **state)
{
	struct session s;
	char *out = NULL, *line, *save = NULL;
	size_t len = 0, headers = 0, rows = 0;
	FILE *o;

	(void)state;
	open_ok(&s, data_path(FC), NULL);
	o = open_memstream(&out, &len);
	assert_int_equal(export_lspci(&s, o), 0);
	fclose(o);
	for (line = strtok_r(out, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		if (strlen(line) > 12 && line[4] == ':' && line[12] == ' ')
			headers++;
		else if (strlen(line) == 3 + 16 * 3 ||
			 strlen(line) == 4 + 16 * 3)
			rows++;
		else
			fail_msg("unexpected dump line '%s'", line);
	}
	assert_int_equal(headers, s.topo.nr_fns);
	assert_int_equal(rows, s.topo.nr_fns * 256);
	free(out);
	session_close(&s);
}

static void sysfs_export_sizes_bars_like_the_capture(void **state)
{
	char dir[] = "/tmp/vpci-harness-export.XXXXXX", path[PATH_MAX * 2];
	char got[256], want[256], msg[1024];
	struct session s;
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	open_ok(&s, data_path(FC), NULL);
	assert_int_equal(export_sysfs(&s, dir, msg, sizeof(msg)), 0);
	session_close(&s);

	snprintf(path, sizeof(path), "%s/devices/0000:00:01.0/resource", dir);
	f = fopen(path, "r");
	assert_non_null(f);
	assert_non_null(fgets(got, sizeof(got), f));
	fclose(f);
	snprintf(path, sizeof(path), "%s/devices/0000:00:01.0/resource",
		 data_path(FC));
	f = fopen(path, "r");
	assert_non_null(f);
	assert_non_null(fgets(want, sizeof(want), f));
	fclose(f);
	assert_string_equal(got, want);
	assert_int_equal(nftw(dir, rm_entry, 8, FTW_DEPTH | FTW_PHYS), 0);
}

static void export_to_an_impossible_path_fails(void **state)
{
	struct session s;
	char msg[1024] = "";

	(void)state;
	open_ok(&s, data_path(FC), NULL);
	assert_int_equal(export_sysfs(&s, "/dev/null/x", msg, sizeof(msg)), -1);
	assert_non_null(strstr(msg, "/dev/null/x"));
	session_close(&s);
}

static void stats_names_the_assignable_functions(void **state)
{
	struct session s;
	char *out = NULL;
	size_t len = 0;
	FILE *o;

	(void)state;
	open_ok(&s, data_path(FC), NULL);
	o = open_memstream(&out, &len);
	stats_print(&s, o);
	fclose(o);
	assert_non_null(strstr(out, "functions: 6"));
	assert_non_null(strstr(out, "assignable to a guest: 6"));
	assert_non_null(strstr(out, "  0000:00:05.0 "));
	free(out);
	session_close(&s);
}

/* Two functions decoding the same 4 KiB: an lspci -vv style dump. */
static void stats_reports_overlapping_bars(void **state)
{
	static const char *const fn_text =
		"%s Ethernet controller: Test\n"
		"\tRegion 0: Memory at fe000000 (32-bit, non-prefetchable) "
		"[size=4K]\n"
		"00: 86 80 d3 10 02 00 10 00 00 00 00 02 00 00 00 00\n"
		"10: 00 00 00 fe 00 00 00 00 00 00 00 00 00 00 00 00\n"
		"20: 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00\n"
		"30: 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00\n\n";
	char path[] = "/tmp/vpci-harness-overlap.XXXXXX", *out = NULL;
	struct session s;
	size_t len = 0;
	FILE *f;
	int fd;

	(void)state;
	fd = mkstemp(path);
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	assert_non_null(f);
	fprintf(f, fn_text, "00:02.0");
	fprintf(f, fn_text, "00:03.0");
	fclose(f);
	open_ok(&s, path, NULL);
	f = open_memstream(&out, &len);
	stats_print(&s, f);
	fclose(f);
	assert_non_null(strstr(out, "overlap: 0000:00:02.0 BAR0 "
				    "[0xfe000000-0xfe000fff] and 0000:00:03.0 "
				    "BAR0"));
	assert_non_null(strstr(out, "overlapping memory BARs: 1\n"));
	free(out);
	session_close(&s);
	unlink(path);
}

/* ------------------------------------------------ every topology, twice */

/* Hardware-domain session, dump and stats; then a guest with the first
 * type-0 function. */
static void replay_one(const char *path)
{
	struct session_options opt;
	struct session s;
	char list[TEXT_SBDF_STRLEN], *out = NULL;
	size_t len = 0, i;
	FILE *o;

	open_ok(&s, path, NULL);
	o = open_memstream(&out, &len);
	assert_int_equal(export_lspci(&s, o), 0);
	stats_print(&s, o);
	fclose(o);
	free(out);
	list[0] = '\0';
	for (i = 0; i < s.topo.nr_fns; i++)
		if ((s.topo.fns[i].config[0x0e] & 0x7f) == 0) {
			text_sbdf_str(s.topo.fns[i].sbdf, list);
			break;
		}
	session_close(&s);
	if (!list[0])
		return;
	guest_opts(&opt, list);
	open_ok(&s, path, &opt);
	o = open_memstream(&out, &len);
	assert_int_equal(export_lspci(&s, o), 0);
	fclose(o);
	free(out);
	session_close(&s);
	sbdf_list_free(&opt.guest);
}

static void bad_one(const char *path)
{
	static const struct session_options none;
	struct session s;
	char msg[1024] = "";

	if (session_open(&s, path, &none, msg, sizeof(msg)) == 0)
		fail_msg("%s: loaded, should not have", path);
	if (!strstr(msg, "bad/"))
		fail_msg("%s: message does not name it: '%s'", path, msg);
}

static size_t for_each_entry(const char *subdir, void (*fn)(const char *))
{
	char dir[PATH_MAX], path[PATH_MAX * 2];
	struct dirent **names;
	int i, n;

	snprintf(dir, sizeof(dir), "%s", data_path(subdir));
	n = scandir(dir, &names, NULL, alphasort);
	if (n < 0)
		return 0;
	for (i = 0; i < n; i++) {
		if (names[i]->d_name[0] != '.') {
			snprintf(path, sizeof(path), "%s/%s", dir,
				 names[i]->d_name);
			fn(path);
		}
		free(names[i]);
	}
	free(names);
	return (size_t)n;
}

static void every_topology_replays(void **state)
{
	(void)state;
	assert_true(for_each_entry("sysfs", replay_one) > 0);
	assert_true(for_each_entry("lspci", replay_one) > 0);
	assert_true(for_each_entry("devices", replay_one) > 0);
}

static void every_bad_input_fails_naming_it(void **state)
{
	(void)state;
	assert_true(for_each_entry("bad", bad_one) > 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sbdf_forms_parse),
		cmocka_unit_test(canonical_sbdf_and_scan),
		cmocka_unit_test(numbers_parse_as_hex),
		cmocka_unit_test(hwdom_reads_captured_bytes),
		cmocka_unit_test(bad_script_line_stops_the_run),
		cmocka_unit_test(guest_sees_only_its_functions),
		cmocka_unit_test(script_enabled_vfs_join_and_leave_the_view),
		cmocka_unit_test(bad_guest_options_fail_with_a_message),
		cmocka_unit_test(dump_has_every_function_in_lspci_layout),
		cmocka_unit_test(sysfs_export_sizes_bars_like_the_capture),
		cmocka_unit_test(export_to_an_impossible_path_fails),
		cmocka_unit_test(stats_names_the_assignable_functions),
		cmocka_unit_test(stats_reports_overlapping_bars),
		cmocka_unit_test(every_topology_replays),
		cmocka_unit_test(every_bad_input_fails_naming_it),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
