/* SPDX-License-Identifier: MIT */
/*
 * The harness input side against real machines: every topology in
 * tests/data loads, the BAR sizes the loaders find agree with independent
 * data (sizes.tsv, the same machine in another format), the hardware model
 * answers like hardware, and broken inputs fail naming file and line.
 */
#define _GNU_SOURCE /* nftw, mkdtemp, scandir */
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

#include "loader.h"
#include "capture_live.h"
#include "hwmodel.h"
#include "topology.h"
#include "text.h"

#ifndef TEST_DATA_DIR
#error "TEST_DATA_DIR must name tests/data"
#endif

/* --------------------------------------------------------------- helpers */

static const char *data_path(const char *rel)
{
	static char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", TEST_DATA_DIR, rel);
	return path;
}

static void load_ok(const char *path, struct topology *topo)
{
	struct topo_error err = { "" };

	if (topology_load(path, topo, &err) != 0)
		fail_msg("%s did not load: %s", path, err.msg);
}

static void load_data(const char *rel, struct topology *topo)
{
	load_ok(data_path(rel), topo);
}

/* Call fn(path) for every entry of data/SUBDIR, in name order. */
static size_t for_each_entry(const char *subdir, void (*fn)(const char *))
{
	struct dirent **names;
	char dir[PATH_MAX], path[PATH_MAX * 2];
	int i, n;

	snprintf(dir, sizeof(dir), "%s/%s", TEST_DATA_DIR, subdir);
	n = scandir(dir, &names, NULL, alphasort);
	assert_true(n >= 0);
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

static const char *const topology_dirs[] = { "sysfs", "lspci", "devices",
					     "model" };

static void for_each_topology(void (*fn)(const char *))
{
	size_t i;

	for (i = 0; i < sizeof(topology_dirs) / sizeof(topology_dirs[0]); i++)
		assert_true(for_each_entry(topology_dirs[i], fn) > 2);
}

static const char *kind_word(enum topo_bar_kind kind)
{
	return topo_bar_kind_name(kind);
}

static void assert_same_bar(const struct topo_bar *a, const struct topo_bar *b,
			    const char *what)
{
	if (a->kind != b->kind || a->size_known != b->size_known ||
	    a->size_bytes != b->size_bytes || a->addr != b->addr ||
	    a->prefetchable != b->prefetchable)
		fail_msg("%s: %s%s %llu @%llx vs %s%s %llu @%llx", what,
			 kind_word(a->kind), a->size_known ? "" : "?",
			 (unsigned long long)a->size_bytes,
			 (unsigned long long)a->addr, kind_word(b->kind),
			 b->size_known ? "" : "?",
			 (unsigned long long)b->size_bytes,
			 (unsigned long long)b->addr);
}

/* Same functions, same config bytes; same BARs when with_bars. */
static void assert_same_machine(const struct topology *a,
				const struct topology *b, bool with_bars)
{
	char what[128], name[TEXT_SBDF_STRLEN];
	size_t i;
	int bar;

	assert_int_equal(a->nr_fns, b->nr_fns);
	for (i = 0; i < a->nr_fns; i++) {
		const struct topo_fn *x = &a->fns[i], *y = &b->fns[i];

		assert_int_equal(x->sbdf, y->sbdf);
		assert_int_equal(x->config_len, y->config_len);
		assert_memory_equal(x->config, y->config, x->config_len);
		for (bar = 0; with_bars && bar < TOPO_NR_BARS; bar++) {
			snprintf(what, sizeof(what), "%s BAR %d",
				 text_sbdf_str(x->sbdf, name), bar);
			assert_same_bar(&x->bars[bar], &y->bars[bar], what);
		}
	}
}

static const struct topo_fn *find_fn(const struct topology *topo,
				     const char *sbdf_text)
{
	vpci_sbdf_t sbdf;
	const struct topo_fn *fn;

	assert_true(text_parse_sbdf_canonical(sbdf_text, &sbdf));
	fn = topology_find(topo, sbdf);
	if (!fn)
		fail_msg("%s not in %s", sbdf_text, topo->source);
	return fn;
}

/* ------------------------------------------------------------- loading */

static void load_and_check(const char *path)
{
	struct topology topo;

	load_ok(path, &topo);
	assert_true(topo.nr_fns > 0);
	topology_free(&topo);
}

static void every_topology_in_data_loads(void **state)
{
	(void)state;
	for_each_topology(load_and_check);
}

/* Function counts as real `lspci -F` / `lspci -A linux-sysfs` report. */
static const struct {
	const char *rel;
	size_t nr_fns;
} known_counts[] = {
	{ "lspci/3mdeb__openpower-talos2.vv.txt", 16 },
	{ "lspci/MrArtemSid__huananzhi_x99-QD4.vv.txt", 87 },
	{ "lspci/linux-pci-ml__arm-n1sdp.vv.txt", 16 },
	{ "lspci/pciutils__PCI-X-bridges-and-domains.vv.txt", 31 },
	{ "lspci/pciutils__tree-asus-p6t6.vv.txt", 53 },
	{ "devices/pciutils__cap-aer-root.lspci", 2 },
	{ "devices/pciutils__cap-dvsec-cxl.lspci", 2 },
	{ "devices/pciutils__broken-ecaps.lspci", 1 },
	{ "sysfs/firecracker-microvm", 6 },
	{ "sysfs/MrArtemSid__huananzhi_x99-QD4", 87 },
	{ "sysfs/3mdeb__openpower-talos2", 16 },
	{ "sysfs/linux-pci-ml__arm-n1sdp", 16 },
};

static void real_topologies_have_lspci_function_counts_and_no_warnings(
	void **state)
{
	struct topology topo;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(known_counts) / sizeof(known_counts[0]); i++) {
		load_data(known_counts[i].rel, &topo);
		assert_int_equal(topo.nr_fns, known_counts[i].nr_fns);
		if (topo.nr_warnings)
			fail_msg("%s", topo.warnings[0].msg);
		topology_free(&topo);
	}
}

