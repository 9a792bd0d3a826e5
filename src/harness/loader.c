/* SPDX-License-Identifier: MIT */
/*
 * topology_load(): which format a path holds (a directory is a capture,
 * a regular file an lspci dump), and the clean-up when loading fails.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "loader.h"
#include "topology_internal.h"

int topology_load(const char *path, struct topology *topo,
		  struct topo_error *err)
{
	struct stat st;
	int rc;

	memset(topo, 0, sizeof(*topo));
	if (!path) {
		topo_set_error(err, "no topology path given");
		return -1;
	}
	snprintf(topo->source, sizeof(topo->source), "%s", path);
	if (stat(path, &st) != 0) {
		topo_set_error(err, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (S_ISDIR(st.st_mode)) {
		rc = capture_read(path, topo, err);
	} else if (S_ISREG(st.st_mode)) {
		rc = lspci_import(path, topo, err);
	} else {
		topo_set_error(err, "%s: neither a capture directory nor a "
				    "dump file", path);
		rc = -1;
	}
	if (rc != 0)
		topology_free(topo);
	return rc;
}
