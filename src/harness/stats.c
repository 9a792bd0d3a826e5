/* SPDX-License-Identifier: MIT */
/*
 * `vpci-harness stats`: a short summary of a topology — functions by kind,
 * BARs by kind with their total size, hidden/read-only counts, decoding
 * memory BARs whose captured addresses overlap, and which functions a
 * guest could be given. It describes the captured data (topology and session
 * marks), not a domain's view: that is what dump and export-sysfs are for.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "stats.h"
#include "topology_internal.h" /* IORESOURCE_* */
#include "text.h"
#include "vpci/pci_regs.h"

enum stat_kind { K_MEM32, K_MEM64, K_IO, K_ROM, NR_KINDS };

static const char *const kind_names[NR_KINDS] = {
	[K_MEM32] = "mem32",
	[K_MEM64] = "mem64",
	[K_IO] = "io",
	[K_ROM] = "rom",
};

struct bar_totals {
	size_t nr[NR_KINDS];
	size_t nr_prefetchable[NR_KINDS];
	uint64_t size_bytes[NR_KINDS];
	size_t nr_unknown;
};

static bool stat_kind_of(enum topo_bar_kind kind, enum stat_kind *out)
{
	switch (kind) {
	case TOPO_BAR_MEM32:
		*out = K_MEM32;
		return true;
	case TOPO_BAR_MEM64_LO:
		*out = K_MEM64;
		return true;
	case TOPO_BAR_IO:
		*out = K_IO;
		return true;
	case TOPO_BAR_ROM:
		*out = K_ROM;
		return true;
	default:
		return false;
	}
}

static void count_bars(const struct topology *topo, struct bar_totals *t)
{
	enum stat_kind k;
	size_t i;
	unsigned int b;

	for (i = 0; i < topo->nr_fns; i++)
		for (b = 0; b < TOPO_NR_BARS; b++) {
			const struct topo_bar *bar = &topo->fns[i].bars[b];

			if (!stat_kind_of(bar->kind, &k))
				continue;
			t->nr[k]++;
			t->nr_prefetchable[k] += bar->prefetchable;
			if (bar->size_known)
				t->size_bytes[k] += bar->size_bytes;
			else
				t->nr_unknown++;
		}
}

/* Every size one way: "0 B", "512 B", "4 KiB", "2.5 MiB" (binary
 * units, at most four significant digits). */
static void print_size(FILE *out, uint64_t bytes)
{
	static const char *const units[] = {"B",   "KiB", "MiB", "GiB",
					    "TiB", "PiB", "EiB"};
	unsigned int u = 0;
	double v = (double)bytes;

	while (v >= 1024.0 && u + 1 < sizeof(units) / sizeof(units[0])) {
		v /= 1024.0;
		u++;
	}
	fprintf(out, "%.4g %s", v, units[u]);
}

static unsigned int header_type(const struct topo_fn *fn)
{
	return fn->config[VPCI_REG_HEADER_TYPE] & VPCI_HEADER_TYPE_MASK;
}

/* Type 0 and not hidden: what vpci_assign_device() could take. */
static bool assignable(const struct session *s, const struct topo_fn *fn)
{
	return header_type(fn) == 0 &&
	       !vpci_device_is_hidden(s->host, fn->sbdf);
}

/* A decoding memory BAR as a range, for the overlap check. */
struct mem_range {
	uint64_t start, end;
	vpci_sbdf_t sbdf;
	unsigned int bar;
};

/*
 * Only BARs that decode count: memory space enabled in the captured
 * command register, size known, address assigned. What a hypervisor maps
 * for the hardware domain is exactly these.
 */
static bool bar_range(const struct topo_fn *fn, unsigned int b,
		      struct mem_range *r)
{
	const struct topo_bar *bar = &fn->bars[b];

	if (!(fn->config[VPCI_REG_COMMAND] & VPCI_CMD_MEMORY) || !bar->size_known || !bar->addr ||
	    (bar->kind != TOPO_BAR_MEM32 && bar->kind != TOPO_BAR_MEM64_LO))
		return false;
	r->start = bar->addr;
	r->end = bar->addr + bar->size_bytes - 1;
	r->sbdf = fn->sbdf;
	r->bar = b;
	return r->end >= r->start;
}

/* By segment, then start address. */
static int range_cmp(const void *a, const void *b)
{
	const struct mem_range *x = a, *y = b;
	uint32_t sx = VPCI_SBDF_SEG(x->sbdf), sy = VPCI_SBDF_SEG(y->sbdf);

	if (sx != sy)
		return sx < sy ? -1 : 1;
	return (x->start > y->start) - (x->start < y->start);
}