static void topology_find_returns_each_function_and_null_for_others(
	void **state)
{
	struct topology topo;
	size_t i;

	(void)state;
	load_data("lspci/MrArtemSid__huananzhi_x99-QD4.vv.txt", &topo);
	for (i = 0; i < topo.nr_fns; i++)
		assert_ptr_equal(topology_find(&topo, topo.fns[i].sbdf),
				 &topo.fns[i]);
	assert_null(topology_find(&topo, VPCI_SBDF(0, 0x42, 0x1f, 7)));
	assert_null(topology_find(&topo, VPCI_SBDF(1, 0, 0, 0)));
	topology_free(&topo);
}

/* sizes.tsv beside a capture: sbdf, BAR index (6 = ROM), kind, bytes. */
static void capture_matches_sizes_tsv(const char *dir)
{
	char path[PATH_MAX * 2], sbdf_text[32], kind[16];
	unsigned long long size;
	struct topology topo;
	size_t rows = 0, sized = 0, i;
	unsigned int idx;
	FILE *f;

	snprintf(path, sizeof(path), "%s/sizes.tsv", dir);
	f = fopen(path, "r");
	if (!f)
		return; /* e.g. firecracker: a real capture has none */
	load_ok(dir, &topo);
	while (fscanf(f, "%31s %u %15s %llu", sbdf_text, &idx, kind, &size) ==
	       4) {
		const struct topo_fn *fn = find_fn(&topo, sbdf_text);

		assert_true(idx < TOPO_NR_BARS);
		assert_string_equal(kind_word(fn->bars[idx].kind), kind);
		assert_true(fn->bars[idx].size_known);
		assert_int_equal(fn->bars[idx].size_bytes, size);
		rows++;
	}
	assert_true(feof(f));
	fclose(f);
	for (i = 0; i < topo.nr_fns; i++)
		for (idx = 0; idx < TOPO_NR_BARS; idx++)
			sized += topo.fns[i].bars[idx].size_known &&
				 topo.fns[i].bars[idx].kind !=
					 TOPO_BAR_MEM64_HI;
	assert_int_equal(sized, rows); /* nothing sized that it lacks */
	assert_true(rows > 0);
	topology_free(&topo);
}

static void capture_bar_sizes_equal_sizes_tsv(void **state)
{
	(void)state;
	for_each_entry("sysfs", capture_matches_sizes_tsv);
}

static const char *const same_machine_both_forms[] = {
	"MrArtemSid__huananzhi_x99-QD4",
	"3mdeb__openpower-talos2",
	"linux-pci-ml__arm-n1sdp",
};

