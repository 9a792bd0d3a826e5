/* SPDX-License-Identifier: MIT */
/*
 * SBDF and number text (text.h). Parsers never read past the terminating
 * NUL and never overflow: digit counts are bounded before values grow.
 */
#include <stdio.h>
#include <string.h>

#include "text.h"

int text_hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

unsigned int text_hex_run(const char **s, unsigned int max_digits,
			  uint64_t *out)
{
	uint64_t v = 0;
	unsigned int n = 0;
	int d;

	while (n < max_digits && (d = text_hex_digit(**s)) >= 0) {
		v = v << 4 | (uint64_t)d;
		(*s)++;
		n++;
	}
	*out = v;
	return n;
}

bool text_hex_field(const char *s, size_t len, size_t max_digits, uint64_t *out)
{
	const char *p = s;

	if (len == 0 || len > max_digits || len > 16)
		return false;
	return text_hex_run(&p, (unsigned int)len, out) == len;
}

bool text_hex64_0x(const char **s, uint64_t *out)
{
	const char *p = *s;
	uint64_t v;
	unsigned int n;

	if (p[0] != '0' || (p[1] != 'x' && p[1] != 'X'))
		return false;
	p += 2;
	n = text_hex_run(&p, 16, &v);
	if (n == 0 || text_hex_digit(*p) >= 0) /* none, or more than 16 */
		return false;
	*s = p;
	*out = v;
	return true;
}

bool text_parse_number(const char *s, uint64_t max, uint64_t *val)
{
	uint64_t v = 0;
	int d;

	if (!s)
		return false;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		s += 2;
	if (!*s)
		return false;
	for (; *s; s++) {
		d = text_hex_digit(*s);
		if (d < 0 || v > (UINT64_MAX >> 4))
			return false;
		v = v << 4 | (uint64_t)d;
		if (v > max)
			return false;
	}
	*val = v;
	return true;
}

/* More digits than any field may have, so a long run is seen as long. */
#define FIELD_DIGITS_SEEN 8

bool text_sbdf_scan(const char *s, struct text_sbdf_fields *f)
{
	const char *p = s;
	uint64_t a, b;
	unsigned int na, nb;

	if (!s)
		return false;
	memset(f, 0, sizeof(*f));
	na = text_hex_run(&p, FIELD_DIGITS_SEEN, &a);
	if (na == 0 || *p != ':')
		return false;
	p++;
	nb = text_hex_run(&p, FIELD_DIGITS_SEEN, &b);
	if (nb == 0)
		return false;
	if (*p == ':') { /* a was the segment, b the bus */
		f->has_segment = true;
		f->seg = a, f->seg_digits = na;
		f->bus = b, f->bus_digits = nb;
		p++;
		f->dev_digits = text_hex_run(&p, FIELD_DIGITS_SEEN, &f->dev);
	} else { /* a was the bus, b the device */
		f->bus = a, f->bus_digits = na;
		f->dev = b, f->dev_digits = nb;
	}
	if (f->dev_digits == 0 || p[0] != '.' || p[1] < '0' || p[1] > '7')
		return false;
	f->fn = (unsigned int)(p[1] - '0');
	f->end = p + 2;
	return true;
}

bool text_parse_sbdf(const char *s, vpci_sbdf_t *sbdf)
{
	struct text_sbdf_fields f;

	if (!text_sbdf_scan(s, &f) || *f.end != '\0' || f.seg_digits > 4 ||
	    f.bus_digits > 2 || f.dev_digits > 2 || f.dev > 0x1f)
		return false;
	*sbdf = VPCI_SBDF(f.seg, f.bus, f.dev, f.fn);
	return true;
}

bool text_parse_sbdf_canonical(const char *s, vpci_sbdf_t *sbdf)
{
	struct text_sbdf_fields f;

	if (!text_sbdf_scan(s, &f) || *f.end != '\0' || !f.has_segment ||
	    f.seg_digits != 4 || f.bus_digits != 2 || f.dev_digits != 2 ||
	    f.dev > 0x1f)
		return false;
	*sbdf = VPCI_SBDF(f.seg, f.bus, f.dev, f.fn);
	return true;
}

char *text_sbdf_str(vpci_sbdf_t sbdf, char *buf)
{
	snprintf(buf, TEXT_SBDF_STRLEN, "%04x:%02x:%02x.%u",
		 VPCI_SBDF_SEG(sbdf), VPCI_SBDF_BUS(sbdf), VPCI_SBDF_DEV(sbdf),
		 VPCI_SBDF_FN(sbdf));
	return buf;
}