static void print_overlap(FILE *out, const struct mem_range *x,
			  const struct mem_range *y)
{
	char a[TEXT_SBDF_STRLEN], b[TEXT_SBDF_STRLEN];

	fprintf(out,
		"overlap: %s BAR%u [0x%" PRIx64 "-0x%" PRIx64 "] and %s BAR%u "
		"[0x%" PRIx64 "-0x%" PRIx64 "]\n",
		text_sbdf_str(x->sbdf, a), x->bar, x->start, x->end,
		text_sbdf_str(y->sbdf, b), y->bar, y->start, y->end);
}

/*
 * Pairs of decoding memory BARs whose captured addresses overlap within
 * one segment (each segment has its own host bridge and bus address
 * space): what a hypervisor mapping both would trip over.
 */
static void print_overlaps(const struct topology *topo, FILE *out)
{
	struct mem_range *r =
		calloc(topo->nr_fns * TOPO_NR_BARS + 1, sizeof(*r));
	size_t i, j, n = 0, nr = 0;
	unsigned int b;

	if (!r) {
		fprintf(out, "overlapping memory BARs: (out of memory)\n");
		return;
	}
	for (i = 0; i < topo->nr_fns; i++)
		for (b = 0; b < TOPO_NR_BARS; b++)
			n += bar_range(&topo->fns[i], b, &r[n]);
	qsort(r, n, sizeof(*r), range_cmp);
	for (i = 0; i < n; i++)
		for (j = i + 1;
		     j < n && r[j].start <= r[i].end &&
		     VPCI_SBDF_SEG(r[j].sbdf) == VPCI_SBDF_SEG(r[i].sbdf);
		     j++, nr++)
			print_overlap(out, &r[i], &r[j]);
	fprintf(out, "overlapping memory BARs: %zu\n", nr);
	free(r);
}

/* ------------------------------------------- what the capture recorded */

/* Distinct names in order of first appearance, with counts. */
struct name_count {
	const char *name;
	size_t nr;
};

static void print_drivers(const struct topology *topo, FILE *out)
{
	struct name_count *c = calloc(topo->nr_fns + 1, sizeof(*c));
	size_t i, j, n = 0, bound = 0;

	if (!c)
		return;
	for (i = 0; i < topo->nr_fns; i++) {
		const char *d = topo->fns[i].attrs.driver;

		if (!*d)
			continue;
		bound++;
		for (j = 0; j < n && strcmp(c[j].name, d); j++)
			;
		if (j == n)
			c[n++].name = d;
		c[j].nr++;
	}
	fprintf(out, "drivers: %zu of %zu functions bound", bound,
		topo->nr_fns);
	for (j = 0; j < n; j++)
		fprintf(out, "%s%s %zu", j ? ", " : " (", c[j].name, c[j].nr);
	fprintf(out, "%s\n", n ? ")" : "");
	free(c);
}

static int uint_cmp(const void *a, const void *b)
{
	unsigned int x = *(const unsigned int *)a, y = *(const unsigned int *)b;

	return (x > y) - (x < y);
}

static void print_groups_and_nodes(const struct topology *topo, FILE *out)
{
	unsigned int *v = calloc(topo->nr_fns + 1, sizeof(*v));
	size_t i, n = 0, nr_distinct = 0, with_node = 0;

	if (!v)
		return;
	for (i = 0; i < topo->nr_fns; i++)
		if (topo->fns[i].attrs.has_iommu_group)
			v[n++] = topo->fns[i].attrs.iommu_group;
	qsort(v, n, sizeof(*v), uint_cmp);
	for (i = 0; i < n; i++)
		nr_distinct += i == 0 || v[i] != v[i - 1];
	fprintf(out, "iommu groups: %zu (%zu functions in one)\n", nr_distinct,
		n);
	n = 0;
	for (i = 0; i < topo->nr_fns; i++) {
		if (!topo->fns[i].attrs.has_numa_node)
			continue;
		with_node++;
		if (topo->fns[i].attrs.numa_node >= 0)
			v[n++] = (unsigned int)topo->fns[i].attrs.numa_node;
	}
	qsort(v, n, sizeof(*v), uint_cmp);
	fprintf(out, "numa nodes:");
	for (i = 0; i < n; i++)
		if (i == 0 || v[i] != v[i - 1])
			fprintf(out, " %u", v[i]);
	fprintf(out, "%s (%zu functions recorded, %zu without a node)\n",
		n ? "" : " none", with_node, with_node - n);
	free(v);
}