static void vv_dump_sizes_agree_with_capture_of_same_machine(void **state)
{
	char rel[256];
	struct topology dump, capture;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(same_machine_both_forms) /
				sizeof(same_machine_both_forms[0]);
	     i++) {
		snprintf(rel, sizeof(rel), "lspci/%s.vv.txt",
			 same_machine_both_forms[i]);
		load_data(rel, &dump);
		snprintf(rel, sizeof(rel), "sysfs/%s",
			 same_machine_both_forms[i]);
		load_data(rel, &capture);
		assert_same_machine(&dump, &capture, true);
		topology_free(&dump);
		topology_free(&capture);
	}
}

static void plain_dump_matches(const char *path)
{
	char vv[PATH_MAX];
	size_t len = strlen(path), i;
	struct topology plain, decoded;
	int bar;

	if (len < 6 || strcmp(path + len - 6, ".lspci") != 0)
		return;
	snprintf(vv, sizeof(vv), "%.*s.vv.txt", (int)(len - 6), path);
	load_ok(path, &plain);
	load_ok(vv, &decoded);
	assert_same_machine(&plain, &decoded, false);
	for (i = 0; i < plain.nr_fns; i++)
		for (bar = 0; bar < TOPO_NR_BARS; bar++)
			assert_false(plain.fns[i].bars[bar].size_known);
	topology_free(&plain);
	topology_free(&decoded);
}

static void plain_dump_has_vv_config_bytes_but_no_sizes(void **state)
{
	(void)state;
	for_each_entry("lspci", plain_dump_matches);
}

static void firecracker_capture_equals_its_lspci_dump(void **state)
{
	struct topology capture, dump;

	(void)state;
	load_data("sysfs/firecracker-microvm", &capture);
	load_data("sysfs/firecracker-microvm/lspci-xxxx.txt", &dump);
	assert_same_machine(&capture, &dump, false);
	assert_int_equal(capture.fns[1].bars[0].kind, TOPO_BAR_MEM64_LO);
	assert_int_equal(capture.fns[1].bars[0].size_bytes, 512 * 1024);
	assert_int_equal(capture.fns[1].bars[1].kind, TOPO_BAR_MEM64_HI);
	topology_free(&capture);
	topology_free(&dump);
}

static void crlf_dump_loads_like_lf_dump(void **state)
{
	struct topology lf, crlf;

	(void)state;
	load_data("devices/pciutils__cap-pcie-2.lspci", &lf);
	load_data("model/cap-pcie-2-crlf.lspci", &crlf);
	assert_same_machine(&lf, &crlf, true);
	topology_free(&lf);
	topology_free(&crlf);
}

static void enhanced_allocation_virtual_regions_are_not_bars(void **state)
{
	struct topology topo;
	int bar;

	(void)state;
	load_data("devices/pciutils__cap-ea-1.lspci", &topo);
	for (bar = 0; bar < TOPO_NR_BARS; bar++)
		assert_int_equal(topo.fns[0].bars[bar].kind, TOPO_BAR_NONE);
	topology_free(&topo);
}

static void sriov_vf_regions_are_not_bars(void **state)
{
	struct topology topo;
	const struct topo_fn *fn;

	(void)state;
	load_data("devices/pciutils__cap-dvsec-cxl.lspci", &topo);
	fn = find_fn(&topo, "0000:6b:00.0");
	assert_int_equal(fn->bars[0].kind, TOPO_BAR_MEM32);
	assert_int_equal(fn->bars[0].size_bytes, 1 << 20);
	assert_int_equal(fn->bars[2].kind, TOPO_BAR_IO);
	assert_int_equal(fn->bars[2].size_bytes, 1024);
	assert_int_equal(fn->bars[4].kind, TOPO_BAR_MEM32);
	assert_true(fn->bars[4].prefetchable);
	assert_int_equal(fn->bars[4].size_bytes, 16 << 20);
	assert_int_equal(fn->bars[1].kind, TOPO_BAR_NONE);
	assert_int_equal(fn->bars[3].kind, TOPO_BAR_NONE);
	assert_int_equal(fn->bars[5].kind, TOPO_BAR_NONE);
	topology_free(&topo);
}

