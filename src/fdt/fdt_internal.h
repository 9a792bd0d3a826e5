/* SPDX-License-Identifier: MIT */
/*
 * Private to src/fdt: the message builder every error goes through, the
 * typed property readers of the configuration parser, SBDF text, and
 * the helpers the node writers share. Nothing here may call libc beyond
 * what libfdt needs itself (mem*, strlen, strnlen, memchr).
 */
#ifndef VPCI_FDT_INTERNAL_H
#define VPCI_FDT_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <libfdt.h>

#include "vpci/fdt.h"

/* ------------------------------------------------------------ msg.c */

/* One error line under construction in err->msg; truncation is silent
 * (the line stays NUL-terminated). */
struct fdt_msg {
	struct vpci_fdt_error *err;
	size_t len;
};

/* Start "PATH: PROP = " (prop NULL: "PATH: "; path NULL: nothing). */
void vfdt_msg_begin(struct fdt_msg *m, struct vpci_fdt_error *err,
		    const char *path, const char *prop);
void vfdt_msg_str(struct fdt_msg *m, const char *s);
void vfdt_msg_hex(struct fdt_msg *m, uint64_t v);
void vfdt_msg_dec(struct fdt_msg *m, uint64_t v);
void vfdt_msg_sbdf(struct fdt_msg *m, vpci_sbdf_t sbdf);
/* s between double quotes, non-printable bytes as \xNN, cut at 64. */
void vfdt_msg_quoted(struct fdt_msg *m, const char *s, size_t len);
/* A raw property value as dtc would show it: "strings" when it is a
 * list of printable strings, <cells> when its length is a multiple of
 * 4, [bytes] otherwise; long values end in "...". */
void vfdt_msg_value(struct fdt_msg *m, const void *val, int len);
/* Finish with code: returns code, so callers `return vfdt_msg_end(...)`. */
int vfdt_msg_end(struct fdt_msg *m, int code);

/* A plain "PATH: PROP: what" error in one call. */
int vfdt_fail(struct vpci_fdt_error *err, int code, const char *path,
	      const char *prop, const char *what);
/* Map a libfdt error code to a VPCI_E* code. */
int vfdt_err_code(int fdt_err);

/* ----------------------------------------------------------- sbdf.c */

/* "SSSS:BB:DD.F" or "BB:DD.F" (hex), exactly, within len bytes. */
bool vfdt_parse_sbdf(const char *s, size_t len, vpci_sbdf_t *out);

/* ----------------------------------------------------------- tree.c */

/* Refuse a tree (its header checked) of a version before 17, logged as
 * such: libfdt's full check mishandles the older layouts (libfdt 1.6.1
 * dereferences NULL on version 2-15 trees), and nothing writes them any
 * more. Returns VPCI_EINVAL. */
int vfdt_old_version(const void *blob, struct vpci_fdt_error *err);
/* Open the tree in buf for editing, growing it to buf_len. Errors:
 * VPCI_EINVAL (not a valid tree), VPCI_ENOSPC. */
int vfdt_tree_open(void *buf, size_t buf_len, struct vpci_fdt_error *err);
/* The root's #address-cells and #size-cells (defaults 2 and 1). Errors:
 * VPCI_EINVAL (present but malformed, or above 2). */
int vfdt_tree_root_cells(const void *fdt, int *addr_cells, int *size_cells,
			 struct vpci_fdt_error *err);
/* Store v in n big-endian cells (1 or 2) at out; VPCI_ERANGE when it
 * does not fit. */
int vfdt_tree_put_cells(uint32_t *out, int n, uint64_t v);
/* The node with this phandle, checked to hold property marker. Errors:
 * VPCI_ENOENT (no such node, or no marker). */
int vfdt_tree_phandle_node(const void *fdt, uint32_t phandle,
			   const char *marker, const char *user,
			   struct vpci_fdt_error *err);
/* #interrupt-cells of the controller at node must be 3; its
 * #address-cells (0 when absent) in *addr_cells. */
int vfdt_tree_gic_cells(const void *fdt, int node, int *addr_cells,
			struct vpci_fdt_error *err);
/* Delete /name if present and add it again, empty, as the last child
 * of the root. Returns its offset or a negative VPCI_E* code. */
int vfdt_tree_replace_node(void *fdt, const char *name,
			   struct vpci_fdt_error *err);
/* Map a libfdt error from a property write (only -FDT_ERR_NOSPACE is
 * expected) to an error message. */
int vfdt_tree_write_failed(int fdt_err, const char *node,
			   struct vpci_fdt_error *err);

/* ---------------------------------------------------------- props.c */

/* What the configuration parser reads from one node. */
struct prop_ctx {
	const void *fdt;
	int node;
	const char *path;
	struct vpci_fdt_error *err;
};

/* A property's value, or NULL with *len = -1 when absent. A lookup
 * failing for another reason than absence is an error (returns false). */
bool vfdt_prop_find(const struct prop_ctx *p, const char *name,
		    const void **val, int *len);
/* Exactly one u32 / one u64 (two cells). */
int vfdt_prop_u32(const struct prop_ctx *p, const char *name, bool required,
		  uint32_t *out, bool *present);
int vfdt_prop_u64(const struct prop_ctx *p, const char *name, bool required,
		  uint64_t *out, bool *present);
/* An empty property. */
int vfdt_prop_flag(const struct prop_ctx *p, const char *name, bool *present);
/* One NUL-terminated string (empty allowed when allow_empty_prop and the
 * property has no bytes at all: *out is then ""). */
int vfdt_prop_string(const struct prop_ctx *p, const char *name,
		     bool allow_empty_prop, const char **out, bool *present);
/* A list of non-empty NUL-terminated strings; *count is how many. */
int vfdt_prop_stringlist(const struct prop_ctx *p, const char *name,
			 const char **val, int *len, int *count, bool *present);
/* The string at index i of a list validated by vfdt_prop_stringlist. */
const char *vfdt_prop_list_at(const char *val, int len, int i);

/* ---------------------------------------------------------- apertures.c */

/* Where a BAR of this kind goes given which apertures exist. */
enum vpci_fdt_space vfdt_bar_space(const struct vpci_fdt_bridge *b,
				   const struct vpci_fdt_bar *bar);
/* Bytes a BAR takes in its aperture (memory rounded to 4 KiB). */
uint64_t vfdt_bar_footprint(const struct vpci_fdt_bar *bar);

#endif /* VPCI_FDT_INTERNAL_H */
