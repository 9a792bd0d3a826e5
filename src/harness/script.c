/* SPDX-License-Identifier: MIT */
/*
 * The script runner: parses replay scripts line by line and performs each
 * access through the session (which decides which domain and SBDF it
 * reaches). It prints only what reads return; map/unmap tracing is the
 * replay platform's, so both land on stdout in the order they happen.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "script.h"
#include "session.h"

#define SCRIPT_MAX_TOKENS  6
#define CONFIG_SPACE_BYTES 4096u

/* 1..max_digits hex digits at *s up to the terminator stop; advances *s
 * past them. */
static bool hex_run(const char **s, unsigned int max_digits, char stop,
		    unsigned int *out)
{
	unsigned int v = 0, n = 0;
	int d;

	while ((d = topo_hex_digit(**s)) >= 0) {
		if (++n > max_digits)
			return false;
		v = v << 4 | (unsigned int)d;
		(*s)++;
	}
	if (n == 0 || **s != stop)
		return false;
	*out = v;
	return true;
}

bool script_parse_sbdf(const char *s, vpci_sbdf_t *sbdf)
{
	unsigned int a, seg = 0, bus, dev, fn;
	const char *p = s;

	if (!s || !hex_run(&p, 4, ':', &a))
		return false;
	p++;
	if (!hex_run(&p, 2, ':', &bus)) {
		/* Only "BB:DD.F": a was the bus. */
		p = s;
		if (!hex_run(&p, 2, ':', &bus))
			return false;
	} else {
		seg = a;
	}
	p++;
	if (!hex_run(&p, 2, '.', &dev) || dev > 0x1f)
		return false;
	p++;
	if (p[0] < '0' || p[0] > '7' || p[1] != '\0')
		return false;
	fn = (unsigned int)(p[0] - '0');
	*sbdf = VPCI_SBDF(seg, bus, dev, fn);
	return true;
}

bool script_parse_number(const char *s, uint64_t max, uint64_t *val)
{
	unsigned long long v;
	const char *digits = s;
	char *end;
	int base = 10;

	if (!s || !*s)
		return false;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		digits = s + 2;
		base = 16;
		if (topo_hex_digit(*digits) < 0)
			return false;
	} else if (*s < '0' || *s > '9') {
		return false; /* no sign, no spaces */
	}
	errno = 0;
	v = strtoull(digits, &end, base);
	if (errno || *end || v > max)
		return false;
	*val = v;
	return true;
}

/* Split line in place at blanks, dropping a '#' comment. */
static unsigned int tokenize(char *line, char *tok[SCRIPT_MAX_TOKENS])
{
	char *hash = strchr(line, '#'), *save = NULL, *t;
	unsigned int n = 0;

	if (hash)
		*hash = '\0';
	for (t = strtok_r(line, " \t\r\v\f", &save); t;
	     t = strtok_r(NULL, " \t\r\v\f", &save)) {
		if (n == SCRIPT_MAX_TOKENS)
			return n + 1;
		tok[n++] = t;
	}
	return n;
}

struct access {
	bool write;
	bool port_io; /* inb/inw/inl/outb/outw/outl: port, size, val */
	unsigned int port;
	vpci_sbdf_t sbdf;
	unsigned int reg;
	unsigned int size;
	uint32_t val;
};

/* The size an in/out mnemonic names (b, w, l), or 0 if it is none. */
static unsigned int port_io_size(const char *cmd, bool *write)
{
	static const char sizes[] = "b\1w\2l\4";
	const char *p;

	*write = !strncmp(cmd, "out", 3);
	if (*write)
		cmd += 3;
	else if (!strncmp(cmd, "in", 2))
		cmd += 2;
	else
		return 0;
	for (p = sizes; *p; p += 2)
		if (cmd[0] == p[0] && cmd[1] == '\0')
			return (unsigned int)p[1];
	return 0;
}

/* "inb|inw|inl PORT" and "outb|outw|outl PORT VALUE", PORT 0xcf8-0xcff
 * (x86 configuration mechanism #1). */
static int parse_port_io(char **tok, unsigned int n, struct access *acc,
			 char *why, size_t why_len)
{
	uint64_t v;

	acc->port_io = true;
	if (n != (acc->write ? 3u : 2u)) {
		snprintf(why, why_len, "expected '%s PORT%s'", tok[0],
			 acc->write ? " VALUE" : "");
		return -1;
	}
	if (!script_parse_number(tok[1], 0xffff, &v) || v < VPCI_CF8_PORT ||
	    v > VPCI_CFC_PORT + 3) {
		snprintf(why, why_len,
			 "bad port '%s' (expected 0xcf8..0xcff, the PCI "
			 "configuration ports)",
			 tok[1]);
		return -1;
	}
	acc->port = (unsigned int)v;
	acc->val = 0;
	if (!acc->write)
		return 1;
	if (!script_parse_number(tok[2], (1ull << (8 * acc->size)) - 1, &v)) {
		snprintf(why, why_len,
			 "bad value '%s' (expected a number that fits in %u "
			 "byte%s, hex with 0x or decimal)",
			 tok[2], acc->size, acc->size == 1 ? "" : "s");
		return -1;
	}
	acc->val = (uint32_t)v;
	return 1;
}