static void last_slot_64bit_bar_is_unimplemented_with_warning(void **state)
{
	struct topology topo;
	struct hwmodel hw;

	(void)state;
	load_data("model/last-slot-64bit.vv.txt", &topo);
	assert_int_equal(topo.fns[0].bars[5].kind, TOPO_BAR_NONE);
	assert_int_equal(topo.nr_warnings, 1);
	assert_non_null(strstr(topo.warnings[0].msg, "BAR 5"));
	assert_non_null(strstr(topo.warnings[0].msg, "last-slot-64bit.vv.txt:1"));
	assert_int_equal(hwmodel_init(&hw, &topo), 0);
	hwmodel_conf_write(&hw, topo.fns[0].sbdf, 0x24, 4, 0xffffffff);
	assert_int_equal(hwmodel_conf_read(&hw, topo.fns[0].sbdf, 0x24, 4), 0);
	hwmodel_free(&hw);
	topology_free(&topo);
}

/* ------------------------------------------------------ malformed input */

static const struct {
	const char *rel;
	const char *where; /* what the message must name */
} malformed[] = {
	{ "bad/truncated-config", "0000:00:01.0/config: only 40 bytes" },
	{ "bad/garbage-resource", "0000:00:01.0/resource:3: " },
	{ "bad/short-resource", "0000:00:01.0/resource:5: only 5 lines" },
	{ "bad/bad-sizes-tsv", "bad-sizes-tsv/sizes.tsv:2: " },
	{ "bad/short-row.lspci", "short-row.lspci:4: expected 16 hex bytes" },
	{ "bad/row-outside-function.lspci", "row-outside-function.lspci:1: " },
	{ "bad/bad-size.vv.txt", "bad-size.vv.txt:3: unreadable size" },
	{ "bad/no-header-rows.lspci", "no-header-rows.lspci:1: " },
	{ "bad/duplicate-function.lspci", "duplicate-function.lspci:19: " },
	{ "bad/device-out-of-range.lspci", "device-out-of-range.lspci:1: " },
	{ "bad/does-not-exist", "does-not-exist: No such file" },
};

static void malformed_inputs_fail_naming_file_and_line(void **state)
{
	struct topo_error err;
	struct topology topo;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(malformed) / sizeof(malformed[0]); i++) {
		memset(&err, 0, sizeof(err));
		assert_int_equal(topology_load(data_path(malformed[i].rel),
					       &topo, &err),
				 -1);
		if (!strstr(err.msg, malformed[i].where))
			fail_msg("%s: got \"%s\", want \"%s\"",
				 malformed[i].rel, err.msg, malformed[i].where);
		assert_null(strchr(err.msg, '\n'));
		assert_null(topo.fns);
	}
}

/* ------------------------------------------------------- hardware model */

struct model {
	struct topology topo;
	struct hwmodel hw;
};

static void model_load(struct model *m, const char *path)
{
	load_ok(path, &m->topo);
	assert_int_equal(hwmodel_init(&m->hw, &m->topo), 0);
}

static void model_free(struct model *m)
{
	hwmodel_free(&m->hw);
	topology_free(&m->topo);
}

static uint32_t rd(struct model *m, vpci_sbdf_t sbdf, unsigned int reg,
		   unsigned int size)
{
	return hwmodel_conf_read(&m->hw, sbdf, reg, size);
}

static void wr(struct model *m, vpci_sbdf_t sbdf, unsigned int reg,
	       unsigned int size, uint32_t val)
{
	hwmodel_conf_write(&m->hw, sbdf, reg, size, val);
}

/* Size a BAR the way firmware does and decode the answer. */
static uint64_t probe_size(struct model *m, vpci_sbdf_t sbdf,
			   const struct topo_fn *fn, unsigned int i)
{
	unsigned int off = topo_bar_offset(fn, i);
	enum topo_bar_kind kind = fn->bars[i].kind;
	uint32_t lo_before = rd(m, sbdf, off, 4), lo, hi = 0xffffffff;
	uint64_t mask;

	wr(m, sbdf, off, 4, 0xffffffff);
	lo = rd(m, sbdf, off, 4);
	if (kind == TOPO_BAR_MEM64_LO) {
		wr(m, sbdf, off + 4, 4, 0xffffffff);
		hi = rd(m, sbdf, off + 4, 4);
	}
	if (kind == TOPO_BAR_IO) {
		assert_int_equal(lo & 3, 1);
		mask = lo & ~3u;
	} else if (kind == TOPO_BAR_ROM) {
		assert_int_equal(lo & 1, 1); /* enable bit writable */
		mask = lo & ~0x7ffu;
	} else {
		assert_int_equal(lo & 0xf, lo_before & 0xf); /* type bits RO */
		mask = lo & ~0xfu;
	}
	mask |= (uint64_t)hi << 32;
	return ~mask + 1;
}

