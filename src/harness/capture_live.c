/* SPDX-License-Identifier: MIT */
/*
 * Taking a capture of a running machine (or re-shaping a copied sysfs
 * tree): enumerate the functions, copy their sysfs files into
 * OUTDIR/devices/SSSS:BB:DD.F/, cross-check what libpciaccess decoded from
 * config against the kernel's resource file, and load the result back.
 * Copying one function's files is capture_copy.c; reading captures is
 * capture_read.c.
 */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <pciaccess.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "loader.h"
#include "capture_live.h"
#include "capture_copy.h"
#include "topology_internal.h"
#include "text.h"

/* What libpciaccess decoded for one BAR, kept past pci_system_cleanup(). */
struct live_region {
	uint64_t size;
	bool is_io, is_64, is_prefetchable;
};

struct live_fn {
	char name[TEXT_SBDF_STRLEN];
	bool probed; /* regions/rom_size valid (live host only) */
	struct live_region regions[6];
	uint64_t rom_size;
};

struct live_list {
	struct live_fn *fns;
	size_t nr;
};

/* ----------------------------------------------------------- enumerate */

static struct live_fn *list_add(struct live_list *list, const char *name,
				struct topo_error *err)
{
	size_t len = strnlen(name, sizeof(list->fns->name));
	struct live_fn *grown;

	/* Callers pass parsed SBDF strings; say so rather than truncate. */
	if (len == sizeof(list->fns->name)) {
		topo_set_error(err, "%s: not an SBDF", name);
		return NULL;
	}
	grown = realloc(list->fns, (list->nr + 1) * sizeof(*grown));
	if (!grown) {
		topo_set_error(err, "out of memory");
		return NULL;
	}
	list->fns = grown;
	memset(&grown[list->nr], 0, sizeof(*grown));
	memcpy(grown[list->nr].name, name, len + 1);
	return &grown[list->nr++];
}

static void record_regions(struct live_fn *fn, const struct pci_device *dev)
{
	unsigned int i;

	fn->probed = true;
	for (i = 0; i < 6; i++) {
		fn->regions[i].size = dev->regions[i].size;
		fn->regions[i].is_io = dev->regions[i].is_IO;
		fn->regions[i].is_64 = dev->regions[i].is_64;
		fn->regions[i].is_prefetchable =
			dev->regions[i].is_prefetchable;
	}
	fn->rom_size = dev->rom_size;
}

static int enumerate_live(struct live_list *list, struct topo_error *err)
{
	struct pci_slot_match any = {PCI_MATCH_ANY, PCI_MATCH_ANY,
				     PCI_MATCH_ANY, PCI_MATCH_ANY, 0};
	struct pci_device_iterator *iter;
	struct pci_device *dev;
	int rc = pci_system_init();

	if (rc != 0) {
		topo_set_error(err,
			       "%s: libpciaccess cannot enumerate PCI (%s); no "
			       "PCI functions found",
			       CAPTURE_LIVE_SYSFS, strerror(rc));
		return -1;
	}
	iter = pci_slot_match_iterator_create(&any);
	rc = iter ? 0 : -1;
	if (!iter)
		topo_set_error(err, "libpciaccess: out of memory");
	while (rc == 0 && (dev = pci_device_next(iter))) {
		char name[TEXT_SBDF_STRLEN];
		struct live_fn *fn;

		if (dev->domain > 0xffff) {
			fprintf(stderr,
				"vpci-harness: warning: domain %x does not fit "
				"16 bits; "
				"%02x:%02x.%u skipped\n",
				dev->domain, dev->bus, dev->dev, dev->func);
			continue;
		}
		text_sbdf_str(
			VPCI_SBDF(dev->domain, dev->bus, dev->dev, dev->func),
			name);
		fn = list_add(list, name, err);
		if (!fn)
			rc = -1;
		else if (pci_device_probe(dev) == 0)
			record_regions(fn, dev);
		else
			fprintf(stderr,
				"vpci-harness: warning: %s: libpciaccess "
				"cannot probe "
				"it; BARs not cross-checked\n",
				name);
	}
	pci_iterator_destroy(iter);
	pci_system_cleanup();
	return rc;
}

