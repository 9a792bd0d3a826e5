/* SPDX-License-Identifier: MIT */
/*
 * `vpci-harness fdt [--guest SBDF,...] TOPOLOGY OUT.dtb [--into GUEST.dtb]`:
 * the guest's pci-host-ecam-generic node for the session's guest, its
 * apertures checked against the BARs the guest discovers by sizing them
 * through vPCI. Standalone, or inserted into a copy of GUEST.dtb whose
 * interrupt and MSI controllers it then uses.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libfdt.h>

#include "cmd_fdt.h"
#include "export_sysfs.h"
#include "vpci/fdt.h"

#define EXIT_ERROR 2
#define TREE_ROOM  (64u * 1024u)

int harness_read_file(const char *path, size_t room, void **buf, size_t *len,
		      char *msg, size_t msg_len)
{
	FILE *f = fopen(path, "rb");
	size_t cap = 4096 + room, n = 0, got;
	char *data = NULL, *grown;

	if (!f) {
		snprintf(msg, msg_len, "%s: %s", path, strerror(errno));
		return -1;
	}
	for (;;) {
		grown = realloc(data, cap);
		if (!grown)
			break;
		data = grown;
		got = fread(data + n, 1, cap - room - n, f);
		n += got;
		if (n < cap - room)
			break;
		cap *= 2;
	}
	if (!grown || ferror(f)) {
		snprintf(msg, msg_len, "%s: %s", path,
			 grown ? "read error" : "out of memory");
		fclose(f);
		free(data);
		return -1;
	}
	fclose(f);
	*buf = data;
	*len = n;
	return 0;
}

/* The BARs the guest finds on its functions, as it sizes them. */
static struct vpci_fdt_bar *guest_bars(struct session *s, size_t *nr)
{
	struct vpci_fdt_bar *bars = calloc(
		s->nr_view_by_dom * SYSFS_NR_RESOURCES + 1, sizeof(*bars));
	struct sysfs_resource res[SYSFS_NR_RESOURCES];
	size_t i, n = 0;
	unsigned int r;

	if (!bars)
		return NULL;
	for (i = 0; s->guest && i < s->nr_view_by_dom; i++) {
		vpci_sbdf_t sbdf = s->view_by_dom[i].dom_sbdf;

		if (s->view_by_dom[i].stub)
			continue;
		sysfs_probe_resources(s, sbdf, res);
		for (r = 0; r < SYSFS_NR_RESOURCES; r++) {
			struct vpci_fdt_bar *b = &bars[n];

			if (!res[r].flags || res[r].end < res[r].start)
				continue;
			b->sbdf = sbdf;
			b->index = r;
			b->size = res[r].end - res[r].start + 1;
			b->prefetchable = res[r].flags & 0x2000u;
			if (r == 6)
				b->kind = VPCI_FDT_BAR_ROM;
			else if (res[r].flags & 0x100u)
				b->kind = VPCI_FDT_BAR_IO;
			else if (res[r].flags & 0x100000u)
				b->kind = VPCI_FDT_BAR_MEM64;
			else
				b->kind = VPCI_FDT_BAR_MEM32;
			n++;
		}
	}
	*nr = n;
	return bars;
}

static void set_apertures(struct vpci_fdt_bridge *b)
{
	b->apertures[VPCI_FDT_SPACE_IO] = (struct vpci_fdt_aperture){
		.cpu_addr = HARNESS_GUEST_IO_CPU,
		.pci_addr = 0,
		.size = HARNESS_GUEST_IO_SIZE,
	};
	b->apertures[VPCI_FDT_SPACE_MEM32] = (struct vpci_fdt_aperture){
		.cpu_addr = HARNESS_GUEST_MEM32,
		.pci_addr = HARNESS_GUEST_MEM32,
		.size = HARNESS_GUEST_MEM32_SIZE,
	};
	b->apertures[VPCI_FDT_SPACE_MEM64_PREF] = (struct vpci_fdt_aperture){
		.cpu_addr = HARNESS_GUEST_MEM64,
		.pci_addr = HARNESS_GUEST_MEM64,
		.size = HARNESS_GUEST_MEM64_SIZE,
	};
}

