/* SPDX-License-Identifier: MIT */
/*
 * `vpci-harness mount`: the export-sysfs tree as a live FUSE file system.
 */
#ifndef HARNESS_MOUNT_FUSE_H
#define HARNESS_MOUNT_FUSE_H

#include <stddef.h>

#include "session.h"

/*
 * The tree at mountpoint, until it is unmounted or the process gets
 * SIGINT, SIGTERM or SIGHUP. Returns 0, or -1 with msg filled (naming the
 * path).
 */
int mount_fuse(struct session *s, const char *mountpoint, char *msg,
	       size_t msg_len);

#endif /* HARNESS_MOUNT_FUSE_H */