static int enumerate_dir(const char *src, struct live_list *list,
			 struct topo_error *err)
{
	char path[PATH_MAX];
	struct dirent *de;
	vpci_sbdf_t sbdf;
	int rc = 0;
	DIR *d;

	if (capture_path_join(path, err, src, "devices", NULL))
		return -1;
	d = opendir(path);
	if (!d) {
		topo_set_error(err, "%s: %s; no PCI functions found", path,
			       strerror(errno));
		return -1;
	}
	while (rc == 0 && (de = readdir(d)))
		if (text_parse_sbdf_canonical(de->d_name, &sbdf) &&
		    !list_add(list, de->d_name, err))
			rc = -1;
	closedir(d);
	return rc;
}

static int live_cmp(const void *a, const void *b)
{
	return strcmp(((const struct live_fn *)a)->name,
		      ((const struct live_fn *)b)->name);
}

/* --------------------------------------------------------- cross-check */

static void check_region(const char *name, unsigned int i,
			 const struct live_region *pa, const uint64_t res[3])
{
	uint64_t size = res[0] || res[1] ? res[1] - res[0] + 1 : 0;
	bool io = res[2] & IORESOURCE_IO, is_64 = res[2] & IORESOURCE_MEM_64;
	bool pref = res[2] & IORESOURCE_PREFETCH;

	/* Either side may know no size for a BAR the firmware left
	 * unassigned; only two different known sizes are news. */
	if (pa->size && size && pa->size != size)
		fprintf(stderr,
			"vpci-harness: warning: %s BAR %u: libpciaccess size "
			"%" PRIu64 ", resource size %" PRIu64 "\n",
			name, i, pa->size, size);
	if (!pa->size || !size)
		return;
	if (pa->is_io != io ||
	    (!io && (pa->is_64 != is_64 || pa->is_prefetchable != pref)))
		fprintf(stderr,
			"vpci-harness: warning: %s BAR %u: config says %s%s%s, "
			"resource flags "
			"0x%" PRIx64 " say %s%s%s\n",
			name, i, pa->is_io ? "I/O" : "memory",
			pa->is_64 ? " 64-bit" : "",
			pa->is_prefetchable ? " prefetchable" : "", res[2],
			io ? "I/O" : "memory", is_64 ? " 64-bit" : "",
			pref ? " prefetchable" : "");
}

/* libpciaccess decodes type bits from config; the kernel's resource file
 * is what the OS assigned. Disagreement means a quirk worth a look. */
static void cross_check(const char *outdir, const struct live_fn *fn)
{
	char path[PATH_MAX], *line = NULL;
	unsigned int i = 0;
	size_t cap = 0;
	FILE *f;

	if (!fn->probed)
		return;
	if (snprintf(path, sizeof(path), "%s/devices/%s/resource", outdir,
		     fn->name) >= (int)sizeof(path))
		return;
	f = fopen(path, "r");
	if (!f)
		return;
	for (; i <= TOPO_ROM_INDEX && topo_read_line(f, &line, &cap) >= 0;
	     i++) {
		uint64_t res[3];
		struct live_region rom = {fn->rom_size, false, false, false};

		if (!topo_parse_resource_line(line, res))
			break;
		if (i == TOPO_ROM_INDEX)
			res[2] &= IORESOURCE_MEM; /* ROM: compare size only */
		check_region(fn->name, i,
			     i == TOPO_ROM_INDEX ? &rom : &fn->regions[i], res);
	}
	free(line);
	fclose(f);
}

/* ------------------------------------------------------------------ main */

static void report(FILE *progress, const char *outdir,
		   const struct capture_stats *st, const struct topology *topo)
{
	size_t i;

	for (i = 0; i < topo->nr_warnings; i++)
		fprintf(stderr, "vpci-harness: warning: %s\n",
			topo->warnings[i].msg);
	if (!progress)
		return;
	fprintf(progress,
		"captured %zu functions into %s: %zu with 4096 config bytes, "
		"%zu with 256, %zu with 64\n",
		st->nr_fns, outdir, st->by_len[2], st->by_len[1],
		st->by_len[0]);
}

