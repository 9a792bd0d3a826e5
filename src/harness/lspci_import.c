/* SPDX-License-Identifier: MIT */
/*
 * Importing an lspci dump: the text of `lspci -x/-xxx/-xxxx`, as `lspci -F`
 * reads it, optionally mixed with `-v`/`-vv` decode whose "Region N:" and
 * "Expansion ROM" lines carry the BAR sizes config bytes cannot.
 *
 * Lines, as lspci -F sees them:
 *   "[SSSS:]BB:DD.F text"  starts a function (domain 0 when absent);
 *   "XX: hh ... hh"        16 config bytes at offset XX (2 or 3 hex digits);
 *   indented text          decode; only top-level Region/ROM lines matter;
 *   empty line             ends the function;
 *   anything else          ignored (mail headers, prompts, prose).
 * A hex row outside a function or not holding 16 bytes, a bad header, a
 * Region line with an unreadable size: "FILE:LINE: what". A function
 * without any hex row is dropped with a warning (plain `lspci` output).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loader.h"
#include "topology_internal.h"
#include "text.h"

#define ROW_BYTES 16
#define NR_ROWS (TOPO_CONFIG_MAX / ROW_BYTES)
#define TOP_LEVEL_COLUMN 8 /* deeper decode (SR-IOV VF BARs) is no BAR */

struct dump_dev {
	bool open;
	size_t index; /* in topo->fns; pointers move when the array grows */
	unsigned int header_line;
	bool row_seen[NR_ROWS];
	unsigned int nr_rows, end_bytes;
	struct topo_bar_hint hints[TOPO_NR_BARS];
};

struct dump_ctx {
	const char *file;
	unsigned int line;
	struct topology *topo;
	struct topo_error *err;
	struct dump_dev dev;
};