static void restore_bar(struct model *m, vpci_sbdf_t sbdf,
			const struct topo_fn *fn, unsigned int i)
{
	unsigned int off = topo_bar_offset(fn, i);
	uint64_t addr = fn->bars[i].addr;

	wr(m, sbdf, off, 4, (uint32_t)addr);
	if (fn->bars[i].kind == TOPO_BAR_MEM64_LO)
		wr(m, sbdf, off + 4, 4, (uint32_t)(addr >> 32));
}

static void every_sized_bar_answers_probe(const char *path)
{
	struct model m;
	size_t f;
	unsigned int i, off;

	model_load(&m, path);
	for (f = 0; f < m.topo.nr_fns; f++) {
		const struct topo_fn *fn = &m.topo.fns[f];

		for (i = 0; i < TOPO_NR_BARS; i++) {
			const struct topo_bar *bar = &fn->bars[i];

			if (!bar->size_known || bar->kind == TOPO_BAR_MEM64_HI)
				continue;
			if (probe_size(&m, fn->sbdf, fn, i) != bar->size_bytes)
				fail_msg("%s: %x BAR %u", path, fn->sbdf, i);
			restore_bar(&m, fn->sbdf, fn, i);
			off = topo_bar_offset(fn, i);
			assert_int_equal(rd(&m, fn->sbdf, off, 4) & ~0xfu,
					 (uint32_t)bar->addr & ~0xfu);
		}
	}
	model_free(&m);
}

static void sizing_probe_returns_real_size_for_every_sized_bar(void **state)
{
	(void)state;
	for_each_topology(every_sized_bar_answers_probe);
}

static void captured_bytes_outside_bars(const char *path)
{
	struct model m;
	size_t f;
	unsigned int reg;

	model_load(&m, path);
	for (f = 0; f < m.topo.nr_fns; f++) {
		const struct topo_fn *fn = &m.topo.fns[f];

		for (reg = 0; reg < fn->config_len; reg += 4) {
			uint32_t want = (uint32_t)fn->config[reg] |
					(uint32_t)fn->config[reg + 1] << 8 |
					(uint32_t)fn->config[reg + 2] << 16 |
					(uint32_t)fn->config[reg + 3] << 24;

			if (reg >= 0x10 && reg < 0x40)
				continue; /* BARs, ROM, subsystem: BAR rules */
			assert_int_equal(rd(&m, fn->sbdf, reg, 4), want);
		}
	}
	model_free(&m);
}

static void model_reads_captured_bytes(void **state)
{
	(void)state;
	for_each_topology(captured_bytes_outside_bars);
}

static void unknown_size_bars_read_zero_and_ignore_writes(void **state)
{
	struct model m;
	size_t f;
	unsigned int i, checked = 0;

	(void)state;
	model_load(&m, data_path("lspci/MrArtemSid__huananzhi_x99-QD4.lspci"));
	for (f = 0; f < m.topo.nr_fns; f++) {
		const struct topo_fn *fn = &m.topo.fns[f];

		for (i = 0; i < TOPO_NR_BARS; i++) {
			unsigned int off = topo_bar_offset(fn, i);

			if (!off)
				continue;
			assert_int_equal(rd(&m, fn->sbdf, off, 4), 0);
			wr(&m, fn->sbdf, off, 4, 0xffffffff);
			assert_int_equal(rd(&m, fn->sbdf, off, 4), 0);
			checked += fn->bars[i].kind != TOPO_BAR_NONE;
		}
	}
	assert_true(checked >= 19); /* the BARs the -vv form sizes, at least */
	model_free(&m);
}

