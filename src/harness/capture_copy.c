/* SPDX-License-Identifier: MIT */
/*
 * Copying one function's sysfs directory into a capture (see
 * capture_copy.h). Errors name the file.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "capture_copy.h"
#include "topology_internal.h"

#define TEXT_FILE_MAX 65536 /* resource has 17 short lines; ids far less */

/* The files copied besides config, in the order lspci's sysfs back end
 * looks for them; resource is required. */
static const char *const text_files[] = {
	"resource", "vendor", "device",		  "class",
	"revision", "irq",    "subsystem_vendor", "subsystem_device",
};

/* Copied when present (most functions have no SR-IOV files, and some
 * platforms no numa_node): what a reader of the capture needs. */
static const char *const optional_files[] = {
	"numa_node",	"sriov_totalvfs", "sriov_numvfs",
	"sriov_offset", "sriov_stride",	  "sriov_vf_device",
};

/*
 * Links a reader needs. Tools read only the last component of the target
 * (the driver's name, the group's number, the other function's SBDF), so
 * the copy points inside the capture, where the target is made to exist:
 * tools that resolve links (lspci does) find them as on the machine.
 */
struct copied_link {
	const char *prefix; /* link name, or its start (virtfnN) */
	bool numbered;
	const char *target_dir; /* created under OUTDIR; NULL: devices/ */
};

static const struct copied_link copied_links[] = {
	{"driver", false, "drivers"},
	{"iommu_group", false, "iommu_groups"},
	{"physfn", false, NULL},
	{"virtfn", true, NULL},
};

static const struct copied_link *copied_link_of(const char *name)
{
	size_t i, n;

	for (i = 0; i < sizeof(copied_links) / sizeof(copied_links[0]); i++) {
		n = strlen(copied_links[i].prefix);
		if (strncmp(name, copied_links[i].prefix, n))
			continue;
		if (copied_links[i].numbered ? name[n] >= '0' && name[n] <= '9'
					     : name[n] == '\0')
			return &copied_links[i];
	}
	return NULL;
}

int capture_path_join(char *out, struct topo_error *err, const char *a,
		      const char *b, const char *c)
{
	int n = snprintf(out, PATH_MAX, "%s/%s%s%s", a, b, c ? "/" : "",
			 c ? c : "");

	if (n < 0 || n >= PATH_MAX) {
		topo_set_error(err, "%s/%s: path too long", a, b);
		return -1;
	}
	return 0;
}

int capture_mkdir_p(const char *dir, struct topo_error *err)
{
	char path[PATH_MAX];
	size_t len = strlen(dir), i;

	if (len == 0 || len >= sizeof(path)) {
		topo_set_error(err, "%s: bad output directory name", dir);
		return -1;
	}
	memcpy(path, dir, len + 1);
	for (i = 1; i <= len; i++) {
		if (path[i] != '/' && path[i] != '\0')
			continue;
		path[i] = '\0';
		if (mkdir(path, 0755) != 0 && errno != EEXIST) {
			topo_set_error(err, "%s: %s", path, strerror(errno));
			return -1;
		}
		path[i] = i < len ? '/' : '\0';
	}
	return 0;
}

/* Up to max bytes of path; *file_size is what stat claims (sysfs config
 * claims 256/4096 even when an unprivileged read stops at 64). */
static int read_file(const char *path, uint8_t *buf, size_t max, size_t *len,
		     off_t *file_size, struct topo_error *err)
{
	struct stat st;
	FILE *f = fopen(path, "rb");

	if (!f) {
		topo_set_error(err, "%s: %s", path, strerror(errno));
		return -1;
	}
	*file_size = fstat(fileno(f), &st) == 0 ? st.st_size : 0;
	*len = fread(buf, 1, max, f);
	if (ferror(f)) {
		topo_set_error(err, "%s: read error", path);
		fclose(f);
		return -1;
	}
	fclose(f);
	return 0;
}

static int write_file(const char *path, const uint8_t *buf, size_t len,
		      struct topo_error *err)
{
	FILE *f = fopen(path, "wb");
	bool ok;

	if (!f) {
		topo_set_error(err, "%s: %s", path, strerror(errno));
		return -1;
	}
	ok = fwrite(buf, 1, len, f) == len;
	ok = fclose(f) == 0 && ok;
	if (!ok) {
		topo_set_error(err, "%s: write error", path);
		return -1;
	}
	return 0;
}

static int copy_config(const char *from, const char *to,
		       struct capture_stats *stats, struct topo_error *err)
{
	uint8_t buf[TOPO_CONFIG_MAX];
	off_t file_size;
	size_t len;

