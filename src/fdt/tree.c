/* SPDX-License-Identifier: MIT */
/*
 * What the node writers share: an empty tree to start from, opening a
 * caller's tree for editing with room checked up front (so a tree that
 * is too small is left untouched), the root's address and size cells,
 * phandle targets, and replacing one child of the root.
 */
#include "fdt_internal.h"

/* Room a writer asks for beyond the tree: our largest node (a bridge
 * with a 16-entry interrupt-map) and its names take about 1 KiB. */
#define NODE_ROOM 4096u

int vpci_fdt_create_empty(void *buf, size_t buf_len, struct vpci_fdt_error *err)
{
	int rc;

	if (buf_len > INT32_MAX)
		buf_len = INT32_MAX;
	rc = fdt_create_empty_tree(buf, (int)buf_len);
	/* Last to first: libfdt puts a new property in front. */
	if (!rc)
		rc = fdt_setprop_u32(buf, 0, "#size-cells", 2);
	if (!rc)
		rc = fdt_setprop_u32(buf, 0, "#address-cells", 2);
	if (!rc)
		rc = fdt_pack(buf); /* the rest of buf is room to grow */
	if (rc)
		return vfdt_fail(err, vfdt_err_code(rc), NULL, NULL,
				 "no room for an empty device tree");
	return 0;
}

int vfdt_old_version(const void *blob, struct vpci_fdt_error *err)
{
	struct fdt_msg m;

	vfdt_msg_begin(&m, err, NULL, NULL);
	vfdt_msg_str(&m, "device tree: version ");
	vfdt_msg_dec(&m, fdt_version(blob));
	vfdt_msg_str(&m, ": only version 17 trees are read");
	return vfdt_msg_end(&m, VPCI_EINVAL);
}

int vfdt_tree_open(void *buf, size_t buf_len, struct vpci_fdt_error *err)
{
	struct fdt_msg m;
	size_t total;
	int rc;

	if (buf_len > INT32_MAX)
		buf_len = INT32_MAX;
	if (buf_len < FDT_V17_SIZE || fdt_check_header(buf))
		return vfdt_fail(err, VPCI_EINVAL, NULL, NULL,
				 "device tree: not a valid device tree blob");
	if (fdt_version(buf) < 17)
		return vfdt_old_version(buf, err);
	total = fdt_totalsize(buf);
	rc = total > buf_len ? -FDT_ERR_TRUNCATED : fdt_check_full(buf, total);
	if (rc) {
		vfdt_msg_begin(&m, err, NULL, NULL);
		vfdt_msg_str(&m, "device tree: corrupt: ");
		vfdt_msg_str(&m, fdt_strerror(rc));
		return vfdt_msg_end(&m, VPCI_EINVAL);
	}
	if (buf_len - total < NODE_ROOM) {
		vfdt_msg_begin(&m, err, NULL, NULL);
		vfdt_msg_str(&m, "device tree: needs a buffer of ");
		vfdt_msg_dec(&m, total + NODE_ROOM);
		vfdt_msg_str(&m, " bytes to add a node");
		return vfdt_msg_end(&m, VPCI_ENOSPC);
	}
	rc = fdt_open_into(buf, buf, (int)buf_len);
	if (rc)
		return vfdt_fail(err, vfdt_err_code(rc), NULL, NULL,
				 "device tree: cannot be opened for editing");
	return 0;
}

int vfdt_tree_root_cells(const void *fdt, int *addr_cells, int *size_cells,
			 struct vpci_fdt_error *err)
{
	*addr_cells = fdt_address_cells(fdt, 0);
	*size_cells = fdt_size_cells(fdt, 0);
	if (*addr_cells < 1 || *addr_cells > 2)
		return vfdt_fail(err, VPCI_EINVAL, "/", "#address-cells",
				 "must be <1> or <2> for a host bridge");
	if (*size_cells < 1 || *size_cells > 2)
		return vfdt_fail(err, VPCI_EINVAL, "/", "#size-cells",
				 "must be <1> or <2> for a host bridge");
	return 0;
}

int vfdt_tree_put_cells(uint32_t *out, int n, uint64_t v)
{
	if (n == 1) {
		if (v > UINT32_MAX)
			return VPCI_ERANGE;
		out[0] = cpu_to_fdt32((uint32_t)v);
		return 0;
	}
	out[0] = cpu_to_fdt32((uint32_t)(v >> 32));
	out[1] = cpu_to_fdt32((uint32_t)v);
	return 0;
}

int vfdt_tree_phandle_node(const void *fdt, uint32_t phandle,
			   const char *marker, const char *user,
			   struct vpci_fdt_error *err)
{
	struct fdt_msg m;
	int node = fdt_node_offset_by_phandle(fdt, phandle);

	if (node >= 0 && fdt_getprop(fdt, node, marker, NULL))
		return node;
	vfdt_msg_begin(&m, err, NULL, NULL);
	vfdt_msg_str(&m, user);
	vfdt_msg_str(&m, ": phandle ");
	vfdt_msg_hex(&m, phandle);
	vfdt_msg_str(&m, node >= 0 ? ": its node has no "
				   : ": no node in the tree");
	if (node >= 0)
		vfdt_msg_str(&m, marker);
	return vfdt_msg_end(&m, VPCI_ENOENT);
}

/* A one-cell property of node, or dflt when absent; -1 when malformed. */
static int one_cell(const void *fdt, int node, const char *name, int dflt)
{
	int len;
	const fdt32_t *v = fdt_getprop(fdt, node, name, &len);

	if (!v)
		return dflt;
	if (len != 4 || fdt32_ld(v) > 4)
		return -1;
	return (int)fdt32_ld(v);
}

int vfdt_tree_gic_cells(const void *fdt, int node, int *addr_cells,
			struct vpci_fdt_error *err)
{
	char path[VPCI_FDT_PATH_LEN];
	struct fdt_msg m;
	int cells = one_cell(fdt, node, "#interrupt-cells", -1);

	if (fdt_get_path(fdt, node, path, sizeof(path)))
		path[0] = '\0';
	*addr_cells = one_cell(fdt, node, "#address-cells", 0);
	if (cells == 3 && *addr_cells >= 0)
		return 0;
	vfdt_msg_begin(&m, err, path, NULL);
	vfdt_msg_str(&m, cells == 3 ? "#address-cells is malformed"
				    : "#interrupt-cells is not <3>");
	vfdt_msg_str(&m, ": only a GIC-style controller (3 interrupt cells) is "
			 "supported");
	return vfdt_msg_end(&m, VPCI_ENOTSUP);
}

int vfdt_tree_replace_node(void *fdt, const char *name,
			   struct vpci_fdt_error *err)
{
	int node = fdt_subnode_offset(fdt, 0, name);

	if (node >= 0)
		node = fdt_del_node(fdt, node);
	if (node < 0 && node != -FDT_ERR_NOTFOUND)
		return vfdt_tree_write_failed(node, name, err);
	node = fdt_add_subnode(fdt, 0, name);
	if (node < 0)
		return vfdt_tree_write_failed(node, name, err);
	return node;
}

int vfdt_tree_write_failed(int fdt_err, const char *node,
			   struct vpci_fdt_error *err)
{
	struct fdt_msg m;

	vfdt_msg_begin(&m, err, NULL, NULL);
	vfdt_msg_str(&m, "/");
	vfdt_msg_str(&m, node);
	vfdt_msg_str(&m, ": cannot write the node: ");
	vfdt_msg_str(&m, fdt_strerror(fdt_err));
	return vfdt_msg_end(&m, vfdt_err_code(fdt_err));
}