static void status_error_bits_are_write_one_to_clear(void **state)
{
	struct model m;
	vpci_sbdf_t sbdf;

	(void)state;
	model_load(&m, data_path("model/status-errors.vv.txt"));
	sbdf = m.topo.fns[0].sbdf;
	assert_int_equal(rd(&m, sbdf, 0x06, 2), 0xf910);
	wr(&m, sbdf, 0x06, 2, 0x0000);
	assert_int_equal(rd(&m, sbdf, 0x06, 2), 0xf910);
	wr(&m, sbdf, 0x06, 2, 0x2000); /* received master abort */
	assert_int_equal(rd(&m, sbdf, 0x06, 2), 0xd910);
	wr(&m, sbdf, 0x04, 4, 0xffff0000); /* dword write, command gets 0 */
	assert_int_equal(rd(&m, sbdf, 0x06, 2), 0x0010);
	assert_int_equal(rd(&m, sbdf, 0x04, 2), 0);
	model_free(&m);
}

static void command_register_writes_only_decode_and_error_bits(void **state)
{
	struct model m;
	vpci_sbdf_t sbdf;

	(void)state;
	model_load(&m, data_path("sysfs/firecracker-microvm"));
	sbdf = VPCI_SBDF(0, 0, 1, 0);
	wr(&m, sbdf, 0x04, 2, 0xffff);
	assert_int_equal(rd(&m, sbdf, 0x04, 2), 0x0547);
	wr(&m, sbdf, 0x04, 2, 0);
	assert_int_equal(rd(&m, sbdf, 0x04, 2), 0);
	model_free(&m);
}

static void identity_registers_are_read_only(void **state)
{
	struct model m;
	vpci_sbdf_t sbdf = VPCI_SBDF(0, 0, 2, 0);
	static const unsigned int regs[] = { 0x00, 0x08, 0x0c, 0x2c, 0x34 };
	uint32_t before[5];
	size_t i;

	(void)state;
	model_load(&m, data_path("sysfs/firecracker-microvm"));
	for (i = 0; i < 5; i++) {
		before[i] = rd(&m, sbdf, regs[i], 4);
		wr(&m, sbdf, regs[i], 4, 0);
	}
	assert_int_equal(rd(&m, sbdf, 0x00, 4), before[0]);
	assert_int_equal(rd(&m, sbdf, 0x08, 4), before[1]);
	/* 0x0c: cache line and latency are writable, header type is not */
	assert_int_equal(rd(&m, sbdf, 0x0c, 4), before[2] & 0xffff0000);
	assert_int_equal(rd(&m, sbdf, 0x2c, 4), before[3]);
	assert_int_equal(rd(&m, sbdf, 0x34, 4), before[4]);
	wr(&m, sbdf, 0x3c, 1, 0x5a); /* interrupt line */
	assert_int_equal(rd(&m, sbdf, 0x3c, 1), 0x5a);
	model_free(&m);
}

static void missing_function_reads_all_ones_and_drops_writes(void **state)
{
	struct model m;
	vpci_sbdf_t absent = VPCI_SBDF(0, 0, 7, 0);

	(void)state;
	model_load(&m, data_path("sysfs/firecracker-microvm"));
	assert_int_equal(rd(&m, absent, 0, 4), 0xffffffff);
	assert_int_equal(rd(&m, absent, 2, 2), 0xffff);
	assert_int_equal(rd(&m, absent, 3, 1), 0xff);
	wr(&m, absent, 0x04, 2, 0x0006);
	assert_int_equal(rd(&m, absent, 0x04, 2), 0xffff);
	model_free(&m);
}

static void bad_accesses_read_all_ones_and_change_nothing(void **state)
{
	struct model m;
	vpci_sbdf_t sbdf = VPCI_SBDF(0, 0, 0, 0);
	uint32_t dword0;

	(void)state;
	model_load(&m, data_path("sysfs/firecracker-microvm"));
	dword0 = rd(&m, sbdf, 0, 4);
	assert_int_equal(rd(&m, sbdf, 0, 3), 0xffffffff);
	assert_int_equal(rd(&m, sbdf, 0, 0), 0xffffffff);
	assert_int_equal(rd(&m, sbdf, 0, 8), 0xffffffff);
	assert_int_equal(rd(&m, sbdf, 1, 2), 0xffff);
	assert_int_equal(rd(&m, sbdf, 2, 4), 0xffffffff);
	assert_int_equal(rd(&m, sbdf, 4096, 1), 0xff);
	assert_int_equal(rd(&m, sbdf, 4092, 4), 0);
	assert_int_equal(rd(&m, sbdf, 0xfffffffc, 4), 0xffffffff);
	wr(&m, sbdf, 1, 2, 0);
	wr(&m, sbdf, 0x40, 3, 0);
	wr(&m, sbdf, 0xfffffffc, 4, 0);
	assert_int_equal(rd(&m, sbdf, 0, 4), dword0);
	model_free(&m);
}

