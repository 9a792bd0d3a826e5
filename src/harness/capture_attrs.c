/* SPDX-License-Identifier: MIT */
/*
 * Reading what a capture records beside config space: the links and small
 * files Linux keeps in each function's sysfs directory that a reader of
 * the capture needs (which driver had it, its IOMMU group, its NUMA node,
 * SR-IOV counts and the links between physical and virtual functions).
 * Links are read as Linux's tools read them: the last component of the
 * target. All optional: a capture without them loads as before.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "topology_internal.h"
#include "text.h"

/* The last path component of the link at dir/name into buf; false when
 * there is no such link. */
static bool link_basename(const char *dir, const char *name, char *buf,
			  size_t len)
{
	char path[PATH_MAX], target[PATH_MAX];
	const char *base;
	ssize_t n;

	if (snprintf(path, sizeof(path), "%s/%s", dir, name) >=
	    (int)sizeof(path))
		return false;
	n = readlink(path, target, sizeof(target) - 1);
	if (n <= 0)
		return false;
	target[n] = '\0';
	base = strrchr(target, '/');
	base = base ? base + 1 : target;
	/* Cut to fit, as snprintf would (-O3 warns about that with %s). */
	n = (ssize_t)strnlen(base, len - 1);
	memcpy(buf, base, (size_t)n);
	buf[n] = '\0';
	return n != 0;
}

/* A decimal integer file (numa_node, sriov_*): 0 read, 1 absent,
 * -1 malformed (a warning, with err set only when out of memory). */
static int read_int(const char *dir, const char *name, long min, long max,
		    long *out, struct topology *topo, struct topo_error *err,
		    bool *warned)
{
	char path[PATH_MAX], text[64], *end;
	FILE *f;
	long v;

	if (snprintf(path, sizeof(path), "%s/%s", dir, name) >=
	    (int)sizeof(path))
		return 1;
	f = fopen(path, "r");
	if (!f)
		return 1;
	if (!fgets(text, sizeof(text), f))
		text[0] = '\0';
	fclose(f);
	errno = 0;
	v = strtol(text, &end, 10);
	if (errno || end == text || (*end != '\n' && *end != '\0') || v < min ||
	    v > max) {
		*warned = topo_warn(topo, err,
				    "%s: not a number in %ld..%ld; "
				    "ignored",
				    path, min, max) != 0;
		return -1;
	}
	*out = v;
	return 0;
}

static unsigned int count_virtfn_links(const char *dir)
{
	unsigned int n = 0;
	struct dirent *de;
	DIR *d = opendir(dir);

	if (!d)
		return 0;
	while ((de = readdir(d)))
		if (!strncmp(de->d_name, "virtfn", 6) && de->d_name[6] >= '0' &&
		    de->d_name[6] <= '9')
			n++;
	closedir(d);
	return n;
}

int capture_read_attrs(const char *fndir, struct topo_fn *fn,
		       struct topology *topo, struct topo_error *err)
{
	struct topo_attrs *a = &fn->attrs;
	char name[PATH_MAX];
	bool oom = false;
	long v;

	link_basename(fndir, "driver", a->driver, sizeof(a->driver));
	if (link_basename(fndir, "iommu_group", name, sizeof(name))) {
		char *end;
		unsigned long g;

		errno = 0;
		g = strtoul(name, &end, 10);
		a->has_iommu_group =
			!errno && end != name && !*end && g <= 0xffffffffu;
		a->iommu_group = (unsigned int)g;
	}
	if (!read_int(fndir, "numa_node", -1, 65535, &v, topo, err, &oom)) {
		a->has_numa_node = true;
		a->numa_node = (int)v;
	}
	if (!read_int(fndir, "sriov_totalvfs", 0, 65535, &v, topo, err, &oom)) {
		a->is_pf = true;
		a->sriov_totalvfs = (unsigned int)v;
	}
	if (!read_int(fndir, "sriov_numvfs", 0, 65535, &v, topo, err, &oom))
		a->sriov_numvfs = (unsigned int)v;
	a->nr_virtfn = count_virtfn_links(fndir);
	if (link_basename(fndir, "physfn", name, sizeof(name)))
		a->is_vf = text_parse_sbdf_canonical(name, &a->physfn);
	return oom ? -1 : 0;
}
