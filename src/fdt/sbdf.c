/* SPDX-License-Identifier: MIT */
/*
 * SBDF text in configuration trees: "SSSS:BB:DD.F" or "BB:DD.F", hex
 * digits of exactly those widths, as lspci prints them. Anything else
 * (signs, spaces, short fields, a device above 0x1f) is malformed.
 */
#include "fdt_internal.h"

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* n hex digits at s; false when one is not a digit. */
static bool hex_field(const char *s, int n, uint32_t *out)
{
	uint32_t v = 0;
	int i, d;

	for (i = 0; i < n; i++) {
		d = hex_value(s[i]);
		if (d < 0)
			return false;
		v = v << 4 | (uint32_t)d;
	}
	*out = v;
	return true;
}

bool vfdt_parse_sbdf(const char *s, size_t len, vpci_sbdf_t *out)
{
	uint32_t seg = 0, bus, dev, fn;

	if (len == 12) {
		if (!hex_field(s, 4, &seg) || s[4] != ':')
			return false;
		s += 5;
	} else if (len != 7) {
		return false;
	}
	if (!hex_field(s, 2, &bus) || s[2] != ':' ||
	    !hex_field(s + 3, 2, &dev) || s[5] != '.' ||
	    !hex_field(s + 6, 1, &fn) || dev > 0x1f || fn > 7)
		return false;
	*out = VPCI_SBDF(seg, bus, dev, fn);
	return true;
}