/* An existing OUTDIR must be empty (or --force): a capture mixed into
 * another would load as one machine that never existed. */
static int check_outdir(const char *outdir, bool force, struct topo_error *err)
{
	struct dirent *de;
	DIR *d = opendir(outdir);
	bool empty = true;

	if (!d || force) {
		if (d)
			closedir(d);
		return 0; /* absent: mkdir_p makes it (or says why not) */
	}
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			empty = false;
	closedir(d);
	if (!empty) {
		topo_set_error(err,
			       "%s: not empty; capture into a new or empty "
			       "directory (or --force to write into it)",
			       outdir);
		return -1;
	}
	return 0;
}

/* On a terminal: "capture: N/M functions", rewritten in place. */
static void show_progress(FILE *progress, size_t done, size_t total)
{
	if (!progress)
		return;
	if (done < total)
		fprintf(progress, "\rcapture: %zu/%zu functions", done, total);
	else
		fprintf(progress, "\r\033[K");
	fflush(progress);
}

static int partial_error(const struct capture_options *opt, const char *outdir,
			 const struct capture_stats *st, struct topo_error *err)
{
	char msg[sizeof(err->msg)];

	if (!st->nr_partial)
		return 0;
	snprintf(msg, sizeof(msg),
		 "%s: %zu of %zu functions have only part of their config "
		 "space (the kernel shows the rest to root only); run as "
		 "root for a faithful capture%s",
		 outdir, st->nr_partial, st->nr_fns,
		 opt->allow_partial ? "" : ", or --allow-partial to keep it");
	if (opt->allow_partial) {
		fprintf(stderr, "vpci-harness: warning: %s\n", msg);
		return 0;
	}
	topo_set_error(err, "%s", msg);
	return -1;
}

int capture_run(const struct capture_options *opt, const char *outdir,
		struct topo_error *err)
{
	const char *src = opt->sysfs_dir ? opt->sysfs_dir : CAPTURE_LIVE_SYSFS;
	bool live = strcmp(src, CAPTURE_LIVE_SYSFS) == 0 ||
		    strcmp(src, CAPTURE_LIVE_SYSFS "/") == 0;
	struct capture_stats stats = {0};
	struct live_list list = {NULL, 0};
	struct topology topo;
	size_t i;
	int rc;

	if (!outdir) {
		topo_set_error(err, "no output directory given");
		return -1;
	}
	if (check_outdir(outdir, opt->force, err))
		return -1;
	rc = live ? enumerate_live(&list, err) : enumerate_dir(src, &list, err);
	if (rc == 0 && list.nr == 0) {
		topo_set_error(err, "%s/devices: no PCI functions found", src);
		rc = -1;
	}
	if (rc == 0) {
		qsort(list.fns, list.nr, sizeof(*list.fns), live_cmp);
		rc = capture_mkdir_p(outdir, err);
	}
	for (i = 0; rc == 0 && i < list.nr; i++) {
		show_progress(opt->progress, i, list.nr);
		rc = capture_copy_fn(live ? CAPTURE_LIVE_SYSFS : src, outdir,
				     list.fns[i].name, &stats, err);
		if (rc == 0)
			cross_check(outdir, &list.fns[i]);
	}
	show_progress(opt->progress, list.nr, list.nr);
	free(list.fns);
	if (rc != 0)
		return -1;
	if (topology_load(outdir, &topo, err) != 0)
		return -1;
	report(opt->progress, outdir, &stats, &topo);
	topology_free(&topo);
	return partial_error(opt, outdir, &stats, err);
}

int capture_live(const char *sysfs_dir, const char *outdir,
		 struct topo_error *err, FILE *progress)
{
	struct capture_options opt = {
		.sysfs_dir = sysfs_dir,
		.progress = progress,
	};

	return capture_run(&opt, outdir, err);
}