	if (read_file(from, buf, sizeof(buf), &len, &file_size, err))
		return -1;
	if (len < 64) {
		topo_set_error(err, "%s: only %zu bytes readable; need 64",
			       from, len);
		return -1;
	}
	if (write_file(to, buf, len, err))
		return -1;
	stats->by_len[len >= 4096 ? 2 : len >= 256 ? 1 : 0]++;
	/* sysfs claims the whole size and cuts reads short for users
	 * without CAP_SYS_ADMIN. */
	if (file_size > (off_t)len)
		stats->nr_partial++;
	return 0;
}

static int copy_text(const char *from, const char *to, bool required,
		     struct topo_error *err)
{
	uint8_t *buf = malloc(TEXT_FILE_MAX);
	struct topo_error missing;
	off_t file_size;
	size_t len;
	int rc;

	if (!buf) {
		topo_set_error(err, "out of memory");
		return -1;
	}
	rc = read_file(from, buf, TEXT_FILE_MAX, &len, &file_size,
		       required ? err : &missing);
	if (rc == 0)
		rc = write_file(to, buf, len, err);
	else if (!required) {
		fprintf(stderr, "vpci-harness: warning: %s; not copied\n",
			missing.msg);
		rc = 0;
	}
	free(buf);
	return rc;
}

/* Re-create the link name of from_dir in to_dir (see copied_links). */
static int copy_link(const char *from_dir, const char *to_dir,
		     const char *outdir, const char *name,
		     const struct copied_link *l, struct topo_error *err)
{
	char from[PATH_MAX], to[PATH_MAX], target[PATH_MAX], dir[PATH_MAX];
	const char *base;
	ssize_t n;

	if (capture_path_join(from, err, from_dir, name, NULL) ||
	    capture_path_join(to, err, to_dir, name, NULL))
		return -1;
	n = readlink(from, target, sizeof(target) - 1);
	if (n <= 0)
		return 0; /* not a link here: nothing to copy */
	target[n] = '\0';
	base = strrchr(target, '/');
	base = base ? base + 1 : target;
	if (!*base || !strcmp(base, "..") || !strcmp(base, "."))
		return 0;
	if (l->target_dir) {
		if (capture_path_join(dir, err, outdir, l->target_dir, base) ||
		    capture_mkdir_p(dir, err))
			return -1;
		n = snprintf(target, sizeof(target), "../../%s/%s",
			     l->target_dir, base);
	} else {
		n = snprintf(target, sizeof(target), "../%s", base);
	}
	if (n < 0 || (size_t)n >= sizeof(target)) {
		topo_set_error(err, "%s: link target too long", from);
		return -1;
	}
	if ((unlink(to) != 0 && errno != ENOENT) || symlink(target, to) != 0) {
		topo_set_error(err, "%s: %s", to, strerror(errno));
		return -1;
	}
	return 0;
}

/* The optional files and the links of one function directory. */
static int copy_extras(const char *from_dir, const char *to_dir,
		       const char *outdir, struct topo_error *err)
{
	char from[PATH_MAX], to[PATH_MAX];
	struct topo_error absent;
	struct dirent *de;
	off_t file_size;
	uint8_t buf[256];
	size_t i, len;
	DIR *d;
	int rc = 0;

	for (i = 0; i < sizeof(optional_files) / sizeof(optional_files[0]);
	     i++) {
		if (capture_path_join(from, err, from_dir, optional_files[i],
				      NULL) ||
		    capture_path_join(to, err, to_dir, optional_files[i], NULL))
			return -1;
		if (read_file(from, buf, sizeof(buf), &len, &file_size,
			      &absent) == 0 &&
		    write_file(to, buf, len, err))
			return -1;
	}
	d = opendir(from_dir);
	if (!d)
		return 0;
	while (rc == 0 && (de = readdir(d))) {
		const struct copied_link *l = copied_link_of(de->d_name);

		if (l)
			rc = copy_link(from_dir, to_dir, outdir, de->d_name, l,
				       err);
	}
	closedir(d);
	return rc;
}

int capture_copy_fn(const char *src, const char *outdir, const char *name,
		    struct capture_stats *stats, struct topo_error *err)
{
	char from_dir[PATH_MAX], to_dir[PATH_MAX], from[PATH_MAX], to[PATH_MAX];
	size_t i;

	if (capture_path_join(from_dir, err, src, "devices", name) ||
	    capture_path_join(to_dir, err, outdir, "devices", name) ||
	    capture_mkdir_p(to_dir, err) ||
	    capture_path_join(from, err, from_dir, "config", NULL) ||
	    capture_path_join(to, err, to_dir, "config", NULL) ||
	    copy_config(from, to, stats, err))
		return -1;
	for (i = 0; i < sizeof(text_files) / sizeof(text_files[0]); i++)
		if (capture_path_join(from, err, from_dir, text_files[i],
				      NULL) ||
		    capture_path_join(to, err, to_dir, text_files[i], NULL) ||
		    copy_text(from, to, i == 0, err))
			return -1;
	if (copy_extras(from_dir, to_dir, outdir, err))
		return -1;
	stats->nr_fns++;
	return 0;
}
