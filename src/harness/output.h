/* SPDX-License-Identifier: MIT */
/*
 * What the CLI produces from a session besides script output: an lspci
 * dump (export_lspci.c), a sysfs-shaped tree (export_sysfs.c) and a
 * summary (stats.c). All read config space through vPCI as the session's
 * domain sees it, except the summary, which describes the topology.
 */
#ifndef HARNESS_OUTPUT_H
#define HARNESS_OUTPUT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "session.h"

/*
 * Every function the session's domain sees, in `lspci -xxxx` format (what
 * `lspci -F` reads back): a header line per function, 256 rows of 16
 * bytes, a blank line. Returns 0, or -1 when writing out failed.
 */
int export_lspci(struct session *s, FILE *out);

/*
 * The same view as OUTDIR/devices/SSSS:BB:DD.F/{config, resource, vendor,
 * device, class, revision, irq, subsystem_vendor, subsystem_device}.
 * Returns 0, or -1 with msg filled (naming the path).
 */
int export_sysfs(struct session *s, const char *outdir, char *msg,
		 size_t msg_len);

/*
 * The pieces of that tree, shared with `mount`. A function's `resource`
 * file: BAR0-5 and the ROM as Linux shows them (start, end, IORESOURCE_*
 * flags), sized through vPCI as the domain's OS would (decode off, write
 * all-ones, read, restore); the probe writes config space.
 */
#define SYSFS_NR_RESOURCES	7
#define SYSFS_RESOURCE_TEXT_MAX (SYSFS_NR_RESOURCES * 64)
#define SYSFS_ROM_REG(hdr_type) ((hdr_type) == 0 ? 0x30u : 0x38u)
struct sysfs_resource {
	uint64_t start, end, flags;
};
void sysfs_probe_resources(struct session *s, vpci_sbdf_t dom_sbdf,
			   struct sysfs_resource res[SYSFS_NR_RESOURCES]);
/* The file's text into buf; returns its length. */
size_t sysfs_resource_text(const struct sysfs_resource *res, char *buf,
			   size_t len);
/* The identity files, NULL-terminated: vendor, device, class, revision,
 * irq, subsystem_vendor, subsystem_device. */
extern const char *const sysfs_attr_names[];
/* The text of the one called name, from the function's config space;
 * returns its length, or -1 for another name. */
int sysfs_attr_text(const uint8_t cfg[SESSION_CONFIG_BYTES], const char *name,
		    char *buf, size_t len);

/*
 * `vpci-harness mount`: the same tree as a live FUSE file system at
 * mountpoint, until it is unmounted or the process gets SIGINT, SIGTERM
 * or SIGHUP. Returns 0, or -1 with msg filled (naming the path).
 */
int mount_fuse(struct session *s, const char *mountpoint, char *msg,
	       size_t msg_len);

/* The summary of `vpci-harness stats`. */
void stats_print(const struct session *s, FILE *out);

/*
 * Progress of a long operation on stderr, only when stderr is a terminal:
 * "WHAT: DONE/TOTAL", rewritten in place, erased at the end.
 */
struct progress {
	const char *what;
	size_t total;
	int on;
};

void progress_start(struct progress *p, const char *what, size_t total);
void progress_step(struct progress *p, size_t done);
void progress_end(struct progress *p);

#endif /* HARNESS_OUTPUT_H */