#define dump_error(ctx, fmt, ...)                                              \
	topo_set_error((ctx)->err, "%s:%u: " fmt, (ctx)->file, (ctx)->line,   \
		       ##__VA_ARGS__)

static struct topo_fn *cur_fn(struct dump_ctx *ctx)
{
	return &ctx->topo->fns[ctx->dev.index];
}

/* ------------------------------------------------------------ functions */

static unsigned int dump_config_len(unsigned int end_bytes)
{
	return end_bytes <= 64 ? 64 : end_bytes <= 256 ? 256 : TOPO_CONFIG_MAX;
}

/* A function ends at an empty line, the next header or end of file. */
static int finish_dev(struct dump_ctx *ctx)
{
	struct dump_dev *dev = &ctx->dev;
	char name[TEXT_SBDF_STRLEN], where[600];
	struct topo_fn *fn;
	unsigned int r;

	if (!dev->open)
		return 0;
	dev->open = false;
	fn = cur_fn(ctx);
	text_sbdf_str(fn->sbdf, name);
	snprintf(where, sizeof(where), "%s:%u: %s", ctx->file,
		 dev->header_line, name);
	if (dev->nr_rows == 0) {
		topo_drop_last_fn(ctx->topo);
		return topo_warn(ctx->topo, ctx->err,
				 "%s: no hex dump (lspci without -x?); "
				 "ignored",
				 where);
	}
	for (r = 0; r < 64 / ROW_BYTES; r++) {
		if (!dev->row_seen[r]) {
			topo_set_error(ctx->err,
				       "%s: row %02x of the 64-byte header is "
				       "missing",
				       where, r * ROW_BYTES);
			return -1;
		}
	}
	fn->config_len = dump_config_len(dev->end_bytes);
	if (dev->nr_rows * ROW_BYTES != dev->end_bytes &&
	    topo_warn(ctx->topo, ctx->err,
		      "%s: rows missing below 0x%x; they read as 0", where,
		      dev->end_bytes))
		return -1;
	if (dev->end_bytes != fn->config_len &&
	    topo_warn(ctx->topo, ctx->err,
		      "%s: dump stops at 0x%x; 0x%x-0x%x read as 0", where,
		      dev->end_bytes, dev->end_bytes, fn->config_len - 1))
		return -1;
	return topo_derive_bars(ctx->topo, fn, dev->hints, where, ctx->err);
}

/* "[SSSS:]BB:DD.F" then a blank or the end: 1 yes, 0 not a header,
 * -1 malformed. */
static int parse_header(struct dump_ctx *ctx, const char *s,
			vpci_sbdf_t *sbdf)
{
	struct text_sbdf_fields f;

	/* lspci prints a 4-digit domain; a fifth digit is read to be
	 * reported as out of range rather than as "not a header". */
	if (!text_sbdf_scan(s, &f) ||
	    (f.has_segment && (f.seg_digits < 4 || f.seg_digits > 5)) ||
	    f.bus_digits != 2 || f.dev_digits != 2 ||
	    (*f.end != ' ' && *f.end != '\t' && *f.end != '\0'))
		return 0;
	if (f.seg > 0xffff || f.dev > 0x1f) {
		dump_error(ctx, "%s number out of range in \"%.*s\"",
			   f.seg > 0xffff ? "domain" : "device",
			   (int)(f.end - s), s);
		return -1;
	}
	*sbdf = VPCI_SBDF(f.seg, f.bus, f.dev, f.fn);
	return 1;
}

static int start_dev(struct dump_ctx *ctx, vpci_sbdf_t sbdf)
{
	struct topo_fn *fn;

	if (finish_dev(ctx))
		return -1;
	fn = topo_add_fn(ctx->topo, sbdf, ctx->err);
	if (!fn)
		return -1;
	fn->source_line = ctx->line;
	memset(&ctx->dev, 0, sizeof(ctx->dev));
	ctx->dev.open = true;
	ctx->dev.index = ctx->topo->nr_fns - 1;
	ctx->dev.header_line = ctx->line;
	return 0;
}

/* --------------------------------------------------------------- hex rows */

/*
 * "XX: hh" or "XXX: hh" at the start: the row offset, or -1 if not a row.
 * Demanding the first byte too keeps prose such as "bad: idea" out.
 */
static long row_offset(const char *s)
{
	uint64_t off;
	const char *p = s;
	unsigned int n = text_hex_run(&p, 3, &off);

	if (n < 2 || p[0] != ':' || p[1] != ' ' || text_hex_digit(p[2]) < 0 ||
	    text_hex_digit(p[3]) < 0 || (p[4] != ' ' && p[4] != '\0'))
		return -1;
	return (long)off;
}

static int parse_row(struct dump_ctx *ctx, const char *s, unsigned long off)
{
	struct dump_dev *dev = &ctx->dev;
	uint8_t bytes[ROW_BYTES];
	const char *p = strchr(s, ':') + 1;
	unsigned int i;

	if (!dev->open) {
		dump_error(ctx, "hex row outside a function (no \"BB:DD.F\" "
				"header line before it)");
		return -1;
	}
	if (off % ROW_BYTES) {
		dump_error(ctx, "row offset %lx is not a multiple of 16", off);
		return -1;
	}
	for (i = 0; i < ROW_BYTES; i++) {
		int hi, lo;

		if (p[0] != ' ' || (hi = text_hex_digit(p[1])) < 0 ||
		    (lo = text_hex_digit(p[2])) < 0) {
			dump_error(ctx, "expected 16 hex bytes after \"%02lx:\", "
					"found %u",
				   off, i);
			return -1;
		}
		bytes[i] = (uint8_t)(hi << 4 | lo);
		p += 3;
	}
	while (*p == ' ' || *p == '\t')
		p++;
	if (*p) {
		dump_error(ctx, "more than 16 bytes after \"%02lx:\"", off);
		return -1;
	}
	if (dev->row_seen[off / ROW_BYTES]) {
		dump_error(ctx, "row %02lx given twice", off);
		return -1;
	}
	dev->row_seen[off / ROW_BYTES] = true;
	dev->nr_rows++;
	if (off + ROW_BYTES > dev->end_bytes)
		dev->end_bytes = (unsigned int)off + ROW_BYTES;
	memcpy(&cur_fn(ctx)->config[off], bytes, ROW_BYTES);
	return 0;
}

/* ------------------------------------------------------- -v decode lines */

/* lspci prints sizes as a number and one of "", K, M, G, T. */
static int parse_size(struct dump_ctx *ctx, const char *s, uint64_t *size)
{
	static const char units[] = "KMGTPE";
	const char *p = s, *u;
	unsigned long long v;
	char *end;

	if (*p < '0' || *p > '9')
		goto bad;
	errno = 0;
	v = strtoull(p, &end, 10);
	if (errno)
		goto bad;
	if (*end && *end != ']') {
		unsigned int shift;

		u = strchr(units, *end);
		if (!u)
			goto bad;
		shift = 10 * (unsigned int)(u - units + 1);
		if (v > UINT64_MAX >> shift)
			goto bad;
		v <<= shift;
		end++;
	}
	if (*end != ']')
		goto bad;
	*size = v;
	return 0;
bad:
	dump_error(ctx, "unreadable size \"[size=%.20s\"", s);
	return -1;
}

static void kind_from_text(const char *s, struct topo_bar_hint *hint)
{
	if (strstr(s, "I/O ports at")) {
		hint->kind_known = true;
		hint->kind = TOPO_BAR_IO;
	} else if (strstr(s, "Memory at")) {
		hint->kind_known = true;
		hint->kind = strstr(s, "(64-bit") ? TOPO_BAR_MEM64_LO
						  : TOPO_BAR_MEM32;
		hint->prefetchable = strstr(s, ", prefetchable") != NULL;
	}
}

/* Which BAR a top-level decode line describes: 0-5, 6 for the ROM,
 * -1 for other lines, -2 for a Region number past 5. */
static int decode_bar_index(const char *s)
{
	char *end;
	unsigned long n;

	if (strncmp(s, "Expansion ROM at ", 17) == 0)
		return TOPO_ROM_INDEX;
	if (strncmp(s, "Region ", 7) != 0 || s[7] < '0' || s[7] > '9')
		return -1;
	n = strtoul(s + 7, &end, 10);
	if (*end != ':')
		return -1;
	return n < TOPO_ROM_INDEX ? (int)n : -2;
}

static int parse_decode(struct dump_ctx *ctx, const char *s)
{
	struct topo_bar_hint *hint;
	unsigned int column = 0;
	const char *size;
	int i;

	for (; *s == ' ' || *s == '\t'; s++)
		column = *s == '\t' ? (column / 8 + 1) * 8 : column + 1;
	if (!ctx->dev.open || column > TOP_LEVEL_COLUMN)
		return 0;
	i = decode_bar_index(s);
	if (i == -2) {
		dump_error(ctx, "\"%.10s\": a function has Regions 0-5 only", s);
		return -1;
	}
	/* [virtual]: the OS knows a range the BAR does not decode (EA,
	 * a shadowed ROM); not a BAR. */
	if (i < 0 || strstr(s, "[virtual]"))
		return 0;
	hint = &ctx->dev.hints[i];
	if (hint->present) {
		dump_error(ctx, "BAR %d described twice (also line %u)", i,
			   hint->line);
		return -1;
	}
	hint->present = true;
	hint->line = ctx->line;
	if (i == TOPO_ROM_INDEX) {
		hint->kind_known = true;
		hint->kind = TOPO_BAR_ROM;
	} else {
		kind_from_text(s, hint);
	}
	size = strstr(s, "[size=");
	if (!size)
		return 0;
	hint->size_known = true;
	return parse_size(ctx, size + 6, &hint->size_bytes);
}

/* ------------------------------------------------------------------ main */

static int parse_line(struct dump_ctx *ctx, const char *s)
{
	vpci_sbdf_t sbdf;
	long off;
	int rc;

	if (*s == '\0')
		return finish_dev(ctx);
	if (*s == ' ' || *s == '\t')
		return parse_decode(ctx, s);
	off = row_offset(s);
	if (off >= 0)
		return parse_row(ctx, s, (unsigned long)off);
	rc = parse_header(ctx, s, &sbdf);
	if (rc < 0)
		return -1;
	if (rc > 0)
		return start_dev(ctx, sbdf);
	return 0; /* prose: lspci -F ignores it too */
}

int lspci_import(const char *file, struct topology *topo,
		 struct topo_error *err)
{
	struct dump_ctx *ctx;
	size_t cap = 0;
	char *buf = NULL;
	ssize_t len;
	int rc = 0;
	FILE *f;

	f = fopen(file, "r");
	if (!f) {
		topo_set_error(err, "%s: %s", file, strerror(errno));
		return -1;
	}
	ctx = calloc(1, sizeof(*ctx));
	if (!ctx) {
		fclose(f);
		topo_set_error(err, "%s: out of memory", file);
		return -1;
	}
	ctx->file = file;
	ctx->topo = topo;
	ctx->err = err;
	while (rc == 0 &&
	       (len = topo_read_line(f, &buf, &cap)) != TOPO_LINE_EOF) {
		ctx->line++;
		if (len < 0) {
			dump_error(ctx, "%s", topo_line_problem(len));
			rc = -1;
		} else {
			rc = parse_line(ctx, buf);
		}
	}
	if (rc == 0 && ferror(f)) {
		topo_set_error(err, "%s: read error", file);
		rc = -1;
	}
	if (rc == 0)
		rc = finish_dev(ctx);
	if (rc == 0)
		rc = topo_finish(topo, err);
	free(buf);
	free(ctx);
	fclose(f);
	return rc;
}