static void extended_space_beyond_capture_depends_on_pcie(void **state)
{
	struct model m;
	const struct topo_fn *pcie = NULL;
	size_t f;

	(void)state;
	model_load(&m, data_path("sysfs/3mdeb__openpower-talos2"));
	for (f = 0; f < m.topo.nr_fns && !pcie; f++)
		if (topo_fn_is_pcie(&m.topo.fns[f]))
			pcie = &m.topo.fns[f];
	assert_non_null(pcie);
	assert_int_equal(pcie->config_len, 256);
	assert_int_equal(rd(&m, pcie->sbdf, 0x100, 4), 0); /* empty list */
	wr(&m, pcie->sbdf, 0x100, 4, 0x12345678);
	assert_int_equal(rd(&m, pcie->sbdf, 0x100, 4), 0);
	model_free(&m);

	/* virtio on firecracker: conventional PCI, 256 bytes */
	model_load(&m, data_path("sysfs/firecracker-microvm"));
	assert_false(topo_fn_is_pcie(&m.topo.fns[1]));
	assert_int_equal(rd(&m, m.topo.fns[1].sbdf, 0x100, 4), 0xffffffff);
	assert_int_equal(rd(&m, m.topo.fns[1].sbdf, 0xffc, 2), 0xffff);
	model_free(&m);

	/* a 4096-byte capture answers its own extended capabilities */
	model_load(&m, data_path("sysfs/MrArtemSid__huananzhi_x99-QD4"));
	assert_int_equal(rd(&m, VPCI_SBDF(0, 0, 0, 0), 0x100, 4), 0x1441000b);
	model_free(&m);
}

static void capability_headers_read_only_bodies_latch(void **state)
{
	struct model m;
	vpci_sbdf_t sbdf = VPCI_SBDF(0, 0, 1, 0);
	uint16_t hdr;

	(void)state;
	model_load(&m, data_path("sysfs/firecracker-microvm"));
	hdr = (uint16_t)rd(&m, sbdf, 0x40, 2); /* vendor-specific cap */
	wr(&m, sbdf, 0x40, 2, 0xffff);
	assert_int_equal(rd(&m, sbdf, 0x40, 2), hdr);
	wr(&m, sbdf, 0x44, 4, 0xa5a55a5a); /* its body: a latch */
	assert_int_equal(rd(&m, sbdf, 0x44, 4), 0xa5a55a5a);
	model_free(&m);
}

static void msix_table_location_read_only_control_bits_writable(void **state)
{
	struct model m;
	vpci_sbdf_t sbdf = VPCI_SBDF(0, 0, 1, 0);
	uint32_t table, ctrl;

	(void)state;
	model_load(&m, data_path("sysfs/firecracker-microvm"));
	assert_int_equal(rd(&m, sbdf, 0x98, 1), 0x11); /* MSI-X at 0x98 */
	table = rd(&m, sbdf, 0x9c, 4);
	ctrl = rd(&m, sbdf, 0x9a, 2);
	wr(&m, sbdf, 0x9c, 4, 0);
	assert_int_equal(rd(&m, sbdf, 0x9c, 4), table);
	wr(&m, sbdf, 0x9a, 2, 0x4000); /* function mask on, enable off */
	assert_int_equal(rd(&m, sbdf, 0x9a, 2), (ctrl & 0x07ff) | 0x4000);
	model_free(&m);
}

static void bridge_bus_numbers_are_writable(void **state)
{
	struct model m;
	const struct topo_fn *bridge = NULL;
	size_t f;

	(void)state;
	model_load(&m, data_path("sysfs/MrArtemSid__huananzhi_x99-QD4"));
	for (f = 0; f < m.topo.nr_fns && !bridge; f++)
		if ((m.topo.fns[f].config[0x0e] & 0x7f) == 1)
			bridge = &m.topo.fns[f];
	assert_non_null(bridge);
	wr(&m, bridge->sbdf, 0x18, 4, 0x00302010);
	assert_int_equal(rd(&m, bridge->sbdf, 0x18, 4), 0x00302010);
	model_free(&m);
}

