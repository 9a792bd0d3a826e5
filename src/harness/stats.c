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

#include "output.h"

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

/* "1.5 GiB" style, exact bytes beside it where it matters. */
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
	if (u == 0)
		fprintf(out, "%" PRIu64 " B", bytes);
	else
		fprintf(out, "%" PRIu64 " bytes (%.4g %s)", bytes, v, units[u]);
}

static unsigned int header_type(const struct topo_fn *fn)
{
	return fn->config[0x0e] & 0x7fu;
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

	if (!(fn->config[0x04] & 0x02) || !bar->size_known || !bar->addr ||
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
	char a[TOPO_SBDF_STRLEN], b[TOPO_SBDF_STRLEN];

	fprintf(out,
		"overlap: %s BAR%u [0x%" PRIx64 "-0x%" PRIx64 "] and %s BAR%u "
		"[0x%" PRIx64 "-0x%" PRIx64 "]\n",
		topo_sbdf_str(x->sbdf, a), x->bar, x->start, x->end,
		topo_sbdf_str(y->sbdf, b), y->bar, y->start, y->end);
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

static void print_summary(const struct session *s, const struct topology *topo,
			  FILE *out)
{
	struct bar_totals t = {{0}, {0}, {0}, 0};
	size_t i, nr_type[3] = {0}, nr_other = 0, nr_pcie = 0, nr_assign = 0;
	size_t nr_hidden = 0, nr_ro = 0;
	char name[TOPO_SBDF_STRLEN];
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
	print_overlaps(topo, out);
	for (i = 0; i < topo->nr_fns; i++)
		nr_assign += assignable(s, &topo->fns[i]);
	fprintf(out, "assignable to a guest: %zu\n", nr_assign);
	for (i = 0; i < topo->nr_fns; i++) {
		const struct topo_fn *fn = &topo->fns[i];
		const uint8_t *c = fn->config;

		if (!assignable(s, fn))
			continue;
		fprintf(out, "  %s %02x%02x: %02x%02x:%02x%02x\n",
			topo_sbdf_str(fn->sbdf, name), c[0x0b], c[0x0a], c[1],
			c[0], c[3], c[2]);
	}
}