/* In a guest tree: INTx through the root's interrupt-parent when it is a
 * 3-cell controller, MSIs through the first msi-controller. */
static void use_controllers(const void *tree, struct vpci_fdt_bridge *b)
{
	const fdt32_t *ip = fdt_getprop(tree, 0, "interrupt-parent", NULL);
	int node, len;
	unsigned int i;

	if (ip) {
		node = fdt_node_offset_by_phandle(tree, fdt32_ld(ip));
		const fdt32_t *cells =
			node >= 0 ? fdt_getprop(tree, node, "#interrupt-cells",
						&len)
				  : NULL;
		if (cells && len == 4 && fdt32_ld(cells) == 3) {
			b->intc_phandle = fdt32_ld(ip);
			for (i = 0; i < 4; i++)
				b->intx_spi[i] = HARNESS_GUEST_INTX_SPI + i;
		}
	}
	node = fdt_node_offset_by_prop_value(tree, -1, "msi-controller", NULL,
					     0);
	if (node >= 0 && fdt_get_phandle(tree, node)) {
		b->msi_phandle = fdt_get_phandle(tree, node);
		b->msi_base = 0;
	}
}

static int write_out(const char *path, void *tree, char *msg, size_t msg_len)
{
	FILE *f;
	int bad;

	fdt_pack(tree);
	f = fopen(path, "wb");
	if (!f) {
		snprintf(msg, msg_len, "%s: %s", path, strerror(errno));
		return -1;
	}
	bad = fwrite(tree, 1, fdt_totalsize(tree), f) != fdt_totalsize(tree);
	bad |= fclose(f) != 0;
	if (bad)
		snprintf(msg, msg_len, "%s: write failed", path);
	return bad ? -1 : 0;
}

static int build(struct session *s, const char *out_path, const char *into_path,
		 char *msg, size_t msg_len)
{
	struct vpci_fdt_bridge b = {.ecam_base = HARNESS_GUEST_ECAM};
	struct vpci_fdt_error err;
	size_t len = 0, cap, i;
	void *tree = NULL;
	int rc;

	set_apertures(&b);
	for (i = 0; i < s->nr_view_by_dom && s->guest; i++)
		if (VPCI_SBDF_BUS(s->view_by_dom[i].dom_sbdf) > b.bus_last)
			b.bus_last = VPCI_SBDF_BUS(s->view_by_dom[i].dom_sbdf);
	b.bars = guest_bars(s, &b.nr_bars);
	if (into_path) {
		rc = harness_read_file(into_path, TREE_ROOM, &tree, &len, msg,
				       msg_len);
		cap = len + TREE_ROOM;
	} else {
		cap = TREE_ROOM;
		tree = malloc(cap);
		rc = tree ? vpci_fdt_create_empty(tree, cap, &err) : -1;
	}
	if (!b.bars || (!rc && !tree)) {
		snprintf(msg, msg_len, "out of memory");
		rc = -1;
	} else if (!rc) {
		if (into_path && len >= sizeof(struct fdt_header) &&
		    !fdt_check_header(tree) && fdt_totalsize(tree) <= len &&
		    !fdt_check_full(tree, fdt_totalsize(tree)))
			use_controllers(tree, &b);
		rc = vpci_fdt_bridge_write(&b, tree, cap, &err);
		if (rc)
			snprintf(msg, msg_len, "%s: %s",
				 into_path ? into_path : out_path, err.msg);
		else
			rc = write_out(out_path, tree, msg, msg_len);
	}
	free((void *)b.bars);
	free(tree);
	return rc ? -1 : 0;
}

int cmd_fdt(const struct session_options *opt, const char *topology,
	    const char *out_path, const char *into_path)
{
	struct session s;
	char msg[1024];
	int rc;

	if (session_open(&s, topology, opt, msg, sizeof(msg))) {
		fprintf(stderr, "%s\n", msg);
		return EXIT_ERROR;
	}
	rc = build(&s, out_path, into_path, msg, sizeof(msg));
	session_close(&s);
	if (rc) {
		fprintf(stderr, "%s\n", msg);
		return EXIT_ERROR;
	}
	return 0;
}