/* Parse one line into *acc. Returns 1 for an access, 0 for nothing to do,
 * -1 with why filled. */
static int parse_line(char *line, struct access *acc, char *why, size_t why_len)
{
	char *tok[SCRIPT_MAX_TOKENS];
	unsigned int n = tokenize(line, tok), want;
	uint64_t v;

	if (n == 0)
		return 0;
	acc->port_io = false;
	if ((acc->size = port_io_size(tok[0], &acc->write)) != 0)
		return parse_port_io(tok, n, acc, why, why_len);
	if (strcmp(tok[0], "r") && strcmp(tok[0], "w")) {
		snprintf(why, why_len,
			 "unknown command '%s' (expected r, w, inb, inw, inl, "
			 "outb, outw or outl)",
			 tok[0]);
		return -1;
	}
	acc->write = tok[0][0] == 'w';
	want = acc->write ? 5 : 4;
	if (n != want) {
		snprintf(why, why_len, "%s",
			 acc->write ? "expected 'w SBDF OFFSET SIZE VALUE'"
				    : "expected 'r SBDF OFFSET SIZE'");
		return -1;
	}
	if (!script_parse_sbdf(tok[1], &acc->sbdf)) {
		snprintf(why, why_len,
			 "bad SBDF '%s' (expected SSSS:BB:DD.F or BB:DD.F)",
			 tok[1]);
		return -1;
	}
	if (!script_parse_number(tok[3], 4, &v) ||
	    (v != 1 && v != 2 && v != 4)) {
		snprintf(why, why_len, "bad size '%s' (expected 1, 2 or 4)",
			 tok[3]);
		return -1;
	}
	acc->size = (unsigned int)v;
	if (!script_parse_number(tok[2], CONFIG_SPACE_BYTES - acc->size, &v)) {
		snprintf(why, why_len,
			 "bad offset '%s' (expected 0..0x%x for a %u-byte "
			 "access, hex with 0x or decimal)",
			 tok[2], CONFIG_SPACE_BYTES - acc->size, acc->size);
		return -1;
	}
	acc->reg = (unsigned int)v;
	acc->val = 0;
	if (!acc->write)
		return 1;
	if (!script_parse_number(tok[4], (1ull << (8 * acc->size)) - 1, &v)) {
		snprintf(why, why_len,
			 "bad value '%s' (expected a number that fits in %u "
			 "byte%s, hex with 0x or decimal)",
			 tok[4], acc->size, acc->size == 1 ? "" : "s");
		return -1;
	}
	acc->val = (uint32_t)v;
	return 1;
}

static void perform(struct session *s, const struct access *acc, FILE *out)
{
	uint32_t val;

	if (acc->port_io) {
		if (acc->write) {
			session_port_out(s, acc->port, acc->size, acc->val);
			return;
		}
		val = session_port_in(s, acc->port, acc->size);
		fprintf(out, "0x%0*x\n", (int)(2 * acc->size), val);
		return;
	}
	if (acc->write) {
		session_write(s, acc->sbdf, acc->reg, acc->size, acc->val);
		return;
	}
	val = session_read(s, acc->sbdf, acc->reg, acc->size);
	fprintf(out, "0x%0*x\n", (int)(2 * acc->size), val);
}

int script_run(struct session *s, FILE *in, const char *name, FILE *out,
	       bool interactive)
{
	char why[256], *line = NULL;
	size_t cap = 0;
	unsigned long lineno = 0;
	struct access acc;
	ssize_t len;
	int rc = 0, kind;

	for (;;) {
		if (interactive) {
			fputs("vpci> ", stderr);
			fflush(stderr);
		}
		len = getline(&line, &cap, in);
		if (len < 0)
			break;
		lineno++;
		if ((size_t)len != strlen(line)) {
			snprintf(why, sizeof(why), "line contains a NUL byte");
			kind = -1;
		} else {
			if (len > 0 && line[len - 1] == '\n')
				line[len - 1] = '\0';
			kind = parse_line(line, &acc, why, sizeof(why));
		}
		if (kind < 0) {
			fprintf(stderr, "%s:%lu: %s\n", name, lineno, why);
			if (interactive)
				continue;
			rc = -1;
			break;
		}
		if (kind > 0)
			perform(s, &acc, out);
		if (interactive)
			fflush(out);
	}
	if (!rc && ferror(in)) {
		fprintf(stderr, "%s: read error: %s\n", name, strerror(errno));
		rc = -1;
	}
	if (interactive)
		fputc('\n', stderr);
	free(line);
	return rc;
}