/* ------------------------------------------------------------ capture */

static int remove_entry(const char *path, const struct stat *st, int flag,
			struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static void remove_tree(const char *dir)
{
	nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static void capture_of_capture_directory_is_identical(void **state)
{
	char tmp[] = "/tmp/vpci-harness-test-XXXXXX", out[PATH_MAX];
	struct topology src, copy;
	struct topo_error err;

	(void)state;
	assert_non_null(mkdtemp(tmp));
	snprintf(out, sizeof(out), "%s/nested/capture", tmp);
	if (capture_live(data_path("sysfs/MrArtemSid__huananzhi_x99-QD4"), out,
			 &err, NULL) != 0)
		fail_msg("%s", err.msg);
	load_data("sysfs/MrArtemSid__huananzhi_x99-QD4", &src);
	load_ok(out, &copy);
	assert_same_machine(&src, &copy, true);
	topology_free(&src);
	topology_free(&copy);
	remove_tree(tmp);
}

static void capture_of_live_host_loads_or_says_none_found(void **state)
{
	char tmp[] = "/tmp/vpci-harness-test-XXXXXX";
	struct topology topo;
	struct topo_error err;

	(void)state;
	assert_non_null(mkdtemp(tmp));
	if (capture_live(NULL, tmp, &err, NULL) != 0) {
		remove_tree(tmp);
		if (!strstr(err.msg, "no PCI functions found"))
			fail_msg("%s", err.msg);
		skip();
	}
	load_ok(tmp, &topo);
	assert_true(topo.nr_fns > 0);
	topology_free(&topo);
	remove_tree(tmp);
}

static void capture_of_empty_directory_says_none_found(void **state)
{
	char tmp[] = "/tmp/vpci-harness-test-XXXXXX", out[PATH_MAX];
	struct topo_error err;

	(void)state;
	assert_non_null(mkdtemp(tmp));
	snprintf(out, sizeof(out), "%s/out", tmp);
	assert_int_equal(capture_live(tmp, out, &err, NULL), -1);
	assert_non_null(strstr(err.msg, "no PCI functions found"));
	remove_tree(tmp);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_topology_in_data_loads),
		cmocka_unit_test(
			real_topologies_have_lspci_function_counts_and_no_warnings),
		cmocka_unit_test(
			topology_find_returns_each_function_and_null_for_others),
		cmocka_unit_test(capture_bar_sizes_equal_sizes_tsv),
		cmocka_unit_test(vv_dump_sizes_agree_with_capture_of_same_machine),
		cmocka_unit_test(plain_dump_has_vv_config_bytes_but_no_sizes),
		cmocka_unit_test(firecracker_capture_equals_its_lspci_dump),
		cmocka_unit_test(crlf_dump_loads_like_lf_dump),
		cmocka_unit_test(enhanced_allocation_virtual_regions_are_not_bars),
		cmocka_unit_test(sriov_vf_regions_are_not_bars),
		cmocka_unit_test(last_slot_64bit_bar_is_unimplemented_with_warning),
		cmocka_unit_test(malformed_inputs_fail_naming_file_and_line),
		cmocka_unit_test(sizing_probe_returns_real_size_for_every_sized_bar),
		cmocka_unit_test(model_reads_captured_bytes),
		cmocka_unit_test(unknown_size_bars_read_zero_and_ignore_writes),
		cmocka_unit_test(status_error_bits_are_write_one_to_clear),
		cmocka_unit_test(
			command_register_writes_only_decode_and_error_bits),
		cmocka_unit_test(identity_registers_are_read_only),
		cmocka_unit_test(
			missing_function_reads_all_ones_and_drops_writes),
		cmocka_unit_test(bad_accesses_read_all_ones_and_change_nothing),
		cmocka_unit_test(extended_space_beyond_capture_depends_on_pcie),
		cmocka_unit_test(capability_headers_read_only_bodies_latch),
		cmocka_unit_test(
			msix_table_location_read_only_control_bits_writable),
		cmocka_unit_test(bridge_bus_numbers_are_writable),
		cmocka_unit_test(capture_of_capture_directory_is_identical),
		cmocka_unit_test(capture_of_live_host_loads_or_says_none_found),
		cmocka_unit_test(capture_of_empty_directory_says_none_found),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
