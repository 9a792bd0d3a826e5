/* SPDX-License-Identifier: MIT */
/*
 * `vpci-harness export-sysfs`: the session's view as a sysfs-shaped tree,
 * read through vPCI, and the pieces of it `mount` serves live.
 */
#ifndef HARNESS_EXPORT_SYSFS_H
#define HARNESS_EXPORT_SYSFS_H

#include <stddef.h>
#include <stdint.h>

#include "session.h"

/*
 * OUTDIR/devices/SSSS:BB:DD.F/{config, resource, vendor, device, class,
 * revision, irq, subsystem_vendor, subsystem_device}.
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

#endif /* HARNESS_EXPORT_SYSFS_H */
