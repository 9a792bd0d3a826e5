/* SPDX-License-Identifier: MIT */
/*
 * Loading a machine's PCI topology: the one entry point above the two
 * input formats, a capture directory (capture_read.c) and an lspci dump
 * file (lspci_import.c). The formats build the topology through
 * topology_internal.h; nothing below this file calls back up into it.
 */
#ifndef HARNESS_LOADER_H
#define HARNESS_LOADER_H

#include "topology.h"

/* Load a capture directory or an lspci dump file (told apart by what the
 * path is). Returns 0, or -1 with err filled (topo left empty). */
int topology_load(const char *path, struct topology *topo,
		  struct topo_error *err);

/* The formats themselves, for topology_load(): each fills a zeroed topo
 * and returns 0, or -1 with err filled. */
int capture_read(const char *dir, struct topology *topo,
		 struct topo_error *err);
int lspci_import(const char *file, struct topology *topo,
		 struct topo_error *err);

#endif /* HARNESS_LOADER_H */
