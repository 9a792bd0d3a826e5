/* SPDX-License-Identifier: MIT */
/*
 * Error lines without printf: every failure in src/fdt is one line
 * "PATH: PROPERTY = VALUE: what", built piece by piece into the caller's
 * struct vpci_fdt_error. Values are shown the way dtc shows them, so a
 * user can find them in their .dts.
 */
#include <string.h>

#include "fdt_internal.h"

#define VALUE_SHOW_MAX 64 /* bytes of a value shown before "..." */

static void put_char(struct fdt_msg *m, char c)
{
	if (m->len + 1 < VPCI_FDT_MSG_LEN) {
		m->err->msg[m->len++] = c;
		m->err->msg[m->len] = '\0';
	}
}

static void put_hex_digits(struct fdt_msg *m, uint64_t v, int min_digits);

/* Text, node paths and property names from the tree: a byte that is not
 * printable is shown as \xNN, so the error stays one line whatever a
 * hostile tree names its nodes. */
void vfdt_msg_str(struct fdt_msg *m, const char *s)
{
	unsigned char c;

	while (s && *s) {
		c = (unsigned char)*s++;
		if (c >= 0x20 && c < 0x7f) {
			put_char(m, (char)c);
		} else {
			put_char(m, '\\');
			put_char(m, 'x');
			put_hex_digits(m, c, 2);
		}
	}
}

void vfdt_msg_begin(struct fdt_msg *m, struct vpci_fdt_error *err,
		    const char *path, const char *prop)
{
	m->err = err;
	m->len = 0;
	err->msg[0] = '\0';
	if (path) {
		vfdt_msg_str(m, path);
		vfdt_msg_str(m, ": ");
	}
	if (prop) {
		vfdt_msg_str(m, prop);
		vfdt_msg_str(m, " = ");
	}
}

static const char hex_digits[] = "0123456789abcdef";

static void put_hex_digits(struct fdt_msg *m, uint64_t v, int min_digits)
{
	char buf[16];
	int n = 0;

	do {
		buf[n++] = hex_digits[v & 0xf];
		v >>= 4;
	} while (v && n < 16);
	while (n < min_digits && n < 16)
		buf[n++] = '0';
	while (n)
		put_char(m, buf[--n]);
}

void vfdt_msg_hex(struct fdt_msg *m, uint64_t v)
{
	vfdt_msg_str(m, "0x");
	put_hex_digits(m, v, 1);
}

void vfdt_msg_dec(struct fdt_msg *m, uint64_t v)
{
	char buf[20];
	int n = 0;

	do {
		buf[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v && n < 20);
	while (n)
		put_char(m, buf[--n]);
}

void vfdt_msg_sbdf(struct fdt_msg *m, vpci_sbdf_t sbdf)
{
	put_hex_digits(m, VPCI_SBDF_SEG(sbdf), 4);
	put_char(m, ':');
	put_hex_digits(m, VPCI_SBDF_BUS(sbdf), 2);
	put_char(m, ':');
	put_hex_digits(m, VPCI_SBDF_DEV(sbdf), 2);
	put_char(m, '.');
	put_hex_digits(m, VPCI_SBDF_FN(sbdf), 1);
}

static bool printable(unsigned char c)
{
	return c >= 0x20 && c < 0x7f;
}

static void put_escaped(struct fdt_msg *m, unsigned char c)
{
	if (c == '"' || c == '\\') {
		put_char(m, '\\');
		put_char(m, (char)c);
	} else if (printable(c)) {
		put_char(m, (char)c);
	} else {
		vfdt_msg_str(m, "\\x");
		put_hex_digits(m, c, 2);
	}
}

void vfdt_msg_quoted(struct fdt_msg *m, const char *s, size_t len)
{
	size_t i;

	put_char(m, '"');
	for (i = 0; i < len && i < VALUE_SHOW_MAX; i++)
		put_escaped(m, (unsigned char)s[i]);
	put_char(m, '"');
	if (len > VALUE_SHOW_MAX)
		vfdt_msg_str(m, "...");
}

/* A list of printable strings, each NUL-terminated, none empty. */
static bool is_string_list(const unsigned char *v, int len)
{
	int i;
	bool start = true;

	if (len <= 0 || v[len - 1] != '\0')
		return false;
	for (i = 0; i < len; i++) {
		if (v[i] == '\0') {
			if (start)
				return false;
			start = true;
		} else if (!printable(v[i])) {
			return false;
		} else {
			start = false;
		}
	}
	return true;
}

static void put_strings(struct fdt_msg *m, const unsigned char *v, int len)
{
	int i = 0, shown = 0;

	while (i < len && shown < VALUE_SHOW_MAX) {
		size_t n = strnlen((const char *)v + i, (size_t)(len - i));

		if (i)
			vfdt_msg_str(m, ", ");
		vfdt_msg_quoted(m, (const char *)v + i, n);
		shown += (int)n;
		i += (int)n + 1;
	}
	if (i < len)
		vfdt_msg_str(m, ", ...");
}

void vfdt_msg_value(struct fdt_msg *m, const void *val, int len)
{
	const unsigned char *v = val;
	int i;

	if (len == 0) {
		vfdt_msg_str(m, "<empty>");
		return;
	}
	if (is_string_list(v, len)) {
		put_strings(m, v, len);
		return;
	}
	if (len % 4 == 0) {
		put_char(m, '<');
		for (i = 0; i < len && i < VALUE_SHOW_MAX; i += 4) {
			if (i)
				put_char(m, ' ');
			vfdt_msg_hex(m, fdt32_ld((const fdt32_t *)(v + i)));
		}
		if (i < len)
			vfdt_msg_str(m, " ...");
		put_char(m, '>');
		return;
	}
	put_char(m, '[');
	for (i = 0; i < len && i < VALUE_SHOW_MAX; i++) {
		if (i)
			put_char(m, ' ');
		put_hex_digits(m, v[i], 2);
	}
	if (i < len)
		vfdt_msg_str(m, " ...");
	put_char(m, ']');
}

int vfdt_msg_end(struct fdt_msg *m, int code)
{
	m->err->code = code;
	return code;
}

int vfdt_fail(struct vpci_fdt_error *err, int code, const char *path,
	      const char *prop, const char *what)
{
	struct fdt_msg m;

	vfdt_msg_begin(&m, err, path, NULL);
	if (prop) {
		vfdt_msg_str(&m, prop);
		vfdt_msg_str(&m, ": ");
	}
	vfdt_msg_str(&m, what);
	return vfdt_msg_end(&m, code);
}

int vfdt_err_code(int fdt_err)
{
	switch (fdt_err) {
	case -FDT_ERR_NOSPACE:
		return VPCI_ENOSPC;
	case -FDT_ERR_NOTFOUND:
		return VPCI_ENOENT;
	default:
		return VPCI_EINVAL;
	}
}
