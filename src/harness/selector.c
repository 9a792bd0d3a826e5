/* SPDX-License-Identifier: MIT */
/*
 * lspci's -s and -d selectors (see selector.h), parsed as lspci parses
 * them: the slot selector's colons are counted to tell which fields are
 * given, and a missing field matches anything.
 */
#include <stdio.h>
#include <string.h>

#include "selector.h"
#include "topology.h"
#include "text.h"

#define FIELD_MAX 64

static void selector_init(struct selector *sel)
{
	if (sel->set)
		return;
	memset(sel, 0, sizeof(*sel));
	sel->domain = sel->bus = sel->dev = sel->fn = -1;
	sel->vendor = sel->device = sel->prog_if = -1;
	sel->set = true;
}

static bool any_field(const char *f)
{
	return !f || !*f || !strcmp(f, "*");
}

/* A hex field of at most max; any_field leaves *out alone. With mask
 * (the class), 'x' digits are wildcards and *mask gets the rest. */
static bool hex_field(const char *f, unsigned int max, int *out,
		      unsigned int *mask)
{
	unsigned int v = 0, m = 0;
	int d;

	if (any_field(f))
		return true;
	if (f[0] == '0' && (f[1] == 'x' || f[1] == 'X') && !mask)
		f += 2;
	if (!*f || strlen(f) > 8)
		return false;
	for (; *f; f++) {
		if (mask && (*f == 'x' || *f == 'X')) {
			v <<= 4;
			m <<= 4;
			continue;
		}
		d = text_hex_digit(*f);
		if (d < 0)
			return false;
		v = v << 4 | (unsigned int)d;
		m = m << 4 | 0xfu;
		if (v > max)
			return false;
	}
	if (v > max)
		return false;
	*out = (int)v;
	if (mask)
		*mask = m ? m : 0; /* all x: matches anything */
	return true;
}

/* Split copy at sep into at most nr fields; false when more. */
static bool split(char *copy, char sep, char **fields, unsigned int nr,
		  unsigned int *found)
{
	unsigned int n = 0;
	char *p = copy;

	for (;;) {
		if (n == nr)
			return false;
		fields[n++] = p;
		p = strchr(p, sep);
		if (!p)
			break;
		*p++ = '\0';
	}
	*found = n;
	return true;
}

int selector_parse_slot(struct selector *sel, const char *arg, char *msg,
			size_t msg_len)
{
	char copy[FIELD_MAX], *f[3], *df[2];
	unsigned int n, nd, i = 0;

	selector_init(sel);
	if (strlen(arg) >= sizeof(copy)) {
		snprintf(msg, msg_len, "too long");
		return -1;
	}
	strcpy(copy, arg);
	if (!split(copy, ':', f, 3, &n)) {
		snprintf(msg, msg_len, "too many ':' fields");
		return -1;
	}
	if (n == 3 && !hex_field(f[i++], 0xffff, &sel->domain, NULL)) {
		snprintf(msg, msg_len, "bad domain '%s'", f[0]);
		return -1;
	}
	if (n >= 2 && !hex_field(f[i], 0xff, &sel->bus, NULL)) {
		snprintf(msg, msg_len, "bad bus '%s'", f[i]);
		return -1;
	}
	if (n >= 2)
		i++;
	if (any_field(f[i]))
		return 0;
	if (!split(f[i], '.', df, 2, &nd)) {
		snprintf(msg, msg_len, "bad slot/function '%s'", f[i]);
		return -1;
	}
	if (!hex_field(df[0], 0x1f, &sel->dev, NULL)) {
		snprintf(msg, msg_len, "bad slot '%s' (00-1f)", df[0]);
		return -1;
	}
	if (nd == 2 && !hex_field(df[1], 7, &sel->fn, NULL)) {
		snprintf(msg, msg_len, "bad function '%s' (0-7)", df[1]);
		return -1;
	}
	return 0;
}

int selector_parse_id(struct selector *sel, const char *arg, char *msg,
		      size_t msg_len)
{
	char copy[FIELD_MAX], *f[4];
	unsigned int n;
	int class_code = 0;

	selector_init(sel);
	if (strlen(arg) >= sizeof(copy)) {
		snprintf(msg, msg_len, "too long");
		return -1;
	}
	strcpy(copy, arg);
	if (!split(copy, ':', f, 4, &n)) {
		snprintf(msg, msg_len, "too many ':' fields");
		return -1;
	}
	if (n < 2) {
		snprintf(msg, msg_len, "expected VENDOR:DEVICE at least");
		return -1;
	}
	if (!hex_field(f[0], 0xffff, &sel->vendor, NULL)) {
		snprintf(msg, msg_len, "bad vendor ID '%s'", f[0]);
		return -1;
	}
	if (!hex_field(f[1], 0xffff, &sel->device, NULL)) {
		snprintf(msg, msg_len, "bad device ID '%s'", f[1]);
		return -1;
	}
	if (n >= 3 && !hex_field(f[2], 0xffff, &class_code, &sel->class_mask)) {
		snprintf(msg, msg_len, "bad class '%s'", f[2]);
		return -1;
	}
	sel->class_code = (unsigned int)class_code;
	if (n == 4 && !hex_field(f[3], 0xff, &sel->prog_if, NULL)) {
		snprintf(msg, msg_len, "bad programming interface '%s'", f[3]);
		return -1;
	}
	return 0;
}

static bool field_ok(int want, unsigned int have)
{
	return want < 0 || (unsigned int)want == have;
}

bool selector_match(const struct selector *sel, vpci_sbdf_t sbdf,
		    const uint8_t cfg[12])
{
	unsigned int class_code = (unsigned int)cfg[0x0b] << 8 | cfg[0x0a];

	if (!sel->set)
		return true;
	return field_ok(sel->domain, VPCI_SBDF_SEG(sbdf)) &&
	       field_ok(sel->bus, VPCI_SBDF_BUS(sbdf)) &&
	       field_ok(sel->dev, VPCI_SBDF_DEV(sbdf)) &&
	       field_ok(sel->fn, VPCI_SBDF_FN(sbdf)) &&
	       field_ok(sel->vendor, (unsigned int)cfg[1] << 8 | cfg[0]) &&
	       field_ok(sel->device, (unsigned int)cfg[3] << 8 | cfg[2]) &&
	       (class_code & sel->class_mask) ==
		       (sel->class_code & sel->class_mask) &&
	       field_ok(sel->prog_if, cfg[0x09]);
}
