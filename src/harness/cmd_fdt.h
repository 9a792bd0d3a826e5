/* SPDX-License-Identifier: MIT */
/*
 * The device-tree subcommands (built with libfdt): `fdt` writes a guest's
 * PCI host bridge node (cmd_fdt.c), `boot` creates the domains of a
 * dom0less-style configuration tree (cmd_boot.c). Both return the
 * process exit status: 0, or 2 after one line on stderr.
 */
#ifndef HARNESS_CMD_FDT_H
#define HARNESS_CMD_FDT_H

#include "session.h"

/* Harness choices for the guest's physical address map (docs/harness.md). */
#define HARNESS_GUEST_ECAM	 0x10000000ull /* up to 256 buses */
#define HARNESS_GUEST_IO_CPU	 0x2eff0000ull
#define HARNESS_GUEST_IO_SIZE	 0x10000ull
#define HARNESS_GUEST_MEM32	 0x20000000ull
#define HARNESS_GUEST_MEM32_SIZE 0x0eff0000ull
#define HARNESS_GUEST_MEM64	 0x8000000000ull
#define HARNESS_GUEST_MEM64_SIZE 0x8000000000ull
#define HARNESS_GUEST_INTX_SPI	 3u /* INTA-D on SPIs 3-6, as QEMU's virt */

int cmd_fdt(const struct session_options *opt, const char *topology,
	    const char *out_path, const char *into_path);
int cmd_boot(const struct session_options *opt, const char *topology,
	     const char *config_path);

/* Read a whole file into a malloc'd buffer with room bytes spare.
 * Returns 0 or -1 with msg filled. */
int harness_read_file(const char *path, size_t room, void **buf, size_t *len,
		      char *msg, size_t msg_len);

#endif /* HARNESS_CMD_FDT_H */
