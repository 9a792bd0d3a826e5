/* SPDX-License-Identifier: MIT */
/*
 * Hostile lspci dumps: any bytes as a dump file must load or be refused
 * with an error naming the file and line, never crash or leak; what loads
 * must then behave as hardware for every config offset.
 */
#define _GNU_SOURCE /* memfd_create */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "hwmodel.h"
#include "loader.h"
#include "topology.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct topology topo;
	struct topo_error err;
	struct hwmodel hw;
	char path[64];
	int fd = memfd_create("dump", 0);
	size_t i;

	if (fd < 0 || write(fd, data, size) != (ssize_t)size)
		abort();
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	memset(&topo, 0, sizeof(topo));
	if (topology_load(path, &topo, &err) != 0) {
		/* A refusal must say where. */
		if (!strstr(err.msg, path))
			abort();
		close(fd);
		return 0;
	}
	if (hwmodel_init(&hw, &topo) == 0) {
		for (i = 0; i < topo.nr_fns; i++) {
			vpci_sbdf_t sbdf = topo.fns[i].sbdf;
			unsigned int reg;

			for (reg = 0; reg < 4096; reg += 4) {
				hwmodel_conf_write(&hw, sbdf, reg, 4, 0xffffffffu);
				(void)hwmodel_conf_read(&hw, sbdf, reg, 4);
			}
		}
		hwmodel_free(&hw);
	}
	topology_free(&topo);
	close(fd);
	return 0;
}