/* The hardware model's SR-IOV PF at sbdf, if any. */
static const struct hwmodel_pf *model_pf(const struct session *s,
					 vpci_sbdf_t sbdf)
{
	size_t i;

	for (i = 0; i < s->hw.nr_pfs; i++)
		if (s->hw.pfs[i].sbdf == sbdf)
			return &s->hw.pfs[i];
	return NULL;
}

static unsigned int cfg16(const uint8_t *c, unsigned int off)
{
	return c[off] | (unsigned int)c[off + 1] << 8;
}

/*
 * SR-IOV physical functions: from the capture's sriov_* files, or from
 * the SR-IOV capability in config space (an lspci dump has no files).
 * VF BAR space is what every VF BAR needs for TotalVFs VFs, each VF's
 * BAR at least the System Page Size, as the hardware model sizes them.
 */
static void print_sriov(const struct session *s, const struct topology *topo,
			FILE *out)
{
	size_t i, nr_pf = 0, nr_vf = 0, nr_bars = 0;
	unsigned long total = 0, enabled = 0;
	uint64_t space = 0;
	unsigned int b;

	for (i = 0; i < topo->nr_fns; i++) {
		const struct topo_fn *fn = &topo->fns[i];
		const struct topo_attrs *a = &fn->attrs;
		const struct hwmodel_pf *pf = model_pf(s, fn->sbdf);
		unsigned int vfs;

		nr_vf += a->is_vf;
		if (!a->is_pf && !pf)
			continue;
		nr_pf++;
		vfs = a->is_pf ? a->sriov_totalvfs
			       : cfg16(fn->config, pf->pos + VPCI_SRIOV_TOTAL_VFS);
		total += vfs;
		if (a->is_pf) {
			enabled += a->sriov_numvfs;
		} else {
			/* As the hardware holds it now (--vfs). */
			const uint8_t *c = hwmodel_find(&s->hw, fn->sbdf)->cfg;

			if (cfg16(c, pf->pos + VPCI_SRIOV_CTRL) &
			    VPCI_SRIOV_CTRL_VFE)
				enabled += cfg16(c, pf->pos + VPCI_SRIOV_NUM_VFS);
		}
		for (b = 0; pf && b < 6; b++) {
			uint64_t sps = cfg16(fn->config, pf->pos + VPCI_SRIOV_SYS_PGSIZE);
			uint64_t page = sps && !(sps & (sps - 1u)) ? 4096u * sps
								  : 4096u;

			if (!pf->bar_bytes[b])
				continue;
			nr_bars++;
			space += (pf->bar_bytes[b] > page ? pf->bar_bytes[b]
							  : page) *
				 vfs;
		}
	}
	fprintf(out,
		"sr-iov: %zu physical functions (VFs enabled %lu of %lu), "
		"%zu virtual functions\n",
		nr_pf, enabled, total, nr_vf);
	if (!nr_bars)
		return;
	fprintf(out, "sr-iov vf bars: %zu, total ", nr_bars);
	print_size(out, space);
	fprintf(out, " for TotalVFs VFs\n");
}

/* Bridge windows from the resource files' lines 13-16. */
static void print_windows(const struct topology *topo, FILE *out)
{
	static const char *const names[] = {"io", "mem", "prefetchable"};
	uint64_t size[3] = {0, 0, 0};
	size_t nr[3] = {0, 0, 0}, i;
	unsigned int l, k;

	for (i = 0; i < topo->nr_fns; i++) {
		const struct topo_attrs *a = &topo->fns[i].attrs;

		for (l = TOPO_FIRST_WINDOW; l < a->nr_resources; l++) {
			const uint64_t *r = a->resource[l];

			if (!r[1])
				continue;
			k = r[2] & IORESOURCE_IO	 ? 0
			    : r[2] & IORESOURCE_PREFETCH ? 2
							 : 1;
			nr[k]++;
			size[k] += r[1] - r[0] + 1;
		}
	}
	fprintf(out, "bridge windows:");
	for (k = 0; k < 3; k++) {
		fprintf(out, "%s %s %zu (", k ? "," : "", names[k], nr[k]);
		print_size(out, size[k]);
		fputc(')', out);
	}
	fputc('\n', out);
}

static int selected(const struct session *s, struct topology *shown);
static void print_summary(const struct session *s, const struct topology *topo,
			  FILE *out);

void stats_print(const struct session *s, FILE *out)
{
	struct topology shown;

	/* -s/-d: the summary of the chosen functions only (host SBDFs). */
	if (selected(s, &shown)) {
		fprintf(out, "out of memory\n");
		return;
	}
	print_summary(s, &shown, out);
	free(shown.fns);
}

