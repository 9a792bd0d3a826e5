/* SPDX-License-Identifier: MIT */
/*
 * Typed property readers for the configuration parser. A property of
 * the wrong type or length is an error naming the node, the property and
 * the value as found; a required property that is absent is an error
 * too. Nothing is ever read past a property's length.
 */
#include <string.h>

#include "fdt_internal.h"

bool vfdt_prop_find(const struct prop_ctx *p, const char *name,
		    const void **val, int *len)
{
	*val = fdt_getprop(p->fdt, p->node, name, len);
	if (*val)
		return true;
	if (*len == -FDT_ERR_NOTFOUND) {
		*len = -1;
		return true;
	}
	vfdt_fail(p->err, VPCI_EINVAL, p->path, name,
		  "cannot be read (corrupt tree)");
	*len = -1;
	return false;
}

static int wrong(const struct prop_ctx *p, const char *name, const void *val,
		 int len, const char *expected)
{
	struct fdt_msg m;

	vfdt_msg_begin(&m, p->err, p->path, name);
	vfdt_msg_value(&m, val, len);
	vfdt_msg_str(&m, ": expected ");
	vfdt_msg_str(&m, expected);
	return vfdt_msg_end(&m, VPCI_EINVAL);
}

/* Look name up; absent is fine unless required. Returns 1 when present,
 * 0 when absent, or a negative error. */
static int lookup(const struct prop_ctx *p, const char *name, bool required,
		  const void **val, int *len)
{
	if (!vfdt_prop_find(p, name, val, len))
		return VPCI_EINVAL;
	if (*len >= 0)
		return 1;
	if (required)
		return vfdt_fail(p->err, VPCI_EINVAL, p->path, name,
				 "missing (required)");
	return 0;
}

int vfdt_prop_u32(const struct prop_ctx *p, const char *name, bool required,
		  uint32_t *out, bool *present)
{
	const void *val;
	int len, rc = lookup(p, name, required, &val, &len);

	if (present)
		*present = rc == 1;
	if (rc <= 0)
		return rc;
	if (len != 4)
		return wrong(p, name, val, len, "one 32-bit cell, <N>");
	*out = fdt32_ld(val);
	return 0;
}

int vfdt_prop_u64(const struct prop_ctx *p, const char *name, bool required,
		  uint64_t *out, bool *present)
{
	const void *val;
	int len, rc = lookup(p, name, required, &val, &len);

	if (present)
		*present = rc == 1;
	if (rc <= 0)
		return rc;
	if (len != 8)
		return wrong(p, name, val, len,
			     "a 64-bit value, two cells <HIGH LOW>");
	*out = fdt64_ld(val);
	return 0;
}

int vfdt_prop_flag(const struct prop_ctx *p, const char *name, bool *present)
{
	const void *val;
	int len, rc = lookup(p, name, false, &val, &len);

	*present = rc == 1;
	if (rc <= 0)
		return rc;
	if (len != 0)
		return wrong(p, name, val, len, "an empty property (a flag)");
	return 0;
}

int vfdt_prop_string(const struct prop_ctx *p, const char *name,
		     bool allow_empty_prop, const char **out, bool *present)
{
	const void *val;
	int len, rc = lookup(p, name, false, &val, &len);

	*present = rc == 1;
	if (rc <= 0)
		return rc;
	if (len == 0 && allow_empty_prop) {
		*out = "";
		return 0;
	}
	if (len < 2 || ((const char *)val)[len - 1] != '\0' ||
	    strnlen(val, (size_t)len) != (size_t)len - 1)
		return wrong(p, name, val, len, "one string");
	*out = val;
	return 0;
}

int vfdt_prop_stringlist(const struct prop_ctx *p, const char *name,
			 const char **val, int *len, int *count, bool *present)
{
	const void *v;
	int i, n = 0, rc = lookup(p, name, false, &v, len);

	*present = rc == 1;
	if (rc <= 0)
		return rc;
	*val = v;
	if (*len < 2 || (*val)[*len - 1] != '\0')
		return wrong(p, name, v, *len, "a list of strings");
	for (i = 0; i < *len; i++) {
		unsigned char ch = (unsigned char)(*val)[i];

		if (ch && (ch < 0x20 || ch >= 0x7f))
			return wrong(p, name, v, *len, "a list of strings");
	}
	for (i = 0; i < *len; i++) {
		if ((*val)[i] != '\0')
			continue;
		/* An empty element: "a", "", "b" or a leading NUL. */
		if (i == 0 || (*val)[i - 1] == '\0')
			return wrong(p, name, v, *len,
				     "a list of non-empty strings");
		n++;
	}
	*count = n;
	return 0;
}

const char *vfdt_prop_list_at(const char *val, int len, int i)
{
	int off = 0;

	while (i-- > 0 && off < len)
		off += (int)strnlen(val + off, (size_t)(len - off)) + 1;
	return off < len ? val + off : NULL;
}