static int selected(const struct session *s, struct topology *shown)
{
	size_t i;

	*shown = s->topo;
	shown->fns = malloc((s->topo.nr_fns + 1) * sizeof(*shown->fns));
	if (!shown->fns)
		return -1;
	shown->nr_fns = 0;
	for (i = 0; i < s->topo.nr_fns; i++)
		if (selector_match(&s->select, s->topo.fns[i].sbdf,
				   s->topo.fns[i].config))
			shown->fns[shown->nr_fns++] = s->topo.fns[i];
	return 0;
}

/*
 * A function's Vendor and Device IDs. A VF's own registers read 0xffff
 * (SR-IOV 1.1, 3.4.1.1 and 3.4.1.2): it is known by its PF's Vendor ID
 * and the VF Device ID in the PF's SR-IOV capability, as Linux shows it.
 */
static void fn_ids(const struct session *s, const struct topology *topo,
		   const struct topo_fn *fn, unsigned int *vendor,
		   unsigned int *device)
{
	const struct topo_fn *pf_fn = NULL;
	const struct hwmodel_pf *pf = NULL;

	if (fn->attrs.is_vf) {
		pf_fn = topology_find(topo, fn->attrs.physfn);
		pf = model_pf(s, fn->attrs.physfn);
	}
	if (pf_fn && pf) {
		*vendor = cfg16(pf_fn->config, VPCI_REG_VENDOR_ID);
		*device = cfg16(pf_fn->config, pf->pos + VPCI_SRIOV_VF_DID);
	} else {
		*vendor = cfg16(fn->config, VPCI_REG_VENDOR_ID);
		*device = cfg16(fn->config, VPCI_REG_DEVICE_ID);
	}
}

static void print_summary(const struct session *s, const struct topology *topo,
			  FILE *out)
{
	struct bar_totals t = {{0}, {0}, {0}, 0};
	size_t i, nr_type[3] = {0}, nr_other = 0, nr_pcie = 0, nr_assign = 0;
	size_t nr_hidden = 0, nr_ro = 0;
	char name[TEXT_SBDF_STRLEN];
	unsigned int k;

	for (i = 0; i < topo->nr_fns; i++) {
		unsigned int type = header_type(&topo->fns[i]);

		if (type < 3)
			nr_type[type]++;
		else
			nr_other++;
		nr_pcie += topo_fn_is_pcie(&topo->fns[i]);
	}
	count_bars(topo, &t);
	fprintf(out, "topology: %s\n", topo->source);
	fprintf(out,
		"functions: %zu (endpoints %zu, bridges %zu, cardbus %zu, "
		"other %zu; PCI Express %zu)\n",
		topo->nr_fns, nr_type[0], nr_type[1], nr_type[2], nr_other,
		nr_pcie);
	for (k = 0; k < NR_KINDS; k++) {
		fprintf(out, "bars %s: %zu (prefetchable %zu), total ",
			kind_names[k], t.nr[k], t.nr_prefetchable[k]);
		print_size(out, t.size_bytes[k]);
		fputc('\n', out);
	}
	fprintf(out, "bars with unknown size: %zu\n", t.nr_unknown);
	for (i = 0; i < topo->nr_fns; i++) {
		nr_hidden += vpci_device_is_hidden(s->host, topo->fns[i].sbdf);
		nr_ro += vpci_device_is_readonly(s->host, topo->fns[i].sbdf);
	}
	/* Read-only functions are hidden ones too (DESIGN.md section 2). */
	fprintf(out, "hidden: %zu (read-only %zu)\n", nr_hidden, nr_ro);
	print_windows(topo, out);
	print_drivers(topo, out);
	print_groups_and_nodes(topo, out);
	print_sriov(s, topo, out);
	print_overlaps(topo, out);
	for (i = 0; i < topo->nr_fns; i++)
		nr_assign += assignable(s, &topo->fns[i]);
	fprintf(out, "assignable to a guest: %zu\n", nr_assign);
	for (i = 0; i < topo->nr_fns; i++) {
		const struct topo_fn *fn = &topo->fns[i];
		const uint8_t *c = fn->config;
		unsigned int vendor, device;

		if (!assignable(s, fn))
			continue;
		fn_ids(s, topo, fn, &vendor, &device);
		fprintf(out, "  %s %02x%02x: %04x:%04x\n",
			text_sbdf_str(fn->sbdf, name), c[VPCI_REG_CLASS_DEVICE + 1],
			c[VPCI_REG_CLASS_DEVICE], vendor, device);
	}
}
